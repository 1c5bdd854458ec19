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

/// Escapes text in running Markdown: everything that would start emphasis, code, a link, an image, a
/// heading or HTML (`</details>` in a fetched policy must not close the report's fold), and `|`, which
/// would end a table cell. Entities are escaped too, so the reader sees the text as it was written.
fn inline(text: &str) -> String {
    escape(text, " ")
}

fn escape(text: &str, line_break: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str(line_break),
            '\r' => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
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
    let days = &report.labels;
    let header: Vec<String> = days.iter().map(|d| cell(d)).collect();
    let _ = writeln!(out, "| Practice | {} |", header.join(" | "));
    let _ = writeln!(out, "| --- |{}", " --- |".repeat(days.len()));
    for p in &report.practices {
        let cells: Vec<String> = p
            .versions
            .iter()
            .map(|v| {
                if v.count > 0 {
                    format!("● {}", v.count)
                } else {
                    "·".to_string()
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} |",
            finding_label(p.tag, p.polarity, &[]),
            cells.join(" | ")
        );
    }
    out.push('\n');
    for step in &report.steps {
        let _ = writeln!(out, "### {} → {}\n", inline(&days[step.from]), inline(&days[step.to]));
        for d in &step.diff.summary {
            let _ = writeln!(out, "- {}", inline(&d.line()));
        }
        out.push('\n');
    }
    out
}

/// The lint report: one item per pair, the two practices and the two clauses quoted.
pub fn lint(report: &LintReport) -> String {
    let mut out = format!("## Lint: {}\n\n", inline(&report.source));
    for pair in &report.pairs {
        let quote = |scope: &crate::stages::compare::Scope| {
            inline(&cut_around(&report.findings[scope.finding].clause, 0..0, CLAUSE_MAX))
        };
        let _ = writeln!(
            out,
            "- **{}** — {}{}\n  - denies: {} — “{}”\n  - permits: {} — “{}”",
            pair.tag,
            pair.grade.as_str(),
            if pair.repeats > 0 {
                format!(" (+{} alike)", pair.repeats)
            } else {
                String::new()
            },
            inline(&pair.scope.denies.line),
            quote(&pair.scope.denies),
            inline(&pair.scope.permits.line),
            quote(&pair.scope.permits),
        );
    }
    if !report.pairs.is_empty() {
        out.push('\n');
    }
    out.push_str(&inline(super::table::lint_summary(report).trim_end()));
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
    let marks = if marks.is_empty() {
        String::new()
    } else {
        format!(" — {}", marks.join(" "))
    };
    format!("- **{}** ({}): {clause}{marks}\n", change_kind(c), change_position(c))
}

fn diff_body(out: &mut String, body: &DiffBody, heading: &str) {
    if let Some(l) = &body.language_change {
        let _ = writeln!(out, "**Language:** {}.\n", inline(&l.line()));
    } else if body.meaning_changed {
        let _ = writeln!(out, "{heading} What changed in meaning\n");
        for d in &body.summary {
            let _ = writeln!(out, "- {}", inline(&d.line()));
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
    let (meaningful, quiet) = super::view::ordered_changes(body);
    if !meaningful.is_empty() {
        let _ = writeln!(out, "{heading} Clauses that changed the findings\n");
        for ch in &meaningful {
            out.push_str(&change_item(ch));
        }
        out.push('\n');
    }
    if !quiet.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} change{} without findings</summary>\n",
            quiet.len(),
            if quiet.len() == 1 { "" } else { "s" }
        );
        let rows = super::view::group_runs(&quiet);
        for row in rows.iter().take(QUIET_CHANGES_LISTED) {
            match row {
                Row::One(ch) => out.push_str(&change_item(ch)),
                Row::Run(run) => {
                    let text = inline(&super::view::run_text(run, CLAUSE_MAX));
                    let kind = run[0].kind;
                    let text = if kind == ChangeKind::Removed {
                        format!("~~{text}~~")
                    } else {
                        format!("**{text}**")
                    };
                    let _ = writeln!(
                        out,
                        "- **{} ×{}** ({}): {text}",
                        kind.as_str(),
                        run.len(),
                        super::view::run_position(run)
                    );
                }
            }
        }
        if rows.len() > QUIET_CHANGES_LISTED {
            let _ = writeln!(
                out,
                "- … and {} more (see the JSON report)",
                rows.len() - QUIET_CHANGES_LISTED
            );
        }
        out.push_str("\n</details>\n\n");
    }
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
    diff_body(&mut out, body, "###");
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
    for d in report.documents.iter().filter(|d| d.status == CheckStatus::Changed) {
        let Some(body) = &d.diff else { continue };
        let _ = writeln!(
            out,
            "### {} / {} — {}\n",
            inline(&d.provider),
            inline(&d.label()),
            if d.meaning_changed() {
                "changed in meaning"
            } else if d.diff.as_ref().is_some_and(|b| b.language_change.is_some()) {
                "changed language"
            } else {
                "reworded"
            }
        );
        let _ = writeln!(out, "<{}>\n", url(&d.url));
        if let (Some(o), Some(n)) = (&d.old, &d.new) {
            let _ = writeln!(out, "From {} to {}.\n", version_text(o), version_text(n));
        }
        if d.diff_basis == Some(DiffBasis::Fingerprints) {
            out.push_str("_The old text is no longer stored: compared by fingerprints of tagged clauses only._\n\n");
        }
        diff_body(&mut out, body, "####");
    }
    out
}
