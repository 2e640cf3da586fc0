//! An incident's or a person's history: the audit log read back in plain words, newest first
//! ([`HistoryEntry`], from [`Store::incident_history`] and [`Store::person_history`]).
//!
//! An incident's history holds its own lines, those of its contributions and of its thank-you
//! messages; a person's holds theirs, their contributions' and the messages to them. Deliveries
//! come from the outbox (the sender does not write audit lines for each attempt).

use crate::error::Result;
use crate::model::{Status, Tlp};
use crate::store::Store;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;

/// One change, in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct HistoryEntry {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who made the change (the OS user, or "outbox" for deliveries).
    pub actor: String,
    /// What the change was about: "incident", "contribution", "message", "person".
    pub entity: String,
    /// The machine-readable action ("create", "status", "approve"…).
    pub action: String,
    /// The change in words: "Status changed from Open to Investigating".
    pub summary: String,
}

/// The most lines a history returns (the oldest are left out beyond it).
pub const HISTORY_LIMIT: u32 = 500;

// Each line with the names its summary needs: the person and the incident a contribution or a
// message belongs to.
const LINES: &str = "
    SELECT a.seq, a.at, a.actor, a.entity, a.action, a.detail,
           coalesce(pc.name, pm.name, ''), coalesce(ic.reference, im.reference, '')
    FROM audit_log a
    LEFT JOIN contributions c ON a.entity = 'contribution' AND c.id = a.entity_id
    LEFT JOIN people pc ON pc.id = c.person_id
    LEFT JOIN incidents ic ON ic.id = c.incident_id
    LEFT JOIN messages m ON a.entity = 'message' AND m.id = a.entity_id
    LEFT JOIN people pm ON pm.id = m.person_id
    LEFT JOIN incidents im ON im.id = m.incident_id";

const DELIVERIES: &str = "
    SELECT 0, o.sent_at, 'outbox', 'message', 'delivered', json_object('transport', o.transport),
           p.name, i.reference
    FROM outbox o JOIN messages m ON m.id = o.message_id
    JOIN people p ON p.id = m.person_id JOIN incidents i ON i.id = m.incident_id
    WHERE o.sent_at IS NOT NULL";

/// Whose page the history is shown on: it decides whether a line names the person or the incident.
#[derive(Clone, Copy, PartialEq)]
enum Page {
    Incident,
    Person,
}

impl Page {
    /// The entity the page shows, and the column of contributions and messages that points to it.
    fn owner(self) -> (&'static str, &'static str) {
        match self {
            Page::Incident => ("incident", "incident_id"),
            Page::Person => ("person", "person_id"),
        }
    }
}

impl Store {
    /// The history of an incident (by reference or id), newest first.
    pub fn incident_history(&self, id_or_reference: &str) -> Result<Vec<HistoryEntry>> {
        let incident = self.incident(id_or_reference)?;
        self.history_of(Page::Incident, &incident.id)
    }

    /// The history of a person (by id or email), newest first.
    pub fn person_history(&self, id_or_email: &str) -> Result<Vec<HistoryEntry>> {
        let person = self.person_by_id_or_email(id_or_email)?;
        self.history_of(Page::Person, &person.id)
    }

    pub(crate) fn person_by_id_or_email(&self, id_or_email: &str) -> Result<crate::Person> {
        let wanted = id_or_email.trim();
        if wanted.contains('@') {
            return self.person_by_email(wanted)?.ok_or_else(|| {
                crate::Error::NotFound(format!("Nobody with the email {wanted} is known (they may have been deleted)."))
            });
        }
        self.person(wanted)
    }

    /// The record's own lines, its contributions' and its messages', and the deliveries.
    fn history_of(&self, page: Page, id: &str) -> Result<Vec<HistoryEntry>> {
        let (entity, column) = page.owner();
        let sql = format!(
            "SELECT * FROM ({LINES}
               WHERE (a.entity = '{entity}' AND a.entity_id = ?1)
                  OR (a.entity = 'contribution' AND c.{column} = ?1)
               UNION ALL
               {LINES} WHERE a.entity = 'message' AND m.{column} = ?1
               UNION ALL
               {DELIVERIES} AND m.{column} = ?1)
             ORDER BY 2 DESC, 1 DESC LIMIT {HISTORY_LIMIT}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![id], |r| {
            let (entity, action): (String, String) = (r.get(3)?, r.get(4)?);
            let detail: Value = serde_json::from_str(r.get_ref(5)?.as_str()?).unwrap_or(Value::Null);
            let (person, incident): (String, String) = (r.get(6)?, r.get(7)?);
            let about = if page == Page::Incident { person } else { incident };
            let summary = describe(&entity, &action, &detail, &about);
            Ok(HistoryEntry { at: r.get(1)?, actor: r.get(2)?, entity, action, summary })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn text<'a>(detail: &'a Value, key: &str) -> &'a str {
    detail.get(key).and_then(Value::as_str).unwrap_or("")
}

fn count(detail: &Value, key: &str) -> u64 {
    detail.get(key).and_then(Value::as_u64).unwrap_or(0)
}

fn status_label(detail: &Value, key: &str) -> String {
    let code = text(detail, key);
    Status::parse(code).map_or_else(|| code.to_owned(), |s| s.label().to_owned())
}

fn tlp_label(detail: &Value) -> String {
    Tlp::parse(text(detail, "tlp")).map_or_else(String::new, |t| format!(" ({})", t.label()))
}

/// `about` is the other side of the line: the person on an incident's page, the incident on a
/// person's page.
fn describe(entity: &str, action: &str, detail: &Value, about: &str) -> String {
    let of = |what: &str| if about.is_empty() { what.to_owned() } else { format!("{what} ({about})") };
    let hidden = count(detail, "contributions_hidden");
    let hidden = if hidden > 0 { format!(", with {hidden} contributions") } else { String::new() };
    match (entity, action) {
        ("incident", "create") => format!("Created the incident {}", text(detail, "reference")),
        ("incident", "update") => "Edited the incident's details".to_owned(),
        ("incident", "status") => {
            format!("Status changed from {} to {}", status_label(detail, "from"), status_label(detail, "to"))
        }
        ("incident", "delete") => format!("Deleted the incident{hidden}"),
        ("incident", "restore") => "Restored the incident".to_owned(),
        ("incident", "outcome_add") => format!("Added an outcome section{}", tlp_label(detail)),
        ("incident", "outcome_edit") => format!("Edited an outcome section{}", tlp_label(detail)),
        ("incident", "outcome_move") => "Reordered the outcome sections".to_owned(),
        ("incident", "outcome_delete") => "Deleted an outcome section".to_owned(),
        ("incident", "outcome_restore") => "Restored an outcome section".to_owned(),
        ("incident", "messages_generate") => "Generated the thank-you messages".to_owned(),
        ("incident", "queue") => format!("Queued {} thank-you messages for sending", count(detail, "queued")),
        ("person", "create") if detail.get("import").is_some() => "Added by an import".to_owned(),
        ("person", "create") => "Added to the directory".to_owned(),
        ("person", "update") if detail.get("import").is_some() => {
            let fields = detail
                .get("changed")
                .and_then(Value::as_array)
                .map(|f| f.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "));
            match fields.filter(|f| !f.is_empty()) {
                Some(fields) => format!("Updated by an import ({fields})"),
                None => "Updated by an import".to_owned(),
            }
        }
        ("person", "update") => match detail.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()) {
            Some(keys) if !keys.is_empty() => format!("Edited the person's details ({})", keys.join(", ")),
            _ => "Edited the person's details".to_owned(),
        },
        ("person", "delete") => format!("Deleted the person{hidden}"),
        ("person", "restore") => "Restored the person".to_owned(),
        ("person", "merge") => format!(
            "Merged in a duplicate ({}, {} contributions moved)",
            text(detail, "email"),
            count(detail, "contributions_moved")
        ),
        ("person", "merged_into") => "Merged into another person".to_owned(),
        ("contribution", "create") => of("Credited a contribution"),
        ("contribution", "update") => of("Edited a contribution"),
        ("contribution", "delete") => of("Deleted a contribution"),
        ("contribution", "restore") => of("Restored a contribution"),
        ("message", "edit") => of("Edited the thank-you message"),
        ("message", "reset") => of("Reset the thank-you message to its template"),
        ("message", "approve") => of("Approved the thank-you message"),
        ("message", "unapprove") => of("Withdrew the approval of the thank-you message"),
        ("message", "approval_lapsed") => of("Approval lapsed: the thank-you message changed"),
        ("message", "skip") => match text(detail, "reason") {
            "" => of("Skipped the thank-you"),
            reason => format!("{}: {reason}", of("Skipped the thank-you")),
        },
        ("message", "unskip") => of("Will thank after all"),
        ("message", "delivered") => of("Thank-you delivered"),
        ("message", "retry") => of("Queued the thank-you again"),
        ("message", "cancel") => of("Cancelled sending the thank-you"),
        ("message", "resolve_sent") => of("Marked the thank-you as delivered"),
        ("message", "resolve_resend") => of("Queued the thank-you to be sent again"),
        (entity, action) => of(&format!("{} {}", capitalise(entity), action.replace('_', " "))),
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::describe;
    use serde_json::json;

    #[test]
    fn says_what_changed_in_plain_words() {
        assert_eq!(
            describe("incident", "status", &json!({"from": "open", "to": "investigating"}), ""),
            "Status changed from Open to Investigating"
        );
        assert_eq!(describe("contribution", "create", &json!({}), "Jane Doe"), "Credited a contribution (Jane Doe)");
        assert_eq!(
            describe("message", "skip", &json!({"reason": "on leave"}), "INC-1"),
            "Skipped the thank-you (INC-1): on leave"
        );
        assert_eq!(
            describe("incident", "outcome_add", &json!({"tlp": "amber"}), ""),
            "Added an outcome section (TLP:AMBER)"
        );
        assert_eq!(describe("person", "update", &json!({"email": {}}), ""), "Edited the person's details (email)");
        assert_eq!(
            describe("person", "update", &json!({"import": "x", "changed": ["Team", "Job title"]}), ""),
            "Updated by an import (Team, Job title)"
        );
        assert_eq!(describe("widget", "spun_up", &json!({}), ""), "Widget spun up");
    }
}
