//! Durations as people type them on command lines (`2s`, `500ms`, `1m`, `1m30s`, `1h`) and as
//! we print them back.

use std::time::Duration;

/// A duration that does not parse: the text as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {0:?}: use a number and a unit, like 500ms, 2s, 1m or 1m30s")]
pub struct DurationError(pub String);

/// Parses `500ms`, `2s`, `1.5s`, `1m30s`, `2h`; a bare number is refused (say the unit).
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    let invalid = || DurationError(text.to_string());
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(invalid)?;
        let number: f64 = rest[..number_len].parse().map_err(|_| invalid())?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ms" => number / 1000.0,
            "s" => number,
            "m" => number * 60.0,
            "h" => number * 3600.0,
            _ => return Err(invalid()),
        };
        rest = &rest[unit_len..];
        total += Duration::try_from_secs_f64(seconds).map_err(|_| invalid())?;
    }
    Ok(total)
}

/// `5s`, `1m30s`, `1.5s`, `250ms`: Go's style without its zero parts.
pub fn format(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, m, s, rem_ms) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || rem_ms > 0 {
        if rem_ms > 0 {
            let fraction = format!("{rem_ms:03}");
            out.push_str(&format!("{s}.{}s", fraction.trim_end_matches('0')));
        } else {
            out.push_str(&format!("{s}s"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
        for bad in ["", "5", "s", "5x", "-1s", "1s2"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse("5").unwrap_err().to_string(),
            r#"invalid duration "5": use a number and a unit, like 500ms, 2s, 1m or 1m30s"#
        );
        assert_eq!(format(Duration::from_secs(5)), "5s");
        assert_eq!(format(Duration::from_secs(300)), "5m");
        assert_eq!(format(Duration::from_secs(90)), "1m30s");
        assert_eq!(format(Duration::from_millis(250)), "250ms");
        assert_eq!(format(Duration::from_millis(1500)), "1.5s");
    }
}
