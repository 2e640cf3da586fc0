//! Signing in: [`SignIn::start`] prepares it and says what the analyst must do
//! ([`SignInPrompt`]: open a URL in the browser, or enter a code on another device);
//! [`SignIn::finish`] waits for that, reporting [`SignInProgress`], and returns the tokens and the
//! signed-in address ([`SignedIn`]), which [`Store::save_sign_in`](crate::Store::save_sign_in)
//! keeps. Nothing is stored before a sign-in completes, so a failed or cancelled one leaves the
//! previous sign-in as it was. [`SignInCancel`] stops a sign-in from any thread.
//!
//! The browser sign-in is the authorization code grant with PKCE (S256) and a fresh `state`
//! (RFC 8252, OAuth for native apps): a listener on 127.0.0.1 on a port chosen now, the redirect
//! URI `http://localhost:PORT` or `http://127.0.0.1:PORT`. The listener answers exactly one
//! request (the first complete one; silent pre-connections of browsers are not requests), checks
//! its path, `state` (constant-time) and that it carries a code or an error, answers a small page
//! ("You can close this tab and return to Afterword") and closes. The whole sign-in has a
//! deadline ([`SIGN_IN_TIMEOUT`]).
//!
//! Device-code sign-in (RFC 8628) is an opt-in fallback ([`SignInMethod::DeviceCode`]).
//!
//! Everything here blocks (network, waiting for the browser): front ends run it on a thread of
//! their own, never an async runtime's worker.

use super::errors::{self, oauth, Grant};
use super::net::{self, Http, REQUEST_TIMEOUT};
use super::provider::{AccountKind, OAuthConfig};
use crate::error::{Error, Result};
use crate::outbox::SmtpSettings;
use chrono::{DateTime, Utc};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, DeviceAuthorizationUrl, EndpointNotSet,
    EndpointSet, ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    StandardDeviceAuthorizationResponse, StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the analyst has to finish signing in (the browser step, or the code on another
/// device) before the sign-in gives up.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// The path the browser comes back to.
const REDIRECT_PATH: &str = "/";
/// At most this many connections wait at once for their first request.
const PENDING_MAX: usize = 16;
/// A request head larger than this is not a redirect.
const HEAD_MAX: usize = 16 * 1024;
const POLL: Duration = Duration::from_millis(25);

/// The token answer, with the OpenID Connect ID token that names the account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct IdTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenFields {}

pub(crate) type TokenAnswer = StandardTokenResponse<IdTokenFields, BasicTokenType>;

pub(crate) type Client<HasAuth, HasDevice, HasToken> = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuth,
    HasDevice,
    EndpointNotSet,
    EndpointNotSet,
    HasToken,
>;

fn bad_url(field: &'static str, url: &str) -> Error {
    Error::invalid(field, format!("'{url}' cannot be used as an endpoint."))
}

/// A client that knows the token endpoint (refresh and code exchange need no more).
pub(crate) fn token_client(config: &OAuthConfig) -> Result<Client<EndpointNotSet, EndpointNotSet, EndpointSet>> {
    let token_url = TokenUrl::new(config.token_url.clone()).map_err(|_| bad_url("token_url", &config.token_url))?;
    let mut client = oauth2::Client::new(ClientId::new(config.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(token_url);
    if let Some(secret) = &config.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.clone()));
    }
    Ok(client)
}

/// Stops a sign-in from another thread (the window's Cancel button). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct SignInCancel(Arc<AtomicBool>);

impl SignInCancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How the analyst signs in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    /// In the system browser, back to a listener on this machine (the default).
    #[default]
    Browser,
    /// A code entered at the provider's page on any device (opt-in: many tenants block it).
    DeviceCode,
}

/// What the analyst must do to sign in, for the front end to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignInPrompt {
    /// Open `url` in the system browser (the window: tauri-plugin-opener; the CLI prints it).
    OpenBrowser {
        url: String,
        /// Where the browser comes back: `http://localhost:PORT` or `http://127.0.0.1:PORT`.
        redirect_uri: String,
        /// When the sign-in gives up (RFC 3339).
        expires_at: String,
    },
    /// Go to `verification_uri` on any device and enter `user_code`.
    EnterCode {
        verification_uri: String,
        user_code: String,
        /// The provider's own sentence, when it sends one.
        message: Option<String>,
        expires_at: String,
    },
}

/// Where a sign-in stands, reported by [`SignIn::finish`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum SignInProgress {
    /// Waiting for the browser (or the other device).
    Waiting,
    /// The browser came back with a code: getting the tokens from the sign-in server.
    GettingTokens,
    /// Signed in as `email` (not yet saved: [`Store::save_sign_in`](crate::Store::save_sign_in)).
    SignedIn { email: String },
}

/// A completed sign-in. Holds the tokens in memory only; its `Debug` never shows them.
pub struct SignedIn {
    pub kind: AccountKind,
    /// The signed-in address: the XOAUTH2 user and what "Signed in as …" shows.
    pub email: String,
    pub(crate) client_id: String,
    pub(crate) tenant: String,
    pub(crate) token_url: String,
    pub(crate) refresh_token: String,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn").field("kind", &self.kind).field("email", &self.email).finish_non_exhaustive()
    }
}

enum Flow {
    Browser { listener: TcpListener, state: CsrfToken, verifier: PkceCodeVerifier, redirect: RedirectUrl, url: String },
    Device { details: Box<StandardDeviceAuthorizationResponse> },
}

/// A sign-in under way: see the module overview.
pub struct SignIn {
    config: OAuthConfig,
    http: Http,
    cancel: SignInCancel,
    deadline: Instant,
    expires_at: DateTime<Utc>,
    flow: Flow,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn").field("kind", &self.config.kind).finish_non_exhaustive()
    }
}

impl SignIn {
    /// Prepares a sign-in with the saved or typed `settings`, [`SIGN_IN_TIMEOUT`] to finish it.
    pub fn start(settings: &SmtpSettings, method: SignInMethod) -> Result<SignIn> {
        SignIn::start_with_timeout(settings, method, SIGN_IN_TIMEOUT)
    }

    /// As [`SignIn::start`], with another deadline. For Microsoft's default endpoints it first
    /// asks whether the tenant exists, so a mistyped tenant is named before the browser opens;
    /// the device-code method asks the provider for a code.
    pub fn start_with_timeout(settings: &SmtpSettings, method: SignInMethod, timeout: Duration) -> Result<SignIn> {
        let config = OAuthConfig::from_settings(settings)?;
        let http = Http::new(REQUEST_TIMEOUT.min(timeout.max(Duration::from_secs(1))));
        if let Some(check) = &config.tenant_check_url {
            check_tenant(&config, &http, check)?;
        }
        let cancel = SignInCancel::default();
        let started = Instant::now();
        let flow = match method {
            SignInMethod::Browser => browser_flow(&config)?,
            SignInMethod::DeviceCode => device_flow(&config, &http)?,
        };
        let timeout = match &flow {
            Flow::Device { details } => timeout.min(details.expires_in()),
            Flow::Browser { .. } => timeout,
        };
        let expires_at = Utc::now() + chrono::Duration::from_std(timeout).unwrap_or(chrono::Duration::minutes(5));
        Ok(SignIn { config, http, cancel, deadline: started + timeout, expires_at, flow })
    }

    pub fn prompt(&self) -> SignInPrompt {
        let expires_at = self.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        match &self.flow {
            Flow::Browser { url, redirect, .. } => {
                SignInPrompt::OpenBrowser { url: url.clone(), redirect_uri: redirect.as_str().to_string(), expires_at }
            }
            Flow::Device { details } => SignInPrompt::EnterCode {
                verification_uri: details.verification_uri().as_str().to_string(),
                user_code: details.user_code().secret().clone(),
                message: None,
                expires_at,
            },
        }
    }

    /// The handle that stops this sign-in; [`SignIn::finish`] then fails with
    /// [`Error::Cancelled`].
    pub fn canceller(&self) -> SignInCancel {
        self.cancel.clone()
    }

    /// Waits for the analyst, then gets the tokens and the address. Blocks until done, failed,
    /// cancelled, or the deadline.
    pub fn finish(self, progress: &mut dyn FnMut(SignInProgress)) -> Result<SignedIn> {
        progress(SignInProgress::Waiting);
        let SignIn { config, http, cancel, deadline, flow, .. } = self;
        let answer = match flow {
            Flow::Browser { listener, state, verifier, redirect, .. } => {
                let code = wait_for_redirect(&config, &listener, &state, deadline, &cancel)?;
                drop(listener);
                progress(SignInProgress::GettingTokens);
                token_client(&config)?
                    .exchange_code(AuthorizationCode::new(code))
                    .set_pkce_verifier(verifier)
                    .set_redirect_uri(std::borrow::Cow::Owned(redirect))
                    .request(&http.cancellable(cancel.0.clone()))
                    .map_err(|e| errors::token_error(&config, Grant::SignIn, e))?
            }
            Flow::Device { details } => {
                let client = token_client(&config)?;
                let left = deadline.saturating_duration_since(Instant::now());
                let sleep = |wait: Duration| {
                    let until = Instant::now() + wait;
                    while Instant::now() < until && !cancel.is_cancelled() {
                        std::thread::sleep(POLL.min(until - Instant::now()));
                    }
                };
                // oauth2's polling retries after any HTTP error, so a cancel ends it through the
                // clock it reads: cancelled, the deadline has passed.
                let clock = || if cancel.is_cancelled() { DateTime::<Utc>::MAX_UTC } else { Utc::now() };
                let polled = client.exchange_device_access_token(&details).set_time_fn(clock).request(
                    &http.cancellable(cancel.0.clone()),
                    sleep,
                    Some(left),
                );
                if cancel.is_cancelled() {
                    return Err(cancelled());
                }
                let answer = polled.map_err(|e| match e {
                    oauth2::RequestTokenError::ServerResponse(r) if r.error().as_ref() == "expired_token" => {
                        timed_out()
                    }
                    other => errors::token_error(&config, Grant::SignIn, other),
                })?;
                progress(SignInProgress::GettingTokens);
                answer
            }
        };
        let signed_in = signed_in_from(&config, &answer)?;
        progress(SignInProgress::SignedIn { email: signed_in.email.clone() });
        Ok(signed_in)
    }
}

fn cancelled() -> Error {
    Error::Cancelled("The sign-in was cancelled; the previous sign-in, if any, is kept.".into())
}

fn timed_out() -> Error {
    oauth(
        errors::CODE_TIMEOUT,
        "The sign-in was not finished in time, so it was given up. Nothing was changed: sign in again when you are ready.",
    )
}

/// Microsoft answers a tenant that does not exist with AADSTS90002 on its discovery document.
fn check_tenant(config: &OAuthConfig, http: &Http, url: &str) -> Result<()> {
    let answer = net::get(http, url).map_err(|e| errors::http_error(&e))?;
    if answer.status().is_success() {
        return Ok(());
    }
    let json: serde_json::Value = serde_json::from_slice(answer.body()).unwrap_or_default();
    let error = json["error"].as_str().unwrap_or_default();
    let description = json["error_description"].as_str().unwrap_or_default();
    if error.is_empty() {
        return Err(oauth(
            errors::CODE_SERVER,
            format!(
                "Microsoft's sign-in server answered HTTP {} when asked about the tenant '{}'.",
                answer.status().as_u16(),
                config.tenant
            ),
        ));
    }
    Err(errors::refusal(config, Grant::SignIn, error, description))
}

fn browser_flow(config: &OAuthConfig) -> Result<Flow> {
    // 127.0.0.1 only: nothing else on the network can reach the listener.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|source| Error::Io { context: "Could not listen on 127.0.0.1 for the sign-in".into(), source })?;
    let port = listener
        .local_addr()
        .map_err(|source| Error::Io { context: "Could not listen on 127.0.0.1 for the sign-in".into(), source })?
        .port();
    let redirect = RedirectUrl::new(format!("http://{}:{port}", config.redirect_host))
        .map_err(|e| Error::invalid("redirect_host", e.to_string()))?;
    let auth_url = AuthUrl::new(config.auth_url.clone()).map_err(|_| bad_url("auth_url", &config.auth_url))?;
    let client = token_client(config)?.set_auth_uri(auth_url).set_redirect_uri(redirect.clone());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(config.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge);
    match config.kind {
        // A refresh token every time (installed apps), and the consent screen again so a
        // scope left unticked before can be granted now.
        AccountKind::Google => {
            request = request.add_extra_param("access_type", "offline").add_extra_param("prompt", "consent")
        }
        // Let the analyst pick the mailbox's own account, not whichever is signed in already.
        AccountKind::Microsoft365 => request = request.add_extra_param("prompt", "select_account"),
        AccountKind::Password => {}
    }
    let (url, state) = request.url();
    Ok(Flow::Browser { listener, state, verifier, redirect, url: url.to_string() })
}

fn device_flow(config: &OAuthConfig, http: &Http) -> Result<Flow> {
    let Some(device_url) = &config.device_url else {
        return Err(Error::invalid(
            "device_code",
            "Device-code sign-in is off in the settings (many organisations block it): sign in in the browser, or turn \
             it on if your admin allows it.",
        ));
    };
    let device = DeviceAuthorizationUrl::new(device_url.clone()).map_err(|_| bad_url("device_url", device_url))?;
    let details: StandardDeviceAuthorizationResponse = token_client(config)?
        .set_device_authorization_url(device)
        .exchange_device_code()
        .add_scopes(config.scopes.iter().cloned().map(Scope::new))
        .request(http)
        .map_err(|e| errors::token_error(config, Grant::SignIn, e))?;
    Ok(Flow::Device { details: Box::new(details) })
}

/// One connection waiting for its request head.
struct Pending {
    stream: TcpStream,
    head: Vec<u8>,
}

/// Waits for the one request; answers it and returns the code, or why it is refused.
fn wait_for_redirect(
    config: &OAuthConfig,
    listener: &TcpListener,
    state: &CsrfToken,
    deadline: Instant,
    cancel: &SignInCancel,
) -> Result<String> {
    let mut pending: Vec<Pending> = Vec::new();
    loop {
        if cancel.is_cancelled() {
            return Err(cancelled());
        }
        if Instant::now() >= deadline {
            return Err(timed_out());
        }
        let mut idle = true;
        match listener.accept() {
            Ok((stream, peer)) if peer.ip().is_loopback() && pending.len() < PENDING_MAX => {
                if stream.set_nonblocking(true).is_ok() {
                    pending.push(Pending { stream, head: Vec::new() });
                }
                idle = false;
            }
            Ok(_) => idle = false,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => {}
        }
        let mut complete = None;
        let mut index = 0;
        while index < pending.len() {
            let p = &mut pending[index];
            let mut chunk = [0u8; 4096];
            match p.stream.read(&mut chunk) {
                Ok(0) => {
                    pending.swap_remove(index);
                    continue;
                }
                Ok(n) => {
                    idle = false;
                    p.head.extend_from_slice(&chunk[..n]);
                    if p.head.windows(4).any(|w| w == b"\r\n\r\n") || p.head.windows(2).any(|w| w == b"\n\n") {
                        complete = Some(index);
                        break;
                    }
                    if p.head.len() > HEAD_MAX {
                        pending.swap_remove(index);
                        continue;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => {
                    pending.swap_remove(index);
                    continue;
                }
            }
            index += 1;
        }
        if let Some(index) = complete {
            // The one request: every other connection and the listener close with it.
            let Pending { mut stream, head } = pending.swap_remove(index);
            drop(pending);
            let verdict = check_redirect(config, &head, state.secret());
            let page = match &verdict {
                Ok(_) => page(
                    200,
                    "Signed in",
                    "Afterword received your sign-in. You can close this tab and return to Afterword.",
                ),
                Err(e) => {
                    page(400, "Sign-in not completed", &format!("{e} You can close this tab and return to Afterword."))
                }
            };
            let _ = stream.set_nonblocking(false);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
            let _ = stream.write_all(page.as_bytes());
            let _ = stream.flush();
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return verdict;
        }
        if idle {
            std::thread::sleep(POLL);
        }
    }
}

/// Checks the browser's request to the redirect URI; the authorization code when it is one.
pub(crate) fn check_redirect(config: &OAuthConfig, head: &[u8], expected_state: &str) -> Result<String> {
    let text = String::from_utf8_lossy(head);
    let line = text.lines().next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let not_a_redirect = || {
        oauth(
            errors::CODE_REDIRECT,
            "The browser came back with something that is not a sign-in answer, so the sign-in was stopped. Sign in \
             again.",
        )
    };
    if method != "GET" || !target.starts_with('/') {
        return Err(not_a_redirect());
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != REDIRECT_PATH {
        return Err(not_a_redirect());
    }
    let mut state = Vec::new();
    let (mut code, mut error, mut description) = (Vec::new(), None, None);
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "state" => state.push(value.into_owned()),
            "code" => code.push(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            "error_description" => description = Some(value.into_owned()),
            _ => {}
        }
    }
    match state.as_slice() {
        [] => {
            return Err(oauth(
                errors::CODE_STATE,
                "The answer that came back to Afterword carries no state, so it cannot be matched to this sign-in: it \
                 was refused. Sign in again.",
            ))
        }
        [one] if same(one.as_bytes(), expected_state.as_bytes()) => {}
        _ => {
            return Err(oauth(
                errors::CODE_STATE,
                "The answer that came back to Afterword belongs to another sign-in (its state does not match), so it \
                 was refused. Sign in again.",
            ))
        }
    }
    if let Some(error) = error {
        return Err(errors::authorization_error(config, &error, description.as_deref().unwrap_or_default()));
    }
    match code.as_slice() {
        [one] if !one.is_empty() && one.len() <= 4096 => Ok(one.clone()),
        _ => Err(not_a_redirect()),
    }
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The small page the browser shows, as a whole HTTP response.
fn page(status: u16, title: &str, text: &str) -> String {
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · Afterword</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>body{{font:16px/1.5 system-ui,sans-serif;\
         max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}}h1{{font-size:1.4rem}}</style></head>\
         <body><h1>{title}</h1><p>{}</p></body></html>\n",
        html_escape(text)
    );
    let reason = if status == 200 { "OK" } else { "Bad Request" };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// The claims of an ID token that say who signed in. The token comes straight from the token
/// endpoint over TLS, so its signature need not be checked (OpenID Connect Core §3.1.3.7); its
/// audience must still be this client.
pub(crate) fn address_from_id_token(id_token: &str, client_id: &str) -> Result<String> {
    use base64::Engine;
    let no_address = |why: &str| {
        oauth(
            errors::CODE_NO_ADDRESS,
            format!(
                "The sign-in worked, but {why}, so Afterword cannot tell which address to send as. The scopes must \
                 include openid and email (the defaults do)."
            ),
        )
    };
    let payload = id_token.split('.').nth(1).ok_or_else(|| no_address("its ID token cannot be read"))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| no_address("its ID token cannot be read"))?;
    let claims: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| no_address("its ID token cannot be read"))?;
    let audience_ok = match &claims["aud"] {
        serde_json::Value::String(aud) => aud == client_id,
        serde_json::Value::Array(auds) => auds.iter().any(|a| a.as_str() == Some(client_id)),
        serde_json::Value::Null => true,
        _ => false,
    };
    if !audience_ok {
        return Err(no_address("its ID token was issued to another app"));
    }
    let verified = claims["email_verified"].as_bool() != Some(false);
    let candidates =
        [claims["email"].as_str().filter(|_| verified), claims["preferred_username"].as_str(), claims["upn"].as_str()];
    for candidate in candidates.into_iter().flatten() {
        if let Ok(email) = crate::validate::email("email", candidate) {
            return Ok(email);
        }
    }
    Err(no_address("its ID token names no email address"))
}

fn signed_in_from(config: &OAuthConfig, answer: &TokenAnswer) -> Result<SignedIn> {
    // With granular consent (Google) the analyst may untick the mail scope.
    if let (Some(granted), Some(mail)) = (answer.scopes(), config.scopes.first()) {
        if !granted.iter().any(|s| s.as_str() == mail) {
            return Err(oauth(
                errors::CODE_SCOPE,
                format!(
                    "The sign-in did not grant {mail}, which sending mail needs. Sign in again and allow Afterword to \
                     send email for you (tick every box on the consent screen)."
                ),
            ));
        }
    }
    let Some(refresh) = answer.refresh_token() else {
        return Err(oauth(
            errors::CODE_REFUSED,
            format!(
                "{} signed you in but gave no refresh token, so Afterword would need you again within the hour. The \
                 scopes must include offline_access (Microsoft) or the client must be a Desktop app (Google).",
                config.kind.label()
            ),
        ));
    };
    let id_token = answer.extra_fields().id_token.as_deref().ok_or_else(|| {
        oauth(
            errors::CODE_NO_ADDRESS,
            "The sign-in worked, but no ID token came with it, so Afterword cannot tell which address to send as. The \
             scopes must include openid and email (the defaults do).",
        )
    })?;
    let email = address_from_id_token(id_token, &config.client_id)?;
    Ok(SignedIn {
        kind: config.kind,
        email,
        client_id: config.client_id.clone(),
        tenant: config.tenant.clone(),
        token_url: config.token_url.clone(),
        refresh_token: refresh.secret().clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::oauth::provider::OAuthSettings;
    use base64::Engine;

    fn config() -> OAuthConfig {
        OAuthConfig::from_settings(&SmtpSettings {
            account: AccountKind::Microsoft365,
            oauth: OAuthSettings {
                tenant: "contoso.com".into(),
                client_id: "3f2504e0-4f89-11d3-9a0c-0305e82c3301".into(),
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap()
    }

    fn jwt(claims: serde_json::Value) -> String {
        let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        format!("{}.{}.sig", b64(br#"{"alg":"RS256"}"#), b64(claims.to_string().as_bytes()))
    }

    #[test]
    fn a_sign_in_can_move_to_a_worker_thread_and_be_cancelled_from_another() {
        fn send<T: Send>() {}
        fn shared<T: Send + Sync + Clone>() {}
        send::<SignIn>();
        send::<SignedIn>();
        send::<crate::outbox::TokenSource>();
        shared::<SignInCancel>();
    }

    #[test]
    fn pkce_is_s256_of_the_verifier() {
        // RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))), no padding.
        let verifier = PkceCodeVerifier::new("dBjftJeZ4CVP-mJ92K9dM-ytH7WQ4bY6U4_6ZwAEYGo".into());
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
        assert_eq!(challenge.as_str(), "uZK2VXeBslJ2_4waLlIJIJU3Zs9vyClyJYDZ1fHJIRQ");
        use sha2::Digest;
        let expected =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.secret().as_bytes()));
        assert_eq!(challenge.as_str(), expected);
        assert_eq!(challenge.method().as_str(), "S256");
        // Fresh verifiers: 43+ characters of the unreserved set, different each time.
        let (_, a) = PkceCodeChallenge::new_random_sha256();
        let (_, b) = PkceCodeChallenge::new_random_sha256();
        assert!(a.secret().len() >= 43 && a.secret() != b.secret());
        assert!(a.secret().chars().all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)));
    }

    #[test]
    fn the_authorization_url_carries_pkce_state_scopes_and_the_loopback_redirect() {
        let config = config();
        let Flow::Browser { listener, state, url, redirect, .. } = browser_flow(&config).unwrap() else {
            unreachable!()
        };
        let port = listener.local_addr().unwrap().port();
        assert!(listener.local_addr().unwrap().ip().is_loopback());
        assert_eq!(redirect.as_str(), format!("http://localhost:{port}"));
        let url = url::Url::parse(&url).unwrap();
        assert_eq!(
            format!("{}://{}{}", url.scheme(), url.host_str().unwrap(), url.path()),
            "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize"
        );
        let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        assert_eq!(q["redirect_uri"], format!("http://localhost:{port}"));
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["code_challenge"].len(), 43);
        assert_eq!(q["state"], *state.secret());
        assert_eq!(q["scope"], "https://outlook.office.com/SMTP.Send offline_access openid email profile");
        assert_eq!(q["prompt"], "select_account");
    }

    #[test]
    fn redirects_are_checked_for_path_state_and_code() {
        let c = config();
        let check = |head: &str| check_redirect(&c, head.as_bytes(), "s3cr3t");
        assert_eq!(check("GET /?code=abc&state=s3cr3t HTTP/1.1\r\nHost: x\r\n\r\n").unwrap(), "abc");
        assert_eq!(check("GET /?state=s3cr3t&code=a%2Fb&session_state=x HTTP/1.1\r\n\r\n").unwrap(), "a/b");
        let codes = [
            ("GET /?code=abc HTTP/1.1\r\n\r\n", errors::CODE_STATE),
            ("GET /?code=abc&state=other HTTP/1.1\r\n\r\n", errors::CODE_STATE),
            ("GET /?code=abc&state=s3cr3t&state=s3cr3t HTTP/1.1\r\n\r\n", errors::CODE_STATE),
            ("GET /?error=access_denied&error_description=nope HTTP/1.1\r\n\r\n", errors::CODE_STATE),
            (
                "GET /?error=access_denied&error_description=The+user+declined&state=s3cr3t HTTP/1.1\r\n\r\n",
                errors::CODE_DENIED,
            ),
            ("GET /?state=s3cr3t HTTP/1.1\r\n\r\n", errors::CODE_REDIRECT),
            ("GET /?code=&state=s3cr3t HTTP/1.1\r\n\r\n", errors::CODE_REDIRECT),
            ("GET /favicon.ico HTTP/1.1\r\n\r\n", errors::CODE_REDIRECT),
            ("GET /other?code=abc&state=s3cr3t HTTP/1.1\r\n\r\n", errors::CODE_REDIRECT),
            ("POST /?code=abc&state=s3cr3t HTTP/1.1\r\n\r\n", errors::CODE_REDIRECT),
            ("garbage\r\n\r\n", errors::CODE_REDIRECT),
        ];
        for (head, code) in codes {
            assert_eq!(check(head).unwrap_err().code(), code, "{head}");
        }
        let tenant = check("GET /?error=invalid_request&error_description=AADSTS90002%3A+Tenant+not+found&state=s3cr3t HTTP/1.1\r\n\r\n");
        assert_eq!(tenant.unwrap_err().code(), errors::CODE_TENANT);
    }

    #[test]
    fn the_address_comes_from_the_id_token_for_this_client() {
        let client = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        let token = |claims| jwt(claims);
        assert_eq!(
            address_from_id_token(&token(serde_json::json!({"aud": client, "email": "Sam@Corp.Example"})), client)
                .unwrap(),
            crate::validate::email("e", "Sam@Corp.Example").unwrap()
        );
        assert_eq!(
            address_from_id_token(
                &token(serde_json::json!({"aud": client, "preferred_username": "sam@corp.example"})),
                client
            )
            .unwrap(),
            "sam@corp.example"
        );
        assert_eq!(
            address_from_id_token(
                &token(serde_json::json!({"aud": [client], "email": "x@y.example", "email_verified": false, "upn": "sam@corp.example"})),
                client
            )
            .unwrap(),
            "sam@corp.example"
        );
        let other =
            address_from_id_token(&token(serde_json::json!({"aud": "someone-else", "email": "a@b.example"})), client);
        assert_eq!(other.unwrap_err().code(), errors::CODE_NO_ADDRESS);
        let none = address_from_id_token(
            &token(serde_json::json!({"aud": client, "preferred_username": "not-an-address"})),
            client,
        );
        assert_eq!(none.unwrap_err().code(), errors::CODE_NO_ADDRESS);
        assert_eq!(address_from_id_token("garbage", client).unwrap_err().code(), errors::CODE_NO_ADDRESS);
    }

    #[test]
    fn the_page_is_small_escaped_and_not_cached() {
        let p = page(400, "Sign-in not completed", "<script>x</script> & more");
        assert!(p.starts_with("HTTP/1.1 400 Bad Request\r\n"));
        assert!(p.contains("Cache-Control: no-store") && p.contains("Connection: close"));
        assert!(p.contains("&lt;script&gt;x&lt;/script&gt; &amp; more"));
        assert!(p.len() < 2048);
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"abc", b"ab"));
    }
}
