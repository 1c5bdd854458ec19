//! `orgcheck check`: for each declared document, has the policy changed — and did its meaning?
//!
//! Two modes. Live: the documents are fetched (a change is confirmed by a second fetch, see
//! [`crate::inputs::fetch::FetchOptions::confirm`]) and each new text is compared with the version stored
//! before. Baseline: the store's latest versions are compared with a baseline file written by an
//! earlier `check --update-baseline`, which records per document the version, the hash of its text
//! with the noise taken out, and fingerprints of its tagged clauses.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::analysis::rules::RuleSet;
use crate::base::error::{Error, Result};
use crate::base::report::{ORGCHECK_VERSION, SCHEMA_VERSION, VersionInfo, now_rfc3339};
use crate::document::noise::{Noise, Normaliser};
use crate::inputs::fetch::{DocResult, Status};
use crate::inputs::providers::{Provider, Role};
use crate::inputs::store::{self, Store, Stored};
use crate::stages::diff::{self, ChangeKind, ClauseFinding, ClauseSide, Counts, DiffBody};
use crate::stages::revert;

/// One document's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// No earlier version to compare with: a first recording, not a change.
    New,
    Unchanged,
    Changed,
    /// Two fetches in a row disagreed; nothing was recorded.
    Unstable,
    Failed,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::New => "new",
            CheckStatus::Unchanged => "unchanged",
            CheckStatus::Changed => "changed",
            CheckStatus::Unstable => "unstable",
            CheckStatus::Failed => "failed",
        }
    }
}

/// What the diff of a changed document was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DiffBasis {
    /// Both texts, clause by clause.
    Text,
    /// The old text is no longer stored: the baseline's fingerprints of tagged clauses only.
    Fingerprints,
}

/// The check of one document.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DocCheck {
    pub provider: String,
    pub document: String,
    /// `statement` for a page where the provider tells customers what it does.
    pub role: Role,
    pub url: String,
    pub status: CheckStatus,
    /// Why it failed or is unstable, or a note on how it was compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The version compared against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<VersionInfo>,
    /// The version checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<VersionInfo>,
    /// The texts differ, but only by noise (status `unchanged`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub noise_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff_basis: Option<DiffBasis>,
    /// The clause changes and the per-tag summary (status `changed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<DiffBody>,
}

impl DocCheck {
    fn new(provider: &str, document: &str, url: &str, role: Role, status: CheckStatus) -> DocCheck {
        DocCheck {
            provider: provider.to_string(),
            document: document.to_string(),
            role,
            url: url.to_string(),
            status,
            reason: None,
            old: None,
            new: None,
            noise_only: false,
            diff_basis: None,
            diff: None,
        }
    }

    fn failed(provider: &str, document: &str, url: &str, role: Role, reason: impl Into<String>) -> DocCheck {
        DocCheck {
            reason: Some(reason.into()),
            ..DocCheck::new(provider, document, url, role, CheckStatus::Failed)
        }
    }

    /// The document as reports name it: `privacy-hub (statement page)` for a statement page.
    pub fn label(&self) -> String {
        match self.role {
            Role::Policy => self.document.clone(),
            Role::Statement => format!("{} (statement page)", self.document),
        }
    }

    /// Whether findings were gained or lost.
    pub fn meaning_changed(&self) -> bool {
        self.diff.as_ref().is_some_and(|d| d.meaning_changed)
    }

    /// Sets the status from a diff: `changed` when any clause changed, else `unchanged` (noise only).
    fn with_diff(mut self, body: DiffBody, basis: DiffBasis) -> DocCheck {
        if body.changed() {
            self.status = CheckStatus::Changed;
            self.diff = Some(body);
            self.diff_basis = Some(basis);
        } else {
            self.status = CheckStatus::Unchanged;
            self.noise_only = true;
        }
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Live,
    Baseline,
}

/// How many documents have each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StatusCounts {
    pub new: usize,
    pub unchanged: usize,
    pub changed: usize,
    pub unstable: usize,
    pub failed: usize,
    /// Changed documents whose findings changed.
    pub meaning_changed: usize,
    /// Changed documents whose page is another document.
    pub replaced: usize,
    /// Changed documents that returned to an earlier version.
    pub reverted: usize,
    /// Changed documents whose page changed language.
    pub language_changed: usize,
}

/// The document `orgcheck check --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CheckReport {
    pub schema_version: u32,
    pub orgcheck_version: String,
    /// When the check ran (RFC 3339, UTC).
    pub checked_at: String,
    pub mode: Mode,
    pub store: String,
    /// The baseline file compared against (baseline mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// The noise normalisers in force.
    pub normalisers: Vec<Noise>,
    pub summary: StatusCounts,
    pub documents: Vec<DocCheck>,
}

impl CheckReport {
    pub fn new(
        mode: Mode,
        store: &Store,
        baseline: Option<&Path>,
        norm: &Normaliser,
        documents: Vec<DocCheck>,
    ) -> Self {
        let mut summary = StatusCounts::default();
        for d in &documents {
            *match d.status {
                CheckStatus::New => &mut summary.new,
                CheckStatus::Unchanged => &mut summary.unchanged,
                CheckStatus::Changed => &mut summary.changed,
                CheckStatus::Unstable => &mut summary.unstable,
                CheckStatus::Failed => &mut summary.failed,
            } += 1;
            summary.meaning_changed += usize::from(d.meaning_changed());
            if let Some(body) = &d.diff {
                summary.replaced += usize::from(body.replaced.is_some());
                summary.reverted += usize::from(body.reverted_to.is_some());
                summary.language_changed += usize::from(body.language_change.is_some());
            }
        }
        CheckReport {
            schema_version: SCHEMA_VERSION,
            orgcheck_version: ORGCHECK_VERSION.to_string(),
            checked_at: now_rfc3339(),
            mode,
            store: store.root().display().to_string(),
            baseline: baseline.map(|p| p.display().to_string()),
            normalisers: norm.enabled(),
            summary,
            documents,
        }
    }
}

/// Checks the documents just fetched (`fetch_all` with `confirm` set) against what was stored before.
pub fn check_live(rules: &RuleSet, norm: &Normaliser, store: &Store, results: &[DocResult]) -> Vec<DocCheck> {
    results
        .iter()
        .map(|r| {
            let base = DocCheck::new(&r.provider, &r.document, &r.url, r.role, CheckStatus::Failed);
            let read = |id: Option<&String>| -> Result<Option<Stored>> {
                match id {
                    Some(id) => store.version(&r.provider, &r.document, id),
                    None => Ok(None),
                }
            };
            match r.status {
                Status::Failed | Status::Unstable => DocCheck {
                    status: if r.status == Status::Unstable {
                        CheckStatus::Unstable
                    } else {
                        CheckStatus::Failed
                    },
                    reason: r.reason.clone(),
                    old: read(r.previous_version.as_ref())
                        .ok()
                        .flatten()
                        .map(|s| VersionInfo::from(&s)),
                    ..base
                },
                Status::New | Status::Unchanged | Status::Changed => {
                    let new = match read(r.version.as_ref()) {
                        Ok(Some(s)) => s,
                        Ok(None) => {
                            return DocCheck::failed(
                                &r.provider,
                                &r.document,
                                &r.url,
                                r.role,
                                "the fetched version is missing from the store",
                            );
                        }
                        Err(e) => return DocCheck::failed(&r.provider, &r.document, &r.url, r.role, e.to_string()),
                    };
                    let checked = DocCheck {
                        new: Some(VersionInfo::from(&new)),
                        ..base
                    };
                    match r.status {
                        Status::New => DocCheck {
                            status: CheckStatus::New,
                            ..checked
                        },
                        Status::Unchanged => DocCheck {
                            status: CheckStatus::Unchanged,
                            old: Some(VersionInfo::from(&new)),
                            ..checked
                        },
                        _ => match read(r.previous_version.as_ref()) {
                            Ok(Some(old)) => {
                                let mut body = diff::diff(rules, norm, &old.text, &new.text);
                                let pair = revert::Compared {
                                    provider: &r.provider,
                                    document: &r.document,
                                    old_id: &old.meta.version,
                                    old_text: &old.text,
                                    new_text: &new.text,
                                };
                                revert::mark(&mut body, store, pair, norm);
                                DocCheck {
                                    old: Some(VersionInfo::from(&old)),
                                    ..checked
                                }
                                .with_diff(body, DiffBasis::Text)
                            }
                            // Something was stored before, but nothing intact is left to compare with: a
                            // change may be hidden, so this is not a quiet `new`.
                            Ok(None) => DocCheck {
                                status: CheckStatus::Failed,
                                reason: Some(format!(
                                    "the text changed, but no intact earlier version is left in {} to compare it with; \
                                     the new version is stored, look at the history by hand",
                                    store.root().join(&r.provider).display()
                                )),
                                ..checked
                            },
                            Err(e) => DocCheck {
                                reason: Some(e.to_string()),
                                ..checked
                            },
                        },
                    }
                }
            }
        })
        .collect()
}

/// Checks the store's latest version of every document of `providers` against `baseline`.
pub fn check_baseline(
    rules: &RuleSet,
    norm: &Normaliser,
    store: &Store,
    providers: &[Provider],
    baseline: Option<&Baseline>,
) -> Vec<DocCheck> {
    let mut out = Vec::new();
    for p in providers {
        for d in &p.documents {
            let base = DocCheck::new(&p.id, &d.id, &d.url, d.role, CheckStatus::New);
            let latest = match store.latest(&p.id, &d.id) {
                Ok(Some(s)) => s,
                Ok(None) => {
                    out.push(DocCheck::failed(
                        &p.id,
                        &d.id,
                        &d.url,
                        d.role,
                        format!(
                            "nothing stored in {}; run `orgcheck fetch {}` or `orgcheck check --live` first",
                            store.root().display(),
                            p.id
                        ),
                    ));
                    continue;
                }
                Err(e) => {
                    out.push(DocCheck::failed(&p.id, &d.id, &d.url, d.role, e.to_string()));
                    continue;
                }
            };
            let checked = DocCheck {
                new: Some(VersionInfo::from(&latest)),
                ..base
            };
            let Some(entry) = baseline.and_then(|b| b.find(&p.id, &d.id)) else {
                out.push(checked);
                continue;
            };
            let old_info = VersionInfo {
                version: Some(entry.version.clone()),
                date: Some(entry.fetched_at.clone()),
                file: None,
                sha256: entry.text_sha256.clone(),
                language: None,
            };
            let checked = DocCheck {
                old: Some(old_info),
                ..checked
            };
            if entry.text_sha256 == latest.meta.text_sha256 {
                out.push(DocCheck {
                    status: CheckStatus::Unchanged,
                    ..checked
                });
                continue;
            }
            let same_normalisers = baseline.is_some_and(|b| b.normalisers == norm.enabled());
            match store.version(&p.id, &d.id, &entry.version) {
                Ok(Some(old)) => {
                    let mut body = diff::diff(rules, norm, &old.text, &latest.text);
                    let pair = revert::Compared {
                        provider: &p.id,
                        document: &d.id,
                        old_id: &entry.version,
                        old_text: &old.text,
                        new_text: &latest.text,
                    };
                    revert::mark(&mut body, store, pair, norm);
                    out.push(checked.with_diff(body, DiffBasis::Text));
                }
                _ if same_normalisers && entry.normalised_sha256 == norm.document_hash(&latest.text) => {
                    out.push(DocCheck {
                        status: CheckStatus::Unchanged,
                        noise_only: true,
                        ..checked
                    });
                }
                _ => {
                    let body = fingerprint_diff(rules, norm, entry, &latest.text);
                    let mut c = checked.with_diff(body, DiffBasis::Fingerprints);
                    c.reason = Some(format!(
                        "version {} is no longer in the store: compared by the baseline's fingerprints of tagged \
                         clauses, so changes to untagged clauses are not listed",
                        entry.version
                    ));
                    if c.status == CheckStatus::Unchanged {
                        // The hash says it changed; the fingerprints cannot say where.
                        c.status = CheckStatus::Changed;
                        c.noise_only = false;
                        c.diff = Some(empty_body());
                        c.diff_basis = Some(DiffBasis::Fingerprints);
                    }
                    out.push(c);
                }
            }
        }
    }
    out
}

fn empty_body() -> DiffBody {
    DiffBody {
        meaning_changed: false,
        language_change: None,
        replaced: None,
        reverted_to: None,
        summary: Vec::new(),
        scope_changes: Vec::new(),
        counts: Counts::default(),
        changes: Vec::new(),
    }
}

/// Compares a text with a baseline entry when the old text is gone: tagged clauses of either side
/// whose fingerprints the other side lacks are added or removed.
fn fingerprint_diff(rules: &RuleSet, norm: &Normaliser, entry: &BaselineDoc, text: &str) -> DiffBody {
    let (items, _) = diff::items(rules, norm, text);
    let new_prints: HashSet<String> = items.iter().map(|i| diff::fingerprint(&i.key)).collect();
    let old_prints: HashSet<&str> = entry.clauses.iter().map(|c| c.fingerprint.as_str()).collect();
    let mut counts = Counts::default();
    let mut changes = Vec::new();
    for c in entry.clauses.iter().filter(|c| !new_prints.contains(&c.fingerprint)) {
        counts.removed += 1;
        changes.push(diff::Change {
            kind: ChangeKind::Removed,
            old: Some(ClauseSide {
                index: c.index,
                text: c.text.clone(),
                findings: c.findings.clone(),
            }),
            new: None,
            similarity: None,
            moved: false,
            words: Vec::new(),
            gained: Vec::new(),
            lost: c.findings.iter().filter(|f| f.by_company()).cloned().collect(),
            still_stated: Vec::new(),
            already_stated: Vec::new(),
        });
    }
    for i in items
        .iter()
        .filter(|i| !i.findings.is_empty() && !old_prints.contains(diff::fingerprint(&i.key).as_str()))
    {
        counts.added += 1;
        changes.push(diff::Change {
            kind: ChangeKind::Added,
            old: None,
            new: Some(diff::side(i)),
            similarity: None,
            moved: false,
            words: Vec::new(),
            gained: i.findings.iter().filter(|f| f.by_company()).cloned().collect(),
            lost: Vec::new(),
            still_stated: Vec::new(),
            already_stated: Vec::new(),
        });
    }
    // What the baseline said against what the text says, wherever each stands. A baseline written
    // before findings carried their scope has none: its findings are compared without it.
    let old: Vec<ClauseFinding> = entry.clauses.iter().flat_map(|c| c.findings.iter().cloned()).collect();
    let new: Vec<ClauseFinding> = items.iter().flat_map(|i| i.findings.iter().cloned()).collect();
    let scoped = old.iter().any(|f| f.scope != diff::Scope::default());
    let key = if scoped || old.is_empty() {
        ClauseFinding::key
    } else {
        ClauseFinding::key_without_scope
    };
    diff::net(&mut changes, &old, &new, key);
    let summary = diff::summarise(&changes);
    DiffBody {
        meaning_changed: !summary.is_empty(),
        language_change: None,
        replaced: None,
        reverted_to: None,
        summary,
        scope_changes: Vec::new(),
        counts,
        changes,
    }
}

/// The file `check --update-baseline` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub schema_version: u32,
    pub written_at: String,
    pub orgcheck_version: String,
    /// The normalisers `normalised_sha256` and the fingerprints were computed with.
    pub normalisers: Vec<Noise>,
    pub documents: Vec<BaselineDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineDoc {
    pub provider: String,
    pub document: String,
    pub url: String,
    /// The store version this entry describes.
    pub version: String,
    pub fetched_at: String,
    /// SHA-256 of the stored text.
    pub text_sha256: String,
    /// SHA-256 of the text with the noise taken out ([`Normaliser::document_hash`]).
    pub normalised_sha256: String,
    /// The clauses that have findings.
    pub clauses: Vec<BaselineClause>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineClause {
    /// [`diff::fingerprint`] of the clause's key.
    pub fingerprint: String,
    pub index: usize,
    pub text: String,
    pub findings: Vec<ClauseFinding>,
}

impl Baseline {
    /// Where a store's baseline lives unless `--baseline` says otherwise.
    pub fn default_path(store: &Store) -> PathBuf {
        store.root().join("baseline.json")
    }

    /// Records the store's latest versions of `providers`' documents as the baseline at `path`,
    /// keeping the entries of other documents from the baseline already there. Holds the store's lock,
    /// waiting up to `lock_wait` for another run.
    pub fn update(
        rules: &RuleSet,
        norm: &Normaliser,
        store: &Store,
        providers: &[Provider],
        path: &Path,
        lock_wait: Duration,
    ) -> Result<()> {
        // A fetch running at the same time would change the versions under the baseline being written.
        let _lock = store.lock(lock_wait)?;
        // An unreadable old baseline is replaced: the point of updating is to get a good one.
        let previous = Baseline::load(path).ok().flatten();
        Baseline::from_store(rules, norm, store, providers, previous.as_ref())?.write(path)
    }

    /// Reads a baseline file; `None` when there is none yet.
    pub fn load(path: &Path) -> Result<Option<Baseline>> {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        let bad = |problem: String| Error::Baseline {
            path: path.to_path_buf(),
            problem,
        };
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("not a baseline file: invalid JSON at line {} ({e})", e.line())))?;
        let version = value.get("schema_version").and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(SCHEMA_VERSION)) {
            return Err(bad(format!(
                "baseline schema_version {} is not supported (this orgcheck writes {SCHEMA_VERSION})",
                version.map_or("missing".to_string(), |v| v.to_string())
            )));
        }
        serde_json::from_value(value)
            .map(Some)
            .map_err(|e| bad(format!("not a baseline file ({e})")))
    }

    fn find(&self, provider: &str, document: &str) -> Option<&BaselineDoc> {
        self.documents
            .iter()
            .find(|d| d.provider == provider && d.document == document)
    }

    /// A baseline of the store's latest versions of `providers`' documents, keeping the entries of
    /// other documents from `previous`. Documents with nothing stored are left out.
    pub fn from_store(
        rules: &RuleSet,
        norm: &Normaliser,
        store: &Store,
        providers: &[Provider],
        previous: Option<&Baseline>,
    ) -> Result<Baseline> {
        let mut documents: Vec<BaselineDoc> = Vec::new();
        let mut covered = HashSet::new();
        for p in providers {
            for d in &p.documents {
                covered.insert((p.id.clone(), d.id.clone()));
                let Some(latest) = store.latest(&p.id, &d.id)? else {
                    continue;
                };
                let clauses = diff::items(rules, norm, &latest.text)
                    .0
                    .into_iter()
                    .filter(|i| !i.findings.is_empty())
                    .map(|i| BaselineClause {
                        fingerprint: diff::fingerprint(&i.key),
                        index: i.index,
                        text: i.text,
                        findings: i.findings,
                    })
                    .collect();
                documents.push(BaselineDoc {
                    provider: p.id.clone(),
                    document: d.id.clone(),
                    url: d.url.clone(),
                    version: latest.meta.version.clone(),
                    fetched_at: latest.meta.fetched_at.clone(),
                    text_sha256: latest.meta.text_sha256.clone(),
                    normalised_sha256: norm.document_hash(&latest.text),
                    clauses,
                });
            }
        }
        if let Some(prev) = previous {
            documents.extend(
                prev.documents
                    .iter()
                    .filter(|d| !covered.contains(&(d.provider.clone(), d.document.clone())))
                    .cloned(),
            );
        }
        documents.sort_by(|a, b| (&a.provider, &a.document).cmp(&(&b.provider, &b.document)));
        Ok(Baseline {
            schema_version: SCHEMA_VERSION,
            written_at: now_rfc3339(),
            orgcheck_version: ORGCHECK_VERSION.to_string(),
            normalisers: norm.enabled(),
            documents,
        })
    }

    /// Writes the baseline atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let mut bytes = serde_json::to_vec_pretty(self).expect("baseline serialises");
        bytes.push(b'\n');
        store::write_atomic(path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::store::Meta;

    fn meta(at: &str) -> Meta {
        crate::inputs::store::test_meta(at)
    }

    fn provider() -> Provider {
        let all = crate::inputs::providers::load(&crate::inputs::providers::ProviderSource::Bundled).unwrap();
        let mut p = all.into_iter().find(|p| p.id == "o2").unwrap();
        p.documents.truncate(1);
        p
    }

    const A: &str = "We collect your name.\n\nWe use it to bill you.\n\nYou can write to us.\n";
    const B: &str = "We collect your name.\n\nWe use it to bill you.\n\nWe may share it with advertisers.\n\nYou can \
                     write to us.\n";

    #[test]
    fn baseline_mode_new_unchanged_changed_and_fingerprints() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("store"));
        let rules = RuleSet::default_rules().unwrap();
        let norm = Normaliser::all();
        let p = provider();
        let doc = p.documents[0].id.clone();
        let providers = [p.clone()];

        let missing = check_baseline(&rules, &norm, &store, &providers, None);
        assert_eq!(missing[0].status, CheckStatus::Failed);
        assert!(missing[0].reason.as_ref().unwrap().contains("orgcheck fetch o2"));

        store.record("o2", &doc, meta("2026-11-01T00:00:00Z"), A).unwrap();
        assert_eq!(
            check_baseline(&rules, &norm, &store, &providers, None)[0].status,
            CheckStatus::New
        );
        let baseline = Baseline::from_store(&rules, &norm, &store, &providers, None).unwrap();
        let path = dir.path().join("baseline.json");
        baseline.write(&path).unwrap();
        let baseline = Baseline::load(&path).unwrap().unwrap();
        assert_eq!(
            check_baseline(&rules, &norm, &store, &providers, Some(&baseline))[0].status,
            CheckStatus::Unchanged
        );

        // Noise only.
        store
            .record(
                "o2",
                &doc,
                meta("2026-11-02T00:00:00Z"),
                &A.replace("bill you.", "bill you!"),
            )
            .unwrap();
        let c = &check_baseline(&rules, &norm, &store, &providers, Some(&baseline))[0];
        assert_eq!((c.status, c.noise_only), (CheckStatus::Unchanged, true));

        store.record("o2", &doc, meta("2026-11-03T00:00:00Z"), B).unwrap();
        let c = &check_baseline(&rules, &norm, &store, &providers, Some(&baseline))[0];
        assert_eq!((c.status, c.diff_basis), (CheckStatus::Changed, Some(DiffBasis::Text)));
        assert!(c.meaning_changed());
        assert_eq!(c.old.as_ref().unwrap().version.as_deref(), Some("2026-11-01T000000Z"));

        // The old version gone from the store: fingerprints still find the new sharing clause.
        fs::remove_file(store.root().join(format!("o2/{doc}.versions/2026-11-01T000000Z.json"))).unwrap();
        let c = &check_baseline(&rules, &norm, &store, &providers, Some(&baseline))[0];
        assert_eq!(
            (c.status, c.diff_basis),
            (CheckStatus::Changed, Some(DiffBasis::Fingerprints))
        );
        let d = c.diff.as_ref().unwrap();
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].kind, ChangeKind::Added);
    }

    #[test]
    fn bad_baseline_files_are_named_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        assert!(Baseline::load(&path).unwrap().is_none());
        fs::write(&path, "{ nope").unwrap();
        let e = Baseline::load(&path).unwrap_err().to_string();
        assert!(e.contains("b.json") && e.contains("--update-baseline"), "{e}");
        fs::write(&path, r#"{"schema_version": 99}"#).unwrap();
        let e = Baseline::load(&path).unwrap_err().to_string();
        assert!(e.contains("schema_version 99"), "{e}");
        fs::write(&path, r#"{"schema_version": 1, "documents": 3}"#).unwrap();
        assert!(Baseline::load(&path).is_err());
    }
}
