//! Port ranges as Juju's hook tools and `juju status` write them (Juju 3.6
//! `core/network/portrange.go`): parsing (`ParsePortRange`), validation, conflicts, the text
//! form (`80/tcp`, `8000-8010/udp`, `icmp`) and the sort order; and the rules by which one
//! hook's open-port and close-port requests are recorded and merged into the unit's opened
//! ranges (`worker/uniter/runner/context/ports.go`, `portRangeChangeRecorder`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::format::go_quote;

/// One port range (`network.PortRange`): `from`..=`to` of `protocol`; icmp is `-1..=-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PortRange {
    pub from: i64,
    pub to: i64,
    pub protocol: String,
}

/// The port ranges of one unit by endpoint (`network.GroupedPortRanges`); the endpoint `""`
/// means every endpoint.
pub type GroupedPortRanges = BTreeMap<String, Vec<PortRange>>;

impl std::fmt::Display for PortRange {
    /// `PortRange.String`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let protocol = self.protocol.to_lowercase();
        if protocol == "icmp" {
            return f.write_str(&protocol);
        }
        if self.from == self.to {
            return write!(f, "{}/{protocol}", self.from);
        }
        write!(f, "{}-{}/{protocol}", self.from, self.to)
    }
}

impl From<PortRange> for String {
    fn from(p: PortRange) -> String {
        p.to_string()
    }
}

impl TryFrom<String> for PortRange {
    type Error = String;
    fn try_from(s: String) -> Result<PortRange, String> {
        parse(&s)
    }
}

/// Go's `strconv.Atoi` error text for `s` (`strconv.Atoi: parsing "x": invalid syntax`).
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let fail = |why: &str| Err(format!("strconv.Atoi: parsing {}: {why}", go_quote(s)));
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return fail("invalid syntax");
    }
    match s.parse::<i64>() {
        Ok(n) => Ok(n),
        Err(_) => fail("value out of range"),
    }
}

/// `ParsePortRange`: `<port>[/<protocol>]`, `<from>-<to>[/<protocol>]` or `icmp`; tcp by
/// default. The error is Juju's text.
pub fn parse(text: &str) -> Result<PortRange, String> {
    let (ports, protocol) = match text.split_once('/') {
        Some((ports, protocol)) => (ports, protocol.to_string()),
        None => (text, "tcp".to_string()),
    };
    let parts: Vec<&str> = ports.split('-').collect();
    let (from, to) = match parts.as_slice() {
        [one] if *one == "icmp" => (-1, -1),
        [one] => {
            let port = atoi(one).map_err(|e| format!("invalid port {}: {e}", go_quote(ports)))?;
            (port, port)
        }
        [from, to] => {
            let from = atoi(from).map_err(|e| format!("invalid port {}: {e}", go_quote(from)))?;
            let to = atoi(to).map_err(|e| format!("invalid port {}: {e}", go_quote(to)))?;
            (from, to)
        }
        _ => return Err(format!("invalid port range {}", go_quote(ports))),
    };
    let protocol = if from == -1 { "icmp".to_string() } else { protocol };
    let range = PortRange { from, to, protocol };
    range.validate()?;
    Ok(range)
}

impl PortRange {
    /// `PortRange.Validate`.
    pub fn validate(&self) -> Result<(), String> {
        let proto = self.protocol.to_lowercase();
        if proto != "tcp" && proto != "udp" && proto != "icmp" {
            return Err(format!(r#"invalid protocol {}, expected "tcp", "udp", or "icmp""#, go_quote(&proto)));
        }
        if proto == "icmp" {
            if self.from == self.to && self.from == -1 {
                return Ok(());
            }
            return Err(format!(r#"protocol "icmp" doesn't support any ports; got "{}""#, self.from));
        }
        if self.from > self.to {
            return Err(format!("invalid port range {self}"));
        }
        if !(0..=65535).contains(&self.from) || !(0..=65535).contains(&self.to) {
            return Err(format!("port range bounds must be between 0 and 65535, got {}-{}", self.from, self.to));
        }
        Ok(())
    }

    /// `PortRange.ConflictsWith`: same protocol and overlapping.
    pub fn conflicts_with(&self, other: &PortRange) -> bool {
        self.protocol == other.protocol && self.to >= other.from && other.to >= self.from
    }

    /// `PortRange.LessThan`: by protocol, then from, then to.
    fn sort_key(&self) -> (&str, i64, i64) {
        (&self.protocol, self.from, self.to)
    }
}

/// `SortPortRanges`.
pub fn sort(ranges: &mut [PortRange]) {
    ranges.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// `GroupedPortRanges.UniquePortRanges`: every range once, sorted.
pub fn unique(grouped: &GroupedPortRanges) -> Vec<PortRange> {
    let mut all: Vec<PortRange> = Vec::new();
    for range in grouped.values().flatten() {
        if !all.contains(range) {
            all.push(range.clone());
        }
    }
    sort(&mut all);
    all
}

/// One recorded open-port or close-port request, as the hook commits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortChange {
    /// Open (true) or close.
    pub open: bool,
    /// The endpoint, or `""` for every endpoint.
    pub endpoint: String,
    pub range: PortRange,
}

/// One hook's port requests over the unit's opened ranges as the hook started
/// (`portRangeChangeRecorder`, for a machine unit alone on its machine).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recorder {
    unit: String,
    committed: GroupedPortRanges,
    pending_open: GroupedPortRanges,
    pending_close: GroupedPortRanges,
}

/// Whether a range conflicts with a recorded one: an error, or the same range already there.
enum Conflict {
    Error(String),
    AlreadyExists,
}

impl Recorder {
    pub fn new(unit: &str, committed: GroupedPortRanges) -> Recorder {
        Recorder { unit: unit.to_string(), committed, ..Default::default() }
    }

    /// `checkForConflict` against this unit's own ranges (`pending`: the hook's requests).
    fn check(
        &self,
        endpoint: &str,
        range: &PortRange,
        existing: &GroupedPortRanges,
        pending: bool,
    ) -> Option<Conflict> {
        for (existing_endpoint, ranges) in existing {
            for existing_range in ranges {
                if !range.conflicts_with(existing_range) {
                    continue;
                }
                if range == existing_range {
                    // The same range for another endpoint is a legal change.
                    if endpoint != existing_endpoint {
                        continue;
                    }
                    return Some(Conflict::AlreadyExists);
                }
                let earlier = if pending { " requested earlier" } else { "" };
                return Some(Conflict::Error(format!(
                    "port range conflicts with {existing_range} (unit {}){earlier}",
                    go_quote(&self.unit)
                )));
            }
        }
        None
    }

    /// `OpenPortRange`.
    pub fn open(&mut self, endpoint: &str, range: PortRange) -> Result<(), String> {
        range.validate()?;
        if let Some(closes) = self.pending_close.get_mut(endpoint) {
            if let Some(i) = closes.iter().position(|r| *r == range) {
                closes.remove(i);
            }
        }
        let annotate = |e: String| format!("cannot open {range} (unit {}): {e}", go_quote(&self.unit));
        for (against, pending) in [(&self.pending_open, true), (&self.committed, false)] {
            match self.check(endpoint, &range, against, pending) {
                Some(Conflict::Error(e)) => return Err(annotate(e)),
                Some(Conflict::AlreadyExists) => return Ok(()),
                None => {}
            }
        }
        self.pending_open.entry(endpoint.to_string()).or_default().push(range);
        Ok(())
    }

    /// `ClosePortRange`.
    pub fn close(&mut self, endpoint: &str, range: PortRange) -> Result<(), String> {
        range.validate()?;
        if let Some(opens) = self.pending_open.get_mut(endpoint) {
            if let Some(i) = opens.iter().position(|r| *r == range) {
                opens.remove(i);
            }
        }
        let annotate = |e: String| format!("cannot close {range} (unit {}): {e}", go_quote(&self.unit));
        match self.check(endpoint, &range, &self.pending_close, true) {
            Some(Conflict::Error(e)) => return Err(annotate(e)),
            Some(Conflict::AlreadyExists) => return Ok(()),
            None => {}
        }
        // A range overlapping an opened one (but not it) cannot be closed.
        if let Some(Conflict::Error(e)) = self.check(endpoint, &range, &self.committed, false) {
            return Err(annotate(e));
        }
        // With no opened ranges at all, closing is a no-op.
        if self.committed.values().all(Vec::is_empty) {
            return Ok(());
        }
        self.pending_close.entry(endpoint.to_string()).or_default().push(range);
        Ok(())
    }

    /// `OpenedUnitPortRanges`: the committed ranges with this hook's requests merged in.
    pub fn opened(&self) -> GroupedPortRanges {
        apply(&self.committed, &self.changes())
    }

    /// The hook's requests, opens first, as the commit applies them.
    pub fn changes(&self) -> Vec<PortChange> {
        let list = |grouped: &GroupedPortRanges, open: bool| {
            grouped
                .iter()
                .flat_map(|(endpoint, ranges)| {
                    ranges.iter().map(move |r| PortChange { open, endpoint: endpoint.clone(), range: r.clone() })
                })
                .collect::<Vec<_>>()
        };
        let mut changes = list(&self.pending_open, true);
        changes.extend(list(&self.pending_close, false));
        changes
    }
}

/// `MergePendingOpenPortRanges` then `MergePendingClosePortRanges`: opening a range already
/// open for that endpoint and closing one that is not are no-ops.
pub fn apply(current: &GroupedPortRanges, changes: &[PortChange]) -> GroupedPortRanges {
    let mut result = current.clone();
    for change in changes.iter().filter(|c| c.open) {
        let ranges = result.entry(change.endpoint.clone()).or_default();
        if !ranges.contains(&change.range) {
            ranges.push(change.range.clone());
        }
    }
    for change in changes.iter().filter(|c| !c.open) {
        if let Some(ranges) = result.get_mut(&change.endpoint) {
            ranges.retain(|r| *r != change.range);
        }
    }
    result.retain(|_, ranges| !ranges.is_empty());
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> PortRange {
        parse(s).unwrap()
    }

    /// Juju's `ParsePortRange` cases and error words.
    #[test]
    fn ranges_parse_and_print_as_juju_does() {
        for (text, printed) in [
            ("80", "80/tcp"),
            ("80/udp", "80/udp"),
            ("8000-8010/udp", "8000-8010/udp"),
            ("icmp", "icmp"),
            ("0", "0/tcp"),
        ] {
            assert_eq!(r(text).to_string(), printed);
        }
        let err = |s: &str| parse(s).unwrap_err();
        assert_eq!(err("abc"), r#"invalid port "abc": strconv.Atoi: parsing "abc": invalid syntax"#);
        assert_eq!(err("1-x"), r#"invalid port "x": strconv.Atoi: parsing "x": invalid syntax"#);
        assert_eq!(err("1-2-3"), r#"invalid port range "1-2-3""#);
        assert_eq!(err("80/sctp"), r#"invalid protocol "sctp", expected "tcp", "udp", or "icmp""#);
        assert_eq!(err("90-80"), "invalid port range 90-80/tcp");
        assert_eq!(err("70000"), "port range bounds must be between 0 and 65535, got 70000-70000");
        assert_eq!(err("80/icmp"), r#"protocol "icmp" doesn't support any ports; got "80""#);
        assert_eq!(
            err("99999999999999999999"),
            r#"invalid port "99999999999999999999": strconv.Atoi: parsing "99999999999999999999": value out of range"#
        );
    }

    #[test]
    fn requests_conflict_merge_and_cancel_as_the_recorder_does() {
        let mut committed = GroupedPortRanges::new();
        committed.insert(String::new(), vec![r("80")]);
        let mut rec = Recorder::new("a/0", committed);
        // Already open for every endpoint: a no-op.
        rec.open("", r("80")).unwrap();
        assert!(rec.changes().is_empty());
        assert_eq!(
            rec.open("", r("79-81")).unwrap_err(),
            r#"cannot open 79-81/tcp (unit "a/0"): port range conflicts with 80/tcp (unit "a/0")"#
        );
        rec.open("", r("8000-8010/udp")).unwrap();
        assert_eq!(
            rec.open("web", r("8005/udp")).unwrap_err(),
            r#"cannot open 8005/udp (unit "a/0"): port range conflicts with 8000-8010/udp (unit "a/0") requested earlier"#
        );
        // The same range for another endpoint is allowed.
        rec.open("web", r("80")).unwrap();
        rec.close("", r("80")).unwrap();
        let opened = rec.opened();
        assert_eq!(unique(&opened).iter().map(|p| p.to_string()).collect::<Vec<_>>(), ["80/tcp", "8000-8010/udp"]);
        assert_eq!(opened.get(""), Some(&vec![r("8000-8010/udp")]));
        // Closing a pending open cancels it.
        rec.close("", r("8000-8010/udp")).unwrap();
        assert_eq!(rec.opened().get(""), None);
        // Nothing opened at all: closing is a no-op.
        let mut empty = Recorder::new("a/0", GroupedPortRanges::new());
        empty.close("", r("22")).unwrap();
        assert!(empty.changes().is_empty());
    }
}
