//! Public model methods the double knows, their Python signatures, and the binding of
//! JSON/2 named arguments or XML-RPC positional + keyword arguments to them.

use serde_json::{Map, Value};

use super::error::OdooError;
use super::seed::Record;
use super::store::{Env, Store};

/// A method's signature: does it run on records (`ids`) or on the model, its
/// parameters in order (name, required), and whether it takes `**kwargs`.
struct Signature {
    on_records: bool,
    params: &'static [(&'static str, bool)],
    var_kw: bool,
}

fn signature(model: &str, method: &str) -> Option<Signature> {
    let sig = |on_records, params, var_kw| {
        Some(Signature {
            on_records,
            params,
            var_kw,
        })
    };
    match method {
        "search_read" => sig(
            false,
            &[
                ("domain", false),
                ("fields", false),
                ("offset", false),
                ("limit", false),
                ("order", false),
            ],
            true,
        ),
        "search" => sig(
            false,
            &[
                ("domain", true),
                ("offset", false),
                ("limit", false),
                ("order", false),
            ],
            false,
        ),
        "search_count" => sig(false, &[("domain", true), ("limit", false)], false),
        "read" => sig(true, &[("fields", false), ("load", false)], false),
        "create" => sig(false, &[("vals_list", true)], false),
        "write" => sig(true, &[("vals", true)], false),
        "web_save_multi" => sig(true, &[("vals_list", true), ("specification", true)], false),
        "unlink" => sig(true, &[], false),
        "copy" => sig(true, &[("default", false)], false),
        "fields_get" => sig(false, &[("allfields", false), ("attributes", false)], false),
        "name_search" => sig(
            false,
            &[
                ("name", false),
                ("domain", false),
                ("operator", false),
                ("limit", false),
            ],
            false,
        ),
        "default_get" => sig(false, &[("fields", true)], false),
        // The web client's (Odoo 17+); a record method, `[]` for a new record.
        "onchange" => sig(
            true,
            &[
                ("values", true),
                ("field_names", true),
                ("fields_spec", true),
            ],
            false,
        ),
        "get_views" => sig(false, &[("views", true), ("options", false)], false),
        // The Action menu: `ir.actions.actions`' bindings, and the xml ids
        // of `ir.actions.server` records (JSON/2; XML-RPC cannot carry them).
        "get_bindings" if model == "ir.actions.actions" => {
            sig(false, &[("model_name", true)], false)
        }
        "get_external_id" if model == "ir.actions.server" => sig(true, &[], false),
        // A record method (Odoo 18+): over XML-RPC it needs ids, `[]` for the model.
        "has_access" => sig(true, &[("operation", true)], false),
        "check_access_rights" => sig(
            false,
            &[("operation", true), ("raise_exception", false)],
            false,
        ),
        "formatted_read_group" => sig(
            false,
            &[
                ("domain", true),
                ("groupby", false),
                ("aggregates", false),
                ("having", false),
                ("offset", false),
                ("limit", false),
                ("order", false),
            ],
            false,
        ),
        "read_group" => sig(
            false,
            &[
                ("domain", true),
                ("fields", true),
                ("groupby", true),
                ("offset", false),
                ("limit", false),
                ("orderby", false),
                ("lazy", false),
            ],
            false,
        ),
        "context_get" if model == "res.users" => sig(false, &[], false),
        "execute_import" if model == "base_import.import" => sig(
            true,
            &[
                ("fields", true),
                ("columns", true),
                ("options", true),
                ("dryrun", false),
            ],
            false,
        ),
        "export_data" => sig(true, &[("fields_to_export", true)], false),
        // Both return None: JSON/2 answers null, XML-RPC cannot marshal it.
        "action_archive" | "action_unarchive" => sig(true, &[], false),
        "message_post" => sig(true, &[], true),
        step if super::business::knows(model, step) => sig(true, &[], false),
        _ => None,
    }
}

/// Checks that `model.method` may be called remotely; returns its signature.
fn resolve(store: &Store, model: &str, method: &str) -> Result<Signature, OdooError> {
    store.check_model(model)?;
    if method.starts_with('_') || method == "browse" {
        return Err(OdooError::Access(format!(
            "Private methods (such as '{model}.{method}') cannot be called remotely."
        )));
    }
    if let Some(refused) = store.refusal(model, method) {
        return Err(refused);
    }
    let known = store.has_method(method).then(|| signature(model, method));
    known.flatten().ok_or_else(|| OdooError::UnknownMethod {
        model: model.to_string(),
        method: method.to_string(),
    })
}

/// A JSON/2 call: `ids` and named arguments.
pub(crate) fn call_json2(
    store: &mut Store,
    model: &str,
    method: &str,
    ids: Option<Vec<i64>>,
    kwargs: Map<String, Value>,
    env: &Env,
) -> Result<Value, OdooError> {
    let sig = resolve(store, model, method)?;
    store.check_companies(env)?;
    if ids.is_some() && !sig.on_records {
        return Err(OdooError::Unprocessable(format!(
            "cannot call {model}.{method} with ids"
        )));
    }
    let mut extra = Map::new();
    for (name, value) in kwargs {
        if sig.params.iter().any(|(p, _)| *p == name) {
            continue_with(&mut extra, name, value, true);
        } else if sig.var_kw {
            continue_with(&mut extra, name, value, false);
        } else {
            return Err(OdooError::Unprocessable(format!(
                "got an unexpected keyword argument '{name}'"
            )));
        }
    }
    let (args, var_kw) = split(extra);
    if let Some((missing, _)) = sig
        .params
        .iter()
        .find(|(p, required)| *required && !args.contains_key(*p))
    {
        return Err(OdooError::Unprocessable(format!(
            "missing a required argument: '{missing}'"
        )));
    }
    run(
        store,
        model,
        method,
        ids.unwrap_or_default(),
        &args,
        &var_kw,
        env,
    )
    .map(|(value, _)| value)
}

/// Keeps named parameters and `**kwargs` apart without a second map type.
fn continue_with(map: &mut Map<String, Value>, name: String, value: Value, param: bool) {
    let key = if param { name } else { format!("**{name}") };
    map.insert(key, value);
}

fn split(all: Map<String, Value>) -> (Map<String, Value>, Map<String, Value>) {
    let mut args = Map::new();
    let mut var_kw = Map::new();
    for (k, v) in all {
        match k.strip_prefix("**") {
            Some(name) => {
                var_kw.insert(name.to_string(), v);
            }
            None => {
                args.insert(k, v);
            }
        }
    }
    (args, var_kw)
}

/// An XML-RPC `execute_kw`: positional `args` (record ids first for record methods)
/// and keyword `kwargs`, bound like Python would.
pub(crate) fn call_xmlrpc(
    store: &mut Store,
    model: &str,
    method: &str,
    args: Vec<Value>,
    mut kwargs: Map<String, Value>,
    env: &Env,
) -> Result<Value, OdooError> {
    let sig = resolve(store, model, method)?;
    store.check_companies(env)?;
    kwargs.remove("context");
    let mut args = args.into_iter();
    let ids = if sig.on_records {
        match args.next() {
            Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_i64).collect(),
            Some(Value::Number(n)) => n.as_i64().into_iter().collect(),
            Some(Value::Bool(false)) | Some(Value::Null) => Vec::new(),
            // Odoo's call_kw takes `args[0]` as the ids of a record method.
            None => {
                return Err(OdooError::Python {
                    class: "IndexError",
                    message: "list index out of range".into(),
                });
            }
            Some(other) => {
                return Err(OdooError::type_error(format!(
                    "{method}() expects record ids first, got {other}"
                )));
            }
        }
    } else {
        Vec::new()
    };
    let mut bound = Map::new();
    for (i, value) in args.enumerate() {
        let Some((name, _)) = sig.params.get(i) else {
            return Err(OdooError::type_error(format!(
                "{model}.{method}() takes {} positional arguments but more were given",
                sig.params.len() + 1
            )));
        };
        bound.insert((*name).to_string(), value);
    }
    let mut var_kw = Map::new();
    for (name, value) in kwargs {
        if sig.params.iter().any(|(p, _)| *p == name) {
            if bound.contains_key(&name) {
                return Err(OdooError::type_error(format!(
                    "{model}.{method}() got multiple values for argument '{name}'"
                )));
            }
            bound.insert(name, value);
        } else if sig.var_kw {
            var_kw.insert(name, value);
        } else {
            return Err(OdooError::type_error(format!(
                "{model}.{method}() got an unexpected keyword argument '{name}'"
            )));
        }
    }
    if let Some((missing, _)) = sig
        .params
        .iter()
        .find(|(p, required)| *required && !bound.contains_key(*p))
    {
        return Err(OdooError::type_error(format!(
            "{model}.{method}() missing 1 required positional argument: '{missing}'"
        )));
    }
    let (value, single) = run(store, model, method, ids, &bound, &var_kw, env)?;
    // `create` given one dict answers one id over XML-RPC, as Odoo's call_kw does.
    Ok(match (single, value) {
        (true, Value::Array(ids)) if ids.len() == 1 => ids.into_iter().next().unwrap_or_default(),
        (_, value) => value,
    })
}

fn bad_arg(name: &str, value: &Value) -> OdooError {
    OdooError::type_error(format!(
        "invalid value for argument '{name}': {value} (the Odoo test double expects Odoo's types)"
    ))
}

fn strings(name: &str, value: Option<&Value>) -> Result<Vec<String>, OdooError> {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad_arg(name, v))
            })
            .collect(),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(other) => Err(bad_arg(name, other)),
    }
}

fn count(name: &str, value: Option<&Value>) -> Result<Option<usize>, OdooError> {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(|n| usize::try_from(n).ok().filter(|n| *n > 0))
            .ok_or_else(|| bad_arg(name, &Value::Number(n.clone()))),
        Some(other) => Err(bad_arg(name, other)),
    }
}

fn text<'a>(name: &str, value: Option<&'a Value>) -> Result<Option<&'a str>, OdooError> {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(bad_arg(name, other)),
    }
}

fn object(name: &str, value: Option<&Value>) -> Result<Record, OdooError> {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(other) => Err(bad_arg(name, other)),
    }
}

fn access_op(operation: &str) -> Result<super::store::Op, OdooError> {
    Ok(match operation {
        "read" => super::store::Op::Read,
        "write" => super::store::Op::Write,
        "create" => super::store::Op::Create,
        "unlink" => super::store::Op::Unlink,
        other => {
            return Err(OdooError::value_error(format!(
                "Invalid access mode {other:?}"
            )));
        }
    })
}

fn domain_arg(value: Option<&Value>) -> Value {
    value.cloned().unwrap_or(Value::Array(Vec::new()))
}

/// Runs a bound call. The flag is true when `create` got one dict instead of a list.
fn run(
    store: &mut Store,
    model: &str,
    method: &str,
    ids: Vec<i64>,
    args: &Map<String, Value>,
    var_kw: &Map<String, Value>,
    env: &Env,
) -> Result<(Value, bool), OdooError> {
    let arg = |name: &str| args.get(name);
    let value = match method {
        "search_read" => {
            if let Some(name) = var_kw.keys().find(|k| k.as_str() != "load") {
                return Err(OdooError::type_error(format!(
                    "BaseModel._read_format() got an unexpected keyword argument '{name}'"
                )));
            }
            let fields = strings("fields", arg("fields"))?;
            let found = store.search(
                model,
                &domain_arg(arg("domain")),
                count("offset", arg("offset"))?.unwrap_or(0),
                count("limit", arg("limit"))?,
                text("order", arg("order"))?,
                env,
            )?;
            Value::Array(store.read(model, &found, &fields, env)?)
        }
        "search" => Value::from(store.search(
            model,
            &domain_arg(arg("domain")),
            count("offset", arg("offset"))?.unwrap_or(0),
            count("limit", arg("limit"))?,
            text("order", arg("order"))?,
            env,
        )?),
        "search_count" => {
            let found = store.search(
                model,
                &domain_arg(arg("domain")),
                0,
                count("limit", arg("limit"))?,
                None,
                env,
            )?;
            Value::from(found.len())
        }
        "read" => Value::Array(store.read(model, &ids, &strings("fields", arg("fields"))?, env)?),
        "create" => {
            let (list, single) = match arg("vals_list") {
                Some(Value::Object(one)) => (vec![one.clone()], true),
                Some(Value::Array(items)) => (
                    items
                        .iter()
                        .map(|v| object("vals_list", Some(v)))
                        .collect::<Result<_, _>>()?,
                    false,
                ),
                Some(other) => return Err(bad_arg("vals_list", other)),
                None => (Vec::new(), false),
            };
            return Ok((Value::from(store.create(model, &list, env)?), single));
        }
        "write" => {
            store.write(model, &ids, &object("vals", arg("vals"))?, env)?;
            Value::Bool(true)
        }
        "web_save_multi" => {
            let vals_list = match arg("vals_list") {
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|v| object("vals_list", Some(v)))
                    .collect::<Result<Vec<_>, _>>()?,
                Some(other) => return Err(bad_arg("vals_list", other)),
                None => Vec::new(),
            };
            let specification = object("specification", arg("specification"))?;
            store.web_save_multi(model, &ids, &vals_list, &specification, env)?
        }
        "unlink" => {
            store.unlink(model, &ids, env)?;
            Value::Bool(true)
        }
        "action_archive" | "action_unarchive" => {
            let mut vals = Map::new();
            vals.insert("active".into(), Value::Bool(method == "action_unarchive"));
            store.write(model, &ids, &vals, env)?;
            Value::Null
        }
        "copy" => Value::from(store.copy(model, &ids, &object("default", arg("default"))?, env)?),
        "fields_get" => store.fields_get(
            model,
            &strings("allfields", arg("allfields"))?,
            &strings("attributes", arg("attributes"))?,
            env,
        )?,
        "get_views" => store.get_views(model, arg("views"), env)?,
        "get_bindings" => {
            super::store::bindings(text("model_name", arg("model_name"))?.unwrap_or(""))
        }
        "get_external_id" => super::store::server_action_xml_ids(&ids),
        "name_search" => store.name_search(
            model,
            text("name", arg("name"))?.unwrap_or(""),
            &domain_arg(arg("domain")),
            text("operator", arg("operator"))?.unwrap_or("ilike"),
            Some(count("limit", arg("limit"))?.unwrap_or(100)),
            env,
        )?,
        "default_get" => {
            let wanted = strings("fields", arg("fields"))?;
            let mut defaults = store.defaults(model);
            defaults.extend(super::business::wizard_defaults(model, env));
            defaults.extend(store.context_defaults(model, env)?);
            Value::Object(
                defaults
                    .into_iter()
                    .filter(|(k, v)| wanted.contains(k) && !super::domain::is_empty(v))
                    .collect(),
            )
        }
        "onchange" => super::business::onchange(
            store,
            model,
            &object("values", arg("values"))?,
            &object("fields_spec", arg("fields_spec"))?,
            env,
        )?,
        "has_access" => {
            let op = access_op(text("operation", arg("operation"))?.unwrap_or("read"))?;
            Value::Bool(store.check_access(model, op, env).is_ok())
        }
        "check_access_rights" => {
            let op = access_op(text("operation", arg("operation"))?.unwrap_or("read"))?;
            match store.check_access(model, op, env) {
                Ok(()) => Value::Bool(true),
                Err(_) if arg("raise_exception") == Some(&Value::Bool(false)) => Value::Bool(false),
                Err(e) => return Err(e),
            }
        }
        "formatted_read_group" => {
            if arg("having").is_some_and(|h| !super::domain::is_empty(h)) {
                return Err(OdooError::value_error(
                    "the Odoo test double does not support `having`",
                ));
            }
            store.formatted_read_group(
                model,
                &domain_arg(arg("domain")),
                &strings("groupby", arg("groupby"))?,
                &strings("aggregates", arg("aggregates"))?,
                count("offset", arg("offset"))?.unwrap_or(0),
                count("limit", arg("limit"))?,
                text("order", arg("order"))?,
                env,
            )?
        }
        "read_group" => store.read_group(
            model,
            &domain_arg(arg("domain")),
            &strings("fields", arg("fields"))?,
            &strings("groupby", arg("groupby"))?,
            count("offset", arg("offset"))?.unwrap_or(0),
            count("limit", arg("limit"))?,
            text("orderby", arg("orderby"))?,
            arg("lazy") != Some(&Value::Bool(false)),
            env,
        )?,
        "message_post" => Value::from(store.message_post(model, &ids, var_kw, env)?),
        "execute_import" => super::imports::execute_import(store, &ids, args, env)?,
        "export_data" => super::imports::export_data(store, model, &ids, args, env)?,
        "context_get" => {
            let mut context = Map::new();
            context.insert("lang".into(), Value::String("en_US".into()));
            context.insert("tz".into(), Value::String("Europe/Brussels".into()));
            context.insert("uid".into(), Value::from(env.uid));
            Value::Object(context)
        }
        step if super::business::knows(model, step) => {
            super::business::run(store, model, step, &ids, env)?
        }
        _ => {
            return Err(OdooError::UnknownMethod {
                model: model.to_string(),
                method: method.to_string(),
            });
        }
    };
    Ok((value, false))
}
