//! Charm storage: what a charm's `metadata.yaml` declares under `storage:` (juju/charm
//! `meta.go`: `storageSchema`, `parseStorage`, `storageCountC`, and the checks in
//! `Meta.Check`), storage instance ids (juju/names `storage.go`), and the storage directives
//! `storage-add` takes (Juju's `storage/constraints.go`, `ParseConstraintsMap`).
//!
//! leaderd attaches filesystem storage only: each instance is a private directory of the
//! unit's own (docs/hook-tools.md). The rules both ends share live here: the agent reads the
//! charm's declaration, the controller numbers instances and checks counts.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::format::go_quote;

/// The most instances one storage-add or ensure makes (a bound on one request's work; Juju has
/// none, its providers do). `up` and `refresh` refuse a charm whose minimum is over it.
pub const MAX_ADDED: u64 = 1024;

/// A storage's kind (juju/charm `StorageType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    Filesystem,
    Block,
}

impl StorageKind {
    /// As Juju spells it (`storage-get kind`, `JUJU_STORAGE_KIND`).
    pub fn as_str(self) -> &'static str {
        match self {
            StorageKind::Filesystem => "filesystem",
            StorageKind::Block => "block",
        }
    }
}

/// One storage the charm declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharmStorage {
    pub name: String,
    pub kind: StorageKind,
    /// `location:`, a path on the machine Juju would mount the storage at (empty: none).
    pub location: String,
    /// `multiple: range:` (`m`, `m-n`, `m+`, `m-`); 1 and 1 without `multiple`.
    pub count_min: u64,
    /// `None`: no upper bound (`m+`, `m-`).
    pub count_max: Option<u64>,
    /// `minimum-size:` in MiB (0: none).
    pub minimum_size: u64,
    pub read_only: bool,
    pub shared: bool,
    pub description: String,
}

/// Why a `storage:` declaration is not valid: Juju's words where Juju has them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StorageDeclError(pub String);

/// The storage the charm in `charm_dir` declares, by name (none without `metadata.yaml` or
/// without `storage:`).
pub fn charm_storage(charm_dir: &Path) -> Result<Vec<CharmStorage>, StorageDeclError> {
    let text = match std::fs::read_to_string(charm_dir.join("metadata.yaml")) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StorageDeclError(format!("cannot read charm metadata: {e}"))),
    };
    parse_storage(&text)
}

/// The `storage:` of a `metadata.yaml` text, sorted by name.
pub fn parse_storage(text: &str) -> Result<Vec<CharmStorage>, StorageDeclError> {
    let bad = |m: String| StorageDeclError(m);
    let meta: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| bad(e.to_string()))?;
    let charm = meta.get("name").and_then(|n| n.as_str()).unwrap_or("").to_string();
    let Some(stores) = meta.get("storage").filter(|s| !s.is_null()) else { return Ok(Vec::new()) };
    let stores = stores.as_mapping().ok_or_else(|| bad("storage: expected map, got something else".into()))?;
    let mut out = Vec::new();
    for (name, store) in stores {
        let name = name.as_str().ok_or_else(|| bad("storage: expected a storage name".into()))?.to_string();
        // The name becomes part of storage ids, hook names and directories: juju/names'
        // `StorageNameSnippet` (`storage.go`) is the only spelling Juju can make a storage id
        // of (`names.NewStorageTag` panics on another; `worker/uniter/hook/hook.go` refuses the
        // hook with `invalid storage ID`). Juju's words: `state/filesystem.go`
        // (`storage name %q not valid`).
        if !valid_storage_name(&name) {
            return Err(bad(format!("charm {} storage name {} not valid", go_quote(&charm), go_quote(&name))));
        }
        let path = format!("storage.{name}");
        let field = |key: &str| store.get(key).filter(|v| !v.is_null());
        let kind = match field("type").and_then(|t| t.as_str()) {
            Some("filesystem") => StorageKind::Filesystem,
            Some("block") => StorageKind::Block,
            Some(other) => return Err(bad(format!("{path}.type: unexpected value {}", go_quote(other)))),
            None => {
                return Err(bad(format!(
                    "charm {} storage {}: type must be specified",
                    go_quote(&charm),
                    go_quote(&name)
                )))
            }
        };
        let flag = |key: &str| -> Result<bool, StorageDeclError> {
            // juju/schema `Bool()`: a bool, or a string `strconv.ParseBool` takes.
            match field(key) {
                None => Ok(false),
                Some(v) => v
                    .as_bool()
                    .or_else(|| v.as_str().and_then(go_parse_bool))
                    .ok_or_else(|| bad(format!("{path}.{key}: expected bool"))),
            }
        };
        let (count_min, count_max) = match field("multiple").and_then(|m| m.get("range")).filter(|v| !v.is_null()) {
            None => (1, Some(1)),
            Some(range) => parse_range(range, &format!("{path}.multiple.range"))?,
        };
        let minimum_size = match field("minimum-size") {
            None => 0,
            Some(v) => {
                let text = scalar_text(v).ok_or_else(|| bad(format!("{path}.minimum-size: expected string")))?;
                parse_size(&text).map_err(|e| bad(format!("{path}.minimum-size: {e}")))?
            }
        };
        let location = field("location").and_then(scalar_text).unwrap_or_default();
        if !location.is_empty() && kind != StorageKind::Filesystem {
            return Err(bad(format!(
                "charm {} storage {}: location may not be specified for \"type: {}\"",
                go_quote(&charm),
                go_quote(&name),
                kind.as_str()
            )));
        }
        out.push(CharmStorage {
            name,
            kind,
            location,
            count_min,
            count_max,
            minimum_size,
            read_only: flag("read-only")?,
            shared: flag("shared")?,
            description: field("description").and_then(scalar_text).unwrap_or_default(),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn scalar_text(v: &serde_yaml_ng::Value) -> Option<String> {
    match v {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `multiple: range:` (juju/charm `storageCountC`): `m` (both bounds), `m-n`, `m+` or `m-`
/// (no upper bound).
fn parse_range(v: &serde_yaml_ng::Value, path: &str) -> Result<(u64, Option<u64>), StorageDeclError> {
    // `schema.OneOf(schema.Int(), stringC)`: juju/schema's `Int()` also takes a string
    // `strconv.ParseInt(s, 0, 64)` parses (`range: "2"` is the count 2).
    if let Some(m) = v.as_i64().or_else(|| v.as_str().and_then(go_parse_int)) {
        if m <= 0 {
            return Err(StorageDeclError(format!("{path}: invalid count {m}")));
        }
        return Ok((m as u64, Some(m as u64)));
    }
    let text = v.as_str().unwrap_or_default();
    let refuse = || StorageDeclError(format!("{path}: value {} does not match 'm', 'm-n', or 'm+'", go_quote(text)));
    let digits_end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (m, rest) = text.split_at(digits_end);
    let m: u64 = m.parse().map_err(|_| refuse())?;
    match rest {
        "+" | "-" => Ok((m, None)),
        _ => {
            let n = rest.strip_prefix('-').filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            let n: u64 = n.ok_or_else(refuse)?.parse().map_err(|_| refuse())?;
            if n == 0 {
                return Err(StorageDeclError(format!("{path}: invalid maximum count 0")));
            }
            Ok((m, Some(n)))
        }
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`: an optional sign, then decimal, `0x` hex, `0o`/`0`
/// octal or `0b` binary digits (`_` between digits with a prefix).
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body, prefixed) = if let Some(b) = lower.strip_prefix("0x") {
        (16, b.to_string(), true)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (2, b.to_string(), true)
    } else if let Some(b) = lower.strip_prefix("0o") {
        (8, b.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    let body = if prefixed {
        if body.ends_with('_') || body.contains("__") {
            return None;
        }
        body.replace('_', "")
    } else {
        body
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(&body, radix).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// Go's `strconv.ParseBool`.
fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// juju/utils `ParseSize`: a non-negative number with an optional suffix (M, G, T, P, E, Z,
/// Y, each also with `B` or `iB`; M when none), in MiB, rounded up.
pub fn parse_size(text: &str) -> Result<u64, String> {
    const SUFFIXES: &str = "MGTPEZY";
    let split = text.find(|c: char| c != '.' && !c.is_ascii_digit());
    let (number, multiplier) = match split {
        Some(i) if i > 0 => {
            let suffix = &text[i..];
            let found = SUFFIXES.char_indices().find(|(_, c)| {
                let base = c.to_string();
                suffix == base || suffix == format!("{base}B") || suffix == format!("{base}iB")
            });
            match found {
                Some((j, _)) => (&text[..i], (1u64 << (j * 10)) as f64),
                None => {
                    return Err(format!("invalid multiplier suffix {}, expected one of {SUFFIXES}", go_quote(suffix)))
                }
            }
        }
        _ => (text, 1.0),
    };
    match number.parse::<f64>() {
        Ok(value) if value >= 0.0 && !number.is_empty() => Ok((value * multiplier).ceil() as u64),
        _ => Err(format!("expected a non-negative number, got {}", go_quote(number))),
    }
}

/// juju/names `IsValidStorage`: `<name>/<number>`, the name as charm storage names are spelled
/// (`[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*`).
pub fn valid_storage_id(id: &str) -> bool {
    let Some((name, number)) = id.split_once('/') else { return false };
    let number_ok =
        !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) && (number == "0" || !number.starts_with('0'));
    valid_storage_name(name) && number_ok
}

/// juju/names `StorageNameSnippet`: `[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*`.
pub fn valid_storage_name(name: &str) -> bool {
    name.split('-').enumerate().all(|(i, part)| {
        let first_ok = i > 0 || part.starts_with(|c: char| c.is_ascii_lowercase());
        first_ok
            && !part.is_empty()
            && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && (i == 0 || part.chars().any(|c| c.is_ascii_lowercase()))
    })
}

/// The storage name of an instance id (`data` of `data/3`).
pub fn storage_name(id: &str) -> &str {
    id.split_once('/').map_or(id, |(name, _)| name)
}

/// The number of an instance id (`3` of `data/3`), for ordering.
pub fn storage_number(id: &str) -> u64 {
    id.split_once('/').and_then(|(_, n)| n.parse().ok()).unwrap_or(0)
}

/// Juju's storage constraints (`storage/constraints.go`, `Constraints`): pool, size in MiB,
/// count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Constraints {
    pool: String,
    size: u64,
    count: u64,
}

/// `ParseConstraints`: a comma-separated sequence of POOL, COUNT and SIZE.
fn parse_constraints(text: &str) -> Result<Constraints, String> {
    let mut cons = Constraints::default();
    for field in text.split(',') {
        if field.is_empty() {
            continue;
        }
        if valid_pool_name(field) {
            if !cons.pool.is_empty() {
                return Err(format!(
                    "pool name is already set to {}, new value {} not valid",
                    go_quote(&cons.pool),
                    go_quote(field)
                ));
            }
            cons.pool = field.to_string();
            continue;
        }
        if let Some(count) = parse_count(field) {
            let count = count.map_err(|e| format!("cannot parse count: {e}"))?;
            if cons.count != 0 {
                return Err(format!(
                    "storage instance count is already set to {}, new value {count} not valid",
                    cons.count
                ));
            }
            cons.count = count;
            continue;
        }
        if size_like(field) {
            let size = parse_size(field).map_err(|e| format!("cannot parse size: {e}"))?;
            if cons.size != 0 {
                return Err(format!("storage size is already set to {}, new value {size} not valid", cons.size));
            }
            cons.size = size;
            continue;
        }
        return Err(format!("unrecognized storage constraint {} not valid", go_quote(field)));
    }
    if cons.count == 0 && cons.size == 0 && cons.pool.is_empty() {
        return Err("storage constraints require at least one field to be specified".into());
    }
    if cons.count == 0 {
        cons.count = 1;
    }
    Ok(cons)
}

/// `^[a-zA-Z]+[-?a-zA-Z0-9]*$`.
fn valid_pool_name(s: &str) -> bool {
    let letters = s.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    letters > 0 && s.bytes().skip(letters).all(|b| b == b'-' || b == b'?' || b.is_ascii_alphanumeric())
}

/// `parseCount`: `None` when `s` is not count-like (`^-?[0-9]+$` and a uint64).
fn parse_count(s: &str) -> Option<Result<u64, String>> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bad = || Err(format!("count must be greater than zero, got {}", go_quote(s)));
    if s.starts_with('-') {
        return Some(bad());
    }
    match s.parse::<u64>() {
        Err(_) => None,
        Ok(0) => Some(bad()),
        Ok(n) => Some(Ok(n)),
    }
}

/// `^-?[0-9]+(?:\.[0-9]+)?[MGTPEZY](?:i?B)?$`.
fn size_like(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let int = s.bytes().take_while(u8::is_ascii_digit).count();
    if int == 0 {
        return false;
    }
    let mut rest = &s[int..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    let mut chars = rest.chars();
    match chars.next() {
        Some(c) if "MGTPEZY".contains(c) => matches!(chars.as_str(), "" | "B" | "iB"),
        _ => false,
    }
}

/// storage-add's directives (`<name>[=count]`), as Juju's `StorageAddCommand.Init` reads them
/// (`storage.ParseConstraintsMap(args, false)`, then only a count allowed): each name with its
/// count, in the order given. The error is Juju's.
pub fn parse_storage_directives(args: &[String]) -> Result<Vec<(String, u64)>, String> {
    let mut out: Vec<(String, Constraints)> = Vec::new();
    for arg in args {
        let parts: Vec<&str> = arg.split('=').collect();
        let name = parts[0];
        if parts.len() > 2 || name.is_empty() {
            return Err(format!("expected \"name=constraints\" or \"name\", got {}", go_quote(arg)));
        }
        if out.iter().any(|(n, _)| n == name) {
            return Err(format!("storage {} specified more than once", go_quote(name)));
        }
        let cons = parse_constraints(parts.get(1).copied().unwrap_or("1"))
            .map_err(|e| format!("cannot parse constraints for storage {}: {e}", go_quote(name)))?;
        out.push((name.to_string(), cons));
    }
    // Juju checks this over a Go map, in no fixed order; here in the order given.
    for (name, cons) in &out {
        if !cons.pool.is_empty() || cons.size != 0 {
            return Err(format!("only count can be specified for {}", go_quote(name)));
        }
    }
    Ok(out.into_iter().map(|(name, cons)| (name, cons.count)).collect())
}

/// Juju's check of a storage count change (`state/storage.go`,
/// `validateCharmStorageCountChange`): `current` instances, `n` more. The error is Juju's.
pub fn check_count_change(store: &CharmStorageCounts, current: u64, n: u64) -> Result<(), String> {
    let plural = if n == 1 { "" } else { "s" };
    let count = current + n;
    if store.min == 1 && store.max == Some(1) && count != 1 {
        return Err("cannot attach, storage is singular".into());
    }
    if count < store.min {
        return Err(format!(
            "attaching {n} storage instance{plural} brings the total to {count}, which is less than the minimum of {}",
            store.min
        ));
    }
    if let Some(max) = store.max.filter(|max| count > *max) {
        return Err(format!(
            "attaching {n} storage instance{plural} brings the total to {count}, exceeding the maximum of {max}"
        ));
    }
    Ok(())
}

/// A storage's count bounds, as the controller checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharmStorageCounts {
    pub min: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

/// One storage as the charm declares it, as `up` and `refresh` register it with the
/// controller, which checks every ensure and storage-add against it (Juju's state checks a
/// unit's storage against the application's charm, `state/storage.go`
/// `addStorageForUnitOps`, never against what the unit says).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredStorage {
    pub kind: StorageKind,
    pub min: u64,
    /// None: no upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared: bool,
}

impl DeclaredStorage {
    pub fn counts(&self) -> CharmStorageCounts {
        CharmStorageCounts { min: self.min, max: self.max }
    }
}

/// A charm's storage declarations by name, as the controller is given them.
pub fn declared(charm: &[CharmStorage]) -> BTreeMap<String, DeclaredStorage> {
    charm
        .iter()
        .map(|s| {
            let d = DeclaredStorage {
                kind: s.kind,
                min: s.count_min,
                max: s.count_max,
                location: s.location.clone(),
                read_only: s.read_only,
                shared: s.shared,
            };
            (s.name.clone(), d)
        })
        .collect()
}

/// Juju's storage checks of a charm upgrade (`state/application.go`, `checkStorageUpgrade`):
/// from the storage `old` declares to the storage `new` declares, where `in_use(name)` says
/// whether a unit has an instance of `name`. The error is Juju's. Juju walks Go maps; here the
/// storages go in name order, removed ones first.
pub fn check_storage_upgrade(
    old: &BTreeMap<String, DeclaredStorage>,
    new: &BTreeMap<String, DeclaredStorage>,
    in_use: impl Fn(&str) -> bool,
) -> Result<(), String> {
    for (name, was) in old {
        if new.contains_key(name) {
            continue;
        }
        if was.min > 0 {
            return Err(format!("required storage {} removed", go_quote(name)));
        }
        if in_use(name) {
            return Err(format!("in-use storage {} removed", go_quote(name)));
        }
    }
    // Juju's `CountMax` is -1 for no bound: `less` says a bound is below another.
    let less = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) => a < b,
        (Some(_), None) => true,
        (None, _) => false,
    };
    for (name, now) in new {
        let Some(was) = old.get(name) else { continue };
        let q = go_quote(name);
        if now.kind != was.kind {
            let (from, to) = (go_quote(was.kind.as_str()), go_quote(now.kind.as_str()));
            return Err(format!("existing storage {q} type changed from {from} to {to}"));
        }
        if now.shared != was.shared {
            return Err(format!("existing storage {q} shared changed from {} to {}", was.shared, now.shared));
        }
        if now.read_only != was.read_only {
            return Err(format!("existing storage {q} read-only changed from {} to {}", was.read_only, now.read_only));
        }
        if now.location != was.location {
            let (from, to) = (go_quote(&was.location), go_quote(&now.location));
            return Err(format!("existing storage {q} location changed from {from} to {to}"));
        }
        if less(now.max, was.max) {
            let from = was.max.map_or("<unbounded>".to_string(), |m| m.to_string());
            let to = now.max.unwrap_or_default();
            return Err(format!("existing storage {q} range contracted: max decreased from {from} to {to}"));
        }
        if !was.location.is_empty() && was.max == Some(1) && now.max != Some(1) {
            return Err(format!("existing storage {q} with location changed from single to multiple"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declarations_juju_reads() {
        let text = "name: t\nstorage:\n  data:\n    type: filesystem\n    multiple:\n      range: 1-2\n    minimum-size: 1M\n    location: /srv/data\n  cache:\n    type: filesystem\n  many:\n    type: filesystem\n    multiple:\n      range: 2+\n  opt:\n    type: block\n    multiple:\n      range: 0-\n  three:\n    type: filesystem\n    read-only: true\n    shared: true\n    multiple:\n      range: 3\n";
        let got = parse_storage(text).unwrap();
        let names: Vec<_> = got.iter().map(|s| (s.name.as_str(), s.count_min, s.count_max)).collect();
        assert_eq!(
            names,
            [("cache", 1, Some(1)), ("data", 1, Some(2)), ("many", 2, None), ("opt", 0, None), ("three", 3, Some(3))]
        );
        assert_eq!(got[1].minimum_size, 1);
        assert_eq!(got[1].location, "/srv/data");
        assert_eq!(got[3].kind, StorageKind::Block);
        assert!(got[4].read_only && got[4].shared);
        let bad = parse_storage("name: t\nstorage:\n  d:\n    type: filesystem\n    multiple:\n      range: x\n");
        assert_eq!(bad.unwrap_err().0, "storage.d.multiple.range: value \"x\" does not match 'm', 'm-n', or 'm+'");
        let untyped = parse_storage("name: t\nstorage:\n  d:\n    location: /x\n");
        assert_eq!(untyped.unwrap_err().0, "charm \"t\" storage \"d\": type must be specified");
        assert_eq!(parse_storage("name: t\n").unwrap(), []);
    }

    /// canonical/operator's `test/charms/test_hookcmds` (its charmcraft.yaml's `storage:`, which
    /// `leaderd up` writes to metadata.yaml as charmcraft does).
    #[test]
    fn the_ops_hookcmds_test_charms_declaration() {
        let text =
            "name: test-hookcmds\nstorage:\n    data:\n        type: filesystem\n        minimum-size: 1M\n        \
                    multiple:\n            range: 1-2\n        description: |\n            Filesystem storage for \
                    testing storage hook commands.\n";
        let got = parse_storage(text).unwrap();
        assert_eq!(got.len(), 1);
        let data = &got[0];
        assert_eq!(
            (data.name.as_str(), data.kind, data.count_min, data.count_max),
            ("data", StorageKind::Filesystem, 1, Some(2))
        );
        assert_eq!(data.minimum_size, 1);
        assert_eq!(data.description, "Filesystem storage for testing storage hook commands.\n");
    }

    #[test]
    fn sizes_as_juju_utils_parses_them() {
        assert_eq!(parse_size("1M"), Ok(1));
        assert_eq!(parse_size("1G"), Ok(1024));
        assert_eq!(parse_size("1.5GiB"), Ok(1536));
        assert_eq!(parse_size("10"), Ok(10));
        assert_eq!(parse_size("1X"), Err("invalid multiplier suffix \"X\", expected one of MGTPEZY".into()));
        assert_eq!(parse_size("-1M"), Err("expected a non-negative number, got \"-1M\"".into()));
    }

    #[test]
    fn directives_in_juju_words() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_storage_directives(&args(&["data", "logs=3"])),
            Ok(vec![("data".into(), 1), ("logs".into(), 3)])
        );
        let err = |a: &[&str]| parse_storage_directives(&args(a)).unwrap_err();
        assert_eq!(
            err(&["data=-676"]),
            "cannot parse constraints for storage \"data\": cannot parse count: count must be greater than zero, got \"-676\""
        );
        assert_eq!(
            err(&["data="]),
            "cannot parse constraints for storage \"data\": storage constraints require at least one field to be specified"
        );
        for bad in ["data=pool", "data=pool,1M", "data=1M", "data=2,1M"] {
            assert_eq!(err(&[bad]), "only count can be specified for \"data\"", "{bad}");
        }
        assert_eq!(err(&["a=b=c"]), "expected \"name=constraints\" or \"name\", got \"a=b=c\"");
        assert_eq!(err(&["=1"]), "expected \"name=constraints\" or \"name\", got \"=1\"");
        assert_eq!(err(&["d", "d=2"]), "storage \"d\" specified more than once");
        assert_eq!(
            err(&["d=1,2"]),
            "cannot parse constraints for storage \"d\": storage instance count is already set to 1, new value 2 not valid"
        );
        assert_eq!(
            err(&["d=x!"]),
            "cannot parse constraints for storage \"d\": unrecognized storage constraint \"x!\" not valid"
        );
    }

    #[test]
    fn count_changes_in_juju_words() {
        let range = CharmStorageCounts { min: 1, max: Some(2) };
        assert_eq!(check_count_change(&range, 1, 1), Ok(()));
        assert_eq!(
            check_count_change(&range, 2, 1).unwrap_err(),
            "attaching 1 storage instance brings the total to 3, exceeding the maximum of 2"
        );
        assert_eq!(
            check_count_change(&range, 1, 5).unwrap_err(),
            "attaching 5 storage instances brings the total to 6, exceeding the maximum of 2"
        );
        let single = CharmStorageCounts { min: 1, max: Some(1) };
        assert_eq!(check_count_change(&single, 1, 1).unwrap_err(), "cannot attach, storage is singular");
        assert_eq!(check_count_change(&CharmStorageCounts { min: 0, max: None }, 40, 9), Ok(()));
    }

    #[test]
    fn storage_ids_as_juju_names_reads_them() {
        for ok in ["data/0", "data/12", "pg-data/3", "a1/0"] {
            assert!(valid_storage_id(ok), "{ok}");
        }
        for bad in ["data", "data/01", "Data/0", "1data/0", "data/-1", "data-/0", "data/"] {
            assert!(!valid_storage_id(bad), "{bad}");
        }
        assert_eq!((storage_name("data/12"), storage_number("data/12")), ("data", 12));
    }

    /// A storage name becomes a directory, a hook name and an id: one that is not juju/names'
    /// storage name (`../../victim`) refuses the charm before anything is made of it.
    #[test]
    fn storage_names_that_juju_names_refuses_refuse_the_charm() {
        for bad in ["../../victim", "a/b", "Data", "1st", "data-", "x-1", "", "da ta"] {
            let text = format!("name: esc\nstorage:\n  {bad:?}:\n    type: filesystem\n");
            assert_eq!(
                parse_storage(&text).unwrap_err().0,
                format!("charm \"esc\" storage name {bad:?} not valid"),
                "{bad}"
            );
        }
        for ok in ["data", "pg-data", "a1", "a-1b", "x-y-z"] {
            let text = format!("name: ok\nstorage:\n  {ok}:\n    type: filesystem\n");
            assert_eq!(parse_storage(&text).unwrap()[0].name, ok);
        }
    }

    /// juju/schema coerces a string count (`strconv.ParseInt(s, 0, 64)`) and a string flag
    /// (`strconv.ParseBool`), as juju/charm's storage schema uses them.
    #[test]
    fn quoted_counts_and_flags_as_juju_schema_coerces_them() {
        let one = |extra: &str| parse_storage(&format!("name: r8\nstorage:\n  d:\n    type: filesystem\n{extra}"));
        let counts = |extra: &str| one(extra).map(|s| (s[0].count_min, s[0].count_max));
        assert_eq!(counts("    multiple:\n      range: \"2\"\n"), Ok((2, Some(2))));
        assert_eq!(counts("    multiple:\n      range: \"0x10\"\n"), Ok((16, Some(16))));
        assert_eq!(counts("    multiple:\n      range: \"010\"\n"), Ok((8, Some(8))));
        assert_eq!(counts("    multiple:\n      range: \"2-4\"\n"), Ok((2, Some(4))));
        assert_eq!(
            counts("    multiple:\n      range: \"0\"\n").unwrap_err().0,
            "storage.d.multiple.range: invalid count 0"
        );
        let flags = |extra: &str| one(extra).map(|s| (s[0].read_only, s[0].shared));
        assert_eq!(flags("    read-only: \"true\"\n    shared: \"T\"\n"), Ok((true, true)));
        assert_eq!(flags("    read-only: \"0\"\n    shared: \"False\"\n"), Ok((false, false)));
        assert_eq!(flags("    read-only: \"yes\"\n").unwrap_err().0, "storage.d.read-only: expected bool");
    }

    /// Juju's `checkStorageUpgrade` cases (`state/application_test.go`,
    /// `TestSetCharmStorage*`), in its words.
    #[test]
    fn storage_upgrades_checked_as_juju_checks_them() {
        let decl = |kind, min, max| DeclaredStorage {
            kind,
            min,
            max,
            location: String::new(),
            read_only: false,
            shared: false,
        };
        let fs = StorageKind::Filesystem;
        let old: BTreeMap<_, _> =
            [("data".to_string(), decl(fs, 1, Some(3))), ("logs".to_string(), decl(fs, 1, Some(1)))].into();
        let check = |new: &[(&str, DeclaredStorage)], used: bool| {
            let new = new.iter().map(|(n, d)| (n.to_string(), d.clone())).collect();
            check_storage_upgrade(&old, &new, |_| used)
        };
        assert_eq!(check(&[("data", decl(fs, 1, Some(3)))], false), Err("required storage \"logs\" removed".into()));
        let logs = ("logs", decl(fs, 1, Some(1)));
        assert_eq!(
            check(&[("data", decl(fs, 1, Some(1))), logs.clone()], false),
            Err("existing storage \"data\" range contracted: max decreased from 3 to 1".into())
        );
        assert_eq!(
            check(&[("data", decl(StorageKind::Block, 1, Some(3))), logs.clone()], false),
            Err("existing storage \"data\" type changed from \"filesystem\" to \"block\"".into())
        );
        assert_eq!(
            check(&[("data", DeclaredStorage { read_only: true, ..decl(fs, 1, Some(3)) }), logs.clone()], false),
            Err("existing storage \"data\" read-only changed from false to true".into())
        );
        assert_eq!(
            check(
                &[("data", DeclaredStorage { location: "/srv".into(), ..decl(fs, 1, Some(3)) }), logs.clone()],
                false
            ),
            Err("existing storage \"data\" location changed from \"\" to \"/srv\"".into())
        );
        // More room, a new storage: fine.
        assert_eq!(check(&[("data", decl(fs, 0, None)), logs.clone(), ("cache", decl(fs, 2, Some(2)))], false), Ok(()));
        let optional: BTreeMap<_, _> = [("opt".to_string(), decl(fs, 0, None))].into();
        let none = BTreeMap::new();
        assert_eq!(check_storage_upgrade(&optional, &none, |_| false), Ok(()));
        assert_eq!(
            check_storage_upgrade(&optional, &none, |n| n == "opt"),
            Err("in-use storage \"opt\" removed".into())
        );
        let unbounded: BTreeMap<_, _> = [("opt".to_string(), decl(fs, 0, None))].into();
        let bounded: BTreeMap<_, _> = [("opt".to_string(), decl(fs, 0, Some(5)))].into();
        assert_eq!(
            check_storage_upgrade(&unbounded, &bounded, |_| false),
            Err("existing storage \"opt\" range contracted: max decreased from <unbounded> to 5".into())
        );
        let single = |max| {
            BTreeMap::from([("d".to_string(), DeclaredStorage { location: "/srv/d".into(), ..decl(fs, 1, max) })])
        };
        assert_eq!(
            check_storage_upgrade(&single(Some(1)), &single(Some(2)), |_| false),
            Err("existing storage \"d\" with location changed from single to multiple".into())
        );
    }
}
