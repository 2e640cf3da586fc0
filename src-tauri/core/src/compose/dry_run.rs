//! The dry run: every message that is not skipped, rendered exactly as it would be sent and
//! written as an `.eml` file to a folder ([`Store::render_messages`], [`RenderReport`]). Any mail
//! client opens them; nothing is sent.

use super::batch::IncidentBatch;
use super::compose_one::TemplateCache;
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

/// One rendered message: its file name, bytes and tone findings, or why it could not be rendered.
type Rendered = std::result::Result<(String, Vec<u8>, usize), RenderProblem>;

impl Store {
    /// Writes one `.eml` per message that is not skipped into `folder` (created if needed).
    pub fn render_messages(&self, incident: &str, folder: &Path) -> Result<RenderReport> {
        if folder.as_os_str().is_empty() {
            return Err(Error::invalid("folder", "Choose a folder for the .eml files."));
        }
        let folder = &expand_home(folder);
        // Compiling the shipped tone rules takes a while: do it beside the database reads.
        let (batch, rows) = std::thread::scope(|scope| {
            let warm = scope.spawn(ToneRules::builtin);
            let read = IncidentBatch::load(self, incident)
                .and_then(|batch| Ok((self.message_rows(&batch.incident.id)?, batch)));
            let _ = warm.join();
            read.map(|(rows, batch)| (batch, rows))
        })?;
        let rules = self.tone_rules()?;
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

        // Rendering and writing are independent per message: spread both over the cores.
        let results = in_parallel(&to_render, |n, row, cache| -> Result<std::result::Result<usize, RenderProblem>> {
            match render_one(&batch, &rules, row, n + 1, date, cache) {
                Ok((name, bytes, findings)) => {
                    let path = folder.join(&name);
                    std::fs::write(&path, bytes).map_err(|source| Error::Io {
                        context: format!("Could not write {}", path.display()),
                        source,
                    })?;
                    Ok(Ok(findings))
                }
                Err(problem) => Ok(Err(problem)),
            }
        });
        let mut report =
            RenderReport { folder: folder.display().to_string(), skipped: skipped.len() as u32, ..Default::default() };
        for result in results {
            match result? {
                Ok(findings) => {
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

fn render_one<'b>(
    batch: &'b IncidentBatch,
    rules: &ToneRules,
    row: &MessageRow,
    number: usize,
    date: chrono::DateTime<chrono::Utc>,
    cache: &mut TemplateCache<'b>,
) -> Rendered {
    let email = row.summary.person_email.clone();
    let problem = |message: String| RenderProblem { person_email: email.clone(), message };
    let (envelope, body, findings) =
        final_message(batch, rules, row, date, &Extras::default(), cache).map_err(problem)?;
    let bytes = build_eml(&envelope, &body).map_err(|e| problem(e.to_string()))?;
    Ok((file_name(number, &email), bytes, findings))
}

/// Headers the outbox adds from the server settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extras {
    pub reply_to: Option<String>,
    pub cc: Option<String>,
}

/// The message exactly as it leaves: the envelope, both parts and the number of tone findings;
/// or why it cannot leave (a template error, a withheld section pasted into an edit).
pub(crate) fn final_message<'b>(
    batch: &'b IncidentBatch,
    rules: &ToneRules,
    row: &MessageRow,
    date: chrono::DateTime<chrono::Utc>,
    extras: &Extras,
    cache: &mut TemplateCache<'b>,
) -> std::result::Result<(Envelope, super::markdown::MailBody, usize), String> {
    let composed = compose_row(batch, row, cache).map_err(|e| e.to_string())?;
    // Re-use the preview so what leaves is exactly what the analyst saw.
    let shown = preview(batch, row_clone(row), composed, rules);
    if let Some(error) = &shown.template_error {
        return Err(Error::Template(error.clone()).to_string());
    }
    if let Some(heading) = &shown.leaked_section {
        return Err(format!("The edited text contains the section “{heading}”, which this person may not see."));
    }
    if shown.approval_stale {
        return Err("The message changed after it was approved: review it and approve it again.".into());
    }
    let envelope = Envelope {
        from_name: batch.settings.sender_name.clone(),
        from_email: batch.settings.sender_email.clone(),
        to_name: shown.message.person_name.clone(),
        to_email: row.summary.person_email.clone(),
        reply_to: extras.reply_to.clone(),
        cc: extras.cc.clone(),
        subject: shown.subject.clone(),
        message_id: shown.message.message_id.clone(),
        date,
    };
    let findings = shown.findings.len();
    Ok((envelope, super::markdown::MailBody { html: shown.html, text: shown.text }, findings))
}

/// `work(index, item, cache)` for every item, spread over the cores (each thread with its own
/// template cache); results in the items' order.
pub(crate) fn in_parallel<'b, T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(usize, &T, &mut TemplateCache<'b>) -> R + Sync,
) -> Vec<R> {
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
    let chunk = items.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(n, part)| {
                let work = &work;
                scope.spawn(move || {
                    let mut cache = TemplateCache::default();
                    part.iter().enumerate().map(|(i, item)| work(n * chunk + i, item, &mut cache)).collect::<Vec<R>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

fn row_clone(row: &MessageRow) -> MessageRow {
    MessageRow { summary: row.summary.clone(), edit: row.edit.clone(), approved_digest: row.approved_digest.clone() }
}

/// `~/dry-runs` as a person types it in the folder box.
fn expand_home(folder: &Path) -> std::path::PathBuf {
    match (folder.strip_prefix("~"), dirs::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => folder.to_path_buf(),
    }
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
    fn a_leading_tilde_is_the_home_folder() {
        let home = dirs::home_dir().unwrap();
        assert_eq!(super::expand_home(std::path::Path::new("~/dry/INC-1")), home.join("dry/INC-1"));
        assert_eq!(super::expand_home(std::path::Path::new("/tmp/~x")), std::path::Path::new("/tmp/~x"));
    }

    #[test]
    fn file_names_are_safe_and_sortable() {
        assert_eq!(super::file_name(7, "Jane.Doe+x@corp.example"), "00007-Jane.Doe_x_corp.example.eml");
        assert_eq!(super::file_name(12345, "../../etc/passwd"), "12345-.._.._etc_passwd.eml");
    }
}
