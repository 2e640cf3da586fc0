//! The `afterword` binary end to end over a temp data dir: text and JSON output, errors and
//! exit codes, and that it reads the same database the app writes (same core, same file).

use serde_json::Value;
use std::process::{Command, Output};

mod common;
use common::Cli;

#[test]
fn add_list_show_through_the_cli() {
    let cli = Cli::new();
    let inc = cli.json(&[
        "incident",
        "add",
        "--title",
        "Phishing wave",
        "--kind",
        "phishing-report",
        "--opened-on",
        "2026-11-02",
    ]);
    assert_eq!(inc["reference"], "INC-2026-0001");
    cli.ok(&["person", "add", "--name", "Jane Doe", "--email", "Jane@Corp.com", "--audience", "it_operations"]);
    cli.ok(&[
        "contribution",
        "add",
        "--incident",
        "inc-2026-0001",
        "--person",
        "jane@corp.com",
        "--what",
        "proxy logs",
        "--role",
        "log_provider",
    ]);
    cli.ok(&["contribution", "quick", "INC-2026-0001", "tom@ops.example — patched the VPN", "--name", "Tom Ortega"]);

    let shown = cli.json(&["incident", "show", "INC-2026-0001"]);
    let whats: Vec<&str> = shown["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["contribution"]["what"].as_str().unwrap())
        .collect();
    assert_eq!(whats, ["proxy logs", "patched the VPN"]);
    let text = cli.ok(&["incident", "list"]);
    assert!(
        text.contains("INC-2026-0001") && text.contains("2 people") && text.contains("(incidents 1–1 of 1)"),
        "{text}"
    );
    let people = cli.json(&["person", "list", "tom"]);
    assert_eq!(people[0]["name"], "Tom Ortega");
    let person = cli.json(&["person", "show", "JANE@corp.com"]);
    assert_eq!(person["contributions"][0]["incident_reference"], "INC-2026-0001");
    let filtered = cli.json(&["incident", "list", "--status", "closed"]);
    assert_eq!(filtered["total"], 0);
}

#[test]
fn errors_are_specific_and_exit_non_zero() {
    let cli = Cli::new();
    let out = cli.run(&["person", "add", "--name", "X", "--email", "a@b@c"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[invalid]") && stderr.contains("more than one '@'"), "{stderr}");

    let out = cli.run(&["--json", "incident", "show", "INC-404"]);
    let error: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(error["code"], "not_found");

    let out = cli.run(&["incident", "add", "--title", "x", "--severity", "urgent"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("low, medium, high, critical"));
}

#[test]
fn a_newer_database_is_refused_with_its_path() {
    let cli = Cli::new();
    let db = cli.dir.path().join("afterword.db");
    write_newer_db(&db);
    let before = std::fs::read(&db).unwrap();
    let out = cli.run(&["incident", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("newer version of Afterword") && stderr.contains(&db.display().to_string()), "{stderr}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

/// A database a future Afterword wrote: schema version 1000.
fn write_newer_db(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 1000;").unwrap();
}

/// `check-tone` on a file, or on standard input when `stdin` is given (the file is then `-`).
fn check_tone(cli: &Cli, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut command = Command::new(env!("CARGO_BIN_EXE_afterword"));
    command.arg("--data-dir").arg(cli.dir.path()).arg("check-tone").args(args).env_remove("AFTERWORD_DATA_DIR");
    let Some(input) = stdin else { return command.output().unwrap() };
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A run that fails early (a bad --audience) may exit before reading: a broken pipe is fine.
    if let Err(e) = child.stdin.take().unwrap().write_all(input.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

#[test]
fn check_tone_exits_0_when_clean_and_1_with_findings() {
    let cli = Cli::new();
    let good = cli.dir.path().join("good.md");
    std::fs::write(
        &good,
        "Hi Jo,\n\nThank you for reporting the email so quickly. We blocked the site for everyone.\n",
    )
    .unwrap();
    let out = check_tone(&cli, &["--audience", "end-user", good.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(out.stdout.is_empty());

    let bad = "Hi Jo,\n\nThank you. Obviously you clicked the link.\nWe blocked the site.\n";
    let out = check_tone(&cli, &["--audience", "end_user", "-"], Some(bad));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("3:12 condescension: Obviously — "), "{text}");
    assert!(lines[1].starts_with("3:22 blame: you clicked — It makes the person"), "{text}");
    assert!(lines[1].contains(". Try: Describe what the attack did"), "{text}");
}

#[test]
fn check_tone_json_lists_findings_with_offsets() {
    let cli = Cli::new();
    let draft = cli.dir.path().join("draft.md");
    std::fs::write(&draft, "Per my last email, the EDR caught it.").unwrap();
    let out = check_tone(&cli, &["--json", "--audience", "management", draft.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = body["findings"].as_array().unwrap();
    let summary: Vec<(&str, &str)> =
        findings.iter().map(|f| (f["category"].as_str().unwrap(), f["excerpt"].as_str().unwrap())).collect();
    // Sorted by start, the shorter span first; "caught" tells the outcome.
    assert_eq!(
        summary,
        [
            ("passive_aggressive", "Per my last email"),
            ("missing_thanks", "Per my last email, the EDR caught it."),
            ("jargon", "EDR"),
        ]
    );
    let edr = &findings[2];
    assert_eq!((edr["start"].as_u64(), edr["end"].as_u64()), (Some(23), Some(26)));
    assert_eq!((edr["start_utf16"].as_u64(), edr["end_utf16"].as_u64()), (Some(23), Some(26)));
    for key in ["why", "suggestion"] {
        assert!(!edr[key].as_str().unwrap().is_empty(), "{key}");
    }

    // The same audience with the outcome given: a clean draft is `{"findings": []}` and exit 0.
    let out = check_tone(
        &cli,
        &["--json", "--audience", "it_operations", "--outcome", "The laptop was rebuilt.", "-"],
        Some("Thanks for the logs! The laptop was rebuilt."),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), serde_json::json!({ "findings": [] }));
}

#[test]
fn check_tone_exits_2_when_it_cannot_check() {
    let cli = Cli::new();
    let missing = cli.dir.path().join("nope.md");
    let out = check_tone(&cli, &["--audience", "end_user", missing.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[io]") && stderr.contains("nope.md"), "{stderr}");

    let rules = cli.dir.path().join("rules.json");
    std::fs::write(
        &rules,
        r#"{"rules": [{"id": "team.x", "category": "blame", "pattern": "(", "why": "w", "suggestion": "s"}]}"#,
    )
    .unwrap();
    let out = check_tone(
        &cli,
        &["--json", "--audience", "end_user", "--rules", rules.to_str().unwrap(), "-"],
        Some("Thanks"),
    );
    assert_eq!(out.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("invalid"), Some("tone_rules")));
    assert!(error["message"].as_str().unwrap().contains("\"team.x\""), "{error}");

    let out = check_tone(&cli, &["--audience", "everyone", "-"], Some("Thanks"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("end_user, it_operations"));
}

#[test]
fn compose_through_the_cli_settings_outcome_messages_render() {
    let cli = Cli::new();
    let settings = cli.json(&["settings", "set", "sender.email", "sam@corp.example"]);
    assert_eq!(settings["sender_email"], "sam@corp.example");
    let bad = cli.run(&["settings", "set", "colour", "blue"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sender.name, sender.email, organisation, signature"));
    cli.ok(&["settings", "set", "sender.name", "Sam Analyst"]);
    cli.ok(&["settings", "set", "organisation", "Corp"]);
    assert!(cli.ok(&["settings", "show"]).contains("organisation  Corp"));

    cli.ok(&["incident", "add", "--title", "Fake invoice", "--kind", "phishing_report", "--opened-on", "2026-11-02"]);
    cli.ok(&["person", "add", "--name", "Jane Doe", "--email", "jane@corp.example", "--organisation", "Corp"]);
    cli.ok(&["person", "add", "--name", "Vera Vendor", "--email", "vera@vendor.example", "--audience", "third_party"]);
    for (email, what) in [("jane@corp.example", "reported the mail"), ("vera@vendor.example", "sent firewall exports")]
    {
        cli.ok(&[
            "contribution",
            "add",
            "--incident",
            "INC-2026-0001",
            "--person",
            email,
            "--what",
            what,
            "--impact",
            "helped a lot",
        ]);
    }
    cli.ok(&[
        "outcome",
        "add",
        "--incident",
        "INC-2026-0001",
        "--tlp",
        "clear",
        "--heading",
        "Done",
        "We removed the mail.",
    ]);
    let red = cli.run(&["outcome", "add", "--incident", "INC-2026-0001", "--tlp", "red", "Secret"]);
    assert_eq!(red.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&red.stderr).contains("name at least one reader"));
    cli.ok(&[
        "outcome",
        "add",
        "--incident",
        "INC-2026-0001",
        "--tlp",
        "red",
        "--for",
        "jane@corp.example",
        "--heading",
        "Named",
        "Only Jane reads this.",
    ]);
    let sections = cli.json(&["outcome", "list", "--incident", "INC-2026-0001"]);
    assert_eq!(sections.as_array().unwrap().len(), 2);
    assert_eq!(sections[1]["readers"][0]["email"], "jane@corp.example");

    let report = cli.json(&["messages", "generate", "--incident", "INC-2026-0001"]);
    assert_eq!(report["created"], 2);
    cli.ok(&[
        "messages",
        "skip",
        "--incident",
        "INC-2026-0001",
        "--person",
        "vera@vendor.example",
        "--reason",
        "Phoned her",
    ]);

    // Closing with Jane still a draft asks first (exit 1), --force closes.
    let closing = cli.run(&["incident", "status", "INC-2026-0001", "closed"]);
    assert_eq!(closing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&closing.stderr).contains("Jane Doe (draft)"));

    cli.ok(&["messages", "approve", "--incident", "INC-2026-0001"]);
    let listed = cli.json(&["messages", "list", "--incident", "INC-2026-0001"]);
    let states: Vec<&str> = listed.as_array().unwrap().iter().map(|m| m["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["approved", "skipped"]);

    let out = cli.dir.path().join("dry-run");
    let rendered = cli.json(&["render", "--incident", "INC-2026-0001", "--out", out.to_str().unwrap()]);
    assert_eq!((rendered["written"].as_u64(), rendered["skipped"].as_u64()), (Some(1), Some(1)));
    let files: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(out.join(&files[0])).unwrap();
    assert!(eml.contains("multipart/alternative") && eml.contains("@corp.example>"));

    // Approved is not thanked yet: only once the message is sent may the incident close quietly.
    let closing = cli.run(&["incident", "status", "INC-2026-0001", "closed"]);
    assert_eq!(closing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&closing.stderr).contains("Jane Doe (approved)"));
    let queued = cli.json(&["outbox", "queue", "--incident", "INC-2026-0001"]);
    assert_eq!(queued["queued"].as_u64(), Some(1));
    // No server set: the message leaves as an .eml file in the outbox folder beside the database.
    let sent = cli.json(&["outbox", "send"]);
    assert_eq!(sent["run"]["progress"]["sent"].as_u64(), Some(1), "{sent}");
    let folder: Vec<_> = std::fs::read_dir(cli.dir.path().join("outbox")).unwrap().collect();
    assert_eq!(folder.len(), 1);
    let status = cli.json(&["outbox", "status"]);
    assert_eq!(status[0]["state"], "sent");
    cli.ok(&["incident", "status", "INC-2026-0001", "closed"]);
}

#[test]
fn quick_add_by_name_and_person_show_of_a_merged_email() {
    let cli = Cli::new();
    cli.ok(&["incident", "add", "--title", "Samples", "--opened-on", "2026-11-02"]);
    cli.ok(&["person", "add", "--name", "María López", "--email", "maria@corp.com"]);
    cli.ok(&["contribution", "quick", "INC-2026-0001", "Maria Lopez - forwarded two more samples"]);
    let shown = cli.json(&["person", "show", "maria@corp.com"]);
    assert_eq!(shown["contributions"][0]["contribution"]["what"], "forwarded two more samples");
    assert_eq!(shown["contributions"][0]["contribution"]["role"], "finder");

    let out = cli.run(&["contribution", "quick", "INC-2026-0001", "Nobody Known - logs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown_person"));

    cli.ok(&["person", "add", "--name", "M. Lopez", "--email", "mlopez@corp.com"]);
    let store = afterword_core::Store::open_in(cli.dir.path()).unwrap();
    let keep = store.person_by_email("maria@corp.com").unwrap().unwrap();
    let dup = store.person_by_email("mlopez@corp.com").unwrap().unwrap();
    store.merge_people(&keep.id, &dup.id).unwrap();
    drop(store);
    let shown = cli.json(&["person", "show", "MLopez@corp.com"]);
    assert_eq!(shown["person"]["id"], keep.id.as_str());
    assert_eq!(shown["person"]["email"], "maria@corp.com");
}

#[test]
fn incident_list_pages_with_offset_and_limit_and_shows_the_range() {
    let cli = Cli::new();
    cli.ok(&["generate", "--incidents", "7", "--people", "5", "--contributions", "3", "--crowded", "2"]);
    let all = cli.json(&["incident", "list"]);
    assert_eq!(all["total"], 7);
    let ids = |v: &Value| -> Vec<String> {
        v["incidents"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
    };
    let every = ids(&all);
    let first = cli.json(&["incident", "list", "--limit", "3"]);
    let second = cli.json(&["incident", "list", "--limit", "3", "--offset", "3"]);
    let last = cli.json(&["incident", "list", "--limit", "3", "--offset", "6"]);
    assert_eq!(
        (first["total"].clone(), second["total"].clone(), last["total"].clone()),
        (7.into(), 7.into(), 7.into())
    );
    let paged: Vec<String> = [ids(&first), ids(&second), ids(&last)].concat();
    assert_eq!(paged, every);

    let text = cli.ok(&["incident", "list", "--limit", "3", "--offset", "3"]);
    assert!(text.contains("(incidents 4–6 of 7)"), "{text}");
    assert_eq!(text.lines().count(), 4, "{text}");
    let text = cli.ok(&["incident", "list", "--offset", "6"]);
    assert!(text.contains("(incidents 7–7 of 7)"), "{text}");
    let text = cli.ok(&["incident", "list", "--offset", "9"]);
    assert!(text.contains("(no incidents after 9 of 7)"), "{text}");
}

fn fixture(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/import")
        .join(name)
        .display()
        .to_string()
}

fn import_stdin(cli: &Cli, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_afterword"))
        .arg("--data-dir")
        .arg(cli.dir.path())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn import_preview_json_lists_every_row_and_writes_nothing() {
    let cli = Cli::new();
    let preview = cli.json(&["import", "--preview", &fixture("thunderbird.csv")]);
    assert_eq!(
        (preview["new"].as_u64(), preview["duplicate"].as_u64(), preview["invalid"].as_u64()),
        (Some(4), Some(1), Some(1))
    );
    assert_eq!(preview["updated"], 0);
    let rows = preview["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    for row in rows {
        for key in ["email", "name", "class", "reason"] {
            assert!(row.get(key).is_some(), "{row} lacks {key}");
        }
    }
    assert!(rows.iter().any(|r| r["class"] == "invalid" && r["reason"].as_str().unwrap().contains("No email")));
    assert_eq!(cli.json(&["person", "list"]).as_array().unwrap().len(), 0);

    let done = cli.json(&["import", &fixture("thunderbird.csv")]);
    assert_eq!(done["new"], 4);
    assert_eq!(done["preview"], false);
    assert_eq!(cli.json(&["person", "list"]).as_array().unwrap().len(), 4);
    // Again: nothing changes.
    let again = cli.json(&["import", &fixture("thunderbird.csv")]);
    assert_eq!((again["new"].as_u64(), again["duplicate"].as_u64()), (Some(0), Some(5)));
}

#[test]
fn import_reads_standard_input_and_honours_format_map_audience() {
    let cli = Cli::new();
    let out = import_stdin(
        &cli,
        &["--json", "import", "-"],
        "Jane Doe <jane@corp.example>; \"Smith, John\" <john@corp.example>",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["format"].as_str(), report["new"].as_u64()), (Some("text"), Some(2)));

    // A CSV with unusual headers: the mapping says which column is the email; the audience is chosen.
    let csv = "Who,Contact point,Org\nVera Vendor,vera@vendor.example,Vendor Inc\n";
    let out = import_stdin(
        &cli,
        &[
            "--json",
            "import",
            "--format",
            "csv",
            "--map",
            "Contact point=email",
            "--map",
            "Who=name",
            "--audience",
            "management",
            "-",
        ],
        csv,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let vera = cli.json(&["person", "show", "vera@vendor.example"]);
    assert_eq!(vera["person"]["audience"], "management");
    assert_eq!(vera["person"]["organisation"], "Vendor Inc");

    let out = import_stdin(&cli, &["import", "--map", "Nope=email", "-"], csv);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no column “Nope”"));
}

#[test]
fn import_exits_1_with_the_reason_when_the_file_cannot_be_read() {
    let cli = Cli::new();
    for (name, says) in
        [("bad/garbage.bin", "binary data"), ("bad/empty.csv", "is empty"), ("missing.csv", "does not exist")]
    {
        let out = cli.run(&["import", &fixture(name)]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error[invalid]: ") && stderr.contains(says), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
        let out = cli.run(&["--json", "import", &fixture(name)]);
        let error: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("invalid"), Some("file")));
    }
    // Invalid rows are reported, not fatal.
    let out = cli.run(&["import", &fixture("bad/control_char.csv")]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("control character"));
}

#[test]
fn import_of_a_mailmerge_project_saves_its_template_once() {
    let cli = Cli::new();
    let text = cli.ok(&["import", &fixture("mailmerge")]);
    assert!(text.contains("imported 4 new"), "{text}");
    assert!(text.contains("template “Imported from mailmerge (mailmerge)”: saved"), "{text}");
    assert!(text.contains("{{number}}"), "{text}");
    let again = cli.ok(&["import", &fixture("mailmerge/mailmerge_database.csv")]);
    assert!(again.contains("already there, not added again"), "{again}");
}

#[test]
fn reports_in_every_format_and_the_history() {
    let cli = Cli::new();
    let example = cli.json(&["example"]);
    let reference = example["reference"].as_str().unwrap().to_owned();
    let opened = example["opened_on"].as_str().unwrap().to_owned();
    let dir = cli.dir.path();

    for format in ["csv", "json", "md", "pdf"] {
        let out = dir.join(format!("report.{format}"));
        let saved = cli.json(&["report", "contributors", "--incident", &reference, "--out", out.to_str().unwrap()]);
        assert_eq!(saved["format"], format, "the format follows the extension");
        assert_eq!(saved["lines"], example["contribution_count"], "{saved}");
        assert_eq!(saved["bytes"], std::fs::metadata(&out).unwrap().len());
    }
    let csv = std::fs::read_to_string(dir.join("report.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}\"Incident\""), "{csv}");
    let json: Value = serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["incidents"][0]["reference"], reference.as_str());
    assert!(std::fs::read_to_string(dir.join("report.md")).unwrap().contains(&format!("## {reference}")));
    assert!(std::fs::read(dir.join("report.pdf")).unwrap().starts_with(b"%PDF-"));

    // Without --out a text format goes to standard output.
    let md = cli.ok(&["report", "recognition", "--from", &opened, "--to", &opened, "--format", "md"]);
    assert!(md.starts_with("# Recognition report"), "{md}");

    let no_period = cli.run(&["report", "recognition", "--format", "csv"]);
    assert_eq!(no_period.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_period.stderr).contains("give --from and --to"));
    let bad_date = cli.run(&["report", "contributors", "--from", "yesterday", "--format", "csv"]);
    assert_eq!(bad_date.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("YYYY-MM-DD"));
    let pdf_to_stdout = cli.run(&["report", "contributors", "--format", "pdf"]);
    assert!(String::from_utf8_lossy(&pdf_to_stdout.stderr).contains("--out FILE.pdf"));
    let no_format = cli.run(&["report", "contributors", "--out", dir.join("report").to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&no_format.stderr).contains("--format csv, json, md or pdf"));

    let history = cli.ok(&["history", "--incident", &reference]);
    assert!(history.contains(&format!("Created the incident {reference}")), "{history}");
    let lines: Value = cli.json(&["history", "--incident", &reference]);
    assert!(lines.as_array().unwrap().iter().any(|l| l["action"] == "create" && l["entity"] == "incident"));
    let missing = cli.run(&["history", "--person", "nobody@corp.example"]);
    assert_eq!(missing.status.code(), Some(1));
}
