//! The model's relations as Juju's state keeps them, as pure functions over the relation
//! records: endpoint inference for integrate (`state/state.go`, `InferEndpoints`), the
//! relation remove-relation names (`InferActiveRelation`), the peer relations a deployment
//! creates (`state/application.go`, `addPeerRelationsOps`), and who may read which bag
//! (`apiserver/facades/agent/uniter/uniter.go`, `ReadSettings`/`ReadRemoteSettings`).
//!
//! Ids come from one model-wide sequence, shared by peer and regular relations, never reused
//! (Juju's `sequence(st, "relation")`).

use std::collections::BTreeMap;

use crate::store::{EndpointRecord, RelationDefRecord};
use leaderd_core::gocompat::go_quote;
use leaderd_core::relations::{relation_key, EndpointDecl};

/// Every relation record and the next id.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Defs {
    pub by_id: BTreeMap<u64, RelationDefRecord>,
    pub next: u64,
}

/// Why a relation change is refused, in Juju's words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RelationError {
    /// An application or relation that is not there (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// No relation, or more than one, matches (HTTP 400).
    #[error("{0}")]
    Invalid(String),
    /// The relation is there already (HTTP 409).
    #[error("{0}")]
    Exists(String),
    /// It could not be made durable.
    #[error(transparent)]
    Write(leaderd_core::model::LeaderWriteError),
}

pub(crate) const ALIVE: &str = "alive";

/// The highest relation id an application that registered no endpoints may write bags under
/// without a record (a store from before records, whose agents numbered their peer relations
/// from 0): far above any id such an agent used, far below where the sequence could overflow.
pub(crate) const MAX_UNRECORDED_ID: u64 = 1 << 20;

/// The next id once `id` is taken: refused when the sequence is used up (a `u64` never wraps
/// to reuse an id, nor panics the writer).
pub(crate) fn after(id: u64) -> Result<u64, RelationError> {
    id.checked_add(1).ok_or_else(|| RelationError::Invalid("cannot add relation: no relation ids left".into()))
}
pub(crate) const DYING: &str = "dying";

/// `app[:endpoint]` split as Juju's `splitEndpointName`.
fn split(name: &str) -> Result<(&str, Option<&str>), RelationError> {
    match name.find(':') {
        None => Ok((name, None)),
        Some(i) if i != 0 && i != name.len() - 1 => Ok((&name[..i], Some(&name[i + 1..]))),
        Some(_) => Err(RelationError::Invalid(format!("invalid endpoint {}", go_quote(name)))),
    }
}

fn endpoint_record(app: &str, e: &EndpointDecl) -> EndpointRecord {
    EndpointRecord {
        application: app.into(),
        name: e.name.clone(),
        role: e.role.clone(),
        interface: e.interface.clone(),
        scope: e.scope.clone(),
    }
}

/// The endpoints `name` may stand for (Juju's `State.endpoints`): every endpoint of the
/// application, or the one named.
fn endpoints_named(
    name: &str,
    declared: &impl Fn(&str) -> Option<Vec<EndpointDecl>>,
) -> Result<Vec<EndpointRecord>, RelationError> {
    let (app, endpoint) = split(name)?;
    let Some(all) = declared(app) else {
        return Err(RelationError::NotFound(format!("application {} not found", go_quote(app))));
    };
    match endpoint {
        None => Ok(all.iter().map(|e| endpoint_record(app, e)).collect()),
        Some(endpoint) => match all.iter().find(|e| e.name == endpoint) {
            Some(e) => Ok(vec![endpoint_record(app, e)]),
            None => Err(RelationError::Invalid(format!(
                "application {} has no {} relation",
                go_quote(app),
                go_quote(endpoint)
            ))),
        },
    }
}

/// Juju's `Endpoint.CanRelateTo` with `containerScopeOk` (there are no subordinates here, so
/// a container-scoped endpoint relates to nothing).
fn can_relate(a: &EndpointRecord, b: &EndpointRecord) -> bool {
    let counterpart = match a.role.as_str() {
        "provider" => "requirer",
        "requirer" => "provider",
        _ => return false,
    };
    a.application != b.application
        && a.interface == b.interface
        && b.role == counterpart
        && a.scope != "container"
        && b.scope != "container"
}

fn key_of(endpoints: &[EndpointRecord]) -> String {
    relation_key(endpoints.iter().map(|e| (e.application.as_str(), e.name.as_str())))
}

/// The two endpoints `names` (two `app[:endpoint]`) stand for, as Juju's `InferEndpoints`:
/// every non-peer pair that can relate; with several, those without the implicit `juju-info`.
pub(crate) fn infer(
    names: &[String],
    declared: impl Fn(&str) -> Option<Vec<EndpointDecl>>,
) -> Result<Vec<EndpointRecord>, RelationError> {
    let [a, b] = names else {
        return Err(RelationError::Invalid(format!("cannot relate {} endpoints", names.len())));
    };
    let not_peer = |e: &EndpointRecord| e.role != "peer";
    let ours = endpoints_named(a, &declared)?;
    let theirs = endpoints_named(b, &declared)?;
    let mut candidates = Vec::new();
    for x in ours.iter().filter(|e| not_peer(e)) {
        for y in theirs.iter().filter(|e| not_peer(e)) {
            if can_relate(x, y) {
                candidates.push(vec![x.clone(), y.clone()]);
            }
        }
    }
    match candidates.len() {
        0 => return Err(RelationError::Invalid("no relations found".into())),
        1 => return Ok(candidates.remove(0)),
        _ => {}
    }
    let explicit: Vec<&Vec<EndpointRecord>> =
        candidates.iter().filter(|c| c.iter().all(|e| e.name != "juju-info")).collect();
    if let [one] = explicit.as_slice() {
        return Ok((*one).clone());
    }
    let mut keys: Vec<String> = candidates.iter().map(|c| go_quote(&key_of(c))).collect();
    keys.sort();
    Err(RelationError::Invalid(format!(
        "ambiguous relation: {} could refer to {}",
        go_quote(&names.join(" ")),
        keys.join("; ")
    )))
}

/// Adds the relation between `endpoints` (from [`infer`]): refused when one with its key is
/// there (alive or dying, as Juju's `AddRelation`). Answers its id.
pub(crate) fn add(defs: &mut Defs, endpoints: Vec<EndpointRecord>) -> Result<u64, RelationError> {
    let key = key_of(&endpoints);
    if let Some(existing) = defs.by_id.values().find(|d| d.key == key) {
        let what = if existing.life == DYING {
            format!("relation {key} is dying, but not yet removed")
        } else {
            format!("relation {key} already exists")
        };
        return Err(RelationError::Exists(format!("cannot add relation {}: {what}", go_quote(&key))));
    }
    let id = defs.next;
    if defs.by_id.contains_key(&id) {
        return Err(RelationError::Invalid(format!(
            "cannot add relation {}: relation id {id} is taken",
            go_quote(&key)
        )));
    }
    defs.next = after(id)?;
    defs.by_id.insert(id, RelationDefRecord { key, endpoints, life: ALIVE.into() });
    Ok(id)
}

/// The peer relations of `app` that `declared` has and the records have not: each a new
/// relation, in metadata order (Juju adds them with the application; here when the
/// deployment registers its endpoints, again after a restart of `up` creating none twice).
/// Answers the ids added.
///
/// `unrecorded`: the ids of `app`'s relations that have scopes or bags but no record (a store
/// written before there were records, when the agents numbered the peer relations in metadata
/// order from 0): the N-th peer endpoint keeps id N if that is one of them, so its units keep
/// their relation, bags and hooks' history.
pub(crate) fn add_peers(
    defs: &mut Defs,
    app: &str,
    declared: &[EndpointDecl],
    unrecorded: &std::collections::BTreeSet<u64>,
) -> Vec<u64> {
    let mut added = Vec::new();
    for (index, peer) in declared.iter().filter(|e| e.role == "peer").enumerate() {
        let key = relation_key([(app, peer.name.as_str())]);
        if defs.by_id.values().any(|d| d.key == key) {
            continue;
        }
        let index = index as u64;
        let id = if unrecorded.contains(&index) && !defs.by_id.contains_key(&index) { index } else { defs.next };
        // The sequence used up (or an id taken): no peer relation rather than a reused id.
        let Ok(after) = after(id) else { break };
        if defs.by_id.contains_key(&id) {
            break;
        }
        defs.next = defs.next.max(after);
        defs.by_id
            .insert(id, RelationDefRecord { key, endpoints: vec![endpoint_record(app, peer)], life: ALIVE.into() });
        added.push(id);
    }
    added
}

/// The one relation `names` (one or two `app[:endpoint]`) match, as Juju's
/// `InferActiveRelation`: its id.
pub(crate) fn find(defs: &Defs, names: &[String]) -> Result<u64, RelationError> {
    let parts = names.iter().map(|n| split(n)).collect::<Result<Vec<_>, _>>()?;
    let matches = |d: &RelationDefRecord| {
        parts.iter().all(|(app, endpoint)| {
            d.endpoints.iter().any(|e| e.application == *app && endpoint.is_none_or(|n| e.name == n))
        }) && (parts.len() == 1 || d.endpoints.len() == parts.len())
    };
    let found: Vec<(&u64, &RelationDefRecord)> = defs.by_id.iter().filter(|(_, d)| matches(d)).collect();
    let query = names.join(" ");
    match found.as_slice() {
        [] => Err(RelationError::NotFound(format!("relation matching {} not found", go_quote(&query)))),
        [(id, _)] => Ok(**id),
        many => {
            let keys: Vec<String> = many.iter().map(|(_, d)| go_quote(&d.key)).collect();
            Err(RelationError::Invalid(format!(
                "ambiguous relation: {} could refer to {}",
                go_quote(&query),
                keys.join("; ")
            )))
        }
    }
}

/// May a unit of `app` read its own application's bag in relation `def`? Always in a peer
/// relation; in a relation with another application only its leader (Juju's uniter facade
/// refuses the others with `permission denied`).
pub(crate) fn may_read_own_app_bag(def: Option<&RelationDefRecord>, leads: bool) -> bool {
    def.is_none_or(|d| d.endpoints.len() == 1) || leads
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(name: &str, role: &str, interface: &str) -> EndpointDecl {
        EndpointDecl { name: name.into(), role: role.into(), interface: interface.into(), scope: "global".into() }
    }

    fn charms(app: &str) -> Option<Vec<EndpointDecl>> {
        let info = decl("juju-info", "provider", "juju-info");
        match app {
            "testdb" => Some(vec![decl("db", "provider", "dbi"), info]),
            "testapp" => Some(vec![decl("db", "requirer", "dbi"), info]),
            "both" => Some(vec![decl("db", "requirer", "dbi"), decl("db2", "requirer", "dbi"), info]),
            "logger" => Some(vec![decl("info", "requirer", "juju-info"), decl("peers", "peer", "p"), info]),
            "sub" => Some(vec![EndpointDecl { scope: "container".into(), ..decl("db", "requirer", "dbi") }, info]),
            _ => None,
        }
    }

    fn names(a: &str, b: &str) -> Vec<String> {
        vec![a.into(), b.into()]
    }

    fn key(result: Result<Vec<EndpointRecord>, RelationError>) -> String {
        match result {
            Ok(e) => key_of(&e),
            Err(e) => format!("ERR {e}"),
        }
    }

    #[test]
    fn integrate_infers_as_juju_does() {
        for (a, b, want) in [
            ("testdb", "testapp", "testapp:db testdb:db"),
            ("testapp", "testdb:db", "testapp:db testdb:db"),
            ("testapp:db", "testdb", "testapp:db testdb:db"),
            ("testdb", "testdb", "ERR no relations found"),
            ("testapp", "testapp", "ERR no relations found"),
            ("nope", "testdb", "ERR application \"nope\" not found"),
            ("testdb", "testapp:x", "ERR application \"testapp\" has no \"x\" relation"),
            ("testdb:", "testapp", "ERR invalid endpoint \"testdb:\""),
            ("sub", "testdb", "ERR no relations found"),
            // Two candidates, neither implicit: ambiguous, sorted.
            (
                "both",
                "testdb",
                "ERR ambiguous relation: \"both testdb\" could refer to \"both:db testdb:db\"; \"both:db2 testdb:db\"",
            ),
            // The implicit juju-info pair is dropped when another remains.
            ("logger", "testdb", "logger:info testdb:juju-info"),
        ] {
            assert_eq!(key(infer(&names(a, b), charms)), want, "{a} {b}");
        }
    }

    #[test]
    fn ids_come_from_one_sequence_never_reused_and_a_key_is_added_once() {
        let mut defs = Defs::default();
        let none = Default::default();
        assert_eq!(add_peers(&mut defs, "logger", &charms("logger").unwrap(), &none), [0]);
        assert_eq!(add_peers(&mut defs, "logger", &charms("logger").unwrap(), &none), Vec::<u64>::new());
        let endpoints = infer(&names("testdb", "testapp"), charms).unwrap();
        assert_eq!(add(&mut defs, endpoints.clone()), Ok(1));
        assert_eq!(
            add(&mut defs, endpoints.clone()).unwrap_err().to_string(),
            "cannot add relation \"testapp:db testdb:db\": relation testapp:db testdb:db already exists"
        );
        defs.by_id.get_mut(&1).unwrap().life = DYING.into();
        assert_eq!(
            add(&mut defs, endpoints.clone()).unwrap_err().to_string(),
            "cannot add relation \"testapp:db testdb:db\": relation testapp:db testdb:db is dying, but not yet removed"
        );
        defs.by_id.remove(&1);
        assert_eq!(add(&mut defs, endpoints), Ok(2), "a new id after a removal");
    }

    /// A store from before records: the application's peer relations keep the ids its agents
    /// gave them (metadata order from 0), and the sequence goes on past them.
    #[test]
    fn peer_relations_of_a_store_from_before_records_keep_their_ids() {
        let declared = vec![decl("a", "peer", "x"), decl("b", "peer", "y")];
        let mut defs = Defs { next: 2, ..Defs::default() };
        assert_eq!(add_peers(&mut defs, "old", &declared, &[0, 1].into()), [0, 1]);
        assert_eq!((defs.by_id[&1].key.as_str(), defs.next), ("old:b", 2));
        // Only an unrecorded id is kept; the other peer endpoint takes the sequence's next.
        let mut defs = Defs { next: 1, ..Defs::default() };
        assert_eq!(add_peers(&mut defs, "old", &declared, &[0].into()), [0, 1]);
        assert_eq!(defs.next, 2);
    }

    #[test]
    fn remove_relation_finds_one_relation() {
        let mut defs = Defs::default();
        add_peers(&mut defs, "logger", &charms("logger").unwrap(), &Default::default());
        add(&mut defs, infer(&names("testdb", "testapp"), charms).unwrap()).unwrap();
        add(&mut defs, infer(&names("logger", "testdb"), charms).unwrap()).unwrap();
        let find = |a: &str, b: &str| match find(&defs, &names(a, b)) {
            Ok(id) => id.to_string(),
            Err(e) => format!("ERR {e}"),
        };
        assert_eq!(find("testdb", "testapp"), "1");
        assert_eq!(find("testapp:db", "testdb:db"), "1");
        assert_eq!(find("testdb", "logger"), "2");
        assert_eq!(find("testapp", "logger"), "ERR relation matching \"testapp logger\" not found");
        assert_eq!(find("testapp:x", "testdb"), "ERR relation matching \"testapp:x testdb\" not found");
    }

    #[test]
    fn only_the_leader_reads_its_own_application_bag_in_a_regular_relation() {
        let mut defs = Defs::default();
        add_peers(&mut defs, "logger", &charms("logger").unwrap(), &Default::default());
        add(&mut defs, infer(&names("testdb", "testapp"), charms).unwrap()).unwrap();
        assert!(may_read_own_app_bag(defs.by_id.get(&0), false), "peer");
        assert!(!may_read_own_app_bag(defs.by_id.get(&1), false));
        assert!(may_read_own_app_bag(defs.by_id.get(&1), true));
    }

    #[test]
    fn the_id_sequence_never_wraps_nor_panics() {
        let endpoints = infer(&names("testdb", "testapp"), charms).unwrap();
        let mut defs = Defs { next: u64::MAX, ..Defs::default() };
        assert_eq!(
            add(&mut defs, endpoints.clone()).unwrap_err().to_string(),
            "cannot add relation: no relation ids left"
        );
        assert!(defs.by_id.is_empty() && defs.next == u64::MAX);
        assert_eq!(add_peers(&mut defs, "logger", &charms("logger").unwrap(), &Default::default()), Vec::<u64>::new());
        // An id already taken is never given again (a record the sequence did not count).
        let mut defs = Defs::default();
        add_peers(&mut defs, "logger", &charms("logger").unwrap(), &Default::default());
        defs.next = 0;
        assert!(add(&mut defs, endpoints).unwrap_err().to_string().ends_with("relation id 0 is taken"));
        assert_eq!(defs.by_id[&0].key, "logger:peers");
    }
}
