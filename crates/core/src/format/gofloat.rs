//! Go's float64 text, as the formatters print config numbers (which reach a hook as float64):
//! yaml.v2 uses `strconv.FormatFloat(f, 'g', -1, 64)`, `encoding/json` picks `'f'` unless the
//! magnitude is below 1e-6 or at least 1e21, and then trims a leading zero from a negative
//! exponent (`1e-7`, not `1e-07`).

/// The shortest round-trip decimal digits of `f` (no sign, no leading or trailing zeros, "0"
/// for zero) and the exponent of the first digit.
fn shortest(f: f64) -> (String, i32) {
    let text = format!("{:e}", f.abs());
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    (digits, exp.parse().unwrap_or(0))
}

/// Go keeps the sign of negative zero (`-0`).
fn sign(f: f64) -> &'static str {
    if f.is_sign_negative() {
        "-"
    } else {
        ""
    }
}

/// `d.ddde±XX`: at least two exponent digits, as Go writes them.
fn exponent_form(f: f64) -> String {
    let (digits, exp) = shortest(f);
    let mantissa = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
    let exp_sign = if exp < 0 { '-' } else { '+' };
    format!("{}{mantissa}e{exp_sign}{:02}", sign(f), exp.abs())
}

/// Plain decimal notation with the shortest digits.
fn decimal_form(f: f64) -> String {
    let (digits, exp) = shortest(f);
    let nd = digits.len() as i32;
    let body = if exp >= nd - 1 {
        format!("{digits}{}", "0".repeat((exp - nd + 1) as usize))
    } else if exp < 0 {
        format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
    } else {
        format!("{}.{}", &digits[..(exp + 1) as usize], &digits[(exp + 1) as usize..])
    };
    format!("{}{body}", sign(f))
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: exponent form when the exponent is below -4 or at
/// least 6 (Go's rule for the shortest precision), else decimal; `+Inf`, `-Inf`, `NaN`.
pub fn format_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let (_, exp) = shortest(f);
    if f != 0.0 && !(-4..6).contains(&exp) {
        exponent_form(f)
    } else {
        decimal_form(f)
    }
}

/// yaml.v2's float scalar: `.inf`, `-.inf`, `.nan`, otherwise [`format_g`].
pub fn yaml(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.into()
    } else {
        format_g(f)
    }
}

/// `encoding/json`'s float64. (Go refuses NaN and infinities; they cannot come from JSON, so
/// they print as `null` here.)
pub fn json(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        exponent_form(f).replacen("e-0", "e-", 1)
    } else {
        decimal_form(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format_is_gos() {
        for (f, want) in [
            (45.0, "45"),
            (2.0, "2"),
            (0.5, "0.5"),
            (100000.0, "100000"),
            (1000000.0, "1e+06"),
            (123456789.0, "1.23456789e+08"),
            (1e-7, "1e-07"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-1.5, "-1.5"),
            (0.0, "0"),
            (-0.0, "-0"),
            (1e21, "1e+21"),
            (1.0e100, "1e+100"),
        ] {
            assert_eq!(format_g(f), want, "{f}");
        }
    }

    #[test]
    fn json_is_gos() {
        for (f, want) in [
            (1000000.0, "1000000"),
            (2.0, "2"),
            (1e-7, "1e-7"),
            (1e-6, "0.000001"),
            (123456789.0, "123456789"),
            (1e21, "1e+21"),
            (-0.25, "-0.25"),
            (0.0, "0"),
        ] {
            assert_eq!(json(f), want, "{f}");
        }
    }
}
