//! A document's history from the store: per tag and polarity, whether each stored version says it,
//! when each practice appeared or disappeared, and the clause changes that did it.

use serde::Serialize;

use crate::analysis::rules::RuleSet;
use crate::analysis::tag::{Polarity, Tag};
use crate::base::error::{Error, Result};
use crate::base::report::{ORGCHECK_VERSION, SCHEMA_VERSION, VersionInfo};
use crate::document::noise::Normaliser;
use crate::inputs::store::Store;
use crate::stages::diff::{self, Change, DiffBody, Reverted, Scope};
use crate::stages::revert;

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

/// Whether an event is a practice the document started or stopped saying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EventChange {
    Gained,
    Lost,
}

impl EventChange {
    pub fn sign(self) -> &'static str {
        match self {
            EventChange::Gained => "+",
            EventChange::Lost => "−",
        }
    }
}

/// A practice a version started or stopped saying, against the last version it can be compared with
/// (same language, the same document): the net change, so a clause that moved or a summary cut while the
/// full text repeats it is no event.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Event {
    /// Index into `versions` of the version that made the change.
    pub version: usize,
    /// That version's own date: when it was captured, by orgcheck or by the archive it was imported from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Index into `versions` of the version it was compared with (the one before, unless that one was in
    /// another language or another document).
    pub since: usize,
    pub tag: Tag,
    pub polarity: Polarity,
    pub change: EventChange,
    /// The words of the first clause that says it (or said it).
    pub evidence: String,
    /// The practice: who does what to which data, for whom.
    pub practice: Scope,
    /// How many clauses say it (or said it) in the changed text.
    pub clauses: usize,
}

impl Event {
    /// "+ third-party-sharing (positive): disclose location → advertisers — "share your location…"".
    pub fn line(&self) -> String {
        // An opt-out is the customer's by nature; saying so adds nothing.
        let practice = match self.tag {
            Tag::OptOut => Scope {
                actor: None,
                ..self.practice.clone()
            }
            .summary(),
            _ => self.practice.summary(),
        };
        let practice = if practice.is_empty() {
            String::new()
        } else {
            format!(": {practice}")
        };
        format!(
            "{} {} ({}){practice} — \"{}\"",
            self.change.sign(),
            self.tag,
            self.polarity.as_str(),
            self.evidence
        )
    }
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
    /// Each practice a version started or stopped saying, in version order.
    pub events: Vec<Event>,
    /// Stored versions that could not be read (damaged files), left out of the history, each with what
    /// to do about it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
    /// The steps between consecutive versions that changed in meaning, or changed page (language,
    /// another document, a return to an earlier version), with their clause changes.
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
    let mut unreadable = Vec::new();
    let mut readable_ids = Vec::new();
    for id in &ids {
        // A damaged version is left out, and said so: one bad file must not hide the whole history.
        match store.read_version(&provider, &document, id) {
            Ok(stored) => {
                versions.push(VersionInfo::from(&stored));
                texts.push(stored.text);
                readable_ids.push(id.clone());
            }
            Err(e @ (Error::StoreCorrupt { .. } | Error::StoreMetadata { .. })) => unreadable.push(e),
            Err(e) => return Err(e),
        }
    }
    if versions.is_empty() && !unreadable.is_empty() {
        return Err(unreadable.swap_remove(0));
    }
    let unreadable: Vec<String> = unreadable.iter().map(Error::to_string).collect();
    let ids = readable_ids;
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
        let findings = reading.into_findings();
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
    // Each version's steps from the one before, and the version it is compared with for events and
    // turns: the last one in its language and of the same document. A version of another language, or a
    // capture of another document, is compared with nothing; the next one is compared across it.
    let hashes: Vec<String> = texts.iter().map(|t| norm.document_hash(t)).collect();
    let mut steps = Vec::new();
    let mut events = Vec::new();
    let mut base_of: Vec<Option<usize>> = vec![None; texts.len()];
    let mut base = 0;
    for i in 1..texts.len() {
        let mut body = diff::diff(rules, norm, &texts[i - 1], &texts[i]);
        if body.changed()
            && body.language_change.is_none()
            && let Some(j) = revert::earlier_same(&hashes, i - 1, i)
        {
            body.revert(Reverted {
                version: ids[j].clone(),
                date: versions[j].date.clone(),
            });
        }
        let elsewhere = body.language_change.is_some() || body.replaced.is_some();
        let compared = match (elsewhere, base == i - 1) {
            (false, true) => Some(&body),
            (false, false) | (true, false) => None,
            (true, true) => {
                steps_push(&mut steps, i, body);
                continue;
            }
        };
        let across;
        let compared = match compared {
            Some(b) => b,
            None => {
                across = diff::diff(rules, norm, &texts[base], &texts[i]);
                if across.language_change.is_some() || across.replaced.is_some() {
                    steps_push(&mut steps, i, body);
                    continue;
                }
                &across
            }
        };
        events.extend(events_of(compared, base, i, &versions[i]));
        base_of[i] = Some(base);
        base = i;
        steps_push(&mut steps, i, body);
    }
    let practices = keys
        .iter()
        .zip(table)
        .filter(|(_, row)| row.iter().any(|p| p.count > 0))
        .map(|(&(tag, polarity), row)| {
            let mut turns = Vec::new();
            for (i, p) in row.iter().enumerate() {
                let before = match (i, base_of[i]) {
                    (0, _) => false,
                    (_, Some(j)) => row[j].count > 0,
                    (_, None) => continue,
                };
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
    let labels = labels(&versions, &ids);
    Ok(HistoryReport {
        schema_version: SCHEMA_VERSION,
        orgcheck_version: ORGCHECK_VERSION.to_string(),
        title: format!("{provider}/{document}"),
        versions,
        labels,
        practices,
        events,
        unreadable,
        steps,
    })
}

/// Keeps a step that changed in meaning or changed page.
fn steps_push(steps: &mut Vec<Step>, to: usize, diff: DiffBody) {
    if diff.meaning_changed || diff.page_change() {
        steps.push(Step { from: to - 1, to, diff });
    }
}

/// The events of version `at` against version `since`: each practice gained or lost, once however many
/// clauses say it.
fn events_of(body: &DiffBody, since: usize, at: usize, version: &VersionInfo) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    // Each event's position in `out` by what it says, so that many clauses make one event cheaply.
    let mut seen: std::collections::HashMap<(bool, String), usize> = std::collections::HashMap::new();
    let lists = |c: &Change| {
        [
            (EventChange::Lost, c.lost.clone()),
            (EventChange::Gained, c.gained.clone()),
        ]
    };
    for c in &body.changes {
        for (change, findings) in lists(c) {
            for f in findings {
                match seen.entry((change == EventChange::Gained, f.key())) {
                    std::collections::hash_map::Entry::Occupied(e) => out[*e.get()].clauses += 1,
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(out.len());
                        out.push(Event {
                            version: at,
                            date: version.date.clone(),
                            since,
                            tag: f.tag,
                            polarity: f.polarity,
                            change,
                            evidence: f.evidence,
                            practice: f.scope,
                            clauses: 1,
                        });
                    }
                }
            }
        }
    }
    // In tag order, gains before losses within a tag and polarity.
    out.sort_by_key(|e| {
        (
            Tag::ALL.iter().position(|t| *t == e.tag),
            e.polarity == Polarity::Negative,
            e.change == EventChange::Lost,
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::store::Meta;

    fn meta(at: &str) -> Meta {
        crate::inputs::store::test_meta(at)
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
        // The Spanish version is read in Spanish, but its findings are not compared with the English ones.
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
    fn events_are_dated_by_their_version_and_a_stray_word_makes_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let base = "We may share your information with our partners.\n\nWe keep records for six years.\n";
        let texts = [
            base.to_string(),
            // One stray word.
            base.replace("six", "seven"),
            // Location data to advertisers, and a summary box that repeats the partner sharing.
            format!(
                "Highlights: we may share your information with our partners.\n\n{}\n\nWe may share your location \
                 data with advertisers.\n",
                base.replace("six", "seven")
            ),
            // A page in Spanish between two English ones: no event at it or after it.
            "Podemos compartir sus datos de ubicación con nuestros socios publicitarios y con otras empresas.".into(),
            format!(
                "{}\n\nWe may share your location data with advertisers.\n",
                base.replace("six", "seven")
            ),
        ];
        let dates = ["2012-03-01", "2013-05-30", "2015-07-14", "2016-01-02", "2016-02-03"];
        for (text, date) in texts.iter().zip(dates) {
            store
                .record("acme", "privacy-policy", meta(&format!("{date}T00:00:00Z")), text)
                .unwrap();
        }
        let rules = RuleSet::default_rules().unwrap();
        let h = history(&store, "acme", &rules, &Normaliser::all()).unwrap();
        let events: Vec<(usize, &str, EventChange, Tag)> = h
            .events
            .iter()
            .map(|e| (e.version, e.date.as_deref().unwrap_or(""), e.change, e.tag))
            .collect();
        assert!(
            events.iter().all(|&(v, _, _, _)| v == 2),
            "events only where a practice changed: {events:?}"
        );
        let location = h
            .events
            .iter()
            .find(|e| e.tag == Tag::Location)
            .expect("a location event");
        assert_eq!(location.date.as_deref(), Some("2015-07-14T00:00:00Z"));
        assert_eq!(location.change, EventChange::Gained);
        assert_eq!(location.since, 1);
        let sharing = h
            .events
            .iter()
            .find(|e| e.tag == Tag::ThirdPartySharing)
            .expect("a sharing event");
        assert!(
            sharing.practice.recipients.iter().any(|r| r.concept == "advertisers"),
            "{:?}",
            sharing.practice
        );
        assert!(
            sharing.line().starts_with("+ third-party-sharing (positive): "),
            "{}",
            sharing.line()
        );
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
