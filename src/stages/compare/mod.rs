//! The comparator: lines up what a provider told customers against what its policy says, per tag.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::base::error::{Error, PolicyTextProblem, Result};

use crate::analysis::ontology::{Dimension, Ontology, Practice, Term, last_word};
use crate::analysis::rules::{ExceptionKind, RuleSet};
use crate::analysis::tag::{Polarity, Tag};
use crate::analysis::tagger::Finding;
use crate::base::hash::sha256_hex;
use crate::base::report::{COMPARE_SCHEMA_VERSION, ORGCHECK_VERSION};
use crate::document::markup;
use crate::inputs::providers::{Note, Provider, Statement};
use crate::inputs::store::Store;

/// One verdict per provider and tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The statement denies what the policy permits, or asserts what the policy denies: the two
    /// practices' scopes overlap on every part (action, data, recipients, purpose).
    Contradiction,
    /// The statement denies something narrower than, or beside, what the policy permits ("does not
    /// sell customer data" against "may provide aggregate information to advertisers"): true as far as
    /// it goes, and silent on what the policy allows.
    NarrowDenial,
    /// The policy permits it; the customer statement does not mention it.
    Omission,
    /// Statement and policy agree.
    Consistent,
    /// The statement mentions it; the policy is silent.
    StatementOnly,
    /// Neither mentions it.
    NotMentioned,
    /// No customer statement is recorded for the provider.
    NoStatement,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Contradiction => "contradiction",
            Verdict::NarrowDenial => "narrow-denial",
            Verdict::Omission => "omission",
            Verdict::Consistent => "consistent",
            Verdict::StatementOnly => "statement-only",
            Verdict::NotMentioned => "not-mentioned",
            Verdict::NoStatement => "no-statement",
        }
    }
}

/// Verdicts for all four tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Verdicts {
    pub aggregation: Verdict,
    #[serde(rename = "third-party-sharing")]
    pub third_party_sharing: Verdict,
    #[serde(rename = "opt-out")]
    pub opt_out: Verdict,
    pub location: Verdict,
}

impl Verdicts {
    pub fn get(&self, tag: Tag) -> Verdict {
        match tag {
            Tag::Aggregation => self.aggregation,
            Tag::ThirdPartySharing => self.third_party_sharing,
            Tag::OptOut => self.opt_out,
            Tag::Location => self.location,
        }
    }
}

/// Which text a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Statement,
    Policy,
}

/// A finding and the side it is on. For statements, `statement` is the index into `statements` and the
/// span is into that statement's normalised text; for the policy the span is into the policy text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SidedFinding {
    pub side: Side,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<usize>,
    #[serde(flatten)]
    pub finding: Finding,
}

/// Where the policy text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// The snapshot bundled with the provider declaration.
    Bundled,
    /// The latest version in a local store written by `orgcheck fetch`.
    Store,
    /// Fetched during this run.
    Live,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PolicySource {
    pub kind: SourceKind,
    /// The document id within the provider declaration.
    pub document: String,
    /// The document's canonical URL.
    pub url: String,
    /// SHA-256 (hex) of the normalised policy text that was tagged.
    pub sha256: String,
    /// When the text was retrieved (RFC 3339), where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrieved_at: Option<String>,
    /// Date of the bundled snapshot's text, where declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_date: Option<String>,
    /// Provenance of the bundled snapshot, where declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_source: Option<String>,
}

/// Why a tag got its verdict, with the findings that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct VerdictDetail {
    pub tag: Tag,
    pub verdict: Verdict,
    /// One sentence a reader can check against the evidence.
    pub reason: String,
    /// Indices into `findings` of the statement findings that decided the verdict.
    pub statement_evidence: Vec<usize>,
    /// Indices into `findings` of the policy findings that decided the verdict.
    pub policy_evidence: Vec<usize>,
    /// For a contradiction or a narrow denial: the denied and the permitted practice side by side, and
    /// where they overlap or differ.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scope: Option<ScopeComparison>,
}

/// A practice as one side of a comparison: what is done to which data, for whom and why, with the
/// exceptions of a denial. Every term quotes its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Scope {
    /// Index into `findings` of the finding the practice is read from.
    pub finding: usize,
    #[serde(flatten)]
    pub practice: Practice,
    /// The kinds of exception a denial makes ("except as required by law" is `legal`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub exceptions: Vec<ExceptionKind>,
    /// The practice in one line: "sell · customer data", "provide · aggregate information →
    /// advertisers".
    pub line: String,
}

/// A denial and a permission of the same tag compared part by part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ScopeComparison {
    /// The side whose text denies: the statement, or for an assertion the policy denies, the policy.
    pub denied_by: Side,
    /// The practice denied.
    pub denies: Scope,
    /// The practice permitted.
    pub permits: Scope,
    /// The parts on which what is permitted falls outside what is denied ("action": sell against
    /// provide). Empty for a contradiction.
    pub differs_in: Vec<Dimension>,
    /// For a contradiction: the permitted terms the denial covers, the overlap a reader can quote
    /// ("businesses that process this information on our behalf").
    #[serde(skip_serializing_if = "Practice::is_empty", default)]
    pub overlap: Practice,
    /// One line to quote: "denies: sell · customer data │ policy permits: provide · aggregate
    /// information → advertisers, content partners".
    pub line: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ProviderReport {
    pub id: String,
    pub name: String,
    pub policy_source: PolicySource,
    /// What the provider told customers; empty when it has not replied.
    pub statements: Vec<ComparedStatement>,
    /// Editorial remarks from the source, never provider text.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<Note>,
    pub findings: Vec<SidedFinding>,
    pub verdicts: Verdicts,
    pub details: Vec<VerdictDetail>,
}

/// A statement as compared: what the provider said and, for a statement page, which text was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ComparedStatement {
    #[serde(flatten)]
    pub statement: Statement,
    /// For a statement page (`[[statements]]` with an `id`): the stored version or the declared text
    /// that was read. Absent for a recorded statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_source: Option<PolicySource>,
}

/// The document `orgcheck compare --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CompareReport {
    pub schema_version: u32,
    /// The orgcheck version that wrote the report.
    pub orgcheck_version: String,
    pub providers: Vec<ProviderReport>,
}

impl CompareReport {
    pub fn new(providers: Vec<ProviderReport>) -> Self {
        CompareReport {
            schema_version: COMPARE_SCHEMA_VERSION,
            orgcheck_version: ORGCHECK_VERSION.to_string(),
            providers,
        }
    }

    /// Whether any provider has a verdict of this kind.
    pub fn has(&self, verdict: Verdict) -> bool {
        self.providers
            .iter()
            .any(|p| Tag::ALL.iter().any(|&t| p.verdicts.get(t) == verdict))
    }
}

/// The policy text to compare and where it came from.
#[derive(Debug, Clone)]
pub struct PolicyText {
    pub kind: SourceKind,
    pub text: String,
    pub retrieved_at: Option<String>,
}

/// Why the bundled snapshot stands in for a stored text.
#[derive(Debug)]
pub enum Fallback {
    /// The store holds nothing for the document (an information, not a problem).
    NotStored {
        provider: String,
        document: String,
        store: PathBuf,
    },
    /// The store holds a version that cannot be read (a problem to fix).
    Unreadable { provider: String, error: Error },
    /// A statement page that is neither stored nor has a declared text: left out of the comparison.
    PageNotFetched {
        provider: String,
        document: String,
        store: Option<PathBuf>,
    },
    /// A declared quote is not on the stored page: the provider may have changed what it says.
    QuoteMissing {
        provider: String,
        document: String,
        url: String,
        quote: String,
        retrieved_at: String,
        /// No quote was found, so the whole page was compared.
        whole_page: bool,
    },
}

impl Fallback {
    /// Whether it needs fixing (a warning), rather than being an information (a note).
    pub fn is_problem(&self) -> bool {
        matches!(self, Fallback::Unreadable { .. } | Fallback::QuoteMissing { .. })
    }
}

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fallback::NotStored {
                provider,
                document,
                store,
            } => write!(
                f,
                "{provider}/{document}: not in the store {}; using the bundled snapshot",
                store.display()
            ),
            Fallback::Unreadable { provider, error } => write!(f, "{error}; using the bundled snapshot for {provider}"),
            Fallback::PageNotFetched {
                provider,
                document,
                store,
            } => match store {
                Some(store) => write!(
                    f,
                    "{provider}/{document}: statement page not in the store {} and no recorded text; left out (run `orgcheck fetch {provider}`)",
                    store.display()
                ),
                None => write!(
                    f,
                    "{provider}/{document}: statement page has no recorded text; left out (fetch it and compare with --store or --live)"
                ),
            },
            Fallback::QuoteMissing {
                provider,
                document,
                url,
                quote,
                retrieved_at,
                whole_page,
            } => write!(
                f,
                "{provider}/{document}: the quote “{quote}” is not on {url} as retrieved {retrieved_at}; {}",
                if *whole_page {
                    "no declared quote was found, so the whole page is compared"
                } else {
                    "the comparison reads the quotes that were found"
                }
            ),
        }
    }
}

/// The text a provider is compared against: the latest stored text when a store is given and holds
/// one, else the bundled snapshot, with the reason it was used instead.
pub fn policy_text(provider: &Provider, store: Option<&Store>) -> Result<(PolicyText, Option<Fallback>)> {
    let doc = provider.policy_document();
    let mut fallback = None;
    if let Some(store) = store {
        match store.latest(&provider.id, &doc.id) {
            Ok(Some(stored)) => {
                let policy = PolicyText {
                    kind: SourceKind::Store,
                    text: stored.text,
                    retrieved_at: Some(stored.meta.fetched_at),
                };
                return Ok((policy, None));
            }
            Ok(None) => {
                fallback = Some(Fallback::NotStored {
                    provider: provider.id.clone(),
                    document: doc.id.clone(),
                    store: store.root().to_path_buf(),
                })
            }
            Err(e) if doc.snapshot_text.is_some() => {
                fallback = Some(Fallback::Unreadable {
                    provider: provider.id.clone(),
                    error: e,
                })
            }
            Err(e) => return Err(e),
        }
    }
    let no_text = |problem| Error::NoPolicyText {
        provider_file: provider.file.clone(),
        problem,
    };
    let Some(text) = &doc.snapshot_text else {
        return Err(no_text(PolicyTextProblem::NoSnapshot {
            provider: provider.id.clone(),
            document: doc.id.clone(),
        }));
    };
    if !text.chars().any(char::is_alphanumeric) {
        return Err(no_text(PolicyTextProblem::EmptySnapshot {
            document: doc.id.clone(),
        }));
    }
    let policy = PolicyText {
        kind: SourceKind::Bundled,
        text: text.clone(),
        retrieved_at: None,
    };
    Ok((policy, fallback))
}

/// What the provider told customers, as compared: the recorded statements, then each statement page's
/// latest stored text (only the sentences its `quote`s name, when it declares some), else the text
/// recorded in its declaration. Pages with neither are left out, with the reason.
pub fn statements(provider: &Provider, store: Option<&Store>) -> (Vec<ComparedStatement>, Vec<Fallback>) {
    let mut out: Vec<ComparedStatement> = provider
        .statements
        .iter()
        .map(|s| ComparedStatement {
            statement: s.clone(),
            statement_source: None,
        })
        .collect();
    let mut notes = Vec::new();
    for page in provider.statement_pages() {
        let title = page.title.as_deref().unwrap_or("Statement page");
        let source = |how: String| match &page.snapshot_source {
            Some(s) => format!("{s} ({how})"),
            None => format!("{}: {title}, {} ({how})", provider.name, page.url),
        };
        if let Some(store) = store {
            match store.latest(&provider.id, &page.id) {
                Ok(Some(stored)) => {
                    let quoted = crate::document::quote::select(&markup::normalise(&stored.text), &page.quote);
                    let whole_page = quoted.missing.len() == page.quote.len() && !page.quote.is_empty();
                    for quote in quoted.missing {
                        notes.push(Fallback::QuoteMissing {
                            provider: provider.id.clone(),
                            document: page.id.clone(),
                            url: page.url.clone(),
                            quote,
                            retrieved_at: stored.meta.fetched_at.clone(),
                            whole_page,
                        });
                    }
                    let date = stored
                        .meta
                        .fetched_at
                        .get(..10)
                        .unwrap_or(&stored.meta.fetched_at)
                        .to_string();
                    let text = quoted.text.trim_end().to_string();
                    out.push(ComparedStatement {
                        statement_source: Some(PolicySource {
                            kind: SourceKind::Store,
                            document: page.id.clone(),
                            url: page.url.clone(),
                            sha256: sha256_hex(&text),
                            retrieved_at: Some(stored.meta.fetched_at.clone()),
                            snapshot_date: None,
                            snapshot_source: None,
                        }),
                        statement: Statement {
                            text,
                            source: source(format!("fetched {date}")),
                            date,
                            url: Some(page.url.clone()),
                        },
                    });
                    continue;
                }
                Ok(None) if page.snapshot_text.is_some() => notes.push(Fallback::NotStored {
                    provider: provider.id.clone(),
                    document: page.id.clone(),
                    store: store.root().to_path_buf(),
                }),
                Ok(None) => {}
                Err(error) => notes.push(Fallback::Unreadable {
                    provider: provider.id.clone(),
                    error,
                }),
            }
        }
        match (&page.snapshot_text, &page.snapshot_date) {
            (Some(text), Some(date)) => out.push(ComparedStatement {
                statement_source: Some(PolicySource {
                    kind: SourceKind::Bundled,
                    document: page.id.clone(),
                    url: page.url.clone(),
                    sha256: sha256_hex(text),
                    retrieved_at: None,
                    snapshot_date: Some(date.clone()),
                    snapshot_source: page.snapshot_source.clone(),
                }),
                statement: Statement {
                    text: text.clone(),
                    source: source(format!("as recorded, {date}")),
                    date: date.clone(),
                    url: Some(page.url.clone()),
                },
            }),
            _ => notes.push(Fallback::PageNotFetched {
                provider: provider.id.clone(),
                document: page.id.clone(),
                store: store.map(|s| s.root().to_path_buf()),
            }),
        }
    }
    (out, notes)
}

/// One practice a side permits, and what kind of exception would cover it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Permission {
    /// Index into the findings.
    finding: usize,
    /// The recipients or occasion it names, when the exception classes recognise them ("court order" is
    /// `legal`); `None` for anything else ("advertisers").
    kinds: Vec<ExceptionKind>,
    /// It is only an exception to a denial: "we do not share … except *as required by law*".
    exception: Option<String>,
    /// What it permits: the finding's practice, or for an exception, the denial's practice with the
    /// exception's recipients.
    practice: Practice,
}

/// What one side says about one tag: its denials, what they make exceptions of, and what it permits.
#[derive(Debug, Default, Clone)]
struct Stance {
    denials: Vec<usize>,
    /// The exception kinds of the denials.
    excepts: Vec<ExceptionKind>,
    permissions: Vec<Permission>,
}

impl Stance {
    fn of(findings: &[SidedFinding], side: Side, tag: Tag, rules: &RuleSet) -> Stance {
        let mut s = Stance::default();
        for (i, f) in findings
            .iter()
            .enumerate()
            // "You do not disclose your password", "they may not share it": another's practice, not the
            // company's (opting out is the customer's by nature).
            .filter(|(_, f)| {
                f.side == side && f.finding.tag == tag && (tag == Tag::OptOut || f.finding.practice.actor.is_none())
            })
        {
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
        self.excepts.contains(&ExceptionKind::Other) || p.kinds.iter().any(|k| self.excepts.contains(k))
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
            .collect();
        let per = permitted.of(d);
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

/// A denial and a permission, graded.
#[derive(Debug, Clone)]
struct Pair {
    denied_by: Side,
    denial: usize,
    permission: Permission,
    graded: Graded,
}

/// A verdict and the findings that decided it.
struct Decided {
    verdict: Verdict,
    statement: Vec<usize>,
    policy: Vec<usize>,
    /// For a contradiction: the statement denies (rather than asserts).
    denial: bool,
    /// For a contradiction or narrow denial: the pair it quotes.
    pair: Option<Pair>,
}

/// Every denial graded against every permission, in order.
fn pairs(
    o: &Ontology,
    findings: &[SidedFinding],
    denied_by: Side,
    denials: &[usize],
    permissions: &[&Permission],
) -> Vec<Pair> {
    let mut out = Vec::new();
    for &d in denials {
        for p in permissions {
            out.push(Pair {
                denied_by,
                denial: d,
                permission: (*p).clone(),
                graded: grade(o, &findings[d].finding.practice, &p.practice),
            });
        }
    }
    out
}

/// `first` then the rest of `others`, without repeats.
fn leading(first: usize, others: impl IntoIterator<Item = usize>) -> Vec<usize> {
    let mut v = vec![first];
    for i in others {
        if !v.contains(&i) {
            v.push(i);
        }
    }
    v
}

/// Decides the verdict for one tag from the two sides' stances.
fn verdict(o: &Ontology, findings: &[SidedFinding], has_statement: bool, said: &Stance, says: &Stance) -> Decided {
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
            let graded = pairs(o, findings, Side::Statement, &said.denials, &uncovered);
            let overlapping: Vec<&Pair> = graded.iter().filter(|p| p.graded.differs_in.is_empty()).collect();
            if let Some(first) = overlapping.first() {
                let statement = leading(first.denial, overlapping.iter().map(|p| p.denial));
                let policy = leading(
                    first.permission.finding,
                    overlapping.iter().map(|p| p.permission.finding),
                );
                return decided(Verdict::Contradiction, statement, policy, true, Some((*first).clone()));
            }
            // Beside or narrower on some part, every pair: quote the one closest to overlapping.
            if said.denies()
                && let Some(best) = graded.iter().min_by_key(|p| p.graded.differs_in.len())
            {
                let statement = leading(best.denial, said.denials.iter().copied());
                let policy = leading(best.permission.finding, uncovered.iter().map(|p| p.finding));
                return decided(Verdict::NarrowDenial, statement, policy, true, Some(best.clone()));
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
        let graded = pairs(o, findings, Side::Policy, &says.denials, &uncovered);
        let overlapping: Vec<&Pair> = graded.iter().filter(|p| p.graded.differs_in.is_empty()).collect();
        if let Some(first) = overlapping.first() {
            let statement = leading(
                first.permission.finding,
                overlapping.iter().map(|p| p.permission.finding),
            );
            let policy = leading(first.denial, overlapping.iter().map(|p| p.denial));
            return decided(Verdict::Contradiction, statement, policy, false, Some((*first).clone()));
        }
    }
    let v = match (said.silent(), says.silent()) {
        (true, true) => Verdict::NotMentioned,
        (true, false) if !says.permissions.is_empty() => Verdict::Omission,
        // The policy only denies it and the statement is silent: nothing was hidden from customers.
        (true, false) => Verdict::Consistent,
        (false, true) => Verdict::StatementOnly,
        _ => Verdict::Consistent,
    };
    decided(v, all(said), all(says), false, None)
}

/// A practice in one line: "sell or pass on · customer data or anonymised data → externally". The
/// data is quoted from the clause: its words merged where they touch ("customer" + "data"), with a
/// pointer or "your" before them ("*this* data", "*your* personal information") and a general word
/// after them ("anonymised *data*"), then what a pointer refers to.
pub fn practice_line(o: &Ontology, practice: &Practice, exceptions: &[ExceptionKind], f: &Finding) -> String {
    let push = |list: &mut Vec<String>, t: &str| {
        if !list.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            list.push(t.to_string());
        }
    };
    let clause = |r: std::ops::Range<usize>| -> Option<&str> {
        let (a, b) = (r.start.checked_sub(f.start)?, r.end.checked_sub(f.start)?);
        f.clause.get(a..b)
    };
    let clause_len = f.clause.len();
    let mut actions = Vec::new();
    for t in &practice.actions {
        push(&mut actions, &t.text);
    }
    let actions = actions.join(" or ");

    let mut own: Vec<&Term> = practice
        .identifiability
        .iter()
        .chain(&practice.data)
        .filter(|t| !t.antecedent && clause(t.start..t.end).is_some())
        .collect();
    own.sort_by_key(|t| (t.start, std::cmp::Reverse(t.end)));
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for t in own {
        match spans.last_mut() {
            Some((_, end)) if t.start <= *end + 1 => *end = (*end).max(t.end),
            _ => spans.push((t.start, t.end)),
        }
    }
    for span in &mut spans {
        let before = clause(f.start..span.0).unwrap_or("");
        let gap = before.len() - before.trim_end().len();
        let pointer = last_word(before).filter(|w| {
            w.eq_ignore_ascii_case("your")
                || crate::analysis::ontology::POINTERS
                    .iter()
                    .any(|p| w.eq_ignore_ascii_case(p))
        });
        if let Some(w) = pointer
            && gap <= 1
        {
            span.0 -= w.len() + gap;
        }
        let after = clause(span.1..f.start + clause_len).unwrap_or("");
        if let Some(rest) = after.strip_prefix(' ') {
            let word_len = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
            if word_len > 0 && o.is_general_data_word(&rest[..word_len]) {
                span.1 += 1 + word_len;
            }
        }
    }
    // Phrases joined only by "or", "and" or commas in the clause are quoted as one.
    let mut phrases: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match phrases.last_mut() {
            Some((_, prev_end))
                if start >= *prev_end
                    && clause(*prev_end..start).is_some_and(|gap| {
                        let words: Vec<&str> = gap
                            .split(|c: char| c.is_whitespace() || c == ',')
                            .filter(|w| !w.is_empty())
                            .collect();
                        words.len() <= 1
                            && words
                                .iter()
                                .all(|w| matches!(w.to_ascii_lowercase().as_str(), "or" | "and"))
                    }) =>
            {
                *prev_end = end
            }
            _ => phrases.push((start, end)),
        }
    }
    let mut texts = Vec::new();
    for (start, end) in phrases {
        if let Some(text) = clause(start..end) {
            push(&mut texts, text);
        }
    }
    let mut referred = Vec::new();
    for t in practice
        .identifiability
        .iter()
        .chain(&practice.data)
        .filter(|t| t.antecedent)
    {
        push(&mut referred, &t.text);
    }
    let mut data = texts.join(", ");
    if !referred.is_empty() {
        data.push_str(&format!(" (that is, {})", referred.join(", ")));
    }
    let mut line = [actions, data]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let mut recipients = Vec::new();
    for t in &practice.recipients {
        push(&mut recipients, &t.text);
    }
    if let Some(p) = &practice.unrecognised_recipient {
        push(&mut recipients, &p.text);
    }
    if !recipients.is_empty() {
        line.push_str(&format!(" → {}", recipients.join(", ")));
    }
    let mut purposes = Vec::new();
    for t in &practice.purposes {
        push(&mut purposes, &t.text);
    }
    if !purposes.is_empty() {
        line.push_str(&format!(" for {}", purposes.join(", ")));
    }
    if !exceptions.is_empty() {
        let names: Vec<&str> = exceptions.iter().map(|k| k.as_str()).collect();
        line.push_str(&format!(" except {}", names.join(", ")));
    }
    if line.is_empty() {
        "(no parts named)".to_string()
    } else {
        line
    }
}

impl Scope {
    /// The denial side of a comparison: finding `index` (`f`), its practice and its exceptions.
    pub(crate) fn denial(o: &Ontology, index: usize, f: &Finding) -> Scope {
        let exceptions = f.exception_kinds();
        Scope {
            finding: index,
            line: practice_line(o, &f.practice, &exceptions, f),
            practice: f.practice.clone(),
            exceptions,
        }
    }

    /// The permission side: `practice` as read from finding `index` (`f`).
    pub(crate) fn permission(o: &Ontology, index: usize, f: &Finding, practice: &Practice) -> Scope {
        Scope {
            finding: index,
            line: practice_line(o, practice, &[], f),
            practice: practice.clone(),
            exceptions: Vec::new(),
        }
    }
}

impl Pair {
    fn comparison(&self, o: &Ontology, findings: &[SidedFinding]) -> ScopeComparison {
        let denies = Scope::denial(o, self.denial, &findings[self.denial].finding);
        let permission = &findings[self.permission.finding].finding;
        let mut permits = Scope::permission(o, self.permission.finding, permission, &self.permission.practice);
        if let Some(text) = &self.permission.exception {
            permits.line.push_str(&format!(", only as the exception “{text}”"));
        }
        let line = match self.denied_by {
            Side::Statement => format!("denies: {} │ policy permits: {}", denies.line, permits.line),
            Side::Policy => format!("policy denies: {} │ statement asserts: {}", denies.line, permits.line),
        };
        ScopeComparison {
            denied_by: self.denied_by,
            denies,
            permits,
            differs_in: self.graded.differs_in.clone(),
            overlap: if self.graded.differs_in.is_empty() {
                self.graded.overlap.clone()
            } else {
                Practice::default()
            },
            line,
        }
    }
}

fn quote(f: &SidedFinding) -> String {
    format!("“{}”", f.finding.clause)
}

/// "except legal, consent" for a denial with exceptions, else nothing.
fn except_words(f: &SidedFinding) -> String {
    let kinds = f.finding.exception_kinds();
    if kinds.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        format!(" except {}", names.join(", "))
    }
}

/// "action and identifiability", for the parts two practices differ in.
pub(crate) fn parts_named(dims: &[Dimension]) -> String {
    let names: Vec<&str> = dims
        .iter()
        .map(|d| match d {
            Dimension::Action => "what is done",
            Dimension::Identifiability => "how identifiable the data is",
            Dimension::Data => "which data",
            Dimension::Recipient => "who receives it",
            Dimension::Purpose => "what for",
        })
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// For a contradiction: where the two practices overlap, and what the permission names outside it.
pub(crate) fn overlap_words(o: &Ontology, c: &ScopeComparison, permission: &Finding) -> String {
    let mut out = format!(" They overlap in: {}.", practice_line(o, &c.overlap, &[], permission));
    // Named recipients the denial does not reach: "the denial does not reach Tesco companies".
    if !c.overlap.recipients.is_empty() && c.overlap.recipients.len() < c.permits.practice.recipients.len() {
        let recipients: Vec<&str> = c
            .permits
            .practice
            .recipients
            .iter()
            .filter(|t| !c.overlap.recipients.iter().any(|o| o.concept == t.concept))
            .map(|t| t.text.as_str())
            .collect();
        out.push_str(&format!(
            " Of the recipients, only those overlap; the denial does not reach {}.",
            recipients.join(", ")
        ));
    }
    out
}

fn reason(o: &Ontology, tag: Tag, d: &Decided, scope: Option<&ScopeComparison>, findings: &[SidedFinding]) -> String {
    let statement: Vec<&SidedFinding> = d.statement.iter().map(|&i| &findings[i]).collect();
    let policy: Vec<&SidedFinding> = d.policy.iter().map(|&i| &findings[i]).collect();
    let first = |list: &[&SidedFinding]| list.first().map(|f| quote(f)).unwrap_or_default();
    // A policy permission that is only an exception to a denial is quoted by its exception's words.
    let permits = |list: &[&SidedFinding]| match list.first() {
        Some(f) if f.finding.polarity == Polarity::Negative && !f.finding.exceptions.is_empty() => {
            let e = &f.finding.exceptions[0];
            format!("as an exception, {} (“{}”, in {})", e.kind, e.text, quote(f))
        }
        Some(f) => format!("({})", quote(f)),
        None => String::new(),
    };
    let overlap = scope
        .map(|c| overlap_words(o, c, &findings[c.permits.finding].finding))
        .unwrap_or_default();
    match d.verdict {
        Verdict::NoStatement => format!(
            "No customer statement is recorded; the policy {}.",
            if policy.is_empty() {
                format!("does not mention {tag}")
            } else {
                format!("says {}", first(&policy))
            }
        ),
        Verdict::Contradiction if d.denial => format!(
            "The statement denies {tag}{} ({}) but the policy permits it {}.{overlap}",
            statement.first().map(|f| except_words(f)).unwrap_or_default(),
            first(&statement),
            permits(&policy)
        ),
        Verdict::Contradiction => format!(
            "The statement asserts {tag} ({}) but the policy denies it{} ({}).{overlap}",
            first(&statement),
            policy.first().map(|f| except_words(f)).unwrap_or_default(),
            first(&policy)
        ),
        Verdict::NarrowDenial => {
            let (denies, permitted, differs) = scope
                .map(|c| {
                    (
                        c.denies.line.clone(),
                        c.permits.line.clone(),
                        parts_named(&c.differs_in),
                    )
                })
                .unwrap_or_default();
            format!(
                "The statement denies less than the policy permits: it denies {denies} ({}), the policy permits {permitted} {}. They differ in {differs}: the statement may be true as far as it goes, and it is silent on what the policy permits.",
                first(&statement),
                permits(&policy)
            )
        }
        Verdict::Omission => format!(
            "The policy permits {tag} {}; the statement does not mention it.",
            permits(&policy)
        ),
        Verdict::Consistent if statement.is_empty() => format!(
            "The policy denies {tag} ({}); the statement does not mention it.",
            first(&policy)
        ),
        Verdict::Consistent => format!(
            "Statement ({}) and policy ({}) agree.",
            first(&statement),
            first(&policy)
        ),
        Verdict::StatementOnly => format!(
            "The statement mentions {tag} ({}); the policy excerpt is silent.",
            first(&statement)
        ),
        Verdict::NotMentioned => format!("Neither the statement nor the policy mentions {tag}."),
    }
}

/// Compares one provider's statements with its policy text.
pub fn compare_provider(rules: &RuleSet, provider: &Provider, policy: &PolicyText) -> ProviderReport {
    compare_with(rules, provider, policy, statements(provider, None).0)
}

/// Compares `statements` (from [`statements`]) with the policy text.
pub fn compare_with(
    rules: &RuleSet,
    provider: &Provider,
    policy: &PolicyText,
    statements: Vec<ComparedStatement>,
) -> ProviderReport {
    let doc = provider.policy_document();
    let policy_text = markup::normalise(&policy.text);
    let mut findings: Vec<SidedFinding> = Vec::new();
    for (i, st) in statements.iter().enumerate() {
        findings.extend(
            rules
                .findings(&st.statement.text)
                .into_iter()
                .map(|finding| SidedFinding {
                    side: Side::Statement,
                    statement: Some(i),
                    finding,
                }),
        );
    }
    findings.extend(rules.findings(&policy_text).into_iter().map(|finding| SidedFinding {
        side: Side::Policy,
        statement: None,
        finding,
    }));

    let has_statement = !statements.is_empty();
    let mut details = Vec::new();
    let mut verdict_of = |tag: Tag| {
        let said = Stance::of(&findings, Side::Statement, tag, rules);
        let says = Stance::of(&findings, Side::Policy, tag, rules);
        let d = verdict(&rules.ontology, &findings, has_statement, &said, &says);
        let scope = d.pair.as_ref().map(|p| p.comparison(&rules.ontology, &findings));
        details.push(VerdictDetail {
            tag,
            verdict: d.verdict,
            reason: reason(&rules.ontology, tag, &d, scope.as_ref(), &findings),
            statement_evidence: d.statement.clone(),
            policy_evidence: d.policy.clone(),
            scope,
        });
        d.verdict
    };
    let verdicts = Verdicts {
        aggregation: verdict_of(Tag::Aggregation),
        third_party_sharing: verdict_of(Tag::ThirdPartySharing),
        opt_out: verdict_of(Tag::OptOut),
        location: verdict_of(Tag::Location),
    };
    ProviderReport {
        id: provider.id.clone(),
        name: provider.name.clone(),
        policy_source: PolicySource {
            kind: policy.kind,
            document: doc.id.clone(),
            url: doc.url.clone(),
            sha256: sha256_hex(&policy_text),
            retrieved_at: policy.retrieved_at.clone(),
            snapshot_date: if policy.kind == SourceKind::Bundled {
                doc.snapshot_date.clone()
            } else {
                None
            },
            snapshot_source: if policy.kind == SourceKind::Bundled {
                doc.snapshot_source.clone()
            } else {
                None
            },
        },
        statements,
        notes: provider.notes.clone(),
        findings,
        verdicts,
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tagger::Finding;

    fn finding(side: Side, polarity: Polarity, evidence: &str, exceptions: &[ExceptionKind]) -> SidedFinding {
        SidedFinding {
            side,
            statement: (side == Side::Statement).then_some(0),
            finding: Finding {
                tag: Tag::ThirdPartySharing,
                polarity,
                rule: "r".into(),
                clause: evidence.into(),
                start: 0,
                end: evidence.len(),
                evidence: evidence.into(),
                cue: None,
                exceptions: exceptions
                    .iter()
                    .map(|&kind| crate::analysis::tagger::Exception {
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

    fn decide(findings: Vec<SidedFinding>) -> Verdict {
        let findings = &findings[..];
        let rules = RuleSet::default_rules().unwrap();
        let said = Stance::of(findings, Side::Statement, Tag::ThirdPartySharing, &rules);
        let says = Stance::of(findings, Side::Policy, Tag::ThirdPartySharing, &rules);
        verdict(&rules.ontology, findings, true, &said, &says).verdict
    }

    use ExceptionKind::{Legal, ServiceProviders};
    use Polarity::{Negative as N, Positive as P};
    use Side::{Policy as Po, Statement as St};

    #[test]
    fn verdict_table() {
        let deny = finding(St, N, "we never share", &[]);
        let assert = finding(St, P, "we share with advertisers", &[]);
        let permits = finding(Po, P, "we may share with advertisers", &[]);
        let denies = finding(Po, N, "we do not share", &[]);
        assert_eq!(decide(vec![deny.clone(), permits.clone()]), Verdict::Contradiction);
        assert_eq!(decide(vec![assert.clone(), denies.clone()]), Verdict::Contradiction);
        assert_eq!(decide(vec![assert.clone(), permits.clone()]), Verdict::Consistent);
        assert_eq!(decide(vec![deny.clone(), denies.clone()]), Verdict::Consistent);
        assert_eq!(decide(vec![permits.clone()]), Verdict::Omission);
        assert_eq!(decide(vec![denies.clone()]), Verdict::Consistent);
        assert_eq!(decide(vec![deny.clone()]), Verdict::StatementOnly);
        assert_eq!(decide(vec![]), Verdict::NotMentioned);
        let rules = RuleSet::default_rules().unwrap();
        let says = Stance::of(&[permits], Side::Policy, Tag::ThirdPartySharing, &rules);
        assert_eq!(
            verdict(&rules.ontology, &[], false, &Stance::default(), &says).verdict,
            Verdict::NoStatement
        );
    }

    #[test]
    fn a_statement_exception_covers_the_policy_permission_it_names() {
        // "We never share your data except with service providers" against a policy that shares with
        // processors acting on its behalf: consistent. Against advertisers: still a contradiction.
        let deny = finding(St, N, "we never share", &[ServiceProviders]);
        let processors = finding(Po, P, "share with service providers on our behalf", &[]);
        let advertisers = finding(Po, P, "share with advertisers", &[]);
        assert_eq!(decide(vec![deny.clone(), processors.clone()]), Verdict::Consistent);
        assert_eq!(decide(vec![deny, processors, advertisers]), Verdict::Contradiction);
    }

    #[test]
    fn a_policy_exception_is_a_permission() {
        let deny = finding(St, N, "we never share", &[]);
        let deny_legal = finding(St, N, "we never share", &[Legal]);
        let policy = finding(Po, N, "we do not share", &[Legal]);
        assert_eq!(decide(vec![deny, policy.clone()]), Verdict::Contradiction);
        assert_eq!(decide(vec![deny_legal, policy.clone()]), Verdict::Consistent);
        assert_eq!(decide(vec![policy.clone()]), Verdict::Omission);
        // A statement that asserts what the policy's exception names agrees with it; one that asserts
        // anything else contradicts it.
        let legal = finding(St, P, "we disclose data in response to court orders", &[]);
        let advertisers = finding(St, P, "we share with advertisers", &[]);
        assert_eq!(decide(vec![legal, policy.clone()]), Verdict::Consistent);
        assert_eq!(decide(vec![advertisers, policy]), Verdict::Contradiction);
    }
}
