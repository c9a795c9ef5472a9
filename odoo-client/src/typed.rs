//! Typed access to one model: `client.model::<ResPartner>()`.
//!
//! Reads ask Odoo for `M::FIELDS` only and deserialize each record straight into
//! `M`; writes take the model's `Create` / `Update` types. Both transports carry
//! the same calls, so this layer does not care which one is in use.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::client::{OdooClient, decode};
use crate::domain::Domain;
use crate::error::{Error, Missing, OdooFault, Result};
use crate::model::{Model, WritableModel};
use crate::value::RecordId;

impl OdooClient {
    /// Typed access to the Odoo model that `M` mirrors.
    pub fn model<M: Model>(&self) -> ModelClient<M> {
        ModelClient {
            client: self.clone(),
            context: None,
            model: PhantomData,
        }
    }
}

/// Typed access to one model, from [`OdooClient::model`]. Cheap to clone.
///
/// Reads ask Odoo for `M::FIELDS` only and deserialize each record straight into
/// `M`; with `#[odoo(create = .., update = ..)]` it also creates, updates and deletes.
///
/// ```no_run
/// # async fn run() -> odoo_client::Result<()> {
/// use odoo_client::{Config, Domain, Many2One, OdooClient, OdooModel};
/// use odoo_client::value::false_as_none;
///
/// #[derive(Debug, serde::Deserialize, OdooModel)]
/// #[odoo(model = "res.partner")]
/// struct Partner {
///     id: i64,
///     name: String,
///     #[serde(default, deserialize_with = "false_as_none")]
///     country_id: Option<Many2One>,
/// }
///
/// let client = OdooClient::new(Config::from_env()?)?;
/// let partners = client.model::<Partner>();
/// let companies = partners
///     .search(Domain::eq("is_company", true)?)
///     .order("name")
///     .limit(5)
///     .await?;
/// if let Some(company) = companies.first() {
///     let again = partners.get(company.id).await?; // a missing id is Error::NotFound
///     println!("{again:?}");
/// }
/// println!("{} companies", partners.count(Domain::eq("is_company", true)?).await?);
/// # Ok(()) }
/// ```
pub struct ModelClient<M> {
    client: OdooClient,
    /// Context for every call made through this handle (e.g. `lang`, `active_test`).
    context: Option<Map<String, Value>>,
    // `fn() -> M`: the handle holds no `M`, so it is Send/Sync whatever `M` is.
    model: PhantomData<fn() -> M>,
}

// Manual impls: derives would wrongly require `M: Clone` / `M: Debug`.
impl<M> Clone for ModelClient<M> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            context: self.context.clone(),
            model: PhantomData,
        }
    }
}

impl<M: Model> fmt::Debug for ModelClient<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModelClient")
            .field("model", &M::MODEL)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl<M: Model> ModelClient<M> {
    /// The same handle with `context` merged into every call it makes.
    pub fn with_context(mut self, context: Map<String, Value>) -> Self {
        self.context.get_or_insert_with(Map::new).extend(context);
        self
    }

    /// The untyped client underneath.
    pub fn client(&self) -> &OdooClient {
        &self.client
    }

    /// Records matching `domain`; refine with the builder, then `.await` it (or `.all()`).
    pub fn search(&self, domain: Domain) -> Search<M> {
        Search {
            model: self.clone(),
            domain,
            limit: None,
            offset: None,
            order: None,
            context: None,
        }
    }

    /// The record with this id, whether archived or not.
    ///
    /// A missing (or deleted) record is `Error::NotFound { what: Missing::Record, .. }`.
    pub async fn get(&self, id: RecordId) -> Result<M> {
        let mut records = self.get_many(&[id]).await?;
        // get_many returns exactly one record per requested id, or an error.
        records
            .pop()
            .ok_or_else(|| missing_records(M::MODEL, &[id]))
    }

    /// The records with these ids, in the order given (a repeated id is repeated).
    ///
    /// If any is missing, the error lists every missing id and nothing is returned.
    pub async fn get_many(&self, ids: &[RecordId]) -> Result<Vec<M>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let unique = unique_ids(ids);
        let mut kwargs = Map::new();
        kwargs.insert("fields".into(), fields_to_read::<M>());
        let value = self.execute("read", Some(&unique), kwargs, None).await?;
        pick_in_order(ids, records(value, M::MODEL, "read")?, M::MODEL)?
            .into_iter()
            .map(decode_record::<M>)
            .collect()
    }

    /// How many records match `domain`.
    pub async fn count(&self, domain: Domain) -> Result<u64> {
        self.search(domain).count().await
    }

    async fn execute(
        &self,
        method: &str,
        ids: Option<&[RecordId]>,
        kwargs: Map<String, Value>,
        extra_context: Option<&Map<String, Value>>,
    ) -> Result<Value> {
        let context = merge_context(self.context.as_ref(), extra_context);
        match self
            .client
            .execute(M::MODEL, method, ids, kwargs, context.as_ref())
            .await
        {
            Err(error) if error.invalid_field().is_some() => Err(self.schema_mismatch(error).await),
            other => other,
        }
    }

    /// Odoo refused a field name: when `M` names fields this instance lacks (code
    /// generated from another version or database), say so instead.
    async fn schema_mismatch(&self, error: Error) -> Error {
        match self
            .client
            .missing_fields(M::MODEL, M::FIELDS.iter().copied())
            .await
        {
            Ok(missing) if !missing.is_empty() => Error::SchemaMismatch {
                model: M::MODEL.to_string(),
                missing: missing.into_iter().map(str::to_string).collect(),
            },
            _ => error,
        }
    }
}

impl<M: WritableModel> ModelClient<M> {
    /// Creates one record; returns its id.
    pub async fn create(&self, values: &M::Create) -> Result<RecordId> {
        let ids = self.create_many(std::slice::from_ref(values)).await?;
        match ids.as_slice() {
            [id] => Ok(*id),
            _ => Err(Error::UnexpectedResponse {
                status: 200,
                detail: format!(
                    "{}.create returned {} ids for one record",
                    M::MODEL,
                    ids.len()
                ),
            }),
        }
    }

    /// Creates several records in one call (one transaction: all or none); returns
    /// their ids in the order given.
    pub async fn create_many(&self, values: &[M::Create]) -> Result<Vec<RecordId>> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        let vals_list = values
            .iter()
            .map(|v| to_vals(v, M::MODEL, "create").map(Value::Object))
            .collect::<Result<Vec<_>>>()?;
        let mut kwargs = Map::new();
        kwargs.insert("vals_list".into(), Value::Array(vals_list));
        let value = self.execute("create", None, kwargs, None).await?;
        // JSON/2 returns a list of ids; XML-RPC may return one id for one record.
        match value {
            Value::Number(_) => decode::<RecordId>(value, "create").map(|id| vec![id]),
            other => decode(other, "create"),
        }
    }

    /// Writes `values` to one record. A missing record is `Error::NotFound`.
    pub async fn update(&self, id: RecordId, values: &M::Update) -> Result<()> {
        self.update_many(&[id], values).await
    }

    /// Writes the same `values` to every record in `ids`, in one call.
    pub async fn update_many(&self, ids: &[RecordId], values: &M::Update) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut kwargs = Map::new();
        kwargs.insert(
            "vals".into(),
            Value::Object(to_vals(values, M::MODEL, "write")?),
        );
        self.execute("write", Some(ids), kwargs, None).await?;
        Ok(())
    }

    /// Deletes the records. A missing record is `Error::NotFound`, and then none is deleted.
    pub async fn delete(&self, ids: &[RecordId]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        self.execute("unlink", Some(ids), Map::new(), None).await?;
        Ok(())
    }
}

/// A search of one model, from [`ModelClient::search`]. `.await` it for the records.
#[must_use = "a search does nothing until it is awaited"]
pub struct Search<M> {
    model: ModelClient<M>,
    domain: Domain,
    limit: Option<u64>,
    offset: Option<u64>,
    order: Option<String>,
    context: Option<Map<String, Value>>,
}

impl<M: Model> fmt::Debug for Search<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Search")
            .field("model", &M::MODEL)
            .field("domain", &self.domain)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .field("order", &self.order)
            .field("context", &self.context)
            .finish()
    }
}

impl<M: Model> Search<M> {
    /// At most this many records.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skip this many records first (paging; pair it with `order` for a stable order).
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Odoo `order` clause, e.g. `"name asc, id desc"`; the model's default order otherwise.
    pub fn order(mut self, order: impl Into<String>) -> Self {
        self.order = Some(order.into());
        self
    }

    /// Context for this search, merged over the handle's (e.g. `{"active_test": false}`).
    pub fn context(mut self, context: Map<String, Value>) -> Self {
        self.context.get_or_insert_with(Map::new).extend(context);
        self
    }

    /// The matching records (`search_read` of `M::FIELDS`). Same as awaiting the search.
    pub async fn all(self) -> Result<Vec<M>> {
        let mut kwargs = self.kwargs();
        kwargs.insert("fields".into(), fields_to_read::<M>());
        let value = self
            .model
            .execute("search_read", None, kwargs, self.context.as_ref())
            .await?;
        records(value, M::MODEL, "search_read")?
            .into_iter()
            .map(decode_record::<M>)
            .collect()
    }

    /// The first matching record, if any (in `order`).
    pub async fn first(self) -> Result<Option<M>> {
        Ok(self.limit(1).all().await?.into_iter().next())
    }

    /// The ids of the matching records, without reading them.
    pub async fn ids(self) -> Result<Vec<RecordId>> {
        let kwargs = self.kwargs();
        let value = self
            .model
            .execute("search", None, kwargs, self.context.as_ref())
            .await?;
        decode(value, &format!("{} search", M::MODEL))
    }

    /// How many records match the domain; `limit`, `offset` and `order` do not apply.
    pub async fn count(self) -> Result<u64> {
        let mut kwargs = Map::new();
        kwargs.insert("domain".into(), self.domain.to_value());
        let value = self
            .model
            .execute("search_count", None, kwargs, self.context.as_ref())
            .await?;
        decode(value, &format!("{} search_count", M::MODEL))
    }

    fn kwargs(&self) -> Map<String, Value> {
        let mut kwargs = Map::new();
        kwargs.insert("domain".into(), self.domain.to_value());
        if let Some(limit) = self.limit {
            kwargs.insert("limit".into(), json!(limit));
        }
        if let Some(offset) = self.offset.filter(|o| *o > 0) {
            kwargs.insert("offset".into(), json!(offset));
        }
        if let Some(order) = &self.order {
            kwargs.insert("order".into(), Value::String(order.clone()));
        }
        kwargs
    }
}

impl<M: Model> IntoFuture for Search<M> {
    type Output = Result<Vec<M>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<Vec<M>>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.all())
    }
}

/// The `fields` argument for `M`. Odoo reads every field for an empty list, so a
/// model that reads no field asks for `id` alone.
fn fields_to_read<M: Model>() -> Value {
    if M::FIELDS.is_empty() {
        json!(["id"])
    } else {
        json!(M::FIELDS)
    }
}

fn merge_context(
    base: Option<&Map<String, Value>>,
    extra: Option<&Map<String, Value>>,
) -> Option<Map<String, Value>> {
    match (base, extra) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(one.clone()),
        (Some(base), Some(extra)) => {
            let mut merged = base.clone();
            merged.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
            Some(merged)
        }
    }
}

/// A list of record objects, as `read` and `search_read` answer.
fn records(value: Value, model: &str, method: &str) -> Result<Vec<Value>> {
    decode(value, &format!("{model} {method}"))
}

fn record_id(record: &Value) -> Option<RecordId> {
    record.get("id").and_then(Value::as_i64)
}

/// `ids` without repeats, first occurrence first.
fn unique_ids(ids: &[RecordId]) -> Vec<RecordId> {
    let mut seen = HashSet::with_capacity(ids.len());
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// The records `read` returned, one per requested id in the requested order.
/// Odoo's `read` leaves out ids that do not exist instead of failing: any left
/// out is an error that lists them all.
fn pick_in_order(ids: &[RecordId], records: Vec<Value>, model: &str) -> Result<Vec<Value>> {
    let mut by_id: HashMap<RecordId, Value> = records
        .into_iter()
        .filter_map(|record| Some((record_id(&record)?, record)))
        .collect();
    let missing: Vec<RecordId> = unique_ids(ids)
        .into_iter()
        .filter(|id| !by_id.contains_key(id))
        .collect();
    if !missing.is_empty() {
        return Err(missing_records(model, &missing));
    }
    // A repeated id copies its record; its last occurrence takes it.
    let mut remaining: HashMap<RecordId, usize> = HashMap::new();
    for id in ids {
        *remaining.entry(*id).or_default() += 1;
    }
    ids.iter()
        .map(|id| {
            let left = remaining.get_mut(id).map(|n| {
                *n -= 1;
                *n
            });
            match left {
                Some(0) => by_id.remove(id),
                _ => by_id.get(id).cloned(),
            }
            .ok_or_else(|| missing_records(model, &[*id]))
        })
        .collect()
}

/// One record into `M`, with an error that names the record and, for Odoo's
/// `false`-for-empty, the fields that carried it.
fn decode_record<M: Model>(record: Value) -> Result<M> {
    let id = record_id(&record);
    let mut falsy: Vec<String> = match &record {
        Value::Object(fields) => fields
            .iter()
            .filter(|(_, v)| **v == Value::Bool(false))
            .map(|(k, _)| format!("`{k}`"))
            .collect(),
        _ => Vec::new(),
    };
    falsy.sort_unstable();
    serde_json::from_value(record).map_err(|source| {
        let mut context = match id {
            Some(id) => format!(
                "{} record {id} as `{}`",
                M::MODEL,
                std::any::type_name::<M>()
            ),
            None => format!("a {} record as `{}`", M::MODEL, std::any::type_name::<M>()),
        };
        if source.to_string().contains("boolean `false`") && !falsy.is_empty() {
            context.push_str(&format!(
                " (Odoo sends `false` for an empty field, as it did here for {}: read a field \
                 that may be empty as `Option<T>` with `#[serde(default, deserialize_with = \
                 \"odoo_client::value::false_as_none\")]`)",
                falsy.join(", ")
            ));
        }
        Error::Decode { context, source }
    })
}

/// Values for `create` / `write`: a JSON object of field name → value.
fn to_vals<T: Serialize + ?Sized>(
    values: &T,
    model: &str,
    method: &str,
) -> Result<Map<String, Value>> {
    match serde_json::to_value(values) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(Error::InvalidRequest(format!(
            "{model}.{method} values must serialize to a JSON object of field name to value, \
             not {}; derive `Serialize` on a struct with one field per Odoo field",
            json_kind(&other)
        ))),
        Err(e) => Err(Error::InvalidRequest(format!(
            "could not serialize the {model}.{method} values: {e}"
        ))),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The error Odoo itself gives for a missing record on `write`/`unlink`, for the
/// ids that `read` silently left out, so callers handle both alike.
fn missing_records(model: &str, ids: &[RecordId]) -> Error {
    let ids = match ids {
        // Python's repr of a one-element tuple, as in Odoo's message.
        [one] => format!("{one},"),
        many => many
            .iter()
            .map(RecordId::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    };
    Error::NotFound {
        what: Missing::Record,
        fault: OdooFault {
            name: "odoo.exceptions.MissingError".into(),
            message: format!(
                "Record does not exist or has been deleted.\n(Record: {model}({ids}))"
            ),
            status: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OdooModel;
    use crate::config::{ApiVersion, Config};
    use crate::value::{Many2One, false_as_none};
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize, OdooModel)]
    #[odoo(model = "res.partner", create = PartnerCreate, update = PartnerUpdate)]
    struct Partner {
        id: RecordId,
        name: String,
        #[serde(default, deserialize_with = "false_as_none")]
        country_id: Option<Many2One>,
    }

    #[derive(Serialize)]
    struct PartnerCreate {
        name: String,
    }

    #[derive(Serialize)]
    struct PartnerUpdate {
        name: String,
    }

    #[allow(dead_code)] // only its FIELDS matter
    #[derive(Debug, Deserialize, OdooModel)]
    #[odoo(model = "res.partner")]
    struct Nothing {
        #[odoo(skip)]
        #[serde(default)]
        local: u8,
    }

    /// A client whose server refuses connections: any request fails as `Unreachable`.
    fn offline_client() -> OdooClient {
        OdooClient::new(
            Config::new("http://127.0.0.1:1")
                .db("lab")
                .api_key("k")
                .api_version(ApiVersion::Json2),
        )
        .unwrap()
    }

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn reads_the_model_fields_and_never_an_empty_list() {
        assert_eq!(
            fields_to_read::<Partner>(),
            json!(["id", "name", "country_id"])
        );
        // `fields: []` would make Odoo read every field.
        assert_eq!(fields_to_read::<Nothing>(), json!(["id"]));
    }

    #[test]
    fn search_kwargs_carry_paging_and_order() {
        let partners = offline_client().model::<Partner>();
        let search = partners
            .search(Domain::new())
            .limit(5)
            .offset(10)
            .order("name desc");
        assert_eq!(
            Value::Object(search.kwargs()),
            json!({"domain": [], "limit": 5, "offset": 10, "order": "name desc"})
        );
        // Offset 0 is Odoo's default: not sent.
        let search = partners.search(Domain::new()).offset(0);
        assert_eq!(Value::Object(search.kwargs()), json!({"domain": []}));
    }

    #[test]
    fn contexts_merge_with_the_narrower_one_winning() {
        let partners = offline_client()
            .model::<Partner>()
            .with_context(map(json!({"lang": "fr_FR", "active_test": true})));
        let search = partners
            .search(Domain::new())
            .context(map(json!({"active_test": false})));
        let merged = merge_context(partners.context.as_ref(), search.context.as_ref());
        assert_eq!(
            merged.map(Value::Object),
            Some(json!({"lang": "fr_FR", "active_test": false}))
        );
        assert_eq!(merge_context(None, None), None);
        let only = map(json!({"tz": "UTC"}));
        assert_eq!(merge_context(None, Some(&only)), Some(only.clone()));
        assert_eq!(merge_context(Some(&only), None), Some(only));
    }

    #[test]
    fn picks_records_in_the_requested_order_with_repeats() {
        let records = vec![json!({"id": 1, "n": "a"}), json!({"id": 3, "n": "c"})];
        let picked = pick_in_order(&[3, 1, 3], records, "res.partner").unwrap();
        assert_eq!(
            picked,
            [
                json!({"id": 3, "n": "c"}),
                json!({"id": 1, "n": "a"}),
                json!({"id": 3, "n": "c"})
            ]
        );
        assert_eq!(unique_ids(&[3, 1, 3, 2, 1]), [3, 1, 2]);
    }

    #[test]
    fn missing_records_are_not_found_listing_every_missing_id() {
        let err = pick_in_order(&[1, 8, 9, 8], vec![json!({"id": 1})], "res.partner").unwrap_err();
        let Error::NotFound { what, fault } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(*what, Missing::Record);
        assert_eq!(fault.name, "odoo.exceptions.MissingError");
        assert_eq!(fault.status, None);
        assert_eq!(
            fault.message,
            "Record does not exist or has been deleted.\n(Record: res.partner(8, 9))"
        );
        let Error::NotFound { fault, .. } = missing_records("res.partner", &[999999]) else {
            unreachable!()
        };
        // Same text as Odoo's own MissingError for one id.
        assert!(
            fault.message.ends_with("(Record: res.partner(999999,))"),
            "{}",
            fault.message
        );
    }

    #[test]
    fn decodes_a_record_and_explains_odoo_false() {
        let ok = decode_record::<Partner>(json!({"id": 7, "name": "Azure", "country_id": false}));
        assert_eq!(
            ok.unwrap(),
            Partner {
                id: 7,
                name: "Azure".into(),
                country_id: None
            }
        );

        let err = decode_record::<Partner>(json!({"id": 7, "name": false, "country_id": false}))
            .unwrap_err();
        let Error::Decode { context, source } = &err else {
            panic!("{err:?}")
        };
        assert!(
            context.starts_with("res.partner record 7 as `"),
            "{context}"
        );
        assert!(context.contains("Partner`"), "{context}");
        assert!(
            context.contains("as it did here for `country_id`, `name`:"),
            "{context}"
        );
        assert!(context.contains("false_as_none"), "{context}");
        assert!(source.to_string().contains("boolean `false`"), "{source}");

        // Other shape errors get no `false` hint.
        let err = decode_record::<Partner>(json!({"id": 7, "name": 3})).unwrap_err();
        assert!(!err.to_string().contains("false_as_none"), "{err}");
        assert!(err.to_string().contains("res.partner record 7"), "{err}");
    }

    #[test]
    fn write_values_must_be_an_object() {
        assert_eq!(
            Value::Object(
                to_vals(&PartnerCreate { name: "x".into() }, "res.partner", "create").unwrap()
            ),
            json!({"name": "x"})
        );
        let err = to_vals(&vec![1, 2], "res.partner", "create").unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest(m) if m.starts_with("res.partner.create values must serialize to a JSON object") && m.contains("not an array")),
            "{err:?}"
        );
        let mut bad = HashMap::new();
        bad.insert((1, 2), "x");
        let err = to_vals(&bad, "res.partner", "write").unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest(m) if m.starts_with("could not serialize the res.partner.write values")),
            "{err:?}"
        );
    }

    /// Empty inputs answer at once: the offline client would fail any request.
    #[tokio::test]
    async fn empty_inputs_make_no_request() {
        let partners = offline_client().model::<Partner>();
        assert!(partners.get_many(&[]).await.unwrap().is_empty());
        assert!(partners.create_many(&[]).await.unwrap().is_empty());
        partners
            .update_many(&[], &PartnerUpdate { name: "x".into() })
            .await
            .unwrap();
        partners.delete(&[]).await.unwrap();
        // And a real call does reach for the network.
        let err = partners.get(1).await.unwrap_err();
        assert!(err.is_transport(), "{err:?}");
    }

    #[tokio::test]
    async fn values_that_are_not_an_object_fail_before_any_request() {
        #[allow(dead_code)] // only its write types matter
        #[derive(Deserialize, OdooModel)]
        #[odoo(model = "res.partner", create = Vec<String>, update = bool)]
        struct Odd {
            id: RecordId,
        }
        let odd = offline_client().model::<Odd>();
        let err = odd.create(&vec!["x".into()]).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
        let err = odd.update(1, &true).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }

    #[test]
    fn handles_and_futures_are_send() {
        fn send<T: Send>(_: &T) {}
        let partners = offline_client().model::<Partner>();
        send(&partners);
        send(&partners.search(Domain::new()).into_future());
        send(&partners.get(1));
        send(&partners.get_many(&[1]));
        send(&partners.count(Domain::new()));
        send(&partners.create(&PartnerCreate { name: "x".into() }));
        send(&partners.update(1, &PartnerUpdate { name: "x".into() }));
        send(&partners.delete(&[1]));
        assert_eq!(
            format!("{partners:?}"),
            "ModelClient { model: \"res.partner\", context: None, .. }"
        );
    }
}
