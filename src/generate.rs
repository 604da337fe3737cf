//! The committed shell completions (`completions/`) and man pages (`man/`), generated from the
//! same clap definitions the binaries parse with. `leaderd generate` writes them; a test fails
//! when the committed files differ from what this code generates.
//!
//! Completion covers the flags of every hook tool and of `leaderd` with its subcommands,
//! `--format` values and `juju-log -l` levels (clap_complete, five shells), plus live keys for
//! `leader-get` and `leader-set` in bash, zsh and fish: a few lines per shell that ask jujuc for
//! the hook's keys (`JUJUC_COMPLETE=keys leader-get`), which prints nothing outside a hook.

use std::path::PathBuf;

use clap::{Arg, Command};
use clap_complete::Shell;

use jujuc::tools;

/// Every generated file: its path relative to the repository root, and its bytes.
pub fn files(leaderd: Command) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut commands: Vec<Command> = tools::TOOLS.iter().map(tool).collect();
    commands.push(leaderd);
    for command in &commands {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Elvish, Shell::PowerShell] {
            let name = command.get_name().to_string();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command.clone(), &name, &mut script);
            let mut script = String::from_utf8(script).expect("completion scripts are UTF-8");
            if let Some(suffix) = live_keys_suffix(&name) {
                script = add_live_keys(shell, &name, suffix, script);
            }
            out.push((completion_path(shell, &name), script.into_bytes()));
        }
    }
    for command in commands.into_iter().chain([jujuc()]) {
        man_pages(command, &mut out);
    }
    out.sort();
    out
}

/// A tool's command as its users see it: named after the tool, help flags shown.
fn tool(tool: &tools::Tool) -> Command {
    let command = (tool.command)().mut_arg("help", |a| a.hide(false));
    match tool.positional {
        Some((value_name, help)) => {
            command.mut_arg(tools::cmd::ARGS, |a| a.hide(false).value_name(value_name).help(help))
        }
        None => command,
    }
}

/// The multicall binary itself, for its man page.
fn jujuc() -> Command {
    Command::new("jujuc")
        .about("The Juju hook tools in one binary: is-leader, leader-get, leader-set, juju-log")
        .long_about(
            "jujuc acts as the hook tool named by the basename of argv[0], so the tools are symlinks \
             to it; `jujuc TOOL ARGS...` works too. The unit agent puts a directory of such \
             symlinks first on every hook's PATH. Each tool talks to the agent over the unix socket \
             in JUJU_AGENT_SOCKET_ADDRESS, in the hook context JUJU_CONTEXT_ID. See is-leader(1), \
             leader-get(1), leader-set(1), juju-log(1) and leaderd(1).",
        )
        .arg(Arg::new("tool").value_name("TOOL").help("is-leader, leader-get, leader-set or juju-log"))
        .arg(Arg::new("args").value_name("ARGS").num_args(0..).help("The tool's arguments"))
}

fn live_keys_suffix(name: &str) -> Option<&'static str> {
    tools::tool(name).and_then(|t| t.live_keys)
}

fn completion_path(shell: Shell, name: &str) -> PathBuf {
    let file = match shell {
        Shell::Bash => name.to_string(),
        Shell::Zsh => format!("_{name}"),
        Shell::Fish => format!("{name}.fish"),
        Shell::Elvish => format!("{name}.elv"),
        _ => format!("{name}.ps1"),
    };
    PathBuf::from("completions").join(shell.to_string()).join(file)
}

/// Wraps the generated completion so that a word that is not an option (nor an option's value)
/// is completed with the hook's keys.
fn add_live_keys(shell: Shell, name: &str, suffix: &str, script: String) -> String {
    let function = format!("_{}", name.replace('-', "_"));
    match shell {
        Shell::Bash => {
            // clap_complete names bash functions with `-` doubled to `__`.
            let bash_static = format!("_{}", name.replace('-', "__"));
            let nospace = if suffix.is_empty() { "" } else { "\n        compopt -o nospace" };
            format!(
                "{script}
# Live keys: the hook's sandboxed leader settings, from the unit agent (one request).
{function}_live() {{
    local cur=\"${{COMP_WORDS[COMP_CWORD]}}\" prev=\"${{COMP_WORDS[COMP_CWORD-1]}}\"
    if [[ \"$cur\" != -* && \"$prev\" != --format && \"$prev\" != -o && \"$prev\" != --output ]]; then
        COMPREPLY=($(compgen -W \"$(JUJUC_COMPLETE=keys \"${{COMP_WORDS[0]}}\" 2>/dev/null)\" -- \"$cur\")){nospace}
        return 0
    fi
    {bash_static} \"$@\"
}}
complete -F {function}_live -o nosort -o bashdefault -o default {name}
"
            )
        }
        Shell::Zsh => {
            // clap's function becomes the fallback; its own dispatch block at the end is
            // replaced by one that goes through the live-keys function.
            let static_fn = format!("{function}_static");
            let dispatch = format!("if [ \"$funcstack[1]\" = \"_{name}\" ]; then");
            let body = script.find(&dispatch).map_or(script.as_str(), |end| &script[..end]);
            let renamed = body.replace(&format!("_{name}()"), &format!("{static_fn}()"));
            let nospace = if suffix.is_empty() { "" } else { " -S ''" };
            format!(
                "{renamed}
# Live keys: the hook's sandboxed leader settings, from the unit agent (one request).
{function}_live() {{
    if [[ \"$words[CURRENT]\" != -* && \"$words[CURRENT-1]\" != (--format|-o|--output) ]]; then
        local -a keys
        keys=(${{(f)\"$(JUJUC_COMPLETE=keys $words[1] 2>/dev/null)\"}})
        compadd{nospace} -- $keys
    else
        {static_fn} \"$@\"
    fi
}}
if [ \"$funcstack[1]\" = \"_{name}\" ]; then
    {function}_live \"$@\"
else
    compdef {function}_live {name}
fi
"
            )
        }
        Shell::Fish => {
            format!(
                "{script}# Live keys: the hook's sandboxed leader settings, from the unit agent (one request).
complete -c {name} -f -n 'not string match -q -- \"-*\" (commandline -ct)' -a '(JUJUC_COMPLETE=keys {name} 2>/dev/null)'
"
            )
        }
        _ => script,
    }
}

/// One page per command and per subcommand (`leaderd-up(1)`...): the page is named with a
/// dash, as git-commit(1), and its SYNOPSIS shows the command as typed, `leaderd up`
/// (clap_mangen takes the SYNOPSIS from the bin name, the title and NAME from the name).
fn man_pages(command: Command, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let command = command.disable_help_subcommand(true);
    out.push((PathBuf::from("man").join(format!("{}.1", command.get_name())), man_page(&command)));
    for sub in command.get_subcommands() {
        let name = format!("{}-{}", command.get_name(), sub.get_name());
        let typed = format!("{} {}", command.get_name(), sub.get_name());
        let sub = sub.clone().name(name.clone()).display_name(name.clone()).bin_name(typed);
        out.push((PathBuf::from("man").join(format!("{name}.1")), man_page(&sub)));
    }
}

/// One man page, its SYNOPSIS naming each option's value (`[--charm DIR]`), which
/// clap_mangen leaves out.
fn man_page(command: &Command) -> Vec<u8> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page).expect("rendering to memory");
    let page = String::from_utf8(page).expect("man pages are UTF-8");
    let mut lines: Vec<String> = page.lines().map(String::from).collect();
    if let Some(i) = lines.iter().position(|l| l == ".SH SYNOPSIS") {
        if let Some(synopsis) = lines.get_mut(i + 1) {
            for arg in command.get_arguments().filter(|a| !a.is_hide_set() && a.get_action().takes_values()) {
                let (Some(long), Some(value)) = (arg.get_long(), arg.get_value_names().and_then(|v| v.first())) else {
                    continue;
                };
                let flag = format!("\\fB\\-\\-{}\\fR", long.replace('-', "\\-"));
                let with_value = format!("{flag} \\fI{}\\fR", value.as_str().replace('-', "\\-"));
                for close in ["]", ">"] {
                    *synopsis = synopsis.replacen(&format!("{flag}{close}"), &format!("{with_value}{close}"), 1);
                }
            }
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text.into_bytes()
}

/// The completion script for one shell: every tool's and `leaderd`'s, in one file, for
/// `leaderd completions SHELL` (source it, or drop it in the shell's completion directory).
pub(crate) fn completions_for(shell: Shell, leaderd: Command) -> String {
    files(leaderd)
        .into_iter()
        .filter(|(path, _)| path.starts_with(PathBuf::from("completions").join(shell.to_string())))
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}
