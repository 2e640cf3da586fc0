//! The analyst's SMTP server as a [`Transport`]: [`SmtpTransport`] drives one lettre
//! `SmtpConnection` step by step (MAIL, RCPT, DATA, body), reusing it across messages, so it
//! knows exactly whether the body was handed over when something breaks: before that a message
//! can be retried safely, after it the message is *uncertain*. [`test_server`] walks the same
//! steps for "Send test message" and says which one failed ([`TestReport`]).
//!
//! TLS is rustls with the system's trusted roots plus, when set, the analyst's extra CA; the
//! certificate is always verified. STARTTLS, when chosen, is required: a server that does not
//! offer it is refused, never used in clear.
//!
//! Signing in ([`SmtpAuth`]): PLAIN or LOGIN with a password, or SASL XOAUTH2 with an access
//! token of a Microsoft 365 or Google sign-in ([`TokenSource`], refreshed before the first
//! connection). XOAUTH2 is spoken here rather than through lettre's `auth`, which cannot answer
//! the `334` JSON challenge a server sends when it refuses a token (it fails without the empty
//! response the server waits for, and the server's reason is lost). A refused token is refreshed
//! and tried once more on a new connection; what still fails is said in plain words
//! ([`super::oauth::errors`]).

use super::oauth::errors::{auth_refusal, decode_challenge, known_reply, AuthVerdict, Challenge};
use super::oauth::TokenSource;
use super::server::{Security, SmtpSettings};
use super::transport::{Attempt, Delivery, Stop, Transport};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Quit, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::Error as SmtpError;
use lettre::Address;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// RFC 5321 §4.5.3.2.6: a client should wait 10 minutes for the reply after the message body.
const BODY_REPLY_TIMEOUT: Duration = Duration::from_secs(600);

/// The steps of reaching a server and handing it a message, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Lookup,
    Connect,
    Tls,
    Authenticate,
    Accepted,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Lookup => "Name lookup",
            Step::Connect => "Connect",
            Step::Tls => "TLS",
            Step::Authenticate => "Authentication",
            Step::Accepted => "Message accepted",
        }
    }
}

/// One step of a server test: done, failed (with why, in plain words) or not needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct StepResult {
    pub step: Step,
    pub label: String,
    /// `ok`, `failed` or `skipped` (not needed with these settings, or not reached).
    pub status: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TestReport {
    pub ok: bool,
    pub steps: Vec<StepResult>,
}

/// How the transport signs in to the server.
pub enum SmtpAuth {
    /// The user name's password (None: none saved); no sign-in at all when the settings name no
    /// user.
    Password(Option<String>),
    /// XOAUTH2 as the signed-in account, with its access tokens.
    OAuth(Box<TokenSource>),
    /// The account cannot sign in now (not signed in, say): every connection stops with this.
    Unavailable(Stop),
}

impl std::fmt::Debug for SmtpAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SmtpAuth::Password(p) => write!(f, "Password({})", if p.is_some() { "set" } else { "none" }),
            SmtpAuth::OAuth(t) => write!(f, "OAuth({})", t.email()),
            SmtpAuth::Unavailable(stop) => write!(f, "Unavailable({stop:?})"),
        }
    }
}

/// Sends through one server. Build one per run: it holds the password or tokens in memory only.
pub struct SmtpTransport {
    settings: SmtpSettings,
    auth: SmtpAuth,
    tls: TlsParameters,
    hello: ClientId,
    connection: Option<SmtpConnection>,
}

type Report<'r> = &'r mut dyn FnMut(Step, Result<String, String>);

/// How an XOAUTH2 attempt failed.
enum TokenRefused {
    Refused { reply: String, challenge: Option<Challenge>, transient: bool },
    Broken(String),
}

/// A SASL line: the command with its initial response, or a bare response. It carries a token:
/// never logged, never formatted anywhere else.
struct SaslLine(String);

impl std::fmt::Display for SaslLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\r\n", self.0)
    }
}

fn reply_text(response: &lettre::transport::smtp::response::Response) -> String {
    format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" ")).trim().to_string()
}

/// The longest command line a client should send (RFC 5321 §4.5.3.1.4), CRLF included.
const COMMAND_LINE_MAX: usize = 512;

/// `AUTH XOAUTH2` with the token: as an initial response when the line stays within
/// [`COMMAND_LINE_MAX`], else after the server's empty `334` (RFC 4954 §4; Dovecot refuses
/// longer lines, and Microsoft's tokens are longer). A `334` challenge to the token (it was
/// refused) is answered with the empty line the mechanism expects, so the server's final reply
/// is read.
fn xoauth2(conn: &mut SmtpConnection, user: &str, token: &str) -> Result<(), TokenRefused> {
    use base64::Engine;
    let response =
        base64::engine::general_purpose::STANDARD.encode(format!("user={user}\x01auth=Bearer {token}\x01\x01"));
    let refused = |e: SmtpError, challenge: Option<Challenge>| match reply_of(&e) {
        Some(reply) => TokenRefused::Refused { reply, challenge, transient: e.is_transient() },
        None => TokenRefused::Broken(plain(&e)),
    };
    let initial = format!("AUTH XOAUTH2 {response}");
    let answer = if initial.len() + 2 <= COMMAND_LINE_MAX {
        conn.command(SaslLine(initial))
    } else {
        match conn.command(SaslLine("AUTH XOAUTH2".into())) {
            Ok(ready) if ready.has_code(334) => conn.command(SaslLine(response)),
            Ok(other) => {
                return Err(TokenRefused::Refused { reply: reply_text(&other), challenge: None, transient: false })
            }
            Err(e) => return Err(refused(e, None)),
        }
    };
    let first = match answer {
        Ok(response) => response,
        Err(e) => return Err(refused(e, None)),
    };
    if first.has_code(235) {
        return Ok(());
    }
    if !first.has_code(334) {
        return Err(TokenRefused::Refused { reply: reply_text(&first), challenge: None, transient: false });
    }
    let challenge = decode_challenge(&first.message().collect::<Vec<_>>().join(""));
    match conn.command(SaslLine(String::new())) {
        Ok(response) if response.has_code(235) => Ok(()),
        Ok(response) => Err(TokenRefused::Refused { reply: reply_text(&response), challenge, transient: false }),
        Err(e) => Err(refused(e, challenge)),
    }
}

impl SmtpTransport {
    /// A transport for `settings`; `password` is needed when the settings name a user.
    pub fn new(settings: SmtpSettings, password: Option<String>) -> Result<SmtpTransport, Stop> {
        SmtpTransport::with_auth(settings, SmtpAuth::Password(password))
    }

    /// A transport for `settings` that signs in with `auth`.
    pub fn with_auth(settings: SmtpSettings, auth: SmtpAuth) -> Result<SmtpTransport, Stop> {
        let mut tls = TlsParameters::builder(settings.host.clone());
        if !settings.ca_pem.is_empty() {
            let ca = Certificate::from_pem(settings.ca_pem.as_bytes()).map_err(|e| {
                Stop::NeedsAttention(format!("The extra CA certificate in the settings cannot be read ({e})."))
            })?;
            tls = tls.add_root_certificate(ca);
        }
        let tls = tls
            .build_rustls()
            .map_err(|e| Stop::NeedsAttention(format!("TLS cannot be set up for {} ({e}).", settings.host)))?;
        Ok(SmtpTransport { settings, auth, tls, hello: ClientId::default(), connection: None })
    }

    fn command_timeout(&self) -> Duration {
        Duration::from_secs(u64::from(self.settings.command_timeout_secs))
    }

    /// Reaches the server and signs in, reporting each step.
    fn open(&mut self, report: Report<'_>) -> Result<SmtpConnection, Stop> {
        let conn = self.connect(report)?;
        self.sign_in(conn, report)
    }

    /// Name lookup, connection and TLS, reporting each step.
    fn connect(&self, report: Report<'_>) -> Result<SmtpConnection, Stop> {
        let s = &self.settings;
        let address = s.address();
        let addrs: Vec<SocketAddr> = match (s.host.as_str(), s.port).to_socket_addrs() {
            Ok(addrs) => addrs.collect(),
            Err(e) => {
                let why = format!(
                    "The server name {} could not be found ({e}). Check the host name, and that this computer is \
                     online.",
                    s.host
                );
                report(Step::Lookup, Err(why.clone()));
                return Err(Stop::Unreachable(why));
            }
        };
        report(Step::Lookup, Ok(addrs.iter().map(|a| a.ip().to_string()).collect::<Vec<_>>().join(", ")));

        let implicit = (s.security == Security::Tls).then_some(&self.tls);
        let connect_timeout = Duration::from_secs(u64::from(s.connect_timeout_secs));
        let mut conn = match SmtpConnection::connect(&addrs[..], Some(connect_timeout), &self.hello, implicit, None) {
            Ok(conn) => conn,
            Err(e) if is_tls_failure(&e) => {
                report(Step::Connect, Ok(address.clone()));
                let why = tls_words(&e, s);
                report(Step::Tls, Err(why.clone()));
                return Err(Stop::NeedsAttention(why));
            }
            Err(e) => {
                let stop = connect_words(&e, s);
                report(Step::Connect, Err(stop.message().to_string()));
                return Err(stop);
            }
        };
        report(Step::Connect, Ok(format!("{address} answered")));
        let fail = |report: Report<'_>, step, stop: Stop| {
            report(step, Err(stop.message().to_string()));
            Err(stop)
        };

        match s.security {
            Security::Tls => report(Step::Tls, Ok("TLS from the first byte, certificate verified".into())),
            Security::None => report(Step::Tls, Ok("not used: a relay on this machine, chosen in the settings".into())),
            Security::Starttls => {
                if !conn.server_info().supports_feature(Extension::StartTls) {
                    conn.abort();
                    return fail(
                        report,
                        Step::Tls,
                        Stop::NeedsAttention(format!(
                            "The server at {address} does not offer STARTTLS, so the password and messages would \
                             travel in clear. Afterword does not fall back to that: ask the server's admin to enable \
                             STARTTLS, or choose TLS on port 465."
                        )),
                    );
                }
                if let Err(e) = conn.starttls(&self.tls, &self.hello) {
                    conn.abort();
                    let stop =
                        if is_tls_failure(&e) { Stop::NeedsAttention(tls_words(&e, s)) } else { connect_words(&e, s) };
                    return fail(report, Step::Tls, stop);
                }
                report(Step::Tls, Ok("STARTTLS, certificate verified".into()));
            }
        }
        conn.set_timeout(Some(self.command_timeout()))
            .map_err(|e| Stop::Unreachable(format!("The connection to {address} broke ({e}).")))?;
        Ok(conn)
    }

    /// Signs in on `conn` as `auth` says, reporting the step.
    fn sign_in(&mut self, mut conn: SmtpConnection, report: Report<'_>) -> Result<SmtpConnection, Stop> {
        let fail = |report: Report<'_>, stop: Stop| {
            report(Step::Authenticate, Err(stop.message().to_string()));
            Err(stop)
        };
        let password = match &mut self.auth {
            SmtpAuth::Unavailable(stop) => {
                let stop = stop.clone();
                conn.abort();
                return fail(report, stop);
            }
            SmtpAuth::OAuth(_) => return self.sign_in_with_token(conn, report),
            SmtpAuth::Password(password) => password.clone(),
        };
        let s = &self.settings;
        if s.username.is_empty() {
            report(Step::Authenticate, Ok("not used: no user name in the settings".into()));
            return Ok(conn);
        }
        let Some(password) = password else {
            conn.abort();
            return fail(
                report,
                Stop::NeedsAttention(format!(
                    "No password is saved for {} at {}. Enter it in Settings › Mail server.",
                    s.username, s.host
                )),
            );
        };
        let credentials = Credentials::new(s.username.clone(), password);
        match conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials) {
            Ok(_) => {
                report(Step::Authenticate, Ok(format!("signed in as {}", s.username)));
                Ok(conn)
            }
            Err(e) => {
                conn.abort();
                fail(report, auth_words(&e, s))
            }
        }
    }

    /// XOAUTH2 with a token, refreshed and tried once more on a new connection when refused.
    fn sign_in_with_token(&mut self, mut conn: SmtpConnection, report: Report<'_>) -> Result<SmtpConnection, Stop> {
        let fail = |report: Report<'_>, stop: Stop| {
            report(Step::Authenticate, Err(stop.message().to_string()));
            Err(stop)
        };
        let address = self.settings.address();
        if !conn.server_info().supports_auth_mechanism(Mechanism::Xoauth2) {
            conn.abort();
            return fail(
                report,
                Stop::NeedsAttention(format!(
                    "The server at {address} does not offer sign-in with a token (SASL XOAUTH2) on this connection. \
                     Check the server: Microsoft 365 is smtp.office365.com, Google smtp.gmail.com, port 587 with STARTTLS."
                )),
            );
        }
        let mut retried = false;
        loop {
            let SmtpAuth::OAuth(tokens) = &mut self.auth else { unreachable!("called for OAuth only") };
            let (user, kind) = (tokens.email().to_string(), tokens.kind());
            let token = match tokens.access_token(retried) {
                Ok(token) => token,
                Err(stop) => {
                    conn.abort();
                    return fail(report, stop);
                }
            };
            let refused = match xoauth2(&mut conn, &user, &token) {
                Ok(()) => {
                    report(Step::Authenticate, Ok(format!("signed in as {user} ({})", kind.label())));
                    return Ok(conn);
                }
                Err(TokenRefused::Broken(why)) => {
                    conn.abort();
                    return fail(report, Stop::Unreachable(format!("The connection broke while signing in ({why}).")));
                }
                Err(TokenRefused::Refused { reply, challenge, transient }) => {
                    auth_refusal(&reply, challenge.as_ref(), transient, kind, &user, retried)
                }
            };
            conn.abort();
            match refused {
                AuthVerdict::Stop(stop) => return fail(report, stop),
                AuthVerdict::RefreshAndRetry => {
                    // A fresh token on a fresh connection: the refused one may have expired.
                    retried = true;
                    conn = match self.connect(&mut |_, _| {}) {
                        Ok(conn) => conn,
                        Err(stop) => return fail(report, stop),
                    };
                }
            }
        }
    }

    /// A broken connection in plain words: a timeout says how long was waited.
    fn network_words(&self, e: &SmtpError) -> String {
        if e.is_timeout() || matches!(io_kind(e), Some(std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)) {
            format!("the server did not answer within {} seconds", self.settings.command_timeout_secs)
        } else {
            plain(e)
        }
    }

    /// MAIL, RCPT, DATA and the body on `conn`.
    fn transaction(&self, conn: &mut SmtpConnection, d: Delivery<'_>) -> Transaction {
        let sender = match d.sender.parse::<Address>() {
            Ok(a) => a,
            Err(_) => {
                return Transaction::Verdict(Attempt::Failed {
                    reply: format!("'{}' is not a valid sender address.", d.sender),
                })
            }
        };
        let mut parameters = Vec::new();
        if !d.eml.is_ascii() {
            if !conn.server_info().supports_feature(Extension::EightBitMime) {
                return Transaction::Verdict(Attempt::Failed {
                    reply: "The message has 8-bit content and the server does not accept it (no 8BITMIME).".into(),
                });
            }
            parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        if let Err(e) = conn.command(Mail::new(Some(sender), parameters)) {
            return match reply_of(&e) {
                // A refusal of the sender concerns every message: stop, keep them queued.
                Some(reply) if e.is_permanent() && known_reply(&reply, self.settings.account, d.sender).is_some() => {
                    let stop = known_reply(&reply, self.settings.account, d.sender).expect("checked");
                    Transaction::Verdict(Attempt::Stopped(stop))
                }
                Some(reply) if e.is_permanent() => {
                    Transaction::Verdict(Attempt::Stopped(Stop::NeedsAttention(format!(
                        "The server refuses to send as {} ({reply}). Check the sender address in Settings and \
                         that your account may send as it.",
                        d.sender
                    ))))
                }
                Some(reply) => Transaction::Refused(Attempt::Deferred { reply }),
                None => Transaction::Broken(self.network_words(&e)),
            };
        }
        for recipient in d.recipients {
            let address = match recipient.parse::<Address>() {
                Ok(a) => a,
                Err(_) => {
                    return Transaction::Refused(Attempt::Failed {
                        reply: format!("'{recipient}' is not a valid address."),
                    })
                }
            };
            if let Err(e) = conn.command(Rcpt::new(address, vec![])) {
                return match reply_of(&e) {
                    Some(reply) if e.is_permanent() => Transaction::Refused(Attempt::Failed {
                        reply: format!("The server refused the recipient {recipient}: {reply}"),
                    }),
                    Some(reply) => Transaction::Refused(Attempt::Deferred { reply }),
                    None => Transaction::Broken(self.network_words(&e)),
                };
            }
        }
        if let Err(e) = conn.command(Data) {
            return match reply_of(&e) {
                Some(reply) if e.is_permanent() => Transaction::Refused(Attempt::Failed { reply }),
                Some(reply) => Transaction::Refused(Attempt::Deferred { reply }),
                None => Transaction::Broken(self.network_words(&e)),
            };
        }
        // From here the server may take responsibility at any moment: no silent retry.
        let _ = conn.set_timeout(Some(BODY_REPLY_TIMEOUT.max(self.command_timeout())));
        // The body and its final dot in one write: written separately, Nagle's algorithm and the
        // server's delayed acknowledgement stall each message by about 40 ms.
        let sent = match std::str::from_utf8(d.eml) {
            Ok(text) => conn.command(DataBlock(text)),
            Err(_) => conn.message(d.eml),
        };
        let verdict = match sent {
            Ok(response) => Attempt::Sent {
                reply: format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" ")),
            },
            Err(e) => match reply_of(&e) {
                Some(reply) if e.is_permanent() => Attempt::Failed { reply },
                Some(reply) => Attempt::Deferred { reply },
                None => {
                    return Transaction::Lost(format!(
                        "The connection broke after the message was handed over, before the server confirmed it \
                         ({}). It may have been delivered.",
                        self.network_words(&e)
                    ))
                }
            },
        };
        let _ = conn.set_timeout(Some(self.command_timeout()));
        Transaction::Done(verdict)
    }
}

/// A message body with SMTP transparency (RFC 5321 §4.5.2: a line starting with a dot gets
/// another) and the terminating `CRLF . CRLF`, written as one "command".
struct DataBlock<'a>(&'a str);

impl std::fmt::Display for DataBlock<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, line) in self.0.split("\r\n").enumerate() {
            if n > 0 {
                f.write_str("\r\n")?;
            }
            if line.starts_with('.') {
                f.write_str(".")?;
            }
            f.write_str(line)?;
        }
        if !self.0.ends_with("\r\n") {
            f.write_str("\r\n")?;
        }
        f.write_str(".\r\n")
    }
}

/// How a transaction on one connection ended.
enum Transaction {
    /// A verdict; the connection is fine for the next message.
    Done(Attempt),
    /// A verdict given before the body (a refusal): reset the transaction before reusing.
    Refused(Attempt),
    /// A verdict that needs no cleanup (the connection is dropped).
    Verdict(Attempt),
    /// The connection failed before the body was handed over: safe to try again.
    Broken(String),
    /// The connection failed after the body was handed over.
    Lost(String),
}

impl Transport for SmtpTransport {
    fn describe(&self) -> String {
        format!("smtp {}", self.settings.address())
    }

    fn deliver(&mut self, d: Delivery<'_>) -> Attempt {
        // A reused connection may have been closed by the server while idle: one more try on a
        // fresh one, which is safe because nothing was handed over.
        for fresh_try in [false, true] {
            let reused = self.connection.is_some();
            let mut conn = match self.connection.take() {
                Some(conn) => conn,
                None => match self.open(&mut |_, _| {}) {
                    Ok(conn) => conn,
                    Err(stop) => return Attempt::Stopped(stop),
                },
            };
            match self.transaction(&mut conn, d) {
                Transaction::Done(verdict) => {
                    self.connection = Some(conn);
                    return verdict;
                }
                Transaction::Refused(verdict) => {
                    if conn.command(Rset).is_ok() {
                        self.connection = Some(conn);
                    }
                    return verdict;
                }
                Transaction::Verdict(verdict) => {
                    conn.abort();
                    return verdict;
                }
                Transaction::Lost(reason) => {
                    conn.abort();
                    return Attempt::Uncertain { reason };
                }
                Transaction::Broken(reason) => {
                    conn.abort();
                    if reused && !fresh_try {
                        continue;
                    }
                    return Attempt::Deferred {
                        reply: format!(
                            "The connection to {} broke before the message was sent ({reason}).",
                            self.settings.address()
                        ),
                    };
                }
            }
        }
        unreachable!("the loop returns on its second pass")
    }

    fn close(&mut self) {
        if let Some(mut conn) = self.connection.take() {
            let _ = conn.command(Quit);
            conn.abort();
        }
    }
}

impl Drop for SmtpTransport {
    fn drop(&mut self) {
        self.close();
    }
}

/// "Send test message": every step to `to`, reporting which one failed.
pub fn test_server(settings: &SmtpSettings, password: Option<String>, from: &str, to: &str, eml: &[u8]) -> TestReport {
    test_server_with(settings, SmtpAuth::Password(password), from, to, eml)
}

/// [`test_server`] signing in with `auth` (a Microsoft 365 or Google sign-in, say).
pub fn test_server_with(settings: &SmtpSettings, auth: SmtpAuth, from: &str, to: &str, eml: &[u8]) -> TestReport {
    let mut steps: Vec<StepResult> = Vec::new();
    let mut record = |step: Step, result: Result<String, String>| {
        let (status, detail) = match result {
            Ok(detail) => ("ok", detail),
            Err(detail) => ("failed", detail),
        };
        steps.push(StepResult { step, label: step.label().into(), status: status.into(), detail });
    };
    let refused_early = {
        let opened =
            SmtpTransport::with_auth(settings.clone(), auth).and_then(|mut t| t.open(&mut record).map(|c| (t, c)));
        match opened {
            Ok((mut transport, conn)) => {
                transport.connection = Some(conn);
                let recipients = vec![to.to_string()];
                let delivery = Delivery { sender: from, recipients: &recipients, eml, message_id: "test" };
                let verdict = match transport.deliver(delivery) {
                    Attempt::Sent { reply } => Ok(format!("{to}: {reply}")),
                    Attempt::Deferred { reply } => Err(format!("The server asked to try later: {reply}")),
                    Attempt::Failed { reply } => Err(format!("The server refused the message: {reply}")),
                    Attempt::Uncertain { reason } => Err(reason),
                    Attempt::Stopped(stop) => Err(stop.message().to_string()),
                };
                record(Step::Accepted, verdict);
                None
            }
            Err(stop) => Some(stop),
        }
    };
    // A problem found before any step ran (an unreadable CA file) is a TLS problem.
    if let Some(stop) = refused_early.filter(|_| steps.is_empty()) {
        steps.push(StepResult {
            step: Step::Tls,
            label: Step::Tls.label().into(),
            status: "failed".into(),
            detail: stop.message().to_string(),
        });
    }
    let ok = steps.len() == 5 && steps.iter().all(|s| s.status == "ok");
    let reached: Vec<Step> = steps.iter().map(|s| s.step).collect();
    for step in [Step::Lookup, Step::Connect, Step::Tls, Step::Authenticate, Step::Accepted] {
        if !reached.contains(&step) {
            steps.push(StepResult {
                step,
                label: step.label().into(),
                status: "skipped".into(),
                detail: "not reached".into(),
            });
        }
    }
    steps.sort_by_key(|s| s.step as u8);
    TestReport { ok, steps }
}

/// `421 4.3.2 Service shutting down` from a negative reply; None for other errors.
fn reply_of(e: &SmtpError) -> Option<String> {
    let code = e.status()?;
    let text = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default();
    Some(format!("{code} {}", text.trim()).trim().to_string())
}

/// The innermost cause, for messages (lettre's own wording is "network error: …").
fn plain(e: &SmtpError) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// lettre reports the TLS library's refusals (an untrusted certificate, a handshake with a port
/// that does not speak TLS) as I/O errors of kind `InvalidData`, not as TLS errors.
fn is_tls_failure(e: &SmtpError) -> bool {
    e.is_tls() || io_kind(e) == Some(std::io::ErrorKind::InvalidData)
}

fn io_kind(e: &SmtpError) -> Option<std::io::ErrorKind> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cause = c.source();
    }
    None
}

fn connect_words(e: &SmtpError, s: &SmtpSettings) -> Stop {
    let address = s.address();
    if let Some(reply) = reply_of(e) {
        return if e.is_transient() {
            Stop::Unreachable(format!("The server at {address} is busy or closing ({reply}); it will be tried again."))
        } else {
            Stop::NeedsAttention(format!("The server at {address} refused the connection ({reply})."))
        };
    }
    if e.is_timeout() || io_kind(e) == Some(std::io::ErrorKind::WouldBlock) {
        let hint = if s.security == Security::Starttls && s.port == 465 {
            " Port 465 usually expects TLS from the start: choose TLS."
        } else {
            ""
        };
        return Stop::Unreachable(format!(
            "The server at {address} did not answer within {} seconds.{hint}",
            s.connect_timeout_secs
        ));
    }
    match io_kind(e) {
        Some(std::io::ErrorKind::ConnectionRefused) => Stop::Unreachable(format!(
            "Nothing answers at {address} (connection refused). Check the port, and that the server is running."
        )),
        Some(_) => Stop::Unreachable(format!("The server at {address} cannot be reached ({}).", plain(e))),
        None if e.is_response() => Stop::NeedsAttention(format!(
            "The server at {address} does not speak SMTP (its greeting was not understood). Check the host and port."
        )),
        None => Stop::Unreachable(format!("The server at {address} cannot be reached ({}).", plain(e))),
    }
}

fn tls_words(e: &SmtpError, s: &SmtpSettings) -> String {
    let detail = plain(e);
    let why = if detail.contains("UnknownIssuer") {
        "it was issued by an authority this computer does not trust".to_string()
    } else if detail.contains("NotValidForName") {
        format!("it is not valid for the name {}", s.host)
    } else if detail.contains("Expired") {
        "it has expired".to_string()
    } else {
        return format!(
            "The secure connection to {} could not be set up ({detail}). If the port expects STARTTLS rather than \
             TLS from the start (587 usually does), change the security setting.",
            s.address()
        );
    };
    format!(
        "The server's certificate is not trusted: {why} ({detail}). If this is your organisation's own relay, add \
         its CA certificate in Settings › Mail server."
    )
}

fn auth_words(e: &SmtpError, s: &SmtpSettings) -> Stop {
    if let Some(stop) = reply_of(e).and_then(|reply| known_reply(&reply, s.account, &s.username)) {
        return stop;
    }
    match reply_of(e) {
        Some(reply) if e.is_permanent() => Stop::NeedsAttention(format!(
            "The server refused the user name or password for {} ({reply}). Check them in Settings › Mail server.",
            s.username
        )),
        Some(reply) => Stop::Unreachable(format!("The server could not check the password just now ({reply}).")),
        None if e.is_client() => Stop::NeedsAttention(format!(
            "The server at {} offers no password sign-in Afterword supports (PLAIN or LOGIN) on this connection.",
            s.address()
        )),
        None => Stop::Unreachable(format!("The connection broke while signing in ({}).", plain(e))),
    }
}

/// "Send test message" from the sender to `to` (the sender when None) through `server`.
pub fn send_test_message(
    sender: &crate::Settings,
    server: &SmtpSettings,
    password: Option<String>,
    to: Option<&str>,
) -> crate::Result<TestReport> {
    let auth = if server.account.is_oauth() {
        SmtpAuth::Unavailable(Stop::SignInRequired(format!(
            "The test needs the {} sign-in, which this part of Afterword was not given.",
            server.account.label()
        )))
    } else {
        SmtpAuth::Password(password)
    };
    send_test_message_with(sender, server, auth, to)
}

/// [`send_test_message`] signing in with `auth`.
pub fn send_test_message_with(
    sender: &crate::Settings,
    server: &SmtpSettings,
    auth: SmtpAuth,
    to: Option<&str>,
) -> crate::Result<TestReport> {
    if !server.is_configured() {
        return Err(crate::Error::invalid("host", "No mail server is set: enter its host and port first."));
    }
    if sender.sender_email.is_empty() {
        return Err(crate::Error::invalid(
            "sender_email",
            "Set your own email address first: the test is sent from it.",
        ));
    }
    let to = to.map(str::trim).filter(|t| !t.is_empty()).unwrap_or(&sender.sender_email).to_string();
    let markdown = format!(
        "This is a test message from Afterword.\n\nIt reached you through {} ({}), so thank-you messages can be \
         sent this way.",
        server.address(),
        server.security.as_str().to_uppercase()
    );
    let subject = "Afterword test message";
    let body = crate::compose::markdown::mail_body(&markdown, subject);
    let now = chrono::Utc::now();
    let envelope = crate::compose::eml::Envelope {
        from_name: sender.sender_name.clone(),
        from_email: sender.sender_email.clone(),
        to_name: String::new(),
        to_email: to.clone(),
        reply_to: None,
        cc: None,
        subject: subject.into(),
        message_id: crate::compose::eml::message_id_for(&ulid::Ulid::new().to_string(), &sender.sender_email),
        date: now,
    };
    let eml = crate::compose::eml::build_eml(&envelope, &body)?;
    Ok(test_server_with(server, auth, &sender.sender_email, &to, &eml))
}

impl crate::Store {
    /// How `settings` sign in: the user name's password (`password` when given, else from
    /// `secrets`), or the saved Microsoft 365 / Google sign-in's [`TokenSource`] (or why there is
    /// none: [`SmtpAuth::Unavailable`] with [`Stop::SignInRequired`]). Blocks on the secret store.
    pub fn smtp_auth(
        &self,
        settings: &SmtpSettings,
        secrets: std::sync::Arc<dyn super::SecretStore>,
        password: Option<String>,
    ) -> crate::Result<SmtpAuth> {
        if settings.account.is_oauth() {
            return Ok(match self.token_source(settings, secrets) {
                Ok(tokens) => SmtpAuth::OAuth(Box::new(tokens)),
                Err(stop) => SmtpAuth::Unavailable(stop),
            });
        }
        if settings.username.is_empty() {
            return Ok(SmtpAuth::Password(None));
        }
        match password {
            Some(password) => Ok(SmtpAuth::Password(Some(password))),
            None => Ok(SmtpAuth::Password(secrets.get(&super::smtp_account(&settings.username, &settings.host))?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DataBlock;

    #[test]
    fn the_body_is_dot_stuffed_and_terminated_once() {
        assert_eq!(DataBlock("a\r\n.b\r\n..c\r\n").to_string(), "a\r\n..b\r\n...c\r\n.\r\n");
        assert_eq!(DataBlock(".\r\nend").to_string(), "..\r\nend\r\n.\r\n");
        assert_eq!(DataBlock("").to_string(), "\r\n.\r\n");
    }
}
