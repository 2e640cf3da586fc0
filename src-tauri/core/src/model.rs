//! The vocabulary of DESIGN.md as types: [`Incident`], [`Person`], [`Contribution`] and the
//! closed sets they use ([`IncidentKind`], [`Severity`], [`Status`], [`Tlp`], [`Audience`],
//! [`TechnicalLevel`], [`CreditRole`]). Inputs for create/edit are the `*Input` structs.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Declares a closed set stored as snake_case text, with a human label for each value.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal : $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                let wanted = text.trim().to_ascii_lowercase().replace(['-', ' ', '+'], "_");
                Self::ALL.iter().copied().find(|v| v.as_str() == wanted)
            }

            /// The accepted spellings, for error messages.
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                $name::parse(text).ok_or_else(|| rusqlite::types::FromSqlError::Other(
                    format!("unknown {} '{}'", stringify!($name), text).into()))
            }
        }
    };
}

text_enum!(
    /// What sort of work an incident record tracks.
    IncidentKind {
        SecurityIncident = "security_incident": "Security incident",
        PhishingReport = "phishing_report": "Phishing report",
        VulnerabilityRemediation = "vulnerability_remediation": "Vulnerability remediation",
        Other = "other": "Other",
    }
);

text_enum!(
    Severity {
        Low = "low": "Low",
        Medium = "medium": "Medium",
        High = "high": "High",
        Critical = "critical": "Critical",
    }
);

text_enum!(
    /// The life cycle: open → investigating → contained → resolved → closed (and back, if reopened).
    Status {
        Open = "open": "Open",
        Investigating = "investigating": "Investigating",
        Contained = "contained": "Contained",
        Resolved = "resolved": "Resolved",
        Closed = "closed": "Closed",
    }
);

text_enum!(
    /// Traffic Light Protocol 2.0 labels.
    Tlp {
        Clear = "clear": "TLP:CLEAR",
        Green = "green": "TLP:GREEN",
        Amber = "amber": "TLP:AMBER",
        AmberStrict = "amber_strict": "TLP:AMBER+STRICT",
        Red = "red": "TLP:RED",
    }
);

text_enum!(
    /// Who a contributor is, which decides tone and what they may be told.
    Audience {
        EndUser = "end_user": "End user",
        ItOperations = "it_operations": "IT / operations",
        ThirdParty = "third_party": "Third party / vendor",
        SecurityColleague = "security_colleague": "Security colleague",
        Management = "management": "Management",
    }
);

text_enum!(
    TechnicalLevel {
        NonTechnical = "non_technical": "Non-technical",
        Technical = "technical": "Technical",
        Expert = "expert": "Expert",
    }
);

text_enum!(
    /// Credit roles, modelled on the CVE record's credit types.
    CreditRole {
        Finder = "finder": "Finder / reporter",
        LogProvider = "log_provider": "Log provider",
        Analyst = "analyst": "Analyst",
        Coordinator = "coordinator": "Coordinator",
        Remediation = "remediation": "Remediation",
        Expertise = "expertise": "Expertise",
        Access = "access": "Access",
        Other = "other": "Other",
    }
);

text_enum!(
    /// Where a thank-you message is in its life: composed (draft → approved, or skipped with a
    /// reason), then the outbox's states (queued → sending → sent; deferred, failed, uncertain,
    /// cancelled).
    MessageState {
        Draft = "draft": "Draft",
        Approved = "approved": "Approved",
        Queued = "queued": "Queued",
        Sending = "sending": "Sending",
        Sent = "sent": "Sent",
        Deferred = "deferred": "Deferred",
        Failed = "failed": "Failed",
        Uncertain = "uncertain": "Uncertain",
        Cancelled = "cancelled": "Cancelled",
        Skipped = "skipped": "Skipped",
    }
);

/// An incident as stored, with a count of its live contributions and contributors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Incident {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub kind: IncidentKind,
    pub severity: Severity,
    pub status: Status,
    pub tlp: Tlp,
    /// ISO date (YYYY-MM-DD).
    pub opened_on: String,
    pub closed_on: Option<String>,
    pub summary: String,
    pub created_at: String,
    pub updated_at: String,
    pub contribution_count: u32,
    pub contributor_count: u32,
}

/// Fields a person fills in to create or edit an incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct IncidentInput {
    /// Empty: the next free `INC-YYYY-NNNN` is chosen.
    pub reference: String,
    pub title: String,
    pub kind: Option<IncidentKind>,
    pub severity: Option<Severity>,
    pub tlp: Option<Tlp>,
    /// Empty: today.
    pub opened_on: String,
    pub summary: String,
}

/// Filters for the incident list; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct IncidentFilter {
    pub statuses: Vec<Status>,
    pub kinds: Vec<IncidentKind>,
    /// Every word must match reference, title or summary, in any order, ignoring case.
    pub text: String,
    pub limit: Option<u32>,
    /// How many matching incidents to skip (for the next page); none: 0.
    pub offset: Option<u32>,
}

/// A contributor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub preferred_name: String,
    pub email: String,
    pub organisation: String,
    pub team: String,
    pub job_title: String,
    pub audience: Audience,
    pub technical_level: TechnicalLevel,
    /// Consent: may this person be named in reports?
    pub may_be_named: bool,
    /// Consent: never send this person mail.
    pub do_not_contact: bool,
    pub notes: String,
    pub created_at: String,
    pub updated_at: String,
    pub contribution_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PersonInput {
    pub name: String,
    pub preferred_name: String,
    pub email: String,
    pub organisation: String,
    pub team: String,
    /// Optional for callers written before job titles existed.
    #[serde(default)]
    pub job_title: String,
    pub audience: Option<Audience>,
    pub technical_level: Option<TechnicalLevel>,
    pub may_be_named: bool,
    pub do_not_contact: bool,
    pub notes: String,
}

impl Default for PersonInput {
    fn default() -> Self {
        PersonInput {
            name: String::new(),
            preferred_name: String::new(),
            email: String::new(),
            organisation: String::new(),
            team: String::new(),
            job_title: String::new(),
            audience: None,
            technical_level: None,
            may_be_named: true,
            do_not_contact: false,
            notes: String::new(),
        }
    }
}

/// One person's help on one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Contribution {
    pub id: String,
    pub incident_id: String,
    pub person_id: String,
    pub role: CreditRole,
    pub what: String,
    /// ISO date the help was given, when known.
    pub given_on: Option<String>,
    pub impact: String,
    pub constraints: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct ContributionInput {
    pub incident_id: String,
    pub person_id: String,
    pub role: Option<CreditRole>,
    pub what: String,
    /// Empty: not recorded.
    pub given_on: String,
    pub impact: String,
    pub constraints: String,
}

/// A contribution together with who gave it (for the incident page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ContributionWithPerson {
    pub contribution: Contribution,
    pub person_name: String,
    pub person_email: String,
    pub person_organisation: String,
    pub person_audience: Audience,
    pub person_may_be_named: bool,
    pub person_do_not_contact: bool,
}

/// A contribution together with its incident (for the person page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ContributionWithIncident {
    pub contribution: Contribution,
    pub incident_reference: String,
    pub incident_title: String,
    pub incident_status: Status,
}

/// Everything the incident page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IncidentDetail {
    pub incident: Incident,
    pub contributions: Vec<ContributionWithPerson>,
}

/// Everything the person page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PersonDetail {
    pub person: Person,
    pub contributions: Vec<ContributionWithIncident>,
}

/// What a delete did, so the UI can offer to undo it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Deleted {
    pub id: String,
    /// How many live contributions the deleted record had (they are hidden with it, not deleted).
    pub contributions_hidden: u32,
}

/// Counts for the first-run screen and the sidebar.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct Overview {
    pub incidents: u32,
    pub open_incidents: u32,
    pub people: u32,
    pub contributions: u32,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub detail: String,
}
