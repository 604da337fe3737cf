//! A unit's payloads (`payload-register`, `payload-unregister`, `payload-status-set`; Juju
//! 3.6's `state/payloads.go` and `core/payloads`): the record Juju keeps and its rules, shared
//! by the agent (a hook's own view) and the controller (what it keeps per unit), and the
//! operator's `leaderd payloads`.
//!
//! Juju keeps one payload per class per unit: its document id is the unit and the class
//! (`nsPayloads.docID(unit, name)`, the raw id a field), and the hook context's API client
//! looks a `class/id` up to the class alone (`UnitPayloads.LookUp`). So registering a class
//! again replaces its payload, whatever the id, and unregister and status-set find the payload
//! by its class.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One payload as Juju records it (`payloadDoc`: name, type, raw id, state, labels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// The payload class, one of metadata.yaml's `payloads:`.
    pub class: String,
    /// Its type (`docker`, `kvm`, ...), as metadata.yaml declares it.
    #[serde(rename = "type")]
    pub kind: String,
    /// The id the charm gave (Juju's raw id).
    pub id: String,
    /// One of [`STATES`]; `running` when registered.
    pub status: String,
    /// The tags payload-register was given after the id (Juju's labels).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
}

/// A unit's payloads by class.
pub type UnitPayloads = BTreeMap<String, Payload>;

/// `core/payloads.StateRunning`: what payload-register records.
pub const RUNNING: &str = "running";

/// `core/payloads`' `okayStates`, sorted as `ValidateState`'s error lists them.
pub const STATES: [&str; 4] = ["running", "starting", "stopped", "stopping"];

/// `payloads.ValidateState`.
pub fn validate_state(status: &str) -> Result<(), String> {
    if STATES.contains(&status) {
        return Ok(());
    }
    Err(format!(
        "status {} not supported; expected one of [\"{}\"]",
        crate::format::go_quote(status),
        STATES.join("\", \"")
    ))
}

/// `PayloadsHookContext.TrackPayload` then `UnitPayloads.Track`: the payload, `running`,
/// replacing the class's (`payloadTrackChange` upserts). `Payload.Validate`'s one check that
/// metadata.yaml does not already make: an id.
pub fn register(
    payloads: &mut UnitPayloads,
    kind: &str,
    class: &str,
    id: &str,
    labels: &[String],
) -> Result<(), String> {
    if id.is_empty() {
        return Err("missing ID not valid".into());
    }
    let payload = Payload {
        class: class.into(),
        kind: kind.into(),
        id: id.into(),
        status: RUNNING.into(),
        labels: labels.to_vec(),
    };
    payloads.insert(class.into(), payload);
    Ok(())
}

/// `UnitPayloads.Untrack`: the class's payload goes; one that is not there is no error (its
/// `payloadUntrackChange` reports `ErrChangeComplete`). Answers whether anything went.
pub fn unregister(payloads: &mut UnitPayloads, class: &str) -> bool {
    payloads.remove(class).is_some()
}

/// `UnitPayloads.SetStatus`: the status checked, then the class's payload, which must be
/// there (`payloads.ErrNotFound`, "payload not found").
pub fn set_status(payloads: &mut UnitPayloads, class: &str, status: &str) -> Result<(), String> {
    validate_state(status)?;
    let payload = payloads.get_mut(class).ok_or_else(|| "payload not found".to_string())?;
    payload.status = status.into();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_follow_jujus_state_rules() {
        let mut unit = UnitPayloads::new();
        register(&mut unit, "docker", "monitoring", "0fcgaba", &["a".into(), "b".into()]).unwrap();
        assert_eq!(
            unit["monitoring"],
            Payload {
                class: "monitoring".into(),
                kind: "docker".into(),
                id: "0fcgaba".into(),
                status: "running".into(),
                labels: vec!["a".into(), "b".into()],
            }
        );
        // The same class again (any id) replaces it, as Juju's upsert by class does.
        set_status(&mut unit, "monitoring", "stopping").unwrap();
        register(&mut unit, "docker", "monitoring", "other", &[]).unwrap();
        assert_eq!(
            (unit.len(), unit["monitoring"].id.as_str(), unit["monitoring"].status.as_str()),
            (1, "other", "running")
        );
        assert_eq!(register(&mut unit, "docker", "monitoring", "", &[]), Err("missing ID not valid".into()));
        // status-set: Juju's words for a bad status, then for a class with no payload.
        assert_eq!(
            set_status(&mut unit, "monitoring", "started"),
            Err("status \"started\" not supported; expected one of [\"running\", \"starting\", \"stopped\", \"stopping\"]".into())
        );
        assert_eq!(set_status(&mut unit, "kvm-guest", "stopped"), Err("payload not found".into()));
        // unregister: by class; an unknown one is no error and changes nothing.
        assert!(!unregister(&mut unit, "kvm-guest"));
        assert!(unregister(&mut unit, "monitoring"));
        assert!(unit.is_empty());
        let json = serde_json::to_string(&Payload {
            class: "c".into(),
            kind: "t".into(),
            id: "i".into(),
            status: "running".into(),
            labels: vec![],
        })
        .unwrap();
        assert_eq!(json, r#"{"class":"c","type":"t","id":"i","status":"running"}"#);
    }
}
