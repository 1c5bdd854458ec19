//! The ontology: the words for the parts of a practice — what is done (action), to which data
//! (identifiability, kinds), for whom (recipients), why (purpose) — and which concept is a kind of which
//! ("advertisers" are third parties, "sell" is a way to disclose). The data is `rules/ontology.toml`
//! (`[[concept]]` tables; rules files may add concepts); see docs/rules.md, "Practices and the ontology".

use std::collections::HashMap;
use std::ops::Range;

use regex::Regex;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Error, Location, Problem, Result, line_of};
use crate::pattern::compile_patterns;

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
    description: String,
    patterns: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    counter_examples: Vec<String>,
}

/// One compiled concept.
#[derive(Debug, Clone)]
pub struct Concept {
    pub id: String,
    pub dimension: Dimension,
    /// Index of the more general concept it is a kind of.
    pub parent: Option<usize>,
    pub description: String,
    pub patterns: Vec<Regex>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    pub origin: String,
}

/// Every concept and its patterns.
#[derive(Debug, Clone)]
pub struct Ontology {
    pub concepts: Vec<Concept>,
    /// (concept index, pattern).
    patterns: Vec<(usize, Regex)>,
}

/// Words of a text that name a concept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Term {
    /// The concept's id ("advertisers").
    pub concept: String,
    /// The words ("content partners and advertisers" has two terms).
    pub text: String,
    /// Byte offset in the normalised text.
    pub start: usize,
    /// Byte offset of the end in the normalised text.
    pub end: usize,
}

/// A practice read structurally: who does what to which data, for whom and why. Every part quotes its
/// words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Practice {
    /// What is done: `sell`, `disclose`, `collect`, `use`, `retain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Term>,
    /// How identifiable the data is: `identifiable`, `pseudonymous`, `aggregated`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifiability: Vec<Term>,
    /// Which data: `location`, `communications`, `usage`, `contact-details`, `financial`, `device`, or
    /// `data` when no kind is named.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<Term>,
    /// To whom: `third-parties`, `advertisers`, `business-partners`, `group-companies`, `service-providers`…
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Term>,
    /// Why, where stated: `marketing`, `research`, `service`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<Term>,
}

impl Practice {
    pub fn is_empty(&self) -> bool {
        self == &Practice::default()
    }

    /// The same practice with every offset moved by `by` (from a clause into its text).
    pub fn shifted(&self, by: usize) -> Practice {
        let shift = |t: &Term| Term {
            start: t.start + by,
            end: t.end + by,
            ..t.clone()
        };
        let all = |list: &[Term]| list.iter().map(shift).collect();
        Practice {
            action: self.action.as_ref().map(shift),
            identifiability: all(&self.identifiability),
            data: all(&self.data),
            recipients: all(&self.recipients),
            purposes: all(&self.purposes),
        }
    }
}

/// Most terms kept per part of a practice.
const MAX_TERMS: usize = 8;

impl Ontology {
    /// Compiles the concepts of all files: ids unique, each parent an earlier or later concept of the
    /// same dimension, no cycles. All problems are reported together.
    pub(crate) fn compile(defs: Vec<(ConceptDef, String, String)>) -> Result<Ontology> {
        let mut problems = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut concepts = Vec::new();
        let mut parents: Vec<Option<(Spanned<String>, String, String)>> = Vec::new();
        for (def, name, source) in defs {
            let at = |span: Range<usize>, field: &str| {
                Location::at(name.clone(), line_of(&source, span.start)).with_field(field)
            };
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
            if def.patterns.get_ref().is_empty() {
                problems.push(Problem {
                    location: at(def.patterns.span(), "patterns"),
                    message: "a concept needs at least one pattern".into(),
                });
            }
            let patterns = compile_patterns(def.patterns.get_ref(), "patterns", &name, &source, &mut problems);
            seen.insert(id.clone(), concepts.len());
            parents.push(def.parent.map(|p| (p, name.clone(), source.clone())));
            concepts.push(Concept {
                id,
                dimension,
                parent: None,
                description: def.description,
                patterns,
                examples: def.examples,
                counter_examples: def.counter_examples,
                origin: name,
            });
        }
        for (i, parent) in parents.into_iter().enumerate() {
            let Some((p, name, source)) = parent else { continue };
            let at = Location::at(name, line_of(&source, p.span().start)).with_field("parent");
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
        let patterns: Vec<(usize, Regex)> = concepts
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.patterns.iter().map(move |re| (i, re.clone())))
            .collect();
        Ok(Ontology { concepts, patterns })
    }

    /// The concept with this id.
    pub fn concept(&self, id: &str) -> Option<usize> {
        self.concepts.iter().position(|c| c.id == id)
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

    fn depth(&self, concept: usize) -> usize {
        std::iter::successors(self.concepts[concept].parent, |&p| self.concepts[p].parent).count()
    }

    /// Every term in `text`, as (concept, byte range), in text order. Where two terms of one dimension
    /// overlap, the longer is kept, and of two of the same length the more specific.
    pub fn terms(&self, text: &str) -> Vec<(usize, Range<usize>)> {
        let mut found: Vec<(usize, Range<usize>)> = Vec::new();
        // Each pattern's literal prefilter rejects most texts without running its automaton.
        for (concept, re) in &self.patterns {
            found.extend(
                re.find_iter(text)
                    .filter(|m| !m.is_empty())
                    .map(|m| (*concept, m.range())),
            );
        }
        // Longest first, then deepest: the first kept of overlapping terms wins.
        found.sort_by_key(|(c, r)| (std::cmp::Reverse(r.len()), std::cmp::Reverse(self.depth(*c)), r.start));
        let mut kept: Vec<(usize, Range<usize>)> = Vec::new();
        for (c, r) in found {
            let dimension = self.concepts[c].dimension;
            let clash = kept
                .iter()
                .any(|(k, kr)| self.concepts[*k].dimension == dimension && kr.start < r.end && r.start < kr.end);
            if !clash {
                kept.push((c, r));
            }
        }
        kept.sort_by_key(|(_, r)| r.start);
        kept
    }

    /// The practice of a finding: its action at the practice word (`trigger`), and the data, recipients
    /// and purposes named in `scope`, leaving out what lies in `excluded` (a denial's exceptions).
    /// Ranges are relative to `text`; the terms' offsets are shifted by `base`.
    pub fn practice(
        &self,
        text: &str,
        trigger: &Range<usize>,
        scope: &Range<usize>,
        excluded: &[Range<usize>],
        base: usize,
    ) -> Practice {
        let terms = self.terms(&text[scope.clone()]);
        self.practice_of(&terms, text, trigger, scope, excluded, base)
    }

    /// [`Ontology::practice`] from the terms of `scope` already found, so that the findings of one part
    /// of a clause share one search.
    pub fn practice_of(
        &self,
        terms: &[(usize, Range<usize>)],
        text: &str,
        trigger: &Range<usize>,
        scope: &Range<usize>,
        excluded: &[Range<usize>],
        base: usize,
    ) -> Practice {
        let term = |c: usize, r: &Range<usize>| Term {
            concept: self.concepts[c].id.clone(),
            text: text[scope.start + r.start..scope.start + r.end].to_string(),
            start: base + scope.start + r.start,
            end: base + scope.start + r.end,
        };
        let inside = |r: &Range<usize>| {
            let abs = scope.start + r.start..scope.start + r.end;
            excluded.iter().any(|e| e.start <= abs.start && abs.end <= e.end)
        };
        let mut practice = Practice::default();
        for (c, r) in terms {
            let abs = scope.start + r.start..scope.start + r.end;
            let list = match self.concepts[*c].dimension {
                Dimension::Action => {
                    if abs.start < trigger.end && trigger.start < abs.end && practice.action.is_none() {
                        practice.action = Some(term(*c, r));
                    }
                    continue;
                }
                _ if inside(r) => continue,
                Dimension::Identifiability => &mut practice.identifiability,
                Dimension::Data => &mut practice.data,
                Dimension::Recipient => &mut practice.recipients,
                Dimension::Purpose => &mut practice.purposes,
            };
            if list.len() < MAX_TERMS && !list.iter().any(|t| t.concept == self.concepts[*c].id) {
                list.push(term(*c, r));
            }
        }
        // A general concept says nothing a more specific one in the same list does not ("data" beside
        // "location data", "third parties" beside "advertisers").
        for list in [
            &mut practice.identifiability,
            &mut practice.data,
            &mut practice.recipients,
            &mut practice.purposes,
        ] {
            let ids: Vec<Option<usize>> = list.iter().map(|t| self.concept(&t.concept)).collect();
            let general = |i: usize| {
                ids.iter().enumerate().any(|(j, other)| {
                    j != i && matches!((ids[i], *other), (Some(g), Some(o)) if g != o && self.subsumes(g, o))
                })
            };
            let keep: Vec<bool> = (0..list.len()).map(|i| !general(i)).collect();
            let mut k = keep.iter();
            list.retain(|_| *k.next().unwrap_or(&true));
        }
        practice
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    #[derive(Deserialize)]
    struct File {
        #[allow(dead_code)]
        version: Option<u32>,
        #[serde(default)]
        concept: Vec<ConceptDef>,
    }

    fn parse(name: &str, source: &str) -> Result<Ontology> {
        let file: File = toml::from_str(source).map_err(|e| Error::invalid(Location::file(name), e.to_string()))?;
        Ontology::compile(
            file.concept
                .into_iter()
                .map(|d| (d, name.to_string(), source.to_string()))
                .collect(),
        )
    }

    static ONTOLOGY: LazyLock<Ontology> =
        LazyLock::new(|| parse("rules/ontology.toml", include_str!("../rules/ontology.toml")).unwrap());

    fn ontology() -> &'static Ontology {
        &ONTOLOGY
    }

    #[test]
    fn every_concept_is_found_in_its_examples_and_not_in_its_counter_examples() {
        let o = ontology();
        let mut failures = Vec::new();
        for (i, c) in o.concepts.iter().enumerate() {
            if c.examples.is_empty() || c.counter_examples.is_empty() {
                failures.push(format!("{} needs examples and counter_examples", c.id));
            }
            let has = |text: &str| o.terms(text).iter().any(|(k, _)| o.subsumes(i, *k));
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
        assert!(!o.subsumes(id("sell"), id("disclose")));
        assert!(!o.subsumes(id("advertisers"), id("group-companies")));
        assert!(o.subsumes(id("data"), id("location")));
    }

    fn practice(text: &str) -> Practice {
        let trigger = text.find("provide").map_or(0..0, |at| at..at + 7);
        ontology().practice(text, &trigger, &(0..text.len()), &[], 0)
    }

    fn concepts(terms: &[Term]) -> Vec<&str> {
        terms.iter().map(|t| t.concept.as_str()).collect()
    }

    #[test]
    fn a_practice_names_its_parts_with_their_words() {
        let text = "We may provide such aggregate information to third parties, for example, content partners and advertisers.";
        let p = practice(text);
        let action = p.action.as_ref().unwrap();
        assert_eq!((action.concept.as_str(), action.text.as_str()), ("disclose", "provide"));
        assert_eq!(&text[action.start..action.end], "provide");
        assert_eq!(concepts(&p.identifiability), ["aggregated"]);
        // "third parties" says less than the two kinds named after it.
        assert_eq!(concepts(&p.recipients), ["content-providers", "advertisers"]);
        let p = practice("businesses that process this information on our behalf");
        assert_eq!(concepts(&p.recipients), ["service-providers"]);
        let p = practice("We provide your calling, browsing and location data for marketing.");
        assert_eq!(concepts(&p.data), ["communications", "usage", "location"]);
        assert_eq!(concepts(&p.purposes), ["marketing"]);
    }

    #[test]
    fn terms_in_an_exception_are_not_recipients_of_the_denial() {
        let text = "We do not provide your data to anyone except service providers.";
        let at = text.find("except").unwrap();
        let p = ontology().practice(text, &(10..17), &(0..text.len()), &[at..text.len() - 1], 0);
        assert_eq!(concepts(&p.recipients), ["third-parties"]);
    }

    #[test]
    fn bad_concepts_are_named_errors() {
        let load = |src: &str| parse("c.toml", src).unwrap_err().to_string();
        let concept = |extra: &str| {
            format!(
                "[[concept]]\nid = \"x\"\ndimension = \"recipient\"\ndescription = \"d\"\npatterns = ['x']\n{extra}"
            )
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
        let cycle = "[[concept]]\nid = \"a\"\ndimension = \"data\"\nparent = \"b\"\ndescription = \"d\"\npatterns = ['a']\n\
                     [[concept]]\nid = \"b\"\ndimension = \"data\"\nparent = \"a\"\ndescription = \"d\"\npatterns = ['b']\n";
        assert!(load(cycle).contains("is its own ancestor"));
    }
}
