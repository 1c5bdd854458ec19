//! Tagging: runs the rules over each clause and decides each finding's polarity, with negation scoped to
//! the practice word (see the `[polarity]` table of `rules/default.toml`).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::rules::{Lexicon, Polarity, RuleSet, Tag};
use crate::segment::{self, Clause};

/// A rule match inside one clause. Spans are relative to the clause text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub tag: Tag,
    pub polarity: Polarity,
    /// Index of the rule in [`RuleSet::rules`].
    pub rule: usize,
    /// The words the rule matched.
    pub span: Range<usize>,
    /// The word that made it negative ("never"), or the condition that kept it positive ("unless").
    pub cue: Option<String>,
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
    /// Byte offset of the clause in the normalised text.
    pub start: usize,
    /// Byte offset of the end of the clause in the normalised text.
    pub end: usize,
    /// The exact words that triggered the rule.
    pub evidence: String,
    /// The negation ("never") or condition ("unless") that decided the polarity, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
}

/// A clause and its hits.
#[derive(Debug, Clone)]
pub struct TaggedClause<'a> {
    pub clause: Clause<'a>,
    pub hits: Vec<Hit>,
}

/// A short clause that only points to another part of the document ("See Disclosure of Your
/// Information;"): it names a section, it does not state a practice.
static CROSS_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?i:please\s+)?(?i:see|refer\s+to|read)\s+(?i:also\s+)?(?i:(?:the|our)\s+)?(?i:section\s+[0-9.]+\s*)?["“‘']?(?:[A-Z0-9][^.;:!?]{0,80})?["”’']?\s*[.;:,]?$"#)
        .expect("static regex")
});

/// Whether a clause is a cross-reference and nothing more.
fn is_cross_reference(clause: &str) -> bool {
    clause.split_whitespace().count() <= 12 && CROSS_REFERENCE.is_match(clause.trim())
}

static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[,/&]").expect("static regex"));

impl RuleSet {
    /// Segments `text` into clauses and tags each one.
    pub fn tag_text<'a>(&self, text: &'a str) -> Vec<TaggedClause<'a>> {
        segment::clauses(text)
            .into_iter()
            .map(|clause| TaggedClause {
                hits: self.tag_clause(clause.text),
                clause,
            })
            .collect()
    }

    /// Flat findings for `text`, in text order.
    pub fn findings(&self, text: &str) -> Vec<Finding> {
        self.tag_text(text).iter().flat_map(|tc| self.to_findings(tc)).collect()
    }

    /// Findings of one tagged clause.
    pub fn to_findings(&self, tc: &TaggedClause<'_>) -> Vec<Finding> {
        tc.hits
            .iter()
            .map(|h| Finding {
                tag: h.tag,
                polarity: h.polarity,
                rule: self.rules[h.rule].id.clone(),
                clause: tc.clause.text.to_string(),
                start: tc.clause.start,
                end: tc.clause.end,
                evidence: tc.clause.text[h.span.clone()].to_string(),
                cue: h.cue.clone(),
            })
            .collect()
    }

    /// Tags one clause: at most one hit per tag and polarity, the earliest, in clause order.
    pub fn tag_clause(&self, clause: &str) -> Vec<Hit> {
        // Each pattern's literal prefilter rejects most clauses without running its automaton.
        let matched: Vec<usize> = (0..self.patterns.len())
            .filter(|&i| self.patterns[i].0.re.is_match(clause))
            .collect();
        if matched.is_empty() || is_cross_reference(clause) {
            return Vec::new();
        }
        // First every match, then polarity: a denial covers a list of practices ("no opt-in/opt-out"),
        // so words inside another match of the same tag count as filler.
        // Matching runs scope by scope, so that a pattern cannot join the "sell" of "we do not sell your
        // data" to the "partners" of "but we share it with partners".
        let ctx = ClauseContext::new(clause, &self.lexicon);
        let scopes = ctx.scopes(clause.len());
        let mut raw: Vec<(usize, Range<usize>, Range<usize>)> = Vec::new();
        for &index in &matched {
            let (pattern, rule_index) = &self.patterns[index];
            let (re, trigger_group) = (&pattern.re, pattern.trigger);
            let rule = &self.rules[*rule_index];
            for scope in &scopes {
                for caps in re.captures_iter(&clause[scope.clone()]) {
                    let whole = caps.get(0).expect("group 0 always matches");
                    if whole.is_empty() {
                        continue;
                    }
                    let span = scope.start + whole.start()..scope.start + whole.end();
                    if rule.exclude.iter().any(|ex| {
                        ex.find_iter(clause)
                            .any(|m| m.start() < span.end && span.start < m.end())
                    }) {
                        continue;
                    }
                    // Without a `t` group the whole match is the practice word(s).
                    let trigger = trigger_group
                        .and_then(|g| caps.get(g))
                        .map_or(span.clone(), |m| scope.start + m.start()..scope.start + m.end());
                    raw.push((*rule_index, span, trigger));
                }
            }
        }
        let mut candidates: Vec<(Hit, bool)> = Vec::with_capacity(raw.len());
        for (rule_index, span, trigger) in &raw {
            let rule = &self.rules[*rule_index];
            let (polarity, cue) = match rule.polarity {
                Some(p) => (p, None),
                None => {
                    let siblings: Vec<Range<usize>> = raw
                        .iter()
                        .filter(|(r, _, t)| self.rules[*r].tag == rule.tag && t.end <= trigger.start)
                        .map(|(_, _, t)| t.clone())
                        .collect();
                    polarity_of(clause, trigger.clone(), &siblings, &ctx, &self.lexicon)
                }
            };
            candidates.push((
                Hit {
                    tag: rule.tag,
                    polarity,
                    rule: *rule_index,
                    span: span.clone(),
                    cue,
                },
                rule.polarity.is_some(),
            ));
        }
        select_hits(candidates)
    }
}

/// Keeps the earliest hit per tag and polarity. A hit of a rule with fixed polarity wins over an
/// overlapping hit of the same tag whose polarity was computed ("no disclosure … to opt out from").
fn select_hits(mut candidates: Vec<(Hit, bool)>) -> Vec<Hit> {
    let fixed: Vec<(Tag, Range<usize>)> = candidates
        .iter()
        .filter(|(_, f)| *f)
        .map(|(h, _)| (h.tag, h.span.clone()))
        .collect();
    candidates.retain(|(h, is_fixed)| {
        *is_fixed
            || !fixed
                .iter()
                .any(|(t, s)| *t == h.tag && s.start < h.span.end && h.span.start < s.end)
    });
    candidates.sort_by_key(|(h, _)| (h.span.start, h.rule));
    let mut out: Vec<Hit> = Vec::new();
    for (hit, _) in candidates {
        if !out.iter().any(|h| h.tag == hit.tag && h.polarity == hit.polarity) {
            out.push(hit);
        }
    }
    out
}

/// Per-clause facts shared by all its matches.
struct ClauseContext {
    /// Ranges where a negator does not negate ("not only", "not limited to").
    masked: Vec<Range<usize>>,
    /// Scope boundaries, as ranges of the break words.
    breaks: Vec<Range<usize>>,
    /// Phrases that count as one negator.
    phrases: Vec<Range<usize>>,
}

impl ClauseContext {
    fn new(clause: &str, lex: &Lexicon) -> Self {
        let ranges = |res: &[Regex]| -> Vec<Range<usize>> {
            res.iter()
                .flat_map(|r| r.find_iter(clause).map(|m| m.range()))
                .collect()
        };
        ClauseContext {
            masked: ranges(&lex.not_negations),
            breaks: ranges(&lex.scope_breaks),
            phrases: ranges(&lex.negation_phrases),
        }
    }

    /// The scopes of the clause: the stretches between breaks.
    fn scopes(&self, len: usize) -> Vec<Range<usize>> {
        let mut breaks = self.breaks.clone();
        breaks.sort_by_key(|b| b.start);
        let mut scopes = Vec::with_capacity(breaks.len() + 1);
        let mut start = 0;
        for b in breaks {
            if b.start >= start {
                scopes.push(start..b.start);
                start = b.end;
            }
        }
        scopes.push(start..len);
        scopes.retain(|s| !s.is_empty());
        scopes
    }

    /// The scope around `trigger`: from the last break before it to the first break after it.
    fn scope(&self, len: usize, trigger: &Range<usize>) -> Range<usize> {
        let start = self
            .breaks
            .iter()
            .filter(|b| b.end <= trigger.start)
            .map(|b| b.end)
            .max()
            .unwrap_or(0);
        let end = self
            .breaks
            .iter()
            .filter(|b| b.start >= trigger.end)
            .map(|b| b.start)
            .min()
            .unwrap_or(len);
        start..end
    }
}

fn is_negator(word: &str, lex: &Lexicon) -> bool {
    lex.negators.contains(word) || word.ends_with("n't")
}

fn is_filler(word: &str, lex: &Lexicon) -> bool {
    lex.filler.contains(word)
        || matches!(word, "," | "/" | "&")
        || (word.len() > 4 && word.ends_with("ly") && word != "only")
}

/// Decides the polarity of the practice word at `trigger`.
fn polarity_of(
    clause: &str,
    trigger: Range<usize>,
    siblings: &[Range<usize>],
    ctx: &ClauseContext,
    lex: &Lexicon,
) -> (Polarity, Option<String>) {
    let scope = ctx.scope(clause.len(), &trigger);
    let before = &clause[scope.start..trigger.start.max(scope.start)];
    let mut negations = 0;
    let mut cue = None;
    let tokens: Vec<_> = TOKEN.find_iter(before).collect();
    // The word to the right of the one being looked at, walking leftwards from the practice word.
    let mut right: Option<String> = None;
    let mut phrases_seen: Vec<usize> = Vec::new();
    for token in tokens.iter().rev() {
        let abs = scope.start + token.start()..scope.start + token.end();
        let inside = |r: &Range<usize>| r.start <= abs.start && abs.end <= r.end;
        if ctx.masked.iter().any(inside) || siblings.iter().any(inside) {
            continue;
        }
        // A negation phrase counts once, at its first word reached, and its words do not break the chain.
        if let Some(p) = ctx.phrases.iter().position(inside) {
            if !phrases_seen.contains(&p) {
                phrases_seen.push(p);
                negations += 1;
                cue.get_or_insert_with(|| clause[ctx.phrases[p].clone()].trim().to_string());
            }
            right = None;
            continue;
        }
        let word = token.as_str().to_lowercase().replace('’', "'");
        let coordinated = lex.coordinated.contains(&word)
            && right
                .as_deref()
                .is_some_and(|r| matches!(r, "," | "/" | "or" | "and" | "nor" | "and/or"));
        if is_negator(&word, lex) {
            negations += 1;
            cue.get_or_insert_with(|| token.as_str().to_string());
        } else if !coordinated && !is_filler(&word, lex) {
            break;
        }
        right = Some(word);
    }
    let mut negative = negations % 2 == 1;
    if negations == 0 {
        let after = &clause[trigger.end.min(scope.end)..scope.end];
        if let Some(m) = lex.post_negations.iter().find_map(|r| r.find(after)) {
            negative = true;
            cue = Some(m.as_str().trim().to_string());
        }
    }
    if !negative {
        return (Polarity::Positive, None);
    }
    // A denial with an exception is a conditional permission.
    let scoped = &clause[scope.clone()];
    if let Some(m) = lex.conditions.iter().find_map(|r| r.find(scoped)) {
        return (Polarity::Positive, Some(m.as_str().to_string()));
    }
    (Polarity::Negative, cue)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Compiling the rules is slow in debug builds; compile them once for all tests.
    static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::default_rules().unwrap());

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
            "Disclosure of Your Information",
            "See how we share your data with advertisers.",
            "We share your data with partners; see Disclosure of Your Information.",
        ] {
            assert!(!rules.tag_clause(clause).is_empty(), "{clause}");
        }
    }

    #[test]
    fn every_rule_fires_on_its_examples_and_not_on_its_counter_examples() {
        let rs = rules();
        for (i, rule) in rs.rules.iter().enumerate() {
            assert!(
                !rule.examples.is_empty() && !rule.counter_examples.is_empty(),
                "rule {} needs examples and counter_examples",
                rule.id
            );
            for ex in &rule.examples {
                assert!(
                    rs.tag_clause(ex)
                        .iter()
                        .any(|h| h.rule == i || rs.rules[h.rule].tag == rule.tag && h.span.start < ex.len()),
                    "rule {} did not fire on {ex:?}",
                    rule.id
                );
                let direct = rs
                    .patterns
                    .iter()
                    .filter(|(_, r)| *r == i)
                    .any(|(p, _)| p.re.is_match(ex));
                assert!(direct, "rule {} patterns do not match example {ex:?}", rule.id);
            }
            for ex in &rule.counter_examples {
                assert!(
                    !rs.tag_clause(ex).iter().any(|h| h.rule == i),
                    "rule {} fired on counter-example {ex:?}",
                    rule.id
                );
            }
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
    fn conditions_are_not_denials() {
        let f = rules().findings("We will not share your information with third parties without your consent.");
        let share = f.iter().find(|f| f.tag == Share).unwrap();
        assert_eq!(share.polarity, P);
        assert!(
            share.cue.as_deref().unwrap().starts_with("without your consent"),
            "{share:?}"
        );
        assert_eq!(
            tags("We do not share your data with third parties unless the law requires it."),
            [(Share, P)]
        );
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
        assert_eq!(f[0].rule, "sharing-data-is-shared");
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
        let text = "Intro.\n\n• We may pass Aggregated Data to third parties.";
        for f in rules().findings(text) {
            assert_eq!(&text[f.start..f.end], f.clause);
            assert!(f.clause.contains(&f.evidence));
        }
    }
}
