//! The crate's one error type, [`Error`], and its stable machine-readable [`Error::code`].
//!
//! Every message is written for the person using the app: it says what is wrong and what to do.

use std::path::PathBuf;

/// Everything that can go wrong in the domain.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; `field` names the form field so the UI can show it in place.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },

    /// A record asked for by id or reference does not exist (or is deleted).
    #[error("{0}")]
    NotFound(String),

    /// The change would clash with an existing record (a duplicate email or reference).
    #[error("{message}")]
    Conflict { field: &'static str, message: String },

    /// A quick-add line names an email nobody has yet; the UI asks who they are.
    /// An empty `email` means the line named someone by name only: ask for their email.
    #[error("{}", unknown_person_message(email, suggested_name))]
    UnknownPerson { email: String, suggested_name: String },

    /// The operation affects more than the record itself; call again with confirmation.
    #[error("{0}")]
    NeedsConfirmation(String),

    /// The database file was written by a newer Afterword.
    #[error(
        "The database {path} was written by a newer version of Afterword (schema {found}; this \
         version understands up to {supported}). It was left untouched: update Afterword to open it."
    )]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },

    /// The file is not a SQLite database or is damaged.
    #[error(
        "The file {path} is not an Afterword database or is damaged ({detail}). It was left \
         untouched: move it aside or restore it from a backup, then start Afterword again."
    )]
    Damaged { path: PathBuf, detail: String },

    /// A file-system problem (creating the data folder, for example).
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },

    /// A thank-you template that cannot be filled in: where (part, line, column) and why.
    #[error("{0}")]
    Template(#[from] crate::compose::render::TemplateError),

    /// The OS secret store is missing, locked or refused the request.
    #[error("{0}")]
    SecretStore(String),

    /// The mail server could not be reached or refused: what failed, in plain words.
    #[error("{0}")]
    Smtp(String),

    /// A Microsoft 365 or Google sign-in that failed or is needed; `code` is one of
    /// [`crate::outbox::oauth::errors`]' `CODE_*` (`sign_in_required`, `oauth_state`,
    /// `oauth_denied`, `oauth_tenant`, …); the message says what to do, never shows a token.
    #[error("{message}")]
    OAuth { code: &'static str, message: String },

    /// Another Afterword process is sending this database's outbox right now.
    #[error("{0}")]
    Busy(String),

    /// The person stopped a long operation; nothing was changed.
    #[error("{0}")]
    Cancelled(String),

    /// A backup, restore, export or import that could not be made or was refused; the live
    /// database was left as it was. `code` is `backup_failed` (the copy could not be written),
    /// `backup_damaged` (not an Afterword backup or export, or damaged) or `backup_newer` (from a
    /// newer Afterword); the message names the file and says what to do.
    #[error("{message}")]
    Backup { code: &'static str, message: String },

    /// Any other database failure.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
}

impl Error {
    /// A short stable code the UI and scripts branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::NotFound(_) => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::NeedsConfirmation(_) => "needs_confirmation",
            Error::UnknownPerson { .. } => "unknown_person",
            Error::NewerSchema { .. } => "newer_schema",
            Error::Damaged { .. } => "damaged_database",
            Error::Io { .. } => "io",
            Error::Template(_) => "template",
            Error::SecretStore(_) => "secret_store",
            Error::Smtp(_) => "smtp",
            Error::OAuth { code, .. } => code,
            Error::Busy(_) => "busy",
            Error::Cancelled(_) => "cancelled",
            Error::Backup { code, .. } => code,
            Error::Database(_) => "database",
        }
    }

    /// The form field the error is about, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Invalid { field, .. } | Error::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid { field, message: message.into() }
    }
}

fn unknown_person_message(email: &str, name: &str) -> String {
    if email.is_empty() {
        format!("Nobody called {name} is known yet. Add them as a new person: their email is needed.")
    } else {
        format!("Nobody with the email {email} is known yet. Add them as a new person (name required).")
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A column read as the wrong type: a database failure like any other.
impl From<rusqlite::types::FromSqlError> for Error {
    fn from(error: rusqlite::types::FromSqlError) -> Self {
        Error::Database(rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(error)))
    }
}
