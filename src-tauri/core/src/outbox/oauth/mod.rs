//! Signing in to Microsoft 365 or Google Workspace with OAuth 2.0 instead of a password, and
//! sending with the token (SASL XOAUTH2 over STARTTLS).
//!
//! - [`provider`]: [`AccountKind`] (password, Microsoft 365, Google), the registration the admin
//!   created ([`OAuthSettings`], inside [`SmtpSettings`](crate::outbox::SmtpSettings)) and the
//!   endpoints, scopes and redirect it means ([`OAuthConfig`]).
//! - [`signin`]: the sign-in itself ([`SignIn`]: PKCE in the system browser with a loopback
//!   redirect, or device code), what to show ([`SignInPrompt`], [`SignInProgress`]), cancelling
//!   ([`SignInCancel`]), the result ([`SignedIn`]).
//! - [`tokens`]: keeping it: the refresh token in the secret store, who signed in in the
//!   database ([`OAuthAccount`], [`SignInStatus`]), sign-out ([`SignOutReport`]), and access
//!   tokens in memory for sending ([`TokenSource`]).
//! - [`errors`]: the sign-in server's and the mail server's refusals in plain words, and the
//!   error codes (`CODE_*`) of [`Error::OAuth`](crate::Error::OAuth).
//! - `net`: the HTTP client (https only, no redirects followed, nothing logged).
//!
//! [`ADMIN_GUIDE_MICROSOFT`] and [`ADMIN_GUIDE_GOOGLE`] say what the admin registers (the same
//! text as the README's).

pub mod errors;
mod net;
pub mod provider;
pub mod signin;
pub mod tokens;

pub use net::HttpError;
pub use provider::{AccountKind, OAuthConfig, OAuthSettings};
pub use signin::{SignIn, SignInCancel, SignInMethod, SignInProgress, SignInPrompt, SignedIn, SIGN_IN_TIMEOUT};
pub use tokens::{refresh_token_account, OAuthAccount, SignInStatus, SignOutReport, TokenSource};

/// What a Microsoft 365 admin registers for Afterword (Markdown).
pub const ADMIN_GUIDE_MICROSOFT: &str = include_str!("guide-microsoft365.md");
/// What a Google Workspace admin registers for Afterword (Markdown).
pub const ADMIN_GUIDE_GOOGLE: &str = include_str!("guide-google.md");

/// The admin guide for `kind` (Markdown); None for password accounts.
pub fn admin_guide(kind: AccountKind) -> Option<&'static str> {
    match kind {
        AccountKind::Password => None,
        AccountKind::Microsoft365 => Some(ADMIN_GUIDE_MICROSOFT),
        AccountKind::Google => Some(ADMIN_GUIDE_GOOGLE),
    }
}

#[cfg(test)]
mod tests {
    /// The README carries the same guides, word for word.
    #[test]
    fn the_readme_carries_the_admin_guides() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
        for guide in [super::ADMIN_GUIDE_MICROSOFT, super::ADMIN_GUIDE_GOOGLE] {
            assert!(readme.contains(guide.trim()), "README.md lacks the guide starting {:?}", &guide[..60]);
        }
    }
}
