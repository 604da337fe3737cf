//! Secrets stay out of argv: every user on the machine can read any process's arguments in
//! `/proc/PID/cmdline`. The bundled example charm's hooks are run with a `PATH` of recording
//! wrappers (and nothing else, so a command the test does not know fails the hook): no process
//! they start may have the shared secret among its arguments, and leader-set gets it on stdin.

use std::path::{Path, PathBuf};
use std::process::Command;

const HOOKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/shared-secret/hooks");

/// The real program `name`, found on the test's own `PATH`.
fn real(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|p| p.exists()))
        .unwrap_or_else(|| panic!("no {name} on PATH"))
}

/// Runs the example's `hook` as the agent would (`sh`, the charm directory's environment), with
/// wrappers for the hook tools (leader-get answers `secret`) and the programs it runs; answers
/// the argv lines the wrappers recorded, what leader-set read on stdin, and the file the hook
/// left for the secret.
fn run_hook(hook: &str, secret: &str) -> (Vec<String>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    let charm = dir.path().join("charm");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&charm).unwrap();
    let log = dir.path().join("argv.log");
    let cat = real("cat");
    let tools = [
        (
            "leader-get",
            format!(
                "case \"$1\" in shared-secret) printf '%s\\n' '{secret}';; generated-by) echo shared-secret/0;; esac"
            ),
        ),
        ("leader-set", format!("exec {} > \"$LOG.stdin\"", cat.display())),
        ("juju-log", "true".to_string()),
        ("od", format!("exec {} \"$@\"", real("od").display())),
        ("tr", format!("exec {} \"$@\"", real("tr").display())),
    ];
    for (name, body) in tools {
        let path = bin.join(name);
        std::fs::write(&path, format!("#!/bin/sh\nprintf '%s\\n' \"${{0##*/}} $*\" >> \"$LOG\"\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    let out = Command::new("/bin/sh")
        .arg(Path::new(HOOKS).join(hook))
        .env_clear()
        .env("PATH", &bin)
        .env("LOG", &log)
        .env("CHARM_DIR", &charm)
        .env("JUJU_UNIT_NAME", "shared-secret/0")
        .current_dir(&charm)
        .output()
        .unwrap();
    assert!(out.status.success(), "{hook}: {out:?}");
    let argv = std::fs::read_to_string(&log).unwrap_or_default().lines().map(String::from).collect();
    let stdin = std::fs::read_to_string(dir.path().join("argv.log.stdin")).unwrap_or_default();
    let kept = std::fs::read_to_string(charm.join("shared-secret")).unwrap();
    (argv, stdin, kept.trim_end().to_string())
}

#[test]
fn the_example_charm_never_puts_its_secret_in_a_process_s_arguments() {
    // The first leader generates the secret and publishes it.
    let (argv, stdin, secret) = run_hook("leader-elected", "");
    assert_eq!(secret.len(), 32, "a 16-byte hex secret: {secret:?}");
    assert!(argv.iter().any(|l| l == "leader-set --file - generated-by=shared-secret/0"), "{argv:?}");
    assert!(!argv.iter().any(|l| l.contains(&secret)), "the secret in argv: {argv:?}");
    assert_eq!(stdin, format!("shared-secret: \"{secret}\"\n"), "leader-set reads it on stdin");
    // A minion reads it with leader-get and keeps it, without passing it on as an argument.
    let (argv, _, kept) = run_hook("leader-settings-changed", "0123456789abcdef0123456789abcdef");
    assert_eq!(kept, "0123456789abcdef0123456789abcdef");
    assert!(!argv.iter().any(|l| l.contains(&kept)), "the secret in argv: {argv:?}");
    // A later leader keeps the one there is.
    let (argv, stdin, kept) = run_hook("leader-elected", "fedcba9876543210fedcba9876543210");
    assert_eq!((kept.as_str(), stdin.as_str()), ("fedcba9876543210fedcba9876543210", ""));
    assert!(!argv.iter().any(|l| l.contains(&kept)), "the secret in argv: {argv:?}");
}
