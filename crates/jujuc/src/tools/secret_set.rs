//! `secret-set`: change an owned secret's content (a new revision) or its metadata. The agent
//! holds the change until the hook succeeds.

use std::time::SystemTime;

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::secret::{self, Upsert};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::secrets::SecretUri;

pub const NAME: &str = "secret-set";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m, SystemTime::now())?)),
    positional: Some(("ID KEY=VALUE", "The secret, then its new content")),
    live_keys: None,
};

const DETAILS: &str = r#"
Update a secret with a list of key values, or set new metadata.
If a value has the '#base64' suffix, it is already in base64 format and no
encoding will be performed, otherwise the value will be base64 encoded
prior to being stored.
To just update selected metadata like rotate policy, do not specify any secret value.
"#;

const EXAMPLES: &str = r#"
    secret-set secret:9m4e2mr0ui3e8a215n4g token=34ae35facd4
    secret-set secret:9m4e2mr0ui3e8a215n4g key#base64 AA==
    secret-set secret:9m4e2mr0ui3e8a215n4g --rotate monthly token=s3cret 
    secret-set secret:9m4e2mr0ui3e8a215n4g --expire 24h
    secret-set secret:9m4e2mr0ui3e8a215n4g --expire 24h token=s3cret 
    secret-set secret:9m4e2mr0ui3e8a215n4g --expire 2025-01-01T06:06:06 token=s3cret 
    secret-set secret:9m4e2mr0ui3e8a215n4g --label db-password \
        --description "my database password" \
        data#base64 s3cret== 
    secret-set secret:9m4e2mr0ui3e8a215n4g --label db-password \
        --description "my database password"
    secret-set secret:9m4e2mr0ui3e8a215n4g --label db-password \
        --description "my database password" \
        --file=/path/to/file
"#;

/// The clap definition, with Juju 3.6's help text (`--owner` is accepted and checked, but
/// unused, as in Juju).
pub(crate) fn uu_app() -> Command {
    secret::upsert_args(cmd::tool_command(NAME, "<ID> [key[#base64]=value...]"))
        .about("Update an existing secret.")
        .long_about(DETAILS)
        .after_long_help(EXAMPLES)
}

/// A validated `secret-set` call.
#[derive(Debug)]
pub struct SecretSet {
    uri: SecretUri,
    upsert: Upsert,
}

/// `secretUpdateCommand.Init`: the URI, then the shared checks on the rest.
pub fn init(m: &ArgMatches, now: SystemTime) -> Result<SecretSet, UsageError> {
    let args = cmd::positionals(m);
    let Some(first) = args.first() else {
        return Err(UsageError("missing secret URI".into()));
    };
    let uri = secret::secret_uri(first)?;
    let mut upsert = secret::upsert_init(m, &args[1..], now)?;
    // No content means a metadata-only change.
    upsert.fields.content = upsert.fields.content.filter(|c| !c.is_empty());
    Ok(SecretSet { uri, upsert })
}

impl Run for SecretSet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        ctx.secret_set(self.uri.id.as_str(), self.upsert.fields).map_err(|e| e.unannotated())?;
        Ok(Outcome::default())
    }
}
