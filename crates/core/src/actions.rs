//! A charm's actions (`actions.yaml`) and their parameters, as Juju reads and checks them
//! (juju/charm `actions.go`: `ReadActionsYaml`, `ActionSpec.ValidateParams`, `InsertDefaults`).
//!
//! Each action's parameters are a JSON schema: an object whose `properties` are the action's
//! `params`, with the action's other schema keys (`required`, `additionalProperties`) beside
//! them. Juju checks a run's parameters with gojsonschema and joins its errors as
//! `validation failed: CONTEXT : DESCRIPTION, given VALUE; ...` (gojsonschema's
//! `ResultError.String()`, the value as JSON); this module checks the subset of JSON Schema
//! charms use (type, properties, required, additionalProperties, enum, minimum, maximum,
//! minLength, maxLength, items) and words its errors as gojsonschema v1.0.0 does. As in Juju
//! 3.6, `additionalProperties` is true unless the action says otherwise.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

/// One action: its description and its parameters' schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionSpec {
    pub description: String,
    /// The JSON schema of the parameters (an object schema).
    pub schema: Map<String, Value>,
}

/// A charm's actions, by name.
pub type Actions = BTreeMap<String, ActionSpec>;

/// Why `actions.yaml` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ActionsError {
    #[error("reading {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("{path}: {error}")]
    Parse { path: String, error: String },
}

/// Juju's action name rule: lowercase letters and hyphens, starting and ending with a letter.
pub fn valid_action_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1].is_ascii_lowercase()
        && b.iter().all(|c| c.is_ascii_lowercase() || *c == b'-')
}

/// The actions of the charm in `dir` (none without an `actions.yaml`).
pub fn read(dir: &Path) -> Result<Actions, ActionsError> {
    let path = dir.join("actions.yaml");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Actions::new()),
        Err(error) => return Err(ActionsError::Read { path: path.display().to_string(), error }),
    };
    parse(&text).map_err(|error| ActionsError::Parse { path: path.display().to_string(), error })
}

/// Parses `actions.yaml` text as Juju's `ReadActionsYaml` builds each schema.
pub fn parse(text: &str) -> Result<Actions, String> {
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    let mut actions = Actions::new();
    let Some(entries) = doc.as_object() else {
        return if doc.is_null() { Ok(actions) } else { Err("actions.yaml is not a map".into()) };
    };
    for (name, body) in entries {
        if !valid_action_name(name) {
            return Err(format!("bad action name {name}"));
        }
        let body = match body {
            Value::Null => Map::new(),
            Value::Object(map) => map.clone(),
            _ => return Err(format!("action {name:?} is not a map")),
        };
        // juju/charm `ReadActionsYaml`'s checks of the keys it knows.
        for (key, value) in &body {
            let ok = match key.as_str() {
                "description" | "title" | "execution-group" => value.is_string(),
                "required" => value.is_array(),
                "parallel" => value.is_boolean(),
                "params" => value.is_object(),
                _ => true,
            };
            if !ok {
                return Err(match key.as_str() {
                    "params" => "params failed to parse as a map".into(),
                    "required" => format!("value for schema key {key:?} must be a YAML list"),
                    "parallel" => format!("value for schema key {key:?} must be a bool"),
                    _ => format!("value for schema key {key:?} must be a string"),
                });
            }
        }
        let description = body.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
        let mut schema = Map::new();
        schema.insert("type".into(), Value::String("object".into()));
        schema.insert("title".into(), Value::String(name.clone()));
        schema.insert("description".into(), Value::String(description.clone()));
        schema.insert("properties".into(), body.get("params").cloned().unwrap_or_else(|| Value::Object(Map::new())));
        for (key, value) in &body {
            if !matches!(key.as_str(), "description" | "params" | "parallel" | "execution-group") {
                schema.insert(key.clone(), value.clone());
            }
        }
        schema_valid(&Value::Object(schema.clone()))
            .map_err(|e| format!("invalid params schema for action schema {name}: {e}"))?;
        actions.insert(name.clone(), ActionSpec { description, schema });
    }
    Ok(actions)
}

/// gojsonschema's `NewSchema` checks of a draft-4 schema, for the keywords charms use, in its
/// words (`schema.go` `parseSchema`, `schemaType.go`, `locales.go`): the schema is a map, its
/// `type` a known type name (or a list of them), `title` and `description` strings,
/// `properties` a map of schemas, `additionalProperties` a bool or a schema, `items` a schema or
/// a list of them.
fn schema_valid(schema: &Value) -> Result<(), String> {
    const TYPES: [&str; 7] = ["array", "boolean", "integer", "number", "null", "object", "string"];
    let Some(m) = schema.as_object() else { return Err("schema must be of type object".into()) };
    for key in ["title", "description"] {
        if m.get(key).is_some_and(|v| !v.is_string()) {
            return Err(format!("{key} must be of type string"));
        }
    }
    match m.get("type") {
        Some(Value::String(t)) if !TYPES.contains(&t.as_str()) => return Err(format!("{t} is not a valid type")),
        None | Some(Value::String(_)) => {}
        Some(Value::Array(types)) => {
            let mut seen: Vec<&str> = Vec::new();
            for t in types {
                let Some(t) = t.as_str() else { return Err("type must be of type string/array of strings".into()) };
                if !TYPES.contains(&t) {
                    return Err(format!("{t} is not a valid type"));
                }
                if seen.contains(&t) {
                    return Err(format!("{t} type is duplicated"));
                }
                seen.push(t);
            }
        }
        Some(_) => return Err("type must be of type string/array of strings".into()),
    }
    match m.get("properties") {
        None => {}
        Some(Value::Object(properties)) => {
            for property in properties.values() {
                schema_valid(property)?;
            }
        }
        Some(_) => return Err("properties must be of type object".into()),
    }
    match m.get("additionalProperties") {
        None | Some(Value::Bool(_)) => {}
        Some(v @ Value::Object(_)) => schema_valid(v)?,
        Some(_) => return Err("additionalProperties must be of type boolean/schema".into()),
    }
    match m.get("items") {
        None => {}
        Some(v @ Value::Object(_)) => schema_valid(v)?,
        Some(Value::Array(items)) => {
            for item in items {
                if !item.is_object() {
                    return Err("items must be of type schema/array of schemas".into());
                }
                schema_valid(item)?;
            }
        }
        Some(_) => return Err("items must be of type schema/array of schemas".into()),
    }
    Ok(())
}

impl ActionSpec {
    /// `params` with the schema's defaults filled in where absent (Juju's `InsertDefaults`,
    /// top-level properties).
    pub fn with_defaults(&self, params: &Map<String, Value>) -> Map<String, Value> {
        let mut out = params.clone();
        if let Some(properties) = self.schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                if let Some(default) = property.get("default") {
                    out.entry(name.clone()).or_insert_with(|| default.clone());
                }
            }
        }
        out
    }

    /// Juju's `ValidateParams`: `validation failed: ...` with gojsonschema's words, or fine.
    pub fn validate(&self, params: &Map<String, Value>) -> Result<(), String> {
        let mut errors = Vec::new();
        check(&Value::Object(self.schema.clone()), &Value::Object(params.clone()), "(root)", &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("validation failed: {}", errors.join("; ")))
        }
    }
}

/// gojsonschema's name of a JSON value's type.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn matches_type(value: &Value, want: &str) -> bool {
    let got = type_name(value);
    got == want || (want == "number" && got == "integer")
}

/// The context of a property below `field`: `(root).a.b`.
fn child(field: &str, name: &str) -> String {
    format!("{field}.{name}")
}

/// One gojsonschema error: `CONTEXT : DESCRIPTION, given VALUE`.
fn error(field: &str, description: String, value: &Value) -> String {
    format!("{field} : {description}, given {value}")
}

/// Go's `%v` of a JSON number.
fn number_text(n: &Value) -> String {
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => n.to_string(),
    }
}

fn check(schema: &Value, value: &Value, field: &str, errors: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else { return };
    if let Some(kind) = schema.get("type") {
        let wanted: Vec<&str> = match kind {
            Value::String(s) => vec![s.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !wanted.is_empty() && !wanted.iter().any(|w| matches_type(value, w)) {
            let wanted = if wanted.len() == 1 { wanted[0].to_string() } else { format!("[{}]", wanted.join(",")) };
            errors.push(error(field, format!("must be of type {wanted}"), value));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            let listed: Vec<String> = options.iter().map(Value::to_string).collect();
            errors.push(error(field, format!("must match one of the enum values [{}]", listed.join(" ")), value));
        }
    }
    match value {
        Value::Number(_) => {
            if let Some(min) = schema.get("minimum").filter(|m| m.as_f64().is_some_and(|m| value.as_f64() < Some(m))) {
                errors.push(error(field, format!("must be greater than or equal to {}", number_text(min)), value));
            }
            if let Some(max) = schema.get("maximum").filter(|m| m.as_f64().is_some_and(|m| value.as_f64() > Some(m))) {
                errors.push(error(field, format!("must be lower than or equal to {}", number_text(max)), value));
            }
        }
        Value::String(s) => {
            let length = s.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64).filter(|m| length < *m) {
                errors.push(error(field, format!("string length must be greater or equal to {min}"), value));
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64).filter(|m| length > *m) {
                errors.push(error(field, format!("string length must be less or equal to {max}"), value));
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(item_schema, item, &format!("{field}.{i}"), errors);
                }
            }
        }
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for name in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(name) {
                        errors.push(error(
                            field,
                            format!("{} property is missing and required", Value::from(name)),
                            value,
                        ));
                    }
                }
            }
            if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
                for name in map.keys() {
                    if !properties.is_some_and(|p| p.contains_key(name)) {
                        errors.push(error(
                            field,
                            format!("additional property {} is not allowed", Value::from(name.as_str())),
                            value,
                        ));
                    }
                }
            }
            if let Some(properties) = properties {
                for (name, property) in properties {
                    if let Some(v) = map.get(name) {
                        check(property, v, &child(field, name), errors);
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const YAML: &str = r#"
set-password:
  description: Set the admin password (leader only).
  params:
    password:
      type: string
      minLength: 8
    rounds:
      type: integer
      default: 3
      minimum: 1
  required: [password]
  additionalProperties: false
get-password:
  description: Show the admin password.
snapshot:
"#;

    fn params(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn actions_yaml_becomes_one_schema_per_action() {
        let actions = parse(YAML).unwrap();
        assert_eq!(actions.keys().collect::<Vec<_>>(), ["get-password", "set-password", "snapshot"]);
        let set = &actions["set-password"];
        assert_eq!(set.description, "Set the admin password (leader only).");
        assert_eq!(set.schema["type"], "object");
        assert_eq!(set.schema["title"], "set-password");
        assert_eq!(set.schema["required"], json!(["password"]));
        assert_eq!(actions["snapshot"].schema["properties"], json!({}));
        assert!(parse("Bad_Name: {}").is_err());
        assert_eq!(parse("").unwrap().len(), 0);
    }

    #[test]
    fn parameters_are_checked_in_gojsonschemas_words_and_defaults_filled_in() {
        let actions = parse(YAML).unwrap();
        let set = &actions["set-password"];
        assert_eq!(set.validate(&params(json!({"password": "longenough"}))), Ok(()));
        assert_eq!(
            set.validate(&params(json!({}))),
            Err(r#"validation failed: (root) : "password" property is missing and required, given {}"#.into())
        );
        assert_eq!(
            set.validate(&params(json!({"password": 5}))),
            Err("validation failed: (root).password : must be of type string, given 5".into())
        );
        assert_eq!(
            set.validate(&params(json!({"password": "longenough", "colour": "red"}))),
            Err(r#"validation failed: (root) : additional property "colour" is not allowed, given {"colour":"red","password":"longenough"}"#.into())
        );
        assert_eq!(
            set.validate(&params(json!({"password": "short", "rounds": 0}))),
            Err(r#"validation failed: (root).password : string length must be greater or equal to 8, given "short"; (root).rounds : must be greater than or equal to 1, given 0"#.into())
        );
        // Without additionalProperties: false, anything else is allowed.
        assert_eq!(actions["get-password"].validate(&params(json!({"anything": 1}))), Ok(()));
        assert_eq!(set.with_defaults(&params(json!({"password": "x"}))), params(json!({"password": "x", "rounds": 3})));
        assert_eq!(set.with_defaults(&params(json!({"rounds": 9})))["rounds"], 9);
    }

    /// juju/charm `ReadActionsYaml` refuses these, in its words (gojsonschema's for a schema).
    #[test]
    fn actions_juju_refuses_are_refused_in_its_words() {
        for (text, want) in [
            ("Bad_Name:\n  description: x\n", "bad action name Bad_Name"),
            ("echo:\n  params: [1, 2]\n", "params failed to parse as a map"),
            ("echo:\n  description: [x]\n", "value for schema key \"description\" must be a string"),
            ("echo:\n  required: who\n", "value for schema key \"required\" must be a YAML list"),
            ("echo:\n  parallel: maybe\n", "value for schema key \"parallel\" must be a bool"),
            (
                "echo:\n  params:\n    n:\n      type: integerx\n",
                "invalid params schema for action schema echo: integerx is not a valid type",
            ),
            (
                "echo:\n  params:\n    n: 5\n",
                "invalid params schema for action schema echo: schema must be of type object",
            ),
            (
                "echo:\n  params:\n    n:\n      type: object\n      properties: [a]\n",
                "invalid params schema for action schema echo: properties must be of type object",
            ),
        ] {
            assert_eq!(parse(text).unwrap_err(), want, "{text}");
        }
        assert!(parse("echo:\n  params:\n    n:\n      type: [string, \"null\"]\n").is_ok());
    }
}
