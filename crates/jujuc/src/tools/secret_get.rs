//! `secret-get`: print a secret's content (decoded), or one key's value; `KEY#base64` prints
//! the value as stored.

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::relation::bool_flag;
use super::secret;
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{go_quote, Node, Tree, Value};
use leaderd_core::wire::hook::SecretGetRequest;

pub const NAME: &str = "secret-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("ID KEY", "The secret, and the key to print (all keys with none)")),
    live_keys: None,
};

const DETAILS: &str = r#"
Get the content of a secret with a given secret ID.
The first time the value is fetched, the latest revision is used.
Subsequent calls will always return this same revision unless
--peek or --refresh are used.
Using --peek will fetch the latest revision just this time.
Using --refresh will fetch the latest revision and continue to
return the same revision next time unless --peek or --refresh is used.

Either the ID or label can be used to identify the secret.
"#;

const EXAMPLES: &str = r#"
    secret-get secret:9m4e2mr0ui3e8a215n4g
    secret-get secret:9m4e2mr0ui3e8a215n4g token
    secret-get secret:9m4e2mr0ui3e8a215n4g token#base64
    secret-get secret:9m4e2mr0ui3e8a215n4g --format json
    secret-get secret:9m4e2mr0ui3e8a215n4g --peek
    secret-get secret:9m4e2mr0ui3e8a215n4g --refresh
    secret-get secret:9m4e2mr0ui3e8a215n4g --label db-password
"#;

/// The clap definition, with Juju 3.6's help text.
pub(crate) fn uu_app() -> Command {
    secret::yaml_json_output_args(cmd::tool_command(NAME, "<ID> [key[#base64]]"))
        .about("Get the content of a secret.")
        .long_about(DETAILS)
        .after_long_help(EXAMPLES)
        .arg(secret::string_option("label", "label", "", "a label used to identify the secret in hooks"))
        .arg(bool_flag("peek", "get the latest revision just this time"))
        .arg(bool_flag("refresh", "get the latest revision and also get this same revision for subsequent calls"))
}

/// A validated `secret-get` call.
#[derive(Debug)]
pub struct SecretGet {
    request: SecretGetRequest,
    key: Option<String>,
    output: OutputOptions,
}

/// `secretGetCommand.Init`.
pub fn init(m: &ArgMatches) -> Result<SecretGet, UsageError> {
    let mut args = cmd::positionals(m).into_iter();
    let id = match args.next() {
        Some(first) => Some(secret::secret_uri_not_valid(&first)?.id.as_str().to_string()),
        None => None,
    };
    let label = m.get_one::<String>("label").cloned().unwrap_or_default();
    if id.is_none() && label.is_empty() {
        return Err(UsageError("require either a secret URI or label".into()));
    }
    let flag = |name: &str| m.get_one::<bool>(name).copied().unwrap_or(false);
    let (peek, refresh) = (flag("peek"), flag("refresh"));
    if peek && refresh {
        return Err(UsageError("specify one of --peek or --refresh but not both".into()));
    }
    let rest: Vec<_> = args.collect();
    let key = match rest.first() {
        Some(key) => Some(cmd::require_utf8(key)?.to_string()),
        None => None,
    };
    if rest.len() > 1 {
        return Err(cmd::unrecognized(&rest[1..]));
    }
    let label = (!label.is_empty()).then_some(label);
    let request = SecretGetRequest { context_id: String::new(), id, label, refresh, peek };
    Ok(SecretGet { request, key, output: OutputOptions::from_matches(m) })
}

fn decode(value: &str) -> Result<Vec<u8>, RunError> {
    leaderd_core::base64::decode(value.as_bytes()).map_err(|e| RunError { message: e.to_string(), client_side: false })
}

impl Run for SecretGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let content = ctx.secret_get(self.request).map_err(|e| e.unannotated())?;
        // Juju decodes every value first (`Values`), so one bad value fails any call.
        let mut decoded = Tree::new();
        for (key, value) in &content {
            decoded.insert(key.clone(), Node::Bytes(decode(value)?));
        }
        let Some(key) = self.key else {
            return Ok(Outcome::print(Value::Tree(decoded), self.output));
        };
        // `KeyValue`: `#base64` asks for the value as stored.
        let (name, as_stored) = match key.strip_suffix("#base64") {
            Some(name) => (name, true),
            None => (key.as_str(), false),
        };
        let Some(stored) = content.get(name) else {
            return Err(RunError {
                message: format!("secret key value {} not found", go_quote(name)),
                client_side: false,
            });
        };
        let value = if as_stored { Value::Str(stored.clone()) } else { Value::Bytes(decode(stored)?) };
        Ok(Outcome::print(value, self.output))
    }
}
