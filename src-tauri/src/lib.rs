//! Afterword's desktop shell (Tauri 2).
//!
//! - [`run`] builds the app: single instance, remembered window geometry, the store plugin for
//!   preferences, and the commands.
//! - [`commands`] are thin wrappers over [`afterword_core::Store`]; [`AppState`] holds the open
//!   store; [`IpcError`] is the `{code, message}` every command fails with.
//! - [`specta_builder`] lists the commands once, for both the invoke handler and the generated
//!   TypeScript bindings (`ui/src/lib/bindings.ts`).
//! - [`imports`] runs imports as background jobs and announces files dropped on the window;
//!   [`signin`] runs a Microsoft 365 or Google sign-in while the window waits.
//! - [`launch`] reads `--data-dir`; [`window_state`] saves the window geometry as it changes.

pub mod commands;
pub mod desktop;
pub mod error;
pub mod imports;
pub mod launch;
pub mod preferences;
pub mod prefetch;
pub mod preview;
pub mod sender;
pub mod signin;
pub mod state;
pub mod window_state;

pub use error::IpcError;
pub use state::AppState;

use tauri::Manager;
use tauri_specta::{collect_commands, Builder};

/// Where the generated TypeScript goes, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

pub fn specta_builder<R: tauri::Runtime>() -> Builder<R> {
    use commands::*;
    Builder::<R>::new().commands(collect_commands![
        app_info,
        mark_shown,
        overview,
        load_example,
        list_incidents,
        get_incident,
        create_incident,
        update_incident,
        set_incident_status,
        delete_incident,
        restore_incident,
        search_people,
        get_person,
        create_person,
        update_person,
        delete_person,
        restore_person,
        merge_people,
        add_contribution,
        update_contribution,
        delete_contribution,
        restore_contribution,
        recently_deleted,
        preview_quick_add,
        preview_quick_add_lines,
        quick_add,
        get_preferences,
        set_preferences,
        get_settings,
        update_sender,
        get_outcome,
        add_outcome_section,
        update_outcome_section,
        move_outcome_section,
        delete_outcome_section,
        restore_outcome_section,
        list_templates,
        create_template,
        update_template,
        duplicate_template,
        reset_template,
        delete_template,
        restore_template,
        template_variables,
        try_template,
        check_tone,
        generate_messages,
        list_messages,
        preview_message,
        edit_message,
        reset_message,
        approve_message,
        approve_all_messages,
        unapprove_message,
        skip_message,
        unskip_message,
        closeout,
        render_messages,
        choose_folder,
        open_folder,
        get_smtp_settings,
        save_smtp_settings,
        forget_smtp_password,
        test_smtp,
        admin_guide,
        start_sign_in,
        wait_sign_in,
        cancel_sign_in,
        pending_sign_in,
        sign_out,
        queue_incident,
        list_outbox,
        outbox_state,
        send_now,
        pause_sending,
        resume_sending,
        cancel_outbox,
        retry_outbox,
        resolve_uncertain,
        thanks_for,
        open_outbox_folder,
        choose_import_file,
        inspect_import,
        start_import,
        import_status,
        cancel_import,
        contributor_report_preview,
        recognition_report_preview,
        choose_report_file,
        save_report,
        incident_history,
        person_history,
        choose_data_destination,
        choose_data_source,
        backup_database,
        restore_database,
        export_all_data,
        import_all_data,
        list_backups,
    ])
}

/// Writes the TypeScript bindings for the UI.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let header = "// Generated from the Rust command signatures by `cargo test -p afterword-app`. Do not edit.\n";
    specta_builder::<tauri::Wry>()
        .export(specta_typescript::Typescript::default().header(header), path)
        .map_err(|e| e.to_string())
}

pub fn run() {
    let started = std::time::Instant::now();
    // Logs go to stderr, coloured only on a terminal, so a redirected log stays greppable.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let options = launch::Options::from_args(std::env::args().skip(1));
    let data_dir = match afterword_core::data_dir(options.data_dir.as_deref()) {
        Ok(dir) => dir,
        Err(e) => launch::fail(&e.to_string()),
    };
    let state = AppState::open_at(data_dir, started);
    if let Some(problem) = state.database_problem() {
        eprintln!("Afterword cannot open its database: {problem}");
    }
    startup_mark(started, "store opened");
    state.prefetch();

    let specta = specta_builder::<tauri::Wry>();
    tauri::Builder::default()
        // First: a second launch hands its arguments to this process and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_store::Builder::default().build())
        // Called from Rust only: the web view gets no dialog, opener or notification permission.
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .manage(preview::PreviewCache::default())
        .manage(imports::ImportJobs::default())
        .manage(signin::SignIns::default())
        .register_uri_scheme_protocol(preview::SCHEME, |ctx, request| {
            preview::respond(&ctx.app_handle().state::<preview::PreviewCache>(), &request)
        })
        .invoke_handler(specta.invoke_handler())
        .on_window_event(|window, event| {
            window_state::on_window_event(window, event);
            imports::on_drag_drop(window, event);
        })
        .on_page_load(move |_, payload| {
            let what = match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page load started",
                tauri::webview::PageLoadEvent::Finished => "page load finished",
            };
            startup_mark(started, what);
        })
        .setup(move |app| {
            startup_mark(started, "setup started (window created)");
            desktop::Desktop::install(app.handle());
            let data_dir = app.state::<AppState>().data_dir.clone();
            app.manage(sender::Sender::start(data_dir, Box::new(desktop::Notifications(app.handle().clone()))));
            preferences::install(app.handle())?;
            startup_mark(started, "setup done");
            Ok(())
        })
        .build({
            startup_mark(started, "builder ready");
            tauri::generate_context!()
        })
        .unwrap_or_else(|e| launch::fail(&format!("Afterword could not start: {e}")))
        .run(move |_, event| {
            if let tauri::RunEvent::Ready = event {
                startup_mark(started, "event loop ready");
            }
        });
}

/// A start-up milestone in the log (`startup=WHAT elapsed_ms=N`), for profiling the launch.
pub(crate) fn startup_mark(started: std::time::Instant, what: &str) {
    let elapsed = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
    tracing::info!(startup = what, elapsed_ms = elapsed, "start-up");
}
