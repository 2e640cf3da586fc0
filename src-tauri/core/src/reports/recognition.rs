//! The recognition report: the top contributors of a period, by person and by team, with their
//! incidents and what they gave ([`RecognitionDocument`], from [`Store::recognition_report`]).

use super::pseudonym::Pseudonyms;
use super::scope::{display_date, ReportFilter};
use crate::error::Result;
use crate::model::{Audience, CreditRole, Tlp};
use crate::store::Store;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Incidents listed per person (the count says how many there are in all).
const INCIDENTS_LISTED: usize = 12;
/// "What they gave" lines per person, most recent first.
const GAVE_LISTED: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RecognitionDocument {
    pub title: String,
    pub subtitle: String,
    pub organisation: String,
    pub author: String,
    pub generated_at: String,
    pub filters: Vec<String>,
    pub totals: RecognitionTotals,
    /// Ranked: most contributions first.
    pub people: Vec<RecognitionPerson>,
    /// Every team that helped, most contributions first.
    pub teams: Vec<RecognitionTeam>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct RecognitionTotals {
    pub incidents: u32,
    pub contributions: u32,
    pub contributors: u32,
    pub teams: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RecognitionPerson {
    pub rank: u32,
    pub contributor: String,
    pub pseudonymous: bool,
    pub organisation: String,
    pub team: String,
    pub contributions: u32,
    pub incident_count: u32,
    /// The most recent incidents they helped with (at most 12).
    pub incidents: Vec<RecognitionIncident>,
    pub roles: Vec<String>,
    /// What they gave, most recent first (at most 3).
    pub gave: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RecognitionIncident {
    pub reference: String,
    pub title: String,
    pub tlp: Tlp,
    pub tlp_label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RecognitionTeam {
    pub team: String,
    pub organisation: String,
    pub contributions: u32,
    pub people: u32,
    pub incidents: u32,
}

/// A ranked person as the query gives them: id, name, organisation, team, audience, whether
/// they may be named, contributions, incidents.
type Ranked = (String, String, String, String, Audience, bool, u32, u32);

impl Store {
    /// The recognition report for `filter`, with the `top` people (0: everyone who helped).
    pub fn recognition_report(&self, filter: &ReportFilter, top: u32) -> Result<RecognitionDocument> {
        let scope = filter.resolve(self)?;
        let scoped = &scope.from_where;
        let (contributions, incidents, contributors, teams) = self.conn.query_row(
            &format!(
                "SELECT count(*), count(DISTINCT c.incident_id), count(DISTINCT c.person_id),
                        count(DISTINCT CASE WHEN p.team <> '' THEN lower(p.team) END) {scoped}"
            ),
            scope.params(),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let totals = RecognitionTotals { incidents, contributions, contributors, teams };

        let limit = if top == 0 { -1 } else { i64::from(top) };
        let mut ranked = self.conn.prepare(&format!(
            "SELECT p.id, p.name, p.organisation, p.team, p.audience, p.may_be_named,
                    count(*), count(DISTINCT c.incident_id)
             {scoped} GROUP BY p.id ORDER BY 7 DESC, 8 DESC, p.name COLLATE NOCASE, p.id LIMIT {limit}"
        ))?;
        let ranked: Vec<Ranked> = ranked
            .query_map(scope.params(), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
            })?
            .collect::<rusqlite::Result<_>>()?;

        // One person's details: the scope's parameters plus the person's id.
        let person_param = scope.params.len() + 1;
        let mut their_incidents = self.conn.prepare(&format!(
            "SELECT i.reference, i.title, i.tlp, max(i.opened_on) {scoped} AND c.person_id = ?{person_param}
             GROUP BY i.id ORDER BY 4 DESC, i.reference DESC LIMIT {INCIDENTS_LISTED}"
        ))?;
        let mut their_roles = self.conn.prepare(&format!(
            "SELECT c.role, count(*) {scoped} AND c.person_id = ?{person_param} GROUP BY c.role ORDER BY 2 DESC, 1"
        ))?;
        let mut their_gifts = self.conn.prepare(&format!(
            "SELECT c.what {scoped} AND c.person_id = ?{person_param}
             ORDER BY i.opened_on DESC, c.created_at DESC"
        ))?;

        let mut pseudonyms = Pseudonyms::new();
        let mut people = Vec::with_capacity(ranked.len());
        for (n, (id, name, organisation, team, audience, may_be_named, contributions, incident_count)) in
            ranked.into_iter().enumerate()
        {
            let mut params = scope.params.clone();
            params.push(Value::Text(id.clone()));
            let incidents = their_incidents
                .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                    let tlp: Tlp = r.get(2)?;
                    Ok(RecognitionIncident {
                        reference: r.get(0)?,
                        title: r.get(1)?,
                        tlp,
                        tlp_label: tlp.label().to_owned(),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let roles = their_roles
                .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                    let role: String = r.get(0)?;
                    Ok(CreditRole::parse(&role).map_or(role, |r| r.label().to_owned()))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let mut gave: Vec<String> = Vec::new();
            let mut rows = their_gifts.query(rusqlite::params_from_iter(params.iter()))?;
            while let Some(row) = rows.next()? {
                let what = row.get_ref(0)?.as_str()?.trim();
                if !what.is_empty() && !gave.iter().any(|g| g.eq_ignore_ascii_case(what)) {
                    gave.push(what.to_owned());
                    if gave.len() == GAVE_LISTED {
                        break;
                    }
                }
            }
            let contributor = if may_be_named { name } else { pseudonyms.name(&id, &team, &organisation, audience) };
            people.push(RecognitionPerson {
                rank: n as u32 + 1,
                contributor,
                pseudonymous: !may_be_named,
                organisation,
                team,
                contributions,
                incident_count,
                incidents,
                roles,
                gave,
            });
        }

        let mut by_team = self.conn.prepare(&format!(
            "SELECT p.team, p.organisation, count(*), count(DISTINCT c.person_id), count(DISTINCT c.incident_id)
             {scoped} GROUP BY p.team COLLATE NOCASE, p.organisation COLLATE NOCASE
             ORDER BY 3 DESC, 1 COLLATE NOCASE, 2 COLLATE NOCASE"
        ))?;
        let teams = by_team
            .query_map(scope.params(), |r| {
                let team: String = r.get(0)?;
                Ok(RecognitionTeam {
                    team: if team.trim().is_empty() { "No team given".to_owned() } else { team },
                    organisation: r.get(1)?,
                    contributions: r.get(2)?,
                    people: r.get(3)?,
                    incidents: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;

        let settings = self.settings()?;
        Ok(RecognitionDocument {
            title: "Recognition report".to_owned(),
            subtitle: scope.subtitle(),
            organisation: settings.organisation,
            author: settings.sender_name,
            generated_at: display_date(&self.today()),
            filters: filter.labels(),
            totals,
            people,
            teams,
        })
    }
}
