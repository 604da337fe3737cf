//! A small YAML emitter that reproduces `gopkg.in/yaml.v2` as Juju 3.6 builds it, that is
//! Juju's fork (juju/yaml, branch `v2`), for the values hook tools print: a bool, a string,
//! or a flat string→string map. The fork differs from upstream v2.4.0 only in which plain
//! strings read back as floats (see `resolve.rs`); the emitter itself is the same.
//!
//! It is a transcription of the parts of yaml.v2's `encode.go` (`stringv`), `resolve.go`,
//! `sorter.go` and the libyaml-derived `emitterc.go` that these values reach: scalar analysis,
//! style selection, the plain / single-quoted / double-quoted / literal writers with their
//! 80-column folding, and simple versus explicit (`? `) keys. The emitter's column and
//! whitespace flags are kept exactly as in `emitterc.go`, because folding and line breaks
//! depend on them.

use std::cmp::Ordering;

use super::resolve::resolves_to_non_string;

/// yaml.v2's `best_width`: plain and quoted scalars fold at the first space past this column.
const BEST_WIDTH: usize = 80;
/// yaml.v2's `best_indent`.
const BEST_INDENT: i64 = 2;

/// `yaml.Marshal(bool)`, without the trailing newline handling (the caller adds exactly one).
pub(crate) fn bool_document(value: bool) -> String {
    if value { "true" } else { "false" }.to_string()
}

/// yaml.v2's `encodeBase64`: standard base64, and when it is 70 characters or longer, broken
/// into lines of 70 each ending in a newline.
fn binary_text(value: &[u8]) -> String {
    const LINE: usize = 70;
    let encoded = crate::base64::encode(value);
    // Go: `lines := encLen/lineLen + 1`, and a newline after each line only when lines > 1.
    if encoded.len() < LINE {
        return encoded;
    }
    let mut out = String::with_capacity(encoded.len() + encoded.len() / LINE + 1);
    for chunk in encoded.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out
}

/// `yaml.Marshal` of a Go string holding `value`: as [`string_document`] when it is UTF-8,
/// else `!!binary` base64.
pub(crate) fn bytes_document(value: &[u8]) -> String {
    let mut e = Emitter::new();
    e.bytes(value);
    e.finish()
}

/// `yaml.Marshal(string)` as a root scalar, trailing newlines trimmed.
pub(crate) fn string_document(value: &str) -> String {
    let mut e = Emitter::new();
    e.scalar(value, Context::Root);
    e.finish()
}

/// `yaml.Marshal(map[string]string)`, keys in yaml.v2's natural order, trailing newlines
/// trimmed. An empty map is `{}`.
pub(crate) fn map_document<'a, I>(entries: I) -> String
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut entries: Vec<(&str, &str)> = entries.into_iter().collect();
    if entries.is_empty() {
        return "{}".to_string();
    }
    entries.sort_by(|a, b| natural_cmp(a.0, b.0));
    let mut e = Emitter::new();
    // emit_block_mapping_key(first): increase_indent(false, false) takes -1 to 0.
    e.indent = 0;
    for (key, value) in entries {
        e.write_indent();
        let analysis = Analysis::of(key);
        if analysis.fits_simple_key(key) {
            e.scalar(key, Context::SimpleKey);
            e.write_indicator(":", false, false, false);
        } else {
            e.write_indicator("?", true, false, true);
            e.scalar(key, Context::Mapping);
            e.write_indent();
            e.write_indicator(":", true, false, true);
        }
        e.scalar(value, Context::Mapping);
    }
    e.finish()
}

/// `yaml.Marshal` of nested string-keyed maps whose leaves are strings (a
/// `map[string]interface{}` as status-get prints it): block mappings indented by two, keys in
/// natural order at every level, an empty map as `{}`. Trailing newlines trimmed.
pub(crate) fn tree_document(tree: &Tree) -> String {
    if tree.is_empty() {
        return "{}".to_string();
    }
    let mut e = Emitter::new();
    e.block_mapping(tree, 0);
    e.finish()
}

/// `yaml.Marshal` of a Go struct at the root: its fields in declaration order, `{}` when it
/// has none. Trailing newlines trimmed.
pub(crate) fn struct_document(fields: &[(String, Node)]) -> String {
    if fields.is_empty() {
        return "{}".to_string();
    }
    let mut e = Emitter::new();
    e.block_entries(fields.iter().map(|(k, v)| (k, v)).collect(), 0);
    e.finish()
}

/// `yaml.Marshal` of a Go `[]interface{}` at the root: a block sequence, `[]` when empty.
/// Trailing newlines trimmed.
pub(crate) fn seq_document(items: &[Node]) -> String {
    if items.is_empty() {
        return "[]".to_string();
    }
    let mut e = Emitter::new();
    e.block_sequence(items, 0);
    e.finish()
}

/// A nested map for [`tree_document`].
pub type Tree = std::collections::BTreeMap<String, Node>;

/// A value in a [`Tree`]: a string, a nested map, or (for config-get) a bool, a float64 or
/// null; for the secret tools also an int, a time, bytes that may not be UTF-8, a Go struct
/// (fields in declaration order) and a list.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Str(String),
    Map(Tree),
    Bool(bool),
    Float(f64),
    Null,
    /// A Go int: plain decimal.
    Int(i64),
    /// A Go `time.Time`, already in RFC 3339: yaml.v2 writes it plain (a string that reads
    /// back as a timestamp would be quoted), json as a string.
    Time(String),
    /// A Go string that may not be valid UTF-8: if it is not, yaml.v2 writes it as `!!binary`
    /// base64 and encoding/json with U+FFFD for the invalid bytes.
    Bytes(Vec<u8>),
    /// A Go struct: its fields in declaration order (not sorted), as yaml and json write them.
    Struct(Vec<(String, Node)>),
    /// A Go slice: a block sequence (indentless under a mapping key), `[]` when empty.
    List(Vec<Node>),
}

/// yaml.v2's `keyList.Less` for string keys: runs of digits compare by value, letters sort
/// before non-letters at the first difference, otherwise code points compare.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    if natural_less(a, b) {
        Ordering::Less
    } else if natural_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn natural_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        // Go's int64 arithmetic wraps on overflow; so does this.
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Go's `unicode.IsDigit` (category Nd); ASCII is what matters for keys.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// Where a scalar is emitted; decides `simple_key_context` and `root_context`.
#[derive(Clone, Copy, PartialEq)]
enum Context {
    Root,
    Mapping,
    SimpleKey,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// `yaml_emitter_analyze_scalar`: what the emitter may do with a value.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_printable(c: char) -> bool {
    // yaml.v2's is_printable works on UTF-8 bytes; as code points it accepts exactly these.
    // Notably everything above U+FFFF (emoji) is "not printable" and gets escaped.
    matches!(c, '\n' | '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}') && c != '\u{FEFF}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: Option<char>) -> bool {
    matches!(c, Some(' ') | Some('\t'))
}

impl Analysis {
    fn of(value: &str) -> Analysis {
        if value.is_empty() {
            return Analysis {
                multiline: false,
                block_plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: false,
            };
        }
        let chars: Vec<char> = value.chars().collect();
        let mut block_indicators = value.starts_with("---") || value.starts_with("...");
        let mut line_breaks = false;
        let mut special_characters = false;
        let (mut leading_space, mut leading_break) = (false, false);
        let (mut trailing_space, mut trailing_break) = (false, false);
        let (mut break_space, mut space_break) = (false, false);
        let mut preceded_by_whitespace = true;
        let (mut previous_space, mut previous_break) = (false, false);

        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1).copied();
            let followed_by_whitespace = next.is_none() || is_blank(next);
            let last = i + 1 == chars.len();
            if i == 0 {
                match c {
                    '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                        block_indicators = true
                    }
                    '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                    _ => {}
                }
            } else {
                match c {
                    ':' if followed_by_whitespace => block_indicators = true,
                    '#' if preceded_by_whitespace => block_indicators = true,
                    _ => {}
                }
            }
            if !is_printable(c) {
                special_characters = true;
            }
            if c == ' ' {
                leading_space |= i == 0;
                trailing_space |= last;
                break_space |= previous_break;
                previous_space = true;
                previous_break = false;
            } else if is_break(c) {
                line_breaks = true;
                leading_break |= i == 0;
                trailing_break |= last;
                space_break |= previous_space;
                previous_space = false;
                previous_break = true;
            } else {
                previous_space = false;
                previous_break = false;
            }
            preceded_by_whitespace = is_blank(Some(c)) || is_break(c) || c == '\0';
        }

        let mut a = Analysis {
            multiline: line_breaks,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
        if leading_space || leading_break || trailing_space || trailing_break {
            a.block_plain_allowed = false;
        }
        if trailing_space {
            a.block_allowed = false;
        }
        if break_space {
            a.block_plain_allowed = false;
            a.single_quoted_allowed = false;
        }
        if space_break || special_characters {
            a.block_plain_allowed = false;
            a.single_quoted_allowed = false;
            a.block_allowed = false;
        }
        if line_breaks || block_indicators {
            a.block_plain_allowed = false;
        }
        a
    }

    /// `yaml_emitter_check_simple_key` for a scalar key.
    fn fits_simple_key(&self, value: &str) -> bool {
        !self.multiline && value.len() <= 128
    }
}

/// The emitter state of `emitterc.go` that matters for output bytes.
struct Emitter {
    out: String,
    column: usize,
    indent: i64,
    whitespace: bool,
    indention: bool,
}

impl Emitter {
    fn new() -> Emitter {
        Emitter { out: String::new(), column: 0, indent: -1, whitespace: true, indention: true }
    }

    /// Juju trims every trailing newline; the caller adds exactly one.
    fn finish(self) -> String {
        self.out.trim_end_matches('\n').to_string()
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, s: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in s.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    /// A block mapping at `indent` (`yaml_emitter_emit_block_mapping_key` and `_value`, simple
    /// or explicit keys); a nested empty map is the flow `{}` after one space.
    fn block_mapping(&mut self, tree: &Tree, indent: i64) {
        let mut entries: Vec<(&String, &Node)> = tree.iter().collect();
        entries.sort_by(|a, b| natural_cmp(a.0, b.0));
        self.block_entries(entries, indent);
    }

    /// The entries of a block mapping at `indent`, in the order given.
    fn block_entries(&mut self, entries: Vec<(&String, &Node)>, indent: i64) {
        for (key, value) in entries {
            self.indent = indent;
            self.write_indent();
            let analysis = Analysis::of(key);
            if analysis.fits_simple_key(key) {
                self.scalar(key, Context::SimpleKey);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.scalar(key, Context::Mapping);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.value(value, indent);
        }
        self.indent = indent;
    }

    /// A mapping value (or sequence item) whose parent is at `indent`.
    fn value(&mut self, value: &Node, indent: i64) {
        match value {
            Node::Str(s) => self.scalar(s, Context::Mapping),
            Node::Bool(b) => self.plain(&bool_document(*b)),
            Node::Float(f) => self.plain(&super::gofloat::yaml(*f)),
            Node::Null => self.plain("null"),
            Node::Int(n) => self.plain(&n.to_string()),
            Node::Time(t) => self.plain(t),
            Node::Bytes(b) => self.bytes(b),
            Node::Map(m) if m.is_empty() => self.flow_empty("{", "}"),
            Node::Map(m) => self.block_mapping(m, indent + BEST_INDENT),
            Node::Struct(fields) if fields.is_empty() => self.flow_empty("{", "}"),
            Node::Struct(fields) => {
                self.block_entries(fields.iter().map(|(k, v)| (k, v)).collect(), indent + BEST_INDENT)
            }
            Node::List(items) if items.is_empty() => self.flow_empty("[", "]"),
            // yaml_emitter_emit_block_sequence_item: indentless under a mapping key.
            Node::List(items) => self.block_sequence(items, indent),
        }
    }

    fn flow_empty(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[Node], indent: i64) {
        for item in items {
            self.indent = indent;
            self.write_indent();
            self.write_indicator("-", true, false, true);
            match item {
                // A sequence in a sequence is indented (indentless only under a mapping key).
                Node::List(inner) if !inner.is_empty() => self.block_sequence(inner, indent + BEST_INDENT),
                item => self.value(item, indent),
            }
        }
        self.indent = indent;
    }

    /// yaml.v2's `stringv` for a Go string: valid UTF-8 as any string; otherwise `!!binary`
    /// with its base64 (broken into lines of 70, in a literal block, when longer).
    fn bytes(&mut self, value: &[u8]) {
        match std::str::from_utf8(value) {
            Ok(s) => self.scalar(s, Context::Mapping),
            Err(_) => {
                self.write_indicator("!!binary", true, false, false);
                let encoded = binary_text(value);
                let saved_indent = self.indent;
                self.indent = if self.indent < 0 { BEST_INDENT } else { self.indent + BEST_INDENT };
                if encoded.contains('\n') {
                    self.write_literal(&encoded);
                } else {
                    self.write_plain_or_single_quoted(&encoded, true, false);
                }
                self.indent = saved_indent;
            }
        }
    }

    /// A non-string scalar (bool, number, null): always plain.
    fn plain(&mut self, value: &str) {
        let saved_indent = self.indent;
        self.indent = if self.indent < 0 { BEST_INDENT } else { self.indent + BEST_INDENT };
        self.write_plain_or_single_quoted(value, true, false);
        self.indent = saved_indent;
    }

    /// `stringv` + `yaml_emitter_emit_scalar`: pick a style, then write at indent + 2.
    fn scalar(&mut self, value: &str, ctx: Context) {
        let analysis = Analysis::of(value);
        let simple_key = ctx == Context::SimpleKey;
        let mut style = if value.contains('\n') {
            Style::Literal
        } else if !resolves_to_non_string(value) {
            Style::Plain
        } else {
            Style::DoubleQuoted
        };
        // yaml_emitter_select_scalar_style, block context (flow_level == 0).
        if simple_key && analysis.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain && (!analysis.block_plain_allowed || (value.is_empty() && simple_key)) {
            style = Style::SingleQuoted;
        }
        if style == Style::SingleQuoted && !analysis.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!analysis.block_allowed || simple_key) {
            style = Style::DoubleQuoted;
        }

        let saved_indent = self.indent;
        self.indent = if self.indent < 0 { BEST_INDENT } else { self.indent + BEST_INDENT };
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain_or_single_quoted(value, allow_breaks, false),
            Style::SingleQuoted => self.write_plain_or_single_quoted(value, allow_breaks, true),
            Style::DoubleQuoted => self.write_double_quoted(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.indent = saved_indent;
    }

    /// `yaml_emitter_write_plain_scalar` and `..._single_quoted_scalar`, which differ only in
    /// the quotes, the doubled `'`, and that a quoted scalar never folds at either end.
    fn write_plain_or_single_quoted(&mut self, value: &str, allow_breaks: bool, quoted: bool) {
        if quoted {
            self.write_indicator("'", true, false, false);
        } else if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let inside = !quoted || (i > 0 && i + 1 < chars.len());
                if allow_breaks && !spaces && self.column > BEST_WIDTH && inside && chars.get(i + 1) != Some(&' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if quoted && c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if quoted {
            self.write_indicator("'", false, false, false);
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{07}' => self.put('a'),
                    '\u{08}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{0b}' => self.put('v'),
                    '\u{0c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{A0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (letter, width) = match v {
                            0..=0xFF => ('x', 2),
                            0x100..=0xFFFF => ('u', 4),
                            _ => ('U', 8),
                        };
                        self.put(letter);
                        for ch in format!("{v:0width$X}").chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < chars.len() {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // yaml_emitter_write_block_scalar_hints
        let chars: Vec<char> = value.chars().collect();
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chomp = match chars.as_slice() {
            [] => Some("-"),
            [.., last] if !is_break(*last) => Some("-"),
            [_] => Some("+"),
            [.., before, _] if is_break(*before) => Some("+"),
            _ => None,
        };
        if let Some(hint) = chomp {
            self.write_indicator(hint, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_puts_numbers_in_value_order_and_letters_first() {
        let mut keys = vec!["b", "a10", "a2", "B", "_c", "10", "9"];
        keys.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(keys, ["_c", "9", "10", "B", "a2", "a10", "b"]);
    }

    #[test]
    fn long_plain_values_fold_past_column_80() {
        let words = vec!["word"; 30].join(" ");
        let out = map_document([("k", words.as_str())]);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 1, "{out}");
        assert!(lines[1].starts_with("  word"), "{out}");
        // Folding is lossless: unfolding gives the value back.
        let back: serde_yaml_ng::Value = serde_yaml_ng::from_str(&out).unwrap();
        assert_eq!(back["k"].as_str().unwrap(), words);
    }

    #[test]
    fn multi_line_and_long_keys_use_explicit_key_syntax() {
        let long = "k".repeat(129);
        let out = map_document([(long.as_str(), "v"), ("a\nb", "c")]);
        assert!(out.contains(&format!("? {long}\n: v")), "{out}");
        assert!(out.contains("? |-\n  a\n  b\n: c"), "{out}");
    }

    #[test]
    fn literal_block_chomping_follows_trailing_newlines() {
        assert_eq!(string_document("a\nb"), "|-\n  a\n  b");
        assert_eq!(string_document("a\nb\n"), "|\n  a\n  b");
        assert_eq!(map_document([("k", "a\n\n"), ("z", "y")]), "k: |+\n  a\n\nz: \"y\"");
        assert_eq!(string_document(" a\nb"), "|2-\n   a\n  b");
    }

    #[test]
    fn characters_outside_yaml_printable_are_escaped_in_double_quotes() {
        assert_eq!(string_document("smile 😀"), "\"smile \\U0001F600\"");
        assert_eq!(string_document("bell\u{7}"), "\"bell\\a\"");
        assert_eq!(string_document("a \nb"), "\"a \\nb\"");
    }
}
