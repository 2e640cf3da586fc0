//! `afterword import`: people from a CSV export, a vCard file, a pasted To line (`-` reads
//! standard input) or a mailmerge project, through the same core the window uses.
//!
//! `--preview` classifies every row and writes nothing. Rows are printed as they are read, so a
//! million-row file streams: text output is one line per row (`row 3  new  email  name — why`);
//! `--json` prints `{"rows": [...], "new": N, "updated": N, "duplicate": N, "invalid": N, …}`.
//! Exit status 0 when the source was read (invalid rows are reported, not fatal); 1 when it
//! cannot be read as any supported format, with the reason on stderr (and, when rows had
//! already been printed, as `"error"` closing the JSON document).

use crate::output::Printer;
use afterword_core::exchange::import::*;
use afterword_core::{Audience, Error, Result, Store};
use clap::Args;
use serde_json::json;
use std::io::{IsTerminal, Read, Write};

#[derive(Args)]
pub struct ImportArgs {
    /// The file (or a mailmerge project's folder); - reads standard input.
    pub file: String,
    /// Classify every row and write nothing.
    #[arg(long)]
    pub preview: bool,
    /// csv, vcard, text (a To line) or mailmerge; detected when not given.
    #[arg(long, value_parser = parse_format)]
    pub format: Option<ImportFormat>,
    /// Map a CSV column to a person field, e.g. --map "Work Mail=email" (fields: name,
    /// first_name, middle_name, last_name, preferred_name, email, organisation, team, job_title,
    /// notes; "none" leaves a column out). Other columns keep the guess.
    #[arg(long, value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// The audience of every new person, instead of guessing it from their organisation.
    #[arg(long, value_parser = |s: &str| Audience::parse(s).ok_or_else(|| format!("'{s}' is not one of: {}", Audience::choices())))]
    pub audience: Option<Audience>,
    /// Replace the details of known people where the file differs (by default only empty
    /// fields are filled in).
    #[arg(long)]
    pub overwrite: bool,
}

fn parse_format(text: &str) -> Result<ImportFormat, String> {
    ImportFormat::parse(text).ok_or_else(|| format!("'{text}' is not one of: csv, vcard, text, mailmerge"))
}

pub fn run(store: &Store, out: &Printer, args: ImportArgs) -> Result<()> {
    let source = if args.file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|source| Error::Io { context: "Could not read standard input".into(), source })?;
        ImportSource::Text { text }
    } else {
        ImportSource::File { path: args.file.clone() }
    };
    let mut request = ImportRequest::new(source);
    request.format = args.format;
    request.audience = args.audience;
    request.overwrite = args.overwrite;
    if !args.map.is_empty() {
        let summary = store.inspect_import(&request)?;
        request.mapping = Some(apply_map(&summary, &args.map)?);
    }
    let mut printer = RowPrinter::new(out.json, args.preview);
    let result = if args.preview {
        store.preview_import(&request, &mut printer).map(|preview| preview.summary)
    } else {
        store.import_people(&request, &mut printer).map(|report| {
            printer.template_id = report.template_id.clone();
            report.summary
        })
    };
    printer.finish_progress();
    match result {
        Ok(summary) => {
            printer.end(&summary, args.preview);
            Ok(())
        }
        Err(error) => {
            printer.abandon(&error);
            Err(error)
        }
    }
}

/// The guessed mapping with the `--map COLUMN=FIELD` changes applied.
fn apply_map(summary: &ImportSummary, changes: &[String]) -> Result<Vec<Option<PersonField>>> {
    if summary.columns.is_empty() {
        return Err(Error::invalid("map", "--map is for CSV files: this source has no columns."));
    }
    let mut mapping = summary.mapping.clone();
    for change in changes {
        let Some((column, field)) = change.rsplit_once('=') else {
            return Err(Error::invalid(
                "map",
                format!("--map {change}: write COLUMN=FIELD, e.g. \"Work Mail=email\"."),
            ));
        };
        let Some(index) = summary.columns.iter().position(|c| c.eq_ignore_ascii_case(column.trim())) else {
            return Err(Error::invalid(
                "map",
                format!(
                    "--map {change}: the file has no column “{}”. Its columns: {}.",
                    column.trim(),
                    summary.columns.join(", ")
                ),
            ));
        };
        let field = field.trim();
        let parsed = if field.eq_ignore_ascii_case("none") {
            None
        } else {
            Some(serde_json::from_value::<PersonField>(json!(field.to_ascii_lowercase())).map_err(|_| {
                Error::invalid("map", format!("--map {change}: “{field}” is not a person field (see --help)."))
            })?)
        };
        // A field moved to this column leaves the column it was guessed for.
        if let Some(f) = parsed {
            for slot in mapping.iter_mut() {
                if *slot == Some(f) && f != PersonField::Notes {
                    *slot = None;
                }
            }
        }
        mapping[index] = parsed;
    }
    Ok(mapping)
}

/// Prints each row as it is classified: a text line, or one element of the JSON `rows` array.
struct RowPrinter {
    json: bool,
    preview: bool,
    out: std::io::BufWriter<std::io::Stdout>,
    rows: u64,
    progress_shown: bool,
    template_id: Option<String>,
}

impl RowPrinter {
    fn new(json: bool, preview: bool) -> Self {
        RowPrinter {
            json,
            preview,
            out: std::io::BufWriter::new(std::io::stdout()),
            rows: 0,
            progress_shown: false,
            template_id: None,
        }
    }

    fn write(&mut self, text: &str) {
        // A closed pipe (`| head`) ends the command quietly, as main's panic hook does.
        if self.out.write_all(text.as_bytes()).is_err() {
            std::process::exit(141);
        }
    }

    fn finish_progress(&mut self) {
        if self.progress_shown {
            eprint!("\r\x1b[K");
            self.progress_shown = false;
        }
    }

    /// The source stopped being readable after some rows went out: the JSON document is closed
    /// with the error (nothing was written to the database), so it still parses.
    fn abandon(&mut self, error: &Error) {
        if self.json && self.rows > 0 {
            let tail = json!({ "error": { "code": error.code(), "message": error.to_string() } }).to_string();
            self.write(&format!("\n], {}\n", &tail[1..]));
        }
        let _ = self.out.flush();
    }

    fn end(&mut self, summary: &ImportSummary, preview: bool) {
        let c = summary.counts;
        if self.json {
            let tail = json!({
                "new": c.new,
                "updated": c.updated,
                "duplicate": c.duplicate,
                "invalid": c.invalid,
                "preview": preview,
                "format": summary.format,
                "source": summary.source_label,
                "encoding": summary.encoding,
                "template": summary.template,
                "template_id": self.template_id,
            });
            let tail = tail.to_string();
            // The rows went out as they came; an empty source never opened the array.
            let open = if self.rows == 0 { "{\"rows\": [" } else { "" };
            self.write(&format!("{open}\n], {}\n", &tail[1..]));
        } else {
            let verb = if preview { "would import" } else { "imported" };
            let line = format!(
                "{} ({}, {}): {verb} {} new, {} updated; {} duplicate, {} invalid\n",
                summary.source_label,
                summary.format.label(),
                summary.encoding,
                c.new,
                c.updated,
                c.duplicate,
                c.invalid
            );
            self.write(&line);
            if let Some(plan) = &summary.template {
                let state = match (&plan.problem, plan.exists, &self.template_id) {
                    (Some(problem), _, _) => format!("not saved: {problem}"),
                    (None, true, _) => "already there, not added again".into(),
                    (None, false, Some(_)) => "saved".into(),
                    (None, false, None) => "will be saved".into(),
                };
                self.write(&format!("template “{}”: {state}\n", plan.name));
                for warning in &plan.warnings {
                    self.write(&format!("  note: {warning}\n"));
                }
            }
        }
        let _ = self.out.flush();
    }
}

impl ImportObserver for RowPrinter {
    fn row(&mut self, row: &ImportRow) {
        self.rows += 1;
        if self.json {
            let value = json!({
                "row": row.row,
                "email": row.email,
                "name": row.name,
                "class": row.class,
                "reason": row.reason,
                "audience": row.audience,
                "person_id": row.person_id,
            });
            let sep = if self.rows == 1 { "{\"rows\": [\n  " } else { ",\n  " };
            self.write(&format!("{sep}{value}"));
        } else if self.preview || row.class == RowClass::Invalid {
            let class = match row.class {
                RowClass::New => "new",
                RowClass::Updated => "updated",
                RowClass::Duplicate => "duplicate",
                RowClass::Invalid => "invalid",
            };
            let line = format!("{:>7}  {class:<9}  {:<36}  {} — {}\n", row.row, row.email, row.name, row.reason);
            self.write(&line);
        }
    }

    fn progress(&mut self, progress: &ImportProgress) -> bool {
        if std::io::stderr().is_terminal() {
            let share = progress.total_bytes.filter(|t| *t > 0.0).map(|t| progress.bytes / t * 100.0);
            match share {
                Some(share) => eprint!("\r{} rows read ({share:.0} %)…", progress.rows),
                None => eprint!("\r{} rows read…", progress.rows),
            }
            self.progress_shown = true;
        }
        true
    }
}
