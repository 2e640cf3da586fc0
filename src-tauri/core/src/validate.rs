//! Input rules shared by every operation: [`text`] for free text, [`single_line`] for names and
//! titles, [`email`] for addresses (RFC 5321 limits, internationalised domains), [`date`].
//!
//! Each rule returns the cleaned value or an [`Error::Invalid`] naming the field and what to fix.

use crate::error::{Error, Result};
use unicode_normalization::UnicodeNormalization;

/// Limits, in characters, chosen to fit a screen and a mail header comfortably.
pub const NAME_MAX: usize = 200;
pub const TITLE_MAX: usize = 300;
pub const SHORT_MAX: usize = 200;
pub const LONG_MAX: usize = 20_000;

/// RFC 5321 §4.5.3.1: local part ≤ 64 octets, domain ≤ 255, a path ≤ 256 including `<>`.
const LOCAL_MAX: usize = 64;
const DOMAIN_MAX: usize = 253;
const ADDRESS_MAX: usize = 254;
const LABEL_MAX: usize = 63;

/// A one-line value (name, title, team): trimmed, NFC-normalised, no control characters at all,
/// so it can never break a mail header.
pub fn single_line(field: &'static str, label: &str, value: &str, required: bool, max: usize) -> Result<String> {
    let cleaned = nfc(value.trim());
    if let Some(bad) = cleaned.chars().find(|c| c.is_control()) {
        let what = match bad {
            '\r' | '\n' => "a line break".to_string(),
            '\t' => "a tab".to_string(),
            other => format!("the control character U+{:04X}", other as u32),
        };
        return Err(Error::invalid(field, format!("{label} must be on one line; it contains {what}.")));
    }
    check_length(field, label, &cleaned, required, max)?;
    Ok(cleaned)
}

/// Free text (summary, notes, impact): trimmed, NFC-normalised; line breaks and tabs allowed,
/// other control characters refused.
pub fn text(field: &'static str, label: &str, value: &str, required: bool, max: usize) -> Result<String> {
    let trimmed = value.trim();
    let cleaned = if trimmed.contains("\r\n") { nfc(&trimmed.replace("\r\n", "\n")) } else { nfc(trimmed) };
    if let Some(bad) = cleaned.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
        return Err(Error::invalid(
            field,
            format!("{label} contains the control character U+{:04X}; remove it.", bad as u32),
        ));
    }
    check_length(field, label, &cleaned, required, max)?;
    Ok(cleaned)
}

/// `value` in Unicode normalisation form C. Most text already is (all ASCII text is), and the
/// quick check says so without rebuilding it character by character.
fn nfc(value: &str) -> String {
    if value.is_ascii()
        || unicode_normalization::is_nfc_quick(value.chars()) == unicode_normalization::IsNormalized::Yes
    {
        value.to_string()
    } else {
        value.nfc().collect()
    }
}

fn check_length(field: &'static str, label: &str, value: &str, required: bool, max: usize) -> Result<()> {
    if required && value.is_empty() {
        return Err(Error::invalid(field, format!("{label} is required.")));
    }
    let length = value.chars().count();
    if length > max {
        return Err(Error::invalid(
            field,
            format!("{label} is {length} characters long; the limit is {max}. Shorten it."),
        ));
    }
    Ok(())
}

/// Checks an address and returns it with its domain lower-cased and in ASCII (IDNA/punycode),
/// the form SMTP servers accept. The local part keeps its case (it may matter to the receiver).
pub fn email(field: &'static str, value: &str) -> Result<String> {
    let value = value.trim();
    let fail = |why: String| Err(Error::invalid(field, why));
    if value.is_empty() {
        return fail("An email address is required.".into());
    }
    if let Some(bad) = value.chars().find(|c| c.is_control() || c.is_whitespace()) {
        return fail(if matches!(bad, '\r' | '\n') {
            "The email address contains a line break; remove it.".into()
        } else {
            "The email address contains a space or control character; remove it.".into()
        });
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return fail(format!("'{value}' has no '@': write it as name@example.org."));
    };
    if local.contains('@') {
        return fail(format!("'{value}' has more than one '@'; an address has exactly one."));
    }
    if local.is_empty() {
        return fail(format!("'{value}' has nothing before the '@'."));
    }
    if domain.is_empty() {
        return fail(format!("'{value}' has nothing after the '@': add the domain, as in {local}@example.org."));
    }
    if local.len() > LOCAL_MAX {
        return fail(format!(
            "The part before the '@' is {} bytes long; email allows at most {LOCAL_MAX}.",
            local.len()
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return fail("The part before the '@' cannot start or end with a dot or have two dots in a row.".into());
    }
    const ATEXT_SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~.";
    if let Some(bad) =
        local.chars().find(|c| c.is_ascii() && !c.is_ascii_alphanumeric() && !ATEXT_SPECIALS.contains(*c))
    {
        return fail(format!("The character '{bad}' is not allowed before the '@'."));
    }
    let ascii_domain = match idna::domain_to_ascii_strict(domain) {
        Ok(d) => d,
        Err(_) => return fail(format!("'{domain}' is not a valid domain name.")),
    };
    if ascii_domain.len() > DOMAIN_MAX {
        return fail(format!("The domain is {} characters long; the limit is {DOMAIN_MAX}.", ascii_domain.len()));
    }
    let labels: Vec<&str> = ascii_domain.split('.').collect();
    if labels.len() < 2 {
        return fail(format!("'{domain}' is not a full domain name; add its ending, as in {domain}.com."));
    }
    for label in &labels {
        if label.is_empty() {
            return fail(format!("'{domain}' has an empty part between dots."));
        }
        if label.len() > LABEL_MAX {
            return fail(format!("A part of the domain is longer than {LABEL_MAX} characters."));
        }
        if label.starts_with('-')
            || label.ends_with('-')
            || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return fail(format!("'{domain}' is not a valid domain name."));
        }
    }
    let address = format!("{local}@{ascii_domain}");
    if address.len() > ADDRESS_MAX {
        return fail(format!("The address is {} characters long; email allows at most {ADDRESS_MAX}.", address.len()));
    }
    Ok(address)
}

/// The case-insensitive key that makes emails unique.
pub fn email_key(address: &str) -> String {
    address.to_lowercase()
}

/// An ISO date (YYYY-MM-DD); empty gives `None`.
pub fn date(field: &'static str, label: &str, value: &str) -> Result<Option<String>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map(|d| Some(d.format("%Y-%m-%d").to_string())).map_err(|_| {
        Error::invalid(field, format!("{label} '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-03."))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email_err(input: &str) -> String {
        email("email", input).unwrap_err().to_string()
    }

    #[test]
    fn accepts_plain_and_converts_idn_domains() {
        assert_eq!(email("email", " Jane.Doe@Corp.COM ").unwrap(), "Jane.Doe@corp.com");
        assert_eq!(email("email", "anna@bücher.de").unwrap(), "anna@xn--bcher-kva.de");
        assert_eq!(email("email", "x+tag@例え.jp").unwrap(), "x+tag@xn--r8jz45g.jp");
    }

    #[test]
    fn refuses_bad_addresses_with_specific_reasons() {
        assert!(email_err("jane@").contains("nothing after the '@'"));
        assert!(email_err("a@b@c").contains("more than one '@'"));
        assert!(email_err("jane").contains("no '@'"));
        assert!(email_err("@corp.com").contains("nothing before"));
        assert!(email_err(&format!("{}@corp.com", "a".repeat(300))).contains("at most 64"));
        assert!(email_err("jane@corp.com\r\nBcc: x@evil.com").contains("line break"));
        assert!(email_err("jane@localhost").contains("not a full domain"));
        assert!(email_err("ja..ne@corp.com").contains("two dots"));
        assert!(email_err("ja(ne@corp.com").contains("'('"));
        assert!(email_err("jane@-corp.com").contains("not a valid domain"));
    }

    #[test]
    fn total_length_limit() {
        let domain = format!("{}.{}.{}.{}.com", "a".repeat(60), "b".repeat(60), "c".repeat(60), "d".repeat(60));
        let err = email_err(&format!("{}@{domain}", "x".repeat(10)));
        assert!(err.contains("limit is 253") || err.contains("at most 254"), "{err}");
    }

    #[test]
    fn single_line_refuses_line_breaks_and_keeps_scripts() {
        let err = single_line("name", "Name", "Jane\nBcc: x", true, NAME_MAX).unwrap_err();
        assert_eq!(err.field(), Some("name"));
        assert!(err.to_string().contains("line break"));
        assert_eq!(single_line("name", "Name", "  مريم الحسن ", true, NAME_MAX).unwrap(), "مريم الحسن");
        assert_eq!(single_line("name", "Name", "Zoë 🦊", true, NAME_MAX).unwrap(), "Zoë 🦊");
        // A combining diaeresis is composed (NFC) so search and comparison behave.
        assert_eq!(single_line("name", "Name", "Zoe\u{308}", true, NAME_MAX).unwrap(), "Zoë");
    }

    #[test]
    fn lengths_and_required() {
        assert!(single_line("name", "Name", "   ", true, NAME_MAX).unwrap_err().to_string().contains("required"));
        let long = "é".repeat(NAME_MAX + 1);
        assert!(single_line("name", "Name", &long, true, NAME_MAX).unwrap_err().to_string().contains("201 characters"));
        assert_eq!(single_line("team", "Team", "", false, SHORT_MAX).unwrap(), "");
    }

    #[test]
    fn text_allows_lines_but_not_other_controls() {
        assert_eq!(text("notes", "Notes", "a\r\nb", false, LONG_MAX).unwrap(), "a\nb");
        assert!(text("notes", "Notes", "a\u{7}b", false, LONG_MAX).is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(date("d", "Date", "2026-11-03").unwrap().as_deref(), Some("2026-11-03"));
        assert_eq!(date("d", "Date", "").unwrap(), None);
        assert!(date("d", "Date", "3 Nov").unwrap_err().to_string().contains("YYYY-MM-DD"));
    }
}
