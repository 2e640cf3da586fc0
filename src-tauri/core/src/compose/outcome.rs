//! An incident's outcome: an ordered list of [`OutcomeSection`]s, each with a heading, Markdown
//! text and a TLP label (the incident's by default); a TLP:RED section names its readers.
//! Operations on [`Store`]: list, add, edit, move, delete and restore.

use crate::audit;
use crate::error::{Error, Result};
use crate::model::Tlp;
use crate::store::{new_id, Store};
use crate::validate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;

const HEADING_MAX: usize = 200;

/// A person named on a TLP:RED section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SectionReader {
    pub person_id: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct OutcomeSection {
    pub id: String,
    pub incident_id: String,
    /// 0-based order within the incident's outcome.
    pub position: u32,
    pub heading: String,
    /// Markdown.
    pub body: String,
    pub tlp: Tlp,
    /// For TLP:RED: the only people who may see it. Empty for other labels.
    pub readers: Vec<SectionReader>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct OutcomeSectionInput {
    pub heading: String,
    pub body: String,
    /// None: the incident's TLP.
    pub tlp: Option<Tlp>,
    /// Person ids or emails of the readers of a TLP:RED section.
    pub readers: Vec<String>,
}

struct CleanSection {
    heading: String,
    body: String,
    tlp: Tlp,
    readers: Vec<String>,
}

impl Store {
    /// The live sections of an incident's outcome, in order.
    pub fn outcome(&self, incident: &str) -> Result<Vec<OutcomeSection>> {
        let incident = self.incident(incident)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, incident_id, position, heading, body, tlp, updated_at FROM outcome_sections
             WHERE incident_id = ?1 AND deleted_at IS NULL ORDER BY position, created_at",
        )?;
        let sections = stmt
            .query_map([&incident.id], |r| {
                Ok(OutcomeSection {
                    id: r.get(0)?,
                    incident_id: r.get(1)?,
                    position: r.get(2)?,
                    heading: r.get(3)?,
                    body: r.get(4)?,
                    tlp: r.get(5)?,
                    readers: Vec::new(),
                    updated_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        sections
            .into_iter()
            .map(|mut s| {
                s.readers = self.section_readers(&s.id)?;
                Ok(s)
            })
            .collect()
    }

    pub fn outcome_section(&self, id: &str) -> Result<OutcomeSection> {
        let incident_id: String = self
            .conn
            .query_row("SELECT incident_id FROM outcome_sections WHERE id = ?1 AND deleted_at IS NULL", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| {
                Error::NotFound("That outcome section no longer exists (it may have been deleted).".into())
            })?;
        self.outcome(&incident_id)?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::NotFound("That outcome section no longer exists.".into()))
    }

    /// Adds a section at the end of an incident's outcome.
    pub fn add_outcome_section(&self, incident: &str, input: &OutcomeSectionInput) -> Result<OutcomeSection> {
        let incident = self.incident(incident)?;
        let clean = self.clean_section(input, incident.tlp)?;
        let id = new_id();
        self.write(|tx| {
            let position: u32 = tx.query_row(
                "SELECT coalesce(max(position) + 1, 0) FROM outcome_sections WHERE incident_id = ?1 AND deleted_at IS NULL",
                [&incident.id],
                |r| r.get(0),
            )?;
            let now = self.now();
            tx.execute(
                "INSERT INTO outcome_sections (id, incident_id, position, heading, body, tlp, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![id, incident.id, position, clean.heading, clean.body, clean.tlp, now],
            )?;
            set_readers(tx, &id, &clean.readers)?;
            audit::record(tx, self, "incident", &incident.id, "outcome_add", json!({ "section": id, "tlp": clean.tlp }))
        })?;
        self.recheck_approvals(Some(&incident.id))?;
        self.outcome_section(&id)
    }

    pub fn update_outcome_section(&self, id: &str, input: &OutcomeSectionInput) -> Result<OutcomeSection> {
        let before = self.outcome_section(id)?;
        let clean = self.clean_section(input, before.tlp)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE outcome_sections SET heading = ?2, body = ?3, tlp = ?4, updated_at = ?5 WHERE id = ?1",
                params![id, clean.heading, clean.body, clean.tlp, self.now()],
            )?;
            set_readers(tx, id, &clean.readers)?;
            audit::record(
                tx,
                self,
                "incident",
                &before.incident_id,
                "outcome_edit",
                json!({ "section": id, "tlp": { "from": before.tlp, "to": clean.tlp } }),
            )
        })?;
        self.recheck_approvals(Some(&before.incident_id))?;
        self.outcome_section(id)
    }

    /// Moves a section to `position` (0-based) within its incident's outcome.
    pub fn move_outcome_section(&self, id: &str, position: u32) -> Result<Vec<OutcomeSection>> {
        let section = self.outcome_section(id)?;
        let mut order: Vec<String> = self.outcome(&section.incident_id)?.into_iter().map(|s| s.id).collect();
        order.retain(|s| s != id);
        order.insert((position as usize).min(order.len()), id.to_string());
        self.write(|tx| {
            for (index, section_id) in order.iter().enumerate() {
                tx.execute(
                    "UPDATE outcome_sections SET position = ?2 WHERE id = ?1",
                    params![section_id, index as u32],
                )?;
            }
            audit::record(
                tx,
                self,
                "incident",
                &section.incident_id,
                "outcome_move",
                json!({ "section": id, "to": position }),
            )
        })?;
        self.recheck_approvals(Some(&section.incident_id))?;
        self.outcome(&section.incident_id)
    }

    pub fn delete_outcome_section(&self, id: &str) -> Result<()> {
        let section = self.outcome_section(id)?;
        self.write(|tx| {
            let now = self.now();
            tx.execute("UPDATE outcome_sections SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1", params![id, now])?;
            audit::record(tx, self, "incident", &section.incident_id, "outcome_delete", json!({ "section": id }))
        })?;
        self.recheck_approvals(Some(&section.incident_id))
    }

    pub fn restore_outcome_section(&self, id: &str) -> Result<OutcomeSection> {
        let incident_id: String = self
            .conn
            .query_row("SELECT incident_id FROM outcome_sections WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound("That outcome section cannot be found.".into()))?;
        self.write(|tx| {
            tx.execute(
                "UPDATE outcome_sections SET deleted_at = NULL, updated_at = ?2 WHERE id = ?1",
                params![id, self.now()],
            )?;
            audit::record(tx, self, "incident", &incident_id, "outcome_restore", json!({ "section": id }))
        })?;
        self.recheck_approvals(Some(&incident_id))?;
        self.outcome_section(id)
    }

    fn section_readers(&self, section_id: &str) -> Result<Vec<SectionReader>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.name, p.email FROM outcome_section_readers r JOIN people p ON p.id = r.person_id
             WHERE r.section_id = ?1 AND p.deleted_at IS NULL ORDER BY p.name COLLATE NOCASE",
        )?;
        let readers = stmt
            .query_map([section_id], |r| Ok(SectionReader { person_id: r.get(0)?, name: r.get(1)?, email: r.get(2)? }))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(readers)
    }

    fn clean_section(&self, input: &OutcomeSectionInput, default_tlp: Tlp) -> Result<CleanSection> {
        let heading = validate::single_line("heading", "The heading", &input.heading, false, HEADING_MAX)?;
        let body = validate::text("body", "The section's text", &input.body, true, validate::LONG_MAX)?;
        let tlp = input.tlp.unwrap_or(default_tlp);
        let mut readers = Vec::new();
        for who in input.readers.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
            let person = if who.contains('@') {
                self.person_by_email(who)?.ok_or_else(|| {
                    Error::invalid(
                        "readers",
                        format!("Nobody with the email {who} is known; add them as a person first."),
                    )
                })?
            } else {
                self.person(who)?
            };
            if !readers.contains(&person.id) {
                readers.push(person.id);
            }
        }
        match tlp {
            Tlp::Red if readers.is_empty() => Err(Error::invalid(
                "readers",
                "A TLP:RED section goes only to the people named on it: name at least one reader.",
            )),
            Tlp::Red => Ok(CleanSection { heading, body, tlp, readers }),
            // Readers only mean something for RED; keeping them on another label would suggest a
            // restriction that is not applied.
            _ if !readers.is_empty() => Err(Error::invalid(
                "readers",
                format!(
                    "Only a TLP:RED section names its readers; {} goes to every contributor it allows.",
                    tlp.label()
                ),
            )),
            _ => Ok(CleanSection { heading, body, tlp, readers }),
        }
    }
}

fn set_readers(tx: &Connection, section_id: &str, readers: &[String]) -> Result<()> {
    tx.execute("DELETE FROM outcome_section_readers WHERE section_id = ?1", [section_id])?;
    for person_id in readers {
        tx.execute(
            "INSERT INTO outcome_section_readers (section_id, person_id) VALUES (?1, ?2)",
            params![section_id, person_id],
        )?;
    }
    Ok(())
}
