//! The operator's secrets end to end on `leaderd up` with a shell charm: a user secret added,
//! granted to the application (a unit reads it with secret-get), revoked (refused); the
//! charm's own application secret listed and shown, with `--reveal` its content; the content
//! never in the event log.

use leaderd_testkit::cluster;

use std::time::Duration;

use cluster::Up;

const T: Duration = Duration::from_secs(30);

fn charm() -> tempfile::TempDir {
    let leader_elected = "if [ ! -e created ]; then\n  secret-add --label admin password=one > created\nfi";
    let hooks = [("install", "true"), ("start", "true"), ("leader-settings-changed", "true")];
    let mut scripts: Vec<(&str, String)> =
        hooks.iter().map(|(name, body)| (*name, format!("#!/bin/sh\nset -e\n{body}\n"))).collect();
    scripts.push(("leader-elected", format!("#!/bin/sh\nset -e\n{leader_elected}\n")));
    let scripts: Vec<(&str, &str)> = scripts.iter().map(|(name, script)| (*name, script.as_str())).collect();
    cluster::charm("name: sec\n", &scripts)
}

fn ok(out: std::process::Output, what: &str) -> String {
    assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn user_secrets_granted_read_revoked_and_the_charms_secret_shown() {
    let charm = charm();
    let up = Up::start(Some(charm.path()), 2, "1s");
    let units = ["sec/0", "sec/1"];
    up.wait_hook_finished(&units, "start", T);
    let leader = up.status()["applications"][0]["leader"].as_str().unwrap().to_string();
    let created = up.unit_dir(&leader).join("charm/created");
    up.until("the leader created its secret", T, || std::fs::read_to_string(&created).is_ok_and(|s| !s.is_empty()));
    let charm_id = std::fs::read_to_string(&created).unwrap().trim().rsplit('/').next().unwrap().to_string();

    // add-secret prints secret:ID.
    let added = ok(up.leaderd(&["add-secret", "db-pass", "password=s3cret-value", "--info", "the db"]), "add-secret");
    let id = added.strip_prefix("secret:").and_then(|s| s.strip_suffix('\n')).unwrap_or_else(|| panic!("{added}"));
    assert_eq!(id.len(), 20, "{added}");
    let again = up.leaderd(&["add-secret", "db-pass", "password=x"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("secret with name \"db-pass\" already exists"));

    // Not granted yet: refused.
    let get = format!("secret:{id}");
    let out = up.exec("sec/0", &["secret-get", &get, "password"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "ERROR permission denied\n");

    ok(up.leaderd(&["grant-secret", "db-pass", "sec"]), "grant-secret");
    for unit in units {
        let out = up.exec(unit, &["secret-get", &get, "password"]);
        assert_eq!(ok(out, "secret-get"), "s3cret-value\n", "{unit}");
    }

    // Both secrets listed, keyed by bare id, in Juju's shape.
    let listed: serde_json::Value =
        serde_json::from_str(&ok(up.leaderd(&["secrets", "--format", "json"]), "secrets")).unwrap();
    assert_eq!(listed[id]["owner"], "<model>");
    assert_eq!(listed[id]["name"], "db-pass");
    assert_eq!(listed[id]["description"], "the db");
    assert_eq!(listed[&charm_id]["owner"], "sec");
    assert_eq!(listed[&charm_id]["label"], "admin");
    assert!(listed[id].get("content").is_none(), "no content in the list");
    let table = ok(up.leaderd(&["secrets"]), "secrets");
    assert!(table.starts_with("ID                    Name     Owner    Rotation  Revision  Last updated\n"), "{table}");
    let owned = ok(up.leaderd(&["secrets", "--owner", "application-sec", "--format", "json"]), "secrets --owner");
    assert!(owned.contains(&charm_id) && !owned.contains(id), "{owned}");

    // show-secret of the charm's secret: owner and revision; --reveal its content.
    let shown: serde_json::Value =
        serde_json::from_str(&ok(up.leaderd(&["show-secret", &charm_id, "--format", "json"]), "show")).unwrap();
    assert_eq!((shown[&charm_id]["owner"].as_str(), shown[&charm_id]["revision"].as_i64()), (Some("sec"), Some(1)));
    assert!(shown[&charm_id].get("content").is_none());
    let revealed: serde_json::Value = serde_json::from_str(&ok(
        up.leaderd(&["show-secret", &format!("secret:{charm_id}"), "--reveal", "--format", "json"]),
        "show --reveal",
    ))
    .unwrap();
    assert_eq!(revealed[&charm_id]["content"], serde_json::json!({"Data": {"password": "one"}}));
    let yaml = ok(up.leaderd(&["show-secret", "db-pass", "--reveal"]), "show yaml");
    assert!(yaml.contains("  content:\n    password: s3cret-value\n"), "{yaml}");
    assert!(yaml.contains("  access:\n  - target: application-sec\n    scope: model\n    role: view\n"), "{yaml}");

    // A new revision by update-secret; the operator may not change the charm's secret.
    ok(up.leaderd(&["update-secret", "db-pass", "password=second"]), "update-secret");
    let out = up.exec("sec/1", &["secret-get", &get, "password", "--refresh"]);
    assert_eq!(ok(out, "secret-get --refresh"), "second\n");
    let refused = up.leaderd(&["remove-secret", &charm_id]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("permission denied"), "{refused:?}");

    // Revoked: refused again.
    ok(up.leaderd(&["revoke-secret", "db-pass", "sec"]), "revoke-secret");
    let out = up.exec("sec/0", &["secret-get", &get, "password"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "ERROR permission denied\n");

    ok(up.leaderd(&["remove-secret", "db-pass"]), "remove-secret");
    let gone = up.leaderd(&["show-secret", "db-pass"]);
    assert!(String::from_utf8_lossy(&gone.stderr).contains("secret \"db-pass\" not found"), "{gone:?}");

    let log = std::fs::read_to_string(up.event_log()).unwrap_or_default();
    assert!(!log.contains("s3cret-value") && !log.contains("czNjcmV0LXZhbHVl"), "content in the event log");
}
