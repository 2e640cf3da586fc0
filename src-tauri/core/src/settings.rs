//! Settings kept in the database, so the window, the CLI and the outbox read the same values:
//! the sender identity and the own organisation ([`Settings`]), set one key at a time
//! ([`Store::set_setting`], keys in [`SettingKey`]) or all at once ([`Store::update_sender`]).
//!
//! UI-only preferences (theme, last folders) live in [`crate::preferences`] instead.

use crate::audit;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::validate;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;
use unicode_normalization::UnicodeNormalization;

const SIGNATURE_MAX: usize = 2_000;

/// The sender identity and the own organisation. Empty means not set yet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct Settings {
    pub sender_name: String,
    pub sender_email: String,
    /// The analyst's organisation: people of other organisations are external.
    pub organisation: String,
    /// Markdown, appended to every message by the built-in templates.
    pub signature: String,
}

/// The keys `afterword settings set` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKey {
    SenderName,
    SenderEmail,
    Organisation,
    Signature,
}

impl SettingKey {
    pub const ALL: &'static [SettingKey] =
        &[SettingKey::SenderName, SettingKey::SenderEmail, SettingKey::Organisation, SettingKey::Signature];

    pub fn as_str(self) -> &'static str {
        match self {
            SettingKey::SenderName => "sender.name",
            SettingKey::SenderEmail => "sender.email",
            SettingKey::Organisation => "organisation",
            SettingKey::Signature => "signature",
        }
    }

    pub fn parse(text: &str) -> Result<SettingKey> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', ".");
        Self::ALL.iter().copied().find(|k| k.as_str() == wanted).ok_or_else(|| {
            let known = Self::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
            Error::invalid("key", format!("'{}' is not a setting; the settings are: {known}.", text.trim()))
        })
    }

    /// The form field an error about this key belongs to.
    fn field(self) -> &'static str {
        match self {
            SettingKey::SenderName => "sender_name",
            SettingKey::SenderEmail => "sender_email",
            SettingKey::Organisation => "organisation",
            SettingKey::Signature => "signature",
        }
    }

    /// Validates and cleans a value for this key; an empty value clears the setting.
    fn clean(self, value: &str) -> Result<String> {
        let field = self.field();
        match self {
            SettingKey::SenderName => validate::single_line(field, "Your name", value, false, validate::NAME_MAX),
            SettingKey::SenderEmail if value.trim().is_empty() => Ok(String::new()),
            SettingKey::SenderEmail => validate::email(field, value),
            SettingKey::Organisation => {
                validate::single_line(field, "Your organisation", value, false, validate::SHORT_MAX)
            }
            SettingKey::Signature => validate::text(field, "The signature", value, false, SIGNATURE_MAX),
        }
    }

    fn get(self, settings: &Settings) -> &str {
        match self {
            SettingKey::SenderName => &settings.sender_name,
            SettingKey::SenderEmail => &settings.sender_email,
            SettingKey::Organisation => &settings.organisation,
            SettingKey::Signature => &settings.signature,
        }
    }

    fn slot(self, settings: &mut Settings) -> &mut String {
        match self {
            SettingKey::SenderName => &mut settings.sender_name,
            SettingKey::SenderEmail => &mut settings.sender_email,
            SettingKey::Organisation => &mut settings.organisation,
            SettingKey::Signature => &mut settings.signature,
        }
    }
}

impl Settings {
    /// Is `organisation` the own organisation? Compared ignoring case, accents' composition and
    /// surrounding space. With no own organisation set, nobody is internal: the safe answer for
    /// TLP:AMBER+STRICT.
    pub fn is_own_organisation(&self, organisation: &str) -> bool {
        let own = org_key(&self.organisation);
        !own.is_empty() && own == org_key(organisation)
    }

    /// The value of one key, as `settings show` prints it.
    pub fn value(&self, key: SettingKey) -> &str {
        key.get(self)
    }
}

fn org_key(text: &str) -> String {
    text.trim().nfc().collect::<String>().to_lowercase()
}

impl Store {
    /// The current settings; keys never set are empty.
    pub fn settings(&self) -> Result<Settings> {
        let mut settings = Settings::default();
        let mut stmt = self.conn.prepare_cached("SELECT key, value FROM settings")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (key, value) = row?;
            if let Ok(key) = SettingKey::parse(&key) {
                *key.slot(&mut settings) = value;
            }
        }
        Ok(settings)
    }

    /// Sets one key (validated like every other field); an empty value clears it.
    pub fn set_setting(&self, key: SettingKey, value: &str) -> Result<Settings> {
        let value = key.clean(value)?;
        self.write(|tx| self.put_setting(tx, key, &value))?;
        self.recheck_approvals(None)?;
        self.settings()
    }

    /// Saves the whole sender identity at once (the Settings form): every field is checked first,
    /// so one bad value saves nothing.
    pub fn update_sender(&self, input: &Settings) -> Result<Settings> {
        let cleaned =
            SettingKey::ALL.iter().map(|&key| Ok((key, key.clean(key.get(input))?))).collect::<Result<Vec<_>>>()?;
        let current = self.settings()?;
        self.write(|tx| {
            for (key, value) in &cleaned {
                if key.get(&current) != value {
                    self.put_setting(tx, *key, value)?;
                }
            }
            Ok(())
        })?;
        self.recheck_approvals(None)?;
        self.settings()
    }

    fn put_setting(&self, tx: &rusqlite::Connection, key: SettingKey, value: &str) -> Result<()> {
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![key.as_str(), value, self.now()],
        )?;
        // The signature can be long and is not sensitive to audit word for word.
        let logged =
            if key == SettingKey::Signature { json!({ "chars": value.chars().count() }) } else { json!(value) };
        audit::record(tx, self, "setting", key.as_str(), "set", json!({ "value": logged }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_with_either_separator() {
        assert_eq!(SettingKey::parse("sender.name").unwrap(), SettingKey::SenderName);
        assert_eq!(SettingKey::parse("SENDER_EMAIL").unwrap(), SettingKey::SenderEmail);
        let err = SettingKey::parse("colour").unwrap_err().to_string();
        assert!(err.contains("sender.name, sender.email, organisation, signature"), "{err}");
    }

    #[test]
    fn own_organisation_ignores_case_and_space_but_unset_means_nobody() {
        let mut s = Settings { organisation: " Corp Example ".into(), ..Settings::default() };
        assert!(s.is_own_organisation("corp example"));
        assert!(!s.is_own_organisation("Vendor Ltd"));
        assert!(!s.is_own_organisation(""));
        s.organisation.clear();
        assert!(!s.is_own_organisation(""));
    }
}
