//! What the four relation tools share: the hook's default relation, the `-r/--relation` option
//! (Juju's `relationIdValue`, `jujuc/context.go`), the `--app` flag, and the rule that a `-r`
//! naming no relation of this unit is a usage error (exit 2) that wins over Init's errors.
//!
//! Juju takes the defaults (relation, remote unit, remote application) from the agent's hook
//! context; jujuc reads them from the hook's environment, which the agent fills with the same
//! values (`JUJU_RELATION`, `JUJU_RELATION_ID`, `JUJU_REMOTE_UNIT`, `JUJU_REMOTE_APP`). The two
//! differ only for a charm that rewrites those variables before calling a tool (docs/hook-tools.md,
//! "Deviations from Juju, on purpose").

use clap::{Arg, ArgMatches};

use super::cmd::UsageError;
use super::{ContextError, Outcome, RunError, ToolContext};
use leaderd_core::format::go_quote;
use leaderd_core::relations::{parse_relation_id, RelationIdError};
use leaderd_core::wire::hook::RelationInfo;

/// The relation hook this process runs in, as the agent described it in the environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HookRelation {
    /// `JUJU_RELATION_ID` (`<endpoint>:<id>`), if this is a relation hook.
    pub fake_id: Option<String>,
    pub id: Option<i64>,
    /// `JUJU_RELATION`: the endpoint name.
    pub endpoint: Option<String>,
    /// `JUJU_REMOTE_UNIT` (empty in -created and -broken, and for an application-bag change).
    pub remote_unit: Option<String>,
    /// `JUJU_REMOTE_APP`.
    pub remote_app: Option<String>,
}

impl HookRelation {
    /// Read from the environment: only a hook with `JUJU_RELATION_ID` is a relation hook.
    pub fn from_env() -> HookRelation {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let Some(fake_id) = var("JUJU_RELATION_ID") else {
            return HookRelation::default();
        };
        HookRelation {
            id: parse_relation_id(&fake_id).ok(),
            fake_id: Some(fake_id),
            endpoint: var("JUJU_RELATION"),
            remote_unit: var("JUJU_REMOTE_UNIT"),
            remote_app: var("JUJU_REMOTE_APP"),
        }
    }
}

/// The `-r/--relation` option; its help shows the hook's relation as the default (Juju prints
/// `r.FakeId()` there, and nothing outside a relation hook).
pub(crate) fn relation_arg(hook: &HookRelation, help: &'static str) -> Arg {
    Arg::new(RELATION)
        .short('r')
        .long("relation")
        .value_name("ID")
        .default_value(hook.fake_id.clone().unwrap_or_default())
        .allow_hyphen_values(true)
        .help(help)
}

/// The id of the `-r` option (also looked up by `cmd`, which validates it while parsing).
pub(crate) const RELATION: &str = "relation";
/// A hidden option `cmd` adds while parsing: how the user spelled `-r` (`-r` or `--relation`),
/// for Juju's error message.
pub(crate) const RELATION_SPELLING: &str = "relation-spelling";

/// A Go bool option (`--app`, `--app=false`; see `cmd::is_bool`).
pub(crate) fn bool_flag(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .num_args(0..=1)
        .require_equals(true)
        .default_value("false")
        .default_missing_value("true")
        .value_parser(clap::value_parser!(bool))
        .help(help)
}

/// Which relation a call is about: the one `-r` named (with its spelling and text, for the
/// "relation not found" message), or the hook's own.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    pub id: i64,
    /// `Some((spelling, value))` when given with `-r`/`--relation`.
    pub given: Option<(String, String)>,
}

/// The relation of a call, or Juju's Init error when there is none (`RelationId == -1`).
pub fn chosen(m: &ArgMatches, hook: &HookRelation) -> Result<Chosen, UsageError> {
    let given = m
        .get_one::<String>(RELATION)
        .filter(|_| m.value_source(RELATION) == Some(clap::parser::ValueSource::CommandLine));
    if let Some(value) = given {
        let spelling = m.get_one::<String>(RELATION_SPELLING).cloned().unwrap_or_else(|| "-r".into());
        // `cmd` has already refused a malformed id, so this parses.
        let id = parse_relation_id(value).map_err(|e| not_valid(&spelling, value, e))?;
        return Ok(Chosen { id, given: Some((spelling, value.clone())) });
    }
    match hook.id {
        Some(id) => Ok(Chosen { id, given: None }),
        None => Err(UsageError("no relation id specified".into())),
    }
}

/// gnuflag's words for a `-r` value `relationIdValue.Set` refused.
pub(crate) fn not_valid(spelling: &str, value: &str, e: RelationIdError) -> UsageError {
    UsageError(format!("invalid value {} for option {spelling}: {}", go_quote(value), e.text()))
}

/// A relation call after Init: the relation to check first, and an Init error to report after
/// that check (Juju validates `-r` while it parses flags, before Init runs).
pub struct Checked<T> {
    pub relation: Chosen,
    pub init: Result<T, UsageError>,
}

/// Finds the chosen relation among the hook's: `Ok(Err(outcome))` is Juju's exit-2 "relation
/// not found" (or the postponed Init error), ready to return.
pub fn resolve<T>(
    ctx: &mut dyn ToolContext,
    checked: Checked<T>,
) -> Result<Result<(RelationInfo, T), Outcome>, RunError> {
    let relations = ctx.relations().map_err(|e| e.unannotated())?;
    let found = relations.into_iter().find(|r| i64::try_from(r.id) == Ok(checked.relation.id));
    let Some(relation) = found else {
        let message = match &checked.relation.given {
            Some((spelling, value)) => not_valid(spelling, value, RelationIdError::NotFound).0,
            None => "relation not found".to_string(),
        };
        return Ok(Err(Outcome::usage(&message)));
    };
    match checked.init {
        Ok(init) => Ok(Ok((relation, init))),
        Err(UsageError(message)) => Ok(Err(Outcome::usage(&message))),
    }
}

/// A relation-data error: the agent's own words, as Juju prints its API's errors; a controller
/// that could not be reached is annotated like a failed read.
pub(crate) fn data_error(e: ContextError, what: &str) -> RunError {
    match e {
        ContextError::Refused { code: leaderd_core::wire::ErrorCode::Unreachable, .. } => e.annotate(what),
        e => e.unannotated(),
    }
}

/// An option error that followed a well-formed `-r` (Juju reads options in order and checks the
/// relation as it reads it): "relation not found" if the relation is not the unit's, else the
/// option error; outside a hook, the option error.
pub(crate) struct OptionErrorAfterRelation {
    checked: Option<Checked<()>>,
}

impl OptionErrorAfterRelation {
    pub fn new(spelling: String, value: String, error: String) -> OptionErrorAfterRelation {
        let id = parse_relation_id(&value).unwrap_or(-1);
        let relation = Chosen { id, given: Some((spelling, value)) };
        OptionErrorAfterRelation { checked: Some(Checked { relation, init: Err(UsageError(error)) }) }
    }
}

impl super::Run for OptionErrorAfterRelation {
    fn run(mut self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let checked = self.checked.take().expect("checked once");
        let error = checked.init.clone().err().map(|e| e.0).unwrap_or_default();
        Ok(resolve(ctx, checked)?.err().unwrap_or_else(|| Outcome::usage(&error)))
    }

    fn usage_error(&self) -> Option<String> {
        self.checked.as_ref().and_then(|c| c.init.as_ref().err()).map(|e| e.0.clone())
    }
}
