//! People operations on [`Store`]: create and edit with validation (unique email ignoring case),
//! search-as-you-type, a person with all their contributions, merge two people, soft delete
//! (with confirmation) and restore.

use crate::audit;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::{new_id, Store};
use crate::validate;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

/// Search returns at most this many people unless asked for more.
pub const DEFAULT_SEARCH_LIMIT: u32 = 50;

const SELECT_PERSON: &str = "
    SELECT p.id, p.name, p.preferred_name, p.email, p.organisation, p.team, p.audience, p.technical_level,
           p.may_be_named, p.do_not_contact, p.notes, p.created_at, p.updated_at, p.job_title,
           (SELECT count(*) FROM contributions c JOIN incidents i ON i.id = c.incident_id
             WHERE c.person_id = p.id AND c.deleted_at IS NULL AND i.deleted_at IS NULL)
    FROM people p";

fn person_from_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get(0)?,
        name: r.get(1)?,
        preferred_name: r.get(2)?,
        email: r.get(3)?,
        organisation: r.get(4)?,
        team: r.get(5)?,
        audience: r.get(6)?,
        technical_level: r.get(7)?,
        may_be_named: r.get(8)?,
        do_not_contact: r.get(9)?,
        notes: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        job_title: r.get(13)?,
        contribution_count: r.get(14)?,
    })
}

/// A person's fields once every rule has passed.
pub(crate) struct CleanPerson {
    pub(crate) name: String,
    pub(crate) preferred_name: String,
    pub(crate) email: String,
    pub(crate) organisation: String,
    pub(crate) team: String,
    pub(crate) job_title: String,
    pub(crate) audience: Audience,
    pub(crate) technical_level: TechnicalLevel,
    pub(crate) notes: String,
}

/// Checks and cleans a person's fields; the error names the field to fix.
pub(crate) fn clean(input: &PersonInput) -> Result<CleanPerson> {
    clean_fields(input, || validate::email("email", &input.email))
}

/// [`clean`] for a caller that has already checked the email with [`validate::email`] (and
/// passes its result): an import checks it first, to name that problem first.
pub(crate) fn clean_with_checked_email(input: &PersonInput) -> Result<CleanPerson> {
    clean_fields(input, || Ok(input.email.clone()))
}

fn clean_fields(input: &PersonInput, email: impl FnOnce() -> Result<String>) -> Result<CleanPerson> {
    let audience = input.audience.unwrap_or(Audience::EndUser);
    Ok(CleanPerson {
        name: validate::single_line("name", "The name", &input.name, true, validate::NAME_MAX)?,
        preferred_name: validate::single_line(
            "preferred_name",
            "The preferred name",
            &input.preferred_name,
            false,
            validate::NAME_MAX,
        )?,
        email: email()?,
        organisation: validate::single_line(
            "organisation",
            "The organisation",
            &input.organisation,
            false,
            validate::SHORT_MAX,
        )?,
        team: validate::single_line("team", "The team", &input.team, false, validate::SHORT_MAX)?,
        job_title: validate::single_line("job_title", "The job title", &input.job_title, false, validate::SHORT_MAX)?,
        audience,
        technical_level: input.technical_level.unwrap_or(match audience {
            Audience::EndUser | Audience::Management => TechnicalLevel::NonTechnical,
            Audience::ItOperations | Audience::ThirdParty => TechnicalLevel::Technical,
            Audience::SecurityColleague => TechnicalLevel::Expert,
        }),
        notes: validate::text("notes", "The notes", &input.notes, false, validate::LONG_MAX)?,
    })
}

/// Inserts a checked person inside the caller's transaction (the caller writes the audit line).
pub(crate) fn insert(
    tx: &rusqlite::Connection,
    id: &str,
    p: &CleanPerson,
    may_be_named: bool,
    do_not_contact: bool,
    now: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO people (id, name, preferred_name, email, email_key, organisation, team, audience, technical_level,
                             may_be_named, do_not_contact, notes, created_at, updated_at, job_title)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
    )?
    .execute(params![
        id,
        p.name,
        p.preferred_name,
        p.email,
        validate::email_key(&p.email),
        p.organisation,
        p.team,
        p.audience,
        p.technical_level,
        may_be_named,
        do_not_contact,
        p.notes,
        now,
        p.job_title
    ])?;
    Ok(())
}

/// Inserts the checked people waiting in `staged` (a table with the columns of `people` that a
/// new person sets, plus `seq` for their order) with one statement; the caller writes the audit
/// lines. One statement, not one per person: each statement makes the search index flush its
/// pending entries, so a bulk import row by row would write thousands of tiny index segments.
pub(crate) fn insert_staged(tx: &rusqlite::Connection, staged: &str, now: &str) -> Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO people (id, name, preferred_name, email, email_key, organisation, team, audience, technical_level,
                             notes, job_title, created_at, updated_at)
         SELECT id, name, preferred_name, email, email_key, organisation, team, audience, technical_level,
                notes, job_title, ?1, ?1
         FROM {staged} ORDER BY seq"
    ))?
    .execute([now])?;
    Ok(())
}

/// Sets the details of known people from `staged` (their `id` and the six fields an import may
/// change: name, preferred name, organisation, team, job title, notes) with one statement, for
/// the reason given at [`insert_staged`]; the caller writes the audit lines.
pub(crate) fn update_staged(tx: &rusqlite::Connection, staged: &str, now: &str) -> Result<()> {
    tx.prepare_cached(&format!(
        "UPDATE people SET name = u.name, preferred_name = u.preferred_name, organisation = u.organisation,
                           team = u.team, job_title = u.job_title, notes = u.notes, updated_at = ?1
         FROM {staged} AS u WHERE people.id = u.id"
    ))?
    .execute([now])?;
    Ok(())
}

/// Rank matches by relevance only up to this many (see [`Store::search_people`]).
const RANK_AT_MOST: u32 = 5_000;
const COUNT_MATCHES: &str = "SELECT count(*) FROM people_search WHERE people_search MATCH ?1";
/// Relevance, with a match in the name weighing most, then email, organisation and team.
/// Four times the page is fetched so that deleted people filtered out later do not leave it short.
const RANKED_HITS: &str = "SELECT rowid AS hit, bm25(people_search, 10.0, 8.0, 5.0, 2.0, 1.0) AS score
                           FROM people_search WHERE people_search MATCH ?1 ORDER BY score LIMIT ?2 * 4";
const UNRANKED_HITS: &str =
    "SELECT rowid AS hit, 0 AS score FROM people_search WHERE people_search MATCH ?1 LIMIT ?2 * 4";

/// Turns what a person types into an FTS5 query: every word must match as a prefix.
/// Quotes keep FTS syntax characters in the input from being read as operators.
fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == '@' || c == '.' || c == ',' || c == '"')
        .filter(|t| !t.is_empty())
        .map(|t| format!("\"{}\"*", t.replace('"', "")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

impl Store {
    pub fn create_person(&self, input: &PersonInput) -> Result<Person> {
        let p = clean(input)?;
        self.ensure_email_free(&p.email, None)?;
        let id = new_id();
        let now = self.now();
        self.write(|tx| {
            insert(tx, &id, &p, input.may_be_named, input.do_not_contact, &now)?;
            audit::record(tx, self, "person", &id, "create", json!({ "name": p.name, "email": p.email }))
        })?;
        self.person(&id)
    }

    pub fn update_person(&self, id: &str, input: &PersonInput) -> Result<Person> {
        let p = clean(input)?;
        let before = self.person(id)?;
        self.ensure_email_free(&p.email, Some(id))?;
        self.write(|tx| {
            tx.execute(
            "UPDATE people SET name = ?2, preferred_name = ?3, email = ?4, email_key = ?5, organisation = ?6, team = ?7,
                    audience = ?8, technical_level = ?9, may_be_named = ?10, do_not_contact = ?11, notes = ?12,
                    updated_at = ?13, job_title = ?14
             WHERE id = ?1",
            params![
                id, p.name, p.preferred_name, p.email, validate::email_key(&p.email), p.organisation, p.team,
                p.audience, p.technical_level, input.may_be_named, input.do_not_contact, p.notes, self.now(),
                p.job_title
            ],
        )?;
            let mut changed = serde_json::Map::new();
            if before.email != p.email {
                changed.insert("email".into(), json!({ "from": before.email, "to": p.email }));
            }
            if before.do_not_contact != input.do_not_contact || before.may_be_named != input.may_be_named {
                changed.insert(
                    "consent".into(),
                    json!({ "may_be_named": input.may_be_named, "do_not_contact": input.do_not_contact }),
                );
            }
            audit::record(tx, self, "person", id, "update", serde_json::Value::Object(changed))?;
            if input.do_not_contact {
                tx.execute(
                    "UPDATE messages SET state = 'skipped', skip_reason = ?2, approved_at = NULL, approved_digest = NULL,
                            updated_at = ?3
                     WHERE person_id = ?1 AND deleted_at IS NULL AND state IN ('draft', 'approved')",
                    params![id, crate::compose::messages::DO_NOT_CONTACT_REASON, self.now()],
                )?;
            }
            Ok(())
        })?;
        self.lapse_stale_approvals(&self.incidents_with_approvals(Some(id))?)?;
        self.person(id)
    }

    /// A live person by id.
    pub fn person(&self, id: &str) -> Result<Person> {
        self.conn
            .prepare_cached(&format!("{SELECT_PERSON} WHERE p.id = ?1 AND p.deleted_at IS NULL"))?
            .query_row([id], person_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("No person '{id}' exists (they may have been deleted or merged).")))
    }

    /// A live person by email, ignoring case; the domain may be given in Unicode. The email of
    /// someone merged into another person finds the person they were merged into (following
    /// merges of merges), so a retired address does not bring the duplicate back.
    pub fn person_by_email(&self, email: &str) -> Result<Option<Person>> {
        let address = validate::email("email", email)?;
        let key = validate::email_key(&address);
        let live = self
            .conn
            .prepare_cached(&format!("{SELECT_PERSON} WHERE p.email_key = ?1 AND p.deleted_at IS NULL"))?
            .query_row([&key], person_from_row)
            .optional()?;
        if live.is_some() {
            return Ok(live);
        }
        let mut merged_into: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT merged_into FROM people WHERE email_key = ?1 AND merged_into IS NOT NULL
                 ORDER BY deleted_at DESC LIMIT 1",
            )?
            .query_row([&key], |r| r.get(0))
            .optional()?;
        // A chain of merges is short; the bound only guards against a (corrupt) cycle.
        for _ in 0..32 {
            let Some(id) = merged_into else { return Ok(None) };
            let (deleted, next): (bool, Option<String>) = match self
                .conn
                .prepare_cached("SELECT deleted_at IS NOT NULL, merged_into FROM people WHERE id = ?1")?
                .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
            {
                Some(row) => row,
                None => return Ok(None),
            };
            if !deleted {
                return Ok(Some(self.person(&id)?));
            }
            merged_into = next;
        }
        Ok(None)
    }

    /// People whose name, preferred name, email, organisation or team has words starting with
    /// every word of `text`; an empty `text` lists everyone by name.
    pub fn search_people(&self, text: &str, limit: Option<u32>) -> Result<Vec<Person>> {
        let limit = limit.unwrap_or(DEFAULT_SEARCH_LIMIT);
        let rows = match fts_query(text) {
            None => {
                let mut stmt = self.conn.prepare_cached(&format!(
                    "{SELECT_PERSON} WHERE p.deleted_at IS NULL ORDER BY p.name COLLATE NOCASE LIMIT ?1"
                ))?;
                let rows = stmt.query_map([limit], person_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
                rows
            }
            Some(query) => {
                // bm25 ranking costs about a microsecond per match, so rank only when the matches
                // are few enough to stay interactive; a short prefix matching thousands takes the
                // first matches unranked (the list narrows as the person types).
                let matches: u32 = self.conn.prepare_cached(COUNT_MATCHES)?.query_row([&query], |r| r.get(0))?;
                let hits = if matches <= RANK_AT_MOST { RANKED_HITS } else { UNRANKED_HITS };
                let mut stmt = self.conn.prepare_cached(&format!(
                    "{SELECT_PERSON} JOIN ({hits}) s ON s.hit = p.rowid
                     WHERE p.deleted_at IS NULL ORDER BY s.score, p.name COLLATE NOCASE LIMIT ?2"
                ))?;
                let rows =
                    stmt.query_map(params![query, limit], person_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
                rows
            }
        };
        Ok(with_merged_email_match(rows, self.merged_email_match(text)?, limit))
    }

    /// For a search that is a whole email address belonging to someone merged away: the person
    /// they were merged into.
    fn merged_email_match(&self, text: &str) -> Result<Option<Person>> {
        let text = text.trim();
        if !text.contains('@') || text.contains(char::is_whitespace) {
            return Ok(None);
        }
        match validate::email("email", text) {
            Ok(address) => self.person_by_email(&address),
            Err(_) => Ok(None),
        }
    }

    /// A person with all their live contributions across live incidents, newest first.
    pub fn person_detail(&self, id: &str) -> Result<PersonDetail> {
        let person = self.person(id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.incident_id, c.person_id, c.role, c.what, c.given_on, c.impact, c.constraints,
                    c.created_at, c.updated_at, i.reference, i.title, i.status
             FROM contributions c JOIN incidents i ON i.id = c.incident_id
             WHERE c.person_id = ?1 AND c.deleted_at IS NULL AND i.deleted_at IS NULL
             ORDER BY i.opened_on DESC, c.created_at DESC",
        )?;
        let contributions = stmt
            .query_map([&person.id], |r| {
                Ok(ContributionWithIncident {
                    contribution: crate::contributions::contribution_from_row(r)?,
                    incident_reference: r.get(10)?,
                    incident_title: r.get(11)?,
                    incident_status: r.get(12)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(PersonDetail { person, contributions })
    }

    /// Soft-deletes a person. If they have contributions, `confirmed` must be true.
    pub fn delete_person(&self, id: &str, confirmed: bool) -> Result<Deleted> {
        let person = self.person(id)?;
        let hidden = person.contribution_count;
        if hidden > 0 && !confirmed {
            return Err(Error::NeedsConfirmation(format!(
                "{} has {} contribution{}. Deleting them hides those too; you can undo this.",
                person.name,
                hidden,
                if hidden == 1 { "" } else { "s" }
            )));
        }
        self.write(|tx| {
            tx.execute("UPDATE people SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1", params![id, self.now()])?;
            audit::record(tx, self, "person", id, "delete", json!({ "contributions_hidden": hidden }))?;
            Ok(())
        })?;
        Ok(Deleted { id: person.id, contributions_hidden: hidden })
    }

    /// Undoes [`Store::delete_person`]; refused if someone else took the email meanwhile.
    pub fn restore_person(&self, id: &str) -> Result<Person> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .query_row("SELECT email, merged_into FROM people WHERE id = ?1 AND deleted_at IS NOT NULL", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((email, merged_into)) = row else {
            return Err(Error::NotFound(format!("No deleted person '{id}' to restore.")));
        };
        if merged_into.is_some() {
            return Err(Error::Conflict {
                field: "id",
                message: "This person was merged into another; their contributions live there now.".into(),
            });
        }
        self.ensure_email_free(&email, Some(id))?;
        self.write(|tx| {
            tx.execute("UPDATE people SET deleted_at = NULL, updated_at = ?2 WHERE id = ?1", params![id, self.now()])?;
            audit::record(tx, self, "person", id, "restore", json!({}))?;
            Ok(())
        })?;
        self.person(id)
    }

    /// Merges `duplicate` into `keep`: every contribution moves to `keep`, empty fields of `keep`
    /// are filled from `duplicate`, notes are joined, consent takes the stricter choice, and
    /// `duplicate` is retired (soft-deleted, pointing at `keep`). Nothing is lost.
    pub fn merge_people(&self, keep: &str, duplicate: &str) -> Result<Person> {
        if keep == duplicate {
            return Err(Error::invalid("duplicate", "Choose two different people to merge."));
        }
        let k = self.person(keep)?;
        let d = self.person(duplicate)?;
        let pick = |a: &str, b: &str| if a.is_empty() { b.to_string() } else { a.to_string() };
        let notes = match (k.notes.is_empty(), d.notes.is_empty()) {
            (_, true) => k.notes.clone(),
            (true, false) => d.notes.clone(),
            (false, false) => format!("{}\n\n(merged from {}) {}", k.notes, d.email, d.notes),
        };
        let now = self.now();
        self.write(|tx| {
            let moved = tx.execute(
                "UPDATE contributions SET person_id = ?1, updated_at = ?3 WHERE person_id = ?2",
                params![keep, duplicate, now],
            )?;
            // A TLP:RED section that named the duplicate now names the kept person; their
            // messages follow them unless the kept person already has one for that incident.
            tx.execute(
                "INSERT OR IGNORE INTO outcome_section_readers (section_id, person_id)
                 SELECT section_id, ?1 FROM outcome_section_readers WHERE person_id = ?2",
                params![keep, duplicate],
            )?;
            tx.execute("DELETE FROM outcome_section_readers WHERE person_id = ?1", params![duplicate])?;
            // Where both have a message for one incident, the one still being composed yields to
            // one the outbox has (its history must stay); two composing ones keep the kept person's.
            // Two outbox messages both stay, the duplicate's with the retired person.
            tx.execute(
                "UPDATE messages SET deleted_at = ?3, updated_at = ?3
                 WHERE person_id = ?1 AND deleted_at IS NULL AND state IN ('draft', 'approved', 'skipped')
                   AND incident_id IN (SELECT incident_id FROM messages WHERE person_id = ?2 AND deleted_at IS NULL
                                       AND state NOT IN ('draft', 'approved', 'skipped'))",
                params![keep, duplicate, now],
            )?;
            tx.execute(
                "UPDATE messages SET deleted_at = ?3, updated_at = ?3
                 WHERE person_id = ?2 AND deleted_at IS NULL AND state IN ('draft', 'approved', 'skipped')
                   AND incident_id IN (SELECT incident_id FROM messages WHERE person_id = ?1 AND deleted_at IS NULL)",
                params![keep, duplicate, now],
            )?;
            tx.execute(
                "UPDATE messages SET person_id = ?1, updated_at = ?3
                 WHERE person_id = ?2 AND deleted_at IS NULL
                   AND incident_id NOT IN (SELECT incident_id FROM messages WHERE person_id = ?1 AND deleted_at IS NULL)",
                params![keep, duplicate, now],
            )?;
            tx.execute(
                "UPDATE people SET preferred_name = ?2, organisation = ?3, team = ?4, notes = ?5,
                    may_be_named = ?6, do_not_contact = ?7, updated_at = ?8, job_title = ?9 WHERE id = ?1",
                params![
                    keep,
                    pick(&k.preferred_name, &d.preferred_name),
                    pick(&k.organisation, &d.organisation),
                    pick(&k.team, &d.team),
                    notes,
                    k.may_be_named && d.may_be_named,
                    k.do_not_contact || d.do_not_contact,
                    now,
                    pick(&k.job_title, &d.job_title)
                ],
            )?;
            tx.execute(
                "UPDATE people SET deleted_at = ?2, merged_into = ?3, updated_at = ?2 WHERE id = ?1",
                params![duplicate, now, keep],
            )?;
            audit::record(
                tx,
                self,
                "person",
                keep,
                "merge",
                json!({ "merged": duplicate, "email": d.email, "contributions_moved": moved }),
            )?;
            audit::record(tx, self, "person", duplicate, "merged_into", json!({ "into": keep }))?;
            Ok(())
        })?;
        self.recheck_approvals(None)?;
        self.person(keep)
    }

    fn ensure_email_free(&self, email: &str, except_id: Option<&str>) -> Result<()> {
        let other: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM people WHERE email_key = ?1 AND deleted_at IS NULL AND id IS NOT ?2",
                params![validate::email_key(email), except_id],
                |r| r.get(0),
            )
            .optional()?;
        match other {
            Some(name) => Err(Error::Conflict {
                field: "email",
                message: format!("{email} already belongs to {name} (emails are compared ignoring case)."),
            }),
            None => Ok(()),
        }
    }
}

/// Puts `merged` (found through a retired email) first unless the results already hold them.
fn with_merged_email_match(mut rows: Vec<Person>, merged: Option<Person>, limit: u32) -> Vec<Person> {
    if let Some(person) = merged {
        if !rows.iter().any(|p| p.id == person.id) {
            rows.insert(0, person);
            rows.truncate(limit as usize);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn fts_query_prefixes_each_word_and_neutralises_syntax() {
        assert_eq!(fts_query("jane corp").as_deref(), Some("\"jane\"* \"corp\"*"));
        assert_eq!(fts_query("jane@corp.com").as_deref(), Some("\"jane\"* \"corp\"* \"com\"*"));
        assert_eq!(fts_query("a\"OR b").as_deref(), Some("\"a\"* \"OR\"* \"b\"*"));
        assert_eq!(fts_query("  "), None);
    }
}
