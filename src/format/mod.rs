//! Juju's output formatters for hook tools: `smart`, `json` and `yaml` (juju/cmd `output.go`,
//! spec 1.1). A tool produces a [`Value`]; the `--format` it was given turns it into bytes.

mod json;
mod resolve;
pub mod yaml;

use std::fmt;

pub use crate::model::Settings;

/// What a tool hands to its formatter (the Go `interface{}` values the four tools print).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A missing key: smart and yaml print nothing at all, json prints `null`.
    Nil,
    Bool(bool),
    Str(String),
    Map(Settings),
}

/// The `--format` choices. `smart` is the default for every hook tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Smart,
    Json,
    Yaml,
}

impl Format {
    /// The names in the order Juju lists them in help text.
    pub const NAMES: [&'static str; 3] = ["json", "smart", "yaml"];

    /// Parses a `--format` value; the error text is Juju's.
    pub fn parse(name: &str) -> Result<Format, String> {
        match name {
            "smart" => Ok(Format::Smart),
            "json" => Ok(Format::Json),
            "yaml" => Ok(Format::Yaml),
            other => Err(format!("unknown format {}", go_quote(other))),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Smart => "smart",
            Format::Json => "json",
            Format::Yaml => "yaml",
        })
    }
}

/// Formats `value` exactly as Juju 3.x would write it to stdout or to `-o FILE`.
pub fn render(format: Format, value: &Value) -> String {
    match (format, value) {
        (Format::Json, Value::Nil) => "null\n".into(),
        (Format::Json, Value::Bool(b)) => format!("{b}\n"),
        (Format::Json, Value::Str(s)) => json::string(s) + "\n",
        (Format::Json, Value::Map(m)) => json::map(m) + "\n",
        (_, Value::Nil) => String::new(),
        (Format::Smart, Value::Bool(true)) => "True\n".into(),
        (Format::Smart, Value::Bool(false)) => "False\n".into(),
        (Format::Smart, Value::Str(s)) if s.is_empty() => String::new(),
        (Format::Smart, Value::Str(s)) => format!("{s}\n"),
        (_, Value::Bool(b)) => yaml::bool_document(*b) + "\n",
        (_, Value::Str(s)) => yaml::string_document(s) + "\n",
        (_, Value::Map(m)) => yaml::map_document(m.iter().map(|(k, v)| (k.as_str(), v.as_str()))) + "\n",
    }
}

/// Go's `strconv.Quote` (`%q`), which Juju uses in its error messages: printable characters
/// stay as they are, the rest become `\n`, `\x01`, `\u200b`... Unicode's "printable" is
/// approximated with Rust's control-character test plus the common invisible format
/// characters.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `%q` of bytes that may not be UTF-8: invalid bytes become `\xNN`.
pub fn go_quote_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        let quoted = go_quote(chunk.valid());
        out.push_str(&quoted[1..quoted.len() - 1]);
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    format!("\"{out}\"")
}

fn is_go_printable(c: char) -> bool {
    // Go's IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space only, so
    // NBSP, the U+2000 spaces and U+3000 are escaped too.
    !c.is_control()
        && (c == ' ' || !c.is_whitespace())
        && !matches!(c,
            '\u{ad}' | '\u{600}'..='\u{605}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
            | '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_quote_matches_strconv_quote() {
        assert_eq!(go_quote("x=y"), r#""x=y""#);
        assert_eq!(go_quote("a\"b\\c\n\t\u{1}\u{7f}é\u{200b}😀"), r#""a\"b\\c\n\t\x01\x7fé\u200b😀""#);
        assert_eq!(go_quote_bytes(b"k=\xff"), r#""k=\xff""#);
        assert_eq!(go_quote("a\u{a0}b\u{3000}"), r#""a\u00a0b\u3000""#);
    }

    #[test]
    fn smart_prints_raw_strings_and_nothing_for_nil() {
        assert_eq!(render(Format::Smart, &Value::Str("a: b".into())), "a: b\n");
        assert_eq!(render(Format::Smart, &Value::Str(String::new())), "");
        assert_eq!(render(Format::Smart, &Value::Nil), "");
        assert_eq!(render(Format::Yaml, &Value::Nil), "");
        assert_eq!(render(Format::Json, &Value::Nil), "null\n");
        assert_eq!(render(Format::Yaml, &Value::Str("a: b".into())), "'a: b'\n");
    }
}
