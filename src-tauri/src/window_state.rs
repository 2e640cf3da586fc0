//! Remembers the window's size and position as soon as it settles after a move or resize, not
//! only at a clean exit (tauri-plugin-window-state saves on exit alone, so a crash or a kill
//! would forget the geometry).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tauri::{Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// How long the window must stay still before its geometry is written.
const SETTLE: Duration = Duration::from_millis(400);

static LATEST_CHANGE: AtomicU64 = AtomicU64::new(0);

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
        return;
    }
    let change = LATEST_CHANGE.fetch_add(1, Ordering::SeqCst) + 1;
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        if LATEST_CHANGE.load(Ordering::SeqCst) == change {
            if let Err(error) = app.save_window_state(StateFlags::all()) {
                tracing::warn!(%error, "could not save the window's size and position");
            }
        }
    });
}
