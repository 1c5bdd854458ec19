//! Properties that must hold for any input, checked on generated inputs (proptest, on stable): spans in
//! bounds, output independent of the thread count, and bytes of any kind turned into text or a clear
//! error, never a panic. The fuzzers in `fuzz/` search the same ground for longer, with a nightly
//! toolchain.
//!
//! That tagging time grows linearly with input is checked by `bench/hostile.sh` in `.ci/run`, with
//! timings side by side in one run; a timed unit test would be at the mercy of the machine.

use std::sync::LazyLock;

use orgcheck::document::ingest;
use orgcheck::{InputFormat, Isolation, Origin, RuleSet};
use proptest::prelude::*;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::default_rules().unwrap());

/// Text built from policy words, joiners, punctuation and awkward characters (multi-byte letters,
/// no-break spaces, combining marks), sometimes long enough to be cut into several clauses.
fn policy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("we".to_string()),
        Just("do not".to_string()),
        Just("never".to_string()),
        Just("share".to_string()),
        Just("sell".to_string()),
        Just("your data".to_string()),
        Just("aggregated".to_string()),
        Just("with third parties".to_string()),
        Just("advertisers".to_string()),
        Just("except as required by law".to_string()),
        Just("opt out".to_string()),
        Just("location".to_string()),
        Just(", ".to_string()),
        Just(". ".to_string()),
        Just("; ".to_string()),
        Just("\n\n".to_string()),
        Just("\u{a0}".to_string()),
        Just("Ó".to_string()),
        Just("e\u{301}".to_string()),
        Just("’".to_string()),
        "[a-zA-Z ]{1,12}",
        any::<char>().prop_map(String::from),
    ];
    (prop::collection::vec(piece, 0..60), 1usize..120).prop_map(|(pieces, times)| {
        let one = pieces.join(" ");
        // Now and then a long run, past the longest clause.
        if times > 100 { one.repeat(times) } else { one }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn finding_spans_are_in_bounds_and_quote_the_text(text in policy_text()) {
        for f in RULES.findings(&text) {
            prop_assert!(f.start <= f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            prop_assert_eq!(&text[f.start..f.end], f.clause.as_str());
            prop_assert!(f.clause.contains(&f.evidence));
            let p = &f.practice;
            let terms = p.actions.iter().chain(&p.identifiability).chain(&p.data);
            for term in terms.chain(&p.recipients).chain(&p.purposes) {
                prop_assert!(term.start <= term.end && term.end <= text.len());
                prop_assert_eq!(&text[term.start..term.end], term.text.as_str());
            }
            for e in &f.exceptions {
                prop_assert_eq!(&text[e.start..e.end], e.text.as_str());
            }
        }
    }

    #[test]
    fn batch_output_does_not_depend_on_the_thread_count(texts in prop::collection::vec(policy_text(), 1..16)) {
        let mut input = String::new();
        for (i, t) in texts.iter().enumerate() {
            match i % 9 {
                4 => input.push_str("not a record\n"),
                _ => input.push_str(&format!("{}\n", serde_json::json!({"id": i, "text": t}))),
            }
        }
        let mut one = Vec::new();
        orgcheck::stages::extract::batch_parallel(&RULES, input.as_bytes(), &mut one, 1).unwrap();
        for threads in [2, 3] {
            let mut many = Vec::new();
            orgcheck::stages::extract::batch_parallel(&RULES, input.as_bytes(), &mut many, threads).unwrap();
            prop_assert!(many == one, "{} threads", threads);
        }
    }

    #[test]
    fn any_bytes_become_text_or_a_clear_error(
        bytes in prop::collection::vec(any::<u8>(), 0..3000),
        format in 0usize..4,
    ) {
        let format = [None, Some(InputFormat::Html), Some(InputFormat::Text), Some(InputFormat::Markdown)][format];
        if let Ok(doc) = ingest::document("fuzz", &bytes, Origin::Stdin, format, &Isolation::default()) {
            for f in RULES.findings(&doc.text) {
                prop_assert!(f.end <= doc.text.len());
            }
        }
    }

    #[test]
    fn markdown_lists_and_crawled_text_of_any_shape_become_text(parts in prop::collection::vec(
        prop_oneof![
            Just("* "), Just("- "), Just("\n"), Just("\n\n"), Just("[Home](/)"), Just("[GPS](/gps \"t\")"),
            Just("<li>"), Just("</li>"), Just("<p>"), Just("</ul>"), Just("&amp;"), Just("  "), Just("1. "),
            Just("We may share your location with advertisers. "), Just("| » "), Just("**"), Just("> "),
        ],
        0..200,
    ), format in 0usize..2) {
        let text = parts.concat();
        let format = [None, Some(InputFormat::Markdown)][format];
        if let Ok(doc) = ingest::document("fuzz.txt", text.as_bytes(), Origin::Stdin, format, &Isolation::default()) {
            if doc.tags_stripped {
                prop_assert!(!doc.text.contains("<li>") && !doc.text.contains("<p>"), "{}", doc.text);
            }
            for f in RULES.findings(&doc.text) {
                prop_assert!(f.end <= doc.text.len());
            }
        }
    }

    #[test]
    fn html_of_any_shape_becomes_text_or_a_clear_error(parts in prop::collection::vec(
        prop_oneof![
            Just("<p>"), Just("</p>"), Just("<div class=\"policy\">"), Just("</div>"), Just("<li>"),
            Just("<script>"), Just("</script>"), Just("<br>"), Just("&amp;"), Just("&#x0;"),
            Just("We may share your data with advertisers. "), Just("Ó\u{a0}"), Just("<!--"), Just("-->"),
        ],
        0..200,
    )) {
        let html = parts.concat();
        let html_format = Some(InputFormat::Html);
        if let Ok(doc) = ingest::document("fuzz.html", html.as_bytes(), Origin::Stdin, html_format, &Isolation::default()) {
            for f in RULES.findings(&doc.text) {
                prop_assert!(f.end <= doc.text.len());
            }
        }
    }
}
