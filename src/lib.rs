//! orgcheck: compares what companies tell customers about their data with what their privacy
//! policies say.
//!
//! The modules, lowest first. A module uses only modules above it in this list, never one below
//! (a test checks it), so each can be read, tested and changed knowing only what it stands on.
//!
//! | layer | modules | what they do |
//! | --- | --- | --- |
//! | foundations | [`error`], [`hash`], [`report`], [`snippet`] | the error type, SHA-256, what every report carries, excerpts |
//! | text | [`text`], [`ingest`], [`warc`], [`segment`], [`quote`] | markup to text; bytes (file, stdin, page) to a document; web-archive records; clauses; a declaration's quotes found in a page |
//! | rules | [`pattern`], [`ontology`], [`rules`], [`polarity`], [`tagger`], [`noise`] | compiling patterns; the parts of a practice; tagging rules; what a negation covers and excepts; findings; what counts as noise |
//! | inputs | [`providers`], [`http`], [`browser`], [`store`] | declarations, downloads, pages rendered in headless Chromium, dated versions on disk |
//! | stages | [`fetch`], [`extract`], [`compare`], [`lint`], [`letter`], [`reply`], [`diff`], [`check`], [`history`], [`eval`] | one per command that does work |
//! | output | [`render`] | every report as a table, JSON, JSONL or Markdown |
//!
//! The `orgcheck` binary (`src/main.rs`, `src/cli/`) parses arguments and wires these together; the
//! library has no command-line types and prints nothing.
//!
//! Tagging a text with the default rules:
//!
//! ```
//! use orgcheck::rules::{Polarity, RuleSet, Tag};
//!
//! let rules = RuleSet::default_rules()?;
//! let findings = rules.findings("We do not sell your data but we share it with partners.");
//! let sharing: Vec<Polarity> = findings.iter().filter(|f| f.tag == Tag::ThirdPartySharing).map(|f| f.polarity).collect();
//! assert_eq!(sharing, [Polarity::Negative, Polarity::Positive]);
//! assert_eq!(findings[0].evidence, "sell your data");
//! # Ok::<(), orgcheck::Error>(())
//! ```
//!
//! Comparing the bundled providers:
//!
//! ```
//! use orgcheck::compare::{compare_provider, policy_text, Verdict};
//! use orgcheck::providers::{load, ProviderSource};
//! use orgcheck::rules::{RuleSet, Tag};
//!
//! let rules = RuleSet::default_rules()?;
//! let o2 = load(&ProviderSource::Bundled)?.into_iter().find(|p| p.id == "o2").unwrap();
//! let (text, _) = policy_text(&o2, None)?;
//! let report = compare_provider(&rules, &o2, &text);
//! assert_eq!(report.verdicts.get(Tag::ThirdPartySharing), Verdict::Contradiction);
//! # Ok::<(), orgcheck::Error>(())
//! ```

pub mod error;
pub mod hash;
pub mod report;
pub mod snippet;

pub mod text;
pub mod ingest;
pub mod warc;
pub mod segment;
pub mod quote;

pub mod pattern;
pub mod ontology;
pub mod rules;
pub mod polarity;
pub mod tagger;
pub mod noise;

pub mod providers;
pub mod http;
pub mod browser;
pub mod store;

pub mod fetch;
pub mod extract;
pub mod compare;
pub mod lint;
pub mod letter;
pub mod reply;
pub mod diff;
pub mod check;
pub mod history;
pub mod eval;

pub mod render;

pub use error::{Error, Result};

#[cfg(test)]
mod layering {
    use std::fs;
    use std::path::Path;

    /// The modules in the order of the table above: each may use only those before it.
    const ORDER: &[&str] = &[
        "error",
        "hash",
        "report",
        "snippet",
        "text",
        "ingest",
        "warc",
        "segment",
        "quote",
        "pattern",
        "ontology",
        "rules",
        "polarity",
        "tagger",
        "noise",
        "providers",
        "http",
        "browser",
        "store",
        "fetch",
        "extract",
        "compare",
        "lint",
        "letter",
        "reply",
        "diff",
        "check",
        "history",
        "eval",
        "render",
    ];

    /// The `crate::name` paths a source file mentions, doc comments included (a doc link upward
    /// is a sign the design leans the wrong way too).
    fn mentions(source: &str) -> Vec<&str> {
        source
            .match_indices("crate::")
            .filter_map(|(i, _)| {
                let rest = &source[i + "crate::".len()..];
                let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
                Some(&rest[..end])
            })
            .collect()
    }

    #[test]
    fn modules_use_only_the_modules_below_them() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut wrong = Vec::new();
        for (rank, module) in ORDER.iter().enumerate() {
            let file = src.join(format!("{module}.rs"));
            let files = if file.exists() {
                vec![file]
            } else {
                let dir = src.join(module);
                let mut files: Vec<_> = fs::read_dir(&dir)
                    .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                    .map(|e| e.unwrap().path())
                    .collect();
                files.sort();
                files
            };
            for file in files {
                let source = fs::read_to_string(&file).unwrap();
                for used in mentions(&source) {
                    match ORDER.iter().position(|m| *m == used) {
                        Some(r) if r >= rank && used != *module => {
                            wrong.push(format!("{} uses {used}", file.display()))
                        }
                        None if !["Error", "Result"].contains(&used) => {
                            wrong.push(format!("{} uses {used}, which is not in ORDER", file.display()))
                        }
                        _ => {}
                    }
                }
            }
        }
        wrong.dedup();
        assert!(wrong.is_empty(), "imports that run uphill:\n{}", wrong.join("\n"));
    }

    #[test]
    fn every_module_is_in_the_order() {
        let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
        let declared: Vec<&str> = lib
            .lines()
            .filter_map(|l| l.strip_prefix("pub mod "))
            .map(|l| l.trim_end_matches(';'))
            .collect();
        assert_eq!(declared, ORDER);
    }
}
