//! The golden outputs in `tests/data/format-vectors.json` were produced by Go: yaml.Marshal
//! from Juju's yaml.v2 fork (juju/yaml v2, which Juju 3.6 builds in place of gopkg.in/yaml.v2)
//! and encoding/json, with Juju's trailing-newline rule. Our formatters must produce every
//! byte.

use leaderd_core::format::{render, Format, Value};
use leaderd_core::model::Settings;

#[derive(serde::Deserialize)]
struct Vector {
    settings: Settings,
    yaml: String,
    json: String,
}

fn vectors() -> Vec<Vector> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/format-vectors.json"))
        .expect("read format vectors");
    serde_json::from_str(&text).expect("parse format vectors")
}

#[test]
fn yaml_and_smart_match_yaml_v2_for_every_vector() {
    let mut failures = Vec::new();
    for v in vectors() {
        let value = Value::Map(v.settings.clone());
        for format in [Format::Yaml, Format::Smart] {
            let got = render(format, &value);
            if got != v.yaml {
                failures.push(format!("{format} {:?}\n  want {:?}\n  got  {:?}", v.settings, v.yaml, got));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn json_matches_go_encoding_json_for_every_vector() {
    for v in vectors() {
        assert_eq!(render(Format::Json, &Value::Map(v.settings.clone())), v.json, "{:?}", v.settings);
    }
}
