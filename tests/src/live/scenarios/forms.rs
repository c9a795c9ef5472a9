//! Records filled as Odoo's own forms fill them (issue 24): a stock count
//! (stock.quant) whose location only its form proposes. Odoo's `create`
//! refuses it without one; the dry run shows the form's location and the
//! create retries with it.

use odoo_client::{Domain, SearchOptions};
use serde_json::{Map, Value, json};

use super::{Check, Run, Session, clip};

impl Run<'_> {
    pub(super) async fn forms(&mut self, s: &Session) {
        const STEP: &str = "form values";
        let product = match self.storable_product().await {
            Ok(product) => product,
            Err(e) => return self.step(format!("{STEP}: a storable product"), Err(e)),
        };
        let proposed = self.proposed_location(product).await;
        let values = json!({"product_id": product, "inventory_quantity": 1});
        let a = s
            .call(
                "create_record",
                json!({"model": "stock.quant", "values": values, "dry_run": true}),
            )
            .await;
        let check = match &proposed {
            Ok(location) if a.value["defaults"]["location_id"] == json!(location) => {
                Ok(format!("the plan gives location {location}, as the form"))
            }
            Ok(location) => Err(format!(
                "the form proposes {location}; the plan: {}",
                clip(&a.value.to_string())
            )),
            Err(e) => Err(e.clone()),
        };
        self.done(
            format!("{STEP}: a dry run shows what the form fills"),
            "ok",
            &a,
            check,
        );
        let a = s
            .call(
                "create_record",
                json!({"model": "stock.quant", "values": values}),
            )
            .await;
        let check = match (Self::id_of(&a), &proposed) {
            (Some(quant), Ok(location)) => self.quant_at(quant, *location).await,
            (None, _) => Err(format!("no quant: {}", clip(&a.text))),
            (_, Err(e)) => Err(e.clone()),
        };
        self.done(
            format!("{STEP}: a create gets what the form fills"),
            "ok",
            &a,
            check,
        );
    }

    /// A product whose stock is counted, from the demo data (`is_storable`
    /// is stored on its template).
    async fn storable_product(&self) -> Result<i64, String> {
        let first = |found: Vec<i64>, what: &str| {
            found.first().copied().ok_or_else(|| format!("no {what}"))
        };
        let storable =
            Domain::from_value(&json!([["is_storable", "=", true]])).map_err(|e| e.message)?;
        let options = SearchOptions::new().limit(1);
        let template = self
            .odoo
            .search("product.template", &storable, &options)
            .await
            .map_err(|e| e.to_string())?;
        let template = first(template, "storable product")?;
        let variant = Domain::from_value(&json!([["product_tmpl_id", "=", template]]))
            .map_err(|e| e.message)?;
        let found = self
            .odoo
            .search("product.product", &variant, &options)
            .await
            .map_err(|e| e.to_string())?;
        first(found, "variant")
    }

    /// The location a new count's form proposes for `product`, asked of Odoo directly.
    async fn proposed_location(&self, product: i64) -> Result<i64, String> {
        let mut call = Map::new();
        call.insert(
            "values".into(),
            json!({"product_id": product, "inventory_quantity": 1}),
        );
        call.insert("field_names".into(), json!([]));
        call.insert("fields_spec".into(), json!({"location_id": {}}));
        let answer = self
            .odoo
            .execute("stock.quant", "onchange", Some(&[]), call, None)
            .await
            .map_err(|e| e.to_string())?;
        let location = &answer["value"]["location_id"];
        location
            .as_i64()
            .or_else(|| location["id"].as_i64())
            .ok_or_else(|| format!("onchange proposed no location: {answer}"))
    }

    /// The quant is at `location` with the count; its count is then cleared
    /// (Odoo lets nobody delete a quant, and vacuums empty ones itself).
    async fn quant_at(&mut self, quant: i64, location: i64) -> Check {
        let row = self
            .direct_read("stock.quant", quant, &["location_id", "inventory_quantity"])
            .await;
        let _ = self
            .odoo
            .execute(
                "stock.quant",
                "action_clear_inventory_quantity",
                Some(&[quant]),
                Map::new(),
                None,
            )
            .await;
        let row = row?;
        let at = row.get("location_id").and_then(|l| l.get(0)).cloned();
        match (at, row.get("inventory_quantity").and_then(Value::as_f64)) {
            (Some(at), Some(count)) if at == json!(location) && count == 1.0 => {
                Ok(format!("quant {quant} counted 1 at location {location}"))
            }
            other => Err(format!("quant {quant}: {other:?}")),
        }
    }
}
