//! Which charm a unit runs: the revision `leaderd up` deployed (0) or `leaderd refresh` moved
//! it to (1, 2, ...). Like Juju's charm deployer (`worker/uniter/charm/charm.go`, which writes
//! the charm URL to `.juju-charm` in the charm directory), the revision travels with the charm
//! files themselves: `.juju-charm` holds `local:<name>-<revision>`, written by `up` into the
//! charm it prepares, so a unit's copy says which charm it is, and an agent that swaps in a
//! new charm swaps its marker with it in the same step.
//!
//! Beside it, `.leaderd-manifest` lists the charm's own files, so a swap can tell them from the
//! files the unit's hooks made in the charm directory (ops's and charmhelpers' `.unit-state.db`
//! live there), which carry over to the new charm as Juju's manifest deployer
//! (`worker/uniter/charm/manifest_deployer.go`) leaves them in place.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The marker's file name in a charm directory (Juju's `charmURLPath`).
pub const MARKER: &str = ".juju-charm";

/// The marker's text: Juju's local charm URL, `local:<name>-<revision>`.
pub fn marker_text(name: &str, revision: u64) -> String {
    format!("local:{name}-{revision}\n")
}

/// The revision the marker in `dir` names; 0 (the deployed charm) when there is none, or it
/// names no revision (a charm directory given to `leaderd agent` by hand).
pub fn deployed_revision(dir: &Path) -> u64 {
    let Ok(text) = std::fs::read_to_string(dir.join(MARKER)) else { return 0 };
    text.trim().rsplit_once('-').and_then(|(_, revision)| revision.parse().ok()).unwrap_or(0)
}

/// The manifest's file name in a charm directory.
pub const MANIFEST: &str = ".leaderd-manifest";

/// Every file and symlink under `dir` (not the directories themselves), relative, sorted;
/// symlinks are not followed.
pub fn files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    fn walk(root: &Path, at: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(root.join(at))? {
            let entry = entry?;
            let path = at.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                walk(root, &path, out)?;
            } else {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, Path::new(""), &mut out)?;
    out.sort();
    Ok(out)
}

/// Writes the manifest of the charm in `dir`: its files, one per line.
pub fn write_manifest(dir: &Path) -> std::io::Result<()> {
    let mut text = String::new();
    for file in files(dir)? {
        if file != Path::new(MANIFEST) {
            text.push_str(&file.to_string_lossy());
            text.push('\n');
        }
    }
    std::fs::write(dir.join(MANIFEST), text)
}

/// The charm's own files as its manifest lists them; none without a manifest.
pub fn read_manifest(dir: &Path) -> Option<BTreeSet<PathBuf>> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    Some(text.lines().map(PathBuf::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_lists_the_charms_files_not_what_hooks_add_later() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("hooks")).unwrap();
        std::fs::write(dir.path().join("hooks/install"), "").unwrap();
        std::fs::write(dir.path().join("metadata.yaml"), "").unwrap();
        std::os::unix::fs::symlink("hooks/install", dir.path().join("dispatch")).unwrap();
        write_manifest(dir.path()).unwrap();
        std::fs::write(dir.path().join(".unit-state.db"), "").unwrap();
        let listed = read_manifest(dir.path()).unwrap();
        let want: BTreeSet<PathBuf> =
            ["dispatch", "hooks/install", "metadata.yaml"].iter().map(PathBuf::from).collect();
        assert_eq!(listed, want);
        assert_eq!(files(dir.path()).unwrap().len(), 5, "the manifest itself and the unit's file");
        assert_eq!(read_manifest(&dir.path().join("hooks")), None);
    }

    #[test]
    fn the_marker_names_the_revision() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(deployed_revision(dir.path()), 0, "no marker: the deployed charm");
        std::fs::write(dir.path().join(MARKER), marker_text("my-app", 12)).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join(MARKER)).unwrap(), "local:my-app-12\n");
        assert_eq!(deployed_revision(dir.path()), 12);
        std::fs::write(dir.path().join(MARKER), "cs:whatever").unwrap();
        assert_eq!(deployed_revision(dir.path()), 0);
    }
}
