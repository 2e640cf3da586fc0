//! The compose commands: `settings`, `outcome`, `messages` and `render` ([`SettingsCommand`],
//! [`OutcomeCommand`], [`MessagesCommand`], [`RenderArgs`]) and how their results print.

use crate::output::Printer;
use afterword_core::compose::*;
use afterword_core::*;
use clap::{Args, Subcommand};
use std::path::PathBuf;

macro_rules! choice {
    ($ty:ty) => {
        |s: &str| <$ty>::parse(s).ok_or_else(|| format!("'{s}' is not one of: {}", <$ty>::choices()))
    };
}

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Print the sender identity and the own organisation.
    Show,
    /// Set one value: sender.name, sender.email, organisation or signature (empty clears it).
    Set { key: String, value: String },
}

#[derive(Subcommand)]
pub enum OutcomeCommand {
    /// Add a section to an incident's outcome.
    Add {
        /// Incident reference or id.
        #[arg(long)]
        incident: String,
        /// clear, green, amber, amber+strict or red (default: the incident's TLP).
        #[arg(long, value_parser = choice!(Tlp))]
        tlp: Option<Tlp>,
        #[arg(long, default_value = "")]
        heading: String,
        /// For TLP:RED: an email of someone who may see it (repeat for several).
        #[arg(long = "for", value_name = "EMAIL")]
        readers: Vec<String>,
        /// The section's text (Markdown).
        text: String,
    },
    /// List an incident's outcome sections in order.
    List {
        #[arg(long)]
        incident: String,
    },
}

#[derive(Subcommand)]
pub enum MessagesCommand {
    /// Create a draft for every contributor (kept: existing messages, their edits and Message-IDs).
    Generate {
        #[arg(long)]
        incident: String,
    },
    /// List an incident's messages and their states.
    List {
        #[arg(long)]
        incident: String,
    },
    /// Approve drafts: one (--person) or all. Drafts with tone findings need --acknowledge-findings.
    Approve {
        #[arg(long)]
        incident: String,
        /// Only this recipient's message (email).
        #[arg(long)]
        person: Option<String>,
        #[arg(long)]
        acknowledge_findings: bool,
    },
    /// Skip one recipient's message, with the reason.
    Skip {
        #[arg(long)]
        incident: String,
        #[arg(long)]
        person: String,
        #[arg(long)]
        reason: String,
    },
}

/// `render --incident REF --out DIR`: one .eml per message that is not skipped.
#[derive(Args)]
pub struct RenderArgs {
    #[arg(long)]
    incident: String,
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run_settings(store: &Store, out: &Printer, command: SettingsCommand) -> Result<()> {
    let settings = match command {
        SettingsCommand::Show => store.settings()?,
        SettingsCommand::Set { key, value } => store.set_setting(SettingKey::parse(&key)?, &value)?,
    };
    out.either(&settings, || {
        for key in SettingKey::ALL {
            let value = settings.value(*key);
            let shown = if value.is_empty() { "(not set)".to_string() } else { value.replace('\n', "\n    ") };
            println!("{:<13} {shown}", key.as_str());
        }
    })
}

pub fn run_outcome(store: &Store, out: &Printer, command: OutcomeCommand) -> Result<()> {
    match command {
        OutcomeCommand::Add { incident, tlp, heading, readers, text } => {
            let section =
                store.add_outcome_section(&incident, &OutcomeSectionInput { heading, body: text, tlp, readers })?;
            out.either(&section, || print_section(&section))
        }
        OutcomeCommand::List { incident } => {
            let sections = store.outcome(&incident)?;
            out.either(&sections, || {
                if sections.is_empty() {
                    println!("(no outcome yet)");
                }
                sections.iter().for_each(print_section);
            })
        }
    }
}

fn print_section(s: &OutcomeSection) {
    let heading = if s.heading.is_empty() { "(no heading)" } else { &s.heading };
    println!("{}. [{}] {heading}", s.position + 1, s.tlp.label());
    if !s.readers.is_empty() {
        let names: Vec<String> = s.readers.iter().map(|r| format!("{} <{}>", r.name, r.email)).collect();
        println!("   only for: {}", names.join(", "));
    }
    for line in s.body.lines() {
        println!("   {line}");
    }
}

pub fn run_messages(store: &Store, out: &Printer, command: MessagesCommand) -> Result<()> {
    match command {
        MessagesCommand::Generate { incident } => {
            let report = store.generate_messages(&incident)?;
            out.either(&report, || {
                println!(
                    "{} created, {} kept, {} skipped (do not contact), {} back to draft, {} removed",
                    report.created,
                    report.kept,
                    report.skipped_do_not_contact,
                    report.returned_to_draft,
                    report.removed
                );
                for w in &report.warnings {
                    println!("warning: {w}");
                }
            })
        }
        MessagesCommand::List { incident } => {
            let messages = store.messages(&incident)?;
            out.either(&messages, || {
                for m in &messages {
                    let note =
                        if m.state == MessageState::Skipped { format!("  ({})", m.skip_reason) } else { String::new() };
                    let edited = if m.edited { " (edited)" } else { "" };
                    println!(
                        "{:<9} {:<32} {:<28} {}{edited}{note}",
                        m.state.label(),
                        m.person_email,
                        m.person_name,
                        m.template_name
                    );
                }
                println!("({} messages)", messages.len());
            })
        }
        MessagesCommand::Approve { incident, person, acknowledge_findings } => match person {
            Some(email) => {
                let message = find_message(store, &incident, &email)?;
                let approved = store.approve_message(&message.id, acknowledge_findings)?;
                out.either(&approved, || println!("approved the message to {}", approved.person_email))
            }
            None => {
                let report = store.approve_all_messages(&incident, acknowledge_findings)?;
                out.either(&report, || {
                    println!("{} approved", report.approved);
                    for m in &report.need_acknowledgement {
                        println!(
                            "left as draft: {} has tone findings (see them in the app, or pass --acknowledge-findings)",
                            m.person_email
                        );
                    }
                    for b in &report.blocked {
                        println!("not approved: {}: {}", b.message.person_email, b.reason);
                    }
                })?;
                if report.need_acknowledgement.is_empty() && report.blocked.is_empty() {
                    Ok(())
                } else {
                    Err(Error::NeedsConfirmation(format!(
                        "{} message(s) were not approved ({} with tone findings, {} blocked).",
                        report.need_acknowledgement.len() + report.blocked.len(),
                        report.need_acknowledgement.len(),
                        report.blocked.len()
                    )))
                }
            }
        },
        MessagesCommand::Skip { incident, person, reason } => {
            let message = find_message(store, &incident, &person)?;
            let skipped = store.skip_message(&message.id, &reason)?;
            out.either(&skipped, || {
                println!("skipped the message to {}: {}", skipped.person_email, skipped.skip_reason)
            })
        }
    }
}

fn find_message(store: &Store, incident: &str, email: &str) -> Result<MessageSummary> {
    let wanted = email.trim().to_lowercase();
    store.messages(incident)?.into_iter().find(|m| m.person_email.to_lowercase() == wanted).ok_or_else(|| {
        Error::NotFound(format!("No message to {email} on {incident}; run `afterword messages generate` first."))
    })
}

pub fn run_render(store: &Store, out: &Printer, args: RenderArgs) -> Result<()> {
    let report = store.render_messages(&args.incident, &args.out)?;
    out.either(&report, || {
        println!("{} written to {}, {} skipped", report.written, report.folder, report.skipped);
        if report.findings > 0 {
            println!("{} tone finding(s) in {} message(s)", report.findings, report.messages_with_findings);
        }
        for p in &report.problems {
            println!("not rendered: {}: {}", p.person_email, p.message);
        }
    })?;
    match report.problems.len() {
        0 => Ok(()),
        n => Err(Error::Invalid {
            field: "messages",
            message: format!("{n} message(s) could not be rendered; see above."),
        }),
    }
}
