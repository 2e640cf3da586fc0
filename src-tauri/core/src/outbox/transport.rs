//! How a message leaves: the [`Transport`] trait with its two kinds, the analyst's SMTP server
//! ([`super::smtp::SmtpTransport`]) and, with no server configured, `.eml` files in a folder
//! ([`EmlFolder`]). A transport answers each [`Delivery`] with an [`Attempt`], the verdict the
//! outbox records; problems that concern the server rather than one message end the run instead
//! ([`Stop`]).

use std::path::PathBuf;

/// One message to hand over: the envelope and the exact bytes.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    pub sender: &'a str,
    pub recipients: &'a [String],
    pub eml: &'a [u8],
    /// Used to name `.eml` files.
    pub message_id: &'a str,
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The server took responsibility (250 after the body), with its reply.
    Sent { reply: String },
    /// A temporary refusal (4xx): try again later.
    Deferred { reply: String },
    /// A permanent refusal (5xx) of this message: the others go on.
    Failed { reply: String },
    /// The body was handed over but no verdict came back: it may have been delivered.
    Uncertain { reason: String },
    /// Nothing was handed over because of the server as a whole.
    Stopped(Stop),
}

/// Why a run cannot go on, whatever the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The server cannot be reached now (no network, name lookup, refused, timed out): messages
    /// wait and go out when it answers again.
    Unreachable(String),
    /// The server refuses us until the analyst changes something (password, certificate, TLS):
    /// messages stay queued, untouched.
    NeedsAttention(String),
    /// The Microsoft 365 or Google sign-in is missing, expired or revoked: the analyst signs in
    /// again; messages stay queued, untouched (a kind of needing attention the UI can act on).
    SignInRequired(String),
}

impl Stop {
    pub fn message(&self) -> &str {
        match self {
            Stop::Unreachable(m) | Stop::NeedsAttention(m) | Stop::SignInRequired(m) => m,
        }
    }

    /// `unreachable`, `needs_attention` or `sign_in_required`.
    pub fn code(&self) -> &'static str {
        match self {
            Stop::Unreachable(_) => "unreachable",
            Stop::NeedsAttention(_) => "needs_attention",
            Stop::SignInRequired(_) => "sign_in_required",
        }
    }
}

pub trait Transport: Send {
    /// `smtp.corp.example:587` or the folder, for the outbox record and messages.
    fn describe(&self) -> String;
    fn deliver(&mut self, delivery: Delivery<'_>) -> Attempt;
    /// Ends any open connection politely.
    fn close(&mut self) {}
}

/// With no server configured: every message is written to `folder` as
/// `<Message-ID>.eml`, written to a temporary name first so a half-written file never appears.
pub struct EmlFolder {
    pub folder: PathBuf,
}

impl Transport for EmlFolder {
    fn describe(&self) -> String {
        format!("folder {}", self.folder.display())
    }

    fn deliver(&mut self, delivery: Delivery<'_>) -> Attempt {
        let name: String = delivery
            .message_id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') { c } else { '_' })
            .take(120)
            .collect();
        let path = self.folder.join(format!("{name}.eml"));
        let partial = self.folder.join(format!(".{name}.eml.partial"));
        let written = std::fs::create_dir_all(&self.folder)
            .and_then(|()| std::fs::write(&partial, delivery.eml))
            .and_then(|()| std::fs::rename(&partial, &path));
        match written {
            Ok(()) => Attempt::Sent { reply: format!("Written to {}", path.display()) },
            Err(e) => Attempt::Stopped(Stop::NeedsAttention(format!(
                "The outbox folder {} cannot be written ({e}). Choose another folder or free some space.",
                self.folder.display()
            ))),
        }
    }
}

/// The transport the settings call for: the SMTP server, or the `.eml` folder when none is set.
/// `password` is the user name's; an OAuth account needs [`transport_with`] and its
/// [`TokenSource`](super::TokenSource).
pub fn transport_for(
    server: &super::SmtpSettings,
    password: Option<String>,
    eml_folder: PathBuf,
) -> Result<Box<dyn Transport>, Stop> {
    let auth = if server.account.is_oauth() {
        super::SmtpAuth::Unavailable(Stop::SignInRequired(format!(
            "Sending as your {} account needs its sign-in, which this part of Afterword was not given. Sign in again \
             in Settings › Mail server; your messages stay queued.",
            server.account.label()
        )))
    } else {
        super::SmtpAuth::Password(password)
    };
    transport_with(server, auth, eml_folder)
}

/// The transport the settings call for, signing in with `auth` (see
/// [`Store::smtp_auth`](crate::Store::smtp_auth)).
pub fn transport_with(
    server: &super::SmtpSettings,
    auth: super::SmtpAuth,
    eml_folder: PathBuf,
) -> Result<Box<dyn Transport>, Stop> {
    if server.is_configured() {
        Ok(Box::new(super::SmtpTransport::with_auth(server.clone(), auth)?))
    } else {
        Ok(Box::new(EmlFolder { folder: eml_folder }))
    }
}

impl crate::Store {
    /// Where messages go as `.eml` files while no server is set: `outbox` beside the database.
    pub fn eml_outbox_folder(&self) -> PathBuf {
        self.path().parent().map(|p| p.join("outbox")).unwrap_or_else(|| PathBuf::from("outbox"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_transport_writes_whole_files_named_by_message_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut folder = EmlFolder { folder: dir.path().join("outbox") };
        let recipients = vec!["jane@corp.example".to_string()];
        let delivery = Delivery {
            sender: "sam@corp.example",
            recipients: &recipients,
            eml: b"Subject: x\r\n\r\nhi\r\n",
            message_id: "01J/../x@corp.example",
        };
        assert!(matches!(folder.deliver(delivery), Attempt::Sent { .. }));
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("outbox")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("01J_.._x@corp.example.eml")]);
    }
}
