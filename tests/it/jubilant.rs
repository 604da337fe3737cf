//! jubilant's own integration tests (canonical/jubilant `tests/integration` at 06572b5,
//! vendored unchanged in `tests/jubilant/`) run by pytest against leaderd's `juju`.
//!
//! The driver makes a virtual environment with jubilant 1.14.0, pytest and cryptography from
//! PyPI (`tests/jubilant/requirements.txt`; `$LEADERD_JUBILANT_VENV`, else
//! `target/tmp/jubilant-venv`, made once), packs the two test charms with
//! `tests/jubilant/pack.py` as `charmcraft pack` would, and runs pytest with
//! jubilant's pytest settings (`tests/jubilant/pytest.ini`), `PATH` starting with the
//! directory of the built `juju` and then the venv's `bin` (a real `python3` for the charms'
//! `dispatch`, of the minor version their `venv/` was built for), and `LEADERD_HOME` a fresh
//! temporary directory, so every model the tests make lives there. Afterwards anything still
//! running from that directory is killed. It needs PyPI and `python3 -m venv`, so it is
//! `#[ignore]`d; `.ci/run` runs it (docs/jubilant.md):
//!
//! ```text
//! cargo build && cargo test --test it -- --ignored --nocapture jubilant::
//! ```
//!
//! `LEADERD_JUBILANT_TESTS` chooses the tests (pytest arguments relative to
//! `tests/jubilant/integration`, space-separated; default: every file in scope).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use leaderd_testkit::JUJU;

/// The test files a machine-less local leaderd model can run (docs/jubilant.md says why the
/// others cannot).
const IN_SCOPE: &str =
    "test_model.py test_secrets.py test_config.py test_execution.py test_relations.py test_deployment.py";

/// Tests inside the files in scope that need Charmhub's snappass-test itself and Kubernetes:
/// its sidecar containers (ssh, scp) or its OCI image resources.
const DESELECTED: &[&str] =
    &["test_execution.py::test_ssh", "test_execution.py::test_scp", "test_deployment.py::test_deploy_with_resources"];

/// How long the whole pytest run may take before it is killed (jubilant's own waits are 3
/// minutes each; destroy-model's 10).
const RUN_TIMEOUT: Duration = Duration::from_secs(30 * 60);

fn jubilant_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jubilant")
}

fn run(command: &mut Command) {
    let shown = format!("{command:?}");
    let status = command.status().unwrap_or_else(|e| panic!("{shown}: {e}"));
    assert!(status.success(), "{shown}: {status}");
}

/// The venv with tests/jubilant/requirements.txt installed, made (or remade, when the
/// requirements changed) with the `python3` on PATH.
fn venv() -> PathBuf {
    // Made once per test process: the two suites run on parallel test threads.
    static VENV: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    VENV.get_or_init(make_venv).clone()
}

fn make_venv() -> PathBuf {
    let venv = std::env::var_os("LEADERD_JUBILANT_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("jubilant-venv"));
    let requirements = jubilant_dir().join("requirements.txt");
    let wanted = std::fs::read(&requirements).unwrap();
    let stamp = venv.join("leaderd-requirements.txt");
    if std::fs::read(&stamp).ok().as_ref() == Some(&wanted) && venv.join("bin/python3").exists() {
        return venv;
    }
    let _ = std::fs::remove_dir_all(&venv);
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    run(Command::new(venv.join("bin/python3"))
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements));
    std::fs::write(&stamp, wanted).unwrap();
    venv
}

/// Every process whose command line, environment or working directory names `home`: what the
/// tests' models started (the detached `leaderd up`s, their controllers, agents and hooks).
fn processes_under(home: &Path) -> Vec<i32> {
    let needle = home.as_os_str().as_encoded_bytes();
    let mine = std::process::id() as i32;
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|p| p.parse::<i32>().ok()) else { continue };
        if pid == mine {
            continue;
        }
        let dir = entry.path();
        let mentions = |file: &str| {
            std::fs::read(dir.join(file)).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        };
        let cwd_inside = std::fs::read_link(dir.join("cwd")).is_ok_and(|cwd| cwd.starts_with(home));
        if mentions("cmdline") || mentions("environ") || cwd_inside {
            found.push(pid);
        }
    }
    found
}

/// Stops everything under `home`: SIGTERM, up to 10 s to exit, then SIGKILL. Answers what was
/// still running.
fn stop_everything_under(home: &Path) -> Vec<String> {
    let left = processes_under(home);
    let names: Vec<String> = left
        .iter()
        .map(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            format!("{pid} {}", String::from_utf8_lossy(&cmdline).replace('\0', " ").trim_end())
        })
        .collect();
    for pid in &left {
        // SAFETY: kill(2) on a pid found above; no memory is touched.
        unsafe { libc::kill(*pid, libc::SIGTERM) };
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && !processes_under(home).is_empty() {
        std::thread::sleep(Duration::from_millis(100));
    }
    for pid in processes_under(home) {
        // SAFETY: as above.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    names
}

/// What `charmcraft pack` would have put in testdb's `.charm`: the split metadata, the
/// manifest, the source, an executable dispatch, and a venv whose `bin/` holds only `activate`
/// (dispatch links `venv/bin/python` when the first hook runs).
fn check_packed(charm: &Path) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(charm).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    for wanted in ["metadata.yaml", "config.yaml", "actions.yaml", "manifest.yaml", "src/charm.py", "venv/pyvenv.cfg"] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} not in {}", charm.display());
    }
    let bins: Vec<&String> = names.iter().filter(|n| n.starts_with("venv/bin/")).collect();
    assert_eq!(bins, ["venv/bin/activate"], "venv/bin/ emptied but for activate");
    assert!(names.iter().any(|n| n.starts_with("venv/lib/python3.") && n.ends_with("/site-packages/ops/__init__.py")));
    let mut dispatch = zip.by_name("dispatch").unwrap();
    assert_eq!(dispatch.unix_mode().map(|m| m & 0o777), Some(0o755));
    let mut text = String::new();
    dispatch.read_to_string(&mut text).unwrap();
    assert!(text.contains("ln -s $(which python3) \"${python_path}\""), "{text}");
    drop(dispatch);
    let mut metadata = String::new();
    zip.by_name("metadata.yaml").unwrap().read_to_string(&mut metadata).unwrap();
    assert!(
        metadata.starts_with("name: testdb\n") && metadata.contains("provides:\n  db:\n    interface: dbi\n"),
        "{metadata}"
    );
    assert!(
        !metadata.contains("parts") && !metadata.contains("actions"),
        "build keys and actions stay out: {metadata}"
    );
}

/// Runs pytest in `tests/jubilant` on `tests` (paths relative to it) with jubilant's settings,
/// leaderd's `juju` and then the venv's `bin` first on PATH, and a fresh `LEADERD_HOME`; stops
/// whatever the tests left running there; asserts pytest passed.
fn pytest(venv: &Path, tests: &[String], deselected: &[&str]) {
    let dir = jubilant_dir();
    let python = venv.join("bin/python3");
    let home = tempfile::Builder::new().prefix("leaderd-jubilant-").tempdir().unwrap();
    let juju_dir = Path::new(JUJU).parent().unwrap();
    let path = std::env::join_paths(
        [juju_dir.to_path_buf(), venv.join("bin")]
            .into_iter()
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let mut pytest = Command::new(&python);
    pytest
        .current_dir(&dir)
        .args(["-m", "pytest", "-c", "pytest.ini", "--rootdir", ".", "-p", "no:cacheprovider", "-vv"])
        .args(["-m", "not machine"])
        .args(tests)
        .args(deselected.iter().flat_map(|t| ["--deselect".to_string(), format!("integration/{t}")]))
        .env("PATH", path)
        .env("LEADERD_HOME", home.path())
        // test_deployment.py deploys `snappass-test` from Charmhub in a module fixture that
        // every test in the file needs: the stand-in in tests/jubilant/charm-repo takes its place.
        .env("LEADERD_CHARM_REPO", dir.join("charm-repo"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("JUJU_MODEL")
        .env_remove("JUJU_DATA");
    println!("jubilant: running {pytest:?}");
    let started = Instant::now();
    let mut child = pytest.spawn().unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let took = started.elapsed();
    let left = stop_everything_under(home.path());
    println!("jubilant: pytest took {:.1} s (wall)", took.as_secs_f64());
    if !left.is_empty() {
        println!("jubilant: stopped what the tests left running under LEADERD_HOME:\n  {}", left.join("\n  "));
    }
    let status = status.unwrap_or_else(|| panic!("pytest ran longer than {RUN_TIMEOUT:?} and was killed"));
    assert!(status.success(), "pytest: {status} (its output is above)");
}

#[test]
#[ignore = "needs PyPI and python3 -m venv: cargo test --test it -- --ignored jubilant:: (docs/jubilant.md)"]
fn jubilants_integration_tests_pass_against_leaderds_juju() {
    let dir = jubilant_dir();
    let venv = venv();
    run(Command::new(venv.join("bin/python3"))
        .arg(dir.join("pack.py"))
        .arg(dir.join("integration/charms/testdb"))
        .arg(dir.join("integration/charms/testapp")));
    check_packed(&dir.join("integration/charms/testdb/testdb_amd64.charm"));
    let tests = std::env::var("LEADERD_JUBILANT_TESTS").unwrap_or_else(|_| IN_SCOPE.to_string());
    let tests: Vec<String> = tests.split_whitespace().map(|t| format!("integration/{t}")).collect();
    pytest(&venv, &tests, DESELECTED);
}

/// leaderd's own jubilant suite (`tests/jubilant/leaderd`) on the example charms: three units
/// and one leader, a leader-only action refused on minions, an application secret shared
/// through the peer relation and rotated, a related application reading the bag only the
/// leader writes, and the leader's removal handing over.
#[test]
#[ignore = "needs PyPI and python3 -m venv: cargo test --test it -- --ignored jubilant:: (docs/jubilant.md)"]
fn leaderds_own_jubilant_suite_passes_on_the_example_charms() {
    pytest(&venv(), &["leaderd".to_string()], &[]);
}
