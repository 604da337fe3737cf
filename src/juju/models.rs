//! `juju models [--format tabular|json|yaml] [-o FILE]` (juju/juju 3.6.0
//! `cmd/juju/controller/listmodels.go`): every model of leaderd's controller, with the current
//! one.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::format::{self, Format, Node, Value};

use super::model::{self, Model, CONTROLLER};
use super::show_model::{format_args, info, output};
use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const MODELS: JujuCommand =
    JujuCommand { name: "models", command, init: |m| Ok(Box::new(Models::init(m)?)) };

fn command() -> Command {
    let command = cmd::tool_command("juju models", "")
        .about("Lists models a user can access on a controller.")
        .long_about(
            "\nThe models listed here are either models you have created yourself, or\n\
             models which have been shared with you. Default values for user and\n\
             controller are, respectively, the current user and the current controller.\n\
             The active model is denoted by an asterisk.\n",
        )
        .after_long_help("\n    juju models\n    juju models --format json\n")
        .arg(cmd::bool_flag("all", "Lists all models, regardless of user accessibility (administrative users only)"))
        .arg(
            clap::Arg::new("controller")
                .short('c')
                .long("controller")
                .action(clap::ArgAction::Set)
                .value_name("VALUE")
                .help("Controller to operate in"),
        )
        .arg(cmd::bool_flag("exact-time", "Use full timestamps"))
        .arg(
            clap::Arg::new("user")
                .long("user")
                .action(clap::ArgAction::Set)
                .value_name("VALUE")
                .help("The user to list models for (administrative users only)"),
        )
        .arg(cmd::bool_flag("uuid", "Display UUID for models"));
    format_args(command, "tabular", &["json", "tabular", "yaml"])
}

struct Models {
    format: String,
    output: Option<std::ffi::OsString>,
    controller: Option<String>,
    uuid: bool,
}

impl Models {
    fn init(m: &ArgMatches) -> Result<Models, UsageError> {
        let extra = cmd::positionals(m);
        if !extra.is_empty() {
            return Err(cmd::unrecognized(&extra));
        }
        Ok(Models {
            format: m.get_one::<String>("format").cloned().unwrap_or_else(|| "tabular".into()),
            output: m.get_one::<std::ffi::OsString>("output").cloned(),
            controller: m.get_one::<String>("controller").cloned(),
            uuid: m.get_flag("uuid"),
        })
    }
}

impl Run for Models {
    fn run(&self) -> Result<Outcome, RunError> {
        if let Some(controller) = self.controller.as_deref().filter(|c| *c != CONTROLLER) {
            return Err(RunError(format!("controller {controller} not found")));
        }
        let current = model::current().filter(|name| Model::existing(name).is_ok());
        let mut infos = Vec::new();
        for name in model::all() {
            // A model destroyed meanwhile is left out.
            if let Ok(node) = info(&Model::named(&name)) {
                infos.push((name, node));
            }
        }
        if infos.is_empty() && self.format == "tabular" {
            // listmodels.go: the table, then how to get a model (register.go's noModelsMessage).
            let table = tabular(&infos, current.as_deref(), self.uuid).into_bytes();
            let mut outcome = output(self.output.as_ref(), table)?;
            outcome.stderr = NO_MODELS.as_bytes().to_vec();
            return Ok(outcome);
        }
        let bytes = match self.format.as_str() {
            "tabular" => tabular(&infos, current.as_deref(), self.uuid).into_bytes(),
            format => {
                let summaries = infos.iter().map(|(_, node)| summary(node)).collect();
                let mut fields = vec![("models".to_string(), Node::List(summaries))];
                if let Some(current) = current {
                    fields.push(("current-model".into(), Node::Str(current)));
                }
                let format = Format::parse(format).unwrap_or(Format::Json);
                format::render(format, &Value::Struct(fields)).into_bytes()
            }
        };
        output(self.output.as_ref(), bytes)
    }
}

/// juju/juju `cmd/juju/controller/register.go`, `noModelsMessage`, as `Fprintln` writes it.
const NO_MODELS: &str =
    "\nThere are no models available. You can add models with\n\"juju add-model\", or you can ask an \
                         administrator or owner\nof a model to grant access to that model with \"juju grant\".\n\n";

/// One model as `juju models` lists it: listmodels.go's `ModelSummary` (the fields of
/// show-model's `ModelInfo` it shares, then the user's access and last connection).
fn summary(info: &Node) -> Node {
    let Node::Struct(fields) = info else { return info.clone() };
    let field = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let mut out = Vec::new();
    for key in [
        "name",
        "short-name",
        "model-uuid",
        "model-type",
        "controller-uuid",
        "controller-name",
        "is-controller",
        "owner",
        "cloud",
        "region",
        "type",
        "life",
        "status",
    ] {
        if let Some(value) = field(key) {
            out.push((key.to_string(), value));
        }
    }
    out.push(("access".into(), Node::Str("admin".into())));
    out.push(("last-connection".into(), Node::Str("just now".into())));
    if let Some(version) = field("agent-version") {
        out.push(("agent-version".into(), version));
    }
    Node::Struct(out)
}

/// The table Juju prints (`tabularSummaries`), its columns padded as juju/ansiterm's tab
/// writer pads them (two spaces between columns).
fn tabular(models: &[(String, Node)], current: Option<&str>, uuid: bool) -> String {
    let field = |node: &Node, key: &str| match node {
        Node::Struct(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()),
        _ => None,
    };
    let text = |node: Option<Node>| match node {
        Some(Node::Str(s)) => s,
        _ => String::new(),
    };
    let mut rows: Vec<Vec<String>> = vec![Vec::new()];
    rows[0].push("Model".into());
    if uuid {
        rows[0].push("UUID".into());
    }
    rows[0].extend(["Cloud/Region", "Type", "Status", "Access", "Last connection"].map(String::from));
    for (name, node) in models {
        let mut row = vec![if current == Some(name.as_str()) { format!("{name}*") } else { name.clone() }];
        if uuid {
            row.push(text(field(node, "model-uuid")));
        }
        let status = field(node, "status").and_then(|s| field(&s, "current"));
        row.extend([
            format!("{}/{}", text(field(node, "cloud")), text(field(node, "region"))),
            text(field(node, "type")),
            text(status),
            "admin".into(),
            "just now".into(),
        ]);
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> =
        (0..columns).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = format!("Controller: {CONTROLLER}\n\n");
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < columns {
                line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{juju, with_root};

    #[test]
    fn models_lists_each_model_and_the_current_one() {
        with_root(|root| {
            let f = juju(&["models", "--format", "json"]);
            assert_eq!((f.stdout.as_str(), f.code), ("{\"models\":[]}\n", 0));
            let f = juju(&["models"]);
            assert_eq!(
                (f.stdout.as_str(), f.stderr.as_str()),
                (
                    "Controller: leaderd\n\nModel  Cloud/Region  Type  Status  Access  Last connection\n",
                    "\nThere are no models available. You can add models with\n\"juju add-model\", or you can ask an \
                     administrator or owner\nof a model to grant access to that model with \"juju grant\".\n\n"
                )
            );
            for name in ["b", "a"] {
                let dir = root.join("models").join(name);
                std::fs::create_dir_all(&dir).unwrap();
                let record = super::super::model::ModelRecord {
                    name: name.into(),
                    uuid: format!("uuid-{name}"),
                    created_ms: super::super::show_model::now_ms(),
                    config: Default::default(),
                };
                record.save(&dir).unwrap();
            }
            super::model::set_current(Some("b")).unwrap();
            let f = juju(&["models", "--format", "json"]);
            let listed: serde_json::Value = serde_json::from_str(&f.stdout).unwrap();
            assert_eq!(listed["current-model"], "b");
            assert_eq!(listed["models"][0]["short-name"], "a");
            assert_eq!(listed["models"][1]["name"], "admin/b");
            // ModelSummary's fields, in its order.
            assert!(
                f.stdout.starts_with("{\"models\":[{\"name\":\"admin/a\",\"short-name\":\"a\",\"model-uuid\":\"uuid-a\",\"model-type\":\"iaas\",\"controller-uuid\":"),
                "{}",
                f.stdout
            );
            assert!(
                f.stdout.contains("\"is-controller\":false,\"owner\":\"admin\",\"cloud\":\"localhost\",\"region\":\"localhost\",\"type\":\"local\",\"life\":\"alive\",\"status\":{\"current\":\"available\",\"since\":\"just now\"},\"access\":\"admin\",\"last-connection\":\"just now\",\"agent-version\":\"3.6.0\"}"),
                "{}",
                f.stdout
            );
            assert_eq!(listed["models"][0]["access"], "admin");
            let f = juju(&["models"]);
            assert_eq!(
                f.stdout,
                "Controller: leaderd\n\n\
                 Model  Cloud/Region         Type   Status     Access  Last connection\n\
                 a      localhost/localhost  local  available  admin   just now\n\
                 b*     localhost/localhost  local  available  admin   just now\n"
            );
        });
    }
}
