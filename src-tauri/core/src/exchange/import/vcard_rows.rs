//! vCard 2.1, 3.0 and 4.0 (one file, many cards), parsed card by card with calcard so a large
//! file is streamed: [`read_cards`] yields one [`Candidate`] per card. Photos, logos and sounds
//! are dropped while reading (they are never imported and can be most of a file). Of several
//! emails the preferred one (`PREF=1`, `TYPE=pref`) is the person's, else the first.

use super::fields::Candidate;
use crate::error::{Error, Result};
use calcard::vcard::{VCard, VCardEntry, VCardParameterName, VCardParameterValue, VCardProperty, VCardValue};
use std::io::BufRead;

/// A card larger than this (without its photo) is not a contact card.
const CARD_MAX_BYTES: usize = 1024 * 1024;

/// Properties whose (often huge, base64) values are skipped while reading.
const SKIPPED: [&str; 4] = ["PHOTO", "LOGO", "SOUND", "KEY"];

pub(crate) fn read_cards(mut reader: Box<dyn BufRead + Send>) -> impl Iterator<Item = Result<Candidate>> {
    let mut number = 0u32;
    let mut line = String::new();
    std::iter::from_fn(move || {
        let mut card = String::new();
        let mut inside = false;
        let mut skipping = false;
        let mut too_large = false;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Err(e) => {
                    return Some(Err(Error::invalid("file", format!("The file stops being readable text: {e}."))))
                }
                Ok(0) => {
                    if inside {
                        number += 1;
                        return Some(Ok(Candidate {
                            row: number,
                            problem: Some("This card is cut off: the file ends before its END:VCARD.".into()),
                            ..Candidate::default()
                        }));
                    }
                    return None;
                }
                Ok(_) => {}
            }
            let trimmed = line.trim_end_matches(['\r', '\n']);
            if !inside {
                if starts_with_ignore_case(trimmed.trim_start_matches('\u{feff}'), "BEGIN:VCARD") {
                    inside = true;
                    card.push_str("BEGIN:VCARD\r\n");
                }
                continue;
            }
            let continuation = trimmed.starts_with([' ', '\t']);
            if !continuation {
                skipping = is_skipped_property(trimmed);
            }
            if skipping {
                continue;
            }
            if card.len() + trimmed.len() > CARD_MAX_BYTES {
                too_large = true;
            } else {
                card.push_str(trimmed);
                card.push_str("\r\n");
            }
            if !continuation && starts_with_ignore_case(trimmed, "END:VCARD") {
                number += 1;
                if too_large {
                    return Some(Ok(Candidate {
                        row: number,
                        problem: Some(
                            "This card is larger than 1 MiB without its photo: it is not a contact card.".into(),
                        ),
                        ..Candidate::default()
                    }));
                }
                return Some(Ok(candidate(&card, number)));
            }
        }
    })
}

fn starts_with_ignore_case(line: &str, prefix: &str) -> bool {
    line.len() >= prefix.len() && line.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// `PHOTO;…:`, `item1.PHOTO:`…
fn is_skipped_property(line: &str) -> bool {
    let name_end = line.find([':', ';']).unwrap_or(line.len());
    let name = &line[..name_end];
    let name = name.rsplit('.').next().unwrap_or(name);
    SKIPPED.iter().any(|s| name.eq_ignore_ascii_case(s))
}

fn candidate(text: &str, number: u32) -> Candidate {
    let mut candidate = Candidate { row: number, ..Candidate::default() };
    let card = match calcard::Parser::new(text).entry() {
        calcard::Entry::VCard(card) => card,
        other => {
            candidate.problem = Some(format!("This card cannot be read ({}).", describe(&other)));
            return candidate;
        }
    };
    candidate.name = first_text(&card, &VCardProperty::Fn);
    if let Some(n) = card.property(&VCardProperty::N) {
        // N is family; given; additional; prefixes; suffixes.
        let parts = texts(n);
        let part = |i: usize| parts.get(i).cloned().unwrap_or_default();
        candidate.last_name = part(0);
        candidate.first_name = part(1);
        candidate.middle_name = part(2);
    }
    candidate.preferred_name = first_text(&card, &VCardProperty::Nickname);
    candidate.email = preferred_email(&card);
    if let Some(org) = card.property(&VCardProperty::Org) {
        let parts = texts(org);
        candidate.organisation = parts.first().cloned().unwrap_or_default();
        // The first unit is the department, as address books show it; deeper units are sub-teams.
        candidate.team = parts.get(1).cloned().unwrap_or_default();
    }
    candidate.job_title = first_text(&card, &VCardProperty::Title);
    candidate.notes =
        card.properties(&VCardProperty::Note).map(|n| texts(n).join(";")).collect::<Vec<_>>().join("\n\n");
    candidate
}

fn describe(entry: &calcard::Entry) -> String {
    match entry {
        calcard::Entry::InvalidLine(line) => {
            format!("the line “{}” is not vCard", line.chars().take(60).collect::<String>())
        }
        calcard::Entry::UnterminatedComponent(what) => format!("{what} is not terminated"),
        calcard::Entry::ICalendar(_) => "it is a calendar entry, not a card".into(),
        _ => "it is not a vCard".into(),
    }
}

/// Every text value of a property, components flattened (ORG's units, N's parts).
fn texts(entry: &VCardEntry) -> Vec<String> {
    let mut out = Vec::new();
    for value in &entry.values {
        match value {
            VCardValue::Text(t) => out.push(t.trim().to_string()),
            VCardValue::Component(parts) => out.extend(parts.iter().map(|p| p.trim().to_string())),
            _ => {}
        }
    }
    out
}

fn first_text(card: &VCard, property: &VCardProperty) -> String {
    card.properties(property).flat_map(texts).find(|t| !t.is_empty()).unwrap_or_default()
}

/// The email marked preferred (the lowest PREF, or TYPE=pref), else the first one listed.
fn preferred_email(card: &VCard) -> String {
    card.properties(&VCardProperty::Email)
        .enumerate()
        .filter_map(|(index, entry)| {
            let address = texts(entry).into_iter().find(|t| !t.is_empty())?;
            Some((preference(entry), index, address))
        })
        .min_by_key(|(pref, index, _)| (*pref, *index))
        .map(|(_, _, address)| address)
        .unwrap_or_default()
}

/// 1 (most preferred) to 100 as vCard 4.0 counts; a vCard 3.0 `TYPE=pref` or a bare 2.1 `PREF`
/// counts as 1; no preference sorts after every preferred one.
fn preference(entry: &VCardEntry) -> u32 {
    let mut best = u32::MAX;
    for param in &entry.params {
        let rank = match (&param.name, &param.value) {
            (VCardParameterName::Pref, VCardParameterValue::Integer(n)) => *n,
            (VCardParameterName::Pref, _) => 1,
            (VCardParameterName::Type, VCardParameterValue::Text(t)) if t.eq_ignore_ascii_case("pref") => 1,
            (VCardParameterName::Other(name), _) if name.eq_ignore_ascii_case("pref") => 1,
            _ => continue,
        };
        best = best.min(rank);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cards(text: &str) -> Vec<Candidate> {
        read_cards(Box::new(std::io::Cursor::new(text.as_bytes().to_vec()))).collect::<Result<_>>().unwrap()
    }

    #[test]
    fn folded_lines_photos_and_the_preferred_email() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ångström;Zoë;;;\r\nFN:Zoë Ångström\r\nORG:Nordic Sec;Incident\r\n  Response;Night shift\r\nTITLE:Analyst\r\nitem1.EMAIL;type=INTERNET:zoe@home.example\r\nitem2.EMAIL;type=INTERNET;type=pref:zoe@nordic.example\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n /2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAx\r\nNOTE:Met at FIRST\\, Berlin\\nGreat help\r\nEND:VCARD\r\n";
        let c = &cards(text)[0];
        assert_eq!(c.name, "Zoë Ångström");
        assert_eq!(c.email, "zoe@nordic.example");
        assert_eq!(c.organisation, "Nordic Sec");
        assert_eq!(c.team, "Incident Response");
        assert_eq!(c.job_title, "Analyst");
        assert_eq!(c.notes, "Met at FIRST, Berlin\nGreat help");
        assert_eq!(c.problem, None);
    }

    #[test]
    fn quoted_printable_and_vcard4_pref() {
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Wr=C3=B3bel;=C5=81ukasz;;;\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C5=81ukasz Wr=C3=B3bel\r\nEMAIL;INTERNET:lw@corp.example\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Tom Ortega\r\nEMAIL;TYPE=home:tom@home.example\r\nEMAIL;PREF=1;TYPE=work:tom@ops.example\r\nEND:VCARD\r\n";
        let all = cards(text);
        assert_eq!(all[0].name, "Łukasz Wróbel");
        assert_eq!(all[0].first_name, "Łukasz");
        assert_eq!(all[0].email, "lw@corp.example");
        assert_eq!((all[1].row, all[1].email.as_str()), (2, "tom@ops.example"));
    }

    #[test]
    fn a_card_cut_off_is_a_problem() {
        let all = cards("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane\r\n");
        assert!(all[0].problem.as_deref().unwrap().contains("cut off"));
    }
}
