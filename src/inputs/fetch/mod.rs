//! `orgcheck fetch`: downloads every declared document concurrently (politely: a few requests per host),
//! extracts its policy text and records it in the store. One document failing never stops the others,
//! and a failure never touches what is stored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::base::error::{Error, IngestError, Result};
use crate::base::hash::sha256_hex;
use crate::document::ingest::{self, Isolation, Origin};
use crate::document::noise::Normaliser;
use crate::inputs::browser::{Browser, BrowserOptions, RenderError};
use crate::inputs::http::{Fetched, Http, HttpOptions, Validators};
use crate::inputs::providers::{Document, Provider, Role};
use crate::inputs::store::Store;

mod document;
mod routes;

pub use document::UNSTABLE_RUNS;
use document::fetch_document;
use routes::{Got, obtain, route};

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
    /// When documents are fetched in the browser.
    pub render: RenderMode,
    /// How the browser runs, when one is needed (its `max_bytes` is the HTTP one).
    pub browser: BrowserOptions,
}

/// When a document is fetched in a headless browser instead of (or after) a plain HTTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RenderMode {
    /// Documents declared `render = true`, and those whose plain fetch gives a script-built shell, too
    /// little text, a `select` that matches nothing, or a 403; without a browser, the plain fetch stands.
    #[default]
    Auto,
    /// Every document not declared `render = false`; without a browser, they fail.
    Always,
    /// None: plain HTTP only.
    Never,
}

/// How a document needed, or got, the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendering {
    /// Why the browser was (or would have been) used: "declared `render = true`", "the plain fetch gave
    /// only 12 characters".
    pub why: String,
    /// The browser that rendered the page; absent when none could be started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// Why no browser could be started; the plain fetch's result was kept instead (in `auto`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
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
            render: RenderMode::Auto,
            browser: BrowserOptions::default(),
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
    /// Set when the page was rendered in the browser, or needed to be and could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rendering: Option<Rendering>,
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
            schema_version: crate::base::report::SCHEMA_VERSION,
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
                    let how = match &r.rendering {
                        Some(Rendering {
                            browser: Some(_), why, ..
                        }) => format!(", rendered ({why})"),
                        _ => String::new(),
                    };
                    lines.push(format!("{name}: {}{how}{detail}", status.as_str()));
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

/// The one note a run gets when documents needed the browser and none could be started: which, why,
/// and what to do. `None` when every document that needed it got it.
pub fn browser_note(results: &[DocResult]) -> Option<String> {
    let kept: Vec<(&DocResult, &Rendering)> = results
        .iter()
        .filter_map(|r| r.rendering.as_ref().filter(|x| x.unavailable.is_some()).map(|x| (r, x)))
        .collect();
    let (_, first) = kept.first()?;
    let which: Vec<String> = kept
        .iter()
        .take(5)
        .map(|(r, x)| format!("{}/{}: {}", r.provider, r.document, x.why))
        .collect();
    let more = kept.len().saturating_sub(which.len());
    Some(format!(
        "{} document{} needed a browser ({}{}), so the plain fetch was used: {}; `--render never` turns this note off",
        kept.len(),
        if kept.len() == 1 { "" } else { "s" },
        which.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        },
        first.unavailable.as_deref().unwrap_or_default()
    ))
}

/// SHA-256 of what decides extraction: a changed declaration must not be answered with "304 unchanged".
pub fn declaration_hash(doc: &Document) -> String {
    let mut json = serde_json::json!({"url": doc.url, "select": doc.select, "remove": doc.remove});
    // Only when declared, so that the hashes of plain pages stay as they were.
    if let Some(render) = doc.render {
        json["render"] = render.into();
    }
    if let Some(wait_for) = &doc.wait_for {
        json["wait_for"] = wait_for.as_str().into();
    }
    sha256_hex(json.to_string())
}

/// Builds the runtime used for network work.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// Fetches one URL and extracts its text, without a store: for `orgcheck extract URL` and `lint URL`.
/// `render` decides as for an undeclared document of `fetch`: `auto` renders the page when its plain
/// fetch looks built by scripts. The `Rendering` says when it was rendered, or needed to be and no
/// browser could be started (then the plain text is returned).
pub fn fetch_url(
    url: &str,
    options: &HttpOptions,
    isolation: &Isolation,
    render: RenderMode,
    browser: &BrowserOptions,
) -> Result<(Fetched, ingest::Document, Option<Rendering>)> {
    let shared = Shared {
        http: Http::new(options.clone()).map_err(Error::HttpClient)?,
        browser: BrowserCell::new(),
        browser_options: BrowserOptions {
            max_bytes: options.max_bytes,
            ..browser.clone()
        },
        render,
    };
    let job = Job {
        provider: String::new(),
        doc: Document::at(url),
    };
    let rt = runtime().map_err(Error::Runtime)?;
    let got = rt.block_on(async {
        let got = obtain(
            &shared,
            &job,
            &Validators::default(),
            isolation,
            route(render, &job.doc),
        )
        .await;
        if let Some(Ok(browser)) = shared.browser.into_inner() {
            browser.close().await;
        }
        got
    });
    match got {
        Ok(Got::Page {
            fetched,
            mut text,
            rendering,
        }) => {
            // Reports name the document as the user did, not by where redirects led.
            text.source = url.to_string();
            Ok((fetched, text, rendering))
        }
        Ok(Got::NotModified(_)) => Err(Error::Internal(format!(
            "{url}: 304 Not Modified to a request without validators"
        ))),
        Err(failure) => {
            let mut reason = failure.reason;
            if let Some(Rendering {
                why,
                unavailable: Some(missing),
                ..
            }) = failure.rendering
            {
                reason = format!("{reason}; the page seems to need a browser ({why}), but {missing}");
            }
            Err(Error::Fetch {
                url: url.to_string(),
                reason,
            })
        }
    }
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

/// The browser of a run: started by the first document that needs it, or the reason it cannot be.
type BrowserCell = tokio::sync::OnceCell<std::result::Result<Browser, RenderError>>;

/// What every document's fetch shares.
struct Shared {
    http: Http,
    browser: BrowserCell,
    browser_options: BrowserOptions,
    render: RenderMode,
}

impl Shared {
    async fn browser(&self) -> std::result::Result<&Browser, &RenderError> {
        self.browser
            .get_or_init(|| Browser::launch(&self.browser_options))
            .await
            .as_ref()
    }
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
    let shared = Arc::new(Shared {
        http: Http::new(options.http.clone()).map_err(Error::HttpClient)?,
        browser: BrowserCell::new(),
        browser_options: BrowserOptions {
            max_bytes: options.http.max_bytes,
            ..options.browser.clone()
        },
        render: options.render,
    });
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
            let (global, shared, store, progress) = (global.clone(), shared.clone(), store.clone(), progress.clone());
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
                    let result = fetch_document(&shared, &store, &job, confirm.as_ref().as_ref(), slots).await;
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
        // Every task has ended, so the browser is the run's alone to close.
        if let Ok(shared) = Arc::try_unwrap(shared)
            && let Some(Ok(browser)) = shared.browser.into_inner()
        {
            browser.close().await;
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
            rendering: None,
        }
    }
}

/// A document's places in the per-host and global request limits. They limit requests, not local
/// work, so they are given back as soon as the network part of a fetch is over.
struct Slots {
    _host: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

#[cfg(test)]
mod tests {
    use super::routes::Route;
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

    fn document(render: Option<bool>, wait_for: Option<&str>) -> Document {
        Document {
            id: "p".into(),
            select: vec!["main".into()],
            render,
            wait_for: wait_for.map(str::to_string),
            ..Document::at("https://acme.example/p")
        }
    }

    #[test]
    fn the_declaration_and_the_mode_choose_the_route() {
        let browser = |why: &str| Route::Browser(why.to_string());
        for (mode, render, want) in [
            (RenderMode::Auto, None, Route::Auto),
            (RenderMode::Auto, Some(true), browser("declared `render = true`")),
            (RenderMode::Auto, Some(false), Route::Plain),
            (RenderMode::Always, None, browser("--render always")),
            (RenderMode::Always, Some(false), Route::Plain),
            (RenderMode::Never, Some(true), Route::Plain),
            (RenderMode::Never, None, Route::Plain),
        ] {
            assert_eq!(route(mode, &document(render, None)), want, "{mode:?} {render:?}");
        }
    }

    /// A plain page's stored declaration hash is what it was before rendering existed, so that its
    /// conditional requests and history carry on unchanged; declaring `render` or `wait_for` changes it.
    #[test]
    fn plain_declarations_hash_as_before() {
        let before = sha256_hex(r#"{"remove":[],"select":["main"],"url":"https://acme.example/p"}"#);
        assert_eq!(declaration_hash(&document(None, None)), before);
        assert_ne!(declaration_hash(&document(Some(true), None)), before);
        assert_ne!(declaration_hash(&document(None, Some("#p"))), before);
    }

    #[test]
    fn one_note_names_the_documents_left_unrendered() {
        let result = |document: &str, rendering: Option<Rendering>| DocResult {
            rendering,
            ..DocResult::pending(
                "acme".into(),
                document.into(),
                "https://acme.example".into(),
                Role::Policy,
            )
        };
        let kept = |why: &str| {
            Some(Rendering {
                why: why.into(),
                browser: None,
                unavailable: Some("Chromium was not found".into()),
            })
        };
        let rendered = Some(Rendering {
            why: "declared `render = true`".into(),
            browser: Some("Chrome/148".into()),
            unavailable: None,
        });
        assert_eq!(browser_note(&[result("a", None), result("b", rendered.clone())]), None);
        let note = browser_note(&[
            result("a", kept("the plain fetch gave only 3 characters")),
            result("b", rendered),
            result("c", kept("declared `render = true`")),
        ])
        .unwrap();
        assert_eq!(
            note,
            "2 documents needed a browser (acme/a: the plain fetch gave only 3 characters; acme/c: declared \
             `render = true`), so the plain fetch was used: Chromium was not found; `--render never` turns this \
             note off"
        );
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
        let providers =
            crate::inputs::providers::load(&crate::inputs::providers::ProviderSource::Dir(dir.path().into())).unwrap();
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
