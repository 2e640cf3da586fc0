//! Bringing people in from files and text they already have: Outlook, Google Contacts and
//! Thunderbird CSV (any CSV with a header, through a column mapping), vCard 2.1/3.0/4.0, text
//! pasted from a To or Cc line, and a mailmerge project (people plus a template).
//!
//! - [`ImportRequest`] says what to read and the person's choices (format, column mapping,
//!   audience, per-row overrides in [`RowChoice`]).
//! - [`Store::preview_import`] reads the whole source and classifies every row ([`RowClass`]:
//!   new, updated, duplicate, invalid, each with its reason) without writing anything;
//!   [`Store::import_people`] does the same and writes it in one transaction, recorded in the
//!   audit log. Both stream the source: a million rows keep memory flat, and rows reach the
//!   caller one at a time ([`ImportRow`]) with progress along the way.
//! - A known person (matched by email, ignoring case, following merges) only gains the details
//!   they lacked; a value already filled changes only when the row says `overwrite`. Importing
//!   the same file twice changes nothing the second time.
//!
//! The readers are [`input`] (encodings), [`csv_rows`], [`vcard_rows`], [`address_list`] and
//! [`mailmerge`]; [`fields`] holds what a source row says ([`PersonField`]).

mod address_list;
mod csv_rows;
mod fields;
mod input;
mod mailmerge;
mod scratch;
mod vcard_rows;

pub use fields::PersonField;
pub use mailmerge::TemplatePlan;

use crate::audit;
use crate::compose::templates::TemplateInput;
use crate::error::{Error, Result};
use crate::model::{Audience, PersonInput};
use crate::people::{self, CleanPerson};
use crate::settings::Settings;
use crate::store::{new_id, Store};
use crate::validate;
use csv_rows::CsvLayout;
use fields::Candidate;
use input::Input;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::Ordering;

/// Rows of each class kept in a preview for the window (so the invalid rows of a large file are
/// listed, not only its first rows); the counts always cover every row.
pub const PREVIEW_ROWS: usize = 2_000;
/// How often (in rows) progress is reported and a cancel is noticed.
const PROGRESS_EVERY: u64 = 500;

/// The kinds of source Afterword reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    Csv,
    Vcard,
    /// Addresses as copied from a To or Cc line.
    Text,
    /// A mailmerge project: `mailmerge_database.csv` and `mailmerge_template.txt`.
    Mailmerge,
}

impl ImportFormat {
    pub fn parse(text: &str) -> Option<ImportFormat> {
        match text.to_ascii_lowercase().as_str() {
            "csv" => Some(ImportFormat::Csv),
            "vcard" | "vcf" => Some(ImportFormat::Vcard),
            "text" | "txt" => Some(ImportFormat::Text),
            "mailmerge" => Some(ImportFormat::Mailmerge),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ImportFormat::Csv => "CSV",
            ImportFormat::Vcard => "vCard",
            ImportFormat::Text => "addresses",
            ImportFormat::Mailmerge => "mailmerge",
        }
    }

    /// What one row of it is called: a row, a card, an address.
    fn row_unit(self) -> RowUnit {
        match self {
            ImportFormat::Csv | ImportFormat::Mailmerge => RowUnit::Row,
            ImportFormat::Vcard => RowUnit::Card,
            ImportFormat::Text => RowUnit::Address,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RowUnit {
    /// A spreadsheet row: the header is row 1.
    Row,
    Card,
    Address,
}

/// Where the people come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportSource {
    /// A file (or a mailmerge project's folder) on this machine.
    File { path: String },
    /// Text pasted into the window, typically a To line.
    Text { text: String },
}

/// One row's override, chosen in the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RowChoice {
    pub row: u32,
    /// The audience for a new person instead of the guess.
    pub audience: Option<Audience>,
    /// Replace a known person's filled values with the file's where they differ.
    pub overwrite: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ImportRequest {
    pub source: ImportSource,
    /// Detected when not given.
    pub format: Option<ImportFormat>,
    /// CSV: the person field of each column, in column order; the guess when not given.
    pub mapping: Option<Vec<Option<PersonField>>>,
    /// The audience of every new person, instead of guessing it from their organisation.
    pub audience: Option<Audience>,
    /// Replace known people's differing details on every row (a row's choice still wins).
    pub overwrite: bool,
    pub choices: Vec<RowChoice>,
}

impl ImportRequest {
    pub fn new(source: ImportSource) -> Self {
        ImportRequest { source, format: None, mapping: None, audience: None, overwrite: false, choices: Vec::new() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RowClass {
    /// Nobody has this email yet: a new person.
    New,
    /// A known person gains details they lacked (or, chosen, has details replaced).
    Updated,
    /// The same email as an earlier row, or a known person with nothing new.
    Duplicate,
    /// Cannot be imported; the reason says why.
    Invalid,
}

/// One field that an import fills or would change.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct FieldChange {
    pub field: PersonField,
    /// The value the person has now ("" when empty).
    pub from: String,
    pub to: String,
}

/// One row of the source, classified.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ImportRow {
    /// The row (CSV, counting the header as row 1), card (vCard) or address (text) it came from.
    pub row: u32,
    pub email: String,
    pub name: String,
    pub organisation: String,
    pub team: String,
    pub job_title: String,
    pub class: RowClass,
    /// Why it has that class, in plain words.
    pub reason: String,
    /// For a new person: the audience they will get (guessed or chosen).
    pub audience: Option<Audience>,
    /// For an updated or duplicate row: the known person.
    pub person_id: Option<String>,
    /// Empty fields the row fills in.
    pub fills: Vec<FieldChange>,
    /// Filled fields the row would change; applied only with `overwrite`.
    pub conflicts: Vec<FieldChange>,
    pub overwrite: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Type)]
pub struct ImportCounts {
    pub new: u32,
    pub updated: u32,
    pub duplicate: u32,
    pub invalid: u32,
}

impl ImportCounts {
    fn add(&mut self, class: RowClass) {
        let slot = match class {
            RowClass::New => &mut self.new,
            RowClass::Updated => &mut self.updated,
            RowClass::Duplicate => &mut self.duplicate,
            RowClass::Invalid => &mut self.invalid,
        };
        *slot = slot.saturating_add(1);
    }

    pub fn total(&self) -> u32 {
        self.new + self.updated + self.duplicate + self.invalid
    }
}

/// What a source is and what importing it does (or did).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ImportSummary {
    pub format: ImportFormat,
    /// "Outlook CSV", "vCard", "Addresses", "mailmerge project"…
    pub source_label: String,
    /// "UTF-8", "UTF-8 with byte-order mark", "windows-1252", "UTF-16LE"…
    pub encoding: String,
    pub row_unit: RowUnit,
    /// CSV: the header's columns, the mapping used, and the first rows' values per column.
    pub columns: Vec<String>,
    pub mapping: Vec<Option<PersonField>>,
    pub samples: Vec<Vec<String>>,
    pub counts: ImportCounts,
    /// A mailmerge project's template.
    pub template: Option<TemplatePlan>,
}

/// The preview the window shows: the summary and, in file order, the first [`PREVIEW_ROWS`]
/// rows of each class.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ImportPreview {
    pub summary: ImportSummary,
    pub rows: Vec<ImportRow>,
    /// True when some class has more rows than those listed.
    pub more_rows: bool,
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ImportReport {
    pub summary: ImportSummary,
    /// The audit log's record of this import (entity `import`).
    pub import_id: String,
    /// The template a mailmerge project brought, when one was saved.
    pub template_id: Option<String>,
}

/// How far a long preview or import has come.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Type)]
pub struct ImportProgress {
    pub rows: u32,
    pub bytes: f64,
    /// The source's size, when known.
    pub total_bytes: Option<f64>,
}

/// Called with each row as it is classified (or written), and with progress; answering
/// `false` to progress stops the work (an import then writes nothing).
pub trait ImportObserver {
    fn row(&mut self, _row: &ImportRow) {}
    fn progress(&mut self, _progress: &ImportProgress) -> bool {
        true
    }
}

/// Keeps the first rows for a preview.
struct KeepFirst<'a> {
    rows: Vec<ImportRow>,
    kept: ImportCounts,
    more: bool,
    inner: &'a mut dyn ImportObserver,
}

impl ImportObserver for KeepFirst<'_> {
    fn row(&mut self, row: &ImportRow) {
        let mut with_this = self.kept;
        with_this.add(row.class);
        if with_this.new.max(with_this.updated).max(with_this.duplicate).max(with_this.invalid) as usize <= PREVIEW_ROWS
        {
            self.kept = with_this;
            self.rows.push(row.clone());
        } else {
            self.more = true;
        }
        self.inner.row(row);
    }
    fn progress(&mut self, progress: &ImportProgress) -> bool {
        self.inner.progress(progress)
    }
}

/// An observer that wants nothing.
pub struct Quiet;
impl ImportObserver for Quiet {}

impl Store {
    /// What the source is (format, encoding, columns and the mapping guess, a template) without
    /// reading its rows: instant even for a very large file. A guess without an email column is
    /// not an error here: it is what the person then fixes in the mapping.
    pub fn inspect_import(&self, request: &ImportRequest) -> Result<ImportSummary> {
        let opened = open(request)?;
        let mut summary = opened.summary();
        if let Some(plan) = summary.template.as_mut() {
            plan.exists = self.template_exists(plan)?;
        }
        Ok(summary)
    }

    /// Reads and classifies every row without writing anything.
    pub fn preview_import(&self, request: &ImportRequest, observer: &mut dyn ImportObserver) -> Result<ImportPreview> {
        let mut keep = KeepFirst { rows: Vec::new(), kept: ImportCounts::default(), more: false, inner: observer };
        let scratch = scratch::Scratch::attach(&self.conn)?;
        // One read transaction: a consistent view of the directory. Nothing is written to it.
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let result = self.process_import(request, false, &mut keep);
        self.conn.execute_batch("ROLLBACK")?;
        drop(scratch);
        Ok(ImportPreview { summary: result?.0, rows: keep.rows, more_rows: keep.more })
    }

    /// Classifies every row and writes the new and updated people (and a mailmerge project's
    /// template) in one transaction: all of it lands, or (an error, a cancel) none of it.
    pub fn import_people(&self, request: &ImportRequest, observer: &mut dyn ImportObserver) -> Result<ImportReport> {
        let scratch = scratch::Scratch::attach(&self.conn)?;
        let result = self.write(|_| self.process_import(request, true, observer));
        drop(scratch);
        let (summary, written) = result?;
        let (import_id, template_id, updated_any) = written.expect("an import that writes reports what it wrote");
        if updated_any {
            // Changed details can change approved messages: they go back to draft if so.
            self.recheck_approvals(None)?;
        }
        Ok(ImportReport { summary, import_id, template_id })
    }

    #[allow(clippy::type_complexity)]
    fn process_import(
        &self,
        request: &ImportRequest,
        apply: bool,
        observer: &mut dyn ImportObserver,
    ) -> Result<(ImportSummary, Option<(String, Option<String>, bool)>)> {
        let opened = open(request)?;
        if opened.layout.as_ref().is_some_and(|l| !l.guess.contains(&Some(PersonField::Email))) {
            return Err(Error::invalid(
                "mapping",
                "No column is mapped to the email address: choose which column holds it.",
            ));
        }
        let settings = self.settings()?;
        let context = Classifier::new(self, &settings, request, opened.format.row_unit())?;
        let mut summary = opened.summary();
        let Opened { input, format, layout, mut template, .. } = opened;
        if let Some(plan) = template.as_mut() {
            plan.exists = self.template_exists(plan)?;
        }
        let total_bytes = input.total_bytes;
        let consumed = std::sync::Arc::clone(&input.consumed);
        let mapping = summary.mapping.clone();
        let reader = input.into_reader();
        let rows: Box<dyn Iterator<Item = Result<Candidate>> + '_> = match (format, &layout) {
            (ImportFormat::Csv | ImportFormat::Mailmerge, Some(layout)) => {
                Box::new(csv_rows::read_rows(reader, layout, &mapping))
            }
            (ImportFormat::Vcard, _) => Box::new(vcard_rows::read_cards(reader)),
            (ImportFormat::Text, _) => Box::new(address_list::read_addresses(reader)),
            _ => unreachable!("CSV sources always have a layout"),
        };

        let import_id = new_id();
        let mut pending = Pending { import_id: import_id.clone(), now: self.now(), apply, rows: 0, updated: 0, seq: 0 };
        let mut counts = ImportCounts::default();
        let mut updated_any = false;
        let mut done: u64 = 0;
        let start = ImportProgress { rows: 0, bytes: 0.0, total_bytes: total_bytes.map(|b| b as f64) };
        if !observer.progress(&start) {
            return Err(Error::Cancelled("The import was stopped; nothing was changed.".into()));
        }
        for candidate in rows {
            let candidate = candidate?;
            let (row, action) = context.classify(self, candidate, pending.updated > 0)?;
            updated_any |= apply && matches!(action, Action::Update { .. });
            pending.stage(self, &row, action)?;
            counts.add(row.class);
            observer.row(&row);
            done += 1;
            if done.is_multiple_of(PROGRESS_EVERY) {
                let progress = ImportProgress {
                    rows: done.min(u64::from(u32::MAX)) as u32,
                    bytes: consumed.load(Ordering::Relaxed) as f64,
                    total_bytes: total_bytes.map(|b| b as f64),
                };
                if !observer.progress(&progress) {
                    return Err(Error::Cancelled("The import was stopped; nothing was changed.".into()));
                }
            }
        }
        pending.flush(self)?;
        summary.counts = counts;
        summary.template = template;
        if !apply {
            return Ok((summary, None));
        }
        let template_id = match &summary.template {
            Some(plan) if plan.problem.is_none() && !plan.exists => Some(
                self.create_template(&TemplateInput {
                    name: plan.name.clone(),
                    audience: None,
                    incident_kind: None,
                    subject: plan.subject.clone(),
                    body: plan.body.clone(),
                })?
                .id,
            ),
            _ => None,
        };
        audit::record(
            &self.conn,
            self,
            "import",
            &import_id,
            "import",
            json!({
                "source": summary.source_label,
                "format": summary.format,
                "new": counts.new,
                "updated": counts.updated,
                "duplicate": counts.duplicate,
                "invalid": counts.invalid,
                "template": template_id,
            }),
        )?;
        Ok((summary, Some((import_id, template_id, updated_any))))
    }

    fn template_exists(&self, plan: &TemplatePlan) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM templates WHERE deleted_at IS NULL AND name = ?1 AND subject = ?2 AND body = ?3",
            )?
            .query_row(params![plan.name, plan.subject, plan.body], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

/// Rows' changes are written this many at a time: each statement that writes `people` makes the
/// search index flush what it holds and opens a statement journal, so one statement per batch,
/// not per row; the batch waits in the scratch database, not in memory.
const WRITE_BATCH: usize = 20_000;

/// What an import writes, waiting in the scratch database to be written a batch at a time:
/// new people (`new_people`), the details known people gain (`updated`, one row per person,
/// as they stand after every row so far) and the audit lines of those updates (`update_lines`).
struct Pending {
    import_id: String,
    now: String,
    /// False for a preview: only what later rows must see (`updated`) is kept, nothing is written.
    apply: bool,
    /// Rows waiting to be written.
    rows: usize,
    /// Rows put in `updated` since it was last written (0: it is empty).
    updated: usize,
    /// File order, shared by new people and updates, for the audit lines.
    seq: i64,
}

impl Pending {
    fn stage(&mut self, store: &Store, row: &ImportRow, action: Action) -> Result<()> {
        match action {
            Action::Nothing => return Ok(()),
            Action::Insert(person, key) => {
                if !self.apply {
                    return Ok(());
                }
                self.seq += 1;
                store
                    .conn
                    .prepare_cached(
                        "INSERT INTO import_scratch.new_people (seq, id, name, preferred_name, email, email_key,
                                                                organisation, team, audience, technical_level, notes,
                                                                job_title)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    )?
                    .execute(params![
                        self.seq,
                        new_id(),
                        person.name,
                        person.preferred_name,
                        person.email,
                        key,
                        person.organisation,
                        person.team,
                        person.audience,
                        person.technical_level,
                        person.notes,
                        person.job_title
                    ])?;
            }
            Action::Update { id, values } => {
                // A later row that reaches the same person (through a merged address) sees these
                // values, in a preview as in the import.
                store
                    .conn
                    .prepare_cached(
                        "INSERT OR REPLACE INTO import_scratch.updated (id, name, preferred_name, organisation, team,
                                                                        job_title, notes)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![
                        id,
                        values.name,
                        values.preferred_name,
                        values.organisation,
                        values.team,
                        values.job_title,
                        values.notes
                    ])?;
                self.updated += 1;
                if !self.apply {
                    return Ok(());
                }
                let changed: Vec<&str> = row
                    .fills
                    .iter()
                    .chain(row.overwrite.then_some(&row.conflicts).into_iter().flatten())
                    .map(|c| c.field.label())
                    .collect();
                self.seq += 1;
                store
                    .conn
                    .prepare_cached("INSERT INTO import_scratch.update_lines (seq, id, detail) VALUES (?1, ?2, ?3)")?
                    .execute(params![
                        self.seq,
                        id,
                        json!({ "import": self.import_id, "changed": changed }).to_string()
                    ])?;
            }
        }
        self.rows += 1;
        if self.rows >= WRITE_BATCH {
            self.flush(store)?;
        }
        Ok(())
    }

    /// Writes the waiting rows: the new people in file order, the known people's new details,
    /// and an audit line for each in file order (a new person's is `{"email", "import", "name"}`);
    /// then empties the batch.
    fn flush(&mut self, store: &Store) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        people::insert_staged(&store.conn, "import_scratch.new_people", &self.now)?;
        people::update_staged(&store.conn, "import_scratch.updated", &self.now)?;
        store
            .conn
            .prepare_cached(
                "INSERT INTO audit_log (at, actor, entity, entity_id, action, detail)
                 SELECT ?1, ?2, 'person', id, action, detail FROM (
                     SELECT seq, id, 'create' AS action,
                            json_object('email', email, 'import', ?3, 'name', name) AS detail
                     FROM import_scratch.new_people
                     UNION ALL
                     SELECT seq, id, 'update', detail FROM import_scratch.update_lines
                 ) ORDER BY seq",
            )?
            .execute(params![store.now(), store.actor, self.import_id])?;
        store.conn.execute_batch(
            "DELETE FROM import_scratch.new_people;
             DELETE FROM import_scratch.updated;
             DELETE FROM import_scratch.update_lines;",
        )?;
        self.rows = 0;
        self.updated = 0;
        Ok(())
    }
}

/// A source opened and recognised.
struct Opened {
    input: Input,
    format: ImportFormat,
    source_label: String,
    layout: Option<CsvLayout>,
    template: Option<TemplatePlan>,
}

impl Opened {
    fn summary(&self) -> ImportSummary {
        let (columns, mapping, samples) = match &self.layout {
            Some(layout) => (layout.columns.clone(), layout.guess.clone(), layout.samples(&self.input.head, 3)),
            None => Default::default(),
        };
        ImportSummary {
            format: self.format,
            source_label: self.source_label.clone(),
            encoding: self.input.encoding_label(),
            row_unit: self.format.row_unit(),
            columns,
            mapping,
            samples,
            counts: ImportCounts::default(),
            template: self.template.clone(),
        }
    }
}

fn open(request: &ImportRequest) -> Result<Opened> {
    let mut opened = match &request.source {
        ImportSource::Text { text } => {
            if request.format == Some(ImportFormat::Mailmerge) {
                return Err(Error::invalid(
                    "format",
                    "A mailmerge project is a folder: choose it as a file, not as pasted text.",
                ));
            }
            let input = Input::from_text(text.clone())?;
            recognise(input, request.format)?
        }
        ImportSource::File { path } => {
            let path = Path::new(path.trim());
            if path.as_os_str().is_empty() {
                return Err(Error::invalid("file", "Choose a file to import."));
            }
            if !path.exists() {
                return Err(Error::invalid("file", format!("{} does not exist. Check the path.", path.display())));
            }
            let project = mailmerge::Project::locate(path);
            match (request.format, project) {
                (Some(ImportFormat::Mailmerge) | None, Some(project)) => open_mailmerge(&project)?,
                (Some(ImportFormat::Mailmerge), None) => {
                    return Err(Error::invalid(
                        "file",
                        format!(
                            "{} is not a mailmerge project: choose the folder that holds {} (and {}).",
                            path.display(),
                            mailmerge::DATABASE_FILE,
                            mailmerge::TEMPLATE_FILE
                        ),
                    ))
                }
                (format, _) => recognise(Input::open_file(path)?, format)?,
            }
        }
    };
    if let (Some(layout), Some(mapping)) = (&mut opened.layout, &request.mapping) {
        if mapping.len() != layout.columns.len() {
            return Err(Error::invalid(
                "mapping",
                format!(
                    "The column mapping lists {} columns but the file has {}: the file changed since the preview? Preview it again.",
                    mapping.len(),
                    layout.columns.len()
                ),
            ));
        }
        let mut seen = HashSet::new();
        if let Some(twice) = mapping.iter().flatten().find(|f| !seen.insert(**f) && **f != PersonField::Notes) {
            return Err(Error::invalid("mapping", format!("Two columns are mapped to {}; keep one.", twice.label())));
        }
        layout.guess = mapping.clone();
    }
    Ok(opened)
}

fn open_mailmerge(project: &mailmerge::Project) -> Result<Opened> {
    let input = Input::open_file(&project.database)?;
    reject_binary(&input)?;
    let layout = CsvLayout::detect(&input.head)?;
    let folder = project.database.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
    let template = match &project.template {
        Some(path) => Some(mailmerge::convert_template(path, &layout.columns, folder.as_deref().unwrap_or("project"))?),
        None => None,
    };
    Ok(Opened {
        input,
        format: ImportFormat::Mailmerge,
        source_label: "mailmerge project".into(),
        layout: Some(layout),
        template,
    })
}

/// Works out the format (unless given) from the decoded start of the source.
fn recognise(input: Input, format: Option<ImportFormat>) -> Result<Opened> {
    reject_binary(&input)?;
    let format = match format {
        Some(format) => format,
        None => detect_format(&input)?,
    };
    let (layout, source_label) = match format {
        ImportFormat::Csv => {
            let layout = CsvLayout::detect(&input.head)?;
            let label = layout.source_label.to_string();
            (Some(layout), label)
        }
        ImportFormat::Vcard => (None, "vCard".to_string()),
        ImportFormat::Text => (None, "Addresses".to_string()),
        ImportFormat::Mailmerge => unreachable!("mailmerge projects are opened by open_mailmerge"),
    };
    Ok(Opened { input, format, source_label, layout, template: None })
}

fn detect_format(input: &Input) -> Result<ImportFormat> {
    let head = input.head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if head.len() >= 11 && head[..11].eq_ignore_ascii_case("BEGIN:VCARD") {
        return Ok(ImportFormat::Vcard);
    }
    let first_line = head.lines().next().unwrap_or("");
    let is_address_list = {
        let stripped = first_line.trim_start();
        let stripped = ["to:", "cc:", "bcc:"]
            .iter()
            .find(|l| stripped.len() >= l.len() && stripped[..l.len()].eq_ignore_ascii_case(l))
            .map_or(stripped, |l| &stripped[l.len()..]);
        let parts = split_outside_quotes(stripped);
        !parts.is_empty() && parts.iter().all(|p| p.contains('@'))
    };
    if is_address_list {
        return Ok(ImportFormat::Text);
    }
    if [',', ';', '\t'].iter().any(|d| first_line.contains(*d)) {
        return Ok(ImportFormat::Csv);
    }
    // One column: a header word ("Email") over addresses.
    let second_line = head.lines().skip(1).find(|l| !l.trim().is_empty()).unwrap_or("");
    if !first_line.contains('@') && csv_rows::looks_like_address(second_line.trim().trim_matches('"')) {
        return Ok(ImportFormat::Csv);
    }
    Err(Error::invalid(
        "file",
        format!(
            "{} cannot be read as CSV (its first line has no columns), vCard (it does not start with BEGIN:VCARD) \
             or a list of addresses (its first line has no address). Export the contacts as CSV or vCard, or paste \
             the addresses from a To line.",
            input.label
        ),
    ))
}

fn split_outside_quotes(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quoted, mut angle, mut start) = (false, false, 0);
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' | ';' if !quoted && !angle => {
                parts.push(line[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(line[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// Binary files (images, archives, spreadsheets saved as .xlsx) are refused before anything
/// is read as rows.
fn reject_binary(input: &Input) -> Result<()> {
    let mut total = 0usize;
    let mut odd = 0usize;
    for c in input.head.chars() {
        total += 1;
        if c == '\0' {
            odd += 1000;
        } else if (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')) || c == '\u{fffd}' {
            odd += 1;
        }
    }
    if total > 0 && odd * 50 > total {
        let hint = match input.path.as_ref().and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("xlsx") || ext.eq_ignore_ascii_case("xls") => {
                " It looks like a spreadsheet: save it as CSV (UTF-8) first."
            }
            _ => " Choose a contacts file exported as CSV or vCard.",
        };
        return Err(Error::invalid(
            "file",
            format!("{} is binary data, not text: it cannot be read as CSV, vCard or addresses.{hint}", input.label),
        ));
    }
    Ok(())
}

/// What importing a row does.
enum Action {
    Nothing,
    /// A new person, with their email key.
    Insert(CleanPerson, String),
    Update {
        id: String,
        values: Values,
    },
}

/// The fields an import may set on a known person.
#[derive(Clone, PartialEq)]
struct Values {
    name: String,
    preferred_name: String,
    organisation: String,
    team: String,
    job_title: String,
    notes: String,
}

impl Values {
    fn get(&self, field: PersonField) -> &str {
        match field {
            PersonField::Name => &self.name,
            PersonField::PreferredName => &self.preferred_name,
            PersonField::Organisation => &self.organisation,
            PersonField::Team => &self.team,
            PersonField::JobTitle => &self.job_title,
            PersonField::Notes => &self.notes,
            _ => "",
        }
    }

    fn set(&mut self, field: PersonField, value: String) {
        match field {
            PersonField::Name => self.name = value,
            PersonField::PreferredName => self.preferred_name = value,
            PersonField::Organisation => self.organisation = value,
            PersonField::Team => self.team = value,
            PersonField::JobTitle => self.job_title = value,
            PersonField::Notes => self.notes = value,
            _ => {}
        }
    }
}

const COMPARED: [PersonField; 6] = [
    PersonField::Name,
    PersonField::PreferredName,
    PersonField::Organisation,
    PersonField::Team,
    PersonField::JobTitle,
    PersonField::Notes,
];

/// Classifies rows against the directory and the rest of the file.
struct Classifier {
    settings: Settings,
    own_domain: Option<String>,
    audience: Option<Audience>,
    overwrite: bool,
    choices: HashMap<u32, RowChoice>,
    /// Email keys of merged (retired) people: only these need the slower merge lookup.
    merged_keys: HashSet<String>,
    /// What a row of this source is called, for "the same email as row 4".
    unit: RowUnit,
}

impl Classifier {
    fn new(store: &Store, settings: &Settings, request: &ImportRequest, unit: RowUnit) -> Result<Classifier> {
        let merged_keys = store
            .conn
            .prepare("SELECT email_key FROM people WHERE merged_into IS NOT NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<HashSet<String>>>()?;
        let own_domain = settings.sender_email.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
        Ok(Classifier {
            settings: settings.clone(),
            own_domain,
            audience: request.audience,
            overwrite: request.overwrite,
            choices: request.choices.iter().map(|c| (c.row, c.clone())).collect(),
            merged_keys,
            unit,
        })
    }

    /// `staged_updates`: earlier rows changed known people, not yet written (see [`Pending`]).
    fn classify(&self, store: &Store, mut c: Candidate, staged_updates: bool) -> Result<(ImportRow, Action)> {
        let mut row = ImportRow {
            row: c.row,
            email: c.email.trim().to_string(),
            name: c.full_name(),
            organisation: c.organisation.trim().to_string(),
            team: c.team.trim().to_string(),
            job_title: c.job_title.trim().to_string(),
            class: RowClass::Invalid,
            reason: String::new(),
            audience: None,
            person_id: None,
            fills: Vec::new(),
            conflicts: Vec::new(),
            overwrite: false,
        };
        if let Some(problem) = &c.problem {
            row.reason = problem.clone();
            return Ok((row, Action::Nothing));
        }
        if row.email.is_empty() {
            row.reason = "No email address: Afterword needs one to thank them.".into();
            return Ok((row, Action::Nothing));
        }
        let email = match validate::email("email", &row.email) {
            Ok(email) => email,
            Err(e) => {
                row.reason = e.to_string();
                return Ok((row, Action::Nothing));
            }
        };
        let mut notes_on_name = None;
        if row.name.is_empty() {
            row.name = if !c.preferred_name.trim().is_empty() {
                c.preferred_name.trim().to_string()
            } else {
                email.rsplit_once('@').map_or(email.as_str(), |(local, _)| local).to_string()
            };
            notes_on_name = Some(format!("no name given, so named “{}”", row.name));
        }
        let choice = self.choices.get(&c.row);
        let guessed = self.guess_audience(&row.organisation, &email);
        let audience = choice.and_then(|ch| ch.audience).or(self.audience).unwrap_or(guessed.0);
        let clean = match people::clean_with_checked_email(&PersonInput {
            name: row.name.clone(),
            preferred_name: std::mem::take(&mut c.preferred_name),
            email,
            organisation: row.organisation.clone(),
            team: row.team.clone(),
            job_title: row.job_title.clone(),
            audience: Some(audience),
            notes: std::mem::take(&mut c.notes),
            ..PersonInput::default()
        }) {
            Ok(clean) => clean,
            Err(e) => {
                row.reason = e.to_string();
                return Ok((row, Action::Nothing));
            }
        };
        row.email = clean.email.clone();
        row.name = clean.name.clone();
        let key = validate::email_key(&clean.email);
        // One look-up for the usual case, an email not seen before: the insert is ignored when it was.
        let first_time = store
            .conn
            .prepare_cached("INSERT OR IGNORE INTO import_scratch.seen (email_key, row) VALUES (?1, ?2)")?
            .execute(params![key, c.row])?
            == 1;
        if !first_time {
            let earlier: u32 = store
                .conn
                .prepare_cached("SELECT row FROM import_scratch.seen WHERE email_key = ?1")?
                .query_row([&key], |r| r.get(0))?;
            row.class = RowClass::Duplicate;
            row.reason = format!("The same email as {} {earlier} of this file.", unit_word(self.unit));
            return Ok((row, Action::Nothing));
        }

        let Some((id, known)) = self.known(store, &key, &clean.email, staged_updates)? else {
            row.class = RowClass::New;
            row.audience = Some(audience);
            let why_audience = if choice.and_then(|ch| ch.audience).is_some() || self.audience.is_some() {
                format!("{} (chosen)", audience_label(audience))
            } else {
                format!("{} ({})", audience_label(audience), guessed.1)
            };
            row.reason = match notes_on_name {
                Some(note) => format!("New person, {why_audience}; {note}."),
                None => format!("New person, {why_audience}."),
            };
            return Ok((row, Action::Insert(clean, key)));
        };
        row.person_id = Some(id.clone());
        let incoming = Values {
            // A name made up from the address never replaces a real one.
            name: if notes_on_name.is_some() { String::new() } else { clean.name.clone() },
            preferred_name: clean.preferred_name.clone(),
            organisation: clean.organisation.clone(),
            team: clean.team.clone(),
            job_title: clean.job_title.clone(),
            notes: clean.notes.clone(),
        };
        let mut result = known.clone();
        for field in COMPARED {
            let (have, new) = (known.get(field), incoming.get(field));
            if new.is_empty() || same(have, new) {
                continue;
            }
            let change = FieldChange { field, from: have.to_string(), to: new.to_string() };
            if have.is_empty() {
                result.set(field, new.to_string());
                row.fills.push(change);
            } else {
                row.conflicts.push(change);
            }
        }
        row.overwrite = choice.map_or(self.overwrite, |ch| ch.overwrite) && !row.conflicts.is_empty();
        if row.overwrite {
            for change in &row.conflicts {
                result.set(change.field, change.to.clone());
            }
        }
        let known_as = format!("Known as {}", known.name);
        let list = |changes: &[FieldChange]| changes.iter().map(|c| c.field.label()).collect::<Vec<_>>().join(", ");
        let kept = || {
            let differs: Vec<String> = row
                .conflicts
                .iter()
                .map(|c| format!("{} “{}” (file: “{}”)", c.field.label(), short(&c.from), short(&c.to)))
                .collect();
            format!("keeps {}", differs.join(", "))
        };
        if result == known {
            row.class = RowClass::Duplicate;
            row.reason = if row.conflicts.is_empty() {
                format!("{known_as}; nothing new.")
            } else {
                format!("{known_as}; nothing new to fill in, {}.", kept())
            };
            return Ok((row, Action::Nothing));
        }
        row.class = RowClass::Updated;
        let mut parts = Vec::new();
        if !row.fills.is_empty() {
            parts.push(format!("adds {}", list(&row.fills)));
        }
        if row.overwrite {
            parts.push(format!("replaces {}", list(&row.conflicts)));
        } else if !row.conflicts.is_empty() {
            parts.push(kept());
        }
        row.reason = format!("{known_as}; {}.", parts.join("; "));
        Ok((row, Action::Update { id, values: result }))
    }

    /// The live person with this email key, following a merge when the address was retired, with
    /// the details earlier rows of this source gave them.
    fn known(&self, store: &Store, key: &str, email: &str, staged_updates: bool) -> Result<Option<(String, Values)>> {
        const BY_KEY: &str = "SELECT id, name, preferred_name, organisation, team, job_title, notes FROM people
                              WHERE email_key = ?1 AND deleted_at IS NULL";
        const BY_ID: &str = "SELECT id, name, preferred_name, organisation, team, job_title, notes FROM people
                             WHERE id = ?1 AND deleted_at IS NULL";
        const STAGED: &str = "SELECT id, name, preferred_name, organisation, team, job_title, notes
                              FROM import_scratch.updated WHERE id = ?1";
        let lookup = |sql: &str, arg: &str| -> Result<Option<(String, Values)>> {
            Ok(store
                .conn
                .prepare_cached(sql)?
                .query_row([arg], |r| {
                    Ok((
                        r.get(0)?,
                        Values {
                            name: r.get(1)?,
                            preferred_name: r.get(2)?,
                            organisation: r.get(3)?,
                            team: r.get(4)?,
                            job_title: r.get(5)?,
                            notes: r.get(6)?,
                        },
                    ))
                })
                .optional()?)
        };
        let found = match lookup(BY_KEY, key)? {
            Some(found) => Some(found),
            None if !self.merged_keys.contains(key) => None,
            None => match store.person_by_email(email)? {
                Some(person) => lookup(BY_ID, &person.id)?,
                None => None,
            },
        };
        match found {
            Some((id, values)) if staged_updates => Ok(Some(lookup(STAGED, &id)?.unwrap_or((id, values)))),
            Some(found) => Ok(Some(found)),
            None => Ok(None),
        }
    }

    /// Own organisation (or no organisation, and the analyst's own mail domain) → end user;
    /// another organisation or domain → third party. The reason says which.
    fn guess_audience(&self, organisation: &str, email: &str) -> (Audience, String) {
        if !organisation.is_empty() {
            return if self.settings.organisation.trim().is_empty() {
                (Audience::EndUser, "no organisation of yours is set in Settings".into())
            } else if self.settings.is_own_organisation(organisation) {
                (Audience::EndUser, format!("of {}", self.settings.organisation.trim()))
            } else {
                (Audience::ThirdParty, format!("{} is not your organisation", short(organisation)))
            };
        }
        let domain = email.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
        match (&self.own_domain, domain) {
            (Some(own), Some(theirs)) if own != &theirs => {
                (Audience::ThirdParty, format!("@{theirs} is not your mail domain"))
            }
            (Some(_), Some(_)) => (Audience::EndUser, "your mail domain".into()),
            _ => (Audience::EndUser, "no organisation in the file".into()),
        }
    }
}

fn unit_word(unit: RowUnit) -> &'static str {
    match unit {
        RowUnit::Row => "row",
        RowUnit::Card => "card",
        RowUnit::Address => "address",
    }
}

fn audience_label(audience: Audience) -> &'static str {
    match audience {
        Audience::EndUser => "end user",
        Audience::ItOperations => "IT / operations",
        Audience::ThirdParty => "third party / vendor",
        Audience::SecurityColleague => "security colleague",
        Audience::Management => "management",
    }
}

/// Two values that differ only in case or spacing are the same value.
fn same(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    fold(a) == fold(b)
}

/// A value shortened for a sentence.
fn short(value: &str) -> String {
    let line = value.lines().next().unwrap_or("");
    if line.chars().count() > 40 || value.contains('\n') {
        format!("{}…", line.chars().take(40).collect::<String>())
    } else {
        line.to_string()
    }
}

/// 1234567 → "1,234,567".
pub(crate) fn format_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
