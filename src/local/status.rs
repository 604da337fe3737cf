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
use crate::wire::controller::StatusResponse;
use crate::wire::hook::WorkloadStatus;

/// The stable JSON (and YAML) form of `leaderd status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusReport {
    /// The controller that answered (the active one, with several).
    pub controller: String,
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
    /// `active`, `standby`, or `down` (not answering).
    pub role: String,
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
    let urls = up.controller_urls();
    let client = ControllerClient::new(&urls, &up.app, &token, &trust)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let asked =
        runtime.block_on(async { tokio::time::timeout(std::time::Duration::from_secs(5), client.status()).await });
    let url = &urls;
    match asked {
        Ok(Ok(status)) => Ok(status),
        Ok(Err(CallError::Refused { code, message })) => {
            anyhow::bail!("the controller at {url} answered: {message} ({code})")
        }
        Ok(Err(e)) => Err(anyhow::anyhow!("{e}")).with_context(|| format!("asking the controller at {url}")),
        Err(_) => anyhow::bail!("asking the controller at {url}: no answer within 5s"),
    }
}

/// Each of several controllers' role, asked of each one (`down` if it does not answer in 2 s).
fn controller_roles(state: &Path, up: &UpState) -> anyhow::Result<Vec<ControllerReport>> {
    let secret = Secret::load(&state.join("secret"))?;
    let trust = Trust::Ca(TlsDir::new(state.join("tls")).ca_cert());
    let token = secret.token(OPERATOR, std::time::Duration::from_secs(300));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut out = Vec::new();
    for (i, c) in up.controllers.iter().enumerate() {
        let client = ControllerClient::new(&c.url, &up.app, &token, &trust)?;
        let asked =
            runtime.block_on(async { tokio::time::timeout(std::time::Duration::from_secs(2), client.status()).await });
        let role = match asked {
            Ok(Ok(status)) => status.role.unwrap_or_else(|| "active".into()),
            Ok(Err(CallError::Refused { code: crate::wire::ErrorCode::NotActive, .. })) => "standby".into(),
            _ => "down".into(),
        };
        out.push(ControllerReport { name: format!("controller/{i}"), url: c.url.clone(), pid: c.pid, role });
    }
    Ok(out)
}

pub fn report(state: &Path) -> anyhow::Result<StatusReport> {
    let up = UpState::load(state)?;
    let controller = controller_status(state, &up)?;
    let controllers = controller_roles(state, &up)?;
    let answered = controllers.iter().find(|c| c.role == "active").map_or(up.controller.url.clone(), |c| c.url.clone());
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
        controller: answered,
        controllers,
        applications: vec![ApplicationReport {
            name: up.app.clone(),
            leader,
            term: app.map_or(0, |a| a.term),
            lease_remaining_ms: app.map_or(0, |a| a.lease_remaining_ms),
            settings_version: app.map_or(0, |a| a.settings_version),
            status: application_status,
            version,
            units,
        }],
    })
}

/// The table form.
pub fn table(report: &StatusReport) -> String {
    let mut out = String::new();
    if report.controllers.is_empty() {
        out.push_str(&format!("controller {}\n", report.controller));
    }
    for c in &report.controllers {
        out.push_str(&format!("{} {}  pid {}  {}\n", c.name, c.url, c.pid, c.role));
    }
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
