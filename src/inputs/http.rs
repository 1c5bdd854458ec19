//! HTTP downloads for the fetcher: one client with honest identification, timeouts, bounded redirects
//! (http and https only), retries with exponential backoff that honour `Retry-After`, conditional
//! requests, and a body cap enforced while streaming the decompressed body.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, redirect};

use crate::base::error::HttpError;
use crate::inputs::address::{self, AddressRule};

/// The `User-Agent` orgcheck sends: who it is and where to find out more.
pub const USER_AGENT: &str = concat!(
    "orgcheck/",
    env!("CARGO_PKG_VERSION"),
    " (+",
    env!("CARGO_PKG_REPOSITORY"),
    ")"
);

/// Redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 10;

/// Knobs for downloads; the CLI exposes each as a flag.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// Whole request, body included.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; doubled on each retry.
    pub backoff: Duration,
    /// The longest `Retry-After` honoured; longer values are cut to this.
    pub max_retry_after: Duration,
    /// The largest body accepted, after decompression.
    pub max_bytes: u64,
    /// The addresses a document from the web may not lead to, by redirect or by its name's DNS. A URL
    /// that is itself on a private address (declared on purpose) is fetched as it is.
    pub addresses: AddressRule,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retries: 3,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
            max_bytes: 10 * 1024 * 1024,
            addresses: AddressRule::default(),
        }
    }
}

/// Validators from an earlier fetch, sent as `If-None-Match` / `If-Modified-Since`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful response.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    pub status: u16,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    /// `None` for 304 Not Modified.
    pub body: Option<Vec<u8>>,
    /// Requests made, retries included.
    pub attempts: u32,
}

/// Error raised inside the redirect policy, recognised again when the request fails.
#[derive(Debug)]
struct RedirectRefused(HttpError);

impl fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for RedirectRefused {}

/// A name that resolves to an address the rule refuses, raised by [`PublicOnly`].
#[derive(Debug)]
struct PrivateName {
    host: String,
    address: std::net::IpAddr,
}

impl fmt::Display for PrivateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} resolves to the private address {}", self.host, self.address)
    }
}

impl std::error::Error for PrivateName {}

/// DNS for documents from the web: a name with an address the rule refuses does not resolve. The
/// connection then goes to the addresses checked here, so a name cannot change its answer in between.
struct PublicOnly(AddressRule);

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let rule = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(address) = rule.refused(found.iter().map(|a| a.ip())) {
                return Err(Box::new(PrivateName { host, address }) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(found.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// An HTTP client configured for orgcheck.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    /// The client for documents from the web: kept off private addresses.
    guarded: reqwest::Client,
    pub options: HttpOptions,
}

impl Http {
    pub fn new(options: HttpOptions) -> Result<Http, HttpError> {
        let build = |rule: Option<AddressRule>| {
            let guard = rule.clone();
            let policy = redirect::Policy::custom(move |attempt| {
                let scheme = attempt.url().scheme();
                let literal = match attempt.url().host() {
                    Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
                    Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
                    _ => None,
                };
                if scheme != "http" && scheme != "https" {
                    let url = attempt.url().to_string();
                    attempt.error(RedirectRefused(HttpError::RedirectScheme(url)))
                } else if let (Some(rule), Some(ip)) = (&guard, literal)
                    && rule.refuses(ip)
                {
                    let host = attempt.url().host_str().unwrap_or_default().to_string();
                    let address = ip.to_string();
                    attempt.error(RedirectRefused(HttpError::PrivateAddress { host, address }))
                } else if attempt.previous().len() > MAX_REDIRECTS {
                    attempt.error(RedirectRefused(HttpError::TooManyRedirects { limit: MAX_REDIRECTS }))
                } else {
                    attempt.follow()
                }
            });
            let mut builder = reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .connect_timeout(options.connect_timeout)
                .timeout(options.timeout)
                .redirect(policy)
                .gzip(true)
                .brotli(true);
            if let Some(rule) = rule {
                builder = builder.dns_resolver(PublicOnly(rule));
            }
            builder
                .build()
                .map_err(|e| HttpError::Other(format!("cannot start the HTTP client: {e}")))
        };
        let client = build(None)?;
        let guarded = match options.addresses.allow_private {
            true => client.clone(),
            false => build(Some(options.addresses.clone()))?,
        };
        Ok(Http {
            client,
            guarded,
            options,
        })
    }

    /// The client for `url`: one kept off private addresses, unless `url` is itself on one.
    async fn client_for(&self, url: &url::Url) -> &reqwest::Client {
        let rule = &self.options.addresses;
        if rule.allow_private || rule.refused(address::lookup(url).await).is_some() {
            &self.client
        } else {
            &self.guarded
        }
    }

    /// Downloads `url`, retrying transient failures. A 304 answer to the validators is a success with
    /// no body.
    pub async fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, HttpError> {
        let parsed = url::Url::parse(url).map_err(|_| HttpError::InvalidUrl(url.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(HttpError::InvalidUrl(url.to_string()));
        }
        let client = self.client_for(&parsed).await;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (error, wait) = match self.attempt(client, url, validators, attempt).await {
                Ok(fetched) => return Ok(fetched),
                Err(Failure { error, retry_after }) => (error, retry_after),
            };
            let retriable = match &error {
                HttpError::Timeout { .. } | HttpError::Connect { .. } | HttpError::Body { .. } => true,
                HttpError::Status { status, .. } => *status == 408 || *status == 429 || *status >= 500,
                _ => false,
            };
            if !retriable || attempt > self.options.retries {
                return Err(error);
            }
            let backoff = self.options.backoff.saturating_mul(1 << (attempt - 1).min(16));
            let delay = wait.map_or(backoff, |w| w.min(self.options.max_retry_after));
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(
        &self,
        client: &reqwest::Client,
        url: &str,
        validators: &Validators,
        attempt: u32,
    ) -> Result<Fetched, Failure> {
        let mut request = client.get(url);
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, lm);
        }
        let mut response = request.send().await.map_err(|e| Failure::from_reqwest(&e, attempt))?;
        let status = response.status();
        let headers = response.headers().clone();
        let final_url = response.url().to_string();
        let text_header =
            |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut fetched = Fetched {
            url: url.to_string(),
            final_url,
            status: status.as_u16(),
            etag: text_header(header::ETAG),
            last_modified: text_header(header::LAST_MODIFIED),
            content_type: text_header(header::CONTENT_TYPE),
            body: None,
            attempts: attempt,
        };
        if status == StatusCode::NOT_MODIFIED {
            return Ok(fetched);
        }
        if status.is_redirection() {
            // reqwest hands back redirects it will not follow, such as those to other schemes.
            let location = text_header(header::LOCATION).unwrap_or_default();
            let target = url::Url::parse(&fetched.final_url)
                .ok()
                .and_then(|base| base.join(&location).ok());
            return Err(Failure::new(match target {
                Some(t) if !matches!(t.scheme(), "http" | "https") => HttpError::RedirectScheme(t.to_string()),
                _ => HttpError::Other(format!(
                    "HTTP {} redirect to `{location}` was not followed",
                    status.as_u16()
                )),
            }));
        }
        if !status.is_success() {
            return Err(Failure {
                error: HttpError::Status {
                    status: status.as_u16(),
                    reason: status.canonical_reason().unwrap_or("").to_string(),
                    attempts: attempt,
                },
                retry_after: retry_after(&headers),
            });
        }
        let limit = self.options.max_bytes;
        // Content-Length counts the encoded body; a declared size over the cap fails before reading.
        if let Some(declared) = response.content_length().filter(|&n| n > limit) {
            return Err(Failure::new(HttpError::TooLarge {
                limit,
                declared: Some(declared),
            }));
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > limit {
                        return Err(Failure::new(HttpError::TooLarge { limit, declared: None }));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(Failure::from_reqwest(&e, attempt)),
            }
        }
        fetched.body = Some(body);
        Ok(fetched)
    }
}

/// One failed attempt, with the server's `Retry-After` if it sent one.
struct Failure {
    error: HttpError,
    retry_after: Option<Duration>,
}

impl Failure {
    fn new(error: HttpError) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }

    fn from_reqwest(e: &reqwest::Error, attempts: u32) -> Self {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(RedirectRefused(inner)) = s.downcast_ref::<RedirectRefused>() {
                return Failure::new(inner.clone());
            }
            if let Some(PrivateName { host, address }) = s.downcast_ref::<PrivateName>() {
                return Failure::new(HttpError::PrivateAddress {
                    host: host.clone(),
                    address: address.to_string(),
                });
            }
            source = s.source();
        }
        let reason = root_cause(e);
        let error = if e.is_timeout() {
            HttpError::Timeout { attempts }
        } else if e.is_connect() {
            HttpError::Connect { reason, attempts }
        } else if e.is_redirect() {
            HttpError::TooManyRedirects { limit: MAX_REDIRECTS }
        } else if e.is_body() || e.is_decode() || e.is_request() {
            HttpError::Body { reason, attempts }
        } else {
            HttpError::Other(reason)
        };
        Failure::new(error)
    }
}

/// The innermost error message: "connection refused", not "error sending request".
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

/// Parses `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(header::RETRY_AFTER)
        .and_then(|v: &HeaderValue| v.to_str().ok())?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_names_version_and_repository() {
        assert!(
            USER_AGENT.starts_with(&format!("orgcheck/{} (+https://", env!("CARGO_PKG_VERSION"))),
            "{USER_AGENT}"
        );
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        h.insert(header::RETRY_AFTER, HeaderValue::from_str(&future).unwrap());
        let d = retry_after(&h).unwrap();
        assert!(d > Duration::from_secs(100) && d <= Duration::from_secs(120), "{d:?}");
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn messages_say_what_to_do() {
        assert!(
            HttpError::Timeout { attempts: 4 }
                .to_string()
                .contains("after 4 attempts")
        );
        let e = HttpError::Status {
            status: 404,
            reason: "Not Found".into(),
            attempts: 1,
        };
        assert_eq!(e.to_string(), "HTTP 404 Not Found; not retried");
        assert!(
            HttpError::TooLarge {
                limit: 10,
                declared: None
            }
            .to_string()
            .contains("--max-bytes")
        );
    }
}
