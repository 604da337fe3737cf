//! Private state: everything `leaderd` writes under a state directory is readable by its owner
//! only (directories 0700, files 0600), whatever the umask. The leader settings hold what charms
//! share (passwords, keys), and the controller's database, its logs and `up.json` are no one
//! else's business.
//!
//! Two layers: `leaderd` sets its umask to 077 at start-up ([`set_private_umask`]), so nothing it
//! or a library it uses creates (SQLite's database, WAL and SHM files, sockets) can be wider; and
//! the files and directories it makes on purpose are created with explicit modes here, and
//! existing ones it reuses are narrowed. Hooks and `leaderd exec` commands are the user's own
//! programs: they run with the umask the user had ([`user_umask`]), not 077.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::Context;

/// Carries the user's umask from `leaderd up` to the agents it starts (which inherit 077).
pub const USER_UMASK_VAR: &str = "LEADERD_USER_UMASK";

const UNSET: u32 = u32::MAX;
static USER_UMASK: AtomicU32 = AtomicU32::new(UNSET);

/// Sets this process's umask to 077 and remembers the user's: the one this process started
/// with, or the one `$LEADERD_USER_UMASK` names (an agent started by `leaderd up`). Exports it
/// in `$LEADERD_USER_UMASK` for the processes this one starts. Call it first thing in `main`,
/// before any thread exists (it changes the environment).
pub fn set_private_umask() {
    let found = set_umask(0o077);
    let user = std::env::var(USER_UMASK_VAR)
        .ok()
        .and_then(|text| u32::from_str_radix(text.trim(), 8).ok())
        .filter(|mask| *mask <= 0o777)
        .unwrap_or(found);
    USER_UMASK.store(user, Ordering::Relaxed);
    std::env::set_var(USER_UMASK_VAR, format!("{user:04o}"));
}

/// The umask the user had when they started `leaderd`, if [`set_private_umask`] ran (it does in
/// the `leaderd` binary; a library user keeps its own umask and gets `None`).
pub(crate) fn user_umask() -> Option<u32> {
    match USER_UMASK.load(Ordering::Relaxed) {
        UNSET => None,
        mask => Some(mask),
    }
}

/// Sets this process's umask to `mask`; answers the one it replaces. umask(2) cannot fail, and
/// is async-signal-safe (for a `pre_exec` hook).
pub fn set_umask(mask: u32) -> u32 {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(mask)).as_raw_mode()
}

/// Creates `dir` and its missing parents 0700. Directories that exist are left as they are
/// (the parent of a database file may be anyone's, `/tmp` say).
pub fn create_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// A state directory: created like [`create_dir`], and narrowed to 0700 if it existed wider.
/// One that another user owns is refused (see [`check_own`]): whoever owns it could have put
/// a secret or keys there that this process would then trust.
pub fn create_state_dir(dir: &Path) -> anyhow::Result<()> {
    create_dir(dir)?;
    check_owner(dir, "state directory")?;
    restrict(dir, 0o700)
}

/// Refuses a file this process is about to trust (a state directory's secret, a TLS key or
/// certificate) if another user owns it or can write it: root and the user running leaderd
/// are the only owners trusted, and nobody else may be able to change it. A symbolic link is
/// judged by what it points to, and must itself be ours.
pub fn check_own(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    check_owner(path, "file")?;
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    anyhow::ensure!(
        meta.mode() & 0o022 == 0,
        "{} can be written by other users (mode {:o}): refusing to trust it. Make it yours alone (chmod 600) or \
         remove it",
        path.display(),
        meta.mode() & 0o7777
    );
    Ok(())
}

/// `path` (and, for a link, what it points to) belongs to this user or to root.
fn check_owner(path: &Path, what: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let link = std::fs::symlink_metadata(path).with_context(|| format!("reading {}", path.display()))?;
    let target = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    for owner in [link.uid(), target.uid()] {
        anyhow::ensure!(
            owner == me || owner == 0,
            "the {what} {} belongs to another user (uid {owner}; you are uid {me}): refusing to use it, since whoever \
             owns it could have put a secret or keys there. Use one of your own (--state DIR)",
            path.display()
        );
    }
    Ok(())
}

/// Sets `path`'s permission bits to `mode` if they differ.
pub fn restrict(path: &Path, mode: u32) -> anyhow::Result<()> {
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    if meta.permissions().mode() & 0o7777 != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("making {} private", path.display()))?;
    }
    Ok(())
}

/// Opens `path` for appending, created 0600 (an existing file is narrowed to 0600).
pub fn append(path: &Path) -> anyhow::Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    restrict(path, 0o600)?;
    Ok(file)
}

/// Replaces `path` with `bytes`, 0600: written to `<path>.tmp` and renamed over it, so a crash
/// leaves the old contents or the new, never half of them.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("creating {}", tmp.display()))?;
    let written = file
        .write_all(bytes)
        .with_context(|| format!("writing {}", tmp.display()))
        .and_then(|()| std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display())));
    if written.is_err() {
        // Nothing half-written is left behind.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Copies the directory tree `from` to `to` (created 0700), keeping symlinks and the owner's
/// permission bits only: hooks stay executable for the owner, and the copy lives in a private
/// state directory (`leaderd up` gives each unit its own copy of the charm, as Juju does).
pub fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    create_state_dir(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&src, &dst)?;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src)?, &dst)
                .with_context(|| format!("copying {}", src.display()))?;
        } else {
            std::fs::copy(&src, &dst).with_context(|| format!("copying {}", src.display()))?;
            let mode = std::fs::metadata(&dst)?.permissions().mode() & 0o700;
            std::fs::set_permissions(&dst, std::fs::Permissions::from_mode(mode))?;
        }
    }
    Ok(())
}

/// Swaps the directories `a` and `b` in one step (`renameat2(RENAME_EXCHANGE)`): a process
/// that looks up a path under either sees the old tree or the new, never neither (the agent
/// swaps a unit's charm directory this way on `leaderd refresh`).
pub fn exchange(a: &Path, b: &Path) -> anyhow::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE)
        .with_context(|| format!("swapping {} and {}", a.display(), b.display()))
}

/// Hooks are the charm's programs, not leaderd's: they run with the umask the user started
/// leaderd with, not the 077 that keeps leaderd's own state private. A file a hook writes is
/// as private as the charm makes it (the charm copies `leaderd up` makes sit in 0700
/// directories all the same).
pub fn restore_user_umask(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    if let Some(mask) = user_umask() {
        // SAFETY: pre_exec is unsafe because the closure runs between fork and exec, where only
        // async-signal-safe calls are sound: umask(2) is one, and this allocates nothing.
        unsafe {
            command.pre_exec(move || {
                set_umask(mask);
                Ok(())
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    /// A file others can write is not trusted; as root, one another user owns is not either
    /// (and a state directory of theirs).
    #[test]
    fn files_and_state_dirs_of_others_are_refused() {
        let root = tempfile::tempdir().unwrap();
        let secret = root.path().join("secret");
        std::fs::write(&secret, "x").unwrap();
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        check_own(&secret).unwrap();
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o666)).unwrap();
        let refused = check_own(&secret).unwrap_err().to_string();
        assert!(refused.contains("can be written by other users (mode 666)"), "{refused}");
        if rustix::process::geteuid().is_root() {
            let nobody = 65534;
            std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
            std::os::unix::fs::chown(&secret, Some(nobody), None).unwrap();
            // Root's own files are trusted; another user's are not.
            let refused = check_own(&secret).unwrap_err().to_string();
            assert!(refused.contains("belongs to another user (uid 65534"), "{refused}");
            let planted = root.path().join("planted");
            std::fs::create_dir(&planted).unwrap();
            std::os::unix::fs::chown(&planted, Some(nobody), None).unwrap();
            assert!(create_state_dir(&planted).is_err(), "a state directory another user owns");
        }
    }

    #[test]
    fn a_failed_atomic_write_leaves_no_temporary_file() {
        // `leaderd timeline -o DIR` (a directory where a file was meant) cannot rename over it.
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        std::fs::create_dir(&dir).unwrap();
        assert!(write_atomic(&dir, b"picture").is_err());
        let left: Vec<_> = std::fs::read_dir(root.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["out"]);
    }

    #[test]
    fn state_dirs_and_files_are_owner_only_even_when_they_existed_wider() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o755, "an existing directory is not a state directory");
        create_state_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        create_dir(&root.path().join("c/d")).unwrap();
        assert_eq!((mode(&root.path().join("c")), mode(&root.path().join("c/d"))), (0o700, 0o700));

        let log = dir.join("x.log");
        std::fs::write(&log, "old\n").unwrap();
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
        writeln!(append(&log).unwrap(), "new").unwrap();
        assert_eq!((mode(&log), std::fs::read_to_string(&log).unwrap()), (0o600, "old\nnew\n".to_string()));

        let json = dir.join("x.json");
        write_atomic(&json, b"{}").unwrap();
        write_atomic(&json, b"{\"a\":1}").unwrap();
        assert_eq!((mode(&json), std::fs::read(&json).unwrap()), (0o600, b"{\"a\":1}".to_vec()));
    }

    #[test]
    fn a_copied_tree_keeps_owner_bits_and_symlinks_and_an_exchange_swaps_two_trees() {
        let root = tempfile::tempdir().unwrap();
        let from = root.path().join("from");
        std::fs::create_dir_all(from.join("hooks")).unwrap();
        std::fs::write(from.join("hooks/install"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(from.join("hooks/install"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(from.join("metadata.yaml"), "name: a\n").unwrap();
        std::os::unix::fs::symlink("hooks/install", from.join("dispatch")).unwrap();
        let to = root.path().join("to");
        copy_tree(&from, &to).unwrap();
        assert_eq!(mode(&to.join("hooks/install")), 0o700);
        assert_eq!(std::fs::read_link(to.join("dispatch")).unwrap(), Path::new("hooks/install"));
        assert_eq!(mode(&to), 0o700);

        std::fs::write(from.join("metadata.yaml"), "name: b\n").unwrap();
        exchange(&from, &to).unwrap();
        assert_eq!(std::fs::read_to_string(to.join("metadata.yaml")).unwrap(), "name: b\n");
        assert_eq!(std::fs::read_to_string(from.join("metadata.yaml")).unwrap(), "name: a\n");
    }
}
