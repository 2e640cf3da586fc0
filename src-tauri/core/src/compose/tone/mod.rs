//! The empathy check: [`check`] reads a draft and returns [`ToneFinding`]s — spans that blame,
//! talk down, shame, use jargon the reader may not know, nag, or read too hard for the audience,
//! and whole-message findings when the draft never thanks or never says how it ended.
//!
//! - [`ToneCategory`]: what kind of finding; [`ToneOptions`]: who the reader is and the outcome
//!   text the caller knows about; [`ToneRules`] (in [`rules`]): the phrase rules, as data.
//! - [`spans`] blanks what is not the writer's own words (quotes, blockquotes, code, links) and
//!   holds the negation and thanks guards; [`readability`] is the Flesch–Kincaid grade.
//!
//! Built not to nag: a good thank-you must come back clean. So phrases preceded in their clause
//! by a negation ("this was not your fault") or by thanks ("thank you for clicking Report") are
//! not blame, quoted text is someone else's words, and jargon counts only for readers outside IT
//! and only until it is explained once ("EDR (the security software on your laptop)").
//!
//! Who gets jargon findings: end users and managers, for all the built-in terms; third parties
//! (vendors) mildly, only for security-team insider talk (TTPs, kill chain, ATT&CK ids, dwell
//! time, detonation): the vendor contact who sent us firewall exports usually knows "C2" or
//! "IOC", and the audience also decides what outcome a person may see (TLP), so an analyst cannot
//! simply switch a vendor to another audience to quiet the check. IT operations and security
//! colleagues never. A rule's `audiences` decides, so a team can change this in its extra rules.

pub mod readability;
pub mod rules;
pub mod spans;

pub use rules::{RuleFile, RuleSpec, ToneRules, BUILTIN_JSON};

use crate::Audience;
use regex::Regex;
use serde::{Deserialize, Serialize};
use spans::{ceil_char_boundary, floor_char_boundary, Prepared, Utf16};
use specta::Type;
use std::sync::OnceLock;

/// What kind of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ToneCategory {
    Blame,
    Condescension,
    Shame,
    Jargon,
    PassiveAggressive,
    ReadingLevel,
    MissingThanks,
    MissingOutcome,
}

impl ToneCategory {
    pub const ALL: &'static [ToneCategory] = &[
        ToneCategory::Blame,
        ToneCategory::Condescension,
        ToneCategory::Shame,
        ToneCategory::Jargon,
        ToneCategory::PassiveAggressive,
        ToneCategory::ReadingLevel,
        ToneCategory::MissingThanks,
        ToneCategory::MissingOutcome,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ToneCategory::Blame => "blame",
            ToneCategory::Condescension => "condescension",
            ToneCategory::Shame => "shame",
            ToneCategory::Jargon => "jargon",
            ToneCategory::PassiveAggressive => "passive_aggressive",
            ToneCategory::ReadingLevel => "reading_level",
            ToneCategory::MissingThanks => "missing_thanks",
            ToneCategory::MissingOutcome => "missing_outcome",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ToneCategory::Blame => "Blame",
            ToneCategory::Condescension => "Condescension",
            ToneCategory::Shame => "Shaming",
            ToneCategory::Jargon => "Jargon",
            ToneCategory::PassiveAggressive => "Passive-aggressive",
            ToneCategory::ReadingLevel => "Hard to read",
            ToneCategory::MissingThanks => "No thank-you",
            ToneCategory::MissingOutcome => "No outcome",
        }
    }
}

impl std::fmt::Display for ToneCategory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing the check found in a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ToneFinding {
    pub category: ToneCategory,
    /// Byte offsets into the checked text.
    pub start: u32,
    pub end: u32,
    /// The same span in UTF-16 code units, for the JS editor.
    pub start_utf16: u32,
    pub end_utf16: u32,
    /// The checked text between `start` and `end`.
    pub excerpt: String,
    /// Why it matters, one plain sentence.
    pub why: String,
    pub suggestion: String,
}

/// Who will read the draft, and what the caller knows about it. Borrowed, so it is built per
/// call (an IPC command takes the audience and outcome texts as its own arguments).
#[derive(Debug, Clone, Copy, Serialize, Type)]
pub struct ToneOptions<'a> {
    pub audience: Audience,
    /// The outcome section texts this recipient may see. When one of them appears in the draft,
    /// the outcome is there; otherwise (or when empty) a word list decides ("resolved", "we
    /// found", "no data was taken"…).
    pub outcome_texts: &'a [String],
}

/// Checks `text` for `options.audience` and returns the findings sorted by start. A blank text
/// has none: there is nothing to judge yet.
pub fn check(text: &str, options: &ToneOptions, rules: &ToneRules) -> Vec<ToneFinding> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let prepared = Prepared::new(text);
    let mut spans = phrase_findings(&prepared, options.audience, rules);
    spans.extend(reading_level(&prepared, options.audience, rules));

    // Whole-message findings point at the opening sentence, so an editor has something to mark
    // and the fix (a thank-you, a line on the outcome) has an obvious place near the top.
    // Found lazily: a good message thanks and says how it ended, and needs no second pass.
    let opening = || readability::sentences(&prepared.prose).first().map_or((0, 0), |s| (s.start, s.end));
    if let Some(re) = &rules.thanks.regex {
        if !re.is_match(&prepared.prose) {
            spans.push(Span::whole(ToneCategory::MissingThanks, opening(), &rules.thanks));
        }
    }
    if !outcome_present(text, &prepared, options.outcome_texts, rules) {
        spans.push(Span::whole(ToneCategory::MissingOutcome, opening(), &rules.outcome));
    }

    let mut findings: Vec<(usize, usize, Span)> =
        spans.into_iter().map(|s| (prepared.original(s.start), prepared.original(s.end), s)).collect();
    findings.sort_by_key(|&(start, end, ref span)| (start, end, span.category));
    let mut utf16 = Utf16::new(text);
    findings
        .into_iter()
        .map(|(start, end, s)| {
            let excerpt = text[start..end].to_string();
            let fill = |t: &str| t.replace("{match}", &excerpt);
            ToneFinding {
                category: s.category,
                start: start as u32,
                end: end as u32,
                start_utf16: utf16.at(start) as u32,
                end_utf16: utf16.at(end) as u32,
                why: fill(&s.why),
                suggestion: fill(&s.suggestion),
                excerpt,
            }
        })
        .collect()
}

/// A finding in normalised offsets, before it is mapped back onto the original text.
struct Span {
    category: ToneCategory,
    start: usize,
    end: usize,
    why: String,
    suggestion: String,
}

impl Span {
    fn whole(category: ToneCategory, (start, end): (usize, usize), advice: &rules::Presence) -> Span {
        Span { category, start, end, why: advice.why.clone(), suggestion: advice.suggestion.clone() }
    }
}

/// Matches of the phrase rules, after the guards; one span per overlap within a category.
fn phrase_findings(p: &Prepared, audience: Audience, rules: &ToneRules) -> Vec<Span> {
    let scan = p.scan.as_str();
    let mut out: Vec<Span> = Vec::new();
    for index in rules.set.matches(scan).iter() {
        let rule = &rules.rules[index];
        if !rule.applies_to(audience) {
            continue;
        }
        let mut hits = Vec::new();
        for m in rule.regex.find_iter(scan) {
            if m.is_empty() || excluded(rule, p, m.start(), m.end()) {
                continue;
            }
            hits.push((m.start(), m.end()));
        }
        if rule.category == ToneCategory::Jargon {
            // Explained once, understood everywhere; unexplained, one mark per term is enough.
            if hits.iter().any(|&(s, e)| explained(&p.prose, s, e)) {
                continue;
            }
            hits.truncate(1);
        }
        out.extend(hits.into_iter().map(|(start, end)| Span {
            category: rule.category,
            start,
            end,
            why: rule.why.clone(),
            suggestion: rule.suggestion.clone(),
        }));
    }
    // Several phrasings can catch the same words ("you should have known" is two rules); keep the
    // earliest, longest span per category.
    out.sort_by(|a, b| {
        (a.category, a.start, std::cmp::Reverse(a.end)).cmp(&(b.category, b.start, std::cmp::Reverse(b.end)))
    });
    let mut kept: Vec<Span> = Vec::with_capacity(out.len());
    for span in out {
        match kept.last() {
            Some(last) if last.category == span.category && span.start < last.end => {}
            _ => kept.push(span),
        }
    }
    kept
}

/// True when the rule's own exceptions or the clause guards say this match is not a finding.
/// Exceptions read the prose, quotes included: in `you clicked "Report"` the quote is the point.
fn excluded(rule: &rules::Rule, p: &Prepared, start: usize, end: usize) -> bool {
    let prose = p.prose.as_str();
    let after = &prose[end..ceil_char_boundary(prose, end + 80)];
    let before = &prose[floor_char_boundary(prose, start.saturating_sub(80))..start];
    rule.not_after.as_ref().is_some_and(|re| re.is_match(after))
        || rule.not_before.as_ref().is_some_and(|re| re.is_match(before))
        || (rule.guard && (spans::negated_before(&p.scan, start) || spans::grateful_before(&p.scan, start)))
}

/// True when a term is explained where it stands: "EDR (the security software…)", "EDR, the
/// software that…", "EDR stands for…", "endpoint detection and response (EDR)", "known as EDR".
fn explained(scan: &str, start: usize, end: usize) -> bool {
    static AFTER: OnceLock<Regex> = OnceLock::new();
    static OPEN_BRACKET: OnceLock<Regex> = OnceLock::new();
    static INTRO: OnceLock<Regex> = OnceLock::new();
    let regex = |cell: &'static OnceLock<Regex>, source: &str| {
        cell.get_or_init(|| Regex::new(source).expect("valid explanation pattern"))
    };
    let after_re = regex(
        &AFTER,
        r"(?i)^(?:\s*\(\s*[^)\s][^)]{2,}\)|\s*(?:,|:| -)\s*(?:which|that|i\.e\.|meaning|or|the|a|an|our|your|basically|short for|in other words|in plain words)(?-u:\b)|\s+(?:stands for|means|is short for|is shorthand for|is what we call|refers to))",
    );
    let open_re = regex(&OPEN_BRACKET, r"[A-Za-z][^(\n]{2,}\(\s*$");
    let intro_re = regex(
        &INTRO,
        r"(?i)(?-u:\b)(?:called|known as|aka|a\.k\.a\.|so-called|short|abbreviated(?: as)?|what we call)[\s:,]+$",
    );
    let after = &scan[end..ceil_char_boundary(scan, end + 160)];
    let before = &scan[floor_char_boundary(scan, start.saturating_sub(160))..start];
    after_re.is_match(after)
        || (open_re.is_match(before) && after.trim_start().starts_with(')'))
        || intro_re.is_match(before)
}

/// The outcome is there when one of the caller's outcome texts appears in the draft (compared
/// without case and with spaces collapsed), or else when the outcome words match.
fn outcome_present(text: &str, p: &Prepared, outcome_texts: &[String], rules: &ToneRules) -> bool {
    let squash = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let haystack = squash(text);
    let found = outcome_texts.iter().any(|o| {
        let whole = squash(o);
        // A template may wrap or decorate the text differently; its first line is enough proof.
        let first_line = squash(o.lines().find(|l| !l.trim().is_empty()).unwrap_or(""));
        (!whole.is_empty() && haystack.contains(&whole)) || (first_line.len() >= 12 && haystack.contains(&first_line))
    });
    found || rules.outcome.regex.as_ref().is_none_or(|re| re.is_match(&p.prose))
}

/// The hardest sentences (up to three) when the whole text reads above the audience's grade.
fn reading_level(p: &Prepared, audience: Audience, rules: &ToneRules) -> Vec<Span> {
    let spec = &rules.reading;
    let Some(max) = spec.max_grade.get(audience) else { return Vec::new() };
    // Greetings, sign-offs and name lines ("Hi Jane,", "Best,", "Sam") are not sentences a
    // reader has to work through; counting them as short sentences would hide a hard text.
    let sentences: Vec<readability::Sentence> = readability::sentences(&p.prose)
        .into_iter()
        .filter(|s| s.words > 3 || p.prose[..s.end].ends_with(['.', '!', '?']))
        .collect();
    let words: u32 = sentences.iter().map(|s| s.words).sum();
    if words < spec.min_words || (sentences.len() as u32) < spec.min_sentences {
        return Vec::new();
    }
    let syllables = sentences.iter().map(|s| s.syllables).sum();
    let grade = readability::fk_grade(words, sentences.len() as u32, syllables);
    if grade <= max {
        return Vec::new();
    }
    let mut hardest: Vec<&readability::Sentence> = sentences.iter().filter(|s| s.grade() > max).collect();
    hardest.sort_by(|a, b| b.grade().total_cmp(&a.grade()));
    if hardest.is_empty() {
        hardest.extend(sentences.iter().max_by(|a, b| a.grade().total_cmp(&b.grade())));
    }
    hardest.truncate(3);
    hardest
        .into_iter()
        .map(|s| {
            let sentence = &p.prose[s.start..s.end];
            let mut long: Vec<&str> =
                readability::words(sentence).map(|(_, w)| w).filter(|w| readability::syllables(w) >= 4).collect();
            long.dedup();
            long.truncate(3);
            let long_words = if long.is_empty() {
                String::new()
            } else {
                format!(
                    " (for example instead of {})",
                    long.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ")
                )
            };
            let fill = |t: &str| {
                t.replace("{grade}", &school_grade(grade))
                    .replace("{sentence_grade}", &school_grade(s.grade()))
                    .replace("{max}", &format!("{max:.0}"))
                    .replace("{audience}", audience_phrase(audience))
                    .replace("{long_words}", &long_words)
            };
            Span {
                category: ToneCategory::ReadingLevel,
                start: s.start,
                end: s.end,
                why: fill(&spec.why),
                suggestion: fill(&spec.suggestion),
            }
        })
        .collect()
}

/// A grade as people say it; past school and university levels the number stops meaning much.
fn school_grade(grade: f64) -> String {
    if grade > 18.0 {
        "18+".into()
    } else {
        format!("{:.0}", grade.max(1.0))
    }
}

fn audience_phrase(audience: Audience) -> &'static str {
    match audience {
        Audience::EndUser => "someone outside IT",
        Audience::Management => "a busy manager",
        Audience::ItOperations => "IT and operations staff",
        Audience::ThirdParty => "a contact at another organisation",
        Audience::SecurityColleague => "a security colleague",
    }
}
