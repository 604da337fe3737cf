//! What the viewing commands (`status`, `show-unit`, `config`, `model-config`, `trust`) share:
//! the model's controller, asked as the operator (a short-lived operator token made from the
//! model's state directory, as `leaderd status` asks it), Juju's time formats, and the charm
//! an application runs.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use super::model::Model;
use super::RunError;
use crate::local::UpState;
use leaderd_net::controller_client::{CallError, ControllerClient};

/// How long a command waits for the model's controller.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// The model's running `up` and a client of its controller as the operator, for `app` (the
/// application the client's per-application calls name; the model-wide calls ignore it).
pub(crate) fn operator(model: &Model, app: Option<&str>) -> Result<(UpState, ControllerClient), RunError> {
    let up = super::host::record(model)?;
    let app = app.unwrap_or(up.any_application()).to_string();
    let client =
        crate::local::status::operator_client(&model.dir, &up, &app).map_err(|e| RunError(format!("{e:#}")))?;
    Ok((up, client))
}

/// The model's `up` and a client for its application `app`, which the model must run (one
/// `remove-application` took is gone, though the controller keeps its config): else Juju's
/// `application "x" not found`.
pub(crate) fn application(model: &Model, app: &str) -> Result<(UpState, ControllerClient), RunError> {
    let (up, client) = operator(model, Some(app))?;
    if up.application(app).is_err() {
        return Err(RunError(format!("application {} not found", leaderd_core::gocompat::go_quote(app))));
    }
    Ok((up, client))
}

/// Runs one call to the controller to its end (within 10 s); a refusal is the controller's
/// words (Juju's, for what it checks), anything else says the controller could not answer.
pub(crate) fn ask<T>(call: impl Future<Output = Result<T, CallError>>) -> Result<T, RunError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| RunError(format!("starting the client: {e}")))?;
    match runtime.block_on(async { tokio::time::timeout(ANSWER_WITHIN, call).await }) {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(CallError::Refused { message, .. })) => Err(RunError(message)),
        Ok(Err(e)) => Err(RunError(format!("cannot reach the model's controller: {e}"))),
        Err(_) => Err(RunError("cannot reach the model's controller: no answer within 10s".into())),
    }
}

/// The `name:` of the charm in `dir`'s metadata.yaml, if it has one.
fn charm_name_in(dir: &Path) -> Option<String> {
    crate::local::up::charm_name(dir).ok()
}

/// The name and revision of the charm `app` runs: as the model's `up` recorded them at its
/// deploy or last refresh (revisions count per model and charm name), else the controller's
/// (a refreshed charm's directory and revision), else the application's own name at 0.
pub(crate) fn charm_of(up: &UpState, app: &str, revision: u64, charm_path: Option<&str>) -> (String, u64) {
    if let Ok(info) = up.application(app) {
        return (info.charm_name.clone(), info.revision);
    }
    let name = charm_path.and_then(|p| charm_name_in(Path::new(p))).unwrap_or_else(|| app.to_string());
    (name, revision)
}

/// Juju's charm URL for a local charm: `local:<name>-<revision>`.
pub(crate) fn charm_url(name: &str, revision: u64) -> String {
    format!("local:{name}-{revision}")
}

/// The civil UTC date and time of Unix milliseconds: (year, month, day, hour, minute, second).
fn civil(unix_ms: u64) -> (i64, usize, i64, i64, i64, i64) {
    let text = jujuc::tools::secret::format_time((unix_ms / 1000) as i64, 0);
    // `2026-12-07T06:10:11Z`
    let n = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap_or(0);
    (n(0..4), n(5..7) as usize, n(8..10), n(11..13), n(14..16), n(17..19))
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// juju/juju `cmd/juju/common/format.go`, `FormatTime`: `02 Jan 2006 15:04:05Z07:00`, or with
/// `--utc` (or `JUJU_STATUS_ISO_TIME`) `2006-01-02 15:04:05Z`. leaderd's times are UTC
/// (`Z`): its models run on one host, whose zone a local clock would add nothing to.
pub(crate) fn format_time(unix_ms: u64, iso: bool) -> String {
    let (y, m, d, h, mi, s) = civil(unix_ms);
    if iso {
        return format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}Z");
    }
    format!("{d:02} {} {y:04} {h:02}:{mi:02}:{s:02}Z", MONTHS[m.clamp(1, 12) - 1])
}

/// `FormatTimeAsTimestamp`: `15:04:05Z07:00`, or `15:04:05` with `--utc`.
pub(crate) fn format_timestamp(unix_ms: u64, iso: bool) -> String {
    let (_, _, _, h, mi, s) = civil(unix_ms);
    if iso {
        return format!("{h:02}:{mi:02}:{s:02}");
    }
    format!("{h:02}:{mi:02}:{s:02}Z")
}

/// Whether times print in ISO form: `--utc`, or `JUJU_STATUS_ISO_TIME` set to a true value
/// (juju/juju `cmd/juju/status/status.go`, `Init`).
pub(crate) fn iso_time(utc_flag: bool) -> bool {
    utc_flag
        || std::env::var("JUJU_STATUS_ISO_TIME")
            .ok()
            .and_then(|v| leaderd_core::gocompat::go_parse_bool(&v))
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_jujus_formats() {
        // 2026-12-07T06:10:11Z
        let ms = 1_796_623_811_000;
        assert_eq!(format_time(ms, false), "07 Dec 2026 06:10:11Z");
        assert_eq!(format_time(ms, true), "2026-12-07 06:10:11Z");
        assert_eq!(format_timestamp(ms, false), "06:10:11Z");
        assert_eq!(format_timestamp(ms, true), "06:10:11");
        assert_eq!(charm_url("testdb", 0), "local:testdb-0");
    }
}
