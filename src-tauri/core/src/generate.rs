//! A synthetic dataset for benchmarks: [`Store::generate`] writes `incidents` incidents, `people`
//! people and `contributions` contributions (deterministic for a given seed), with one incident
//! given `crowded` contributors so the "open a big incident" path can be measured.

use crate::error::Result;
use crate::model::*;
use crate::store::{new_id, Store};
use rusqlite::params;

#[derive(Debug, Clone, Copy)]
pub struct GenerateSpec {
    pub incidents: u32,
    pub people: u32,
    pub contributions: u32,
    /// Contributors on the first generated incident (reference `GEN-000001`).
    pub crowded: u32,
    pub seed: u64,
}

/// A tiny deterministic generator (SplitMix64): enough for spreading rows, no crate needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u32) as usize]
    }
}

const FIRST: &[&str] = &[
    "Jane", "Tomás", "Priya", "Mohammed", "Chen", "Olga", "Kwame", "Aiko", "Lars", "Fatima", "Diego", "Noor", "Ewa",
    "Sipho", "Hannah", "Ravi",
];
const LAST: &[&str] = &[
    "Whitfield",
    "Ortega",
    "Raman",
    "Haddad",
    "Wei",
    "Petrova",
    "Mensah",
    "Tanaka",
    "Berg",
    "Zahra",
    "Silva",
    "Khan",
    "Nowak",
    "Dlamini",
    "Fischer",
    "Iyer",
];
const ORGS: &[&str] = &["Example Corp", "Firewall Vendor Ltd", "Northwind", "Contoso", "Globex", "Initech"];
const TEAMS: &[&str] = &["Finance", "Network operations", "Service desk", "Platform", "Legal", "HR", "Security"];
const TITLES: &[&str] = &[
    "Phishing wave",
    "Suspicious VPN logins",
    "Malware on laptop",
    "Exposed storage bucket",
    "Unpatched gateway",
    "Credential stuffing",
];
const WHATS: &[&str] = &[
    "Proxy logs",
    "Reported the mail",
    "Firewall exports",
    "Patched the server",
    "Reverse-engineered the sample",
    "Coordinated the bridge call",
];

impl Store {
    /// Writes the dataset in one transaction, bypassing per-row validation for speed (the rows
    /// are well-formed by construction). Returns the first incident's id.
    pub fn generate(&self, spec: GenerateSpec) -> Result<String> {
        let mut rng = Rng(spec.seed);
        let now = self.now();
        self.write(|tx| {
            let mut incident_ids = Vec::with_capacity(spec.incidents as usize);
            {
                let mut insert = tx.prepare(
                    "INSERT INTO incidents (id, reference, title, kind, severity, status, tlp, opened_on, summary, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '', ?9, ?9)",
                )?;
                for n in 0..spec.incidents {
                    let id = new_id();
                    let opened = format!("20{:02}-{:02}-{:02}", 20 + rng.below(7), 1 + rng.below(12), 1 + rng.below(28));
                    insert.execute(params![
                        id,
                        format!("GEN-{:06}", n + 1),
                        format!("{} #{}", rng.pick(TITLES), n + 1),
                        rng.pick(IncidentKind::ALL),
                        rng.pick(Severity::ALL),
                        rng.pick(Status::ALL),
                        rng.pick(Tlp::ALL),
                        opened,
                        now
                    ])?;
                    incident_ids.push(id);
                }
            }
            let mut person_ids = Vec::with_capacity(spec.people as usize);
            {
                let mut insert = tx.prepare(
                    "INSERT INTO people (id, name, email, email_key, organisation, team, audience, technical_level, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                )?;
                for n in 0..spec.people {
                    let id = new_id();
                    let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
                    // ASCII local parts: mail to "tomás@…" needs SMTPUTF8, which few relays offer.
                    let email = format!("{}.{}{}@example{}.com", ascii_lower(first), ascii_lower(last), n, n % 50);
                    insert.execute(params![
                        id,
                        format!("{first} {last}"),
                        email,
                        rng.pick(ORGS),
                        rng.pick(TEAMS),
                        rng.pick(Audience::ALL),
                        rng.pick(TechnicalLevel::ALL),
                        now
                    ])?;
                    person_ids.push(id);
                }
            }
            if incident_ids.is_empty() || person_ids.is_empty() {
                return Ok(String::new());
            }
            let mut insert = tx.prepare(
                "INSERT INTO contributions (id, incident_id, person_id, role, what, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            )?;
            let crowded = spec.crowded.min(spec.contributions).min(spec.people);
            for n in 0..spec.contributions {
                let (incident, person) = if n < crowded {
                    (&incident_ids[0], &person_ids[n as usize])
                } else {
                    (rng.pick(&incident_ids), rng.pick(&person_ids))
                };
                insert.execute(params![new_id(), incident, person, rng.pick(CreditRole::ALL), rng.pick(WHATS), now])?;
            }
            Ok(incident_ids[0].clone())
        })
    }
}

/// "Tomás" → "tomas": accents dropped, for addresses every relay accepts.
fn ascii_lower(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfd().filter(char::is_ascii).collect::<String>().to_lowercase()
}
