//! The delivery commands: `smtp` (the server: set, show, test, sign-in, sign-out) and `outbox`
//! (queue, send, status, resolve, cancel, retry), over the same engine as the app
//! ([`SmtpCommand`], [`OutboxCommand`]). The password is read from standard input only, and kept
//! in the OS secret store, never in the database or on the command line; so is the refresh token
//! of a Microsoft 365 or Google sign-in (`smtp sign-in`), whose access tokens live in memory only.

use crate::output::Printer;
use afterword_core::outbox::*;
use afterword_core::*;
use clap::builder::TypedValueParser;
use clap::{Args, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

#[derive(Subcommand)]
pub enum SmtpCommand {
    /// Set the server (values not given keep their current setting).
    Set(Box<SmtpSetArgs>),
    /// Print the server settings (never the password).
    Show,
    /// Send a test message and say which step failed: name lookup, connect, TLS,
    /// authentication, accepted. Exit 0 when accepted, 1 otherwise.
    Test {
        /// Send to this address instead of your own.
        #[arg(long)]
        to: Option<String>,
        /// Read the password from standard input instead of the secret store.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Sign in with Microsoft 365 or Google Workspace: prints the address to open in a browser
    /// (with --json, one JSON line), waits for the browser to come back, prints "Signed in as …".
    /// Exit 0 when signed in; 1 when refused, timed out or cancelled (the previous sign-in is
    /// kept).
    SignIn {
        /// Sign in with a code entered on any device instead (if the settings allow it).
        #[arg(long)]
        device_code: bool,
        /// Seconds to wait for the browser (default 300).
        #[arg(long, value_name = "SECS")]
        timeout: Option<u64>,
    },
    /// Sign out: revoke the sign-in where the provider allows it, delete its tokens.
    SignOut,
}

#[derive(Args)]
pub struct SmtpSetArgs {
    /// The server's host name; empty for no server (messages become .eml files). Default: the
    /// current one, or the provider's when --account switches to microsoft365 or google.
    #[arg(long)]
    host: Option<String>,
    /// password (any SMTP server), microsoft365 or google (sign in with `smtp sign-in`).
    #[arg(long, value_name = "KIND")]
    account: Option<String>,
    /// Microsoft 365: the organisation's tenant (domain or Directory ID).
    #[arg(long)]
    tenant: Option<String>,
    /// The client ID of the organisation's own public desktop app registration.
    #[arg(long)]
    client_id: Option<String>,
    /// Google: read the Desktop app client's secret from standard input.
    #[arg(long, conflicts_with = "password_stdin")]
    client_secret_stdin: bool,
    /// Override the authorization endpoint (sovereign clouds, tests); empty: the provider's.
    #[arg(long, value_name = "URL")]
    auth_url: Option<String>,
    /// Override the token endpoint; empty: the provider's.
    #[arg(long, value_name = "URL")]
    token_url: Option<String>,
    /// Override the revocation endpoint; empty: the provider's (none for Microsoft 365).
    #[arg(long, value_name = "URL")]
    revoke_url: Option<String>,
    /// Override the device-code endpoint; empty: the provider's.
    #[arg(long, value_name = "URL")]
    device_url: Option<String>,
    /// Replace the scopes asked for (space-separated); empty: the provider's.
    #[arg(long)]
    scope: Option<String>,
    /// The redirect URI's host: localhost or 127.0.0.1; empty: the provider's default.
    #[arg(long, value_name = "HOST")]
    redirect_host: Option<String>,
    /// Allow device-code sign-in (`smtp sign-in --device-code`) as a fallback.
    #[arg(long, overrides_with = "no_device_code")]
    device_code: bool,
    /// Do not allow device-code sign-in (the default).
    #[arg(long)]
    no_device_code: bool,
    /// Default: 465 for tls, 587 for starttls, 25 for none.
    #[arg(long)]
    port: Option<u16>,
    /// tls (implicit, usually 465), starttls (required, usually 587) or none (localhost only).
    #[arg(long)]
    security: Option<String>,
    #[arg(long)]
    username: Option<String>,
    /// Read the password from standard input and keep it in the OS secret store.
    #[arg(long)]
    password_stdin: bool,
    /// An extra trusted CA certificate (PEM) for an in-house relay; an empty value removes it.
    #[arg(long, value_name = "PEM", value_parser = clap::builder::OsStringValueParser::new().map(PathBuf::from))]
    ca_file: Option<PathBuf>,
    #[arg(long)]
    reply_to: Option<String>,
    /// no, cc or bcc: a copy of each message to yourself.
    #[arg(long)]
    copy_self: Option<String>,
    /// Messages per minute (0: no limit).
    #[arg(long)]
    rate: Option<u32>,
    /// Seconds.
    #[arg(long)]
    connect_timeout: Option<u32>,
    /// Seconds, for each command (the reply after the message body may take up to 10 minutes).
    #[arg(long)]
    command_timeout: Option<u32>,
}

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Queue an incident's approved messages.
    Queue {
        #[arg(long)]
        incident: String,
    },
    /// Send what is due; exits when nothing due is left. Exit 0 when all are sent, 1 when some
    /// wait (queued or deferred), failed or are uncertain.
    Send {
        /// Also send deferred messages now, without waiting for their next attempt time.
        #[arg(long)]
        now: bool,
        /// Read the SMTP password from standard input instead of the secret store.
        #[arg(long)]
        password_stdin: bool,
    },
    /// One row per message: Message-ID, recipient, state, attempts, last reply.
    Status {
        #[arg(long)]
        incident: Option<String>,
    },
    /// Decide about an uncertain message: `sent` (it arrived) or `resend`.
    Resolve { message_id: String, resolution: String },
    /// Cancel waiting (queued or deferred) messages.
    Cancel {
        #[arg(required = true)]
        message_ids: Vec<String>,
    },
    /// Queue failed or cancelled messages again (same bytes, same Message-ID).
    Retry {
        #[arg(required = true)]
        message_ids: Vec<String>,
    },
}

fn read_password() -> Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|source| Error::Io { context: "Could not read the password from standard input".into(), source })?;
    let password = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
    if password.is_empty() {
        return Err(Error::invalid("password", "The password on standard input is empty."));
    }
    Ok(password.to_string())
}

/// The password for `server`: from standard input when asked, else from the secret store.
fn password_for(server: &SmtpSettings, from_stdin: bool) -> Result<Option<String>> {
    if server.username.is_empty() {
        return Ok(None);
    }
    if from_stdin {
        return read_password().map(Some);
    }
    let secrets = KeyringSecrets::open().map_err(|e| {
        Error::SecretStore(format!("{e} Or pass the password on standard input with --password-stdin."))
    })?;
    secrets.get(&smtp_account(&server.username, &server.host))
}

/// How `server` signs in: a password (standard input or the secret store), or the saved
/// Microsoft 365 / Google sign-in, whose refresh token is in the secret store.
fn auth_for(store: &Store, server: &SmtpSettings, password_stdin: bool) -> Result<SmtpAuth> {
    if !server.account.is_oauth() {
        return Ok(SmtpAuth::Password(password_for(server, password_stdin)?));
    }
    if password_stdin {
        return Err(Error::invalid(
            "password",
            format!(
                "This account signs in with {}, not a password: run afterword smtp sign-in.",
                server.account.label()
            ),
        ));
    }
    let secrets = KeyringSecrets::open()
        .map_err(|e| Error::SecretStore(format!("{e} The {} sign-in is kept there.", server.account.label())))?;
    store.smtp_auth(server, Arc::new(secrets), None)
}

/// Reads a client secret from standard input.
fn read_client_secret() -> Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|source| Error::Io {
        context: "Could not read the client secret from standard input".into(),
        source,
    })?;
    let secret = text.trim();
    if secret.is_empty() {
        return Err(Error::invalid("client_secret", "The client secret on standard input is empty."));
    }
    Ok(secret.to_string())
}

pub fn run_smtp(store: &Store, out: &Printer, command: SmtpCommand) -> Result<i32> {
    match command {
        SmtpCommand::Set(args) => {
            let current = store.smtp_settings()?;
            let security = args.security.as_deref().map(Security::parse).transpose()?.unwrap_or(current.security);
            let ca_pem = match &args.ca_file {
                None => current.ca_pem.clone(),
                Some(path) if path.as_os_str().is_empty() => String::new(),
                Some(path) => std::fs::read_to_string(path).map_err(|e| {
                    Error::invalid("ca_pem", format!("The CA file {} cannot be read as text ({e}).", path.display()))
                })?,
            };
            let copy_self = match args.copy_self.as_deref().map(|c| c.trim().to_ascii_lowercase()) {
                None => current.copy_self,
                Some(c) if c == "no" || c == "none" => CopySelf::No,
                Some(c) if c == "cc" => CopySelf::Cc,
                Some(c) if c == "bcc" => CopySelf::Bcc,
                Some(other) => {
                    return Err(Error::invalid("copy_self", format!("'{other}' is not one of: no, cc, bcc.")))
                }
            };
            let account = args.account.as_deref().map(AccountKind::parse).transpose()?.unwrap_or(current.account);
            let host = match args.host {
                Some(host) => host,
                // Switching to a provider: its server, unless one is named.
                None if account != current.account && account.is_oauth() => String::new(),
                None => current.host.clone(),
            };
            let keep = |given: Option<String>, current: &str| given.unwrap_or_else(|| current.to_string());
            let o = &current.oauth;
            let oauth = OAuthSettings {
                tenant: keep(args.tenant, &o.tenant),
                client_id: keep(args.client_id, &o.client_id),
                client_secret: if args.client_secret_stdin { read_client_secret()? } else { o.client_secret.clone() },
                auth_url: keep(args.auth_url, &o.auth_url),
                token_url: keep(args.token_url, &o.token_url),
                revoke_url: keep(args.revoke_url, &o.revoke_url),
                device_url: keep(args.device_url, &o.device_url),
                scope: keep(args.scope, &o.scope),
                redirect_host: keep(args.redirect_host, &o.redirect_host),
                device_code: if args.device_code {
                    true
                } else if args.no_device_code {
                    false
                } else {
                    o.device_code
                },
            };
            let new_server = host.trim().is_empty() || current.host.is_empty();
            let wanted = SmtpSettings {
                port: args.port.unwrap_or(if args.security.is_some() || new_server {
                    security.default_port()
                } else {
                    current.port
                }),
                host,
                security,
                username: args.username.unwrap_or(current.username),
                ca_pem,
                reply_to: args.reply_to.unwrap_or(current.reply_to),
                copy_self,
                rate_per_minute: args.rate.unwrap_or(current.rate_per_minute),
                connect_timeout_secs: args.connect_timeout.unwrap_or(current.connect_timeout_secs),
                command_timeout_secs: args.command_timeout.unwrap_or(current.command_timeout_secs),
                account,
                oauth,
            }
            .validated()?;
            // The password first: if the secret store refuses it, nothing is changed.
            if args.password_stdin {
                if wanted.account.is_oauth() {
                    return Err(Error::invalid(
                        "password",
                        format!("A {} account signs in with smtp sign-in, not a password.", wanted.account.label()),
                    ));
                }
                if wanted.username.is_empty() {
                    return Err(Error::invalid("username", "A password needs a user name: add --username."));
                }
                let password = read_password()?;
                KeyringSecrets::open()?.set(&smtp_account(&wanted.username, &wanted.host), &password)?;
            }
            let saved = store.set_smtp_settings(&wanted)?;
            show(store, out, &saved)?;
            Ok(0)
        }
        SmtpCommand::Show => {
            show(store, out, &store.smtp_settings()?)?;
            Ok(0)
        }
        SmtpCommand::Test { to, password_stdin } => {
            let server = store.smtp_settings()?;
            let auth = auth_for(store, &server, password_stdin)?;
            let report = send_test_message_with(&store.settings()?, &server, auth, to.as_deref())?;
            out.either(&report, || {
                for step in &report.steps {
                    let mark = match step.status.as_str() {
                        "ok" => "ok  ",
                        "failed" => "FAIL",
                        _ => "-   ",
                    };
                    println!("{mark} {:<16} {}", step.label, step.detail);
                }
            })?;
            Ok(if report.ok { 0 } else { 1 })
        }
        SmtpCommand::SignIn { device_code, timeout } => sign_in(store, out, device_code, timeout),
        SmtpCommand::SignOut => {
            let secrets = KeyringSecrets::open()?;
            let report = store.sign_out(&secrets)?;
            out.either(&report, || println!("{}", report.message))?;
            Ok(0)
        }
    }
}

/// One JSON line (the sign-in's prompt and result are read as they come, not as one document).
fn json_line(value: &impl serde::Serialize) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", serde_json::to_string(value).expect("plain data serialises"));
    let _ = stdout.flush();
}

fn sign_in(store: &Store, out: &Printer, device_code: bool, timeout: Option<u64>) -> Result<i32> {
    let settings = store.smtp_settings()?;
    oauth::OAuthConfig::from_settings(&settings)?;
    // Where the refresh token will go: checked before the analyst signs in for nothing.
    let secrets = KeyringSecrets::open().map_err(|e| {
        Error::SecretStore(format!("{e} The sign-in is kept there; without it Afterword cannot keep you signed in."))
    })?;
    let method = if device_code { SignInMethod::DeviceCode } else { SignInMethod::Browser };
    let timeout = timeout.map(Duration::from_secs).unwrap_or(oauth::SIGN_IN_TIMEOUT);
    let flow = SignIn::start_with_timeout(&settings, method, timeout)?;
    let prompt = flow.prompt();
    if out.json {
        json_line(&prompt);
    } else {
        let mut stdout = std::io::stdout().lock();
        let _ = match &prompt {
            SignInPrompt::OpenBrowser { url, .. } => {
                writeln!(
                    stdout,
                    "Open this address in your browser to sign in with {}:\n{url}",
                    settings.account.label()
                )
            }
            SignInPrompt::EnterCode { verification_uri, user_code, .. } => {
                writeln!(stdout, "On any device, open {verification_uri} and enter the code {user_code}")
            }
        };
        let _ = stdout.flush();
        eprintln!("Waiting for the sign-in ({} s at most; Ctrl+C cancels, nothing is changed)…", timeout.as_secs());
    }
    let signed_in = flow.finish(&mut |_| {})?;
    let account = store.save_sign_in(&secrets, &signed_in)?;
    if out.json {
        let mut line = serde_json::to_value(&account).unwrap_or_default();
        line["kind"] = serde_json::Value::String("signed_in".into());
        line["account"] = serde_json::Value::String(account.kind.as_str().into());
        json_line(&line);
    } else {
        println!("Signed in as {}", account.email);
    }
    Ok(0)
}

fn show(store: &Store, out: &Printer, server: &SmtpSettings) -> Result<()> {
    let password = if server.username.is_empty() {
        "not needed (no user name)".to_string()
    } else {
        match KeyringSecrets::open().and_then(|s| s.get(&smtp_account(&server.username, &server.host))) {
            Ok(Some(_)) => "saved in the system's secret store".into(),
            Ok(None) => "not saved".into(),
            Err(e) => format!("unknown: {e}"),
        }
    };
    let sign_in = if server.account.is_oauth() {
        match KeyringSecrets::open().and_then(|s| store.sign_in_status(&s)) {
            Ok(status) => Some(status),
            Err(e) => Some(SignInStatus {
                kind: server.account,
                signed_in_as: None,
                signed_in_at: None,
                problem: Some(format!("unknown: {e}")),
                revokes_on_sign_out: false,
                device_code: server.oauth.device_code,
                persistent: false,
            }),
        }
    } else {
        None
    };
    let password = if server.account.is_oauth() { "not used (sign-in)".to_string() } else { password };
    let mut json = serde_json::to_value(server).unwrap_or_default();
    if !server.oauth.client_secret.is_empty() {
        json["oauth"]["client_secret"] = serde_json::Value::String("(set)".into());
    }
    json["sign_in"] = serde_json::to_value(&sign_in).unwrap_or_default();
    json["password"] = serde_json::Value::String(password.clone());
    json["eml_folder"] = serde_json::Value::String(store.eml_outbox_folder().display().to_string());
    out.either(&json, || {
        if !server.is_configured() {
            println!("No mail server: messages are written as .eml files to {}", store.eml_outbox_folder().display());
            return;
        }
        println!("server        {} ({})", server.address(), server.security.as_str());
        if let Some(status) = &sign_in {
            let o = &server.oauth;
            println!("account       {}", server.account.label());
            if !o.tenant.is_empty() {
                println!("tenant        {}", o.tenant);
            }
            println!("client ID     {}", if o.client_id.is_empty() { "(none)" } else { &o.client_id });
            if !o.client_secret.is_empty() {
                println!("client secret set");
            }
            for (label, value) in [
                ("auth URL     ", &o.auth_url),
                ("token URL    ", &o.token_url),
                ("revoke URL   ", &o.revoke_url),
                ("device URL   ", &o.device_url),
                ("scope        ", &o.scope),
                ("redirect host", &o.redirect_host),
            ] {
                if !value.is_empty() {
                    println!("{label} {value}");
                }
            }
            println!("device code   {}", if o.device_code { "allowed" } else { "off" });
            match (&status.signed_in_as, &status.problem) {
                (Some(email), _) => println!("signed in as  {email}"),
                (None, Some(problem)) => println!("signed in     no: {problem}"),
                (None, None) => println!("signed in     no"),
            }
        } else {
            println!("user name     {}", if server.username.is_empty() { "(none)" } else { &server.username });
            println!("password      {password}");
        }
        println!("extra CA      {}", if server.ca_pem.is_empty() { "none" } else { "set" });
        println!("reply-to      {}", if server.reply_to.is_empty() { "(sender)" } else { &server.reply_to });
        println!("copy to self  {}", serde_json::to_value(server.copy_self).unwrap_or_default().as_str().unwrap_or(""));
        println!(
            "rate          {}",
            if server.rate_per_minute == 0 {
                "no limit".into()
            } else {
                format!("{} a minute", server.rate_per_minute)
            }
        );
        println!("timeouts      connect {} s, commands {} s", server.connect_timeout_secs, server.command_timeout_secs);
    })
}

pub fn run_outbox(store: &Store, out: &Printer, command: OutboxCommand) -> Result<i32> {
    match command {
        OutboxCommand::Queue { incident } => {
            let report = store.queue_incident(&incident)?;
            out.either(&report, || {
                println!("{} queued, {} not approved (left as drafts)", report.queued, report.not_approved);
                for p in &report.problems {
                    println!("not queued: {}: {}", p.person_email, p.message);
                }
            })?;
            Ok(0)
        }
        OutboxCommand::Send { now, password_stdin } => {
            let lock = store.begin_sending()?;
            let server = store.smtp_settings()?;
            let auth = auth_for(store, &server, password_stdin)?;
            let mut transport = transport_with(&server, auth, store.eml_outbox_folder())
                .map_err(|stop| Error::Smtp(stop.message().to_string()))?;
            let options = RunOptions { include_deferred: now, rate_per_minute: server.rate_per_minute };
            let report = store.send_due(&lock, transport.as_mut(), &options, &AtomicBool::new(false), &mut |_| {})?;
            let counts = store.outbox_counts()?;
            let json = serde_json::json!({ "run": report, "outbox": counts });
            out.either(&json, || {
                let p = &report.progress;
                println!(
                    "{} sent, {} deferred, {} failed, {} uncertain ({} waiting in the outbox)",
                    p.sent,
                    p.deferred,
                    p.failed,
                    p.uncertain,
                    counts.waiting()
                );
                if let Some(next) = &report.next_due_at {
                    println!("next attempt at {next}");
                }
            })?;
            match &report.end {
                RunEnd::Unreachable { reason } | RunEnd::NeedsAttention { reason } => eprintln!("{reason}"),
                RunEnd::Finished | RunEnd::Paused => {}
            }
            if report.sign_in_required {
                eprintln!("To sign in from here: afterword smtp sign-in");
            }
            Ok(if counts.waiting() + counts.failed + counts.uncertain == 0 { 0 } else { 1 })
        }
        OutboxCommand::Status { incident } => {
            let entries = store.outbox(incident.as_deref())?;
            out.either(&entries, || {
                for e in &entries {
                    println!(
                        "{:<10} {:>2}  {:<32} <{}>  {}",
                        e.state.label(),
                        e.attempts,
                        e.recipient,
                        e.message_id,
                        e.last_reply
                    );
                }
            })?;
            Ok(0)
        }
        OutboxCommand::Resolve { message_id, resolution } => {
            let resolution = match resolution.trim().to_ascii_lowercase().as_str() {
                "sent" => Resolution::Sent,
                "resend" => Resolution::Resend,
                other => return Err(Error::invalid("resolution", format!("'{other}' is not one of: sent, resend."))),
            };
            let entry = store.resolve_uncertain(&message_id, resolution)?;
            out.either(&entry, || println!("{}: {}", entry.recipient, entry.state.label().to_lowercase()))?;
            Ok(0)
        }
        OutboxCommand::Cancel { message_ids } => {
            let n = store.cancel_outbox(&message_ids)?;
            out.message(&format!("{n} cancelled"), &serde_json::json!({ "cancelled": n }))?;
            Ok(0)
        }
        OutboxCommand::Retry { message_ids } => {
            let n = store.retry_outbox(&message_ids)?;
            out.message(&format!("{n} queued again"), &serde_json::json!({ "queued": n }))?;
            Ok(0)
        }
    }
}
