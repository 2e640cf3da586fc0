//! The outbox over real database files: queueing approved messages with their final bytes, the
//! sending loop's durable states with a scripted transport (the real servers are exercised by
//! tests/system), interrupted runs becoming uncertain, resolving, cancelling, retrying, and the
//! `.eml` folder transport.

use afterword_core::outbox::*;
use afterword_core::*;
use std::collections::VecDeque;
use std::sync::atomic::AtomicBool;

struct Fixture {
    dir: tempfile::TempDir,
    store: Store,
    incident: Incident,
}

fn fixture(people: usize) -> Fixture {
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
    let incident = store
        .create_incident(&IncidentInput {
            title: "Phishing wave".into(),
            kind: Some(IncidentKind::PhishingReport),
            tlp: Some(Tlp::Green),
            ..Default::default()
        })
        .unwrap();
    for n in 0..people {
        let person = store
            .create_person(&PersonInput {
                name: format!("Person {n:02}"),
                email: format!("p{n:02}@corp.example"),
                organisation: "Corp".into(),
                audience: Some(Audience::EndUser),
                ..Default::default()
            })
            .unwrap();
        store
            .add_contribution(&ContributionInput {
                incident_id: incident.id.clone(),
                person_id: person.id,
                what: "reported the phishing mail".into(),
                impact: "we blocked the sender".into(),
                ..Default::default()
            })
            .unwrap();
    }
    store.generate_messages(&incident.reference).unwrap();
    Fixture { dir, store, incident }
}

fn approve_and_queue(f: &Fixture) -> outbox::QueueReport {
    f.store.approve_all_messages(&f.incident.reference, true).unwrap();
    f.store.queue_incident(&f.incident.reference).unwrap()
}

/// Answers each delivery from a script, recording what it was handed.
struct Scripted {
    answers: VecDeque<Attempt>,
    handed: Vec<(String, Vec<String>, Vec<u8>)>,
}

impl Scripted {
    fn new(answers: impl IntoIterator<Item = Attempt>) -> Scripted {
        Scripted { answers: answers.into_iter().collect(), handed: Vec::new() }
    }
}

impl Transport for Scripted {
    fn describe(&self) -> String {
        "scripted".into()
    }
    fn deliver(&mut self, d: Delivery<'_>) -> Attempt {
        self.handed.push((d.message_id.to_string(), d.recipients.to_vec(), d.eml.to_vec()));
        self.answers.pop_front().unwrap_or(Attempt::Sent { reply: "250 2.0.0 Ok".into() })
    }
}

fn run(f: &Fixture, transport: &mut dyn Transport, include_deferred: bool) -> RunReport {
    let lock = f.store.begin_sending().unwrap();
    let options = RunOptions { include_deferred, rate_per_minute: 0 };
    f.store.send_due(&lock, transport, &options, &AtomicBool::new(false), &mut |_| {}).unwrap()
}

fn states(f: &Fixture) -> Vec<MessageState> {
    let mut entries = f.store.outbox(Some(&f.incident.reference)).unwrap();
    entries.sort_by(|a, b| a.recipient.cmp(&b.recipient));
    entries.into_iter().map(|e| e.state).collect()
}

#[test]
fn approved_messages_queue_with_their_final_bytes_and_drafts_stay() {
    let f = fixture(3);
    let messages = f.store.messages(&f.incident.reference).unwrap();
    f.store.approve_message(&messages[0].id, true).unwrap();
    f.store.approve_message(&messages[1].id, true).unwrap();
    let report = f.store.queue_incident(&f.incident.reference).unwrap();
    assert_eq!((report.queued, report.not_approved, report.problems.len()), (2, 1, 0), "{report:?}");

    let entry = f.store.outbox_entry(&messages[0].message_id).unwrap();
    assert_eq!(entry.state, MessageState::Queued);
    assert_eq!(entry.message_id, messages[0].message_id);
    let eml = String::from_utf8(f.store.outbox_eml(&entry.id).unwrap()).unwrap();
    assert!(eml.contains(&format!("Message-ID: <{}>", messages[0].message_id)), "{eml}");
    assert!(eml.contains("multipart/alternative"), "{eml}");
    // Queued messages are the outbox's now: no more editing.
    assert!(f.store.edit_message(&messages[0].id, "Other", "Other").is_err());
}

#[test]
fn reply_to_and_a_visible_copy_come_from_the_server_settings() {
    let f = fixture(1);
    f.store
        .set_smtp_settings(&SmtpSettings {
            host: "127.0.0.1".into(),
            port: 2525,
            security: Security::None,
            reply_to: "soc@corp.example".into(),
            copy_self: CopySelf::Cc,
            ..Default::default()
        })
        .unwrap();
    approve_and_queue(&f);
    let mut transport = Scripted::new([]);
    run(&f, &mut transport, false);
    let (_, recipients, eml) = &transport.handed[0];
    assert_eq!(recipients, &vec!["p00@corp.example".to_string(), "sam@corp.example".to_string()]);
    let eml = String::from_utf8_lossy(eml);
    assert!(eml.contains("Reply-To: soc@corp.example"), "{eml}");
    assert!(
        eml.contains("Cc: \"Sam Analyst\" <sam@corp.example>") || eml.contains("Cc: Sam Analyst <sam@corp.example>"),
        "{eml}"
    );
}

#[test]
fn each_verdict_is_recorded_and_the_batch_goes_on() {
    let f = fixture(4);
    approve_and_queue(&f);
    let mut transport = Scripted::new([
        Attempt::Sent { reply: "250 ok".into() },
        Attempt::Failed { reply: "550 5.1.1 no such user".into() },
        Attempt::Deferred { reply: "451 4.3.0 try later".into() },
        Attempt::Uncertain { reason: "connection lost".into() },
    ]);
    let report = run(&f, &mut transport, false);
    assert_eq!(report.end, RunEnd::Finished);
    let p = &report.progress;
    assert_eq!((p.total, p.done, p.sent, p.failed, p.deferred, p.uncertain), (4, 4, 1, 1, 1, 1));
    let counts = f.store.outbox_counts().unwrap();
    assert_eq!((counts.sent, counts.failed, counts.deferred, counts.uncertain), (1, 1, 1, 1));
    assert!(report.next_due_at.is_some(), "the deferred message has a next attempt time");

    // The deferred one is not due yet; "send now" takes it at once, with the same bytes.
    let mut again = Scripted::new([]);
    assert_eq!(run(&f, &mut again, false).progress.total, 0);
    let report = run(&f, &mut again, true);
    assert_eq!(report.progress.sent, 1);
    assert_eq!(again.handed[0].2, transport.handed[2].2, "a retry sends the very same bytes");
    let failed = f.store.outbox(None).unwrap().into_iter().find(|e| e.state == MessageState::Failed).unwrap();
    assert!(failed.last_reply.contains("550 5.1.1"), "{failed:?}");
    assert_eq!(failed.attempts, 1);
}

#[test]
fn an_unreachable_server_defers_one_and_keeps_the_rest_queued() {
    let f = fixture(3);
    approve_and_queue(&f);
    let mut transport = Scripted::new([Attempt::Stopped(Stop::Unreachable("Nothing answers".into()))]);
    let report = run(&f, &mut transport, false);
    assert!(matches!(report.end, RunEnd::Unreachable { .. }), "{report:?}");
    let counts = f.store.outbox_counts().unwrap();
    assert_eq!((counts.deferred, counts.queued, counts.sent), (1, 2, 0));
    assert_eq!(transport.handed.len(), 1, "no hammering a server that is down");

    // The server answers again: everything goes out.
    let report = run(&f, &mut Scripted::new([]), true);
    assert_eq!(report.progress.sent, 3);
}

#[test]
fn a_refused_password_leaves_every_message_queued_untouched() {
    let f = fixture(2);
    approve_and_queue(&f);
    let reason = "The server refused the user name or password";
    let mut transport = Scripted::new([Attempt::Stopped(Stop::NeedsAttention(reason.into()))]);
    let report = run(&f, &mut transport, false);
    assert_eq!(report.end, RunEnd::NeedsAttention { reason: reason.into() });
    assert_eq!(states(&f), vec![MessageState::Queued, MessageState::Queued]);
    assert!(f.store.outbox(None).unwrap().iter().all(|e| e.attempts == 0 && e.sent_at.is_none()));
}

#[test]
fn a_run_that_died_mid_message_leaves_it_uncertain_never_resent() {
    let f = fixture(2);
    approve_and_queue(&f);
    // Simulate a crash: the message was marked sending and the process died.
    let entry = &f.store.outbox(None).unwrap()[0];
    f.store.connection().execute("UPDATE messages SET state = 'sending' WHERE id = ?1", [&entry.id]).unwrap();
    let mut transport = Scripted::new([]);
    let report = run(&f, &mut transport, true);
    assert_eq!(report.progress.sent, 1, "only the other message was sent");
    assert!(transport.handed.iter().all(|(id, _, _)| id != &entry.message_id));
    let uncertain = f.store.outbox_entry(&entry.id).unwrap();
    assert_eq!(uncertain.state, MessageState::Uncertain);
    assert!(uncertain.last_reply.contains("may or may not"), "{}", uncertain.last_reply);

    // The analyst decides: resend it.
    f.store.resolve_uncertain(&format!("<{}>", entry.message_id), Resolution::Resend).unwrap();
    assert_eq!(run(&f, &mut transport, false).progress.sent, 1);
    assert!(f.store.resolve_uncertain(&entry.id, Resolution::Sent).unwrap_err().to_string().contains("not uncertain"));
}

#[test]
fn after_a_crash_on_the_same_boot_reserved_messages_go_back_and_only_the_one_handed_over_is_uncertain() {
    let Ok(boot) = std::fs::read_to_string("/proc/sys/kernel/random/boot_id") else {
        return; // Not Linux: every reservation is a single message, covered above.
    };
    let f = fixture(3);
    approve_and_queue(&f);
    let entries = f.store.outbox(None).unwrap();
    let conn = f.store.connection();
    for (n, entry) in entries.iter().enumerate() {
        conn.execute("UPDATE messages SET state = 'sending' WHERE id = ?1", [&entry.id]).unwrap();
        // The first was being handed over; the others only reserved, on this boot or another.
        let boot = if n == 2 { "another-boot".to_string() } else { boot.trim().to_string() };
        conn.execute(
            "UPDATE outbox SET attempting = ?2, claimed_boot = ?3 WHERE message_id = ?1",
            rusqlite::params![entry.id, i32::from(n == 0), boot],
        )
        .unwrap();
    }
    // Reserved-but-not-started shows as waiting, not as being sent.
    assert_eq!(f.store.outbox_counts().unwrap().sending, 1);
    drop(f.store.begin_sending().unwrap());
    let state = |id: &str| f.store.outbox_entry(id).unwrap().state;
    assert_eq!(state(&entries[0].id), MessageState::Uncertain, "handed over: may have arrived");
    assert_eq!(state(&entries[1].id), MessageState::Queued, "reserved on this boot, never started");
    assert_eq!(state(&entries[2].id), MessageState::Uncertain, "after a reboot unsynced writes may be lost");
}

#[test]
fn only_one_sender_at_a_time() {
    let f = fixture(1);
    let _held = f.store.begin_sending().unwrap();
    let other = Store::open_in(f.dir.path()).unwrap();
    let error = other.begin_sending().unwrap_err();
    assert_eq!(error.code(), "busy");
}

#[test]
fn cancel_and_retry_move_only_the_right_states() {
    let f = fixture(3);
    approve_and_queue(&f);
    let ids: Vec<String> = f.store.outbox(None).unwrap().into_iter().map(|e| e.id).collect();
    assert_eq!(f.store.cancel_outbox(&ids[..2]).unwrap(), 2);
    assert_eq!(f.store.cancel_outbox(&ids[..2]).unwrap(), 0, "already cancelled");
    let report = run(&f, &mut Scripted::new([]), false);
    assert_eq!(report.progress.sent, 1);
    assert_eq!(f.store.retry_outbox(&ids).unwrap(), 2, "the sent one is not retried");
    assert_eq!(run(&f, &mut Scripted::new([]), false).progress.sent, 2);
}

#[test]
fn a_cancelled_message_can_be_reworked_and_queued_again_with_its_new_text() {
    let f = fixture(1);
    approve_and_queue(&f);
    let id = f.store.outbox(None).unwrap()[0].id.clone();
    f.store.cancel_outbox(std::slice::from_ref(&id)).unwrap();
    assert!(f.store.edit_message(&id, "Thanks", "Still the outbox's").is_err(), "cancelled is not a draft yet");
    assert_eq!(f.store.unapprove_message(&id).unwrap().state, MessageState::Draft);
    f.store.edit_message(&id, "Thank you, again", "Thank you for reporting the mail: we blocked the sender.").unwrap();
    approve_and_queue(&f);
    let mut transport = Scripted::new([]);
    assert_eq!(run(&f, &mut transport, false).progress.sent, 1);
    let sent = String::from_utf8_lossy(&transport.handed[0].2).to_string();
    assert!(sent.contains("Subject: Thank you, again"), "{sent}");
}

#[test]
fn sent_messages_count_as_thanked_on_the_person_and_the_checklist() {
    let f = fixture(2);
    approve_and_queue(&f);
    assert_eq!(f.store.closeout(&f.incident.reference).unwrap().done, 0, "queued is not thanked yet");
    run(&f, &mut Scripted::new([]), false);
    assert_eq!(f.store.closeout(&f.incident.reference).unwrap().done, 2);
    let person = f.store.person_by_email("p00@corp.example").unwrap().unwrap();
    let thanks = f.store.thanks_for(&person.id).unwrap();
    assert_eq!(thanks.len(), 1);
    assert_eq!(thanks[0].incident_reference, f.incident.reference);
}

#[test]
fn without_a_server_messages_become_eml_files() {
    let f = fixture(2);
    approve_and_queue(&f);
    let folder = f.dir.path().join("outbox");
    let mut transport = EmlFolder { folder: folder.clone() };
    let report = run(&f, &mut transport, false);
    assert_eq!(report.progress.sent, 2);
    let mut files: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 2);
    let entry = f.store.outbox(None).unwrap().into_iter().next().unwrap();
    assert!(entry.transport.starts_with("folder "), "{entry:?}");
    let bytes = std::fs::read(folder.join(format!("{}.eml", entry.message_id))).unwrap();
    assert_eq!(bytes, f.store.outbox_eml(&entry.id).unwrap());
}
