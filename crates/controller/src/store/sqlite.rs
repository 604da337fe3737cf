//! The embedded default store: SQLite in WAL mode with `synchronous=FULL`, so a commit has
//! reached the disk (the WAL is fsync'd) before it returns. A batch is one transaction, which is
//! how several writers' leader-sets share one fsync (group commit, see `controller::writer`).
//!
//! The schema version is SQLite's `PRAGMA user_version` (0, as the releases before versions
//! left it, reads as version 1: the same tables); configs and statuses are JSON text of the
//! store's records.

use std::path::Path;

use anyhow::Context;
use rusqlite::{params, Connection};

use super::{check_schema, Bucket, CommitError, SchemaError, Snapshot, Store, StoredLease, Write, SCHEMA_VERSION};
use leaderd_core::model::Change;

pub struct SqliteStore {
    conn: Connection,
    path: String,
}

/// The tables of the schema (created if missing: a new database, or one an older release made
/// before a table was added, which is how version 1 migrates to 2).
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
-- Schema version 2: every secret, whole, as JSON (its revisions' content included).
CREATE TABLE IF NOT EXISTS secrets (
    id      TEXT PRIMARY KEY,
    record  TEXT NOT NULL
);
-- Schema version 2: each unit's opened port ranges (open-port), by endpoint, as JSON
-- (each endpoint, the empty one for all, with its ranges as text: 80/tcp, icmp); a unit with
-- none has no row.
CREATE TABLE IF NOT EXISTS unit_ports (
    unit    TEXT PRIMARY KEY,
    ports   TEXT NOT NULL
);
-- Schema version 2: every task of every operation (`leaderd run`), as JSON.
CREATE TABLE IF NOT EXISTS tasks (
    id      INTEGER PRIMARY KEY,
    record  TEXT NOT NULL
);
-- Schema version 2: each unit's charm state (state-set), its whole map as JSON; no row for an
-- empty state.
CREATE TABLE IF NOT EXISTS unit_states (
    unit    TEXT PRIMARY KEY,
    state   TEXT NOT NULL
);
-- Schema version 2: each unit's storage instances (ids and kinds, in the order they were
-- added) as JSON; a unit with none has no row.
CREATE TABLE IF NOT EXISTS unit_storage (
    unit    TEXT PRIMARY KEY,
    storage TEXT NOT NULL
);
-- Schema version 2: each application's next storage instance number, as JSON (it only moves
-- on: no storage id is used twice).
CREATE TABLE IF NOT EXISTS storage_sequences (
    app     TEXT PRIMARY KEY,
    next    TEXT NOT NULL
);
-- Schema version 2: each unit's payloads (payload-register), by class, as JSON; no row for a
-- unit with none.
CREATE TABLE IF NOT EXISTS unit_payloads (
    unit     TEXT PRIMARY KEY,
    payloads TEXT NOT NULL
);
-- Schema version 2: every relation's record (key, endpoints, life), as JSON, by its id; its
-- scope and bags are in relation_scope and relation_settings.
CREATE TABLE IF NOT EXISTS relations (
    id      INTEGER PRIMARY KEY,
    record  TEXT NOT NULL
);
-- Schema version 2: the model's sequences, as JSON (`relation`: the next relation id; it only
-- moves on, so no relation id is used twice).
CREATE TABLE IF NOT EXISTS sequences (
    name    TEXT PRIMARY KEY,
    next    TEXT NOT NULL
);
-- Schema version 2: each unit's agent status (juju-status: allocating, executing, idle,
-- error), as JSON.
CREATE TABLE IF NOT EXISTS unit_agent_status (
    unit    TEXT PRIMARY KEY,
    status  TEXT NOT NULL
);
-- Schema version 2: the model's config (the values an operator set, and their version), as
-- JSON, in one row named 'model'.
CREATE TABLE IF NOT EXISTS model_config (
    name    TEXT PRIMARY KEY,
    config  TEXT NOT NULL
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

/// Reads and checks the database's schema version; answers whether it needs stamping.
fn schema_version(conn: &Connection, path: &Path) -> anyhow::Result<bool> {
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .with_context(|| format!("reading the schema version of {}", path.display()))?;
    let store = format!("the database {}", path.display());
    let found = match u64::try_from(found) {
        Ok(0) => None,
        Ok(version) => Some(version),
        Err(_) => return Err(SchemaError::Unreadable { store, found: found.to_string() }.into()),
    };
    Ok(check_schema(&store, found)?)
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
        let mut conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        // Before anything writes to it (WAL mode, tables): a newer release's database is left
        // as it is.
        schema_version(&conn, path)?;
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
        // Checked again under the write lock, then migrated and stamped in one transaction.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let stamp = schema_version(&tx, path)?;
        // Versions 0 (unversioned) and 1 have the same tables; version 2 adds `secrets`, `tasks`
        // and `unit_states`, which creating the schema adds. A later version's migration from
        // each earlier one goes here.
        tx.execute_batch(SCHEMA).context("creating the schema")?;
        if stamp {
            tx.pragma_update(None, "user_version", SCHEMA_VERSION as i64).context("stamping the schema version")?;
        }
        tx.commit().context("creating the schema")?;
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
        snapshot.secrets = json_rows(&self.conn, "secrets")?;
        snapshot.unit_states = json_rows(&self.conn, "unit_states")?;
        snapshot.unit_ports = json_rows(&self.conn, "unit_ports")?;
        snapshot.unit_storage = json_rows(&self.conn, "unit_storage")?;
        snapshot.storage_sequences = json_rows(&self.conn, "storage_sequences")?;
        snapshot.unit_payloads = json_rows(&self.conn, "unit_payloads")?;
        snapshot.agent_statuses = json_rows(&self.conn, "unit_agent_status")?;
        snapshot.model_config = json_rows(&self.conn, "model_config")?.remove("model");
        let mut tasks = self.conn.prepare("SELECT id, record FROM tasks")?;
        for row in tasks.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, text) = row?;
            let record = serde_json::from_str(&text).with_context(|| format!("tasks row {id} is corrupt"))?;
            snapshot.tasks.insert(id as u64, record);
        }
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
        let mut defs = self.conn.prepare("SELECT id, record FROM relations")?;
        for row in defs.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, text) = row?;
            let record = serde_json::from_str(&text).with_context(|| format!("relations row {id} is corrupt"))?;
            snapshot.relation_defs.insert(id as u64, record);
        }
        let sequences: std::collections::HashMap<String, u64> = json_rows(&self.conn, "sequences")?;
        snapshot.relation_sequence = sequences.get("relation").copied();
        let mut removed = self.conn.prepare("SELECT unit FROM removed_units")?;
        for row in removed.query_map([], |r| r.get::<_, String>(0))? {
            snapshot.removed.insert(row?);
        }
        Ok(snapshot)
    }

    fn commit(&mut self, batch: &[Write]) -> Result<(), CommitError> {
        self.write_batch(batch).map_err(CommitError::Failed)
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path)
    }
}

impl SqliteStore {
    /// One batch in one transaction, all or nothing.
    fn write_batch(&mut self, batch: &[Write]) -> anyhow::Result<()> {
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
            let mut put_unit_state = tx.prepare_cached(
                "INSERT INTO unit_states (unit, state) VALUES (?1, ?2)
                 ON CONFLICT(unit) DO UPDATE SET state = excluded.state",
            )?;
            let mut forget_unit_state = tx.prepare_cached("DELETE FROM unit_states WHERE unit = ?1")?;
            let mut put_ports = tx.prepare_cached(
                "INSERT INTO unit_ports (unit, ports) VALUES (?1, ?2)
                 ON CONFLICT(unit) DO UPDATE SET ports = excluded.ports",
            )?;
            let mut delete_ports = tx.prepare_cached("DELETE FROM unit_ports WHERE unit = ?1")?;
            let mut put_storage = tx.prepare_cached(
                "INSERT INTO unit_storage (unit, storage) VALUES (?1, ?2)
                 ON CONFLICT(unit) DO UPDATE SET storage = excluded.storage",
            )?;
            let mut delete_storage = tx.prepare_cached("DELETE FROM unit_storage WHERE unit = ?1")?;
            let mut put_sequence = tx.prepare_cached(
                "INSERT INTO storage_sequences (app, next) VALUES (?1, ?2)
                 ON CONFLICT(app) DO UPDATE SET next = excluded.next",
            )?;
            let mut put_payloads = tx.prepare_cached(
                "INSERT INTO unit_payloads (unit, payloads) VALUES (?1, ?2)
                 ON CONFLICT(unit) DO UPDATE SET payloads = excluded.payloads",
            )?;
            let mut delete_payloads = tx.prepare_cached("DELETE FROM unit_payloads WHERE unit = ?1")?;
            let mut put_agent_status = tx.prepare_cached(
                "INSERT INTO unit_agent_status (unit, status) VALUES (?1, ?2)
                 ON CONFLICT(unit) DO UPDATE SET status = excluded.status",
            )?;
            let mut delete_agent_status = tx.prepare_cached("DELETE FROM unit_agent_status WHERE unit = ?1")?;
            let mut put_model_config = tx.prepare_cached(
                "INSERT INTO model_config (name, config) VALUES ('model', ?1)
                 ON CONFLICT(name) DO UPDATE SET config = excluded.config",
            )?;
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
            let mut put_def = tx.prepare_cached(
                "INSERT INTO relations (id, record) VALUES (?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET record = excluded.record",
            )?;
            let mut delete_def = tx.prepare_cached("DELETE FROM relations WHERE id = ?1")?;
            let mut delete_def_bags = tx.prepare_cached("DELETE FROM relation_settings WHERE relation_id = ?1")?;
            let mut delete_def_scope = tx.prepare_cached("DELETE FROM relation_scope WHERE relation_id = ?1")?;
            let mut put_model_sequence = tx.prepare_cached(
                "INSERT INTO sequences (name, next) VALUES (?1, ?2)
                 ON CONFLICT(name) DO UPDATE SET next = excluded.next",
            )?;
            let mut put_secret = tx.prepare_cached(
                "INSERT INTO secrets (id, record) VALUES (?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET record = excluded.record",
            )?;
            let mut delete_secret = tx.prepare_cached("DELETE FROM secrets WHERE id = ?1")?;
            let mut put_task = tx.prepare_cached(
                "INSERT INTO tasks (id, record) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET record = excluded.record",
            )?;
            for write in batch {
                match write {
                    Write::Secret { id, record: Some(record) } => {
                        put_secret.execute(params![id, serde_json::to_string(record)?])?;
                    }
                    Write::Secret { id, record: None } => {
                        delete_secret.execute(params![id])?;
                    }
                    Write::Task { id, record } => {
                        put_task.execute(params![*id as i64, serde_json::to_string(record)?])?;
                    }
                    Write::Config { app, config } => {
                        put_config.execute(params![app, serde_json::to_string(config)?])?;
                    }
                    Write::UnitStatus { unit, status } => {
                        put_unit_status.execute(params![unit, serde_json::to_string(status)?])?;
                    }
                    Write::ForgetUnit { unit } => {
                        forget_unit.execute(params![unit])?;
                        forget_unit_state.execute(params![unit])?;
                        delete_ports.execute(params![unit])?;
                        delete_storage.execute(params![unit])?;
                        delete_payloads.execute(params![unit])?;
                        delete_agent_status.execute(params![unit])?;
                        tombstone.execute(params![unit])?;
                    }
                    Write::UnitState { unit, state } if state.is_empty() => {
                        forget_unit_state.execute(params![unit])?;
                    }
                    Write::UnitState { unit, state } => {
                        put_unit_state.execute(params![unit, serde_json::to_string(state)?])?;
                    }
                    Write::UnitStorage { unit, storage } if storage.is_empty() => {
                        delete_storage.execute(params![unit])?;
                    }
                    Write::UnitStorage { unit, storage } => {
                        put_storage.execute(params![unit, serde_json::to_string(storage)?])?;
                    }
                    Write::StorageSequence { app, next } => {
                        put_sequence.execute(params![app, serde_json::to_string(next)?])?;
                    }
                    Write::UnitPorts { unit, ports } if ports.is_empty() => {
                        delete_ports.execute(params![unit])?;
                    }
                    Write::UnitPorts { unit, ports } => {
                        put_ports.execute(params![unit, serde_json::to_string(ports)?])?;
                    }
                    Write::UnitPayloads { unit, payloads } if payloads.is_empty() => {
                        delete_payloads.execute(params![unit])?;
                    }
                    Write::UnitPayloads { unit, payloads } => {
                        put_payloads.execute(params![unit, serde_json::to_string(payloads)?])?;
                    }
                    Write::AgentStatus { unit, status } => {
                        put_agent_status.execute(params![unit, serde_json::to_string(status)?])?;
                    }
                    Write::ModelConfig { config } => {
                        put_model_config.execute(params![serde_json::to_string(config)?])?;
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
                    Write::RelationDef { id, record: Some(record) } => {
                        put_def.execute(params![*id as i64, serde_json::to_string(record)?])?;
                    }
                    Write::RelationDef { id, record: None } => {
                        delete_def.execute(params![*id as i64])?;
                        delete_def_bags.execute(params![*id as i64])?;
                        delete_def_scope.execute(params![*id as i64])?;
                    }
                    Write::RelationSequence { next } => {
                        put_model_sequence.execute(params!["relation", serde_json::to_string(next)?])?;
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaderd_core::charm_config::ConfigOption;
    use leaderd_core::model::Settings;
    use leaderd_core::wire::controller::{AppConfig, UnitStatus};
    use leaderd_core::wire::hook::WorkloadStatus;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn workload(status: &str, message: &str, data: &[(&str, &str)]) -> WorkloadStatus {
        WorkloadStatus { status: status.into(), message: message.into(), data: settings(data) }
    }

    fn option(kind: &str, description: &str, default: serde_json::Value) -> ConfigOption {
        ConfigOption { kind: kind.into(), description: description.into(), default }
    }

    fn lease(app: &str, holder: Option<&str>, term: u64) -> Write {
        Write::Lease(StoredLease { app: app.into(), holder: holder.map(Into::into), term })
    }

    fn bag(app: &str, relation_id: u64, owner: Option<&str>, changes: &[(&str, &str)]) -> Write {
        Write::RelationSettings {
            app: app.into(),
            relation_id,
            owner: owner.map(Into::into),
            changes: settings(changes),
        }
    }

    fn scope(app: &str, relation_id: u64, unit: &str, member: bool) -> Write {
        Write::RelationScope { app: app.into(), relation_id, unit: unit.into(), member }
    }

    /// The batches the fixture database was written with.
    fn fixture_batches() -> Vec<Vec<Write>> {
        use serde_json::json;
        let web_options: leaderd_core::charm_config::Options = [
            ("port".to_string(), option("int", "The port", json!(8080))),
            ("name".to_string(), option("string", "", serde_json::Value::Null)),
            ("ratio".to_string(), option("float", "A ratio", json!(0.5))),
            ("debug".to_string(), option("boolean", "", json!(false))),
        ]
        .into();
        let web_v2 = AppConfig {
            options: web_options.clone(),
            values: [("port".to_string(), json!(80))].into(),
            version: 2,
            charm: None,
            peers: None,
            storage: None,
            endpoints: None,
            trust: false,
            dying: false,
        };
        let web_v3 = AppConfig {
            options: web_options,
            values: [
                ("port".to_string(), json!(81)),
                ("name".to_string(), json!("x")),
                ("debug".to_string(), json!(true)),
            ]
            .into(),
            version: 3,
            charm: None,
            peers: None,
            storage: None,
            endpoints: None,
            trust: false,
            dying: false,
        };
        let db_config = AppConfig {
            options: [("mode".to_string(), option("string", "How to run", json!("fast")))].into(),
            values: Default::default(),
            version: 1,
            charm: None,
            peers: None,
            storage: None,
            endpoints: None,
            trust: false,
            dying: false,
        };
        let unit_status =
            |w: WorkloadStatus, version: &str| UnitStatus { workload: w, version: version.into(), since_ms: None };
        vec![
            vec![
                lease("web", Some("web/0"), 1),
                lease("db", Some("db/2"), 7),
                lease("cache", Some("cache/0"), 3),
                Write::Settings {
                    app: "web".into(),
                    changes: settings(&[("k", "v"), ("url", "http://web/0"), ("gone", "x")]),
                    version: 1,
                },
                Write::Settings { app: "db".into(), changes: settings(&[("password", "s3cret")]), version: 1 },
            ],
            vec![
                lease("web", Some("web/1"), 2),
                lease("cache", None, 3),
                Write::Settings {
                    app: "web".into(),
                    changes: settings(&[("gone", ""), ("k", "v2"), ("unicode", "héllo ✓"), ("lines", "one\ntwo")]),
                    version: 2,
                },
                Write::Settings { app: "db".into(), changes: settings(&[("password", "")]), version: 2 },
            ],
            vec![
                Write::Config { app: "web".into(), config: web_v2.into() },
                Write::Config { app: "db".into(), config: db_config.into() },
            ],
            vec![Write::Config { app: "web".into(), config: web_v3.into() }],
            vec![
                Write::UnitStatus {
                    unit: "web/0".into(),
                    status: unit_status(workload("active", "serving", &[]), "1.2").into(),
                },
                Write::UnitStatus {
                    unit: "web/1".into(),
                    status: unit_status(workload("blocked", "needs db", &[("since", "boot")]), "").into(),
                },
                Write::UnitStatus {
                    unit: "web/2".into(),
                    status: unit_status(workload("active", "", &[]), "1.1").into(),
                },
                Write::UnitStatus {
                    unit: "db/0".into(),
                    status: unit_status(workload("maintenance", "", &[]), "").into(),
                },
                Write::AppStatus { app: "web".into(), status: workload("active", "3 units", &[]).into() },
                Write::AppStatus { app: "db".into(), status: workload("waiting", "for quorum", &[("n", "2")]).into() },
            ],
            vec![
                bag("web", 0, Some("web/0"), &[("private-address", "10.0.0.1"), ("k/with/slashes", "v")]),
                scope("web", 0, "web/0", true),
                bag("web", 0, Some("web/1"), &[("private-address", "10.0.0.2")]),
                scope("web", 0, "web/1", true),
                bag("web", 0, Some("web/2"), &[("private-address", "10.0.0.3")]),
                scope("web", 0, "web/2", true),
                bag("web", 0, None, &[("secret", "s"), ("gone", "x")]),
                bag("web", 3, None, &[("endpoint", "https://web")]),
                scope("db", 1, "db/0", true),
            ],
            vec![
                bag("web", 0, None, &[("gone", "")]),
                scope("web", 0, "web/2", false),
                Write::ForgetUnit { unit: "web/2".into() },
                Write::ForgetUnit { unit: "db/1".into() },
            ],
        ]
    }

    /// The fixture: a database written by the release before schema versions (no
    /// `user_version`), from [`fixture_batches`], checkpointed into the one file.
    const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/state-unversioned.db");

    /// A copy of the fixture in a temp dir (opening it writes to it).
    fn fixture_copy() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        std::fs::copy(FIXTURE, &path).unwrap();
        (dir, path)
    }

    /// Every table's schema and rows, in a stable order.
    fn dump(path: &Path) -> Vec<String> {
        let conn = Connection::open(path).unwrap();
        let mut out: Vec<String> = Vec::new();
        let mut tables =
            conn.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
        let tables: Vec<(String, String)> =
            tables.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        for (table, sql) in tables {
            out.push(sql);
            let mut rows = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
            let columns = rows.column_count();
            let mut lines: Vec<String> = rows
                .query_map([], |r| {
                    let values: Vec<rusqlite::types::Value> =
                        (0..columns).map(|i| r.get(i)).collect::<Result<_, _>>()?;
                    Ok(format!("{table}: {values:?}"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            lines.sort();
            out.extend(lines);
        }
        out
    }

    /// This release writes the same rows, byte for byte, as the release that wrote the fixture:
    /// a database either writes stays readable by the other.
    #[test]
    fn the_same_writes_make_the_same_rows_as_the_fixture() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let mut store = SqliteStore::open(&path).unwrap();
        for batch in fixture_batches() {
            store.commit(&batch).unwrap();
        }
        drop(store);
        let (_fixture_dir, fixture) = fixture_copy();
        let want = dump(&fixture);
        assert!(want.iter().any(|l| l.starts_with("removed_units: ")), "{want:#?}");
        // Schema version 2 adds the secrets, tasks, unit state, unit ports, storage and payloads tables; everything
        // else is as it was.
        let mut got = dump(&path);
        for table in [
            "CREATE TABLE secrets",
            "CREATE TABLE tasks",
            "CREATE TABLE unit_states",
            "CREATE TABLE unit_ports",
            "CREATE TABLE unit_storage",
            "CREATE TABLE storage_sequences",
            "CREATE TABLE unit_payloads",
            "CREATE TABLE relations",
            "CREATE TABLE sequences",
            "CREATE TABLE unit_agent_status",
            "CREATE TABLE model_config",
        ] {
            let at = got.iter().position(|l| l.starts_with(table)).expect("the table of schema version 2");
            got.remove(at);
        }
        assert_eq!(got, want);
    }

    /// A unit's charm state is kept whole across a reopen; an empty one and a removed unit's
    /// leave no row.
    #[test]
    fn unit_states_survive_a_reopen_and_go_with_their_unit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let state = |pairs: &[(&str, &str)]| -> std::collections::BTreeMap<String, String> {
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        let mut store = SqliteStore::open(&path).unwrap();
        store
            .commit(&[
                Write::UnitState { unit: "a/0".into(), state: state(&[("k", "v"), ("dotted.key", "")]) },
                Write::UnitState { unit: "a/1".into(), state: state(&[("x", "1")]) },
                Write::UnitState { unit: "a/2".into(), state: state(&[("gone", "soon")]) },
            ])
            .unwrap();
        store
            .commit(&[
                Write::UnitState { unit: "a/2".into(), state: state(&[]) },
                Write::ForgetUnit { unit: "a/1".into() },
            ])
            .unwrap();
        drop(store);
        let snapshot = SqliteStore::open(&path).unwrap().load().unwrap();
        assert_eq!(snapshot.unit_states.len(), 1, "{:?}", snapshot.unit_states);
        assert_eq!(snapshot.unit_states["a/0"], state(&[("k", "v"), ("dotted.key", "")]));
        let mut memory = crate::store::memory::MemoryStore::default();
        memory
            .commit(&[
                Write::UnitState { unit: "a/0".into(), state: state(&[("k", "v")]) },
                Write::ForgetUnit { unit: "a/0".into() },
            ])
            .unwrap();
        assert!(memory.load().unwrap().unit_states.is_empty());
    }

    /// A unit's payloads are kept whole across a reopen (SQLite, etcd's keys, memory); none, or
    /// a removed unit, leaves nothing.
    #[test]
    fn unit_payloads_survive_a_reopen_and_go_with_their_unit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let mut one = leaderd_core::payloads::UnitPayloads::new();
        leaderd_core::payloads::register(&mut one, "docker", "monitoring", "0fcgaba", &["t1".into()]).unwrap();
        let batches = [
            vec![
                Write::UnitPayloads { unit: "a/0".into(), payloads: one.clone() },
                Write::UnitPayloads { unit: "a/1".into(), payloads: one.clone() },
                Write::UnitPayloads { unit: "a/2".into(), payloads: one.clone() },
            ],
            vec![
                Write::UnitPayloads { unit: "a/2".into(), payloads: Default::default() },
                Write::ForgetUnit { unit: "a/1".into() },
            ],
        ];
        let mut store = SqliteStore::open(&path).unwrap();
        let mut memory = crate::store::memory::MemoryStore::default();
        for batch in &batches {
            store.commit(batch).unwrap();
            memory.commit(batch).unwrap();
        }
        drop(store);
        let want: std::collections::HashMap<String, _> = [("a/0".to_string(), one)].into();
        assert_eq!(SqliteStore::open(&path).unwrap().load().unwrap().unit_payloads, want);
        assert_eq!(memory.load().unwrap().unit_payloads, want);
    }

    /// A unit's opened ports are kept whole across a reopen; none, or a removed unit, leaves no
    /// row.
    #[test]
    fn unit_storage_and_sequences_survive_a_reopen_and_storage_goes_with_its_unit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let record = |id: &str| crate::store::StorageRecord { id: id.into(), kind: "filesystem".into() };
        let mut store = SqliteStore::open(&path).unwrap();
        store
            .commit(&[
                Write::UnitStorage { unit: "a/0".into(), storage: vec![record("data/0"), record("data/2")] },
                Write::UnitStorage { unit: "a/1".into(), storage: vec![record("data/1")] },
                Write::StorageSequence { app: "a".into(), next: 3 },
                Write::ForgetUnit { unit: "a/1".into() },
            ])
            .unwrap();
        drop(store);
        let snapshot = SqliteStore::open(&path).unwrap().load().unwrap();
        assert_eq!(snapshot.unit_storage.len(), 1, "{:?}", snapshot.unit_storage);
        assert_eq!(snapshot.unit_storage["a/0"], [record("data/0"), record("data/2")]);
        assert_eq!(snapshot.storage_sequences["a"], 3, "the sequence outlives the removed unit");
    }

    #[test]
    fn unit_ports_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let ports = |text: &[(&str, &str)]| {
            let mut grouped = leaderd_core::ports::GroupedPortRanges::new();
            for (endpoint, range) in text {
                grouped.entry(endpoint.to_string()).or_default().push(leaderd_core::ports::parse(range).unwrap());
            }
            grouped
        };
        let mut store = SqliteStore::open(&path).unwrap();
        store
            .commit(&[
                Write::UnitPorts { unit: "a/0".into(), ports: ports(&[("", "80"), ("web", "8000-8010/udp")]) },
                Write::UnitPorts { unit: "a/1".into(), ports: ports(&[("", "icmp")]) },
                Write::UnitPorts { unit: "a/2".into(), ports: ports(&[("", "22")]) },
                Write::UnitPorts { unit: "a/1".into(), ports: ports(&[]) },
                Write::ForgetUnit { unit: "a/2".into() },
            ])
            .unwrap();
        drop(store);
        let snapshot = SqliteStore::open(&path).unwrap().load().unwrap();
        assert_eq!(snapshot.unit_ports.len(), 1, "{:?}", snapshot.unit_ports);
        assert_eq!(snapshot.unit_ports["a/0"], ports(&[("", "80/tcp"), ("web", "8000-8010/udp")]));
    }

    /// A version 1 database (the release before secrets) is migrated: the secrets table is
    /// added, the stamp moves to 2, and everything it held reads as before.
    #[test]
    fn a_version_1_database_gains_the_secrets_table() {
        let (_dir, path) = fixture_copy();
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
        }
        let before = sorted(SqliteStore::open(&path).unwrap().load().unwrap());
        assert_eq!(user_version(&path), SCHEMA_VERSION as i64);
        let tables = dump(&path);
        assert!(tables.iter().any(|l| l.starts_with("CREATE TABLE secrets")), "{tables:#?}");
        assert_eq!(sorted(SqliteStore::open(&path).unwrap().load().unwrap()), before);
    }

    fn user_version(path: &Path) -> i64 {
        Connection::open(path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    }

    /// The database the release before schema versions wrote opens with this release: every
    /// item reads back exactly, and the database is stamped with the current version (and
    /// still reads the same after).
    #[test]
    fn an_unversioned_database_from_the_previous_release_reads_back_exactly_and_is_stamped() {
        use crate::store::{ConfigRecord, OptionRecord, RelationRecord, StatusRecord, UnitStatusRecord};
        use serde_json::json;
        let (_dir, path) = fixture_copy();
        assert_eq!(user_version(&path), 0, "the fixture is unversioned");
        let snapshot = SqliteStore::open(&path).unwrap().load().unwrap();
        assert_eq!(user_version(&path), SCHEMA_VERSION as i64, "stamped");

        let mut leases = snapshot.leases.clone();
        leases.sort_by(|a, b| a.app.cmp(&b.app));
        let lease = |app: &str, holder: Option<&str>, term| StoredLease {
            app: app.into(),
            holder: holder.map(Into::into),
            term,
        };
        assert_eq!(leases, [lease("cache", None, 3), lease("db", Some("db/2"), 7), lease("web", Some("web/1"), 2)]);

        assert_eq!(snapshot.buckets.len(), 2);
        assert_eq!(
            snapshot.buckets["web"],
            Bucket {
                settings: settings(&[
                    ("k", "v2"),
                    ("url", "http://web/0"),
                    ("unicode", "héllo ✓"),
                    ("lines", "one\ntwo")
                ]),
                version: 2
            }
        );
        assert_eq!(snapshot.buckets["db"], Bucket { settings: Settings::new(), version: 2 });

        let option = |kind: &str, description: &str, default| OptionRecord {
            kind: kind.into(),
            description: description.into(),
            default,
        };
        assert_eq!(snapshot.configs.len(), 2);
        assert_eq!(
            snapshot.configs["web"],
            ConfigRecord {
                options: [
                    ("port".to_string(), option("int", "The port", json!(8080))),
                    ("name".to_string(), option("string", "", serde_json::Value::Null)),
                    ("ratio".to_string(), option("float", "A ratio", json!(0.5))),
                    ("debug".to_string(), option("boolean", "", json!(false))),
                ]
                .into(),
                values: [
                    ("port".to_string(), json!(81)),
                    ("name".to_string(), json!("x")),
                    ("debug".to_string(), json!(true))
                ]
                .into(),
                version: 3,
                charm: None,
                peers: None,
                storage: None,
                endpoints: None,
                trust: false,
                dying: false,
            }
        );
        assert_eq!(
            snapshot.configs["db"],
            ConfigRecord {
                options: [("mode".to_string(), option("string", "How to run", json!("fast")))].into(),
                values: Default::default(),
                version: 1,
                charm: None,
                peers: None,
                storage: None,
                endpoints: None,
                trust: false,
                dying: false,
            }
        );

        let status = |status: &str, message: &str, data: &[(&str, &str)]| StatusRecord {
            status: status.into(),
            message: message.into(),
            data: settings(data),
        };
        let unit = |workload, version: &str| UnitStatusRecord { workload, version: version.into(), since_ms: None };
        assert_eq!(
            snapshot.unit_statuses,
            [
                ("web/0".to_string(), unit(status("active", "serving", &[]), "1.2")),
                ("web/1".to_string(), unit(status("blocked", "needs db", &[("since", "boot")]), "")),
                ("db/0".to_string(), unit(status("maintenance", "", &[]), "")),
            ]
            .into()
        );
        assert_eq!(
            snapshot.app_statuses,
            [
                ("web".to_string(), status("active", "3 units", &[])),
                ("db".to_string(), status("waiting", "for quorum", &[("n", "2")])),
            ]
            .into()
        );

        let web_0 = RelationRecord {
            members: vec!["web/0".into(), "web/1".into()],
            units: [
                ("web/0".to_string(), settings(&[("private-address", "10.0.0.1"), ("k/with/slashes", "v")])),
                ("web/1".to_string(), settings(&[("private-address", "10.0.0.2")])),
                // web/2 left the scope; its bag stays readable.
                ("web/2".to_string(), settings(&[("private-address", "10.0.0.3")])),
            ]
            .into(),
            app: settings(&[("secret", "s")]),
        };
        let web_3 = RelationRecord { app: settings(&[("endpoint", "https://web")]), ..Default::default() };
        let db_1 = RelationRecord { members: vec!["db/0".into()], ..Default::default() };
        assert_eq!(
            snapshot.relations,
            [("web".to_string(), [(0, web_0), (3, web_3)].into()), ("db".to_string(), [(1, db_1)].into())].into()
        );

        assert_eq!(snapshot.removed, ["db/1".to_string(), "web/2".to_string()].into());

        // Stamped, it opens again as this release's own and reads the same.
        let again = SqliteStore::open(&path).unwrap().load().unwrap();
        assert_eq!(format!("{:?}", sorted(again)), format!("{:?}", sorted(snapshot)));
    }

    /// A snapshot with its maps in a stable order, to compare two.
    fn sorted(s: Snapshot) -> Vec<String> {
        let mut leases = s.leases;
        leases.sort_by(|a, b| a.app.cmp(&b.app));
        let sort = |m: Vec<String>| {
            let mut m = m;
            m.sort();
            m
        };
        vec![
            format!("{leases:?}"),
            format!("{:?}", sort(s.buckets.iter().map(|e| format!("{e:?}")).collect())),
            format!("{:?}", sort(s.configs.iter().map(|e| format!("{e:?}")).collect())),
            format!("{:?}", sort(s.unit_statuses.iter().map(|e| format!("{e:?}")).collect())),
            format!("{:?}", sort(s.app_statuses.iter().map(|e| format!("{e:?}")).collect())),
            format!("{:?}", sort(s.relations.iter().map(|e| format!("{e:?}")).collect())),
            format!("{:?}", s.removed),
        ]
    }

    /// A database a newer release wrote (a higher `user_version`, tables this release does not
    /// know, its own journal mode) is refused with an error that says so, and left byte for
    /// byte as it was: no WAL switch, no tables added, no stamp.
    #[test]
    fn a_database_of_a_newer_schema_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE leases_v9 (app TEXT PRIMARY KEY); PRAGMA user_version = 9;").unwrap();
        }
        leaderd_sys::private::restrict(&path, 0o600).unwrap();
        let before = std::fs::read(&path).unwrap();
        let listing = || {
            let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
            names.sort();
            names
        };
        let files = listing();

        let Err(e) = SqliteStore::open(&path) else { panic!("a newer schema was opened") };
        let found = e.downcast_ref::<SchemaError>().expect("a schema error");
        assert_eq!(
            found,
            &SchemaError::Newer { store: format!("the database {}", path.display()), found: 9, known: SCHEMA_VERSION }
        );
        assert_eq!(
            e.to_string(),
            format!(
                "the database {} holds schema version 9, newer than this leaderd knows ({SCHEMA_VERSION}): it was \
                 written by a newer leaderd; run that release (or a later one) on it. Nothing was changed",
                path.display()
            )
        );
        assert!(std::fs::read(&path).unwrap() == before, "the database file changed");
        assert_eq!(listing(), files, "files appeared or went");
        let conn = Connection::open(&path).unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete");
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(tables, ["leases_v9"]);
        drop(conn);

        // A version no release writes (negative) is refused as unreadable, also untouched.
        Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = -1;").unwrap();
        let before = std::fs::read(&path).unwrap();
        let e = SqliteStore::open(&path).err().expect("refused");
        assert!(matches!(e.downcast_ref(), Some(SchemaError::Unreadable { found, .. }) if found == "-1"), "{e:#}");
        assert!(std::fs::read(&path).unwrap() == before, "the database file changed");
    }

    /// A new database is created stamped with this release's version.
    #[test]
    fn a_new_database_is_stamped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        SqliteStore::open(&path).unwrap();
        assert_eq!(user_version(&path), SCHEMA_VERSION as i64);
        assert!(SqliteStore::open(&path).unwrap().load().unwrap().leases.is_empty());
    }
}
