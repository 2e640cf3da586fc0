//! Reading a whole-dataset export back ([`Store::import_all`], [`import_all_in`]): a fresh
//! database is built in a temporary file at the export's schema, filled row by row as the
//! document streams in (one row in memory at a time), checked (foreign keys, integrity),
//! upgraded to this version's schema, and swapped in as a restore is. Refused before anything
//! changes: an unknown format, a newer format or schema, a table or column the schema does not
//! have, a missing table, rows that refer to nothing — and, unless replacing was asked for, a
//! live database that already holds incidents or people (the two datasets would be mixed).

use super::automatic::{backups_dir, before_replacing};
use super::copy::Scratch;
use super::export::{data_tables, quoted, BLOB_KEY, FORMAT, FORMAT_VERSION};
use super::swap::{into_live, open_live, replace_file, Live};
use super::{counts, damaged, folder_of, integrity_check, io, newer, to_u32, Counts, ImportInfo};
use crate::error::{Error, Result};
use crate::store::{migrations, Store, DATABASE_FILE, SCHEMA_VERSION};
use base64::Engine as _;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

impl Store {
    /// Replaces the whole dataset with the export at `source`. Refused when this database
    /// already holds incidents or people, unless `replace`; either way a checked copy of the
    /// database as it was goes to `backups/` first.
    pub fn import_all(&mut self, source: &Path, replace: bool) -> Result<ImportInfo> {
        if !replace {
            let held: (i64, i64) = self.conn.query_row(
                "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM people)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if held != (0, 0) {
                return Err(Error::NeedsConfirmation(format!(
                    "The database {} already holds {} incidents and {} people (counting deleted ones); importing {} \
                     would mix two datasets. Back it up and import into a fresh data folder, or replace everything \
                     in it (--replace; a copy of it is kept in {} first).",
                    self.path().display(),
                    held.0,
                    held.1,
                    source.display(),
                    backups_dir(self.path()).display()
                )));
            }
        }
        let built = build(source, self.path())?;
        let previous = before_replacing(&self.conn, self.path(), "import")?;
        into_live(&mut self.conn, built.scratch.path())?;
        drop(built.scratch);
        let counts = counts(&self.conn)?;
        self.record_dataset_change("import_all", detail(source, &built.header));
        Ok(info(source, built.header, counts, previous))
    }
}

/// Imports `source` into the data folder `dir`. When its database cannot be opened (damaged,
/// or from a newer version) it needs `replace`: the export is built and checked first, then that
/// file is moved aside as `afterword.db.damaged-{time}` (or `.newer-…`) and kept.
pub fn import_all_in(dir: &Path, source: &Path, replace: bool) -> Result<ImportInfo> {
    match open_live(dir)? {
        Live::Open(mut store) => store.import_all(source, replace),
        Live::Unopenable { error, .. } if !replace => Err(Error::NeedsConfirmation(format!(
            "{error} To import {} in its place, replace it (--replace): it is moved aside and kept.",
            source.display()
        ))),
        Live::Unopenable { why, .. } => {
            let live = dir.join(DATABASE_FILE);
            let built = build(source, &live)?;
            let previous = replace_file(&live, built.scratch, why)?;
            let store = Store::open(&live)?;
            let counts = counts(&store.conn)?;
            store.record_dataset_change("import_all", detail(source, &built.header));
            Ok(info(source, built.header, counts, previous))
        }
    }
}

fn detail(source: &Path, header: &Header) -> Value {
    json!({ "source": source, "exported_at": header.exported_at, "export_schema_version": header.schema_version, "rows": header.rows })
}

fn info(source: &Path, header: Header, counts: Counts, previous: std::path::PathBuf) -> ImportInfo {
    ImportInfo {
        source: source.to_path_buf(),
        export_schema_version: to_u32(header.schema_version),
        exported_at: header.exported_at,
        schema_version: to_u32(SCHEMA_VERSION),
        rows: header.rows,
        incidents: counts.incidents,
        people: counts.people,
        contributions: counts.contributions,
        previous,
    }
}

/// What the document said about itself, and the rows it brought per table.
struct Header {
    schema_version: i64,
    exported_at: String,
    rows: BTreeMap<String, u32>,
}

struct Built {
    scratch: Scratch,
    header: Header,
}

/// Builds the checked, upgraded database from the export at `source`, beside `live`.
fn build(source: &Path, live: &Path) -> Result<Built> {
    let file = std::fs::File::open(source).map_err(io(format!("Could not read the export {}", source.display())))?;
    let folder = folder_of(live);
    let scratch = Scratch::new_in(folder, ".afterword-import-")
        .map_err(io(format!("Could not write in the data folder {}", folder.display())))?;
    let mut conn = Connection::open_with_flags(
        scratch.path(),
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // A scratch file: nothing to protect until it is complete, checked and synced.
    conn.execute_batch("PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;")?;
    conn.set_prepared_statement_cache_capacity(64);

    let context = Context { source, failure: RefCell::new(None) };
    let mut reader = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let parsed = de::Deserializer::deserialize_map(&mut reader, Document { cx: &context, conn: &mut conn })
        .and_then(|header| reader.end().map(|()| header));
    let header = match (parsed, context.failure.into_inner()) {
        (_, Some(error)) => return Err(error),
        (Err(e), None) if e.is_io() => {
            return Err(Error::Io {
                context: format!("Could not read the export {}", source.display()),
                source: e.into(),
            })
        }
        (Err(e), None) => return Err(damaged("export", source, e)),
        (Ok(header), None) => header,
    };
    conn.execute_batch("COMMIT")?;
    finish(&mut conn, source)?;
    drop(conn);
    Ok(Built { scratch, header })
}

/// After the rows: references checked, the schema upgraded, the search index rebuilt.
fn finish(conn: &mut Connection, source: &Path) -> Result<()> {
    let dangling: Vec<(String, String)> = conn
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |r| Ok((r.get(0)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if let Some((table, parent)) = dangling.first() {
        return Err(damaged(
            "export",
            source,
            format!(
                "{} rows refer to rows it does not hold, the first in \"{table}\" (to \"{parent}\")",
                dangling.len()
            ),
        ));
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    migrations().to_latest(conn).map_err(|e| damaged("export", source, format!("it could not be upgraded: {e}")))?;
    // The triggers kept the index up to date row by row; rebuilding makes it exactly the
    // content's, whatever order the rows came in.
    conn.execute_batch("INSERT INTO people_search (people_search) VALUES ('rebuild')")?;
    integrity_check(conn).map_err(|problems| {
        damaged("export", source, format!("the imported data failed its integrity check: {problems}"))
    })?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

/// Shared by the visitors: our own error, kept while serde unwinds with a placeholder.
struct Context<'a> {
    source: &'a Path,
    failure: RefCell<Option<Error>>,
}

impl Context<'_> {
    fn fail<E: de::Error>(&self, error: Error) -> E {
        *self.failure.borrow_mut() = Some(error);
        E::custom("import stopped")
    }

    fn refuse<E: de::Error>(&self, detail: impl std::fmt::Display) -> E {
        self.fail(damaged("export", self.source, detail))
    }
}

/// The top level: `format` and `schema_version` must come before `tables` (an export writes
/// them first; so does any tool that sorts keys), because the schema is built from them before
/// any row arrives.
struct Document<'a> {
    cx: &'a Context<'a>,
    conn: &'a mut Connection,
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = Header;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an Afterword export (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Header, A::Error> {
        let (cx, conn) = (self.cx, self.conn);
        let (mut format_seen, mut version_seen, mut schema_version, mut exported_at) =
            (false, false, None, String::new());
        let mut rows = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let format: String = map.next_value()?;
                    if format != FORMAT {
                        return Err(cx.refuse(format!("its format is \"{format}\", not \"{FORMAT}\"")));
                    }
                    format_seen = true;
                }
                "version" => {
                    let version: u64 = map.next_value()?;
                    if version > FORMAT_VERSION {
                        return Err(cx.fail(Error::Backup {
                            code: "backup_newer",
                            message: format!(
                                "The export {} is in format version {version}, written by a newer version of Afterword \
                                 (this version reads version {FORMAT_VERSION}). The live database was left untouched: \
                                 update Afterword to import it.",
                                cx.source.display()
                            ),
                        }));
                    }
                    if version != FORMAT_VERSION {
                        return Err(cx.refuse(format!("its format version {version} is unknown")));
                    }
                    version_seen = true;
                }
                "schema_version" => {
                    let version: i64 = map.next_value()?;
                    if version > SCHEMA_VERSION {
                        return Err(cx.fail(newer("export", cx.source, version)));
                    }
                    if version < 1 {
                        return Err(cx.refuse(format!("its schema version {version} is not one Afterword wrote")));
                    }
                    schema_version = Some(version);
                }
                "exported_at" => exported_at = map.next_value()?,
                "tables" => {
                    // `version` may come later (a tool that sorts keys puts it last): nothing is
                    // swapped in before the end, so it is checked there.
                    let (true, Some(version)) = (format_seen, schema_version) else {
                        return Err(cx.refuse("\"format\" and \"schema_version\" must come before \"tables\""));
                    };
                    if rows.is_some() {
                        return Err(cx.refuse("it has \"tables\" twice"));
                    }
                    let known = prepare(conn, version).map_err(|e| cx.fail(e))?;
                    rows = Some(map.next_value_seed(Tables { cx, conn: &*conn, known, version })?);
                }
                // Keys a later format version might add are for that version to read.
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (rows, schema_version, version_seen) {
            (_, _, false) => Err(cx.refuse("it has no \"version\"")),
            (Some(rows), Some(schema_version), true) => Ok(Header { schema_version, exported_at, rows }),
            _ => Err(cx.refuse("it has no \"tables\"")),
        }
    }
}

/// The empty schema at `version`, a transaction open, foreign keys checked at the end instead
/// of row by row (tables come in name order, and people refer to people). Returns the data
/// tables and their columns.
fn prepare(conn: &mut Connection, version: i64) -> Result<BTreeMap<String, Vec<String>>> {
    migrations().to_version(conn, version as usize).map_err(|e| {
        super::failed(format!("Could not build schema {version} to import into ({e}); nothing was changed."))
    })?;
    conn.execute_batch("PRAGMA foreign_keys = OFF; BEGIN")?;
    let tables = data_tables(conn)?;
    for table in &tables {
        // Whatever a migration may have seeded: the export is the whole dataset.
        conn.execute(&format!("DELETE FROM {}", quoted(&table.name)), [])?;
    }
    Ok(tables.into_iter().map(|t| (t.name, t.columns)).collect())
}

/// `"tables"`: each table's rows, every table of the schema exactly once.
struct Tables<'a> {
    cx: &'a Context<'a>,
    conn: &'a Connection,
    known: BTreeMap<String, Vec<String>>,
    version: i64,
}

impl<'de> DeserializeSeed<'de> for Tables<'_> {
    type Value = BTreeMap<String, u32>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Tables<'_> {
    type Value = BTreeMap<String, u32>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object of tables")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let cx = self.cx;
        let mut rows = BTreeMap::new();
        while let Some(name) = map.next_key::<String>()? {
            let Some(columns) = self.known.get(&name) else {
                return Err(cx.refuse(format!(
                    "it has a table \"{name}\" that schema {} does not have (from a newer Afterword, or edited)",
                    self.version
                )));
            };
            if rows.contains_key(&name) {
                return Err(cx.refuse(format!("the table \"{name}\" appears twice")));
            }
            let n = map.next_value_seed(Rows { cx, conn: self.conn, table: &name, columns })?;
            rows.insert(name, n);
        }
        if let Some(missing) = self.known.keys().find(|t| !rows.contains_key(*t)) {
            return Err(cx.refuse(format!("it has no \"{missing}\" table, which schema {} has", self.version)));
        }
        Ok(rows)
    }
}

/// One table's rows, inserted as they arrive.
struct Rows<'a> {
    cx: &'a Context<'a>,
    conn: &'a Connection,
    table: &'a str,
    columns: &'a [String],
}

impl<'de> DeserializeSeed<'de> for Rows<'_> {
    type Value = u32;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<u32, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_> {
    type Value = u32;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of rows")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<u32, S::Error> {
        let mut n = 0u32;
        let mut statement = Statement::default();
        while let Some(row) = seq.next_element::<serde_json::Map<String, Value>>()? {
            n += 1;
            statement
                .insert(self.conn, self.table, self.columns, row)
                .map_err(|detail| self.cx.refuse(format!("row {n} of \"{}\" {detail}", self.table)))?;
        }
        Ok(n)
    }
}

/// The INSERT for the last key set seen: rows of one table normally share their keys, so the
/// SQL is built once per table, not once per row.
#[derive(Default)]
struct Statement {
    keys: Vec<String>,
    sql: String,
}

impl Statement {
    /// Inserts one row by its keys, each of which must be a column of the table.
    fn insert(
        &mut self,
        conn: &Connection,
        table: &str,
        columns: &[String],
        row: serde_json::Map<String, Value>,
    ) -> Result<(), String> {
        let same_keys = self.keys.len() == row.len() && self.keys.iter().zip(row.keys()).all(|(a, b)| a == b);
        if !same_keys || self.sql.is_empty() {
            if let Some(column) = row.keys().find(|k| !columns.contains(k)) {
                return Err(format!("has a column \"{column}\" that the table does not have"));
            }
            self.keys = row.keys().cloned().collect();
            let names = self.keys.iter().map(|k| quoted(k)).collect::<Vec<_>>();
            self.sql = if names.is_empty() {
                format!("INSERT INTO {} DEFAULT VALUES", quoted(table))
            } else {
                let slots = (1..=names.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(",");
                format!("INSERT INTO {} ({}) VALUES ({slots})", quoted(table), names.join(","))
            };
        }
        let mut values = Vec::with_capacity(row.len());
        for (column, value) in row {
            values.push(sql_value(value).map_err(|problem| format!("has {problem} in \"{column}\""))?);
        }
        let mut stmt = conn.prepare_cached(&self.sql).map_err(|e| format!("could not be added ({e})"))?;
        stmt.execute(rusqlite::params_from_iter(values)).map_err(|e| format!("could not be added ({e})"))?;
        Ok(())
    }
}

/// A JSON value as the SQLite value the export wrote it from.
fn sql_value(value: Value) -> Result<SqlValue, String> {
    Ok(match value {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(b)),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => SqlValue::Integer(i),
            (None, Some(f)) if n.is_f64() => SqlValue::Real(f),
            _ => return Err(format!("the number {n}, too large for SQLite")),
        },
        Value::String(s) => SqlValue::Text(s),
        Value::Object(object) => match (object.len(), object.get(BLOB_KEY)) {
            (1, Some(Value::String(encoded))) => SqlValue::Blob(
                base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .map_err(|e| format!("a {BLOB_KEY} that is not base64 ({e})"))?,
            ),
            _ => return Err(format!("an object that is not {{\"{BLOB_KEY}\": \"…\"}}")),
        },
        Value::Array(_) => return Err("a list".into()),
    })
}
