//! The close-out checklist: has every contributor been thanked, or skipped with a reason?
//! [`Store::closeout`] lists each contributor with where their message stands ([`CloseoutItem`]);
//! closing an incident with loose ends asks first ([`Store::set_incident_status`]).

use crate::error::Result;
use crate::model::MessageState;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct CloseoutItem {
    pub person_id: String,
    pub person_name: String,
    pub person_email: String,
    /// None: no message generated yet.
    pub message_id: Option<String>,
    pub state: Option<MessageState>,
    pub skip_reason: String,
    /// Thanked (the message was sent) or skipped with a reason.
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Closeout {
    pub items: Vec<CloseoutItem>,
    pub done: u32,
    pub loose_ends: u32,
}

impl Closeout {
    /// "Jane Doe (no message yet), Tom (draft)…" for the warning when closing.
    pub fn describe_loose_ends(&self, shown: usize) -> String {
        let loose: Vec<String> = self
            .items
            .iter()
            .filter(|i| !i.done)
            .map(|i| {
                let why = match i.state {
                    None => "no message yet".to_string(),
                    Some(state) => state.label().to_lowercase(),
                };
                format!("{} ({why})", i.person_name)
            })
            .collect();
        let mut text = loose.iter().take(shown).cloned().collect::<Vec<_>>().join(", ");
        if loose.len() > shown {
            text.push_str(&format!(" and {} more", loose.len() - shown));
        }
        text
    }
}

/// Counts as thanked only once sent (or skipped with a reason): an approved or queued message
/// may still fail.
fn is_done(state: Option<MessageState>) -> bool {
    matches!(state, Some(MessageState::Sent | MessageState::Skipped))
}

impl Store {
    pub fn closeout(&self, incident: &str) -> Result<Closeout> {
        let incident = self.incident(incident)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.name, p.email, m.id, m.state, coalesce(m.skip_reason, '')
             FROM (SELECT DISTINCT person_id FROM contributions WHERE incident_id = ?1 AND deleted_at IS NULL) c
             JOIN people p ON p.id = c.person_id AND p.deleted_at IS NULL
             LEFT JOIN messages m ON m.incident_id = ?1 AND m.person_id = p.id AND m.deleted_at IS NULL
             ORDER BY p.name COLLATE NOCASE, p.id",
        )?;
        let items: Vec<CloseoutItem> = stmt
            .query_map([&incident.id], |r| {
                let state: Option<MessageState> = r.get(4)?;
                Ok(CloseoutItem {
                    person_id: r.get(0)?,
                    person_name: r.get(1)?,
                    person_email: r.get(2)?,
                    message_id: r.get(3)?,
                    state,
                    skip_reason: r.get(5)?,
                    done: is_done(state),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let done = items.iter().filter(|i| i.done).count() as u32;
        Ok(Closeout { loose_ends: items.len() as u32 - done, done, items })
    }
}
