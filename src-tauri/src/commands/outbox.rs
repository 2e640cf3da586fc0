//! The delivery commands: the mail server settings and its password, the server test, queueing,
//! the outbox list and its actions, and the background sender's controls. Thin wrappers over
//! [`afterword_core::outbox`] and [`crate::sender::Sender`].

use super::Answer;
use crate::desktop::Desktop;
use crate::error::IpcError;
use crate::sender::{Sender, SenderStatus};
use crate::state::AppState;
use afterword_core::outbox::*;
use serde::Serialize;
use tauri::State;

/// The mail server as the Settings screen shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SmtpView {
    pub settings: SmtpSettings,
    /// A password is saved (in the OS secret store, or in memory for this session).
    pub password_saved: bool,
    /// False when the OS has no secret store: the password lasts until Afterword closes.
    pub password_persistent: bool,
    /// Why the OS secret store cannot be used, if it cannot.
    pub secret_store_problem: Option<String>,
    /// Where messages go as .eml files while no server is set.
    pub eml_folder: String,
    /// For a Microsoft 365 or Google account: who is signed in, or why nobody is.
    pub sign_in: Option<SignInStatus>,
}

/// Blocks on the secret store (and, for a sign-in account, reads the database on a connection of
/// its own, so the window's is not held meanwhile).
pub(crate) fn view(data_dir: &std::path::Path, sender: &Sender, settings: SmtpSettings) -> Result<SmtpView, IpcError> {
    let secrets = sender.secrets();
    let password_saved = !settings.account.is_oauth()
        && !settings.username.is_empty()
        && secrets.get(&smtp_account(&settings.username, &settings.host)).map_err(IpcError::from)?.is_some();
    let sign_in = if settings.account.is_oauth() {
        Some(afterword_core::Store::open_in(data_dir).and_then(|s| s.sign_in_status(&*secrets))?)
    } else {
        None
    };
    Ok(SmtpView {
        password_saved,
        password_persistent: secrets.persistent(),
        secret_store_problem: sender.status().secret_store_problem,
        eml_folder: data_dir.join("outbox").display().to_string(),
        sign_in,
        settings,
    })
}

/// Runs blocking secret-store or network work off the async runtime's threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, IpcError> + Send + 'static,
) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| IpcError::new("internal", format!("The operation stopped unexpectedly: {e}")))?
}

#[tauri::command]
#[specta::specta]
pub async fn get_smtp_settings(state: State<'_, AppState>, sender: State<'_, Sender>) -> Answer<SmtpView> {
    let settings = state.run(|s| s.smtp_settings()).await?;
    let (data_dir, sender) = (state.data_dir.clone(), sender.inner().clone());
    blocking(move || view(&data_dir, &sender, settings)).await
}

/// Saves the server; a non-empty `password` is stored first (if the secret store refuses it,
/// nothing changes). Wakes the sender, which may have been waiting for a fix.
#[tauri::command]
#[specta::specta]
pub async fn save_smtp_settings(
    state: State<'_, AppState>,
    sender: State<'_, Sender>,
    input: SmtpSettings,
    password: Option<String>,
) -> Answer<SmtpView> {
    let clean = input.validated().map_err(IpcError::from)?;
    if let Some(password) = password.filter(|p| !p.is_empty()) {
        if clean.username.is_empty() {
            return Err(IpcError::from(afterword_core::Error::invalid(
                "username",
                "A password needs a user name: enter the user name the server expects.",
            )));
        }
        let (sender, account) = (sender.inner().clone(), smtp_account(&clean.username, &clean.host));
        blocking(move || sender.secrets().set(&account, &password).map_err(IpcError::from)).await?;
    }
    let saved = state.run(move |s| s.set_smtp_settings(&clean)).await?;
    sender.wake(false);
    let (data_dir, sender) = (state.data_dir.clone(), sender.inner().clone());
    blocking(move || view(&data_dir, &sender, saved)).await
}

#[tauri::command]
#[specta::specta]
pub async fn forget_smtp_password(state: State<'_, AppState>, sender: State<'_, Sender>) -> Answer<SmtpView> {
    let settings = state.run(|s| s.smtp_settings()).await?;
    let (data_dir, sender) = (state.data_dir.clone(), sender.inner().clone());
    blocking(move || {
        sender.secrets().delete(&smtp_account(&settings.username, &settings.host)).map_err(IpcError::from)?;
        view(&data_dir, &sender, settings)
    })
    .await
}

/// Sends a test message (to the sender unless `to` is given) with the saved settings, or with
/// `password` when one is typed but not saved yet; a Microsoft 365 or Google account signs in
/// with its saved sign-in.
#[tauri::command]
#[specta::specta]
pub async fn test_smtp(
    state: State<'_, AppState>,
    sender: State<'_, Sender>,
    to: Option<String>,
    password: Option<String>,
) -> Answer<TestReport> {
    let (identity, server) = state.run(|s| Ok((s.settings()?, s.smtp_settings()?))).await?;
    let sender = sender.inner().clone();
    if server.account.is_oauth() {
        let secrets = sender.secrets();
        let settings = server.clone();
        let auth = state.run(move |s| s.smtp_auth(&settings, secrets, None)).await?;
        return blocking(move || {
            send_test_message_with(&identity, &server, auth, to.as_deref()).map_err(IpcError::from)
        })
        .await;
    }
    blocking(move || {
        let password = match password.filter(|p| !p.is_empty()) {
            Some(p) => Some(p),
            None if server.username.is_empty() => None,
            None => sender.secrets().get(&smtp_account(&server.username, &server.host)).map_err(IpcError::from)?,
        };
        send_test_message(&identity, &server, password, to.as_deref()).map_err(IpcError::from)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn queue_incident(
    state: State<'_, AppState>,
    sender: State<'_, Sender>,
    incident: String,
) -> Answer<QueueReport> {
    let report = state.run(move |s| s.queue_incident(&incident)).await?;
    sender.wake(false);
    Ok(report)
}

#[tauri::command]
#[specta::specta]
pub async fn list_outbox(state: State<'_, AppState>, incident: Option<String>) -> Answer<Vec<OutboxEntry>> {
    state.run(move |s| s.outbox(incident.as_deref())).await
}

/// The outbox counts and what the sender is doing, polled by the Outbox view and the sidebar.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct OutboxState {
    pub counts: OutboxCounts,
    pub sender: SenderStatus,
}

#[tauri::command]
#[specta::specta]
pub async fn outbox_state(state: State<'_, AppState>, sender: State<'_, Sender>) -> Answer<OutboxState> {
    let counts = state.run(|s| s.outbox_counts()).await?;
    Ok(OutboxState { counts, sender: sender.status() })
}

/// "Send now": everything due, deferred messages included.
#[tauri::command]
#[specta::specta]
pub async fn send_now(sender: State<'_, Sender>) -> Answer<SenderStatus> {
    sender.resume();
    sender.wake(true);
    Ok(sender.status())
}

#[tauri::command]
#[specta::specta]
pub async fn pause_sending(sender: State<'_, Sender>) -> Answer<SenderStatus> {
    sender.pause();
    Ok(sender.status())
}

#[tauri::command]
#[specta::specta]
pub async fn resume_sending(sender: State<'_, Sender>) -> Answer<SenderStatus> {
    sender.resume();
    Ok(sender.status())
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_outbox(state: State<'_, AppState>, ids: Vec<String>) -> Answer<u32> {
    state.run(move |s| s.cancel_outbox(&ids)).await
}

#[tauri::command]
#[specta::specta]
pub async fn retry_outbox(state: State<'_, AppState>, sender: State<'_, Sender>, ids: Vec<String>) -> Answer<u32> {
    let moved = state.run(move |s| s.retry_outbox(&ids)).await?;
    sender.wake(false);
    Ok(moved)
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_uncertain(
    state: State<'_, AppState>,
    sender: State<'_, Sender>,
    id: String,
    resolution: Resolution,
) -> Answer<OutboxEntry> {
    let entry = state.run(move |s| s.resolve_uncertain(&id, resolution)).await?;
    sender.wake(false);
    Ok(entry)
}

#[tauri::command]
#[specta::specta]
pub async fn thanks_for(state: State<'_, AppState>, person: String) -> Answer<Vec<Thanks>> {
    state.run(move |s| s.thanks_for(&person)).await
}

/// Opens the folder of `.eml` files (created first, so there is something to open).
#[tauri::command]
#[specta::specta]
pub async fn open_outbox_folder(state: State<'_, AppState>, desktop: State<'_, Desktop>) -> Answer<String> {
    let folder = state.data_dir.join("outbox");
    std::fs::create_dir_all(&folder)
        .map_err(|e| IpcError::new("io", format!("Could not create the folder {}: {e}", folder.display())))?;
    let folder = folder.display().to_string();
    desktop.open_folder(&folder)?;
    Ok(folder)
}
