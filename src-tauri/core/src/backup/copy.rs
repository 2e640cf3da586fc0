//! A checked copy of an open database: [`checked_copy`] (`VACUUM INTO` a temporary file beside
//! the destination, integrity check, fsync, rename) and [`Store::backup_to`] on top of it.
//! Also [`Scratch`], the temporary database file every path here works on.

use super::{check_destination, counts, failed, folder_of, integrity_check, sync_folder, user_version};
use super::{BackupInfo, Counts};
use crate::error::Result;
use crate::store::Store;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// What a checked copy holds.
pub(crate) struct Facts {
    pub bytes: u64,
    pub schema_version: i64,
    pub counts: Counts,
}

/// Copies the database `conn` has open to `dest`. `VACUUM INTO` reads inside one transaction, so
/// the copy is one consistent snapshot even while other connections write (WAL); `dest` only
/// ever holds a complete copy that passed `integrity_check` and reached the disk. The error is
/// the reason in a few words, for the caller's message.
pub(crate) fn checked_copy(conn: &Connection, dest: &Path) -> std::result::Result<Facts, String> {
    let folder = folder_of(dest);
    let scratch = Scratch::new_in(folder, ".afterword-backup-")
        .map_err(|e| format!("could not write in the folder {}: {e}", folder.display()))?;
    let target = scratch.path().to_str().ok_or("the folder's path is not valid Unicode")?;
    conn.execute("VACUUM INTO ?1", [target]).map_err(|e| e.to_string())?;
    let (schema_version, counts) = check_copy(scratch.path())?;
    scratch.persist(dest).map_err(|e| format!("could not move the copy into place: {e}"))?;
    let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
    Ok(Facts { bytes, schema_version, counts })
}

fn check_copy(path: &Path) -> std::result::Result<(i64, Counts), String> {
    let copy = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| e.to_string())?;
    // A backup is one self-contained file: no -wal beside it that a later copy could leave behind.
    copy.pragma_update(None, "journal_mode", "DELETE").map_err(|e| e.to_string())?;
    integrity_check(&copy).map_err(|problems| format!("the copy failed its integrity check: {problems}"))?;
    let version = user_version(&copy).map_err(|e| e.to_string())?;
    Ok((version, counts(&copy).map_err(|e| e.to_string())?))
}

impl Store {
    /// Backs the live database up to `dest` (replacing a file there, never the live database):
    /// a checked, self-contained SQLite file that [`Store::restore_from`] takes back.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupInfo> {
        check_destination(dest, self.path(), "backup")?;
        let facts = checked_copy(&self.conn, dest).map_err(|detail| {
            failed(format!(
                "Could not back up the database to {} ({detail}). Nothing was written there: check that the \
                 folder exists, can be written and has room, then try again.",
                dest.display()
            ))
        })?;
        Ok(BackupInfo {
            path: dest.to_path_buf(),
            bytes: facts.bytes,
            schema_version: super::to_u32(facts.schema_version),
            incidents: facts.counts.incidents,
            people: facts.counts.people,
            contributions: facts.counts.contributions,
        })
    }
}

/// A temporary database file in a chosen folder (so the final rename stays on one file system).
/// Dropped, it takes its `-wal`, `-shm` and `-journal` companions with it.
pub(crate) struct Scratch {
    path: Option<tempfile::TempPath>,
    shown: PathBuf,
}

impl Scratch {
    /// An empty file named `PREFIX<random>.db` in `folder` (empty, so `VACUUM INTO` accepts it).
    pub fn new_in(folder: &Path, prefix: &str) -> std::io::Result<Scratch> {
        let path = tempfile::Builder::new().prefix(prefix).suffix(".db").tempfile_in(folder)?.into_temp_path();
        let shown = path.to_path_buf();
        Ok(Scratch { path: Some(path), shown })
    }

    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Flushes the file to disk and renames it onto `dest`, durably. Only call once nothing has
    /// it open.
    pub fn persist(mut self, dest: &Path) -> std::io::Result<()> {
        std::fs::File::open(&self.shown)?.sync_all()?;
        let path = self.path.take().expect("persisted once");
        if let Err(e) = path.persist(dest) {
            self.path = Some(e.path);
            return Err(e.error);
        }
        sync_folder(folder_of(dest))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        for companion in ["-wal", "-shm", "-journal"] {
            let mut name = self.shown.clone().into_os_string();
            name.push(companion);
            let _ = std::fs::remove_file(name);
        }
    }
}
