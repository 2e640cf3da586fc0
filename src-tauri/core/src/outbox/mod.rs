//! Delivery: approved messages leave through the analyst's own SMTP server, durably.
//!
//! - [`server`]: the SMTP server settings ([`SmtpSettings`]); [`secrets`]: where its password
//!   lives ([`SecretStore`]); [`oauth`]: Microsoft 365 and Google sign-in instead of a password
//!   ([`AccountKind`], [`SignIn`], [`TokenSource`]).
//! - [`transport`]: the [`Transport`] trait, the [`Attempt`] verdicts and the `.eml` folder
//!   transport ([`EmlFolder`]); [`smtp`]: the SMTP transport and the server test.
//! - [`queue`]: queueing approved messages, the outbox list, resolving, cancelling, retrying;
//!   [`sender`]: the durable sending loop ([`Store::send_due`](crate::Store::send_due)).
pub mod oauth;
pub mod queue;
pub mod secrets;
pub mod sender;
pub mod server;
pub mod smtp;
pub mod transport;

pub use oauth::{
    AccountKind, OAuthAccount, OAuthSettings, SignIn, SignInCancel, SignInMethod, SignInProgress, SignInPrompt,
    SignInStatus, SignOutReport, SignedIn, TokenSource,
};
pub use queue::{OutboxCounts, OutboxEntry, QueueReport, Resolution, Thanks};
pub use secrets::{smtp_account, KeyringSecrets, MemorySecrets, SecretStore};
pub use sender::{backoff, RunEnd, RunOptions, RunProgress, RunReport, SendingLock};
pub use server::{CopySelf, Security, SmtpSettings};
pub use smtp::{
    send_test_message, send_test_message_with, test_server, test_server_with, SmtpAuth, SmtpTransport, Step,
    StepResult, TestReport,
};
pub use transport::{transport_for, transport_with, Attempt, Delivery, EmlFolder, Stop, Transport};
