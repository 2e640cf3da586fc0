//! Composing one message: [`compose`] renders a recipient's subject and Markdown body (the
//! analyst's edit when there is one, else their template) and collects what the preview must
//! say: withheld sections, warnings ([`ComposeWarning`]) and a template error.
//!
//! [`digest`] fingerprints exactly what would be sent, so an approval lapses when that changes.

use super::batch::{Contributor, IncidentBatch, WithheldSection};
use super::context::RenderContext;
use super::outcome::OutcomeSection;
use super::render::{CompiledTemplate, RenderedDraft, TemplateError};
use super::templates::{best_template, Template};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use specta::Type;
use std::collections::HashMap;

/// Something the analyst should know before approving; it does not block approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ComposeWarning {
    /// `no_outcome`, `outcome_all_withheld`, `no_impact`, `no_sender`, `tlp_label_missing`.
    pub code: String,
    pub message: String,
}

/// The analyst's own wording for one message, replacing the template's.
#[derive(Debug, Clone, Default)]
pub(crate) struct Override {
    pub subject: Option<String>,
    pub body: Option<String>,
}

pub(crate) struct Composed {
    pub subject: String,
    pub markdown: String,
    pub template_id: Option<String>,
    pub template_name: String,
    pub withheld: Vec<WithheldSection>,
    pub warnings: Vec<ComposeWarning>,
    /// The template failed for this recipient (the edit, if any, still composed).
    pub template_error: Option<TemplateError>,
    /// The heading of a withheld section whose text the analyst's edit contains.
    pub leaked_section: Option<String>,
    /// The visible sections' texts, for the tone check's "says how it ended".
    pub outcome_texts: Vec<String>,
    /// Which sections this recipient may see, and under which labels: part of the fingerprint,
    /// so an approval lapses when a reader is removed or a label raised, even for an edited text.
    pub visibility: String,
}

impl Composed {
    /// The fingerprint an approval records (see [`digest`]).
    pub fn fingerprint(&self, to: &str) -> String {
        digest(to, &self.subject, &self.markdown, &self.visibility)
    }
}

/// A batch's templates, each parsed once on first use.
#[derive(Default)]
pub(crate) struct TemplateCache<'b> {
    compiled: HashMap<&'b str, Result<CompiledTemplate<'b>, TemplateError>>,
}

impl<'b> TemplateCache<'b> {
    fn render(&mut self, template: &'b Template, context: &RenderContext) -> Result<RenderedDraft, TemplateError> {
        match self
            .compiled
            .entry(&template.id)
            .or_insert_with(|| CompiledTemplate::new(&template.subject, &template.body))
        {
            Ok(compiled) => compiled.render(context),
            Err(error) => Err(error.clone()),
        }
    }
}

/// Composes `who`'s message with `template` (the best fit when None) and the analyst's edit.
pub(crate) fn compose<'b>(
    batch: &'b IncidentBatch,
    who: &Contributor,
    template: Option<&'b Template>,
    edit: &Override,
    cache: &mut TemplateCache<'b>,
) -> Composed {
    let (visible, withheld) = batch.split_sections(who);
    let template = template.or_else(|| best_template(&batch.templates, who.audience, batch.incident.kind));
    let mut template_error = None;
    let rendered = match template {
        Some(t) if edit.subject.is_none() || edit.body.is_none() => {
            match cache.render(t, &batch.context(who, &visible)) {
                Ok(draft) => draft,
                Err(error) => {
                    template_error = Some(error);
                    RenderedDraft { subject: String::new(), body: String::new() }
                }
            }
        }
        _ => RenderedDraft { subject: String::new(), body: String::new() },
    };
    let subject = edit.subject.clone().unwrap_or(rendered.subject);
    let markdown = edit.body.clone().unwrap_or(rendered.body);
    let leaked_section = leaked_section(&subject, &markdown, &batch.sections, &withheld, edit);
    let visibility = visible.iter().map(|s| format!("{}:{}", s.id, s.tlp.as_str())).collect::<Vec<_>>().join(";");
    let mut warnings = warnings(batch, who, &visible, &withheld, &markdown);
    if template.is_none() && (edit.subject.is_none() || edit.body.is_none()) {
        warnings.push(ComposeWarning {
            code: "no_template".into(),
            message: format!(
                "No template fits {} ({}); write the message with Edit or create a template for anyone.",
                who.name,
                who.audience.label()
            ),
        });
    }
    Composed {
        subject,
        markdown,
        template_id: template.map(|t| t.id.clone()),
        template_name: template.map(|t| t.name.clone()).unwrap_or_default(),
        withheld,
        warnings,
        template_error,
        leaked_section,
        outcome_texts: visible.iter().map(|s| s.body.clone()).collect(),
        visibility,
    }
}

fn warnings(
    batch: &IncidentBatch,
    who: &Contributor,
    visible: &[&OutcomeSection],
    withheld: &[WithheldSection],
    markdown: &str,
) -> Vec<ComposeWarning> {
    let mut out = Vec::new();
    let mut warn = |code: &str, message: String| out.push(ComposeWarning { code: code.into(), message });
    if batch.sections.is_empty() {
        warn(
            "no_outcome",
            "This incident has no outcome yet, so the message cannot say how it ended. Add a section under Outcome."
                .into(),
        );
    } else if visible.is_empty() && !withheld.is_empty() {
        warn(
            "outcome_all_withheld",
            format!(
                "None of the outcome may be shown to {}, so the message cannot say how it ended. Consider a short \
                 TLP:CLEAR or TLP:GREEN section everyone may read.",
                who.name
            ),
        );
    }
    for c in who.contributions.iter().filter(|c| c.impact.trim().is_empty()) {
        warn(
            "no_impact",
            format!("“{}” has no impact recorded, so the thanks will sound generic. Say what it changed.", c.what),
        );
    }
    if batch.settings.sender_name.trim().is_empty() || batch.settings.sender_email.trim().is_empty() {
        warn("no_sender", "Your name and address are not set yet: add them in Settings (Sender).".into());
    }
    // Squashing the text costs an allocation per word: only when some label is missing at all.
    let missing: Vec<&&OutcomeSection> = visible.iter().filter(|s| !contains_label(markdown, s.tlp.label())).collect();
    let flat = if missing.is_empty() { String::new() } else { squash(markdown) };
    for s in missing {
        let label = s.tlp.label();
        if contains_section(&flat, &s.body) {
            warn(
                "tlp_label_missing",
                format!("The section “{}” is shown without its label {label}; TLP asks for it.", heading_or_start(s)),
            );
        }
    }
    out
}

/// Does `text` carry `label` as a label of its own ("TLP:AMBER" does not count inside
/// "TLP:AMBER+STRICT")?
fn contains_label(text: &str, label: &str) -> bool {
    text.match_indices(label).any(|(at, _)| !text[at + label.len()..].starts_with('+'))
}

/// Catches the analyst pasting a withheld section into their own edit of one message: the
/// template never sees such a section, but free text could still carry it.
fn leaked_section(
    subject: &str,
    markdown: &str,
    sections: &[OutcomeSection],
    withheld: &[WithheldSection],
    edit: &Override,
) -> Option<String> {
    if edit.subject.is_none() && edit.body.is_none() {
        return None;
    }
    let flat = squash(&format!("{subject}\n{markdown}"));
    withheld.iter().find_map(|w| {
        let section = sections.iter().find(|s| s.id == w.section_id)?;
        carries_text_of(&flat, &section.body).then(|| heading_or_start(section))
    })
}

/// Words in a row that count as copied: enough that an analyst's own sentence will not match a
/// section by chance, few enough that a copied sentence is caught.
const COPIED_RUN_WORDS: usize = 8;

/// Does `flat` (squashed) carry the section's text, whole, a sizeable paragraph, or any run of
/// [`COPIED_RUN_WORDS`] of its words?
fn carries_text_of(flat: &str, section: &str) -> bool {
    if contains_section(flat, section) {
        return true;
    }
    let squashed = squash(section);
    let words: Vec<&str> = squashed.split(' ').filter(|w| !w.is_empty()).collect();
    words.windows(COPIED_RUN_WORDS).any(|run| flat.contains(&run.join(" ")))
}

fn heading_or_start(s: &OutcomeSection) -> String {
    if !s.heading.is_empty() {
        return s.heading.clone();
    }
    let start: String = s.body.chars().take(40).collect();
    format!("{start}…")
}

/// Lower-cased words only, so Markdown markup and wrapping do not hide a copied text.
fn squash(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Does `flat` (squashed) contain `section` or any sizeable paragraph of it?
fn contains_section(flat: &str, section: &str) -> bool {
    let whole = squash(section);
    if !whole.is_empty() && flat.contains(&whole) {
        return true;
    }
    section.split("\n\n").map(squash).any(|p| p.len() >= 40 && flat.contains(&p))
}

/// A fingerprint of what would be sent: recipient, subject, body, and what the recipient may see.
pub(crate) fn digest(to: &str, subject: &str, markdown: &str, visibility: &str) -> String {
    let mut hash = Sha256::new();
    for part in [to, subject, markdown, visibility] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squashed_text_survives_markup_and_wrapping() {
        let section = "We blocked the sender's domain at the gateway and removed 14 copies of the mail.";
        let edited =
            "Hi Jane,\n\n> We **blocked** the sender's domain\n> at the gateway and removed 14 copies of the mail.";
        assert!(contains_section(&squash(edited), section));
        assert!(!contains_section(&squash("Hi Jane, thanks for the report."), section));
    }

    #[test]
    fn a_long_paragraph_of_a_section_counts_on_its_own() {
        let section = "Short intro.\n\nThe attacker reached the payroll database through the old VPN appliance.";
        let edited = "FYI: the attacker reached the payroll database through the old VPN appliance";
        assert!(contains_section(&squash(edited), section));
    }

    #[test]
    fn eight_words_in_a_row_of_a_withheld_section_count_as_copied() {
        let section = "Short intro. The attacker used the old VPN account of the payroll clerk to get in.";
        let copied = squash("FYI, the attacker used the old VPN account of the payroll clerk. Thanks!");
        assert!(carries_text_of(&copied, section));
        let own = squash("Thank you! We closed the old VPN account and the matter is resolved.");
        assert!(!carries_text_of(&own, section));
    }

    #[test]
    fn a_label_counts_only_as_itself() {
        assert!(contains_label("**TLP:AMBER** x", "TLP:AMBER"));
        assert!(!contains_label("**TLP:AMBER+STRICT** x", "TLP:AMBER"));
        assert!(contains_label("TLP:AMBER+STRICT and TLP:AMBER", "TLP:AMBER"));
    }

    #[test]
    fn digest_changes_with_any_part() {
        let base = digest("a@x", "s", "b", "S1:amber");
        assert_ne!(base, digest("a@y", "s", "b", "S1:amber"));
        assert_ne!(base, digest("a@x", "s2", "b", "S1:amber"));
        assert_ne!(base, digest("a@x", "s", "b", "S1:red"));
        assert_ne!(digest("ab", "c", "", ""), digest("a", "bc", "", ""));
        assert_eq!(base, digest("a@x", "s", "b", "S1:amber"));
    }
}
