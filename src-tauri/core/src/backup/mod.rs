//! Backups, restores and moving the whole dataset to another machine.
//!
//! - [`Store::backup_to`] copies the live database to a chosen file with `VACUUM INTO` (one
//!   consistent snapshot, even while another connection writes), checks the copy and renames it
//!   into place: [`BackupInfo`].
//! - Automatic copies go to `backups/` beside the database ([`backups_dir`]) before each
//!   migration, each restore and each import; the last [`KEEP_AUTOMATIC`] of each kind are kept;
//!   [`automatic_backups`] lists them.
//! - [`Store::restore_from`] (and [`restore_in`], which also works when the live file cannot be
//!   opened) checks a backup on a private copy — SQLite, integrity, schema version, Afterword's
//!   tables — upgrades that copy, and only then replaces the live content through SQLite's backup
//!   API, so open connections see the restored data: [`RestoreInfo`].
//! - [`Store::export_all`] writes every table as one versioned JSON document ([`export`] gives
//!   the format); [`Store::import_all`] (and [`import_all_in`]) builds a fresh database from one
//!   and swaps it in the same way as a restore: [`ExportInfo`], [`ImportInfo`].
//!
//! Whatever fails, the live database is left as it was: every check runs on a copy first.

mod automatic;
mod copy;
pub mod export;
mod import;
mod restore;
mod swap;
mod verify;

pub use automatic::{automatic_backups, backups_dir, AutomaticBackup, AutomaticReason, KEEP_AUTOMATIC};
pub use import::import_all_in;
pub use restore::restore_in;

pub(crate) use automatic::before_migration;

use crate::error::{Error, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a backup wrote. Counts are of rows not deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BackupInfo {
    pub path: PathBuf,
    /// A number in TypeScript: a backup would need 9 petabytes to lose precision.
    #[specta(type = f64)]
    pub bytes: u64,
    pub schema_version: u32,
    pub incidents: u32,
    pub people: u32,
    pub contributions: u32,
}

/// What a restore brought back, and where the database as it was before went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RestoreInfo {
    pub source: PathBuf,
    /// The schema the backup was written with; older ones are upgraded on the way in.
    pub backup_schema_version: u32,
    pub schema_version: u32,
    pub incidents: u32,
    pub people: u32,
    pub contributions: u32,
    /// The previous live database: a checked copy in `backups/`, or the file itself moved aside
    /// (`afterword.db.damaged-…`) when it could not be opened.
    pub previous: PathBuf,
}

/// What an export wrote: rows per table, and the usual counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ExportInfo {
    pub path: PathBuf,
    #[specta(type = f64)]
    pub bytes: u64,
    pub schema_version: u32,
    pub exported_at: String,
    pub rows: BTreeMap<String, u32>,
    pub incidents: u32,
    pub people: u32,
    pub contributions: u32,
}

/// What an import brought in, and where the database as it was before went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ImportInfo {
    pub source: PathBuf,
    /// The schema of the export (older ones are upgraded) and when it was made.
    pub export_schema_version: u32,
    pub exported_at: String,
    pub schema_version: u32,
    pub rows: BTreeMap<String, u32>,
    pub incidents: u32,
    pub people: u32,
    pub contributions: u32,
    pub previous: PathBuf,
}

/// Rows not deleted, as the summaries report them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub incidents: u32,
    pub people: u32,
    pub contributions: u32,
}

pub(crate) fn counts(conn: &Connection) -> rusqlite::Result<Counts> {
    conn.query_row(
        "SELECT (SELECT count(*) FROM incidents WHERE deleted_at IS NULL),
                (SELECT count(*) FROM people WHERE deleted_at IS NULL),
                (SELECT count(*) FROM contributions WHERE deleted_at IS NULL)",
        [],
        |r| Ok(Counts { incidents: r.get(0)?, people: r.get(1)?, contributions: r.get(2)? }),
    )
}

pub(crate) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// `PRAGMA integrity_check`: `Ok` or the first few problems SQLite found, in its words.
pub(crate) fn integrity_check(conn: &Connection) -> std::result::Result<(), String> {
    let mut stmt = conn.prepare("PRAGMA integrity_check(5)").map_err(|e| e.to_string())?;
    let lines: Vec<String> =
        stmt.query_map([], |r| r.get::<_, String>(0)).and_then(|rows| rows.collect()).map_err(|e| e.to_string())?;
    match lines.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        [] => Err("the integrity check returned nothing".into()),
        problems => Err(problems.join("; ")),
    }
}

/// The folder a file lives in (`.` for a bare file name).
pub(crate) fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Whether two paths name the same file, also when `a` does not exist yet.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    let canonical =
        |p: &Path| p.canonicalize().ok().or_else(|| Some(folder_of(p).canonicalize().ok()?.join(p.file_name()?)));
    matches!((canonical(a), canonical(b)), (Some(x), Some(y)) if x == y)
}

/// Makes a rename in `folder` durable: the new directory entry reaches the disk.
pub(crate) fn sync_folder(folder: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(folder)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = folder; // Windows cannot open a folder as a file; NTFS journals the rename itself.
    Ok(())
}

pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
    let context = context.into();
    move |source| Error::Io { context, source }
}

pub(crate) fn failed(message: String) -> Error {
    Error::Backup { code: "backup_failed", message }
}

/// A source (backup or export) that is damaged or not Afterword's.
pub(crate) fn damaged(what: &str, path: &Path, detail: impl std::fmt::Display) -> Error {
    Error::Backup {
        code: "backup_damaged",
        message: format!(
            "The file {} is not an Afterword {what} or is damaged ({detail}). The live database was left \
             untouched: choose another {what}.",
            path.display()
        ),
    }
}

/// A source written by a newer Afterword.
pub(crate) fn newer(what: &str, path: &Path, found: i64) -> Error {
    Error::Backup {
        code: "backup_newer",
        message: format!(
            "The {what} {} was written by a newer version of Afterword (schema {found}; this version understands \
             up to {}). The live database was left untouched: update Afterword to use it.",
            path.display(),
            crate::store::SCHEMA_VERSION
        ),
    }
}

/// Refuses a destination that is a folder or the live database itself.
pub(crate) fn check_destination(dest: &Path, live: &Path, what: &str) -> Result<()> {
    if dest.is_dir() {
        return Err(Error::invalid(
            "path",
            format!("{} is a folder; give a file name to save the {what} as.", dest.display()),
        ));
    }
    if same_file(dest, live) {
        return Err(Error::invalid(
            "path",
            format!(
                "{} is the live database itself; choose another file for the {what} (better on another disk).",
                dest.display()
            ),
        ));
    }
    Ok(())
}

fn to_u32(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
