//! Peer relations: what a charm's `metadata.yaml` declares under `peers:`, and the rules both
//! ends share about relation ids and relation keys.
//!
//! Each `peers:` endpoint is one relation that every unit of the application joins. Juju numbers
//! relations model-wide from one sequence (`state/application.go`, `addPeerRelationsOps`, takes
//! `sequence(st, "relation")` once per peer endpoint while it adds the application); the order in
//! which it walks the endpoints is a Go map's, so unspecified. A model here holds one
//! application, so its peer relations are numbered in metadata order from 0: every unit of the
//! application computes the same ids from the same charm, without asking anyone.

use std::path::Path;

/// One peer relation of the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRelation {
    pub id: u64,
    pub endpoint: String,
}

impl PeerRelation {
    /// `<endpoint>:<id>`, what `relation-ids` prints and `JUJU_RELATION_ID` holds (Juju's
    /// `ContextRelation.FakeId`).
    pub fn fake_id(&self) -> String {
        format!("{}:{}", self.endpoint, self.id)
    }

    /// Juju's relation key (`state/relation.go`, `relationKey`): for a peer relation, its one
    /// endpoint as `<application>:<endpoint>`.
    pub fn key(&self, app: &str) -> String {
        format!("{app}:{}", self.endpoint)
    }
}

/// `metadata.yaml` could not be read or is not a charm's metadata.
///
/// The cause is part of the message and not also `source()`: this error reaches the CLI's
/// `{:#}`, which would print the cause twice.
#[derive(Debug, thiserror::Error)]
#[error("cannot read charm metadata {path}: {cause}")]
pub struct MetadataError {
    path: String,
    cause: MetadataCause,
}

/// What was wrong with `metadata.yaml`.
#[derive(Debug, thiserror::Error)]
pub enum MetadataCause {
    /// In Go's words (`permission denied`), as Juju would say it.
    #[error("{}", crate::gocompat::go_error_text(.0))]
    Read(#[source] std::io::Error),
    #[error(transparent)]
    Peers(#[from] PeersError),
}

impl MetadataError {
    pub fn cause(&self) -> &MetadataCause {
        &self.cause
    }
}

/// Why a `metadata.yaml` text declares no valid `peers:`.
#[derive(Debug, thiserror::Error)]
pub enum PeersError {
    #[error(transparent)]
    Yaml(#[from] serde_yaml_ng::Error),
    #[error("peers: must be a map of endpoint names")]
    NotAMap,
    #[error("peers: an endpoint name is not a string")]
    NameNotAString,
    #[error("peers: invalid endpoint name {0:?}")]
    InvalidName(String),
}

/// The peer relations of the charm in `charm_dir`, in metadata order, numbered from 0. A charm
/// without `metadata.yaml`, or without `peers:`, has none.
pub fn peers(charm_dir: &Path) -> Result<Vec<PeerRelation>, MetadataError> {
    let path = charm_dir.join("metadata.yaml");
    let fail = |cause: MetadataCause| MetadataError { path: path.display().to_string(), cause };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(fail(MetadataCause::Read(e))),
    };
    parse_peers(&text).map_err(|e| fail(e.into()))
}

/// The `peers:` endpoints of a `metadata.yaml` text, in the order they are written.
pub(crate) fn parse_peers(text: &str) -> Result<Vec<PeerRelation>, PeersError> {
    use serde_yaml_ng::Value;
    let doc: Value = serde_yaml_ng::from_str(text)?;
    let peers = match doc.get("peers") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Mapping(m)) => m,
        Some(_) => return Err(PeersError::NotAMap),
    };
    let mut out = Vec::new();
    for (name, _) in peers {
        let Some(name) = name.as_str() else {
            return Err(PeersError::NameNotAString);
        };
        if !valid_endpoint(name) {
            return Err(PeersError::InvalidName(name.to_string()));
        }
        out.push(PeerRelation { id: out.len() as u64, endpoint: name.to_string() });
    }
    Ok(out)
}

/// Juju's relation name rule (`internal/charm/meta.go`, `validRelationName`): lower-case
/// letters, digits and dashes, starting with a letter, not ending with a dash.
fn valid_endpoint(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Why a `-r` value is refused (Juju's `relationIdValue.Set`, `jujuc/context.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationIdError {
    /// Not `[anything:]<integer>`.
    Invalid,
    /// A well-formed id that is not one of this unit's relations.
    NotFound,
}

impl RelationIdError {
    pub fn text(self) -> &'static str {
        match self {
            RelationIdError::Invalid => "invalid relation id",
            RelationIdError::NotFound => "relation not found",
        }
    }
}

/// The relation id in a `-r` value: the text after the last `:` read as Go's `strconv.Atoi`
/// does (a sign and leading zeros allowed); the text before it is never checked.
pub fn parse_relation_id(value: &str) -> Result<i64, RelationIdError> {
    let tail = value.rsplit_once(':').map_or(value, |(_, tail)| tail);
    let digits = tail.strip_prefix(['+', '-']).unwrap_or(tail);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RelationIdError::Invalid);
    }
    tail.parse::<i64>().map_err(|_| RelationIdError::Invalid)
}

/// The unit-bag keys Juju sets when a unit enters a relation's scope (the uniter's
/// `EnterScope` with the unit's addresses): every unit here runs on this host.
pub fn scope_settings() -> crate::model::Settings {
    [("egress-subnets", "127.0.0.1/32"), ("ingress-address", "127.0.0.1"), ("private-address", "127.0.0.1")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The most one relation bag (a unit's, or the application's) may hold, keys and values
/// together: 8 MiB. Juju keeps each bag in one MongoDB settings document, which MongoDB caps at
/// 16 MiB (`state/settings.go`); without a bound here, a unit writing a few MiB in each hook
/// grows its bag without end, and every reader (the peers' hooks, status) pays for it.
pub const MAX_BAG_BYTES: usize = 8 * 1024 * 1024;

/// The size [`MAX_BAG_BYTES`] bounds: every key and value, in bytes.
pub fn bag_bytes(bag: &crate::model::Settings) -> usize {
    bag.iter().map(|(k, v)| k.len() + v.len()).sum()
}

/// Whether writing `changes` to `bag` is refused: it would leave the bag over [`MAX_BAG_BYTES`]
/// and larger than it was (a bag already over the bound may still shrink). Answers the size it
/// would have.
pub fn bag_too_large(bag: &crate::model::Settings, changes: &crate::model::Settings) -> Option<usize> {
    let mut after = bag.clone();
    crate::model::apply_changes(&mut after, changes);
    let size = bag_bytes(&after);
    (size > MAX_BAG_BYTES && size > bag_bytes(bag)).then_some(size)
}

/// The words for [`bag_too_large`]: `whose` is the unit or the application, `outcome` says what
/// was left undone.
pub fn bag_too_large_message(relation_id: u64, whose: &str, size: usize, outcome: &str) -> String {
    format!(
        "{whose}'s settings in relation {relation_id} would be {size} bytes, more than one relation bag may hold \
         ({MAX_BAG_BYTES} bytes): {outcome}. Delete keys (relation-set KEY=) to make room"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bag_may_not_grow_past_its_bound_but_may_shrink() {
        let bag = |pairs: &[(&str, usize)]| -> crate::model::Settings {
            pairs.iter().map(|(k, n)| (k.to_string(), "x".repeat(*n))).collect()
        };
        let half = MAX_BAG_BYTES / 2;
        assert_eq!(bag_too_large(&bag(&[("a", half)]), &bag(&[("b", half - 2)])), None);
        assert_eq!(bag_too_large(&bag(&[("a", half)]), &bag(&[("b", half)])), Some(MAX_BAG_BYTES + 2));
        // Replacing a value counts once; deleting (an empty value) shrinks an oversized bag.
        assert_eq!(bag_too_large(&bag(&[("a", half)]), &bag(&[("a", half + 100)])), None);
        let over = bag(&[("a", MAX_BAG_BYTES), ("b", 10)]);
        assert_eq!(bag_too_large(&over, &bag(&[("b", 0)])), None);
    }

    #[test]
    fn peers_are_numbered_in_metadata_order_from_zero() {
        let text = "name: db\npeers:\n  replicas:\n    interface: r\n  cluster: {interface: c}\nrequires:\n  x: {interface: y}\n";
        let peers = parse_peers(text).unwrap();
        assert_eq!(
            peers,
            vec![
                PeerRelation { id: 0, endpoint: "replicas".into() },
                PeerRelation { id: 1, endpoint: "cluster".into() }
            ]
        );
        assert_eq!(peers[1].fake_id(), "cluster:1");
        assert_eq!(peers[1].key("db"), "db:cluster");
        assert_eq!(parse_peers("name: x\n").unwrap(), vec![]);
        assert_eq!(parse_peers("peers:\n").unwrap(), vec![]);
        assert_eq!(parse_peers("peers: [a]\n").unwrap_err().to_string(), "peers: must be a map of endpoint names");
        assert_eq!(parse_peers("peers:\n  Bad: {}\n").unwrap_err().to_string(), "peers: invalid endpoint name \"Bad\"");
        assert_eq!(
            parse_peers("peers:\n  1: {}\n").unwrap_err().to_string(),
            "peers: an endpoint name is not a string"
        );
    }

    #[test]
    fn relation_ids_parse_as_juju_reads_them() {
        for (value, want) in [("1", 1), ("db:1", 1), ("anything:1", 1), ("a:b:1", 1), ("+1", 1), ("01", 1), ("-1", -1)]
        {
            assert_eq!(parse_relation_id(value), Ok(want), "{value}");
        }
        for value in ["bogus", "", "db:", "db:one", " 1", "1.0", "=1", "-", "99999999999999999999"] {
            assert_eq!(parse_relation_id(value), Err(RelationIdError::Invalid), "{value:?}");
        }
    }
}

/// The endpoints a unit of the charm in `charm_dir` can name as a binding (network-get) or
/// port endpoint (open-port --endpoints): every `peers:`, `provides:` and `requires:`
/// endpoint and `extra-bindings:` name in its `metadata.yaml`, and `juju-info`, which Juju
/// adds to every charm (`internal/charm/meta.go`, `ImplicitRelations`). Sorted.
pub fn endpoints(charm_dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(charm_dir.join("metadata.yaml")).unwrap_or_default();
    let mut names = parse_endpoints(&text);
    names.sort();
    names.dedup();
    names
}

fn parse_endpoints(text: &str) -> Vec<String> {
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).unwrap_or(serde_yaml_ng::Value::Null);
    let mut names = vec!["juju-info".to_string()];
    for section in ["peers", "provides", "requires", "extra-bindings"] {
        if let Some(serde_yaml_ng::Value::Mapping(m)) = doc.get(section) {
            names.extend(m.keys().filter_map(|k| k.as_str()).map(String::from));
        }
    }
    names
}

#[cfg(test)]
mod endpoint_tests {
    #[test]
    fn every_declared_endpoint_and_juju_info_is_a_binding() {
        let text = "name: x\npeers:\n  cluster: {interface: c}\nprovides:\n  website: {interface: http}\n\
                    requires:\n  db: {interface: pg}\nextra-bindings:\n  admin:\n";
        let mut names = super::parse_endpoints(text);
        names.sort();
        assert_eq!(names, ["admin", "cluster", "db", "juju-info", "website"]);
        assert_eq!(super::parse_endpoints(""), ["juju-info"]);
    }
}

/// One relation endpoint a charm declares (Juju's `charm.Relation`): its name, its role
/// (`provider`, `requirer` or `peer`), its interface and its scope (`global` or `container`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EndpointDecl {
    pub name: String,
    pub role: String,
    pub interface: String,
    pub scope: String,
}

/// The relation endpoints of the charm in `charm_dir` (`leaderd_core::relations`'s
/// [`parse_declared`]). A charm without `metadata.yaml` has only `juju-info`.
pub fn declared_endpoints(charm_dir: &Path) -> Result<Vec<EndpointDecl>, MetadataError> {
    let path = charm_dir.join("metadata.yaml");
    let fail = |cause: MetadataCause| MetadataError { path: path.display().to_string(), cause };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(fail(MetadataCause::Read(e))),
    };
    parse_declared(&text).map_err(|e| fail(e.into()))
}

/// The `peers:` (in metadata order, as [`parse_peers`]), `provides:` and `requires:`
/// endpoints of a `metadata.yaml` text, then the implicit `juju-info` provider Juju adds to
/// every charm (`internal/charm/meta.go`, `ImplicitRelations`). An endpoint is a map with
/// `interface` (and optionally `scope`), or its interface alone (`db: mysql`), as juju/charm's
/// `parseRelations` reads it.
pub fn parse_declared(text: &str) -> Result<Vec<EndpointDecl>, PeersError> {
    use serde_yaml_ng::Value;
    let peers = parse_peers(text)?;
    let doc: Value = serde_yaml_ng::from_str(text).unwrap_or(Value::Null);
    let mut out = Vec::new();
    for (section, role) in [("peers", "peer"), ("provides", "provider"), ("requires", "requirer")] {
        let Some(Value::Mapping(m)) = doc.get(section) else { continue };
        for (name, value) in m {
            let Some(name) = name.as_str() else {
                return Err(PeersError::NameNotAString);
            };
            if !valid_endpoint(name) {
                return Err(PeersError::InvalidName(name.to_string()));
            }
            let (interface, scope) = match value {
                Value::String(interface) => (interface.clone(), None),
                Value::Mapping(_) => (
                    value.get("interface").and_then(Value::as_str).unwrap_or_default().to_string(),
                    value.get("scope").and_then(Value::as_str).map(String::from),
                ),
                _ => (String::new(), None),
            };
            out.push(EndpointDecl {
                name: name.to_string(),
                role: role.to_string(),
                interface,
                scope: scope.unwrap_or_else(|| "global".into()),
            });
        }
    }
    debug_assert_eq!(peers.len(), out.iter().filter(|e| e.role == "peer").count());
    if !out.iter().any(|e| e.name == "juju-info") {
        out.push(EndpointDecl {
            name: "juju-info".into(),
            role: "provider".into(),
            interface: "juju-info".into(),
            scope: "global".into(),
        });
    }
    Ok(out)
}

/// Juju's relation key (`state/relation.go`, `relationKey`): each endpoint as
/// `application:endpoint`, sorted, joined by a space (a peer relation has one).
pub fn relation_key<'a>(endpoints: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut names: Vec<String> = endpoints.into_iter().map(|(app, name)| format!("{app}:{name}")).collect();
    names.sort();
    names.join(" ")
}

/// One relation a unit of `app` takes part in, as its hooks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRelation {
    pub id: u64,
    /// This application's endpoint (`JUJU_RELATION`).
    pub endpoint: String,
    /// The application at the other end (`JUJU_REMOTE_APP`; this one for a peer relation).
    pub remote_app: String,
    pub key: String,
    pub peer: bool,
    /// remove-relation made it dying.
    pub dying: bool,
}

impl UnitRelation {
    /// The id and endpoint, as [`PeerRelation`] names a relation.
    pub fn as_peer(&self) -> PeerRelation {
        PeerRelation { id: self.id, endpoint: self.endpoint.clone() }
    }
}

/// The relations of `app` in `data` whose record the controller sent, in id order.
pub fn unit_relations(app: &str, data: &crate::wire::controller::RelationsResponse) -> Vec<UnitRelation> {
    data.relations
        .iter()
        .filter_map(|(&id, r)| {
            let def = r.relation.as_ref()?;
            let endpoint = def.endpoint_of(app)?;
            Some(UnitRelation {
                id,
                endpoint: endpoint.endpoint.name.clone(),
                remote_app: def.other_app(app)?.to_string(),
                key: def.key.clone(),
                peer: def.is_peer(),
                dying: !def.alive(),
            })
        })
        .collect()
}

#[cfg(test)]
mod declared_tests {
    use super::*;

    #[test]
    fn every_endpoint_with_its_role_interface_and_scope_and_juju_info() {
        let text = "name: x\nrequires:\n  db: {interface: dbi}\n  logs:\n    interface: syslog\n    scope: container\n\
                    provides:\n  website: http\npeers:\n  cluster: {interface: c}\n";
        let got: Vec<String> = parse_declared(text)
            .unwrap()
            .into_iter()
            .map(|e| format!("{} {} {} {}", e.name, e.role, e.interface, e.scope))
            .collect();
        assert_eq!(
            got,
            [
                "cluster peer c global",
                "website provider http global",
                "db requirer dbi global",
                "logs requirer syslog container",
                "juju-info provider juju-info global"
            ]
        );
        assert_eq!(relation_key([("testdb", "db"), ("testapp", "db")]), "testapp:db testdb:db");
        assert_eq!(relation_key([("app", "cluster")]), "app:cluster");
    }
}
