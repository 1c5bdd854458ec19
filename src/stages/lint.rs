//! The policy against itself: pairs of clauses in one document where a denial and a permission of the
//! same tag overlap in scope ("we never share your personal information" and "we may share your
//! information with advertisers"). The grading is the comparator's ([`crate::stages::compare`]): the same
//! practices, the same subsumption, the same exceptions.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use serde::Serialize;

use crate::analysis::ontology::{Dimension, Grammar, Practice};
use crate::analysis::rules::{ExceptionKind, RuleSet};
use crate::analysis::tag::{Polarity, Tag};
use crate::analysis::tagger::Finding;
use crate::base::hash::sha256_hex;
use crate::base::report::{ORGCHECK_VERSION, SCHEMA_VERSION};
use crate::stages::compare::{Scope, ScopeComparison, Side, Verdict, grade, overlap_words, parts_named};
use crate::stages::extract::{BatchStats, for_each_record};

/// Most denial–permission pairs of distinct practices graded per document. Past it the report says
/// it stopped: a document of thousands of distinct denials and permissions cannot make lint take
/// quadratic time.
pub const MAX_COMPARISONS: usize = 250_000;

/// Members of a group of identical practices looked at to find a pair in two different clauses.
const MEMBERS_TRIED: usize = 16;

/// One pair of clauses that disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LintPair {
    pub tag: Tag,
    /// `contradiction` when the permission falls inside the denial on every part; `narrow-denial` when
    /// the denial is narrower or beside (listed with `--narrow` only).
    pub grade: Verdict,
    /// One sentence a reader can check against the two clauses.
    pub reason: String,
    /// The denial and the permission side by side. Their `finding` indices point into `findings`.
    pub scope: ScopeComparison,
    /// Other pairs of clauses with the same two practices, not listed again.
    pub repeats: usize,
}

/// What `orgcheck lint --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LintReport {
    pub schema_version: u32,
    /// The orgcheck version that wrote the report.
    pub orgcheck_version: String,
    /// The file, URL or provider document linted.
    pub source: String,
    /// SHA-256 (hex) of the normalised text the offsets index into.
    pub sha256: String,
    /// Denials and permissions in the document, over all tags.
    pub denials: usize,
    pub permissions: usize,
    /// Distinct denial–permission pairs graded.
    pub comparisons: usize,
    /// Grading stopped at [`MAX_COMPARISONS`]; some pairs were not looked at.
    pub truncated: bool,
    /// The findings the pairs quote.
    pub findings: Vec<Finding>,
    pub pairs: Vec<LintPair>,
}

impl LintReport {
    /// Whether any pair has this grade.
    pub fn has(&self, grade: Verdict) -> bool {
        self.pairs.iter().any(|p| p.grade == grade)
    }

    pub fn count(&self, grade: Verdict) -> usize {
        self.pairs.iter().filter(|p| p.grade == grade).count()
    }

    /// One line for every format: how many pairs of each grade, from how many denials, out of how many
    /// denials and permissions.
    pub fn summary(&self) -> String {
        let (c, n) = (self.count(Verdict::Contradiction), self.count(Verdict::NarrowDenial));
        let plural = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
        let groups = self.by_denial().len();
        format!(
            "{}: {}{}{} among {} and {}{}.\n",
            self.source,
            plural(c, "contradiction", "contradictions"),
            if n > 0 {
                format!(", {}", plural(n, "narrow denial", "narrow denials"))
            } else {
                String::new()
            },
            // A denial that meets several permissions: the pairs are that many readings of one denial.
            if groups > 0 && groups < self.pairs.len() {
                format!(" from {},", plural(groups, "denial", "denials"))
            } else {
                String::new()
            },
            plural(self.denials, "denial", "denials"),
            plural(self.permissions, "permission", "permissions"),
            if self.truncated {
                " (stopped early: not every pair was graded)"
            } else {
                ""
            },
        )
    }

    /// The pairs read by denial: each denial once, then the permissions it meets, in the order the
    /// pairs are listed. One bad denial would otherwise fill a report with pairs that all say one thing.
    pub fn by_denial(&self) -> Vec<DenialGroup<'_>> {
        let mut groups: Vec<DenialGroup<'_>> = Vec::new();
        let mut at: HashMap<(Tag, usize), usize> = HashMap::new();
        for pair in &self.pairs {
            let key = (pair.tag, pair.scope.denies.finding);
            let i = *at.entry(key).or_insert_with(|| {
                groups.push(DenialGroup {
                    tag: pair.tag,
                    denial: &pair.scope.denies,
                    pairs: Vec::new(),
                });
                groups.len() - 1
            });
            groups[i].pairs.push(pair);
        }
        groups
    }
}

/// One denial of a [`LintReport`] and the pairs it makes.
#[derive(Debug)]
pub struct DenialGroup<'a> {
    pub tag: Tag,
    pub denial: &'a Scope,
    pub pairs: Vec<&'a LintPair>,
}

/// What a batch of documents gave: the records read, and how many documents had a pair.
#[derive(Debug, Clone, Copy, Default)]
pub struct LintBatchStats {
    pub batch: BatchStats,
    /// Documents with at least one pair.
    pub with_pairs: usize,
}

/// The concepts of a practice, part by part, and a denial's exceptions: findings with the same
/// signature are graded once.
type Signature = (Vec<Vec<String>>, Vec<ExceptionKind>);

fn signature(f: &Finding, kinds: Vec<ExceptionKind>) -> Signature {
    let parts = Dimension::ALL
        .iter()
        .map(|&d| {
            let mut ids: Vec<String> = f.practice.of(d).iter().map(|t| t.concept.clone()).collect();
            ids.sort();
            ids
        })
        .collect();
    (parts, kinds)
}

/// Findings with one signature, in text order.
struct Group {
    members: Vec<usize>,
    count: usize,
}

/// Groups findings by signature; `kinds` gives the exception kinds that are part of it (a denial's
/// exceptions, or what a permission's words would be excepted as).
fn groups<'a>(
    findings: &[Finding],
    wanted: impl Iterator<Item = &'a usize>,
    kinds: impl Fn(&Finding) -> Vec<ExceptionKind>,
) -> Vec<Group> {
    let mut index: HashMap<Signature, usize> = HashMap::new();
    let mut out: Vec<Group> = Vec::new();
    for &i in wanted {
        let at = *index
            .entry(signature(&findings[i], kinds(&findings[i])))
            .or_insert_with(|| {
                out.push(Group {
                    members: Vec::new(),
                    count: 0,
                });
                out.len() - 1
            });
        let g = &mut out[at];
        g.count += 1;
        if g.members.len() < MEMBERS_TRIED {
            g.members.push(i);
        }
    }
    out
}

/// Words at most in a heading.
const HEADING_WORDS: usize = 10;

/// Whether the clause up to `end` is a title run into the sentence after it ("*Sharing Your
/// Information with Third Parties* Food Allergy Research never shares …"): every word capitalised
/// but the small ones a title leaves in lower case, at least three words and two capitalised.
fn in_title(g: &Grammar, clause: &str, end: usize) -> bool {
    let Some(head) = clause.get(..end) else { return false };
    let words: Vec<&str> = head
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let capital = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
    words.len() >= 3
        && words.iter().filter(|w| capital(w)).count() >= 2
        && !head.contains(['.', '!', '?', ';', ':'])
        && words
            .iter()
            .all(|w| capital(w) || Grammar::has(&g.title_small_words, w))
}

/// Whether a clause opens with a condition: "If …", "Unless …", "When …".
fn is_conditional(g: &Grammar, clause: &str) -> bool {
    let first = clause
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    Grammar::has(&g.condition_openers, first)
}

/// Whether a clause is about the document or the law, not a practice: "The privacy policy *describes*
/// … when we might disclose", "you should have *choices about* the sharing of your information",
/// "California *Civil Code* Section 1798.83 permits customers … to request … its disclosure".
fn is_about_the_document(g: &Grammar, clause: &str) -> bool {
    let lower = clause.to_lowercase();
    g.about_the_document.iter().any(|p| lower.contains(p.as_str()))
}

/// A heading ("Sharing and Disclosing Your Personal Information") names a subject and a question asks;
/// neither states a practice. A heading is a short clause without closing punctuation.
fn is_heading(clause: &str) -> bool {
    let clause = clause.trim();
    // A question asks; it does not state ("Who do you share my information with?").
    clause.ends_with('?')
        || (!clause.ends_with(['.', '!', ';', ':', ',', ')']) && clause.split_whitespace().nth(HEADING_WORDS).is_none())
}

/// Lints one document's text: every denial against every permission of the same tag in another
/// clause. A permission the denial's exceptions name is not a disagreement ("we do not share … except
/// with service providers" and "we share with service providers"). With `narrow`, pairs where the
/// denial is only narrower are listed too.
pub fn lint(rules: &RuleSet, source: &str, text: &str, narrow: bool) -> LintReport {
    let all = rules.findings(text);
    let o = &rules.ontology;
    let mut pairs: Vec<(LintPair, usize, usize)> = Vec::new();
    let (mut denials, mut permissions, mut comparisons, mut truncated) = (0, 0, 0, false);
    'tags: for tag in Tag::ALL.into_iter().filter(|t| t.about().linted) {
        let of_tag: Vec<usize> = (0..all.len())
            .filter(|&i| {
                let f = &all[i];
                let company = !tag.about().company_practice_only || f.practice.actor.is_none();
                // Without an action word the clause is a fragment (a list item, "to comply with …
                // court orders"): what it permits is in another clause.
                let evidence_end = f.clause.find(&f.evidence).map_or(0, |at| at + f.evidence.len());
                f.tag == tag
                    && company
                    && !f.practice.actions.is_empty()
                    && !is_heading(&f.clause)
                    && !is_about_the_document(&o.grammar, &f.clause)
                    && !in_title(&o.grammar, &f.clause, evidence_end)
            })
            .collect();
        // A denial that holds only in a case ("If you do not enable the service, … we will not
        // collect …") contradicts only a permission in the same case, which lint cannot tell.
        let denied: Vec<usize> = of_tag
            .iter()
            .copied()
            .filter(|&i| all[i].polarity == Polarity::Negative && !is_conditional(&o.grammar, &all[i].clause))
            .collect();
        let permitted: Vec<usize> = of_tag
            .iter()
            .copied()
            .filter(|&i| all[i].polarity == Polarity::Positive && !all[i].excepted)
            .collect();
        denials += denied.len();
        permissions += permitted.len();
        let dg = groups(&all, denied.iter(), Finding::exception_kinds);
        // A permission's whole clause says what it is for ("required to … share some personal data for
        // legal reasons"), so the denial's exceptions are matched against the clause.
        let pg = groups(&all, permitted.iter(), |f| rules.lexicon.exception_kinds(&f.clause));
        for d in &dg {
            let denial = &all[d.members[0]];
            let excepts = denial.exception_kinds();
            for p in &pg {
                if comparisons == MAX_COMPARISONS {
                    truncated = true;
                    break 'tags;
                }
                comparisons += 1;
                let permission = &all[p.members[0]];
                // The denial's own exceptions cover what they name.
                let kinds = rules.lexicon.exception_kinds(&permission.clause);
                if kinds.iter().any(|&k| excepts.iter().any(|e| e.covers(k))) {
                    continue;
                }
                // One that points at the document ("except as described below") or names nothing
                // recognisable may cover anything the document permits: at most a pair to note.
                let open_exception = denial
                    .exceptions
                    .iter()
                    .find(|e| e.kind == ExceptionKind::Other)
                    .map(|e| e.text.clone());
                if open_exception.is_some() && !narrow {
                    continue;
                }
                // What passes to a buyer of the business is the business's sale, not a sale of data: no
                // denial without a word about buyers means it.
                let buyers = denial.practice.recipients.iter().any(|t| t.concept == "buyers");
                if kinds.contains(&ExceptionKind::BusinessTransfer) && !buyers {
                    continue;
                }
                let graded = grade(o, &denial.practice, &permission.practice);
                let verdict = if graded.differs_in.is_empty() && open_exception.is_none() {
                    Verdict::Contradiction
                } else if narrow {
                    Verdict::NarrowDenial
                } else {
                    continue;
                };
                // Two clauses, not one: a sentence that denies and permits at once is a condition
                // ("… unless you agree, in which case we share …"), not a disagreement.
                let Some((di, pi)) = d.members.iter().find_map(|&di| {
                    p.members
                        .iter()
                        .find(|&&pi| all[pi].start != all[di].start)
                        .map(|&pi| (di, pi))
                }) else {
                    continue;
                };
                let (denial, permission) = (&all[di], &all[pi]);
                let denies = Scope::denial(o, di, denial);
                let permits = Scope::permission(o, pi, permission, &permission.practice);
                let scope = ScopeComparison {
                    denied_by: Side::Policy,
                    line: format!("denies: {} │ permits: {}", denies.line, permits.line),
                    denies,
                    permits,
                    differs_in: graded.differs_in.clone(),
                    overlap: if graded.differs_in.is_empty() {
                        graded.overlap
                    } else {
                        Practice::default()
                    },
                };
                let reason = match (verdict, &open_exception) {
                    (_, Some(exception)) => format!(
                        "The document denies {tag} (“{}”) with an exception that may cover what it permits \
                         (“{exception}”), and permits it (“{}”): read what the exception lets through.",
                        denial.clause, permission.clause,
                    ),
                    (Verdict::Contradiction, None) => format!(
                        "The document denies {tag} (“{}”) and permits it (“{}”).{}",
                        denial.clause,
                        permission.clause,
                        overlap_words(o, &scope, permission)
                    ),
                    (_, None) => format!(
                        "The document denies {} (“{}”) and permits {} (“{}”); they differ in {}.",
                        scope.denies.line,
                        denial.clause,
                        scope.permits.line,
                        permission.clause,
                        parts_named(&scope.differs_in)
                    ),
                };
                let repeats = d.count * p.count - 1;
                pairs.push((
                    LintPair {
                        tag,
                        grade: verdict,
                        reason,
                        scope,
                        repeats,
                    },
                    di,
                    pi,
                ));
            }
        }
    }
    // In text order of the denial, then the permission; the findings kept are those quoted.
    pairs.sort_by_key(|(p, di, pi)| (p.grade != Verdict::Contradiction, all[*di].start, all[*pi].start, p.tag));
    let mut kept: Vec<usize> = Vec::new();
    let mut renumber = |i: usize| match kept.iter().position(|&k| k == i) {
        Some(at) => at,
        None => {
            kept.push(i);
            kept.len() - 1
        }
    };
    let pairs: Vec<LintPair> = pairs
        .into_iter()
        .map(|(mut p, di, pi)| {
            p.scope.denies.finding = renumber(di);
            p.scope.permits.finding = renumber(pi);
            p
        })
        .collect();
    LintReport {
        schema_version: SCHEMA_VERSION,
        orgcheck_version: ORGCHECK_VERSION.to_string(),
        source: source.to_string(),
        sha256: sha256_hex(text),
        denials,
        permissions,
        comparisons,
        truncated,
        findings: kept.into_iter().map(|i| all[i].clone()).collect(),
        pairs,
    }
}

/// One line `lint --input-format jsonl` writes: a record's report (its `source` is the record's id), or
/// why the record could not be read. Published as docs/schema/lint-records.schema.json.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum LintRecordLine {
    Report(Box<LintReport>),
    Error(crate::stages::extract::BatchError),
}

/// `--input-format jsonl`: reads `{"id": ..., "text": "..."}` records, one per line, and writes one
/// [`LintReport`] line per record (its `source` is the id), in input order. A malformed line becomes
/// `{"line": N, "error": "..."}` and the rest continue.
pub fn batch(rules: &RuleSet, input: impl BufRead, output: impl Write, narrow: bool) -> io::Result<LintBatchStats> {
    let mut with_pairs = 0;
    let batch = for_each_record(input, output, |id, text, out| {
        let source = serde_json::from_str::<String>(id.get()).unwrap_or_else(|_| id.get().to_string());
        let report = lint(rules, &source, &text, narrow);
        with_pairs += usize::from(!report.pairs.is_empty());
        serde_json::to_writer(out, &report).map_err(io::Error::from)
    })?;
    Ok(LintBatchStats { batch, with_pairs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::default_rules().unwrap());

    /// The pairs of `text`, as the tag's name in tables and the grade.
    fn grades(text: &str, narrow: bool) -> Vec<(&'static str, Verdict)> {
        lint(&RULES, "t", text, narrow)
            .pairs
            .iter()
            .map(|p| (p.tag.about().short, p.grade))
            .collect()
    }

    #[test]
    fn a_denial_and_a_permission_that_overlap_are_reported() {
        let text = "We never share your personal information with third parties. \
                    We may share your personal information with advertisers.";
        assert_eq!(grades(text, false), [("sharing", Verdict::Contradiction)]);
        let r = lint(&RULES, "t", text, false);
        let p = &r.pairs[0];
        assert_eq!(r.findings[p.scope.denies.finding].polarity, Polarity::Negative);
        assert_eq!(r.findings[p.scope.permits.finding].polarity, Polarity::Positive);
        assert!(
            p.reason
                .contains("They overlap in: share · your personal information → advertisers"),
            "{}",
            p.reason
        );
    }

    #[test]
    fn a_narrower_denial_is_listed_only_when_asked() {
        // Sell against share: the policy may say both.
        let text = "We do not sell your personal information. We may share your personal information with advertisers.";
        assert_eq!(grades(text, false), []);
        assert_eq!(grades(text, true), [("sharing", Verdict::NarrowDenial)]);
    }

    #[test]
    fn exceptions_and_single_clauses_are_not_disagreements() {
        let excepted = "We do not share your personal information except with service providers. \
                        We share your personal information with service providers who help us run the service.";
        assert_eq!(grades(excepted, true), []);
        let one_clause = "We do not share your data with advertisers unless you agree, and then we share your data \
                          with advertisers.";
        assert!(
            grades(one_clause, true)
                .iter()
                .all(|(_, g)| *g != Verdict::Contradiction)
        );
    }

    #[test]
    fn repeated_practices_are_graded_once() {
        let text = "We never share your personal information with third parties. ".repeat(300)
            + &"We may share your personal information with advertisers. ".repeat(300);
        let r = lint(&RULES, "t", &text, false);
        assert_eq!(r.comparisons, 1);
        assert_eq!(r.pairs.len(), 1);
        assert_eq!(r.pairs[0].repeats, 300 * 300 - 1);
    }

    #[test]
    fn blanket_denials_beside_legal_disclosures_are_found() {
        // The shapes of the real disagreements on unseen policies, in our own words.
        for text in [
            "We do not give, sell or transfer any personal information to a third party. \
             We may disclose personal information to law enforcement agencies and foreign officials.",
            "Acme does not sell or otherwise share your personal information with anyone. \
             We may disclose your personal information in response to a court order.",
        ] {
            assert_eq!(grades(text, false), [("sharing", Verdict::Contradiction)], "{text}");
        }
    }

    #[test]
    fn what_the_law_permits_covers_more_than_what_it_requires() {
        let fraud = "Where fraud is suspected, your details may be passed to fraud prevention agencies.";
        let permitted = format!(
            "We will never disclose your personal information to anyone except where we are permitted to do so \
             by law. {fraud}"
        );
        assert_eq!(grades(&permitted, true), [], "{permitted}");
        let required = format!(
            "We will never disclose your personal information to anyone except where the law requires it. {fraud}"
        );
        assert_eq!(
            grades(&required, false),
            [("sharing", Verdict::Contradiction)],
            "{required}"
        );
        // Both cover a disclosure the law compels.
        for denial in [
            "We will never disclose your personal information to anyone except where the law requires it.",
            "We will never disclose your personal information to anyone except as the law allows.",
        ] {
            let text = format!("{denial} We may disclose your personal information in response to a court order.");
            assert_eq!(grades(&text, true), [], "{text}");
        }
    }

    #[test]
    fn what_the_customer_ordered_is_what_they_agreed_to() {
        for permission in [
            "We will only disclose your personal information to contractors to carry out your requests.",
            "We may share your personal information with couriers to fulfil your order.",
        ] {
            let text = format!(
                "We will not disclose your personal information to third parties without your permission. {permission}"
            );
            assert_eq!(grades(&text, true), [], "{text}");
        }
        let text = "We will not disclose your personal information to third parties without your permission. \
                    We may share your personal information with advertisers.";
        assert_eq!(grades(text, false), [("sharing", Verdict::Contradiction)], "{text}");
    }

    #[test]
    fn headings_purposes_set_aside_and_penalties_are_not_disagreements() {
        for (denial, permission) in [
            // A heading naming a topic and its contrary.
            (
                "What we share (and do not share) with advertisers: we may share aggregated reports.",
                "We may share your personal information with advertisers.",
            ),
            // A purpose set aside: the denial says nothing about the purpose already named.
            (
                "We use your address to deliver the prize and will not share it with our partners for any other \
                 purpose.",
                "We may share your address with our partners to deliver the prize.",
            ),
        ] {
            let text = format!("{denial} {permission}");
            assert_eq!(grades(&text, false), [], "{text}");
        }
        // A penalty for someone else's wrongful disclosure is not the company's practice.
        let text = "We will not share any personal information with anyone outside the company. \
                    Any employee or contractor who knowingly discloses personal information may be subject to \
                    disciplinary action.";
        assert_eq!(grades(text, true), [], "{text}");
    }

    #[test]
    fn renting_is_a_kind_of_selling_and_selling_a_product_line_is_a_business_transfer() {
        // A rent denial says nothing of selling outright; a sale denial covers renting.
        let rent = "We do not rent your personal information to anyone. \
                    We may sell your email address to data brokers.";
        assert_eq!(grades(rent, false), [], "{rent}");
        assert_eq!(grades(rent, true), [("sharing", Verdict::NarrowDenial)], "{rent}");
        let sell = "We do not sell your personal information to anyone. \
                    We may rent your email address to other publishers.";
        assert_eq!(grades(sell, false), [("sharing", Verdict::Contradiction)], "{sell}");
        let business = "We do not sell your personal information to anyone. \
                        We may sell product lines or business units, and customer information may be transferred \
                        to the buyer.";
        assert_eq!(grades(business, true), [], "{business}");
    }

    #[test]
    fn a_disclaimer_is_no_denial() {
        for disclaimer in [
            "We cannot guarantee that your personal information will never be disclosed to third parties.",
            "There is no guarantee that your personal information will not be shared with third parties.",
            "We are unable to ensure that third parties will never sell your personal information.",
        ] {
            let text = format!("{disclaimer} We may share your personal information with advertisers.");
            assert_eq!(grades(&text, true), [], "{disclaimer}");
        }
    }

    #[test]
    fn withheld_consent_is_no_permission() {
        // The parent's right under children's privacy law, described, against the company's denial.
        let text = "We do not share children's personal information with third parties. Parents may consent to \
                    the collection of their child's information without also consenting to its disclosure to \
                    third parties.";
        assert_eq!(grades(text, true), [], "{text}");
        let given = "We do not share children's personal information with third parties. By registering, parents \
                     consent to the disclosure of their child's information to third parties.";
        assert_eq!(grades(given, false), [("sharing", Verdict::Contradiction)], "{given}");
    }

    #[test]
    fn an_exception_that_points_at_the_document_is_at_most_a_pair_to_note() {
        for denial in [
            "We do not share your personal information with third parties, other than as set out below.",
            "We will never sell your personal information to third parties unless one of the following applies: \
             you ask us to, or we are told to by a court.",
            "We will not share your personal information with third parties in violation of this notice.",
            "We never disclose your personal information to third parties, with the few exceptions we explain here.",
        ] {
            let text = format!("{denial} We may share your personal information with advertisers.");
            assert_eq!(grades(&text, false), [], "{denial}");
            let r = lint(&RULES, "t", &text, true);
            assert_eq!(r.pairs.len(), 1, "{denial}");
            assert_eq!(r.pairs[0].grade, Verdict::NarrowDenial, "{denial}");
            assert!(
                r.pairs[0].reason.contains("an exception that may cover"),
                "{}",
                r.pairs[0].reason
            );
        }
    }

    #[test]
    fn requests_of_the_reader_and_descriptions_of_law_are_not_the_companys() {
        for clause in [
            "You may write to us and ask that we not share your personal information with third parties.",
            "Do not share your password or personal information with anyone.",
            "California residents are entitled to ask businesses that share personal information with third parties.",
            "Such businesses may have a policy not to disclose personal information to third parties.",
        ] {
            let text = format!("{clause} We may share your personal information with advertisers.");
            assert_eq!(grades(&text, true), [], "{clause}");
        }
    }

    #[test]
    fn a_denial_about_narrower_data_or_purpose_lets_other_practices_through() {
        // Each denial is about narrower data than the permission beside it: one channel of the data, one
        // kind of contact detail, data that identifies a person against a name the document defines as
        // data that does not, data the relative clause says identifies a person against data said not to.
        for (denial, permission) in [
            (
                "We do not share personal information we collect through the prize draw form with advertisers.",
                "We may share your personal information with advertisers.",
            ),
            (
                "Personal data you submit via the feedback tool is never sold to third parties.",
                "We may sell your personal data to data brokers.",
            ),
            (
                "We will never share your email address with third parties.",
                "We may rent your name and postal address to other publishers.",
            ),
            (
                "“Device Data” means information that does not identify you personally. \
                 We do not share personally identifiable information with advertisers.",
                "We may share Device Data with advertisers.",
            ),
            (
                "All profiles shared are anonymised, and we never share information that could be used to identify \
                 an individual.",
                "We provide profiles to advertisers.",
            ),
            (
                "We do not share the personal information of patients of our clinic with third parties.",
                "We may share your personal information with advertisers.",
            ),
            (
                "We never disclose information about job applicants to anyone.",
                "We may share your personal information with advertisers.",
            ),
            (
                "We do not share your information with advertisers in a manner that would identify you.",
                "We may share your personal information with advertisers.",
            ),
            // Narrower by purpose: the recipients' own ends, against providers that act for the company.
            (
                "We never share your personal information with third parties for their own marketing purposes.",
                "We may share your personal information with service providers who host our website.",
            ),
            (
                "Your information is not shared with any other company for that company's independent use.",
                "We may share your information with our payment processors.",
            ),
        ] {
            let text = format!("{denial} {permission}");
            assert_eq!(grades(&text, false), [], "{text}");
            assert_eq!(grades(&text, true), [("sharing", Verdict::NarrowDenial)], "{text}");
        }
        // The same channel, kind or name on both sides still disagrees.
        for (denial, permission) in [
            (
                "We do not share personal information we collect through the prize draw form with advertisers.",
                "Personal information collected via the prize draw form may be shared with advertisers.",
            ),
            (
                "We will never share your email address with third parties.",
                "We may share your email address with advertisers.",
            ),
            (
                "We do not share personally identifiable information with advertisers.",
                "We may share your name and postal address with advertisers.",
            ),
            (
                "We never disclose information about job applicants to anyone.",
                "We may share information about job applicants with recruitment agencies.",
            ),
            // A group that does not follow the data does not narrow it.
            (
                "Neither we nor any of our employees will ever sell your personal information to third parties.",
                "We may sell your personal information to data brokers.",
            ),
        ] {
            let text = format!("{denial} {permission}");
            assert_eq!(grades(&text, false), [("sharing", Verdict::Contradiction)], "{text}");
        }
    }

    #[test]
    fn a_report_reads_by_denial() {
        let text = "We never share your personal information with anyone. \
                    We may share your personal information with advertisers. \
                    We may disclose your personal information to the police. \
                    We do not sell your location data to anyone. \
                    We may sell your location data to data brokers.";
        let r = lint(&RULES, "t", text, false);
        let groups = r.by_denial();
        let sizes: Vec<(usize, usize)> = groups.iter().map(|g| (g.pairs.len(), g.denial.finding)).collect();
        assert_eq!(sizes.len(), 2, "{sizes:?}");
        assert_eq!(r.pairs.len(), groups.iter().map(|g| g.pairs.len()).sum::<usize>());
        assert!(
            groups
                .iter()
                .all(|g| g.pairs.iter().all(|p| p.scope.denies.finding == g.denial.finding))
        );
    }
}
