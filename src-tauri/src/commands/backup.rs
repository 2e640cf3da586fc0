//! Settings › Your data: a backup now, a restore, the whole dataset exported as JSON and
//! imported back, and the automatic copies in `backups/`. Thin wrappers over
//! [`afterword_core::backup`], each on a connection of its own ([`AppState::run_alone`]) so the
//! window stays responsive while a large database is copied.
//!
//! A restore or an import replaces everything, the outbox too: what was waiting to be sent in the
//! data brought back would leave again by itself, although it may have gone out since. So the
//! background sender is paused first (and the sending lock held, so no run is half-way through
//! while the data changes under it), and stays paused when the new data holds messages waiting:
//! the analyst looks at the Outbox and resumes ([`HeldSending`]).
//!
//! The window's connection sees the new data at its next read (the core replaces the content
//! through SQLite's backup API); the answers prefetched at launch are dropped by themselves,
//! since another connection changed the database ([`crate::prefetch`]).

use super::Answer;
use crate::desktop::Desktop;
use crate::error::IpcError;
use crate::sender::Sender;
use crate::state::AppState;
use afterword_core::backup::*;
use afterword_core::{Error, Store, DATABASE_FILE};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, Instant};
use tauri::State;

/// Which kind of file a dialog is for: a SQLite backup or a JSON export of everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DataFile {
    Backup,
    Export,
}

impl DataFile {
    fn extension(self) -> &'static str {
        match self {
            DataFile::Backup => "db",
            DataFile::Export => "json",
        }
    }

    fn filter(self) -> (String, Vec<String>) {
        let name = match self {
            DataFile::Backup => "Afterword backup (.db)",
            DataFile::Export => "Afterword export (.json)",
        };
        (name.into(), vec![self.extension().into()])
    }
}

/// What a restore or an import did to sending.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct HeldSending {
    /// Messages queued, being sent or deferred in the data brought back.
    pub waiting: u32,
    /// Sending is paused now: it was before, or it stays paused because messages are waiting.
    pub paused: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Restored {
    pub info: RestoreInfo,
    pub sending: HeldSending,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Imported {
    pub info: ImportInfo,
    pub sending: HeldSending,
}

/// The automatic copies and the folder they are in.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AutomaticBackups {
    pub folder: String,
    /// Newest first.
    pub backups: Vec<AutomaticBackup>,
}

/// The save dialog for a backup (`afterword-backup-YYYY-MM-DD.db`) or an export
/// (`afterword-export-YYYY-MM-DD.json`). A name typed without the extension gets it.
#[tauri::command]
#[specta::specta]
pub async fn choose_data_destination(desktop: State<'_, Desktop>, kind: DataFile) -> Answer<Option<String>> {
    let (title, stem) = match kind {
        DataFile::Backup => ("Back up Afterword’s data", "afterword-backup"),
        DataFile::Export => ("Export everything", "afterword-export"),
    };
    let today = chrono::Local::now().format("%Y-%m-%d");
    let name = format!("{stem}-{today}.{}", kind.extension());
    let chosen = desktop.save_file(title.into(), name, vec![kind.filter()]).await?;
    Ok(chosen.map(|path| {
        let has_it = Path::new(&path).extension().is_some_and(|e| e.eq_ignore_ascii_case(kind.extension()));
        if has_it {
            path
        } else {
            format!("{path}.{}", kind.extension())
        }
    }))
}

/// The open dialog for a backup to restore or an export to import.
#[tauri::command]
#[specta::specta]
pub async fn choose_data_source(desktop: State<'_, Desktop>, kind: DataFile) -> Answer<Option<String>> {
    let title = match kind {
        DataFile::Backup => "Restore from a backup",
        DataFile::Export => "Import everything from an export",
    };
    desktop.pick_file(title.into(), vec![kind.filter(), ("All files".into(), vec!["*".into()])]).await
}

#[tauri::command]
#[specta::specta]
pub async fn backup_database(state: State<'_, AppState>, path: String) -> Answer<BackupInfo> {
    state.run_alone(move |store| store.backup_to(Path::new(&path))).await
}

#[tauri::command]
#[specta::specta]
pub async fn export_all_data(state: State<'_, AppState>, path: String) -> Answer<ExportInfo> {
    state.run_alone(move |store| store.export_all(Path::new(&path))).await
}

/// Replaces the whole database with the backup at `path` (checked first; a copy of the data as
/// it was goes to `backups/`).
#[tauri::command]
#[specta::specta]
pub async fn restore_database(state: State<'_, AppState>, sender: State<'_, Sender>, path: String) -> Answer<Restored> {
    let (info, sending) = replacing(&state, &sender, move |store| store.restore_from(Path::new(&path))).await?;
    Ok(Restored { info, sending })
}

/// Replaces the whole dataset with the export at `path`. Without `replace`, a database that
/// holds incidents or people answers `needs_confirmation`.
#[tauri::command]
#[specta::specta]
pub async fn import_all_data(
    state: State<'_, AppState>,
    sender: State<'_, Sender>,
    path: String,
    replace: bool,
) -> Answer<Imported> {
    let (info, sending) = replacing(&state, &sender, move |store| store.import_all(Path::new(&path), replace)).await?;
    Ok(Imported { info, sending })
}

#[tauri::command]
#[specta::specta]
pub async fn list_backups(state: State<'_, AppState>) -> Answer<AutomaticBackups> {
    let database = state.data_dir.join(DATABASE_FILE);
    let folder = backups_dir(&database).display().to_string();
    let backups = tauri::async_runtime::spawn_blocking(move || automatic_backups(&database))
        .await
        .map_err(|e| IpcError::new("internal", format!("Listing the backups stopped unexpectedly: {e}")))??;
    Ok(AutomaticBackups { folder, backups })
}

/// How long a restore waits for a message being sent to be done with.
const WAIT_FOR_SENDING: Duration = Duration::from_secs(30);

/// Runs `work` (a restore or an import) with the sender paused and the sending lock held; see
/// the module's notes. Sending resumes afterwards unless it was paused before or the new data
/// holds messages waiting.
async fn replacing<T: Send + 'static>(
    state: &AppState,
    sender: &Sender,
    work: impl FnOnce(&mut Store) -> afterword_core::Result<T> + Send + 'static,
) -> Answer<(T, HeldSending)> {
    state.database_ready()?;
    let was_paused = sender.is_paused();
    sender.pause();
    let result = state
        .run_alone(move |store| {
            let _lock = sending_lock(store)?;
            let done = work(store)?;
            Ok((done, store.outbox_counts()?.waiting()))
        })
        .await;
    let paused = was_paused || matches!(&result, Ok((_, waiting)) if *waiting > 0);
    if !paused {
        sender.resume();
    }
    let (done, waiting) = result?;
    Ok((done, HeldSending { waiting, paused }))
}

/// The sending lock, once the run in progress (if any, here or in another Afterword) is over.
fn sending_lock(store: &Store) -> afterword_core::Result<afterword_core::outbox::SendingLock> {
    let started = Instant::now();
    loop {
        match store.begin_sending() {
            Err(Error::Busy(_)) if started.elapsed() < WAIT_FOR_SENDING => {
                std::thread::sleep(Duration::from_millis(100))
            }
            Err(Error::Busy(_)) => {
                return Err(Error::Busy(
                    "A thank-you is being sent right now (by this window or another Afterword), so nothing was \
                     replaced. Try again in a minute."
                        .into(),
                ))
            }
            other => return other,
        }
    }
}
