//! The templates shipped with the app: [`builtin_templates`] lists each [`BuiltinTemplate`],
//! one per audience plus two for particular kinds of incident (a phishing report, a
//! vulnerability fixed by IT). Their text lives in `core/templates/` as plain files (subject and
//! Markdown body), so the wording can be read and reviewed without reading Rust.
//!
//! They follow DESIGN.md's "Why": thank the person by name, say what *their* help did, tell them
//! how it ended (only the sections they may see, each with its TLP label), use plain words,
//! never blame, and acknowledge the constraints IT and operations work under.

use crate::model::{Audience, IncidentKind};
use serde::Serialize;

/// A template shipped with the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BuiltinTemplate {
    /// Stable key: `end_user`, `it_operations`, …
    pub key: &'static str,
    pub name: &'static str,
    /// Who it is for; None: anyone.
    pub audience: Option<Audience>,
    /// Which incidents it is for; None: any kind.
    pub incident_kind: Option<IncidentKind>,
    /// minijinja, rendered to one line.
    pub subject: &'static str,
    /// Markdown with minijinja tags.
    pub body: &'static str,
}

macro_rules! builtin {
    ($key:literal, $name:literal, $audience:expr, $kind:expr) => {
        BuiltinTemplate {
            key: $key,
            name: $name,
            audience: $audience,
            incident_kind: $kind,
            // The files end with a newline; a subject has none.
            subject: include_str!(concat!("../../templates/", $key, ".subject.txt")).trim_ascii_end(),
            body: include_str!(concat!("../../templates/", $key, ".body.md")),
        }
    };
}

const BUILTINS: &[BuiltinTemplate] = &[
    builtin!("end_user", "End user", Some(Audience::EndUser), None),
    builtin!("it_operations", "IT / operations", Some(Audience::ItOperations), None),
    builtin!("third_party", "Third party / vendor", Some(Audience::ThirdParty), None),
    builtin!("security_colleague", "Security colleague", Some(Audience::SecurityColleague), None),
    builtin!("management", "Management", Some(Audience::Management), None),
    builtin!(
        "phishing_report",
        "Phishing report (reporter)",
        Some(Audience::EndUser),
        Some(IncidentKind::PhishingReport)
    ),
    builtin!(
        "vulnerability_remediation",
        "Vulnerability fixed (IT / operations)",
        Some(Audience::ItOperations),
        Some(IncidentKind::VulnerabilityRemediation)
    ),
];

/// Every built-in template, in a stable order.
pub fn builtin_templates() -> &'static [BuiltinTemplate] {
    BUILTINS
}
