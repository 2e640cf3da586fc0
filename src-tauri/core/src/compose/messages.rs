//! One thank-you message per contributor of an incident, on [`Store`]: generate the drafts
//! ([`Store::generate_messages`]), list them ([`MessageSummary`]), preview one exactly as it will
//! be sent ([`MessagePreview`]), edit, reset, approve (one or all), skip and unskip.
//!
//! A message row holds no rendered text: it is composed from the current data each time, unless
//! the analyst edited it. Approval records a digest of what was approved; when the composed
//! message changes, the approval lapses and the message is a draft again.

use super::batch::{IncidentBatch, WithheldSection};
use super::compose_one::{compose, ComposeWarning, Composed, Override, TemplateCache};
use super::eml::message_id_for;
use super::markdown::mail_body;
use super::render::TemplateError;
use super::tone::{self, ToneFinding, ToneOptions, ToneRules};
use crate::audit;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::{new_id, Store};
use crate::validate;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;

/// The user's extra tone rules, beside the database.
pub const TONE_RULES_FILE: &str = "tone-rules.json";

const SKIP_REASON_MAX: usize = 300;
const SUBJECT_MAX: usize = 250;
pub(crate) const DO_NOT_CONTACT_REASON: &str = "Marked “do not contact”: no message is sent to this person.";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct MessageSummary {
    pub id: String,
    pub incident_id: String,
    pub person_id: String,
    pub person_name: String,
    pub person_email: String,
    pub person_audience: Audience,
    pub state: MessageState,
    pub skip_reason: String,
    pub template_id: Option<String>,
    pub template_name: String,
    /// The RFC 5322 Message-ID, fixed when the message was created (without `<>`).
    pub message_id: String,
    /// The analyst edited this message's subject or text.
    pub edited: bool,
    pub approved_at: Option<String>,
    pub updated_at: String,
}

/// One message exactly as it will be sent, with everything the analyst should see first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct MessagePreview {
    pub message: MessageSummary,
    pub from: String,
    pub to: String,
    pub subject: String,
    /// The body as the analyst edits it (Markdown).
    pub markdown: String,
    /// The text/html part, a complete document: show it in a sandboxed frame.
    pub html: String,
    /// The text/plain part.
    pub text: String,
    pub withheld: Vec<WithheldSection>,
    /// Tone findings; offsets are into `markdown`.
    pub findings: Vec<ToneFinding>,
    pub warnings: Vec<ComposeWarning>,
    /// The template could not be rendered for this recipient.
    pub template_error: Option<TemplateError>,
    /// The analyst's edit contains the text of a section this recipient may not see.
    pub leaked_section: Option<String>,
    /// Approved, but what would be sent has changed since: approve again.
    pub approval_stale: bool,
}

/// What generating an incident's messages did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct GenerateReport {
    pub created: u32,
    /// Existing messages kept (with their Message-ID and any edit).
    pub kept: u32,
    /// Skipped because the person is marked do-not-contact.
    pub skipped_do_not_contact: u32,
    /// Approved messages whose content changed: drafts again.
    pub returned_to_draft: u32,
    /// Messages to people who are no longer contributors.
    pub removed: u32,
    /// Incident-wide warnings (no outcome, contributions without impact).
    pub warnings: Vec<String>,
}

/// What approving every draft did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct BulkApproval {
    pub approved: u32,
    /// Drafts with open tone findings, left as drafts (approve them with acknowledgement).
    pub need_acknowledgement: Vec<MessageSummary>,
    /// Drafts that cannot be approved, with why.
    pub blocked: Vec<BlockedMessage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BlockedMessage {
    pub message: MessageSummary,
    pub reason: String,
}

const SELECT_MESSAGE: &str =
    "SELECT m.id, m.incident_id, m.person_id, p.name, p.email, p.audience, m.state, m.skip_reason,
        m.template_id, coalesce(t.name, ''), m.message_id,
        (m.subject_override IS NOT NULL OR m.body_override IS NOT NULL), m.approved_at, m.updated_at,
        m.subject_override, m.body_override, m.approved_digest
    FROM messages m JOIN people p ON p.id = m.person_id LEFT JOIN templates t ON t.id = m.template_id";

/// A message row with the columns only the core needs.
pub(crate) struct MessageRow {
    pub summary: MessageSummary,
    pub edit: Override,
    pub approved_digest: Option<String>,
}

fn message_from_row(r: &Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        summary: MessageSummary {
            id: r.get(0)?,
            incident_id: r.get(1)?,
            person_id: r.get(2)?,
            person_name: r.get(3)?,
            person_email: r.get(4)?,
            person_audience: r.get(5)?,
            state: r.get(6)?,
            skip_reason: r.get(7)?,
            template_id: r.get(8)?,
            template_name: r.get(9)?,
            message_id: r.get(10)?,
            edited: r.get(11)?,
            approved_at: r.get(12)?,
            updated_at: r.get(13)?,
        },
        edit: Override { subject: r.get(14)?, body: r.get(15)? },
        approved_digest: r.get(16)?,
    })
}

/// The composed message of `row`, with its template (the stored one if it still exists).
pub(crate) fn compose_row<'b>(
    batch: &'b IncidentBatch,
    row: &MessageRow,
    cache: &mut TemplateCache<'b>,
) -> Result<Composed> {
    let who = batch.contributor(&row.summary.person_id).ok_or_else(|| {
        Error::NotFound(format!("{} is no longer a contributor to this incident.", row.summary.person_name))
    })?;
    let template = row.summary.template_id.as_deref().and_then(|id| batch.templates.iter().find(|t| t.id == id));
    Ok(compose(batch, who, template, &row.edit, cache))
}

fn address(name: &str, email: &str) -> String {
    if name.is_empty() {
        email.to_string()
    } else {
        format!("{name} <{email}>")
    }
}

impl Store {
    pub(crate) fn message_rows(&self, incident_id: &str) -> Result<Vec<MessageRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_MESSAGE} WHERE m.incident_id = ?1 AND m.deleted_at IS NULL ORDER BY p.name COLLATE NOCASE, p.id"
        ))?;
        let rows = stmt.query_map([incident_id], message_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub(crate) fn message_row(&self, id: &str) -> Result<MessageRow> {
        self.conn
            .prepare_cached(&format!("{SELECT_MESSAGE} WHERE m.id = ?1 AND m.deleted_at IS NULL"))?
            .query_row([id], message_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("No message '{id}' exists (it may have been removed).")))
    }

    /// The incident's messages, by recipient name.
    pub fn messages(&self, incident: &str) -> Result<Vec<MessageSummary>> {
        let incident = self.incident(incident)?;
        Ok(self.message_rows(&incident.id)?.into_iter().map(|r| r.summary).collect())
    }

    pub fn message(&self, id: &str) -> Result<MessageSummary> {
        Ok(self.message_row(id)?.summary)
    }

    /// Creates a draft for every contributor who has none (skipped, saying so, for people marked
    /// do-not-contact), keeps existing messages with their Message-ID and edits, returns
    /// approvals whose content changed to draft, and removes messages to former contributors.
    pub fn generate_messages(&self, incident: &str) -> Result<GenerateReport> {
        let batch = IncidentBatch::load(self, incident)?;
        let existing = self.message_rows(&batch.incident.id)?;
        let mut report = GenerateReport::default();
        if batch.sections.is_empty() {
            report.warnings.push(
                "This incident has no outcome yet, so the messages cannot say how it ended. Add a section under Outcome."
                    .into(),
            );
        }
        let without_impact: Vec<&str> = batch
            .contributors
            .iter()
            .filter(|c| c.contributions.iter().any(|c| c.impact.trim().is_empty()))
            .map(|c| c.name.as_str())
            .collect();
        if !without_impact.is_empty() {
            report.warnings.push(format!(
                "{} contributor(s) have a contribution with no impact recorded, so their thanks will sound generic: {}.",
                without_impact.len(),
                abbreviate(&without_impact, 5)
            ));
        }

        // Compose outside the write transaction: it only reads.
        let lapsed = stale_approvals(&batch, &existing);

        let existing_by_person: std::collections::HashMap<&str, &MessageRow> =
            existing.iter().map(|r| (r.summary.person_id.as_str(), r)).collect();
        let now = self.now();
        self.write(|tx| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO messages (id, incident_id, person_id, template_id, state, message_id, skip_reason, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            )?;
            for who in &batch.contributors {
                let template = super::templates::best_template(&batch.templates, who.audience, batch.incident.kind);
                match existing_by_person.get(who.person_id.as_str()) {
                    Some(row) => {
                        report.kept += 1;
                        let s = &row.summary;
                        if who.do_not_contact && s.state != MessageState::Skipped && is_composing(s.state) {
                            tx.execute(
                                "UPDATE messages SET state = 'skipped', skip_reason = ?2, approved_at = NULL,
                                        approved_digest = NULL, updated_at = ?3 WHERE id = ?1",
                                params![s.id, DO_NOT_CONTACT_REASON, now],
                            )?;
                            report.skipped_do_not_contact += 1;
                        } else if s.state == MessageState::Draft {
                            // A draft follows the best template (new templates, a changed audience).
                            tx.execute(
                                "UPDATE messages SET template_id = ?2 WHERE id = ?1 AND template_id IS NOT ?2",
                                params![s.id, template.map(|t| &t.id)],
                            )?;
                        }
                    }
                    None => {
                        let id = new_id();
                        let (state, reason) = if who.do_not_contact {
                            report.skipped_do_not_contact += 1;
                            (MessageState::Skipped, DO_NOT_CONTACT_REASON)
                        } else {
                            (MessageState::Draft, "")
                        };
                        let message_id = message_id_for(&id, &batch.settings.sender_email);
                        insert.execute(params![
                            id,
                            batch.incident.id,
                            who.person_id,
                            template.map(|t| &t.id),
                            state,
                            message_id,
                            reason,
                            now
                        ])?;
                        report.created += 1;
                    }
                }
            }
            for id in &lapsed {
                report.returned_to_draft += tx.execute(
                    "UPDATE messages SET state = 'draft', approved_at = NULL, approved_digest = NULL, updated_at = ?2
                     WHERE id = ?1 AND state = 'approved'",
                    params![id, now],
                )? as u32;
            }
            for row in &existing {
                let s = &row.summary;
                if batch.contributor(&s.person_id).is_none() && is_composing(s.state) {
                    tx.execute("UPDATE messages SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1", params![s.id, now])?;
                    report.removed += 1;
                }
            }
            audit::record(
                tx,
                self,
                "incident",
                &batch.incident.id,
                "messages_generate",
                json!({
                    "created": report.created, "kept": report.kept, "skipped": report.skipped_do_not_contact,
                    "returned_to_draft": report.returned_to_draft, "removed": report.removed,
                }),
            )
        })?;
        Ok(report)
    }

    /// One message exactly as it will be sent, with withheld sections, warnings and tone findings.
    pub fn preview_message(&self, id: &str) -> Result<MessagePreview> {
        let row = self.message_row(id)?;
        let batch = IncidentBatch::load(self, &row.summary.incident_id)?;
        let rules = self.tone_rules()?;
        let composed = compose_row(&batch, &row, &mut TemplateCache::default())?;
        Ok(preview(&batch, row, composed, &rules))
    }

    /// Replaces one message's subject and text with the analyst's own. The edit survives
    /// regeneration until [`Store::reset_message`]. An approved message becomes a draft again.
    pub fn edit_message(&self, id: &str, subject: &str, body: &str) -> Result<MessagePreview> {
        let row = self.message_row(id)?;
        ensure_composing(&row.summary)?;
        let subject = validate::single_line("subject", "The subject", subject, true, SUBJECT_MAX)?;
        let body = validate::text("body", "The message", body, true, validate::LONG_MAX)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE messages SET subject_override = ?2, body_override = ?3, state = CASE state WHEN 'approved' THEN 'draft' ELSE state END,
                        approved_at = NULL, approved_digest = NULL, updated_at = ?4 WHERE id = ?1",
                params![id, subject, body, self.now()],
            )?;
            audit::record(tx, self, "message", id, "edit", json!({ "subject": subject }))
        })?;
        self.preview_message(id)
    }

    /// Drops the analyst's edit: the message follows its template again.
    pub fn reset_message(&self, id: &str) -> Result<MessagePreview> {
        let row = self.message_row(id)?;
        ensure_composing(&row.summary)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE messages SET subject_override = NULL, body_override = NULL,
                        state = CASE state WHEN 'approved' THEN 'draft' ELSE state END,
                        approved_at = NULL, approved_digest = NULL, updated_at = ?2 WHERE id = ?1",
                params![id, self.now()],
            )?;
            audit::record(tx, self, "message", id, "reset", json!({}))
        })?;
        self.preview_message(id)
    }

    /// Approves one message. Open tone findings need `acknowledge_findings`; the acknowledgement
    /// and the findings are recorded in the audit log.
    pub fn approve_message(&self, id: &str, acknowledge_findings: bool) -> Result<MessageSummary> {
        let row = self.message_row(id)?;
        let batch = IncidentBatch::load(self, &row.summary.incident_id)?;
        let rules = self.tone_rules()?;
        self.approve_row(&batch, row, &rules, acknowledge_findings, &mut TemplateCache::default())
    }

    /// Approves every draft of an incident that can be approved without acknowledgement (or
    /// every draft, with `acknowledge_findings`); reports the others.
    pub fn approve_all_messages(&self, incident: &str, acknowledge_findings: bool) -> Result<BulkApproval> {
        let batch = IncidentBatch::load(self, incident)?;
        let rules = self.tone_rules()?;
        let mut report = BulkApproval::default();
        let mut cache = TemplateCache::default();
        for row in self.message_rows(&batch.incident.id)?.into_iter().filter(|r| r.summary.state == MessageState::Draft)
        {
            let summary = row.summary.clone();
            match self.approve_row(&batch, row, &rules, acknowledge_findings, &mut cache) {
                Ok(_) => report.approved += 1,
                Err(Error::NeedsConfirmation(_)) => report.need_acknowledgement.push(summary),
                Err(other) => report.blocked.push(BlockedMessage { message: summary, reason: other.to_string() }),
            }
        }
        Ok(report)
    }

    fn approve_row<'b>(
        &self,
        batch: &'b IncidentBatch,
        row: MessageRow,
        rules: &ToneRules,
        acknowledge: bool,
        cache: &mut TemplateCache<'b>,
    ) -> Result<MessageSummary> {
        let s = &row.summary;
        match s.state {
            MessageState::Draft | MessageState::Approved => {}
            MessageState::Skipped => {
                return Err(Error::invalid(
                    "state",
                    format!("The message to {} is skipped; unskip it first.", s.person_name),
                ))
            }
            other => {
                return Err(Error::invalid(
                    "state",
                    format!(
                        "The message to {} is already {}; it cannot be approved again.",
                        s.person_name,
                        other.label()
                    ),
                ))
            }
        }
        let id = s.id.clone();
        if batch.contributor(&s.person_id).is_some_and(|who| who.do_not_contact) {
            return Err(Error::invalid(
                "state",
                format!("{} is marked “do not contact”; no message can be approved for them.", s.person_name),
            ));
        }
        let composed = compose_row(batch, &row, cache)?;
        let fingerprint = composed.fingerprint(&s.person_email);
        let preview = preview(batch, row, composed, rules);
        if let Some(error) = preview.template_error {
            return Err(Error::Template(error));
        }
        if let Some(heading) = &preview.leaked_section {
            return Err(Error::invalid(
                "body",
                format!(
                    "This message contains the section “{heading}”, which {} may not see. Remove it from the text.",
                    preview.message.person_name
                ),
            ));
        }
        if preview.subject.trim().is_empty() || preview.markdown.trim().is_empty() {
            return Err(Error::invalid(
                "body",
                format!(
                    "The message to {} is empty: no template fits them. Write it with Edit, or create a template \
                     for anyone.",
                    preview.message.person_name
                ),
            ));
        }
        if batch.settings.sender_email.trim().is_empty() {
            return Err(Error::invalid(
                "sender_email",
                "Set your address in Settings (Sender) before approving messages.",
            ));
        }
        if !preview.findings.is_empty() && !acknowledge {
            return Err(Error::NeedsConfirmation(format!(
                "The message to {} has {} open tone finding(s): {}. Approve it anyway?",
                preview.message.person_name,
                preview.findings.len(),
                abbreviate(&preview.findings.iter().map(|f| f.excerpt.as_str()).collect::<Vec<_>>(), 3)
            )));
        }
        let digest = fingerprint;
        let acknowledged: Vec<_> =
            preview.findings.iter().map(|f| json!({ "category": f.category, "excerpt": f.excerpt })).collect();
        self.write(|tx| {
            let now = self.now();
            tx.execute(
                "UPDATE messages SET state = 'approved', approved_at = ?2, approved_digest = ?3, updated_at = ?2 WHERE id = ?1",
                params![id, now, digest],
            )?;
            audit::record(tx, self, "message", &id, "approve", json!({ "acknowledged_findings": acknowledged }))
        })?;
        self.message(&id)
    }

    /// Back to draft: an approved message the analyst wants to rework, or one whose sending
    /// was cancelled (its queued bytes are replaced when it is queued again).
    pub fn unapprove_message(&self, id: &str) -> Result<MessageSummary> {
        let row = self.message_row(id)?;
        if !matches!(row.summary.state, MessageState::Approved | MessageState::Cancelled) {
            return Err(Error::invalid(
                "state",
                "Only an approved message, or one whose sending was cancelled, can go back to draft.",
            ));
        }
        self.write(|tx| {
            tx.execute(
                "UPDATE messages SET state = 'draft', approved_at = NULL, approved_digest = NULL, updated_at = ?2 WHERE id = ?1",
                params![id, self.now()],
            )?;
            audit::record(tx, self, "message", id, "unapprove", json!({}))
        })?;
        self.message(id)
    }

    /// Skips a message, with the reason the close-out checklist shows.
    pub fn skip_message(&self, id: &str, reason: &str) -> Result<MessageSummary> {
        let row = self.message_row(id)?;
        ensure_composing(&row.summary)?;
        let reason = validate::single_line("reason", "The reason", reason, true, SKIP_REASON_MAX)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE messages SET state = 'skipped', skip_reason = ?2, approved_at = NULL, approved_digest = NULL,
                        updated_at = ?3 WHERE id = ?1",
                params![id, reason, self.now()],
            )?;
            audit::record(tx, self, "message", id, "skip", json!({ "reason": reason }))
        })?;
        self.message(id)
    }

    /// A skipped message becomes a draft again — not for someone marked do-not-contact.
    pub fn unskip_message(&self, id: &str) -> Result<MessageSummary> {
        let row = self.message_row(id)?;
        if row.summary.state != MessageState::Skipped {
            return Err(Error::invalid("state", "Only a skipped message can be unskipped."));
        }
        if self.person(&row.summary.person_id)?.do_not_contact {
            return Err(Error::invalid(
                "state",
                format!("{} is marked “do not contact”; change that on their page first.", row.summary.person_name),
            ));
        }
        self.write(|tx| {
            tx.execute(
                "UPDATE messages SET state = 'draft', skip_reason = '', updated_at = ?2 WHERE id = ?1",
                params![id, self.now()],
            )?;
            audit::record(tx, self, "message", id, "unskip", json!({}))
        })?;
        self.message(id)
    }

    /// The tone rules: the shipped ones plus the user's own from `tone-rules.json` beside the
    /// database (same shape as the shipped `rules/tone.json`), recompiled when that file changes.
    /// A broken file is reported with what to fix, never silently ignored.
    pub fn tone_rules(&self) -> Result<ToneRules> {
        let path = self.path().with_file_name(TONE_RULES_FILE);
        let modified = match std::fs::metadata(&path) {
            Ok(meta) => meta.modified().unwrap_or(std::time::SystemTime::UNIX_EPOCH),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ToneRules::builtin().clone()),
            Err(source) => return Err(Error::Io { context: format!("Could not read {}", path.display()), source }),
        };
        if let Some((when, rules)) = self.tone_cache.borrow().as_ref() {
            if *when == modified {
                return Ok(rules.clone());
            }
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|source| Error::Io { context: format!("Could not read {}", path.display()), source })?;
        let rules = ToneRules::with_extra(&text).map_err(|e| {
            Error::invalid("tone_rules", format!("Your extra tone rules in {} cannot be used: {e}", path.display()))
        })?;
        *self.tone_cache.borrow_mut() = Some((modified, rules.clone()));
        Ok(rules)
    }
}

/// Approved messages whose fingerprint no longer matches (text, recipient or what they may see
/// changed) or whose edited text now carries a section they may not see.
fn stale_approvals(batch: &IncidentBatch, rows: &[MessageRow]) -> Vec<String> {
    let mut cache = TemplateCache::default();
    rows.iter()
        .filter(|r| r.summary.state == MessageState::Approved)
        .filter(|row| match compose_row(batch, row, &mut cache) {
            Ok(composed) => {
                composed.leaked_section.is_some()
                    || composed.template_error.is_some()
                    || row.approved_digest.as_deref() != Some(&composed.fingerprint(&row.summary.person_email))
            }
            // No longer a contributor: generate removes it; elsewhere it must not stay approved.
            Err(_) => true,
        })
        .map(|row| row.summary.id.clone())
        .collect()
}

impl Store {
    /// Returns to draft every approved message of these incidents whose content or visibility
    /// changed since it was approved. Called after any change that can alter a message: the
    /// outcome, settings, a person, a merge. Approval means "exactly this, to exactly them".
    pub(crate) fn lapse_stale_approvals(&self, incident_ids: &[String]) -> Result<u32> {
        let mut lapsed = 0;
        for incident_id in incident_ids {
            let rows = self.message_rows(incident_id)?;
            if !rows.iter().any(|r| r.summary.state == MessageState::Approved) {
                continue;
            }
            let batch = IncidentBatch::load(self, incident_id)?;
            let stale = stale_approvals(&batch, &rows);
            if stale.is_empty() {
                continue;
            }
            self.write(|tx| {
                let now = self.now();
                for id in &stale {
                    lapsed += tx.execute(
                        "UPDATE messages SET state = 'draft', approved_at = NULL, approved_digest = NULL, updated_at = ?2
                         WHERE id = ?1 AND state = 'approved'",
                        params![id, now],
                    )? as u32;
                    audit::record(tx, self, "message", id, "approval_lapsed", json!({}))?;
                }
                Ok(())
            })?;
        }
        Ok(lapsed)
    }

    /// After a change that can alter messages: lapse stale approvals on `incident`, or on every
    /// incident with approvals when the change is not tied to one (settings, templates, merges).
    pub(crate) fn recheck_approvals(&self, incident: Option<&str>) -> Result<()> {
        let ids = match incident {
            Some(id) => vec![id.to_string()],
            None => self.incidents_with_approvals(None)?,
        };
        self.lapse_stale_approvals(&ids).map(|_| ())
    }

    /// Incidents with an approved message, to `person` when given.
    pub(crate) fn incidents_with_approvals(&self, person: Option<&str>) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT incident_id FROM messages
             WHERE state = 'approved' AND deleted_at IS NULL AND (?1 IS NULL OR person_id = ?1)",
        )?;
        let ids = stmt.query_map([person], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }
}

/// The preview of a composed message (also what approval checks).
pub(crate) fn preview(batch: &IncidentBatch, row: MessageRow, composed: Composed, rules: &ToneRules) -> MessagePreview {
    let who = batch.contributor(&row.summary.person_id);
    let audience = who.map(|w| w.audience).unwrap_or(row.summary.person_audience);
    let findings = if composed.markdown.is_empty() {
        Vec::new()
    } else {
        tone::check(&composed.markdown, &ToneOptions { audience, outcome_texts: &composed.outcome_texts }, rules)
    };
    let body = mail_body(&composed.markdown, &composed.subject);
    let approval_stale = row.summary.state == MessageState::Approved
        && row.approved_digest.as_deref() != Some(&composed.fingerprint(&row.summary.person_email));
    let mut summary = row.summary;
    if composed.template_id.is_some() && summary.template_id != composed.template_id {
        summary.template_id = composed.template_id.clone();
        summary.template_name = composed.template_name.clone();
    }
    MessagePreview {
        from: address(&batch.settings.sender_name, &batch.settings.sender_email),
        to: address(&summary.person_name, &summary.person_email),
        message: summary,
        subject: composed.subject,
        markdown: composed.markdown,
        html: body.html,
        text: body.text,
        withheld: composed.withheld,
        findings,
        warnings: composed.warnings,
        template_error: composed.template_error,
        leaked_section: composed.leaked_section,
        approval_stale,
    }
}

/// States in which the analyst still composes (the outbox owns the others).
fn is_composing(state: MessageState) -> bool {
    matches!(state, MessageState::Draft | MessageState::Approved | MessageState::Skipped)
}

fn ensure_composing(s: &MessageSummary) -> Result<()> {
    if is_composing(s.state) {
        Ok(())
    } else {
        Err(Error::invalid(
            "state",
            format!(
                "The message to {} is {}; it can no longer be changed.",
                s.person_name,
                s.state.label().to_lowercase()
            ),
        ))
    }
}

fn abbreviate(items: &[&str], shown: usize) -> String {
    let mut text = items.iter().take(shown).map(|s| format!("“{s}”")).collect::<Vec<_>>().join(", ");
    if items.len() > shown {
        text.push_str(&format!(" and {} more", items.len() - shown));
    }
    text
}
