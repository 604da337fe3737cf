//! The embedded default store: SQLite in WAL mode with `synchronous=FULL`, so a commit has
//! reached the disk (the WAL is fsync'd) before it returns. A batch is one transaction, which is
//! how several writers' leader-sets share one fsync (group commit, see `controller::writer`).

use std::path::Path;

use anyhow::Context;
use rusqlite::{params, Connection};

use super::{Bucket, Snapshot, Store, StoredLease, Write};
use leaderd_core::model::Change;

pub struct SqliteStore {
    conn: Connection,
    path: String,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS leases (
    app    TEXT PRIMARY KEY,
    holder TEXT,
    term   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS buckets (
    app     TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    app   TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (app, key)
);
CREATE TABLE IF NOT EXISTS app_config (
    app     TEXT PRIMARY KEY,
    config  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS unit_status (
    unit    TEXT PRIMARY KEY,
    status  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS app_status (
    app     TEXT PRIMARY KEY,
    status  TEXT NOT NULL
);
-- One row per key of a relation bag: a unit's (owner = the unit) or the application's
-- (owner = '').
CREATE TABLE IF NOT EXISTS relation_settings (
    app         TEXT NOT NULL,
    relation_id INTEGER NOT NULL,
    owner       TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (app, relation_id, owner, key)
);
-- The units in each relation's scope.
CREATE TABLE IF NOT EXISTS relation_scope (
    app         TEXT NOT NULL,
    relation_id INTEGER NOT NULL,
    unit        TEXT NOT NULL,
    PRIMARY KEY (app, relation_id, unit)
);
-- Every unit the operator removed (app/N): a tombstone, never deleted (unit numbers are never
-- reused), so a removed unit's token stays refused across restarts.
CREATE TABLE IF NOT EXISTS removed_units (
    unit    TEXT PRIMARY KEY
);
";

/// Rows of `(name, JSON text)` from `table`, decoded.
fn json_rows<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    table: &str,
) -> anyhow::Result<std::collections::HashMap<String, T>> {
    let mut rows = conn.prepare(&format!("SELECT * FROM {table}"))?;
    let mut out = std::collections::HashMap::new();
    for row in rows.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (name, text) = row?;
        let value = serde_json::from_str(&text).with_context(|| format!("{table} row {name:?} is corrupt"))?;
        out.insert(name, value);
    }
    Ok(out)
}

impl SqliteStore {
    pub fn open(path: &Path) -> anyhow::Result<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            leaderd_sys::private::create_dir(dir)?;
        }
        // The settings are the charms' secrets: the database is the owner's only. SQLite creates
        // its WAL and SHM files with the database file's mode, so they follow; a database (or
        // WAL, SHM) left wider by an earlier version is narrowed.
        {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("creating {}", path.display()))?;
        }
        leaderd_sys::private::restrict(path, 0o600)?;
        let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        anyhow::ensure!(mode.eq_ignore_ascii_case("wal"), "{} cannot use WAL mode (got {mode})", path.display());
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            let side = std::path::PathBuf::from(side);
            if side.exists() {
                leaderd_sys::private::restrict(&side, 0o600)?;
            }
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        conn.execute_batch(SCHEMA).context("creating the schema")?;
        Ok(SqliteStore { conn, path: path.display().to_string() })
    }
}

impl Store for SqliteStore {
    fn load(&mut self) -> anyhow::Result<Snapshot> {
        let mut snapshot = Snapshot::default();
        let mut leases = self.conn.prepare("SELECT app, holder, term FROM leases")?;
        for row in leases.query_map([], |r| {
            Ok(StoredLease { app: r.get(0)?, holder: r.get(1)?, term: r.get::<_, i64>(2)? as u64 })
        })? {
            snapshot.leases.push(row?);
        }
        let mut buckets = self.conn.prepare("SELECT app, version FROM buckets")?;
        for row in buckets.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (app, version) = row?;
            snapshot.buckets.insert(app, Bucket { settings: Default::default(), version: version as u64 });
        }
        let mut settings = self.conn.prepare("SELECT app, key, value FROM settings")?;
        for row in settings.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))? {
            let (app, key, value) = row?;
            snapshot.buckets.entry(app).or_default().settings.insert(key, value);
        }
        snapshot.configs = json_rows(&self.conn, "app_config")?;
        snapshot.unit_statuses = json_rows(&self.conn, "unit_status")?;
        snapshot.app_statuses = json_rows(&self.conn, "app_status")?;
        let mut bags = self.conn.prepare("SELECT app, relation_id, owner, key, value FROM relation_settings")?;
        for row in bags.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?))
        })? {
            let (app, id, owner, key, value): (String, i64, String, String, String) = row?;
            let relation = snapshot.relations.entry(app).or_default().entry(id as u64).or_default();
            let bag = if owner.is_empty() { &mut relation.app } else { relation.units.entry(owner).or_default() };
            bag.insert(key, value);
        }
        let mut scope = self.conn.prepare("SELECT app, relation_id, unit FROM relation_scope ORDER BY unit")?;
        for row in scope.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))? {
            let (app, id, unit) = row?;
            snapshot.relations.entry(app).or_default().entry(id as u64).or_default().members.push(unit);
        }
        let mut removed = self.conn.prepare("SELECT unit FROM removed_units")?;
        for row in removed.query_map([], |r| r.get::<_, String>(0))? {
            snapshot.removed.insert(row?);
        }
        Ok(snapshot)
    }

    fn commit(&mut self, batch: &[Write]) -> anyhow::Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut put_lease = tx.prepare_cached(
                "INSERT INTO leases (app, holder, term) VALUES (?1, ?2, ?3)
                 ON CONFLICT(app) DO UPDATE SET holder = excluded.holder, term = excluded.term",
            )?;
            let mut put = tx.prepare_cached(
                "INSERT INTO settings (app, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT(app, key) DO UPDATE SET value = excluded.value",
            )?;
            let mut delete = tx.prepare_cached("DELETE FROM settings WHERE app = ?1 AND key = ?2")?;
            let mut version = tx.prepare_cached(
                "INSERT INTO buckets (app, version) VALUES (?1, ?2)
                 ON CONFLICT(app) DO UPDATE SET version = excluded.version",
            )?;
            let mut put_config = tx.prepare_cached(
                "INSERT INTO app_config (app, config) VALUES (?1, ?2)
                 ON CONFLICT(app) DO UPDATE SET config = excluded.config",
            )?;
            let mut put_unit_status = tx.prepare_cached(
                "INSERT INTO unit_status (unit, status) VALUES (?1, ?2)
                 ON CONFLICT(unit) DO UPDATE SET status = excluded.status",
            )?;
            let mut forget_unit = tx.prepare_cached("DELETE FROM unit_status WHERE unit = ?1")?;
            let mut tombstone =
                tx.prepare_cached("INSERT INTO removed_units (unit) VALUES (?1) ON CONFLICT DO NOTHING")?;
            let mut put_app_status = tx.prepare_cached(
                "INSERT INTO app_status (app, status) VALUES (?1, ?2)
                 ON CONFLICT(app) DO UPDATE SET status = excluded.status",
            )?;
            let mut put_bag = tx.prepare_cached(
                "INSERT INTO relation_settings (app, relation_id, owner, key, value) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(app, relation_id, owner, key) DO UPDATE SET value = excluded.value",
            )?;
            let mut delete_bag = tx.prepare_cached(
                "DELETE FROM relation_settings WHERE app = ?1 AND relation_id = ?2 AND owner = ?3 AND key = ?4",
            )?;
            let mut enter = tx.prepare_cached(
                "INSERT INTO relation_scope (app, relation_id, unit) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )?;
            let mut leave =
                tx.prepare_cached("DELETE FROM relation_scope WHERE app = ?1 AND relation_id = ?2 AND unit = ?3")?;
            for write in batch {
                match write {
                    Write::Config { app, config } => {
                        put_config.execute(params![app, serde_json::to_string(config)?])?;
                    }
                    Write::UnitStatus { unit, status } => {
                        put_unit_status.execute(params![unit, serde_json::to_string(status)?])?;
                    }
                    Write::ForgetUnit { unit } => {
                        forget_unit.execute(params![unit])?;
                        tombstone.execute(params![unit])?;
                    }
                    Write::AppStatus { app, status } => {
                        put_app_status.execute(params![app, serde_json::to_string(status)?])?;
                    }
                    Write::Lease(l) => {
                        put_lease.execute(params![l.app, l.holder, l.term as i64])?;
                    }
                    Write::Settings { app, changes, version: v } => {
                        for (key, value) in changes {
                            match Change::of(value) {
                                Change::Delete => delete.execute(params![app, key])?,
                                Change::Set(value) => put.execute(params![app, key, value])?,
                            };
                        }
                        version.execute(params![app, *v as i64])?;
                    }
                    Write::RelationSettings { app, relation_id, owner, changes } => {
                        let owner = owner.as_deref().unwrap_or("");
                        for (key, value) in changes {
                            match Change::of(value) {
                                Change::Delete => delete_bag.execute(params![app, *relation_id as i64, owner, key])?,
                                Change::Set(value) => {
                                    put_bag.execute(params![app, *relation_id as i64, owner, key, value])?
                                }
                            };
                        }
                    }
                    Write::RelationScope { app, relation_id, unit, member } => {
                        if *member {
                            enter.execute(params![app, *relation_id as i64, unit])?;
                        } else {
                            leave.execute(params![app, *relation_id as i64, unit])?;
                        }
                    }
                }
            }
        }
        tx.commit().context("committing")?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path)
    }
}
