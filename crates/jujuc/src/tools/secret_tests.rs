//! The secret tools end to end (`main_with`) against a fake hook context: help, Init errors and
//! Run output byte for byte, as Juju 3.6 prints them (its `secret-*_test.go` cases and the
//! research vectors produced by running Juju's own code), and what each tool sends.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::{ContextError, ToolContext};
use leaderd_core::wire::hook::{
    RelationInfo, SecretAccess, SecretAccessRequest, SecretContent, SecretFields, SecretGetRequest, SecretMetadata,
};
use leaderd_core::wire::ErrorCode;

const URI: &str = "secret:9m4e2mr0ui3e8a215n4g";
const ID: &str = "9m4e2mr0ui3e8a215n4g";

/// A call the fake context received.
#[derive(Debug, Clone, PartialEq)]
enum Call {
    Get(SecretGetRequest),
    Add(String, SecretFields),
    Set(String, SecretFields),
    Remove(String, Option<u32>),
    Access(bool, SecretAccessRequest),
    Metadata,
}

/// A hook context with secrets: it answers from its fields and records every secret call.
#[derive(Default, Clone)]
struct Fake {
    calls: Rc<RefCell<Vec<Call>>>,
    content: SecretContent,
    metadata: BTreeMap<String, SecretMetadata>,
    relations: Vec<RelationInfo>,
    /// Every secret call fails with this.
    error: Option<ContextError>,
}

impl Fake {
    fn answer<T>(&self, call: Call, value: T) -> Result<T, ContextError> {
        self.calls.borrow_mut().push(call);
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(value),
        }
    }
}

impl ToolContext for Fake {
    core_calls_unused!("not a secret call");
    fn relations(&mut self) -> Result<Vec<RelationInfo>, ContextError> {
        Ok(self.relations.clone())
    }
    fn secret_get(&mut self, request: SecretGetRequest) -> Result<SecretContent, ContextError> {
        self.answer(Call::Get(request), self.content.clone())
    }
    fn secret_add(&mut self, owner: &str, fields: SecretFields) -> Result<String, ContextError> {
        self.answer(Call::Add(owner.into(), fields), URI.to_string())
    }
    fn secret_set(&mut self, id: &str, fields: SecretFields) -> Result<(), ContextError> {
        self.answer(Call::Set(id.into(), fields), ())
    }
    fn secret_remove(&mut self, id: &str, revision: Option<u32>) -> Result<(), ContextError> {
        self.answer(Call::Remove(id.into(), revision), ())
    }
    fn secret_access(&mut self, grant: bool, request: SecretAccessRequest) -> Result<(), ContextError> {
        self.answer(Call::Access(grant, request), ())
    }
    fn secret_metadata(&mut self) -> Result<BTreeMap<String, SecretMetadata>, ContextError> {
        self.answer(Call::Metadata, self.metadata.clone())
    }
}

/// The result of one call: stdout, stderr, exit code, and the calls made.
type Ran = super::Ran<Call>;

fn run_with(fake: &Fake, argv: &[&str]) -> Ran {
    super::run_recorded(fake, &fake.calls, argv)
}

fn run(argv: &[&str]) -> Ran {
    run_with(&Fake::default(), argv)
}

/// A usage error: exit 2, nothing sent.
#[track_caller]
fn assert_usage(argv: &[&str], message: &str) {
    super::assert_usage_error(&run(argv), argv, message);
}

fn content(pairs: &[(&str, &str)]) -> SecretContent {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn fields(pairs: &[(&str, &str)]) -> SecretFields {
    SecretFields { content: Some(content(pairs)), ..Default::default() }
}

#[test]
fn help_is_juju_3_6s_byte_for_byte() {
    let cases = [
        ("secret-add", include_str!("testdata/help-secret-add.txt")),
        ("secret-get", include_str!("testdata/help-secret-get.txt")),
        ("secret-grant", include_str!("testdata/help-secret-grant.txt")),
        ("secret-ids", include_str!("testdata/help-secret-ids.txt")),
        ("secret-info-get", include_str!("testdata/help-secret-info-get.txt")),
        ("secret-remove", include_str!("testdata/help-secret-remove.txt")),
        ("secret-revoke", include_str!("testdata/help-secret-revoke.txt")),
        ("secret-set", include_str!("testdata/help-secret-set.txt")),
    ];
    for (tool, want) in cases {
        for flag in ["--help", "-h"] {
            let ran = run(&[tool, flag]);
            assert_eq!(ran.stdout, want, "{tool} {flag}");
            assert_eq!((ran.stderr.as_str(), ran.code), ("", 0));
        }
    }
}

#[test]
fn secret_add_init_errors_are_jujus() {
    // secret-add_test.go, TestAddSecretInvalidArgs.
    assert_usage(&["secret-add"], "missing secret value or filename");
    assert_usage(&["secret-add", "s3cret"], r#"key value "s3cret" not valid"#);
    assert_usage(&["secret-add", "foo=bar", "--rotate", "foo"], r#"rotate policy "foo" not valid"#);
    assert_usage(&["secret-add", "foo=bar", "--owner", "foo"], r#"secret owner "foo" not valid"#);
    assert_usage(&["secret-add", "foo=bar", "--expire", "-1h"], r#"negative expire duration "-1h" not valid"#);
    assert_usage(
        &["secret-add", "foo=bar", "--expire", "2022-01-01"],
        r#"expire time or duration "2022-01-01" not valid"#,
    );
    // The research vectors (Juju's CreateSecretData and flag parsing).
    assert_usage(&["secret-add", "foo="], r#"key value "foo=" not valid"#);
    assert_usage(&["secret-add", "=abc"], r#"key value "=abc" not valid"#);
    assert_usage(&["secret-add", "ab=c"], r#"key "ab" not valid"#);
    assert_usage(&["secret-add", "Foo=bar"], r#"key "Foo" not valid"#);
    assert_usage(&["secret-add", "foo--bar=1"], r#"key "foo--bar" not valid"#);
    assert_usage(&["secret-add", "foo=bar", "--rotate", "NEVER"], r#"rotate policy "NEVER" not valid"#);
    assert_usage(&["secret-add", "foo=bar", "--owner", ""], r#"secret owner "" not valid"#);
    assert_usage(&["secret-add", "foo=bar", "--expire", "0s"], r#"negative expire duration "0s" not valid"#);
    assert_usage(&["secret-add", "--owner"], "option needs an argument: --owner");
    assert_usage(&["secret-add", "--foo", "foo=bar"], "option provided but not defined: --foo");
    assert_usage(
        &["secret-add", "key#file=/nonexistent-leaderd"],
        r#"reading content for secret key "key": open /nonexistent-leaderd: no such file or directory"#,
    );
    assert_usage(
        &["secret-add", "--file", "/nonexistent-leaderd.yaml"],
        "open /nonexistent-leaderd.yaml: no such file or directory",
    );
    let big = format!("foo={}", "a".repeat(8193));
    assert_usage(&["secret-add", &big], r#"secret content for key "foo" too large: 8193 bytes"#);
    let big64 = format!("foo#base64={}", "a".repeat(8193));
    assert_usage(&["secret-add", &big64], r#"secret content for key "foo#base64" too large: 8193 bytes"#);
    let many: Vec<String> = (0..9).map(|i| format!("k{i:02}={}", "a".repeat(8000))).collect();
    let mut argv = vec!["secret-add"];
    argv.extend(many.iter().map(String::as_str));
    assert_usage(&argv, "secret content too large: 72000 bytes");
}

#[test]
fn secret_add_sends_base64_content_and_prints_the_uri() {
    let ran = run(&[
        "secret-add",
        "--rotate",
        "daily",
        "--expire",
        "2022-03-04T06:06:06",
        "--description",
        "sssshhhh",
        "--label",
        "foobar",
        "data=secret",
    ]);
    assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), ("secret:9m4e2mr0ui3e8a215n4g\n", "", 0));
    let want = SecretFields {
        content: Some(content(&[("data", "c2VjcmV0")])),
        rotate_policy: Some("daily".into()),
        expire_time: Some("2022-03-04T06:06:06Z".into()),
        description: Some("sssshhhh".into()),
        label: Some("foobar".into()),
    };
    assert_eq!(ran.calls, vec![Call::Add("application".into(), want)]);

    let ran = run(&["secret-add", "token#base64=key=", "--owner", "unit"]);
    assert_eq!(ran.calls, vec![Call::Add("unit".into(), fields(&[("token", "key=")]))]);
    // The split is at the first `=` once trailing padding is ignored; the last repeat wins.
    let ran = run(&["secret-add", "foo==bar", "a-b-c=1", "foo#base64=not base64!", "multi=line1\nline2"]);
    let want = fields(&[("a-b-c", "MQ=="), ("foo", "not base64!"), ("multi", "bGluZTEKbGluZTI=")]);
    assert_eq!(ran.calls, vec![Call::Add("application".into(), want)]);
    let ran = run(&["secret-add", "foo=1", "foo=2", "--expire", "2025-01-01T06:06:06+02:00"]);
    let want = SecretFields { expire_time: Some("2025-01-01T04:06:06Z".into()), ..fields(&[("foo", "Mg==")]) };
    assert_eq!(ran.calls, vec![Call::Add("application".into(), want)]);
}

#[test]
fn secret_add_expire_durations_count_from_now() {
    let before = std::time::SystemTime::now();
    let ran = run(&["secret-add", "foo=bar", "--expire", "1h"]);
    let Call::Add(_, sent) = &ran.calls[0] else { panic!("{:?}", ran.calls) };
    let sent = sent.expire_time.as_deref().unwrap();
    let ms = leaderd_core::secrets::parse_rfc3339_ms(sent).unwrap();
    let before_ms = before.duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    assert!(ms >= before_ms + 3_600_000 && ms < before_ms + 3_660_000, "{sent}");
    assert!(sent.ends_with('Z'));
}

#[test]
fn secret_add_reads_files_and_refuses_empty_content() {
    let dir = std::env::temp_dir().join(format!("leaderd-secret-tools-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str, text: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let value = file("f1.txt", b"hello\n");
    let ran = run(&["secret-add", &format!("key#file={value}")]);
    assert_eq!(ran.calls, vec![Call::Add("application".into(), fields(&[("key", "aGVsbG8K")]))]);
    let big = file("big.txt", &[b'a'; 8193]);
    assert_usage(
        &["secret-add", &format!("key#file={big}")],
        &format!(r#"secret content in file "{big}" too large: 8193 bytes"#),
    );
    // secret-add_test.go, TestAddSecretFromFile.
    let yaml = file(
        "secret.yaml",
        b"\n    key: |-\n      secret\n    another-key: !!binary |\n      R0lGODlhDAAMAIQAAP//9/X17unp5WZmZgAAAOfn515eXvPz7Y6OjuDg4J+fn5\n      \
          OTk6enp56enmlpaWNjY6Ojo4SEhP/++f/++f/++f/++f/++f/++f/++f/++f/+\n      \
          +f/++f/++f/++f/++f/++SH+Dk1hZGUgd2l0aCBHSU1QACwAAAAADAAMAAAFLC\n      \
          AgjoEwnuNAFOhpEMTRiggcz4BNJHrv/zCFcLiwMWYNG84BwwEeECcgggoBADs=",
    );
    let ran = run(&["secret-add", "token#base64=key=", "--file", &yaml]);
    let want = fields(&[
        ("token", "key="),
        ("key", "c2VjcmV0"),
        (
            "another-key",
            "R0lGODlhDAAMAIQAAP//9/X17unp5WZmZgAAAOfn515eXvPz7Y6OjuDg4J+fn5OTk6enp56enmlpaWNjY6Ojo4SEhP/++f/++f/++f/++f/++f/++f/++f/++f/++f/++f/++f/++f/++f/++SH+Dk1hZGUgd2l0aCBHSU1QACwAAAAADAAMAAAFLCAgjoEwnuNAFOhpEMTRiggcz4BNJHrv/zCFcLiwMWYNG84BwwEeECcgggoBADs=",
        ),
    ]);
    assert_eq!((ran.code, ran.calls), (0, vec![Call::Add("application".into(), want)]));
    let json = file("mixed.json", br#"{"hello": "world", "num": 1}"#);
    let ran = run(&["secret-add", "--file", &json]);
    assert_eq!(ran.calls, vec![Call::Add("application".into(), fields(&[("hello", "d29ybGQ="), ("num", "MQ==")]))]);
    let list = file("list.yaml", b"- a\n- b\n");
    assert_usage(
        &["secret-add", "--file", &list],
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into secrets.SecretData",
    );
    let text = file("text.txt", b"hello\n");
    assert_usage(
        &["secret-add", "foo=bar", "--file", &text],
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `hello` into secrets.SecretData",
    );
    let empty = file("empty.txt", b"");
    let ran = run(&["secret-add", "--file", &empty]);
    assert_eq!((ran.stderr.as_str(), ran.code), ("ERROR empty secret value not valid\n", 1));
    assert!(ran.calls.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn context_errors_print_as_the_agent_words_them() {
    let fake = Fake {
        error: Some(ContextError::Refused {
            code: ErrorCode::NotFound,
            message: format!(r#"secret "{URI}" not found"#),
        }),
        ..Default::default()
    };
    for argv in [
        vec!["secret-get", URI],
        vec!["secret-set", URI, "foo=bar"],
        vec!["secret-remove", URI],
        vec!["secret-revoke", URI, "--app", "gitlab"],
    ] {
        let ran = run_with(&Fake { calls: Default::default(), ..fake.clone() }, &argv);
        assert_eq!(
            (ran.stdout.as_str(), ran.stderr.as_str(), ran.code),
            ("", "ERROR secret \"secret:9m4e2mr0ui3e8a215n4g\" not found\n", 1),
            "{argv:?}"
        );
    }
    let fake = Fake {
        error: Some(ContextError::Refused {
            code: ErrorCode::NotLeader,
            message: "this unit is not the leader".into(),
        }),
        ..Default::default()
    };
    let ran = run_with(&fake, &["secret-add", "foo=bar"]);
    assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), ("", "ERROR this unit is not the leader\n", 1));
}

#[test]
fn secret_set_and_remove() {
    assert_usage(&["secret-set"], "missing secret URI");
    assert_usage(&["secret-set", "foo"], r#"secret URI "foo" not valid"#);
    assert_usage(&["secret-set", URI, "--owner", "bogus"], r#"secret owner "bogus" not valid"#);
    let ran = run(&["secret-set", URI, "foo=bar", "--owner", "unit"]);
    assert_eq!((ran.code, ran.calls), (0, vec![Call::Set(ID.into(), fields(&[("foo", "YmFy")]))]));
    // No content: metadata only.
    let ran = run(&["secret-set", URI, "--label", "new"]);
    let want = SecretFields { label: Some("new".into()), ..Default::default() };
    assert_eq!(ran.calls, vec![Call::Set(ID.into(), want)]);

    assert_usage(&["secret-remove"], "missing secret URI");
    assert_usage(&["secret-remove", "http:nope"], r#"secret URI scheme "http" not valid"#);
    assert_usage(
        &["secret-remove", "secret://badhost/9m4e2mr0ui3e8a215n4g"],
        r#"host controller UUID "badhost" not valid"#,
    );
    assert_usage(&["secret-remove", URI, "x"], r#"unrecognized args: ["x"]"#);
    assert_usage(
        &["secret-remove", URI, "--revision="],
        r#"invalid value "" for option --revision: strconv.ParseInt: parsing "": invalid syntax"#,
    );
    assert_eq!(run(&["secret-remove", URI]).calls, vec![Call::Remove(ID.into(), None)]);
    assert_eq!(run(&["secret-remove", URI, "--revision", "4"]).calls, vec![Call::Remove(ID.into(), Some(4))]);
    assert_eq!(run(&["secret-remove", URI, "--revision=0x10"]).calls, vec![Call::Remove(ID.into(), Some(16))]);
    // Juju removes the whole secret for a revision that is not positive.
    assert_eq!(run(&["secret-remove", ID, "--revision", "-1"]).calls, vec![Call::Remove(ID.into(), None)]);
}

#[test]
fn secret_get_prints_decoded_content() {
    assert_usage(&["secret-get"], "require either a secret URI or label");
    assert_usage(&["secret-get", URI, "--peek", "--refresh"], "specify one of --peek or --refresh but not both");
    assert_usage(&["secret-get", "--label", "x", "token"], r#"secret URI "token" not valid"#);
    assert_usage(&["secret-get", "http:nope"], r#"secret URI "http:nope" not valid"#);
    assert_usage(&["secret-get", URI, "token", "extra"], r#"unrecognized args: ["extra"]"#);
    assert_usage(
        &["secret-get", URI, "--format", "smart"],
        r#"invalid value "smart" for option --format: unknown format "smart""#,
    );
    assert_usage(&["secret-get", URI, "--format="], r#"invalid value "" for option --format: unknown format """#);
    assert_usage(
        &["secret-get", URI, "--peek=maybe"],
        r#"invalid value "maybe" for option --peek: strconv.ParseBool: parsing "maybe": invalid syntax"#,
    );

    let fake = Fake { content: content(&[("cert", "Y2VydA=="), ("key", "a2V5")]), ..Default::default() };
    let ran = run_with(&fake, &["secret-get", URI]);
    assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), ("cert: cert\nkey: key\n", "", 0));
    let want = SecretGetRequest { id: Some(ID.into()), ..Default::default() };
    assert_eq!(ran.calls, vec![Call::Get(want)]);
    let fake = Fake { content: content(&[("key", "czNjcmV0IQ==")]), ..Default::default() };
    assert_eq!(run_with(&fake, &["secret-get", URI, "--format", "json"]).stdout, "{\"key\":\"s3cret!\"}\n");
    assert_eq!(run_with(&fake, &["secret-get", URI, "key"]).stdout, "s3cret!\n");
    assert_eq!(run_with(&fake, &["secret-get", URI, "key", "--format=json"]).stdout, "\"s3cret!\"\n");
    assert_eq!(run_with(&fake, &["secret-get", URI, "key#base64"]).stdout, "czNjcmV0IQ==\n");
    let ran = run_with(&fake, &["secret-get", URI, "missing#base64"]);
    assert_eq!((ran.stderr.as_str(), ran.code), ("ERROR secret key value \"missing\" not found\n", 1));

    // What is sent: label, peek, refresh.
    let ran = run(&["secret-get", "--label", "db", "--refresh"]);
    let want = SecretGetRequest { label: Some("db".into()), refresh: true, ..Default::default() };
    assert_eq!((ran.stdout.as_str(), ran.calls), ("{}\n", vec![Call::Get(want)]));
    let ran = run(&["secret-get", URI, "--label", "foo", "--peek", "--format", "json"]);
    let want = SecretGetRequest { id: Some(ID.into()), label: Some("foo".into()), peek: true, ..Default::default() };
    assert_eq!((ran.stdout.as_str(), ran.calls), ("{}\n", vec![Call::Get(want)]));

    // One bad value fails every call; values that are not UTF-8 are `!!binary` in yaml.
    let fake = Fake { content: content(&[("ok", "b2s="), ("token", "!!!")]), ..Default::default() };
    let ran = run_with(&fake, &["secret-get", URI, "ok"]);
    assert_eq!(
        (ran.stdout.as_str(), ran.stderr.as_str(), ran.code),
        ("", "ERROR illegal base64 data at input byte 0\n", 1)
    );
    let fake = Fake {
        content: content(&[
            ("binary", "//4A"),
            ("multi-line", "bGluZTEKbGluZTI="),
            ("truthy", "dHJ1ZQ=="),
            ("date", "MjAyNC0wMS0wMQ=="),
        ]),
        ..Default::default()
    };
    assert_eq!(
        run_with(&fake, &["secret-get", URI]).stdout,
        "binary: !!binary //4A\ndate: \"2024-01-01\"\nmulti-line: |-\n  line1\n  line2\ntruthy: \"true\"\n"
    );
    assert_eq!(
        run_with(&fake, &["secret-get", URI, "--format", "json"]).stdout,
        "{\"binary\":\"\\ufffd\\ufffd\\u0000\",\"date\":\"2024-01-01\",\"multi-line\":\"line1\\nline2\",\"truthy\":\"true\"}\n"
    );
    assert_eq!(run_with(&fake, &["secret-get", URI, "binary"]).stdout, "!!binary //4A\n");
    assert_eq!(run_with(&fake, &["secret-get", URI, "truthy"]).stdout, "\"true\"\n");
    // Long binary: yaml.v2's base64 lines of 70 in a literal block.
    let big = leaderd_core::base64::encode(&[0xff; 60]);
    let fake = Fake { content: content(&[("big", &big)]), ..Default::default() };
    let lines = format!("  {}\n  {}\n", &big[..70], &big[70..]);
    assert_eq!(run_with(&fake, &["secret-get", URI]).stdout, format!("big: !!binary |\n{lines}"));
}

fn metadata() -> BTreeMap<String, SecretMetadata> {
    let md = SecretMetadata {
        owner: "application-gitlab".into(),
        description: "description".into(),
        label: "label".into(),
        rotate_policy: "hourly".into(),
        latest_revision: 666,
        access: vec![SecretAccess {
            target: "application-gitlab".into(),
            scope: "relation-key".into(),
            role: "view".into(),
        }],
        ..Default::default()
    };
    let other = SecretMetadata {
        owner: "unit-gitlab-0".into(),
        rotate_policy: "never".into(),
        latest_revision: 1,
        latest_expire_time: Some("2024-09-04T23:12:09Z".into()),
        next_rotate_time: Some("2024-08-16T23:12:10Z".into()),
        ..Default::default()
    };
    BTreeMap::from([(ID.to_string(), md), ("cqv88thtvhl393c8hs20".to_string(), other)])
}

#[test]
fn secret_info_get_prints_jujus_metadata_shape() {
    assert_usage(&["secret-info-get"], "require either a secret URI or label");
    assert_usage(&["secret-info-get", URI, "--label", "x"], "specify either a secret URI or label but not both");
    assert_usage(&["secret-info-get", "secret:%zz"], r#"secret URI "secret:%zz" not valid"#);
    let fake = Fake { metadata: metadata(), ..Default::default() };
    let ran = run_with(&fake, &["secret-info-get", URI]);
    assert_eq!(
        (ran.stdout.as_str(), ran.stderr.as_str(), ran.code),
        (
            "9m4e2mr0ui3e8a215n4g:\n  revision: 666\n  label: label\n  owner: application\n  description: description\n  \
             rotation: hourly\n  access:\n  - target: application-gitlab\n    scope: relation-key\n    role: view\n",
            "",
            0
        )
    );
    assert_eq!(ran.calls, vec![Call::Metadata]);
    assert_eq!(
        run_with(&fake, &["secret-info-get", URI, "--format", "json"]).stdout,
        "{\"9m4e2mr0ui3e8a215n4g\":{\"revision\":666,\"label\":\"label\",\"owner\":\"application\",\"description\":\"description\",\
         \"rotation\":\"hourly\",\"access\":[{\"target\":\"application-gitlab\",\"scope\":\"relation-key\",\"role\":\"view\"}]}}\n"
    );
    // By label; an empty label is shown; times plain.
    assert_eq!(
        run_with(&fake, &["secret-info-get", "cqv88thtvhl393c8hs20"]).stdout,
        "cqv88thtvhl393c8hs20:\n  revision: 1\n  label: \"\"\n  owner: unit\n  expiry: 2024-09-04T23:12:09Z\n  \
         rotates: 2024-08-16T23:12:10Z\n"
    );
    assert!(run_with(&fake, &["secret-info-get", "--label", "label"]).stdout.starts_with("9m4e2mr0ui3e8a215n4g:\n"));
    let ran = run_with(&fake, &["secret-info-get", "--label", "not-found-label"]);
    assert_eq!(
        (ran.stdout.as_str(), ran.stderr.as_str(), ran.code),
        ("", "ERROR secret \"not-found-label\" not found\n", 1)
    );
    let ran = run_with(&fake, &["secret-info-get", "secret:cd88u16ffbaql5kgmlh0"]);
    assert_eq!((ran.stderr.as_str(), ran.code), ("ERROR secret \"cd88u16ffbaql5kgmlh0\" not found\n", 1));
}

#[test]
fn secret_ids_lists_owned_ids() {
    assert_usage(&["secret-ids", "x"], r#"unrecognized args: ["x"]"#);
    assert_usage(
        &["secret-ids", "--format", "xml"],
        r#"invalid value "xml" for option --format: unknown format "xml""#,
    );
    let fake = Fake { metadata: metadata(), ..Default::default() };
    assert_eq!(run_with(&fake, &["secret-ids"]).stdout, "9m4e2mr0ui3e8a215n4g\ncqv88thtvhl393c8hs20\n");
    assert_eq!(
        run_with(&fake, &["secret-ids", "--format", "yaml"]).stdout,
        "- 9m4e2mr0ui3e8a215n4g\n- cqv88thtvhl393c8hs20\n"
    );
    assert_eq!(
        run_with(&fake, &["secret-ids", "--format", "json"]).stdout,
        "[\"9m4e2mr0ui3e8a215n4g\",\"cqv88thtvhl393c8hs20\"]\n"
    );
    let ran = run(&["secret-ids"]);
    assert_eq!((ran.stdout.as_str(), ran.code, ran.calls), ("", 0, vec![Call::Metadata]));
    assert_eq!(run(&["secret-ids", "--format=json"]).stdout, "null\n");
    assert_eq!(run(&["secret-ids", "--format=yaml"]).stdout, "[]\n");
}

fn with_relation() -> Fake {
    let relation = RelationInfo {
        id: 1,
        endpoint: "db".into(),
        remote_app: "mediawiki".into(),
        members: vec![],
        remote_model_uuid: String::new(),
    };
    Fake { relations: vec![relation], ..Default::default() }
}

#[test]
fn secret_grant_needs_a_relation_of_the_unit() {
    // secret-grant_test.go, TestGrantSecretInvalidArgs (outside a relation hook).
    assert_usage(&["secret-grant"], "missing secret URI");
    assert_usage(&["secret-grant", "foo"], r#"secret URI "foo" not valid"#);
    assert_usage(&["secret-grant", URI], "no relation id specified");
    let fake = with_relation();
    let usage = |argv: &[&str], message: &str| {
        let ran = run_with(&Fake { calls: Default::default(), ..fake.clone() }, argv);
        assert_eq!((ran.stderr, ran.code, ran.calls), (format!("ERROR {message}\n"), 2, vec![]), "{argv:?}");
    };
    usage(&["secret-grant", URI, "-r", "1", "--unit", "foo"], r#"unit "foo" not valid"#);
    usage(
        &["secret-grant", URI, "--relation", "foo"],
        r#"invalid value "foo" for option --relation: invalid relation id"#,
    );
    usage(
        &["secret-grant", URI, "--relation", "-666"],
        r#"invalid value "-666" for option --relation: relation not found"#,
    );
    // The relation is checked before the arguments.
    usage(&["secret-grant", "-r", "7"], r#"invalid value "7" for option -r: relation not found"#);
    usage(&["secret-grant", "-r", "db:1"], "missing secret URI");
    usage(
        &["secret-grant", URI, "-r", "1", "--unit", "gitlab/0"],
        r#"cannot specify unit "gitlab/0" in relation to application "mediawiki""#,
    );
    usage(&["secret-grant", URI, "-r", "1", "x"], r#"unrecognized args: ["x"]"#);

    let ran = run_with(&fake, &["secret-grant", URI, "-r", "1", "--unit", "mediawiki/6"]);
    let want = SecretAccessRequest {
        id: ID.into(),
        relation_id: Some(1),
        application: Some("mediawiki".into()),
        unit: Some("mediawiki/6".into()),
        ..Default::default()
    };
    assert_eq!((ran.stderr.as_str(), ran.code, ran.calls), ("", 0, vec![Call::Access(true, want)]));
}

#[test]
fn secret_revoke_from_an_application_a_unit_or_a_relation() {
    // secret-revoke_test.go, TestRevokeSecretInvalidArgs.
    assert_usage(&["secret-revoke"], "missing secret URI");
    assert_usage(&["secret-revoke", URI], "missing relation or application or unit");
    assert_usage(&["secret-revoke", URI, "--app", "0/foo"], r#"application "0/foo" not valid"#);
    assert_usage(&["secret-revoke", URI, "--app", "foo", "--unit", "foo/0"], "specify only one of application or unit");
    assert_usage(&["secret-revoke", URI, "--unit", "foo"], r#"unit "foo" not valid"#);
    assert_usage(
        &["secret-revoke", URI, "--relation", "-666"],
        r#"invalid value "-666" for option --relation: relation not found"#,
    );
    assert_usage(&["secret-revoke", URI, "--app", "foo", "x"], r#"unrecognized args: ["x"]"#);

    let access = |app: Option<&str>, unit: Option<&str>| {
        let request = SecretAccessRequest {
            id: ID.into(),
            application: app.map(String::from),
            unit: unit.map(String::from),
            ..Default::default()
        };
        vec![Call::Access(false, request)]
    };
    assert_eq!(run(&["secret-revoke", URI, "--app", "mediawiki"]).calls, access(Some("mediawiki"), None));
    assert_eq!(run(&["secret-revoke", URI, "--application", "mediawiki"]).calls, access(Some("mediawiki"), None));
    assert_eq!(run(&["secret-revoke", URI, "--unit", "mediawiki/6"]).calls, access(None, Some("mediawiki/6")));
    let fake = with_relation();
    let ran = run_with(&fake, &["secret-revoke", URI, "--relation", "1"]);
    assert_eq!((ran.code, ran.calls), (0, access(Some("mediawiki"), None)));
    let ran =
        run_with(&Fake { calls: Default::default(), ..fake.clone() }, &["secret-revoke", URI, "-r", "1", "--app", "x"]);
    assert_eq!((ran.stderr.as_str(), ran.code), ("ERROR do not specify both relation and app\n", 2));
}
