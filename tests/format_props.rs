//! Property tests: whatever the settings, our yaml and json output parse back (with an
//! independent YAML parser and serde_json) to exactly the same map, and a single value printed
//! with --format=yaml or json parses back to the same string.

use leaderd::format::{render, Format, Settings, Value};
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
