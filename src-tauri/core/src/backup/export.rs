//! The whole dataset as one JSON document, for moving to another machine: [`Store::export_all`]
//! writes it, [`crate::Store::import_all`] reads it back. Format version 1:
//!
//! ```json
//! {"format": "afterword-export", "version": 1, "schema_version": 4, "exported_at": "2026-11-25T10:15:00.000Z",
//!  "tables": {
//!   "audit_log": [
//!    {"seq": 1, "at": "…", "actor": "sam", "entity": "person", "entity_id": "01J…", "action": "create", "detail": "{}"},
//!    …],
//!   "contributions": […], …}}
//! ```
//!
//! - `tables` holds every table of the schema (by name, sorted) except SQLite's own (`sqlite_*`)
//!   and the people search index (an FTS5 table and its shadow tables), rebuilt on import.
//!   Soft-deleted rows are included. The columns are read from the schema, so a column added by a
//!   later migration is exported without anyone remembering to.
//! - One object per row, keys in the table's column order; rows in rowid order, which the import
//!   keeps (ties that Afterword breaks by rowid still fall the same way; the rowid numbers
//!   themselves are not carried).
//! - Values as SQLite holds them: NULL → `null`, INTEGER → an integer, REAL → a number with a
//!   fraction or exponent, TEXT → a string, BLOB → `{"$blob": "<base64, standard alphabet, padded>"}`.
//!   A REAL that JSON cannot carry (infinity) or TEXT that is not UTF-8 stops the export rather
//!   than being changed.
//! - `schema_version` is the database's; the import builds that schema, then upgrades it.
//!
//! The SMTP password lives in the OS secret store, never in the database, so an export never
//! carries it.
//!
//! The document is written row by row through a buffer to a temporary file beside the
//! destination, renamed into place when complete: memory stays flat for a million rows.

use super::{check_destination, counts, failed, folder_of, io, sync_folder, to_u32, ExportInfo};
use crate::error::{Error, Result};
use crate::store::Store;
use base64::Engine as _;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The `format` of an export document.
pub const FORMAT: &str = "afterword-export";
/// The version of the document's layout (not of the schema).
pub const FORMAT_VERSION: u64 = 1;
/// The key of the object a BLOB value is written as.
pub const BLOB_KEY: &str = "$blob";

/// A table whose rows are data (not SQLite's, not a search index).
pub(crate) struct Table {
    pub name: String,
    pub columns: Vec<String>,
    /// Has a rowid (rows are ordered by it); otherwise ordered by primary key.
    pub rowid: bool,
}

/// The data tables of the schema `conn` has open, by name.
pub(crate) fn data_tables(conn: &Connection) -> rusqlite::Result<Vec<Table>> {
    let listed: Vec<(String, String, bool)> = conn
        .prepare("SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let virtual_tables: Vec<&str> =
        listed.iter().filter(|(_, kind, _)| kind == "virtual").map(|(name, _, _)| name.as_str()).collect();
    let mut tables = Vec::new();
    for (name, kind, without_rowid) in &listed {
        // SQLite lists FTS5's own tables as `shadow`; the name test also covers a module that
        // does not say so.
        let index_part = virtual_tables.iter().any(|v| name.starts_with(&format!("{v}_")));
        if kind != "table" || name.starts_with("sqlite_") || index_part {
            continue;
        }
        let columns = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        tables.push(Table { name: name.clone(), columns, rowid: !without_rowid });
    }
    Ok(tables)
}

/// `"name"`, quoted for SQL.
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Store {
    /// Writes every table to `dest` as one JSON document (see [`crate::backup::export`]), read in
    /// one transaction so it is a consistent snapshot while others write.
    pub fn export_all(&self, dest: &Path) -> Result<ExportInfo> {
        check_destination(dest, self.path(), "export")?;
        let folder = folder_of(dest);
        let mut temp = tempfile::Builder::new()
            .prefix(".afterword-export-")
            .suffix(".json")
            .tempfile_in(folder)
            .map_err(io(format!("Could not write in the folder {}", folder.display())))?;
        let exported_at = self.now();
        let snapshot = self.conn.unchecked_transaction()?;
        let (rows, counts) = {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, temp.as_file_mut());
            let rows = write_document(&snapshot, &mut out, &exported_at).map_err(|e| e.into_error(dest))?;
            out.flush().map_err(io(format!("Could not write {}", dest.display())))?;
            (rows, counts(&snapshot)?)
        };
        let schema_version = super::user_version(&snapshot)?;
        snapshot.commit()?;
        let context = || format!("Could not save {}", dest.display());
        temp.as_file().sync_all().map_err(io(context()))?;
        temp.persist(dest).map_err(|e| Error::Io { context: context(), source: e.error })?;
        sync_folder(folder).map_err(io(context()))?;
        Ok(ExportInfo {
            path: dest.to_path_buf(),
            bytes: std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0),
            schema_version: to_u32(schema_version),
            exported_at,
            rows,
            incidents: counts.incidents,
            people: counts.people,
            contributions: counts.contributions,
        })
    }
}

/// Why writing stopped: the disk, the database, or a value JSON cannot carry as it is.
enum WriteError {
    Io(std::io::Error),
    Database(rusqlite::Error),
    Value(String),
}

impl WriteError {
    fn into_error(self, dest: &Path) -> Error {
        match self {
            WriteError::Io(source) => Error::Io { context: format!("Could not write {}", dest.display()), source },
            WriteError::Database(e) => Error::Database(e),
            WriteError::Value(detail) => failed(format!(
                "Could not export to {}: {detail}. Nothing was written there; the value has to be corrected first.",
                dest.display()
            )),
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

impl From<rusqlite::Error> for WriteError {
    fn from(e: rusqlite::Error) -> Self {
        WriteError::Database(e)
    }
}

impl From<serde_json::Error> for WriteError {
    fn from(e: serde_json::Error) -> Self {
        WriteError::Io(e.into())
    }
}

fn write_document(
    conn: &Connection,
    out: &mut impl Write,
    exported_at: &str,
) -> std::result::Result<BTreeMap<String, u32>, WriteError> {
    let schema_version = super::user_version(conn)?;
    write!(out, "{{\"format\":")?;
    serde_json::to_writer(&mut *out, FORMAT)?;
    write!(out, ",\"version\":{FORMAT_VERSION},\"schema_version\":{schema_version},\"exported_at\":")?;
    serde_json::to_writer(&mut *out, exported_at)?;
    write!(out, ",\"tables\":{{")?;
    let mut rows = BTreeMap::new();
    for (t, table) in data_tables(conn)?.iter().enumerate() {
        if t > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut *out, &table.name)?;
        out.write_all(b":[")?;
        rows.insert(table.name.clone(), write_rows(conn, table, out)?);
        out.write_all(b"]")?;
    }
    out.write_all(b"\n}}\n")?;
    Ok(rows)
}

fn write_rows(conn: &Connection, table: &Table, out: &mut impl Write) -> std::result::Result<u32, WriteError> {
    let columns = table.columns.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(", ");
    let order = if table.rowid { "rowid".to_string() } else { primary_key(conn, &table.name)? };
    let mut stmt = conn.prepare(&format!("SELECT {columns} FROM {} ORDER BY {order}", quoted(&table.name)))?;
    let keys: Vec<String> = table.columns.iter().map(serde_json::to_string).collect::<Result<_, _>>()?;
    let mut rows = stmt.query([])?;
    let mut n = 0u32;
    while let Some(row) = rows.next()? {
        out.write_all(if n == 0 { b"\n{" } else { b",\n{" })?;
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(key.as_bytes())?;
            out.write_all(b":")?;
            write_value(out, row.get_ref(i)?).map_err(|e| match e {
                WriteError::Value(problem) => {
                    WriteError::Value(format!("{}.{} {problem}", table.name, table.columns[i]))
                }
                other => other,
            })?;
        }
        out.write_all(b"}")?;
        n += 1;
    }
    if n > 0 {
        out.write_all(b"\n")?;
    }
    Ok(n)
}

/// Writes one value exactly, or says why JSON cannot carry it unchanged.
fn write_value(out: &mut impl Write, value: ValueRef<'_>) -> std::result::Result<(), WriteError> {
    let unchanged = |problem: &str| WriteError::Value(problem.to_string());
    match value {
        ValueRef::Null => out.write_all(b"null")?,
        ValueRef::Integer(i) => write!(out, "{i}")?,
        ValueRef::Real(f) if !f.is_finite() => {
            return Err(unchanged("holds an infinite number, which JSON cannot carry"))
        }
        ValueRef::Real(f) => serde_json::to_writer(&mut *out, &f)?,
        ValueRef::Text(bytes) => {
            let text = std::str::from_utf8(bytes).map_err(|_| unchanged("holds text that is not UTF-8"))?;
            serde_json::to_writer(&mut *out, text)?
        }
        ValueRef::Blob(bytes) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
            write!(out, "{{\"{BLOB_KEY}\":\"{encoded}\"}}")?
        }
    }
    Ok(())
}

/// `"a", "b"`: the primary key of a table without rowid, to order its rows.
fn primary_key(conn: &Connection, table: &str) -> rusqlite::Result<String> {
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(columns.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(", "))
}
