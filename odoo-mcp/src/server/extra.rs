//! Running the tools beyond the generic six (declared in tools/extra.rs): field metadata,
//! the current context, grouped aggregates, batch writes, dry runs, chatter,
//! guarded method calls.

use std::collections::{BTreeMap, BTreeSet};

use odoo_client::registry::FieldType;
use odoo_client::{Error as OdooError, RecordId};
use serde_json::{Map, Value, json};

use super::{OdooMcp, Target};
use crate::error::ToolError;
use crate::model_fields::ModelFields;
use crate::settings::Access;
use crate::tools::extra::{ExtraOp, GRANULARITIES, METHOD_TOOL};
use crate::tools::{Entry, Op};

/// Aggregate functions Odoo accepts in `field:function`.
const FUNCTIONS: [&str; 8] = [
    "sum",
    "avg",
    "min",
    "max",
    "count",
    "count_distinct",
    "bool_and",
    "bool_or",
];

/// Methods with a dedicated tool, or that bypass its checks: never through `call_model_method`.
const DEDICATED: [&str; 19] = [
    "create",
    "write",
    "unlink",
    "read",
    "search",
    "search_read",
    "search_count",
    "search_fetch",
    "read_group",
    "formatted_read_group",
    "fields_get",
    "copy",
    "copy_data",
    "name_search",
    "name_create",
    "default_get",
    "message_post",
    "load",
    "browse",
];

fn strings(args: &Map<String, Value>, key: &str) -> Vec<String> {
    args.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn ids(args: &Map<String, Value>, key: &str) -> Vec<RecordId> {
    let mut seen = BTreeSet::new();
    args.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_i64)
                .filter(|id| seen.insert(*id))
                .collect()
        })
        .unwrap_or_default()
}

fn kwargs(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Odoo's empty value for a field (`false`, `null`, `""`, `[]`).
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// The two forms of update_records.
pub(super) enum UpdateForm<'a> {
    /// The same `values` on every id of `record_ids`.
    Same,
    /// `updates`: `{"id", "values"}` per record.
    PerRecord(&'a [Value]),
}

/// Which form an update_records call uses; both or neither is refused before
/// anything is sent (the schema cannot say "exactly one of" to strict clients).
pub(super) fn update_form(args: &Map<String, Value>) -> Result<UpdateForm<'_>, ToolError> {
    let same = args.contains_key("record_ids") || args.contains_key("values");
    match args.get("updates").and_then(Value::as_array) {
        Some(_) if same => Err(ToolError::Invalid {
            argument: "updates",
            message: "give either `updates` (values per record) or `record_ids` with `values` (the same values on each record), not both".into(),
        }),
        Some(updates) => Ok(UpdateForm::PerRecord(updates)),
        None => match ["record_ids", "values"].into_iter().find(|k| !args.contains_key(*k)) {
            Some(missing) => Err(ToolError::Invalid {
                argument: missing,
                message: format!(
                    "missing `{missing}`: give `record_ids` with `values` (the same values on each record), or `updates`: [{{\"id\": 3, \"values\": {{\"city\": \"Gent\"}}}}] (values per record)"
                ),
            }),
            None => Ok(UpdateForm::Same),
        },
    }
}

impl OdooMcp {
    fn method_calls_enabled(&self) -> bool {
        self.inner.settings.access == Access::Full && self.inner.settings.enable_method_calls
    }

    /// Whether `tools/list` shows `tool` (the guarded method tool only when enabled).
    pub(super) fn lists_tool(&self, tool: &rmcp::model::Tool) -> bool {
        tool.name != METHOD_TOOL || self.method_calls_enabled()
    }

    pub(super) async fn extra(
        &self,
        op: ExtraOp,
        entry: &Entry,
        target: Target<'_>,
        args: &Map<String, Value>,
        dry_run: bool,
    ) -> Result<Value, ToolError> {
        match op {
            ExtraOp::GetFields => self.get_fields(target, args).await,
            ExtraOp::CurrentContext => self.current_context().await,
            ExtraOp::Aggregate => self.aggregate(target, args).await,
            ExtraOp::CreateMany => self.create_many(entry, target, args, dry_run).await,
            ExtraOp::UpdateMany => self.update_many(entry, target, args, dry_run).await,
            ExtraOp::PostMessage => self.post_message(target, args).await,
            ExtraOp::CallMethod => self.call_method(target, args).await,
            ExtraOp::UploadAttachment => self.upload_attachment(target, args, dry_run).await,
            ExtraOp::GetAttachment => self.get_attachment(args).await,
        }
    }

    // ---- get_fields / get_current_context ------------------------------------------------

    async fn get_fields(
        &self,
        target: Target<'_>,
        args: &Map<String, Value>,
    ) -> Result<Value, ToolError> {
        let names = strings(args, "names");
        if !names.is_empty() {
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let metadata = self.metadata(target, &refs).await?;
            Self::check_names(target, &metadata, &refs, "names")?;
        }
        let types = strings(args, "types");
        let query = args
            .get("query")
            .and_then(Value::as_str)
            .map(str::to_lowercase)
            .filter(|q| !q.is_empty());
        let help = args.get("help").and_then(Value::as_bool) == Some(true);
        let mut attributes = vec![
            "string",
            "type",
            "required",
            "readonly",
            "relation",
            "selection",
            "store",
        ];
        if help {
            attributes.push("help");
        }
        let mut call = kwargs(vec![("attributes", json!(attributes))]);
        if !names.is_empty() {
            call.insert("allfields".into(), json!(names));
        }
        let answer = self
            .inner
            .client
            .execute(target.name, "fields_get", None, call, None)
            .await?;
        let answer: BTreeMap<String, Value> = match answer {
            Value::Object(map) => map.into_iter().collect(),
            _ => BTreeMap::new(),
        };
        let fields: Vec<Value> = answer
            .into_iter()
            .filter(|(name, _)| names.is_empty() || names.contains(name))
            .filter(|(_, def)| {
                types.is_empty()
                    || def
                        .get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| types.iter().any(|x| x == t))
            })
            .filter(|(name, def)| {
                query.as_ref().is_none_or(|q| {
                    name.contains(q.as_str())
                        || def
                            .get("string")
                            .and_then(Value::as_str)
                            .is_some_and(|s| s.to_lowercase().contains(q.as_str()))
                })
            })
            .map(|(name, def)| {
                let flag = |key: &str| def.get(key).and_then(Value::as_bool).unwrap_or(false);
                let mut out = Map::new();
                out.insert("name".into(), json!(name));
                out.insert("type".into(), def.get("type").cloned().unwrap_or_default());
                out.insert(
                    "label".into(),
                    def.get("string").cloned().unwrap_or_default(),
                );
                out.insert("required".into(), json!(flag("required")));
                out.insert("readonly".into(), json!(flag("readonly")));
                if def.get("store") == Some(&Value::Bool(false)) {
                    out.insert("stored".into(), json!(false));
                }
                for key in ["relation", "selection"] {
                    if let Some(v) = def.get(key).filter(|v| !is_empty(v)) {
                        out.insert(key.into(), v.clone());
                    }
                }
                if let Some(h) = def.get("help").filter(|v| !is_empty(v)) {
                    out.insert("help".into(), h.clone());
                }
                Value::Object(out)
            })
            .collect();
        Ok(json!({"model": target.name, "count": fields.len(), "fields": fields}))
    }

    pub(super) async fn current_context(&self) -> Result<Value, ToolError> {
        let client = &self.inner.client;
        let context = client
            .execute("res.users", "context_get", None, Map::new(), None)
            .await?;
        let uid = context.get("uid").and_then(Value::as_i64);
        let mut out = Map::new();
        for key in ["lang", "tz"] {
            out.insert(
                key.into(),
                context
                    .get(key)
                    .filter(|v| !is_empty(v))
                    .cloned()
                    .unwrap_or(Value::Null),
            );
        }
        if let Some(locale) = &client.config().lang {
            out.insert("locale".into(), json!(locale));
        }
        if let Ok(version) = client.version().await {
            out.insert("server_version".into(), json!(version.version));
        }
        let Some(uid) = uid else {
            out.insert("user".into(), Value::Null);
            out.insert(
                "notes".into(),
                json!(["Odoo's context_get did not name the user id"]),
            );
            return Ok(Value::Object(out));
        };
        let fields = [
            "name",
            "login",
            "email",
            "partner_id",
            "company_id",
            "company_ids",
        ];
        let mut users = client.read("res.users", &[uid], &fields).await?;
        let user = if users.is_empty() {
            Map::new()
        } else {
            users.swap_remove(0)
        };
        let pair = |v: Option<&Value>| match v {
            Some(Value::Array(p)) if p.len() == 2 => json!({"id": p[0], "name": p[1]}),
            _ => Value::Null,
        };
        out.insert(
            "user".into(),
            json!({
                "id": uid,
                "name": user.get("name").cloned().unwrap_or_default(),
                "login": user.get("login").cloned().unwrap_or_default(),
                "email": user.get("email").filter(|v| !is_empty(v)).cloned().unwrap_or(Value::Null),
                "partner": pair(user.get("partner_id")),
            }),
        );
        out.insert("company".into(), pair(user.get("company_id")));
        let company_ids: Vec<RecordId> = user
            .get("company_ids")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        // Names of the allowed companies; their ids alone when they cannot be read.
        let companies = match client
            .read("res.company", &company_ids, &["name", "currency_id"])
            .await
        {
            Ok(rows) => rows
                .into_iter()
                .map(|r| {
                    json!({
                        "id": r.get("id").cloned().unwrap_or_default(),
                        "name": r.get("name").cloned().unwrap_or_default(),
                        "currency": r.get("currency_id").and_then(|c| c.get(1)).cloned().unwrap_or(Value::Null),
                    })
                })
                .collect(),
            Err(_) => company_ids.iter().map(|id| json!({"id": id})).collect(),
        };
        out.insert("allowed_companies".into(), Value::Array(companies));
        Ok(Value::Object(out))
    }

    // ---- aggregate_records -----------------------------------------------------------------

    async fn aggregate(
        &self,
        target: Target<'_>,
        args: &Map<String, Value>,
    ) -> Result<Value, ToolError> {
        let request = AggregateRequest::parse(args, self.inner.settings.limits.max);
        let metadata = self.metadata(target, &[]).await?;
        check_aggregate_names(target, &metadata, &request)?;
        check_groupby(target, &metadata, &request.groupby)?;
        check_functions(&request.aggregates)?;

        let client = &self.inner.client;
        let modern = client.version().await?.major >= 19;
        let (method, call) = request.read_group_call(modern);
        let answer = client
            .execute(target.name, method, None, call, None)
            .await?;
        let groups: Vec<Value> = match answer {
            Value::Array(rows) => rows,
            other => {
                return Err(ToolError::Invalid {
                    argument: "model",
                    message: format!("Odoo answered {method} with {other}, not a list"),
                });
            }
        };
        Ok(request.answer(target, groups, modern))
    }

    // ---- batch writes and dry runs -----------------------------------------------------------

    /// Checks every record's field names at once, so the error names the first unknown one.
    /// `at` says where the i-th values are (`records[i]`, `updates[i].values`).
    async fn batch_values(
        &self,
        target: Target<'_>,
        argument: &'static str,
        records: &[Value],
        at: fn(usize) -> String,
    ) -> Result<Vec<Map<String, Value>>, ToolError> {
        let mut list = Vec::with_capacity(records.len());
        for (i, record) in records.iter().enumerate() {
            match record.as_object() {
                Some(values) if !values.is_empty() => list.push(values.clone()),
                _ => {
                    return Err(ToolError::Invalid {
                        argument,
                        message: format!(
                            "{} must be an object with at least one field value, e.g. {{\"name\": \"Acme\"}}",
                            at(i)
                        ),
                    });
                }
            }
        }
        let names: BTreeSet<&str> = list
            .iter()
            .flat_map(|v| v.keys().map(String::as_str))
            .collect();
        let names: Vec<&str> = names.into_iter().collect();
        let metadata = self.metadata(target, &names).await?;
        Self::check_names(target, &metadata, &names, argument)?;
        Ok(list)
    }

    async fn create_many(
        &self,
        _entry: &Entry,
        target: Target<'_>,
        args: &Map<String, Value>,
        dry_run: bool,
    ) -> Result<Value, ToolError> {
        let records = args
            .get("records")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let list = self
            .batch_values(target, "records", &records, |i| format!("records[{i}]"))
            .await?;
        if dry_run {
            return self.plan_write(target, "create", &[], &list).await;
        }
        let ids = self.inner.client.create(target.name, &list).await?;
        Ok(json!({"model": target.name, "ids": ids, "count": ids.len(), "created": true}))
    }

    /// update_records: the same values on `record_ids` (one `write`), or values per
    /// record in `updates`: one `web_save_multi` on Odoo 19+ (one transaction),
    /// else one `write` per record in order, stopping at the first failure.
    async fn update_many(
        &self,
        entry: &Entry,
        target: Target<'_>,
        args: &Map<String, Value>,
        dry_run: bool,
    ) -> Result<Value, ToolError> {
        let (record_ids, values_list) = match update_form(args)? {
            UpdateForm::Same => {
                let values = OdooMcp::object_arg(args, "values");
                let values = self
                    .write_values(entry, target, &values, None, "values")
                    .await?;
                (ids(args, "record_ids"), vec![values])
            }
            UpdateForm::PerRecord(updates) => {
                let mut record_ids = Vec::with_capacity(updates.len());
                for id in updates.iter().map(|u| u.get("id").and_then(Value::as_i64)) {
                    let id = id.unwrap_or_default();
                    if record_ids.contains(&id) {
                        return Err(ToolError::Invalid {
                            argument: "updates",
                            message: format!(
                                "record {id} appears more than once; give each record one entry with all its values"
                            ),
                        });
                    }
                    record_ids.push(id);
                }
                let values: Vec<Value> = updates
                    .iter()
                    .map(|u| u.get("values").cloned().unwrap_or_default())
                    .collect();
                let list = self
                    .batch_values(target, "updates", &values, |i| {
                        format!("updates[{i}].values")
                    })
                    .await?;
                (record_ids, list)
            }
        };
        if dry_run {
            return self
                .plan_write(target, "write", &record_ids, &values_list)
                .await;
        }
        let client = &self.inner.client;
        let mut out = json!({"model": target.name, "ids": record_ids, "count": record_ids.len(), "updated": true});
        if let [values] = values_list.as_slice() {
            client
                .write(target.name, &record_ids, values)
                .await
                .map_err(ToolError::from_write)?;
            return Ok(out);
        }
        let version = client.version().await?;
        if version.major >= 19 {
            // The web client's own call: each record written with its values, in
            // order, in one transaction; an empty specification reads back ids only.
            let call = kwargs(vec![
                ("vals_list", json!(values_list)),
                ("specification", json!({})),
            ]);
            return match client
                .execute(target.name, "web_save_multi", Some(&record_ids), call, None)
                .await
                .map_err(ToolError::from_write)
            {
                Ok(_) => Ok(out),
                Err(unknown @ ToolError::WriteOutcomeUnknown(_)) => Err(unknown),
                Err(refused) => Err(ToolError::BatchNotWritten {
                    count: record_ids.len(),
                    cause: Box::new(refused),
                }),
            };
        }
        for (i, (id, values)) in record_ids.iter().zip(&values_list).enumerate() {
            if let Err(error) = client.write(target.name, &[*id], values).await {
                return Err(ToolError::PartialWrite {
                    model: target.name.to_string(),
                    version: version.version,
                    failed: *id,
                    written: record_ids[..i].to_vec(),
                    rest: record_ids[i + 1..].to_vec(),
                    cause: Box::new(ToolError::from_write(error)),
                });
            }
        }
        out["notes"] = json!([format!(
            "Odoo {} has no web_save_multi (Odoo 19+): each record was its own write, in order, not one transaction",
            version.version
        )]);
        Ok(out)
    }

    /// `dry_run: true` on create_record/update_record/delete_record and the typed
    /// `_create`/`_update`/`_delete`: the same argument checks as the real call, then
    /// [`Self::plan_write`].
    pub(super) async fn dry_run(
        &self,
        entry: &Entry,
        target: Target<'_>,
        args: &Map<String, Value>,
    ) -> Result<Value, ToolError> {
        let id = Self::record_id(args);
        match entry.op {
            Op::Create => {
                let (values, argument) = match entry.model {
                    Some(_) => (args.clone(), "arguments"),
                    None => (OdooMcp::object_arg(args, "values"), "values"),
                };
                let encode = entry.model.and_then(|d| d.check_create);
                let values = self
                    .write_values(entry, target, &values, encode, argument)
                    .await?;
                self.plan_write(target, "create", &[], &[values]).await
            }
            Op::Update => {
                let values = OdooMcp::object_arg(args, "values");
                let encode = entry.model.and_then(|d| d.check_update);
                let values = self
                    .write_values(entry, target, &values, encode, "values")
                    .await?;
                self.plan_write(target, "write", &[id], &[values]).await
            }
            _ => self.plan_write(target, "unlink", &[id], &[]).await,
        }
    }

    /// What a write would do, checked against Odoo without writing: the records
    /// exist, required fields get a value (given or default), selection values
    /// and many2one targets exist, and the user has the access right.
    async fn plan_write(
        &self,
        target: Target<'_>,
        operation: &str,
        record_ids: &[RecordId],
        values_list: &[Map<String, Value>],
    ) -> Result<Value, ToolError> {
        let mut problems: Vec<String> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let defs = self.write_field_defs(target, values_list).await?;
        let targets = check_values(&defs, operation, values_list, &mut problems, &mut notes);
        self.check_many2one_targets(target, &targets, &mut problems, &mut notes)
            .await;
        let defaults = if operation == "create" {
            self.check_required(target, &defs, values_list, &mut problems, &mut notes)
                .await
        } else {
            Map::new()
        };

        let mut out = Map::new();
        if !record_ids.is_empty() {
            let records = self
                .planned_changes(target, record_ids, values_list, &mut problems)
                .await?;
            out.insert("records".into(), Value::Array(records));
        } else {
            out.insert("records".into(), json!(values_list));
            if !defaults.is_empty() {
                out.insert("defaults".into(), Value::Object(defaults));
            }
        }

        self.check_access_right(target.name, operation, &mut problems, &mut notes)
            .await;

        out.insert("model".into(), json!(target.name));
        out.insert("dry_run".into(), json!(true));
        out.insert("operation".into(), json!(operation));
        out.insert("valid".into(), json!(problems.is_empty()));
        out.insert("problems".into(), json!(problems));
        if !notes.is_empty() {
            out.insert("notes".into(), json!(notes));
        }
        out.insert("written".into(), json!(false));
        Ok(Value::Object(out))
    }

    /// The field definitions a dry run checks values against; none are read
    /// when no values are written (a delete).
    async fn write_field_defs(
        &self,
        target: Target<'_>,
        values_list: &[Map<String, Value>],
    ) -> Result<Map<String, Value>, ToolError> {
        if values_list.is_empty() {
            return Ok(Map::new());
        }
        Ok(self
            .inner
            .client
            .fields_get(
                target.name,
                &[
                    "string",
                    "type",
                    "required",
                    "readonly",
                    "selection",
                    "relation",
                    "depends",
                    "related",
                ],
            )
            .await?)
    }

    /// Every many2one target a dry run's values name must exist.
    async fn check_many2one_targets(
        &self,
        target: Target<'_>,
        targets: &BTreeMap<String, BTreeSet<RecordId>>,
        problems: &mut Vec<String>,
        notes: &mut Vec<String>,
    ) {
        for (relation, wanted) in targets {
            let wanted: Vec<RecordId> = wanted.iter().copied().collect();
            let call = kwargs(vec![("domain", json!([["id", "in", wanted]]))]);
            match self
                .inner
                .client
                .execute(relation, "search", None, call, None)
                .await
            {
                Ok(Value::Array(found)) => {
                    let found: BTreeSet<i64> = found.iter().filter_map(Value::as_i64).collect();
                    for id in wanted.iter().filter(|id| !found.contains(id)) {
                        problems.push(format!(
                            "{relation} record {id} does not exist or is not visible (referenced by {})",
                            target.name
                        ));
                    }
                }
                Ok(_) => {}
                Err(e) => notes.push(format!(
                    "{relation} ids could not be checked: {}",
                    ToolError::from(e)
                )),
            }
        }
    }

    /// Required fields a create leaves out must have a default. Returns the
    /// defaults Odoo gives the missing ones.
    async fn check_required(
        &self,
        target: Target<'_>,
        defs: &Map<String, Value>,
        values_list: &[Map<String, Value>],
        problems: &mut Vec<String>,
        notes: &mut Vec<String>,
    ) -> Map<String, Value> {
        let mut defaults = Map::new();
        let required = required_fields(defs);
        let missing: BTreeSet<&String> = values_list
            .iter()
            .flat_map(|v| required.iter().filter(|f| !v.contains_key(*f)))
            .collect();
        if missing.is_empty() {
            return defaults;
        }
        let call = kwargs(vec![("fields", json!(missing))]);
        let defaults_known = match self
            .inner
            .client
            .execute(target.name, "default_get", None, call, None)
            .await
        {
            Ok(Value::Object(found)) => {
                defaults = found;
                true
            }
            Ok(_) => true,
            Err(e) => {
                notes.push(format!(
                    "Odoo's defaults could not be read, so required fields were not checked: {}",
                    ToolError::from(e)
                ));
                false
            }
        };
        if !defaults_known {
            return defaults;
        }
        for (i, values) in values_list.iter().enumerate() {
            for field in required.iter().filter(|f| !values.contains_key(*f)) {
                if !defaults.get(field).is_none_or(is_empty) {
                    continue;
                }
                let at = if values_list.len() > 1 {
                    format!("records[{i}]: ")
                } else {
                    String::new()
                };
                if defs.get(field).is_some_and(is_relational) {
                    notes.push(format!(
                        "{at}required field {field} ({}) has no value and no default: Odoo may fill it when it creates the record; give it if the create is refused",
                        field_label(defs, field)
                    ));
                } else {
                    problems.push(format!(
                        "{at}required field {field} ({}) has no value and no default",
                        field_label(defs, field)
                    ));
                }
            }
        }
        defaults
    }

    /// The records exist, and what would change on them: each record's id,
    /// display name and changed fields (`from`, `to`).
    async fn planned_changes(
        &self,
        target: Target<'_>,
        record_ids: &[RecordId],
        values_list: &[Map<String, Value>],
        problems: &mut Vec<String>,
    ) -> Result<Vec<Value>, ToolError> {
        // One values map for every record, or one per record (update_records' updates).
        let values_of = |id: i64| match values_list {
            [values] => Some(values),
            _ => record_ids
                .iter()
                .position(|r| *r == id)
                .and_then(|i| values_list.get(i)),
        };
        let wanted: BTreeSet<&str> = values_list
            .iter()
            .flat_map(|v| v.keys().map(String::as_str))
            .chain(["display_name"])
            .collect();
        let wanted: Vec<&str> = wanted.into_iter().collect();
        let rows = self
            .inner
            .client
            .read(target.name, record_ids, &wanted)
            .await?;
        let found: BTreeSet<i64> = rows
            .iter()
            .filter_map(|r| r.get("id").and_then(Value::as_i64))
            .collect();
        for id in record_ids.iter().filter(|id| !found.contains(id)) {
            problems.push(format!(
                "{} record {id} does not exist or is not visible to this Odoo user",
                target.name
            ));
        }
        Ok(rows
            .iter()
            .map(|row| {
                let mut entry = Map::new();
                entry.insert("id".into(), row.get("id").cloned().unwrap_or_default());
                entry.insert(
                    "display_name".into(),
                    row.get("display_name").cloned().unwrap_or_default(),
                );
                let id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
                if let Some(values) = values_of(id) {
                    let changes: Map<String, Value> = values
                        .iter()
                        .filter(|(f, v)| !same_value(row.get(*f), v))
                        .map(|(f, v)| {
                            (
                                f.clone(),
                                json!({"from": row.get(f).cloned().unwrap_or(Value::Null), "to": v}),
                            )
                        })
                        .collect();
                    entry.insert("changes".into(), Value::Object(changes));
                }
                Value::Object(entry)
            })
            .collect())
    }

    /// Whether the Odoo user may `operation` on `model` (has_access on Odoo 18+,
    /// check_access_rights below): a problem when not, a note when it cannot tell.
    pub(super) async fn check_access_right(
        &self,
        model: &str,
        operation: &str,
        problems: &mut Vec<String>,
        notes: &mut Vec<String>,
    ) {
        let client = &self.inner.client;
        let modern = client
            .version()
            .await
            .map(|v| v.major >= 18)
            .unwrap_or(true);
        let (method, call) = if modern {
            ("has_access", kwargs(vec![("operation", json!(operation))]))
        } else {
            (
                "check_access_rights",
                kwargs(vec![
                    ("operation", json!(operation)),
                    ("raise_exception", json!(false)),
                ]),
            )
        };
        // has_access is a record method: the empty recordset asks about the model
        // (XML-RPC takes the first positional argument as its ids).
        let ids: Option<&[RecordId]> = modern.then_some(&[]);
        match client.execute(model, method, ids, call, None).await {
            Ok(Value::Bool(true)) => {}
            Ok(_) | Err(OdooError::AccessDenied(_)) => problems.push(format!(
                "the Odoo user has no {operation} access on {model}"
            )),
            Err(e) => notes.push(format!(
                "access rights could not be checked: {}",
                ToolError::from(e)
            )),
        }
    }

    // ---- chatter and method calls -------------------------------------------------------------

    async fn post_message(
        &self,
        target: Target<'_>,
        args: &Map<String, Value>,
    ) -> Result<Value, ToolError> {
        let metadata = self.metadata(target, &["message_ids"]).await?;
        if !metadata.contains("message_ids") {
            return Err(ToolError::Invalid {
                argument: "model",
                message: format!(
                    "{} has no chatter (it does not inherit mail.thread); post on a model that has one, e.g. res.partner or sale.order",
                    target.name
                ),
            });
        }
        let id = Self::record_id(args);
        let body = args.get("body").and_then(Value::as_str).unwrap_or_default();
        if body.trim().is_empty() {
            return Err(ToolError::Invalid {
                argument: "body",
                message: "give the message text".into(),
            });
        }
        let subtype = match args.get("subtype").and_then(Value::as_str) {
            Some("comment") => "mail.mt_comment",
            _ => "mail.mt_note",
        };
        let message_type = args
            .get("message_type")
            .and_then(Value::as_str)
            .unwrap_or("comment");
        let call = kwargs(vec![
            ("body", json!(body)),
            ("message_type", json!(message_type)),
            ("subtype_xmlid", json!(subtype)),
        ]);
        let answer = self
            .inner
            .client
            .execute(target.name, "message_post", Some(&[id]), call, None)
            .await?;
        let message_id = match &answer {
            Value::Array(items) => items.first().cloned().unwrap_or_default(),
            other => other.clone(),
        };
        Ok(json!({"model": target.name, "record_id": id, "message_id": message_id}))
    }

    async fn call_method(
        &self,
        target: Target<'_>,
        args: &Map<String, Value>,
    ) -> Result<Value, ToolError> {
        if !self.method_calls_enabled() {
            return Err(ToolError::Refused(format!(
                "{METHOD_TOOL} is disabled on this server (ODOO_YOLO={}, ODOO_MCP_ENABLE_METHOD_CALLS={}); it needs ODOO_YOLO=true and ODOO_MCP_ENABLE_METHOD_CALLS=true. Use the dedicated tools instead",
                self.inner.settings.access, self.inner.settings.enable_method_calls
            )));
        }
        let method = args
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let refusal = if method.is_empty()
            || !method
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            Some(format!(
                "`{method}` is not a method name (letters, digits and _ only)"
            ))
        } else if method.starts_with('_') {
            Some(format!("`{method}` is private"))
        } else if method.starts_with("web_") {
            Some(format!("`{method}` is a web client method (web_*)"))
        } else if DEDICATED.contains(&method) {
            Some(format!(
                "`{method}` has a dedicated tool (search_records, get_record, create_record(s), update_record(s), delete_record, aggregate_records, get_fields, post_message): use it"
            ))
        } else if matches!(
            method,
            "run"
                | "method_direct_trigger"
                | "sudo"
                | "with_user"
                | "with_context"
                | "with_company"
        ) {
            Some(format!(
                "`{method}` runs code with other rights (server actions, scheduled jobs, sudo)"
            ))
        } else if target.name.starts_with("ir.actions") || target.name == "ir.cron" {
            Some(format!(
                "methods of {} run server code and are never called through this tool",
                target.name
            ))
        } else {
            None
        };
        if let Some(reason) = refusal {
            return Err(ToolError::Refused(format!(
                "{METHOD_TOOL} refused {}.{method}: {reason}",
                target.name
            )));
        }
        let record_ids = ids(args, "record_ids");
        let call = args
            .get("kwargs")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let ids_arg = (!record_ids.is_empty()).then_some(&record_ids[..]);
        let result = self
            .inner
            .client
            .execute(target.name, method, ids_arg, call, None)
            .await?;
        Ok(json!({"model": target.name, "method": method, "result": result}))
    }
}

/// Whether a read value equals a written one (`[id, name]` against `id`, `false` against `null`).
fn same_value(current: Option<&Value>, new: &Value) -> bool {
    match (current, new) {
        (Some(Value::Array(pair)), Value::Number(_)) if pair.len() == 2 => pair[0] == *new,
        (Some(c), n) if is_empty(c) && is_empty(n) => true,
        (Some(c), n) => c == n,
        (None, _) => false,
    }
}

/// `read_group`'s `orderby` names aggregates by field: `amount_total:sum desc` → `amount_total desc`.
fn legacy_order(order: &str) -> String {
    order
        .split(',')
        .map(|term| {
            let term = term.trim();
            let (spec, rest) = term.split_once(' ').unwrap_or((term, ""));
            let spec = match spec.split_once(':') {
                Some((field, function)) if FUNCTIONS.contains(&function) => field,
                _ => spec,
            };
            format!("{spec} {rest}").trim().to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One group in `formatted_read_group`'s shape, whichever method answered:
/// groupby specs as keys (dates as `[start, label]`), `field:function` and
/// `__count` keys, no domains.
fn normalize_group(group: Value, groupby: &[String], aggregates: &[String], modern: bool) -> Value {
    let Value::Object(mut group) = group else {
        return group;
    };
    if modern {
        group.remove("__extra_domain");
        return Value::Object(group);
    }
    let ranges = group.remove("__range");
    let mut out = Map::new();
    for spec in groupby {
        let mut value = group.remove(spec).unwrap_or(Value::Bool(false));
        if let Some(from) = ranges
            .as_ref()
            .and_then(|r| r.get(spec))
            .and_then(|r| r.get("from"))
        {
            value = json!([from, value]);
        }
        out.insert(spec.clone(), value);
    }
    for spec in aggregates {
        let key = if spec == "__count" {
            "__count"
        } else {
            spec.split(':').next().unwrap_or(spec)
        };
        if let Some(value) = group.get(key) {
            out.insert(spec.clone(), value.clone());
        }
    }
    Value::Object(out)
}

/// One attribute of a field definition (from `fields_get`).
fn field_attr(defs: &Map<String, Value>, field: &str, key: &str) -> Option<Value> {
    defs.get(field).and_then(|d| d.get(key)).cloned()
}

/// A field's label, or its name when Odoo gives none.
fn field_label(defs: &Map<String, Value>, field: &str) -> String {
    field_attr(defs, field, "string")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| field.to_string())
}

/// Selections, readonly fields and emptied required ones, per value of a dry
/// run. Returns the many2one targets named, per model, to be checked at once.
fn check_values(
    defs: &Map<String, Value>,
    operation: &str,
    values_list: &[Map<String, Value>],
    problems: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> BTreeMap<String, BTreeSet<RecordId>> {
    let attr = |field: &str, key: &str| field_attr(defs, field, key);
    let label = |field: &str| field_label(defs, field);
    let mut targets: BTreeMap<String, BTreeSet<RecordId>> = BTreeMap::new();
    for (i, values) in values_list.iter().enumerate() {
        let at = match (values_list.len(), operation) {
            (0 | 1, _) => String::new(),
            (_, "write") => format!("updates[{i}].values."),
            _ => format!("records[{i}]."),
        };
        for (field, value) in values {
            let kind = attr(field, "type").and_then(|v| v.as_str().map(FieldType::parse));
            if attr(field, "readonly") == Some(Value::Bool(true)) {
                notes.push(format!(
                    "{at}{field} ({}) is read-only in Odoo's forms: Odoo may ignore or recompute it",
                    label(field)
                ));
            }
            if attr(field, "required") == Some(Value::Bool(true)) && is_empty(value) {
                problems.push(format!(
                    "{at}{field} ({}) is required and cannot be emptied",
                    label(field)
                ));
            }
            match kind {
                Some(FieldType::Selection) if !is_empty(value) => {
                    let options: Vec<Value> = attr(field, "selection")
                        .and_then(|s| s.as_array().cloned())
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|o| o.get(0).cloned())
                        .collect();
                    if !options.is_empty() && !options.contains(value) {
                        let shown: Vec<String> = options.iter().map(Value::to_string).collect();
                        problems.push(format!(
                            "{at}{field}: {value} is not a valid value; use one of {}",
                            shown.join(", ")
                        ));
                    }
                }
                Some(FieldType::Many2one) => {
                    if let (Some(id), Some(relation)) = (
                        value.as_i64().filter(|id| *id > 0),
                        attr(field, "relation").and_then(|r| r.as_str().map(str::to_string)),
                    ) {
                        targets.entry(relation).or_default().insert(id);
                    }
                }
                _ => {}
            }
        }
    }
    targets
}

/// The required fields a create must fill. Computed and related fields are
/// Odoo's to fill, and so are the magic ones.
fn required_fields(defs: &Map<String, Value>) -> Vec<String> {
    let computed = |d: &Value| {
        d.get("depends")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
            || d.get("related").is_some_and(|r| !is_empty(r))
    };
    defs.iter()
        .filter(|(name, d)| {
            d.get("required") == Some(&Value::Bool(true))
                && d.get("readonly") != Some(&Value::Bool(true))
                && !computed(d)
                && !matches!(name.as_str(), "id" | "create_uid" | "write_uid")
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Relational fields may be filled by Odoo's `create`: it makes a user's
/// partner (`_inherits`), a company's partner, a template's variants; a missing
/// one gets a note rather than a problem.
fn is_relational(def: &Value) -> bool {
    def.get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| FieldType::parse(t).is_relational())
}

/// What aggregate_records asks for, read from its arguments.
struct AggregateRequest<'a> {
    groupby: Vec<String>,
    /// `["__count"]` when none are given.
    aggregates: Vec<String>,
    domain: Value,
    order: Option<&'a str>,
    /// The limit asked for, before clamping to `max`.
    asked: u64,
    max: u64,
    limit: u64,
    offset: u64,
}

impl<'a> AggregateRequest<'a> {
    fn parse(args: &'a Map<String, Value>, max: u64) -> Self {
        let groupby = strings(args, "groupby");
        let mut aggregates = strings(args, "aggregates");
        if aggregates.is_empty() {
            aggregates.push("__count".into());
        }
        let asked = args.get("limit").and_then(Value::as_u64).unwrap_or(max);
        Self {
            groupby,
            aggregates,
            domain: args.get("domain").cloned().unwrap_or_else(|| json!([])),
            order: args
                .get("order")
                .and_then(Value::as_str)
                .filter(|o| !o.trim().is_empty()),
            asked,
            max,
            limit: asked.min(max),
            offset: args.get("offset").and_then(Value::as_u64).unwrap_or(0),
        }
    }

    /// The aggregated `field:function` specs, without `__count`.
    fn aggregated(&self) -> impl Iterator<Item = &String> {
        self.aggregates.iter().filter(|a| *a != "__count")
    }

    /// The method and keyword arguments: formatted_read_group on Odoo 19+
    /// (`modern`), read_group below.
    fn read_group_call(&self, modern: bool) -> (&'static str, Map<String, Value>) {
        let mut call = kwargs(vec![
            ("domain", self.domain.clone()),
            ("groupby", json!(self.groupby)),
            // One more than asked tells whether more groups exist.
            ("limit", json!(self.limit + 1)),
        ]);
        if self.offset > 0 {
            call.insert("offset".into(), json!(self.offset));
        }
        let method = if modern {
            call.insert("aggregates".into(), json!(self.aggregates));
            if let Some(order) = self.order {
                call.insert("order".into(), json!(order));
            }
            "formatted_read_group"
        } else {
            let fields: Vec<&String> = self.aggregated().collect();
            call.insert("fields".into(), json!(fields));
            call.insert("lazy".into(), json!(false));
            if let Some(order) = self.order {
                call.insert("orderby".into(), json!(legacy_order(order)));
            }
            "read_group"
        };
        (method, call)
    }

    /// The tool's answer from Odoo's groups (one more than the limit when more exist).
    fn answer(&self, target: Target<'_>, mut groups: Vec<Value>, modern: bool) -> Value {
        let (limit, offset) = (self.limit, self.offset);
        let more = groups.len() as u64 > limit;
        groups.truncate(limit as usize);
        let groups: Vec<Value> = groups
            .into_iter()
            .map(|g| normalize_group(g, &self.groupby, &self.aggregates, modern))
            .collect();
        let mut out =
            json!({"model": target.name, "count": groups.len(), "more": more, "groups": groups});
        if more {
            out["next_offset"] = json!(offset + limit);
        }
        if self.asked > self.max {
            out["notes"] = json!([format!(
                "limit {} was clamped to {} (ODOO_MCP_MAX_LIMIT)",
                self.asked, self.max
            )]);
        }
        out
    }
}

/// Every field an aggregate names must exist.
fn check_aggregate_names(
    target: Target<'_>,
    metadata: &ModelFields,
    request: &AggregateRequest,
) -> Result<(), ToolError> {
    let grouped: Vec<&str> = request
        .groupby
        .iter()
        .map(|g| g.split(':').next().unwrap_or(g))
        .collect();
    let aggregated: Vec<&str> = request
        .aggregated()
        .map(|a| a.split(':').next().unwrap_or(a))
        .collect();
    OdooMcp::check_names(target, metadata, &grouped, "groupby")?;
    OdooMcp::check_names(target, metadata, &aggregated, "aggregates")
}

/// Groups are on stored fields, and granularities on dates, among GRANULARITIES.
fn check_groupby(
    target: Target<'_>,
    metadata: &ModelFields,
    groupby: &[String],
) -> Result<(), ToolError> {
    for spec in groupby {
        let (field, granularity) = match spec.split_once(':') {
            Some((f, g)) => (f, Some(g)),
            None => (spec.as_str(), None),
        };
        let Some(info) = metadata.get(field) else {
            continue;
        };
        if !info.store {
            return Err(ToolError::Invalid {
                argument: "groupby",
                message: format!(
                    "`{field}` is computed and not stored on {}, so Odoo cannot group by it; pick a stored field (get_fields shows them)",
                    target.name
                ),
            });
        }
        let dated = info.ttype.is_temporal();
        match granularity {
            Some(_) if !dated => {
                return Err(ToolError::Invalid {
                    argument: "groupby",
                    message: format!(
                        "`{spec}`: a granularity applies to date and datetime fields only; `{field}` is a {}",
                        info.ttype
                    ),
                });
            }
            Some(g) if !GRANULARITIES.contains(&g) => {
                return Err(ToolError::Invalid {
                    argument: "groupby",
                    message: format!(
                        "`{spec}`: unknown granularity `{g}`; use one of {}",
                        GRANULARITIES.join(", ")
                    ),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Every aggregate but `__count` is `field:function`, with a function Odoo knows.
fn check_functions(aggregates: &[String]) -> Result<(), ToolError> {
    for spec in aggregates.iter().filter(|a| *a != "__count") {
        match spec.split_once(':') {
            Some((_, function)) if FUNCTIONS.contains(&function) => {}
            _ => {
                return Err(ToolError::Invalid {
                    argument: "aggregates",
                    message: format!(
                        "`{spec}`: write field:function with a function among {}, or __count",
                        FUNCTIONS.join(", ")
                    ),
                });
            }
        }
    }
    Ok(())
}
