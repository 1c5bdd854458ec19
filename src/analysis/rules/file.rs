//! The rules file format: the TOML tables as written (`[[rule]]`, `[[negation]]`, `[[exception]]`,
//! `[[concept]]`, `[grammar]`) and their validation into compiled rules, cues and exception classes,
//! every problem reported with its file, line and field.

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use regex::Regex;

use crate::analysis::ontology::{ConceptDef, ConceptSource, Grammar, GrammarDef, Ontology};
use crate::analysis::pattern::{Searched, compile_patterns};
use crate::analysis::tag::{Polarity, Tag};
use crate::base::error::{Error, Location, Problem, Result, line_of, toml_problem};

use super::lexicon::{Cue, CueKind, ExceptionKind, ExceptionRule};
use super::sequence::Sequence;
use super::vocabulary::{ConceptSlot, expand};
use super::{DEFAULT_RULES, DEFAULT_RULES_NAME, Rule};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDef {
    #[allow(dead_code)]
    version: Option<u32>,
    /// The format before negation became a list of cues: named so that its error can say what changed.
    polarity: Option<Spanned<toml::Value>>,
    #[serde(default)]
    negation: Vec<CueDef>,
    #[serde(default)]
    exception: Vec<ExceptionDef>,
    #[serde(default)]
    concept: Vec<ConceptDef>,
    #[serde(default)]
    rule: Vec<RuleDef>,
    grammar: Option<GrammarDef>,
    /// Terms of the other files' concepts that are words of this file's language with another meaning
    /// (French "location" is a rental): dropped from every concept when the file is loaded.
    #[serde(default)]
    false_friends: Vec<String>,
}

impl FileDef {
    /// Whether the file defines nothing at all.
    pub(super) fn is_empty(&self) -> bool {
        self.rule.is_empty()
            && self.negation.is_empty()
            && self.exception.is_empty()
            && self.concept.is_empty()
            && self.grammar.is_none()
            && self.false_friends.is_empty()
    }
}

/// What the files read so far define, and what is wrong with them. Files are read in two passes: the
/// first parses each file and takes its concepts and grammar words, so that the ontology can be
/// compiled; the second validates the rules, cues and exception classes, whose patterns may name the
/// ontology's concepts.
#[derive(Default)]
pub(super) struct Collected<'a> {
    pub rules: Vec<Rule>,
    pub cues: Vec<Cue>,
    pub exceptions: Vec<ExceptionRule>,
    pub concepts: Vec<ConceptSource<'a>>,
    pub grammar: Grammar,
    /// Every file's `false_friends`.
    pub false_friends: Vec<String>,
    pub problems: Vec<Problem>,
    /// The files parsed in the first pass, with what the second pass reads of them.
    parsed: Vec<(&'a str, &'a str, FileDef)>,
    /// Rule ids, and cue and exception-class ids, each with the file that first defined it.
    rule_ids: HashMap<String, String>,
    cue_ids: HashMap<String, String>,
}

impl<'a> Collected<'a> {
    /// The first pass over one file: `name` names it in messages and origins.
    pub(super) fn file(&mut self, name: &'a str, source: &'a str) {
        let mut file: FileDef = match toml::from_str(source) {
            Ok(f) => f,
            Err(e) => {
                self.problems.push(toml_problem(name, source, &e));
                return;
            }
        };
        if let Some(old) = &file.polarity {
            self.problems.push(Problem {
                location: Location::at(name, line_of(source, old.span().start)).with_field("polarity"),
                message: "the `[polarity]` table was replaced in rules format 2 by `[[negation]]` cues \
                          and `[[exception]]` classes; see docs/rules.md, \"Polarity\""
                    .into(),
            });
        }
        self.concepts
            .extend(std::mem::take(&mut file.concept).into_iter().map(|def| ConceptSource {
                def,
                file: name,
                source,
            }));
        self.false_friends.extend(std::mem::take(&mut file.false_friends));
        if let Some(grammar) = file.grammar.take() {
            self.grammar.add(grammar, name, source, &mut self.problems);
        }
        self.parsed.push((name, source, file));
    }

    /// The second pass over every file parsed: cues, exception classes and rules, their patterns with
    /// `ontology`'s concept names expanded.
    pub(super) fn define(&mut self, ontology: &Ontology) {
        for (name, source, file) in std::mem::take(&mut self.parsed) {
            let mut check = Check {
                name,
                source,
                ontology,
                problems: &mut self.problems,
            };
            for def in file.negation {
                if let Some(cue) = compile_cue(def, &mut check, &mut self.cue_ids) {
                    self.cues.push(cue);
                }
            }
            for def in file.exception {
                if let Some(rule) = compile_exception(def, &mut check, &mut self.cue_ids) {
                    self.exceptions.push(rule);
                }
            }
            for def in file.rule {
                if let Some(rule) = compile_rule(def, &mut check, &mut self.rule_ids) {
                    self.rules.push(rule);
                }
            }
        }
    }
}

/// One file being validated in the second pass, and where its problems go.
pub(super) struct Check<'c> {
    name: &'c str,
    source: &'c str,
    ontology: &'c Ontology,
    problems: &'c mut Vec<Problem>,
}

impl Check<'_> {
    fn at(&self, span: std::ops::Range<usize>, field: &str) -> Location {
        Location::at(self.name, line_of(self.source, span.start)).with_field(field)
    }

    fn problem(&mut self, span: std::ops::Range<usize>, field: &str, message: String) {
        let location = self.at(span, field);
        self.problems.push(Problem { location, message });
    }

    /// The concepts of a `before` or `after` list (`recipient:third-parties`).
    fn slots(&mut self, list: &[Spanned<String>], field: &str) -> Vec<ConceptSlot> {
        let mut out = Vec::with_capacity(list.len());
        for name in list {
            match ConceptSlot::resolve(name.get_ref(), self.ontology) {
                Ok(slot) => out.push(slot),
                Err(e) => self.problem(name.span(), field, e.to_string()),
            }
        }
        out
    }

    /// The compiled `sequences` of a rule; each bad one is reported.
    fn sequences(&mut self, list: &[Spanned<String>]) -> Vec<Sequence> {
        let mut out = Vec::with_capacity(list.len());
        for source in list {
            match Sequence::compile(source.get_ref(), self.ontology) {
                Ok(seq) => out.push(seq),
                Err(e) => self.problem(source.span(), "sequences", e.to_string()),
            }
        }
        out
    }

    /// The patterns of `field` with their concept names expanded, each compiled once to report every bad
    /// one. Returns the expanded sources and the regexes of those that compiled.
    fn patterns(&mut self, list: &[Spanned<String>], field: &str) -> (Vec<String>, Vec<Regex>) {
        let mut expanded = Vec::with_capacity(list.len());
        for p in list {
            match expand(p.get_ref(), self.ontology) {
                Ok(e) => expanded.push(Spanned::new(p.span(), e.into_owned())),
                Err(e) => self.problem(p.span(), field, e.to_string()),
            }
        }
        let compiled = compile_patterns(
            &expanded,
            field,
            self.name,
            self.source,
            self.problems,
            Searched::Clauses,
        );
        (expanded.into_iter().map(Spanned::into_inner).collect(), compiled)
    }
}

/// Validates a `[[rule]]`; its patterns are compiled to report every bad one, and compiled for use
/// when the rule set is.
fn compile_rule(def: RuleDef, check: &mut Check<'_>, seen: &mut HashMap<String, String>) -> Option<Rule> {
    let id = def.id.get_ref().clone();
    check_id(&def.id, "rule", check.name, check.source, seen, check.problems);
    let tag = match def.tag.get_ref().parse::<Tag>() {
        Ok(t) => Some(t),
        Err(msg) => {
            check.problem(def.tag.span(), "tag", msg.to_string());
            None
        }
    };
    let polarity = match def.polarity.as_ref().map(|p| p.get_ref().as_str()) {
        None => None,
        Some("positive") => Some(Polarity::Positive),
        Some("negative") => Some(Polarity::Negative),
        Some(other) => {
            let span = def.polarity.as_ref().map(Spanned::span).unwrap_or_default();
            check.problem(
                span,
                "polarity",
                format!("polarity `{other}` must be \"positive\" or \"negative\""),
            );
            None
        }
    };
    if def.patterns.is_empty() && def.sequences.is_empty() {
        check.problem(
            def.id.span(),
            "patterns",
            "a rule needs at least one pattern or sequence".into(),
        );
    }
    let (expanded, regexes) = check.patterns(&def.patterns, "patterns");
    let sequences = check.sequences(&def.sequences);
    let (_, exclude) = check.patterns(&def.exclude, "exclude");
    let (_, antecedent) = check.patterns(&def.antecedent, "antecedent");
    let before = check.slots(&def.before, "before");
    let after = check.slots(&def.after, "after");
    Some(Rule {
        id,
        tag: tag?,
        description: def.description,
        polarity,
        patterns: def.patterns.into_iter().map(Spanned::into_inner).collect(),
        expanded,
        regexes,
        sequence_sources: def.sequences.into_iter().map(Spanned::into_inner).collect(),
        sequences,
        exclude,
        antecedent,
        before,
        after,
        after_within: def.after_within.unwrap_or(0),
        examples: def.examples,
        counter_examples: def.counter_examples,
        origin: check.name.to_string(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CueDef {
    id: Spanned<String>,
    kind: Spanned<String>,
    description: String,
    #[serde(default)]
    words: Vec<Spanned<String>>,
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    counter_examples: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExceptionDef {
    id: Spanned<String>,
    kind: Spanned<String>,
    description: String,
    patterns: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    counter_examples: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleDef {
    id: Spanned<String>,
    tag: Spanned<String>,
    description: String,
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    sequences: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    polarity: Option<Spanned<String>>,
    #[serde(default)]
    antecedent: Vec<Spanned<String>>,
    #[serde(default)]
    before: Vec<Spanned<String>>,
    #[serde(default)]
    after: Vec<Spanned<String>>,
    after_within: Option<usize>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    counter_examples: Vec<String>,
}

/// The cues and exception classes of the embedded default rules, for a rule set whose files give none.
pub(super) fn default_negation(ontology: &Ontology) -> Result<(Vec<Cue>, Vec<ExceptionRule>)> {
    let file: FileDef = toml::from_str(DEFAULT_RULES)
        .map_err(|e| Error::Invalid(vec![toml_problem(DEFAULT_RULES_NAME, DEFAULT_RULES, &e)]))?;
    let (mut seen, mut problems) = (HashMap::new(), Vec::new());
    let mut check = Check {
        name: DEFAULT_RULES_NAME,
        source: DEFAULT_RULES,
        ontology,
        problems: &mut problems,
    };
    let cues = file
        .negation
        .into_iter()
        .filter_map(|d| compile_cue(d, &mut check, &mut seen))
        .collect();
    let exceptions = file
        .exception
        .into_iter()
        .filter_map(|d| compile_exception(d, &mut check, &mut seen))
        .collect();
    if problems.is_empty() {
        Ok((cues, exceptions))
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Checks an id: `[a-z0-9-]+` and not used by another cue or exception class.
pub(super) fn check_id(
    id: &Spanned<String>,
    what: &str,
    name: &str,
    source: &str,
    seen: &mut HashMap<String, String>,
    problems: &mut Vec<Problem>,
) {
    let at = Location::at(name.to_string(), line_of(source, id.span().start)).with_field("id");
    let text = id.get_ref();
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        problems.push(Problem {
            location: at.clone(),
            message: format!("{what} id `{text}` must match [a-z0-9-]+"),
        });
    }
    if let Some(first) = seen.get(text) {
        problems.push(Problem {
            location: at,
            message: format!("duplicate {what} id `{text}` (first defined in {first}); rename one of them"),
        });
    }
    seen.insert(text.clone(), name.to_string());
}

fn compile_cue(def: CueDef, check: &mut Check<'_>, seen: &mut HashMap<String, String>) -> Option<Cue> {
    let (name, source) = (check.name, check.source);
    let at = |span: std::ops::Range<usize>, field: &str| {
        Location::at(name.to_string(), line_of(source, span.start)).with_field(field)
    };
    let problems = &mut *check.problems;
    check_id(&def.id, "negation", name, source, seen, problems);
    let kind = CueKind::ALL.into_iter().find(|k| k.as_str() == def.kind.get_ref());
    if kind.is_none() {
        problems.push(Problem {
            location: at(def.kind.span(), "kind"),
            message: format!(
                "unknown negation kind `{}`; known kinds: {}",
                def.kind.get_ref(),
                CueKind::ALL.map(CueKind::as_str).join(", ")
            ),
        });
    }
    if def.words.is_empty() && def.patterns.is_empty() {
        problems.push(Problem {
            location: at(def.id.span(), "words"),
            message: "a negation cue needs `words` or `patterns`".into(),
        });
    }
    let mut words = Vec::new();
    for w in &def.words {
        let word = w.get_ref().trim().to_lowercase().replace('’', "'");
        if word.is_empty() || word.contains(char::is_whitespace) {
            problems.push(Problem {
                location: at(w.span(), "words"),
                message: format!("`{}` is not one word; put phrases in `patterns`", w.get_ref()),
            });
            continue;
        }
        words.push(word);
    }
    if kind.is_some_and(CueKind::is_anchored) && !words.is_empty() {
        problems.push(Problem {
            location: at(def.kind.span(), "words"),
            message: "`object` and `post` cues are matched right after the practice word: give `patterns` \
                      starting with `^`, not `words`"
                .into(),
        });
    }
    // Cue patterns are about the words of negation, not a practice's parts: no concept names here.
    // `object` and `post` cues run on the words after every practice word: a small cache thrashes there.
    let searched = match kind {
        Some(k) if k.is_anchored() => Searched::Windows,
        _ => Searched::Clauses,
    };
    let patterns = compile_patterns(&def.patterns, "patterns", name, source, problems, searched);
    Some(Cue {
        id: def.id.into_inner(),
        kind: kind?,
        description: def.description,
        words,
        patterns,
        examples: def.examples,
        counter_examples: def.counter_examples,
        origin: name.to_string(),
    })
}

fn compile_exception(
    def: ExceptionDef,
    check: &mut Check<'_>,
    seen: &mut HashMap<String, String>,
) -> Option<ExceptionRule> {
    let (name, source) = (check.name, check.source);
    let problems = &mut *check.problems;
    check_id(&def.id, "exception", name, source, seen, problems);
    let kind = ExceptionKind::ALL
        .into_iter()
        .find(|k| k.as_str() == def.kind.get_ref());
    if kind.is_none() {
        problems.push(Problem {
            location: Location::at(name.to_string(), line_of(source, def.kind.span().start)).with_field("kind"),
            message: format!(
                "unknown exception kind `{}`; known kinds: {}",
                def.kind.get_ref(),
                ExceptionKind::ALL.map(ExceptionKind::as_str).join(", ")
            ),
        });
    }
    if def.patterns.get_ref().is_empty() {
        problems.push(Problem {
            location: Location::at(name.to_string(), line_of(source, def.patterns.span().start)).with_field("patterns"),
            message: "an exception class needs at least one pattern".into(),
        });
    }
    let (_, patterns) = check.patterns(def.patterns.get_ref(), "patterns");
    Some(ExceptionRule {
        id: def.id.into_inner(),
        kind: kind?,
        description: def.description,
        patterns,
        examples: def.examples,
        counter_examples: def.counter_examples,
        origin: name.to_string(),
    })
}
