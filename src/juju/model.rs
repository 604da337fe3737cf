//! Models as `juju` names them, and where leaderd keeps them.
//!
//! leaderd's `juju` has one controller, named `leaderd`, with one user, `admin`. Its models live
//! under one directory, the root: `$LEADERD_HOME` if set, else `$XDG_DATA_HOME/leaderd`, else
//! `~/.local/share/leaderd`. `<root>/models/<name>/` is a model's state directory (what
//! `leaderd up --state` uses), and `<root>/current-model` names the model the commands use when
//! neither `--model` nor `JUJU_MODEL` names one.
//!
//! A model reference is Juju's `[controller:][user/]model` (juju/juju
//! `cmd/modelcmd/modelcommand.go`, `SplitModelName`, and the client store's qualifying of a bare
//! name with the logged-in user): `m`, `admin/m` and `leaderd:admin/m` are one model.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::RunError;

/// The one controller's name, as `juju show-model` and `juju switch` print it.
pub(crate) const CONTROLLER: &str = "leaderd";
/// The one user, who owns every model.
pub(crate) const USER: &str = "admin";

/// Where leaderd's `juju` keeps its models (see the module's comment).
pub(crate) fn root() -> PathBuf {
    if let Some(home) = std::env::var_os("LEADERD_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home);
    }
    if let Some(data) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(data).join("leaderd");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"));
    home.join(".local/share/leaderd")
}

/// Adds Juju's `-m/--model` option (modelcmd's `ModelCommandBase.SetFlags`).
pub(crate) fn model_option(command: Command) -> Command {
    command.arg(
        Arg::new("model")
            .short('m')
            .long("model")
            .action(ArgAction::Set)
            .value_name("MODEL")
            .help("Model to operate in. Accepts [<controller name>:]<model name>|<model UUID>"),
    )
}

/// One model of leaderd's controller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Model {
    /// The short name (`jubilant-1a2b3c4d`).
    pub name: String,
    /// Its state directory, `<root>/models/<name>`.
    pub dir: PathBuf,
}

impl Model {
    /// The model named `name` (a short name), whether or not it exists.
    pub(crate) fn named(name: &str) -> Model {
        Model { name: name.to_string(), dir: root().join("models").join(name) }
    }

    /// The model a command's `--model` names, else `JUJU_MODEL`'s, else the current one, in
    /// Juju's words when there is none or it does not exist.
    pub(crate) fn resolve(matches: &ArgMatches) -> Result<Model, RunError> {
        let given = matches
            .try_get_one::<String>("model")
            .ok()
            .flatten()
            .cloned()
            .or_else(|| std::env::var("JUJU_MODEL").ok().filter(|m| !m.is_empty()));
        let name = match given {
            Some(reference) => short_name(&reference)?,
            None => current().ok_or_else(|| RunError(NO_MODEL.to_string()))?,
        };
        Model::existing(&name)
    }

    /// The model `name` (a short name), if it exists.
    pub(crate) fn existing(name: &str) -> Result<Model, RunError> {
        let model = Model::named(name);
        if !model.dir.is_dir() {
            return Err(not_found(name));
        }
        Ok(model)
    }

    /// `admin/<name>`, as Juju qualifies it.
    pub(crate) fn qualified(&self) -> String {
        format!("{USER}/{}", self.name)
    }
}

/// juju/juju `cmd/modelcmd`'s `ErrNoModelSpecified` text, as `juju status` prints it when no
/// model is current.
pub(crate) const NO_MODEL: &str =
    "No selected model.\n\nUse \"juju switch\" to select one of the following models:\n\n  (none)";

/// `model leaderd:admin/<name> not found` (the client store's NotFound, which modelcmd returns
/// as it is).
pub(crate) fn not_found(name: &str) -> RunError {
    RunError(format!("model {CONTROLLER}:{USER}/{name} not found"))
}

/// The short name in a reference `[controller:][user/]model`, in Juju's words for a controller
/// or user this `juju` does not have.
pub(crate) fn short_name(reference: &str) -> Result<String, RunError> {
    let (controller, qualified) = match reference.split_once(':') {
        Some((controller, rest)) => (Some(controller), rest),
        None => (None, reference),
    };
    if let Some(controller) = controller.filter(|c| *c != CONTROLLER) {
        return Err(RunError(format!("controller {controller} not found")));
    }
    match qualified.split_once('/') {
        Some((user, name)) if user == USER => Ok(name.to_string()),
        Some((user, name)) => Err(RunError(format!("model {CONTROLLER}:{user}/{name} not found"))),
        None => Ok(qualified.to_string()),
    }
}

/// The current model's short name (`<root>/current-model`), if one is current.
pub(crate) fn current() -> Option<String> {
    let text = std::fs::read_to_string(root().join("current-model")).ok()?;
    let name = text.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// Makes `name` the current model (or none).
pub(crate) fn set_current(name: Option<&str>) -> anyhow::Result<()> {
    let root = root();
    leaderd_sys::private::create_state_dir(&root)?;
    let path = root.join("current-model");
    match name {
        Some(name) => leaderd_sys::private::write_atomic(&path, format!("{name}\n").as_bytes()),
        None => match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_qualified_form_names_the_same_model() {
        for reference in ["m-1", "admin/m-1", "leaderd:admin/m-1", "leaderd:m-1"] {
            assert_eq!(short_name(reference), Ok("m-1".to_string()), "{reference}");
        }
    }

    #[test]
    fn another_controller_or_user_is_not_found_in_jujus_words() {
        assert_eq!(short_name("prod:admin/m"), Err(RunError("controller prod not found".into())));
        assert_eq!(short_name("bob/m"), Err(RunError("model leaderd:bob/m not found".into())));
        assert_eq!(not_found("m").0, "model leaderd:admin/m not found");
    }
}
