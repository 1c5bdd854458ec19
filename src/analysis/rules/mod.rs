//! Rules: the tagging rules as data (`rules/default.toml`, the `--lang` packs, `--rules FILE`), loaded,
//! validated and compiled once into a [`RuleSet`]. `file.rs` is the TOML format and its validation,
//! `lexicon.rs` the negation cues and exception classes, `list.rs` the listing of `orgcheck rules`.
//! Tagging itself (`RuleSet::findings`) is the tagger's, the module that stands on this one.

mod file;
mod lexicon;
mod languages;
mod list;
mod vocabulary;
mod sequence;

use std::collections::HashMap;

use regex::Regex;

use crate::analysis::ontology::Ontology;
use crate::analysis::tag::{Polarity, Tag};
use crate::base::error::{Error, Location, Problem, Result};

pub use languages::Reader;
pub use lexicon::{Cue, CueKind, ExceptionKind, ExceptionRule, Lexicon};
pub use list::RuleList;
pub(crate) use sequence::{RequiredSteps, Words};
pub use sequence::{Sequence, SequenceError};
pub use vocabulary::{ConceptSlot, VocabularyError};

use file::{Collected, FileDef, default_negation};

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub tag: Tag,
    pub description: String,
    /// Fixed polarity, when the rule declares one; otherwise negation decides.
    pub polarity: Option<Polarity>,
    /// The patterns as written, concept names (`{recipient}`) and all.
    pub patterns: Vec<String>,
    /// The patterns as compiled: each concept name replaced by its terms.
    pub expanded: Vec<String>,
    /// `expanded` compiled, once, when the file was checked: compiling is most of loading the rules.
    pub(crate) regexes: Vec<Regex>,
    /// The sequences as written (`<{action:disclose}> … to|with … {recipient}`).
    pub sequence_sources: Vec<String>,
    /// The sequences as compiled, matched over the clause's words and terms.
    pub sequences: Vec<Sequence>,
    pub exclude: Vec<Regex>,
    /// When set, a match counts only if one of these matches earlier in the clause: the noun a pronoun
    /// stands for ("your data … we will never trade *it*").
    pub antecedent: Vec<Regex>,
    /// When set, a match counts only if a term of one of these concepts ends right before it, with only
    /// spacing between: the subject of the practice ("*third parties* may collect").
    pub before: Vec<ConceptSlot>,
    /// When set, a match counts only if a term of one of these concepts starts right after it (within
    /// [`Rule::after_within`] bytes, in the same sentence) or runs across its end: the recipient ("share
    /// your data with | *advertisers*").
    pub after: Vec<ConceptSlot>,
    pub after_within: usize,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    /// The file the rule came from.
    pub origin: String,
}

/// Makes every `exclude` and `antecedent` pattern that repeats an earlier one (several rules exclude the
/// same words) a clone of the first: the clone shares its compiled program, so the automaton is held once.
fn share_context_patterns(rules: &mut [Rule]) {
    let mut first: HashMap<String, Regex> = HashMap::new();
    for rule in rules.iter_mut() {
        for re in rule.exclude.iter_mut().chain(rule.antecedent.iter_mut()) {
            match first.get(re.as_str()) {
                Some(earlier) => *re = earlier.clone(),
                None => {
                    first.insert(re.as_str().to_string(), re.clone());
                }
            }
        }
    }
}

/// See [`RuleSet::sequence_gate`].
fn sequence_gate(rules: &[Rule], sequenced: &[(usize, usize)], o: &Ontology) -> Option<aho_corasick::AhoCorasick> {
    let mut words: Vec<String> = Vec::new();
    for &(r, k) in sequenced {
        let sequence = &rules[r].sequences[k];
        let concepts = (sequence.required().iter()).filter_map(|slot| o.first_words(|c| slot.may_hold(o, c)));
        let steps = sequence.required_words().map(<[String]>::to_vec);
        // Every sequence has a step that must match, so one of the two gives words.
        let fewest = concepts.chain(steps).min_by_key(Vec::len)?;
        words.extend(fewest);
    }
    if words.is_empty() {
        return None;
    }
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&words)
        .ok()
}

impl Rule {
    /// Whether the rule names concepts `before` or `after` its matches.
    pub fn has_slots(&self) -> bool {
        !self.before.is_empty() || !self.after.is_empty()
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

/// A validated, compiled rule set: the rules and every pattern compiled once. Tagging a text with it
/// is [`RuleSet::findings`], which the tagger (`analysis/tagger/`) implements.
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
    /// Every sequence, as the index of its rule and its index in the rule.
    pub(crate) sequenced: Vec<(usize, usize)>,
    /// Words one of which every clause a sequence can match contains (as part of a word, ignoring
    /// case): for each sequence, the first words of its needed concept with the fewest terms, or the
    /// words of a needed word step (`access`, `to|with`) when those are fewer. A clause without any is not
    /// searched for terms on the sequences' account. `None`: always searched.
    pub(crate) sequence_gate: Option<aho_corasick::AhoCorasick>,
    /// The word steps each of `sequenced` needs, by word.
    pub(crate) required_steps: RequiredSteps,
    /// Which of `patterns`, and then of the context patterns, can match a clause at all, in one pass
    /// over the clause. The context patterns are the rules' `exclude` and `antecedent` patterns: rule by
    /// rule, the exclusions and then the antecedents, in order, from `context_offset` on.
    pub(crate) prefilter: crate::analysis::pattern::Prefilter,
    pub(crate) context_offset: usize,
    /// Per rule, the index of its first `exclude` pattern among the context patterns.
    pub(crate) context_start: Vec<usize>,
    /// The [`crate::analysis::pattern::Gate`] of each context pattern, in their order; a
    /// pattern met before (`context_same`) has none of its own and is asked through the first one's.
    pub(crate) context_gates: Vec<Option<crate::analysis::pattern::Gate>>,
    /// Per context pattern, the first index of the same pattern: several rules exclude the same words
    /// ("shared … to servers"), and their matches in a clause are found once.
    pub(crate) context_same: Vec<usize>,
    /// Every `disclaimers` phrase of the grammar, found in a clause in one pass (ASCII case ignored).
    pub(crate) disclaimer_finder: Option<aho_corasick::AhoCorasick>,
    /// Which rules read which language (`rules/languages.rs`).
    pub(crate) languages: languages::Languages,
}

/// The embedded default rules file.
pub const DEFAULT_RULES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/default.toml"));
pub const DEFAULT_RULES_NAME: &str = "rules/default.toml";

/// The embedded ontology: the concepts of actions, data, recipients and purposes.
pub const ONTOLOGY: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/ontology.toml"));
pub const ONTOLOGY_NAME: &str = "rules/ontology.toml";

/// A rules file: its name (in messages and `origin`) and its TOML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesFile {
    pub name: String,
    pub source: String,
}

impl RulesFile {
    pub fn new(name: impl Into<String>, source: impl Into<String>) -> RulesFile {
        RulesFile {
            name: name.into(),
            source: source.into(),
        }
    }
}

/// The default files: the rules and the ontology.
fn default_files() -> Vec<RulesFile> {
    vec![
        RulesFile::new(DEFAULT_RULES_NAME, DEFAULT_RULES),
        RulesFile::new(ONTOLOGY_NAME, ONTOLOGY),
    ]
}

/// Rules for a language other than English, embedded and added with `--lang`.
#[derive(Debug, Clone, Copy)]
pub struct LanguagePack {
    /// The language code: `de`.
    pub code: &'static str,
    /// The file's name: `rules/lang/de.toml`.
    pub name: &'static str,
    pub source: &'static str,
}

/// The embedded language packs. English is the scope of the default rules; these cover the common
/// denials of sharing in each language (docs/rules.md, "Other languages").
pub const LANGUAGE_PACKS: &[LanguagePack] = &[
    LanguagePack {
        code: "de",
        name: "rules/lang/de.toml",
        source: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lang/de.toml")),
    },
    LanguagePack {
        code: "fr",
        name: "rules/lang/fr.toml",
        source: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lang/fr.toml")),
    },
    LanguagePack {
        code: "es",
        name: "rules/lang/es.toml",
        source: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lang/es.toml")),
    },
    LanguagePack {
        code: "it",
        name: "rules/lang/it.toml",
        source: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lang/it.toml")),
    },
];

/// The embedded rules file for a language code (`de`).
pub fn language_pack(code: &str) -> Option<RulesFile> {
    LANGUAGE_PACKS
        .iter()
        .find(|p| p.code == code)
        .map(|p| RulesFile::new(p.name, p.source))
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

    /// Loads the defaults plus `extra` files, added or replacing. A user's file must do something (a
    /// file without rules, cues, exception classes, concepts or grammar words is refused, and so is
    /// replacing the defaults with no rules at all), and its rules must keep their word: each example
    /// tagged, no counter-example tagged by the rule.
    pub fn with_files(extra: &[RulesFile], combine: Combine) -> Result<RuleSet> {
        let mut files = Vec::new();
        if combine == Combine::Add || extra.is_empty() {
            files.extend(default_files());
        }
        files.extend(extra.iter().cloned());
        let mut rules = RuleSet::load(&files)?;
        if combine == Combine::Replace && !extra.is_empty() {
            rules = rules.fixed();
        }
        let mut problems = Vec::new();
        for file in extra {
            if toml::from_str::<FileDef>(&file.source).is_ok_and(|f| f.is_empty()) {
                problems.push(Problem {
                    location: Location::file(file.name.clone()),
                    message: "defines nothing: no [[rule]], [[negation]], [[exception]] or [[concept]] tables \
                              and no [grammar] (see docs/rules.md)"
                        .into(),
                });
            }
            problems.extend(rules.example_problems(&file.name));
        }
        // With a pack among the files the set reads one language (`--lang`), so no other is built.
        let has_pack = extra.iter().any(|f| LANGUAGE_PACKS.iter().any(|p| p.name == f.name));
        if has_pack {
            rules = rules.fixed();
        }
        if !extra.is_empty() && problems.is_empty() {
            match rules.check_languages() {
                Err(Error::Invalid(found)) => problems.extend(found),
                Err(e) => return Err(e),
                Ok(()) => {}
            }
        }
        if combine == Combine::Replace && !extra.is_empty() && rules.rules.is_empty() && problems.is_empty() {
            let names: Vec<&str> = extra.iter().map(|f| f.name.as_str()).collect();
            problems.push(Problem {
                location: Location::file(names.join(", ")),
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

    /// Parses, validates and compiles rule files in order. All problems across all files are reported
    /// together. What no file gives (negation cues, exception classes, concepts, a list of grammar
    /// words) is the default's.
    pub fn load(files: &[RulesFile]) -> Result<RuleSet> {
        let mut read = Collected::default();
        for file in files {
            read.file(&file.name, &file.source);
        }
        // The ontology first: rule patterns may name its concepts.
        let (mut concepts, mut grammar) = (std::mem::take(&mut read.concepts), std::mem::take(&mut read.grammar));
        if concepts.is_empty() || grammar.missing_lists() {
            let mut defaults = Collected::default();
            defaults.file(ONTOLOGY_NAME, ONTOLOGY);
            if !defaults.problems.is_empty() {
                return Err(Error::Invalid(defaults.problems));
            }
            if concepts.is_empty() {
                concepts = defaults.concepts;
            }
            grammar = grammar.or(&defaults.grammar);
        }
        if !read.false_friends.is_empty() {
            for c in &mut concepts {
                c.def.drop_terms(&read.false_friends);
            }
            grammar.drop_words(&read.false_friends);
        }
        let ontology = match Ontology::compile(concepts, grammar) {
            Ok(o) => o,
            Err(Error::Invalid(problems)) => {
                read.problems.extend(problems);
                return Err(Error::Invalid(read.problems));
            }
            Err(e) => return Err(e),
        };
        read.define(&ontology);
        if !read.problems.is_empty() {
            return Err(Error::Invalid(read.problems));
        }
        let (mut cues, mut exceptions) = (read.cues, read.exceptions);
        if cues.is_empty() || exceptions.is_empty() {
            let (default_cues, default_exceptions) = default_negation(&ontology)?;
            if cues.is_empty() {
                cues = default_cues;
            }
            if exceptions.is_empty() {
                exceptions = default_exceptions;
            }
        }
        let lexicon = Lexicon::new(cues, exceptions)?;
        let mut set = RuleSet::compile(read.rules, lexicon, ontology)?;
        set.languages = languages::Languages::new(files);
        Ok(set)
    }

    fn compile(mut rules: Vec<Rule>, lexicon: Lexicon, ontology: Ontology) -> Result<RuleSet> {
        share_context_patterns(&mut rules);
        let mut patterns = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            for (p, re) in rule.expanded.iter().zip(&rule.regexes) {
                let trigger = re.capture_names().position(|n| n == Some("t"));
                let gate = crate::analysis::pattern::Gate::new(p);
                patterns.push((
                    Pattern {
                        re: re.clone(),
                        trigger,
                        gate,
                    },
                    i,
                ));
            }
        }
        let mut sources: Vec<&str> = rules
            .iter()
            .flat_map(|r| r.expanded.iter().map(String::as_str))
            .collect();
        let context_offset = sources.len();
        let context: Vec<&str> = rules
            .iter()
            .flat_map(|r| r.exclude.iter().chain(&r.antecedent).map(Regex::as_str))
            .collect();
        sources.extend(&context);
        let prefilter = crate::analysis::pattern::Prefilter::new(&sources);
        let context_same: Vec<usize> = (context.iter().enumerate())
            .map(|(i, p)| context[..i].iter().position(|q| q == p).unwrap_or(i))
            .collect();
        // One gate per distinct pattern: a gate's lazy DFA keeps its states per thread, and three copies
        // of one exclusion would build and hold the same states three times.
        let context_gates = (context.iter().enumerate())
            .map(|(i, p)| {
                (context_same[i] == i)
                    .then(|| crate::analysis::pattern::Gate::new(p))
                    .flatten()
            })
            .collect();
        let context_start = rules
            .iter()
            .scan(0, |next, r| {
                let start = *next;
                *next += r.exclude.len() + r.antecedent.len();
                Some(start)
            })
            .collect();
        let sequenced: Vec<(usize, usize)> = (rules.iter().enumerate())
            .flat_map(|(i, r)| (0..r.sequences.len()).map(move |k| (i, k)))
            .collect();
        let sequence_gate = sequence_gate(&rules, &sequenced, &ontology);
        let required_steps = RequiredSteps::new(sequenced.iter().map(|&(r, k)| &rules[r].sequences[k]), &ontology);
        let disclaimer_finder = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&ontology.grammar.disclaimers)
            .ok();
        Ok(RuleSet {
            rules,
            lexicon,
            ontology,
            patterns,
            sequenced,
            sequence_gate,
            required_steps,
            prefilter,
            context_offset,
            context_start,
            context_gates,
            context_same,
            disclaimer_finder,
            languages: languages::Languages::fixed(),
        })
    }

    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(src: &str) -> Result<RuleSet> {
        RuleSet::load(&[RulesFile::new("test.toml", src)])
    }

    #[test]
    fn default_rules_load_and_cover_every_tag() {
        let rules = RuleSet::default_rules().unwrap();
        assert!(
            rules.sequence_gate.is_some(),
            "clauses without a sequence's words are skipped"
        );
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
        let extra = vec![RulesFile::new("mine.toml", cue("pre", "\"never\""))];
        let msg = RuleSet::with_files(&extra, Combine::Add).unwrap_err().to_string();
        assert!(
            msg.contains("the word `never` is in negation cue `c` and in `negators`"),
            "{msg}"
        );
    }

    #[test]
    fn extra_rules_add_or_replace() {
        let extra = vec![RulesFile::new(
            "mine.toml",
            "[[rule]]\nid = \"mine\"\ntag = \"location\"\ndescription = \"d\"\npatterns = ['postcode']\n",
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
        let extra = vec![RulesFile::new(
            "mine.toml",
            "[[rule]]\nid = \"location-data\"\ntag = \"location\"\ndescription = \"d\"\npatterns = ['x']\n",
        )];
        let msg = RuleSet::with_files(&extra, Combine::Add).unwrap_err().to_string();
        assert!(
            msg.contains("duplicate rule id `location-data` (first defined in rules/default.toml)"),
            "{msg}"
        );
    }

    #[test]
    fn patterns_name_ontology_concepts_and_a_new_term_reaches_them() {
        let rule = "[[rule]]\nid = \"mine\"\ntag = \"third-party-sharing\"\ndescription = \"d\"\n\
                    patterns = ['\\b(?P<t>beam(?:s|ed)?)\\b[^.]{0,40}?\\bto\\s+(?:the\\s+)?{recipient}']\n";
        let rules = RuleSet::with_files(&[RulesFile::new("mine.toml", rule)], Combine::Add).unwrap();
        let mine = rules.rules.iter().find(|r| r.id == "mine").unwrap();
        assert!(mine.patterns[0].contains("{recipient}"), "listed as written");
        assert!(!mine.expanded[0].contains("{recipient}") && mine.expanded[0].contains("advertisers"));
        let tagged = |rules: &RuleSet, text: &str| rules.findings(text).iter().any(|f| f.rule == "mine");
        assert!(tagged(&rules, "We beam your answers to the advertisers."));
        assert!(!tagged(&rules, "We beam your answers to the broadcaster."));
        // A concept added by another file extends the rule that names its dimension.
        let broadcasters = "[[concept]]\nid = \"broadcasters\"\ndimension = \"recipient\"\nparent = \"third-parties\"\n\
                          description = \"d\"\nterms = ['broadcaster', 'broadcasters']\n\
                          examples = ['to the broadcaster']\ncounter_examples = ['to us']\n";
        let extra = [
            RulesFile::new("mine.toml", rule),
            RulesFile::new("more.toml", broadcasters),
        ];
        let rules = RuleSet::with_files(&extra, Combine::Add).unwrap();
        assert!(tagged(&rules, "We beam your answers to the broadcaster."));
    }

    #[test]
    fn rules_that_exclude_the_same_words_share_one_gate_and_both_are_excluded() {
        let rule = |id: &str, verb: &str| {
            format!(
                "[[rule]]\nid = \"{id}\"\ntag = \"third-party-sharing\"\ndescription = \"d\"\n\
                 patterns = ['\\b{verb}\\b']\nexclude = ['\\bhow\\b[^.]{{0,40}}\\b(?:beam|relay)\\b']\n"
            )
        };
        let rules = load(&(rule("a", "beam") + &rule("b", "relay"))).unwrap();
        assert_eq!(rules.context_same, [0, 0]);
        assert!(rules.context_gates[0].is_some(), "a bounded gap gets a gate");
        assert!(
            rules.context_gates[1].is_none(),
            "the repeat is asked through the first gate"
        );
        let tagged = |text: &str, id: &str| rules.findings(text).iter().any(|f| f.rule == id);
        assert!(tagged("We beam your data to partners.", "a"));
        assert!(tagged("We relay your data to partners.", "b"));
        assert!(!tagged("This page explains how we beam your data.", "a"));
        assert!(!tagged("This page explains how we relay your data.", "b"));
    }

    #[test]
    fn a_sequence_of_words_alone_keeps_the_clause_gate() {
        // A sequence that needs no concept still needs its word step: the gate is built from that, and
        // a clause without the word is not searched at all.
        let rule = "[[rule]]\nid = \"mine\"\ntag = \"third-party-sharing\"\ndescription = \"d\"\n\
                    sequences = ['{grammar:determiners}* <beamed> to|with']\n";
        let rules = load(rule).unwrap();
        let gate = rules.sequence_gate.as_ref().expect("a gate");
        assert!(gate.is_match("It was BEAMED to them.") && !gate.is_match("It was sent to them."));
        let tagged = |text: &str| rules.findings(text).iter().any(|f| f.rule == "mine");
        assert!(tagged("Your details are beamed to the partners."));
        assert!(!tagged("Your details are sent to the partners."));
    }

    #[test]
    fn concepts_before_and_after_a_match_decide_whether_it_counts() {
        let rule = "[[rule]]\nid = \"mine\"\ntag = \"third-party-sharing\"\ndescription = \"d\"\n\
                    before = [\"recipient:advertisers\"]\nafter = [\"data\"]\nafter_within = 20\n\
                    patterns = ['\\b(?P<t>harvest(?:s|ed)?)\\b']\n";
        let rules = RuleSet::with_files(&[RulesFile::new("mine.toml", rule)], Combine::Add).unwrap();
        let tagged = |text: &str| rules.findings(text).iter().any(|f| f.rule == "mine");
        // An advertiser right before (auxiliaries and adverbs between) and data soon after.
        assert!(tagged("Advertisers may also harvest your location."));
        assert!(tagged("Our ad networks harvest some of your data."));
        assert!(!tagged("We harvest your location."), "no recipient before");
        assert!(
            !tagged("Advertisers say that they harvest your location."),
            "not right before"
        );
        assert!(
            !tagged("Advertisers harvest apples and pears grown in the valley, not data."),
            "data too far"
        );
        let err = RuleSet::with_files(
            &[RulesFile::new(
                "mine.toml",
                rule.replace("recipient:advertisers", "recipient:nobody"),
            )],
            Combine::Add,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("mine.toml:5: field `before`"), "{err}");
    }

    #[test]
    fn a_concept_name_the_ontology_does_not_have_names_its_line() {
        let src = "[[rule]]\nid = \"x\"\ntag = \"location\"\ndescription = \"d\"\npatterns = ['{recipient:nobody}']\n";
        let msg = load(src).unwrap_err().to_string();
        assert!(
            msg.contains("test.toml:5: field `patterns`: `{recipient:nobody}`: the ontology has no recipient concept"),
            "{msg}"
        );
    }
}
