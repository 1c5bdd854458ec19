//! The store: fetched policy texts with their history, as plain files that are easy to read, diff and
//! commit to git.
//!
//! ```text
//! <store>/.lock                                    held while a run writes
//! <store>/<provider>/<document>.txt                latest normalised text
//! <store>/<provider>/<document>.json               its metadata (url, validators, hashes, …)
//! <store>/<provider>/<document>.versions/<id>.txt  every version ever stored, oldest first by id
//! <store>/<provider>/<document>.versions/<id>.json
//! ```
//!
//! A version id is the UTC time it was fetched, `2026-11-28T054207Z` (with `-2`, `-3`… when two land in
//! one second), so ids sort by age. Every file is written to a temporary file and renamed into place,
//! so a crash leaves each file entirely old or entirely new. Writes go history first, then the latest
//! text, then the latest metadata; the metadata holds the text's SHA-256, so a reader can tell an
//! interrupted pair and the next fetch repairs it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::base::error::{Error, Result};
use crate::base::hash::sha256_hex;
use crate::base::report::VersionInfo;

/// The store directory used when neither `--store` nor `ORGCHECK_STORE` says otherwise.
pub const DEFAULT_STORE: &str = ".orgcheck";

/// The store location: `--store`, else `ORGCHECK_STORE`, else `./.orgcheck`.
pub fn default_root(flag: Option<&Path>) -> PathBuf {
    flag.map(Path::to_path_buf)
        .or_else(|| {
            std::env::var_os("ORGCHECK_STORE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from(DEFAULT_STORE))
}

/// What is known about one stored version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The declared URL.
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    /// HTTP status of the response that carried this text.
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// html, text, markdown or pdf.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// When this text was fetched (RFC 3339, UTC).
    pub fetched_at: String,
    /// SHA-256 of the body as received (after HTTP decompression).
    pub raw_sha256: String,
    /// SHA-256 of the normalised text in the `.txt` file.
    pub text_sha256: String,
    pub orgcheck_version: String,
    /// SHA-256 of the declaration (url, select, remove) the text was extracted with.
    pub declaration_sha256: String,
    /// The id of this version in the `.versions` directory.
    #[serde(default)]
    pub version: String,
    /// Set when the text is the DOM a browser rendered, not the HTTP response: absent for plain pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendered: Option<RenderedBy>,
    /// The language most of the text is in (ISO 639-1, ISO 639-3 for a language orgcheck has no word
    /// list for); absent when it could not be told, and in versions stored before languages were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Set for a version imported from an archive (`orgcheck import`): then `fetched_at` is the date the
    /// archive captured it, and `status` 0 (no HTTP response of orgcheck's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<ImportedFrom>,
}

/// Where an imported version came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedFrom {
    /// The file it was read from, as given.
    pub file: String,
    /// The archive's address for it (a Wayback Machine snapshot, an Open Terms Archive commit), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When it was imported (RFC 3339, UTC).
    pub imported_at: String,
}

/// What importing an archived text did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// A new version; `latest` when it is now the newest.
    Added { version: String, latest: bool },
    /// The version stored just before that date has the same text: nothing was added.
    Same { version: String },
}

/// How a rendered version's text was obtained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedBy {
    /// The browser's product and version, e.g. `Chrome/148.0.7778.167`.
    pub browser: String,
    /// Why the page was rendered: "declared render = true", "--render always", "the plain fetch gave
    /// only 12 characters".
    pub why: String,
}

/// A stored text and its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub meta: Meta,
    pub text: String,
}

/// Two versions of one stored document, older first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionPair {
    /// `provider/document`.
    pub title: String,
    pub old: Stored,
    pub new: Stored,
}

/// What recording a fetched text did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The first version of this document.
    New,
    /// A version whose text differs from the latest.
    Changed,
    /// The same text as the latest: no new version.
    Unchanged,
}

#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// Held while a run writes to the store; released when dropped.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Fails unless `provider` and `document` (when given) are ids, and the directories they name are
    /// not links: a store committed from pull requests, or an id typed as `acme/../../x`, must not make a
    /// run read or write outside the store.
    fn checked(&self, provider: &str, document: Option<&str>) -> Result<()> {
        let id_ok = |id: &str| crate::inputs::providers::is_slug(id);
        if !id_ok(provider) || document.is_some_and(|d| !id_ok(d)) {
            return Err(Error::BadStoreId {
                id: match document {
                    Some(d) => format!("{provider}/{d}"),
                    None => provider.to_string(),
                },
            });
        }
        let mut dirs = vec![self.root.join(provider)];
        if let Some(d) = document {
            dirs.push(self.versions_dir(provider, d));
        }
        for dir in dirs {
            if fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(Error::StoreLink { path: dir });
            }
        }
        Ok(())
    }

    fn doc_base(&self, provider: &str, document: &str) -> PathBuf {
        self.root.join(provider).join(document)
    }

    fn latest_paths(&self, provider: &str, document: &str) -> (PathBuf, PathBuf) {
        let base = self.doc_base(provider, document);
        (base.with_extension("txt"), base.with_extension("json"))
    }

    fn versions_dir(&self, provider: &str, document: &str) -> PathBuf {
        self.doc_base(provider, document).with_extension("versions")
    }

    /// Takes the store's lock, waiting up to `wait` for another run to finish.
    pub fn lock(&self, wait: Duration) -> Result<StoreLock> {
        fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let path = self.root.join(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match crate::base::lock::lock_within(&file, wait) {
            Ok(true) => {}
            Ok(false) => {
                return Err(Error::StoreBusy {
                    root: self.root.clone(),
                    lock: path,
                    waited_secs: wait.as_secs(),
                });
            }
            Err(e) => return Err(Error::io(&path, e)),
        }
        // The file stays empty: a store committed to git every night must not change because a run took
        // its lock. (Older versions wrote the holder's pid; that is cleared once.)
        if file.metadata().is_ok_and(|m| m.len() > 0) {
            let _ = file.set_len(0);
        }
        // With the lock held, any temporary file is left over from a run that was killed.
        remove_temp_files(&self.root);
        Ok(StoreLock { _file: file })
    }

    /// The latest stored version, checked against its metadata.
    pub fn latest(&self, provider: &str, document: &str) -> Result<Option<Stored>> {
        self.checked(provider, Some(document))?;
        let (txt, json) = self.latest_paths(provider, document);
        read_pair(&txt, &json)
    }

    /// The latest version or, when the latest pair is damaged (a run killed between its two files, a
    /// truncated file), the newest intact version of the history: what a change is measured against.
    pub fn latest_intact(&self, provider: &str, document: &str) -> Result<Option<Stored>> {
        match self.latest(provider, document) {
            Ok(Some(stored)) => return Ok(Some(stored)),
            Err(e @ (Error::BadStoreId { .. } | Error::StoreLink { .. })) => return Err(e),
            _ => {}
        }
        for id in self.versions(provider, document)?.iter().rev() {
            if let Ok(Some(stored)) = self.version(provider, document, id) {
                return Ok(Some(stored));
            }
        }
        Ok(None)
    }

    /// Counts one more run in a row in which the document was unstable (two fetches seconds apart
    /// differed), in `<provider>/<document>.unstable`; returns the count.
    pub fn note_unstable(&self, provider: &str, document: &str) -> Result<u32> {
        self.checked(provider, Some(document))?;
        let path = self.doc_base(provider, document).with_extension("unstable");
        let runs = fs::read_to_string(&path)
            .ok()
            .and_then(|s| s.lines().next()?.trim().parse::<u32>().ok())
            .unwrap_or(0)
            .saturating_add(1);
        write_atomic(&path, format!("{runs}\n").as_bytes())?;
        Ok(runs)
    }

    /// Forgets the unstable runs of a document that was fetched and recorded.
    pub fn clear_unstable(&self, provider: &str, document: &str) -> Result<()> {
        self.checked(provider, Some(document))?;
        let path = self.doc_base(provider, document).with_extension("unstable");
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Error::io(path, e)),
            _ => Ok(()),
        }
    }

    /// One version from the history, checked against its metadata; `None` when there is no such version.
    pub fn version(&self, provider: &str, document: &str, id: &str) -> Result<Option<Stored>> {
        self.checked(provider, Some(document))?;
        if id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.') {
            return Err(Error::NoSuchVersion {
                dir: self.versions_dir(provider, document),
                problem: format!("`{id}` is not a version id"),
            });
        }
        let dir = self.versions_dir(provider, document);
        read_pair(&dir.join(format!("{id}.txt")), &dir.join(format!("{id}.json")))
    }

    /// Finds a version by id or unique id prefix (`2026-11-28` when one version is from that day), or
    /// by position: `latest`, `previous`, or `latest~N` (N versions before the latest).
    pub fn resolve_version(&self, provider: &str, document: &str, spec: &str) -> Result<String> {
        let ids = self.versions(provider, document)?;
        let not_found = |problem: String| Error::NoSuchVersion {
            dir: self.versions_dir(provider, document),
            problem,
        };
        let back = match spec {
            "latest" => Some(0),
            "previous" => Some(1),
            _ => spec.strip_prefix("latest~").and_then(|n| n.parse::<usize>().ok()),
        };
        if let Some(back) = back {
            return ids
                .len()
                .checked_sub(back + 1)
                .map(|i| ids[i].clone())
                .ok_or_else(|| not_found(format!("`{spec}`: only {} version(s) stored", ids.len())));
        }
        if ids.iter().any(|id| id == spec) {
            return Ok(spec.to_string());
        }
        let matching: Vec<&String> = ids.iter().filter(|id| id.starts_with(spec)).collect();
        match matching.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(not_found(format!(
                "no version `{spec}`; stored versions: {}",
                if ids.is_empty() {
                    "none".to_string()
                } else {
                    ids.join(", ")
                }
            ))),
            many => Err(not_found(format!(
                "`{spec}` matches {} versions ({}); give more of the id",
                many.len(),
                many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// The two versions `orgcheck diff PROVIDER[/DOCUMENT]` compares. A provider with one stored
    /// document needs no document id. `to` defaults to the latest version, `from` to the one before
    /// `to`; each takes what [`Store::resolve_version`] takes.
    pub fn version_pair(&self, target: &str, from: Option<&str>, to: Option<&str>) -> Result<VersionPair> {
        let (provider, document) = self.document_of(target)?;
        let ids = self.versions(&provider, &document)?;
        if ids.is_empty() {
            return Err(Error::NoVersions {
                root: self.root.clone(),
                provider,
                document,
            });
        }
        let to = self.resolve_version(&provider, &document, to.unwrap_or("latest"))?;
        let from = match from {
            Some(spec) => self.resolve_version(&provider, &document, spec)?,
            None => {
                let pos = ids.iter().position(|id| *id == to).unwrap_or(0);
                match pos.checked_sub(1) {
                    Some(p) => ids[p].clone(),
                    None => {
                        return Err(Error::NoEarlierVersion {
                            provider,
                            document,
                            version: to,
                        });
                    }
                }
            }
        };
        Ok(VersionPair {
            old: self.read_version(&provider, &document, &from)?,
            new: self.read_version(&provider, &document, &to)?,
            title: format!("{provider}/{document}"),
        })
    }

    /// One version that must be there (its id came from [`Store::versions`]).
    pub fn read_version(&self, provider: &str, document: &str, id: &str) -> Result<Stored> {
        self.version(provider, document, id)?
            .ok_or_else(|| Error::NoSuchVersion {
                dir: self.versions_dir(provider, document),
                problem: format!("version {id} has no metadata in the store"),
            })
    }

    /// The (provider, document) a `PROVIDER[/DOCUMENT]` argument names. A provider with one stored
    /// document needs no document id.
    pub fn document_of(&self, target: &str) -> Result<(String, String)> {
        let (provider, document) = match target.split_once('/') {
            Some((p, d)) => (p, Some(d)),
            None => (target, None),
        };
        if let Err(e) = self.checked(provider, document) {
            return Err(match e {
                Error::BadStoreId { .. } if Path::new(target).exists() => Error::NothingStored {
                    root: self.root.clone(),
                    provider: target.to_string(),
                    looks_like_file: true,
                },
                e => e,
            });
        }
        Ok(match document {
            Some(d) => (provider.to_string(), d.to_string()),
            None => {
                let mut docs = self.documents(target)?;
                match docs.len() {
                    1 => (target.to_string(), docs.remove(0)),
                    0 => {
                        return Err(Error::NothingStored {
                            root: self.root.clone(),
                            provider: target.to_string(),
                            looks_like_file: Path::new(target).exists(),
                        });
                    }
                    _ => {
                        return Err(Error::SeveralDocuments {
                            provider: target.to_string(),
                            documents: docs,
                        });
                    }
                }
            }
        })
    }

    /// Ids of the documents stored for a provider, sorted.
    pub fn documents(&self, provider: &str) -> Result<Vec<String>> {
        self.checked(provider, None)?;
        let mut ids = names_with_suffix(&self.root.join(provider), ".versions")?;
        ids.sort();
        Ok(ids)
    }

    /// Records a fetched text: a new version when the text differs from the latest, else nothing
    /// (apart from refreshed validators in the metadata).
    pub fn record(&self, provider: &str, document: &str, mut meta: Meta, text: &str) -> Result<Recorded> {
        self.checked(provider, Some(document))?;
        meta.text_sha256 = sha256_hex(text);
        // An unreadable or mismatched latest pair (an interrupted run) is replaced, not trusted: the text is
        // compared with the newest intact version instead.
        let (previous, latest_whole) = match self.latest(provider, document) {
            Ok(Some(stored)) => (Some(stored), true),
            _ => (self.latest_intact(provider, document).ok().flatten(), false),
        };
        let (txt, json) = self.latest_paths(provider, document);
        let existed = json.exists() || !self.versions(provider, document)?.is_empty();
        if let Some(prev) = &previous
            && prev.meta.text_sha256 == meta.text_sha256
        {
            // Same text. Keep the version and its date; remember new validators so the next run can
            // ask "has it changed?" with them.
            let mut refreshed = prev.meta.clone();
            refreshed.etag = meta.etag;
            refreshed.last_modified = meta.last_modified;
            refreshed.declaration_sha256 = meta.declaration_sha256;
            if !latest_whole {
                write_atomic(&txt, prev.text.as_bytes())?;
                write_atomic(&json, &to_json(&refreshed))?;
            } else if refreshed != prev.meta {
                write_atomic(&json, &to_json(&refreshed))?;
            }
            return Ok(Recorded::Unchanged);
        }
        let versions = self.versions_dir(provider, document);
        fs::create_dir_all(&versions).map_err(|e| Error::io(&versions, e))?;
        meta.version = unique_version_id(&versions, &meta.fetched_at);
        // Ids sort by time. A stored id later than now (a clock set wrong, a store copied from another
        // machine) would stay "latest" above every new version; refuse rather than file the new text
        // under it.
        if let Some(newest) = self.versions(provider, document)?.last()
            && version_key(newest).0 > version_key(&meta.version).0
        {
            return Err(Error::FutureVersion {
                dir: versions,
                newest: newest.clone(),
                now: meta.version,
            });
        }
        write_atomic(&versions.join(format!("{}.txt", meta.version)), text.as_bytes())?;
        write_atomic(&versions.join(format!("{}.json", meta.version)), &to_json(&meta))?;
        write_atomic(&txt, text.as_bytes())?;
        write_atomic(&json, &to_json(&meta))?;
        Ok(if existed { Recorded::Changed } else { Recorded::New })
    }

    /// Adds an archived text as a version dated `meta.fetched_at`, in date order among the versions
    /// already stored: the newest one becomes the latest, an older one slots in before it. A text equal
    /// to the version stored just before that date adds nothing. The caller holds the store's lock.
    pub fn import(&self, provider: &str, document: &str, mut meta: Meta, text: &str) -> Result<Imported> {
        self.checked(provider, Some(document))?;
        meta.text_sha256 = sha256_hex(text);
        let ids = self.versions(provider, document)?;
        let versions = self.versions_dir(provider, document);
        let at = unique_version_id(&versions, &meta.fetched_at);
        if let Some(before) = ids.iter().rev().find(|id| version_key(id) <= version_key(&at))
            && let Some(stored) = self.version(provider, document, before)?
            && stored.meta.text_sha256 == meta.text_sha256
        {
            return Ok(Imported::Same {
                version: before.clone(),
            });
        }
        fs::create_dir_all(&versions).map_err(|e| Error::io(&versions, e))?;
        meta.version = at;
        write_atomic(&versions.join(format!("{}.txt", meta.version)), text.as_bytes())?;
        write_atomic(&versions.join(format!("{}.json", meta.version)), &to_json(&meta))?;
        let latest = ids
            .last()
            .is_none_or(|newest| version_key(newest) < version_key(&meta.version));
        if latest {
            let (txt, json) = self.latest_paths(provider, document);
            write_atomic(&txt, text.as_bytes())?;
            write_atomic(&json, &to_json(&meta))?;
        }
        Ok(Imported::Added {
            version: meta.version,
            latest,
        })
    }

    /// Version ids of a document, oldest first.
    pub fn versions(&self, provider: &str, document: &str) -> Result<Vec<String>> {
        self.checked(provider, Some(document))?;
        let mut ids = names_with_suffix(&self.versions_dir(provider, document), ".json")?;
        ids.sort_by(|a, b| version_key(a).cmp(&version_key(b)));
        Ok(ids)
    }
}

/// The names in `dir` that end in `suffix`, without it; none when `dir` does not exist.
fn names_with_suffix(dir: &Path, suffix: &str) -> Result<Vec<String>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    Ok(entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(suffix))
                .map(str::to_string)
        })
        .collect())
}

/// Reads a text and its metadata, checking one against the other. `None` when the metadata is missing.
fn read_pair(txt: &Path, json: &Path) -> Result<Option<Stored>> {
    for path in [txt, json] {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::StoreLink {
                path: path.to_path_buf(),
            });
        }
    }
    let meta_bytes = match fs::read(json) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(json, e)),
    };
    let meta: Meta = serde_json::from_slice(&meta_bytes).map_err(|e| Error::StoreMetadata {
        path: json.to_path_buf(),
        reason: e.to_string(),
    })?;
    let text = fs::read(txt).map_err(|e| Error::io(txt, e))?;
    let text = String::from_utf8(text).map_err(|_| Error::StoreCorrupt {
        path: txt.to_path_buf(),
        problem: "stored text is not UTF-8; delete it and run `orgcheck fetch` again",
    })?;
    if sha256_hex(&text) != meta.text_sha256 {
        let in_history = txt
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d.to_string_lossy().ends_with(".versions"));
        return Err(Error::StoreCorrupt {
            path: txt.to_path_buf(),
            problem: if in_history {
                "this stored version does not match its metadata (an edit, or a damaged disk), and nothing can \
                 repair it: restore it and its .json from a backup or from git, or remove both files to drop this \
                 version from the history (its text is lost; the other versions stay)"
            } else {
                "stored text does not match its metadata (an interrupted run?); run `orgcheck fetch` again to \
                 repair it"
            },
        });
    }
    Ok(Some(Stored { meta, text }))
}

/// Removes `.<name>.<pid>.tmp` files left by interrupted writes, two levels deep (provider and
/// `.versions` directories).
fn remove_temp_files(root: &Path) {
    let mut dirs = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                if depth < 2 {
                    dirs.push((path, depth + 1));
                }
            } else if name.starts_with('.') && name.ends_with(".tmp") {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// Sort key for version ids: the timestamp, then the numeric suffix ("…Z-10" after "…Z-9").
fn version_key(id: &str) -> (&str, u32) {
    match id.rsplit_once("Z-") {
        Some((ts, n)) => (ts, n.parse().unwrap_or(0)),
        None => (id.trim_end_matches('Z'), 0),
    }
}

fn to_json(meta: &Meta) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(meta).expect("metadata serialises");
    v.push(b'\n');
    v
}

/// A version id from an RFC 3339 time: `2026-11-28T05:42:07Z` → `2026-11-28T054207Z`, made unique.
fn unique_version_id(dir: &Path, fetched_at: &str) -> String {
    let base: String = match fetched_at.split_once('T') {
        Some((date, time)) => format!("{date}T{}", time.replace(':', "")),
        None => fetched_at.replace(':', ""),
    };
    let mut id = base.clone();
    let mut n = 1;
    while dir.join(format!("{id}.json")).exists() || dir.join(format!("{id}.txt")).exists() {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// Writes `bytes` to `path` so that readers see either the old file or the new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        // Make the rename itself durable.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

impl From<&Stored> for VersionInfo {
    fn from(stored: &Stored) -> VersionInfo {
        VersionInfo {
            version: Some(stored.meta.version.clone()),
            date: Some(stored.meta.fetched_at.clone()),
            file: None,
            sha256: stored.meta.text_sha256.clone(),
            language: stored.meta.language.clone(),
        }
    }
}

/// Metadata for tests: a fetched HTML page at time `at`.
#[cfg(test)]
pub(crate) fn test_meta(at: &str) -> Meta {
    Meta {
        url: "https://x.example/p".into(),
        final_url: "https://x.example/p".into(),
        status: 200,
        etag: Some("\"v1\"".into()),
        last_modified: None,
        content_type: Some("text/html".into()),
        kind: "html".into(),
        charset: Some("UTF-8".into()),
        fetched_at: at.into(),
        raw_sha256: "00".into(),
        text_sha256: String::new(),
        orgcheck_version: "test".into(),
        declaration_sha256: "d".into(),
        version: String::new(),
        rendered: None,
        language: None,
        imported: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(at: &str) -> Meta {
        test_meta(at)
    }

    #[test]
    fn versions_are_found_by_id_prefix_and_position() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.record("p", "doc", meta("2026-11-27T10:00:00Z"), "one\n").unwrap();
        store.record("p", "doc", meta("2026-11-28T10:00:00Z"), "two\n").unwrap();
        store
            .record("p", "doc", meta("2026-11-28T11:00:00Z"), "three\n")
            .unwrap();
        assert_eq!(store.documents("p").unwrap(), ["doc"]);
        assert!(store.documents("nobody").unwrap().is_empty());
        for (spec, id) in [
            ("latest", "2026-11-28T110000Z"),
            ("previous", "2026-11-28T100000Z"),
            ("latest~2", "2026-11-27T100000Z"),
            ("2026-11-27", "2026-11-27T100000Z"),
        ] {
            assert_eq!(store.resolve_version("p", "doc", spec).unwrap(), id, "{spec}");
        }
        let many = store.resolve_version("p", "doc", "2026-11-28").unwrap_err().to_string();
        assert!(many.contains("matches 2 versions"), "{many}");
        let none = store.resolve_version("p", "doc", "2025").unwrap_err().to_string();
        assert!(none.contains("stored versions: 2026-11-27T100000Z"), "{none}");
        assert!(store.resolve_version("p", "doc", "latest~3").is_err());
        let v = store.version("p", "doc", "2026-11-28T100000Z").unwrap().unwrap();
        assert_eq!(v.text, "two\n");
        assert!(store.version("p", "doc", "nope").unwrap().is_none());
    }

    #[test]
    fn new_unchanged_changed_and_history() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        assert_eq!(store.latest("o2", "p").unwrap(), None);
        assert_eq!(
            store.record("o2", "p", meta("2026-11-28T05:42:07Z"), "one\n").unwrap(),
            Recorded::New
        );
        assert_eq!(
            store.record("o2", "p", meta("2026-11-28T05:50:00Z"), "one\n").unwrap(),
            Recorded::Unchanged
        );
        assert_eq!(
            store.record("o2", "p", meta("2026-11-28T05:50:00Z"), "two\n").unwrap(),
            Recorded::Changed
        );
        assert_eq!(
            store
                .record("o2", "p", meta("2026-11-28T05:50:00Z"), "three\n")
                .unwrap(),
            Recorded::Changed
        );
        let latest = store.latest("o2", "p").unwrap().unwrap();
        assert_eq!(latest.text, "three\n");
        assert_eq!(latest.meta.version, "2026-11-28T055000Z-2");
        assert_eq!(
            store.versions("o2", "p").unwrap(),
            ["2026-11-28T054207Z", "2026-11-28T055000Z", "2026-11-28T055000Z-2"]
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("o2/p.versions/2026-11-28T054207Z.txt")).unwrap(),
            "one\n"
        );
        assert_eq!(fs::read_to_string(dir.path().join("o2/p.txt")).unwrap(), "three\n");
        // No temporary files are left behind.
        let leftovers: Vec<_> = walk(dir.path())
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn unchanged_text_refreshes_validators_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.record("a", "p", meta("2026-01-01T00:00:00Z"), "text\n").unwrap();
        let mut m = meta("2026-02-01T00:00:00Z");
        m.etag = Some("\"v2\"".into());
        assert_eq!(store.record("a", "p", m, "text\n").unwrap(), Recorded::Unchanged);
        let latest = store.latest("a", "p").unwrap().unwrap();
        assert_eq!(latest.meta.etag.as_deref(), Some("\"v2\""));
        assert_eq!(
            latest.meta.fetched_at, "2026-01-01T00:00:00Z",
            "the version keeps its date"
        );
        assert_eq!(store.versions("a", "p").unwrap().len(), 1);
    }

    #[test]
    fn a_mismatched_pair_is_reported_and_repaired() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.record("a", "p", meta("2026-01-01T00:00:00Z"), "text\n").unwrap();
        fs::write(dir.path().join("a/p.txt"), "half-written").unwrap();
        let err = store.latest("a", "p").unwrap_err().to_string();
        assert!(err.contains("does not match its metadata"), "{err}");
        assert_eq!(
            store.latest_intact("a", "p").unwrap().unwrap().text,
            "text\n",
            "the history still has it"
        );
        // The same text again is no change: the pair is repaired from the history, no version is added.
        assert_eq!(
            store.record("a", "p", meta("2026-01-02T00:00:00Z"), "text\n").unwrap(),
            Recorded::Unchanged
        );
        assert_eq!(store.latest("a", "p").unwrap().unwrap().text, "text\n");
        assert_eq!(store.versions("a", "p").unwrap().len(), 1);
        fs::write(dir.path().join("a/p.json"), "{").unwrap();
        assert_eq!(
            store
                .record("a", "p", meta("2026-01-03T00:00:00Z"), "new text\n")
                .unwrap(),
            Recorded::Changed
        );
        assert_eq!(store.latest("a", "p").unwrap().unwrap().text, "new text\n");
    }

    #[test]
    fn taking_the_lock_removes_stale_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.record("a", "p", meta("2026-01-01T00:00:00Z"), "text\n").unwrap();
        let stale = dir.path().join("a/p.versions/.x.txt.999.tmp");
        fs::write(&stale, "partial").unwrap();
        let _lock = store.lock(Duration::ZERO).unwrap();
        assert!(!stale.exists());
        assert!(dir.path().join("a/p.txt").exists());
    }

    #[test]
    fn lock_excludes_a_second_writer() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let held = store.lock(Duration::ZERO).unwrap();
        let err = store.lock(Duration::from_millis(200)).unwrap_err().to_string();
        assert!(err.contains("in use by another orgcheck run"), "{err}");
        drop(held);
        store.lock(Duration::ZERO).unwrap();
    }

    #[test]
    fn the_lock_file_stays_empty_and_any_wait_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        fs::write(dir.path().join(".lock"), "12345\n").unwrap();
        drop(store.lock(Duration::ZERO).unwrap());
        drop(store.lock(Duration::ZERO).unwrap());
        assert_eq!(
            fs::read(dir.path().join(".lock")).unwrap(),
            b"",
            "a nightly commit of the store must not change because a run took the lock"
        );
        let held = store.lock(Duration::ZERO).unwrap();
        drop(held);
        // Longer than the clock can add: no overflow panic.
        drop(store.lock(Duration::MAX).unwrap());
    }

    #[test]
    fn a_version_from_the_future_is_refused_not_buried() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store
            .record("a", "p", meta("2099-01-01T00:00:00Z"), "from a clock far ahead\n")
            .unwrap();
        let err = store
            .record("a", "p", meta("2026-01-02T00:00:00Z"), "today's text\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("2099-01-01T000000Z") && err.contains("in the future"),
            "{err}"
        );
        assert_eq!(
            store.versions("a", "p").unwrap(),
            ["2099-01-01T000000Z"],
            "nothing written"
        );
        assert_eq!(
            store.latest("a", "p").unwrap().unwrap().text,
            "from a clock far ahead\n"
        );
    }

    #[test]
    fn version_ids_sort_numerically() {
        let mut ids = vec![
            "2026-01-01T000000Z-10",
            "2026-01-01T000000Z-2",
            "2026-01-01T000000Z",
            "2025-12-31T235959Z",
        ];
        ids.sort_by(|a, b| version_key(a).cmp(&version_key(b)));
        assert_eq!(
            ids,
            [
                "2025-12-31T235959Z",
                "2026-01-01T000000Z",
                "2026-01-01T000000Z-2",
                "2026-01-01T000000Z-10"
            ]
        );
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }
}
