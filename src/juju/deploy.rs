//! `juju deploy PATH [APP] [-n N] [--config K=V|FILE]... [--resource NAME=PATH]... [--trust]
//! [--base B]` (juju/juju 3.6.0 `cmd/juju/application/deploy.go` and `deployer/`) for a local
//! charm: the model's `up` prepares it as the next revision of its name, copies its resources
//! into the model, registers the application with the model's controller and starts its
//! units; the command returns once `juju status` lists them. Charmhub names are refused.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::wire::up::{DeployRequest, DEPLOY_PATH};

use super::model::{self, Model};
use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const DEPLOY: JujuCommand =
    JujuCommand { name: "deploy", command, init: |m| Ok(Box::new(Deploy::init(m)?)) };

fn command() -> Command {
    let value = |name: &'static str, help: &'static str| {
        Arg::new(name).long(name).action(ArgAction::Set).value_name("VALUE").help(help)
    };
    // A Go value type with an empty default (juju's ConfigFlag, stringMap): `(= )` in help.
    let repeated = |name: &'static str, help: &'static str| {
        Arg::new(name).long(name).action(ArgAction::Append).value_name("VALUE").default_value("").help(help)
    };
    let command = cmd::tool_command("juju deploy", "<charm or bundle> [<application name>]")
        .about("Deploys a new application or bundle.")
        .long_about(
            "\nA charm can be referred to by its simple name and a base, revision,\n\
             or channel can optionally be specified.\n\n\
             leaderd's juju deploys local charms only: a path that starts with \".\" or \"/\" to a\n\
             charm directory, a charmcraft.yaml source directory or a packed .charm file. The\n\
             application name defaults to the charm's name; each deploy of a charm gets the next\n\
             revision of its name in the model (local:<name>-0 first). File resources given with\n\
             --resource are copied into the model when the command runs.\n",
        )
        .after_long_help("\n    juju deploy ./testdb_amd64.charm\n    juju deploy ./mycharm myapp -n 2 --config key=value --resource file=./data.tar\n")
        .arg(value("attach-storage", "Existing storage to attach to the deployed unit (not available on k8s models)"))
        .arg(value("base", "The base on which to deploy"))
        .arg(repeated("bind", "Configure application endpoint bindings to spaces").hide(true))
        .arg(value("channel", "Channel to use when deploying a charm or bundle from Charmhub"))
        .arg(repeated("config", "Either a path to yaml-formatted application config file or a key=value pair "))
        .arg(value("constraints", "Set application constraints"))
        .arg(cmd::bool_flag("dry-run", "Just show what the deploy would do"))
        .arg(cmd::bool_flag("force", "Allow a charm/bundle to be deployed which bypasses checks such as supported base or LXD profile allow list"))
        .arg(Arg::new("num-units").short('n').long("num-units").action(ArgAction::Set).value_name("VALUE").default_value("1").help("Number of application units to deploy for principal charms"))
        .arg(repeated("overlay", "Bundles to overlay on the primary bundle, applied in order").hide(true))
        .arg(repeated("resource", "Resource to be uploaded to the controller"))
        .arg(value("revision", "The revision to deploy").default_value("-1"))
        .arg(value("series", "The series on which to deploy (deprecated)").hide(true))
        .arg(repeated("storage", "Charm storage directives"))
        .arg(value("to", "The machine and/or container to deploy the unit in (bypasses constraints)"))
        .arg(cmd::bool_flag("trust", "Allows charm to run hooks that require access credentials"));
    model::model_option(command)
}

struct Deploy {
    charm: String,
    app: Option<String>,
    units: u32,
    config: Vec<String>,
    resources: Vec<(String, String)>,
    trust: bool,
    base: Option<String>,
    dry_run: bool,
    given: ArgMatches,
}

impl Deploy {
    fn init(m: &ArgMatches) -> Result<Deploy, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let (charm, app) = match args.as_slice() {
            [] => return Err(UsageError("no charm or bundle specified".into())),
            [charm] => (charm.clone(), None),
            [charm, app] => {
                validate_application_name(app)?;
                (charm.clone(), Some(app.clone()))
            }
            [_, _, rest @ ..] => {
                let rest: Vec<std::ffi::OsString> = rest.iter().map(Into::into).collect();
                return Err(cmd::unrecognized(&rest));
            }
        };
        let n = m.get_one::<String>("num-units").map_or("1", String::as_str);
        let units = match n.parse::<i64>() {
            Ok(n) if (0..=i64::from(u32::MAX)).contains(&n) => n as u32,
            Ok(_) => return Err(UsageError("--num-units must be a positive integer".into())),
            Err(_) => {
                return Err(UsageError(format!(
                    "invalid value {} for option --num-units: strconv.ParseInt: parsing {}: invalid syntax",
                    leaderd_core::format::go_quote(n),
                    leaderd_core::format::go_quote(n)
                )))
            }
        };
        let mut resources = Vec::new();
        for spec in m.get_many::<String>("resource").into_iter().flatten().filter(|s| !s.is_empty()) {
            // juju/juju `cmd/juju/application/utils` `parseResources`.
            let Some((name, path)) = spec.split_once('=').filter(|(n, p)| !n.is_empty() && !p.is_empty()) else {
                return Err(UsageError(format!("invalid --resource arg {}", leaderd_core::format::go_quote(spec))));
            };
            resources.push((name.to_string(), path.to_string()));
        }
        Ok(Deploy {
            charm,
            app,
            units,
            config: m
                .get_many::<String>("config")
                .map(|v| v.filter(|c| !c.is_empty()).cloned().collect())
                .unwrap_or_default(),
            resources,
            trust: m.get_flag("trust"),
            base: m.get_one::<String>("base").cloned(),
            dry_run: m.get_flag("dry-run"),
            given: m.clone(),
        })
    }
}

/// juju/names v5 `ValidateApplicationName`: why a name is not an application's, in its words.
fn validate_application_name(name: &str) -> Result<(), UsageError> {
    if leaderd_core::names::check_application(name).is_ok() {
        return Ok(());
    }
    let quoted = leaderd_core::format::go_quote(name);
    let trailing_number =
        name.rsplit_once('-').is_some_and(|(_, tail)| !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()));
    let why = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        format!("invalid application name {quoted}, unexpected uppercase character")
    } else if trailing_number {
        format!("invalid application name {quoted}, unexpected number(s) found after last hyphen")
    } else {
        // `invalidRuneForApplicationName`: anything but a-z, a number or `-`.
        match name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_numeric() || *c == '-')) {
            Some(c) => format!("invalid application name {quoted}, unexpected character {c}"),
            None => format!("invalid application name {quoted}"),
        }
    };
    Err(UsageError(why))
}

/// `path` made absolute against the working directory (the model's `up` runs elsewhere).
fn absolute(path: &str) -> Result<PathBuf, RunError> {
    std::path::absolute(path).map_err(|e| RunError(format!("{path}: {e}")))
}

impl Run for Deploy {
    fn run(&self) -> Result<Outcome, RunError> {
        let model = Model::resolve(&self.given)?;
        // A local charm is a path (juju/juju `cmd/juju/application/deployer`, `isLocalCharm`):
        // anything else names a Charmhub charm, which leaderd does not reach; a charm
        // repository of the operator's own may stand in for it.
        let path = if self.charm.starts_with('.') || self.charm.starts_with('/') {
            absolute(&self.charm)?
        } else {
            match repository_charm(&self.charm) {
                Some(path) => path,
                None => {
                    return Err(RunError(format!(
                        "leaderd's juju deploys local charms only: give the charm's path (./{0} or /path/to/{0}), not \
                         the Charmhub name {1} (or put {0}.charm or {0}/ in the directory ${REPOSITORY})",
                        self.charm,
                        leaderd_core::format::go_quote(&self.charm)
                    )))
                }
            }
        };
        if !path.exists() {
            // deployer.go: the NotFound of a local path.
            return Err(RunError(format!(
                "charm or bundle at {} not found",
                leaderd_core::format::go_quote(&path.display().to_string())
            )));
        }
        if crate::local::charm::metadata_text(&path).is_none() {
            return Err(RunError(format!(
                "invalid charm or bundle provided at {}",
                leaderd_core::format::go_quote(&self.charm)
            )));
        }
        let mut resources = Vec::new();
        for (name, file) in &self.resources {
            let file = absolute(file)?;
            if !file.is_file() {
                return Err(RunError(format!("file for resource {name:?}: {}: not a file", file.display())));
            }
            resources.push((name.clone(), file.display().to_string()));
        }
        let config = self
            .config
            .iter()
            .map(|c| match c.contains('=') {
                true => Ok(c.clone()),
                false => absolute(c).map(|p| p.display().to_string()),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let base = self.base.clone().unwrap_or_else(|| charm_base(&path));
        // The base as the model records it (`ubuntu@22.04`), and as deploy says it, with its risk.
        let recorded = base.split('/').next().unwrap_or_default().to_string();
        let base = if base.contains('/') { base } else { format!("{base}/stable") };
        if self.dry_run {
            let name = self.app.clone().unwrap_or_else(|| charm_name(&path));
            let text = format!("deploy application {name} from local charm on {base}\n");
            return Ok(Outcome { stdout: Vec::new(), stderr: text.into_bytes(), code: 0 });
        }
        let request = DeployRequest {
            charm: path.display().to_string(),
            app: self.app.clone(),
            units: self.units,
            config,
            resources,
            trust: self.trust,
            base: Some(recorded),
        };
        let done = super::host::call(&model, DEPLOY_PATH, &request)?;
        let charm = done.charm.ok_or_else(|| RunError("the model's leaderd up did not say the revision".into()))?;
        let app = self.app.clone().unwrap_or_else(|| charm.name.clone());
        // deployer/charm.go: `Located local charm`, then `Deploying`.
        let stderr = format!(
            "Located local charm {name:?}, revision {rev}\nDeploying {app:?} from local charm {name:?}, revision {rev} on {base}\n",
            name = charm.name,
            rev = charm.revision,
        );
        Ok(Outcome { stdout: Vec::new(), stderr: stderr.into_bytes(), code: 0 })
    }
}

/// The environment variable naming a directory of charms that stand in for Charmhub's.
pub(crate) const REPOSITORY: &str = "LEADERD_CHARM_REPO";

/// The charm `$LEADERD_CHARM_REPO/<name>.charm` or `$LEADERD_CHARM_REPO/<name>/`, if the variable
/// names a directory that has it: what `juju deploy <name>` deploys in place of Charmhub's.
pub(crate) fn repository_charm(name: &str) -> Option<PathBuf> {
    let repository = std::env::var_os(REPOSITORY).filter(|v| !v.is_empty()).map(PathBuf::from)?;
    if name.contains('/') || name.starts_with('.') {
        return None;
    }
    let packed = repository.join(format!("{name}.charm"));
    let dir = repository.join(name);
    [packed, dir].into_iter().find(|p| p.exists()).and_then(|p| std::path::absolute(p).ok())
}

/// The charm's metadata.yaml name (for a dry run).
fn charm_name(path: &Path) -> String {
    crate::local::charm::metadata_text(path)
        .and_then(|text| serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text).ok())
        .and_then(|meta| meta.get("name").and_then(|n| n.as_str()).map(String::from))
        .unwrap_or_default()
}

/// The base a charm runs on, as Juju names it (`ubuntu@22.04`): the first of its
/// `manifest.yaml` bases (what `charmcraft pack` writes), else its charmcraft.yaml `base`, else
/// Juju's default.
fn charm_base(path: &Path) -> String {
    let manifest = charm_file(path, "manifest.yaml")
        .and_then(|text| serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text).ok())
        .and_then(|m| {
            let first = m.get("bases")?.get(0)?.clone();
            Some(format!("{}@{}", first.get("name")?.as_str()?, first.get("channel")?.as_str()?))
        });
    let charmcraft = || {
        charm_file(path, "charmcraft.yaml")
            .and_then(|text| serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text).ok())
            .and_then(|c| c.get("base")?.as_str().map(String::from))
    };
    manifest.or_else(charmcraft).unwrap_or_else(host_base)
}

/// A file of the charm at `path`: a packed charm's entry, or a directory's file.
fn charm_file(path: &Path, name: &str) -> Option<String> {
    use std::io::Read as _;
    if path.is_file() {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(path).ok()?).ok()?;
        let mut entry = zip.by_name(name).ok()?;
        let mut text = String::new();
        entry.read_to_string(&mut text).ok()?;
        return Some(text);
    }
    std::fs::read_to_string(path.join(name)).ok()
}

/// Juju 3.6's default base for a charm that names none (juju/juju `version/series.go`,
/// `DefaultSupportedLTSBase`).
fn host_base() -> String {
    "ubuntu@24.04".into()
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{juju, with_root};

    #[test]
    fn deploy_refuses_what_it_cannot_deploy_in_jujus_words() {
        with_root(|root| {
            std::fs::create_dir_all(root.join("models/m")).unwrap();
            let f = juju(&["deploy", "-m", "m"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR no charm or bundle specified\n", 2));
            for (name, why) in [
                ("Db", "invalid application name \"Db\", unexpected uppercase character"),
                ("db-2", "invalid application name \"db-2\", unexpected number(s) found after last hyphen"),
                ("db_x", "invalid application name \"db_x\", unexpected character _"),
                ("-db", "invalid application name \"-db\""),
            ] {
                let f = juju(&["deploy", "-m", "m", "./c", "--", name]);
                assert_eq!((f.stderr.as_str(), f.code), (format!("ERROR {why}\n").as_str(), 2), "{name}");
            }
            let f = juju(&["deploy", "-m", "m", "./c", "app", "extra"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR unrecognized args: [\"extra\"]\n", 2));
            let f = juju(&["deploy", "-m", "m", "./c", "-n", "x"]);
            assert_eq!(
                (f.stderr.as_str(), f.code),
                ("ERROR invalid value \"x\" for option -n: strconv.ParseInt: parsing \"x\": invalid syntax\n", 2)
            );
            let f = juju(&["deploy", "-m", "m", "./c", "--resource", "nofile"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR invalid --resource arg \"nofile\"\n", 2));
            let f = juju(&["deploy", "-m", "m", "/nonexistent/charm"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR charm or bundle at \"/nonexistent/charm\" not found\n", 1));
            let empty = tempfile::tempdir().unwrap();
            let f = juju(&["deploy", "-m", "m", empty.path().to_str().unwrap()]);
            assert_eq!(f.stderr, format!("ERROR invalid charm or bundle provided at \"{}\"\n", empty.path().display()));
            let f = juju(&["deploy", "-m", "m", "snappass-test"]);
            assert!(f.stderr.starts_with("ERROR leaderd's juju deploys local charms only"), "{}", f.stderr);
            let f = juju(&["deploy", "-m", "nope", "./c"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR model leaderd:admin/nope not found\n", 1));
        });
    }
}
