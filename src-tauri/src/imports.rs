//! Imports run as background jobs ([`ImportJobs`]) on a connection of their own, so a
//! million-row file neither blocks the window's commands nor freezes the window: the UI starts
//! a job, polls its progress, may cancel it (an import then writes nothing), and collects the
//! preview or report when it is done. Files dropped on the window are announced to the UI as
//! the `file-dropped` event ([`on_drag_drop`]).

use crate::error::IpcError;
use afterword_core::exchange::import::*;
use afterword_core::Store;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tauri::{Emitter, Runtime, Window, WindowEvent};

/// What a finished job produced.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportOutcome {
    Preview(ImportPreview),
    Report(ImportReport),
}

/// A job as the UI sees it when it polls.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ImportJobStatus {
    pub progress: ImportProgress,
    /// Set once the job has ended: its outcome, or why it failed or was stopped.
    pub outcome: Option<ImportOutcome>,
    pub error: Option<IpcError>,
}

#[derive(Default)]
struct Job {
    progress: Mutex<Option<ImportProgress>>,
    cancel: AtomicBool,
    result: Mutex<Option<Result<ImportOutcome, IpcError>>>,
}

/// The running and finished (not yet collected) import jobs.
#[derive(Default)]
pub struct ImportJobs {
    jobs: Mutex<HashMap<String, Arc<Job>>>,
    next: std::sync::atomic::AtomicU64,
}

struct Watch<'a>(&'a Job);

impl ImportObserver for Watch<'_> {
    fn progress(&mut self, progress: &ImportProgress) -> bool {
        *self.0.progress.lock().unwrap_or_else(|p| p.into_inner()) = Some(*progress);
        !self.0.cancel.load(Ordering::Relaxed)
    }
}

impl ImportJobs {
    /// Starts a preview (`apply` false) or an import on its own thread and connection.
    pub fn start(&self, data_dir: PathBuf, request: ImportRequest, apply: bool) -> Result<String, IpcError> {
        let id = format!("import-{}", self.next.fetch_add(1, Ordering::Relaxed) + 1);
        let job = Arc::new(Job::default());
        self.lock().insert(id.clone(), Arc::clone(&job));
        let spawned = std::thread::Builder::new().name("afterword-import".into()).spawn(move || {
            let result = Store::open_in(&data_dir)
                .and_then(|store| {
                    let mut watch = Watch(&job);
                    if apply {
                        store.import_people(&request, &mut watch).map(ImportOutcome::Report)
                    } else {
                        store.preview_import(&request, &mut watch).map(ImportOutcome::Preview)
                    }
                })
                .map_err(IpcError::from);
            *job.result.lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
        });
        spawned.map_err(|e| IpcError::new("internal", format!("Could not start the import: {e}")))?;
        Ok(id)
    }

    /// The job's progress; once it has ended, its outcome (and the job is forgotten).
    pub fn status(&self, id: &str) -> Result<ImportJobStatus, IpcError> {
        let job = self
            .lock()
            .get(id)
            .cloned()
            .ok_or_else(|| IpcError::new("not_found", "This import is no longer running; start it again."))?;
        let progress = job.progress.lock().unwrap_or_else(|p| p.into_inner()).unwrap_or(ImportProgress {
            rows: 0,
            bytes: 0.0,
            total_bytes: None,
        });
        let result = job.result.lock().unwrap_or_else(|p| p.into_inner()).take();
        let (outcome, error) = match result {
            None => (None, None),
            Some(result) => {
                self.lock().remove(id);
                match result {
                    Ok(outcome) => (Some(outcome), None),
                    Err(error) => (None, Some(error)),
                }
            }
        };
        Ok(ImportJobStatus { progress, outcome, error })
    }

    /// Asks the job to stop; it ends with a `cancelled` error and writes nothing.
    pub fn cancel(&self, id: &str) {
        if let Some(job) = self.lock().get(id) {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Job>>> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The event the UI hears when a file is dropped on the window: its path.
pub const FILE_DROPPED: &str = "file-dropped";

/// A file dropped on the window goes to the import screen (the first one, if several).
pub fn on_drag_drop<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if let WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
        if let Some(path) = paths.first() {
            if let Err(error) = window.emit_to(window.label(), FILE_DROPPED, path.display().to_string()) {
                tracing::warn!(%error, "could not announce a dropped file");
            }
        }
    }
}
