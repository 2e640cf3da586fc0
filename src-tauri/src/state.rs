//! [`AppState`]: the open [`Store`] behind a mutex, shared by all commands, and what the app
//! learned at launch (data folder, settings notice).
//!
//! SQLite work is blocking, so [`AppState::run`] moves it off the async runtime's threads and
//! never onto the main (UI) thread: the window stays responsive during long queries.

use crate::error::IpcError;
use crate::preferences::PreferenceFile;
use afterword_core::Store;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

pub struct AppState {
    store: Arc<Mutex<Store>>,
    pub data_dir: PathBuf,
    /// When the process started, for [`crate::commands::mark_shown`].
    pub started: Instant,
    /// A message to show once, e.g. that a damaged settings file was moved aside.
    pub settings_notice: Mutex<Option<String>>,
    preferences: OnceLock<Box<dyn PreferenceFile>>,
}

impl AppState {
    pub fn open(data_dir: PathBuf) -> afterword_core::Result<AppState> {
        AppState::open_at(data_dir, Instant::now())
    }

    pub fn open_at(data_dir: PathBuf, started: Instant) -> afterword_core::Result<AppState> {
        let store = Store::open_in(&data_dir)?;
        Ok(AppState {
            store: Arc::new(Mutex::new(store)),
            data_dir,
            started,
            settings_notice: Mutex::new(None),
            preferences: OnceLock::new(),
        })
    }

    pub(crate) fn set_preferences(&self, file: Box<dyn PreferenceFile>) {
        let _ = self.preferences.set(file);
    }

    pub fn preferences(&self) -> Result<&dyn PreferenceFile, IpcError> {
        self.preferences
            .get()
            .map(|f| f.as_ref())
            .ok_or_else(|| IpcError::new("internal", "Preferences are not available yet; try again."))
    }

    /// Runs `work` with the store on a blocking-task thread.
    pub async fn run<T, F>(&self, work: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> afterword_core::Result<T> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tauri::async_runtime::spawn_blocking(move || {
            // A panic in an earlier command poisons the lock; the connection itself is still sound
            // (every write is a transaction that rolled back), so carry on with it.
            let store = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&store).map_err(IpcError::from)
        })
        .await
        .map_err(|e| IpcError::new("internal", format!("The operation stopped unexpectedly: {e}")))?
    }
}
