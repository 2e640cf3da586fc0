//! The native folder and file pickers, the file manager and the system browser, behind [`Desktop`]
//! so commands stay free of the runtime type: the app installs the real one (dialog and opener
//! plugins, called from Rust only, so the web view holds no permission for them).

use crate::error::IpcError;
use tauri::{AppHandle, Manager, Runtime};

pub trait DesktopTools: Send + Sync {
    /// Shows the folder picker; `done` gets the chosen folder, or None when cancelled.
    fn pick_folder(&self, title: String, done: Box<dyn FnOnce(Option<String>) + Send>);
    /// Shows the open-file dialog with `filters` (name, extensions); `done` gets the file.
    fn pick_file(
        &self,
        title: String,
        filters: Vec<(String, Vec<String>)>,
        done: Box<dyn FnOnce(Option<String>) + Send>,
    );
    /// Shows the save dialog suggesting `file_name`; `done` gets the chosen path.
    fn save_file(
        &self,
        title: String,
        file_name: String,
        filters: Vec<(String, Vec<String>)>,
        done: Box<dyn FnOnce(Option<String>) + Send>,
    );
    fn open_folder(&self, folder: &str) -> Result<(), String>;
    /// Opens `url` in the system browser (the Microsoft 365 or Google sign-in page).
    fn open_url(&self, url: &str) -> Result<(), String>;
}

impl<R: Runtime> DesktopTools for AppHandle<R> {
    fn pick_folder(&self, title: String, done: Box<dyn FnOnce(Option<String>) + Send>) {
        use tauri_plugin_dialog::DialogExt;
        self.dialog()
            .file()
            .set_title(title)
            .pick_folder(move |folder| done(folder.and_then(|f| f.into_path().ok()).map(|p| p.display().to_string())));
    }

    fn pick_file(
        &self,
        title: String,
        filters: Vec<(String, Vec<String>)>,
        done: Box<dyn FnOnce(Option<String>) + Send>,
    ) {
        use tauri_plugin_dialog::DialogExt;
        let mut dialog = self.dialog().file().set_title(title);
        for (name, extensions) in &filters {
            let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
            dialog = dialog.add_filter(name, &extensions);
        }
        dialog.pick_file(move |file| done(file.and_then(|f| f.into_path().ok()).map(|p| p.display().to_string())));
    }

    fn save_file(
        &self,
        title: String,
        file_name: String,
        filters: Vec<(String, Vec<String>)>,
        done: Box<dyn FnOnce(Option<String>) + Send>,
    ) {
        use tauri_plugin_dialog::DialogExt;
        let mut dialog = self.dialog().file().set_title(title).set_file_name(file_name);
        for (name, extensions) in &filters {
            let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
            dialog = dialog.add_filter(name, &extensions);
        }
        dialog.save_file(move |file| done(file.and_then(|f| f.into_path().ok()).map(|p| p.display().to_string())));
    }

    fn open_folder(&self, folder: &str) -> Result<(), String> {
        use tauri_plugin_opener::OpenerExt;
        self.opener().open_path(folder, None::<&str>).map_err(|e| e.to_string())
    }

    fn open_url(&self, url: &str) -> Result<(), String> {
        use tauri_plugin_opener::OpenerExt;
        // The opener's own error repeats the whole command line, link and all: plain words.
        self.opener().open_url(url, None::<&str>).map_err(|error| {
            let missing =
                matches!(&error, tauri_plugin_opener::Error::Io(e) if e.kind() == std::io::ErrorKind::NotFound);
            tracing::info!(missing, "no program opened the link in a browser");
            if missing {
                "this computer has no program to open links, such as xdg-open".to_string()
            } else {
                "the program that opens links on this computer, such as xdg-open, reported a failure".to_string()
            }
        })
    }
}

/// Managed state holding the desktop tools.
pub struct Desktop(pub std::sync::Arc<dyn DesktopTools>);

impl Desktop {
    pub fn install<R: Runtime>(app: &AppHandle<R>) {
        app.manage(Desktop(std::sync::Arc::new(app.clone())));
    }

    /// The tools themselves, for work on another thread.
    pub fn tools(&self) -> std::sync::Arc<dyn DesktopTools> {
        std::sync::Arc::clone(&self.0)
    }

    pub async fn pick_folder(&self, title: String) -> Result<Option<String>, IpcError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.0.pick_folder(
            title,
            Box::new(move |folder| {
                let _ = tx.send(folder);
            }),
        );
        rx.await.map_err(|_| IpcError::new("internal", "The folder dialog closed unexpectedly."))
    }

    pub async fn pick_file(
        &self,
        title: String,
        filters: Vec<(String, Vec<String>)>,
    ) -> Result<Option<String>, IpcError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.0.pick_file(
            title,
            filters,
            Box::new(move |file| {
                let _ = tx.send(file);
            }),
        );
        rx.await.map_err(|_| IpcError::new("internal", "The file dialog closed unexpectedly."))
    }

    pub async fn save_file(
        &self,
        title: String,
        file_name: String,
        filters: Vec<(String, Vec<String>)>,
    ) -> Result<Option<String>, IpcError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.0.save_file(
            title,
            file_name,
            filters,
            Box::new(move |file| {
                let _ = tx.send(file);
            }),
        );
        rx.await.map_err(|_| IpcError::new("internal", "The save dialog closed unexpectedly."))
    }

    pub fn open_folder(&self, folder: &str) -> Result<(), IpcError> {
        if !std::path::Path::new(folder).is_dir() {
            return Err(IpcError::new("not_found", format!("The folder {folder} does not exist (any more).")));
        }
        self.0.open_folder(folder).map_err(|e| IpcError::new("io", format!("Could not open the folder: {e}")))
    }
}

/// Desktop notifications for the background sender (the notification plugin, from Rust only).
pub struct Notifications<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> crate::sender::Notifier for Notifications<R> {
    fn batch_ended(&self, title: &str, body: &str) {
        use tauri_plugin_notification::NotificationExt;
        let mut notification = self.0.notification().builder().title(title);
        if !body.is_empty() {
            notification = notification.body(body);
        }
        // No notification service (a bare session, a test) is not a reason to fail a batch.
        if let Err(error) = notification.show() {
            tracing::info!(%error, "the desktop notification could not be shown");
        }
    }
}
