//! The outbox as the analyst sees and steers it: approved messages are queued with their final
//! bytes ([`Store::queue_incident`]), listed with where each stands ([`Store::outbox`],
//! [`OutboxEntry`]), and moved by hand: an uncertain one resolved ([`Store::resolve_uncertain`]),
//! a waiting one cancelled, a failed or cancelled one retried.
//!
//! A message's state lives in `messages.state`; its `outbox` row keeps the bytes, the envelope
//! and what the server said.

use super::server::{CopySelf, SmtpSettings};
use crate::audit;
use crate::compose::batch::IncidentBatch;
use crate::compose::dry_run::{final_message, in_parallel, Extras, RenderProblem};
use crate::compose::eml::build_eml;
use crate::compose::messages::MessageRow;
use crate::error::{Error, Result};
use crate::model::MessageState;
use crate::store::Store;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;

/// What queueing an incident did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct QueueReport {
    pub queued: u32,
    /// Messages not approved (drafts), left as they are.
    pub not_approved: u32,
    /// Approved messages that cannot leave as they are, with why; they stay approved.
    pub problems: Vec<RenderProblem>,
}

/// One message in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct OutboxEntry {
    /// The message's id in Afterword.
    pub id: String,
    /// The RFC 5322 Message-ID, without `<>`.
    pub message_id: String,
    pub incident_id: String,
    pub incident_reference: String,
    pub person_id: String,
    pub person_name: String,
    pub recipient: String,
    pub state: MessageState,
    pub attempts: u32,
    pub last_reply: String,
    pub next_attempt_at: Option<String>,
    pub queued_at: String,
    pub sent_at: Option<String>,
    pub transport: String,
}

/// How many messages stand where, for the Outbox's header and the sidebar badge.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct OutboxCounts {
    pub queued: u32,
    pub sending: u32,
    pub deferred: u32,
    pub sent: u32,
    pub failed: u32,
    pub uncertain: u32,
    pub cancelled: u32,
}

impl OutboxCounts {
    /// Messages still to go out (or to be resolved).
    pub fn waiting(&self) -> u32 {
        self.queued + self.sending + self.deferred
    }
}

/// The analyst's decision about an uncertain message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// It arrived (the recipient or the server's log says so): mark it sent.
    Sent,
    /// Send it again, knowing the recipient may get it twice.
    Resend,
}

/// Everything a thank-you sent to a person: "thanked on DATE for INCIDENT".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Thanks {
    pub incident_id: String,
    pub incident_reference: String,
    pub incident_title: String,
    pub sent_at: String,
    pub message_id: String,
}

/// A message a run has reserved but not started is, to the analyst, still waiting.
macro_rules! shown_state {
    () => {
        "(CASE WHEN m.state = 'sending' AND o.attempting = 0
            THEN CASE WHEN o.next_attempt_at IS NULL THEN 'queued' ELSE 'deferred' END ELSE m.state END)"
    };
}

const SELECT_ENTRY: &str = concat!(
    "SELECT m.id, o.rfc_message_id, m.incident_id, i.reference, m.person_id, p.name, p.email, ",
    shown_state!(),
    ", o.attempts, o.last_reply, o.next_attempt_at, o.queued_at, o.sent_at, o.transport
    FROM outbox o
    JOIN messages m ON m.id = o.message_id
    JOIN incidents i ON i.id = m.incident_id
    JOIN people p ON p.id = m.person_id"
);

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    Ok(OutboxEntry {
        id: r.get(0)?,
        message_id: r.get(1)?,
        incident_id: r.get(2)?,
        incident_reference: r.get(3)?,
        person_id: r.get(4)?,
        person_name: r.get(5)?,
        recipient: r.get(6)?,
        state: r.get(7)?,
        attempts: r.get(8)?,
        last_reply: r.get(9)?,
        next_attempt_at: r.get(10)?,
        queued_at: r.get(11)?,
        sent_at: r.get(12)?,
        transport: r.get(13)?,
    })
}

impl Store {
    /// Queues every approved message of an incident with its final bytes (Date fixed now,
    /// Reply-To and the analyst's copy from the server settings). A message that can no longer
    /// leave as approved is reported and left approved.
    pub fn queue_incident(&self, incident: &str) -> Result<QueueReport> {
        let batch = IncidentBatch::load(self, incident)?;
        if batch.settings.sender_email.is_empty() {
            return Err(Error::invalid(
                "sender_email",
                "Set your own email address in Settings first: messages are sent from it.",
            ));
        }
        let server = self.smtp_settings()?;
        let rules = self.tone_rules()?;
        let rows = self.message_rows(&batch.incident.id)?;
        let date = self.clock.now();
        let extras = extras_for(&server, &batch.settings.sender_email);
        let mut report = QueueReport::default();
        let approved: Vec<&MessageRow> = rows
            .iter()
            .filter(|row| {
                report.not_approved += u32::from(row.summary.state == MessageState::Draft);
                row.summary.state == MessageState::Approved
            })
            .collect();
        // Rendering is independent per message: spread it over the cores.
        let built = in_parallel(&approved, |_, row, cache| {
            final_message(&batch, &rules, row, date, &extras, cache)
                .and_then(|(envelope, body, _)| build_eml(&envelope, &body).map_err(|e| e.to_string()))
        });
        let mut ready = Vec::new();
        for (row, built) in approved.into_iter().zip(built) {
            match built {
                Ok(eml) => {
                    let mut recipients = vec![row.summary.person_email.clone()];
                    if server.copy_self != CopySelf::No {
                        recipients.push(batch.settings.sender_email.clone());
                    }
                    ready.push((row, eml, recipients.join("\n")));
                }
                Err(message) => {
                    report.problems.push(RenderProblem { person_email: row.summary.person_email.clone(), message })
                }
            }
        }
        let now = self.now();
        self.write(|tx| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO outbox (message_id, rfc_message_id, sender, recipients, queued_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (message_id) DO UPDATE SET rfc_message_id = excluded.rfc_message_id,
                    sender = excluded.sender, recipients = excluded.recipients,
                    attempts = 0, attempting = 0, next_attempt_at = NULL, last_reply = '', transport = '',
                    sent_at = NULL, first_attempt_at = NULL, queued_at = excluded.queued_at,
                    updated_at = excluded.updated_at",
            )?;
            let mut bytes = tx.prepare_cached(
                "INSERT INTO outbox_eml (message_id, eml) VALUES (?1, ?2)
                 ON CONFLICT (message_id) DO UPDATE SET eml = excluded.eml",
            )?;
            let mut mark = tx.prepare_cached(
                "UPDATE messages SET state = 'queued', updated_at = ?2 WHERE id = ?1 AND state = 'approved'",
            )?;
            for (row, eml, recipients) in &ready {
                let id = &row.summary.id;
                insert.execute(params![id, row.summary.message_id, batch.settings.sender_email, recipients, now])?;
                bytes.execute(params![id, eml])?;
                mark.execute(params![id, now])?;
            }
            audit::record(
                tx,
                self,
                "incident",
                &batch.incident.id,
                "queue",
                json!({ "queued": ready.len(), "problems": report.problems.len() }),
            )
        })?;
        report.queued = ready.len() as u32;
        Ok(report)
    }

    /// The outbox, newest queued first; only one incident's with `incident`.
    pub fn outbox(&self, incident: Option<&str>) -> Result<Vec<OutboxEntry>> {
        let incident_id = incident.map(|i| self.incident(i)).transpose()?.map(|i| i.id);
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_ENTRY} WHERE m.deleted_at IS NULL AND (?1 IS NULL OR m.incident_id = ?1)
             ORDER BY o.queued_at DESC, p.name COLLATE NOCASE, m.id"
        ))?;
        let rows = stmt.query_map([incident_id], entry_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// One outbox entry by Afterword id or Message-ID (with or without `<>`).
    pub fn outbox_entry(&self, id_or_message_id: &str) -> Result<OutboxEntry> {
        let key = id_or_message_id.trim().trim_start_matches('<').trim_end_matches('>');
        self.conn
            .prepare_cached(&format!("{SELECT_ENTRY} WHERE m.id = ?1 OR o.rfc_message_id = ?1"))?
            .query_row([key], entry_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("No message '{key}' is in the outbox.")))
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts> {
        let mut counts = OutboxCounts::default();
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            shown_state!(),
            ", count(*) FROM outbox o JOIN messages m ON m.id = o.message_id
             WHERE m.deleted_at IS NULL GROUP BY 1"
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, MessageState>(0)?, r.get::<_, u32>(1)?)))?;
        for row in rows {
            let (state, n) = row?;
            match state {
                MessageState::Queued => counts.queued = n,
                MessageState::Sending => counts.sending = n,
                MessageState::Deferred => counts.deferred = n,
                MessageState::Sent => counts.sent = n,
                MessageState::Failed => counts.failed = n,
                MessageState::Uncertain => counts.uncertain = n,
                MessageState::Cancelled => counts.cancelled = n,
                _ => {}
            }
        }
        Ok(counts)
    }

    /// The exact bytes queued (and, once sent, sent) for a message.
    pub fn outbox_eml(&self, id_or_message_id: &str) -> Result<Vec<u8>> {
        let entry = self.outbox_entry(id_or_message_id)?;
        Ok(self.conn.query_row("SELECT eml FROM outbox_eml WHERE message_id = ?1", [&entry.id], |r| r.get(0))?)
    }

    /// The analyst's decision about a message that may or may not have arrived.
    pub fn resolve_uncertain(&self, id_or_message_id: &str, resolution: Resolution) -> Result<OutboxEntry> {
        let entry = self.outbox_entry(id_or_message_id)?;
        if entry.state != MessageState::Uncertain {
            return Err(Error::invalid(
                "state",
                format!(
                    "The message to {} is {}, not uncertain: there is nothing to resolve.",
                    entry.recipient,
                    entry.state.label().to_lowercase()
                ),
            ));
        }
        let now = self.now();
        self.write(|tx| {
            match resolution {
                Resolution::Sent => {
                    tx.execute(
                        "UPDATE messages SET state = 'sent', updated_at = ?2 WHERE id = ?1",
                        params![entry.id, now],
                    )?;
                    tx.execute(
                        "UPDATE outbox SET sent_at = ?2, updated_at = ?2,
                            last_reply = 'Marked as sent by ' || ?3 || ' after checking that it arrived.'
                         WHERE message_id = ?1",
                        params![entry.id, now, self.actor],
                    )?;
                }
                Resolution::Resend => {
                    tx.execute(
                        "UPDATE messages SET state = 'queued', updated_at = ?2 WHERE id = ?1",
                        params![entry.id, now],
                    )?;
                    tx.execute(
                        "UPDATE outbox SET next_attempt_at = NULL, updated_at = ?2 WHERE message_id = ?1",
                        params![entry.id, now],
                    )?;
                }
            }
            let action = match resolution {
                Resolution::Sent => "resolve_sent",
                Resolution::Resend => "resolve_resend",
            };
            audit::record(tx, self, "message", &entry.id, action, json!({ "message_id": entry.message_id }))
        })?;
        self.outbox_entry(&entry.id)
    }

    /// Cancels waiting messages (queued or deferred); the others are left and counted out.
    pub fn cancel_outbox(&self, ids: &[String]) -> Result<u32> {
        self.move_outbox(ids, &["queued", "deferred", "sending"], "cancelled", "cancel")
    }

    /// Queues failed or cancelled messages again, with the same bytes and Message-ID.
    pub fn retry_outbox(&self, ids: &[String]) -> Result<u32> {
        self.move_outbox(ids, &["failed", "cancelled"], "queued", "retry")
    }

    fn move_outbox(&self, ids: &[String], from: &[&str], to: &str, action: &str) -> Result<u32> {
        let now = self.now();
        let from = from.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(",");
        self.write(|tx| {
            let mut moved = 0;
            // A message being handed over (`attempting`) is beyond reach; one only reserved is not.
            let mut update = tx.prepare_cached(&format!(
                "UPDATE messages SET state = '{to}', updated_at = ?2 WHERE id = ?1 AND state IN ({from})
                 AND id IN (SELECT message_id FROM outbox WHERE attempting = 0)"
            ))?;
            for id in ids {
                let entry = self.outbox_entry(id)?;
                if update.execute(params![entry.id, now])? == 1 {
                    tx.execute(
                        "UPDATE outbox SET next_attempt_at = NULL, updated_at = ?2 WHERE message_id = ?1",
                        params![entry.id, now],
                    )?;
                    audit::record(tx, self, "message", &entry.id, action, json!({}))?;
                    moved += 1;
                }
            }
            Ok(moved)
        })
    }

    /// The thank-yous sent to a person, newest first.
    pub fn thanks_for(&self, person_id: &str) -> Result<Vec<Thanks>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, i.reference, i.title, o.sent_at, o.rfc_message_id
             FROM messages m JOIN outbox o ON o.message_id = m.id JOIN incidents i ON i.id = m.incident_id
             WHERE m.person_id = ?1 AND m.state = 'sent' AND m.deleted_at IS NULL AND i.deleted_at IS NULL
             ORDER BY o.sent_at DESC",
        )?;
        let rows = stmt
            .query_map([person_id], |r| {
                Ok(Thanks {
                    incident_id: r.get(0)?,
                    incident_reference: r.get(1)?,
                    incident_title: r.get(2)?,
                    sent_at: r.get(3)?,
                    message_id: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

fn extras_for(server: &SmtpSettings, sender_email: &str) -> Extras {
    Extras {
        reply_to: (!server.reply_to.is_empty()).then(|| server.reply_to.clone()),
        cc: (server.copy_self == CopySelf::Cc).then(|| sender_email.to_string()),
    }
}
