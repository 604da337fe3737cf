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
    check_owner(dir, "state directory", "--state DIR")?;
    restrict(dir, 0o700)
}

/// What a directory `leaderd` keeps what it trusts in is called in messages, and the option
/// that chooses another.
#[derive(Debug, Clone, Copy)]
pub struct DirRole {
    pub what: &'static str,
    pub option: &'static str,
}

/// `leaderd up`'s `--state` directory, and an agent's.
pub const STATE_DIR: DirRole = DirRole { what: "state directory", option: "--state DIR" };

/// A directory this process keeps what it trusts in (a state directory, a TLS directory),
/// checked before anything in it is read or written, then created 0700 (or narrowed to 0700).
/// Refused, as ssh's StrictModes refuses a home directory others can write
/// (openssh-portable misc.c `safe_path`): one another user owns, one other users can write
/// (whoever can add files to it can plant what leaderd then reads, or a log it then writes to),
/// and one holding an entry another user owns (planted while it was open to them).
pub fn create_trusted_dir(dir: &Path, role: DirRole) -> anyhow::Result<()> {
    check_trusted_dir(dir, role)?;
    create_dir(dir)?;
    check_owner(dir, role.what, role.option)?;
    restrict(dir, 0o700)
}

/// The checks of [`create_trusted_dir`], writing nothing; a directory that does not exist yet
/// passes.
pub fn check_trusted_dir(dir: &Path, role: DirRole) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        other => other.with_context(|| format!("reading {}", dir.display()))?,
    };
    let what = role.what;
    anyhow::ensure!(meta.is_dir(), "the {what} {} is not a directory", dir.display());
    check_owner(dir, what, role.option)?;
    anyhow::ensure!(
        meta.mode() & 0o022 == 0,
        "the {what} {} can be written by other users (mode {:o}): refusing to use it, since anyone could have put \
         files in it that leaderd would read or write to. Check what is in it, then make it yours alone (chmod 700 \
         {}), or use another ({})",
        dir.display(),
        meta.mode() & 0o7777,
        dir.display(),
        role.option
    );
    let me = rustix::process::geteuid().as_raw();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let path = entry.path();
        let owner = std::fs::symlink_metadata(&path).with_context(|| format!("reading {}", path.display()))?.uid();
        anyhow::ensure!(
            owner == me || owner == 0,
            "{} belongs to another user (uid {owner}; you are uid {me}): refusing to use the {what} {}, since \
             whoever put it there could read or forge what leaderd keeps in it. Remove it, or use another {what} ({})",
            path.display(),
            dir.display(),
            role.option
        );
    }
    Ok(())
}

/// Refuses a file this process is about to trust (a state directory's secret, a TLS key or
/// certificate) if another user owns it or can write it: root and the user running leaderd
/// are the only owners trusted, and nobody else may be able to change it. A symbolic link is
/// judged by what it points to, and must itself be ours.
pub fn check_own(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    check_owner(path, "file", "")?;
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    // A FIFO would hang the read that follows for good.
    anyhow::ensure!(
        meta.is_file(),
        "{} is not a regular file (a FIFO or a device, say): refusing to read it",
        path.display()
    );
    anyhow::ensure!(
        meta.mode() & 0o022 == 0,
        "{} can be written by other users (mode {:o}): refusing to trust it. Make it yours alone (chmod 600) or \
         remove it",
        path.display(),
        meta.mode() & 0o7777
    );
    Ok(())
}

/// [`check_own`], and for a secret or private key (the controller's secret, `ca.key`,
/// `controller.key`, `--tls-key`) that this user owns, no access at all for group or others, as
/// ssh refuses an unprotected private key file (openssh-portable authfile.c `sshkey_perm_ok`:
/// a key the user owns with any of the 077 bits set). Whoever can read the secret can mint
/// operator tokens; whoever can read a key can pass for the controller.
pub fn check_secret(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    check_own(path)?;
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    let me = rustix::process::geteuid().as_raw();
    anyhow::ensure!(
        meta.uid() != me || meta.mode() & 0o077 == 0,
        "{} can be read by other users (mode {:o}): refusing to use a secret or private key others can read, as ssh \
         refuses an unprotected private key. Make it yours alone: chmod 600 {}",
        path.display(),
        meta.mode() & 0o7777,
        path.display()
    );
    Ok(())
}

/// `path` (and, for a link, what it points to) belongs to this user or to root.
fn check_owner(path: &Path, what: &str, option: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let link = std::fs::symlink_metadata(path).with_context(|| format!("reading {}", path.display()))?;
    let target = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    for owner in [link.uid(), target.uid()] {
        anyhow::ensure!(
            owner == me || owner == 0,
            "the {what} {} belongs to another user (uid {owner}; you are uid {me}): refusing to use it, since whoever \
             owns it could have put a secret or keys there. Use one of your own{}",
            path.display(),
            if option.is_empty() { String::new() } else { format!(" ({option})") }
        );
    }
    Ok(())
}

const NOT_REGULAR: &str = "not a regular file (a FIFO or a device, say): refusing to use it (remove it)";

/// Opens `path` as `options` say, without following a symbolic link (`O_NOFOLLOW`) or blocking
/// on a FIFO (`O_NONBLOCK`; a FIFO with no writer would hang the open for good), and refuses
/// anything but a regular file that this user (or root) owns. For the files leaderd keeps in a
/// state directory: its event log, logs, locks. `O_NONBLOCK` has no effect on regular files.
/// A missing file stays `NotFound`; a refusal's message says why.
pub fn open_regular(path: &Path, options: &mut std::fs::OpenOptions) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::MetadataExt;
    let refuse = |why: String| std::io::Error::other(format!("{}: {why}", path.display()));
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
    let file = options.custom_flags(flags.bits() as i32).open(path).map_err(|e| {
        if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
            refuse("a symbolic link: refusing to follow it (remove it)".into())
        } else if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) {
            // A FIFO opened for writing, without blocking, while nobody reads it.
            refuse(NOT_REGULAR.into())
        } else {
            std::io::Error::new(e.kind(), format!("opening {}: {e}", path.display()))
        }
    })?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(refuse(NOT_REGULAR.into()));
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Err(refuse(format!(
            "belongs to another user (uid {}; you are uid {me}): refusing to use it (remove it)",
            meta.uid()
        )));
    }
    Ok(file)
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

/// Opens `path` for appending, created 0600 (an existing file is narrowed to 0600), as
/// [`open_regular`] opens it: never through a symbolic link, never a FIFO, never another
/// user's file.
pub fn append(path: &Path) -> anyhow::Result<std::fs::File> {
    let file = open_regular(path, std::fs::OpenOptions::new().create(true).append(true).mode(0o600))?;
    if file.metadata()?.permissions().mode() & 0o7777 != 0o600 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("making {} private", path.display()))?;
    }
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

    /// A state directory others can write is refused, not narrowed, whoever owns it; so is one
    /// holding an entry another user owns (planted while it was open), before anything is
    /// written in it.
    #[test]
    fn a_state_directory_others_can_write_or_with_their_files_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("state");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let refused = create_trusted_dir(&dir, STATE_DIR).unwrap_err().to_string();
        assert!(refused.contains("can be written by other users (mode 777): refusing to use it"), "{refused}");
        assert!(refused.contains(&format!("chmod 700 {}", dir.display())), "{refused}");
        assert_eq!(mode(&dir), 0o777, "refused, not narrowed");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_trusted_dir(&dir, STATE_DIR).unwrap();
        assert_eq!(mode(&dir), 0o700);
        create_trusted_dir(&root.path().join("new/state"), STATE_DIR).unwrap();
        if rustix::process::geteuid().is_root() {
            let planted = dir.join("events.jsonl");
            std::fs::write(&planted, "").unwrap();
            std::os::unix::fs::chown(&planted, Some(65534), None).unwrap();
            let refused = create_trusted_dir(&dir, STATE_DIR).unwrap_err().to_string();
            assert!(refused.contains("events.jsonl belongs to another user (uid 65534"), "{refused}");
            assert!(refused.contains("refusing to use the state directory"), "{refused}");
            let refused = append(&planted).unwrap_err().to_string();
            assert!(refused.contains("belongs to another user (uid 65534"), "{refused}");
        }
    }

    /// A FIFO or a symbolic link where leaderd keeps a file is refused at once: the open neither
    /// blocks for a writer nor writes through the link.
    #[test]
    fn a_fifo_or_a_symlink_in_place_of_a_log_is_refused_without_blocking() {
        let root = tempfile::tempdir().unwrap();
        let fifo = root.path().join("events.jsonl");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from_raw_mode(0o600)).unwrap();
        let refused = append(&fifo).unwrap_err().to_string();
        assert!(refused.contains("not a regular file"), "{refused}");
        let target = root.path().join("target");
        std::fs::write(&target, "mine\n").unwrap();
        let link = root.path().join("x.log");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let refused = append(&link).unwrap_err().to_string();
        assert!(refused.contains("a symbolic link: refusing to follow it"), "{refused}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine\n");
        let lock = root.path().join("up.lock");
        rustix::fs::mkfifoat(rustix::fs::CWD, &lock, rustix::fs::Mode::from_raw_mode(0o600)).unwrap();
        assert!(crate::lockfile::lock(&lock, "leaderd up").is_err());
    }

    /// A secret or key its owner leaves readable to others is refused, as ssh refuses an
    /// unprotected private key; 0600 and 0400 are fine.
    #[test]
    fn a_secret_others_can_read_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let secret = root.path().join("secret");
        std::fs::write(&secret, "x").unwrap();
        for ok in [0o600, 0o400] {
            std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(ok)).unwrap();
            check_secret(&secret).unwrap();
        }
        for bad in [0o644, 0o640, 0o604] {
            std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(bad)).unwrap();
            let refused = check_secret(&secret).unwrap_err().to_string();
            assert!(refused.contains(&format!("can be read by other users (mode {bad:o})")), "{refused}");
            assert!(refused.contains(&format!("chmod 600 {}", secret.display())), "{refused}");
            check_own(&secret).unwrap();
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
