//! Contribution operations on [`Store`]: add, edit, soft delete and restore one person's help
//! on one incident; [`Store::quick_add`] turns a quick-add line into a contribution.

use crate::audit;
use crate::error::{Error, Result};
use crate::model::*;
use crate::quick_add::{parse_quick_add, QuickAdd};
use crate::store::{new_id, Store};
use crate::validate;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

/// Reads the first ten columns `c.id … c.updated_at` of a contribution query.
pub(crate) fn contribution_from_row(r: &Row<'_>) -> rusqlite::Result<Contribution> {
    Ok(Contribution {
        id: r.get(0)?,
        incident_id: r.get(1)?,
        person_id: r.get(2)?,
        role: r.get(3)?,
        what: r.get(4)?,
        given_on: r.get(5)?,
        impact: r.get(6)?,
        constraints: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

const WHAT_MAX: usize = 2_000;

struct CleanContribution {
    role: CreditRole,
    what: String,
    given_on: Option<String>,
    impact: String,
    constraints: String,
}

fn clean(input: &ContributionInput) -> Result<CleanContribution> {
    Ok(CleanContribution {
        role: input.role.unwrap_or(CreditRole::Other),
        what: validate::text("what", "What they gave", &input.what, true, WHAT_MAX)?,
        given_on: validate::date("given_on", "The date", &input.given_on)?,
        impact: validate::text("impact", "The impact", &input.impact, false, validate::LONG_MAX)?,
        constraints: validate::text("constraints", "The constraints", &input.constraints, false, validate::LONG_MAX)?,
    })
}

/// The request behind the quick-add line: the line, and the new person to create when its
/// email is not known yet.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct QuickAddRequest {
    pub incident_id: String,
    pub line: String,
    pub new_person: Option<PersonInput>,
}

/// What the quick-add line did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct QuickAddOutcome {
    pub contribution: Contribution,
    pub person: Person,
    pub created_person: bool,
}

/// The quick-add line as understood so far, for a live preview under the input.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct QuickAddPreview {
    pub parsed: QuickAdd,
    /// The known person with that email, if any.
    pub person: Option<Person>,
}

impl Store {
    pub fn add_contribution(&self, input: &ContributionInput) -> Result<Contribution> {
        let c = clean(input)?;
        let incident = self.incident(&input.incident_id)?;
        let person = self.person(&input.person_id)?;
        let id = new_id();
        let now = self.now();
        self.write(|tx| {
        tx.execute(
            "INSERT INTO contributions (id, incident_id, person_id, role, what, given_on, impact, constraints, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![id, incident.id, person.id, c.role, c.what, c.given_on, c.impact, c.constraints, now],
        )?;
        audit::record(tx, self, "contribution", &id, "create", json!({ "incident": incident.reference, "person": person.email }))?;
        Ok(())
        })?;
        self.contribution(&id)
    }

    /// Edits a contribution's role, what, date, impact and constraints (not its incident or person).
    pub fn update_contribution(&self, id: &str, input: &ContributionInput) -> Result<Contribution> {
        let c = clean(input)?;
        self.contribution(id)?;
        self.write(|tx| {
        tx.execute(
            "UPDATE contributions SET role = ?2, what = ?3, given_on = ?4, impact = ?5, constraints = ?6, updated_at = ?7
             WHERE id = ?1",
            params![id, c.role, c.what, c.given_on, c.impact, c.constraints, self.now()],
        )?;
        audit::record(tx, self, "contribution", id, "update", json!({}))?;
        Ok(())
        })?;
        self.contribution(id)
    }

    pub fn contribution(&self, id: &str) -> Result<Contribution> {
        self.conn
            .prepare_cached(
                "SELECT c.id, c.incident_id, c.person_id, c.role, c.what, c.given_on, c.impact, c.constraints,
                        c.created_at, c.updated_at
                 FROM contributions c WHERE c.id = ?1 AND c.deleted_at IS NULL",
            )?
            .query_row([id], contribution_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("No contribution '{id}' exists (it may have been deleted).")))
    }

    pub fn delete_contribution(&self, id: &str) -> Result<Deleted> {
        self.contribution(id)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE contributions SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![id, self.now()],
            )?;
            audit::record(tx, self, "contribution", id, "delete", json!({}))?;
            Ok(())
        })?;
        Ok(Deleted { id: id.to_string(), contributions_hidden: 1 })
    }

    pub fn restore_contribution(&self, id: &str) -> Result<Contribution> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE contributions SET deleted_at = NULL, updated_at = ?2 WHERE id = ?1 AND deleted_at IS NOT NULL",
                params![id, self.now()],
            )?;
            if changed == 0 {
                return Err(Error::NotFound(format!("No deleted contribution '{id}' to restore.")));
            }
            audit::record(tx, self, "contribution", id, "restore", json!({}))?;
            Ok(())
        })?;
        self.contribution(id)
    }

    /// Parses a quick-add line and finds the person it names, without changing anything.
    pub fn preview_quick_add(&self, line: &str) -> Result<QuickAddPreview> {
        let parsed = parse_quick_add(line)?;
        let person = self.person_by_email(&parsed.email)?;
        Ok(QuickAddPreview { parsed, person })
    }

    /// Adds the contribution a quick-add line describes. If its email is unknown, `new_person`
    /// must describe them (its email is taken from the line); otherwise the answer is
    /// [`Error::UnknownPerson`] so the UI can ask for a name. Person and contribution are saved
    /// together or not at all.
    pub fn quick_add(&self, request: &QuickAddRequest) -> Result<QuickAddOutcome> {
        let parsed = parse_quick_add(&request.line)?;
        let incident = self.incident(&request.incident_id)?;
        self.write(|_| {
            let (person, created_person) = match (self.person_by_email(&parsed.email)?, &request.new_person) {
                (Some(person), _) => (person, false),
                (None, Some(new_person)) => {
                    let mut new_person = new_person.clone();
                    new_person.email = parsed.email.clone();
                    if new_person.name.trim().is_empty() {
                        new_person.name = parsed.name.clone().unwrap_or_default();
                    }
                    (self.create_person(&new_person)?, true)
                }
                (None, None) => {
                    return Err(Error::UnknownPerson {
                        email: parsed.email.clone(),
                        suggested_name: parsed.name.clone().unwrap_or_default(),
                    })
                }
            };
            let contribution = self.add_contribution(&ContributionInput {
                incident_id: incident.id.clone(),
                person_id: person.id.clone(),
                role: Some(parsed.role),
                what: parsed.what.clone(),
                given_on: String::new(),
                impact: String::new(),
                constraints: String::new(),
            })?;
            let person = self.person(&person.id)?;
            Ok(QuickAddOutcome { contribution, person, created_person })
        })
    }
}
