//! orgcheck: compares what companies tell customers about their data with what their privacy
//! policies say.
//!
//! The pipeline, one module per stage:
//! [`providers`] (declarations) → [`text`] (HTML/Markdown to text) → [`segment`] (clauses) →
//! [`rules`] + [`tagger`] (tags and polarity) → [`compare`] (verdicts) → [`output`] (table, JSON, Markdown).
//! [`cli`] wires them into the `orgcheck` commands.
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
//! use orgcheck::compare::{compare_provider, PolicyText, SourceKind, Verdict};
//! use orgcheck::providers::{load, ProviderSource};
//! use orgcheck::rules::{RuleSet, Tag};
//!
//! let rules = RuleSet::default_rules()?;
//! let o2 = load(&ProviderSource::Bundled)?.into_iter().find(|p| p.id == "o2").unwrap();
//! let text = o2.policy_document().snapshot_text.clone().unwrap();
//! let report = compare_provider(&rules, &o2, &PolicyText { kind: SourceKind::Bundled, text, retrieved_at: None });
//! assert_eq!(report.verdicts.get(Tag::ThirdPartySharing), Verdict::Contradiction);
//! # Ok::<(), orgcheck::Error>(())
//! ```

pub mod check;
pub mod cli;
pub mod compare;
pub mod content;
pub mod diff;
pub mod error;
pub mod eval;
pub mod extract;
pub mod fetch;
pub mod http;
pub mod output;
pub mod providers;
pub mod rules;
pub mod segment;
pub mod store;
pub mod tagger;
pub mod text;

pub use error::{Error, Result};
