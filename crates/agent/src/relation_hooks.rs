//! Which relation hook runs next (Juju's relation resolver,
//! `internal/worker/uniter/relation/resolver.go`), as a pure function of the controller's
//! relation data (each relation's record: its id, the unit's endpoint, the other application,
//! its life) and what this unit's hooks have already been told.
//! The resolver (`resolver.rs`) decides when a relation hook goes before or after the
//! lifecycle's; the rules are tested here, table-style.
//!
//! - `<endpoint>-relation-created` once per relation, after install and before the leadership
//!   hook (Juju's uniter resolver asks its created-relations resolver before the leadership
//!   resolver).
//!   A relation that appears later (integrate) gets its `-relation-created` when it appears.
//! - After start, for each relation in id order, in Juju's `nextHookForRelation` order: the
//!   `-relation-changed` a `-relation-joined` queued; `-relation-departed` for a remote unit
//!   that left the scope; a changed remote application bag gets one `-relation-changed` with
//!   only the remote application set (`JUJU_REMOTE_APP`, no `JUJU_REMOTE_UNIT`; an empty bag,
//!   never written, runs nothing); a unit that entered the scope gets `-relation-joined` and
//!   then at once its `-relation-changed`; a unit whose bag differs from what the hooks last
//!   saw gets `-relation-changed` (several changes coalesce into one run).
//! - The remote units are the other application's (a peer relation's: the unit's own
//!   application's); the unit's own bag never runs a hook on itself.
//! - A relation made dying by remove-relation (or already removed), and every relation of a
//!   unit that left the scope because it is being removed: `-relation-departed` for each
//!   remote unit it knew (the departing unit is the remote one, or this unit when it is the
//!   one leaving), then `-relation-broken`, and no more hooks for that relation (Juju's
//!   dying-relation path). A relation whose `-relation-created` never ran runs nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use leaderd_core::model::Settings;
use leaderd_core::relations::{PeerRelation, UnitRelation};
use leaderd_core::wire::controller::{RelationData, RelationsResponse};

/// The kinds of relation hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Created,
    Joined,
    Changed,
    Departed,
    Broken,
}

impl Kind {
    fn suffix(self) -> &'static str {
        match self {
            Kind::Created => "relation-created",
            Kind::Joined => "relation-joined",
            Kind::Changed => "relation-changed",
            Kind::Departed => "relation-departed",
            Kind::Broken => "relation-broken",
        }
    }
}

/// One relation hook to run, with what its environment says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RelationHook {
    pub kind: Kind,
    pub relation: PeerRelation,
    /// `JUJU_REMOTE_UNIT`: the unit that joined, changed or departed; none for -created and
    /// for a change of the application bag.
    pub remote_unit: Option<String>,
    /// `JUJU_REMOTE_APP`: for a peer relation, the unit's own application.
    pub remote_app: String,
    /// `JUJU_DEPARTING_UNIT` of a -departed: the remote unit that left, or this unit when it is
    /// the one leaving.
    pub departing_unit: Option<String>,
}

impl RelationHook {
    /// `<endpoint>-relation-<kind>`.
    pub fn name(&self) -> String {
        format!("{}-{}", self.relation.endpoint, self.kind.suffix())
    }

    /// The hook's relation variables (docs/architecture.md, "How a unit knows it leads").
    pub fn env(&self) -> Vec<(String, String)> {
        let mut vars = vec![
            ("JUJU_RELATION".to_string(), self.relation.endpoint.clone()),
            ("JUJU_RELATION_ID".to_string(), self.relation.fake_id()),
            ("JUJU_REMOTE_APP".to_string(), self.remote_app.clone()),
        ];
        if let Some(unit) = &self.remote_unit {
            vars.push(("JUJU_REMOTE_UNIT".to_string(), unit.clone()));
        }
        if let Some(unit) = &self.departing_unit {
            vars.push(("JUJU_DEPARTING_UNIT".to_string(), unit.clone()));
        }
        vars
    }
}

/// What this unit's hooks have been told about one relation.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SeenRelation {
    /// The remote units the hooks know (joined, not departed), with the bag the last
    /// `-relation-changed` for each saw (`None`: joined, changed not run yet).
    #[serde(default)]
    pub members: BTreeMap<String, Option<Settings>>,
    /// The application bag the last application `-relation-changed` saw.
    #[serde(default)]
    pub app: Settings,
}

/// What this unit's hooks have been told, for every relation. The created relations and the
/// joined members survive an agent restart (`<state>/relations.json`); the bags seen do not,
/// so every member gets one `-relation-changed` after a restart.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Seen {
    #[serde(default)]
    pub created: BTreeSet<u64>,
    #[serde(default)]
    pub relations: BTreeMap<u64, SeenRelation>,
    /// The relations whose -relation-broken has run: no more hooks for them.
    #[serde(default)]
    pub broken: BTreeSet<u64>,
    /// Each created relation's names, so that its -departed and -broken can run (and its hook
    /// tools answer) after the controller has removed it.
    #[serde(default)]
    pub known: BTreeMap<u64, KnownRelation>,
}

/// A relation as its `-relation-created` saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct KnownRelation {
    pub endpoint: String,
    pub remote_app: String,
    pub key: String,
    #[serde(default)]
    pub peer: bool,
}

impl KnownRelation {
    pub(crate) fn unit_relation(&self, id: u64) -> UnitRelation {
        UnitRelation {
            id,
            endpoint: self.endpoint.clone(),
            remote_app: self.remote_app.clone(),
            key: self.key.clone(),
            peer: self.peer,
            dying: true,
        }
    }
}

/// The bag of the remote application: in a peer relation the application's own.
fn remote_app_bag(relation: &RelationData) -> &Settings {
    match &relation.relation {
        Some(def) if !def.is_peer() => &relation.remote_app,
        _ => &relation.app,
    }
}

impl Seen {
    /// After a restart: members stay joined, their bags unseen.
    pub fn restarted(mut self) -> Seen {
        for relation in self.relations.values_mut() {
            for bag in relation.members.values_mut() {
                *bag = None;
            }
        }
        self
    }

    /// The remote units each relation's hooks know, for relation-list.
    pub fn joined(&self) -> BTreeMap<u64, Vec<String>> {
        self.relations.iter().map(|(id, r)| (*id, r.members.keys().cloned().collect())).collect()
    }

    /// The remote units relation-list reports while `hook` runs: the joining (or changing) unit
    /// already included, the departing unit already gone (Juju's relationer `PrepareHook` and
    /// context factory, which drops the departing unit from the hook's members).
    pub fn members_during(&self, hook: &RelationHook) -> BTreeMap<u64, Vec<String>> {
        let mut joined = self.joined();
        if let Some(unit) = &hook.remote_unit {
            let members = joined.entry(hook.relation.id).or_default();
            members.retain(|m| m != unit);
            if hook.kind != Kind::Departed {
                members.push(unit.clone());
                members.sort();
            }
        }
        joined
    }

    /// Records that `hook` succeeded, having seen `data`.
    pub fn ran(&mut self, hook: &RelationHook, data: &RelationsResponse) {
        let id = hook.relation.id;
        let current = data.relations.get(&id);
        let seen = self.relations.entry(id).or_default();
        match (hook.kind, &hook.remote_unit) {
            (Kind::Created, _) => {
                self.created.insert(id);
                self.known.insert(
                    id,
                    KnownRelation {
                        endpoint: hook.relation.endpoint.clone(),
                        remote_app: hook.remote_app.clone(),
                        key: current.and_then(|r| r.relation.as_ref()).map(|d| d.key.clone()).unwrap_or_default(),
                        peer: current.and_then(|r| r.relation.as_ref()).is_none_or(|d| d.is_peer()),
                    },
                );
            }
            (Kind::Joined, Some(unit)) => {
                seen.members.insert(unit.clone(), None);
            }
            (Kind::Changed, Some(unit)) => {
                let bag = current.and_then(|r| r.units.get(unit)).cloned().unwrap_or_default();
                seen.members.insert(unit.clone(), Some(bag));
            }
            (Kind::Changed, None) => seen.app = current.map(|r| remote_app_bag(r).clone()).unwrap_or_default(),
            (Kind::Departed, Some(unit)) => {
                seen.members.remove(unit);
            }
            (Kind::Broken, _) => {
                self.broken.insert(id);
                self.relations.remove(&id);
                self.known.remove(&id);
            }
            (Kind::Joined | Kind::Departed, None) => {}
        }
    }
}

/// The relations a unit of `app` takes part in: those in `data` with a record, and those its
/// hooks created that the controller has removed since (dying, for their last hooks).
pub(crate) fn relations_of(app: &str, data: &RelationsResponse, seen: &Seen) -> Vec<UnitRelation> {
    let mut relations = leaderd_core::relations::unit_relations(app, data);
    for (id, known) in &seen.known {
        if !data.relations.contains_key(id) {
            relations.push(known.unit_relation(*id));
        }
    }
    relations.sort_by_key(|r| r.id);
    relations
}

/// The next relation hook, if any. `started`: the unit has run its start hook (only
/// `-relation-created` runs before). `dying`: the unit is being removed (it left every scope
/// before it was told so).
pub fn next(
    unit: &str,
    app: &str,
    data: &RelationsResponse,
    seen: &Seen,
    started: bool,
    dying: bool,
) -> Option<RelationHook> {
    let relations = relations_of(app, data, seen);
    let hook = |kind, relation: &UnitRelation, remote_unit: Option<&String>| RelationHook {
        kind,
        relation: relation.as_peer(),
        remote_unit: remote_unit.cloned(),
        remote_app: relation.remote_app.clone(),
        departing_unit: remote_unit.filter(|_| kind == Kind::Departed).cloned(),
    };
    let fresh = |r: &&UnitRelation| !r.dying && !seen.created.contains(&r.id) && !seen.broken.contains(&r.id);
    if let Some(relation) = relations.iter().find(fresh) {
        return Some(hook(Kind::Created, relation, None));
    }
    if !started {
        return None;
    }
    let empty = SeenRelation::default();
    for relation in relations.iter().filter(|r| !seen.broken.contains(&r.id)) {
        let current = data.relations.get(&relation.id).cloned().unwrap_or_default();
        let seen_relation = seen.relations.get(&relation.id).unwrap_or(&empty);
        // The relation is going (remove-relation), or this unit left the scope (it has a bag,
        // so it was in it; or it is dying, and a bag its hooks emptied is not kept across a
        // controller restart): departed for everyone it knew, then broken.
        let left = !current.members.iter().any(|m| m == unit) && (current.units.contains_key(unit) || dying);
        if relation.dying || left {
            if !seen.created.contains(&relation.id) && seen_relation.members.is_empty() {
                continue;
            }
            if let Some(remote) = seen_relation.members.keys().next() {
                let mut departed = hook(Kind::Departed, relation, Some(remote));
                // The departing unit is this one when it is the one going (Juju: its unit or
                // application is not alive), else the remote unit (the relation is going: the
                // unit left a dying relation's scope itself).
                if dying || (left && !relation.dying) {
                    departed.departing_unit = Some(unit.to_string());
                }
                return Some(departed);
            }
            return Some(hook(Kind::Broken, relation, None));
        }
        if !current.members.iter().any(|m| m == unit) {
            // Not in the scope yet (the relation watcher enters it): nothing to hear of.
            continue;
        }
        // A unit that just joined gets its -changed before anything else.
        if let Some((fresh, _)) = seen_relation.members.iter().find(|(_, bag)| bag.is_none()) {
            return Some(hook(Kind::Changed, relation, Some(fresh)));
        }
        let remote_unit = |m: &&String| {
            *m != unit
                && (relation.peer || leaderd_core::names::unit_application(m) == Ok(relation.remote_app.as_str()))
        };
        let in_scope: BTreeSet<&String> = current.members.iter().filter(remote_unit).collect();
        if let Some(gone) = seen_relation.members.keys().find(|m| !in_scope.contains(m)) {
            return Some(hook(Kind::Departed, relation, Some(gone)));
        }
        if &seen_relation.app != remote_app_bag(&current) {
            return Some(hook(Kind::Changed, relation, None));
        }
        if let Some(new) = in_scope.iter().find(|m| !seen_relation.members.contains_key(**m)) {
            return Some(hook(Kind::Joined, relation, Some(new)));
        }
        let empty_bag = Settings::new();
        let changed = seen_relation
            .members
            .iter()
            .find(|(member, bag)| bag.as_ref() != Some(current.units.get(*member).unwrap_or(&empty_bag)));
        if let Some((member, _)) = changed {
            return Some(hook(Kind::Changed, relation, Some(member)));
        }
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use leaderd_core::wire::controller::RelationData;

    /// Relation 0's record: `app`'s peer relation `cluster`.
    pub(crate) fn peer_def() -> leaderd_core::wire::controller::RelationDef {
        use leaderd_core::wire::controller::{RelationDef, RelationEndpoint};
        let endpoint = leaderd_core::relations::EndpointDecl {
            name: "cluster".into(),
            role: "peer".into(),
            interface: "c".into(),
            scope: "global".into(),
        };
        RelationDef {
            id: 0,
            key: "app:cluster".into(),
            endpoints: vec![RelationEndpoint { application: "app".into(), endpoint }],
            life: "alive".into(),
        }
    }

    fn kv(pairs: &[(&str, &str)]) -> Settings {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// The relation data: members, (unit, bag) pairs, the app bag.
    fn data(members: &[&str], bags: &[(&str, &[(&str, &str)])], app: &[(&str, &str)]) -> RelationsResponse {
        let relation = RelationData {
            members: members.iter().map(|m| m.to_string()).collect(),
            units: bags.iter().map(|(u, b)| (u.to_string(), kv(b))).collect(),
            app: kv(app),
            relation: Some(peer_def()),
            remote_app: Settings::new(),
        };
        RelationsResponse { relations: [(0, relation)].into(), version: 1 }
    }

    /// What a row says, the data it sees step by step (with whether the unit has started),
    /// and the hooks that run.
    type Row<'a> = (&'a str, Vec<(&'a RelationsResponse, bool)>, Vec<&'a str>);

    /// Runs every hook until none is due; returns them as `name remote-unit`.
    fn drain(seen: &mut Seen, data: &RelationsResponse, started: bool) -> Vec<String> {
        let mut ran = Vec::new();
        while let Some(hook) = next("app/0", "app", data, seen, started, false) {
            seen.ran(&hook, data);
            ran.push(format!("{} {}", hook.name(), hook.remote_unit.clone().unwrap_or_else(|| "(app)".into())));
            assert!(ran.len() < 50, "runaway: {ran:?}");
        }
        ran
    }

    /// A dying unit whose own bag is empty (its hooks deleted every key; the store keeps no
    /// empty bag across a controller restart) still leaves as Juju's does: departed for each
    /// unit it knew, then broken.
    #[test]
    fn a_dying_unit_with_no_bag_left_still_departs_and_breaks() {
        let two = data(&["app/0", "app/1"], &[("app/1", &[("addr", "x")])], &[]);
        let mut seen = Seen::default();
        drain(&mut seen, &two, true);
        let gone = data(&["app/1"], &[("app/1", &[("addr", "x")])], &[]);
        let mut ran = Vec::new();
        while let Some(hook) = next("app/0", "app", &gone, &seen, true, true) {
            seen.ran(&hook, &gone);
            ran.push(format!("{} {:?}", hook.name(), hook.departing_unit));
            assert!(ran.len() < 10, "runaway: {ran:?}");
        }
        assert_eq!(ran, ["cluster-relation-departed Some(\"app/0\")", "cluster-relation-broken None"]);
    }

    #[test]
    fn the_relation_hook_table() {
        let alone = data(&["app/0"], &[("app/0", &[("a", "1")])], &[]);
        let two = data(&["app/0", "app/1"], &[("app/1", &[("addr", "x")])], &[]);
        let two_changed = data(&["app/0", "app/1"], &[("app/1", &[("addr", "y")])], &[]);
        let three = data(&["app/0", "app/1", "app/2"], &[("app/1", &[("addr", "x")])], &[]);
        let secret = data(&["app/0", "app/1"], &[("app/1", &[("addr", "x")])], &[("secret", "s")]);
        let one_left = data(&["app/0"], &[("app/1", &[("addr", "x")])], &[("secret", "s")]);
        let three_changed = data(&["app/0", "app/1", "app/2"], &[("app/0", &[]), ("app/1", &[("addr", "x")])], &[]);
        let me_gone = data(&["app/1", "app/2"], &[("app/0", &[]), ("app/1", &[("addr", "x")])], &[]);
        let me_gone_changed = data(&["app/1"], &[("app/0", &[]), ("app/1", &[("addr", "y")])], &[("k", "v")]);
        #[rustfmt::skip]
        let table: Vec<Row> = vec![
            ("created before start, nothing else", vec![(&two, false)], vec!["cluster-relation-created (app)"]),
            ("the unit's own bag runs nothing", vec![(&alone, true)], vec!["cluster-relation-created (app)"]),
            ("joined then changed for a unit in scope",
             vec![(&alone, true), (&two, true)],
             vec!["cluster-relation-created (app)", "cluster-relation-joined app/1", "cluster-relation-changed app/1"]),
            ("a changed bag: one changed", vec![(&two, true), (&two_changed, true), (&two_changed, true)],
             vec!["cluster-relation-created (app)", "cluster-relation-joined app/1", "cluster-relation-changed app/1",
                  "cluster-relation-changed app/1"]),
            ("each joiner's changed before the next joined", vec![(&three, true)],
             vec!["cluster-relation-created (app)", "cluster-relation-joined app/1", "cluster-relation-changed app/1",
                  "cluster-relation-joined app/2", "cluster-relation-changed app/2"]),
            ("the application bag: changed with only the remote app", vec![(&two, true), (&secret, true)],
             vec!["cluster-relation-created (app)", "cluster-relation-joined app/1", "cluster-relation-changed app/1",
                  "cluster-relation-changed (app)"]),
            // Juju's order: the application bag's change before any -joined.
            ("a unit that leaves departs", vec![(&secret, true), (&one_left, true)],
             vec!["cluster-relation-created (app)", "cluster-relation-changed (app)", "cluster-relation-joined app/1",
                  "cluster-relation-changed app/1", "cluster-relation-departed app/1"]),
            ("the unit itself leaves: departed for each, then broken, then nothing",
             vec![(&three_changed, true), (&me_gone, true), (&me_gone_changed, true)],
             vec!["cluster-relation-created (app)", "cluster-relation-joined app/1", "cluster-relation-changed app/1",
                  "cluster-relation-joined app/2", "cluster-relation-changed app/2",
                  "cluster-relation-departed app/1", "cluster-relation-departed app/2", "cluster-relation-broken (app)"]),
        ];
        for (what, steps, want) in table {
            let mut seen = Seen::default();
            let mut ran = Vec::new();
            for (data, started) in steps {
                ran.extend(drain(&mut seen, data, started));
            }
            assert_eq!(ran, want, "{what}");
        }
    }

    /// Relation 3 between testdb (provides db) and testapp (requires db), as testapp's units
    /// read it: the members, (unit, bag) pairs, testdb's application bag, the life.
    fn regular(
        members: &[&str],
        bags: &[(&str, &[(&str, &str)])],
        remote: &[(&str, &str)],
        life: &str,
    ) -> RelationsResponse {
        use leaderd_core::wire::controller::{RelationDef, RelationEndpoint};
        let end = |app: &str, role: &str| RelationEndpoint {
            application: app.into(),
            endpoint: leaderd_core::relations::EndpointDecl {
                name: "db".into(),
                role: role.into(),
                interface: "dbi".into(),
                scope: "global".into(),
            },
        };
        let relation = RelationData {
            members: members.iter().map(|m| m.to_string()).collect(),
            units: bags.iter().map(|(u, b)| (u.to_string(), kv(b))).collect(),
            app: Settings::new(),
            relation: Some(RelationDef {
                id: 3,
                key: "testapp:db testdb:db".into(),
                endpoints: vec![end("testdb", "provider"), end("testapp", "requirer")],
                life: life.into(),
            }),
            remote_app: kv(remote),
        };
        RelationsResponse { relations: [(3, relation)].into(), version: 1 }
    }

    /// Every hook testapp/0 runs until none is due, as `name remote-unit departing JUJU_RELATION_ID JUJU_REMOTE_APP`.
    fn drain_testapp(seen: &mut Seen, data: &RelationsResponse, started: bool) -> Vec<String> {
        let mut ran = Vec::new();
        while let Some(hook) = next("testapp/0", "testapp", data, seen, started, false) {
            seen.ran(&hook, data);
            ran.push(format!(
                "{} {} {} {} {}",
                hook.name(),
                hook.remote_unit.clone().unwrap_or_else(|| "-".into()),
                hook.departing_unit.clone().unwrap_or_else(|| "-".into()),
                hook.relation.fake_id(),
                hook.remote_app,
            ));
            assert!(ran.len() < 50, "runaway: {ran:?}");
        }
        ran
    }

    /// A relation with another application: created when it appears, the remote
    /// application's bag runs -changed with only the remote application, the remote units
    /// join (not the unit's own siblings), and remove-relation departs and breaks it, whether
    /// the record is still there (dying) or already removed.
    #[test]
    fn a_relation_between_two_applications_from_integrate_to_removal() {
        let me = ("testapp/0", &[("private-address", "127.0.0.1")][..]);
        let alone = regular(&["testapp/0"], &[me], &[], "alive");
        let written = regular(&["testapp/0", "testapp/1"], &[me], &[("dbkey", "dbvalue")], "alive");
        let both = regular(
            &["testapp/0", "testapp/1", "testdb/0"],
            &[me, ("testdb/0", &[("a", "1")])],
            &[("dbkey", "dbvalue")],
            "alive",
        );
        let dying = regular(&["testdb/0"], &[("testdb/0", &[("a", "1")])], &[("dbkey", "dbvalue")], "dying");
        let mut seen = Seen::default();
        assert_eq!(
            drain_testapp(&mut seen, &regular(&[], &[], &[], "alive"), false),
            ["db-relation-created - - db:3 testdb"]
        );
        assert_eq!(drain_testapp(&mut seen, &alone, true), Vec::<String>::new(), "an empty bag runs nothing");
        assert_eq!(drain_testapp(&mut seen, &written, true), ["db-relation-changed - - db:3 testdb"]);
        assert_eq!(
            drain_testapp(&mut seen, &both, true),
            ["db-relation-joined testdb/0 - db:3 testdb", "db-relation-changed testdb/0 - db:3 testdb"]
        );
        let mut removed = seen.clone();
        assert_eq!(
            drain_testapp(&mut seen, &dying, true),
            ["db-relation-departed testdb/0 testdb/0 db:3 testdb", "db-relation-broken - - db:3 testdb"]
        );
        assert_eq!(drain_testapp(&mut seen, &dying, true), Vec::<String>::new(), "nothing after -broken");
        // The unit left the dying relation's scope itself (its bag stays): the remote unit is
        // still the departing one.
        let left = regular(&["testdb/0"], &[me, ("testdb/0", &[("a", "1")])], &[("dbkey", "dbvalue")], "dying");
        assert_eq!(
            drain_testapp(&mut removed.clone(), &left, true),
            ["db-relation-departed testdb/0 testdb/0 db:3 testdb", "db-relation-broken - - db:3 testdb"]
        );
        assert_eq!(
            drain_testapp(&mut removed, &RelationsResponse::default(), true),
            ["db-relation-departed testdb/0 testdb/0 db:3 testdb", "db-relation-broken - - db:3 testdb"]
        );
        // A relation that is dying before its -created ran runs nothing.
        assert_eq!(drain_testapp(&mut Seen::default(), &dying, true), Vec::<String>::new());
    }

    #[test]
    fn a_restarted_agent_runs_changed_once_per_member_and_no_joined() {
        let two = data(&["app/0", "app/1"], &[("app/1", &[("addr", "x")])], &[("secret", "s")]);
        let mut seen = Seen::default();
        drain(&mut seen, &two, true);
        let mut restarted: Seen = serde_json::from_str(&serde_json::to_string(&seen).unwrap()).unwrap();
        restarted = restarted.restarted();
        assert_eq!(drain(&mut restarted, &two, true), vec!["cluster-relation-changed app/1"]);
        assert_eq!(restarted.joined(), [(0, vec!["app/1".to_string()])].into());
    }

    #[test]
    fn relation_list_during_a_hook_has_the_joining_unit_and_not_the_departing_one() {
        let mut seen = Seen::default();
        seen.relations.entry(0).or_default().members.insert("app/1".into(), None);
        let relation = PeerRelation { id: 0, endpoint: "cluster".into() };
        let hook = |kind, unit: &str| RelationHook {
            kind,
            relation: relation.clone(),
            remote_unit: Some(unit.into()),
            remote_app: "app".into(),
            departing_unit: None,
        };
        let members = |h: RelationHook| seen.members_during(&h)[&0].clone();
        assert_eq!(members(hook(Kind::Joined, "app/2")), ["app/1", "app/2"]);
        assert_eq!(members(hook(Kind::Changed, "app/1")), ["app/1"]);
        assert_eq!(members(hook(Kind::Departed, "app/1")), Vec::<String>::new());
    }

    #[test]
    fn the_environment_of_each_kind() {
        let relation = PeerRelation { id: 3, endpoint: "cluster".into() };
        let hook = |kind, unit: Option<&str>| RelationHook {
            kind,
            relation: relation.clone(),
            remote_unit: unit.map(String::from),
            remote_app: "app".into(),
            departing_unit: unit.filter(|_| kind == Kind::Departed).map(String::from),
        };
        let env = |h: RelationHook| h.env().into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>();
        assert_eq!(
            env(hook(Kind::Created, None)),
            ["JUJU_RELATION=cluster", "JUJU_RELATION_ID=cluster:3", "JUJU_REMOTE_APP=app"]
        );
        assert_eq!(
            env(hook(Kind::Departed, Some("app/2"))),
            [
                "JUJU_RELATION=cluster",
                "JUJU_RELATION_ID=cluster:3",
                "JUJU_REMOTE_APP=app",
                "JUJU_REMOTE_UNIT=app/2",
                "JUJU_DEPARTING_UNIT=app/2"
            ]
        );
        assert_eq!(hook(Kind::Joined, Some("app/1")).name(), "cluster-relation-joined");
        assert_eq!(hook(Kind::Broken, None).name(), "cluster-relation-broken");
    }
}
