//! Who may see an outcome section, under TLP 2.0 as DESIGN.md applies it: [`visibility`] answers
//! for one section and one [`Recipient`], with the reason when the answer is no ([`Withheld`]).
//!
//! CLEAR, GREEN and AMBER go to every contributor; AMBER+STRICT only to people of the own
//! organisation; RED only to the people named on the section. This is the one place the rule is
//! written: the message generator asks it before a section enters a template's context.

use crate::model::Tlp;
use serde::{Deserialize, Serialize};
use specta::Type;

/// The facts about a recipient the rule needs, for one section.
#[derive(Debug, Clone, Copy)]
pub struct Recipient {
    /// A member of the own organisation (Settings).
    pub internal: bool,
    /// Named on this section as one of its readers (meaningful for TLP:RED).
    pub named: bool,
}

/// Why a section is kept from a recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Withheld {
    /// AMBER+STRICT, and the recipient is outside the own organisation.
    OutsideOrganisation,
    /// AMBER+STRICT, and no own organisation is set, so nobody counts as inside it.
    NoOrganisationSet,
    /// RED, and the recipient is not named on the section.
    NotNamed,
}

impl Withheld {
    /// The reason in plain words, for the preview.
    pub fn explain(self) -> &'static str {
        match self {
            Withheld::OutsideOrganisation => {
                "TLP:AMBER+STRICT stays inside your organisation, and this person is outside it."
            }
            Withheld::NoOrganisationSet => {
                "TLP:AMBER+STRICT stays inside your organisation, and no organisation is set in Settings yet."
            }
            Withheld::NotNamed => {
                "TLP:RED goes only to the people named on the section, and this person is not one of them."
            }
        }
    }
}

/// May `recipient` see a section labelled `tlp`?
pub fn visibility(tlp: Tlp, recipient: Recipient, organisation_set: bool) -> Result<(), Withheld> {
    match tlp {
        Tlp::Clear | Tlp::Green | Tlp::Amber => Ok(()),
        Tlp::AmberStrict if recipient.internal => Ok(()),
        Tlp::AmberStrict if !organisation_set => Err(Withheld::NoOrganisationSet),
        Tlp::AmberStrict => Err(Withheld::OutsideOrganisation),
        Tlp::Red if recipient.named => Ok(()),
        Tlp::Red => Err(Withheld::NotNamed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(internal: bool, named: bool) -> Recipient {
        Recipient { internal, named }
    }

    #[test]
    fn open_labels_reach_everyone() {
        for tlp in [Tlp::Clear, Tlp::Green, Tlp::Amber] {
            assert_eq!(visibility(tlp, who(false, false), true), Ok(()));
        }
    }

    #[test]
    fn amber_strict_stays_inside() {
        assert_eq!(visibility(Tlp::AmberStrict, who(true, false), true), Ok(()));
        assert_eq!(visibility(Tlp::AmberStrict, who(false, true), true), Err(Withheld::OutsideOrganisation));
        assert_eq!(visibility(Tlp::AmberStrict, who(false, false), false), Err(Withheld::NoOrganisationSet));
    }

    #[test]
    fn red_only_for_named_readers_even_inside() {
        assert_eq!(visibility(Tlp::Red, who(false, true), true), Ok(()));
        assert_eq!(visibility(Tlp::Red, who(true, false), true), Err(Withheld::NotNamed));
    }
}
