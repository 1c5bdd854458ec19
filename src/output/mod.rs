//! Output: every report in every format it supports, behind one switch ([`write()`]). Terminal tables
//! (comfy-table) are in `table.rs`, Markdown in `markdown.rs`, self-contained HTML pages (maud) in
//! `html.rs`, GitHub Actions workflow commands in `github.rs`, and JSON and JSON lines are the report's own
//! serde form. Adding a format means adding a
//! method to [`Output`] and an arm to [`write()`]; adding a report means implementing [`Output`] for it.

pub(crate) mod view;
pub(crate) mod table;
pub(crate) mod markdown;
pub(crate) mod html;
pub(crate) mod github;

use std::io::{self, Write};

use serde::Serialize;

use crate::base::visible::visible;

use crate::analysis::rules::RuleList;
use crate::inputs::fetch::FetchReport;
use crate::inputs::providers::ProviderList;
use crate::stages::check::CheckReport;
use crate::stages::compare::CompareReport;
use crate::stages::diff::DiffReport;
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
    /// GitHub Actions workflow commands: an annotation per change.
    Github,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 6] = [
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Jsonl,
        OutputFormat::Markdown,
        OutputFormat::Html,
        OutputFormat::Github,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Html => "html",
            OutputFormat::Github => "github",
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

    /// GitHub Actions workflow commands, for reports that have them.
    fn github(&self) -> Option<String> {
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
    // Text formats carry strangers' words (provider names, policy text): no control character reaches
    // a terminal, an issue or a runner raw. JSON escapes its own, and HTML makes its text inert.
    let shown = |text: String, colour: bool| visible(&text, colour).into_owned();
    match format {
        OutputFormat::Table if options.wrap => out.write_all(
            shown(
                wrap_text_lines(&report.table(options), options.width.into()),
                options.color,
            )
            .as_bytes(),
        ),
        OutputFormat::Table => out.write_all(shown(report.table(options), options.color).as_bytes()),
        OutputFormat::Json => write_json(out, report),
        OutputFormat::Markdown => out.write_all(shown(report.markdown().ok_or_else(unsupported)?, false).as_bytes()),
        OutputFormat::Jsonl => report.jsonl(out).ok_or_else(unsupported)?,
        OutputFormat::Html => out.write_all(report.html().ok_or_else(unsupported)?.as_bytes()),
        OutputFormat::Github => out.write_all(shown(report.github().ok_or_else(unsupported)?, false).as_bytes()),
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
        let mut out = table::extract(&rows, options.width, table::Style::from(options), options.all);
        match (self.read, self.language) {
            (false, Some(l)) => out.push_str(&format!(
                "Not read: the text is in {} ({}), and orgcheck has no rules for it.\n",
                l.name(),
                l.code()
            )),
            _ if self.languages.len() > 1 => {
                let names: Vec<&str> = self.languages.iter().map(|l| l.name()).collect();
                out.push_str(&format!("Read in {}, each part with its rules.\n", names.join(" and ")));
            }
            _ => {}
        }
        out
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
        OutputFormat::Github,
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

    fn github(&self) -> Option<String> {
        Some(github::diff(&self.title, &self.diff))
    }
}

impl Output for CheckReport {
    const FORMATS: &'static [OutputFormat] = &[
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Markdown,
        OutputFormat::Html,
        OutputFormat::Github,
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

    fn github(&self) -> Option<String> {
        Some(github::check(self))
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

    /// Writes `report` in every format: those in `FORMATS` must write something, the others must be
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
            tags_stripped: false,
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
            language: None,
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
}
