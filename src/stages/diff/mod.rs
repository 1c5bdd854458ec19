//! Clause-level comparison of two versions of a policy: which clauses were added, removed, reworded or
//! moved, and what that did to the findings ("third-party-sharing: +1 positive").
//!
//! Both texts are split into clauses and each clause gets a comparison key: its text after the noise
//! normalisers ([`Noise`]). Clauses are aligned on their keys with a patience diff; inside each run of
//! differing clauses, a clause split or joined differently (same words) is noise, and the rest are
//! paired by word similarity, so a reworded clause is *changed* rather than removed plus added. What is
//! left over is matched across the whole document: the same key elsewhere is *moved*.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};

use crate::analysis::language::Language;
use crate::analysis::rules::{ExceptionKind, RuleSet};
use crate::analysis::tag::{Polarity, Tag};
use crate::base::hash::sha256_hex;
use crate::base::report::{ORGCHECK_VERSION, SCHEMA_VERSION, VersionInfo};
use crate::document::noise::{Noise, Normaliser};

mod meaning;
mod page;
mod scope;
pub(crate) use meaning::net;
pub use meaning::summarise;
use meaning::{scope_changes, summarise_except};
pub use page::{PageReplaced, Reverted};
pub use scope::{Scope, ScopeTerm};

/// A short, stable fingerprint of a clause key (the first 16 hex digits of its SHA-256).
pub fn fingerprint(key: &str) -> String {
    sha256_hex(key)[..16].to_string()
}

/// A finding inside a clause of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClauseFinding {
    pub tag: Tag,
    pub polarity: Polarity,
    /// The id of the rule that fired.
    pub rule: String,
    /// The exact words that triggered the rule.
    pub evidence: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// A denial's exception kinds: a change in what a denial excepts is a change in meaning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<ExceptionKind>,
    /// The concepts of its practice: a change in them ("affiliates" → "third parties") is a change in
    /// meaning, other words for the same concepts are not.
    #[serde(default)]
    pub scope: Scope,
}

impl ClauseFinding {
    /// Whether the finding is about what the company does: what the customer or another party may do
    /// ("children can share information with other parties") is no practice of the company's. An
    /// opt-out is the company's practice whoever it names ("you can opt out").
    pub fn by_company(&self) -> bool {
        self.tag == Tag::OptOut || self.scope.actor.is_none()
    }

    /// What the finding says, as a key: equal keys are findings that say the same thing (one tag,
    /// polarity, exceptions and scope).
    pub fn key(&self) -> String {
        format!("{} {}", self.key_without_scope(), self.scope.key_for(self.tag))
    }

    /// The key of the tag, polarity and exceptions alone, for findings recorded without a scope.
    pub fn key_without_scope(&self) -> String {
        let kinds: Vec<&str> = self.exceptions.iter().map(|k| k.as_str()).collect();
        format!("{} {} [{}]", self.tag, self.polarity.as_str(), kinds.join(","))
    }
}

/// One side of a clause change.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ClauseSide {
    /// Position of the clause in its version, from 0.
    pub index: usize,
    pub text: String,
    pub findings: Vec<ClauseFinding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    /// Reworded: the old and new clause are similar enough to be the same clause.
    Changed,
    /// The same clause (after noise) at another place.
    Moved,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::Moved => "moved",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WordOp {
    Equal,
    Delete,
    Insert,
}

/// A run of words in a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WordEdit {
    pub op: WordOp,
    pub text: String,
}

/// One clause that was added, removed, changed or moved.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Change {
    pub kind: ChangeKind,
    /// The clause in the old version (not for `added`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<ClauseSide>,
    /// The clause in the new version (not for `removed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<ClauseSide>,
    /// Word similarity of the two clauses after noise, 0 to 1 (`changed` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
    /// A `changed` clause that also moved.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub moved: bool,
    /// Word-level diff of the old and new text (`changed` only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<WordEdit>,
    /// Findings of the company's practices this clause says and the old version said nowhere (same
    /// tag, polarity, exceptions and scope).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gained: Vec<ClauseFinding>,
    /// Findings this clause said and the new version says nowhere.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<ClauseFinding>,
    /// Findings this clause no longer says that the new version still says elsewhere (a summary cut
    /// while the full text repeats it, a block that moved): no change in meaning.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub still_stated: Vec<ClauseFinding>,
    /// Findings this clause newly says that the old version already said elsewhere.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub already_stated: Vec<ClauseFinding>,
}

impl Change {
    /// Whether the change adds or removes findings.
    pub fn meaningful(&self) -> bool {
        !self.gained.is_empty() || !self.lost.is_empty()
    }
}

/// A reworded clause that still has a finding of one tag and polarity, about other concepts: "sharing:
/// recipients group-companies ("affiliates") → third-parties ("third parties")".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ScopeChange {
    /// Index into `changes`.
    pub change: usize,
    pub tag: Tag,
    pub polarity: Polarity,
    /// The old finding's words.
    pub old_evidence: String,
    /// The new finding's words.
    pub new_evidence: String,
    pub old: Scope,
    pub new: Scope,
    /// What changed, dimension by dimension ("recipients group-companies (\"affiliates\") → …").
    pub changes: Vec<String>,
}

impl ScopeChange {
    /// `third-party-sharing (positive): recipients … → …`.
    pub fn line(&self) -> String {
        format!("{} ({}): {}", self.tag, self.polarity.as_str(), self.changes.join("; "))
    }
}

/// A piece of evidence for a [`TagDelta`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DeltaEvidence {
    /// `+` gained or `-` lost.
    pub sign: String,
    /// Index into `changes`.
    pub change: usize,
    pub evidence: String,
    /// A denial's exception kinds: "we do not share … except as required by law" and "… except with our
    /// partners" are different denials.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<ExceptionKind>,
}

/// What one tag and polarity gained and lost between the versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TagDelta {
    pub tag: Tag,
    pub polarity: Polarity,
    pub gained: usize,
    pub lost: usize,
    pub evidence: Vec<DeltaEvidence>,
}

impl TagDelta {
    /// `third-party-sharing: +1 positive ("pass this data to advertisers")`.
    pub fn line(&self) -> String {
        let mut parts = Vec::new();
        for (sign, n) in [("+", self.gained), ("-", self.lost)] {
            if n == 0 {
                continue;
            }
            let quotes: Vec<String> = self
                .evidence
                .iter()
                .filter(|e| e.sign == sign)
                .take(2)
                .map(|e| {
                    let kinds: Vec<&str> = e.exceptions.iter().map(|k| k.as_str()).collect();
                    if kinds.is_empty() {
                        format!("\"{}\"", e.evidence)
                    } else {
                        format!("\"{}\" except {}", e.evidence, kinds.join(", "))
                    }
                })
                .collect();
            let more = if n > 2 { ", …" } else { "" };
            parts.push(format!(
                "{sign}{n} {} ({}{more})",
                self.polarity.as_str(),
                quotes.join(", ")
            ));
        }
        format!("{}: {}", self.tag, parts.join("; "))
    }
}

/// How many clauses fell into each class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub moved: usize,
    /// Clauses identical in both versions.
    pub unchanged: usize,
    /// Clauses whose text differs only by noise.
    pub noise: usize,
}

/// Two versions in different languages (a site that served its Spanish page one day and its English
/// one the next).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LanguageChange {
    pub from: Language,
    pub to: Language,
}

impl LanguageChange {
    /// "the page changed language: es → en".
    pub fn line(&self) -> String {
        format!(
            "the page changed language: {} → {} ({} to {}); a change of capture, not of meaning, so its findings \
             are not compared",
            self.from.code(),
            self.to.code(),
            self.from.name(),
            self.to.name()
        )
    }
}

/// The result of comparing two versions.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DiffBody {
    /// Whether any finding was gained or lost, or changed scope, in versions of one language.
    pub meaning_changed: bool,
    /// Set when the two versions are in different languages: the text changed, its meaning is not
    /// compared (`meaning_changed` is false and `summary` empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_change: Option<LanguageChange>,
    /// Set when the new version is another document (an error page, a different page at the address):
    /// its findings are not compared (`meaning_changed` is false and `summary` empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced: Option<PageReplaced>,
    /// Set when the new version is, noise aside, one stored before the old one: `meaning_changed` is
    /// false and `summary` empty, since what it says was said before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverted_to: Option<Reverted>,
    /// Per tag and polarity: the net findings gained and lost, over the whole document (a finding cut
    /// in one place and still said in another is neither). Empty when the meaning did not change.
    pub summary: Vec<TagDelta>,
    /// Reworded clauses whose finding kept its tag and polarity while its practice changed: who gets
    /// the data, which data, how identifiable, what is done or why. `summary` leaves these out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scope_changes: Vec<ScopeChange>,
    pub counts: Counts,
    /// The clause changes in document order.
    pub changes: Vec<Change>,
}

impl DiffBody {
    /// Whether any clause changed (noise aside).
    pub fn changed(&self) -> bool {
        !self.changes.is_empty()
    }

    /// Whether the change is one of page rather than of policy: another language, another document,
    /// or a return to an earlier version.
    pub fn page_change(&self) -> bool {
        self.language_change.is_some() || self.replaced.is_some() || self.reverted_to.is_some()
    }

    /// Records that the new version returns to `to`: what it says was said before.
    pub fn revert(&mut self, to: Reverted) {
        self.reverted_to = Some(to);
        self.set_aside();
    }

    /// Leaves the findings uncompared: the change is one of page, not of meaning.
    fn set_aside(&mut self) {
        self.meaning_changed = false;
        self.summary.clear();
        self.scope_changes.clear();
    }
}

/// The document `orgcheck diff --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DiffReport {
    pub schema_version: u32,
    pub orgcheck_version: String,
    /// `provider/document` for stored versions, else the two file names.
    pub title: String,
    pub old: VersionInfo,
    pub new: VersionInfo,
    /// The noise normalisers in force.
    pub normalisers: Vec<Noise>,
    #[serde(flatten)]
    pub diff: DiffBody,
}

impl DiffReport {
    pub fn new(title: String, old: VersionInfo, new: VersionInfo, norm: &Normaliser, diff: DiffBody) -> DiffReport {
        DiffReport {
            schema_version: SCHEMA_VERSION,
            orgcheck_version: ORGCHECK_VERSION.to_string(),
            title,
            old,
            new,
            normalisers: norm.enabled(),
            diff,
        }
    }
}

/// A clause prepared for alignment: its position, text, comparison key and findings.
pub(crate) struct Item {
    pub index: usize,
    pub text: String,
    pub key: String,
    pub findings: Vec<ClauseFinding>,
}

/// The clauses of a text with their keys and findings (each run read in its language); clauses with
/// an empty key are left out. Also the text's language.
pub(crate) fn items(rules: &RuleSet, norm: &Normaliser, text: &str) -> (Vec<Item>, Option<Language>) {
    let prepared = norm.prepare(text);
    let reading = rules.read(&prepared);
    let mut items = Vec::new();
    for part in &reading.parts {
        for tc in &part.tagged {
            let findings = match part.rules {
                Some(rules) => (tc.hits.iter())
                    .map(|h| ClauseFinding {
                        tag: h.tag,
                        polarity: h.polarity,
                        rule: rules.rule(h.rule).id.clone(),
                        evidence: tc.clause.text[h.span.clone()].to_string(),
                        cue: h.cue.clone(),
                        exceptions: h.exception_kinds(),
                        scope: Scope::of(&h.practice, &rules.ontology),
                    })
                    .collect(),
                None => Vec::new(),
            };
            items.push(Item {
                index: items.len(),
                text: tc.clause.text.to_string(),
                key: norm.key(tc.clause.text),
                findings,
            });
        }
    }
    items.retain(|i| !i.key.is_empty());
    (items, reading.language)
}

/// Below this word similarity two clauses in the same place are a removal and an addition.
const CHANGED_MIN: f32 = 0.5;
/// Clauses far apart must be this similar to count as one clause that was reworded and moved.
const MOVED_CHANGED_MIN: f32 = 0.75;
/// Pairs of clauses scored in one run before falling back to pairing by position.
const MAX_PAIRS: usize = 250_000;

/// Aligned entries, in document order, before they become [`Change`]s.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry {
    Same(usize, usize),
    Noise(usize, usize),
    Changed(usize, usize, f32, bool),
    Removed(usize),
    Added(usize),
    Moved(usize, usize),
    /// A new clause made of old clauses' words, split differently.
    Reflowed(usize),
    /// Placeholder for an entry that was merged elsewhere.
    Gone,
}

/// Compares two versions of a text clause by clause.
pub fn diff(rules: &RuleSet, norm: &Normaliser, old_text: &str, new_text: &str) -> DiffBody {
    let (old, from) = items(rules, norm, old_text);
    let (new, to) = items(rules, norm, new_text);
    let entries = align(&old, &new, norm.is_on(Noise::Whitespace));
    let mut body = build(&old, &new, &entries);
    if let (Some(from), Some(to)) = (from, to)
        && from != to
    {
        body.language_change = Some(LanguageChange { from, to });
        body.set_aside();
    } else {
        let c = &body.counts;
        let kept = c.unchanged + c.noise + c.changed + c.moved;
        let chars = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
        let smaller = old.len().min(new.len());
        if let Some(replaced) = PageReplaced::judge(chars(old_text), chars(new_text), kept, smaller) {
            body.replaced = Some(replaced);
            body.set_aside();
        }
    }
    body
}

fn align(old: &[Item], new: &[Item], reflow: bool) -> Vec<Entry> {
    let ok: Vec<&str> = old.iter().map(|i| i.key.as_str()).collect();
    let nk: Vec<&str> = new.iter().map(|i| i.key.as_str()).collect();
    let ops = similar::capture_diff_slices(Algorithm::Patience, &ok, &nk);
    let words_old: Vec<HashSet<&str>> = ok.iter().map(|k| k.split_whitespace().collect()).collect();
    let words_new: Vec<HashSet<&str>> = nk.iter().map(|k| k.split_whitespace().collect()).collect();
    let score = |o: usize, n: usize| similarity(ok[o], nk[n], &words_old[o], &words_new[n]);

    let mut entries = Vec::new();
    let mut region: Option<(std::ops::Range<usize>, std::ops::Range<usize>)> = None;
    let flush = |region: &mut Option<(std::ops::Range<usize>, std::ops::Range<usize>)>, entries: &mut Vec<Entry>| {
        if let Some((o, n)) = region.take() {
            align_region(o, n, &ok, &nk, reflow, &score, entries);
        }
    };
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                flush(&mut region, &mut entries);
                for k in 0..len {
                    let (o, n) = (old_index + k, new_index + k);
                    entries.push(if old[o].text == new[n].text {
                        Entry::Same(o, n)
                    } else {
                        Entry::Noise(o, n)
                    });
                }
            }
            other => {
                let (o, n) = (other.old_range(), other.new_range());
                region = Some(match region.take() {
                    Some((ro, rn)) => (ro.start..o.end.max(ro.end), rn.start..n.end.max(rn.end)),
                    None => (o, n),
                });
            }
        }
    }
    flush(&mut region, &mut entries);
    find_moves(&mut entries, &ok, &nk, &score);
    entries.retain(|e| *e != Entry::Gone);
    entries
}

/// Word similarity of two keys (the share of words in common, in order), with a cheap bag-of-words
/// test first so that unrelated clauses cost little.
fn similarity(a: &str, b: &str, wa: &HashSet<&str>, wb: &HashSet<&str>) -> f32 {
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let common = wa.intersection(wb).count();
    let dice = 2.0 * common as f32 / (wa.len() + wb.len()) as f32;
    if dice < CHANGED_MIN * 0.7 {
        return 0.0;
    }
    TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_words(a, b)
        .ratio()
}

/// Aligns one run of differing clauses: clauses whose words reappear split differently are noise,
/// the rest are paired by similarity, in order.
fn align_region(
    o: std::ops::Range<usize>,
    n: std::ops::Range<usize>,
    ok: &[&str],
    nk: &[&str],
    reflow: bool,
    score: &dyn Fn(usize, usize) -> f32,
    entries: &mut Vec<Entry>,
) {
    let (old_covered, new_covered) = if reflow && !o.is_empty() && !n.is_empty() {
        reflowed(ok, nk, o.clone(), n.clone())
    } else {
        (vec![false; o.len()], vec![false; n.len()])
    };
    let ro: Vec<usize> = o.clone().filter(|i| !old_covered[i - o.start]).collect();
    let rn: Vec<usize> = n.clone().filter(|j| !new_covered[j - n.start]).collect();
    // Reflowed clauses are noise; which clause they pair with does not matter.
    entries.extend(
        o.clone()
            .filter(|i| old_covered[i - o.start])
            .map(|i| Entry::Noise(i, n.start)),
    );
    entries.extend(n.clone().filter(|j| new_covered[j - n.start]).map(Entry::Reflowed));
    let (rs, as_) = (ro.len(), rn.len());
    if rs == 0 || as_ == 0 {
        entries.extend(ro.into_iter().map(Entry::Removed));
        entries.extend(rn.into_iter().map(Entry::Added));
        return;
    }
    if rs * as_ > MAX_PAIRS {
        // Too many to score: pair by position where similar.
        let pairs = rs.min(as_);
        for k in 0..pairs {
            let s = score(ro[k], rn[k]);
            if s >= CHANGED_MIN {
                entries.push(Entry::Changed(ro[k], rn[k], s, false));
            } else {
                entries.push(Entry::Removed(ro[k]));
                entries.push(Entry::Added(rn[k]));
            }
        }
        entries.extend(ro[pairs..].iter().copied().map(Entry::Removed));
        entries.extend(rn[pairs..].iter().copied().map(Entry::Added));
        return;
    }
    // Order-preserving pairing that maximises the summed similarity.
    let scores: Vec<f32> = (0..rs)
        .flat_map(|a| (0..as_).map(move |b| (a, b)))
        .map(|(a, b)| score(ro[a], rn[b]))
        .collect();
    let mut best = vec![0f32; (rs + 1) * (as_ + 1)];
    let at = |a: usize, b: usize| a * (as_ + 1) + b;
    for a in (0..rs).rev() {
        for b in (0..as_).rev() {
            let s = scores[a * as_ + b];
            let pair = if s >= CHANGED_MIN {
                s + best[at(a + 1, b + 1)]
            } else {
                f32::MIN
            };
            best[at(a, b)] = pair.max(best[at(a + 1, b)]).max(best[at(a, b + 1)]);
        }
    }
    let (mut a, mut b) = (0, 0);
    while a < rs && b < as_ {
        let s = scores[a * as_ + b];
        if s >= CHANGED_MIN && best[at(a, b)] == s + best[at(a + 1, b + 1)] {
            entries.push(Entry::Changed(ro[a], rn[b], s, false));
            a += 1;
            b += 1;
        } else if best[at(a, b)] == best[at(a + 1, b)] {
            entries.push(Entry::Removed(ro[a]));
            a += 1;
        } else {
            entries.push(Entry::Added(rn[b]));
            b += 1;
        }
    }
    entries.extend(ro[a..].iter().copied().map(Entry::Removed));
    entries.extend(rn[b..].iter().copied().map(Entry::Added));
}

/// Shortest run of words in common that shows a clause was re-split rather than rewritten; a shorter
/// run counts only when it is whole clauses on both sides ("Leeds" alone matching "Leeds" inside a
/// longer clause is a coincidence, not a reflow).
const REFLOW_MIN_RUN: usize = 4;

/// Which clauses of two runs reappear word for word on the other side, split into clauses
/// differently: a word diff of the two runs, where a clause is covered when all its words are in
/// long enough common stretches.
fn reflowed(ok: &[&str], nk: &[&str], o: std::ops::Range<usize>, n: std::ops::Range<usize>) -> (Vec<bool>, Vec<bool>) {
    fn words<'k>(keys: &[&'k str], r: &std::ops::Range<usize>) -> (Vec<&'k str>, Vec<usize>, Vec<usize>) {
        let (mut w, mut owner, mut starts) = (Vec::new(), Vec::new(), Vec::new());
        for (c, key) in keys[r.clone()].iter().enumerate() {
            starts.push(w.len());
            for word in key.split_whitespace() {
                w.push(word);
                owner.push(c);
            }
        }
        starts.push(w.len());
        (w, owner, starts)
    }
    let (ow, oowner, ostarts) = words(ok, &o);
    let (nw, nowner, nstarts) = words(nk, &n);
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, &ow, &nw, Some(deadline));
    // For each word in a common stretch, the word it matches on the other side.
    let mut old_to_new: Vec<Option<usize>> = vec![None; ow.len()];
    let mut new_to_old: Vec<Option<usize>> = vec![None; nw.len()];
    for op in ops {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            let whole = ostarts.contains(&old_index)
                && ostarts.contains(&(old_index + len))
                && nstarts.contains(&new_index)
                && nstarts.contains(&(new_index + len));
            if len >= REFLOW_MIN_RUN || whole {
                for k in 0..len {
                    old_to_new[old_index + k] = Some(new_index + k);
                    new_to_old[new_index + k] = Some(old_index + k);
                }
            }
        }
    }
    let mut old_cov = vec![true; o.len()];
    let mut new_cov = vec![true; n.len()];
    for (w, m) in old_to_new.iter().enumerate() {
        old_cov[oowner[w]] &= m.is_some();
    }
    for (w, m) in new_to_old.iter().enumerate() {
        new_cov[nowner[w]] &= m.is_some();
    }
    // A clause is covered only if the clauses its words went to are covered too: "may be shared"
    // inside a clause that now reads "may not be shared" is not a reflow.
    loop {
        let mut changed = false;
        for (w, m) in old_to_new.iter().enumerate() {
            if let Some(nw_) = m
                && old_cov[oowner[w]]
                && !new_cov[nowner[*nw_]]
            {
                old_cov[oowner[w]] = false;
                changed = true;
            }
        }
        for (w, m) in new_to_old.iter().enumerate() {
            if let Some(ow_) = m
                && new_cov[nowner[w]]
                && !old_cov[oowner[*ow_]]
            {
                new_cov[nowner[w]] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    (old_cov, new_cov)
}

/// Leftover removed and added clauses anywhere in the document: the same key is a move, a very
/// similar one a move with rewording.
fn find_moves(entries: &mut [Entry], ok: &[&str], nk: &[&str], score: &dyn Fn(usize, usize) -> f32) {
    let mut removed: HashMap<&str, Vec<usize>> = HashMap::new();
    for (pos, e) in entries.iter().enumerate() {
        if let Entry::Removed(o) = e {
            removed.entry(ok[*o]).or_default().push(pos);
        }
    }
    for pos in 0..entries.len() {
        let Entry::Added(n) = entries[pos] else { continue };
        if let Some(list) = removed.get_mut(nk[n])
            && !list.is_empty()
        {
            let rpos = list.remove(0);
            let Entry::Removed(o) = entries[rpos] else { continue };
            entries[rpos] = Entry::Gone;
            entries[pos] = Entry::Moved(o, n);
        }
    }
    let left_removed: Vec<usize> = (0..entries.len())
        .filter(|&p| matches!(entries[p], Entry::Removed(_)))
        .collect();
    let left_added: Vec<usize> = (0..entries.len())
        .filter(|&p| matches!(entries[p], Entry::Added(_)))
        .collect();
    if left_removed.is_empty() || left_added.is_empty() || left_removed.len() * left_added.len() > MAX_PAIRS {
        return;
    }
    let mut candidates = Vec::new();
    for &rp in &left_removed {
        let Entry::Removed(o) = entries[rp] else { continue };
        for &ap in &left_added {
            let Entry::Added(n) = entries[ap] else { continue };
            let s = score(o, n);
            if s >= MOVED_CHANGED_MIN {
                candidates.push((s, rp, ap, o, n));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut used = HashSet::new();
    for (s, rp, ap, o, n) in candidates {
        if used.contains(&rp) || used.contains(&ap) {
            continue;
        }
        used.insert(rp);
        used.insert(ap);
        entries[rp] = Entry::Gone;
        entries[ap] = Entry::Changed(o, n, s, true);
    }
}

pub(crate) fn side(item: &Item) -> ClauseSide {
    ClauseSide {
        index: item.index,
        text: item.text.clone(),
        findings: item.findings.clone(),
    }
}

/// The company's findings of `a` that `b` does not say: another tag, polarity, exceptions or scope.
fn missing_from(a: &[ClauseFinding], b: &[ClauseFinding]) -> Vec<ClauseFinding> {
    let said: std::collections::HashSet<String> = b.iter().map(ClauseFinding::key).collect();
    a.iter()
        .filter(|f| f.by_company() && !said.contains(&f.key()))
        .cloned()
        .collect()
}

/// A word-level diff of two clause texts, with runs of one kind merged.
pub fn word_diff(old: &str, new: &str) -> Vec<WordEdit> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_words(old, new);
    let mut out: Vec<WordEdit> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => WordOp::Equal,
            ChangeTag::Delete => WordOp::Delete,
            ChangeTag::Insert => WordOp::Insert,
        };
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => out.push(WordEdit {
                op,
                text: change.value().to_string(),
            }),
        }
    }
    out
}

fn build(old: &[Item], new: &[Item], entries: &[Entry]) -> DiffBody {
    let mut counts = Counts::default();
    let mut changes = Vec::new();
    for e in entries {
        let change = match *e {
            Entry::Same(..) => {
                counts.unchanged += 1;
                continue;
            }
            Entry::Noise(..) => {
                counts.noise += 1;
                continue;
            }
            Entry::Reflowed(_) => continue,
            Entry::Gone => continue,
            Entry::Added(n) => {
                counts.added += 1;
                Change {
                    kind: ChangeKind::Added,
                    old: None,
                    new: Some(side(&new[n])),
                    similarity: None,
                    moved: false,
                    words: Vec::new(),
                    gained: missing_from(&new[n].findings, &[]),
                    lost: Vec::new(),
                    still_stated: Vec::new(),
                    already_stated: Vec::new(),
                }
            }
            Entry::Removed(o) => {
                counts.removed += 1;
                Change {
                    kind: ChangeKind::Removed,
                    old: Some(side(&old[o])),
                    new: None,
                    similarity: None,
                    moved: false,
                    words: Vec::new(),
                    gained: Vec::new(),
                    lost: missing_from(&old[o].findings, &[]),
                    still_stated: Vec::new(),
                    already_stated: Vec::new(),
                }
            }
            Entry::Moved(o, n) => {
                counts.moved += 1;
                Change {
                    kind: ChangeKind::Moved,
                    old: Some(side(&old[o])),
                    new: Some(side(&new[n])),
                    similarity: None,
                    moved: true,
                    words: Vec::new(),
                    gained: Vec::new(),
                    lost: Vec::new(),
                    still_stated: Vec::new(),
                    already_stated: Vec::new(),
                }
            }
            Entry::Changed(o, n, s, moved) => {
                counts.changed += 1;
                Change {
                    kind: ChangeKind::Changed,
                    old: Some(side(&old[o])),
                    new: Some(side(&new[n])),
                    similarity: Some((s * 100.0).round() / 100.0),
                    moved,
                    words: word_diff(&old[o].text, &new[n].text),
                    gained: missing_from(&new[n].findings, &old[o].findings),
                    lost: missing_from(&old[o].findings, &new[n].findings),
                    still_stated: Vec::new(),
                    already_stated: Vec::new(),
                }
            }
        };
        changes.push(change);
    }
    let all = |items: &[Item]| {
        items
            .iter()
            .flat_map(|i| i.findings.iter().cloned())
            .collect::<Vec<_>>()
    };
    net(&mut changes, &all(old), &all(new), ClauseFinding::key);
    let (scope_changes, paired) = scope_changes(&changes);
    let summary = summarise_except(&changes, &paired);
    DiffBody {
        meaning_changed: !summary.is_empty() || !scope_changes.is_empty(),
        language_change: None,
        replaced: None,
        reverted_to: None,
        summary,
        scope_changes,
        counts,
        changes,
    }
}

#[cfg(test)]
mod tests;
