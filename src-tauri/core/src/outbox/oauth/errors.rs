//! What went wrong, in plain words with what to ask the admin: the sign-in server's answers
//! ([`token_error`], [`authorization_error`]: OAuth error codes, Microsoft's `AADSTS` numbers,
//! Google's restricted-scope refusals) and the mail server's replies to a sign-in
//! ([`auth_refusal`]: `535 5.7.139`, `535 5.7.3`, `550 5.7.30`, `534 5.7.9`/`5.7.14`, the `334`
//! JSON challenge of XOAUTH2). Every message names the server and the code it answered, never a
//! token or a body that could hold one.
//!
//! The error codes ([`Error::OAuth`]'s `code`) the UI branches on are the `CODE_*` constants.

use super::net::HttpError;
use super::provider::{AccountKind, OAuthConfig};
use crate::error::Error;
use crate::outbox::transport::Stop;
use oauth2::{ErrorResponse, RequestTokenError, StandardErrorResponse};

/// The sign-in is missing, expired or revoked: sign in again (messages stay queued).
pub const CODE_SIGN_IN_REQUIRED: &str = "sign_in_required";
/// The redirect came back without our `state`, or with another one: not this sign-in.
pub const CODE_STATE: &str = "oauth_state";
/// The redirect to the loopback listener was not a sign-in answer (wrong path, no code).
pub const CODE_REDIRECT: &str = "oauth_redirect";
/// The analyst declined, or the organisation's policy refused the app (access_denied, consent).
pub const CODE_DENIED: &str = "oauth_denied";
/// Microsoft does not know the tenant (AADSTS90002).
pub const CODE_TENANT: &str = "oauth_tenant";
/// The client ID or the app registration is wrong (unknown client, not a public client,
/// redirect URI not registered).
pub const CODE_CLIENT: &str = "oauth_client";
/// The scopes were refused (Google's restricted mail scope, a missing API permission).
pub const CODE_SCOPE: &str = "oauth_scope";
/// The sign-in server answered something that is not OAuth: a web page, a redirect, garbage.
pub const CODE_SERVER: &str = "oauth_server";
/// The sign-in server could not be reached or did not answer in time.
pub const CODE_UNREACHABLE: &str = "oauth_unreachable";
/// Nobody finished the sign-in in the browser in time.
pub const CODE_TIMEOUT: &str = "oauth_timeout";
/// The sign-in worked but did not say which address signed in (no email in the ID token).
pub const CODE_NO_ADDRESS: &str = "oauth_no_address";
/// Any other refusal by the sign-in server, with its own words.
pub const CODE_REFUSED: &str = "oauth_refused";

pub(crate) fn oauth(code: &'static str, message: impl Into<String>) -> Error {
    Error::OAuth { code, message: message.into() }
}

/// Which request failed, for the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    /// Exchanging the code from the browser (or the device code) for tokens.
    SignIn,
    /// Refreshing the access token before sending.
    Refresh,
}

/// `AADSTS90002` from a description ("AADSTS90002: Tenant 'x' not found. …").
fn aadsts(description: &str) -> Option<u32> {
    let at = description.find("AADSTS")?;
    let digits: String = description[at + 6..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The first line of a server's description, without Microsoft's trace and correlation ids.
fn short(description: &str) -> String {
    let line = description.lines().next().unwrap_or_default().trim();
    let line = line.split(" Trace ID:").next().unwrap_or(line);
    let mut out: String = line.chars().take(300).collect();
    if out.len() < line.len() {
        out.push('…');
    }
    out
}

fn sign_in_again(config: &OAuthConfig) -> String {
    format!(
        "Sign in with {} again in Settings › Mail server; your messages stay queued until then.",
        config.kind.label()
    )
}

/// An OAuth error answer (`error`, `error_description`) in plain words.
pub(crate) fn refusal(config: &OAuthConfig, grant: Grant, error: &str, description: &str) -> Error {
    let said = if description.is_empty() { error.to_string() } else { format!("{error}: {}", short(description)) };
    let tenant = if config.tenant.is_empty() { "(from the endpoints)".to_string() } else { config.tenant.clone() };
    let admin_guide = "Your admin can check the registration against the guide in Settings › Mail server.";
    match aadsts(description) {
        Some(90002) => {
            return oauth(
                CODE_TENANT,
                format!(
                    "Microsoft does not know the tenant '{tenant}' (AADSTS90002). Check the tenant in Settings › Mail \
                     server: your organisation's domain (contoso.onmicrosoft.com or contoso.com) or its Directory \
                     (tenant) ID."
                ),
            )
        }
        Some(700016) => {
            return oauth(
                CODE_CLIENT,
                format!(
                    "No app with the client ID {} is registered in the tenant '{tenant}' (AADSTS700016). Check the \
                     Application (client) ID and the tenant with your admin.",
                    config.client_id
                ),
            )
        }
        Some(7000218) | Some(700025) => {
            return oauth(
                CODE_CLIENT,
                format!(
                    "The app registration is not a public client, so Microsoft asks for a secret Afterword does not \
                     have ({said}). Ask your admin to add the \"Mobile and desktop applications\" platform with the \
                     redirect URI http://localhost and to set \"Allow public client flows\" to Yes."
                ),
            )
        }
        Some(50011) | Some(500113) => {
            return oauth(
                CODE_CLIENT,
                format!(
                    "The app registration does not list Afterword's redirect URI ({said}). Ask your admin to add \
                     http://localhost on the \"Mobile and desktop applications\" platform (or http://127.0.0.1, if \
                     Afterword's redirect host is set to 127.0.0.1)."
                ),
            )
        }
        Some(65001) | Some(65004) | Some(90094) => {
            return oauth(
                CODE_DENIED,
                format!(
                    "The app has no consent to send mail for you ({said}). Ask your admin to grant admin consent for \
                     the SMTP.Send permission of the app registration."
                ),
            )
        }
        Some(53003) | Some(530003) | Some(50105) => {
            return oauth(
                CODE_DENIED,
                format!("Your organisation's sign-in policy blocked this sign-in ({said}). Ask your admin which policy applies."),
            )
        }
        Some(50020) | Some(500200) => {
            return oauth(
                CODE_DENIED,
                format!(
                    "The account you signed in with does not belong to the tenant '{tenant}' ({said}). Sign in with \
                     your work account."
                ),
            )
        }
        Some(70011) | Some(500011) | Some(650057) => {
            return oauth(
                CODE_SCOPE,
                format!(
                    "Microsoft refused the permissions asked for ({said}). Ask your admin to add the delegated \
                     permission SMTP.Send of Office 365 Exchange Online (plus openid, email, offline_access) to the \
                     app registration."
                ),
            )
        }
        Some(700082) | Some(50173) | Some(70043) | Some(700084) | Some(50076) | Some(50079) | Some(50078)
            if grant == Grant::Refresh =>
        {
            return oauth(
                CODE_SIGN_IN_REQUIRED,
                format!("Your {} sign-in has expired or needs you again ({said}). {}", config.kind.label(), sign_in_again(config)),
            )
        }
        _ => {}
    }
    let lower = description.to_ascii_lowercase();
    if config.kind == AccountKind::Google && (lower.contains("admin_policy_enforced") || lower.contains("org_internal"))
    {
        return oauth(
            CODE_DENIED,
            format!(
                "Your Google Workspace admin has not allowed this app ({said}). Ask them to trust its client ID in the \
                 Admin console (Security › Access and data control › API controls › Manage third-party app access)."
            ),
        );
    }
    match error {
        "invalid_grant" if grant == Grant::Refresh => oauth(
            CODE_SIGN_IN_REQUIRED,
            format!(
                "Your {} sign-in has expired or was revoked ({said}). {}",
                config.kind.label(),
                sign_in_again(config)
            ),
        ),
        "interaction_required" | "login_required" | "consent_required" if grant == Grant::Refresh => oauth(
            CODE_SIGN_IN_REQUIRED,
            format!("{} needs you to sign in again ({said}). {}", config.kind.label(), sign_in_again(config)),
        ),
        "invalid_grant" => oauth(
            CODE_REFUSED,
            format!("{} did not accept the sign-in ({said}). Sign in again.", config.kind.label()),
        ),
        "access_denied" | "consent_required" | "interaction_required" | "login_required" => oauth(
            CODE_DENIED,
            format!(
                "The sign-in was declined ({said}). If you did not decline it, your organisation may not allow this \
                 app: ask your admin."
            ),
        ),
        "invalid_client" | "unauthorized_client" => {
            let secret = if config.kind == AccountKind::Google && config.client_secret.is_none() {
                " Google's Desktop app clients also need their client secret in the settings."
            } else {
                ""
            };
            oauth(
                CODE_CLIENT,
                format!(
                    "{} does not accept the client ID {} ({said}). Check it with your admin: it must be your \
                     organisation's own public desktop app registration.{secret} {admin_guide}",
                    config.kind.label(),
                    config.client_id
                ),
            )
        }
        "invalid_scope" => oauth(
            CODE_SCOPE,
            match config.kind {
                AccountKind::Google => format!(
                    "Google refused the mail scope https://mail.google.com/ ({said}). It is a restricted scope: ask your \
                     Workspace admin to make the OAuth consent screen Internal and to trust the client ID in the Admin \
                     console (Security › API controls)."
                ),
                _ => format!(
                    "{} refused the permissions asked for ({said}). Ask your admin to add the delegated permission \
                     SMTP.Send of Office 365 Exchange Online to the app registration. {admin_guide}",
                    config.kind.label()
                ),
            },
        ),
        "invalid_request" if lower.contains("client_secret") => oauth(
            CODE_CLIENT,
            format!(
                "{} asks for the client secret of the app ({said}). For Google, enter the Desktop app client's secret \
                 in the settings; for Microsoft 365, the registration must be a public desktop app.",
                config.kind.label()
            ),
        ),
        _ => oauth(CODE_REFUSED, format!("{} refused the sign-in ({said}).", config.kind.label())),
    }
}

/// A failed token request (code exchange, device code, refresh) in plain words.
pub(crate) fn token_error<T>(
    config: &OAuthConfig,
    grant: Grant,
    error: RequestTokenError<HttpError, StandardErrorResponse<T>>,
) -> Error
where
    T: oauth2::ErrorResponseType + AsRef<str> + Send + Sync + 'static,
    StandardErrorResponse<T>: ErrorResponse,
{
    let host = config.token_host();
    match error {
        RequestTokenError::ServerResponse(answer) => refusal(
            config,
            grant,
            answer.error().as_ref(),
            answer.error_description().map(String::as_str).unwrap_or_default(),
        ),
        RequestTokenError::Request(http) => http_error(&http),
        RequestTokenError::Parse(_, body) => {
            let text = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
            if text.contains("<html") || text.contains("<!doctype") {
                oauth(
                    CODE_SERVER,
                    format!(
                        "The sign-in server {host} answered with a web page instead of an OAuth answer: a captive portal \
                         or proxy login page, or a wrong token URL in the settings."
                    ),
                )
            } else {
                oauth(CODE_SERVER, format!("The sign-in server {host} sent an answer Afterword does not understand."))
            }
        }
        RequestTokenError::Other(detail) => {
            let detail = detail.to_ascii_lowercase();
            if detail.contains("content-type") && detail.contains("html") {
                oauth(
                    CODE_SERVER,
                    format!(
                        "The sign-in server {host} answered with a web page instead of an OAuth answer: a captive portal \
                         or proxy login page, or a wrong token URL in the settings."
                    ),
                )
            } else if detail.contains("empty") {
                oauth(CODE_SERVER, format!("The sign-in server {host} sent an empty answer."))
            } else {
                oauth(CODE_SERVER, format!("The sign-in server {host} sent an answer Afterword does not understand."))
            }
        }
    }
}

/// A request that got no answer.
pub(crate) fn http_error(error: &HttpError) -> Error {
    match error {
        HttpError::Cancelled => {
            Error::Cancelled("The sign-in was cancelled; the previous sign-in, if any, is kept.".into())
        }
        e if e.is_transient() => oauth(CODE_UNREACHABLE, format!("The sign-in server cannot be used: {e}.")),
        e => oauth(CODE_SERVER, format!("The sign-in server cannot be used: {e}.")),
    }
}

/// An error of the authorization redirect (`?error=access_denied&error_description=…`).
pub(crate) fn authorization_error(config: &OAuthConfig, error: &str, description: &str) -> Error {
    if error == "access_denied" && description.is_empty() {
        return oauth(
            CODE_DENIED,
            "The sign-in was declined in the browser. Nothing was changed; sign in again when you are ready.",
        );
    }
    refusal(config, Grant::SignIn, error, description)
}

/// How the transport goes on after a refused token or sign-in error.
pub(crate) fn stop_of(error: Error) -> Stop {
    match &error {
        Error::OAuth { code, .. } if *code == CODE_SIGN_IN_REQUIRED => Stop::SignInRequired(error.to_string()),
        Error::OAuth { code, .. } if *code == CODE_UNREACHABLE => Stop::Unreachable(error.to_string()),
        _ => Stop::NeedsAttention(error.to_string()),
    }
}

/// The `334` challenge of a refused XOAUTH2 sign-in: base64 JSON such as
/// `{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub status: String,
    pub scope: String,
}

pub(crate) fn decode_challenge(text: &str) -> Option<Challenge> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(text.trim()).ok()?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let field = |name: &str| match &json[name] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    Some(Challenge { status: field("status"), scope: field("scope") })
}

/// What to do after the mail server refused a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthVerdict {
    /// The token may be stale: refresh it and try once more on a new connection.
    RefreshAndRetry,
    Stop(Stop),
}

/// The enhanced status code (`5.7.139`) in a reply like `535 5.7.139 Authentication unsuccessful`.
pub(crate) fn enhanced_code(reply: &str) -> Option<&str> {
    reply
        .split(|c: char| c.is_whitespace() || c == '-')
        .skip(1)
        .find(|w| {
            let parts: Vec<&str> = w.split('.').collect();
            parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        })
        .map(|w| w.trim_end_matches(['.', ',', ';']))
}

/// Advice for replies that mean the same whatever the sign-in: Microsoft's "passwords are no
/// longer accepted" and SMTP AUTH turned off, Google's app-password and web-login replies.
pub(crate) fn known_reply(reply: &str, kind: AccountKind, user: &str) -> Option<Stop> {
    let code = enhanced_code(reply)?;
    let message = match code {
        "5.7.139" => format!(
            "Microsoft 365 refused SMTP sign-in for {user}: SMTP AUTH is turned off for your organisation or for this \
             mailbox ({reply}). Ask your Microsoft 365 admin to enable Authenticated SMTP for the mailbox \
             (Set-CASMailbox -Identity {user} -SmtpClientAuthenticationDisabled $false) and, if the whole organisation \
             has it off, for the organisation. Messages stay queued."
        ),
        "5.7.30" => format!(
            "Microsoft 365 no longer accepts passwords for sending ({reply}). Choose Microsoft 365 sign-in as the \
             account kind in Settings › Mail server; your admin registers an app for it once (see the guide there). \
             Messages stay queued."
        ),
        "5.7.9" if kind == AccountKind::Google => format!(
            "Google refused access to Gmail for {user} ({reply}): the Workspace admin has not allowed this app's \
             access to the restricted mail scope. Ask them to trust the client ID in the Admin console (Security › \
             API controls › Manage third-party app access). Messages stay queued."
        ),
        "5.7.9" => format!(
            "The server wants an app-specific password or another way of signing in for {user} ({reply}). For Google \
             Workspace, choose Google sign-in as the account kind in Settings › Mail server. Messages stay queued."
        ),
        "5.7.14" => format!(
            "Google wants {user} to sign in through the web first ({reply}). Sign in to Gmail in your browser once, \
             then send again; for a lasting fix choose Google sign-in in Settings › Mail server. Messages stay queued."
        ),
        _ => return None,
    };
    Some(Stop::NeedsAttention(message))
}

/// The mail server refused the XOAUTH2 sign-in with `reply` (after the `334` challenge, if one
/// came). `retried`: a fresh token was already tried.
pub(crate) fn auth_refusal(
    reply: &str,
    challenge: Option<&Challenge>,
    transient: bool,
    config_kind: AccountKind,
    user: &str,
    retried: bool,
) -> AuthVerdict {
    if let Some(stop) = known_reply(reply, config_kind, user) {
        return AuthVerdict::Stop(stop);
    }
    if transient {
        return AuthVerdict::Stop(Stop::Unreachable(format!(
            "The mail server could not check the sign-in just now ({reply}); it will be tried again."
        )));
    }
    if !retried {
        return AuthVerdict::RefreshAndRetry;
    }
    let said = match challenge {
        Some(c) if !c.status.is_empty() => format!("{reply}; its challenge said status {}", c.status),
        _ => reply.to_string(),
    };
    // The token was refreshed a moment ago, so it is not stale: it does not fit this mailbox.
    AuthVerdict::Stop(Stop::NeedsAttention(format!(
        "The mail server refused the sign-in token for {user} ({said}), even a freshly issued one: it is for another \
         account or another resource than this mailbox. Sign in again with the mailbox's own account; if that is what \
         you did, ask your admin to check that {user} is the mailbox's address, that SMTP AUTH is enabled for it, and \
         that the app registration has the permission to send mail (Microsoft 365: SMTP.Send of Office 365 Exchange \
         Online, delegated, with consent). Messages stay queued."
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::oauth::provider::OAuthSettings;
    use crate::outbox::SmtpSettings;

    fn config(kind: AccountKind) -> OAuthConfig {
        let oauth = match kind {
            AccountKind::Google => {
                OAuthSettings { client_id: "1-x.apps.googleusercontent.com".into(), ..Default::default() }
            }
            _ => OAuthSettings {
                tenant: "contoso.com".into(),
                client_id: "3f2504e0-4f89-11d3-9a0c-0305e82c3301".into(),
                ..Default::default()
            },
        };
        OAuthConfig::from_settings(&SmtpSettings { account: kind, oauth, ..Default::default() }).unwrap()
    }

    fn code(error: &Error) -> &str {
        error.code()
    }

    #[test]
    fn token_endpoint_refusals_in_plain_words() {
        let m = config(AccountKind::Microsoft365);
        let g = config(AccountKind::Google);
        let tenant =
            refusal(&m, Grant::SignIn, "invalid_request", "AADSTS90002: Tenant 'contoso.com' not found. Trace ID: 1");
        assert_eq!(code(&tenant), CODE_TENANT);
        assert!(tenant.to_string().contains("does not know the tenant 'contoso.com'"), "{tenant}");
        let expired = refusal(&m, Grant::Refresh, "invalid_grant", "AADSTS700082: The refresh token has expired");
        assert_eq!(code(&expired), CODE_SIGN_IN_REQUIRED);
        assert!(expired.to_string().contains("Sign in with Microsoft 365 again"), "{expired}");
        assert_eq!(
            code(&refusal(&g, Grant::Refresh, "invalid_grant", "Token has been expired or revoked.")),
            CODE_SIGN_IN_REQUIRED
        );
        assert_eq!(code(&refusal(&g, Grant::SignIn, "invalid_grant", "Bad Request")), CODE_REFUSED);
        let scope = refusal(&g, Grant::SignIn, "invalid_scope", "Some requested scopes cannot be shown");
        assert_eq!(code(&scope), CODE_SCOPE);
        assert!(scope.to_string().contains("restricted scope"), "{scope}");
        assert_eq!(
            code(&refusal(&m, Grant::SignIn, "invalid_client", "AADSTS700016: Application not found")),
            CODE_CLIENT
        );
        assert_eq!(
            code(&refusal(&m, Grant::SignIn, "invalid_client", "AADSTS7000218: needs client_secret")),
            CODE_CLIENT
        );
        assert_eq!(
            code(&refusal(&m, Grant::SignIn, "invalid_request", "AADSTS50011: redirect URI mismatch")),
            CODE_CLIENT
        );
        assert_eq!(code(&refusal(&m, Grant::SignIn, "invalid_scope", "AADSTS70011: bad scope")), CODE_SCOPE);
        assert_eq!(code(&refusal(&m, Grant::SignIn, "consent_required", "AADSTS65001: no consent")), CODE_DENIED);
        assert_eq!(code(&refusal(&g, Grant::SignIn, "access_denied", "admin_policy_enforced")), CODE_DENIED);
        assert_eq!(
            code(&refusal(&m, Grant::Refresh, "interaction_required", "AADSTS50076: MFA")),
            CODE_SIGN_IN_REQUIRED
        );
        let odd = refusal(&m, Grant::SignIn, "temporarily_unavailable", "try later");
        assert_eq!(code(&odd), CODE_REFUSED);
        assert!(odd.to_string().contains("temporarily_unavailable: try later"), "{odd}");
    }

    #[test]
    fn the_browser_refusal_says_declined() {
        let m = config(AccountKind::Microsoft365);
        let declined = authorization_error(&m, "access_denied", "");
        assert_eq!(code(&declined), CODE_DENIED);
        assert!(declined.to_string().contains("declined"), "{declined}");
        let described = authorization_error(&m, "access_denied", "The user has denied access to the scope requested.");
        assert!(described.to_string().contains("The user has denied access"), "{described}");
    }

    #[test]
    fn smtp_replies_with_what_to_ask_the_admin() {
        let m = AccountKind::Microsoft365;
        let user = "sam@corp.example";
        let verdict = |reply: &str, retried| auth_refusal(reply, None, false, m, user, retried);
        let AuthVerdict::Stop(Stop::NeedsAttention(off)) = verdict(
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
            false,
        ) else {
            panic!("5.7.139 needs the admin")
        };
        assert!(off.contains("SmtpClientAuthenticationDisabled $false"), "{off}");
        assert_eq!(verdict("535 5.7.3 Authentication unsuccessful", false), AuthVerdict::RefreshAndRetry);
        let AuthVerdict::Stop(Stop::NeedsAttention(wrong)) = verdict("535 5.7.3 Authentication unsuccessful", true)
        else {
            panic!("5.7.3 after a retry names the account")
        };
        assert!(wrong.contains("another account"), "{wrong}");
        let basic = known_reply(
            "550 5.7.30 Basic authentication is not supported for Client Submission",
            AccountKind::Password,
            user,
        );
        assert!(matches!(&basic, Some(Stop::NeedsAttention(m)) if m.contains("Microsoft 365 sign-in")), "{basic:?}");
        let google = known_reply("534-5.7.9 Application-specific password required.", AccountKind::Google, user);
        assert!(matches!(&google, Some(Stop::NeedsAttention(m)) if m.contains("restricted mail scope")), "{google:?}");
        let web = known_reply(
            "534-5.7.14 <https://accounts.google.com/signin/continue> Please log in",
            AccountKind::Password,
            user,
        );
        assert!(matches!(&web, Some(Stop::NeedsAttention(m)) if m.contains("through the web")), "{web:?}");
        let challenge = decode_challenge(
            "eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==",
        )
        .unwrap();
        assert_eq!(challenge, Challenge { status: "401".into(), scope: "https://mail.google.com/".into() });
        assert!(matches!(
            auth_refusal(
                "535 5.7.8 Username and Password not accepted",
                Some(&challenge),
                false,
                AccountKind::Google,
                user,
                true
            ),
            AuthVerdict::Stop(Stop::NeedsAttention(m)) if m.contains("status 401")
        ));
        assert!(matches!(
            auth_refusal("454 4.7.0 Temporary authentication failure", None, true, m, user, false),
            AuthVerdict::Stop(Stop::Unreachable(_))
        ));
        assert_eq!(enhanced_code("535-5.7.8 Username and Password not accepted."), Some("5.7.8"));
        assert_eq!(enhanced_code("535 Authentication failed"), None);
        assert_eq!(decode_challenge("not base64!"), None);
    }

    #[test]
    fn the_transport_stops_the_right_way() {
        assert!(matches!(stop_of(oauth(CODE_SIGN_IN_REQUIRED, "x")), Stop::SignInRequired(_)));
        assert!(matches!(stop_of(oauth(CODE_UNREACHABLE, "x")), Stop::Unreachable(_)));
        assert!(matches!(stop_of(oauth(CODE_CLIENT, "x")), Stop::NeedsAttention(_)));
        let timeout = http_error(&HttpError::Timeout { host: "login.example".into(), secs: 30 });
        assert_eq!(timeout.code(), CODE_UNREACHABLE);
        assert!(timeout.to_string().contains("did not answer within 30 seconds"), "{timeout}");
        assert_eq!(http_error(&HttpError::Cancelled).code(), "cancelled");
    }
}
