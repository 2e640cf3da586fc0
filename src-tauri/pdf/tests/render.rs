//! Renders both reports from the fixtures in `tests/fixtures/` and reads the PDFs back with
//! poppler's `pdftotext` (Debian's `poppler-utils`, installed by `scripts/setup.sh --test`).

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use afterword_pdf::{render, Template};
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn pdf(template: Template, data: &Value) -> Vec<u8> {
    let bytes = render(template, &serde_json::to_vec(data).unwrap()).unwrap_or_else(|err| panic!("{err}"));
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF: {:?}", &bytes[..bytes.len().min(16)]);
    bytes
}

/// The PDF's text, one string per page, as `pdftotext -layout` reads it (the page as printed:
/// the header is the first line).
fn pages(pdf: &[u8]) -> Vec<String> {
    pdftotext(pdf, "-layout")
}

/// The PDF's text in the order it was written (`pdftotext -raw`): a table cell's lines stay
/// together, so a name wrapped over two lines still reads as one after [`flat`].
fn raw(pdf: &[u8]) -> String {
    pdftotext(pdf, "-raw").join("\n")
}

fn pdftotext(pdf: &[u8], mode: &str) -> Vec<String> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "afterword-pdf-test-{}-{}.pdf",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext").arg(mode).arg("-enc").arg("UTF-8").arg(&path).arg("-").output();
    let _ = std::fs::remove_file(&path);
    let output = output.unwrap_or_else(|err| {
        panic!(
            "these tests read the PDFs back with pdftotext, which could not be run ({err}): \
             install poppler-utils (`scripts/setup.sh --test` or `apt-get install poppler-utils`)"
        )
    });
    assert!(output.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).expect("pdftotext writes UTF-8");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Whitespace collapsed to single spaces, so table wrapping does not matter.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_has(text: &str, needle: &str) {
    assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
}

fn assert_lacks(text: &str, needle: &str) {
    assert!(!text.contains(needle), "did not expect {needle:?} in:\n{text}");
}

#[test]
fn contributors_report_shows_totals_names_labels_and_page_numbers() {
    let bytes = pdf(Template::Contributors, &fixture("contributors.json"));
    let pages = pages(&bytes);
    let text = flat(&raw(&bytes));
    for needle in [
        "Contributor report",
        "1 January 2026 – 31 March 2026",
        "Example Corp",
        "Ana Analyst",
        "7 December 2026",
        "Kinds: Phishing report, Security incident",
        "Teams: IT Operations",
        "Jane Doe",
        "Contributor 3, IT Operations",
        "Ольга Петрова",
        "Kwame Mensah",
        "INC-2026-0042",
        "Phishing wave impersonating the payroll portal",
        "Unpatched VPN appliance",
        "Contributions by organisation",
        "Acme Security GmbH",
        "Finder / reporter",
        "Thanked",
        "Queued",
        "Not yet",
        "TLP:AMBER",
        "TLP:RED",
        "TLP:GREEN",
    ] {
        assert_has(&text, needle);
    }
    // The four totals on the cover, in order: incidents, contributions, contributors, thanked.
    assert_has(&flat(&pages[0]), "3 7 6 4 Incidents Contributions Contributors Thanked");
    for (i, page) in pages.iter().enumerate() {
        assert_has(page, &format!("Page {} of {}", i + 1, pages.len()));
    }
    // include_internal is false: the summary and notes stay out even though the data has them.
    assert_lacks(&text, "SECRET-SUMMARY-42");
    assert_lacks(&text, "SECRET-NOTE-1");
    assert_lacks(&text, "SECRET-CONSTRAINT-1");
    assert_lacks(&text, "Internal summary");
}

#[test]
fn internal_summary_and_notes_appear_only_when_asked_for() {
    let mut data = fixture("contributors.json");
    data["include_internal"] = json!(true);
    let text = flat(&raw(&pdf(Template::Contributors, &data)));
    assert_has(&text, "SECRET-SUMMARY-42");
    assert_has(&text, "SECRET-NOTE-1");
    assert_has(&text, "SECRET-CONSTRAINT-1");
    assert_has(&text, "Internal.");
}

#[test]
fn recognition_report_shows_people_teams_and_labels() {
    let bytes = pdf(Template::Recognition, &fixture("recognition.json"));
    let pages = pages(&bytes);
    let text = flat(&raw(&bytes));
    for needle in [
        "Recognition report",
        "1 January 2026 – 31 December 2026",
        "Jane Doe",
        "Contributor 7, IT Operations",
        "Kwame Mensah",
        "IT Operations",
        "Vendor Networks Ltd",
        "INC-2026-0042",
        "TLP:GREEN",
        "TLP:RED",
        "TLP:AMBER+STRICT",
        "TLP:CLEAR",
        "forwarded the phishing mail",
        "and 2 more",
        "and 6 more incidents",
        "Top contributors",
        "Top teams",
    ] {
        assert_has(&text, needle);
    }
    assert_has(&flat(&pages[0]), "120 400 90 14 Incidents Contributions Contributors Teams");
    // "gave" is cut to three items.
    assert_lacks(&text, "a second mail");
    for (i, page) in pages.iter().enumerate() {
        assert_has(page, &format!("Page {} of {}", i + 1, pages.len()));
    }
}

const TRICKY: &[&str] = &[
    "#panic(\"x\")",
    "*x*",
    "$x$",
    "<y>",
    "@ref",
    "_under_",
    "[bracket]",
    "back\\slash",
    "#{1 + 1}",
    "= not a heading",
    "`raw`",
];

#[test]
fn markup_in_data_prints_literally() {
    let mut data = fixture("contributors.json");
    let contributions = data["incidents"][0]["contributions"].as_array_mut().unwrap();
    let template = contributions[0].clone();
    contributions.clear();
    for (i, tricky) in TRICKY.iter().enumerate() {
        let mut c = template.clone();
        c["contributor"] = json!(format!("{tricky} name{i}"));
        c["what"] = json!(format!("gave {tricky}"));
        contributions.push(c);
    }
    data["incidents"][0]["title"] = json!("Title #panic(\"t\") *t*");
    data["organisation"] = json!("Org $m$ <l>");
    let text = flat(&raw(&pdf(Template::Contributors, &data)));
    for (i, tricky) in TRICKY.iter().enumerate() {
        assert_has(&text, &format!("{tricky} name{i}"));
        assert_has(&text, &format!("gave {tricky}"));
    }
    assert_has(&text, "Title #panic(\"t\") *t*");
    assert_has(&text, "Org $m$ <l>");

    let mut data = fixture("recognition.json");
    data["people"][0]["contributor"] = json!("#panic(\"x\") *x* $x$ <y>");
    data["people"][0]["gave"] = json!(["#panic(\"g\")", "_g_"]);
    data["teams"][0]["team"] = json!("*team* #team");
    let text = flat(&raw(&pdf(Template::Recognition, &data)));
    assert_has(&text, "#panic(\"x\") *x* $x$ <y>");
    assert_has(&text, "#panic(\"g\")");
    assert_has(&text, "_g_");
    assert_has(&text, "*team* #team");
}

#[test]
fn empty_reports_render() {
    let data = json!({
        "title": "Contributor report", "subtitle": "", "organisation": "", "author": "",
        "generated_at": "7 December 2026", "filters": [], "include_internal": false,
        "totals": {"incidents": 0, "contributions": 0, "contributors": 0, "thanked": 0, "queued": 0, "not_thanked": 0},
        "by_group_heading": "Contributions by team", "by_group": [], "by_role": [], "incidents": []
    });
    let text = flat(&raw(&pdf(Template::Contributors, &data)));
    assert_has(&text, "No incidents match");
    assert_has(&text, "Page 1 of 1");

    let data = json!({
        "title": "Recognition report", "subtitle": "2026", "organisation": "", "author": "",
        "generated_at": "7 December 2026", "filters": [],
        "totals": {"incidents": 0, "contributions": 0, "contributors": 0, "teams": 0},
        "people": [], "teams": []
    });
    let text = flat(&raw(&pdf(Template::Recognition, &data)));
    assert_has(&text, "Nobody contributed in this period.");
    assert_has(&text, "Page 1 of 1");

    // An incident without contributions, and charts whose counts are all zero.
    let mut data = fixture("contributors.json");
    data["incidents"][0]["contributions"] = json!([]);
    data["by_group"] = json!([{"label": "Nobody", "count": 0}]);
    let text = flat(&raw(&pdf(Template::Contributors, &data)));
    assert_has(&text, "No contributions recorded.");
}

/// An incident whose table runs over several pages keeps its TLP label in the header of every
/// one of them; a page shared by two incidents shows both labels; a page with only the second
/// incident shows only its label.
#[test]
fn tlp_label_in_the_header_of_every_page_an_incident_appears_on() {
    let mut data = fixture("contributors.json");
    let incidents = data["incidents"].as_array_mut().unwrap();
    incidents.truncate(2); // amber, then red
    let template = incidents[0]["contributions"][0].clone();
    for (n, prefix) in [(70, "Amberperson"), (70, "Redperson")] {
        let index = if prefix == "Amberperson" { 0 } else { 1 };
        let list: Vec<Value> = (0..n)
            .map(|i| {
                let mut c = template.clone();
                c["contributor"] = json!(format!("{prefix}{i}"));
                c
            })
            .collect();
        incidents[index]["contributions"] = json!(list);
    }
    let pages = pages(&pdf(Template::Contributors, &data));
    assert!(pages.len() >= 5, "expected the tables to span several pages, got {}", pages.len());
    let (mut amber_pages, mut red_pages, mut shared) = (0, 0, 0);
    for (i, page) in pages.iter().enumerate().skip(1) {
        let header = page.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let has_amber = page.contains("Amberperson");
        let has_red = page.contains("Redperson");
        assert_eq!(header.contains("TLP:AMBER"), has_amber, "page {}: header {header:?}", i + 1);
        assert_eq!(header.contains("TLP:RED"), has_red, "page {}: header {header:?}", i + 1);
        amber_pages += has_amber as usize;
        red_pages += has_red as usize;
        shared += (has_amber && has_red) as usize;
        // The red header is strictest, so it comes first.
        if has_amber && has_red {
            assert!(header.find("TLP:RED") < header.find("TLP:AMBER"), "{header:?}");
        }
    }
    assert!(amber_pages >= 2 && red_pages >= 2, "amber on {amber_pages}, red on {red_pages} pages");
    assert_eq!(shared, 1, "one page has the end of one incident and the start of the next");
    // A continuation page names the incident carried over.
    assert!(pages.iter().any(|p| p.contains("INC-2026-0042 continued")));
}

#[test]
fn scripts_other_than_latin_render_with_real_glyphs() {
    // Cyrillic comes from Inter, Hebrew from the DejaVu Sans fallback: pdftotext gets the
    // characters back only if a font had glyphs for them.
    let text = pages(&pdf(Template::Contributors, &fixture("contributors.json"))).join("\n");
    assert_has(&text, "Ольга Петрова");
    assert!(text.contains("דוד") || text.contains("דוד".chars().rev().collect::<String>().as_str()), "{text}");
}

#[test]
fn errors_are_sentences() {
    let err = render(Template::Contributors, b"{ not json").unwrap_err();
    assert!(err.to_string().starts_with("The data for the contributors report is not valid JSON"), "{err}");

    let err = render(Template::Recognition, br#"{"people": 3}"#).unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("Could not typeset the recognition report: "), "{message}");
    assert!(message.contains("line"), "{message}");
}

/// A report too big for a section per incident (over 300 incidents) becomes a register by
/// month: every contribution is still there, the TLP chips of each page's incidents are in its
/// header, and internal fields stay out unless asked for.
#[test]
fn big_reports_become_a_register_with_the_same_content_and_labels() {
    let mut data = fixture("contributors.json");
    let template = data["incidents"][0].clone();
    let incidents: Vec<Value> = (0..320)
        .map(|i| {
            let (tlp, label, who) =
                if i % 7 == 3 { ("red", "TLP:RED", "Redperson") } else { ("green", "TLP:GREEN", "Greenperson") };
            let mut x = template.clone();
            x["reference"] = json!(format!("INC-{i:05}"));
            x["tlp"] = json!(tlp);
            x["tlp_label"] = json!(label);
            x["opened_on"] = json!(format!("2026-{:02}-{:02}", 1 + i / 30, 1 + i % 28));
            x["summary"] = json!(format!("Secret summary {i}"));
            let mut c = x["contributions"][0].clone();
            c["contributor"] = json!(format!("{who}{i}"));
            c["notes"] = json!(format!("Private note {i}"));
            x["contributions"] = json!([c]);
            x
        })
        .collect();
    data["incidents"] = json!(incidents);
    let bytes = pdf(Template::Contributors, &data);
    let text = flat(&raw(&bytes));
    for i in [0, 3, 159, 319] {
        assert_has(&text, &format!("INC-{i:05}"));
    }
    assert_has(&text, "January 2026");
    assert_has(&text, "November 2026");
    assert_lacks(&text, "Secret summary");
    assert_lacks(&text, "Private note");
    let pages = pages(&bytes);
    assert!(pages.len() > 5, "{} pages", pages.len());
    for (i, page) in pages.iter().enumerate().skip(1) {
        let header = page.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        assert_eq!(header.contains("TLP:RED"), page.contains("Redperson"), "page {}: header {header:?}", i + 1);
        assert_eq!(header.contains("TLP:GREEN"), page.contains("Greenperson"), "page {}: header {header:?}", i + 1);
    }

    data["include_internal"] = json!(true);
    let text = flat(&raw(&pdf(Template::Contributors, &data)));
    assert_has(&text, "Secret summary 319");
    assert_has(&text, "Private note 319");
}
