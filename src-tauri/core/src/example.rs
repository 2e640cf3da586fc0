//! The example incident offered on first run, so a new user sees a filled-in case straight away:
//! [`Store::load_example`], plus [`Store::overview`] (the counts the first-run screen checks).

use crate::error::Result;
use crate::model::*;
use crate::store::Store;

pub const EXAMPLE_REFERENCE: &str = "INC-EXAMPLE-0042";

struct ExamplePerson {
    name: &'static str,
    email: &'static str,
    organisation: &'static str,
    team: &'static str,
    audience: Audience,
    role: CreditRole,
    what: &'static str,
    impact: &'static str,
    constraints: &'static str,
}

const PEOPLE: &[ExamplePerson] = &[
    ExamplePerson {
        name: "Jane Whitfield",
        email: "jane.whitfield@example.com",
        organisation: "Example Corp",
        team: "Finance",
        audience: Audience::EndUser,
        role: CreditRole::Finder,
        what: "Reported the fake invoice mail within minutes of receiving it",
        impact: "Her report let us pull the message from 212 other mailboxes before anyone entered a password.",
        constraints: "",
    },
    ExamplePerson {
        name: "Tomás Ortega",
        email: "tomas.ortega@example.com",
        organisation: "Example Corp",
        team: "Network operations",
        audience: Audience::ItOperations,
        role: CreditRole::LogProvider,
        what: "Proxy logs 1–3 Nov, pulled at night",
        impact: "Showed exactly which two machines had visited the phishing site.",
        constraints: "Pulled outside the change window, on a proxy cluster due for replacement.",
    },
    ExamplePerson {
        name: "Priya Raman",
        email: "priya@firewall-vendor.example",
        organisation: "Firewall Vendor Ltd",
        team: "Support",
        audience: Audience::ThirdParty,
        role: CreditRole::Expertise,
        what: "Firewall exports and help reading them",
        impact: "Confirmed no data left the network.",
        constraints: "",
    },
];

impl Store {
    /// Loads the example incident with three contributors. Loading it twice is harmless: the
    /// existing example is returned.
    pub fn load_example(&self) -> Result<Incident> {
        if let Ok(existing) = self.incident(EXAMPLE_REFERENCE) {
            return Ok(existing);
        }
        self.write(|_| {
            let incident = self.create_incident(&IncidentInput {
                reference: EXAMPLE_REFERENCE.into(),
                title: "Invoice-themed phishing campaign against Finance".into(),
                kind: Some(IncidentKind::PhishingReport),
                severity: Some(Severity::High),
                tlp: Some(Tlp::Amber),
                opened_on: String::new(),
                summary: "A fake supplier invoice reached 213 mailboxes. Two people opened the link; \
                          no credentials were entered. This is an example: delete it whenever you like."
                    .into(),
            })?;
            for p in PEOPLE {
                let person = match self.person_by_email(p.email)? {
                    Some(person) => person,
                    None => self.create_person(&PersonInput {
                        name: p.name.into(),
                        email: p.email.into(),
                        organisation: p.organisation.into(),
                        team: p.team.into(),
                        audience: Some(p.audience),
                        ..PersonInput::default()
                    })?,
                };
                self.add_contribution(&ContributionInput {
                    incident_id: incident.id.clone(),
                    person_id: person.id,
                    role: Some(p.role),
                    what: p.what.into(),
                    given_on: incident.opened_on.clone(),
                    impact: p.impact.into(),
                    constraints: p.constraints.into(),
                })?;
            }
            self.set_incident_status(&incident.id, Status::Investigating, false)
        })
    }

    /// How much is stored: live incidents (and open ones), people, and contributions that are
    /// visible (not deleted, nor hidden with their incident or person). Counted as all
    /// contributions minus the deleted ones minus the hidden ones, because joining a million rows
    /// would take seconds while deleted incidents and people are few and indexed. A bare
    /// `count(*)` of a table is SQLite's fast count of the entries of its smallest index (no row
    /// is decoded); the deleted contributions are looked up incident by incident in
    /// `contributions_incident` (CROSS JOIN keeps incidents outside; every contribution has an
    /// incident: foreign key). People are counted the same way: all of them minus the deleted.
    pub fn overview(&self) -> Result<Overview> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM incidents WHERE deleted_at IS NULL),
                    (SELECT count(*) FROM incidents WHERE deleted_at IS NULL AND status <> 'closed'),
                    (SELECT count(*) FROM people) - (SELECT count(*) FROM people WHERE deleted_at IS NOT NULL),
                    (SELECT count(*) FROM contributions)
                    - (SELECT count(*) FROM incidents i CROSS JOIN contributions c
                        WHERE c.incident_id = i.id AND c.deleted_at IS NOT NULL)
                    - (SELECT count(*) FROM contributions c WHERE c.deleted_at IS NULL
                        AND (c.incident_id IN (SELECT id FROM incidents WHERE deleted_at IS NOT NULL)
                             OR c.person_id IN (SELECT id FROM people WHERE deleted_at IS NOT NULL)))",
            [],
            |r| {
                Ok(Overview {
                    incidents: r.get(0)?,
                    open_incidents: r.get(1)?,
                    people: r.get(2)?,
                    contributions: r.get(3)?,
                })
            },
        )?)
    }
}
