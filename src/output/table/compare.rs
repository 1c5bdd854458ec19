//! The `compare` report in a terminal: a table with one row per provider, or below 120 columns one
//! block per provider; then the pairs a reader can quote, the counts, the changes since a baseline and
//! the legend.

use comfy_table::{Cell, ColumnConstraint};

use super::{CLAUSE_MAX, Style, evidence_range, new_table};
use crate::analysis::rules::ExceptionKind;
use crate::analysis::tag::{Polarity, Tag};
use crate::base::snippet::cut_around;
use crate::stages::compare::{CompareReport, ProviderReport, Side, SidedFinding, SourceKind, Verdict};

/// Longest clause shown in a narrow terminal's blocks: around its evidence, the clause still reads,
/// and eight providers fit in about 150 lines of 80 columns.
const BLOCK_CLAUSE_MAX: usize = 160;

/// A finding as a label shows it: tag, polarity and a denial's exception kinds.
pub(crate) type Label = (Tag, Polarity, Vec<ExceptionKind>);

/// A clause with the labels of all its findings, for display.
pub(crate) struct ShownClause<'a> {
    pub labels: Vec<Label>,
    pub clause: &'a str,
    /// Byte range of the first evidence inside the clause.
    pub evidence: std::ops::Range<usize>,
    /// Byte ranges of every finding's evidence inside the clause, in finding order.
    pub marks: Vec<std::ops::Range<usize>>,
}

/// Groups a side's findings by clause, in text order. An excepted permission gets no label of its own:
/// its denial's label names the exception ("[no sharing except legal]").
pub(crate) fn shown_clauses<'a>(findings: impl Iterator<Item = &'a SidedFinding>) -> Vec<ShownClause<'a>> {
    let mut out: Vec<ShownClause<'a>> = Vec::new();
    let mut last: Option<(Option<usize>, usize)> = None;
    for f in findings.filter(|f| !f.finding.excepted) {
        let key = (f.statement, f.finding.start);
        let label = (f.finding.tag, f.finding.polarity, f.finding.exception_kinds());
        if last == Some(key)
            && let Some(shown) = out.last_mut()
        {
            if !shown.labels.contains(&label) {
                shown.labels.push(label);
            }
            shown.marks.push(evidence_range(&f.finding));
            continue;
        }
        last = Some(key);
        out.push(ShownClause {
            labels: vec![label],
            clause: &f.finding.clause,
            evidence: evidence_range(&f.finding),
            marks: vec![evidence_range(&f.finding)],
        });
    }
    out
}

fn side_cell(report: &ProviderReport, side: Side, style: Style, clause_max: usize) -> String {
    let clauses = shown_clauses(report.findings.iter().filter(|f| f.side == side));
    if side == Side::Statement && report.statements.is_empty() {
        return style.dim("No reply yet: no statement recorded.");
    }
    let pages = if side == Side::Statement {
        super::super::view::statement_pages_line(report)
    } else {
        None
    };
    if clauses.is_empty() {
        let nothing = style.dim(&super::super::view::nothing_line(report, side));
        return pages.map_or(nothing.clone(), |p| format!("{nothing}\n{}", style.dim(&p)));
    }
    let mut cell = clauses
        .iter()
        .map(|c| {
            let labels: Vec<String> = c.labels.iter().map(|(t, p, e)| style.tag(*t, *p, e)).collect();
            format!(
                "{} {}",
                labels.join(" "),
                cut_around(c.clause, c.evidence.clone(), clause_max)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(p) = pages {
        cell.push('\n');
        cell.push_str(&style.dim(&p));
    }
    cell
}

fn source_label(report: &ProviderReport) -> String {
    let src = &report.policy_source;
    match src.kind {
        SourceKind::Bundled => format!("bundled {}", src.snapshot_date.as_deref().unwrap_or("snapshot")),
        SourceKind::Snapshot => format!("snapshot {}", src.snapshot_date.as_deref().unwrap_or("undated")),
        SourceKind::Store => format!(
            "stored {}",
            src.retrieved_at.as_deref().map_or("", |d| d.get(..10).unwrap_or(d))
        ),
        SourceKind::Live => "live".to_string(),
    }
}

/// Below this many columns the table's two text columns are too narrow to read (at 80 columns eight
/// bundled providers took 300 lines, 17 characters a line), and each provider is laid out as a block
/// instead: 145 lines at 80 columns, 119 at 100, where the table takes 212.
const BLOCKS_BELOW: u16 = 120;

/// The comparison: a table with one row per provider, or in a narrow terminal one block per provider;
/// then the pairs a reader can quote, the counts and the legend.
pub fn compare(report: &CompareReport, width: u16, style: Style) -> String {
    let mut out = if width < BLOCKS_BELOW {
        compare_blocks(report, width, style)
    } else {
        compare_table(report, width, style)
    };
    out.push('\n');
    out.push_str(&scope_lines(report, style));
    // The lines under the table stay whole for grep and scripts; a terminal wraps them between words.
    out.push_str(&summary(report));
    if let Some(changes) = &report.changes {
        if !changes.is_empty() {
            out.push_str(&style.bold(&format!("Since {}:", changes.baseline)));
            out.push('\n');
        }
        for line in super::super::view::change_lines(changes) {
            out.push_str(&format!("{}{line}\n", if changes.is_empty() { "" } else { "  " }));
        }
    }
    out.push_str(&style.dim(&super::super::view::compare_legend(report)));
    out.push('\n');
    out
}

/// Text wrapped to `width` columns (escape codes take none), with the first and later lines indented.
fn wrap(text: &str, width: u16, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(usize::from(width).max(20))
        .initial_indent(first)
        .subsequent_indent(rest);
    textwrap::fill(text, options)
}

/// Items joined by " · " and packed into lines of `width` columns, never breaking an item: "sharing
/// statement-only" must not read as two verdicts.
fn pack(items: &[String], width: usize, indent: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for item in items {
        let fits = textwrap::core::display_width(&line) + 3 + textwrap::core::display_width(item) <= width;
        if line.is_empty() {
            line = format!("{indent}{item}");
        } else if fits {
            line.push_str(" · ");
            line.push_str(item);
        } else {
            lines.push(std::mem::take(&mut line));
            line = format!("{indent}{item}");
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

/// One block per provider, for a terminal too narrow for four columns: a heading with the name and
/// the source, the verdicts, then each side's clauses at full width.
fn compare_blocks(report: &CompareReport, width: u16, style: Style) -> String {
    let w = usize::from(width).max(20);
    let mut out = String::new();
    for p in &report.providers {
        let head = format!("── {} · {} ", p.name, source_label(p));
        let rule = "─".repeat(w.saturating_sub(textwrap::core::display_width(&head)));
        out.push_str(&format!(
            "── {} · {} {rule}\n",
            style.bold(&p.name),
            style.dim(&source_label(p))
        ));
        let verdicts: Vec<String> = (p.verdicts.iter())
            .map(|(t, v)| format!("{} {}", t.about().short, style.verdict(v)))
            .collect();
        out.push_str(&pack(&verdicts, w, "  "));
        out.push('\n');
        for (side, title) in [
            (Side::Statement, "What they tell customers"),
            (Side::Policy, "What the policy says"),
        ] {
            out.push_str(&style.bold(title));
            out.push('\n');
            for line in side_cell(p, side, style, BLOCK_CLAUSE_MAX).lines() {
                out.push_str(&wrap(line, width, "  ", "    "));
                out.push('\n');
            }
        }
    }
    out
}

/// The comparison as a table, one row per provider, for a terminal of at least [`BLOCKS_BELOW`] columns.
fn compare_table(report: &CompareReport, width: u16, style: Style) -> String {
    let mut table = new_table(
        width,
        style,
        &[
            "Provider",
            "What they tell customers",
            "What the policy says",
            "Verdicts",
        ],
        true,
    );
    for p in &report.providers {
        let verdicts: Vec<String> = Tag::ALL
            .iter()
            .map(|&t| format!("{} {}", t.about().short, style.verdict(p.verdicts.get(t))))
            .collect();
        table.add_row(vec![
            Cell::new(format!("{}\n{}", style.bold(&p.name), style.dim(&source_label(p)))),
            Cell::new(side_cell(p, Side::Statement, style, CLAUSE_MAX)),
            Cell::new(side_cell(p, Side::Policy, style, CLAUSE_MAX)),
            Cell::new(verdicts.join("\n")),
        ]);
    }
    // Only terminals of at least BLOCKS_BELOW columns get the table, so the name and verdict columns, which
    // are short, never need to wrap; the two text columns share the rest.
    for index in [0, 3] {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    table.to_string()
}

/// Under the table, one line per contradiction or narrow denial that a reader can quote: what the
/// denial covers against what the other side permits.
fn scope_lines(report: &CompareReport, style: Style) -> String {
    let mut out = String::new();
    for p in &report.providers {
        for d in &p.details {
            if let Some(scope) = &d.scope {
                out.push_str(&format!(
                    "{} {}: {}\n  {}\n",
                    style.bold(&p.name),
                    d.tag.about().short,
                    style.verdict(d.verdict),
                    scope.line
                ));
            }
        }
    }
    out
}

/// One line counting contradictions and omissions.
pub fn summary(report: &CompareReport) -> String {
    let count = |v: Verdict| {
        report
            .providers
            .iter()
            .map(|p| Tag::ALL.iter().filter(|&&t| p.verdicts.get(t) == v).count())
            .sum::<usize>()
    };
    let with = |v: Verdict| {
        let names: Vec<&str> = report
            .providers
            .iter()
            .filter(|p| Tag::ALL.iter().any(|&t| p.verdicts.get(t) == v))
            .map(|p| p.name.as_str())
            .collect();
        if names.is_empty() {
            String::new()
        } else {
            format!(" ({})", names.join(", "))
        }
    };
    let n = report.providers.len();
    let counted = |v: Verdict, one: &str, many: &str| {
        let k = count(v);
        format!("{k} {}{}", if k == 1 { one } else { many }, with(v))
    };
    // Unreadable is said of a provider's texts, not tag by tag.
    let unread = (report.providers.iter())
        .filter(|p| Tag::ALL.iter().any(|&t| p.verdicts.get(t) == Verdict::Unreadable))
        .count();
    let unreadable = match unread {
        0 => String::new(),
        k => format!(", {k} not read{}", with(Verdict::Unreadable)),
    };
    format!(
        "{} provider{}: {}, {}, {}{unreadable}.\n",
        n,
        if n == 1 { "" } else { "s" },
        counted(Verdict::Contradiction, "contradiction", "contradictions"),
        counted(Verdict::NarrowDenial, "narrow denial", "narrow denials"),
        counted(Verdict::Omission, "omission", "omissions"),
    )
}
