//! The import commands: choose a file, inspect it, and run previews and imports as background
//! jobs ([`crate::imports::ImportJobs`]) that the UI polls.

use super::Answer;
use crate::desktop::Desktop;
use crate::imports::{ImportJobStatus, ImportJobs};
use crate::state::AppState;
use afterword_core::exchange::import::*;
use tauri::State;

/// The native open dialog, for contact files (CSV, vCard, text) and mailmerge projects.
#[tauri::command]
#[specta::specta]
pub async fn choose_import_file(desktop: State<'_, Desktop>) -> Answer<Option<String>> {
    let filters = vec![
        ("Contacts (CSV, vCard, text)".to_string(), vec!["csv".into(), "vcf".into(), "vcard".into(), "txt".into()]),
        ("All files".to_string(), vec!["*".into()]),
    ];
    desktop.pick_file("Import people from a file".into(), filters).await
}

/// What a source is (format, encoding, columns, the mapping guess) without reading its rows.
#[tauri::command]
#[specta::specta]
pub async fn inspect_import(state: State<'_, AppState>, request: ImportRequest) -> Answer<ImportSummary> {
    state.run(move |s| s.inspect_import(&request)).await
}

/// Starts a preview (`apply` false: nothing is written) or the import itself; returns the job.
#[tauri::command]
#[specta::specta]
pub async fn start_import(
    state: State<'_, AppState>,
    jobs: State<'_, ImportJobs>,
    request: ImportRequest,
    apply: bool,
) -> Answer<String> {
    state.database_ready()?;
    jobs.start(state.data_dir.clone(), request, apply)
}

#[tauri::command]
#[specta::specta]
pub async fn import_status(jobs: State<'_, ImportJobs>, job: String) -> Answer<ImportJobStatus> {
    jobs.status(&job)
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_import(jobs: State<'_, ImportJobs>, job: String) -> Answer<()> {
    jobs.cancel(&job);
    Ok(())
}
