//! Buttons beyond the form: a list's header and row buttons and the model's
//! Action menu (bound server actions), pressed with press_button as known
//! buttons. A purchase order of our own is confirmed through the Action
//! menu's "Confirm RFQ" and billed through the list's "Create Bills"; an
//! inventory count is applied through the count list's "Apply" and undone.

use odoo_client::{Domain, SearchOptions};
use serde_json::{Map, Value, json};

use super::super::session::Session;
use super::{Check, Run, clip};

const STEP: &str = "buttons beyond the form";

impl Run<'_> {
    /// Runs where the Odoo has the purchase and inventory data these need:
    /// the labs do; the test double (contract test) has no purchasable
    /// product nor stock, so the steps are not run there, nor recorded.
    pub(super) async fn buttons(&mut self, s: &Session) {
        self.real_odoo_only = true;
        if self.has_any("purchase.order").await {
            self.purchase_bill(s).await;
        }
        if self.has_any("stock.quant").await {
            self.quant_apply(s).await;
        }
        self.real_odoo_only = false;
    }

    /// Whether `model` has any record (false when Odoo cannot say).
    async fn has_any(&self, model: &str) -> bool {
        let Ok(all) = Domain::from_value(&json!([])) else {
            return false;
        };
        self.odoo
            .search_count(model, &all)
            .await
            .is_ok_and(|n| n > 0)
    }

    /// The first record of `model` matching `domain`, read with `fields`.
    async fn first(
        &self,
        model: &str,
        domain: Value,
        fields: &[&str],
    ) -> Result<Map<String, Value>, String> {
        let domain = Domain::from_value(&domain).map_err(|e| e.message)?;
        let options = SearchOptions::new()
            .fields(fields.iter().copied())
            .limit(1)
            .order("id");
        self.odoo
            .search_read(model, &domain, &options)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .next()
            .ok_or_else(|| format!("no {model} matches {domain:?}"))
    }

    /// An RFQ of our own, made directly: a vendor and a service bought on
    /// ordered quantities, so the confirmed order is billable at once.
    async fn an_rfq(&self) -> Result<i64, String> {
        let vendor = self.a_company_partner().await.ok_or("no company partner")?;
        let product = self
            .first(
                "product.product",
                json!([
                    ["purchase_ok", "=", true],
                    ["purchase_method", "=", "purchase"]
                ]),
                &["id"],
            )
            .await?;
        let values = json!({
            "partner_id": vendor,
            "partner_ref": self.prefix,
            "order_line": [[0, 0, {"product_id": product["id"], "product_qty": 1, "price_unit": 10}]],
        });
        let Value::Object(values) = values else {
            return Err("values".into());
        };
        let ids = self
            .odoo
            .create("purchase.order", &[values])
            .await
            .map_err(|e| e.to_string())?;
        ids.first().copied().ok_or_else(|| "no order made".into())
    }

    async fn purchase_bill(&mut self, s: &Session) {
        let order = match self.an_rfq().await {
            Ok(order) => order,
            Err(e) => {
                self.step(format!("{STEP}: an RFQ"), Err(e));
                return;
            }
        };
        // 1. Confirmed through the Action menu's server action, by its xml id.
        let a = s
            .call(
                "press_button",
                json!({"model": "purchase.order", "button": "purchase.action_confirm_rfqs", "record_ids": [order]}),
            )
            .await;
        let check = match a.value["label"].as_str() {
            Some("Confirm RFQ") => {
                self.field_is("purchase.order", order, "state", &json!("purchase"))
                    .await
            }
            _ => Err(format!("not Confirm RFQ: {}", clip(&a.text))),
        };
        self.done(
            "press_button: a bound server action (Confirm RFQ)",
            "ok",
            &a,
            check,
        );
        // 2. Billed through the list's header button, which the form lacks.
        let a = s
            .call(
                "press_button",
                json!({"model": "purchase.order", "button": "action_create_invoice", "record_ids": [order]}),
            )
            .await;
        let bills = self.bills_of(order).await;
        let check = match (&bills, a.value["label"].as_str()) {
            // On 18 the form's "Create Bill" is the same method: one button, both labels.
            (Ok(bills), Some(label)) if label.contains("Create Bills") && !bills.is_empty() => Ok(
                format!("purchase.order {order} billed: vendor bills {bills:?}"),
            ),
            (Ok(_), label) => Err(format!("no bill (label {label:?}): {}", clip(&a.text))),
            (Err(e), _) => Err(e.clone()),
        };
        self.done(
            "press_button: a list header button (Create Bills)",
            "ok",
            &a,
            check,
        );
        // Clean-up: the draft bill, then the order (cancelled first).
        if let Ok(bills) = bills {
            let _ = self.odoo.unlink("account.move", &bills).await;
        }
        let _ = self
            .odoo
            .execute(
                "purchase.order",
                "button_cancel",
                Some(&[order]),
                Map::new(),
                None,
            )
            .await;
        let _ = self.odoo.unlink("purchase.order", &[order]).await;
    }

    /// The vendor bills linked to `order`.
    async fn bills_of(&self, order: i64) -> Result<Vec<i64>, String> {
        let bills = self
            .direct_read("purchase.order", order, &["invoice_ids"])
            .await?;
        let ids: Vec<i64> = bills["invoice_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_i64)
            .collect();
        let domain = Domain::from_value(&json!([
            ["id", "in", ids],
            ["move_type", "=", "in_invoice"]
        ]))
        .map_err(|e| e.message)?;
        self.odoo
            .search("account.move", &domain, &SearchOptions::new())
            .await
            .map_err(|e| e.to_string())
    }

    /// A count applied through the count list's row button "Apply", then the
    /// quantity put back as it was.
    async fn quant_apply(&mut self, s: &Session) {
        let quant = match self
            .first(
                "stock.quant",
                json!([
                    ["location_id.usage", "=", "internal"],
                    ["product_id.is_storable", "=", true],
                    ["product_id.tracking", "=", "none"],
                    ["quantity", ">", 0]
                ]),
                &["quantity"],
            )
            .await
        {
            Ok(q) => q,
            Err(e) => {
                self.step(format!("{STEP}: a quant"), Err(e));
                return;
            }
        };
        let id = quant["id"].as_i64().unwrap_or_default();
        let before = quant["quantity"].as_f64().unwrap_or_default();
        let count = |quantity: f64| {
            [("inventory_quantity".to_string(), json!(quantity))]
                .into_iter()
                .collect::<Map<String, Value>>()
        };
        if let Err(e) = self
            .odoo
            .write("stock.quant", &[id], &count(before + 1.0))
            .await
        {
            self.step(format!("{STEP}: count a quant"), Err(e.to_string()));
            return;
        }
        let a = s
            .call(
                "press_button",
                json!({"model": "stock.quant", "button": "action_apply_inventory", "record_ids": [id]}),
            )
            .await;
        let check: Check = match a.value["label"].as_str() {
            Some("Apply") => {
                self.field_is("stock.quant", id, "quantity", &json!(before + 1.0))
                    .await
            }
            _ => Err(format!("not Apply: {}", clip(&a.text))),
        };
        self.done("press_button: a list row button (Apply)", "ok", &a, check);
        // Put the quantity back as it was.
        if self
            .odoo
            .write("stock.quant", &[id], &count(before))
            .await
            .is_ok()
        {
            let _ = self
                .odoo
                .execute(
                    "stock.quant",
                    "action_apply_inventory",
                    Some(&[id]),
                    Map::new(),
                    None,
                )
                .await;
        }
    }
}
