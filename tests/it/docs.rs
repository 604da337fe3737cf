//! The console examples in README.md and docs/*.md, run: every ```console block is a list of
//! `$ command` lines each followed by what it prints (stdout and stderr together) and, when it
//! is not 0, `? CODE`; `[..]` and `...` stand for what differs from run to run. So a changed
//! help text, error message or output breaks this test, not the reader. Blocks that cannot run
//! here (a live `up` with its ports and pids) are ```text or ```sh and are not executed.
//!
//! After changing an output on purpose, rewrite the examples from the binaries:
//! `TRYCMD=overwrite cargo test --test it -- docs::`, then check the diff (elisions are kept
//! where the output still matches them).

use std::path::{Path, PathBuf};

use leaderd_testkit::Agent;

/// The repository's root: cargo runs integration tests there, and the examples' relative paths
/// (`tests/data/docs-state`) start there.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A directory of hook tool symlinks to the `jujuc` under test, as the agent makes for a hook:
/// jujuc acts as the tool its `argv[0]` names.
fn tools_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for tool in jujuc::tools::TOOL_NAMES {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_jujuc"), dir.path().join(tool)).unwrap();
    }
    dir
}

/// The binaries an example may name: `leaderd`, `jujuc` and every hook tool.
fn cases(tools: &Path) -> trycmd::TestCases {
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("leaderd", Path::new(env!("CARGO_BIN_EXE_leaderd")))
        .register_bin("jujuc", Path::new(env!("CARGO_BIN_EXE_jujuc")))
        .register_bins(jujuc::tools::TOOL_NAMES.iter().map(|t| (*t, tools.join(t))));
    // Whatever state directory the developer's shell points at is not the examples'.
    cases.env("LEADERD_STATE", root().join("tests/data/docs-state").display().to_string());
    // Every example is a one-shot command; one that waits (an `up` that started after all)
    // fails the test instead of holding it.
    cases.timeout(std::time::Duration::from_secs(60));
    cases
}

/// Every guide's examples but the hook tools', outside any hook context.
#[test]
fn the_readme_and_guides_examples_print_what_they_show() {
    // leaderd refuses a secret others can read (chmod 600), and git checks files out 0644.
    let secret = root().join("tests/data/docs-state/secret");
    std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let tools = tools_dir();
    let cases = cases(tools.path());
    cases.case(root().join("README.md"));
    for guide in guides() {
        if !guide.ends_with("hook-tools.md") {
            cases.case(guide);
        }
    }
    cases.run();
}

/// The hook tools' examples, inside a hook context of a live hook endpoint (the real server,
/// an in-memory leadership: this unit leads, the leader settings hold `addr`).
#[test]
fn the_hook_tools_examples_print_what_they_show_in_a_hook() {
    let tools = tools_dir();
    let agent = Agent::start(true, &[("addr", "10.0.0.1")]);
    let id = agent.open("config-changed");
    let cases = cases(tools.path());
    cases
        .env("JUJU_CONTEXT_ID", id)
        .env("JUJU_AGENT_SOCKET_ADDRESS", agent.socket.display().to_string())
        .env("JUJU_AGENT_SOCKET_NETWORK", "unix");
    cases.case(root().join("docs/hook-tools.md"));
    cases.run();
    drop(agent);
}

/// The picture in docs/operators.md is what `leaderd timeline` draws today from the event log
/// kept beside the examples, so it cannot show a timeline the code no longer draws.
#[test]
fn the_timeline_picture_is_what_the_timeline_command_draws() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_leaderd"))
        .args(["timeline", "--format", "svg", "--state"])
        .arg(root().join("tests/data/docs-state"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let committed = std::fs::read(root().join("docs/timeline.svg")).unwrap();
    assert!(
        out.stdout == committed,
        "docs/timeline.svg is stale: regenerate it with `leaderd timeline --state tests/data/docs-state \
         --format svg -o docs/timeline.svg`"
    );
}

/// The README's install snippet links every hook tool jujuc serves, no fewer.
#[test]
fn the_readme_installs_every_hook_tool() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let snippet = readme
        .split("```sh\n")
        .filter_map(|block| block.split_once("```").map(|(code, _)| code))
        .find(|code| code.contains("ln -sf jujuc"))
        .expect("the README's install snippet");
    // Run it as a user would, from a checkout with a release build, into a fresh home.
    let checkout = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(checkout.path().join("target/release")).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_jujuc"), checkout.path().join("target/release/jujuc")).unwrap();
    std::os::unix::fs::symlink(root().join("man"), checkout.path().join("man")).unwrap();
    let out = std::process::Command::new("bash")
        .args(["-euc", snippet])
        .current_dir(checkout.path())
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tools = home.path().join(".local/lib/leaderd/tools");
    let mut installed: Vec<String> =
        std::fs::read_dir(&tools).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    installed.sort();
    let mut expected: Vec<String> = jujuc::tools::TOOL_NAMES.iter().map(|t| t.to_string()).collect();
    expected.push("jujuc".into());
    expected.sort();
    assert_eq!(installed, expected);
    let out = std::process::Command::new(tools.join("is-leader")).env_clear().output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "ERROR JUJU_CONTEXT_ID not set\n", "a working link");
}

fn guides() -> Vec<PathBuf> {
    let mut guides: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    guides.sort();
    guides
}
