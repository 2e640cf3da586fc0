//! The contributor report: who helped, with their credit role, what they gave, its impact, and
//! whether they were thanked.
//!
//! [`Store::contributor_summary`] computes the cover and chart figures ([`ContributorSummary`])
//! with a few SQL aggregates; [`Store::each_report_incident`] streams the details one
//! [`ReportIncident`] at a time, in the order incidents were opened. The whole
//! [`ContributorDocument`] (what the PDF is drawn from) is both together.

use super::pseudonym::Pseudonyms;
use super::scope::{display_date, GroupBy, ReportFilter, Scope};
use crate::error::Result;
use crate::model::{Audience, CreditRole, IncidentKind, Severity, Status, Tlp};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Whether a contributor has been thanked for an incident, from their thank-you message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Thanked {
    /// The message was delivered (or written out for the analyst's own mail client).
    Thanked,
    /// Approved and on its way: queued, being sent, or waiting for a retry.
    Queued,
    /// No message yet, a draft, or one that was skipped, cancelled or failed.
    NotThanked,
}

impl Thanked {
    pub fn label(self) -> &'static str {
        match self {
            Thanked::Thanked => "Thanked",
            Thanked::Queued => "On its way",
            Thanked::NotThanked => "Not yet",
        }
    }

    fn from_code(code: &str) -> Thanked {
        match code {
            "thanked" => Thanked::Thanked,
            "queued" => Thanked::Queued,
            _ => Thanked::NotThanked,
        }
    }
}

/// The SQL for [`Thanked`] over the scope's `m` (message) alias.
pub(crate) const THANKED_SQL: &str = "CASE WHEN m.state = 'sent' THEN 'thanked'
     WHEN m.state IN ('approved', 'queued', 'sending', 'deferred', 'uncertain') THEN 'queued'
     ELSE 'not_thanked' END";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct Totals {
    pub incidents: u32,
    pub contributions: u32,
    pub contributors: u32,
    /// Thank-yous, counted once per contributor and incident.
    pub thanked: u32,
    pub queued: u32,
    pub not_thanked: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Count {
    pub label: String,
    pub count: u32,
}

/// The cover and the charts of a contributor report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ContributorSummary {
    pub title: String,
    /// The incident ("INC-2026-0042 · Phishing wave") or the period.
    pub subtitle: String,
    pub organisation: String,
    pub author: String,
    pub generated_at: String,
    /// The filters in words.
    pub filters: Vec<String>,
    pub include_internal: bool,
    pub totals: Totals,
    pub by_group_heading: String,
    /// Contributions by organisation or team, most first.
    pub by_group: Vec<Count>,
    /// Contributions by credit role, most first.
    pub by_role: Vec<Count>,
}

/// One incident of a report with its contributions. Labels are the words the app shows;
/// dates are YYYY-MM-DD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ReportIncident {
    pub reference: String,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub severity: String,
    pub tlp: Tlp,
    pub tlp_label: String,
    pub opened_on: String,
    pub closed_on: Option<String>,
    /// The internal summary: only when internal-only fields were chosen.
    pub summary: Option<String>,
    pub contributions: Vec<ReportContribution>,
    /// Contributions left out of a preview (always 0 in a report).
    pub omitted: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ReportContribution {
    /// The person's name, or their pseudonym when they have not consented to be named.
    pub contributor: String,
    pub pseudonymous: bool,
    /// Left out for pseudonymous contributors.
    pub email: Option<String>,
    pub organisation: String,
    pub team: String,
    pub role: String,
    pub what: String,
    pub impact: String,
    pub given_on: Option<String>,
    pub thanked: Thanked,
    /// The day the thank-you was delivered.
    pub thanked_on: Option<String>,
    /// Notes on the person: only when internal-only fields were chosen.
    pub notes: Option<String>,
    /// Constraints on the contribution: only when internal-only fields were chosen.
    pub constraints: Option<String>,
}

/// Everything a contributor report shows: the PDF is drawn from this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ContributorDocument {
    #[serde(flatten)]
    pub summary: ContributorSummary,
    pub incidents: Vec<ReportIncident>,
}

/// What the Reports view shows while filters change: the summary and the first incidents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ContributorPreview {
    pub summary: ContributorSummary,
    pub incidents: Vec<ReportIncident>,
    /// Incidents in the report beyond those shown.
    pub more_incidents: u32,
}

const DETAIL_SQL: &str = "SELECT i.id, i.reference, i.title, i.kind, i.status, i.severity, i.tlp, i.opened_on,
       i.closed_on, i.summary, p.id, p.name, p.preferred_name, p.email, p.organisation, p.team,
       p.audience, p.may_be_named, p.notes, c.role, c.what, c.impact, c.given_on, c.constraints,
       substr(o.sent_at, 1, 10), ";

const DETAIL_ORDER: &str = " ORDER BY i.opened_on, i.reference, i.id, c.given_on, c.created_at, c.id";

impl Store {
    /// The cover and chart figures of a contributor report.
    pub fn contributor_summary(&self, filter: &ReportFilter) -> Result<ContributorSummary> {
        let scope = filter.resolve(self)?;
        self.summary_of(filter, &scope)
    }

    fn summary_of(&self, filter: &ReportFilter, scope: &Scope) -> Result<ContributorSummary> {
        let scoped = &scope.from_where;
        let (contributions, incidents, contributors) = self.conn.query_row(
            &format!("SELECT count(*), count(DISTINCT c.incident_id), count(DISTINCT c.person_id) {scoped}"),
            scope.params(),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let mut totals = Totals { incidents, contributions, contributors, ..Totals::default() };
        let mut thanked = self.conn.prepare(&format!(
            "SELECT t, count(*) FROM (SELECT DISTINCT c.incident_id, c.person_id, {THANKED_SQL} AS t {scoped}) GROUP BY t"
        ))?;
        let mut rows = thanked.query(scope.params())?;
        while let Some(row) = rows.next()? {
            let count: u32 = row.get(1)?;
            match Thanked::from_code(row.get_ref(0)?.as_str()?) {
                Thanked::Thanked => totals.thanked = count,
                Thanked::Queued => totals.queued = count,
                Thanked::NotThanked => totals.not_thanked = count,
            }
        }

        let (column, heading, unnamed) = match filter.group_by {
            GroupBy::Organisation => ("p.organisation", "Contributions by organisation", "No organisation given"),
            GroupBy::Team => ("p.team", "Contributions by team", "No team given"),
        };
        let by_group = self.counts(
            &format!(
                "SELECT {column}, count(*) {scoped} GROUP BY {column} COLLATE NOCASE ORDER BY 2 DESC, 1 COLLATE NOCASE"
            ),
            scope,
            |label| if label.trim().is_empty() { unnamed.to_owned() } else { label.to_owned() },
        )?;
        let by_role = self.counts(
            &format!("SELECT c.role, count(*) {scoped} GROUP BY c.role ORDER BY 2 DESC, 1"),
            scope,
            |role| CreditRole::parse(role).map_or_else(|| role.to_owned(), |r| r.label().to_owned()),
        )?;

        let settings = self.settings()?;
        Ok(ContributorSummary {
            title: "Contributor report".to_owned(),
            subtitle: scope.subtitle(),
            organisation: settings.organisation,
            author: settings.sender_name,
            generated_at: display_date(&self.today()),
            filters: filter.labels(),
            include_internal: filter.include_internal,
            totals,
            by_group_heading: heading.to_owned(),
            by_group,
            by_role,
        })
    }

    fn counts(&self, sql: &str, scope: &Scope, label: impl Fn(&str) -> String) -> Result<Vec<Count>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows =
            stmt.query_map(scope.params(), |r| Ok(Count { label: label(r.get_ref(0)?.as_str()?), count: r.get(1)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Streams a report's incidents with their contributions, in the order they were opened;
    /// `each` sees one incident at a time. A report about one incident always yields it, even
    /// with no contributions yet. Returns how many contributions were streamed.
    pub fn each_report_incident(
        &self,
        filter: &ReportFilter,
        mut each: impl FnMut(ReportIncident) -> Result<()>,
    ) -> Result<u64> {
        let scope = filter.resolve(self)?;
        let mut pseudonyms = Pseudonyms::new();
        let sql = format!("{DETAIL_SQL}{THANKED_SQL} {}{DETAIL_ORDER}", scope.from_where);
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(scope.params())?;
        let (mut current, mut current_id, mut streamed): (Option<ReportIncident>, String, u64) =
            (None, String::new(), 0);
        while let Some(row) = rows.next()? {
            let incident_id = row.get_ref(0)?.as_str()?;
            if current.is_none() || incident_id != current_id {
                if let Some(done) = current.take() {
                    each(done)?;
                }
                current_id = incident_id.to_owned();
                current = Some(incident_from_row(row, filter.include_internal)?);
            }
            let contribution = contribution_from_row(row, filter.include_internal, &mut pseudonyms)?;
            current.as_mut().expect("set above").contributions.push(contribution);
            streamed += 1;
        }
        match (current, &scope.incident) {
            (Some(done), _) => each(done)?,
            (None, Some(only)) => each(ReportIncident {
                reference: only.reference.clone(),
                title: only.title.clone(),
                kind: only.kind.label().to_owned(),
                status: only.status.label().to_owned(),
                severity: only.severity.label().to_owned(),
                tlp: only.tlp,
                tlp_label: only.tlp.label().to_owned(),
                opened_on: only.opened_on.clone(),
                closed_on: only.closed_on.clone(),
                summary: filter.include_internal.then(|| only.summary.clone()),
                contributions: Vec::new(),
                omitted: 0,
            })?,
            (None, None) => {}
        }
        Ok(streamed)
    }

    /// The whole contributor report in memory: what the PDF is drawn from.
    pub fn contributor_document(&self, filter: &ReportFilter) -> Result<ContributorDocument> {
        let summary = self.contributor_summary(filter)?;
        let mut incidents = Vec::new();
        self.each_report_incident(filter, |incident| {
            incidents.push(incident);
            Ok(())
        })?;
        Ok(ContributorDocument { summary, incidents })
    }

    /// The summary and the first `incidents` incidents (each with at most `contributions`
    /// contributions), for a live preview.
    pub fn contributor_preview(
        &self,
        filter: &ReportFilter,
        incidents: u32,
        contributions: u32,
    ) -> Result<ContributorPreview> {
        let summary = self.contributor_summary(filter)?;
        let mut shown = Vec::new();
        let wanted = incidents as usize;
        // Streaming stops early by failing with a marker once enough incidents are in.
        let outcome = self.each_report_incident(filter, |mut incident| {
            if shown.len() == wanted {
                return Err(crate::Error::Cancelled(String::new()));
            }
            let keep = contributions as usize;
            if incident.contributions.len() > keep {
                incident.omitted = (incident.contributions.len() - keep) as u32;
                incident.contributions.truncate(keep);
            }
            shown.push(incident);
            Ok(())
        });
        match outcome {
            Ok(_) | Err(crate::Error::Cancelled(_)) => {}
            Err(other) => return Err(other),
        }
        let more_incidents = summary.totals.incidents.saturating_sub(shown.len() as u32);
        Ok(ContributorPreview { summary, incidents: shown, more_incidents })
    }
}

fn label_of<T: Copy>(text: &str, parse: impl Fn(&str) -> Option<T>, label: impl Fn(T) -> &'static str) -> String {
    parse(text).map_or_else(|| text.to_owned(), |v| label(v).to_owned())
}

fn incident_from_row(row: &rusqlite::Row<'_>, internal: bool) -> Result<ReportIncident> {
    let tlp: Tlp = row.get(6)?;
    Ok(ReportIncident {
        reference: row.get(1)?,
        title: row.get(2)?,
        kind: label_of(row.get_ref(3)?.as_str()?, IncidentKind::parse, IncidentKind::label),
        status: label_of(row.get_ref(4)?.as_str()?, Status::parse, Status::label),
        severity: label_of(row.get_ref(5)?.as_str()?, Severity::parse, Severity::label),
        tlp,
        tlp_label: tlp.label().to_owned(),
        opened_on: row.get(7)?,
        closed_on: row.get(8)?,
        summary: if internal { Some(row.get(9)?) } else { None },
        contributions: Vec::new(),
        omitted: 0,
    })
}

fn contribution_from_row(
    row: &rusqlite::Row<'_>,
    internal: bool,
    pseudonyms: &mut Pseudonyms,
) -> Result<ReportContribution> {
    let organisation: String = row.get(14)?;
    let team: String = row.get(15)?;
    let may_be_named: bool = row.get(17)?;
    let (contributor, email) = if may_be_named {
        (row.get(11)?, Some(row.get(13)?))
    } else {
        let audience: Audience = row.get(16)?;
        (pseudonyms.name(row.get_ref(10)?.as_str()?, &team, &organisation, audience), None)
    };
    let thanked = Thanked::from_code(row.get_ref(25)?.as_str()?);
    Ok(ReportContribution {
        contributor,
        pseudonymous: !may_be_named,
        email,
        organisation,
        team,
        role: label_of(row.get_ref(19)?.as_str()?, CreditRole::parse, CreditRole::label),
        what: row.get(20)?,
        impact: row.get(21)?,
        given_on: row.get(22)?,
        thanked,
        thanked_on: if thanked == Thanked::Thanked { row.get(24)? } else { None },
        notes: if internal { Some(row.get(18)?) } else { None },
        constraints: if internal { Some(row.get(23)?) } else { None },
    })
}
