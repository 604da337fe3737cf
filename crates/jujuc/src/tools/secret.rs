//! What the secret tools share: the secret URI argument, secret content from `key=value`
//! arguments and YAML files (Juju's `core/secrets/createsecret.go`), `--expire`, the options
//! secret-add and secret-set have in common (Juju's `secretUpsertCommand`), and the
//! yaml/json-only `--format`.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Arg, ArgMatches, Command};

use super::cmd::UsageError;
use leaderd_core::format::{go_quote, go_quote_bytes};
use leaderd_core::gocompat::go_error_text;
use leaderd_core::secrets::{parse_uri, RotatePolicy, SecretUri};
use leaderd_core::wire::hook::{SecretContent, SecretFields};

/// juju `ParseURI`'s error, as secret-set, secret-remove, secret-grant and secret-revoke print
/// it (`errors.Trace`).
pub(crate) fn secret_uri(arg: &OsStr) -> Result<SecretUri, UsageError> {
    let text = arg.to_string_lossy();
    parse_uri(&text).map_err(|e| UsageError(e.to_string()))
}

/// secret-get and secret-info-get replace ParseURI's error by `secret URI "x" not valid`.
pub(crate) fn secret_uri_not_valid(arg: &OsStr) -> Result<SecretUri, UsageError> {
    let text = arg.to_string_lossy();
    parse_uri(&text).map_err(|_| UsageError(format!("secret URI {} not valid", go_quote_bytes(arg.as_encoded_bytes()))))
}

/// `--format` with only yaml (the default) and json: secret-get and secret-info-get.
pub(crate) fn yaml_json_output_args(cmd: Command) -> Command {
    cmd.arg(
        Arg::new("format")
            .long("format")
            .value_name("FORMAT")
            .default_value("yaml")
            .value_parser(["json", "yaml"])
            .allow_hyphen_values(true)
            .help("Specify output format (json|yaml)"),
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

/// A plain Go string option (`(= "")` in help).
pub(crate) fn string_option(id: &'static str, long: &'static str, default: &'static str, help: &'static str) -> Arg {
    Arg::new(id).long(long).value_name("VALUE").default_value(default).allow_hyphen_values(true).help(help)
}

/// The options of secret-add and secret-set (`secretUpsertCommand.SetFlags`). `--file` is a
/// plain string here (its id is not `file`, which `cmd` shows as juju/cmd's `FileVar`).
pub(crate) fn upsert_args(cmd: Command) -> Command {
    cmd.arg(string_option("expire", "expire", "", "either a duration or time when the secret should expire"))
        .arg(string_option("rotate", "rotate", "", "the secret rotation policy"))
        .arg(string_option("description", "description", "", "the secret description"))
        .arg(string_option("label", "label", "", "a label used to identify the secret in hooks"))
        .arg(
            string_option(SECRET_FILE, "file", "", "a YAML file containing secret key values")
                .value_parser(clap::builder::OsStringValueParser::new())
                .value_hint(clap::ValueHint::FilePath),
        )
        .arg(string_option("owner", "owner", "application", "the owner of the secret, either the application or unit"))
}

const SECRET_FILE: &str = "secret-file";

/// What secret-add and secret-set validated (`secretUpsertCommand.Init`).
#[derive(Debug, Clone, PartialEq)]
pub struct Upsert {
    pub owner: String,
    pub fields: SecretFields,
}

/// `--file` was given (secret-add needs content or a file).
pub(crate) fn has_file(m: &ArgMatches) -> bool {
    m.get_one::<OsString>(SECRET_FILE).is_some_and(|f| !f.is_empty())
}

/// `secretUpsertCommand.Init` and `marshallArg`: `--expire`, `--rotate`, `--owner`, then the
/// content from the arguments, then from `--file` (whose keys win).
pub(crate) fn upsert_init(m: &ArgMatches, args: &[OsString], now: SystemTime) -> Result<Upsert, UsageError> {
    let text = |id: &str| m.get_one::<String>(id).cloned().unwrap_or_default();
    let expire = text("expire");
    let expire_time = if expire.is_empty() { None } else { Some(parse_expire(&expire, now).map_err(UsageError)?) };
    let rotate = text("rotate");
    if !rotate.is_empty() && RotatePolicy::parse(&rotate).is_none() {
        return Err(UsageError(format!("rotate policy {} not valid", go_quote(&rotate))));
    }
    let owner = text("owner");
    if owner != "application" && owner != "unit" {
        return Err(UsageError(format!("secret owner {} not valid", go_quote(&owner))));
    }
    let mut content = create_secret_data(args).map_err(UsageError)?;
    if let Some(file) = m.get_one::<OsString>(SECRET_FILE).filter(|f| !f.is_empty()) {
        content.extend(read_secret_data(Path::new(file)).map_err(UsageError)?);
    }
    let non_empty = |s: String| (!s.is_empty()).then_some(s);
    let fields = SecretFields {
        content: Some(content),
        rotate_policy: non_empty(rotate),
        expire_time,
        description: non_empty(text("description")),
        label: non_empty(text("label")),
    };
    Ok(Upsert { owner, fields })
}

/// A value is at most 8 KiB, all of them together at most 64 KiB (Juju's limits).
const MAX_VALUE_BYTES: usize = 8 * 1024;
const MAX_CONTENT_BYTES: usize = 64 * 1024;

/// `secrets.CreateSecretData`: `key=value`, `key#base64=...`, `key#file=PATH`.
pub fn create_secret_data(args: &[OsString]) -> Result<SecretContent, String> {
    let mut data: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    for arg in args {
        let val = arg.as_encoded_bytes();
        // The `=` that splits is the first one once trailing padding is ignored.
        let stripped_len = val.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
        let idx = val[..stripped_len].iter().position(|&b| b == b'=');
        let Some(idx) = idx.filter(|&i| i >= 1) else {
            return Err(format!("key value {} not valid", go_quote_bytes(val)));
        };
        let (key, value) = (&val[..idx], &val[idx + 1..]);
        let Some(key) = key.strip_suffix(b"#file") else {
            data.insert(key.to_vec(), value.to_vec());
            continue;
        };
        let key_text = String::from_utf8_lossy(key).into_owned();
        // Juju checks the size of the path with `~` expanded, but reads the path as given.
        let raw = os_path(value);
        let normalized = normalize_path(&raw);
        if let Ok(meta) = std::fs::metadata(&normalized) {
            if meta.len() > MAX_VALUE_BYTES as u64 {
                return Err(format!(
                    "secret content in file {} too large: {} bytes",
                    go_quote(&normalized.to_string_lossy()),
                    meta.len()
                ));
            }
        }
        let content = std::fs::read(&raw).map_err(|e| {
            format!(
                "reading content for secret key {}: open {}: {}",
                go_quote(&key_text),
                raw.to_string_lossy(),
                go_error_text(&e)
            )
        })?;
        data.insert(key.to_vec(), content);
    }
    encode_base64(data)
}

fn os_path(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(OsStr::from_bytes(bytes))
}

/// juju/utils `NormalizePath`: `~` and `~/...` are under the home directory.
fn normalize_path(path: &Path) -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

/// `secrets.ReadSecretData`: a JSON or YAML map of strings, at most 64 KiB.
pub fn read_secret_data(file: &Path) -> Result<SecretContent, String> {
    let path = normalize_path(file);
    if let Ok(meta) = std::fs::metadata(&path) {
        if meta.len() > MAX_CONTENT_BYTES as u64 {
            return Err(format!(
                "secret content in file {} too large: {} bytes",
                go_quote(&path.to_string_lossy()),
                meta.len()
            ));
        }
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("open {}: {}", path.to_string_lossy(), go_error_text(&e)))?;
    // JSON is YAML: one parser reads both, as Juju's JSON-then-YAML does for a map of strings.
    let text = String::from_utf8(bytes).map_err(|_| "yaml: invalid leading UTF-8 octet".to_string())?;
    let map = parse_secret_yaml(&text)?;
    encode_base64(map.into_iter().map(|(k, v)| (k.into_bytes(), v)).collect())
}

/// yaml.v2 `Unmarshal` into `secrets.SecretData` (a `map[string]string`); a `!!binary` value
/// is its decoded bytes.
fn parse_secret_yaml(text: &str) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let binary = binary_values(text);
    let settings = super::relation_set::parse_settings_yaml(&text_without_binary_tags(text))
        .map_err(|e| e.to_string().replace("into map[string]string", "into secrets.SecretData"))?;
    Ok(settings
        .into_iter()
        .map(|(k, v)| {
            let value = match binary.get(&k) {
                Some(_) => leaderd_core::base64::decode(v.replace(['\n', ' '], "").as_bytes())
                    .unwrap_or_else(|_| v.into_bytes()),
                None => v.into_bytes(),
            };
            (k, value)
        })
        .collect())
}

/// The top-level keys whose values are tagged `!!binary`.
fn binary_values(text: &str) -> BTreeMap<String, ()> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(':')?;
            let key = key.trim();
            value.trim_start().starts_with("!!binary").then(|| (key.to_string(), ()))
        })
        .collect()
}

/// The YAML without its `!!binary` tags (their values read as plain base64 strings).
fn text_without_binary_tags(text: &str) -> String {
    text.replace("!!binary ", "").replace("!!binary", "")
}

/// Juju's `encodeBase64`: each value at most 8 KiB (a `#base64` one as given), keys of at
/// least three lower-case letters, digits and single dashes, starting with a letter; values
/// base64-encoded unless given as `#base64`; at most 64 KiB in all. Juju walks a Go map, so
/// which of several bad keys it names varies; this names the first in byte order.
fn encode_base64(data: BTreeMap<Vec<u8>, Vec<u8>>) -> Result<SecretContent, String> {
    let mut out = SecretContent::new();
    let mut total = 0usize;
    for (key, value) in data {
        if value.len() > MAX_VALUE_BYTES {
            return Err(format!("secret content for key {} too large: {} bytes", go_quote_bytes(&key), value.len()));
        }
        total += value.len();
        let (key, encoded) = match key.strip_suffix(b"#base64") {
            Some(key) => (key.to_vec(), String::from_utf8_lossy(&value).into_owned()),
            None => (key, leaderd_core::base64::encode(&value)),
        };
        let key = match std::str::from_utf8(&key) {
            Ok(k) if valid_key(k) => k.to_string(),
            _ => return Err(format!("key {} not valid", go_quote_bytes(&key))),
        };
        out.insert(key, encoded);
    }
    if total > MAX_CONTENT_BYTES {
        return Err(format!("secret content too large: {total} bytes"));
    }
    Ok(out)
}

/// `^([a-z](?:-?[a-z0-9]){2,})$`.
pub fn valid_key(key: &str) -> bool {
    let b = key.as_bytes();
    if b.is_empty() || !b[0].is_ascii_lowercase() {
        return false;
    }
    let (mut i, mut groups) = (1, 0);
    while i < b.len() {
        if b[i] == b'-' {
            i += 1;
        }
        match b.get(i) {
            Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => {
                groups += 1;
                i += 1;
            }
            _ => return false,
        }
    }
    groups >= 2
}

/// `--expire`: an RFC 3339 time, the same without a zone (UTC), or a positive Go duration
/// from `now`; as RFC 3339 in UTC with Go's `RFC3339Nano` fraction.
pub fn parse_expire(spec: &str, now: SystemTime) -> Result<String, String> {
    if let Some((secs, nanos)) = parse_time(spec, true).or_else(|| parse_time(spec, false)) {
        return Ok(format_time(secs, nanos));
    }
    let Some(d) = go_parse_duration(spec) else {
        return Err(format!("expire time or duration {} not valid", go_quote(spec)));
    };
    if d <= 0 {
        return Err(format!("negative expire duration {} not valid", go_quote(spec)));
    }
    let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let total = i128::from(now.as_secs()) * 1_000_000_000 + i128::from(now.subsec_nanos()) + d;
    Ok(format_time((total.div_euclid(1_000_000_000)) as i64, total.rem_euclid(1_000_000_000) as u32))
}

/// Go's `time.Parse` with `2006-01-02T15:04:05Z07:00` (`zone`) or `2006-01-02T15:04:05`:
/// Unix seconds and nanoseconds. Fractional seconds are accepted after the seconds.
fn parse_time(text: &str, zone: bool) -> Option<(i64, u32)> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())).then(|| s.parse().ok())?
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d, h, mi, s) =
        (digits(0..4)?, digits(5..7)?, digits(8..10)?, digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if rest.starts_with(['.', ',']) && rest.as_bytes().get(1).is_some_and(u8::is_ascii_digit) {
        let n = rest[1..].bytes().take_while(u8::is_ascii_digit).count();
        let frac = &rest[1..1 + n];
        let mut padded: String = frac.chars().take(9).collect();
        while padded.len() < 9 {
            padded.push('0');
        }
        nanos = padded.parse().ok()?;
        rest = &rest[1 + n..];
    }
    let offset = if zone {
        match rest {
            "Z" => 0,
            _ => {
                let rb = rest.as_bytes();
                if rb.len() != 6 || !matches!(rb[0], b'+' | b'-') || rb[3] != b':' {
                    return None;
                }
                let oh: i64 = rest[1..3].parse().ok().filter(|_| rest[1..3].bytes().all(|c| c.is_ascii_digit()))?;
                let om: i64 = rest[4..6].parse().ok().filter(|_| rest[4..6].bytes().all(|c| c.is_ascii_digit()))?;
                if oh > 24 || om > 59 {
                    return None;
                }
                let sign = if rb[0] == b'-' { -1 } else { 1 };
                sign * (oh * 3600 + om * 60)
            }
        }
    } else {
        if !rest.is_empty() {
            return None;
        }
        0
    };
    Some((days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset, nanos))
}

/// Go's `Format(time.RFC3339Nano)` of a UTC time: trailing zeros of the fraction dropped.
pub fn format_time(secs: i64, nanos: u32) -> String {
    let (days, in_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    let mut out = format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", in_day / 3600, in_day / 60 % 60, in_day % 60);
    if nanos > 0 {
        out.push_str(format!(".{nanos:09}").trim_end_matches('0'));
    }
    out.push('Z');
    out
}

fn days_in_month(y: i64, m: i64) -> i64 {
    days_from_civil(y + i64::from(m == 12), m % 12 + 1, 1) - days_from_civil(y, m, 1)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Go's `time.ParseDuration`, in nanoseconds: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or `0`.
pub fn go_parse_duration(text: &str) -> Option<i128> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac_part = "";
        if let Some(after) = rest.strip_prefix('.') {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &after[..n];
            rest = &after[n..];
            if int_part.is_empty() && frac_part.is_empty() {
                return None;
            }
        } else if int_part.is_empty() {
            return None;
        }
        let unit_len = rest.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(rest.len());
        let unit: i128 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        rest = &rest[unit_len..];
        let whole: i128 = if int_part.is_empty() { 0 } else { int_part.parse().ok()? };
        let mut value = whole.checked_mul(unit)?;
        let mut scale = unit;
        for c in frac_part.bytes() {
            scale /= 10;
            if scale == 0 {
                break;
            }
            value += i128::from(c - b'0') * scale;
        }
        total = total.checked_add(value)?;
        if total > i128::from(i64::MAX) + i128::from(negative) {
            return None;
        }
    }
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_jujus_pattern() {
        for ok in ["foo", "a-b-c", "abc1", "a1-2", "foo-bar-baz"] {
            assert!(valid_key(ok), "{ok}");
        }
        for bad in ["ab", "Foo", "foo-", "foo--bar", "1ab", "-ab", "", "a-b", "fo_o"] {
            assert!(!valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn durations_parse_as_go_parses_them() {
        assert_eq!(go_parse_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(go_parse_duration("1.5h"), Some(5_400_000_000_000));
        assert_eq!(go_parse_duration("-1h"), Some(-3_600_000_000_000));
        assert_eq!(go_parse_duration("0"), Some(0));
        assert_eq!(go_parse_duration(".5s"), Some(500_000_000));
        assert_eq!(go_parse_duration("300µs"), Some(300_000));
        for bad in ["", "1", "1d", " 1h", ".s", "1h ", "-", "1.h.5"] {
            assert_eq!(go_parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn expire_times_become_utc_rfc3339() {
        let now = UNIX_EPOCH + std::time::Duration::new(1_700_000_000, 5);
        let ok = |s: &str| parse_expire(s, now).unwrap();
        assert_eq!(ok("2025-01-01T06:06:06Z"), "2025-01-01T06:06:06Z");
        assert_eq!(ok("2025-01-01T06:06:06+02:00"), "2025-01-01T04:06:06Z");
        assert_eq!(ok("2025-01-01T06:06:06.123"), "2025-01-01T06:06:06.123Z");
        assert_eq!(ok("2025-01-01T06:06:06.123456789Z"), "2025-01-01T06:06:06.123456789Z");
        assert_eq!(ok("2022-03-04T06:06:06"), "2022-03-04T06:06:06Z");
        assert_eq!(ok("1h"), "2023-11-14T23:13:20.000000005Z");
        let err = |s: &str| parse_expire(s, now).unwrap_err();
        assert_eq!(err("0s"), r#"negative expire duration "0s" not valid"#);
        assert_eq!(err("-1h"), r#"negative expire duration "-1h" not valid"#);
        assert_eq!(err("2022-01-01"), r#"expire time or duration "2022-01-01" not valid"#);
        assert_eq!(err("2025-13-01T00:00:00"), r#"expire time or duration "2025-13-01T00:00:00" not valid"#);
        assert_eq!(err(" 1h"), r#"expire time or duration " 1h" not valid"#);
        assert_eq!(err("1d"), r#"expire time or duration "1d" not valid"#);
    }
}
