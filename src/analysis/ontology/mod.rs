//! The ontology: the words for the parts of a practice — what is done (action), to which data
//! (identifiability, kinds), for whom (recipients), why (purpose) — and which concept is a kind of which
//! ("advertisers" are third parties, "sell" is a way to disclose). The data is `rules/ontology.toml`
//! (`[[concept]]` tables, and the `[grammar]` words; rules files may add both); see docs/rules.md,
//! "Practices and the ontology".
//!
//! This module compiles the concepts and finds their terms in a text; [`terms`] matches one term,
//! [`practice`] reads a practice from the terms around a practice word, with the [`grammar`] words.

mod definitions;
mod grammar;
mod phrases;
mod practice;
mod set;
mod source;
mod term_index;
mod terms;

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::base::error::{Error, Location, Problem, Result, line_of};

pub use definitions::Definitions;
pub use grammar::Grammar;
pub(crate) use grammar::GrammarDef;
pub(crate) use practice::last_word;
pub use practice::{Actor, Phrase, Practice, Site, Term};
pub use set::ConceptSet;
use term_index::TermIndex;
pub use terms::TextWords;
pub(crate) use terms::word_key;
pub(crate) use terms::words;
use terms::{TermPattern, Word, term_regex, term_words};

/// The part of a practice a concept names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Dimension {
    Action,
    Identifiability,
    Data,
    Recipient,
    Purpose,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Action,
        Dimension::Identifiability,
        Dimension::Data,
        Dimension::Recipient,
        Dimension::Purpose,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Action => "action",
            Dimension::Identifiability => "identifiability",
            Dimension::Data => "data",
            Dimension::Recipient => "recipient",
            Dimension::Purpose => "purpose",
        }
    }
}

/// A `[[concept]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConceptDef {
    id: Spanned<String>,
    dimension: Spanned<String>,
    parent: Option<Spanned<String>>,
    #[serde(default)]
    grades_as_parent: bool,
    description: String,
    terms: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    counter_examples: Vec<String>,
}

impl ConceptDef {
    /// Drops `words` from the terms: a language's false friends (docs/rules.md, "Languages").
    pub(crate) fn drop_terms(&mut self, words: &[String]) {
        self.terms
            .get_mut()
            .retain(|t| !words.iter().any(|w| w.eq_ignore_ascii_case(t.get_ref())));
    }
}

/// One compiled concept.
#[derive(Debug, Clone)]
pub struct Concept {
    pub id: String,
    pub dimension: Dimension,
    /// Index of the more general concept it is a kind of.
    pub parent: Option<usize>,
    /// A way of saying its parent rather than a narrower practice ("share" for "disclose"): grading
    /// reads a denial of it as a denial of the parent.
    pub grades_as_parent: bool,
    pub description: String,
    /// The terms as written.
    pub terms: Vec<String>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    pub origin: String,
}

/// Every concept and its terms, indexed by word.
#[derive(Debug, Clone)]
pub struct Ontology {
    pub concepts: Vec<Concept>,
    terms: Vec<TermPattern>,
    /// The terms by their words, for finding them in a text.
    term_index: TermIndex,
    /// How many ancestors each concept has.
    depths: Vec<usize>,
    /// The small words a practice is read by.
    pub grammar: Grammar,
    /// The grammar's `customer_duty` phrases in one automaton.
    duty_finder: Option<aho_corasick::AhoCorasick>,
}

/// A term found in a text: the concept it names and where its words are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Index into [`Ontology::concepts`].
    pub concept: usize,
    /// The term's words, as a byte range of the text searched.
    pub at: Range<usize>,
}

/// A `[[concept]]` table and the file it is written in.
pub(crate) struct ConceptSource<'a> {
    pub def: ConceptDef,
    pub file: &'a str,
    pub source: &'a str,
}

/// A term matched in [`Ontology::terms`], before overlapping terms are ruled out.
struct Candidate {
    concept: usize,
    /// The order terms are ranked in, fixed when the term is found: the concept's dimension first, then
    /// where the term starts; of terms starting together the longer, the exact, the more specific first;
    /// then the order found, so that an unstable sort keeps it.
    rank: (
        Dimension,
        usize,
        std::cmp::Reverse<usize>,
        usize,
        std::cmp::Reverse<usize>,
        usize,
    ),
    /// The term's words, as indices into the words of the text.
    words: Range<usize>,
}

/// Most terms kept per part of a practice.
const MAX_TERMS: usize = 8;

impl Ontology {
    /// Compiles the concepts of all files: ids unique, each parent a concept of the same dimension, no
    /// cycles, and no term in two concepts of one dimension. All problems are reported together.
    /// `grammar` is the word lists every file gave, joined.
    pub(crate) fn compile(defs: Vec<ConceptSource<'_>>, grammar: Grammar) -> Result<Ontology> {
        let mut problems = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut concepts = Vec::new();
        // Each concept's parent as written, and where.
        let mut parents: Vec<Option<(Spanned<String>, &str, &str)>> = Vec::new();
        let mut terms: Vec<TermPattern> = Vec::new();
        // (dimension, words as written) → concept: a term means one thing per dimension.
        let mut owners: HashMap<(Dimension, String), usize> = HashMap::new();
        for ConceptSource { def, file, source } in defs {
            let at =
                |span: Range<usize>, field: &str| Location::at(file, line_of(source, span.start)).with_field(field);
            let id = def.id.get_ref().clone();
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                problems.push(Problem {
                    location: at(def.id.span(), "id"),
                    message: format!("concept id `{id}` must match [a-z0-9-]+"),
                });
            }
            if seen.contains_key(&id) {
                problems.push(Problem {
                    location: at(def.id.span(), "id"),
                    message: format!("duplicate concept id `{id}`; rename one of them"),
                });
            }
            let Some(dimension) = Dimension::ALL
                .into_iter()
                .find(|d| d.as_str() == def.dimension.get_ref())
            else {
                problems.push(Problem {
                    location: at(def.dimension.span(), "dimension"),
                    message: format!(
                        "unknown dimension `{}`; known: {}",
                        def.dimension.get_ref(),
                        Dimension::ALL.map(Dimension::as_str).join(", ")
                    ),
                });
                continue;
            };
            if def.terms.get_ref().is_empty() {
                problems.push(Problem {
                    location: at(def.terms.span(), "terms"),
                    message: "a concept needs at least one term".into(),
                });
            }
            let index = concepts.len();
            for term in def.terms.get_ref() {
                match term_words(term.get_ref()) {
                    Ok(words) => {
                        let key = (dimension, format!("{words:?}"));
                        match owners.get(&key) {
                            Some(&other) if other != index => problems.push(Problem {
                                location: at(term.span(), "terms"),
                                message: format!(
                                    "term `{}` is also a term of `{}`, of the same dimension; keep it in one",
                                    term.get_ref(),
                                    concepts.get(other).map_or(id.as_str(), |c: &Concept| c.id.as_str())
                                ),
                            }),
                            _ => {
                                owners.insert(key, index);
                                let wildcards = words.iter().filter(|w| !matches!(w, Word::Exact(_))).count();
                                let keys = (words.iter())
                                    .map(|w| match w {
                                        Word::Exact(w) => word_key(w),
                                        _ => 0,
                                    })
                                    .collect();
                                terms.push(TermPattern {
                                    concept: index,
                                    words,
                                    keys,
                                    wildcards,
                                });
                            }
                        }
                    }
                    Err(message) => problems.push(Problem {
                        location: at(term.span(), "terms"),
                        message: message.to_string(),
                    }),
                }
            }
            seen.insert(id.clone(), index);
            parents.push(def.parent.map(|p| (p, file, source)));
            concepts.push(Concept {
                id,
                dimension,
                parent: None,
                grades_as_parent: def.grades_as_parent,
                description: def.description,
                terms: def.terms.into_inner().into_iter().map(Spanned::into_inner).collect(),
                examples: def.examples,
                counter_examples: def.counter_examples,
                origin: file.to_string(),
            });
        }
        for (i, parent) in parents.into_iter().enumerate() {
            let Some((p, name, source)) = parent else { continue };
            let at = Location::at(name, line_of(source, p.span().start)).with_field("parent");
            match seen.get(p.get_ref()) {
                Some(&j) if concepts[j].dimension == concepts[i].dimension => concepts[i].parent = Some(j),
                Some(_) => problems.push(Problem {
                    location: at,
                    message: format!("parent `{}` is of another dimension", p.get_ref()),
                }),
                None => problems.push(Problem {
                    location: at,
                    message: format!("unknown parent concept `{}`", p.get_ref()),
                }),
            }
        }
        for i in 0..concepts.len() {
            // A chain longer than the number of concepts has a cycle.
            let (mut at, mut steps) = (Some(i), 0);
            while let Some(c) = at {
                at = concepts[c].parent;
                steps += 1;
                if steps > concepts.len() {
                    problems.push(Problem {
                        location: Location::file(concepts[i].origin.clone()).with_field("parent"),
                        message: format!("concept `{}` is its own ancestor", concepts[i].id),
                    });
                    break;
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let term_index = TermIndex::new(&terms);
        let depths = (0..concepts.len())
            .map(|c| std::iter::successors(concepts[c].parent, |&p| concepts[p].parent).count())
            .collect();
        let duty_finder = grammar.customer_duty_finder();
        Ok(Ontology {
            concepts,
            terms,
            term_index,
            depths,
            grammar,
            duty_finder,
        })
    }

    /// The concept with this id.
    pub fn concept(&self, id: &str) -> Option<usize> {
        self.concepts.iter().position(|c| c.id == id)
    }

    /// The concept grading reads `c` as: its nearest ancestor (or itself) that is not a mere way of
    /// saying its parent.
    pub fn graded(&self, mut c: usize) -> usize {
        while self.concepts[c].grades_as_parent
            && let Some(p) = self.concepts[c].parent
        {
            c = p;
        }
        c
    }

    /// Whether `general` is `specific` or one of its ancestors: "third-parties" subsumes "advertisers".
    pub fn subsumes(&self, general: usize, specific: usize) -> bool {
        let mut at = Some(specific);
        while let Some(c) = at {
            if c == general {
                return true;
            }
            at = self.concepts[c].parent;
        }
        false
    }

    /// The keys ([`word_key`]) of the words the terms of the concepts `holds` accepts are listed under
    /// (each term's first exact word), sorted: a text with a term of one of those concepts has one of
    /// these words.
    pub(crate) fn listed_words(&self, holds: impl Fn(usize) -> bool) -> Vec<u64> {
        let mut keys: Vec<u64> = (self.terms.iter().filter(|t| holds(t.concept)))
            .filter_map(|t| (t.words.iter().zip(&t.keys)).find_map(|(w, &k)| matches!(w, Word::Exact(_)).then_some(k)))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The first words of the terms of the concepts `holds` accepts, lower-cased; `None` when a term
    /// starts with a wildcard, so that no word list can stand for the concept.
    pub(crate) fn first_words(&self, holds: impl Fn(usize) -> bool) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for term in self.terms.iter().filter(|t| holds(t.concept)) {
            match term.words.first() {
                Some(Word::Exact(w)) => out.push(w.clone()),
                _ => return None,
            }
        }
        out.sort();
        out.dedup();
        Some(out)
    }

    /// Every term in `text`, in text order (by start, the longer first). Of terms of one dimension that
    /// overlap, the leftmost is kept, and of those starting at one word the longest, then an exact one
    /// over one with wildcards, then the more specific concept. Linear in the words of `text`: each word
    /// is looked up once, and only terms that start with it are tried.
    pub fn terms(&self, text: &str) -> Vec<Found> {
        self.terms_among(text, &TextWords::new(text))
    }

    /// [`Ontology::terms`] of `text`, whose words ([`TextWords::new`]) the caller has split already: a
    /// caller that reads the words first (to rule a clause out) does not split it twice.
    pub fn terms_among(&self, text: &str, split: &TextWords) -> Vec<Found> {
        // A capitalised function word is no name: "*These* companies" are not "@ companies".
        let is_name = |word: &str| !self.grammar.is_function_word(word);
        // Most clauses have a handful of terms: room for them at once rather than three regrowths.
        let mut found: Vec<Candidate> = Vec::with_capacity(16);
        self.term_index.each_match(text, split, &is_name, |m| {
            let term = &self.terms[m.term];
            found.push(Candidate {
                concept: term.concept,
                rank: (
                    self.concepts[term.concept].dimension,
                    m.words.start,
                    std::cmp::Reverse(m.words.end),
                    term.wildcards,
                    std::cmp::Reverse(self.depths[term.concept]),
                    found.len(),
                ),
                words: m.words,
            });
        });
        found.sort_unstable_by_key(|c| c.rank);
        let mut kept: Vec<Found> = Vec::with_capacity(found.len());
        // The dimension of the last term kept, and the word its term ends before.
        let mut last: Option<(Dimension, usize)> = None;
        for c in found {
            let dimension = self.concepts[c.concept].dimension;
            if matches!(last, Some((d, until)) if d == dimension && c.words.start < until) {
                continue;
            }
            last = Some((dimension, c.words.end));
            kept.push(Found {
                concept: c.concept,
                at: split.spans[c.words.start].start..split.spans[c.words.end - 1].end,
            });
        }
        // Of terms that start together, the longer first: a word inside another term comes after it.
        // Terms of one dimension do not overlap, so the dimension settles the rest, as the order found did.
        kept.sort_unstable_by_key(|f| {
            (
                f.at.start,
                std::cmp::Reverse(f.at.end),
                self.concepts[f.concept].dimension,
            )
        });
        // A term inside a longer one of another dimension is a word of that one: "*third party* cookies"
        // is data, not a recipient; "*advertising* partners" a recipient, not a purpose. Action words are
        // kept (the practice word may be one); the practice sets them aside itself. One pass: per
        // dimension, the term seen so far that reaches furthest.
        let mut furthest: [Option<Range<usize>>; 5] = Default::default();
        kept.retain(|Found { concept: c, at: r }| {
            let dimension = self.concepts[*c].dimension;
            let general_data = dimension == Dimension::Data && self.concepts[*c].parent.is_none();
            let inside = dimension != Dimension::Action
                && !general_data
                && furthest.iter().enumerate().any(|(d, f)| {
                    d != dimension as usize
                        && f.as_ref()
                            .is_some_and(|f| f.end >= r.end && (f.start < r.start || f.end > r.end))
                });
            let slot = &mut furthest[dimension as usize];
            if dimension != Dimension::Action && slot.as_ref().is_none_or(|f| r.end > f.end) {
                *slot = Some(r.clone());
            }
            !inside
        });
        kept
    }

    /// The terms of `dimension` (of `concept` and the concepts under it, when given) as one regular
    /// expression: a non-capturing group of whole-word alternatives, the longest first, so that a rule's
    /// pattern can name a concept (`{recipient}`) instead of listing its words.
    pub fn terms_pattern(&self, dimension: Dimension, concept: Option<usize>) -> String {
        self.terms_pattern_where(|c| {
            self.concepts[c].dimension == dimension && concept.is_none_or(|g| self.subsumes(g, c))
        })
    }

    /// [`Ontology::terms_pattern`] for the terms of the concepts `keep` takes.
    pub fn terms_pattern_where(&self, keep: impl Fn(usize) -> bool) -> String {
        let mut terms: Vec<&TermPattern> = self.terms.iter().filter(|t| keep(t.concept)).collect();
        // Leftmost-first alternation prefers the first branch: "pass on" before "pass".
        terms.sort_by_key(|t| std::cmp::Reverse((t.words.len(), t.words.iter().map(Word::len).sum::<usize>())));
        let branches: Vec<String> = terms.iter().map(|t| term_regex(&t.words)).collect();
        let mut unique = Vec::with_capacity(branches.len());
        for b in branches {
            if !unique.contains(&b) {
                unique.push(b);
            }
        }
        format!(r"(?:\b(?:{})\b)", unique.join("|"))
    }

    /// Whether `word` is a general word for data ("data", "information"), a term of a data concept
    /// without parent.
    pub fn is_general_data_word(&self, word: &str) -> bool {
        self.terms(word).iter().any(|f| {
            let concept = &self.concepts[f.concept];
            concept.dimension == Dimension::Data && concept.parent.is_none() && f.at == (0..word.len())
        })
    }

    /// The terms of one dimension in `text`, as [`Term`]s whose offsets are moved by `base`.
    pub fn terms_in(&self, text: &str, base: usize, dimension: Dimension) -> Vec<Term> {
        self.terms(text)
            .into_iter()
            .filter(|f| self.concepts[f.concept].dimension == dimension)
            .take(MAX_TERMS)
            .map(|f| Term {
                concept: self.concepts[f.concept].id.clone(),
                text: text[f.at.clone()].to_string(),
                start: base + f.at.start,
                end: base + f.at.end,
                antecedent: false,
            })
            .collect()
    }
}

/// The embedded ontology, compiled once for the tests of this module and its parts.
#[cfg(test)]
pub(crate) mod fixture {
    use super::*;
    use std::sync::LazyLock;

    #[derive(Deserialize)]
    struct File {
        #[allow(dead_code)]
        version: Option<u32>,
        #[serde(default)]
        concept: Vec<ConceptDef>,
        grammar: Option<GrammarDef>,
    }

    /// Compiles the concepts and grammar of one file.
    pub fn parse(name: &str, source: &str) -> Result<Ontology> {
        let file: File = toml::from_str(source).map_err(|e| Error::invalid(Location::file(name), e.to_string()))?;
        let (mut grammar, mut problems) = (Grammar::default(), Vec::new());
        if let Some(def) = file.grammar {
            grammar.add(def, name, source, &mut problems);
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let concepts = file
            .concept
            .into_iter()
            .map(|def| ConceptSource {
                def,
                file: name,
                source,
            })
            .collect();
        Ontology::compile(concepts, grammar)
    }

    static ONTOLOGY: LazyLock<Ontology> = LazyLock::new(|| {
        parse(
            "rules/ontology.toml",
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/ontology.toml")),
        )
        .unwrap()
    });

    pub fn ontology() -> &'static Ontology {
        &ONTOLOGY
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::{ontology, parse};
    use super::*;

    #[test]
    fn every_concept_is_found_in_its_examples_and_not_in_its_counter_examples() {
        let o = ontology();
        let mut failures = Vec::new();
        for (i, c) in o.concepts.iter().enumerate() {
            if c.examples.is_empty() || c.counter_examples.is_empty() {
                failures.push(format!("{} needs examples and counter_examples", c.id));
            }
            let has = |text: &str| o.terms(text).iter().any(|f| o.subsumes(i, f.concept));
            for ex in c.examples.iter().filter(|ex| !has(ex)) {
                failures.push(format!("{} not found in {ex:?}", c.id));
            }
            for ex in c.counter_examples.iter().filter(|ex| has(ex)) {
                failures.push(format!("{} found in counter-example {ex:?}", c.id));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn subsumption_follows_the_parents() {
        let o = ontology();
        let id = |s: &str| o.concept(s).unwrap();
        assert!(o.subsumes(id("third-parties"), id("advertisers")));
        assert!(o.subsumes(id("third-parties"), id("content-providers")));
        assert!(o.subsumes(id("business-partners"), id("content-providers")));
        assert!(o.subsumes(id("disclose"), id("sell")));
        assert!(o.subsumes(id("share"), id("sell")));
        // "share" is a way of saying "disclose"; "sell" is narrower.
        assert_eq!(o.graded(id("share")), id("disclose"));
        assert_eq!(o.graded(id("sell")), id("sell"));
        assert!(!o.subsumes(id("sell"), id("disclose")));
        assert!(!o.subsumes(id("advertisers"), id("group-companies")));
        assert!(o.subsumes(id("data"), id("location")));
        // Anonymised and statistical data are ways of saying aggregated data: a denial of one covers
        // a permission of the other.
        for kind in ["anonymised", "statistical", "non-personal"] {
            assert_eq!(o.graded(id(kind)), id("aggregated"), "{kind}");
        }
        assert_eq!(o.graded(id("pseudonymised")), id("pseudonymous"));
    }

    #[test]
    fn every_parent_subsumes_its_children_and_nothing_else() {
        let o = ontology();
        for (i, c) in o.concepts.iter().enumerate() {
            if let Some(p) = c.parent {
                assert!(o.subsumes(p, i), "{} under {}", c.id, o.concepts[p].id);
                assert!(!o.subsumes(i, p), "{} is not above {}", c.id, o.concepts[p].id);
            }
        }
        let id = |s: &str| o.concept(s).unwrap();
        // Group companies are not third parties; both are "anyone".
        assert!(o.subsumes(id("anyone"), id("group-companies")));
        assert!(o.subsumes(id("anyone"), id("service-providers")));
        assert!(!o.subsumes(id("third-parties"), id("group-companies")));
        assert!(o.subsumes(id("third-parties"), id("service-providers")));
        assert!(!o.subsumes(id("identifiable"), id("aggregated")));
        assert!(o.subsumes(id("data"), id("children")));
    }

    #[test]
    fn wildcards_name_companies_and_gaps() {
        let o = ontology();
        let found = |text: &str| -> Vec<(String, String)> {
            o.terms(text)
                .into_iter()
                .filter(|f| o.concepts[f.concept].dimension == Dimension::Recipient)
                .map(|f| (o.concepts[f.concept].id.clone(), text[f.at].to_string()))
                .collect()
        };
        let one = |id: &str, words: &str| vec![(id.to_string(), words.to_string())];
        assert_eq!(
            found("among Tesco companies"),
            one("group-companies", "Tesco companies")
        );
        assert_eq!(
            found("among other companies"),
            one("third-parties", "other companies"),
            "exact beats @"
        );
        assert_eq!(
            found("outside the Tesco Group"),
            one("third-parties", "outside the Tesco Group"),
            "the longer term wins"
        );
        assert_eq!(
            found("businesses that process this information on our behalf"),
            one(
                "service-providers",
                "businesses that process this information on our behalf"
            )
        );
        // A gap is at most four words.
        assert_eq!(
            found("businesses that process the many kinds of data on our behalf"),
            one("service-providers", "on our behalf")
        );
        // A capitalised function word is no name: "These companies" are not a group's companies.
        assert_eq!(found("These companies may set cookies"), []);
        // "third-party" before a kind of recipient is a word of its own; the practice keeps the kind.
        assert_eq!(found("with third-party advertisers").len(), 2);
    }

    #[test]
    fn a_term_inside_a_longer_one_of_another_dimension_is_part_of_it() {
        let o = ontology();
        let dims = |text: &str| -> Vec<(Dimension, String)> {
            o.terms(text)
                .into_iter()
                .map(|f| (o.concepts[f.concept].dimension, text[f.at].to_string()))
                .collect()
        };
        // "third party" names no recipient in "third party cookies"; nor "advertising" a purpose in
        // "advertising partners".
        assert!(
            !dims("third party cookies")
                .iter()
                .any(|(d, _)| *d == Dimension::Recipient)
        );
        assert!(
            !dims("our advertising partners")
                .iter()
                .any(|(d, _)| *d == Dimension::Purpose)
        );
        assert!(dims("for advertising").iter().any(|(d, _)| *d == Dimension::Purpose));
    }

    #[test]
    fn bad_terms_are_named_errors() {
        let load = |terms: &str| {
            parse(
                "c.toml",
                &format!(
                    "[[concept]]\nid = \"x\"\ndimension = \"recipient\"\ndescription = \"d\"\nterms = [{terms}]\n"
                ),
            )
            .unwrap_err()
            .to_string()
        };
        assert!(
            load("'.. on our behalf'").contains("a `..` may appear once"),
            "{}",
            load("'.. on our behalf'")
        );
        assert!(load("'a .. b .. c'").contains("a `..` may appear once"));
        assert!(load("'@ *'").contains("needs at least one word that is not a wildcard"));
        assert!(load("'a b c d e f g h i'").contains("more than 8 words"));
        assert!(load("'&'").contains("has no letters or digits"));
        let twice = "[[concept]]\nid = \"a\"\ndimension = \"data\"\ndescription = \"d\"\nterms = ['gps']\n\
                     [[concept]]\nid = \"b\"\ndimension = \"data\"\ndescription = \"d\"\nterms = ['GPS']\n";
        let msg = parse("c.toml", twice).unwrap_err().to_string();
        assert!(
            msg.contains("c.toml:10: field `terms`: term `GPS` is also a term of `a`"),
            "{msg}"
        );
    }

    #[test]
    fn bad_concepts_are_named_errors() {
        let load = |src: &str| parse("c.toml", src).unwrap_err().to_string();
        let concept = |extra: &str| {
            format!("[[concept]]\nid = \"x\"\ndimension = \"recipient\"\ndescription = \"d\"\nterms = ['x']\n{extra}")
        };
        assert!(
            load(&concept("parent = \"nobody\"\n"))
                .contains("c.toml:6: field `parent`: unknown parent concept `nobody`")
        );
        let msg = load(&concept("").replace("recipient", "mood"));
        assert!(
            msg.contains("c.toml:3: field `dimension`: unknown dimension `mood`"),
            "{msg}"
        );
        let cycle = "[[concept]]\nid = \"a\"\ndimension = \"data\"\nparent = \"b\"\ndescription = \"d\"\nterms = \
                     ['a']\n\
                     [[concept]]\nid = \"b\"\ndimension = \"data\"\nparent = \"a\"\ndescription = \"d\"\nterms = \
                                         ['b']\n";
        assert!(load(cycle).contains("is its own ancestor"));
    }

    #[test]
    fn the_embedded_grammar_gives_every_list() {
        assert!(
            !ontology().grammar.missing_lists(),
            "rules/ontology.toml lacks a [grammar] list"
        );
    }
}
