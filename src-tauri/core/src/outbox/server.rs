//! Where mail goes: the analyst's SMTP server ([`SmtpSettings`], kept in the database beside the
//! sender identity so the window, the CLI and the sender read the same), checked on save
//! ([`SmtpSettings::validated`]). The password is never here: see [`super::secrets`].

use super::oauth::{AccountKind, OAuthSettings};
use crate::audit;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::validate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;
use std::net::IpAddr;

/// The settings key the server is stored under (one JSON value).
const SETTINGS_KEY: &str = "smtp";

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (usually port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, which is required (usually port 587).
    Starttls,
    /// No encryption at all: only for a relay on this machine, and only when chosen.
    None,
}

impl Security {
    pub fn parse(text: &str) -> Result<Security> {
        match text.trim().to_ascii_lowercase().as_str() {
            "tls" | "ssl" | "implicit" => Ok(Security::Tls),
            "starttls" => Ok(Security::Starttls),
            "none" | "plain" => Ok(Security::None),
            other => Err(Error::invalid(
                "security",
                format!("'{other}' is not a connection security; choose tls, starttls or none."),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::None => "none",
        }
    }

    /// The usual port for this security.
    pub fn default_port(self) -> u16 {
        match self {
            Security::Tls => 465,
            Security::Starttls => 587,
            Security::None => 25,
        }
    }
}

/// Whether the analyst gets a copy of each message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CopySelf {
    #[default]
    No,
    /// A visible copy: the analyst in Cc.
    Cc,
    /// A hidden copy: the analyst is an envelope recipient only.
    Bcc,
}

/// The analyst's SMTP server. `host` empty means no server: messages are written as `.eml` files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Empty: the server takes mail without authentication (an in-house relay).
    pub username: String,
    /// An extra trusted certificate authority (PEM), for in-house relays.
    pub ca_pem: String,
    pub reply_to: String,
    pub copy_self: CopySelf,
    /// Messages per minute; 0 is no limit.
    pub rate_per_minute: u32,
    pub connect_timeout_secs: u32,
    /// For every command; the reply after the message body may take up to 10 minutes (RFC 5321).
    pub command_timeout_secs: u32,
    /// How Afterword signs in: a password (`username` and the secret store), or Microsoft 365 /
    /// Google sign-in (OAuth 2.0, XOAUTH2 as the signed-in address; `username` unused).
    /// Absent in settings saved before sign-in existed: a password.
    #[serde(default)]
    #[specta(optional)]
    pub account: AccountKind,
    /// The organisation's app registration, for Microsoft 365 and Google accounts.
    #[serde(default)]
    #[specta(optional)]
    pub oauth: OAuthSettings,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        SmtpSettings {
            host: String::new(),
            port: 587,
            security: Security::Starttls,
            username: String::new(),
            ca_pem: String::new(),
            reply_to: String::new(),
            copy_self: CopySelf::No,
            rate_per_minute: 0,
            connect_timeout_secs: 15,
            command_timeout_secs: 60,
            account: AccountKind::Password,
            oauth: OAuthSettings::default(),
        }
    }
}

/// The longest a connect or command timeout may be, in seconds.
const TIMEOUT_MAX: u32 = 600;
/// The most messages per minute a limit may name (beyond it, "no limit" is the honest setting).
const RATE_MAX: u32 = 100_000;
const CA_MAX: usize = 256 * 1024;

impl SmtpSettings {
    /// Is a server configured? Without one, messages go to the `.eml` folder.
    pub fn is_configured(&self) -> bool {
        !self.host.is_empty()
    }

    /// `host:port`, as messages and the outbox show it.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// Checks every field, naming the one to fix; returns the cleaned settings.
    pub fn validated(&self) -> Result<SmtpSettings> {
        let mut clean = self.clone();
        clean.host = self.host.trim().trim_start_matches('[').trim_end_matches(']').to_string();
        clean.oauth = self.oauth.validated(self.account)?;
        if clean.host.is_empty() {
            if let Some((host, port)) = self.account.default_server() {
                // Microsoft 365 and Google: their submission server unless another is named.
                clean.host = host.to_string();
                clean.port = port;
                clean.security = Security::Starttls;
            } else {
                // No server: keep nothing else that could mislead.
                return Ok(SmtpSettings::default());
            }
        }
        if clean.host.chars().any(|c| c.is_whitespace() || c.is_control() || "/@?#".contains(c)) {
            return Err(Error::invalid(
                "host",
                format!("'{}' is not a server name: write only the host, like smtp.corp.example.", self.host.trim()),
            ));
        }
        if clean.host.parse::<IpAddr>().is_err() && idna::domain_to_ascii(&clean.host).is_err() {
            return Err(Error::invalid("host", format!("'{}' is not a valid host name.", clean.host)));
        }
        if clean.port == 0 {
            return Err(Error::invalid("port", "Choose a port between 1 and 65535 (usually 587 or 465)."));
        }
        if clean.security == Security::None && !is_loopback(&clean.host) {
            return Err(Error::invalid(
                "security",
                format!(
                    "Sending without encryption is only allowed to a relay on this machine (localhost), not to \
                     {}: the password and messages would cross the network in clear. Choose STARTTLS or TLS.",
                    clean.host
                ),
            ));
        }
        clean.username = validate::single_line("username", "The user name", &self.username, false, 320)?;
        clean.reply_to =
            if self.reply_to.trim().is_empty() { String::new() } else { validate::email("reply_to", &self.reply_to)? };
        clean.ca_pem = self.ca_pem.trim().to_string();
        if !clean.ca_pem.is_empty() {
            check_ca_pem(&clean.ca_pem)?;
        }
        if clean.rate_per_minute > RATE_MAX {
            return Err(Error::invalid(
                "rate_per_minute",
                format!("At most {RATE_MAX} messages a minute can be set; use 0 for no limit."),
            ));
        }
        for (field, label, value) in [
            ("connect_timeout_secs", "The connect timeout", clean.connect_timeout_secs),
            ("command_timeout_secs", "The command timeout", clean.command_timeout_secs),
        ] {
            if value == 0 || value > TIMEOUT_MAX {
                return Err(Error::invalid(field, format!("{label} must be between 1 and {TIMEOUT_MAX} seconds.")));
            }
        }
        Ok(clean)
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}

/// A CA file must hold at least one PEM certificate that parses.
pub fn check_ca_pem(pem: &str) -> Result<()> {
    let not_pem = |detail: String| {
        Error::invalid(
            "ca_pem",
            format!(
                "The CA file is not a PEM certificate ({detail}). Use the CA's certificate in PEM form: text \
                 starting with -----BEGIN CERTIFICATE-----."
            ),
        )
    };
    if pem.len() > CA_MAX {
        return Err(not_pem("it is larger than 256 KiB".into()));
    }
    if !pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(not_pem("no BEGIN CERTIFICATE line".into()));
    }
    lettre::transport::smtp::client::Certificate::from_pem(pem.as_bytes())
        .map(|_| ())
        .map_err(|e| not_pem(e.to_string()))
}

impl Store {
    /// The SMTP server, or the defaults (no server) when none was ever set.
    pub fn smtp_settings(&self) -> Result<SmtpSettings> {
        let stored: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([SETTINGS_KEY], |r| r.get(0))
            .optional()?;
        Ok(stored.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default())
    }

    /// Saves the server after checking every field; one bad value saves nothing.
    pub fn set_smtp_settings(&self, input: &SmtpSettings) -> Result<SmtpSettings> {
        let clean = input.validated()?;
        let value = serde_json::to_string(&clean).map_err(|e| Error::invalid("smtp", e.to_string()))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![SETTINGS_KEY, value, self.now()],
            )?;
            let change = json!({
                "host": clean.host, "port": clean.port, "security": clean.security.as_str(),
                "username": clean.username, "extra_ca": !clean.ca_pem.is_empty(),
                "account": clean.account.as_str(), "tenant": clean.oauth.tenant, "client_id": clean.oauth.client_id,
            });
            audit::record(tx, self, "settings", SETTINGS_KEY, "update", change)
        })?;
        Ok(clean)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(host: &str, security: Security) -> SmtpSettings {
        SmtpSettings { host: host.into(), port: 587, security, ..Default::default() }
    }

    #[test]
    fn plaintext_only_to_this_machine() {
        assert!(server("127.0.0.1", Security::None).validated().is_ok());
        assert!(server("localhost", Security::None).validated().is_ok());
        assert!(server("::1", Security::None).validated().is_ok());
        let refused = server("smtp.corp.example", Security::None).validated().unwrap_err();
        assert_eq!(refused.field(), Some("security"));
        assert!(refused.to_string().contains("smtp.corp.example"), "{refused}");
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases = [
            (SmtpSettings { port: 0, ..server("smtp.corp.example", Security::Tls) }, "port"),
            (server("smtp.corp.example/x", Security::Tls), "host"),
            (server("user@smtp.corp.example", Security::Tls), "host"),
            (SmtpSettings { reply_to: "not an address".into(), ..server("mx.example", Security::Tls) }, "reply_to"),
            (SmtpSettings { ca_pem: "hello".into(), ..server("mx.example", Security::Tls) }, "ca_pem"),
            (SmtpSettings { command_timeout_secs: 0, ..server("mx.example", Security::Tls) }, "command_timeout_secs"),
            (SmtpSettings { username: "a\nb".into(), ..server("mx.example", Security::Tls) }, "username"),
        ];
        for (settings, field) in cases {
            assert_eq!(settings.validated().unwrap_err().field(), Some(field), "{settings:?}");
        }
    }

    #[test]
    fn a_pem_that_is_not_a_certificate_is_refused_plainly() {
        let broken = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
        let error = check_ca_pem(broken).unwrap_err();
        assert!(error.to_string().contains("not a PEM certificate"), "{error}");
    }

    #[test]
    fn no_host_means_no_server() {
        let cleared = SmtpSettings { username: "u".into(), ..server("  ", Security::Tls) }.validated().unwrap();
        assert_eq!(cleared, SmtpSettings::default());
        assert!(!cleared.is_configured());
        assert_eq!(server("::1", Security::None).address(), "[::1]:587");
    }
}
