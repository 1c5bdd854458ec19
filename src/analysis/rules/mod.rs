//! Rules: the tagging rules as data (`rules/default.toml`, or `--rules FILE`), their validation and
//! compilation. Tagging itself is the next module up, `tagger`.

use std::collections::HashMap;
use std::fmt;

use regex::Regex;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::analysis::ontology::{ConceptDef, Ontology};
use crate::analysis::pattern::{compile_patterns, compile_regex, regex_message};
use crate::analysis::tag::{Polarity, Tag};
use crate::base::error::{Error, Location, Problem, Result, line_of, toml_problem};

// ---- the file format -------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CueDef {
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
struct ExceptionDef {
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
struct RuleDef {
    id: Spanned<String>,
    tag: Spanned<String>,
    description: String,
    patterns: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    polarity: Option<Spanned<String>>,
    #[serde(default)]
    antecedent: Vec<Spanned<String>>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    counter_examples: Vec<String>,
}

// ---- compiled rules --------------------------------------------------------------------------------

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub tag: Tag,
    pub description: String,
    /// Fixed polarity, when the rule declares one; otherwise negation decides.
    pub polarity: Option<Polarity>,
    pub patterns: Vec<String>,
    pub exclude: Vec<Regex>,
    /// When set, a match counts only if one of these matches earlier in the clause: the noun a pronoun
    /// stands for ("your data … we will never trade *it*").
    pub antecedent: Vec<Regex>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    /// The file the rule came from.
    pub origin: String,
}

/// What a negation cue does; see docs/rules.md, "Polarity".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CueKind {
    /// Denies the practice word it precedes, through filler: "we do *not* share", "*at no time* will we".
    Pre,
    /// Denies every practice word after it up to the end of its scope: "*none of* your details are ever
    /// sold", "*under no circumstances* will the data be sold".
    Forward,
    /// Right after the practice word, denies it by denying its object: "we share *no* data".
    Object,
    /// After the practice, denies it: "selling your data *is prohibited*", "an opt-out *is not available*".
    Post,
    /// Looks like a negation and negates nothing: "*not only*", "*not limited to*", "*no later than*".
    Pseudo,
    /// Words a denial reaches through: auxiliaries' neighbours, adverbs, verbs of a list, frames such as
    /// "in the business of".
    Filler,
    /// Filler that cannot continue a list: "identifiable, and *may* be shared" ends the list there.
    Auxiliary,
    /// Ends a negation's scope: "which", "while".
    Terminator,
    /// Starts a new clause (", and we"): ends a negation's scope, and rule patterns do not cross it.
    Clause,
    /// Ends a negation's scope and starts an exception to the denial: "except", "unless", "without your
    /// consent". The denial stands; the exception is reported with it.
    Exception,
    /// Cuts the clause: negation, exceptions and rule patterns never cross it ("but", "however", ";").
    Break,
}

impl CueKind {
    pub const ALL: [CueKind; 11] = [
        CueKind::Pre,
        CueKind::Forward,
        CueKind::Object,
        CueKind::Post,
        CueKind::Pseudo,
        CueKind::Filler,
        CueKind::Auxiliary,
        CueKind::Terminator,
        CueKind::Clause,
        CueKind::Exception,
        CueKind::Break,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CueKind::Pre => "pre",
            CueKind::Forward => "forward",
            CueKind::Object => "object",
            CueKind::Post => "post",
            CueKind::Pseudo => "pseudo",
            CueKind::Filler => "filler",
            CueKind::Auxiliary => "auxiliary",
            CueKind::Terminator => "terminator",
            CueKind::Clause => "clause",
            CueKind::Exception => "exception",
            CueKind::Break => "break",
        }
    }

    /// The kinds whose phrases mark a clause's words, in the order the marks are applied: a later kind
    /// overrides an earlier one where both match ("not limited to" is pseudo although "not" is a negator,
    /// "without your consent" an exception although "without" is one).
    pub const MARK_ORDER: [CueKind; 9] = [
        CueKind::Filler,
        CueKind::Auxiliary,
        CueKind::Pre,
        CueKind::Forward,
        CueKind::Terminator,
        CueKind::Clause,
        CueKind::Exception,
        CueKind::Break,
        CueKind::Pseudo,
    ];

    /// Kinds whose patterns are matched right after a practice word rather than over the clause.
    pub fn is_anchored(self) -> bool {
        matches!(self, CueKind::Object | CueKind::Post)
    }
}

/// One negation cue as declared in a rules file (`[[negation]]`).
#[derive(Debug, Clone)]
pub struct Cue {
    pub id: String,
    pub kind: CueKind,
    pub description: String,
    /// Single words, matched case-insensitively against whole tokens; `*ly` matches words ending in "ly"
    /// and `n'*` words starting with "n'", each with a stem of at least three letters.
    pub words: Vec<String>,
    pub patterns: Vec<Regex>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    pub origin: String,
}

/// What an exception to a denial lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExceptionKind {
    /// Processors, contractors and suppliers acting on the company's behalf.
    ServiceProviders,
    /// Affiliates, subsidiaries and other companies of the same group.
    GroupCompanies,
    /// What the law, a court or an authority requires.
    Legal,
    /// What the customer agrees to or asks for.
    Consent,
    /// A buyer or successor in a merger, acquisition or sale of the business.
    BusinessTransfer,
    /// Anything else ("except as described in this policy").
    Other,
}

impl ExceptionKind {
    pub const ALL: [ExceptionKind; 6] = [
        ExceptionKind::ServiceProviders,
        ExceptionKind::GroupCompanies,
        ExceptionKind::Legal,
        ExceptionKind::Consent,
        ExceptionKind::BusinessTransfer,
        ExceptionKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionKind::ServiceProviders => "service-providers",
            ExceptionKind::GroupCompanies => "group-companies",
            ExceptionKind::Legal => "legal",
            ExceptionKind::Consent => "consent",
            ExceptionKind::BusinessTransfer => "business-transfer",
            ExceptionKind::Other => "other",
        }
    }
}

impl fmt::Display for ExceptionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an exception's words are classified (`[[exception]]`).
#[derive(Debug, Clone)]
pub struct ExceptionRule {
    pub id: String,
    pub kind: ExceptionKind,
    pub description: String,
    pub patterns: Vec<Regex>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    pub origin: String,
}

/// The negation cues and exception classes of all loaded files, with the lookups the tagger needs.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub cues: Vec<Cue>,
    pub exceptions: Vec<ExceptionRule>,
    /// Whole-word cues: the lower-cased word and the index of its cue.
    /// Fx-hashed: looked up for every word of every clause with a finding, and its keys are the rules'.
    pub(crate) words: rustc_hash::FxHashMap<String, usize>,
    /// `*suffix` and `prefix*` cues.
    pub(crate) suffixes: Vec<(String, usize)>,
    pub(crate) prefixes: Vec<(String, usize)>,
    /// The phrase cues matched over a whole clause (all kinds but `object` and `post`), in the order
    /// their marks are applied, as (cue index, pattern).
    pub(crate) phrases: Vec<(usize, Regex)>,
    /// All of `phrases` at once: one pass over a clause says which of them can match at all.
    pub(crate) phrase_set: regex::RegexSet,
}

impl Lexicon {
    /// The exception kinds whose patterns match `text`, in order; empty when none does.
    pub fn exception_kinds(&self, text: &str) -> Vec<ExceptionKind> {
        let mut kinds: Vec<ExceptionKind> = self
            .exceptions
            .iter()
            .filter(|e| e.patterns.iter().any(|re| re.is_match(text)))
            .map(|e| e.kind)
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// The cue a token (already lower-cased, `’` as `'`) is, if any.
    pub(crate) fn word(&self, token: &str) -> Option<usize> {
        // An affix needs a stem of three bytes or more: "*ly" is "currently" but not "only".
        let long_enough = |affix: &str| token.len() >= affix.len() + 3;
        self.words.get(token).copied().or_else(|| {
            let suffix = self
                .suffixes
                .iter()
                .find(|(s, _)| long_enough(s) && token.ends_with(s.as_str()));
            let prefix = || {
                self.prefixes
                    .iter()
                    .find(|(p, _)| long_enough(p) && token.starts_with(p.as_str()))
            };
            suffix.or_else(prefix).map(|&(_, i)| i)
        })
    }
}

/// One compiled pattern and the index of its `t` (practice word) group, if it has one.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub re: Regex,
    pub trigger: Option<usize>,
    /// Decides which clauses `re` runs on, when `re` has long bounded gaps (see [`crate::analysis::pattern::Gate`]).
    pub gate: Option<crate::analysis::pattern::Gate>,
}

/// A validated, compiled rule set: the rules and every pattern compiled once.
///
/// Patterns are matched one by one, each with its own literal prefilter and lazy DFA. One `RegexSet`
/// over all of them was tried first: its automaton is so large (long bounded gaps such as
/// `[^.;:!?]{0,200}`) that the lazy DFA thrashed its cache and searches fell back to the PikeVM, which
/// dominated a profile of batch tagging. Separate regexes give the same findings without that.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub lexicon: Lexicon,
    /// The concepts a practice is read with (`rules/ontology.toml` and any added).
    pub ontology: Ontology,
    /// Every pattern and the index of its rule.
    pub(crate) patterns: Vec<(Pattern, usize)>,
    /// Which of `patterns` can match a clause at all, in one pass.
    pub(crate) prefilter: crate::analysis::pattern::Prefilter,
    /// Which of the rules' `exclude` and `antecedent` patterns can match a clause at all: rule by rule,
    /// the exclusions and then the antecedents, in order.
    pub(crate) context_prefilter: crate::analysis::pattern::Prefilter,
    /// Per rule, the index of its first `exclude` pattern in `context_prefilter`.
    pub(crate) context_start: Vec<usize>,
    /// The [`crate::analysis::pattern::Gate`] of each context pattern, in `context_prefilter`'s order.
    pub(crate) context_gates: Vec<Option<crate::analysis::pattern::Gate>>,
}

/// The embedded default rules file.
pub const DEFAULT_RULES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/default.toml"));
pub const DEFAULT_RULES_NAME: &str = "rules/default.toml";

/// The embedded ontology: the concepts of actions, data, recipients and purposes.
pub const ONTOLOGY: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/ontology.toml"));
pub const ONTOLOGY_NAME: &str = "rules/ontology.toml";

/// The default files: the rules and the ontology.
fn default_files() -> Vec<(String, String)> {
    vec![
        (DEFAULT_RULES_NAME.to_string(), DEFAULT_RULES.to_string()),
        (ONTOLOGY_NAME.to_string(), ONTOLOGY.to_string()),
    ]
}

/// Rules for languages other than English, embedded and added with `--lang`: code, file name, source.
/// English is the scope of the default rules; these cover the common denials of sharing in each language
/// (docs/rules.md, "Other languages").
pub const LANGUAGE_PACKS: &[(&str, &str, &str)] = &[
    (
        "de",
        "rules/lang/de.toml",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lang/de.toml")),
    ),
    (
        "fr",
        "rules/lang/fr.toml",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lang/fr.toml")),
    ),
];

/// The embedded rules file for a language code (`de`), as (name, source).
pub fn language_pack(code: &str) -> Option<(String, String)> {
    LANGUAGE_PACKS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, name, source)| (name.to_string(), source.to_string()))
}

/// How extra rule files combine with the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Extra rules are added to the defaults.
    Add,
    /// Extra rules replace the defaults.
    Replace,
}

impl RuleSet {
    /// The default rules.
    pub fn default_rules() -> Result<RuleSet> {
        RuleSet::load(&default_files())
    }

    /// Loads the defaults plus `extra` files (name, contents), added or replacing. A user's file must
    /// do something (a file without rules, cues, exception classes or concepts is refused, and so is
    /// replacing the defaults with no rules at all), and its rules must keep their word: each example
    /// tagged, no counter-example tagged by the rule.
    pub fn with_files(extra: &[(String, String)], combine: Combine) -> Result<RuleSet> {
        let mut files = Vec::new();
        if combine == Combine::Add || extra.is_empty() {
            files.extend(default_files());
        }
        files.extend(extra.iter().cloned());
        let rules = RuleSet::load(&files)?;
        let mut problems = Vec::new();
        for (name, source) in extra {
            let empty = toml::from_str::<RuleFile>(source).is_ok_and(|f| {
                f.rule.is_empty() && f.negation.is_empty() && f.exception.is_empty() && f.concept.is_empty()
            });
            if empty {
                problems.push(Problem {
                    location: Location::file(name.clone()),
                    message: "defines nothing: no [[rule]], [[negation]], [[exception]] or [[concept]] tables \
                              (see docs/rules.md)"
                        .into(),
                });
            }
            problems.extend(rules.example_problems(name));
        }
        if combine == Combine::Replace && !extra.is_empty() && rules.rules.is_empty() && problems.is_empty() {
            problems.push(Problem {
                location: Location::file(extra.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")),
                message: "no [[rule]] tables: with --replace-rules these files are all the rules, so nothing \
                          would ever be tagged; add rules, or drop --replace-rules to add to the defaults"
                    .into(),
            });
        }
        match problems.is_empty() {
            true => Ok(rules),
            false => Err(Error::Invalid(problems)),
        }
    }

    /// Parses, validates and compiles rule files in order. A later `[polarity]` table replaces an
    /// earlier one. All problems across all files are reported together.
    pub fn load(files: &[(String, String)]) -> Result<RuleSet> {
        let mut problems = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut cues: Vec<Cue> = Vec::new();
        let mut exceptions: Vec<ExceptionRule> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut seen_cues: HashMap<String, String> = HashMap::new();
        let mut concepts = Vec::new();
        for (name, source) in files {
            let file: RuleFile = match toml::from_str(source) {
                Ok(f) => f,
                Err(e) => {
                    problems.push(toml_problem(name, source, &e));
                    continue;
                }
            };
            let at = |span: std::ops::Range<usize>, field: &str| {
                Location::at(name.clone(), line_of(source, span.start)).with_field(field)
            };
            if let Some(old) = &file.polarity {
                problems.push(Problem {
                    location: at(old.span(), "polarity"),
                    message: "the `[polarity]` table was replaced in rules format 2 by `[[negation]]` cues \
                              and `[[exception]]` classes; see docs/rules.md, \"Polarity\""
                        .into(),
                });
            }
            for def in file.negation {
                if let Some(cue) = compile_cue(def, name, source, &mut seen_cues, &mut problems) {
                    cues.push(cue);
                }
            }
            for def in file.exception {
                if let Some(rule) = compile_exception(def, name, source, &mut seen_cues, &mut problems) {
                    exceptions.push(rule);
                }
            }
            concepts.extend(file.concept.into_iter().map(|d| (d, name.clone(), source.clone())));
            for def in file.rule {
                let id = def.id.get_ref().clone();
                check_id(&def.id, "rule", name, source, &mut seen, &mut problems);
                let tag = match def.tag.get_ref().parse::<Tag>() {
                    Ok(t) => Some(t),
                    Err(msg) => {
                        problems.push(Problem {
                            location: at(def.tag.span(), "tag"),
                            message: msg.to_string(),
                        });
                        None
                    }
                };
                let polarity = match def.polarity.as_ref().map(|p| p.get_ref().as_str()) {
                    None => None,
                    Some("positive") => Some(Polarity::Positive),
                    Some("negative") => Some(Polarity::Negative),
                    Some(other) => {
                        let span = def.polarity.as_ref().map(Spanned::span).unwrap_or_default();
                        problems.push(Problem {
                            location: at(span, "polarity"),
                            message: format!("polarity `{other}` must be \"positive\" or \"negative\""),
                        });
                        None
                    }
                };
                if def.patterns.get_ref().is_empty() {
                    problems.push(Problem {
                        location: at(def.patterns.span(), "patterns"),
                        message: "a rule needs at least one pattern".into(),
                    });
                }
                // Checked here so that every bad pattern is reported; compiled again in `compile`.
                compile_patterns(def.patterns.get_ref(), "patterns", name, source, &mut problems);
                let exclude = compile_patterns(&def.exclude, "exclude", name, source, &mut problems);
                let antecedent = compile_patterns(&def.antecedent, "antecedent", name, source, &mut problems);
                if let Some(tag) = tag {
                    rules.push(Rule {
                        id,
                        tag,
                        description: def.description,
                        polarity,
                        patterns: def.patterns.into_inner().into_iter().map(Spanned::into_inner).collect(),
                        exclude,
                        antecedent,
                        examples: def.examples,
                        counter_examples: def.counter_examples,
                        origin: name.clone(),
                    });
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        // A replacing rule file without negation cues or exception classes keeps the default ones.
        if cues.is_empty() || exceptions.is_empty() {
            let (default_cues, default_exceptions) = default_negation()?;
            if cues.is_empty() {
                cues = default_cues;
            }
            if exceptions.is_empty() {
                exceptions = default_exceptions;
            }
        }
        let lexicon = Lexicon::new(cues, exceptions)?;
        // A replacing rule file without concepts keeps the default ontology.
        if concepts.is_empty() {
            let file: RuleFile = toml::from_str(ONTOLOGY)
                .map_err(|e| Error::Invalid(vec![toml_problem(ONTOLOGY_NAME, ONTOLOGY, &e)]))?;
            concepts = file
                .concept
                .into_iter()
                .map(|d| (d, ONTOLOGY_NAME.to_string(), ONTOLOGY.to_string()))
                .collect();
        }
        let ontology = Ontology::compile(concepts)?;
        RuleSet::compile(rules, lexicon, ontology)
    }

    fn compile(rules: Vec<Rule>, lexicon: Lexicon, ontology: Ontology) -> Result<RuleSet> {
        let mut patterns = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            for p in &rule.patterns {
                let re = compile_regex(p).map_err(|m| {
                    Error::invalid(
                        Location::file(rule.origin.clone()).with_field("patterns"),
                        m.to_string(),
                    )
                })?;
                let trigger = re.capture_names().position(|n| n == Some("t"));
                let gate = crate::analysis::pattern::Gate::new(p);
                patterns.push((Pattern { re, trigger, gate }, i));
            }
        }
        let sources: Vec<&str> = rules
            .iter()
            .flat_map(|r| r.patterns.iter().map(String::as_str))
            .collect();
        let prefilter = crate::analysis::pattern::Prefilter::new(&sources);
        let context: Vec<&str> = rules
            .iter()
            .flat_map(|r| r.exclude.iter().chain(&r.antecedent).map(Regex::as_str))
            .collect();
        let context_prefilter = crate::analysis::pattern::Prefilter::new(&context);
        let context_gates = context.iter().map(|p| crate::analysis::pattern::Gate::new(p)).collect();
        let context_start = rules
            .iter()
            .scan(0, |next, r| {
                let start = *next;
                *next += r.exclude.len() + r.antecedent.len();
                Some(start)
            })
            .collect();
        Ok(RuleSet {
            rules,
            lexicon,
            ontology,
            patterns,
            prefilter,
            context_prefilter,
            context_start,
            context_gates,
        })
    }

    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }
}

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

/// The cues and exception classes of the embedded default rules.
fn default_negation() -> Result<(Vec<Cue>, Vec<ExceptionRule>)> {
    let file: RuleFile = toml::from_str(DEFAULT_RULES)
        .map_err(|e| Error::Invalid(vec![toml_problem(DEFAULT_RULES_NAME, DEFAULT_RULES, &e)]))?;
    let (mut seen, mut problems) = (HashMap::new(), Vec::new());
    let cues = file
        .negation
        .into_iter()
        .filter_map(|d| compile_cue(d, DEFAULT_RULES_NAME, DEFAULT_RULES, &mut seen, &mut problems))
        .collect();
    let exceptions = file
        .exception
        .into_iter()
        .filter_map(|d| compile_exception(d, DEFAULT_RULES_NAME, DEFAULT_RULES, &mut seen, &mut problems))
        .collect();
    if problems.is_empty() {
        Ok((cues, exceptions))
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Checks an id: `[a-z0-9-]+` and not used by another cue or exception class.
fn check_id(
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

fn compile_cue(
    def: CueDef,
    name: &str,
    source: &str,
    seen: &mut HashMap<String, String>,
    problems: &mut Vec<Problem>,
) -> Option<Cue> {
    let at = |span: std::ops::Range<usize>, field: &str| {
        Location::at(name.to_string(), line_of(source, span.start)).with_field(field)
    };
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
    let patterns = compile_patterns(&def.patterns, "patterns", name, source, problems);
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
    name: &str,
    source: &str,
    seen: &mut HashMap<String, String>,
    problems: &mut Vec<Problem>,
) -> Option<ExceptionRule> {
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
    let patterns = compile_patterns(def.patterns.get_ref(), "patterns", name, source, problems);
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

impl Lexicon {
    /// Indexes the cues' words. A word given by two cues is an error: its meaning would depend on
    /// which file was loaded first.
    fn new(cues: Vec<Cue>, exceptions: Vec<ExceptionRule>) -> Result<Lexicon> {
        let mut words: rustc_hash::FxHashMap<String, usize> = Default::default();
        let (mut suffixes, mut prefixes) = (Vec::new(), Vec::new());
        let mut problems = Vec::new();
        for (i, cue) in cues.iter().enumerate() {
            for w in &cue.words {
                if let Some(suffix) = w.strip_prefix('*') {
                    suffixes.push((suffix.to_string(), i));
                } else if let Some(prefix) = w.strip_suffix('*') {
                    prefixes.push((prefix.to_string(), i));
                } else if let Some(&other) = words.get(w) {
                    problems.push(Problem {
                        location: Location::file(cue.origin.clone()).with_field("words"),
                        message: format!(
                            "the word `{w}` is in negation cue `{}` and in `{}` ({}); keep it in one",
                            cue.id, cues[other].id, cues[other].origin
                        ),
                    });
                } else {
                    words.insert(w.clone(), i);
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let mut phrases: Vec<(usize, Regex)> = Vec::new();
        for kind in CueKind::MARK_ORDER {
            for (i, cue) in cues.iter().enumerate().filter(|(_, c)| c.kind == kind) {
                phrases.extend(cue.patterns.iter().map(|re| (i, re.clone())));
            }
        }
        let phrase_set = regex::RegexSetBuilder::new(phrases.iter().map(|(_, re)| re.as_str()))
            .case_insensitive(true)
            .build()
            .map_err(|e| Error::invalid(Location::file("negation cues"), regex_message(&e).to_string()))?;
        Ok(Lexicon {
            cues,
            exceptions,
            words,
            suffixes,
            prefixes,
            phrases,
            phrase_set,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(src: &str) -> Result<RuleSet> {
        RuleSet::load(&[("test.toml".into(), src.into())])
    }

    #[test]
    fn default_rules_load_and_cover_every_tag() {
        let rules = RuleSet::default_rules().unwrap();
        for tag in Tag::ALL {
            assert!(rules.rules.iter().any(|r| r.tag == tag), "no rule for {tag}");
        }
        assert!(!rules.lexicon.cues.is_empty());
    }

    #[test]
    fn bad_regex_names_file_line_and_reason() {
        let err = load("[[rule]]\nid = \"x\"\ntag = \"location\"\ndescription = \"d\"\npatterns = ['(unclosed']\n")
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("test.toml:5: field `patterns`: bad regex: unclosed group"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_tag_and_duplicate_id_are_errors() {
        let src = "[[rule]]\nid = \"a\"\ntag = \"telepathy\"\ndescription = \"d\"\npatterns = ['x']\n\
                   [[rule]]\nid = \"b\"\ntag = \"location\"\ndescription = \"d\"\npatterns = ['x']\n\
                   [[rule]]\nid = \"b\"\ntag = \"location\"\ndescription = \"d\"\npatterns = ['y']\n";
        let msg = load(src).unwrap_err().to_string();
        assert!(
            msg.contains("test.toml:3: field `tag`: unknown tag `telepathy`"),
            "{msg}"
        );
        assert!(msg.contains("test.toml:12: field `id`: duplicate rule id `b`"), "{msg}");
    }

    #[test]
    fn unknown_field_is_an_error_with_line() {
        let msg =
            load("[[rule]]\nid = \"a\"\ntag = \"location\"\ndescription = \"d\"\npatterns = ['x']\npatern = 'y'\n")
                .unwrap_err()
                .to_string();
        assert!(msg.starts_with("test.toml:6:"), "{msg}");
        assert!(msg.contains("patern"), "{msg}");
    }

    #[test]
    fn bad_negation_cues_are_named_errors() {
        let msg = load("[polarity]\nnegators = [\"not\"]\n").unwrap_err().to_string();
        assert!(
            msg.starts_with("test.toml:1: field `polarity`: the `[polarity]` table was replaced"),
            "{msg}"
        );
        let cue = |kind: &str, words: &str| {
            format!("[[negation]]\nid = \"c\"\nkind = \"{kind}\"\ndescription = \"d\"\nwords = [{words}]\n")
        };
        let msg = load(&cue("sideways", "\"x\"")).unwrap_err().to_string();
        assert!(
            msg.contains("test.toml:3: field `kind`: unknown negation kind `sideways`"),
            "{msg}"
        );
        let msg = load(&cue("pre", "\"no way\"")).unwrap_err().to_string();
        assert!(
            msg.contains("`no way` is not one word; put phrases in `patterns`"),
            "{msg}"
        );
        let msg = load(&cue("post", "\"x\"")).unwrap_err().to_string();
        assert!(msg.contains("give `patterns`"), "{msg}");
        // Added to the defaults, a word the default cues already have is ambiguous.
        let extra = vec![("mine.toml".to_string(), cue("pre", "\"never\""))];
        let msg = RuleSet::with_files(&extra, Combine::Add).unwrap_err().to_string();
        assert!(
            msg.contains("the word `never` is in negation cue `c` and in `negators`"),
            "{msg}"
        );
    }

    #[test]
    fn extra_rules_add_or_replace() {
        let extra = vec![(
            "mine.toml".to_string(),
            "[[rule]]\nid = \"mine\"\ntag = \"location\"\ndescription = \"d\"\npatterns = ['postcode']\n".to_string(),
        )];
        let added = RuleSet::with_files(&extra, Combine::Add).unwrap();
        let replaced = RuleSet::with_files(&extra, Combine::Replace).unwrap();
        let defaults = RuleSet::default_rules().unwrap().rules.len();
        assert_eq!(added.rules.len(), defaults + 1);
        assert_eq!(replaced.rules.len(), 1);
        assert!(
            !replaced.lexicon.cues.is_empty(),
            "replacing rules keep the default lexicon"
        );
    }

    #[test]
    fn adding_a_default_id_again_is_a_duplicate() {
        let extra = vec![(
            "mine.toml".to_string(),
            "[[rule]]\nid = \"location-data\"\ntag = \"location\"\ndescription = \"d\"\npatterns = ['x']\n".to_string(),
        )];
        let msg = RuleSet::with_files(&extra, Combine::Add).unwrap_err().to_string();
        assert!(
            msg.contains("duplicate rule id `location-data` (first defined in rules/default.toml)"),
            "{msg}"
        );
    }
}
