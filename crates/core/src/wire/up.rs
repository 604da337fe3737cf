//! The wire types of `leaderd up`'s control socket (`<state>/up.socket`), shared by the running
//! `up` (server, `local::control`) and the lever commands (`leaderd kill`, `pause`, `resume`,
//! `restart`, `add-unit`, `remove-unit`, `refresh`; client, `local::levers`). `up` owns the child
//! processes, so every lever that touches one goes through it.

use serde::{Deserialize, Serialize};

/// `POST`: pull a lever on one unit or on the controller.
pub const LEVER_PATH: &str = "/v1/lever";
/// `POST`: start new units.
pub const ADD_UNIT_PATH: &str = "/v1/add-unit";
/// `POST`: remove one unit (stop and remove hooks, then its agent stops).
pub const REMOVE_UNIT_PATH: &str = "/v1/remove-unit";
/// `POST`: replace the application's charm (`leaderd refresh --path`).
pub const REFRESH_PATH: &str = "/v1/refresh";

/// The largest request body the socket takes.
pub const MAX_BODY_BYTES: usize = 1 << 12;

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
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddUnitRequest {
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveUnitRequest {
    pub unit: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The new charm, an absolute path (`leaderd refresh` resolves it against its own working
    /// directory): a directory, a charmcraft.yaml source directory or a packed `.charm`.
    pub path: String,
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
