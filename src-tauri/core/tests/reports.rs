//! Contributor and recognition reports over a real database file: scope and filters, totals,
//! pseudonyms for people who did not consent, internal-only fields left out unless chosen,
//! thank-yous delivered through the real outbox (the .eml folder transport), CSV parsed back
//! with formula payloads inert, JSON equal to the in-memory document, Markdown escaped, atomic
//! files; and the incident and person history.

use afterword_core::outbox::*;
use afterword_core::reports::*;
use afterword_core::*;
use std::sync::atomic::AtomicBool;

const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

struct Fixture {
    dir: tempfile::TempDir,
    store: Store,
}

fn person(store: &Store, name: &str, email: &str, org: &str, team: &str, named: bool) -> Person {
    store
        .create_person(&PersonInput {
            name: name.into(),
            email: email.into(),
            organisation: org.into(),
            team: team.into(),
            may_be_named: named,
            notes: "NOTE-SECRET about them".into(),
            audience: Some(if org == "Corp" { Audience::ItOperations } else { Audience::ThirdParty }),
            ..Default::default()
        })
        .unwrap()
}

fn incident(store: &Store, reference: &str, kind: IncidentKind, opened_on: &str, tlp: Tlp) -> Incident {
    store
        .create_incident(&IncidentInput {
            reference: reference.into(),
            title: format!("Title of {reference}"),
            kind: Some(kind),
            tlp: Some(tlp),
            opened_on: opened_on.into(),
            summary: "INTERNAL-ONLY summary".into(),
            ..Default::default()
        })
        .unwrap()
}

fn credit(store: &Store, incident: &Incident, person: &Person, role: CreditRole, what: &str) {
    store
        .add_contribution(&ContributionInput {
            incident_id: incident.id.clone(),
            person_id: person.id.clone(),
            role: Some(role),
            what: what.into(),
            impact: "helped us contain it".into(),
            constraints: "CONSTRAINT-SECRET".into(),
            ..Default::default()
        })
        .unwrap();
}

/// Three incidents (one before 2026), four people (one who may not be named, one whose name
/// is a formula), thank-yous delivered for INC-A and one queued for INC-B.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap().with_actor("tester");
    store
        .update_sender(&Settings {
            sender_name: "Sam Analyst".into(),
            sender_email: "sam@corp.example".into(),
            organisation: "Corp".into(),
            signature: String::new(),
        })
        .unwrap();
    let a = incident(&store, "INC-A", IncidentKind::PhishingReport, "2026-02-01", Tlp::Amber);
    let b = incident(&store, "INC-B", IncidentKind::SecurityIncident, "2026-05-10", Tlp::Red);
    let old = incident(&store, "INC-OLD", IncidentKind::PhishingReport, "2025-12-01", Tlp::Clear);
    let jane = person(&store, "Jane Doe", "jane@corp.example", "Corp", "IT Operations", true);
    let formula = person(&store, FORMULA, "formula@corp.example", "Corp", "IT Operations", true);
    let anon = person(&store, "Quiet Helper", "quiet@corp.example", "Corp", "Service Desk", false);
    let vendor = person(&store, "Vic Vendor", "vic@vendor.example", "Vendor Ltd", "", true);
    credit(&store, &a, &jane, CreditRole::Finder, "reported the phishing mail");
    credit(&store, &a, &anon, CreditRole::LogProvider, "pulled the proxy logs at 2 a.m.");
    credit(&store, &a, &formula, CreditRole::Analyst, "@SUM(A1) looked at the headers");
    credit(&store, &b, &jane, CreditRole::Remediation, "reset the passwords");
    credit(&store, &b, &vendor, CreditRole::Expertise, "shared firewall exports");
    credit(&store, &old, &jane, CreditRole::Finder, "spotted last year's wave");

    store.generate_messages("INC-A").unwrap();
    store.approve_all_messages("INC-A", true).unwrap();
    store.queue_incident("INC-A").unwrap();
    let lock = store.begin_sending().unwrap();
    let mut folder = EmlFolder { folder: dir.path().join("outbox") };
    let options = RunOptions { include_deferred: false, rate_per_minute: 0 };
    let sent = store.send_due(&lock, &mut folder, &options, &AtomicBool::new(false), &mut |_| {}).unwrap();
    assert_eq!(sent.progress.sent, 3);
    drop(lock);
    store.generate_messages("INC-B").unwrap();
    let vic = store.messages("INC-B").unwrap().into_iter().find(|m| m.person_email == "vic@vendor.example").unwrap();
    store.approve_message(&vic.id, true).unwrap();
    Fixture { dir, store }
}

fn year_2026() -> ReportFilter {
    ReportFilter { from: Some("2026-01-01".into()), to: Some("2026-12-31".into()), ..Default::default() }
}

fn text_report(store: &Store, kind: ReportKind, filter: &ReportFilter, format: ReportFormat) -> String {
    let mut out = Vec::new();
    write_report(store, kind, filter, format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix('\u{feff}').expect("the CSV starts with a byte-order mark for Excel");
    csv::Reader::from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn csv_parses_back_with_every_contribution_of_the_period_and_formulas_inert() {
    let f = fixture();
    let text = text_report(&f.store, ReportKind::Contributors, &year_2026(), ReportFormat::Csv);
    let header = text.lines().next().unwrap();
    assert!(header.contains("\"Contributor\",\"Email\""), "{header}");
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 5, "the 2025 incident is outside the period: {rows:?}");
    assert!(rows.iter().all(|r| r.len() == 18));

    let find = |incident: &str, who: &str| {
        rows.iter().find(|r| r[0] == incident && r[8] == who).unwrap_or_else(|| panic!("{incident} {who}: {rows:?}"))
    };
    let jane = find("INC-A", "Jane Doe");
    assert_eq!(&jane[1..8], ["Title of INC-A", "Phishing report", "Open", "Medium", "TLP:AMBER", "2026-02-01", ""]);
    assert_eq!(jane[9], "jane@corp.example");
    assert_eq!(jane[12], "Finder / reporter");
    assert_eq!(jane[16], "Thanked");
    assert_eq!(jane[17].len(), 10, "the day it was delivered: {jane:?}");

    // The formula payloads come back as text a spreadsheet shows, never runs.
    let formula = find("INC-A", &format!("'{FORMULA}"));
    assert_eq!(formula[13], "'@SUM(A1) looked at the headers");
    for row in &rows {
        for field in row {
            assert!(!matches!(field.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')), "{field:?}");
        }
    }

    // The person who did not consent is a pseudonym with no email.
    let quiet = find("INC-A", "Contributor 1, Service Desk");
    assert_eq!(quiet[9], "");
    assert!(!text.contains("Quiet Helper") && !text.contains("quiet@corp.example"), "{text}");

    let vic = find("INC-B", "Vic Vendor");
    assert_eq!((vic[5].as_str(), vic[16].as_str(), vic[17].as_str()), ("TLP:RED", "On its way", ""));
    assert_eq!(find("INC-B", "Jane Doe")[16], "Not yet");

    for secret in ["INTERNAL-ONLY", "NOTE-SECRET", "CONSTRAINT-SECRET"] {
        assert!(!text.contains(secret), "{secret} is internal-only: {text}");
    }
}

#[test]
fn internal_only_fields_appear_only_when_chosen() {
    let f = fixture();
    let filter = ReportFilter { include_internal: true, ..year_2026() };
    let rows = parse_csv(&text_report(&f.store, ReportKind::Contributors, &filter, ReportFormat::Csv));
    assert!(rows.iter().all(|r| r.len() == 21));
    assert!(rows.iter().all(|r| r[18] == "INTERNAL-ONLY summary" && r[20] == "CONSTRAINT-SECRET"));
    let md = text_report(&f.store, ReportKind::Contributors, &filter, ReportFormat::Md);
    assert!(md.contains("Internal summary:") && md.contains("NOTE-SECRET"), "{md}");
}

#[test]
fn the_summary_counts_the_scope_and_the_thank_yous() {
    let f = fixture();
    let summary = f.store.contributor_summary(&year_2026()).unwrap();
    assert_eq!(
        summary.totals,
        Totals { incidents: 2, contributions: 5, contributors: 4, thanked: 3, queued: 1, not_thanked: 1 }
    );
    assert_eq!(summary.subtitle, "1 Jan 2026 – 31 Dec 2026");
    assert_eq!((summary.organisation.as_str(), summary.author.as_str()), ("Corp", "Sam Analyst"));
    assert_eq!(summary.by_group_heading, "Contributions by organisation");
    let groups: Vec<(&str, u32)> = summary.by_group.iter().map(|c| (c.label.as_str(), c.count)).collect();
    assert_eq!(groups, [("Corp", 4), ("Vendor Ltd", 1)]);
    assert_eq!(summary.by_role.iter().map(|c| c.count).sum::<u32>(), 5);

    let by_team = f.store.contributor_summary(&ReportFilter { group_by: GroupBy::Team, ..year_2026() }).unwrap();
    let teams: Vec<(&str, u32)> = by_team.by_group.iter().map(|c| (c.label.as_str(), c.count)).collect();
    assert_eq!(teams, [("IT Operations", 3), ("No team given", 1), ("Service Desk", 1)]);
}

#[test]
fn filters_narrow_the_report_and_bad_ones_say_what_to_fix() {
    let f = fixture();
    let count = |filter: ReportFilter| f.store.contributor_summary(&filter).unwrap().totals.contributions;
    assert_eq!(count(ReportFilter::default()), 6);
    assert_eq!(count(ReportFilter { kinds: vec![IncidentKind::PhishingReport], ..Default::default() }), 4);
    assert_eq!(count(ReportFilter { teams: vec!["it operations".into()], ..year_2026() }), 3);
    assert_eq!(count(ReportFilter { organisations: vec!["Vendor Ltd".into()], ..Default::default() }), 1);
    assert_eq!(count(ReportFilter { statuses: vec![Status::Closed], ..Default::default() }), 0);
    let one = ReportFilter { incident: Some("inc-b".into()), ..Default::default() };
    assert_eq!(count(one.clone()), 2);
    assert_eq!(f.store.contributor_summary(&one).unwrap().subtitle, "INC-B · Title of INC-B");

    let jane = ReportFilter { person: Some("JANE@corp.example".into()), ..Default::default() };
    assert_eq!(count(jane.clone()), 3);
    assert_eq!(f.store.contributor_summary(&jane).unwrap().subtitle, "Jane Doe · All incidents");
    let quiet = ReportFilter { person: Some("quiet@corp.example".into()), ..year_2026() };
    let summary = f.store.contributor_summary(&quiet).unwrap();
    assert_eq!(summary.subtitle, "One contributor · 1 Jan 2026 – 31 Dec 2026", "a pseudonym is not undone");

    let error = |filter: ReportFilter| f.store.contributor_summary(&filter).unwrap_err();
    let swapped =
        error(ReportFilter { from: Some("2026-12-31".into()), to: Some("2026-01-01".into()), ..Default::default() });
    assert_eq!((swapped.code(), swapped.field()), ("invalid", Some("to")));
    assert!(swapped.to_string().contains("before the start date"), "{swapped}");
    let bad = error(ReportFilter { from: Some("31/12/2026".into()), ..Default::default() });
    assert!(bad.to_string().contains("YYYY-MM-DD"), "{bad}");
    assert_eq!(error(ReportFilter { incident: Some("INC-NOPE".into()), ..Default::default() }).code(), "not_found");
}

#[test]
fn a_report_on_an_incident_with_nobody_yet_still_shows_the_incident() {
    let f = fixture();
    incident(&f.store, "INC-EMPTY", IncidentKind::Other, "2026-06-01", Tlp::Green);
    let doc = f
        .store
        .contributor_document(&ReportFilter { incident: Some("INC-EMPTY".into()), ..Default::default() })
        .unwrap();
    assert_eq!(doc.incidents.len(), 1);
    assert!(doc.incidents[0].contributions.is_empty());
    assert_eq!(doc.summary.totals.contributions, 0);
    let md = text_report(
        &f.store,
        ReportKind::Contributors,
        &ReportFilter { incident: Some("INC-EMPTY".into()), ..Default::default() },
        ReportFormat::Md,
    );
    assert!(md.contains("No contributions recorded yet."), "{md}");
}

#[test]
fn streamed_json_is_the_same_document_as_in_memory() {
    let f = fixture();
    let text = text_report(&f.store, ReportKind::Contributors, &year_2026(), ReportFormat::Json);
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    let expected = serde_json::to_value(f.store.contributor_document(&year_2026()).unwrap()).unwrap();
    assert_eq!(parsed, expected);
    assert_eq!(parsed["incidents"].as_array().unwrap().len(), 2);
    assert_eq!(parsed["incidents"][0]["reference"], "INC-A");
    assert_eq!(parsed["incidents"][0]["summary"], serde_json::Value::Null);
}

#[test]
fn markdown_shows_names_as_written_and_marks_pseudonyms() {
    let f = fixture();
    let md = text_report(&f.store, ReportKind::Contributors, &year_2026(), ReportFormat::Md);
    assert!(md.starts_with("# Contributor report\n"), "{md}");
    assert!(md.contains("## INC-A · Title of INC-A `TLP:AMBER`"), "{md}");
    assert!(md.contains("*Contributor 1, Service Desk*"), "{md}");
    assert!(md.contains("=HYPERLINK(\"http://evil.example\",\"click\")"), "{md}");
    assert!(md.contains("| Corp | 4 |"), "{md}");
    assert!(!md.contains("INTERNAL-ONLY") && !md.contains("Quiet Helper"), "{md}");
}

#[test]
fn recognition_ranks_people_and_teams() {
    let f = fixture();
    let report = f.store.recognition_report(&ReportFilter::default(), 0).unwrap();
    assert_eq!(report.totals, RecognitionTotals { incidents: 3, contributions: 6, contributors: 4, teams: 2 });
    let first = &report.people[0];
    assert_eq!(
        (first.rank, first.contributor.as_str(), first.contributions, first.incident_count),
        (1, "Jane Doe", 3, 3)
    );
    assert_eq!(first.incidents[0].reference, "INC-B", "most recent first");
    assert_eq!(first.incidents[0].tlp_label, "TLP:RED");
    assert_eq!(first.gave.len(), 3);
    let quiet = report.people.iter().find(|p| p.pseudonymous).unwrap();
    assert_eq!(quiet.contributor, "Contributor 1, Service Desk");
    assert_eq!(report.teams[0].team, "IT Operations");
    assert_eq!((report.teams[0].contributions, report.teams[0].people), (4, 2));

    let top_one = f.store.recognition_report(&year_2026(), 1).unwrap();
    assert_eq!(top_one.people.len(), 1);
    let rows = parse_csv(&text_report(&f.store, ReportKind::Recognition { top: 0 }, &year_2026(), ReportFormat::Csv));
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().any(|r| r[1] == format!("'{FORMULA}")), "{rows:?}");
    let md = text_report(&f.store, ReportKind::Recognition { top: 0 }, &year_2026(), ReportFormat::Md);
    assert!(md.contains("## Top contributors") && md.contains("INC-B `TLP:RED`"), "{md}");
}

#[test]
fn a_failed_report_leaves_the_earlier_file_and_no_partial_one() {
    let f = fixture();
    let path = f.dir.path().join("reports").join("report.csv");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "earlier report").unwrap();
    let failed = write_atomically(&path, |file| {
        use std::io::Write;
        file.write_all(b"half a report").unwrap();
        Err::<(), _>(Error::Cancelled("stopped".into()))
    });
    assert!(failed.is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "earlier report");
    assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no temporary file is left");

    let written = write_atomically(&path, |file| {
        write_report(&f.store, ReportKind::Contributors, &year_2026(), ReportFormat::Csv, file)
    })
    .unwrap();
    assert_eq!(written, 5);
    assert!(std::fs::read_to_string(&path).unwrap().contains("Jane Doe"));
    let folder = write_atomically(f.dir.path(), |_| Ok(())).unwrap_err();
    assert!(folder.to_string().contains("is a folder"), "{folder}");
}

#[test]
fn history_tells_an_incident_and_a_person_what_happened() {
    let f = fixture();
    f.store.set_incident_status(&f.store.incident("INC-A").unwrap().id, Status::Investigating, false).unwrap();
    let history = f.store.incident_history("INC-A").unwrap();
    let lines: Vec<&str> = history.iter().map(|h| h.summary.as_str()).collect();
    assert_eq!(lines[0], "Status changed from Open to Investigating", "{lines:#?}");
    assert!(lines.contains(&"Created the incident INC-A"), "{lines:#?}");
    assert!(lines.contains(&"Credited a contribution (Jane Doe)"), "{lines:#?}");
    assert!(lines.contains(&"Thank-you delivered (Jane Doe)"), "{lines:#?}");
    assert!(lines.contains(&"Queued 3 thank-you messages for sending"), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("INC-B") || l.contains("Vic Vendor")), "{lines:#?}");
    assert!(history.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
    assert!(history.iter().filter(|h| h.action != "delivered").all(|h| h.actor == "tester"));

    let jane = f.store.person_history("JANE@corp.example").unwrap();
    let lines: Vec<&str> = jane.iter().map(|h| h.summary.as_str()).collect();
    assert!(lines.contains(&"Added to the directory"), "{lines:#?}");
    assert!(lines.contains(&"Credited a contribution (INC-OLD)"), "{lines:#?}");
    assert!(lines.contains(&"Thank-you delivered (INC-A)"), "{lines:#?}");
    assert_eq!(f.store.person_history("nobody@corp.example").unwrap_err().code(), "not_found");
}
