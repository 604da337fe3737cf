//! The wire types of `leaderd up`'s control socket (`<state>/up.socket`), shared by the running
//! `up` (server, `local::up_socket`) and its clients: the lever commands (`leaderd kill`,
//! `pause`, `resume`, `restart`, `add-unit`, `remove-unit`, `refresh`; `local::levers`) and the
//! `juju` model commands (`deploy`, `add-unit`, `remove-unit`, `remove-application`,
//! `refresh`, `destroy-model`). `up` owns the child processes, so every request that touches one
//! goes through it.

use serde::{Deserialize, Serialize};

/// `POST`: pull a lever on one unit or on the controller.
pub const LEVER_PATH: &str = "/v1/lever";
/// `POST`: start new units.
pub const ADD_UNIT_PATH: &str = "/v1/add-unit";
/// `POST`: remove one unit (stop and remove hooks, then its agent stops).
pub const REMOVE_UNIT_PATH: &str = "/v1/remove-unit";
/// `POST`: replace the application's charm (`leaderd refresh --path`).
pub const REFRESH_PATH: &str = "/v1/refresh";
/// `POST`: add an application and its units (`juju deploy`).
pub const DEPLOY_PATH: &str = "/v1/deploy";
/// `POST`: remove an application: each unit runs its stop and remove hooks and leaves.
pub const REMOVE_APPLICATION_PATH: &str = "/v1/remove-application";
/// `POST`: stop the whole `up` (`juju destroy-model`).
pub const STOP_PATH: &str = "/v1/stop";

/// The largest request body the socket takes (a deploy carries its config values).
pub const MAX_BODY_BYTES: usize = 1 << 16;

/// What a lever does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lever {
    /// SIGKILL.
    Kill,
    /// SIGSTOP of the process and everything it started.
    Pause,
    /// SIGCONT of the same.
    Resume,
    /// A new process with the same command line and a fresh token (a running one is killed first).
    Restart,
}

impl Lever {
    pub fn name(self) -> &'static str {
        match self {
            Lever::Kill => "kill",
            Lever::Pause => "pause",
            Lever::Resume => "resume",
            Lever::Restart => "restart",
        }
    }
}

/// What a lever acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Unit(String),
    /// `controller/N` (`Some(N)`), or `--controller` (`None`): the only controller, or the one
    /// active at that moment when `up` runs several.
    Controller(Option<u32>),
}

/// A `controller/...` lever target that names no controller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a controller: controllers are named controller/N, N a number from 0")]
pub struct NotAController(pub String);

/// The prefix of a controller's name in the levers and in `leaderd status`: `controller/N`.
pub(crate) const CONTROLLER_PREFIX: &str = "controller/";

impl Target {
    /// A lever's target as the user names it: `controller/N`, else a unit (checked by the
    /// caller). A `controller/` that is not followed by a number is refused in plain words.
    pub fn parse(name: &str) -> Result<Target, NotAController> {
        match name.strip_prefix(CONTROLLER_PREFIX) {
            Some(n) => match n.parse::<u32>() {
                // Written as `up` writes it: no sign, no leading zero.
                Ok(i) if i.to_string() == n => Ok(Target::Controller(Some(i))),
                _ => Err(NotAController(name.to_string())),
            },
            None => Ok(Target::Unit(name.to_string())),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeverRequest {
    pub lever: Lever,
    pub target: Target,
}

/// Every answer of the socket: what `up` did, in one line for the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Done {
    pub message: String,
    /// The units concerned (add-unit: the new ones).
    #[serde(default)]
    pub units: Vec<String>,
    /// A deploy's or refresh's charm: its name and the revision it got.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charm: Option<CharmRevision>,
}

/// A charm as the model numbers it: Juju's `local:<name>-<revision>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CharmRevision {
    pub name: String,
    pub revision: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddUnitRequest {
    /// The application the units belong to.
    pub app: String,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveUnitRequest {
    pub unit: String,
    /// `juju remove-unit --force`: a unit whose hook is failing leaves without its hooks.
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub app: String,
    /// The new charm, an absolute path (`leaderd refresh` resolves it against its own working
    /// directory): a directory, a charmcraft.yaml source directory or a packed `.charm`.
    pub path: String,
}

/// `juju deploy PATH [APP]`: answered once the application and its units are recorded in
/// `up.json` and the application is registered with the controller.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployRequest {
    /// The charm, an absolute path: a directory, a charmcraft.yaml source directory or a
    /// packed `.charm`.
    pub charm: String,
    /// The application name; None: the charm's metadata.yaml `name`.
    #[serde(default)]
    pub app: Option<String>,
    pub units: u32,
    /// `KEY=VALUE` pairs and config files (absolute paths), as `deploy --config` takes them.
    #[serde(default)]
    pub config: Vec<String>,
    /// File resources: each name and an absolute path, copied into the model at deploy.
    #[serde(default)]
    pub resources: Vec<(String, String)>,
    #[serde(default)]
    pub trust: bool,
    /// The base the application runs on, as Juju names it (`ubuntu@22.04`).
    #[serde(default)]
    pub base: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveApplicationRequest {
    pub app: String,
    /// `--force`: a unit whose hook is failing leaves without its hooks.
    #[serde(default)]
    pub force: bool,
}

/// Stop every unit (its stop and remove hooks run), then the controllers, then `up` exits.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopRequest {
    /// Kill what has not stopped within `timeout_ms` (without: within a bound of `up`'s own).
    #[serde(default)]
    pub force: bool,
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_a_controller_or_a_unit() {
        assert_eq!(Target::parse("controller/0"), Ok(Target::Controller(Some(0))));
        assert_eq!(Target::parse("controller/12"), Ok(Target::Controller(Some(12))));
        assert_eq!(Target::parse("app/1"), Ok(Target::Unit("app/1".into())));
        for bad in ["controller/x", "controller/", "controller/01", "controller/+1", "controller/-1", "controller/1/2"]
        {
            let err = Target::parse(bad).unwrap_err().to_string();
            assert_eq!(
                err,
                format!("{bad:?} is not a controller: controllers are named controller/N, N a number from 0")
            );
        }
    }

    #[test]
    fn the_wire_form_of_a_controller_target() {
        let to = |t: Target| serde_json::to_string(&LeverRequest { lever: Lever::Kill, target: t }).unwrap();
        assert_eq!(to(Target::Controller(None)), r#"{"lever":"kill","target":{"controller":null}}"#);
        assert_eq!(to(Target::Controller(Some(2))), r#"{"lever":"kill","target":{"controller":2}}"#);
    }
}
