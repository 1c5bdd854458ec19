//! The words of a comparison: a practice in one line, the two practices side by side, and the one
//! sentence per verdict a reader can check against the evidence. English, as the reports are.

use crate::analysis::ontology::{Dimension, Grammar, Ontology, Practice, Term, last_word};
use crate::analysis::rules::ExceptionKind;
use crate::analysis::tag::{Polarity, Tag};
use crate::analysis::tagger::Finding;

use super::grading::{Decided, Pair};
use super::report::{Scope, ScopeComparison, Side, SidedFinding, Verdict};

/// A practice in one line: "sell or pass on · customer data or anonymised data → externally". The
/// data is quoted from the clause: its words merged where they touch ("customer" + "data"), with a
/// pointer or "your" before them ("*this* data", "*your* personal information") and a general word
/// after them ("anonymised *data*"), then what a pointer refers to.
pub fn practice_line(o: &Ontology, practice: &Practice, exceptions: &[ExceptionKind], f: &Finding) -> String {
    let push = |list: &mut Vec<String>, t: &str| {
        if !list.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            list.push(t.to_string());
        }
    };
    let clause = |r: std::ops::Range<usize>| -> Option<&str> {
        let (a, b) = (r.start.checked_sub(f.start)?, r.end.checked_sub(f.start)?);
        f.clause.get(a..b)
    };
    let clause_len = f.clause.len();
    let mut actions = Vec::new();
    for t in &practice.actions {
        push(&mut actions, &t.text);
    }
    let actions = actions.join(" or ");

    let mut own: Vec<&Term> = practice
        .identifiability
        .iter()
        .chain(&practice.data)
        .filter(|t| !t.antecedent && clause(t.start..t.end).is_some())
        .collect();
    own.sort_by_key(|t| (t.start, std::cmp::Reverse(t.end)));
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for t in own {
        match spans.last_mut() {
            Some((_, end)) if t.start <= *end + 1 => *end = (*end).max(t.end),
            _ => spans.push((t.start, t.end)),
        }
    }
    for span in &mut spans {
        let before = clause(f.start..span.0).unwrap_or("");
        let gap = before.len() - before.trim_end().len();
        let pointer =
            last_word(before).filter(|w| Grammar::has(&o.grammar.customer_possessive, w) || o.grammar.is_pointer(w));
        if let Some(w) = pointer
            && gap <= 1
        {
            span.0 -= w.len() + gap;
        }
        let after = clause(span.1..f.start + clause_len).unwrap_or("");
        if let Some(rest) = after.strip_prefix(' ') {
            let word_len = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
            if word_len > 0 && o.is_general_data_word(&rest[..word_len]) {
                span.1 += 1 + word_len;
            }
        }
    }
    // Phrases joined only by "or", "and" or commas in the clause are quoted as one.
    let mut phrases: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match phrases.last_mut() {
            Some((_, prev_end))
                if start >= *prev_end
                    && clause(*prev_end..start).is_some_and(|gap| {
                        let words: Vec<&str> = gap
                            .split(|c: char| c.is_whitespace() || c == ',')
                            .filter(|w| !w.is_empty())
                            .collect();
                        words.len() <= 1 && words.iter().all(|w| Grammar::has(&o.grammar.conjunctions, w))
                    }) =>
            {
                *prev_end = end
            }
            _ => phrases.push((start, end)),
        }
    }
    let mut texts = Vec::new();
    for (start, end) in phrases {
        if let Some(text) = clause(start..end) {
            push(&mut texts, text);
        }
    }
    let mut referred = Vec::new();
    for t in practice
        .identifiability
        .iter()
        .chain(&practice.data)
        .filter(|t| t.antecedent)
    {
        push(&mut referred, &t.text);
    }
    let mut data = texts.join(", ");
    if !referred.is_empty() {
        data.push_str(&format!(" (that is, {})", referred.join(", ")));
    }
    if let Some(source) = &practice.data_source {
        data.push_str(&format!(" ({})", source.text));
    }
    let mut line = [actions, data]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let mut recipients = Vec::new();
    for t in &practice.recipients {
        push(&mut recipients, &t.text);
    }
    if let Some(p) = &practice.unrecognised_recipient {
        push(&mut recipients, &p.text);
    }
    if !recipients.is_empty() {
        line.push_str(&format!(" → {}", recipients.join(", ")));
    }
    let mut purposes = Vec::new();
    for t in &practice.purposes {
        push(&mut purposes, &t.text);
    }
    if !purposes.is_empty() {
        line.push_str(&format!(" for {}", purposes.join(", ")));
    }
    if !exceptions.is_empty() {
        let names: Vec<&str> = exceptions.iter().map(|k| k.as_str()).collect();
        line.push_str(&format!(" except {}", names.join(", ")));
    }
    if line.is_empty() {
        "(no parts named)".to_string()
    } else {
        line
    }
}

impl Scope {
    /// The denial side of a comparison: finding `index` (`f`), its practice and its exceptions.
    pub(crate) fn denial(o: &Ontology, index: usize, f: &Finding) -> Scope {
        let exceptions = f.exception_kinds();
        Scope {
            finding: index,
            line: practice_line(o, &f.practice, &exceptions, f),
            practice: f.practice.clone(),
            exceptions,
        }
    }

    /// The permission side: `practice` as read from finding `index` (`f`).
    pub(crate) fn permission(o: &Ontology, index: usize, f: &Finding, practice: &Practice) -> Scope {
        Scope {
            finding: index,
            line: practice_line(o, practice, &[], f),
            practice: practice.clone(),
            exceptions: Vec::new(),
        }
    }
}

impl Pair {
    pub(super) fn comparison(&self, o: &Ontology, findings: &[SidedFinding]) -> ScopeComparison {
        let denies = Scope::denial(o, self.denial, &findings[self.denial].finding);
        let permission = &findings[self.permission.finding].finding;
        let mut permits = Scope::permission(o, self.permission.finding, permission, &self.permission.practice);
        if let Some(text) = &self.permission.exception {
            permits.line.push_str(&format!(", only as the exception “{text}”"));
        }
        let line = match self.denied_by {
            Side::Statement => format!("denies: {} │ policy permits: {}", denies.line, permits.line),
            Side::Policy => format!("policy denies: {} │ statement asserts: {}", denies.line, permits.line),
        };
        ScopeComparison {
            denied_by: self.denied_by,
            denies,
            permits,
            differs_in: self.graded.differs_in.clone(),
            overlap: if self.graded.differs_in.is_empty() {
                self.graded.overlap.clone()
            } else {
                Practice::default()
            },
            line,
        }
    }
}

fn quote(f: &SidedFinding) -> String {
    format!("“{}”", f.finding.clause)
}

/// "except legal, consent" for a denial with exceptions, else nothing.
fn except_words(f: &SidedFinding) -> String {
    let kinds = f.finding.exception_kinds();
    if kinds.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        format!(" except {}", names.join(", "))
    }
}

/// "action and identifiability", for the parts two practices differ in.
pub(crate) fn parts_named(dims: &[Dimension]) -> String {
    let names: Vec<&str> = dims
        .iter()
        .map(|d| match d {
            Dimension::Action => "what is done",
            Dimension::Identifiability => "how identifiable the data is",
            Dimension::Data => "which data",
            Dimension::Recipient => "who receives it",
            Dimension::Purpose => "what for",
        })
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// For a contradiction: where the two practices overlap, and what the permission names outside it.
pub(crate) fn overlap_words(o: &Ontology, c: &ScopeComparison, permission: &Finding) -> String {
    let mut out = format!(" They overlap in: {}.", practice_line(o, &c.overlap, &[], permission));
    // Named recipients the denial does not reach: "the denial does not reach Tesco companies".
    if !c.overlap.recipients.is_empty() && c.overlap.recipients.len() < c.permits.practice.recipients.len() {
        let recipients: Vec<&str> = c
            .permits
            .practice
            .recipients
            .iter()
            .filter(|t| !c.overlap.recipients.iter().any(|o| o.concept == t.concept))
            .map(|t| t.text.as_str())
            .collect();
        out.push_str(&format!(
            " Of the recipients, only those overlap; the denial does not reach {}.",
            recipients.join(", ")
        ));
    }
    out
}

pub(super) fn reason(
    o: &Ontology,
    tag: Tag,
    d: &Decided,
    scope: Option<&ScopeComparison>,
    findings: &[SidedFinding],
) -> String {
    let statement: Vec<&SidedFinding> = d.statement.iter().map(|&i| &findings[i]).collect();
    let policy: Vec<&SidedFinding> = d.policy.iter().map(|&i| &findings[i]).collect();
    let first = |list: &[&SidedFinding]| list.first().map(|f| quote(f)).unwrap_or_default();
    // A policy permission that is only an exception to a denial is quoted by its exception's words.
    let permits = |list: &[&SidedFinding]| match list.first() {
        Some(f) if f.finding.polarity == Polarity::Negative && !f.finding.exceptions.is_empty() => {
            let e = &f.finding.exceptions[0];
            format!("as an exception, {} (“{}”, in {})", e.kind, e.text, quote(f))
        }
        Some(f) => format!("({})", quote(f)),
        None => String::new(),
    };
    let overlap = scope
        .map(|c| overlap_words(o, c, &findings[c.permits.finding].finding))
        .unwrap_or_default();
    match d.verdict {
        Verdict::NoStatement => format!(
            "No customer statement is recorded; the policy {}.",
            if policy.is_empty() {
                format!("does not mention {tag}")
            } else {
                format!("says {}", first(&policy))
            }
        ),
        Verdict::Contradiction if d.denial => format!(
            "The statement denies {tag}{} ({}) but the policy permits it {}.{overlap}",
            statement.first().map(|f| except_words(f)).unwrap_or_default(),
            first(&statement),
            permits(&policy)
        ),
        Verdict::Contradiction => format!(
            "The statement asserts {tag} ({}) but the policy denies it{} ({}).{overlap}",
            first(&statement),
            policy.first().map(|f| except_words(f)).unwrap_or_default(),
            first(&policy)
        ),
        Verdict::NarrowDenial => {
            let (denies, permitted, differs) = scope
                .map(|c| {
                    (
                        c.denies.line.clone(),
                        c.permits.line.clone(),
                        parts_named(&c.differs_in),
                    )
                })
                .unwrap_or_default();
            format!(
                "The statement denies less than the policy permits: it denies {denies} ({}), the policy permits \
                 {permitted} {}. They differ in {differs}: the statement may be true as far as it goes, and it is \
                 silent on what the policy permits.",
                first(&statement),
                permits(&policy)
            )
        }
        Verdict::Omission => format!(
            "The policy permits {tag} {}; the statement does not mention it.",
            permits(&policy)
        ),
        Verdict::Consistent if statement.is_empty() => format!(
            "The policy denies {tag} ({}); the statement does not mention it.",
            first(&policy)
        ),
        Verdict::Consistent => format!(
            "Statement ({}) and policy ({}) agree.",
            first(&statement),
            first(&policy)
        ),
        Verdict::StatementOnly => format!(
            "The statement mentions {tag} ({}); the policy excerpt is silent.",
            first(&statement)
        ),
        Verdict::NotMentioned => format!("Neither the statement nor the policy mentions {tag}."),
        // Worded where the unread text is known (`compare_with`).
        Verdict::Unreadable => format!("A text was not read, so nothing is said about {tag}."),
    }
}
