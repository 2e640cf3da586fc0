//! Backups, restores, automatic copies before migrations and the whole-dataset JSON round trip,
//! over real database files in temp directories. Every refusal is checked against the live
//! file's bytes: a refused restore or import must leave it exactly as it was.

use afterword_core::backup::{self, KEEP_AUTOMATIC};
use afterword_core::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

// ---- fixtures

struct Fixture {
    dir: tempfile::TempDir,
    store: Store,
}

impl Fixture {
    fn live(&self) -> PathBuf {
        self.dir.path().join(DATABASE_FILE)
    }
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap().with_actor("tester");
    Fixture { dir, store }
}

/// The example, a generated dataset, settings, an outcome, messages queued with their bytes
/// (BLOBs), a deleted person: a little of every table.
fn populated() -> Fixture {
    let f = fixture();
    let s = &f.store;
    s.update_sender(&Settings {
        sender_name: "Sam Analyst".into(),
        sender_email: "sam@example.com".into(),
        organisation: "Example Corp".into(),
        signature: "Sam, security team".into(),
    })
    .unwrap();
    s.generate(GenerateSpec { incidents: 30, people: 400, contributions: 1_500, crowded: 50, seed: 7 }).unwrap();
    let example = s.load_example().unwrap();
    s.add_outcome_section(
        &example.reference,
        &compose::outcome::OutcomeSectionInput {
            heading: "What happened".into(),
            body: "Nobody entered a password.".into(),
            tlp: Some(Tlp::Green),
            readers: vec![],
        },
    )
    .unwrap();
    s.generate_messages(&example.reference).unwrap();
    s.approve_all_messages(&example.reference, true).unwrap();
    s.queue_incident(&example.reference).unwrap();
    let gone = s
        .create_person(&PersonInput {
            name: "Gone Soon".into(),
            email: "gone@example.org".into(),
            ..Default::default()
        })
        .unwrap();
    s.delete_person(&gone.id, true).unwrap();
    f
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn open_raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

fn integrity(conn: &rusqlite::Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

fn user_version(path: &Path) -> i64 {
    open_raw(path).pragma_query_value(None, "user_version", |r| r.get(0)).unwrap()
}

/// The bytes of a database file and its WAL: what "untouched" is checked against.
fn bytes_of(path: &Path) -> (Vec<u8>, Vec<u8>) {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    (std::fs::read(path).unwrap(), std::fs::read(PathBuf::from(wal)).unwrap_or_default())
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().into_string().unwrap()).collect(),
        Err(_) => vec![],
    };
    names.sort();
    names
}

fn export_json(store: &Store, path: &Path) -> Value {
    store.export_all(path).unwrap();
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A database as an older Afterword left it: schema `version`, one incident.
fn older_database(path: &Path, version: usize) {
    let mut conn = open_raw(path);
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    store::migrate_to(&mut conn, version).unwrap();
    conn.execute(
        "INSERT INTO incidents (id, reference, title, kind, severity, status, tlp, opened_on, created_at, updated_at)
         VALUES ('01OLD', 'INC-OLD-1', 'From before', 'other', 'low', 'open', 'clear', '2025-01-01', 'x', 'x')",
        [],
    )
    .unwrap();
}

// ---- backup while writing, restore, compare

#[test]
fn a_backup_taken_while_another_connection_writes_is_a_consistent_snapshot_that_restores_whole() {
    let mut f = populated();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (path, stop) = (f.live(), stop.clone());
        std::thread::spawn(move || {
            // The app's second connection (the sender's, say), creating people with their audit lines.
            let store = Store::open(&path).unwrap().with_actor("writer");
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                store
                    .create_person(&PersonInput {
                        name: format!("Writer {n}"),
                        email: format!("w{n}@writer.example"),
                        ..Default::default()
                    })
                    .unwrap();
                n += 1;
            }
            store
        })
    };
    let writer_people = "SELECT count(*) FROM people WHERE email LIKE '%@writer.example'";
    let writer_lines =
        "SELECT count(*) FROM audit_log WHERE actor = 'writer' AND entity = 'person' AND action = 'create'";
    // Wait for the writer to get going, then back up three times while it writes.
    while count(f.store.connection(), writer_people) < 20 {
        std::thread::yield_now();
    }
    let mut last = None;
    for round in 0..3 {
        let dest = f.dir.path().join(format!("copy-{round}.db"));
        let info = f.store.backup_to(&dest).unwrap();
        assert_eq!(info.schema_version as i64, SCHEMA_VERSION);
        assert!(info.bytes > 100_000, "{info:?}");
        let copy = open_raw(&dest);
        assert_eq!(integrity(&copy), "ok");
        // A person and the audit line of their creation land in one transaction: a consistent
        // snapshot holds both or neither, for every person.
        let (people, lines) = (count(&copy, writer_people), count(&copy, writer_lines));
        assert_eq!(people, lines, "round {round}");
        assert_eq!(info.people as i64, count(&copy, "SELECT count(*) FROM people WHERE deleted_at IS NULL"));
        let mode: String = copy.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete", "a backup is one self-contained file");
        last = Some((dest, people));
    }
    let (backup_file, people_in_backup) = last.unwrap();
    while count(f.store.connection(), writer_people) <= people_in_backup {
        std::thread::yield_now();
    }
    stop.store(true, Ordering::Relaxed);
    let writer_store = writer.join().unwrap();
    let people_before_restore = count(f.store.connection(), writer_people);
    assert!(people_before_restore > people_in_backup, "the writer wrote during the backups");

    let restored = f.store.restore_from(&backup_file).unwrap();
    assert_eq!(restored.backup_schema_version as i64, SCHEMA_VERSION);
    assert_eq!(count(f.store.connection(), writer_people), people_in_backup);
    // The other connection, open the whole time, sees the restored data: no file was swapped
    // under it.
    assert_eq!(count(writer_store.connection(), writer_people), people_in_backup);
    // The database as it was before is kept, checked, in backups/.
    assert!(restored.previous.starts_with(backup::backups_dir(&f.live())), "{restored:?}");
    assert_eq!(count(&open_raw(&restored.previous), writer_people), people_before_restore);

    // Everything matches the backup, table by table, but for the restore's own audit line.
    let scratch = tempfile::tempdir().unwrap();
    let from_backup = {
        let copy = scratch.path().join("backup-as-store.db");
        std::fs::copy(&backup_file, &copy).unwrap();
        export_json(&Store::open(&copy).unwrap(), &scratch.path().join("a.json"))
    };
    let mut live = export_json(&f.store, &scratch.path().join("b.json"));
    let line = live["tables"]["audit_log"].as_array_mut().unwrap().pop().unwrap();
    assert_eq!((line["entity"].as_str(), line["action"].as_str()), (Some("dataset"), Some("restore")));
    assert_eq!(from_backup["tables"], live["tables"]);
}

// ---- refusals

#[test]
fn damaged_newer_and_foreign_backups_are_refused_and_the_live_database_is_untouched() {
    let mut f = populated();
    let scratch = tempfile::tempdir().unwrap();
    let good = scratch.path().join("good.db");
    f.store.backup_to(&good).unwrap();
    let good_bytes = std::fs::read(&good).unwrap();

    let random = scratch.path().join("random.db");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect();
    std::fs::write(&random, noise).unwrap();
    let truncated = scratch.path().join("truncated.db");
    std::fs::write(&truncated, &good_bytes[..good_bytes.len() / 2]).unwrap();
    let flipped = scratch.path().join("flipped.db");
    let mut bytes = good_bytes.clone();
    for b in &mut bytes[good_bytes.len() / 2..good_bytes.len() / 2 + 4096] {
        *b ^= 0x5a;
    }
    std::fs::write(&flipped, bytes).unwrap();
    let newer = scratch.path().join("newer.db");
    std::fs::write(&newer, &good_bytes).unwrap();
    open_raw(&newer).pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    let foreign = scratch.path().join("foreign.db");
    open_raw(&foreign).execute_batch("CREATE TABLE recipes (name TEXT); PRAGMA user_version = 2;").unwrap();
    let export = scratch.path().join("export.json");
    f.store.export_all(&export).unwrap();
    let empty = scratch.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();

    let live_before = bytes_of(&f.live());
    let counts_before = f.store.overview().unwrap();
    let folder_before = files_in(f.dir.path());
    let cases = [
        (&random, "backup_damaged", "not an Afterword backup or is damaged"),
        (&truncated, "backup_damaged", "damaged"),
        (&flipped, "backup_damaged", "damaged"),
        (&newer, "backup_newer", "newer version of Afterword"),
        (&foreign, "backup_damaged", "without Afterword's tables"),
        (&empty, "backup_damaged", "without Afterword's tables"),
        (&export, "backup_damaged", "is loaded with import-all"),
    ];
    for (source, code, words) in cases {
        let err = f.store.restore_from(source).unwrap_err();
        let message = err.to_string();
        assert_eq!(err.code(), code, "{}: {message}", source.display());
        assert!(message.contains(words), "{message}");
        assert!(message.contains(&source.display().to_string()), "names the backup: {message}");
        assert!(message.contains("live database was left untouched"), "{message}");
        assert_eq!(bytes_of(&f.live()), live_before, "{}: the live database must not change", source.display());
        assert_eq!(f.store.overview().unwrap(), counts_before);
        assert_eq!(files_in(f.dir.path()), folder_before, "no copy left behind, no safety copy taken");
    }
    let err = f.store.restore_from(&f.live()).unwrap_err();
    assert!(err.to_string().contains("is the live database itself"), "{err}");
    let err = f.store.restore_from(&scratch.path().join("missing.db")).unwrap_err();
    assert_eq!(err.code(), "io");
    assert_eq!(bytes_of(&f.live()), live_before);
    // The good one still restores after all that.
    f.store.restore_from(&good).unwrap();
}

#[test]
fn backing_up_onto_the_live_file_or_a_folder_is_refused() {
    let f = populated();
    let before = bytes_of(&f.live());
    for dest in [f.live(), f.dir.path().join(".").join(DATABASE_FILE)] {
        let err = f.store.backup_to(&dest).unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert!(err.to_string().contains("is the live database itself"), "{err}");
    }
    let err = f.store.backup_to(f.dir.path()).unwrap_err();
    assert!(err.to_string().contains("is a folder"), "{err}");
    let err = f.store.backup_to(&f.dir.path().join("no-such-folder").join("x.db")).unwrap_err();
    assert_eq!(err.code(), "backup_failed");
    assert!(err.to_string().contains("no-such-folder"), "{err}");
    assert_eq!(bytes_of(&f.live()), before);
}

#[test]
fn a_live_database_that_cannot_be_opened_is_moved_aside_and_replaced_by_a_checked_backup() {
    let source = populated();
    let scratch = tempfile::tempdir().unwrap();
    let good = scratch.path().join("good.db");
    let made = source.store.backup_to(&good).unwrap();
    let garbage = b"not a database at all\n".repeat(500);

    for (why, live_content) in [("damaged", None), ("newer", Some(()))] {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join(DATABASE_FILE);
        match live_content {
            None => std::fs::write(&live, &garbage).unwrap(),
            Some(()) => open_raw(&live).execute_batch("CREATE TABLE future (x); PRAGMA user_version = 1000;").unwrap(),
        }
        let before = std::fs::read(&live).unwrap();
        // A damaged backup over a damaged live file: refused, nothing moved.
        let err = backup::restore_in(dir.path(), &scratch.path().join("missing.db")).unwrap_err();
        assert_eq!(err.code(), "io", "{err}");
        assert_eq!(std::fs::read(&live).unwrap(), before);

        let info = backup::restore_in(dir.path(), &good).unwrap();
        let aside = info.previous.file_name().unwrap().to_str().unwrap().to_string();
        assert!(aside.starts_with(&format!("afterword.db.{why}-")), "{aside}");
        assert_eq!(std::fs::read(&info.previous).unwrap(), before, "the old file is kept as it was");
        assert_eq!((info.people, info.incidents), (made.people, made.incidents));
        let store = Store::open_in(dir.path()).unwrap();
        assert_eq!(store.overview().unwrap().people, made.people);
        assert_eq!(integrity(store.connection()), "ok");
        let last: String = store
            .connection()
            .query_row("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(last, "restore");
    }
}

// ---- automatic backups before migrations

#[test]
fn an_older_database_is_backed_up_before_it_is_upgraded_and_the_last_few_copies_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join(DATABASE_FILE);
    older_database(&live, 2);
    let backups = backup::backups_dir(&live);
    std::fs::create_dir_all(&backups).unwrap();
    for n in 0..KEEP_AUTOMATIC + 1 {
        std::fs::write(backups.join(format!("afterword-before-v2-2020010{n}T000000Z.db")), b"old").unwrap();
    }
    std::fs::write(backups.join("my-notes.db"), b"mine").unwrap();

    let store = Store::open(&live).unwrap();
    assert_eq!(user_version(&live), SCHEMA_VERSION);
    assert_eq!(store.incident("INC-OLD-1").unwrap().title, "From before");

    let names = files_in(&backups);
    let copies: Vec<&String> = names.iter().filter(|n| n.starts_with("afterword-before-v")).collect();
    assert_eq!(copies.len(), KEEP_AUTOMATIC, "{names:?}");
    assert!(names.contains(&"my-notes.db".to_string()), "other files are never touched");
    let ours = copies.iter().find(|n| n.starts_with(&format!("afterword-before-v{SCHEMA_VERSION}-"))).expect("ours");
    let copy = backups.join(ours);
    assert_eq!(user_version(&copy), 2, "the copy is the file as it was");
    let conn = open_raw(&copy);
    assert_eq!(integrity(&conn), "ok");
    assert_eq!(count(&conn, "SELECT count(*) FROM incidents WHERE reference = 'INC-OLD-1'"), 1);
    // The oldest went: six old ones plus ours, five kept.
    assert!(!names.contains(&"afterword-before-v2-20200100T000000Z.db".to_string()));
    assert!(!names.contains(&"afterword-before-v2-20200101T000000Z.db".to_string()));
    drop(store);
    // Opening an up-to-date database makes no copy.
    Store::open(&live).unwrap();
    assert_eq!(files_in(&backups), names);
    // And a copy before v4 restores: it is upgraded on the way in.
    let mut fresh = fixture();
    let info = fresh.store.restore_from(&copy).unwrap();
    assert_eq!(info.backup_schema_version, 2);
    assert_eq!(fresh.store.incident("INC-OLD-1").unwrap().title, "From before");
}

#[test]
fn a_copy_that_cannot_be_made_stops_the_upgrade_and_leaves_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join(DATABASE_FILE);
    older_database(&live, 2);
    // A file where the backups folder should be: the copy cannot be written.
    std::fs::write(dir.path().join("backups"), b"in the way").unwrap();
    let before = bytes_of(&live);
    let err = Store::open(&live).err().expect("must refuse");
    assert_eq!(err.code(), "backup_failed");
    let message = err.to_string();
    assert!(message.contains("did not upgrade it") && message.contains(&live.display().to_string()), "{message}");
    assert_eq!(bytes_of(&live), before);
    assert_eq!(user_version(&live), 2);
}

// ---- whole-dataset export and import

#[test]
fn export_then_import_into_a_fresh_folder_loses_nothing() {
    let f = populated();
    let scratch = tempfile::tempdir().unwrap();
    let first = scratch.path().join("first.json");
    let exported = f.store.export_all(&first).unwrap();
    let a: Value = serde_json::from_slice(&std::fs::read(&first).unwrap()).unwrap();
    assert_eq!((a["format"].as_str(), a["version"].as_u64()), (Some("afterword-export"), Some(1)));
    assert_eq!(a["schema_version"], SCHEMA_VERSION);

    // Every table of the schema but SQLite's and the search index's is there.
    let tables: Vec<String> = a["tables"].as_object().unwrap().keys().cloned().collect();
    for table in [
        "audit_log",
        "contributions",
        "incidents",
        "messages",
        "outbox",
        "outbox_eml",
        "outcome_section_readers",
        "outcome_sections",
        "people",
        "settings",
        "templates",
    ] {
        assert!(tables.contains(&table.to_string()), "{table} missing from {tables:?}");
    }
    assert!(!tables.iter().any(|t| t.starts_with("people_search") || t.starts_with("sqlite_")), "{tables:?}");
    let schema_tables = count(
        f.store.connection(),
        "SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite%'",
    );
    assert_eq!(tables.len() as i64, schema_tables);
    // Soft-deleted rows and BLOBs come along.
    assert!(a["tables"]["people"].as_array().unwrap().iter().any(|p| p["email"] == "gone@example.org"));
    let eml = &a["tables"]["outbox_eml"][0]["eml"]["$blob"];
    assert!(eml.as_str().is_some_and(|b| b.len() > 100), "{eml}");
    assert!(exported.rows["outbox_eml"] >= 3 && exported.rows["people"] > 400, "{:?}", exported.rows);

    let target = tempfile::tempdir().unwrap();
    let imported = backup::import_all_in(target.path(), &first, false).unwrap();
    assert_eq!(imported.rows, exported.rows);
    assert_eq!(
        (imported.incidents, imported.people, imported.contributions),
        (exported.incidents, exported.people, exported.contributions)
    );
    let there = Store::open_in(target.path()).unwrap();
    let mut b = export_json(&there, &scratch.path().join("second.json"));
    let line = b["tables"]["audit_log"].as_array_mut().unwrap().pop().unwrap();
    assert_eq!((line["entity"].as_str(), line["action"].as_str()), (Some("dataset"), Some("import_all")));
    assert_eq!(a["tables"], b["tables"], "the second export equals the first, but for the import's audit line");
    assert_eq!(there.overview().unwrap(), f.store.overview().unwrap());
    assert_eq!(there.settings().unwrap(), f.store.settings().unwrap());
    // The search index was rebuilt for the imported people.
    let found = there.search_people("whitfield", None).unwrap();
    assert!(found.iter().any(|p| p.email == "jane.whitfield@example.com"), "{found:?}");
    assert_eq!(integrity(there.connection()), "ok");
}

#[test]
fn import_refuses_to_mix_datasets_unless_replacing_and_then_keeps_a_copy() {
    let source = populated();
    let scratch = tempfile::tempdir().unwrap();
    let doc = scratch.path().join("all.json");
    source.store.export_all(&doc).unwrap();

    let mut f = fixture();
    f.store
        .create_person(&PersonInput {
            name: "Already Here".into(),
            email: "here@corp.example".into(),
            ..Default::default()
        })
        .unwrap();
    let before = bytes_of(&f.live());
    let err = f.store.import_all(&doc, false).unwrap_err();
    assert_eq!(err.code(), "needs_confirmation");
    let message = err.to_string();
    assert!(message.contains("would mix two datasets") && message.contains("--replace"), "{message}");
    assert_eq!(bytes_of(&f.live()), before);

    let info = f.store.import_all(&doc, true).unwrap();
    assert!(info.previous.file_name().unwrap().to_str().unwrap().starts_with("afterword-before-import-"));
    assert_eq!(count(&open_raw(&info.previous), "SELECT count(*) FROM people WHERE email = 'here@corp.example'"), 1);
    assert!(f.store.person_by_email("here@corp.example").unwrap().is_none(), "replaced, not mixed");
    assert_eq!(f.store.overview().unwrap(), source.store.overview().unwrap());
}

#[test]
fn a_bad_export_is_refused_with_its_reason_and_the_live_database_is_untouched() {
    let source = populated();
    let scratch = tempfile::tempdir().unwrap();
    let doc_path = scratch.path().join("all.json");
    let doc = export_json(&source.store, &doc_path);
    let text = std::fs::read_to_string(&doc_path).unwrap();

    let edited = |change: &dyn Fn(&mut Value)| {
        let mut d = doc.clone();
        change(&mut d);
        serde_json::to_string(&d).unwrap()
    };
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("format", edited(&|d| d["format"] = "something-else".into()), "backup_damaged", "not \"afterword-export\""),
        ("version", edited(&|d| d["version"] = 2.into()), "backup_newer", "format version 2"),
        ("schema", edited(&|d| d["schema_version"] = 99.into()), "backup_newer", "schema 99"),
        ("table", edited(&|d| d["tables"]["wishes"] = serde_json::json!([])), "backup_damaged", "a table \"wishes\""),
        (
            "column",
            edited(&|d| d["tables"]["people"][0]["shoe_size"] = 44.into()),
            "backup_damaged",
            "a column \"shoe_size\"",
        ),
        (
            "missing",
            edited(&|d| {
                d["tables"].as_object_mut().unwrap().remove("settings");
            }),
            "backup_damaged",
            "no \"settings\" table",
        ),
        (
            "dangling",
            edited(&|d| d["tables"]["contributions"][0]["person_id"] = "01NOBODY".into()),
            "backup_damaged",
            "refer to rows it does not hold",
        ),
        (
            "blob",
            edited(&|d| d["tables"]["outbox_eml"][0]["eml"] = serde_json::json!({"$blob": "%%%"})),
            "backup_damaged",
            "not base64",
        ),
        ("truncated", text[..text.len() / 2].to_string(), "backup_damaged", "EOF"),
        ("not json", "hello".into(), "backup_damaged", "expected"),
    ];
    let mut f = fixture();
    f.store.load_example().unwrap();
    let before = bytes_of(&f.live());
    let folder_before = files_in(f.dir.path());
    for (name, content, code, words) in cases {
        let path = scratch.path().join(format!("{name}.json"));
        std::fs::write(&path, content).unwrap();
        let err = f.store.import_all(&path, true).unwrap_err();
        let message = err.to_string();
        assert_eq!(err.code(), code, "{name}: {message}");
        assert!(message.contains(words), "{name}: {message}");
        assert!(message.contains(&path.display().to_string()) && message.contains("left untouched"), "{message}");
        assert_eq!(bytes_of(&f.live()), before, "{name}");
        assert_eq!(files_in(f.dir.path()), folder_before, "{name}: nothing left behind");
    }
}

#[test]
fn export_refuses_the_live_file_and_leaves_no_partial_file() {
    let f = populated();
    let err = f.store.export_all(&f.live()).unwrap_err();
    assert!(err.to_string().contains("is the live database itself"), "{err}");
    // A value JSON cannot carry unchanged stops the export; an earlier export stays as it was.
    let scratch = tempfile::tempdir().unwrap();
    let dest = scratch.path().join("all.json");
    std::fs::write(&dest, b"earlier").unwrap();
    // (An INTEGER column keeps a REAL it cannot convert; a TEXT column would turn it into "Inf".)
    f.store.connection().execute("UPDATE outbox SET attempts = 1e999", []).unwrap();
    let err = f.store.export_all(&dest).unwrap_err();
    assert_eq!(err.code(), "backup_failed");
    assert!(err.to_string().contains("outbox.attempts holds an infinite number"), "{err}");
    assert_eq!(std::fs::read(&dest).unwrap(), b"earlier");
    assert_eq!(files_in(scratch.path()), ["all.json"]);
}
