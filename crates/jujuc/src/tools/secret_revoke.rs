//! `secret-revoke`: take back read access to an owned secret from an application (all its
//! units) or one unit; `-r` (or the hook's relation) names the application at its other end.
//! Held until the hook succeeds.

use std::ffi::OsString;

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::relation::{self, Checked, Chosen, HookRelation};
use super::secret;
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::go_quote;
use leaderd_core::names::{check_application, unit_application};
use leaderd_core::secrets::SecretUri;
use leaderd_core::wire::hook::SecretAccessRequest;

pub const NAME: &str = "secret-revoke";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("ID", "The secret")),
    live_keys: None,
};

const DETAILS: &str = r#"
Revoke access to view the value of a specified secret.
Access may be revoked from an application (all units of
that application lose access), or from a specified unit.
If run in a relation hook, the related application's 
access is revoked, unless a uni is specified, in which
case just that unit's access is revoked.'
"#;

const EXAMPLES: &str = r#"
    secret-revoke secret:9m4e2mr0ui3e8a215n4g
    secret-revoke secret:9m4e2mr0ui3e8a215n4g --relation 1
    secret-revoke secret:9m4e2mr0ui3e8a215n4g --app mediawiki
    secret-revoke secret:9m4e2mr0ui3e8a215n4g --unit mediawiki/6
"#;

/// The clap definition, with Juju 3.6's help text.
pub(crate) fn uu_app() -> Command {
    let hook = HookRelation::from_env();
    cmd::tool_command(NAME, "<ID>")
        .about("Revoke access to a secret.")
        .long_about(DETAILS)
        .after_long_help(EXAMPLES)
        .arg(secret::string_option("app", "app", "", "the application to revoke access").visible_alias("application"))
        .arg(secret::string_option("unit", "unit", "", "the unit to revoke access"))
        .arg(relation::relation_arg(&hook, "the relation for which to revoke the grant"))
}

/// What Init checked before the relation (if any) is known.
#[derive(Debug)]
pub struct Revoke {
    uri: SecretUri,
    app: Option<String>,
    unit: Option<String>,
    extra: Vec<OsString>,
}

/// A validated `secret-revoke` call.
pub enum SecretRevoke {
    /// A relation (`-r` or the hook's) supplies the application.
    ByRelation(Option<Checked<Revoke>>),
    Direct(Revoke),
}

/// `secretRevokeCommand.Init`, up to what needs the relation.
pub fn init(m: &ArgMatches) -> Result<SecretRevoke, UsageError> {
    let args = cmd::positionals(m);
    let non_empty = |id: &str| m.get_one::<String>(id).filter(|v| !v.is_empty()).cloned();
    let (app, unit) = (non_empty("app"), non_empty("unit"));
    let relation: Option<Chosen> = relation::chosen(m, &HookRelation::from_env()).ok();
    let checks = || -> Result<Revoke, UsageError> {
        let first = args.first().ok_or_else(|| UsageError("missing secret URI".into()))?;
        let uri = secret::secret_uri(first)?;
        if let Some(app) = &app {
            check_application(app).map_err(|_| UsageError(format!("application {} not valid", go_quote(app))))?;
        }
        if let Some(unit) = &unit {
            unit_application(unit).map_err(|_| UsageError(format!("unit {} not valid", go_quote(unit))))?;
        }
        if app.is_some() && unit.is_some() {
            return Err(UsageError("specify only one of application or unit".into()));
        }
        Ok(Revoke { uri, app: app.clone(), unit: unit.clone(), extra: args.get(1..).unwrap_or_default().to_vec() })
    };
    let init = checks();
    match relation {
        Some(relation) => Ok(SecretRevoke::ByRelation(Some(Checked { relation, init }))),
        None => {
            let revoke = init?;
            if revoke.app.is_none() && revoke.unit.is_none() {
                return Err(UsageError("missing relation or application or unit".into()));
            }
            if !revoke.extra.is_empty() {
                return Err(cmd::unrecognized(&revoke.extra));
            }
            Ok(SecretRevoke::Direct(revoke))
        }
    }
}

fn send(ctx: &mut dyn ToolContext, revoke: Revoke) -> Result<Outcome, RunError> {
    let request = SecretAccessRequest {
        context_id: String::new(),
        id: revoke.uri.id.as_str().to_string(),
        relation_id: None,
        application: revoke.app,
        unit: revoke.unit,
    };
    ctx.secret_access(false, request).map_err(|e| e.unannotated())?;
    Ok(Outcome::default())
}

impl Run for SecretRevoke {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let checked = match *self {
            SecretRevoke::Direct(revoke) => return send(ctx, revoke),
            SecretRevoke::ByRelation(checked) => checked.expect("checked once"),
        };
        let (relation, mut revoke) = match relation::resolve(ctx, checked)? {
            Ok(found) => found,
            Err(outcome) => return Ok(outcome),
        };
        // Juju: even the hook's own relation conflicts with `--app`.
        if revoke.app.is_some() {
            return Ok(Outcome::usage("do not specify both relation and app"));
        }
        revoke.app = (!relation.remote_app.is_empty()).then_some(relation.remote_app);
        if revoke.app.is_none() && revoke.unit.is_none() {
            return Ok(Outcome::usage("missing relation or application or unit"));
        }
        if !revoke.extra.is_empty() {
            return Ok(Outcome::usage(&cmd::unrecognized(&revoke.extra).0));
        }
        send(ctx, revoke)
    }

    fn usage_error(&self) -> Option<String> {
        match self {
            SecretRevoke::ByRelation(Some(c)) => c.init.as_ref().err().map(|e| e.0.clone()),
            _ => None,
        }
    }
}
