//! The `afterword` binary over a temp data dir, shared by the CLI's test files.

use serde_json::Value;
use std::process::{Command, Output};

pub struct Cli {
    pub dir: tempfile::TempDir,
}

impl Cli {
    pub fn new() -> Cli {
        Cli { dir: tempfile::tempdir().unwrap() }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_afterword"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .env_remove("AFTERWORD_DATA_DIR")
            .output()
            .unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }
}
