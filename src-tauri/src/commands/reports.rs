//! The Reports view's commands: live previews, the save dialog, saving a report in any format
//! (on a connection of its own, so the window stays responsive while a big one is written), and
//! the history shown on incident and person pages.

use super::Answer;
use crate::desktop::Desktop;
use crate::state::AppState;
use afterword_core::history::HistoryEntry;
use afterword_core::reports::*;
use serde::Serialize;
use tauri::State;

/// What a saved report holds: where it went, its lines of detail and its size.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SavedReport {
    pub path: String,
    /// Contributions (contributor report) or ranked people (recognition report).
    pub lines: u32,
    pub bytes: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn contributor_report_preview(
    state: State<'_, AppState>,
    filter: ReportFilter,
) -> Answer<ContributorPreview> {
    state.run(move |s| s.contributor_preview(&filter, 25, 50)).await
}

#[tauri::command]
#[specta::specta]
pub async fn recognition_report_preview(
    state: State<'_, AppState>,
    filter: ReportFilter,
    top: u32,
) -> Answer<RecognitionDocument> {
    state.run(move |s| s.recognition_report(&filter, top)).await
}

/// The native save dialog for a report, suggesting `file_name`.
#[tauri::command]
#[specta::specta]
pub async fn choose_report_file(
    desktop: State<'_, Desktop>,
    format: ReportFormat,
    file_name: String,
) -> Answer<Option<String>> {
    let (name, extension) = match format {
        ReportFormat::Csv => ("CSV for spreadsheets", "csv"),
        ReportFormat::Json => ("JSON", "json"),
        ReportFormat::Md => ("Markdown", "md"),
        ReportFormat::Pdf => ("PDF", "pdf"),
    };
    let chosen =
        desktop.save_file("Save the report".into(), file_name, vec![(name.into(), vec![extension.into()])]).await?;
    // The dialog may return a name typed without the extension: the format decides it.
    Ok(chosen.map(|path| {
        let wanted = std::path::Path::new(&path);
        if ReportFormat::from_path(wanted) == Some(format) {
            path
        } else {
            format!("{path}.{extension}")
        }
    }))
}

/// Writes the report to `path` on a connection of its own.
#[tauri::command]
#[specta::specta]
pub async fn save_report(
    state: State<'_, AppState>,
    kind: ReportKind,
    filter: ReportFilter,
    format: ReportFormat,
    path: String,
) -> Answer<SavedReport> {
    state
        .run_alone(move |store| {
            let target = std::path::Path::new(&path);
            let lines = afterword_pdf::save_report(store, kind, &filter, format, target)?;
            let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
            Ok(SavedReport {
                path,
                lines: lines.min(u64::from(u32::MAX)) as u32,
                bytes: bytes.min(u64::from(u32::MAX)) as u32,
            })
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn incident_history(state: State<'_, AppState>, incident: String) -> Answer<Vec<HistoryEntry>> {
    state.run(move |s| s.incident_history(&incident)).await
}

#[tauri::command]
#[specta::specta]
pub async fn person_history(state: State<'_, AppState>, person: String) -> Answer<Vec<HistoryEntry>> {
    state.run(move |s| s.person_history(&person)).await
}
