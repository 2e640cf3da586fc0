//! The append-only audit log: [`record`] writes a line inside the caller's transaction,
//! [`history`] reads an entity's lines back. (An import writes its people's lines in bulk with
//! `INSERT … SELECT`, beside the people it writes.)

use crate::error::Result;
use crate::model::AuditEntry;
use crate::store::Store;
use rusqlite::{params, Connection};

/// Writes one audit line. Call inside the transaction that makes the change, so the change and
/// its record land together or not at all.
pub(crate) fn record(
    conn: &Connection,
    store: &Store,
    entity: &str,
    entity_id: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, actor, entity, entity_id, action, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![store.now(), store.actor, entity, entity_id, action, detail.to_string()])?;
    Ok(())
}

impl Store {
    /// The audit lines of one record, oldest first.
    pub fn history(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, actor, entity, entity_id, action, detail FROM audit_log
             WHERE entity = ?1 AND entity_id = ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![entity, entity_id], |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                actor: r.get(1)?,
                entity: r.get(2)?,
                entity_id: r.get(3)?,
                action: r.get(4)?,
                detail: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
