//! A bare Tauri 2 app for the start-up benchmark (scripts/bench-app.sh): one window the size of
//! Afterword's, whose page calls one command on load; the command logs the milliseconds since the
//! process started the way Afterword's `mark_shown` does (`view=shown elapsed_ms=N`).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::Instant;

struct Started(Instant);

#[tauri::command]
fn shown(started: tauri::State<'_, Started>) -> u64 {
    let elapsed = started.0.elapsed().as_millis() as u64;
    eprintln!("view=shown elapsed_ms={elapsed}");
    elapsed
}

fn main() {
    let started = Started(Instant::now());
    tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![shown])
        .run(tauri::generate_context!())
        .expect("the bare app could not start");
}
