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
    ConsumedSecret, OwnedSecret, SecretChange, SecretReadRequest, SecretReadResponse, SecretView,
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

impl SecretRecord {
    pub(crate) fn latest(&self) -> u32 {
        self.revisions.last().map_or(0, |r| r.revision)
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
    let label = label.unwrap_or_default();
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
        if caller.manages(record) {
            changed.label = label.clone();
        } else if !caller.owns(record) {
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
    let content = record.revision(revision).map(|r| r.content.clone()).unwrap_or_default();
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
    stored.chain(pending).any(|(id, r)| {
        id != except && r.is_some_and(|r| r.label == label && r.owner_kind == owner_kind && r.owner == owner)
    })
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
            revisions: vec![RevisionRecord { revision: 1, content, created_ms: now_ms, ..Default::default() }],
            ..Default::default()
        };
        set_fields(&mut record, id, fields, now_ms, label_taken)?;
        return Ok(Some(record));
    }
    let id = change_id(change);
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
                let revision = record.latest() + 1;
                record.revisions.push(RevisionRecord { revision, content, created_ms: now_ms, ..Default::default() });
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
            // A revoked unit (or every unit of a revoked application) tracks nothing more.
            let app_prefix = format!("{subject}/");
            record.consumers.retain(|unit, _| unit != subject && !unit.starts_with(&app_prefix));
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
        record.rotate_policy = if parsed == RotatePolicy::Never { String::new() } else { policy.clone() };
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
