//! Juju's output formatters for hook tools: `smart`, `json` and `yaml` (juju/cmd `output.go`).
//! A tool produces a [`Value`]; the `--format` it was given turns it into bytes.

pub mod gofloat;
mod json;
pub mod resolve;
pub mod yaml;

use std::fmt;

pub use crate::gocompat::{go_quote, go_quote_bytes};
use crate::model::Settings;
pub use yaml::{Node, Tree};

/// What a tool hands to its formatter (the Go `interface{}` values the four tools print).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A missing key: smart and yaml print nothing at all, json prints `null`.
    Nil,
    Bool(bool),
    Str(String),
    Map(Settings),
    /// Nested maps (status-get's details, config-get's settings).
    Tree(Tree),
    /// A number, which Go holds as a float64 (a config-get value).
    Float(f64),
    /// A list of strings (relation-ids, relation-list): smart prints one per line and
    /// nothing for an empty list; yaml and json print `[]` for it.
    List(Vec<String>),
    /// A Go string that may not be valid UTF-8 (a secret's value): yaml writes one that is not
    /// as `!!binary` base64, json with `\ufffd` for each invalid byte.
    Bytes(Vec<u8>),
    /// A Go `[]interface{}` (an action parameter that is a list): yaml, and smart as yaml, print
    /// a block sequence (`[]` when empty); json an array.
    Seq(Vec<Node>),
    /// A Go struct at the root (network-get's and goal-state's displays): its fields in
    /// declaration order; smart prints it as yaml.
    Struct(Vec<(String, Node)>),
}

/// The `--format` choices. `smart` is the default for every hook tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Smart,
    Json,
    Yaml,
}

impl Format {
    /// The names in the order Juju lists them in help text.
    pub const NAMES: [&'static str; 3] = ["json", "smart", "yaml"];

    /// Parses a `--format` value; the error text is Juju's.
    pub fn parse(name: &str) -> Result<Format, UnknownFormat> {
        match name {
            "smart" => Ok(Format::Smart),
            "json" => Ok(Format::Json),
            "yaml" => Ok(Format::Yaml),
            other => Err(UnknownFormat(other.to_string())),
        }
    }
}

/// A `--format` value that is not a format (the value as given).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {}", go_quote(.0))]
pub struct UnknownFormat(pub String);

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Smart => "smart",
            Format::Json => "json",
            Format::Yaml => "yaml",
        })
    }
}

/// Formats `value` exactly as Juju 3.x would write it to stdout or to `-o FILE`.
pub fn render(format: Format, value: &Value) -> String {
    match (format, value) {
        (Format::Json, Value::Nil) => "null\n".into(),
        (Format::Json, Value::Bool(b)) => format!("{b}\n"),
        (Format::Json, Value::Str(s)) => json::string(s) + "\n",
        (Format::Json, Value::Map(m)) => json::map(m) + "\n",
        (Format::Json, Value::Tree(t)) => json::tree(t) + "\n",
        (Format::Json, Value::Float(f)) => gofloat::json(*f) + "\n",
        (Format::Json, Value::Bytes(b)) => json::bytes(b) + "\n",
        (Format::Json, Value::Seq(items)) => json::node(&Node::List(items.clone())) + "\n",
        (_, Value::Seq(items)) => yaml::seq_document(items) + "\n",
        (Format::Json, Value::Struct(fields)) => json::node(&Node::Struct(fields.clone())) + "\n",
        (_, Value::Struct(fields)) => yaml::struct_document(fields) + "\n",
        (Format::Smart, Value::Bytes(b)) if b.is_empty() => String::new(),
        (Format::Smart, Value::Bytes(b)) => format!("{}\n", String::from_utf8_lossy(b)),
        (_, Value::Bytes(b)) => yaml::bytes_document(b) + "\n",
        (Format::Json, Value::List(l)) => {
            format!("[{}]\n", l.iter().map(|s| json::string(s)).collect::<Vec<_>>().join(","))
        }
        (_, Value::List(l)) if l.is_empty() && format == Format::Smart => String::new(),
        (_, Value::List(l)) if l.is_empty() => "[]\n".into(),
        (Format::Smart, Value::List(l)) => l.iter().map(|s| format!("{s}\n")).collect(),
        (_, Value::List(l)) => l.iter().map(|s| format!("- {}\n", yaml::string_document(s))).collect(),
        (_, Value::Float(f)) => gofloat::yaml(*f) + "\n",
        (_, Value::Nil) => String::new(),
        (Format::Smart, Value::Bool(true)) => "True\n".into(),
        (Format::Smart, Value::Bool(false)) => "False\n".into(),
        (Format::Smart, Value::Str(s)) if s.is_empty() => String::new(),
        (Format::Smart, Value::Str(s)) => format!("{s}\n"),
        (_, Value::Bool(b)) => yaml::bool_document(*b) + "\n",
        (_, Value::Str(s)) => yaml::string_document(s) + "\n",
        (_, Value::Map(m)) => yaml::map_document(m.iter().map(|(k, v)| (k.as_str(), v.as_str()))) + "\n",
        (_, Value::Tree(t)) => yaml::tree_document(t) + "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_prints_raw_strings_and_nothing_for_nil() {
        assert_eq!(render(Format::Smart, &Value::Str("a: b".into())), "a: b\n");
        assert_eq!(render(Format::Smart, &Value::Str(String::new())), "");
        assert_eq!(render(Format::Smart, &Value::Nil), "");
        assert_eq!(render(Format::Yaml, &Value::Nil), "");
        assert_eq!(render(Format::Json, &Value::Nil), "null\n");
        assert_eq!(render(Format::Yaml, &Value::Str("a: b".into())), "'a: b'\n");
    }

    #[test]
    fn nested_maps_indent_by_two_with_empty_maps_in_flow_style() {
        let s = |v: &str| Node::Str(v.into());
        let unit: Tree = [
            ("message".into(), s("ready")),
            ("status".into(), s("active")),
            ("status-data".into(), Node::Map(Tree::new())),
        ]
        .into();
        let units: Tree = [("app/10".into(), Node::Map(unit.clone())), ("app/2".into(), Node::Map(unit))].into();
        let app: Tree =
            [("message".into(), s("")), ("status".into(), s("active")), ("units".into(), Node::Map(units))].into();
        let tree = Value::Tree([("application-status".into(), Node::Map(app))].into());
        assert_eq!(
            render(Format::Yaml, &tree),
            "application-status:\n  message: \"\"\n  status: active\n  units:\n    app/2:\n      message: ready\n      \
             status: active\n      status-data: {}\n    app/10:\n      message: ready\n      status: active\n      \
             status-data: {}\n"
        );
        assert_eq!(render(Format::Smart, &tree), render(Format::Yaml, &tree));
        assert_eq!(
            render(Format::Json, &tree),
            "{\"application-status\":{\"message\":\"\",\"status\":\"active\",\"units\":{\"app/10\":{\"message\":\"ready\",\
             \"status\":\"active\",\"status-data\":{}},\"app/2\":{\"message\":\"ready\",\"status\":\"active\",\
             \"status-data\":{}}}}}\n"
        );
        assert_eq!(render(Format::Yaml, &Value::Tree(Tree::new())), "{}\n");
        let config: Tree = [
            ("big".into(), Node::Float(1e6)),
            ("empty".into(), Node::Null),
            ("flag".into(), Node::Bool(false)),
            ("ratio".into(), Node::Float(0.5)),
            ("title".into(), Node::Str("true".into())),
        ]
        .into();
        assert_eq!(
            render(Format::Smart, &Value::Tree(config.clone())),
            "big: 1e+06\nempty: null\nflag: false\nratio: 0.5\ntitle: \"true\"\n"
        );
        assert_eq!(
            render(Format::Json, &Value::Tree(config)),
            "{\"big\":1000000,\"empty\":null,\"flag\":false,\"ratio\":0.5,\"title\":\"true\"}\n"
        );
        assert_eq!(render(Format::Smart, &Value::Float(1e6)), "1e+06\n");
    }

    #[test]
    fn lists_of_any_values_are_block_sequences_with_nested_sequences_indented() {
        let list = vec![
            Node::Float(1.0),
            Node::Str("y".into()),
            Node::Map([("x".into(), Node::Str("y".into())), ("z".into(), Node::List(vec![]))].into()),
            Node::List(vec![Node::Float(3.0), Node::List(vec![Node::Str("deep".into())])]),
            Node::Null,
        ];
        let seq = Value::Seq(list.clone());
        let yaml = "- 1\n- \"y\"\n- x: \"y\"\n  z: []\n- - 3\n  - - deep\n- null\n";
        assert_eq!(render(Format::Yaml, &seq), yaml);
        assert_eq!(render(Format::Smart, &seq), yaml);
        assert_eq!(render(Format::Json, &seq), "[1,\"y\",{\"x\":\"y\",\"z\":[]},[3,[\"deep\"]],null]\n");
        assert_eq!(render(Format::Smart, &Value::Seq(vec![])), "[]\n");
        assert_eq!(render(Format::Json, &Value::Seq(vec![])), "[]\n");
        let tree = Value::Tree([("l".into(), Node::List(list))].into());
        assert_eq!(render(Format::Yaml, &tree), "l:\n- 1\n- \"y\"\n- x: \"y\"\n  z: []\n- - 3\n  - - deep\n- null\n");
        assert_eq!(render(Format::Json, &Value::Float(1e6)), "1000000\n");
    }
}
