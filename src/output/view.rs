//! What the formats share: how a finding is labelled, where statement pages were read, which diff
//! changes come first and how runs of them are shown, and a word diff written inline.

use crate::analysis::rules::ExceptionKind;
use crate::analysis::tag::{Polarity, Tag};
use crate::base::snippet::cut_around;
use crate::stages::diff::{Change, ChangeKind, DiffBody, WordEdit, WordOp};

/// What a side with no tagged clause says: nothing tagged, or, for a policy in a language orgcheck has no
/// rules for, that it was not read; an unread text must never look like one that says nothing.
pub fn nothing_line(p: &crate::stages::compare::ProviderReport, side: crate::stages::compare::Side) -> String {
    let src = &p.policy_source;
    match (side, src.read, src.language) {
        (crate::stages::compare::Side::Policy, false, Some(l)) => format!(
            "Not read: the policy is in {} ({}), which orgcheck has no rules for.",
            l.name(),
            l.code()
        ),
        _ => "Nothing tagged.".to_string(),
    }
}

/// Where a provider's statement pages were read, for under the statement side: "From privacy-hub,
/// fetched 2026-12-02." `None` when it has no statement pages.
pub fn statement_pages_line(p: &crate::stages::compare::ProviderReport) -> Option<String> {
    let pages: Vec<String> = p
        .statements
        .iter()
        .filter_map(|s| s.statement_source.as_ref())
        .map(|src| match (src.kind, &src.retrieved_at, &src.snapshot_date) {
            (
                crate::stages::compare::SourceKind::Bundled | crate::stages::compare::SourceKind::Snapshot,
                _,
                Some(date),
            ) => {
                format!("{} (recorded text of {date}, not fetched)", src.document)
            }
            (_, Some(at), _) => format!("{}, fetched {}", src.document, at.get(..10).unwrap_or(at)),
            _ => src.document.clone(),
        })
        .collect();
    (!pages.is_empty()).then(|| format!("From {}.", pages.join("; ")))
}

/// The legend under a comparison: the tag names tables shorten, what the marks mean, and each verdict
/// the report shows, in a few words.
pub fn compare_legend(report: &crate::stages::compare::CompareReport) -> String {
    use crate::stages::compare::Verdict;
    let shortened: Vec<String> = (Tag::ALL.iter())
        .filter(|t| t.about().short != t.as_str())
        .map(|t| format!("[{}] is {}", t.about().short, t.as_str()))
        .collect();
    let verdicts: Vec<String> = (Verdict::ALL.into_iter())
        .filter(|&v| report.has(v))
        .map(|v| format!("{}: {}", v.as_str(), v.gloss()))
        .collect();
    let mut out = String::from("Tags: ");
    if !shortened.is_empty() {
        out.push_str(&shortened.join(", "));
        out.push_str("; ");
    }
    out.push_str("[tag] the text says it does, [no tag] it says it does not.");
    if !verdicts.is_empty() {
        out.push_str(" Verdicts: ");
        out.push_str(&verdicts.join("; "));
        out.push_str(" (orgcheck help compare says more).");
    }
    out
}

/// What changed since `compare --baseline`, one line each: verdicts first, then statements; a line
/// saying nothing changed when nothing did.
pub fn change_lines(changes: &crate::stages::compare::Changes) -> Vec<String> {
    if changes.is_empty() {
        return vec![format!("Nothing changed since {}.", changes.baseline)];
    }
    let verdicts = changes.verdicts.iter().map(|c| c.line());
    verdicts.chain(changes.statements.iter().map(|c| c.line())).collect()
}

/// The short label a table shows for a finding: "sharing", "no sharing", "no sharing except legal,
/// consent".
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

/// A change of page rather than of policy, as one line ("Page replaced: …"), when the diff is one.
pub fn page_change_line(body: &DiffBody) -> Option<String> {
    if let Some(l) = &body.language_change {
        Some(format!("Language: {}.", l.line()))
    } else if let Some(r) = &body.replaced {
        Some(format!(
            "Page replaced: {}.",
            r.line().trim_start_matches("page replaced: ")
        ))
    } else {
        body.reverted_to
            .as_ref()
            .map(|r| format!("Reverted: {}.", r.line().trim_start_matches("reverted ")))
    }
}

/// The lines of a history after its table, in version order: each event, and each change of page
/// (language, another document, a return to an earlier version), as (version index, line).
pub fn history_lines(report: &crate::stages::history::HistoryReport) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = report.events.iter().map(|e| (e.version, e.line())).collect();
    for step in &report.steps {
        if let Some(line) = page_change_line(&step.diff) {
            lines.push((step.to, line));
        }
    }
    lines.sort_by_key(|(v, _)| *v);
    lines
}

/// What kind of change a changed document had, in a heading's words.
pub fn change_heading(body: &DiffBody) -> &'static str {
    if body.language_change.is_some() {
        "changed language"
    } else if body.replaced.is_some() {
        "page replaced"
    } else if body.reverted_to.is_some() {
        "reverted to an earlier version"
    } else if body.meaning_changed {
        "changed in meaning"
    } else {
        "reworded"
    }
}

/// The lines under "what changed in meaning": the net gain and loss per tag and polarity, then each
/// reworded clause whose practice changed scope.
pub fn meaning_lines(body: &DiffBody) -> Vec<String> {
    let mut out: Vec<String> = body.summary.iter().map(|d| d.line()).collect();
    out.extend(body.scope_changes.iter().map(|s| format!("scope of {}", s.line())));
    out
}

/// What a change cut or added that the other version says elsewhere, so that a reader sees why it
/// changed nothing: "still stated elsewhere: sharing, no sharing".
pub fn restated_note(c: &Change) -> Option<String> {
    let labels = |list: &[crate::stages::diff::ClauseFinding]| {
        let mut l: Vec<String> = list
            .iter()
            .map(|f| finding_label(f.tag, f.polarity, &f.exceptions))
            .collect();
        l.dedup();
        l.join(", ")
    };
    match (c.still_stated.is_empty(), c.already_stated.is_empty()) {
        (true, true) => None,
        (false, true) => Some(format!("still stated elsewhere: {}", labels(&c.still_stated))),
        (true, false) => Some(format!("already stated elsewhere: {}", labels(&c.already_stated))),
        (false, false) => Some(format!(
            "still stated elsewhere: {}; already stated elsewhere: {}",
            labels(&c.still_stated),
            labels(&c.already_stated)
        )),
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

/// A word diff written inline, cutting long unchanged stretches so the edits stand out.
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

#[cfg(test)]
mod tests {
    use super::*;

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
