//! The message bytes: [`build_eml`] turns an [`Envelope`] and a [`MailBody`] into an RFC 5322
//! message (multipart/alternative, text/plain then text/html, both UTF-8, CRLF line ends, long
//! header lines folded), built with lettre's message builder. The same bytes go to an SMTP
//! server or into a `.eml` file. [`message_id_for`] makes the Message-ID a message keeps across
//! retries.
//!
//! lettre encodes non-ASCII display names and subjects as RFC 2047 encoded words, quotes names
//! with commas, and picks 7bit, quoted-printable or base64 per part. It adds no Message-ID on its
//! own when one is given, so the one fixed at creation is the one sent.

use super::markdown::MailBody;
use crate::error::{Error, Result};
use lettre::message::{header, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use std::time::SystemTime;

/// Who a message is from and to, and the headers fixed when it was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub from_name: String,
    pub from_email: String,
    pub to_name: String,
    pub to_email: String,
    /// An address replies should go to, when not the sender's.
    pub reply_to: Option<String>,
    /// A visible copy (the analyst's own address, for "CC myself").
    pub cc: Option<String>,
    pub subject: String,
    /// Without angle brackets: `01J…@corp.example`.
    pub message_id: String,
    pub date: chrono::DateTime<chrono::Utc>,
}

/// The domain used in Message-IDs when the sender's address has none usable.
pub const FALLBACK_MESSAGE_ID_DOMAIN: &str = "afterword.invalid";

/// The Message-ID (without `<>`) for a message with this ULID from this sender: the ULID at the
/// sender's domain (in ASCII), or at `afterword.invalid` when the domain is unknown.
pub fn message_id_for(ulid: &str, sender_email: &str) -> String {
    let local: String = ulid.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.')).collect();
    let local = local.trim_matches('.');
    let local = if local.is_empty() { "message" } else { local };
    let domain = sender_email
        .trim()
        .rsplit_once('@')
        .and_then(|(_, domain)| ascii_domain(domain))
        .unwrap_or_else(|| FALLBACK_MESSAGE_ID_DOMAIN.to_string());
    format!("{local}@{domain}")
}

/// A host name in lower-case ASCII (IDNA), or None if it is not one.
fn ascii_domain(domain: &str) -> Option<String> {
    let domain = domain.trim().trim_end_matches('.');
    if domain.is_empty() {
        return None;
    }
    let ascii = idna::domain_to_ascii(domain).ok()?.to_ascii_lowercase();
    let valid = !ascii.is_empty()
        && ascii.contains('.')
        && ascii.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    valid.then_some(ascii)
}

/// Builds the message bytes. Refuses (as [`Error::Invalid`]) a line break or other control
/// character in any header value (header injection), an invalid address or Message-ID.
pub fn build_eml(envelope: &Envelope, body: &MailBody) -> Result<Vec<u8>> {
    let fields: [(&'static str, &str, &str); 6] = [
        ("from_name", "The sender's name", &envelope.from_name),
        ("from_email", "The sender's address", &envelope.from_email),
        ("to_name", "The recipient's name", &envelope.to_name),
        ("to_email", "The recipient's address", &envelope.to_email),
        ("subject", "The subject", &envelope.subject),
        ("message_id", "The Message-ID", &envelope.message_id),
    ];
    for (field, label, value) in fields {
        refuse_controls(field, label, value)?;
    }
    if let Some(reply_to) = &envelope.reply_to {
        refuse_controls("reply_to", "The reply-to address", reply_to)?;
    }
    if let Some(cc) = &envelope.cc {
        refuse_controls("cc", "The copy address", cc)?;
    }
    if envelope.subject.trim().is_empty() {
        return Err(Error::invalid("subject", "The subject is empty."));
    }

    let from = mailbox("from_email", &envelope.from_name, &envelope.from_email)?;
    let to = mailbox("to_email", &envelope.to_name, &envelope.to_email)?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(envelope.subject.trim())
        .date(SystemTime::from(envelope.date))
        .message_id(Some(format!("<{}>", checked_message_id(&envelope.message_id)?)));
    if let Some(reply_to) = envelope.reply_to.as_deref().filter(|r| !r.trim().is_empty()) {
        builder = builder.reply_to(mailbox("reply_to", "", reply_to)?);
    }
    if let Some(cc) = envelope.cc.as_deref().filter(|c| !c.trim().is_empty()) {
        builder = builder.cc(mailbox("cc", &envelope.from_name, cc)?);
    }
    let parts = MultiPart::alternative()
        .singlepart(SinglePart::builder().header(header::ContentType::TEXT_PLAIN).body(body.text.clone()))
        .singlepart(SinglePart::builder().header(header::ContentType::TEXT_HTML).body(body.html.clone()));
    let message = builder
        .multipart(parts)
        .map_err(|e| Error::invalid("message", format!("The message could not be built: {e}.")))?;
    Ok(message.formatted())
}

fn refuse_controls(field: &'static str, label: &str, value: &str) -> Result<()> {
    if value.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(
            field,
            format!(
                "{label} contains a line break or another control character, which a mail header cannot \
                 hold. Remove it and try again."
            ),
        ));
    }
    Ok(())
}

/// A mailbox with an optional display name; the domain goes to ASCII (IDNA) so the header stays
/// ASCII whatever the address.
fn mailbox(field: &'static str, name: &str, email: &str) -> Result<Mailbox> {
    let email = email.trim();
    let invalid = || Error::invalid(field, format!("'{email}' is not a valid email address."));
    let (user, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
    if !user.is_ascii() {
        return Err(Error::invalid(
            field,
            format!("'{email}' has non-ASCII characters before the @, which Afterword cannot send to yet."),
        ));
    }
    let domain = idna::domain_to_ascii(domain).map_err(|_| invalid())?;
    let address = Address::new(user, &domain).map_err(|_| invalid())?;
    let name = name.trim();
    Ok(Mailbox::new((!name.is_empty()).then(|| name.to_string()), address))
}

/// `left@right` with no brackets, spaces or specials, as RFC 5322's msg-id wants (dot-atoms).
fn checked_message_id(id: &str) -> Result<&str> {
    let id = id.trim();
    let atom = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && !s.ends_with('.')
            && !s.contains("..")
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
    };
    match id.split_once('@') {
        Some((left, right)) if atom(left) && atom(right) => Ok(id),
        _ => Err(Error::invalid(
            "message_id",
            format!("'{id}' is not a valid Message-ID (expected something like 01J…@corp.example, without <>)."),
        )),
    }
}
