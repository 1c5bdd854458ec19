//! Sequences: a rule written as concepts and words in order, matched over a clause's words rather than
//! its characters. `<{action:disclose}> … to|with … {recipient}` reads "a disclosure verb (the practice
//! word), up to eight words, *to* or *with*, up to eight words, a recipient". A concept slot covers
//! every term of the concept and of the concepts under it, whatever its length in words, so a term
//! added to the ontology reaches every sequence that names its concept, in every language pack.
//!
//! The matcher takes the terms the ontology finds in the clause (one hashed pass over its words) and
//! tries each sequence at each word. What it learns about a step at a word holds for every start, so it
//! is remembered: a clause of `n` words costs at most `steps × n × widest gap` checks.

use std::collections::HashMap;
use std::ops::Range;

use crate::analysis::ontology::{ConceptSet, Dimension, Found, Grammar, Ontology, TextWords, word_key};

use super::vocabulary::{ConceptSlot, VocabularyError, grammar_list};

/// The widest gap a sequence may ask for, in words.
pub const MAX_GAP: usize = 40;
/// The gap `…` allows when it gives no width.
pub const DEFAULT_GAP: usize = 8;
/// The gap `~` allows when it gives no width.
pub const DEFAULT_PHRASE_GAP: usize = 4;
/// The most words a repeated step (`*`) takes.
pub const MAX_REPEAT: usize = 4;

/// Why a sequence cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SequenceError {
    #[error("the sequence is empty; write concepts (`{{recipient}}`) and words (`to|with`) in order")]
    Empty,
    #[error("a sequence cannot start or end with a gap (`…`); a match starts and ends at a word")]
    EdgeGap,
    #[error("`{0}`: a gap is `…` or `...` (or `~` within a phrase), with at most {MAX_GAP} words (`…12`, `~3`)")]
    BadGap(String),
    #[error("only one step can be the practice word (`<…>`)")]
    TwoTriggers,
    #[error("`{0}`: a word step is letters and digits, alternatives joined by `|` (`to|with`)")]
    BadWord(String),
    #[error("every step is optional (`?` or `*`); at least one must match")]
    AllOptional,
    #[error("`{0}`: only a word step repeats (`*`); a concept's terms are already of any length")]
    RepeatedConcept(String),
    #[error(transparent)]
    Vocabulary(#[from] VocabularyError),
}

/// What one step matches at a word.
#[derive(Debug, Clone)]
enum Item {
    /// A term of the concept, or of one under it; for an exact slot, the one-word terms of its concept,
    /// which a term of a concept under it may end in ("location *data*").
    Concept(ConceptSlot, Option<WordSet>, SlotConcepts),
    /// One of these words.
    Words(WordSet),
}

/// The concepts a slot takes ([`ConceptSlot::holds`]) and may take by its head word
/// ([`ConceptSlot::may_hold`]), worked out once: steps test them at every word.
#[derive(Debug, Clone)]
struct SlotConcepts {
    holds: ConceptSet,
    may_hold: ConceptSet,
}

#[derive(Debug, Clone)]
struct Step {
    item: Item,
    optional: bool,
    /// Up to [`MAX_REPEAT`] words of the step in a row, or none.
    repeat: bool,
    /// At most this many words between the step before and this one.
    gap: usize,
    /// The gap stays within a phrase: no comma, bracket or dash between the step before and this one.
    phrase: bool,
}

/// A compiled sequence.
#[derive(Debug, Clone)]
pub struct Sequence {
    steps: Vec<Step>,
    /// The step whose words are the practice word, if one is marked `<…>`.
    trigger: Option<usize>,
    /// A match must start at the first word of the part searched (`^`), as a regex's `^` would: a list
    /// item that opens with its recipient ("With service providers who…").
    anchored: bool,
    /// The concepts of the steps that must match: a clause without a term of each is not tried.
    required: Vec<ConceptSlot>,
    /// For each of `required`, every concept of the ontology it holds, so that a clause's concepts are
    /// checked without walking the ontology's tree for each term.
    required_concepts: Vec<ConceptSet>,
}

impl Sequence {
    /// Compiles `source`: steps separated by spaces; `{dimension}`, `{dimension:concept}` (`!` after
    /// the concept: its own terms, or those under it ending in one) and `{grammar:LIST}`, or words joined
    /// by `|`; `…` / `...` (up to 8 words) or `…N` between steps, `~` / `~N` (up to 4, or N, words
    /// within a phrase);
    /// `?` after a step makes it optional, `*` after a word step takes up to four such words or none,
    /// `<step>` marks the practice word, and a leading `^` anchors the match at the first word.
    pub fn compile(source: &str, ontology: &Ontology) -> Result<Sequence, SequenceError> {
        let mut steps: Vec<Step> = Vec::new();
        let mut trigger = None;
        let mut gap: Option<(usize, bool)> = None;
        let mut tokens = source.split_whitespace().peekable();
        let anchored = tokens.next_if_eq(&"^").is_some();
        for token in tokens {
            let phrase = token.strip_prefix('~');
            if let Some(width) = (token.strip_prefix('…').or_else(|| token.strip_prefix("..."))).or(phrase) {
                let width = match width {
                    "" if phrase.is_some() => DEFAULT_PHRASE_GAP,
                    "" => DEFAULT_GAP,
                    w => w
                        .parse::<usize>()
                        .ok()
                        .filter(|&n| (1..=MAX_GAP).contains(&n))
                        .ok_or_else(|| SequenceError::BadGap(token.to_string()))?,
                };
                if steps.is_empty() || gap.is_some() {
                    return Err(if steps.is_empty() {
                        SequenceError::EdgeGap
                    } else {
                        SequenceError::BadGap(token.to_string())
                    });
                }
                gap = Some((width, phrase.is_some()));
                continue;
            }
            let (body, optional, repeat) = match (token.strip_suffix('?'), token.strip_suffix('*')) {
                (Some(b), _) => (b, true, false),
                (_, Some(b)) => (b, true, true),
                _ => (token, false, false),
            };
            let (body, marked) = match body.strip_prefix('<').and_then(|b| b.strip_suffix('>')) {
                Some(b) => (b, true),
                None => (body, false),
            };
            if marked {
                if trigger.is_some() {
                    return Err(SequenceError::TwoTriggers);
                }
                trigger = Some(steps.len());
            }
            let item = match body.strip_prefix('{').and_then(|b| b.strip_suffix('}')) {
                Some(name) if !name.contains(['{', '}']) => item_of(name, ontology)?,
                _ => Item::Words(WordSet::new(words_of(body, ontology)?)),
            };
            if repeat && matches!(item, Item::Concept(..)) {
                return Err(SequenceError::RepeatedConcept(token.to_string()));
            }
            let (width, phrase) = gap.take().unwrap_or((0, false));
            steps.push(Step {
                item,
                optional,
                repeat,
                gap: width,
                phrase,
            });
        }
        if gap.is_some() {
            return Err(SequenceError::EdgeGap);
        }
        if steps.is_empty() {
            return Err(SequenceError::Empty);
        }
        if steps.iter().all(|s| s.optional) {
            return Err(SequenceError::AllOptional);
        }
        let required: Vec<ConceptSlot> = (steps.iter())
            .filter_map(|s| match (&s.item, s.optional) {
                (Item::Concept(slot, ..), false) => Some(*slot),
                _ => None,
            })
            .collect();
        let required_concepts = (required.iter())
            .map(|slot| {
                let n = ontology.concepts.len();
                ConceptSet::of(n, (0..n).filter(|&c| slot.may_hold(ontology, c)))
            })
            .collect();
        Ok(Sequence {
            steps,
            trigger,
            anchored,
            required,
            required_concepts,
        })
    }

    /// The concepts the sequence cannot match without.
    pub(crate) fn required(&self) -> &[ConceptSlot] {
        &self.required
    }

    /// The word lists of the steps that must match (`to|with`, `{grammar:passive}`).
    pub(crate) fn required_words(&self) -> impl Iterator<Item = &[String]> {
        self.required_sets().map(|set| set.words.as_slice())
    }

    fn required_sets(&self) -> impl Iterator<Item = &WordSet> {
        (self.steps.iter()).filter_map(|s| match (&s.item, s.optional) {
            (Item::Words(set), false) => Some(set),
            _ => None,
        })
    }

    /// Whether the sequence matches anywhere in `words` (`within`, word indexes). A sequence that is not
    /// anchored (`^`) and matches nowhere in a range matches nowhere in any part of it either: the
    /// search tries every word as a start, and a part only narrows where gaps may reach. An anchored
    /// one may match at the start of a part and not of the whole, so it answers `true`.
    pub(crate) fn may_match_in(&self, words: &Words<'_>, within: Range<usize>) -> bool {
        self.anchored || !self.matches(words, within).is_empty()
    }

    /// Whether a clause has a term of every concept the sequence needs, given which concepts it has
    /// terms of (`present`).
    pub(crate) fn may_match(&self, present: &ConceptSet) -> bool {
        (self.required_concepts.iter()).all(|concepts| concepts.intersects(present))
    }

    /// The matches inside `within` (word indexes of `words`), leftmost first and not overlapping, each
    /// as its byte span and the practice word's.
    pub(crate) fn matches(&self, words: &Words<'_>, within: Range<usize>) -> Vec<(Range<usize>, Option<Range<usize>>)> {
        let mut out = Vec::new();
        MEMO.with_borrow_mut(|states| self.search(words, within, states, &mut out));
        out
    }

    /// The search of [`Sequence::matches`], with `storage` for its memo.
    fn search(
        &self,
        words: &Words<'_>,
        within: Range<usize>,
        storage: &mut MemoStorage,
        out: &mut Vec<(Range<usize>, Option<Range<usize>>)>,
    ) {
        // The memo is set up only once a first word could start a match: most searches find none.
        let mut storage = Some(storage);
        let mut memo: Option<Memo<'_>> = None;
        let mut start = within.start;
        while start < within.end {
            // Most words start no match: a required first step that nothing starts at here rules the
            // word out before the search's bookkeeping.
            if !self.may_start(words, start) {
                start += 1;
                if self.anchored {
                    break;
                }
                continue;
            }
            let memo = memo.get_or_insert_with(|| {
                Memo::new(
                    storage.take().expect("the memo is made once"),
                    self.steps.len(),
                    within.clone(),
                )
            });
            match self.step(0, start, start, words, &within, memo) {
                Some(State::Matched { end, trigger }) if end > start => {
                    let span = words.spans[start].start..words.spans[end - 1].end;
                    let trigger = trigger.map(|(a, b)| words.spans[a].start..words.spans[b - 1].end);
                    out.push((span, trigger));
                    start = end;
                }
                _ => start += 1,
            }
            if self.anchored {
                break;
            }
        }
    }

    /// Whether the first step can match at word `at`: always, when it is optional.
    fn may_start(&self, words: &Words<'_>, at: usize) -> bool {
        let Some(step) = self.steps.first().filter(|s| !s.optional) else {
            return true;
        };
        match &step.item {
            Item::Words(set) => set_has(set, words, at),
            Item::Concept(_, heads, concepts) => words.starting(at).iter().any(|&(concept, _)| {
                concepts.holds.contains(concept) || (heads.is_some() && concepts.may_hold.contains(concept))
            }),
        }
    }

    /// Steps `index..` from word `at`; `first` is the word the match starts at, where no gap applies.
    fn step(
        &self,
        index: usize,
        at: usize,
        first: usize,
        words: &Words<'_>,
        within: &Range<usize>,
        memo: &mut Memo<'_>,
    ) -> Option<State> {
        if index == self.steps.len() {
            return Some(State::Matched { end: at, trigger: None });
        }
        // Only a step at the match's first word depends on where the match started (no gap before it).
        let remembered = at > first;
        if remembered && let Some(state) = memo.get(index, at) {
            return state.matched();
        }
        let step = &self.steps[index];
        let gap = if at == first { 0 } else { step.gap };
        let mut result = State::Failed;
        'gaps: for skip in 0..=gap {
            let here = at + skip;
            if here >= within.end {
                break;
            }
            // A gap or a step never runs across sentence punctuation; the first word of a match has no
            // boundary before it to check.
            if here != first && (words.barrier[here] || (step.phrase && words.pause[here])) {
                break;
            }
            // Nor across another subject: "provide *you* with information", "the information *we* collect".
            if skip > 0 && words.subject[here - 1] {
                break;
            }
            let mut ends = Ends { at: [0; 8], len: 0 };
            self.item_ends(step, here, words, within, &mut ends);
            for &end in &ends.at[..ends.len] {
                if let Some(State::Matched { end: last, trigger }) =
                    self.step(index + 1, end, first, words, within, memo)
                {
                    let trigger = if self.trigger == Some(index) {
                        Some((here, end))
                    } else {
                        trigger
                    };
                    result = State::Matched { end: last, trigger };
                    break 'gaps;
                }
            }
        }
        if matches!(result, State::Failed)
            && step.optional
            && let Some(state) = self.step(index + 1, at, first, words, within, memo)
        {
            result = state;
        }
        if remembered {
            memo.set(index, at, result.clone());
        }
        result.matched()
    }

    /// Where the step can end when it starts at word `at`, the longest first, into `ends`.
    fn item_ends(&self, step: &Step, at: usize, words: &Words<'_>, within: &Range<usize>, ends: &mut Ends) {
        ends.len = 0;
        match &step.item {
            Item::Words(set) => {
                let is = |i: usize| set_has(set, words, i);
                let most = if step.repeat { MAX_REPEAT } else { 1 };
                let mut end = at;
                while end < within.end && end - at < most && is(end) && (end == at || !words.barrier[end]) {
                    end += 1;
                    ends.push(end);
                }
                ends.at[..ends.len].reverse();
            }
            Item::Concept(_, heads, concepts) => {
                for &(concept, end) in words.starting(at) {
                    let head = |heads: &WordSet| set_has(heads, words, end - 1);
                    let holds = concepts.holds.contains(concept)
                        || heads
                            .as_ref()
                            .is_some_and(|h| concepts.may_hold.contains(concept) && head(h));
                    if end <= within.end && holds {
                        ends.push(end);
                    }
                }
                ends.at[..ends.len].sort_unstable_by(|a, b| b.cmp(a));
            }
        }
    }
}

/// The words a step can end before, without allocating: a step ends in at most a few places (a repeat
/// takes at most [`MAX_REPEAT`] words; terms starting at one word are few).
struct Ends {
    at: [usize; 8],
    len: usize,
}

impl Ends {
    fn push(&mut self, end: usize) {
        if self.len < self.at.len() {
            self.at[self.len] = end;
            self.len += 1;
        }
    }
}

/// The words of a word step. Steps are tried at every word of every clause, so membership is a hash
/// check: each word of a clause is hashed once ([`word_key`]), and a word step looks the key up in a
/// 256-bit filter and then its sorted keys, comparing the words themselves only on a hit.
#[derive(Debug, Clone)]
struct WordSet {
    /// Lower-cased, in the order of `keys`.
    words: Vec<String>,
    keys: Vec<u64>,
    filter: [u64; 4],
}

impl WordSet {
    fn new(mut words: Vec<String>) -> WordSet {
        words.sort_unstable_by_key(|w| word_key(w));
        words.dedup();
        let keys: Vec<u64> = words.iter().map(|w| word_key(w)).collect();
        let mut filter = [0u64; 4];
        for &k in &keys {
            filter[(k >> 62) as usize] |= 1 << ((k >> 56) & 63);
        }
        WordSet { words, keys, filter }
    }

    /// Whether `word`, whose [`word_key`] is `key`, is one of the set's, ignoring ASCII case.
    fn contains(&self, key: u64, word: &str) -> bool {
        if self.filter[(key >> 62) as usize] & (1 << ((key >> 56) & 63)) == 0 {
            return false;
        }
        let first = self.keys.partition_point(|&k| k < key);
        (first..self.keys.len())
            .take_while(|&i| self.keys[i] == key)
            .any(|i| word.eq_ignore_ascii_case(&self.words[i]))
    }
}

/// Whether word `i` of `words` is in `set`.
fn set_has(set: &WordSet, words: &Words<'_>, i: usize) -> bool {
    set.contains(words.keys[i], &words.text[words.spans[i].clone()])
}

/// The steps that the sequences of a rule set must match, indexed by word, so that one pass over a
/// clause's words tells which steps it has words of: a sequence missing one (`… have <access> to` in a
/// clause without "access", `{recipient}` in a clause without the word any recipient's term is listed
/// under) is dropped before its terms are looked up or any search runs. Only a filter: a step past the
/// 128th distinct one is not indexed and counts as present, and a hash collision lets a sequence through
/// to the search, which decides.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequiredSteps {
    /// A word's key and the steps (bits) it is a word of.
    by_key: rustc_hash::FxHashMap<u64, u128>,
    /// Per sequence, the bits of the steps it needs.
    needs: Vec<u128>,
}

impl RequiredSteps {
    /// Indexes `sequences`; [`RequiredSteps::has`] takes a sequence by its position here. A word step
    /// needs one of its words; a concept step one of the words the terms of its concepts are listed under
    /// ([`Ontology::listed_words`]), which every term of them found in a text has.
    pub(crate) fn new<'s>(sequences: impl IntoIterator<Item = &'s Sequence>, ontology: &Ontology) -> RequiredSteps {
        // Word steps come first in each sequence's sets: they are the sharper filter, and take the bits
        // before concept steps do.
        let sets: Vec<Vec<Vec<u64>>> = (sequences.into_iter())
            .map(|q| {
                let words = q.required_sets().map(|set| set.keys.clone());
                let concepts = (q.required_concepts.iter()).map(|cs| ontology.listed_words(|c| cs.contains(c)));
                words.chain(concepts).collect()
            })
            .collect();
        let mut ids: HashMap<&[u64], u32> = HashMap::new();
        let mut index = RequiredSteps::default();
        for sets in &sets {
            let mut needs = 0u128;
            for keys in sets {
                let next = ids.len() as u32;
                let id = *ids.entry(keys).or_insert(next);
                if id < u128::BITS {
                    needs |= 1 << id;
                    for &key in keys {
                        *index.by_key.entry(key).or_default() |= 1 << id;
                    }
                }
            }
            index.needs.push(needs);
        }
        index
    }

    /// The steps that the words whose [`word_key`]s are `keys` are words of.
    pub(crate) fn present(&self, keys: &[u64]) -> u128 {
        keys.iter()
            .fold(0, |bits, key| bits | self.by_key.get(key).copied().unwrap_or(0))
    }

    /// Whether sequence `i` may match a clause whose words give `present`.
    pub(crate) fn has(&self, i: usize, present: u128) -> bool {
        present & self.needs[i] == self.needs[i]
    }
}

/// The item a `{…}` step names.
fn item_of(name: &str, ontology: &Ontology) -> Result<Item, SequenceError> {
    if let Some(names) = name.strip_prefix("grammar:") {
        let mut all = Vec::new();
        for list in names.split(',') {
            all.extend(grammar_list(list, ontology)?.iter().map(|w| w.to_lowercase()));
        }
        return Ok(Item::Words(WordSet::new(all)));
    }
    let slot = ConceptSlot::resolve(name, ontology)?;
    let heads = (slot.concept.filter(|_| slot.exact)).map(|c| {
        let one_word = ontology.concepts[c]
            .terms
            .iter()
            .filter(|t| t.chars().all(char::is_alphanumeric));
        WordSet::new(one_word.map(|t| t.to_lowercase()).collect())
    });
    let n = ontology.concepts.len();
    let concepts = SlotConcepts {
        holds: ConceptSet::of(n, (0..n).filter(|&c| slot.holds(ontology, c))),
        may_hold: ConceptSet::of(n, (0..n).filter(|&c| slot.may_hold(ontology, c))),
    };
    Ok(Item::Concept(slot, heads, concepts))
}

/// The words of a `to|with` step; an alternative may be a grammar list (`it|them|{grammar:pointers}`).
fn words_of(body: &str, ontology: &Ontology) -> Result<Vec<String>, SequenceError> {
    let mut words = Vec::new();
    for alternative in body.split('|') {
        match alternative.strip_prefix("{grammar:").and_then(|a| a.strip_suffix('}')) {
            Some(names) => match item_of(&format!("grammar:{names}"), ontology)? {
                Item::Words(set) => words.extend(set.words),
                Item::Concept(..) => unreachable!("a grammar name gives words"),
            },
            None if !alternative.is_empty() && alternative.chars().all(char::is_alphanumeric) => {
                words.push(alternative.to_lowercase());
            }
            None => return Err(SequenceError::BadWord(body.to_string())),
        }
    }
    Ok(words)
}

#[derive(Debug, Clone)]
enum State {
    Failed,
    /// The match ends before word `end`; the practice word's words, when a step marks it.
    Matched {
        end: usize,
        trigger: Option<(usize, usize)>,
    },
}

impl State {
    fn matched(self) -> Option<State> {
        match self {
            State::Failed => None,
            matched => Some(matched),
        }
    }
}

thread_local! {
    /// The memo's storage, kept between searches: a clause is searched by many sequences, and most
    /// clauses are short.
    static MEMO: std::cell::RefCell<MemoStorage> =
        const { std::cell::RefCell::new(MemoStorage { states: Vec::new(), generation: 0 }) };
}

/// The memo's entries and the generation of the current search: an entry of an older generation is
/// "not tried", so a new search starts by counting one up rather than clearing what the last one wrote
/// (clearing was about 1% of tagging).
struct MemoStorage {
    states: Vec<u64>,
    generation: u64,
}

/// The generation lives in an entry's top 16 bits; after the last one the entries are cleared once.
const GENERATION_SHIFT: u32 = 48;
const LAST_GENERATION: u64 = 0xffff;

/// What each step gave at each word of the words searched, for this clause, packed in a `u64` under the
/// search's generation: 1 failed, else the end word + 2 and the practice word's first word + 1 and last
/// word (16 bits each); an entry of another generation was not tried.
struct Memo<'m> {
    first: usize,
    words: usize,
    /// The generation, in place in an entry's top bits.
    generation: u64,
    states: &'m mut [u64],
}

impl<'m> Memo<'m> {
    fn new(storage: &'m mut MemoStorage, steps: usize, within: Range<usize>) -> Memo<'m> {
        let words = within.len() + 1;
        let len = steps * words;
        if storage.states.len() < len {
            // New entries are of generation 0, which no search has.
            storage.states.resize(len, 0);
        }
        storage.generation += 1;
        if storage.generation > LAST_GENERATION {
            storage.states.fill(0);
            storage.generation = 1;
        }
        Memo {
            first: within.start,
            words,
            generation: storage.generation << GENERATION_SHIFT,
            states: &mut storage.states[..len],
        }
    }

    fn get(&self, step: usize, at: usize) -> Option<State> {
        let v = self.states[step * self.words + at - self.first];
        if v >> GENERATION_SHIFT != self.generation >> GENERATION_SHIFT {
            return None;
        }
        match v & ((1 << GENERATION_SHIFT) - 1) {
            1 => Some(State::Failed),
            v => {
                let end = (v & 0xffff) as usize - 2;
                let a = ((v >> 16) & 0xffff) as usize;
                let trigger = (a > 0).then(|| (a - 1, ((v >> 32) & 0xffff) as usize));
                Some(State::Matched { end, trigger })
            }
        }
    }

    fn set(&mut self, step: usize, at: usize, state: State) {
        // Clauses are at most 4,096 bytes, so word indexes fit in 16 bits.
        self.states[step * self.words + at - self.first] = self.generation
            | match state {
                State::Failed => 1,
                State::Matched { end, trigger } => {
                    let (a, b) = trigger.map_or((0, 0), |(a, b)| (a as u64 + 1, b as u64));
                    (end as u64 + 2) | (a << 16) | (b << 32)
                }
            };
    }
}

/// A clause as sequences see it: its words, the terms starting at each, and where punctuation ends a
/// sentence between two words.
pub(crate) struct Words<'a> {
    text: &'a str,
    pub(crate) spans: Vec<Range<usize>>,
    /// Each word's [`word_key`].
    keys: Vec<u64>,
    /// The terms by the word they start at: concept and the word after the term's last, in word order;
    /// `first[i]` is where word `i`'s start.
    terms_by_word: Vec<(usize, usize)>,
    first: Vec<u32>,
    /// For each word, whether `.;:!?` stands between it and the word before.
    barrier: Vec<bool>,
    /// For each word, whether a comma, bracket or dash stands between it and the word before: a phrase
    /// gap (`~`) does not run across one.
    pause: Vec<bool>,
    /// For each word, whether it is the reader or the company as a subject ("we", "you"): a gap does not
    /// run across one.
    subject: Vec<bool>,
}

impl<'a> Words<'a> {
    /// [`Words::with_spans`], splitting `text` into words itself: for tests, which find terms apart.
    #[cfg(test)]
    pub(crate) fn new(text: &'a str, terms: &'a [Found], ontology: &'a Ontology) -> Words<'a> {
        Words::with_spans(text, TextWords::new(text), terms, ontology)
    }

    /// The clause `text` as sequences see it, from its words and `terms` as [`TextWords::new`] and
    /// [`Ontology::terms_among`] give them, so that the clause is split into words once.
    pub(crate) fn with_spans(text: &'a str, split: TextWords, terms: &'a [Found], ontology: &'a Ontology) -> Words<'a> {
        let TextWords { spans, keys } = split;
        // Terms come sorted by start; each is placed by binary search on the words.
        let mut placed: Vec<(usize, usize, usize)> = Vec::with_capacity(terms.len());
        for t in terms {
            let first = spans.partition_point(|s| s.start < t.at.start);
            let last = spans.partition_point(|s| s.end <= t.at.end);
            if first < spans.len() && spans[first].start == t.at.start && last > first {
                placed.push((first, t.concept, last));
            }
        }
        placed.sort_unstable_by_key(|p| p.0);
        // Where a data term ends: a subject right after one (or after a relative pronoun after one)
        // belongs to a relative clause about that data ("the information we collect").
        let mut after_data = vec![false; spans.len() + 1];
        for &(_, concept, last) in &placed {
            if matches!(
                ontology.concepts[concept].dimension,
                Dimension::Data | Dimension::Identifiability
            ) {
                after_data[last] = true;
            }
        }
        let mut first = vec![0u32; spans.len() + 1];
        let mut k = 0;
        for (i, slot) in first.iter_mut().enumerate() {
            while k < placed.len() && placed[k].0 < i {
                k += 1;
            }
            *slot = k as u32;
        }
        let terms_by_word = placed.into_iter().map(|(_, c, end)| (c, end)).collect();
        // Most words are apart by one space, which is neither.
        let gap = |i: usize| {
            (i > 0)
                .then(|| &text[spans[i - 1].end..spans[i].start])
                .filter(|g| *g != " ")
        };
        let barrier = (0..spans.len())
            .map(|i| gap(i).is_some_and(|g| g.contains(['.', ';', ':', '!', '?'])))
            .collect();
        let pause = (0..spans.len())
            .map(|i| gap(i).is_some_and(|g| g.contains([',', '(', ')', '[', ']', '–', '—'])))
            .collect();
        let g = &ontology.grammar;
        let word = |i: usize| &text[spans[i].clone()];
        let subject = (0..spans.len())
            .map(|i| {
                let w = word(i);
                let before = |list: &[String]| i > 0 && Grammar::has(list, word(i - 1));
                let relative = after_data[i] || (i > 0 && after_data[i - 1] && before(&g.relative_pronouns));
                (Grammar::has(&g.first_person, w) || Grammar::has(&g.customer, w))
                    && !relative
                    && !before(&g.prepositions)
            })
            .collect();
        Words {
            text,
            spans,
            keys,
            terms_by_word,
            first,
            barrier,
            pause,
            subject,
        }
    }

    /// The terms that start at word `i`.
    fn starting(&self, i: usize) -> &[(usize, usize)] {
        &self.terms_by_word[self.first[i] as usize..self.first[i + 1] as usize]
    }

    /// The words that lie inside the byte range `part`.
    pub(crate) fn within(&self, part: &Range<usize>) -> Range<usize> {
        let first = self.spans.partition_point(|s| s.start < part.start);
        let last = self.spans.partition_point(|s| s.end <= part.end);
        first..last.max(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::RuleSet;

    fn found(source: &str, text: &str) -> Vec<(String, Option<String>)> {
        let rules = RuleSet::default_rules().unwrap();
        let o = &rules.ontology;
        let seq = Sequence::compile(source, o).unwrap();
        let terms = o.terms(text);
        let words = Words::new(text, &terms, o);
        seq.matches(&words, 0..words.spans.len())
            .into_iter()
            .map(|(s, t)| (text[s].to_string(), t.map(|t| text[t].to_string())))
            .collect()
    }

    #[test]
    fn a_sequence_that_matches_nowhere_in_a_clause_matches_in_no_part_of_it() {
        let rules = RuleSet::default_rules().unwrap();
        let o = &rules.ontology;
        let text = "We keep it, and with partners we share data.";
        let terms = o.terms(text);
        let words = Words::new(text, &terms, o);
        let all = 0..words.spans.len();
        let loose = Sequence::compile("<{action:share}> …3 {data}", o).unwrap();
        let tight = Sequence::compile("<{action:share}> with {recipient}", o).unwrap();
        let anchored = Sequence::compile("^ with {recipient}", o).unwrap();
        assert!(loose.may_match_in(&words, all.clone()));
        assert!(!tight.may_match_in(&words, all.clone()));
        // "with partners" opens the second part, not the clause: an anchored sequence may still match.
        assert!(anchored.matches(&words, all.clone()).is_empty());
        assert!(!anchored.matches(&words, 4..all.end).is_empty());
        assert!(anchored.may_match_in(&words, all));
    }

    #[test]
    fn a_concept_covers_its_terms_of_any_length_and_those_under_it() {
        let seq = "<{action:disclose}> … to|with … {recipient}";
        assert_eq!(
            found(
                seq,
                "We may pass your data to our carefully selected business partners."
            ),
            vec![(
                "pass your data to our carefully selected business partners".into(),
                Some("pass".into())
            )]
        );
        // `sell` is under `disclose`.
        assert_eq!(found(seq, "We never sell data to advertisers").len(), 1);
        assert!(found(seq, "We share our office with a coffee shop.").is_empty());
    }

    #[test]
    fn gaps_count_words_and_stop_at_sentence_punctuation() {
        let seq = "<{action:disclose}> …2 to {recipient}";
        assert_eq!(found(seq, "we disclose it to advertisers").len(), 1);
        assert!(found(seq, "we disclose your personal data to advertisers").is_empty());
        let wide = "<{action:disclose}> … to {recipient}";
        assert!(found(wide, "we disclose it; to advertisers we say nothing").is_empty());
    }

    #[test]
    fn a_phrase_gap_stops_at_commas_and_brackets() {
        let seq = "<{action:share}> ~3 {data:data!}";
        assert_eq!(found(seq, "we never share your personal information").len(), 1);
        assert!(found(seq, "we never share ads, logs or information").is_empty());
        assert!(found(seq, "shared (i.e. grouped) information").is_empty());
        // A plain gap runs on.
        assert_eq!(
            found(
                "<{action:share}> …3 {data:data!}",
                "we never share ads, logs or information"
            )
            .len(),
            1
        );
    }

    #[test]
    fn an_exact_slot_takes_its_own_terms_and_terms_ending_in_one() {
        let seq = "<{action:sell}> ~3 {data:data!}";
        assert_eq!(found(seq, "we do not sell your information").len(), 1);
        // "location data" is a term of `location`, under `data`, that ends in a term of `data`.
        assert_eq!(found(seq, "we do not sell your location data").len(), 1);
        // "children's" is a term of `children` that does not.
        assert!(found(seq, "we do not sell children's products").is_empty());
        assert_eq!(
            found("<{action:sell}> ~3 {data:data}", "we do not sell children's products").len(),
            1
        );
    }

    #[test]
    fn a_gap_crosses_a_relative_clause_subject_and_an_object_pronoun_only() {
        let seq = "<{action:share}> …12 with {recipient}";
        assert_eq!(
            found(seq, "we may share the information we collect with vendors").len(),
            1
        );
        assert_eq!(
            found(seq, "we may share data that you provide with advertisers").len(),
            1
        );
        assert_eq!(
            found(seq, "we may share details from and about you with advertisers").len(),
            1
        );
        assert!(found(seq, "we share it so that you can talk with advertisers").is_empty());
        let to_reader = "<{action:disclose}> …6 {recipient}";
        assert!(found(to_reader, "we provide to you, not to advertisers").is_empty());
    }

    #[test]
    fn optional_steps_and_grammar_lists() {
        let seq = "{grammar:determiners}? {recipient} … <{action:collect}>";
        assert_eq!(
            found(seq, "these advertisers may also collect data")[0].0,
            "these advertisers may also collect"
        );
        assert_eq!(
            found(seq, "advertisers may collect data")[0].0,
            "advertisers may collect"
        );
    }

    #[test]
    fn an_anchored_sequence_matches_only_at_the_first_word() {
        let seq = "^ <with|to> {grammar:determiners}? {recipient}";
        let at_start = found(seq, "With service providers who help us");
        assert_eq!(
            at_start,
            [("With service providers".to_string(), Some("With".to_string()))]
        );
        assert!(found(seq, "We talk with service providers").is_empty());
        // Only the first word counts, not the first after a failed start.
        assert!(found(seq, "Sometimes with partners").is_empty());
    }

    #[test]
    fn bad_sequences_say_what_is_wrong() {
        let rules = RuleSet::default_rules().unwrap();
        let err = |s: &str| Sequence::compile(s, &rules.ontology).unwrap_err().to_string();
        assert!(err("").contains("empty"));
        assert!(err("… {recipient}").contains("start or end with a gap"));
        assert!(err("{recipient} …99 to").contains("at most 40 words"));
        assert!(err("<to> <with>").contains("only one step"));
        assert!(err("to,with").contains("letters and digits"));
        assert!(err("{recipient:sell}").contains("action concept"));
        assert!(err("to?").contains("optional"));
    }

    #[test]
    fn a_word_step_ignores_ascii_case_only() {
        let set = WordSet::new(["to", "with", "ä", "with"].map(String::from).to_vec());
        let has = |w: &str| set.contains(word_key(w), w);
        assert!(has("to") && has("TO") && has("With") && has("ä"));
        assert!(!has("t") && !has("tow") && !has("within") && !has("Ä") && !has(""));
        assert_eq!(set.words.len(), 3, "duplicates are kept once");
        // Every word of a long list is found, whatever its key's filter bits.
        let many: Vec<String> = (0..500).map(|i| format!("w{i}")).collect();
        let set = WordSet::new(many.clone());
        assert!(many.iter().all(|w| set.contains(word_key(w), w)));
        assert!(!set.contains(word_key("w500"), "w500"));
    }

    #[test]
    fn required_steps_drop_sequences_whose_words_are_missing() {
        let rules = RuleSet::default_rules().unwrap();
        let o = &rules.ontology;
        let seqs = [
            "{recipient} …2 have|has <access> to",
            "<{action:disclose}> {grammar:recipient_prepositions}? {recipient}",
            "{recipient} …2 have|has <access> to|with",
        ]
        .map(|s| Sequence::compile(s, o).unwrap());
        let index = RequiredSteps::new(&seqs, o);
        let present = |text: &str| index.present(&TextWords::new(text).keys);
        let p = present("Advertisers HAVE access to nothing we share.");
        assert!(index.has(0, p) && index.has(1, p) && index.has(2, p));
        let p = present("Advertisers have no say; we share.");
        assert!(!index.has(0, p) && index.has(1, p) && !index.has(2, p));
        let p = present("Advertisers with access.");
        assert!(!index.has(0, p) && !index.has(2, p), "\"have|has\" is missing");
        // A concept step needs a word some term of the concept is listed under.
        let p = present("We share it.");
        assert!(!index.has(1, p), "no recipient");
        let p = present("This page has access to it.");
        assert!(!index.has(0, p) && !index.has(2, p), "no recipient");
    }

    #[test]
    fn a_new_search_sees_nothing_an_earlier_one_remembered_across_every_generation() {
        let mut storage = MemoStorage {
            states: Vec::new(),
            generation: 0,
        };
        let matched = State::Matched {
            end: 3,
            trigger: Some((1, 2)),
        };
        // Past the last generation, where the entries are cleared once and counting starts again.
        for search in 0..LAST_GENERATION + 3 {
            let mut memo = Memo::new(&mut storage, 2, 5..9);
            assert!(memo.get(1, 7).is_none(), "search {search}: an earlier search's entry");
            assert!(memo.get(0, 5).is_none(), "search {search}");
            memo.set(1, 7, matched.clone());
            memo.set(0, 5, State::Failed);
            assert!(matches!(
                memo.get(1, 7),
                Some(State::Matched {
                    end: 3,
                    trigger: Some((1, 2))
                })
            ));
            assert!(matches!(memo.get(0, 5), Some(State::Failed)));
        }
        assert!(storage.generation >= 1 && storage.generation <= LAST_GENERATION);
    }

    #[test]
    fn a_long_clause_of_near_misses_stays_linear() {
        // Every word could start a match and every gap is as wide as allowed: the memo keeps it bounded.
        let text = "share data to ".repeat(5_000);
        let seq = "<{action:disclose}> …40 {data} …40 to …40 {recipient:advertisers}";
        let started = std::time::Instant::now();
        assert!(found(seq, &text).is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
