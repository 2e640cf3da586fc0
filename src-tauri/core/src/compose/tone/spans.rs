//! Preparing a draft for matching: [`Prepared`] holds the draft normalised (curly quotes made
//! straight, dashes and odd spaces made plain) in two versions — `scan`, with everything that is
//! not the writer's own words blanked out (quoted text, blockquote lines, code, links), and
//! `prose`, with only code and links blanked — plus the map back to the original's byte offsets.
//!
//! Also here: the clause guards [`negated_before`] and [`grateful_before`] that keep "this was
//! not your fault" and "thanks for reporting it even though you clicked" from being called
//! blame, and [`Utf16`], which turns byte offsets into the UTF-16 offsets a JS editor uses.
//!
//! Why blank rather than cut: blanking keeps every offset where it was, so a match found in the
//! blanked text points at the same place in the draft, and words on either side of a quote do
//! not run together into a phrase nobody wrote.

use regex::Regex;
use std::sync::OnceLock;

/// A draft ready for the rules. Both texts have the same length and share one offset map.
pub(crate) struct Prepared {
    /// Normalised, with quotes, blockquotes, code and links blanked: what rules match against.
    pub scan: String,
    /// Normalised, with only code and links blanked: what readability, thanks and outcome read.
    pub prose: String,
    /// `map[i]` is the original byte offset of normalised byte `i`; one extra entry for the end.
    map: Vec<u32>,
}

const CODE: u8 = 1;
const QUOTE: u8 = 2;

impl Prepared {
    pub fn new(text: &str) -> Prepared {
        let mut flags = vec![0u8; text.len()];
        mark_code(text, &mut flags);
        mark_links(text, &mut flags);
        mark_quotes(text, &mut flags);

        let mut scan = String::with_capacity(text.len());
        let mut prose = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len() + 1);
        let mut buf = [0u8; 4];
        for (at, c) in text.char_indices() {
            let plain = normalise(c, &mut buf);
            let flag = flags[at];
            for ch in plain.chars() {
                // Every byte of the plain form maps to the start of the original character, so a
                // match boundary always lands on a character boundary of the original. A hidden
                // character becomes as many spaces as it has bytes, keeping both texts aligned.
                let n = ch.len_utf8();
                map.extend(std::iter::repeat_n(at as u32, n));
                for (out, hidden) in [(&mut scan, flag != 0), (&mut prose, flag & CODE != 0)] {
                    if hidden && ch != '\n' {
                        out.extend(std::iter::repeat_n(' ', n));
                    } else {
                        out.push(ch);
                    }
                }
            }
        }
        map.push(text.len() as u32);
        Prepared { scan, prose, map }
    }

    /// The original byte offset of normalised offset `at`.
    pub fn original(&self, at: usize) -> usize {
        self.map[at] as usize
    }
}

/// The plain form of one character. Curly quotes and apostrophes become straight ones so rules
/// need not spell both; a dash becomes " - " (three bytes, like the dash) so clause guards see it.
fn normalise(c: char, buf: &mut [u8; 4]) -> &str {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => "\"",
        '\u{2013}' | '\u{2014}' => " - ",
        '\u{2011}' | '\u{2010}' => "-",
        '\u{00A0}' | '\u{2007}' | '\u{2009}' | '\u{202F}' | '\t' => " ",
        '\u{2026}' => "...",
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => "",
        _ => c.encode_utf8(buf),
    }
}

fn mark(flags: &mut [u8], start: usize, end: usize, flag: u8) {
    for f in &mut flags[start..end] {
        *f |= flag;
    }
}

/// Lines with their byte range (without the line break).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = at;
        at += line.len();
        (start, line.trim_end_matches(['\n', '\r']))
    })
}

/// Fenced code blocks (``` or ~~~) and inline `code` spans: commands and log lines are not prose.
fn mark_code(text: &str, flags: &mut [u8]) {
    let mut fence: Option<(&str, usize)> = None;
    for (start, line) in lines(text) {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some((m, start)),
            (Some((open, from)), Some(m)) if m == open => {
                mark(flags, from, start + line.len(), CODE);
                fence = None;
            }
            _ => {}
        }
    }
    if let Some((_, from)) = fence {
        mark(flags, from, text.len(), CODE);
    }

    // Inline spans: a run of N backticks closed by the next run of exactly N.
    let bytes = text.as_bytes();
    let run_at = |i: usize| bytes[i..].iter().take_while(|&&b| b == b'`').count();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' || flags[i] & CODE != 0 {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let mut close = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let m = run_at(j);
                if m == n {
                    close = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match close {
            Some(end) => {
                mark(flags, i, end, CODE);
                i = end;
            }
            None => i += n,
        }
    }
}

/// Web addresses and email addresses: their letters are not words anyone reads.
fn mark_links(text: &str, flags: &mut [u8]) {
    static LINK: OnceLock<Regex> = OnceLock::new();
    let link = LINK.get_or_init(|| {
        Regex::new(r"(?i)(?:(?-u:\b)(?:https?|ftp)://|(?-u:\b)www\.)[^\s<>()\[\]]+|[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
            .expect("valid link pattern")
    });
    for m in link.find_iter(text) {
        // A sentence's full stop or a closing bracket right after a link is not part of it.
        let kept = m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?', '"', '\'', '*', '_']);
        mark(flags, m.start(), m.start() + kept.len(), CODE);
    }
}

/// Quoted text: `"…"`, `“…”`, `‘…’`, `«…»` within a paragraph, and Markdown blockquote lines. The
/// writer is quoting someone (the reporter, the phishing email), not speaking to the reader.
fn mark_quotes(text: &str, flags: &mut [u8]) {
    for (start, line) in lines(text) {
        if line.trim_start().starts_with('>') {
            mark(flags, start, start + line.len(), QUOTE);
        }
    }
    for (from, to) in paragraphs(text) {
        let para = &text[from..to];
        let chars: Vec<(usize, char)> =
            para.char_indices().map(|(i, c)| (from + i, c)).filter(|&(i, _)| flags[i] & CODE == 0).collect();
        let len_at = |k: usize| chars[k].0 + chars[k].1.len_utf8();

        // Straight double quotes pair up in order; an odd one out is left alone.
        let straight: Vec<usize> = (0..chars.len()).filter(|&k| chars[k].1 == '"').collect();
        for pair in straight.chunks_exact(2) {
            mark(flags, chars[pair[0]].0, len_at(pair[1]), QUOTE);
        }

        let mut k = 0;
        while k < chars.len() {
            let (at, c) = chars[k];
            let close = match c {
                '\u{201C}' => chars[k + 1..].iter().position(|&(_, d)| d == '\u{201D}'),
                '\u{00AB}' => chars[k + 1..].iter().position(|&(_, d)| d == '\u{00BB}'),
                // ‘ opens only at the start of a word, and ’ closes only where no letter follows:
                // elsewhere ’ is an apostrophe ("don’t").
                '\u{2018}' if k == 0 || !chars[k - 1].1.is_alphanumeric() => (k + 1..chars.len()).position(|j| {
                    chars[j].1 == '\u{2019}' && chars.get(j + 1).is_none_or(|&(_, n)| !n.is_alphanumeric())
                }),
                _ => None,
            };
            match close {
                Some(offset) => {
                    let end = k + 1 + offset;
                    mark(flags, at, len_at(end), QUOTE);
                    k = end + 1;
                }
                None => k += 1,
            }
        }
    }
}

/// Paragraphs: runs of lines between blank lines, as byte ranges.
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = None;
    for (start, line) in lines(text) {
        if line.trim().is_empty() {
            if let Some(f) = from.take() {
                out.push((f, start));
            }
        } else if from.is_none() {
            from = Some(start);
        }
    }
    if let Some(f) = from {
        out.push((f, text.len()));
    }
    out
}

/// How many words back a guard looks: far enough for "nobody, not even our team, should have
/// known", near enough that a "not" two sentences away does not excuse a new phrase.
const GUARD_WORDS: usize = 8;

/// The last words of the clause that ends at `at`, nearest last. A clause ends at sentence
/// punctuation, a semicolon, colon, bracket, line break, dash, and (when `commas`) a comma; a word
/// of `contrasts` ("but", "although") starts a new one.
fn clause_words<'t>(text: &'t str, at: usize, commas: bool, contrasts: &[&str]) -> Vec<&'t str> {
    let from = floor_char_boundary(text, at.saturating_sub(200));
    let window = &text[from..at];
    let cut = window
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?' | ';' | ':' | '\n' | '(' | ')')
                || (commas && c == ',')
                || (c == '-' && window[i..].starts_with("- ") && window[..i].ends_with(' '))
        })
        .map_or(0, |(i, c)| i + c.len_utf8());
    let words: Vec<&str> =
        window[cut..].split(|c: char| !(c.is_alphanumeric() || c == '\'')).filter(|w| !w.is_empty()).collect();
    let after_contrast =
        words.iter().rposition(|w| contrasts.iter().any(|c| w.eq_ignore_ascii_case(c))).map_or(0, |i| i + 1);
    let words = &words[after_contrast..];
    words[words.len().saturating_sub(GUARD_WORDS)..].to_vec()
}

/// True when a negation precedes `at` in the same clause: "not your fault", "nobody should have
/// known", "don't blame yourself", "no one is careless for".
pub(crate) fn negated_before(text: &str, at: usize) -> bool {
    const NEGATORS: &[&str] =
        &["not", "no", "never", "nobody", "noone", "nothing", "none", "neither", "nor", "without", "hardly", "cannot"];
    const CONTRASTS: &[&str] = &["but", "however", "although", "though", "yet", "whereas", "except"];
    clause_words(text, at, false, CONTRASTS).iter().any(|w| {
        let lower = w.to_ascii_lowercase();
        NEGATORS.contains(&lower.as_str()) || lower.ends_with("n't")
    })
}

/// True when thanks precede `at` in the same clause: "thank you for clicking Report", "thanks for
/// reporting it even though you opened the attachment".
pub(crate) fn grateful_before(text: &str, at: usize) -> bool {
    const THANKS: &[&str] = &["grateful", "appreciate", "appreciated", "kudos", "glad", "proud", "cheers"];
    // "Even though" and "although" keep the thanks in force: "thanks for reporting it although
    // you had opened it" is still thanks; "but" turns the sentence.
    clause_words(text, at, true, &["but", "however", "yet", "whereas", "except"]).iter().any(|w| {
        let lower = w.to_ascii_lowercase();
        lower.starts_with("thank") || THANKS.contains(&lower.as_str())
    })
}

/// The largest character boundary at or below `at` (std's is not stable yet).
pub(crate) fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The smallest character boundary at or above `at`.
pub(crate) fn ceil_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Byte offsets to UTF-16 offsets, for offsets asked in increasing order (one pass over the text).
pub(crate) struct Utf16<'t> {
    text: &'t str,
    byte: usize,
    utf16: usize,
}

impl<'t> Utf16<'t> {
    pub fn new(text: &'t str) -> Self {
        Utf16 { text, byte: 0, utf16: 0 }
    }

    pub fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            *self = Utf16::new(self.text);
        }
        self.utf16 += self.text[self.byte..byte].encode_utf16().count();
        self.byte = byte;
        self.utf16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(text: &str) -> String {
        Prepared::new(text).scan
    }

    #[test]
    fn quotes_code_links_and_blockquotes_are_blanked_offsets_kept() {
        let text =
            "She wrote \u{201C}you clicked it\u{201D} and `rm -rf` see https://x.example/a. Done\n> quoted line\nok";
        let p = Prepared::new(text);
        assert!(!p.scan.contains("clicked") && !p.scan.contains("rm -rf") && !p.scan.contains("x.example"));
        assert!(!p.scan.contains("quoted line") && p.scan.contains("Done") && p.scan.ends_with("\nok"));
        assert!(p.prose.contains("clicked") && p.prose.contains("quoted line") && !p.prose.contains("rm -rf"));
        // The full stop after the link stays: it ends a sentence.
        assert!(p.scan.contains(". Done"));
        let done = p.scan.find("Done").unwrap();
        assert_eq!(&text[p.original(done)..p.original(done + 4)], "Done");
    }

    #[test]
    fn apostrophes_are_not_quotes_and_become_straight() {
        let p = blanked("you\u{2019}ve clicked; don\u{2019}t \u{2018}quote\u{2019} me");
        assert_eq!(p, "you've clicked; don't         me");
    }

    #[test]
    fn an_unpaired_straight_quote_hides_nothing() {
        assert_eq!(blanked("a \"b\" c \"d"), "a     c \"d");
    }

    #[test]
    fn negation_and_thanks_are_scoped_to_the_clause() {
        let t = "This was not your fault. It was your fault";
        assert!(negated_before(t, t.find("your").unwrap()));
        assert!(!negated_before(t, t.rfind("your").unwrap()));
        let t = "I'm not angry, but you clicked";
        assert!(!negated_before(t, t.find("you clicked").unwrap()));
        let t = "Thanks for reporting it even though you clicked, and you clicked";
        assert!(grateful_before(t, t.find("you clicked").unwrap()));
        assert!(!grateful_before(t, t.rfind("you clicked").unwrap()));
    }

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        let text = "a\u{1F600}b\u{e9}c";
        let mut u = Utf16::new(text);
        assert_eq!(u.at(1), 1);
        assert_eq!(u.at(5), 3);
        assert_eq!(u.at(text.len()), 6);
        assert_eq!(u.at(0), 0);
    }
}
