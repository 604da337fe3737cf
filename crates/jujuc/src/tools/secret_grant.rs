//! `secret-grant`: let the application at the other end of a relation (or one of its units)
//! read an owned secret, for as long as the relation lasts. Held until the hook succeeds.

use std::ffi::OsString;

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::relation::{self, Checked, HookRelation};
use super::secret;
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::go_quote;
use leaderd_core::names::unit_application;
use leaderd_core::secrets::SecretUri;
use leaderd_core::wire::hook::SecretAccessRequest;

pub const NAME: &str = "secret-grant";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("ID", "The secret")),
    live_keys: None,
};

const DETAILS: &str = r#"
Grant access to view the value of a specified secret.
Access is granted in the context of a relation - unless revoked
earlier, once the relation is removed, so too is the access grant.

By default, all units of the related application are granted access.
Optionally specify a unit name to limit access to just that unit.
"#;

const EXAMPLES: &str = r#"
    secret-grant secret:9m4e2mr0ui3e8a215n4g -r 0 --unit mediawiki/6
    secret-grant secret:9m4e2mr0ui3e8a215n4g --relation db:2
"#;

/// The clap definition, with Juju 3.6's help text.
pub(crate) fn uu_app() -> Command {
    let hook = HookRelation::from_env();
    cmd::tool_command(NAME, "<ID>")
        .about("Grant access to a secret.")
        .long_about(DETAILS)
        .after_long_help(EXAMPLES)
        .arg(secret::string_option("unit", "unit", "", "the unit to grant access"))
        .arg(relation::relation_arg(&hook, "the relation with which to associate the grant"))
}

/// What Init checked before the relation is known.
#[derive(Debug)]
pub struct Grant {
    uri: SecretUri,
    unit: Option<String>,
    extra: Vec<OsString>,
}

/// A validated `secret-grant` call: the relation is checked first, as Juju checks `-r` while
/// it parses.
pub struct SecretGrant {
    checked: Option<Checked<Grant>>,
}

/// `secretGrantCommand.Init`, up to what needs the relation.
pub fn init(m: &ArgMatches) -> Result<SecretGrant, UsageError> {
    let args = cmd::positionals(m);
    let uri = match args.first() {
        None => Err(UsageError("missing secret URI".into())),
        Some(first) => secret::secret_uri(first),
    };
    let relation = match relation::chosen(m, &HookRelation::from_env()) {
        Ok(relation) => relation,
        // Without a relation, the URI's error comes first.
        Err(e) => return Err(uri.err().unwrap_or(e)),
    };
    let unit = m.get_one::<String>("unit").filter(|u| !u.is_empty()).cloned();
    let init = uri.and_then(|uri| {
        if let Some(unit) = &unit {
            unit_application(unit).map_err(|_| UsageError(format!("unit {} not valid", go_quote(unit))))?;
        }
        Ok(Grant { uri, unit, extra: args[1..].to_vec() })
    });
    Ok(SecretGrant { checked: Some(Checked { relation, init }) })
}

impl Run for SecretGrant {
    fn run(mut self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let checked = self.checked.take().expect("checked once");
        let (relation, grant) = match relation::resolve(ctx, checked)? {
            Ok(found) => found,
            Err(outcome) => return Ok(outcome),
        };
        let app = relation.remote_app;
        if let Some(unit) = &grant.unit {
            if unit_application(unit).ok() != Some(app.as_str()) {
                let message =
                    format!("cannot specify unit {} in relation to application {}", go_quote(unit), go_quote(&app));
                return Ok(Outcome::usage(&message));
            }
        }
        if !grant.extra.is_empty() {
            return Ok(Outcome::usage(&cmd::unrecognized(&grant.extra).0));
        }
        let request = SecretAccessRequest {
            context_id: String::new(),
            id: grant.uri.id.as_str().to_string(),
            relation_id: Some(relation.id),
            application: (!app.is_empty()).then_some(app),
            unit: grant.unit,
        };
        ctx.secret_access(true, request).map_err(|e| e.unannotated())?;
        Ok(Outcome::default())
    }

    fn usage_error(&self) -> Option<String> {
        self.checked.as_ref().and_then(|c| c.init.as_ref().err()).map(|e| e.0.clone())
    }
}
