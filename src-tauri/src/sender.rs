//! The background sender: one thread with its own database connection (so the window's
//! commands never wait for it) that sends what is due through [`afterword_core::Store::send_due`],
//! by itself when messages are queued, when deferred ones come due, and when the server answers
//! again after being unreachable. [`Sender`] is its handle: wake it ("Send now"), pause and
//! resume it, read its [`SenderStatus`], and give it the password when the OS has no secret store.
//! A Microsoft 365 or Google account sends with its saved sign-in; when that is missing, expired
//! or revoked the run stops needing attention with [`SenderStatus::sign_in_required`] set, every
//! message still queued, until the analyst signs in again (which wakes the sender).
//!
//! A desktop notification says when a batch ends.

use afterword_core::outbox::{
    transport_with, KeyringSecrets, MemorySecrets, RunEnd, RunOptions, RunProgress, SecretStore,
};
use afterword_core::{Error, Store};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How often the sender looks for due messages when nothing wakes it.
const IDLE_POLL: Duration = Duration::from_secs(60);
/// After the server was unreachable, the first wait; doubles up to [`UNREACHABLE_CAP`].
const UNREACHABLE_FIRST: Duration = Duration::from_secs(30);
const UNREACHABLE_CAP: Duration = Duration::from_secs(15 * 60);

/// What the sender is doing, for the Outbox view and the sidebar.
#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
pub struct SenderStatus {
    /// `idle`, `sending`, `paused`, `waiting_for_server`, `needs_attention` or `busy_elsewhere`.
    pub activity: String,
    /// The current (or last) batch.
    pub progress: RunProgress,
    /// Why the sender waits, in plain words.
    pub message: Option<String>,
    /// When it will try the server again (waiting_for_server).
    pub retry_at: Option<String>,
    /// The OS secret store cannot be used: the password is kept in memory, asked once per start.
    pub secret_store_problem: Option<String>,
    /// `needs_attention` because the Microsoft 365 or Google sign-in is missing, expired or
    /// revoked: the fix is "Sign in again". Every message stays queued.
    pub sign_in_required: bool,
}

/// Something that tells the person a batch ended (the desktop notification in the app).
pub trait Notifier: Send + Sync {
    fn batch_ended(&self, title: &str, body: &str);
}

#[derive(Default)]
struct Signals {
    wake: bool,
    send_deferred_now: bool,
    paused: bool,
}

struct Shared {
    data_dir: PathBuf,
    signals: Mutex<Signals>,
    wakeup: Condvar,
    stop_run: AtomicBool,
    status: Mutex<SenderStatus>,
    secrets: OnceLock<Arc<dyn SecretStore>>,
    notifier: Box<dyn Notifier>,
}

#[derive(Clone)]
pub struct Sender {
    shared: Arc<Shared>,
}

impl Sender {
    /// Starts the sender thread on the database in `data_dir`.
    pub fn start(data_dir: PathBuf, notifier: Box<dyn Notifier>) -> Sender {
        let shared = Arc::new(Shared {
            data_dir,
            signals: Mutex::new(Signals { wake: true, ..Default::default() }),
            wakeup: Condvar::new(),
            stop_run: AtomicBool::new(false),
            status: Mutex::new(SenderStatus { activity: "idle".into(), ..Default::default() }),
            secrets: OnceLock::new(),
            notifier,
        });
        let worker = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("afterword-sender".into())
            .spawn(move || worker.run())
            .expect("a thread can be started");
        Sender { shared }
    }

    /// Look for due messages now; with `deferred_too`, deferred ones are due at once.
    pub fn wake(&self, deferred_too: bool) {
        let mut signals = self.shared.lock_signals();
        signals.wake = true;
        signals.send_deferred_now |= deferred_too;
        self.shared.wakeup.notify_all();
    }

    /// Stops after the message being sent; nothing more leaves until [`Sender::resume`].
    pub fn pause(&self) {
        self.shared.lock_signals().paused = true;
        self.shared.stop_run.store(true, Ordering::SeqCst);
        self.shared.set_status(|s| {
            if s.activity != "sending" {
                s.activity = "paused".into();
            }
        });
    }

    /// Whether [`Sender::pause`] holds it (until [`Sender::resume`]).
    pub fn is_paused(&self) -> bool {
        self.shared.lock_signals().paused
    }

    pub fn resume(&self) {
        self.shared.lock_signals().paused = false;
        self.shared.set_status(|s| s.activity = "idle".into());
        self.wake(false);
    }

    pub fn status(&self) -> SenderStatus {
        self.shared.status.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The secret store the app uses: the OS one, or memory when there is none. One for the
    /// whole app, so a password or sign-in kept in memory is the one the sender finds.
    pub fn secrets(&self) -> Arc<dyn SecretStore> {
        self.shared.secrets()
    }
}

impl Shared {
    fn lock_signals(&self) -> std::sync::MutexGuard<'_, Signals> {
        self.signals.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set_status(&self, change: impl FnOnce(&mut SenderStatus)) {
        change(&mut self.status.lock().unwrap_or_else(|p| p.into_inner()));
    }

    fn secrets(&self) -> Arc<dyn SecretStore> {
        Arc::clone(self.secrets.get_or_init(|| match KeyringSecrets::open() {
            Ok(store) => Arc::new(store),
            Err(error) => {
                tracing::warn!(%error, "no OS secret store; the SMTP password or sign-in stays in memory");
                self.set_status(|s| s.secret_store_problem = Some(error.to_string()));
                Arc::new(MemorySecrets::default())
            }
        }))
    }

    /// Waits until woken or `timeout`; returns whether deferred messages are due now.
    fn wait(&self, timeout: Duration) -> Option<bool> {
        let deadline = Instant::now() + timeout;
        let mut signals = self.lock_signals();
        loop {
            if signals.wake && !signals.paused {
                signals.wake = false;
                return Some(std::mem::take(&mut signals.send_deferred_now));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return if signals.paused { None } else { Some(false) };
            }
            signals = self.wakeup.wait_timeout(signals, left).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    fn run(&self) {
        let mut unreachable_wait = UNREACHABLE_FIRST;
        let mut next_wait = Duration::ZERO;
        loop {
            let Some(deferred_now) = self.wait(next_wait) else {
                next_wait = IDLE_POLL;
                continue;
            };
            self.stop_run.store(false, Ordering::SeqCst);
            let outcome = self.one_run(deferred_now);
            let unreachable = matches!(outcome, Ok(Some(RunEnd::Unreachable { .. })));
            next_wait = match outcome {
                Ok(Some(RunEnd::Unreachable { .. })) => {
                    let wait = unreachable_wait;
                    unreachable_wait = (unreachable_wait * 2).min(UNREACHABLE_CAP);
                    wait
                }
                Ok(Some(RunEnd::NeedsAttention { .. })) => IDLE_POLL * 10,
                Ok(_) => {
                    unreachable_wait = UNREACHABLE_FIRST;
                    self.until_next_due().unwrap_or(IDLE_POLL).min(IDLE_POLL)
                }
                Err(error) => {
                    tracing::warn!(%error, "the sender could not run");
                    IDLE_POLL
                }
            };
            if unreachable {
                let at = chrono::Utc::now() + chrono::Duration::from_std(next_wait).unwrap_or_default();
                self.set_status(|s| s.retry_at = Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
            }
        }
    }

    fn until_next_due(&self) -> Option<Duration> {
        let store = Store::open_in(&self.data_dir).ok()?;
        let next = store.next_due_at().ok()??;
        let next = chrono::DateTime::parse_from_rfc3339(&next).ok()?.with_timezone(&chrono::Utc);
        Some((next - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO) + Duration::from_millis(50))
    }

    /// One run over what is due; None when there was nothing to do.
    fn one_run(&self, deferred_now: bool) -> afterword_core::Result<Option<RunEnd>> {
        let store = Store::open_in(&self.data_dir)?;
        let lock = match store.begin_sending() {
            Ok(lock) => lock,
            Err(Error::Busy(message)) => {
                self.set_status(|s| {
                    s.activity = "busy_elsewhere".into();
                    s.message = Some(message);
                });
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let server = store.smtp_settings()?;
        // The password, or the saved Microsoft 365 / Google sign-in (or why there is none).
        let auth = store.smtp_auth(&server, self.secrets(), None)?;
        let mut transport = match transport_with(&server, auth, store.eml_outbox_folder()) {
            Ok(t) => t,
            Err(stop) => {
                let reason = stop.message().to_string();
                self.set_status(|s| {
                    s.activity = "needs_attention".into();
                    s.message = Some(reason.clone());
                    s.sign_in_required = stop.code() == "sign_in_required";
                });
                return Ok(Some(RunEnd::NeedsAttention { reason }));
            }
        };
        let options = RunOptions { include_deferred: deferred_now, rate_per_minute: server.rate_per_minute };
        let mut started = false;
        let report = store.send_due(&lock, transport.as_mut(), &options, &self.stop_run, &mut |progress| {
            started = true;
            self.set_status(|s| {
                s.activity = "sending".into();
                s.progress = progress.clone();
                s.message = None;
                s.retry_at = None;
                s.sign_in_required = false;
            });
        })?;
        drop(lock);
        let paused = self.lock_signals().paused;
        let (activity, message) = match &report.end {
            RunEnd::Finished if paused => ("paused", None),
            RunEnd::Finished => ("idle", None),
            RunEnd::Paused => ("paused", None),
            RunEnd::Unreachable { reason } => ("waiting_for_server", Some(reason.clone())),
            RunEnd::NeedsAttention { reason } => ("needs_attention", Some(reason.clone())),
        };
        self.set_status(|s| {
            s.activity = activity.into();
            s.message = message;
            s.progress = report.progress.clone();
            s.retry_at = None;
            s.sign_in_required = report.sign_in_required;
        });
        let p = &report.progress;
        if started && p.done > 0 {
            let title = match p.sent {
                1 => "1 thank-you sent".to_string(),
                n => format!("{n} thank-yous sent"),
            };
            let trouble = p.failed + p.uncertain;
            let mut body = Vec::new();
            if trouble > 0 {
                body.push(format!("{trouble} need your attention in the Outbox."));
            }
            if p.deferred > 0 {
                body.push(format!("{} will be tried again later.", p.deferred));
            }
            if let RunEnd::NeedsAttention { reason } | RunEnd::Unreachable { reason } = &report.end {
                body.push(reason.clone());
            }
            self.notifier.batch_ended(&title, &body.join(" "));
        }
        Ok(if report.progress.total == 0 && report.end == RunEnd::Finished { None } else { Some(report.end) })
    }
}
