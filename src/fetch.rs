//! `orgcheck fetch`: downloads every declared document concurrently (politely: a few requests per host),
//! extracts its policy text and records it in the store. One document failing never stops the others,
//! and a failure never touches what is stored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{Error, HttpError, IngestError, Result};
use crate::hash::sha256_hex;
use crate::http::{Fetched, Http, HttpOptions, Validators};
use crate::ingest::{self, Isolation, Origin};
use crate::noise::Normaliser;
use crate::providers::{Document, Provider, Role};
use crate::report::{ORGCHECK_VERSION, now_rfc3339};
use crate::store::{Meta, Recorded, Store};

/// How a fetch run behaves.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub http: HttpOptions,
    /// Documents fetched at once.
    pub concurrency: usize,
    /// Requests at once to one host.
    pub per_host: usize,
    /// How long to wait for another run's store lock.
    pub lock_wait: Duration,
    /// Told as each document finishes, for a progress display.
    pub progress: Arc<dyn Progress>,
    /// Confirm a change before recording it: a text that differs from the latest (after this
    /// normaliser) is fetched again and recorded only when both fetches agree; else it is `unstable`.
    pub confirm: Option<Normaliser>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            http: HttpOptions::default(),
            concurrency: 8,
            per_host: 2,
            lock_wait: Duration::from_secs(5),
            progress: Arc::new(NoProgress),
            confirm: None,
        }
    }
}

/// The outcome for one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Changed,
    Unchanged,
    /// Two fetches in a row gave different texts; nothing was recorded.
    Unstable,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::Unstable => "unstable",
            Status::Failed => "failed",
        }
    }
}

/// What happened to one document, for the summary and `--format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocResult {
    pub provider: String,
    pub document: String,
    /// `statement` for a page where the provider tells customers what it does.
    pub role: Role,
    pub url: String,
    pub status: Status,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Whether the request carried the stored validators (If-None-Match / If-Modified-Since).
    pub conditional: bool,
    /// The stored version the document now has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The latest stored version before this run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_sha256: Option<String>,
    /// Characters of normalised text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chars: Option<usize>,
}

/// The document `orgcheck fetch --format json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct FetchReport<'a> {
    pub schema_version: u32,
    pub store: String,
    pub results: &'a [DocResult],
}

impl<'a> FetchReport<'a> {
    pub fn new(store: &Store, results: &'a [DocResult]) -> Self {
        FetchReport {
            schema_version: crate::report::SCHEMA_VERSION,
            store: store.root().display().to_string(),
            results,
        }
    }

    /// Documents that failed.
    pub fn failed(&self) -> usize {
        self.count(Status::Failed)
    }

    fn count(&self, status: Status) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }

    /// What a person reads after a run: a line per document (failures with the reason and URL), then
    /// the counts. `quiet` keeps only the failures, and the counts when something failed.
    pub fn lines(&self, quiet: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for r in self.results {
            let name = format!("{}/{}", r.provider, r.document);
            match r.status {
                Status::Failed => lines.push(format!(
                    "{name}: failed: {} ({})",
                    r.reason.as_deref().unwrap_or("unknown reason"),
                    r.url
                )),
                status if !quiet => {
                    let detail = match (r.chars, &r.version) {
                        (Some(chars), Some(v)) => format!(" ({chars} characters, version {v})"),
                        _ => String::new(),
                    };
                    lines.push(format!("{name}: {}{detail}", status.as_str()));
                }
                _ => {}
            }
        }
        let failed = self.failed();
        if !quiet || failed > 0 {
            lines.push(format!(
                "{} document{} into {}: {} new, {} changed, {} unchanged, {} failed",
                self.results.len(),
                if self.results.len() == 1 { "" } else { "s" },
                self.store,
                self.count(Status::New),
                self.count(Status::Changed),
                self.count(Status::Unchanged),
                failed
            ));
        }
        lines
    }
}

/// SHA-256 of what decides extraction: a changed declaration must not be answered with "304 unchanged".
pub fn declaration_hash(doc: &Document) -> String {
    let json = serde_json::json!({"url": doc.url, "select": doc.select, "remove": doc.remove});
    sha256_hex(json.to_string())
}

/// Builds the runtime used for network work.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// Fetches one URL and extracts its text, without a store: for `orgcheck extract URL`.
pub fn fetch_url(url: &str, options: &HttpOptions, isolation: &Isolation) -> Result<(Fetched, ingest::Document)> {
    let http_error = |error| Error::Http {
        url: url.to_string(),
        error,
    };
    let http = Http::new(options.clone()).map_err(Error::HttpClient)?;
    let rt = runtime().map_err(Error::Runtime)?;
    let fetched = rt.block_on(http.get(url, &Validators::default())).map_err(http_error)?;
    let mut extracted = extract_body(&fetched, isolation).map_err(|error| Error::Document {
        name: url.to_string(),
        error,
    })?;
    // Reports name the document as the user did, not by where redirects led.
    extracted.source = url.to_string();
    Ok((fetched, extracted))
}

/// The policy text of a response (an empty body for a 304 without one).
fn extract_body(fetched: &Fetched, isolation: &Isolation) -> Result<ingest::Document, IngestError> {
    let origin = Origin::Page {
        url: &fetched.final_url,
        content_type: fetched.content_type.as_deref(),
    };
    let body = fetched.body.as_deref().unwrap_or_default();
    ingest::document(&fetched.final_url, body, origin, None, isolation)
}

/// What a fetch run tells as it goes, for a progress bar. Called from the runtime's threads.
pub trait Progress: Send + Sync {
    /// The run is about to fetch `total` documents.
    fn start(&self, _total: usize) {}
    /// A document's download starts (it has its connection slots).
    fn begin(&self, _provider: &str, _document: &str) {}
    /// One document is done, whatever its outcome.
    fn done(&self, _provider: &str, _document: &str) {}
    /// Every document is done.
    fn finish(&self) {}
}

/// Tells nothing.
pub struct NoProgress;

impl Progress for NoProgress {}

impl std::fmt::Debug for dyn Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

struct Job {
    provider: String,
    doc: Document,
}

/// Fetches the documents of `providers` into `store`, in parallel, and reports on each in the order
/// declared. Errors only when the store cannot be locked or the network runtime cannot start;
/// everything else is a per-document failure.
pub fn fetch_all(providers: &[Provider], store: &Store, options: &FetchOptions) -> Result<Vec<DocResult>> {
    let _lock = store.lock(options.lock_wait)?;
    let jobs: Vec<Job> = providers
        .iter()
        .flat_map(|p| {
            p.documents.iter().map(|d| Job {
                provider: p.id.clone(),
                doc: d.clone(),
            })
        })
        .collect();
    let http = Http::new(options.http.clone()).map_err(Error::HttpClient)?;
    let rt = runtime().map_err(Error::Runtime)?;
    let progress = options.progress.clone();
    progress.start(jobs.len());
    let global = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let confirm = Arc::new(options.confirm.clone());
    let results = rt.block_on(async {
        let mut handles = Vec::with_capacity(jobs.len());
        for job in jobs {
            let host = host_key(&job.doc.url);
            let host_limit = hosts
                .entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(options.per_host.max(1))))
                .clone();
            let (global, http, store, progress) = (global.clone(), http.clone(), store.clone(), progress.clone());
            let confirm = confirm.clone();
            let name = (
                job.provider.clone(),
                job.doc.id.clone(),
                job.doc.url.clone(),
                job.doc.role,
            );
            handles.push((
                name,
                tokio::spawn(async move {
                    // The host's slot first, so a busy host does not hold global slots while it waits.
                    let host = host_limit.acquire_owned().await.expect("semaphore never closed");
                    let global = global.acquire_owned().await.expect("semaphore never closed");
                    let slots = Slots {
                        _host: host,
                        _global: global,
                    };
                    progress.begin(&job.provider, &job.doc.id);
                    let result = fetch_document(&http, &store, &job, confirm.as_ref().as_ref(), slots).await;
                    progress.done(&job.provider, &job.doc.id);
                    result
                }),
            ));
        }
        let mut results = Vec::with_capacity(handles.len());
        for ((provider, document, url, role), handle) in handles {
            // A task that died (a bug) fails its document, not the run.
            results.push(handle.await.unwrap_or_else(|e| DocResult {
                reason: Some(format!("internal error while fetching: {e}; please report it")),
                ..DocResult::pending(provider, document, url, role)
            }));
        }
        results
    });
    options.progress.finish();
    Ok(results)
}

fn host_key(url: &str) -> String {
    url::Url::parse(url).map_or_else(
        |_| url.to_string(),
        |u| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or(""),
                u.port_or_known_default().unwrap_or(0)
            )
        },
    )
}

impl DocResult {
    /// A result that is `failed` until something better is known.
    fn pending(provider: String, document: String, url: String, role: Role) -> DocResult {
        DocResult {
            provider,
            document,
            role,
            url,
            status: Status::Failed,
            reason: None,
            final_url: None,
            http_status: None,
            conditional: false,
            version: None,
            previous_version: None,
            text_sha256: None,
            chars: None,
        }
    }
}

/// A document's places in the per-host and global request limits. They limit requests, not local
/// work, so they are given back as soon as the network part of a fetch is over.
struct Slots {
    _host: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

async fn fetch_document(
    http: &Http,
    store: &Store,
    job: &Job,
    confirm: Option<&Normaliser>,
    slots: Slots,
) -> DocResult {
    let mut result = DocResult::pending(
        job.provider.clone(),
        job.doc.id.clone(),
        job.doc.url.clone(),
        job.doc.role,
    );
    let declaration = declaration_hash(&job.doc);
    // A broken latest pair is not trusted: changes are measured against the newest intact version, and
    // the fetch repairs the pair.
    let whole = store.latest(&job.provider, &job.doc.id).ok().flatten();
    // Without validators from a broken pair the server sends the page in full, and recording it repairs
    // the pair.
    let validators = match &whole {
        Some(s) if s.meta.declaration_sha256 == declaration => Validators {
            etag: s.meta.etag.clone(),
            last_modified: s.meta.last_modified.clone(),
        },
        _ => Validators::default(),
    };
    let latest = match whole {
        Some(s) => Some(s),
        None => store.latest_intact(&job.provider, &job.doc.id).ok().flatten(),
    };
    result.previous_version = latest.as_ref().map(|s| s.meta.version.clone());
    result.conditional = validators != Validators::default();
    let fetched = match http.get(&job.doc.url, &validators).await {
        Ok(f) => f,
        Err(e) => return failed(result, &e),
    };
    result.final_url = Some(fetched.final_url.clone());
    result.http_status = Some(fetched.status);
    let Some(body) = &fetched.body else {
        // 304 Not Modified: what is stored is current.
        return match latest {
            Some(s) => DocResult {
                status: Status::Unchanged,
                version: Some(s.meta.version.clone()),
                chars: Some(s.text.chars().count()),
                text_sha256: Some(s.meta.text_sha256),
                ..result
            },
            None => DocResult {
                reason: Some("the server answered 304 Not Modified, but nothing is stored".into()),
                ..result
            },
        };
    };
    let isolation = match Isolation::new(&job.doc.select, &job.doc.remove) {
        Ok(i) => i,
        Err(reason) => {
            return DocResult {
                reason: Some(reason.to_string()),
                ..result
            };
        }
    };
    let extracted = match extract_body(&fetched, &isolation) {
        Ok(x) => x,
        Err(reason) => {
            return DocResult {
                reason: Some(reason.to_string()),
                ..result
            };
        }
    };
    if let (Some(norm), Some(prev)) = (confirm, &latest)
        && let Some((status, reason)) = confirm_change(http, job, &isolation, norm, &prev.text, &extracted.text).await
    {
        if status != Status::Unstable {
            return DocResult {
                status,
                reason: Some(reason),
                ..result
            };
        }
        // A page that never settles is not being watched: after a few runs in a row, a failure.
        let runs = store.note_unstable(&job.provider, &job.doc.id).unwrap_or(1);
        return if runs >= UNSTABLE_RUNS {
            DocResult {
                status: Status::Failed,
                reason: Some(format!(
                    "unstable for {runs} runs in a row, so changes to this page are not being seen: {reason}; \
                     add `remove` selectors for the part that varies, or turn it into noise (docs/ci.md)"
                )),
                ..result
            }
        } else {
            DocResult {
                status,
                reason: Some(format!(
                    "{reason} (run {runs} in a row; at {UNSTABLE_RUNS} it counts as failed)"
                )),
                ..result
            }
        };
    }
    // No more requests for this document: the next one may start while this one is written.
    drop(slots);
    let meta = Meta {
        url: job.doc.url.clone(),
        final_url: fetched.final_url.clone(),
        status: fetched.status,
        etag: fetched.etag.clone(),
        last_modified: fetched.last_modified.clone(),
        content_type: fetched.content_type.clone(),
        kind: extracted.format.as_str().to_string(),
        charset: extracted.charset.map(str::to_string),
        fetched_at: now_rfc3339(),
        raw_sha256: sha256_hex(body),
        text_sha256: String::new(),
        orgcheck_version: ORGCHECK_VERSION.to_string(),
        declaration_sha256: declaration,
        version: String::new(),
    };
    // Writing is blocking file I/O with fsyncs: off the runtime's few worker threads, so that other
    // downloads keep going meanwhile.
    let (store2, provider, document, text) = (
        store.clone(),
        job.provider.clone(),
        job.doc.id.clone(),
        extracted.text.clone(),
    );
    let written = tokio::task::spawn_blocking(move || {
        store2
            .record(&provider, &document, meta, &text)
            .map(|recorded| (recorded, store2.latest(&provider, &document).ok().flatten()))
    })
    .await
    .unwrap_or_else(|e| Err(Error::Internal(format!("writing {}/{}: {e}", job.provider, job.doc.id))));
    if written.is_ok() {
        let _ = store.clear_unstable(&job.provider, &job.doc.id);
    }
    match written {
        Ok((recorded, stored)) => DocResult {
            status: match recorded {
                Recorded::New => Status::New,
                Recorded::Changed => Status::Changed,
                Recorded::Unchanged => Status::Unchanged,
            },
            version: stored.map(|s| s.meta.version),
            text_sha256: Some(sha256_hex(&extracted.text)),
            chars: Some(extracted.text.chars().count()),
            ..result
        },
        Err(e) => DocResult {
            reason: Some(format!("cannot write to the store: {e}")),
            ..result
        },
    }
}

/// When `text` differs from the stored `previous` (beyond noise), fetches the page a second time.
/// Returns why the change cannot be recorded (`Unstable` when the two fetches disagree, `Failed` when the
/// second fetch failed), or `None` when there is nothing to confirm or both fetches agree.
async fn confirm_change(
    http: &Http,
    job: &Job,
    isolation: &Isolation,
    norm: &Normaliser,
    previous: &str,
    text: &str,
) -> Option<(Status, String)> {
    let first = norm.document_hash(text);
    if first == norm.document_hash(previous) {
        return None;
    }
    let second = match http.get(&job.doc.url, &Validators::default()).await {
        Ok(f) => f,
        Err(e) => {
            return Some((
                Status::Failed,
                format!("the page changed, but fetching it again to confirm failed: {e}"),
            ));
        }
    };
    if second.body.is_none() {
        return Some((
            Status::Unstable,
            "the page changed, then the server answered 304 Not Modified; nothing recorded".into(),
        ));
    }
    match extract_body(&second, isolation) {
        Ok(again) if norm.document_hash(&again.text) == first => None,
        Ok(again) => Some((
            Status::Unstable,
            format!(
                "two fetches in a row gave different texts (the page varies between requests; they differ at “{}”); nothing recorded",
                differing_region(text, &again.text)
            ),
        )),
        Err(reason) => Some((
            Status::Failed,
            format!("the page changed, but the second fetch to confirm it gave no policy: {reason}"),
        )),
    }
}

/// Runs in a row a document may be `unstable` before it counts as failed.
pub const UNSTABLE_RUNS: u32 = 3;

/// Where two texts first differ: up to 80 characters of `a` from there, so that a user can see what
/// varies (a timestamp, a request id, a rotating banner).
fn differing_region(a: &str, b: &str) -> String {
    let start = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    // Back to the start of the word, so the excerpt reads.
    let from = a[..start].rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let excerpt: String = a[from..].chars().take(80).collect();
    excerpt.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn failed(result: DocResult, e: &HttpError) -> DocResult {
    let http_status = match e {
        HttpError::Status { status, .. } => Some(*status),
        _ => None,
    };
    DocResult {
        reason: Some(e.to_string()),
        http_status,
        ..result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::sync::Mutex;

    /// Records what a run tells its progress display, and when.
    #[derive(Default)]
    struct Events(Mutex<Vec<String>>);

    impl Progress for Events {
        fn start(&self, total: usize) {
            self.0.lock().unwrap().push(format!("start {total}"));
        }
        fn begin(&self, provider: &str, document: &str) {
            self.0.lock().unwrap().push(format!("begin {provider}/{document}"));
        }
        fn done(&self, provider: &str, document: &str) {
            self.0.lock().unwrap().push(format!("done {provider}/{document}"));
        }
    }

    /// A slow page must not leave the display empty: each document says when it starts, before the
    /// server has answered.
    #[test]
    fn progress_hears_of_each_document_before_it_is_done() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/p", listener.local_addr().unwrap());
        let events = Arc::new(Events::default());
        let seen = events.clone();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut request = [0u8; 4096];
            let _ = conn.read(&mut request);
            // What the display had been told while this request was still unanswered.
            let before_answer = seen.0.lock().unwrap().clone();
            let body = "We may share your personal information with carefully selected partners, who use it to \
                        show you offers they think you will like.";
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            before_answer
        });
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("acme.toml"),
            format!("name = \"Acme\"\n[[documents]]\nid = \"p\"\nurl = \"{url}\"\n"),
        )
        .unwrap();
        let providers = crate::providers::load(&crate::providers::ProviderSource::Dir(dir.path().into())).unwrap();
        let store = Store::new(dir.path().join("store"));
        let options = FetchOptions {
            progress: events.clone(),
            ..FetchOptions::default()
        };
        let results = fetch_all(&providers, &store, &options).unwrap();
        assert_eq!(results[0].status, Status::New, "{:?}", results[0].reason);
        assert_eq!(server.join().unwrap(), ["start 1", "begin acme/p"]);
        assert_eq!(events.0.lock().unwrap().last().unwrap(), "done acme/p");
    }
}
