//! The shell's commands through Tauri's real IPC layer (mock runtime, no window), against a
//! real core and database in a temp data dir; plus the generated bindings being current.

use afterword_app::sender::{Notifier, Sender};
use afterword_app::{specta_builder, AppState};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::{InvokeRequest, WebviewWindowBuilder};
use tauri::{Manager, WebviewWindow};

struct App {
    _dir: tempfile::TempDir,
    notified: Arc<Mutex<Vec<String>>>,
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

fn app() -> App {
    app_in(tempfile::tempdir().unwrap())
}

/// The app over the data folder `dir`, whatever it holds.
fn app_in(dir: tempfile::TempDir) -> App {
    let state = AppState::open(dir.path().to_path_buf());
    let notified = Arc::new(Mutex::new(Vec::new()));
    let sender = Sender::start(dir.path().to_path_buf(), Box::new(Recorded(Arc::clone(&notified))));
    let app = mock_builder()
        .plugin(tauri_plugin_store::Builder::default().build())
        .manage(state)
        .manage(sender)
        .manage(afterword_app::imports::ImportJobs::default())
        .invoke_handler(specta_builder::<MockRuntime>().invoke_handler())
        .build(mock_context(noop_assets()))
        .unwrap();
    // The mock runtime does not run setup hooks; install preferences as the app's setup does.
    afterword_app::preferences::install(app.handle()).unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    App { _dir: dir, notified, _app: app, window }
}

/// Keeps the desktop notifications the sender would show.
struct Recorded(Arc<Mutex<Vec<String>>>);

impl Notifier for Recorded {
    fn batch_ended(&self, title: &str, body: &str) {
        self.0.lock().unwrap().push(format!("{title} {body}").trim().to_string());
    }
}

/// Invokes `cmd` with `args` as the UI would; `Ok(json)` or `Err(json)`.
fn call(app: &App, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: tauri::ipc::InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&app.window, request).map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn incident_person_and_quick_add_round_trip_through_ipc() {
    let app = app();
    let incident = call(&app, "create_incident", json!({ "input": { "reference": "", "title": "Phishing wave", "kind": "phishing_report", "severity": "high", "tlp": "amber", "opened_on": "2026-11-01", "summary": "" } })).unwrap();
    assert_eq!(incident["reference"], "INC-2026-0001");
    let id = incident["id"].as_str().unwrap();

    let unknown = call(&app, "quick_add", json!({ "request": { "incident_id": id, "line": "Jane Doe <jane@corp.com> — proxy logs", "new_person": null } })).unwrap_err();
    assert_eq!(unknown["code"], "unknown_person");
    assert_eq!(unknown["email"], "jane@corp.com");
    assert_eq!(unknown["suggested_name"], "Jane Doe");

    let new_person = json!({ "name": "", "preferred_name": "", "email": "", "organisation": "Corp", "team": "", "audience": "it_operations", "technical_level": null, "may_be_named": true, "do_not_contact": false, "notes": "" });
    let done = call(&app, "quick_add", json!({ "request": { "incident_id": id, "line": "Jane Doe <jane@corp.com> — proxy logs", "new_person": new_person } })).unwrap();
    assert_eq!(done["created_person"], true);
    assert_eq!(done["person"]["organisation"], "Corp");

    let found = call(&app, "search_people", json!({ "query": "jan", "limit": null })).unwrap();
    assert_eq!(found[0]["email"], "jane@corp.com");
    let detail = call(&app, "get_incident", json!({ "id": "inc-2026-0001" })).unwrap();
    assert_eq!(detail["contributions"][0]["person_name"], "Jane Doe");
    assert_eq!(detail["incident"]["contributor_count"], 1);
}

#[test]
fn errors_cross_the_boundary_as_code_message_field() {
    let app = app();
    let err = call(&app, "create_person", json!({ "input": { "name": "Jane\nBcc: x", "preferred_name": "", "email": "jane@corp.com", "organisation": "", "team": "", "audience": null, "technical_level": null, "may_be_named": true, "do_not_contact": false, "notes": "" } })).unwrap_err();
    assert_eq!(err["code"], "invalid");
    assert_eq!(err["field"], "name");
    assert!(err["message"].as_str().unwrap().contains("line break"));
    let err = call(&app, "get_incident", json!({ "id": "nope" })).unwrap_err();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn delete_asks_then_undo_restores() {
    let app = app();
    let example = call(&app, "load_example", json!({})).unwrap();
    let id = example["id"].as_str().unwrap();
    let ask = call(&app, "delete_incident", json!({ "id": id, "confirmed": false })).unwrap_err();
    assert_eq!(ask["code"], "needs_confirmation");
    let deleted = call(&app, "delete_incident", json!({ "id": id, "confirmed": true })).unwrap();
    assert_eq!(deleted["contributions_hidden"], 3);
    assert_eq!(call(&app, "overview", json!({})).unwrap()["incidents"], 0);
    call(&app, "restore_incident", json!({ "id": id })).unwrap();
    assert_eq!(call(&app, "overview", json!({})).unwrap()["incidents"], 1);
}

#[test]
fn preferences_are_saved_in_the_store_file() {
    let app = app();
    assert_eq!(call(&app, "get_preferences", json!({})).unwrap()["theme"], "system");
    call(&app, "set_preferences", json!({ "preferences": { "theme": "dark" } })).unwrap();
    assert_eq!(call(&app, "get_preferences", json!({})).unwrap()["theme"], "dark");
    let saved: Value = serde_json::from_slice(&std::fs::read(app._dir.path().join("settings.json")).unwrap()).unwrap();
    assert_eq!(saved["preferences"]["theme"], "dark");
}

#[test]
fn an_unopenable_database_makes_every_command_explain_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(afterword_core::DATABASE_FILE);
    std::fs::write(&db, b"not a database at all, just some notes").unwrap();
    let app = app_in(dir);
    let problem = app._app.state::<AppState>().database_problem().expect("a problem");
    assert!(problem.contains(&db.display().to_string()), "{problem}");
    let err = call(&app, "overview", json!({})).unwrap_err();
    assert_eq!(err["code"], "database_unavailable");
    assert_eq!(call(&app, "app_info", json!({})).unwrap()["database_problem"], json!(problem));
    assert_eq!(std::fs::read(&db).unwrap(), b"not a database at all, just some notes");
}

/// Keeps `ui/src/lib/bindings.ts` in step with the Rust signatures: regenerates it, and fails
/// in CI if the committed file was stale.
#[test]
fn queued_messages_leave_by_themselves_as_eml_files_without_a_server() {
    let app = app();
    let dir = app._dir.path();
    let incident = {
        let store = afterword_core::Store::open_in(dir).unwrap();
        store.set_setting(afterword_core::SettingKey::SenderEmail, "sam@corp.example").unwrap();
        let incident = store
            .create_incident(&afterword_core::IncidentInput { title: "Phishing wave".into(), ..Default::default() })
            .unwrap();
        for (name, email) in [("Jane Doe", "jane@corp.example"), ("Tom Ortega", "tom@corp.example")] {
            let line = format!("{name} <{email}> - reported the mail");
            let request = afterword_core::QuickAddRequest {
                incident_id: incident.id.clone(),
                line,
                new_person: Some(afterword_core::PersonInput { name: name.into(), ..Default::default() }),
            };
            store.quick_add(&request).unwrap();
        }
        store.generate_messages(&incident.reference).unwrap();
        store.approve_all_messages(&incident.reference, true).unwrap();
        incident
    };
    let view = call(&app, "get_smtp_settings", json!({})).unwrap();
    assert_eq!(view["settings"]["host"], "");
    let report = call(&app, "queue_incident", json!({ "incident": incident.reference })).unwrap();
    assert_eq!(report["queued"], 2);

    // The background sender was woken by the queueing: wait for it, bounded.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let state = loop {
        let state = call(&app, "outbox_state", json!({})).unwrap();
        if state["counts"]["sent"] == 2 || std::time::Instant::now() > until {
            break state;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(state["counts"]["sent"], 2, "{state}");
    assert_eq!(state["sender"]["activity"], "idle", "{state}");
    let files = std::fs::read_dir(dir.join("outbox")).unwrap().count();
    assert_eq!(files, 2);
    let entries = call(&app, "list_outbox", json!({ "incident": null })).unwrap();
    assert!(entries.as_array().unwrap().iter().all(|e| e["state"] == "sent"), "{entries}");
    let jane = entries.as_array().unwrap().iter().find(|e| e["recipient"] == "jane@corp.example").unwrap();
    let thanks = call(&app, "thanks_for", json!({ "person": jane["person_id"] })).unwrap();
    assert_eq!(thanks[0]["incident_reference"], incident.reference.as_str());
    let notified = app.notified.lock().unwrap().clone();
    assert_eq!(notified, vec!["2 thank-yous sent".to_string()]);
}

#[test]
fn typescript_bindings_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(afterword_app::BINDINGS_PATH);
    let before = std::fs::read_to_string(&path).unwrap_or_default();
    afterword_app::export_bindings(&path).unwrap();
    let after = std::fs::read_to_string(&path).unwrap();
    if std::env::var_os("CI").is_some() {
        assert_eq!(before, after, "ui/src/lib/bindings.ts was stale; run `cargo test -p afterword-app` and commit it");
    }
}

/// An import runs as a job the UI polls: a preview writes nothing, the import writes every new
/// person, and a finished job is collected once.
#[test]
fn an_import_runs_as_a_polled_job_on_its_own_connection() {
    let app = app();
    let request = json!({ "source": { "kind": "text", "text": "Jane Doe <jane@corp.example>, \"Smith, John\" <john@corp.example>" },
                          "format": null, "mapping": null, "audience": null, "overwrite": false, "choices": [] });
    let wait = |job: &Value| -> Value {
        for _ in 0..500 {
            let status = call(&app, "import_status", json!({ "job": job })).unwrap();
            if !status["outcome"].is_null() || !status["error"].is_null() {
                return status;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("the import job never ended");
    };
    let job = call(&app, "start_import", json!({ "request": request, "apply": false })).unwrap();
    let preview = wait(&job);
    assert_eq!(preview["outcome"]["kind"], "preview");
    assert_eq!(preview["outcome"]["summary"]["counts"]["new"], 2);
    assert_eq!(preview["outcome"]["rows"][1]["name"], "Smith, John");
    assert_eq!(
        call(&app, "search_people", json!({ "query": "", "limit": null })).unwrap().as_array().unwrap().len(),
        0
    );
    // Collected once: asking again says the job is gone.
    assert_eq!(call(&app, "import_status", json!({ "job": job })).unwrap_err()["code"], "not_found");

    let job = call(&app, "start_import", json!({ "request": request, "apply": true })).unwrap();
    let report = wait(&job);
    assert_eq!(report["outcome"]["kind"], "report");
    assert_eq!(
        call(&app, "search_people", json!({ "query": "smith", "limit": null })).unwrap()[0]["email"],
        "john@corp.example"
    );

    let bad = json!({ "source": { "kind": "file", "path": "/nonexistent/contacts.csv" }, "format": null, "mapping": null,
                      "audience": null, "overwrite": false, "choices": [] });
    let job = call(&app, "start_import", json!({ "request": bad, "apply": false })).unwrap();
    let failed = wait(&job);
    assert_eq!(failed["error"]["code"], "invalid");
    assert_eq!(failed["error"]["field"], "file");
}

/// Settings › Your data through IPC: a backup, a change, the restore bringing back what was
/// backed up on the window's own connection, the automatic copy listed; a damaged file refused
/// with the data untouched; an export imported back over a database that asks first.
#[test]
fn backup_restore_export_and_import_replace_what_the_window_sees() {
    let app = app();
    let dir = app._dir.path().to_path_buf();
    call(&app, "load_example", json!({})).unwrap();
    assert_eq!(call(&app, "list_backups", json!({})).unwrap()["backups"], json!([]));
    let backup = dir.join("mine.db");
    let info = call(&app, "backup_database", json!({ "path": backup })).unwrap();
    assert_eq!((info["incidents"].as_u64(), info["people"].as_u64()), (Some(1), Some(3)), "{info}");

    call(&app, "create_incident", json!({ "input": { "reference": "", "title": "After the backup", "kind": "other", "severity": "low", "tlp": "clear", "opened_on": "2026-11-01", "summary": "" } })).unwrap();
    assert_eq!(call(&app, "overview", json!({})).unwrap()["incidents"], 2);

    let restored = call(&app, "restore_database", json!({ "path": backup })).unwrap();
    assert_eq!(restored["info"]["incidents"], 1, "{restored}");
    assert_eq!(restored["sending"], json!({ "waiting": 0, "paused": false }));
    assert_eq!(call(&app, "overview", json!({})).unwrap()["incidents"], 1);
    assert_eq!(call(&app, "outbox_state", json!({})).unwrap()["sender"]["activity"], "idle");
    let listed = call(&app, "list_backups", json!({})).unwrap();
    assert_eq!(listed["folder"], json!(dir.join("backups")));
    assert_eq!(listed["backups"][0]["reason"], "restore");
    assert_eq!(listed["backups"][0]["path"], restored["info"]["previous"]);

    let damaged = dir.join("damaged.db");
    let mut bytes = std::fs::read(&backup).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&damaged, bytes).unwrap();
    let live = std::fs::read(dir.join(afterword_core::DATABASE_FILE)).unwrap();
    let refused = call(&app, "restore_database", json!({ "path": damaged })).unwrap_err();
    assert_eq!(refused["code"], "backup_damaged", "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("left untouched"), "{refused}");
    assert_eq!(std::fs::read(dir.join(afterword_core::DATABASE_FILE)).unwrap(), live);
    assert_eq!(call(&app, "outbox_state", json!({})).unwrap()["sender"]["activity"], "idle", "sending resumed");

    let export = dir.join("everything.json");
    let exported = call(&app, "export_all_data", json!({ "path": export })).unwrap();
    assert_eq!(exported["incidents"], 1);
    call(&app, "delete_incident", json!({ "id": "INC-EXAMPLE-0042", "confirmed": true })).unwrap();
    let ask = call(&app, "import_all_data", json!({ "path": export, "replace": false })).unwrap_err();
    assert_eq!(ask["code"], "needs_confirmation");
    let imported = call(&app, "import_all_data", json!({ "path": export, "replace": true })).unwrap();
    assert_eq!(imported["info"]["incidents"], 1);
    assert_eq!(call(&app, "overview", json!({})).unwrap()["incidents"], 1);
}

/// Messages waiting in a restored backup would leave by themselves although they may have gone
/// out since: sending stays paused until the analyst resumes it.
#[test]
fn a_restore_that_brings_back_waiting_messages_leaves_sending_paused() {
    let app = app();
    let dir = app._dir.path().to_path_buf();
    let reference = {
        let store = afterword_core::Store::open_in(&dir).unwrap();
        store.set_setting(afterword_core::SettingKey::SenderEmail, "sam@corp.example").unwrap();
        let incident = store.load_example().unwrap();
        store.generate_messages(&incident.reference).unwrap();
        store.approve_all_messages(&incident.reference, true).unwrap();
        incident.reference
    };
    call(&app, "pause_sending", json!({})).unwrap();
    let queued = call(&app, "queue_incident", json!({ "incident": reference })).unwrap()["queued"].as_u64().unwrap();
    assert!(queued > 0);
    let backup = dir.join("queued.db");
    call(&app, "backup_database", json!({ "path": backup })).unwrap();
    call(&app, "resume_sending", json!({})).unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while call(&app, "outbox_state", json!({})).unwrap()["counts"]["sent"] != queued {
        assert!(std::time::Instant::now() < until, "the sender never sent the queued messages");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    let restored = call(&app, "restore_database", json!({ "path": backup })).unwrap();
    assert_eq!(restored["sending"], json!({ "waiting": queued, "paused": true }));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let state = call(&app, "outbox_state", json!({})).unwrap();
    assert_eq!(
        (state["counts"]["queued"].as_u64(), state["sender"]["activity"].as_str()),
        (Some(queued), Some("paused"))
    );
}
