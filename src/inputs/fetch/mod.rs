//! `orgcheck fetch`: downloads every declared document concurrently (politely: a few requests per host),
//! extracts its policy text and records it in the store. One document failing never stops the others,
//! and a failure never touches what is stored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::base::error::{Error, HttpError, IngestError, Result};
use crate::base::hash::sha256_hex;
use crate::base::report::{ORGCHECK_VERSION, now_rfc3339};
use crate::document::ingest::{self, Isolation, Origin};
use crate::document::noise::Normaliser;
use crate::inputs::browser::{Browser, BrowserOptions, RenderError};
use crate::inputs::http::{Fetched, Http, HttpOptions, Validators};
use crate::inputs::providers::{Document, Provider, Role};
use crate::inputs::store::{Meta, Recorded, RenderedBy, Store};

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

/// Which way a document's text is got.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    /// Plain HTTP only.
    Plain,
    /// Straight to the browser, for this reason.
    Browser(String),
    /// Plain HTTP, then the browser when the response looks script-built.
    Auto,
}

fn route(mode: RenderMode, doc: &Document) -> Route {
    match (mode, doc.render) {
        (RenderMode::Never, _) | (_, Some(false)) => Route::Plain,
        (_, Some(true)) => Route::Browser("declared `render = true`".into()),
        (RenderMode::Always, None) => Route::Browser("--render always".into()),
        (RenderMode::Auto, None) => Route::Auto,
    }
}

/// A document's text, and how it was got.
enum Got {
    /// 304 Not Modified: what is stored is current.
    NotModified(Fetched),
    Page {
        fetched: Fetched,
        text: ingest::Document,
        rendering: Option<Rendering>,
    },
}

/// Why a document has no text this run.
struct Failure {
    reason: String,
    http_status: Option<u16>,
    final_url: Option<String>,
    rendering: Option<Rendering>,
    /// Why a browser might do better (in `auto`): the plain fetch gave a shell or a challenge.
    needs_browser: Option<String>,
}

impl Failure {
    fn http(e: &HttpError) -> Failure {
        let http_status = match e {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        };
        Failure {
            reason: e.to_string(),
            http_status,
            final_url: None,
            rendering: None,
            needs_browser: (http_status == Some(403)).then(|| "the plain fetch was refused (403)".to_string()),
        }
    }

    fn ingest(fetched: &Fetched, e: &IngestError) -> Failure {
        let needs_browser = match e {
            IngestError::TooShort { chars, html: true, .. } => {
                Some(format!("the plain fetch gave only {chars} characters"))
            }
            IngestError::NoMatch { .. } => Some("`select` matched nothing in the plain fetch".to_string()),
            IngestError::NoText { format: "HTML" } | IngestError::EmptyBody => {
                Some("the plain fetch gave no text".to_string())
            }
            _ => None,
        };
        Failure {
            reason: e.to_string(),
            http_status: Some(fetched.status),
            final_url: Some(fetched.final_url.clone()),
            rendering: None,
            needs_browser,
        }
    }

    fn into_result(self, result: DocResult) -> DocResult {
        DocResult {
            reason: Some(self.reason),
            http_status: self.http_status.or(result.http_status),
            final_url: self.final_url.or(result.final_url),
            rendering: self.rendering,
            ..result
        }
    }
}

/// Gets a document's text by its route: plain HTTP (with the stored validators), the browser, or plain
/// HTTP and then the browser when the response looks built by scripts.
async fn obtain(
    shared: &Shared,
    job: &Job,
    validators: &Validators,
    isolation: &Isolation,
    route: Route,
) -> std::result::Result<Got, Failure> {
    let why = match route {
        Route::Plain => return plain(&shared.http, job, validators, isolation).await,
        Route::Browser(why) => why,
        Route::Auto => {
            let mut first = plain(&shared.http, job, validators, isolation).await;
            let why = match &first {
                Ok(Got::Page { fetched, text, .. }) => fetched
                    .body
                    .as_deref()
                    .and_then(|body| ingest::script_built(body, text))
                    .map(|sign| format!("the plain fetch gave {sign}")),
                Ok(Got::NotModified(_)) => None,
                Err(f) => f.needs_browser.clone(),
            };
            let Some(why) = why else { return first };
            return match shared.browser().await {
                Ok(browser) => rendered(browser, job, isolation, why.clone()).await.map_err(|mut f| {
                    f.reason = format!("{why}, and in the browser: {}", f.reason);
                    f
                }),
                Err(missing) => {
                    mark_unrendered(&mut first, why, missing);
                    first
                }
            };
        }
    };
    match shared.browser().await {
        Ok(browser) => rendered(browser, job, isolation, why).await,
        // The reason says it all; `rendering` stays empty so the run's note (`browser_note`) is only
        // about plain fetches kept.
        Err(missing) if shared.render == RenderMode::Always => Err(Failure {
            reason: format!("needs a browser ({why}): {missing}"),
            http_status: None,
            final_url: None,
            rendering: None,
            needs_browser: None,
        }),
        // `render = true` without a browser: the plain fetch (unconditional, as `conditional` said).
        Err(missing) => {
            let mut outcome = plain(&shared.http, job, &Validators::default(), isolation).await;
            mark_unrendered(&mut outcome, why, missing);
            outcome
        }
    }
}

/// Without a browser the plain fetch's outcome stands, marked with why the page needed one, so that the
/// run can say so once (`browser_note`).
fn mark_unrendered(plain: &mut std::result::Result<Got, Failure>, why: String, missing: &RenderError) {
    let mark = Some(Rendering {
        why,
        browser: None,
        unavailable: Some(missing.to_string()),
    });
    match plain {
        Ok(Got::Page { rendering, .. }) | Err(Failure { rendering, .. }) => *rendering = mark,
        Ok(Got::NotModified(_)) => {}
    }
}

/// The plain HTTP fetch and its text.
async fn plain(
    http: &Http,
    job: &Job,
    validators: &Validators,
    isolation: &Isolation,
) -> std::result::Result<Got, Failure> {
    let fetched = http
        .get(&job.doc.url, validators)
        .await
        .map_err(|e| Failure::http(&e))?;
    if fetched.body.is_none() {
        return Ok(Got::NotModified(fetched));
    }
    match extract_body(&fetched, isolation) {
        Ok(text) => Ok(Got::Page {
            fetched,
            text,
            rendering: None,
        }),
        Err(e) => Err(Failure::ingest(&fetched, &e)),
    }
}

/// The page rendered in the browser, its DOM read like a fetched HTML page.
async fn rendered(
    browser: &Browser,
    job: &Job,
    isolation: &Isolation,
    why: String,
) -> std::result::Result<Got, Failure> {
    let rendering = Some(Rendering {
        why,
        browser: Some(browser.version().to_string()),
        unavailable: None,
    });
    let page = match browser.render(&job.doc.url, job.doc.wait_for.as_deref()).await {
        Ok(page) => page,
        Err(e) => {
            return Err(Failure {
                reason: e.to_string(),
                http_status: match e {
                    RenderError::Status(s) => Some(s),
                    _ => None,
                },
                final_url: None,
                rendering,
                needs_browser: None,
            });
        }
    };
    // The DOM is a string: UTF-8, whatever the page's bytes were.
    let fetched = Fetched {
        url: job.doc.url.clone(),
        final_url: page.final_url,
        status: page.status.unwrap_or(200),
        etag: None,
        last_modified: None,
        content_type: Some("text/html; charset=utf-8".into()),
        body: Some(page.html.into_bytes()),
        attempts: 1,
    };
    match extract_body(&fetched, isolation) {
        Ok(text) => Ok(Got::Page {
            fetched,
            text,
            rendering,
        }),
        Err(e) => {
            let mut failure = Failure::ingest(&fetched, &e);
            // The plain fetch's hint ("open the page in a browser") is no help once a browser has.
            if let IngestError::TooShort { chars, min, .. } = e {
                failure.reason = format!(
                    "only {chars} characters of text once rendered in the browser (minimum {min}); if the policy \
                     appears later, declare `wait_for` with a selector of the element that holds it (and `select` \
                     it); if it needs a click or a login, orgcheck cannot reach it"
                );
            }
            Err(Failure {
                rendering,
                needs_browser: None,
                ..failure
            })
        }
    }
}

async fn fetch_document(
    shared: &Shared,
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
    let isolation = match Isolation::new(&job.doc.select, &job.doc.remove) {
        Ok(i) => i,
        Err(reason) => {
            return DocResult {
                reason: Some(reason.to_string()),
                ..result
            };
        }
    };
    let route = route(shared.render, &job.doc);
    result.conditional = validators != Validators::default() && !matches!(route, Route::Browser(_));
    let (fetched, extracted, rendering) = match obtain(shared, job, &validators, &isolation, route).await {
        Ok(Got::Page {
            fetched,
            text,
            rendering,
        }) => (fetched, text, rendering),
        Ok(Got::NotModified(fetched)) => {
            result.final_url = Some(fetched.final_url.clone());
            result.http_status = Some(fetched.status);
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
        }
        Err(failure) => return failure.into_result(result),
    };
    result.final_url = Some(fetched.final_url.clone());
    result.http_status = Some(fetched.status);
    result.rendering = rendering.clone();
    if let (Some(norm), Some(prev)) = (confirm, &latest)
        && let Some((status, reason)) = confirm_change(
            shared,
            job,
            &isolation,
            rendering.as_ref(),
            norm,
            &prev.text,
            &extracted.text,
        )
        .await
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
    let body = fetched.body.as_deref().unwrap_or_default();
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
        rendered: rendering.as_ref().and_then(|r| {
            r.browser.as_ref().map(|browser| RenderedBy {
                browser: browser.clone(),
                why: r.why.clone(),
            })
        }),
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

/// When `text` differs from the stored `previous` (beyond noise), fetches the page a second time, the
/// same way as the first (in the browser when the first was rendered). Returns why the change cannot
/// be recorded (`Unstable` when the two fetches disagree, `Failed` when the second fetch failed), or
/// `None` when there is nothing to confirm or both fetches agree.
async fn confirm_change(
    shared: &Shared,
    job: &Job,
    isolation: &Isolation,
    rendering: Option<&Rendering>,
    norm: &Normaliser,
    previous: &str,
    text: &str,
) -> Option<(Status, String)> {
    let first = norm.document_hash(text);
    if first == norm.document_hash(previous) {
        return None;
    }
    let again = match rendering.filter(|r| r.browser.is_some()) {
        Some(r) => Route::Browser(r.why.clone()),
        None => Route::Plain,
    };
    match obtain(shared, job, &Validators::default(), isolation, again).await {
        Ok(Got::Page { text: again, .. }) if norm.document_hash(&again.text) == first => None,
        Ok(Got::Page { text: again, .. }) => Some((
            Status::Unstable,
            format!(
                "two fetches in a row gave different texts (the page varies between requests; they differ at “{}”); nothing recorded",
                differing_region(text, &again.text)
            ),
        )),
        Ok(Got::NotModified(_)) => Some((
            Status::Unstable,
            "the page changed, then the server answered 304 Not Modified; nothing recorded".into(),
        )),
        Err(f) if f.final_url.is_some() => Some((
            Status::Failed,
            format!(
                "the page changed, but the second fetch to confirm it gave no policy: {}",
                f.reason
            ),
        )),
        Err(f) => Some((
            Status::Failed,
            format!(
                "the page changed, but fetching it again to confirm failed: {}",
                f.reason
            ),
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
             `render = true`), so the plain fetch was used: Chromium was not found; `--render never` turns this note off"
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
