//! `leaderd exec --unit UNIT|APP/leader -- CMD...`: runs CMD in a fresh hook context of that
//! unit (like `juju exec`). The agent opens the context and says what environment it needs;
//! this process runs CMD with its own stdin, stdout and stderr, so output streams and an
//! interactive shell works, and passes CMD's exit code through.

use std::ffi::OsString;
use std::path::Path;

use anyhow::Context;

use super::UpState;
use leaderd_core::unix_http;
use leaderd_core::wire::run::{CloseRequest, ExecContext, OpenRequest, EXEC_CLOSE_PATH, EXEC_OPEN_PATH};
use leaderd_core::wire::ErrorResponse;

pub fn exec(state: &Path, unit: &str, argv: &[OsString]) -> anyhow::Result<i32> {
    anyhow::ensure!(!argv.is_empty(), "nothing to run: give the command after --");
    let up = UpState::load(state)?;
    let unit = up.unit(state, unit)?;
    // A stopped agent would keep the command waiting for ever, and a killed one is not there.
    if let Some(fix) = unit.run.bring_back(&unit.name) {
        anyhow::bail!("{} is {}: {fix}", unit.name, unit.run.name());
    }
    let socket = unit.state_dir.join("run.socket");
    // The agent waits for any running hook first, so this may take a moment.
    let open = serde_json::to_vec(&OpenRequest { pid: Some(std::process::id()) })?;
    let (status, body) = unix_http::request(&socket, "POST", EXEC_OPEN_PATH, Some(&open))?;
    if status != 200 {
        let why = match ErrorResponse::decode(status, &body) {
            Some((code, message)) => format!("{message} ({code})"),
            None => String::from_utf8_lossy(&body).into_owned(),
        };
        anyhow::bail!("the agent of {} refused: {why}", unit.name);
    }
    let context: ExecContext = serde_json::from_slice(&body).context("the agent's answer")?;
    // The command is the user's, with the umask the user ran `leaderd exec` with (leaderd's
    // own is 077).
    let mut command = std::process::Command::new(&argv[0]);
    leaderd_sys::private::restore_user_umask(&mut command);
    let result = command.args(&argv[1..]).env_clear().envs(&context.env).current_dir(&context.cwd).status();
    let exit_code = result.as_ref().ok().map(leaderd_sys::process::exit_code);
    let close = serde_json::to_vec(&CloseRequest { context_id: context.context_id, exit_code })?;
    let closed = unix_http::request(&socket, "POST", EXEC_CLOSE_PATH, Some(&close));
    let status = result.with_context(|| format!("running {}", argv[0].to_string_lossy()))?;
    // The command succeeded but its relation changes could not be committed: say so and fail,
    // as a hook whose changes cannot be committed fails.
    if let Ok((code, body)) = closed {
        if code != 200 && exit_code == Some(0) {
            if let Some((
                leaderd_core::wire::ErrorCode::NotLeader
                | leaderd_core::wire::ErrorCode::Unavailable
                | leaderd_core::wire::ErrorCode::BadRequest,
                message,
            )) = ErrorResponse::decode(code, &body)
            {
                eprintln!("ERROR {message}");
                return Ok(1);
            }
        }
    }
    Ok(leaderd_sys::process::exit_code(&status))
}
