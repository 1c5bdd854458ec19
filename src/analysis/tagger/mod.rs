//! Tagging: runs the rules over each clause and decides each finding's polarity and exceptions with the
//! clause's [`Scopes`] (see `polarity`).

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;

use crate::analysis::ontology::{ConceptSet, Found, Grammar, Practice, Site, TextWords};
use crate::analysis::pattern::find_all;
use crate::analysis::polarity::{ExceptionSpan, Scopes};
use crate::analysis::rules::{ConceptSlot, ExceptionKind, Rule, RuleSet, Words};
use crate::analysis::statement::{self, Answer};
use crate::analysis::tag::{Polarity, Tag};
use crate::base::error::{Location, Problem};
use crate::document::segment::{self, Clause};

mod findings;
mod read;
mod select;
mod unstated;
pub use read::{Part, Reading};
use select::{Candidate, only_joins, select_hits};

/// A rule match inside one clause. Spans are relative to the clause text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub tag: Tag,
    pub polarity: Polarity,
    /// Index of the rule in [`RuleSet::rules`].
    pub rule: usize,
    /// The words the rule matched.
    pub span: Range<usize>,
    /// The words that made it negative ("never").
    pub cue: Option<String>,
    /// Index of the negation cue in [`crate::analysis::rules::Lexicon::cues`] that made it negative.
    pub negated_by: Option<usize>,
    /// For a denial: what it makes an exception of ("except as required by law").
    pub exceptions: Vec<ExceptionSpan>,
    /// A permission that is the exception to a denial of the same tag in its part.
    pub excepted: bool,
    /// The practice read structurally; offsets relative to the clause.
    pub practice: Practice,
}

/// An exception to a denial, as reports carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Exception {
    pub kind: ExceptionKind,
    /// The exception's words ("except where a court orders it").
    pub text: String,
    /// Byte offset of the exception in the normalised text.
    pub start: usize,
    /// Byte offset of its end in the normalised text.
    pub end: usize,
}

/// One finding with its clause: what reports and JSON carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub tag: Tag,
    pub polarity: Polarity,
    /// The id of the rule that fired.
    pub rule: String,
    /// The clause the finding is in.
    pub clause: String,
    /// Byte offset (UTF-8) of the clause in the normalised text.
    pub start: usize,
    /// Byte offset (UTF-8) of the end of the clause in the normalised text.
    pub end: usize,
    /// Character offset (Unicode scalar values, as Python's `str` indexes) of the clause.
    pub char_start: usize,
    /// Character offset of the end of the clause: `text[char_start:char_end]` in Python.
    pub char_end: usize,
    /// The exact words that triggered the rule.
    pub evidence: String,
    /// The negation ("never", "none of", "is prohibited") that made the finding negative.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// What a denial makes an exception of: the policy permits these, the denial stands for the rest.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub exceptions: Vec<Exception>,
    /// This permission is what a denial in the same clause makes an exception of ("we do not share your
    /// data except *as required by law*"): it is permitted only as that exception.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub excepted: bool,
    /// What is done to which data, for whom and why, each part with its words and offsets.
    #[serde(skip_serializing_if = "Practice::is_empty", default)]
    pub practice: Practice,
}

/// Exception kinds in order, without repeats.
fn kinds(list: impl Iterator<Item = ExceptionKind>) -> Vec<ExceptionKind> {
    let mut kinds: Vec<ExceptionKind> = list.collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

impl Hit {
    /// The exception kinds, in order, without repeats.
    pub fn exception_kinds(&self) -> Vec<ExceptionKind> {
        kinds(self.exceptions.iter().map(|e| e.kind))
    }
}

impl Finding {
    /// The exception kinds, in order, without repeats.
    pub fn exception_kinds(&self) -> Vec<ExceptionKind> {
        kinds(self.exceptions.iter().map(|e| e.kind))
    }
}

/// A clause and its hits.
#[derive(Debug, Clone)]
pub struct TaggedClause<'a> {
    pub clause: Clause<'a>,
    pub hits: Vec<Hit>,
}

/// A match before polarity is decided.
struct Raw {
    rule: usize,
    span: Range<usize>,
    trigger: Range<usize>,
}

/// The matches of one regex over a clause, in order: non-overlapping, so both starts and ends increase.
fn overlaps_any(sorted: &[Range<usize>], span: &Range<usize>) -> bool {
    let i = sorted.partition_point(|m| m.end <= span.start);
    sorted.get(i).is_some_and(|m| m.start < span.end)
}

/// A rule met in a clause, with what its matches are checked against.
struct Met {
    rule: usize,
    /// Where the first antecedent match ends (0 without antecedents, `usize::MAX` without a match).
    antecedent: Option<usize>,
}

impl RuleSet {
    /// Segments `text` into clauses and tags each one.
    pub fn tag_text<'a>(&self, text: &'a str) -> Vec<TaggedClause<'a>> {
        let tagged = segment::clauses(text)
            .into_iter()
            .map(|clause| TaggedClause {
                hits: self.tag_clause(clause.text),
                clause,
            })
            .collect();
        self.settle_questions(text, tagged)
    }

    /// A yes/no question states no practice ([`statement::answer`]): "No." or "Never." after it denies
    /// what it asks, and a bare answer joins the question's clause so that the evidence quotes both;
    /// "Yes" keeps the question's findings; any other answer leaves the question none.
    fn settle_questions<'a>(&self, text: &'a str, tagged: Vec<TaggedClause<'a>>) -> Vec<TaggedClause<'a>> {
        let g = &self.ontology.grammar;
        let mut out: Vec<TaggedClause<'a>> = Vec::with_capacity(tagged.len());
        let mut clauses = tagged.into_iter().peekable();
        while let Some(mut tc) = clauses.next() {
            if tc.hits.is_empty() || !statement::is_yes_no_question(tc.clause.text, g) {
                out.push(tc);
                continue;
            }
            let next = clauses.peek();
            match statement::answer(next.map(|n| n.clause.text), g) {
                Answer::Yes => {}
                Answer::Other => tc.hits.clear(),
                Answer::No { word, bare } => {
                    let next = next.expect("an answer is a clause");
                    let cue = next.clause.text[word].to_string();
                    for hit in &mut tc.hits {
                        hit.polarity = Polarity::Negative;
                        hit.cue = Some(cue.clone());
                        hit.negated_by = None;
                        hit.excepted = false;
                    }
                    let mut seen = HashSet::new();
                    tc.hits.retain(|h| seen.insert(h.tag));
                    let (q, a) = (&tc.clause, &next.clause);
                    if bare && next.hits.is_empty() && text[q.end..a.start].trim().is_empty() {
                        tc.clause = Clause {
                            text: &text[q.start..a.end],
                            start: q.start,
                            end: a.end,
                            char_start: q.char_start,
                        };
                        clauses.next();
                    }
                }
            }
            out.push(tc);
        }
        out
    }

    /// The examples of the rules from file `origin` that the rules do not keep: an example the rule
    /// (or another of its tag) does not tag, or a counter-example the rule tags.
    pub fn example_problems(&self, origin: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (i, rule) in self.rules.iter().enumerate().filter(|(_, r)| r.origin == origin) {
            let mut problem = |field: &str, message: String| {
                problems.push(Problem {
                    location: Location::file(origin.to_string()).with_field(format!("rule `{}` {field}", rule.id)),
                    message,
                })
            };
            for ex in &rule.examples {
                if !self
                    .tag_clause(ex)
                    .iter()
                    .any(|h| h.rule == i || self.rules[h.rule].tag == rule.tag)
                {
                    problem(
                        "examples",
                        format!("{ex:?} is not tagged {}; fix the pattern or the example", rule.tag),
                    );
                }
            }
            for ex in &rule.counter_examples {
                if self.tag_clause(ex).iter().any(|h| h.rule == i) {
                    problem(
                        "counter_examples",
                        format!("{ex:?} is tagged by the rule; it should not be"),
                    );
                }
            }
        }
        problems
    }

    /// Tags one clause: at most one hit per tag and polarity, the earliest, in clause order.
    pub fn tag_clause(&self, clause: &str) -> Vec<Hit> {
        // The words every match needs rule most patterns out in one pass; the rest run their automata.
        // A rule that names concepts `before` or `after` its matches runs only where the clause has terms
        // of them: its verbs ("use", "set") are common, the clauses with a recipient before one are not.
        // The clause's words and its terms are each found once, when first needed: splitting the words is
        // cheap, and rules out most clauses before their terms are looked up.
        let mut split: Option<TextWords> = None;
        let mut terms: Option<Vec<Found>> = None;
        let possible = self.prefilter.mask(clause);
        let (possible_patterns, possible_context) = possible.split_at(self.context_offset);
        let matched: Vec<usize> = (possible_patterns.iter().enumerate())
            .filter_map(|(i, &p)| p.then_some(i))
            .filter(|&i| {
                let (pattern, rule_index) = &self.patterns[i];
                let rule = &self.rules[*rule_index];
                if !rule.before.is_empty() || !rule.after.is_empty() {
                    let split = split.get_or_insert_with(|| TextWords::new(clause));
                    let terms = terms.get_or_insert_with(|| self.ontology.terms_among(clause, split));
                    let has = |slots: &[ConceptSlot]| {
                        slots.is_empty()
                            || terms
                                .iter()
                                .any(|t| slots.iter().any(|s| s.holds(&self.ontology, t.concept)))
                    };
                    if !has(&rule.before) || !has(&rule.after) {
                        return false;
                    }
                }
                match &pattern.gate {
                    Some(gate) => gate.is_match(clause),
                    None => pattern.re.is_match(clause),
                }
            })
            .collect();
        // Sequences run over the clause's words and terms. One that lacks a word of a step it needs ("…
        // have <access> to" without "access"), or a term of a concept it needs, cannot match; the words
        // are asked first, as they are found before the terms.
        let gated = self.sequence_gate.as_ref().is_some_and(|gate| !gate.is_match(clause));
        // Each as its position in `self.sequenced`.
        let sequenced: Vec<usize> = match self.sequenced.is_empty() || gated {
            true => Vec::new(),
            false => {
                let split = split.get_or_insert_with(|| TextWords::new(clause));
                let present = self.required_steps.present(&split.keys);
                // `collect` would start from nothing (a filter's lower bound is 0) and regrow.
                let mut may = Vec::with_capacity(self.sequenced.len());
                may.extend((0..self.sequenced.len()).filter(|&i| self.required_steps.has(i, present)));
                if !may.is_empty() {
                    let terms = terms.get_or_insert_with(|| self.ontology.terms_among(clause, split));
                    let present = ConceptSet::of(self.ontology.concepts.len(), terms.iter().map(|t| t.concept));
                    may.retain(|&i| {
                        let (r, k) = self.sequenced[i];
                        self.rules[r].sequences[k].may_match(&present)
                    });
                }
                may
            }
        };
        if (matched.is_empty() && sequenced.is_empty())
            || statement::is_cross_reference(clause)
            || statement::is_interface_text(clause, &self.ontology.grammar)
        {
            return Vec::new();
        }
        let needs_terms = !sequenced.is_empty() || matched.iter().any(|&i| self.rules[self.patterns[i].1].has_slots());
        if needs_terms && terms.is_none() {
            let split = split.get_or_insert_with(|| TextWords::new(clause));
            terms = Some(self.ontology.terms_among(clause, split));
        }
        let mut clause_terms = terms;
        let words = (clause_terms.as_deref().zip(split))
            .filter(|_| !sequenced.is_empty())
            .map(|(t, split)| Words::with_spans(clause, split, t, &self.ontology));
        // A clause that only sequences could tag, none of them matching anywhere in it, has no finding:
        // it is done before its negation scopes are read.
        if let Some(words) = words.as_ref().filter(|_| matched.is_empty()) {
            let all = words.within(&(0..clause.len()));
            let any = (sequenced.iter()).any(|&i| {
                let (r, k) = self.sequenced[i];
                self.rules[r].sequences[k].may_match_in(words, all.clone())
            });
            if !any {
                return Vec::new();
            }
        }
        let sources = (matched.iter().map(|&i| Source::Pattern(i))).chain(
            sequenced
                .iter()
                .map(|&i| Source::Sequence(self.sequenced[i].0, self.sequenced[i].1)),
        );
        let scopes = Scopes::new(clause, &self.lexicon, &self.ontology.grammar);
        // Matching runs segment by segment, so that a pattern cannot join the "sell" of "we do not sell
        // your data" to the "partners" of "but we share it with partners" or ", and we share it with
        // them". A rule's exclusions and antecedents are matched once per clause, not once per match, and
        // an exclusion several rules share (`context_same`) once for all of them. Per rule met: the rule
        // and where its antecedent ends, worked out when first needed.
        let mut met: Vec<Met> = Vec::new();
        // Each distinct exclusion's matches in the clause, by its first index among the context patterns.
        let mut exclusion_matches: Vec<Option<Vec<Range<usize>>>> = Vec::new();
        let mut raw: Vec<Raw> = Vec::new();
        let mut found = Vec::new();
        for source in sources {
            let rule_index = &match source {
                Source::Pattern(i) => self.patterns[i].1,
                Source::Sequence(r, _) => r,
            };
            let rule = &self.rules[*rule_index];
            // A context pattern whose words are not in the clause, or whose gate rules it out, is not run.
            let possible = possible_context;
            let first = self.context_start[*rule_index];
            let gate = |k: usize| self.context_gates[self.context_same[k]].as_ref();
            let may = |k: usize| possible[k] && gate(k).is_none_or(|g| g.is_match(clause));
            // Exclusions are looked for only once a match needs them: most candidate rules match nothing.
            let at = met.iter().position(|m| m.rule == *rule_index).unwrap_or_else(|| {
                met.push(Met {
                    rule: *rule_index,
                    antecedent: None,
                });
                met.len() - 1
            });
            let Met { antecedent, .. } = &mut met[at];
            let mut excluded_by = |span: &Range<usize>| {
                (rule.exclude.iter().enumerate()).any(|(k, ex)| {
                    if !possible[first + k] {
                        return false;
                    }
                    if exclusion_matches.is_empty() {
                        exclusion_matches.resize(self.context_same.len(), None);
                    }
                    // The gate finds the matches itself, so it is not asked first whether there are any.
                    let list = exclusion_matches[self.context_same[first + k]]
                        .get_or_insert_with(|| find_all(ex, gate(first + k), clause));
                    overlaps_any(list, span)
                })
            };
            let after = *antecedent.get_or_insert_with(|| {
                if rule.antecedent.is_empty() {
                    0
                } else {
                    let first = first + rule.exclude.len();
                    (rule.antecedent.iter().enumerate())
                        .filter(|&(k, _)| may(first + k))
                        .filter_map(|(_, re)| re.find(clause).map(|m| m.end()))
                        .min()
                        .unwrap_or(usize::MAX)
                }
            });
            let slots = rule
                .has_slots()
                .then(|| clause_terms.as_deref().expect("found for rules with slots"));
            let in_place =
                |span: &Range<usize>| slots.is_none_or(|terms| concepts_around(self, rule, terms, clause, span));
            for part in scopes.segments() {
                let haystack = &clause[part.clone()];
                let shift = |r: Range<usize>| part.start + r.start..part.start + r.end;
                let mut keep = |span: Range<usize>, trigger: Option<Range<usize>>| {
                    if span.is_empty() || span.start < after || !in_place(&span) || excluded_by(&span) {
                        return;
                    }
                    // Without a `t` group the whole match is the practice word(s).
                    let trigger = trigger.unwrap_or_else(|| span.clone());
                    raw.push(Raw {
                        rule: *rule_index,
                        span,
                        trigger,
                    });
                };
                let pattern = match source {
                    Source::Pattern(i) => &self.patterns[i].0,
                    Source::Sequence(r, k) => {
                        let words = words.as_ref().expect("found for sequences");
                        let within = words.within(part);
                        for (span, trigger) in self.rules[r].sequences[k].matches(words, within) {
                            keep(span, trigger);
                        }
                        continue;
                    }
                };
                found.clear();
                if pattern.gate.as_ref().is_some_and(|g| g.matches(haystack, &mut found)) {
                    for (span, trigger) in found.drain(..) {
                        keep(shift(span), trigger.map(shift));
                    }
                    continue;
                }
                match pattern.trigger {
                    // Finding a match is cheaper than finding its groups: only patterns with a `t` group
                    // pay for the captures.
                    None => pattern
                        .re
                        .find_iter(haystack)
                        .for_each(|m| keep(shift(m.range()), None)),
                    Some(g) => {
                        for caps in pattern.re.captures_iter(haystack) {
                            let whole = caps.get(0).expect("group 0 always matches");
                            keep(shift(whole.range()), caps.get(g).map(|m| shift(m.range())));
                        }
                    }
                }
            }
        }
        let mut candidates: Vec<Candidate> = raw
            .into_iter()
            .map(|r| {
                let rule = &self.rules[r.rule];
                let decision = match rule.polarity {
                    Some(_) => None,
                    None => scopes.negation(&r.trigger, r.span.end, &self.lexicon),
                };
                let polarity = rule.polarity.unwrap_or(if decision.is_some() {
                    Polarity::Negative
                } else {
                    Polarity::Positive
                });
                Candidate {
                    trigger: r.trigger.clone(),
                    part: scopes.part_of(r.trigger.start),
                    in_exception: scopes.in_exception(r.trigger.start),
                    fixed: rule.polarity.is_some(),
                    hit: Hit {
                        tag: rule.tag,
                        polarity,
                        rule: r.rule,
                        span: r.span,
                        cue: decision.as_ref().map(|d| clause[d.span.clone()].to_string()),
                        negated_by: decision.map(|d| d.cue),
                        exceptions: Vec::new(),
                        excepted: false,
                        practice: Practice::default(),
                    },
                }
            })
            .collect();
        // Polarity belongs to the practice word, not to the rule that found it: matches of one tag at the
        // same word share a denial (a `post` cue may follow one rule's match and not another's), and so
        // does a practice word right after a denied one ("we don't use your GPS *location*", "no
        // opt-in/*opt-out*"). Sorted so that denials come first at each word; one pass.
        candidates.sort_by_key(|c| (c.hit.tag, c.trigger.start, c.hit.polarity == Polarity::Positive));
        for i in 1..candidates.len() {
            let (before, rest) = candidates.split_at_mut(i);
            let (prev, cur) = (&before[i - 1], &mut rest[0]);
            if prev.hit.tag == cur.hit.tag
                && prev.hit.polarity == Polarity::Negative
                && !prev.fixed
                && !cur.fixed
                && cur.hit.polarity == Polarity::Positive
                && (prev.trigger.start == cur.trigger.start
                    || prev.trigger.end <= cur.trigger.start
                        && only_joins(&clause[prev.trigger.end..cur.trigger.start]))
            {
                cur.hit.polarity = Polarity::Negative;
                cur.hit.cue = prev.hit.cue.clone();
                cur.hit.negated_by = prev.hit.negated_by;
            }
        }
        // A match inside an exception to a denial of its tag is what the denial lets through ("except *as
        // required by law*"): a permission, marked as the exception, never a denial of its own.
        let denied: HashSet<(usize, Tag)> = candidates
            .iter()
            .filter(|c| c.hit.polarity == Polarity::Negative && !c.in_exception)
            .map(|c| (c.part, c.hit.tag))
            .collect();
        for c in &mut candidates {
            if c.in_exception && denied.contains(&(c.part, c.hit.tag)) {
                c.hit.excepted = true;
                if !c.fixed {
                    c.hit.polarity = Polarity::Positive;
                    c.hit.cue = None;
                    c.hit.negated_by = None;
                }
            }
        }
        self.drop_unstated(clause, &scopes, &mut candidates);
        let mut hits = select_hits(candidates);
        // The terms of each part, found once for all the findings in it.
        let mut terms: Vec<(Range<usize>, Vec<Found>)> = Vec::new();
        for (hit, trigger) in &mut hits {
            if hit.polarity == Polarity::Negative {
                hit.exceptions = scopes.exceptions(hit.span.start, &self.lexicon);
            }
            let excluded: Vec<Range<usize>> = hit.exceptions.iter().map(|e| e.span.clone()).collect();
            let part = scopes.part(trigger.start);
            let at = match terms.iter().position(|(p, _)| *p == part) {
                Some(i) => i,
                None => {
                    // A part that is the whole clause has the clause's terms, when they were found.
                    let found = match clause_terms.take_if(|_| part == (0..clause.len())) {
                        Some(found) => found,
                        None => self.ontology.terms(&clause[part.clone()]),
                    };
                    terms.push((part.clone(), found));
                    terms.len() - 1
                }
            };
            let site = Site {
                text: clause,
                trigger,
                scope: &part,
                excluded: &excluded,
                denial: hit.polarity == Polarity::Negative,
            };
            hit.practice = self.ontology.practice_of(&terms[at].1, site);
            // "Addresses you provide … may be saved …; but they … will not be shared": the data is named
            // earlier in the clause than the part.
            let practice = &mut hit.practice;
            if practice.data.is_empty() && practice.identifiability.is_empty() && part.start > 0 {
                practice.needs_antecedent = true;
                self.ontology.resolve_antecedent(practice, &clause[..part.start], 0);
            }
            self.ontology.read_data_source(&mut hit.practice, clause);
        }
        // Collected in place, the list keeps the room of the larger pairs it was made from; every clause's
        // hits are held until the text's findings are built.
        let mut hits: Vec<Hit> = hits.into_iter().map(|(hit, _)| hit).collect();
        hits.shrink_to_fit();
        hits
    }
}

/// Most words between a rule's `before` concept and its match.
const MAX_BETWEEN: usize = 4;

/// Whether the concepts a rule names `before` and `after` its match are there: a term of a `before`
/// concept ends right before the match (only auxiliaries and adverbs between: "third parties *may also*
/// collect"), and a term of an `after` concept runs
/// across the match's end or starts within `after_within` bytes after it, in the same sentence.
fn concepts_around(rules: &RuleSet, rule: &Rule, terms: &[Found], clause: &str, span: &Range<usize>) -> bool {
    let o = &rules.ontology;
    // Between the subject and the match: auxiliaries and adverbs ("*may also* collect", "*do not* have").
    let only_auxiliaries = |between: &str| {
        between.split_whitespace().count() <= MAX_BETWEEN
            && between.split_whitespace().all(|w| {
                Grammar::has(&o.grammar.auxiliaries, w) || (w.len() > 4 && w.to_ascii_lowercase().ends_with("ly"))
            })
    };
    let before = rule.before.is_empty()
        || terms.iter().any(|t| {
            t.at.end <= span.start
                && only_auxiliaries(&clause[t.at.end..span.start])
                && rule.before.iter().any(|s| s.holds(o, t.concept))
        });
    let after = rule.after.is_empty()
        || terms.iter().any(|t| {
            let across = t.at.start < span.end && span.end < t.at.end;
            let soon = t.at.start >= span.end && {
                let between = &clause[span.end..t.at.start];
                match rule.after_within {
                    0 => between.chars().all(char::is_whitespace),
                    within => between.len() <= within && !between.contains(['.', ';', ':', '!', '?']),
                }
            };
            (across || soon) && rule.after.iter().any(|s| s.holds(o, t.concept))
        });
    before && after
}

/// Where a rule's matches in a clause come from: one of its regexes, or one of its sequences.
#[derive(Clone, Copy)]
enum Source {
    /// Index into [`RuleSet::patterns`].
    Pattern(usize),
    /// Rule index and the index of the sequence in the rule.
    Sequence(usize, usize),
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;

    // Compiling the rules is slow in debug builds; compile them once for all tests.
    static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::default_rules().unwrap());

    #[test]
    fn the_prefilter_keeps_every_default_pattern_that_matches_a_rules_example() {
        let rules = &*RULES;
        let mut texts: Vec<String> = (rules.rules.iter())
            .flat_map(|r| r.examples.iter().chain(&r.counter_examples).cloned())
            .collect();
        // The same texts glued to letters, digits and `_`, and to non-ASCII letters, on both sides.
        let glued: Vec<String> = (texts.iter())
            .flat_map(|t| {
                ["x", "_", "9", "é", "\u{212A}"].map(|g| format!("{g}{}{g}", t.replace(' ', &format!(" {g}"))))
            })
            .collect();
        texts.extend(glued);
        let (mut matched, mut kept_out) = (0, 0);
        for text in &texts {
            let candidates: Vec<usize> = (rules.prefilter.candidates(text).into_iter())
                .filter(|&i| i < rules.context_offset)
                .collect();
            for (i, (pattern, _)) in rules.patterns.iter().enumerate() {
                if pattern.re.is_match(text) {
                    matched += 1;
                    assert!(candidates.contains(&i), "{} matches {text:?}", pattern.re.as_str());
                } else if !candidates.contains(&i) {
                    kept_out += 1;
                }
            }
        }
        assert!(
            matched > 100 && kept_out > matched,
            "{matched} matches, {kept_out} ruled out"
        );
    }

    #[test]
    fn gates_agree_with_the_default_patterns_on_the_rules_examples() {
        let rules = &*RULES;
        let texts: Vec<&String> = rules
            .rules
            .iter()
            .flat_map(|r| r.examples.iter().chain(&r.counter_examples))
            .collect();
        let (mut gates, mut answered) = (0, 0);
        for (pattern, _) in &rules.patterns {
            let Some(gate) = &pattern.gate else { continue };
            gates += 1;
            for text in &texts {
                let want: Vec<crate::analysis::pattern::Found> = pattern
                    .re
                    .captures_iter(text)
                    .map(|c| {
                        (
                            c.get(0).unwrap().range(),
                            pattern.trigger.and_then(|t| c.get(t)).map(|m| m.range()),
                        )
                    })
                    .collect();
                assert!(gate.is_match(text) || want.is_empty(), "{text:?}");
                let mut found = Vec::new();
                if gate.matches(text, &mut found) {
                    assert_eq!(found, want, "{}: {text:?}", pattern.re.as_str());
                    answered += 1;
                }
            }
        }
        // Most long regexes became sequences (issue 28); the ones left still carry gates.
        assert!(gates >= 6, "the longest default patterns have gates ({gates})");
        assert!(
            answered > gates * texts.len() / 2,
            "most searches are answered by the gate"
        );
    }

    fn rules() -> &'static RuleSet {
        &RULES
    }

    fn tags(text: &str) -> Vec<(Tag, Polarity)> {
        let rs = rules();
        let mut v: Vec<_> = rs.findings(text).into_iter().map(|f| (f.tag, f.polarity)).collect();
        v.sort();
        v.dedup();
        v
    }

    use crate::analysis::rules::CueKind;
    use Polarity::{Negative as N, Positive as P};
    use Tag::{Aggregation as Agg, Location as Loc, OptOut as Opt, ThirdPartySharing as Share};

    #[test]
    fn cross_references_state_no_practice() {
        let rules = RuleSet::default_rules().unwrap();
        for clause in [
            "See Disclosure of Your Information;",
            "Please see “Sharing Your Data”.",
            "Refer to section 4.2 Disclosure of Information.",
        ] {
            assert!(rules.tag_clause(clause).is_empty(), "{clause}");
        }
        for clause in [
            "Disclosure of your information to advertisers is rare.",
            "See how we share your data with advertisers.",
            "We share your data with partners; see Disclosure of Your Information.",
        ] {
            assert!(!rules.tag_clause(clause).is_empty(), "{clause}");
        }
    }

    /// Every rule, negation cue and exception class from `origin` against its examples and
    /// counter-examples; the failures, one line each.
    fn example_failures(rs: &RuleSet, origin: &str) -> Vec<String> {
        let mut failures = Vec::new();
        let mut fail = |what: &str, id: &str, text: &str| failures.push(format!("{what} {id}: {text:?}"));
        for (i, rule) in rs.rules.iter().enumerate().filter(|(_, r)| r.origin == origin) {
            if rule.examples.is_empty() || rule.counter_examples.is_empty() {
                fail("needs examples and counter_examples:", &rule.id, "");
            }
            for ex in &rule.examples {
                let terms = rs.ontology.terms(ex);
                let words = Words::new(ex, &terms, &rs.ontology);
                let direct = (rs.patterns.iter())
                    .filter(|(_, r)| *r == i)
                    .any(|(p, _)| p.re.is_match(ex))
                    || (rule.sequences.iter()).any(|q| !q.matches(&words, 0..words.spans.len()).is_empty());
                let fired = rs
                    .tag_clause(ex)
                    .iter()
                    .any(|h| h.rule == i || rs.rules[h.rule].tag == rule.tag);
                if !direct || !fired {
                    fail("rule did not fire:", &rule.id, ex);
                }
            }
            for ex in &rule.counter_examples {
                if rs.tag_clause(ex).iter().any(|h| h.rule == i) {
                    fail("rule fired on counter-example:", &rule.id, ex);
                }
            }
        }
        for (i, cue) in rs.lexicon.cues.iter().enumerate().filter(|(_, c)| c.origin == origin) {
            if cue.examples.is_empty() {
                fail("negation cue needs examples:", &cue.id, "");
            }
            // What the cue must do to its examples, and must not do to its counter-examples.
            let does = |text: &str| -> bool {
                let hits = rs.tag_clause(text);
                let negative = |h: &Hit| h.polarity == Polarity::Negative;
                match cue.kind {
                    CueKind::Pre | CueKind::Forward | CueKind::Object | CueKind::Post => {
                        hits.iter().any(|h| negative(h) && h.negated_by == Some(i))
                    }
                    CueKind::Filler | CueKind::Auxiliary => hits.iter().any(negative),
                    CueKind::Pseudo | CueKind::Terminator | CueKind::Clause | CueKind::Break => {
                        hits.iter().any(|h| h.polarity == Polarity::Positive && !h.excepted)
                    }
                    CueKind::Exception => hits.iter().any(|h| negative(h) && !h.exceptions.is_empty()),
                }
            };
            for ex in &cue.examples {
                if !does(ex) {
                    fail("negation cue does not work on its example:", &cue.id, ex);
                }
            }
            for ex in &cue.counter_examples {
                if does(ex) {
                    fail("negation cue works on its counter-example:", &cue.id, ex);
                }
            }
        }
        for class in rs.lexicon.exceptions.iter().filter(|e| e.origin == origin) {
            let has = |text: &str| {
                rs.tag_clause(text)
                    .iter()
                    .any(|h| h.exceptions.iter().any(|e| e.kind == class.kind))
            };
            if class.examples.is_empty() || class.counter_examples.is_empty() {
                fail("needs examples and counter_examples:", &class.id, "");
            }
            for ex in class.examples.iter().filter(|ex| !has(ex)) {
                fail("exception class not found in its example:", &class.id, ex);
            }
            for ex in class.counter_examples.iter().filter(|ex| has(ex)) {
                fail("exception class found in its counter-example:", &class.id, ex);
            }
        }
        failures
    }

    #[test]
    fn every_rule_cue_and_exception_class_works_on_its_examples() {
        let failures = example_failures(rules(), crate::analysis::rules::DEFAULT_RULES_NAME);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_language_pack_works_on_its_examples() {
        for pack in crate::analysis::rules::LANGUAGE_PACKS {
            let (code, name) = (pack.code, pack.name);
            let file = crate::analysis::rules::RulesFile::new(name, pack.source);
            let rs = RuleSet::with_files(&[file], crate::analysis::rules::Combine::Add)
                .unwrap_or_else(|e| panic!("{code}: {e}"));
            assert!(rs.rules.iter().any(|r| r.origin == name), "{code} has no rules");
            let failures = example_failures(&rs, name);
            assert!(failures.is_empty(), "{code}:\n{}", failures.join("\n"));
        }
    }

    #[test]
    fn denials_are_negative() {
        assert_eq!(tags("We never sell your personal data."), [(Share, N)]);
        assert_eq!(
            tags("Customers’ personal information is never sold or disclosed."),
            [(Share, N)]
        );
        assert_eq!(
            tags("We do not sell, rent or share your data with third parties."),
            [(Share, N)]
        );
        assert_eq!(tags("We don't collect or store your location."), [(Loc, N)]);
        assert_eq!(tags("We don't use your GPS location for calls."), [(Loc, N)]);
        assert_eq!(
            tags("We currently don’t offer an opt-out for network level data."),
            [(Opt, N)]
        );
        assert_eq!(tags("You cannot opt out of this."), [(Opt, N)]);
        assert_eq!(tags("An opt-out is not available for this service."), [(Opt, N)]);
        assert_eq!(tags("As such, we do not have an opt-in/opt-out policy."), [(Opt, N)]);
    }

    #[test]
    fn negation_is_scoped_to_the_practice() {
        assert_eq!(
            tags("We will not identify you, but we share aggregated data with partners."),
            [(Agg, P), (Share, P)]
        );
        assert_eq!(
            tags("We do not sell your data but we share it with partners."),
            [(Share, P), (Share, N)]
        );
        assert_eq!(
            tags("Information that is not personally identifiable may be shared with partners."),
            [(Agg, P), (Share, P)]
        );
        // Denying the sharing of location data does not deny that location data is used.
        assert_eq!(
            tags("We never share your location with advertisers."),
            [(Share, N), (Loc, P)]
        );
    }

    #[test]
    fn a_denial_with_an_exception_stays_a_denial() {
        let f = rules().findings("We will not share your information with third parties without your consent.");
        let share = f.iter().find(|f| f.tag == Share).unwrap();
        assert_eq!(share.polarity, N);
        assert_eq!(share.exception_kinds(), [ExceptionKind::Consent]);
        assert_eq!(share.exceptions[0].text, "without your consent");
        let text = "Customer records are never sold or handed on, except where a court orders it.";
        let all = rules().findings(text);
        let f: Vec<&Finding> = all.iter().filter(|f| !f.excepted).collect();
        assert_eq!(f.len(), 1, "{all:?}");
        assert_eq!((f[0].tag, f[0].polarity), (Share, N));
        assert_eq!(f[0].exception_kinds(), [ExceptionKind::Legal]);
        let e = &f[0].exceptions[0];
        assert_eq!(&text[e.start..e.end], "except where a court orders it");
    }

    #[test]
    fn what_an_exception_names_is_an_excepted_permission() {
        let f = rules().findings("We do not disclose personal information except as required by law.");
        let (denial, excepted): (Vec<&Finding>, Vec<&Finding>) = f.iter().partition(|f| !f.excepted);
        assert_eq!(denial.len(), 1, "{f:?}");
        assert_eq!(denial[0].polarity, N);
        assert_eq!(excepted.len(), 1, "{f:?}");
        assert_eq!((excepted[0].polarity, excepted[0].rule.as_str()), (P, "sharing-legal"));
    }

    #[test]
    fn not_only_is_not_a_negation() {
        assert_eq!(
            tags("We not only share data with partners but also with advertisers."),
            [(Share, P)]
        );
    }

    #[test]
    fn negative_findings_name_their_cue() {
        let f = rules().findings("EE does not sell any individual customer’s personal data.");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].cue.as_deref(), Some("not"));
        assert_eq!(f[0].rule, "sharing-generic");
        assert!(f[0].evidence.starts_with("sell"));
    }

    #[test]
    fn nothing_to_opt_out_from_is_a_negative_opt_out() {
        let f = rules()
            .findings("With Smart Steps, there is no disclosure of a customers’ personal identity to “opt out” from.");
        let opt: Vec<_> = f.iter().filter(|f| f.tag == Opt).collect();
        assert_eq!(opt.len(), 1, "{f:?}");
        assert_eq!(opt[0].polarity, N);
        assert_eq!(opt[0].rule, "opt-out-nothing-to-opt-out");
        assert!(f.iter().any(|f| f.tag == Share && f.polarity == N));
    }

    #[test]
    fn location_of_servers_is_not_location_data() {
        assert_eq!(tags("Our servers are in secure locations of our data centres."), []);
        assert_eq!(
            tags("We use your approximate location, based on the nearest mobile cell site."),
            [(Loc, P)]
        );
    }

    #[test]
    fn findings_carry_clause_spans() {
        let text = "Intro.\n\n• We may pass Aggregated Data to third parties.\n\nDo we sell your data to \
                    advertisers?\n\nNever.\n\nDo we rent your data to brokers? No. We keep it.";
        let findings = rules().findings(text);
        for f in &findings {
            assert_eq!(&text[f.start..f.end], f.clause);
            assert!(f.clause.contains(&f.evidence));
        }
        // A bare answer joins its question's clause, across the blank line too.
        let denials: Vec<&str> = (findings.iter())
            .filter(|f| f.polarity == Polarity::Negative)
            .map(|f| f.clause.as_str())
            .collect();
        assert_eq!(
            denials,
            [
                "Do we sell your data to advertisers?\n\nNever.",
                "Do we rent your data to brokers? No."
            ]
        );
    }
}
