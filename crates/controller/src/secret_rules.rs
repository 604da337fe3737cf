//! The rules of secrets, as pure functions over the records with the caller and `now` passed
//! in (like `lease.rs`): who may manage, who may read and which revision, what a hook's
//! changes make of the records, and what a unit's secret hooks need to know.
//!
//! Juju's rules (`apiserver/common/secrets/access.go`, `apiserver/facades/agent/
//! secretsmanager`): a unit-owned secret is managed by its unit; an application-owned one by
//! the application's leader (the writer checks the term, so `leads` here is proven, not
//! claimed). Every unit of the owning application may read an application secret; other
//! units and applications read through a grant. Every reader, owner or not, tracks a revision
//! (Juju 3.6 treats owners as consumers): the first read tracks the latest, a plain read
//! answers the tracked one, `--refresh` moves it to the latest, `--peek` shows the latest
//! without moving it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::store::{GrantRecord, RevisionRecord, SecretRecord};
use leaderd_core::gocompat::go_quote;
use leaderd_core::secrets::RotatePolicy;
use leaderd_core::wire::controller::{
    ConsumedSecret, OperatorSecret, OperatorSecretRevision, OwnedSecret, SecretChange, SecretReadRequest,
    SecretReadResponse, SecretShowRequest, SecretView, UserSecretAccessRequest, UserSecretAddRequest,
    UserSecretRemoveRequest, UserSecretUpdateRequest,
};
use leaderd_core::wire::hook::{SecretAccess, SecretFields, SecretMetadata};

/// Every secret, by id.
pub(crate) type Records = HashMap<String, SecretRecord>;

/// How long after a rotate hook that did not publish a new revision it runs again (Juju's
/// `RotateRetryDelay`).
pub(crate) const ROTATE_RETRY_MS: u64 = 5 * 60 * 1000;

/// Why a secret call was refused (nothing changed).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SecretError {
    /// Juju's `errors.NotFoundf("secret %q", ...)`: the URI as the caller gave it
    /// (`secret:ID`), or a bare id where Juju names one.
    #[error("secret {} not found", go_quote(.0))]
    NotFound(String),
    /// A label that names no secret the caller owns or consumes.
    #[error("consumer label {} not found", go_quote(.0))]
    LabelNotFound(String),
    /// A revision the secret does not have.
    #[error("secret revision {} not found", .0)]
    RevisionNotFound(u32),
    /// Juju's `apiserver.ErrPerm`.
    #[error("permission denied")]
    PermissionDenied,
    /// An application secret managed by a unit that does not lead (under its term) now.
    #[error("not the leader")]
    NotLeader,
    /// The change is malformed or conflicts (Juju's words).
    #[error("{0}")]
    Invalid(String),
}

/// Who calls: a unit, its application, and whether it leads under the term it gave.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Caller {
    pub unit: String,
    pub app: String,
    pub leads: bool,
}

impl Caller {
    pub(crate) fn new(unit: &str, leads: bool) -> Caller {
        let app = leaderd_core::names::unit_application(unit).unwrap_or(unit).to_string();
        Caller { unit: unit.to_string(), app, leads }
    }

    /// The secret belongs to the caller (its unit, or its application).
    fn owns(&self, r: &SecretRecord) -> bool {
        match r.owner_kind.as_str() {
            "unit" => r.owner == self.unit,
            "application" => r.owner == self.app,
            _ => false,
        }
    }

    /// May the caller change the secret? A unit its own; the leader its application's.
    fn manage(&self, r: &SecretRecord) -> Result<(), SecretError> {
        match r.owner_kind.as_str() {
            "unit" if r.owner == self.unit => Ok(()),
            "application" if r.owner == self.app && self.leads => Ok(()),
            "application" if r.owner == self.app => Err(SecretError::NotLeader),
            _ => Err(SecretError::PermissionDenied),
        }
    }

    fn manages(&self, r: &SecretRecord) -> bool {
        self.manage(r).is_ok()
    }

    /// May the caller read it: it belongs to the caller, or a grant names its unit or
    /// application.
    fn reads(&self, r: &SecretRecord) -> bool {
        self.owns(r) || r.grants.iter().any(|g| g.subject == self.unit || g.subject == self.app)
    }
}

/// The most content one revision may hold (its values base64-encoded, keys included): Juju's
/// hook tools allow 64 KiB before encoding; this bounds what reaches the store from any client.
pub(crate) const MAX_CONTENT_BYTES: usize = 256 << 10;

/// The most content all the revisions a secret keeps may hold together: a secret is stored
/// whole, and an etcd value is at most 1.5 MiB. A new revision past it is refused until the
/// owner removes old ones (`secret-remove --revision`, which secret-remove hooks ask for).
pub(crate) const MAX_KEPT_BYTES: usize = 1 << 20;

impl SecretRecord {
    pub(crate) fn latest(&self) -> u32 {
        self.revisions.last().map_or(0, |r| r.revision)
    }

    /// A new latest revision. Its number is past every revision the secret ever had, removed
    /// ones included, so a consumer never sees a number again with other content.
    pub(crate) fn push_revision(
        &mut self,
        content: std::collections::BTreeMap<String, String>,
        now_ms: u64,
    ) -> Result<u32, SecretError> {
        check_content(&content)?;
        let size =
            |c: &std::collections::BTreeMap<String, String>| c.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
        let kept: usize = self.revisions.iter().map(|r| size(&r.content)).sum::<usize>() + size(&content);
        if kept > MAX_KEPT_BYTES {
            return Err(SecretError::Invalid(format!(
                "secret revisions would hold {kept} bytes, more than the {MAX_KEPT_BYTES} kept per secret: remove old \
                 revisions first (secret-remove --revision)"
            )));
        }
        let revision = self.latest().max(self.last_revision) + 1;
        self.last_revision = revision;
        self.revisions.push(RevisionRecord { revision, content, created_ms: now_ms, ..Default::default() });
        Ok(revision)
    }

    fn revision(&self, revision: u32) -> Option<&RevisionRecord> {
        self.revisions.iter().find(|r| r.revision == revision)
    }

    /// The owner's tag, as Juju names it.
    pub(crate) fn owner_tag(&self) -> String {
        match self.owner_kind.as_str() {
            "unit" => format!("unit-{}", self.owner.replace('/', "-")),
            "application" => format!("application-{}", self.owner),
            _ => format!("model-{}", self.owner),
        }
    }
}

/// Refuses content over [`MAX_CONTENT_BYTES`].
pub(crate) fn check_content(content: &std::collections::BTreeMap<String, String>) -> Result<(), SecretError> {
    let size: usize = content.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > MAX_CONTENT_BYTES {
        return Err(SecretError::Invalid(format!(
            "secret content of {size} bytes exceeds the maximum of {MAX_CONTENT_BYTES} bytes"
        )));
    }
    Ok(())
}

/// A secret by id, or by label: an owner label of a secret the caller's unit or application
/// owns (any unit of the owning application resolves it), else the caller's consumer label.
fn resolve<'a>(
    records: &'a Records,
    caller: &Caller,
    id: Option<&str>,
    label: Option<&str>,
) -> Result<&'a str, SecretError> {
    if let Some(id) = id {
        return records
            .get_key_value(id)
            .map(|(k, _)| k.as_str())
            .ok_or_else(|| SecretError::NotFound(leaderd_core::secrets::SCHEME.to_string() + ":" + id));
    }
    let Some(label) = label else {
        return Err(SecretError::Invalid("both uri and label are empty not valid".into()));
    };
    let mut ids: Vec<&String> = records.keys().collect();
    ids.sort();
    let owned = ids.iter().find(|id| {
        let r = &records[id.as_str()];
        caller.owns(r) && r.label == label
    });
    let consumed =
        || ids.iter().find(|id| records[id.as_str()].consumers.get(&caller.unit).is_some_and(|c| c.label == label));
    owned.or_else(consumed).map(|id| id.as_str()).ok_or_else(|| SecretError::LabelNotFound(label.into()))
}

/// A read by the caller (Juju's `getSecretContent` and `getConsumedRevision`): the content of
/// the revision it sees, and the record as the read leaves it when the read changes what the
/// caller tracks or a label (`None`: nothing to write).
pub(crate) fn read(
    records: &Records,
    caller: &Caller,
    request: &SecretReadRequest,
) -> Result<(SecretReadResponse, Option<(String, SecretRecord)>), SecretError> {
    let id = resolve(records, caller, request.id.as_deref(), request.label.as_deref())?.to_string();
    let record = &records[&id];
    if !caller.reads(record) {
        return Err(SecretError::PermissionDenied);
    }
    let mut changed = record.clone();
    // A label given with the URI: the owner's label if the caller manages the secret, ignored
    // for another unit of the owning application, the caller's own label otherwise.
    let mut consumer_label = None;
    if let (Some(label), Some(_)) = (&request.label, &request.id) {
        if caller.manages(record) && record.label != *label {
            // An owner label is unique among the owner's secrets.
            let taken = records.iter().any(|(other, r)| {
                *other != id && r.owner_kind == record.owner_kind && r.owner == record.owner && r.label == *label
            });
            if taken {
                return Err(SecretError::Invalid(format!("secret with label {} already exists", go_quote(label))));
            }
            changed.label = label.clone();
        } else if !caller.owns(record) {
            // A consumer label is unique among the secrets this unit reads.
            let taken = records
                .iter()
                .any(|(other, r)| *other != id && r.consumers.get(&caller.unit).is_some_and(|c| c.label == *label));
            if taken {
                return Err(SecretError::Invalid(format!("secret with label {} already exists", go_quote(label))));
            }
            consumer_label = Some(label.clone());
        }
    }
    let tracked = record.consumers.get(&caller.unit).map(|c| c.revision);
    let latest = record.latest();
    let revision = match tracked {
        Some(tracked) if !request.refresh && !request.peek => tracked,
        _ => latest,
    };
    // The first read tracks the latest, whatever its flags; a refresh moves the tracking.
    if tracked.is_none() || request.refresh || consumer_label.is_some() {
        let consumer = changed.consumers.entry(caller.unit.clone()).or_default();
        if tracked.is_none() || request.refresh {
            consumer.revision = latest;
        }
        if let Some(label) = consumer_label {
            consumer.label = label;
        }
    }
    // A tracked revision the owner has since removed is gone, as Juju answers.
    let content = record.revision(revision).ok_or(SecretError::RevisionNotFound(revision))?.content.clone();
    let response = SecretReadResponse { id: id.clone(), revision, content };
    let write = (changed != *record).then_some((id, changed));
    Ok((response, write))
}

/// A hook's secret changes from the caller, in order, all or nothing: every record they
/// touch as it ends up (`None`: removed).
pub(crate) fn commit(
    records: &Records,
    caller: &Caller,
    changes: &[SecretChange],
    now_ms: u64,
) -> Result<BTreeMap<String, Option<SecretRecord>>, SecretError> {
    let mut touched: BTreeMap<String, Option<SecretRecord>> = BTreeMap::new();
    for change in changes {
        let id = change_id(change);
        let current = match touched.get(id) {
            Some(record) => record.clone(),
            None => records.get(id).cloned(),
        };
        let next = apply(current, caller, change, now_ms, |label, owner_kind, owner, except| {
            label_taken(records, &touched, label, owner_kind, owner, except)
        })?;
        touched.insert(id.to_string(), next);
    }
    Ok(touched)
}

fn change_id(change: &SecretChange) -> &str {
    match change {
        SecretChange::Create { id, .. }
        | SecretChange::Update { id, .. }
        | SecretChange::Remove { id, .. }
        | SecretChange::Grant { id, .. }
        | SecretChange::Revoke { id, .. }
        | SecretChange::TrackLatest { id }
        | SecretChange::Rotated { id, .. }
        | SecretChange::Expired { id, .. } => id,
    }
}

/// Is `label` another secret's of the same owner (Juju keeps owner labels unique per owner)?
fn label_taken(
    records: &Records,
    touched: &BTreeMap<String, Option<SecretRecord>>,
    label: &str,
    owner_kind: &str,
    owner: &str,
    except: &str,
) -> bool {
    let touched_ids: BTreeSet<&str> = touched.keys().map(String::as_str).collect();
    let stored =
        records.iter().filter(|(id, _)| !touched_ids.contains(id.as_str())).map(|(id, r)| (id.as_str(), Some(r)));
    let pending = touched.iter().map(|(id, r)| (id.as_str(), r.as_ref()));
    let family = label_family(owner_kind, owner);
    stored.chain(pending).any(|(id, r)| {
        id != except && r.is_some_and(|r| r.label == label && label_family(&r.owner_kind, &r.owner) == family)
    })
}

/// Whose labels may not clash: an application's and its units' together (Juju refuses a unit
/// label that an application secret of its application has, and the other way round), a
/// user secret's alone.
fn label_family(owner_kind: &str, owner: &str) -> String {
    match owner_kind {
        "unit" | "application" => format!("app:{}", leaderd_core::names::unit_application(owner).unwrap_or(owner)),
        other => format!("{other}:{owner}"),
    }
}

type LabelTaken<'a> = dyn Fn(&str, &str, &str, &str) -> bool + 'a;

fn apply(
    current: Option<SecretRecord>,
    caller: &Caller,
    change: &SecretChange,
    now_ms: u64,
    label_taken: impl Fn(&str, &str, &str, &str) -> bool,
) -> Result<Option<SecretRecord>, SecretError> {
    let label_taken: &LabelTaken = &label_taken;
    if let SecretChange::Create { id, owner, fields } = change {
        if current.is_some() {
            return Err(SecretError::Invalid(format!("secret {} already exists", go_quote(id))));
        }
        let (owner_kind, owner) = match owner.as_str() {
            "application" if caller.leads => ("application", caller.app.clone()),
            "application" => return Err(SecretError::NotLeader),
            "unit" => ("unit", caller.unit.clone()),
            other => return Err(SecretError::Invalid(format!("secret owner {} not valid", go_quote(other)))),
        };
        let content = fields.content.clone().filter(|c| !c.is_empty());
        let Some(content) = content else {
            return Err(SecretError::Invalid("empty secret content not valid".into()));
        };
        let mut record = SecretRecord {
            owner_kind: owner_kind.into(),
            owner,
            created_ms: now_ms,
            updated_ms: now_ms,
            ..Default::default()
        };
        record.push_revision(content, now_ms)?;
        set_fields(&mut record, id, fields, now_ms, label_taken)?;
        return Ok(Some(record));
    }
    let id = change_id(change);
    if current.is_none() && matches!(change, SecretChange::Remove { .. }) {
        // Removing a secret that is not there is no error: Juju 3.6's CommitHookChanges
        // (apiserver/facades/agent/uniter/uniter.go, "make secret-remove hook command
        // idempotent") passes over a not-found one among the hook's deletes. A hook that adds a
        // secret and removes it again sends only the remove (the create is dropped, as Juju's
        // secretsChangeRecorder.remove drops it).
        return Ok(None);
    }
    let Some(mut record) = current else { return Err(SecretError::NotFound(format!("secret:{id}"))) };
    match change {
        SecretChange::Create { .. } => unreachable!("handled above"),
        SecretChange::TrackLatest { .. } => {
            if !caller.reads(&record) {
                return Err(SecretError::PermissionDenied);
            }
            let latest = record.latest();
            record.consumers.entry(caller.unit.clone()).or_default().revision = latest;
            return Ok(Some(record));
        }
        _ => caller.manage(&record)?,
    }
    match change {
        SecretChange::Create { .. } | SecretChange::TrackLatest { .. } => unreachable!("handled above"),
        SecretChange::Update { fields, .. } => {
            let latest = record.revision(record.latest()).map(|r| r.content.clone());
            if let Some(content) = fields.content.clone().filter(|c| !c.is_empty() && Some(c) != latest.as_ref()) {
                record.push_revision(content, now_ms)?;
            }
            set_fields(&mut record, id, fields, now_ms, label_taken)?;
            record.updated_ms = now_ms;
        }
        SecretChange::Remove { revision: None, .. } => return Ok(None),
        SecretChange::Remove { revision: Some(revision), .. } => {
            let before = record.revisions.len();
            record.revisions.retain(|r| r.revision != *revision);
            if record.revisions.len() == before {
                return Err(SecretError::RevisionNotFound(*revision));
            }
            if record.revisions.is_empty() {
                return Ok(None);
            }
            record.updated_ms = now_ms;
        }
        SecretChange::Grant { subject, relation_id, scope, .. } => {
            let valid = leaderd_core::names::check_application(subject).is_ok()
                || leaderd_core::model::Unit::new(subject).is_ok();
            if !valid {
                return Err(SecretError::Invalid(format!("grant subject {} not valid", go_quote(subject))));
            }
            let grant = GrantRecord { subject: subject.clone(), relation_id: Some(*relation_id), scope: scope.clone() };
            if !record.grants.contains(&grant) {
                record.grants.push(grant);
                record.grants.sort();
            }
        }
        SecretChange::Revoke { subject, relation_id, .. } => {
            // Juju deletes the subject's grant whatever its scope.
            let _ = relation_id;
            record.grants.retain(|g| g.subject != *subject);
            // A unit that can no longer read tracks nothing more; the others (the owning
            // application's units, other grants) keep their revision.
            let readable = record.clone();
            record.consumers.retain(|unit, _| Caller::new(unit, false).reads(&readable));
        }
        SecretChange::Rotated { revision, .. } => {
            // Juju's `SecretsRotated`: the next rotation counts from when this one was due; a
            // rotation that made no new revision is asked for again in 5 minutes.
            let policy = RotatePolicy::parse(&record.rotate_policy).unwrap_or(RotatePolicy::Never);
            let last = record.next_rotate_ms.unwrap_or(now_ms);
            record.next_rotate_ms = match policy.next_rotate_ms(last) {
                Some(_) if record.latest() == *revision => Some(last + ROTATE_RETRY_MS),
                next => next,
            };
        }
        SecretChange::Expired { revision, .. } => {
            // Asked again every 5 minutes until the revision is removed (`ExpireRetryDelay`).
            if let Some(r) = record.revisions.iter_mut().find(|r| r.revision == *revision) {
                r.expire_retry_ms = Some(now_ms + ROTATE_RETRY_MS);
            }
        }
    }
    Ok(Some(record))
}

/// The fields secret-add and secret-set may set, onto `record` (whose latest revision takes an
/// expiry given now).
fn set_fields(
    record: &mut SecretRecord,
    id: &str,
    fields: &SecretFields,
    now_ms: u64,
    label_taken: &LabelTaken,
) -> Result<(), SecretError> {
    if let Some(label) = &fields.label {
        if !label.is_empty() && label_taken(label, &record.owner_kind, &record.owner, id) {
            return Err(SecretError::Invalid(format!("secret with label {} already exists", go_quote(label))));
        }
        record.label = label.clone();
    }
    if let Some(description) = &fields.description {
        record.description = description.clone();
    }
    if let Some(policy) = &fields.rotate_policy {
        let parsed = RotatePolicy::parse(policy)
            .ok_or_else(|| SecretError::Invalid(format!("secret rotate policy {} not valid", go_quote(policy))))?;
        // Kept as chosen, `never` included (Juju shows a policy set to never as `never`).
        record.rotate_policy = policy.clone();
        // Juju keeps the time already set unless the new policy's is earlier; never clears it.
        record.next_rotate_ms = match (parsed.next_rotate_ms(now_ms), record.next_rotate_ms) {
            (Some(new), Some(old)) => Some(new.min(old)),
            (new, _) => new,
        };
    }
    if let Some(expire) = &fields.expire_time {
        let at = leaderd_core::secrets::parse_rfc3339_ms(expire)
            .ok_or_else(|| SecretError::Invalid(format!("expire time {} not valid", go_quote(expire))))?;
        if let Some(latest) = record.revisions.last_mut() {
            latest.expire_ms = Some(at);
            latest.expire_retry_ms = None;
        }
    }
    Ok(())
}

/// A unit the operator removed: its unit-owned secrets go, and it reads nothing more (its
/// consumer records and grants naming it go too, so its tracked revisions no longer keep them
/// from being obsolete), as Juju deletes a unit's secrets and consumer records with the unit.
pub(crate) fn forget_unit(records: &Records, unit: &str) -> BTreeMap<String, Option<SecretRecord>> {
    let mut touched = BTreeMap::new();
    for (id, r) in records {
        if r.owner_kind == "unit" && r.owner == unit {
            touched.insert(id.clone(), None);
            continue;
        }
        if r.consumers.contains_key(unit) || r.grants.iter().any(|g| g.subject == unit) {
            let mut r = r.clone();
            r.consumers.remove(unit);
            r.grants.retain(|g| g.subject != unit);
            touched.insert(id.clone(), Some(r));
        }
    }
    touched
}

/// A relation removed: the grants made over it go with it, as juju/juju 3.6.0
/// `state/relation.go` removes them in the relation's `removeOps`
/// (`removeScopedSecretPermissionOps(r.Tag())`), and a unit that can no longer read a secret
/// tracks nothing more (as a revoke leaves it).
pub(crate) fn forget_relation(records: &Records, relation_id: u64) -> BTreeMap<String, Option<SecretRecord>> {
    let mut touched = BTreeMap::new();
    for (id, r) in records {
        if !r.grants.iter().any(|g| g.relation_id == Some(relation_id)) {
            continue;
        }
        let mut r = r.clone();
        r.grants.retain(|g| g.relation_id != Some(relation_id));
        let readable = r.clone();
        r.consumers.retain(|unit, _| Caller::new(unit, false).reads(&readable));
        touched.insert(id.clone(), Some(r));
    }
    touched
}

/// What the caller needs to run its secret hooks: the secrets it manages (rotate, expire and
/// obsolete revisions) and those it tracks but does not manage (changed).
pub(crate) fn view(records: &Records, caller: &Caller, version: u64) -> SecretView {
    let mut ids: Vec<&String> = records.keys().collect();
    ids.sort();
    let mut view = SecretView { version, ..Default::default() };
    for id in ids {
        let r = &records[id];
        if caller.manages(r) {
            let tracked: BTreeSet<u32> = r.consumers.values().map(|c| c.revision).collect();
            let latest = r.latest();
            view.owned.push(OwnedSecret {
                id: id.clone(),
                application: r.owner_kind == "application",
                label: r.label.clone(),
                latest,
                next_rotate_ms: r.next_rotate_ms,
                expiring: r
                    .revisions
                    .iter()
                    .filter_map(|v| v.expire_retry_ms.or(v.expire_ms).map(|at| (v.revision, at)))
                    .collect(),
                obsolete: r
                    .revisions
                    .iter()
                    .map(|v| v.revision)
                    .filter(|v| *v != latest && !tracked.contains(v))
                    .collect(),
            });
        } else if let Some(c) = r.consumers.get(&caller.unit).filter(|_| caller.reads(r)) {
            // A unit of the owning application sees the owner's label.
            let label = if caller.owns(r) { r.label.clone() } else { c.label.clone() };
            view.consumed.push(ConsumedSecret { id: id.clone(), label, tracked: c.revision, latest: r.latest() });
        }
    }
    view
}

/// The secrets the caller manages, as secret-info-get shows them.
pub(crate) fn metadata(records: &Records, caller: &Caller) -> BTreeMap<String, SecretMetadata> {
    records
        .iter()
        .filter(|(_, r)| caller.manages(r))
        .map(|(id, r)| {
            let latest = r.revision(r.latest());
            let owner_target = r.owner_tag();
            let mut access = vec![SecretAccess { target: owner_target, scope: scope_tag(r), role: "manage".into() }];
            access.extend(r.grants.iter().map(|g| SecretAccess {
                target: subject_tag(&g.subject),
                scope: g.scope.clone(),
                role: "view".into(),
            }));
            let md = SecretMetadata {
                owner: r.owner_tag(),
                description: r.description.clone(),
                label: r.label.clone(),
                rotate_policy: if r.rotate_policy.is_empty() { "never".into() } else { r.rotate_policy.clone() },
                latest_revision: r.latest(),
                latest_expire_time: latest.and_then(|l| l.expire_ms).map(leaderd_core::secrets::format_rfc3339_ms),
                next_rotate_time: r.next_rotate_ms.map(leaderd_core::secrets::format_rfc3339_ms),
                revisions: r.revisions.iter().map(|v| v.revision).collect(),
                access,
            };
            (id.clone(), md)
        })
        .collect()
}

/// The scope an owner's access is in: the application, or the unit.
fn scope_tag(r: &SecretRecord) -> String {
    r.owner_tag()
}

/// A unit's or an application's tag.
fn subject_tag(subject: &str) -> String {
    if subject.contains('/') {
        format!("unit-{}", subject.replace('/', "-"))
    } else {
        format!("application-{subject}")
    }
}

// The operator's side: every secret's metadata, one secret with its content, and user secrets
// (owned by the model, named by the operator) added, updated, removed, granted and revoked
// (Juju's `apiserver/facades/client/secrets`).

/// The owner kind of a user secret.
pub(crate) const MODEL: &str = "model";

/// What the operator does to a user secret.
#[derive(Debug, Clone, PartialEq)]
pub enum UserChange {
    /// `add-secret`, with the id the controller made for it.
    Add {
        id: String,
        request: UserSecretAddRequest,
    },
    Update(UserSecretUpdateRequest),
    Remove(UserSecretRemoveRequest),
    Grant(UserSecretAccessRequest),
    Revoke(UserSecretAccessRequest),
}

/// The id of the user secret `secret` names: a URI or bare id (a charm's secret is not the
/// operator's to change: permission denied), else a user secret's name (Juju's
/// `getSecretURI`: `secret "NAME" not found`).
pub(crate) fn resolve_user(records: &Records, secret: &str) -> Result<String, SecretError> {
    match leaderd_core::secrets::parse_uri(secret) {
        Ok(uri) => {
            let id = uri.id.as_str();
            let record = records.get(id).ok_or_else(|| SecretError::NotFound(id.to_string()))?;
            if record.owner_kind != MODEL {
                return Err(SecretError::PermissionDenied);
            }
            Ok(id.to_string())
        }
        Err(_) => records
            .iter()
            .find(|(_, r)| r.owner_kind == MODEL && r.owner == secret)
            .map(|(id, _)| id.clone())
            .ok_or_else(|| SecretError::NotFound(secret.to_string())),
    }
}

/// Is `name` another user secret's?
fn name_taken(records: &Records, name: &str, except: &str) -> bool {
    records.iter().any(|(id, r)| id != except && r.owner_kind == MODEL && r.owner == name)
}

fn name_exists(name: &str) -> SecretError {
    SecretError::Invalid(format!("secret with name {} already exists", go_quote(name)))
}

/// An operator's change to a user secret: its id and the record as it ends up (`None`:
/// removed).
pub(crate) fn user_change(
    records: &Records,
    change: &UserChange,
    now_ms: u64,
) -> Result<(String, Option<SecretRecord>), SecretError> {
    if let UserChange::Add { id, request } = change {
        if request.name.is_empty() {
            return Err(SecretError::Invalid("secret name not valid".into()));
        }
        if records.contains_key(id) {
            return Err(SecretError::Invalid(format!("secret {} already exists", go_quote(id))));
        }
        if name_taken(records, &request.name, id) {
            return Err(name_exists(&request.name));
        }
        if request.content.is_empty() {
            return Err(SecretError::Invalid("empty secret value not valid".into()));
        }
        let mut record = SecretRecord {
            owner_kind: MODEL.into(),
            owner: request.name.clone(),
            description: request.description.clone().unwrap_or_default(),
            created_ms: now_ms,
            updated_ms: now_ms,
            ..Default::default()
        };
        record.push_revision(request.content.clone(), now_ms)?;
        return Ok((id.clone(), Some(record)));
    }
    let secret = match change {
        UserChange::Add { .. } => unreachable!("handled above"),
        UserChange::Update(r) => &r.secret,
        UserChange::Remove(r) => &r.secret,
        UserChange::Grant(r) | UserChange::Revoke(r) => &r.secret,
    };
    let id = resolve_user(records, secret)?;
    let mut record = records[&id].clone();
    match change {
        UserChange::Add { .. } => unreachable!("handled above"),
        UserChange::Update(request) => {
            let before = record.clone();
            let latest = record.revision(record.latest()).map(|r| r.content.clone());
            if let Some(content) = request.content.clone().filter(|c| !c.is_empty() && Some(c) != latest.as_ref()) {
                record.push_revision(content, now_ms)?;
            }
            if let Some(description) = &request.description {
                record.description = description.clone();
            }
            if let Some(name) = request.name.as_ref().filter(|n| !n.is_empty()) {
                if name_taken(records, name, &id) {
                    return Err(name_exists(name));
                }
                record.owner = name.clone();
            }
            if record != before {
                record.updated_ms = now_ms;
            }
        }
        UserChange::Remove(UserSecretRemoveRequest { revision: None, .. }) => return Ok((id, None)),
        UserChange::Remove(UserSecretRemoveRequest { revision: Some(revision), .. }) => {
            let before = record.revisions.len();
            record.revisions.retain(|r| r.revision != *revision);
            if record.revisions.len() == before {
                return Err(SecretError::RevisionNotFound(*revision));
            }
            if record.revisions.is_empty() {
                return Ok((id, None));
            }
            record.updated_ms = now_ms;
        }
        UserChange::Grant(request) => {
            for app in &request.applications {
                check_app(&id, app)?;
                let grant = GrantRecord { subject: app.clone(), relation_id: None, scope: MODEL.into() };
                if !record.grants.contains(&grant) {
                    record.grants.push(grant);
                }
            }
            record.grants.sort();
        }
        UserChange::Revoke(request) => {
            for app in &request.applications {
                check_app(&id, app)?;
                record.grants.retain(|g| g.subject != *app);
                let prefix = format!("{app}/");
                record.consumers.retain(|unit, _| unit != app && !unit.starts_with(&prefix));
            }
        }
    }
    Ok((id, Some(record)))
}

/// An application name to grant to, or Juju's words for one that is not.
/// An operator's grant names only applications the model has (`known`), in Juju's words:
/// `cannot change access to "secret:ID" for "APP": invalid subject reference: application "APP"
/// not found` (juju/juju 3.6.0 `apiserver/facades/client/secrets/secrets.go` `one` over
/// `state/secrets.go` `GrantSecretAccess`).
pub(crate) fn user_change_checked(
    records: &Records,
    change: &UserChange,
    known: &dyn Fn(&str) -> bool,
) -> Result<(), SecretError> {
    let UserChange::Grant(request) = change else { return Ok(()) };
    let id = resolve_user(records, &request.secret)?;
    for app in &request.applications {
        check_app(&id, app)?;
        if !known(app) {
            return Err(SecretError::Invalid(format!(
                "cannot change access to {} for {}: invalid subject reference: application {} not found",
                go_quote(&format!("secret:{id}")),
                go_quote(app),
                go_quote(app)
            )));
        }
    }
    Ok(())
}

fn check_app(id: &str, app: &str) -> Result<(), SecretError> {
    leaderd_core::names::check_application(app).map_err(|_| {
        SecretError::Invalid(format!(
            "cannot change access to {} for {}: application {} not valid",
            go_quote(&format!("secret:{id}")),
            go_quote(app),
            go_quote(app)
        ))
    })
}

/// Every secret's metadata, by id (`leaderd secrets`): no content.
pub(crate) fn operator_list(records: &Records) -> Vec<OperatorSecret> {
    let mut ids: Vec<&String> = records.keys().collect();
    ids.sort();
    ids.into_iter().map(|id| operator_view(id, &records[id.as_str()])).collect()
}

/// The secrets `show-secret` names: one by id, else those whose name (a user secret's) or
/// owner label (a charm's) it is, with the content of the latest revision or of `revision`
/// when revealed.
pub(crate) fn operator_show(
    records: &Records,
    request: &SecretShowRequest,
) -> Result<Vec<OperatorSecret>, SecretError> {
    let ids: Vec<String> = match leaderd_core::secrets::parse_uri(&request.secret) {
        Ok(uri) => {
            let id = uri.id.as_str();
            if !records.contains_key(id) {
                return Err(SecretError::NotFound(id.to_string()));
            }
            vec![id.to_string()]
        }
        Err(_) => {
            let mut ids: Vec<String> = records
                .iter()
                .filter(
                    |(_, r)| if r.owner_kind == MODEL { r.owner == request.secret } else { r.label == request.secret },
                )
                .map(|(id, _)| id.clone())
                .collect();
            ids.sort();
            if ids.is_empty() {
                return Err(SecretError::NotFound(request.secret.clone()));
            }
            ids
        }
    };
    ids.iter()
        .map(|id| {
            let record = &records[id];
            let mut shown = operator_view(id, record);
            if request.reveal {
                let revision = request.revision.unwrap_or(record.latest());
                let content = record.revision(revision).ok_or(SecretError::RevisionNotFound(revision))?;
                shown.content = Some(content.content.clone());
                shown.checksum = record.revision(record.latest()).map(|r| checksum(&r.content)).unwrap_or_default();
            } else if let Some(revision) = request.revision {
                record.revision(revision).ok_or(SecretError::RevisionNotFound(revision))?;
            }
            Ok(shown)
        })
        .collect()
}

/// Juju's `SecretValue.Checksum`: SHA-256 (hex) of the JSON of the base64 values.
pub(crate) fn checksum(content: &BTreeMap<String, String>) -> String {
    use sha2::Digest;
    let json = serde_json::to_vec(content).unwrap_or_default();
    hex::encode(sha2::Sha256::digest(json))
}

fn operator_view(id: &str, r: &SecretRecord) -> OperatorSecret {
    OperatorSecret {
        id: id.to_string(),
        owner_kind: r.owner_kind.clone(),
        owner: r.owner.clone(),
        label: r.label.clone(),
        description: r.description.clone(),
        rotate_policy: r.rotate_policy.clone(),
        next_rotate_ms: r.next_rotate_ms,
        created_ms: r.created_ms,
        updated_ms: r.updated_ms,
        latest_revision: r.latest(),
        latest_expire_ms: r.revision(r.latest()).and_then(|v| v.expire_ms),
        revisions: r
            .revisions
            .iter()
            .map(|v| OperatorSecretRevision { revision: v.revision, created_ms: v.created_ms, expire_ms: v.expire_ms })
            .collect(),
        access: r
            .grants
            .iter()
            .map(|g| SecretAccess { target: subject_tag(&g.subject), scope: g.scope.clone(), role: "view".into() })
            .collect(),
        checksum: String::new(),
        content: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "d4ajvh2o8etbv2m5oc3g";
    const OTHER: &str = "d4ajvh2o8etbv2m5oc40";

    fn content(v: &str) -> BTreeMap<String, String> {
        [("password".to_string(), v.to_string())].into()
    }

    fn add(records: &mut Records, id: &str, name: &str) -> Result<(), SecretError> {
        let request = UserSecretAddRequest { name: name.into(), content: content("czNjcmV0"), description: None };
        let (id, record) = user_change(records, &UserChange::Add { id: id.into(), request }, 1_000)?;
        records.insert(id, record.unwrap());
        Ok(())
    }

    fn apply(records: &mut Records, change: UserChange, now: u64) -> Result<(), SecretError> {
        let (id, record) = user_change(records, &change, now)?;
        match record {
            Some(r) => records.insert(id, r),
            None => records.remove(&id),
        };
        Ok(())
    }

    fn access(secret: &str, apps: &[&str]) -> UserSecretAccessRequest {
        UserSecretAccessRequest { secret: secret.into(), applications: apps.iter().map(|a| a.to_string()).collect() }
    }

    #[test]
    fn a_user_secret_is_added_once_per_name_and_owned_by_the_model() {
        let mut records = Records::new();
        add(&mut records, ID, "db-password").unwrap();
        let r = &records[ID];
        assert_eq!((r.owner_kind.as_str(), r.owner.as_str(), r.latest()), ("model", "db-password", 1));
        assert_eq!(
            add(&mut records, OTHER, "db-password").unwrap_err().to_string(),
            "secret with name \"db-password\" already exists"
        );
        let empty = UserSecretAddRequest { name: "x".into(), ..Default::default() };
        let err = user_change(&records, &UserChange::Add { id: OTHER.into(), request: empty }, 1).unwrap_err();
        assert_eq!(err.to_string(), "empty secret value not valid");
    }

    #[test]
    fn user_secrets_are_named_by_id_or_name_and_charm_secrets_are_not_the_operators() {
        let mut records = Records::new();
        add(&mut records, ID, "db-password").unwrap();
        records.insert(
            OTHER.into(),
            SecretRecord { owner_kind: "application".into(), owner: "app".into(), ..Default::default() },
        );
        assert_eq!(resolve_user(&records, "db-password").unwrap(), ID);
        assert_eq!(resolve_user(&records, &format!("secret:{ID}")).unwrap(), ID);
        assert_eq!(resolve_user(&records, ID).unwrap(), ID);
        assert_eq!(resolve_user(&records, "nope").unwrap_err().to_string(), "secret \"nope\" not found");
        assert_eq!(
            resolve_user(&records, "d4ajvh2o8etbv2m5oc50").unwrap_err().to_string(),
            "secret \"d4ajvh2o8etbv2m5oc50\" not found"
        );
        assert_eq!(resolve_user(&records, OTHER).unwrap_err(), SecretError::PermissionDenied);
    }

    #[test]
    fn an_update_makes_a_revision_only_when_the_content_differs() {
        let mut records = Records::new();
        add(&mut records, ID, "pw").unwrap();
        let same =
            UserSecretUpdateRequest { secret: "pw".into(), content: Some(content("czNjcmV0")), ..Default::default() };
        apply(&mut records, UserChange::Update(same), 2_000).unwrap();
        assert_eq!((records[ID].latest(), records[ID].updated_ms), (1, 1_000), "same content: nothing changes");
        let new = UserSecretUpdateRequest {
            secret: "pw".into(),
            content: Some(content("bmV3")),
            description: Some("the db".into()),
            name: Some("db".into()),
        };
        apply(&mut records, UserChange::Update(new), 3_000).unwrap();
        let r = &records[ID];
        assert_eq!((r.latest(), r.updated_ms, r.owner.as_str(), r.description.as_str()), (2, 3_000, "db", "the db"));
        add(&mut records, OTHER, "other").unwrap();
        let clash = UserSecretUpdateRequest { secret: "db".into(), name: Some("other".into()), ..Default::default() };
        assert_eq!(
            user_change(&records, &UserChange::Update(clash), 4_000).unwrap_err().to_string(),
            "secret with name \"other\" already exists"
        );
    }

    #[test]
    fn a_revision_or_the_whole_secret_is_removed() {
        let mut records = Records::new();
        add(&mut records, ID, "pw").unwrap();
        let new = UserSecretUpdateRequest { secret: "pw".into(), content: Some(content("bmV3")), ..Default::default() };
        apply(&mut records, UserChange::Update(new), 2_000).unwrap();
        let remove = |revision| UserChange::Remove(UserSecretRemoveRequest { secret: "pw".into(), revision });
        assert_eq!(user_change(&records, &remove(Some(7)), 3).unwrap_err().to_string(), "secret revision 7 not found");
        apply(&mut records, remove(Some(1)), 3_000).unwrap();
        assert_eq!(records[ID].revisions.iter().map(|r| r.revision).collect::<Vec<_>>(), [2]);
        apply(&mut records, remove(None), 4_000).unwrap();
        assert!(records.is_empty());
        assert_eq!(user_change(&records, &remove(None), 5).unwrap_err().to_string(), "secret \"pw\" not found");
    }

    #[test]
    fn a_grant_lets_every_unit_of_the_application_read_until_it_is_revoked() {
        let mut records = Records::new();
        add(&mut records, ID, "pw").unwrap();
        apply(&mut records, UserChange::Grant(access("pw", &["web", "db"])), 2).unwrap();
        assert_eq!(
            records[ID].grants,
            [
                GrantRecord { subject: "db".into(), relation_id: None, scope: "model".into() },
                GrantRecord { subject: "web".into(), relation_id: None, scope: "model".into() }
            ]
        );
        let get = SecretReadRequest { id: Some(ID.into()), ..Default::default() };
        let (answer, tracked) = read(&records, &Caller::new("web/1", false), &get).unwrap();
        assert_eq!((answer.revision, answer.content), (1, content("czNjcmV0")));
        let (id, record) = tracked.unwrap();
        records.insert(id, record);
        assert!(records[ID].consumers.contains_key("web/1"));
        assert_eq!(read(&records, &Caller::new("other/0", false), &get).unwrap_err(), SecretError::PermissionDenied);

        apply(&mut records, UserChange::Revoke(access("pw", &["web"])), 3).unwrap();
        assert!(!records[ID].consumers.contains_key("web/1"), "a revoked application's units track nothing");
        assert_eq!(read(&records, &Caller::new("web/1", false), &get).unwrap_err(), SecretError::PermissionDenied);
        assert!(read(&records, &Caller::new("db/0", false), &get).is_ok());
        let bad = user_change(&records, &UserChange::Grant(access("pw", &["Bad_App"])), 4).unwrap_err();
        assert_eq!(
            bad.to_string(),
            format!("cannot change access to \"secret:{ID}\" for \"Bad_App\": application \"Bad_App\" not valid")
        );
    }

    #[test]
    fn the_operator_sees_metadata_and_content_only_when_revealed() {
        let mut records = Records::new();
        add(&mut records, ID, "pw").unwrap();
        apply(&mut records, UserChange::Grant(access("pw", &["web"])), 2).unwrap();
        let listed = operator_list(&records);
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].owner_kind.as_str(), listed[0].owner.as_str()), ("model", "pw"));
        assert_eq!(listed[0].content, None);
        assert_eq!(
            listed[0].access,
            [SecretAccess { target: "application-web".into(), scope: "model".into(), role: "view".into() }]
        );
        let show = |secret: &str, reveal, revision| SecretShowRequest { secret: secret.into(), reveal, revision };
        let shown = operator_show(&records, &show("pw", true, None)).unwrap();
        assert_eq!(shown[0].content, Some(content("czNjcmV0")));
        assert_eq!(shown[0].checksum, checksum(&content("czNjcmV0")));
        assert_eq!(operator_show(&records, &show(ID, false, None)).unwrap()[0].content, None);
        assert_eq!(
            operator_show(&records, &show(ID, true, Some(2))).unwrap_err().to_string(),
            "secret revision 2 not found"
        );
        assert_eq!(
            operator_show(&records, &show("nope", false, None)).unwrap_err().to_string(),
            "secret \"nope\" not found"
        );
    }

    /// Juju's checksum: the JSON of the base64 values, keys sorted, hashed.
    #[test]
    fn the_checksum_is_jujus() {
        let c: BTreeMap<String, String> = [("foo".to_string(), "YmFy".to_string())].into();
        use sha2::Digest;
        assert_eq!(checksum(&c), hex::encode(sha2::Sha256::digest(br#"{"foo":"YmFy"}"#)));
    }

    /// Charm secrets: the rows the review asked for. A removed latest revision's number is not
    /// given again; a tracked revision that was removed is not found; a read needs an id or a
    /// label; content has a bound; pending label conflicts and permissions.
    /// A hook that adds a secret and removes it sends only the remove (Juju drops the pending
    /// create): the commit passes over the secret it cannot find, as Juju 3.6's does, and
    /// changes nothing else.
    #[test]
    fn removing_a_secret_that_is_not_there_commits_nothing_and_no_error() {
        use leaderd_core::wire::controller::SecretChange;
        let leader = Caller::new("app/0", true);
        let records = Records::new();
        for revision in [None, Some(1)] {
            let touched = commit(&records, &leader, &[SecretChange::Remove { id: "gone".into(), revision }], 1000);
            assert_eq!(touched.unwrap().into_iter().collect::<Vec<_>>(), [("gone".to_string(), None)]);
        }
        // Anything else on a secret that is not there is still not found.
        let track = commit(&records, &leader, &[SecretChange::TrackLatest { id: "gone".into() }], 1000);
        assert_eq!(track.unwrap_err(), SecretError::NotFound("secret:gone".into()));
    }

    #[test]
    fn charm_secret_rules() {
        use leaderd_core::wire::controller::SecretChange;
        use leaderd_core::wire::hook::SecretFields;
        let leader = Caller::new("app/0", true);
        let minion = Caller::new("app/1", false);
        let fields = |v: &str| SecretFields { content: Some(content(v)), ..Default::default() };
        let mut records = Records::new();
        let commit_as = |records: &mut Records, caller: &Caller, changes: Vec<SecretChange>| {
            let touched = commit(records, caller, &changes, 1000)?;
            for (id, r) in touched {
                match r {
                    Some(r) => records.insert(id, r),
                    None => records.remove(&id),
                };
            }
            Ok::<(), SecretError>(())
        };
        let create = SecretChange::Create { id: "s".into(), owner: "application".into(), fields: fields("b25l") };
        assert_eq!(commit_as(&mut records, &minion, vec![create.clone()]), Err(SecretError::NotLeader));
        commit_as(&mut records, &leader, vec![create]).unwrap();
        let update = |v: &str| SecretChange::Update { id: "s".into(), fields: fields(v) };
        // The minion reads revision 1 and tracks it.
        let read_req = |refresh| SecretReadRequest { id: Some("s".into()), refresh, ..Default::default() };
        let (first, write) = read(&records, &minion, &read_req(false)).unwrap();
        assert_eq!(first.revision, 1);
        let (id, r) = write.expect("a first read tracks");
        records.insert(id, r);
        commit_as(&mut records, &leader, vec![update("dHdv")]).unwrap();
        // The owner removes revision 1 (the minion's) and 2; the next is 3, never 2 again.
        commit_as(&mut records, &leader, vec![SecretChange::Remove { id: "s".into(), revision: Some(2) }]).unwrap();
        assert_eq!(read(&records, &minion, &read_req(false)).unwrap().0.revision, 1, "revision 1 is still there");
        commit_as(&mut records, &leader, vec![update("dGhyZWU=")]).unwrap();
        assert_eq!(records["s"].latest(), 3, "a removed revision's number is not reused");
        // Revision 1 removed while the minion tracks it: its plain read is not found.
        commit_as(&mut records, &leader, vec![SecretChange::Remove { id: "s".into(), revision: Some(1) }]).unwrap();
        assert_eq!(read(&records, &minion, &read_req(false)).unwrap_err(), SecretError::RevisionNotFound(1));
        assert_eq!(read(&records, &minion, &read_req(true)).unwrap().0.revision, 3);
        // A read names a secret.
        let neither = SecretReadRequest::default();
        assert_eq!(
            read(&records, &minion, &neither).unwrap_err().to_string(),
            "both uri and label are empty not valid"
        );
        // Content has a bound.
        let huge = SecretFields { content: Some(content(&"x".repeat(MAX_CONTENT_BYTES))), ..Default::default() };
        let refused = commit_as(&mut records, &leader, vec![SecretChange::Update { id: "s".into(), fields: huge }]);
        assert!(matches!(refused, Err(SecretError::Invalid(m)) if m.contains("exceeds the maximum")));
        assert_eq!(records["s"].latest(), 3, "nothing written");
        // A unit secret: its unit's alone, even for the leader.
        let mine = SecretChange::Create { id: "u".into(), owner: "unit".into(), fields: fields("bWluZQ==") };
        commit_as(&mut records, &minion, vec![mine]).unwrap();
        let by_leader = SecretChange::Update { id: "u".into(), fields: fields("eA==") };
        assert_eq!(commit_as(&mut records, &leader, vec![by_leader]), Err(SecretError::PermissionDenied));
        let by_id = SecretReadRequest { id: Some("u".into()), ..Default::default() };
        assert_eq!(read(&records, &leader, &by_id).unwrap_err(), SecretError::PermissionDenied);
        // Labels are unique per owner.
        let labelled = |id: &str| SecretChange::Create {
            id: id.into(),
            owner: "application".into(),
            fields: SecretFields { content: Some(content("YQ==")), label: Some("admin".into()), ..Default::default() },
        };
        commit_as(&mut records, &leader, vec![labelled("l1")]).unwrap();
        assert_eq!(
            commit_as(&mut records, &leader, vec![labelled("l2")]),
            Err(SecretError::Invalid("secret with label \"admin\" already exists".into()))
        );
    }

    /// A revoke drops only the tracking of units that can no longer read; labels are unique
    /// across an application and its units; the revisions a secret keeps are bounded; a removed
    /// unit's secrets and tracking go.
    #[test]
    fn revokes_labels_bounds_and_removed_units() {
        use leaderd_core::wire::controller::SecretChange;
        use leaderd_core::wire::hook::SecretFields;
        let leader = Caller::new("app/0", true);
        let minion = Caller::new("app/1", false);
        let mut records = Records::new();
        let apply_all = |records: &mut Records, caller: &Caller, changes: Vec<SecretChange>| {
            for (id, r) in commit(records, caller, &changes, 1000)? {
                match r {
                    Some(r) => records.insert(id, r),
                    None => records.remove(&id),
                };
            }
            Ok::<(), SecretError>(())
        };
        let labelled = |id: &str, owner: &str, label: &str| SecretChange::Create {
            id: id.into(),
            owner: owner.into(),
            fields: SecretFields { content: Some(content("YQ==")), label: Some(label.into()), ..Default::default() },
        };
        apply_all(&mut records, &leader, vec![labelled("a", "application", "db")]).unwrap();
        // The minion tracks it; revoking a grant to its own application keeps its tracking.
        let (_, write) =
            read(&records, &minion, &SecretReadRequest { id: Some("a".into()), ..Default::default() }).unwrap();
        let (id, r) = write.unwrap();
        records.insert(id, r);
        let grant = SecretChange::Grant {
            id: "a".into(),
            subject: "app".into(),
            relation_id: 0,
            scope: "relation-app.peer".into(),
        };
        let revoke = SecretChange::Revoke { id: "a".into(), subject: "app".into(), relation_id: Some(0) };
        apply_all(&mut records, &leader, vec![grant, revoke]).unwrap();
        assert!(records["a"].consumers.contains_key("app/1"), "a unit of the owning application still reads");
        // A unit secret may not take its application's secret's label, nor the other way.
        assert_eq!(
            apply_all(&mut records, &minion, vec![labelled("u", "unit", "db")]),
            Err(SecretError::Invalid("secret with label \"db\" already exists".into()))
        );
        apply_all(&mut records, &minion, vec![labelled("u", "unit", "mine")]).unwrap();
        // The revisions kept are bounded.
        let big = |v: char| SecretChange::Update {
            id: "a".into(),
            fields: SecretFields {
                content: Some(content(&v.to_string().repeat(MAX_CONTENT_BYTES - 16))),
                ..Default::default()
            },
        };
        for v in ['b', 'c', 'd', 'e'] {
            apply_all(&mut records, &leader, vec![big(v)]).unwrap();
        }
        let refused = apply_all(&mut records, &leader, vec![big('f')]);
        assert!(matches!(&refused, Err(SecretError::Invalid(m)) if m.contains("remove old revisions")), "{refused:?}");
        // A removed unit: its unit secret goes, and its tracking.
        let touched = forget_unit(&records, "app/1");
        assert_eq!(touched["u"], None);
        assert!(!touched["a"].as_ref().unwrap().consumers.contains_key("app/1"));
    }
}
