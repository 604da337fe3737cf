//! Processes, in one place: signalling them, and what `/proc` says about them. Signals go
//! through rustix (kill(2) and friends, with no `unsafe` at the call sites); `/proc` is read as
//! text. Both the agent (its hooks' process groups) and `leaderd up` (its agents, controllers
//! and what their hooks leave behind) use these.

use std::path::Path;

pub use rustix::process::Signal;
use rustix::process::{Pid, Resource, Rlimit};

/// `pid` as the kernel's, if it can name one process: 0 (and anything past `i32::MAX`) would
/// mean something else to kill(2) (this process's group, or a group by its negation).
fn kernel_pid(pid: u32) -> Option<Pid> {
    i32::try_from(pid).ok().and_then(Pid::from_raw)
}

/// Sends `signal` to process `pid`; false if it could not (no such process, or not ours to
/// signal).
pub fn signal(pid: u32, signal: Signal) -> bool {
    kernel_pid(pid).is_some_and(|pid| rustix::process::kill_process(pid, signal).is_ok())
}

/// Sends `signal` to every process in process group `pgid`; false if it could not (the group
/// has no process left).
pub fn signal_group(pgid: u32, signal: Signal) -> bool {
    kernel_pid(pgid).is_some_and(|pgid| rustix::process::kill_process_group(pgid, signal).is_ok())
}

/// Does process group `pgid` still have a process this one may signal? (kill(2) with signal 0:
/// nothing is sent.)
pub fn group_exists(pgid: u32) -> bool {
    kernel_pid(pgid).is_some_and(|pgid| rustix::process::test_kill_process_group(pgid).is_ok())
}

/// For a child between fork and exec (a `pre_exec` hook; async-signal-safe: two system calls):
/// asks the kernel to send the child SIGTERM when its parent dies, then answers whether the
/// parent is still `parent`: had it died before, the child would never be told.
pub fn die_with_parent(parent: u32) -> std::io::Result<bool> {
    rustix::process::set_parent_process_death_signal(Some(Signal::TERM))?;
    Ok(rustix::process::getppid().is_some_and(|p| p.as_raw_pid() as u32 == parent))
}

/// Makes the calling process the leader of a new session (and process group), detached from
/// its terminal and from its parent's group's signals; async-signal-safe, for a `pre_exec` hook
/// that starts a daemon (`juju add-model`'s `up`).
pub fn new_session() -> std::io::Result<()> {
    rustix::process::setsid()?;
    Ok(())
}

/// Lets `fd` stay open across exec (clears its close-on-exec flag); async-signal-safe, for a
/// `pre_exec` hook that hands one descriptor to one child.
pub fn keep_across_exec(fd: std::os::fd::BorrowedFd<'_>) -> std::io::Result<()> {
    Ok(rustix::io::fcntl_setfd(fd, rustix::io::FdFlags::empty())?)
}

/// Takes descriptor `fd`, left open by whoever started this process (a controller's
/// `--listen-fd`), as this process's own, and marks it close-on-exec so nothing this process
/// starts inherits it; `None` if no descriptor `fd` is open.
pub fn adopt_fd(fd: i32) -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd};
    // A negative number names no descriptor (and -1 may not be borrowed at all).
    if fd < 0 {
        return None;
    }
    // SAFETY: borrowed only for F_GETFD, which fails cleanly (EBADF) if `fd` is not open.
    rustix::io::fcntl_getfd(unsafe { BorrowedFd::borrow_raw(fd) }).ok()?;
    // SAFETY: the descriptor is open, and it was inherited for this process to take: nothing
    // else in this process owns it.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    // Cannot fail on an open descriptor; were it to, the descriptor would only leak into a child.
    let _ = rustix::io::fcntl_setfd(&owned, rustix::io::FdFlags::CLOEXEC);
    Some(owned)
}

/// Raises this process's open-file soft limit to its hard limit; returns the soft limit now
/// (`u64::MAX` for no limit).
pub fn raise_fd_limit() -> u64 {
    let limit = rustix::process::getrlimit(Resource::Nofile);
    let (soft, hard) = (limit.current.unwrap_or(u64::MAX), limit.maximum.unwrap_or(u64::MAX));
    if soft < hard && rustix::process::setrlimit(Resource::Nofile, Rlimit { current: limit.maximum, ..limit }).is_ok() {
        return hard;
    }
    soft
}

/// Sets this process's open-file limit, soft and hard, to `n` (async-signal-safe, for a
/// `pre_exec` hook).
pub fn limit_fds(n: u64) -> std::io::Result<()> {
    Ok(rustix::process::setrlimit(Resource::Nofile, Rlimit { current: Some(n), maximum: Some(n) })?)
}

/// The fields of `/proc/PID/stat` after the command name (from field 3, the state): the name
/// (field 2) may hold spaces and parentheses, so they are counted from its last ')'.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(stat[stat.rfind(')')? + 1..].split_whitespace().map(str::to_string).collect())
}

/// Is process `pid` alive (and not a zombie)?
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "))
}

/// Process `pid`'s state letter (`R`, `S`, `T` stopped, `Z` zombie, ...), if it exists.
pub fn state(pid: u32) -> Option<char> {
    stat_fields(pid)?.first()?.chars().next()
}

/// When process `pid` started, in clock ticks since boot (`/proc/PID/stat` field 22): with the
/// pid, it names one process, even after the pid is reused.
pub fn start_time(pid: u32) -> Option<u64> {
    stat_fields(pid)?.get(19)?.parse().ok()
}

/// Every process `/proc` lists now.
fn all() -> impl Iterator<Item = u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str().and_then(|name| name.parse().ok()))
}

/// The processes descended from `root` (its children, theirs, ...), as `/proc` parentage says
/// now; not `root` itself.
pub fn descendants(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> =
        all().filter_map(|pid| Some((pid, stat_fields(pid)?.get(1)?.parse().ok()?))).collect();
    let mut tree = vec![root];
    let mut grew = true;
    while grew {
        grew = false;
        for (pid, ppid) in &parents {
            if tree.contains(ppid) && !tree.contains(pid) {
                tree.push(*pid);
                grew = true;
            }
        }
    }
    tree.retain(|pid| *pid != root);
    tree
}

/// The processes whose environment holds `JUJU_AGENT_SOCKET_ADDRESS=<dir>/...`: the hooks of
/// every agent whose hook socket is under `dir` (an `up`'s state directory), what they started
/// (in their process groups or not) and the commands `leaderd exec` ran in their contexts.
pub fn with_hook_environment_under(dir: &Path) -> Vec<u32> {
    let needle = format!("JUJU_AGENT_SOCKET_ADDRESS={}/", dir.display()).into_bytes();
    all()
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|environ| environ.split(|b| *b == 0).any(|var| var.starts_with(&needle)))
        })
        .collect()
}

/// Process `pid`'s arguments (`/proc/PID/cmdline`), argv[0] first; none if it is gone (or a
/// kernel thread).
pub fn cmdline(pid: u32) -> Option<Vec<String>> {
    let bytes = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let mut args: Vec<String> = bytes.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
    // The list ends with a NUL.
    if args.last().is_some_and(|a| a.is_empty()) {
        args.pop();
    }
    (!args.is_empty()).then_some(args)
}

/// The processes whose environment holds `JUJU_AGENT_SOCKET_ADDRESS=<socket>`: a hook of the
/// agent whose hook socket that is, or anything a hook started (a daemonised child too).
pub fn with_hook_environment(socket: &Path) -> Vec<u32> {
    let needle = format!("JUJU_AGENT_SOCKET_ADDRESS={}\0", socket.display()).into_bytes();
    all()
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|environ| environ.windows(needle.len()).any(|w| w == needle.as_slice()))
        })
        .collect()
}

/// A process's exit code, with 128 + N for death by signal N (as shells report it).
pub fn exit_code(status: &std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inherited_descriptor_is_adopted_close_on_exec_and_a_missing_one_is_not() {
        use std::os::fd::{AsFd, IntoRawFd};
        assert!(adopt_fd(-1).is_none());
        assert!(adopt_fd(1 << 30).is_none(), "no such descriptor");
        // As `up` hands it over: open across exec.
        let file = tempfile::tempfile().unwrap();
        keep_across_exec(file.as_fd()).unwrap();
        let fd = file.into_raw_fd();
        let adopted = adopt_fd(fd).expect("an open descriptor");
        assert_eq!(std::os::fd::AsRawFd::as_raw_fd(&adopted), fd);
        assert_eq!(rustix::io::fcntl_getfd(&adopted).unwrap(), rustix::io::FdFlags::CLOEXEC);
    }

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

    /// Waits (up to 5 s) for `pid`'s state to be `want`.
    fn wait_state(pid: u32, want: Option<char>) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while state(pid) != want {
            assert!(std::time::Instant::now() < deadline, "{pid} is {:?}, not {want:?}", state(pid));
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn a_stopped_child_is_stopped_a_continued_one_runs_and_a_killed_one_is_gone() {
        let mut child = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        let pid = child.id();
        assert!(signal(pid, Signal::STOP));
        wait_state(pid, Some('T'));
        assert!(signal(pid, Signal::CONT));
        wait_state(pid, Some('S'));
        assert!(alive(pid));
        assert!(signal(pid, Signal::KILL));
        wait_state(pid, Some('Z'));
        assert!(!alive(pid), "a zombie is not alive");
        let _ = child.wait();
        assert!(!signal(pid, Signal::TERM), "a reaped child cannot be signalled");
        assert!(!signal(0, Signal::TERM), "pid 0 names no process (kill(2) would take it for this group)");
    }

    #[test]
    fn a_group_is_signalled_and_is_gone_once_its_processes_are() {
        use std::os::unix::process::CommandExt;
        let mut child = std::process::Command::new("sleep").arg("30").process_group(0).spawn().unwrap();
        let pgid = child.id();
        assert!(group_exists(pgid));
        assert!(signal_group(pgid, Signal::KILL));
        let _ = child.wait();
        assert!(!group_exists(pgid), "its one process is gone");
        assert!(!signal_group(pgid, Signal::TERM));
    }

    #[test]
    fn descendants_are_children_and_their_children() {
        let mut child = std::process::Command::new("sh").args(["-c", "sleep 30 & wait"]).spawn().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let grandchild = loop {
            if let Some(&pid) = descendants(child.id()).first() {
                break pid;
            }
            assert!(std::time::Instant::now() < deadline, "sh started no sleep");
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        let mine = descendants(std::process::id());
        // The sleep first: sh reaps it and exits, and this test reaps sh; nothing is left over.
        signal(grandchild, Signal::KILL);
        let _ = child.wait();
        assert!(mine.contains(&child.id()) && mine.contains(&grandchild), "{mine:?}");
        assert!(!mine.contains(&std::process::id()), "not the root itself");
    }

    #[test]
    fn a_process_with_a_hook_environment_is_found_by_its_socket() {
        let socket = Path::new("/tmp/leaderd-process-test-").join(std::process::id().to_string());
        let mut child =
            std::process::Command::new("sleep").arg("30").env("JUJU_AGENT_SOCKET_ADDRESS", &socket).spawn().unwrap();
        // Its environment shows in /proc only once its exec has finished setting up, which may
        // be a moment after spawn returns.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut found = with_hook_environment(&socket);
        while found.is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
            found = with_hook_environment(&socket);
        }
        let other = with_hook_environment(&socket.with_extension("other"));
        let under = with_hook_environment_under(Path::new("/tmp"));
        let not_under = with_hook_environment_under(Path::new("/tm"));
        let args = cmdline(child.id());
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(found, vec![child.id()]);
        assert!(other.is_empty(), "{other:?}");
        assert!(under.contains(&child.id()), "{under:?}");
        assert!(!not_under.contains(&child.id()), "a directory, not a prefix of a name: {not_under:?}");
        assert_eq!(args, Some(vec!["sleep".to_string(), "30".to_string()]));
    }

    #[test]
    fn the_fd_limit_is_raised_to_the_hard_limit() {
        let soft = raise_fd_limit();
        let hard = rustix::process::getrlimit(Resource::Nofile).maximum.unwrap_or(u64::MAX);
        assert_eq!(soft, hard);
    }
}
