//! `afterword smtp set|show|sign-in` for Microsoft 365 and Google accounts over temp data dirs:
//! the account kind and registration saved and shown (never a secret), provider servers filled
//! in, bad input named by field with exit 1, and the password flow left as it was. Signing in
//! against real servers is in tests/system/signin.test.mjs.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

mod common;
use common::Cli;

const GUID: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

fn with_stdin(cli: &Cli, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_afterword"))
        .arg("--data-dir")
        .arg(cli.dir.path())
        .args(args)
        .env_remove("AFTERWORD_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn refused(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    serde_json::from_str(String::from_utf8_lossy(&out.stderr).trim()).unwrap()
}

#[test]
fn a_microsoft_365_account_is_set_and_shown_with_its_provider_server() {
    let cli = Cli::new();
    let saved = cli.json(&["smtp", "set", "--account", "microsoft365", "--tenant", "Contoso.com", "--client-id", GUID]);
    assert_eq!(saved["account"], "microsoft365");
    assert_eq!((saved["host"].as_str(), saved["port"].as_u64()), (Some("smtp.office365.com"), Some(587)));
    assert_eq!(saved["security"], "starttls");
    assert_eq!(saved["oauth"]["tenant"], "contoso.com");
    assert_eq!(saved["oauth"]["client_id"], GUID);
    assert_eq!(saved["password"], "not used (sign-in)");
    assert_eq!(saved["sign_in"]["kind"], "microsoft365");
    assert!(saved["sign_in"]["signed_in_as"].is_null());

    let text = cli.ok(&["smtp", "show"]);
    assert!(text.contains("account       Microsoft 365"), "{text}");
    assert!(text.contains(&format!("client ID     {GUID}")), "{text}");
    assert!(text.contains("signed in     no"), "{text}");

    // Endpoint overrides and the device-code opt-in; values not given are kept.
    let saved = cli.json(&[
        "smtp",
        "set",
        "--token-url",
        "http://127.0.0.1:9/token",
        "--auth-url",
        "http://127.0.0.1:9/authorize",
        "--redirect-host",
        "127.0.0.1",
        "--device-code",
    ]);
    assert_eq!(saved["oauth"]["token_url"], "http://127.0.0.1:9/token");
    assert_eq!(saved["oauth"]["tenant"], "contoso.com");
    assert_eq!(saved["oauth"]["device_code"], true);
    assert_eq!(saved["host"], "smtp.office365.com");
    assert_eq!(cli.json(&["smtp", "set", "--no-device-code"])["oauth"]["device_code"], false);
}

#[test]
fn a_google_client_secret_comes_from_standard_input_and_is_never_shown() {
    let cli = Cli::new();
    let out = with_stdin(
        &cli,
        &[
            "--json",
            "smtp",
            "set",
            "--account",
            "google",
            "--client-id",
            "123-x.apps.googleusercontent.com",
            "--client-secret-stdin",
        ],
        "GOCSPX-not-shown\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(!shown.contains("GOCSPX"), "{shown}");
    let saved: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(saved["host"], "smtp.gmail.com");
    assert_eq!(saved["oauth"]["client_secret"], "(set)");
    assert!(!cli.ok(&["smtp", "show"]).contains("GOCSPX"));
    assert!(!cli.ok(&["--json", "smtp", "show"]).contains("GOCSPX"));
}

#[test]
fn bad_sign_in_settings_are_named_by_field_and_change_nothing() {
    let cli = Cli::new();
    cli.ok(&["smtp", "set", "--host", "smtp.corp.example", "--username", "sam@corp.example"]);
    let cases: [(&[&str], &str); 6] = [
        (&["--account", "microsoft365", "--tenant", "contoso.com", "--client-id", "3f2504e0 4f89"], "client_id"),
        (&["--account", "microsoft365", "--tenant", "contoso corp", "--client-id", GUID], "tenant"),
        (&["--account", "microsoft365", "--client-id", GUID], "tenant"),
        (
            &[
                "--account",
                "microsoft365",
                "--tenant",
                "contoso.com",
                "--client-id",
                GUID,
                "--token-url",
                "http://login.example/t",
            ],
            "token_url",
        ),
        (&["--account", "google", "--client-id", "1.apps.googleusercontent.com", "--device-code"], "device_code"),
        (&["--account", "yahoo"], "account"),
    ];
    for (args, field) in cases {
        let mut all = vec!["--json", "smtp", "set"];
        all.extend_from_slice(args);
        let error = refused(&cli.run(&all));
        assert_eq!(
            (error["code"].as_str(), error["field"].as_str()),
            (Some("invalid"), Some(field)),
            "{args:?}: {error}"
        );
    }
    let shown = cli.json(&["smtp", "show"]);
    assert_eq!((shown["account"].as_str(), shown["host"].as_str()), (Some("password"), Some("smtp.corp.example")));
    assert_eq!(shown["username"], "sam@corp.example");
    assert!(shown["sign_in"].is_null());
}

#[test]
fn sign_in_needs_a_sign_in_account_and_a_password_needs_a_password_account() {
    let cli = Cli::new();
    cli.ok(&["smtp", "set", "--host", "smtp.corp.example"]);
    let error = refused(&cli.run(&["--json", "smtp", "sign-in"]));
    assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("invalid"), Some("account")), "{error}");

    cli.ok(&["smtp", "set", "--account", "microsoft365", "--tenant", "contoso.com", "--client-id", GUID]);
    let error = refused(&with_stdin(&cli, &["--json", "smtp", "set", "--password-stdin"], "pw\n"));
    assert_eq!(error["field"], "password", "{error}");
    let error = refused(&with_stdin(&cli, &["--json", "outbox", "send", "--password-stdin"], "pw\n"));
    assert_eq!(error["field"], "password", "{error}");
}
