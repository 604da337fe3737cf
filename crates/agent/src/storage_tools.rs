//! The hook endpoint's storage calls (Juju's `StorageTags`, `Storage` and `AddUnitStorage` in
//! `worker/uniter/runner/context/context.go`), and the unit's storage as the endpoint keeps it.
//!
//! - storage-list and storage-get answer from the unit's instances as the controller last
//!   listed them (at the agent's start, after a hook's storage-add committed); an instance is
//!   a directory of the unit's own under `<state>/storage/<name>/<n>`, made private (0700)
//!   when the agent learns of it.
//! - storage-add is held by the hook (Juju's `storageAddConstraints`) and committed with its
//!   other changes when it succeeds; the controller checks the counts then, in Juju's words.
//!   Block storage is refused at once: leaderd has no block devices.

use std::path::PathBuf;

use axum::extract::State;
use axum::Json;

use super::hook_endpoint::{decode, Answer, Endpoint, HookEndpoint};
use super::HookBackend;
use leaderd_core::format::go_quote;
use leaderd_core::storage::{CharmStorageCounts, StorageKind};
use leaderd_core::wire::controller::{StorageDirective, StorageInstance};
use leaderd_core::wire::hook::{
    ContextRequest, StorageAddRequest, StorageGetRequest, StorageGetResponse, StorageListResponse,
};
use leaderd_core::wire::ErrorCode;
use leaderd_net::server::{Body, HttpError};

/// leaderd's words for storage-add of block storage.
pub(crate) fn no_block_storage(name: &str) -> String {
    format!("cannot add storage {}: block storage is not supported by leaderd: it has no block devices", go_quote(name))
}

impl<L: HookBackend> HookEndpoint<L> {
    /// The unit is being removed: a hook's storage-add fails its commit from now on.
    pub fn set_dying(&self) {
        self.dying.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Where the unit's instances' directories go (`<state>/storage`).
    pub fn set_storage_root(&self, root: impl Into<PathBuf>) {
        *self.storage_root.lock().unwrap() = Some(root.into());
    }

    /// The unit's instances as the controller lists them: each gets its directory (private,
    /// made if missing), and the uniter sees them. An id that is not a storage id (juju/names
    /// `IsValidStorage`) is left out: its name would be a path.
    pub fn set_storage(&self, mut storage: Vec<StorageInstance>) {
        storage.retain(|instance| {
            let valid = leaderd_core::storage::valid_storage_id(&instance.id);
            if !valid {
                tracing::error!(unit = self.unit, id = instance.id, "invalid storage ID: left out");
            }
            valid
        });
        if let Some(root) = self.storage_root.lock().unwrap().clone() {
            for instance in &storage {
                let Some(dir) = super::storage_hooks::location(&root, &instance.id) else { continue };
                // Made private when made, and left alone afterwards: the charm owns its storage's
                // permissions (a database charm chowns its location to its daemon's user in
                // `-storage-attached`), as on Juju, where the agent never touches a mount point
                // again. The unit's state directory above is private already.
                let make_once = |dir: &std::path::Path| match dir.symlink_metadata() {
                    Ok(_) => Ok(()),
                    Err(_) => leaderd_sys::private::create_state_dir(dir),
                };
                let made = dir.parent().map_or(Ok(()), make_once).and_then(|()| make_once(&dir));
                if let Err(e) = made {
                    tracing::error!(unit = self.unit, dir = %dir.display(), error = %e, "making a storage directory");
                }
            }
        }
        self.storage.send_replace(Some(storage));
    }

    /// `id`'s detaching hook is done: storage-list and storage-get answer without it.
    pub(crate) fn storage_detached(&self, id: &str) {
        self.detached.lock().unwrap().insert(id.to_string());
    }

    /// The instances storage-list and storage-get answer: the unit's, less the ones detached
    /// (Juju's `StorageTags` reads the unit's attachments, which the detaching hook's commit
    /// removed).
    pub(crate) fn attached_storage(&self) -> Vec<StorageInstance> {
        let detached = self.detached.lock().unwrap().clone();
        let known = self.storage.borrow().clone().unwrap_or_default();
        known.into_iter().filter(|i| !detached.contains(&i.id)).collect()
    }

    /// The unit's instances, for the uniter.
    pub(crate) fn storage_watch(&self) -> tokio::sync::watch::Receiver<Option<Vec<StorageInstance>>> {
        self.storage.subscribe()
    }

    fn storage_location(&self, id: &str) -> String {
        let root = self.storage_root.lock().unwrap().clone();
        root.and_then(|r| super::storage_hooks::location(&r, id)).map(|l| l.display().to_string()).unwrap_or_default()
    }

    /// The charm's storage, from its `metadata.yaml`.
    pub(crate) fn charm_storage(&self) -> Result<Vec<leaderd_core::storage::CharmStorage>, HttpError> {
        let dir = self.charm_dir();
        let Some(dir) = dir else { return Ok(Vec::new()) };
        leaderd_core::storage::charm_storage(&dir).map_err(|e| HttpError::new(ErrorCode::Internal, e.to_string()))
    }

    /// A hook's storage-add directives as the controller takes them: each name the charm's, in
    /// Juju's words when not (`apiserver/facades/agent/uniter/storage.go`, `validConstraints`).
    pub(crate) fn storage_directives(
        &self,
        adds: &[(String, u64)],
    ) -> Result<Vec<StorageDirective>, super::RelationCommitError> {
        if adds.is_empty() {
            return Ok(Vec::new());
        }
        // Juju's state adds no storage to a unit that is not alive (`state/storage.go`
        // `addStorageForUnitOps`: `unitNotAliveErr`, annotated in `state/storage_ops.go`): the
        // instance would get neither an attached nor a detaching hook.
        if self.dying.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(super::RelationCommitError::Invalid(format!(
                "adding {} storage to {}: unit is not found or not alive",
                go_quote(&adds[0].0),
                self.unit
            )));
        }
        let charm = self.charm_storage().map_err(|e| super::RelationCommitError::Invalid(e.message))?;
        adds.iter()
            .map(|(name, count)| {
                let Some(store) = charm.iter().find(|s| &s.name == name) else {
                    return Err(super::RelationCommitError::Invalid(format!(
                        "adding storage {name} for unit-{}: storage {} not found",
                        self.unit.replace('/', "-"),
                        go_quote(name)
                    )));
                };
                let counts = CharmStorageCounts { min: store.count_min, max: store.count_max };
                Ok(StorageDirective { name: name.clone(), kind: store.kind, count: *count, counts })
            })
            .collect()
    }
}

pub(crate) async fn storage_list<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<StorageListResponse> {
    let req: ContextRequest = decode(body)?;
    let _context = ep.context(&req.context_id)?;
    let ids = ep.attached_storage().into_iter().map(|i| i.id).collect();
    Ok(Json(StorageListResponse { ids }))
}

pub(crate) async fn storage_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<StorageGetResponse> {
    let req: StorageGetRequest = decode(body)?;
    let _context = ep.context(&req.context_id)?;
    let known = ep.attached_storage();
    match known.iter().find(|i| i.id == req.id) {
        Some(instance) => Ok(Json(StorageGetResponse {
            kind: instance.kind.as_str().to_string(),
            location: ep.storage_location(&instance.id),
        })),
        // The API's words (`storage attachment ID:UNIT not found`).
        None => {
            Err(HttpError::new(ErrorCode::NotFound, format!("storage attachment {}:{} not found", req.id, ep.unit)))
        }
    }
}

pub(crate) async fn storage_add<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: StorageAddRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let charm = ep.charm_storage()?;
    for (name, _) in &req.directives {
        if charm.iter().any(|s| &s.name == name && s.kind == StorageKind::Block) {
            return Err(HttpError::new(ErrorCode::BadRequest, no_block_storage(name)));
        }
    }
    context.lock().await.storage_adds.extend(req.directives);
    Ok(Json(serde_json::json!({})))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// An instance's directory is made private once; a charm's later chmod (or chown) of it is
    /// kept when the agent learns its storage again (each start, each storage-add).
    #[test]
    fn an_instance_directory_is_made_private_once_and_then_left_to_the_charm() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let ep = HookEndpoint::new("app/0", Arc::new(super::super::memory::MemoryBackend::default()));
        ep.set_storage_root(root.path());
        let data = StorageInstance { id: "data/0".into(), kind: StorageKind::Filesystem };
        ep.set_storage(vec![data.clone()]);
        let dir = root.path().join("data/0");
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700, "made private");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        ep.set_storage(vec![data]);
        assert_eq!(mode(&dir), 0o755, "the charm's chmod kept");
    }

    /// Once its detaching hook is done an instance is no longer listed (the stop and remove
    /// hooks that follow see the unit without it).
    #[test]
    fn a_detached_instance_is_no_longer_listed() {
        let ep = HookEndpoint::new("app/0", Arc::new(super::super::memory::MemoryBackend::default()));
        let fs = |id: &str| StorageInstance { id: id.into(), kind: StorageKind::Filesystem };
        ep.set_storage(vec![fs("data/0"), fs("logs/1")]);
        ep.storage_detached("data/0");
        assert_eq!(ep.attached_storage(), [fs("logs/1")]);
    }

    /// A unit being removed adds no storage: the commit fails in Juju's words (it used to add
    /// an instance that never got an attached nor a detaching hook).
    #[test]
    fn a_dying_unit_adds_no_storage() {
        let dir = tempfile::tempdir().unwrap();
        let metadata = "name: dy\nstorage:\n  data:\n    type: filesystem\n    multiple:\n      range: 1-3\n";
        std::fs::write(dir.path().join("metadata.yaml"), metadata).unwrap();
        let ep = HookEndpoint::new("dy/0", Arc::new(super::super::memory::MemoryBackend::default()));
        ep.set_charm_dir(dir.path());
        let adds = [("data".to_string(), 1)];
        assert_eq!(ep.storage_directives(&adds).unwrap().len(), 1, "alive: taken");
        ep.set_dying();
        match ep.storage_directives(&adds) {
            Err(super::super::RelationCommitError::Invalid(e)) => {
                assert_eq!(e, "adding \"data\" storage to dy/0: unit is not found or not alive")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(ep.storage_directives(&[]).unwrap(), [], "nothing to add: nothing refused");
    }
}
