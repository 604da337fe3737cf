//! Which storage hook is due (Juju's `worker/uniter/storage/resolver.go`), as a pure function
//! of the unit's storage instances as the controller lists them, the instances whose
//! `-storage-attached` hook has run (kept in `uniter.json`, as Juju keeps its storage state),
//! and where the unit is in its life:
//!
//! - `<name>-storage-attached` for each instance whose hook has not run: before `install`
//!   (Juju runs the storage hooks of the storage a unit is deployed with before install on a
//!   machine model, and waits for that storage to be known first); afterwards when the uniter
//!   is otherwise idle, as Juju's storage resolver acts only when no hook is queued;
//! - `<name>-storage-detaching` for each attached instance once the unit is dying
//!   (`leaderd remove-unit`), before it leaves its relations, stops and is removed: Juju's
//!   storage resolver comes before the dying unit's relation, stop and remove steps
//!   (`worker/uniter/resolver.go`).
//!
//! Instances are taken in the order they were added (Juju walks a Go map: no order).

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use leaderd_core::wire::controller::StorageInstance;

/// The storage hooks' kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StorageKind {
    Attached,
    Detaching,
}

/// One storage hook, for one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StorageHook {
    pub kind: StorageKind,
    pub instance: StorageInstance,
    /// Its location: the instance's directory.
    pub location: String,
}

impl StorageHook {
    /// `<name>-storage-attached` or `<name>-storage-detaching` (Juju's `contextfactory.go`
    /// prefixes the storage name).
    pub fn name(&self) -> String {
        let name = leaderd_core::storage::storage_name(&self.instance.id);
        match self.kind {
            StorageKind::Attached => format!("{name}-storage-attached"),
            StorageKind::Detaching => format!("{name}-storage-detaching"),
        }
    }

    /// `JUJU_STORAGE_ID`, `JUJU_STORAGE_LOCATION` and `JUJU_STORAGE_KIND` (Juju's
    /// `HookContext.HookVars`).
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("JUJU_STORAGE_ID".to_string(), self.instance.id.clone()),
            ("JUJU_STORAGE_LOCATION".to_string(), self.location.clone()),
            ("JUJU_STORAGE_KIND".to_string(), self.instance.kind.as_str().to_string()),
        ]
    }
}

/// The instances whose `-storage-attached` hook has run and whose `-storage-detaching` has
/// not (kept in `uniter.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StorageSeen {
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub attached: BTreeSet<String>,
}

impl StorageSeen {
    /// `hook` succeeded (or was resolved).
    pub fn ran(&mut self, hook: &StorageHook) {
        match hook.kind {
            StorageKind::Attached => self.attached.insert(hook.instance.id.clone()),
            StorageKind::Detaching => self.attached.remove(&hook.instance.id),
        };
    }
}

/// An instance's directory: `<root>/<name>/<n>` under the unit's state directory; none for an
/// id that is not a juju/names storage id (`IsValidStorage`), so no `..` or `/` in a name can
/// lead it out of the unit's directory (Juju refuses such a hook: `invalid storage ID`,
/// `worker/uniter/hook/hook.go`).
pub(crate) fn location(root: &Path, id: &str) -> Option<std::path::PathBuf> {
    if !leaderd_core::storage::valid_storage_id(id) {
        return None;
    }
    let (name, number) = id.split_once('/')?;
    Some(root.join(name).join(number))
}

/// Where the unit is, as the storage rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Phase {
    pub installed: bool,
    /// Started, and no lifecycle hook goes first (a queued or leadership hook).
    pub idle: bool,
    pub dying: bool,
}

/// What the storage rules say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Due {
    Run(StorageHook),
    /// Not installed yet and the unit's storage is not known: install waits for it.
    Wait,
    Nothing,
}

/// The next storage hook (see the module's rules). `storage`: the unit's instances as the
/// controller lists them (none until it answered).
pub(crate) fn next(storage: Option<&[StorageInstance]>, seen: &StorageSeen, root: &Path, phase: Phase) -> Due {
    let hook = |kind, instance: &StorageInstance| {
        let location = location(root, &instance.id).map(|l| l.display().to_string()).unwrap_or_default();
        Due::Run(StorageHook { kind, instance: instance.clone(), location })
    };
    // An id that is not a storage id gets no hook (its name would be a path).
    let valid = |id: &str| leaderd_core::storage::valid_storage_id(id);
    if phase.dying {
        // Every attached instance, known or not (the controller may have forgotten a removed
        // unit's instances already).
        let known = storage.unwrap_or_default();
        let attached = known.iter().find(|i| seen.attached.contains(&i.id) && valid(&i.id));
        if let Some(instance) = attached {
            return hook(StorageKind::Detaching, instance);
        }
        if let Some(id) = seen.attached.iter().find(|id| valid(id)) {
            let kind = leaderd_core::storage::StorageKind::Filesystem;
            return hook(StorageKind::Detaching, &StorageInstance { id: id.clone(), kind });
        }
        return Due::Nothing;
    }
    let Some(storage) = storage else {
        return if phase.installed { Due::Nothing } else { Due::Wait };
    };
    if phase.installed && !phase.idle {
        return Due::Nothing;
    }
    match storage.iter().find(|i| !seen.attached.contains(&i.id) && valid(&i.id)) {
        Some(instance) => hook(StorageKind::Attached, instance),
        None => Due::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs(id: &str) -> StorageInstance {
        StorageInstance { id: id.into(), kind: leaderd_core::storage::StorageKind::Filesystem }
    }

    fn seen(ids: &[&str]) -> StorageSeen {
        StorageSeen { attached: ids.iter().map(|s| s.to_string()).collect() }
    }

    fn due(kind: StorageKind, id: &str) -> Due {
        let location = format!("/state/storage/{}", id);
        Due::Run(StorageHook { kind, instance: fs(id), location })
    }

    #[test]
    fn the_storage_table() {
        let root = Path::new("/state/storage");
        let fresh = Phase { installed: false, idle: false, dying: false };
        let busy = Phase { installed: true, idle: false, dying: false };
        let idle = Phase { installed: true, idle: true, dying: false };
        let dying = Phase { installed: true, idle: false, dying: true };
        let two = [fs("data/0"), fs("data/3")];
        type Row<'a> = (&'a str, Option<&'a [StorageInstance]>, StorageSeen, Phase, Due);
        #[rustfmt::skip]
        let table: Vec<Row> = vec![
            ("before install, storage unknown: install waits", None, seen(&[]), fresh, Due::Wait),
            ("before install: attached for the first instance", Some(&two), seen(&[]), fresh, due(StorageKind::Attached, "data/0")),
            ("... then the next, in the order they were added", Some(&two), seen(&["data/0"]), fresh, due(StorageKind::Attached, "data/3")),
            ("... then nothing: install goes on", Some(&two), seen(&["data/0", "data/3"]), fresh, Due::Nothing),
            ("no storage: nothing", Some(&[]), seen(&[]), fresh, Due::Nothing),
            ("an instance added later waits while a hook goes first", Some(&two), seen(&["data/0"]), busy, Due::Nothing),
            ("... and runs once the uniter is idle", Some(&two), seen(&["data/0"]), idle, due(StorageKind::Attached, "data/3")),
            ("installed, storage not known: nothing to wait for", None, seen(&[]), idle, Due::Nothing),
            ("dying: detaching for each attached instance", Some(&two), seen(&["data/0", "data/3"]), dying, due(StorageKind::Detaching, "data/0")),
            ("... not for one never attached", Some(&two), seen(&["data/3"]), dying, due(StorageKind::Detaching, "data/3")),
            ("... then nothing", Some(&two), seen(&[]), dying, Due::Nothing),
            ("dying, the controller has forgotten them: still detaching", None, seen(&["data/3"]), dying, due(StorageKind::Detaching, "data/3")),
        ];
        for (what, storage, seen, phase, want) in table {
            assert_eq!(next(storage, &seen, root, phase), want, "{what}");
        }
    }

    /// An id whose name is not a storage name (`../../x/0`) has no directory and gets no hook:
    /// nothing is made or run outside the unit's directory.
    #[test]
    fn an_id_that_is_not_a_storage_id_has_no_location_and_no_hook() {
        let root = Path::new("/state/storage");
        assert_eq!(location(root, "data/3"), Some(root.join("data").join("3")));
        for bad in ["../../x/0", "data/../../x", "/etc/0", "data", "Data/0"] {
            assert_eq!(location(root, bad), None, "{bad}");
        }
        let idle = Phase { installed: true, idle: true, dying: false };
        let dying = Phase { installed: true, idle: false, dying: true };
        let bad = [fs("../../x/0")];
        assert_eq!(next(Some(&bad), &seen(&[]), root, idle), Due::Nothing);
        assert_eq!(next(Some(&bad), &seen(&["../../x/0"]), root, dying), Due::Nothing);
        assert_eq!(next(None, &seen(&["../../x/0"]), root, dying), Due::Nothing);
    }

    #[test]
    fn hooks_are_named_and_told_as_juju_names_and_tells_them() {
        let hook =
            StorageHook { kind: StorageKind::Attached, instance: fs("pg-data/2"), location: "/s/pg-data/2".into() };
        assert_eq!(hook.name(), "pg-data-storage-attached");
        assert_eq!(
            hook.env(),
            [
                ("JUJU_STORAGE_ID".to_string(), "pg-data/2".to_string()),
                ("JUJU_STORAGE_LOCATION".to_string(), "/s/pg-data/2".to_string()),
                ("JUJU_STORAGE_KIND".to_string(), "filesystem".to_string()),
            ]
        );
        let mut seen = StorageSeen::default();
        seen.ran(&hook);
        assert!(seen.attached.contains("pg-data/2"));
        seen.ran(&StorageHook { kind: StorageKind::Detaching, ..hook });
        assert!(seen.attached.is_empty());
    }
}
