//! A mailmerge project (the Python `mailmerge` tool): `mailmerge_database.csv` gives the people,
//! `mailmerge_template.txt` (headers, a blank line, a Jinja2 body) becomes an Afterword template.
//! [`Project::locate`] accepts the folder or either file; [`convert_template`] rewrites the
//! template's column variables into Afterword's (`{{name}}` → `{{ person.name }}`), and turns a
//! column Afterword has no field for into visible text, with a warning saying so.

use super::csv_rows::guess_mapping;
use super::fields::PersonField;
use crate::compose::templates::TemplateInput;
use crate::error::{Error, Result};
use regex::Regex;
use serde::Serialize;
use specta::Type;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub(crate) const DATABASE_FILE: &str = "mailmerge_database.csv";
pub(crate) const TEMPLATE_FILE: &str = "mailmerge_template.txt";

/// Where a mailmerge project's files are.
pub(crate) struct Project {
    pub database: PathBuf,
    pub template: Option<PathBuf>,
}

impl Project {
    /// The project a path points at: its folder, or one of its two files.
    pub fn locate(path: &Path) -> Option<Project> {
        let folder = if path.is_dir() {
            path.to_path_buf()
        } else {
            let name = path.file_name()?.to_str()?;
            if name != DATABASE_FILE && name != TEMPLATE_FILE {
                return None;
            }
            path.parent()?.to_path_buf()
        };
        let database = folder.join(DATABASE_FILE);
        if !database.is_file() {
            return None;
        }
        let template = Some(folder.join(TEMPLATE_FILE)).filter(|t| t.is_file());
        Some(Project { database, template })
    }
}

/// The template a mailmerge project brings, as it will be saved, and what changed on the way.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct TemplatePlan {
    pub name: String,
    pub subject: String,
    pub body: String,
    /// Plain sentences: columns with no Afterword field, headers Afterword sets itself.
    pub warnings: Vec<String>,
    /// Why it cannot be saved as it is (a syntax error, say); then it is left out of the import.
    pub problem: Option<String>,
    /// True when a template with the same name and text exists: importing again adds nothing.
    pub exists: bool,
}

fn variable() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\|[^}]*)?\}\}").expect("valid regex"))
}

/// Reads `mailmerge_template.txt` and rewrites it for the columns of the database.
pub(crate) fn convert_template(path: &Path, columns: &[String], project_name: &str) -> Result<TemplatePlan> {
    let raw = std::fs::read(path)
        .map_err(|source| Error::Io { context: format!("Could not read {}", path.display()), source })?;
    if raw.len() > 256 * 1024 {
        return Err(Error::invalid(
            "file",
            format!("{} is larger than 256 KiB: it is not a mail template.", path.display()),
        ));
    }
    let text = String::from_utf8_lossy(&raw).replace("\r\n", "\n");
    let (headers, body) = match text.split_once("\n\n") {
        Some((h, b)) => (h.to_string(), b.to_string()),
        None => (text.clone(), String::new()),
    };
    let mut warnings = Vec::new();
    let mut subject = String::new();
    for line in headers.lines() {
        let Some((key, value)) = line.split_once(':') else { continue };
        match key.trim().to_ascii_uppercase().as_str() {
            "SUBJECT" => subject = value.trim().to_string(),
            "TO" => {}
            "FROM" | "REPLY-TO" => warnings.push(format!(
                "Its {} header is not kept: Afterword sends from the address in Settings › Sender.",
                key.trim().to_ascii_uppercase()
            )),
            "CC" | "BCC" => warnings.push(format!(
                "Its {} header is not kept: copies to yourself are chosen in Settings › Mail server.",
                key.trim().to_ascii_uppercase()
            )),
            "ATTACHMENT" => warnings.push("Its attachments are not kept: Afterword sends no attachments.".into()),
            _ => {}
        }
    }
    let mapping = guess_mapping(columns);
    let mut unknown: Vec<String> = Vec::new();
    let mut rewrite = |text: &str| -> String {
        variable()
            .replace_all(text, |caps: &regex::Captures<'_>| {
                let column = &caps[1];
                let field = columns.iter().position(|c| c.eq_ignore_ascii_case(column)).and_then(|i| mapping[i]);
                let filter = caps.get(2).map_or("", |m| m.as_str().trim());
                match field.and_then(person_variable) {
                    Some(var) if filter.is_empty() => format!("{{{{ {var} }}}}"),
                    Some(var) => format!("{{{{ {var} {filter} }}}}"),
                    None => {
                        if !unknown.iter().any(|u| u == column) {
                            unknown.push(column.to_string());
                        }
                        format!("[{column}]")
                    }
                }
            })
            .into_owned()
    };
    let subject = rewrite(&subject);
    let body = rewrite(body.trim_start_matches('\n'));
    for column in &unknown {
        warnings.push(format!(
            "{{{{{column}}}}} is a column Afterword has no field for: it became the text [{column}]. Edit the template to say it another way."
        ));
    }
    let name = format!("Imported from mailmerge ({project_name})");
    let subject = if subject.is_empty() { "Thank you".to_string() } else { subject };
    let problem = crate::compose::templates::clean(&TemplateInput {
        name: name.clone(),
        audience: None,
        incident_kind: None,
        subject: subject.clone(),
        body: body.clone(),
    })
    .err()
    .map(|e| format!("The template cannot be saved as it is: {e}"));
    Ok(TemplatePlan { name, subject, body, warnings, problem, exists: false })
}

/// The Afterword template variable for a person field, where there is one.
fn person_variable(field: PersonField) -> Option<&'static str> {
    match field {
        PersonField::Name => Some("person.name"),
        PersonField::FirstName | PersonField::PreferredName => Some("person.first_name"),
        PersonField::Email => Some("person.email"),
        PersonField::Organisation => Some("person.organisation"),
        PersonField::Team => Some("person.team"),
        PersonField::MiddleName | PersonField::LastName | PersonField::JobTitle | PersonField::Notes => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_become_person_variables_and_unknown_ones_visible_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(TEMPLATE_FILE);
        std::fs::write(
            &path,
            "TO: {{email}}\nSUBJECT: Thanks, {{name}}\nFROM: Me <me@corp.example>\n\nHi {{ name }},\n\nYour number is {{number}}.\n",
        )
        .unwrap();
        let columns = vec!["email".to_string(), "name".to_string(), "number".to_string()];
        let plan = convert_template(&path, &columns, "thanks").unwrap();
        assert_eq!(plan.subject, "Thanks, {{ person.name }}");
        assert_eq!(plan.body, "Hi {{ person.name }},\n\nYour number is [number].\n");
        assert_eq!(plan.problem, None);
        assert!(plan.warnings.iter().any(|w| w.contains("{{number}}")), "{:?}", plan.warnings);
        assert!(plan.warnings.iter().any(|w| w.contains("FROM")));
    }

    #[test]
    fn a_broken_template_is_reported_not_saved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(TEMPLATE_FILE);
        std::fs::write(&path, "SUBJECT: Hi\n\n{% if name %}Hello\n").unwrap();
        let plan = convert_template(&path, &["email".into(), "name".into()], "x").unwrap();
        assert!(plan.problem.is_some());
    }
}
