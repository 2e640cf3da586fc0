//! The command line's shape ([`Cli`], [`Command`]) and the handlers that call the core.

use crate::output::Printer;
use afterword_core::*;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "afterword", version, about = "Track who helped during an incident, and thank them.")]
pub struct Cli {
    /// Folder holding afterword.db (default: the OS data folder, or $AFTERWORD_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Incidents: list, add, show, status.
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// People: list (search), add, show.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Contributions: add, quick.
    #[command(subcommand)]
    Contribution(ContributionCommand),
    /// The sender identity and own organisation: show, set KEY VALUE.
    #[command(subcommand)]
    Settings(crate::compose::SettingsCommand),
    /// An incident's outcome, in TLP-labelled sections: add, list.
    #[command(subcommand)]
    Outcome(crate::compose::OutcomeCommand),
    /// Thank-you messages: generate, list, approve, skip.
    #[command(subcommand)]
    Messages(crate::compose::MessagesCommand),
    /// The mail server messages leave through: set, show, test, sign-in, sign-out.
    #[command(subcommand)]
    Smtp(crate::outbox::SmtpCommand),
    /// Delivery: queue, send, status, resolve, cancel, retry.
    #[command(subcommand)]
    Outbox(crate::outbox::OutboxCommand),
    /// Dry run: write one .eml per message that is not skipped to a folder.
    Render(crate::compose::RenderArgs),
    /// The empathy check on a draft: FILE, or - for standard input. Exit 0: nothing found;
    /// 1: findings; 2: the check could not run.
    CheckTone(CheckToneArgs),
    /// Bring people in from a CSV export (Outlook, Google, Thunderbird, any CSV with a header),
    /// a vCard file, a To line (FILE or - for standard input) or a mailmerge project. Shows
    /// what each row becomes; --preview writes nothing.
    Import(crate::import::ImportArgs),
    /// Contributor and recognition reports as CSV, JSON, Markdown or PDF.
    #[command(subcommand)]
    Report(crate::report::ReportCommand),
    /// Who changed what, when: an incident's or a person's history, newest first.
    History(crate::report::HistoryArgs),
    /// Back the database up to FILE: a checked SQLite copy, safe to take while the app runs.
    Backup(crate::backup::FileArgs),
    /// Replace the database with the backup FILE once it is checked (a damaged or newer file is
    /// refused); the database as it was is kept in backups/.
    Restore(crate::backup::FileArgs),
    /// Write every table to FILE as one JSON document, for moving to another machine.
    ExportAll(crate::backup::FileArgs),
    /// Load a document written by export-all into an empty database (or --replace).
    ImportAll(crate::backup::ImportAllArgs),
    /// Load the example incident (as offered on the app's first run).
    Example,
    /// Fill the database with a synthetic dataset for benchmarks.
    Generate(GenerateArgs),
    /// Print the database's path.
    Where,
}

/// Parses a closed-set value, listing the accepted spellings on error.
macro_rules! choice {
    ($ty:ty) => {
        |s: &str| <$ty>::parse(s).ok_or_else(|| format!("'{s}' is not one of: {}", <$ty>::choices()))
    };
}

#[derive(Subcommand)]
pub enum IncidentCommand {
    /// List incidents, newest first.
    List {
        #[arg(long, value_parser = choice!(Status))]
        status: Vec<Status>,
        #[arg(long, value_parser = choice!(IncidentKind))]
        kind: Vec<IncidentKind>,
        /// Words to find in reference, title or summary (every word, in any order).
        #[arg(long, default_value = "")]
        text: String,
        /// How many incidents to show (default 200).
        #[arg(long)]
        limit: Option<u32>,
        /// How many matching incidents to skip first (for the next page).
        #[arg(long)]
        offset: Option<u32>,
    },
    /// Create an incident.
    Add {
        #[arg(long)]
        title: String,
        /// Default: the next INC-YYYY-NNNN.
        #[arg(long, default_value = "")]
        reference: String,
        #[arg(long, value_parser = choice!(IncidentKind))]
        kind: Option<IncidentKind>,
        #[arg(long, value_parser = choice!(Severity))]
        severity: Option<Severity>,
        #[arg(long, value_parser = choice!(Tlp))]
        tlp: Option<Tlp>,
        /// YYYY-MM-DD (default: today).
        #[arg(long, default_value = "")]
        opened_on: String,
        #[arg(long, default_value = "")]
        summary: String,
    },
    /// Show an incident (by reference or id) with its contributions.
    Show { incident: String },
    /// Change an incident's status.
    Status {
        incident: String,
        #[arg(value_parser = choice!(Status))]
        status: Status,
        /// Close even if some contributors are neither thanked nor skipped.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
pub enum PersonCommand {
    /// List people, or search them (prefix match on name, email, organisation, team).
    List {
        #[arg(default_value = "")]
        query: String,
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Add a person.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        preferred_name: String,
        #[arg(long, default_value = "")]
        organisation: String,
        #[arg(long, default_value = "")]
        team: String,
        #[arg(long, default_value = "")]
        job_title: String,
        #[arg(long, value_parser = choice!(Audience))]
        audience: Option<Audience>,
        #[arg(long, value_parser = choice!(TechnicalLevel))]
        technical_level: Option<TechnicalLevel>,
        /// Never name this person in reports.
        #[arg(long)]
        anonymous: bool,
        /// Never send this person mail.
        #[arg(long)]
        do_not_contact: bool,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// Show a person (by email or id) with all their contributions.
    Show { person: String },
}

#[derive(Subcommand)]
pub enum ContributionCommand {
    /// Record what a person gave on an incident.
    Add {
        /// Incident reference or id.
        #[arg(long)]
        incident: String,
        /// The person's email or id.
        #[arg(long)]
        person: String,
        #[arg(long)]
        what: String,
        #[arg(long, value_parser = choice!(CreditRole))]
        role: Option<CreditRole>,
        /// YYYY-MM-DD.
        #[arg(long, default_value = "")]
        given_on: String,
        #[arg(long, default_value = "")]
        impact: String,
        #[arg(long, default_value = "")]
        constraints: String,
    },
    /// The app's quick-add line: "jane@corp.com — proxy logs 1–3 Nov". An unknown email needs --name.
    Quick {
        incident: String,
        line: String,
        /// Name for a person not known yet.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Args)]
pub struct GenerateArgs {
    #[arg(long, default_value_t = 10_000)]
    incidents: u32,
    #[arg(long, default_value_t = 200_000)]
    people: u32,
    #[arg(long, default_value_t = 1_000_000)]
    contributions: u32,
    /// Contributors on incident GEN-000001.
    #[arg(long, default_value_t = 5_000)]
    crowded: u32,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

#[derive(Args)]
pub struct CheckToneArgs {
    /// Who will read it; decides which jargon counts and how plain it must read.
    #[arg(long, value_parser = choice!(Audience))]
    pub audience: Audience,
    /// Extra tone rules (JSON, the shape of the built-in rules/tone.json).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// An outcome text the draft should include (repeatable); when one appears, the outcome is there.
    #[arg(long = "outcome", value_name = "TEXT")]
    pub outcome: Vec<String>,
    /// The draft (Markdown or plain text); - reads standard input.
    #[arg(value_name = "FILE")]
    pub file: String,
}

impl From<GenerateArgs> for GenerateSpec {
    fn from(a: GenerateArgs) -> Self {
        GenerateSpec {
            incidents: a.incidents,
            people: a.people,
            contributions: a.contributions,
            crowded: a.crowded,
            seed: a.seed,
        }
    }
}

pub fn run_incident(store: &Store, out: &Printer, command: IncidentCommand) -> Result<()> {
    match command {
        IncidentCommand::List { status, kind, text, limit, offset } => {
            let filter = IncidentFilter { statuses: status, kinds: kind, text, limit, offset };
            out.incidents(&store.list_incidents(&filter)?, offset.unwrap_or(0))
        }
        IncidentCommand::Add { title, reference, kind, severity, tlp, opened_on, summary } => {
            out.incident(&store.create_incident(&IncidentInput {
                reference,
                title,
                kind,
                severity,
                tlp,
                opened_on,
                summary,
            })?)
        }
        IncidentCommand::Show { incident } => out.incident_detail(&store.incident_detail(&incident)?),
        IncidentCommand::Status { incident, status, force } => {
            let id = store.incident(&incident)?.id;
            out.incident(&store.set_incident_status(&id, status, force)?)
        }
    }
}

pub fn run_person(store: &Store, out: &Printer, command: PersonCommand) -> Result<()> {
    match command {
        PersonCommand::List { query, limit } => out.people(&store.search_people(&query, limit)?),
        PersonCommand::Add {
            name,
            email,
            preferred_name,
            organisation,
            team,
            job_title,
            audience,
            technical_level,
            anonymous,
            do_not_contact,
            notes,
        } => out.person(&store.create_person(&PersonInput {
            name,
            preferred_name,
            email,
            organisation,
            team,
            job_title,
            audience,
            technical_level,
            may_be_named: !anonymous,
            do_not_contact,
            notes,
        })?),
        PersonCommand::Show { person } => {
            let id = find_person(store, &person)?;
            out.person_detail(&store.person_detail(&id)?)
        }
    }
}

pub fn run_contribution(store: &Store, out: &Printer, command: ContributionCommand) -> Result<()> {
    match command {
        ContributionCommand::Add { incident, person, what, role, given_on, impact, constraints } => {
            let incident_id = store.incident(&incident)?.id;
            let person_id = find_person(store, &person)?;
            out.contribution(&store.add_contribution(&ContributionInput {
                incident_id,
                person_id,
                role,
                what,
                given_on,
                impact,
                constraints,
            })?)
        }
        ContributionCommand::Quick { incident, line, name } => {
            let incident_id = store.incident(&incident)?.id;
            let new_person = name.map(|name| PersonInput { name, ..PersonInput::default() });
            let outcome = store.quick_add(&QuickAddRequest { incident_id, line, new_person })?;
            out.contribution(&outcome.contribution)
        }
    }
}

/// A person by email (when it has an '@') or by id.
fn find_person(store: &Store, key: &str) -> Result<String> {
    if key.contains('@') {
        store.person_by_email(key)?.map(|p| p.id).ok_or_else(|| {
            Error::NotFound(format!("Nobody with the email {key} is known; add them with `afterword person add`."))
        })
    } else {
        Ok(store.person(key)?.id)
    }
}
