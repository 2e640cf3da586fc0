//! The empathy check end to end: each category caught in many phrasings, the exceptions that keep
//! it from nagging (negation, quotes, code, thanks, explained acronyms), a set of good thank-you
//! messages that must come back clean, offsets, and user rules.

use afterword_core::compose::tone::{check, ToneCategory, ToneFinding, ToneOptions, ToneRules, BUILTIN_JSON};
use afterword_core::{Audience, Error};
use ToneCategory::*;

fn findings(text: &str, audience: Audience) -> Vec<ToneFinding> {
    check(text, &ToneOptions { audience, outcome_texts: &[] }, ToneRules::builtin())
}

/// The findings as (category, excerpt), the form most assertions compare.
fn found(text: &str, audience: Audience) -> Vec<(ToneCategory, String)> {
    findings(text, audience).into_iter().map(|f| (f.category, f.excerpt)).collect()
}

/// A sentence inside a message that thanks and tells the outcome, so only the sentence can be
/// the cause of a finding.
fn in_message(sentence: &str) -> String {
    format!("Hi Jo,\n\nThank you for telling us. {sentence} We blocked the site.\n\nSam")
}

/// Asserts each `(sentence, expected excerpts)` gives exactly those findings of `category`.
fn assert_phrases(category: ToneCategory, audience: Audience, cases: &[(&str, &[&str])]) {
    let mut wrong = Vec::new();
    for (sentence, expected) in cases {
        let got = found(&in_message(sentence), audience);
        let want: Vec<(ToneCategory, String)> = expected.iter().map(|e| (category, e.to_string())).collect();
        if got != want {
            wrong.push(format!("{sentence:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} of {} wrong:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}

fn assert_clean(sentences: &[&str], audience: Audience) {
    let wrong: Vec<String> = sentences
        .iter()
        .filter_map(|s| {
            let got = found(&in_message(s), audience);
            (!got.is_empty()).then(|| format!("{s:?}: {got:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "flagged but should not be:\n{}", wrong.join("\n"));
}

#[test]
fn blame_is_caught_in_many_phrasings() {
    assert_phrases(
        Blame,
        Audience::EndUser,
        &[
            ("You clicked on the link in the email.", &["You clicked"]),
            ("You've clicked a malicious link.", &["You've clicked"]),
            ("You have clicked on a phishing link again.", &["You have clicked"]),
            ("Unfortunately you opened the attachment.", &["you opened the attachment"]),
            ("You opened the malicious file on Monday.", &["You opened the malicious file"]),
            ("You downloaded the infected attachment.", &["You downloaded the infected attachment"]),
            ("You fell for the fake invoice.", &["You fell for"]),
            ("You took the bait.", &["You took the bait"]),
            ("You got phished.", &["You got phished"]),
            ("You entered your password on the fake page.", &["You entered your password"]),
            ("You gave away your credentials.", &["You gave away your credentials"]),
            ("We had to rebuild the laptop because of you.", &["had to rebuild the laptop because of you"]),
            ("It was user error.", &["user error"]),
            ("The infection was caused by human error.", &["caused by human error"]),
            ("You should have known better.", &["You should have known"]),
            ("You should have checked the sender.", &["You should have checked"]),
            ("Next time please don't click on links.", &["Next time please don't"]),
            ("In future, please be more careful.", &["In future, please be more careful"]),
            ("Please be more careful next time.", &["Please be more careful"]),
            ("Think before you click.", &["Think before you click"]),
            ("You failed to report it for three days.", &["You failed to"]),
            ("You forgot to check the address.", &["You forgot to"]),
            ("You ignored the warning banner.", &["You ignored the warning banner"]),
            ("You didn't bother to report it.", &["You didn't bother to"]),
            ("It was your mistake.", &["your mistake"]),
            ("It's entirely your fault.", &["It's entirely your fault"]),
            ("You made a costly mistake.", &["You made a costly mistake"]),
            ("If you had checked the link, none of this would have happened.", &["If you had checked"]),
            ("If only you had been more careful.", &["If only you had been more careful"]),
            ("If you hadn't clicked, we would not be here.", &["If you hadn't clicked"]),
            ("Had you checked the sender, this would not have happened.", &["Had you checked"]),
            ("Why did you open it?", &["Why did you"]),
            ("What were you thinking?", &["What were you thinking"]),
            ("How could you miss that?", &["How could you miss"]),
            ("You let the attacker in.", &["You let the attacker"]),
            ("You let it happen.", &["You let it happen"]),
            ("You put the company at risk.", &["You put the company at risk"]),
            ("You are to blame for the breach.", &["You are to blame"]),
            ("Despite all the training, you opened it.", &["Despite all the training"]),
            ("Because you clicked, the malware spread.", &["Because you clicked"]),
            ("The blame lies with you.", &["The blame lies with you"]),
            // Curly apostrophes are what most editors type.
            ("You\u{2019}ve clicked a bad link.", &["You\u{2019}ve clicked"]),
        ],
    );
}

#[test]
fn condescension_is_caught() {
    assert_phrases(
        Condescension,
        Audience::EndUser,
        &[
            ("Obviously, the sender address was fake.", &["Obviously"]),
            ("Simply hover over links before clicking.", &["Simply hover"]),
            ("As everyone knows, we never ask for passwords.", &["As everyone knows"]),
            ("Just don't click links in emails.", &["Just don't"]),
            ("It's easy to spot these emails.", &["It's easy to spot"]),
            ("Even you can spot a fake address.", &["Even you"]),
            ("It's not rocket science.", &["It's not rocket science"]),
            ("All you had to do was hover over the link.", &["All you had to do was"]),
            ("Just use some common sense.", &["Just use some common sense"]),
            ("Anyone could have spotted it.", &["Anyone could have spotted it"]),
            ("As you should know, we never ask for passwords.", &["As you should know"]),
            ("Needless to say, we never ask for passwords by email.", &["Needless to say"]),
        ],
    );
}

#[test]
fn shaming_is_caught() {
    assert_phrases(
        Shame,
        Audience::EndUser,
        &[
            ("Honestly, you were the weakest link.", &["the weakest link"]),
            ("That was careless.", &["careless"]),
            ("It was negligent to open it.", &["negligent"]),
            ("It was a stupid thing to do.", &["stupid"]),
            ("Don't be so gullible.", &["Don't be so gullible"]),
            ("It was naive to trust it.", &["naive"]),
            ("It was sloppy work.", &["sloppy"]),
            ("This is embarrassing for the whole team.", &["embarrassing"]),
            ("A classic PEBKAC.", &["PEBKAC"]),
            ("I'm disappointed in you.", &["I'm disappointed in you"]),
        ],
    );
}

#[test]
fn passive_aggression_is_caught() {
    assert_phrases(
        PassiveAggressive,
        Audience::EndUser,
        &[
            ("Per my last email, reports go to the service desk.", &["Per my last email"]),
            ("As previously stated, we never ask for passwords.", &["As previously stated"]),
            ("As I already said, use the Report button.", &["As I already said"]),
            ("Going forward, please use the Report button.", &["Going forward, please"]),
            ("Kindly note that reports go to the service desk.", &["Kindly note"]),
            ("As mentioned before, the policy applies to everyone.", &["As mentioned before"]),
            ("For the hundredth time, use the Report button.", &["For the hundredth time"]),
            ("This is a friendly reminder to use the Report button.", &["friendly reminder"]),
            ("Did you not read my last email?", &["Did you not read my last email"]),
        ],
    );
}

#[test]
fn jargon_is_caught_for_people_outside_it() {
    assert_phrases(
        Jargon,
        Audience::EndUser,
        &[
            ("We extracted the IOCs from the email.", &["IOCs"]),
            ("The laptop talked to a C2 server.", &["C2 server"]),
            ("Our EDR caught it, and the EDR was right.", &["EDR"]),
            ("The SIEM raised an alert.", &["SIEM"]),
            ("There was no lateral movement.", &["lateral movement"]),
            ("No exfiltration happened.", &["exfiltration"]),
            ("We mapped the TTPs.", &["TTPs"]),
            ("The malware set up persistence through a scheduled task.", &["set up persistence"]),
            ("We saw beaconing every minute.", &["beaconing"]),
            ("The payload was ransomware.", &["payload"]),
            ("We ran a sandbox detonation.", &["sandbox detonation"]),
            ("The threat actor is known to us.", &["threat actor"]),
            ("It exploited CVE-2024-3400.", &["CVE-2024-3400"]),
        ],
    );
    // One category, several terms: each is its own finding, in order.
    let got = found(&in_message("The EDR saw the payload and the C2."), Audience::Management);
    assert_eq!(got, [(Jargon, "EDR".into()), (Jargon, "payload".into()), (Jargon, "C2".into())]);
}

#[test]
fn jargon_depends_on_the_audience() {
    let text = in_message("We saw beaconing to the C2 server, extracted the IOCs and mapped the TTPs.");
    assert_eq!(found(&text, Audience::ItOperations), []);
    assert_eq!(found(&text, Audience::SecurityColleague), []);
    // Vendors get only the security team's insider shorthand.
    assert_eq!(found(&text, Audience::ThirdParty), [(Jargon, "TTPs".to_string())]);
    assert_eq!(found(&text, Audience::EndUser).len(), 4);
    assert_eq!(found(&text, Audience::Management).len(), 4);
}

#[test]
fn an_explained_acronym_is_not_jargon() {
    assert_clean(
        &[
            "Our endpoint detection and response (EDR) software isolated the laptop.",
            "Our EDR (the security software on your laptop) isolated it. Later the EDR stopped it again.",
            "Our EDR, the security software on your laptop, isolated it.",
            "There was no lateral movement (spreading from one computer to another).",
            "We found the indicators of compromise (IOCs) and blocked them. The IOCs are gone.",
            "The security software known as EDR isolated it.",
        ],
        Audience::EndUser,
    );
}

#[test]
fn negation_quotes_code_and_thanks_are_not_blame() {
    assert_clean(
        &[
            "Thank you for clicking Report.",
            "Thanks for reporting it.",
            "You clicked Report within two minutes.",
            "You clicked the \u{201C}Report Phishing\u{201D} button straight away.",
            "This was not your fault.",
            "You did nothing wrong.",
            "Nobody should have known.",
            "No one is to blame.",
            "It wasn't careless at all.",
            "Don't worry if you clicked the link, many people did.",
            "Nobody, not even our own team, should have known.",
            "Please don't blame yourself.",
            "We don't blame you at all.",
            "There's no shame in reporting it.",
            "Don't be embarrassed to call us.",
            "Thanks for reporting it even though you had already opened the attachment.",
            "She wrote: \"I clicked the link, I'm so stupid.\"",
            "He said \u{201C}you clicked it\u{201D} and laughed.",
            "The `you clicked` string appeared in the logs.",
            "It's easy to see why it fooled people.",
            "It's not easy to spot these emails.",
            "You weren't fooled for a second.",
        ],
        Audience::EndUser,
    );
    let blockquote = "Hi Jo,\n\nThank you for forwarding this:\n\n> You clicked the link, your account is suspended.\n> Naive users lose their mail.\n\nWe blocked the site.";
    assert_eq!(found(blockquote, Audience::EndUser), []);
}

#[test]
fn ordinary_phrases_near_the_rules_are_not_flagged() {
    assert_clean(
        &[
            "You let us know within minutes.",
            "Because of you, we caught it early.",
            "You opened a ticket right away.",
            "You ran the script we sent you.",
            "You downloaded the logs for us.",
            "Thank you for your error report.",
            "Thanks for your persistence.",
            "I just wanted to say thanks.",
            "Just reply to this email with any questions.",
            "As you may know, we run these checks every month.",
            "Please note the office is closed on Friday.",
            "You should have received a confirmation email.",
            "If you hadn't reported it, we would never have found it.",
            "You never clicked the link, which was smart.",
            "Next time you see something odd, report it just like you did.",
            "In future, please report it the same way.",
            "Your report was the first we got.",
            "I know it can feel awkward to say you clicked on something.",
            "You are a beacon of calm.",
            "Even the best of us get fooled.",
            "You should have the new laptop by Friday.",
            "Our team made a mistake in the filter rules, not you.",
        ],
        Audience::EndUser,
    );
}

/// Good thank-you messages of every kind: none may get a single finding.
const GOOD: &[(Audience, &str)] = &[
    (
        Audience::EndUser,
        "Hi Priya,

Thank you for reporting the \"Your parcel could not be delivered\" email on Monday morning. You clicked Report within a couple of minutes of it arriving, which was exactly right.

We looked into it straight away. It turned out to be part of a wider phishing campaign aimed at several companies in our area. Because you told us so quickly, we blocked the fake website for everyone and removed the email from 43 other mailboxes before anyone typed in a password.

This was not your fault: the email was made to look exactly like a real delivery notice, and nobody should have known. If you see something like it again, the Report button is the quickest way to reach us.

Thanks again,
Sam (Security team)",
    ),
    (
        Audience::EndUser,
        "Hi Jonas,

Thank you for calling the service desk so quickly on Wednesday. I know it can feel awkward to say you clicked on something, and telling us within five minutes was exactly the right thing to do.

Here's what we found. The link led to a fake Microsoft sign-in page, which was built to look real. Because you called straight away, we reset your password before the attackers could use it, and we blocked the page for everyone. We checked your account: nobody else signed in, and no data was taken.

You did nothing wrong. These emails fool careful people every day, and no one is to blame except the people who sent it.

Thanks again,
Sam",
    ),
    (
        Audience::EndUser,
        "Dear Mr. Okafor,

Thank you for clicking \u{201C}Report Phishing\u{201D} on the message you received last Thursday. Thanks for reporting it even though it looked like it came from your own manager.

We found that the message was sent from a look-alike address. We blocked that address and removed the same message from 12 other inboxes. In the end nobody replied to it, so the attack failed.

Please keep doing exactly what you did.

With gratitude,
The Security Team",
    ),
    (
        Audience::ItOperations,
        "Hi Marco,

Thank you for pulling the proxy and firewall logs for 1\u{2013}3 November at two in the morning, during a patch freeze, with the change board breathing down your neck. I know the legacy proxy only keeps seven days of logs and that getting them out means a manual export from a box nobody wants to touch.

Your logs showed the beaconing from the finance laptop every 60 seconds to a single C2 domain, which let us scope the incident to one host. We isolated it with EDR, confirmed there was no lateral movement, and closed the incident on 5 November. No data left the network.

We\u{2019}re also asking for budget to extend log retention on that proxy, so next time you won\u{2019}t have to do this by hand.

Thanks again, really,
Sam",
    ),
    (
        Audience::ItOperations,
        "Hi Raj,

Thanks to you and the infrastructure team for patching the VPN gateways over the weekend. I know the maintenance window was short, the vendor's patch notes were incomplete, and two of those gateways run on hardware that is past its support date. You made it work anyway, and you kept remote access up for the night shift.

The scan on Monday confirmed every gateway is now on the fixed version, and we have seen no further exploitation attempts succeed. We've closed the remediation ticket.

I'll raise the hardware replacement in the next budget round, so you don't have to nurse those boxes much longer.

Much appreciated,
Sam",
    ),
    (
        Audience::ThirdParty,
        "Hello Anna,

Many thanks to you and the Northwind support team for the firewall exports you sent on Saturday. I know weekend requests are not part of our contract, and you turned it around in three hours anyway.

The exports confirmed the C2 traffic we suspected and gave us the exact time the connections started. With that we traced the infection to a single workstation, cleaned it, and closed the incident on Tuesday. None of your equipment was involved, and no customer data was affected.

If it helps your own teams, we're happy to share the IOCs under TLP:AMBER.

Kind regards,
Sam Keller
Security Operations, Contoso",
    ),
    (
        Audience::SecurityColleague,
        "Hey Lena,

Huge thanks for reversing the loader over the weekend. Your write-up of the persistence mechanism (a scheduled task disguised as OneDrive) and the decoded C2 config saved us days.

Outcome: we pushed your YARA rule to EDR, found two more hosts with the same scheduled task, and isolated both before any lateral movement. The sandbox detonation matched your TTPs exactly. The incident is closed; the ATT&CK mapping is in the report.

I owe you a coffee (or three).

Sam",
    ),
    (
        Audience::Management,
        "Hi Helen,

Thank you for approving the emergency change on Friday evening and for taking the call with the vendor yourself. It made a real difference.

Here is how it ended. The suspicious sign-ins came from a stolen password for one service account. We locked the account within an hour of your approval, checked every system it could reach, and found no sign that any customer data was taken. The incident was closed on Monday.

We've also agreed with IT to move that account to two-step sign-in next month.

With thanks,
Sam",
    ),
    (
        Audience::Management,
        "Hi David,

I wanted to thank you for freeing up Maria and Chen for three days during the ransomware scare last month, at the busiest time of your quarter. Their knowledge of the billing system was essential.

The outcome: the suspicious file on the billing server turned out to be a false alarm from an outdated backup tool. No systems were encrypted and no customer data was touched. We've updated the tool and closed the case.

Thank you for trusting us with your team's time.

Best regards,
Sam",
    ),
    (
        Audience::EndUser,
        "Hi Mia,

Thank you for letting us know about the strange text message \u{1F64F}. You let us know within minutes, and you forwarded the screenshot too. Because of you, we caught it early.

> Your account will be suspended. Enter your password to keep it.

That was the message the attackers sent. It's easy to see why it fooled people. If you hadn't reported it, we would never have found the fake site. We have taken it down.

I just wanted to say thanks again. Just reply to this email if you have questions.

Sam",
    ),
];

#[test]
fn good_thank_you_messages_have_no_findings() {
    let wrong: Vec<String> = GOOD
        .iter()
        .filter_map(|(audience, text)| {
            let got = found(text, *audience);
            (!got.is_empty()).then(|| format!("{} ({audience}): {got:?}", &text[..text.find('\n').unwrap()]))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_bad_draft_gets_every_kind_of_finding_in_order() {
    let text = "Hi Tom,

You clicked the link in the fake invoice. Obviously you should have checked the sender first. Per my last email, reports go to the service desk. Our EDR saw the payload. That was careless.

Sam";
    let got = found(text, Audience::EndUser);
    assert_eq!(
        got,
        [
            (MissingThanks, "Hi Tom,".to_string()),
            (MissingOutcome, "Hi Tom,".to_string()),
            (Blame, "You clicked".to_string()),
            (Condescension, "Obviously".to_string()),
            (Blame, "you should have checked".to_string()),
            (PassiveAggressive, "Per my last email".to_string()),
            (Jargon, "EDR".to_string()),
            (Jargon, "payload".to_string()),
            (Shame, "careless".to_string()),
        ]
    );
    let all = findings(text, Audience::EndUser);
    assert!(all.windows(2).all(|w| w[0].start <= w[1].start));
    assert!(all.iter().all(|f| !f.why.is_empty() && !f.suggestion.is_empty()));
    // `{match}` in a rule's text becomes the matched words.
    let payload = all.iter().find(|f| f.excerpt == "payload").unwrap();
    assert!(payload.why.starts_with("\"payload\" is"), "{}", payload.why);
}

#[test]
fn offsets_are_bytes_and_utf16_and_match_the_excerpt() {
    let text = "Hi Zo\u{eb} \u{1F600},\n\nThank you \u{2014} but you\u{2019}ve clicked a bad link. We blocked it.";
    let all = findings(text, Audience::EndUser);
    assert_eq!(all.len(), 1, "{all:?}");
    let f = &all[0];
    assert_eq!((f.category, f.excerpt.as_str()), (Blame, "you\u{2019}ve clicked"));
    assert_eq!(&text[f.start as usize..f.end as usize], f.excerpt);
    let utf16: Vec<u16> = text.encode_utf16().collect();
    assert_eq!(String::from_utf16(&utf16[f.start_utf16 as usize..f.end_utf16 as usize]).unwrap(), f.excerpt);
    assert!(f.start_utf16 < f.start, "the emoji and the ë take fewer UTF-16 units than bytes");
}

#[test]
fn reading_level_points_at_the_hardest_sentences() {
    let text = "Hi Alex,

Thank you for reporting the suspicious message. Following a comprehensive investigation, our incident response function subsequently determined that the unauthorised authentication attempts originated from compromised infrastructure associated with an organised criminal enterprise operating internationally. We blocked the site. The remediation activities encompassed credential revocation, comprehensive configuration verification across potentially affected organisational systems, and supplementary monitoring. Nothing was taken. Everything is fine now, and you helped a lot.

Sam";
    let all = findings(text, Audience::EndUser);
    let hard: Vec<&str> =
        all.iter().filter(|f| f.category == ReadingLevel).map(|f| f.excerpt.split(',').next().unwrap()).collect();
    assert_eq!(
        hard,
        ["Following a comprehensive investigation", "The remediation activities encompassed credential revocation"]
    );
    assert_eq!(all.len(), 2, "{all:?}");
    let why = &all[0].why;
    assert!(why.contains("above the 9") && why.contains("someone outside IT"), "{why}");
    assert!(all[0].suggestion.contains("\"comprehensive\""), "{}", all[0].suggestion);
    // Security colleagues read anything; the same draft is fine for them.
    assert_eq!(found(text, Audience::SecurityColleague), []);
}

#[test]
fn reading_level_thresholds_follow_the_audience_and_skip_short_texts() {
    // Around grade 11: too hard for an end user, fine for a manager.
    let medium = "Thank you for escalating the unusual invoice to the finance security contact. Your colleagues in accounts payable confirmed that the supplier's banking details had been altered in the vendor portal. We contacted the supplier through a verified telephone number, and they confirmed that their mailbox had been compromised. The payment was stopped before any money left the organisation, and the supplier has strengthened their procedures.";
    let (grade, words, _) = afterword_core::compose::tone::readability::grade(medium);
    assert!((9.0..12.0).contains(&grade) && words >= 60, "grade {grade}, {words} words");
    assert!(found(medium, Audience::EndUser).iter().any(|(c, _)| *c == ReadingLevel));
    assert_eq!(found(medium, Audience::Management), []);

    // One very hard sentence is too short a text for the formula to mean anything.
    let short = "Thank you. The comprehensive investigation subsequently demonstrated unauthorised administrative authentication. We blocked it.";
    assert_eq!(found(short, Audience::EndUser), []);
}

#[test]
fn missing_thanks_and_outcome() {
    let no_thanks = "Hi Jo,\n\nYour report reached us on Monday. We blocked the site.";
    assert_eq!(found(no_thanks, Audience::EndUser), [(MissingThanks, "Hi Jo,".to_string())]);
    for thanks in ["Thanks a lot, Jo.", "I'm grateful for your help.", "I really appreciate it.", "I owe you one."] {
        assert_eq!(found(&format!("{thanks} We blocked the site."), Audience::EndUser), [], "{thanks}");
    }

    let no_outcome = "Hi Jo,\n\nThank you for reporting the email on Monday. It helped a lot.";
    assert_eq!(found(no_outcome, Audience::EndUser), [(MissingOutcome, "Hi Jo,".to_string())]);
    for outcome in [
        "It turned out to be a test.",
        "We found the sender.",
        "The incident is resolved.",
        "No data was taken.",
        "It was a false alarm.",
    ] {
        assert_eq!(found(&format!("Thank you for reporting it. {outcome}"), Audience::EndUser), [], "{outcome}");
    }

    // The caller's outcome text counts when it appears (spacing and case aside), and the word
    // list still counts when it does not.
    let outcome = vec!["The sender was a known group.\nTheir site is down.".to_string()];
    let with = "Thank you for reporting it.\n\nthe sender was a known group. Their site is down.";
    let options = ToneOptions { audience: Audience::EndUser, outcome_texts: &outcome };
    assert_eq!(check(with, &options, ToneRules::builtin()), []);
    let without = "Thank you for reporting it. We are still looking.";
    let got: Vec<ToneCategory> = check(without, &options, ToneRules::builtin()).iter().map(|f| f.category).collect();
    assert_eq!(got, [MissingOutcome]);

    // Nothing written yet: nothing to say.
    assert_eq!(found("  \n ", Audience::EndUser), []);
}

#[test]
fn the_built_in_rules_are_valid_data() {
    let file: serde_json::Value = serde_json::from_str(BUILTIN_JSON).unwrap();
    let rules = file["rules"].as_array().unwrap();
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "rule ids are unique");
    assert!(count >= 40);
    assert_eq!(ToneRules::builtin().rule_ids().count(), count);
    for category in ["blame", "condescension", "shame", "jargon", "passive_aggressive"] {
        assert!(rules.iter().any(|r| r["category"] == category), "{category}");
    }
}

#[test]
fn user_rules_add_replace_and_disable() {
    let extra = r#"{
        "rules": [
            {"id": "team.no_heads_up", "category": "passive_aggressive", "pattern": "\\bheads[- ]up\\b",
             "why": "\"{match}\" sounds like a warning.", "suggestion": "Say what you mean."},
            {"id": "jargon.edr", "category": "jargon", "audiences": ["end_user"], "patterns": ["\\bEDR\\b"],
             "why": "Our people call it Shield.", "suggestion": "Say Shield."}
        ],
        "disable": ["shame.labels"],
        "missing_thanks": {"patterns": ["\\bcheers\\b"]},
        "reading_level": {"max_grade": {"end_user": 4}}
    }"#;
    let rules = ToneRules::with_extra(extra).unwrap();
    let options = ToneOptions { audience: Audience::EndUser, outcome_texts: &[] };
    let got: Vec<(ToneCategory, String, String)> =
        check("Cheers! A heads-up: EDR blocked it. That was careless.", &options, &rules)
            .into_iter()
            .map(|f| (f.category, f.excerpt, f.why))
            .collect();
    assert_eq!(
        got,
        [
            (PassiveAggressive, "heads-up".into(), "\"heads-up\" sounds like a warning.".into()),
            (Jargon, "EDR".into(), "Our people call it Shield.".into()),
        ]
    );
    // Managers no longer get the replaced EDR rule.
    let manager = ToneOptions { audience: Audience::Management, outcome_texts: &[] };
    assert!(check("Cheers! EDR blocked it.", &manager, &rules).is_empty());
    // Empty text: the built-in rules.
    assert_eq!(ToneRules::with_extra("  ").unwrap().rule_ids().count(), ToneRules::builtin().rule_ids().count());
}

#[test]
fn bad_user_rules_are_refused_with_a_clear_message() {
    let cases: &[(&str, &str)] = &[
        ("{", "not valid"),
        (r#"{"rules": [{"id": "x", "category": "blame", "patern": "a", "why": "w", "suggestion": "s"}]}"#, "patern"),
        (
            r#"{"rules": [{"id": "team.bad", "category": "blame", "pattern": "(unclosed", "why": "w", "suggestion": "s"}]}"#,
            "\"team.bad\"",
        ),
        (
            r#"{"rules": [{"id": "team.empty", "category": "blame", "pattern": "a*", "why": "w", "suggestion": "s"}]}"#,
            "matches empty text",
        ),
        (r#"{"rules": [{"id": "team.none", "category": "blame", "why": "w", "suggestion": "s"}]}"#, "has no pattern"),
        (
            r#"{"rules": [{"id": "x", "category": "rudeness", "pattern": "a", "why": "w", "suggestion": "s"}]}"#,
            "rudeness",
        ),
        (
            r#"{"rules": [{"id": "team.rl", "category": "reading_level", "pattern": "a", "why": "w", "suggestion": "s"}]}"#,
            "computes itself",
        ),
        (r#"{"disable": ["blame.nope"]}"#, "\"blame.nope\""),
        (r#"{"rules": [{"id": "", "category": "blame", "pattern": "a", "why": "w", "suggestion": "s"}]}"#, "no id"),
        (r#"{"version": 9}"#, "version 9"),
        (r#"{"missing_thanks": {"patterns": ["thanks", "(cheers"]}}"#, "missing_thanks pattern \"(cheers\""),
        (
            r#"{"rules": [{"id": "team.x", "category": "blame", "pattern": "a", "not_after": "[", "why": "w", "suggestion": "s"}]}"#,
            "not_after of the tone rule \"team.x\"",
        ),
    ];
    for (json, expected) in cases {
        match ToneRules::with_extra(json) {
            Err(Error::Invalid { field, message }) => {
                assert_eq!(field, "tone_rules");
                assert!(message.contains(expected), "{json}: {message}");
            }
            other => panic!("{json}: expected an invalid error, got {other:?}"),
        }
    }
}

#[test]
fn findings_serialise_with_snake_case_categories() {
    let f = &findings("Per my last email, thanks. We blocked it.", Audience::EndUser)[0];
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(json["category"], "passive_aggressive");
    assert_eq!(json["start"], 0);
    assert_eq!(json["end_utf16"], 17);
    let back: ToneFinding = serde_json::from_value(json).unwrap();
    assert_eq!(&back, f);
}
