//! The index terms are found by. Every word of every term is given a number (its id in the ontology's
//! vocabulary); a text's words are looked up once each, and a term is matched by comparing numbers, not
//! letters. Terms are kept in one flat table grouped by the word they are listed under, so the terms a
//! word may start sit side by side in memory: this runs on nearly every clause.

use std::ops::Range;

use super::terms::{MAX_GAP, MAX_TERM_WORDS, TermPattern, TextWords, Word, lower_eq};

/// A word of a term that is not one exact word, or a text's word outside the vocabulary. Ids of the
/// vocabulary's words are below all of these.
const ANY: u32 = u32::MAX;
const NAME: u32 = u32::MAX - 1;
const GAP: u32 = u32::MAX - 2;
const UNKNOWN: u32 = u32::MAX - 3;

/// No gap in a term.
const NO_GAP: u8 = u8::MAX;

/// One term, listed under its first exact word.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Index into the ontology's terms.
    term: u32,
    /// Where the word it is listed under is in the term.
    at: u8,
    /// How many words the term has.
    len: u8,
    /// Where its `..` is, or [`NO_GAP`].
    gap: u8,
    /// The id of the word after the one it is listed under, when that is an exact word, else [`ANY`]:
    /// common words ("to", "other", "your") begin many terms, and most are ruled out by their second
    /// word without reading the rest.
    next: u32,
    /// Each word's id, or [`ANY`], [`NAME`], [`GAP`].
    words: [u32; MAX_TERM_WORDS],
}

/// See the module documentation.
#[derive(Debug, Clone, Default)]
pub(super) struct TermIndex {
    /// A word's [`super::terms::word_key`] → the id of the first vocabulary word with that key.
    ids: rustc_hash::FxHashMap<u64, u32>,
    /// Each id's word, lower-cased: a key is confirmed on the letters, as two words may share one.
    lower: Vec<Box<str>>,
    /// The next id with the same key (hash collisions are possible, if never yet seen), or [`UNKNOWN`].
    same_key: Vec<u32>,
    /// The terms listed under word id `w` are `entries[starts[w]..starts[w + 1]]`, in term order.
    starts: Vec<u32>,
    entries: Vec<Entry>,
}

/// A term found: which one, and the words it spans.
pub(super) struct TermMatch {
    pub(super) term: usize,
    pub(super) words: Range<usize>,
}

impl TermIndex {
    /// Indexes `terms`, each under its first exact word (a term has at least one).
    pub(super) fn new(terms: &[TermPattern]) -> TermIndex {
        let mut index = TermIndex::default();
        let mut by_word: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        let mut listed: Vec<(u32, Entry)> = Vec::new();
        for (t, term) in terms.iter().enumerate() {
            let mut words = [ANY; MAX_TERM_WORDS];
            let (mut first, mut gap) = (None, NO_GAP);
            for (k, (word, &key)) in term.words.iter().zip(&term.keys).enumerate() {
                words[k] = match word {
                    Word::Exact(w) => {
                        let id = *by_word.entry(w.as_str()).or_insert_with(|| index.add(w, key));
                        first.get_or_insert((id, k));
                        id
                    }
                    Word::Any => ANY,
                    Word::Name => NAME,
                    Word::Gap => {
                        gap = k as u8;
                        GAP
                    }
                };
            }
            let Some((first, at)) = first else { continue };
            let next = words.get(at + 1).copied().filter(|&w| w < UNKNOWN).unwrap_or(ANY);
            listed.push((
                first,
                Entry {
                    term: t as u32,
                    at: at as u8,
                    len: term.words.len() as u8,
                    gap,
                    next,
                    words,
                },
            ));
        }
        // Grouped by word, in term order within a word.
        listed.sort_by_key(|&(w, e)| (w, e.term));
        index.starts = vec![0; index.lower.len() + 1];
        for &(w, _) in &listed {
            index.starts[w as usize + 1] += 1;
        }
        for w in 0..index.lower.len() {
            index.starts[w + 1] += index.starts[w];
        }
        index.entries = listed.into_iter().map(|(_, e)| e).collect();
        index
    }

    /// Adds a word of the vocabulary whose key is `key`; its id.
    fn add(&mut self, word: &str, key: u64) -> u32 {
        let id = self.lower.len() as u32;
        self.lower.push(word.into());
        self.same_key.push(UNKNOWN);
        match self.ids.get(&key) {
            None => {
                self.ids.insert(key, id);
            }
            Some(&head) => {
                let mut last = head;
                while self.same_key[last as usize] != UNKNOWN {
                    last = self.same_key[last as usize];
                }
                self.same_key[last as usize] = id;
            }
        }
        id
    }

    /// The id of `word` (whose key is `key`), or [`UNKNOWN`].
    fn id_of(&self, word: &str, key: u64) -> u32 {
        let mut at = self.ids.get(&key).copied().unwrap_or(UNKNOWN);
        while at != UNKNOWN && !lower_eq(word, &self.lower[at as usize]) {
            at = self.same_key[at as usize];
        }
        at
    }

    /// Every term that matches at some word of `text` (split as `split`), each where it starts, in the
    /// order of the words it is listed under, then of the terms. `is_name` says whether a capitalised
    /// word may stand for `@`. A term with a `..` matches its longest stretch.
    pub(super) fn each_match(
        &self,
        text: &str,
        split: &TextWords,
        is_name: &dyn Fn(&str) -> bool,
        mut found: impl FnMut(TermMatch),
    ) {
        let ids: Vec<u32> = (split.spans.iter().zip(&split.keys))
            .map(|(span, &key)| self.id_of(&text[span.clone()], key))
            .collect();
        let is_name = |i: usize| {
            let word = &text[split.spans[i].clone()];
            word.chars().next().is_some_and(char::is_uppercase) && is_name(word)
        };
        let fits = |words: &[u32], start: usize| run_fits(words, &ids, start, &is_name);
        for (i, &id) in ids.iter().enumerate() {
            if id == UNKNOWN {
                continue;
            }
            let listed = self.starts[id as usize] as usize..self.starts[id as usize + 1] as usize;
            for entry in &self.entries[listed] {
                if entry.next != ANY && ids.get(i + 1) != Some(&entry.next) {
                    continue;
                }
                let Some(start) = i.checked_sub(usize::from(entry.at)) else {
                    continue;
                };
                let words = &entry.words[..usize::from(entry.len)];
                let end = if entry.gap == NO_GAP {
                    fits(words, start).then_some(start + words.len())
                } else {
                    let (head, tail) = words.split_at(usize::from(entry.gap));
                    let tail = &tail[1..];
                    if fits(head, start) {
                        let after = start + head.len();
                        (0..=MAX_GAP)
                            .rev()
                            .find(|skip| fits(tail, after + skip))
                            .map(|skip| after + skip + tail.len())
                    } else {
                        None
                    }
                };
                if let Some(end) = end {
                    found(TermMatch {
                        term: entry.term as usize,
                        words: start..end,
                    });
                }
            }
        }
    }
}

/// Whether the term words `words` match the text's words (`ids`) from word `start` on.
#[inline]
fn run_fits(words: &[u32], ids: &[u32], start: usize, is_name: &dyn Fn(usize) -> bool) -> bool {
    let Some(text) = ids.get(start..start + words.len()) else {
        return false;
    };
    words.iter().zip(text).enumerate().all(|(k, (&w, &id))| match w {
        ANY => true,
        NAME => is_name(start + k),
        _ => id == w,
    })
}

#[cfg(test)]
mod tests {
    use super::super::terms::{term_words, word_key};
    use super::*;

    fn pattern(concept: usize, term: &str) -> TermPattern {
        let words = term_words(term).expect("a valid term");
        let keys = (words.iter())
            .map(|w| match w {
                Word::Exact(w) => word_key(w),
                _ => 0,
            })
            .collect();
        TermPattern {
            concept,
            words,
            keys,
            wildcards: 0,
        }
    }

    fn matches(index: &TermIndex, text: &str) -> Vec<(usize, Range<usize>)> {
        let split = TextWords::new(text);
        let mut out = Vec::new();
        let is_name = |word: &str| word != "These";
        index.each_match(text, &split, &is_name, |m| out.push((m.term, m.words)));
        out
    }

    #[test]
    fn terms_are_found_by_their_words_whatever_the_case_and_joins() {
        let terms = [
            pattern(0, "third party"),
            pattern(1, "third-party advertisers"),
            pattern(2, "the @ group"),
            pattern(3, "businesses that process .. on our behalf"),
            pattern(4, "* partners"),
        ];
        let index = TermIndex::new(&terms);
        assert_eq!(matches(&index, "THIRD-PARTY Advertisers"), [(0, 0..2), (1, 0..3)]);
        assert_eq!(matches(&index, "to the Acme group"), [(2, 1..4)]);
        assert_eq!(matches(&index, "to the These group"), [], "a function word is no name");
        assert_eq!(matches(&index, "to the acme group"), [], "a name is capitalised");
        assert_eq!(
            matches(&index, "businesses that process your data on our behalf"),
            [(3, 0..8)]
        );
        assert_eq!(
            matches(&index, "businesses that process a b c d e on our behalf"),
            [],
            "a gap is at most four words"
        );
        assert_eq!(matches(&index, "our trusted partners"), [(4, 1..3)]);
        assert_eq!(matches(&index, "partners"), [], "a wildcard needs its word");
    }

    #[test]
    fn words_that_share_a_key_are_told_apart_by_their_letters() {
        // Two words of the vocabulary under one key, as a hash collision would put them.
        let mut index = TermIndex::default();
        let (a, b) = (index.add("sell", 7), index.add("rent", 7));
        assert_ne!(a, b);
        assert_eq!(index.id_of("SELL", 7), a);
        assert_eq!(index.id_of("Rent", 7), b);
        assert_eq!(index.id_of("lend", 7), UNKNOWN);
        assert_eq!(index.id_of("sell", 8), UNKNOWN);
    }
}
