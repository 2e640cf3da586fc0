//! Importing people over real database files, from fixtures laid out exactly as Outlook, Google
//! Contacts, Thunderbird, Apple Contacts and mailmerge write them (tests/fixtures/import/, with
//! `expected.json` listing what each must give).

use afterword_core::exchange::import::*;
use afterword_core::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Fixture {
    dir: tempfile::TempDir,
    store: Store,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap().with_actor("tester");
    Fixture { dir, store }
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

fn file(path: impl AsRef<Path>) -> ImportRequest {
    ImportRequest::new(ImportSource::File { path: path.as_ref().display().to_string() })
}

fn text(text: &str) -> ImportRequest {
    ImportRequest::new(ImportSource::Text { text: text.into() })
}

fn expected(name: &str) -> Value {
    let all: Value = serde_json::from_str(&std::fs::read_to_string(sample("expected.json")).unwrap()).unwrap();
    all["files"][name].clone()
}

fn people_count(store: &Store) -> i64 {
    store.connection().query_row("SELECT count(*) FROM people WHERE deleted_at IS NULL", [], |r| r.get(0)).unwrap()
}

/// Every fixture gives exactly the people `expected.json` lists, with every field, in order,
/// and the invalid and duplicate records it names (by record number) with the right class.
#[test]
fn each_exported_file_gives_the_expected_people() {
    let files = [
        "outlook_utf8_bom.csv",
        "outlook_cp1252.csv",
        "google_contacts.csv",
        "google_contacts_legacy.csv",
        "thunderbird.csv",
        "apple.vcf",
        "google.vcf",
        "v4.vcf",
        "to_lines.txt",
        "bad/formula.csv",
        "bad/control_char.csv",
        "bad/utf16le_bom.csv",
        "bad/wide_row.csv",
    ];
    for name in files {
        let f = fixture();
        let want = expected(name);
        let report = f.store.import_people(&file(sample(name)), &mut Quiet).unwrap_or_else(|e| panic!("{name}: {e}"));
        let want_people = want["people"].as_array().unwrap();
        assert_eq!(report.summary.counts.new as usize, want_people.len(), "{name}: new people");
        assert_eq!(
            report.summary.counts.invalid as usize,
            want["invalid"].as_array().unwrap().len(),
            "{name}: invalid rows"
        );
        assert_eq!(
            report.summary.counts.duplicate as usize,
            want["duplicate"].as_array().unwrap().len(),
            "{name}: duplicate rows"
        );
        // In file order: people are listed by creation, which follows the file.
        let mut stmt = f
            .store
            .connection()
            .prepare(
                "SELECT email, name, preferred_name, organisation, team, job_title, notes FROM people ORDER BY rowid",
            )
            .unwrap();
        let got: Vec<[String; 7]> = stmt
            .query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?]))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (person, row) in want_people.iter().zip(&got) {
            let field = |k: &str| person[k].as_str().unwrap().to_string();
            let want_row = [
                field("email"),
                field("name"),
                field("preferred_name"),
                field("organisation"),
                field("team"),
                field("job_title"),
                field("notes"),
            ];
            assert_eq!(row, &want_row, "{name}");
        }
    }
}

#[test]
fn the_preview_names_each_rows_class_and_reason_and_writes_nothing() {
    let f = fixture();
    let preview = f.store.preview_import(&file(sample("thunderbird.csv")), &mut Quiet).unwrap();
    assert_eq!(people_count(&f.store), 0);
    assert_eq!(preview.summary.source_label, "Thunderbird CSV");
    assert_eq!(preview.summary.format, ImportFormat::Csv);
    let want = expected("thunderbird.csv");
    let record = |v: &Value| v["record"].as_u64().unwrap() as u32 + 1;
    for invalid in want["invalid"].as_array().unwrap() {
        let row = preview.rows.iter().find(|r| r.row == record(invalid)).unwrap();
        assert_eq!(row.class, RowClass::Invalid);
        assert!(row.reason.contains("No email"), "{}", row.reason);
    }
    for duplicate in want["duplicate"].as_array().unwrap() {
        let row = preview.rows.iter().find(|r| r.row == record(duplicate)).unwrap();
        assert_eq!(row.class, RowClass::Duplicate);
        let earlier = duplicate["duplicate_of_record"].as_u64().unwrap() + 1;
        assert_eq!(row.reason, format!("The same email as row {earlier} of this file."));
    }
}

#[test]
fn encodings_are_detected_and_reported() {
    let f = fixture();
    let cases = [
        ("outlook_utf8_bom.csv", "UTF-8 with byte-order mark", "Outlook CSV"),
        ("outlook_cp1252.csv", "windows-1252", "Outlook CSV"),
        ("bad/utf16le_bom.csv", "UTF-16LE with byte-order mark", "Google Contacts CSV"),
        ("apple.vcf", "UTF-8", "vCard"),
    ];
    for (name, encoding, label) in cases {
        let preview = f.store.preview_import(&file(sample(name)), &mut Quiet).unwrap();
        assert_eq!(
            (preview.summary.encoding.as_str(), preview.summary.source_label.as_str()),
            (encoding, label),
            "{name}"
        );
    }
    let preview = f.store.preview_import(&file(sample("outlook_cp1252.csv")), &mut Quiet).unwrap();
    assert!(preview.rows.iter().any(|r| r.name.contains('é')), "{:?}", preview.rows);
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    let f = fixture();
    let first = f.store.import_people(&file(sample("apple.vcf")), &mut Quiet).unwrap();
    assert_eq!(first.summary.counts.new, 5);
    let before: Vec<(String, String)> = all_people(&f.store);
    let audit_before = audit_lines(&f.store);
    let again = f.store.import_people(&file(sample("apple.vcf")), &mut Quiet).unwrap();
    assert_eq!(again.summary.counts, ImportCounts { new: 0, updated: 0, duplicate: 5, invalid: 0 });
    assert_eq!(all_people(&f.store), before);
    // Only the second import's own line was added to the log.
    assert_eq!(audit_lines(&f.store), audit_before + 1);
}

fn all_people(store: &Store) -> Vec<(String, String)> {
    let mut stmt = store.connection().prepare("SELECT email, updated_at FROM people ORDER BY email").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

fn audit_lines(store: &Store) -> i64 {
    store.connection().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_known_person_gains_only_what_they_lacked_unless_overwrite_is_chosen() {
    let f = fixture();
    let jane = f
        .store
        .create_person(&PersonInput {
            name: "Jane Doe".into(),
            email: "jane@corp.example".into(),
            organisation: "Corp".into(),
            ..Default::default()
        })
        .unwrap();
    let csv = "Name,Email,Company,Department,Job Title\nJane D.,JANE@corp.example,Corp Ltd,SOC,Analyst\n";
    let preview = f.store.preview_import(&text(csv), &mut Quiet).unwrap();
    let row = &preview.rows[0];
    assert_eq!(row.class, RowClass::Updated);
    assert_eq!(row.person_id.as_deref(), Some(jane.id.as_str()));
    assert_eq!(row.fills.iter().map(|c| c.field).collect::<Vec<_>>(), vec![PersonField::Team, PersonField::JobTitle]);
    assert_eq!(
        row.conflicts.iter().map(|c| c.field).collect::<Vec<_>>(),
        vec![PersonField::Name, PersonField::Organisation]
    );
    assert!(row.reason.starts_with("Known as Jane Doe; adds team, job title; keeps name “Jane Doe”"), "{}", row.reason);

    f.store.import_people(&text(csv), &mut Quiet).unwrap();
    let kept = f.store.person(&jane.id).unwrap();
    assert_eq!((kept.name.as_str(), kept.organisation.as_str()), ("Jane Doe", "Corp"));
    assert_eq!((kept.team.as_str(), kept.job_title.as_str()), ("SOC", "Analyst"));

    let mut overwrite = text(csv);
    overwrite.choices = vec![RowChoice { row: 2, audience: None, overwrite: true }];
    let report = f.store.import_people(&overwrite, &mut Quiet).unwrap();
    assert_eq!(report.summary.counts.updated, 1);
    let replaced = f.store.person(&jane.id).unwrap();
    assert_eq!((replaced.name.as_str(), replaced.organisation.as_str()), ("Jane D.", "Corp Ltd"));
    let history = f.store.history("person", &jane.id).unwrap();
    assert!(history.last().unwrap().detail.contains("\"import\""), "{:?}", history.last());
}

#[test]
fn the_audience_is_guessed_from_the_organisation_and_can_be_chosen() {
    let f = fixture();
    f.store.set_setting(SettingKey::Organisation, "Corp").unwrap();
    f.store.set_setting(SettingKey::SenderEmail, "sam@corp.example").unwrap();
    let csv = "Name,Email,Company\nIn House,a@corp.example,Corp\nVendor,b@vendor.example,Vendor Inc\nNo Org,c@elsewhere.example,\nColleague,d@corp.example,\n";
    let preview = f.store.preview_import(&text(csv), &mut Quiet).unwrap();
    let audiences: Vec<Option<Audience>> = preview.rows.iter().map(|r| r.audience).collect();
    assert_eq!(
        audiences,
        vec![Some(Audience::EndUser), Some(Audience::ThirdParty), Some(Audience::ThirdParty), Some(Audience::EndUser)]
    );
    assert!(preview.rows[1].reason.contains("Vendor Inc is not your organisation"), "{}", preview.rows[1].reason);

    let mut chosen = text(csv);
    chosen.audience = Some(Audience::ItOperations);
    chosen.choices = vec![RowChoice { row: 3, audience: Some(Audience::Management), overwrite: false }];
    f.store.import_people(&chosen, &mut Quiet).unwrap();
    let vendor = f.store.person_by_email("b@vendor.example").unwrap().unwrap();
    assert_eq!(vendor.audience, Audience::Management);
    let in_house = f.store.person_by_email("a@corp.example").unwrap().unwrap();
    assert_eq!(in_house.audience, Audience::ItOperations);
}

#[test]
fn a_merged_persons_old_address_finds_the_kept_person() {
    let f = fixture();
    let keep = f
        .store
        .create_person(&PersonInput { name: "Kim".into(), email: "kim@corp.example".into(), ..Default::default() })
        .unwrap();
    let dup = f
        .store
        .create_person(&PersonInput { name: "Kim L".into(), email: "kim.l@corp.example".into(), ..Default::default() })
        .unwrap();
    f.store.merge_people(&keep.id, &dup.id).unwrap();
    let report = f.store.import_people(&text("Kim <kim.l@corp.example>"), &mut Quiet).unwrap();
    assert_eq!(report.summary.counts.new, 0);
    assert_eq!(people_count(&f.store), 1);
}

/// Two rows that reach the same person (their address and a merged one) are read in order: the
/// second sees what the first gave, in the preview exactly as in the import.
#[test]
fn two_rows_for_one_merged_person_are_applied_in_order_in_preview_and_import_alike() {
    let f = fixture();
    let keep = f
        .store
        .create_person(&PersonInput { name: "Kim".into(), email: "kim@corp.example".into(), ..Default::default() })
        .unwrap();
    let dup = f
        .store
        .create_person(&PersonInput { name: "Kim L".into(), email: "kim.l@corp.example".into(), ..Default::default() })
        .unwrap();
    f.store.merge_people(&keep.id, &dup.id).unwrap();
    let csv = "Name,Email,Company,Department\nKim,kim@corp.example,,SOC\nNew Person,new@corp.example,,\nKim,kim.l@corp.example,Corp,Network\n";
    let preview = f.store.preview_import(&text(csv), &mut Quiet).unwrap();
    let second = &preview.rows[2];
    assert_eq!((second.class, second.person_id.as_deref()), (RowClass::Updated, Some(keep.id.as_str())));
    assert_eq!(second.fills.iter().map(|c| c.field).collect::<Vec<_>>(), vec![PersonField::Organisation]);
    assert_eq!(
        second.conflicts.iter().map(|c| (c.field, c.from.as_str())).collect::<Vec<_>>(),
        vec![(PersonField::Team, "SOC")]
    );

    let report = f.store.import_people(&text(csv), &mut Quiet).unwrap();
    assert_eq!(report.summary.counts, preview.summary.counts);
    assert_eq!(report.summary.counts, ImportCounts { new: 1, updated: 2, duplicate: 0, invalid: 0 });
    let kim = f.store.person(&keep.id).unwrap();
    assert_eq!((kim.organisation.as_str(), kim.team.as_str()), ("Corp", "SOC"));
    let lines: Vec<Value> = f
        .store
        .history("person", &keep.id)
        .unwrap()
        .iter()
        .filter(|l| l.detail.contains(&report.import_id))
        .map(|l| serde_json::from_str(&l.detail).unwrap())
        .collect();
    assert_eq!(
        lines,
        vec![
            serde_json::json!({ "import": report.import_id, "changed": ["team"] }),
            serde_json::json!({ "import": report.import_id, "changed": ["organisation"] }),
        ]
    );
    // The audit lines follow the file: Kim's update, the new person, Kim's second update.
    let order: Vec<String> = f
        .store
        .connection()
        .prepare("SELECT action FROM audit_log WHERE entity = 'person' AND detail LIKE '%' || ?1 || '%' ORDER BY seq")
        .unwrap()
        .query_map([&report.import_id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(order, vec!["update", "create", "update"]);
}

#[test]
fn a_to_line_is_read_with_quoted_commas_and_encoded_words() {
    let f = fixture();
    let report = f
        .store
        .import_people(
            &text("Jane Doe <jane@corp.example>, \"Smith, John\" <john@corp.example>; =?UTF-8?B?Wm/DqyDDhW5nc3Ryw7Zt?= <zoe@corp.example>, ops@corp.example"),
            &mut Quiet,
        )
        .unwrap();
    assert_eq!(report.summary.format, ImportFormat::Text);
    assert_eq!(report.summary.counts.new, 4);
    assert_eq!(f.store.person_by_email("john@corp.example").unwrap().unwrap().name, "Smith, John");
    assert_eq!(f.store.person_by_email("zoe@corp.example").unwrap().unwrap().name, "Zoë Ångström");
    assert_eq!(f.store.person_by_email("ops@corp.example").unwrap().unwrap().name, "ops");
}

#[test]
fn a_mailmerge_project_brings_people_and_a_template_once() {
    let f = fixture();
    for path in [sample("mailmerge"), sample("mailmerge/mailmerge_template.txt")] {
        let preview = f.store.preview_import(&file(&path), &mut Quiet).unwrap();
        assert_eq!(preview.summary.format, ImportFormat::Mailmerge);
        let plan = preview.summary.template.as_ref().unwrap();
        assert_eq!(plan.problem, None, "{plan:?}");
        assert!(plan.body.contains("{{ person.name }}"), "{}", plan.body);
        assert!(plan.warnings.iter().any(|w| w.contains("{{number}}")), "{:?}", plan.warnings);
    }
    let report = f.store.import_people(&file(sample("mailmerge")), &mut Quiet).unwrap();
    assert_eq!(report.summary.counts.new, 4);
    let template = f.store.template(report.template_id.as_deref().unwrap()).unwrap();
    assert!(template.name.starts_with("Imported from mailmerge"));
    let again = f.store.import_people(&file(sample("mailmerge")), &mut Quiet).unwrap();
    assert_eq!(again.template_id, None);
    assert!(again.summary.template.unwrap().exists);
    let count = f.store.templates().unwrap().iter().filter(|t| t.name == template.name).count();
    assert_eq!(count, 1);
}

#[test]
fn unreadable_sources_get_a_clear_message_and_change_nothing() {
    let f = fixture();
    let cases: [(ImportRequest, &str); 6] = [
        (file(sample("bad/empty.csv")), "is empty"),
        (file(sample("bad/garbage.bin")), "binary data"),
        (file(f.dir.path().join("missing.csv")), "does not exist"),
        (file(f.dir.path()), "is a folder"),
        (text("just some words\nand more"), "cannot be read as CSV"),
        (
            ImportRequest { format: Some(ImportFormat::Mailmerge), ..file(sample("apple.vcf")) },
            "is not a mailmerge project",
        ),
    ];
    for (request, says) in cases {
        let error = f.store.preview_import(&request, &mut Quiet).unwrap_err();
        assert!(error.to_string().contains(says), "{error} should say {says}");
        let error = f.store.import_people(&request, &mut Quiet).unwrap_err();
        assert!(error.to_string().contains(says), "{error}");
    }
    assert_eq!(people_count(&f.store), 0);
}

#[test]
fn a_single_column_of_addresses_under_a_header_is_csv() {
    let f = fixture();
    let preview = f.store.preview_import(&text("Email\njane@corp.example\ntom@corp.example\n"), &mut Quiet).unwrap();
    assert_eq!(preview.summary.format, ImportFormat::Csv);
    assert_eq!(preview.summary.counts.new, 2);
    let list = f.store.preview_import(&text("jane@corp.example\ntom@corp.example\n"), &mut Quiet).unwrap();
    assert_eq!(list.summary.format, ImportFormat::Text);
    assert_eq!(list.summary.counts.new, 2);
}

#[test]
fn a_mapping_without_email_or_of_the_wrong_width_is_refused() {
    let f = fixture();
    let csv = "Name,Email\nJane,jane@corp.example\n";
    let mut request = text(csv);
    request.mapping = Some(vec![Some(PersonField::Name), None]);
    assert!(f
        .store
        .preview_import(&request, &mut Quiet)
        .unwrap_err()
        .to_string()
        .contains("No column is mapped to the email"));
    request.mapping = Some(vec![Some(PersonField::Email)]);
    assert!(f
        .store
        .preview_import(&request, &mut Quiet)
        .unwrap_err()
        .to_string()
        .contains("lists 1 columns but the file has 2"));
    request.mapping = Some(vec![Some(PersonField::Email), Some(PersonField::Email)]);
    assert!(f
        .store
        .preview_import(&request, &mut Quiet)
        .unwrap_err()
        .to_string()
        .contains("Two columns are mapped to email"));
    // A changed mapping is used: the name column read as the team.
    request.mapping = Some(vec![Some(PersonField::Team), Some(PersonField::Email)]);
    let preview = f.store.preview_import(&request, &mut Quiet).unwrap();
    assert_eq!((preview.rows[0].team.as_str(), preview.rows[0].name.as_str()), ("Jane", "jane"));
}

struct StopAfter(u32);
impl ImportObserver for StopAfter {
    fn progress(&mut self, progress: &ImportProgress) -> bool {
        progress.rows < self.0
    }
}

#[test]
fn a_stopped_import_writes_nothing_and_a_large_one_reports_progress() {
    let f = fixture();
    let mut csv = String::from("Name,Email\n");
    for i in 0..3_000 {
        csv.push_str(&format!("Person {i},p{i}@corp.example\n"));
    }
    let path = f.dir.path().join("many.csv");
    std::fs::write(&path, &csv).unwrap();
    let error = f.store.import_people(&file(&path), &mut StopAfter(1_000)).unwrap_err();
    assert_eq!(error.code(), "cancelled");
    assert_eq!(people_count(&f.store), 0);

    struct Record(Vec<ImportProgress>);
    impl ImportObserver for Record {
        fn progress(&mut self, progress: &ImportProgress) -> bool {
            self.0.push(*progress);
            true
        }
    }
    let mut seen = Record(Vec::new());
    let report = f.store.import_people(&file(&path), &mut seen).unwrap();
    assert_eq!(report.summary.counts.new, 3_000);
    assert_eq!(seen.0.iter().map(|p| p.rows).collect::<Vec<_>>(), vec![0, 500, 1000, 1500, 2000, 2500, 3000]);
    assert!(seen.0.iter().all(|p| p.total_bytes == Some(csv.len() as f64)));
    let preview = f.store.preview_import(&file(&path), &mut Quiet).unwrap();
    assert_eq!(preview.rows.len(), PREVIEW_ROWS);
    assert!(preview.more_rows);
    assert_eq!(preview.summary.counts.duplicate, 3_000);
    // Each class is listed up to the limit: invalid rows after many good ones still show.
    csv.push_str("No Address,\n");
    std::fs::write(&path, &csv).unwrap();
    let preview = f.store.preview_import(&file(&path), &mut Quiet).unwrap();
    assert_eq!(preview.rows.len(), PREVIEW_ROWS + 1);
    assert_eq!(preview.rows.last().unwrap().class, RowClass::Invalid);
}

#[test]
fn an_import_is_recorded_in_the_audit_log() {
    let f = fixture();
    let report = f.store.import_people(&file(sample("v4.vcf")), &mut Quiet).unwrap();
    let lines = f.store.history("import", &report.import_id).unwrap();
    assert_eq!(lines.len(), 1);
    let detail: Value = serde_json::from_str(&lines[0].detail).unwrap();
    assert_eq!((detail["new"].as_u64(), detail["invalid"].as_u64()), (Some(3), Some(2)));
    let person = f.store.person_by_email(expected("v4.vcf")["people"][0]["email"].as_str().unwrap()).unwrap().unwrap();
    let created = &f.store.history("person", &person.id).unwrap()[0];
    assert!(created.detail.contains(&report.import_id));
}

/// New people wait in the scratch database and are written a batch at a time: a file larger
/// than a batch comes out whole, in file order, each person with their audit line and in the
/// search index; a duplicate across batches is still caught; a stop after batches were written
/// still leaves nothing behind.
#[test]
fn a_file_larger_than_a_write_batch_is_written_whole_in_order_or_not_at_all() {
    let f = fixture();
    let mut csv = String::from("Name,Email\n");
    for i in 0..45_000 {
        if i == 30_000 {
            csv.push_str("Again,P3@CORP.example\n");
        }
        csv.push_str(&format!("Person {i},p{i}@corp.example\n"));
    }
    let path = f.dir.path().join("large.csv");
    std::fs::write(&path, &csv).unwrap();

    let error = f.store.import_people(&file(&path), &mut StopAfter(44_000)).unwrap_err();
    assert_eq!(error.code(), "cancelled");
    assert_eq!(people_count(&f.store), 0);
    assert_eq!(audit_lines(&f.store), 0);

    let preview = f.store.preview_import(&file(&path), &mut Quiet).unwrap();
    let report = f.store.import_people(&file(&path), &mut Quiet).unwrap();
    assert_eq!(report.summary.counts, preview.summary.counts);
    assert_eq!((report.summary.counts.new, report.summary.counts.duplicate), (45_000, 1));
    let again = preview.rows.iter().find(|r| r.class == RowClass::Duplicate).unwrap();
    assert_eq!((again.row, again.reason.as_str()), (30_002, "The same email as row 5 of this file."));

    let names: Vec<String> = f
        .store
        .connection()
        .prepare("SELECT name FROM people ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(names, (0..45_000).map(|i| format!("Person {i}")).collect::<Vec<_>>());
    let creates: i64 = f
        .store
        .connection()
        .query_row("SELECT count(*) FROM audit_log WHERE entity = 'person' AND action = 'create'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(creates, 45_000);
    let last = f.store.person_by_email("p44999@corp.example").unwrap().unwrap();
    let history = f.store.history("person", &last.id).unwrap();
    assert_eq!(history.len(), 1);
    let detail: Value = serde_json::from_str(&history[0].detail).unwrap();
    assert_eq!(
        detail,
        serde_json::json!({ "email": "p44999@corp.example", "import": report.import_id, "name": "Person 44999" })
    );
    assert_eq!(history[0].actor, "tester");
    assert_eq!(f.store.search_people("Person 44999", None).unwrap()[0].id, last.id);
    assert_eq!(f.store.search_people("p20000", None).unwrap()[0].email, "p20000@corp.example");

    let lines = audit_lines(&f.store);
    let second = f.store.import_people(&file(&path), &mut Quiet).unwrap();
    assert_eq!((second.summary.counts.new, second.summary.counts.duplicate), (0, 45_001));
    assert_eq!(people_count(&f.store), 45_000);
    assert_eq!(audit_lines(&f.store), lines + 1);
}
