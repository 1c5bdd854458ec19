//! Grading: what one side says about a tag (its denials, their exceptions, what it permits), how a
//! permitted practice compares with a denied one part by part, and the verdict that follows.

use crate::analysis::ontology::{Dimension, Ontology, Practice, Term};
use crate::analysis::rules::{ExceptionKind, RuleSet};
use crate::analysis::tag::{Polarity, Tag};

use super::report::{Side, SidedFinding, Verdict};

/// One practice a side permits, and what kind of exception would cover it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Permission {
    /// Index into the findings.
    pub(super) finding: usize,
    /// The recipients or occasion it names, when the exception classes recognise them ("court order" is
    /// `legal`); `None` for anything else ("advertisers").
    pub(super) kinds: Vec<ExceptionKind>,
    /// It is only an exception to a denial: "we do not share … except *as required by law*".
    pub(super) exception: Option<String>,
    /// What it permits: the finding's practice, or for an exception, the denial's practice with the
    /// exception's recipients.
    pub(super) practice: Practice,
}

/// What one side says about one tag: its denials, what they make exceptions of, and what it permits.
#[derive(Debug, Default, Clone)]
pub(super) struct Stance {
    pub(super) denials: Vec<usize>,
    /// The exception kinds of the denials.
    pub(super) excepts: Vec<ExceptionKind>,
    pub(super) permissions: Vec<Permission>,
}

impl Stance {
    pub(super) fn of(findings: &[SidedFinding], side: Side, tag: Tag, rules: &RuleSet) -> Stance {
        let mut s = Stance::default();
        for (i, f) in findings.iter().enumerate().filter(|(_, f)| {
            f.side == side
                && f.finding.tag == tag
                && (!tag.about().company_practice_only || f.finding.practice.actor.is_none())
        }) {
            let finding = &f.finding;
            match finding.polarity {
                Polarity::Negative => {
                    s.denials.push(i);
                    for e in &finding.exceptions {
                        s.excepts.push(e.kind);
                        // What a policy's denial lets through, it permits.
                        let mut practice = finding.practice.clone();
                        practice.recipients = rules.ontology.terms_in(&e.text, e.start, Dimension::Recipient);
                        s.permissions.push(Permission {
                            finding: i,
                            kinds: vec![e.kind],
                            exception: Some(e.text.clone()),
                            practice,
                        });
                    }
                }
                // An excepted permission restates its denial's exception, which is counted above.
                Polarity::Positive if finding.excepted => {}
                Polarity::Positive => s.permissions.push(Permission {
                    finding: i,
                    kinds: rules.lexicon.exception_kinds(&finding.evidence),
                    exception: None,
                    practice: finding.practice.clone(),
                }),
            }
        }
        s.excepts.sort();
        s.excepts.dedup();
        s
    }

    /// Permissions that are not only exceptions to a denial of this side.
    fn asserts(&self) -> bool {
        self.permissions.iter().any(|p| p.exception.is_none())
    }

    fn silent(&self) -> bool {
        self.denials.is_empty() && self.permissions.is_empty()
    }

    /// Denies without asserting anywhere (its exceptions aside).
    fn denies(&self) -> bool {
        !self.denials.is_empty() && !self.asserts()
    }

    /// Whether this side's exceptions cover a permission of the other side. An exception that names
    /// nothing recognisable ("except as described in this policy") may cover anything, so it does.
    fn covers(&self, p: &Permission) -> bool {
        self.excepts.contains(&ExceptionKind::Other)
            || p.kinds.iter().any(|&k| self.excepts.iter().any(|e| e.covers(k)))
    }
}

/// How a permitted practice compares with a denied one.
#[derive(Debug, Clone)]
pub(crate) struct Graded {
    /// The parts on which the permission falls outside the denial.
    pub(crate) differs_in: Vec<Dimension>,
    /// The permitted terms the denial covers.
    pub(crate) overlap: Practice,
}

/// Compares what `permitted` permits with what `denied` denies, part by part. A part the denial does
/// not name, it denies whole ("we never share your data" names no recipient, so denies every one). A
/// general term does the same ("data", "anyone"). A part the permission does not name is read as
/// follows:
/// - action and identifiability: as covered (a policy that shares "your data" speaks of personal data);
/// - data: as general, so a denial of one kind ("location") is narrower;
/// - recipients: as third parties, the recipients a disclosure implies;
/// - purpose: as any purpose, so a denial "for marketing" is narrower.
pub(crate) fn grade(o: &Ontology, denied: &Practice, permitted: &Practice) -> Graded {
    let mut g = Graded {
        differs_in: Vec::new(),
        overlap: Practice::default(),
    };
    let third_parties = o.concept("third-parties");
    for d in Dimension::ALL {
        // "this data (that is, payment details)": the pointer is what it refers to, not data at large.
        let resolved = d == Dimension::Data && denied.of(d).iter().any(|t| t.antecedent);
        let den: Vec<usize> = denied
            .of(d)
            .iter()
            .filter_map(|t| o.concept(&t.concept))
            .filter(|&c| !resolved || o.concepts[c].parent.is_some())
            .map(|c| o.graded(c))
            .collect();
        let per = permitted.of(d);
        // "information we may collect in web beacons": a denial of one channel's data does not reach data
        // the permission does not say comes from it.
        let other_channel = d == Dimension::Data
            && denied.data_source.as_ref().is_some_and(|s| {
                permitted
                    .data_source
                    .as_ref()
                    .is_none_or(|p| !last_word(&p.text).eq_ignore_ascii_case(last_word(&s.text)))
            });
        if other_channel {
            g.differs_in.push(d);
            continue;
        }
        if den.is_empty() {
            // "to the wrong people": a recipient the ontology does not know is not everyone.
            if d == Dimension::Recipient && denied.unrecognised_recipient.is_some() {
                g.differs_in.push(d);
            } else {
                g.overlap.of_mut(d).extend(per.iter().cloned());
            }
            continue;
        }
        if per.is_empty() {
            let narrower = match d {
                Dimension::Action | Dimension::Identifiability => false,
                Dimension::Data => !den.iter().any(|&c| o.concepts[c].parent.is_none()),
                Dimension::Recipient => third_parties.is_some_and(|t| !den.iter().any(|&c| o.subsumes(c, t))),
                Dimension::Purpose => true,
            };
            if narrower {
                g.differs_in.push(d);
            }
            continue;
        }
        let covered: Vec<Term> = per
            .iter()
            .filter(|t| {
                o.concept(&t.concept)
                    .is_some_and(|p| den.iter().any(|&c| o.subsumes(c, p)))
            })
            .cloned()
            .collect();
        if covered.is_empty() {
            g.differs_in.push(d);
        } else {
            g.overlap.of_mut(d).extend(covered);
        }
    }
    g
}

/// The last word of a phrase: a channel's head noun ("web *beacons*").
fn last_word(text: &str) -> &str {
    crate::analysis::ontology::last_word(text).unwrap_or(text)
}

/// A denial and a permission, graded.
#[derive(Debug, Clone)]
pub(super) struct Pair {
    pub(super) denied_by: Side,
    pub(super) denial: usize,
    pub(super) permission: Permission,
    pub(super) graded: Graded,
}

/// A verdict and the findings that decided it.
pub(super) struct Decided {
    pub(super) verdict: Verdict,
    pub(super) statement: Vec<usize>,
    pub(super) policy: Vec<usize>,
    /// For a contradiction: the statement denies (rather than asserts).
    pub(super) denial: bool,
    /// For a contradiction or narrow denial: the pair it quotes.
    pub(super) pair: Option<Pair>,
}

/// A denial and a permission, and how many parts the permission falls outside the denial in: what
/// choosing the pair to quote needs. A policy of nothing but practices makes hundreds of thousands, so
/// only the chosen one is built in full ([`Candidate::pair`]).
#[derive(Clone, Copy)]
struct Candidate<'p> {
    denial: usize,
    permission: &'p Permission,
    differs: usize,
}

impl Candidate<'_> {
    fn pair(&self, o: &Ontology, findings: &[SidedFinding], denied_by: Side) -> Pair {
        Pair {
            denied_by,
            denial: self.denial,
            permission: self.permission.clone(),
            graded: grade(o, &findings[self.denial].finding.practice, &self.permission.practice),
        }
    }
}

/// Every denial graded against every permission, in order.
fn pairs<'p>(
    o: &Ontology,
    findings: &[SidedFinding],
    denials: &[usize],
    permissions: &[&'p Permission],
) -> Vec<Candidate<'p>> {
    let mut out = Vec::new();
    for &d in denials {
        for &p in permissions {
            out.push(Candidate {
                denial: d,
                permission: p,
                differs: grade(o, &findings[d].finding.practice, &p.practice).differs_in.len(),
            });
        }
    }
    out
}

/// `first` then the rest of `others`, without repeats.
fn leading(first: usize, others: impl IntoIterator<Item = usize>) -> Vec<usize> {
    // A set, not `contains`: a policy of nothing but practices lists hundreds of thousands.
    let mut seen = std::collections::HashSet::from([first]);
    let mut v = vec![first];
    v.extend(others.into_iter().filter(|&i| seen.insert(i)));
    v
}

/// Decides the verdict for one tag from the two sides' stances.
pub(super) fn verdict(
    o: &Ontology,
    findings: &[SidedFinding],
    has_statement: bool,
    said: &Stance,
    says: &Stance,
) -> Decided {
    let all = |s: &Stance| -> Vec<usize> {
        let mut v: Vec<usize> = s
            .denials
            .iter()
            .copied()
            .chain(s.permissions.iter().map(|p| p.finding))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let decided = |verdict, statement, policy, denial, pair| Decided {
        verdict,
        statement,
        policy,
        denial,
        pair,
    };
    if !has_statement {
        return decided(Verdict::NoStatement, Vec::new(), all(says), false, None);
    }
    if !said.denials.is_empty() {
        // The statement's denial stands for everything its exceptions do not name. When the statements
        // also admit something (a reply that admits aggregated sharing beside a letter that denied all
        // disclosure), a denial the policy overlaps on every part is still a contradiction, but a
        // narrower one is left to the admissions.
        let uncovered: Vec<&Permission> = says.permissions.iter().filter(|p| !said.covers(p)).collect();
        if !uncovered.is_empty() {
            let graded = pairs(o, findings, &said.denials, &uncovered);
            let overlapping: Vec<&Candidate> = graded.iter().filter(|p| p.differs == 0).collect();
            if let Some(first) = overlapping.first() {
                let statement = leading(first.denial, overlapping.iter().map(|p| p.denial));
                let policy = leading(
                    first.permission.finding,
                    overlapping.iter().map(|p| p.permission.finding),
                );
                let pair = first.pair(o, findings, Side::Statement);
                return decided(Verdict::Contradiction, statement, policy, true, Some(pair));
            }
            // Beside or narrower on some part, every pair: quote the one closest to overlapping.
            if said.denies()
                && let Some(best) = graded.iter().min_by_key(|p| p.differs)
            {
                let statement = leading(best.denial, said.denials.iter().copied());
                let policy = leading(best.permission.finding, uncovered.iter().map(|p| p.finding));
                let pair = best.pair(o, findings, Side::Statement);
                return decided(Verdict::NarrowDenial, statement, policy, true, Some(pair));
            }
        }
    }
    if said.asserts() && says.denies() {
        // The policy's denial stands except for what its exceptions name.
        let uncovered: Vec<&Permission> = said
            .permissions
            .iter()
            .filter(|p| p.exception.is_none() && !says.covers(p))
            .collect();
        let graded = pairs(o, findings, &says.denials, &uncovered);
        let overlapping: Vec<&Candidate> = graded.iter().filter(|p| p.differs == 0).collect();
        if let Some(first) = overlapping.first() {
            let statement = leading(
                first.permission.finding,
                overlapping.iter().map(|p| p.permission.finding),
            );
            let policy = leading(first.denial, overlapping.iter().map(|p| p.denial));
            let pair = first.pair(o, findings, Side::Policy);
            return decided(Verdict::Contradiction, statement, policy, false, Some(pair));
        }
    }
    let v = match (said.silent(), says.silent()) {
        (true, true) => Verdict::NotMentioned,
        (true, false) if !says.permissions.is_empty() => Verdict::Omission,
        // The policy only denies it and the statement is silent: nothing was hidden from customers.
        (true, false) => Verdict::Consistent,
        (false, true) => Verdict::StatementOnly,
        (false, false) => {
            // Both sides speak: the evidence leads with what agrees. A statement that admits what the
            // policy permits is quoted by its admission ("market research that is shared with third
            // parties"), not by a narrower denial beside it; two denials by the denials.
            let asserted = |s: &Stance| s.permissions.iter().find(|p| p.exception.is_none()).map(|p| p.finding);
            let (statement, policy) = match (asserted(said), says.permissions.first()) {
                (Some(st), Some(po)) => (leading(st, all(said)), leading(po.finding, all(says))),
                _ => match (said.denials.first(), says.denials.first()) {
                    (Some(&st), Some(&po)) => (leading(st, all(said)), leading(po, all(says))),
                    _ => (all(said), all(says)),
                },
            };
            return decided(Verdict::Consistent, statement, policy, false, None);
        }
    };
    decided(v, all(said), all(says), false, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tagger::{Exception, Finding};

    /// A finding of `tag` with no practice read: every part denied or permitted whole.
    fn finding(tag: Tag, side: Side, polarity: Polarity, evidence: &str, exceptions: &[ExceptionKind]) -> SidedFinding {
        SidedFinding {
            side,
            statement: (side == Side::Statement).then_some(0),
            finding: Finding {
                tag,
                polarity,
                rule: "r".into(),
                clause: evidence.into(),
                start: 0,
                end: evidence.len(),
                char_start: 0,
                char_end: evidence.chars().count(),
                evidence: evidence.into(),
                cue: None,
                exceptions: exceptions
                    .iter()
                    .map(|&kind| Exception {
                        kind,
                        text: format!("except {kind}"),
                        start: 0,
                        end: 0,
                    })
                    .collect(),
                excepted: false,
                practice: Default::default(),
            },
        }
    }

    static RULES: std::sync::LazyLock<RuleSet> = std::sync::LazyLock::new(|| RuleSet::default_rules().unwrap());

    fn decide(tag: Tag, findings: &[SidedFinding]) -> Verdict {
        let rules = &*RULES;
        let said = Stance::of(findings, Side::Statement, tag, rules);
        let says = Stance::of(findings, Side::Policy, tag, rules);
        verdict(&rules.ontology, findings, true, &said, &says).verdict
    }

    use ExceptionKind::{Legal, ServiceProviders};
    use Polarity::{Negative as N, Positive as P};
    use Side::{Policy as Po, Statement as St};

    // The grading is the same for every tag: each test runs for all of them.

    #[test]
    fn verdict_table() {
        let rules = &*RULES;
        for tag in Tag::ALL {
            let f = |side, polarity, words| finding(tag, side, polarity, words, &[]);
            let deny = f(St, N, "we never share");
            let assert = f(St, P, "we share with advertisers");
            let permits = f(Po, P, "we may share with advertisers");
            let denies = f(Po, N, "we do not share");
            let decide =
                |findings: &[&SidedFinding]| decide(tag, &findings.iter().copied().cloned().collect::<Vec<_>>());
            assert_eq!(decide(&[&deny, &permits]), Verdict::Contradiction, "{tag}");
            assert_eq!(decide(&[&assert, &denies]), Verdict::Contradiction, "{tag}");
            assert_eq!(decide(&[&assert, &permits]), Verdict::Consistent, "{tag}");
            assert_eq!(decide(&[&deny, &denies]), Verdict::Consistent, "{tag}");
            assert_eq!(decide(&[&permits]), Verdict::Omission, "{tag}");
            assert_eq!(decide(&[&denies]), Verdict::Consistent, "{tag}");
            assert_eq!(decide(&[&deny]), Verdict::StatementOnly, "{tag}");
            assert_eq!(decide(&[]), Verdict::NotMentioned, "{tag}");
            // Findings of another tag say nothing about this one.
            let other = Tag::ALL.into_iter().find(|&t| t != tag).unwrap();
            let elsewhere = finding(other, Po, P, "we may share with advertisers", &[]);
            assert_eq!(decide(&[&deny, &elsewhere]), Verdict::StatementOnly, "{tag}");
            let says = Stance::of(&[permits], Side::Policy, tag, rules);
            assert_eq!(
                verdict(&rules.ontology, &[], false, &Stance::default(), &says).verdict,
                Verdict::NoStatement
            );
        }
    }

    #[test]
    fn agreement_is_quoted_by_the_findings_that_agree() {
        // "We do not sell your data" beside "market research is shared with third parties", against a
        // policy that shares with third parties: consistent, and quoted by the admission.
        let rules = &*RULES;
        for tag in Tag::ALL {
            let mut denial = finding(tag, St, N, "we do not sell your data", &[]);
            denial.finding.practice.actions.push(Term {
                concept: "sell".into(),
                text: "sell".into(),
                start: 10,
                end: 14,
                antecedent: false,
            });
            let mut permits = finding(tag, Po, P, "we may share statistics with third parties", &[]);
            permits.finding.practice.actions.push(Term {
                concept: "disclose".into(),
                text: "share".into(),
                start: 7,
                end: 12,
                antecedent: false,
            });
            let findings = [
                denial,
                finding(tag, St, P, "research is shared with third parties", &[]),
                permits,
            ];
            let said = Stance::of(&findings, Side::Statement, tag, rules);
            let says = Stance::of(&findings, Side::Policy, tag, rules);
            let d = verdict(&rules.ontology, &findings, true, &said, &says);
            assert_eq!(d.verdict, Verdict::Consistent, "{tag}");
            assert_eq!((d.statement[0], d.policy[0]), (1, 2), "{tag}");
        }
    }

    #[test]
    fn a_statement_exception_covers_the_policy_permission_it_names() {
        // "We never share your data except with service providers" against a policy that shares with
        // processors acting on its behalf: consistent. Against advertisers: still a contradiction.
        for tag in Tag::ALL {
            let deny = finding(tag, St, N, "we never share", &[ServiceProviders]);
            let processors = finding(tag, Po, P, "share with service providers on our behalf", &[]);
            let advertisers = finding(tag, Po, P, "share with advertisers", &[]);
            assert_eq!(decide(tag, &[deny.clone(), processors.clone()]), Verdict::Consistent);
            assert_eq!(decide(tag, &[deny, processors, advertisers]), Verdict::Contradiction);
        }
    }

    #[test]
    fn a_policy_exception_is_a_permission() {
        for tag in Tag::ALL {
            let deny = finding(tag, St, N, "we never share", &[]);
            let deny_legal = finding(tag, St, N, "we never share", &[Legal]);
            let policy = finding(tag, Po, N, "we do not share", &[Legal]);
            assert_eq!(decide(tag, &[deny, policy.clone()]), Verdict::Contradiction);
            assert_eq!(decide(tag, &[deny_legal, policy.clone()]), Verdict::Consistent);
            assert_eq!(decide(tag, std::slice::from_ref(&policy)), Verdict::Omission);
            // A statement that asserts what the policy's exception names agrees with it; one that asserts
            // anything else contradicts it.
            let legal = finding(tag, St, P, "we disclose data in response to court orders", &[]);
            let advertisers = finding(tag, St, P, "we share with advertisers", &[]);
            assert_eq!(decide(tag, &[legal, policy.clone()]), Verdict::Consistent);
            assert_eq!(decide(tag, &[advertisers, policy]), Verdict::Contradiction);
        }
    }

    #[test]
    fn another_partys_practice_counts_only_where_the_tag_says_so() {
        // "They may not share it": for most tags not the company's denial, so the policy's permission
        // stands alone (an omission); where the tag counts anyone's practice, it contradicts.
        for tag in Tag::ALL {
            let mut theirs = finding(tag, St, N, "they may not share it", &[]);
            theirs.finding.practice.actor = Some(crate::analysis::ontology::Actor::Other);
            let permits = finding(tag, Po, P, "we may share with advertisers", &[]);
            let want = match tag.about().company_practice_only {
                true => Verdict::Omission,
                false => Verdict::Contradiction,
            };
            assert_eq!(decide(tag, &[theirs, permits]), want, "{tag}");
        }
    }
}
