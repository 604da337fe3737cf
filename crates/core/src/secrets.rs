//! Juju 3's secrets as charms and operators name them: the secret URI and its id, the rotate
//! policies, the owner kinds. Pure: ids are made from a time and random bytes the caller gives.
//!
//! Juju's source: `core/secrets/secret.go` (URI, `ParseURI`), `core/secrets/rotate.go`
//! (policies and their intervals), github.com/rs/xid (the id).

use std::fmt;

use crate::gocompat::go_quote;

/// The scheme of a secret URI.
pub const SCHEME: &str = "secret";

/// A secret's id: an xid, 20 characters of base32hex (`0-9a-v`), lowercase.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretId(String);

/// The base32hex alphabet xid encodes with.
const XID_ALPHABET: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

impl SecretId {
    /// An xid from its 12 bytes: 4 of Unix time (seconds, big-endian), 3 of machine id, 2 of
    /// process id, 3 of counter. Callers give the time and 8 random bytes for the rest.
    pub fn from_parts(unix_seconds: u32, random: [u8; 8]) -> SecretId {
        let mut raw = [0u8; 12];
        raw[..4].copy_from_slice(&unix_seconds.to_be_bytes());
        raw[4..].copy_from_slice(&random);
        SecretId(encode_xid(&raw))
    }

    /// rs/xid's `FromString`: 20 characters of the alphabet whose last one carries no bits
    /// beyond the 96 (so re-encoding gives the same text).
    pub fn parse(text: &str) -> Option<SecretId> {
        let bytes = text.as_bytes();
        if bytes.len() != 20 || !bytes.iter().all(|b| XID_ALPHABET.contains(b)) {
            return None;
        }
        let value = |b: u8| XID_ALPHABET.iter().position(|&a| a == b).unwrap() as u8;
        // 20 characters carry 100 bits; the last character's low 4 bits are padding.
        (value(bytes[19]) & 0x0f == 0).then(|| SecretId(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URI charms see: `secret:ID`.
    pub fn uri(&self) -> String {
        format!("{SCHEME}:{}", self.0)
    }
}

impl fmt::Display for SecretId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn encode_xid(raw: &[u8; 12]) -> String {
    // Big-endian bit string of 96 bits, padded to 100, in 5-bit groups.
    let mut out = String::with_capacity(20);
    let mut acc: u128 = 0;
    for b in raw {
        acc = (acc << 8) | u128::from(*b);
    }
    acc <<= 4;
    for i in (0..20).rev() {
        out.push(XID_ALPHABET[((acc >> (i * 5)) & 0x1f) as usize] as char);
    }
    out
}

/// Why a secret URI was refused: Juju's `errors.NotValidf` words (`core/secrets/secret.go`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    #[error("secret URI scheme {} not valid", go_quote(.0))]
    Scheme(String),
    #[error("host controller UUID {} not valid", go_quote(.0))]
    Host(String),
    #[error("secret URI {} not valid", go_quote(.0))]
    Uri(String),
}

/// A parsed secret URI: its id, and the model it comes from when the URI names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretUri {
    pub id: SecretId,
    pub source: Option<String>,
}

/// Juju's `ParseURI`: `secret:ID`, `secret://MODEL-UUID/ID`, `secret:MODEL-UUID/ID` or a bare
/// `ID`.
pub fn parse_uri(text: &str) -> Result<SecretUri, UriError> {
    let invalid = || UriError::Uri(text.to_string());
    let (scheme, rest) = split_scheme(text);
    if let Some(scheme) = scheme {
        if scheme != SCHEME {
            return Err(UriError::Scheme(scheme.to_string()));
        }
    }
    let (host, path) = match rest.strip_prefix("//") {
        Some(authority) => match authority.find('/') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        },
        None => ("", rest),
    };
    if !host.is_empty() && !is_uuid(host) {
        return Err(UriError::Host(host.to_string()));
    }
    let id_text = path.trim_start_matches('/');
    let (source, id) = match id_text.split_once('/') {
        Some((uuid, id)) if is_uuid(uuid) => (Some(uuid.to_string()), id),
        Some(_) => return Err(invalid()),
        None => (None, id_text),
    };
    if id.len() != 20 || !id.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()) {
        return Err(invalid());
    }
    let id = SecretId::parse(id).ok_or_else(invalid)?;
    let source = source.or_else(|| (!host.is_empty()).then(|| host.to_string()));
    Ok(SecretUri { id, source })
}

/// Go's `url.Parse` scheme: letters, then letters, digits, `+`, `-`, `.`, up to a `:`.
fn split_scheme(text: &str) -> (Option<&str>, &str) {
    for (i, c) in text.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i > 0 => return (Some(&text[..i]), &text[i + 1..]),
            _ => return (None, text),
        }
    }
    (None, text)
}

/// Juju's UUID pattern: lowercase hex, 8-4-4-4-12.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// How often a secret's owner is asked to rotate it (Juju's `RotatePolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotatePolicy {
    Never,
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

impl RotatePolicy {
    pub const ALL: [RotatePolicy; 7] = [
        RotatePolicy::Never,
        RotatePolicy::Hourly,
        RotatePolicy::Daily,
        RotatePolicy::Weekly,
        RotatePolicy::Monthly,
        RotatePolicy::Quarterly,
        RotatePolicy::Yearly,
    ];

    pub fn parse(text: &str) -> Option<RotatePolicy> {
        RotatePolicy::ALL.into_iter().find(|p| p.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RotatePolicy::Never => "never",
            RotatePolicy::Hourly => "hourly",
            RotatePolicy::Daily => "daily",
            RotatePolicy::Weekly => "weekly",
            RotatePolicy::Monthly => "monthly",
            RotatePolicy::Quarterly => "quarterly",
            RotatePolicy::Yearly => "yearly",
        }
    }

    /// When a secret rotated (or created) at `from_ms` (Unix milliseconds, UTC) is next due:
    /// Juju's `NextRotateTime`, which adds an hour, or calendar days, months and years as Go's
    /// `AddDate` does (January 31st plus a month is March 3rd, or 2nd in a leap year). `None`
    /// for never.
    pub fn next_rotate_ms(self, from_ms: u64) -> Option<u64> {
        let (years, months, days) = match self {
            RotatePolicy::Never => return None,
            RotatePolicy::Hourly => return Some(from_ms + 3_600_000),
            RotatePolicy::Daily => (0, 0, 1),
            RotatePolicy::Weekly => (0, 0, 7),
            RotatePolicy::Monthly => (0, 1, 0),
            RotatePolicy::Quarterly => (0, 3, 0),
            RotatePolicy::Yearly => (1, 0, 0),
        };
        let (day_number, in_day_ms) = ((from_ms / 86_400_000) as i64, from_ms % 86_400_000);
        let (y, m, d) = civil_from_days(day_number);
        // Go normalises the month first, then lets the day overflow into the next month.
        let months_total = y * 12 + (m - 1) + years * 12 + months;
        let (y, m) = (months_total.div_euclid(12), months_total.rem_euclid(12) + 1);
        let day_number = days_from_civil(y, m, 1) + (d - 1) + days;
        Some(day_number as u64 * 86_400_000 + in_day_ms)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (the inverse of [`days_from_civil`]).
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

impl fmt::Display for RotatePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Unix milliseconds as Go's `time.RFC3339` prints a UTC time: `2006-01-02T15:04:05Z`.
pub fn format_rfc3339_ms(ms: u64) -> String {
    let (days, in_day) = ((ms / 86_400_000) as i64, (ms % 86_400_000) / 1000);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", in_day / 3600, in_day / 60 % 60, in_day % 60)
}

/// An RFC 3339 time (`2006-01-02T15:04:05Z`, `...+02:00`, fractional seconds allowed) as Unix
/// milliseconds; `None` if it is not one, or is before 1970.
pub fn parse_rfc3339_ms(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let mut rest = &text[19..];
    let mut ms = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &frac[..digits.min(3)]);
        ms = padded.parse().ok()?;
        rest = &frac[digits..];
    }
    let offset_s = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let (oh, om) = (rest[1..3].parse::<i64>().ok()?, rest[4..6].parse::<i64>().ok()?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    let seconds = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset_s;
    u64::try_from(seconds * 1000 + ms).ok()
}

fn days_in_month(y: i64, m: i64) -> i64 {
    days_from_civil(y + i64::from(m == 12), m % 12 + 1, 1) - days_from_civil(y, m, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_xids_that_parse_back() {
        let id = SecretId::from_parts(1_700_000_000, [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(id.as_str().len(), 20);
        assert_eq!(SecretId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(id.uri(), format!("secret:{id}"));
        // rs/xid's own example: 9m4e2mr0ui3e8a215n4g is a valid id.
        assert!(SecretId::parse("9m4e2mr0ui3e8a215n4g").is_some());
        // Padding bits set in the last character: not an id re-encoding would give.
        assert!(SecretId::parse("9m4e2mr0ui3e8a215n4h").is_none());
        assert!(SecretId::parse("9m4e2mr0ui3e8a215n4w").is_none(), "w is beyond base32hex");
    }

    #[test]
    fn uris_parse_as_juju_parses_them() {
        let id = "9m4e2mr0ui3e8a215n4g";
        let uuid = "deadbeef-0bad-400d-8000-4b1d0d06f00d";
        assert_eq!(parse_uri(&format!("secret:{id}")).unwrap().id.as_str(), id);
        assert_eq!(parse_uri(id).unwrap().id.as_str(), id);
        let full = parse_uri(&format!("secret://{uuid}/{id}")).unwrap();
        assert_eq!((full.id.as_str(), full.source.as_deref()), (id, Some(uuid)));
        let opaque = parse_uri(&format!("secret:{uuid}/{id}")).unwrap();
        assert_eq!(opaque.source.as_deref(), Some(uuid));
        let err = |s: &str| parse_uri(s).unwrap_err().to_string();
        assert_eq!(err("foo:xxx"), r#"secret URI scheme "foo" not valid"#);
        assert_eq!(err("secret://a.b/9m4e2mr0ui3e8a215n4g"), r#"host controller UUID "a.b" not valid"#);
        assert_eq!(err("secret:nope"), r#"secret URI "secret:nope" not valid"#);
        assert_eq!(err("secret:9m4e2mr0ui3e8a215n4w"), r#"secret URI "secret:9m4e2mr0ui3e8a215n4w" not valid"#);
    }

    #[test]
    fn rfc3339_times_read_and_print_as_go_does() {
        assert_eq!(format_rfc3339_ms(1_706_695_200_000), "2024-01-31T10:00:00Z");
        assert_eq!(parse_rfc3339_ms("2024-01-31T10:00:00Z"), Some(1_706_695_200_000));
        assert_eq!(parse_rfc3339_ms("2024-01-31T12:00:00+02:00"), Some(1_706_695_200_000));
        assert_eq!(parse_rfc3339_ms("2024-01-31T10:00:00.25Z"), Some(1_706_695_200_250));
        assert_eq!(
            parse_rfc3339_ms("2024-02-29T00:00:00Z").map(format_rfc3339_ms).as_deref(),
            Some("2024-02-29T00:00:00Z")
        );
        for bad in ["2023-02-29T00:00:00Z", "2024-01-31 10:00:00Z", "2024-01-31T10:00:00", "1h", "2024-13-01T00:00:00Z"]
        {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn rotate_policies_name_and_time_their_rotation() {
        for p in RotatePolicy::ALL {
            assert_eq!(RotatePolicy::parse(p.as_str()), Some(p));
        }
        assert_eq!(RotatePolicy::parse("fortnightly"), None);
        // 2024-01-31T10:00:00Z, as Go's time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC).
        let jan31 = 1_706_695_200_000;
        let next = |p: RotatePolicy| p.next_rotate_ms(jan31);
        assert_eq!(next(RotatePolicy::Never), None);
        assert_eq!(next(RotatePolicy::Hourly), Some(jan31 + 3_600_000));
        assert_eq!(next(RotatePolicy::Daily), Some(1_706_781_600_000), "2024-02-01T10:00:00Z");
        assert_eq!(next(RotatePolicy::Weekly), Some(1_707_300_000_000), "2024-02-07T10:00:00Z");
        // AddDate(0, 1, 0): February 31st is March 2nd in 2024.
        assert_eq!(next(RotatePolicy::Monthly), Some(1_709_373_600_000), "2024-03-02T10:00:00Z");
        assert_eq!(next(RotatePolicy::Quarterly), Some(1_714_557_600_000), "2024-05-01T10:00:00Z");
        assert_eq!(next(RotatePolicy::Yearly), Some(1_738_317_600_000), "2025-01-31T10:00:00Z");
    }
}
