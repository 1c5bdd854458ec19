//! The comparator: lines up what a provider told customers against what its policy says, per tag.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::error::{Error, PolicyTextProblem, Result};

use crate::hash::sha256_hex;
use crate::providers::{Note, Provider, Statement};
use crate::report::{ORGCHECK_VERSION, SCHEMA_VERSION};
use crate::rules::{Polarity, RuleSet, Tag};
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

/// What one side says about one tag.
#[derive(Debug, Default, Clone, Copy)]
struct Stance {
    positive: bool,
    negative: bool,
}

impl Stance {
    fn of(findings: &[SidedFinding], side: Side, tag: Tag) -> Stance {
        let mut s = Stance::default();
        for f in findings.iter().filter(|f| f.side == side && f.finding.tag == tag) {
            match f.finding.polarity {
                Polarity::Positive => s.positive = true,
                Polarity::Negative => s.negative = true,
            }
        }
        s
    }

    fn silent(self) -> bool {
        !self.positive && !self.negative
    }

    /// Denies without affirming anywhere.
    fn denies(self) -> bool {
        self.negative && !self.positive
    }
}

/// Decides the verdict for one tag from the two sides' stances.
fn verdict(has_statement: bool, said: Stance, policy: Stance) -> Verdict {
    if !has_statement {
        return Verdict::NoStatement;
    }
    if (said.denies() && policy.positive) || (said.positive && policy.denies()) {
        return Verdict::Contradiction;
    }
    match (said.silent(), policy.silent()) {
        (true, true) => Verdict::NotMentioned,
        (true, false) if policy.positive => Verdict::Omission,
        // The policy only denies it and the statement is silent: nothing was hidden from customers.
        (true, false) => Verdict::Consistent,
        (false, true) => Verdict::StatementOnly,
        _ => Verdict::Consistent,
    }
}

fn quote(f: &SidedFinding) -> String {
    format!("“{}”", f.finding.clause)
}

fn reason(tag: Tag, v: Verdict, statement: &[&SidedFinding], policy: &[&SidedFinding]) -> String {
    let first = |list: &[&SidedFinding]| list.first().map(|f| quote(f)).unwrap_or_default();
    match v {
        Verdict::NoStatement => format!(
            "No customer statement is recorded; the policy {}.",
            if policy.is_empty() {
                format!("does not mention {tag}")
            } else {
                format!("says {}", first(policy))
            }
        ),
        Verdict::Contradiction => {
            let denies = statement.iter().all(|f| f.finding.polarity == Polarity::Negative);
            if denies {
                format!(
                    "The statement denies {tag} ({}) but the policy permits it ({}).",
                    first(statement),
                    first(policy)
                )
            } else {
                format!(
                    "The statement asserts {tag} ({}) but the policy denies it ({}).",
                    first(statement),
                    first(policy)
                )
            }
        }
        Verdict::Omission => format!(
            "The policy permits {tag} ({}); the statement does not mention it.",
            first(policy)
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
        let said = Stance::of(&findings, Side::Statement, tag);
        let says = Stance::of(&findings, Side::Policy, tag);
        let v = verdict(has_statement, said, says);
        // The evidence is the findings that decided the verdict: for a contradiction, the denial on one
        // side and the permission on the other; otherwise every finding of the tag.
        let pick = |side: Side, polarity: Option<Polarity>| -> Vec<usize> {
            findings
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    f.side == side && f.finding.tag == tag && polarity.is_none_or(|p| f.finding.polarity == p)
                })
                .map(|(i, _)| i)
                .collect()
        };
        let (st_pol, po_pol) = match v {
            Verdict::Contradiction if said.denies() => (Some(Polarity::Negative), Some(Polarity::Positive)),
            Verdict::Contradiction => (Some(Polarity::Positive), Some(Polarity::Negative)),
            _ => (None, None),
        };
        let statement_evidence = pick(Side::Statement, st_pol);
        let policy_evidence = pick(Side::Policy, po_pol);
        let st_refs: Vec<&SidedFinding> = statement_evidence.iter().map(|&i| &findings[i]).collect();
        let po_refs: Vec<&SidedFinding> = policy_evidence.iter().map(|&i| &findings[i]).collect();
        details.push(VerdictDetail {
            tag,
            verdict: v,
            reason: reason(tag, v, &st_refs, &po_refs),
            statement_evidence,
            policy_evidence,
        });
        v
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

    fn stance(positive: bool, negative: bool) -> Stance {
        Stance { positive, negative }
    }

    #[test]
    fn verdict_table() {
        let none = stance(false, false);
        let pos = stance(true, false);
        let neg = stance(false, true);
        let both = stance(true, true);
        assert_eq!(verdict(false, pos, pos), Verdict::NoStatement);
        assert_eq!(verdict(true, neg, pos), Verdict::Contradiction);
        assert_eq!(verdict(true, neg, both), Verdict::Contradiction);
        assert_eq!(verdict(true, pos, neg), Verdict::Contradiction);
        assert_eq!(verdict(true, both, pos), Verdict::Consistent);
        assert_eq!(verdict(true, pos, pos), Verdict::Consistent);
        assert_eq!(verdict(true, neg, neg), Verdict::Consistent);
        assert_eq!(verdict(true, none, pos), Verdict::Omission);
        assert_eq!(verdict(true, none, neg), Verdict::Consistent);
        assert_eq!(verdict(true, pos, none), Verdict::StatementOnly);
        assert_eq!(verdict(true, neg, none), Verdict::StatementOnly);
        assert_eq!(verdict(true, none, none), Verdict::NotMentioned);
    }
}
