//! Patterns: how every regular expression in a rules file is compiled, and how a bad one is reported.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_automata::meta;
use regex_syntax::hir::{Capture, Class, Hir, HirKind, Repetition};
use toml::Spanned;

use crate::error::{Location, Problem, line_of};

/// A pattern the regex crate refuses, with the useful line of its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad regex: {0}; fix the pattern (Rust regex syntax: https://docs.rs/regex/latest/regex/#syntax)")]
pub struct BadPattern(pub(crate) String);

pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, BadPattern> {
    // A small lazy-DFA cache per pattern: every pattern has one per thread, and the default (megabytes
    // each) took batch tagging past 100 MB with two threads for a few per cent of speed.
    RegexBuilder::new(&with_boundaries(pattern))
        .case_insensitive(true)
        .dfa_size_limit(SMALL_CACHE)
        .build()
        .map_err(|e| regex_message(&e))
}

/// The lazy-DFA cache of each pattern, per thread. With the gates doing most of the searching, 64 KB is
/// as fast as 128 KB was, and two threads peak 6 MB lower (issue 16).
const SMALL_CACHE: usize = 64 << 10;

/// The pattern as it is compiled: its word boundaries ASCII-only unless it has non-ASCII letters.
fn with_boundaries(pattern: &str) -> String {
    // A pattern with non-ASCII letters ("übermittlung") needs Unicode boundaries to match at all; curly
    // quotes and dashes do not.
    if pattern.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) {
        pattern.to_string()
    } else {
        ascii_word_boundaries(pattern)
    }
}

/// Repetitions bounded at this many or more are unbounded in a [`Gate`].
const LONG_REPEAT: u32 = 10;

/// A pattern with long bounded gaps (`[^.;:!?]{0,200}?`), relaxed: the gaps unbounded.
///
/// A bounded gap makes the lazy DFA count: every byte after a practice word is a new state, the cache
/// fills within a few clauses and the search falls back to the PikeVM, which took 40% of batch tagging.
/// Unbounded, the automaton has a few hundred states that are built once and reused.
///
/// The relaxed pattern matches everything the pattern matches and a little more (a gap longer than its
/// bound). So it rules clauses out ([`Gate::is_match`]), and it finds the pattern's own matches
/// ([`Gate::matches`]): when the relaxed pattern's leftmost-first match keeps every gap within its bound,
/// the pattern has no match further left (it would be a relaxed match too) and none preferred at the same
/// start (its path would be a preferred relaxed path), so the two are the same match with the same
/// groups. A gap past its bound is reported, and the caller runs the pattern itself.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    re: meta::Regex,
    /// The group of each long gap and its bound, in characters or, for a byte class, bytes.
    gaps: Vec<(usize, u32, bool)>,
    /// The `t` group, when the pattern has one.
    trigger: Option<usize>,
    /// The gaps can be checked: each is one class repeated, inside no other repetition.
    checkable: bool,
}

/// Whether the lazy DFA of `hir` can work within [`compile_regex`]'s cache.
fn fits_small_cache(hir: &Hir) -> bool {
    use regex_automata::{hybrid, nfa::thompson};
    let Ok(nfa) = thompson::NFA::compiler()
        .configure(thompson::Config::new().which_captures(thompson::WhichCaptures::None))
        .build_from_hir(hir)
    else {
        return true;
    };
    hybrid::dfa::DFA::builder()
        .configure(hybrid::dfa::Config::new().cache_capacity(SMALL_CACHE))
        .build_from_nfa(nfa)
        .is_ok()
}

/// One match: its span and its `t` group's.
pub(crate) type Found = (Range<usize>, Option<Range<usize>>);

impl Gate {
    /// The gate of `pattern`, or `None` when it has no long bounded gap and its own lazy DFA works.
    pub(crate) fn new(pattern: &str) -> Option<Gate> {
        let hir = regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .build()
            .parse(&with_boundaries(pattern))
            .ok()?;
        let mut relax = Relax {
            next_group: 1,
            gaps: Vec::new(),
            trigger: None,
            checkable: true,
        };
        let relaxed = relax.hir(&hir, false);
        // Without gaps the gate is the pattern itself, and worth having only when the pattern's states do
        // not fit its small cache at all (`(?:\w+\s+){0,3}` with Unicode classes), so that the regex crate
        // runs it on the PikeVM: then it decides which clauses the pattern runs on.
        if relax.gaps.is_empty() && fits_small_cache(&relaxed) {
            return None;
        }
        let re = meta::Regex::builder()
            .configure(
                meta::Config::new()
                    // The relaxed automaton of the longest default pattern needs about 1 MB of states
                    // never to clear its cache; half that was 2% slower and uses less memory. A cache
                    // grows only as states are built.
                    .hybrid_cache_capacity(512 << 10),
            )
            .build_from_hir(&relaxed)
            .ok()?;
        Some(Gate {
            re,
            gaps: relax.gaps,
            trigger: relax.trigger,
            checkable: relax.checkable,
        })
    }

    /// Whether the pattern may match `haystack`; false means it cannot.
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        self.re.is_match(haystack)
    }

    /// Appends the pattern's matches in `haystack` (non-overlapping, in order, as `captures_iter` finds
    /// them) to `out`; false, with `out` as it was, when a gap went past its bound and the pattern itself
    /// must be run.
    pub(crate) fn matches(&self, haystack: &str, out: &mut Vec<Found>) -> bool {
        if !self.checkable {
            return false;
        }
        let before = out.len();
        for caps in self.re.captures_iter(haystack) {
            let Some(whole) = caps.get_match() else { continue };
            let within = |&(group, bound, bytes): &(usize, u32, bool)| {
                caps.get_group(group).is_none_or(|g| {
                    let gap = &haystack[g.range()];
                    let len = if bytes { gap.len() } else { gap.chars().count() };
                    len <= bound as usize
                })
            };
            // An empty match would make the two iterations step differently; none of the rules has one.
            if whole.is_empty() || !self.gaps.iter().all(within) {
                out.truncate(before);
                return false;
            }
            out.push((
                whole.range(),
                self.trigger.and_then(|t| caps.get_group(t)).map(|g| g.range()),
            ));
        }
        true
    }
}

/// Builds a gate's relaxed pattern: long repetitions unbounded, each in a new group, the `t` group kept,
/// every other group dropped, groups numbered in order of appearance.
struct Relax {
    next_group: u32,
    gaps: Vec<(usize, u32, bool)>,
    trigger: Option<usize>,
    checkable: bool,
}

impl Relax {
    fn group(&mut self) -> u32 {
        self.next_group += 1;
        self.next_group - 1
    }

    fn hir(&mut self, hir: &Hir, in_repetition: bool) -> Hir {
        match hir.kind() {
            HirKind::Repetition(r) if r.max.is_some_and(|m| m >= LONG_REPEAT) => {
                let bytes = matches!(r.sub.kind(), HirKind::Class(Class::Bytes(_)));
                if in_repetition || !matches!(r.sub.kind(), HirKind::Class(_)) {
                    self.checkable = false;
                }
                let index = self.group();
                let sub = self.hir(&r.sub, true);
                self.gaps.push((index as usize, r.max.unwrap_or(u32::MAX), bytes));
                let rep = Hir::repetition(Repetition {
                    min: r.min,
                    max: None,
                    greedy: r.greedy,
                    sub: Box::new(sub),
                });
                Hir::capture(Capture {
                    index,
                    name: None,
                    sub: Box::new(rep),
                })
            }
            HirKind::Repetition(r) => Hir::repetition(Repetition {
                min: r.min,
                max: r.max,
                greedy: r.greedy,
                sub: Box::new(self.hir(&r.sub, true)),
            }),
            HirKind::Capture(c) if c.name.as_deref() == Some("t") && self.trigger.is_none() => {
                let index = self.group();
                self.trigger = Some(index as usize);
                Hir::capture(Capture {
                    index,
                    name: c.name.clone(),
                    sub: Box::new(self.hir(&c.sub, in_repetition)),
                })
            }
            HirKind::Capture(c) => self.hir(&c.sub, in_repetition),
            HirKind::Concat(subs) => Hir::concat(subs.iter().map(|h| self.hir(h, in_repetition)).collect()),
            HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(|h| self.hir(h, in_repetition)).collect()),
            _ => hir.clone(),
        }
    }
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
/// Words so common in policies (or inside common words: "form" in "information") that a set holding
/// one rules out almost nothing, while the automaton reports each of them several times per sentence.
/// On OPP-115 these five were a third of the words found; more (use, may, not…) let through more clauses
/// than they saved.
const COMMON: &[&str] = &["the", "you", "your", "our", "form"];
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
            // The full DFA: a few hundred kilobytes for the default rules' words, and the fastest
            // overlapping search, which runs on every clause.
            .kind(Some(AhoCorasickKind::DFA))
            .build(&words)
            .ok();
        if ac.is_none() {
            full.iter_mut().for_each(|f| *f = 0);
        }
        Prefilter { ac, owners, full }
    }

    /// The patterns that may match `text`, in order.
    pub(crate) fn candidates(&self, text: &str) -> Vec<usize> {
        let seen = self.mask(text);
        (0..self.full.len()).filter(|&i| seen[i]).collect()
    }

    /// For each pattern, whether it may match `text`.
    pub(crate) fn mask(&self, text: &str) -> Vec<bool> {
        let mut seen = vec![0u8; self.full.len()];
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text) {
                for &(i, bit) in &self.owners[m.pattern().as_usize()] {
                    seen[i] |= bit;
                }
            }
        }
        seen.iter().zip(&self.full).map(|(s, f)| s == f).collect()
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
    sets.retain(|s| {
        s.len() <= MAX_WORDS
            && s.iter()
                .all(|w| w.len() >= MIN_WORD && w.is_ascii() && !COMMON.contains(&w.to_ascii_lowercase().as_str()))
    });
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

    /// The exact pattern's matches in `haystack`, as the tagger takes them without a gate.
    fn exact(pattern: &str, haystack: &str) -> Vec<Found> {
        let re = compile_regex(pattern).unwrap();
        let t = re.capture_names().position(|n| n == Some("t"));
        re.captures_iter(haystack)
            .map(|c| (c.get(0).unwrap().range(), t.and_then(|t| c.get(t)).map(|m| m.range())))
            .collect()
    }

    #[test]
    fn a_gate_finds_exactly_the_patterns_matches_or_says_it_cannot() {
        let pattern = r"\b(?P<t>shar(?:e|ed)|sell)\b[^.;]{0,20}?\bwith\b[^.;]{0,10}?\bpartners\b";
        let gate = Gate::new(pattern).expect("long gaps make a gate");
        let texts = [
            "We share data with partners. We sell it with our partners too.",
            "We SHARED your data with partners and sold nothing; we sell it with partners.",
            "Nothing here.",
            // The second gap is too long for the pattern: no match at all, and the gate must say so.
            "We share data with a great many of our partners.",
            // The first "share" is too far from "with": the pattern matches from the second one only.
            "We share the information that you give us when you register, and we share it with partners.",
        ];
        let mut checked = 0;
        for text in texts {
            let want = exact(pattern, text);
            assert!(
                gate.is_match(text) || want.is_empty(),
                "the gate rejected a match in {text:?}"
            );
            let mut found = vec![(0..0, None)];
            if gate.matches(text, &mut found) {
                assert_eq!(found[1..], want[..], "{text:?}");
                checked += 1;
            } else {
                assert_eq!(found, [(0..0, None)], "a failed search leaves the list as it was");
            }
        }
        assert_eq!(
            checked, 3,
            "the two texts with a gap past its bound fall back to the pattern"
        );
        let mut found = Vec::new();
        assert!(!gate.matches("We share data with a great many of our partners.", &mut found));
        assert!(found.is_empty());
    }

    #[test]
    fn gaps_inside_repetitions_cannot_be_checked_and_short_patterns_need_no_gate() {
        let gate = Gate::new(r"(?:a[^.]{0,20}b)+").unwrap();
        assert!(gate.is_match("a b"));
        assert!(
            !gate.matches("a b", &mut Vec::new()),
            "the last repetition's gap is all a group keeps"
        );
        assert!(Gate::new(r"\bsell\s+(?:your\s+)?data\b").is_none());
        assert!(
            Gate::new(r"\bdata\b.{0,9}").is_none(),
            "a bound under ten is not a long gap"
        );
    }

    #[test]
    fn sets_with_very_common_words_are_not_used() {
        assert_eq!(word_sets(r"\bthe\s+(?:sale|sold)\b"), [["sale", "sold"]]);
        assert!(word_sets(r"\b(?:you|your)\b").is_empty());
    }
}
