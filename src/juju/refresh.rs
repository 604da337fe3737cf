//! `juju refresh APP --path PATH` (juju/juju 3.6.0 `cmd/juju/application/refresh.go`): the
//! model's `up` prepares the charm as the next revision of its name and registers it with the
//! controller; each unit then runs upgrade-charm, then config-changed. Only local charms
//! (`--path`): leaderd does not reach Charmhub.

use clap::{Arg, ArgAction, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::wire::up::{RefreshRequest, REFRESH_PATH};

use super::model::{self, Model};
use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const REFRESH: JujuCommand =
    JujuCommand { name: "refresh", command, init: |m| Ok(Box::new(Refresh::init(m)?)) };

fn command() -> Command {
    let value = |name: &'static str, help: &'static str| {
        Arg::new(name).long(name).action(ArgAction::Set).value_name("VALUE").help(help)
    };
    let repeated = |name: &'static str, help: &'static str| {
        Arg::new(name).long(name).action(ArgAction::Append).value_name("VALUE").default_value("").help(help)
    };
    let command = cmd::tool_command("juju refresh", "<application>")
        .about("Refresh an application's charm.")
        .long_about(
            "\nWhen no options are set, the application's charm will be refreshed to the latest\n\
             revision available in the repository from which it was originally deployed.\n\n\
             leaderd's juju refreshes from a local charm only (--path): a charm directory, a\n\
             charmcraft.yaml source directory or a packed .charm file, of the same name. It\n\
             becomes the next revision of that name in the model; each unit runs\n\
             upgrade-charm, then config-changed.\n",
        )
        .after_long_help("\n    juju refresh mysql --path ./mysql_amd64.charm\n")
        .arg(cmd::bool_flag("force", "Allow a charm to be refreshed which bypasses LXD profile allow list"))
        .arg(cmd::bool_flag(
            "force-base",
            "Refresh even if the base of the deployed application is not supported by the new charm",
        ))
        .arg(cmd::bool_flag("force-units", "Refresh all units immediately, even if in error state"))
        .arg(
            Arg::new("path")
                .long("path")
                .action(ArgAction::Set)
                .value_name("VALUE")
                .help("Refresh to a charm located at path"),
        )
        .arg(value("base", "Select a different base than what was deployed"))
        .arg(value("channel", "Channel to use when getting the charm from Charmhub"))
        .arg(repeated("config", "Either a path to yaml-formatted application config file or a key=value pair"))
        .arg(repeated("resource", "Resource to be uploaded to the controller"))
        .arg(value("revision", "Explicit revision of current charm").default_value("-1"))
        .arg(repeated("storage", "Charm storage directives"))
        .arg(cmd::bool_flag("trust", "Allows charm to run hooks that require access credentials"));
    model::model_option(command)
}

struct Refresh {
    app: String,
    path: Option<String>,
    /// An option leaderd's refresh does not carry out (`--config`, `--resource`, `--trust`).
    unsupported: Option<&'static str>,
    given: ArgMatches,
}

impl Refresh {
    fn init(m: &ArgMatches) -> Result<Refresh, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let app = match args.as_slice() {
            [] => return Err(UsageError("no application specified".into())),
            [app] if leaderd_core::names::check_application(app).is_err() => {
                return Err(UsageError(format!("invalid application name {}", leaderd_core::format::go_quote(app))))
            }
            [app] => app.clone(),
            [_, rest @ ..] => {
                let rest: Vec<std::ffi::OsString> = rest.iter().map(Into::into).collect();
                return Err(cmd::unrecognized(&rest));
            }
        };
        // refresh.go `Init`: a local charm has no revision to ask for.
        if m.get_one::<String>("path").is_some() && m.get_one::<String>("revision").is_some_and(|r| r != "-1") {
            return Err(UsageError("--path and --revision are mutually exclusive".into()));
        }
        let given = |name: &str| m.get_many::<String>(name).into_iter().flatten().any(|v| !v.is_empty());
        let unsupported = match () {
            _ if given("config") => Some("--config"),
            _ if given("resource") => Some("--resource"),
            _ if m.get_flag("trust") => Some("--trust"),
            _ => None,
        };
        Ok(Refresh { app, path: m.get_one::<String>("path").cloned(), unsupported, given: m.clone() })
    }
}

impl Run for Refresh {
    fn run(&self) -> Result<Outcome, RunError> {
        if let Some(option) = self.unsupported {
            return Err(RunError(format!(
                "leaderd's juju refresh does not take {option}: set config with \"juju config\", trust with \"juju \
                 trust\", and give resources at deploy"
            )));
        }
        let model = Model::resolve(&self.given)?;
        let up = super::host::record(&model)?;
        if up.application(&self.app).is_err() {
            return Err(RunError(format!("application {:?} not found", self.app)));
        }
        let Some(path) = &self.path else {
            // A charm from the operator's charm repository (`juju deploy NAME` with
            // $LEADERD_CHARM_REPO) is at its latest revision, as Charmhub would say of an
            // application it has nothing newer for (refresh.go).
            let info = up.application(&self.app).map_err(|e| RunError(e.to_string()))?;
            if super::deploy::repository_charm(&info.charm_name).is_some() {
                let line = format!("charm {}: already up-to-date\n", leaderd_core::format::go_quote(&info.charm_name));
                return Ok(Outcome { stderr: line.into_bytes(), ..Default::default() });
            }
            return Err(RunError(format!(
                "leaderd's juju refreshes local charms only: give the new charm with --path (juju refresh {} --path \
                 ./charm)",
                self.app
            )));
        };
        let path = std::path::absolute(path).map_err(|e| RunError(format!("{path}: {e}")))?;
        if !path.exists() {
            return Err(RunError(format!(
                "charm or bundle at {} not found",
                leaderd_core::format::go_quote(&path.display().to_string())
            )));
        }
        let request = RefreshRequest { app: self.app.clone(), path: path.display().to_string() };
        let done = super::host::call(&model, REFRESH_PATH, &request)?;
        let charm = done.charm.ok_or_else(|| RunError("the model's leaderd up did not say the revision".into()))?;
        // refresh.go: `Added local charm %q, revision %d, to the model`.
        let line = format!("Added local charm {:?}, revision {}, to the model\n", charm.name, charm.revision);
        Ok(Outcome { stderr: line.into_bytes(), ..Default::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::juju;

    #[test]
    fn refresh_checks_its_arguments_in_jujus_words() {
        let f = juju(&["refresh"]);
        assert_eq!((f.stderr.as_str(), f.code), ("ERROR no application specified\n", 2));
        let f = juju(&["refresh", "a", "b"]);
        assert_eq!((f.stderr.as_str(), f.code), ("ERROR unrecognized args: [\"b\"]\n", 2));
        let f = juju(&["refresh", "a/0"]);
        assert_eq!((f.stderr.as_str(), f.code), ("ERROR invalid application name \"a/0\"\n", 2));
        let f = juju(&["refresh", "a", "--path", "./c", "--revision", "3"]);
        assert_eq!((f.stderr.as_str(), f.code), ("ERROR --path and --revision are mutually exclusive\n", 2));
        let f = juju(&["refresh", "a", "--path", "./c", "--trust"]);
        assert_eq!(
            (f.stderr.as_str(), f.code),
            (
                "ERROR leaderd's juju refresh does not take --trust: set config with \"juju config\", trust with \"juju \
                 trust\", and give resources at deploy\n",
                1
            )
        );
    }
}
