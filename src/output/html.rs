//! Self-contained HTML reports: one file with its CSS inline, no scripts, no external fetches, readable
//! offline and from an e-mail attachment. Built with maud, which escapes every interpolated string;
//! policy and statement text is data from strangers, so it is also stripped of bidirectional controls,
//! and only http(s) URLs become links.

use std::ops::Range;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::table::shown_clauses;
use super::view::{
    Row, change_heading, change_kind, change_position, finding_label, group_runs, meaning_lines, ordered_changes,
    page_change_line, restated_note, run_position,
};
use crate::analysis::tag::{Polarity, Tag};
use crate::base::report::{ORGCHECK_VERSION, VersionInfo};
use crate::stages::check::{CheckReport, CheckStatus, DocCheck};
use crate::stages::compare::{CompareReport, ProviderReport, Side, SourceKind, Verdict, VerdictDetail};
use crate::stages::diff::{Change, ChangeKind, ClauseFinding, DiffBody, WordOp};
use crate::stages::history::{Event, EventChange, HistoryReport};
use crate::stages::lint::LintReport;

/// The page's style: readable type, a two-column comparison that stacks on a phone, highlights that
/// are underlined and bold as well as coloured, and badges that say their verdict in words.
const CSS: &str = concat!("\n", include_str!("html.css"));

/// Nothing loads from anywhere: the page's own style, and images only as data URLs.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// Text made inert beyond what escaping does: control and bidirectional characters become visible code
/// points (`[U+202E]`), so a stranger's text can neither reverse what follows it nor put raw NUL, ESC
/// or DEL into a page.
pub fn inert(text: &str) -> String {
    crate::base::visible::visible(text, false).into_owned()
}

/// The URL when it is http or https, for a link; anything else (`javascript:`, `data:`, `file:`) is
/// shown as text.
fn safe_url(url: &str) -> Option<&str> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then_some(url.trim())
}

/// A link when the URL is http(s), else the text alone.
fn link(url: &str, text: &str) -> Markup {
    match safe_url(url) {
        Some(href) => html! { a href=(href) { (inert(text)) } },
        None => html! { span { (inert(text)) } },
    }
}

/// `text` with the byte ranges in `marks` highlighted. Ranges may overlap or be out of order; they are
/// merged, and ranges that do not fall on character boundaries are left out.
fn highlighted(text: &str, marks: &[Range<usize>]) -> Markup {
    let mut ranges: Vec<Range<usize>> = marks
        .iter()
        .filter(|r| r.start < r.end && text.get(r.start..r.end).is_some())
        .cloned()
        .collect();
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    // (plain text before, marked text) pairs, then the plain rest.
    let mut pieces: Vec<(&str, &str)> = Vec::new();
    let mut at = 0;
    for r in &merged {
        pieces.push((&text[at..r.start], &text[r.clone()]));
        at = r.end;
    }
    html! {
        @for (plain, marked) in &pieces {
            (inert(plain))
            mark { (inert(marked)) }
        }
        (inert(&text[at..]))
    }
}

/// The whole page around a report's body.
fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // Even if a stranger's text got through, nothing could run or load.
                meta http-equiv="Content-Security-Policy" content=(CONTENT_SECURITY_POLICY);
                title { (inert(title)) }
                style { (PreEscaped(CSS)) }
            }
            body {
                main { (body) }
                footer {
                    "Made by orgcheck " (ORGCHECK_VERSION) ". Quotes are the providers' own words, with their sources."
                }
            }
        }
    }
    .into_string()
}

fn badge(verdict: Verdict) -> Markup {
    html! { span class={ "badge v-" (verdict.as_str()) } { (verdict.as_str()) } }
}

fn anchor(p: &ProviderReport) -> String {
    format!("p-{}", p.id)
}

fn source_text(p: &ProviderReport) -> String {
    let s = &p.policy_source;
    match s.kind {
        SourceKind::Bundled | SourceKind::Snapshot => format!(
            "{}{}{}",
            if s.kind == SourceKind::Bundled {
                "bundled snapshot"
            } else {
                "your snapshot"
            },
            s.snapshot_date
                .as_deref()
                .map(|d| format!(" of {d}"))
                .unwrap_or_default(),
            s.snapshot_source
                .as_deref()
                .map(|d| format!(", from {d}"))
                .unwrap_or_default()
        ),
        SourceKind::Store => format!(
            "stored version retrieved {}",
            s.retrieved_at.as_deref().unwrap_or("at an unknown time")
        ),
        SourceKind::Live => format!("fetched {}", s.retrieved_at.as_deref().unwrap_or("during this run")),
    }
}

/// One side's tagged clauses, each with its labels and its evidence highlighted.
fn side(p: &ProviderReport, side: Side) -> Markup {
    let clauses = shown_clauses(p.findings.iter().filter(|f| f.side == side));
    html! {
        @if side == Side::Statement && p.statements.is_empty() {
            p.muted { "No reply yet: no statement recorded." }
        } @else if clauses.is_empty() {
            p.muted { (super::view::nothing_line(p, side)) }
        }
        @for c in &clauses {
            p.clause {
                @for (tag, polarity, exceptions) in &c.labels {
                    span class=(if *polarity == Polarity::Negative { "tag no" } else { "tag" }) {
                        "[" (finding_label(*tag, *polarity, exceptions)) "]"
                    }
                }
                (highlighted(c.clause, &c.marks))
            }
        }
    }
}

fn verdict(d: &VerdictDetail) -> Markup {
    html! {
        div.verdict {
            p { strong { (d.tag) } " " (badge(d.verdict)) }
            p { (inert(&d.reason)) }
            @if let Some(scope) = &d.scope {
                p.scope { (inert(&scope.line)) }
            }
        }
    }
}

fn provider(p: &ProviderReport) -> Markup {
    html! {
        section id=(anchor(p)) {
            h2 { (inert(&p.name)) }
            p.muted {
                "Policy: " (link(&p.policy_source.url, &p.policy_source.url)) " (" (inert(&source_text(p))) ")"
            }
            @if !p.statements.is_empty() {
                ul.muted {
                    @for s in &p.statements {
                        li {
                            "Statement: " (inert(&s.statement.source)) ", " (inert(&s.statement.date))
                            @if let Some(url) = &s.statement.url { " — " (link(url, url)) }
                        }
                    }
                }
            }
            div.sides {
                div.side { h3 { "What they tell customers" } (side(p, Side::Statement)) }
                div.side { h3 { "What the policy says" } (side(p, Side::Policy)) }
            }
            h3 { "Verdicts" }
            @for d in &p.details { (verdict(d)) }
        }
    }
}

/// `compare --format html`: a summary table linking to each provider, then per provider the statement
/// and the policy side by side with the evidence highlighted, and each verdict with its reason.
pub fn compare(report: &CompareReport) -> String {
    let body = html! {
        h1 { "What they tell customers, and what their policies say" }
        p { (inert(super::table::summary(report).trim_end())) }
        p.muted { (inert(&super::view::compare_legend(report))) }
        @if let Some(changes) = &report.changes {
            section.changes {
                h2 { "Since " (inert(&changes.baseline)) }
                ul { @for line in super::view::change_lines(changes) { li { (inert(&line)) } } }
            }
        }
        div.wide {
            table.summary {
                thead {
                    tr {
                        th { "Provider" }
                        @for tag in Tag::ALL { th { (tag.about().short) } }
                    }
                }
                tbody {
                    @for p in &report.providers {
                        tr {
                            td { a href={ "#" (anchor(p)) } { (inert(&p.name)) } }
                            @for tag in Tag::ALL { td { (badge(p.verdicts.get(tag))) } }
                        }
                    }
                }
            }
        }
        @for p in &report.providers { (provider(p)) }
    };
    page("orgcheck: what they say and what their policies say", body)
}

/// Most changes without findings listed in a page; the JSON report has them all.
const QUIET_LISTED: usize = 200;

fn version(v: &VersionInfo) -> String {
    match (&v.file, &v.version) {
        (Some(f), _) => f.clone(),
        (None, Some(id)) => format!("{} ({id})", v.label()),
        (None, None) => v.label(),
    }
}

fn finding_marks(sign: &str, findings: &[ClauseFinding]) -> Markup {
    html! {
        @for f in findings {
            span class=(if f.polarity == Polarity::Negative { "tag no" } else { "tag" }) {
                (sign) "[" (finding_label(f.tag, f.polarity, &f.exceptions)) "]"
            }
        }
    }
}

/// One clause change: its kind and place, the words inserted and deleted, the findings gained and lost.
fn change(c: &Change) -> Markup {
    let side = c.new.as_ref().or(c.old.as_ref());
    html! {
        div class=(if c.meaningful() { "change meaningful" } else { "change" }) {
            p.muted { strong { (change_kind(c)) } " · " (change_position(c)) " "
                (finding_marks("+", &c.gained)) (finding_marks("−", &c.lost))
                @if let Some(note) = restated_note(c) { " " span.muted { "(" (inert(&note)) ")" } } }
            p {
                @if c.kind == ChangeKind::Changed {
                    @for (i, w) in c.words.iter().enumerate() {
                        @if i > 0 { " " }
                        @match w.op {
                            WordOp::Equal => { (inert(w.text.trim())) }
                            WordOp::Delete => { del { (inert(w.text.trim())) } }
                            WordOp::Insert => { ins { (inert(w.text.trim())) } }
                        }
                    }
                } @else if let Some(side) = side {
                    @match c.kind {
                        ChangeKind::Removed => { del { (inert(&side.text)) } }
                        ChangeKind::Added => { ins { (inert(&side.text)) } }
                        _ => { (inert(&side.text)) }
                    }
                }
            }
        }
    }
}

/// The meaning summary, the counts, the changes that moved findings, then the rest folded away.
fn diff_body(body: &DiffBody) -> Markup {
    let (meaningful, quiet) = ordered_changes(body);
    let c = &body.counts;
    let rows = group_runs(&quiet);
    html! {
        @if let Some(line) = page_change_line(body) {
            p { strong { (inert(&line)) } }
        } @else if body.meaning_changed {
            h3 { "What changed in meaning" }
            ul { @for line in meaning_lines(body) { li { (inert(&line)) } } }
        } @else {
            p { "No change in meaning: no finding was gained or lost." }
        }
        p.muted {
            "Clauses: " (c.changed) " changed, " (c.added) " added, " (c.removed) " removed, " (c.moved)
            " moved; " (c.unchanged) " unchanged, " (c.noise) " differ only by noise."
        }
        @if !meaningful.is_empty() {
            h3 { "Clauses that changed the findings" }
            @for ch in &meaningful { (change(ch)) }
        }
        @if !quiet.is_empty() {
            details {
                summary { (quiet.len()) " change" (if quiet.len() == 1 { "" } else { "s" }) " without findings" }
                @for row in rows.iter().take(QUIET_LISTED) {
                    @match row {
                        Row::One(ch) => { (change(ch)) }
                        Row::Run(run) => {
                            div.change {
                                p.muted { strong { (run[0].kind.as_str()) " ×" (run.len()) } " · " (run_position(run)) }
                                p { (inert(&super::view::run_text(run, 400))) }
                            }
                        }
                    }
                }
                @if rows.len() > QUIET_LISTED {
                    p.muted { "… and " (rows.len() - QUIET_LISTED) " more (see the JSON report)." }
                }
            }
        }
    }
}

/// `diff --format html`: one document's two versions, clause by clause.
pub fn diff(title: &str, old: &VersionInfo, new: &VersionInfo, body: &DiffBody) -> String {
    let page_body = html! {
        h1 { "Changes to " (inert(title)) }
        p { "From " (inert(&version(old))) " to " (inert(&version(new))) "." }
        (diff_body(body))
    };
    page(&format!("orgcheck: changes to {title}"), page_body)
}

fn status_badge(status: CheckStatus) -> Markup {
    html! { span class={ "badge s-" (status.as_str()) } { (status.as_str()) } }
}

fn doc_anchor(d: &DocCheck) -> String {
    format!("d-{}-{}", d.provider, d.document)
}

/// `check --format html`: a table of every document checked, then each changed one's diff.
pub fn check(report: &CheckReport) -> String {
    let body = html! {
        h1 { "orgcheck: privacy policy check" }
        p { (super::table::check_summary(report).trim_end()) " · checked " (report.checked_at) }
        div.wide {
            table {
                thead { tr {
                    th { "Provider" } th { "Document" } th { "Status" } th { "From" } th { "To" } th { "Note" }
                } }
                tbody {
                    @for d in &report.documents {
                        tr {
                            td { (inert(&d.provider)) }
                            td {
                                @if d.status == CheckStatus::Changed {
                                    a href={ "#" (doc_anchor(d)) } { (inert(&d.label())) }
                                } @else { (inert(&d.label())) }
                                " " span.muted { (link(&d.url, "policy")) }
                            }
                            td { (status_badge(d.status)) }
                            td { @if let Some(v) = &d.old { (inert(&v.label())) } }
                            td { @if let Some(v) = &d.new { (inert(&v.label())) } }
                            td { (inert(&super::table::check_note(d))) }
                        }
                    }
                }
            }
        }
        @for d in report.documents.iter().filter(|d| d.status == CheckStatus::Changed) {
            @if let Some(body) = &d.diff {
                section id=(doc_anchor(d)) {
                    h2 { (inert(&d.provider)) " / " (inert(&d.label())) " — " (change_heading(body)) }
                    p.muted { (link(&d.url, &d.url)) }
                    @if let (Some(o), Some(n)) = (&d.old, &d.new) {
                        p { "From " (inert(&version(o))) " to " (inert(&version(n))) "." }
                    }
                    (diff_body(body))
                }
            }
        }
    };
    page("orgcheck: privacy policy check", body)
}

/// The timeline: one row per practice, one column per version, a bar where the version says it and a
/// marker where it appeared or disappeared, linked to the clause changes of that step.
/// The widest a timeline is drawn before its columns narrow, in px: a 1280 px window less the margins.
const TIMELINE_FIT: usize = 1100;

fn timeline(report: &HistoryReport) -> Markup {
    const LABEL: usize = 190;
    const ROW: usize = 26;
    let n = report.versions.len().max(1);
    // Columns narrow to fit the page, down to a width that still holds "v100"; past that the timeline
    // keeps its size and its box scrolls sideways.
    let cell = ((TIMELINE_FIT - LABEL) / n).clamp(34, 70);
    let width = LABEL + cell * n + 10;
    let height = ROW * (report.practices.len() + 1) + 10;
    let step_of = |to: usize| report.steps.iter().position(|s| s.to == to);
    html! {
        svg xmlns="http://www.w3.org/2000/svg" role="img" width=(width) height=(height)
            viewBox={ "0 0 " (width) " " (height) } aria-label={ "Timeline of " (inert(&report.title)) } {
            title { "When each practice was gained or lost in " (inert(&report.title)) }
            @for (i, l) in report.labels.iter().enumerate() {
                text x=(LABEL + cell * i + cell / 2) y="16" text-anchor="middle" font-size="12" fill="#57606a" {
                    title { (inert(l)) }
                    "v" (i + 1)
                }
            }
            @for (r, p) in report.practices.iter().enumerate() {
                @let y = ROW * (r + 1) + 8;
                text x="4" y=(y + 14) font-size="12" fill="#1b1f24" {
                    (finding_label(p.tag, p.polarity, &[]))
                }
                @for (i, v) in p.versions.iter().enumerate() {
                    @if v.count > 0 {
                        rect x=(LABEL + cell * i + 2) y=(y + 4) width=(cell - 4) height="12" rx="3"
                            fill=(if p.polarity == Polarity::Negative { "#8c959f" } else { "#0969da" }) {
                            title { (inert(&report.labels[i])) ": " (v.count) " finding(s)" }
                        }
                    }
                }
                // Each version's events of this practice: a green dot for what it started saying, a red
                // one for what it stopped saying, each linked to the step that did it.
                @for i in 1..report.versions.len() {
                    @for (k, change) in [EventChange::Gained, EventChange::Lost].into_iter().enumerate() {
                        @let here: Vec<&Event> = report.events.iter()
                            .filter(|e| e.version == i && e.tag == p.tag && e.polarity == p.polarity && e.change == change)
                            .collect();
                        @if !here.is_empty() {
                            @let mark = html! {
                                circle cx=(LABEL + cell * i + cell / 3 + k * cell / 3) cy=(y + 10) r="6"
                                    fill=(if change == EventChange::Gained { "#1a7f37" } else { "#cf222e" }) {
                                    title {
                                        (inert(&report.labels[i]))
                                        @for e in &here { "\n" (inert(&e.line())) }
                                    }
                                }
                            };
                            @match step_of(i) {
                                Some(s) => { a href={ "#step-" (s) } { (mark) } }
                                None => { (mark) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `history --format html`: the timeline with its events, the events listed, the table of practices per
/// version, and each step's changes folded away.
pub fn history(report: &HistoryReport) -> String {
    let lines = super::view::history_lines(report);
    let body = html! {
        h1 { "History of " (inert(&report.title)) }
        p { (report.versions.len()) " stored versions, " (report.events.len()) " events (practices gained or lost). "
            "Columns are the versions, v1 the oldest. A bar: the version says it. A green dot: the version "
            "started saying it; a red one: it stopped (each linked to its change)." }
        div.wide { (timeline(report)) }
        @if !lines.is_empty() {
            h2 { "Events" }
            ul {
                @for (v, line) in &lines {
                    li { strong { "v" (v + 1) " " (inert(&report.labels[*v])) } ": " (inert(line)) }
                }
            }
        }
        h2 { "Practices per version" }
        div.wide {
            table {
                thead { tr {
                    th { "Version" }
                    @for p in &report.practices { th { (finding_label(p.tag, p.polarity, &[])) } }
                } }
                tbody {
                    @for (i, l) in report.labels.iter().enumerate() {
                        tr {
                            td { "v" (i + 1) " " span.muted { (inert(l)) } }
                            @for p in &report.practices {
                                @let v = &p.versions[i];
                                td title=[v.evidence.as_deref().map(inert)] {
                                    @if v.count > 0 { "● " (v.count) } @else { "·" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @for (k, step) in report.steps.iter().enumerate() {
            section id={ "step-" (k) } {
                details {
                    summary {
                        "v" (step.from + 1) " → v" (step.to + 1) ": "
                        (inert(&report.labels[step.from])) " → " (inert(&report.labels[step.to]))
                        " — " (super::view::change_heading(&step.diff))
                    }
                    (diff_body(&step.diff))
                }
            }
        }
    };
    page(&format!("orgcheck: history of {}", report.title), body)
}

/// `lint --format html`: each pair of clauses that disagree, the two practices above their clauses.
pub fn lint(report: &LintReport) -> String {
    let clause = |scope: &crate::stages::compare::Scope| {
        let f = &report.findings[scope.finding];
        let at = f.clause.find(&f.evidence).map_or(0..0, |s| s..s + f.evidence.len());
        html! {
            p.scope { (inert(&scope.line)) }
            p.clause { (highlighted(&f.clause, std::slice::from_ref(&at))) }
        }
    };
    let body = html! {
        h1 { "Lint: " (inert(&report.source)) }
        p { (inert(report.summary().trim_end())) }
        p.muted { "A reading aid: read both clauses before using a pair (docs/rules.md has how often it is right)." }
        @for group in report.by_denial() {
            section {
                h2 { (group.tag) span.muted { " · " (group.pairs.len()) @if group.pairs.len() == 1 { " pair" } @else { " pairs" } } }
                div.side { h3 { "The document denies" } (clause(group.denial)) }
                @for pair in &group.pairs {
                    div.side {
                        h3 { "and permits " (badge(pair.grade))
                            @if pair.repeats > 0 { " " span.muted { "+" (pair.repeats) " alike" } } }
                        (clause(&pair.scope.permits))
                        p { (inert(&pair.reason)) }
                    }
                }
            }
        }
    };
    page(&format!("orgcheck: lint of {}", report.source), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_merge_and_skip_bad_ranges() {
        let h = highlighted("we may share your data", &[13..17, 3..12, 7..12, 100..200]).into_string();
        assert_eq!(h, "we <mark>may share</mark> <mark>your</mark> data");
        // A range inside a multi-byte character is left out rather than panicking.
        let h = highlighted("é x", std::slice::from_ref(&(1..2))).into_string();
        assert_eq!(h, "é x");
    }

    #[test]
    fn only_http_links_are_links() {
        assert!(
            link("https://example.org/p", "p")
                .into_string()
                .starts_with("<a href=\"https://example.org/p\"")
        );
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<b>",
            "file:///etc/passwd",
            " JavaScript:x",
        ] {
            assert!(!link(bad, bad).into_string().contains("<a"), "{bad}");
        }
    }

    #[test]
    fn bidi_controls_become_visible() {
        assert_eq!(inert("abc\u{202E}fed"), "abc[U+202E]fed");
        assert_eq!(inert("plain"), "plain");
    }
}
