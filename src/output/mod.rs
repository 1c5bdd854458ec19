//! Renderers: terminal tables (comfy-table), Markdown and JSON, and the terminal facts they depend on.

pub mod markdown;
pub mod table;

use std::io::{self, IsTerminal, Write};

use crate::diff::{Change, ChangeKind, DiffBody, WordEdit, WordOp};
use crate::rules::{Polarity, Tag};

/// `--color auto|always|never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour stdout: `always`, or `auto` when stdout is a terminal and `NO_COLOR` is unset.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
            }
        }
    }
}

/// How wide a table may be: the terminal's width, else `COLUMNS`, else 120.
pub fn table_width() -> u16 {
    if io::stdout().is_terminal()
        && let Some((w, _)) = terminal_width()
    {
        return w;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(120)
}

fn terminal_width() -> Option<(u16, u16)> {
    comfy_table::Table::new().width().map(|w| (w, 0))
}

/// The short label a table shows for a finding: "sharing", or "no sharing" for a denial.
pub fn finding_label(tag: Tag, polarity: Polarity) -> String {
    let short = short_tag(tag);
    match polarity {
        Polarity::Positive => short.to_string(),
        Polarity::Negative => format!("no {short}"),
    }
}

pub fn short_tag(tag: Tag) -> &'static str {
    match tag {
        Tag::Aggregation => "aggregation",
        Tag::ThirdPartySharing => "sharing",
        Tag::OptOut => "opt-out",
        Tag::Location => "location",
    }
}

/// Cuts `text` to about `max` characters, keeping the byte range `keep` (the evidence) in view and
/// marking cuts with "…" at word boundaries.
pub fn cut_around(text: &str, keep: std::ops::Range<usize>, max: usize) -> String {
    let chars = text.chars().count();
    if chars <= max {
        return text.to_string();
    }
    let keep_start = text[..keep.start.min(text.len())].chars().count();
    let keep_len = text.get(keep.clone()).map_or(0, |s| s.chars().count());
    // Context before the evidence gets a third of what is left, after it the rest.
    let spare = max.saturating_sub(keep_len);
    let mut start = keep_start.saturating_sub(spare / 3);
    let mut end = (start + max).min(chars);
    if end == chars {
        start = chars.saturating_sub(max);
    }
    let as_vec: Vec<char> = text.chars().collect();
    // Move cuts to word boundaries.
    while start > 0 && start < keep_start && !as_vec[start - 1].is_whitespace() {
        start += 1;
    }
    while end < chars && end > keep_start + keep_len && !as_vec[end].is_whitespace() {
        end -= 1;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(as_vec[start..end].iter());
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    if end < chars {
        out.push('…');
    }
    out
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
    fn short_text_is_untouched() {
        assert_eq!(cut_around("We share data.", 3..8, 80), "We share data.");
    }

    #[test]
    fn long_text_keeps_the_evidence_in_view() {
        let text = "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor. We may pass Aggregated Data to third parties such as advertisers and content providers and business partners.";
        let start = text.find("pass").unwrap();
        let cut = cut_around(text, start..start + 30, 80);
        assert!(cut.contains("pass Aggregated Data to third"), "{cut}");
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.chars().count() <= 82, "{cut}");
    }

    #[test]
    fn multibyte_text_is_cut_on_char_boundaries() {
        let text = "“Données” ".repeat(30);
        let cut = cut_around(&text, 0..3, 20);
        assert!(cut.chars().count() <= 22);
    }

    #[test]
    fn word_diffs_keep_edits_in_view() {
        let words = crate::diff::word_diff(
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
        let short = inline_words(&crate::diff::word_diff("we keep it", "we sell it"), &PlainMarks);
        assert_eq!(short, "we [-keep-]{+sell+} it");
    }

    #[test]
    fn labels() {
        assert_eq!(finding_label(Tag::ThirdPartySharing, Polarity::Negative), "no sharing");
        assert_eq!(finding_label(Tag::OptOut, Polarity::Positive), "opt-out");
    }
}
