//! A model's config as Juju 3.6 keeps it (juju/juju `environs/config/config.go`,
//! `defaultConfigValues`): the keys `juju model-config` lists with their defaults, the ones
//! an operator may set, and how a typed value is read from the command line's text.
//!
//! leaderd acts on one of them, `update-status-hook-interval` (how often each unit runs
//! update-status); the others are listed as Juju lists them, and may be set and reset, but
//! change nothing here.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

/// The key of the interval between update-status hooks.
/// The most keys one model config change may set and reset together (the controller refuses
/// more; `juju add-model --config` checks it before anything starts).
pub const MAX_CHANGE_KEYS: usize = 256;

/// What the controller answers for a change with more than [`MAX_CHANGE_KEYS`] keys.
pub fn too_many_keys() -> String {
    format!("too many model config keys in one change (at most {MAX_CHANGE_KEYS})")
}

pub const UPDATE_STATUS_HOOK_INTERVAL: &str = "update-status-hook-interval";

/// Juju's `DefaultUpdateStatusHookInterval`.
pub const DEFAULT_UPDATE_STATUS_HOOK_INTERVAL: &str = "5m";

/// Juju 3.6's model config keys with their defaults (`defaultConfigValues`, the ones a model on
/// any cloud has), as `juju model-config --format json` shows them with `Source: default`.
pub fn defaults() -> BTreeMap<&'static str, Value> {
    let s = |v: &str| Value::String(v.to_string());
    BTreeMap::from([
        ("agent-metadata-url", s("")),
        ("agent-stream", s("released")),
        ("apt-ftp-proxy", s("")),
        ("apt-http-proxy", s("")),
        ("apt-https-proxy", s("")),
        ("apt-mirror", s("")),
        ("apt-no-proxy", s("")),
        ("automatically-retry-hooks", Value::Bool(true)),
        ("backup-dir", s("")),
        ("charmhub-url", s("https://api.charmhub.io")),
        ("cloudinit-userdata", s("")),
        ("container-image-metadata-defaults-disabled", Value::Bool(false)),
        ("container-image-metadata-url", s("")),
        ("container-image-stream", s("released")),
        ("container-inherit-properties", s("")),
        ("container-networking-method", s("")),
        ("default-base", s("")),
        ("default-space", s("")),
        ("development", Value::Bool(false)),
        ("disable-network-management", Value::Bool(false)),
        ("disable-telemetry", Value::Bool(false)),
        ("egress-subnets", s("")),
        ("enable-os-refresh-update", Value::Bool(true)),
        ("enable-os-upgrade", Value::Bool(true)),
        ("fan-config", s("")),
        ("firewall-mode", s("instance")),
        ("ftp-proxy", s("")),
        ("http-proxy", s("")),
        ("https-proxy", s("")),
        ("ignore-machine-addresses", Value::Bool(false)),
        ("image-metadata-defaults-disabled", Value::Bool(false)),
        ("image-metadata-url", s("")),
        ("image-stream", s("released")),
        ("juju-ftp-proxy", s("")),
        ("juju-http-proxy", s("")),
        ("juju-https-proxy", s("")),
        ("juju-no-proxy", s("127.0.0.1,localhost,::1")),
        ("logforward-enabled", Value::Bool(false)),
        ("logging-config", s("")),
        ("logging-output", s("")),
        ("lxd-snap-channel", s("5.0/stable")),
        ("max-action-results-age", s("336h")),
        ("max-action-results-size", s("5G")),
        ("max-status-history-age", s("336h")),
        ("max-status-history-size", s("5G")),
        ("mode", s("requires-prompts")),
        ("net-bond-reconfigure-delay", Value::from(17)),
        ("no-proxy", s("127.0.0.1,localhost,::1")),
        ("num-container-provision-workers", Value::from(4)),
        ("num-provision-workers", Value::from(16)),
        ("provisioner-harvest-mode", s("destroyed")),
        ("proxy-ssh", Value::Bool(false)),
        ("resource-tags", s("")),
        ("saas-ingress-allow", s("0.0.0.0/0,::/0")),
        ("secret-backend", s("auto")),
        ("snap-http-proxy", s("")),
        ("snap-https-proxy", s("")),
        ("snap-store-assertions", s("")),
        ("snap-store-proxy", s("")),
        ("snap-store-proxy-url", s("")),
        ("ssh-allow", s("0.0.0.0/0,::/0")),
        ("ssl-hostname-verification", Value::Bool(true)),
        ("test-mode", Value::Bool(false)),
        ("transmit-vendor-metrics", Value::Bool(true)),
        (UPDATE_STATUS_HOOK_INTERVAL, s(DEFAULT_UPDATE_STATUS_HOOK_INTERVAL)),
    ])
}

/// Why a model config change was refused, in Juju's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidModelConfig {
    /// A value of the wrong type for the key's default.
    #[error("{key}: expected {kind}, got {}", crate::gocompat::go_quote(.value))]
    Type { key: String, kind: &'static str, value: String },
    /// juju/juju `environs/config/config.go`, `Validate`: `time.ParseDuration`'s error.
    #[error("invalid update status hook interval in model configuration: time: invalid duration {}", crate::gocompat::go_quote(.0))]
    Interval(String),
}

/// The typed value of `key` from `text` (what `juju model-config key=text` sends), checked as
/// Juju checks it: a boolean or integer key takes one, the update-status interval a Go
/// duration. Juju's "cannot be less than 1m" bound is annotated onto a nil error and so never
/// fires (`Validate`, `errors.Annotatef(err, ...)` with `err == nil`): `10s` is accepted.
pub fn parse_value(key: &str, text: &str) -> Result<Value, InvalidModelConfig> {
    let defaults = defaults();
    let Some(default) = defaults.get(key) else {
        // Juju keeps a key its schema does not know as the text given (its client only warns
        // of a possible misspelling): so does leaderd.
        return Ok(Value::String(text.to_string()));
    };
    let wrong = |kind| InvalidModelConfig::Type { key: key.to_string(), kind, value: text.to_string() };
    let value = match default {
        Value::Bool(_) => Value::Bool(crate::gocompat::go_parse_bool(text).ok_or_else(|| wrong("bool"))?),
        Value::Number(_) => Value::from(text.parse::<i64>().map_err(|_| wrong("int"))?),
        _ => Value::String(text.to_string()),
    };
    if key == UPDATE_STATUS_HOOK_INTERVAL {
        interval(text).ok_or_else(|| InvalidModelConfig::Interval(text.to_string()))?;
    }
    Ok(value)
}

/// The shortest update-status interval the agents keep: Juju accepts any duration here (its
/// 1m check never fires), but `1ns` would run update-status back to back in every unit.
pub const MIN_UPDATE_STATUS_INTERVAL: Duration = Duration::from_secs(1);

/// A Go duration (`5m`, `10s`, `1m30s`) as the update-status interval: none for one that does
/// not parse, or is zero; never below [`MIN_UPDATE_STATUS_INTERVAL`].
pub fn interval(text: &str) -> Option<Duration> {
    crate::duration::parse(text).ok().filter(|d| !d.is_zero()).map(|d| d.max(MIN_UPDATE_STATUS_INTERVAL))
}

/// The update-status interval the values set give (the default when unset).
pub fn update_status_interval(values: &BTreeMap<String, Value>) -> Duration {
    values
        .get(UPDATE_STATUS_HOOK_INTERVAL)
        .and_then(Value::as_str)
        .and_then(interval)
        .unwrap_or(Duration::from_secs(300))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_update_status_interval_has_a_floor_of_one_second() {
        assert_eq!(interval("500ms"), Some(Duration::from_secs(1)));
        assert_eq!(interval("1ms"), Some(Duration::from_secs(1)));
        assert_eq!(interval("10s"), Some(Duration::from_secs(10)));
        assert_eq!(interval("0s"), None);
    }

    #[test]
    fn values_are_read_by_the_keys_type_and_the_interval_as_juju_checks_it() {
        assert_eq!(parse_value(UPDATE_STATUS_HOOK_INTERVAL, "10s"), Ok(Value::String("10s".into())), "below 1m");
        assert_eq!(
            parse_value(UPDATE_STATUS_HOOK_INTERVAL, "soon").unwrap_err().to_string(),
            "invalid update status hook interval in model configuration: time: invalid duration \"soon\""
        );
        assert_eq!(parse_value("automatically-retry-hooks", "false"), Ok(Value::Bool(false)));
        assert_eq!(
            parse_value("automatically-retry-hooks", "nope").unwrap_err().to_string(),
            "automatically-retry-hooks: expected bool, got \"nope\""
        );
        assert_eq!(parse_value("num-provision-workers", "3"), Ok(Value::from(3)));
        assert_eq!(parse_value("nope", "1"), Ok(Value::String("1".into())), "kept as given, as Juju keeps it");
    }

    #[test]
    fn the_interval_defaults_to_five_minutes() {
        assert_eq!(update_status_interval(&BTreeMap::new()), Duration::from_secs(300));
        let set = BTreeMap::from([(UPDATE_STATUS_HOOK_INTERVAL.to_string(), Value::String("10s".into()))]);
        assert_eq!(update_status_interval(&set), Duration::from_secs(10));
        assert_eq!(defaults()[UPDATE_STATUS_HOOK_INTERVAL], Value::String("5m".into()));
    }
}
