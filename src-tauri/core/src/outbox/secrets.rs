//! Where the SMTP password lives: the OS secret store ([`KeyringSecrets`]: the Secret Service on
//! Linux, the Keychain on macOS, the Credential Manager on Windows), or, when there is none, this
//! process's memory only ([`MemorySecrets`]) so the analyst is asked once per start. Never the
//! database, the preferences file or a log. Both behind [`SecretStore`], so tests and front ends
//! pass whichever they have.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::sync::Mutex;

/// The service name entries are filed under in the OS secret store.
pub const SERVICE: &str = "Afterword";

pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<String>>;
    fn set(&self, account: &str, secret: &str) -> Result<()>;
    /// Removes the entry; removing one that is not there is not an error.
    fn delete(&self, account: &str) -> Result<()>;
    /// Is this the OS secret store (kept across restarts) or memory only?
    fn persistent(&self) -> bool;
}

/// The entry name of a server's password: one per user at a host.
pub fn smtp_account(username: &str, host: &str) -> String {
    format!("smtp:{}@{}", username, host.to_ascii_lowercase())
}

/// The OS secret store through the `keyring` crate. Its calls block (D-Bus round trips): front
/// ends call them off any async runtime's worker threads.
pub struct KeyringSecrets;

impl KeyringSecrets {
    /// The OS store, or why it cannot be used (no Secret Service running, for example).
    pub fn open() -> Result<KeyringSecrets> {
        match keyring::Entry::store_status() {
            Ok(()) => Ok(KeyringSecrets),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn entry(account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, account).map_err(|e| unavailable(&e))
    }
}

fn unavailable(error: &keyring::Error) -> Error {
    Error::SecretStore(format!(
        "The system's secret store cannot be used ({error}). On Linux it is the Secret Service: GNOME Keyring or \
         KeePassXC with its Secret Service option, unlocked in your session."
    ))
}

impl SecretStore for KeyringSecrets {
    fn get(&self, account: &str) -> Result<Option<String>> {
        match Self::entry(account)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(&e)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        Self::entry(account)?.set_password(secret).map_err(|e| unavailable(&e))
    }

    fn delete(&self, account: &str) -> Result<()> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(&e)),
        }
    }

    fn persistent(&self) -> bool {
        true
    }
}

/// Secrets kept for this process only, where no OS store exists.
#[derive(Default)]
pub struct MemorySecrets {
    entries: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemorySecrets {
    fn get(&self, account: &str) -> Result<Option<String>> {
        Ok(self.entries.lock().unwrap_or_else(|p| p.into_inner()).get(account).cloned())
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).insert(account.to_string(), secret.to_string());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).remove(account);
        Ok(())
    }

    fn persistent(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_secrets_round_trip_and_forget() {
        let secrets = MemorySecrets::default();
        let account = smtp_account("sam", "SMTP.Corp.Example");
        assert_eq!(account, "smtp:sam@smtp.corp.example");
        assert_eq!(secrets.get(&account).unwrap(), None);
        secrets.set(&account, "pä55wörd✓").unwrap();
        assert_eq!(secrets.get(&account).unwrap().as_deref(), Some("pä55wörd✓"));
        secrets.delete(&account).unwrap();
        secrets.delete(&account).unwrap();
        assert_eq!(secrets.get(&account).unwrap(), None);
    }
}
