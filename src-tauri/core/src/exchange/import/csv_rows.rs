//! CSV with a header row, as Outlook, Google Contacts and Thunderbird export it, or any other:
//! [`CsvLayout::detect`] finds the separator, the header and the application that wrote it, and
//! guesses which column feeds which [`PersonField`]; [`read_rows`] streams the records as
//! [`Candidate`]s through a mapping the person may have changed.

use super::fields::{Candidate, PersonField};
use crate::error::{Error, Result};
use std::io::BufRead;

/// A row with more columns than the header by this many is taken as broken, not as data.
const EXTRA_COLUMNS_TOLERATED: usize = 2;

/// How a CSV source is laid out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CsvLayout {
    pub delimiter: u8,
    /// False when the first row is already data (it holds an address): columns are then numbered.
    pub has_header: bool,
    pub columns: Vec<String>,
    pub guess: Vec<Option<PersonField>>,
    /// "Outlook CSV", "Google Contacts CSV", "Thunderbird CSV", "CSV".
    pub source_label: &'static str,
    /// Other email columns, in order, with their label column when the source has one
    /// (Google's "E-mail 2 - Label"): see [`pick_email`].
    pub other_emails: Vec<(Option<usize>, usize)>,
}

impl CsvLayout {
    /// Reads the layout off the decoded start of the file.
    pub fn detect(head: &str) -> Result<CsvLayout> {
        let first_line = head.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let delimiter = guess_delimiter(first_line);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(head.as_bytes());
        let mut first = csv::StringRecord::new();
        let read = reader.read_record(&mut first).map_err(|e| {
            Error::invalid("file", format!("The first row cannot be read as CSV ({e}). Check that it is a CSV file."))
        })?;
        if !read || first.iter().all(|f| f.trim().is_empty()) {
            return Err(Error::invalid("file", "The file has no header row: its first line is empty."));
        }
        let has_header = !first.iter().any(looks_like_address);
        if has_header {
            let columns: Vec<String> = first.iter().map(|c| c.trim().to_string()).collect();
            let guess = guess_mapping(&columns);
            let source_label = source_label(&columns);
            let other_emails = email_columns(&columns);
            Ok(CsvLayout { delimiter, has_header, columns, guess, source_label, other_emails })
        } else {
            let columns: Vec<String> = (1..=first.len()).map(|i| format!("Column {i}")).collect();
            let guess = guess_from_values(&first);
            Ok(CsvLayout {
                delimiter,
                has_header,
                columns,
                guess,
                source_label: "CSV without a header row",
                other_emails: Vec::new(),
            })
        }
    }

    /// The first few data rows, per column, to show beside the mapping.
    pub fn samples(&self, head: &str, count: usize) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(self.has_header)
            .flexible(true)
            .from_reader(head.as_bytes());
        reader
            .records()
            .take(count)
            .filter_map(|r| r.ok())
            .map(|r| (0..self.columns.len()).map(|i| first_value(r.get(i).unwrap_or(""))).collect())
            .collect()
    }
}

/// Streams the records of the whole source as candidates, numbered as a spreadsheet numbers its
/// rows (the header is row 1; a value over several lines is still one row).
pub(crate) fn read_rows<'a>(
    reader: Box<dyn BufRead + Send>,
    layout: &'a CsvLayout,
    mapping: &'a [Option<PersonField>],
) -> impl Iterator<Item = Result<Candidate>> + 'a {
    let mut csv_reader = csv::ReaderBuilder::new()
        .delimiter(layout.delimiter)
        .has_headers(layout.has_header)
        .flexible(true)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let mut number: u32 = u32::from(layout.has_header);
    std::iter::from_fn(move || loop {
        match csv_reader.read_byte_record(&mut record) {
            Ok(false) => return None,
            Err(e) => {
                return Some(Err(Error::invalid("file", format!("The file stops being readable CSV: {e}."))));
            }
            Ok(true) => {
                number = number.saturating_add(1);
                if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                    continue;
                }
                return Some(Ok(candidate(&record, number, layout, mapping)));
            }
        }
    })
}

fn candidate(record: &csv::ByteRecord, number: u32, layout: &CsvLayout, mapping: &[Option<PersonField>]) -> Candidate {
    let mut candidate = Candidate { row: number, ..Candidate::default() };
    for (index, field) in mapping.iter().enumerate() {
        let (Some(field), Some(raw)) = (field, record.get(index)) else { continue };
        let value = if *field == PersonField::Email {
            pick_email(record, index, layout)
        } else if *field == PersonField::Notes {
            cell(record, index).trim().to_string()
        } else {
            first_value(&String::from_utf8_lossy(raw))
        };
        candidate.set(*field, value);
    }
    // Its mapped values are kept so the preview shows which row it is.
    let width = layout.columns.len();
    if record.len() > width + EXTRA_COLUMNS_TOLERATED && record.iter().skip(width).any(|f| !f.is_empty()) {
        candidate.problem = Some(format!(
            "This row has {} columns where the header has {width}: a separator inside a value that is not \
             in quotes? Fix the row in the file.",
            format_count(record.len())
        ));
    }
    candidate
}

fn cell(record: &csv::ByteRecord, index: usize) -> String {
    record.get(index).map(|raw| String::from_utf8_lossy(raw).into_owned()).unwrap_or_default()
}

/// The person's email from the mapped column, with two exporters' habits undone: Google marks
/// the primary address with a label starting "* " (it need not be the first), and Outlook puts
/// an Exchange path ("/o=ExchangeLabs/…", type EX) where an address belongs, with the SMTP
/// address in a later column.
fn pick_email(record: &csv::ByteRecord, mapped: usize, layout: &CsvLayout) -> String {
    let mapped_is_listed = layout.other_emails.iter().any(|(_, value)| *value == mapped);
    if mapped_is_listed {
        let starred = layout.other_emails.iter().find(|(label, value)| {
            label.is_some_and(|l| cell(record, l).trim_start().starts_with('*'))
                && !first_value(&cell(record, *value)).is_empty()
        });
        if let Some((_, value)) = starred {
            return first_value(&cell(record, *value));
        }
    }
    let own = first_value(&cell(record, mapped));
    if own.contains('@') || (!mapped_is_listed && own.is_empty()) {
        return own;
    }
    layout
        .other_emails
        .iter()
        .map(|(_, value)| first_value(&cell(record, *value)))
        .find(|v| v.contains('@'))
        .unwrap_or(own)
}

/// Every email column of the header with its label column: "E-mail 2 Address" (Outlook),
/// "Secondary Email" (Thunderbird), "E-mail 2 - Value" with "E-mail 2 - Label" or "- Type" (Google).
fn email_columns(columns: &[String]) -> Vec<(Option<usize>, usize)> {
    let folded: Vec<String> = columns.iter().map(|c| fold(c)).collect();
    let mut found = Vec::new();
    for (index, name) in folded.iter().enumerate() {
        let outlook = name.starts_with("email") && name.ends_with("address") && !name.contains("display");
        let thunderbird = name == "primaryemail" || name == "secondaryemail";
        if outlook || thunderbird {
            found.push((None, index));
        } else if let Some(number) = name.strip_prefix("email").and_then(|rest| rest.strip_suffix("value")) {
            let label = [format!("email{number}label"), format!("email{number}type")]
                .iter()
                .find_map(|l| folded.iter().position(|f| f == l));
            found.push((label, index));
        }
    }
    found
}

/// Google Contacts puts several values in one cell separated by " ::: "; the first is the main one.
fn first_value(cell: &str) -> String {
    cell.split(" ::: ").next().unwrap_or("").trim().to_string()
}

fn format_count(n: usize) -> String {
    crate::exchange::import::format_thousands(n as u64)
}

/// The separator that splits the header best: comma, semicolon (Outlook in many European
/// locales) or tab, counted outside quotes.
fn guess_delimiter(line: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in line.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if c == *d {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b',', |(d, _)| *d)
}

pub(crate) fn looks_like_address(value: &str) -> bool {
    let v = value.trim();
    let Some(at) = v.rfind('@') else { return false };
    at > 0 && v[at + 1..].contains('.') && !v.contains(' ')
}

/// Header names folded to lower-case letters and digits: "E-mail 1 - Value" → "email1value".
fn fold(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// For each field, the header names that feed it, best first. Outlook's "Title" is a form of
/// address (Mr, Dr), so a plain "title" is the job title only when nothing better is there.
const HEADER_NAMES: &[(PersonField, &[&str])] = &[
    (
        PersonField::Email,
        &[
            "emailaddress",
            "email",
            "primaryemail",
            "email1value",
            "emailaddress1",
            "mail",
            "workemail",
            "email1address",
            "emailaddr",
            "businessemail",
            "courriel",
            "emailadresse",
        ],
    ),
    (PersonField::Name, &["displayname", "name", "fullname", "contactname", "nomcomplet"]),
    (PersonField::FirstName, &["firstname", "givenname", "forename", "prenom", "vorname"]),
    (PersonField::MiddleName, &["middlename", "additionalname", "secondname"]),
    (PersonField::LastName, &["lastname", "familyname", "surname", "nom", "nachname"]),
    (PersonField::PreferredName, &["nickname", "preferredname", "knownas"]),
    (
        PersonField::Organisation,
        &[
            "company",
            "organization",
            "organisation",
            "organizationname",
            "organization1name",
            "companyname",
            "org",
            "employer",
            "firma",
            "societe",
        ],
    ),
    (
        PersonField::Team,
        &["department", "team", "organizationdepartment", "organization1department", "dept", "unit", "abteilung"],
    ),
    (
        PersonField::JobTitle,
        &["jobtitle", "organizationtitle", "organization1title", "position", "role", "function", "title"],
    ),
    (PersonField::Notes, &["notes", "note", "comments", "comment", "remarks"]),
];

pub(crate) fn guess_mapping(columns: &[String]) -> Vec<Option<PersonField>> {
    let folded: Vec<String> = columns.iter().map(|c| fold(c)).collect();
    let mut mapping: Vec<Option<PersonField>> = vec![None; columns.len()];
    for (field, names) in HEADER_NAMES {
        let found = names
            .iter()
            .find_map(|name| folded.iter().enumerate().position(|(i, f)| f == name && mapping[i].is_none()));
        if let Some(index) = found {
            mapping[index] = Some(*field);
        }
    }
    mapping
}

/// Without a header: the column holding an address is the email, the first other text column
/// the name.
fn guess_from_values(first: &csv::StringRecord) -> Vec<Option<PersonField>> {
    let mut mapping: Vec<Option<PersonField>> = vec![None; first.len()];
    if let Some(i) = first.iter().position(looks_like_address) {
        mapping[i] = Some(PersonField::Email);
    }
    if let Some(i) = first.iter().enumerate().position(|(i, v)| mapping[i].is_none() && !v.trim().is_empty()) {
        mapping[i] = Some(PersonField::Name);
    }
    mapping
}

fn source_label(columns: &[String]) -> &'static str {
    let has = |name: &str| columns.iter().any(|c| c.eq_ignore_ascii_case(name));
    if has("E-mail Address") && has("First Name") && has("Business Street") {
        "Outlook CSV"
    } else if has("E-mail 1 - Value") {
        "Google Contacts CSV"
    } else if has("Primary Email") && has("Display Name") {
        "Thunderbird CSV"
    } else {
        "CSV"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapped(columns: &[&str]) -> Vec<(String, PersonField)> {
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        guess_mapping(&columns).into_iter().zip(&columns).filter_map(|(f, c)| f.map(|f| (c.clone(), f))).collect()
    }

    #[test]
    fn outlook_title_is_not_the_job_title_when_job_title_is_there() {
        let m = mapped(&[
            "First Name",
            "Title",
            "Last Name",
            "Company",
            "Department",
            "Job Title",
            "E-mail Address",
            "E-mail 2 Address",
        ]);
        assert!(m.contains(&("Job Title".into(), PersonField::JobTitle)));
        assert!(!m.iter().any(|(c, _)| c == "Title"));
        assert!(m.contains(&("E-mail Address".into(), PersonField::Email)));
        assert!(!m.iter().any(|(c, _)| c == "E-mail 2 Address"));
        assert!(m.contains(&("Department".into(), PersonField::Team)));
    }

    #[test]
    fn google_and_thunderbird_headers_are_mapped() {
        let g = mapped(&[
            "First Name",
            "Last Name",
            "Nickname",
            "E-mail 1 - Label",
            "E-mail 1 - Value",
            "Organization Name",
            "Organization Title",
            "Organization Department",
        ]);
        assert!(g.contains(&("E-mail 1 - Value".into(), PersonField::Email)));
        assert!(g.contains(&("Organization Title".into(), PersonField::JobTitle)));
        assert!(g.contains(&("Nickname".into(), PersonField::PreferredName)));
        let t = mapped(&[
            "First Name",
            "Last Name",
            "Display Name",
            "Nickname",
            "Primary Email",
            "Secondary Email",
            "Job Title",
            "Department",
            "Organization",
        ]);
        assert!(t.contains(&("Display Name".into(), PersonField::Name)));
        assert!(t.contains(&("Primary Email".into(), PersonField::Email)));
        assert!(t.contains(&("Organization".into(), PersonField::Organisation)));
    }

    #[test]
    fn googles_starred_address_and_outlooks_exchange_path_give_way_to_the_real_address() {
        let text = "Name,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value\n\
                    Sophie,Home,sophie@home.example,* Work,sophie@corp.example\n\
                    Tom,* Other,tom@corp.example,,\n";
        let layout = CsvLayout::detect(text).unwrap();
        let rows: Vec<Candidate> =
            read_rows(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())), &layout, &layout.guess)
                .collect::<Result<_>>()
                .unwrap();
        assert_eq!(rows[0].email, "sophie@corp.example");
        assert_eq!(rows[1].email, "tom@corp.example");

        let text = "First Name,E-mail Address,E-mail Type,E-mail 2 Address\n\
                    Kim,/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=kim,EX,kim@corp.example\n";
        let layout = CsvLayout::detect(text).unwrap();
        let rows: Vec<Candidate> =
            read_rows(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())), &layout, &layout.guess)
                .collect::<Result<_>>()
                .unwrap();
        assert_eq!(rows[0].email, "kim@corp.example");
    }

    #[test]
    fn the_separator_is_found_outside_quotes() {
        assert_eq!(guess_delimiter("name;email;\"team, north\""), b';');
        assert_eq!(guess_delimiter("name\temail"), b'\t');
        assert_eq!(guess_delimiter("\"a;b;c\",email"), b',');
    }

    #[test]
    fn a_first_row_with_an_address_is_data_not_a_header() {
        let layout = CsvLayout::detect("Jane Doe,jane@corp.example\nTom,tom@corp.example\n").unwrap();
        assert!(!layout.has_header);
        assert_eq!(layout.guess, vec![Some(PersonField::Name), Some(PersonField::Email)]);
    }

    #[test]
    fn rows_are_read_through_the_mapping_numbered_as_a_spreadsheet_does() {
        let text = "Name,E-mail,Notes\r\n\"Doe, Jane\",jane@corp.example ::: j@home.example,\"two\r\nlines\"\r\n\r\nTom,tom@x.example,\r\n";
        let layout = CsvLayout::detect(text).unwrap();
        let rows: Vec<Candidate> =
            read_rows(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())), &layout, &layout.guess)
                .collect::<Result<_>>()
                .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].row, rows[0].name.as_str(), rows[0].email.as_str()), (2, "Doe, Jane", "jane@corp.example"));
        assert_eq!(rows[0].notes, "two\r\nlines");
        assert_eq!(rows[1].row, 3);
    }

    #[test]
    fn a_row_far_wider_than_the_header_is_a_problem_not_data() {
        let mut text = String::from("name,email\n");
        text.push_str("Jane,jane@corp.example");
        for i in 0..10_000 {
            text.push_str(&format!(",x{i}"));
        }
        text.push('\n');
        let layout = CsvLayout::detect(&text).unwrap();
        let rows: Vec<Candidate> = read_rows(Box::new(std::io::Cursor::new(text.into_bytes())), &layout, &layout.guess)
            .collect::<Result<_>>()
            .unwrap();
        assert!(rows[0].problem.as_deref().unwrap().contains("10,002 columns"), "{:?}", rows[0].problem);
    }
}
