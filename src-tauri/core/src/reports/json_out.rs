//! Reports as JSON. The contributor report streams: the summary's fields, then the incidents
//! one at a time, so a report of a million contributions is written in constant memory. The
//! document has the shape of [`super::ContributorDocument`].

use super::csv_out::write_failed;
use super::recognition::RecognitionDocument;
use super::scope::ReportFilter;
use crate::error::Result;
use crate::store::Store;
use std::io::Write;

/// Writes the contributor report as one JSON document; returns how many contributions.
pub fn write_contributors(store: &Store, filter: &ReportFilter, mut out: impl Write) -> Result<u64> {
    let summary = serde_json::to_string(&store.contributor_summary(filter)?).map_err(json_failed)?;
    // The summary is a non-empty object: reopen it to append the streamed incidents.
    let open = summary.strip_suffix('}').expect("a struct serialises as an object");
    write!(out, "{open},\"incidents\":[").map_err(write_failed)?;
    let mut first = true;
    let written = store.each_report_incident(filter, |incident| {
        if !std::mem::take(&mut first) {
            out.write_all(b",").map_err(write_failed)?;
        }
        serde_json::to_writer(&mut out, &incident).map_err(json_failed)
    })?;
    out.write_all(b"]}\n").map_err(write_failed)?;
    out.flush().map_err(write_failed)?;
    Ok(written)
}

/// Writes the recognition report as JSON; returns how many people it ranks.
pub fn write_recognition(report: &RecognitionDocument, mut out: impl Write) -> Result<u64> {
    serde_json::to_writer_pretty(&mut out, report).map_err(json_failed)?;
    out.write_all(b"\n").map_err(write_failed)?;
    out.flush().map_err(write_failed)?;
    Ok(report.people.len() as u64)
}

fn json_failed(error: serde_json::Error) -> crate::Error {
    write_failed(error.into())
}
