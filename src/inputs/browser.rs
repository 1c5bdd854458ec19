//! Renders pages that write their text with scripts, in headless Chromium driven over the DevTools
//! protocol (chromiumoxide). A run starts one browser, only when a document needs it, and gives every
//! page a fresh browser context: no cookies, storage or cache carried from one page to the next, no
//! downloads, no permission prompts, and a profile in a temporary directory that is removed with the
//! browser. Dialogs (`alert`, `confirm`) are dismissed. Requests a page makes are let through only for
//! http(s) (and the `data:`/`blob:` URLs a page builds itself), as redirects are in
//! [`crate::inputs::http`].
//!
//! A page counts as settled when its document has loaded, no request has been in flight for
//! [`NETWORK_QUIET`], and its text has not changed for [`TEXT_QUIET`]; or, when the declaration names a
//! `wait_for` selector, once that element holds text and the text has been still for [`TEXT_QUIET`].

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chromiumoxide::browser::{Browser as Chromium, BrowserConfig};
use chromiumoxide::cdp::IntoEventKind;
use chromiumoxide::cdp::browser_protocol::browser::{
    BrowserContextId, SetDownloadBehaviorBehavior, SetDownloadBehaviorParams,
};
use chromiumoxide::cdp::browser_protocol::fetch::{ContinueRequestParams, EventRequestPaused, FailRequestParams};
use chromiumoxide::cdp::browser_protocol::network::{
    ErrorReason, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent, EventResponseReceived,
    EventWebSocketCreated, ResourceType,
};
use chromiumoxide::cdp::browser_protocol::page::{EventJavascriptDialogOpening, HandleJavaScriptDialogParams};
use chromiumoxide::cdp::browser_protocol::target::{CreateBrowserContextParams, CreateTargetParams};
use chromiumoxide::page::Page;
use futures_util::StreamExt;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::inputs::address::{self, AddressRule};

/// No request in flight for this long: the network is idle (Puppeteer's `networkidle0`).
pub const NETWORK_QUIET: Duration = Duration::from_millis(500);
/// The page's text unchanged for this long: scripts have finished writing it.
pub const TEXT_QUIET: Duration = Duration::from_millis(1000);
/// How often a rendering page is looked at while it settles.
const POLL: Duration = Duration::from_millis(100);
/// The names tried on `PATH` when `$ORGCHECK_CHROMIUM` is not set.
pub const CANDIDATES: [&str; 5] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// How pages are rendered.
#[derive(Debug, Clone)]
pub struct BrowserOptions {
    /// The browser to run; `None` looks for [`CANDIDATES`] on `PATH`.
    pub executable: Option<PathBuf>,
    /// The longest one page may take, from opening to its settled DOM.
    pub timeout: Duration,
    /// Pages rendered at once, each in its own browser context.
    pub pages: usize,
    /// The largest DOM taken, in bytes of HTML.
    pub max_bytes: u64,
    /// The addresses a page from the web may not make the browser reach. A page that is itself on a
    /// private address may reach the others.
    pub addresses: AddressRule,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        BrowserOptions {
            executable: None,
            timeout: Duration::from_secs(30),
            pages: 2,
            max_bytes: 10 * 1024 * 1024,
            addresses: AddressRule::default(),
        }
    }
}

/// Why a page could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(
        "Chromium was not found ({looked}); install it (Debian: `apt install chromium`) or set ORGCHECK_CHROMIUM to \
         the browser's path"
    )]
    NotFound { looked: String },
    #[error("Chromium ({path}) could not be started: {reason}")]
    Launch { path: String, reason: String },
    #[error(
        "the page did not settle within {secs} s in the browser ({why}); declare `wait_for` with a selector of the \
         element that holds the text, or raise --render-timeout"
    )]
    Timeout { secs: u64, why: String },
    #[error("the browser could not load the page: {0}")]
    Navigation(String),
    #[error("the page went to `{0}`; orgcheck follows only http and https pages")]
    Scheme(String),
    #[error(
        "the page asked the browser for {url}, at {address}, a private address (this machine, a private or \
         link-local network); a page from the web is not let in there. If you mean to render pages of your own \
         network, pass --allow-private"
    )]
    Private { url: String, address: String },
    #[error("the server answered {0} to the browser")]
    Status(u16),
    #[error("the rendered page is larger than {limit} bytes; raise --max-bytes if it is really that large")]
    TooLarge { limit: u64 },
    #[error("the browser failed: {0}")]
    Protocol(String),
}

/// A page as the browser left it once settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Where the page ended up, after redirects and script navigation.
    pub final_url: String,
    /// The HTTP status of the page's document, when the browser saw one.
    pub status: Option<u16>,
    /// The serialised DOM.
    pub html: String,
}

/// Finds the browser: `explicit` (from `$ORGCHECK_CHROMIUM`) when given, else the first of
/// [`CANDIDATES`] on `path` (the value of `$PATH`).
pub fn find(explicit: Option<&Path>, path: Option<&std::ffi::OsStr>) -> Result<PathBuf, RenderError> {
    if let Some(p) = explicit {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(RenderError::NotFound {
                looked: format!("ORGCHECK_CHROMIUM is {}, which is not a file", p.display()),
            })
        };
    }
    let dirs: Vec<PathBuf> = path.map(|p| std::env::split_paths(p).collect()).unwrap_or_default();
    for name in CANDIDATES {
        for dir in &dirs {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(RenderError::NotFound {
        looked: format!("looked for {} on PATH", CANDIDATES.join(", ")),
    })
}

/// One running browser, shared by a fetch run.
pub struct Browser {
    chromium: Chromium,
    handler: JoinHandle<()>,
    slots: Semaphore,
    options: BrowserOptions,
    version: String,
    // Dropped after the browser: its profile lives here until the run ends.
    profile: tempfile::TempDir,
}

impl Browser {
    /// Starts the browser. Its profile, and `HOME`, `TMPDIR` and the XDG directories it sees, are one
    /// temporary directory, so nothing is written outside it.
    pub async fn launch(options: &BrowserOptions) -> Result<Browser, RenderError> {
        let path = find(options.executable.as_deref(), std::env::var_os("PATH").as_deref())?;
        let launch_error = |reason: String| RenderError::Launch {
            path: path.display().to_string(),
            reason,
        };
        let profile = tempfile::Builder::new()
            .prefix("orgcheck-browser-")
            .tempdir()
            .map_err(|e| launch_error(format!("cannot make its temporary profile: {e}")))?;
        let home = profile.path().display().to_string();
        // Chromium keeps shared memory in TMPDIR (dev-shm is off), and leaves those files behind if a
        // helper process is still exiting; inside the profile, they go when the profile goes.
        std::fs::create_dir(profile.path().join("tmp"))
            .map_err(|e| launch_error(format!("cannot make its temporary directory: {e}")))?;
        let mut config = BrowserConfig::builder()
            .chrome_executable(&path)
            .new_headless_mode()
            .user_data_dir(profile.path().join("profile"))
            .respect_https_errors()
            .disable_https_first()
            .enable_request_intercept()
            .launch_timeout(Duration::from_secs(30))
            .request_timeout(options.timeout)
            .envs([
                ("HOME", home.clone()),
                ("XDG_CONFIG_HOME", format!("{home}/config")),
                ("XDG_CACHE_HOME", format!("{home}/cache")),
                ("XDG_DATA_HOME", format!("{home}/data")),
                ("TMPDIR", format!("{home}/tmp")),
            ])
            .args([
                "--deny-permission-prompts",
                "--disable-crash-reporter",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-sync",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-pings",
                // WebRTC would reach the local network past the request interception below.
                "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
            ]);
        // Chromium refuses to run as root with its sandbox (as in a CI container).
        if running_as_root() {
            config = config.no_sandbox();
        }
        let config = config.build().map_err(launch_error)?;
        let (chromium, mut handler) = Chromium::launch(config)
            .await
            .map_err(|e| launch_error(e.to_string()))?;
        let handler = tokio::spawn(async move { while handler.next().await.is_some() {} });
        let version = match chromium.version().await {
            Ok(v) => v.product,
            Err(e) => {
                handler.abort();
                return Err(launch_error(format!("it does not answer: {e}")));
            }
        };
        Ok(Browser {
            chromium,
            handler,
            slots: Semaphore::new(options.pages.max(1)),
            options: options.clone(),
            version,
            profile,
        })
    }

    /// The browser's product and version, e.g. `HeadlessChrome/148.0.7778.167`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Opens `url` in a fresh browser context, waits for it to settle (or for `wait_for` to match) and
    /// returns its DOM. Never takes longer than the configured timeout, plus a few seconds to close.
    pub async fn render(&self, url: &str, wait_for: Option<&str>) -> Result<Rendered, RenderError> {
        let _slot = self.slots.acquire().await.expect("semaphore never closed");
        let context = self
            .chromium
            .create_browser_context(CreateBrowserContextParams::default())
            .await
            .map_err(protocol)?;
        let result = self.render_in(&context, url, wait_for).await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.chromium.dispose_browser_context(context)).await;
        result
    }

    async fn render_in(
        &self,
        context: &BrowserContextId,
        url: &str,
        wait_for: Option<&str>,
    ) -> Result<Rendered, RenderError> {
        self.chromium
            .execute(
                SetDownloadBehaviorParams::builder()
                    .behavior(SetDownloadBehaviorBehavior::Deny)
                    .browser_context_id(context.clone())
                    .build()
                    .map_err(RenderError::Protocol)?,
            )
            .await
            .map_err(protocol)?;
        let mut target = CreateTargetParams::new("about:blank");
        target.browser_context_id = Some(context.clone());
        let page = self.chromium.new_page(target).await.map_err(protocol)?;
        // A page on a private address (an intranet page declared on purpose) may reach its neighbours.
        let rule = match self.options.addresses.allow_private {
            true => None,
            false => match refused_address(url, &self.options.addresses, &mut HashMap::new()).await {
                Some(_) => None,
                None => Some(self.options.addresses.clone()),
            },
        };
        let watch = Watch::start(&page, rule).await;
        let secs = self.options.timeout.as_secs().max(1);
        let outcome = tokio::time::timeout(self.options.timeout, async {
            settle(&page, &watch, url, wait_for, self.options.max_bytes).await
        })
        .await;
        let result = match outcome {
            Ok(result) => result,
            Err(_) => Err(RenderError::Timeout {
                secs,
                why: watch.why_unsettled(wait_for),
            }),
        };
        watch.stop();
        let _ = tokio::time::timeout(Duration::from_secs(5), page.close()).await;
        result
    }

    /// Closes the browser, waits for it to exit (killing it if it will not) and removes its profile.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.chromium.close()).await;
        let exited = matches!(
            tokio::time::timeout(Duration::from_secs(5), self.chromium.wait()).await,
            Ok(Ok(_))
        );
        if !exited {
            let _ = self.chromium.kill().await;
        }
        self.handler.abort();
        remove_profile(self.profile.path()).await;
    }
}

/// Chromium's helper processes can still be writing into the profile for a moment after the main
/// process has exited, which makes a single removal leave files behind; so try again for a while.
async fn remove_profile(path: &Path) {
    for _ in 0..40 {
        match std::fs::remove_dir_all(path) {
            Ok(()) => return,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

fn protocol(e: chromiumoxide::error::CdpError) -> RenderError {
    RenderError::Protocol(e.to_string())
}

fn running_as_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // /proc/self belongs to the process's effective user.
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// What the page's requests are doing, kept by tasks that listen to the browser's events.
#[derive(Default)]
struct NetState {
    in_flight: HashSet<String>,
    last_change: Option<Instant>,
    last_url: String,
    /// The HTTP status of the latest document response in the page.
    document_status: Option<u16>,
    /// Requests refused for their scheme.
    refused: Vec<String>,
    /// Requests refused for the private address they would reach, and that address.
    refused_private: Vec<(String, IpAddr)>,
    /// Why the latest document request failed (`net::ERR_CONNECTION_REFUSED`).
    document_error: Option<String>,
}

struct Watch {
    state: Arc<Mutex<NetState>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Watch {
    /// Starts watching `page`; with `rule`, requests to the addresses it refuses are failed.
    async fn start(page: &Page, rule: Option<AddressRule>) -> Watch {
        let state = Arc::new(Mutex::new(NetState::default()));
        let mut tasks = Vec::new();
        if let Ok(mut events) = page.event_listener::<EventRequestPaused>().await {
            let (page, state, rule) = (page.clone(), state.clone(), rule.clone());
            tasks.push(tokio::spawn(async move {
                let mut resolved = HashMap::new();
                while let Some(event) = events.next().await {
                    let url = &event.request.url;
                    let private = match &rule {
                        Some(rule) if allowed_scheme(url) => refused_address(url, rule, &mut resolved).await,
                        _ => None,
                    };
                    if allowed_scheme(url) && private.is_none() {
                        let _ = page.execute(ContinueRequestParams::new(event.request_id.clone())).await;
                        continue;
                    }
                    match private {
                        Some(ip) => lock(&state).refused_private.push((url.clone(), ip)),
                        None => lock(&state).refused.push(url.clone()),
                    }
                    let _ = page
                        .execute(FailRequestParams::new(
                            event.request_id.clone(),
                            ErrorReason::AccessDenied,
                        ))
                        .await;
                }
            }));
        }
        // WebSockets pass by the request interception: one opened to a private address fails the render,
        // since what it read may already be in the page.
        if let (Some(rule), Ok(mut events)) = (rule, page.event_listener::<EventWebSocketCreated>().await) {
            let state = state.clone();
            tasks.push(tokio::spawn(async move {
                let mut resolved = HashMap::new();
                while let Some(event) = events.next().await {
                    if let Some(ip) = refused_address(&event.url, &rule, &mut resolved).await {
                        lock(&state).refused_private.push((event.url.clone(), ip));
                    }
                }
            }));
        }
        // A dialog (alert, confirm, a "leave this page?") stops the page's scripts until answered.
        if let Ok(mut events) = page.event_listener::<EventJavascriptDialogOpening>().await {
            let page = page.clone();
            tasks.push(tokio::spawn(async move {
                while events.next().await.is_some() {
                    let _ = page.execute(HandleJavaScriptDialogParams::new(false)).await;
                }
            }));
        }
        let mut watch = Watch { state, tasks };
        watch
            .listen(page, |s, e: &EventRequestWillBeSent| {
                s.in_flight.insert(e.request_id.inner().clone());
                s.last_url.clone_from(&e.request.url);
                s.last_change = Some(Instant::now());
            })
            .await;
        watch
            .listen(page, |s, e: &EventLoadingFinished| {
                s.in_flight.remove(e.request_id.inner());
                s.last_change = Some(Instant::now());
            })
            .await;
        watch
            .listen(page, |s, e: &EventLoadingFailed| {
                s.in_flight.remove(e.request_id.inner());
                s.last_change = Some(Instant::now());
                if e.r#type == ResourceType::Document {
                    s.document_error = Some(e.error_text.clone());
                }
            })
            .await;
        watch
            .listen(page, |s, e: &EventResponseReceived| {
                if e.r#type == ResourceType::Document {
                    s.document_status = u16::try_from(e.response.status).ok();
                }
            })
            .await;
        watch
    }

    /// Applies `on` to the state for each event of type `E` the page sends, in a task of its own.
    async fn listen<E>(&mut self, page: &Page, on: impl Fn(&mut NetState, &E) + Send + 'static)
    where
        E: IntoEventKind + Unpin + Send + Sync + 'static,
    {
        if let Ok(mut events) = page.event_listener::<E>().await {
            let state = self.state.clone();
            self.tasks.push(tokio::spawn(async move {
                while let Some(event) = events.next().await {
                    on(&mut lock(&state), &event);
                }
            }));
        }
    }

    /// No request in flight for [`NETWORK_QUIET`].
    fn network_idle(&self) -> bool {
        let s = lock(&self.state);
        s.in_flight.is_empty() && s.last_change.is_none_or(|t| t.elapsed() >= NETWORK_QUIET)
    }

    fn why_unsettled(&self, wait_for: Option<&str>) -> String {
        let s = lock(&self.state);
        match wait_for {
            Some(selector) => format!("`wait_for = \"{selector}\"` never matched an element with text"),
            None if !s.in_flight.is_empty() => format!(
                "{} request{} still in flight, the last to {}",
                s.in_flight.len(),
                if s.in_flight.len() == 1 { "" } else { "s" },
                s.last_url
            ),
            None if s.last_change.is_some_and(|t| t.elapsed() < NETWORK_QUIET) => {
                format!("it kept making requests, the last to {}", s.last_url)
            }
            None => "its text kept changing".to_string(),
        }
    }

    /// The first request refused for its private address, as the render's error: the page reached for
    /// the network it runs in, and what it made of the answer is not a policy.
    fn refused_private(&self) -> Option<RenderError> {
        let s = lock(&self.state);
        s.refused_private.first().map(|(url, ip)| RenderError::Private {
            url: url.clone(),
            address: ip.to_string(),
        })
    }

    fn stop(&self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn lock(state: &Mutex<NetState>) -> std::sync::MutexGuard<'_, NetState> {
    // A listener that panicked leaves counts that are still the best there are.
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The URLs a page may request: the web, and what it builds in memory.
fn allowed_scheme(url: &str) -> bool {
    let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
    matches!(scheme.as_str(), "http" | "https" | "data" | "blob")
}

/// The private address `url` would take the browser to, when `rule` refuses it (`resolved` keeps the
/// answers of DNS for the render). A name that does not resolve is left to the browser, which will not
/// reach it either.
async fn refused_address(url: &str, rule: &AddressRule, resolved: &mut HashMap<String, Vec<IpAddr>>) -> Option<IpAddr> {
    let parsed = url::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https" | "ws" | "wss") {
        return None;
    }
    let host = parsed.host_str()?.to_string();
    let addresses = match resolved.get(&host) {
        Some(known) => known.clone(),
        None => {
            let found = address::lookup(&parsed).await;
            resolved.insert(host, found.clone());
            found
        }
    };
    rule.refused(addresses)
}

/// Navigates, waits until the page has settled, and takes its DOM.
async fn settle(
    page: &Page,
    watch: &Watch,
    url: &str,
    wait_for: Option<&str>,
    max_bytes: u64,
) -> Result<Rendered, RenderError> {
    // Navigated by the page itself, which returns at once: the loop below does all the waiting. (The
    // crate's own navigation waits for the load to complete, and a script that starts a second
    // navigation, even one the browser refuses, would stall it.)
    let go = format!("location.href = {}; true", serde_json::Value::from(url));
    page.evaluate(go.as_str()).await.map_err(protocol)?;
    let probe = probe_script(wait_for);
    let mut last_len: Option<u64> = None;
    let mut still_since = Instant::now();
    let mut failed_looks = 0;
    loop {
        tokio::time::sleep(POLL).await;
        let (href, ready, len, matched): (String, String, u64, Option<bool>) = match page.evaluate(probe.as_str()).await
        {
            Ok(v) => {
                failed_looks = 0;
                v.into_value().map_err(|e| RenderError::Protocol(e.to_string()))?
            }
            // The page is between documents (a script navigated): look again, but not for ever at a
            // browser that has stopped answering.
            Err(e) => {
                failed_looks += 1;
                if failed_looks >= 50 {
                    return Err(protocol(e));
                }
                continue;
            }
        };
        if href == "about:blank" {
            continue;
        }
        if let Some(refused) = watch.refused_private() {
            return Err(refused);
        }
        if href.starts_with("chrome-error:") {
            let s = lock(&watch.state);
            return Err(match (s.refused.first(), &s.document_error) {
                (Some(refused), _) => RenderError::Scheme(refused.clone()),
                (None, Some(error)) => RenderError::Navigation(error.clone()),
                (None, None) => RenderError::Navigation("the browser shows its error page".into()),
            });
        }
        if last_len != Some(len) {
            last_len = Some(len);
            still_since = Instant::now();
        }
        let text_still = still_since.elapsed() >= TEXT_QUIET;
        let ready = ready == "complete"
            && text_still
            && match matched {
                Some(m) => m,
                None => watch.network_idle(),
            };
        if ready {
            break;
        }
    }
    let (href, size): (String, u64) = page
        .evaluate("[location.href, document.documentElement ? document.documentElement.outerHTML.length : 0]")
        .await
        .map_err(protocol)?
        .into_value()
        .map_err(|e| RenderError::Protocol(e.to_string()))?;
    if !allowed_scheme(&href) || href.starts_with("data:") || href.starts_with("blob:") {
        return Err(RenderError::Scheme(href));
    }
    // outerHTML's length is in UTF-16 units: at most three bytes each in UTF-8.
    if size > max_bytes {
        return Err(RenderError::TooLarge { limit: max_bytes });
    }
    let html = page.content().await.map_err(protocol)?;
    if let Some(refused) = watch.refused_private() {
        return Err(refused);
    }
    if html.len() as u64 > max_bytes {
        return Err(RenderError::TooLarge { limit: max_bytes });
    }
    let status = lock(&watch.state).document_status;
    if let Some(s) = status
        && s >= 400
    {
        return Err(RenderError::Status(s));
    }
    Ok(Rendered {
        final_url: href,
        status,
        html,
    })
}

/// The expression evaluated while a page settles: its ready state, the length of its text, and
/// whether `wait_for` matches an element with text (`null` without one).
fn probe_script(wait_for: Option<&str>) -> String {
    let selector = wait_for.map_or_else(|| "null".to_string(), |s| serde_json::Value::from(s).to_string());
    format!(
        "(() => {{ const sel = {selector}; let m = null; \
         if (sel !== null) {{ try {{ const e = document.querySelector(sel); \
         m = !!(e && e.textContent.trim().length > 0); }} catch (x) {{ m = false; }} }} \
         return [location.href, document.readyState, document.body ? document.body.innerText.length : 0, m]; }})()"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_in_memory_urls_are_requested() {
        for url in [
            "http://a.example/",
            "HTTPS://a.example/x",
            "data:text/plain,hi",
            "blob:https://a/1",
        ] {
            assert!(allowed_scheme(url), "{url}");
        }
        for url in [
            "file:///etc/passwd",
            "chrome://settings",
            "ftp://a/",
            "javascript:alert(1)",
            "",
        ] {
            assert!(!allowed_scheme(url), "{url}");
        }
    }

    #[test]
    fn the_browser_is_found_where_it_is_said_to_be() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("chromium-browser");
        std::fs::write(&fake, "").unwrap();
        let path = std::env::join_paths([dir.path().join("missing"), dir.path().to_path_buf()]).unwrap();
        assert_eq!(find(None, Some(&path)).unwrap(), fake);
        assert_eq!(find(Some(&fake), None).unwrap(), fake);
        let missing = find(Some(&dir.path().join("nope")), Some(&path)).unwrap_err();
        assert!(missing.to_string().contains("ORGCHECK_CHROMIUM is"), "{missing}");
        let none = find(None, Some(std::ffi::OsStr::new(""))).unwrap_err();
        assert!(none.to_string().contains("apt install chromium"), "{none}");
    }

    #[test]
    fn the_probe_quotes_the_selector_as_a_string() {
        let script = probe_script(Some("div[data-x=\"a\"] </script>"));
        assert!(
            script.contains(r#"const sel = "div[data-x=\"a\"] </script>";"#),
            "{script}"
        );
        assert!(probe_script(None).contains("const sel = null;"));
    }
}
