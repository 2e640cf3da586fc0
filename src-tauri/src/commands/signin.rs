//! Signing in to Microsoft 365 or Google Workspace from Settings: the admin guide, starting a
//! sign-in (the browser is opened from Rust), waiting for it, cancelling it, and signing out.
//! Thin wrappers over [`afterword_core::outbox::oauth`] and [`crate::signin::SignIns`].

use super::outbox::blocking;
use super::Answer;
use crate::desktop::Desktop;
use crate::sender::Sender;
use crate::signin::{SignInStarted, SignIns};
use crate::state::AppState;
use afterword_core::compose::markdown::html_fragment;
use afterword_core::outbox::oauth::admin_guide as guide_for;
use afterword_core::outbox::*;
use serde::Serialize;
use tauri::State;

/// What the organisation's admin registers for Afterword, for Settings to show.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AdminGuide {
    /// "Microsoft 365: what your admin registers".
    pub title: String,
    /// The steps as an HTML fragment (the core's Markdown guide: no raw HTML, no links).
    pub html: String,
}

/// The admin guide for `kind`; None for a password account.
#[tauri::command]
#[specta::specta]
pub async fn admin_guide(kind: AccountKind) -> Answer<Option<AdminGuide>> {
    Ok(guide_for(kind).map(|markdown| {
        let (title, steps) = markdown.split_once('\n').unwrap_or(("", markdown));
        AdminGuide { title: title.trim_start_matches('#').trim().to_string(), html: html_fragment(steps) }
    }))
}

/// Starts a sign-in with the saved settings (one under way is cancelled) and opens the system
/// browser; answers what to show while it waits. [`wait_sign_in`] then waits for the end.
#[tauri::command]
#[specta::specta]
pub async fn start_sign_in(
    state: State<'_, AppState>,
    sender: State<'_, Sender>,
    desktop: State<'_, Desktop>,
    sign_ins: State<'_, SignIns>,
    method: SignInMethod,
) -> Answer<SignInStarted> {
    state.database_ready()?;
    let (data_dir, sender, tools, sign_ins) =
        (state.data_dir.clone(), sender.inner().clone(), desktop.tools(), sign_ins.inner().clone());
    blocking(move || sign_ins.start(data_dir, sender, method, &|url| tools.open_url(url))).await
}

/// Waits for the sign-in under way to end: who is signed in now, or the error in plain words
/// (`cancelled` after [`cancel_sign_in`]). The previous sign-in is kept on failure.
#[tauri::command]
#[specta::specta]
pub async fn wait_sign_in(sign_ins: State<'_, SignIns>) -> Answer<SignInStatus> {
    let sign_ins = sign_ins.inner().clone();
    sign_ins.wait().await
}

/// Cancels the sign-in under way; false when there was none.
#[tauri::command]
#[specta::specta]
pub async fn cancel_sign_in(sign_ins: State<'_, SignIns>) -> Answer<bool> {
    Ok(sign_ins.cancel())
}

/// The sign-in under way, if any (Settings opened again while it waits).
#[tauri::command]
#[specta::specta]
pub async fn pending_sign_in(sign_ins: State<'_, SignIns>) -> Answer<Option<SignInStarted>> {
    Ok(sign_ins.pending())
}

/// What signing out did, and the sign-in status after it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SignedOut {
    pub report: SignOutReport,
    pub status: SignInStatus,
}

/// Signs out: revokes the sign-in where the provider allows it, then deletes it here.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(
    state: State<'_, AppState>,
    sender: State<'_, Sender>,
    sign_ins: State<'_, SignIns>,
) -> Answer<SignedOut> {
    sign_ins.cancel();
    let secrets = sender.secrets();
    state
        .run_alone(move |s| Ok(SignedOut { report: s.sign_out(&*secrets)?, status: s.sign_in_status(&*secrets)? }))
        .await
}
