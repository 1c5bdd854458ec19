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

    fn matches(&self, word: &str, is_name: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Word::Exact(w) => lower_eq(word, w),
            Word::Any => true,
            Word::Name => word.chars().next().is_some_and(char::is_uppercase) && is_name(word),
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
pub(super) struct TermPattern {
    pub(super) concept: usize,
    pub(super) words: Vec<Word>,
    /// How many of the words are wildcards: an exact term wins over one with wildcards.
    pub(super) wildcards: usize,
}

/// Most words in a term.
const MAX_TERM_WORDS: usize = 8;

/// Splits text into words: runs of letters and digits. Punctuation, apostrophes, hyphens and any
/// spacing separate words, so "third-party" and "third party", or "customer’s" and "customer's", are
/// the same words.
pub(crate) fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
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
pub(super) fn match_at(
    words: &[Word],
    spans: &[Range<usize>],
    text: &str,
    start: usize,
    is_name: &dyn Fn(&str) -> bool,
) -> Option<usize> {
    let Some(gap) = words.iter().position(|w| *w == Word::Gap) else {
        let end = start + words.len();
        let all = end <= spans.len()
            && words
                .iter()
                .zip(&spans[start..end])
                .all(|(w, s)| w.matches(&text[s.clone()], is_name));
        return all.then_some(end);
    };
    let head = match_at(&words[..gap], spans, text, start, is_name)?;
    (0..=MAX_GAP)
        .rev()
        .find_map(|skip| match_at(&words[gap + 1..], spans, text, head + skip, is_name))
}

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

/// A term as a regular expression that matches what [`match_at`] does, for patterns that name a concept
/// (`{recipient}`): the words in order, any separator between them, `*` a word, `@` a capitalised word,
/// `..` up to [`MAX_GAP`] words. Case is left to the pattern (rules are matched ignoring case), but `@`
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
