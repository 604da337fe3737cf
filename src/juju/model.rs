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
            None => match current_text().map_err(RunError)? {
                Some(name) if valid_name(&name) => name,
                Some(name) => return Err(not_valid(&name)),
                None => return Err(RunError(NO_MODEL.to_string())),
            },
        };
        Model::existing(&name)
    }

    /// The model `name` (a short name), if it exists. A name that is not a model name (`..`,
    /// `.`, `a/b`, empty) never reaches the file system.
    pub(crate) fn existing(name: &str) -> Result<Model, RunError> {
        if !valid_name(name) {
            return Err(not_valid(name));
        }
        let model = Model::named(name);
        if !model.dir.is_dir() {
            // modelcmd's lookup by UUID prefix, of six characters or more.
            return by_uuid_prefix(name).ok_or_else(|| not_found(name));
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

/// juju/juju `jujuclient/validation.go` `ValidateModelName` (called by the client store's
/// `ModelByName` with the user-qualified name): `model name "admin/x" not valid`.
pub(crate) fn not_valid(name: &str) -> RunError {
    RunError(format!("model name {} not valid", leaderd_core::format::go_quote(&format!("{USER}/{name}"))))
}

/// The short name in a reference `[controller:][user/]model`, in Juju's words for a controller
/// or user this `juju` does not have, or for a name that is not a model name (juju/names
/// `IsValidModelName`, checked by the client store before any lookup).
pub(crate) fn short_name(reference: &str) -> Result<String, RunError> {
    let (controller, qualified) = match reference.split_once(':') {
        Some((controller, rest)) => (Some(controller), rest),
        None => (None, reference),
    };
    if let Some(controller) = controller.filter(|c| *c != CONTROLLER) {
        return Err(RunError(format!("controller {controller} not found")));
    }
    let name = match qualified.split_once('/') {
        Some((user, name)) if user == USER => name,
        Some((user, name)) => return Err(RunError(format!("model {CONTROLLER}:{user}/{name} not found"))),
        None => qualified,
    };
    if !valid_name(name) {
        return Err(not_valid(name));
    }
    Ok(name.to_string())
}

/// The current model's short name (`<root>/current-model`), if one is current. A file naming
/// something that is not a model name (hand-edited, or planted) names no model.
pub(crate) fn current() -> Option<String> {
    current_text().ok().flatten().filter(|name| valid_name(name))
}

/// What `<root>/current-model` holds, trimmed, if anything; refused when another user owns it
/// or others can write it (`check_own`: in a shared root it could have been planted).
fn current_text() -> Result<Option<String>, String> {
    let path = root().join("current-model");
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    leaderd_sys::private::check_own(&path).map_err(|e| format!("{e:#}"))?;
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(None) };
    let name = text.trim();
    Ok((!name.is_empty()).then(|| name.to_string()))
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

/// `<root>/models/<name>/model.json`: what `juju add-model` records of a model (the model's
/// `up` runs in the same directory).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct ModelRecord {
    pub name: String,
    pub uuid: String,
    /// When it was added, Unix milliseconds.
    pub created_ms: u64,
    /// `add-model --config` values, as given.
    #[serde(default)]
    pub config: std::collections::BTreeMap<String, String>,
}

impl ModelRecord {
    pub(crate) fn path(dir: &std::path::Path) -> PathBuf {
        dir.join("model.json")
    }

    pub(crate) fn load(dir: &std::path::Path) -> anyhow::Result<ModelRecord> {
        let path = ModelRecord::path(dir);
        // Another user's, or one others can write, is not trusted (as `current-model`).
        leaderd_sys::private::check_own(&path)?;
        let bytes = std::fs::read(&path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
        Ok(serde_json::from_slice(&bytes)?)
    }

    pub(crate) fn save(&self, dir: &std::path::Path) -> anyhow::Result<()> {
        leaderd_sys::private::write_atomic(&ModelRecord::path(dir), &serde_json::to_vec_pretty(self)?)
    }
}

/// A fresh random (version 4) UUID, from the kernel.
pub(crate) fn new_uuid() -> anyhow::Result<String> {
    let text = std::fs::read_to_string("/proc/sys/kernel/random/uuid")
        .map_err(|e| anyhow::anyhow!("reading /proc/sys/kernel/random/uuid: {e}"))?;
    Ok(text.trim().to_string())
}

/// The controller's UUID: made once per root (`<root>/controller-uuid`), the same for every
/// model and every call after.
pub(crate) fn controller_uuid() -> anyhow::Result<String> {
    let root = root();
    let path = root.join("controller-uuid");
    if let Ok(text) = std::fs::read_to_string(&path) {
        if !text.trim().is_empty() {
            return Ok(text.trim().to_string());
        }
    }
    leaderd_sys::private::create_state_dir(&root)?;
    let uuid = new_uuid()?;
    // Two first calls at once: the first to link its file wins, and both answer its UUID.
    let mine = root.join(format!(".controller-uuid.{}", std::process::id()));
    leaderd_sys::private::write_atomic(&mine, uuid.as_bytes())?;
    let _ = std::fs::hard_link(&mine, &path);
    let _ = std::fs::remove_file(&mine);
    Ok(std::fs::read_to_string(&path)?.trim().to_string())
}

/// Every model's short name (a directory under `<root>/models` with a `model.json`), sorted.
pub(crate) fn all() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root().join("models")) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| ModelRecord::path(&e.path()).is_file())
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .collect();
    names.sort();
    names
}

/// The model whose UUID starts with `prefix` (six characters at least, as juju/juju
/// `cmd/modelcmd/modelcommand.go` takes a UUID prefix), if exactly one does.
fn by_uuid_prefix(prefix: &str) -> Option<Model> {
    if prefix.len() < 6 || !prefix.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return None;
    }
    let mut found = all()
        .into_iter()
        .map(|name| Model::named(&name))
        .filter(|m| ModelRecord::load(&m.dir).is_ok_and(|r| r.uuid.starts_with(prefix)));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// juju/names `IsValidModelName`: `^[a-z0-9]+[a-z0-9-]*$`.
pub(crate) fn valid_name(name: &str) -> bool {
    name.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_follow_juju_names() {
        for good in ["m", "jubilant-1a2b3c4d", "0-a", "a--b", "a-"] {
            assert!(valid_name(good), "{good}");
        }
        for bad in ["", "-a", "A", "a_b", "a.b", "a/b", "é"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

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

    #[test]
    fn a_reference_that_names_no_model_name_is_not_valid_in_jujus_words() {
        for (reference, name) in [("..", ".."), (".", "."), ("admin/..", ".."), ("leaderd:", ""), ("admin/a/b", "a/b")]
        {
            let want = format!("model name \"admin/{name}\" not valid");
            assert_eq!(short_name(reference), Err(RunError(want)), "{reference}");
        }
        assert_eq!(Model::existing("..").unwrap_err().0, "model name \"admin/..\" not valid");
    }
}
