//! [`ReportFilter`]: which contributions a report covers, checked and turned into one SQL
//! scope ([`Scope`]) that every query of a report shares, so totals, charts and details always
//! agree.

use crate::error::{Error, Result};
use crate::model::{Incident, IncidentKind, Person, Status};
use crate::store::Store;
use crate::validate;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use specta::Type;

/// What a report covers. Empty lists mean "any". The period selects incidents by the day they
/// were opened, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct ReportFilter {
    /// One incident, by reference or id; the other filters then narrow its contributors.
    #[serde(default)]
    pub incident: Option<String>,
    /// One person's contributions, by email or id (their page's "Export…").
    #[serde(default)]
    pub person: Option<String>,
    /// First day (YYYY-MM-DD) of the period.
    #[serde(default)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD) of the period.
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub kinds: Vec<IncidentKind>,
    #[serde(default)]
    pub statuses: Vec<Status>,
    /// Contributors' teams (case ignored).
    #[serde(default)]
    pub teams: Vec<String>,
    /// Contributors' organisations (case ignored).
    #[serde(default)]
    pub organisations: Vec<String>,
    /// Adds the internal-only fields: the incident's internal summary, notes on people and the
    /// constraints on contributions. Off unless chosen.
    #[serde(default)]
    pub include_internal: bool,
    /// What the "contributions by …" chart groups on.
    #[serde(default)]
    pub group_by: GroupBy,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    #[default]
    Organisation,
    Team,
}

impl GroupBy {
    pub fn parse(text: &str) -> Option<GroupBy> {
        match text.trim().to_ascii_lowercase().as_str() {
            "organisation" | "organization" | "org" => Some(GroupBy::Organisation),
            "team" => Some(GroupBy::Team),
            _ => None,
        }
    }
}

/// A checked filter: the `FROM … WHERE …` every report query starts from (aliases `c`
/// contributions, `i` incidents, `p` people, `m` the thank-you message and `o` its outbox row,
/// when there is one), its parameters, and what it resolved to.
pub(crate) struct Scope {
    pub from_where: String,
    pub params: Vec<Value>,
    pub incident: Option<Incident>,
    pub person: Option<Person>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Scope {
    pub fn params(&self) -> rusqlite::ParamsFromIter<std::slice::Iter<'_, Value>> {
        rusqlite::params_from_iter(self.params.iter())
    }
}

impl ReportFilter {
    /// Checks the filter (dates, their order, the incident) and builds its SQL scope.
    pub(crate) fn resolve(&self, store: &Store) -> Result<Scope> {
        let from = validate::date("from", "The start date", self.from.as_deref().unwrap_or(""))?;
        let to = validate::date("to", "The end date", self.to.as_deref().unwrap_or(""))?;
        if let (Some(from), Some(to)) = (&from, &to) {
            if from > to {
                return Err(Error::invalid(
                    "to",
                    format!("The end date {to} is before the start date {from}; swap them or pick a later end."),
                ));
            }
        }
        let incident = match self.incident.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            Some(reference) => Some(store.incident(reference)?),
            None => None,
        };

        let person = match self.person.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(wanted) => Some(store.person_by_id_or_email(wanted)?),
            None => None,
        };

        let mut sql = String::from(
            " FROM contributions c
              JOIN incidents i ON i.id = c.incident_id AND i.deleted_at IS NULL
              JOIN people p ON p.id = c.person_id AND p.deleted_at IS NULL
              LEFT JOIN messages m ON m.incident_id = c.incident_id AND m.person_id = c.person_id
                                  AND m.deleted_at IS NULL
              LEFT JOIN outbox o ON o.message_id = m.id
              WHERE c.deleted_at IS NULL",
        );
        let mut params: Vec<Value> = Vec::new();
        let mut bind = |sql: &mut String, clause: &str, value: Value| {
            params.push(value);
            sql.push_str(&clause.replace('?', &format!("?{}", params.len())));
        };
        if let Some(incident) = &incident {
            bind(&mut sql, " AND i.id = ?", Value::Text(incident.id.clone()));
        }
        if let Some(person) = &person {
            bind(&mut sql, " AND p.id = ?", Value::Text(person.id.clone()));
        }
        if let Some(from) = &from {
            bind(&mut sql, " AND i.opened_on >= ?", Value::Text(from.clone()));
        }
        if let Some(to) = &to {
            bind(&mut sql, " AND i.opened_on <= ?", Value::Text(to.clone()));
        }
        let lists: [(&str, Vec<String>, bool); 4] = [
            ("i.kind", self.kinds.iter().map(|k| k.as_str().to_owned()).collect(), false),
            ("i.status", self.statuses.iter().map(|s| s.as_str().to_owned()).collect(), false),
            ("p.team", clean_names(&self.teams), true),
            ("p.organisation", clean_names(&self.organisations), true),
        ];
        for (column, values, fold_case) in lists {
            if values.is_empty() {
                continue;
            }
            let collate = if fold_case { " COLLATE NOCASE" } else { "" };
            sql.push_str(&format!(" AND {column}{collate} IN ("));
            for (n, value) in values.into_iter().enumerate() {
                bind(&mut sql, if n == 0 { "?" } else { ", ?" }, Value::Text(value));
            }
            sql.push(')');
        }
        Ok(Scope { from_where: sql, params, incident, person, from, to })
    }

    /// The filters in words, for a report's cover ("Kinds: Phishing report").
    pub(crate) fn labels(&self) -> Vec<String> {
        let mut labels = Vec::new();
        let mut add = |name: &str, values: Vec<String>| {
            if !values.is_empty() {
                labels.push(format!("{name}: {}", values.join(", ")));
            }
        };
        add("Kinds", self.kinds.iter().map(|k| k.label().to_owned()).collect());
        add("Statuses", self.statuses.iter().map(|s| s.label().to_owned()).collect());
        add("Teams", clean_names(&self.teams));
        add("Organisations", clean_names(&self.organisations));
        if self.include_internal {
            labels.push("Includes internal-only fields".to_owned());
        }
        labels
    }
}

impl Scope {
    /// "INC-2026-0042 · Phishing wave", "1 Jan 2026 – 31 Mar 2026", "Since …", "All incidents".
    pub fn subtitle(&self) -> String {
        if let Some(incident) = &self.incident {
            return format!("{} · {}", incident.reference, incident.title);
        }
        let period = self.period();
        match &self.person {
            // Their name only when they may be named: the cover must not undo a pseudonym.
            Some(person) if person.may_be_named => format!("{} · {period}", person.name),
            Some(_) => format!("One contributor · {period}"),
            None => period,
        }
    }

    fn period(&self) -> String {
        match (&self.from, &self.to) {
            (Some(from), Some(to)) => format!("{} – {}", display_date(from), display_date(to)),
            (Some(from), None) => format!("Since {}", display_date(from)),
            (None, Some(to)) => format!("Until {}", display_date(to)),
            (None, None) => "All incidents".to_owned(),
        }
    }
}

fn clean_names(names: &[String]) -> Vec<String> {
    names.iter().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect()
}

/// `2026-11-03` → `3 Nov 2026`, the one date format the app shows.
pub(crate) fn display_date(iso: &str) -> String {
    match chrono::NaiveDate::parse_from_str(iso.get(..10).unwrap_or(iso), "%Y-%m-%d") {
        Ok(date) => date.format("%-d %b %Y").to_string(),
        Err(_) => iso.to_owned(),
    }
}
