//! The juju/cmd + gnuflag behaviour every hook tool shares (spec 1.1, 1.5): clap holds each
//! tool's definition and parses it; this module makes the result look like Juju: the order in
//! which gnuflag notices `-h` and option errors, Juju's wording for those errors, the help
//! layout, and the `--format` / `-o` output options.
//!
//! A tool's clap `Command` carries juju/cmd's `Info`: `override_usage` is `Args`, `about` is
//! `Purpose`, `long_about` is `Doc` and `after_long_help` is `Examples`.

use std::error::Error as _;
use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::format::{go_quote, Format};

/// An error Juju reports before Run (flag parsing or Init): `ERROR <msg>`, exit 2.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageError(pub String);

/// The result of parsing a tool's command line.
pub enum Parsed {
    /// `-h`/`--help` was seen before any error: print the help, exit 0.
    Help(String),
    Matches(ArgMatches),
}

/// The hidden positional that collects every non-option argument, as gnuflag's `f.Args()`.
pub const ARGS: &str = "args";

/// A tool's clap command with the settings every hook tool shares: no binary name in the
/// argument list, our own `-h/--help`, interspersed positionals (kept as `OsString` so that
/// non-UTF-8 input reaches the tool's own validation), and the last of a repeated option wins.
pub fn tool_command(name: &'static str, usage_args: &'static str) -> Command {
    Command::new(name)
        .no_binary_name(true)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .args_override_self(true)
        .override_usage(usage_args)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::SetTrue)
                .help("Show help on a command or other topic.")
                .hide(true),
        )
        .arg(
            Arg::new(ARGS)
                .action(ArgAction::Append)
                .num_args(0..)
                .value_parser(clap::builder::OsStringValueParser::new())
                .hide(true),
        )
}

/// `--format` and `-o/--output` (juju/cmd `Output.AddFlags` with `smart` as the default).
pub fn output_args(cmd: Command) -> Command {
    cmd.arg(
        Arg::new("format")
            .long("format")
            .value_name("FORMAT")
            .default_value("smart")
            .value_parser(Format::NAMES)
            .allow_hyphen_values(true)
            .help(format!(
                "Specify output format ({})",
                Format::NAMES.join("|")
            )),
    )
    .arg(
        Arg::new("output")
            .short('o')
            .long("output")
            .value_name("FILE")
            .default_value("")
            .value_parser(clap::builder::OsStringValueParser::new())
            .value_hint(clap::ValueHint::FilePath)
            .allow_hyphen_values(true)
            .help("Specify an output file"),
    )
}

/// Where a formatted value goes: stdout, or a file that jujuc writes itself.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputOptions {
    pub format: Format,
    pub path: Option<OsString>,
}

impl OutputOptions {
    pub fn from_matches(m: &ArgMatches) -> OutputOptions {
        let format = m
            .get_one::<String>("format")
            .map(|s| Format::parse(s).unwrap())
            .unwrap_or_default();
        let path = m
            .get_one::<OsString>("output")
            .filter(|p| !p.is_empty())
            .cloned();
        OutputOptions { format, path }
    }
}

/// The positional arguments, in order.
pub fn positionals(m: &ArgMatches) -> Vec<OsString> {
    m.get_many::<OsString>(ARGS)
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}

/// Parses `args` the way gnuflag would, with clap doing the parsing proper.
pub fn parse(cmd: Command, args: &[OsString]) -> Result<Parsed, UsageError> {
    let mut cmd = cmd;
    cmd.build();
    // gnuflag stops at the first of: -h/--help, an unknown option, an option missing its
    // value. clap reports whichever it prefers, so scan first to keep Juju's order.
    match first_event(&cmd, args) {
        Some(Event::Help) => return Ok(Parsed::Help(help(&cmd))),
        Some(Event::Undefined(name)) => {
            return Err(UsageError(format!(
                "option provided but not defined: {name}"
            )))
        }
        Some(Event::MissingValue(name)) => {
            return Err(UsageError(format!("option needs an argument: {name}")))
        }
        None => {}
    }
    cmd.try_get_matches_from_mut(args)
        .map(Parsed::Matches)
        .map_err(|e| UsageError(juju_words(&e, args)))
}

enum Event {
    Help,
    Undefined(String),
    MissingValue(String),
}

/// Walks the arguments in gnuflag's order and reports the first thing that stops parsing.
fn first_event(cmd: &Command, args: &[OsString]) -> Option<Event> {
    let takes_value = |a: &Arg| matches!(a.get_action(), ArgAction::Set | ArgAction::Append);
    let flags: Vec<&Arg> = cmd.get_arguments().filter(|a| !a.is_positional()).collect();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_encoded_bytes();
        i += 1;
        if arg == b"--" {
            return None;
        }
        if let Some(long) = arg.strip_prefix(b"--") {
            let (name, has_value) = match long.iter().position(|&b| b == b'=') {
                Some(eq) => (&long[..eq], true),
                None => (long, false),
            };
            let name = String::from_utf8_lossy(name);
            let Some(flag) = flags.iter().find(|a| a.get_long() == Some(&*name)) else {
                return Some(Event::Undefined(format!("--{name}")));
            };
            if flag.get_id() == "help" {
                return Some(Event::Help);
            }
            if takes_value(flag) && !has_value {
                if i == args.len() {
                    return Some(Event::MissingValue(format!("--{name}")));
                }
                i += 1;
            }
        } else if arg.len() > 1 && arg[0] == b'-' {
            // A cluster of one-letter options; a value-taking one swallows the rest.
            let cluster = String::from_utf8_lossy(&arg[1..]).into_owned();
            for (pos, c) in cluster.char_indices() {
                let Some(flag) = flags.iter().find(|a| a.get_short() == Some(c)) else {
                    return Some(Event::Undefined(format!("-{c}")));
                };
                if flag.get_id() == "help" {
                    return Some(Event::Help);
                }
                if takes_value(flag) {
                    if pos + c.len_utf8() == cluster.len() {
                        if i == args.len() {
                            return Some(Event::MissingValue(format!("-{c}")));
                        }
                        i += 1;
                    }
                    break;
                }
            }
        }
    }
    None
}

/// Juju's words for what clap found wrong (only value errors remain after the scan).
fn juju_words(err: &clap::Error, args: &[OsString]) -> String {
    let context = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(" "),
        _ => String::new(),
    };
    let option = context(ContextKind::InvalidArg);
    let option = option
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches('=');
    // clap names an option by its long form; say it the way the caller spelled it.
    let spelled = args
        .iter()
        .filter_map(|a| a.to_str())
        .map(|a| a.split('=').next().unwrap_or(a))
        .find(|a| *a == option)
        .unwrap_or(option)
        .to_string();
    match err.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = context(ContextKind::InvalidValue);
            let reason = match option {
                "--format" => Format::parse(&value).err().unwrap_or_default(),
                _ => match err.source() {
                    Some(source) => source.to_string(),
                    None => format!("invalid value {}", go_quote(&value)),
                },
            };
            format!(
                "invalid value {} for option {spelled}: {reason}",
                go_quote(&value)
            )
        }
        _ => err
            .kind()
            .as_str()
            .unwrap_or("invalid arguments")
            .to_string(),
    }
}

/// juju/cmd `Info.Help`: Usage, Summary, Options, Details, Examples (spec 1.5).
pub fn help(cmd: &Command) -> String {
    let mut out = String::new();
    let options = option_groups(cmd);
    let _ = write!(out, "Usage: {}", cmd.get_name());
    if !options.is_empty() {
        out.push_str(" [options]");
    }
    // `override_usage` holds juju/cmd's `Args`; clap renders it after "Usage: ".
    let rendered = cmd.clone().render_usage().to_string();
    let usage_args = rendered.trim_start_matches("Usage:").trim();
    if !usage_args.is_empty() {
        let _ = write!(out, " {usage_args}");
    }
    out.push('\n');
    if let Some(purpose) = cmd.get_about() {
        let _ = write!(out, "\nSummary:\n{}\n", purpose.to_string().trim());
    }
    if !options.is_empty() {
        out.push_str("\nOptions:\n");
        for group in &options {
            out.push_str(group);
        }
    }
    if let Some(doc) = cmd.get_long_about() {
        let _ = write!(out, "\nDetails:\n{}\n", doc.to_string().trim());
    }
    if let Some(examples) = cmd.get_after_long_help() {
        let _ = write!(out, "\nExamples:\n{examples}");
    }
    out
}

/// gnuflag `PrintDefaults`: names shortest first, groups sorted by their first name; plain
/// string options show a Go-quoted default after one space, other types an unquoted default
/// after two.
fn option_groups(cmd: &Command) -> Vec<String> {
    let mut groups: Vec<(String, String)> = cmd
        .get_arguments()
        .filter(|a| !a.is_positional() && !a.is_hide_set())
        .map(|a| {
            let mut names = Vec::new();
            if let Some(s) = a.get_short() {
                names.push(format!("-{s}"));
            }
            if let Some(l) = a.get_long() {
                names.push(format!("--{l}"));
            }
            let sort_key = a
                .get_short()
                .map(String::from)
                .or(a.get_long().map(String::from))
                .unwrap_or_default();
            let default = a
                .get_default_values()
                .first()
                .map(|d| d.to_string_lossy().into_owned());
            let is_plain_string =
                matches!(a.get_action(), ArgAction::Set) && a.get_possible_values().is_empty();
            let head = if is_plain_string {
                format!(
                    "{} (= {})",
                    names.join(", "),
                    go_quote(&default.unwrap_or_default())
                )
            } else {
                let default = default.unwrap_or_else(|| "false".into());
                format!("{}  (= {default})", names.join(", "))
            };
            let usage = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            (sort_key, format!("{head}\n    {usage}\n"))
        })
        .collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    groups.into_iter().map(|(_, text)| text).collect()
}

/// The message of an argument that is not valid UTF-8, for tools whose arguments become keys,
/// values or settings (Juju's strings are bytes; our wire format is JSON, so we refuse them
/// clearly instead of guessing).
pub fn require_utf8(arg: &OsStr) -> Result<&str, UsageError> {
    arg.to_str().ok_or_else(|| {
        UsageError(format!(
            "argument {} is not valid UTF-8",
            crate::format::go_quote_bytes(arg.as_encoded_bytes())
        ))
    })
}

/// juju/cmd `CheckEmpty`'s error: `unrecognized args: ["a" "b"]` (Go's `%q` of a `[]string`).
pub fn unrecognized(args: &[OsString]) -> UsageError {
    let quoted: Vec<String> = args
        .iter()
        .map(|a| crate::format::go_quote_bytes(a.as_encoded_bytes()))
        .collect();
    UsageError(format!("unrecognized args: [{}]", quoted.join(" ")))
}
