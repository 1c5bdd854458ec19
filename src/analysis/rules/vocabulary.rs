//! One vocabulary: a rule's pattern names ontology concepts instead of spelling out its own word lists.
//! `{recipient}` stands for every recipient term, `{action:disclose}` for the terms of `disclose` and of
//! the concepts under it (`sell`), `{data}` for every kind of data. At load each name becomes the regex
//! alternation of those terms ([`Ontology::terms_pattern`]), so a term added to `rules/ontology.toml`
//! (or by a `--rules` file) reaches every rule that names its concept. `{grammar:determiners}` names a
//! list of the `[grammar]` table the same way.

use std::borrow::Cow;

use crate::analysis::ontology::{Dimension, Ontology};

/// A concept name in a pattern that the ontology cannot give terms for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VocabularyError {
    #[error("`{{{0}}}` names no part of a practice; use one of {known}", known = dimensions())]
    UnknownDimension(String),
    #[error("`{{{dimension}:{concept}}}`: the ontology has no {dimension} concept `{concept}`{hint}")]
    UnknownConcept {
        dimension: String,
        concept: String,
        /// Where the concept is, when it is of another dimension.
        hint: String,
    },
    #[error("`{{{0}` is not closed with `}}`")]
    Unclosed(String),
    #[error("`{{grammar:{0}}}`: the grammar has no list `{0}`; its lists: {1}")]
    UnknownList(String, String),
}

fn dimensions() -> String {
    let parts = Dimension::ALL.map(|d| format!("{{{}}}", d.as_str())).join(", ");
    format!("{parts} (each with `:concept` or not), or {{grammar:LIST}}")
}

/// `pattern` with every concept name (`{dimension}` or `{dimension:concept}`) replaced by its terms.
/// Regex repetitions (`{2}`, `{0,60}`) start with a digit and are left alone, as is an escaped `\{`.
pub fn expand<'p>(pattern: &'p str, ontology: &Ontology) -> Result<Cow<'p, str>, VocabularyError> {
    if !pattern.contains('{') {
        return Ok(Cow::Borrowed(pattern));
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(at) = rest.find(['\\', '{']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(escaped) = tail.strip_prefix('\\') {
            // An escape and the character it escapes stay as they are.
            let len = escaped.chars().next().map_or(0, char::len_utf8);
            out.push_str(&tail[..1 + len]);
            rest = &escaped[len..];
            continue;
        }
        let name_start = &tail[1..];
        if !name_start.starts_with(|c: char| c.is_ascii_lowercase()) {
            out.push('{');
            rest = name_start;
            continue;
        }
        let Some(end) = name_start.find('}') else {
            let name: String = name_start.chars().take(30).collect();
            return Err(VocabularyError::Unclosed(name));
        };
        out.push_str(&concept_terms(&name_start[..end], ontology)?);
        rest = &name_start[end + 1..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// A concept named in a rule's `before` or `after`: every term of a part of a practice, or of one concept
/// and the concepts under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConceptSlot {
    pub dimension: Dimension,
    /// Index into the ontology's concepts.
    pub concept: Option<usize>,
    /// The concept's own terms only, not those of the concepts under it (`{data:data!}`: the general
    /// nouns "data", "information", "details", not "location" or "cookies").
    pub exact: bool,
}

impl ConceptSlot {
    /// The slot a name stands for: `recipient`, `recipient:third-parties`, `data:data!` (its own terms
    /// only).
    pub fn resolve(name: &str, o: &Ontology) -> Result<ConceptSlot, VocabularyError> {
        let (dimension_name, concept_name) = match name.split_once(':') {
            Some((d, c)) => (d, Some(c)),
            None => (name, None),
        };
        let (concept_name, exact) = match concept_name.map(|c| c.strip_suffix('!')) {
            Some(Some(c)) => (Some(c), true),
            _ => (concept_name, false),
        };
        let dimension = Dimension::ALL
            .into_iter()
            .find(|d| d.as_str() == dimension_name)
            .ok_or_else(|| VocabularyError::UnknownDimension(name.to_string()))?;
        let concept = match concept_name {
            None => None,
            Some(id) => Some(concept_of(o, dimension, dimension_name, id)?),
        };
        Ok(ConceptSlot {
            dimension,
            concept,
            exact,
        })
    }

    /// Whether a term of the concept at `index` can be this slot's: for an exact slot (`{data:data!}`),
    /// a term of a concept under it may still end in one of its own terms ("location *data*"), which a
    /// sequence checks word by word.
    pub fn may_hold(&self, o: &Ontology, index: usize) -> bool {
        match self.concept {
            Some(c) if self.exact => o.concepts[index].dimension == self.dimension && o.subsumes(c, index),
            _ => self.holds(o, index),
        }
    }

    /// Whether the concept at `index` is this slot's. A plain `{data}` slot also takes data named by how
    /// identifiable it is: "give that business *your name*", "sell *customer data*".
    pub fn holds(&self, o: &Ontology, index: usize) -> bool {
        let dimension = o.concepts[index].dimension;
        match self.concept {
            Some(c) if self.exact => c == index,
            Some(c) => dimension == self.dimension && o.subsumes(c, index),
            None => {
                dimension == self.dimension
                    || (self.dimension == Dimension::Data && dimension == Dimension::Identifiability)
            }
        }
    }
}

/// The concept `id` of `dimension`, or why it is not one.
fn concept_of(o: &Ontology, dimension: Dimension, dimension_name: &str, id: &str) -> Result<usize, VocabularyError> {
    match o.concept(id) {
        Some(c) if o.concepts[c].dimension == dimension => Ok(c),
        other => {
            let hint = other.map_or(String::new(), |c| {
                let d = o.concepts[c].dimension.as_str();
                format!(" (`{id}` is a {d} concept: `{{{d}:{id}}}`)")
            });
            Err(VocabularyError::UnknownConcept {
                dimension: dimension_name.to_string(),
                concept: id.to_string(),
                hint,
            })
        }
    }
}

/// The words of the grammar list `list`, or why there is none.
pub(super) fn grammar_list(list: &str, o: &Ontology) -> Result<Vec<String>, VocabularyError> {
    let lists = o.grammar.lists();
    match lists.iter().find(|(n, _)| *n == list) {
        Some((_, words)) => Ok(words.to_vec()),
        None => {
            let known: Vec<&str> = lists.iter().map(|(n, _)| *n).collect();
            Err(VocabularyError::UnknownList(list.to_string(), known.join(", ")))
        }
    }
}

/// The terms a concept name stands for, as a non-capturing group.
fn concept_terms(name: &str, o: &Ontology) -> Result<String, VocabularyError> {
    let (dimension_name, concept_name) = match name.split_once(':') {
        Some((d, c)) => (d, Some(c)),
        None => (name, None),
    };
    if dimension_name == "grammar" {
        return Ok(words_pattern(&grammar_list(concept_name.unwrap_or(""), o)?));
    }
    if concept_name.is_some_and(|c| c.ends_with('!')) {
        let slot = ConceptSlot::resolve(name, o)?;
        return Ok(o.terms_pattern_where(|c| slot.holds(o, c)));
    }
    let dimension = Dimension::ALL
        .into_iter()
        .find(|d| d.as_str() == dimension_name)
        .ok_or_else(|| VocabularyError::UnknownDimension(name.to_string()))?;
    let concept = match concept_name {
        None => None,
        Some(id) => Some(concept_of(o, dimension, dimension_name, id)?),
    };
    // As in a sequence's slot (`ConceptSlot::holds`), plain `{data}` takes identifiability's terms too.
    if dimension == Dimension::Data && concept.is_none() {
        let identifiability = o.terms_pattern(Dimension::Identifiability, None);
        return Ok(format!("(?:{}|{identifiability})", o.terms_pattern(dimension, None)));
    }
    Ok(o.terms_pattern(dimension, concept))
}

/// A grammar list as a group of whole-word alternatives, the longest first; spaces in a phrase match any
/// spacing.
fn words_pattern(words: &[String]) -> String {
    let mut sorted: Vec<&String> = words.iter().collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let branches: Vec<String> = sorted
        .iter()
        .map(|w| w.split_whitespace().map(regex::escape).collect::<Vec<_>>().join(r"\s+"))
        .collect();
    format!(r"(?:\b(?:{})\b)", branches.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::RuleSet;

    fn ontology() -> Ontology {
        RuleSet::default_rules().unwrap().ontology
    }

    #[test]
    fn names_become_the_terms_of_the_concept_and_those_under_it() {
        let o = ontology();
        let re = |p: &str| {
            regex::RegexBuilder::new(&expand(p, &o).unwrap())
                .case_insensitive(true)
                .build()
                .unwrap()
        };
        let disclose = re(r"^{action:disclose}$");
        for words in ["share", "pass on", "sold", "made available"] {
            assert!(disclose.is_match(words), "{words}");
        }
        assert!(!disclose.is_match("collect"));
        let sell = re(r"^{action:sell}$");
        assert!(
            sell.is_match("sold") && !sell.is_match("share"),
            "a concept's terms, not its parent's"
        );
        let recipient = re(r"\bto {recipient}");
        assert!(recipient.is_match("passed to third-party advertisers"));
        assert!(
            recipient.is_match("given to the Tesco Group"),
            "@ is a capitalised word"
        );
        assert!(
            recipient.is_match("to businesses that process this information on our behalf"),
            ".. is a gap"
        );
        assert!(!recipient.is_match("to you"));
        let data = re(r"^{data}$");
        assert!(data.is_match("location data") && data.is_match("e-mail address") && data.is_match("E mail addresses"));
    }

    #[test]
    fn repetitions_escapes_and_plain_patterns_are_left_alone() {
        let o = ontology();
        for p in [r"\bshare\b", r"a{2}", r"[^.]{0,60}?", r"\{recipient\}", r"\\"] {
            assert_eq!(expand(p, &o).unwrap(), p);
        }
    }

    #[test]
    fn unknown_names_say_what_is_known() {
        let o = ontology();
        let err = |p: &str| expand(p, &o).unwrap_err().to_string();
        assert!(
            err("{recipients}").contains("names no part of a practice; use one of {action}"),
            "{}",
            err("{recipients}")
        );
        assert!(err("{recipient:nobody}").contains("has no recipient concept `nobody`"));
        assert!(
            err("{action:advertisers}").contains("(`advertisers` is a recipient concept: `{recipient:advertisers}`)")
        );
        assert!(err("share {action").contains("`{action` is not closed"));
        assert!(err("{grammar:verbs}").contains("the grammar has no list `verbs`; its lists: before_verb"));
    }

    #[test]
    fn a_plain_data_slot_takes_identifiable_data_too() {
        let o = ontology();
        let concept = |id: &str| o.concept(id).unwrap();
        let data = ConceptSlot::resolve("data", &o).unwrap();
        assert!(data.holds(&o, concept("location")));
        assert!(data.holds(&o, concept("identifiable")), "\"your name\" is data");
        let location = ConceptSlot::resolve("data:location", &o).unwrap();
        assert!(!location.holds(&o, concept("identifiable")));
        assert!(!data.holds(&o, concept("third-parties")));
        let re = regex::Regex::new(&expand("{data}", &o).unwrap()).unwrap();
        assert!(re.is_match("customer data") && re.is_match("your name"));
    }

    #[test]
    fn grammar_lists_are_named_too() {
        let o = ontology();
        let p = expand(r"^{grammar:pointers}\s+data$", &o).unwrap();
        let re = regex::RegexBuilder::new(&p).case_insensitive(true).build().unwrap();
        assert!(re.is_match("Such data") && re.is_match("these data") && !re.is_match("your data"));
    }
}
