//! What a template sees: [`RenderContext`] and its parts. Built per recipient by the message
//! generator from the store; only outcome sections the recipient may see are ever put in it, so a
//! template cannot reach a withheld section whatever it says.

use serde::Serialize;

/// The variables of a thank-you template: `person`, `contributions`, `incident`, `outcome`,
/// `sender`.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct RenderContext {
    pub person: PersonView,
    /// This person's live contributions to the incident, oldest first.
    pub contributions: Vec<ContributionView>,
    pub incident: IncidentView,
    /// The outcome sections this recipient may see, in order. Never a withheld one.
    pub outcome: Vec<SectionView>,
    pub sender: SenderView,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PersonView {
    pub name: String,
    /// The preferred name if set, else the first word of the name: how the greeting addresses them.
    pub first_name: String,
    pub email: String,
    pub organisation: String,
    pub team: String,
    /// `end_user`, `it_operations`, `third_party`, `security_colleague`, `management`.
    pub audience: String,
    /// True when the person belongs to the sender's own organisation.
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ContributionView {
    /// Credit role code (`finder`, `log_provider`, …) and its label ("Finder / reporter").
    pub role: String,
    pub role_label: String,
    pub what: String,
    pub impact: String,
    pub constraints: String,
    /// ISO date or empty.
    pub given_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct IncidentView {
    pub reference: String,
    pub title: String,
    /// Kind code (`phishing_report`, …) and label.
    pub kind: String,
    pub kind_label: String,
    pub severity: String,
    pub status: String,
    pub status_label: String,
    pub opened_on: String,
    /// ISO date or empty.
    pub closed_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SectionView {
    pub heading: String,
    /// The section's text, Markdown written by the analyst.
    pub text: String,
    /// TLP code (`clear`, `green`, `amber`, `amber_strict`, `red`) and the label to print
    /// ("TLP:AMBER"): a shown section must carry its label.
    pub tlp: String,
    pub tlp_label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SenderView {
    pub name: String,
    pub email: String,
    pub organisation: String,
    /// Markdown; may span several lines.
    pub signature: String,
}
