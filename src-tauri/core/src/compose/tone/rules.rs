//! Tone rules are data: [`RuleFile`] is their JSON shape — the built-in `rules/tone.json`
//! ([`BUILTIN_JSON`]) and a user's extra rules alike — and [`ToneRules`] is a file compiled for
//! [`super::check`]: [`ToneRules::builtin`] once per process, [`ToneRules::with_extra`] for the
//! built-in rules plus a user's.
//!
//! Data rather than code so the wording can be tuned without a release and a team can add its
//! own phrases. Compiled into one [`RegexSet`] that finds in a single pass which rules match at
//! all; only those rules then run on their own to find where.

use super::ToneCategory;
use crate::{Audience, Error, Result};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::OnceLock;

/// The built-in rules, shipped inside the binary.
pub const BUILTIN_JSON: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/tone.json"));

/// The newest rule file format this version reads.
const VERSION: u32 = 1;

/// A rule file: the built-in one, or a user's extra rules in the same shape.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Notes for people reading the file (a string or a list of lines); ignored.
    #[serde(default, rename = "_comment", skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
    /// Phrase rules. In extra rules, an id that exists already replaces that rule.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// Ids of rules to switch off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disable: Vec<String>,
    #[serde(default)]
    pub missing_thanks: PresenceSpec,
    #[serde(default)]
    pub missing_outcome: PresenceSpec,
    #[serde(default)]
    pub reading_level: ReadingLevelSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(untagged)]
pub enum Comment {
    Line(String),
    Lines(Vec<String>),
}

/// One phrase rule: patterns of one category, with why it matters and what to write instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Short and unique, e.g. `blame.clicked`; extra rules use it to replace or disable one.
    pub id: String,
    pub category: ToneCategory,
    /// Regular expressions (Rust syntax), matched case-insensitively; `\b` is an ASCII boundary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    /// One more pattern, for rules that need only one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// When this matches the text right after a match, the match is not a finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// When this matches the text right before a match, the match is not a finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// Who the rule is for; empty: everyone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audiences: Vec<Audience>,
    /// Skip matches preceded by a negation or thanks in the same clause (default: true, except
    /// for jargon, where "not a payload" is still jargon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<bool>,
    /// Why it matters, one plain sentence; `{match}` stands for the matched text.
    pub why: String,
    /// What to write instead; `{match}` as in `why`.
    pub suggestion: String,
}

/// A check that something is present (thanks, the outcome): patterns that count as present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct PresenceSpec {
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// The reading-level check. `why` may use `{grade}`, `{sentence_grade}`, `{max}`, `{audience}`;
/// `suggestion` may use `{long_words}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct ReadingLevelSpec {
    /// Texts with fewer words are not graded: the formula means little on a few lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_words: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_sentences: Option<u32>,
    #[serde(default)]
    pub max_grade: MaxGrade,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// The highest Flesch–Kincaid grade per audience; an audience without one is not graded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct MaxGrade {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_user: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub it_operations: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_party: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_colleague: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management: Option<f64>,
}

impl MaxGrade {
    pub fn get(&self, audience: Audience) -> Option<f64> {
        match audience {
            Audience::EndUser => self.end_user,
            Audience::ItOperations => self.it_operations,
            Audience::ThirdParty => self.third_party,
            Audience::SecurityColleague => self.security_colleague,
            Audience::Management => self.management,
        }
    }

    fn overlay(&mut self, extra: &MaxGrade) {
        for (mine, theirs) in [
            (&mut self.end_user, extra.end_user),
            (&mut self.it_operations, extra.it_operations),
            (&mut self.third_party, extra.third_party),
            (&mut self.security_colleague, extra.security_colleague),
            (&mut self.management, extra.management),
        ] {
            if theirs.is_some() {
                *mine = theirs;
            }
        }
    }
}

/// Rules compiled and ready for [`super::check`]. Cloning is cheap: the compiled regexes are shared.
#[derive(Clone)]
pub struct ToneRules {
    /// One entry per rule: which rules match anywhere, in one pass.
    pub(super) set: RegexSet,
    pub(super) rules: Vec<Rule>,
    pub(super) thanks: Presence,
    pub(super) outcome: Presence,
    pub(super) reading: ReadingLevel,
}

impl std::fmt::Debug for ToneRules {
    /// Ids only: the compiled patterns would fill a screen.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToneRules").field("rules", &self.rule_ids().collect::<Vec<_>>()).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub(super) struct Rule {
    pub id: String,
    pub category: ToneCategory,
    pub regex: Regex,
    pub not_after: Option<Regex>,
    pub not_before: Option<Regex>,
    pub audiences: Vec<Audience>,
    pub guard: bool,
    pub why: String,
    pub suggestion: String,
}

impl Rule {
    pub fn applies_to(&self, audience: Audience) -> bool {
        self.audiences.is_empty() || self.audiences.contains(&audience)
    }
}

#[derive(Debug, Clone)]
pub(super) struct Presence {
    pub regex: Option<Regex>,
    pub why: String,
    pub suggestion: String,
}

#[derive(Debug, Clone)]
pub(super) struct ReadingLevel {
    pub min_words: u32,
    pub min_sentences: u32,
    pub max_grade: MaxGrade,
    pub why: String,
    pub suggestion: String,
}

impl ToneRules {
    /// The rules shipped with the app, compiled on first use and kept for the process.
    pub fn builtin() -> &'static ToneRules {
        static BUILTIN: OnceLock<ToneRules> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            ToneRules::compile(builtin_file()).expect("the built-in tone rules compile (tested in tests/tone.rs)")
        })
    }

    /// The built-in rules plus a user's extra rules (JSON in the shape of [`RuleFile`]); empty
    /// text means no extras. Errors are `Error::Invalid` on field `tone_rules`, naming the rule.
    pub fn with_extra(json: &str) -> Result<ToneRules> {
        if json.trim().is_empty() {
            return ToneRules::compile(builtin_file());
        }
        let extra: RuleFile =
            serde_json::from_str(json).map_err(|e| invalid(format!("The extra tone rules are not valid: {e}.")))?;
        check_version(extra.version)?;
        let mut file = builtin_file();
        merge(&mut file, extra)?;
        ToneRules::compile(file)
    }

    /// Compiles a complete rule file.
    pub fn compile(file: RuleFile) -> Result<ToneRules> {
        check_version(file.version)?;
        let mut rules = Vec::with_capacity(file.rules.len());
        let mut sources = Vec::with_capacity(file.rules.len());
        for spec in file.rules {
            let (rule, source) = compile_rule(spec)?;
            rules.push(rule);
            sources.push(source);
        }
        let set = RegexSetBuilder::new(&sources)
            .case_insensitive(true)
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(SIZE_LIMIT)
            .build()
            .map_err(|e| invalid(format!("The tone rules together are too large to compile: {e}")))?;
        let rl = file.reading_level;
        Ok(ToneRules {
            set,
            rules,
            thanks: presence("missing_thanks", file.missing_thanks)?,
            outcome: presence("missing_outcome", file.missing_outcome)?,
            reading: ReadingLevel {
                min_words: rl.min_words.unwrap_or(60),
                min_sentences: rl.min_sentences.unwrap_or(3),
                max_grade: rl.max_grade,
                why: rl.why.unwrap_or_else(|| "This sentence is hard to read (grade {sentence_grade}).".into()),
                suggestion: rl.suggestion.unwrap_or_else(|| "Split it and prefer everyday words.".into()),
            },
        })
    }

    /// The ids of the compiled phrase rules, in file order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }
}

/// Room for a hundred-odd case-insensitive rules in one set (the default 10 MB is tight).
const SIZE_LIMIT: usize = 64 << 20;

/// The built-in rule file, parsed.
pub fn builtin_file() -> RuleFile {
    serde_json::from_str(BUILTIN_JSON).expect("the built-in tone rules are valid JSON (tested in tests/tone.rs)")
}

fn check_version(version: Option<u32>) -> Result<()> {
    match version {
        Some(v) if v > VERSION => Err(invalid(format!(
            "The tone rules are format version {v}; this version of Afterword reads up to {VERSION}. Update Afterword."
        ))),
        _ => Ok(()),
    }
}

fn invalid(message: String) -> Error {
    Error::invalid("tone_rules", message)
}

/// Lays `extra` over `file`: new rules added, same ids replaced, `disable` applied, presence
/// patterns added, reading-level values overridden.
fn merge(file: &mut RuleFile, extra: RuleFile) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for rule in extra.rules {
        if rule.id.trim().is_empty() {
            return Err(invalid(
                "An extra tone rule has no id; give each rule a short unique id such as \"team.no_blame\".".into(),
            ));
        }
        if !seen.insert(rule.id.clone()) {
            return Err(invalid(format!("The tone rule id \"{}\" is used twice in the extra rules.", rule.id)));
        }
        match file.rules.iter_mut().find(|r| r.id == rule.id) {
            Some(existing) => *existing = rule,
            None => file.rules.push(rule),
        }
    }
    for id in &extra.disable {
        let before = file.rules.len();
        file.rules.retain(|r| &r.id != id);
        if file.rules.len() == before {
            return Err(invalid(format!(
                "\"disable\" names the tone rule \"{id}\", but there is no rule with that id."
            )));
        }
    }
    for (mine, theirs) in
        [(&mut file.missing_thanks, extra.missing_thanks), (&mut file.missing_outcome, extra.missing_outcome)]
    {
        mine.patterns.extend(theirs.patterns);
        mine.why = theirs.why.or(mine.why.take());
        mine.suggestion = theirs.suggestion.or(mine.suggestion.take());
    }
    let (mine, theirs) = (&mut file.reading_level, extra.reading_level);
    mine.min_words = theirs.min_words.or(mine.min_words);
    mine.min_sentences = theirs.min_sentences.or(mine.min_sentences);
    mine.max_grade.overlay(&theirs.max_grade);
    mine.why = theirs.why.or(mine.why.take());
    mine.suggestion = theirs.suggestion.or(mine.suggestion.take());
    Ok(())
}

/// One rule's regex and the source the set is built from.
fn compile_rule(spec: RuleSpec) -> Result<(Rule, String)> {
    let id = spec.id.trim();
    if id.is_empty() {
        return Err(invalid(
            "A tone rule has no id; give each rule a short unique id such as \"team.no_blame\".".into(),
        ));
    }
    if matches!(spec.category, ToneCategory::ReadingLevel | ToneCategory::MissingThanks | ToneCategory::MissingOutcome)
    {
        return Err(invalid(format!(
            "The tone rule \"{id}\" has category {}, which Afterword computes itself; phrase rules are blame, \
             condescension, shame, jargon or passive_aggressive.",
            spec.category
        )));
    }
    let patterns: Vec<&String> = spec.patterns.iter().chain(spec.pattern.as_ref()).collect();
    if patterns.is_empty() {
        return Err(invalid(format!("The tone rule \"{id}\" has no pattern.")));
    }
    // Compile the rule whole; only when that fails (or it matches empty text) look at each
    // pattern to name the culprit. Compiling every pattern twice would double the start-up cost.
    let source = patterns.iter().map(|p| format!("(?:{})", ascii_boundaries(p))).collect::<Vec<_>>().join("|");
    let regex = match build(&source, &format!("the tone rule \"{id}\"")) {
        Ok(re) if !re.is_match("") => re,
        whole => {
            for (n, p) in patterns.iter().enumerate() {
                let what = format!("pattern {} of the tone rule \"{id}\"", n + 1);
                if build(&ascii_boundaries(p), &what)?.is_match("") {
                    return Err(invalid(format!(
                        "The {what} matches empty text, so it would flag every position: {p}"
                    )));
                }
            }
            whole?
        }
    };
    let not_after = match &spec.not_after {
        Some(p) => {
            Some(build(&format!("^(?:{})", ascii_boundaries(p)), &format!("not_after of the tone rule \"{id}\""))?)
        }
        None => None,
    };
    let not_before = match &spec.not_before {
        Some(p) => {
            Some(build(&format!("(?:{})$", ascii_boundaries(p)), &format!("not_before of the tone rule \"{id}\""))?)
        }
        None => None,
    };
    let rule = Rule {
        id: id.to_string(),
        category: spec.category,
        regex,
        not_after,
        not_before,
        audiences: spec.audiences,
        guard: spec.guard.unwrap_or(spec.category != ToneCategory::Jargon),
        why: spec.why,
        suggestion: spec.suggestion,
    };
    Ok((rule, source))
}

fn presence(name: &str, spec: PresenceSpec) -> Result<Presence> {
    let regex = if spec.patterns.is_empty() {
        None
    } else {
        let source = spec.patterns.iter().map(|p| format!("(?:{})", ascii_boundaries(p))).collect::<Vec<_>>().join("|");
        match build(&source, name) {
            Ok(re) => Some(re),
            Err(whole) => {
                // Extra patterns join the built-in ones, so name the pattern, not its position.
                for p in &spec.patterns {
                    build(&ascii_boundaries(p), &format!("{name} pattern \"{p}\""))?;
                }
                return Err(whole);
            }
        }
    };
    Ok(Presence { regex, why: spec.why.unwrap_or_default(), suggestion: spec.suggestion.unwrap_or_default() })
}

fn build(source: &str, what: &str) -> Result<Regex> {
    RegexBuilder::new(source)
        .case_insensitive(true)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| invalid(format!("The {what} does not compile: {e}")))
}

/// Rewrites `\b` as the ASCII word boundary `(?-u:\b)`. Unicode boundaries make the regex engine
/// leave its fast DFA on any non-ASCII text (a name with an accent, a curly quote), and English
/// phrases need nothing more. `\b{start}` and friends, and `\\b`, are left alone.
fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') if chars.peek() != Some(&'{') => out.push_str("(?-u:\\b)"),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_become_ascii_but_escapes_survive() {
        assert_eq!(ascii_boundaries(r"\bfoo\b"), r"(?-u:\b)foo(?-u:\b)");
        assert_eq!(ascii_boundaries(r"\\b\b{start}\d"), r"\\b\b{start}\d");
    }
}
