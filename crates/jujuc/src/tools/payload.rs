//! The payload tools, `payload-register`, `payload-unregister` and `payload-status-set`
//! (Juju 3.6's `worker/uniter/runner/jujuc/payload-*.go`): their arguments are checked as
//! Juju checks them, then the agent changes the hook's view of the unit's payloads by Juju's
//! rules (`leaderd_core::payloads`), committed with the hook (docs/hook-tools.md).

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::go_quote;

const fn tool(
    name: &'static str,
    command: fn() -> Command,
    init: fn(&ArgMatches) -> Result<Box<dyn Run>, UsageError>,
    positional: (&'static str, &'static str),
) -> Tool {
    Tool { name, command, init, positional: Some(positional), live_keys: None }
}

pub const REGISTER: Tool = tool(
    "payload-register",
    register_command,
    |m| Ok(Box::new(init_register(m)?)),
    ("ARGS", "<type> <class> <id> [tags...]"),
);
pub const UNREGISTER: Tool =
    tool("payload-unregister", unregister_command, |m| Ok(Box::new(init_unregister(m)?)), ("ARGS", "<class> <id>"));
pub const STATUS_SET: Tool = tool(
    "payload-status-set",
    status_set_command,
    |m| Ok(Box::new(init_status_set(m)?)),
    ("ARGS", "<class> <id> <status>"),
);

/// `payload-register.go`.
pub(crate) fn register_command() -> Command {
    cmd::tool_command("payload-register", "<type> <class> <id> [tags...]")
        .about("Register a charm payload with Juju.")
        .long_about(
            "\n\"payload-register\" is used while a hook is running to let Juju know that a\n\
             payload has been started. The information used to start the payload must be\n\
             provided when \"register\" is run.\n\
             \n\
             The payload class must correspond to one of the payloads defined in\n\
             the charm's metadata.yaml.\n\
             \n\
             An example fragment from metadata.yaml:\n\
             \n\
             payloads:\n    \
             monitoring:\n        \
             type: docker\n    \
             kvm-guest:\n        \
             type: kvm\n\n",
        )
        .after_long_help("\n    payload-register monitoring docker 0fcgaba\n")
}

/// `payload-unregister.go`.
pub(crate) fn unregister_command() -> Command {
    cmd::tool_command("payload-unregister", "<class> <id>")
        .about("Stop tracking a payload.")
        .long_about(
            "\n\"payload-unregister\" is used while a hook is running to let Juju know\n\
             that a payload has been manually stopped. The <class> and <id> provided\n\
             must match a payload that has been previously registered with juju using\n\
             payload-register.\n",
        )
        .after_long_help("\n    payload-unregister monitoring 0fcgaba\n")
}

/// `payload-status-set.go`.
pub(crate) fn status_set_command() -> Command {
    cmd::tool_command("payload-status-set", "<class> <id> <status>")
        .about("Update the status of a payload.")
        .long_about(
            "\n\"payload-status-set\" is used to update the current status of a registered payload.\n\
             The <class> and <id> provided must match a payload that has been previously\n\
             registered with juju using payload-register. The <status> must be one of the\n\
             follow: starting, started, stopping, stopped\n",
        )
        .after_long_help("\n    payload-status-set monitor abcd13asa32c starting\n")
}

/// A validated payload call.
#[derive(Debug)]
pub enum Payload {
    /// payload-register: type, class and id, then the tags (Juju's labels).
    Register { kind: String, class: String, id: String, labels: Vec<String> },
    /// payload-unregister: class and id.
    Unregister { class: String, id: String },
    /// payload-status-set: class, id and status (checked at Run, as Juju's `validate`).
    StatusSet { class: String, id: String, status: String },
}

fn strings(m: &ArgMatches) -> Result<Vec<String>, UsageError> {
    cmd::positionals(m).iter().map(|a| cmd::require_utf8(a).map(str::to_string)).collect()
}

fn missing() -> UsageError {
    UsageError("missing required arguments".into())
}

/// `PayloadRegisterCmd.Init`: type, class and id, then any tags.
pub fn init_register(m: &ArgMatches) -> Result<Payload, UsageError> {
    let mut args = strings(m)?;
    if args.len() < 3 {
        return Err(missing());
    }
    let labels = args.split_off(3);
    let [kind, class, id] = <[String; 3]>::try_from(args).expect("three arguments");
    Ok(Payload::Register { kind, class, id, labels })
}

/// `PayloadUnregisterCmd.Init`: class and id.
pub fn init_unregister(m: &ArgMatches) -> Result<Payload, UsageError> {
    let args = cmd::positionals(m);
    if args.len() < 2 {
        return Err(missing());
    }
    if args.len() > 2 {
        return Err(cmd::unrecognized(&args[2..]));
    }
    let class = cmd::require_utf8(&args[0])?.to_string();
    let id = cmd::require_utf8(&args[1])?.to_string();
    Ok(Payload::Unregister { class, id })
}

/// `PayloadStatusSetCmd.Init`: class, id and status.
pub fn init_status_set(m: &ArgMatches) -> Result<Payload, UsageError> {
    let args = cmd::positionals(m);
    if args.len() < 3 {
        return Err(missing());
    }
    if args.len() > 3 {
        return Err(cmd::unrecognized(&args[3..]));
    }
    let class = cmd::require_utf8(&args[0])?.to_string();
    let id = cmd::require_utf8(&args[1])?.to_string();
    let status = cmd::require_utf8(&args[2])?.to_string();
    Ok(Payload::StatusSet { class, id, status })
}

impl Run for Payload {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let fail = |message: String| Err(RunError { message, client_side: false });
        match *self {
            Payload::Register { kind, class, id, labels } => {
                if let Err(e) = check_class(&kind, &class) {
                    return fail(e);
                }
                ctx.register_payload(&kind, &class, &id, &labels).map_err(|e| e.unannotated())?;
            }
            Payload::Unregister { class, id } => {
                ctx.unregister_payload(&class, &id).map_err(|e| e.unannotated())?;
            }
            Payload::StatusSet { class, id, status } => {
                // `PayloadStatusSetCmd.validate`: the status before anything is asked.
                if let Err(e) = leaderd_core::payloads::validate_state(&status) {
                    return fail(e);
                }
                ctx.set_payload_status(&class, &id, &status).map_err(|e| e.unannotated())?;
            }
        }
        Ok(Outcome::default())
    }
}

/// `PayloadRegisterCmd.validate`: the class must be one of metadata.yaml's `payloads`, with
/// that type (metadata.yaml is read from the working directory, the charm's, as Juju does).
fn check_class(typ: &str, class: &str) -> Result<(), String> {
    let text = std::fs::read_to_string("metadata.yaml").map_err(|e| {
        let cwd = std::env::current_dir().unwrap_or_default();
        format!("open {}: {}", cwd.join("metadata.yaml").display(), leaderd_core::gocompat::go_error_text(&e))
    })?;
    let meta: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).map_err(|e| e.to_string())?;
    let declared = meta.get("payloads").and_then(|p| p.get(class));
    match declared {
        None => Err(format!("payload {} not found in metadata.yaml", go_quote(class))),
        Some(p) => {
            let want = p.get("type").and_then(|t| t.as_str()).unwrap_or_default();
            if want != typ {
                return Err(format!(
                    "incorrect type {} for payload {}, expected {}",
                    go_quote(typ),
                    go_quote(class),
                    go_quote(want)
                ));
            }
            Ok(())
        }
    }
}
