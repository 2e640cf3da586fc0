//! Reports as CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads the accents
//! right), every field quoted, and every field [`neutralise`]d against formula injection.

use super::contributors::ReportIncident;
use super::recognition::RecognitionDocument;
use super::scope::ReportFilter;
use crate::error::{Error, Result};
use crate::store::Store;
use std::borrow::Cow;
use std::io::Write;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A field a spreadsheet would read as a formula gets a leading apostrophe, as OWASP advises
/// for CSV injection: a leading `=`, `+`, `-`, `@`, tab or carriage return. The apostrophe
/// shows that the text was changed and makes the spreadsheet treat the cell as text.
pub fn neutralise(field: &str) -> Cow<'_, str> {
    match field.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{field}")),
        _ => Cow::Borrowed(field),
    }
}

fn writer<W: Write>(mut out: W) -> Result<csv::Writer<W>> {
    out.write_all(BOM).map_err(write_failed)?;
    Ok(csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).from_writer(out))
}

fn write_row<W: Write>(csv: &mut csv::Writer<W>, fields: &[&str]) -> Result<()> {
    for field in fields {
        csv.write_field(neutralise(field).as_bytes()).map_err(csv_failed)?;
    }
    csv.write_record(None::<&[u8]>).map_err(csv_failed)
}

const CONTRIBUTOR_HEADER: &[&str] = &[
    "Incident",
    "Incident title",
    "Kind",
    "Status",
    "Severity",
    "TLP",
    "Opened",
    "Closed",
    "Contributor",
    "Email",
    "Organisation",
    "Team",
    "Credit role",
    "What they gave",
    "Impact",
    "Given on",
    "Thanked",
    "Thanked on",
];
const INTERNAL_HEADER: &[&str] = &["Internal summary", "Notes on the person", "Constraints"];

/// Writes the contributor report as CSV, one line per contribution; returns how many.
pub fn write_contributors(store: &Store, filter: &ReportFilter, out: impl Write) -> Result<u64> {
    let mut csv = writer(out)?;
    let mut header = CONTRIBUTOR_HEADER.to_vec();
    if filter.include_internal {
        header.extend_from_slice(INTERNAL_HEADER);
    }
    write_row(&mut csv, &header)?;
    let written = store.each_report_incident(filter, |incident| write_incident(&mut csv, &incident))?;
    csv.flush().map_err(write_failed)?;
    Ok(written)
}

fn write_incident<W: Write>(csv: &mut csv::Writer<W>, incident: &ReportIncident) -> Result<()> {
    let closed = incident.closed_on.as_deref().unwrap_or("");
    for c in &incident.contributions {
        let mut fields = vec![
            incident.reference.as_str(),
            &incident.title,
            &incident.kind,
            &incident.status,
            &incident.severity,
            &incident.tlp_label,
            &incident.opened_on,
            closed,
            &c.contributor,
            c.email.as_deref().unwrap_or(""),
            &c.organisation,
            &c.team,
            &c.role,
            &c.what,
            &c.impact,
            c.given_on.as_deref().unwrap_or(""),
            c.thanked.label(),
            c.thanked_on.as_deref().unwrap_or(""),
        ];
        if let Some(summary) = &incident.summary {
            fields.push(summary);
            fields.push(c.notes.as_deref().unwrap_or(""));
            fields.push(c.constraints.as_deref().unwrap_or(""));
        }
        write_row(csv, &fields)?;
    }
    Ok(())
}

/// Writes the recognition report as CSV: one line per person, ranked; returns how many.
pub fn write_recognition(report: &RecognitionDocument, out: impl Write) -> Result<u64> {
    let mut csv = writer(out)?;
    write_row(
        &mut csv,
        &[
            "Rank",
            "Contributor",
            "Organisation",
            "Team",
            "Contributions",
            "Incidents",
            "Incident references",
            "Credit roles",
            "What they gave",
        ],
    )?;
    for person in &report.people {
        let (rank, contributions, incidents) =
            (person.rank.to_string(), person.contributions.to_string(), person.incident_count.to_string());
        let references = person.incidents.iter().map(|i| i.reference.as_str()).collect::<Vec<_>>().join("; ");
        write_row(
            &mut csv,
            &[
                &rank,
                &person.contributor,
                &person.organisation,
                &person.team,
                &contributions,
                &incidents,
                &references,
                &person.roles.join("; "),
                &person.gave.join("; "),
            ],
        )?;
    }
    csv.flush().map_err(write_failed)?;
    Ok(report.people.len() as u64)
}

fn csv_failed(error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(source) => write_failed(source),
        other => Error::Io {
            context: "Could not write the CSV report".into(),
            source: std::io::Error::other(format!("{other:?}")),
        },
    }
}

pub(crate) fn write_failed(source: std::io::Error) -> Error {
    Error::Io { context: "Could not write the report".into(), source }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn neutralises_every_formula_trigger_and_nothing_else() {
        for payload in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"] {
            assert_eq!(neutralise(payload), format!("'{payload}"), "{payload:?}");
        }
        for safe in ["Jane Doe", "", "a=b", " =not first", "'quoted", "42"] {
            assert_eq!(neutralise(safe), safe);
        }
    }
}
