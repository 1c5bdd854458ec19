//! Bytes of any kind, read as HTML, plain text, Markdown, PDF or by detection (the first byte picks),
//! then tagged: never a panic, and every span inside the text.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use orgcheck::document::ingest;
use orgcheck::{InputFormat, Isolation, Origin, RuleSet};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::default_rules().expect("default rules"));

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let format = [
        None,
        Some(InputFormat::Html),
        Some(InputFormat::Text),
        Some(InputFormat::Markdown),
        Some(InputFormat::Pdf),
    ][usize::from(pick) % 5];
    let origin = Origin::Page {
        url: "https://fuzz.example/p",
        content_type: None,
    };
    let Ok(doc) = ingest::document("fuzz", bytes, origin, format, &Isolation::default()) else {
        return;
    };
    for f in RULES.findings(&doc.text) {
        assert!(f.start <= f.end && f.end <= doc.text.len());
        assert_eq!(&doc.text[f.start..f.end], f.clause);
        assert!(f.clause.contains(&f.evidence));
    }
});
