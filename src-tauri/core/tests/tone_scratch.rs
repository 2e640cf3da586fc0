use afterword_core::compose::tone::*;
use afterword_core::Audience;

#[test]
fn scratch() {
    let dir = std::env::var("SCRATCH").unwrap_or("/tmp/tone_scratch".into());
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let audience = Audience::parse(name.split("__").next().unwrap()).unwrap_or(Audience::EndUser);
        let f = check(&text, &ToneOptions { audience, outcome_texts: &[] }, ToneRules::builtin());
        println!("=== {name} ({audience}) {} findings", f.len());
        for x in f { println!("  {} [{}..{}] {:?} | {}", x.category, x.start, x.end, x.excerpt, x.why); }
    }
}

#[test]
fn lines() {
    let Ok(text) = std::fs::read_to_string("/tmp/tone_lines.txt") else { return };
    let mut bad = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (want, sentence) = line.split_once('|').unwrap();
        let (want, audience) = want.split_once('@').map(|(w, a)| (w, Audience::parse(a).unwrap())).unwrap_or((want, Audience::EndUser));
        let f = check(sentence, &ToneOptions { audience, outcome_texts: &[] }, ToneRules::builtin());
        let got: Vec<String> = f.iter().filter(|x| !matches!(x.category, ToneCategory::MissingThanks | ToneCategory::MissingOutcome)).map(|x| format!("{}:{}", x.category, x.excerpt)).collect();
        let cats: Vec<&str> = got.iter().map(|g| g.split(':').next().unwrap()).collect();
        let ok = if want == "-" { got.is_empty() } else { want.split(',').all(|w| cats.contains(&w)) && cats.iter().all(|c| want.split(',').any(|w| w == *c)) };
        if !ok { bad += 1; println!("MISMATCH want {want}: {sentence}\n    got {got:?}"); }
    }
    println!("{bad} mismatches");
}

#[test]
fn grades() {
    let mut entries: Vec<_> = std::fs::read_dir("/tmp/tone_scratch").unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let (g, w, s) = afterword_core::compose::tone::readability::grade(&text);
        println!("GRADE {:>5.1} words {w} sentences {s} {}", g, path.display());
    }
}
