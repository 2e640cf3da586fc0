//! Choosing a report and a format ([`ReportKind`], [`ReportFormat`]), writing the text formats
//! ([`write_report`]) and writing any report to a file so a failure never leaves part of it
//! behind ([`write_atomically`]).

use super::{csv_out, json_out, markdown, ReportFilter};
use crate::error::{Error, Result};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::io::{BufWriter, Write};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ReportKind {
    Contributors,
    /// `top`: how many people to rank (0: everyone who helped).
    Recognition {
        top: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Csv,
    Json,
    Md,
    Pdf,
}

impl ReportFormat {
    pub const ALL: &'static [ReportFormat] =
        &[ReportFormat::Csv, ReportFormat::Json, ReportFormat::Md, ReportFormat::Pdf];

    pub fn parse(text: &str) -> Option<ReportFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(ReportFormat::Csv),
            "json" => Some(ReportFormat::Json),
            "md" | "markdown" => Some(ReportFormat::Md),
            "pdf" => Some(ReportFormat::Pdf),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Csv => "csv",
            ReportFormat::Json => "json",
            ReportFormat::Md => "md",
            ReportFormat::Pdf => "pdf",
        }
    }

    /// The format a file name asks for by its extension.
    pub fn from_path(path: &Path) -> Option<ReportFormat> {
        path.extension().and_then(|e| e.to_str()).and_then(ReportFormat::parse)
    }
}

/// Writes a report in a text format (CSV, JSON, Markdown) to `out`; returns how many lines of
/// detail it holds (contributions, or ranked people). The PDF is drawn by the `afterword-pdf`
/// crate from [`Store::contributor_document`] or [`Store::recognition_report`].
pub fn write_report(
    store: &Store,
    kind: ReportKind,
    filter: &ReportFilter,
    format: ReportFormat,
    out: impl Write,
) -> Result<u64> {
    let out = BufWriter::with_capacity(256 * 1024, out);
    match (kind, format) {
        (_, ReportFormat::Pdf) => {
            Err(Error::invalid("format", "A PDF is drawn by the PDF renderer, not written as text."))
        }
        (ReportKind::Contributors, ReportFormat::Csv) => csv_out::write_contributors(store, filter, out),
        (ReportKind::Contributors, ReportFormat::Json) => json_out::write_contributors(store, filter, out),
        (ReportKind::Contributors, ReportFormat::Md) => markdown::write_contributors(store, filter, out),
        (ReportKind::Recognition { top }, format) => {
            let report = store.recognition_report(filter, top)?;
            match format {
                ReportFormat::Csv => csv_out::write_recognition(&report, out),
                ReportFormat::Json => json_out::write_recognition(&report, out),
                _ => markdown::write_recognition(&report, out),
            }
        }
    }
}

/// Writes `path` through a temporary file in the same folder, flushed to disk and renamed into
/// place only when `write` succeeded: a failed or cancelled report leaves any earlier file as it
/// was and no partial file behind.
pub fn write_atomically<T>(path: &Path, write: impl FnOnce(&mut std::fs::File) -> Result<T>) -> Result<T> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let io = |context: String| move |source| Error::Io { context, source };
    if path.is_dir() {
        return Err(Error::invalid(
            "out",
            format!("{} is a folder; give a file name to save the report as.", path.display()),
        ));
    }
    let mut temp = tempfile::Builder::new()
        .prefix(".afterword-report-")
        .tempfile_in(folder)
        .map_err(io(format!("Could not write in the folder {}", folder.display())))?;
    let value = write(temp.as_file_mut())?;
    temp.as_file().sync_all().map_err(io(format!("Could not save {}", path.display())))?;
    temp.persist(path)
        .map_err(|e| Error::Io { context: format!("Could not save {}", path.display()), source: e.error })?;
    Ok(value)
}
