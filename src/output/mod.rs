//! Renderers: terminal tables (comfy-table), Markdown and JSON, and the terminal facts they depend on.

pub mod markdown;
pub mod table;

use std::io::{self, IsTerminal, Write};

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
    fn labels() {
        assert_eq!(finding_label(Tag::ThirdPartySharing, Polarity::Negative), "no sharing");
        assert_eq!(finding_label(Tag::OptOut, Polarity::Positive), "opt-out");
    }
}
