//! Terminal tables, fitted to the terminal width, coloured only when asked.

use comfy_table::presets::{UTF8_FULL, UTF8_FULL_CONDENSED};
use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table};

use super::{cut_around, finding_label, short_tag};
use crate::compare::{CompareReport, ProviderReport, Side, SidedFinding, SourceKind, Verdict};
use crate::providers::Provider;
use crate::rules::{Polarity, Tag};
use crate::tagger::Finding;

/// Longest clause shown in a table cell before it is cut with "…".
const CLAUSE_MAX: usize = 220;

/// ANSI styling that is a no-op when colour is off.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn tag(self, tag: Tag, polarity: Polarity) -> String {
        let code = match tag {
            Tag::Aggregation => "1;34",
            Tag::ThirdPartySharing => "1;35",
            Tag::OptOut => "1;36",
            Tag::Location => "1;32",
        };
        self.paint(code, &format!("[{}]", finding_label(tag, polarity)))
    }

    pub fn verdict(self, v: Verdict) -> String {
        let code = match v {
            Verdict::Contradiction => "1;31",
            Verdict::Omission => "33",
            Verdict::Consistent => "32",
            Verdict::StatementOnly => "36",
            Verdict::NotMentioned | Verdict::NoStatement => "2",
        };
        self.paint(code, v.as_str())
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// A table fitted to `width`. Rows of several lines need `separated` rows to be told apart.
fn new_table(width: u16, style: Style, header: &[&str], separated: bool) -> Table {
    let mut table = Table::new();
    table
        .load_style(if separated { UTF8_FULL } else { UTF8_FULL_CONDENSED })
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(header.iter().map(|h| Cell::new(style.bold(h))));
    table
}

/// A clause with the labels of all its findings, for display.
pub(crate) struct ShownClause<'a> {
    pub labels: Vec<(Tag, Polarity)>,
    pub clause: &'a str,
    /// Byte range of the first evidence inside the clause.
    pub evidence: std::ops::Range<usize>,
}

/// Groups a side's findings by clause, in text order.
pub(crate) fn shown_clauses<'a>(findings: impl Iterator<Item = &'a SidedFinding>) -> Vec<ShownClause<'a>> {
    let mut out: Vec<ShownClause<'a>> = Vec::new();
    let mut last: Option<(Option<usize>, usize)> = None;
    for f in findings {
        let key = (f.statement, f.finding.start);
        if last == Some(key)
            && let Some(shown) = out.last_mut()
        {
            if !shown.labels.contains(&(f.finding.tag, f.finding.polarity)) {
                shown.labels.push((f.finding.tag, f.finding.polarity));
            }
            continue;
        }
        last = Some(key);
        out.push(ShownClause {
            labels: vec![(f.finding.tag, f.finding.polarity)],
            clause: &f.finding.clause,
            evidence: evidence_range(&f.finding),
        });
    }
    out
}

fn evidence_range(f: &Finding) -> std::ops::Range<usize> {
    f.clause.find(&f.evidence).map_or(0..0, |s| s..s + f.evidence.len())
}

fn side_cell(report: &ProviderReport, side: Side, style: Style) -> String {
    let clauses = shown_clauses(report.findings.iter().filter(|f| f.side == side));
    if side == Side::Statement && report.statements.is_empty() {
        return style.dim("No reply yet: no statement recorded.");
    }
    if clauses.is_empty() {
        return style.dim("Nothing tagged.");
    }
    clauses
        .iter()
        .map(|c| {
            let labels: Vec<String> = c.labels.iter().map(|&(t, p)| style.tag(t, p)).collect();
            format!(
                "{} {}",
                labels.join(" "),
                cut_around(c.clause, c.evidence.clone(), CLAUSE_MAX)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn source_label(report: &ProviderReport) -> String {
    let src = &report.policy_source;
    match src.kind {
        SourceKind::Bundled => format!("bundled {}", src.snapshot_date.as_deref().unwrap_or("snapshot")),
        SourceKind::Store => format!(
            "stored {}",
            src.retrieved_at.as_deref().map_or("", |d| d.get(..10).unwrap_or(d))
        ),
        SourceKind::Live => "live".to_string(),
    }
}

/// The comparison table: one row per provider.
pub fn compare(report: &CompareReport, width: u16, style: Style) -> String {
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
            .map(|&t| format!("{} {}", short_tag(t), style.verdict(p.verdicts.get(t))))
            .collect();
        table.add_row(vec![
            Cell::new(format!("{}\n{}", style.bold(&p.name), style.dim(&source_label(p)))),
            Cell::new(side_cell(p, Side::Statement, style)),
            Cell::new(side_cell(p, Side::Policy, style)),
            Cell::new(verdicts.join("\n")),
        ]);
    }
    // The name and verdict columns are short and need not wrap when there is room; the two text
    // columns share the rest.
    for index in if width >= 90 { &[0usize, 3][..] } else { &[][..] } {
        if let Some(column) = table.column_mut(*index) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    let mut out = table.to_string();
    out.push('\n');
    out.push_str(&summary(report));
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
    format!(
        "{} provider{}: {} contradiction{}{}, {} omission{}{}. [tag] = the text says it does; [no tag] = it says it does not.\n",
        n,
        if n == 1 { "" } else { "s" },
        count(Verdict::Contradiction),
        if count(Verdict::Contradiction) == 1 { "" } else { "s" },
        with(Verdict::Contradiction),
        count(Verdict::Omission),
        if count(Verdict::Omission) == 1 { "" } else { "s" },
        with(Verdict::Omission),
    )
}

/// The extract table: one row per tagged clause (all clauses with `all`).
pub fn extract(clauses: &[(usize, &str, Vec<Finding>)], width: u16, style: Style, all: bool) -> String {
    let mut table = new_table(width, style, &["#", "Clause", "Findings"], true);
    for (index, text, findings) in clauses {
        if findings.is_empty() && !all {
            continue;
        }
        let cells: Vec<String> = findings
            .iter()
            .map(|f| {
                let cue = f.cue.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
                format!(
                    "{} {}: “{}”{}",
                    style.tag(f.tag, f.polarity),
                    style.dim(&f.rule),
                    f.evidence,
                    style.dim(&cue)
                )
            })
            .collect();
        let keep = findings.first().map_or(0..0, evidence_range);
        table.add_row(vec![
            Cell::new(index + 1),
            Cell::new(cut_around(text, keep, CLAUSE_MAX * 2)),
            Cell::new(cells.join("\n")),
        ]);
    }
    let tagged = clauses.iter().filter(|(_, _, f)| !f.is_empty()).count();
    format!("{table}\n{tagged} of {} clauses tagged.\n", clauses.len())
}

/// The providers list.
pub fn providers(list: &[Provider], width: u16, style: Style) -> String {
    let mut table = new_table(
        width,
        style,
        &["Id", "Name", "Policy URL", "Statements", "Snapshot"],
        false,
    );
    for p in list {
        let doc = p.policy_document();
        let statements = if p.statements.is_empty() {
            style.dim("no reply yet")
        } else {
            p.statements.len().to_string()
        };
        let snapshot = doc.snapshot.as_ref().map_or_else(
            || style.dim("none"),
            |s| format!("{s} ({})", doc.snapshot_date.as_deref().unwrap_or("undated")),
        );
        table.add_row(vec![
            Cell::new(&p.id),
            Cell::new(&p.name),
            Cell::new(&doc.url),
            Cell::new(statements),
            Cell::new(snapshot),
        ]);
    }
    format!("{table}\n")
}

/// The rules list.
pub fn rules(rules: &crate::rules::RuleSet, width: u16, style: Style) -> String {
    let mut table = new_table(width, style, &["Rule", "Tag", "Patterns", "Description"], false);
    for r in &rules.rules {
        let tag = match r.polarity {
            Some(p) => style.tag(r.tag, p),
            None => style.tag(r.tag, Polarity::Positive),
        };
        table.add_row(vec![
            Cell::new(&r.id),
            Cell::new(tag),
            Cell::new(r.patterns.len()),
            Cell::new(&r.description),
        ]);
    }
    format!("{table}\n")
}
