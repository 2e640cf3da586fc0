//! Finds the fonts the reports are typeset with and copies them into OUT_DIR, so that
//! `src/fonts.rs` can embed them with `include_bytes!` and the PDF never depends on the fonts of
//! the machine it runs on.
//!
//! - Inter (Debian's `fonts-inter`, static OpenType files): the report's typeface.
//! - DejaVu Sans (Debian's `fonts-dejavu-core`): the fallback for scripts Inter lacks (Hebrew,
//!   Arabic, Armenian, Georgian and many symbols).
//!
//! The folders searched are `$AFTERWORD_FONT_DIR` (if set), `/usr/share/fonts` and
//! `/usr/local/share/fonts`, recursively.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// (the name written to OUT_DIR, the file names accepted, the package that ships it)
const FONTS: &[(&str, &[&str], &str)] = &[
    ("Inter-Regular.font", &["Inter-Regular.otf", "Inter-Regular.ttf"], "fonts-inter"),
    ("Inter-Italic.font", &["Inter-Italic.otf", "Inter-Italic.ttf"], "fonts-inter"),
    ("Inter-Medium.font", &["Inter-Medium.otf", "Inter-Medium.ttf"], "fonts-inter"),
    ("Inter-SemiBold.font", &["Inter-SemiBold.otf", "Inter-SemiBold.ttf"], "fonts-inter"),
    ("Inter-Bold.font", &["Inter-Bold.otf", "Inter-Bold.ttf"], "fonts-inter"),
    ("DejaVuSans.font", &["DejaVuSans.ttf"], "fonts-dejavu-core"),
    ("DejaVuSans-Bold.font", &["DejaVuSans-Bold.ttf"], "fonts-dejavu-core"),
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=AFTERWORD_FONT_DIR");

    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(dir) = env::var_os("AFTERWORD_FONT_DIR") {
        roots.push(dir.into());
    }
    roots.push("/usr/share/fonts".into());
    roots.push("/usr/local/share/fonts".into());

    let mut found: Vec<PathBuf> = Vec::new();
    for root in &roots {
        collect(root, &mut found, 0);
    }

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut missing = Vec::new();
    for (out_name, names, package) in FONTS {
        // The first root that has the font wins, so AFTERWORD_FONT_DIR overrides the system.
        let source = names
            .iter()
            .find_map(|name| found.iter().find(|path| path.file_name().and_then(|n| n.to_str()) == Some(name)));
        match source {
            Some(path) => {
                println!("cargo:rerun-if-changed={}", path.display());
                fs::copy(path, out_dir.join(out_name))
                    .unwrap_or_else(|err| panic!("could not copy the font {}: {err}", path.display()));
            }
            None => missing.push(format!("{} (Debian package {package})", names[0])),
        }
    }

    if !missing.is_empty() {
        let searched: Vec<String> = roots.iter().map(|root| root.display().to_string()).collect();
        panic!(
            "\n\nafterword-pdf embeds its fonts at build time, and these were not found under {}:\n  {}\n\n\
             Run `scripts/setup.sh` (it installs them), or `sudo apt-get install fonts-inter fonts-dejavu-core`,\n\
             or point AFTERWORD_FONT_DIR at a folder that holds these files.\n",
            searched.join(", "),
            missing.join("\n  ")
        );
    }
}

/// Every file below `dir`, in a stable order (depth-limited against symlink loops).
fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 8 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|entry| entry.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out, depth + 1);
        } else {
            out.push(path);
        }
    }
}
