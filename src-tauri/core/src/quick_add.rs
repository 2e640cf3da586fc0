//! The quick-add line: "jane@corp.com — proxy logs 1–3 Nov", "Jane Doe <jane@corp.com>: logs",
//! "Kevin Nguyen kevin@corp.com: pcap", "Jane (jane@corp.com) - logs" or just a known person's
//! name, "Maria Lopez - forwarded two more samples". [`parse_quick_add`] splits it into a
//! [`QuickAdd`]: who (an email and/or a name), what, and a credit role guessed from the words used.
//! [`fold_name`] is the accent- and case-blind form names are matched on.

use crate::error::{Error, Result};
use crate::model::CreditRole;
use crate::validate;
use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct QuickAdd {
    /// The email found in the "who" part, or empty when the line names someone without one
    /// (then `name` holds the name to look up).
    pub email: String,
    /// The name given beside the email (`Name <email>`, `Name (email)`, `Name email`), or the
    /// bare name when there is no email.
    pub name: Option<String>,
    pub what: String,
    pub role: CreditRole,
}

/// Separators between who and what; the earliest in the line wins (on a tie, the first listed).
/// None of them can occur inside an email address.
const SEPARATORS: &[&str] = &[" — ", "—", " – ", "–", " -- ", " - ", ":"];

pub fn parse_quick_add(line: &str) -> Result<QuickAdd> {
    let line = validate::single_line("line", "The quick-add line", line, true, 2_300)?;
    let Some((who, what)) = split_who_what(&line) else {
        return Err(missing_separator(&line));
    };
    if who.is_empty() {
        return Err(Error::invalid(
            "line",
            format!("Say who gave “{what}” before the separator: a name or an email, as in Jane Doe — {what}."),
        ));
    }
    if what.is_empty() {
        return Err(Error::invalid(
            "line",
            format!("Say what {who} gave after the separator, as in {who} — proxy logs."),
        ));
    }
    let (name, email) = split_who(who)?;
    let what = validate::text("line", "What they gave", what, true, 2_000)?;
    let role = guess_role(&what);
    Ok(QuickAdd { email, name, what, role })
}

/// The accent-, case- and spacing-blind form of a name: "  María  LÓPEZ " → "maria lopez".
pub fn fold_name(name: &str) -> String {
    let folded: String = name.nfd().filter(|c| !is_combining_mark(*c)).collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The "who" and "what" around the earliest separator (both trimmed, maybe empty).
fn split_who_what(line: &str) -> Option<(&str, &str)> {
    SEPARATORS
        .iter()
        .filter_map(|sep| line.find(sep).map(|i| (i, sep.len())))
        .min_by_key(|(i, _)| *i)
        .map(|(i, len)| (line[..i].trim(), line[i + len..].trim()))
}

/// The error for a line with no separator, naming what is there and what is missing.
fn missing_separator(line: &str) -> Error {
    if line.split_whitespace().any(|w| w.contains('@')) {
        Error::invalid(
            "line",
            format!("Say what they gave after a dash or a colon: {line} — proxy logs 1–3 Nov (separated by a dash)."),
        )
    } else {
        Error::invalid(
            "line",
            format!(
                "Found no separator between who and what in “{line}”: write who and what separated by a dash \
                 or a colon, as in Jane Doe — proxy logs."
            ),
        )
    }
}

/// Picks the email out of the "who" part wherever it stands (`<…>`, `(…)`, `[…]` or a bare
/// word with an `@`); what is left is the name. Without an `@`, the whole part is the name.
fn split_who(who: &str) -> Result<(Option<String>, String)> {
    let Some(at) = who.find('@') else {
        let name = validate::single_line("line", "The name", who.trim_matches('"'), true, validate::NAME_MAX)?;
        return Ok((Some(name), String::new()));
    };
    // The bracketed group around the '@', if any; else the whitespace-separated word.
    let bracketed = [('<', '>'), ('(', ')'), ('[', ']')].iter().find_map(|(open, close)| {
        let start = who[..at].rfind(*open).filter(|s| !who[*s..at].contains(*close))?;
        let end = at + who[at..].find(*close)?;
        Some((start, end + close.len_utf8(), &who[start + 1..end]))
    });
    let (start, end, address) = bracketed.unwrap_or_else(|| {
        let start = who[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let end = who[at..].find(char::is_whitespace).map_or(who.len(), |i| at + i);
        (start, end, &who[start..end])
    });
    let address = address.trim().trim_matches(|c: char| matches!(c, '"' | '\'' | ',' | ';' | '<' | '>'));
    let email = validate::email("line", address).map_err(|e| Error::invalid("line", e.to_string()))?;
    let rest = format!("{} {}", &who[..start], &who[end..]);
    let name = rest
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';'))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Ok(((!name.is_empty()).then_some(name), email))
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

    fn who(line: &str) -> (String, Option<String>, String) {
        let q = parse_quick_add(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        (q.email, q.name, q.what)
    }

    fn err(line: &str) -> String {
        parse_quick_add(line).unwrap_err().to_string()
    }

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
    fn every_separator_splits_who_from_what() {
        for line in [
            "Maria Lopez — forwarded samples",
            "Maria Lopez—forwarded samples",
            "Maria Lopez – forwarded samples",
            "Maria Lopez–forwarded samples",
            "Maria Lopez - forwarded samples",
            "Maria Lopez -- forwarded samples",
            "Maria Lopez: forwarded samples",
            "Maria Lopez : forwarded samples",
        ] {
            assert_eq!(who(line), (String::new(), Some("Maria Lopez".into()), "forwarded samples".into()), "{line}");
        }
        // Only the first separator splits; later ones belong to the what.
        assert_eq!(who("Kim: logs - 10:30 to 11:00").2, "logs - 10:30 to 11:00");
        // A hyphenated name is not split.
        assert_eq!(who("Jean-Luc Picard - logs").1.as_deref(), Some("Jean-Luc Picard"));
    }

    #[test]
    fn a_bare_name_has_no_email() {
        let q = parse_quick_add("Maria Lopez - forwarded two more samples").unwrap();
        assert_eq!(q.email, "");
        assert_eq!(q.name.as_deref(), Some("Maria Lopez"));
        assert_eq!(q.what, "forwarded two more samples");
        assert_eq!(q.role, CreditRole::Finder);
        assert_eq!(who("María López: logs").1.as_deref(), Some("María López"));
    }

    #[test]
    fn the_email_is_picked_out_wherever_it_stands() {
        let expect = |line: &str, email: &str, name: Option<&str>| {
            let (e, n, what) = who(line);
            assert_eq!((e.as_str(), n.as_deref()), (email, name), "{line}");
            assert_eq!(what, "proxy logs", "{line}");
        };
        expect("Kevin Nguyen kevin@corp.com: proxy logs", "kevin@corp.com", Some("Kevin Nguyen"));
        expect("kevin@corp.com Kevin Nguyen: proxy logs", "kevin@corp.com", Some("Kevin Nguyen"));
        expect("Jane (jane@corp.com) - proxy logs", "jane@corp.com", Some("Jane"));
        expect("Jane Doe <jane@corp.com>: proxy logs", "jane@corp.com", Some("Jane Doe"));
        expect("\"Doe, Jane\" <jane@corp.com> — proxy logs", "jane@corp.com", Some("Doe, Jane"));
        expect("<jane@corp.com> – proxy logs", "jane@corp.com", None);
        expect("[jane@corp.com] Jane — proxy logs", "jane@corp.com", Some("Jane"));
    }

    #[test]
    fn folds_accents_case_and_spacing() {
        assert_eq!(fold_name("  María   LÓPEZ "), "maria lopez");
        assert_eq!(fold_name("Zoë Ångström"), "zoe angstrom");
        assert_eq!(fold_name("Maria Lopez"), fold_name("MARÍA LÓPEZ"));
        assert_ne!(fold_name("Maria Lopez"), fold_name("Mario Lopez"));
    }

    #[test]
    fn explains_what_is_missing() {
        assert!(err("jane@corp.com").contains("Say what they gave"));
        assert!(err("proxy logs").contains("separated by a dash"));
        assert!(err("proxy logs").contains("“proxy logs”"));
        assert!(err("jane@ — logs").contains("nothing after"));
        assert_eq!(parse_quick_add("").unwrap_err().field(), Some("line"));
    }

    #[test]
    fn a_line_with_a_separator_never_gets_the_format_hint() {
        for (line, says) in [
            ("— proxy logs", "Say who gave “proxy logs”"),
            ("Maria Lopez —", "Say what Maria Lopez gave"),
            ("Maria Lopez: ", "Say what Maria Lopez gave"),
            ("Kevin kevin@ - logs", "nothing after"),
        ] {
            let e = err(line);
            assert!(e.contains(says), "{line}: {e}");
            assert!(!e.contains("separated by a dash"), "{line}: {e}");
        }
    }
}
