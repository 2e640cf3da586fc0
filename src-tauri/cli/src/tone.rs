//! `afterword check-tone`: the empathy check ([`afterword_core::compose::tone`]) on a draft
//! file or standard input, for scripts and template reviews.
//!
//! Text output is one line per finding, `LINE:COL category: excerpt — why. Try: suggestion`,
//! like a compiler's, so editors can jump to it; `--json` prints `{"findings": [...]}`. Exit
//! status 0: nothing found; 1: findings; 2: the check could not run (message on stderr), so a
//! script can tell "the draft needs work" from "the draft was never checked".

use crate::args::CheckToneArgs;
use afterword_core::compose::tone::{check, ToneFinding, ToneOptions, ToneRules};
use afterword_core::Error;
use std::io::Read;

/// Runs the check and prints the findings; returns the exit status.
pub fn run(args: &CheckToneArgs, json: bool) -> i32 {
    match findings(args) {
        Ok((text, found)) => {
            print(&text, &found, json);
            i32::from(!found.is_empty())
        }
        Err(error) => {
            crate::output::error(&error, json);
            2
        }
    }
}

fn findings(args: &CheckToneArgs) -> Result<(String, Vec<ToneFinding>), Error> {
    let text = read_draft(&args.file)?;
    let extra;
    let rules = match &args.rules {
        Some(path) => {
            let json = std::fs::read_to_string(path).map_err(|source| Error::Io {
                context: format!("Cannot read the tone rules {}", path.display()),
                source,
            })?;
            extra = ToneRules::with_extra(&json)?;
            &extra
        }
        None => ToneRules::builtin(),
    };
    let options = ToneOptions { audience: args.audience, outcome_texts: &args.outcome };
    let found = check(&text, &options, rules);
    Ok((text, found))
}

fn read_draft(file: &str) -> Result<String, Error> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|source| Error::Io { context: "Cannot read the draft from standard input".into(), source })?;
        Ok(text)
    } else {
        std::fs::read_to_string(file)
            .map_err(|source| Error::Io { context: format!("Cannot read the draft {file}"), source })
    }
}

fn print(text: &str, found: &[ToneFinding], json: bool) {
    if json {
        let body = serde_json::json!({ "findings": found });
        println!("{}", serde_json::to_string_pretty(&body).expect("plain data serialises"));
        return;
    }
    for f in found {
        let (line, col) = line_col(text, f.start as usize);
        // One finding, one line: a sentence that spans lines is joined back up.
        let excerpt = f.excerpt.split_whitespace().collect::<Vec<_>>().join(" ");
        println!("{line}:{col} {}: {excerpt} — {}. Try: {}", f.category, f.why.trim_end_matches('.'), f.suggestion);
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\nc\u{e9}d\nx";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, text.find('d').unwrap()), (2, 3));
        assert_eq!(line_col(text, text.len()), (3, 2));
    }
}
