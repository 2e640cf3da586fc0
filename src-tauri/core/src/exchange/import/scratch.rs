//! The scratch space of one preview or import ([`Scratch`]): a throwaway database file attached
//! for the run, so what it holds costs disk, not memory, however many rows the file has:
//! - `seen`: the emails seen so far in the file (duplicate detection);
//! - `new_people`, `updated` and `update_lines`: new people, known people's new details and the
//!   audit lines of those updates, waiting to be written, so that a whole batch goes into
//!   `people` (and, through its triggers, the search index) with one statement of each kind.
//!
//! While it is attached the main database's page cache is larger, and temporary files
//! (the statement journal of such a batch) stay files: a batch into a large directory may touch
//! many existing pages, and memory must stay flat.

use crate::error::{Error, Result};
use crate::store::new_id;
use rusqlite::Connection;
use std::path::PathBuf;

/// The main database's page cache during a run, in KiB (negative, as `PRAGMA cache_size` takes it).
const CACHE_KIB: i64 = -64 * 1024;

pub(crate) struct Scratch<'a> {
    conn: &'a Connection,
    path: PathBuf,
    cache_size: i64,
    temp_store: i64,
}

impl<'a> Scratch<'a> {
    /// Attaches a fresh scratch database as `import_scratch`; it goes away when this is dropped.
    pub fn attach(conn: &'a Connection) -> Result<Scratch<'a>> {
        if !conn.is_autocommit() {
            return Err(Error::invalid("import", "An import cannot run inside another change; try again."));
        }
        let path = std::env::temp_dir().join(format!("afterword-import-{}.db", new_id()));
        let cache_size = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        let temp_store = conn.pragma_query_value(None, "temp_store", |r| r.get(0))?;
        conn.execute("ATTACH DATABASE ?1 AS import_scratch", [path.display().to_string()])?;
        let scratch = Scratch { conn, path, cache_size, temp_store };
        conn.execute_batch(
            "PRAGMA import_scratch.journal_mode = OFF;
             PRAGMA import_scratch.synchronous = OFF;
             PRAGMA import_scratch.cache_size = -4096;
             CREATE TABLE import_scratch.seen (email_key TEXT PRIMARY KEY NOT NULL, row INTEGER NOT NULL) WITHOUT ROWID;
             CREATE TABLE import_scratch.new_people (
                 seq INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, preferred_name TEXT NOT NULL,
                 email TEXT NOT NULL, email_key TEXT NOT NULL, organisation TEXT NOT NULL, team TEXT NOT NULL,
                 audience TEXT NOT NULL, technical_level TEXT NOT NULL, notes TEXT NOT NULL, job_title TEXT NOT NULL
             );
             CREATE TABLE import_scratch.updated (
                 id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, preferred_name TEXT NOT NULL,
                 organisation TEXT NOT NULL, team TEXT NOT NULL, job_title TEXT NOT NULL, notes TEXT NOT NULL
             ) WITHOUT ROWID;
             CREATE TABLE import_scratch.update_lines (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, detail TEXT NOT NULL);",
        )?;
        conn.pragma_update(None, "cache_size", CACHE_KIB)?;
        conn.pragma_update(None, "temp_store", 1)?;
        Ok(scratch)
    }
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        if let Err(error) = self.conn.execute_batch("DETACH DATABASE import_scratch") {
            tracing::warn!(%error, "could not detach the import's scratch database");
        }
        let _ = self.conn.pragma_update(None, "cache_size", self.cache_size);
        let _ = self.conn.pragma_update(None, "temp_store", self.temp_store);
        let _ = std::fs::remove_file(&self.path);
    }
}
