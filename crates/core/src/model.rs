//! The domain types both ends share: applications, units and fencing terms as types (so a
//! unit cannot be passed where its application is meant, nor a version where a term is),
//! leader settings and the rule for changing them, and why a change can be refused. The agent,
//! the controller, the stores and the formatters all take them from here, so each rule is
//! written once.

use std::collections::BTreeMap;
use std::fmt;

use crate::names::{self, NameError};

/// An application's name, valid by Juju's rules (`names::check_application`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Application(String);

impl Application {
    pub fn new(name: &str) -> Result<Application, NameError> {
        names::check_application(name)?;
        Ok(Application(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A unit's name, `<application>/<number>`, valid by Juju's rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Unit(String);

impl Unit {
    pub fn new(name: &str) -> Result<Unit, NameError> {
        names::unit_application(name)?;
        Ok(Unit(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The application the unit belongs to.
    pub fn application(&self) -> Application {
        let (app, _) = self.0.split_once('/').expect("a valid unit name has a slash");
        Application(app.to_string())
    }
}

impl fmt::Display for Application {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A lease's fencing term: incremented on every grant to a unit that did not hold the lease a
/// moment ago; a leader-settings write names the term it was made under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Term(pub u64);

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq<u64> for Term {
    fn eq(&self, other: &u64) -> bool {
        self.0 == *other
    }
}

impl std::ops::Add<u64> for Term {
    type Output = Term;
    fn add(self, n: u64) -> Term {
        Term(self.0 + n)
    }
}

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
#[derive(Debug, Clone, thiserror::Error)]
pub enum LeaderWriteError {
    /// The unit does not hold the lease under that term right now.
    #[error("not the leader")]
    NotLeader,
    /// The request itself is wrong (a key leader-set could never send); nothing was written.
    /// The refusal's words, as they came back over the wire.
    #[error("{0}")]
    Invalid(String),
    /// The change is more than the store takes in one transaction; nothing was written, and
    /// sending it again will not help.
    #[error("{0}")]
    TooLarge(String),
    /// The write could not be made (the store failed, the controller is out of reach or
    /// shutting down): the cause, whole, from the layer that failed. Shared so that the error
    /// stays `Clone` whatever the cause is.
    #[error(transparent)]
    Failed(std::sync::Arc<dyn std::error::Error + Send + Sync>),
}

impl LeaderWriteError {
    /// A write that failed because of `cause`.
    pub fn failed(cause: impl std::error::Error + Send + Sync + 'static) -> LeaderWriteError {
        LeaderWriteError::Failed(std::sync::Arc::new(cause))
    }
}

/// Two failures are equal when they say the same: a cause is any error type, which need not
/// compare (tests compare refusals; callers match on the variant).
impl PartialEq for LeaderWriteError {
    fn eq(&self, other: &LeaderWriteError) -> bool {
        use LeaderWriteError::*;
        match (self, other) {
            (NotLeader, NotLeader) => true,
            (Invalid(a), Invalid(b)) | (TooLarge(a), TooLarge(b)) => a == b,
            (Failed(a), Failed(b)) => a.to_string() == b.to_string(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_once_and_a_unit_knows_its_application() {
        let unit = Unit::new("my-app/12").unwrap();
        assert_eq!(unit.application(), Application::new("my-app").unwrap());
        assert_eq!(unit.to_string(), "my-app/12");
        assert!(Unit::new("my-app").is_err());
        assert!(Application::new("my-app/1").is_err());
        assert_eq!(Term(3) + 1, 4);
    }

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
