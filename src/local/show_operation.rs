//! `leaderd show-operation ID`: Juju 3.6's `juju show-operation`
//! (`cmd/juju/action/showoperation.go`, its `formatOperationResult` in `listoperations.go`)
//! over the tasks the controller keeps. The operation's summary, status and times are derived
//! from its tasks as Juju's server derives them (`apiserver/facades/client/action/operation.go`
//! words the summary; `state/operation.go` and `state/action.go` move the status: `running` once
//! a task started, then the worst of the tasks' end states, the times the first start and the
//! last end). Times are printed in UTC (`--utc` is accepted and changes nothing).

use std::path::Path;
use std::time::{Duration, Instant};

use leaderd_core::format::{render, Format, Node, Tree, Value};
use leaderd_core::wire::controller::Task;

use super::run::{go_time, node, results_tree};
use super::UpState;

/// What `leaderd show-operation` was asked (Juju's flags).
pub struct ShowOperation {
    pub args: Vec<String>,
    pub format: String,
    pub wait: Option<Duration>,
    pub watch: bool,
}

/// How long to wait: not at all (Juju's default), up to a time, or until the operation ends
/// (`--watch`, or Juju's `--wait 0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    No,
    Until(Duration),
    Forever,
}

/// `showOperationCommand.Init`: the operation id, and the wait.
pub fn init(args: &ShowOperation) -> anyhow::Result<(u64, Wait)> {
    if args.watch && args.wait.is_some() {
        anyhow::bail!("specify either --watch or --wait but not both");
    }
    let id = match args.args.as_slice() {
        [] => anyhow::bail!("no operation ID specified"),
        [id] => id,
        [_, rest @ ..] => {
            let quoted: Vec<String> = rest.iter().map(|a| leaderd_core::format::go_quote(a)).collect();
            anyhow::bail!("unrecognized args: [{}]", quoted.join(" "))
        }
    };
    // names.IsValidOperation: a decimal number without leading zeros.
    let valid = id == "0" || (!id.starts_with('0') && !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    let parsed = id.parse::<u64>().ok().filter(|_| valid);
    let Some(parsed) = parsed else { anyhow::bail!("operation ID {} not valid", leaderd_core::format::go_quote(id)) };
    let wait = match (args.watch, args.wait) {
        (true, _) => Wait::Forever,
        (false, Some(d)) if d.is_zero() => Wait::Forever,
        (false, Some(d)) => Wait::Until(d),
        (false, None) => Wait::No,
    };
    Ok((parsed, wait))
}

fn unit_tag(unit: &str) -> String {
    format!("unit-{}", unit.replace('/', "-"))
}

/// Has every task ended?
fn ended(tasks: &[Task]) -> bool {
    tasks.iter().all(|t| t.result.is_some())
}

/// The operation's status from its tasks' (`state/operation.go`'s `statusCompletedOrder` once
/// all ended; `running` from the first start).
fn status(tasks: &[Task]) -> String {
    if ended(tasks) {
        for s in ["error", "failed", "cancelled", "completed"] {
            if tasks.iter().any(|t| t.status == s) {
                return s.into();
            }
        }
        return "completed".into();
    }
    if tasks.iter().any(|t| t.status != "pending") {
        "running".into()
    } else {
        "pending".into()
    }
}

/// Juju's `timingInfo`: each time that is set.
fn timing(enqueued: Option<u64>, started: Option<u64>, completed: Option<u64>) -> Node {
    let fields = [("enqueued", enqueued), ("started", started), ("completed", completed)]
        .into_iter()
        .filter_map(|(k, ms)| ms.map(|ms| (k.to_string(), Node::Str(go_time(ms)))))
        .collect();
    Node::Struct(fields)
}

/// Juju's `taskInfo` for one task (no `name`: a leaderd operation runs one action).
fn task_info(task: &Task) -> Node {
    let result = task.result.as_ref();
    let mut fields = vec![
        ("host".to_string(), Node::Str(task.unit.clone())),
        ("status".to_string(), Node::Str(task.status.clone())),
        ("timing".to_string(), timing(Some(task.enqueued_ms), task.started_ms, result.map(|r| r.completed_ms))),
    ];
    if let Some(result) = result {
        if !result.log.is_empty() {
            let lines = result.log.iter().map(|l| Node::Str(format!("{} {}", go_time(l.timestamp_ms), l.message)));
            fields.push(("log".to_string(), Node::List(lines.collect())));
        }
        if !result.message.is_empty() {
            fields.push(("message".to_string(), Node::Str(result.message.clone())));
        }
        fields.push(("results".to_string(), Node::Map(results_tree(result))));
    }
    Node::Struct(fields)
}

/// Juju's `operationInfo` of operation `id` from its tasks (at least one, in id order).
pub fn operation_info(tasks: &[Task]) -> Node {
    let first = &tasks[0];
    let receivers: Vec<String> = tasks.iter().map(|t| unit_tag(&t.unit)).collect();
    let started = tasks.iter().filter_map(|t| t.started_ms).min();
    let completed =
        if ended(tasks) { tasks.iter().filter_map(|t| t.result.as_ref().map(|r| r.completed_ms)).max() } else { None };
    let parameters: Tree = first.params.iter().map(|(k, v)| (k.clone(), node(v))).collect();
    let action = Node::Struct(vec![
        ("name".to_string(), Node::Str(first.action.clone())),
        ("parameters".to_string(), Node::Map(parameters)),
    ]);
    let by_id: Tree = tasks.iter().map(|t| (t.id.to_string(), task_info(t))).collect();
    Node::Struct(vec![
        ("summary".to_string(), Node::Str(format!("{} run on {}", first.action, receivers.join(",")))),
        ("status".to_string(), Node::Str(status(tasks))),
        ("action".to_string(), action),
        ("timing".to_string(), timing(Some(first.enqueued_ms), started, completed)),
        ("tasks".to_string(), Node::Map(by_id)),
    ])
}

/// The operation in `format` (yaml, Juju's default, or json).
pub fn render_operation(tasks: &[Task], format: &str) -> String {
    let Node::Struct(fields) = operation_info(tasks) else { unreachable!("a struct") };
    let format = if format == "json" { Format::Json } else { Format::Yaml };
    render(format, &Value::Struct(fields))
}

/// Juju's `operationInfo` of an operation that scheduled no task: the server's `error`
/// status and why (`fail`), with its time.
fn failed_info(failed: &leaderd_core::wire::controller::FailedOperation) -> Node {
    Node::Struct(vec![
        ("summary".to_string(), Node::Str(failed.action.clone())),
        ("status".to_string(), Node::Str("error".into())),
        ("fail".to_string(), Node::Str(failed.message.clone())),
        ("timing".to_string(), timing(Some(failed.enqueued_ms), None, None)),
    ])
}

/// One line of `juju operations`' table (Juju's `operationLine`).
pub struct OperationLine {
    pub id: u64,
    pub status: String,
    /// Juju's plain timestamps (`2006-01-02T15:04:05`, UTC here); empty when not yet.
    pub started: String,
    pub finished: String,
    pub tasks: Vec<String>,
    pub summary: String,
}

/// Every operation of the model, in id order: its `operationInfo` and its table line
/// (`juju operations`, `cmd/juju/action/listoperations.go`).
pub fn operations_list(state: &Path) -> anyhow::Result<Vec<(OperationLine, Node)>> {
    let up = UpState::load(state)?;
    let client = super::status::operator_client(state, &up, up.any_application())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let all = runtime.block_on(client.operations()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut by_op: std::collections::BTreeMap<u64, Vec<Task>> = Default::default();
    for task in all.tasks {
        by_op.entry(task.operation).or_default().push(task);
    }
    let plain = |ms: Option<u64>| {
        ms.map(|ms| leaderd_core::secrets::format_rfc3339_ms(ms)[..19].to_string()).unwrap_or_default()
    };
    let mut out = Vec::new();
    for (id, mut tasks) in by_op {
        tasks.sort_by_key(|t| t.id);
        let line = OperationLine {
            id,
            status: status(&tasks),
            started: plain(tasks.iter().filter_map(|t| t.started_ms).min()),
            finished: plain(
                ended(&tasks)
                    .then(|| tasks.iter().filter_map(|t| t.result.as_ref().map(|r| r.completed_ms)).max())
                    .flatten(),
            ),
            tasks: tasks.iter().map(|t| t.id.to_string()).collect(),
            summary: format!(
                "{} run on {}",
                tasks[0].action,
                tasks.iter().map(|t| unit_tag(&t.unit)).collect::<Vec<_>>().join(",")
            ),
        };
        out.push((line, operation_info(&tasks)));
    }
    for failed in &all.failed {
        let info = failed_info(failed);
        let summary = failed.action.clone();
        let line = OperationLine {
            id: failed.operation,
            status: "error".into(),
            started: String::new(),
            finished: String::new(),
            tasks: Vec::new(),
            summary,
        };
        out.push((line, info));
    }
    out.sort_by_key(|(line, _)| line.id);
    Ok(out)
}

/// `leaderd show-operation`: prints the operation, after waiting for it to end if asked
/// (Juju's `timeout reached` when the wait runs out first).
pub fn show_operation(state: &Path, args: ShowOperation) -> anyhow::Result<()> {
    print!("{}", show_operation_text(state, args)?);
    Ok(())
}

/// What `show-operation` prints (`leaderd`'s and `juju`'s).
pub fn show_operation_text(state: &Path, args: ShowOperation) -> anyhow::Result<String> {
    let (id, wait) = init(&args)?;
    let up = UpState::load(state)?;
    let client = super::status::operator_client(state, &up, up.any_application())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let deadline = match wait {
        Wait::Until(d) => Some(Instant::now() + d),
        _ => None,
    };
    loop {
        let all = runtime.block_on(client.operations()).map_err(|e| anyhow::anyhow!("{e}"))?;
        let tasks: Vec<Task> = all.tasks.into_iter().filter(|t| t.operation == id).collect();
        anyhow::ensure!(!tasks.is_empty(), "operation {} not found", leaderd_core::format::go_quote(&id.to_string()));
        if wait == Wait::No || ended(&tasks) {
            return Ok(render_operation(&tasks, &args.format));
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            anyhow::bail!("timeout reached");
        }
        let nap = Duration::from_millis(200);
        std::thread::sleep(deadline.map_or(nap, |d| nap.min(d.saturating_duration_since(Instant::now()))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaderd_core::wire::run::{ActionLogLine, ActionResult};

    const ENQUEUED: u64 = 1_423_901_580_000; // 2015-02-14 08:13:00 UTC
    const STARTED: u64 = 1_423_901_700_000; // 08:15:00
    const COMPLETED: u64 = 1_423_901_730_000; // 08:15:30

    fn task(id: u64, unit: &str, status: &str, ended: bool) -> Task {
        let params = serde_json::json!({"hello": "world"}).as_object().unwrap().clone();
        let result = ended.then(|| ActionResult {
            id: id.to_string(),
            unit: unit.into(),
            status: status.into(),
            message: "oh dear".into(),
            results: serde_json::json!({"foo": {"bar": "baz"}}).as_object().unwrap().clone(),
            return_code: 0,
            stdout: String::new(),
            stderr: String::new(),
            log: vec![],
            enqueued_ms: ENQUEUED,
            started_ms: STARTED,
            completed_ms: COMPLETED,
        });
        Task {
            id,
            operation: 68,
            unit: unit.into(),
            action: "backup".into(),
            params,
            status: status.into(),
            result,
            enqueued_ms: ENQUEUED,
            started_ms: (status != "pending").then_some(STARTED),
        }
    }

    /// `showoperation_test.go`'s "pretty-print operation output", with what Juju's server puts
    /// around it for the same task (its summary; the task's times; `return-code` among the
    /// results): the bytes Juju 3.6.0's `operationInfo` gives through its yaml.v2.
    #[test]
    fn yaml_is_juju_show_operations() {
        let want = "summary: backup run on unit-foo-0\n\
                    status: completed\n\
                    action:\n  name: backup\n  parameters:\n    hello: world\n\
                    timing:\n  enqueued: 2015-02-14 08:13:00 +0000 UTC\n  started: 2015-02-14 08:15:00 +0000 UTC\n  completed: 2015-02-14 08:15:30 +0000 UTC\n\
                    tasks:\n  \"69\":\n    host: foo/0\n    status: completed\n    timing:\n      enqueued: 2015-02-14 08:13:00 +0000 UTC\n      started: 2015-02-14 08:15:00 +0000 UTC\n      completed: 2015-02-14 08:15:30 +0000 UTC\n    message: oh dear\n    results:\n      foo:\n        bar: baz\n      return-code: 0\n";
        assert_eq!(render_operation(&[task(69, "foo/0", "completed", true)], "yaml"), want);
        // No parameters: `{}`; task ids in yaml.v2's natural order (9 before 10).
        let pending = |id, unit: &str| Task { params: Default::default(), ..task(id, unit, "pending", false) };
        let want = "summary: backup run on unit-a-0,unit-a-1\n\
                    status: pending\n\
                    action:\n  name: backup\n  parameters: {}\n\
                    timing:\n  enqueued: 2015-02-14 08:13:00 +0000 UTC\n\
                    tasks:\n  \"9\":\n    host: a/0\n    status: pending\n    timing:\n      enqueued: 2015-02-14 08:13:00 +0000 UTC\n  \"10\":\n    host: a/1\n    status: pending\n    timing:\n      enqueued: 2015-02-14 08:13:00 +0000 UTC\n";
        assert_eq!(render_operation(&[pending(9, "a/0"), pending(10, "a/1")], "yaml"), want);
    }

    /// Go's encoding/json of the same structs: fields in declaration order, map keys sorted.
    #[test]
    fn json_is_one_line_in_field_order() {
        let mut t = task(69, "foo/0", "failed", true);
        let result = t.result.as_mut().unwrap();
        result.log = vec![ActionLogLine { timestamp_ms: STARTED, message: "working".into() }];
        result.stdout = "out".into();
        let want = r#"{"summary":"backup run on unit-foo-0,unit-foo-1","status":"running","action":{"name":"backup","parameters":{"hello":"world"}},"timing":{"enqueued":"2015-02-14 08:13:00 +0000 UTC","started":"2015-02-14 08:15:00 +0000 UTC"},"tasks":{"69":{"host":"foo/0","status":"failed","timing":{"enqueued":"2015-02-14 08:13:00 +0000 UTC","started":"2015-02-14 08:15:00 +0000 UTC","completed":"2015-02-14 08:15:30 +0000 UTC"},"log":["2015-02-14 08:15:00 +0000 UTC working"],"message":"oh dear","results":{"foo":{"bar":"baz"},"return-code":0,"stdout":"out"}},"70":{"host":"foo/1","status":"pending","timing":{"enqueued":"2015-02-14 08:13:00 +0000 UTC"}}}}"#;
        assert_eq!(render_operation(&[t, task(70, "foo/1", "pending", false)], "json"), format!("{want}\n"));
    }

    #[test]
    fn the_operations_status_follows_its_tasks_as_jujus_state_moves_it() {
        let pending = task(2, "a/0", "pending", false);
        let running = task(3, "a/1", "running", false);
        let completed = task(4, "a/2", "completed", true);
        let failed = task(5, "a/3", "failed", true);
        for (tasks, want) in [
            (vec![pending.clone()], "pending"),
            (vec![pending.clone(), running.clone()], "running"),
            (vec![pending, completed.clone()], "running"),
            (vec![completed.clone()], "completed"),
            (vec![completed, failed], "failed"),
        ] {
            assert_eq!(status(&tasks), want, "{tasks:?}");
        }
    }

    #[test]
    fn init_is_jujus() {
        let args = |a: &[&str], wait: Option<u64>, watch: bool| ShowOperation {
            args: a.iter().map(|s| s.to_string()).collect(),
            format: "yaml".into(),
            wait: wait.map(Duration::from_secs),
            watch,
        };
        let err = |a: ShowOperation| init(&a).unwrap_err().to_string();
        assert_eq!(err(args(&[], None, false)), "no operation ID specified");
        assert_eq!(err(args(&["12345", "54321"], None, false)), "unrecognized args: [\"54321\"]");
        assert_eq!(err(args(&["1"], Some(5), true)), "specify either --watch or --wait but not both");
        for bad in ["x", "01", "-1", ""] {
            assert_eq!(err(args(&[bad], None, false)), format!("operation ID {bad:?} not valid"));
        }
        assert_eq!(init(&args(&["7"], None, false)).unwrap(), (7, Wait::No));
        assert_eq!(init(&args(&["7"], Some(5), false)).unwrap(), (7, Wait::Until(Duration::from_secs(5))));
        assert_eq!(init(&args(&["7"], Some(0), false)).unwrap(), (7, Wait::Forever));
        assert_eq!(init(&args(&["0"], None, true)).unwrap(), (0, Wait::Forever));
    }
}
