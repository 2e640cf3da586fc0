//! Preferences kept outside the database (the shell stores them with tauri-plugin-store):
//! [`Preferences`] and [`Theme`], and [`guard_settings_file`], which finds a damaged settings
//! file before the store plugin would silently start empty over it, and keeps it aside.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct Preferences {
    pub theme: Theme,
}

/// What [`guard_settings_file`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsFile {
    Missing,
    Healthy,
    /// The file could not be read as settings; it was renamed to `kept_as`.
    MovedAside {
        kept_as: PathBuf,
        reason: String,
    },
}

impl SettingsFile {
    /// A sentence for the person using the app, when there is something to tell.
    pub fn notice(&self) -> Option<String> {
        match self {
            SettingsFile::MovedAside { kept_as, reason } => Some(format!(
                "Your settings file could not be read ({reason}), so Afterword started with default settings. \
                 The damaged file was kept as {}.",
                kept_as.display()
            )),
            _ => None,
        }
    }
}

/// Checks that `path` holds a JSON object. If it does not, renames it to
/// `NAME.damaged-YYYYMMDD-HHMMSS` beside itself, so nothing is overwritten and the person can
/// recover it by hand.
pub fn guard_settings_file(path: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<SettingsFile> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SettingsFile::Missing),
        Err(source) => return Err(Error::Io { context: format!("Could not read {}", path.display()), source }),
    };
    let reason = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(_)) => return Ok(SettingsFile::Healthy),
        Ok(_) => "it is not a settings object".to_string(),
        Err(e) => format!("not valid JSON: {e}"),
    };
    let mut kept_as = path.as_os_str().to_owned();
    kept_as.push(format!(".damaged-{}", now.format("%Y%m%d-%H%M%S")));
    let kept_as = PathBuf::from(kept_as);
    std::fs::rename(path, &kept_as).map_err(|source| Error::Io {
        context: format!("Could not move the damaged {} aside", path.display()),
        source,
    })?;
    tracing::warn!(file = %path.display(), kept = %kept_as.display(), %reason, "settings file damaged");
    Ok(SettingsFile::MovedAside { kept_as, reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_settings_are_kept_aside_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z").unwrap().to_utc();
        assert_eq!(guard_settings_file(&path, now).unwrap(), SettingsFile::Missing);
        std::fs::write(&path, br#"{"preferences":{"theme":"dark"}}"#).unwrap();
        assert_eq!(guard_settings_file(&path, now).unwrap(), SettingsFile::Healthy);
        std::fs::write(&path, b"{\"preferences\": {\"theme\": \"da").unwrap();
        let found = guard_settings_file(&path, now).unwrap();
        let kept = dir.path().join("settings.json.damaged-20261123-100000");
        assert!(matches!(&found, SettingsFile::MovedAside { kept_as, .. } if *kept_as == kept));
        assert!(found.notice().unwrap().contains("settings.json.damaged-20261123-100000"));
        assert!(!path.exists());
        assert_eq!(std::fs::read(&kept).unwrap(), b"{\"preferences\": {\"theme\": \"da");
    }
}
