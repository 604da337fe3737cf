//! The domain types both ends share: leader settings and the rule for changing them, and why
//! a change can be refused. The agent, the controller, the stores and the formatters all take
//! them from here, so each rule is written once.

use std::collections::BTreeMap;

/// Leader settings: one application's string→string bucket. Kept in byte order, which is what
/// JSON wants; YAML re-sorts in its own order.
pub type Settings = BTreeMap<String, String>;

/// What one `key=value` of a leader-set does: Juju's rule is that an empty value deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change<'a> {
    Set(&'a str),
    Delete,
}

impl<'a> Change<'a> {
    pub fn of(value: &'a str) -> Change<'a> {
        if value.is_empty() {
            Change::Delete
        } else {
            Change::Set(value)
        }
    }
}

/// Applies a leader-set's changes to a bucket.
pub fn apply_changes(settings: &mut Settings, changes: &Settings) {
    for (key, value) in changes {
        match Change::of(value) {
            Change::Set(value) => {
                settings.insert(key.clone(), value.to_string());
            }
            Change::Delete => {
                settings.remove(key);
            }
        }
    }
}

/// Why a leader-settings merge was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// The unit does not hold the lease under that term right now.
    #[error("not the leader")]
    NotLeader,
    /// The request itself is wrong (a key leader-set could never send); nothing was written.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_value_deletes_and_others_set() {
        let mut settings: Settings = [("a".into(), "1".into()), ("b".into(), "2".into())].into();
        let changes: Settings = [("a".into(), "".into()), ("c".into(), "3".into()), ("zz".into(), "".into())].into();
        apply_changes(&mut settings, &changes);
        assert_eq!(settings, Settings::from([("b".into(), "2".into()), ("c".into(), "3".into())]));
        assert_eq!(Change::of(""), Change::Delete);
        assert_eq!(Change::of(" "), Change::Set(" "));
    }
}
