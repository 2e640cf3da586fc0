//! Templates to drafts: [`render`] fills a [`TemplateSource`] (a minijinja subject and a
//! Markdown body) with a [`RenderContext`] and gives a [`RenderedDraft`]; a mistake in the
//! template is a [`TemplateError`] with the part, line and column, in plain words.
//!
//! [`check_template`] renders against [`sample_context`] (and a sparse variant) so mistakes show
//! up while the template is edited, never at send time. [`template_variables`] documents every
//! variable for the editor.
//!
//! Safety of inserted values: the body is Markdown that later becomes both the HTML and the
//! text part, so every value a template prints is escaped for Markdown (and so for HTML too):
//! a contributor named `<script>`, `**bold**`, `{{7*7}}` or `[x](javascript:…)` stays literal
//! text. Only the outcome sections' `text` and the sender's `signature` are Markdown by design and
//! go in as written (they come from the analyst, not from contributors). minijinja auto-escapes
//! only templates whose names end in `.html`, so escaping is configured explicitly here with a
//! custom mode and formatter.

use super::context::*;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior, Value};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// The largest template part (subject or body) accepted, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;
/// The longest subject kept once rendered, in characters; longer ones are cut at a word.
pub const MAX_SUBJECT_CHARS: usize = 250;
/// The work one render may do (minijinja fuel: about one per instruction and per 64 bytes of
/// output). Real templates use a few thousand; this stops a runaway loop in well under a second.
const FUEL: u64 = 500_000;
/// Nesting depth (loops, macros). Real templates nest two or three levels.
const RECURSION_LIMIT: usize = 100;

const SUBJECT_NAME: &str = "subject";
const BODY_NAME: &str = "body";
const MARKDOWN_ESCAPE: &str = "markdown";

/// A template as the analyst writes it: both parts are minijinja (Jinja2) templates; the body
/// is Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TemplateSource {
    pub subject: String,
    pub body: String,
}

/// A template filled in for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RenderedDraft {
    /// One line, trimmed, never empty, at most [`MAX_SUBJECT_CHARS`] characters.
    pub subject: String,
    /// Markdown, ending with a newline.
    pub body: String,
}

/// Which part of a template a [`TemplateError`] is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TemplatePart {
    Subject,
    Body,
}

impl TemplatePart {
    pub fn as_str(self) -> &'static str {
        match self {
            TemplatePart::Subject => "subject",
            TemplatePart::Body => "body",
        }
    }
}

impl fmt::Display for TemplatePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mistake in a template, where it is (1-based line and column, in characters) and what it is
/// in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TemplateError {
    pub part: TemplatePart,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "The template's {} has a problem at line {}, column {}: {}",
            self.part, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for TemplateError {}

impl TemplateError {
    fn at_start(part: TemplatePart, message: impl Into<String>) -> Self {
        TemplateError { part, line: 1, column: 1, message: message.into() }
    }
}

/// One variable a template can use, for the template editor's reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct VariableDoc {
    /// How to write it: `person.first_name`; a list's items are `contributions[].what` (in a loop:
    /// `{% for c in contributions %}{{ c.what }}{% endfor %}`).
    pub name: String,
    pub description: String,
    /// Its value in [`sample_context`].
    pub example: String,
}

/// Fills `source` for one recipient. Both parts are refused beyond [`MAX_TEMPLATE_BYTES`]; a
/// runaway template stops with an error instead of hanging.
pub fn render(source: &TemplateSource, context: &RenderContext) -> Result<RenderedDraft, TemplateError> {
    CompiledTemplate::new(&source.subject, &source.body)?.render(context)
}

/// A template parsed once and rendered for many recipients: ten thousand messages must not
/// parse the same template ten thousand times.
pub struct CompiledTemplate<'s> {
    env: Environment<'s>,
    subject: &'s str,
    body: &'s str,
}

impl<'s> CompiledTemplate<'s> {
    /// Checks the size and the syntax of both parts.
    pub fn new(subject: &'s str, body: &'s str) -> Result<Self, TemplateError> {
        for (part, text) in [(TemplatePart::Subject, subject), (TemplatePart::Body, body)] {
            if text.len() > MAX_TEMPLATE_BYTES {
                return Err(TemplateError::at_start(part, size_message(part, text.len())));
            }
        }
        let mut env = environment();
        env.add_template(SUBJECT_NAME, subject).map_err(|e| template_error(TemplatePart::Subject, subject, &e))?;
        env.add_template(BODY_NAME, body).map_err(|e| template_error(TemplatePart::Body, body, &e))?;
        Ok(CompiledTemplate { env, subject, body })
    }

    pub fn render(&self, context: &RenderContext) -> Result<RenderedDraft, TemplateError> {
        let ctx = context_value(context);
        let subject = self
            .env
            .get_template(SUBJECT_NAME)
            .and_then(|t| t.render(ctx.clone()))
            .map_err(|e| template_error(TemplatePart::Subject, self.subject, &e))?;
        let subject = one_line(&subject, MAX_SUBJECT_CHARS);
        if subject.is_empty() {
            return Err(TemplateError::at_start(
                TemplatePart::Subject,
                "The subject is empty once filled in. Write a few words, for example \
                 \"Thank you for your help with {{ incident.title }}\".",
            ));
        }

        let body = self
            .env
            .get_template(BODY_NAME)
            .and_then(|t| t.render(ctx))
            .map_err(|e| template_error(TemplatePart::Body, self.body, &e))?;
        let body = tidy_body(&body);
        if body.is_empty() {
            return Err(TemplateError::at_start(
                TemplatePart::Body,
                "The body is empty once filled in. Write the message.",
            ));
        }
        Ok(RenderedDraft { subject, body })
    }
}

/// Checks a template at edit time: it must fill in without error for a recipient with every
/// field set and for one with almost nothing (no outcome, no impact, no constraints), so a
/// branch taken only for some recipients is checked too.
pub fn check_template(source: &TemplateSource) -> Result<(), TemplateError> {
    render(source, &sample_context())?;
    render(source, &sparse_context())?;
    Ok(())
}

/// Refuses a template part over [`MAX_TEMPLATE_BYTES`] as [`crate::Error::Invalid`] naming the
/// part's size and the limit (for callers that save templates; [`render`] refuses too).
pub fn check_size(source: &TemplateSource) -> crate::Result<()> {
    for (part, text) in [(TemplatePart::Subject, &source.subject), (TemplatePart::Body, &source.body)] {
        if text.len() > MAX_TEMPLATE_BYTES {
            return Err(crate::Error::invalid(part.as_str(), size_message(part, text.len())));
        }
    }
    Ok(())
}

fn size_message(part: TemplatePart, len: usize) -> String {
    format!(
        "The template's {part} is {} ({len} bytes); a template part may be at most {} ({MAX_TEMPLATE_BYTES} bytes).",
        human_size(len),
        human_size(MAX_TEMPLATE_BYTES)
    )
}

fn human_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        if bytes.is_multiple_of(KIB) {
            format!("{} KiB", bytes / KIB)
        } else {
            format!("{:.1} KiB", bytes as f64 / KIB as f64)
        }
    } else {
        format!("{bytes} bytes")
    }
}

// ---- the environment

fn environment<'s>() -> Environment<'s> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Debug mode keeps the byte range of an error, which gives the column.
    env.set_debug(true);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION_LIMIT);
    // Jinja's default whitespace rules are kept (no trim_blocks): with trim_blocks a tag at the
    // end of a line eats the line break, which silently joins Markdown lines. Templates use
    // `{%- … -%}` where they need to trim.
    // Explicit, whatever the template's name: the body escapes for Markdown, the subject (plain
    // text in a header) does not escape at all.
    env.set_auto_escape_callback(|name| {
        if name == BODY_NAME {
            AutoEscape::Custom(Cow::Borrowed(MARKDOWN_ESCAPE))
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        let markdown = matches!(state.auto_escape(), AutoEscape::Custom(mode) if mode == MARKDOWN_ESCAPE);
        if markdown && !value.is_safe() {
            let text = match value.as_str() {
                Some(s) => Cow::Borrowed(s),
                None => Cow::Owned(value.to_string()),
            };
            out.write_str(&escape_markdown(&text)).map_err(minijinja::Error::from)
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env
}

/// The context as minijinja values, with the two Markdown-by-design fields marked safe.
fn context_value(ctx: &RenderContext) -> Value {
    let mut map: BTreeMap<&'static str, Value> = BTreeMap::new();
    map.insert("person", Value::from(Serde(&ctx.person)));
    map.insert("contributions", Value::from(Serde(&ctx.contributions)));
    map.insert("incident", Value::from(Serde(&ctx.incident)));
    map.insert(
        "outcome",
        Value::from(ctx.outcome.iter().map(|s| with_markdown_field(s, "text", &s.text)).collect::<Vec<_>>()),
    );
    map.insert("sender", with_markdown_field(&ctx.sender, "signature", &ctx.sender.signature));
    Value::from(map)
}

/// `view` as a map whose `field` is `markdown` marked safe (inserted without escaping).
fn with_markdown_field<T: Serialize>(view: &T, field: &str, markdown: &str) -> Value {
    let plain = Value::from(Serde(view));
    let mut map: BTreeMap<String, Value> = BTreeMap::new();
    if let Ok(keys) = plain.try_iter() {
        for key in keys {
            if let (Some(name), Ok(value)) = (key.as_str(), plain.get_item(&key)) {
                map.insert(name.to_string(), value);
            }
        }
    }
    map.insert(field.to_string(), Value::from_safe_string(markdown.to_string()));
    Value::from(map)
}

/// Escapes a value so Markdown (and HTML after it) shows it as literal text: whitespace and
/// control characters collapse to single spaces (a value never starts a new block), and every
/// character that could start Markdown syntax is backslash-escaped (CommonMark lets any ASCII
/// punctuation be escaped). Characters that matter only at the start of a line (`#`, `>`, `-`,
/// `+`, `=`, `1.`) are escaped only at the start of the value, so ordinary text stays readable
/// in the draft.
pub fn escape_markdown(text: &str) -> String {
    let collapsed = text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty());
    let mut words = String::with_capacity(text.len() + 8);
    for word in collapsed {
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(word);
    }
    let chars: Vec<char> = words.chars().collect();
    // An ordered-list marker at the start: digits then `.` or `)`.
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    let list_marker_at = (digits > 0 && matches!(chars.get(digits), Some('.') | Some(')'))).then_some(digits);

    let mut out = String::with_capacity(words.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '|' => true,
            '#' | '>' | '-' | '+' | '=' => i == 0,
            '.' | ')' => list_marker_at == Some(i),
            // An entity (`&lt;`, `&#60;`) would be decoded; a lone `&` is literal anyway.
            '&' => looks_like_entity(&chars[i + 1..]),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn looks_like_entity(rest: &[char]) -> bool {
    let name: Vec<&char> = rest.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '#').collect();
    !name.is_empty() && rest.get(name.len()) == Some(&';')
}

/// CR, LF, tabs and other control characters become spaces; runs of spaces become one; the
/// result is trimmed and cut at a word boundary (with "…") beyond `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    let words: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect();
    let line = words.join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        // Keep at least half; a subject of one enormous word is cut mid-word.
        Some(space) if cut[..space].chars().count() >= max / 2 => cut[..space].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

/// Trims the body's surrounding blank lines and turns runs of blank lines (left by conditional
/// blocks) into one. Trailing spaces inside lines stay: two of them are a Markdown hard break.
fn tidy_body(body: &str) -> String {
    let body = body.replace("\r\n", "\n");
    let mut out = String::with_capacity(body.len() + 1);
    let mut blank_run = 0;
    for line in body.trim_matches('\n').lines() {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank_run = 0;
            out.push_str(line);
            out.push('\n');
        }
    }
    if out.trim().is_empty() {
        return String::new();
    }
    out
}

// ---- errors in plain words

const TOP_LEVEL: &[&str] = &["person", "contributions", "incident", "outcome", "sender"];
const PERSON_FIELDS: &[&str] = &["name", "first_name", "email", "organisation", "team", "audience", "internal"];
const CONTRIBUTION_FIELDS: &[&str] = &["role", "role_label", "what", "impact", "constraints", "given_on"];
const INCIDENT_FIELDS: &[&str] =
    &["reference", "title", "kind", "kind_label", "severity", "status", "status_label", "opened_on", "closed_on"];
const SECTION_FIELDS: &[&str] = &["heading", "text", "tlp", "tlp_label"];
const SENDER_FIELDS: &[&str] = &["name", "email", "organisation", "signature"];
const LOOP_FIELDS: &[&str] =
    &["index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem", "depth"];
const FILTERS: &[&str] = &[
    "abs",
    "attr",
    "batch",
    "bool",
    "capitalize",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "float",
    "groupby",
    "indent",
    "int",
    "items",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "slice",
    "sort",
    "split",
    "string",
    "sum",
    "title",
    "trim",
    "unique",
    "upper",
    "urlencode",
    "wordcount",
];

/// Filter names from other template languages (Liquid, Django) and their Jinja equivalent.
const FILTER_ALIASES: &[(&str, &str)] = &[
    ("upcase", "upper"),
    ("uppercase", "upper"),
    ("downcase", "lower"),
    ("lowercase", "lower"),
    ("strip", "trim"),
    ("size", "length"),
    ("titlecase", "title"),
    ("default_if_none", "default"),
];

fn template_error(part: TemplatePart, source: &str, error: &minijinja::Error) -> TemplateError {
    let detail = error.detail().unwrap_or_default();
    let range = error.range().filter(|r| r.start <= r.end && r.end <= source.len());
    let mut focus: Option<usize> = range.as_ref().map(|r| r.start);

    let message = match error.kind() {
        ErrorKind::UndefinedError => match backticked(detail) {
            Some(path) => {
                let segments: Vec<&str> = path.split('.').collect();
                let last = segments.last().copied().unwrap_or(path);
                // Point at the unknown name itself, not the start of the expression.
                if let Some(r) = &range {
                    if let Some(at) = find_identifier(&source[r.clone()], last) {
                        focus = Some(r.start + at);
                    }
                }
                undefined_message(&segments)
            }
            None => format!("Something here is not defined ({detail})."),
        },
        ErrorKind::UnknownFilter => {
            let name = detail.strip_prefix("filter ").and_then(|d| d.strip_suffix(" is unknown")).unwrap_or(detail);
            let alias = FILTER_ALIASES.iter().find(|(other, _)| *other == name).map(|(_, ours)| *ours);
            match alias.or_else(|| closest(name, FILTERS)) {
                Some(s) => format!("Unknown filter '{name}' — did you mean '{s}'?"),
                None => format!("Unknown filter '{name}'."),
            }
        }
        ErrorKind::UnknownFunction | ErrorKind::UnknownTest | ErrorKind::UnknownMethod => {
            format!("{}.", capitalise(detail))
        }
        ErrorKind::SyntaxError => syntax_message(detail),
        ErrorKind::OutOfFuel => "The template does too much work (a loop that runs too long?). Make it simpler.".into(),
        ErrorKind::InvalidOperation if detail.contains("recursion limit") => {
            "The template nests too deeply (a macro that calls itself without end?).".into()
        }
        kind => {
            if detail.is_empty() {
                format!("{}.", capitalise(&kind.to_string()))
            } else {
                format!("{}: {detail}.", capitalise(&kind.to_string()))
            }
        }
    };

    let (line, column) = match focus {
        Some(at) => line_column(source, at),
        None => (error.line().unwrap_or(1), 1),
    };
    TemplateError { part, line: to_u32(line), column: to_u32(column), message }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn undefined_message(segments: &[&str]) -> String {
    match segments {
        [] => "Something here is not defined.".into(),
        [name] => match closest(name, TOP_LEVEL) {
            Some(s) => format!("Unknown variable '{name}' — did you mean '{s}'?"),
            None => format!("Unknown variable '{name}'. The variables are {}.", TOP_LEVEL.join(", ")),
        },
        [parents @ .., name] => {
            let parent = parents.join(".");
            let fields: Vec<&str> = match parents {
                ["person"] => PERSON_FIELDS.to_vec(),
                ["incident"] => INCIDENT_FIELDS.to_vec(),
                ["sender"] => SENDER_FIELDS.to_vec(),
                ["loop"] => LOOP_FIELDS.to_vec(),
                // A loop variable: over contributions or outcome sections.
                _ => CONTRIBUTION_FIELDS.iter().chain(SECTION_FIELDS).copied().collect(),
            };
            match closest(name, &fields) {
                Some(s) => format!("'{parent}' has no field '{name}' — did you mean '{s}'?"),
                None => format!("'{parent}' has no field '{name}'."),
            }
        }
    }
}

fn syntax_message(detail: &str) -> String {
    let hint = if detail.contains("end of variable block") {
        " Is a closing '}}' missing?"
    } else if detail.contains("expected end of block") || detail.contains("unexpected end of input") {
        " Is a closing '%}' or an {% end… %} tag missing?"
    } else {
        ""
    };
    format!("The template's syntax is not right here: {detail}.{hint}")
}

/// The text between the first pair of backticks: minijinja names the undefined path that way.
fn backticked(detail: &str) -> Option<&str> {
    let start = detail.find('`')? + 1;
    let len = detail[start..].find('`')?;
    Some(&detail[start..start + len]).filter(|s| !s.is_empty())
}

/// The byte offset of `name` in `text` as a whole identifier.
fn find_identifier(text: &str, name: &str) -> Option<usize> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(pos) = text[from..].find(name) {
        let at = from + pos;
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
            return Some(at);
        }
        from = at + name.len().max(1);
    }
    None
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

/// The closest known name, if it is close enough to be a likely typo.
fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let limit = (name.chars().count() / 2).max(2);
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, _)| *d <= limit)
        // Among equals, the one sharing the longest start ("upcase": "upper", not "escape").
        .min_by_key(|(d, k)| (*d, std::cmp::Reverse(common_prefix(name, k))))
        .map(|(_, k)| k)
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---- sample data and the variable reference

/// A recipient with every field set: two contributions (one without impact), three outcome
/// sections with different TLP labels and a multi-line signature.
pub fn sample_context() -> RenderContext {
    RenderContext {
        person: PersonView {
            name: "Priya Raman".into(),
            first_name: "Priya".into(),
            email: "priya.raman@corp.example".into(),
            organisation: "Corp Example Ltd".into(),
            team: "Finance".into(),
            audience: "end_user".into(),
            internal: true,
        },
        contributions: vec![
            ContributionView {
                role: "finder".into(),
                role_label: "Finder / reporter".into(),
                what: "Reported the fake invoice email minutes after it arrived".into(),
                impact: "We could block the sender and remove the email from 41 other inboxes before anyone \
                         typed a password."
                    .into(),
                constraints: String::new(),
                given_on: "2026-11-03".into(),
            },
            ContributionView {
                role: "log_provider".into(),
                role_label: "Log provider".into(),
                what: "Sent us the original email as an attachment".into(),
                impact: String::new(),
                constraints: "the busy month-end close".into(),
                given_on: "2026-11-03".into(),
            },
        ],
        incident: IncidentView {
            reference: "INC-2026-0042".into(),
            title: "Fake invoice emails to Finance".into(),
            kind: "phishing_report".into(),
            kind_label: "Phishing report".into(),
            severity: "medium".into(),
            status: "closed".into(),
            status_label: "Closed".into(),
            opened_on: "2026-11-03".into(),
            closed_on: "2026-11-07".into(),
        },
        outcome: vec![
            SectionView {
                heading: "What happened".into(),
                text: "Fake invoice emails reached 42 people in Finance. The link led to a copy of our \
                       sign-in page."
                    .into(),
                tlp: "clear".into(),
                tlp_label: "TLP:CLEAR".into(),
            },
            SectionView {
                heading: "What we did".into(),
                text: "We blocked the sender and the fake page, and removed the emails.\n\n\
                       - Nobody typed a password.\n- No money was sent."
                    .into(),
                tlp: "green".into(),
                tlp_label: "TLP:GREEN".into(),
            },
            SectionView {
                heading: "What we found".into(),
                text: "The same group also wrote to two of our suppliers. We have warned them, and they \
                       blocked it too. Their [advice page](https://corp.example/security) has the details."
                    .into(),
                tlp: "amber".into(),
                tlp_label: "TLP:AMBER".into(),
            },
        ],
        sender: SenderView {
            name: "Alex Morgan".into(),
            email: "alex.morgan@corp.example".into(),
            organisation: "Corp Example Ltd".into(),
            signature: "Security Team, Corp Example Ltd\nPhone: +44 20 7946 0000".into(),
        },
    }
}

/// A recipient with as little as a real one may have: no outcome visible, no impact, no
/// constraints, no team, an open incident.
fn sparse_context() -> RenderContext {
    let mut ctx = sample_context();
    ctx.person.organisation.clear();
    ctx.person.team.clear();
    ctx.person.internal = false;
    ctx.contributions.truncate(1);
    for c in &mut ctx.contributions {
        c.impact.clear();
        c.constraints.clear();
        c.given_on.clear();
    }
    ctx.incident.status = "investigating".into();
    ctx.incident.status_label = "Investigating".into();
    ctx.incident.closed_on.clear();
    ctx.outcome.clear();
    ctx.sender.signature.clear();
    ctx
}

/// Every variable a template can use, with its value in [`sample_context`].
pub fn template_variables() -> Vec<VariableDoc> {
    const DOCS: &[(&str, &str)] = &[
        ("person.name", "The recipient's full name."),
        ("person.first_name", "How to greet them: their preferred name, else the first word of their name."),
        ("person.email", "Their email address."),
        ("person.organisation", "Their organisation (may be empty)."),
        ("person.team", "Their team (may be empty)."),
        ("person.audience", "Who they are: end_user, it_operations, third_party, security_colleague or management."),
        ("person.internal", "True when they belong to your own organisation."),
        (
            "contributions",
            "Their contributions to this incident, oldest first: loop with {% for c in contributions %}.",
        ),
        ("contributions[].role", "The credit role code: finder, log_provider, analyst, coordinator, remediation, …"),
        ("contributions[].role_label", "The credit role in words, e.g. \"Log provider\"."),
        ("contributions[].what", "What they gave or did."),
        ("contributions[].impact", "How it helped (may be empty: test with {% if c.impact %})."),
        (
            "contributions[].constraints",
            "What they worked under: patch windows, legacy systems, vendors (may be empty).",
        ),
        ("contributions[].given_on", "The date they helped, YYYY-MM-DD (may be empty)."),
        ("incident.reference", "The incident's reference, e.g. INC-2026-0042."),
        ("incident.title", "The incident's title."),
        ("incident.kind", "security_incident, phishing_report, vulnerability_remediation or other."),
        ("incident.kind_label", "The kind in words, e.g. \"Phishing report\"."),
        ("incident.severity", "low, medium, high or critical."),
        ("incident.status", "open, investigating, contained, resolved or closed."),
        ("incident.status_label", "The status in words, e.g. \"Closed\"."),
        ("incident.opened_on", "The date it was opened, YYYY-MM-DD."),
        ("incident.closed_on", "The date it was closed, YYYY-MM-DD (empty while open)."),
        (
            "outcome",
            "The outcome sections this recipient may see, in order (never a withheld one; may be empty): \
             loop with {% for s in outcome %}.",
        ),
        ("outcome[].heading", "The section's heading."),
        ("outcome[].text", "The section's text, Markdown, inserted as written."),
        ("outcome[].tlp", "The section's TLP code: clear, green, amber, amber_strict or red."),
        (
            "outcome[].tlp_label",
            "The label to print with the section, e.g. TLP:AMBER (TLP requires it); write **{{ s.tlp_label }}** \
             to show it as a badge.",
        ),
        ("sender.name", "Your name, from Settings."),
        ("sender.email", "Your email address."),
        ("sender.organisation", "Your organisation."),
        ("sender.signature", "Your signature, Markdown, inserted as written (may span several lines)."),
    ];
    let sample = serde_json::to_value(sample_context()).unwrap_or_default();
    DOCS.iter()
        .map(|(name, description)| VariableDoc {
            name: (*name).to_string(),
            description: (*description).to_string(),
            example: example_of(&sample, name),
        })
        .collect()
}

/// The sample value at a documented path (`a.b`, `a[].b` takes the first item).
fn example_of(sample: &serde_json::Value, path: &str) -> String {
    let mut value = sample;
    for segment in path.split('.') {
        let (key, first_item) = match segment.strip_suffix("[]") {
            Some(key) => (key, true),
            None => (segment, false),
        };
        value = &value[key];
        if first_item {
            value = &value[0];
        }
    }
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => format!("a list of {}", items.len()),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}
