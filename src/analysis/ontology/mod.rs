//! The ontology: the words for the parts of a practice — what is done (action), to which data
//! (identifiability, kinds), for whom (recipients), why (purpose) — and which concept is a kind of which
//! ("advertisers" are third parties, "sell" is a way to disclose). The data is `rules/ontology.toml`
//! (`[[concept]]` tables; rules files may add concepts); see docs/rules.md, "Practices and the ontology".

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::base::error::{Error, Location, Problem, Result, line_of};

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
    terms: Spanned<Vec<Spanned<String>>>,
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
    /// The terms as written.
    pub terms: Vec<String>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    pub origin: String,
}

/// One word of a term.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    /// This word, lower-cased.
    Exact(String),
    /// `*`: any one word.
    Any,
    /// `@`: any one word that starts with a capital letter, such as a company's name.
    Name,
    /// `..`: up to [`MAX_GAP`] words of any kind ("businesses that process .. on our behalf").
    Gap,
}

/// Most words a `..` in a term stands for.
const MAX_GAP: usize = 4;

impl Word {
    fn matches(&self, word: &str) -> bool {
        match self {
            Word::Exact(w) => lower_eq(word, w),
            Word::Any => true,
            Word::Name => word.chars().next().is_some_and(char::is_uppercase),
            Word::Gap => true,
        }
    }
}

/// Whether `word` lower-cased is `lower`, without allocating for ASCII words.
fn lower_eq(word: &str, lower: &str) -> bool {
    if word.is_ascii() {
        word.eq_ignore_ascii_case(lower)
    } else {
        word.chars().flat_map(char::to_lowercase).eq(lower.chars())
    }
}

/// A compiled term: its words, and which concept it names.
#[derive(Debug, Clone)]
struct TermPattern {
    concept: usize,
    words: Vec<Word>,
    /// How many of the words are wildcards: an exact term wins over one with wildcards.
    wildcards: usize,
}

/// Most words in a term.
const MAX_TERM_WORDS: usize = 8;

/// Splits text into words: runs of letters and digits. Punctuation, apostrophes, hyphens and any
/// spacing separate words, so "third-party" and "third party", or "customer’s" and "customer's", are
/// the same words.
fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            chars.next();
        }
        Some(start..end)
    })
}

/// Where `words` matched from word `start` of `spans` ends (the index after its last word), trying the
/// longest stretch for a gap first. A term has at most one gap, so this tries at most [`MAX_GAP`] + 1
/// alignments.
fn match_at(words: &[Word], spans: &[Range<usize>], text: &str, start: usize) -> Option<usize> {
    let Some(gap) = words.iter().position(|w| *w == Word::Gap) else {
        let end = start + words.len();
        let all = end <= spans.len()
            && words
                .iter()
                .zip(&spans[start..end])
                .all(|(w, s)| w.matches(&text[s.clone()]));
        return all.then_some(end);
    };
    let head = match_at(&words[..gap], spans, text, start)?;
    (0..=MAX_GAP)
        .rev()
        .find_map(|skip| match_at(&words[gap + 1..], spans, text, head + skip))
}

/// The words of a term as written ("third-party", "the @ group"), or why it cannot be matched.
fn term_words(term: &str) -> std::result::Result<Vec<Word>, String> {
    let mut out = Vec::new();
    for piece in term.split_whitespace() {
        match piece {
            "*" => out.push(Word::Any),
            "@" => out.push(Word::Name),
            ".." => out.push(Word::Gap),
            _ => {
                let before = out.len();
                out.extend(words(piece).map(|r| Word::Exact(piece[r].to_lowercase())));
                if out.len() == before {
                    return Err(format!("term `{term}`: `{piece}` has no letters or digits to match"));
                }
            }
        }
    }
    if !out.iter().any(|w| matches!(w, Word::Exact(_))) {
        return Err(format!("term `{term}` needs at least one word that is not a wildcard"));
    }
    let gaps = out.iter().filter(|w| **w == Word::Gap).count();
    let first_exact = out.iter().position(|w| matches!(w, Word::Exact(_)));
    let first_gap = out.iter().position(|w| *w == Word::Gap);
    if gaps > 1 || out.last() == Some(&Word::Gap) || first_gap.is_some_and(|g| first_exact.is_some_and(|e| g < e)) {
        return Err(format!(
            "term `{term}`: a `..` may appear once, after a plain word and before the last word"
        ));
    }
    if out.len() > MAX_TERM_WORDS {
        return Err(format!("term `{term}` has more than {MAX_TERM_WORDS} words"));
    }
    Ok(out)
}

/// Every concept and its terms, indexed by word.
#[derive(Debug, Clone)]
pub struct Ontology {
    pub concepts: Vec<Concept>,
    terms: Vec<TermPattern>,
    /// First exact word of each term → (term, that word's position in the term).
    /// Fx-hashed: looked up once per word of every clause with a finding, and its keys are the rules'.
    index: rustc_hash::FxHashMap<String, Vec<(usize, usize)>>,
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
    /// The words are what "this data" or "such information" refers to, in the sentence before or
    /// earlier in the same one, not in the practice's own words.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub antecedent: bool,
}

/// Words of a text, with their offsets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Phrase {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A practice read structurally: who does what to which data, for whom and why. Every part quotes its
/// words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Practice {
    /// What is done: `sell`, `disclose`, `collect`, `use`, `retain`. The practice word first, then any
    /// joined to it ("sell *or pass on*", "never sold *or disclosed*").
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub actions: Vec<Term>,
    /// How identifiable the data is: `identifiable`, `pseudonymous`, `aggregated`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub identifiability: Vec<Term>,
    /// Which data: `location`, `communications`, `usage`, `contact-details`, `financial`, `device`, or
    /// `data` when no kind is named.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub data: Vec<Term>,
    /// To whom: `third-parties`, `advertisers`, `business-partners`, `group-companies`, `service-providers`…
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub recipients: Vec<Term>,
    /// Why, where stated: `marketing`, `research`, `service`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub purposes: Vec<Term>,
    /// Words after the practice that name a recipient the ontology does not know ("to *the wrong
    /// people*"), when no known recipient is named: a denial of them is not a denial to everyone.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unrecognised_recipient: Option<Phrase>,
    /// Who does it, when not the company (or unstated): `customer` for "*you* do not disclose them to
    /// anyone" and for what the customer may ask for or suppose ("*if you prefer that* we do not
    /// share"); `other` for another party ("*they* may not share that information").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub actor: Option<Actor>,
    /// The data is named only by a pointer ("this data") whose referent is not in the practice's part;
    /// the sentence before is looked at for it.
    #[serde(skip)]
    pub(crate) needs_antecedent: bool,
}

impl Practice {
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
            && self.unrecognised_recipient.is_none()
            && self.identifiability.is_empty()
            && self.data.is_empty()
            && self.recipients.is_empty()
            && self.purposes.is_empty()
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
            actions: all(&self.actions),
            identifiability: all(&self.identifiability),
            data: all(&self.data),
            recipients: all(&self.recipients),
            purposes: all(&self.purposes),
            unrecognised_recipient: self.unrecognised_recipient.as_ref().map(|p| Phrase {
                start: p.start + by,
                end: p.end + by,
                ..p.clone()
            }),
            actor: self.actor,
            needs_antecedent: self.needs_antecedent,
        }
    }

    /// The terms of one dimension.
    pub fn of(&self, dimension: Dimension) -> &[Term] {
        match dimension {
            Dimension::Action => &self.actions,
            Dimension::Identifiability => &self.identifiability,
            Dimension::Data => &self.data,
            Dimension::Recipient => &self.recipients,
            Dimension::Purpose => &self.purposes,
        }
    }

    pub fn of_mut(&mut self, dimension: Dimension) -> &mut Vec<Term> {
        match dimension {
            Dimension::Action => &mut self.actions,
            Dimension::Identifiability => &mut self.identifiability,
            Dimension::Data => &mut self.data,
            Dimension::Recipient => &mut self.recipients,
            Dimension::Purpose => &mut self.purposes,
        }
    }
}

/// Words that come before a verb ("we *may* use", "*to* provide"): an action word after one of them
/// starts a practice, where one after "our" ("our *sales*") is a noun.
const BEFORE_VERB: [&str; 18] = [
    "may", "will", "can", "could", "might", "would", "shall", "must", "also", "we", "they", "to", "not", "never", "do",
    "does", "did", "then",
];

/// Whether one of the two words at the end of `before` comes before a verb.
fn after_verb_word(before: &str) -> bool {
    before
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(2)
        .any(|w| BEFORE_VERB.iter().any(|v| w.eq_ignore_ascii_case(v)))
}

/// Words between a subject and its verb: "you *do not* disclose", "you *should never* share".
const AUXILIARIES: [&str; 40] = [
    "do", "does", "did", "don", "doesn", "didn", "t", "not", "never", "will", "won", "would", "wouldn", "should",
    "shouldn", "must", "mustn", "may", "might", "can", "cannot", "could", "couldn", "also", "please", "ever", "always",
    "only", "be", "required", "to", "asked", "able", "need", "needs", "have", "are", "is", "am", "been",
];

/// Phrases that make what follows the customer's doing ("*you are responsible for* keeping … and not
/// sharing it", "*we recommend you* do not disclose them"), or what the customer may ask for or
/// suppose, not what the company does ("*if you prefer that* we do not share this information", "*if
/// you believe* your information has been released").
const CUSTOMER_DUTY: [&str; 29] = [
    "you are responsible",
    "you're responsible",
    "you’re responsible",
    "your responsibility",
    "we recommend you",
    "we recommend that you",
    "we ask you",
    "you agree",
    "you must",
    "you prefer",
    "you would prefer",
    "you do not want",
    "you don't want",
    "you don’t want",
    "you would like us not",
    "ask us not to",
    "request that we not",
    "request that we do not",
    "you believe",
    "you think",
    "you suspect",
    "you do not enable",
    "you may request",
    "you can request",
    "you wish",
    "you can limit",
    "you may limit",
    "you can choose",
    "you may choose",
];

/// How far before the practice word a [`CUSTOMER_DUTY`] phrase is looked for, in bytes.
const DUTY_WINDOW: usize = 160;

/// Who a practice is by, when not the company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Actor {
    /// The customer: "*you* do not disclose them", "*if you prefer that* we do not share".
    Customer,
    /// Another party: "*they* may not share that information", "*the operators* … may disclose".
    Other,
}

/// Subjects that are another party, not the company: "*they* may not share", "*operators* … may use".
const OTHER_SUBJECTS: [&str; 15] = [
    "they",
    "he",
    "she",
    "who",
    "which",
    "these",
    "those",
    "operators",
    "companies",
    "partners",
    "advertisers",
    "sites",
    "websites",
    "agencies",
    "parties",
];

/// The subject right before the practice word (past auxiliaries), or a phrase shortly before that
/// makes it the customer's duty or choice.
fn actor(before: &str) -> Option<Actor> {
    let mut from = before.len().saturating_sub(DUTY_WINDOW);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let near = before[from..].to_lowercase();
    if CUSTOMER_DUTY.iter().any(|p| near.contains(p)) {
        return Some(Actor::Customer);
    }
    let subject = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .find(|w| !AUXILIARIES.iter().any(|a| w.eq_ignore_ascii_case(a)))?;
    if subject.eq_ignore_ascii_case("you") {
        Some(Actor::Customer)
    } else if OTHER_SUBJECTS.iter().any(|s| subject.eq_ignore_ascii_case(s)) {
        Some(Actor::Other)
    } else {
        None
    }
}

/// Prepositions that lead a recipient: "to", "with".
const TO: [&str; 4] = ["to", "with", "among", "between"];

/// Words that start a noun phrase after "to" or "with" ("to *the* wrong people"); "to provide" is a
/// verb, "to you" the data subject.
const DETERMINERS: [&str; 10] = [
    "the", "a", "an", "any", "other", "these", "those", "certain", "selected", "some",
];

/// Plain nouns for a recipient that only a following description makes specific: "with *companies*
/// that advertise on our websites".
const GENERIC_RECIPIENTS: [&str; 13] = [
    "companies",
    "company",
    "organisations",
    "organizations",
    "businesses",
    "parties",
    "entities",
    "people",
    "persons",
    "firms",
    "advertisers",
    "partners",
    "competitors",
];

/// Most words looked at after the practice word for a recipient the ontology does not know.
const RECIPIENT_WORDS: usize = 24;

/// The first "to/with + noun phrase" in `range` of `text` ("to the wrong people"), up to four words
/// after the determiner and before punctuation; "to the extent" is not a recipient.
fn unrecognised_recipient(text: &str, range: Range<usize>, base: usize) -> Option<Phrase> {
    let spans: Vec<Range<usize>> = words(&text[range.clone()])
        .take(RECIPIENT_WORDS)
        .map(|r| range.start + r.start..range.start + r.end)
        .collect();
    let word = |i: usize| &text[spans[i].clone()];
    let at = (0..spans.len().saturating_sub(1)).find(|&i| {
        let determiner = DETERMINERS.iter().any(|d| word(i + 1).eq_ignore_ascii_case(d));
        TO.iter().any(|w| word(i).eq_ignore_ascii_case(w))
            && ((determiner && i + 2 < spans.len() && !word(i + 2).eq_ignore_ascii_case("extent"))
                || GENERIC_RECIPIENTS.iter().any(|d| word(i + 1).eq_ignore_ascii_case(d)))
    })?;
    let mut end = (at + 2).min(spans.len() - 1);
    while end + 1 < spans.len().min(at + 6) && text[spans[end].end..spans[end + 1].start].trim().is_empty() {
        end += 1;
    }
    let (start, stop) = (spans[at].start, spans[end].end);
    Some(Phrase {
        text: text[start..stop].to_string(),
        start: base + start,
        end: base + stop,
    })
}

/// Words that deny what follows them.
const DENYING: [&str; 7] = ["not", "cannot", "t", "no", "never", "without", "nor"];

/// Whether one of the six words before the end of `before` denies: "*not* personally identify you",
/// "*cannot* be linked back to an individual".
fn negated_before(before: &str) -> bool {
    before
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .any(|w| DENYING.iter().any(|d| w.eq_ignore_ascii_case(d)))
}

/// The identifiability concept data "about you" has ("*your* profile"), when the ontology has it.
const IDENTIFIABLE: &str = "identifiable";

/// Words that point back to data already named: "*this* data", "*such* information".
pub const POINTERS: [&str; 7] = ["this", "that", "these", "those", "such", "said", "same"];

fn is_pointer(word: &str) -> bool {
    POINTERS.iter().any(|p| word.eq_ignore_ascii_case(p))
}

/// The last word of `text`, if `text` ends with one (after spacing).
pub(crate) fn last_word(text: &str) -> Option<&str> {
    text.trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .filter(|w| !w.is_empty())
}

/// Whether the gap between two action words only joins them: "sell *or* pass on", "sold*, rented or*
/// traded".
fn only_joins(gap: &str) -> bool {
    gap.split(|c: char| c.is_whitespace() || c == ',' || c == '/')
        .filter(|w| !w.is_empty())
        .all(|w| matches!(w.to_ascii_lowercase().as_str(), "or" | "and" | "nor" | "otherwise"))
}

/// The terms found in a text: (concept index, byte range), in text order.
pub type Terms = Vec<(usize, Range<usize>)>;

/// Most terms kept per part of a practice.
const MAX_TERMS: usize = 8;

impl Ontology {
    /// Compiles the concepts of all files: ids unique, each parent a concept of the same dimension, no
    /// cycles, and no term in two concepts of one dimension. All problems are reported together.
    pub(crate) fn compile(defs: Vec<(ConceptDef, String, String)>) -> Result<Ontology> {
        let mut problems = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut concepts = Vec::new();
        let mut parents: Vec<Option<(Spanned<String>, String, String)>> = Vec::new();
        let mut terms: Vec<TermPattern> = Vec::new();
        // (dimension, words as written) → concept: a term means one thing per dimension.
        let mut owners: HashMap<(Dimension, String), usize> = HashMap::new();
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
                                terms.push(TermPattern {
                                    concept: index,
                                    words,
                                    wildcards,
                                });
                            }
                        }
                    }
                    Err(message) => problems.push(Problem {
                        location: at(term.span(), "terms"),
                        message,
                    }),
                }
            }
            seen.insert(id.clone(), index);
            parents.push(def.parent.map(|p| (p, name.clone(), source.clone())));
            concepts.push(Concept {
                id,
                dimension,
                parent: None,
                description: def.description,
                terms: def.terms.into_inner().into_iter().map(Spanned::into_inner).collect(),
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
        let mut index: rustc_hash::FxHashMap<String, Vec<(usize, usize)>> = Default::default();
        for (t, term) in terms.iter().enumerate() {
            if let Some((k, Word::Exact(w))) = term.words.iter().enumerate().find(|(_, w)| matches!(w, Word::Exact(_)))
            {
                index.entry(w.clone()).or_default().push((t, k));
            }
        }
        Ok(Ontology { concepts, terms, index })
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

    /// Every term in `text`, as (concept, byte range), in text order (by start, the longer first). Of terms of one dimension that
    /// overlap, the leftmost is kept, and of those starting at one word the longest, then an exact one
    /// over one with wildcards, then the more specific concept. Linear in the words of `text`: each word
    /// is looked up once, and only terms that start with it are tried.
    pub fn terms(&self, text: &str) -> Terms {
        let spans: Vec<Range<usize>> = words(text).collect();
        let mut lower = String::new();
        // (concept, first word, end word, wildcards)
        let mut found: Vec<(usize, usize, usize, usize)> = Vec::new();
        for (i, span) in spans.iter().enumerate() {
            let word = &text[span.clone()];
            lower.clear();
            if word.is_ascii() {
                lower.push_str(word);
                lower.make_ascii_lowercase();
            } else {
                lower.extend(word.chars().flat_map(char::to_lowercase));
            }
            let Some(candidates) = self.index.get(lower.as_str()) else {
                continue;
            };
            for &(t, k) in candidates {
                let term = &self.terms[t];
                let Some(start) = i.checked_sub(k) else { continue };
                if let Some(end) = match_at(&term.words, &spans, text, start) {
                    found.push((term.concept, start, end, term.wildcards));
                }
            }
        }
        found.sort_by_key(|&(c, start, end, wild)| {
            (
                self.concepts[c].dimension,
                start,
                std::cmp::Reverse(end),
                wild,
                std::cmp::Reverse(self.depth(c)),
            )
        });
        let mut kept: Vec<(usize, Range<usize>)> = Vec::new();
        let mut last: Option<(Dimension, usize)> = None;
        for (c, start, end, _) in found {
            let dimension = self.concepts[c].dimension;
            if matches!(last, Some((d, until)) if d == dimension && start < until) {
                continue;
            }
            last = Some((dimension, end));
            kept.push((c, spans[start].start..spans[end - 1].end));
        }
        // Of terms that start together, the longer first: a word inside another term comes after it.
        kept.sort_by_key(|(_, r)| (r.start, std::cmp::Reverse(r.end)));
        // A term inside a longer one of another dimension is a word of that one: "*third party* cookies"
        // is data, not a recipient; "*advertising* partners" a recipient, not a purpose. Action words are
        // kept (the practice word may be one); the practice sets them aside itself. One pass: per
        // dimension, the term seen so far that reaches furthest.
        let mut furthest: [Option<Range<usize>>; 5] = Default::default();
        kept.retain(|(c, r)| {
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
        denial: bool,
    ) -> Practice {
        let terms = self.terms(&text[scope.clone()]);
        self.practice_of(&terms, text, trigger, scope, excluded, base, denial)
    }

    /// [`Ontology::practice`] from the terms of `scope` already found, so that the findings of one part
    /// share one search.
    ///
    /// Of the data, recipients and purposes, those after the practice word are its own ("we share *your
    /// location* with *advertisers*"); only when none follows are those before it taken ("*your
    /// location* may be shared").
    #[allow(clippy::too_many_arguments)]
    pub fn practice_of(
        &self,
        terms: &[(usize, Range<usize>)],
        text: &str,
        trigger: &Range<usize>,
        scope: &Range<usize>,
        excluded: &[Range<usize>],
        base: usize,
        denial: bool,
    ) -> Practice {
        let abs = |r: &Range<usize>| scope.start + r.start..scope.start + r.end;
        let term = |c: usize, r: &Range<usize>| {
            let at = abs(r);
            Term {
                concept: self.concepts[c].id.clone(),
                text: text[at.clone()].to_string(),
                start: base + at.start,
                end: base + at.end,
                antecedent: false,
            }
        };
        let inside = |r: &Range<usize>| {
            let at = abs(r);
            excluded.iter().any(|e| e.start <= at.start && at.end <= e.end)
        };
        let mut practice = Practice::default();

        // The action at the practice word, and those joined to it on either side.
        let mut window = scope.clone();
        // An action word inside a term of another dimension is a noun there ("your *use* of our
        // services", "businesses that *process* … on our behalf"), not another practice; so is one
        // that no verb word leads ("our *sales*, customers").
        let at_trigger = |r: &Range<usize>| {
            let a = abs(r);
            a.start < trigger.end && trigger.start < a.end
        };
        // Terms are in start order: one pass, with the furthest end of the other dimensions' terms so far.
        let mut actions: Vec<&(usize, Range<usize>)> = Vec::new();
        let mut other_end = 0;
        for t in terms {
            if self.concepts[t.0].dimension != Dimension::Action {
                other_end = other_end.max(t.1.end);
            } else if at_trigger(&t.1) || other_end < t.1.end {
                actions.push(t);
            }
        }
        // Where the practice word is not an action ("your *location*", "*opt out*"), the action is the
        // nearest one in the part: "we collect your location", "location data is kept".
        let distance = |r: &Range<usize>| {
            let a = abs(r);
            if a.end <= trigger.start {
                trigger.start - a.end
            } else {
                a.start.saturating_sub(trigger.end)
            }
        };
        let at = actions
            .iter()
            .position(|(_, r)| at_trigger(r))
            .or_else(|| (0..actions.len()).min_by_key(|&i| distance(&actions[i].1)));
        if let Some(at) = at {
            let joined = |i: usize, j: usize| only_joins(&text[abs(&actions[i].1).end..abs(&actions[j].1).start]);
            let mut from = at;
            while from > 0 && joined(from - 1, from) {
                from -= 1;
            }
            let mut to = at;
            while to + 1 < actions.len() && joined(to, to + 1) {
                to += 1;
            }
            // Another action not joined to this one starts another practice: "pass this data to the
            // third parties *and we may use* this information to provide you with … communications".
            let verb = |r: &Range<usize>| after_verb_word(&text[..abs(r).start]);
            if let Some((_, r)) = actions[..from].iter().rev().find(|(_, r)| verb(r)) {
                window.start = abs(r).end;
            }
            if let Some((_, r)) = actions[to + 1..].iter().find(|(_, r)| verb(r)) {
                window.end = abs(r).start;
            }
            practice.actions.push(term(actions[at].0, &actions[at].1));
            for (c, r) in actions[from..=to]
                .iter()
                .copied()
                .filter(|(_, r)| abs(r) != abs(&actions[at].1))
            {
                if practice.actions.len() < MAX_TERMS {
                    practice.actions.push(term(*c, r));
                }
            }
        }

        for dimension in [
            Dimension::Identifiability,
            Dimension::Data,
            Dimension::Recipient,
            Dimension::Purpose,
        ] {
            let of: Vec<&(usize, Range<usize>)> = terms
                .iter()
                .filter(|(c, r)| {
                    let at = abs(r);
                    self.concepts[*c].dimension == dimension
                        && !inside(r)
                        && window.start <= at.start
                        && at.end <= window.end
                })
                .collect();
            let mut of = of;
            if of.is_empty() && matches!(dimension, Dimension::Identifiability | Dimension::Data) {
                // A passive's subject may sit before an earlier verb of the sentence ("*Addresses* you
                // provide … may be saved …, and will not be shared"), an object after a later one
                // ("will not share … or authorize any third party to use *your email address*").
                let of_dimension = |r: &Range<usize>, c: usize| self.concepts[c].dimension == dimension && !inside(r);
                of = terms
                    .iter()
                    .filter(|(c, r)| of_dimension(r, *c) && abs(r).end <= window.start)
                    .collect();
                if of.is_empty() {
                    of = terms
                        .iter()
                        .filter(|(c, r)| of_dimension(r, *c) && abs(r).start >= window.end)
                        .take(MAX_TERMS)
                        .collect();
                }
            }
            let after = of.iter().any(|(_, r)| abs(r).end > trigger.start);
            let list = practice.of_mut(dimension);
            for (c, r) in of.iter().filter(|(_, r)| (abs(r).end > trigger.start) == after) {
                if list.len() < MAX_TERMS && !list.iter().any(|t| t.concept == self.concepts[*c].id) {
                    list.push(term(*c, r));
                }
            }
            if dimension == Dimension::Data && after && self.only_pointers(&practice.data, text, base) {
                // "may pass *this data*": what it points to is named before the practice word, or in the
                // sentence before.
                let before: Vec<Term> = of
                    .iter()
                    .filter(|(c, r)| abs(r).end <= trigger.start && self.concepts[*c].parent.is_some())
                    .map(|(c, r)| Term {
                        antecedent: true,
                        ..term(*c, r)
                    })
                    .collect();
                if before.is_empty() {
                    practice.needs_antecedent = true;
                }
                for t in before {
                    if practice.data.len() < MAX_TERMS && !practice.data.iter().any(|d| d.concept == t.concept) {
                        practice.data.push(t);
                    }
                }
            }
        }
        // "cannot be linked back to *an individual*", "does not *identify you*": identifiability denied
        // of the data is not what the data is.
        // A denial's own negation comes before its verb; only one between the verb and the term
        // denies the term ("we do not sell *customer data*" keeps it).
        practice.identifiability.retain(|t| {
            let from = if denial { trigger.end.min(t.start - base) } else { 0 };
            t.antecedent || t.concept != IDENTIFIABLE || !negated_before(&text[from..t.start - base])
        });
        // "*your* profile", "*your* location": data about the reader is identifiable.
        if practice.identifiability.is_empty()
            && let Some(t) = practice.data.iter().find(|t| {
                !t.antecedent && last_word(&text[..t.start - base]).is_some_and(|w| w.eq_ignore_ascii_case("your"))
            })
        {
            let start = text[..t.start - base].trim_end().len() - "your".len();
            practice.identifiability.push(Term {
                concept: IDENTIFIABLE.to_string(),
                text: text[start..t.end - base].to_string(),
                start: base + start,
                end: t.end,
                antecedent: false,
            });
        }
        self.drop_general(&mut practice);
        practice.actor = actor(&text[scope.start..trigger.start]);
        // "*these* third parties" are ones named before, not third parties at large.
        if let Some(i) = practice
            .recipients
            .iter()
            .position(|t| last_word(&text[..t.start - base]).is_some_and(is_pointer))
        {
            let t = practice.recipients.remove(i);
            let before = &text[..t.start - base];
            let pointer = last_word(before).unwrap_or("");
            let start = t.start - (before.len() - before.trim_end().len()) - pointer.len();
            practice.unrecognised_recipient = Some(Phrase {
                text: text[start - base..t.end - base].to_string(),
                start,
                end: t.end,
            });
        }
        if practice.recipients.is_empty() && practice.unrecognised_recipient.is_none() {
            practice.unrecognised_recipient =
                unrecognised_recipient(text, trigger.end..window.end.max(trigger.end), base);
        }
        practice
    }

    /// Whether every data term is a general one ("data") right after a pointer ("this", "such").
    fn only_pointers(&self, data: &[Term], text: &str, base: usize) -> bool {
        !data.is_empty()
            && data.iter().all(|t| {
                let general = self
                    .concept(&t.concept)
                    .is_some_and(|c| self.concepts[c].parent.is_none());
                let before = text[..t.start - base].trim_end();
                let last = before
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .find(|w| !w.is_empty())
                    .unwrap_or("");
                // "such *aggregate* information": the pointer may sit before an identifiability word.
                let pointer = |w: &str| POINTERS.iter().any(|p| w.eq_ignore_ascii_case(p));
                general
                    && (pointer(last)
                        || before
                            .split(|c: char| !c.is_alphanumeric())
                            .filter(|w| !w.is_empty())
                            .rev()
                            .nth(1)
                            .is_some_and(pointer))
            })
    }

    /// Whether `word` is a general word for data ("data", "information"), a term of a data concept
    /// without parent.
    pub fn is_general_data_word(&self, word: &str) -> bool {
        self.terms(word).iter().any(|(c, r)| {
            let concept = &self.concepts[*c];
            concept.dimension == Dimension::Data && concept.parent.is_none() && *r == (0..word.len())
        })
    }

    /// The terms of one dimension in `text`, as [`Term`]s whose offsets are moved by `base`.
    pub fn terms_in(&self, text: &str, base: usize, dimension: Dimension) -> Vec<Term> {
        self.terms(text)
            .into_iter()
            .filter(|(c, _)| self.concepts[*c].dimension == dimension)
            .take(MAX_TERMS)
            .map(|(c, r)| Term {
                concept: self.concepts[c].id.clone(),
                text: text[r.clone()].to_string(),
                start: base + r.start,
                end: base + r.end,
                antecedent: false,
            })
            .collect()
    }

    /// Takes what the sentence before names for a practice whose data is only "this data": its kinds of
    /// data and, when the practice names none, its identifiability. `previous` is that sentence and
    /// `base` its offset.
    pub fn resolve_antecedent(&self, practice: &mut Practice, previous: &str, base: usize) {
        if !practice.needs_antecedent {
            return;
        }
        practice.needs_antecedent = false;
        let want_identifiability = practice.identifiability.is_empty();
        for (c, r) in self.terms(previous) {
            let concept = &self.concepts[c];
            let wanted = match concept.dimension {
                Dimension::Data => concept.parent.is_some(),
                Dimension::Identifiability => want_identifiability,
                _ => false,
            };
            let list = practice.of_mut(concept.dimension);
            if wanted && list.len() < MAX_TERMS && !list.iter().any(|t| t.concept == concept.id) {
                list.push(Term {
                    concept: concept.id.clone(),
                    text: previous[r.clone()].to_string(),
                    start: base + r.start,
                    end: base + r.end,
                    antecedent: true,
                });
            }
        }
    }

    /// A general concept says nothing a more specific one in the same list does not ("data" beside
    /// "location data", "third parties" beside "advertisers"), unless it is the pointer the specific
    /// ones resolve ("this data").
    fn drop_general(&self, practice: &mut Practice) {
        for dimension in [
            Dimension::Identifiability,
            Dimension::Data,
            Dimension::Recipient,
            Dimension::Purpose,
        ] {
            let list = practice.of_mut(dimension);
            let ids: Vec<Option<usize>> = list.iter().map(|t| self.concept(&t.concept)).collect();
            let general = |i: usize| {
                !list[i].antecedent
                    && !list.iter().any(|t| t.antecedent)
                    && ids.iter().enumerate().any(|(j, other)| {
                        j != i && matches!((ids[i], *other), (Some(g), Some(o)) if g != o && self.subsumes(g, o))
                    })
            };
            let keep: Vec<bool> = (0..list.len()).map(|i| !general(i)).collect();
            let mut k = keep.iter();
            list.retain(|_| *k.next().unwrap_or(&true));
        }
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

    static ONTOLOGY: LazyLock<Ontology> = LazyLock::new(|| {
        parse(
            "rules/ontology.toml",
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/ontology.toml")),
        )
        .unwrap()
    });

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
        ontology().practice(text, &trigger, &(0..text.len()), &[], 0, false)
    }

    fn concepts(terms: &[Term]) -> Vec<&str> {
        terms.iter().map(|t| t.concept.as_str()).collect()
    }

    #[test]
    fn a_practice_names_its_parts_with_their_words() {
        let text = "We may provide such aggregate information to third parties, for example, content partners and advertisers.";
        let p = practice(text);
        let action = &p.actions[0];
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
        let p = ontology().practice(
            text,
            &(10..17),
            &(0..text.len()),
            std::slice::from_ref(&(at..text.len() - 1)),
            0,
            true,
        );
        assert_eq!(concepts(&p.recipients), ["anyone"]);
    }

    /// The practice of the finding whose practice word is `word` in `text`.
    fn practice_at(text: &str, word: &str, denial: bool) -> Practice {
        let at = text.find(word).unwrap();
        ontology().practice(text, &(at..at + word.len()), &(0..text.len()), &[], 0, denial)
    }

    fn texts(terms: &[Term]) -> Vec<&str> {
        terms.iter().map(|t| t.text.as_str()).collect()
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
                .filter(|(c, _)| o.concepts[*c].dimension == Dimension::Recipient)
                .map(|(c, r)| (o.concepts[c].id.clone(), text[r].to_string()))
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
        // "third-party" before a kind of recipient is a word of its own; the practice keeps the kind.
        assert_eq!(found("with third-party advertisers").len(), 2);
    }

    #[test]
    fn a_term_inside_a_longer_one_of_another_dimension_is_part_of_it() {
        let o = ontology();
        let dims = |text: &str| -> Vec<(Dimension, String)> {
            o.terms(text)
                .into_iter()
                .map(|(c, r)| (o.concepts[c].dimension, text[r].to_string()))
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
    fn joined_actions_belong_to_one_practice_and_a_new_verb_starts_another() {
        let p = practice_at("Tesco Mobile does not sell or pass on any customer data.", "sell", true);
        assert_eq!(texts(&p.actions), ["sell", "pass on"]);
        let p = practice_at("We never sell, rent or trade your details.", "sell", true);
        assert_eq!(texts(&p.actions), ["sell", "rent", "trade"]);
        let text = "We may pass this data to the third parties mentioned above and we may use this \
                    information to provide you with targeted offers or commercial communications.";
        let p = practice_at(text, "pass", false);
        assert_eq!(texts(&p.actions), ["pass"]);
        assert_eq!(
            concepts(&p.data),
            ["data"],
            "\"commercial communications\" belong to the next practice"
        );
        assert!(p.needs_antecedent, "\"this data\" points back");
        // A noun is not a new practice: "our sales" does not end the one before it.
        let p = practice_at(
            "to provide aggregated statistics about our sales, customers to third parties",
            "provide",
            false,
        );
        assert_eq!(concepts(&p.recipients), ["third-parties"]);
    }

    #[test]
    fn pointers_take_what_they_point_to() {
        let o = ontology();
        let text =
            "We analyse your calling and location data on a personalised basis, and may provide such data to partners.";
        let p = practice_at(text, "provide", false);
        let antecedents: Vec<&str> = p
            .data
            .iter()
            .filter(|t| t.antecedent)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(antecedents, ["calling", "location data"]);
        let mut p = practice_at("We may pass this data to advertisers.", "pass", false);
        assert!(p.needs_antecedent);
        let before = "We record your location on an aggregated basis.";
        o.resolve_antecedent(&mut p, before, 100);
        let location = p.data.iter().find(|t| t.concept == "location").unwrap();
        assert!(
            location.antecedent && location.start == 100 + before.find("location").unwrap(),
            "{location:?}"
        );
        assert_eq!(concepts(&p.identifiability), ["aggregated"]);
    }

    #[test]
    fn recipients_the_ontology_does_not_know_are_kept_as_words() {
        let p = practice_at(
            "we do not disclose your information to the wrong people.",
            "disclose",
            true,
        );
        assert!(p.recipients.is_empty());
        assert_eq!(p.unrecognised_recipient.unwrap().text, "to the wrong people");
        let p = practice_at("We will not transfer information to competitors.", "transfer", true);
        assert_eq!(p.unrecognised_recipient.unwrap().text, "to competitors");
        let p = practice_at(
            "we will not share information with these third parties which identifies you.",
            "share",
            true,
        );
        assert!(p.recipients.is_empty(), "{:?}", p.recipients);
        assert_eq!(p.unrecognised_recipient.unwrap().text, "these third parties");
        let p = practice_at("We do not share your data to the extent the law allows.", "share", true);
        assert!(p.unrecognised_recipient.is_none());
    }

    #[test]
    fn who_acts_is_read_from_the_subject() {
        let actor = |text: &str, word: &str| practice_at(text, word, true).actor;
        assert_eq!(
            actor("You should never share your password with anyone.", "share"),
            Some(Actor::Customer)
        );
        assert_eq!(
            actor(
                "You're responsible for keeping your account secure and not sharing it with others.",
                "sharing"
            ),
            Some(Actor::Customer)
        );
        assert_eq!(
            actor(
                "If you prefer that we do not share this information, write to us.",
                "share"
            ),
            Some(Actor::Customer)
        );
        assert_eq!(
            actor("They may not share that information with anyone.", "share"),
            Some(Actor::Other)
        );
        assert_eq!(actor("We will never share your data.", "share"), None);
        assert_eq!(actor("Your data will not be shared.", "shared"), None);
    }

    #[test]
    fn identifiability_is_what_the_data_is_not_what_it_is_denied_to_be() {
        let p = practice_at(
            "Anonymous information that cannot be linked back to an individual may be made available to partners.",
            "made available",
            false,
        );
        assert_eq!(concepts(&p.identifiability), ["aggregated"]);
        // A denial's own negation is before its verb: the data keeps its words.
        let p = practice_at("Virgin Media does not sell customer data.", "sell", true);
        assert_eq!(concepts(&p.identifiability), ["identifiable"]);
        // Data about the reader is identifiable.
        let p = practice_at("We do not share your profile with other third parties.", "share", true);
        assert_eq!(texts(&p.identifiability), ["your profile"]);
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
        let cycle = "[[concept]]\nid = \"a\"\ndimension = \"data\"\nparent = \"b\"\ndescription = \"d\"\nterms = ['a']\n\
                     [[concept]]\nid = \"b\"\ndimension = \"data\"\nparent = \"a\"\ndescription = \"d\"\nterms = ['b']\n";
        assert!(load(cycle).contains("is its own ancestor"));
    }
}
