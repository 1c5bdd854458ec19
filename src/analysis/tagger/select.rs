//! Which matches of a clause become its hits: polarity joins practice words, and the earliest hit per
//! tag and polarity is kept.

use std::ops::Range;

use super::Hit;
use crate::analysis::tag::Tag;

/// A match with its polarity decided, before the hits are chosen.
pub(super) struct Candidate {
    pub(super) hit: Hit,
    pub(super) trigger: Range<usize>,
    pub(super) part: usize,
    pub(super) in_exception: bool,
    /// The rule fixes the polarity.
    pub(super) fixed: bool,
}

/// Whether the text between two practice words only joins them: spaces, hyphens, `,` `/` `&`, "or", "and".
pub(super) fn only_joins(gap: &str) -> bool {
    gap.split(|c: char| c.is_whitespace() || matches!(c, ',' | '/' | '&' | '-'))
        .all(|w| w.is_empty() || w.eq_ignore_ascii_case("or") || w.eq_ignore_ascii_case("and"))
}

/// Keeps the earliest hit per tag and polarity (an excepted permission apart from the others). A hit of
/// a rule with fixed polarity wins over an overlapping hit of the same tag whose polarity was computed
/// ("no disclosure … to opt out from").
pub(super) fn select_hits(mut candidates: Vec<Candidate>) -> Vec<(Hit, Range<usize>)> {
    // Fixed spans per tag, sorted by start, with the furthest end so far: one binary search per candidate.
    let mut fixed: Vec<(Tag, usize, usize)> = candidates
        .iter()
        .filter(|c| c.fixed)
        .map(|c| (c.hit.tag, c.hit.span.start, c.hit.span.end))
        .collect();
    fixed.sort();
    let mut reach = Vec::with_capacity(fixed.len());
    for (i, &(tag, _, end)) in fixed.iter().enumerate() {
        let before = if i > 0 && fixed[i - 1].0 == tag {
            reach[i - 1]
        } else {
            0
        };
        reach.push(end.max(before));
    }
    let overlaps_fixed = |c: &Candidate| {
        let (tag, span) = (c.hit.tag, &c.hit.span);
        // The last fixed span of this tag that starts before the candidate ends.
        let i = fixed.partition_point(|&(t, s, _)| (t, s) < (tag, span.end));
        i > 0 && fixed[i - 1].0 == tag && reach[i - 1] > span.start
    };
    candidates.retain(|c| c.fixed || !overlaps_fixed(c));
    candidates.sort_by_key(|c| (c.hit.span.start, c.hit.rule));
    let mut out: Vec<(Hit, Range<usize>)> = Vec::new();
    for c in candidates {
        if !out
            .iter()
            .any(|(h, _)| h.tag == c.hit.tag && h.polarity == c.hit.polarity && h.excepted == c.hit.excepted)
        {
            out.push((c.hit, c.trigger));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_spacing_punctuation_and_conjunctions_join_two_practice_words() {
        assert!(only_joins(" "));
        assert!(only_joins(", and/or "));
        assert!(only_joins(" & "));
        assert!(!only_joins(" we do not "));
        assert!(!only_joins("; "));
    }
}
