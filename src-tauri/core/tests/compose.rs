//! Composing over real database files: settings, outcome sections and TLP, message generation,
//! approval, skipping, the dry run's .eml files (parsed back), merges and the close-out checklist.

use afterword_core::compose::*;
use afterword_core::compose::{builtin, render, tone};
use afterword_core::*;
use proptest::prelude::*;

// ---- fixtures

struct Fixture {
    dir: tempfile::TempDir,
    store: Store,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap().with_actor("tester");
    store
        .update_sender(&Settings {
            sender_name: "Sam Analyst".into(),
            sender_email: "sam@corp.example".into(),
            organisation: "Corp".into(),
            signature: "Security team, Corp".into(),
        })
        .unwrap();
    Fixture { dir, store }
}

fn incident(store: &Store, kind: IncidentKind, tlp: Tlp) -> Incident {
    store
        .create_incident(&IncidentInput {
            title: "Phishing wave".into(),
            kind: Some(kind),
            tlp: Some(tlp),
            ..Default::default()
        })
        .unwrap()
}

fn person(store: &Store, name: &str, email: &str, organisation: &str, audience: Audience) -> Person {
    store
        .create_person(&PersonInput {
            name: name.into(),
            email: email.into(),
            organisation: organisation.into(),
            audience: Some(audience),
            ..Default::default()
        })
        .unwrap()
}

fn contribute(store: &Store, incident: &Incident, person: &Person, what: &str, impact: &str) {
    store
        .add_contribution(&ContributionInput {
            incident_id: incident.id.clone(),
            person_id: person.id.clone(),
            what: what.into(),
            impact: impact.into(),
            ..Default::default()
        })
        .unwrap();
}

fn section(
    store: &Store,
    incident: &Incident,
    tlp: Tlp,
    heading: &str,
    body: &str,
    readers: &[&str],
) -> OutcomeSection {
    store
        .add_outcome_section(
            &incident.reference,
            &OutcomeSectionInput {
                heading: heading.into(),
                body: body.into(),
                tlp: Some(tlp),
                readers: readers.iter().map(|r| r.to_string()).collect(),
            },
        )
        .unwrap()
}

fn message_to<'a>(messages: &'a [MessageSummary], email: &str) -> &'a MessageSummary {
    messages.iter().find(|m| m.person_email == email).unwrap_or_else(|| panic!("no message to {email}"))
}

/// Everything a recipient could read in an .eml: every header value and every decoded part.
fn readable_text(bytes: &[u8]) -> String {
    let mail = mailparse::parse_mail(bytes).unwrap();
    let mut out = String::new();
    collect(&mail, &mut out);
    out
}

fn collect(part: &mailparse::ParsedMail<'_>, out: &mut String) {
    for header in &part.headers {
        out.push_str(&header.get_value());
        out.push('\n');
    }
    if part.subparts.is_empty() {
        out.push_str(&part.get_body().unwrap());
    }
    for sub in &part.subparts {
        collect(sub, out);
    }
}

// ---- settings

#[test]
fn settings_are_validated_like_every_other_field_and_one_bad_value_saves_nothing() {
    let f = fixture();
    let err = f.store.set_setting(SettingKey::SenderEmail, "not an address").unwrap_err();
    assert_eq!((err.code(), err.field()), ("invalid", Some("sender_email")));
    let err = f.store.set_setting(SettingKey::SenderName, "Sam\r\nBcc: evil@x.example").unwrap_err();
    assert!(err.to_string().contains("line break"), "{err}");

    let before = f.store.settings().unwrap();
    let err = f
        .store
        .update_sender(&Settings { sender_name: "New Name".into(), sender_email: "bad@".into(), ..before.clone() })
        .unwrap_err();
    assert_eq!(err.field(), Some("sender_email"));
    assert_eq!(f.store.settings().unwrap(), before, "nothing saved when one field is bad");

    let after = f.store.set_setting(SettingKey::parse("organisation").unwrap(), "  Corp Ltd ").unwrap();
    assert_eq!(after.organisation, "Corp Ltd");
}

// ---- outcome

#[test]
fn outcome_sections_default_to_the_incidents_tlp_and_red_needs_readers() {
    let f = fixture();
    let inc = incident(&f.store, IncidentKind::SecurityIncident, Tlp::Green);
    let s = f
        .store
        .add_outcome_section(&inc.reference, &OutcomeSectionInput { body: "All clear.".into(), ..Default::default() })
        .unwrap();
    assert_eq!(s.tlp, Tlp::Green);

    let err = f
        .store
        .add_outcome_section(
            &inc.reference,
            &OutcomeSectionInput { body: "Secret".into(), tlp: Some(Tlp::Red), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("readers"));
    let err = f
        .store
        .add_outcome_section(
            &inc.reference,
            &OutcomeSectionInput {
                body: "x".into(),
                tlp: Some(Tlp::Amber),
                readers: vec!["nobody@x.example".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("readers"));

    let err = f
        .store
        .add_outcome_section(&inc.reference, &OutcomeSectionInput { body: "  ".into(), ..Default::default() })
        .unwrap_err();
    assert!(err.to_string().contains("required"), "{err}");

    let second = section(&f.store, &inc, Tlp::Clear, "Second", "two", &[]);
    let moved = f.store.move_outcome_section(&second.id, 0).unwrap();
    assert_eq!(moved.iter().map(|s| s.heading.as_str()).collect::<Vec<_>>(), ["Second", ""]);
}

// ---- messages

struct Scenario {
    f: Fixture,
    inc: Incident,
}

/// An incident with three contributors of different audiences, one internal, and sections of
/// every label; Tom is named on the RED one.
fn scenario() -> Scenario {
    let f = fixture();
    let inc = incident(&f.store, IncidentKind::PhishingReport, Tlp::Amber);
    let jane = person(&f.store, "Jane Doe", "jane@corp.example", "Corp", Audience::EndUser);
    let tom = person(&f.store, "Tom Ortega", "tom@corp.example", "Corp", Audience::ItOperations);
    let vera = person(&f.store, "Vera Vendor", "vera@vendor.example", "Vendor Ltd", Audience::ThirdParty);
    contribute(&f.store, &inc, &jane, "reported the mail", "we found 14 more copies");
    contribute(&f.store, &inc, &tom, "pulled proxy logs", "showed nobody else clicked");
    contribute(&f.store, &inc, &vera, "sent firewall exports", "");
    section(&f.store, &inc, Tlp::Clear, "What happened", "A fake invoice mail reached 15 people. We removed it.", &[]);
    section(&f.store, &inc, Tlp::AmberStrict, "Inside only", "The payroll team was the target of ORANGE-GIRAFFE.", &[]);
    section(
        &f.store,
        &inc,
        Tlp::Red,
        "Named only",
        "The sender used the account of PURPLE-WALRUS.",
        &["tom@corp.example"],
    );
    Scenario { f, inc }
}

#[test]
fn generating_creates_one_draft_per_contributor_with_a_fixed_message_id() {
    let s = scenario();
    let report = s.f.store.generate_messages(&s.inc.reference).unwrap();
    assert_eq!((report.created, report.kept), (3, 0));
    assert!(report.warnings.iter().any(|w| w.contains("Vera Vendor")), "{:?}", report.warnings);
    let messages = s.f.store.messages(&s.inc.reference).unwrap();
    assert!(messages.iter().all(|m| m.state == MessageState::Draft));
    assert!(messages.iter().all(|m| m.message_id.ends_with("@corp.example")), "{messages:?}");

    let again = s.f.store.generate_messages(&s.inc.reference).unwrap();
    assert_eq!((again.created, again.kept), (0, 3));
    let ids: Vec<_> = s.f.store.messages(&s.inc.reference).unwrap().into_iter().map(|m| m.message_id).collect();
    assert_eq!(ids, messages.iter().map(|m| m.message_id.clone()).collect::<Vec<_>>());
}

#[test]
fn each_recipient_sees_only_what_tlp_allows_and_the_preview_says_what_was_withheld() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let messages = s.f.store.messages(&s.inc.reference).unwrap();

    let jane = s.f.store.preview_message(&message_to(&messages, "jane@corp.example").id).unwrap();
    assert!(jane.text.contains("ORANGE-GIRAFFE") && !jane.text.contains("PURPLE-WALRUS"));
    assert_eq!(jane.withheld.len(), 1);
    assert_eq!(jane.withheld[0].reason, tlp::Withheld::NotNamed);
    assert!(jane.text.contains("TLP:CLEAR") && jane.text.contains("TLP:AMBER+STRICT"), "{}", jane.text);

    let tom = s.f.store.preview_message(&message_to(&messages, "tom@corp.example").id).unwrap();
    assert!(tom.withheld.is_empty());
    assert!(tom.html.contains("PURPLE-WALRUS") && tom.text.contains("TLP:RED"));

    let vera = s.f.store.preview_message(&message_to(&messages, "vera@vendor.example").id).unwrap();
    let reasons: Vec<_> = vera.withheld.iter().map(|w| w.reason).collect();
    assert_eq!(reasons, [tlp::Withheld::OutsideOrganisation, tlp::Withheld::NotNamed]);
    for part in [&vera.html, &vera.text, &vera.markdown, &vera.subject] {
        assert!(!part.contains("ORANGE-GIRAFFE") && !part.contains("PURPLE-WALRUS"));
    }
    assert!(vera.warnings.iter().any(|w| w.code == "no_impact"), "{:?}", vera.warnings);
}

#[test]
fn amber_strict_is_withheld_from_everyone_while_no_organisation_is_set() {
    let s = scenario();
    s.f.store.set_setting(SettingKey::Organisation, "").unwrap();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let messages = s.f.store.messages(&s.inc.reference).unwrap();
    let jane = s.f.store.preview_message(&message_to(&messages, "jane@corp.example").id).unwrap();
    assert!(!jane.text.contains("ORANGE-GIRAFFE"));
    assert!(jane.withheld.iter().any(|w| w.reason == tlp::Withheld::NoOrganisationSet));
}

#[test]
fn an_edit_survives_regeneration_and_cannot_smuggle_a_withheld_section() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let messages = s.f.store.messages(&s.inc.reference).unwrap();
    let vera = message_to(&messages, "vera@vendor.example");
    let edited =
        s.f.store
            .edit_message(
                &vera.id,
                "Thank you, Vera",
                "Hi Vera,\n\nThank you for the exports. We removed the mail everywhere.",
            )
            .unwrap();
    assert!(edited.message.edited);
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let after = s.f.store.preview_message(&vera.id).unwrap();
    assert_eq!(after.subject, "Thank you, Vera");

    s.f.store
        .edit_message(
            &vera.id,
            "Thanks",
            "Thank you! FYI: the sender used the account of PURPLE-WALRUS. It is resolved.",
        )
        .unwrap();
    let err = s.f.store.approve_message(&vera.id, true).unwrap_err();
    assert!(err.to_string().contains("Named only"), "{err}");

    let reset = s.f.store.reset_message(&vera.id).unwrap();
    assert!(!reset.message.edited && !reset.markdown.contains("PURPLE-WALRUS"));
}

#[test]
fn edits_refuse_header_injection_and_html_stays_inert() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let id = message_to(&s.f.store.messages(&s.inc.reference).unwrap(), "jane@corp.example").id.clone();
    let err = s.f.store.edit_message(&id, "Thanks\r\nBcc: all@corp.example", "Thank you.").unwrap_err();
    assert_eq!(err.field(), Some("subject"));
    let shown =
        s.f.store.edit_message(&id, "Thanks <b>", "Thank you <script>alert(1)</script>, it is resolved.").unwrap();
    assert!(!shown.html.contains("<script>"), "{}", shown.html);
}

#[test]
fn approval_with_tone_findings_needs_acknowledgement_which_is_audited() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let id = message_to(&s.f.store.messages(&s.inc.reference).unwrap(), "jane@corp.example").id.clone();
    s.f.store
        .edit_message(
            &id,
            "About the mail",
            "Hi Jane,\n\nYou clicked the link, which was careless. It is resolved now. Thanks.",
        )
        .unwrap();
    let err = s.f.store.approve_message(&id, false).unwrap_err();
    assert_eq!(err.code(), "needs_confirmation");
    assert_eq!(s.f.store.message(&id).unwrap().state, MessageState::Draft);

    let approved = s.f.store.approve_message(&id, true).unwrap();
    assert_eq!(approved.state, MessageState::Approved);
    let history = s.f.store.history("message", &id).unwrap();
    let approval = history.iter().find(|h| h.action == "approve").unwrap();
    assert!(approval.detail.contains("blame"), "{}", approval.detail);
}

#[test]
fn an_approval_lapses_when_what_would_be_sent_changes() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let bulk = s.f.store.approve_all_messages(&s.inc.reference, true).unwrap();
    assert_eq!(bulk.approved, 3, "{bulk:?}");
    section(&s.f.store, &s.inc, Tlp::Clear, "Update", "The last copies were removed on Monday.", &[]);
    // At once, not only when the messages are regenerated.
    assert!(s.f.store.messages(&s.inc.reference).unwrap().iter().all(|m| m.state == MessageState::Draft));
    let history = s.f.store.history("message", &s.f.store.messages(&s.inc.reference).unwrap()[0].id).unwrap();
    assert!(history.iter().any(|h| h.action == "approval_lapsed"));
    // Approved again, then changed behind the store's back: regeneration still catches it.
    assert_eq!(s.f.store.approve_all_messages(&s.inc.reference, true).unwrap().approved, 3);
    s.f.store
        .connection()
        .execute("UPDATE contributions SET impact = 'changed by another machine' WHERE deleted_at IS NULL", [])
        .unwrap();
    let report = s.f.store.generate_messages(&s.inc.reference).unwrap();
    assert_eq!(report.returned_to_draft, 3);
    assert!(s.f.store.messages(&s.inc.reference).unwrap().iter().all(|m| m.state == MessageState::Draft));
}

#[test]
fn do_not_contact_people_are_skipped_saying_so_and_cannot_be_unskipped() {
    let s = scenario();
    let dnc =
        s.f.store
            .create_person(&PersonInput {
                name: "Quiet Person".into(),
                email: "quiet@corp.example".into(),
                do_not_contact: true,
                ..Default::default()
            })
            .unwrap();
    contribute(&s.f.store, &s.inc, &dnc, "confirmed the timeline", "closed a gap");
    let report = s.f.store.generate_messages(&s.inc.reference).unwrap();
    assert_eq!(report.skipped_do_not_contact, 1);
    let m = message_to(&s.f.store.messages(&s.inc.reference).unwrap(), "quiet@corp.example").clone();
    assert_eq!(m.state, MessageState::Skipped);
    assert!(m.skip_reason.contains("do not contact"), "{}", m.skip_reason);
    assert!(s.f.store.unskip_message(&m.id).unwrap_err().to_string().contains("do not contact"));
    assert!(s.f.store.skip_message(&m.id, "  ").is_err());
}

#[test]
fn closing_with_loose_ends_asks_first_and_lists_them() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let messages = s.f.store.messages(&s.inc.reference).unwrap();
    s.f.store.skip_message(&message_to(&messages, "vera@vendor.example").id, "Thanked by phone").unwrap();
    s.f.store.approve_message(&message_to(&messages, "jane@corp.example").id, true).unwrap();

    // Approved is not thanked yet: only a sent message (or a reasoned skip) counts.
    let closeout = s.f.store.closeout(&s.inc.reference).unwrap();
    assert_eq!((closeout.done, closeout.loose_ends), (1, 2));
    let err = s.f.store.set_incident_status(&s.inc.id, Status::Closed, false).unwrap_err();
    assert_eq!(err.code(), "needs_confirmation");
    assert!(err.to_string().contains("Tom Ortega (draft)"), "{err}");
    assert!(err.to_string().contains("Jane Doe (approved)"), "{err}");
    assert_eq!(s.f.store.incident(&s.inc.id).unwrap().status, Status::Open);
    assert_eq!(s.f.store.set_incident_status(&s.inc.id, Status::Closed, true).unwrap().status, Status::Closed);
}

#[test]
fn the_dry_run_writes_one_parseable_eml_per_message_not_skipped() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let messages = s.f.store.messages(&s.inc.reference).unwrap();
    s.f.store.skip_message(&message_to(&messages, "vera@vendor.example").id, "Thanked in person").unwrap();
    let out = s.f.dir.path().join("dry-run");
    let report = s.f.store.render_messages(&s.inc.reference, &out).unwrap();
    assert_eq!((report.written, report.skipped), (2, 1), "{report:?}");
    let mut files: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 2);
    let jane = std::fs::read(&files[0]).unwrap();
    let mail = mailparse::parse_mail(&jane).unwrap();
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    let text = readable_text(&jane);
    assert!(text.contains(&message_to(&messages, "jane@corp.example").message_id));
    assert!(text.contains("Jane Doe") && text.contains("jane@corp.example"));
}

#[test]
fn merging_people_moves_red_readership_and_messages() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let keep = person(&s.f.store, "Thomas Ortega", "thomas.ortega@corp.example", "Corp", Audience::ItOperations);
    let tom = s.f.store.person_by_email("tom@corp.example").unwrap().unwrap();
    s.f.store.merge_people(&keep.id, &tom.id).unwrap();
    let red = s.f.store.outcome(&s.inc.reference).unwrap().into_iter().find(|s| s.tlp == Tlp::Red).unwrap();
    assert_eq!(red.readers.iter().map(|r| r.email.as_str()).collect::<Vec<_>>(), ["thomas.ortega@corp.example"]);
    let m = message_to(&s.f.store.messages(&s.inc.reference).unwrap(), "thomas.ortega@corp.example").clone();
    assert!(s.f.store.preview_message(&m.id).unwrap().text.contains("PURPLE-WALRUS"));
}

// ---- the TLP property: nothing above a recipient's level, in any part or header

const LABELS: [Tlp; 5] = [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict, Tlp::Red];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn no_section_above_a_recipients_level_reaches_them(
        sections in prop::collection::vec((0usize..5, prop::collection::vec(any::<bool>(), 4)), 1..6),
        internal in prop::collection::vec(any::<bool>(), 4),
    ) {
        let f = fixture();
        let inc = incident(&f.store, IncidentKind::SecurityIncident, Tlp::Amber);
        let people: Vec<Person> = (0..4)
            .map(|i| {
                let org = if internal[i] { "Corp" } else { "Elsewhere" };
                let p = person(&f.store, &format!("Person {i}"), &format!("p{i}@x{i}.example"), org, Audience::ALL[i]);
                contribute(&f.store, &inc, &p, "helped", "it mattered");
                p
            })
            .collect();
        let mut expected = Vec::new();
        for (n, (label, named)) in sections.iter().enumerate() {
            let tlp = LABELS[*label];
            let mut readers: Vec<&str> = people.iter().zip(named).filter(|(_, on)| **on).map(|(p, _)| p.email.as_str()).collect();
            if tlp == Tlp::Red && readers.is_empty() {
                readers.push(&people[0].email);
            }
            if tlp != Tlp::Red {
                readers.clear();
            }
            let marker = format!("MARKER{n}Z");
            section(&f.store, &inc, tlp, &format!("Heading {n}"), &format!("Body {marker} text."), &readers);
            expected.push((marker, tlp, readers.iter().map(|r| r.to_string()).collect::<Vec<_>>()));
        }
        f.store.generate_messages(&inc.reference).unwrap();
        let out = f.dir.path().join("out");
        let report = f.store.render_messages(&inc.reference, &out).unwrap();
        prop_assert_eq!(report.written, 4);
        for entry in std::fs::read_dir(&out).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let text = readable_text(&bytes);
            let who = people.iter().position(|p| text.contains(&p.email)).unwrap();
            for (marker, tlp, readers) in &expected {
                let may = match tlp {
                    Tlp::Clear | Tlp::Green | Tlp::Amber => true,
                    Tlp::AmberStrict => internal[who],
                    Tlp::Red => readers.contains(&people[who].email),
                };
                prop_assert_eq!(text.contains(marker.as_str()), may, "{} {:?} for person {}", marker, tlp, who);
            }
        }
    }
}

#[test]
fn a_users_tone_rules_file_extends_the_shipped_rules_and_a_broken_one_says_what_to_fix() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let id = message_to(&s.f.store.messages(&s.inc.reference).unwrap(), "jane@corp.example").id.clone();
    s.f.store
        .edit_message(&id, "Thanks", "Thank you, Jane. Let us circle back on the synergy. It is resolved.")
        .unwrap();
    assert!(s.f.store.preview_message(&id).unwrap().findings.is_empty());

    let file = s.f.dir.path().join("tone-rules.json");
    std::fs::write(
        &file,
        r#"{"rules": [{"id": "team.buzzwords", "category": "jargon", "pattern": "\\bsynergy\\b",
            "why": "Buzzwords read as filler.", "suggestion": "Say what you mean."}]}"#,
    )
    .unwrap();
    let findings = s.f.store.preview_message(&id).unwrap().findings;
    assert_eq!(findings.iter().map(|f| f.excerpt.as_str()).collect::<Vec<_>>(), ["synergy"]);

    std::fs::write(
        &file,
        r#"{"rules": [{"id": "broken", "category": "blame", "pattern": "(", "why": "x", "suggestion": "y"}]}"#,
    )
    .unwrap();
    // A new modification time even on coarse clocks.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options().write(true).open(&file).unwrap().set_modified(later).unwrap();
    let err = s.f.store.preview_message(&id).unwrap_err();
    assert_eq!(err.field(), Some("tone_rules"));
    assert!(err.to_string().contains("tone-rules.json") && err.to_string().contains("broken"), "{err}");
}

// ---- templates

#[test]
fn every_builtin_template_reads_well_for_its_audience_with_no_tone_findings() {
    for builtin in builtin::builtin_templates() {
        let audience = builtin.audience.unwrap_or(Audience::EndUser);
        let mut context = render::sample_context();
        context.person.audience = audience.as_str().to_string();
        let draft = render::render(
            &render::TemplateSource { subject: builtin.subject.to_string(), body: builtin.body.to_string() },
            &context,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", builtin.key));
        let outcome: Vec<String> = context.outcome.iter().map(|s| s.text.clone()).collect();
        let findings = tone::check(
            &draft.body,
            &tone::ToneOptions { audience, outcome_texts: &outcome },
            tone::ToneRules::builtin(),
        );
        assert!(findings.is_empty(), "{} has tone findings: {findings:#?}", builtin.key);
        for section in &context.outcome {
            assert!(draft.body.contains(&section.tlp_label), "{} leaves out {}", builtin.key, section.tlp_label);
        }
    }
}

#[test]
fn a_two_megabyte_template_is_refused_as_too_large_and_nothing_is_saved() {
    let f = fixture();
    let before = f.store.templates().unwrap();
    let huge = "Thank you! ".repeat(200_000);
    let err = f
        .store
        .create_template(&TemplateInput {
            name: "Huge".into(),
            subject: "Thanks".into(),
            body: huge,
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "invalid", "{err}");
    assert!(err.to_string().contains("at most 256 KiB"), "{err}");
    assert_eq!(f.store.templates().unwrap(), before);
}

#[test]
fn a_template_with_a_mistake_is_refused_with_its_line_and_column_and_the_saved_one_is_kept() {
    let f = fixture();
    let saved = f
        .store
        .create_template(&TemplateInput {
            name: "Mine".into(),
            subject: "Thanks, {{ person.first_name }}".into(),
            body: "Hi {{ person.first_name }},\n\nThank you.".into(),
            ..Default::default()
        })
        .unwrap();
    let err = f
        .store
        .update_template(
            &saved.id,
            &TemplateInput {
                name: "Mine".into(),
                subject: "Thanks".into(),
                body: "Hi,\n\n{{ incident.titel }}".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    let Error::Template(location) = &err else { panic!("{err:?}") };
    assert_eq!((location.line, location.column), (3, 13), "{location:?}");
    assert_eq!(f.store.template(&saved.id).unwrap().body, saved.body);
}

// ---- approvals stay true to what was approved

#[test]
fn removing_a_red_reader_lapses_the_approval_of_their_edited_message() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let tom = message_to(&s.f.store.messages(&s.inc.reference).unwrap(), "tom@corp.example").id.clone();
    s.f.store
        .edit_message(
            &tom,
            "Thanks, Tom",
            "Thank you, Tom. The sender used the account of PURPLE-WALRUS. It is resolved.",
        )
        .unwrap();
    assert_eq!(s.f.store.approve_message(&tom, true).unwrap().state, MessageState::Approved);

    // Tom is no longer named on the RED section: the edited text now carries what he may not see.
    let red = s.f.store.outcome(&s.inc.reference).unwrap().into_iter().find(|x| x.tlp == Tlp::Red).unwrap();
    let jane = s.f.store.person_by_email("jane@corp.example").unwrap().unwrap();
    s.f.store
        .update_outcome_section(
            &red.id,
            &OutcomeSectionInput {
                heading: red.heading.clone(),
                body: red.body.clone(),
                tlp: Some(Tlp::Red),
                readers: vec![jane.id],
            },
        )
        .unwrap();
    assert_eq!(s.f.store.message(&tom).unwrap().state, MessageState::Draft, "approval lapsed at once");
    assert!(s.f.store.approve_message(&tom, true).unwrap_err().to_string().contains("Named only"));
    assert_eq!(s.f.store.closeout(&s.inc.reference).unwrap().loose_ends, 3);
}

#[test]
fn raising_a_label_lapses_approvals_without_regenerating() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    assert_eq!(s.f.store.approve_all_messages(&s.inc.reference, true).unwrap().approved, 3);
    let clear = s.f.store.outcome(&s.inc.reference).unwrap().into_iter().find(|x| x.tlp == Tlp::Clear).unwrap();
    s.f.store
        .update_outcome_section(
            &clear.id,
            &OutcomeSectionInput {
                heading: clear.heading,
                body: clear.body,
                tlp: Some(Tlp::AmberStrict),
                readers: vec![],
            },
        )
        .unwrap();
    let states: Vec<_> =
        s.f.store.messages(&s.inc.reference).unwrap().into_iter().map(|m| (m.person_email, m.state)).collect();
    // Vera (outside) loses the section; Jane and Tom (inside) still see it, under a new label.
    assert!(states.iter().all(|(_, state)| *state == MessageState::Draft), "{states:?}");
}

#[test]
fn marking_someone_do_not_contact_skips_their_message_even_when_approved() {
    let s = scenario();
    s.f.store.generate_messages(&s.inc.reference).unwrap();
    let jane_message = message_to(&s.f.store.messages(&s.inc.reference).unwrap(), "jane@corp.example").id.clone();
    s.f.store.approve_message(&jane_message, true).unwrap();
    let jane = s.f.store.person_by_email("jane@corp.example").unwrap().unwrap();
    s.f.store
        .update_person(
            &jane.id,
            &PersonInput {
                name: jane.name.clone(),
                email: jane.email.clone(),
                organisation: jane.organisation.clone(),
                audience: Some(jane.audience),
                do_not_contact: true,
                ..Default::default()
            },
        )
        .unwrap();
    let m = s.f.store.message(&jane_message).unwrap();
    assert_eq!(m.state, MessageState::Skipped);
    assert!(m.skip_reason.contains("do not contact"));
}
