//! The typed client (`client.model::<M>()`) against the Odoo double, over JSON/2
//! and XML-RPC: hand-written models with `#[derive(OdooModel)]`, Odoo's `false`
//! for empty values, a many2one, a selection enum, and the full CRUD cycle.
//!
//! The generated models (crate `generated`) go through the same client at the end.
//!
//! Every scenario is one `async fn(Transport)`, run once per transport by the
//! `on_both_transports!` table at the bottom; each starts its own double, so writes
//! never leak between tests.

use odoo_client::value::false_as_none;
use odoo_client::{
    ApiVersion, Config, Domain, Error, Many2One, Missing, Model, OdooClient, OdooModel, RecordId,
};
use odoo_tests::OdooDouble;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// `res.partner` as an application would write it by hand. `deny_unknown_fields`
/// proves that a typed read returns exactly `FIELDS` (plus `id`), nothing more.
#[derive(Debug, Clone, PartialEq, Deserialize, OdooModel)]
#[serde(deny_unknown_fields)]
#[odoo(model = "res.partner", create = NewPartner, update = PartnerChanges)]
struct Partner {
    id: RecordId,
    name: String,
    #[serde(default, deserialize_with = "false_as_none")]
    email: Option<String>,
    /// many2one → `[id, "display name"]`, or `false`.
    #[serde(rename = "country_id", default, deserialize_with = "false_as_none")]
    country: Option<Many2One>,
    #[serde(rename = "parent_id", default, deserialize_with = "false_as_none")]
    company: Option<Many2One>,
    /// A selection field.
    #[serde(rename = "type")]
    kind: AddressType,
    is_company: bool,
    #[serde(default, deserialize_with = "false_as_none")]
    comment: Option<String>,
    /// Application state, never read from Odoo.
    #[odoo(skip)]
    #[serde(default)]
    visits: u32,
}

/// Odoo's `res.partner.type`, minus `other`: a value the program does not know
/// (a newer Odoo, a module) lands in `Unknown` instead of failing the read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
enum AddressType {
    Contact,
    Invoice,
    Delivery,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Serialize)]
struct NewPartner {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    /// many2one written as the target id.
    #[serde(rename = "parent_id", skip_serializing_if = "Option::is_none")]
    company: Option<RecordId>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<AddressType>,
}

impl NewPartner {
    fn named(name: &str) -> Self {
        Self {
            name: name.into(),
            email: None,
            company: None,
            kind: None,
        }
    }
}

/// `None` = leave the field alone.
#[derive(Debug, Default, Serialize)]
struct PartnerChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<AddressType>,
}

/// The same model read carelessly: `email` as a plain `String`, which Odoo's
/// `false` for "no email" cannot fill.
#[derive(Debug, Deserialize, OdooModel)]
#[odoo(model = "res.partner")]
struct CarelessPartner {
    #[allow(dead_code)]
    email: String,
}

/// A second model, to show nothing is res.partner-specific.
#[derive(Debug, Deserialize, OdooModel)]
#[odoo(model = "res.country")]
struct Country {
    id: RecordId,
    name: String,
    code: String,
}

#[derive(Debug, Clone, Copy)]
enum Transport {
    Json2,
    XmlRpc,
}

async fn connect(transport: Transport) -> (OdooDouble, OdooClient) {
    let double = OdooDouble::start().await;
    let config: Config = match transport {
        Transport::Json2 => double.config_json2(),
        Transport::XmlRpc => double.config_xmlrpc(),
    };
    let client = OdooClient::new(config).expect("the double's config is valid");
    let expected = match transport {
        Transport::Json2 => ApiVersion::Json2,
        Transport::XmlRpc => ApiVersion::XmlRpc,
    };
    assert_eq!(client.api_version().await.unwrap(), expected);
    (double, client)
}

fn domain(value: Value) -> Domain {
    Domain::from_value(&value).expect("a valid test domain")
}

fn context(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not a context: {other}"),
    }
}

/// The double's own partner records, as Odoo would return them with all fields.
fn partners_in(double: &OdooDouble) -> Vec<Value> {
    double.records("res.partner")
}

fn assert_missing_record(err: &Error, ids: &str) {
    match err {
        Error::NotFound {
            what: Missing::Record,
            fault,
        } => assert!(
            fault.message.contains(&format!("res.partner({ids})")),
            "{fault:?}"
        ),
        other => panic!("expected a missing record, got {other:?}"),
    }
}

async fn search_reads_model_fields_with_paging_and_order(transport: Transport) {
    let (double, client) = connect(transport).await;
    let companies = domain(json!([["is_company", "=", true]]));

    // What the double holds, sorted as `order("name")` asks.
    let mut expected: Vec<(RecordId, String)> = partners_in(&double)
        .iter()
        .filter(|p| p["is_company"] == json!(true))
        .map(|p| {
            (
                p["id"].as_i64().unwrap(),
                p["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    expected.sort_by(|a, b| a.1.cmp(&b.1));
    assert!(expected.len() >= 5, "the fixtures hold several companies");

    double.clear_requests();
    let page: Vec<Partner> = client
        .model::<Partner>()
        .search(companies.clone())
        .order("name")
        .offset(1)
        .limit(3)
        .await
        .unwrap();
    let got: Vec<(RecordId, String)> = page.iter().map(|p| (p.id, p.name.clone())).collect();
    assert_eq!(got, expected[1..4]);
    assert!(page.iter().all(|p| p.is_company && p.visits == 0));
    // One call (XML-RPC also logs in first, on `common`).
    let calls: Vec<(String, String)> = double
        .requests()
        .into_iter()
        .filter(|(_, model, _)| !model.is_empty())
        .map(|(_, model, method)| (model, method))
        .collect();
    assert_eq!(
        calls,
        [("res.partner".to_string(), "search_read".to_string())]
    );

    // `.all()` is the same as awaiting; no limit reads every match.
    let all = client
        .model::<Partner>()
        .search(companies)
        .all()
        .await
        .unwrap();
    assert_eq!(all.len(), expected.len());
}

async fn search_first_ids_and_count(transport: Transport) {
    let (double, client) = connect(transport).await;
    let partners = client.model::<Partner>();
    let companies = domain(json!([["is_company", "=", true]]));
    let total = partners_in(&double).len() as u64;
    let n_companies = partners_in(&double)
        .iter()
        .filter(|p| p["is_company"] == json!(true))
        .count() as u64;

    assert_eq!(partners.count(Domain::new()).await.unwrap(), total);
    assert_eq!(
        partners.count(companies.clone()).await.unwrap(),
        n_companies
    );
    // `count` ignores paging.
    assert_eq!(
        partners
            .search(companies.clone())
            .limit(1)
            .count()
            .await
            .unwrap(),
        n_companies
    );

    let ids = partners
        .search(companies.clone())
        .order("id")
        .ids()
        .await
        .unwrap();
    assert_eq!(ids.len() as u64, n_companies);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

    let first = partners
        .search(companies)
        .order("id desc")
        .first()
        .await
        .unwrap()
        .expect("there are companies");
    assert_eq!(first.id, *ids.last().unwrap());

    let none = domain(json!([["name", "=", "no partner has this name"]]));
    assert_eq!(partners.search(none.clone()).first().await.unwrap(), None);
    assert_eq!(partners.search(none.clone()).await.unwrap(), vec![]);
    assert_eq!(partners.count(none).await.unwrap(), 0);
}

async fn get_maps_false_to_none_and_reads_many2ones(transport: Transport) {
    let (double, client) = connect(transport).await;
    let partners = client.model::<Partner>();

    // Pick records by their data rather than by fixed ids.
    let records = partners_in(&double);
    let with_company = records
        .iter()
        .find(|p| p["parent_id"].is_array() && p["email"].is_string())
        .expect("a contact of a company");
    let id = with_company["id"].as_i64().unwrap();
    let partner = partners.get(id).await.unwrap();
    assert_eq!(partner.name, with_company["name"].as_str().unwrap());
    assert_eq!(partner.email.as_deref(), with_company["email"].as_str());
    let parent = &with_company["parent_id"];
    assert_eq!(
        partner.company,
        Some(Many2One::new(
            parent[0].as_i64().unwrap(),
            parent[1].as_str().unwrap()
        ))
    );
    assert!(partner.country.is_some());
    assert_eq!(partner.kind, AddressType::Contact);

    let no_email = records
        .iter()
        .find(|p| p["email"] == json!(false))
        .expect("a partner without email");
    let partner = partners
        .get(no_email["id"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(partner.email, None);

    let no_country = records
        .iter()
        .find(|p| p["country_id"] == json!(false) && p["parent_id"] == json!(false))
        .expect("a partner without country or company");
    let partner = partners
        .get(no_country["id"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!((partner.country, partner.company), (None, None));
}

async fn missing_records_are_not_found(transport: Transport) {
    let (double, client) = connect(transport).await;
    let partners = client.model::<Partner>();
    let some_id = partners_in(&double)[0]["id"].as_i64().unwrap();

    let err = partners.get(999_999).await.unwrap_err();
    assert_missing_record(&err, "999999,");

    let err = partners
        .get_many(&[some_id, 999_998, 999_999, 999_998])
        .await
        .unwrap_err();
    assert_missing_record(&err, "999998, 999999");
}

async fn get_many_keeps_the_requested_order(transport: Transport) {
    let (double, client) = connect(transport).await;
    let ids: Vec<RecordId> = partners_in(&double)
        .iter()
        .take(3)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let wanted = [ids[2], ids[0], ids[2], ids[1]];
    let got = client.model::<Partner>().get_many(&wanted).await.unwrap();
    assert_eq!(got.iter().map(|p| p.id).collect::<Vec<_>>(), wanted);
    assert_eq!(got[0], got[2]);
    assert!(
        client
            .model::<Partner>()
            .get_many(&[])
            .await
            .unwrap()
            .is_empty()
    );
}

async fn create_update_delete(transport: Transport) {
    let (double, client) = connect(transport).await;
    let partners = client.model::<Partner>();
    let before = partners.count(Domain::new()).await.unwrap();
    let company = partners_in(&double)
        .into_iter()
        .find(|p| p["is_company"] == json!(true))
        .unwrap();
    let company_id = company["id"].as_i64().unwrap();

    let id = partners
        .create(&NewPartner {
            email: Some("typed@example.com".into()),
            company: Some(company_id),
            kind: Some(AddressType::Invoice),
            ..NewPartner::named("Typed Client Test")
        })
        .await
        .unwrap();
    assert_eq!(partners.count(Domain::new()).await.unwrap(), before + 1);
    let created = partners.get(id).await.unwrap();
    assert_eq!(created.name, "Typed Client Test");
    assert_eq!(created.email.as_deref(), Some("typed@example.com"));
    assert_eq!(created.kind, AddressType::Invoice);
    assert_eq!(
        created.company,
        Some(Many2One::new(company_id, company["name"].as_str().unwrap()))
    );
    assert_eq!(created.comment, None);
    assert!(
        double
            .records("res.partner")
            .iter()
            .any(|p| p["id"] == json!(id) && p["name"] == json!("Typed Client Test"))
    );

    // Only the fields set in the update change.
    partners
        .update(
            id,
            &PartnerChanges {
                comment: Some("<p>typed</p>".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let updated = partners.get(id).await.unwrap();
    assert_eq!(updated.comment.as_deref(), Some("<p>typed</p>"));
    assert_eq!(updated.email.as_deref(), Some("typed@example.com"));

    partners.delete(&[id]).await.unwrap();
    assert_missing_record(&partners.get(id).await.unwrap_err(), &format!("{id},"));
    assert_eq!(partners.count(Domain::new()).await.unwrap(), before);

    // Odoo's own MissingError on write/unlink of a deleted record, as `get` gives.
    let err = partners
        .update(id, &PartnerChanges::default().with_email("x@example.com"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                what: Missing::Record,
                ..
            }
        ),
        "{err:?}"
    );
    let err = partners.delete(&[id]).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                what: Missing::Record,
                ..
            }
        ),
        "{err:?}"
    );
}

impl PartnerChanges {
    fn with_email(mut self, email: &str) -> Self {
        self.email = Some(email.into());
        self
    }
}

async fn create_many_and_update_many(transport: Transport) {
    let (_double, client) = connect(transport).await;
    let partners = client.model::<Partner>();
    let ids = partners
        .create_many(&[NewPartner::named("Typed A"), NewPartner::named("Typed B")])
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);

    partners
        .update_many(
            &ids,
            &PartnerChanges::default().with_email("both@example.com"),
        )
        .await
        .unwrap();
    let both = partners.get_many(&ids).await.unwrap();
    assert_eq!(
        both.iter()
            .map(|p| (p.name.as_str(), p.email.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("Typed A", Some("both@example.com")),
            ("Typed B", Some("both@example.com"))
        ]
    );

    partners.delete(&ids).await.unwrap();
    let err = partners.get_many(&ids).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                what: Missing::Record,
                ..
            }
        ),
        "{err:?}"
    );
}

async fn selection_enum_round_trips_and_falls_back(transport: Transport) {
    let (_double, client) = connect(transport).await;
    let partners = client.model::<Partner>();
    let id = partners
        .create(&NewPartner {
            kind: Some(AddressType::Delivery),
            ..NewPartner::named("Typed Selection")
        })
        .await
        .unwrap();
    assert_eq!(partners.get(id).await.unwrap().kind, AddressType::Delivery);

    partners
        .update(
            id,
            &PartnerChanges {
                kind: Some(AddressType::Invoice),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(partners.get(id).await.unwrap().kind, AddressType::Invoice);

    // `other` is a real Odoo value this enum does not list: read as `Unknown`.
    let mut vals = Map::new();
    vals.insert("type".into(), json!("other"));
    client.write("res.partner", &[id], &vals).await.unwrap();
    assert_eq!(partners.get(id).await.unwrap().kind, AddressType::Unknown);

    // Writing the fallback sends `unknown`, which Odoo refuses.
    let err = partners
        .update(
            id,
            &PartnerChanges {
                kind: Some(AddressType::Unknown),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server(_)), "{err:?}");
    assert!(
        err.to_string().contains("Wrong value for res.partner.type"),
        "{err}"
    );
}

async fn odoo_false_in_a_non_option_field_is_explained(transport: Transport) {
    let (double, client) = connect(transport).await;
    let no_email = partners_in(&double)
        .into_iter()
        .find(|p| p["email"] == json!(false))
        .expect("a partner without email");
    let id = no_email["id"].as_i64().unwrap();
    let err = client.model::<CarelessPartner>().get(id).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(
        message.contains(&format!("res.partner record {id}")),
        "{message}"
    );
    assert!(message.contains("`email`"), "{message}");
    assert!(message.contains("false_as_none"), "{message}");
}

async fn context_and_other_models(transport: Transport) {
    let (double, client) = connect(transport).await;
    assert_eq!(Country::FIELDS, ["id", "name", "code"]);
    // Three countries the double holds, in reverse code order.
    let mut codes: Vec<String> = double
        .records("res.country")
        .iter()
        .filter_map(|c| c["code"].as_str().map(str::to_string))
        .take(3)
        .collect();
    codes.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(codes.len(), 3);

    let countries = client
        .model::<Country>()
        .with_context(context(json!({"lang": "en_US"})))
        .search(domain(json!([["code", "in", codes]])))
        .order("code desc")
        .await
        .unwrap();
    assert_eq!(
        countries.iter().map(|c| c.code.clone()).collect::<Vec<_>>(),
        codes
    );
    assert!(countries.iter().all(|c| c.id > 0 && !c.name.is_empty()));
}

/// The generated `res.partner` model: every stored field, read through the same
/// typed client (a large `FIELDS` list, Odoo's `false` everywhere it is empty).
async fn generated_model_reads(transport: Transport) {
    use generated::res_partner::{ResPartner, ResPartnerType};

    let (double, client) = connect(transport).await;
    let partners = client.model::<ResPartner>();
    assert!(
        ResPartner::FIELDS.contains(&"country_id"),
        "{:?}",
        ResPartner::FIELDS
    );
    assert!(
        ResPartner::FIELDS.contains(&"type"),
        "{:?}",
        ResPartner::FIELDS
    );

    let companies = partners
        .search(domain(json!([["is_company", "=", true]])))
        .order("id")
        .limit(3)
        .await
        .unwrap();
    assert_eq!(companies.len(), 3);
    assert!(companies.iter().all(|p| p.is_company && p.name.is_some()));

    let records = partners_in(&double);
    let with_company = records
        .iter()
        .find(|p| p["parent_id"].is_array())
        .expect("a contact of a company");
    let partner = partners
        .get(with_company["id"].as_i64().unwrap())
        .await
        .unwrap();
    let parent = &with_company["parent_id"];
    assert_eq!(
        partner.parent_id,
        Some(Many2One::new(
            parent[0].as_i64().unwrap(),
            parent[1].as_str().unwrap()
        ))
    );
    assert_eq!(partner.type_, Some(ResPartnerType::Contact));

    let no_email = records
        .iter()
        .find(|p| p["email"] == json!(false))
        .expect("a partner without email");
    let partner = partners
        .get(no_email["id"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(partner.email, None);
    assert_eq!(
        partners.count(Domain::new()).await.unwrap(),
        records.len() as u64
    );
}

async fn generated_model_writes(transport: Transport) {
    use generated::res_partner::{ResPartner, ResPartnerCreate, ResPartnerType, ResPartnerUpdate};

    let (_double, client) = connect(transport).await;
    let partners = client.model::<ResPartner>();
    // `ResPartnerCreate` has ~100 optional fields and no `Default` (its required
    // ones have no sensible default): spell out the set ones in JSON.
    let new: ResPartnerCreate = serde_json::from_value(json!({
        "name": "Generated Typed Test",
        "type": "delivery",
        "email": "generated@example.com",
        "autopost_bills": "ask",
        "group_on": "default",
        "group_rfq": "default"
    }))
    .unwrap();
    let id = partners.create(&new).await.unwrap();
    let created = partners.get(id).await.unwrap();
    assert_eq!(created.name.as_deref(), Some("Generated Typed Test"));
    assert_eq!(created.type_, Some(ResPartnerType::Delivery));
    assert_eq!(created.email.as_deref(), Some("generated@example.com"));

    partners
        .update(
            id,
            &ResPartnerUpdate {
                type_: Some(ResPartnerType::Other),
                email: Some("changed@example.com".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let updated = partners.get(id).await.unwrap();
    assert_eq!(updated.type_, Some(ResPartnerType::Other));
    assert_eq!(updated.email.as_deref(), Some("changed@example.com"));
    assert_eq!(updated.name.as_deref(), Some("Generated Typed Test"));

    partners.delete(&[id]).await.unwrap();
    assert!(matches!(
        partners.get(id).await.unwrap_err(),
        Error::NotFound {
            what: Missing::Record,
            ..
        }
    ));
}

/// Context travels with typed calls: archived records are hidden unless
/// `active_test` is off, on the handle or on one search; `get` reads them anyway.
async fn context_reaches_odoo(transport: Transport) {
    let (_double, client) = connect(transport).await;
    let partners = client.model::<Partner>();
    let id = partners
        .create(&NewPartner::named("Typed Archived"))
        .await
        .unwrap();
    let mut vals = Map::new();
    vals.insert("active".into(), json!(false));
    client.write("res.partner", &[id], &vals).await.unwrap();

    let by_name = || domain(json!([["name", "=", "Typed Archived"]]));
    assert_eq!(partners.count(by_name()).await.unwrap(), 0);
    let found = partners
        .search(by_name())
        .context(context(json!({"active_test": false})))
        .await
        .unwrap();
    assert_eq!(found.iter().map(|p| p.id).collect::<Vec<_>>(), [id]);
    let all_partners = partners
        .clone()
        .with_context(context(json!({"active_test": false})));
    assert_eq!(all_partners.count(by_name()).await.unwrap(), 1);
    // A search context overrides the handle's.
    let hidden = all_partners
        .search(by_name())
        .context(context(json!({"active_test": true})))
        .ids()
        .await
        .unwrap();
    assert!(hidden.is_empty(), "{hidden:?}");
    assert_eq!(partners.get(id).await.unwrap().name, "Typed Archived");
}

macro_rules! on_both_transports {
    ($($scenario:ident),* $(,)?) => {
        mod json2 {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(super::Transport::Json2).await
                }
            )*
        }
        mod xmlrpc {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(super::Transport::XmlRpc).await
                }
            )*
        }
    };
}

on_both_transports!(
    search_reads_model_fields_with_paging_and_order,
    search_first_ids_and_count,
    get_maps_false_to_none_and_reads_many2ones,
    missing_records_are_not_found,
    get_many_keeps_the_requested_order,
    create_update_delete,
    create_many_and_update_many,
    selection_enum_round_trips_and_falls_back,
    odoo_false_in_a_non_option_field_is_explained,
    context_and_other_models,
    context_reaches_odoo,
    generated_model_reads,
    generated_model_writes,
);
