//! `leaderd run UNIT... ACTION [key=value...]`: Juju 3's `juju run` (`cmd/juju/action/run.go`)
//! on a running `up`: the action is checked against the charm's `actions.yaml` (Juju's words
//! when it is unknown or its parameters are wrong: nothing is scheduled and the exit code is
//! 0, as Juju's), an operation with a task per unit is enqueued at the controller, each unit's
//! agent runs its task, and the results print in `juju run`'s shapes (plain, yaml, json). The
//! exit code is 1 when a task's return code is 1 or more (an action that failed with
//! `action-fail` still exits 0); waiting longer than `--wait` says so and exits 1, leaving the
//! tasks running (`leaderd show-task ID` shows them later). `leaderd show-task` and
//! `leaderd operations` read the tasks the controller keeps.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use serde_json::{Map, Value as Json};

use super::UpState;
use leaderd_core::format::{render, Format, Node, Tree, Value};
use leaderd_core::wire::controller::{EnqueueRequest, Task};
use leaderd_core::wire::run::ActionResult;

/// What `leaderd run` was asked.
pub struct RunArgs {
    /// Units, then the action, then `key=value` parameters.
    pub args: Vec<String>,
    pub params_file: Option<PathBuf>,
    pub format: String,
    pub wait: Option<Duration>,
    pub background: bool,
    pub string_args: bool,
    pub quiet: bool,
}

/// Juju's default `--wait` for `juju run`.
const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// Splits `juju run`'s arguments: the leading unit names (`app/0`, `app/leader`), the action,
/// and its `key=value` parameters.
fn split(args: &[String]) -> anyhow::Result<(Vec<String>, String, Vec<String>)> {
    let units: Vec<String> = args.iter().take_while(|a| a.contains('/') && !a.contains('=')).cloned().collect();
    anyhow::ensure!(!units.is_empty(), "no unit specified");
    let Some(action) = args.get(units.len()) else { anyhow::bail!("no action specified") };
    anyhow::ensure!(
        leaderd_core::actions::valid_action_name(action),
        "invalid unit or action name {}",
        leaderd_core::format::go_quote(action)
    );
    let rest = args[units.len() + 1..].to_vec();
    Ok((units, action.clone(), rest))
}

/// Juju's checks of the `key=value` arguments (`run.go` Init): each is `key.key...=value`, and
/// each dotted part of its key follows the action name rule.
fn check_keys(pairs: &[String]) -> anyhow::Result<()> {
    for pair in pairs {
        let Some((key, _)) = pair.split_once('=') else {
            anyhow::bail!("argument {} must be of the form key.key.key...=value", leaderd_core::format::go_quote(pair));
        };
        if let Some(bad) = key.split('.').find(|k| !leaderd_core::actions::valid_action_name(k)) {
            anyhow::bail!(
                "key {} must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric and hyphens",
                leaderd_core::format::go_quote(bad)
            );
        }
    }
    Ok(())
}

/// Sets `value` at the dotted `key` path in `params`, replacing a non-map on the way.
fn set_path(params: &mut Map<String, Json>, key: &str, value: Json) {
    let parts: Vec<&str> = key.split('.').collect();
    let (last, path) = parts.split_last().expect("split gives at least one part");
    let mut map = params;
    for part in path {
        let entry = map.entry(part.to_string()).or_insert_with(|| Json::Object(Map::new()));
        if !entry.is_object() {
            *entry = Json::Object(Map::new());
        }
        map = entry.as_object_mut().expect("made an object");
    }
    map.insert(last.to_string(), value);
}

/// The parameters: `--params` first, then each `key=value` (its value read as YAML unless
/// `--string-args`, as Juju does).
fn params(file: Option<&Path>, pairs: &[String], string_args: bool) -> anyhow::Result<Map<String, Json>> {
    let mut params = Map::new();
    if let Some(file) = file {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        // Read as Juju reads it (yaml.v2, YAML 1.1 plain scalars), its errors in yaml.v2's words.
        match super::yaml_v2::unmarshal(&text).map_err(anyhow::Error::msg)? {
            Some(Json::Object(map)) => params.extend(map),
            None | Some(Json::Null) => {}
            Some(_) => anyhow::bail!("params must contain a YAML map with string keys"),
        }
    }
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            anyhow::bail!("argument {} must be of the form key.key.key...=value", leaderd_core::format::go_quote(pair));
        };
        let value = if string_args { Json::String(value.to_string()) } else { yaml_value(value)? };
        set_path(&mut params, key, value);
    }
    Ok(params)
}

/// A `key=value` value read as Juju reads it: `yaml.Unmarshal` of juju/yaml v2 into the
/// value's own text (`cmd/juju/action/run.go`), so a value with no YAML document in it (`key=`)
/// stays the text it was ([`super::yaml_v2`]).
fn yaml_value(text: &str) -> anyhow::Result<Json> {
    let value = super::yaml_v2::unmarshal(text).map_err(anyhow::Error::msg)?;
    Ok(value.unwrap_or_else(|| Json::String(text.to_string())))
}

/// Go's `time.Time.String()` of a Unix time in UTC, truncated to the second.
pub(crate) fn go_time(ms: u64) -> String {
    let iso = leaderd_core::secrets::format_rfc3339_ms(ms);
    format!("{} {} +0000 UTC", &iso[..10], &iso[11..19])
}

/// A JSON value of the results as a yaml/json node (action-set's values are strings).
pub(crate) fn node(value: &Json) -> Node {
    match value {
        Json::Object(map) => Node::Map(map.iter().map(|(k, v)| (k.clone(), node(v))).collect()),
        Json::String(s) => Node::Str(s.clone()),
        Json::Bool(b) => Node::Bool(*b),
        Json::Number(n) => n.as_i64().map_or_else(|| Node::Float(n.as_f64().unwrap_or_default()), Node::Int),
        Json::Null => Node::Null,
        Json::Array(items) => Node::List(items.iter().map(node).collect()),
    }
}

/// The keys Juju takes out of the plain output's results.
const FILTERED: [&str; 5] = ["return-code", "stdout", "stderr", "stdout-encoding", "stderr-encoding"];

/// A finished task's results as Juju 3 keeps them: what action-set set, with `return-code`
/// and the non-empty `stdout` and `stderr`.
pub(crate) fn results_tree(result: &ActionResult) -> Tree {
    let mut results: Tree = result.results.iter().map(|(k, v)| (k.clone(), node(v))).collect();
    results.insert("return-code".into(), Node::Int(i64::from(result.return_code)));
    for (key, text) in [("stdout", &result.stdout), ("stderr", &result.stderr)] {
        if !text.is_empty() {
            results.insert(key.into(), Node::Str(text.replace("\r\n", "\n")));
        }
    }
    results
}

/// `formatActionResult`: one unit's map in yaml and json.
fn unit_map(result: &ActionResult) -> Tree {
    let mut map = Tree::new();
    map.insert("id".into(), Node::Str(result.id.clone()));
    map.insert("status".into(), Node::Str(result.status.clone()));
    map.insert("unit".into(), Node::Str(result.unit.clone()));
    if !result.message.is_empty() {
        map.insert("message".into(), Node::Str(result.message.clone()));
    }
    map.insert("results".into(), Node::Map(results_tree(result)));
    if !result.log.is_empty() {
        let lines =
            result.log.iter().map(|l| Node::Str(format!("{} {}", go_time(l.timestamp_ms), l.message))).collect();
        map.insert("log".into(), Node::List(lines));
    }
    let timing: Tree =
        [("completed", result.completed_ms), ("enqueued", result.enqueued_ms), ("started", result.started_ms)]
            .into_iter()
            .map(|(k, ms)| (k.to_string(), Node::Str(go_time(ms))))
            .collect();
    map.insert("timing".into(), Node::Map(timing));
    map
}

/// The results as yaml without the keys Juju filters out of plain output (empty: "").
fn plain_output(result: &ActionResult) -> String {
    let results: Tree = result
        .results
        .iter()
        .filter(|(k, _)| !FILTERED.contains(&k.to_lowercase().as_str()))
        .map(|(k, v)| (k.clone(), node(v)))
        .collect();
    if results.is_empty() {
        return String::new();
    }
    render(Format::Yaml, &Value::Tree(results))
}

/// `juju run`'s output of finished tasks in `format`.
pub fn format_results(results: &[ActionResult], format: &str) -> String {
    // The charm's results, messages and logs, on a terminal: YAML and JSON with the terminal's
    // controls escaped, the plain form spelled out.
    // The plain form of one task mixes text (the failure line, the task's output) with YAML
    // (its results): each part gets its own escape, so the YAML keeps YAML's `\uXXXX` escapes
    // (as `--format yaml` does) rather than the text form's `\u{202e}`, which no YAML parser
    // takes. The plain form of several tasks is YAML throughout.
    match (format, results) {
        ("json" | "yaml", _) => leaderd_sys::events::json_printable(&format_results_raw(results, format)).into_owned(),
        (_, [one]) => plain_one(one, leaderd_sys::events::json_printable, leaderd_sys::events::printable),
        _ => leaderd_sys::events::json_printable(&format_results_raw(results, format)).into_owned(),
    }
}

type Escape = fn(&str) -> std::borrow::Cow<'_, str>;

/// `juju run`'s plain output of one task: a failure line, its results as YAML, its output;
/// the YAML through `yaml`, the rest through `text`.
fn plain_one(r: &ActionResult, yaml: Escape, text: Escape) -> String {
    let mut out = String::new();
    if r.status == "failed" {
        let message = if r.message.is_empty() { "<nil>".to_string() } else { r.message.clone() };
        out.push_str(&text(&format!("Action id {} failed: {message}\n", r.id)));
    }
    out.push_str(&yaml(&plain_output(r)));
    out.push('\n');
    for output in [&r.stdout, &r.stderr] {
        if !output.is_empty() {
            out.push_str(&text(output.trim_matches('\n')));
            out.push('\n');
        }
    }
    out
}

fn format_results_raw(results: &[ActionResult], format: &str) -> String {
    match format {
        "json" | "yaml" => {
            let all: Tree = results.iter().map(|r| (r.unit.clone(), Node::Map(unit_map(r)))).collect();
            let f = if format == "json" { Format::Json } else { Format::Yaml };
            render(f, &Value::Tree(all))
        }
        _ if results.len() == 1 => plain_one(&results[0], |y| y.into(), |t| t.into()),
        _ => {
            let all: Tree = results
                .iter()
                .map(|r| {
                    let mut info = Tree::new();
                    info.insert("id".into(), Node::Str(r.id.clone()));
                    info.insert("status".into(), Node::Str(r.status.clone()));
                    info.insert("output".into(), Node::Str(plain_output(r)));
                    if !r.message.is_empty() {
                        info.insert("message".into(), Node::Str(r.message.clone()));
                    }
                    (r.unit.clone(), Node::Map(info))
                })
                .collect();
            render(Format::Yaml, &Value::Tree(all))
        }
    }
}

/// The unit's tag, as Juju's progress lines name it.
fn unit_tag(unit: &str) -> String {
    format!("unit-{}", unit.replace('/', "-"))
}

/// Where a run's output goes, and whose words it speaks.
pub(crate) struct Out<'a> {
    pub stdout: &'a mut dyn std::io::Write,
    pub stderr: &'a mut dyn std::io::Write,
    /// `juju run`/`juju exec`'s contract rather than `leaderd run`'s: a unit that does not
    /// exist (or an `app/leader` with no leader) is a task that failed to schedule, not an
    /// error (juju/juju `apiserver/facades/client/action/operation.go`: each receiver is
    /// resolved on its own), and the hints name `juju show-task`.
    pub juju: bool,
}

impl Out<'_> {
    fn show_task(&self) -> &'static str {
        if self.juju {
            "juju show-task"
        } else {
            "leaderd show-task"
        }
    }
}

/// Runs `leaderd run`; answers the exit code.
pub fn run(state: &Path, args: RunArgs) -> anyhow::Result<i32> {
    let out = &mut Out { stdout: &mut std::io::stdout(), stderr: &mut std::io::stderr(), juju: false };
    run_to(state, args, out)
}

/// The units `targets` name, each resolved on its own: the ones found, and Juju's words for
/// each of the others (`"unit-testdb-42" not found`, `could not determine leader for "app"`).
/// Without `juju`, the first that is not there is an error, as `leaderd run` has it.
fn receivers(
    state: &Path,
    up: &UpState,
    targets: &[String],
    juju: bool,
) -> anyhow::Result<(Vec<super::UnitInfo>, Vec<String>)> {
    let mut units = Vec::new();
    let mut errors = Vec::new();
    for target in targets {
        match up.unit(state, target) {
            Ok(unit) => units.push(unit),
            Err(e) if !juju => return Err(e),
            Err(_) => errors.push(match target.strip_suffix("/leader") {
                Some(app) => format!("could not determine leader for {}", leaderd_core::format::go_quote(app)),
                None => format!("{} not found", leaderd_core::format::go_quote(&unit_tag(target))),
            }),
        }
    }
    Ok((units, errors))
}

/// `run` with its output to `out`.
pub(crate) fn run_to(state: &Path, args: RunArgs, out: &mut Out) -> anyhow::Result<i32> {
    // Juju's Init (`cmd/juju/action/common.go`, `run.go`): its words, exit 2, nothing sent.
    if args.background && args.wait.is_some_and(|w| !w.is_zero()) {
        writeln!(out.stderr, "ERROR cannot specify both --wait and --background")?;
        return Ok(2);
    }
    let (targets, action, pairs) = match split(&args.args).and_then(|parts| check_keys(&parts.2).map(|()| parts)) {
        Ok(parts) => parts,
        Err(e) => {
            writeln!(out.stderr, "ERROR {e}")?;
            return Ok(2);
        }
    };
    let up = UpState::load(state)?;
    let (units, mut errors) = receivers(state, &up, &targets, out.juju)?;
    let params = match params(args.params_file.as_deref(), &pairs, args.string_args) {
        Ok(params) => params,
        Err(e) => {
            writeln!(out.stderr, "ERROR {e:#}")?;
            return Ok(1);
        }
    };
    // Checked here against the charm, as Juju's controller checks before it enqueues.
    // Each unit's actions are its application's charm's.
    let mut actions = std::collections::BTreeMap::new();
    for unit in &units {
        let app = up.application_of(&unit.name)?;
        if !actions.contains_key(&app.name) {
            actions.insert(app.name.clone(), leaderd_core::actions::read(&app.charm)?);
        }
    }
    let mut scheduled = Vec::new();
    for unit in &units {
        let app = leaderd_core::names::unit_application(&unit.name)?;
        match actions[app].get(&action) {
            None => errors.push(format!(
                "action {} not defined on unit {}",
                leaderd_core::format::go_quote(&action),
                leaderd_core::format::go_quote(&unit.name)
            )),
            // Validated as given, before the defaults (Juju's `state/unit.go` `PrepareActionPayload`).
            Some(spec) => match spec.validate(&params) {
                Ok(()) => scheduled.push(unit.clone()),
                Err(e) => errors.push(e),
            },
        }
    }
    let client = super::status::operator_client(state, &up, up.any_application())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let names = scheduled.iter().map(|u| leaderd_core::model::Unit::new(&u.name)).collect::<Result<Vec<_>, _>>()?;
    let request = EnqueueRequest {
        action: action.clone(),
        params: params.clone(),
        units: names.iter().map(|u| u.as_str().to_string()).collect(),
        // Nothing to schedule: the operation is recorded as failed with the reasons.
        failure: if names.is_empty() { errors.join("\n") } else { String::new() },
    };
    let enqueued = runtime.block_on(client.enqueue(&request)).context("enqueueing the action at the controller")?;
    let quiet = args.quiet;
    let mut say = |text: String| -> std::io::Result<()> {
        if !quiet {
            out.stderr.write_all(text.as_bytes())?;
        }
        Ok(())
    };
    if enqueued.tasks.is_empty() {
        say(format!("\nOperation {} failed to schedule any tasks:\n{}\n", enqueued.operation, errors.join("\n")))?;
        return Ok(0);
    }
    if args.background {
        say(format!(
            "Scheduled operation {} with task{} {}\n",
            enqueued.operation,
            plural(enqueued.tasks.len()),
            task_list(&enqueued.tasks)
        ))?;
    } else {
        say(format!(
            "Running operation {} with {} task{}\n",
            enqueued.operation,
            enqueued.tasks.len(),
            plural(enqueued.tasks.len())
        ))?;
        for (id, unit) in &enqueued.tasks {
            say(format!("  - task {id} on {}\n", unit_tag(unit)))?;
        }
        say("\n".into())?;
    }
    if !errors.is_empty() {
        say(format!("Some actions could not be scheduled:\n{}\n\n", errors.join("\n")))?;
    }
    let tool = if out.juju { "juju" } else { "leaderd" };
    if args.background {
        say(format!("Check operation status with '{tool} show-operation {}'\n", enqueued.operation))?;
        for (id, _) in &enqueued.tasks {
            say(format!("Check task status with '{tool} show-task {id}'\n"))?;
        }
        return Ok(0);
    }
    for (id, _) in &enqueued.tasks {
        say(format!("Waiting for task {id}...\n"))?;
    }
    let wait = args.wait.filter(|w| !w.is_zero()).unwrap_or(DEFAULT_WAIT);
    let results = match runtime.block_on(collect(&client, &enqueued.tasks, wait))? {
        Ok(results) => results,
        Err(waiting) => {
            writeln!(out.stderr, "ERROR timed out waiting for results from: {}", waiting.join(", "))?;
            return Ok(1);
        }
    };
    write!(out.stdout, "{}", format_results(&results, &args.format))?;
    match failed_tasks(&results, out.show_task()) {
        Some(error) => {
            writeln!(out.stderr, "{error}")?;
            Ok(1)
        }
        None => Ok(0),
    }
}

/// Every task's result within `wait` (sorted by unit), or the units still running when it ran
/// out (sorted, as Juju names them: `unit app/0`). The controller is the queue: each unit's
/// agent takes its task from there whenever it is up, so this only waits on the tasks' state
/// at the controller (a unit that is down is waited for, as `juju run` waits).
async fn collect(
    client: &leaderd_net::controller_client::ControllerClient,
    tasks: &[(u64, String)],
    wait: Duration,
) -> anyhow::Result<Result<Vec<ActionResult>, Vec<String>>> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut results: Vec<ActionResult> = Vec::new();
    let mut waiting = Vec::new();
    for (id, unit) in tasks {
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let task = client.wait_task(*id, left).await.map_err(|e| anyhow::anyhow!("waiting for task {id}: {e}"))?;
            if let Some(result) = task.result {
                results.push(result);
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                waiting.push(format!("unit {unit}"));
                break;
            }
        }
    }
    if !waiting.is_empty() {
        waiting.sort();
        return Ok(Err(waiting));
    }
    results.sort_by(|a, b| a.unit.cmp(&b.unit));
    Ok(Ok(results))
}

/// Juju's error for tasks whose return code is 1 or more (printed after the output), if any.
fn failed_tasks(results: &[ActionResult], show_task: &str) -> Option<String> {
    let mut failed: Vec<(String, i32)> =
        results.iter().filter(|r| r.return_code >= 1).map(|r| (r.id.clone(), r.return_code)).collect();
    if failed.is_empty() {
        return None;
    }
    failed.sort();
    let plural = plural(failed.len());
    let list: Vec<String> = failed
        .iter()
        .map(|(id, code)| format!(" - id {} with return code {code}", leaderd_core::format::go_quote(id)))
        .collect();
    Some(format!(
        "ERROR the following task{plural} failed:\n{}\n\nuse '{show_task}' to inspect the failure{plural}\n",
        list.join("\n")
    ))
}

/// `leaderd exec --format json|yaml --unit U -- CMD`: Juju's `juju exec` with a format: the
/// command runs on the unit as Juju's predefined `juju-exec` task (bash, in an action context,
/// a non-zero exit its return code), and the result prints in `juju exec`'s shape (that of
/// `juju run`). Answers the exit code: 1 if the command exited non-zero or the wait ran out.
pub fn exec_formatted(
    state: &Path,
    units: &[String],
    command: &str,
    format: &str,
    wait: Option<Duration>,
) -> anyhow::Result<i32> {
    let out = &mut Out { stdout: &mut std::io::stdout(), stderr: &mut std::io::stderr(), juju: false };
    exec_formatted_to(state, units, command, format, wait, out)
}

/// [`exec_formatted`] with its output to `out`. With `out.juju`, units that are not there
/// are tasks that failed to schedule (as `juju exec` has them; the others still run).
pub(crate) fn exec_formatted_to(
    state: &Path,
    units: &[String],
    command: &str,
    format: &str,
    wait: Option<Duration>,
    out: &mut Out,
) -> anyhow::Result<i32> {
    let up = UpState::load(state)?;
    let (scheduled, errors) = receivers(state, &up, units, out.juju)?;
    let params: Map<String, Json> = [("command".to_string(), Json::String(command.into()))].into_iter().collect();
    let client = super::status::operator_client(state, &up, up.any_application())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let request = EnqueueRequest {
        action: "juju-exec".into(),
        params: params.clone(),
        units: scheduled.iter().map(|u| u.name.clone()).collect(),
        failure: if scheduled.is_empty() { errors.join("\n") } else { String::new() },
    };
    let enqueued = runtime.block_on(client.enqueue(&request)).context("enqueueing the command at the controller")?;
    if enqueued.tasks.is_empty() {
        writeln!(
            out.stderr,
            "\nOperation {} failed to schedule any tasks:\n{}",
            enqueued.operation,
            errors.join("\n")
        )?;
        return Ok(0);
    }
    let wait = wait.filter(|w| !w.is_zero()).unwrap_or(Duration::from_secs(300));
    let results = match runtime.block_on(collect(&client, &enqueued.tasks, wait))? {
        Ok(results) => results,
        Err(waiting) => {
            writeln!(out.stderr, "ERROR timed out waiting for results from: {}", waiting.join(", "))?;
            return Ok(1);
        }
    };
    write!(out.stdout, "{}", format_results(&results, format))?;
    match failed_tasks(&results, out.show_task()) {
        Some(error) => {
            writeln!(out.stderr, "{error}")?;
            Ok(1)
        }
        None => Ok(0),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn task_list(tasks: &[(u64, String)]) -> String {
    tasks.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>().join(", ")
}

/// `leaderd show-task ID`: the task as the controller keeps it, as Juju's `show-task` prints
/// it (`cmd/juju/action/showtask.go`): yaml and json are `formatActionResult`'s map itself,
/// not keyed by unit; plain is `run`'s plain output, or `Task N STATUS` and an empty line for a
/// task that has not ended.
pub fn show_task(state: &Path, id: u64, format: &str) -> anyhow::Result<()> {
    print!("{}", show_task_text(state, id, format, None)?);
    Ok(())
}

/// What `show-task` prints; with `wait`, once the task has ended or `wait` has passed
/// (`juju show-task --wait`, `--watch`).
pub(crate) fn show_task_text(state: &Path, id: u64, format: &str, wait: Option<Duration>) -> anyhow::Result<String> {
    let up = UpState::load(state)?;
    let client = super::status::operator_client(state, &up, up.any_application())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let task: Task = match wait.filter(|w| !w.is_zero()) {
        None => runtime.block_on(client.task(id)),
        Some(wait) => runtime.block_on(async {
            let deadline = tokio::time::Instant::now() + wait;
            loop {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                let task = client.wait_task(id, left).await?;
                if task.result.is_some() || left.is_zero() {
                    break Ok(task);
                }
            }
        }),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(format_task(&task, format))
}

/// One task in `show-task`'s `format`.
fn format_task(task: &Task, format: &str) -> String {
    let map = match &task.result {
        Some(result) => unit_map(result),
        None => {
            let mut map = Tree::new();
            map.insert("id".into(), Node::Str(task.id.to_string()));
            map.insert("status".into(), Node::Str(task.status.clone()));
            map.insert("unit".into(), Node::Str(task.unit.clone()));
            let mut timing = Tree::new();
            timing.insert("enqueued".into(), Node::Str(go_time(task.enqueued_ms)));
            if let Some(started) = task.started_ms {
                timing.insert("started".into(), Node::Str(go_time(started)));
            }
            map.insert("timing".into(), Node::Map(timing));
            map
        }
    };
    match (format, &task.result) {
        ("json", _) => render(Format::Json, &Value::Tree(map)),
        ("yaml", _) => render(Format::Yaml, &Value::Tree(map)),
        (_, Some(result)) => format_results(std::slice::from_ref(result), "plain"),
        // printPlainOutput's `Task N STATUS\n`, then Println's newline.
        (_, None) => format!("Task {} {}\n\n", task.id, task.status),
    }
}

/// `leaderd operations`: every task, as yaml or json.
pub fn operations(state: &Path, format: &str) -> anyhow::Result<()> {
    let up = UpState::load(state)?;
    let client = super::status::operator_client(state, &up, up.any_application())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let all = runtime.block_on(client.operations()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut rows: Vec<(u64, u64, serde_json::Value)> = all
        .tasks
        .iter()
        .map(|t| (t.operation, t.id, serde_json::json!({"operation": t.operation.to_string(), "task": t.id.to_string(), "unit": t.unit, "action": t.action, "status": t.status})))
        .collect();
    // Operations that scheduled nothing: recorded with Juju's `error` status and why.
    rows.extend(all.failed.iter().map(|o| {
        (o.operation, o.operation, serde_json::json!({"operation": o.operation.to_string(), "action": o.action, "status": "error", "message": o.message}))
    }));
    rows.sort_by_key(|(operation, id, _)| (*operation, *id));
    let rows: Vec<serde_json::Value> = rows.into_iter().map(|(_, _, row)| row).collect();
    if format == "json" {
        println!("{}", leaderd_sys::events::json_printable(&serde_json::to_string(&rows)?));
    } else {
        print!("{}", leaderd_sys::events::json_printable(&serde_yaml_ng::to_string(&rows)?));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaderd_core::wire::run::ActionLogLine;

    fn result() -> ActionResult {
        ActionResult {
            id: "1".into(),
            unit: "mysql/0".into(),
            status: "completed".into(),
            message: String::new(),
            results: serde_json::json!({"outcome": "success", "result-map": {"message": "hello"}})
                .as_object()
                .unwrap()
                .clone(),
            return_code: 0,
            stdout: "hello".into(),
            stderr: "world".into(),
            log: vec![
                ActionLogLine { timestamp_ms: 1_423_893_966_000, message: "log line 1".into() },
                ActionLogLine { timestamp_ms: 1_423_893_966_000, message: "log line 2".into() },
            ],
            enqueued_ms: 1_423_901_580_000,
            started_ms: 1_423_901_700_000,
            completed_ms: 1_423_901_820_000,
        }
    }

    /// Juju's `run_test.go` expectation, byte for byte (without the `*-encoding` keys its fake
    /// API sent: a real agent sends them only for base64 output).
    #[test]
    fn yaml_is_juju_run_s() {
        let want = "mysql/0:\n  id: \"1\"\n  log:\n  - 2015-02-14 06:06:06 +0000 UTC log line 1\n  - 2015-02-14 06:06:06 +0000 UTC log line 2\n  results:\n    outcome: success\n    result-map:\n      message: hello\n    return-code: 0\n    stderr: world\n    stdout: hello\n  status: completed\n  timing:\n    completed: 2015-02-14 08:17:00 +0000 UTC\n    enqueued: 2015-02-14 08:13:00 +0000 UTC\n    started: 2015-02-14 08:15:00 +0000 UTC\n  unit: mysql/0\n";
        assert_eq!(format_results(&[result()], "yaml"), want);
    }

    #[test]
    fn json_is_one_line_with_sorted_keys() {
        let mut r = result();
        r.log.clear();
        r.stderr.clear();
        let want = r#"{"mysql/0":{"id":"1","results":{"outcome":"success","result-map":{"message":"hello"},"return-code":0,"stdout":"hello"},"status":"completed","timing":{"completed":"2015-02-14 08:17:00 +0000 UTC","enqueued":"2015-02-14 08:13:00 +0000 UTC","started":"2015-02-14 08:15:00 +0000 UTC"},"unit":"mysql/0"}}"#;
        assert_eq!(format_results(&[r], "json"), format!("{want}\n"));
    }

    #[test]
    fn plain_is_the_results_then_the_output() {
        assert_eq!(
            format_results(&[result()], "plain"),
            "outcome: success\nresult-map:\n  message: hello\n\nhello\nworld\n"
        );
        let mut failed = result();
        failed.status = "failed".into();
        failed.message = "action failed msg".into();
        failed.stdout.clear();
        failed.stderr.clear();
        failed.results = serde_json::json!({"outcome": "fail", "result-map": {"message": "failed :'("}})
            .as_object()
            .unwrap()
            .clone();
        assert_eq!(
            format_results(&[failed], "plain"),
            "Action id 1 failed: action failed msg\noutcome: fail\nresult-map:\n  message: failed :'(\n\n"
        );
    }

    /// The plain form's YAML escapes what a terminal would act on as YAML does (`\u202e`, as
    /// `--format yaml` writes it), so PyYAML reads it; the task's output is text, spelled out.
    #[test]
    fn plain_results_escape_terminal_controls_as_yaml() {
        let mut r = result();
        r.results = serde_json::json!({"res": "R \u{1b}[31mRED\u{9b}2J\u{202e}RTL"}).as_object().unwrap().clone();
        r.stdout = "out\u{202e}\n".into();
        r.stderr.clear();
        let plain = format_results(&[r], "plain");
        assert!(plain.starts_with("res: \"R \\e[31mRED\\x9B2J\\u202eRTL\"\n"), "{plain}");
        assert!(plain.ends_with("\nout\\u{202e}\n"), "{plain}");
        assert!(!plain.contains("\\u{202e}RTL"), "{plain}");
    }

    /// Juju's `showtask_test.go`: yaml is the task's map at the top level; a task that has not
    /// ended prints its real shape (enqueued, started, its unit), and plain `Task N STATUS`
    /// with Println's empty line.
    #[test]
    fn show_task_prints_the_task_itself() {
        let mut done = result();
        done.log.clear();
        done.stdout.clear();
        done.stderr.clear();
        let task = Task {
            id: 1,
            operation: 0,
            unit: "mysql/0".into(),
            action: "x".into(),
            status: "completed".into(),
            result: Some(done),
            enqueued_ms: 1_423_901_580_000,
            ..Default::default()
        };
        assert_eq!(
            format_task(&task, "yaml"),
            "id: \"1\"\nresults:\n  outcome: success\n  result-map:\n    message: hello\n  return-code: 0\nstatus: completed\ntiming:\n  completed: 2015-02-14 08:17:00 +0000 UTC\n  enqueued: 2015-02-14 08:13:00 +0000 UTC\n  started: 2015-02-14 08:15:00 +0000 UTC\nunit: mysql/0\n"
        );
        assert!(
            format_task(&task, "json").starts_with("{\"id\":\"1\",\"results\":{"),
            "{}",
            format_task(&task, "json")
        );
        let running = Task { status: "running".into(), result: None, started_ms: Some(1_423_901_700_000), ..task };
        assert_eq!(
            format_task(&running, "yaml"),
            "id: \"1\"\nstatus: running\ntiming:\n  enqueued: 2015-02-14 08:13:00 +0000 UTC\n  started: 2015-02-14 08:15:00 +0000 UTC\nunit: mysql/0\n"
        );
        assert_eq!(
            format_task(&running, "json"),
            "{\"id\":\"1\",\"status\":\"running\",\"timing\":{\"enqueued\":\"2015-02-14 08:13:00 +0000 UTC\",\"started\":\"2015-02-14 08:15:00 +0000 UTC\"},\"unit\":\"mysql/0\"}\n"
        );
        assert_eq!(format_task(&running, "plain"), "Task 1 running\n\n");
    }

    #[test]
    fn arguments_split_into_units_action_and_parameters() {
        let args: Vec<String> =
            ["app/0", "app/leader", "set-password", "password=x", "a.b=2"].iter().map(|s| s.to_string()).collect();
        let (units, action, pairs) = split(&args).unwrap();
        assert_eq!((units.len(), action.as_str(), pairs.len()), (2, "set-password", 2));
        let p = params(None, &pairs, false).unwrap();
        assert_eq!(Json::Object(p), serde_json::json!({"password": "x", "a": {"b": 2}}));
        let p = params(None, &pairs, true).unwrap();
        assert_eq!(Json::Object(p), serde_json::json!({"password": "x", "a": {"b": "2"}}));
        assert!(split(&["set-password".to_string()]).is_err());
    }

    /// Juju's yaml.v2 reading of `key=value` values (each checked against juju/yaml v2's
    /// `yaml.Unmarshal` into `interface{}`).
    #[test]
    fn values_are_read_as_juju_s_yaml_v2_reads_them() {
        let pairs: Vec<String> = [
            "a=yes",
            "b=on",
            "c=y",
            "d=no",
            "e=010",
            "f=1_000",
            "g='yes'",
            "h=[1, x, on]",
            "i=",
            "j=~",
            "k=1e3",
            "l=hi",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let p = params(None, &pairs, false).unwrap();
        assert_eq!(
            Json::Object(p),
            serde_json::json!({"a": true, "b": true, "c": true, "d": false, "e": 8, "f": 1000, "g": "yes",
                "h": [1, "x", true], "i": "", "j": null, "k": "1e3", "l": "hi"})
        );
        for (value, want) in [
            ("[x", "yaml: line 1: did not find expected ',' or ']'"),
            ("\"unterminated", "yaml: found unexpected end of stream"),
            ("a: [", "yaml: line 1: did not find expected node content"),
            ("a: b: c", "yaml: mapping values are not allowed in this context"),
        ] {
            let err = params(None, &[format!("k={value}")], false).unwrap_err();
            assert_eq!(err.to_string(), want);
        }
    }
}
