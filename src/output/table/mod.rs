//! Terminal tables, fitted to the terminal width, coloured only when asked.

use comfy_table::presets::{UTF8_FULL, UTF8_FULL_CONDENSED};
use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table};

use super::Options;
use super::view::{PlainMarks, Row, WordMarks, change_kind, change_position, finding_label, inline_words};
use crate::analysis::rules::ExceptionKind;
use crate::analysis::tag::{Colour, Polarity, Tag};
use crate::analysis::tagger::Finding;
use crate::base::report::VersionInfo;
use crate::base::snippet::cut_around;
use crate::inputs::providers::Provider;
use crate::stages::check::{CheckReport, CheckStatus, DiffBasis, DocCheck};
use crate::stages::compare::Verdict;
use crate::stages::diff::{Change, ChangeKind, ClauseFinding, DiffBody};
use crate::stages::history::HistoryReport;
use crate::stages::lint::LintReport;

/// Longest clause shown in a table cell before it is cut with "…".
const CLAUSE_MAX: usize = 220;

mod compare;

pub(crate) use compare::shown_clauses;
pub use compare::{compare, summary};

/// ANSI styling that is a no-op when colour is off.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl From<&Options> for Style {
    fn from(options: &Options) -> Style {
        Style { color: options.color }
    }
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn tag(self, tag: Tag, polarity: Polarity, exceptions: &[ExceptionKind]) -> String {
        let code = match tag.about().colour {
            Colour::Green => "1;32",
            Colour::Yellow => "1;33",
            Colour::Blue => "1;34",
            Colour::Magenta => "1;35",
            Colour::Cyan => "1;36",
            Colour::White => "1;37",
        };
        self.paint(code, &format!("[{}]", finding_label(tag, polarity, exceptions)))
    }

    pub fn verdict(self, v: Verdict) -> String {
        let code = match v {
            Verdict::Contradiction => "1;31",
            Verdict::NarrowDenial => "35",
            Verdict::Omission => "33",
            Verdict::Consistent => "32",
            Verdict::StatementOnly => "36",
            Verdict::NotMentioned | Verdict::NoStatement => "2",
            Verdict::Unreadable => "1;7",
        };
        self.paint(code, v.as_str())
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn status(self, status: CheckStatus) -> String {
        let code = match status {
            CheckStatus::Changed => "1;31",
            CheckStatus::Unstable | CheckStatus::Failed => "33",
            CheckStatus::New => "36",
            CheckStatus::Unchanged => "32",
        };
        self.paint(code, status.as_str())
    }
}

impl WordMarks for Style {
    fn delete(&self, text: &str) -> String {
        if self.color {
            self.paint("9;31", text)
        } else {
            PlainMarks.delete(text)
        }
    }
    fn insert(&self, text: &str) -> String {
        if self.color {
            self.paint("1;32", text)
        } else {
            PlainMarks.insert(text)
        }
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

/// Byte range of a finding's evidence inside its clause.
pub(super) fn evidence_range(f: &Finding) -> std::ops::Range<usize> {
    f.clause.find(&f.evidence).map_or(0..0, |s| s..s + f.evidence.len())
}

/// The history table: one row per practice, one column per version (● with the count where the version
/// says it), then one line per step that changed the findings.
pub fn history(report: &HistoryReport, width: u16, style: Style) -> String {
    // One row per version, one column per practice: readable however many versions there are.
    let mut header = vec!["Version".to_string()];
    header.extend(report.practices.iter().map(|p| finding_label(p.tag, p.polarity, &[])));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = new_table(width, style, &header, false);
    for (i, label) in report.labels.iter().enumerate() {
        let mut row = vec![Cell::new(format!("v{} {label}", i + 1))];
        row.extend(report.practices.iter().map(|p| {
            let v = &p.versions[i];
            let turn = p.turns.iter().find(|(at, _)| *at == i && i > 0).map(|(_, t)| *t);
            Cell::new(match (v.count > 0, turn) {
                (true, Some(crate::stages::history::Turn::Appeared)) => style.insert(&format!("● {} new", v.count)),
                (true, _) => format!("● {}", v.count),
                (false, Some(crate::stages::history::Turn::Disappeared)) => style.delete("· gone"),
                (false, _) => "·".into(),
            })
        }));
        table.add_row(row);
    }
    let mut out = format!("{}\n{}\n", style.bold(&report.title), table);
    let lines = super::view::history_lines(report);
    if !lines.is_empty() {
        out.push_str(&style.bold("Events:"));
        out.push('\n');
        for (v, line) in &lines {
            out.push_str(&format!("  v{} {}  {line}\n", v + 1, report.labels[*v]));
        }
    }
    out.push_str(&format!(
        "{} versions; {} event{} (practices gained or lost); {} step{} changed in meaning or page.\n",
        report.versions.len(),
        report.events.len(),
        if report.events.len() == 1 { "" } else { "s" },
        report.steps.len(),
        if report.steps.len() == 1 { "" } else { "s" }
    ));
    out
}

/// The lint table: one row per pair of clauses that disagree, the practice of each above its clause.
pub fn lint(report: &LintReport, width: u16, style: Style) -> String {
    let mut out = String::new();
    if !report.pairs.is_empty() {
        let mut table = new_table(width, style, &["Tag", "The document denies", "and permits"], true);
        let quote = |scope: &crate::stages::compare::Scope| {
            let f = &report.findings[scope.finding];
            format!(
                "{}\n{}",
                style.bold(&scope.line),
                cut_around(&f.clause, evidence_range(f), CLAUSE_MAX)
            )
        };
        // One row per denial, its permissions listed under one another.
        for group in report.by_denial() {
            let permits: Vec<String> = group
                .pairs
                .iter()
                .map(|pair| {
                    let alike = match pair.repeats {
                        0 => String::new(),
                        n => style.dim(&format!(" (+{n} alike)")),
                    };
                    format!("{}{alike}\n{}", style.verdict(pair.grade), quote(&pair.scope.permits))
                })
                .collect();
            let count = match group.pairs.len() {
                1 => String::new(),
                n => style.dim(&format!("\n{n} pairs")),
            };
            table.add_row(vec![
                Cell::new(format!("{}{count}", group.tag.about().short)),
                Cell::new(quote(group.denial)),
                Cell::new(permits.join("\n\n")),
            ]);
        }
        if width >= 90
            && let Some(column) = table.column_mut(0)
        {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
        out.push_str(&table.to_string());
        out.push('\n');
    }
    out.push_str(&report.summary());
    out
}

/// The most characters of evidence (or of an exception) a cell quotes: a user's rule may match a whole
/// page, and laying out a cell takes time in its length.
const EVIDENCE_MAX: usize = 160;

/// The extract table: one row per tagged clause (all clauses with `all`). A clause is numbered by its
/// `index` in the JSON, from 0, so `jq '.clauses[12]'` finds row 12.
pub fn extract(clauses: &[(usize, &str, Vec<Finding>)], width: u16, style: Style, all: bool) -> String {
    let mut table = new_table(width, style, &["index", "Clause", "Findings"], true);
    let mut rows = 0;
    for (index, text, findings) in clauses {
        if findings.is_empty() && !all {
            continue;
        }
        rows += 1;
        if rows > TABLE_MAX_ROWS {
            continue;
        }
        let cells: Vec<String> = findings
            .iter()
            .map(|f| {
                let cue = f.cue.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
                let exceptions: String = f
                    .exceptions
                    .iter()
                    .map(|e| format!("; {}: “{}”", e.kind, cut_around(&e.text, 0..0, EVIDENCE_MAX)))
                    .collect();
                let excepted = if f.excepted { " (the exception)" } else { "" };
                format!(
                    "{} {}: “{}”{}",
                    style.tag(f.tag, f.polarity, &f.exception_kinds()),
                    style.dim(&f.rule),
                    cut_around(&f.evidence, 0..0, EVIDENCE_MAX),
                    style.dim(&format!("{cue}{exceptions}{excepted}"))
                )
            })
            .collect();
        let keep = findings.first().map_or(0..0, evidence_range);
        table.add_row(vec![
            Cell::new(index),
            Cell::new(cut_around(text, keep, CLAUSE_MAX * 2)),
            Cell::new(cells.join("\n")),
        ]);
    }
    let tagged = clauses.iter().filter(|(_, _, f)| !f.is_empty()).count();
    let more = match rows.checked_sub(TABLE_MAX_ROWS) {
        Some(n) if n > 0 => format!(
            "The first {TABLE_MAX_ROWS} rows are shown, {n} more are not: --format json or jsonl lists every clause.\n"
        ),
        _ => String::new(),
    };
    format!("{table}\n{more}{tagged} of {} clauses tagged.\n", clauses.len())
}

/// The most rows the extract table lays out: a table is read, and laying out 200,000 rows took 880 MB
/// (JSON of the same report: 206 MB).
const TABLE_MAX_ROWS: usize = 2_000;

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
        let pages = p.statement_pages().count();
        let statements = match (p.statements.len(), pages) {
            (0, 0) => style.dim("no reply yet"),
            (n, 0) => n.to_string(),
            (0, 1) => "1 page".to_string(),
            (0, k) => format!("{k} pages"),
            (n, k) => format!("{n} + {k} page{}", if k == 1 { "" } else { "s" }),
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
pub fn rules(rules: &crate::analysis::rules::RuleSet, width: u16, style: Style) -> String {
    let mut table = new_table(width, style, &["Rule", "Tag", "Patterns", "Description"], false);
    for r in &rules.rules {
        let tag = match r.polarity {
            Some(p) => style.tag(r.tag, p, &[]),
            None => style.tag(r.tag, Polarity::Positive, &[]),
        };
        table.add_row(vec![
            Cell::new(&r.id),
            Cell::new(tag),
            Cell::new(r.patterns.len() + r.sequences.len()),
            Cell::new(&r.description),
        ]);
    }
    let mut cues = new_table(
        width,
        style,
        &["Negation cue", "Kind", "Words and patterns", "Description"],
        false,
    );
    for c in &rules.lexicon.cues {
        cues.add_row(vec![
            Cell::new(&c.id),
            Cell::new(c.kind.as_str()),
            Cell::new(c.words.len() + c.patterns.len()),
            Cell::new(&c.description),
        ]);
    }
    let mut classes = new_table(
        width,
        style,
        &["Exception class", "Kind", "Patterns", "Description"],
        false,
    );
    for e in &rules.lexicon.exceptions {
        classes.add_row(vec![
            Cell::new(&e.id),
            Cell::new(e.kind.as_str()),
            Cell::new(e.patterns.len()),
            Cell::new(&e.description),
        ]);
    }
    let o = &rules.ontology;
    let mut concepts = new_table(
        width,
        style,
        &["Concept", "Dimension", "Kind of", "Terms", "Description"],
        false,
    );
    for c in &o.concepts {
        concepts.add_row(vec![
            Cell::new(&c.id),
            Cell::new(c.dimension.as_str()),
            Cell::new(c.parent.map_or("", |p| o.concepts[p].id.as_str())),
            Cell::new(c.terms.len()),
            Cell::new(&c.description),
        ]);
    }
    format!("{table}\n{cues}\n{classes}\n{concepts}\n")
}

/// Changes without findings listed before the rest are summed up in one line (unless `all`).
const QUIET_CHANGES_SHOWN: usize = 12;

fn finding_marks(sign: &str, findings: &[ClauseFinding], style: Style) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{sign}{}", style.tag(f.tag, f.polarity, &f.exceptions)))
        .collect()
}

fn change_row(c: &Change, style: Style) -> Vec<Cell> {
    let clause = match c.kind {
        ChangeKind::Changed => inline_words(&c.words, &style),
        _ => {
            let side = c.new.as_ref().or(c.old.as_ref()).expect("a change has a side");
            let keep = side
                .findings
                .first()
                .and_then(|f| side.text.find(&f.evidence).map(|s| s..s + f.evidence.len()))
                .unwrap_or(0..0);
            let text = cut_around(&side.text, keep, CLAUSE_MAX);
            if c.kind == ChangeKind::Removed {
                style.delete(&text)
            } else if c.kind == ChangeKind::Added {
                style.insert(&text)
            } else {
                text
            }
        }
    };
    let mut marks = finding_marks("+", &c.gained, style);
    marks.extend(finding_marks("−", &c.lost, style));
    if let Some(note) = super::view::restated_note(c) {
        marks.push(style.dim(&note));
    }
    if marks.is_empty()
        && let Some(side) = c.new.as_ref().or(c.old.as_ref())
        && !side.findings.is_empty()
    {
        marks.push(style.dim(&format!(
                "same: {}",
                side.findings
                    .iter()
                    .map(|f| finding_label(f.tag, f.polarity, &f.exceptions))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
    }
    vec![
        Cell::new(format!("{}\n{}", change_kind(c), style.dim(&change_position(c)))),
        Cell::new(clause),
        Cell::new(marks.join("\n")),
    ]
}

/// The meaning summary, counts and clause table of one diff.
fn diff_body(body: &DiffBody, width: u16, style: Style, all: bool) -> String {
    let mut out = String::new();
    if let Some(line) = super::view::page_change_line(body) {
        out.push_str(&style.bold(&line));
        out.push('\n');
    } else if body.meaning_changed {
        out.push_str(&style.bold("Meaning changes:"));
        out.push('\n');
        for line in super::view::meaning_lines(body) {
            out.push_str("  ");
            out.push_str(&line);
            out.push('\n');
        }
    } else {
        out.push_str("No change in meaning: no finding gained or lost.\n");
    }
    let c = &body.counts;
    out.push_str(&format!(
        "Clauses: {} changed, {} added, {} removed, {} moved; {} unchanged, {} differ only by noise.\n",
        c.changed, c.added, c.removed, c.moved, c.unchanged, c.noise
    ));
    if body.changes.is_empty() {
        return out;
    }
    let (meaningful, quiet) = super::view::ordered_changes(body);
    let mut table = new_table(width, style, &["Change", "Clause", "Findings"], true);
    for ch in &meaningful {
        table.add_row(change_row(ch, style));
    }
    let quiet = super::view::group_runs(&quiet);
    let shown = if all {
        quiet.len()
    } else {
        quiet.len().min(QUIET_CHANGES_SHOWN)
    };
    for row in &quiet[..shown] {
        table.add_row(match row {
            Row::One(ch) => change_row(ch, style),
            Row::Run(run) => {
                let text = super::view::run_text(run, CLAUSE_MAX);
                let kind = run[0].kind;
                vec![
                    Cell::new(format!(
                        "{} ×{}\n{}",
                        kind.as_str(),
                        run.len(),
                        style.dim(&super::view::run_position(run))
                    )),
                    Cell::new(if kind == ChangeKind::Removed {
                        style.delete(&text)
                    } else {
                        style.insert(&text)
                    }),
                    Cell::new(""),
                ]
            }
        });
    }
    if width >= 90
        && let Some(column) = table.column_mut(0)
    {
        column.set_constraint(ColumnConstraint::ContentWidth);
    }
    out.push_str(&table.to_string());
    out.push('\n');
    if shown < quiet.len() {
        out.push_str(&style.dim(&format!(
            "… and {} more rows of changes without findings (--all lists them).",
            quiet.len() - shown
        )));
        out.push('\n');
    }
    out
}

fn versions_line(old: Option<&VersionInfo>, new: Option<&VersionInfo>) -> String {
    match (old, new) {
        (Some(o), Some(n)) if o == n => n.label(),
        (Some(o), Some(n)) => format!("{} → {}", o.label(), n.label()),
        (None, Some(n)) => n.label(),
        (Some(o), None) => o.label(),
        (None, None) => String::new(),
    }
}

/// `orgcheck diff` as a terminal report.
pub fn diff(
    title: &str,
    old: &VersionInfo,
    new: &VersionInfo,
    body: &DiffBody,
    width: u16,
    style: Style,
    all: bool,
) -> String {
    // Two files are named by the versions line alone.
    let header = if old.file.is_some() {
        style.bold(&versions_line(Some(old), Some(new)))
    } else {
        format!("{}: {}", style.bold(title), versions_line(Some(old), Some(new)))
    };
    format!("{header}\n{}", diff_body(body, width, style, all))
}

/// The note a report gives a document: why it failed, or what kind of change it is.
pub(crate) fn check_note(d: &DocCheck) -> String {
    if let Some(r) = &d.reason {
        return r.clone();
    }
    match d.status {
        CheckStatus::Changed if d.meaning_changed() => "meaning changed".into(),
        CheckStatus::Changed if let Some(l) = d.diff.as_ref().and_then(|b| b.language_change) => {
            format!("language changed: {} → {}", l.from, l.to)
        }
        CheckStatus::Changed if let Some(r) = d.diff.as_ref().and_then(|b| b.replaced.as_ref()) => r.line(),
        CheckStatus::Changed if let Some(r) = d.diff.as_ref().and_then(|b| b.reverted_to.as_ref()) => r.line(),
        CheckStatus::Changed => "wording changed; no finding gained or lost".into(),
        CheckStatus::Unchanged if d.noise_only => "differs only by noise".into(),
        CheckStatus::New => "first version recorded".into(),
        _ => String::new(),
    }
}

/// `orgcheck check` as a terminal report: a status table, then the changes of each changed document.
pub fn check(report: &CheckReport, width: u16, style: Style, all: bool) -> String {
    let mut table = new_table(
        width,
        style,
        &["Provider", "Document", "Status", "Versions", "Note"],
        false,
    );
    for d in &report.documents {
        table.add_row(vec![
            Cell::new(&d.provider),
            Cell::new(d.label()),
            Cell::new(style.status(d.status)),
            Cell::new(versions_line(d.old.as_ref(), d.new.as_ref())),
            Cell::new(check_note(d)),
        ]);
    }
    let mut out = format!("{table}\n");
    for d in report.documents.iter().filter(|d| d.status == CheckStatus::Changed) {
        let Some(body) = &d.diff else { continue };
        out.push('\n');
        out.push_str(&format!(
            "{} {}\n",
            style.bold(&format!("{}/{}", d.provider, d.label())),
            style.dim(&d.url)
        ));
        if d.diff_basis == Some(DiffBasis::Fingerprints) {
            out.push_str(&style.dim("Compared by fingerprints of tagged clauses: the old text is no longer stored.\n"));
        }
        out.push_str(&format!("{}\n", versions_line(d.old.as_ref(), d.new.as_ref())));
        out.push_str(&diff_body(body, width, style, all));
    }
    out.push('\n');
    out.push_str(&check_summary(report));
    out
}

/// One line: how many documents have each status.
pub fn check_summary(report: &CheckReport) -> String {
    let s = &report.summary;
    let n = report.documents.len();
    let mut parts = Vec::new();
    for (count, status) in [
        (s.changed, CheckStatus::Changed),
        (s.unstable, CheckStatus::Unstable),
        (s.failed, CheckStatus::Failed),
        (s.new, CheckStatus::New),
        (s.unchanged, CheckStatus::Unchanged),
    ] {
        if count > 0 {
            let extra = if status == CheckStatus::Changed {
                let kinds: Vec<String> = [
                    (s.meaning_changed, "in meaning"),
                    (s.replaced, "page replaced"),
                    (s.reverted, "reverted"),
                    (s.language_changed, "language changed"),
                ]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}"))
                .collect();
                match kinds.is_empty() {
                    true => " (0 in meaning)".to_string(),
                    false => format!(" ({})", kinds.join(", ")),
                }
            } else {
                String::new()
            };
            parts.push(format!("{count} {}{extra}", status.as_str()));
        }
    }
    format!("{n} document{}: {}.\n", if n == 1 { "" } else { "s" }, parts.join(", "))
}

/// `orgcheck eval`: one row per tag, then the averages and, when asked, the errors; for check records,
/// one row per group, the accuracy and the misses.
pub fn eval(report: &crate::stages::eval::EvalReport, width: u16, style: Style) -> String {
    let f = |x: f64| format!("{x:.3}");
    // A figure with nothing to measure (no record has the tag, none was tagged with it) is a dash, not 0.
    let fo = |x: Option<f64>| x.map_or_else(|| "—".to_string(), f);
    let mut out = format!("{} records from {}.\n", report.records, report.gold);
    if let (Some(micro), Some(macro_)) = (&report.micro, &report.macro_) {
        let mut table = new_table(
            width,
            style,
            &[
                "Tag",
                "Support",
                "TP",
                "FP",
                "FN",
                "Precision",
                "Recall",
                "F1",
                "F1 avg (present/absent)",
            ],
            false,
        );
        for t in &report.tags {
            table.add_row(vec![
                Cell::new(t.tag.as_str()),
                Cell::new(t.support),
                Cell::new(t.tp),
                Cell::new(t.fp),
                Cell::new(t.fn_),
                Cell::new(fo(t.precision)),
                Cell::new(fo(t.recall)),
                Cell::new(style.bold(&fo(t.f1))),
                Cell::new(fo(t.f1_avg)),
            ]);
        }
        for (name, a) in [("micro", micro), ("macro", macro_)] {
            table.add_row(vec![
                Cell::new(style.dim(name)),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(fo(a.precision)),
                Cell::new(fo(a.recall)),
                Cell::new(fo(a.f1)),
                Cell::new(fo(a.f1_avg)),
            ]);
        }
        out.push_str(&format!(
            "{table}\nF1 is for the positive class (the tag is present); F1 avg is the mean of the F1 for present and \
             for absent, as Polisis reports it; macro averages the tags where a figure is defined, and — marks one \
             with nothing to measure.\n"
        ));
    }
    if let Some(accuracy) = report.accuracy {
        let mut table = new_table(width, style, &["Check", "Records", "Passed", "Accuracy"], false);
        for c in &report.checks {
            let what = match c.polarity {
                Some(p) => style.tag(c.tag, p, &[]),
                None => format!("{} {}", style.dim("no"), c.tag.about().short),
            };
            table.add_row(vec![
                Cell::new(format!("{what} {}", style.dim(&c.group))),
                Cell::new(c.records),
                Cell::new(c.passed),
                Cell::new(style.bold(&f(c.accuracy))),
            ]);
        }
        let total: usize = report.checks.iter().map(|c| c.records).sum();
        let passed: usize = report.checks.iter().map(|c| c.passed).sum();
        table.add_row(vec![
            Cell::new(style.dim("all")),
            Cell::new(total),
            Cell::new(passed),
            Cell::new(style.bold(&f(accuracy))),
        ]);
        let english = report
            .accuracy_english
            .map(|a| format!(" Accuracy on the records in English: {}.", f(a)))
            .unwrap_or_default();
        out.push_str(&format!(
            "{table}\nA check passes when a finding of the tag has the polarity the record expects, or, for `absent`, \
             when the tag is not reported.{english}\n"
        ));
        if !report.misses.is_empty() {
            let mut misses = new_table(width, style, &["Record", "Check", "Found", "Text"], true);
            for m in &report.misses {
                let found = if m.found.is_empty() {
                    style.dim("nothing")
                } else {
                    m.found
                        .iter()
                        .map(|x| {
                            let cue = x.cue.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
                            format!("{} “{}”{}", finding_label(m.tag, x.polarity, &[]), x.evidence, cue)
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                let language = if m.english { "" } else { "\nnot English" };
                misses.add_row(vec![
                    Cell::new(format!("{}\nline {}{}", m.id, m.line, style.dim(language))),
                    Cell::new(&m.group),
                    Cell::new(found),
                    Cell::new(&m.text),
                ]);
            }
            out.push_str(&format!(
                "\nThe misses that teach most (English first, misreadings first):\n{misses}\n"
            ));
        }
    }
    if !report.polarity.is_empty() {
        let mut pol = new_table(
            width,
            style,
            &["Denials of", "Support", "Found", "False denials", "Precision", "Recall"],
            false,
        );
        for p in &report.polarity {
            pol.add_row(vec![
                Cell::new(p.tag.as_str()),
                Cell::new(p.support),
                Cell::new(p.found),
                Cell::new(p.false_denials),
                Cell::new(fo(p.precision)),
                Cell::new(fo(p.recall)),
            ]);
        }
        out.push_str(&format!("\n{pol}\n"));
    }
    if !report.errors.is_empty() {
        let mut errs = new_table(
            width,
            style,
            &["Tag", "Error", "Record", "Rule and words", "Text"],
            true,
        );
        for e in &report.errors {
            let why = match (&e.rule, &e.evidence, e.polarity) {
                (Some(r), Some(ev), Some(p)) => format!("{}\n{} “{ev}”", style.dim(r), style.tag(e.tag, p, &[])),
                _ => style.dim("no rule fired"),
            };
            errs.add_row(vec![
                Cell::new(e.tag.about().short),
                Cell::new(if e.kind == "false-positive" { "FP" } else { "FN" }),
                Cell::new(format!("{}\nline {}", e.id, e.line)),
                Cell::new(why),
                Cell::new(&e.text),
            ]);
        }
        out.push_str(&format!("\n{errs}\n"));
    }
    out
}
