//! GitHub-flavoured Markdown, for reports, issue bodies and pull-request comments.

use std::fmt::Write as _;

use super::table::shown_clauses;
use super::view::{Row, WordMarks, change_kind, change_position, finding_label, inline_words};
use crate::analysis::tag::Tag;
use crate::base::report::VersionInfo;
use crate::base::snippet::cut_around;
use crate::stages::check::{CheckReport, CheckStatus, DiffBasis};
use crate::stages::compare::{CompareReport, Side, SourceKind, Verdict};
use crate::stages::diff::{Change, ChangeKind, DiffBody};
use crate::stages::history::HistoryReport;
use crate::stages::lint::LintReport;

/// Escapes text for a table cell: as [`inline`], with line breaks kept as `<br>`.
fn cell(text: &str) -> String {
    escape(text, "<br>")
}

/// Escapes text in running Markdown (see [`crate::base::markdown`]).
fn inline(text: &str) -> String {
    crate::base::markdown::inline(text)
}

fn escape(text: &str, line_break: &str) -> String {
    crate::base::markdown::escape(text, line_break)
}

/// A URL as a link target: every byte that could end the target or the table cell it is in (`)`, `|`,
/// spaces, angle brackets) percent-encoded.
fn url(u: &str) -> String {
    let mut out = String::with_capacity(u.len());
    for b in u.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/?#[]@$&'*+,;=%".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
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
            let pages = (side == Side::Statement)
                .then(|| super::view::statement_pages_line(p))
                .flatten()
                .map(|line| format!("<br>_{}_", cell(&line)))
                .unwrap_or_default();
            if clauses.is_empty() {
                return format!("_{}_{pages}", cell(&super::view::nothing_line(p, side)));
            }
            let shown = clauses
                .iter()
                .map(|c| {
                    let labels: Vec<String> = c
                        .labels
                        .iter()
                        .map(|(t, pol, e)| format!("**[{}]**", finding_label(*t, *pol, e)))
                        .collect();
                    format!("{} {}", labels.join(" "), cell(c.clause))
                })
                .collect::<Vec<_>>()
                .join("<br>");
            format!("{shown}{pages}")
        };
        let verdicts: Vec<String> = Tag::ALL
            .iter()
            .map(|&t| {
                let v = p.verdicts.get(t);
                if matches!(v, Verdict::Contradiction | Verdict::NarrowDenial | Verdict::Omission) {
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
            SourceKind::Snapshot => format!(
                "snapshot {}",
                p.policy_source.snapshot_date.as_deref().unwrap_or("undated")
            ),
            SourceKind::Store => format!("stored {}", p.policy_source.retrieved_at.as_deref().unwrap_or("")),
            SourceKind::Live => "live".into(),
        };
        let _ = writeln!(
            out,
            "| **{}**<br>[policy]({}) ({}) | {} | {} | {} |",
            cell(&p.name),
            url(&p.policy_source.url),
            cell(&source),
            side(Side::Statement),
            side(Side::Policy),
            verdicts.join("<br>")
        );
    }
    let _ = writeln!(out, "\n_{}_", inline(&super::view::compare_legend(report)));
    if let Some(changes) = &report.changes {
        let _ = writeln!(out, "\n### Since {}\n", inline(&changes.baseline));
        for line in super::view::change_lines(changes) {
            let _ = writeln!(out, "- {}", inline(&line));
        }
    }
    let notable: Vec<String> = report
        .providers
        .iter()
        .flat_map(|p| {
            p.details
                .iter()
                .filter(|d| {
                    matches!(
                        d.verdict,
                        Verdict::Contradiction | Verdict::NarrowDenial | Verdict::Omission
                    )
                })
                .map(move |d| {
                    let scope = d
                        .scope
                        .as_ref()
                        .map(|s| format!("\n  - {}", inline(&s.line)))
                        .unwrap_or_default();
                    format!(
                        "- **{}**, {} — {}: {}{scope}",
                        cell(&p.name),
                        d.tag,
                        d.verdict.as_str(),
                        inline(&d.reason)
                    )
                })
        })
        .collect();
    if !notable.is_empty() {
        out.push_str("\n### Contradictions, narrow denials and omissions\n\n");
        for line in notable {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// The history: a table of practices per version, then each step that changed the findings.
pub fn history(report: &HistoryReport) -> String {
    let mut out = format!("## History of {}\n\n", inline(&report.title));
    // One row per version, one column per practice: readable however many versions there are.
    let heads: Vec<String> = report
        .practices
        .iter()
        .map(|p| finding_label(p.tag, p.polarity, &[]))
        .collect();
    let _ = writeln!(out, "| Version | {} |", heads.join(" | "));
    let _ = writeln!(out, "| --- |{}", " --- |".repeat(heads.len()));
    for (i, label) in report.labels.iter().enumerate() {
        let cells: Vec<String> = report
            .practices
            .iter()
            .map(|p| {
                let v = &p.versions[i];
                if v.count > 0 {
                    format!("● {}", v.count)
                } else {
                    "·".to_string()
                }
            })
            .collect();
        let _ = writeln!(out, "| v{} {} | {} |", i + 1, cell(label), cells.join(" | "));
    }
    out.push('\n');
    let lines = super::view::history_lines(report);
    if !lines.is_empty() {
        out.push_str("### Events\n\n");
        for (v, line) in &lines {
            let _ = writeln!(out, "- **v{} {}**: {}", v + 1, inline(&report.labels[*v]), inline(line));
        }
        out.push('\n');
    }
    out
}

/// The lint report: one item per pair, the two practices and the two clauses quoted.
pub fn lint(report: &LintReport) -> String {
    let mut out = format!("## Lint: {}\n\n", inline(&report.source));
    let quote = |scope: &crate::stages::compare::Scope| {
        inline(&cut_around(&report.findings[scope.finding].clause, 0..0, CLAUSE_MAX))
    };
    // Each denial once, then the permissions it meets.
    for group in report.by_denial() {
        let _ = writeln!(
            out,
            "- **{}** — denies: {} — “{}”",
            group.tag,
            inline(&group.denial.line),
            quote(group.denial)
        );
        for pair in &group.pairs {
            let _ = writeln!(
                out,
                "  - {}{}: permits {} — “{}”",
                pair.grade.as_str(),
                if pair.repeats > 0 {
                    format!(" (+{} alike)", pair.repeats)
                } else {
                    String::new()
                },
                inline(&pair.scope.permits.line),
                quote(&pair.scope.permits),
            );
        }
    }
    if !report.pairs.is_empty() {
        out.push('\n');
    }
    out.push_str(&inline(report.summary().trim_end()));
    out.push('\n');
    out
}

struct MarkdownMarks;

impl WordMarks for MarkdownMarks {
    fn delete(&self, text: &str) -> String {
        format!("~~{}~~", inline(text))
    }
    fn insert(&self, text: &str) -> String {
        format!("**{}**", inline(text))
    }
    fn equal(&self, text: &str) -> String {
        inline(text)
    }
    fn between(&self) -> &'static str {
        " "
    }
}

/// Items listed without findings before the rest are folded away (GitHub limits issue bodies).
const QUIET_CHANGES_LISTED: usize = 100;
const CLAUSE_MAX: usize = 400;

fn change_item(c: &Change) -> String {
    let clause = match c.kind {
        ChangeKind::Changed => inline_words(&c.words, &MarkdownMarks),
        _ => {
            let side = c.new.as_ref().or(c.old.as_ref()).expect("a change has a side");
            let text = inline(&cut_around(&side.text, 0..0, CLAUSE_MAX));
            match c.kind {
                ChangeKind::Removed => format!("~~{text}~~"),
                ChangeKind::Added => format!("**{text}**"),
                _ => text,
            }
        }
    };
    let mut marks: Vec<String> = c
        .gained
        .iter()
        .map(|f| format!("+`{}`", finding_label(f.tag, f.polarity, &f.exceptions)))
        .collect();
    marks.extend(
        c.lost
            .iter()
            .map(|f| format!("−`{}`", finding_label(f.tag, f.polarity, &f.exceptions))),
    );
    if let Some(note) = super::view::restated_note(c) {
        marks.push(format!("({note})"));
    }
    let marks = if marks.is_empty() {
        String::new()
    } else {
        format!(" — {}", marks.join(" "))
    };
    format!("- **{}** ({}): {clause}{marks}\n", change_kind(c), change_position(c))
}

/// The most a Markdown report may hold, in bytes (so in characters too): a GitHub comment or issue body
/// holds 65,536 characters, and a bot adds its own lines around the report.
pub const MARKDOWN_MAX: usize = 60_000;
/// Scope changes listed under "what changed in meaning" before the rest are counted.
const SCOPE_LINES_LISTED: usize = 20;

/// The head of a diff: the page change or the net change in meaning, and the clause counts. Always
/// written whole, whatever the budget.
fn diff_head(out: &mut String, body: &DiffBody, heading: &str) {
    if let Some(line) = super::view::page_change_line(body) {
        let _ = writeln!(out, "**{}**\n", inline(&line));
    } else if body.meaning_changed {
        let _ = writeln!(out, "{heading} What changed in meaning\n");
        let lines = super::view::meaning_lines(body);
        let cut = body.summary.len() + SCOPE_LINES_LISTED;
        for line in lines.iter().take(cut) {
            let _ = writeln!(out, "- {}", inline(line));
        }
        if lines.len() > cut {
            let _ = writeln!(
                out,
                "- … and {} more changes of scope (see the JSON report)",
                lines.len() - cut
            );
        }
        out.push('\n');
    } else {
        out.push_str("No change in meaning: no finding was gained or lost.\n\n");
    }
    let c = &body.counts;
    let _ = writeln!(
        out,
        "Clauses: {} changed, {} added, {} removed, {} moved; {} unchanged, {} differ only by noise.\n",
        c.changed, c.added, c.removed, c.moved, c.unchanged, c.noise
    );
}

/// Room kept at the end of a budget for the "and N more" line and the closing tags.
const BUDGET_RESERVE: usize = 200;

/// The clause changes of a diff, those with findings first, in at most `budget` bytes: what does not
/// fit is counted in an "and N more" line.
fn diff_changes(out: &mut String, body: &DiffBody, heading: &str, budget: usize) {
    let start = out.len();
    let room = |out: &String, more: usize| out.len() - start + more + BUDGET_RESERVE <= budget;
    let (meaningful, quiet) = super::view::ordered_changes(body);
    let mut left_out = 0;
    if !meaningful.is_empty() {
        let _ = writeln!(out, "{heading} Clauses that changed the findings\n");
        for (i, ch) in meaningful.iter().enumerate() {
            let item = change_item(ch);
            if !room(out, item.len()) {
                left_out = meaningful.len() - i;
                break;
            }
            out.push_str(&item);
        }
        out.push('\n');
    }
    if !quiet.is_empty() && left_out == 0 {
        let opening = format!(
            "<details><summary>{} change{} without findings</summary>\n\n",
            quiet.len(),
            if quiet.len() == 1 { "" } else { "s" }
        );
        let rows = super::view::group_runs(&quiet);
        if room(out, opening.len()) {
            out.push_str(&opening);
            let mut listed = 0;
            for row in rows.iter().take(QUIET_CHANGES_LISTED) {
                let item = match row {
                    Row::One(ch) => change_item(ch),
                    Row::Run(run) => {
                        let text = inline(&super::view::run_text(run, CLAUSE_MAX));
                        let kind = run[0].kind;
                        let text = if kind == ChangeKind::Removed {
                            format!("~~{text}~~")
                        } else {
                            format!("**{text}**")
                        };
                        format!(
                            "- **{} ×{}** ({}): {text}\n",
                            kind.as_str(),
                            run.len(),
                            super::view::run_position(run)
                        )
                    }
                };
                if !room(out, item.len()) {
                    break;
                }
                out.push_str(&item);
                listed += 1;
            }
            if rows.len() > listed {
                let _ = writeln!(out, "- … and {} more (see the JSON report)", rows.len() - listed);
            }
            out.push_str("\n</details>\n\n");
        } else {
            left_out = quiet.len();
        }
    } else if !quiet.is_empty() {
        left_out += quiet.len();
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "… and {left_out} more change{} not listed here, to fit a GitHub comment (see the JSON report).\n",
            if left_out == 1 { "" } else { "s" }
        );
    }
}

fn diff_body(out: &mut String, body: &DiffBody, heading: &str, budget: usize) {
    let start = out.len();
    diff_head(out, body, heading);
    let used = out.len() - start;
    diff_changes(out, body, heading, budget.saturating_sub(used));
}

fn version_text(v: &VersionInfo) -> String {
    match (&v.file, &v.version) {
        (Some(f), _) => format!("`{}`", f.replace('`', "'")),
        (None, Some(id)) => format!("`{id}` ({})", v.label()),
        (None, None) => v.label(),
    }
}

/// `orgcheck diff` in Markdown.
pub fn diff(title: &str, old: &VersionInfo, new: &VersionInfo, body: &DiffBody) -> String {
    let mut out = format!("## Changes to {}\n\n", inline(title));
    let _ = writeln!(out, "From {} to {}.\n", version_text(old), version_text(new));
    let budget = MARKDOWN_MAX.saturating_sub(out.len());
    diff_body(&mut out, body, "###", budget);
    out
}

/// `orgcheck check` in Markdown: what a bot puts in an issue or a pull-request comment.
pub fn check(report: &CheckReport) -> String {
    let s = &report.summary;
    let mut out = String::from("## orgcheck: privacy policy check\n\n");
    let _ = writeln!(
        out,
        "{} · checked {} · {} mode\n",
        super::table::check_summary(report).trim_end(),
        report.checked_at,
        match report.mode {
            crate::stages::check::Mode::Live => "live",
            crate::stages::check::Mode::Baseline => "baseline",
        }
    );
    out.push_str("| Provider | Document | Status | From | To | Note |\n| --- | --- | --- | --- | --- | --- |\n");
    for d in &report.documents {
        let status = match d.status {
            CheckStatus::Changed | CheckStatus::Unstable | CheckStatus::Failed => format!("**{}**", d.status.as_str()),
            _ => d.status.as_str().to_string(),
        };
        let note = super::table::check_note(d);
        let _ = writeln!(
            out,
            "| [{}]({}) | {} | {} | {} | {} | {} |",
            cell(&d.provider),
            url(&d.url),
            cell(&d.label()),
            status,
            d.old.as_ref().map(|v| cell(&v.label())).unwrap_or_default(),
            d.new.as_ref().map(|v| cell(&v.label())).unwrap_or_default(),
            cell(&note)
        );
    }
    out.push('\n');
    if s.changed == 0 {
        return out;
    }
    // Every changed document's heading and net change are written; the clause changes share what room
    // is left, in document order.
    let changed: Vec<(&crate::stages::check::DocCheck, &DiffBody)> = report
        .documents
        .iter()
        .filter(|d| d.status == CheckStatus::Changed)
        .filter_map(|d| d.diff.as_ref().map(|b| (d, b)))
        .collect();
    let heads: Vec<String> = changed
        .iter()
        .map(|&(d, body)| {
            let mut head = String::new();
            let _ = writeln!(
                head,
                "### {} / {} — {}\n",
                inline(&d.provider),
                inline(&d.label()),
                super::view::change_heading(body)
            );
            let _ = writeln!(head, "<{}>\n", url(&d.url));
            if let (Some(o), Some(n)) = (&d.old, &d.new) {
                let _ = writeln!(head, "From {} to {}.\n", version_text(o), version_text(n));
            }
            if d.diff_basis == Some(DiffBasis::Fingerprints) {
                head.push_str(
                    "_The old text is no longer stored: compared by fingerprints of tagged clauses only._\n\n",
                );
            }
            diff_head(&mut head, body, "####");
            head
        })
        .collect();
    let mut heads_left: usize = heads.iter().map(String::len).sum();
    for (i, (head, &(_, body))) in heads.iter().zip(&changed).enumerate() {
        if out.len() + head.len() + BUDGET_RESERVE > MARKDOWN_MAX {
            let _ = writeln!(
                out,
                "… and {} more changed documents, not shown here to fit a GitHub comment (see the JSON report).",
                changed.len() - i
            );
            break;
        }
        out.push_str(head);
        heads_left -= head.len();
        let budget = MARKDOWN_MAX.saturating_sub(out.len() + heads_left);
        diff_changes(&mut out, body, "####", budget);
    }
    out
}
