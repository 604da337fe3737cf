//! Go's `encoding/json.Marshal` for the values hook tools print: compact, map keys
//! in byte order, and Go's HTML-safe string escaping.

use std::collections::BTreeMap;

/// A JSON string the way Go writes it: `<`, `>`, `&`, U+2028 and U+2029 become `\u003c`...;
/// control characters use `\b \f \n \r \t` or `\u00XX` (Go 1.22+); everything else is literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `map[string]string`: `BTreeMap` iterates `String` keys in byte order, as Go sorts them.
pub fn map(entries: &BTreeMap<String, String>) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&string(k));
        out.push(':');
        out.push_str(&string(v));
    }
    out.push('}');
    out
}

/// A nested map (`map[string]interface{}` of strings, bools, float64s, nulls and maps), compact, keys in byte order.
pub fn tree(entries: &super::yaml::Tree) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&string(k));
        out.push(':');
        match v {
            super::yaml::Node::Str(s) => out.push_str(&string(s)),
            super::yaml::Node::Map(m) => out.push_str(&tree(m)),
            super::yaml::Node::Bool(b) => out.push_str(&b.to_string()),
            super::yaml::Node::Float(f) => out.push_str(&super::gofloat::json(*f)),
            super::yaml::Node::Null => out.push_str("null"),
        }
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_escapes() {
        assert_eq!(
            super::string("<a&b>\u{2028}\u{7f}\u{1}\u{8}é"),
            r#""\u003ca\u0026b\u003e\u2028\u007f\u0001\bé""#.replace("\\u007f", "\u{7f}")
        );
    }
}
