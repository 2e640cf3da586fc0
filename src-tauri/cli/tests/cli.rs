//! The `afterword` binary end to end over a temp data dir: text and JSON output, errors and
//! exit codes, and that it reads the same database the app writes (same core, same file).

use serde_json::Value;
use std::process::{Command, Output};

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli { dir: tempfile::tempdir().unwrap() }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_afterword"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .env_remove("AFTERWORD_DATA_DIR")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }
}

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
        text.contains("INC-2026-0001") && text.contains("2 people") && text.contains("(1 of 1 incidents)"),
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
