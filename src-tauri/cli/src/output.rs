//! How results are printed: [`Printer`] writes aligned text for people or JSON for scripts.

use afterword_core::*;
use serde::Serialize;

pub struct Printer {
    pub json: bool,
}

fn print_json(value: &impl Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("plain data serialises"));
}

impl Printer {
    pub(crate) fn either<T: Serialize>(&self, value: &T, text: impl FnOnce()) -> Result<()> {
        if self.json {
            print_json(value);
        } else {
            text();
        }
        Ok(())
    }

    pub fn message(&self, text: &str, json: &serde_json::Value) -> Result<()> {
        self.either(json, || println!("{text}"))
    }

    /// One page of incidents; `offset` is how many came before it.
    pub fn incidents(&self, page: &IncidentPage, offset: u32) -> Result<()> {
        self.either(page, || {
            for i in &page.incidents {
                println!(
                    "{:<18} {:<13} {:<8} {:<10} {:>3} people  {}",
                    i.reference,
                    i.status.label(),
                    i.severity.label(),
                    i.opened_on,
                    i.contributor_count,
                    i.title
                );
            }
            let shown = page.incidents.len() as u32;
            if page.total == 0 {
                println!("(no incidents)");
            } else if shown == 0 {
                println!("(no incidents after {offset} of {})", page.total);
            } else {
                println!("(incidents {}–{} of {})", offset + 1, offset + shown, page.total);
            }
        })
    }

    pub fn incident(&self, i: &Incident) -> Result<()> {
        self.either(i, || {
            println!("{}  {}", i.reference, i.title);
            println!(
                "  {} · {} · {} · {} · opened {}",
                i.kind.label(),
                i.severity.label(),
                i.status.label(),
                i.tlp.label(),
                i.opened_on
            );
            println!("  id {}", i.id);
        })
    }

    pub fn incident_detail(&self, d: &IncidentDetail) -> Result<()> {
        if self.json {
            print_json(d);
            return Ok(());
        }
        self.incident(&d.incident)?;
        if !d.incident.summary.is_empty() {
            println!("\n  {}", d.incident.summary);
        }
        println!("\n  {} contributions from {} people", d.incident.contribution_count, d.incident.contributor_count);
        for c in &d.contributions {
            println!(
                "  - {} <{}> [{}]: {}",
                c.person_name,
                c.person_email,
                c.contribution.role.label(),
                c.contribution.what
            );
        }
        Ok(())
    }

    pub fn people(&self, people: &[Person]) -> Result<()> {
        self.either(&people, || {
            for p in people {
                println!("{:<32} {:<40} {:<24} {}", p.name, p.email, p.organisation, p.audience.label());
            }
            println!("({} people)", people.len());
        })
    }

    pub fn person(&self, p: &Person) -> Result<()> {
        self.either(p, || {
            println!("{} <{}>", p.name, p.email);
            println!("  {} · {} · {}", p.organisation, p.team, p.audience.label());
            println!("  id {}", p.id);
        })
    }

    pub fn person_detail(&self, d: &PersonDetail) -> Result<()> {
        if self.json {
            print_json(d);
            return Ok(());
        }
        self.person(&d.person)?;
        println!("\n  {} contributions", d.contributions.len());
        for c in &d.contributions {
            println!(
                "  - {} {} [{}]: {}",
                c.incident_reference,
                c.incident_title,
                c.contribution.role.label(),
                c.contribution.what
            );
        }
        Ok(())
    }

    pub fn contribution(&self, c: &Contribution) -> Result<()> {
        self.either(c, || println!("recorded: [{}] {} (id {})", c.role.label(), c.what, c.id))
    }
}

/// Prints an error for a person (`error[code]: message`) or a script (`{code, message}` JSON).
pub fn error(error: &Error, json: bool) {
    if json {
        let body = serde_json::json!({ "code": error.code(), "message": error.to_string(), "field": error.field() });
        eprintln!("{body}");
    } else {
        eprintln!("error[{}]: {error}", error.code());
    }
}
