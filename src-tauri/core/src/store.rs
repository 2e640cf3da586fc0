//! The local database: [`Store`] opens (or creates) one SQLite file, refuses files it must not
//! touch, applies the numbered migrations in one transaction and hands out the connection.
//!
//! An older file is first copied to `backups/` ([`crate::backup`]); a copy that fails stops
//! the upgrade.
//!
//! Also [`Clock`] (the time source, a value so tests can fix it) and [`data_dir`] (where the
//! database lives by default).

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file name of the database inside the data directory.
pub const DATABASE_FILE: &str = "afterword.db";
/// Overrides the data directory (tests, portable installs).
pub const DATA_DIR_ENV: &str = "AFTERWORD_DATA_DIR";

/// Numbered migrations, oldest first. Never edit one that has shipped: add the next.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_compose.sql"),
    include_str!("../migrations/0003_outbox.sql"),
    include_str!("../migrations/0004_job_title.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The time source. Wall-clock in the app; fixed in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> chrono::DateTime<chrono::Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}

/// The data directory: `explicit` if given, else `$AFTERWORD_DATA_DIR`, else the OS data
/// directory (`~/.local/share/afterword` on Linux).
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir().map(|d| d.join("afterword")).ok_or_else(|| Error::Io {
        context: "Could not find the user's data folder; set AFTERWORD_DATA_DIR".into(),
        source: std::io::Error::from(std::io::ErrorKind::NotFound),
    })
}

/// An open database plus who is making changes (for the audit log) and the clock.
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) actor: String,
    pub(crate) clock: Box<dyn Clock>,
    path: PathBuf,
    /// The user's extra tone rules as last compiled, with the file's modification time.
    pub(crate) tone_cache: std::cell::RefCell<Option<(std::time::SystemTime, crate::compose::tone::ToneRules)>>,
}

impl Store {
    /// Opens `DIR/afterword.db`, creating the folder and the file if needed.
    pub fn open_in(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            context: format!("Could not create the data folder {}", dir.display()),
            source,
        })?;
        Store::open(&dir.join(DATABASE_FILE))
    }

    /// Opens a database file. A newer schema or a file that is not a database is refused before
    /// anything is written to it.
    pub fn open(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let damaged = |e: rusqlite::Error| Error::Damaged { path: path.to_path_buf(), detail: e.to_string() };
        let mut conn = Connection::open_with_flags(path, flags).map_err(damaged)?;

        // Read-only checks first: these touch nothing on disk.
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(damaged)?;
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).map_err(damaged)?;
        if found > SCHEMA_VERSION {
            return Err(Error::NewerSchema { path: path.to_path_buf(), found, supported: SCHEMA_VERSION });
        }

        conn.busy_timeout(Duration::from_secs(5))?;
        if found > 0 && found < SCHEMA_VERSION {
            // Upgrading rewrites the file: keep a checked copy of it as it was, or do not upgrade.
            crate::backup::before_migration(&conn, path, found)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(damaged)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrations().to_latest(&mut conn).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => damaged(err),
            other => Error::Damaged { path: path.to_path_buf(), detail: other.to_string() },
        })?;

        Ok(Store {
            conn,
            actor: default_actor(),
            clock: Box::new(SystemClock),
            path: path.to_path_buf(),
            tone_cache: Default::default(),
        })
    }

    /// Sets who the audit log names for changes made through this store.
    pub fn with_actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = actor.into();
        self
    }

    pub fn with_clock(mut self, clock: Box<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for read-only use by other modules of the core and by benchmarks.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs `change` in a transaction (a savepoint when one is already open, so operations
    /// compose): everything it wrote lands together, or nothing does.
    pub(crate) fn write<T>(&self, change: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let outermost = self.conn.is_autocommit();
        let (begin, commit, undo) = if outermost {
            ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
        } else {
            ("SAVEPOINT nested", "RELEASE nested", "ROLLBACK TO nested; RELEASE nested")
        };
        self.conn.execute_batch(begin)?;
        match change(&self.conn).and_then(|value| Ok(self.conn.execute_batch(commit).map(|_| value)?)) {
            Ok(value) => Ok(value),
            Err(error) => {
                if let Err(rollback) = self.conn.execute_batch(undo) {
                    tracing::error!(%rollback, "rollback failed");
                }
                Err(error)
            }
        }
    }

    pub(crate) fn now(&self) -> String {
        self.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    pub(crate) fn today(&self) -> String {
        self.clock.now().format("%Y-%m-%d").to_string()
    }
}

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// The OS user, for the audit log.
fn default_actor() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".into())
}

/// Applies migrations up to `version` only; used by tests that check each step.
#[doc(hidden)]
pub fn migrate_to(conn: &mut Connection, version: usize) -> Result<()> {
    migrations()
        .to_version(conn, version)
        .map_err(|e| Error::Damaged { path: PathBuf::from(":memory:"), detail: e.to_string() })
}

pub(crate) fn new_id() -> String {
    ulid::Ulid::new().to_string()
}
