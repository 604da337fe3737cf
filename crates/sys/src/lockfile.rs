//! An exclusive lock held for a process's lifetime: one `leaderd up` per state directory, one
//! agent per agent state directory. `flock` is released by the kernel when the process dies,
//! however it dies, so a crash never leaves a stale lock behind.

use std::fs::File;
use std::path::Path;

use anyhow::Context;

/// Holds the lock until dropped.
#[derive(Debug)]
pub struct Lock(#[allow(dead_code)] File);

/// Takes `path`'s lock, or says which process-kind (`what`) already holds it.
pub fn lock(path: &Path, what: &str) -> anyhow::Result<Lock> {
    use std::os::unix::fs::OpenOptionsExt;
    // Never through a symbolic link, never a FIFO (whose open would block for good).
    let file = crate::private::open_regular(
        path,
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).mode(0o600),
    )?;
    match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => {}
        Err(rustix::io::Errno::WOULDBLOCK) => anyhow::bail!(
            "another {what} is running with {} (it holds {})",
            path.parent().unwrap_or(path).display(),
            path.display()
        ),
        Err(e) => return Err(std::io::Error::from(e)).with_context(|| format!("locking {}", path.display())),
    }
    Ok(Lock(file))
}

/// Blocks until no process holds `path`'s lock (at once if there is no such file): how
/// `juju destroy-model` waits for a model's `up` to exit, without polling.
pub fn wait_released(path: &Path) -> anyhow::Result<()> {
    let file = match crate::private::open_regular(path, std::fs::OpenOptions::new().read(true)) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
    };
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockShared)
        .map_err(std::io::Error::from)
        .with_context(|| format!("waiting for {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let first = super::lock(&path, "test").unwrap();
        let second = super::lock(&path, "test").unwrap_err().to_string();
        assert!(second.starts_with("another test is running"), "{second}");
        drop(first);
        super::lock(&path, "test").unwrap();
    }

    #[test]
    fn wait_released_returns_once_the_holder_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        super::wait_released(&path).unwrap();
        let held = super::lock(&path, "test").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiting = path.clone();
        std::thread::spawn(move || tx.send(super::wait_released(&waiting).is_ok()).unwrap());
        assert!(rx.recv_timeout(std::time::Duration::from_millis(200)).is_err(), "still held");
        drop(held);
        assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(5)), Ok(true));
    }
}
