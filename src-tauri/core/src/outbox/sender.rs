//! The sending loop: [`Store::send_due`] takes the due messages (queued, or deferred whose time
//! has come) and hands each to a [`Transport`], recording every step in SQLite. Whatever kills the
//! process, a message is never sent twice silently: one that may have been handed over is found
//! at the next start and becomes *uncertain*, for the analyst to resolve ([`Store::begin_sending`]).
//!
//! Durability without an fsync per message: a run *reserves* the next messages (state `sending`,
//! not yet `attempting`) in one transaction synced to disk, then marks each `attempting` just
//! before handing it over and records the verdict, both without waiting for the disk. After the
//! process dies on the same boot of the machine, the operating system still has every write, so
//! the one message `attempting` becomes uncertain and the merely reserved go back to the queue.
//! After a reboot (a power cut may have lost the unsynced writes), every reserved message that has
//! no synced verdict becomes uncertain: never resent silently, at the cost of asking about more.
//!
//! Only one sender may work on a database at a time: [`SendingLock`] is an OS file lock beside
//! it, held for the whole run and released when the process ends, however it ends.

use super::transport::{Attempt, Delivery, Stop, Transport};
use crate::error::{Error, Result};
use crate::store::Store;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::fs::{File, TryLockError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The first wait after a temporary failure; it doubles up to [`BACKOFF_CAP`].
const BACKOFF_FIRST: Duration = Duration::from_secs(60);
const BACKOFF_CAP: Duration = Duration::from_secs(60 * 60);
/// After this long of temporary failures a message is given up as failed.
const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::hours(48);
/// How many messages one synced transaction reserves.
const RESERVE: usize = 64;

/// This boot of the machine (Linux); None where it cannot be known, and then every reservation
/// is a single message, synced before it is handed over.
fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
}

/// How long to wait before attempt `attempts + 1` after `attempts` temporary failures.
pub fn backoff(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    BACKOFF_FIRST.saturating_mul(1 << doublings).min(BACKOFF_CAP)
}

/// Held while a process sends; see the module overview.
#[derive(Debug)]
pub struct SendingLock {
    _file: File,
}

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// "Send now": deferred messages are due at once instead of at their next attempt time.
    pub include_deferred: bool,
    /// At most this many messages a minute (0: no limit).
    pub rate_per_minute: u32,
}

/// Where a run stands; reported after each message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct RunProgress {
    /// Messages this run found due.
    pub total: u32,
    pub done: u32,
    pub sent: u32,
    pub deferred: u32,
    pub failed: u32,
    pub uncertain: u32,
    /// The recipient being sent to now.
    pub current: Option<String>,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunEnd {
    /// Every due message was handled.
    Finished,
    /// Asked to stop (pause): the rest wait, queued.
    Paused,
    /// The server cannot be reached; messages wait and go out when it answers.
    Unreachable { reason: String },
    /// The server refuses until something is changed; messages wait, queued.
    NeedsAttention { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RunReport {
    pub progress: RunProgress,
    pub end: RunEnd,
    /// When the next deferred message is due, if any.
    pub next_due_at: Option<String>,
    /// The run ended needing attention because the Microsoft 365 or Google sign-in is missing,
    /// expired or revoked: offer "Sign in again". Every message stays queued.
    #[serde(default)]
    #[specta(optional)]
    pub sign_in_required: bool,
}

impl Store {
    /// Takes the sending lock, then turns anything left in `sending` by an earlier run that died
    /// into `uncertain`. Fails with [`Error::Busy`] while another process sends.
    pub fn begin_sending(&self) -> Result<SendingLock> {
        let path = self.path().with_extension("sending.lock");
        let file = File::options().create(true).truncate(false).write(true).open(&path).map_err(|source| {
            Error::Io { context: format!("Could not open the outbox lock {}", path.display()), source }
        })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(Error::Busy(
                    "Another Afterword window or command is sending this outbox right now; it will send these \
                     messages too."
                        .into(),
                ))
            }
            Err(TryLockError::Error(source)) => {
                return Err(Error::Io { context: format!("Could not lock {}", path.display()), source })
            }
        }
        // Reservations must survive a power cut too, not only a crash of the process.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.recover_interrupted()?;
        Ok(SendingLock { _file: file })
    }

    /// `sending` left by a run that died: reserved but never attempted on this same boot goes
    /// back where it was; anything else may have been delivered, so it is never resent silently.
    fn recover_interrupted(&self) -> Result<u32> {
        let now = self.now();
        let boot = boot_id();
        self.write(|tx| {
            tx.execute(
                "UPDATE messages SET state = CASE WHEN o.next_attempt_at IS NULL THEN 'queued' ELSE 'deferred' END,
                    updated_at = ?1
                 FROM outbox o
                 WHERE o.message_id = messages.id AND messages.state = 'sending' AND o.attempting = 0
                    AND ?2 IS NOT NULL AND o.claimed_boot = ?2",
                params![now, boot],
            )?;
            tx.execute(
                "UPDATE outbox SET attempting = 0, last_reply = 'Afterword stopped while this message was being sent: it may \
                 or may not have arrived. Check with the recipient or the server, then mark it sent or send it again.',
                    updated_at = ?1
                 WHERE message_id IN (SELECT id FROM messages WHERE state = 'sending')",
                [&now],
            )?;
            Ok(tx.execute("UPDATE messages SET state = 'uncertain', updated_at = ?1 WHERE state = 'sending'", [&now])?
                as u32)
        })
    }

    /// Ids of the messages due now, oldest queued first.
    fn due_messages(&self, include_deferred: bool) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id FROM messages m JOIN outbox o ON o.message_id = m.id
             WHERE m.deleted_at IS NULL AND (m.state = 'queued'
                OR (m.state = 'deferred' AND (?1 OR o.next_attempt_at IS NULL OR o.next_attempt_at <= ?2)))
             ORDER BY o.queued_at, m.id",
        )?;
        let ids =
            stmt.query_map(params![include_deferred, self.now()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// When the next deferred message is due.
    pub fn next_due_at(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT min(o.next_attempt_at) FROM messages m JOIN outbox o ON o.message_id = m.id
                 WHERE m.state = 'deferred' AND m.deleted_at IS NULL",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Sends every due message through `transport` until none is left, `stop` is set, or the
    /// server stops the run. `progress` is called after each message.
    pub fn send_due(
        &self,
        _lock: &SendingLock,
        transport: &mut dyn Transport,
        options: &RunOptions,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(&RunProgress),
    ) -> Result<RunReport> {
        let mut run = RunProgress::default();
        let interval =
            (options.rate_per_minute > 0).then(|| Duration::from_secs_f64(60.0 / f64::from(options.rate_per_minute)));
        let mut last_start: Option<Instant> = None;
        let describe = transport.describe();
        let mut include_deferred = options.include_deferred;
        let boot = boot_id();
        let reserve = if boot.is_some() { RESERVE } else { 1 };
        let mut sign_in_required = false;
        let end = 'run: loop {
            let due = self.due_messages(include_deferred)?;
            // Deferred messages sent now once; after that only their own time makes them due.
            include_deferred = false;
            if due.is_empty() {
                break RunEnd::Finished;
            }
            run.total += due.len() as u32;
            progress(&run);
            for chunk in due.chunks(reserve) {
                let reserved = self.reserve(chunk, boot.as_deref())?;
                run.total -= (chunk.len() - reserved.len()) as u32;
                for (n, id) in reserved.iter().enumerate() {
                    let waited = match (interval, last_start) {
                        (Some(interval), Some(start)) => wait_until(start + interval, stop),
                        _ => !stop.load(Ordering::Relaxed),
                    };
                    if !waited {
                        self.release(&reserved[n..])?;
                        break 'run RunEnd::Paused;
                    }
                    let Some(claimed) = self.begin_attempt(id)? else {
                        // Cancelled meanwhile.
                        run.total -= 1;
                        continue;
                    };
                    last_start = Some(Instant::now());
                    run.current = Some(claimed.recipients.lines().next().unwrap_or_default().to_string());
                    let recipients: Vec<String> = claimed.recipients.lines().map(str::to_string).collect();
                    let attempt = transport.deliver(Delivery {
                        sender: &claimed.sender,
                        recipients: &recipients,
                        eml: &claimed.eml,
                        message_id: &claimed.message_id,
                    });
                    let stopped = self.record(id, &claimed, &attempt, &describe, &mut run)?;
                    run.current = None;
                    progress(&run);
                    if let Some(stop) = stopped {
                        self.release(&reserved[n + 1..])?;
                        break 'run match stop {
                            Stop::Unreachable(reason) => RunEnd::Unreachable { reason },
                            Stop::NeedsAttention(reason) => RunEnd::NeedsAttention { reason },
                            Stop::SignInRequired(reason) => {
                                sign_in_required = true;
                                RunEnd::NeedsAttention { reason }
                            }
                        };
                    }
                }
            }
        };
        // Make every verdict of this run as durable as its reservations were.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        transport.close();
        Ok(RunReport { progress: run, end, next_due_at: self.next_due_at()?, sign_in_required })
    }

    /// Reserves due messages for this run in one transaction synced to disk: after it, nothing
    /// can send them but this run. Returns those still due (others were cancelled meanwhile).
    fn reserve(&self, ids: &[String], boot: Option<&str>) -> Result<Vec<String>> {
        let now = self.now();
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        let reserved = self.write(|tx| {
            let mut mark = tx.prepare_cached(
                "UPDATE messages SET state = 'sending', updated_at = ?2 WHERE id = ?1 AND state IN ('queued', 'deferred')",
            )?;
            let mut claim =
                tx.prepare_cached("UPDATE outbox SET attempting = 0, claimed_boot = ?2 WHERE message_id = ?1")?;
            let mut reserved = Vec::with_capacity(ids.len());
            for id in ids {
                if mark.execute(params![id, now])? == 1 {
                    claim.execute(params![id, boot])?;
                    reserved.push(id.clone());
                }
            }
            Ok(reserved)
        })?;
        // What follows, until the next reservation, need not wait for the disk: see the overview.
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(reserved)
    }

    /// Reserved messages this run will not send after all go back where they were, synced.
    fn release(&self, ids: &[String]) -> Result<()> {
        let now = self.now();
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.write(|tx| {
            let mut back = tx.prepare_cached(
                "UPDATE messages SET state = CASE WHEN o.next_attempt_at IS NULL THEN 'queued' ELSE 'deferred' END,
                    updated_at = ?2
                 FROM outbox o
                 WHERE o.message_id = messages.id AND messages.id = ?1 AND messages.state = 'sending'
                    AND o.attempting = 0",
            )?;
            for id in ids {
                back.execute(params![id, now])?;
            }
            Ok(())
        })
    }

    /// Marks a reserved message as being handed over now, and reads what to send; None when it
    /// was cancelled meanwhile.
    fn begin_attempt(&self, id: &str) -> Result<Option<Claimed>> {
        let now = self.now();
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE outbox SET attempting = 1, first_attempt_at = coalesce(first_attempt_at, ?2), updated_at = ?2
                 WHERE message_id = ?1 AND attempting = 0
                    AND EXISTS (SELECT 1 FROM messages WHERE id = ?1 AND state = 'sending')",
                params![id, now],
            )?;
            if changed == 0 {
                return Ok(None);
            }
            Ok(Some(tx.query_row(
                "SELECT o.sender, o.recipients, e.eml, o.rfc_message_id, o.attempts, o.first_attempt_at
                 FROM outbox o JOIN outbox_eml e ON e.message_id = o.message_id WHERE o.message_id = ?1",
                [id],
                |r| {
                    Ok(Claimed {
                        sender: r.get(0)?,
                        recipients: r.get(1)?,
                        eml: r.get(2)?,
                        message_id: r.get(3)?,
                        attempts: r.get(4)?,
                        first_attempt_at: r.get(5)?,
                    })
                },
            )?))
        })
    }

    /// Records the verdict (synced with the next reservation, or at the end of the run); returns
    /// the stop that ends the run, if any.
    fn record(
        &self,
        id: &str,
        claimed: &Claimed,
        attempt: &Attempt,
        transport: &str,
        run: &mut RunProgress,
    ) -> Result<Option<Stop>> {
        let now_time = self.clock.now();
        let now = self.now();
        let attempts = claimed.attempts + 1;
        let (state, reply, next, stop): (&str, String, Option<String>, Option<Stop>) = match attempt {
            Attempt::Sent { reply } => {
                run.sent += 1;
                ("sent", reply.clone(), None, None)
            }
            Attempt::Failed { reply } => {
                run.failed += 1;
                ("failed", reply.clone(), None, None)
            }
            Attempt::Uncertain { reason } => {
                run.uncertain += 1;
                ("uncertain", reason.clone(), None, None)
            }
            Attempt::Deferred { reply } => self.deferral(claimed, attempts, reply, now_time, run, None),
            Attempt::Stopped(stop @ Stop::Unreachable(reason)) => {
                self.deferral(claimed, attempts, reason, now_time, run, Some(stop.clone()))
            }
            Attempt::Stopped(stop @ (Stop::NeedsAttention(reason) | Stop::SignInRequired(reason))) => {
                // Nothing left; not an attempt of this message. Back to the queue, untouched.
                ("queued", reason.clone(), None, Some(stop.clone()))
            }
        };
        if state != "queued" {
            run.done += 1;
        } else {
            run.total -= 1;
        }
        let counted = if state == "queued" { claimed.attempts } else { attempts };
        self.write(|tx| {
            tx.execute("UPDATE messages SET state = ?2, updated_at = ?3 WHERE id = ?1", params![id, state, now])?;
            tx.execute(
                "UPDATE outbox SET attempts = ?2, attempting = 0, last_reply = ?3, next_attempt_at = ?4, transport = ?5,
                    sent_at = CASE WHEN ?6 = 'sent' THEN ?7 ELSE sent_at END, updated_at = ?7
                 WHERE message_id = ?1",
                params![id, counted, reply, next, transport, state, now],
            )?;
            Ok(())
        })?;
        Ok(stop)
    }

    /// A temporary failure: wait and retry, or give up after [`GIVE_UP_AFTER`].
    fn deferral(
        &self,
        claimed: &Claimed,
        attempts: u32,
        reply: &str,
        now: DateTime<Utc>,
        run: &mut RunProgress,
        stop: Option<Stop>,
    ) -> (&'static str, String, Option<String>, Option<Stop>) {
        let first = claimed
            .first_attempt_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        if now - first >= GIVE_UP_AFTER {
            run.failed += 1;
            let reply = format!("Given up after {attempts} attempts over two days. The last answer: {reply}");
            return ("failed", reply, None, stop);
        }
        run.deferred += 1;
        let next = now + chrono::Duration::from_std(backoff(attempts)).unwrap_or(chrono::Duration::hours(1));
        ("deferred", reply.to_string(), Some(next.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)), stop)
    }
}

struct Claimed {
    sender: String,
    recipients: String,
    eml: Vec<u8>,
    message_id: String,
    attempts: u32,
    first_attempt_at: Option<String>,
}

/// Sleeps until `when` unless `stop` is set meanwhile; false when stopped.
fn wait_until(when: Instant, stop: &AtomicBool) -> bool {
    while Instant::now() < when {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        std::thread::sleep((when - Instant::now()).min(Duration::from_millis(100)));
    }
    !stop.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_up_to_an_hour() {
        let minutes: Vec<u64> = (1..=9).map(|n| backoff(n).as_secs() / 60).collect();
        assert_eq!(minutes, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff(0).as_secs(), 60);
        assert_eq!(backoff(u32::MAX).as_secs(), 3600);
    }
}
