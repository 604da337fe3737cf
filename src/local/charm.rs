//! The forms a charm comes in for `leaderd up --charm` and `leaderd refresh --path`, and how
//! each becomes the charm directory the units copy:
//!
//! - **A packed charm** (a `.charm` file: the zip `charmcraft pack` writes, with
//!   `metadata.yaml`, `config.yaml`, `actions.yaml`, `dispatch`, `src/`, `venv/` or `lib/`...)
//!   is unpacked, each file keeping the owner's bits of the mode in the zip's external
//!   attributes (so `dispatch` and `hooks/*` stay executable). An entry that would land outside
//!   the directory (an absolute path, a `..`, a symlink pointing out) refuses the whole archive.
//! - **An unpacked charm directory** (with `metadata.yaml`) is copied as it is.
//! - **A source directory with only `charmcraft.yaml`** is copied, and the files `charmcraft
//!   pack` would generate from `charmcraft.yaml` are written into the copy: `metadata.yaml` from
//!   its metadata keys, `config.yaml` from `config:`, `actions.yaml` from `actions:` (see
//!   [`split_charmcraft`]). Nothing is built: no `dispatch` is generated and no `venv/`
//!   installed, so such a directory runs only if it has its own `dispatch` or `hooks/`.
//!
//! Whatever its form, a charm with neither `dispatch` nor `hooks/` is refused: it would run no
//! hook at all.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use anyhow::Context;
use serde_yaml_ng::{Mapping, Value};

/// What `given` was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Packed,
    Directory,
    Source,
}

impl Form {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Form::Packed => "a packed charm",
            Form::Directory => "a charm directory",
            Form::Source => "a charmcraft.yaml source directory",
        }
    }
}

/// Refuses a state directory inside the charm directory `charm`: `up` and `refresh` copy the
/// charm into `<state>/charms/N`, so the copy would hold the state directory, which holds the
/// copy, ... (`cd mycharm && leaderd up --charm .` with the default `.leaderd`). Both paths are
/// compared with their symlinks resolved; a charm that does not exist, or is a `.charm` file,
/// is left to [`prepare`] to refuse or unpack.
pub(crate) fn check_state_outside(charm: &Path, state: &Path) -> anyhow::Result<()> {
    let Ok(charm_dir) = std::fs::canonicalize(charm) else { return Ok(()) };
    if !charm_dir.is_dir() {
        return Ok(());
    }
    // The state directory may not exist yet: its nearest existing ancestor is resolved and
    // the rest appended.
    let mut existing = state.to_path_buf();
    let mut rest = Vec::new();
    let resolved = loop {
        if let Ok(dir) = std::fs::canonicalize(&existing) {
            break dir;
        }
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return Ok(()),
        }
    };
    let state_dir = rest.into_iter().rev().fold(resolved, |dir, name| dir.join(name));
    anyhow::ensure!(
        !state_dir.starts_with(&charm_dir),
        "the state directory {} is inside the charm directory {}: each deployment copies the charm, which \
         would copy the state directory into itself. Give --state a directory outside the charm (the default \
         .leaderd is in the current directory: run leaderd from outside the charm, or set --state)",
        state.display(),
        charm.display()
    );
    Ok(())
}

/// Makes `dest` (replaced if it exists) the charm directory `given` stands for, marks it as
/// revision `revision` of the charm ([`leaderd_core::charm::MARKER`]) and lists its files
/// ([`leaderd_core::charm::MANIFEST`]). Answers the form
/// and the charm's name (none if its metadata.yaml has none). On an error nothing is left at
/// `dest`.
pub(crate) fn prepare(given: &Path, dest: &Path, revision: u64) -> anyhow::Result<(Form, Option<String>)> {
    let _ = std::fs::remove_dir_all(dest);
    let prepared = prepare_into(given, dest).and_then(|form| {
        anyhow::ensure!(dest.join("metadata.yaml").is_file(), "{} has no metadata.yaml", given.display());
        // juju/charm's ReadActionsYaml reads a charm's actions when the charm is read, so a
        // deploy or refresh with actions Juju could not read fails (and the running charm
        // stays as it was) rather than every `run` after it.
        if let Err(e) = leaderd_core::actions::read(dest) {
            let why = match e {
                leaderd_core::actions::ActionsError::Parse { error, .. } => error,
                e => e.to_string(),
            };
            anyhow::bail!("{}: actions.yaml: {why}", given.display());
        }
        let name = crate::local::up::charm_name(dest).ok();
        let marker = dest.join(leaderd_core::charm::MARKER);
        std::fs::write(&marker, leaderd_core::charm::marker_text(name.as_deref().unwrap_or("charm"), revision))
            .with_context(|| format!("writing {}", marker.display()))?;
        leaderd_core::charm::write_manifest(dest).with_context(|| format!("listing {}", dest.display()))?;
        Ok((form, name))
    });
    if prepared.is_err() {
        let _ = std::fs::remove_dir_all(dest);
    }
    prepared
}

/// The text of the `metadata.yaml` the charm `given` would have once prepared, read in place:
/// a directory's own, the one `charmcraft pack` would write from a `charmcraft.yaml`, or the
/// one inside a packed charm. None when there is none to read (`prepare` says why).
pub(crate) fn metadata_text(given: &Path) -> Option<String> {
    if given.is_file() {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(given).ok()?).ok()?;
        let mut entry = zip.by_name("metadata.yaml").ok()?;
        let mut text = String::new();
        entry.read_to_string(&mut text).ok()?;
        return Some(text);
    }
    if let Ok(text) = std::fs::read_to_string(given.join("metadata.yaml")) {
        return Some(text);
    }
    let text = std::fs::read_to_string(given.join("charmcraft.yaml")).ok()?;
    split_charmcraft(&text).ok().map(|split| split.metadata)
}

fn prepare_into(given: &Path, dest: &Path) -> anyhow::Result<Form> {
    let meta = std::fs::metadata(given).with_context(|| format!("no charm at {}", given.display()))?;
    let form = if meta.is_file() {
        unpack(given, dest)?;
        Form::Packed
    } else if given.join("metadata.yaml").exists() {
        leaderd_sys::private::copy_tree(given, dest)?;
        Form::Directory
    } else if given.join("charmcraft.yaml").exists() {
        let path = given.join("charmcraft.yaml");
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let split = split_charmcraft(&text).with_context(|| format!("reading {}", path.display()))?;
        for (file, part) in [("config.yaml", &split.config), ("actions.yaml", &split.actions)] {
            let key = file.trim_end_matches(".yaml");
            anyhow::ensure!(
                part.is_none() || !given.join(file).exists(),
                "{}: both charmcraft.yaml's {key}: and {file} define the charm's {key} (keep one)",
                given.display()
            );
        }
        leaderd_sys::private::copy_tree(given, dest)?;
        std::fs::write(dest.join("metadata.yaml"), &split.metadata)?;
        if let Some(config) = &split.config {
            std::fs::write(dest.join("config.yaml"), config)?;
        }
        if let Some(actions) = &split.actions {
            std::fs::write(dest.join("actions.yaml"), actions)?;
        }
        Form::Source
    } else {
        anyhow::bail!(
            "{} is not a charm: it has neither metadata.yaml nor charmcraft.yaml (give a charm directory, a \
             charmcraft.yaml source directory or a .charm file)",
            given.display()
        );
    };
    anyhow::ensure!(
        dest.join("dispatch").exists() || dest.join("hooks").is_dir(),
        "{} ({}) has neither dispatch nor hooks/: no hook would run. `charmcraft pack` adds dispatch to an ops \
         charm; give the .charm it builds, or add a dispatch script or hooks/",
        given.display(),
        form.name()
    );
    check_executable(given, dest, form)?;
    Ok(form)
}

/// Refuses a charm whose `dispatch` or a hook in `hooks/` has no execute bit, naming the file
/// in the charm as given and the fix: every unit runs its own copy, taken now, so a hook that
/// could not run would fail on every unit, and fixing the source afterwards would not reach
/// the copies. Only files named as hooks are checked: `hooks/` may hold a charm's libraries.
fn check_executable(given: &Path, dest: &Path, form: Form) -> anyhow::Result<()> {
    let mut files = vec![PathBuf::from("dispatch")];
    if let Ok(entries) = std::fs::read_dir(dest.join("hooks")) {
        let mut hooks: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_str().is_some_and(is_hook_name))
            .map(|e| Path::new("hooks").join(e.file_name()))
            .collect();
        hooks.sort();
        files.extend(hooks);
    }
    for file in files {
        // Followed through a symlink (charmhelpers' hooks link to one hooks.py).
        let Ok(meta) = std::fs::metadata(dest.join(&file)) else { continue };
        if !meta.is_file() || std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0 {
            continue;
        }
        match form {
            Form::Packed => anyhow::bail!(
                "{} in {} is not executable: no unit could run it. Make it executable in the charm's source \
                 (chmod +x {}) and pack the charm again",
                file.display(),
                given.display(),
                file.display()
            ),
            Form::Directory | Form::Source => {
                let source = given.join(&file);
                anyhow::bail!(
                    "{} is not executable: no unit could run it. Fix it with: chmod +x {}",
                    source.display(),
                    source.display()
                )
            }
        }
    }
    Ok(())
}

/// The hooks Juju runs by name (github.com/juju/charm/v12 `hooks/hooks.go`: the unit, leadership, secret and series
/// hooks, and the relation, storage, workload and Pebble ones by suffix).
fn is_hook_name(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "install",
        "start",
        "stop",
        "remove",
        "config-changed",
        "upgrade-charm",
        "update-status",
        "leader-elected",
        "leader-settings-changed",
        "leader-deposed",
        "collect-metrics",
        "meter-status-changed",
        "pre-series-upgrade",
        "post-series-upgrade",
        "secret-changed",
        "secret-expired",
        "secret-remove",
        "secret-rotate",
    ];
    const SUFFIXES: &[&str] = &[
        "-relation-created",
        "-relation-joined",
        "-relation-changed",
        "-relation-departed",
        "-relation-broken",
        "-storage-attached",
        "-storage-detaching",
        "-pebble-ready",
        "-pebble-custom-notice",
        "-pebble-check-failed",
        "-pebble-check-recovered",
    ];
    NAMES.contains(&name) || SUFFIXES.iter().any(|s| name.len() > s.len() && name.ends_with(s))
}

/// The files `charmcraft pack` writes from a `charmcraft.yaml` (charmcraft's `CharmMetadata.from_charm`,
/// `charmcraft/models/metadata.py`, and its config and actions models): YAML texts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Split {
    pub metadata: String,
    /// `config:` as it is (its `options:` mapping and all); none without the key.
    pub config: Option<String>,
    /// `actions:` as it is; none without the key.
    pub actions: Option<String>,
}

/// The keys of `charmcraft.yaml` that go to `metadata.yaml` unchanged (charmcraft's
/// `CHARM_METADATA_KEYS`, `charmcraft/const.py`, with `charm-user`); `title` becomes
/// `display-name` and `links` is flattened (below).
const METADATA_KEYS: &[&str] = &[
    "name",
    "summary",
    "description",
    "assumes",
    "charm-user",
    "containers",
    "devices",
    "extra-bindings",
    "peers",
    "provides",
    "requires",
    "resources",
    "storage",
    "subordinate",
    "terms",
];

/// Splits a `charmcraft.yaml` as `charmcraft pack` does: the metadata keys into
/// `metadata.yaml` (in the order they come; `extra_bindings` as `extra-bindings`, `title` as
/// `display-name`, `links:` flattened: `documentation` to `docs`, `contact` to `maintainers`
/// (a list), `issues`, `source` and `website` as they are), `config:` into `config.yaml` and
/// `actions:` into `actions.yaml`. The build keys (`type`, `bases`, `base`, `platforms`,
/// `parts`, `charmhub`...) go nowhere. A bundle, or a charm without a name, is refused.
pub(crate) fn split_charmcraft(text: &str) -> anyhow::Result<Split> {
    let doc: Value = serde_yaml_ng::from_str(text).context("not YAML")?;
    let Value::Mapping(doc) = doc else { anyhow::bail!("not a YAML mapping") };
    if let Some(kind) = doc.get("type").and_then(Value::as_str) {
        anyhow::ensure!(kind == "charm", "type {kind:?}: only a charm runs here");
    }
    anyhow::ensure!(doc.get("name").and_then(Value::as_str).is_some(), "no name: the charm's name is required");
    let mut metadata = Mapping::new();
    for (key, value) in &doc {
        let Some(key) = key.as_str() else { continue };
        match key {
            "extra_bindings" => {
                metadata.insert("extra-bindings".into(), value.clone());
            }
            "title" => {
                metadata.insert("display-name".into(), value.clone());
            }
            "links" => {
                let Value::Mapping(links) = value else { anyhow::bail!("links: not a mapping") };
                for (link, target) in links {
                    match link.as_str() {
                        Some("documentation") => metadata.insert("docs".into(), target.clone()),
                        Some("contact") => {
                            let contact = match target {
                                Value::String(_) => Value::Sequence(vec![target.clone()]),
                                other => other.clone(),
                            };
                            metadata.insert("maintainers".into(), contact)
                        }
                        _ => metadata.insert(link.clone(), target.clone()),
                    };
                }
            }
            key if METADATA_KEYS.contains(&key) => {
                metadata.insert(key.into(), value.clone());
            }
            _ => {}
        }
    }
    let part = |key: &str| doc.get(key).map(serde_yaml_ng::to_string).transpose();
    Ok(Split {
        metadata: serde_yaml_ng::to_string(&Value::Mapping(metadata))?,
        config: part("config")?,
        actions: part("actions")?,
    })
}

/// Unpacks the zip at `archive` into `dest` (created 0700). Every entry is checked before it
/// is written, and a bad one refuses the archive (the caller removes what was written).
fn unpack(archive: &Path, dest: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let shown = archive.display();
    let file = std::fs::File::open(archive).with_context(|| format!("opening {shown}"))?;
    let mut zip = zip::ZipArchive::new(file)
        .with_context(|| format!("{shown} is not a packed charm (a zip, as `charmcraft pack` writes)"))?;
    leaderd_sys::private::create_state_dir(dest)?;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).with_context(|| format!("reading {shown}"))?;
        let name = entry.name().to_string();
        let refuse = |why: &str| anyhow::anyhow!("{shown}: refusing the entry {name:?}: {why} (unpacked nothing)");
        let relative = entry_path(&name).map_err(refuse)?;
        let out = dest.join(&relative);
        if entry.is_dir() {
            leaderd_sys::private::create_dir(&out)?;
            continue;
        }
        if let Some(parent) = out.parent() {
            leaderd_sys::private::create_dir(parent)?;
        }
        if entry.is_symlink() {
            let mut target = String::new();
            entry.read_to_string(&mut target).with_context(|| format!("reading {name:?} in {shown}"))?;
            link_stays_inside(&relative, &target).map_err(|why| refuse(&why))?;
            std::os::unix::fs::symlink(&target, &out).with_context(|| format!("unpacking {name:?}"))?;
            continue;
        }
        // The owner's bits of the zip's mode (charmcraft keeps dispatch's and the hooks' x
        // bit there), read and write at least; the state directory keeps it private anyway.
        let mode = entry.unix_mode().map_or(0o600, |mode| mode & 0o700 | 0o600);
        // `create_new`: an entry named twice, or one over a symlink unpacked before it, is
        // refused rather than followed.
        let mut written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&out)
            .with_context(|| format!("{shown}: unpacking {name:?}"))?;
        std::io::copy(&mut entry, &mut written).with_context(|| format!("{shown}: unpacking {name:?}"))?;
    }
    Ok(())
}

/// The path of a zip entry inside the charm: relative, no `..` anywhere (charmcraft writes
/// none), `.` dropped.
fn entry_path(name: &str) -> Result<PathBuf, &'static str> {
    let mut path = PathBuf::new();
    for part in Path::new(name).components() {
        match part {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err("its path climbs out with \"..\""),
            Component::RootDir | Component::Prefix(_) => return Err("its path is absolute"),
        }
    }
    if path.as_os_str().is_empty() {
        return Err("it names no file");
    }
    Ok(path)
}

/// A symlink at `at` (inside the charm) to `target` must resolve inside the charm, read
/// lexically: a relative target whose `..`s never climb above the charm's root.
fn link_stays_inside(at: &Path, target: &str) -> Result<(), String> {
    let target_path = Path::new(target);
    if target_path.is_absolute() {
        return Err(format!("it is a symlink to the absolute path {target:?}"));
    }
    let mut depth = at.components().count() as i64 - 1;
    for part in target_path.components() {
        match part {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return Err(format!("it is a symlink to {target:?}, outside the charm"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn charmcraft_yaml_splits_as_charmcraft_pack_writes_it() {
        let text = "\
name: my-charm
type: charm
title: My Charm
summary: A charm.
description: |
  Longer.
links:
  documentation: https://example.com/docs
  contact: Someone <someone@example.com>
  issues: https://example.com/issues
bases:
  - build-on: [{name: ubuntu, channel: '22.04'}]
parts:
  charm: {plugin: charm}
peers:
  cluster:
    interface: my-cluster
requires:
  db: {interface: pgsql}
extra_bindings:
  public: null
config:
  options:
    port:
      type: int
      default: 8080
actions:
  backup:
    description: Back up.
";
        let split = split_charmcraft(text).unwrap();
        assert_eq!(
            split.metadata,
            "\
name: my-charm
display-name: My Charm
summary: A charm.
description: |
  Longer.
docs: https://example.com/docs
maintainers:
- Someone <someone@example.com>
issues: https://example.com/issues
peers:
  cluster:
    interface: my-cluster
requires:
  db:
    interface: pgsql
extra-bindings:
  public: null
"
        );
        assert_eq!(split.config.as_deref(), Some("options:\n  port:\n    type: int\n    default: 8080\n"));
        assert_eq!(split.actions.as_deref(), Some("backup:\n  description: Back up.\n"));
        // What the rest of leaderd reads from the split files.
        let options = leaderd_core::charm_config::options(split.config.as_deref().unwrap()).unwrap();
        assert_eq!(options["port"].kind, "int");
        let actions = leaderd_core::actions::parse(split.actions.as_deref().unwrap()).unwrap();
        assert!(actions.contains_key("backup"));

        let bare = split_charmcraft("name: x\ntype: charm\n").unwrap();
        assert_eq!((bare.metadata.as_str(), bare.config, bare.actions), ("name: x\n", None, None));
        for (bad, why) in [
            ("type: charm\nsummary: s\n", "no name: the charm's name is required"),
            ("name: b\ntype: bundle\n", "type \"bundle\": only a charm runs here"),
            ("- a\n", "not a YAML mapping"),
        ] {
            assert_eq!(split_charmcraft(bad).unwrap_err().to_string(), why);
        }
    }

    /// A zip at `path` with `entries`: (name, mode, contents), a mode with S_IFLNK making a
    /// symlink to the contents.
    fn zip_file(path: &Path, entries: &[(&str, u32, &str)]) {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        for &(name, mode, contents) in entries {
            let options = zip::write::SimpleFileOptions::default().unix_permissions(mode & 0o777);
            if mode & 0o170000 == 0o120000 {
                zip.add_symlink(name, contents, options).unwrap();
            } else {
                zip.start_file(name, options).unwrap();
                zip.write_all(contents.as_bytes()).unwrap();
            }
        }
        zip.finish().unwrap();
    }

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// `up --resource` checks the names against the metadata of a charm in any form (a
    /// `charmcraft.yaml` source's `resources:` once split; a packed charm's own metadata.yaml).
    #[test]
    fn the_metadata_is_read_in_place_from_every_form() {
        let dir = tempfile::tempdir().unwrap();
        let resources = "name: r\nresources:\n  f:\n    type: file\n    filename: f.txt\n";
        let source = dir.path().join("source");
        std::fs::create_dir(&source).unwrap();
        std::fs::write(source.join("charmcraft.yaml"), format!("type: charm\n{resources}")).unwrap();
        let packed = dir.path().join("r.charm");
        zip_file(&packed, &[("metadata.yaml", 0o644, resources)]);
        let plain = dir.path().join("plain");
        std::fs::create_dir(&plain).unwrap();
        std::fs::write(plain.join("metadata.yaml"), resources).unwrap();
        for charm in [&source, &packed, &plain] {
            let meta: Value = serde_yaml_ng::from_str(&metadata_text(charm).unwrap()).unwrap();
            assert_eq!(meta["resources"]["f"]["filename"], "f.txt", "{}", charm.display());
        }
        assert_eq!(metadata_text(&dir.path().join("none")), None);
    }

    #[test]
    fn a_packed_charm_unpacks_with_its_executable_bits_and_is_marked() {
        let dir = tempfile::tempdir().unwrap();
        let packed = dir.path().join("my-charm_ubuntu-22.04-amd64.charm");
        zip_file(
            &packed,
            &[
                ("metadata.yaml", 0o644, "name: my-charm\n"),
                ("config.yaml", 0o644, "options: {}\n"),
                ("dispatch", 0o755, "#!/bin/sh\nexec ./src/charm.py\n"),
                ("src/charm.py", 0o755, "#!/usr/bin/env python3\n"),
                ("venv/ops/__init__.py", 0o644, ""),
                ("lib/current", 0o120777, "../venv"),
            ],
        );
        let dest = dir.path().join("charms/0");
        assert_eq!(prepare(&packed, &dest, 0).unwrap(), (Form::Packed, Some("my-charm".to_string())));
        assert_eq!(mode(&dest.join("dispatch")), 0o700);
        assert_eq!(mode(&dest.join("src/charm.py")), 0o700);
        assert_eq!(mode(&dest.join("metadata.yaml")), 0o600);
        assert_eq!(std::fs::read_to_string(dest.join("venv/ops/__init__.py")).unwrap(), "");
        assert_eq!(std::fs::read_link(dest.join("lib/current")).unwrap(), Path::new("../venv"));
        assert_eq!(leaderd_core::charm::deployed_revision(&dest), 0);
        assert_eq!(std::fs::read_to_string(dest.join(".juju-charm")).unwrap(), "local:my-charm-0\n");
    }

    #[test]
    fn a_zip_whose_entries_would_land_outside_the_charm_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let base = [("metadata.yaml", 0o644, "name: x\n"), ("dispatch", 0o755, "#!/bin/sh\n")];
        let cases: &[((&str, u32, &str), &str)] = &[
            (("../evil", 0o644, "x"), "its path climbs out with \"..\""),
            (("hooks/../../evil", 0o644, "x"), "its path climbs out with \"..\""),
            (("/tmp/evil", 0o644, "x"), "its path is absolute"),
            (("escape", 0o120777, "/etc"), "it is a symlink to the absolute path \"/etc\""),
            (("hooks/escape", 0o120777, "../../.."), "it is a symlink to \"../../..\", outside the charm"),
            (("up", 0o120777, "a/../../b"), "it is a symlink to \"a/../../b\", outside the charm"),
        ];
        for (bad, why) in cases {
            let packed = dir.path().join("bad.charm");
            let mut entries = base.to_vec();
            entries.push(*bad);
            zip_file(&packed, &entries);
            let dest = dir.path().join("out/charm");
            let err = prepare(&packed, &dest, 0).unwrap_err().to_string();
            assert_eq!(
                err,
                format!("{}: refusing the entry {:?}: {why} (unpacked nothing)", packed.display(), bad.0),
                "{bad:?}"
            );
            assert!(!dest.exists(), "{bad:?}: nothing is left");
            assert!(!dir.path().join("evil").exists() && !Path::new("/tmp/evil").exists());
        }
        let not_zip = dir.path().join("not.charm");
        std::fs::write(&not_zip, "hello").unwrap();
        let err = prepare(&not_zip, &dir.path().join("out/charm"), 0).unwrap_err().to_string();
        assert_eq!(err, format!("{} is not a packed charm (a zip, as `charmcraft pack` writes)", not_zip.display()));
    }

    #[test]
    fn a_source_directory_gets_the_files_charmcraft_would_write_and_a_charm_without_hooks_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("src-charm");
        std::fs::create_dir_all(source.join("hooks")).unwrap();
        std::fs::write(
            source.join("charmcraft.yaml"),
            "name: shell\ntype: charm\nsummary: s\nconfig:\n  options:\n    a: {type: string, default: x}\n",
        )
        .unwrap();
        std::fs::write(source.join("hooks/install"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(source.join("hooks/install"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let dest = dir.path().join("charms/1");
        assert_eq!(prepare(&source, &dest, 1).unwrap(), (Form::Source, Some("shell".to_string())));
        assert_eq!(std::fs::read_to_string(dest.join("metadata.yaml")).unwrap(), "name: shell\nsummary: s\n");
        assert!(std::fs::read_to_string(dest.join("config.yaml")).unwrap().contains("default: x"));
        assert!(!dest.join("actions.yaml").exists());
        assert!(!source.join("metadata.yaml").exists(), "the source is not written to");
        assert_eq!(leaderd_core::charm::deployed_revision(&dest), 1);

        std::fs::write(source.join("config.yaml"), "options: {}\n").unwrap();
        let err = prepare(&source, &dest, 1).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "{}: both charmcraft.yaml's config: and config.yaml define the charm's config (keep one)",
                source.display()
            )
        );
        std::fs::remove_file(source.join("config.yaml")).unwrap();

        std::fs::remove_dir_all(source.join("hooks")).unwrap();
        let err = prepare(&source, &dest, 1).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "{} (a charmcraft.yaml source directory) has neither dispatch nor hooks/: no hook would run. \
                 `charmcraft pack` adds dispatch to an ops charm; give the .charm it builds, or add a dispatch \
                 script or hooks/",
                source.display()
            )
        );
        assert!(!dest.exists());
        let err = prepare(&dir.path().join("nothing"), &dest, 0).unwrap_err().to_string();
        assert_eq!(err, format!("no charm at {}", dir.path().join("nothing").display()));
        let err = prepare(dir.path(), &dest, 0).unwrap_err().to_string();
        assert!(err.ends_with("is not a charm: it has neither metadata.yaml nor charmcraft.yaml (give a charm directory, a charmcraft.yaml source directory or a .charm file)"), "{err}");
    }

    #[test]
    fn a_charm_whose_actions_juju_could_not_read_is_refused_and_leaves_nothing() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("charm");
        std::fs::create_dir_all(&source).unwrap();
        std::fs::write(source.join("metadata.yaml"), "name: act\n").unwrap();
        std::fs::write(source.join("dispatch"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(source.join("dispatch"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let dest = dir.path().join("charms/2");
        for (actions, why) in [
            ("Bad_Name:\n  description: x\n", "bad action name Bad_Name"),
            (
                "echo:\n  params:\n    n:\n      type: integerx\n",
                "invalid params schema for action schema echo: integerx is not a valid type",
            ),
        ] {
            std::fs::write(source.join("actions.yaml"), actions).unwrap();
            let err = prepare(&source, &dest, 2).unwrap_err().to_string();
            assert_eq!(err, format!("{}: actions.yaml: {why}", source.display()));
            assert!(!dest.exists());
        }
        std::fs::write(source.join("actions.yaml"), "echo:\n  description: x\n").unwrap();
        assert!(prepare(&source, &dest, 2).is_ok());
    }

    #[test]
    fn a_hook_without_its_execute_bit_is_refused_with_its_source_path_and_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let charm = dir.path().join("mycharm");
        std::fs::create_dir_all(charm.join("hooks/lib")).unwrap();
        std::fs::write(charm.join("metadata.yaml"), "name: mycharm\nrequires:\n  db: {interface: pg}\n").unwrap();
        for (file, mode) in [("hooks/install", 0o755), ("hooks/db-relation-joined", 0o644), ("hooks/common.sh", 0o644)]
        {
            std::fs::write(charm.join(file), "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(charm.join(file), std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let dest = dir.path().join("dest");
        let err = prepare(&charm, &dest, 0).unwrap_err().to_string();
        let hook = charm.join("hooks/db-relation-joined");
        assert_eq!(
            err,
            format!(
                "{} is not executable: no unit could run it. Fix it with: chmod +x {}",
                hook.display(),
                hook.display()
            )
        );
        assert!(!dest.exists());
        // A library beside the hooks needs no execute bit.
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
        prepare(&charm, &dest, 0).unwrap();
        // A dispatch, likewise; in a .charm, the fix is in the source and a new pack.
        std::fs::write(charm.join("dispatch"), "#!/bin/sh\n").unwrap();
        let err = prepare(&charm, &dest, 0).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{} is not executable", charm.join("dispatch").display())), "{err}");
        let packed = dir.path().join("c.charm");
        zip_file(&packed, &[("metadata.yaml", 0o644, "name: c\n"), ("dispatch", 0o644, "#!/bin/sh\n")]);
        let err = prepare(&packed, &dest, 0).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "dispatch in {} is not executable: no unit could run it. Make it executable in the charm's source \
                 (chmod +x dispatch) and pack the charm again",
                packed.display()
            )
        );
    }

    #[test]
    fn a_state_directory_inside_the_charm_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let charm = dir.path().join("mycharm");
        std::fs::create_dir_all(charm.join("hooks")).unwrap();
        std::fs::write(charm.join("metadata.yaml"), "name: mycharm\n").unwrap();
        for state in [charm.join(".leaderd"), charm.join("hooks/../deep/er/state"), charm.clone()] {
            let err = check_state_outside(&charm, &state).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("the state directory {} is inside the charm directory", state.display())),
                "{err}"
            );
            assert!(err.contains("Give --state a directory outside the charm"), "{err}");
        }
        // Through a symlink to the charm, too.
        std::os::unix::fs::symlink(&charm, dir.path().join("link")).unwrap();
        assert!(check_state_outside(&dir.path().join("link"), &charm.join(".leaderd")).is_err());
        assert!(check_state_outside(&charm, &dir.path().join("link/.leaderd")).is_err());
        // Beside the charm, or a charm that is missing: fine here.
        check_state_outside(&charm, &dir.path().join(".leaderd")).unwrap();
        // A sibling whose name starts with the charm's is not inside it.
        std::fs::create_dir(dir.path().join("mycharm-2")).unwrap();
        check_state_outside(&charm, &dir.path().join("mycharm-2/.leaderd")).unwrap();
        check_state_outside(&dir.path().join("missing"), &dir.path().join("missing/.leaderd")).unwrap();
    }
}
