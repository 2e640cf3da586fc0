//! Start-up arguments ([`Options`]) and how a fatal start-up problem is reported ([`fail`]).

use std::path::PathBuf;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `--data-dir DIR` or `--data-dir=DIR`.
    pub data_dir: Option<PathBuf>,
}

impl Options {
    /// Reads the options Afterword knows and ignores the rest (test drivers add their own).
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Options {
        let mut options = Options::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--data-dir" {
                options.data_dir = args.next().map(PathBuf::from);
            } else if let Some(dir) = arg.strip_prefix("--data-dir=") {
                options.data_dir = Some(PathBuf::from(dir));
            }
        }
        options
    }
}

/// Reports a problem that stops the app before it has a window (no data folder can be found, the
/// windowing system is missing) on stderr and exits with status 1. Database problems do not come
/// here: the window opens and explains them (see [`crate::AppState`]).
pub fn fail(message: &str) -> ! {
    eprintln!("Afterword cannot start: {message}");
    tracing::error!(message, "start-up failed");
    std::process::exit(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_data_dir_in_both_spellings() {
        let args = |v: &[&str]| Options::from_args(v.iter().map(|s| s.to_string()));
        assert_eq!(args(&["--data-dir", "/tmp/a"]).data_dir, Some(PathBuf::from("/tmp/a")));
        assert_eq!(args(&["--x", "--data-dir=/tmp/b"]).data_dir, Some(PathBuf::from("/tmp/b")));
        assert_eq!(args(&[]).data_dir, None);
    }
}
