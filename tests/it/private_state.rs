//! What leaderd writes is its owner's only, whatever the umask: `leaderd up` and a standalone
//! controller run with umask 000, and every directory under their state must be 0700 and every
//! file 0600 (the charm copies' hooks 0700). Hooks and `leaderd exec` commands, on the other
//! hand, get the user's own umask.

use leaderd_testkit::cluster;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use cluster::{with_umask, Up, LEADERD};
use leaderd_testkit::events::{Mark, RecordExt};

const T: Duration = Duration::from_secs(15);

/// Every entry under `root` (root included) with its mode, symlinks left out (the agents'
/// `tools/` links point at jujuc).
fn walk(root: &Path) -> Vec<(PathBuf, std::fs::FileType, u32)> {
    let mut found = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(path) = todo.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let kind = meta.file_type();
        if kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                todo.push(entry.unwrap().path());
            }
        }
        found.push((path, kind, meta.permissions().mode() & 0o7777));
    }
    found
}

/// Directories 0700, sockets and files 0600, hooks in a charm copy 0700; the offenders listed.
fn assert_private(root: &Path, must_include: &[&str]) {
    let entries = walk(root);
    let offenders: Vec<String> = entries
        .iter()
        .filter(|(path, kind, mode)| {
            let hook = kind.is_file() && path.parent().is_some_and(|p| p.ends_with("hooks")) && mode & 0o100 != 0;
            let want = if kind.is_dir() || hook { 0o700 } else { 0o600 };
            *mode != want
        })
        .map(|(path, kind, mode)| {
            let what = if kind.is_dir() {
                "dir"
            } else if kind.is_socket() {
                "socket"
            } else {
                "file"
            };
            format!("{mode:04o} {what} {}", path.display())
        })
        .collect();
    assert!(offenders.is_empty(), "not private under {}:\n{}", root.display(), offenders.join("\n"));
    let names: Vec<String> =
        entries.iter().map(|(p, _, _)| p.strip_prefix(root).unwrap().display().to_string()).collect();
    for name in must_include {
        assert!(names.iter().any(|n| n == name), "expected {name} under {}; found {names:?}", root.display());
    }
}

#[test]
fn up_keeps_its_state_private_under_umask_000() {
    let dir = tempfile::tempdir().unwrap();
    // A state directory left world-readable by hand is narrowed, not trusted.
    let state = dir.path().join("state");
    std::fs::create_dir(&state).unwrap();
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).unwrap();
    let up = Up::with(None, 2, "1s").dir(dir).umask(0o000).start();
    up.wait_hook_finished(&["shared-secret/0", "shared-secret/1"], "start", T);
    let from = Mark::now();
    let out = up.exec("shared-secret/leader", &["leader-set", "password=hunter2"]);
    assert!(out.status.success(), "leader-set: {}", String::from_utf8_lossy(&out.stderr));
    // The minion has run leader-settings-changed for this write.
    up.wait_event_after(from, T, |r| r.hook_finished("leader-settings-changed"));
    assert_private(
        &up.state,
        &[
            "",
            "up.json",
            "up.lock",
            "secret",
            "controller.db",
            "controller.db-wal",
            "controller.db-shm",
            "controller.log",
            "example-charm/hooks/install",
            "charms/shared-secret/0/hooks/install",
            "charms/shared-secret/0/.juju-charm",
            "charms/shared-secret/0/.leaderd-manifest",
            "units/shared-secret-0/agent.log",
            "units/shared-secret-0/agent.socket",
            "units/shared-secret-0/run.socket",
            "units/shared-secret-0/uniter.json",
            "units/shared-secret-0/charm/hooks/start",
            "units/shared-secret-1/charm/shared-secret",
        ],
    );
}

#[test]
fn a_standalone_controller_keeps_its_database_private_under_umask_000() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("ctl");
    let secret = state.join("secret");
    let mut cmd = Command::new(LEADERD);
    with_umask(&mut cmd, 0o000);
    cmd.args(["controller", "--listen", "127.0.0.1:0", "--min-lease", "1s", "--store"])
        .arg(format!("sqlite:{}", state.join("db/leaderd.db").display()))
        .arg("--secret-file")
        .arg(&secret)
        .arg("--tls-dir")
        .arg(state.join("tls"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let child = cmd.spawn().unwrap();
    let mut controller = Stop(child);
    let mut lines = BufReader::new(controller.0.stdout.take().unwrap()).lines();
    let url = lines.next().unwrap().unwrap().trim_start_matches("listening on ").to_string();
    let token = Command::new(LEADERD).arg("token").arg("--secret-file").arg(&secret).arg("app/0").output().unwrap();
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let trust = leaderd_net::tls::Trust::Ca(state.join("tls/ca.pem"));
        let http = leaderd_net::tls::http_client(&url, &trust, std::time::Duration::from_secs(10)).unwrap();
        let post = |path: &str, body: serde_json::Value| {
            http.post(format!("{url}/v1/applications/app/{path}")).bearer_auth(&token).json(&body).send()
        };
        let claim: serde_json::Value =
            post("lease/claim", serde_json::json!({"duration_ms": 5000})).await.unwrap().json().await.unwrap();
        let term = claim["term"].as_u64().expect("a granted claim");
        let merge = post("settings/merge", serde_json::json!({"term": term, "set": {"password": "hunter2"}}));
        assert_eq!(merge.await.unwrap().status(), 200);
    });
    let files = ["", "secret", "db", "db/leaderd.db", "db/leaderd.db-wal", "db/leaderd.db-shm", "tls", "tls/ca.key"];
    assert_private(&state, &files);
}

/// Kills the process when dropped, even when the test fails.
struct Stop(std::process::Child);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn hooks_and_exec_commands_get_the_users_umask_not_leaderds() {
    let charm = cluster::charm("name: masked\n", &[("install", "#!/bin/sh\numask > \"$CHARM_DIR/umask\"\n")]);
    let up = Up::with(Some(charm.path()), 1, "1s").umask(0o027).start();
    up.wait_event(T, |r| r.of("masked/0") && r.hook_finished("install"));
    let written = up.state.join("units/masked-0/charm/umask");
    assert_eq!(std::fs::read_to_string(&written).unwrap().trim(), "0027", "the install hook's umask");
    // The hook's own file follows the hook's umask (0666 & ~027), not leaderd's 0600.
    assert_eq!(std::fs::metadata(&written).unwrap().permissions().mode() & 0o777, 0o640);

    let mut exec = Command::new(LEADERD);
    with_umask(&mut exec, 0o007);
    let out = exec.args(["exec", "--unit", "masked/0", "--", "sh", "-c", "umask"]).env("LEADERD_STATE", &up.state);
    let out = out.output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0007\n", "{}", String::from_utf8_lossy(&out.stderr));
}
