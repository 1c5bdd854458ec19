//! A document's history from the store: per tag and polarity, whether each stored version says it,
//! when each practice appeared or disappeared, and the clause changes that did it.

use serde::Serialize;

use crate::analysis::rules::RuleSet;
use crate::analysis::tag::{Polarity, Tag};
use crate::base::error::{Error, Result};
use crate::base::report::{ORGCHECK_VERSION, SCHEMA_VERSION, VersionInfo};
use crate::document::noise::Normaliser;
use crate::inputs::store::Store;
use crate::stages::diff::{self, DiffBody};

/// What one version says about one tag and polarity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Presence {
    /// Findings of this tag and polarity in the version.
    pub count: usize,
    /// The words of the first of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// When a practice appeared or disappeared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Turn {
    Appeared,
    Disappeared,
}

/// One practice (a tag and a polarity) across the versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Practice {
    pub tag: Tag,
    pub polarity: Polarity,
    /// One entry per version, in `versions` order.
    pub versions: Vec<Presence>,
    /// (index into `versions`, what happened there); the first version counts as an appearance. A
    /// version in another language than the one before it is no turn: its findings are not compared.
    pub turns: Vec<(usize, Turn)>,
}

/// Two consecutive versions whose findings differ.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// Index into `versions` of the older one; the newer one is the next.
    pub from: usize,
    pub to: usize,
    #[serde(flatten)]
    pub diff: DiffBody,
}

/// What `orgcheck history --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct HistoryReport {
    pub schema_version: u32,
    pub orgcheck_version: String,
    /// `provider/document`.
    pub title: String,
    /// The stored versions, oldest first.
    pub versions: Vec<VersionInfo>,
    /// A short label per version for column heads: the day it was fetched, or more of the time (or the
    /// version id) where days repeat.
    pub labels: Vec<String>,
    /// Every tag and polarity any version has, in tag order.
    pub practices: Vec<Practice>,
    /// The steps between consecutive versions that gained or lost findings, or changed language, with
    /// their clause changes.
    pub steps: Vec<Step>,
}

/// The shortest labels that tell the versions apart: the fetch day, else the minute, else the id.
fn labels(versions: &[VersionInfo], ids: &[String]) -> Vec<String> {
    let distinct = |l: &[String]| {
        let mut sorted = l.to_vec();
        sorted.sort();
        sorted.windows(2).all(|w| w[0] != w[1])
    };
    let cut = |n: usize| -> Vec<String> {
        versions
            .iter()
            .map(|v| {
                v.date
                    .as_deref()
                    .and_then(|d| d.get(..n))
                    .unwrap_or("")
                    .replace('T', " ")
            })
            .collect()
    };
    let days = cut(10);
    if distinct(&days) && days.iter().all(|d| !d.is_empty()) {
        return days;
    }
    let minutes = cut(16);
    if distinct(&minutes) && minutes.iter().all(|d| !d.is_empty()) {
        return minutes;
    }
    ids.to_vec()
}

/// Most versions read for one history: a history is read whole, and this bounds the work.
pub const MAX_VERSIONS: usize = 500;

/// Reads every stored version of `target` (`PROVIDER[/DOCUMENT]`), tags each, and lines them up.
pub fn history(store: &Store, target: &str, rules: &RuleSet, norm: &Normaliser) -> Result<HistoryReport> {
    let (provider, document) = store.document_of(target)?;
    let mut ids = store.versions(&provider, &document)?;
    if ids.is_empty() {
        return Err(Error::NoVersions {
            root: store.root().to_path_buf(),
            provider,
            document,
        });
    }
    // The latest versions matter most when a history is longer than the bound.
    if ids.len() > MAX_VERSIONS {
        ids.drain(..ids.len() - MAX_VERSIONS);
    }
    let mut versions = Vec::new();
    let mut texts = Vec::new();
    for id in &ids {
        let stored = store.read_version(&provider, &document, id)?;
        versions.push(VersionInfo::from(&stored));
        texts.push(stored.text);
    }
    let keys: Vec<(Tag, Polarity)> = Tag::ALL
        .iter()
        .flat_map(|&t| [(t, Polarity::Positive), (t, Polarity::Negative)])
        .collect();
    let mut table: Vec<Vec<Presence>> = vec![Vec::new(); keys.len()];
    let mut languages = Vec::with_capacity(texts.len());
    for (text, version) in texts.iter().zip(&mut versions) {
        let reading = rules.read(text);
        languages.push(reading.language);
        // Versions stored before languages were recorded get theirs from the text.
        if version.language.is_none() {
            version.language = reading.language.map(|l| l.code().to_string());
        }
        let findings = reading.findings();
        for (k, &(tag, polarity)) in keys.iter().enumerate() {
            let mut of = findings
                .iter()
                .filter(|f| f.tag == tag && f.polarity == polarity && !f.excepted);
            let first = of.next();
            table[k].push(Presence {
                count: first.map_or(0, |_| 1 + of.count()),
                evidence: first.map(|f| f.evidence.clone()),
            });
        }
    }
    let flipped = |i: usize| {
        i.checked_sub(1)
            .is_some_and(|j| matches!((languages[j], languages[i]), (Some(a), Some(b)) if a != b))
    };
    let practices = keys
        .iter()
        .zip(table)
        .filter(|(_, row)| row.iter().any(|p| p.count > 0))
        .map(|(&(tag, polarity), row)| {
            let mut turns = Vec::new();
            for (i, p) in row.iter().enumerate() {
                if flipped(i) {
                    continue;
                }
                let before = i.checked_sub(1).is_some_and(|j| row[j].count > 0);
                match (before, p.count > 0) {
                    (false, true) => turns.push((i, Turn::Appeared)),
                    (true, false) => turns.push((i, Turn::Disappeared)),
                    _ => {}
                }
            }
            Practice {
                tag,
                polarity,
                versions: row,
                turns,
            }
        })
        .collect();
    let steps = (1..texts.len())
        .filter_map(|i| {
            let body = diff::diff(rules, norm, &texts[i - 1], &texts[i]);
            (body.meaning_changed || body.language_change.is_some()).then_some(Step {
                from: i - 1,
                to: i,
                diff: body,
            })
        })
        .collect();
    let labels = labels(&versions, &ids);
    Ok(HistoryReport {
        schema_version: SCHEMA_VERSION,
        orgcheck_version: ORGCHECK_VERSION.to_string(),
        title: format!("{provider}/{document}"),
        versions,
        labels,
        practices,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::store::Meta;

    fn meta(at: &str) -> Meta {
        serde_json::from_value(serde_json::json!({
            "url": "https://acme.example/p", "final_url": "https://acme.example/p", "status": 200,
            "kind": "text", "fetched_at": at, "raw_sha256": "", "text_sha256": "",
            "orgcheck_version": "test", "declaration_sha256": ""
        }))
        .unwrap()
    }

    #[test]
    fn a_version_in_another_language_is_a_step_of_its_own_and_no_turn() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let texts = [
            "Podemos compartir sus datos de ubicación con nuestros socios publicitarios y con otras empresas.",
            "We may share your location data with our advertising partners and with other companies.",
            "We may share your location data with our advertising partners. We never sell your data to anyone.",
        ];
        for (i, text) in texts.iter().enumerate() {
            let at = format!("2026-0{}-01T00:00:00Z", i + 1);
            store.record("acme", "privacy-policy", meta(&at), text).unwrap();
        }
        let rules = RuleSet::default_rules().unwrap();
        let h = history(&store, "acme", &rules, &Normaliser::all()).unwrap();
        let languages: Vec<Option<&str>> = h.versions.iter().map(|v| v.language.as_deref()).collect();
        assert_eq!(languages, [Some("es"), Some("en"), Some("en")]);
        // The Spanish version was not read: its findings are not compared with the English ones.
        for p in &h.practices {
            assert!(
                p.turns.iter().all(|&(i, _)| i != 1),
                "{:?} turns at the change of language",
                p.tag
            );
        }
        let steps: Vec<(usize, usize, bool)> = h
            .steps
            .iter()
            .map(|s| (s.from, s.to, s.diff.language_change.is_some()))
            .collect();
        assert_eq!(steps, [(0, 1, true), (1, 2, false)]);
        assert!(h.steps[1].diff.meaning_changed);
    }

    #[test]
    fn practices_appear_and_disappear_with_the_versions_that_changed_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let texts = [
            "We never sell your personal information.",
            "We never sell your personal information. We may share your location with advertisers.",
            "We never sell your personal information. We keep records for six years.",
        ];
        for (i, text) in texts.iter().enumerate() {
            store
                .record(
                    "acme",
                    "privacy-policy",
                    meta(&format!("2026-0{}-01T00:00:00Z", i + 1)),
                    text,
                )
                .unwrap();
        }
        let rules = RuleSet::default_rules().unwrap();
        let h = history(&store, "acme", &rules, &Normaliser::all()).unwrap();
        assert_eq!(h.title, "acme/privacy-policy");
        assert_eq!(h.versions.len(), 3);
        let sharing = h
            .practices
            .iter()
            .find(|p| {
                p.polarity == Polarity::Positive
                    && p.versions[1].evidence.as_deref() == Some("share your location with advertisers")
            })
            .unwrap();
        assert_eq!(sharing.turns, [(1, Turn::Appeared), (2, Turn::Disappeared)]);
        assert_eq!(
            sharing.versions[1].evidence.as_deref(),
            Some("share your location with advertisers")
        );
        let denial = h
            .practices
            .iter()
            .find(|p| {
                p.polarity == Polarity::Negative
                    && p.versions[0].evidence.as_deref() == Some("sell your personal information")
            })
            .unwrap();
        assert_eq!(denial.turns, [(0, Turn::Appeared)], "present throughout");
        let steps: Vec<(usize, usize)> = h.steps.iter().map(|s| (s.from, s.to)).collect();
        assert_eq!(steps, [(0, 1), (1, 2)]);
    }
}
