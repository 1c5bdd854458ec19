//! GitHub Actions workflow commands (`::warning title=…::…`): one annotation per changed document, so
//! that a CI job shows a policy change on its run page. Policy text reaches a runner that interprets
//! these commands, so every value is escaped: a line break cannot start a command of its own.

use std::fmt::Write as _;

use crate::stages::check::{CheckReport, CheckStatus, DocCheck};
use crate::stages::diff::DiffBody;

/// Lines of the change listed in an annotation's message before the rest are counted.
const LINES_LISTED: usize = 12;

/// A workflow command's message: `%`, CR and LF escaped, other control characters dropped.
fn data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A workflow command's property value: as [`data`], and `:` and `,` escaped too.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The level and message of one changed document; `None` when nothing changed.
fn annotation(title: &str, body: &DiffBody) -> Option<String> {
    if !body.changed() {
        return None;
    }
    let heading = crate::output::view::change_heading(body);
    let level = if body.meaning_changed { "warning" } else { "notice" };
    let mut lines = Vec::new();
    if let Some(line) = crate::output::view::page_change_line(body) {
        lines.push(line);
    }
    lines.extend(crate::output::view::meaning_lines(body));
    let total = lines.len();
    lines.truncate(LINES_LISTED);
    if total > LINES_LISTED {
        lines.push(format!("… and {} more", total - LINES_LISTED));
    }
    let c = &body.counts;
    lines.push(format!(
        "Clauses: {} changed, {} added, {} removed, {} moved.",
        c.changed, c.added, c.removed, c.moved
    ));
    Some(format!(
        "::{level} title={}::{}\n",
        property(&format!("orgcheck: {title} {heading}")),
        data(&lines.join("\n"))
    ))
}

/// `orgcheck diff --format github`.
pub fn diff(title: &str, body: &DiffBody) -> String {
    annotation(title, body).unwrap_or_else(|| {
        format!(
            "::notice title={}::no change\n",
            property(&format!("orgcheck: {title}"))
        )
    })
}

fn document(d: &DocCheck) -> Option<String> {
    let title = format!("{}/{}", d.provider, d.document);
    match d.status {
        CheckStatus::Changed => d.diff.as_ref().and_then(|b| annotation(&title, b)),
        CheckStatus::Failed | CheckStatus::Unstable => Some(format!(
            "::error title={}::{}\n",
            property(&format!("orgcheck: {title} {}", d.status.as_str())),
            data(&format!(
                "{} ({})",
                d.reason.as_deref().unwrap_or("unknown reason"),
                d.url
            ))
        )),
        _ => None,
    }
}

/// `orgcheck check --format github`: an annotation per changed, failed or unstable document, and a
/// closing notice with the counts.
pub fn check(report: &CheckReport) -> String {
    let mut out = String::new();
    for d in &report.documents {
        if let Some(line) = document(d) {
            out.push_str(&line);
        }
    }
    let _ = writeln!(
        out,
        "::notice title=orgcheck check::{}",
        data(crate::output::table::check_summary(report).trim_end())
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_break_out_of_their_command() {
        let hostile = "We share data.\n::error::injected\r\n100% sure";
        let escaped = data(hostile);
        assert!(!escaped.contains('\n') && !escaped.contains('\r'));
        assert_eq!(escaped, "We share data.%0A::error::injected%0D%0A100%25 sure");
        assert_eq!(property("a: b, c"), "a%3A b%2C c");
        assert_eq!(data("bell\u{7} esc\u{1b}[2J"), "bell esc[2J");
    }
}
