//! The commands the UI calls. Each is a thin async wrapper over one [`afterword_core::Store`]
//! method, run through [`AppState::run`]; failures become [`IpcError`].

use crate::error::IpcError;
use crate::state::AppState;
use afterword_core::*;
use serde::Serialize;
use tauri::State;

pub(crate) type Answer<T> = Result<T, IpcError>;

pub mod backup;
pub use backup::*;
pub mod compose;
pub use compose::*;
pub mod import;
pub use import::*;
pub mod outbox;
pub use outbox::*;
pub mod reports;
pub use reports::*;
pub mod signin;
pub use signin::*;
pub mod trash;
pub use trash::*;

/// Facts about this installation for the Settings screen and start-up notices.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub database: String,
    pub schema_version: u32,
    /// Something to tell the person at start-up, e.g. that a damaged settings file was kept aside.
    pub notice: Option<String>,
    /// Why the database could not be opened (newer version, damaged); the UI shows only this.
    pub database_problem: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> Answer<AppInfo> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        data_dir: state.data_dir.display().to_string(),
        database: state.data_dir.join(DATABASE_FILE).display().to_string(),
        schema_version: SCHEMA_VERSION as u32,
        notice: state.settings_notice.lock().map(|n| n.clone()).unwrap_or(None),
        database_problem: state.database_problem(),
    })
}

/// The UI reports that a view is on screen; the answer is the milliseconds since the process
/// started. Logged, so start-up time can be measured on real data without instrumenting WebKit.
#[tauri::command]
#[specta::specta]
pub async fn mark_shown(state: State<'_, AppState>, view: String) -> Answer<u32> {
    let elapsed = state.started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
    tracing::info!(view = %view, elapsed_ms = elapsed, "view shown");
    Ok(elapsed)
}

#[tauri::command]
#[specta::specta]
pub async fn overview(state: State<'_, AppState>) -> Answer<Overview> {
    let prefetched = std::sync::Arc::clone(&state.prefetched);
    state.run(move |s| prefetched.overview(s).map_or_else(|| s.overview(), Ok)).await
}

#[tauri::command]
#[specta::specta]
pub async fn load_example(state: State<'_, AppState>) -> Answer<Incident> {
    state.run(|s| s.load_example()).await
}

// ---- incidents

#[tauri::command]
#[specta::specta]
pub async fn list_incidents(state: State<'_, AppState>, filter: IncidentFilter) -> Answer<IncidentPage> {
    let prefetched = std::sync::Arc::clone(&state.prefetched);
    state.run(move |s| prefetched.incident_page(s, &filter).map_or_else(|| s.list_incidents(&filter), Ok)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_incident(state: State<'_, AppState>, id: String) -> Answer<IncidentDetail> {
    state.run(move |s| s.incident_detail(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_incident(state: State<'_, AppState>, input: IncidentInput) -> Answer<Incident> {
    state.run(move |s| s.create_incident(&input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_incident(state: State<'_, AppState>, id: String, input: IncidentInput) -> Answer<Incident> {
    state.run(move |s| s.update_incident(&id, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_incident_status(
    state: State<'_, AppState>,
    id: String,
    status: Status,
    confirmed: bool,
) -> Answer<Incident> {
    state.run(move |s| s.set_incident_status(&id, status, confirmed)).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_incident(state: State<'_, AppState>, id: String, confirmed: bool) -> Answer<Deleted> {
    state.run(move |s| s.delete_incident(&id, confirmed)).await
}

#[tauri::command]
#[specta::specta]
pub async fn restore_incident(state: State<'_, AppState>, id: String) -> Answer<Incident> {
    state.run(move |s| s.restore_incident(&id)).await
}

// ---- people

#[tauri::command]
#[specta::specta]
pub async fn search_people(state: State<'_, AppState>, query: String, limit: Option<u32>) -> Answer<Vec<Person>> {
    state.run(move |s| s.search_people(&query, limit)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_person(state: State<'_, AppState>, id: String) -> Answer<PersonDetail> {
    state.run(move |s| s.person_detail(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_person(state: State<'_, AppState>, input: PersonInput) -> Answer<Person> {
    state.run(move |s| s.create_person(&input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_person(state: State<'_, AppState>, id: String, input: PersonInput) -> Answer<Person> {
    state.run(move |s| s.update_person(&id, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_person(state: State<'_, AppState>, id: String, confirmed: bool) -> Answer<Deleted> {
    state.run(move |s| s.delete_person(&id, confirmed)).await
}

#[tauri::command]
#[specta::specta]
pub async fn restore_person(state: State<'_, AppState>, id: String) -> Answer<Person> {
    state.run(move |s| s.restore_person(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn merge_people(state: State<'_, AppState>, keep: String, duplicate: String) -> Answer<Person> {
    state.run(move |s| s.merge_people(&keep, &duplicate)).await
}

// ---- contributions

#[tauri::command]
#[specta::specta]
pub async fn add_contribution(state: State<'_, AppState>, input: ContributionInput) -> Answer<Contribution> {
    state.run(move |s| s.add_contribution(&input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_contribution(
    state: State<'_, AppState>,
    id: String,
    input: ContributionInput,
) -> Answer<Contribution> {
    state.run(move |s| s.update_contribution(&id, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_contribution(state: State<'_, AppState>, id: String) -> Answer<Deleted> {
    state.run(move |s| s.delete_contribution(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn restore_contribution(state: State<'_, AppState>, id: String) -> Answer<Contribution> {
    state.run(move |s| s.restore_contribution(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn preview_quick_add(state: State<'_, AppState>, line: String) -> Answer<QuickAddPreview> {
    state.run(move |s| s.preview_quick_add(&line)).await
}

/// A pasted block, one preview per non-empty line (each line becomes its own contribution).
#[tauri::command]
#[specta::specta]
pub async fn preview_quick_add_lines(
    state: State<'_, AppState>,
    text: String,
) -> Answer<Vec<afterword_core::contributions::QuickAddLinePreview>> {
    state.run(move |s| s.preview_quick_add_lines(&text)).await
}

#[tauri::command]
#[specta::specta]
pub async fn quick_add(state: State<'_, AppState>, request: QuickAddRequest) -> Answer<QuickAddOutcome> {
    state.run(move |s| s.quick_add(&request)).await
}

// ---- preferences

#[tauri::command]
#[specta::specta]
pub async fn get_preferences(state: State<'_, AppState>) -> Answer<Preferences> {
    Ok(state.preferences()?.load())
}

#[tauri::command]
#[specta::specta]
pub async fn set_preferences(state: State<'_, AppState>, preferences: Preferences) -> Answer<()> {
    state.preferences()?.save(&preferences).map_err(|e| IpcError::new("preferences", e))
}
