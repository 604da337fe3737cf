//! `juju config <application name> [--reset <key[,key]>] [<attribute-key>][=<value>] ...]`
//! (juju/juju 3.6 `cmd/juju/application/config.go`, server side
//! `apiserver/facades/client/application/get.go`): an application's charm config and its
//! application config (`trust`), shown, one value got, or values set and reset, all or
//! nothing, through the model's controller.
//!
//! The argument rules are leaderd's `config`'s (`crate::local::config::request`, Juju's
//! `ConfigCommandBase.Init`), except that `KEY=` sets the empty string, as Juju's does (an int
//! or boolean option then refuses it); only `--reset` resets.

use std::collections::BTreeMap;
use std::ffi::OsString;

use clap::{Arg, ArgAction, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::format::{self, Format, Node, Tree, Value};
use leaderd_core::wire::controller::{AppConfig, ConfigChangeRequest};
use serde_json::Value as Json;

use super::model::{self, Model};
use super::{view, JujuCommand, Outcome, Run, RunError};
use crate::local::config::Request;

pub(crate) const CONFIG: JujuCommand =
    JujuCommand { name: "config", command, init: |m| Ok(Box::new(Config::init(m)?)) };

/// Application config `trust` (juju/juju `apiserver/facades/client/application/trust.go`).
pub(crate) const TRUST: &str = "trust";
const TRUST_DESCRIPTION: &str = "Does this application have access to trusted credentials";

/// The options `juju config` and `juju model-config` share (juju/juju `cmd/juju/config`'s
/// `ConfigCommandBase.SetFlags`): `--file`, `--color`, `--no-color`, `--reset`.
pub(crate) fn config_options() -> [Arg; 4] {
    [
        Arg::new("file").long("file").value_name("FILE").help("path to yaml-formatted configuration file"),
        cmd::bool_flag("color", "Use ANSI color codes in output"),
        cmd::bool_flag("no-color", "Disable ANSI color codes in tabular output"),
        Arg::new("reset")
            .long("reset")
            .value_name("KEYS")
            .action(ArgAction::Append)
            .help("Reset the provided comma delimited keys"),
    ]
}

fn command() -> Command {
    model::model_option(cmd::tool_command(
        "juju config",
        "<application name> [--reset <key[,key]>] [<attribute-key>][=<value>] ...]",
    ))
    .about("Gets, sets, or resets configuration for a deployed application.")
    .long_about(
        "\nTo view all configuration values for an application:\n\n    juju config <app>\n\nBy default, the config \
         will be printed in yaml format. You can instead print it\nin json format using the --format flag:\n\n    \
         juju config <app> --format json\n\nTo view the value of a single config key, run\n\n    juju config <app> \
         key\n\nTo set config values, run\n\n    juju config <app> key1=val1 key2=val2 ...\n\nThis sets \"key1\" to \
         \"val1\", etc. Using the @ directive, you can set a config\nkey's value to the contents of a file:\n\n    \
         juju config <app> key=@/tmp/configvalue\n\nYou can also reset config keys to their default values:\n\n    \
         juju config <app> --reset key1\n    juju config <app> --reset key1,key2,key3\n\nConfig values can be \
         imported from a yaml file using the --file flag:\n\n    juju config <app> --file=path/to/cfg.yaml\n",
    )
    .after_long_help(
        "\nTo view all configuration values for an application, run\n\n    juju config mysql --format json\n\nTo \
         set a configuration value for an application, run\n\n    juju config mysql foo=bar\n\nTo set some keys \
         and reset others:\n\n    juju config mysql key1=val1 key2=val2 --reset key3,key4\n",
    )
    .args(config_options())
    .arg(
        Arg::new("format")
            .long("format")
            .value_name("FORMAT")
            .default_value("yaml")
            .value_parser(["json", "yaml"])
            .help("Specify output format (json|yaml)"),
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
}

struct Config {
    matches: ArgMatches,
    app: String,
    request: Request,
    file: Option<String>,
    json: bool,
    output: Option<OsString>,
}

impl Config {
    fn init(m: &ArgMatches) -> Result<Config, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        // juju/juju `cmd/juju/application/config.go`, `Init`.
        let Some((app, rest)) = args.split_first().filter(|(app, _)| !app.contains('=')) else {
            return Err(UsageError("no application name specified".into()));
        };
        let reset: Vec<String> = m.get_many::<String>("reset").map(|v| v.cloned().collect()).unwrap_or_default();
        let file = m.get_one::<String>("file").cloned();
        let mut request = crate::local::config::request(rest, &reset).map_err(|e| UsageError(e.to_string()))?;
        if file.is_some() {
            request = match request {
                Request::Show => Request::Change { set: BTreeMap::new(), reset: Vec::new() },
                Request::Get(_) => {
                    return Err(UsageError("cannot use --file flag and get value simultaneously".into()))
                }
                change => change,
            };
        }
        Ok(Config {
            matches: m.clone(),
            app: app.clone(),
            request,
            file,
            json: m.get_one::<String>("format").is_some_and(|f| f == "json"),
            output: m.get_one::<OsString>("output").filter(|p| !p.is_empty()).cloned(),
        })
    }
}

impl Run for Config {
    fn run(&self) -> Result<Outcome, RunError> {
        leaderd_core::names::check_application(&self.app)
            .map_err(|_| RunError(format!("application {} not found", leaderd_core::gocompat::go_quote(&self.app))))?;
        let model = Model::resolve(&self.matches)?;
        let (up, client) = view::application(&model, &self.app)?;
        let text = match &self.request {
            Request::Change { set, reset } => {
                let change = self.change(set, reset)?;
                view::ask(client.change_config(&change))?;
                return Ok(Outcome::default());
            }
            Request::Get(key) => get(&self.app, &view::ask(client.config())?, key)?,
            Request::Show => {
                let config = view::ask(client.config())?;
                let charm_path = config.charm.as_ref().map(|c| c.path.clone());
                let revision = config.charm.as_ref().map_or(0, |c| c.revision);
                let (charm, _) = view::charm_of(&up, &self.app, revision, charm_path.as_deref());
                let shown = Value::Tree(shown(&self.app, &charm, &config));
                format::render(if self.json { Format::Json } else { Format::Yaml }, &shown)
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

impl Config {
    /// The change the arguments ask for: `--file`'s values, then the `KEY=VALUE`s over them
    /// (`KEY=@FILE` is the file's content), `trust` to the application config.
    fn change(&self, set: &BTreeMap<String, String>, reset: &[String]) -> Result<ConfigChangeRequest, RunError> {
        let mut values: BTreeMap<String, Json> = BTreeMap::new();
        if let Some(path) = &self.file {
            let text = if path == "-" {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| RunError(e.to_string()))?;
                text
            } else {
                std::fs::read_to_string(path).map_err(|e| RunError(jujuc::tools::go_error_text(&e)))?
            };
            values.extend(
                leaderd_core::charm_config::file_values(&text, &self.app).map_err(|e| RunError(e.to_string()))?,
            );
        }
        for (key, value) in set {
            let value = match value.strip_prefix('@') {
                Some(path) => std::fs::read_to_string(path)
                    .map_err(|e| RunError(format!("open {path}: {}", jujuc::tools::go_error_text(&e))))?,
                None => value.clone(),
            };
            values.insert(key.clone(), Json::String(value));
        }
        let mut change = ConfigChangeRequest::default();
        if let Some(trust) = values.remove(TRUST) {
            change.trust = Some(match &trust {
                Json::Bool(b) => *b,
                Json::String(s) => leaderd_core::gocompat::go_parse_bool(s).ok_or_else(|| {
                    RunError(format!("option \"trust\" expected bool, got {}", leaderd_core::gocompat::go_quote(s)))
                })?,
                other => return Err(RunError(format!("option \"trust\" expected bool, got {other}"))),
            });
        }
        change.set = values;
        for key in reset {
            if key == TRUST {
                change.trust = Some(false);
            } else {
                change.reset.push(key.clone());
            }
        }
        Ok(change)
    }
}

/// A config value as Juju's API hands it on (JSON numbers as they are, typed by the option).
pub(crate) fn node(value: &Json) -> Node {
    match value {
        Json::Null => Node::Null,
        Json::Bool(b) => Node::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Node::Int(i),
            None => Node::Float(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Node::Str(s.clone()),
        Json::Array(items) => Node::List(items.iter().map(node).collect()),
        Json::Object(map) => Node::Map(map.iter().map(|(k, v)| (k.clone(), node(v))).collect()),
    }
}

/// One option as Juju's `describe` shows it (`get.go`): `description`, `type` and `source`
/// always; `default` when the option has one; `value` when set to other than the default
/// (`source: user`), else the default's (`source: default`); none for an option with neither
/// (`source: unset`).
fn describe(kind: &str, description: &str, default: &Json, set: Option<&Json>) -> Node {
    let mut info = Tree::new();
    info.insert("description".into(), Node::Str(description.to_string()));
    info.insert("type".into(), Node::Str(kind.to_string()));
    info.insert("source".into(), Node::Str("unset".into()));
    let set = set.filter(|v| !v.is_null() && *v != default);
    if let Some(value) = set {
        info.insert("value".into(), node(value));
        info.insert("source".into(), Node::Str("user".into()));
    }
    if !default.is_null() {
        info.insert("default".into(), node(default));
        if set.is_none() {
            info.insert("value".into(), node(default));
            info.insert("source".into(), Node::Str("default".into()));
        }
    }
    Node::Map(info)
}

/// `juju config APP`: `application`, `application-config` (`trust`), `charm`, `settings`.
pub(crate) fn shown(app: &str, charm: &str, config: &AppConfig) -> Tree {
    let settings: Tree = config
        .options
        .iter()
        .map(|(name, option)| {
            (name.clone(), describe(&option.kind, &option.description, &option.default, config.values.get(name)))
        })
        .collect();
    let trust = describe("bool", TRUST_DESCRIPTION, &Json::Bool(false), Some(&Json::Bool(config.trust)));
    Tree::from([
        ("application".to_string(), Node::Str(app.to_string())),
        ("application-config".into(), Node::Map(Tree::from([(TRUST.to_string(), trust)]))),
        ("charm".into(), Node::Str(charm.to_string())),
        ("settings".into(), Node::Map(settings)),
    ])
}

/// `juju config APP KEY`: the value as Go's `fmt.Println` prints it (nothing for none), from
/// the charm settings, else the application config; the format is ignored, as Juju's is.
fn get(app: &str, config: &AppConfig, key: &str) -> Result<String, RunError> {
    let value = if key == TRUST {
        Json::Bool(config.trust)
    } else {
        let effective = leaderd_core::charm_config::effective(&config.options, &config.values);
        effective.get(key).cloned().ok_or_else(|| {
            RunError(format!(
                "key {} not found in {} application config or charm settings.",
                leaderd_core::gocompat::go_quote(key),
                leaderd_core::gocompat::go_quote(app)
            ))
        })?
    };
    Ok(match value {
        Json::Null => "\n".into(),
        Json::String(s) => format!("{s}\n"),
        Json::Number(n) => match n.as_i64() {
            Some(i) => format!("{i}\n"),
            None => format!("{}\n", format::gofloat::format_g(n.as_f64().unwrap_or(0.0))),
        },
        other => format!("{other}\n"),
    })
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
