//! The action tools end to end (`main_with`) against a fake hook context: help, Init errors and
//! Run output byte for byte, as Juju 3.6.0 prints them (its `action-*_test.go` cases, and vectors
//! produced by running Juju 3.6.0's own command code with a stub context), and what each tool
//! sends.

use std::cell::RefCell;
use std::ffi::OsString;
use std::rc::Rc;

use super::{main_with, run_in, ClientError, ContextError, ToolContext};
use leaderd_core::wire::ErrorCode;

type Params = serde_json::Map<String, serde_json::Value>;

/// A call the fake context received.
#[derive(Debug, Clone, PartialEq)]
enum Call {
    Params,
    Set(Vec<(Vec<String>, String)>),
    Log(String),
    Fail(Option<String>),
}

/// A hook context running an action with `params` (or, with `error`, answering every action
/// call with it); it records every action call.
#[derive(Default, Clone)]
struct Fake {
    calls: Rc<RefCell<Vec<Call>>>,
    params: Params,
    error: Option<ContextError>,
}

impl Fake {
    fn with_params(json: &str) -> Fake {
        Fake { params: serde_json::from_str(json).unwrap(), ..Default::default() }
    }

    fn failing(message: &str) -> Fake {
        let error = ContextError::Refused { code: ErrorCode::NotFound, message: message.into() };
        Fake { error: Some(error), ..Default::default() }
    }

    fn answer<T>(&self, call: Call, value: T) -> Result<T, ContextError> {
        self.calls.borrow_mut().push(call);
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(value),
        }
    }
}

impl ToolContext for Fake {
    core_calls_unused!("not an action call");
    fn action_params(&mut self) -> Result<Params, ContextError> {
        self.answer(Call::Params, self.params.clone())
    }
    fn action_set(&mut self, results: Vec<(Vec<String>, String)>) -> Result<(), ContextError> {
        self.answer(Call::Set(results), ())
    }
    fn action_log(&mut self, message: String) -> Result<(), ContextError> {
        self.answer(Call::Log(message), ())
    }
    fn action_fail(&mut self, message: Option<String>) -> Result<(), ContextError> {
        self.answer(Call::Fail(message), ())
    }
}

/// A hook context that runs no action: the trait's own answers.
struct NoAction;

impl ToolContext for NoAction {
    core_calls_unused!("not an action call");
}

/// The result of one call: stdout, stderr, exit code, and the calls made.
type Ran = super::Ran<Call>;

fn run_with(fake: &Fake, argv: &[&str]) -> Ran {
    let fake = Fake { calls: Default::default(), ..fake.clone() };
    super::run_recorded(&fake, &fake.calls, argv)
}

fn run(argv: &[&str]) -> Ran {
    run_with(&Fake::default(), argv)
}

/// A usage error: exit 2, nothing sent.
#[track_caller]
fn assert_usage(argv: &[&str], message: &str) {
    super::assert_usage_error(&run(argv), argv, message);
}

/// A successful call that printed nothing and sent `calls`.
#[track_caller]
fn assert_sent(argv: &[&str], calls: Vec<Call>) {
    let ran = run(argv);
    assert_eq!(ran, Ran { stdout: String::new(), stderr: String::new(), code: 0, calls }, "{argv:?}");
}

fn set(results: &[(&[&str], &str)]) -> Call {
    Call::Set(
        results.iter().map(|(keys, value)| (keys.iter().map(|k| k.to_string()).collect(), value.to_string())).collect(),
    )
}

#[test]
fn help_is_juju_3_6s_byte_for_byte() {
    let cases = [
        ("action-get", include_str!("testdata/help-action-get.txt")),
        ("action-set", include_str!("testdata/help-action-set.txt")),
        ("action-log", include_str!("testdata/help-action-log.txt")),
        ("action-fail", include_str!("testdata/help-action-fail.txt")),
    ];
    for (tool, want) in cases {
        for argv in [vec![tool, "--help"], vec![tool, "-h"], vec![tool, "x", "--help"], vec![tool, "-h", "x"]] {
            let ran = run(&argv);
            assert_eq!(ran.stdout, want, "{argv:?}");
            assert_eq!((ran.stderr.as_str(), ran.code, ran.calls), ("", 0, vec![]));
        }
    }
    // action-set's Details line that lists the reserved keys ends in a space, as Juju's does.
    assert!(include_str!("testdata/help-action-set.txt").contains("reserved for internal use: \n\"stdout\""));
}

/// The parameters of the research vectors below: every JSON type, nested maps and lists, keys
/// that need quoting or natural ordering, strings that YAML would read as something else.
const PARAMS: &str = r#"{"outfile": {"filename": "foo.bz2", "format": "bzip"}, "count": 5, "big": 1000000, "ratio": 0.5, "neg": -3, "tiny": 1e-05, "flag": true, "off": false, "empty": "", "truthy": "true", "multi": "a\nb", "list": [1, "two", {"x": "y", "z": []}, [3, 4], null], "elist": [], "emap": {}, "nul": null, "keyed": {"10": "ten", "9": "nine", "a": "b"}, "html": "<a&b>", "date": "2024-01-01", "nested": {"a": {"b": {"c": "d"}}, "l": [["x"]]}}"#;

/// `action-get ARGS` with [`PARAMS`]: stdout, as Juju 3.6.0's command prints it (exit 0,
/// nothing on stderr). Numbers are float64s, as Juju's agent decodes them from JSON.
const GET_CASES: &[(&[&str], &str)] = &[
        (&[], "big: 1e+06\ncount: 5\ndate: \"2024-01-01\"\nelist: []\nemap: {}\nempty: \"\"\nflag: true\nhtml: <a&b>\nkeyed:\n  \"9\": nine\n  \"10\": ten\n  a: b\nlist:\n- 1\n- two\n- x: \"y\"\n  z: []\n- - 3\n  - 4\n- null\nmulti: |-\n  a\n  b\nneg: -3\nnested:\n  a:\n    b:\n      c: d\n  l:\n  - - x\nnul: null\n\"off\": false\noutfile:\n  filename: foo.bz2\n  format: bzip\nratio: 0.5\ntiny: 1e-05\ntruthy: \"true\"\n"),
        (&["--format=yaml"], "big: 1e+06\ncount: 5\ndate: \"2024-01-01\"\nelist: []\nemap: {}\nempty: \"\"\nflag: true\nhtml: <a&b>\nkeyed:\n  \"9\": nine\n  \"10\": ten\n  a: b\nlist:\n- 1\n- two\n- x: \"y\"\n  z: []\n- - 3\n  - 4\n- null\nmulti: |-\n  a\n  b\nneg: -3\nnested:\n  a:\n    b:\n      c: d\n  l:\n  - - x\nnul: null\n\"off\": false\noutfile:\n  filename: foo.bz2\n  format: bzip\nratio: 0.5\ntiny: 1e-05\ntruthy: \"true\"\n"),
        (&["--format=json"], "{\"big\":1000000,\"count\":5,\"date\":\"2024-01-01\",\"elist\":[],\"emap\":{},\"empty\":\"\",\"flag\":true,\"html\":\"\\u003ca\\u0026b\\u003e\",\"keyed\":{\"10\":\"ten\",\"9\":\"nine\",\"a\":\"b\"},\"list\":[1,\"two\",{\"x\":\"y\",\"z\":[]},[3,4],null],\"multi\":\"a\\nb\",\"neg\":-3,\"nested\":{\"a\":{\"b\":{\"c\":\"d\"}},\"l\":[[\"x\"]]},\"nul\":null,\"off\":false,\"outfile\":{\"filename\":\"foo.bz2\",\"format\":\"bzip\"},\"ratio\":0.5,\"tiny\":0.00001,\"truthy\":\"true\"}\n"),
        (&["outfile"], "filename: foo.bz2\nformat: bzip\n"),
        (&["--format=yaml", "outfile"], "filename: foo.bz2\nformat: bzip\n"),
        (&["--format=json", "outfile"], "{\"filename\":\"foo.bz2\",\"format\":\"bzip\"}\n"),
        (&["outfile.filename"], "foo.bz2\n"),
        (&["--format=yaml", "outfile.filename"], "foo.bz2\n"),
        (&["--format=json", "outfile.filename"], "\"foo.bz2\"\n"),
        (&["outfile.nope"], ""),
        (&["--format=yaml", "outfile.nope"], ""),
        (&["--format=json", "outfile.nope"], "null\n"),
        (&["count"], "5\n"),
        (&["--format=yaml", "count"], "5\n"),
        (&["--format=json", "count"], "5\n"),
        (&["big"], "1e+06\n"),
        (&["--format=yaml", "big"], "1e+06\n"),
        (&["--format=json", "big"], "1000000\n"),
        (&["ratio"], "0.5\n"),
        (&["--format=yaml", "ratio"], "0.5\n"),
        (&["--format=json", "ratio"], "0.5\n"),
        (&["neg"], "-3\n"),
        (&["--format=yaml", "neg"], "-3\n"),
        (&["--format=json", "neg"], "-3\n"),
        (&["tiny"], "1e-05\n"),
        (&["--format=yaml", "tiny"], "1e-05\n"),
        (&["--format=json", "tiny"], "0.00001\n"),
        (&["flag"], "True\n"),
        (&["--format=yaml", "flag"], "true\n"),
        (&["--format=json", "flag"], "true\n"),
        (&["off"], "False\n"),
        (&["--format=yaml", "off"], "false\n"),
        (&["--format=json", "off"], "false\n"),
        (&["empty"], ""),
        (&["--format=yaml", "empty"], "\"\"\n"),
        (&["--format=json", "empty"], "\"\"\n"),
        (&["truthy"], "true\n"),
        (&["--format=yaml", "truthy"], "\"true\"\n"),
        (&["--format=json", "truthy"], "\"true\"\n"),
        (&["multi"], "a\nb\n"),
        (&["--format=yaml", "multi"], "|-\n  a\n  b\n"),
        (&["--format=json", "multi"], "\"a\\nb\"\n"),
        (&["list"], "- 1\n- two\n- x: \"y\"\n  z: []\n- - 3\n  - 4\n- null\n"),
        (&["--format=yaml", "list"], "- 1\n- two\n- x: \"y\"\n  z: []\n- - 3\n  - 4\n- null\n"),
        (&["--format=json", "list"], "[1,\"two\",{\"x\":\"y\",\"z\":[]},[3,4],null]\n"),
        (&["elist"], "[]\n"),
        (&["--format=yaml", "elist"], "[]\n"),
        (&["--format=json", "elist"], "[]\n"),
        (&["emap"], "{}\n"),
        (&["--format=yaml", "emap"], "{}\n"),
        (&["--format=json", "emap"], "{}\n"),
        (&["nul"], ""),
        (&["--format=yaml", "nul"], ""),
        (&["--format=json", "nul"], "null\n"),
        (&["keyed"], "\"9\": nine\n\"10\": ten\na: b\n"),
        (&["--format=yaml", "keyed"], "\"9\": nine\n\"10\": ten\na: b\n"),
        (&["--format=json", "keyed"], "{\"10\":\"ten\",\"9\":\"nine\",\"a\":\"b\"}\n"),
        (&["html"], "<a&b>\n"),
        (&["--format=yaml", "html"], "<a&b>\n"),
        (&["--format=json", "html"], "\"\\u003ca\\u0026b\\u003e\"\n"),
        (&["date"], "2024-01-01\n"),
        (&["--format=yaml", "date"], "\"2024-01-01\"\n"),
        (&["--format=json", "date"], "\"2024-01-01\"\n"),
        (&["nested.a"], "b:\n  c: d\n"),
        (&["--format=yaml", "nested.a"], "b:\n  c: d\n"),
        (&["--format=json", "nested.a"], "{\"b\":{\"c\":\"d\"}}\n"),
        (&["nested.a.b.c"], "d\n"),
        (&["--format=yaml", "nested.a.b.c"], "d\n"),
        (&["--format=json", "nested.a.b.c"], "\"d\"\n"),
        (&["nested.l"], "- - x\n"),
        (&["--format=yaml", "nested.l"], "- - x\n"),
        (&["--format=json", "nested.l"], "[[\"x\"]]\n"),
        (&["flag.x"], ""),
        (&["--format=yaml", "flag.x"], ""),
        (&["--format=json", "flag.x"], "null\n"),
        (&[""], ""),
        (&["--format=yaml", ""], ""),
        (&["--format=json", ""], "null\n"),
        (&["a..b"], ""),
        (&["--format=yaml", "a..b"], ""),
        (&["--format=json", "a..b"], "null\n"),
        (&["count.x"], ""),
        (&["--format=yaml", "count.x"], ""),
        (&["--format=json", "count.x"], "null\n"),
        (&["list.x"], ""),
        (&["--format=yaml", "list.x"], ""),
        (&["--format=json", "list.x"], "null\n"),
        (&["missing"], ""),
        (&["--format=yaml", "missing"], ""),
        (&["--format=json", "missing"], "null\n"),
];

#[test]
fn action_get_prints_params_as_juju_does() {
    let fake = Fake::with_params(PARAMS);
    for (args, want) in GET_CASES {
        let argv: Vec<&str> = ["action-get"].iter().chain(args.iter()).copied().collect();
        let ran = run_with(&fake, &argv);
        assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), (*want, "", 0), "{argv:?}");
        assert_eq!(ran.calls, vec![Call::Params]);
    }
}

/// More research vectors: strings that yaml.v2 quotes, folds or writes as literal blocks (in
/// lists too), keys that need quoting or `? ` syntax, extreme floats.
const PARAMS_TEXT: &str = r##"{"long": "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word", "items": ["line1\nline2", "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word", "- dash", "a: b", "", " lead", "trail\n", "#x", "null", "1.5", "0o17", "~", "yes"], "a: b": "colon key", "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": "long key", "multi\nkey": "v", "Upper": "\u00e9 \u2713 \ud83d\ude00", "float": 1.5e+300, "small": -2.5e-07, "zero": 0, "negzero": -0.0, "obj": {"inner": ["a", {"b": ["c"]}], "e": {}}}"##;
const GET_TEXT_CASES: &[(&[&str], &str)] = &[
    (&[], "Upper: \"é ✓ \\U0001F600\"\n'a: b': colon key\nfloat: 1.5e+300\nitems:\n- |-\n  line1\n  line2\n- word word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word\n- '- dash'\n- 'a: b'\n- \"\"\n- ' lead'\n- |\n  trail\n- '#x'\n- \"null\"\n- \"1.5\"\n- \"0o17\"\n- \"~\"\n- \"yes\"\n? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n: long key\nlong: word word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word\n? |-\n  multi\n  key\n: v\nnegzero: -0\nobj:\n  e: {}\n  inner:\n  - a\n  - b:\n    - c\nsmall: -2.5e-07\nzero: 0\n"),
    (&["--format=yaml"], "Upper: \"é ✓ \\U0001F600\"\n'a: b': colon key\nfloat: 1.5e+300\nitems:\n- |-\n  line1\n  line2\n- word word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word\n- '- dash'\n- 'a: b'\n- \"\"\n- ' lead'\n- |\n  trail\n- '#x'\n- \"null\"\n- \"1.5\"\n- \"0o17\"\n- \"~\"\n- \"yes\"\n? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n: long key\nlong: word word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word\n? |-\n  multi\n  key\n: v\nnegzero: -0\nobj:\n  e: {}\n  inner:\n  - a\n  - b:\n    - c\nsmall: -2.5e-07\nzero: 0\n"),
    (&["--format=json"], "{\"Upper\":\"é ✓ 😀\",\"a: b\":\"colon key\",\"float\":1.5e+300,\"items\":[\"line1\\nline2\",\"word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word\",\"- dash\",\"a: b\",\"\",\" lead\",\"trail\\n\",\"#x\",\"null\",\"1.5\",\"0o17\",\"~\",\"yes\"],\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\":\"long key\",\"long\":\"word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word\",\"multi\\nkey\":\"v\",\"negzero\":-0,\"obj\":{\"e\":{},\"inner\":[\"a\",{\"b\":[\"c\"]}]},\"small\":-2.5e-7,\"zero\":0}\n"),
    (&["long"], "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word\n"),
    (&["--format=yaml", "long"], "word word word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word\n"),
    (&["--format=json", "long"], "\"word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word\"\n"),
    (&["items"], "- |-\n  line1\n  line2\n- word word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word\n- '- dash'\n- 'a: b'\n- \"\"\n- ' lead'\n- |\n  trail\n- '#x'\n- \"null\"\n- \"1.5\"\n- \"0o17\"\n- \"~\"\n- \"yes\"\n"),
    (&["--format=yaml", "items"], "- |-\n  line1\n  line2\n- word word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word\n- '- dash'\n- 'a: b'\n- \"\"\n- ' lead'\n- |\n  trail\n- '#x'\n- \"null\"\n- \"1.5\"\n- \"0o17\"\n- \"~\"\n- \"yes\"\n"),
    (&["--format=json", "items"], "[\"line1\\nline2\",\"word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word\",\"- dash\",\"a: b\",\"\",\" lead\",\"trail\\n\",\"#x\",\"null\",\"1.5\",\"0o17\",\"~\",\"yes\"]\n"),
    (&["obj"], "e: {}\ninner:\n- a\n- b:\n  - c\n"),
    (&["--format=yaml", "obj"], "e: {}\ninner:\n- a\n- b:\n  - c\n"),
    (&["--format=json", "obj"], "{\"e\":{},\"inner\":[\"a\",{\"b\":[\"c\"]}]}\n"),
    (&["obj.inner"], "- a\n- b:\n  - c\n"),
    (&["--format=yaml", "obj.inner"], "- a\n- b:\n  - c\n"),
    (&["--format=json", "obj.inner"], "[\"a\",{\"b\":[\"c\"]}]\n"),
    (&["float"], "1.5e+300\n"),
    (&["--format=yaml", "float"], "1.5e+300\n"),
    (&["--format=json", "float"], "1.5e+300\n"),
    (&["small"], "-2.5e-07\n"),
    (&["--format=yaml", "small"], "-2.5e-07\n"),
    (&["--format=json", "small"], "-2.5e-7\n"),
    (&["zero"], "0\n"),
    (&["--format=yaml", "zero"], "0\n"),
    (&["--format=json", "zero"], "0\n"),
    (&["negzero"], "-0\n"),
    (&["--format=yaml", "negzero"], "-0\n"),
    (&["--format=json", "negzero"], "-0\n"),
    (&["Upper"], "é ✓ 😀\n"),
    (&["--format=yaml", "Upper"], "\"é ✓ \\U0001F600\"\n"),
    (&["--format=json", "Upper"], "\"é ✓ 😀\"\n"),
    (&["a: b"], "colon key\n"),
    (&["--format=yaml", "a: b"], "colon key\n"),
    (&["--format=json", "a: b"], "\"colon key\"\n"),
];

#[test]
fn action_get_prints_text_and_numbers_as_yaml_v2_does() {
    let fake = Fake::with_params(PARAMS_TEXT);
    for (args, want) in GET_TEXT_CASES {
        let argv: Vec<&str> = ["action-get"].iter().chain(args.iter()).copied().collect();
        let ran = run_with(&fake, &argv);
        assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), (*want, "", 0), "{argv:?}");
    }
}

#[test]
fn action_get_golden_cases_of_juju() {
    // action-get_test.go, TestActionGet (its maps with non-string keys cannot come from JSON).
    let maps = [
        r#"{"outfile": "foo.bz2"}"#,
        r#"{"outfile": {"filename": "foo.bz2", "format": "bzip"}}"#,
        r#"{"outfile": {"type": {"1": "raw", "2": "gzip", "3": "bzip"}}}"#,
    ];
    let cases: &[(Option<usize>, &[&str], &str)] = &[
        (None, &[], "{}\n"),
        (None, &["--format", "yaml"], "{}\n"),
        (None, &["--format", "json"], "{}\n"),
        (None, &["foo"], ""),
        (None, &["--format", "yaml", "foo"], ""),
        (None, &["--format", "json", "foo"], "null\n"),
        (Some(1), &["outfile.type"], ""),
        (Some(1), &["--format", "yaml", "outfile.type"], ""),
        (Some(1), &["--format", "json", "outfile.type"], "null\n"),
        (Some(1), &["outfile.type.1"], ""),
        (Some(1), &["--format", "yaml", "outfile.type.1"], ""),
        (Some(1), &["--format", "json", "outfile.type.1"], "null\n"),
        (Some(0), &[], "outfile: foo.bz2\n"),
        (Some(0), &["--format", "yaml"], "outfile: foo.bz2\n"),
        (Some(0), &["--format", "json"], "{\"outfile\":\"foo.bz2\"}\n"),
        (Some(2), &[], "outfile:\n  type:\n    \"1\": raw\n    \"2\": gzip\n    \"3\": bzip\n"),
        (Some(2), &["--format", "yaml"], "outfile:\n  type:\n    \"1\": raw\n    \"2\": gzip\n    \"3\": bzip\n"),
        (Some(2), &["--format", "json"], "{\"outfile\":{\"type\":{\"1\":\"raw\",\"2\":\"gzip\",\"3\":\"bzip\"}}}\n"),
        (Some(2), &["outfile.type"], "\"1\": raw\n\"2\": gzip\n\"3\": bzip\n"),
        (Some(2), &["--format", "yaml", "outfile.type"], "\"1\": raw\n\"2\": gzip\n\"3\": bzip\n"),
        (Some(2), &["--format", "json", "outfile.type"], "{\"1\":\"raw\",\"2\":\"gzip\",\"3\":\"bzip\"}\n"),
    ];
    for (map, args, want) in cases {
        let fake = map.map(|i| Fake::with_params(maps[i])).unwrap_or_default();
        let argv: Vec<&str> = ["action-get"].iter().chain(args.iter()).copied().collect();
        let ran = run_with(&fake, &argv);
        assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), (*want, "", 0), "{argv:?}");
        assert_eq!(ran.calls, vec![Call::Params]);
    }
}

#[test]
fn action_get_init_and_run_errors() {
    assert_usage(&["action-get", "multiple", "keys"], r#"unrecognized args: ["keys"]"#);
    assert_usage(&["action-get", "a", "b", "c"], r#"unrecognized args: ["b" "c"]"#);
    assert_usage(
        &["action-get", "--format", "xml"],
        r#"invalid value "xml" for option --format: unknown format "xml""#,
    );
    assert_usage(&["action-get", "--format="], r#"invalid value "" for option --format: unknown format """#);
    assert_usage(&["action-get", "-o"], "option needs an argument: -o");
    assert_usage(&["action-get", "--foo"], "option provided but not defined: --foo");
    // TestNonActionRunFail: the context's error, as it is.
    for argv in [vec!["action-get"], vec!["action-get", "x"]] {
        let ran = run_with(&Fake::failing("ActionParams queried from non-Action hook context"), &argv);
        assert_eq!(
            (ran.stdout.as_str(), ran.stderr.as_str(), ran.code, ran.calls),
            ("", "ERROR ActionParams queried from non-Action hook context\n", 1, vec![Call::Params])
        );
    }
    // A key that is not UTF-8 names no parameter.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let argv = vec![OsString::from("action-get"), OsString::from_vec(b"a\xff".to_vec())];
        let fake = Fake::with_params(r#"{"a\ufffd": "x"}"#);
        let ctx: Box<dyn ToolContext> = Box::new(fake.clone());
        let finished = main_with(&argv, true, move || -> Result<Box<dyn ToolContext>, ClientError> { Ok(ctx) });
        assert_eq!((finished.stdout, finished.stderr, finished.code), (vec![], vec![], 0));
        let argv =
            vec![OsString::from("action-get"), OsString::from("--format=json"), OsString::from_vec(b"\xff".to_vec())];
        let ctx: Box<dyn ToolContext> = Box::new(fake);
        let finished = main_with(&argv, true, move || -> Result<Box<dyn ToolContext>, ClientError> { Ok(ctx) });
        assert_eq!((finished.stdout, finished.code), (b"null\n".to_vec(), 0));
    }
}

#[test]
fn action_get_writes_the_output_file() {
    let dir = std::env::temp_dir().join(format!("jujuc-action-get-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("params.json");
    let fake = Fake::with_params(r#"{"a": {"b": 1}}"#);
    let ran = run_with(&fake, &["action-get", "--format", "json", "-o", path.to_str().unwrap()]);
    assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), ("", "", 0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":{\"b\":1}}\n");
    // A missing key still creates (truncates) the file.
    let ran = run_with(&fake, &["action-get", "--output", path.to_str().unwrap(), "a.c"]);
    assert_eq!((ran.stdout.as_str(), ran.code), ("", 0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn key_error_quoted(quoted: &str) -> String {
    format!(
        "key {quoted} must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, \
         hyphens and periods"
    )
}

#[test]
fn action_set_golden_cases_of_juju() {
    // action-set_test.go, TestActionSet.
    assert_usage(&["action-set", "result"], r#"argument "result" must be of the form key...=value"#);
    let key_error = |key: &str| key_error_quoted(&format!("{key:?}"));
    assert_usage(&["action-set", "result-Value=5"], &key_error("result-Value"));
    assert_usage(&["action-set", "stdout=foo"], r#"cannot set reserved action key "stdout""#);
    assert_sent(&["action-set", "result="], vec![set(&[(&["result"], "")])]);
    assert_sent(&["action-set", "outfile=foo.bz2"], vec![set(&[(&["outfile"], "foo.bz2")])]);
    assert_sent(
        &["action-set", "outfile=foo.bz2", "size=10G"],
        vec![set(&[(&["outfile"], "foo.bz2"), (&["size"], "10G")])],
    );
    assert_sent(&["action-set", "outfile=foo=bz2"], vec![set(&[(&["outfile"], "foo=bz2")])]);
    assert_sent(
        &["action-set", "outfile.name=foo.bz2", "outfile.kind.util=bzip2", "outfile.kind.ratio=high"],
        vec![set(&[
            (&["outfile", "name"], "foo.bz2"),
            (&["outfile", "kind", "util"], "bzip2"),
            (&["outfile", "kind", "ratio"], "high"),
        ])],
    );
    assert_sent(&["action-set", "util=bzip2", "util=5"], vec![set(&[(&["util"], "bzip2"), (&["util"], "5")])]);
    assert_sent(
        &["action-set", "map1.key=val", "map1=val"],
        vec![set(&[(&["map1", "key"], "val"), (&["map1"], "val")])],
    );

    // The research vectors (Juju 3.6.0's Init and charm v12's action name rule).
    assert_sent(&["action-set", "1=x", "9a-b=y"], vec![set(&[(&["1"], "x"), (&["9a-b"], "y")])]);
    for key in ["a-", "-a", "a_b", "Stdout", "é", "a b", ""] {
        let arg = format!("{key}=x");
        assert_usage(&["action-set", "--", &arg], &key_error(key));
    }
    assert_usage(&["action-set", "a..b=x"], &key_error(""));
    assert_usage(&["action-set", "a.=x"], &key_error(""));
    assert_usage(&["action-set", "foo.stderr=x"], r#"cannot set reserved action key "stderr""#);
    assert_usage(&["action-set", "stdout-encoding.a=x"], r#"cannot set reserved action key "stdout-encoding""#);
    assert_usage(&["action-set", "stderr-encoding=x"], r#"cannot set reserved action key "stderr-encoding""#);
    // The first bad argument is the error, and nothing is sent.
    assert_usage(&["action-set", "ok=1", "bad", "x=2"], r#"argument "bad" must be of the form key...=value"#);
    assert_usage(&["action-set", "ok=1", "--", "-x=2"], &key_error("-x"));
    assert_usage(&["action-set", "-x=2"], "option provided but not defined: -x");
    assert_usage(&["action-set", "a=b", "--format", "json"], "option provided but not defined: --format");
    // Arguments that are not UTF-8: a bad key is Juju's error (Go-quoted); a value cannot
    // reach the agent.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let usage = |arg: &[u8]| {
            let argv = vec![OsString::from("action-set"), OsString::from_vec(arg.to_vec())];
            let ctx: Box<dyn ToolContext> = Box::new(Fake::default());
            let finished = main_with(&argv, true, move || -> Result<Box<dyn ToolContext>, ClientError> { Ok(ctx) });
            (String::from_utf8(finished.stderr).unwrap(), finished.code)
        };
        assert_eq!(usage(b"a\xff=x"), (format!("ERROR {}\n", key_error_quoted(r#""a\xff""#)), 2));
        assert_eq!(usage(b"a=\xff"), ("ERROR argument \"a=\\xff\" is not valid UTF-8\n".to_string(), 2));
        assert_eq!(usage(b"\xff"), ("ERROR argument \"\\xff\" must be of the form key...=value\n".to_string(), 2));
    }
    // Nothing to set: nothing is sent, and that succeeds even outside an action.
    assert_sent(&["action-set"], vec![]);
    assert_eq!(run_in(Box::new(NoAction), &["action-set"]), (String::new(), String::new(), 0));
}

#[test]
fn action_log_golden_cases_of_juju() {
    // action-log_test.go, TestActionLog.
    assert_sent(&["action-log", "a failure message"], vec![Call::Log("a failure message".into())]);
    assert_sent(
        &["action-log", "a log message", "something else"],
        vec![Call::Log("a log message something else".into())],
    );
    assert_usage(&["action-log"], "no message specified");
    // The research vectors: `--` alone is no message; `""` is one.
    assert_usage(&["action-log", "--"], "no message specified");
    assert_sent(&["action-log", ""], vec![Call::Log(String::new())]);
    assert_sent(&["action-log", "a", "failure", "message"], vec![Call::Log("a failure message".into())]);
    assert_sent(&["action-log", "--", "-x"], vec![Call::Log("-x".into())]);
    assert_usage(&["action-log", "-x"], "option provided but not defined: -x");
}

#[test]
fn action_fail_golden_cases_of_juju() {
    // action-fail_test.go, TestActionFail: no message sets Juju's default.
    let default = "action failed without reason given, check action for errors";
    assert_sent(&["action-fail"], vec![Call::Fail(Some(default.into()))]);
    assert_sent(&["action-fail", "a failure message"], vec![Call::Fail(Some("a failure message".into()))]);
    assert_usage(&["action-fail", "a failure message", "something else"], r#"unrecognized args: ["something else"]"#);
    // The research vectors.
    assert_usage(&["action-fail", "a", "b", "c"], r#"unrecognized args: ["b" "c"]"#);
    assert_sent(&["action-fail", ""], vec![Call::Fail(Some(String::new()))]);
    assert_sent(&["action-fail", "--"], vec![Call::Fail(Some(default.into()))]);
    assert_sent(&["action-fail", "--", "-x"], vec![Call::Fail(Some("-x".into()))]);
    assert_usage(&["action-fail", "-x"], "option provided but not defined: -x");
}

#[test]
fn outside_an_action_every_tool_fails_with_jujus_words() {
    // TestNonActionRunFail, TestActionSetOnNonActionContextFails, TestNonActionLogActionFails,
    // TestNonActionSetActionFailedFails: the context's answer, as it is, exit 1.
    let cases: [&[&str]; 6] = [
        &["action-get"],
        &["action-get", "x", "--format=json"],
        &["action-set", "oops=nope"],
        &["action-log", "oops"],
        &["action-fail", "oops"],
        &["action-fail"],
    ];
    for argv in cases {
        let want = (String::new(), "ERROR not running an action\n".to_string(), 1);
        assert_eq!(run_in(Box::new(NoAction), argv), want, "{argv:?}");
        let ran = run_with(&Fake::failing("not running an action"), argv);
        assert_eq!((ran.stdout, ran.stderr, ran.code), want, "{argv:?}");
        assert_eq!(ran.calls.len(), 1);
    }
    // Usage errors come first, outside an action too.
    assert_eq!(
        run_in(Box::new(NoAction), &["action-log"]),
        (String::new(), "ERROR no message specified\n".to_string(), 2)
    );
}
