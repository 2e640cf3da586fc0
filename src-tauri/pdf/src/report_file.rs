//! [`save_report`]: a report in any format written to a file, the one way the CLI and the window
//! both save one. The text formats come from the core; the PDF is typeset here from the same
//! document.

use crate::{render, Template};
use afterword_core::reports::{write_atomically, write_report, ReportFilter, ReportFormat, ReportKind};
use afterword_core::{Error, Result, Store};
use std::io::Write;
use std::path::Path;

/// Writes the report to `path` through a temporary file renamed into place when complete;
/// returns its lines of detail (contributions, or ranked people).
pub fn save_report(
    store: &Store,
    kind: ReportKind,
    filter: &ReportFilter,
    format: ReportFormat,
    path: &Path,
) -> Result<u64> {
    if format != ReportFormat::Pdf {
        return write_atomically(path, |file| write_report(store, kind, filter, format, file));
    }
    let (pdf, lines) = match kind {
        ReportKind::Contributors => {
            let document = store.contributor_document(filter)?;
            (typeset(Template::Contributors, &document)?, u64::from(document.summary.totals.contributions))
        }
        ReportKind::Recognition { top } => {
            let document = store.recognition_report(filter, top)?;
            (typeset(Template::Recognition, &document)?, document.people.len() as u64)
        }
    };
    write_atomically(path, |file| {
        file.write_all(&pdf)
            .map_err(|source| Error::Io { context: format!("Could not write {}", path.display()), source })
    })?;
    Ok(lines)
}

fn typeset(template: Template, document: &impl serde::Serialize) -> Result<Vec<u8>> {
    let data = serde_json::to_vec(document)
        .map_err(|e| Error::Io { context: "Could not prepare the PDF report".into(), source: e.into() })?;
    render(template, &data).map_err(|e| Error::Io {
        context: format!("Could not typeset the {}", template.name()),
        source: std::io::Error::other(e.to_string()),
    })
}
