//! What the model commands that reuse leaderd's operator commands (`src/local/*.rs`) share: the
//! model's state directory, their errors as `juju` prints them, and the options Juju gives them
//! (`--format` with a command's own formats, Go durations).

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches};
use jujuc::tools::cmd::UsageError;

use super::model::Model;
use super::RunError;

/// The state directory of the model `--model` (or the current one) names.
pub(crate) fn state(matches: &ArgMatches) -> Result<PathBuf, RunError> {
    Ok(Model::resolve(matches)?.dir)
}

/// An operator command's error as `ERROR <words>`: every cause, control characters spelled out.
pub(crate) fn failed(e: anyhow::Error) -> RunError {
    RunError(leaderd_sys::events::printable(&format!("{e:#}")).into_owned())
}

/// A string option's value.
pub(crate) fn string(matches: &ArgMatches, id: &str) -> Option<String> {
    matches.get_one::<String>(id).cloned()
}

/// An option that takes a value (gnuflag's `StringVar`).
pub(crate) fn option(name: &'static str, value_name: &'static str, help: &'static str) -> Arg {
    Arg::new(name).long(name).action(ArgAction::Set).value_name(value_name).allow_hyphen_values(true).help(help)
}

/// `--format` with the formats a command offers (juju/cmd `Output.AddFlags`), checked as gnuflag
/// checks them: `invalid value "x" for option --format: unknown format "x"`.
pub(crate) fn format_option(formats: &'static [&'static str], default: &'static str) -> Arg {
    Arg::new("format")
        .long("format")
        .value_name("FORMAT")
        .default_value(default)
        .value_parser(formats.to_vec())
        .allow_hyphen_values(true)
        .help(format!("Specify output format ({})", formats.join("|")))
}

/// Go's `time.ParseDuration`, as gnuflag's `DurationVar` reads a duration option: a sequence
/// of decimal numbers, each with an optional fraction and a unit (`ns`, `us`, `µs`, `ms`, `s`,
/// `m`, `h`), an optional sign, or `0`. Negative durations come back as zero (Juju's waits
/// treat them as no wait).
pub(crate) fn go_duration(text: &str) -> Result<std::time::Duration, String> {
    let invalid = || format!("time: invalid duration {}", leaderd_core::gocompat::go_quote(text));
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut seconds = 0f64;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(format!("time: missing unit in duration {}", leaderd_core::gocompat::go_quote(text))),
            unit => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    leaderd_core::gocompat::go_quote(unit),
                    leaderd_core::gocompat::go_quote(text)
                ))
            }
        };
        seconds += value * scale;
        rest = &rest[unit_len..];
    }
    if negative {
        return Ok(std::time::Duration::ZERO);
    }
    std::time::Duration::try_from_secs_f64(seconds).map_err(|_| invalid())
}

/// A duration option's value, refused in gnuflag's words.
pub(crate) fn duration(matches: &ArgMatches, id: &str) -> Result<Option<std::time::Duration>, UsageError> {
    let Some(text) = string(matches, id) else { return Ok(None) };
    go_duration(&text).map(Some).map_err(|why| {
        UsageError(format!("invalid value {} for option --{id}: {why}", leaderd_core::gocompat::go_quote(&text)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations_read_as_gos_time_parse_duration() {
        assert_eq!(go_duration("0.001s"), Ok(Duration::from_millis(1)));
        assert_eq!(go_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(go_duration("0"), Ok(Duration::ZERO));
        assert_eq!(go_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(go_duration("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(go_duration("x"), Err("time: invalid duration \"x\"".into()));
        assert_eq!(go_duration("10"), Err("time: missing unit in duration \"10\"".into()));
        assert_eq!(go_duration("3d"), Err("time: unknown unit \"d\" in duration \"3d\"".into()));
        assert_eq!(go_duration(""), Err("time: invalid duration \"\"".into()));
    }
}

/// What the model commands' unit tests share.
#[cfg(test)]
pub(crate) mod testing {
    use std::ffi::OsString;

    /// `juju ARGS`: (stdout, stderr, exit code).
    pub(crate) fn juju(args: &[&str]) -> (String, String, u8) {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let f = super::super::main_with(&args);
        (String::from_utf8(f.stdout).unwrap(), String::from_utf8(f.stderr).unwrap(), f.code)
    }

    /// An Init error: `ERROR <words>` and exit 2, nothing on stdout, nothing asked of a model.
    pub(crate) fn refused(args: &[&str], words: &str) {
        assert_eq!(juju(args), (String::new(), format!("ERROR {words}\n"), 2), "{args:?}");
    }

    /// A model this `juju` does not have, in Juju's words (exit 1): Init passed.
    pub(crate) fn no_such_model(args: &[&str]) {
        // Right after the command's name, as jubilant puts it.
        let mut with_model = args.to_vec();
        with_model.splice(1..1, ["-m", "bob/nowhere"]);
        assert_eq!(
            juju(&with_model),
            (String::new(), "ERROR model leaderd:bob/nowhere not found\n".into(), 1),
            "{args:?}"
        );
    }
}
