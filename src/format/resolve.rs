//! yaml.v2's `resolve()` for untagged plain scalars, plus `isBase60Float`: a string that
//! would read back as a bool, null, number or timestamp must be double-quoted.

/// True when yaml.v2 would quote `s` because, unquoted, it would not read back as a string.
pub fn resolves_to_non_string(s: &str) -> bool {
    resolves_to_other_tag(s) || is_base60_float(s)
}

fn resolves_to_other_tag(s: &str) -> bool {
    const IN_MAP: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false",
        "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf",
        ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
    ];
    // resolveTable: only these first bytes are hints worth resolving.
    let hint = match s.as_bytes().first() {
        None => return true, // "" is null
        Some(b'+' | b'-') | Some(b'0'..=b'9') => 'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => 'M',
        Some(b'.') => '.',
        Some(_) => return false,
    };
    if IN_MAP.contains(&s) {
        return true;
    }
    match hint {
        '.' => go_parse_float(s),
        'D' => {
            if is_timestamp(s) {
                return true;
            }
            let plain = s.replace('_', "");
            go_parse_int(&plain)
                || (is_yaml_style_float(&plain) && go_parse_float(&plain))
                || plain.strip_prefix("0b").is_some_and(|bits| go_parse_int_radix(bits, 2))
        }
        _ => false,
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
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
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

fn go_parse_int_radix(s: &str, radix: u32) -> bool {
    !s.is_empty() && i64::from_str_radix(s, radix).is_ok()
}

/// yaml.v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `strconv.ParseFloat(s, 64)` succeeds for the decimal forms reachable here (the callers only
/// pass strings starting with '.', or that already match `yamlStyleFloat`). Go rejects values
/// that overflow to infinity.
fn go_parse_float(s: &str) -> bool {
    is_yaml_style_float(s) && s.parse::<f64>().is_ok_and(|f| f.is_finite())
}

/// yaml.v2 `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
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

/// yaml.v2 `parseTimestamp`: `YYYY-M-D`, optionally followed by `[Tt ]h:m:s[.frac]` and, with
/// `T`/`t`, a `Z` or `±hh:mm` zone (the layouts it hands to Go's `time.Parse`).
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
        // Go refuses zone offsets past 24 hours.
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) && (h1 - b'0') * 10 + (h2 - b'0') <= 24
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
            "1e3",
            "1_000",
            "+1",
            "-7",
            "0o17",
            "017",
            ".5",
            ".inf",
            "1:20",
            "190:20:30.15",
            "2006-01-02",
            "2001-12-14t21:59:43.10Z",
            "2001-12-14 21:59:43",
            "99999999999999999999",
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
            "2006-13-01",
            "2006-02-30",
            "1e",
            ".",
            "-",
            "+",
            "1:60",
            "12:3a",
            "1e999",
            "0xFFFFFFFFFFFFFFFFFF",
            "nan",
            "Yes!",
            "<<",
        ] {
            assert!(!quoted(s), "{s:?} should stay plain");
        }
    }
}
