//! Patterns: how every regular expression in a rules file is compiled, and how a bad one is reported.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_syntax::hir::{Hir, HirKind};
use toml::Spanned;

use crate::error::{Location, Problem, line_of};

/// A pattern the regex crate refuses, with the useful line of its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad regex: {0}; fix the pattern (Rust regex syntax: https://docs.rs/regex/latest/regex/#syntax)")]
pub struct BadPattern(pub(crate) String);

pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, BadPattern> {
    // A small lazy-DFA cache per pattern: every pattern has one per thread, and the default (megabytes
    // each) took batch tagging past 100 MB with two threads for a few per cent of speed.
    // A pattern with non-ASCII letters ("übermittlung") needs Unicode boundaries to match at all; curly
    // quotes and dashes do not.
    let pattern = if pattern.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) {
        pattern.to_string()
    } else {
        ascii_word_boundaries(pattern)
    };
    RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .dfa_size_limit(128 << 10)
        .build()
        .map_err(|e| regex_message(&e))
}

/// `pattern` with its word boundaries (`\b`, `\B`) made ASCII-only.
///
/// Unicode word boundaries stop the regex crate's lazy DFA at the first non-ASCII byte (a curly quote is
/// enough), and every search then falls back to the much slower PikeVM, where a profile of batch tagging
/// found 77% of the time. The default rules are English; the boundaries that matter sit between
/// ASCII letters and spaces or punctuation, where both kinds agree. Patterns with non-ASCII letters (other
/// languages) keep Unicode boundaries.
pub(crate) fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The useful line of a regex error ("unclosed group"), without the multi-line caret drawing.
pub(crate) fn regex_message(e: &regex::Error) -> BadPattern {
    let text = e.to_string();
    let reason = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| text.lines().last().unwrap_or("invalid").trim().to_string());
    BadPattern(reason)
}

/// Which patterns can match a text at all, found in one pass.
///
/// Each pattern is reduced to the words it cannot match without: for each part of it that must match
/// (`\baggregat(?:e|ed)\b` needs "aggregat"; `(?:sell|sold)\s+(?:your\s+)?data` needs one of "sell",
/// "sold" and also "data"), one set of words. One Aho-Corasick automaton finds every word of every set,
/// ignoring ASCII case as the patterns do, and a pattern is a candidate when each of its sets has a word
/// in the text. A pattern that is not cannot match, so the answer is never narrower than running every
/// pattern. A pattern without such words (a class or an optional part everywhere, words shorter than
/// three letters, non-ASCII letters, whose case folding is Unicode's) is always run.
#[derive(Debug, Clone)]
pub(crate) struct Prefilter {
    ac: Option<AhoCorasick>,
    /// For each word of the automaton: (pattern, bit of the set it belongs to).
    owners: Vec<Vec<(usize, u8)>>,
    /// Per pattern, the bits of all its sets; 0 for a pattern that is always run.
    full: Vec<u8>,
}

/// The most words one set may have; a larger one is not used.
const MAX_WORDS: usize = 64;
/// Words shorter than this are too common to reject anything.
const MIN_WORD: usize = 3;
/// The most sets a pattern is reduced to (the bits of a `u8`).
const MAX_SETS: usize = 8;

impl Prefilter {
    pub(crate) fn new(patterns: &[&str]) -> Prefilter {
        let mut words: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(usize, u8)>> = Vec::new();
        let mut full = Vec::with_capacity(patterns.len());
        for (i, pattern) in patterns.iter().enumerate() {
            let sets = word_sets(pattern);
            full.push(if sets.is_empty() {
                0
            } else {
                u8::MAX >> (8 - sets.len())
            });
            for (k, set) in sets.iter().enumerate() {
                for w in set {
                    let w = w.to_ascii_lowercase();
                    let at = words.iter().position(|x| *x == w).unwrap_or_else(|| {
                        words.push(w);
                        owners.push(Vec::new());
                        words.len() - 1
                    });
                    if !owners[at].contains(&(i, 1 << k)) {
                        owners[at].push((i, 1 << k));
                    }
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .ok();
        if ac.is_none() {
            full.iter_mut().for_each(|f| *f = 0);
        }
        Prefilter { ac, owners, full }
    }

    /// The patterns that may match `text`, in order.
    pub(crate) fn candidates(&self, text: &str) -> Vec<usize> {
        let mut seen = vec![0u8; self.full.len()];
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text) {
                for &(i, bit) in &self.owners[m.pattern().as_usize()] {
                    seen[i] |= bit;
                }
            }
        }
        (0..self.full.len()).filter(|&i| seen[i] == self.full[i]).collect()
    }
}

/// The sets of words a match of `pattern` needs one word of each (see [`Prefilter`]); empty when there
/// are none worth looking for.
fn word_sets(pattern: &str) -> Vec<Vec<String>> {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else {
        return Vec::new();
    };
    let mut sets = Vec::new();
    needed(&hir, &mut sets);
    sets.retain(|s| s.len() <= MAX_WORDS && s.iter().all(|w| w.len() >= MIN_WORD && w.is_ascii()));
    // The most selective first: longest shortest word, then fewest words.
    sets.sort_by_key(|s| (std::cmp::Reverse(s.iter().map(String::len).min().unwrap_or(0)), s.len()));
    sets.truncate(MAX_SETS);
    sets
}

/// Adds to `sets` the sets of words every match of `hir` contains one of each.
fn needed(hir: &Hir, sets: &mut Vec<Vec<String>>) {
    match hir.kind() {
        HirKind::Capture(c) => needed(&c.sub, sets),
        HirKind::Repetition(r) if r.min >= 1 => needed(&r.sub, sets),
        HirKind::Concat(parts) => parts.iter().for_each(|p| needed(p, sets)),
        _ => sets.extend(one_of(hir)),
    }
}

/// A set of words every match of `hir` contains one of, or `None`.
fn one_of(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![String::from_utf8(lit.0.to_vec()).ok()?]),
        HirKind::Capture(c) => one_of(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => one_of(&r.sub),
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for b in branches {
                all.extend(one_of(b)?);
                if all.len() > MAX_WORDS {
                    return None;
                }
            }
            Some(all)
        }
        // Of the parts a match must contain, the one with the longest shortest word.
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(one_of)
            .filter(|w| w.len() <= MAX_WORDS && w.iter().all(|x| x.len() >= MIN_WORD))
            .max_by_key(|w| (w.iter().map(String::len).min().unwrap_or(0), std::cmp::Reverse(w.len()))),
        _ => None,
    }
}

/// Compiles a list of patterns from a rules file; each bad one becomes a problem naming its file, line
/// and field.
pub(crate) fn compile_patterns(
    list: &[Spanned<String>],
    field: &str,
    name: &str,
    source: &str,
    problems: &mut Vec<Problem>,
) -> Vec<Regex> {
    list.iter()
        .filter_map(|p| match compile_regex(p.get_ref()) {
            Ok(r) => Some(r),
            Err(msg) => {
                problems.push(Problem {
                    location: Location::at(name.to_string(), line_of(source, p.span().start)).with_field(field),
                    message: msg.to_string(),
                });
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_is_reduced_to_the_words_it_needs() {
        let sets = |p: &str| word_sets(p);
        assert_eq!(sets(r"\baggregat(?:e|ed|es)\b"), [["aggregat"]]);
        assert_eq!(
            sets(r"\b(?:sell|sold)\s+(?:your\s+)?data"),
            [vec!["data"], vec!["sell", "sold"]],
            "every part that must match, the fewest words first"
        );
        assert_eq!(sets(r"(?:opt|choose)[\s-]+out"), [vec!["out"], vec!["opt", "choose"]]);
        assert_eq!(
            sets(r"(?:opt|choose)[\s-]+in"),
            [["opt", "choose"]],
            "`in` is too short to use"
        );
        assert!(
            sets(r"\w+ly\b").is_empty(),
            "a word shorter than three letters rejects nothing"
        );
        assert_eq!(sets(r"(?:we\s+)?share"), [["share"]]);
        assert!(
            sets(r"übermittl\w*").is_empty(),
            "non-ASCII letters fold by Unicode's rules"
        );
    }

    #[test]
    fn the_prefilter_never_rejects_a_pattern_that_matches() {
        let patterns = [
            r"\baggregat(?:e|ed)\b",
            r"\b(?:sell|sold)\b",
            r"\w+ing",
            r"opt[\s-]+out",
        ];
        let pre = Prefilter::new(&patterns);
        let texts = [
            "We AGGREGATE data",
            "It was sOLD",
            "nothing here",
            "OPT-OUT now",
            "aggregatesold",
        ];
        for text in texts {
            let candidates = pre.candidates(text);
            for (i, p) in patterns.iter().enumerate() {
                if compile_regex(p).unwrap().is_match(text) {
                    assert!(candidates.contains(&i), "{p} matches {text} but was rejected");
                }
            }
        }
        assert_eq!(pre.candidates("nothing here"), [2]);
        let pre = Prefilter::new(&[r"\b(?:sell|sold)\s+(?:your\s+)?data"]);
        assert!(
            pre.candidates("we sold the car").is_empty(),
            "a word of one set is not enough"
        );
        assert_eq!(pre.candidates("SOLD your DATA"), [0]);
    }

    #[test]
    fn word_boundaries_become_ascii_and_escapes_survive() {
        assert_eq!(ascii_word_boundaries(r"\bshare\B"), r"(?-u:\b)share(?-u:\B)");
        assert_eq!(ascii_word_boundaries(r"a\\b\s\.c\"), r"a\\b\s\.c\");
        let re = compile_regex(r"\bsold\b").unwrap();
        assert!(re.is_match("It’s never sold’ to anyone"));
        assert!(!re.is_match("unsold"));
    }
}
