//! The network tools (open-port, close-port, opened-ports, unit-get, network-get, goal-state,
//! relation-model-get) end to end (`main_with`) against a fake hook context, replaying vectors
//! made by running Juju's own command code (3.6.0; relation-model-get from the 3.6 branch,
//! where it was added in 3.6.2) with a stub context that answers as this fake does: help, Init
//! errors, output in every format, exit codes, and the calls each tool makes, byte for byte.

use std::cell::RefCell;
use std::rc::Rc;

use super::{replay, ContextError, JujuRan, ToolContext};
use leaderd_core::format::go_quote;
use leaderd_core::ports::{GroupedPortRanges, PortRange};
use leaderd_core::wire::hook::{
    GoalStateResponse, GoalStatus, InterfaceAddress, InterfaceInfo, NetworkInfo, RelationInfo,
};
use leaderd_core::wire::ErrorCode;

/// One vector: the stub's set-up, the command line, and what Juju's code printed and called.
#[derive(Debug, Clone, serde::Deserialize)]
struct Vector {
    #[serde(flatten)]
    ran: JujuRan,
    ports: Option<std::collections::BTreeMap<String, Vec<String>>>,
    units: Option<String>,
    noinfo: bool,
    bindings: String,
    err: Option<String>,
}

/// The stub's context (`main.go` of the harness), call for call.
#[derive(Clone)]
struct Fake {
    vector: Vector,
    calls: Rc<RefCell<Vec<String>>>,
}

impl Fake {
    fn fail(&self) -> Result<(), ContextError> {
        match &self.vector.err {
            Some(message) => Err(ContextError::Refused { code: ErrorCode::BadRequest, message: message.clone() }),
            None => Ok(()),
        }
    }
}

impl ToolContext for Fake {
    core_calls_unused!("not a network tool call");
    fn relations(&mut self) -> Result<Vec<RelationInfo>, ContextError> {
        let relation = |id| RelationInfo {
            id,
            endpoint: "peer".into(),
            remote_app: "app".into(),
            members: Vec::new(),
            remote_model_uuid: "deadbeef-0bad-400d-8000-4b1d0d06f00d".into(),
        };
        Ok(vec![relation(0), relation(1)])
    }
    fn port_request(&mut self, open: bool, endpoint: &str, range: PortRange) -> Result<(), ContextError> {
        let call = if open { "OpenPortRange" } else { "ClosePortRange" };
        self.calls.borrow_mut().push(format!("{call}({}, {})", go_quote(endpoint), go_quote(&range.to_string())));
        self.fail()
    }
    fn opened_ports(&mut self) -> Result<GroupedPortRanges, ContextError> {
        let given = self.vector.ports.clone().unwrap_or_default();
        Ok(given
            .into_iter()
            .map(|(e, rs)| (e, rs.iter().map(|r| leaderd_core::ports::parse(r).unwrap()).collect()))
            .collect())
    }
    fn network_info(&mut self, binding: &str, relation_id: Option<u64>) -> Result<NetworkInfo, ContextError> {
        let rel = relation_id.map_or(-1, |id| id as i64);
        self.calls.borrow_mut().push(format!("NetworkInfo([{}], {rel})", go_quote(binding)));
        let known = binding.is_empty() || self.vector.bindings.split(',').any(|b| b == binding);
        if !known || self.vector.noinfo {
            return Ok(NetworkInfo::default());
        }
        Ok(NetworkInfo {
            info: vec![InterfaceInfo {
                mac_address: "00:00:00:00:00:00".into(),
                interface_name: "lo".into(),
                addresses: vec![InterfaceAddress {
                    hostname: String::new(),
                    address: "127.0.0.1".into(),
                    cidr: "127.0.0.0/8".into(),
                }],
            }],
            egress_subnets: vec!["127.0.0.1/32".into()],
            ingress_addresses: vec!["127.0.0.1".into()],
        })
    }
    fn unit_address(&mut self, _public: bool) -> Result<String, ContextError> {
        Ok("127.0.0.1".into())
    }
    fn goal_state(&mut self) -> Result<GoalStateResponse, ContextError> {
        let mut state = GoalStateResponse::default();
        if let Some(units) = &self.vector.units {
            for (i, unit) in units.split(',').enumerate() {
                let status = ["active", "waiting", "maintenance"][i % 3].to_string();
                state.units.insert(unit.into(), GoalStatus { status, since_ms: Some(1_709_294_645_000) });
            }
        }
        Ok(state)
    }
}

#[test]
fn every_vector_of_jujus_code_replays_byte_for_byte() {
    let vectors: Vec<Vector> = serde_json::from_str(include_str!("testdata/network-vectors.json")).unwrap();
    assert!(vectors.len() > 150, "{} vectors", vectors.len());
    let fake = |vector: &Vector| {
        let fake = Fake { vector: vector.clone(), calls: Rc::default() };
        let calls = fake.calls.clone();
        (Box::new(fake) as Box<dyn ToolContext>, calls)
    };
    replay(&vectors, |v| &v.ran, fake, |v| format!("ports {:?}, units {:?}", v.ports, v.units));
}
