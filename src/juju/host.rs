//! A model's host, as the `juju` commands reach it: the background `leaderd up --host` over the
//! model's state directory (started by `add-model`, stopped by `destroy-model`), asked through
//! its `up.socket` for what starts or stops processes (`deploy`, `add-unit`, `remove-unit`,
//! `remove-application`, `refresh`). Data about the model (status, config) comes from its
//! controller, not from here.

use std::time::Duration;

use leaderd_core::wire::up::Done;
use serde::Serialize;

use super::model::Model;
use super::RunError;

/// How long a request may take: a deploy prepares the charm and starts its units' agents.
const WITHIN: Duration = Duration::from_secs(120);

/// One request to the model's `up`; its refusal, in its words, is the error.
pub(crate) fn call<B: Serialize>(model: &Model, path: &str, body: &B) -> Result<Done, RunError> {
    let socket = model.dir.join("up.socket");
    if crate::local::UpState::load(&model.dir).is_err() || !socket.exists() {
        return Err(RunError(format!(
            "model {}:{} is not running (its leaderd up has stopped; see {})",
            super::model::CONTROLLER,
            model.qualified(),
            model.dir.join(LOG).display()
        )));
    }
    let body = serde_json::to_vec(body).map_err(|e| RunError(e.to_string()))?;
    let (status, answer) = leaderd_core::unix_http::request_within(&socket, "POST", path, Some(&body), Some(WITHIN))
        .map_err(|e| RunError(format!("asking the model's leaderd up at {}: {e}", socket.display())))?;
    if status != 200 {
        let why = leaderd_core::wire::ErrorResponse::decode(status, &answer)
            .map(|(_, message)| message)
            .unwrap_or_else(|| String::from_utf8_lossy(&answer).into_owned());
        return Err(RunError(why));
    }
    serde_json::from_slice(&answer).map_err(|e| RunError(format!("the model's leaderd up answered: {e}")))
}

/// The model's `up` writes its output here (`<model>/up.log`).
pub(crate) const LOG: &str = "up.log";

/// The last `n` lines of the model's `up` log, for an error that needs them.
pub(crate) fn log_tail(model: &Model, n: usize) -> String {
    let text = std::fs::read_to_string(model.dir.join(LOG)).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// juju/juju `cmd/helpers.go`, `UserConfirmYes`: `y` or `yes` on stdin, else `<what>: aborted`
/// (only without `--no-prompt`; jubilant always passes it).
pub(crate) fn confirm_yes(what: &str) -> Result<(), RunError> {
    use std::io::BufRead as _;
    eprint!("\nContinue [y/N]? ");
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    match answer.trim_end_matches(['\n', '\r']).to_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(RunError(format!("{what}: aborted"))),
    }
}

/// The model's record of its applications and units (`up.json`).
pub(crate) fn record(model: &Model) -> Result<crate::local::UpState, RunError> {
    crate::local::UpState::load(&model.dir).map_err(|_| {
        RunError(format!(
            "model {}:{} is not running (its leaderd up has stopped; see {})",
            super::model::CONTROLLER,
            model.qualified(),
            model.dir.join(LOG).display()
        ))
    })
}

/// What a command that reports each failure as it goes prints (juju/cmd's `WriteError` for
/// each, then `cmd.ErrSilent`): what succeeded on stdout, an `ERROR` line per failure on
/// stderr, and exit 1 if any failed.
pub(crate) fn with_failures(stdout: String, stderr: String, errors: &[String]) -> super::Outcome {
    let mut stderr = stderr;
    for error in errors {
        stderr.push_str(&format!("ERROR {error}\n"));
    }
    super::Outcome { stdout: stdout.into_bytes(), stderr: stderr.into_bytes(), code: u8::from(!errors.is_empty()) }
}
