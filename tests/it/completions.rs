//! The committed completions and man pages are what the code generates, and they work in real
//! shells: bash here; bash-completion's on-demand loading, fish and zsh when installed (`.ci/run` installs them and runs the ignored
//! tests). Live key completion runs against a real hook endpoint.

use leaderd_testkit as common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::Agent;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_completions_and_man_pages_are_current() {
    let mut stale = Vec::new();
    for (path, bytes) in leaderd::generate::files(leaderd::cli::command()) {
        if std::fs::read(root().join(&path)).ok().as_deref() != Some(&bytes[..]) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {}\nregenerate them with: cargo run --bin leaderd -- generate",
        stale.join(", ")
    );
}

/// A directory with the tool symlinks, as the agent makes for hooks.
fn tools_dir(dir: &Path) -> PathBuf {
    let tools = dir.join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    for tool in jujuc::tools::TOOL_NAMES {
        let _ = std::os::unix::fs::symlink(common::JUJUC, tools.join(tool));
    }
    tools
}

/// Completes `words` (the last one being completed) with the bash completion of `command`,
/// calling its function as bash does: (command, current word, previous word).
fn bash_complete(command: &str, words: &[&str], env: &[(&str, std::ffi::OsString)]) -> Output {
    let script = root().join("completions/bash").join(command);
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let function = if ["leader-get", "leader-set"].contains(&command) {
        format!("_{}_live", command.replace('-', "_"))
    } else {
        format!("_{}", command.replace('-', "__"))
    };
    let previous = if words.len() > 1 { words[words.len() - 2] } else { "" };
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; {function} '{command}' '{}' '{previous}' 2>/dev/null; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words.last().unwrap(),
    );
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(program).env_clear().env("PATH", std::env::var_os("PATH").unwrap());
    cmd.envs(env.iter().cloned()).output().unwrap()
}

fn words(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.is_empty()).map(String::from).collect()
}

#[test]
fn bash_completes_flags_values_levels_and_subcommands() {
    let got = words(&bash_complete("leader-get", &["leader-get", "--f"], &[]));
    assert_eq!(got, ["--format"]);
    let got = words(&bash_complete("is-leader", &["is-leader", "--format", ""], &[]));
    assert_eq!(got, ["json", "smart", "yaml"]);
    let got = words(&bash_complete("juju-log", &["juju-log", "-l", "W"], &[]));
    assert_eq!(got, ["WARNING"]);
    let got = words(&bash_complete("leaderd", &["leaderd", ""], &[]));
    for sub in ["up", "exec", "status", "agent", "controller", "token", "generate", "completions"] {
        assert!(got.contains(&sub.to_string()), "{sub} in {got:?}");
    }
    let got = words(&bash_complete("leaderd", &["leaderd", "up", "--lease"], &[]));
    assert_eq!(got, ["--lease-guarantee"]);
}

#[test]
fn bash_completes_the_hooks_keys_live_and_nothing_outside_a_hook() {
    let agent = Agent::start(true, &[("db-password", "x"), ("cluster-address", "10.0.0.1")]);
    let id = agent.open("debug-hooks");
    let tools = tools_dir(agent.dir.path());
    let path = format!("{}:{}", tools.display(), std::env::var("PATH").unwrap());
    let mut env = agent.hook_env(&id);
    env.retain(|(k, _)| *k != "PATH");
    env.push(("PATH", path.clone().into()));
    let complete = |command: &str, words: &[&str]| bash_complete(command, words, &env);
    assert_eq!(words(&complete("leader-get", &["leader-get", ""])), ["cluster-address", "db-password"]);
    assert_eq!(words(&complete("leader-get", &["leader-get", "d"])), ["db-password"]);
    assert_eq!(words(&complete("leader-set", &["leader-set", "c"])), ["cluster-address="]);
    // Options still complete as options.
    assert_eq!(words(&complete("leader-get", &["leader-get", "--fo"])), ["--format"]);

    // Outside a hook context: nothing offered, nothing printed.
    let out = bash_complete("leader-get", &["leader-get", ""], &[("PATH", path.clone().into())]);
    assert!(words(&out).is_empty(), "{:?}", words(&out));
    let direct = Command::new(tools.join("leader-get")).env_clear().env("JUJUC_COMPLETE", "keys").output().unwrap();
    assert_eq!((direct.stdout.len(), direct.stderr.len(), direct.status.code()), (0, 0, Some(0)));
}

#[test]
fn man_pages_render_with_their_sections_and_the_help_text() {
    for (page, words) in [
        ("is-leader", vec!["Print application leadership status.", "guaranteed to", "LEADER=$(is-leader)", "--format"]),
        ("leader-get", vec!["Print application leadership settings.", "ADDRESSS=$(leader-get cluster-leader-address)"]),
        ("leader-set", vec!["Write application leadership settings.", "leader-set cluster-leader-address=10.0.0.123"]),
        ("juju-log", vec!["write a message to the juju log", "--log-level"]),
        ("jujuc", vec!["basename of argv[0]"]),
        ("leaderd", vec!["leaderd-up(1)"]),
        // The page is leaderd-up(1); the command it shows is `leaderd up`, as git-commit(1) shows `git commit`.
        ("leaderd-up", vec!["--lease-guarantee", "SYNOPSIS leaderd up [--charm DIR|FILE] [--app NAME] [--units N]"]),
        ("leaderd-controller", vec!["--max-lease"]),
    ] {
        let file = root().join("man").join(format!("{page}.1"));
        let out = Command::new("man")
            .arg("-l")
            .arg(&file)
            .env("MANWIDTH", "200")
            .env("MAN_KEEP_FORMATTING", "0")
            .env("PAGER", "cat")
            .output()
            .unwrap();
        assert!(out.status.success(), "{page}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).replace(['\u{2010}', '\u{2212}'], "-");
        // man marks bold and underline with backspace overstrikes ("N\bN", "_\bx").
        let chars: Vec<char> = text.chars().collect();
        let plain: String = chars
            .iter()
            .enumerate()
            .filter(|(i, c)| **c != '\u{8}' && chars.get(i + 1) != Some(&'\u{8}'))
            .map(|(_, c)| *c)
            .collect();
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION"] {
            assert!(plain.contains(section), "{page}: no {section} in\n{plain}");
        }
        // A long SYNOPSIS is justified (runs of spaces) and wrapped: compare words, not spacing.
        let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
        for w in words {
            let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(plain.contains(&w) || plain.replace('\u{2019}', "'").contains(&w), "{page}: no {w:?} in\n{plain}");
        }
    }
}

fn have(shell: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {shell}")).output().is_ok_and(|o| o.status.success())
}

#[test]
#[ignore = "needs fish: .ci/run installs it (apt-get install fish)"]
fn fish_completes_flags_and_live_keys() {
    assert!(have("fish"), "fish is not installed (apt-get install -y fish)");
    let agent = Agent::start(true, &[("db-password", "x")]);
    let id = agent.open("debug-hooks");
    let tools = tools_dir(agent.dir.path());
    let path = format!("{}:{}", tools.display(), std::env::var("PATH").unwrap());
    let fish = |line: &str, in_hook: bool| {
        let script = root().join("completions/fish/leader-get.fish");
        let mut cmd = Command::new("fish");
        cmd.arg("--no-config")
            .arg("-c")
            .arg(format!("source '{}'; complete -C '{line}'", script.display()))
            .env_clear()
            .env("PATH", &path)
            .env("HOME", agent.dir.path());
        if in_hook {
            cmd.envs(agent.hook_env(&id).into_iter().filter(|(k, _)| *k != "PATH"));
        }
        let out = cmd.output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(fish("leader-get --", false).contains(&"--format".to_string()));
    assert_eq!(fish("leader-get --format ", false), ["json", "smart", "yaml"]);
    assert_eq!(fish("leader-get d", true), ["db-password"]);
    assert!(fish("leader-get d", false).is_empty());
}

#[test]
#[ignore = "needs zsh: .ci/run installs it (apt-get install zsh)"]
fn zsh_loads_the_completions_and_offers_live_keys() {
    assert!(have("zsh"), "zsh is not installed (apt-get install -y zsh)");
    let agent = Agent::start(true, &[("db-password", "x"), ("cluster-address", "y")]);
    let id = agent.open("debug-hooks");
    let tools = tools_dir(agent.dir.path());
    let path = format!("{}:{}", tools.display(), std::env::var("PATH").unwrap());
    // Drive the completion function with compadd stubbed to print what it is given.
    let program = format!(
        "autoload -U compinit && compinit -u -d {dir}/zcompdump; fpath=({comp} $fpath); autoload -U _leader-get; \
         source {comp}/_leader-get; compadd() {{ print -l -- \"${{@[-2,-1]}}\" | grep -v -- '^--$' }}; \
         words=(leader-get d); CURRENT=2; _leader_get_live",
        dir = agent.dir.path().display(),
        comp = root().join("completions/zsh").display()
    );
    let out = Command::new("zsh")
        .arg("-f")
        .arg("-c")
        .arg(program)
        .env_clear()
        .envs(agent.hook_env(&id).into_iter().filter(|(k, _)| *k != "PATH"))
        .env("PATH", &path)
        .env("HOME", agent.dir.path())
        .output()
        .unwrap();
    let got = String::from_utf8_lossy(&out.stdout);
    assert!(
        got.contains("cluster-address") && got.contains("db-password"),
        "stdout {got:?} stderr {:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "needs bash-completion: .ci/run installs it (apt-get install bash-completion)"]
fn bash_completions_install_as_the_readme_says_and_load_on_demand() {
    let loader = Path::new("/usr/share/bash-completion/bash_completion");
    assert!(loader.exists(), "bash-completion is not installed (apt-get install -y bash-completion)");
    // The README's bash install line, run as written in a clean shell with an empty HOME.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let install = readme
        .lines()
        .find(|l| l.starts_with("install ") && l.contains("bash-completion/completions"))
        .expect("the README's bash install line");
    let home = tempfile::tempdir().unwrap();
    let clean = |program: &str| {
        Command::new("bash")
            .args(["--norc", "--noprofile", "-c", program])
            .current_dir(root())
            .env_clear()
            .env("HOME", home.path())
            .env("PATH", std::env::var_os("PATH").unwrap())
            .output()
            .unwrap()
    };
    let out = clean(install);
    assert!(out.status.success(), "{install}: {}", String::from_utf8_lossy(&out.stderr));
    // What an interactive Debian bash does (/etc/bash.bashrc), then a Tab on each command:
    // bash-completion finds the script in ~/.local/share/bash-completion/completions.
    let complete = |command: &str, typed: &[&str]| {
        let program = format!(
            "source {}; _completion_loader {command}; f=$(complete -p {command} | sed -E 's/.*-F ([^ ]+) .*/\\1/'); \
             COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; \
             \"$f\" {command} '{current}' '{previous}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            loader.display(),
            words = typed.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" "),
            cword = typed.len() - 1,
            line = typed.join(" "),
            current = typed.last().unwrap(),
            previous = typed[typed.len() - 2],
        );
        words(&clean(&program))
    };
    assert!(complete("leaderd", &["leaderd", "debug-"]).contains(&"debug-log".to_string()));
    assert!(complete("leaderd", &["leaderd", "time"]).contains(&"timeline".to_string()));
    assert_eq!(complete("leader-get", &["leader-get", "--format", ""]), ["json", "smart", "yaml"]);
    assert!(complete("is-leader", &["is-leader", "--f"]).contains(&"--format".to_string()));
}

#[test]
fn completions_into_a_closed_pipe_end_quietly() {
    // `leaderd completions bash | head -1`: the reader is gone before the script is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaderd"))
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "no panic, no error");
}
