//! GitHub-flavoured Markdown, for reports, issue bodies and pull-request comments.

use std::fmt::Write as _;

use super::finding_label;
use super::table::shown_clauses;
use crate::compare::{CompareReport, Side, SourceKind, Verdict};
use crate::rules::Tag;

/// Escapes text for a table cell: pipes, angle brackets and line breaks.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>")
}

/// The comparison as a Markdown table, followed by the reasons for every contradiction and omission.
pub fn compare(report: &CompareReport) -> String {
    let mut out = String::new();
    out.push_str("| Provider | What they tell customers | What the policy says | Verdicts |\n");
    out.push_str("| --- | --- | --- | --- |\n");
    for p in &report.providers {
        let side = |side: Side| {
            let clauses = shown_clauses(p.findings.iter().filter(|f| f.side == side));
            if side == Side::Statement && p.statements.is_empty() {
                return "_No reply yet: no statement recorded._".to_string();
            }
            if clauses.is_empty() {
                return "_Nothing tagged._".to_string();
            }
            clauses
                .iter()
                .map(|c| {
                    let labels: Vec<String> = c
                        .labels
                        .iter()
                        .map(|&(t, pol)| format!("**[{}]**", finding_label(t, pol)))
                        .collect();
                    format!("{} {}", labels.join(" "), cell(c.clause))
                })
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let verdicts: Vec<String> = Tag::ALL
            .iter()
            .map(|&t| {
                let v = p.verdicts.get(t);
                if matches!(v, Verdict::Contradiction | Verdict::Omission) {
                    format!("{t}: **{}**", v.as_str())
                } else {
                    format!("{t}: {}", v.as_str())
                }
            })
            .collect();
        let source = match p.policy_source.kind {
            SourceKind::Bundled => format!(
                "bundled {}",
                p.policy_source.snapshot_date.as_deref().unwrap_or("snapshot")
            ),
            SourceKind::Store => format!("stored {}", p.policy_source.retrieved_at.as_deref().unwrap_or("")),
            SourceKind::Live => "live".into(),
        };
        let _ = writeln!(
            out,
            "| **{}**<br>[policy]({}) ({}) | {} | {} | {} |",
            cell(&p.name),
            p.policy_source.url.replace(')', "%29"),
            cell(&source),
            side(Side::Statement),
            side(Side::Policy),
            verdicts.join("<br>")
        );
    }
    let notable: Vec<String> = report
        .providers
        .iter()
        .flat_map(|p| {
            p.details
                .iter()
                .filter(|d| matches!(d.verdict, Verdict::Contradiction | Verdict::Omission))
                .map(move |d| {
                    format!(
                        "- **{}**, {} — {}: {}",
                        cell(&p.name),
                        d.tag,
                        d.verdict.as_str(),
                        d.reason.replace('\n', " ")
                    )
                })
        })
        .collect();
    if !notable.is_empty() {
        out.push_str("\n### Contradictions and omissions\n\n");
        for line in notable {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}
