//! Reports for managers and auditors: who helped, how, and whether they were thanked.
//!
//! - [`ReportFilter`] (in [`scope`]) says which contributions a report covers: one incident, or a
//!   period with incident kinds, statuses, teams and organisations; it becomes one SQL scope.
//! - [`contributors`]: the contributor report. [`ContributorSummary`] (totals and the chart
//!   data) is computed by SQL; the details stream incident by incident as [`ReportIncident`]
//!   blocks, so a million contributions never sit in memory at once.
//! - [`recognition`]: the recognition report ([`RecognitionDocument`]): top contributors and
//!   teams over a period, what an analyst sends a manager so helpers get credit.
//! - [`Pseudonyms`] (in [`pseudonym`]) names people who have not consented as "Contributor 3,
//!   IT Operations".
//! - Output: [`csv_out`] (UTF-8 with a byte-order mark, every field neutralised against formula
//!   injection), [`json_out`] (streamed), [`markdown`]. The PDF is drawn by the `afterword-pdf`
//!   crate from the same documents ([`Store::contributor_document`],
//!   [`Store::recognition_report`]) serialised as JSON.
//! - [`write_report`] writes any text format to a file atomically (a temporary file renamed into
//!   place), so a failed report never leaves half a file behind.

pub mod contributors;
pub mod csv_out;
pub mod json_out;
pub mod markdown;
pub mod pseudonym;
pub mod recognition;
pub mod scope;
mod write;

pub use contributors::{
    ContributorDocument, ContributorPreview, ContributorSummary, Count, ReportContribution, ReportIncident, Thanked,
    Totals,
};
pub use pseudonym::Pseudonyms;
pub use recognition::{RecognitionDocument, RecognitionPerson, RecognitionTeam, RecognitionTotals};
pub use scope::{GroupBy, ReportFilter};
pub use write::{write_atomically, write_report, ReportFormat, ReportKind};
