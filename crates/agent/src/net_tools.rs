//! The network tools' side of the hook endpoint (Juju's `jujuc.ContextNetworking` and
//! `GoalState` in `worker/uniter/runner/context`): open-port and close-port requests recorded
//! per hook (`leaderd_core::ports::Recorder`) over the unit's committed ranges, read from the
//! controller at the hook's first port call, and committed with the hook's other changes;
//! network-get and unit-get answered with what this machine can honestly offer, its loopback
//! interface; goal-state from the units the controller and the peer relations know.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;

use super::hook_endpoint::{decode, Answer, Endpoint};
use super::HookBackend;
use leaderd_core::ports::{GroupedPortRanges, Recorder};
use leaderd_core::wire::hook::{
    ContextRequest, GoalStateResponse, GoalStatus, InterfaceAddress, InterfaceInfo, NetworkGetRequest, NetworkInfo,
    OpenedPortsResponse, PortRequest, UnitGetRequest, UnitGetResponse,
};
use leaderd_core::wire::ErrorCode;
use leaderd_net::server::{Body, HttpError};

/// The one address a unit has here: loopback, as its relation settings' `private-address`
/// already says (`leaderd_core::relations::scope_settings`).
pub(crate) const ADDRESS: &str = "127.0.0.1";

/// The loopback interface as Linux names it, with its network and (all-zero) hardware address.
fn loopback() -> NetworkInfo {
    NetworkInfo {
        info: vec![InterfaceInfo {
            mac_address: "00:00:00:00:00:00".into(),
            interface_name: "lo".into(),
            addresses: vec![InterfaceAddress {
                hostname: String::new(),
                address: ADDRESS.into(),
                cidr: "127.0.0.0/8".into(),
            }],
        }],
        // Juju's default egress subnet is the ingress address alone.
        egress_subnets: vec![format!("{ADDRESS}/32")],
        ingress_addresses: vec![ADDRESS.into()],
    }
}

/// The unit's committed ranges, as the controller keeps them (none where no controller
/// keeps them).
async fn committed<L: HookBackend>(ep: &super::hook_endpoint::HookEndpoint<L>) -> Result<GroupedPortRanges, HttpError> {
    let kept = ep
        .backend
        .read_statuses()
        .await
        .map_err(|e| HttpError::new(ErrorCode::Unreachable, format!("cannot read opened ports: {e}")))?;
    Ok(kept.and_then(|mut k| k.ports.remove(&ep.unit)).unwrap_or_default())
}

async fn port_request<L: HookBackend>(ep: Endpoint<L>, body: Body, open: bool) -> Answer<serde_json::Value> {
    let State(ep) = ep;
    let req: PortRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    if context.ports.is_none() {
        context.ports = Some(Recorder::new(&ep.unit, committed(&ep).await?));
    }
    let recorder = context.ports.as_mut().expect("just set");
    let done = if open { recorder.open(&req.endpoint, req.range) } else { recorder.close(&req.endpoint, req.range) };
    done.map_err(|e| HttpError::new(ErrorCode::BadRequest, e))?;
    Ok(Json(serde_json::json!({})))
}

pub(crate) async fn open_port<L: HookBackend>(ep: Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    port_request(ep, body, true).await
}

pub(crate) async fn close_port<L: HookBackend>(ep: Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    port_request(ep, body, false).await
}

pub(crate) async fn opened_ports<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<OpenedPortsResponse> {
    let req: ContextRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    if context.ports.is_none() {
        context.ports = Some(Recorder::new(&ep.unit, committed(&ep).await?));
    }
    Ok(Json(OpenedPortsResponse { ports: context.ports.as_ref().expect("just set").opened() }))
}

pub(crate) async fn network_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<NetworkInfo> {
    let req: NetworkGetRequest = decode(body)?;
    let _context = ep.context(&req.context_id)?;
    // The default binding, and every endpoint of the charm; Juju answers another name with an
    // error result, which network-get reports as having no config.
    let known = req.binding.is_empty() || ep.charm_endpoints().contains(&req.binding);
    Ok(Json(if known { loopback() } else { NetworkInfo::default() }))
}

pub(crate) async fn unit_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<UnitGetResponse> {
    let req: UnitGetRequest = decode(body)?;
    let _context = ep.context(&req.context_id)?;
    // Public and private alike: this machine has no other address to offer.
    let _ = req.public;
    Ok(Json(UnitGetResponse { address: ADDRESS.into() }))
}

/// Juju's `goalStateUnits` over what is known here: every unit the controller keeps a status
/// for, every unit in scope of a peer relation, and this unit, each with its workload status.
/// Juju leaves peer relations out of `relations` (`goalStateRelations`); the relations with
/// other applications are not listed there yet.
pub(crate) async fn goal_state<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<GoalStateResponse> {
    let req: ContextRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let kept = ep
        .backend
        .read_statuses()
        .await
        .map_err(|e| HttpError::new(ErrorCode::Unreachable, format!("cannot read goal state: {e}")))?;
    let mut units: BTreeMap<String, GoalStatus> = BTreeMap::new();
    if let Some(kept) = &kept {
        for (unit, status) in &kept.units {
            units
                .insert(unit.clone(), GoalStatus { status: status.workload.status.clone(), since_ms: status.since_ms });
        }
    }
    let mut context = context.lock().await;
    if let Ok(data) = context.relations(&*ep.backend).await {
        // The other application's units in a relation with it are not this application's.
        let app = ep.application().to_string();
        let own = |u: &&String| leaderd_core::names::unit_application(u) == Ok(app.as_str());
        for unit in data.relations.values().flat_map(|r| r.members.iter()).filter(own) {
            units.entry(unit.clone()).or_insert_with(|| GoalStatus { status: "unknown".into(), since_ms: None });
        }
    }
    let mine = ep.statuses().unit.status;
    let since = units.get(&ep.unit).and_then(|s| s.since_ms);
    units.insert(ep.unit.clone(), GoalStatus { status: mine, since_ms: since });
    Ok(Json(GoalStateResponse { units, relations: BTreeMap::new() }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn loopback_is_all_a_binding_offers() {
        let info = super::loopback();
        assert_eq!(info.info[0].interface_name, "lo");
        assert_eq!(info.info[0].addresses[0].cidr, "127.0.0.0/8");
        assert_eq!(info.egress_subnets, ["127.0.0.1/32"]);
        assert_eq!(info.ingress_addresses, ["127.0.0.1"]);
    }
}
