//! The operator's levers on a running `up`, client side: `leaderd kill|pause|resume|restart
//! [UNIT | controller/N | --controller]`, `add-unit`, `remove-unit` (through `up`'s control socket, since `up`
//! owns the processes), and `revoke` and `elect` (straight to the controller, with the
//! operator's token, as `leaderd status` asks it). Each prints what was done.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;

use super::{RunState, UpState};
use leaderd_core::wire::controller::ElectResponse;
use leaderd_core::wire::up::*;
use leaderd_core::wire::ErrorResponse;
use leaderd_net::auth::{Secret, OPERATOR};
use leaderd_net::controller_client::{CallError, ControllerClient};
use leaderd_net::tls::{TlsDir, Trust};

/// One call to `up`'s control socket; `up`'s refusal becomes the error, in its words.
fn call<B: Serialize>(state: &Path, path: &str, body: &B) -> anyhow::Result<Done> {
    UpState::load(state)?;
    let socket = state.join("up.socket");
    let body = serde_json::to_vec(body)?;
    // A restart waits for the old process to exit and the new one to start.
    let (status, answer) =
        leaderd_core::unix_http::request_within(&socket, "POST", path, Some(&body), Some(Duration::from_secs(60)))
            .with_context(|| format!("asking leaderd up at {}", socket.display()))?;
    if status != 200 {
        let why = ErrorResponse::decode(status, &answer)
            .map(|(_, message)| message)
            .unwrap_or_else(|| String::from_utf8_lossy(&answer).into_owned());
        anyhow::bail!("{why}");
    }
    serde_json::from_slice(&answer).context("leaderd up's answer")
}

/// `leaderd kill|pause|resume|restart UNIT`, `... controller/N`, or `... --controller` (the
/// only controller, or the active one of several: `up` finds which).
pub fn lever(state: &Path, lever: Lever, unit: Option<String>) -> anyhow::Result<()> {
    let target = match unit {
        Some(name) => match Target::parse(&name)? {
            Target::Unit(unit) => {
                leaderd_core::names::unit_application(&unit)?;
                Target::Unit(unit)
            }
            controller => controller,
        },
        None => Target::Controller(None),
    };
    let done = call(state, LEVER_PATH, &LeverRequest { lever, target })?;
    println!("{}", done.message);
    Ok(())
}

/// `leaderd add-unit APP [-n N]`.
pub(crate) fn add_unit(state: &Path, app: &str, count: u32) -> anyhow::Result<()> {
    let up = UpState::load(state)?;
    up.application(app)?;
    let done = call(state, ADD_UNIT_PATH, &AddUnitRequest { app: app.into(), count })?;
    println!("{}", done.message);
    Ok(())
}

/// `leaderd refresh APP --path DIR|FILE` (Juju's `juju refresh --path`): `up` prepares the new
/// charm and registers it with the controller; each unit's agent then swaps it in and runs
/// upgrade-charm, then config-changed. Returns once the charm is registered, as Juju's does.
pub(crate) fn refresh(state: &Path, app: &str, path: &Path) -> anyhow::Result<()> {
    let up = UpState::load(state)?;
    check_app(&up, app)?;
    let path = std::path::absolute(path).with_context(|| format!("finding {}", path.display()))?;
    let done = call(state, REFRESH_PATH, &RefreshRequest { app: app.into(), path: path.display().to_string() })?;
    println!("{}", done.message);
    Ok(())
}

/// `leaderd remove-unit APP/N`: asks `up`, then waits (up to `wait`) for the unit to leave
/// `up.json` (its stop and remove hooks have run and its agent has exited).
pub(crate) fn remove_unit(state: &Path, unit: &str, wait: Duration) -> anyhow::Result<()> {
    leaderd_core::names::unit_application(unit)?;
    let done = call(state, REMOVE_UNIT_PATH, &RemoveUnitRequest { unit: unit.into(), force: false })?;
    println!("{}", done.message);
    if !done.message.starts_with("removing ") {
        return Ok(());
    }
    let deadline = Instant::now() + wait;
    loop {
        let up = UpState::load(state)?;
        match up.units.iter().find(|u| u.name == unit) {
            None => {
                println!("removed {unit}");
                return Ok(());
            }
            Some(u) if u.run != RunState::Removing => {
                anyhow::bail!("{unit} did not leave: its agent is {} (see its agent.log)", u.run.name())
            }
            Some(_) if Instant::now() > deadline => anyhow::bail!(
                "{unit} has not left after {}: its stop or remove hook is still running or failing \
                 (see `leaderd status`; `leaderd kill {unit}` makes it leave without them)",
                leaderd_core::duration::format(wait)
            ),
            Some(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// The operator's client for `up`'s controller, on a runtime of its own.
fn operator_client(
    state: &Path,
    up: &UpState,
    app: &str,
) -> anyhow::Result<(ControllerClient, tokio::runtime::Runtime)> {
    let secret = Secret::load(&state.join("secret"))?;
    let trust = Trust::Ca(TlsDir::new(state.join("tls")).ca_cert());
    let token = secret.token(OPERATOR, Duration::from_secs(300));
    let client = ControllerClient::new(&super::status::operator_urls(state, up), app, &token, &trust)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    Ok((client, runtime))
}

fn controller_error(url: &str, e: CallError) -> anyhow::Error {
    match e {
        CallError::Refused { code, message } => anyhow::anyhow!("the controller at {url} answered: {message} ({code})"),
        e => anyhow::anyhow!("asking the controller at {url}: {e}"),
    }
}

fn check_app(up: &UpState, app: &str) -> anyhow::Result<()> {
    leaderd_core::names::check_application(app)?;
    up.application(app)?;
    Ok(())
}

/// Prints what a lever did and records it in the `up`'s event log (revoke and elect go to the
/// controller, not through `up`, so `up` does not see them).
fn said(state: &Path, action: &str, message: String) {
    println!("{message}");
    if leaderd_sys::events::init(&state.join(leaderd_sys::events::FILE_NAME)).is_ok() {
        leaderd_sys::events::record(None, leaderd_sys::events::Event::Lever { action: action.into(), detail: message });
    }
}

/// `leaderd revoke APP`: the leader may not renew; its lease frees at its expiry.
pub fn revoke(state: &Path, app: &str) -> anyhow::Result<()> {
    let up = UpState::load(state)?;
    check_app(&up, app)?;
    let leader = super::status::controller_status(state, &up)?
        .applications
        .into_iter()
        .find(|a| a.name == app)
        .and_then(|a| a.leader.map(|l| (l, a.lease_remaining_ms)));
    let (client, runtime) = operator_client(state, &up, app)?;
    let url = &up.live_controller_urls();
    let answer = runtime.block_on(client.revoke()).map_err(|e| controller_error(url, e))?;
    match (answer.term, leader) {
        (Some(term), Some((leader, left))) => said(
            state,
            "revoke",
            format!(
                "revoked the lease of {leader} (term {term}); it frees in at most {} (its remaining lease), \
             then another unit leads",
                leaderd_core::duration::format(Duration::from_millis(left))
            ),
        ),
        (Some(term), None) => said(state, "revoke", format!("revoked term {term}")),
        (None, _) => said(state, "revoke", format!("{app} has no leader: nothing to revoke")),
    }
    Ok(())
}

/// `leaderd elect APP/N [--no-wait]`.
pub fn elect(state: &Path, unit: &str, no_wait: bool) -> anyhow::Result<()> {
    let app = leaderd_core::names::unit_application(unit)?.to_string();
    let up = UpState::load(state)?;
    check_app(&up, &app)?;
    let info = up.units.iter().find(|u| u.name == unit).with_context(|| {
        let names: Vec<&str> = up.units.iter().map(|u| u.name.as_str()).collect();
        format!("cannot elect {unit}: no such unit here (units: {})", names.join(", "))
    })?;
    if info.run != RunState::Running {
        let fix = info.run.bring_back(unit).unwrap_or_else(|| "it is leaving".into());
        anyhow::bail!("cannot elect {unit}: its agent is {} (it could not claim the lease); {fix}", info.run.name());
    }
    if let Some(why) = up.no_controller_runs() {
        anyhow::bail!("cannot elect {unit}: {why}");
    }
    let (client, runtime) = operator_client(state, &up, &app)?;
    let url = up.live_controller_urls();
    let started = Instant::now();
    let answer: ElectResponse = runtime.block_on(client.elect(unit)).map_err(|e| controller_error(&url, e))?;
    if answer.already_leader {
        said(state, "elect", format!("{unit} is the leader already (term {}): nothing to do", answer.term));
        return Ok(());
    }
    let frees_in = leaderd_core::duration::format(Duration::from_millis(answer.frees_in_ms));
    if no_wait {
        match answer.revoked_term {
            Some(term) => said(
                state,
                "elect",
                format!(
                    "electing {unit}: the leader's lease (term {term}) is revoked and frees in {frees_in}; then only \
                 {unit} may claim it"
                ),
            ),
            None => said(state, "elect", format!("electing {unit}: the lease is free; only {unit} may claim it")),
        }
        return Ok(());
    }
    // The designation lapses one max lease after the lease frees; wait that long at most.
    let deadline = started + Duration::from_millis(answer.frees_in_ms) + Duration::from_secs(60);
    loop {
        let status = runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(5), client.status()).await })
            .map_err(|_| anyhow::anyhow!("asking the controller at {url}: no answer within 5s"))?
            .map_err(|e| controller_error(&url, e))?;
        let now = status.applications.into_iter().find(|a| a.name == app);
        if let Some(a) = now.filter(|a| a.leader.as_deref() == Some(unit) && a.term > answer.term) {
            let took = started.elapsed();
            said(
                state,
                "elect",
                format!(
                    "{unit} is the leader (term {}), after {} (the old lease had {frees_in} left)",
                    a.term,
                    leaderd_core::duration::format(Duration::from_millis(took.as_millis() as u64))
                ),
            );
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{unit} did not take the lease within {} of its release (is its agent running?)",
            leaderd_core::duration::format(Duration::from_secs(60))
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}
