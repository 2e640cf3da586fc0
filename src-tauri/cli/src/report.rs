//! `afterword report contributors|recognition` and `afterword history`.
//!
//! Reports are written with `--out FILE` (through a temporary file, renamed into place when
//! complete) or, for the text formats, to standard output when `--out` is left out. The format
//! comes from `--format`, else from the file's extension. `afterword_pdf::save_report` writes
//! every format (the PDF drawn from the same document the others show), as the window does.

use crate::output::Printer;
use afterword_core::reports::*;
use afterword_core::{Error, IncidentKind, Result, Status, Store};
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::PathBuf;

macro_rules! choice {
    ($ty:ty) => {
        |s: &str| <$ty>::parse(s).ok_or_else(|| format!("'{s}' is not one of: {}", <$ty>::choices()))
    };
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Who helped, with their credit role, what they gave, its impact and whether they were
    /// thanked: for one incident, or for a period and filters.
    Contributors {
        /// One incident (reference or id).
        #[arg(long, conflicts_with_all = ["from", "to"])]
        incident: Option<String>,
        /// One person's contributions (email or id).
        #[arg(long)]
        person: Option<String>,
        #[command(flatten)]
        scope: ScopeArgs,
        /// What the "contributions by …" chart groups on: organisation or team.
        #[arg(long, default_value = "organisation", value_parser = |s: &str| GroupBy::parse(s).ok_or_else(|| format!("'{s}' is not one of: organisation, team")))]
        group_by: GroupBy,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The top contributors of a period, by person and by team, with their incidents and what
    /// they gave.
    Recognition {
        #[command(flatten)]
        scope: ScopeArgs,
        /// How many people to rank (0: everyone who helped).
        #[arg(long, default_value_t = 25)]
        top: u32,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(Args)]
pub struct ScopeArgs {
    /// First day of the period (YYYY-MM-DD): incidents opened on or after it.
    #[arg(long)]
    from: Option<String>,
    /// Last day of the period (YYYY-MM-DD): incidents opened on or before it.
    #[arg(long)]
    to: Option<String>,
    /// Only incidents of this kind (repeat for several).
    #[arg(long, value_parser = choice!(IncidentKind))]
    kind: Vec<IncidentKind>,
    /// Only incidents with this status (repeat for several).
    #[arg(long, value_parser = choice!(Status))]
    status: Vec<Status>,
    /// Only contributors of this team (repeat for several; case ignored).
    #[arg(long)]
    team: Vec<String>,
    /// Only contributors of this organisation (repeat for several; case ignored).
    #[arg(long)]
    organisation: Vec<String>,
    /// Add the internal-only fields: internal summaries, notes on people, constraints.
    #[arg(long)]
    include_internal: bool,
}

#[derive(Args)]
pub struct OutputArgs {
    /// csv, json, md or pdf (default: from the --out file's extension).
    #[arg(long, value_parser = |s: &str| ReportFormat::parse(s).ok_or_else(|| format!("'{s}' is not one of: csv, json, md, pdf")))]
    format: Option<ReportFormat>,
    /// The file to write; without it a text format goes to standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

impl ScopeArgs {
    fn filter(self, incident: Option<String>, person: Option<String>, group_by: GroupBy) -> ReportFilter {
        ReportFilter {
            incident,
            person,
            from: self.from,
            to: self.to,
            kinds: self.kind,
            statuses: self.status,
            teams: self.team,
            organisations: self.organisation,
            include_internal: self.include_internal,
            group_by,
        }
    }
}

pub fn run(store: &Store, out: &Printer, command: ReportCommand) -> Result<()> {
    let (kind, filter, output) = match command {
        ReportCommand::Contributors { incident, person, scope, group_by, output } => {
            (ReportKind::Contributors, scope.filter(incident, person, group_by), output)
        }
        ReportCommand::Recognition { scope, top, output } => {
            if scope.from.is_none() || scope.to.is_none() {
                return Err(Error::invalid(
                    "from",
                    "A recognition report covers a period: give --from and --to (YYYY-MM-DD).",
                ));
            }
            (ReportKind::Recognition { top }, scope.filter(None, None, GroupBy::Team), output)
        }
    };
    let format = match (output.format, output.out.as_deref().and_then(ReportFormat::from_path)) {
        (Some(format), _) | (None, Some(format)) => format,
        (None, None) => {
            return Err(Error::invalid("format", "Say which format with --format csv, json, md or pdf."));
        }
    };
    let Some(path) = output.out else {
        if format == ReportFormat::Pdf {
            return Err(Error::invalid("out", "A PDF report needs a file: add --out FILE.pdf."));
        }
        let stdout = std::io::stdout();
        write_report(store, kind, &filter, format, stdout.lock())?;
        return Ok(());
    };
    let lines = afterword_pdf::save_report(store, kind, &filter, format, &path)?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let (name, unit) = match kind {
        ReportKind::Contributors => ("contributor", if lines == 1 { "contribution" } else { "contributions" }),
        ReportKind::Recognition { .. } => ("recognition", if lines == 1 { "person" } else { "people" }),
    };
    out.message(
        &format!("Wrote the {name} report ({lines} {unit}) to {}", path.display()),
        &json!({ "report": name, "format": format, "out": path, "lines": lines, "bytes": bytes }),
    )
}

#[derive(Args)]
pub struct HistoryArgs {
    /// An incident's history (reference or id).
    #[arg(long, conflicts_with = "person", required_unless_present = "person")]
    incident: Option<String>,
    /// A person's history (email or id).
    #[arg(long)]
    person: Option<String>,
}

pub fn history(store: &Store, out: &Printer, args: HistoryArgs) -> Result<()> {
    let entries = match (&args.incident, &args.person) {
        (Some(incident), _) => store.incident_history(incident)?,
        (None, Some(person)) => store.person_history(person)?,
        (None, None) => unreachable!("clap requires --incident or --person"),
    };
    if out.json {
        println!("{}", serde_json::to_string_pretty(&entries).expect("history serialises"));
        return Ok(());
    }
    if entries.is_empty() {
        println!("Nothing has been recorded yet.");
    }
    for entry in &entries {
        let at = entry.at.get(..16).unwrap_or(&entry.at).replace('T', " ");
        println!("{at}  {:<10}  {}", entry.actor, entry.summary);
    }
    Ok(())
}
