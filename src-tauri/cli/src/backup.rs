//! `afterword backup FILE`, `restore FILE`, `export-all FILE` and `import-all [--replace] FILE`
//! over [`afterword_core::backup`].
//!
//! Text output is one line saying what happened ("Backed up 1,234 people, 56 incidents and
//! 7,890 contributions to FILE (2.1 MB)"); `--json` prints the core's `BackupInfo`,
//! `RestoreInfo`, `ExportInfo` or `ImportInfo`. `restore` and `import-all` run before the usual
//! open of the database ([`run_replacing`]), because they must also work when it cannot be
//! opened (damaged, or from a newer version): that file is then moved aside and kept.

use crate::args::Command;
use crate::output::Printer;
use afterword_core::backup::{import_all_in, restore_in};
use afterword_core::{Result, Store};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct FileArgs {
    pub file: PathBuf,
}

#[derive(Args)]
pub struct ImportAllArgs {
    /// An export written by `afterword export-all`.
    pub file: PathBuf,
    /// Replace a database that already holds incidents or people (a copy of it is kept in
    /// backups/ first), or one that cannot be opened (moved aside and kept).
    #[arg(long)]
    pub replace: bool,
}

pub fn run_backup(store: &Store, out: &Printer, args: FileArgs) -> Result<()> {
    let info = store.backup_to(&args.file)?;
    out.either(&info, || {
        println!(
            "Backed up {} to {} ({})",
            dataset(info.people, info.incidents, info.contributions),
            info.path.display(),
            size(info.bytes)
        )
    })
}

pub fn run_export(store: &Store, out: &Printer, args: FileArgs) -> Result<()> {
    let info = store.export_all(&args.file)?;
    let rows: u64 = info.rows.values().map(|&n| u64::from(n)).sum();
    out.either(&info, || {
        println!(
            "Exported {} ({} tables, {} rows) to {} ({})",
            dataset(info.people, info.incidents, info.contributions),
            info.rows.len(),
            thousands(rows),
            info.path.display(),
            size(info.bytes)
        )
    })
}

/// `restore` and `import-all`, given the data folder rather than an open database.
pub fn run_replacing(dir: &Path, out: &Printer, command: Command) -> Result<()> {
    match command {
        Command::Restore(args) => {
            let info = restore_in(dir, &args.file)?;
            let schema = if info.backup_schema_version == info.schema_version {
                String::new()
            } else {
                format!(" (schema {}, upgraded to {})", info.backup_schema_version, info.schema_version)
            };
            out.either(&info, || {
                println!(
                    "Restored {} from {}{schema}; the database as it was is kept at {}",
                    dataset(info.people, info.incidents, info.contributions),
                    info.source.display(),
                    info.previous.display()
                )
            })
        }
        Command::ImportAll(args) => {
            let info = import_all_in(dir, &args.file, args.replace)?;
            out.either(&info, || {
                println!(
                    "Imported {} from {} (exported {}); the database as it was is kept at {}",
                    dataset(info.people, info.incidents, info.contributions),
                    info.source.display(),
                    info.exported_at,
                    info.previous.display()
                )
            })
        }
        _ => unreachable!("only restore and import-all replace the database"),
    }
}

/// "1,234 people, 56 incidents and 7,890 contributions".
fn dataset(people: u32, incidents: u32, contributions: u32) -> String {
    let count = |n: u32, one: &str, many: &str| format!("{} {}", thousands(n.into()), if n == 1 { one } else { many });
    format!(
        "{}, {} and {}",
        count(people, "person", "people"),
        count(incidents, "incident", "incidents"),
        count(contributions, "contribution", "contributions")
    )
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Decimal units, one decimal: "2.1 MB", "980 bytes".
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234), "1,234");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(size(980), "980 bytes");
        assert_eq!(size(2_100_000), "2.1 MB");
        assert_eq!(size(3_500_000_000), "3.5 GB");
        assert_eq!(dataset(1, 2, 1_000), "1 person, 2 incidents and 1,000 contributions");
    }
}
