//! A unit's charm state (Juju's server-side unit state, `state-set`/`state-get`): Juju's size
//! limits and their words (`core/quota`), shared by the agent, which checks each entry as the
//! hook sets it, and the controller, which checks the whole state as it is committed.

use std::collections::BTreeMap;

/// `quota.MaxCharmStateKeySize`.
pub const MAX_KEY_SIZE: usize = 256;
/// `quota.MaxCharmStateValueSize`.
pub const MAX_VALUE_SIZE: usize = 64 * 1024;
/// The controller's default `max-charm-state-size` (`controller.DefaultMaxCharmStateSize`).
pub const MAX_STATE_SIZE: usize = 2 * 1024 * 1024;

/// `quota.CheckTupleSize` with the charm state limits, as `HookContext.SetCharmStateValue`
/// checks one entry.
pub fn check_entry(key: &str, value: &str) -> Result<(), String> {
    if key.len() > MAX_KEY_SIZE {
        return Err(format!("max allowed key length ({MAX_KEY_SIZE}) exceeded"));
    }
    if value.len() > MAX_VALUE_SIZE {
        return Err(format!("max allowed value length ({MAX_VALUE_SIZE}) exceeded"));
    }
    Ok(())
}

/// The check Juju's state makes when a hook's charm state is committed
/// (`unitSetStateOperation`, `getCharmStateQuotaChecker`): every entry with its key escaped for
/// MongoDB, then the BSON size of the whole document against the controller's limit.
pub fn check(state: &BTreeMap<String, String>) -> Result<(), String> {
    let annotate = |e: String| format!("persisting charm state: {e}");
    let mut total = 5; // the document's int32 length and its terminating NUL
    for (key, value) in state {
        let key = escape_key(key);
        check_entry(&key, value).map_err(annotate)?;
        // An element: type byte, key cstring, int32 length, value bytes and NUL.
        total += 1 + key.len() + 1 + 4 + value.len() + 1;
    }
    if total > MAX_STATE_SIZE {
        return Err(annotate(format!("max allowed size ({MAX_STATE_SIZE}) exceeded")));
    }
    Ok(())
}

/// `mongo/utils.EscapeKey`: `.` and `$` become their full-width forms.
fn escape_key(key: &str) -> String {
    key.replace('.', "\u{ff0e}").replace('$', "\u{ff04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_words_are_jujus() {
        assert_eq!(check_entry(&"k".repeat(256), &"v".repeat(65536)), Ok(()));
        assert_eq!(check_entry(&"k".repeat(257), ""), Err("max allowed key length (256) exceeded".into()));
        assert_eq!(check_entry("k", &"v".repeat(65537)), Err("max allowed value length (65536) exceeded".into()));
        // Escaped for MongoDB at commit, a key of 256 bytes with a dot is too long.
        let dotted: BTreeMap<String, String> = [(format!("{}.", "k".repeat(255)), String::new())].into();
        assert_eq!(check(&dotted), Err("persisting charm state: max allowed key length (256) exceeded".into()));
        // 32 values of 64 KiB fit in 2 MiB only without their keys' overhead.
        let big: BTreeMap<String, String> = (0..32).map(|i| (format!("k{i:02}"), "v".repeat(65536))).collect();
        assert_eq!(check(&big), Err("persisting charm state: max allowed size (2097152) exceeded".into()));
        let fits: BTreeMap<String, String> = (0..31).map(|i| (format!("k{i:02}"), "v".repeat(65536))).collect();
        assert_eq!(check(&fits), Ok(()));
    }
}
