//! Small facts about processes that the agent and the local cluster both need.

/// Is process `pid` alive (and not a zombie)?
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "))
}

/// When process `pid` started, in clock ticks since boot (`/proc/PID/stat` field 22): with the
/// pid, it names one process, even after the pid is reused.
pub fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count from its last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// A process's exit code, with 128 + N for death by signal N (as shells report it).
pub fn exit_code(status: &std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_start_time_names_one_process() {
        let me = std::process::id();
        let started = super::start_time(me).expect("this process has a start time");
        assert_eq!(super::start_time(me), Some(started));
        let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        let theirs = super::start_time(child.id());
        let _ = child.kill();
        let _ = child.wait();
        assert!(theirs.is_some_and(|t| t >= started), "{theirs:?} vs {started}");
        assert_eq!(super::start_time(child.id()), None, "a reaped child has no start time");
    }
}
