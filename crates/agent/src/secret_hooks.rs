//! Which secret hook is due (Juju's `worker/uniter/secrets/resolver.go`), as a pure function
//! of the controller's view of this unit's secrets, what the unit has already run hooks for,
//! and the wall clock:
//!
//! 1. `secret-expired` for a revision of a secret the unit manages whose expiry (or the 5
//!    minute retry after an expired hook that did not remove it) has passed;
//! 2. `secret-rotate` for a managed secret whose rotation is due;
//! 3. `secret-changed` for a secret the unit tracks but does not manage, when a revision newer
//!    than the one it tracks is published and it has not run the hook for that revision (not
//!    for a first revision);
//! 4. `secret-remove` for each revision of a managed secret no one tracks any more, once.
//!
//! Application-owned secrets are managed by the leader only: their hooks run only while the
//! unit leads (the view lists them only under a current term, and the resolver checks again).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use leaderd_core::wire::controller::{OwnedSecret, SecretChange, SecretView};

/// The secret hooks' kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretKind {
    Changed,
    Rotate,
    Expired,
    Remove,
}

/// One secret hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SecretHook {
    pub kind: SecretKind,
    pub id: String,
    pub label: String,
    /// The revision: removed or expired (in the environment), the latest (changed, rotate).
    pub revision: u32,
    /// An owner's hook on an application-owned secret: run only while the unit leads.
    pub application: bool,
    /// When the rotation or expiry it handles was due (Unix ms; 0 for the other kinds).
    pub due_ms: u64,
}

impl SecretHook {
    pub fn name(&self) -> &'static str {
        match self.kind {
            SecretKind::Changed => "secret-changed",
            SecretKind::Rotate => "secret-rotate",
            SecretKind::Expired => "secret-expired",
            SecretKind::Remove => "secret-remove",
        }
    }

    /// `JUJU_SECRET_ID` (`secret:ID`) and `JUJU_SECRET_LABEL` (set, if empty), and for
    /// secret-remove and secret-expired `JUJU_SECRET_REVISION`.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("JUJU_SECRET_ID".to_string(), format!("secret:{}", self.id)),
            ("JUJU_SECRET_LABEL".to_string(), self.label.clone()),
        ];
        if matches!(self.kind, SecretKind::Remove | SecretKind::Expired) {
            env.push(("JUJU_SECRET_REVISION".to_string(), self.revision.to_string()));
        }
        env
    }

    /// What the hook's commit tells the controller besides the charm's own changes.
    pub fn commit(&self) -> Vec<SecretChange> {
        match self.kind {
            SecretKind::Rotate => vec![SecretChange::Rotated { id: self.id.clone(), revision: self.revision }],
            SecretKind::Expired => vec![SecretChange::Expired { id: self.id.clone(), revision: self.revision }],
            SecretKind::Changed | SecretKind::Remove => Vec::new(),
        }
    }
}

/// What the unit has run secret hooks for (kept in `uniter.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SecretsSeen {
    /// The revision secret-changed last ran for, by secret id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub changed: BTreeMap<String, u32>,
    /// The revisions secret-remove has run for.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub removed: BTreeSet<(String, u32)>,
    /// The due time secret-rotate last ran for, by secret id: until the controller's view
    /// shows the next due time, the same rotation is not run twice.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rotated: BTreeMap<String, u64>,
    /// The due time secret-expired last ran for, by secret id and revision.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub expired: BTreeMap<String, (u32, u64)>,
}

impl SecretsSeen {
    /// `hook` succeeded (or was resolved).
    pub fn ran(&mut self, hook: &SecretHook) {
        match hook.kind {
            SecretKind::Changed => {
                self.changed.insert(hook.id.clone(), hook.revision);
            }
            SecretKind::Remove => {
                self.removed.insert((hook.id.clone(), hook.revision));
            }
            SecretKind::Rotate => {
                self.rotated.insert(hook.id.clone(), hook.due_ms);
            }
            SecretKind::Expired => {
                self.expired.insert(hook.id.clone(), (hook.revision, hook.due_ms));
            }
        }
    }
}

/// The next secret hook due at `now_ms` (Unix milliseconds), if any. `leads`: the unit leads
/// now (application secrets' hooks run only then).
pub(crate) fn next(view: &SecretView, seen: &SecretsSeen, leads: bool, now_ms: u64) -> Option<SecretHook> {
    let owned: Vec<_> = view.owned.iter().filter(|o| leads || !o.application).collect();
    let hook = |kind, o: &OwnedSecret, revision, due_ms| SecretHook {
        kind,
        id: o.id.clone(),
        label: o.label.clone(),
        revision,
        application: o.application,
        due_ms,
    };
    // A rotation or expiry is handled once per due time: after its hook commits, the
    // controller moves the due time on, and the view may not show it yet.
    for o in &owned {
        let handled = seen.expired.get(&o.id);
        let due = o.expiring.iter().find(|(revision, at)| *at <= now_ms && handled != Some(&(*revision, *at)));
        if let Some((revision, at)) = due {
            return Some(hook(SecretKind::Expired, o, *revision, *at));
        }
    }
    for o in &owned {
        if let Some(at) = o.next_rotate_ms.filter(|at| *at <= now_ms && seen.rotated.get(&o.id) != Some(at)) {
            return Some(hook(SecretKind::Rotate, o, o.latest, at));
        }
    }
    for c in &view.consumed {
        let ran = seen.changed.get(&c.id).copied().unwrap_or(0);
        if c.latest > 1 && c.latest > c.tracked && c.latest != ran {
            let (id, label) = (c.id.clone(), c.label.clone());
            let revision = c.latest;
            return Some(SecretHook { kind: SecretKind::Changed, id, label, revision, application: false, due_ms: 0 });
        }
    }
    for o in &owned {
        if let Some(revision) = o.obsolete.iter().find(|r| !seen.removed.contains(&(o.id.clone(), **r))) {
            return Some(hook(SecretKind::Remove, o, *revision, 0));
        }
    }
    None
}

/// When the next rotation or expiry in `view` after `now_ms` is due (Unix milliseconds), for
/// the watcher to wake the uniter then.
pub(crate) fn next_due_ms(view: &SecretView, now_ms: u64) -> Option<u64> {
    view.owned
        .iter()
        .flat_map(|o| o.next_rotate_ms.into_iter().chain(o.expiring.iter().map(|(_, at)| *at)))
        .filter(|at| *at > now_ms)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaderd_core::wire::controller::ConsumedSecret;

    fn owned(id: &str, application: bool) -> OwnedSecret {
        OwnedSecret {
            id: id.into(),
            label: format!("{id}-label"),
            latest: 3,
            next_rotate_ms: None,
            expiring: vec![],
            obsolete: vec![],
            application,
        }
    }

    fn consumed(id: &str, tracked: u32, latest: u32) -> ConsumedSecret {
        ConsumedSecret { id: id.into(), label: String::new(), tracked, latest }
    }

    /// One row per rule: the view, what ran before, whether the unit leads, and the hook due
    /// at t=1000 (kind, id, revision), in Juju's order: expired, rotate, changed, remove.
    #[test]
    fn the_secret_hook_rules() {
        let seen = SecretsSeen::default();
        let view = |owned: Vec<OwnedSecret>, consumed: Vec<ConsumedSecret>| SecretView { owned, consumed, version: 1 };
        let due = |o: OwnedSecret| OwnedSecret { next_rotate_ms: Some(1000), ..o };
        let expiring = |o: OwnedSecret, at: u64| OwnedSecret { expiring: vec![(2, at)], ..o };
        let obsolete = |o: OwnedSecret| OwnedSecret { obsolete: vec![1, 2], ..o };
        let ran = |changed: &[(&str, u32)], removed: &[(&str, u32)]| SecretsSeen {
            changed: changed.iter().map(|(i, r)| (i.to_string(), *r)).collect(),
            removed: removed.iter().map(|(i, r)| (i.to_string(), *r)).collect(),
            ..Default::default()
        };
        use SecretKind::*;
        type Row<'a> = (&'a str, SecretView, SecretsSeen, bool, Option<(SecretKind, &'a str, u32)>);
        let rows: Vec<Row> = vec![
            ("nothing", view(vec![owned("a", false)], vec![]), seen.clone(), true, None),
            (
                "expiry passed",
                view(vec![expiring(owned("a", false), 1000)], vec![]),
                seen.clone(),
                true,
                Some((Expired, "a", 2)),
            ),
            ("expiry to come", view(vec![expiring(owned("a", false), 1001)], vec![]), seen.clone(), true, None),
            ("rotation due", view(vec![due(owned("a", false))], vec![]), seen.clone(), false, Some((Rotate, "a", 3))),
            (
                "expiry before rotation",
                view(vec![due(owned("a", false)), expiring(owned("b", false), 5)], vec![]),
                seen.clone(),
                true,
                Some((Expired, "b", 2)),
            ),
            (
                "an application secret rotates on the leader",
                view(vec![due(owned("a", true))], vec![]),
                seen.clone(),
                true,
                Some((Rotate, "a", 3)),
            ),
            ("not on a minion", view(vec![due(owned("a", true))], vec![]), seen.clone(), false, None),
            ("a newer revision", view(vec![], vec![consumed("c", 1, 2)]), seen.clone(), false, Some((Changed, "c", 2))),
            ("already tracked", view(vec![], vec![consumed("c", 2, 2)]), seen.clone(), false, None),
            ("a first revision never", view(vec![], vec![consumed("c", 0, 1)]), seen.clone(), false, None),
            ("already ran for it", view(vec![], vec![consumed("c", 1, 2)]), ran(&[("c", 2)], &[]), false, None),
            (
                "ran for an older one",
                view(vec![], vec![consumed("c", 1, 3)]),
                ran(&[("c", 2)], &[]),
                false,
                Some((Changed, "c", 3)),
            ),
            (
                "rotation before changed",
                view(vec![due(owned("a", false))], vec![consumed("c", 1, 2)]),
                seen.clone(),
                true,
                Some((Rotate, "a", 3)),
            ),
            (
                "obsolete revisions, oldest first",
                view(vec![obsolete(owned("a", false))], vec![]),
                seen.clone(),
                true,
                Some((Remove, "a", 1)),
            ),
            (
                "each once",
                view(vec![obsolete(owned("a", false))], vec![]),
                ran(&[], &[("a", 1)]),
                true,
                Some((Remove, "a", 2)),
            ),
            ("then none", view(vec![obsolete(owned("a", false))], vec![]), ran(&[], &[("a", 1), ("a", 2)]), true, None),
            (
                "changed before remove",
                view(vec![obsolete(owned("a", false))], vec![consumed("c", 1, 2)]),
                seen.clone(),
                true,
                Some((Changed, "c", 2)),
            ),
            (
                "a minion removes no application revision",
                view(vec![obsolete(owned("a", true))], vec![]),
                seen.clone(),
                false,
                None,
            ),
        ];
        for (name, view, seen, leads, want) in rows {
            let got = next(&view, &seen, leads, 1000).map(|h| (h.kind, h.id.clone(), h.revision));
            let want = want.map(|(k, i, r)| (k, i.to_string(), r));
            assert_eq!(got, want, "{name}");
        }
    }

    /// After a rotate or expired hook, the view the uniter holds may still show the same due
    /// time: the hook is not run again for it, but is for the next one.
    #[test]
    fn a_rotation_or_expiry_is_handled_once_per_due_time() {
        let view = |rotate: u64, expire: u64| SecretView {
            owned: vec![OwnedSecret { next_rotate_ms: Some(rotate), expiring: vec![(2, expire)], ..owned("a", false) }],
            ..Default::default()
        };
        let mut seen = SecretsSeen::default();
        let first = next(&view(900, 800), &seen, true, 1000).unwrap();
        assert_eq!((first.kind, first.due_ms), (SecretKind::Expired, 800));
        seen.ran(&first);
        let second = next(&view(900, 800), &seen, true, 1000).unwrap();
        assert_eq!((second.kind, second.due_ms), (SecretKind::Rotate, 900));
        seen.ran(&second);
        assert_eq!(next(&view(900, 800), &seen, true, 1000), None, "the same view: nothing again");
        // The controller moved both on (a retry, the next rotation): due again when they pass.
        assert_eq!(next(&view(1900, 1800), &seen, true, 1000), None);
        assert_eq!(next(&view(1900, 1800), &seen, true, 2000).map(|h| h.kind), Some(SecretKind::Expired));
    }

    #[test]
    fn hooks_carry_juju_s_environment_and_commit() {
        let hook = |kind| SecretHook {
            kind,
            id: "abc".into(),
            label: String::new(),
            revision: 4,
            application: false,
            due_ms: 0,
        };
        let names = |h: &SecretHook| h.env().into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>();
        assert_eq!(names(&hook(SecretKind::Changed)), ["JUJU_SECRET_ID=secret:abc", "JUJU_SECRET_LABEL="]);
        assert_eq!(
            names(&hook(SecretKind::Remove)),
            ["JUJU_SECRET_ID=secret:abc", "JUJU_SECRET_LABEL=", "JUJU_SECRET_REVISION=4"]
        );
        assert_eq!(names(&hook(SecretKind::Expired)).len(), 3);
        assert_eq!(hook(SecretKind::Rotate).commit(), [SecretChange::Rotated { id: "abc".into(), revision: 4 }]);
        assert!(hook(SecretKind::Changed).commit().is_empty());
        let mut seen = SecretsSeen::default();
        seen.ran(&hook(SecretKind::Changed));
        seen.ran(&hook(SecretKind::Remove));
        assert_eq!(
            seen,
            SecretsSeen {
                changed: [("abc".into(), 4)].into(),
                removed: [("abc".into(), 4)].into(),
                ..Default::default()
            }
        );
    }
}
