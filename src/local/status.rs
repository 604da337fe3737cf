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

pub fn report(state: &Path) -> anyhow::Result<StatusReport> {
    let up = UpState::load(state)?;
    let controller = controller_status(state, &up)?;
    let app = controller.applications.iter().find(|a| a.name == up.app);
    let units = up
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
                Some(a) => UnitReport {
                    name: u.name.clone(),
                    pid: Some(a.pid),
                    state: a.state,
                    leader: a.leader,
                    failing_hook: a.failing_hook,
                },
                None => UnitReport {
                    name: u.name.clone(),
                    pid: u.pid,
                    state: "down".into(),
                    leader: false,
                    failing_hook: None,
                },
            }
        })
        .collect();
    Ok(StatusReport {
        controller: up.controller.url.clone(),
        applications: vec![ApplicationReport {
            name: up.app.clone(),
            leader: app.and_then(|a| a.leader.clone()),
            term: app.map_or(0, |a| a.term),
            lease_remaining_ms: app.map_or(0, |a| a.lease_remaining_ms),
            settings_version: app.map_or(0, |a| a.settings_version),
            units,
        }],
    })
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
        out.push_str(&format!("{:<20} {:>8}  {:<32} {:<7} {}\n", "UNIT", "PID", "STATE", "LEADER", "FAILING HOOK"));
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
            let row = format!("{:<20} {:>8}  {:<32} {:<7} {}", u.name, pid, u.state, leader, failing);
            out.push_str(row.trim_end());
            out.push('\n');
        }
    }
    out
}
