//! Names a document gives to data it says identifies no one: "“Usage Information” means information
//! that does not identify you", "information that does not personally identify you (“Technical
//! Data”)", "all insights shared are anonymised and aggregated". Wherever the document uses such a name
//! alone for a practice's data, the practice is about data of that kind: a denial of identifiable data
//! does not reach "we share Usage Information with advertisers".
//!
//! A definition is read in one clause, by the grammar's `definition_verbs` and the ontology's
//! identifiability terms; the names are then looked for in every clause of the document.

use std::ops::Range;

use super::practice::IDENTIFIABLE;
use super::{Dimension, Grammar, Ontology, Practice, Term, TextWords};

/// At most this many names are kept for a document: a text of nothing but definitions stays linear.
const MAX_NAMES: usize = 32;
/// A name is a short noun phrase.
const MAX_NAME_WORDS: usize = 5;
/// The definition verb is among the clause's first words.
const VERB_WITHIN: usize = 8;
/// The words after the verb, or before a parenthesised name, that say what the data is.
const PREDICATE_WORDS: usize = 16;
/// The concept a name defined by a denied identification ("does not identify you") is read as.
const NON_PERSONAL: &str = "non-personal";

/// The names a document defines as data that identifies no one.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    names: Vec<DefinedName>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DefinedName {
    /// The name's words' keys ([`super::word_key`]).
    keys: Vec<u64>,
    /// The identifiability concept the definition gives it (`anonymised`, `aggregated`, `non-personal`…).
    concept: String,
}

impl Definitions {
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl Ontology {
    /// Reads the definitions among a document's clauses.
    pub fn definitions<'a>(&self, clauses: impl IntoIterator<Item = &'a str>) -> Definitions {
        let mut defs = Definitions::default();
        for clause in clauses {
            if defs.names.len() >= MAX_NAMES {
                break;
            }
            for name in self.defined_in(clause) {
                if defs.names.len() < MAX_NAMES && !defs.names.contains(&name) {
                    defs.names.push(name);
                }
            }
        }
        defs
    }

    /// Gives a practice whose data is only a defined name the identifiability its definition gives it.
    /// `clause` is the practice's clause and `base` its offset, as the practice's terms are offsets in
    /// the whole text. A practice that names identifiable data beyond the name ("your email address
    /// and Usage Information") keeps what it has.
    pub fn apply_definitions(&self, defs: &Definitions, practice: &mut Practice, clause: &str, base: usize) {
        if defs.is_empty() || practice.data.is_empty() || practice.data.iter().any(|t| t.antecedent) {
            return;
        }
        let split = TextWords::new(clause);
        let mut uses: Vec<(Range<usize>, &DefinedName)> = Vec::new();
        for name in &defs.names {
            let n = name.keys.len();
            for at in 0..split.keys.len().saturating_sub(n - 1) {
                if split.keys[at..at + n] == name.keys[..] {
                    uses.push((split.spans[at].start..split.spans[at + n - 1].end, name));
                }
            }
        }
        if uses.is_empty() {
            return;
        }
        let relative = |t: &Term| t.start.checked_sub(base).zip(t.end.checked_sub(base));
        let within = |t: &Term, reach_back: bool| {
            relative(t).and_then(|(start, end)| {
                uses.iter().find(|(r, _)| {
                    // "*your* Usage Information": the possessive that makes data the reader's does not
                    // make a defined name identifiable.
                    let from = if reach_back {
                        clause[..r.start].trim_end().len() - super::last_word(&clause[..r.start]).map_or(0, str::len)
                    } else {
                        r.start
                    };
                    from <= start && end <= r.end
                })
            })
        };
        let Some(&(ref first, name)) = practice.data.iter().map(|t| within(t, false)).next().flatten() else {
            return;
        };
        let all_data = practice.data.iter().all(|t| within(t, false).is_some());
        let only_possessive = practice
            .identifiability
            .iter()
            .all(|t| t.concept == IDENTIFIABLE && within(t, true).is_some());
        if !all_data || !only_possessive {
            return;
        }
        practice.identifiability = vec![Term {
            concept: name.concept.clone(),
            text: clause[first.clone()].to_string(),
            start: base + first.start,
            end: base + first.end,
            antecedent: false,
        }];
    }

    /// The names `clause` defines: "X means / is / are <data that identifies no one>", or "<data that
    /// identifies no one> (“X”)".
    fn defined_in(&self, clause: &str) -> Vec<DefinedName> {
        let g = &self.grammar;
        let mut out = Vec::new();
        // Only the opening words can hold the verb and the name before it; this runs on every clause.
        let split = TextWords::first(clause, VERB_WITHIN);
        let word = |i: usize| &clause[split.spans[i].clone()];
        // "X means …": the verb among the first words, the name before it.
        if let Some(v) = (1..split.spans.len().min(VERB_WITHIN)).find(|&i| Grammar::has(&g.definition_verbs, word(i))) {
            let before = &clause[..split.spans[v].start];
            // "Is" and "are" open many clauses: the predicate is read only once there is a name.
            if let Some(name) = quoted(before).or_else(|| self.noun_before(clause, &split, v)) {
                let predicate_end = clause[split.spans[v].end..]
                    .find(';')
                    .map_or(clause.len(), |at| split.spans[v].end + at);
                let predicate = &clause[split.spans[v].end..predicate_end];
                if let Some(concept) = self.identifies_no_one(first_words(predicate, PREDICATE_WORDS))
                    && let Some(name) = self.defined_name(&clause[name], concept)
                {
                    out.push(name);
                }
            }
        }
        // "… information that does not identify you (“Technical Data”)".
        let mut from = 0;
        while let Some(open) = clause[from..].find('(').map(|at| from + at) {
            let Some(close) = clause[open..].find(')').map(|at| open + at) else {
                break;
            };
            from = close + 1;
            let Some(inner) = quoted(&clause[open + 1..close]) else {
                continue;
            };
            let inner = open + 1 + inner.start..open + 1 + inner.end;
            let lead = &clause[..open];
            let lead = &lead[lead.rfind([';', ':', '(', ')']).map_or(0, |at| at + 1)..];
            if let Some(concept) = self.identifies_no_one(last_words(lead, PREDICATE_WORDS))
                && let Some(name) = self.defined_name(&clause[inner], concept)
            {
                out.push(name);
            }
        }
        out
    }

    /// The noun phrase ending right before word `v`, or one word before it ("all insights *shared* are"):
    /// from its first data term (and the capitalised words right before that: "Technical Data") to its
    /// last.
    fn noun_before(&self, clause: &str, split: &TextWords, v: usize) -> Option<Range<usize>> {
        let before = &clause[..split.spans[v].start];
        let data: Vec<Range<usize>> = self
            .terms(before)
            .into_iter()
            .filter(|f| matches!(self.concepts[f.concept].dimension, Dimension::Data))
            .map(|f| f.at)
            .collect();
        let (first, last) = (data.first()?, data.last()?);
        let gap = split.spans[..v].iter().filter(|s| s.start >= last.end).count();
        if gap > 1 {
            return None;
        }
        let mut start = first.start;
        for s in split.spans[..v].iter().rev().filter(|s| s.end <= first.start) {
            let w = &clause[s.clone()];
            let capitalised = w.chars().next().is_some_and(char::is_uppercase);
            if !capitalised || self.grammar.is_function_word(w) || Grammar::has(&self.grammar.quantifiers, w) {
                break;
            }
            start = s.start;
        }
        Some(start..last.end)
    }

    /// A name worth keeping: a few words, not only words for any data ("the information"), and not
    /// itself identifiable ("Personal Information").
    fn defined_name(&self, name: &str, concept: String) -> Option<DefinedName> {
        let split = TextWords::new(name);
        let words: Vec<&str> = split.spans.iter().map(|s| &name[s.clone()]).collect();
        let identifiable = self
            .terms(name)
            .iter()
            .any(|f| self.concepts[f.concept].id == IDENTIFIABLE);
        let general = words.iter().all(|w| Grammar::has(&self.grammar.general_nouns, w));
        (!words.is_empty() && words.len() <= MAX_NAME_WORDS && !general && !identifiable).then_some(DefinedName {
            keys: split.keys,
            concept,
        })
    }

    /// The identifiability concept `text` gives data when the first identifiability it names is none:
    /// an aggregated or anonymised term, or an identification denied ("does *not* identify you").
    fn identifies_no_one(&self, text: &str) -> Option<String> {
        let aggregated = self.concept("aggregated")?;
        let first = self
            .terms(text)
            .into_iter()
            .find(|f| self.concepts[f.concept].dimension == Dimension::Identifiability)?;
        let concept = &self.concepts[first.concept];
        if self.subsumes(aggregated, first.concept) {
            Some(concept.id.clone())
        } else if concept.id == IDENTIFIABLE && self.grammar.negated_before(&text[..first.at.start]) {
            self.concept(NON_PERSONAL).map(|_| NON_PERSONAL.to_string())
        } else {
            None
        }
    }
}

/// The text between the first pair of quotation marks in `text`, as a range of it.
fn quoted(text: &str) -> Option<Range<usize>> {
    const OPEN: [char; 4] = ['"', '“', '‘', '\''];
    let open = text.find(OPEN)?;
    let inner = open + text[open..].chars().next()?.len_utf8();
    let close = inner + text[inner..].find(['"', '”', '’', '\''])?;
    let range = inner..close;
    (!text[range.clone()].trim().is_empty()).then_some(range)
}

/// The first `n` words of `text` and what lies between them.
fn first_words(text: &str, n: usize) -> &str {
    let split = TextWords::first(text, n);
    split
        .spans
        .get(n.min(split.spans.len()).wrapping_sub(1))
        .map_or("", |s| &text[..s.end])
}

/// The last `n` words of `text` and what lies between them.
fn last_words(text: &str, n: usize) -> &str {
    let split = TextWords::new(text);
    let from = split.spans.len().saturating_sub(n);
    split.spans.get(from).map_or("", |s| &text[s.start..])
}

#[cfg(test)]
mod tests {
    use super::super::fixture::ontology;
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let o = ontology();
        let clauses = crate::document::segment::clauses(text);
        let defs = o.definitions(clauses.iter().map(|c| c.text));
        let mut out = Vec::new();
        for name in &defs.names {
            let split = TextWords::new(text);
            let n = name.keys.len();
            let at = (0..split.keys.len()).find(|&i| split.keys.get(i..i + n) == Some(&name.keys[..]));
            out.push(at.map_or_else(String::new, |i| {
                text[split.spans[i].start..split.spans[i + n - 1].end].to_lowercase()
            }));
        }
        out
    }

    #[test]
    fn names_defined_as_identifying_no_one_are_read() {
        assert_eq!(
            names("“Usage Information” means information that does not identify you personally."),
            ["usage information"]
        );
        assert_eq!(
            names("Technical Data is information that cannot be used to identify an individual."),
            ["technical data"]
        );
        assert_eq!(
            names("We collect information that does not personally identify you (\"Device Details\")."),
            ["device details"]
        );
        assert_eq!(
            names("All insights shared are anonymised and aggregated."),
            ["insights"]
        );
        assert_eq!(
            names("Browsing records are aggregated before they leave our systems."),
            ["browsing records"]
        );
    }

    #[test]
    fn names_that_identify_or_say_nothing_are_not() {
        // The name is identifiable, or its definition names identification first.
        assert!(names("“Personal Information” means information that identifies you, not aggregated data.").is_empty());
        assert!(names("Customer Data means your name and address; it does not include anonymous data.").is_empty());
        // Only words for any data: a definition of those would reach every practice.
        assert!(names("All information is anonymised before analysis.").is_empty());
        assert!(names("The data is aggregated.").is_empty());
        // The noun phrase runs on past the name: a restricted phrase, not a name.
        assert!(names("Location data we share with partners is aggregated.").is_empty());
        // A parenthesis after identifying data.
        assert!(names("We collect your name and e-mail address (\"Contact Data\").").is_empty());
    }

    fn identifiability(text: &str, defined: &str) -> Vec<String> {
        let o = ontology();
        let defs = o.definitions([defined]);
        let found = o.terms(text);
        let at = text.find("share").expect("a practice word");
        let site = Site {
            text,
            trigger: &(at..at + 5),
            scope: &(0..text.len()),
            excluded: &[],
            denial: false,
        };
        let mut practice = o.practice_of(&found, site);
        o.apply_definitions(&defs, &mut practice, text, 0);
        practice.identifiability.iter().map(|t| t.concept.clone()).collect()
    }

    use super::super::Site;

    #[test]
    fn a_practice_about_a_defined_name_alone_takes_its_definition() {
        let defined = "“Usage Information” means information that does not identify you.";
        assert_eq!(
            identifiability("We may share Usage Information with advertisers.", defined),
            [NON_PERSONAL]
        );
        assert_eq!(
            identifiability("We may share your Usage Information with advertisers.", defined),
            [NON_PERSONAL]
        );
        // Identifiable data beside the name keeps the practice identifiable.
        assert_eq!(
            identifiability(
                "We may share your email address and Usage Information with advertisers.",
                defined
            ),
            [IDENTIFIABLE]
        );
        assert!(identifiability("We may share location data with advertisers.", defined).is_empty());
    }
}
