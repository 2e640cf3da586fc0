//! Putting a checked database in place of the live one.
//!
//! - [`into_live`]: SQLite's backup API copies every page of the checked file into the live
//!   connection in one write transaction. Other connections (the app's sender, the window) see the
//!   restored data at their next read; no file is swapped under an open WAL. SQLite rolls a
//!   copy that fails part-way back, so the live database is either replaced whole or unchanged.
//! - [`replace_file`]: when the live file cannot be opened at all (damaged, or from a newer
//!   version), nothing has it open: it is moved aside, kept, and the checked file renamed in.

use super::copy::Scratch;
use super::verify::with_suffix;
use super::{failed, folder_of, io, sync_folder};
use crate::error::{Error, Result};
use crate::store::{Store, DATABASE_FILE};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long to wait for another connection's write to finish before giving up.
const WAIT_FOR_WRITERS: Duration = Duration::from_secs(30);

/// Replaces everything the live connection sees with the content of `checked`.
pub(crate) fn into_live(live: &mut Connection, checked: &Path) -> Result<()> {
    let why = |detail: String| {
        failed(format!(
            "The live database could not be replaced ({detail}); it was left as it was. Close other Afterword \
             windows and try again."
        ))
    };
    match_page_size(live, checked).map_err(|e| why(e.to_string()))?;
    let source =
        Connection::open_with_flags(checked, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| why(e.to_string()))?;
    let backup = Backup::new(&source, live).map_err(|e| why(e.to_string()))?;
    let started = Instant::now();
    loop {
        // -1: every page in one step, so the live database changes in one transaction.
        match backup.step(-1).map_err(|e| why(e.to_string()))? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            StepResult::Busy | StepResult::Locked if started.elapsed() < WAIT_FOR_WRITERS => {
                std::thread::sleep(Duration::from_millis(50));
            }
            _ => return Err(why("another connection kept writing to it".into())),
        }
    }
}

/// A WAL database cannot take pages of another size through the backup API: rebuild the
/// checked copy (ours, in rollback mode) with the live page size first. Afterword never changes
/// the page size, so this only matters for a backup made by other tools.
fn match_page_size(live: &Connection, checked: &Path) -> rusqlite::Result<()> {
    let page_size = |c: &Connection| c.pragma_query_value(None, "page_size", |r| r.get::<_, i64>(0));
    let wanted = page_size(live)?;
    let copy =
        Connection::open_with_flags(checked, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    if page_size(&copy)? != wanted {
        copy.pragma_update(None, "page_size", wanted)?;
        copy.execute_batch("VACUUM")?;
    }
    Ok(())
}

/// Moves the unopenable `live` file (and its -wal, -shm) aside as `afterword.db.{why}-{time}`
/// and renames `checked` into its place. Returns where the old file went. If the rename in
/// fails, the old file is moved back.
pub(crate) fn replace_file(live: &Path, checked: Scratch, why: &str) -> Result<PathBuf> {
    let time = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let name = live.file_name().and_then(|n| n.to_str()).unwrap_or(DATABASE_FILE);
    let mut aside = live.with_file_name(format!("{name}.{why}-{time}"));
    let mut n = 2;
    while aside.exists() {
        aside = live.with_file_name(format!("{name}.{why}-{time}-{n}"));
        n += 1;
    }
    let moves: Vec<(PathBuf, PathBuf)> = ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| (with_suffix(live, suffix), with_suffix(&aside, suffix)))
        .filter(|(from, _)| from.exists())
        .collect();
    let context = format!("Could not move {} aside", live.display());
    for (done, (from, to)) in moves.iter().enumerate() {
        if let Err(source) = std::fs::rename(from, to) {
            undo(&moves[..done]);
            return Err(Error::Io { context, source });
        }
    }
    if let Err(source) = checked.persist(live) {
        undo(&moves);
        return Err(Error::Io {
            context: format!("Could not put the checked copy in place of {}", live.display()),
            source,
        });
    }
    sync_folder(folder_of(live)).map_err(io(format!("Could not save {}", live.display())))?;
    tracing::warn!(aside = %aside.display(), "moved an unopenable database aside and put a checked copy in its place");
    Ok(aside)
}

fn undo(moves: &[(PathBuf, PathBuf)]) {
    for (from, to) in moves.iter().rev() {
        if let Err(error) = std::fs::rename(to, from) {
            tracing::error!(from = %to.display(), to = %from.display(), %error, "could not move a database back");
        }
    }
}

/// The live database, opened, or why it cannot be (so a restore or an import may replace it).
pub(crate) enum Live {
    Open(Box<Store>),
    /// `why` is `damaged` or `newer`; `error` is what opening it said.
    Unopenable {
        why: &'static str,
        error: Error,
    },
}

/// Opens `DIR/afterword.db`. A file that is damaged or from a newer version is reported as
/// unopenable, but only after a read-only look of our own confirms it: a file that was merely
/// busy (another process writing) must never be moved aside.
pub(crate) fn open_live(dir: &Path) -> Result<Live> {
    let live = dir.join(DATABASE_FILE);
    match Store::open_in(dir) {
        Ok(store) => Ok(Live::Open(Box::new(store))),
        Err(error @ Error::NewerSchema { .. }) => Ok(Live::Unopenable { why: "newer", error }),
        Err(error @ Error::Damaged { .. }) if confirmed_damaged(&live) => {
            Ok(Live::Unopenable { why: "damaged", error })
        }
        Err(error) => Err(error),
    }
}

fn confirmed_damaged(path: &Path) -> bool {
    use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
    let busy = |e: &rusqlite::Error| matches!(e.sqlite_error_code(), Some(DatabaseBusy | DatabaseLocked));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match Connection::open_with_flags(path, flags) {
        Ok(conn) => conn,
        Err(e) => return !busy(&e) && path.is_file(),
    };
    let _ = conn.busy_timeout(Duration::from_secs(5));
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
        Err(e) => !busy(&e),
        Ok(_) => super::integrity_check(&conn).is_err(),
    }
}
