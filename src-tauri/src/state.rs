//! [`AppState`]: the open [`Store`] behind a mutex, shared by all commands, and what the app
//! learned at launch (data folder, settings notice).
//!
//! A database that cannot be opened (written by a newer version, damaged) does not stop the app:
//! the window opens and every command answers `database_unavailable` with the reason, which the
//! UI shows in place of its screens, so a person who started the app from a menu sees why.
//!
//! SQLite work is blocking, so [`AppState::run`] moves it off the async runtime's threads and
//! never onto the main (UI) thread: the window stays responsive during long queries.
//! [`AppState::run_alone`] does the same on a connection of its own, for work that takes long.

use crate::error::IpcError;
use crate::preferences::PreferenceFile;
use crate::prefetch::Prefetched;
use afterword_core::Store;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

pub struct AppState {
    store: Result<Arc<Mutex<Store>>, IpcError>,
    pub data_dir: PathBuf,
    /// When the process started, for [`crate::commands::mark_shown`].
    pub started: Instant,
    /// A message to show once, e.g. that a damaged settings file was moved aside.
    pub settings_notice: Mutex<Option<String>>,
    preferences: OnceLock<Box<dyn PreferenceFile>>,
    /// The first answers of the incident list, computed at launch ([`AppState::prefetch`]).
    pub(crate) prefetched: Arc<Prefetched>,
}

impl AppState {
    pub fn open(data_dir: PathBuf) -> AppState {
        AppState::open_at(data_dir, Instant::now())
    }

    pub fn open_at(data_dir: PathBuf, started: Instant) -> AppState {
        let store = Store::open_in(&data_dir).map(|store| Arc::new(Mutex::new(store))).map_err(|error| {
            tracing::error!(%error, "the database cannot be opened");
            IpcError::new("database_unavailable", error.to_string())
        });
        AppState {
            store,
            data_dir,
            started,
            settings_notice: Mutex::new(None),
            preferences: OnceLock::new(),
            prefetched: Arc::default(),
        }
    }

    /// Computes the first answers the incident list asks for ([`Prefetched`]) on a thread of
    /// their own, while the window and its web view start.
    pub fn prefetch(&self) {
        let Ok(store) = &self.store else { return };
        let (store, prefetched, started) = (Arc::clone(store), Arc::clone(&self.prefetched), self.started);
        let spawned = std::thread::Builder::new().name("afterword-prefetch".into()).spawn(move || {
            prefetched.fill(&store.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
            crate::startup_mark(started, "first answers ready");
        });
        if let Err(error) = spawned {
            tracing::warn!(%error, "could not prefetch the incident list");
        }
    }

    /// Fails with the reason when the database could not be opened.
    pub fn database_ready(&self) -> Result<(), IpcError> {
        self.store.as_ref().map(|_| ()).map_err(Clone::clone)
    }

    /// Why the database could not be opened, if it could not.
    pub fn database_problem(&self) -> Option<String> {
        self.store.as_ref().err().map(|e| e.message.clone())
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
        let store = Arc::clone(self.store.as_ref().map_err(Clone::clone)?);
        tauri::async_runtime::spawn_blocking(move || {
            // A panic in an earlier command poisons the lock; the connection itself is still sound
            // (every write is a transaction that rolled back), so carry on with it.
            let store = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&store).map_err(IpcError::from)
        })
        .await
        .map_err(|e| IpcError::new("internal", format!("The operation stopped unexpectedly: {e}")))?
    }

    /// Runs `work` on a connection of its own, on a blocking-task thread: for long work (a big
    /// report, a backup, a restore) that must not hold the window's connection meanwhile.
    pub async fn run_alone<T, F>(&self, work: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> afterword_core::Result<T> + Send + 'static,
    {
        self.database_ready()?;
        let dir = self.data_dir.clone();
        tauri::async_runtime::spawn_blocking(move || Store::open_in(&dir).and_then(|mut store| work(&mut store)))
            .await
            .map_err(|e| IpcError::new("internal", format!("The operation stopped unexpectedly: {e}")))?
            .map_err(IpcError::from)
    }
}
