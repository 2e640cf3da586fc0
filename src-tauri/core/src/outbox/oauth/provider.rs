//! Who the account belongs to ([`AccountKind`]), what the admin registered ([`OAuthSettings`],
//! kept inside [`SmtpSettings`]), and what that means on the wire ([`OAuthConfig`]: endpoints with
//! the provider's defaults or the overrides, scopes, the loopback redirect host), checked field by
//! field with the field named ([`OAuthSettings::validated`]).

use crate::error::{Error, Result};
use crate::outbox::SmtpSettings;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::net::IpAddr;

/// How Afterword signs in to the SMTP server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Any SMTP server: a user name and password (or none, for an in-house relay).
    #[default]
    Password,
    /// Microsoft 365 (Exchange Online): OAuth 2.0 through the organisation's own app registration.
    Microsoft365,
    /// Google Workspace (Gmail): OAuth 2.0 through the organisation's own OAuth client.
    Google,
}

impl AccountKind {
    pub fn parse(text: &str) -> Result<AccountKind> {
        match text.trim().to_ascii_lowercase().replace([' ', '_'], "-").as_str() {
            "password" | "smtp" | "other" => Ok(AccountKind::Password),
            "microsoft365" | "microsoft-365" | "microsoft" | "m365" | "office365" | "office-365" => {
                Ok(AccountKind::Microsoft365)
            }
            "google" | "google-workspace" | "gmail" | "workspace" => Ok(AccountKind::Google),
            other => Err(Error::invalid(
                "account",
                format!("'{other}' is not an account kind; choose password, microsoft365 or google."),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Password => "password",
            AccountKind::Microsoft365 => "microsoft365",
            AccountKind::Google => "google",
        }
    }

    /// "Microsoft 365", as sentences name it.
    pub fn label(self) -> &'static str {
        match self {
            AccountKind::Password => "Password",
            AccountKind::Microsoft365 => "Microsoft 365",
            AccountKind::Google => "Google Workspace",
        }
    }

    pub fn is_oauth(self) -> bool {
        self != AccountKind::Password
    }

    /// The provider's submission server (host, port; STARTTLS), filled in when the host is empty.
    pub fn default_server(self) -> Option<(&'static str, u16)> {
        match self {
            AccountKind::Password => None,
            AccountKind::Microsoft365 => Some(("smtp.office365.com", 587)),
            AccountKind::Google => Some(("smtp.gmail.com", 587)),
        }
    }

    /// The scopes asked for unless [`OAuthSettings::scope`] replaces them: sending mail, a refresh
    /// token, and an ID token that says which address signed in.
    pub fn default_scopes(self) -> &'static [&'static str] {
        match self {
            AccountKind::Password => &[],
            AccountKind::Microsoft365 => {
                &["https://outlook.office.com/SMTP.Send", "offline_access", "openid", "email", "profile"]
            }
            AccountKind::Google => &["https://mail.google.com/", "openid", "email"],
        }
    }

    /// The host of the loopback redirect URI unless [`OAuthSettings::redirect_host`] says otherwise:
    /// Entra's "Mobile and desktop applications" platform offers `http://localhost` (any port);
    /// Google's desktop clients accept `http://127.0.0.1:PORT` without registration.
    pub fn default_redirect_host(self) -> &'static str {
        match self {
            AccountKind::Microsoft365 => "localhost",
            _ => "127.0.0.1",
        }
    }
}

/// What the organisation's admin registered, as the analyst enters it. Empty endpoint and scope
/// fields mean the provider's defaults ([`OAuthConfig`]). No token is ever here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct OAuthSettings {
    /// Microsoft 365 only: the organisation's tenant, as its domain (`contoso.onmicrosoft.com`,
    /// `contoso.com`), its Directory (tenant) ID, or `organizations`.
    pub tenant: String,
    /// The client ID of the organisation's own public desktop app registration.
    pub client_id: String,
    /// Google only: the client secret Google issues with a "Desktop app" client. Google documents
    /// that it cannot stay secret in an installed app; it is configuration, not a credential.
    /// Microsoft 365 public clients have none.
    pub client_secret: String,
    /// Overrides of the authorization, token, revocation and device-code endpoints (sovereign
    /// clouds, tests); https, or http to this machine only.
    pub auth_url: String,
    pub token_url: String,
    pub revoke_url: String,
    pub device_url: String,
    /// Replaces the default scopes (space-separated), e.g. for a sovereign cloud's SMTP resource.
    pub scope: String,
    /// The host of the redirect URI: empty for the provider's default, `localhost` or `127.0.0.1`.
    /// The listener binds 127.0.0.1 whichever is sent.
    pub redirect_host: String,
    /// Allow device-code sign-in (a code typed on another device) as a fallback; off by default
    /// because many organisations block it.
    pub device_code: bool,
}

const CLIENT_ID_MAX: usize = 256;
const URL_MAX: usize = 2048;

impl OAuthSettings {
    /// Checks every field for `kind`, naming the one to fix; returns the cleaned settings (fields
    /// that do not apply to `kind` emptied).
    pub fn validated(&self, kind: AccountKind) -> Result<OAuthSettings> {
        if !kind.is_oauth() {
            // Kept as typed, so switching back to a sign-in restores them; unused meanwhile.
            return Ok(self.clone());
        }
        let mut clean = OAuthSettings { device_code: self.device_code, ..Default::default() };
        for (field, value, target) in [
            ("auth_url", &self.auth_url, &mut clean.auth_url),
            ("token_url", &self.token_url, &mut clean.token_url),
            ("revoke_url", &self.revoke_url, &mut clean.revoke_url),
            ("device_url", &self.device_url, &mut clean.device_url),
        ] {
            *target = check_endpoint(field, value)?;
        }
        let default_endpoints = clean.auth_url.is_empty() && clean.token_url.is_empty();
        clean.client_id = check_client_id(kind, &self.client_id, default_endpoints)?;
        if kind == AccountKind::Microsoft365 {
            clean.tenant = check_tenant(&self.tenant, default_endpoints)?;
            if !self.client_secret.trim().is_empty() {
                return Err(Error::invalid(
                    "client_secret",
                    "A Microsoft 365 desktop app registration has no client secret: leave it empty. A secret means \
                     the registration is a Web app; ask your admin for one on the \"Mobile and desktop \
                     applications\" platform (see the guide).",
                ));
            }
        } else {
            let secret = self.client_secret.trim();
            if secret.chars().any(|c| c.is_whitespace() || c.is_control()) || secret.len() > CLIENT_ID_MAX {
                return Err(Error::invalid(
                    "client_secret",
                    "The client secret has spaces or line breaks in it: copy it again from the Google Cloud console \
                     (APIs & Services › Credentials, the Desktop app client).",
                ));
            }
            clean.client_secret = secret.to_string();
        }
        clean.scope = check_scope(&self.scope)?;
        clean.redirect_host = match self.redirect_host.trim().to_ascii_lowercase().as_str() {
            "" => String::new(),
            "localhost" => "localhost".into(),
            "127.0.0.1" => "127.0.0.1".into(),
            other => {
                return Err(Error::invalid(
                    "redirect_host",
                    format!(
                        "'{other}' cannot be the redirect host: choose localhost or 127.0.0.1 (or leave it empty)."
                    ),
                ))
            }
        };
        if clean.device_code && kind == AccountKind::Google && clean.device_url.is_empty() {
            return Err(Error::invalid(
                "device_code",
                "Google does not allow mail access through device-code sign-in: use the browser sign-in.",
            ));
        }
        Ok(clean)
    }
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn check_client_id(kind: AccountKind, value: &str, default_endpoints: bool) -> Result<String> {
    let id = value.trim();
    let (what, from) = match kind {
        AccountKind::Microsoft365 => {
            ("the Application (client) ID", "the app registration's Overview page in the Microsoft Entra admin center")
        }
        _ => ("the client ID", "APIs & Services › Credentials in the Google Cloud console (the Desktop app client)"),
    };
    if id.is_empty() {
        return Err(Error::invalid(
            "client_id",
            format!(
                "Enter {what} of your organisation's own app registration (your admin creates it; see the guide). \
                 Afterword does not borrow another product's."
            ),
        ));
    }
    if id.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "client_id",
            format!("The client ID has spaces or line breaks in it: copy {what} again from {from}."),
        ));
    }
    if id.len() > CLIENT_ID_MAX || !id.chars().all(|c| c.is_ascii_alphanumeric() || "-._~:".contains(c)) {
        return Err(Error::invalid("client_id", format!("'{id}' is not a client ID: copy {what} again from {from}.")));
    }
    if kind == AccountKind::Microsoft365 && default_endpoints && !is_guid(id) {
        return Err(Error::invalid(
            "client_id",
            format!(
                "'{id}' is not a Microsoft client ID: {what} looks like 3f2504e0-4f89-11d3-9a0c-0305e82c3301 and is on \
                 {from}."
            ),
        ));
    }
    Ok(id.to_string())
}

fn check_tenant(value: &str, default_endpoints: bool) -> Result<String> {
    let tenant = value.trim().to_ascii_lowercase();
    if tenant.is_empty() {
        if !default_endpoints {
            return Ok(tenant);
        }
        return Err(Error::invalid(
            "tenant",
            "Enter your organisation's Microsoft 365 tenant: its domain (contoso.onmicrosoft.com or contoso.com) or its \
             Directory (tenant) ID.",
        ));
    }
    if tenant == "consumers" {
        return Err(Error::invalid(
            "tenant",
            "'consumers' means personal Microsoft accounts (Outlook.com), which cannot send through an organisation's \
             app registration: enter your organisation's tenant.",
        ));
    }
    let domain_like = tenant.contains('.')
        && tenant.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if is_guid(&tenant) || domain_like || tenant == "organizations" || tenant == "common" {
        return Ok(tenant);
    }
    Err(Error::invalid(
        "tenant",
        format!(
            "'{}' is not a tenant: enter your organisation's domain (contoso.onmicrosoft.com or contoso.com) or its \
             Directory (tenant) ID, a GUID shown on the Microsoft Entra admin center's Overview page.",
            value.trim()
        ),
    ))
}

/// Whether `host` is this machine: the only place plain http (and plaintext SMTP) may go.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}

/// An endpoint override: empty, or an absolute https URL (http only to this machine).
fn check_endpoint(field: &'static str, value: &str) -> Result<String> {
    let text = value.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let bad = |why: &str| Error::invalid(field, format!("'{text}' cannot be used as an endpoint: {why}."));
    if text.len() > URL_MAX {
        return Err(bad("it is too long"));
    }
    let url = url::Url::parse(text).map_err(|e| bad(&format!("it is not a URL ({e})")))?;
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(host) => {}
        "http" => return Err(bad("sign-in requests must use https (plain http only to this machine)")),
        _ => return Err(bad("it must start with https://")),
    }
    if host.is_empty() {
        return Err(bad("it names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("it must not carry a user name or password"));
    }
    if url.fragment().is_some() {
        return Err(bad("it must not have a #fragment"));
    }
    Ok(text.to_string())
}

fn check_scope(value: &str) -> Result<String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    if words.iter().any(|w| !w.chars().all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')) {
        return Err(Error::invalid(
            "scope",
            "Scopes are words separated by spaces, like https://outlook.office.com/SMTP.Send offline_access.",
        ));
    }
    Ok(words.join(" "))
}

/// The sign-in as it goes on the wire, from validated settings: every endpoint resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthConfig {
    pub kind: AccountKind,
    pub tenant: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub auth_url: String,
    pub token_url: String,
    /// None: the provider offers no revocation (Microsoft 365): sign-out deletes locally.
    pub revoke_url: Option<String>,
    /// None: no device-code sign-in (not opted in, or the provider has none for mail).
    pub device_url: Option<String>,
    /// Microsoft's OpenID discovery document for the tenant, fetched before the browser opens
    /// so a tenant that does not exist is named at once (default endpoints only).
    pub tenant_check_url: Option<String>,
    pub scopes: Vec<String>,
    pub redirect_host: String,
}

impl OAuthConfig {
    /// The sign-in `settings` describe; an error names the field when it is not an OAuth account
    /// or a field is wrong.
    pub fn from_settings(settings: &SmtpSettings) -> Result<OAuthConfig> {
        let kind = settings.account;
        if !kind.is_oauth() {
            return Err(Error::invalid(
                "account",
                "This account signs in with a password: choose Microsoft 365 or Google Workspace to sign in.",
            ));
        }
        let o = settings.oauth.validated(kind)?;
        let or = |value: &str, default: String| if value.is_empty() { default } else { value.to_string() };
        let some = |value: &str| (!value.is_empty()).then(|| value.to_string());
        let scopes: Vec<String> = if o.scope.is_empty() {
            kind.default_scopes().iter().map(|s| s.to_string()).collect()
        } else {
            o.scope.split(' ').map(str::to_string).collect()
        };
        let redirect_host = or(&o.redirect_host, kind.default_redirect_host().to_string());
        let config = match kind {
            AccountKind::Microsoft365 => {
                let base = format!("https://login.microsoftonline.com/{}", o.tenant);
                OAuthConfig {
                    kind,
                    auth_url: or(&o.auth_url, format!("{base}/oauth2/v2.0/authorize")),
                    token_url: or(&o.token_url, format!("{base}/oauth2/v2.0/token")),
                    revoke_url: some(&o.revoke_url),
                    device_url: o.device_code.then(|| or(&o.device_url, format!("{base}/oauth2/v2.0/devicecode"))),
                    tenant_check_url: (o.auth_url.is_empty() && o.token_url.is_empty())
                        .then(|| format!("{base}/v2.0/.well-known/openid-configuration")),
                    tenant: o.tenant,
                    client_id: o.client_id,
                    client_secret: None,
                    scopes,
                    redirect_host,
                }
            }
            AccountKind::Google => OAuthConfig {
                kind,
                auth_url: or(&o.auth_url, "https://accounts.google.com/o/oauth2/v2/auth".into()),
                token_url: or(&o.token_url, "https://oauth2.googleapis.com/token".into()),
                revoke_url: Some(or(&o.revoke_url, "https://oauth2.googleapis.com/revoke".into())),
                device_url: o.device_code.then(|| o.device_url.clone()).filter(|u| !u.is_empty()),
                tenant_check_url: None,
                tenant: String::new(),
                client_id: o.client_id,
                client_secret: some(&o.client_secret),
                scopes,
                redirect_host,
            },
            AccountKind::Password => unreachable!("checked above"),
        };
        Ok(config)
    }

    /// The scopes as one space-separated string.
    pub fn scope(&self) -> String {
        self.scopes.join(" ")
    }

    /// Microsoft's v2 endpoint wants the scopes again on a refresh; Google keeps the granted ones.
    pub(crate) fn scopes_on_refresh(&self) -> bool {
        self.kind == AccountKind::Microsoft365
    }

    /// "the Microsoft 365 sign-in server (login.microsoftonline.com)", for messages.
    pub(crate) fn token_host(&self) -> String {
        url::Url::parse(&self.token_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUID: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    fn microsoft(tenant: &str, client_id: &str) -> SmtpSettings {
        SmtpSettings {
            account: AccountKind::Microsoft365,
            oauth: OAuthSettings { tenant: tenant.into(), client_id: client_id.into(), ..Default::default() },
            ..Default::default()
        }
    }

    #[test]
    fn microsoft_endpoints_are_built_from_the_tenant() {
        let c = OAuthConfig::from_settings(&microsoft(" Contoso.onmicrosoft.com ", GUID)).unwrap();
        assert_eq!(c.auth_url, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize");
        assert_eq!(c.token_url, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
        assert_eq!(c.revoke_url, None);
        assert_eq!(c.device_url, None);
        assert_eq!(
            c.tenant_check_url.as_deref(),
            Some("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")
        );
        assert_eq!(c.scope(), "https://outlook.office.com/SMTP.Send offline_access openid email profile");
        assert_eq!(c.redirect_host, "localhost");
        assert!(c.scopes_on_refresh());
        assert_eq!(c.token_host(), "login.microsoftonline.com");
    }

    #[test]
    fn google_defaults_and_a_device_code_opt_in_for_microsoft() {
        let google = SmtpSettings {
            account: AccountKind::Google,
            oauth: OAuthSettings {
                client_id: "123-abc.apps.googleusercontent.com".into(),
                client_secret: " GOCSPX-x ".into(),
                tenant: "ignored".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let c = OAuthConfig::from_settings(&google).unwrap();
        assert_eq!(c.auth_url, "https://accounts.google.com/o/oauth2/v2/auth");
        assert_eq!(c.token_url, "https://oauth2.googleapis.com/token");
        assert_eq!(c.revoke_url.as_deref(), Some("https://oauth2.googleapis.com/revoke"));
        assert_eq!(c.scope(), "https://mail.google.com/ openid email");
        assert_eq!(c.client_secret.as_deref(), Some("GOCSPX-x"));
        assert_eq!(c.tenant, "");
        assert_eq!(c.redirect_host, "127.0.0.1");
        assert!(!c.scopes_on_refresh());

        let mut m = microsoft("organizations", GUID);
        m.oauth.device_code = true;
        let c = OAuthConfig::from_settings(&m).unwrap();
        assert_eq!(
            c.device_url.as_deref(),
            Some("https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode")
        );
    }

    #[test]
    fn overrides_replace_endpoints_scopes_and_the_redirect_host() {
        let mut s = microsoft("", "afterword-desktop");
        s.oauth.auth_url = "http://127.0.0.1:4000/authorize".into();
        s.oauth.token_url = "http://127.0.0.1:4000/token".into();
        s.oauth.revoke_url = "https://login.example.us/revoke".into();
        s.oauth.scope = "  https://outlook.office365.us/SMTP.Send   offline_access openid ".into();
        s.oauth.redirect_host = "127.0.0.1".into();
        let c = OAuthConfig::from_settings(&s).unwrap();
        assert_eq!(c.auth_url, "http://127.0.0.1:4000/authorize");
        assert_eq!(c.token_url, "http://127.0.0.1:4000/token");
        assert_eq!(c.revoke_url.as_deref(), Some("https://login.example.us/revoke"));
        assert_eq!(c.tenant_check_url, None);
        assert_eq!(c.scopes, vec!["https://outlook.office365.us/SMTP.Send", "offline_access", "openid"]);
        assert_eq!(c.redirect_host, "127.0.0.1");
    }

    #[test]
    fn each_bad_field_is_named_in_plain_words() {
        let with = |change: fn(&mut SmtpSettings)| {
            let mut s = microsoft("contoso.com", GUID);
            change(&mut s);
            OAuthConfig::from_settings(&s).unwrap_err()
        };
        let cases: Vec<(Error, &str, &str)> = vec![
            (with(|s| s.oauth.client_id = "3f2504e0-4f89 11d3".into()), "client_id", "spaces"),
            (with(|s| s.oauth.client_id = String::new()), "client_id", "own app registration"),
            (with(|s| s.oauth.client_id = "not-a-guid".into()), "client_id", "not a Microsoft client ID"),
            (with(|s| s.oauth.client_id = "a&b=c".into()), "client_id", "not a client ID"),
            (with(|s| s.oauth.tenant = String::new()), "tenant", "tenant"),
            (with(|s| s.oauth.tenant = "contoso corp".into()), "tenant", "not a tenant"),
            (with(|s| s.oauth.tenant = "../evil".into()), "tenant", "not a tenant"),
            (with(|s| s.oauth.tenant = "consumers".into()), "tenant", "personal"),
            (with(|s| s.oauth.client_secret = "x".into()), "client_secret", "no client secret"),
            (with(|s| s.oauth.token_url = "http://login.example.com/token".into()), "token_url", "https"),
            (with(|s| s.oauth.auth_url = "ftp://x/y".into()), "auth_url", "https://"),
            (with(|s| s.oauth.revoke_url = "https://user:pw@x.example/r".into()), "revoke_url", "password"),
            (with(|s| s.oauth.device_url = "not a url".into()), "device_url", "not a URL"),
            (with(|s| s.oauth.scope = "a \"b\"".into()), "scope", "Scopes"),
            (with(|s| s.oauth.redirect_host = "0.0.0.0".into()), "redirect_host", "localhost or 127.0.0.1"),
            (with(|s| s.account = AccountKind::Password), "account", "password"),
        ];
        for (error, field, words) in cases {
            assert_eq!(error.field(), Some(field), "{error}");
            assert!(error.to_string().contains(words), "{field}: {error}");
        }
        let google_device = SmtpSettings {
            account: AccountKind::Google,
            oauth: OAuthSettings {
                client_id: "1.apps.googleusercontent.com".into(),
                device_code: true,
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(OAuthConfig::from_settings(&google_device).unwrap_err().field(), Some("device_code"));
    }

    #[test]
    fn tenants_as_guid_domain_or_organizations_and_loopback_hosts() {
        for tenant in [GUID, "contoso.com", "organizations", "common", "sub.contoso.co.uk"] {
            assert!(OAuthConfig::from_settings(&microsoft(tenant, GUID)).is_ok(), "{tenant}");
        }
        for host in ["localhost", "127.0.0.1", "[::1]", "127.8.0.1"] {
            assert!(is_loopback_host(host), "{host}");
        }
        assert!(!is_loopback_host("localhost.evil.example"));
        assert!(!is_loopback_host("10.0.0.1"));
        assert_eq!(AccountKind::parse("Microsoft 365").unwrap(), AccountKind::Microsoft365);
        assert_eq!(AccountKind::parse("google").unwrap(), AccountKind::Google);
        assert_eq!(AccountKind::parse("password").unwrap(), AccountKind::Password);
        assert_eq!(AccountKind::parse("yahoo").unwrap_err().field(), Some("account"));
    }
}
