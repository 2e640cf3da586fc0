//! Contribution operations on [`Store`]: add, edit, soft delete and restore one person's help
//! on one incident; [`Store::quick_add`] turns a quick-add line into a contribution.

use crate::audit;
use crate::error::{Error, Result};
use crate::model::*;
use crate::quick_add::{fold_name, parse_quick_add, QuickAdd};
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

/// The quick-add line as understood so far, for a live preview under the input: the "what"
/// and the guessed role are in `parsed`.
///
/// Who it credits: `person` when the email (or, for a line without an email, the name) finds
/// exactly one person. A name that several people share leaves `person` empty and lists them in
/// `candidates` (ask which; [`Store::quick_add`] refuses such a line until it carries the chosen
/// email, e.g. `Maria Lopez <maria@corp.com> — …`). A name nobody has leaves both empty with
/// `parsed.email` empty: ask for the email of a new person named `parsed.name`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct QuickAddPreview {
    pub parsed: QuickAdd,
    /// The known person the line credits, if exactly one.
    pub person: Option<Person>,
    /// Everyone the line's bare name could mean, when it is more than one person.
    pub candidates: Vec<Person>,
}

/// One line of a pasted block (see [`Store::preview_quick_add_lines`]): its preview, or why it
/// could not be understood.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct QuickAddLinePreview {
    /// 1-based, counting blank lines too, so it matches what was pasted.
    pub line_number: u32,
    /// The line, trimmed; send it back as [`QuickAddRequest::line`] to add it.
    pub line: String,
    pub preview: Option<QuickAddPreview>,
    /// What was not understood (the same message [`Store::preview_quick_add`] would give).
    pub error: Option<String>,
}

/// A pasted block may hold at most this many lines.
pub const QUICK_ADD_MAX_LINES: usize = 1_000;

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
        self.recheck_approvals(Some(&incident.id))?;
        self.contribution(&id)
    }

    /// Edits a contribution's role, what, date, impact and constraints (not its incident or person).
    pub fn update_contribution(&self, id: &str, input: &ContributionInput) -> Result<Contribution> {
        let c = clean(input)?;
        let incident_id = self.contribution(id)?.incident_id;
        self.write(|tx| {
        tx.execute(
            "UPDATE contributions SET role = ?2, what = ?3, given_on = ?4, impact = ?5, constraints = ?6, updated_at = ?7
             WHERE id = ?1",
            params![id, c.role, c.what, c.given_on, c.impact, c.constraints, self.now()],
        )?;
        audit::record(tx, self, "contribution", id, "update", json!({}))?;
        Ok(())
        })?;
        self.recheck_approvals(Some(&incident_id))?;
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
        let incident_id = self.contribution(id)?.incident_id;
        self.write(|tx| {
            tx.execute(
                "UPDATE contributions SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![id, self.now()],
            )?;
            audit::record(tx, self, "contribution", id, "delete", json!({}))?;
            Ok(())
        })?;
        self.recheck_approvals(Some(&incident_id))?;
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
        let restored = self.contribution(id)?;
        self.recheck_approvals(Some(&restored.incident_id))?;
        Ok(restored)
    }

    /// Live people whose name or preferred name is `name`, ignoring accents, case and spacing
    /// ("maria lopez" finds "María López"; a preferred name alone or followed by the last word
    /// of the name also counts: "Bob" or "Bob Smith" for Robert Smith called Bob).
    pub fn people_named(&self, name: &str) -> Result<Vec<Person>> {
        let key = fold_name(name);
        if key.is_empty() {
            return Ok(Vec::new());
        }
        let mut found: Vec<Person> = self
            .search_people(name, Some(1_000))?
            .into_iter()
            .filter(|p| {
                let preferred = fold_name(&p.preferred_name);
                let last = fold_name(&p.name).rsplit(' ').next().map(str::to_string).unwrap_or_default();
                fold_name(&p.name) == key
                    || (!preferred.is_empty() && (preferred == key || format!("{preferred} {last}") == key))
            })
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name).then(a.email.cmp(&b.email)));
        Ok(found)
    }

    /// Who a parsed line credits: the person, or the candidates when its bare name is shared.
    fn quick_add_person(&self, parsed: &QuickAdd) -> Result<(Option<Person>, Vec<Person>)> {
        if !parsed.email.is_empty() {
            return Ok((self.person_by_email(&parsed.email)?, Vec::new()));
        }
        let mut named = self.people_named(parsed.name.as_deref().unwrap_or_default())?;
        Ok(if named.len() == 1 { (named.pop(), Vec::new()) } else { (None, named) })
    }

    /// Parses a quick-add line and finds the person it names, without changing anything.
    pub fn preview_quick_add(&self, line: &str) -> Result<QuickAddPreview> {
        let parsed = parse_quick_add(line)?;
        let (person, candidates) = self.quick_add_person(&parsed)?;
        Ok(QuickAddPreview { parsed, person, candidates })
    }

    /// Previews every non-blank line of a pasted block, each as its own quick-add line (add
    /// them one by one with [`Store::quick_add`]). A line that cannot be understood carries its
    /// error instead of failing the others.
    pub fn preview_quick_add_lines(&self, text: &str) -> Result<Vec<QuickAddLinePreview>> {
        let lines: Vec<(usize, &str)> =
            text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty()).collect();
        if lines.len() > QUICK_ADD_MAX_LINES {
            return Err(Error::invalid(
                "line",
                format!("Paste at most {QUICK_ADD_MAX_LINES} lines at a time (this has {}).", lines.len()),
            ));
        }
        lines
            .into_iter()
            .map(|(number, line)| {
                let (preview, error) = match self.preview_quick_add(line) {
                    Ok(preview) => (Some(preview), None),
                    Err(e @ Error::Database(_)) => return Err(e),
                    Err(e) => (None, Some(e.to_string())),
                };
                Ok(QuickAddLinePreview { line_number: number as u32, line: line.to_string(), preview, error })
            })
            .collect()
    }

    /// Adds the contribution a quick-add line describes, crediting the person its email finds
    /// (a merged-away email finds the person it was merged into) or, without an email, the one
    /// person with that name.
    ///
    /// - A name several people share: [`Error::Invalid`] on `line`, naming them with their
    ///   emails; nothing is added (put the chosen email in the line).
    /// - Nobody known: `new_person` must describe them, else [`Error::UnknownPerson`] so the UI
    ///   can ask. Its `email` is the line's; for a bare name it is empty and `suggested_name`
    ///   holds the name, so the UI asks for the email and sends it in `new_person.email` (the
    ///   name defaults to the line's). If that email is already someone's, they are credited.
    ///
    /// Person and contribution are saved together or not at all.
    pub fn quick_add(&self, request: &QuickAddRequest) -> Result<QuickAddOutcome> {
        let parsed = parse_quick_add(&request.line)?;
        let incident = self.incident(&request.incident_id)?;
        self.write(|_| {
            let (known, candidates) = self.quick_add_person(&parsed)?;
            let (person, created_person) = match (known, &request.new_person) {
                (Some(person), _) => (person, false),
                (None, None) if candidates.len() > 1 => {
                    let names: Vec<String> = candidates.iter().map(|p| format!("{} <{}>", p.name, p.email)).collect();
                    return Err(Error::invalid(
                        "line",
                        format!(
                            "“{}” could be any of {} people: {}. Add the email of the one you mean, as in {} — {}.",
                            parsed.name.as_deref().unwrap_or_default(),
                            candidates.len(),
                            names.join(", "),
                            names[0],
                            parsed.what
                        ),
                    ));
                }
                (None, Some(new_person)) => {
                    let mut new_person = new_person.clone();
                    if !parsed.email.is_empty() {
                        new_person.email = parsed.email.clone();
                    }
                    if new_person.name.trim().is_empty() {
                        new_person.name = parsed.name.clone().unwrap_or_default();
                    }
                    let existing = match validate::email("email", &new_person.email) {
                        Ok(email) if parsed.email.is_empty() => self.person_by_email(&email)?,
                        _ => None,
                    };
                    match existing {
                        Some(person) => (person, false),
                        None => (self.create_person(&new_person)?, true),
                    }
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
