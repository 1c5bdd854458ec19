//! The comparator: lines up what a provider told customers against what its policy says, per tag.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::error::{Error, PolicyTextProblem, Result};

use crate::hash::sha256_hex;
use crate::providers::{Note, Provider, Statement};
use crate::report::{ORGCHECK_VERSION, SCHEMA_VERSION};
use crate::rules::{ExceptionKind, Polarity, RuleSet, Tag};
use crate::store::Store;
use crate::tagger::Finding;
use crate::text;

/// One verdict per provider and tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The statement denies what the policy permits, or asserts what the policy denies.
    Contradiction,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ProviderReport {
    pub id: String,
    pub name: String,
    pub policy_source: PolicySource,
    /// What the provider told customers; empty when it has not replied.
    pub statements: Vec<Statement>,
    /// Editorial remarks from the source, never provider text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    pub findings: Vec<SidedFinding>,
    pub verdicts: Verdicts,
    pub details: Vec<VerdictDetail>,
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
            schema_version: SCHEMA_VERSION,
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
            .filter(|(_, f)| f.side == side && f.finding.tag == tag)
        {
            let finding = &f.finding;
            match finding.polarity {
                Polarity::Negative => {
                    s.denials.push(i);
                    for e in &finding.exceptions {
                        s.excepts.push(e.kind);
                        // What a policy's denial lets through, it permits.
                        s.permissions.push(Permission {
                            finding: i,
                            kinds: vec![e.kind],
                            exception: Some(e.text.clone()),
                        });
                    }
                }
                // An excepted permission restates its denial's exception, which is counted above.
                Polarity::Positive if finding.excepted => {}
                Polarity::Positive => s.permissions.push(Permission {
                    finding: i,
                    kinds: rules.lexicon.exception_kinds(&finding.evidence),
                    exception: None,
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

/// A verdict and the findings that decided it.
struct Decided {
    verdict: Verdict,
    statement: Vec<usize>,
    policy: Vec<usize>,
    /// For a contradiction: the statement denies (rather than asserts).
    denial: bool,
}

/// Decides the verdict for one tag from the two sides' stances.
fn verdict(has_statement: bool, said: &Stance, says: &Stance) -> Decided {
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
    let decided = |verdict, statement, policy, denial| Decided {
        verdict,
        statement,
        policy,
        denial,
    };
    if !has_statement {
        return decided(Verdict::NoStatement, Vec::new(), all(says), false);
    }
    if said.denies() {
        // The statement's denial stands for everything its exceptions do not name.
        let uncovered: Vec<usize> = says
            .permissions
            .iter()
            .filter(|p| !said.covers(p))
            .map(|p| p.finding)
            .collect();
        if !uncovered.is_empty() {
            let mut policy = uncovered;
            policy.dedup();
            return decided(Verdict::Contradiction, said.denials.clone(), policy, true);
        }
    } else if said.asserts() && says.denies() {
        // The policy's denial stands except for what its exceptions name.
        let uncovered: Vec<&Permission> = said.permissions.iter().filter(|p| p.exception.is_none()).collect();
        if uncovered.iter().any(|p| !says.covers(p)) {
            return decided(
                Verdict::Contradiction,
                uncovered.iter().map(|p| p.finding).collect(),
                says.denials.clone(),
                false,
            );
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
    decided(v, all(said), all(says), false)
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

fn reason(tag: Tag, d: &Decided, statement: &[&SidedFinding], policy: &[&SidedFinding]) -> String {
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
    match d.verdict {
        Verdict::NoStatement => format!(
            "No customer statement is recorded; the policy {}.",
            if policy.is_empty() {
                format!("does not mention {tag}")
            } else {
                format!("says {}", first(policy))
            }
        ),
        Verdict::Contradiction if d.denial => format!(
            "The statement denies {tag}{} ({}) but the policy permits it {}.",
            statement.first().map(|f| except_words(f)).unwrap_or_default(),
            first(statement),
            permits(policy)
        ),
        Verdict::Contradiction => format!(
            "The statement asserts {tag} ({}) but the policy denies it{} ({}).",
            first(statement),
            policy.first().map(|f| except_words(f)).unwrap_or_default(),
            first(policy)
        ),
        Verdict::Omission => format!(
            "The policy permits {tag} {}; the statement does not mention it.",
            permits(policy)
        ),
        Verdict::Consistent if statement.is_empty() => format!(
            "The policy denies {tag} ({}); the statement does not mention it.",
            first(policy)
        ),
        Verdict::Consistent => format!("Statement ({}) and policy ({}) agree.", first(statement), first(policy)),
        Verdict::StatementOnly => format!(
            "The statement mentions {tag} ({}); the policy excerpt is silent.",
            first(statement)
        ),
        Verdict::NotMentioned => format!("Neither the statement nor the policy mentions {tag}."),
    }
}

/// Compares one provider's statements with its policy text.
pub fn compare_provider(rules: &RuleSet, provider: &Provider, policy: &PolicyText) -> ProviderReport {
    let doc = provider.policy_document();
    let policy_text = text::normalise(&policy.text);
    let mut findings: Vec<SidedFinding> = Vec::new();
    for (i, st) in provider.statements.iter().enumerate() {
        findings.extend(rules.findings(&st.text).into_iter().map(|finding| SidedFinding {
            side: Side::Statement,
            statement: Some(i),
            finding,
        }));
    }
    findings.extend(rules.findings(&policy_text).into_iter().map(|finding| SidedFinding {
        side: Side::Policy,
        statement: None,
        finding,
    }));

    let has_statement = !provider.statements.is_empty();
    let mut details = Vec::new();
    let mut verdict_of = |tag: Tag| {
        let said = Stance::of(&findings, Side::Statement, tag, rules);
        let says = Stance::of(&findings, Side::Policy, tag, rules);
        let d = verdict(has_statement, &said, &says);
        let st_refs: Vec<&SidedFinding> = d.statement.iter().map(|&i| &findings[i]).collect();
        let po_refs: Vec<&SidedFinding> = d.policy.iter().map(|&i| &findings[i]).collect();
        details.push(VerdictDetail {
            tag,
            verdict: d.verdict,
            reason: reason(tag, &d, &st_refs, &po_refs),
            statement_evidence: d.statement.clone(),
            policy_evidence: d.policy.clone(),
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
        statements: provider.statements.clone(),
        notes: provider.notes.clone(),
        findings,
        verdicts,
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tagger::Finding;

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
                    .map(|&kind| crate::tagger::Exception {
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
        verdict(true, &said, &says).verdict
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
        assert_eq!(verdict(false, &Stance::default(), &says).verdict, Verdict::NoStatement);
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
