//! `juju status [options] [<selector> [...]]` (juju/juju 3.6 `cmd/juju/status`): the model,
//! its applications and units, as the model's controller knows them, in one snapshot
//! (`GET /v1/model/status`; no agent is asked).
//!
//! The JSON and YAML forms are Juju's `formattedStatus` (`formatted.go`), field for field and
//! with its `omitempty` rules: `machines` always (`{}`: leaderd has no machines), `storage` as
//! `{}`, an application's status derived from its units' when its leader set none
//! (`core/status` `DeriveStatus`), a unit whose agent reports a failed hook in `error` with the
//! agent `idle` (`apiserver/facades/client/client/status.go`, `processUnitAndAgentStatus`),
//! `leader` only when true, each unit at `127.0.0.1` with `provider-id` `<app>-<n>`.

use std::collections::BTreeMap;

use clap::{Arg, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::format::{self, Format, Node, Tree, Value};
use leaderd_core::wire::controller::{ModelApplication, ModelStatusResponse, ModelUnit};

use super::model::{self, Model};
use super::{view, JujuCommand, Outcome, Run, RunError};

pub(crate) const STATUS: JujuCommand =
    JujuCommand { name: "status", command, init: |m| Ok(Box::new(Status::init(m)?)) };

/// The formats `juju status` takes (the tabular ones beyond `tabular` print as `tabular`).
const FORMATS: [&str; 7] = ["json", "line", "oneline", "short", "summary", "tabular", "yaml"];

fn command() -> Command {
    model::model_option(cmd::tool_command("juju status", "[<selector> [...]]"))
        .about("Report the status of the model, its machines, applications and units.")
        .long_about(
            "\nReport the model's status, optionally filtered by names of applications or\nunits. When selectors are \
             present, filter the report to exclude entities that\ndo not match.\n\n    juju status [<selector> \
             [...]]\n\n<selector> selects units or applications from the model to display.\nWildcard characters (*) \
             enable multiple entities to be matched at the same\ntime.\n\nThe '--format' option allows you to \
             specify how the status report is formatted:\ntabular (the default), json or yaml.\n",
        )
        .after_long_help("\nProvide output as valid JSON:\n\n    juju status --format=json\n")
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .default_value("tabular")
                .value_parser(FORMATS)
                .help(format!("Specify output format ({})", FORMATS.join("|"))),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("FILE")
                .default_value("")
                .value_parser(clap::builder::OsStringValueParser::new())
                .help("Specify an output file"),
        )
        .arg(cmd::bool_flag("utc", "Display timestamps in the UTC timezone"))
        .arg(cmd::bool_flag("color", "Use ANSI color codes in tabular output"))
        .arg(cmd::bool_flag("no-color", "Disable ANSI color codes in tabular output"))
        .arg(cmd::bool_flag("integrations", "Show 'integrations' section in tabular output"))
        .arg(cmd::bool_flag("relations", "The same as '--integrations'"))
        .arg(cmd::bool_flag("storage", "Show 'storage' section in tabular output"))
        .arg(
            Arg::new("retry-count")
                .long("retry-count")
                .default_value("3")
                .help("Number of times to retry API failures"),
        )
        .arg(
            Arg::new("retry-delay")
                .long("retry-delay")
                .default_value("100ms")
                .help("Time to wait between retry attempts"),
        )
}

struct Status {
    matches: ArgMatches,
    format: String,
    output: Option<std::ffi::OsString>,
    iso: bool,
    relations: bool,
    selectors: Vec<String>,
}

impl Status {
    fn init(m: &ArgMatches) -> Result<Status, UsageError> {
        if m.get_flag("color") && m.get_flag("no-color") {
            return Err(UsageError("cannot mix --no-color and --color".into()));
        }
        let selectors = cmd::positionals(m).iter().map(|s| s.to_string_lossy().into_owned()).collect();
        Ok(Status {
            matches: m.clone(),
            format: m.get_one::<String>("format").cloned().unwrap_or_else(|| "tabular".into()),
            output: m.get_one::<std::ffi::OsString>("output").filter(|p| !p.is_empty()).cloned(),
            iso: view::iso_time(m.get_flag("utc")),
            relations: m.get_flag("relations") || m.get_flag("integrations"),
            selectors,
        })
    }
}

impl Run for Status {
    fn run(&self) -> Result<Outcome, RunError> {
        let model = Model::resolve(&self.matches)?;
        let (up, client) = view::operator(&model, None)?;
        let snapshot = view::ask(client.model_status())?;
        let charms: BTreeMap<String, (String, u64)> = snapshot
            .applications
            .iter()
            .map(|(name, app)| (name.clone(), view::charm_of(&up, name, app.charm_revision, app.charm_path.as_deref())))
            .collect();
        let input = Input {
            model: &model.name,
            created_ms: model_created_ms(&model),
            snapshot: &filtered(&lost_agents(in_model(snapshot, &up), &up), &self.selectors),
            charms: &charms,
            iso: self.iso,
            dying: dying(&up),
            bases: up.applications.iter().filter_map(|a| Some((a.name.clone(), a.base.clone()?))).collect(),
        };
        let text = match self.format.as_str() {
            "json" => format::render(Format::Json, &Value::Struct(formatted(&input))),
            "yaml" => format::render(Format::Yaml, &Value::Struct(formatted(&input))),
            _ => tabular(&input, self.relations),
        };
        // juju/juju `cmd/juju/status/status.go`, `Run`: after the output, whatever its format,
        // `ctx.Infof` says why there is nothing in it.
        let stderr = match (input.snapshot.applications.is_empty(), self.selectors.len()) {
            (false, _) => String::new(),
            (true, 0) => format!("\nModel {} is empty.\n", leaderd_core::gocompat::go_quote(&model.qualified())),
            (true, 1) => "Nothing matched specified filter.\n".into(),
            (true, _) => "Nothing matched specified filters.\n".into(),
        };
        let stdout = match &self.output {
            None => text.into_bytes(),
            Some(path) => {
                jujuc::tools::write_output_file(path, text.as_bytes()).map_err(|e| RunError(e.to_string()))?;
                Vec::new()
            }
        };
        Ok(Outcome { stdout, stderr: stderr.into_bytes(), ..Default::default() })
    }
}

/// When the model was made: as `add-model` recorded it, else its state directory's birth (else
/// its last change).
fn model_created_ms(model: &Model) -> u64 {
    if let Ok(record) = model::ModelRecord::load(&model.dir) {
        return record.created_ms;
    }
    let meta = std::fs::metadata(&model.dir).ok();
    let time = meta.and_then(|m| m.created().or_else(|_| m.modified()).ok());
    time.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_millis() as u64)
}

/// The applications the model's `up` runs (one `remove-application` took is gone from its
/// record at once, though the controller keeps its config), and the relations between them.
fn in_model(mut snapshot: ModelStatusResponse, up: &crate::local::UpState) -> ModelStatusResponse {
    snapshot.applications.retain(|name, _| up.application(name).is_ok());
    let apps: Vec<String> = snapshot.applications.keys().cloned().collect();
    snapshot.relations.retain(|r| r.endpoints.iter().all(|e| apps.contains(&e.application)));
    snapshot
}

/// Units whose agent is not running (killed, paused, or exited by itself): Juju shows them
/// lost once it no longer hears from them, unless they had not finished installing.
fn lost_agents(mut snapshot: ModelStatusResponse, up: &crate::local::UpState) -> ModelStatusResponse {
    use crate::local::RunState;
    let gone: std::collections::BTreeSet<&str> = up
        .units
        .iter()
        .filter(|u| matches!(u.run, RunState::Paused | RunState::Killed | RunState::Exited))
        .map(|u| u.name.as_str())
        .collect();
    for app in snapshot.applications.values_mut() {
        for (name, unit) in app.units.iter_mut().filter(|(name, _)| gone.contains(name.as_str())) {
            mark_lost(name, unit);
        }
    }
    snapshot
}

/// juju/juju `apiserver/common/unitstatus.go` (`processUnitLost`, `canBeLost`): a unit whose
/// agent the controller does not hear from is `lost`, its workload `unknown` with a pointer to
/// its status log; an error stays shown, and a unit still installing is not lost yet.
pub(crate) fn mark_lost(name: &str, unit: &mut ModelUnit) {
    let installing = match unit.agent.status.as_str() {
        "allocating" | "running" => true,
        "executing" => unit.agent.message == "running install hook",
        _ => match unit.workload.status.status.as_str() {
            "maintenance" => unit.workload.status.message == "installing charm software",
            "waiting" => unit.workload.status.message == "waiting for machine",
            _ => false,
        },
    };
    if installing {
        return;
    }
    if unit.agent.status == "error" {
        // Shown as the workload's error, as `unit_statuses` shows it for a live agent.
        unit.workload.status.status = "error".into();
        unit.workload.status.message = unit.agent.message.clone();
        unit.workload.since_ms = unit.agent.since_ms;
    } else if unit.workload.status.status != "terminated" {
        unit.workload.status.status = "unknown".into();
        unit.workload.status.message = format!("agent lost, see 'juju show-status-log {name}'");
    }
    unit.agent.status = "lost".into();
    unit.agent.message = "agent is not communicating with the server".into();
    unit.agent.relation_id = None;
}

/// The applications and units the model's `up` is removing (`remove-application`,
/// `remove-unit`): Juju shows them `dying`.
fn dying(up: &crate::local::UpState) -> std::collections::BTreeSet<String> {
    let apps = up.applications.iter().filter(|a| a.removing).map(|a| a.name.clone());
    let units = up.units.iter().filter(|u| u.run == crate::local::RunState::Removing).map(|u| u.name.clone());
    apps.chain(units).collect()
}

/// The snapshot with only the applications a selector names (an application, one of its
/// units, or a `*` pattern of either); all of them without selectors.
fn filtered(snapshot: &ModelStatusResponse, selectors: &[String]) -> ModelStatusResponse {
    if selectors.is_empty() {
        return snapshot.clone();
    }
    let matches = |pattern: &str, name: &str| match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    };
    let mut out = snapshot.clone();
    out.applications
        .retain(|name, app| selectors.iter().any(|s| matches(s, name) || app.units.keys().any(|u| matches(s, u))));
    out
}

/// What the formatters read.
pub(crate) struct Input<'a> {
    pub model: &'a str,
    pub created_ms: u64,
    pub snapshot: &'a ModelStatusResponse,
    /// Each application's charm name and revision.
    pub charms: &'a BTreeMap<String, (String, u64)>,
    pub iso: bool,
    /// The applications and units being removed (`life: dying`).
    pub dying: std::collections::BTreeSet<String>,
    /// Each application's base as deploy recorded it (`ubuntu@24.04`).
    pub bases: BTreeMap<String, String>,
}

/// A status as Juju's `statusInfoContents` prints it (every field omitempty).
#[derive(Debug, Clone, Default, PartialEq)]
struct StatusInfo {
    current: String,
    message: String,
    since_ms: Option<u64>,
    version: String,
    life: String,
}

impl StatusInfo {
    fn node(&self, iso: bool) -> Node {
        let mut fields = Vec::new();
        let mut put = |name: &str, value: &str| {
            if !value.is_empty() {
                fields.push((name.to_string(), Node::Str(value.to_string())));
            }
        };
        put("current", &self.current);
        put("message", &self.message);
        put("since", &self.since_ms.map(|ms| view::format_time(ms, iso)).unwrap_or_default());
        put("version", &self.version);
        put("life", &self.life);
        Node::Struct(fields)
    }
}

/// A unit's workload and agent status as `juju status` shows them: a failed hook (the agent in
/// `error`) puts the workload in `error` with the agent's message and the agent back to
/// `idle` (juju/juju `apiserver/facades/client/client/status.go`, `processUnitAndAgentStatus`).
fn unit_statuses(unit: &ModelUnit) -> (StatusInfo, StatusInfo) {
    let agent_version = match unit.agent.status.as_str() {
        // No agent runs yet to have a version.
        "allocating" => String::new(),
        _ => leaderd_core::JUJU_VERSION.to_string(),
    };
    if unit.agent.status == "error" {
        let workload = StatusInfo {
            current: "error".into(),
            message: unit.agent.message.clone(),
            since_ms: unit.agent.since_ms,
            version: String::new(),
            life: String::new(),
        };
        let agent = StatusInfo {
            current: "idle".into(),
            message: String::new(),
            since_ms: unit.agent.since_ms,
            version: agent_version,
            life: String::new(),
        };
        return (workload, agent);
    }
    let workload = StatusInfo {
        current: unit.workload.status.status.clone(),
        message: unit.workload.status.message.clone(),
        since_ms: unit.workload.since_ms,
        version: String::new(),
        life: String::new(),
    };
    let agent = StatusInfo {
        current: unit.agent.status.clone(),
        message: unit.agent.message.clone(),
        since_ms: unit.agent.since_ms,
        version: agent_version,
        life: String::new(),
    };
    (workload, agent)
}

/// juju/juju `core/status` `statusSeverities`.
fn severity(status: &str) -> u32 {
    match status {
        "error" => 100,
        "blocked" => 90,
        "maintenance" => 80,
        "waiting" => 70,
        "active" => 60,
        "terminated" => 50,
        "unknown" => 40,
        _ => 0,
    }
}

/// The application status: its leader's, else `DeriveStatus` over its units' workload
/// statuses (the most severe wins, the first in name order on a tie; `unknown` with nothing
/// else when none is more severe than that).
fn application_status(app: &ModelApplication) -> StatusInfo {
    if let Some(set) = &app.status {
        return StatusInfo {
            current: set.status.status.clone(),
            message: set.status.message.clone(),
            since_ms: set.since_ms,
            version: String::new(),
            life: String::new(),
        };
    }
    let mut result = StatusInfo { current: "unknown".into(), ..Default::default() };
    for unit in app.units.values() {
        let (workload, _) = unit_statuses(unit);
        if severity(&workload.current) > severity(&result.current) {
            result = workload;
        }
    }
    result
}

/// The workload version Juju shows for the application: its leader's, else the first unit's
/// (in name order) that has one.
fn application_version(app: &ModelApplication) -> String {
    let leader =
        app.leader.as_ref().and_then(|l| app.units.get(l)).map(|u| u.version.clone()).filter(|v| !v.is_empty());
    leader.or_else(|| app.units.values().map(|u| u.version.clone()).find(|v| !v.is_empty())).unwrap_or_default()
}

/// Each of the application's endpoints with the other applications related through it, once
/// per relation, sorted (a peer relation relates the application to itself).
fn application_relations(
    name: &str,
    snapshot: &ModelStatusResponse,
) -> BTreeMap<String, Vec<(String, String, String)>> {
    let mut out: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    for relation in &snapshot.relations {
        for end in relation.endpoints.iter().filter(|e| e.application == name) {
            let others: Vec<_> = relation.endpoints.iter().filter(|o| !std::ptr::eq(*o, end)).collect();
            let related = match others.first() {
                Some(other) => other.application.clone(),
                None => name.to_string(),
            };
            out.entry(end.endpoint.name.clone()).or_default().push((
                related,
                end.endpoint.interface.clone(),
                end.endpoint.scope.clone(),
            ));
        }
    }
    for list in out.values_mut() {
        list.sort();
    }
    out
}

/// juju/juju `cmd/juju/status/formatter.go`, `updateUnitStatusInfo`: a unit in error over a
/// relation hook has ` for <app>:<endpoint>` of the relation's other end added to its message
/// (none for a peer relation, which has no other application).
fn with_relation(app: &str, unit: &ModelUnit, mut workload: StatusInfo, snapshot: &ModelStatusResponse) -> StatusInfo {
    if workload.current != "error" || unit.agent.status != "error" {
        return workload;
    }
    let relation = unit.agent.relation_id.and_then(|id| snapshot.relations.iter().find(|r| r.id == id));
    if let Some(other) = relation.and_then(|r| r.endpoints.iter().find(|e| e.application != app)) {
        workload.message = format!("{} for {}:{}", workload.message, other.application, other.endpoint.name);
    }
    workload
}

/// The unit's number (`testdb/3` → `3`).
fn unit_number(unit: &str) -> &str {
    unit.rsplit_once('/').map_or("0", |(_, n)| n)
}

fn str_node(s: &str) -> Node {
    Node::Str(s.to_string())
}

/// Juju's `formattedStatus` for `--format json|yaml`.
pub(crate) fn formatted(input: &Input) -> Vec<(String, Node)> {
    let snapshot = input.snapshot;
    let model_status = StatusInfo {
        current: "available".into(),
        since_ms: Some(input.created_ms).filter(|ms| *ms > 0),
        ..Default::default()
    };
    let model = Node::Struct(vec![
        ("name".into(), str_node(input.model)),
        ("type".into(), str_node("iaas")),
        ("controller".into(), str_node(model::CONTROLLER)),
        ("cloud".into(), str_node("localhost")),
        ("region".into(), str_node("localhost")),
        ("version".into(), str_node(leaderd_core::JUJU_VERSION)),
        ("model-status".into(), model_status.node(input.iso)),
        ("sla".into(), str_node("unsupported")),
    ]);
    let mut applications = Tree::new();
    for (name, app) in &snapshot.applications {
        let (charm_name, revision) = input.charms.get(name).cloned().unwrap_or((name.clone(), app.charm_revision));
        let mut fields = vec![("charm".to_string(), Node::Str(view::charm_url(&charm_name, revision)))];
        // formattedBase: the name and the channel's track (`ubuntu`, `24.04`).
        if let Some((name, channel)) = input.bases.get(name).and_then(|b| b.split_once('@')) {
            let base = vec![("name".to_string(), str_node(name)), ("channel".to_string(), str_node(channel))];
            fields.push(("base".into(), Node::Struct(base)));
        }
        fields.extend([
            ("charm-origin".to_string(), str_node("local")),
            ("charm-name".into(), Node::Str(charm_name.clone())),
            ("charm-rev".into(), Node::Int(revision as i64)),
            ("exposed".into(), Node::Bool(false)),
        ]);
        if input.dying.contains(name) {
            fields.push(("life".into(), str_node("dying")));
        }
        fields.push(("application-status".into(), application_status(app).node(input.iso)));
        let relations = application_relations(name, snapshot);
        if !relations.is_empty() {
            let tree: Tree = relations
                .into_iter()
                .map(|(endpoint, list)| {
                    let list = list
                        .into_iter()
                        .map(|(related, interface, scope)| {
                            let mut f = vec![("related-application".to_string(), Node::Str(related))];
                            if !interface.is_empty() {
                                f.push(("interface".into(), Node::Str(interface)));
                            }
                            if !scope.is_empty() {
                                f.push(("scope".into(), Node::Str(scope)));
                            }
                            Node::Struct(f)
                        })
                        .collect();
                    (endpoint, Node::List(list))
                })
                .collect();
            fields.push(("relations".into(), Node::Map(tree)));
        }
        let units: Tree = app
            .units
            .iter()
            .map(|(unit, status)| {
                let (workload, mut agent) = unit_statuses(status);
                let workload = with_relation(name, status, workload, snapshot);
                if input.dying.contains(unit) {
                    agent.life = "dying".into();
                }
                let mut f = vec![
                    ("workload-status".to_string(), workload.node(input.iso)),
                    ("juju-status".into(), agent.node(input.iso)),
                ];
                if app.leader.as_deref() == Some(unit.as_str()) {
                    f.push(("leader".into(), Node::Bool(true)));
                }
                if !status.ports.is_empty() {
                    f.push(("open-ports".into(), Node::List(status.ports.iter().map(|p| str_node(p)).collect())));
                }
                f.push(("public-address".into(), str_node("127.0.0.1")));
                f.push(("address".into(), str_node("127.0.0.1")));
                f.push(("provider-id".into(), Node::Str(format!("{name}-{}", unit_number(unit)))));
                (unit.clone(), Node::Struct(f))
            })
            .collect();
        if !units.is_empty() {
            fields.push(("units".into(), Node::Map(units)));
        }
        let version = application_version(app);
        if !version.is_empty() {
            fields.push(("version".into(), Node::Str(version)));
        }
        applications.insert(name.clone(), Node::Struct(fields));
    }
    vec![
        ("model".into(), model),
        ("machines".into(), Node::Map(Tree::new())),
        ("applications".into(), Node::Map(applications)),
        ("storage".into(), Node::Struct(Vec::new())),
        (
            "controller".into(),
            Node::Struct(vec![("timestamp".into(), Node::Str(view::format_timestamp(snapshot.now_ms, input.iso)))]),
        ),
    ]
}

/// Rows of cells as Go's tabwriter lays them out with Juju's settings (minimum width 0, tab
/// width 1, padding 2): each column as wide as its widest cell plus two spaces, the last
/// without padding; the columns named in `right` aligned right. Trailing spaces go.
/// Every cell goes through `printable_line`: versions, charm names, interfaces, statuses and
/// messages come from charms, and none may drive the operator's terminal (an escape sequence, a
/// carriage return that overwrites a row).
pub(crate) fn table(rows: &[Vec<String>], right: &[usize]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| leaderd_sys::events::printable_line(cell).into_owned()).collect())
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if right.contains(&c) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
            if c + 1 < row.len() {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The tabular form, close to Juju's `FormatTabular` for a model without machines (the unit
/// table of a Kubernetes model: address, ports, message).
pub(crate) fn tabular(input: &Input, relations: bool) -> String {
    let snapshot = input.snapshot;
    let mut out = table(
        &[
            vec![
                "Model".into(),
                "Controller".into(),
                "Cloud/Region".into(),
                "Version".into(),
                "SLA".into(),
                "Timestamp".into(),
            ],
            vec![
                input.model.to_string(),
                model::CONTROLLER.into(),
                "localhost/localhost".into(),
                leaderd_core::JUJU_VERSION.into(),
                "unsupported".into(),
                view::format_timestamp(snapshot.now_ms, input.iso),
            ],
        ],
        &[],
    );
    if snapshot.applications.is_empty() {
        return out;
    }
    let mut apps = vec![vec![
        "App".to_string(),
        "Version".into(),
        "Status".into(),
        "Scale".into(),
        "Charm".into(),
        "Channel".into(),
        "Rev".into(),
        "Exposed".into(),
        "Message".into(),
    ]];
    for (name, app) in &snapshot.applications {
        let status = application_status(app);
        let (charm, revision) = input.charms.get(name).cloned().unwrap_or((name.clone(), app.charm_revision));
        apps.push(vec![
            name.clone(),
            application_version(app),
            status.current,
            app.units.len().to_string(),
            charm,
            String::new(),
            revision.to_string(),
            "no".into(),
            leaderd_sys::events::printable_line(&status.message).into_owned(),
        ]);
    }
    out.push('\n');
    out.push_str(&table(&apps, &[3, 6]));
    let mut units = vec![vec![
        "Unit".to_string(),
        "Workload".into(),
        "Agent".into(),
        "Address".into(),
        "Ports".into(),
        "Message".into(),
    ]];
    for (name, app) in &snapshot.applications {
        for (unit, status) in &app.units {
            let (workload, agent) = unit_statuses(status);
            let workload = with_relation(name, status, workload, snapshot);
            let leader = if app.leader.as_deref() == Some(unit.as_str()) { "*" } else { "" };
            units.push(vec![
                format!("{unit}{leader}"),
                workload.current,
                agent.current,
                "127.0.0.1".into(),
                status.ports.join(","),
                leaderd_sys::events::printable_line(&workload.message).into_owned(),
            ]);
        }
    }
    if units.len() > 1 {
        out.push('\n');
        out.push_str(&table(&units, &[]));
    }
    if relations && !snapshot.relations.is_empty() {
        let mut rows = vec![vec![
            "Integration provider".to_string(),
            "Requirer".into(),
            "Interface".into(),
            "Type".into(),
            "Message".into(),
        ]];
        // Juju's `printRelations`: the provider's end, then the requirer's (a peer relation's one
        // end twice), sorted.
        let mut listed: Vec<Vec<String>> = snapshot
            .relations
            .iter()
            .filter_map(|relation| {
                let ends = &relation.endpoints;
                let provider = ends.iter().find(|e| e.endpoint.role == "provider").or_else(|| ends.first())?;
                let requirer = ends.iter().find(|e| !std::ptr::eq(*e, provider)).unwrap_or(provider);
                let kind = if ends.len() == 1 { "peer" } else { "regular" };
                Some(vec![
                    format!("{}:{}", provider.application, provider.endpoint.name),
                    format!("{}:{}", requirer.application, requirer.endpoint.name),
                    provider.endpoint.interface.clone(),
                    kind.into(),
                    String::new(),
                ])
            })
            .collect();
        listed.sort();
        rows.extend(listed);
        out.push('\n');
        out.push_str(&table(&rows, &[]));
    }
    out
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
