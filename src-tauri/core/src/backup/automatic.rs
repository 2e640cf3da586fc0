//! The copies Afterword makes by itself, in `backups/` beside the database: before each
//! migration (`afterword-before-v{N}-{time}.db`, N the schema about to be applied), before each
//! restore (`afterword-before-restore-{time}.db`) and before each import
//! (`afterword-before-import-{time}.db`). The last [`KEEP_AUTOMATIC`] of each kind are kept;
//! other files in the folder are never touched.

use super::copy::checked_copy;
use super::failed;
use crate::error::Result;
use crate::store::SCHEMA_VERSION;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// How many automatic copies of each kind are kept.
pub const KEEP_AUTOMATIC: usize = 5;

const BEFORE_MIGRATION: &str = "afterword-before-v";

/// Where automatic copies of the database at `database` go: `backups/` beside it.
pub fn backups_dir(database: &Path) -> PathBuf {
    super::folder_of(database).join("backups")
}

/// Copies the not-yet-migrated database (schema `found`) before [`crate::Store::open`] upgrades
/// it. A copy that cannot be made refuses the upgrade: the file is left as it was.
pub(crate) fn before_migration(conn: &Connection, database: &Path, found: i64) -> Result<PathBuf> {
    let stem = format!("{BEFORE_MIGRATION}{SCHEMA_VERSION}");
    let copy = automatic_copy(conn, database, &stem, BEFORE_MIGRATION).map_err(|detail| {
        failed(format!(
            "Afterword could not back up {} before upgrading it from schema {found} to {SCHEMA_VERSION} \
             ({detail}), so it did not upgrade it: the file was left untouched. Make room on the disk or check \
             that {} can be written, then start Afterword again.",
            database.display(),
            backups_dir(database).display()
        ))
    })?;
    tracing::info!(copy = %copy.display(), found, "backed up the database before upgrading it");
    Ok(copy)
}

/// The checked copy of the live database taken before a restore or an import replaces it.
pub(crate) fn before_replacing(conn: &Connection, database: &Path, kind: &str) -> Result<PathBuf> {
    let prefix = format!("afterword-before-{kind}-");
    automatic_copy(conn, database, prefix.trim_end_matches('-'), &prefix).map_err(|detail| {
        failed(format!(
            "Could not keep a copy of the live database before the {kind} ({detail}), so nothing was replaced. \
             Make room on the disk or check that {} can be written, then try again.",
            backups_dir(database).display()
        ))
    })
}

/// A checked copy named `STEM-{time}.db` in `backups/`, then the kind (`prefix`) pruned.
fn automatic_copy(
    conn: &Connection,
    database: &Path,
    stem: &str,
    prefix: &str,
) -> std::result::Result<PathBuf, String> {
    let dir = backups_dir(database);
    std::fs::create_dir_all(&dir).map_err(|e| format!("could not create the folder {}: {e}", dir.display()))?;
    let dest = unused_name(&dir, stem);
    checked_copy(conn, &dest)?;
    prune(&dir, prefix);
    Ok(dest)
}

/// `STEM-YYYYMMDDTHHMMSSZ.db`, or `…-2.db` and on when several copies land in one second.
fn unused_name(dir: &Path, stem: &str) -> PathBuf {
    let time = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut path = dir.join(format!("{stem}-{time}.db"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{time}-{n}.db"));
        n += 1;
    }
    path
}

/// Deletes all but the newest [`KEEP_AUTOMATIC`] copies whose names start with `prefix` and
/// carry a time. Ordered by the time in the name (not the file's date, which copying changes).
/// A file that cannot be deleted is only logged: pruning never fails a backup.
fn prune(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut copies: Vec<((String, u32), PathBuf)> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let key = name.strip_prefix(prefix).and_then(time_in_name)?;
            Some((key, entry.path()))
        })
        .collect();
    copies.sort();
    let excess = copies.len().saturating_sub(KEEP_AUTOMATIC);
    for (_, path) in copies.into_iter().take(excess) {
        if let Err(error) = std::fs::remove_file(&path) {
            tracing::warn!(path = %path.display(), %error, "could not delete an old automatic backup");
        }
    }
}

/// The time and the same-second counter in `…-YYYYMMDDTHHMMSSZ[-N].db`.
fn time_in_name(rest: &str) -> Option<(String, u32)> {
    let stem = rest.strip_suffix(".db")?;
    let mut parts = stem.rsplit('-');
    let last = parts.next()?;
    let (time, n) = if is_time(last) { (last, 1) } else { (parts.next().filter(|t| is_time(t))?, last.parse().ok()?) };
    Some((time.to_string(), n))
}

fn is_time(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 16 && b[8] == b'T' && b[15] == b'Z' && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_their_time_then_their_counter() {
        assert_eq!(time_in_name("4-20261125T101500Z.db"), Some(("20261125T101500Z".into(), 1)));
        assert_eq!(time_in_name("4-20261125T101500Z-3.db"), Some(("20261125T101500Z".into(), 3)));
        assert_eq!(time_in_name("20261125T101500Z.db"), Some(("20261125T101500Z".into(), 1)));
        assert_eq!(time_in_name("4-notes.db"), None);
        assert_eq!(time_in_name("4-20261125T101500Z.db.txt"), None);
    }

    #[test]
    fn pruning_keeps_the_newest_of_one_kind_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "afterword-before-v3-20200101T000000Z.db",
            "afterword-before-v4-20200101T000001Z.db",
            "afterword-before-v4-20200101T000001Z-2.db",
            "afterword-before-v9-20190101T000000Z.db",
            "afterword-before-v4-20210101T000000Z.db",
            "afterword-before-v4-20220101T000000Z.db",
            "afterword-before-v10-20230101T000000Z.db",
            "afterword-before-restore-20100101T000000Z.db",
            "my-own-copy.db",
        ];
        for name in names {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        prune(dir.path(), BEFORE_MIGRATION);
        let mut left: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        assert_eq!(
            left,
            [
                "afterword-before-restore-20100101T000000Z.db",
                "afterword-before-v10-20230101T000000Z.db",
                "afterword-before-v4-20200101T000001Z-2.db",
                "afterword-before-v4-20200101T000001Z.db",
                "afterword-before-v4-20210101T000000Z.db",
                "afterword-before-v4-20220101T000000Z.db",
                "my-own-copy.db",
            ]
        );
    }
}
