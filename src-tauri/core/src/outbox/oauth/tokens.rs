//! Keeping a sign-in: the refresh token in the OS secret store only ([`SecretStore`], entry
//! [`refresh_token_account`]), the record of who signed in in the database ([`OAuthAccount`]:
//! address, registration, when; never a token), and the access token in memory only
//! ([`TokenSource`]: refreshed before a batch, again when the server refuses it, a rotated refresh
//! token saved at once). [`Store::save_sign_in`] replaces a previous sign-in only when handed a
//! complete new one; [`Store::sign_out`] revokes where the provider allows and deletes both;
//! [`Store::sign_in_status`] is what Settings shows ("Signed in as …").
//!
//! The secret store's calls block (D-Bus on Linux): front ends call these off async runtimes.

use super::errors::{self, oauth, Grant};
use super::net::{self, Http, REQUEST_TIMEOUT};
use super::provider::{AccountKind, OAuthConfig};
use super::signin::{token_client, SignedIn};
use crate::audit;
use crate::error::{Error, Result};
use crate::outbox::secrets::SecretStore;
use crate::outbox::transport::Stop;
use crate::outbox::SmtpSettings;
use crate::store::Store;
use oauth2::{RefreshToken, Scope, TokenResponse};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The settings key of the signed-in account (one JSON value, no token in it).
const SETTINGS_KEY: &str = "smtp_oauth";
/// An access token this close to its expiry is refreshed before use.
const EXPIRY_MARGIN: Duration = Duration::from_secs(5 * 60);
/// When the token answer gives no lifetime.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// The secret-store entry of a sign-in's refresh token: one per account and app registration.
pub fn refresh_token_account(kind: AccountKind, client_id: &str, email: &str) -> String {
    format!("oauth:{}:{}:{}", kind.as_str(), client_id, email.to_lowercase())
}

/// Who signed in, with which registration, and when: kept in the database. No token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct OAuthAccount {
    pub kind: AccountKind,
    /// The signed-in address: the XOAUTH2 user.
    pub email: String,
    pub client_id: String,
    pub tenant: String,
    /// The token endpoint the refresh token belongs to.
    pub token_url: String,
    /// RFC 3339.
    pub signed_in_at: String,
}

impl OAuthAccount {
    /// Does this sign-in belong to the registration `config` describes? A changed client ID,
    /// tenant or token endpoint needs a new sign-in.
    pub fn matches(&self, config: &OAuthConfig) -> bool {
        self.kind == config.kind
            && self.client_id == config.client_id
            && self.tenant == config.tenant
            && self.token_url == config.token_url
    }

    pub fn secret_account(&self) -> String {
        refresh_token_account(self.kind, &self.client_id, &self.email)
    }
}

/// What Settings shows about the sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SignInStatus {
    pub kind: AccountKind,
    /// "Signed in as …": set when the saved sign-in fits the current settings.
    pub signed_in_as: Option<String>,
    pub signed_in_at: Option<String>,
    /// Why there is no usable sign-in, in plain words (never signed in; the registration changed
    /// since; the refresh token is missing from the secret store). None when signed in, or for a
    /// password account.
    pub problem: Option<String>,
    /// Sign-out also revokes the sign-in at the provider (Google, or a revocation endpoint in
    /// the settings). Microsoft 365 has no revocation endpoint: sign-out forgets it here only.
    pub revokes_on_sign_out: bool,
    /// Device-code sign-in is allowed by the settings.
    pub device_code: bool,
    /// The refresh token is in the OS secret store (kept across restarts), not only in memory.
    pub persistent: bool,
}

/// What signing out did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SignOutReport {
    /// Who was signed out; None when nobody was signed in.
    pub email: Option<String>,
    /// The provider was told to revoke the sign-in, and confirmed.
    pub revoked: bool,
    /// What happened, in plain words.
    pub message: String,
}

impl Store {
    /// The saved sign-in, if any (whatever the current settings).
    pub fn oauth_account(&self) -> Result<Option<OAuthAccount>> {
        let stored: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([SETTINGS_KEY], |r| r.get(0))
            .optional()?;
        Ok(stored.and_then(|json| serde_json::from_str(&json).ok()))
    }

    fn write_oauth_account(&self, account: Option<&OAuthAccount>, action: &str) -> Result<()> {
        self.write(|tx| {
            match account {
                Some(a) => {
                    let value = serde_json::to_string(a).map_err(|e| Error::invalid("account", e.to_string()))?;
                    tx.execute(
                        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                        params![SETTINGS_KEY, value, self.now()],
                    )?;
                }
                None => {
                    tx.execute("DELETE FROM settings WHERE key = ?1", [SETTINGS_KEY])?;
                }
            }
            let change = match account {
                Some(a) => {
                    json!({ "kind": a.kind.as_str(), "email": a.email, "client_id": a.client_id, "tenant": a.tenant })
                }
                None => json!({}),
            };
            audit::record(tx, self, "settings", SETTINGS_KEY, action, change)
        })
    }

    /// Keeps a completed sign-in: the refresh token into `secrets` first (if that fails, the
    /// previous sign-in stays), then the record; the previous sign-in's token is then deleted.
    pub fn save_sign_in(&self, secrets: &dyn SecretStore, signed_in: &SignedIn) -> Result<OAuthAccount> {
        let account = OAuthAccount {
            kind: signed_in.kind,
            email: signed_in.email.clone(),
            client_id: signed_in.client_id.clone(),
            tenant: signed_in.tenant.clone(),
            token_url: signed_in.token_url.clone(),
            signed_in_at: self.now(),
        };
        let previous = self.oauth_account()?;
        secrets.set(&account.secret_account(), &signed_in.refresh_token)?;
        self.write_oauth_account(Some(&account), "sign_in")?;
        if let Some(old) = previous.filter(|old| old.secret_account() != account.secret_account()) {
            if let Err(error) = secrets.delete(&old.secret_account()) {
                tracing::warn!(%error, "the previous sign-in's refresh token could not be deleted");
            }
        }
        Ok(account)
    }

    /// What Settings shows; reads the secret store (blocking) to tell whether the refresh token
    /// is still there.
    pub fn sign_in_status(&self, secrets: &dyn SecretStore) -> Result<SignInStatus> {
        let settings = self.smtp_settings()?;
        let kind = settings.account;
        let mut status = SignInStatus {
            kind,
            signed_in_as: None,
            signed_in_at: None,
            problem: None,
            revokes_on_sign_out: false,
            device_code: settings.oauth.device_code,
            persistent: secrets.persistent(),
        };
        if !kind.is_oauth() {
            return Ok(status);
        }
        let config = match OAuthConfig::from_settings(&settings) {
            Ok(config) => config,
            Err(e) => {
                status.problem = Some(format!("The sign-in settings are incomplete: {e}"));
                return Ok(status);
            }
        };
        status.revokes_on_sign_out = config.revoke_url.is_some();
        match self.oauth_account()? {
            None => status.problem = Some(format!("Not signed in: sign in with {}.", kind.label())),
            Some(account) if !account.matches(&config) => {
                status.problem = Some(format!(
                    "Signed in as {} with other settings (client ID, tenant or endpoints changed since): sign in again.",
                    account.email
                ));
            }
            Some(account) => match secrets.get(&account.secret_account())? {
                Some(_) => {
                    status.signed_in_as = Some(account.email);
                    status.signed_in_at = Some(account.signed_in_at);
                }
                None if !secrets.persistent() => {
                    status.problem = Some(format!(
                        "Signed in as {} before Afterword restarted; without the system's secret store the sign-in lasts \
                         one session: sign in again.",
                        account.email
                    ));
                }
                None => {
                    status.problem = Some(format!(
                        "The sign-in of {} is missing from the system's secret store: sign in again.",
                        account.email
                    ));
                }
            },
        }
        Ok(status)
    }

    /// Signs out: revokes the refresh token where the provider allows (Google, or a revocation
    /// endpoint in the settings), then deletes it from `secrets` and the record from the database.
    /// A revocation that fails is reported, and the sign-in is removed here anyway.
    pub fn sign_out(&self, secrets: &dyn SecretStore) -> Result<SignOutReport> {
        let Some(account) = self.oauth_account()? else {
            return Ok(SignOutReport { email: None, revoked: false, message: "Nobody was signed in.".into() });
        };
        let settings = self.smtp_settings()?;
        let config = OAuthConfig::from_settings(&settings).ok().filter(|c| account.matches(c));
        let token = secrets.get(&account.secret_account())?;
        let revocation = match (config.as_ref().and_then(|c| c.revoke_url.clone().map(|u| (c, u))), &token) {
            (Some((config, url)), Some(token)) => Some(revoke(config, &url, token)),
            _ => None,
        };
        secrets.delete(&account.secret_account())?;
        self.write_oauth_account(None, "sign_out")?;
        let email = account.email.clone();
        let (revoked, message) = match revocation {
            Some(Ok(())) => (true, format!("Signed out {email}: the sign-in was revoked and removed from this computer.")),
            Some(Err(why)) => (
                false,
                format!(
                    "Signed out {email} on this computer, but the sign-in could not be revoked ({why}). To end it \
                     everywhere, remove Afterword's access in your account's security settings{}.",
                    if account.kind == AccountKind::Google { " (myaccount.google.com › Security › Third-party access)" } else { "" }
                ),
            ),
            None if account.kind == AccountKind::Microsoft365 => (
                false,
                format!(
                    "Signed out {email}: the sign-in was removed from this computer. Microsoft 365 offers apps no way to \
                     revoke it; to end it everywhere, sign out of all sessions at myaccount.microsoft.com or ask your \
                     admin to revoke your sessions."
                ),
            ),
            None => (false, format!("Signed out {email}: the sign-in was removed from this computer.")),
        };
        Ok(SignOutReport { email: Some(email), revoked, message })
    }

    /// The [`TokenSource`] of the saved sign-in for these `settings`, or why it cannot be used
    /// ([`Stop::SignInRequired`]: never signed in, registration changed, token missing).
    pub fn token_source(&self, settings: &SmtpSettings, secrets: Arc<dyn SecretStore>) -> Result<TokenSource, Stop> {
        let config = OAuthConfig::from_settings(settings).map_err(|e| {
            Stop::NeedsAttention(format!("The {} sign-in settings are incomplete: {e}", settings.account.label()))
        })?;
        let again =
            format!("Sign in with {} in Settings › Mail server; your messages stay queued.", config.kind.label());
        let account = match self.oauth_account() {
            Ok(Some(account)) if account.matches(&config) => account,
            Ok(Some(account)) => {
                return Err(Stop::SignInRequired(format!(
                    "The sign-in of {} was made with other settings (client ID, tenant or endpoints changed). {again}",
                    account.email
                )))
            }
            Ok(None) => return Err(Stop::SignInRequired(format!("Not signed in. {again}"))),
            Err(e) => return Err(Stop::NeedsAttention(e.to_string())),
        };
        Ok(TokenSource::new(config, account, secrets))
    }
}

/// RFC 7009: `token=…&token_type_hint=refresh_token`; 200 is success.
fn revoke(config: &OAuthConfig, url: &str, token: &str) -> std::result::Result<(), String> {
    let http = Http::new(REQUEST_TIMEOUT);
    let mut fields =
        vec![("token", token), ("token_type_hint", "refresh_token"), ("client_id", config.client_id.as_str())];
    if let Some(secret) = &config.client_secret {
        fields.push(("client_secret", secret));
    }
    match net::form_post(&http, url, &fields) {
        Ok(answer) if answer.status().is_success() => Ok(()),
        // Google answers 400 invalid_token for a token that is already revoked or expired.
        Ok(answer)
            if answer.status().as_u16() == 400 && String::from_utf8_lossy(answer.body()).contains("invalid_token") =>
        {
            Ok(())
        }
        Ok(answer) => Err(format!("the revocation endpoint answered HTTP {}", answer.status().as_u16())),
        Err(e) => Err(e.to_string()),
    }
}

/// An access token in memory, with when it stops working.
#[derive(Clone)]
struct Access {
    token: String,
    expires: Instant,
}

/// Access tokens for one signed-in account: refreshed when missing, near expiry, or asked
/// fresh (after the server refused one); a rotated refresh token is saved to the secret store at
/// once. Cheap to keep for a run; `Debug` never shows a token.
pub struct TokenSource {
    config: OAuthConfig,
    account: OAuthAccount,
    secrets: Arc<dyn SecretStore>,
    http: Http,
    access: Option<Access>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource").field("email", &self.account.email).finish_non_exhaustive()
    }
}

impl TokenSource {
    pub fn new(config: OAuthConfig, account: OAuthAccount, secrets: Arc<dyn SecretStore>) -> TokenSource {
        TokenSource { config, account, secrets, http: Http::new(REQUEST_TIMEOUT), access: None }
    }

    /// The signed-in address: the XOAUTH2 user.
    pub fn email(&self) -> &str {
        &self.account.email
    }

    pub fn kind(&self) -> AccountKind {
        self.config.kind
    }

    /// Forgets the access token, so the next [`TokenSource::access_token`] refreshes.
    pub fn invalidate(&mut self) {
        self.access = None;
    }

    /// An access token valid for a few minutes at least; `fresh` refreshes whatever is cached.
    pub fn access_token(&mut self, fresh: bool) -> Result<String, Stop> {
        if !fresh {
            if let Some(access) = &self.access {
                if access.expires > Instant::now() + EXPIRY_MARGIN {
                    return Ok(access.token.clone());
                }
            }
        }
        self.refresh().map_err(errors::stop_of)
    }

    fn refresh(&mut self) -> Result<String> {
        let entry = self.account.secret_account();
        let Some(refresh) = self.secrets.get(&entry)? else {
            return Err(oauth(
                errors::CODE_SIGN_IN_REQUIRED,
                format!(
                    "The sign-in of {} is no longer in the secret store. Sign in with {} again in Settings › Mail \
                     server; your messages stay queued until then.",
                    self.account.email,
                    self.config.kind.label()
                ),
            ));
        };
        let client = token_client(&self.config)?;
        let refresh_token = RefreshToken::new(refresh.clone());
        let mut request = client.exchange_refresh_token(&refresh_token);
        if self.config.scopes_on_refresh() {
            request = request.add_scopes(self.config.scopes.iter().cloned().map(Scope::new));
        }
        let answer = request.request(&self.http).map_err(|e| errors::token_error(&self.config, Grant::Refresh, e))?;
        let token = answer.access_token().secret().clone();
        let lifetime = answer.expires_in().unwrap_or(DEFAULT_LIFETIME);
        self.access = Some(Access { token: token.clone(), expires: Instant::now() + lifetime });
        if let Some(rotated) = answer.refresh_token().filter(|r| r.secret() != &refresh) {
            // The old one may stop working now: keep the new one before anything else.
            if let Err(error) = self.secrets.set(&entry, rotated.secret()) {
                tracing::warn!(%error, "the rotated refresh token could not be saved; the next run will ask to sign in");
            }
        }
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::oauth::provider::OAuthSettings;

    #[test]
    fn a_sign_in_fits_only_its_own_registration() {
        let settings = SmtpSettings {
            account: AccountKind::Microsoft365,
            oauth: OAuthSettings {
                tenant: "contoso.com".into(),
                client_id: "3f2504e0-4f89-11d3-9a0c-0305e82c3301".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let config = OAuthConfig::from_settings(&settings).unwrap();
        let account = OAuthAccount {
            kind: AccountKind::Microsoft365,
            email: "Sam@corp.example".into(),
            client_id: config.client_id.clone(),
            tenant: "contoso.com".into(),
            token_url: config.token_url.clone(),
            signed_in_at: "2026-11-25T10:00:00Z".into(),
        };
        assert!(account.matches(&config));
        assert!(!OAuthAccount { tenant: "fabrikam.com".into(), ..account.clone() }.matches(&config));
        assert!(!OAuthAccount { client_id: "x".into(), ..account.clone() }.matches(&config));
        assert_eq!(
            account.secret_account(),
            "oauth:microsoft365:3f2504e0-4f89-11d3-9a0c-0305e82c3301:sam@corp.example"
        );
    }
}
