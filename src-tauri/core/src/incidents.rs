//! Incident operations on [`Store`]: create, edit, status changes, list with filters, open one
//! with its contributions, soft delete (with confirmation) and restore.

use crate::audit;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::{new_id, Store};
use crate::validate;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

const REFERENCE_MAX: usize = 64;
/// The incident list shows at most this many rows unless asked for more.
pub const DEFAULT_LIST_LIMIT: u32 = 200;

/// One page of the incident list and how many incidents match in all.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct IncidentPage {
    pub incidents: Vec<Incident>,
    pub total: u32,
}

/// Selects incidents with their live counts. `{page}` is the body of a CTE choosing the rows
/// (aliased `i`, already filtered, ordered and limited); the counts are then computed for those
/// rows only, in one pass over their contributions (the covering index alone). A contribution's
/// person always exists (foreign key), so leaving out those of deleted people — few, and
/// indexed — counts the same as joining every contribution to its person, without looking up
/// each person (a page of 200 big incidents has some 20,000 contributions).
const SELECT_INCIDENTS: &str = "
    WITH page AS ({page})
    SELECT i.id, i.reference, i.title, i.kind, i.severity, i.status, i.tlp, i.opened_on, i.closed_on,
           i.summary, i.created_at, i.updated_at, coalesce(n.contributions, 0), coalesce(n.contributors, 0)
    FROM page i LEFT JOIN (
        SELECT c.incident_id, count(*) AS contributions, count(DISTINCT c.person_id) AS contributors
        FROM contributions c
        WHERE c.incident_id IN (SELECT id FROM page) AND c.deleted_at IS NULL
          AND c.person_id NOT IN (SELECT id FROM people WHERE deleted_at IS NOT NULL)
        GROUP BY c.incident_id
    ) n ON n.incident_id = i.id";

fn select_incidents(page: &str) -> String {
    SELECT_INCIDENTS.replace("{page}", page)
}

fn incident_from_row(r: &Row<'_>) -> rusqlite::Result<Incident> {
    Ok(Incident {
        id: r.get(0)?,
        reference: r.get(1)?,
        title: r.get(2)?,
        kind: r.get(3)?,
        severity: r.get(4)?,
        status: r.get(5)?,
        tlp: r.get(6)?,
        opened_on: r.get(7)?,
        closed_on: r.get(8)?,
        summary: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        contribution_count: r.get(12)?,
        contributor_count: r.get(13)?,
    })
}

/// Validated incident fields, ready to write.
struct CleanIncident {
    reference: Option<String>,
    title: String,
    kind: IncidentKind,
    severity: Severity,
    tlp: Tlp,
    opened_on: Option<String>,
    summary: String,
}

fn clean(input: &IncidentInput) -> Result<CleanIncident> {
    let reference = validate::single_line("reference", "The reference", &input.reference, false, REFERENCE_MAX)?;
    if let Some(bad) = reference.chars().find(|c| !(c.is_alphanumeric() || "-_./#".contains(*c))) {
        return Err(Error::invalid(
            "reference",
            format!("The reference cannot contain '{bad}'; use letters, digits and - _ . / #, e.g. INC-2026-0042."),
        ));
    }
    Ok(CleanIncident {
        reference: (!reference.is_empty()).then_some(reference),
        title: validate::single_line("title", "The title", &input.title, true, validate::TITLE_MAX)?,
        kind: input.kind.unwrap_or(IncidentKind::SecurityIncident),
        severity: input.severity.unwrap_or(Severity::Medium),
        tlp: input.tlp.unwrap_or(Tlp::Amber),
        opened_on: validate::date("opened_on", "The opening date", &input.opened_on)?,
        summary: validate::text("summary", "The summary", &input.summary, false, validate::LONG_MAX)?,
    })
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Store {
    /// Creates an incident. An empty reference gets the next free `INC-YYYY-NNNN`.
    pub fn create_incident(&self, input: &IncidentInput) -> Result<Incident> {
        let fields = clean(input)?;
        self.write(|tx| {
        let opened_on = fields.opened_on.clone().unwrap_or_else(|| self.today());
        let reference = match fields.reference.clone() {
            Some(r) => {
                self.ensure_reference_free(&r, None)?;
                r
            }
            None => self.next_reference(&opened_on[..4])?,
        };
        let id = new_id();
        let now = self.now();
        tx.execute(
            "INSERT INTO incidents (id, reference, title, kind, severity, status, tlp, opened_on, summary, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?8, ?9, ?9)",
            params![id, reference, fields.title, fields.kind, fields.severity, fields.tlp, opened_on, fields.summary, now],
        )?;
        audit::record(tx, self, "incident", &id, "create", json!({ "reference": reference, "title": fields.title }))?;
        self.incident(&id)
        })
    }

    /// Replaces an incident's editable fields. An empty reference keeps the current one.
    pub fn update_incident(&self, id: &str, input: &IncidentInput) -> Result<Incident> {
        let fields = clean(input)?;
        let before = self.incident(id)?;
        let reference = fields.reference.clone().unwrap_or_else(|| before.reference.clone());
        self.ensure_reference_free(&reference, Some(id))?;
        let opened_on = fields.opened_on.clone().unwrap_or_else(|| before.opened_on.clone());
        self.write(|tx| {
            tx.execute(
                "UPDATE incidents SET reference = ?2, title = ?3, kind = ?4, severity = ?5, tlp = ?6, opened_on = ?7,
                    summary = ?8, updated_at = ?9 WHERE id = ?1",
                params![
                    id,
                    reference,
                    fields.title,
                    fields.kind,
                    fields.severity,
                    fields.tlp,
                    opened_on,
                    fields.summary,
                    self.now()
                ],
            )?;
            audit::record(
                tx,
                self,
                "incident",
                id,
                "update",
                json!({ "reference": reference, "title": fields.title }),
            )?;
            Ok(())
        })?;
        self.recheck_approvals(Some(id))?;
        self.incident(id)
    }

    /// Moves an incident to `status`. Closing stamps the closing date; reopening clears it.
    /// Closing while a contributor is neither thanked nor skipped asks first
    /// ([`Error::NeedsConfirmation`] listing them) unless `confirmed`.
    pub fn set_incident_status(&self, id: &str, status: Status, confirmed: bool) -> Result<Incident> {
        let before = self.incident(id)?;
        if before.status == status {
            return Ok(before);
        }
        if status == Status::Closed && !confirmed {
            let closeout = self.closeout(&before.id)?;
            if closeout.loose_ends > 0 {
                return Err(Error::NeedsConfirmation(format!(
                    "{} of {} contributors to {} have not been thanked or skipped yet: {}. Close it anyway?",
                    closeout.loose_ends,
                    closeout.items.len(),
                    before.reference,
                    closeout.describe_loose_ends(5)
                )));
            }
        }
        let closed_on = (status == Status::Closed).then(|| self.today());
        self.write(|tx| {
            tx.execute(
                "UPDATE incidents SET status = ?2, closed_on = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, status, closed_on, self.now()],
            )?;
            audit::record(tx, self, "incident", id, "status", json!({ "from": before.status, "to": status }))?;
            Ok(())
        })?;
        self.incident(id)
    }

    /// A live incident by id or by reference (case-insensitive).
    pub fn incident(&self, id_or_reference: &str) -> Result<Incident> {
        self.conn
            .prepare_cached(&select_incidents(
                "SELECT * FROM incidents i
                 WHERE (i.id = ?1 OR i.reference = ?1 COLLATE NOCASE) AND i.deleted_at IS NULL",
            ))?
            .query_row([id_or_reference.trim()], incident_from_row)
            .optional()?
            .ok_or_else(|| {
                Error::NotFound(format!("No incident '{}' exists (it may have been deleted).", id_or_reference.trim()))
            })
    }

    /// An incident with its live contributions, each with who gave it, grouped by person.
    pub fn incident_detail(&self, id_or_reference: &str) -> Result<IncidentDetail> {
        let incident = self.incident(id_or_reference)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.incident_id, c.person_id, c.role, c.what, c.given_on, c.impact, c.constraints,
                    c.created_at, c.updated_at, p.name, p.email, p.organisation, p.audience,
                    p.may_be_named, p.do_not_contact
             FROM contributions c JOIN people p ON p.id = c.person_id
             WHERE c.incident_id = ?1 AND c.deleted_at IS NULL AND p.deleted_at IS NULL
             ORDER BY p.name COLLATE NOCASE, p.id, c.created_at",
        )?;
        let contributions = stmt
            .query_map([&incident.id], |r| {
                Ok(ContributionWithPerson {
                    contribution: crate::contributions::contribution_from_row(r)?,
                    person_name: r.get(10)?,
                    person_email: r.get(11)?,
                    person_organisation: r.get(12)?,
                    person_audience: r.get(13)?,
                    person_may_be_named: r.get(14)?,
                    person_do_not_contact: r.get(15)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(IncidentDetail { incident, contributions })
    }

    /// Live incidents matching `filter`, newest first, one page (`offset`, `limit`) at a time;
    /// `total` counts every match.
    pub fn list_incidents(&self, filter: &IncidentFilter) -> Result<IncidentPage> {
        let mut conditions = vec!["i.deleted_at IS NULL".to_string()];
        let mut values: Vec<String> = Vec::new();
        let mut in_list = |column: &str, items: Vec<&'static str>, values: &mut Vec<String>| {
            if !items.is_empty() {
                let marks = items.iter().map(|_| "?").collect::<Vec<_>>().join(", ");
                conditions.push(format!("{column} IN ({marks})"));
                values.extend(items.into_iter().map(String::from));
            }
        };
        in_list("i.status", filter.statuses.iter().map(|s| s.as_str()).collect(), &mut values);
        in_list("i.kind", filter.kinds.iter().map(|k| k.as_str()).collect(), &mut values);
        // Every word must appear in the reference, title or summary; words in any order.
        for word in filter.text.split_whitespace() {
            conditions.push(
                "(i.reference LIKE ? ESCAPE '\\' OR i.title LIKE ? ESCAPE '\\' OR i.summary LIKE ? ESCAPE '\\')".into(),
            );
            let pattern = like_pattern(word);
            values.extend([pattern.clone(), pattern.clone(), pattern]);
        }
        let where_clause = conditions.join(" AND ");
        let total: u32 = self.conn.query_row(
            &format!("SELECT count(*) FROM incidents i WHERE {where_clause}"),
            rusqlite::params_from_iter(values.iter()),
            |r| r.get(0),
        )?;
        let limit = filter.limit.unwrap_or(DEFAULT_LIST_LIMIT);
        let offset = filter.offset.unwrap_or(0);
        // The id breaks ties so that pages neither repeat nor skip incidents.
        let order = "ORDER BY i.opened_on DESC, i.created_at DESC, i.id DESC";
        let page = format!("SELECT * FROM incidents i WHERE {where_clause} {order} LIMIT {limit} OFFSET {offset}");
        let mut stmt = self.conn.prepare(&format!("{} {order}", select_incidents(&page)))?;
        let incidents = stmt
            .query_map(rusqlite::params_from_iter(values.iter()), incident_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(IncidentPage { incidents, total })
    }

    /// Soft-deletes an incident. If it has contributions, `confirmed` must be true: the first call
    /// answers [`Error::NeedsConfirmation`] saying what would be hidden.
    pub fn delete_incident(&self, id: &str, confirmed: bool) -> Result<Deleted> {
        let incident = self.incident(id)?;
        let hidden = incident.contribution_count;
        if hidden > 0 && !confirmed {
            return Err(Error::NeedsConfirmation(format!(
                "{} has {} contribution{} from {} {}. Deleting it hides them too; you can undo this.",
                incident.reference,
                hidden,
                if hidden == 1 { "" } else { "s" },
                incident.contributor_count,
                if incident.contributor_count == 1 { "person" } else { "people" },
            )));
        }
        self.write(|tx| {
            tx.execute(
                "UPDATE incidents SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![incident.id, self.now()],
            )?;
            audit::record(tx, self, "incident", &incident.id, "delete", json!({ "contributions_hidden": hidden }))?;
            Ok(())
        })?;
        Ok(Deleted { id: incident.id, contributions_hidden: hidden })
    }

    /// Undoes [`Store::delete_incident`].
    pub fn restore_incident(&self, id: &str) -> Result<Incident> {
        let reference: Option<String> = self
            .conn
            .query_row("SELECT reference FROM incidents WHERE id = ?1 AND deleted_at IS NOT NULL", [id], |r| r.get(0))
            .optional()?;
        let reference = reference.ok_or_else(|| Error::NotFound(format!("No deleted incident '{id}' to restore.")))?;
        self.ensure_reference_free(&reference, Some(id))?;
        self.write(|tx| {
            tx.execute(
                "UPDATE incidents SET deleted_at = NULL, updated_at = ?2 WHERE id = ?1",
                params![id, self.now()],
            )?;
            audit::record(tx, self, "incident", id, "restore", json!({}))?;
            Ok(())
        })?;
        self.incident(id)
    }

    fn ensure_reference_free(&self, reference: &str, except_id: Option<&str>) -> Result<()> {
        let taken: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM incidents WHERE reference = ?1 COLLATE NOCASE AND deleted_at IS NULL AND id IS NOT ?2",
                params![reference, except_id],
                |r| r.get(0),
            )
            .optional()?;
        match taken {
            Some(_) => Err(Error::Conflict {
                field: "reference",
                message: format!("Another incident already uses the reference {reference}; choose another."),
            }),
            None => Ok(()),
        }
    }

    /// The next free `INC-YYYY-NNNN` for `year`.
    pub fn next_reference(&self, year: &str) -> Result<String> {
        let prefix = format!("INC-{year}-");
        let highest: Option<i64> = self.conn.query_row(
            "SELECT max(CAST(substr(reference, ?2) AS INTEGER)) FROM incidents WHERE reference LIKE ?1 || '%'",
            params![prefix, prefix.len() as i64 + 1],
            |r| r.get(0),
        )?;
        Ok(format!("{prefix}{:04}", highest.unwrap_or(0) + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
