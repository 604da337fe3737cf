//! The juju/cmd + gnuflag behaviour every hook tool shares: clap holds each
//! tool's definition and parses it; this module makes the result look like Juju: the order in
//! which gnuflag notices `-h` and option errors, Juju's wording for those errors, the help
//! layout, and the `--format` / `-o` output options.
//!
//! A tool's clap `Command` carries juju/cmd's `Info`: `override_usage` is `Args`, `about` is
//! `Purpose`, `long_about` is `Doc` and `after_long_help` is `Examples`.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;

use clap::error::ContextKind;
use clap::{Arg, ArgAction, ArgMatches, Command};

use leaderd_core::format::Format;
use leaderd_core::gocompat::{go_parse_bool, go_quote};

/// An error Juju reports before Run (flag parsing or Init): `ERROR <msg>`, exit 2.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageError(pub String);

/// The result of parsing a tool's command line.
pub enum Parsed {
    /// `-h`/`--help` was seen before any error: print the help, exit 0.
    Help(String),
    Matches(ArgMatches),
    /// An option error that came after a well-formed `-r`: Juju checks that relation while it
    /// parses, so if it is not the unit's, that is the error; else this one.
    AfterRelation {
        spelling: String,
        value: String,
        error: String,
    },
    /// An option error that came after a well-formed `-s` (storage-get): Juju looks that
    /// storage instance up while it parses, so if the unit has none such, that is the error.
    AfterStorage {
        id: String,
        error: String,
    },
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
            .help(format!("Specify output format ({})", Format::NAMES.join("|"))),
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
        let format = m.get_one::<String>("format").map(|s| Format::parse(s).unwrap()).unwrap_or_default();
        let path = m.get_one::<OsString>("output").filter(|p| !p.is_empty()).cloned();
        OutputOptions { format, path }
    }
}

/// The positional arguments, in order.
pub fn positionals(m: &ArgMatches) -> Vec<OsString> {
    m.get_many::<OsString>(ARGS).map(|v| v.cloned().collect()).unwrap_or_default()
}

/// Parses `args` the way gnuflag would, with clap doing the parsing proper.
pub fn parse(cmd: Command, args: &[OsString]) -> Result<Parsed, UsageError> {
    let mut cmd = relation_spelling(cmd);
    cmd.build();
    let (mut relation, mut storage) = (None, None);
    let canonical = match gnuflag_scan(&cmd, args, &mut relation, &mut storage) {
        Scan::Help => return Ok(Parsed::Help(help(&cmd))),
        Scan::Error(error) => match (relation, storage) {
            (Some((spelling, value)), _) => return Ok(Parsed::AfterRelation { spelling, value, error }),
            (None, Some(id)) => return Ok(Parsed::AfterStorage { id, error }),
            (None, None) => return Err(UsageError(error)),
        },
        Scan::Canonical(canonical) => canonical,
    };
    cmd.try_get_matches_from_mut(canonical).map(Parsed::Matches).map_err(|e| UsageError(juju_words(&e)))
}

enum Scan {
    Help,
    Error(String),
    /// The same arguments spelled so that clap reads them as gnuflag did.
    Canonical(Vec<OsString>),
}

/// gnuflag's `flagWithMinus`: one *byte* gets one dash, anything longer two.
fn flag_with_minus(name: &str) -> String {
    if name.len() > 1 {
        format!("--{name}")
    } else {
        format!("-{name}")
    }
}

/// Walks the arguments exactly as juju/gnuflag's `parseOneGnu`/`parseGnuFlagArg` do, stopping
/// at the first of `-h`/`--help`, an undefined option, a missing value or a value its option
/// refuses. Short and long names share one namespace (`--o` is `-o`); `=` splits a value only
/// from a long name (`-o=x` writes to a file named `=x`); a value-taking option takes the next
/// argument whatever it looks like.
/// `relation` is set to the spelling and value of a well-formed `-r` once one has been read.
fn gnuflag_scan(
    cmd: &Command,
    args: &[OsString],
    relation: &mut Option<(String, String)>,
    storage: &mut Option<String>,
) -> Scan {
    let find = |name: &str| {
        cmd.get_arguments().filter(|a| !a.is_positional() && a.get_id() != super::relation::RELATION_SPELLING).find(
            |a| {
                a.get_long() == Some(name)
                    || a.get_visible_aliases().is_some_and(|aliases| aliases.contains(&name))
                    || (name.chars().count() == 1 && a.get_short() == name.chars().next())
            },
        )
    };
    let mut out = Vec::with_capacity(args.len());
    let mut i = 0;
    while i < args.len() {
        let bytes = args[i].as_encoded_bytes();
        i += 1;
        if bytes == b"--" {
            out.push(OsString::from("--"));
            out.extend(args[i..].iter().cloned());
            break;
        }
        if bytes.len() < 2 || bytes[0] != b'-' {
            out.push(args[i - 1].clone());
            continue;
        }
        // Each option named by this word, with the value attached to it, if any.
        let mut pending: Vec<(String, Option<String>)> = Vec::new();
        let text = String::from_utf8_lossy(&bytes[1..]).into_owned();
        if let Some(long) = text.strip_prefix('-') {
            match long.split_once('=') {
                Some(("", _)) => {
                    return Scan::Error(format!("empty flag in argument {}", go_quote(&args[i - 1].to_string_lossy())))
                }
                Some((name, value)) => pending.push((name.to_string(), Some(value.to_string()))),
                None => pending.push((long.to_string(), None)),
            }
        } else {
            // A cluster of one-rune options; a value-taking one swallows the rest of the word.
            for (pos, c) in text.char_indices() {
                let name = c.to_string();
                let takes_value = find(&name).is_some_and(|a| matches!(a.get_action(), ArgAction::Set));
                let rest = &text[pos + c.len_utf8()..];
                if takes_value && !rest.is_empty() {
                    pending.push((name, Some(rest.to_string())));
                    break;
                }
                pending.push((name, None));
            }
        }
        for (name, attached) in pending {
            let Some(flag) = find(&name) else {
                if name == "h" || name == "help" {
                    return Scan::Help;
                }
                return Scan::Error(format!("option provided but not defined: {}", flag_with_minus(&name)));
            };
            if flag.get_id() == "help" {
                return Scan::Help;
            }
            let canonical_name = match flag.get_long() {
                Some(long) => format!("--{long}"),
                None => format!("-{}", flag.get_short().unwrap_or_default()),
            };
            if is_bool(flag) && attached.is_none() {
                out.push(OsString::from(canonical_name));
                continue;
            }
            let value = match attached {
                Some(value) => OsString::from(value),
                None if i < args.len() => {
                    i += 1;
                    args[i - 1].clone()
                }
                None => return Scan::Error(format!("option needs an argument: {}", flag_with_minus(&name))),
            };
            let value_text = value.to_string_lossy().into_owned();
            let refused = |reason: String| {
                Scan::Error(format!(
                    "invalid value {} for option {}: {reason}",
                    go_quote(&value_text),
                    flag_with_minus(&name)
                ))
            };
            let value = if is_bool(flag) {
                match go_parse_bool(&value_text) {
                    Some(b) => OsString::from(b.to_string()),
                    None => {
                        return refused(format!("strconv.ParseBool: parsing {}: invalid syntax", go_quote(&value_text)))
                    }
                }
            } else {
                value
            };
            // An output `--format` (with its possible values; juju-log's is a free string). A tool
            // may offer fewer formats than there are (secret-get: json and yaml).
            if flag.get_id() == "format" && !flag.get_possible_values().is_empty() {
                let offered = flag.get_possible_values().iter().any(|p| p.get_name() == value_text);
                if !offered {
                    return refused(leaderd_core::format::UnknownFormat(value_text.clone()).to_string());
                }
            }
            // A Go int option (gnuflag's IntVar: strconv.ParseInt with base 0).
            let value = if INT_OPTIONS.contains(&flag.get_id().as_str()) {
                match go_parse_int(&value_text) {
                    Ok(n) => OsString::from(n.to_string()),
                    Err(reason) => {
                        return refused(format!("strconv.ParseInt: parsing {}: {reason}", go_quote(&value_text)))
                    }
                }
            } else {
                value
            };
            // `-r/--relation`: juju's relationIdValue refuses a malformed id while parsing (the
            // relation's existence is checked once the hook context can be asked).
            if flag.get_id() == super::relation::RELATION {
                if let Err(e) = leaderd_core::relations::parse_relation_id(&value_text) {
                    return Scan::Error(super::relation::not_valid(&flag_with_minus(&name), &value_text, e).0);
                }
                out.push(OsString::from(format!(
                    "--{}={}",
                    super::relation::RELATION_SPELLING,
                    flag_with_minus(&name)
                )));
                *relation = Some((flag_with_minus(&name), value_text.clone()));
            }
            // storage-get's `-s`: juju's storageIdValue refuses a malformed id while parsing (the
            // instance is looked up once the hook context can be asked).
            if flag.get_id() == super::storage::STORAGE_ID {
                if !leaderd_core::storage::valid_storage_id(&value_text) {
                    return Scan::Error(super::storage::invalid_id(&value_text));
                }
                *storage = Some(value_text.clone());
            }
            // One token, `--name=value`: clap splits at the first `=` and keeps the rest.
            let mut token = OsString::from(format!("{canonical_name}="));
            token.push(value);
            out.push(token);
        }
    }
    Scan::Canonical(out)
}

/// A Go bool option: `--name`, or `--name=false` (gnuflag's `BoolVar`; see `is_bool`).
pub fn bool_flag(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .num_args(0..=1)
        .require_equals(true)
        .default_value("false")
        .default_missing_value("true")
        .value_parser(clap::value_parser!(bool))
        .help(help)
}

/// A boolean option: `--debug` alone, or `--debug=<Go bool>`. Marked by `require_equals`.
fn is_bool(arg: &Arg) -> bool {
    arg.is_require_equals_set()
}

/// After the gnuflag scan clap only sees canonical arguments, so it should not fail; if it
/// does, say so plainly rather than in clap's voice.
fn juju_words(err: &clap::Error) -> String {
    let what = err.get(ContextKind::InvalidArg).map(|v| v.to_string()).unwrap_or_default();
    format!("invalid arguments {what}").trim_end().to_string()
}

/// juju/cmd `Info.Help`: Usage, Summary, Options, Details, Examples.
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
    if let Some((_, see_also)) = SEE_ALSO.iter().find(|(name, _)| *name == cmd.get_name()) {
        out.push_str("\nSee also:\n");
        for entry in *see_also {
            let _ = writeln!(out, " - {entry}");
        }
    }
    out
}

/// juju/cmd `Info.SeeAlso` of the tools that have one (only the state tools in Juju 3.6.0).
const SEE_ALSO: &[(&str, &[&str])] = &[
    ("state-get", &["state-delete", "state-set"]),
    ("state-set", &["state-delete", "state-get"]),
    ("state-delete", &["state-get", "state-set"]),
];

/// Options whose Go type is a custom `gnuflag.Value` (a relation id, juju/cmd's `FileVar`),
/// whose default `PrintDefaults` shows unquoted, like a bool's; and the `juju` front end's Go
/// int, uint and duration options (`--num-units`, `debug-log --lines/--limit`, `run --wait`),
/// shown the same way.
const VALUE_TYPE_OPTIONS: &[&str] =
    &[super::relation::RELATION, "file", "k8s-resources", "revision", "s", "num-units", "lines", "limit", "wait"];

/// Options that are Go ints (gnuflag `IntVar`), by id.
const INT_OPTIONS: &[&str] = &["revision", "num-units"];

/// Go's `strconv.ParseInt(s, 0, 64)`: an optional sign, then `0x`/`0o`/`0b`/`0` prefixed or
/// decimal digits, `_` allowed between digits only with a prefix; the error's reason.
fn go_parse_int(text: &str) -> Result<i64, &'static str> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body, prefixed) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest.to_string(), true)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest.to_string(), true)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    // Go's underscoreOK: only after a base prefix, and only between digits (or after it).
    let underscores_ok = prefixed && !body.ends_with('_') && !body.contains("__");
    let body: String = if body.contains('_') {
        if !underscores_ok {
            return Err("invalid syntax");
        }
        body.replace('_', "")
    } else {
        body
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return Err("invalid syntax");
    }
    let magnitude = u64::from_str_radix(&body, radix).map_err(|_| "value out of range")?;
    if negative {
        if magnitude > i64::MAX as u64 + 1 {
            return Err("value out of range");
        }
        Ok((magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).map_err(|_| "value out of range")
    }
}

/// Adds the hidden option through which the gnuflag scan tells Init how `-r` was spelled (only
/// while parsing, so help, man pages and completions never see it).
fn relation_spelling(cmd: Command) -> Command {
    if !cmd.get_arguments().any(|a| a.get_id() == super::relation::RELATION) {
        return cmd;
    }
    cmd.arg(Arg::new(super::relation::RELATION_SPELLING).long(super::relation::RELATION_SPELLING).hide(true))
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
            // Other names of the same Go variable (secret-revoke's `--app, --application`).
            names.extend(a.get_visible_aliases().unwrap_or_default().into_iter().map(|l| format!("--{l}")));
            let sort_key = a.get_short().map(String::from).or(a.get_long().map(String::from)).unwrap_or_default();
            let default = a.get_default_values().first().map(|d| d.to_string_lossy().into_owned());
            // A plain Go string option (quoted default) unless it is a custom value type like
            // --format; hidden possible values are only completion hints.
            let is_plain_string = matches!(a.get_action(), ArgAction::Set)
                && (a.get_possible_values().is_empty() || a.is_hide_possible_values_set())
                && !is_bool(a)
                && !VALUE_TYPE_OPTIONS.contains(&a.get_id().as_str());
            let head = if is_plain_string {
                format!("{} (= {})", names.join(", "), go_quote(&default.unwrap_or_default()))
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
pub(crate) fn require_utf8(arg: &OsStr) -> Result<&str, UsageError> {
    arg.to_str().ok_or_else(|| {
        UsageError(format!(
            "argument {} is not valid UTF-8",
            leaderd_core::format::go_quote_bytes(arg.as_encoded_bytes())
        ))
    })
}

/// juju/cmd `CheckEmpty`'s error: `unrecognized args: ["a" "b"]` (Go's `%q` of a `[]string`).
pub fn unrecognized(args: &[OsString]) -> UsageError {
    let quoted: Vec<String> = args.iter().map(|a| leaderd_core::format::go_quote_bytes(a.as_encoded_bytes())).collect();
    UsageError(format!("unrecognized args: [{}]", quoted.join(" ")))
}
