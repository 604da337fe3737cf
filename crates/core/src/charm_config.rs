//! A charm's `config.yaml` and the application config built on it: the options with their
//! types and defaults, the values an operator set, and Juju's rules for setting them
//! (`ParseSettingsStrings` / `ParseSettingsYAML` in Juju's `charm/config.go`): an unknown key is
//! `unknown option "KEY"`, a value of the wrong type `option "KEY" expected TYPE, got VALUE`.
//!
//! Values are JSON, typed by the option: `int` an integer, `float` a number, `boolean` a bool,
//! `string` a string. Hooks see numbers as float64, as Juju's API delivers them
//! ([`for_hook`]); an option without a default and without a value is `null`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::gocompat::go_quote;

/// One option of a charm's config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigOption {
    /// `string`, `int`, `float`, `boolean` (or `secret`, taken as a string).
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The default, typed; `null` without one.
    #[serde(default)]
    pub default: Value,
}

/// A charm's options, by name.
pub type Options = BTreeMap<String, ConfigOption>;
/// Option values, by name.
pub type Values = BTreeMap<String, Value>;

/// A config change refused, in Juju's words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InvalidConfig {
    #[error("unknown option {}", go_quote(.0))]
    Unknown(String),
    #[error("option {} expected {kind}, got {got}", go_quote(.name))]
    WrongType { name: String, kind: String, got: String },
    /// A `--config-file` without the application's key.
    #[error("no settings found for {}", go_quote(.0))]
    NoSettings(String),
    #[error("cannot parse settings data: {0}")]
    Unparsable(String),
}

/// How Go's `%#v` shows a value in Juju's type error: strings quoted, the rest as written.
fn go_value(value: &Value) -> String {
    match value {
        Value::String(s) => go_quote(s),
        other => other.to_string(),
    }
}

/// Go's `strconv.ParseBool`.
fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The typed value of option `name` for `value`: a string is parsed by the option's type (as
/// `juju config KEY=VALUE` and a config file's strings are), anything else must be of the type
/// already (an integer also serves a `float`). Null stays null (back to the default).
pub fn check_value(options: &Options, name: &str, value: &Value) -> Result<Value, InvalidConfig> {
    let option = options.get(name).ok_or_else(|| InvalidConfig::Unknown(name.to_string()))?;
    let wrong = || InvalidConfig::WrongType { name: name.into(), kind: option.kind.clone(), got: go_value(value) };
    let float = |f: f64| serde_json::Number::from_f64(f).map(Value::Number);
    let typed = match (option.kind.as_str(), value) {
        (_, Value::Null) => Some(Value::Null),
        ("string" | "secret", Value::String(_)) => Some(value.clone()),
        ("int", Value::String(s)) => s.parse::<i64>().ok().map(Value::from),
        ("int", Value::Number(n)) => n.as_i64().map(Value::from),
        ("float", Value::String(s)) => s.parse::<f64>().ok().filter(|f| f.is_finite()).and_then(float),
        ("float", Value::Number(n)) => n.as_f64().and_then(float),
        ("boolean", Value::String(s)) => parse_bool(s).map(Value::Bool),
        ("boolean", Value::Bool(_)) => Some(value.clone()),
        _ => None,
    };
    typed.ok_or_else(wrong)
}

/// Every option with its value: the default, overlaid by the value set, if any.
pub fn effective(options: &Options, values: &Values) -> Values {
    options
        .iter()
        .map(|(name, option)| (name.clone(), values.get(name).cloned().unwrap_or_else(|| option.default.clone())))
        .collect()
}

/// Values as a hook reads them: every number as float64.
pub fn for_hook(values: Values) -> Values {
    values
        .into_iter()
        .map(|(name, value)| {
            let value = match value {
                Value::Number(n) => {
                    n.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
                }
                other => other,
            };
            (name, value)
        })
        .collect()
}

/// A `--config-file` in Juju's format: a YAML mapping of application names to option values;
/// `app`'s values, untyped (checked later with [`check_value`]).
pub fn file_values(text: &str, app: &str) -> Result<Values, InvalidConfig> {
    let all: BTreeMap<String, Option<BTreeMap<String, serde_yaml_ng::Value>>> =
        serde_yaml_ng::from_str(text).map_err(|e| InvalidConfig::Unparsable(e.to_string()))?;
    let values = all.get(app).ok_or_else(|| InvalidConfig::NoSettings(app.to_string()))?;
    values
        .iter()
        .flatten()
        .map(|(name, value)| {
            let json = serde_json::to_value(value).map_err(|e| InvalidConfig::Unparsable(e.to_string()))?;
            // Juju reads an empty string in a file as no value.
            let json = if json == Value::String(String::new()) { Value::Null } else { json };
            Ok((name.clone(), json))
        })
        .collect()
}

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
    #[serde(default)]
    description: Option<String>,
}

fn string_type() -> String {
    "string".into()
}

/// `config.yaml` could not be read or is not a valid charm config.
///
/// The cause is part of the message and not also `source()`: this error reaches the CLI's
/// `{:#}`, which would print the cause twice.
#[derive(Debug, thiserror::Error)]
#[error("cannot read charm config {path}: {cause}")]
pub struct ConfigError {
    path: String,
    cause: ConfigCause,
}

impl ConfigError {
    pub fn cause(&self) -> &ConfigCause {
        &self.cause
    }
}

/// What was wrong with `config.yaml`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigCause {
    /// In Go's words (`permission denied`), as Juju would say it.
    #[error("{}", crate::gocompat::go_error_text(.0))]
    Read(#[source] std::io::Error),
    #[error(transparent)]
    Invalid(#[from] ConfigYamlError),
}

/// Why a `config.yaml` text is not a charm config.
#[derive(Debug, thiserror::Error)]
pub enum ConfigYamlError {
    #[error(transparent)]
    Yaml(#[from] serde_yaml_ng::Error),
    #[error("option {name:?}: {source}")]
    BadDefault {
        name: String,
        #[source]
        source: DefaultError,
    },
}

/// Why an option's default is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DefaultError {
    #[error("unknown option type {0:?}")]
    UnknownType(String),
    #[error("default is not of type {0:?}")]
    WrongType(String),
}

/// Every option of the charm config at `path` with its default (`null` without one). A charm
/// without `config.yaml` has no options.
pub fn defaults(path: &Path) -> Result<BTreeMap<String, Value>, ConfigError> {
    let fail = |cause: ConfigCause| ConfigError { path: path.display().to_string(), cause };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(fail(ConfigCause::Read(e))),
    };
    parse(&text).map_err(|e| fail(e.into()))
}

/// The options of a `config.yaml` text, with their defaults as hooks read them (numbers as
/// float64).
pub fn parse(text: &str) -> Result<BTreeMap<String, Value>, ConfigYamlError> {
    let options = options(text)?;
    Ok(for_hook(options.into_iter().map(|(name, o)| (name, o.default)).collect()))
}

/// The options of a `config.yaml` text, typed.
pub fn options(text: &str) -> Result<Options, ConfigYamlError> {
    let config: Option<ConfigYaml> = serde_yaml_ng::from_str(text)?;
    let options = config.and_then(|c| c.options).unwrap_or_default();
    options
        .into_iter()
        .map(|(name, spec)| {
            let default = match spec.default {
                None | Some(serde_yaml_ng::Value::Null) => Value::Null,
                Some(default) => typed(&spec.kind, default)
                    .map_err(|source| ConfigYamlError::BadDefault { name: name.clone(), source })?,
            };
            let option = ConfigOption { kind: spec.kind, description: spec.description.unwrap_or_default(), default };
            Ok((name, option))
        })
        .collect()
}

/// The options of the charm config at `path` (none without the file).
pub fn read_options(path: &Path) -> Result<Options, ConfigError> {
    let fail = |cause: ConfigCause| ConfigError { path: path.display().to_string(), cause };
    match std::fs::read_to_string(path) {
        Ok(text) => options(&text).map_err(|e| fail(e.into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Options::new()),
        Err(e) => Err(fail(ConfigCause::Read(e))),
    }
}

/// A default of the option's type: `string` (and `secret`) a string, `int` an integer, `float`
/// a number, `boolean` a bool.
fn typed(kind: &str, default: serde_yaml_ng::Value) -> Result<Value, DefaultError> {
    use serde_yaml_ng::Value as Y;
    let number = |f: f64| serde_json::Number::from_f64(f).map(Value::Number);
    let value = match (kind, &default) {
        ("string" | "secret", Y::String(s)) => Some(Value::String(s.clone())),
        ("int", Y::Number(n)) => n.as_i64().map(Value::from),
        ("float", Y::Number(n)) => n.as_f64().and_then(number),
        ("boolean", Y::Bool(b)) => Some(Value::Bool(*b)),
        ("string" | "secret" | "int" | "float" | "boolean", _) => None,
        (other, _) => return Err(DefaultError::UnknownType(other.to_string())),
    };
    value.ok_or_else(|| DefaultError::WrongType(kind.to_string()))
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
        assert_eq!(
            parse("options:\n  n: {type: int, default: x}\n").unwrap_err().to_string(),
            "option \"n\": default is not of type \"int\""
        );
        assert_eq!(
            parse("options:\n  n: {type: list, default: x}\n").unwrap_err().to_string(),
            "option \"n\": unknown option type \"list\""
        );
        assert!(parse("options:\n  n: {type: list}\n").is_ok(), "no default, no check");
    }

    #[test]
    fn values_are_checked_with_jujus_rules_and_words() {
        let options = options(
            "options:\n  s: {type: string}\n  i: {type: int, default: 1}\n  f: {type: float}\n  \
             b: {type: boolean}\n",
        )
        .unwrap();
        let ok = |name: &str, value: Value| check_value(&options, name, &value).unwrap();
        let err = |name: &str, value: Value| check_value(&options, name, &value).unwrap_err().to_string();
        #[rustfmt::skip]
        let accepted = [
            ("s", json!("text"), json!("text")), ("i", json!("-42"), json!(-42)), ("i", json!("+7"), json!(7)),
            ("i", json!(5), json!(5)), ("f", json!("1e3"), json!(1000.0)), ("f", json!(2), json!(2.0)),
            ("b", json!("t"), json!(true)), ("b", json!("False"), json!(false)), ("b", json!(true), json!(true)),
            ("i", Value::Null, Value::Null),
        ];
        for (name, given, want) in accepted {
            assert_eq!(ok(name, given.clone()), want, "{name} = {given}");
        }
        assert_eq!(err("x", json!("1")), "unknown option \"x\"");
        assert_eq!(err("i", json!("1.5")), "option \"i\" expected int, got \"1.5\"");
        assert_eq!(err("i", json!(1.5)), "option \"i\" expected int, got 1.5");
        assert_eq!(err("b", json!("yes")), "option \"b\" expected boolean, got \"yes\"");
        assert_eq!(err("s", json!(3)), "option \"s\" expected string, got 3");
        assert_eq!(err("f", json!("inf")), "option \"f\" expected float, got \"inf\"");
        let effective = effective(&options, &[("s".to_string(), json!("set"))].into());
        assert_eq!(effective["s"], json!("set"));
        assert_eq!(effective["i"], json!(1));
        assert_eq!(for_hook(effective)["i"], json!(1.0));
    }

    #[test]
    fn a_config_file_in_jujus_format() {
        let text = "web:\n  title: x\n  port: 80\n  empty: \"\"\nother: {a: 1}\n";
        let values = file_values(text, "web").unwrap();
        assert_eq!(
            values,
            BTreeMap::from([
                ("empty".to_string(), Value::Null),
                ("port".to_string(), json!(80)),
                ("title".to_string(), json!("x")),
            ])
        );
        assert_eq!(file_values(text, "db").unwrap_err().to_string(), "no settings found for \"db\"");
        assert!(file_values("- a\n", "web").unwrap_err().to_string().starts_with("cannot parse settings data: "));
    }
}
