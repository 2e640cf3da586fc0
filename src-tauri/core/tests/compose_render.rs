//! Templates to mail bytes: rendering with strict undefined and plain-words errors, escaping of
//! inserted values in both parts, the built-in templates, size and subject rules, header
//! injection, and the .eml parsed back by a real MIME parser (Python's `email` package with its
//! strict policy). One binary, small helpers first.

use afterword_core::compose::builtin::builtin_templates;
use afterword_core::compose::eml::{build_eml, message_id_for, Envelope};
use afterword_core::compose::markdown::{html_fragment, mail_body, MailBody};
use afterword_core::compose::render::*;
use afterword_core::compose::*;
use afterword_core::Error;
use chrono::TimeZone;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ---- helpers

fn source(subject: &str, body: &str) -> TemplateSource {
    TemplateSource { subject: subject.into(), body: body.into() }
}

fn render_body(body: &str) -> Result<RenderedDraft, TemplateError> {
    render(&source("Thanks", body), &sample_context())
}

fn body_error(body: &str) -> TemplateError {
    let error = render_body(body).expect_err("the template should not render");
    assert_eq!(error.part, TemplatePart::Body, "{error:?}");
    error
}

fn envelope(subject: &str) -> Envelope {
    Envelope {
        from_name: "Alex Morgan".into(),
        from_email: "alex.morgan@corp.example".into(),
        to_name: "Priya Raman".into(),
        to_email: "priya.raman@corp.example".into(),
        reply_to: None,
        cc: None,
        subject: subject.into(),
        message_id: "01JD3K5V7ZQ8X9Y2W4T6R8P0M1@corp.example".into(),
        date: chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 15).unwrap(),
    }
}

fn invalid_field(result: afterword_core::Result<Vec<u8>>) -> &'static str {
    match result {
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

/// Parses `eml` with Python's `email` package (policy=strict, so any defect raises) and checks
/// it against `expected` (a JSON object). Panics with Python's traceback on failure.
fn python_check(eml: &[u8], expected: &serde_json::Value) {
    const SCRIPT: &str = r#"
import sys, json, email
from email import policy

raw = sys.stdin.buffer.read()
exp = json.loads(sys.argv[1])

# Every line ends with CRLF and has at most 998 octets before it.
assert raw.endswith(b"\r\n"), "message does not end with CRLF"
for i, line in enumerate(raw[:-2].split(b"\r\n")):
    assert b"\n" not in line and b"\r" not in line, f"bare CR or LF in line {i}: {line[:80]!r}"
    assert len(line) <= 998, f"line {i} is {len(line)} octets"

head = raw.split(b"\r\n\r\n", 1)[0]
assert head.isascii(), "non-ASCII bytes in the header"

msg = email.message_from_bytes(raw, policy=policy.strict)
assert not msg.defects, msg.defects
for name, value in msg.items():
    assert not getattr(value, "defects", ()), (name, value.defects)
for part in msg.walk():
    assert not part.defects, (part.get_content_type(), part.defects)
    for name, value in part.items():
        assert not getattr(value, "defects", ()), (name, value.defects)

assert msg.get_content_type() == "multipart/alternative", msg.get_content_type()
parts = list(msg.iter_parts())
assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"], [p.get_content_type() for p in parts]
for p in parts:
    assert p.get_content_charset() == "utf-8", p.get_content_charset()
norm = lambda s: s.replace("\r\n", "\n")
assert norm(parts[0].get_content()) == norm(exp["text"]), (parts[0].get_content(), exp["text"])
assert norm(parts[1].get_content()) == norm(exp["html"]), "html part differs"

assert msg["Message-ID"] == "<" + exp["message_id"] + ">", msg["Message-ID"]
assert msg["Date"].datetime.isoformat() == exp["date"], (msg["Date"], msg["Date"].datetime.isoformat())
assert str(msg["Subject"]) == exp["subject"], (str(msg["Subject"]), exp["subject"])
for header, name, addr in [("From", exp["from_name"], exp["from_email"]), ("To", exp["to_name"], exp["to_email"])]:
    addresses = msg[header].addresses
    assert len(addresses) == 1, (header, addresses)
    assert addresses[0].display_name == name, (header, addresses[0].display_name, name)
    assert addresses[0].addr_spec == addr, (header, addresses[0].addr_spec, addr)
if exp.get("reply_to"):
    assert msg["Reply-To"].addresses[0].addr_spec == exp["reply_to"], msg["Reply-To"]

# How the header was written: folded subject, encoded words for non-ASCII names.
raw_headers = head.decode("ascii")
subject_lines = raw_headers.split("\r\nSubject: ", 1)[1].split("\r\n")
folded = 1
while folded < len(subject_lines) and subject_lines[folded][:1] in (" ", "\t"):
    folded += 1
if exp.get("subject_folded"):
    assert folded > 1, "the long subject was not folded"
for needle in exp.get("raw_contains", []):
    assert needle in raw_headers, (needle, raw_headers)
print("ok")
"#;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(expected.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed to check the .eml");
    child.stdin.take().unwrap().write_all(eml).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success() && String::from_utf8_lossy(&output.stdout).trim() == "ok",
        "Python's strict parser rejected the message:\n{}\n--- message ---\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(eml)
    );
}

fn expected_json(envelope: &Envelope, body: &MailBody) -> serde_json::Value {
    serde_json::json!({
        "text": body.text,
        "html": body.html,
        "message_id": envelope.message_id,
        "date": envelope.date.format("%Y-%m-%dT%H:%M:%S+00:00").to_string(),
        "subject": envelope.subject,
        "from_name": envelope.from_name,
        "from_email": envelope.from_email,
        "to_name": envelope.to_name,
        "to_email": envelope.to_email,
        "reply_to": envelope.reply_to,
    })
}

// ---- strict undefined and syntax errors

#[test]
fn unknown_variable_gives_line_column_and_a_suggestion() {
    let error = body_error("Hi {{ person.first_name }},\n\nThanks {{ persn.name }}!");
    assert_eq!((error.line, error.column), (3, 11), "{error:?}");
    assert_eq!(error.message, "Unknown variable 'persn' — did you mean 'person'?");

    let error = body_error("{{ person.frist_name }}");
    assert_eq!((error.line, error.column), (1, 11), "{error:?}");
    assert_eq!(error.message, "'person' has no field 'frist_name' — did you mean 'first_name'?");

    let error = body_error("Hi\n{% for c in contributions %}\n- {{ c.whta }}\n{% endfor %}");
    assert_eq!((error.line, error.column), (3, 8), "{error:?}");
    assert!(error.message.contains("did you mean 'what'"), "{}", error.message);

    // Columns count characters, not bytes.
    let error = body_error("Zoë, Ångström: {{ nobody_at_all }}");
    assert_eq!((error.line, error.column), (1, 19), "{error:?}");
    assert!(error.message.starts_with("Unknown variable 'nobody_at_all'. The variables are person"));

    let error = render(&source("Thanks for {{ incident.titel }}", "Body"), &sample_context()).unwrap_err();
    assert_eq!((error.part, error.line, error.column), (TemplatePart::Subject, 1, 24), "{error:?}");
    assert!(error.message.contains("did you mean 'title'"), "{}", error.message);

    let error = body_error("{{ person.name | upcase }}");
    assert_eq!(error.message, "Unknown filter 'upcase' — did you mean 'upper'?");
}

#[test]
fn syntax_error_gives_line_and_column() {
    let error = body_error("Hi,\n\nThank you {{ person.first_name }\nBye");
    assert_eq!((error.line, error.column), (3, 32), "{error:?}");
    assert!(error.message.contains("syntax"), "{}", error.message);
    assert!(error.message.contains("'}}'"), "{}", error.message);

    let error = body_error("Hi,\n{% for c in %}x{% endfor %}");
    assert_eq!((error.line, error.column), (2, 13), "{error:?}");
}

#[test]
fn template_error_display_code_and_json() {
    let error = body_error("{{ persn }}");
    let as_error = Error::from(error.clone());
    assert_eq!(as_error.code(), "template");
    assert_eq!(
        as_error.to_string(),
        "The template's body has a problem at line 1, column 4: Unknown variable 'persn' — did you mean 'person'?"
    );
    let json = serde_json::to_value(&error).unwrap();
    assert_eq!(json["part"], "body");
    assert_eq!(json["line"], 1);
    assert_eq!(json["column"], 4);
    let back: TemplateError = serde_json::from_value(json).unwrap();
    assert_eq!(back, error);
}

// ---- escaping

#[test]
fn inserted_values_stay_inert_in_both_parts() {
    let mut ctx = sample_context();
    ctx.person.first_name = "<script>alert(1)</script>".into();
    ctx.person.name = "{{7*7}}".into();
    ctx.person.team = "**bold** _it_ `code`".into();
    ctx.person.organisation = "# Heading".into();
    ctx.contributions[0].what = "[x](javascript:alert(1))".into();
    ctx.contributions[0].impact = "1. not a list &lt;b&gt; <https://evil.example>".into();
    ctx.contributions[1].what = "- not a bullet\n\n> not a quote\n    not code".into();
    ctx.outcome[0].text = "**Markdown** by design <img src=x onerror=alert(1)> [bad](javascript:alert(2)) \
                           [good](https://corp.example/a?b=1&c=2)"
        .into();
    let body = "Hi {{ person.first_name }} ({{ person.name }}), {{ person.team }}\n\n{{ person.organisation }}\n\n\
                {% for c in contributions %}{{ c.what }}\n\n{{ c.impact }}\n\n{% endfor %}\
                {% for s in outcome %}**{{ s.tlp_label }}** {{ s.text }}\n{% endfor %}";
    let draft = render(&source("Hi {{ person.first_name }} {{ person.name }}", body), &ctx).unwrap();
    // The subject is plain text: no Markdown escaping.
    assert_eq!(draft.subject, "Hi <script>alert(1)</script> {{7*7}}");

    let mail = mail_body(&draft.body, &draft.subject);
    for literal in [
        "<script>alert(1)</script>",
        "{{7*7}}",
        "**bold** _it_ `code`",
        "# Heading",
        "[x](javascript:alert(1))",
        "1. not a list &lt;b&gt; <https://evil.example>",
        "- not a bullet > not a quote not code",
    ] {
        assert!(mail.text.contains(literal), "text part lacks {literal:?}:\n{}", mail.text);
    }
    assert!(!mail.text.contains("49"), "{}", mail.text);

    let html = &mail.html;
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.to_ascii_lowercase().contains("javascript:alert(2)\""), "{html}");
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("onerror=alert"), "raw HTML must be dropped, not escaped into text: {html}");
    assert!(!html.contains("<h1"), "{html}");
    assert!(!html.contains("<ol"), "{html}");
    assert!(!html.contains("<blockquote"), "{html}");
    assert!(!html.contains("<pre"), "{html}");
    assert!(!html.contains("href=\"https://evil.example"), "{html}");
    assert!(html.contains("**bold** _it_ `code`"), "{html}");
    assert!(html.contains("&amp;lt;b&amp;gt;"), "{html}");
    // The analyst's Markdown still works, and a good link survives, escaped.
    assert!(html.contains("<strong style=\"font-weight:600;\">Markdown</strong>"), "{html}");
    assert!(html.contains("<a href=\"https://corp.example/a?b=1&amp;c=2\""), "{html}");
    assert!(mail.text.contains("good <https://corp.example/a?b=1&c=2>"), "{}", mail.text);
    assert!(mail.text.contains("bad"), "{}", mail.text);
}

#[test]
fn escape_markdown_keeps_ordinary_text_readable() {
    assert_eq!(escape_markdown("Jane O'Neil, Finance & Ops (EMEA)"), "Jane O'Neil, Finance & Ops (EMEA)");
    assert_eq!(escape_markdown("jane.doe@corp.example"), "jane.doe@corp.example");
    assert_eq!(escape_markdown("2026. Busy"), "2026\\. Busy");
    assert_eq!(escape_markdown("  a\n\n\tb\r\nc  "), "a b c");
    assert_eq!(escape_markdown("snake_case *x*"), "snake\\_case \\*x\\*");
}

#[test]
fn tlp_label_in_strong_becomes_a_badge() {
    let mail = mail_body("### What we found **TLP:AMBER+STRICT**\n\n**TLP:RED**\n\n**Not a label**\n", "S");
    assert!(mail.html.contains("background:#000000;color:#FFC000"), "{}", mail.html);
    assert!(mail.html.contains(">TLP:AMBER+STRICT</span>"), "{}", mail.html);
    assert!(mail.html.contains("background:#000000;color:#FF2B2B"), "{}", mail.html);
    assert!(mail.html.contains("<strong style=\"font-weight:600;\">Not a label</strong>"), "{}", mail.html);
    assert!(mail.text.contains("What we found [TLP:AMBER+STRICT]"), "{}", mail.text);
    assert!(mail.text.contains("[TLP:RED]"), "{}", mail.text);
    for (label, colour) in [("TLP:CLEAR", "#FFFFFF"), ("TLP:GREEN", "#33FF00"), ("TLP:AMBER", "#FFC000")] {
        let html = mail_body(&format!("**{label}**"), "S").html;
        assert!(html.contains(&format!("background:#000000;color:{colour}")), "{label}: {html}");
    }
}

#[test]
fn html_part_is_a_complete_light_and_dark_document() {
    let mail = mail_body("Hello", "A <subject>");
    let html = &mail.html;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta name=\"color-scheme\" content=\"light dark\">"));
    assert!(html.contains("@media (prefers-color-scheme: dark)"));
    assert!(html.contains("max-width:600px"));
    assert!(html.contains("<title>A &lt;subject&gt;</title>"));
    assert!(!html.contains("<table"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn text_part_is_readable() {
    let markdown = "# Heading\nright after\n\nA paragraph with *emphasis*, **strong** and a \
                    [link](https://example.org/page) and <mailto:a@b.example>. It is long enough that it must \
                    be wrapped across several lines of text in the plain part.\n\n\
                    - one\n- two with a long item text that goes on and on until it has to wrap onto the next \
                    line\n  - nested\n\n1. first\n2. second\n\n> quoted text\n\n---\n\n```\ncode  kept\n```\n";
    let text = mail_body(markdown, "S").text;
    let expected = "\
Heading

right after

A paragraph with emphasis, strong and a link <https://example.org/page>
and <a@b.example>. It is long enough that it must be wrapped across
several lines of text in the plain part.

- one
- two with a long item text that goes on and on until it has to wrap
  onto the next line
  - nested

1. first
2. second

> quoted text

----

    code  kept
";
    assert_eq!(text, expected);
    for line in text.lines() {
        assert_eq!(line, line.trim_end(), "trailing space in {line:?}");
        assert!(line.chars().count() <= 76, "long line {line:?}");
    }
}

// ---- built-in templates

#[test]
fn every_builtin_renders_and_checks() {
    let keys: Vec<&str> = builtin_templates().iter().map(|t| t.key).collect();
    assert_eq!(
        keys,
        [
            "end_user",
            "it_operations",
            "third_party",
            "security_colleague",
            "management",
            "phishing_report",
            "vulnerability_remediation"
        ]
    );
    let ctx = sample_context();
    for t in builtin_templates() {
        let src = source(t.subject, t.body);
        check_template(&src).unwrap_or_else(|e| panic!("{}: {e}", t.key));
        let draft = render(&src, &ctx).unwrap_or_else(|e| panic!("{}: {e}", t.key));
        assert!(!t.subject.ends_with('\n'), "{}", t.key);
        assert!(draft.body.contains("Priya"), "{}", t.key);
        assert!(draft.body.to_lowercase().contains("thank"), "{}: {}", t.key, draft.body);
        for c in &ctx.contributions {
            assert!(draft.body.contains(&escape_markdown(&c.what)), "{}: missing {}", t.key, c.what);
        }
        for s in &ctx.outcome {
            assert!(draft.body.contains(&format!("**{}**", s.tlp_label)), "{}: no {} label", t.key, s.tlp_label);
            assert!(draft.body.contains(&s.text), "{}: section text missing", t.key);
        }
        assert!(draft.body.contains("Alex Morgan"), "{}", t.key);
        let lower = draft.body.to_lowercase();
        for word in ["simply", "obviously", "just ", "fault of", "should have", "mistake"] {
            assert!(!lower.contains(word), "{} contains {word:?}", t.key);
        }

        // No outcome visible, nothing but one contribution: still says how it stands, no empty list.
        let mut sparse = ctx.clone();
        sparse.outcome.clear();
        sparse.contributions.truncate(1);
        sparse.contributions[0].impact.clear();
        let draft = render(&src, &sparse).unwrap();
        assert!(!draft.body.contains("TLP:"), "{}", t.key);
        assert!(draft.body.contains("closed"), "{}: {}", t.key, draft.body);
        assert!(!draft.body.contains("→"), "{}: an empty impact left an arrow", t.key);
        let mail = mail_body(&draft.body, &draft.subject);
        assert!(!mail.text.contains("\n\n\n"), "{}", t.key);
    }
}

#[test]
fn it_templates_name_the_constraints() {
    let mut ctx = sample_context();
    ctx.contributions[0].constraints = "a two-hour change window on a legacy server".into();
    for key in ["it_operations", "vulnerability_remediation"] {
        let t = builtin_templates().iter().find(|t| t.key == key).unwrap();
        let draft = render(&source(t.subject, t.body), &ctx).unwrap();
        assert!(draft.body.contains("a two-hour change window on a legacy server"), "{key}: {}", draft.body);
    }
}

#[test]
fn template_variables_document_every_field() {
    let docs = template_variables();
    let names: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
    let sample = serde_json::to_value(sample_context()).unwrap();
    for (top, value) in sample.as_object().unwrap() {
        let fields = match value {
            serde_json::Value::Array(items) => {
                assert!(names.contains(&top.as_str()), "{top} undocumented");
                items[0].as_object().unwrap().keys().map(|k| format!("{top}[].{k}")).collect::<Vec<_>>()
            }
            serde_json::Value::Object(map) => map.keys().map(|k| format!("{top}.{k}")).collect(),
            _ => panic!("unexpected {top}"),
        };
        for field in fields {
            assert!(names.contains(&field.as_str()), "{field} is not documented");
        }
    }
    let first_name = docs.iter().find(|d| d.name == "person.first_name").unwrap();
    assert_eq!(first_name.example, "Priya");
    let what = docs.iter().find(|d| d.name == "contributions[].what").unwrap();
    assert_eq!(what.example, sample_context().contributions[0].what);
}

// ---- limits

#[test]
fn oversized_templates_are_refused() {
    let huge = "x".repeat(2 * 1024 * 1024);
    let error = render(&source("Hi", &huge), &sample_context()).unwrap_err();
    assert_eq!(error.part, TemplatePart::Body);
    assert!(error.message.contains("2.0 MiB") && error.message.contains("256 KiB"), "{}", error.message);

    match check_size(&source("Hi", &huge)) {
        Err(Error::Invalid { field: "body", message }) => {
            assert!(message.contains("2.0 MiB") && message.contains("256 KiB"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    match check_size(&source(&huge, "Hi")) {
        Err(Error::Invalid { field: "subject", .. }) => {}
        other => panic!("{other:?}"),
    }
    check_size(&source("Hi", &"x".repeat(MAX_TEMPLATE_BYTES))).unwrap();
}

#[test]
fn pathological_templates_stop_quickly() {
    let started = Instant::now();
    let error = body_error("{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}");
    assert!(error.message.contains("too much work"), "{}", error.message);
    let error = body_error("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}");
    assert!(error.message.contains("nests too deeply"), "{}", error.message);
    let error = body_error("{{ 'x' * 100000000 }}");
    assert!(error.message.contains("too much work"), "{}", error.message);
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

#[test]
fn subject_is_one_trimmed_line_and_never_empty() {
    let mut ctx = sample_context();
    ctx.person.name = "Priya\r\nBcc: evil@example.org\u{7}".into();
    let draft = render(&source("  Thanks,\n\t{{ person.name }}  ", "Body"), &ctx).unwrap();
    assert_eq!(draft.subject, "Thanks, Priya Bcc: evil@example.org");

    let long = render(&source(&"word ".repeat(100), "Body"), &ctx).unwrap();
    assert!(long.subject.chars().count() <= MAX_SUBJECT_CHARS, "{}", long.subject.len());
    assert!(long.subject.ends_with("word…"), "{}", long.subject);

    let error = render(&source("{% if false %}x{% endif %}  \n ", "Body"), &ctx).unwrap_err();
    assert_eq!(error.part, TemplatePart::Subject);
    assert!(error.message.contains("empty"), "{}", error.message);

    let error = render(&source("Hi", "{% if false %}x{% endif %}\n\n"), &ctx).unwrap_err();
    assert_eq!(error.part, TemplatePart::Body);
}

// ---- the message bytes

#[test]
fn header_injection_is_refused() {
    let body = mail_body("Hi", "Hi");
    let mut e = envelope("Thanks\r\nBcc: evil@example.org");
    assert_eq!(invalid_field(build_eml(&e, &body)), "subject");
    e = envelope("Thanks");
    e.to_name = "Priya\nBcc: evil@example.org".into();
    assert_eq!(invalid_field(build_eml(&e, &body)), "to_name");
    e = envelope("Thanks");
    e.from_email = "alex@corp.example\r".into();
    assert_eq!(invalid_field(build_eml(&e, &body)), "from_email");
    e = envelope("Thanks");
    e.reply_to = Some("help@corp.example\nX: y".into());
    assert_eq!(invalid_field(build_eml(&e, &body)), "reply_to");
    e = envelope("Thanks");
    e.message_id = "<abc@corp.example>".into();
    assert_eq!(invalid_field(build_eml(&e, &body)), "message_id");
    e = envelope("Thanks");
    e.to_email = "not an address".into();
    assert_eq!(invalid_field(build_eml(&e, &body)), "to_email");
}

#[test]
fn message_ids_use_the_sender_domain() {
    assert_eq!(message_id_for("01JD3K5V7Z", "Alex@Corp.Example"), "01JD3K5V7Z@corp.example");
    assert_eq!(message_id_for("01JD3K5V7Z", "alex@bücher.example"), "01JD3K5V7Z@xn--bcher-kva.example");
    assert_eq!(message_id_for("01JD3K5V7Z", ""), "01JD3K5V7Z@afterword.invalid");
    assert_eq!(message_id_for("01JD3K5V7Z", "alex@localhost"), "01JD3K5V7Z@afterword.invalid");
    assert_eq!(message_id_for("01J <x>", "no-at-sign"), "01Jx@afterword.invalid");
}

#[test]
fn eml_parses_back_strictly_with_a_real_mime_parser() {
    let t = builtin_templates().iter().find(|t| t.key == "end_user").unwrap();
    let mut ctx = sample_context();
    ctx.person.first_name = "Zoë".into();
    let draft = render(&source(t.subject, t.body), &ctx).unwrap();
    let body = mail_body(&draft.body, &draft.subject);

    let mut e = envelope(&draft.subject);
    e.to_name = "Zoë Ångström".into();
    e.to_email = "zoe@corp.example".into();
    e.from_name = "Smith, John".into();
    e.reply_to = Some("security@corp.example".into());
    let eml = build_eml(&e, &body).unwrap();
    let mut expected = expected_json(&e, &body);
    // Non-ASCII names are RFC 2047 encoded words; lettre encodes a name with a comma the same
    // way (rather than quoting it), which is as valid and decodes back the same.
    expected["raw_contains"] = serde_json::json!(["=?utf-8?", "From: =?utf-8?", "To: =?utf-8?"]);
    python_check(&eml, &expected);
    assert!(!String::from_utf8_lossy(&eml).contains("From: Smith, John"));
    // lettre adds no Message-ID of its own.
    assert_eq!(String::from_utf8_lossy(&eml).matches("Message-ID:").count(), 1);
}

#[test]
fn long_and_non_ascii_subjects_fold_and_decode_exactly() {
    let body = mail_body("Thank you.\n\n**TLP:GREEN** Straße, café, 東京, 🙂", "S");
    let long_ascii = "Thank you for your help with INC-2026-0042: the fake invoice emails that reached \
                      Finance, the suppliers and the partners during the month-end close of November";
    let long_unicode = "Merci beaucoup, Zoë Ångström — votre aide sur « les fausses factures » a tout \
                        changé pour l'équipe Finance et pour nos fournisseurs à Zürich et à Québec 🙂";
    for subject in [long_ascii, long_unicode, "Kurz: Grüße"] {
        let e = envelope(subject);
        let eml = build_eml(&e, &body).unwrap();
        let mut expected = expected_json(&e, &body);
        expected["subject_folded"] = serde_json::json!(subject.len() > 100);
        python_check(&eml, &expected);
    }
}

#[test]
fn very_long_body_lines_are_encoded_within_limits() {
    let url = format!("https://corp.example/{}", "a".repeat(1500));
    let body = mail_body(&format!("See [the report]({url}) and {url}\n\n{}", "word ".repeat(400)), "S");
    let e = envelope("Thanks");
    let eml = build_eml(&e, &body).unwrap();
    python_check(&eml, &expected_json(&e, &body));
}

// ---- looking at it (run with --ignored): every built-in's HTML for screenshots

#[test]
#[ignore]
fn dump_builtin_html() {
    let dir = std::path::Path::new("/tmp/afterword-templates");
    std::fs::create_dir_all(dir).unwrap();
    for t in builtin_templates() {
        let ctx = realistic_context(t.key);
        let draft = render(&source(t.subject, t.body), &ctx).unwrap();
        let mail = mail_body(&draft.body, &draft.subject);
        std::fs::write(dir.join(format!("{}.html", t.key)), &mail.html).unwrap();
        std::fs::write(dir.join(format!("{}.txt", t.key)), format!("Subject: {}\n\n{}", draft.subject, mail.text))
            .unwrap();
        std::fs::write(dir.join(format!("{}.md", t.key)), &draft.body).unwrap();
        // And for someone who may see no outcome, on a case still open.
        let mut sparse = ctx.clone();
        sparse.outcome.clear();
        sparse.incident.status = "investigating".into();
        sparse.contributions.truncate(1);
        sparse.contributions[0].impact.clear();
        let draft = render(&source(t.subject, t.body), &sparse).unwrap();
        let text = mail_body(&draft.body, &draft.subject).text;
        std::fs::write(dir.join(format!("{}-no-outcome.txt", t.key)), format!("Subject: {}\n\n{text}", draft.subject))
            .unwrap();
    }
}

/// A believable recipient for each built-in: two contributions, three sections.
fn realistic_context(key: &str) -> RenderContext {
    let mut ctx = sample_context();
    match key {
        "it_operations" | "vulnerability_remediation" => {
            ctx.person = PersonView {
                name: "Marco Rossi".into(),
                first_name: "Marco".into(),
                email: "marco.rossi@corp.example".into(),
                organisation: "Corp Example Ltd".into(),
                team: "Infrastructure".into(),
                audience: "it_operations".into(),
                internal: true,
            };
            ctx.contributions = vec![
                ContributionView {
                    role: "log_provider".into(),
                    role_label: "Log provider".into(),
                    what: "Pulled the proxy logs for 1–3 November at 2 a.m.".into(),
                    impact: "They showed us the three machines that had contacted the attacker's server.".into(),
                    constraints: String::new(),
                    given_on: "2026-11-04".into(),
                },
                ContributionView {
                    role: "remediation".into(),
                    role_label: "Remediation".into(),
                    what: "Patched the VPN gateways and rebuilt the two affected servers".into(),
                    impact: "The way in is closed, and nothing the attacker left behind survived.".into(),
                    constraints: "a two-hour change window, a legacy ERP server that cannot be restarted in \
                                  office hours, and a vendor patch that arrived late"
                        .into(),
                    given_on: "2026-11-06".into(),
                },
            ];
            ctx.incident.reference = "INC-2026-0057".into();
            ctx.incident.title = if key == "vulnerability_remediation" {
                "Critical VPN gateway vulnerability".into()
            } else {
                "Suspicious logins on the VPN".into()
            };
            ctx.outcome = vec![
                SectionView {
                    heading: "What happened".into(),
                    text: "Someone used a known weakness in the VPN gateways to try to get in. They reached \
                           two servers and no further."
                        .into(),
                    tlp: "clear".into(),
                    tlp_label: "TLP:CLEAR".into(),
                },
                SectionView {
                    heading: "What we changed".into(),
                    text: "- The gateways are patched and now alert us on this pattern.\n- The two servers were \
                           rebuilt from clean images.\n- We added the attacker's addresses to the block list."
                        .into(),
                    tlp: "green".into(),
                    tlp_label: "TLP:GREEN".into(),
                },
                SectionView {
                    heading: "Indicators".into(),
                    text: "The attacker's servers were `203.0.113.17` and `198.51.100.4`. Please keep these \
                           inside the company."
                        .into(),
                    tlp: "amber_strict".into(),
                    tlp_label: "TLP:AMBER+STRICT".into(),
                },
            ];
        }
        "third_party" | "security_colleague" | "management" => {
            ctx.person.audience = key.into();
            match key {
                "third_party" => {
                    ctx.person.name = "Dana Whitfield".into();
                    ctx.person.first_name = "Dana".into();
                    ctx.person.organisation = "Northwind Hosting".into();
                    ctx.person.internal = false;
                    ctx.contributions[0].what = "Shared the firewall exports for our hosted servers".into();
                    ctx.contributions[0].impact =
                        "They confirmed the attacker never reached the payment systems.".into();
                    ctx.contributions[1].what = "Joined our call on a Saturday to answer questions".into();
                    ctx.contributions[1].constraints = "outside your support contract hours".into();
                }
                "security_colleague" => {
                    ctx.person.name = "Sam Okafor".into();
                    ctx.person.first_name = "Sam".into();
                    ctx.person.team = "Threat Intelligence".into();
                    ctx.contributions[0].what = "Reverse-engineered the macro in the invoice attachment".into();
                    ctx.contributions[0].impact =
                        "Your write-up gave us the second-stage domain before it was used.".into();
                    ctx.contributions[1].what = "Wrote the detection rule for the mail gateway".into();
                }
                _ => {
                    ctx.person.name = "Helen Park".into();
                    ctx.person.first_name = "Helen".into();
                    ctx.person.team = "Finance leadership".into();
                    ctx.contributions[0].what = "Approved an urgent password reset for the whole Finance team".into();
                    ctx.contributions[0].impact = "Everyone was safe again within the hour.".into();
                    ctx.contributions[1].what = "Let your team take time out of the month-end close to help us".into();
                }
            }
            ctx.outcome[2].tlp = "red".into();
            ctx.outcome[2].tlp_label = "TLP:RED".into();
        }
        _ => {}
    }
    ctx
}

#[test]
fn an_html_fragment_for_the_app_is_plain_escaped_and_goes_nowhere() {
    let html = html_fragment(
        "1. **Admin center** › *App registrations*, URI `http://localhost`\n   and more.\n2. <b>raw</b> & \"quoted\" \
         [a link](https://evil.example) ![alt text](https://tracker.example/x.png)\n\n<script>alert(1)</script>\n",
    );
    assert_eq!(
        html,
        "<ol>\n<li><strong>Admin center</strong> › <em>App registrations</em>, URI <code>http://localhost</code>\nand \
         more.</li>\n<li>raw &amp; \"quoted\" a link alt text</li>\n</ol>\n"
    );
    // The admin guides render as a numbered list with their code and commands.
    let guide = html_fragment(afterword_core::outbox::oauth::ADMIN_GUIDE_MICROSOFT);
    assert!(guide.contains("<ol>") && guide.contains("<code>Set-CASMailbox -Identity"), "{guide}");
    assert!(!guide.contains("style="));
}
