//! `juju model-config [<model-key>[=<value>] ...] [--reset key[,key]]` (juju/juju 3.6
//! `cmd/juju/model/config.go`): the model's config, every key Juju 3.6 shows by default with
//! its value and source (`default`, or `model` once set), one key's value, or keys set and
//! reset, through the model's controller. leaderd acts on `update-status-hook-interval`
//! (each unit's update-status timer follows it); the other keys are kept and shown.
//!
//! The JSON and YAML forms are Juju's `ConfigValues`: `{key: {"Value": v, "Source": s}}` (Go's
//! field names: the struct has no tags).

use std::collections::BTreeMap;
use std::ffi::OsString;

use clap::{Arg, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::format::{self, Format, Node, Tree, Value};
use leaderd_core::wire::controller::ModelConfigChangeRequest;
use serde_json::Value as Json;

use super::model::{self, Model};
use super::{view, JujuCommand, Outcome, Run, RunError};
use crate::local::config::Request;

pub(crate) const MODEL_CONFIG: JujuCommand =
    JujuCommand { name: "model-config", command, init: |m| Ok(Box::new(ModelConfig::init(m)?)) };

/// Keys that are the model's own and not set here (juju/juju `cmd/juju/model/config.go`,
/// `CantReset` and `setConfig`).
const AGENT_VERSION: &str = "agent-version";
const CHARMHUB_URL: &str = "charmhub-url";

fn command() -> Command {
    model::model_option(cmd::tool_command("juju model-config", "[<model-key>[=<value>] ...]"))
        .about("Displays or sets configuration values on a model.")
        .long_about(
            "\nTo view all configuration values for the current model, run\n    juju model-config\nYou can target a \
             specific model using the -m flag:\n    juju model-config -m <model>\n    juju model-config -m \
             <controller>:<model>\nBy default, the config will be printed in a tabular format. You can \
             instead\nprint it in json or yaml format using the --format flag:\n    juju model-config --format \
             json\n    juju model-config --format yaml\n\nTo view the value of a single config key, run\n    juju \
             model-config key\nTo set config values, run\n    juju model-config key1=val1 key2=val2 ...\nYou can \
             also reset config keys to their default values:\n    juju model-config --reset key1\n    juju \
             model-config --reset key1,key2,key3\nYou may simultaneously set some keys and reset others:\n    juju \
             model-config key1=val1 key2=val2 --reset key3,key4\n",
        )
        .after_long_help(
            "\nPrint the value of default-base:\n\n    juju model-config default-base\n\nSet the value of ftp-proxy \
             to 10.0.0.1:8000:\n\n    juju model-config ftp-proxy=10.0.0.1:8000\n\nReset the values of the provided \
             keys to model defaults:\n\n    juju model-config --reset default-base,test-mode\n",
        )
        .args(super::config::config_options())
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .default_value("tabular")
                .value_parser(["json", "tabular", "yaml"])
                .help("Specify output format (json|tabular|yaml)"),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("FILE")
                .default_value("")
                .value_parser(clap::builder::OsStringValueParser::new())
                .help("Specify an output file"),
        )
        .arg(cmd::bool_flag(
            "ignore-read-only-fields",
            "Ignore read only fields that might cause errors to be emitted while processing yaml documents",
        ))
}

struct ModelConfig {
    matches: ArgMatches,
    request: Request,
    file: Option<String>,
    format: String,
    output: Option<OsString>,
    ignore_read_only: bool,
}

impl ModelConfig {
    fn init(m: &ArgMatches) -> Result<ModelConfig, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let reset: Vec<String> = m.get_many::<String>("reset").map(|v| v.cloned().collect()).unwrap_or_default();
        // juju/juju `cmd/juju/config/config.go`, `parseResetKeys`.
        for key in reset.iter().flat_map(|r| r.trim_matches(',').split(',')) {
            if key == AGENT_VERSION || key == CHARMHUB_URL {
                return Err(UsageError(format!("{} cannot be reset", leaderd_core::gocompat::go_quote(key))));
            }
        }
        let file = m.get_one::<String>("file").cloned();
        let mut request = crate::local::config::request(&args, &reset).map_err(|e| UsageError(e.to_string()))?;
        if file.is_some() {
            request = match request {
                Request::Show => Request::Change { set: BTreeMap::new(), reset: Vec::new() },
                Request::Get(_) => {
                    return Err(UsageError("cannot use --file flag and get value simultaneously".into()))
                }
                change => change,
            };
        }
        Ok(ModelConfig {
            matches: m.clone(),
            request,
            file,
            format: m.get_one::<String>("format").cloned().unwrap_or_else(|| "tabular".into()),
            output: m.get_one::<OsString>("output").filter(|p| !p.is_empty()).cloned(),
            ignore_read_only: m.get_flag("ignore-read-only-fields"),
        })
    }
}

impl Run for ModelConfig {
    fn run(&self) -> Result<Outcome, RunError> {
        let model = Model::resolve(&self.matches)?;
        let (_, client) = view::operator(&model, None)?;
        let text = match &self.request {
            Request::Change { set, reset } => {
                let (change, warnings) = self.change(set, reset)?;
                view::ask(client.change_model_config(&change))?;
                return Ok(Outcome { stderr: warnings.into_bytes(), ..Default::default() });
            }
            Request::Get(key) => {
                let values = shown(&view::ask(client.model_config())?.values);
                let Some((value, source)) = values.get(key) else {
                    return Err(RunError(format!(
                        "{} is not a key of the currently targeted model: {}",
                        leaderd_core::gocompat::go_quote(key),
                        leaderd_core::gocompat::go_quote(&model.qualified())
                    )));
                };
                match self.format.as_str() {
                    "tabular" => format::render(Format::Smart, &plain(value)),
                    format => render(format, &BTreeMap::from([(key.clone(), (value.clone(), *source))])),
                }
            }
            Request::Show => {
                let values = shown(&view::ask(client.model_config())?.values);
                match self.format.as_str() {
                    "tabular" => tabular(&values),
                    format => render(format, &values),
                }
            }
        };
        match &self.output {
            None => Ok(Outcome { stdout: text.into_bytes(), ..Default::default() }),
            Some(path) => {
                jujuc::tools::write_output_file(path, text.as_bytes()).map_err(|e| RunError(e.to_string()))?;
                Ok(Outcome::default())
            }
        }
    }
}

impl ModelConfig {
    /// The change asked for (`--file`'s values, then the `KEY=VALUE`s over them), with Juju's
    /// warnings for keys the model config does not define (kept all the same, as Juju keeps
    /// them).
    fn change(
        &self,
        set: &BTreeMap<String, String>,
        reset: &[String],
    ) -> Result<(ModelConfigChangeRequest, String), RunError> {
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        if let Some(path) = &self.file {
            let text = if path == "-" {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| RunError(e.to_string()))?;
                text
            } else {
                std::fs::read_to_string(path).map_err(|e| RunError(jujuc::tools::go_error_text(&e)))?
            };
            let attrs: BTreeMap<String, serde_yaml_ng::Value> =
                serde_yaml_ng::from_str(&text).map_err(|e| RunError(format!("cannot parse {path}: {e}")))?;
            for (key, value) in attrs {
                // A file written by `model-config --format yaml` holds `{Value, Source}` pairs.
                let value = match value.get("value").or_else(|| value.get("Value")) {
                    Some(inner) => inner.clone(),
                    None => value,
                };
                let text = match value {
                    serde_yaml_ng::Value::String(s) => s,
                    serde_yaml_ng::Value::Null => String::new(),
                    other => serde_yaml_ng::to_string(&other).unwrap_or_default().trim_end().to_string(),
                };
                values.insert(key, text);
            }
        }
        values.extend(set.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut warnings = String::new();
        let defaults = leaderd_core::model_config::defaults();
        let mut change = ModelConfigChangeRequest { set: BTreeMap::new(), reset: Vec::new() };
        for (key, value) in values {
            if key == AGENT_VERSION || key == CHARMHUB_URL {
                if self.ignore_read_only {
                    continue;
                }
                let via = if key == AGENT_VERSION { "upgrade-model" } else { "add-model" };
                return Err(RunError(format!(
                    "{} must be set via {}",
                    leaderd_core::gocompat::go_quote(&key),
                    leaderd_core::gocompat::go_quote(via)
                )));
            }
            if !defaults.contains_key(key.as_str()) {
                warnings.push_str(&unknown_key_warning(&key));
            }
            change.set.insert(key, value);
        }
        for key in reset {
            if !defaults.contains_key(key.as_str()) {
                warnings.push_str(&unknown_key_warning(key));
            }
            change.reset.push(key.clone());
        }
        Ok((change, warnings))
    }
}

/// Each value checked as the controller checks it (`leaderd_core::model_config::parse_value`).
pub(crate) fn check(values: &BTreeMap<String, String>) -> Result<(), leaderd_core::model_config::InvalidModelConfig> {
    for (key, value) in values {
        leaderd_core::model_config::parse_value(key, value)?;
    }
    Ok(())
}

/// `juju add-model --config K=V`: the new model's config, set on its controller once its `up`
/// runs (checked as `model-config` checks a value).
pub(crate) fn set_at_creation(model: &Model, values: &BTreeMap<String, String>) -> anyhow::Result<()> {
    if values.is_empty() {
        return Ok(());
    }
    let (_, client) = view::operator(model, None).map_err(|e| anyhow::anyhow!("{e}"))?;
    let change = ModelConfigChangeRequest { set: values.clone(), reset: Vec::new() };
    view::ask(client.change_model_config(&change)).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// juju/juju `cmd/juju/model/config.go`, `verifyKnownKeys`.
fn unknown_key_warning(key: &str) -> String {
    format!(
        "WARNING key {} is not defined in the current model configuration: possible misspelling\n",
        leaderd_core::gocompat::go_quote(key)
    )
}

/// Every key with its value and source: Juju's defaults (`default`), the values set over them
/// (`model`), and the agent version (`model`, as Juju shows it).
pub(crate) fn shown(set: &BTreeMap<String, Json>) -> BTreeMap<String, (Json, &'static str)> {
    let mut out: BTreeMap<String, (Json, &'static str)> = leaderd_core::model_config::defaults()
        .into_iter()
        .map(|(key, value)| (key.to_string(), (value, "default")))
        .collect();
    out.insert(AGENT_VERSION.into(), (Json::String(leaderd_core::JUJU_VERSION.into()), "model"));
    for (key, value) in set {
        out.insert(key.clone(), (value.clone(), "model"));
    }
    out
}

/// A value as Juju's smart formatter prints it (`juju model-config KEY`).
fn plain(value: &Json) -> Value {
    match value {
        Json::Bool(b) => Value::Bool(*b),
        Json::String(s) => Value::Str(s.clone()),
        other => Value::Str(other.to_string()),
    }
}

/// `{key: {"Value": v, "Source": s}}` in `format` (`json` or `yaml`).
fn render(format: &str, values: &BTreeMap<String, (Json, &'static str)>) -> String {
    let tree: Tree = values
        .iter()
        .map(|(key, (value, source))| {
            let entry = Node::Struct(vec![
                ("Value".into(), super::config::node(value)),
                ("Source".into(), Node::Str(source.to_string())),
            ]);
            (key.clone(), entry)
        })
        .collect();
    let format = if format == "json" { Format::Json } else { Format::Yaml };
    format::render(format, &Value::Tree(tree))
}

/// The tabular form (`formatConfigTabular`): `Attribute  From  Value`, each value as YAML.
fn tabular(values: &BTreeMap<String, (Json, &'static str)>) -> String {
    let width = |f: &dyn Fn(&(String, &str, String)) -> usize, rows: &[(String, &str, String)]| {
        rows.iter().map(f).max().unwrap_or(0)
    };
    let mut rows: Vec<(String, &str, String)> = vec![("Attribute".into(), "From", "Value".into())];
    for (key, (value, source)) in values {
        let text =
            format::render(Format::Yaml, &Value::Tree(Tree::from([("v".to_string(), super::config::node(value))])));
        let text = text.strip_prefix("v: ").unwrap_or(&text).trim_end_matches('\n').to_string();
        rows.push((key.clone(), source, text));
    }
    let (w0, w1) = (width(&|r| r.0.chars().count(), &rows), width(&|r| r.1.len(), &rows));
    let mut out = String::new();
    for (key, source, value) in &rows {
        let line = format!("{key:<w0$}  {source:<w1$}  {value}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::tests_support::finished as juju;

    #[test]
    fn json_is_value_and_source_per_key() {
        let set = BTreeMap::from([("update-status-hook-interval".to_string(), Json::String("10s".into()))]);
        let json = render("json", &shown(&set));
        assert!(json.starts_with(r#"{"agent-metadata-url":{"Value":"","Source":"default"},"agent-stream":{"Value":"released","Source":"default"},"#), "{json}");
        assert!(json.contains(r#","agent-version":{"Value":"3.6.0","Source":"model"},"#), "{json}");
        assert!(json.contains(r#","automatically-retry-hooks":{"Value":true,"Source":"default"},"#), "{json}");
        assert!(json.contains(r#","net-bond-reconfigure-delay":{"Value":17,"Source":"default"},"#), "{json}");
        assert!(
            json.ends_with(",\"update-status-hook-interval\":{\"Value\":\"10s\",\"Source\":\"model\"}}\n"),
            "{json}"
        );
        let one = render(
            "json",
            &BTreeMap::from([("update-status-hook-interval".to_string(), (Json::String("5m".into()), "default"))]),
        );
        assert_eq!(one, "{\"update-status-hook-interval\":{\"Value\":\"5m\",\"Source\":\"default\"}}\n");
    }

    #[test]
    fn tabular_lists_attribute_source_and_value() {
        let set = BTreeMap::from([("logging-config".to_string(), Json::String("<root>=DEBUG".into()))]);
        let table = tabular(&shown(&set));
        assert!(table.starts_with("Attribute                                   From     Value\n"), "{table}");
        assert!(table.contains("\nagent-metadata-url                          default  \"\"\n"), "{table}");
        assert!(table.contains("\nautomatically-retry-hooks                   default  true\n"), "{table}");
        assert!(table.contains("\nlogging-config                              model    <root>=DEBUG\n"), "{table}");
    }

    #[test]
    fn unknown_keys_are_kept_with_jujus_warning_and_read_only_keys_refused() {
        let m = command().try_get_matches_from(["nope=1"]).unwrap();
        let config = ModelConfig::init(&m).unwrap();
        let set = BTreeMap::from([("nope".to_string(), "1".to_string())]);
        let (change, warnings) = config.change(&set, &[]).unwrap();
        assert_eq!(change.set, set);
        assert_eq!(
            warnings,
            "WARNING key \"nope\" is not defined in the current model configuration: possible misspelling\n"
        );
        let set = BTreeMap::from([("agent-version".to_string(), "3.7.0".to_string())]);
        assert_eq!(config.change(&set, &[]).unwrap_err().0, "\"agent-version\" must be set via \"upgrade-model\"");
        let f = juju(&["model-config", "--reset", "charmhub-url"]);
        assert_eq!(
            (String::from_utf8(f.stderr).unwrap().as_str(), f.code),
            ("ERROR \"charmhub-url\" cannot be reset\n", 2)
        );
        let f = juju(&["model-config", "a", "b"]);
        assert_eq!(
            (String::from_utf8(f.stderr).unwrap().as_str(), f.code),
            ("ERROR cannot specify multiple keys to get\n", 2)
        );
        let help = String::from_utf8(juju(&["model-config", "--help"]).stdout).unwrap();
        assert!(
            help.starts_with("Usage: juju model-config [options] [<model-key>[=<value>] ...]\n\nSummary:\nDisplays or sets configuration values on a model.\n"),
            "{help}"
        );
    }
}
