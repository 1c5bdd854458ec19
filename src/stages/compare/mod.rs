//! The comparator: lines up what a provider told customers against what its policy says, per tag.
//!
//! `sources.rs` finds the texts, `grading.rs` reads each side's stance and grades a denial against a
//! permission, `explain.rs` words the verdicts, `report.rs` holds what is reported, and `changes.rs`
//! what changed since an earlier run.

mod report;
mod sources;
mod grading;
mod explain;
mod changes;

pub use changes::{Baseline, Changes, Movement, StatementChange, VerdictChange, changes};
pub use explain::practice_line;
pub(crate) use explain::{overlap_words, parts_named};
pub(crate) use grading::grade;
pub use report::*;
pub use sources::{Fallback, PolicyText, policy_text, statements};

use crate::analysis::rules::{Reader, RuleSet};
use crate::analysis::tag::Tag;
use crate::base::hash::sha256_hex;
use crate::document::markup;
use crate::inputs::providers::Provider;

use explain::reason;
use grading::{Stance, verdict};

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
    // What was not read, said once for every tag.
    let mut unread: Vec<String> = Vec::new();
    for (i, st) in statements.iter().enumerate() {
        let reading = rules.read(&st.statement.text);
        if let (false, Some(l)) = (reading.read(), reading.language) {
            unread.push(format!("statement {} is in {} ({})", i + 1, l.name(), l.code()));
        }
        findings.extend(reading.into_findings().into_iter().map(|finding| SidedFinding {
            side: Side::Statement,
            statement: Some(i),
            finding,
        }));
    }
    let reading = rules.read(&policy_text);
    let (language, read) = (reading.language, reading.read());
    if let (false, Some(l)) = (read, language) {
        unread.insert(0, format!("the policy is in {} ({})", l.name(), l.code()));
    }
    findings.extend(reading.into_findings().into_iter().map(|finding| SidedFinding {
        side: Side::Policy,
        statement: None,
        finding,
    }));
    // Findings are graded with the rules of the policy's language: their ontology holds the English
    // concepts and that language's terms under them.
    let rules = match rules.reader(language) {
        Reader::Rules(r) => r,
        Reader::None => rules,
    };

    let has_statement = !statements.is_empty();
    let detail_of = |tag: Tag| {
        if !unread.is_empty() {
            return VerdictDetail {
                tag,
                verdict: Verdict::Unreadable,
                reason: format!(
                    "Not read: {}, and orgcheck has no rules for it, so nothing is said about {tag}.",
                    unread.join("; ")
                ),
                statement_evidence: Vec::new(),
                policy_evidence: Vec::new(),
                scope: None,
            };
        }
        let said = Stance::of(&findings, Side::Statement, tag, rules);
        let says = Stance::of(&findings, Side::Policy, tag, rules);
        let d = verdict(&rules.ontology, &findings, has_statement, &said, &says);
        let scope = d.pair.as_ref().map(|p| p.comparison(&rules.ontology, &findings));
        VerdictDetail {
            tag,
            verdict: d.verdict,
            reason: reason(&rules.ontology, tag, &d, scope.as_ref(), &findings),
            statement_evidence: d.statement.clone(),
            policy_evidence: d.policy.clone(),
            scope,
        }
    };
    let details = Details::from_fn(detail_of);
    let verdicts = details.verdicts();
    ProviderReport {
        id: provider.id.clone(),
        name: provider.name.clone(),
        policy_source: PolicySource {
            kind: policy.kind,
            document: doc.id.clone(),
            url: doc.url.clone(),
            sha256: sha256_hex(&policy_text),
            retrieved_at: policy.retrieved_at.clone(),
            snapshot_date: if matches!(policy.kind, SourceKind::Bundled | SourceKind::Snapshot) {
                doc.snapshot_date.clone()
            } else {
                None
            },
            snapshot_source: if matches!(policy.kind, SourceKind::Bundled | SourceKind::Snapshot) {
                doc.snapshot_source.clone()
            } else {
                None
            },
            language,
            read,
        },
        statements,
        notes: provider.notes.clone(),
        findings,
        verdicts,
        details,
    }
}
