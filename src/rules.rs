//! Rules: the tagging rules as data (`rules/default.toml`, or `--rules FILE`), their validation and
//! compilation. Tagging itself is the next module up, `tagger`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Error, Location, Problem, Result, line_of, toml_problem};

/// The practices orgcheck tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Tag {
    /// Aggregated, anonymised, de-identified or statistical data.
    Aggregation,
    /// Sharing, disclosing, passing, selling or providing data to others.
    ThirdPartySharing,
    /// Choice and control: opt-out, opt-in, consent, objection, withdrawal.
    OptOut,
    /// Location data: cell site, GPS, where a device or person is.
    Location,
}

impl Tag {
    pub const ALL: [Tag; 4] = [Tag::Aggregation, Tag::ThirdPartySharing, Tag::OptOut, Tag::Location];

    pub fn as_str(self) -> &'static str {
        match self {
            Tag::Aggregation => "aggregation",
            Tag::ThirdPartySharing => "third-party-sharing",
            Tag::OptOut => "opt-out",
            Tag::Location => "location",
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of [`Tag::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tag `{0}`; known tags: {known}", known = Tag::ALL.map(Tag::as_str).join(", "))]
pub struct UnknownTag(pub String);

impl FromStr for Tag {
    type Err = UnknownTag;
    fn from_str(s: &str) -> Result<Self, UnknownTag> {
        Tag::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownTag(s.to_string()))
    }
}

/// Whether a finding affirms a practice ("we may share") or denies it ("we never share").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    Positive,
    Negative,
}

impl Polarity {
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Negative => "negative",
        }
    }
}

// ---- the file format -------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[allow(dead_code)]
    version: Option<u32>,
    polarity: Option<Spanned<LexiconDef>>,
    #[serde(default)]
    rule: Vec<RuleDef>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct LexiconDef {
    negators: Vec<String>,
    filler: Vec<String>,
    #[serde(default)]
    coordinated: Vec<String>,
    #[serde(default)]
    not_negations: Vec<Spanned<String>>,
    #[serde(default)]
    negation_phrases: Vec<Spanned<String>>,
    #[serde(default)]
    conditions: Vec<Spanned<String>>,
    #[serde(default)]
    post_negations: Vec<Spanned<String>>,
    #[serde(default)]
    scope_breaks: Vec<Spanned<String>>,
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
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    /// The file the rule came from.
    pub origin: String,
}

/// The words and patterns that decide polarity.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub negators: HashSet<String>,
    pub filler: HashSet<String>,
    /// Words that are filler only when a coordinator (",", "or", "and", "/") follows them.
    pub coordinated: HashSet<String>,
    pub not_negations: Vec<Regex>,
    /// Phrases that deny as one negator, whatever words they span ("neither we nor our partners",
    /// "at no time will we").
    pub negation_phrases: Vec<Regex>,
    pub conditions: Vec<Regex>,
    pub post_negations: Vec<Regex>,
    pub scope_breaks: Vec<Regex>,
}

/// One compiled pattern and the index of its `t` (practice word) group, if it has one.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub re: Regex,
    pub trigger: Option<usize>,
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
    /// Every pattern and the index of its rule.
    pub(crate) patterns: Vec<(Pattern, usize)>,
}

/// The embedded default rules file.
pub const DEFAULT_RULES: &str = include_str!("../rules/default.toml");
pub const DEFAULT_RULES_NAME: &str = "rules/default.toml";

/// How extra rule files combine with the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Extra rules are added to the defaults.
    Add,
    /// Extra rules replace the defaults.
    Replace,
}

/// A pattern the regex crate refuses, with the useful line of its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad regex: {0}; fix the pattern (Rust regex syntax: https://docs.rs/regex/latest/regex/#syntax)")]
pub struct BadPattern(String);

fn compile_regex(pattern: &str) -> Result<Regex, BadPattern> {
    // A small lazy-DFA cache per pattern: every pattern has one per thread, and the default (megabytes
    // each) took batch tagging past 100 MB with two threads for a few per cent of speed.
    RegexBuilder::new(&ascii_word_boundaries(pattern))
        .case_insensitive(true)
        .dfa_size_limit(128 << 10)
        .build()
        .map_err(|e| regex_message(&e))
}

/// `pattern` with its word boundaries (`\b`, `\B`) made ASCII-only.
///
/// Unicode word boundaries stop the regex crate's lazy DFA at the first non-ASCII byte (a curly quote is
/// enough), and every search then falls back to the much slower PikeVM, where a profile of batch tagging
/// found 77% of the time. Policy text is English; the boundaries that matter sit between
/// ASCII letters and spaces or punctuation, where both kinds agree.
pub(crate) fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The useful line of a regex error ("unclosed group"), without the multi-line caret drawing.
fn regex_message(e: &regex::Error) -> BadPattern {
    let text = e.to_string();
    let reason = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| text.lines().last().unwrap_or("invalid").trim().to_string());
    BadPattern(reason)
}

impl RuleSet {
    /// The default rules.
    pub fn default_rules() -> Result<RuleSet> {
        RuleSet::load(&[(DEFAULT_RULES_NAME.to_string(), DEFAULT_RULES.to_string())])
    }

    /// Loads the defaults plus `extra` files (name, contents), added or replacing.
    pub fn with_files(extra: &[(String, String)], combine: Combine) -> Result<RuleSet> {
        let mut files = Vec::new();
        if combine == Combine::Add || extra.is_empty() {
            files.push((DEFAULT_RULES_NAME.to_string(), DEFAULT_RULES.to_string()));
        }
        files.extend(extra.iter().cloned());
        RuleSet::load(&files)
    }

    /// Parses, validates and compiles rule files in order. A later `[polarity]` table replaces an
    /// earlier one. All problems across all files are reported together.
    pub fn load(files: &[(String, String)]) -> Result<RuleSet> {
        let mut problems = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut lexicon: Option<Lexicon> = None;
        let mut seen: HashMap<String, String> = HashMap::new();
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
            if let Some(lex) = &file.polarity {
                match compile_lexicon(lex.get_ref(), name, source) {
                    Ok(l) => lexicon = Some(l),
                    Err(mut p) => problems.append(&mut p),
                }
            }
            for def in file.rule {
                let id = def.id.get_ref().clone();
                if id.is_empty()
                    || !id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    problems.push(Problem {
                        location: at(def.id.span(), "id"),
                        message: format!("rule id `{id}` must match [a-z0-9-]+"),
                    });
                }
                if let Some(first) = seen.get(&id) {
                    problems.push(Problem {
                        location: at(def.id.span(), "id"),
                        message: format!("duplicate rule id `{id}` (first defined in {first}); rename one of them"),
                    });
                }
                seen.insert(id.clone(), name.clone());
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
                for p in def.patterns.get_ref() {
                    if let Err(msg) = compile_regex(p.get_ref()) {
                        problems.push(Problem {
                            location: at(p.span(), "patterns"),
                            message: msg.to_string(),
                        });
                    }
                }
                let mut exclude = Vec::new();
                for p in &def.exclude {
                    match compile_regex(p.get_ref()) {
                        Ok(r) => exclude.push(r),
                        Err(msg) => problems.push(Problem {
                            location: at(p.span(), "exclude"),
                            message: msg.to_string(),
                        }),
                    }
                }
                if let Some(tag) = tag {
                    rules.push(Rule {
                        id,
                        tag,
                        description: def.description,
                        polarity,
                        patterns: def.patterns.into_inner().into_iter().map(Spanned::into_inner).collect(),
                        exclude,
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
        let lexicon = match lexicon {
            Some(l) => l,
            // A replacing rule file without [polarity] keeps the default negation lexicon.
            None => default_lexicon()?,
        };
        RuleSet::compile(rules, lexicon)
    }

    fn compile(rules: Vec<Rule>, lexicon: Lexicon) -> Result<RuleSet> {
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
                patterns.push((Pattern { re, trigger }, i));
            }
        }
        Ok(RuleSet {
            rules,
            lexicon,
            patterns,
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
        RuleListJson {
            schema_version: crate::report::SCHEMA_VERSION,
            rules,
        }
        .serialize(serializer)
    }
}

fn default_lexicon() -> Result<Lexicon> {
    let file: RuleFile = toml::from_str(DEFAULT_RULES)
        .map_err(|e| Error::Invalid(vec![toml_problem(DEFAULT_RULES_NAME, DEFAULT_RULES, &e)]))?;
    let lex = file
        .polarity
        .ok_or_else(|| Error::invalid(Location::file(DEFAULT_RULES_NAME), "missing [polarity] table"))?;
    compile_lexicon(lex.get_ref(), DEFAULT_RULES_NAME, DEFAULT_RULES).map_err(Error::Invalid)
}

fn compile_lexicon(def: &LexiconDef, name: &str, source: &str) -> Result<Lexicon, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut list = |items: &[Spanned<String>], field: &str| -> Vec<Regex> {
        items
            .iter()
            .filter_map(|p| match compile_regex(p.get_ref()) {
                Ok(r) => Some(r),
                Err(msg) => {
                    problems.push(Problem {
                        location: Location::at(name.to_string(), line_of(source, p.span().start))
                            .with_field(format!("polarity.{field}")),
                        message: msg.to_string(),
                    });
                    None
                }
            })
            .collect()
    };
    let lex = Lexicon {
        negators: def.negators.iter().map(|w| w.to_lowercase()).collect(),
        filler: def.filler.iter().map(|w| w.to_lowercase()).collect(),
        coordinated: def.coordinated.iter().map(|w| w.to_lowercase()).collect(),
        not_negations: list(&def.not_negations, "not_negations"),
        negation_phrases: list(&def.negation_phrases, "negation_phrases"),
        conditions: list(&def.conditions, "conditions"),
        post_negations: list(&def.post_negations, "post_negations"),
        scope_breaks: list(&def.scope_breaks, "scope_breaks"),
    };
    if problems.is_empty() { Ok(lex) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_become_ascii_and_escapes_survive() {
        assert_eq!(ascii_word_boundaries(r"\bshare\B"), r"(?-u:\b)share(?-u:\B)");
        assert_eq!(ascii_word_boundaries(r"a\\b\s\.c\"), r"a\\b\s\.c\");
        let re = compile_regex(r"\bsold\b").unwrap();
        assert!(re.is_match("It’s never sold’ to anyone"));
        assert!(!re.is_match("unsold"));
    }

    fn load(src: &str) -> Result<RuleSet> {
        RuleSet::load(&[("test.toml".into(), src.into())])
    }

    #[test]
    fn default_rules_load_and_cover_every_tag() {
        let rules = RuleSet::default_rules().unwrap();
        for tag in Tag::ALL {
            assert!(rules.rules.iter().any(|r| r.tag == tag), "no rule for {tag}");
        }
        assert!(!rules.lexicon.negators.is_empty());
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
            !replaced.lexicon.negators.is_empty(),
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
