//! The active rules as `orgcheck rules` lists them: rules, negation cues, exception classes and
//! concepts, each with the file it came from.

use regex::Regex;
use serde::Serialize;

use crate::analysis::tag::{Polarity, Tag};

use super::RuleSet;
use super::lexicon::{CueKind, ExceptionKind};

/// The rules as `orgcheck rules` lists them.
#[derive(Debug, Clone, Copy)]
pub struct RuleList<'a> {
    pub rules: &'a RuleSet,
}

#[derive(Serialize)]
struct RuleListJson<'a> {
    schema_version: u32,
    rules: Vec<RuleEntry<'a>>,
    negation: Vec<CueEntry<'a>>,
    exceptions: Vec<ExceptionEntry<'a>>,
    concepts: Vec<ConceptEntry<'a>>,
}

#[derive(Serialize)]
struct ConceptEntry<'a> {
    id: &'a str,
    dimension: crate::analysis::ontology::Dimension,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
    description: &'a str,
    terms: &'a [String],
    origin: &'a str,
}

#[derive(Serialize)]
struct CueEntry<'a> {
    id: &'a str,
    kind: CueKind,
    description: &'a str,
    words: &'a [String],
    patterns: Vec<&'a str>,
    origin: &'a str,
}

#[derive(Serialize)]
struct ExceptionEntry<'a> {
    id: &'a str,
    kind: ExceptionKind,
    description: &'a str,
    patterns: Vec<&'a str>,
    origin: &'a str,
}

#[derive(Serialize)]
struct RuleEntry<'a> {
    id: &'a str,
    tag: Tag,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    polarity: Option<Polarity>,
    /// Rust regex syntax, matched case-insensitively.
    patterns: &'a [String],
    /// Concepts and words in order (docs/rules.md, "Sequences").
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    sequences: &'a [String],
    exclude: Vec<&'a str>,
    origin: &'a str,
}

impl Serialize for RuleList<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let rules = self
            .rules
            .rules
            .iter()
            .map(|r| RuleEntry {
                id: &r.id,
                tag: r.tag,
                description: &r.description,
                polarity: r.polarity,
                patterns: &r.patterns,
                sequences: &r.sequence_sources,
                exclude: r.exclude.iter().map(Regex::as_str).collect(),
                origin: &r.origin,
            })
            .collect();
        let lexicon = &self.rules.lexicon;
        let negation = lexicon
            .cues
            .iter()
            .map(|c| CueEntry {
                id: &c.id,
                kind: c.kind,
                description: &c.description,
                words: &c.words,
                patterns: c.patterns.iter().map(Regex::as_str).collect(),
                origin: &c.origin,
            })
            .collect();
        let exceptions = lexicon
            .exceptions
            .iter()
            .map(|e| ExceptionEntry {
                id: &e.id,
                kind: e.kind,
                description: &e.description,
                patterns: e.patterns.iter().map(Regex::as_str).collect(),
                origin: &e.origin,
            })
            .collect();
        let o = &self.rules.ontology;
        let concepts = o
            .concepts
            .iter()
            .map(|c| ConceptEntry {
                id: &c.id,
                dimension: c.dimension,
                parent: c.parent.map(|p| o.concepts[p].id.as_str()),
                description: &c.description,
                terms: &c.terms,
                origin: &c.origin,
            })
            .collect();
        RuleListJson {
            schema_version: crate::base::report::SCHEMA_VERSION,
            rules,
            negation,
            exceptions,
            concepts,
        }
        .serialize(serializer)
    }
}
