//! What one source record says about a person ([`Candidate`]) and the person fields a source
//! column can feed ([`PersonField`]).

use serde::{Deserialize, Serialize};
use specta::Type;

/// A person field a column of the source can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PersonField {
    /// The whole name as shown ("Jane Doe"); when absent it is made from first, middle and last.
    Name,
    FirstName,
    MiddleName,
    LastName,
    PreferredName,
    Email,
    Organisation,
    Team,
    JobTitle,
    Notes,
}

impl PersonField {
    pub const ALL: [PersonField; 10] = [
        PersonField::Name,
        PersonField::FirstName,
        PersonField::MiddleName,
        PersonField::LastName,
        PersonField::PreferredName,
        PersonField::Email,
        PersonField::Organisation,
        PersonField::Team,
        PersonField::JobTitle,
        PersonField::Notes,
    ];

    /// How a person reads it, lower case, for sentences ("adds team and job title").
    pub fn label(self) -> &'static str {
        match self {
            PersonField::Name => "name",
            PersonField::FirstName => "first name",
            PersonField::MiddleName => "middle name",
            PersonField::LastName => "last name",
            PersonField::PreferredName => "preferred name",
            PersonField::Email => "email",
            PersonField::Organisation => "organisation",
            PersonField::Team => "team",
            PersonField::JobTitle => "job title",
            PersonField::Notes => "notes",
        }
    }
}

/// One person as the source describes them, before any check.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Candidate {
    /// Where it is in the source: a row (CSV), a card (vCard) or an address (pasted text).
    pub row: u32,
    pub name: String,
    pub first_name: String,
    pub middle_name: String,
    pub last_name: String,
    pub preferred_name: String,
    pub email: String,
    pub organisation: String,
    pub team: String,
    pub job_title: String,
    pub notes: String,
    /// Why the record cannot be taken at all (a broken row, a card too large…).
    pub problem: Option<String>,
}

impl Candidate {
    pub fn set(&mut self, field: PersonField, value: String) {
        let slot = match field {
            PersonField::Name => &mut self.name,
            PersonField::FirstName => &mut self.first_name,
            PersonField::MiddleName => &mut self.middle_name,
            PersonField::LastName => &mut self.last_name,
            PersonField::PreferredName => &mut self.preferred_name,
            PersonField::Email => &mut self.email,
            PersonField::Organisation => &mut self.organisation,
            PersonField::Team => &mut self.team,
            PersonField::JobTitle => &mut self.job_title,
            PersonField::Notes => &mut self.notes,
        };
        // Two columns mapped to notes are both kept; for the rest the first non-empty one wins.
        if field == PersonField::Notes && !slot.is_empty() && !value.is_empty() {
            slot.push_str("\n\n");
            slot.push_str(&value);
        } else if slot.is_empty() {
            *slot = value;
        }
    }

    /// The name to use: the whole name, else first, middle and last joined.
    pub fn full_name(&self) -> String {
        if !self.name.trim().is_empty() {
            return self.name.trim().to_string();
        }
        [&self.first_name, &self.middle_name, &self.last_name]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}
