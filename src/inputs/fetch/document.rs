//! One document fetched into the store, step by step: what is stored already, the text got by the
//! document's route, a change confirmed by a second fetch, and the new version recorded. A failure at
//! any step leaves what is stored as it was.

use crate::base::error::Error;
use crate::base::hash::sha256_hex;
use crate::base::report::{ORGCHECK_VERSION, now_rfc3339};
use crate::document::ingest::{self, Isolation};
use crate::document::noise::Normaliser;
use crate::inputs::http::{Fetched, Validators};
use crate::inputs::store::{Meta, Recorded, RenderedBy, Store, Stored};

use super::routes::{Got, Route, obtain, route};
use super::{DocResult, Job, Rendering, Shared, Slots, Status, declaration_hash};

/// Runs in a row a document may be `unstable` before it counts as failed.
pub const UNSTABLE_RUNS: u32 = 3;

/// What the store holds for a document before this run.
struct Previous {
    /// The stored validators, when the latest pair is intact and was fetched under the same
    /// declaration; otherwise none, so the server sends the page in full and recording it repairs the
    /// pair.
    validators: Validators,
    /// The version changes are measured against: the latest, or when the latest pair is broken, the
    /// newest intact version.
    latest: Option<Stored>,
}

impl Previous {
    fn of(store: &Store, job: &Job, declaration: &str) -> Previous {
        let whole = store.latest(&job.provider, &job.doc.id).ok().flatten();
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
        Previous { validators, latest }
    }
}

pub(super) async fn fetch_document(
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
    let previous = Previous::of(store, job, &declaration);
    result.previous_version = previous.latest.as_ref().map(|s| s.meta.version.clone());
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
    result.conditional = previous.validators != Validators::default() && !matches!(route, Route::Browser(_));
    let page = match obtain(shared, job, &previous.validators, &isolation, route).await {
        Ok(Got::Page {
            fetched,
            text,
            rendering,
        }) => Page {
            fetched,
            text,
            rendering,
        },
        Ok(Got::NotModified(fetched)) => return not_modified(result, &fetched, previous.latest),
        Err(failure) => return failure.into_result(result),
    };
    result.final_url = Some(page.fetched.final_url.clone());
    result.http_status = Some(page.fetched.status);
    result.rendering = page.rendering.clone();
    if let (Some(norm), Some(prev)) = (confirm, &previous.latest)
        && let Some(unconfirmed) = unconfirmed(shared, store, job, &isolation, &page, norm, &prev.text).await
    {
        return DocResult {
            status: unconfirmed.status,
            reason: Some(unconfirmed.reason),
            ..result
        };
    }
    // No more requests for this document: the next one may start while this one is written.
    drop(slots);
    record(store, job, page, declaration, result).await
}

/// A document's text as got this run.
struct Page {
    fetched: Fetched,
    text: ingest::Document,
    rendering: Option<Rendering>,
}

/// 304 Not Modified: the stored version is current, if there is one.
fn not_modified(result: DocResult, fetched: &Fetched, latest: Option<Stored>) -> DocResult {
    let result = DocResult {
        final_url: Some(fetched.final_url.clone()),
        http_status: Some(fetched.status),
        ..result
    };
    match latest {
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
    }
}

/// Why a change was not recorded.
struct Unconfirmed {
    status: Status,
    reason: String,
}

/// A change that a second fetch does not confirm, with how often in a row the page has been unstable:
/// a page that never settles is not being watched, so after [`UNSTABLE_RUNS`] runs it is a failure.
async fn unconfirmed(
    shared: &Shared,
    store: &Store,
    job: &Job,
    isolation: &Isolation,
    page: &Page,
    norm: &Normaliser,
    previous: &str,
) -> Option<Unconfirmed> {
    let rendering = page.rendering.as_ref();
    let (status, reason) = confirm_change(shared, job, isolation, rendering, norm, previous, &page.text.text).await?;
    if status != Status::Unstable {
        return Some(Unconfirmed { status, reason });
    }
    let runs = store.note_unstable(&job.provider, &job.doc.id).unwrap_or(1);
    Some(if runs >= UNSTABLE_RUNS {
        Unconfirmed {
            status: Status::Failed,
            reason: format!(
                "unstable for {runs} runs in a row, so changes to this page are not being seen: {reason}; \
                 add `remove` selectors for the part that varies, or turn it into noise (docs/ci.md)"
            ),
        }
    } else {
        Unconfirmed {
            status,
            reason: format!("{reason} (run {runs} in a row; at {UNSTABLE_RUNS} it counts as failed)"),
        }
    })
}

/// Records the page's text as the document's newest version, off the runtime's few worker threads
/// (writing is blocking file I/O with fsyncs), so that other downloads keep going meanwhile.
async fn record(store: &Store, job: &Job, page: Page, declaration: String, result: DocResult) -> DocResult {
    let Page {
        fetched,
        text: extracted,
        rendering,
    } = page;
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
        imported: None,
        language: crate::analysis::language::detect(&extracted.text)
            .language
            .map(|l| l.code().to_string()),
        rendered: rendering.as_ref().and_then(|r| {
            r.browser.as_ref().map(|browser| RenderedBy {
                browser: browser.clone(),
                why: r.why.clone(),
            })
        }),
    };
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
                "two fetches in a row gave different texts (the page varies between requests; they differ at “{}”); \
                 nothing recorded",
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
