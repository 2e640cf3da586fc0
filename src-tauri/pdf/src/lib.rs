//! Afterword's printable PDF reports, typeset with [typst](https://typst.app) used as a library.
//!
//! The whole API is [`render`]: a [`Template`], the report's data as JSON, and back come the
//! bytes of an A4 PDF (or a [`PdfError`] saying in plain words what went wrong). The crate knows
//! nothing of the database: the core serializes the data below and this crate only typesets it.
//!
//! Inside, a small [`typst::World`] (`world.rs`) holds the template as the main source, the JSON
//! as a single virtual file `data.json` (the templates read it with `json("data.json")`), and the
//! fonts embedded at build time (`fonts.rs`: Inter for text, DejaVu Sans as the fallback for
//! scripts Inter lacks such as Hebrew or Arabic; CJK characters have no font and print as
//! boxes). Packages are refused, so nothing is ever downloaded. The templates are
//! `templates/contributors.typ` and `templates/recognition.typ`; every string from the data is
//! shown as text, never evaluated as markup, so a name such as `#panic("x")` prints as typed.
//!
//! # The data
//!
//! Common to both reports (every field required unless marked optional; strings may be empty):
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `title` | string | e.g. "Contributor report" |
//! | `subtitle` | string | the incident ("INC-2026-0042 · Phishing wave") or the period ("1 January 2026 – 31 March 2026") |
//! | `organisation` | string | own organisation, may be "" |
//! | `author` | string | may be "" |
//! | `generated_at` | string | a date already formatted for people ("7 December 2026") |
//! | `filters` | array of strings | human labels of the filters used ("Kinds: Phishing report"), may be empty |
//!
//! ## Contributors report ([`Template::Contributors`])
//!
//! ```json
//! {
//!   "title": "Contributor report", "subtitle": "1 January 2026 – 31 March 2026",
//!   "organisation": "Example Corp", "author": "Ana Analyst", "generated_at": "7 December 2026",
//!   "filters": ["Kinds: Phishing report"],
//!   "include_internal": false,
//!   "totals": {"incidents": 12, "contributions": 40, "contributors": 25,
//!              "thanked": 20, "queued": 3, "not_thanked": 17},
//!   "by_group_heading": "Contributions by organisation",
//!   "by_group": [{"label": "Example Corp", "count": 30}],
//!   "by_role": [{"label": "Finder / reporter", "count": 12}],
//!   "incidents": [{
//!     "reference": "INC-2026-0042", "title": "Phishing wave", "kind": "Phishing report",
//!     "status": "Closed", "severity": "High", "tlp": "amber", "tlp_label": "TLP:AMBER",
//!     "opened_on": "2026-03-01", "closed_on": "2026-03-04",
//!     "summary": "Internal summary",
//!     "contributions": [{
//!       "contributor": "Jane Doe", "pseudonymous": false,
//!       "organisation": "Example Corp", "team": "IT Operations", "role": "Finder / reporter",
//!       "what": "Forwarded the mail", "impact": "Let us block the sender",
//!       "given_on": "2026-03-01", "thanked": "thanked", "thanked_on": "2026-03-05",
//!       "notes": "Internal notes"
//!     }]
//!   }]
//! }
//! ```
//!
//! - `totals.thanked + queued + not_thanked` counts contributions by thank-you state and is
//!   drawn as one stacked bar; it need not add up to `contributions`.
//! - `by_group` / `by_role` are sorted by count, largest first; the charts show the first ten
//!   and sum the rest into "Other". Empty lists print a sentence instead of a chart.
//! - `tlp` is one of `clear`, `green`, `amber`, `amber+strict`, `red` (anything else is drawn
//!   grey); `tlp_label` is printed as given ("TLP:AMBER+STRICT"). It is shown in the page header
//!   of every page where that incident's details appear, one chip per incident on the page.
//! - `closed_on`, `given_on`, `thanked_on` may be `null` or missing. `thanked` is one of
//!   `thanked`, `queued`, `not_thanked`.
//! - `summary` (per incident) and `notes` (per contribution) are printed only when
//!   `include_internal` is `true`; they may be `null` or missing.
//! - `pseudonymous: true` marks a contributor shown under a pseudonym ("Contributor 3, IT
//!   Operations"): printed as given, in italics.
//!
//! ## Recognition report ([`Template::Recognition`])
//!
//! ```json
//! {
//!   "title": "Recognition report", "subtitle": "1 January 2026 – 31 December 2026",
//!   "organisation": "Example Corp", "author": "Ana Analyst", "generated_at": "7 December 2026",
//!   "filters": [],
//!   "totals": {"incidents": 120, "contributions": 400, "contributors": 90, "teams": 14},
//!   "people": [{
//!     "rank": 1, "contributor": "Jane Doe", "pseudonymous": false,
//!     "organisation": "Example Corp", "team": "IT Operations", "contributions": 14,
//!     "incidents": [{"reference": "INC-2026-0042", "title": "Phishing wave", "tlp_label": "TLP:GREEN"}],
//!     "roles": ["Finder / reporter", "Analyst"],
//!     "gave": ["forwarded the phishing mail", "proxy logs"]
//!   }],
//!   "teams": [{"team": "IT Operations", "organisation": "Example Corp",
//!              "contributions": 60, "people": 9, "incidents": 30}]
//! }
//! ```
//!
//! - `people` is ranked (sorted by `rank`); the chart shows the first ten, the table all of
//!   them. Each person's `gave` is cut to its first three items ("and 4 more"), `incidents` to
//!   the first six, each with a TLP chip coloured from its `tlp_label`.
//! - `teams` is sorted by contributions, largest first; the chart shows the first ten.
//!
//! # Speed
//!
//! A year's contributors report (9,646 incidents, 30,462 contributions, 1,281 pages in the
//! compact register) takes 7–9 s in a release build on two cores, 1.8 GB at peak: about 85 % of
//! it layout, the rest PDF export, and close to a third of all of it the kernel zeroing pages the
//! allocator gave back. See `examples/render.rs` (with `dev-templates`, `AFTERWORD_PDF_PHASES`
//! prints the phases) and `examples/generate.rs`.

mod fonts;
mod report_file;
mod world;

pub use report_file::save_report;

use std::fmt;

/// Which report to typeset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Template {
    /// Contributions per incident: cover with totals and charts, then one section per incident
    /// with a table of who gave what.
    Contributors,
    /// Who helped most over a period: ranked people and teams.
    Recognition,
}

impl Template {
    /// The report's name in plain words, used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Template::Contributors => "contributors report",
            Template::Recognition => "recognition report",
        }
    }

    pub(crate) fn source(self) -> &'static str {
        match self {
            Template::Contributors => include_str!("../templates/contributors.typ"),
            Template::Recognition => include_str!("../templates/recognition.typ"),
        }
    }
}

/// Why a report could not be made: the message reads as a sentence, and includes typst's own
/// diagnostics (message, the line of the template or of data.json, hints).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PdfError {
    message: String,
}

impl PdfError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }

    /// The whole message, as `Display` prints it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PdfError({:?})", self.message)
    }
}

/// Typesets `template` with `data_json` (the schema is in the crate's documentation) and returns
/// the PDF's bytes.
///
/// The work is CPU-bound and takes from tens of milliseconds (a few incidents) to seconds (ten
/// thousand): call it off the UI thread. It may run on several threads at once.
pub fn render(template: Template, data_json: &[u8]) -> Result<Vec<u8>, PdfError> {
    world::render(template, data_json)
}
