//! Integration tests of the core over real database files in temp directories. One binary,
//! with the small fixture helpers below (ripgrep style).

use afterword_core::*;
use std::path::Path;

// ---- fixtures

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap().with_actor("tester");
    Fixture { _dir: dir, store }
}

fn incident(store: &Store, title: &str) -> Incident {
    store.create_incident(&IncidentInput { title: title.into(), ..Default::default() }).unwrap()
}

fn person(store: &Store, name: &str, email: &str) -> Person {
    store.create_person(&PersonInput { name: name.into(), email: email.into(), ..Default::default() }).unwrap()
}

fn contribute(store: &Store, incident: &Incident, person: &Person, what: &str) -> Contribution {
    store
        .add_contribution(&ContributionInput {
            incident_id: incident.id.clone(),
            person_id: person.id.clone(),
            what: what.into(),
            ..Default::default()
        })
        .unwrap()
}

fn row_count(store: &Store, table: &str) -> i64 {
    store.connection().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn user_version(path: &Path) -> i64 {
    rusqlite::Connection::open(path).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap()
}

// ---- opening and migrations

#[test]
fn new_database_is_migrated_to_the_latest_schema_with_wal_and_foreign_keys() {
    let f = fixture();
    let conn = f.store.connection();
    assert_eq!(user_version(f.store.path()), SCHEMA_VERSION);
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    for table in ["incidents", "people", "contributions", "audit_log"] {
        assert_eq!(row_count(&f.store, table), 0, "{table}");
    }
}

#[test]
fn each_migration_step_applies_on_its_own_and_reopening_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    for step in 1..=SCHEMA_VERSION as usize {
        store::migrate_to(&mut conn, step).unwrap();
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, step as i64);
    }
    drop(conn);
    // Opening an up-to-date database twice changes nothing.
    drop(Store::open(&path).unwrap());
    let store = Store::open(&path).unwrap();
    assert_eq!(user_version(store.path()), SCHEMA_VERSION);
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open_in(dir.path()).err().expect("must refuse");
    assert_eq!(err.code(), "newer_schema");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("schema 99") && message.contains("update Afterword"), "{message}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "file must not change");
    assert!(!dir.path().join(format!("{DATABASE_FILE}-wal")).exists());
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    let garbage: Vec<u8> = b"These are my notes, not a database.\n".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open_in(dir.path()).err().expect("must refuse");
    assert_eq!(err.code(), "damaged_database");
    assert!(err.to_string().contains(&path.display().to_string()));
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn a_damaged_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    {
        let store = Store::open(&path).unwrap();
        incident(&store, "Something to lose");
        store.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;").unwrap();
    }
    // Overwrite the header's magic string: SQLite no longer recognises the file.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..16].copy_from_slice(b"corrupted header");
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).err().expect("must refuse");
    assert_eq!(err.code(), "damaged_database");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

// ---- incidents

#[test]
fn incidents_get_sequential_references_and_can_be_filtered() {
    let f = fixture();
    let a = incident(&f.store, "Phishing wave");
    let b = incident(&f.store, "VPN brute force");
    let year = &a.opened_on[..4];
    assert_eq!(a.reference, format!("INC-{year}-0001"));
    assert_eq!(b.reference, format!("INC-{year}-0002"));
    f.store.set_incident_status(&b.id, Status::Closed, false).unwrap();
    let phishing = f.store.list_incidents(&IncidentFilter { text: "phish".into(), ..Default::default() }).unwrap();
    assert_eq!(phishing.incidents.iter().map(|i| &i.id).collect::<Vec<_>>(), vec![&a.id]);
    let closed =
        f.store.list_incidents(&IncidentFilter { statuses: vec![Status::Closed], ..Default::default() }).unwrap();
    assert_eq!((closed.total, closed.incidents[0].id.as_str()), (1, b.id.as_str()));
    assert!(closed.incidents[0].closed_on.is_some());
    let reopened = f.store.set_incident_status(&b.id, Status::Investigating, false).unwrap();
    assert_eq!(reopened.closed_on, None);
    // The text filter treats % and _ literally.
    assert_eq!(f.store.list_incidents(&IncidentFilter { text: "%".into(), ..Default::default() }).unwrap().total, 0);
    let audit = f.store.history("incident", &b.id).unwrap();
    assert_eq!(audit.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["create", "status", "status"]);
    assert_eq!(audit[0].actor, "tester");
}

#[test]
fn incident_validation_names_the_field_and_saves_nothing() {
    let f = fixture();
    let cases = [
        (IncidentInput { title: "".into(), ..Default::default() }, "title", "required"),
        (IncidentInput { title: "x".repeat(301), ..Default::default() }, "title", "limit is 300"),
        (IncidentInput { title: "Two\nlines".into(), ..Default::default() }, "title", "one line"),
        (IncidentInput { title: "ok".into(), reference: "INC 1".into(), ..Default::default() }, "reference", "' '"),
        (
            IncidentInput { title: "ok".into(), opened_on: "yesterday".into(), ..Default::default() },
            "opened_on",
            "YYYY-MM-DD",
        ),
    ];
    for (input, field, words) in cases {
        let err = f.store.create_incident(&input).unwrap_err();
        assert_eq!(err.field(), Some(field), "{input:?}");
        assert!(err.to_string().contains(words), "{err}");
    }
    assert_eq!(row_count(&f.store, "incidents"), 0);
    assert_eq!(row_count(&f.store, "audit_log"), 0);
    let first = f
        .store
        .create_incident(&IncidentInput { title: "A".into(), reference: "IR-7".into(), ..Default::default() })
        .unwrap();
    let clash =
        f.store.create_incident(&IncidentInput { title: "B".into(), reference: "ir-7".into(), ..Default::default() });
    assert_eq!(clash.unwrap_err().code(), "conflict");
    assert_eq!(f.store.incident("ir-7").unwrap().id, first.id);
}

#[test]
fn deleting_an_incident_with_contributions_asks_first_and_can_be_undone() {
    let f = fixture();
    let inc = incident(&f.store, "Case");
    let jane = person(&f.store, "Jane", "jane@corp.com");
    contribute(&f.store, &inc, &jane, "proxy logs");
    let ask = f.store.delete_incident(&inc.id, false).unwrap_err();
    assert_eq!(ask.code(), "needs_confirmation");
    assert!(ask.to_string().contains("1 contribution from 1 person"), "{ask}");
    assert!(f.store.incident(&inc.id).is_ok(), "nothing deleted before confirmation");
    let deleted = f.store.delete_incident(&inc.id, true).unwrap();
    assert_eq!(deleted.contributions_hidden, 1);
    assert_eq!(f.store.incident(&inc.id).unwrap_err().code(), "not_found");
    assert_eq!(f.store.person(&jane.id).unwrap().contribution_count, 0, "hidden with the incident");
    assert_eq!(row_count(&f.store, "contributions"), 1, "nothing cascades");
    assert_eq!(f.store.overview().unwrap().contributions, 0, "hidden contributions are not counted");
    let restored = f.store.restore_incident(&inc.id).unwrap();
    assert_eq!(restored.contribution_count, 1);
    // An empty incident deletes without asking.
    let empty = incident(&f.store, "Empty");
    assert!(f.store.delete_incident(&empty.id, false).is_ok());
}

// ---- people

#[test]
fn emails_are_unique_ignoring_case_and_idn_domains_are_converted() {
    let f = fixture();
    let jane = person(&f.store, "Jane", "Jane@Corp.com");
    let err = f
        .store
        .create_person(&PersonInput { name: "Other".into(), email: "JANE@corp.COM".into(), ..Default::default() })
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("conflict", Some("email")));
    assert!(err.to_string().contains("already belongs to Jane"));
    assert_eq!(f.store.person_by_email("jane@CORP.com").unwrap().unwrap().id, jane.id);
    let anna = person(&f.store, "Anna", "anna@bücher.de");
    assert_eq!(anna.email, "anna@xn--bcher-kva.de");
    assert_eq!(f.store.person_by_email("ANNA@bücher.de").unwrap().unwrap().id, anna.id);
}

#[test]
fn bad_people_input_gets_specific_errors_and_nothing_is_half_saved() {
    let f = fixture();
    let long_local = format!("{}@corp.com", "a".repeat(300));
    let cases: Vec<(PersonInput, &str, &str)> = vec![
        (PersonInput { name: "".into(), email: "a@b.org".into(), ..Default::default() }, "name", "required"),
        (PersonInput { name: "x".repeat(201), email: "a@b.org".into(), ..Default::default() }, "name", "limit is 200"),
        (
            PersonInput { name: "Jane\r\nBcc: all@corp.com".into(), email: "a@b.org".into(), ..Default::default() },
            "name",
            "line break",
        ),
        (PersonInput { name: "Jane".into(), email: "jane@".into(), ..Default::default() }, "email", "nothing after"),
        (PersonInput { name: "Jane".into(), email: "a@b@c".into(), ..Default::default() }, "email", "more than one"),
        (PersonInput { name: "Jane".into(), email: long_local, ..Default::default() }, "email", "at most 64"),
        (
            PersonInput { name: "Jane".into(), email: "a@b.org".into(), team: "t".repeat(201), ..Default::default() },
            "team",
            "limit is 200",
        ),
    ];
    for (input, field, words) in cases {
        let err = f.store.create_person(&input).unwrap_err();
        assert_eq!((err.code(), err.field()), ("invalid", Some(field)), "{input:?}");
        assert!(err.to_string().contains(words), "{err}");
    }
    assert_eq!(row_count(&f.store, "people"), 0);
    // A failed edit leaves the saved person as it was.
    let jane = person(&f.store, "Jane", "jane@corp.com");
    let bad = PersonInput { name: "Jane".into(), email: "jane@".into(), ..Default::default() };
    assert!(f.store.update_person(&jane.id, &bad).is_err());
    assert_eq!(f.store.person(&jane.id).unwrap(), jane);
}

#[test]
fn names_in_any_script_are_stored_and_found() {
    let f = fixture();
    let names = ["مريم الحسن", "דוד כהן", "Zoë 🦊 Müller", "Nguyễn Văn An", "Zoe\u{308}lle"];
    for (n, name) in names.iter().enumerate() {
        person(&f.store, name, &format!("p{n}@corp.com"));
    }
    assert_eq!(f.store.search_people("مريم", None).unwrap()[0].name, "مريم الحسن");
    assert_eq!(f.store.search_people("דוד", None).unwrap()[0].name, "דוד כהן");
    assert_eq!(f.store.search_people("muller", None).unwrap()[0].name, "Zoë 🦊 Müller", "diacritics ignored");
    assert_eq!(f.store.search_people("nguyen", None).unwrap()[0].name, "Nguyễn Văn An");
    // The decomposed input was stored composed (NFC).
    assert_eq!(f.store.search_people("zoëlle", None).unwrap()[0].name, "Zoëlle");
}

#[test]
fn search_matches_prefixes_of_name_email_organisation_and_team() {
    let f = fixture();
    f.store
        .create_person(&PersonInput {
            name: "Tomás Ortega".into(),
            email: "t.ortega@northwind.example".into(),
            organisation: "Northwind".into(),
            team: "Network operations".into(),
            ..Default::default()
        })
        .unwrap();
    person(&f.store, "Jane Whitfield", "jane@corp.com");
    for query in ["tom", "ORTE", "northw", "network op", "t.ortega@north", "tomas"] {
        let hits = f.store.search_people(query, None).unwrap();
        assert_eq!(hits.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Tomás Ortega"], "{query}");
    }
    assert!(f.store.search_people("zzz", None).unwrap().is_empty());
    assert!(f.store.search_people("\"OR*", None).is_ok(), "FTS syntax in input is harmless");
    assert_eq!(f.store.search_people("", None).unwrap().len(), 2);
}

#[test]
fn merging_people_moves_contributions_and_loses_nothing() {
    let f = fixture();
    let inc = incident(&f.store, "Case");
    let keep = f
        .store
        .create_person(&PersonInput {
            name: "Jane Doe".into(),
            email: "jane@corp.com".into(),
            notes: "Prefers chat".into(),
            ..Default::default()
        })
        .unwrap();
    let dup = f
        .store
        .create_person(&PersonInput {
            name: "J. Doe".into(),
            email: "jdoe@corp.com".into(),
            team: "Finance".into(),
            notes: "Night shift".into(),
            do_not_contact: true,
            ..Default::default()
        })
        .unwrap();
    contribute(&f.store, &inc, &keep, "reported mail");
    contribute(&f.store, &inc, &dup, "proxy logs");
    let merged = f.store.merge_people(&keep.id, &dup.id).unwrap();
    assert_eq!(merged.contribution_count, 2);
    assert_eq!(merged.team, "Finance", "empty field filled");
    assert!(
        merged.notes.contains("Prefers chat")
            && merged.notes.contains("Night shift")
            && merged.notes.contains("jdoe@corp.com")
    );
    assert!(merged.do_not_contact, "the stricter consent wins");
    assert_eq!(f.store.person(&dup.id).unwrap_err().code(), "not_found");
    assert_eq!(f.store.restore_person(&dup.id).unwrap_err().code(), "conflict");
    let detail = f.store.incident_detail(&inc.id).unwrap();
    assert!(detail.contributions.iter().all(|c| c.contribution.person_id == keep.id));
    assert_eq!(f.store.merge_people(&keep.id, &keep.id).unwrap_err().code(), "invalid");
}

#[test]
fn deleting_a_person_asks_first_hides_their_contributions_and_undo_brings_them_back() {
    let f = fixture();
    let inc = incident(&f.store, "Case");
    let jane = person(&f.store, "Jane", "jane@corp.com");
    contribute(&f.store, &inc, &jane, "logs");
    assert_eq!(f.store.delete_person(&jane.id, false).unwrap_err().code(), "needs_confirmation");
    f.store.delete_person(&jane.id, true).unwrap();
    assert_eq!(f.store.incident(&inc.id).unwrap().contribution_count, 0);
    assert_eq!(f.store.overview().unwrap().contributions, 0, "hidden with their person");
    assert!(f.store.search_people("jane", None).unwrap().is_empty());
    // The email is free while the person is deleted; restoring then explains the clash.
    let other = person(&f.store, "Jane Two", "JANE@corp.com");
    assert_eq!(f.store.restore_person(&jane.id).unwrap_err().code(), "conflict");
    f.store.delete_person(&other.id, false).unwrap();
    assert_eq!(f.store.restore_person(&jane.id).unwrap().contribution_count, 1);
}

// ---- contributions and quick add

#[test]
fn quick_add_uses_known_people_and_creates_new_ones_atomically() {
    let f = fixture();
    let inc = incident(&f.store, "Case");
    let jane = person(&f.store, "Jane", "jane@corp.com");
    let req = |line: &str, new_person: Option<PersonInput>| QuickAddRequest {
        incident_id: inc.id.clone(),
        line: line.into(),
        new_person,
    };
    let done = f.store.quick_add(&req("JANE@corp.com — proxy logs 1–3 Nov", None)).unwrap();
    assert_eq!((done.person.id.as_str(), done.created_person), (jane.id.as_str(), false));
    assert_eq!(
        (done.contribution.what.as_str(), done.contribution.role),
        ("proxy logs 1–3 Nov", CreditRole::LogProvider)
    );

    let unknown = f.store.quick_add(&req("Tom Ortega <tom@ops.example> — patched the VPN", None)).unwrap_err();
    assert!(
        matches!(&unknown, Error::UnknownPerson { email, suggested_name } if email == "tom@ops.example" && suggested_name == "Tom Ortega")
    );
    // A bad new person saves neither the person nor the contribution.
    let bad = PersonInput { name: "Tom\nOrtega".into(), ..Default::default() };
    assert!(f.store.quick_add(&req("tom@ops.example — patched the VPN", Some(bad))).is_err());
    assert_eq!(row_count(&f.store, "people"), 1);
    assert_eq!(row_count(&f.store, "contributions"), 1);
    let created = f
        .store
        .quick_add(&req("Tom Ortega <tom@ops.example> — patched the VPN", Some(PersonInput::default())))
        .unwrap();
    assert!(created.created_person);
    assert_eq!(created.person.name, "Tom Ortega");
    assert_eq!(created.contribution.role, CreditRole::Remediation);
    let detail = f.store.incident_detail(&inc.id).unwrap();
    assert_eq!((detail.incident.contributor_count, detail.contributions.len()), (2, 2));
}

#[test]
fn contributions_validate_edit_delete_and_restore() {
    let f = fixture();
    let inc = incident(&f.store, "Case");
    let jane = person(&f.store, "Jane", "jane@corp.com");
    let bad = ContributionInput {
        incident_id: inc.id.clone(),
        person_id: jane.id.clone(),
        what: " ".into(),
        ..Default::default()
    };
    assert_eq!(f.store.add_contribution(&bad).unwrap_err().field(), Some("what"));
    let missing = ContributionInput {
        incident_id: "nope".into(),
        person_id: jane.id.clone(),
        what: "x".into(),
        ..Default::default()
    };
    assert_eq!(f.store.add_contribution(&missing).unwrap_err().code(), "not_found");
    let c = contribute(&f.store, &inc, &jane, "logs");
    let edited = f
        .store
        .update_contribution(
            &c.id,
            &ContributionInput {
                what: "proxy logs".into(),
                role: Some(CreditRole::LogProvider),
                given_on: "2026-11-02".into(),
                impact: "found patient zero".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((edited.what.as_str(), edited.given_on.as_deref()), ("proxy logs", Some("2026-11-02")));
    f.store.delete_contribution(&c.id).unwrap();
    assert_eq!(f.store.person_detail(&jane.id).unwrap().contributions.len(), 0);
    f.store.restore_contribution(&c.id).unwrap();
    assert_eq!(f.store.person_detail(&jane.id).unwrap().contributions[0].incident_reference, inc.reference);
}

#[test]
fn the_overview_and_the_list_count_only_what_is_visible() {
    let f = fixture();
    let (a, b, gone) = (incident(&f.store, "A"), incident(&f.store, "B"), incident(&f.store, "Gone"));
    let (jane, john, left) = (
        person(&f.store, "Jane", "jane@corp.com"),
        person(&f.store, "John", "john@corp.com"),
        person(&f.store, "Left", "left@corp.com"),
    );
    contribute(&f.store, &a, &jane, "logs");
    contribute(&f.store, &a, &jane, "more logs");
    contribute(&f.store, &a, &john, "triage");
    contribute(&f.store, &a, &left, "hidden with the person");
    let removed = contribute(&f.store, &b, &john, "deleted");
    contribute(&f.store, &b, &jane, "visible");
    contribute(&f.store, &gone, &jane, "hidden with the incident");
    let both = contribute(&f.store, &gone, &left, "deleted, and hidden twice over");
    f.store.delete_contribution(&removed.id).unwrap();
    f.store.delete_contribution(&both.id).unwrap();
    f.store.delete_person(&left.id, true).unwrap();
    f.store.delete_incident(&gone.id, true).unwrap();

    let o = f.store.overview().unwrap();
    assert_eq!((o.incidents, o.open_incidents, o.people, o.contributions), (2, 2, 2, 4));
    let page = f.store.list_incidents(&IncidentFilter::default()).unwrap();
    let counts: Vec<_> =
        page.incidents.iter().map(|i| (i.title.as_str(), i.contribution_count, i.contributor_count)).collect();
    assert_eq!(page.total, 2);
    assert!(counts.contains(&("A", 3, 2)) && counts.contains(&("B", 1, 1)), "{counts:?}");
}

#[test]
fn the_example_loads_once() {
    let f = fixture();
    assert_eq!(f.store.overview().unwrap(), Overview::default());
    let a = f.store.load_example().unwrap();
    let b = f.store.load_example().unwrap();
    assert_eq!(a.id, b.id);
    let o = f.store.overview().unwrap();
    assert_eq!((o.incidents, o.people, o.contributions), (1, 3, 3));
}

#[test]
fn generated_dataset_has_the_requested_shape() {
    let f = fixture();
    let crowded = f
        .store
        .generate(GenerateSpec { incidents: 20, people: 300, contributions: 1_000, crowded: 250, seed: 7 })
        .unwrap();
    let o = f.store.overview().unwrap();
    assert_eq!((o.incidents, o.people, o.contributions), (20, 300, 1_000));
    assert!(f.store.incident_detail(&crowded).unwrap().incident.contributor_count >= 250);
    assert!(!f.store.search_people("jane", Some(5)).unwrap().is_empty());
}

// ---- quick add by name, pasted blocks, merged emails (issue 6)

fn quick(store: &Store, inc: &Incident, line: &str, new_person: Option<PersonInput>) -> Result<QuickAddOutcome> {
    store.quick_add(&QuickAddRequest { incident_id: inc.id.clone(), line: line.into(), new_person })
}

#[test]
fn quick_add_resolves_a_known_name_ignoring_accents_case_and_preferred_names() {
    let f = fixture();
    let inc = incident(&f.store, "Case");
    let maria = person(&f.store, "María López", "maria@corp.com");
    let bob = f
        .store
        .create_person(&PersonInput {
            name: "Robert Smith".into(),
            preferred_name: "Bob".into(),
            email: "rsmith@corp.com".into(),
            ..Default::default()
        })
        .unwrap();
    person(&f.store, "Maria Lopezova", "ml@corp.com");

    let preview = f.store.preview_quick_add("maria LOPEZ - forwarded two more samples").unwrap();
    assert_eq!(preview.person.as_ref().map(|p| p.id.as_str()), Some(maria.id.as_str()));
    assert!(preview.candidates.is_empty());
    assert_eq!((preview.parsed.what.as_str(), preview.parsed.role), ("forwarded two more samples", CreditRole::Finder));

    let done = quick(&f.store, &inc, "Maria Lopez - forwarded two more samples", None).unwrap();
    assert_eq!((done.person.id.as_str(), done.created_person), (maria.id.as_str(), false));
    assert_eq!(done.contribution.what, "forwarded two more samples");
    for line in ["Bob: rotated the keys", "bob smith — rotated the keys", "Robert Smith – rotated the keys"] {
        assert_eq!(quick(&f.store, &inc, line, None).unwrap().person.id, bob.id, "{line}");
    }
    assert_eq!(row_count(&f.store, "people"), 3);
}

#[test]
fn quick_add_lists_the_candidates_of_a_shared_name_and_adds_nothing() {
    let f = fixture();
    let inc = incident(&f.store, "Case");
    person(&f.store, "Maria Lopez", "maria@a.example");
    person(&f.store, "María López", "mlopez@b.example");

    let preview = f.store.preview_quick_add("Maria Lopez: samples").unwrap();
    assert!(preview.person.is_none());
    let emails: Vec<&str> = preview.candidates.iter().map(|p| p.email.as_str()).collect();
    assert_eq!(emails, ["maria@a.example", "mlopez@b.example"]);

    let err = quick(&f.store, &inc, "Maria Lopez: samples", None).unwrap_err();
    assert_eq!((err.code(), err.field()), ("invalid", Some("line")));
    let message = err.to_string();
    assert!(message.contains("maria@a.example") && message.contains("mlopez@b.example"), "{message}");
    assert_eq!(row_count(&f.store, "contributions"), 0);
    // Naming the email settles it.
    let done = quick(&f.store, &inc, "Maria Lopez <mlopez@b.example>: samples", None).unwrap();
    assert_eq!(done.person.email, "mlopez@b.example");
}

#[test]
fn quick_add_of_an_unknown_name_asks_for_the_email_then_creates_them() {
    let f = fixture();
    let inc = incident(&f.store, "Case");
    let preview = f.store.preview_quick_add("Tom Ortega - patched the VPN").unwrap();
    assert!(preview.person.is_none() && preview.candidates.is_empty());
    assert_eq!((preview.parsed.email.as_str(), preview.parsed.name.as_deref()), ("", Some("Tom Ortega")));

    let err = quick(&f.store, &inc, "Tom Ortega - patched the VPN", None).unwrap_err();
    assert!(
        matches!(&err, Error::UnknownPerson { email, suggested_name } if email.is_empty() && suggested_name == "Tom Ortega"),
        "{err:?}"
    );
    // The UI asks for the email and sends it with the new person; the name comes from the line.
    let no_email = quick(&f.store, &inc, "Tom Ortega - patched the VPN", Some(PersonInput::default())).unwrap_err();
    assert_eq!(no_email.field(), Some("email"));
    assert_eq!(row_count(&f.store, "people"), 0);
    let new_person = PersonInput { email: "tom@ops.example".into(), ..Default::default() };
    let done = quick(&f.store, &inc, "Tom Ortega - patched the VPN", Some(new_person.clone())).unwrap();
    assert!(done.created_person);
    assert_eq!((done.person.name.as_str(), done.person.email.as_str()), ("Tom Ortega", "tom@ops.example"));
    // Given an email someone already has, that person is credited rather than duplicated.
    let again = quick(&f.store, &inc, "T. Ortega - more logs", Some(new_person)).unwrap();
    assert_eq!((again.person.id.as_str(), again.created_person), (done.person.id.as_str(), false));
    assert_eq!(row_count(&f.store, "people"), 1);
}

#[test]
fn pasted_lines_are_previewed_one_by_one() {
    let f = fixture();
    let inc = incident(&f.store, "Case");
    let jane = person(&f.store, "Jane Doe", "jane@corp.com");
    let kevin = person(&f.store, "Kevin Nguyen", "kevin@corp.com");
    let text = "Jane Doe - proxy logs\r\n\n  kevin@corp.com: reverse engineered the dropper  \nno separator here\n";
    let lines = f.store.preview_quick_add_lines(text).unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines.iter().map(|l| l.line_number).collect::<Vec<_>>(), [1, 3, 4]);
    assert_eq!(lines[0].preview.as_ref().unwrap().person.as_ref().unwrap().id, jane.id);
    assert_eq!(lines[1].line, "kevin@corp.com: reverse engineered the dropper");
    let second = lines[1].preview.as_ref().unwrap();
    assert_eq!(second.person.as_ref().unwrap().id, kevin.id);
    assert_eq!(
        (second.parsed.what.as_str(), second.parsed.role),
        ("reverse engineered the dropper", CreditRole::Analyst)
    );
    assert!(lines[2].preview.is_none());
    assert!(lines[2].error.as_deref().unwrap().contains("no separator here"));
    assert!(lines[0].error.is_none());

    for l in lines.iter().filter(|l| l.error.is_none()) {
        quick(&f.store, &inc, &l.line, None).unwrap();
    }
    let detail = f.store.incident_detail(&inc.id).unwrap();
    assert_eq!((detail.incident.contributor_count, detail.contributions.len()), (2, 2));
    assert!(f.store.preview_quick_add_lines(" \n\n").unwrap().is_empty());
}

#[test]
fn a_merged_away_email_still_finds_the_kept_person() {
    let f = fixture();
    let inc = incident(&f.store, "Case");
    let keep = person(&f.store, "Jane Doe", "jane@corp.com");
    let dup = person(&f.store, "J. Doe", "jdoe@corp.com");
    assert_eq!(f.store.person_by_email("jdoe@corp.com").unwrap().unwrap().id, dup.id);
    f.store.merge_people(&keep.id, &dup.id).unwrap();

    assert_eq!(f.store.person_by_email("JDOE@corp.com").unwrap().unwrap().id, keep.id);
    let found = f.store.search_people("jdoe@corp.com", None).unwrap();
    assert_eq!(found.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [keep.id.as_str()]);
    assert_eq!(f.store.preview_quick_add("jdoe@corp.com — logs").unwrap().person.unwrap().id, keep.id);
    let done = quick(&f.store, &inc, "J. Doe <jdoe@corp.com> — logs", None).unwrap();
    assert_eq!((done.person.id.as_str(), done.created_person), (keep.id.as_str(), false));
    assert_eq!(row_count(&f.store, "people"), 2, "the duplicate did not come back");

    // Merges of merges are followed too.
    let third = person(&f.store, "Janet", "janet@corp.com");
    f.store.merge_people(&third.id, &keep.id).unwrap();
    assert_eq!(f.store.person_by_email("jdoe@corp.com").unwrap().unwrap().id, third.id);
    assert!(f.store.person_by_email("nobody@corp.com").unwrap().is_none());
}

// ---- big incident lists: paging and word search (issue 6 "Big data")

#[test]
fn incident_pages_neither_repeat_nor_skip_and_the_total_counts_every_match() {
    let f = fixture();
    for n in 0..23 {
        incident(&f.store, &format!("{} incident {n}", if n % 2 == 0 { "Even" } else { "Odd" }));
    }
    // Same day and same creation time for all: only the id tells them apart.
    f.store
        .connection()
        .execute("UPDATE incidents SET opened_on = '2026-01-02', created_at = '2026-01-02T00:00:00Z'", [])
        .unwrap();
    let page = |offset: Option<u32>, limit: u32| {
        f.store.list_incidents(&IncidentFilter { offset, limit: Some(limit), ..Default::default() }).unwrap()
    };
    let all = page(None, 100);
    assert_eq!((all.total, all.incidents.len()), (23, 23));
    let ids: Vec<String> = all.incidents.iter().map(|i| i.id.clone()).collect();
    let mut by_id = ids.clone();
    by_id.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, by_id, "ties are broken by id, newest-first order stays stable");
    let mut paged = Vec::new();
    for offset in (0..23).step_by(5) {
        let p = page(Some(offset), 5);
        assert_eq!(p.total, 23);
        assert_eq!(p.incidents.len(), if offset == 20 { 3 } else { 5 });
        paged.extend(p.incidents.into_iter().map(|i| i.id));
    }
    assert_eq!(paged, ids);
    assert!(page(Some(23), 5).incidents.is_empty());
    assert_eq!(page(Some(23), 5).total, 23);
    // The offset applies after the filters; the total is of the filtered list.
    let filtered = f
        .store
        .list_incidents(&IncidentFilter {
            text: "incident even".into(),
            offset: Some(10),
            limit: Some(2),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((filtered.total, filtered.incidents.len()), (12, 2));
    assert!(filtered.incidents.iter().all(|i| i.title.starts_with("Even")));
}

#[test]
fn incident_search_matches_every_word_in_any_order() {
    let f = fixture();
    let phishing = incident(&f.store, "Phishing via fake VPN portal");
    let _vpn = incident(&f.store, "VPN outage");
    let summary = f
        .store
        .create_incident(&IncidentInput {
            title: "Credential theft".into(),
            summary: "Lure mail sent to the whole VPN user base (phishing)".into(),
            ..Default::default()
        })
        .unwrap();
    let find = |text: &str| {
        let page = f.store.list_incidents(&IncidentFilter { text: text.into(), ..Default::default() }).unwrap();
        let mut ids: Vec<String> = page.incidents.into_iter().map(|i| i.id).collect();
        ids.sort();
        (page.total, ids)
    };
    let mut both = vec![phishing.id.clone(), summary.id.clone()];
    both.sort();
    assert_eq!(find("vpn phishing"), (2, both.clone()));
    assert_eq!(find("  PHISHING   Vpn "), (2, both));
    assert_eq!(find("portal vpn fake"), (1, vec![phishing.id.clone()]));
    // A word matching nothing empties the list; the reference counts as a field.
    assert_eq!(find("vpn ransomware").0, 0);
    assert_eq!(find(&format!("{} portal", phishing.reference.to_lowercase())), (1, vec![phishing.id.clone()]));
    // Wildcards stay literal in every word.
    assert_eq!(find("vpn %").0, 0);
    assert_eq!(find("vpn _").0, 0);
}
