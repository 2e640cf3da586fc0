//! The shell's commands through Tauri's real IPC layer (mock runtime, no window), against a
//! real core and database in a temp data dir; plus the generated bindings being current.

use afterword_app::desktop::{Desktop, DesktopTools};
use afterword_app::sender::{Notifier, Sender};
use afterword_app::signin::SignIns;
use afterword_app::{specta_builder, AppState};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::{InvokeRequest, WebviewWindowBuilder};
use tauri::{Manager, WebviewWindow};

struct App {
    _dir: tempfile::TempDir,
    notified: Arc<Mutex<Vec<String>>>,
    desktop: Arc<FakeDesktop>,
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
    let desktop = Arc::new(FakeDesktop::default());
    let app = mock_builder()
        .plugin(tauri_plugin_store::Builder::default().build())
        .manage(state)
        .manage(sender)
        .manage(afterword_app::imports::ImportJobs::default())
        .manage(SignIns::default())
        .manage(Desktop(desktop.clone()))
        .invoke_handler(specta_builder::<MockRuntime>().invoke_handler())
        .build(mock_context(noop_assets()))
        .unwrap();
    // The mock runtime does not run setup hooks; install preferences as the app's setup does.
    afterword_app::preferences::install(app.handle()).unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    App { _dir: dir, notified, desktop, _app: app, window }
}

/// No dialogs; the URLs the app asked the system browser to open, or no browser at all.
#[derive(Default)]
struct FakeDesktop {
    opened: Mutex<Vec<String>>,
    no_browser: AtomicBool,
}

impl DesktopTools for FakeDesktop {
    fn pick_folder(&self, _title: String, done: Box<dyn FnOnce(Option<String>) + Send>) {
        done(None)
    }
    fn pick_file(&self, _: String, _: Vec<(String, Vec<String>)>, done: Box<dyn FnOnce(Option<String>) + Send>) {
        done(None)
    }
    fn save_file(
        &self,
        _: String,
        _: String,
        _: Vec<(String, Vec<String>)>,
        done: Box<dyn FnOnce(Option<String>) + Send>,
    ) {
        done(None)
    }
    fn open_folder(&self, _folder: &str) -> Result<(), String> {
        Ok(())
    }
    fn open_url(&self, url: &str) -> Result<(), String> {
        if self.no_browser.load(Ordering::SeqCst) {
            return Err("this computer has no program to open links, such as xdg-open".into());
        }
        self.opened.lock().unwrap().push(url.to_string());
        Ok(())
    }
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
/// An incident with two approved thank-yous (Jane and Tom), from sam@corp.example.
fn approved_incident(dir: &std::path::Path) -> afterword_core::Incident {
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
}

/// Polls `outbox_state` until `done` says so (20 s at most); the last state.
fn outbox_state_when(app: &App, done: impl Fn(&Value) -> bool) -> Value {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let state = call(app, "outbox_state", json!({})).unwrap();
        if done(&state) || std::time::Instant::now() > until {
            return state;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn queued_messages_leave_by_themselves_as_eml_files_without_a_server() {
    let app = app();
    let dir = app._dir.path();
    let incident = approved_incident(dir);
    let view = call(&app, "get_smtp_settings", json!({})).unwrap();
    assert_eq!(view["settings"]["host"], "");
    let report = call(&app, "queue_incident", json!({ "incident": incident.reference })).unwrap();
    assert_eq!(report["queued"], 2);

    // The background sender was woken by the queueing: wait for it, bounded.
    let state = outbox_state_when(&app, |state| state["counts"]["sent"] == 2);
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
    // The content, not the file's bytes: the sender's end-of-run WAL checkpoint may rewrite pages
    // of the same data at any moment.
    let live = (call(&app, "overview", json!({})).unwrap(), call(&app, "list_backups", json!({})).unwrap());
    let refused = call(&app, "restore_database", json!({ "path": damaged })).unwrap_err();
    assert_eq!(refused["code"], "backup_damaged", "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("left untouched"), "{refused}");
    assert_eq!((call(&app, "overview", json!({})).unwrap(), call(&app, "list_backups", json!({})).unwrap()), live);
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

/// A token and revocation endpoint on 127.0.0.1: every code or refresh token gets tokens for
/// sam@corp.example; the form of every request is kept.
struct TokenEndpoint {
    port: u16,
    requests: Arc<Mutex<Vec<(String, String)>>>,
}

impl TokenEndpoint {
    fn start() -> TokenEndpoint {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split(' ').nth(1).unwrap_or_default().to_string();
                let mut length = 0;
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).unwrap();
                    if header.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                seen.lock().unwrap().push((path.clone(), String::from_utf8(body).unwrap()));
                let answer = if path == "/token" {
                    let b64 = |v: &[u8]| {
                        use base64::Engine;
                        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v)
                    };
                    let claims =
                        json!({ "aud": "afterword-test", "email": "sam@corp.example", "email_verified": true });
                    let id_token = format!("{}.{}.sig", b64(br#"{"alg":"none"}"#), b64(claims.to_string().as_bytes()));
                    json!({ "access_token": "at-1", "token_type": "Bearer", "expires_in": 3600,
                            "refresh_token": "rt-1", "id_token": id_token })
                    .to_string()
                } else {
                    String::new()
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        TokenEndpoint { port, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// An SMTP server on 127.0.0.1 that greets, offers XOAUTH2 and answers nothing else: enough for
/// the sender to find out it has no sign-in to offer.
fn greeting_smtp() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let _ = stream.write_all(b"220 smtp.test ESMTP\r\n");
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    let reply: &[u8] = if line.to_ascii_uppercase().starts_with("EHLO") {
                        b"250-smtp.test\r\n250 AUTH XOAUTH2\r\n"
                    } else {
                        b"221 bye\r\n"
                    };
                    if stream.write_all(reply).is_err() {
                        break;
                    }
                    line.clear();
                }
            });
        }
    });
    port
}

/// What the browser does after the person signs in: back to the app's loopback listener with a
/// code and the sign-in's state.
fn come_back(prompt: &Value, query: &str) -> String {
    let redirect = prompt["redirect_uri"].as_str().unwrap();
    let url = prompt["url"].as_str().unwrap();
    let state = url.split(['?', '&']).find_map(|p| p.strip_prefix("state=")).unwrap();
    let address = redirect.trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(stream, "GET /?{query}&state={state} HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).unwrap();
    page
}

/// Microsoft 365 with overridden endpoints: messages wait for the sign-in and the Outbox says so;
/// the browser opened from Rust comes back, "Signed in as"; a browser that cannot be opened still
/// leaves the link, and a cancelled sign-in keeps the previous one; signing out revokes.
#[test]
fn a_sign_in_is_started_waited_for_cancelled_and_signed_out_through_ipc() {
    let app = app();
    let tokens = TokenEndpoint::start();
    let incident = approved_incident(app._dir.path());
    let settings = json!({
        "host": "127.0.0.1", "port": greeting_smtp(), "security": "none", "username": "", "ca_pem": "",
        "reply_to": "", "copy_self": "no", "rate_per_minute": 0, "connect_timeout_secs": 5, "command_timeout_secs": 5,
        "account": "microsoft365",
        "oauth": { "tenant": "", "client_id": "afterword-test", "client_secret": "", "auth_url": tokens.url("/authorize"),
                   "token_url": tokens.url("/token"), "revoke_url": tokens.url("/revoke"), "device_url": "", "scope": "",
                   "redirect_host": "127.0.0.1", "device_code": false }
    });
    let view = call(&app, "save_smtp_settings", json!({ "input": settings, "password": null })).unwrap();
    assert_eq!(view["settings"]["account"], "microsoft365");
    assert_eq!(view["sign_in"]["signed_in_as"], Value::Null);
    assert!(view["sign_in"]["problem"].as_str().unwrap().contains("Not signed in"), "{view}");
    assert_eq!(view["sign_in"]["revokes_on_sign_out"], true);

    let guide = call(&app, "admin_guide", json!({ "kind": "microsoft365" })).unwrap();
    assert_eq!(guide["title"], "Microsoft 365: what your admin registers");
    assert!(guide["html"].as_str().unwrap().starts_with("<p>Afterword signs in with your organisation"), "{guide}");
    assert_eq!(call(&app, "admin_guide", json!({ "kind": "password" })).unwrap(), Value::Null);

    // Queued without a sign-in: the sender stops asking for one, and nothing leaves.
    call(&app, "queue_incident", json!({ "incident": incident.reference })).unwrap();
    let state = outbox_state_when(&app, |state| state["sender"]["activity"] == "needs_attention");
    assert_eq!(state["sender"]["sign_in_required"], true, "{state}");
    assert!(state["sender"]["message"].as_str().unwrap().contains("Sign in"), "{state}");
    assert_eq!(state["counts"]["queued"], 2, "{state}");
    call(&app, "pause_sending", json!({})).unwrap();

    // The browser is opened from Rust; it comes back to the listener; "Signed in as".
    let started = call(&app, "start_sign_in", json!({ "method": "browser" })).unwrap();
    assert_eq!((started["kind"].as_str(), started["browser_opened"].as_bool()), (Some("microsoft365"), Some(true)));
    let prompt = &started["prompt"];
    assert_eq!(prompt["kind"], "open_browser");
    assert_eq!(app.desktop.opened.lock().unwrap().clone(), vec![prompt["url"].as_str().unwrap().to_string()]);
    assert!(prompt["url"].as_str().unwrap().starts_with(&tokens.url("/authorize?")), "{prompt}");
    assert_eq!(call(&app, "pending_sign_in", json!({})).unwrap(), started);
    let page = come_back(prompt, "code=the-code");
    assert!(page.contains("return to Afterword"), "{page}");
    let status = call(&app, "wait_sign_in", json!({})).unwrap();
    assert_eq!(status["signed_in_as"], "sam@corp.example", "{status}");
    assert_eq!(call(&app, "pending_sign_in", json!({})).unwrap(), Value::Null);
    let view = call(&app, "get_smtp_settings", json!({})).unwrap();
    assert_eq!(view["sign_in"]["signed_in_as"], "sam@corp.example");
    let exchanged = tokens.requests.lock().unwrap().clone();
    assert!(exchanged.iter().any(|(path, form)| path == "/token" && form.contains("code_verifier=")), "{exchanged:?}");

    // No browser: the link is still there to copy. Cancelled: the previous sign-in is kept.
    app.desktop.no_browser.store(true, Ordering::SeqCst);
    let started = call(&app, "start_sign_in", json!({ "method": "browser" })).unwrap();
    assert_eq!(started["browser_opened"], false);
    assert!(started["browser_problem"].as_str().unwrap().contains("could not open your browser"), "{started}");
    assert!(started["prompt"]["url"].as_str().unwrap().starts_with(&tokens.url("/authorize?")));
    assert_eq!(call(&app, "cancel_sign_in", json!({})).unwrap(), true);
    let cancelled = call(&app, "wait_sign_in", json!({})).unwrap_err();
    assert_eq!(cancelled["code"], "cancelled", "{cancelled}");
    assert_eq!(call(&app, "cancel_sign_in", json!({})).unwrap(), false);
    let view = call(&app, "get_smtp_settings", json!({})).unwrap();
    assert_eq!(view["sign_in"]["signed_in_as"], "sam@corp.example");

    // Sign out: revoked at the provider, removed here, said plainly.
    let out = call(&app, "sign_out", json!({})).unwrap();
    assert_eq!(out["report"]["email"], "sam@corp.example");
    assert_eq!(out["report"]["revoked"], true, "{out}");
    assert!(out["report"]["message"].as_str().unwrap().contains("revoked"), "{out}");
    assert_eq!(out["status"]["signed_in_as"], Value::Null);
    let revoked = tokens.requests.lock().unwrap().clone();
    assert!(revoked.iter().any(|(path, form)| path == "/revoke" && form.contains("token=rt-1")), "{revoked:?}");
    assert_eq!(call(&app, "outbox_state", json!({})).unwrap()["counts"]["queued"], 2);
}
