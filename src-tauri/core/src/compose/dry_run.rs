//! The dry run: every message that is not skipped, rendered exactly as it would be sent and
//! written as an `.eml` file to a folder ([`Store::render_messages`], [`RenderReport`]). Any mail
//! client opens them; nothing is sent.

use super::batch::IncidentBatch;
use super::eml::{build_eml, Envelope};
use super::messages::{compose_row, preview, MessageRow};
use super::tone::ToneRules;
use crate::error::{Error, Result};
use crate::model::MessageState;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::Path;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct RenderReport {
    pub folder: String,
    pub written: u32,
    pub skipped: u32,
    /// Tone findings across the written messages, and how many messages have any.
    pub findings: u32,
    pub messages_with_findings: u32,
    /// Messages that could not be rendered, with why (nothing written for them).
    pub problems: Vec<RenderProblem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RenderProblem {
    pub person_email: String,
    pub message: String,
}

/// One rendered message: its file name and bytes, or why it could not be rendered.
type Rendered = std::result::Result<(String, Vec<u8>, usize), RenderProblem>;

impl Store {
    /// Writes one `.eml` per message that is not skipped into `folder` (created if needed).
    pub fn render_messages(&self, incident: &str, folder: &Path) -> Result<RenderReport> {
        if folder.as_os_str().is_empty() {
            return Err(Error::invalid("folder", "Choose a folder for the .eml files."));
        }
        let batch = IncidentBatch::load(self, incident)?;
        let rules = self.tone_rules()?;
        let rows = self.message_rows(&batch.incident.id)?;
        if rows.is_empty() {
            return Err(Error::invalid(
                "messages",
                format!("{} has no messages yet: generate them first.", batch.incident.reference),
            ));
        }
        std::fs::create_dir_all(folder).map_err(|source| Error::Io {
            context: format!("Could not create the folder {}", folder.display()),
            source,
        })?;
        let date = self.clock.now();
        let (skipped, to_render): (Vec<MessageRow>, Vec<MessageRow>) =
            rows.into_iter().partition(|r| r.summary.state == MessageState::Skipped);

        // Rendering is independent per message: spread it over the cores.
        let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
        let chunk = to_render.len().div_ceil(workers).max(1);
        let mut rendered: Vec<Rendered> = Vec::with_capacity(to_render.len());
        std::thread::scope(|scope| {
            let handles: Vec<_> = to_render
                .chunks(chunk)
                .enumerate()
                .map(|(n, rows)| {
                    let (batch, rules) = (&batch, &rules);
                    scope.spawn(move || {
                        rows.iter()
                            .enumerate()
                            .map(|(i, row)| render_one(batch, rules, row, n * chunk + i + 1, date))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for handle in handles {
                rendered.extend(handle.join().expect("a rendering thread panicked"));
            }
        });

        let mut report =
            RenderReport { folder: folder.display().to_string(), skipped: skipped.len() as u32, ..Default::default() };
        for item in rendered {
            match item {
                Ok((name, bytes, findings)) => {
                    let path = folder.join(&name);
                    std::fs::write(&path, bytes).map_err(|source| Error::Io {
                        context: format!("Could not write {}", path.display()),
                        source,
                    })?;
                    report.written += 1;
                    report.findings += findings as u32;
                    report.messages_with_findings += u32::from(findings > 0);
                }
                Err(problem) => report.problems.push(problem),
            }
        }
        Ok(report)
    }
}

fn render_one(
    batch: &IncidentBatch,
    rules: &ToneRules,
    row: &MessageRow,
    number: usize,
    date: chrono::DateTime<chrono::Utc>,
) -> Rendered {
    let email = row.summary.person_email.clone();
    let problem = |message: String| RenderProblem { person_email: email.clone(), message };
    let composed = compose_row(batch, row).map_err(|e| problem(e.to_string()))?;
    // Re-use the preview so the dry run is exactly what the analyst saw.
    let shown = preview(batch, row_clone(row), composed, rules);
    if let Some(error) = &shown.template_error {
        return Err(problem(Error::Template(error.clone()).to_string()));
    }
    if let Some(heading) = &shown.leaked_section {
        return Err(problem(format!(
            "The edited text contains the section “{heading}”, which this person may not see."
        )));
    }
    let envelope = Envelope {
        from_name: batch.settings.sender_name.clone(),
        from_email: batch.settings.sender_email.clone(),
        to_name: shown.message.person_name.clone(),
        to_email: email.clone(),
        reply_to: None,
        subject: shown.subject.clone(),
        message_id: shown.message.message_id.clone(),
        date,
    };
    let body = super::markdown::MailBody { html: shown.html, text: shown.text };
    let bytes = build_eml(&envelope, &body).map_err(|e| problem(e.to_string()))?;
    Ok((file_name(number, &email), bytes, shown.findings.len()))
}

fn row_clone(row: &MessageRow) -> MessageRow {
    MessageRow { summary: row.summary.clone(), edit: row.edit.clone(), approved_digest: row.approved_digest.clone() }
}

/// `00042-jane.doe_corp.example.eml`: sortable, and safe on every file system.
fn file_name(number: usize, email: &str) -> String {
    let safe: String = email
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(80)
        .collect();
    format!("{number:05}-{safe}.eml")
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_safe_and_sortable() {
        assert_eq!(super::file_name(7, "Jane.Doe+x@corp.example"), "00007-Jane.Doe_x_corp.example.eml");
        assert_eq!(super::file_name(12345, "../../etc/passwd"), "12345-.._.._etc_passwd.eml");
    }
}
