//! Recently deleted: the soft-deleted incidents, people and contributions that can still be
//! brought back, newest first ([`Store::recently_deleted`], a list of [`DeletedItem`]). Restoring
//! goes through each record's own `restore_*` so its checks (a reference or email taken
//! meanwhile) apply.

use crate::error::Result;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use specta::Type;

/// What kind of record a [`DeletedItem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DeletedKind {
    Incident,
    Person,
    Contribution,
}

/// One deleted record, described well enough to recognise it without opening it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DeletedItem {
    pub kind: DeletedKind,
    pub id: String,
    /// The incident's reference and title, the person's name, or what the contribution gave.
    pub title: String,
    /// The person's email; for a contribution, who gave it to which incident; empty for an incident.
    pub detail: String,
    /// When it was deleted (RFC 3339, UTC).
    pub deleted_at: String,
}

/// How many deleted records the list shows when no limit is given.
pub const DEFAULT_LIMIT: u32 = 200;

impl Store {
    /// The most recently deleted incidents, people and contributions, newest first. People merged
    /// into someone else are left out: their contributions already live on the kept person, so
    /// there is nothing to restore.
    pub fn recently_deleted(&self, limit: Option<u32>) -> Result<Vec<DeletedItem>> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, 1000);
        // The rowid breaks ties between deletions in the same millisecond (the later row first).
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, id, title, detail, deleted_at FROM (
                 SELECT 'incident' AS kind, id, reference || ' · ' || title AS title, '' AS detail,
                        deleted_at, rowid AS seq
                 FROM incidents WHERE deleted_at IS NOT NULL
                 UNION ALL
                 SELECT 'person', id, name, email, deleted_at, rowid
                 FROM people WHERE deleted_at IS NOT NULL AND merged_into IS NULL
                 UNION ALL
                 SELECT 'contribution', c.id, c.what, p.name || ' · ' || i.reference, c.deleted_at, c.rowid
                 FROM contributions c
                 JOIN people p ON p.id = c.person_id
                 JOIN incidents i ON i.id = c.incident_id
                 WHERE c.deleted_at IS NOT NULL
             )
             ORDER BY deleted_at DESC, seq DESC
             LIMIT ?1",
        )?;
        let items = stmt
            .query_map([limit], |row| {
                let kind: String = row.get(0)?;
                Ok(DeletedItem {
                    kind: match kind.as_str() {
                        "incident" => DeletedKind::Incident,
                        "person" => DeletedKind::Person,
                        _ => DeletedKind::Contribution,
                    },
                    id: row.get(1)?,
                    title: row.get(2)?,
                    detail: row.get(3)?,
                    deleted_at: row.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContributionInput, IncidentInput, PersonInput};
    use crate::store::Clock;
    use std::sync::atomic::{AtomicI64, Ordering};

    /// A clock that moves one second each time it is read, so deletions have distinct times.
    struct Ticking(AtomicI64);

    impl Clock for Ticking {
        fn now(&self) -> chrono::DateTime<chrono::Utc> {
            let step = self.0.fetch_add(1, Ordering::SeqCst);
            chrono::DateTime::from_timestamp(1_790_000_000 + step, 0).expect("a valid time")
        }
    }

    fn store(dir: &std::path::Path) -> Store {
        Store::open_in(dir).unwrap().with_actor("tester").with_clock(Box::new(Ticking(AtomicI64::new(0))))
    }

    #[test]
    fn lists_deleted_records_newest_first_and_forgets_restored_ones() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let incident =
            store.create_incident(&IncidentInput { title: "Phishing wave".into(), ..Default::default() }).unwrap();
        let jane = store
            .create_person(&PersonInput {
                name: "Jane Roe".into(),
                email: "jane@corp.com".into(),
                ..Default::default()
            })
            .unwrap();
        let kept = store
            .create_person(&PersonInput { name: "Kept".into(), email: "kept@corp.com".into(), ..Default::default() })
            .unwrap();
        let merged = store
            .create_person(&PersonInput { name: "Dup".into(), email: "dup@corp.com".into(), ..Default::default() })
            .unwrap();
        let given = store
            .add_contribution(&ContributionInput {
                incident_id: incident.id.clone(),
                person_id: jane.id.clone(),
                what: "proxy logs".into(),
                ..Default::default()
            })
            .unwrap();
        assert!(store.recently_deleted(None).unwrap().is_empty(), "nothing deleted yet");

        store.delete_contribution(&given.id).unwrap();
        store.merge_people(&kept.id, &merged.id).unwrap();
        store.delete_person(&jane.id, true).unwrap();
        store.delete_incident(&incident.id, true).unwrap();

        let listed = store.recently_deleted(None).unwrap();
        let seen: Vec<(DeletedKind, &str, &str)> =
            listed.iter().map(|item| (item.kind, item.title.as_str(), item.detail.as_str())).collect();
        let incident_title = format!("{} · Phishing wave", incident.reference);
        let contribution_detail = format!("Jane Roe · {}", incident.reference);
        assert_eq!(
            seen,
            vec![
                (DeletedKind::Incident, incident_title.as_str(), ""),
                (DeletedKind::Person, "Jane Roe", "jane@corp.com"),
                (DeletedKind::Contribution, "proxy logs", contribution_detail.as_str()),
            ],
            "newest first, merged-away people left out"
        );
        assert!(listed.windows(2).all(|pair| pair[0].deleted_at > pair[1].deleted_at));
        assert_eq!(store.recently_deleted(Some(1)).unwrap().len(), 1);

        store.restore_person(&jane.id).unwrap();
        let kinds: Vec<DeletedKind> = store.recently_deleted(None).unwrap().iter().map(|item| item.kind).collect();
        assert_eq!(kinds, vec![DeletedKind::Incident, DeletedKind::Contribution]);
    }
}
