//! Microsoft 365 / Google sign-in in process: the loopback listener and the code exchange
//! against a tiny token endpoint on 127.0.0.1, keeping and refusing sign-ins, sign-out with
//! revocation, and sending with XOAUTH2 to a small scripted SMTP server (a token refused with
//! the `334` challenge is answered with the empty line, refreshed and tried once more; a revoked
//! sign-in keeps every message queued). The real servers (oauth2-mock-server, Dovecot) are
//! exercised by tests/system.

use afterword_core::outbox::oauth::errors::*;
use afterword_core::outbox::*;
use afterword_core::*;
use base64::Engine;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CLIENT: &str = "afterword-test";
const EMAIL: &str = "sam@corp.example";

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn id_token(email: &str) -> String {
    let claims = serde_json::json!({ "aud": CLIENT, "email": email, "email_verified": true, "sub": "x" });
    format!("{}.{}.sig", b64url(br#"{"alg":"none"}"#), b64url(claims.to_string().as_bytes()))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Normal,
    Html,
    Hang,
}

#[derive(Default)]
struct TokenState {
    requests: Vec<(String, HashMap<String, String>)>,
    revoked: HashSet<String>,
    issued: u32,
    rotate: bool,
    /// Access tokens as long as Microsoft's (beyond one SMTP command line).
    long: bool,
    /// Device-code polls answered `authorization_pending` before the tokens (u32::MAX: always).
    pending_polls: u32,
}

/// A token, revocation and authorization endpoint on 127.0.0.1, answering from `TokenState`.
struct TokenServer {
    port: u16,
    state: Arc<Mutex<TokenState>>,
    mode: Arc<Mutex<Mode>>,
}

fn read_request(stream: &mut TcpStream) -> Option<(String, HashMap<String, String>)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let target = line.split(' ').nth(1)?.to_string();
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        if header.trim().is_empty() {
            break;
        }
        if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let form = url::form_urlencoded::parse(&body).into_owned().collect();
    Some((target, form))
}

fn respond(stream: &mut TcpStream, status: u16, content_type: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

impl TokenServer {
    fn start() -> TokenServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(TokenState::default()));
        let mode = Arc::new(Mutex::new(Mode::Normal));
        let (s, m) = (state.clone(), mode.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some((target, form)) = read_request(&mut stream) else { continue };
                let mode = *m.lock().unwrap();
                let mut st = s.lock().unwrap();
                st.requests.push((target.clone(), form.clone()));
                if target.starts_with("/revoke") {
                    st.revoked.insert(form.get("token").cloned().unwrap_or_default());
                    respond(&mut stream, 200, "text/plain", "");
                    continue;
                }
                match mode {
                    Mode::Html => {
                        respond(
                            &mut stream,
                            200,
                            "text/html",
                            "<!DOCTYPE html><html><body>Log in to the Wi-Fi</body></html>",
                        );
                        continue;
                    }
                    Mode::Hang => {
                        drop(st);
                        std::thread::sleep(Duration::from_secs(5));
                        continue;
                    }
                    Mode::Normal => {}
                }
                if target.starts_with("/devicecode") {
                    let body = r#"{"device_code":"dc-1","user_code":"WDJB-MJHT","verification_uri":"https://login.example/device","expires_in":900,"interval":1}"#;
                    respond(&mut stream, 200, "application/json", body);
                    continue;
                }
                let grant = form.get("grant_type").map(String::as_str).unwrap_or_default();
                if grant == "urn:ietf:params:oauth:grant-type:device_code" && st.pending_polls > 0 {
                    st.pending_polls -= 1;
                    respond(&mut stream, 400, "application/json", r#"{"error":"authorization_pending"}"#);
                    continue;
                }
                let refresh = form.get("refresh_token").cloned().unwrap_or_default();
                if grant == "refresh_token" && (st.revoked.contains(&refresh) || !refresh.starts_with("rt-")) {
                    let body = r#"{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired due to inactivity."}"#;
                    respond(&mut stream, 400, "application/json", body);
                    continue;
                }
                st.issued += 1;
                let n = st.issued;
                let access = if st.long { format!("at-{n}.{}", "x".repeat(1500)) } else { format!("at-{n}") };
                let mut answer =
                    serde_json::json!({ "access_token": access, "token_type": "Bearer", "expires_in": 3600 });
                if grant == "authorization_code" || grant.ends_with("device_code") {
                    answer["refresh_token"] = format!("rt-{n}").into();
                    answer["id_token"] = id_token(EMAIL).into();
                } else if st.rotate {
                    st.revoked.insert(refresh);
                    answer["refresh_token"] = format!("rt-{n}").into();
                }
                respond(&mut stream, 200, "application/json; charset=utf-8", &answer.to_string());
            }
        });
        TokenServer { port, state, mode }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self, grant: &str) -> Vec<HashMap<String, String>> {
        let st = self.state.lock().unwrap();
        st.requests
            .iter()
            .filter(|(_, f)| f.get("grant_type").map(String::as_str) == Some(grant))
            .map(|(_, f)| f.clone())
            .collect()
    }
}

fn settings(server: &TokenServer) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port: 2525,
        security: Security::None,
        account: AccountKind::Microsoft365,
        oauth: OAuthSettings {
            client_id: CLIENT.into(),
            auth_url: server.url("/authorize"),
            token_url: server.url("/token"),
            revoke_url: server.url("/revoke"),
            redirect_host: "127.0.0.1".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

struct Browser {
    status: u16,
    page: String,
}

/// Plays the browser: a silent pre-connection first (as browsers make), then the redirect.
fn browse(redirect: &str) -> Browser {
    let address = redirect.trim_start_matches("http://").split('/').next().unwrap().to_string();
    let _idle = TcpStream::connect(&address).unwrap();
    let path = &redirect[redirect.find(&address).unwrap() + address.len()..];
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept: text/html\r\n\r\n").unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).unwrap();
    let status = page.split(' ').nth(1).unwrap().parse().unwrap();
    Browser { status, page }
}

/// The authorization URL's query, and the redirect the server would send with `query`.
fn authorize(prompt: &SignInPrompt) -> (HashMap<String, String>, String) {
    let SignInPrompt::OpenBrowser { url, redirect_uri, .. } = prompt else { panic!("a browser sign-in: {prompt:?}") };
    let q: HashMap<String, String> = url::Url::parse(url).unwrap().query_pairs().into_owned().collect();
    assert_eq!(&q["redirect_uri"], redirect_uri);
    (q, redirect_uri.clone())
}

/// Starts a sign-in, lets `answer` build the redirect's query from the authorization request,
/// plays the browser on another thread and finishes.
fn sign_in_with(
    settings: &SmtpSettings,
    timeout: Duration,
    answer: impl FnOnce(&HashMap<String, String>) -> String + Send + 'static,
) -> (Result<SignedIn>, Option<Browser>) {
    let flow = SignIn::start_with_timeout(settings, SignInMethod::Browser, timeout).unwrap();
    let (q, redirect) = authorize(&flow.prompt());
    let query = answer(&q);
    let browser = std::thread::spawn(move || browse(&format!("{redirect}/?{query}")));
    let mut stages = Vec::new();
    let result = flow.finish(&mut |p| stages.push(p));
    assert_eq!(stages.first(), Some(&SignInProgress::Waiting));
    (result, Some(browser.join().unwrap()))
}

fn sign_in(settings: &SmtpSettings) -> SignedIn {
    let (result, browser) =
        sign_in_with(settings, Duration::from_secs(30), |q| format!("code=the-code&state={}", q["state"]));
    let browser = browser.unwrap();
    assert_eq!(browser.status, 200, "{}", browser.page);
    assert!(browser.page.contains("You can close this tab and return to Afterword"), "{}", browser.page);
    result.unwrap()
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap().with_actor("tester");
    (dir, store)
}

#[test]
fn a_browser_sign_in_exchanges_the_code_with_pkce_and_is_kept() {
    let tokens = TokenServer::start();
    let (_dir, store) = store();
    let s = store.set_smtp_settings(&settings(&tokens)).unwrap();
    let flow = SignIn::start(&s, SignInMethod::Browser).unwrap();
    let (q, redirect) = authorize(&flow.prompt());
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    assert_eq!((q["client_id"].as_str(), q["code_challenge_method"].as_str()), (CLIENT, "S256"));
    let query = format!("code=the-code&state={}", q["state"]);
    let browser = std::thread::spawn(move || browse(&format!("{redirect}/?{query}")));
    let signed_in = flow.finish(&mut |_| {}).unwrap();
    assert_eq!(browser.join().unwrap().status, 200);
    assert_eq!(signed_in.email, EMAIL);
    assert!(!format!("{signed_in:?}").contains("rt-"), "Debug shows no token");

    let exchange = &tokens.requests("authorization_code")[0];
    assert_eq!(exchange["code"], "the-code");
    assert_eq!(exchange["redirect_uri"], q["redirect_uri"]);
    assert_eq!(exchange["client_id"], CLIENT);
    assert!(!exchange.contains_key("client_secret"), "a public client sends no secret");
    use sha2::Digest;
    assert_eq!(b64url(&sha2::Sha256::digest(exchange["code_verifier"].as_bytes())), q["code_challenge"]);

    let secrets = MemorySecrets::default();
    let account = store.save_sign_in(&secrets, &signed_in).unwrap();
    assert_eq!(secrets.get(&account.secret_account()).unwrap().as_deref(), Some("rt-1"));
    let status = store.sign_in_status(&secrets).unwrap();
    assert_eq!(status.signed_in_as.as_deref(), Some(EMAIL));
    assert!(status.problem.is_none() && status.revokes_on_sign_out);
    // The database has who and when, never a token.
    let dump: String = rusqlite_dump(&store);
    assert!(dump.contains(EMAIL) && !dump.contains("rt-1") && !dump.contains("at-1"), "{dump}");
}

fn rusqlite_dump(store: &Store) -> String {
    let bytes = std::fs::read(store.path()).unwrap();
    let wal = std::fs::read(store.path().with_extension("db-wal")).unwrap_or_default();
    format!("{}{}", String::from_utf8_lossy(&bytes), String::from_utf8_lossy(&wal))
}

/// Builds the redirect's query from the authorization request's.
type Answer = fn(&HashMap<String, String>) -> String;

#[test]
fn a_missing_or_foreign_state_or_a_refusal_is_refused_and_the_previous_sign_in_kept() {
    let tokens = TokenServer::start();
    let (_dir, store) = store();
    let s = store.set_smtp_settings(&settings(&tokens)).unwrap();
    let secrets = MemorySecrets::default();
    store.save_sign_in(&secrets, &sign_in(&s)).unwrap();
    let exchanges = tokens.requests("authorization_code").len();

    let cases: Vec<(Answer, &str)> = vec![
        (|_| "code=c".into(), CODE_STATE),
        (|_| "code=c&state=someone-elses".into(), CODE_STATE),
        (|q| format!("error=access_denied&error_description=The+user+declined&state={}", q["state"]), CODE_DENIED),
        (
            |q| format!("error=invalid_request&error_description=AADSTS90002%3A+Tenant+not+found&state={}", q["state"]),
            CODE_TENANT,
        ),
        (|q| format!("state={}", q["state"]), CODE_REDIRECT),
    ];
    for (answer, code) in cases {
        let (result, browser) = sign_in_with(&s, Duration::from_secs(30), answer);
        let error = result.unwrap_err();
        assert_eq!(error.code(), code, "{error}");
        let browser = browser.unwrap();
        assert_eq!(browser.status, 400, "{}", browser.page);
        assert!(browser.page.contains("return to Afterword"), "{}", browser.page);
    }
    assert_eq!(tokens.requests("authorization_code").len(), exchanges, "nothing was exchanged");
    let status = store.sign_in_status(&secrets).unwrap();
    assert_eq!(status.signed_in_as.as_deref(), Some(EMAIL), "the previous sign-in is kept");
}

#[test]
fn a_token_endpoint_that_answers_html_or_hangs_is_named() {
    let tokens = TokenServer::start();
    let s = settings(&tokens);
    *tokens.mode.lock().unwrap() = Mode::Html;
    let (result, _) = sign_in_with(&s, Duration::from_secs(30), |q| format!("code=c&state={}", q["state"]));
    let error = result.unwrap_err();
    assert_eq!(error.code(), CODE_SERVER, "{error}");
    assert!(error.to_string().contains("web page"), "{error}");

    *tokens.mode.lock().unwrap() = Mode::Hang;
    let (result, _) = sign_in_with(&s, Duration::from_secs(2), |q| format!("code=c&state={}", q["state"]));
    let error = result.unwrap_err();
    assert_eq!(error.code(), CODE_UNREACHABLE, "{error}");
    assert!(error.to_string().contains("did not answer within 2 seconds"), "{error}");
}

#[test]
fn a_sign_in_can_be_cancelled_and_times_out() {
    let tokens = TokenServer::start();
    let s = settings(&tokens);
    let flow = SignIn::start(&s, SignInMethod::Browser).unwrap();
    let cancel = flow.canceller();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        cancel.cancel();
    });
    assert_eq!(flow.finish(&mut |_| {}).unwrap_err().code(), "cancelled");
    canceller.join().unwrap();

    let flow = SignIn::start_with_timeout(&s, SignInMethod::Browser, Duration::from_millis(300)).unwrap();
    let SignInPrompt::OpenBrowser { redirect_uri, .. } = flow.prompt() else { unreachable!() };
    assert_eq!(flow.finish(&mut |_| {}).unwrap_err().code(), CODE_TIMEOUT);
    // The listener is closed once the sign-in ends.
    let port: u16 = redirect_uri.rsplit(':').next().unwrap().parse().unwrap();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());

    let device = SignIn::start(&s, SignInMethod::DeviceCode).unwrap_err();
    assert_eq!(device.field(), Some("device_code"), "{device}");
}

#[derive(Debug, Clone)]
struct Auth {
    user: String,
    token: String,
    answered_challenge: bool,
    two_step: bool,
}

/// A submission server on 127.0.0.1 (plaintext, loopback) offering XOAUTH2: refuses the tokens
/// `refuse` names with the 334 JSON challenge, then `535 5.7.8`; takes every message.
struct SmtpServer {
    port: u16,
    /// Each AUTH: user, token, the 334 challenge answered with an empty line, sent after a `334 `
    /// instead of as an initial response.
    auths: Arc<Mutex<Vec<Auth>>>,
    delivered: Arc<Mutex<u32>>,
}

impl SmtpServer {
    fn start(refuse: fn(&str) -> bool) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let auths = Arc::new(Mutex::new(Vec::new()));
        let delivered = Arc::new(Mutex::new(0));
        let (a, d) = (auths.clone(), delivered.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (a, d) = (a.clone(), d.clone());
                std::thread::spawn(move || serve_smtp(stream, refuse, &a, &d));
            }
        });
        SmtpServer { port, auths, delivered }
    }
}

fn serve_smtp(stream: TcpStream, refuse: fn(&str) -> bool, auths: &Mutex<Vec<Auth>>, delivered: &Mutex<u32>) {
    let mut out = stream.try_clone().unwrap();
    let mut lines = BufReader::new(stream);
    let _ = out.write_all(b"220 fake ESMTP\r\n");
    let mut line = String::new();
    while lines.read_line(&mut line).unwrap_or(0) > 0 {
        let command = line.trim_end().to_string();
        line.clear();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-fake\r\n250-8BITMIME\r\n250 AUTH XOAUTH2\r\n"
        } else if upper.starts_with("AUTH XOAUTH2") {
            let two_step = upper == "AUTH XOAUTH2";
            let initial = if two_step {
                let _ = out.write_all(b"334 \r\n");
                let mut response = String::new();
                lines.read_line(&mut response).unwrap();
                response.trim_end().to_string()
            } else {
                command["AUTH XOAUTH2 ".len()..].to_string()
            };
            assert!(two_step || command.len() + 2 <= 512, "an initial response only on a short line");
            let decoded =
                String::from_utf8(base64::engine::general_purpose::STANDARD.decode(initial).unwrap()).unwrap();
            let user = decoded.split('\x01').next().unwrap().trim_start_matches("user=").to_string();
            let token = decoded.split("auth=Bearer ").nth(1).unwrap().trim_end_matches('\x01').to_string();
            if refuse(&token) {
                let challenge = base64::engine::general_purpose::STANDARD
                    .encode(r#"{"status":"401","schemes":"bearer","scope":"mail"}"#);
                let _ = write!(out, "334 {challenge}\r\n");
                let mut empty = String::new();
                lines.read_line(&mut empty).unwrap();
                auths.lock().unwrap().push(Auth { user, token, answered_challenge: empty == "\r\n", two_step });
                b"535 5.7.8 Authentication failed.\r\n"
            } else {
                auths.lock().unwrap().push(Auth { user, token, answered_challenge: false, two_step });
                b"235 2.7.0 Logged in.\r\n"
            }
        } else if upper.starts_with("MAIL") || upper.starts_with("RCPT") || upper.starts_with("RSET") {
            b"250 2.0.0 Ok\r\n"
        } else if upper == "DATA" {
            let _ = out.write_all(b"354 go ahead\r\n");
            let mut body = String::new();
            while lines.read_line(&mut body).unwrap_or(0) > 0 && !body.ends_with("\r\n.\r\n") {}
            *delivered.lock().unwrap() += 1;
            b"250 2.0.0 queued\r\n"
        } else if upper == "QUIT" {
            let _ = out.write_all(b"221 bye\r\n");
            return;
        } else {
            b"502 5.5.2 what?\r\n"
        };
        if out.write_all(reply).is_err() {
            return;
        }
    }
}

/// A store with an approved, queued batch of `people` messages, sending through `smtp` as a
/// Microsoft 365 account of `tokens`.
fn batch(tokens: &TokenServer, smtp: &SmtpServer, people: usize) -> (tempfile::TempDir, Store, SmtpSettings) {
    let (dir, store) = store();
    store
        .update_sender(&Settings {
            sender_name: "Sam Analyst".into(),
            sender_email: EMAIL.into(),
            organisation: "Corp".into(),
            signature: String::new(),
        })
        .unwrap();
    let incident =
        store.create_incident(&IncidentInput { title: "Phishing wave".into(), ..Default::default() }).unwrap();
    for n in 0..people {
        let person = store
            .create_person(&PersonInput {
                name: format!("Person {n}"),
                email: format!("p{n}@corp.example"),
                organisation: "Corp".into(),
                ..Default::default()
            })
            .unwrap();
        store
            .add_contribution(&ContributionInput {
                incident_id: incident.id.clone(),
                person_id: person.id,
                what: "reported it".into(),
                impact: "we blocked it".into(),
                ..Default::default()
            })
            .unwrap();
    }
    store.generate_messages(&incident.reference).unwrap();
    store.approve_all_messages(&incident.reference, true).unwrap();
    store.queue_incident(&incident.reference).unwrap();
    let s = store.set_smtp_settings(&SmtpSettings { port: smtp.port, ..settings(tokens) }).unwrap();
    (dir, store, s)
}

fn send(store: &Store, s: &SmtpSettings, secrets: Arc<dyn SecretStore>) -> RunReport {
    let lock = store.begin_sending().unwrap();
    let auth = store.smtp_auth(s, secrets, None).unwrap();
    let mut transport = transport_with(s, auth, store.eml_outbox_folder()).unwrap();
    store.send_due(&lock, transport.as_mut(), &RunOptions::default(), &AtomicBool::new(false), &mut |_| {}).unwrap()
}

#[test]
fn a_refused_token_is_refreshed_and_tried_once_more_and_a_rotated_one_saved() {
    for long in [false, true] {
        let tokens = TokenServer::start();
        tokens.state.lock().unwrap().rotate = true;
        tokens.state.lock().unwrap().long = long;
        // The first token the server sees is refused, as an expired one would be.
        let smtp = SmtpServer::start(|token| token.split('.').next() == Some("at-2"));
        let (_dir, store, s) = batch(&tokens, &smtp, 3);
        let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecrets::default());
        let account = store.save_sign_in(secrets.as_ref(), &sign_in(&s)).unwrap();

        let report = send(&store, &s, secrets.clone());
        assert_eq!(report.end, RunEnd::Finished, "{report:?}");
        assert_eq!((report.progress.sent, report.sign_in_required), (3, false));
        assert_eq!(*smtp.delivered.lock().unwrap(), 3);
        let auths = smtp.auths.lock().unwrap().clone();
        assert_eq!(auths.len(), 2, "one refusal, one sign-in on a new connection: {auths:?}");
        assert!(auths.iter().all(|a| a.user == EMAIL && a.two_step == long), "{auths:?}");
        assert!(auths[0].answered_challenge, "the 334 challenge was answered with the empty line");
        let ids: Vec<&str> = auths.iter().map(|a| a.token.split('.').next().unwrap()).collect();
        assert_eq!(ids, ["at-2", "at-3"], "refreshed before the batch, then again");
        let refreshes = tokens.requests("refresh_token");
        assert_eq!(refreshes.len(), 2);
        assert_eq!(refreshes[0]["scope"], "https://outlook.office.com/SMTP.Send offline_access openid email profile");
        assert_eq!(
            secrets.get(&account.secret_account()).unwrap().as_deref(),
            Some("rt-3"),
            "the rotated refresh token is kept"
        );
    }
}

#[test]
fn a_token_refused_even_fresh_says_it_does_not_fit_the_mailbox() {
    let tokens = TokenServer::start();
    let smtp = SmtpServer::start(|_| true);
    let (_dir, store, s) = batch(&tokens, &smtp, 2);
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecrets::default());
    store.save_sign_in(secrets.as_ref(), &sign_in(&s)).unwrap();
    let report = send(&store, &s, secrets);
    let RunEnd::NeedsAttention { reason } = &report.end else { panic!("{report:?}") };
    assert!(!report.sign_in_required);
    assert!(reason.contains("another account") && reason.contains("535 5.7.8"), "{reason}");
    assert_eq!(smtp.auths.lock().unwrap().len(), 2, "tried once more, not more");
    assert_eq!(store.outbox_counts().unwrap().queued, 2);
}

#[test]
fn a_revoked_sign_in_asks_to_sign_in_again_and_keeps_every_message_queued() {
    let tokens = TokenServer::start();
    let smtp = SmtpServer::start(|_| false);
    let (_dir, store, s) = batch(&tokens, &smtp, 2);
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecrets::default());
    store.save_sign_in(secrets.as_ref(), &sign_in(&s)).unwrap();
    tokens.state.lock().unwrap().revoked.insert("rt-1".into());

    let report = send(&store, &s, secrets.clone());
    let RunEnd::NeedsAttention { reason } = &report.end else { panic!("{report:?}") };
    assert!(report.sign_in_required, "{report:?}");
    assert!(reason.contains("Sign in with Microsoft 365 again") && reason.contains("AADSTS700082"), "{reason}");
    assert!(!reason.contains("rt-1"), "{reason}");
    let entries = store.outbox(None).unwrap();
    assert!(entries.iter().all(|e| e.state == MessageState::Queued && e.attempts == 0), "{entries:?}");
    assert!(smtp.auths.lock().unwrap().is_empty(), "nothing reached the server");

    // Not signed in at all: the same, without asking the token endpoint.
    store.sign_out(secrets.as_ref()).unwrap();
    let report = send(&store, &s, secrets);
    assert!(report.sign_in_required, "{report:?}");
    assert_eq!(store.outbox_counts().unwrap().queued, 2);
}

#[test]
fn sign_out_revokes_and_forgets() {
    let tokens = TokenServer::start();
    let (_dir, store) = store();
    let s = store.set_smtp_settings(&settings(&tokens)).unwrap();
    let secrets = MemorySecrets::default();
    let account = store.save_sign_in(&secrets, &sign_in(&s)).unwrap();
    let report = store.sign_out(&secrets).unwrap();
    assert_eq!((report.email.as_deref(), report.revoked), (Some(EMAIL), true), "{report:?}");
    assert!(tokens.state.lock().unwrap().revoked.contains("rt-1"));
    assert_eq!(secrets.get(&account.secret_account()).unwrap(), None);
    let status = store.sign_in_status(&secrets).unwrap();
    assert!(status.signed_in_as.is_none() && status.problem.unwrap().contains("Not signed in"));
    assert_eq!(store.sign_out(&secrets).unwrap().email, None);

    // A changed registration does not use the old sign-in.
    store.save_sign_in(&secrets, &sign_in(&s)).unwrap();
    let mut other = s.clone();
    other.oauth.client_id = "another-client".into();
    let other = store.set_smtp_settings(&other).unwrap();
    assert!(store.sign_in_status(&secrets).unwrap().problem.unwrap().contains("other settings"));
    assert!(matches!(store.token_source(&other, Arc::new(MemorySecrets::default())), Err(Stop::SignInRequired(_))));
}

#[test]
fn device_code_sign_in_polls_until_done_and_can_be_cancelled() {
    let tokens = TokenServer::start();
    let mut s = settings(&tokens);
    s.oauth.device_code = true;
    s.oauth.device_url = tokens.url("/devicecode");
    tokens.state.lock().unwrap().pending_polls = 1;
    let flow = SignIn::start(&s, SignInMethod::DeviceCode).unwrap();
    let SignInPrompt::EnterCode { verification_uri, user_code, .. } = flow.prompt() else { panic!("a code to enter") };
    assert_eq!((verification_uri.as_str(), user_code.as_str()), ("https://login.example/device", "WDJB-MJHT"));
    assert_eq!(flow.finish(&mut |_| {}).unwrap().email, EMAIL);
    let polls = tokens.requests("urn:ietf:params:oauth:grant-type:device_code");
    assert_eq!(polls.len(), 2, "pending once, then signed in");
    assert_eq!((polls[0]["device_code"].as_str(), polls[0]["client_id"].as_str()), ("dc-1", CLIENT));

    tokens.state.lock().unwrap().pending_polls = u32::MAX;
    let flow = SignIn::start(&s, SignInMethod::DeviceCode).unwrap();
    let cancel = flow.canceller();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    assert_eq!(flow.finish(&mut |_| {}).unwrap_err().code(), "cancelled");
    assert!(started.elapsed() < Duration::from_secs(3), "cancelled without waiting for the next poll");
}
