//! The plain-scalar resolution of Juju's yaml.v2 fork (juju/yaml, branch `v2`, `resolve.go`'s
//! `resolve()` and `encode.go`'s `isBase60Float`): a string that would read back as a bool,
//! null, number or timestamp must be double-quoted.
//!
//! Juju 3.6 builds with `replace gopkg.in/yaml.v2 => github.com/juju/yaml/v2 v2.0.0`, so this
//! is the fork's rule, not upstream go-yaml v2.4.0's. The fork is upstream v2.2.1 with one
//! change, the float pattern `yamlStyleFloat`:
//!
//! | | pattern | `1e3` | `1.5e3` | `01182252` | `00.5` | `1.` |
//! |---|---|---|---|---|---|---|
//! | juju/yaml v2 | `^[-+]?(0\|[1-9][0-9]*)?(\.[0-9]+)?([eE][-+][0-9]+)?$` | plain | plain | plain | plain | plain |
//! | go-yaml v2.4.0 | `^[-+]?(\.[0-9]+\|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` | quoted | quoted | quoted | quoted | quoted |
//!
//! Everything else (the bool/null/inf/nan table, Go's `ParseInt`/`ParseUint` with base 0 after
//! removing underscores, timestamps through `time.Parse`, base-60 floats) is the same in both.

/// True when the fork would double-quote `s` because, unquoted, it would not read back as a
/// string (`stringv`: `rtag != yaml_STR_TAG || isBase60Float(s)`).
pub fn resolves_to_non_string(s: &str) -> bool {
    resolves_to_other_tag(s) || is_base60_float(s)
}

/// What the fork's `resolve()` makes of a plain scalar when it decodes into `interface{}`
/// (Juju's `yaml.Unmarshal` of a `juju run` `key=value` value): YAML 1.1's bools (`yes`, `on`,
/// `y`, ...), nulls, Go's `ParseInt`/`ParseUint` with base 0 after removing underscores
/// (`010` is 8, `1_000` is 1000), the fork's floats; everything else (timestamps included:
/// an `interface{}` gets their text) a string.
#[derive(Debug, Clone, PartialEq)]
pub enum Plain {
    Bool(bool),
    Null,
    Int(i64),
    Uint(u64),
    Float(f64),
    Str,
}

/// Resolves the plain scalar `s` as the fork does into `interface{}` ([`Plain`]).
pub fn resolve_plain(s: &str) -> Plain {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => return Plain::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Plain::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => return Plain::Null,
        _ => {}
    }
    let numeric = match s.as_bytes().first() {
        Some(b'+' | b'-' | b'0'..=b'9') => true,
        Some(b'.') => {
            // ".5": ParseFloat on the text as it is.
            return if go_parse_float(s) {
                s.replace('_', "").parse().map_or(Plain::Str, Plain::Float)
            } else {
                Plain::Str
            };
        }
        _ => false,
    };
    if !numeric || is_timestamp(s) {
        return Plain::Str;
    }
    let plain = s.replace('_', "");
    if go_parse_int(&plain) {
        let (negative, body) = match plain.as_bytes().first() {
            Some(b'+') => (false, &plain[1..]),
            Some(b'-') => (true, &plain[1..]),
            _ => (false, plain.as_str()),
        };
        let lower = body.to_ascii_lowercase();
        let (radix, digits) = match lower.as_bytes() {
            [b'0', b'x', _, ..] => (16, &lower[2..]),
            [b'0', b'o', _, ..] => (8, &lower[2..]),
            [b'0', b'b', _, ..] => (2, &lower[2..]),
            [b'0'] => (10, "0"),
            [b'0', ..] => (8, &lower[1..]),
            _ => (10, lower.as_str()),
        };
        let Ok(v) = u64::from_str_radix(digits, radix) else { return Plain::Str };
        return match (negative, i64::try_from(v)) {
            (true, _) if v == 1 << 63 => Plain::Int(i64::MIN),
            (true, Ok(v)) => Plain::Int(-v),
            (false, Ok(v)) => Plain::Int(v),
            (false, Err(_)) => Plain::Uint(v),
            (true, Err(_)) => Plain::Str,
        };
    }
    if is_yaml_style_float(&plain) && go_parse_float(&plain) {
        return plain.parse().map_or(Plain::Str, Plain::Float);
    }
    Plain::Str
}

fn resolves_to_other_tag(s: &str) -> bool {
    // resolveMap: bools, nulls, the special floats and the merge key.
    const IN_MAP: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false",
        "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf",
        ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
    ];
    // resolveTable: a string is only looked up at all when its first byte is a hint.
    let hint = match s.as_bytes().first() {
        None => return true, // "" is null
        Some(b'+' | b'-') => 'S',
        Some(b'0'..=b'9') => 'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => 'M',
        Some(b'.') => '.',
        Some(_) => return false, // "<<" included: '<' is no hint
    };
    if IN_MAP.contains(&s) {
        return true;
    }
    match hint {
        // Not in the map, so maybe a float: strconv.ParseFloat on the string as it is (so
        // ".5e3" and ".5_5" are floats: no yamlStyleFloat filter on this path).
        '.' => go_parse_float(s),
        // Int, float or timestamp.
        'D' | 'S' => {
            if is_timestamp(s) {
                return true;
            }
            let plain = s.replace('_', "");
            // The "0b" and "-0b" retries after the float test find nothing ParseInt's base 0
            // has not already taken.
            go_parse_int(&plain) || (is_yaml_style_float(&plain) && go_parse_float(&plain))
        }
        _ => false,
    }
}

#[cfg(test)]
mod plain_tests {
    use super::{resolve_plain, Plain};

    /// What Juju's fork gives for each (its `yaml.Unmarshal` into `interface{}`, run on
    /// juju/yaml v2).
    #[test]
    fn plain_scalars_resolve_as_the_fork_does() {
        for (s, want) in [
            ("yes", Plain::Bool(true)),
            ("on", Plain::Bool(true)),
            ("y", Plain::Bool(true)),
            ("Y", Plain::Bool(true)),
            ("no", Plain::Bool(false)),
            ("off", Plain::Bool(false)),
            ("n", Plain::Bool(false)),
            ("010", Plain::Int(8)),
            ("1_000", Plain::Int(1000)),
            ("0x10", Plain::Int(16)),
            ("0b11", Plain::Int(3)),
            ("-5", Plain::Int(-5)),
            ("1.5", Plain::Float(1.5)),
            ("1e3", Plain::Str),
            ("1.0e+3", Plain::Float(1000.0)),
            ("2001-12-14", Plain::Str),
            ("~", Plain::Null),
            ("hello", Plain::Str),
            ("18446744073709551615", Plain::Uint(u64::MAX)),
        ] {
            assert_eq!(resolve_plain(s), want, "{s}");
        }
    }
}

/// `strconv.ParseInt(s, 0, 64)` or `strconv.ParseUint(s, 0, 64)` succeeds.
fn go_parse_int(s: &str) -> bool {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    // Base 0: "0b", "0o" and "0x" need at least one byte after them; any other leading '0'
    // means octal for the rest ("0" alone is zero).
    let (radix, digits) = match lower.as_bytes() {
        [b'0', b'x', _, ..] => (16, &lower[2..]),
        [b'0', b'o', _, ..] => (8, &lower[2..]),
        [b'0', b'b', _, ..] => (2, &lower[2..]),
        [b'0'] => (10, "0"),
        [b'0', ..] => (8, &lower[1..]),
        _ => (10, lower.as_str()),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return false;
    }
    let signed = s.starts_with(['+', '-']);
    match u64::from_str_radix(digits, radix) {
        // ParseInt takes [-2^63, 2^63-1]; ParseUint takes unsigned values up to 2^64-1 but
        // refuses a sign.
        Ok(v) if negative => v <= 1 << 63,
        Ok(v) if signed => v < 1 << 63,
        Ok(_) => true,
        Err(_) => false,
    }
}

/// The fork's `yamlStyleFloat`: `^[-+]?(0|[1-9][0-9]*)?(\.[0-9]+)?([eE][-+][0-9]+)?$`. Every
/// part is optional (so `+`, `-` and `-e+1` match: ParseFloat then refuses them); a leading
/// zero is only ever the whole integer part, and the exponent must have its sign.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    // (0|[1-9][0-9]*)?
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => {}
    }
    // (\.[0-9]+)?
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    // ([eE][-+][0-9]+)?
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if !matches!(b.get(i), Some(b'+' | b'-')) {
            return false;
        }
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `strconv.ParseFloat(s, 64)` succeeds, for the decimal forms (the callers never pass a hex
/// float, `inf` or `nan`): `[+-]?(d+.?d*|.d+)([eE][+-]?d+)?` where an underscore may stand
/// between two digits, and the value must not overflow to infinity (ErrRange; underflow to
/// zero is no error).
fn go_parse_float(s: &str) -> bool {
    let b = s.as_bytes();
    // underscoreOK (no base prefix here): each '_' between two digits.
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' && !(i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            return false;
        }
    }
    let plain = s.replace('_', "");
    let b = plain.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let mut mantissa_digits = 0;
    let mut seen_dot = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => mantissa_digits += 1,
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
        i += 1;
    }
    if mantissa_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len() && plain.parse::<f64>().is_ok_and(f64::is_finite)
}

/// `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // [0-5]?[0-9]: one digit, or a digit 0-5 followed by a digit.
        match (b.get(i), b.get(i + 1)) {
            (Some(b'0'..=b'5'), Some(d)) if d.is_ascii_digit() => i += 2,
            (Some(d), _) if d.is_ascii_digit() => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// `parseTimestamp`: four digits and '-' (its quick check), then one of the layouts it hands
/// to Go's `time.Parse`: `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`,
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`. Month, day, hour, minute and second take one or
/// two digits; the space of the third layout matches one or more spaces; the fraction (after
/// `.` or `,`) takes any number of digits; a zone is `Z` or `±hh:mm` with hh <= 24, mm <= 60.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut i = 5;
    // Go's "1" and "2" layout elements take one or two digits.
    let num = |i: &mut usize, max_digits: usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && *i - start < max_digits && b[*i].is_ascii_digit() {
            *i += 1;
        }
        (*i > start).then(|| s[start..*i].parse().unwrap())
    };
    let year: u32 = s[..4].parse().unwrap();
    let Some(month) = num(&mut i, 2) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = num(&mut i, 2) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let zoned = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    if !zoned {
        // time.Parse's skip(): a space in the layout takes every space in the value.
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    let Some(hour) = num(&mut i, 2) else {
        return false;
    };
    if b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(minute) = num(&mut i, 2) else {
        return false;
    };
    if b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(second) = num(&mut i, 2) else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 59 {
        return false;
    }
    // Go (1.17+) takes a comma as well as a dot before fractional seconds.
    if matches!(b.get(i), Some(b'.' | b',')) {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if !zoned {
        return i == b.len();
    }
    match &b[i..] {
        [b'Z'] => true,
        // Go refuses zone offsets past 24 hours or 60 minutes.
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
                && (h1 - b'0') * 10 + (h2 - b'0') <= 24
                && (m1 - b'0') * 10 + (m2 - b'0') <= 60
        }
        _ => false,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::resolves_to_non_string as quoted;

    #[test]
    fn yaml_1_1_scalars_that_are_not_strings() {
        for s in [
            "true",
            "Off",
            "y",
            "~",
            "",
            "1.5",
            "0x1F",
            "1e+3",
            "1E-3",
            "-1.5e+3",
            "0.0",
            "0e+0",
            "+.5",
            "1_000",
            "1_000.5",
            "+1",
            "-7",
            "0o17",
            "017",
            "007",
            "0b101",
            "-0b101",
            "18446744073709551615",
            "-9223372036854775808",
            ".5",
            ".5e3",
            ".5E+3",
            ".5_5",
            ".1e308",
            ".1e-999",
            ".inf",
            "-.Inf",
            "1:20",
            "190:20:30.15",
            "-1:2:3.",
            "2006-01-02",
            "2006-1-2",
            "2001-12-14t21:59:43.10Z",
            "2001-12-14T21:59:43,5+05:30",
            "2001-12-14T21:59:43-24:60",
            "2001-12-14 21:59:43",
            "2001-12-14   21:59:43.1",
            "2000-2-29",
            "99999999999999999999",
            // Past ParseInt's range, but a float.
            "-9223372036854775809",
            "+18446744073709551615",
        ] {
            assert!(quoted(s), "{s:?} should be quoted");
        }
    }

    #[test]
    fn ordinary_strings_stay_plain() {
        for s in [
            "value",
            "yes please",
            "1.2.3",
            "0xZZ",
            "0x",
            "0b",
            "2006-13-01",
            "2006-02-30",
            "2001-02-29",
            "2001-12-14T21:59:43",
            "2001-12-14T21:59:43+00:61",
            "2001-12-14T21:59:43+25:00",
            "2001-12-14 21:59:43.",
            "2001-12-14  ",
            "1e",
            ".",
            "-",
            "+",
            "-e+1",
            "1:60",
            "12:3a",
            "1e+999",
            "-1e+999",
            ".5e999",
            "._5",
            ".5_",
            ".5__5",
            "0xFFFFFFFFFFFFFFFFFF",
            "nan",
            "Yes!",
            "<<",
        ] {
            assert!(!quoted(s), "{s:?} should stay plain");
        }
    }

    /// Where Juju's fork and upstream go-yaml v2.4.0 part: the fork's float pattern wants a
    /// signed exponent and reads a leading zero as the whole integer part, so these are
    /// strings to it (upstream quotes every one).
    #[test]
    fn the_forks_float_rule_leaves_these_plain() {
        for s in [
            "1e3", "1E3", "-1e3", "+1e3", "1.5e3", "0e3", "1.", "-1.", "01182252", "09", "08.5", "00.5", "01.5",
            "1_0.e+3", "0_9",
        ] {
            assert!(!quoted(s), "{s:?} should stay plain");
        }
    }
}
