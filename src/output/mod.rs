//! Output: every report in every format it supports, behind one switch ([`write`]). Terminal tables
//! (comfy-table) are in [`table`], Markdown in [`markdown`], self-contained HTML pages (maud) in
//! [`html`], and JSON and JSON lines are the report's own serde form. Adding a format means adding a
//! method to [`Output`] and an arm to [`write`]; adding a report means implementing [`Output`] for it.

pub(crate) mod table;
pub(crate) mod markdown;
pub(crate) mod html;

use std::io::{self, Write};

use serde::Serialize;

use crate::analysis::rules::{ExceptionKind, RuleList};
use crate::analysis::tag::{Polarity, Tag};
use crate::base::snippet::cut_around;
use crate::inputs::fetch::FetchReport;
use crate::inputs::providers::ProviderList;
use crate::stages::check::CheckReport;
use crate::stages::compare::CompareReport;
use crate::stages::diff::{Change, ChangeKind, DiffBody, DiffReport, WordEdit, WordOp};
use crate::stages::eval::EvalReport;
use crate::stages::extract::ExtractReport;
use crate::stages::history::HistoryReport;
use crate::stages::lint::LintReport;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A table for the terminal, fitted to its width.
    Table,
    /// The report as one JSON document, with `schema_version`.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One self-contained HTML page: inline CSS, no scripts, no external fetches.
    Html,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 5] = [
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Jsonl,
        OutputFormat::Markdown,
        OutputFormat::Html,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Html => "html",
        }
    }
}

/// How a report is laid out, beyond its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// ANSI colours in tables.
    pub color: bool,
    /// The widest a table may be.
    pub width: u16,
    /// List everything, not only what matters most (untagged clauses, changes without findings).
    pub all: bool,
    /// Wrap the lines outside tables at `width`: for a terminal, which would break words. Output
    /// going to a file or a pipe keeps its lines whole, for `grep` and scripts.
    pub wrap: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            color: false,
            width: 120,
            all: false,
            wrap: false,
        }
    }
}

/// A report that can be written out.
pub trait Output: Serialize {
    /// The formats this report is written in, its default first.
    const FORMATS: &'static [OutputFormat];

    fn table(&self, options: &Options) -> String;

    /// Markdown, for reports that have it.
    fn markdown(&self) -> Option<String> {
        None
    }

    /// A self-contained HTML page, for reports that have it.
    fn html(&self) -> Option<String> {
        None
    }

    /// One JSON line per item, for reports that have it.
    fn jsonl(&self, _out: &mut dyn Write) -> Option<io::Result<()>> {
        None
    }
}

/// Writes `report` in `format`. A format the report does not list in [`Output::FORMATS`] is an error.
pub fn write<R: Output>(report: &R, format: OutputFormat, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    let unsupported = || {
        let known: Vec<&str> = R::FORMATS.iter().map(|f| f.as_str()).collect();
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "this report has no {} format; use one of: {}",
                format.as_str(),
                known.join(", ")
            ),
        )
    };
    if !R::FORMATS.contains(&format) {
        return Err(unsupported());
    }
    match format {
        OutputFormat::Table if options.wrap => {
            out.write_all(wrap_text_lines(&report.table(options), options.width.into()).as_bytes())
        }
        OutputFormat::Table => out.write_all(report.table(options).as_bytes()),
        OutputFormat::Json => write_json(out, report),
        OutputFormat::Markdown => out.write_all(report.markdown().ok_or_else(unsupported)?.as_bytes()),
        OutputFormat::Jsonl => report.jsonl(out).ok_or_else(unsupported)?,
        OutputFormat::Html => out.write_all(report.html().ok_or_else(unsupported)?.as_bytes()),
    }
}

/// Wraps the lines of a terminal report that are not part of a table (tables are fitted already) at
/// `width` columns, between words, continuing a line under its own indent plus two spaces: a terminal
/// would otherwise break "contradiction" in the middle. Colour codes take no width; a single word
/// longer than the width stays whole.
pub(crate) fn wrap_text_lines(text: &str, width: usize) -> String {
    const TABLE: &str = "│┃┆┊|+┌┐└┘├┤┬┴┼─━╭╮╰╯╞╡╪═";
    let visible = |s: &str| {
        let mut w = 0;
        let mut in_escape = false;
        for c in s.chars() {
            match c {
                '\x1b' => in_escape = true,
                'm' if in_escape => in_escape = false,
                _ if in_escape => {}
                c => w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0),
            }
        }
        w
    };
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let first = body.trim_start().chars().find(|c| *c != '\x1b');
        if width < 20 || visible(body) <= width || first.is_some_and(|c| TABLE.contains(c)) {
            out.push_str(line);
            continue;
        }
        let indent = &body[..body.len() - body.trim_start().len()];
        let hang = format!("{indent}  ");
        let mut used = 0;
        for (i, word) in body.trim_start().split(' ').enumerate() {
            let w = visible(word);
            if i == 0 {
                out.push_str(indent);
                used = visible(indent);
            } else if used + 1 + w > width {
                out.push('\n');
                out.push_str(&hang);
                used = visible(&hang);
            } else {
                out.push(' ');
                used += 1;
            }
            out.push_str(word);
            used += w;
        }
        out.push_str(newline);
    }
    out
}

impl Output for CompareReport {
    const FORMATS: &'static [OutputFormat] = &[
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Markdown,
        OutputFormat::Html,
    ];

    fn table(&self, options: &Options) -> String {
        table::compare(self, options.width, table::Style::from(options))
    }

    fn markdown(&self) -> Option<String> {
        Some(markdown::compare(self))
    }

    fn html(&self) -> Option<String> {
        Some(html::compare(self))
    }
}

impl Output for HistoryReport {
    const FORMATS: &'static [OutputFormat] = &[
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Markdown,
        OutputFormat::Html,
    ];

    fn table(&self, options: &Options) -> String {
        table::history(self, options.width, table::Style::from(options))
    }

    fn markdown(&self) -> Option<String> {
        Some(markdown::history(self))
    }

    fn html(&self) -> Option<String> {
        Some(html::history(self))
    }
}

impl Output for LintReport {
    const FORMATS: &'static [OutputFormat] = &[
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Jsonl,
        OutputFormat::Markdown,
        OutputFormat::Html,
    ];

    fn html(&self) -> Option<String> {
        Some(html::lint(self))
    }

    fn table(&self, options: &Options) -> String {
        table::lint(self, options.width, table::Style::from(options))
    }

    fn markdown(&self) -> Option<String> {
        Some(markdown::lint(self))
    }

    fn jsonl(&self, out: &mut dyn Write) -> Option<io::Result<()>> {
        Some(self.pairs.iter().try_for_each(|pair| {
            serde_json::to_writer(&mut *out, pair).map_err(io::Error::from)?;
            out.write_all(b"\n")
        }))
    }
}

impl Output for ExtractReport {
    const FORMATS: &'static [OutputFormat] = &[OutputFormat::Table, OutputFormat::Json, OutputFormat::Jsonl];

    fn table(&self, options: &Options) -> String {
        let rows: Vec<_> = self
            .clauses
            .iter()
            .map(|c| (c.index, c.text.as_str(), c.findings.clone()))
            .collect();
        table::extract(&rows, options.width, table::Style::from(options), options.all)
    }

    fn jsonl(&self, out: &mut dyn Write) -> Option<io::Result<()>> {
        Some(self.clauses.iter().try_for_each(|clause| {
            serde_json::to_writer(&mut *out, clause).map_err(io::Error::from)?;
            out.write_all(b"\n")
        }))
    }
}

impl Output for DiffReport {
    const FORMATS: &'static [OutputFormat] = &[
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Markdown,
        OutputFormat::Html,
    ];

    fn html(&self) -> Option<String> {
        Some(html::diff(&self.title, &self.old, &self.new, &self.diff))
    }

    fn table(&self, options: &Options) -> String {
        let style = table::Style::from(options);
        table::diff(
            &self.title,
            &self.old,
            &self.new,
            &self.diff,
            options.width,
            style,
            options.all,
        )
    }

    fn markdown(&self) -> Option<String> {
        Some(markdown::diff(&self.title, &self.old, &self.new, &self.diff))
    }
}

impl Output for CheckReport {
    const FORMATS: &'static [OutputFormat] = &[
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Markdown,
        OutputFormat::Html,
    ];

    fn html(&self) -> Option<String> {
        Some(html::check(self))
    }

    fn table(&self, options: &Options) -> String {
        table::check(self, options.width, table::Style::from(options), options.all)
    }

    fn markdown(&self) -> Option<String> {
        Some(markdown::check(self))
    }
}

impl Output for EvalReport {
    const FORMATS: &'static [OutputFormat] = &[OutputFormat::Table, OutputFormat::Json];

    fn table(&self, options: &Options) -> String {
        table::eval(self, options.width, table::Style::from(options))
    }
}

impl Output for ProviderList<'_> {
    const FORMATS: &'static [OutputFormat] = &[OutputFormat::Table, OutputFormat::Json];

    fn table(&self, options: &Options) -> String {
        table::providers(self.providers, options.width, table::Style::from(options))
    }
}

impl Output for RuleList<'_> {
    const FORMATS: &'static [OutputFormat] = &[OutputFormat::Table, OutputFormat::Json];

    fn table(&self, options: &Options) -> String {
        table::rules(self.rules, options.width, table::Style::from(options))
    }
}

impl Output for FetchReport<'_> {
    const FORMATS: &'static [OutputFormat] = &[OutputFormat::Table, OutputFormat::Json];

    /// A line per document, then the counts: what `orgcheck fetch` prints on stderr as it finishes.
    fn table(&self, _options: &Options) -> String {
        self.lines(false).iter().map(|l| format!("{l}\n")).collect()
    }
}

/// The short label a table shows for a finding: "sharing", or "no sharing" for a denial.
/// "sharing", "no sharing", "no sharing except legal, consent".
/// Where a provider's statement pages were read, for under the statement side: "From privacy-hub,
/// fetched 2026-12-02." `None` when it has no statement pages.
pub fn statement_pages_line(p: &crate::stages::compare::ProviderReport) -> Option<String> {
    let pages: Vec<String> = p
        .statements
        .iter()
        .filter_map(|s| s.statement_source.as_ref())
        .map(|src| match (src.kind, &src.retrieved_at, &src.snapshot_date) {
            (crate::stages::compare::SourceKind::Bundled, _, Some(date)) => {
                format!("{} (recorded text of {date}, not fetched)", src.document)
            }
            (_, Some(at), _) => format!("{}, fetched {}", src.document, at.get(..10).unwrap_or(at)),
            _ => src.document.clone(),
        })
        .collect();
    (!pages.is_empty()).then(|| format!("From {}.", pages.join("; ")))
}

pub fn finding_label(tag: Tag, polarity: Polarity, exceptions: &[ExceptionKind]) -> String {
    let short = tag.about().short;
    match polarity {
        Polarity::Positive => short.to_string(),
        Polarity::Negative if exceptions.is_empty() => format!("no {short}"),
        Polarity::Negative => {
            let kinds: Vec<&str> = exceptions.iter().map(|k| k.as_str()).collect();
            format!("no {short} except {}", kinds.join(", "))
        }
    }
}

/// Changes in the order reports show them: those that gain or lose findings first, each group in
/// document order.
pub fn ordered_changes(body: &DiffBody) -> (Vec<&Change>, Vec<&Change>) {
    body.changes.iter().partition(|c| c.meaningful())
}

/// A row of a change report: one change, or a run of adjacent clauses added or removed together
/// (page navigation that disappeared, a new section), shown as one.
pub enum Row<'a> {
    One(&'a Change),
    Run(Vec<&'a Change>),
}

/// Groups adjacent added (or removed) clauses into runs of at least three.
pub fn group_runs<'a>(changes: &[&'a Change]) -> Vec<Row<'a>> {
    let index = |c: &Change| c.new.as_ref().or(c.old.as_ref()).map_or(0, |s| s.index);
    let mut runs: Vec<Vec<&'a Change>> = Vec::new();
    for &c in changes {
        let joins = runs.last().and_then(|r| r.last()).is_some_and(|&prev| {
            matches!(c.kind, ChangeKind::Added | ChangeKind::Removed)
                && prev.kind == c.kind
                && index(c) == index(prev) + 1
        });
        match runs.last_mut() {
            Some(run) if joins => run.push(c),
            _ => runs.push(vec![c]),
        }
    }
    runs.into_iter()
        .flat_map(|run| {
            if run.len() >= 3 {
                vec![Row::Run(run)]
            } else {
                run.into_iter().map(Row::One).collect()
            }
        })
        .collect()
}

/// The text of a run: its clauses joined, cut to about `max` characters.
pub fn run_text(run: &[&Change], max: usize) -> String {
    let joined = run
        .iter()
        .filter_map(|c| c.new.as_ref().or(c.old.as_ref()))
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ¶ ");
    cut_around(&joined, 0..0, max)
}

/// "clauses 1–141" for a run.
pub fn run_position(run: &[&Change]) -> String {
    let index = |c: &Change| c.new.as_ref().or(c.old.as_ref()).map_or(0, |s| s.index) + 1;
    match (run.first(), run.last()) {
        (Some(a), Some(b)) => format!("clauses {}–{}", index(a), index(b)),
        _ => String::new(),
    }
}

/// Where a change is: "clause 12", "clause 12 → 14" (1-based).
pub fn change_position(c: &Change) -> String {
    match (&c.old, &c.new) {
        (Some(o), Some(n)) if o.index != n.index => format!("clause {} → {}", o.index + 1, n.index + 1),
        (_, Some(n)) => format!("clause {}", n.index + 1),
        (Some(o), None) => format!("clause {}", o.index + 1),
        (None, None) => String::new(),
    }
}

/// A change's kind as a word: "changed and moved" for a reworded clause that also moved.
pub fn change_kind(c: &Change) -> &'static str {
    if c.kind == ChangeKind::Changed && c.moved {
        "changed, moved"
    } else {
        c.kind.as_str()
    }
}

/// How deleted and inserted words are marked.
pub trait WordMarks {
    fn delete(&self, text: &str) -> String;
    fn insert(&self, text: &str) -> String;
    fn equal(&self, text: &str) -> String {
        text.to_string()
    }
    /// What goes between a deletion and an insertion that touch ("~~six~~ **seven**").
    fn between(&self) -> &'static str {
        ""
    }
}

/// Words of context kept on each side of an edit; longer unchanged runs are cut with "…".
const CONTEXT_WORDS: usize = 8;

/// Renders a word diff inline, cutting long unchanged stretches so the edits stand out.
pub fn inline_words(words: &[WordEdit], marks: &dyn WordMarks) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        match w.op {
            WordOp::Equal => {
                let tokens: Vec<&str> = w.text.split_inclusive(char::is_whitespace).collect();
                let (first, last) = (i == 0, i + 1 == words.len());
                let keep_head = if first { 0 } else { CONTEXT_WORDS };
                let keep_tail = if last { 0 } else { CONTEXT_WORDS };
                if tokens.len() <= keep_head + keep_tail + 2 {
                    out.push_str(&marks.equal(&w.text));
                } else {
                    let head: String = tokens[..keep_head].concat();
                    let tail: String = tokens[tokens.len() - keep_tail..].concat();
                    out.push_str(&marks.equal(&head));
                    out.push_str(if first {
                        "… "
                    } else if last {
                        " …"
                    } else {
                        " … "
                    });
                    out.push_str(&marks.equal(&tail));
                }
            }
            // Marks go around the words, not the spaces next to them (Markdown needs that).
            WordOp::Delete | WordOp::Insert => {
                let trimmed = w.text.trim();
                if trimmed.is_empty() {
                    out.push_str(&w.text);
                    continue;
                }
                let lead = &w.text[..w.text.len() - w.text.trim_start().len()];
                let trail = &w.text[w.text.trim_end().len()..];
                if w.op == WordOp::Insert && lead.is_empty() && i > 0 && words[i - 1].op == WordOp::Delete {
                    out.push_str(marks.between());
                }
                out.push_str(lead);
                out.push_str(&if w.op == WordOp::Delete {
                    marks.delete(trimmed)
                } else {
                    marks.insert(trimmed)
                });
                out.push_str(trail);
            }
        }
    }
    out
}

/// `[-deleted-]{+inserted+}`, as `git diff --word-diff` writes it, for output without colour.
pub struct PlainMarks;

impl WordMarks for PlainMarks {
    fn delete(&self, text: &str) -> String {
        format!("[-{text}-]")
    }
    fn insert(&self, text: &str) -> String {
        format!("{{+{text}+}}")
    }
}

/// Writes `value` as pretty JSON with a final newline.
pub fn write_json<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_outside_tables_wrap_between_words_and_tables_stay() {
        let text = "│ a table line that is far longer than the width allowed here │\n\
                    O2 sharing: \x1b[1mcontradiction\x1b[0m and a long explanation of it\n  \
                    denies: sold or disclosed · personal information │ policy permits: pass\n\
                    short\n";
        let wrapped = wrap_text_lines(text, 30);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert_eq!(
            lines[0],
            "│ a table line that is far longer than the width allowed here │"
        );
        assert_eq!(
            lines[1], "O2 sharing: \x1b[1mcontradiction\x1b[0m and",
            "colour takes no width"
        );
        assert_eq!(lines[2], "  a long explanation of it");
        assert_eq!(lines[3], "  denies: sold or disclosed ·");
        assert_eq!(lines[4], "    personal information │");
        assert_eq!(*lines.last().unwrap(), "short");
        assert!(wrapped.ends_with('\n'));
        let word = "x".repeat(50);
        assert_eq!(
            wrap_text_lines(&word, 30),
            word,
            "a word longer than the width stays whole"
        );
    }

    /// Renders `report` in every format: those in `FORMATS` must write something, the others must be
    /// refused, so that `FORMATS` (which the command line offers) and the methods never disagree.
    fn formats_agree<R: Output>(name: &str, report: &R) {
        for format in OutputFormat::ALL {
            let mut out = Vec::new();
            let written = write(report, format, &Options::default(), &mut out);
            if R::FORMATS.contains(&format) {
                assert!(written.is_ok(), "{name} {}: {written:?}", format.as_str());
                assert!(!out.is_empty(), "{name} {}: nothing written", format.as_str());
            } else {
                let err = written.expect_err(&format!("{name} has no {} format", format.as_str()));
                assert!(err.to_string().contains("use one of: table"), "{err}");
            }
        }
    }

    #[test]
    fn every_report_is_written_in_exactly_its_formats() {
        use crate::analysis::rules::RuleSet;
        use crate::document::noise::Normaliser;
        use crate::inputs::providers::{ProviderSource, load};

        let rules = RuleSet::default_rules().unwrap();
        let providers = load(&ProviderSource::Bundled).unwrap();
        let o2 = providers.iter().find(|p| p.id == "o2").unwrap();
        let (text, _) = crate::stages::compare::policy_text(o2, None).unwrap();
        let compare = CompareReport::new(vec![crate::stages::compare::compare_provider(&rules, o2, &text)]);
        formats_agree("compare", &compare);

        let doc = crate::document::ingest::Document {
            source: "p.txt".into(),
            format: crate::document::markup::InputFormat::Text,
            charset: None,
            text: "We may share your location with partners.\n".into(),
        };
        formats_agree("extract", &crate::stages::extract::extract(&rules, &doc));

        let norm = Normaliser::all();
        let body = crate::stages::diff::diff(&rules, &norm, "We keep data.\n", "We sell data.\n");
        let version = crate::base::report::VersionInfo {
            version: None,
            date: None,
            file: Some("a".into()),
            sha256: "00".into(),
        };
        formats_agree(
            "diff",
            &DiffReport::new("a → b".into(), version.clone(), version, &norm, body),
        );

        let store = crate::inputs::store::Store::new("unused-store");
        formats_agree(
            "check",
            &CheckReport::new(crate::stages::check::Mode::Baseline, &store, None, &norm, Vec::new()),
        );
        formats_agree("fetch", &FetchReport::new(&store, &[]));

        let gold = r#"{"id": 1, "text": "We never sell your data.", "labels": ["third-party-sharing"]}
{"id": 2, "text": "We sell your data.", "kind": "expect", "tag": "third-party-sharing", "polarity": "negative"}"#;
        let gold = crate::stages::eval::read_gold("g", gold.as_bytes()).unwrap();
        formats_agree("eval", &crate::stages::eval::evaluate(&rules, "g", &gold, 1, 1));

        formats_agree("providers", &ProviderList { providers: &providers });
        formats_agree("rules", &RuleList { rules: &rules });
    }

    #[test]
    fn word_diffs_keep_edits_in_view() {
        let words = crate::stages::diff::word_diff(
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen the the end",
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen the end",
        );
        let shown = inline_words(&words, &PlainMarks);
        assert!(shown.starts_with("… "), "{shown}");
        assert!(
            shown.contains("[-the-]") || shown.contains("[-the -]") || shown.contains("[-the-] "),
            "{shown}"
        );
        assert!(shown.ends_with("end"), "{shown}");
        assert!(!shown.contains("one two"), "{shown}");
        let short = inline_words(&crate::stages::diff::word_diff("we keep it", "we sell it"), &PlainMarks);
        assert_eq!(short, "we [-keep-]{+sell+} it");
    }

    #[test]
    fn labels() {
        for tag in Tag::ALL {
            let short = tag.about().short;
            assert_eq!(finding_label(tag, Polarity::Positive, &[]), short);
            assert_eq!(finding_label(tag, Polarity::Negative, &[]), format!("no {short}"));
            assert_eq!(
                finding_label(tag, Polarity::Negative, &[ExceptionKind::Legal, ExceptionKind::Consent]),
                format!("no {short} except legal, consent")
            );
        }
    }
}
