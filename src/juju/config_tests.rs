//! `juju config`'s output and argument errors, byte for byte (Juju 3.6's `describe` shape;
//! juju/juju `apiserver/facades/client/application/get.go`).

use super::*;

use super::super::tests_support::finished as juju;

fn testdb(values: &[(&str, Json)], trust: bool) -> AppConfig {
    let options = leaderd_core::charm_config::options(
        "options:\n  testoption: {type: string, default: \"\", description: A test option.}\n  \
         port: {type: int, default: 8080}\n  name: {type: string}\n",
    )
    .unwrap();
    AppConfig {
        options,
        values: values.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        trust,
        ..Default::default()
    }
}

#[test]
fn json_is_jujus_with_application_config_trust_as_a_boolean() {
    let json = format::render(Format::Json, &Value::Tree(shown("testdb", "testdb", &testdb(&[], false))));
    assert_eq!(
        json,
        concat!(
            r#"{"application":"testdb","application-config":{"trust":{"default":false,"description":"Does this application have access to trusted credentials","source":"default","type":"bool","value":false}},"#,
            r#""charm":"testdb","settings":{"name":{"description":"","source":"unset","type":"string"},"#,
            r#""port":{"default":8080,"description":"","source":"default","type":"int","value":8080},"#,
            r#""testoption":{"default":"","description":"A test option.","source":"default","type":"string","value":""}}}"#,
            "\n"
        )
    );
    let set = testdb(&[("testoption", Json::String("foobar".into())), ("port", Json::from(8080))], true);
    let json = format::render(Format::Json, &Value::Tree(shown("testdb", "testdb", &set)));
    assert!(json.contains(r#""trust":{"default":false,"description":"Does this application have access to trusted credentials","source":"user","type":"bool","value":true}"#), "{json}");
    assert!(json.contains(r#""testoption":{"default":"","description":"A test option.","source":"user","type":"string","value":"foobar"}"#), "{json}");
    assert!(
        json.contains(r#""port":{"default":8080,"description":"","source":"default","type":"int","value":8080}"#),
        "the default set again is the default: {json}"
    );
}

#[test]
fn one_value_prints_plain_and_an_unknown_key_in_jujus_words() {
    let config = testdb(&[("testoption", Json::String("foobar".into()))], true);
    assert_eq!(get("testdb", &config, "testoption").unwrap(), "foobar\n");
    assert_eq!(get("testdb", &config, "port").unwrap(), "8080\n");
    assert_eq!(get("testdb", &config, "name").unwrap(), "\n");
    assert_eq!(get("testdb", &config, "trust").unwrap(), "true\n");
    assert_eq!(
        get("testdb", &config, "nope").unwrap_err().0,
        "key \"nope\" not found in \"testdb\" application config or charm settings."
    );
}

#[test]
fn an_empty_value_sets_the_empty_string_and_trust_goes_to_the_application_config() {
    let m = command().try_get_matches_from(["testdb"]).unwrap();
    let config = Config::init(&m).unwrap();
    let set: BTreeMap<String, String> =
        [("testoption".to_string(), String::new()), ("trust".to_string(), "true".to_string())].into();
    let change = config.change(&set, &["port".to_string()]).unwrap();
    assert_eq!(change.set, BTreeMap::from([("testoption".to_string(), Json::String(String::new()))]));
    assert_eq!(change.trust, Some(true));
    assert_eq!(change.reset, ["port"]);
    let change = config.change(&BTreeMap::new(), &["trust".to_string()]).unwrap();
    assert_eq!((change.trust, change.reset.len()), (Some(false), 0), "--reset trust");
}

#[test]
fn argument_errors_in_jujus_words() {
    for (args, want) in [
        (&["config"][..], "ERROR no application name specified\n"),
        (&["config", "a=b"][..], "ERROR no application name specified\n"),
        (&["config", "testdb", "k1", "k2"][..], "ERROR cannot specify multiple keys to get\n"),
        (
            &["config", "testdb", "k", "--reset", "k"][..],
            "ERROR cannot use --reset flag and get value simultaneously\n",
        ),
        (&["config", "testdb", "k=1", "--reset", "k"][..], "ERROR cannot set and reset key \"k\" simultaneously\n"),
        (
            &["config", "testdb", "--format", "xml"][..],
            "ERROR invalid value \"xml\" for option --format: unknown format \"xml\"\n",
        ),
    ] {
        let f = juju(args);
        assert_eq!((String::from_utf8(f.stderr).unwrap().as_str(), f.code), (want, 2), "{args:?}");
    }
    let help = String::from_utf8(juju(&["config", "--help"]).stdout).unwrap();
    assert!(
        help.starts_with(
            "Usage: juju config [options] <application name> [--reset <key[,key]>] [<attribute-key>][=<value>] ...]\n\n\
             Summary:\nGets, sets, or resets configuration for a deployed application.\n"
        ),
        "{help}"
    );
}
