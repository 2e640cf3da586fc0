//! Restoring a backup: [`Store::restore_from`] for an open database, [`restore_in`] for a data
//! folder whose database may not open at all. The order is what keeps data safe: check an
//! upgraded private copy, keep a copy of the live database, replace, then record it.

use super::automatic::before_replacing;
use super::swap::{into_live, open_live, replace_file, Live};
use super::verify::checked_backup;
use super::{counts, same_file, to_u32, RestoreInfo};
use crate::error::{Error, Result};
use crate::store::{Store, DATABASE_FILE, SCHEMA_VERSION};
use serde_json::json;
use std::path::Path;

impl Store {
    /// Replaces the whole database with the backup at `source` (any schema up to this
    /// version's; older ones are upgraded). A damaged, foreign or newer file is refused before
    /// anything changes; a checked copy of the database as it was goes to `backups/` first.
    /// Other connections to the same file see the restored data at their next read.
    pub fn restore_from(&mut self, source: &Path) -> Result<RestoreInfo> {
        refuse_the_live_file(source, self.path())?;
        let checked = checked_backup(source, self.path())?;
        let previous = before_replacing(&self.conn, self.path(), "restore")?;
        into_live(&mut self.conn, checked.scratch.path())?;
        drop(checked.scratch);
        let counts = counts(&self.conn)?;
        self.record_dataset_change(
            "restore",
            json!({ "source": source, "previous": previous, "backup_schema_version": checked.found }),
        );
        Ok(RestoreInfo {
            source: source.to_path_buf(),
            backup_schema_version: to_u32(checked.found),
            schema_version: to_u32(SCHEMA_VERSION),
            incidents: counts.incidents,
            people: counts.people,
            contributions: counts.contributions,
            previous,
        })
    }

    /// One audit line for a change to the whole dataset, written after it landed (the lines
    /// before it came with the data). Not writing it is logged, not an error: the data is
    /// already replaced, and saying otherwise would mislead.
    pub(crate) fn record_dataset_change(&self, action: &str, detail: serde_json::Value) {
        if let Err(error) = self.write(|tx| crate::audit::record(tx, self, "dataset", "", action, detail)) {
            tracing::error!(%error, action, "could not record the change to the dataset in the audit log");
        }
    }
}

/// Restores `source` into the data folder `dir`. When its database cannot be opened (damaged,
/// or from a newer version), the backup is checked first, then that file is moved aside as
/// `afterword.db.damaged-{time}` (or `.newer-…`) and kept, and the checked copy takes its place.
pub fn restore_in(dir: &Path, source: &Path) -> Result<RestoreInfo> {
    let live = dir.join(DATABASE_FILE);
    refuse_the_live_file(source, &live)?;
    match open_live(dir)? {
        Live::Open(mut store) => store.restore_from(source),
        Live::Unopenable { why, error } => {
            tracing::warn!(%error, "restoring over a database that cannot be opened");
            let checked = checked_backup(source, &live)?;
            let found = checked.found;
            let previous = replace_file(&live, checked.scratch, why)?;
            let store = Store::open(&live)?;
            let counts = counts(&store.conn)?;
            store.record_dataset_change(
                "restore",
                json!({ "source": source, "previous": previous, "backup_schema_version": found }),
            );
            Ok(RestoreInfo {
                source: source.to_path_buf(),
                backup_schema_version: to_u32(found),
                schema_version: to_u32(SCHEMA_VERSION),
                incidents: counts.incidents,
                people: counts.people,
                contributions: counts.contributions,
                previous,
            })
        }
    }
}

fn refuse_the_live_file(source: &Path, live: &Path) -> Result<()> {
    if same_file(source, live) {
        return Err(Error::invalid(
            "path",
            format!("{} is the live database itself; choose a backup file to restore from.", source.display()),
        ));
    }
    Ok(())
}
