//! Preferences in tauri-plugin-store (`settings.json` in the data folder), behind the
//! runtime-independent [`PreferenceFile`] so commands stay plain functions.
//!
//! The file is checked with [`afterword_core::preferences::guard_settings_file`] before the
//! plugin opens it, because the plugin would otherwise start empty over a damaged file and lose it.

use afterword_core::preferences::{guard_settings_file, SettingsFile};
use afterword_core::Preferences;
use std::path::Path;
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::{Store, StoreExt};

const FILE: &str = "settings.json";
const KEY: &str = "preferences";

/// Where preferences are read from and written to.
pub trait PreferenceFile: Send + Sync {
    fn load(&self) -> Preferences;
    fn save(&self, preferences: &Preferences) -> Result<(), String>;
}

struct PluginFile<R: Runtime>(Arc<Store<R>>);

impl<R: Runtime> PreferenceFile for PluginFile<R> {
    fn load(&self) -> Preferences {
        self.0.get(KEY).and_then(|value| serde_json::from_value(value).ok()).unwrap_or_default()
    }

    fn save(&self, preferences: &Preferences) -> Result<(), String> {
        self.0.set(KEY, serde_json::to_value(preferences).map_err(|e| e.to_string())?);
        self.0.save().map_err(|e| format!("Could not save your settings: {e}"))
    }
}

/// Run once in the app's setup: guards the file, opens it with the store plugin and hands it to
/// [`crate::AppState`]. Returns a notice for the person if the old file was damaged.
pub fn install<R: Runtime>(app: &AppHandle<R>) -> Result<(), String> {
    let state = app.state::<crate::AppState>();
    let path = state.data_dir.join(FILE);
    if let Some(notice) = guard(&path) {
        *state.settings_notice.lock().unwrap_or_else(|p| p.into_inner()) = Some(notice);
    }
    let store = app.store(&path).map_err(|e| format!("Could not open {}: {e}", path.display()))?;
    state.set_preferences(Box::new(PluginFile(store)));
    Ok(())
}

fn guard(path: &Path) -> Option<String> {
    match guard_settings_file(path, chrono::Utc::now()) {
        Ok(found @ SettingsFile::MovedAside { .. }) => found.notice(),
        Ok(_) => None,
        Err(e) => Some(e.to_string()),
    }
}
