//! `secret-add`: create a secret owned by the application (leader only) or the unit, and print
//! its URI. The agent holds the new secret until the hook succeeds.

use std::time::SystemTime;

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::secret::{self, Upsert};
use super::{Outcome, Run, RunError, Tool, ToolContext};

pub const NAME: &str = "secret-add";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m, SystemTime::now())?)),
    positional: Some(("KEY=VALUE", "Secret content: key=value, key#base64=value or key#file=path")),
    live_keys: None,
};

const DETAILS: &str = r#"
Add a secret with a list of key values.

If a key has the '#base64' suffix, the value is already in base64 format and no
encoding will be performed, otherwise the value will be base64 encoded
prior to being stored.

If a key has the '#file' suffix, the value is read from the corresponding file.

By default, a secret is owned by the application, meaning only the unit
leader can manage it. Use "--owner unit" to create a secret owned by the
specific unit which created it.
"#;

const EXAMPLES: &str = r#"
    secret-add token=34ae35facd4
    secret-add key#base64=AA==
    secret-add key#file=/path/to/file another-key=s3cret
    secret-add --owner unit token=s3cret 
    secret-add --rotate monthly token=s3cret 
    secret-add --expire 24h token=s3cret 
    secret-add --expire 2025-01-01T06:06:06 token=s3cret 
    secret-add --label db-password \
        --description "my database password" \
        data#base64=s3cret== 
    secret-add --label db-password \
        --description "my database password" \
        --file=/path/to/file
"#;

/// The clap definition, with Juju 3.6's help text.
pub(crate) fn uu_app() -> Command {
    secret::upsert_args(cmd::tool_command(NAME, "[key[#base64|#file]=value...]"))
        .about("Add a new secret.")
        .long_about(DETAILS)
        .after_long_help(EXAMPLES)
}

/// A validated `secret-add` call.
#[derive(Debug)]
pub struct SecretAdd {
    upsert: Upsert,
}

/// `secretAddCommand.Init`: content or a file, then the shared checks.
pub fn init(m: &ArgMatches, now: SystemTime) -> Result<SecretAdd, UsageError> {
    let args = cmd::positionals(m);
    if args.is_empty() && !secret::has_file(m) {
        return Err(UsageError("missing secret value or filename".into()));
    }
    Ok(SecretAdd { upsert: secret::upsert_init(m, &args, now)? })
}

impl Run for SecretAdd {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let Upsert { owner, fields } = self.upsert;
        if fields.content.as_ref().is_none_or(|c| c.is_empty()) {
            return Err(RunError { message: "empty secret value not valid".into(), client_side: false });
        }
        let uri = ctx.secret_add(&owner, fields).map_err(|e| e.unannotated())?;
        Ok(Outcome { stdout: format!("{uri}\n").into_bytes(), ..Default::default() })
    }
}
