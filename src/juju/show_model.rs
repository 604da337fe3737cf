//! `juju show-model [MODEL] [--format yaml|json] [-o FILE]` (juju/juju 3.6.0
//! `cmd/juju/model/show.go`, the struct of `cmd/juju/common/model.go`): the model's details,
//! keyed by its short name. leaderd's controller is one machine's: cloud and region
//! `localhost`, no machines, no credential; the controller's UUID is made once per root.

use clap::{Arg, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::format::{self, Format, Node, Tree, Value};

use super::model::{self, Model, ModelRecord, CONTROLLER, USER};
use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const SHOW_MODEL: JujuCommand =
    JujuCommand { name: "show-model", command, init: |m| Ok(Box::new(ShowModel::init(m)?)) };

/// `--format yaml|json` (default yaml) and `-o/--output`, as the model commands take them.
pub(crate) fn format_args(command: Command, default: &'static str, formats: &'static [&'static str]) -> Command {
    command
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .default_value(default)
                .value_parser(formats.to_vec())
                .allow_hyphen_values(true)
                .help(format!("Specify output format ({})", formats.join("|"))),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("FILE")
                .default_value("")
                .value_parser(clap::builder::OsStringValueParser::new())
                .allow_hyphen_values(true)
                .help("Specify an output file"),
        )
}

/// Writes `bytes` to `-o FILE` if given (nothing on stdout then), else answers them as stdout.
pub(crate) fn output(m_output: Option<&std::ffi::OsString>, bytes: Vec<u8>) -> Result<Outcome, RunError> {
    match m_output.filter(|p| !p.is_empty()) {
        Some(path) => {
            jujuc::tools::write_output_file(path, &bytes).map_err(|e| RunError(e.to_string()))?;
            Ok(Outcome::default())
        }
        None => Ok(Outcome { stdout: bytes, ..Default::default() }),
    }
}

fn command() -> Command {
    let command = cmd::tool_command("juju show-model", "<model name>")
        .about("Shows information about the current or specified model.")
        .long_about("\nShow information about the current or specified model.\n")
        .after_long_help("\n    juju show-model theirmodel --format yaml\n");
    format_args(model::model_option(command), "yaml", &["json", "yaml"])
}

struct ShowModel {
    model: Option<String>,
    given: ArgMatches,
    format: Format,
    output: Option<std::ffi::OsString>,
}

impl ShowModel {
    fn init(m: &ArgMatches) -> Result<ShowModel, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        if args.len() > 1 {
            let rest: Vec<std::ffi::OsString> = args[1..].iter().map(Into::into).collect();
            return Err(cmd::unrecognized(&rest));
        }
        Ok(ShowModel {
            model: args.first().cloned(),
            given: m.clone(),
            format: Format::parse(m.get_one::<String>("format").map_or("yaml", String::as_str)).unwrap_or(Format::Yaml),
            output: m.get_one::<std::ffi::OsString>("output").cloned(),
        })
    }
}

impl Run for ShowModel {
    fn run(&self) -> Result<Outcome, RunError> {
        let model = match &self.model {
            Some(reference) => Model::existing(&model::short_name(reference)?)?,
            None => Model::resolve(&self.given)?,
        };
        let info = info(&model)?;
        let value = Value::Tree(Tree::from([(model.name.clone(), info)]));
        output(self.output.as_ref(), format::render(self.format, &value).into_bytes())
    }
}

/// One model's details, as Juju's `common.ModelInfo` (fields in its order, its omitempty).
pub(crate) fn info(model: &Model) -> Result<Node, RunError> {
    let record = ModelRecord::load(&model.dir).map_err(|_| model::not_found(&model.name))?;
    let controller_uuid = model::controller_uuid().map_err(|e| RunError(format!("{e:#}")))?;
    let now = now_ms();
    let s = |text: &str| Node::Str(text.to_string());
    let since = friendly_duration(record.created_ms, now);
    let users = Tree::from([(
        USER.to_string(),
        Node::Struct(vec![
            ("display-name".into(), s(USER)),
            ("access".into(), s("admin")),
            // The admin is connected now: this command is its connection.
            ("last-connection".into(), s("just now")),
        ]),
    )]);
    let version = leaderd_core::JUJU_VERSION;
    Ok(Node::Struct(vec![
        ("name".into(), Node::Str(model.qualified())),
        ("short-name".into(), s(&model.name)),
        ("model-uuid".into(), s(&record.uuid)),
        ("model-type".into(), s("iaas")),
        ("controller-uuid".into(), s(&controller_uuid)),
        ("controller-name".into(), s(CONTROLLER)),
        ("is-controller".into(), Node::Bool(false)),
        ("owner".into(), s(USER)),
        ("cloud".into(), s("localhost")),
        ("region".into(), s("localhost")),
        ("type".into(), s("local")),
        ("life".into(), s("alive")),
        ("status".into(), Node::Struct(vec![("current".into(), s("available")), ("since".into(), Node::Str(since))])),
        ("users".into(), Node::Map(users)),
        ("sla".into(), s("unsupported")),
        ("agent-version".into(), s(version)),
        (
            "supported-features".into(),
            Node::List(vec![Node::Struct(vec![
                ("name".into(), s("juju")),
                ("description".into(), s("the version of Juju used by the model")),
                ("version".into(), s(version)),
            ])]),
        ),
    ]))
}

pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// juju/juju `cmd/juju/common/format.go`, `UserFriendlyDuration`: `just now`, `N seconds ago`,
/// `1 minute ago`, `N hours ago`, then the date.
pub(crate) fn friendly_duration(when_ms: u64, now_ms: u64) -> String {
    let since = now_ms.saturating_sub(when_ms) / 1000;
    let plural = |n: u64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    match since {
        s if s >= 86_400 => leaderd_core::secrets::format_rfc3339_ms(when_ms)[..10].to_string(),
        s if s >= 3600 => plural(s / 3600, "hour"),
        s if s >= 60 => plural(s / 60, "minute"),
        s if s >= 2 => format!("{s} seconds ago"),
        _ => "just now".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{juju, with_root};

    #[test]
    fn friendly_durations_read_as_jujus() {
        let at = 1_765_000_000_000;
        assert_eq!(super::friendly_duration(at, at + 1500), "just now");
        assert_eq!(super::friendly_duration(at, at + 2000), "2 seconds ago");
        assert_eq!(super::friendly_duration(at, at + 61_000), "1 minute ago");
        assert_eq!(super::friendly_duration(at, at + 7_300_000), "2 hours ago");
        assert_eq!(super::friendly_duration(at, at + 90_000_000), "2025-12-06");
    }

    #[test]
    fn show_model_prints_jujus_model_info_keyed_by_the_short_name() {
        with_root(|root| {
            let dir = root.join("models/m-1");
            std::fs::create_dir_all(&dir).unwrap();
            let record = super::ModelRecord {
                name: "m-1".into(),
                uuid: "7c1b2f3e-0000-4000-8000-000000000001".into(),
                created_ms: super::now_ms(),
                config: Default::default(),
            };
            record.save(&dir).unwrap();
            let controller = super::model::controller_uuid().unwrap();
            let f = juju(&["show-model", "--format", "json", "admin/m-1"]);
            assert_eq!(f.code, 0, "{}", f.stderr);
            let want = format!(
                "{{\"m-1\":{{\"name\":\"admin/m-1\",\"short-name\":\"m-1\",\"model-uuid\":\"7c1b2f3e-0000-4000-8000-000000000001\",\"model-type\":\"iaas\",\"controller-uuid\":\"{controller}\",\"controller-name\":\"leaderd\",\"is-controller\":false,\"owner\":\"admin\",\"cloud\":\"localhost\",\"region\":\"localhost\",\"type\":\"local\",\"life\":\"alive\",\"status\":{{\"current\":\"available\",\"since\":\"just now\"}},\"users\":{{\"admin\":{{\"display-name\":\"admin\",\"access\":\"admin\",\"last-connection\":\"just now\"}}}},\"sla\":\"unsupported\",\"agent-version\":\"3.6.0\",\"supported-features\":[{{\"name\":\"juju\",\"description\":\"the version of Juju used by the model\",\"version\":\"3.6.0\"}}]}}}}\n"
            );
            assert_eq!(f.stdout, want);
            assert_eq!(super::model::controller_uuid().unwrap(), controller, "stable");
            let by_uuid = juju(&["show-model", "--format", "json", "7c1b2f3e"]);
            assert_eq!(by_uuid.stdout, want, "a UUID prefix names the model");
            let yaml = juju(&["show-model", "leaderd:m-1"]);
            assert!(yaml.stdout.starts_with("m-1:\n  name: admin/m-1\n  short-name: m-1\n"), "{}", yaml.stdout);
            let f = juju(&["show-model", "nope"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR model leaderd:admin/nope not found\n", 1));
            let f = juju(&["show-model", "--format", "xml", "m-1"]);
            assert_eq!(
                (f.stderr.as_str(), f.code),
                ("ERROR invalid value \"xml\" for option --format: unknown format \"xml\"\n", 2)
            );
        });
    }
}
