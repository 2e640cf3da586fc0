//! The empathy check on a 2,000-word draft (the budget is 50 ms; see compose::tone), and the
//! cost of compiling the rules, which the app pays once per process or per change of user rules.

use afterword_core::compose::tone::{check, ToneOptions, ToneRules};
use afterword_core::Audience;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

/// Realistic paragraphs, some clean and some with problems, repeated to about 2,000 words.
const PARAGRAPHS: &[&str] = &[
    "Hi Jane,\n\nThank you so much for reporting the \u{201C}invoice overdue\u{201D} email on Tuesday. \
     Your report reached us within minutes, and because of it we could block the fake login page \
     before anyone else entered their password.",
    "We looked at the message together with the proxy logs that Tom pulled at 2 a.m. It turned out \
     to be part of a wider campaign against finance teams in our sector; the sender's domain was \
     registered the day before.",
    "Obviously you should have checked the sender before you clicked the link, and next time please \
     don't open attachments from people you don't know. As previously stated, user error remains \
     our biggest risk.",
    "Our EDR isolated the laptop, and the SIEM showed no lateral movement or exfiltration. We \
     detonated the payload in a sandbox and extracted the IOCs, including the C2 domain.",
    "> From: accounts@invoices-example.net\n> Subject: your mailbox is full, you clicked here last time\n\
     > Please log in to keep your messages.",
    "The comprehensive investigation subsequently demonstrated that unauthorised administrative \
     authentication attempts originated from compromised infrastructure belonging to an \
     unidentified external organisation operating across multiple jurisdictions.",
    "This was not your fault: the email was made to look exactly like our HR portal, and nobody \
     should have known. Thanks for reporting it even though it was late in the day.",
    "If you see something like it again, the Report button in Outlook is the quickest way to reach \
     us. We have added the sender to our block list and the site has been taken down.",
];

fn draft(words: usize) -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.split_whitespace().count() < words {
        out.push_str(PARAGRAPHS[i % PARAGRAPHS.len()]);
        out.push_str("\n\n");
        i += 1;
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = draft(2_000);
    let rules = ToneRules::builtin();
    let options = ToneOptions { audience: Audience::EndUser, outcome_texts: &[] };
    assert!(!check(&text, &options, rules).is_empty());
    c.bench_function("check 2,000-word draft (end user)", |b| b.iter(|| check(black_box(&text), &options, rules)));
    let options = ToneOptions { audience: Audience::SecurityColleague, outcome_texts: &[] };
    c.bench_function("check 2,000-word draft (security colleague)", |b| {
        b.iter(|| check(black_box(&text), &options, rules))
    });
    // The worst case: a finding in every sentence, so every guard and exception runs.
    let noisy = "You clicked the link. Obviously you should have known the EDR payload was careless. ".repeat(140);
    let options = ToneOptions { audience: Audience::EndUser, outcome_texts: &[] };
    c.bench_function("check 2,000 words, findings in every sentence", |b| {
        b.iter(|| check(black_box(&noisy), &options, rules))
    });
    c.bench_function("compile built-in rules", |b| b.iter(|| ToneRules::with_extra(black_box("")).unwrap()));
}

criterion_group!(benches, bench);
criterion_main!(benches);
