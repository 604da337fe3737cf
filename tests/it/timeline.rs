//! `leaderd timeline` over a real `leaderd up` run with a failed hook and a failover (the
//! leader's agent killed): the text picture in words, the SVG file, and (ignored in plain
//! `cargo test`, run by .ci/run with Debian's chromium) the HTML page in a real browser: lanes
//! and terms drawn, a hook's details on hover, zoom.

use leaderd_testkit::cluster;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use cluster::Up;
use leaderd_testkit::events::RecordExt;

const T: Duration = Duration::from_secs(20);

/// A 3-unit run of the timeline charm: unit 2's first start fails and is retried; the first
/// leader's agent is killed and another unit takes over; then Ctrl-C. Returns the stopped `up`
/// and the first leader.
fn run_with_failover() -> (Up, String) {
    let charm = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/timeline-charm");
    let mut up = Up::start(Some(&charm), 3, "1s");
    up.wait_hook_finished(&["shared-secret/0", "shared-secret/1", "shared-secret/2"], "start", T);
    up.wait_event(T, |r| r.of("shared-secret/2") && r.hook_failed("start", 1));
    let leader = up.wait_event(T, |r| r.elected() == Some(1)).unit.expect("a unit was elected");
    assert_eq!(up.kill_leader(&leader, T).elected(), Some(2));
    assert!(up.stop(libc::SIGINT).success());
    (up, leader)
}

#[test]
fn the_text_and_svg_pictures_show_the_failover() {
    let (up, leader) = run_with_failover();
    let out = up.leaderd(&["timeline"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    // One row per unit, in order, then the leader row.
    for (i, unit) in ["shared-secret/0", "shared-secret/1", "shared-secret/2", "leader"].iter().enumerate() {
        assert!(rows[2 + i].starts_with(unit), "{text}");
    }
    let leader_row = rows.iter().find(|r| r.starts_with(&leader)).unwrap();
    assert!(leader_row.contains('█') && leader_row.contains('x'), "{text}");
    assert!(rows[4].contains('F'), "unit 2's failed start: {text}");
    assert!(rows[5].contains('▓'), "no unit could claim after the leader died: {text}");
    assert!(text.contains(&format!("term 1 {leader}: ")) && text.contains("agent exited; last grant: guarantee until"));
    assert!(text.contains("term 2 shared-secret/"), "{text}");
    assert!(text.contains("no unit could claim until"), "{text}");
    assert!(text.contains("shared-secret/2 hook start at ") && text.contains("failed, exit 1)"), "{text}");

    let svg = up.dir.path().join("timeline.svg");
    let out = up.leaderd(&["timeline", "--format", "svg", "-o", svg.to_str().unwrap()]);
    assert!(out.status.success() && out.stdout.is_empty());
    assert_eq!(std::fs::metadata(&svg).unwrap().permissions().mode() & 0o777, 0o600);
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(svg.matches("class=\"lane\"").count(), 3);
    assert_eq!(svg.matches("class=\"term\"").count(), 2);
    assert_eq!(svg.matches("class=\"hook failed\"").count(), 1);
    assert_eq!(svg.matches("class=\"lease-tail\"").count(), 1);
    assert!(svg.contains("the database is not reachable yet"));

    let bad = up.leaderd(&["timeline", "--state", up.dir.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no event log at "));
}

/// Needs Debian's chromium and `npm ci` in tests/browser (.ci/run does both).
#[test]
#[ignore]
fn the_html_page_draws_lanes_and_terms_and_shows_a_hook_on_hover() {
    let (up, _) = run_with_failover();
    let page = up.dir.path().join("timeline.html");
    let out = up.leaderd(&["timeline", "--format", "html", "-o", page.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/timeline.mjs");
    let out = Command::new("timeout").arg("120").arg("node").arg(&script).arg(&page).output().unwrap();
    assert!(out.status.success(), "the browser run failed: {}", String::from_utf8_lossy(&out.stderr));
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["lanes"], serde_json::json!(["shared-secret/0", "shared-secret/1", "shared-secret/2"]));
    // Drawn lane by lane, so in the order of the leaders' lanes: either order is right.
    let mut terms: Vec<u64> = seen["terms"].as_array().unwrap().iter().filter_map(|t| t.as_u64()).collect();
    terms.sort();
    assert_eq!(terms, [1, 2], "{seen}");
    assert_eq!(seen["failed"], 1);
    assert!(seen["hooks"].as_u64().unwrap() >= 9, "{seen}");
    assert_eq!(seen["before_hover"], "Hover over a term, a hook, a gap or a marker.");
    let hovered = seen["hovered"].as_str().unwrap();
    assert!(hovered.starts_with("shared-secret/2 hook start at "), "{hovered}");
    assert!(hovered.contains("failed, exit 1)\n| the database is not reachable yet"), "{hovered}");
    let (before, after) = (seen["term_width"].as_f64().unwrap(), seen["zoomed_width"].as_f64().unwrap());
    assert!(after > before * 1.5, "zoom in widens the first term: {before} -> {after}");
    assert_eq!(seen["requests"], serde_json::json!([]), "the page fetches nothing");
    assert_eq!(seen["errors"], serde_json::json!([]));
}
