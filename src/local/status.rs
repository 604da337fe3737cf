//! `leaderd status`: each application of a running `up` with its leader, term, remaining lease,
//! settings and config versions, application status and workload statuses (from the controller,
//! where they outlive agent and controller restarts), and its units with agent pid and state
//! (from each agent; a unit whose hook failed shows `error`, as `juju status` does). The JSON
//! form is documented in docs/operators.md.

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::{RunState, UpState};
use leaderd_core::wire::controller::RelationsResponse;
use leaderd_core::wire::controller::{StatusResponse, StatusesResponse};
use leaderd_core::wire::hook::WorkloadStatus;
use leaderd_core::wire::run::{AgentStatus, FailingHook, STATUS_PATH};
use leaderd_net::auth::{Secret, OPERATOR};
use leaderd_net::controller_client::{CallError, ControllerClient};
use leaderd_net::tls::{TlsDir, Trust};

/// The stable JSON (and YAML) form of `leaderd status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusReport {
    /// The controller that answered (the active one, with several).
    pub controller: String,
    /// `running`, or `paused` / `killed` by a lever (then the application's leader, term and
    /// lease are not known: null, 0, 0). With several controllers, `running` while any one
    /// runs.
    #[serde(default = "running")]
    pub controller_state: String,
    /// With several controllers (on etcd): each one, `controller/N`, and its role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controllers: Vec<ControllerReport>,
    pub applications: Vec<ApplicationReport>,
}

/// One of several controllers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControllerReport {
    /// `controller/N`.
    pub name: String,
    pub url: String,
    pub pid: u32,
    /// `active`, `standby`, `down` (not answering, or exited and being restarted by `up`), or
    /// `paused` / `killed` by a lever (`leaderd pause|kill controller/N`).
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApplicationReport {
    pub name: String,
    pub leader: Option<String>,
    pub term: u64,
    pub lease_remaining_ms: u64,
    pub settings_version: u64,
    /// The config version (each accepted `leaderd config` change that changed a value).
    #[serde(default)]
    pub config_version: u64,
    /// The charm the application runs, as Juju names a local charm: `local:<name>-<revision>`
    /// (revision 0 as deployed, one more with each `leaderd refresh`).
    #[serde(default)]
    pub charm: String,
    /// The application status, as its leader last set it; null if the leader has not.
    pub status: Option<WorkloadStatus>,
    /// The leader's workload version, else the first unit's that has one; empty if none has.
    pub version: String,
    pub units: Vec<UnitReport>,
    /// The application's peer relations, with the units in each one's scope.
    #[serde(default)]
    pub relations: Vec<RelationReport>,
}

/// One relation in `leaderd status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelationReport {
    /// `<endpoint>:<id>`, as relation-ids prints it.
    pub relation: String,
    /// The units in its scope, in name order.
    pub units: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitReport {
    pub name: String,
    /// The agent's pid, or null once it has exited.
    pub pid: Option<u32>,
    /// `idle`, `running <hook>`, `failing <hook>`, `down` (agent not answering), `paused` or
    /// `killed` (by a lever), or `removing (<state>)` (`leaderd remove-unit`).
    pub state: String,
    /// The unit's own view of its leadership.
    pub leader: bool,
    pub failing_hook: Option<FailingHook>,
    /// The workload status the unit's charm set (`unknown` until it does, or when down).
    pub workload: WorkloadStatus,
    /// The workload version the unit's charm set; empty until it does.
    pub workload_version: String,
    /// The port ranges the unit's charm opened (open-port, committed when its hook
    /// succeeded), each once, sorted as `juju status` lists a unit's `open-ports`:
    /// `["80/tcp", "8000-8010/udp", "icmp"]`.
    #[serde(default)]
    pub open_ports: Vec<String>,
    /// The unit's storage instances (`data/0`), in the order they were added.
    #[serde(default)]
    pub storage: Vec<String>,
}

fn running() -> String {
    "running".into()
}

/// A client for `app` at the `up`'s controller, as the operator (a short-lived operator token
/// made from the state directory's secret), over TLS verified against the `up`'s CA.
pub(crate) fn operator_client(state: &Path, up: &UpState, app: &str) -> anyhow::Result<ControllerClient> {
    let secret = Secret::load(&state.join("secret"))?;
    let trust = Trust::Ca(TlsDir::new(state.join("tls")).ca_cert());
    let token = secret.token(OPERATOR, std::time::Duration::from_secs(300));
    Ok(ControllerClient::new(&operator_urls(state, up), app, &token, &trust)?)
}

/// Where the operator's questions go: with several controllers, the one that answers as active
/// (each asked, 2 s at most), so a paused or dead `controller/0` does not hold them up; else
/// every controller, the client following a standby's pointer.
pub(crate) fn operator_urls(state: &Path, up: &UpState) -> String {
    if !up.several_controllers() {
        return up.live_controller_urls();
    }
    let roles = controller_roles(state, up).unwrap_or_default();
    roles.into_iter().find(|c| c.role == "active").map_or_else(|| up.live_controller_urls(), |c| c.url)
}

/// The controller's view, as the operator.
pub(crate) fn controller_status(state: &Path, up: &UpState) -> anyhow::Result<StatusResponse> {
    Ok(controller_view(state, up, up.any_application(), false)?.0)
}

/// What the controller keeps of `app`'s units: statuses, ports, payloads.
pub(crate) fn controller_statuses(state: &Path, up: &UpState, app: &str) -> anyhow::Result<StatusesResponse> {
    Ok(controller_view(state, up, app, true)?.1.expect("asked for the statuses"))
}

/// The controller's view and, with `statuses`, the statuses it keeps of `app`.
fn controller_view(
    state: &Path,
    up: &UpState,
    app: &str,
    statuses: bool,
) -> anyhow::Result<(StatusResponse, Option<StatusesResponse>)> {
    controller_view_at(state, up, app, &operator_urls(state, up), statuses)
}

/// [`controller_view`], asked of the controller(s) at `url`.
fn controller_view_at(
    state: &Path,
    _up: &UpState,
    app: &str,
    url: &str,
    statuses: bool,
) -> anyhow::Result<(StatusResponse, Option<StatusesResponse>)> {
    let secret = Secret::load(&state.join("secret"))?;
    let trust = Trust::Ca(TlsDir::new(state.join("tls")).ca_cert());
    let token = secret.token(OPERATOR, std::time::Duration::from_secs(300));
    let client = ControllerClient::new(url, app, &token, &trust)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let asked = runtime.block_on(async {
        tokio::time::timeout(std::time::Duration::from_secs(5), async {
            let status = client.status().await?;
            let kept = if statuses { Some(client.statuses().await?) } else { None };
            Ok::<_, CallError>((status, kept))
        })
        .await
    });
    match asked {
        Ok(Ok(status)) => Ok(status),
        Ok(Err(CallError::Refused { code, message })) => {
            anyhow::bail!("the controller at {url} answered: {message} ({code})")
        }
        Ok(Err(e)) => Err(anyhow::anyhow!("{e}")).with_context(|| format!("asking the controller at {url}")),
        Err(_) => anyhow::bail!("asking the controller at {url}: no answer within 5s"),
    }
}

/// `app`'s relations (scopes and bags), as the operator.
pub fn controller_relations(state: &Path, up: &UpState, app: &str) -> anyhow::Result<RelationsResponse> {
    let secret = Secret::load(&state.join("secret"))?;
    let trust = Trust::Ca(TlsDir::new(state.join("tls")).ca_cert());
    let token = secret.token(OPERATOR, std::time::Duration::from_secs(300));
    let url = &operator_urls(state, up);
    let client = ControllerClient::new(url, app, &token, &trust)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    match runtime.block_on(async { tokio::time::timeout(std::time::Duration::from_secs(5), client.relations()).await })
    {
        Ok(Ok(relations)) => Ok(relations),
        Ok(Err(e)) => Err(anyhow::anyhow!("{e}")).with_context(|| format!("asking the controller at {url}")),
        Err(_) => anyhow::bail!("asking the controller at {url}: no answer within 5s"),
    }
}

/// Each of several controllers' role, asked of each running one (`down` if it does not answer
/// in 2 s); one a lever paused or killed is not asked (a stopped one would keep the question
/// waiting): its role is `paused` or `killed`.
fn controller_roles(state: &Path, up: &UpState) -> anyhow::Result<Vec<ControllerReport>> {
    let secret = Secret::load(&state.join("secret"))?;
    let trust = Trust::Ca(TlsDir::new(state.join("tls")).ca_cert());
    let token = secret.token(OPERATOR, std::time::Duration::from_secs(300));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut out = Vec::new();
    for (i, c) in up.controllers.iter().enumerate() {
        let role = match c.run {
            RunState::Paused | RunState::Killed => c.run.name().to_string(),
            RunState::Running => runtime.block_on(ask_role(&c.url, up.any_application(), &token, &trust)),
            _ => "down".into(),
        };
        out.push(ControllerReport { name: format!("controller/{i}"), url: c.url.clone(), pid: c.pid, role });
    }
    Ok(out)
}

/// The role the controller at `url` tells: `active`, `standby`, or `down` if it does not
/// answer within 2 s.
pub(crate) async fn ask_role(url: &str, app: &str, token: &str, trust: &Trust) -> String {
    let Ok(client) = ControllerClient::new(url, app, token, trust) else { return "down".into() };
    match tokio::time::timeout(std::time::Duration::from_secs(2), client.status()).await {
        Ok(Ok(status)) => status.role.unwrap_or_else(|| "active".into()),
        Ok(Err(CallError::Refused { code: leaderd_core::wire::ErrorCode::NotActive, .. })) => "standby".into(),
        _ => "down".into(),
    }
}

pub fn report(state: &Path) -> anyhow::Result<StatusReport> {
    let up = UpState::load(state)?;
    let nothing = || (StatusResponse { store: String::new(), applications: Vec::new(), role: None }, None);
    let controllers = if up.several_controllers() { controller_roles(state, &up)? } else { Vec::new() };
    // The controller's view and what it keeps of one application.
    let ask = |app: &str| -> anyhow::Result<(StatusResponse, Option<StatusesResponse>)> {
        if controllers.is_empty() {
            // A paused controller would not answer; a killed one cannot.
            return Ok(match up.a_controller_runs() {
                true => controller_view(state, &up, app, true)?,
                false => nothing(),
            });
        }
        // Several controllers: the view is the active one's, whichever it is (controller/0 may
        // be paused or killed while another is active); none while an election is under way.
        Ok(match controllers.iter().find(|c| c.role == "active") {
            Some(active) => controller_view_at(state, &up, app, &active.url, true).unwrap_or_else(|_| nothing()),
            None => nothing(),
        })
    };
    let answered = controllers.iter().find(|c| c.role == "active").map_or(up.controller.url.clone(), |c| c.url.clone());
    let mut applications = Vec::new();
    for info in &up.applications {
        let (controller, kept) = ask(&info.name)?;
        applications.push(application_report(state, &up, info, &controller, kept));
    }
    Ok(StatusReport {
        controller: answered,
        controller_state: match up.a_controller_runs() {
            true => RunState::Running.name().into(),
            false => up.controller_list()[0].run.name().into(),
        },
        controllers,
        applications,
    })
}

/// One application's part of the report: the controller's view of it, and each of its units
/// as its agent tells (the controller's record for an agent that does not answer).
fn application_report(
    state: &Path,
    up: &UpState,
    info: &super::AppInfo,
    controller: &StatusResponse,
    kept: Option<StatusesResponse>,
) -> ApplicationReport {
    let kept = kept.unwrap_or(StatusesResponse {
        application: None,
        units: Default::default(),
        ports: Default::default(),
        storage: Default::default(),
        payloads: Default::default(),
    });
    let app = controller.applications.iter().find(|a| a.name == info.name);
    let leader = app.and_then(|a| a.leader.clone());
    let application_status = kept.application.clone();
    let units: Vec<UnitReport> = up
        .units_of(&info.name)
        .map(|u| {
            // What the controller keeps: the charm's last word, even with the agent down.
            let mine = kept.units.get(&u.name).cloned().unwrap_or_default();
            let open_ports: Vec<String> = kept
                .ports
                .get(&u.name)
                .map(|p| leaderd_core::ports::unique(p).iter().map(ToString::to_string).collect())
                .unwrap_or_default();
            let storage: Vec<String> =
                kept.storage.get(&u.name).map(|s| s.iter().map(|i| i.id.clone()).collect()).unwrap_or_default();
            let without_agent = |state: &str| UnitReport {
                name: u.name.clone(),
                pid: u.pid,
                state: state.into(),
                leader: false,
                failing_hook: None,
                workload: mine.workload.clone(),
                workload_version: mine.version.clone(),
                open_ports: open_ports.clone(),
                storage: storage.clone(),
            };
            match u.run {
                // A stopped agent would keep the question waiting; a killed one has no socket.
                RunState::Paused | RunState::Killed => return without_agent(u.run.name()),
                _ => {}
            }
            let agent = leaderd_core::unix_http::request_within(
                &u.state_dir.join("run.socket"),
                "GET",
                STATUS_PATH,
                None,
                Some(std::time::Duration::from_secs(2)),
            )
            .ok()
            .filter(|(status, _)| *status == 200)
            .and_then(|(_, body)| serde_json::from_slice::<AgentStatus>(&body).ok());
            match agent {
                Some(a) => UnitReport {
                    name: u.name.clone(),
                    pid: Some(a.pid),
                    state: match u.run {
                        RunState::Removing => format!("removing ({})", a.state),
                        _ => a.state,
                    },
                    leader: a.leader,
                    // A failed hook's error state is the agent's to tell.
                    workload: if a.failing_hook.is_some() { a.workload } else { mine.workload },
                    failing_hook: a.failing_hook,
                    workload_version: mine.version,
                    open_ports,
                    storage,
                },
                None => without_agent("down"),
            }
        })
        .collect();
    let version = units
        .iter()
        .find(|u| leader.as_deref() == Some(u.name.as_str()) && !u.workload_version.is_empty())
        .or_else(|| units.iter().find(|u| !u.workload_version.is_empty()))
        .map(|u| u.workload_version.clone())
        .unwrap_or_default();
    ApplicationReport {
        name: info.name.clone(),
        leader,
        term: app.map_or(0, |a| a.term),
        lease_remaining_ms: app.map_or(0, |a| a.lease_remaining_ms),
        settings_version: app.map_or(0, |a| a.settings_version),
        config_version: app.map_or(0, |a| a.config_version),
        charm: std::fs::read_to_string(info.charm.join(leaderd_core::charm::MARKER))
            .map(|text| text.trim().to_string())
            .unwrap_or_default(),
        status: application_status,
        version,
        units,
        relations: relation_reports(state, up, info),
    }
}

/// The peer relations and their scopes; empty if the controller cannot say.
fn relation_reports(state: &Path, up: &UpState, info: &super::AppInfo) -> Vec<RelationReport> {
    let peers = leaderd_core::relations::peers(&info.charm).unwrap_or_default();
    if peers.is_empty() {
        return Vec::new();
    }
    let data = controller_relations(state, up, &info.name).unwrap_or_default();
    peers
        .iter()
        .map(|p| RelationReport {
            relation: p.fake_id(),
            units: data.relations.get(&p.id).map(|r| r.members.clone()).unwrap_or_default(),
        })
        .collect()
}

/// The table form.
pub fn table(report: &StatusReport) -> String {
    let mut out = String::new();
    if report.controllers.is_empty() {
        out.push_str(&format!("controller {}", report.controller));
        if report.controller_state != "running" {
            out.push_str(&format!(" ({})", report.controller_state));
        }
        out.push('\n');
    }
    for c in &report.controllers {
        out.push_str(&format!("{} {}  pid {}  {}\n", c.name, c.url, c.pid, c.role));
    }
    for app in &report.applications {
        if report.controller_state == "running" {
            out.push_str(&format!(
                "\nAPP {}  leader {}  term {}  lease {} left  settings version {}  config version {}{}\n\n",
                app.name,
                app.leader.as_deref().unwrap_or("(none)"),
                app.term,
                leaderd_core::duration::format(std::time::Duration::from_millis(app.lease_remaining_ms)),
                app.settings_version,
                app.config_version,
                refreshed(&app.charm)
            ));
        } else {
            // Without its controller, nobody can say who leads.
            out.push_str(&format!(
                "\nAPP {}  leader unknown (the controller is {})\n\n",
                app.name, report.controller_state
            ));
        }
        if let Some(status) = &app.status {
            out.push_str(&format!("status {}", status.status));
            if !status.message.is_empty() {
                out.push_str(&format!(": {}", one_line(&status.message)));
            }
            out.push('\n');
        }
        if !app.version.is_empty() {
            out.push_str(&format!("version {}\n", one_line(&app.version)));
        }
        if app.status.is_some() || !app.version.is_empty() {
            out.push('\n');
        }
        for r in &app.relations {
            out.push_str(&format!("relation {}  units {}\n", r.relation, r.units.join(" ")));
        }
        if !app.relations.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "{:<20} {:>8}  {:<32} {:<7} {:<13} {}\n",
            "UNIT", "PID", "STATE", "LEADER", "WORKLOAD", "FAILING HOOK / MESSAGE"
        ));
        for u in &app.units {
            let failing = u
                .failing_hook
                .as_ref()
                .map(|f| match (f.exit_code, &f.error) {
                    (Some(code), _) => format!("{} (exit {code}, {} attempts)", f.hook, f.attempts),
                    (None, error) => {
                        let why = error.as_deref().unwrap_or("could not start");
                        let why = why.split(':').next().unwrap_or(why);
                        format!("{} ({why}, {} attempts)", f.hook, f.attempts)
                    }
                })
                .unwrap_or_default();
            let pid = u.pid.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
            let leader = if u.leader { "yes" } else { "no" };
            // A failing hook matters more than the charm's message.
            let note = if failing.is_empty() { one_line(&u.workload.message) } else { failing };
            let row =
                format!("{:<20} {:>8}  {:<32} {:<7} {:<13} {}", u.name, pid, u.state, leader, u.workload.status, note);
            out.push_str(row.trim_end());
            out.push('\n');
        }
        // Opened ports, only when a unit has any (as `juju status` shows a unit's Ports).
        let with_ports: Vec<&UnitReport> = app.units.iter().filter(|u| !u.open_ports.is_empty()).collect();
        if !with_ports.is_empty() {
            out.push('\n');
            for u in with_ports {
                out.push_str(&format!("{:<20} ports {}\n", u.name, u.open_ports.join(" ")));
            }
        }
    }
    out
}

/// `  charm revision N` once `leaderd refresh` gave the application revision N (nothing for the
/// deployed charm, so its line reads as it always did).
fn refreshed(charm: &str) -> String {
    match charm.rsplit_once('-').and_then(|(_, revision)| revision.parse::<u64>().ok()) {
        Some(revision) if revision > 0 => format!("  charm revision {revision}"),
        _ => String::new(),
    }
}

/// A charm-set string on one table line: line breaks and the other characters a terminal would
/// act on spelled out ([`leaderd_sys::events::printable_line`]).
fn one_line(s: &str) -> String {
    leaderd_sys::events::printable_line(s).into_owned()
}
