//! Composing the thank-you messages.
//!
//! - [`context`]: [`RenderContext`], the variables a template sees for one recipient.
//! - [`tlp`]: which outcome sections a recipient may see ([`tlp::visibility`]).
//! - [`render`]: minijinja templates (strict undefined, errors with line and column) to a
//!   subject and a Markdown body; [`markdown`] turns the body into the HTML and text parts;
//!   [`eml`] builds the RFC 5322 message bytes.
//! - [`builtin`]: the templates shipped with the app.
//! - [`tone`]: the empathy check ([`tone::ToneFinding`]).

pub mod context;

pub use context::*;
pub mod builtin;
pub mod eml;
pub mod markdown;
pub mod outcome;
pub mod render;
pub mod tlp;
pub mod tone;

pub use outcome::{OutcomeSection, OutcomeSectionInput, SectionReader};
pub mod batch;
pub mod closeout;
pub mod compose_one;
pub mod dry_run;
pub mod messages;
pub mod templates;

pub use batch::WithheldSection;
pub use closeout::{Closeout, CloseoutItem};
pub use compose_one::ComposeWarning;
pub use dry_run::{RenderProblem, RenderReport};
pub use messages::{BlockedMessage, BulkApproval, GenerateReport, MessagePreview, MessageSummary};
pub use templates::{Template, TemplateInput};
