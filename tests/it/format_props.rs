//! Property tests: whatever the settings, our yaml and json output parse back (with an
//! independent YAML parser and serde_json) to exactly the same map, and a single value printed
//! with --format=yaml or json parses back to the same string. And the emitter's decision to
//! double-quote a string agrees with [`fork`], a second, separately written reading of the
//! rules of Juju's yaml.v2 fork, over strings built from the characters those rules look at.

use leaderd_core::format::resolve::resolves_to_non_string;
use leaderd_core::format::{render, Format, Value};
use leaderd_core::model::Settings;
use proptest::prelude::*;

/// Keys and values as leader-set can produce them: non-empty trimmed keys without `=`, values
/// of any printable text, newlines and odd characters included.
fn key() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.:#@&*!|>'\"%`{}\\[\\],?~ -]{1,12}"
        .prop_map(|k| k.trim().to_string())
        .prop_filter("empty", |k| !k.is_empty())
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{1,40}",
        "[a-z ]{60,200}",
        "\\PC{1,20}",
        "[a-z: #\\-\n\t]{1,30}",
        Just("true".to_string()),
        Just("0x1F".to_string()),
        Just("2006-01-02".to_string()),
        Just("1:20".to_string()),
        Just("\u{1F600} emoji".to_string()),
    ]
}

/// leader-set trims values (keyvalues.Parse) and an empty value deletes the key, so stored
/// values never start or end with whitespace.
fn stored_value() -> impl Strategy<Value = String> {
    value().prop_map(|v| v.trim().to_string()).prop_filter("empty", |v| !v.is_empty())
}

fn settings() -> impl Strategy<Value = Settings> {
    proptest::collection::btree_map(key(), stored_value(), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn yaml_parses_back_to_the_same_map(s in settings()) {
        let text = render(Format::Yaml, &Value::Map(s.clone()));
        prop_assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "exactly one trailing newline: {:?}", text);
        let back: Settings = serde_yaml_ng::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text:?}")))?;
        prop_assert_eq!(back, s, "{}", text);
    }

    #[test]
    fn json_parses_back_to_the_same_map(s in settings()) {
        let text = render(Format::Json, &Value::Map(s.clone()));
        prop_assert!(text.ends_with("}\n"), "{:?}", text);
        let back: Settings = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn a_single_value_round_trips_in_yaml_and_json(v in stored_value()) {
        let yaml = render(Format::Yaml, &Value::Str(v.clone()));
        let back: String = serde_yaml_ng::from_str(&yaml).map_err(|e| TestCaseError::fail(format!("{e}: {yaml:?}")))?;
        prop_assert_eq!(&back, &v, "{}", yaml);
        let json = render(Format::Json, &Value::Str(v.clone()));
        prop_assert_eq!(serde_json::from_str::<String>(&json).unwrap(), v);
    }
}

/// The quoting rule of juju/yaml v2 (the yaml.v2 fork Juju 3.6 builds with), written out again
/// from its `resolve.go` (`resolve`, `yamlStyleFloat`, `parseTimestamp`) and `encode.go`
/// (`stringv`, `isBase60Float`), Go's `strconv` (`ParseInt`, `ParseUint`, `ParseFloat`,
/// `underscoreOK`) and `time.Parse`, without regular expressions and without sharing code with
/// `crates/core/src/format/resolve.rs`: a table-driven layout parser for timestamps, split-based matchers
/// for the float and base-60 patterns, u128 arithmetic for integer ranges.
mod fork {
    /// `stringv` quotes a string when `resolve("", s)` is not `!!str`, or it is a base-60 float.
    pub fn quotes(s: &str) -> bool {
        resolves_to_another_tag(s) || base60_float(s)
    }

    fn in_resolve_map(s: &str) -> bool {
        let cased = |w: &str| {
            let mut title = w.to_string();
            title[..1].make_ascii_uppercase();
            [w.to_string(), title, w.to_ascii_uppercase()]
        };
        let mut words: Vec<String> = vec!["y", "Y", "n", "N", "", "~", "<<"].into_iter().map(String::from).collect();
        for w in ["yes", "true", "on", "no", "false", "off", "null"] {
            words.extend(cased(w));
        }
        for nan in ["nan", "NaN", "NAN"] {
            words.push(format!(".{nan}"));
        }
        for inf in cased("inf") {
            for sign in ["", "+", "-"] {
                words.push(format!("{sign}.{inf}"));
            }
        }
        words.iter().any(|w| w == s)
    }

    fn resolves_to_another_tag(s: &str) -> bool {
        // resolve(): hint 'N' for "", else resolveTable[in[0]]; a zero hint is a string.
        let Some(&first) = s.as_bytes().first() else {
            return in_resolve_map(s);
        };
        if !b"+-0123456789yYnNtTfFoO~.".contains(&first) {
            return false;
        }
        if in_resolve_map(s) {
            return true;
        }
        match first {
            b'.' => parse_float(s),
            b'+' | b'-' | b'0'..=b'9' => {
                if timestamp(s) {
                    return true;
                }
                let plain: String = s.chars().filter(|&c| c != '_').collect();
                if parse_int(&plain) || parse_uint(&plain) {
                    return true;
                }
                if float_pattern(&plain) && parse_float(&plain) {
                    return true;
                }
                if let Some(bits) = plain.strip_prefix("0b") {
                    return digits_value(bits, 2).is_some_and(|v| v <= u64::MAX as u128);
                }
                if let Some(bits) = plain.strip_prefix("-0b") {
                    return digits_value(bits, 2).is_some_and(|v| v <= 1 << 63);
                }
                false
            }
            _ => false,
        }
    }

    /// The value of `digits` in `base`, or None when one is not a digit of it or it is empty.
    fn digits_value(digits: &str, base: u32) -> Option<u128> {
        if digits.is_empty() {
            return None;
        }
        let mut v: u128 = 0;
        for c in digits.chars() {
            v = v * base as u128 + c.to_digit(base)? as u128;
            v = v.min(1 << 100); // past every range that matters; no overflow
        }
        Some(v)
    }

    /// strconv.ParseUint(s, 0, 64).
    fn parse_uint(s: &str) -> bool {
        let b = s.as_bytes();
        if b.is_empty() {
            return false;
        }
        let value = if b[0] == b'0' && b.len() >= 3 && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
            let base = match b[1] | 0x20 {
                b'b' => 2,
                b'o' => 8,
                _ => 16,
            };
            digits_value(&s[2..], base)
        } else if b[0] == b'0' {
            // Octal; "0" alone leaves no digits, which is zero.
            if s.len() == 1 {
                Some(0)
            } else {
                digits_value(&s[1..], 8)
            }
        } else {
            digits_value(s, 10)
        };
        value.is_some_and(|v| v <= u64::MAX as u128)
    }

    /// strconv.ParseInt(s, 0, 64): a sign, then ParseUint's digits, in [-2^63, 2^63-1].
    fn parse_int(s: &str) -> bool {
        let (limit, body) = match s.as_bytes().first() {
            Some(b'-') => (1u128 << 63, &s[1..]),
            Some(b'+') => ((1u128 << 63) - 1, &s[1..]),
            _ => ((1u128 << 63) - 1, s),
        };
        let b = body.as_bytes();
        if b.is_empty() || matches!(b[0], b'+' | b'-') || !parse_uint(body) {
            return false;
        }
        // parse_uint accepted it, so it is at most u64::MAX: compare again under the limit.
        let value = if b[0] == b'0' && b.len() >= 3 && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
            digits_value(&body[2..], [2, 8, 16][[b'b', b'o', b'x'].iter().position(|&p| p == b[1] | 0x20).unwrap()])
        } else if b[0] == b'0' && b.len() > 1 {
            digits_value(&body[1..], 8)
        } else {
            digits_value(body, 10)
        };
        value.is_some_and(|v| v <= limit)
    }

    /// `^[-+]?(0|[1-9][0-9]*)?(\.[0-9]+)?([eE][-+][0-9]+)?$`, by splitting at the first `e`/`E`
    /// and the first `.`.
    pub fn float_pattern(s: &str) -> bool {
        let all_digits = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
        let s = s.strip_prefix(['+', '-']).unwrap_or(s);
        let (mantissa, exponent) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        if let Some(e) = exponent {
            match e.strip_prefix(['+', '-']) {
                Some(d) if !d.is_empty() && all_digits(d) => {}
                _ => return false,
            }
        }
        let (int, frac) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
            None => (mantissa, None),
        };
        let int_ok = int.is_empty() || int == "0" || (!int.starts_with('0') && all_digits(int));
        let frac_ok = frac.is_none_or(|f| !f.is_empty() && all_digits(f));
        int_ok && frac_ok
    }

    /// strconv.ParseFloat(s, 64) on decimal text: underscores only between digits, then
    /// `[+-]? mantissa ([eE] [+-]? digits)?` with a digit somewhere in the mantissa, and a
    /// finite value.
    fn parse_float(s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if c == '_' {
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + 1).copied();
                if !(before.is_some_and(|c| c.is_ascii_digit()) && after.is_some_and(|c| c.is_ascii_digit())) {
                    return false;
                }
            }
        }
        let t: String = chars.iter().filter(|&&c| c != '_').collect();
        let body = t.strip_prefix(['+', '-']).unwrap_or(&t);
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let dots = mantissa.matches('.').count();
        let digits = mantissa.chars().filter(char::is_ascii_digit).count();
        if dots > 1 || digits == 0 || digits + dots != mantissa.len() {
            return false;
        }
        if let Some(e) = exponent {
            let d = e.strip_prefix(['+', '-']).unwrap_or(e);
            if d.is_empty() || !d.bytes().all(|c| c.is_ascii_digit()) {
                return false;
            }
        }
        t.parse::<f64>().is_ok_and(f64::is_finite)
    }

    /// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`, by splitting at every `:`.
    fn base60_float(s: &str) -> bool {
        let body = s.strip_prefix(['+', '-']).unwrap_or(s);
        let parts: Vec<&str> = body.split(':').collect();
        let (head, sexagesimals) = (parts[0], &parts[1..]);
        if sexagesimals.is_empty()
            || !head.starts_with(|c: char| c.is_ascii_digit())
            || !head.bytes().all(|c| c.is_ascii_digit() || c == b'_')
        {
            return false;
        }
        sexagesimals.iter().enumerate().all(|(k, part)| {
            let (group, fraction) = match part.split_once('.') {
                Some((g, f)) if k + 1 == sexagesimals.len() => (g, Some(f)),
                _ => (*part, None),
            };
            let group_ok = match group.as_bytes() {
                [d] => d.is_ascii_digit(),
                [t, d] => (b'0'..=b'5').contains(t) && d.is_ascii_digit(),
                _ => false,
            };
            group_ok && fraction.is_none_or(|f| f.bytes().all(|c| c.is_ascii_digit() || c == b'_'))
        })
    }

    /// One element of a Go time layout, as `time.Parse` reads it.
    #[derive(Clone, Copy)]
    enum Elem {
        Year,
        Month,
        Day,
        Hour,
        Minute,
        Second,
        Fraction,
        Zone,
        Literal(u8),
    }
    use Elem::*;

    /// `allowedTimestampFormats`, element by element.
    const LAYOUTS: [&[Elem]; 4] = [
        // "2006-1-2T15:4:5.999999999Z07:00"
        &[
            Year,
            Literal(b'-'),
            Month,
            Literal(b'-'),
            Day,
            Literal(b'T'),
            Hour,
            Literal(b':'),
            Minute,
            Literal(b':'),
            Second,
            Fraction,
            Zone,
        ],
        // "2006-1-2t15:4:5.999999999Z07:00"
        &[
            Year,
            Literal(b'-'),
            Month,
            Literal(b'-'),
            Day,
            Literal(b't'),
            Hour,
            Literal(b':'),
            Minute,
            Literal(b':'),
            Second,
            Fraction,
            Zone,
        ],
        // "2006-1-2 15:4:5.999999999"
        &[
            Year,
            Literal(b'-'),
            Month,
            Literal(b'-'),
            Day,
            Literal(b' '),
            Hour,
            Literal(b':'),
            Minute,
            Literal(b':'),
            Second,
            Fraction,
        ],
        // "2006-1-2"
        &[Year, Literal(b'-'), Month, Literal(b'-'), Day],
    ];

    fn timestamp(s: &str) -> bool {
        // parseTimestamp's quick check: exactly four leading digits, then '-'.
        let lead = s.bytes().take_while(u8::is_ascii_digit).count();
        lead == 4 && s.as_bytes().get(4) == Some(&b'-') && LAYOUTS.iter().any(|layout| time_parse(layout, s.as_bytes()))
    }

    /// Go's getnum(value, false): one digit, or two when the second is a digit too.
    fn getnum(v: &mut &[u8]) -> Option<u32> {
        let n = match *v {
            [a, b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => 2,
            [a, ..] if a.is_ascii_digit() => 1,
            _ => return None,
        };
        let value = v[..n].iter().fold(0, |acc, d| acc * 10 + (d - b'0') as u32);
        *v = &v[n..];
        Some(value)
    }

    fn time_parse(layout: &[Elem], value: &[u8]) -> bool {
        let mut v = value;
        let (mut year, mut month, mut day) = (0u32, 0u32, 0u32);
        for &elem in layout {
            match elem {
                Literal(b' ') => {
                    // skip(): a layout space needs a value space (unless the value is used
                    // up), then every space on both sides goes.
                    if !v.is_empty() && v[0] != b' ' {
                        return false;
                    }
                    while v.first() == Some(&b' ') {
                        v = &v[1..];
                    }
                }
                Literal(c) => match v.split_first() {
                    Some((&first, rest)) if first == c => v = rest,
                    _ => return false,
                },
                Year => {
                    if v.len() < 4 || !v[..4].iter().all(u8::is_ascii_digit) {
                        return false;
                    }
                    year = std::str::from_utf8(&v[..4]).unwrap().parse().unwrap();
                    v = &v[4..];
                }
                Month | Day | Hour | Minute | Second => {
                    let Some(n) = getnum(&mut v) else { return false };
                    let in_range = match elem {
                        Month => (1..=12).contains(&n),
                        Hour => n < 24,
                        Minute | Second => n < 60,
                        _ => true,
                    };
                    if !in_range {
                        return false;
                    }
                    match elem {
                        Month => month = n,
                        Day => day = n,
                        _ => {}
                    }
                }
                Fraction => {
                    // ".999999999": optional; when present, a '.' or ',' and at least one digit.
                    if v.len() >= 2 && (v[0] == b'.' || v[0] == b',') && v[1].is_ascii_digit() {
                        let n = 1 + v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                        v = &v[n..];
                    }
                }
                Zone => {
                    if v.first() == Some(&b'Z') {
                        v = &v[1..];
                        continue;
                    }
                    if v.len() < 6 || v[3] != b':' || !matches!(v[0], b'+' | b'-') {
                        return false;
                    }
                    let (mut hh, mut mm) = (&v[1..3], &v[4..6]);
                    let (Some(h), Some(m)) = (getnum(&mut hh), getnum(&mut mm)) else { return false };
                    if !hh.is_empty() || !mm.is_empty() || h > 24 || m > 60 {
                        return false;
                    }
                    v = &v[6..];
                }
            }
        }
        let leap = (year % 4 == 0) ^ (year % 100 == 0) ^ (year % 400 == 0);
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        v.is_empty() && day >= 1 && day <= days[month as usize - 1]
    }
}

/// Strings made of what the fork's rules look at: digits, `.`, `e`/`E`, signs, `_`, `:`, base
/// prefixes, `~`, the words of the bool and null table, spaces, and dates and times.
fn resolver_input() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "0", "1", "5", "9", "00", "07", "12", "29", "59", "60", "2001", "-", "+", ".", "e", "E", "_", ":", "~", "0x",
        "0b", "0o", "0X", "0B", "x", "a", "f", "F", "true", "false", "yes", "no", "on", "off", "null", "y", "n", "Y",
        "N", "O", "Yes", "NO", "True", "Null", "OFF", "inf", "Inf", "nan", "NaN", " ", "T", "t", "Z", ",", "<<",
    ]);
    prop_oneof![
        prop::collection::vec(atoms, 1..7).prop_map(|v| v.concat()),
        "[0-9.eE+_:~ -]{0,10}",
        "[-+]?(0|[0-9]{0,3})(\\.[0-9]{0,3})?([eE][-+]?[0-9]{0,3})?",
        "[-+]?[0-9_]{0,4}\\.?[0-9_]{0,4}([eE][-+]?[0-9_]{1,3})?",
        "\\.[0-9_]{0,5}([eE][-+]?[0-9_]{0,3})?",
        "[-+]?[1-9]\\.?[0-9]?[eE][-+]?3[0-2][0-9]",
        "[-+]?[0-9]{18,21}",
        "[-+]?0[xXbBoO_][0-9a-fA-F_]{0,17}",
        "[-+]?[0-9_]{1,3}(:[0-9]{1,3}){1,3}(\\.[0-9_]{0,3})?",
        "[0-9]{4}-[0-9]{1,3}-[0-9]{1,3}([Tt ]{1,2}[0-9]{1,3}:[0-9]{1,2}:[0-9]{1,2}([.,][0-9]{0,3})?(Z|[-+][0-9]{2}:[0-9]{2})?)?",
        "(19|20)[0-9]{2}-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])",
        "(19|20)[0-9]{2}-(0?[1-9]|1[0-2])-(0?[1-9]|1[0-9]|2[0-8])([Tt]| {1,3})[0-2]?[0-9]:[0-6]?[0-9]:[0-6]?[0-9]([.,][0-9]{0,2})?(Z|[-+][0-9]{2}:[0-9]{2}|[-+][0-9]:[0-9]{2}| )?",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn quoting_follows_the_juju_yaml_fork(s in resolver_input()) {
        prop_assert_eq!(resolves_to_non_string(&s), fork::quotes(&s), "{:?}", s);
    }

    /// The decision reaches the output: `k: "<s>"` exactly when the fork would quote, and
    /// never double quotes otherwise (these characters give the emitter no other reason to).
    #[test]
    fn yaml_output_double_quotes_exactly_what_the_fork_quotes(s in resolver_input()) {
        let settings: Settings = [("k".to_string(), s.clone())].into_iter().collect();
        let yaml = render(Format::Yaml, &Value::Map(settings));
        if fork::quotes(&s) {
            prop_assert_eq!(yaml, format!("k: \"{s}\"\n"));
        } else {
            prop_assert!(!yaml.starts_with("k: \""), "{:?} -> {:?}", s, yaml);
        }
    }
}

#[test]
fn the_oracle_itself_reads_the_rule_as_documented() {
    // The float rule at its edges, the way the fork's own tests and Juju 3.6 output show it.
    for s in ["1e+3", "1e-3", ".5", "0.0", "007", "0x1F", "1_000", "1:20", "2001-12-14 21:59:43.10", "-.inf"] {
        assert!(fork::quotes(s), "{s:?}");
    }
    for s in ["1e3", "01182252", "1.", "1.5e3", "00.5", "value", "0x", "1:60", "2001-12-14T21:59:43"] {
        assert!(!fork::quotes(s), "{s:?}");
    }
    assert!(fork::float_pattern("-") && fork::float_pattern("") && !fork::float_pattern("01"));
}

proptest! {
    /// Go's float64 text (config-get numbers) reads back to the same float in every format, uses
    /// exponent form exactly where Go's rules say, and a number in a map is never quoted.
    #[test]
    fn config_numbers_read_back_exactly(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        use leaderd_core::format::gofloat;
        let g = gofloat::format_g(f);
        prop_assert_eq!(g.parse::<f64>().unwrap(), f, "{}", g);
        let json = gofloat::json(f);
        prop_assert_eq!(json.parse::<f64>().unwrap(), f, "{}", json);
        let exp = if f == 0.0 { 0 } else { format!("{:e}", f.abs()).split_once('e').unwrap().1.parse::<i32>().unwrap() };
        prop_assert_eq!(g.contains('e'), f != 0.0 && !(-4..6).contains(&exp), "{}", g);
        prop_assert_eq!(json.contains('e'), f != 0.0 && !(1e-6..1e21).contains(&f.abs()), "{}", json);
        let tree = Value::Tree([("workers".to_string(), leaderd_core::format::Node::Float(f))].into());
        prop_assert_eq!(render(Format::Yaml, &tree), format!("workers: {g}\n"));
        prop_assert_eq!(render(Format::Json, &tree), format!("{{\"workers\":{json}}}\n"));
    }
}
