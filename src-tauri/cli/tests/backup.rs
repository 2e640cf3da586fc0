//! `afterword backup`, `restore`, `export-all` and `import-all` end to end over temp data dirs:
//! the round trips, the one-line text and the JSON, and refusals (exit 1, `error[code]`) that
//! leave the live database's bytes as they were.

use serde_json::Value;
use std::path::{Path, PathBuf};

mod common;
use common::Cli;

impl Cli {
    /// A data dir with the example and a small generated dataset.
    fn populated() -> Cli {
        let cli = Cli::new();
        cli.ok(&["example"]);
        cli.ok(&["generate", "--incidents", "12", "--people", "300", "--contributions", "900", "--crowded", "20"]);
        cli
    }

    /// Runs a command that must fail: exit 1, and stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8(out.stderr).unwrap()
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("afterword.db")
    }

    /// What the listings show: the content a round trip must keep.
    fn listings(&self) -> (Value, Value) {
        (self.json(&["incident", "list", "--limit", "1000"]), self.json(&["person", "list", "--limit", "1000"]))
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn backup_then_restore_brings_back_exactly_what_was_backed_up() {
    let cli = Cli::populated();
    let files = tempfile::tempdir().unwrap();
    let copy = files.path().join("copy.db");
    let text = cli.ok(&["backup", path(&copy)]);
    assert!(
        text.starts_with("Backed up 303 people, 13 incidents and 903 contributions to ")
            && text.contains(path(&copy))
            && text.trim_end().ends_with(" kB)"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1);
    let info = cli.json(&["backup", path(&files.path().join("again.db"))]);
    assert_eq!((info["people"].as_u64(), info["incidents"].as_u64()), (Some(303), Some(13)));
    assert!(info["bytes"].as_u64().unwrap() > 10_000 && info["schema_version"].as_u64().unwrap() >= 1, "{info}");
    let before = cli.listings();

    cli.ok(&["person", "add", "--name", "After Backup", "--email", "after@corp.example"]);
    assert_ne!(cli.listings(), before);
    let restored = cli.ok(&["restore", path(&copy)]);
    assert!(restored.starts_with("Restored 303 people, 13 incidents and 903 contributions from "), "{restored}");
    assert!(restored.contains("the database as it was is kept at ") && restored.contains("backups"), "{restored}");
    assert_eq!(cli.listings(), before);

    let info = cli.json(&["restore", path(&copy)]);
    assert_eq!(info["source"], path(&copy));
    assert!(info["previous"].as_str().unwrap().contains("afterword-before-restore-"), "{info}");
}

#[test]
fn damaged_and_newer_backups_are_refused_and_the_live_database_keeps_its_bytes() {
    let cli = Cli::populated();
    let files = tempfile::tempdir().unwrap();
    let good = files.path().join("good.db");
    cli.ok(&["backup", path(&good)]);
    let good_bytes = std::fs::read(&good).unwrap();

    let random = files.path().join("random.db");
    let mut x = 88172645463325252u64;
    std::fs::write(
        &random,
        (0..32_768)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let truncated = files.path().join("truncated.db");
    std::fs::write(&truncated, &good_bytes[..good_bytes.len() / 3]).unwrap();
    let newer = files.path().join("newer.db");
    std::fs::write(&newer, &good_bytes).unwrap();
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 1000).unwrap();

    let before = std::fs::read(cli.db()).unwrap();
    let listings = cli.listings();
    for (source, code, words) in [
        (&random, "backup_damaged", "not an Afterword backup or is damaged"),
        (&truncated, "backup_damaged", "damaged"),
        (&newer, "backup_newer", "newer version of Afterword (schema 1000"),
    ] {
        let stderr = cli.fails(&["restore", path(source)]);
        assert!(stderr.starts_with(&format!("error[{code}]: ")), "{stderr}");
        assert!(stderr.contains(words) && stderr.contains(path(source)), "{stderr}");
        assert!(stderr.contains("The live database was left untouched"), "{stderr}");
        assert_eq!(std::fs::read(cli.db()).unwrap(), before, "{}", source.display());
    }
    let out = cli.run(&["--json", "restore", path(&newer)]);
    let error: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(error["code"], "backup_newer");
    assert_eq!(std::fs::read(cli.db()).unwrap(), before);
    assert_eq!(cli.listings(), listings);
    assert!(!cli.dir.path().join("backups").exists(), "no safety copy is taken for a refused restore");
}

#[test]
fn restore_works_when_the_live_database_is_damaged_or_newer_and_keeps_it_aside() {
    let source = Cli::populated();
    let files = tempfile::tempdir().unwrap();
    let good = files.path().join("good.db");
    source.ok(&["backup", path(&good)]);
    let wanted = source.listings();

    for why in ["damaged", "newer"] {
        let cli = Cli::new();
        if why == "damaged" {
            std::fs::write(cli.db(), b"scribbled over".repeat(1000)).unwrap();
        } else {
            let conn = rusqlite::Connection::open(cli.db()).unwrap();
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 1000;").unwrap();
        }
        let old = std::fs::read(cli.db()).unwrap();
        assert!(cli.fails(&["incident", "list"]).contains("left untouched"));
        let text = cli.ok(&["restore", path(&good)]);
        assert!(text.contains(&format!("afterword.db.{why}-")), "{text}");
        assert_eq!(cli.listings(), wanted);
        let aside: Vec<PathBuf> = std::fs::read_dir(cli.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with(&format!("afterword.db.{why}-")))
            .collect();
        assert_eq!(aside.len(), 1, "{aside:?}");
        assert_eq!(std::fs::read(&aside[0]).unwrap(), old, "kept as it was");
    }
}

#[test]
fn export_all_then_import_all_into_another_data_dir_shows_the_same_data() {
    let cli = Cli::populated();
    cli.ok(&["settings", "set", "organisation", "Example Corp"]);
    let files = tempfile::tempdir().unwrap();
    let doc = files.path().join("everything.json");
    let text = cli.ok(&["export-all", path(&doc)]);
    assert!(text.starts_with("Exported 303 people, 13 incidents and 903 contributions ("), "{text}");
    assert!(text.contains(" tables, ") && text.contains(path(&doc)), "{text}");
    let document: Value = serde_json::from_slice(&std::fs::read(&doc).unwrap()).unwrap();
    assert_eq!(document["format"], "afterword-export");

    let other = Cli::new();
    let info = other.json(&["import-all", path(&doc)]);
    assert_eq!((info["people"].as_u64(), info["incidents"].as_u64()), (Some(303), Some(13)));
    assert_eq!(info["rows"]["people"], document["tables"]["people"].as_array().unwrap().len());
    assert_eq!(other.listings(), cli.listings());
    assert_eq!(other.json(&["settings", "show"]), cli.json(&["settings", "show"]));

    // A second import would mix the datasets: refused unless --replace.
    let before = std::fs::read(other.db()).unwrap();
    let stderr = other.fails(&["import-all", path(&doc)]);
    assert!(stderr.starts_with("error[needs_confirmation]: ") && stderr.contains("--replace"), "{stderr}");
    assert_eq!(std::fs::read(other.db()).unwrap(), before);
    let text = other.ok(&["import-all", "--replace", path(&doc)]);
    assert!(text.starts_with("Imported 303 people") && text.contains("afterword-before-import-"), "{text}");
    assert_eq!(other.listings(), cli.listings());

    // Not an export at all.
    let junk = files.path().join("junk.json");
    std::fs::write(&junk, b"{\"format\": \"something\"}").unwrap();
    let stderr = other.fails(&["import-all", "--replace", path(&junk)]);
    assert!(stderr.starts_with("error[backup_damaged]: ") && stderr.contains("left untouched"), "{stderr}");
}
