//! Checking a backup before anything live is touched: [`checked_backup`] copies it beside the
//! live database and checks the copy (a SQLite file, intact, not newer, Afterword's tables),
//! then upgrades the copy to this version's schema. The backup itself is only ever read.

use super::copy::Scratch;
use super::{damaged, folder_of, integrity_check, io, newer, user_version};
use crate::error::{Error, Result};
use crate::store::{migrations, SCHEMA_VERSION};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// The tables every Afterword database has had since schema 1.
const AFTERWORD_TABLES: &[&str] = &["incidents", "people", "contributions", "audit_log"];

/// A checked, upgraded private copy of a backup.
pub(crate) struct Checked {
    pub scratch: Scratch,
    /// The schema the backup was written with.
    pub found: i64,
}

/// Copies `source` beside `live` and checks the copy; any refusal names `source` and leaves
/// everything else as it was.
pub(crate) fn checked_backup(source: &Path, live: &Path) -> Result<Checked> {
    if source.is_dir() {
        return Err(Error::invalid("path", format!("{} is a folder; choose a backup file.", source.display())));
    }
    let folder = folder_of(live);
    let scratch = Scratch::new_in(folder, ".afterword-restore-")
        .map_err(io(format!("Could not write in the data folder {}", folder.display())))?;
    std::fs::copy(source, scratch.path()).map_err(io(format!("Could not read the backup {}", source.display())))?;
    // A database still in WAL mode (another data folder's live file, say) keeps its latest
    // changes in the -wal beside it: take that too, or they would be missing from the copy.
    let wal = with_suffix(source, "-wal");
    if wal.is_file() {
        std::fs::copy(&wal, with_suffix(scratch.path(), "-wal"))
            .map_err(io(format!("Could not read {}", wal.display())))?;
    }
    if looks_like_json(scratch.path()) {
        return Err(damaged(
            "backup",
            source,
            "it is a JSON document: an export made by export-all is loaded with import-all",
        ));
    }
    let found = check_and_upgrade(scratch.path(), source)?;
    Ok(Checked { scratch, found })
}

fn check_and_upgrade(copy: &Path, source: &Path) -> Result<i64> {
    let refuse = |detail: String| damaged("backup", source, detail);
    let sqlite = |e: rusqlite::Error| refuse(e.to_string());
    let mut conn =
        Connection::open_with_flags(copy, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(sqlite)?;
    // Reading the schema is what tells a SQLite file from anything else ("file is not a database").
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect())
        .map_err(sqlite)?;
    let found = user_version(&conn).map_err(sqlite)?;
    if found > SCHEMA_VERSION {
        return Err(newer("backup", source, found));
    }
    integrity_check(&conn).map_err(|problems| refuse(format!("SQLite's integrity check found: {problems}")))?;
    let missing: Vec<&str> = AFTERWORD_TABLES.iter().copied().filter(|t| !tables.iter().any(|n| n == t)).collect();
    if !missing.is_empty() {
        return Err(refuse(format!("it is a SQLite database without Afterword's tables: {}", missing.join(", "))));
    }
    if found < 1 {
        return Err(refuse("it is a SQLite database without an Afterword schema version".into()));
    }
    // From here on it is our copy: a plain file (no -wal), upgraded as Store::open would.
    conn.pragma_update(None, "journal_mode", "DELETE").map_err(sqlite)?;
    conn.pragma_update(None, "foreign_keys", true).map_err(sqlite)?;
    migrations()
        .to_latest(&mut conn)
        .map_err(|e| refuse(format!("it could not be upgraded from schema {found}: {e}")))?;
    Ok(found)
}

/// An export handed to restore by mistake: say so instead of "file is not a database".
fn looks_like_json(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; 64];
    let read = std::fs::File::open(path).and_then(|mut f| f.read(&mut start)).unwrap_or(0);
    start[..read].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

pub(crate) fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    name.into()
}
