//! Storage instances in the controller: which instances each unit has (ids and kinds, in the
//! order they were added) and each application's next instance number, durable through the
//! store. Instances are made on the writer thread (`writer.rs`), so a count is checked against
//! the instances the unit has at the moment of the write: by an ensure at the agent's start
//! (the charm's minimum counts, as Juju adds a unit with its storage, `state/application.go`
//! `addUnitStorageOps`) or by a hook's storage-add, committed with the hook's other changes
//! (Juju's `CommitHookChanges` → `state/storage.go` `addStorageForUnitOps`).
//!
//! Ids are `<name>/<n>` with `n` from one sequence per application that only moves on, as
//! Juju's model-wide `stores` sequence (`state/storage.go`, `newStorageInstanceId`): a model here
//! holds one application, and no id is ever used twice, even after its unit is removed.

use std::collections::BTreeMap;

use super::{Controller, LeaderWriteError};
use crate::store::StorageRecord;
use leaderd_core::format::go_quote;
use leaderd_core::model::Unit;
use leaderd_core::storage::{check_count_change, storage_name, valid_storage_name, DeclaredStorage, StorageKind};
use leaderd_core::wire::controller::{StorageDirective, StorageInstance};

/// leaderd's words for block storage: it attaches none.
pub(crate) const NO_BLOCK_STORAGE: &str = "block storage is not supported by leaderd: it has no block devices";

use leaderd_core::storage::MAX_ADDED;

/// The instances `unit` has after `directives` (storage-add's, or with `ensure` the charm's
/// minimum counts), and the application's next instance number, from `current` and `next`.
/// The error is Juju's (`adding "data" storage to app/0: attaching 1 storage instance brings
/// the total to 3, exceeding the maximum of 2`); nothing is added then.
pub(crate) fn plan(
    unit: &str,
    current: &[StorageRecord],
    mut next: u64,
    directives: &[StorageDirective],
    ensure: bool,
) -> Result<(Vec<StorageRecord>, u64), String> {
    let mut storage = current.to_vec();
    for d in directives {
        let have = storage.iter().filter(|s| storage_name(&s.id) == d.name).count() as u64;
        let adding = |e: &str| format!("adding {} storage to {unit}: {e}", go_quote(&d.name));
        let n = if ensure {
            // Never fewer than the charm's minimum, quietly: `up` and `refresh` refuse a charm
            // whose minimum is over the bound, so this is a charm registered some other way.
            let n = d.count.saturating_sub(have);
            if n > MAX_ADDED {
                return Err(adding(&format!(
                    "the charm's minimum of {} needs {n} more instances: leaderd adds at most {MAX_ADDED} storage \
                     instances at once",
                    d.count
                )));
            }
            n
        } else {
            if d.count == 0 {
                // Juju's apiserver (`validConstraints`) before the state's words.
                return Err(format!(
                    "adding storage {} for unit-{}: count must be specified",
                    d.name,
                    unit.replace('/', "-")
                ));
            }
            check_count_change(&d.counts, have, d.count).map_err(|e| adding(&e))?;
            if d.count > MAX_ADDED {
                return Err(adding(&format!("leaderd adds at most {MAX_ADDED} storage instances at once")));
            }
            d.count
        };
        if n > 0 && d.kind == StorageKind::Block {
            return Err(adding(NO_BLOCK_STORAGE));
        }
        for _ in 0..n {
            storage.push(StorageRecord { id: format!("{}/{next}", d.name), kind: d.kind.as_str().to_string() });
            next += 1;
        }
    }
    Ok((storage, next))
}

/// `directives` as the controller takes them from `unit`: with the charm's declarations
/// (`declared`, registered by `up` and `refresh`), each name must be one the charm declares and
/// its kind and bounds are the charm's, whatever the unit sent (a hook can edit the unit's copy
/// of metadata.yaml; Juju's state reads the application's charm, `state/storage.go`
/// `addStorageForUnitOps`); an ensure makes up the charm's minimums, not the ones sent. Without
/// them (an application deployed without `up`) the directives are taken as sent. Either way a
/// name must be a storage name (juju/names `StorageNameSnippet`): it becomes an id and a path.
pub(crate) fn resolve(
    unit: &str,
    declared: Option<&BTreeMap<String, DeclaredStorage>>,
    directives: Vec<StorageDirective>,
    ensure: bool,
) -> Result<Vec<StorageDirective>, String> {
    // The apiserver's words (`apiserver/facades/agent/uniter/storage.go`, `validConstraints`).
    let not_found = |name: &str| {
        format!("adding storage {name} for unit-{}: storage {} not found", unit.replace('/', "-"), go_quote(name))
    };
    let directive = |name: &str, d: &DeclaredStorage, count| StorageDirective {
        name: name.to_string(),
        kind: d.kind,
        count,
        counts: d.counts(),
    };
    match declared {
        Some(declared) if ensure => Ok(declared.iter().map(|(name, d)| directive(name, d, d.min)).collect()),
        Some(declared) => directives
            .into_iter()
            .map(|d| match declared.get(&d.name) {
                Some(decl) => Ok(directive(&d.name, decl, d.count)),
                None => Err(not_found(&d.name)),
            })
            .collect(),
        None => match directives.iter().find(|d| !valid_storage_name(&d.name)) {
            Some(bad) => Err(not_found(&bad.name)),
            None => Ok(directives),
        },
    }
}

/// A stored instance as the wire carries it.
pub(crate) fn instance(record: &StorageRecord) -> StorageInstance {
    let kind = if record.kind == "block" { StorageKind::Block } else { StorageKind::Filesystem };
    StorageInstance { id: record.id.clone(), kind }
}

impl Controller {
    /// `unit`'s storage instances, in the order they were added.
    pub fn unit_storage(&self, unit: &Unit) -> Vec<StorageInstance> {
        let storage = self.state.unit_storage.read().unwrap();
        storage.get(unit.as_str()).map(|s| s.iter().map(instance).collect()).unwrap_or_default()
    }

    /// The storage instances of every unit of `app` that has any.
    pub fn app_storage(&self, app: &leaderd_core::model::Application) -> BTreeMap<String, Vec<StorageInstance>> {
        self.state
            .unit_storage
            .read()
            .unwrap()
            .iter()
            .filter(|(unit, _)| leaderd_core::names::unit_application(unit) == Ok(app.as_str()))
            .map(|(unit, s)| (unit.clone(), s.iter().map(instance).collect()))
            .collect()
    }

    /// `unit` gets the instances that make up each of `minimums`' counts (none when it has
    /// them already: an agent restart keeps its instances); answers all of its instances.
    pub async fn ensure_storage(
        &self,
        unit: &Unit,
        minimums: Vec<StorageDirective>,
    ) -> Result<Vec<StorageInstance>, LeaderWriteError> {
        let unit = unit.as_str().to_string();
        let job = |reply| super::writer::Job::Storage { unit, directives: minimums, reply };
        self.submit(job).await.unwrap_or_else(|| Err(LeaderWriteError::failed(super::ShuttingDown)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaderd_core::storage::CharmStorageCounts;

    fn directive(name: &str, kind: StorageKind, count: u64, min: u64, max: Option<u64>) -> StorageDirective {
        StorageDirective { name: name.into(), kind, count, counts: CharmStorageCounts { min, max } }
    }

    fn ids(storage: &[StorageRecord]) -> Vec<&str> {
        storage.iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn ids_come_from_one_sequence_and_counts_are_checked_as_juju_checks_them() {
        let fs = StorageKind::Filesystem;
        let minimums = [directive("data", fs, 1, 1, Some(2)), directive("logs", fs, 2, 2, None)];
        let (first, next) = plan("app/0", &[], 0, &minimums, true).unwrap();
        assert_eq!((ids(&first), next), (vec!["data/0", "logs/1", "logs/2"], 3));
        // Again (an agent restart): nothing new.
        let (again, next) = plan("app/0", &first, next, &minimums, true).unwrap();
        assert_eq!((ids(&again), next), (vec!["data/0", "logs/1", "logs/2"], 3));
        // Another unit numbers on.
        let (other, next) = plan("app/1", &[], next, &minimums, true).unwrap();
        assert_eq!((ids(&other), next), (vec!["data/3", "logs/4", "logs/5"], 6));
        let (added, next) = plan("app/0", &first, next, &[directive("data", fs, 1, 1, Some(2))], false).unwrap();
        assert_eq!((ids(&added), next), (vec!["data/0", "logs/1", "logs/2", "data/6"], 7));
        let over = plan("app/0", &added, next, &[directive("data", fs, 1, 1, Some(2))], false);
        assert_eq!(
            over.unwrap_err(),
            "adding \"data\" storage to app/0: attaching 1 storage instance brings the total to 3, exceeding the maximum of 2"
        );
        let block = plan("app/0", &[], 0, &[directive("disks", StorageKind::Block, 1, 0, None)], false);
        assert_eq!(block.unwrap_err(), format!("adding \"disks\" storage to app/0: {NO_BLOCK_STORAGE}"));
        let none = plan("app/0", &[], 0, &[directive("disks", StorageKind::Block, 0, 0, None)], true).unwrap();
        assert_eq!(none, (vec![], 0), "a block storage of minimum 0 adds nothing");
    }

    /// With the charm's declarations registered, what the unit sends about kinds and bounds
    /// counts for nothing: a hook that edited its metadata.yaml cannot go over the deployed
    /// charm's maximum, nor add a storage the charm does not declare.
    #[test]
    fn the_registered_declarations_decide_not_the_unit() {
        let fs = StorageKind::Filesystem;
        let decl =
            |min, max| DeclaredStorage { kind: fs, min, max, location: String::new(), read_only: false, shared: false };
        let declared: BTreeMap<_, _> =
            [("data".to_string(), decl(1, Some(1))), ("logs".to_string(), decl(2, None))].into();
        // The unit claims data has room for 50, and sends a storage the charm does not have.
        let lying = directive("data", fs, 20, 1, Some(50));
        let got = resolve("app/0", Some(&declared), vec![lying], false).unwrap();
        assert_eq!(got, [directive("data", fs, 20, 1, Some(1))]);
        let current = [StorageRecord { id: "data/0".into(), kind: "filesystem".into() }];
        assert_eq!(
            plan("app/0", &current, 1, &got, false).unwrap_err(),
            "adding \"data\" storage to app/0: cannot attach, storage is singular"
        );
        let pwned = directive("../../pwned", fs, 2, 0, Some(5));
        assert_eq!(
            resolve("app/0", Some(&declared), vec![pwned.clone()], false).unwrap_err(),
            "adding storage ../../pwned for unit-app-0: storage \"../../pwned\" not found"
        );
        assert_eq!(
            resolve("app/0", None, vec![pwned], false).unwrap_err(),
            "adding storage ../../pwned for unit-app-0: storage \"../../pwned\" not found",
            "nor without declarations: a name that is not a storage name is never a path"
        );
        // An ensure makes up the declared minimums, whatever it was sent.
        let ensured = resolve("app/0", Some(&declared), vec![directive("data", fs, 9, 9, None)], true).unwrap();
        assert_eq!(ensured, [directive("data", fs, 1, 1, Some(1)), directive("logs", fs, 2, 2, None)]);
    }

    /// A minimum over what one request makes is refused, never installed short.
    #[test]
    fn an_ensure_over_the_bound_is_refused_not_cut_short() {
        let many = directive("many", StorageKind::Filesystem, MAX_ADDED + 76, MAX_ADDED + 76, None);
        assert_eq!(
            plan("big/0", &[], 0, &[many], true).unwrap_err(),
            format!(
                "adding \"many\" storage to big/0: the charm's minimum of 1100 needs 1100 more instances: leaderd adds \
                 at most {MAX_ADDED} storage instances at once"
            )
        );
    }
}
