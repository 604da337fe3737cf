//! A YAML document read as Juju's `yaml.Unmarshal` (juju/yaml v2, a port of libyaml) reads it
//! into `interface{}`, for `leaderd run`'s parameters (`cmd/juju/action/run.go`): plain scalars
//! resolve by the fork's YAML 1.1 rules ([`leaderd_core::format::resolve::resolve_plain`]:
//! `yes`, `on`, `y` are true, `010` is 8, `1_000` is 1000, an empty value is null), quoted and
//! block scalars are strings. Both need each scalar's style, which only the event parser
//! gives: libyaml's own, through unsafe-libyaml (the parser serde_yaml_ng is built on). Syntax
//! errors are found first by serde_yaml_ng, which shares libyaml's messages, and worded as
//! yaml.v2's `decode.go` `fail` words them.

use serde_json::{Map, Value as Json};

use leaderd_core::format::resolve::{resolve_plain, Plain};

/// `text`'s document as a JSON value (none for a text with no document: `yaml.Unmarshal`
/// then leaves its target as it was), or yaml.v2's error (`yaml: line 1: did not find
/// expected ',' or ']'`).
pub(crate) fn unmarshal(text: &str) -> Result<Option<Json>, String> {
    if let Err(e) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text) {
        return Err(go_error(&e));
    }
    events(text)
}

/// A YAML error as yaml.v2 words it (`yaml: line N: problem`): a parser error names the line
/// of its problem (0-based, so the end of a one-line document is line 1), a scanner error the
/// next line, and neither names a line 0.
fn go_error(e: &serde_yaml_ng::Error) -> String {
    let text = e.to_string();
    let problem = text.split(" at line ").next().unwrap_or(&text);
    let line0 = e.location().map_or(0, |l| l.line().saturating_sub(1));
    let line = if text.contains(", while parsing") {
        line0
    } else if line0 != 0 {
        line0 + 1
    } else {
        0
    };
    if line == 0 {
        format!("yaml: {problem}")
    } else {
        format!("yaml: line {line}: {problem}")
    }
}

/// A collection being built.
enum Open {
    Seq(Vec<Json>, Option<String>),
    Map(Map<String, Json>, Option<String>, Option<String>),
}

/// The first document's root, from libyaml's events.
fn events(text: &str) -> Result<Option<Json>, String> {
    use std::mem::MaybeUninit;
    use unsafe_libyaml as unsafe_y;
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: std::collections::HashMap<String, Json> = Default::default();
    let mut root: Option<Json> = None;
    // SAFETY: the parser is initialised before use and deleted on every path out; `text`
    // outlives it; each event is read according to its type and deleted after.
    unsafe {
        let mut parser = MaybeUninit::<unsafe_y::yaml_parser_t>::uninit();
        if unsafe_y::yaml_parser_initialize(parser.as_mut_ptr()).fail {
            return Err("yaml: cannot initialise the parser".into());
        }
        let parser = parser.as_mut_ptr();
        unsafe_y::yaml_parser_set_input_string(parser, text.as_ptr(), text.len() as _);
        let result = loop {
            let mut event = MaybeUninit::<unsafe_y::yaml_event_t>::uninit();
            if unsafe_y::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                break Err("yaml: unknown problem parsing YAML content".to_string());
            }
            let event = event.as_mut_ptr();
            let c_str = |p: *const u8| -> Option<String> {
                (!p.is_null())
                    .then(|| std::ffi::CStr::from_ptr(p as *const std::ffi::c_char).to_string_lossy().into_owned())
            };
            let mut done: Option<(Json, Option<String>)> = None;
            let mut stop = false;
            match (*event).type_ {
                unsafe_y::YAML_STREAM_END_EVENT | unsafe_y::YAML_DOCUMENT_END_EVENT => stop = true,
                unsafe_y::YAML_SCALAR_EVENT => {
                    let s = (*event).data.scalar;
                    let bytes: &[u8] = if s.value.is_null() || s.length == 0 {
                        &[]
                    } else {
                        std::slice::from_raw_parts(s.value, s.length as usize)
                    };
                    let value = String::from_utf8_lossy(bytes).into_owned();
                    let tag = c_str(s.tag);
                    let json = match (tag.as_deref(), s.style) {
                        (Some("tag:yaml.org,2002:str"), _) => Json::String(value),
                        (_, unsafe_y::YAML_PLAIN_SCALAR_STYLE) => plain(value),
                        _ => Json::String(value),
                    };
                    done = Some((json, c_str(s.anchor)));
                }
                unsafe_y::YAML_ALIAS_EVENT => {
                    let name = c_str((*event).data.alias.anchor).unwrap_or_default();
                    match anchors.get(&name) {
                        Some(v) => done = Some((v.clone(), None)),
                        None => {
                            unsafe_y::yaml_event_delete(event);
                            break Err(format!("yaml: unknown anchor '{name}' referenced"));
                        }
                    }
                }
                unsafe_y::YAML_SEQUENCE_START_EVENT => {
                    stack.push(Open::Seq(Vec::new(), c_str((*event).data.sequence_start.anchor)));
                }
                unsafe_y::YAML_MAPPING_START_EVENT => {
                    stack.push(Open::Map(Map::new(), None, c_str((*event).data.mapping_start.anchor)));
                }
                unsafe_y::YAML_SEQUENCE_END_EVENT | unsafe_y::YAML_MAPPING_END_EVENT => match stack.pop() {
                    Some(Open::Seq(items, anchor)) => done = Some((Json::Array(items), anchor)),
                    Some(Open::Map(map, _, anchor)) => done = Some((Json::Object(map), anchor)),
                    None => {}
                },
                _ => {}
            }
            unsafe_y::yaml_event_delete(event);
            if let Some((value, anchor)) = done {
                if let Some(anchor) = anchor {
                    anchors.insert(anchor, value.clone());
                }
                match stack.last_mut() {
                    None => root = Some(value),
                    Some(Open::Seq(items, _)) => items.push(value),
                    Some(Open::Map(_, key @ None, _)) => match value {
                        Json::String(text) => *key = Some(text),
                        // A key that resolves to anything but a string (`n`, `1`, `~`) is one
                        // Juju's `ConformYAML` refuses.
                        _ => {
                            unsafe_y::yaml_parser_delete(parser);
                            return Err("map keyed with non-string value".into());
                        }
                    },
                    Some(Open::Map(map, key, _)) => {
                        map.insert(key.take().unwrap_or_default(), value);
                    }
                }
            }
            if stop {
                break Ok(root.take());
            }
        };
        unsafe_y::yaml_parser_delete(parser);
        result
    }
}

/// A plain scalar's value (an empty one is null, as yaml.v2 resolves it).
fn plain(text: String) -> Json {
    if text.is_empty() {
        return Json::Null;
    }
    match resolve_plain(&text) {
        Plain::Bool(b) => Json::Bool(b),
        Plain::Null => Json::Null,
        Plain::Int(i) => Json::from(i),
        Plain::Uint(u) => Json::from(u),
        Plain::Float(f) => serde_json::Number::from_f64(f).map_or(Json::String(text), Json::Number),
        Plain::Str => Json::String(text),
    }
}

#[cfg(test)]
mod tests {
    use super::unmarshal;
    use serde_json::json;

    /// Each checked against juju/yaml v2's `yaml.Unmarshal` into `interface{}`.
    #[test]
    fn documents_read_as_juju_yaml_v2_reads_them() {
        for (text, want) in [
            ("yes", json!(true)),
            ("'yes'", json!("yes")),
            ("[1, yes, 'on', 010]", json!([1, true, "on", 8])),
            ("{a: on, b: \"off\"}", json!({"a": true, "b": "off"})),
            (
                "force: yes\nnum: 1_000\nlist:\n- y\n- n\nempty:\ns: |\n  text\n\"n\": 1\n",
                json!({"force": true, "num": 1000, "list": [true, false], "empty": null, "s": "text\n", "n": 1}),
            ),
            ("a: &x on\nb: *x\n", json!({"a": true, "b": true})),
            ("~", json!(null)),
        ] {
            assert_eq!(unmarshal(text).unwrap(), Some(want), "{text:?}");
        }
        assert_eq!(unmarshal("").unwrap(), None);
        assert_eq!(unmarshal("# only a comment\n").unwrap(), None);
        for (text, want) in [
            ("[x", "yaml: line 1: did not find expected ',' or ']'"),
            ("\"unterminated", "yaml: found unexpected end of stream"),
            ("a: [", "yaml: line 1: did not find expected node content"),
            ("a: b: c", "yaml: mapping values are not allowed in this context"),
            ("a: {n: 1}", "map keyed with non-string value"),
        ] {
            assert_eq!(unmarshal(text).unwrap_err(), want, "{text:?}");
        }
    }
}
