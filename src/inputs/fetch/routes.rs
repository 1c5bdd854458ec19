//! The routes a document's text is got by: plain HTTP (with the stored validators), headless
//! Chromium, or plain HTTP and then the browser when the response looks built by scripts; and why a
//! document has no text this run.

use crate::base::error::{HttpError, IngestError};
use crate::document::ingest::{self, Isolation};
use crate::inputs::browser::{Browser, RenderError};
use crate::inputs::http::{Fetched, Http, Validators};
use crate::inputs::providers::Document;

use super::{DocResult, Job, RenderMode, Rendering, Shared, extract_body};

/// Which way a document's text is got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Route {
    /// Plain HTTP only.
    Plain,
    /// Straight to the browser, for this reason.
    Browser(String),
    /// Plain HTTP, then the browser when the response looks script-built.
    Auto,
}

pub(super) fn route(mode: RenderMode, doc: &Document) -> Route {
    match (mode, doc.render) {
        (RenderMode::Never, _) | (_, Some(false)) => Route::Plain,
        (_, Some(true)) => Route::Browser("declared `render = true`".into()),
        (RenderMode::Always, None) => Route::Browser("--render always".into()),
        (RenderMode::Auto, None) => Route::Auto,
    }
}

/// A document's text, and how it was got.
pub(super) enum Got {
    /// 304 Not Modified: what is stored is current.
    NotModified(Fetched),
    Page {
        fetched: Fetched,
        text: ingest::Document,
        rendering: Option<Rendering>,
    },
}

/// Why a document has no text this run.
pub(super) struct Failure {
    pub(super) reason: String,
    pub(super) http_status: Option<u16>,
    pub(super) final_url: Option<String>,
    pub(super) rendering: Option<Rendering>,
    /// Why a browser might do better (in `auto`): the plain fetch gave a shell or a challenge.
    pub(super) needs_browser: Option<String>,
}

impl Failure {
    pub(super) fn http(e: &HttpError) -> Failure {
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

    pub(super) fn ingest(fetched: &Fetched, e: &IngestError) -> Failure {
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

    pub(super) fn into_result(self, result: DocResult) -> DocResult {
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
pub(super) async fn obtain(
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
pub(super) fn mark_unrendered(plain: &mut std::result::Result<Got, Failure>, why: String, missing: &RenderError) {
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
pub(super) async fn plain(
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
pub(super) async fn rendered(
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
