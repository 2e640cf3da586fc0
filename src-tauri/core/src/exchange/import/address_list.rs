//! Text copied from an email's To or Cc line: `Jane Doe <jane@corp.com>, "Smith, John"
//! <john@corp.com>; ops@corp.com`, over any number of lines. [`read_addresses`] splits it into
//! addresses (commas, semicolons and line breaks outside quotes and angle brackets) and reads each
//! with mailparse, which decodes RFC 2047 encoded words in display names.

use super::fields::Candidate;
use crate::error::{Error, Result};
use std::io::BufRead;

pub(crate) fn read_addresses(reader: Box<dyn BufRead + Send>) -> impl Iterator<Item = Result<Candidate>> {
    let mut lines = reader.lines();
    let mut pending: std::collections::VecDeque<String> = Default::default();
    let mut carry = String::new();
    let mut number = 0u32;
    let mut finished = false;
    std::iter::from_fn(move || loop {
        if let Some(token) = pending.pop_front() {
            number += 1;
            return Some(Ok(candidate(&token, number)));
        }
        if finished {
            return None;
        }
        match lines.next() {
            Some(Err(e)) => return Some(Err(Error::invalid("file", format!("The text stops being readable: {e}.")))),
            Some(Ok(line)) => {
                // A quoted name may not span lines; a line that leaves a quote open is joined to the next.
                carry.push_str(strip_label(&line));
                carry.push(',');
                let (tokens, rest) = split_addresses(&carry);
                pending.extend(tokens);
                carry = rest;
            }
            None => {
                finished = true;
                let (mut tokens, rest) = split_addresses(&carry);
                if !rest.trim().is_empty() {
                    tokens.push(rest.trim().to_string());
                }
                carry.clear();
                pending.extend(tokens);
            }
        }
    })
}

/// A pasted header keeps its name: "To: Jane <jane@corp.com>".
fn strip_label(line: &str) -> &str {
    let trimmed = line.trim_start();
    for label in ["to:", "cc:", "bcc:", "from:", "reply-to:"] {
        if trimmed.len() >= label.len() && trimmed[..label.len()].eq_ignore_ascii_case(label) {
            return &trimmed[label.len()..];
        }
    }
    line
}

/// Splits at separators outside quotes, angle brackets and comments; returns the complete
/// addresses and what is left after the last separator (an unfinished quote, say).
fn split_addresses(text: &str) -> (Vec<String>, String) {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut angle, mut comment, mut escaped) = (false, false, 0u32, false);
    for c in text.chars() {
        if escaped {
            escaped = false;
            current.push(c);
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' if comment == 0 => quoted = !quoted,
            '<' if !quoted && comment == 0 => angle = true,
            '>' if !quoted && comment == 0 => angle = false,
            '(' if !quoted && !angle => comment += 1,
            ')' if !quoted && !angle && comment > 0 => comment -= 1,
            ',' | ';' if !quoted && !angle && comment == 0 => {
                if !current.trim().is_empty() {
                    tokens.push(current.trim().to_string());
                }
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    (tokens, current)
}

fn candidate(token: &str, number: u32) -> Candidate {
    let mut candidate = Candidate { row: number, ..Candidate::default() };
    let header = format!("To: {token}");
    let parsed =
        mailparse::parse_header(header.as_bytes()).ok().and_then(|(h, _)| mailparse::addrparse_header(&h).ok());
    let single = parsed.as_ref().and_then(|list| match list.first() {
        Some(mailparse::MailAddr::Single(info)) if list.len() == 1 => Some(info.clone()),
        _ => None,
    });
    match single {
        Some(info) => {
            candidate.email = info.addr.trim().to_string();
            candidate.name = info.display_name.unwrap_or_default().trim().to_string();
        }
        None => match token.rsplit_once('<').and_then(|(name, rest)| Some((name, rest.strip_suffix('>')?))) {
            // "Name <something>": the checks that follow say what is wrong with the address.
            Some((name, address)) => {
                candidate.name = name.trim().trim_matches('"').trim().to_string();
                candidate.email = address.trim().to_string();
            }
            None => {
                // Kept as written, so the row shows what could not be read and why.
                candidate.email = token.to_string();
                candidate.problem = Some(if token.contains('@') {
                    format!("“{token}” is not a well-formed address.")
                } else {
                    format!("“{token}” has no email address.")
                });
            }
        },
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Candidate> {
        read_addresses(Box::new(std::io::Cursor::new(text.as_bytes().to_vec()))).collect::<Result<_>>().unwrap()
    }

    #[test]
    fn quoted_commas_semicolons_and_encoded_words() {
        let all = read(
            "Jane Doe <jane@corp.example>, \"Smith, John\" <john@corp.example>; ops@corp.example\n\
             Cc: =?UTF-8?B?Wm/DqyDDhW5nc3Ryw7Zt?= <zoe@nordic.example>, =?ISO-8859-1?Q?Andr=E9_Martin?= <andre@corp.example>",
        );
        let got: Vec<(u32, &str, &str)> = all.iter().map(|c| (c.row, c.name.as_str(), c.email.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (1, "Jane Doe", "jane@corp.example"),
                (2, "Smith, John", "john@corp.example"),
                (3, "", "ops@corp.example"),
                (4, "Zoë Ångström", "zoe@nordic.example"),
                (5, "André Martin", "andre@corp.example"),
            ]
        );
    }

    #[test]
    fn something_that_is_not_an_address_says_so() {
        let all = read("Jane Doe, tom@corp.example");
        assert!(all[0].problem.as_deref().unwrap().contains("no email address"));
        assert_eq!(all[1].email, "tom@corp.example");
    }
}
