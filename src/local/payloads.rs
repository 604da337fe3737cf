//! `leaderd payloads [PATTERN...]`: Juju 3.6's `juju payloads` (`cmd/juju/payload/list.go`,
//! `formatted.go`, `output_tabular.go`) over the payloads the controller keeps for each unit
//! (payload-register, committed with the hook). leaderd's units have no machine: `machine` is
//! empty.

use std::path::Path;

use leaderd_core::format::{render, Format, Node, Value};
use leaderd_core::payloads::Payload;

use super::UpState;

/// One row: the unit and its payload (Juju's `FullPayloadInfo`).
pub type Row = (String, Payload);

/// Juju's `FormattedPayload` fields, in its order (`tags` left out when there are none).
fn formatted(unit: &str, p: &Payload) -> Node {
    let text = |s: &str| Node::Str(s.to_string());
    let mut fields = vec![
        ("unit".to_string(), text(unit)),
        ("machine".to_string(), text("")),
        ("id".to_string(), text(&p.id)),
        ("type".to_string(), text(&p.kind)),
        ("payload-class".to_string(), text(&p.class)),
    ];
    if !p.labels.is_empty() {
        fields.push(("tags".to_string(), Node::List(p.labels.iter().map(|l| text(l)).collect())));
    }
    fields.push(("status".to_string(), text(&p.status)));
    Node::Struct(fields)
}

/// Juju's `FormatTabular`: a `[Unit Payloads]` line, then every cell of the header and the rows
/// tab-terminated through juju/ansiterm's tabwriter (padding 2), so each line ends in blanks.
pub fn tabular(rows: &[Row]) -> String {
    let header = ["Unit", "Machine", "Payload class", "Status", "Type", "Id", "Tags"].map(String::from);
    let lines: Vec<[String; 7]> = std::iter::once(header)
        .chain(rows.iter().map(|(unit, p)| {
            [
                unit.clone(),
                String::new(),
                p.class.clone(),
                p.status.clone(),
                p.kind.clone(),
                p.id.clone(),
                p.labels.join(" "),
            ]
        }))
        .collect();
    let mut widths = [0usize; 7];
    for line in &lines {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::from("[Unit Payloads]\n");
    for line in &lines {
        for (w, cell) in widths.iter().zip(line) {
            out.push_str(cell);
            out.push_str(&" ".repeat(w - cell.chars().count() + 2));
        }
        out.push('\n');
    }
    out
}

/// Juju's `payloads.Filter` patterns (`core/payloads/filter.go`): a payload matches a pattern
/// that is, case-insensitively, its unit, machine, type, class, id, status or one of its tags.
fn matches(unit: &str, p: &Payload, pattern: &str) -> bool {
    let pattern = pattern.to_lowercase();
    let fields = [unit, "", p.kind.as_str(), p.class.as_str(), p.id.as_str(), p.status.as_str()];
    fields.iter().any(|f| f.to_lowercase() == pattern) || p.labels.iter().any(|l| l.to_lowercase() == pattern)
}

/// The rows to show: every unit's payloads (by unit, then class), those matching any pattern.
pub fn select(
    kept: &std::collections::BTreeMap<String, leaderd_core::payloads::UnitPayloads>,
    patterns: &[String],
) -> Vec<Row> {
    kept.iter()
        .flat_map(|(unit, payloads)| payloads.values().map(move |p| (unit.clone(), p.clone())))
        .filter(|(unit, p)| patterns.is_empty() || patterns.iter().any(|pat| matches(unit, p, pat)))
        .collect()
}

/// What `juju payloads` prints on stdout for `rows` in `format` (none: nothing, and
/// [`NONE`] on stderr).
pub fn render_rows(rows: &[Row], format: &str) -> String {
    if rows.is_empty() {
        return String::new();
    }
    match format {
        "json" => render(Format::Json, &Value::Seq(rows.iter().map(|(u, p)| formatted(u, p)).collect())),
        "yaml" => render(Format::Yaml, &Value::Seq(rows.iter().map(|(u, p)| formatted(u, p)).collect())),
        _ => tabular(rows),
    }
}

/// `ctx.Infof`'s line when there is nothing to show.
pub const NONE: &str = "No payloads to display.";

/// `leaderd payloads`: the rows of the running `up` at `state`.
pub fn list(state: &Path, patterns: &[String], format: &str) -> anyhow::Result<String> {
    let up = UpState::load(state)?;
    // Every application's units' payloads (each unit's name says its application).
    let mut payloads = std::collections::BTreeMap::new();
    for app in &up.applications {
        payloads.extend(super::status::controller_statuses(state, &up, &app.name)?.payloads);
    }
    let rows = select(&payloads, patterns);
    if rows.is_empty() {
        eprintln!("{NONE}");
    }
    Ok(render_rows(&rows, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        let mut kept = std::collections::BTreeMap::new();
        let mut a0 = leaderd_core::payloads::UnitPayloads::new();
        leaderd_core::payloads::register(&mut a0, "docker", "monitoring", "0fcgaba", &["tag1".into(), "tag2".into()])
            .unwrap();
        leaderd_core::payloads::register(&mut a0, "kvm", "kvm-guest", "vm-1", &[]).unwrap();
        leaderd_core::payloads::set_status(&mut a0, "kvm-guest", "stopped").unwrap();
        let mut a1 = leaderd_core::payloads::UnitPayloads::new();
        leaderd_core::payloads::register(&mut a1, "docker", "monitoring", "77", &[]).unwrap();
        kept.insert("app/0".to_string(), a0);
        kept.insert("app/1".to_string(), a1);
        select(&kept, &[])
    }

    /// The bytes Juju 3.6's `juju payloads` prints for the same payloads (its formatters:
    /// `FormattedPayload` through yaml.v2 and encoding/json, `FormatTabular`'s tabwriter).
    #[test]
    fn payloads_print_in_juju_payloads_shapes() {
        let rows = rows();
        assert_eq!(
            render_rows(&rows, "tabular"),
            "[Unit Payloads]\n\
             Unit   Machine  Payload class  Status   Type    Id       Tags       \n\
             app/0           kvm-guest      stopped  kvm     vm-1                \n\
             app/0           monitoring     running  docker  0fcgaba  tag1 tag2  \n\
             app/1           monitoring     running  docker  77                  \n"
        );
        assert_eq!(
            render_rows(&rows[1..2], "yaml"),
            "- unit: app/0\n  machine: \"\"\n  id: 0fcgaba\n  type: docker\n  payload-class: monitoring\n  tags:\n  - tag1\n  - tag2\n  status: running\n"
        );
        assert_eq!(
            render_rows(&rows[2..], "json"),
            "[{\"unit\":\"app/1\",\"machine\":\"\",\"id\":\"77\",\"type\":\"docker\",\"payload-class\":\"monitoring\",\"status\":\"running\"}]\n"
        );
        assert_eq!(render_rows(&[], "json"), "");
    }

    #[test]
    fn patterns_match_any_field_as_jujus_filter_does() {
        let rows = rows();
        let kept: std::collections::BTreeMap<String, leaderd_core::payloads::UnitPayloads> = {
            let mut m = std::collections::BTreeMap::<String, leaderd_core::payloads::UnitPayloads>::new();
            for (unit, p) in &rows {
                m.entry(unit.clone()).or_default().insert(p.class.clone(), p.clone());
            }
            m
        };
        let ids = |patterns: &[&str]| -> Vec<String> {
            let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
            select(&kept, &patterns).into_iter().map(|(_, p)| p.id).collect()
        };
        assert_eq!(ids(&["app/1"]), ["77"]);
        assert_eq!(ids(&["STOPPED", "tag2"]), ["vm-1", "0fcgaba"]);
        assert_eq!(ids(&["docker"]), ["0fcgaba", "77"]);
        assert!(ids(&["nope"]).is_empty());
    }
}
