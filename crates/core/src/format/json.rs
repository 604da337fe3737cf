//! Go's `encoding/json.Marshal` for the values hook tools print: compact, map keys
//! in byte order, and Go's HTML-safe string escaping.

use std::collections::BTreeMap;

/// A JSON string the way Go writes it: `<`, `>`, `&`, U+2028 and U+2029 become `\u003c`...;
/// control characters use `\b \f \n \r \t` or `\u00XX` (Go 1.22+); everything else is literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s);
    out.push('"');
    out
}

fn escape_into(out: &mut String, s: &str) {
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
            v => out.push_str(&node(v)),
        }
    }
    out.push('}');
    out
}

/// One value of a tree, compact.
pub fn node(value: &super::yaml::Node) -> String {
    use super::yaml::Node;
    match value {
        Node::Str(s) | Node::Time(s) => string(s),
        Node::Map(m) => tree(m),
        Node::Bool(b) => b.to_string(),
        Node::Float(f) => super::gofloat::json(*f),
        Node::Null => "null".into(),
        Node::Int(n) => n.to_string(),
        Node::Bytes(b) => bytes(b),
        Node::Struct(fields) => {
            let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{}:{}", string(k), node(v))).collect();
            format!("{{{}}}", fields.join(","))
        }
        Node::List(items) => format!("[{}]", items.iter().map(node).collect::<Vec<_>>().join(",")),
    }
}

/// A Go string that may not be UTF-8: encoding/json writes each invalid byte as U+FFFD.
pub fn bytes(value: &[u8]) -> String {
    let mut out = String::from("\"");
    let mut rest = value;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                escape_into(&mut out, s);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                escape_into(&mut out, std::str::from_utf8(good).expect("valid up to here"));
                // Go writes `\ufffd` for each invalid byte (utf8.DecodeRuneInString's width 1).
                out.push_str("\\ufffd");
                rest = &bad[1..];
            }
        }
    }
    out.push('"');
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
