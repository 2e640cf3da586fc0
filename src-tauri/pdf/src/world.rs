//! The [`World`] typst compiles in: the template as the main source, the data as `data.json`,
//! the embedded fonts, no packages and no other files.

use std::sync::LazyLock;

use chrono::{Datelike, Local, Utc};
use typst::diag::{FileError, FileResult, PackageError, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use crate::fonts::FONTS;
use crate::{PdfError, Template};

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The path typst shows for the template in diagnostics.
fn template_path(template: Template) -> &'static str {
    match template {
        Template::Contributors => "/templates/contributors.typ",
        Template::Recognition => "/templates/recognition.typ",
    }
}

fn project_file(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

static DATA_ID: LazyLock<FileId> = LazyLock::new(|| project_file("/templates/data.json"));

/// What both templates import: colours, page frame, cover, charts, chips.
static COMMON: LazyLock<Source> = LazyLock::new(|| {
    Source::new(project_file("/templates/common.typ"), include_str!("../templates/common.typ").to_owned())
});

/// The two templates, parsed once per process.
static SOURCES: LazyLock<[Source; 2]> = LazyLock::new(|| {
    [Template::Contributors, Template::Recognition]
        .map(|template| Source::new(project_file(template_path(template)), template.source().to_owned()))
});

fn source_of(template: Template) -> &'static Source {
    match template {
        Template::Contributors => &SOURCES[0],
        Template::Recognition => &SOURCES[1],
    }
}

struct ReportWorld {
    main: Source,
    common: Source,
    data: Bytes,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.common.id() {
            Ok(self.common.clone())
        } else if id == *DATA_ID {
            Err(FileError::NotSource)
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA_ID {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else if id == self.common.id() {
            Ok(Bytes::from_string(self.common.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, offset: Option<Duration>) -> Option<Datetime> {
        let date = match offset {
            None => Local::now().date_naive(),
            Some(offset) => {
                let seconds = offset.seconds().round() as i64;
                (Utc::now() + chrono::Duration::seconds(seconds)).date_naive()
            }
        };
        Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
    }
}

fn not_found(id: FileId) -> FileError {
    match id.root() {
        VirtualRoot::Package(spec) => FileError::Package(PackageError::Other(Some(
            format!("packages are not available in reports ({spec})").into(),
        ))),
        VirtualRoot::Project => FileError::NotFound(id.vpath().get_without_slash().into()),
    }
}

pub(crate) fn render(template: Template, data_json: &[u8]) -> Result<Vec<u8>, PdfError> {
    // A plain message for data that is not JSON at all, before typst says it its own way.
    if let Err(err) = serde_json::from_slice::<serde::de::IgnoredAny>(data_json) {
        return Err(PdfError::new(format!("The data for the {} is not valid JSON: {err}.", template.name())));
    }

    let (main, common) = sources(template);
    compile(ReportWorld { main, common, data: Bytes::new(data_json.to_vec()) }, template)
}

/// The template and the shared module: the embedded ones, or with the `dev-templates` feature
/// and `AFTERWORD_PDF_TEMPLATES=dir`, the files in that folder (read on every render, so the
/// design can be changed without rebuilding).
fn sources(template: Template) -> (Source, Source) {
    #[cfg(feature = "dev-templates")]
    if let Some(dir) = std::env::var_os("AFTERWORD_PDF_TEMPLATES") {
        let dir = std::path::PathBuf::from(dir);
        let read = |path: &str| {
            let name = path.rsplit('/').next().unwrap_or(path);
            let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
            Source::new(project_file(path), text)
        };
        return (read(template_path(template)), read("/templates/common.typ"));
    }
    (source_of(template).clone(), COMMON.clone())
}

fn compile(world: ReportWorld, template: Template) -> Result<Vec<u8>, PdfError> {
    let started = std::time::Instant::now();
    let result = typst::compile::<PagedDocument>(&world).output.and_then(|document| {
        let laid_out = started.elapsed();
        let options = typst_pdf::PdfOptions {
            ident: typst::foundations::Smart::Custom(template.name().to_owned()),
            tagged: tagged(),
            ..Default::default()
        };
        let pdf = typst_pdf::pdf(&document, &options);
        report_phases(document.pages().len(), laid_out, started.elapsed() - laid_out);
        pdf
    });
    // typst memoizes across compilations; a report is made once, so let go of what it cached.
    typst::comemo::evict(0);
    result.map_err(|diagnostics| PdfError::new(describe(&world, template, diagnostics.as_slice())))
}

/// With the `dev-templates` feature and `AFTERWORD_PDF_PHASES` set, how long layout and PDF
/// export took (to see where a big report's time goes).
fn report_phases(pages: usize, layout: std::time::Duration, export: std::time::Duration) {
    if cfg!(feature = "dev-templates") && std::env::var_os("AFTERWORD_PDF_PHASES").is_some() {
        eprintln!("{pages} pages: layout {:.2} s, PDF export {:.2} s", layout.as_secs_f64(), export.as_secs_f64());
    }
}

/// Tagged PDF (structure for screen readers) unless, with the `dev-templates` feature,
/// `AFTERWORD_PDF_UNTAGGED` is set (to measure what tagging costs).
fn tagged() -> bool {
    !(cfg!(feature = "dev-templates") && std::env::var_os("AFTERWORD_PDF_UNTAGGED").is_some())
}

/// The diagnostics as sentences: message, where (template line or data.json), hints.
fn describe(world: &ReportWorld, template: Template, diagnostics: &[SourceDiagnostic]) -> String {
    let mut parts = Vec::new();
    for diagnostic in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        let mut part = capitalise(&diagnostic.message);
        if let Some(id) = diagnostic.span.id() {
            let at = world.range(diagnostic.span).and_then(|range| {
                let line = if id == world.main.id() {
                    world.main.lines().byte_to_line(range.start)
                } else if id == world.common.id() {
                    world.common.lines().byte_to_line(range.start)
                } else if id == *DATA_ID {
                    Some(
                        world.data.as_slice()[..range.start.min(world.data.len())]
                            .iter()
                            .filter(|&&b| b == b'\n')
                            .count(),
                    )
                } else {
                    None
                }?;
                Some(format!("{}, line {}", id.vpath().get_without_slash(), line + 1))
            });
            if let Some(at) = at {
                part.push_str(&format!(" (at {at})"));
            }
        }
        for hint in &diagnostic.hints {
            part.push_str(&format!(". Hint: {}", hint.v));
        }
        parts.push(part);
    }
    if parts.is_empty() {
        parts.push("typst reported no details".to_owned());
    }
    format!("Could not typeset the {}: {}.", template.name(), parts.join("; "))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile_source(text: &str) -> Result<Vec<u8>, PdfError> {
        let main = Source::new(project_file("/templates/test.typ"), text.to_owned());
        compile(ReportWorld { main, common: COMMON.clone(), data: Bytes::new(b"{}".to_vec()) }, Template::Contributors)
    }

    #[test]
    fn packages_are_refused() {
        let err = compile_source("#import \"@preview/cetz:0.3.0\": *").unwrap_err();
        assert!(err.message().contains("packages are not available in reports"), "{err}");
    }

    #[test]
    fn other_files_are_not_found() {
        let err = compile_source("#read(\"/etc/passwd\")").unwrap_err();
        assert!(err.message().contains("not found"), "{err}");
    }

    #[test]
    fn hints_and_lines_are_in_the_message() {
        let err = compile_source("\n\n#let x = (a: 1)\n#x.b").unwrap_err();
        assert!(err.message().contains("line 4"), "{err}");
        assert!(err.message().starts_with("Could not typeset the contributors report: "), "{err}");
    }

    #[test]
    fn today_is_available() {
        compile_source("#datetime.today().display()").unwrap();
    }
}
