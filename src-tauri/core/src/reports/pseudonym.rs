//! [`Pseudonyms`]: how a report names someone who has not consented to be named.
//!
//! "Contributor 3, IT Operations": a number given in order of first appearance in the report
//! (so the same person keeps one number throughout it), and their team, else their
//! organisation, else their audience, so a reader still sees where help came from.

use crate::model::Audience;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Pseudonyms {
    numbers: HashMap<String, u32>,
}

impl Pseudonyms {
    pub fn new() -> Self {
        Self::default()
    }

    /// The pseudonym of `person_id`, numbering them if this is their first appearance.
    pub fn name(&mut self, person_id: &str, team: &str, organisation: &str, audience: Audience) -> String {
        let next = self.numbers.len() as u32 + 1;
        let number = match self.numbers.get(person_id) {
            Some(number) => *number,
            None => {
                self.numbers.insert(person_id.to_owned(), next);
                next
            }
        };
        let group = [team.trim(), organisation.trim()].into_iter().find(|g| !g.is_empty());
        format!("Contributor {number}, {}", group.unwrap_or(audience.label()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_order_of_appearance_and_keeps_them() {
        let mut names = Pseudonyms::new();
        assert_eq!(names.name("b", "IT Operations", "Corp", Audience::ItOperations), "Contributor 1, IT Operations");
        assert_eq!(names.name("a", "", "Vendor Ltd", Audience::ThirdParty), "Contributor 2, Vendor Ltd");
        assert_eq!(names.name("b", "IT Operations", "Corp", Audience::ItOperations), "Contributor 1, IT Operations");
        assert_eq!(names.name("c", " ", "", Audience::EndUser), "Contributor 3, End user");
    }
}
