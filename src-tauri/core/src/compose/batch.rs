//! Everything needed to compose an incident's messages, read once: [`IncidentBatch`] holds the
//! incident, settings, outcome, templates and every contributor with their contributions, so
//! composing ten thousand messages costs a handful of queries, not ten thousand.
//!
//! [`IncidentBatch::context`] builds one recipient's [`RenderContext`], asking [`super::tlp`]
//! about every section: a withheld section never enters the context.

use super::context::*;
use super::outcome::OutcomeSection;
use super::templates::Template;
use super::tlp::{self, Recipient, Withheld};
use crate::error::Result;
use crate::model::*;
use crate::settings::Settings;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::{HashMap, HashSet};

/// A contributor of the incident and their live contributions, oldest first.
#[derive(Debug, Clone)]
pub(crate) struct Contributor {
    pub person_id: String,
    pub name: String,
    pub preferred_name: String,
    pub email: String,
    pub organisation: String,
    pub team: String,
    pub audience: Audience,
    pub do_not_contact: bool,
    pub contributions: Vec<Contribution>,
}

/// A section kept from one recipient, and why (for the preview).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct WithheldSection {
    pub section_id: String,
    pub heading: String,
    pub tlp: Tlp,
    pub reason: Withheld,
    /// The reason in plain words.
    pub explanation: String,
}

pub(crate) struct IncidentBatch {
    pub incident: Incident,
    pub settings: Settings,
    pub sections: Vec<OutcomeSection>,
    pub templates: Vec<Template>,
    pub contributors: Vec<Contributor>,
    /// Index into `contributors` by person id: ten thousand lookups must not scan ten thousand.
    by_person: HashMap<String, usize>,
    /// The named readers of each section (same order as `sections`), for the TLP:RED rule.
    readers: Vec<HashSet<String>>,
}

impl IncidentBatch {
    pub fn load(store: &Store, incident: &str) -> Result<IncidentBatch> {
        let incident = store.incident(incident)?;
        let settings = store.settings()?;
        let sections = store.outcome(&incident.id)?;
        let templates = store.templates()?;
        let contributors = load_contributors(store, &incident.id)?;
        let by_person = contributors.iter().enumerate().map(|(i, c)| (c.person_id.clone(), i)).collect();
        let readers = sections.iter().map(|s| s.readers.iter().map(|r| r.person_id.clone()).collect()).collect();
        Ok(IncidentBatch { incident, settings, sections, templates, contributors, by_person, readers })
    }

    pub fn contributor(&self, person_id: &str) -> Option<&Contributor> {
        self.by_person.get(person_id).map(|&i| &self.contributors[i])
    }

    pub fn is_internal(&self, who: &Contributor) -> bool {
        self.settings.is_own_organisation(&who.organisation)
    }

    /// The sections `who` may see and those kept from them.
    pub fn split_sections(&self, who: &Contributor) -> (Vec<&OutcomeSection>, Vec<WithheldSection>) {
        let internal = self.is_internal(who);
        let organisation_set = !self.settings.organisation.trim().is_empty();
        let mut visible = Vec::new();
        let mut withheld = Vec::new();
        for (section, readers) in self.sections.iter().zip(&self.readers) {
            let recipient = Recipient { internal, named: readers.contains(&who.person_id) };
            match tlp::visibility(section.tlp, recipient, organisation_set) {
                Ok(()) => visible.push(section),
                Err(reason) => withheld.push(WithheldSection {
                    section_id: section.id.clone(),
                    heading: section.heading.clone(),
                    tlp: section.tlp,
                    reason,
                    explanation: reason.explain().to_string(),
                }),
            }
        }
        (visible, withheld)
    }

    /// What the template sees for `who`: only the visible sections.
    pub fn context(&self, who: &Contributor, visible: &[&OutcomeSection]) -> RenderContext {
        let i = &self.incident;
        RenderContext {
            person: PersonView {
                name: who.name.clone(),
                first_name: first_name(&who.name, &who.preferred_name),
                email: who.email.clone(),
                organisation: who.organisation.clone(),
                team: who.team.clone(),
                audience: who.audience.as_str().to_string(),
                internal: self.is_internal(who),
            },
            contributions: who
                .contributions
                .iter()
                .map(|c| ContributionView {
                    role: c.role.as_str().to_string(),
                    role_label: c.role.label().to_string(),
                    what: c.what.clone(),
                    impact: c.impact.clone(),
                    constraints: c.constraints.clone(),
                    given_on: c.given_on.clone().unwrap_or_default(),
                })
                .collect(),
            incident: IncidentView {
                reference: i.reference.clone(),
                title: i.title.clone(),
                kind: i.kind.as_str().to_string(),
                kind_label: i.kind.label().to_string(),
                severity: i.severity.as_str().to_string(),
                status: i.status.as_str().to_string(),
                status_label: i.status.label().to_string(),
                opened_on: i.opened_on.clone(),
                closed_on: i.closed_on.clone().unwrap_or_default(),
            },
            outcome: visible
                .iter()
                .map(|s| SectionView {
                    heading: s.heading.clone(),
                    text: s.body.clone(),
                    tlp: s.tlp.as_str().to_string(),
                    tlp_label: s.tlp.label().to_string(),
                })
                .collect(),
            sender: SenderView {
                name: self.settings.sender_name.clone(),
                email: self.settings.sender_email.clone(),
                organisation: self.settings.organisation.clone(),
                signature: self.settings.signature.clone(),
            },
        }
    }
}

/// How the greeting addresses someone: their preferred name, else the first word of their name.
pub(crate) fn first_name(name: &str, preferred: &str) -> String {
    let preferred = preferred.trim();
    if !preferred.is_empty() {
        return preferred.to_string();
    }
    name.split_whitespace().next().unwrap_or(name).to_string()
}

fn load_contributors(store: &Store, incident_id: &str) -> Result<Vec<Contributor>> {
    let mut stmt = store.connection().prepare_cached(
        "SELECT p.id, p.name, p.preferred_name, p.email, p.organisation, p.team, p.audience, p.do_not_contact,
                c.id, c.incident_id, c.person_id, c.role, c.what, c.given_on, c.impact, c.constraints,
                c.created_at, c.updated_at
         FROM contributions c JOIN people p ON p.id = c.person_id
         WHERE c.incident_id = ?1 AND c.deleted_at IS NULL AND p.deleted_at IS NULL
         ORDER BY p.name COLLATE NOCASE, p.id, c.given_on IS NULL, c.given_on, c.created_at",
    )?;
    let mut rows = stmt.query([incident_id])?;
    let mut contributors: Vec<Contributor> = Vec::new();
    while let Some(r) = rows.next()? {
        let person_id: String = r.get(0)?;
        let contribution = Contribution {
            id: r.get(8)?,
            incident_id: r.get(9)?,
            person_id: r.get(10)?,
            role: r.get(11)?,
            what: r.get(12)?,
            given_on: r.get(13)?,
            impact: r.get(14)?,
            constraints: r.get(15)?,
            created_at: r.get(16)?,
            updated_at: r.get(17)?,
        };
        match contributors.last_mut() {
            Some(last) if last.person_id == person_id => last.contributions.push(contribution),
            _ => contributors.push(Contributor {
                person_id,
                name: r.get(1)?,
                preferred_name: r.get(2)?,
                email: r.get(3)?,
                organisation: r.get(4)?,
                team: r.get(5)?,
                audience: r.get(6)?,
                do_not_contact: r.get(7)?,
                contributions: vec![contribution],
            }),
        }
    }
    Ok(contributors)
}

#[cfg(test)]
mod tests {
    use super::first_name;

    #[test]
    fn greeting_prefers_the_preferred_name() {
        assert_eq!(first_name("Margaret Hamilton", "Maggie"), "Maggie");
        assert_eq!(first_name("Margaret Hamilton", " "), "Margaret");
        assert_eq!(first_name("Zoë", ""), "Zoë");
    }
}
