//! The window's sign-in to Microsoft 365 or Google Workspace ([`SignIns`]), one at a time.
//!
//! [`SignIns::start`] prepares it with the saved settings (the core's [`SignIn::start`]: a
//! listener on 127.0.0.1 on a fresh port, or a device code), asks the system browser to open the
//! sign-in page (from Rust: the web view holds no opener permission) and returns what the window
//! shows while it waits ([`SignInStarted`]: the link to copy, and why the browser did not open if
//! it did not). A thread of its own then waits for the browser, gets the tokens, keeps them
//! ([`Store::save_sign_in`] on a connection of its own; the refresh token goes to the app's one
//! secret store, the sender's) and wakes the sender, so messages that waited for the sign-in go
//! out. The window waits for the end with [`SignIns::wait`] and may [`SignIns::cancel`]. A
//! failed or cancelled sign-in leaves the previous one as it was. No token crosses to the web
//! view.

use crate::error::IpcError;
use crate::sender::Sender;
use afterword_core::outbox::{
    AccountKind, SecretStore, SignIn, SignInCancel, SignInMethod, SignInPrompt, SignInStatus,
};
use afterword_core::Store;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// A sign-in under way, as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SignInStarted {
    pub kind: AccountKind,
    /// Open a URL in the browser (shown with a Copy button), or enter a code on another device.
    pub prompt: SignInPrompt,
    /// The system browser was asked to open the sign-in page.
    pub browser_opened: bool,
    /// Why the browser could not be opened (no browser or opener on this system), in plain words.
    pub browser_problem: Option<String>,
}

type Outcome = Option<Result<SignInStatus, IpcError>>;

struct Job {
    started: SignInStarted,
    cancel: SignInCancel,
    done: watch::Receiver<Outcome>,
}

#[derive(Default)]
struct Inner {
    current: Mutex<Option<Arc<Job>>>,
    /// Held while a sign-in is being prepared, so two starts never race.
    starting: Mutex<()>,
}

/// The window's sign-ins: the current one (under way or just ended). Cheap to clone.
#[derive(Clone, Default)]
pub struct SignIns(Arc<Inner>);

impl SignIns {
    fn current(&self) -> Option<Arc<Job>> {
        self.0.current.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Starts a sign-in with the settings saved in `data_dir`, cancelling one under way; `open`
    /// opens a URL in the system browser. Blocks (the tenant check or the device code asks the
    /// provider first): call it off the async runtime.
    pub fn start(
        &self,
        data_dir: PathBuf,
        sender: Sender,
        method: SignInMethod,
        open: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<SignInStarted, IpcError> {
        let _one_at_a_time = self.0.starting.lock().unwrap_or_else(|p| p.into_inner());
        self.cancel();
        let settings = Store::open_in(&data_dir)?.smtp_settings()?;
        let flow = SignIn::start(&settings, method)?;
        let prompt = flow.prompt();
        let (browser_opened, browser_problem) = match &prompt {
            SignInPrompt::OpenBrowser { url, .. } => match open(url) {
                Ok(()) => (true, None),
                Err(why) => (false, Some(format!("Afterword could not open your browser: {why}."))),
            },
            SignInPrompt::EnterCode { .. } => (false, None),
        };
        let started = SignInStarted { kind: settings.account, prompt, browser_opened, browser_problem };
        let (tx, done) = watch::channel(None);
        let job = Arc::new(Job { started: started.clone(), cancel: flow.canceller(), done });
        *self.0.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(job);
        let spawned = std::thread::Builder::new().name("afterword-sign-in".into()).spawn(move || {
            let secrets = sender.secrets();
            let result = finish(&data_dir, flow, secrets.as_ref());
            if result.is_ok() {
                // Messages that waited for the sign-in go out now, not at the next poll.
                sender.wake(false);
            }
            let _ = tx.send(Some(result));
        });
        spawned.map_err(|e| IpcError::new("internal", format!("The sign-in could not be started: {e}")))?;
        Ok(started)
    }

    /// Waits until the current sign-in ends: who is signed in now, or why it failed
    /// (`cancelled` when cancelled).
    pub async fn wait(&self) -> Result<SignInStatus, IpcError> {
        let job = self.current().ok_or_else(|| IpcError::new("not_found", "No sign-in is under way."))?;
        let mut done = job.done.clone();
        let ended = done
            .wait_for(Option::is_some)
            .await
            .map_err(|_| IpcError::new("internal", "The sign-in stopped unexpectedly; nothing was changed."))?
            .clone();
        ended.unwrap_or_else(|| Err(IpcError::new("internal", "The sign-in ended without an answer.")))
    }

    /// Cancels the sign-in under way, if any; true when there was one.
    pub fn cancel(&self) -> bool {
        match self.current() {
            Some(job) if job.done.borrow().is_none() => {
                job.cancel.cancel();
                true
            }
            _ => false,
        }
    }

    /// The sign-in under way, for a Settings screen opened again while it waits.
    pub fn pending(&self) -> Option<SignInStarted> {
        self.current().filter(|job| job.done.borrow().is_none()).map(|job| job.started.clone())
    }
}

/// Waits for the browser (or the other device), then keeps the sign-in.
fn finish(data_dir: &Path, flow: SignIn, secrets: &dyn SecretStore) -> Result<SignInStatus, IpcError> {
    let signed_in = flow.finish(&mut |_| {})?;
    // Opened only now: a restore meanwhile may have replaced the database file.
    let store = Store::open_in(data_dir)?;
    store.save_sign_in(secrets, &signed_in)?;
    Ok(store.sign_in_status(secrets)?)
}
