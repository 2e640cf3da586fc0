//! Recently deleted: the list behind the UI's "Recently deleted" view. Restoring uses the
//! existing `restore_incident`, `restore_person` and `restore_contribution` commands.

use super::Answer;
use crate::state::AppState;
use afterword_core::*;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn recently_deleted(state: State<'_, AppState>, limit: Option<u32>) -> Answer<Vec<DeletedItem>> {
    state.run(move |s| s.recently_deleted(limit)).await
}
