//! Go's behaviour where charm code can see it: `strconv.Quote` in error messages,
//! `filepath.Clean` of `-o` paths, the text of OS errors, `strconv.ParseBool` for boolean
//! options. The hook tools, the formatters and jujuc's HTTP client take them from here.

use std::path::{Path, PathBuf};

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

/// Go's `filepath.Clean` for absolute paths: no `.`, no `..` (resolved lexically), no
/// repeated or trailing slashes.
pub fn go_clean(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(part) => parts.push(part),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    let mut clean = PathBuf::from("/");
    clean.extend(parts);
    clean
}

/// The text Go prints for an OS error: strerror, lower-cased, without Rust's "(os error N)".
pub fn go_error_text(e: &std::io::Error) -> String {
    let text = match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None => e.to_string(),
    };
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Go's `strconv.ParseBool`.
pub fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
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
    fn parse_bool_and_clean_like_go() {
        assert_eq!(go_parse_bool("T"), Some(true));
        assert_eq!(go_parse_bool("False"), Some(false));
        assert_eq!(go_parse_bool("yes"), None);
        assert_eq!(go_clean(Path::new("/a//b/./c/../d/")), Path::new("/a/b/d"));
        let e = std::io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(go_error_text(&e), "permission denied");
    }
}
