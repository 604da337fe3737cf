//! `leaderd status`: each application of a running `up` with its leader, term, remaining lease
//! and settings version (from the controller), and its units with agent pid and state (from
//! each agent). The JSON form is documented in the README.

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::UpState;
use crate::controller::auth::{Secret, OPERATOR};
use crate::controller::client::{CallError, ControllerClient};
use crate::tls::{TlsDir, Trust};
use crate::wire::control::{AgentStatus, FailingHook, STATUS_PATH};
use crate::wire::controller::{RelationsResponse, StatusResponse};
use crate::wire::hook::WorkloadStatus;

/// The stable JSON (and YAML) form of `leaderd status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusReport {
    pub controller: String,
    pub applications: Vec<ApplicationReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApplicationReport {
    pub name: String,
    pub leader: Option<String>,
    pub term: u64,
    pub lease_remaining_ms: u64,
    pub settings_version: u64,
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
    /// `idle`, `running <hook>`, `failing <hook>`, or `down` (agent not answering).
    pub state: String,
    /// The unit's own view of its leadership.
    pub leader: bool,
    pub failing_hook: Option<FailingHook>,
    /// The workload status the unit's charm set (`unknown` until it does, or when down).
    pub workload: WorkloadStatus,
    /// The workload version the unit's charm set; empty until it does.
    pub workload_version: String,
}

/// The controller's view, as the operator (a short-lived operator token), over TLS verified
/// against the `up`'s CA.
pub fn controller_status(state: &Path, up: &UpState) -> anyhow::Result<StatusResponse> {
    let secret = Secret::load(&state.join("secret"))?;
    let trust = Trust::Ca(TlsDir::new(state.join("tls")).ca_cert());
    let token = secret.token(OPERATOR, std::time::Duration::from_secs(300));
    let client = ControllerClient::new(&up.controller.url, &up.app, &token, &trust)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let asked =
        runtime.block_on(async { tokio::time::timeout(std::time::Duration::from_secs(5), client.status()).await });
    let url = &up.controller.url;
    match asked {
        Ok(Ok(status)) => Ok(status),
        Ok(Err(CallError::Refused { code, message })) => {
            anyhow::bail!("the controller at {url} answered: {message} ({code})")
        }
        Ok(Err(e)) => Err(anyhow::anyhow!("{e}")).with_context(|| format!("asking the controller at {url}")),
        Err(_) => anyhow::bail!("asking the controller at {url}: no answer within 5s"),
    }
}

/// The application's relations (scopes and bags), as the operator.
pub fn controller_relations(state: &Path, up: &UpState) -> anyhow::Result<RelationsResponse> {
    let secret = Secret::load(&state.join("secret"))?;
    let trust = Trust::Ca(TlsDir::new(state.join("tls")).ca_cert());
    let token = secret.token(OPERATOR, std::time::Duration::from_secs(300));
    let client = ControllerClient::new(&up.controller.url, &up.app, &token, &trust)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let url = &up.controller.url;
    match runtime.block_on(async { tokio::time::timeout(std::time::Duration::from_secs(5), client.relations()).await })
    {
        Ok(Ok(relations)) => Ok(relations),
        Ok(Err(e)) => Err(anyhow::anyhow!("{e}")).with_context(|| format!("asking the controller at {url}")),
        Err(_) => anyhow::bail!("asking the controller at {url}: no answer within 5s"),
    }
}

pub fn report(state: &Path) -> anyhow::Result<StatusReport> {
    let up = UpState::load(state)?;
    let controller = controller_status(state, &up)?;
    let app = controller.applications.iter().find(|a| a.name == up.app);
    let leader = app.and_then(|a| a.leader.clone());
    let mut application_status = None;
    let units: Vec<UnitReport> = up
        .units
        .iter()
        .map(|u| {
            let agent = crate::unix_http::request_within(
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
                Some(a) => {
                    if leader.as_deref() == Some(u.name.as_str()) {
                        application_status = a.application_status;
                    }
                    UnitReport {
                        name: u.name.clone(),
                        pid: Some(a.pid),
                        state: a.state,
                        leader: a.leader,
                        failing_hook: a.failing_hook,
                        workload: a.workload,
                        workload_version: a.workload_version,
                    }
                }
                None => UnitReport {
                    name: u.name.clone(),
                    pid: u.pid,
                    state: "down".into(),
                    leader: false,
                    failing_hook: None,
                    workload: WorkloadStatus::unknown(),
                    workload_version: String::new(),
                },
            }
        })
        .collect();
    let version = units
        .iter()
        .find(|u| leader.as_deref() == Some(u.name.as_str()) && !u.workload_version.is_empty())
        .or_else(|| units.iter().find(|u| !u.workload_version.is_empty()))
        .map(|u| u.workload_version.clone())
        .unwrap_or_default();
    Ok(StatusReport {
        controller: up.controller.url.clone(),
        applications: vec![ApplicationReport {
            name: up.app.clone(),
            leader,
            term: app.map_or(0, |a| a.term),
            lease_remaining_ms: app.map_or(0, |a| a.lease_remaining_ms),
            settings_version: app.map_or(0, |a| a.settings_version),
            status: application_status,
            version,
            units,
            relations: relation_reports(state, &up),
        }],
    })
}

/// The peer relations and their scopes; empty if the controller cannot say.
fn relation_reports(state: &Path, up: &UpState) -> Vec<RelationReport> {
    let peers = crate::relations::peers(&up.charm).unwrap_or_default();
    if peers.is_empty() {
        return Vec::new();
    }
    let data = controller_relations(state, up).unwrap_or_default();
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
    let mut out = format!("controller {}\n", report.controller);
    for app in &report.applications {
        out.push_str(&format!(
            "\nAPP {}  leader {}  term {}  lease {} left  settings version {}\n\n",
            app.name,
            app.leader.as_deref().unwrap_or("(none)"),
            app.term,
            crate::duration::format(std::time::Duration::from_millis(app.lease_remaining_ms)),
            app.settings_version
        ));
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
    }
    out
}

/// A charm-set string on one table line: line breaks and other control characters as spaces.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}
