//! Terms: how a concept's words are written (`"businesses that process .. on our behalf"`, `"the @
//! group"`) and how they are matched against the words of a text.

use std::ops::Range;

/// One word of a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Word {
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
pub(super) const MAX_GAP: usize = 4;

impl Word {
    /// The letters a word needs, for ordering terms longest first; a wildcard needs one.
    pub(super) fn len(&self) -> usize {
        match self {
            Word::Exact(w) => w.len(),
            Word::Any | Word::Name => 1,
            Word::Gap => 0,
        }
    }
}

/// Whether `word` lower-cased is `lower`, without allocating for ASCII words.
pub(super) fn lower_eq(word: &str, lower: &str) -> bool {
    // One pass over an ASCII word's bytes (nearly every word): the table lowers a letter and marks
    // anything else that is not ASCII, which takes the Unicode way.
    let (w, l) = (word.as_bytes(), lower.as_bytes());
    let mut ascii_equal = w.len() == l.len();
    for (k, &b) in w.iter().enumerate() {
        let lowered = match ASCII_WORD[usize::from(b)] {
            NON_ASCII => return word.chars().flat_map(char::to_lowercase).eq(lower.chars()),
            SEPARATOR_BYTE => b,
            letter => letter,
        };
        ascii_equal &= l.get(k) == Some(&lowered);
    }
    ascii_equal
}

/// A compiled term: its words, and which concept it names.
#[derive(Debug, Clone)]
pub(super) struct TermPattern {
    pub(super) concept: usize,
    pub(super) words: Vec<Word>,
    /// The [`word_key`] of each exact word (0 for a wildcard).
    pub(super) keys: Vec<u64>,
    /// How many of the words are wildcards: an exact term wins over one with wildcards.
    pub(super) wildcards: usize,
}

/// Most words in a term.
pub(super) const MAX_TERM_WORDS: usize = 8;

/// Splits text into words: runs of letters and digits. Punctuation, apostrophes, hyphens and any
/// spacing separate words, so "third-party" and "third party", or "customer’s" and "customer's", are
/// the same words.
pub(crate) fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < text.len() {
            match letter_at(text, at) {
                (true, _) => break,
                (false, len) => at += len,
            }
        }
        if at == text.len() {
            return None;
        }
        let start = at;
        while at < text.len() {
            match letter_at(text, at) {
                (true, len) => at += len,
                (false, _) => break,
            }
        }
        Some(start..at)
    })
}

/// Whether the character at byte `at` of `text` (a character boundary) is a letter or digit, and its
/// length. Policies are mostly ASCII: a byte below 128 is its own character and needs no decoding.
#[inline]
fn letter_at(text: &str, at: usize) -> (bool, usize) {
    let b = text.as_bytes()[at];
    if b.is_ascii() {
        return (b.is_ascii_alphanumeric(), 1);
    }
    let c = text[at..].chars().next().expect("a character starts here");
    (c.is_alphanumeric(), c.len_utf8())
}

/// A word's key: a hash (FNV-1a, 64 bits) of its lower-cased letters. Words equal but for case have
/// equal keys, so a text's words are compared with the vocabulary's as numbers; an equal key is
/// confirmed on the letters, since two words may share one.
pub(crate) fn word_key(word: &str) -> u64 {
    if word.is_ascii() {
        word.bytes().fold(KEY_BASIS, |h, b| key_step(h, b.to_ascii_lowercase()))
    } else {
        let mut buf = [0u8; 4];
        (word.chars().flat_map(char::to_lowercase))
            .fold(KEY_BASIS, |h, c| c.encode_utf8(&mut buf).bytes().fold(h, key_step))
    }
}

const KEY_BASIS: u64 = 0xcbf2_9ce4_8422_2325;

fn key_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// A text split into [`words`] once, for matching terms and sequences: each word's byte range and
/// [`word_key`].
#[derive(Debug, Clone, Default)]
pub struct TextWords {
    pub spans: Vec<Range<usize>>,
    pub keys: Vec<u64>,
}

impl TextWords {
    /// Splits `text` as [`words`] does and keys each word as [`word_key`] does, in one pass over the
    /// bytes of an ASCII word: this runs on nearly every clause.
    pub fn new(text: &str) -> TextWords {
        TextWords::first(text, usize::MAX)
    }

    /// The first `n` words of `text`, as [`TextWords::new`] splits them: what reads only a clause's
    /// opening words need not split the rest.
    pub fn first(text: &str, n: usize) -> TextWords {
        // A word and the space after it take at least two bytes; most take six or more. Sized once, the
        // vectors are not grown word by word.
        let room = (text.len() / 5 + 1).min(n);
        let mut split = TextWords {
            spans: Vec::with_capacity(room),
            keys: Vec::with_capacity(room),
        };
        if n == 0 {
            return split;
        }
        let bytes = text.as_bytes();
        let mut at = 0;
        'words: loop {
            // To the next word's first letter: one table look-up per ASCII byte.
            let start = loop {
                let Some(&b) = bytes.get(at) else { break 'words };
                match ASCII_WORD[usize::from(b)] {
                    SEPARATOR_BYTE => at += 1,
                    NON_ASCII => match letter_at(text, at) {
                        (true, _) => break at,
                        (false, len) => at += len,
                    },
                    _ => break at,
                }
            };
            let (mut key, mut ascii) = (KEY_BASIS, true);
            while let Some(&b) = bytes.get(at) {
                match ASCII_WORD[usize::from(b)] {
                    SEPARATOR_BYTE => break,
                    NON_ASCII => {
                        match letter_at(text, at) {
                            (true, len) => at += len,
                            (false, _) => break,
                        }
                        ascii = false;
                    }
                    lower => {
                        key = key_step(key, lower);
                        at += 1;
                    }
                }
            }
            split.spans.push(start..at);
            split.keys.push(if ascii { key } else { word_key(&text[start..at]) });
            if split.spans.len() == n {
                break;
            }
        }
        split
    }
}

/// An ASCII byte that is no letter or digit, in [`ASCII_WORD`].
const SEPARATOR_BYTE: u8 = 0;
/// A byte that starts or continues a character outside ASCII, in [`ASCII_WORD`].
const NON_ASCII: u8 = 0x80;

/// Per byte: an ASCII letter or digit as its lower case, [`SEPARATOR_BYTE`] for other ASCII, and
/// [`NON_ASCII`] for the rest. The word splitter reads one entry per byte instead of testing ranges.
static ASCII_WORD: [u8; 256] = {
    let mut table = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphanumeric() {
            byte.to_ascii_lowercase()
        } else {
            SEPARATOR_BYTE
        };
        b += 1;
    }
    table
};

/// Why a term as written cannot be matched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum TermError {
    #[error("term `{term}`: `{piece}` has no letters or digits to match")]
    NoWord { term: String, piece: String },
    #[error("term `{0}` needs at least one word that is not a wildcard")]
    OnlyWildcards(String),
    #[error("term `{0}`: a `..` may appear once, after a plain word and before the last word")]
    MisplacedGap(String),
    #[error("term `{0}` has more than {MAX_TERM_WORDS} words")]
    TooLong(String),
}

/// The words of a term as written ("third-party", "the @ group").
pub(super) fn term_words(term: &str) -> Result<Vec<Word>, TermError> {
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
                    return Err(TermError::NoWord {
                        term: term.to_string(),
                        piece: piece.to_string(),
                    });
                }
            }
        }
    }
    if !out.iter().any(|w| matches!(w, Word::Exact(_))) {
        return Err(TermError::OnlyWildcards(term.to_string()));
    }
    let gaps = out.iter().filter(|w| **w == Word::Gap).count();
    let first_exact = out.iter().position(|w| matches!(w, Word::Exact(_)));
    let first_gap = out.iter().position(|w| *w == Word::Gap);
    if gaps > 1 || out.last() == Some(&Word::Gap) || first_gap.is_some_and(|g| first_exact.is_some_and(|e| g < e)) {
        return Err(TermError::MisplacedGap(term.to_string()));
    }
    if out.len() > MAX_TERM_WORDS {
        return Err(TermError::TooLong(term.to_string()));
    }
    Ok(out)
}

/// What separates two words of a term in a text: spacing, hyphens, slashes and apostrophes, as
/// [`words`] splits them ("third-party", "third party"; "customer’s").
const SEPARATOR: &str = r"[ \t\n\-‐‑–—/'’]+";

/// A term as a regular expression that matches what the term index (`TermIndex`) finds, for patterns
/// that name a concept (`{recipient}`): the words in order, any separator between them, `*` a word, `@` a
/// capitalised word, `..` up to [`MAX_GAP`] words. Case is left to the pattern (rules are matched ignoring case), but `@`
/// keeps its capital.
pub(super) fn term_regex(words: &[Word]) -> String {
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        if i > 0 && *word != Word::Gap {
            out.push_str(SEPARATOR);
        }
        match word {
            Word::Exact(w) => out.push_str(&regex::escape(w)),
            // ASCII classes: a Unicode `\w` multiplies the automaton of every pattern that names a concept.
            Word::Any => out.push_str(r"[a-z0-9]+"),
            Word::Name => out.push_str(r"(?-i:[A-Z])[a-zA-Z0-9]*"),
            Word::Gap => out.push_str(&format!(r"(?:{SEPARATOR}[a-z0-9]+){{0,{MAX_GAP}}}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_text_is_split_and_keyed_as_its_words_are_one_by_one() {
        let text = "We share ÉTÉ data—with third-party  Partners' (e.g. ad networks)… données";
        let split = TextWords::new(text);
        let words: Vec<&str> = split.spans.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(
            words,
            [
                "We", "share", "ÉTÉ", "data", "with", "third", "party", "Partners", "e", "g", "ad", "networks",
                "données"
            ]
        );
        assert_eq!(split.keys[0], word_key("we"));
        assert_eq!(split.keys[2], word_key("été"));
        assert_ne!(split.keys[1], split.keys[3]);
    }

    proptest! {
        #[test]
        fn one_pass_agrees_with_words_and_word_key(text in "[a-zA-Z0-9 ,.'’éÉßİ-]{0,40}|\\PC{0,40}") {
            let split = TextWords::new(&text);
            let spans: Vec<Range<usize>> = words(&text).collect();
            let keys: Vec<u64> = spans.iter().map(|s| word_key(&text[s.clone()])).collect();
            prop_assert_eq!(split.spans, spans);
            prop_assert_eq!(split.keys, keys);
        }

        #[test]
        fn lower_eq_is_equality_after_lower_casing(word in "[a-zA-Z0-9éÉßİ]{0,8}|\\PC{0,8}", other in "[a-z0-9éßi̇]{0,8}") {
            let lowered: String = word.chars().flat_map(char::to_lowercase).collect();
            prop_assert!(lower_eq(&word, &lowered));
            prop_assert_eq!(lower_eq(&word, &other), lowered == other);
        }

        #[test]
        fn the_first_words_are_those_of_the_whole(text in "[a-zA-Z0-9 ,.'’éÉßİ-]{0,40}|\\PC{0,40}", n in 0usize..12) {
            let (all, first) = (TextWords::new(&text), TextWords::first(&text, n));
            let k = n.min(all.spans.len());
            prop_assert_eq!(&first.spans[..], &all.spans[..k]);
            prop_assert_eq!(&first.keys[..], &all.keys[..k]);
        }
    }
}
