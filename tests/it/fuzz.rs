//! Structured fuzzing of everything that parses bytes leaderd does not control: the hook tools'
//! command lines, leader-set's `key=value` pairs, the hook endpoint's and the controller's
//! request bodies, and the formatters' inputs. Each target must never panic and must answer as
//! documented (a Juju-style error or a parse; a 2xx or 4xx, never an undocumented 5xx), and the
//! servers must keep serving afterwards.
//!
//! The number of cases per target comes from `LEADERD_FUZZ_CASES` (default 256, a few seconds
//! per target); docs/testing.md, "Fuzzing", says how to run them longer.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use jujuc::tools::{self, ContextError, Prepared, ToolContext};
use leaderd_core::format::{render, Format, Value};
use leaderd_core::model::Settings;
use leaderd_core::wire::hook::{LogRecord, StatusGetResponse, WorkloadStatus};
use leaderd_core::wire::ErrorCode;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tower::ServiceExt;

fn cases() -> u32 {
    std::env::var("LEADERD_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() })
}

/// Reports the minimal failing input with the target's name.
fn check<S: Strategy>(target: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let started = std::time::Instant::now();
    if let Err(e) = runner().run(&strategy, test) {
        panic!("fuzz target {target}: {e}");
    }
    eprintln!("fuzz target {target}: {} cases clean in {:.1}s", cases(), started.elapsed().as_secs_f64());
}

// ---- inputs -------------------------------------------------------------------------------

/// Words a hook tool's command line is made of: options (good, bad, clustered, with `=`),
/// `key=value` pairs, and arbitrary text and bytes.
fn arg() -> impl Strategy<Value = OsString> {
    let words = [
        "-h",
        "--help",
        "--format",
        "--format=json",
        "--format=yaml",
        "--format=bad",
        "--format=",
        "-o",
        "-oout",
        "--output",
        "--output=",
        "-o=x",
        "--o",
        "-l",
        "--log-level",
        "--log-level=DEBUG",
        "--debug",
        "--debug=false",
        "--debug=maybe",
        "-",
        "--",
        "---",
        "-fo",
        "-x",
        "--x",
        "-=",
        "=",
        "k=v",
        "k=",
        "=v",
        " k = v ",
        "a=b=c",
        "-ho",
        "-lo",
        "--help=true",
        "--format=smart",
        "-hl",
    ];
    prop_oneof![
        4 => proptest::sample::select(words.to_vec()).prop_map(OsString::from),
        2 => ".{0,12}".prop_map(OsString::from),
        1 => "-{1,2}[a-z=]{0,10}".prop_map(OsString::from),
        1 => proptest::collection::vec(any::<u8>(), 0..10).prop_map(OsString::from_vec),
    ]
}

fn argv() -> impl Strategy<Value = Vec<OsString>> {
    proptest::collection::vec(arg(), 0..8)
}

/// Arbitrary JSON, nested a little.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        ".{0,10}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[a-z_]{0,12}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn settings_map() -> impl Strategy<Value = Settings> {
    proptest::collection::btree_map(any::<String>(), any::<String>(), 0..6)
}

// ---- the hook tools -------------------------------------------------------------------------

/// An in-memory hook context for running parsed tool calls.
struct Fake {
    leader: bool,
    settings: Settings,
}

impl ToolContext for Fake {
    fn is_leader(&mut self) -> Result<bool, ContextError> {
        Ok(self.leader)
    }
    fn leader_settings(&mut self) -> Result<Settings, ContextError> {
        Ok(self.settings.clone())
    }
    fn write_leader_settings(&mut self, settings: Settings) -> Result<(), ContextError> {
        if !self.leader {
            return Err(ContextError::Refused {
                code: ErrorCode::NotLeader,
                message: "cannot write settings: not the leader".into(),
            });
        }
        leaderd_core::model::apply_changes(&mut self.settings, &settings);
        Ok(())
    }
    fn log(&mut self, _records: Vec<LogRecord>) -> Result<(), ContextError> {
        Ok(())
    }
    fn set_status(&mut self, _application: bool, _status: WorkloadStatus) -> Result<(), ContextError> {
        Ok(())
    }
    fn status(&mut self, application: bool) -> Result<StatusGetResponse, ContextError> {
        let units = application.then(|| [("app/0".to_string(), WorkloadStatus::unknown())].into());
        Ok(StatusGetResponse { status: WorkloadStatus::unknown(), units })
    }
    fn set_workload_version(&mut self, _version: String) -> Result<(), ContextError> {
        Ok(())
    }
    fn config(&mut self) -> Result<std::collections::BTreeMap<String, serde_json::Value>, ContextError> {
        Ok([("n".to_string(), serde_json::json!(1e6)), ("s".to_string(), serde_json::Value::Null)].into())
    }
}

#[test]
fn fuzz_tool_arguments() {
    // The spec-set tools read stdin when no --file is given (Juju's default `-`): not here.
    let names: Vec<&str> = tools::TOOL_NAMES
        .iter()
        .copied()
        .filter(|t| !["k8s-spec-set", "pod-spec-set", "k8s-raw-set"].contains(t))
        .collect();
    let strategy = (proptest::sample::select(names), argv(), any::<bool>());
    check("tool_arguments", strategy, |(tool, args, leader)| {
        match tools::prepare(tool, &args) {
            Ok(Prepared::Help(text)) => prop_assert!(text.starts_with("Usage: "), "{tool} help: {text:?}"),
            Err(tools::cmd::UsageError(message)) => {
                // Juju's words: one line, no clap wording or layout.
                prop_assert!(!message.is_empty() && !message.contains('\n'), "{tool}: {message:?}");
                prop_assert!(!message.starts_with("error:") && !message.contains("For more information"), "{message}");
            }
            Ok(Prepared::Run(invocation)) => {
                // Runs against memory; `-o FILE` is never written here (that is jujuc's main).
                let mut context = Fake { leader, settings: Settings::from([("k".into(), "v".into())]) };
                match invocation.run(&mut context) {
                    Ok(outcome) => {
                        if let Some((value, output)) = outcome.print {
                            let _ = render(output.format, &value);
                        }
                    }
                    Err(e) => prop_assert!(!e.message.is_empty()),
                }
            }
        }
        Ok(())
    });
}

#[test]
fn fuzz_key_values() {
    let arguments = proptest::collection::vec(prop_oneof![".{0,16}", "[ a-z=\t]{0,8}", any::<String>()], 0..6);
    check("key_values", arguments, |args| {
        if let Ok(parsed) = tools::leader_set::parse_key_values(&args) {
            // Whatever leader-set accepts, the agent and the controller accept too.
            for key in parsed.keys() {
                prop_assert!(leaderd_core::names::check_setting_key(key).is_ok(), "{key:?} from {args:?}");
            }
            prop_assert!(parsed.values().all(|v| v.trim() == v));
        }
        Ok(())
    });
}

// ---- the servers ----------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Payload {
    Bytes(Vec<u8>),
    Json(serde_json::Value),
}

impl Payload {
    fn into_body(self) -> Body {
        match self {
            Payload::Bytes(b) => Body::from(b),
            Payload::Json(v) => Body::from(serde_json::to_vec(&v).unwrap()),
        }
    }
}

async fn send(router: &Router, method: Method, path: &str, auth: Option<&str>, payload: Payload) -> StatusCode {
    let mut request = Request::builder().method(method).uri(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(auth) = auth {
        request = request.header(header::AUTHORIZATION, auth);
    }
    let response = router.clone().oneshot(request.body(payload.into_body()).unwrap()).await.unwrap();
    let status = response.status();
    // Every answer is JSON, errors included.
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    assert!(
        serde_json::from_slice::<serde_json::Value>(&bytes).is_ok(),
        "{status}: {:?}",
        String::from_utf8_lossy(&bytes)
    );
    status
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![8 => Just(Method::POST), 1 => Just(Method::GET), 1 => Just(Method::PUT), 1 => Just(Method::DELETE)]
}

#[test]
fn fuzz_hook_endpoint_requests() {
    use leaderd_agent::hook_endpoint::HookEndpoint;
    use leaderd_agent::memory::MemoryBackend;
    use leaderd_core::wire::hook;

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let leadership = Arc::new(MemoryBackend::new(true, Settings::new()));
    let endpoint = HookEndpoint::new("app/0", leadership.clone());
    // A charm with a peer relation, so relation calls reach the relation data.
    let charm = tempfile::tempdir().unwrap();
    std::fs::write(charm.path().join("metadata.yaml"), "name: app\npeers:\n  cluster: {interface: c}\n").unwrap();
    endpoint.set_charm_dir(charm.path());
    let live = endpoint.open_context("install");
    let ended = endpoint.open_context("start");
    endpoint.close_context(&ended);
    let router = endpoint.router();

    let paths = [
        hook::IS_LEADER_PATH,
        hook::LEADER_GET_PATH,
        hook::LEADER_SET_PATH,
        hook::JUJU_LOG_PATH,
        hook::STATUS_SET_PATH,
        hook::STATUS_GET_PATH,
        hook::APPLICATION_VERSION_SET_PATH,
        hook::CONFIG_GET_PATH,
        hook::RELATIONS_PATH,
        hook::RELATION_GET_PATH,
        hook::RELATION_SET_PATH,
        "/",
        "/v1/x",
    ];
    let id = prop_oneof![Just(live.clone()), Just(ended.clone()), ".{0,40}".prop_map(String::from)];
    let record =
        (".{0,8}", ".{0,20}").prop_map(|(level, message)| serde_json::json!({"level": level, "message": message}));
    let level =
        proptest::sample::select(&["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "UNSPECIFIED"][..]);
    let good_record =
        (level, ".{0,20}").prop_map(|(level, message)| serde_json::json!({"level": level, "message": message}));
    let status = prop_oneof![
        proptest::sample::select(&["maintenance", "blocked", "waiting", "active"][..]).prop_map(String::from),
        ".{0,12}".prop_map(String::from),
    ];
    let words = (any::<bool>(), status, ".{0,20}");
    let structured = (id, settings_map(), proptest::collection::vec(prop_oneof![record, good_record], 0..3), json(), words)
        .prop_flat_map(|(id, settings, records, extra, (application, status, message))| {
            prop_oneof![
                Just(serde_json::json!({"context_id": id})),
                Just(serde_json::json!({"context_id": id, "application": application})),
                Just(serde_json::json!({"context_id": id, "application": application, "status": status, "message": message})),
                Just(serde_json::json!({"context_id": id, "version": message})),
                Just(serde_json::json!({"context_id": id, "settings": settings})),
                Just(serde_json::json!({"context_id": id, "records": records})),
                Just(serde_json::json!({"context_id": id, "extra": extra})),
                Just(serde_json::json!({"context_id": id, "relation_id": 0, "target": message, "app": application})),
                Just(serde_json::json!({"context_id": id, "relation_id": 0, "app": application, "settings": settings})),
            ]
        });
    let payload = prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Payload::Bytes),
        1 => json().prop_map(Payload::Json),
        3 => structured.prop_map(Payload::Json),
    ];
    let strategy = (method(), proptest::sample::select(paths.to_vec()), payload, any::<bool>());
    check("hook_endpoint", strategy, |(method, path, payload, leader)| {
        leadership.set_leader(leader);
        let status = runtime.block_on(send(&router, method, path, None, payload));
        // 502 is the controller being unreachable: the in-memory leadership never is.
        prop_assert!(status.is_success() || status.is_client_error(), "{status}");
        // And it keeps serving.
        let probe = Payload::Json(serde_json::json!({"context_id": live}));
        prop_assert_eq!(
            runtime.block_on(send(&router, Method::POST, hook::IS_LEADER_PATH, None, probe)),
            StatusCode::OK
        );
        Ok(())
    });
}

#[test]
fn fuzz_controller_requests() {
    use leaderd_controller::{api, Controller};
    use leaderd_net::auth::Secret;

    // Paused time: long-polls that ask for a minute answer at once.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
    let secret = Secret::new(b"0123456789abcdef0123456789abcdef".to_vec());
    let (_shutdown_tx, shutdown) = tokio::sync::watch::channel(false);
    let router = runtime.block_on(async {
        let controller = Controller::start(
            leaderd_controller::store::open("memory").unwrap(),
            leaderd_controller::Config::default(),
        )
        .unwrap();
        api::router(Arc::new(api::Api {
            controller,
            secret: secret.clone(),
            shutdown,
            token_ttl: std::time::Duration::from_secs(3600),
        }))
    });
    let tokens: Vec<Option<String>> = vec![
        Some(format!("Bearer {}", secret.token("app/0", std::time::Duration::from_secs(3600)))),
        Some(format!("Bearer {}", secret.token("app/1", std::time::Duration::from_secs(3600)))),
        Some(format!("Bearer {}", secret.token("other/0", std::time::Duration::from_secs(3600)))),
        Some(format!("Bearer {}", secret.token("operator", std::time::Duration::from_secs(3600)))),
        Some("Bearer app/0:00".into()),
        Some("nonsense".into()),
        None,
    ];
    let routes = [
        "lease/claim",
        "lease/wait-released",
        "lease/revoke",
        "settings",
        "settings/merge",
        "settings/watch",
        "relations",
        "relations/commit",
        "relations/join",
        "relations/leave",
        "relations/watch",
        "nothing",
    ];
    let app = prop_oneof![4 => Just("app".to_string()), 1 => "[A-Za-z0-9_.~-]{0,10}"];
    let path = (app, proptest::sample::select(routes.to_vec())).prop_map(|(app, route)| {
        if route == "nothing" {
            "/v1/status".to_string()
        } else {
            format!("/v1/applications/{app}/{route}")
        }
    });
    let ms = prop_oneof![0u64..10_000, 4_000u64..400_000, any::<u64>()];
    let structured = (ms.clone(), 0u64..5, settings_map(), proptest::collection::vec(".{0,6}", 0..3), json())
        .prop_flat_map(|(ms, term, set, unset, extra)| {
            prop_oneof![
                Just(serde_json::json!({"duration_ms": ms})),
                Just(serde_json::json!({"timeout_ms": ms})),
                Just(serde_json::json!({"after": term, "timeout_ms": ms})),
                Just(serde_json::json!({"term": term, "set": set, "unset": unset})),
                Just(serde_json::json!({"term": term, "set": set, "extra": extra})),
                Just(serde_json::json!({"term": term, "changes": [{"relation_id": term, "unit": set.clone(), "app": set}]})),
                Just(serde_json::json!({"relation_ids": [term, ms]})),
                Just(serde_json::json!({"unit": unset.first().cloned().unwrap_or_default()})),
                Just(serde_json::json!({"unit": "app/1"})),
            ]
        });
    let payload = prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Payload::Bytes),
        1 => json().prop_map(Payload::Json),
        3 => structured.prop_map(Payload::Json),
    ];
    let strategy = (method(), path, proptest::sample::select(tokens.clone()), payload);
    check("controller", strategy, |(method, path, token, payload)| {
        let status = runtime.block_on(send(&router, method, &path, token.as_deref(), payload));
        // 503 (the store failed) is documented; nothing else in 5xx is.
        prop_assert!(status.is_success() || status.is_client_error(), "{path}: {status}");
        let health = runtime.block_on(send(&router, Method::GET, "/v1/health", None, Payload::Bytes(Vec::new())));
        prop_assert_eq!(health, StatusCode::OK);
        Ok(())
    });
}

// ---- the formatters -------------------------------------------------------------------------

#[test]
fn fuzz_formatters() {
    check("formatters", settings_map(), |settings| {
        for format in [Format::Smart, Format::Json, Format::Yaml] {
            let out = render(format, &Value::Map(settings.clone()));
            prop_assert!(out.is_empty() || out.ends_with('\n'));
            for value in settings.values().chain(settings.keys()) {
                let _ = render(format, &Value::Str(value.clone()));
            }
        }
        let json = render(Format::Json, &Value::Map(settings.clone()));
        let back: Settings = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
        prop_assert_eq!(back, settings);
        Ok(())
    });
}
