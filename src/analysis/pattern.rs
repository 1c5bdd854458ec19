//! Patterns: how every regular expression in a rules file is compiled, and how a bad one is reported.

use std::ops::Range;

use aho_corasick::automaton::{Automaton, OverlappingState};
use aho_corasick::{Input, MatchKind, dfa::DFA};
use regex::{Regex, RegexBuilder};
use regex_automata::meta;
use regex_syntax::hir::{Capture, Class, Hir, HirKind, Repetition};
use toml::Spanned;

use crate::base::error::{Location, Problem, line_of};

/// A pattern the regex crate refuses, with the useful line of its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad regex: {0}; fix the pattern (Rust regex syntax: https://docs.rs/regex/latest/regex/#syntax)")]
pub struct BadPattern(pub(crate) String);

#[cfg(test)]
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, BadPattern> {
    compile_regex_for(pattern, Searched::Clauses)
}

/// What a pattern is run over, which decides how much lazy-DFA cache it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Searched {
    /// Whole clauses, most of them ruled out before the pattern runs.
    Clauses,
    /// The few words after each practice word (negation cues), for every finding.
    Windows,
}

/// A rule's pattern compiled, matching ignoring case, with the lazy-DFA cache for what it is run over.
pub(crate) fn compile_regex_for(pattern: &str, searched: Searched) -> Result<Regex, BadPattern> {
    let pattern = with_boundaries(pattern);
    let cache = match searched {
        Searched::Windows => WINDOW_CACHE,
        Searched::Clauses => SMALL_CACHE,
    };
    RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .dfa_size_limit(cache)
        .build()
        .map_err(|e| regex_message(&e))
}

/// The lazy-DFA cache of each pattern, per thread. 64 KB cleared the caches of the patterns asked
/// `is_match` on every candidate clause, which rebuilt their states all run long; at 128 KB they settle.
/// It also decides which patterns need a [`Gate`] ([`fits_small_cache`]): at 256 KB some that do lose
/// theirs, and a run costs a third more (issue 28, docs/performance.md).
const SMALL_CACHE: usize = 128 << 10;
/// The cache of a negation cue's pattern. A cache grows only as states are built, so this is a bound,
/// not an allocation.
const WINDOW_CACHE: usize = 512 << 10;

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

/// How many times its smallest cache a pattern's lazy DFA needs to work rather than thrash. One whose
/// fixed part (start states, the sets it tracks NFA states in) took more than half of [`SMALL_CACHE`]
/// had no room for the states it builds and gave up on most clauses, and the regex crate ran the bounded
/// backtracker instead; such a pattern gets a [`Gate`], whose cache is larger (issue 28).
const ROOM: usize = 2;

/// Whether the lazy DFA of `hir` can work within [`compile_regex_for`]'s cache for clauses.
fn fits_small_cache(hir: &Hir) -> bool {
    use regex_automata::{hybrid, nfa::thompson};
    let Ok(nfa) = thompson::NFA::compiler()
        .configure(thompson::Config::new().which_captures(thompson::WhichCaptures::None))
        .build_from_hir(hir)
    else {
        return true;
    };
    hybrid::dfa::DFA::builder()
        .configure(hybrid::dfa::Config::new().cache_capacity(SMALL_CACHE / ROOM))
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
                    // never to clear its cache; at half that, the gates kept rebuilding states all run
                    // long. A cache grows only as states are built, and each distinct exclusion has one
                    // gate (`RuleSet::context_gates`), so the memory stays within bounds.
                    .hybrid_cache_capacity(1 << 20),
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

/// Every match of `re` in `haystack`, non-overlapping, in order; found by `gate`, when `re` has one and
/// it can answer. A gate's larger cache keeps the search on the lazy DFA, where `re`'s own cache gave up
/// on the largest exclusions and ran the bounded backtracker on whole clauses.
pub(crate) fn find_all(re: &Regex, gate: Option<&Gate>, haystack: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    match gate {
        Some(gate) if gate.matches(haystack, &mut found) => found.into_iter().map(|(span, _)| span).collect(),
        _ => re.find_iter(haystack).map(|m| m.range()).collect(),
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
/// "sold" and also "data"), one set of words. A pattern whose top level is a choice (`a…|b…`) is reduced
/// branch by branch, and is a candidate when one branch's sets all are. One Aho-Corasick automaton finds
/// every word of every set, ignoring ASCII case as the patterns do; a word found where the pattern's own
/// boundaries cannot hold ("elect" of `\belect` inside "select", "rent" of `\brent` in "current") does not
/// count. A pattern that is not a candidate cannot match, so the answer is never narrower than running
/// every pattern. A pattern without such words (a class or an optional part everywhere, words shorter
/// than three letters, non-ASCII letters, whose case folding is Unicode's) is always run.
#[derive(Debug, Clone)]
pub(crate) struct Prefilter {
    /// The DFA itself rather than an `AhoCorasick`, which searches through a trait object.
    ac: Option<DFA>,
    /// Each set of each alternative is one bit of a bit set; for each word of the automaton and each way
    /// it can be touched by word bytes (none, before, after, both: index `word * 4 + touched`), the bits
    /// it sets, as (chunk, bits).
    adds: Vec<Vec<(usize, u64)>>,
    /// Per alternative: its pattern, the first of its bits and how many it has (0: always possible).
    alternatives: Vec<(usize, usize, u32)>,
    /// Per chunk, the first bits of the alternatives in it; per bit, the alternative it is the first of.
    firsts: Vec<u64>,
    alternative_at: Vec<u32>,
    /// The patterns that are always possible, as a bit set.
    always: Vec<u64>,
    chunks: usize,
    patterns: usize,
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
/// The most top-level branches reduced one by one; a longer choice is reduced as a whole.
const MAX_ALTERNATIVES: usize = 8;

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Prefilter {
    pub(crate) fn new(patterns: &[&str]) -> Prefilter {
        let mut words: Vec<String> = Vec::new();
        let mut adds: Vec<Vec<(usize, u64)>> = Vec::new();
        let mut alternatives = Vec::new();
        let mut next_bit = 0;
        for (i, pattern) in patterns.iter().enumerate() {
            for sets in word_sets(pattern) {
                let n = sets.len();
                // An alternative's bits stay within one chunk, so that one mask tests them.
                if next_bit % 64 + n > 64 {
                    next_bit = next_bit.next_multiple_of(64);
                }
                alternatives.push((i, next_bit, n as u32));
                for (k, set) in sets.iter().enumerate() {
                    let (chunk, bit) = ((next_bit + k) / 64, 1u64 << ((next_bit + k) % 64));
                    for w in set {
                        let text = w.text.to_ascii_lowercase();
                        let at = words.iter().position(|x| *x == text).unwrap_or_else(|| {
                            words.push(text);
                            adds.extend(std::iter::repeat_n(Vec::new(), 4));
                            words.len() - 1
                        });
                        for touched in 0..4 {
                            let (before, after) = (touched & 1 != 0, touched & 2 != 0);
                            if w.open_before && before || w.open_after && after {
                                continue;
                            }
                            let list = &mut adds[at * 4 + touched];
                            match list.iter_mut().find(|(c, _)| *c == chunk) {
                                Some((_, bits)) => *bits |= bit,
                                None => list.push((chunk, bit)),
                            }
                        }
                    }
                }
                next_bit += n;
            }
        }
        // The full DFA: a few hundred kilobytes for the default rules' words, and the fastest
        // overlapping search, which runs on every clause.
        let ac = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .ok();
        if ac.is_none() {
            alternatives.iter_mut().for_each(|a| a.2 = 0);
        }
        let chunks = next_bit.div_ceil(64);
        let mut firsts = vec![0u64; chunks];
        let mut alternative_at = vec![0u32; chunks * 64];
        let mut always = vec![0u64; patterns.len().div_ceil(64)];
        for (a, &(pattern, first, n)) in alternatives.iter().enumerate() {
            if n == 0 {
                always[pattern / 64] |= 1 << (pattern % 64);
            } else {
                firsts[first / 64] |= 1 << (first % 64);
                alternative_at[first] = a as u32;
            }
        }
        Prefilter {
            ac,
            adds,
            alternatives,
            firsts,
            alternative_at,
            always,
            chunks,
            patterns: patterns.len(),
        }
    }

    /// The patterns that may match `text`, in order.
    #[cfg(test)]
    pub(crate) fn candidates(&self, text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        self.each_possible(text, |pattern| out.push(pattern));
        out
    }

    /// For each pattern, whether it may match `text`.
    pub(crate) fn mask(&self, text: &str) -> Vec<bool> {
        let mut possible = vec![false; self.patterns];
        self.each_possible(text, |pattern| possible[pattern] = true);
        possible
    }

    /// Calls `f` once with each pattern that may match `text`, in order.
    fn each_possible(&self, text: &str, mut f: impl FnMut(usize)) {
        with_bits(self.chunks, |seen| {
            with_bits(self.always.len(), |possible| {
                possible.copy_from_slice(&self.always);
                if let Some(ac) = &self.ac {
                    with_bits(self.adds.len().div_ceil(64), |found| self.seen(ac, text, found, seen));
                }
                // Only alternatives whose first set has a word can hold.
                for (c, (&s, &firsts)) in seen.iter().zip(&self.firsts).enumerate() {
                    let mut starts = s & firsts;
                    while starts != 0 {
                        let first = c * 64 + starts.trailing_zeros() as usize;
                        starts &= starts - 1;
                        let (pattern, _, n) = self.alternatives[self.alternative_at[first] as usize];
                        let all = (1u64 << n).wrapping_sub(1);
                        if (s >> (first % 64)) & all == all {
                            possible[pattern / 64] |= 1 << (pattern % 64);
                        }
                    }
                }
                for (i, &p) in possible.iter().enumerate() {
                    let mut p = p;
                    while p != 0 {
                        f(i * 64 + p.trailing_zeros() as usize);
                        p &= p - 1;
                    }
                }
            })
        });
    }

    /// Sets in `seen` the bits of the sets that have a word in `text`.
    fn seen(&self, ac: &DFA, text: &str, found: &mut [u64], seen: &mut [u64]) {
        // Which words were found, and how touched: a word found many times counts once.
        let bytes = text.as_bytes();
        let input = Input::new(text);
        let mut state = OverlappingState::start();
        // An unanchored overlapping search of a DFA built with `MatchKind::Standard` cannot fail.
        while ac.try_find_overlapping(&input, &mut state).is_ok() {
            let Some(m) = state.get_match() else { break };
            let before = m.start() > 0 && is_word_byte(bytes[m.start() - 1]);
            let after = bytes.get(m.end()).is_some_and(|&b| is_word_byte(b));
            let k = m.pattern().as_usize() * 4 + before as usize + 2 * after as usize;
            found[k / 64] |= 1 << (k % 64);
        }
        for (i, &f) in found.iter().enumerate() {
            let mut f = f;
            while f != 0 {
                let k = i * 64 + f.trailing_zeros() as usize;
                f &= f - 1;
                for &(chunk, bits) in &self.adds[k] {
                    seen[chunk] |= bits;
                }
            }
        }
    }
}

/// Runs `f` on `n` zeroed words, on the stack when they are few (they are, for the default rules).
fn with_bits<R>(n: usize, f: impl FnOnce(&mut [u64]) -> R) -> R {
    const ON_STACK: usize = 32;
    if n <= ON_STACK {
        f(&mut [0u64; ON_STACK][..n])
    } else {
        f(&mut vec![0u64; n])
    }
}

/// A word every match of some part of a pattern contains, and what is known of the bytes around it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    text: String,
    /// In every match, the byte before (after) the word is not an ASCII letter, digit or `_`.
    open_before: bool,
    open_after: bool,
    /// The word begins (ends) where the part it was taken from begins (ends), so what comes before (after)
    /// the part is what comes before (after) the word.
    at_start: bool,
    at_end: bool,
}

/// The alternatives of `pattern` (its top-level branches, or the pattern itself), each reduced to the
/// sets of words its matches need one word of each (see [`Prefilter`]). An alternative with no sets is
/// always possible, and so is its pattern.
fn word_sets(pattern: &str) -> Vec<Vec<Vec<Word>>> {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else {
        return vec![Vec::new()];
    };
    let mut root = &hir;
    while let HirKind::Capture(c) = root.kind() {
        root = &c.sub;
    }
    let reduce = |hir: &Hir| {
        let mut sets = Vec::new();
        needed(hir, &mut sets);
        sets.retain(|s| {
            s.len() <= MAX_WORDS
                && s.iter().all(|w| {
                    w.text.len() >= MIN_WORD
                        && w.text.is_ascii()
                        && !COMMON.contains(&w.text.to_ascii_lowercase().as_str())
                })
        });
        // The most selective first: longest shortest word, then fewest words.
        sets.sort_by_key(|s| {
            (
                std::cmp::Reverse(s.iter().map(|w| w.text.len()).min().unwrap_or(0)),
                s.len(),
            )
        });
        sets.truncate(MAX_SETS);
        sets
    };
    if let Some(branches) = top_choice(root) {
        let each: Vec<_> = branches.iter().map(reduce).collect();
        if each.iter().all(|sets| !sets.is_empty()) {
            return each;
        }
    }
    vec![reduce(&hir)]
}

/// The branches of a choice at the top of a pattern, each with the rest of the pattern around it: the
/// parser lifts a prefix the branches share (`\ba…|\bb…` is `\b(?:a…|b…)`), so the choice may be one
/// part of a concatenation.
fn top_choice(root: &Hir) -> Option<Vec<Hir>> {
    fn peel(mut h: &Hir) -> &Hir {
        while let HirKind::Capture(c) = h.kind() {
            h = &c.sub;
        }
        h
    }
    let small = |h: &Hir| matches!(h.kind(), HirKind::Alternation(b) if b.len() <= MAX_ALTERNATIVES);
    // A choice of single words (`(?:e|ed|es)`) adds nothing a set of words does not already say.
    let phrase = |b: &Hir| matches!(peel(b).kind(), HirKind::Concat(_));
    let of_phrases = |h: &Hir| matches!(h.kind(), HirKind::Alternation(b) if b.iter().any(phrase));
    match root.kind() {
        HirKind::Alternation(branches) if small(root) => Some(branches.clone()),
        HirKind::Concat(parts) => {
            let j = parts.iter().position(|p| small(peel(p)) && of_phrases(peel(p)))?;
            let HirKind::Alternation(branches) = peel(&parts[j]).kind() else {
                return None;
            };
            let around = |branch: &Hir| {
                let mut whole = parts.clone();
                whole[j] = branch.clone();
                Hir::concat(whole)
            };
            Some(branches.iter().map(around).collect())
        }
        _ => None,
    }
}

/// Adds to `sets` the sets of words every match of `hir` contains one of each.
fn needed(hir: &Hir, sets: &mut Vec<Vec<Word>>) {
    match hir.kind() {
        HirKind::Capture(c) => needed(&c.sub, sets),
        HirKind::Repetition(r) if r.min >= 1 => needed(&r.sub, sets),
        HirKind::Concat(parts) => {
            for (j, part) in parts.iter().enumerate() {
                let mut inner = part;
                while let HirKind::Capture(c) = inner.kind() {
                    inner = &c.sub;
                }
                match inner.kind() {
                    HirKind::Concat(_) | HirKind::Repetition(_) => needed(inner, sets),
                    _ => sets.extend(one_of(part).map(|words| in_context(words, parts, j))),
                }
            }
        }
        _ => sets.extend(one_of(hir)),
    }
}

/// A set of words every match of `hir` contains one of, or `None`.
fn one_of(hir: &Hir) -> Option<Vec<Word>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![Word {
            text: String::from_utf8(lit.0.to_vec()).ok()?,
            open_before: false,
            open_after: false,
            at_start: true,
            at_end: true,
        }]),
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
        HirKind::Concat(parts) => {
            let shortest = |w: &[Word]| w.iter().map(|x| x.text.len()).min().unwrap_or(0);
            let (j, words) = (parts.iter().enumerate())
                .filter_map(|(j, p)| Some((j, one_of(p)?)))
                .filter(|(_, w)| w.len() <= MAX_WORDS && shortest(w) >= MIN_WORD)
                .max_by_key(|(_, w)| (shortest(w), std::cmp::Reverse(w.len())))?;
            Some(in_context(words, parts, j))
        }
        _ => None,
    }
}

/// The words of `parts[j]`, with what the parts around it say of the bytes next to them.
fn in_context(mut words: Vec<Word>, parts: &[Hir], j: usize) -> Vec<Word> {
    let zero_width = |p: &Hir| matches!(p.kind(), HirKind::Look(_));
    let starts = parts[..j].iter().all(zero_width);
    let ends = parts[j + 1..].iter().all(zero_width);
    for w in &mut words {
        let (first, last) = (w.text.as_bytes()[0], w.text.as_bytes()[w.text.len() - 1]);
        if w.at_start && !w.open_before {
            w.open_before = opens(parts[..j].iter().rev(), first, true);
        }
        if w.at_end && !w.open_after {
            w.open_after = opens(parts[j + 1..].iter(), last, false);
        }
        w.at_start &= starts;
        w.at_end &= ends;
    }
    words
}

/// Whether, for a word whose nearest byte is `edge`, the parts next to it (nearest first) keep an ASCII
/// letter, digit or `_` from touching it: a word boundary (when `edge` is such a byte), the start or end
/// of the text, or a part that always ends (`before`) or begins next to the word with another byte.
fn opens<'h>(mut parts: impl Iterator<Item = &'h Hir>, edge: u8, before: bool) -> bool {
    use regex_syntax::hir::Look;
    let Some(next) = parts.next() else { return false };
    match next.kind() {
        HirKind::Look(look) => match look {
            Look::Start | Look::StartLF | Look::StartCRLF if before => true,
            Look::End | Look::EndLF | Look::EndCRLF if !before => true,
            Look::WordAscii | Look::WordUnicode => is_word_byte(edge),
            Look::WordStartAscii | Look::WordStartUnicode | Look::WordStartHalfAscii | Look::WordStartHalfUnicode => {
                before && is_word_byte(edge)
            }
            Look::WordEndAscii | Look::WordEndUnicode | Look::WordEndHalfAscii | Look::WordEndHalfUnicode => {
                !before && is_word_byte(edge)
            }
            _ => false,
        },
        _ => never_word_edge(next, before),
    }
}

/// Whether the characters `lo..=hi` include an ASCII letter, digit or `_`, or one that case folding
/// turns into one (KELVIN SIGN into `k`, LONG S into `s`).
fn holds_word_char(lo: u32, hi: u32) -> bool {
    const WORD: [(u32, u32); 6] = [
        (0x30, 0x39),
        (0x41, 0x5A),
        (0x5F, 0x5F),
        (0x61, 0x7A),
        (0x17F, 0x17F),
        (0x212A, 0x212A),
    ];
    WORD.iter().any(|&(a, b)| lo <= b && a <= hi)
}

/// Whether every match of `hir` ends (`last`) or begins with a byte that is not an ASCII letter, digit
/// or `_`; false when a match may be empty.
fn never_word_edge(hir: &Hir, last: bool) -> bool {
    match hir.kind() {
        HirKind::Literal(lit) => {
            let edge = if last { lit.0.last() } else { lit.0.first() };
            edge.is_some_and(|&b| !is_word_byte(b))
        }
        HirKind::Class(Class::Unicode(c)) => {
            (c.ranges().iter()).all(|r| !holds_word_char(r.start() as u32, r.end() as u32))
        }
        HirKind::Class(Class::Bytes(c)) => {
            (c.ranges().iter()).all(|r| !holds_word_char(r.start().into(), r.end().into()))
        }
        HirKind::Repetition(r) if r.min >= 1 => never_word_edge(&r.sub, last),
        HirKind::Capture(c) => never_word_edge(&c.sub, last),
        HirKind::Concat(parts) => {
            let mut parts = parts.iter().filter(|p| !matches!(p.kind(), HirKind::Look(_)));
            match if last { parts.next_back() } else { parts.next() } {
                Some(p) => never_word_edge(p, last),
                None => false,
            }
        }
        HirKind::Alternation(branches) => branches.iter().all(|b| never_word_edge(b, last)),
        _ => false,
    }
}

/// Whether every match of `pattern` is empty (`''`, `\b`, `(?:)`): such a pattern never finds words.
fn only_empty(pattern: &str) -> bool {
    regex_syntax::parse(pattern).is_ok_and(|hir| hir.properties().maximum_len() == Some(0))
}

/// Compiles a list of patterns from a rules file; each bad one becomes a problem naming its file, line
/// and field.
pub(crate) fn compile_patterns(
    list: &[Spanned<String>],
    field: &str,
    name: &str,
    source: &str,
    problems: &mut Vec<Problem>,
    searched: Searched,
) -> Vec<Regex> {
    list.iter()
        .filter_map(|p| {
            let location = || Location::at(name.to_string(), line_of(source, p.span().start)).with_field(field);
            match compile_regex_for(p.get_ref(), searched) {
                Ok(_) if only_empty(p.get_ref()) => {
                    problems.push(Problem {
                        location: location(),
                        message: format!(
                            "`{}` matches only the empty string, so it can never mark any words; a pattern must match \
                             at least one character",
                            p.get_ref()
                        ),
                    });
                    None
                }
                Ok(r) => Some(r),
                Err(msg) => {
                    problems.push(Problem {
                        location: location(),
                        message: msg.to_string(),
                    });
                    None
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of each set of `pattern`'s only alternative.
    fn sets(pattern: &str) -> Vec<Vec<String>> {
        let mut alternatives = word_sets(pattern);
        assert_eq!(alternatives.len(), 1, "{pattern} has one alternative");
        (alternatives.remove(0).into_iter())
            .map(|set| set.into_iter().map(|w| w.text).collect())
            .collect()
    }

    #[test]
    fn a_pattern_is_reduced_to_the_words_it_needs() {
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
    fn a_word_where_the_patterns_boundaries_cannot_hold_does_not_count() {
        let (w, alternatives) = (|p: &str| word_sets(p).remove(0), |p: &str| word_sets(p).len());
        let elect = &w(r"\b(?:elect|ask)\s+not")[..];
        let flags = |set: &[Word]| set.iter().map(|w| (w.open_before, w.open_after)).collect::<Vec<_>>();
        assert_eq!(
            flags(&elect[0]),
            [(true, false)],
            "nothing is known after the pattern's end"
        );
        assert_eq!(
            flags(&elect[1]),
            [(true, true), (true, true)],
            "a boundary before, a space after"
        );
        assert_eq!(
            flags(&w(r"[^.]\s*share\b")[0]),
            [(false, true)],
            "a class with letters, or one that may be empty, says nothing"
        );
        assert_eq!(flags(&w(r"\bnon-identif")[0]), [(true, false)]);
        assert_eq!(flags(&w(r"\B-identif\w")[0]), [(false, false)]);
        assert_eq!(
            flags(&w(r"[\u{212A}\s]sell")[0]),
            [(false, false)],
            "KELVIN SIGN folds to k"
        );
        assert_eq!(alternatives(r"\bprefer\s+that\b|\bdecide\s+not\b"), 2);
        assert_eq!(
            alternatives(r"\bprefer\b|\w+ly"),
            1,
            "a branch without words makes the pattern one alternative"
        );

        let pre = Prefilter::new(&[
            r"\b(?:elect|choose)\s+not\s+to\b",
            r"\bprefer\s+that\s+we\s+not\b|\bdecide\s+not\s+to\b",
        ]);
        assert!(pre.candidates("Select not to").is_empty(), "elect inside select");
        assert!(pre.candidates("you may ELECT_not to").is_empty(), "`_` is a word byte");
        assert_eq!(pre.candidates("you may elect not to"), [0]);
        assert_eq!(pre.candidates("é-elect not to"), [0]);
        assert!(
            pre.candidates("we prefer to decide").is_empty(),
            "each branch needs all its own words"
        );
        assert_eq!(pre.candidates("decide not to"), [1]);
        assert_eq!(pre.candidates("prefer that we not"), [1]);
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
    fn a_pattern_whose_automaton_leaves_its_cache_little_room_gets_a_gate_that_finds_its_matches() {
        // Unicode word characters in a gap of up to nine words: a large automaton without a long gap.
        let pattern = r"\b(?:share|sell|give)\s+(?:\w+\s+){0,9}?(?:with|to)\s+(?:us|the\s+site|our\s+site)\b";
        let gate = Gate::new(pattern).expect("a large automaton gets a gate even without long gaps");
        assert!(gate.gaps.is_empty());
        let re = compile_regex(pattern).unwrap();
        for text in [
            "You may share your name and email with us, and give feedback to the site.",
            "We share data with partners.",
            "Zoë may sell her old café sign to us today; nothing to our site.",
        ] {
            let want: Vec<_> = re.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(find_all(&re, Some(&gate), text), want, "{text:?}");
            assert_eq!(find_all(&re, None, text), want);
        }
        assert_eq!(
            find_all(&re, Some(&gate), "share it with us. sell them to the site").len(),
            2
        );
    }

    #[test]
    fn sets_with_very_common_words_are_not_used() {
        assert_eq!(sets(r"\bthe\s+(?:sale|sold)\b"), [["sale", "sold"]]);
        assert!(sets(r"\b(?:you|your)\b").is_empty());
    }
}
