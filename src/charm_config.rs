//! A charm's `config.yaml`: its options and their defaults, as config-get sees them while no
//! operator has set a value. Values are JSON: numbers (of `int` and `float` options) become
//! float64, as Juju's API delivers them to the hook; an option without a default is `null`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
struct ConfigYaml {
    #[serde(default)]
    options: Option<BTreeMap<String, OptionSpec>>,
}

#[derive(Debug, Deserialize)]
struct OptionSpec {
    #[serde(rename = "type", default = "string_type")]
    kind: String,
    #[serde(default)]
    default: Option<serde_yaml_ng::Value>,
}

fn string_type() -> String {
    "string".into()
}

/// `config.yaml` could not be read or is not a valid charm config.
#[derive(Debug, thiserror::Error)]
#[error("cannot read charm config {path}: {reason}")]
pub struct ConfigError {
    path: String,
    reason: String,
}

/// Every option of the charm config at `path` with its default (`null` without one). A charm
/// without `config.yaml` has no options.
pub fn defaults(path: &Path) -> Result<BTreeMap<String, Value>, ConfigError> {
    let fail = |reason: String| ConfigError { path: path.display().to_string(), reason };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(fail(crate::gocompat::go_error_text(&e))),
    };
    parse(&text).map_err(fail)
}

/// The options of a `config.yaml` text, with their defaults.
pub fn parse(text: &str) -> Result<BTreeMap<String, Value>, String> {
    let config: Option<ConfigYaml> = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    let options = config.and_then(|c| c.options).unwrap_or_default();
    options
        .into_iter()
        .map(|(name, spec)| {
            let value = match spec.default {
                None | Some(serde_yaml_ng::Value::Null) => Value::Null,
                Some(default) => typed(&spec.kind, default).map_err(|e| format!("option {name:?}: {e}"))?,
            };
            Ok((name, value))
        })
        .collect()
}

/// A default of the option's type: `string` (and `secret`) a string, `int` an integer, `float`
/// a number, `boolean` a bool; numbers as float64.
fn typed(kind: &str, default: serde_yaml_ng::Value) -> Result<Value, String> {
    use serde_yaml_ng::Value as Y;
    let number = |f: f64| serde_json::Number::from_f64(f).map(Value::Number);
    let value = match (kind, &default) {
        ("string" | "secret", Y::String(s)) => Some(Value::String(s.clone())),
        ("int", Y::Number(n)) if n.is_i64() || n.is_u64() => n.as_f64().and_then(number),
        ("float", Y::Number(n)) => n.as_f64().and_then(number),
        ("boolean", Y::Bool(b)) => Some(Value::Bool(*b)),
        ("string" | "secret" | "int" | "float" | "boolean", _) => None,
        (other, _) => return Err(format!("unknown option type {other:?}")),
    };
    value.ok_or_else(|| format!("default is not of type {kind:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_by_type_numbers_as_floats_and_missing_defaults_as_null() {
        let text = "options:\n  title: {type: string, default: My Title}\n  n: {type: int, default: 1000000}\n  \
                    r: {type: float, default: 0.5}\n  on: {type: boolean, default: false}\n  empty: {type: string}\n";
        let got = parse(text).unwrap();
        assert_eq!(
            got,
            BTreeMap::from([
                ("empty".to_string(), Value::Null),
                ("n".to_string(), json!(1000000.0)),
                ("on".to_string(), json!(false)),
                ("r".to_string(), json!(0.5)),
                ("title".to_string(), json!("My Title")),
            ])
        );
        assert!(got["n"].is_f64());
        assert_eq!(parse("").unwrap(), BTreeMap::new());
        assert_eq!(parse("options: {}\n").unwrap(), BTreeMap::new());
        assert!(parse("options:\n  n: {type: int, default: x}\n").unwrap_err().contains("\"n\""));
        assert!(parse("options:\n  n: {type: list}\n").is_ok(), "no default, no check");
    }
}
