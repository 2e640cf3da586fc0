//! `afterword`: the command-line front end over [`afterword_core::Store`].
//!
//! The same database as the desktop app (`--data-dir DIR` or `AFTERWORD_DATA_DIR` to choose
//! another); `--json` prints machine-readable output. Errors go to stderr as
//! `error[code]: message` (or `{code, message}` with `--json`) with exit status 1.

mod args;
mod backup;
mod compose;
mod import;
mod outbox;
mod output;
mod report;
mod tone;

use afterword_core::{Error, Store};
use args::{Cli, Command};
use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let json = cli.json;
    // check-tone needs no database and has exit codes of its own (1: findings, 2: error).
    if let Command::CheckTone(args) = &cli.command {
        std::process::exit(tone::run(args, json));
    }
    match run(cli) {
        Ok(0) => {}
        Ok(code) => std::process::exit(code),
        Err(error) => {
            output::error(&error, json);
            std::process::exit(1);
        }
    }
}

/// Runs one command; the exit status is 0 unless the command has codes of its own.
fn run(cli: Cli) -> Result<i32, Error> {
    let dir = afterword_core::data_dir(cli.data_dir.as_deref())?;
    let out = output::Printer { json: cli.json };
    // These replace the database, so they must also work when it cannot be opened.
    if matches!(cli.command, Command::Restore(_) | Command::ImportAll(_)) {
        return backup::run_replacing(&dir, &out, cli.command).map(|()| 0);
    }
    let store = Store::open_in(&dir)?;
    let done = match cli.command {
        Command::Smtp(command) => return outbox::run_smtp(&store, &out, command),
        Command::Outbox(command) => return outbox::run_outbox(&store, &out, command),
        Command::Incident(command) => args::run_incident(&store, &out, command),
        Command::Person(command) => args::run_person(&store, &out, command),
        Command::Contribution(command) => args::run_contribution(&store, &out, command),
        Command::Settings(command) => compose::run_settings(&store, &out, command),
        Command::Outcome(command) => compose::run_outcome(&store, &out, command),
        Command::Messages(command) => compose::run_messages(&store, &out, command),
        Command::Render(args) => compose::run_render(&store, &out, args),
        Command::CheckTone(_) => unreachable!("check-tone is handled in main, before the database opens"),
        Command::Import(args) => import::run(&store, &out, args),
        Command::Report(command) => report::run(&store, &out, command),
        Command::History(args) => report::history(&store, &out, args),
        Command::Backup(args) => backup::run_backup(&store, &out, args),
        Command::ExportAll(args) => backup::run_export(&store, &out, args),
        Command::Restore(_) | Command::ImportAll(_) => unreachable!("handled before the database opens"),
        Command::Example => out.incident(&store.load_example()?),
        Command::Generate(spec) => {
            let first = store.generate(spec.into())?;
            out.message(
                &format!("generated; the crowded incident is GEN-000001 ({first})"),
                &serde_json::json!({ "crowded_incident": first }),
            )
        }
        Command::Where => {
            out.message(&store.path().display().to_string(), &serde_json::json!({ "database": store.path() }))
        }
    };
    done.map(|()| 0)
}

/// `afterword outbox status | head` closes the pipe early: end quietly, as other command-line
/// tools do (status 141, as if killed by SIGPIPE), instead of panicking in `println!`.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
