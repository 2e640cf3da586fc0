//! The quick-add line: "jane@corp.com — proxy logs 1–3 Nov" or "Jane Doe <jane@corp.com>: logs".
//! [`parse_quick_add`] splits it into a [`QuickAdd`]: who (email, maybe a name), what, and a
//! credit role guessed from the words used.

use crate::error::{Error, Result};
use crate::model::CreditRole;
use crate::validate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct QuickAdd {
    pub email: String,
    /// A display name given as `Name <email>`, if any.
    pub name: Option<String>,
    pub what: String,
    pub role: CreditRole,
}

/// Separators between who and what, tried in order; the first found after the email wins.
const SEPARATORS: &[&str] = &[" — ", "—", " – ", "–", " - ", ":", " -- "];

pub fn parse_quick_add(line: &str) -> Result<QuickAdd> {
    let line = validate::single_line("line", "The quick-add line", line, true, 2_300)?;
    let (who, what) = split_who_what(&line).ok_or_else(|| {
        Error::invalid("line", "Write who and what, separated by a dash: jane@corp.com — proxy logs 1–3 Nov.")
    })?;
    let (name, address) = match (who.find('<'), who.rfind('>')) {
        (Some(open), Some(close)) if open < close => {
            let name = who[..open].trim().trim_matches('"').trim();
            (Some(name.to_string()).filter(|n| !n.is_empty()), &who[open + 1..close])
        }
        _ => (None, who),
    };
    let email = validate::email("line", address).map_err(|e| Error::invalid("line", e.to_string()))?;
    let what = validate::text("line", "What they gave", what, true, 2_000)?;
    let role = guess_role(&what);
    Ok(QuickAdd { email, name, what, role })
}

fn split_who_what(line: &str) -> Option<(&str, &str)> {
    let at = line.find('@')?;
    SEPARATORS
        .iter()
        .filter_map(|sep| line[at..].find(sep).map(|i| (at + i, sep.len())))
        .min_by_key(|(i, _)| *i)
        .map(|(i, len)| (line[..i].trim(), line[i + len..].trim()))
        .filter(|(who, what)| !who.is_empty() && !what.is_empty())
}

/// A first guess the analyst can change; order matters (a "reported log" is a report).
fn guess_role(what: &str) -> CreditRole {
    let w = what.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|k| w.contains(k));
    if has(&["report", "flagged", "forwarded", "noticed", "spotted", "found"]) {
        CreditRole::Finder
    } else if has(&["log", "export", "pcap", "capture", "netflow", "dump", "trace"]) {
        CreditRole::LogProvider
    } else if has(&["patch", "fix", "remediat", "rebuilt", "reimag", "rotated", "blocked", "upgrade"]) {
        CreditRole::Remediation
    } else if has(&["analys", "reverse", "triage", "forensic", "decod"]) {
        CreditRole::Analyst
    } else if has(&["access", "account", "credential", "permission"]) {
        CreditRole::Access
    } else if has(&["coordinat", "organis", "organiz", "bridge", "comms"]) {
        CreditRole::Coordinator
    } else if has(&["advice", "advis", "expert", "explained", "review"]) {
        CreditRole::Expertise
    } else {
        CreditRole::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_form() {
        let q = parse_quick_add("jane@corp.com — proxy logs 1–3 Nov").unwrap();
        assert_eq!(q.email, "jane@corp.com");
        assert_eq!(q.what, "proxy logs 1–3 Nov");
        assert_eq!(q.role, CreditRole::LogProvider);
        assert_eq!(q.name, None);
    }

    #[test]
    fn parses_names_and_other_separators() {
        let q = parse_quick_add("Jane Doe <Jane@Corp.com>: reported the phishing mail").unwrap();
        assert_eq!(q.email, "Jane@corp.com");
        assert_eq!(q.name.as_deref(), Some("Jane Doe"));
        assert_eq!(q.role, CreditRole::Finder);
        let q = parse_quick_add("ops-team@corp.com - patched the VPN gateway overnight").unwrap();
        assert_eq!((q.email.as_str(), q.role), ("ops-team@corp.com", CreditRole::Remediation));
        // A hyphen inside the address is not a separator.
        let q = parse_quick_add("a-b@x-y.com – dns-logs").unwrap();
        assert_eq!((q.email.as_str(), q.what.as_str()), ("a-b@x-y.com", "dns-logs"));
    }

    #[test]
    fn explains_what_is_missing() {
        assert!(parse_quick_add("jane@corp.com").unwrap_err().to_string().contains("separated by a dash"));
        assert!(parse_quick_add("proxy logs").unwrap_err().to_string().contains("separated by a dash"));
        assert!(parse_quick_add("jane@ — logs").unwrap_err().to_string().contains("nothing after"));
        assert_eq!(parse_quick_add("").unwrap_err().field(), Some("line"));
    }
}
