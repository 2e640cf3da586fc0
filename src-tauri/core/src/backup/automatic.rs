//! The copies Afterword makes by itself, in `backups/` beside the database: before each
//! migration (`afterword-before-v{N}-{time}.db`, N the schema about to be applied), before each
//! restore (`afterword-before-restore-{time}.db`) and before each import
//! (`afterword-before-import-{time}.db`). The last [`KEEP_AUTOMATIC`] of each kind are kept;
//! other files in the folder are never touched. [`automatic_backups`] lists them, newest first.

use super::copy::checked_copy;
use super::{failed, io};
use crate::error::Result;
use crate::store::SCHEMA_VERSION;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::{Path, PathBuf};

/// How many automatic copies of each kind are kept.
pub const KEEP_AUTOMATIC: usize = 5;

const BEFORE_MIGRATION: &str = "afterword-before-v";
const BEFORE: &str = "afterword-before-";

/// Why Afterword made a copy by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AutomaticReason {
    /// Before a newer Afterword upgraded the database.
    Upgrade,
    /// Before a restore replaced the database.
    Restore,
    /// Before an import of a whole dataset replaced it.
    Import,
}

/// One of the copies in `backups/`, as [`automatic_backups`] finds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AutomaticBackup {
    pub path: PathBuf,
    /// The file's name, e.g. `afterword-before-restore-20261125T101500Z.db`.
    pub name: String,
    pub reason: AutomaticReason,
    /// When it was made (UTC, RFC 3339), from its name: copying the file changes its date.
    pub made_at: String,
    #[specta(type = f64)]
    pub bytes: u64,
}

/// Where automatic copies of the database at `database` go: `backups/` beside it.
pub fn backups_dir(database: &Path) -> PathBuf {
    super::folder_of(database).join("backups")
}

/// The automatic copies of the database at `database`, newest first; nothing when there are
/// none yet. Files in `backups/` that Afterword did not name are left out.
pub fn automatic_backups(database: &Path) -> Result<Vec<AutomaticBackup>> {
    let dir = backups_dir(database);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(format!("Could not read the folder {}", dir.display()))(e)),
    };
    let mut found: Vec<((String, u32), AutomaticBackup)> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let (reason, rest) = reason_of(&name)?;
            let (time, n) = time_in_name(rest)?;
            let made = chrono::NaiveDateTime::parse_from_str(&time, "%Y%m%dT%H%M%SZ").ok()?.and_utc();
            let bytes = entry.metadata().ok().filter(|m| m.is_file())?.len();
            let backup = AutomaticBackup {
                path: entry.path(),
                name,
                reason,
                made_at: made.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                bytes,
            };
            Some(((time, n), backup))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(found.into_iter().map(|(_, backup)| backup).collect())
}

/// The kind of an automatic copy's name, and the rest of the name after its prefix.
fn reason_of(name: &str) -> Option<(AutomaticReason, &str)> {
    let rest = name.strip_prefix(BEFORE)?;
    if let Some(rest) = rest.strip_prefix("restore-") {
        return Some((AutomaticReason::Restore, rest));
    }
    if let Some(rest) = rest.strip_prefix("import-") {
        return Some((AutomaticReason::Import, rest));
    }
    let (version, _) = rest.strip_prefix('v')?.split_once('-')?;
    (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()))
        .then_some((AutomaticReason::Upgrade, &rest[1..]))
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
    fn automatic_copies_are_listed_newest_first_with_their_reason_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("afterword.db");
        assert_eq!(automatic_backups(&database).unwrap(), [], "no folder yet: nothing");
        let backups = backups_dir(&database);
        std::fs::create_dir(&backups).unwrap();
        for name in [
            "afterword-before-v5-20261125T101500Z.db",
            "afterword-before-restore-20261126T080000Z.db",
            "afterword-before-restore-20261126T080000Z-2.db",
            "afterword-before-import-20261124T000000Z.db",
            "afterword-before-v-20261127T000000Z.db",
            "afterword-before-restore-notes.db",
            "my-own-copy.db",
        ] {
            std::fs::write(backups.join(name), b"12345").unwrap();
        }
        std::fs::create_dir(backups.join("afterword-before-import-20261128T000000Z.db")).unwrap();
        let listed = automatic_backups(&database).unwrap();
        let names: Vec<(&str, AutomaticReason, &str)> =
            listed.iter().map(|b| (b.name.as_str(), b.reason, b.made_at.as_str())).collect();
        assert_eq!(
            names,
            [
                ("afterword-before-restore-20261126T080000Z-2.db", AutomaticReason::Restore, "2026-11-26T08:00:00Z"),
                ("afterword-before-restore-20261126T080000Z.db", AutomaticReason::Restore, "2026-11-26T08:00:00Z"),
                ("afterword-before-v5-20261125T101500Z.db", AutomaticReason::Upgrade, "2026-11-25T10:15:00Z"),
                ("afterword-before-import-20261124T000000Z.db", AutomaticReason::Import, "2026-11-24T00:00:00Z"),
            ]
        );
        assert_eq!((listed[0].bytes, listed[0].path.parent()), (5, Some(backups.as_path())));
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
