//! Content extraction for fetched documents: decides what a response is (HTML, plain text, Markdown,
//! PDF), decodes its charset, isolates the policy with the declared selectors, and checks that what is
//! left looks like a policy.

use std::cell::Cell;
use std::sync::{LazyLock, Once};

use encoding_rs::Encoding;
use regex::bytes::Regex;
use scraper::Selector;

use crate::text::{self, Format};

/// Extracted text shorter than this is not a policy: a selector or the page changed.
pub const MIN_CHARS: usize = 100;

/// The result of extraction: normalised text and what it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub kind: Format,
    /// The charset the body was decoded from (not for PDF).
    pub charset: Option<&'static str>,
    pub text: String,
}

/// Which part of a page is the policy.
#[derive(Debug, Clone, Default)]
pub struct Isolation {
    pub select: Vec<Selector>,
    pub remove: Vec<Selector>,
    /// The selectors as written, for messages.
    pub select_source: Vec<String>,
}

impl Isolation {
    /// Compiles selectors; they were validated when the declaration was loaded.
    pub fn new(select: &[String], remove: &[String]) -> Result<Isolation, String> {
        let parse = |list: &[String]| -> Result<Vec<Selector>, String> {
            list.iter()
                .map(|s| Selector::parse(s).map_err(|e| format!("`{s}` is not a valid CSS selector ({e})")))
                .collect()
        };
        Ok(Isolation {
            select: parse(select)?,
            remove: parse(remove)?,
            select_source: select.to_vec(),
        })
    }

    /// What went wrong with a page, in words that name the selectors.
    pub fn explain(&self, e: &text::HtmlError) -> String {
        match e {
            text::HtmlError::NoMatch => {
                format!(
                    "selector {} matched nothing — has the page structure changed?",
                    self.describe()
                )
            }
            other => other.to_string(),
        }
    }

    /// The select selectors as a message shows them: `main`, `#policy`.
    pub fn describe(&self) -> String {
        self.select_source
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Turns a response body into normalised policy text, or says why it cannot.
pub fn extract(body: &[u8], content_type: Option<&str>, url: &str, isolation: &Isolation) -> Result<Extracted, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("empty response body".into());
    }
    let kind = classify(body, content_type, url)?;
    let (text, charset) = match kind {
        Format::Pdf => (pdf_text(body)?, None),
        _ => {
            let (decoded, encoding) = decode(body, content_type, kind == Format::Html);
            let text = match kind {
                Format::Html => text::html_to_text_selected(&decoded, &isolation.select, &isolation.remove)
                    .map_err(|e| isolation.explain(&e))?,
                Format::Markdown => text::to_text(&decoded, Format::Markdown)?,
                _ => decoded,
            };
            (text, Some(encoding.name()))
        }
    };
    let text = text::normalise(&text);
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    if chars < MIN_CHARS {
        let hint = if isolation.select_source.is_empty() {
            "declare `select` for this document".to_string()
        } else {
            format!(
                "selector {:?} — has the page structure changed?",
                isolation.select_source
            )
        };
        return Err(format!(
            "only {chars} characters of text after extraction (minimum {MIN_CHARS}); {hint}"
        ));
    }
    Ok(Extracted { kind, charset, text })
}

fn mime(content_type: Option<&str>) -> Option<String> {
    content_type
        .map(|ct| ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty())
}

/// Decides the kind from the Content-Type, sniffing only when the server does not say.
pub fn classify(body: &[u8], content_type: Option<&str>, url: &str) -> Result<Format, String> {
    let mime = mime(content_type);
    match mime.as_deref() {
        Some("text/html" | "application/xhtml+xml") => Ok(Format::Html),
        Some("text/plain") => Ok(Format::Text),
        Some("text/markdown" | "text/x-markdown") => Ok(Format::Markdown),
        Some("application/pdf" | "application/x-pdf") => Ok(Format::Pdf),
        None | Some("application/octet-stream" | "binary/octet-stream") => sniff(body, url),
        Some(other) => Err(format!(
            "unsupported content type `{other}`; orgcheck reads HTML, plain text, Markdown and PDF"
        )),
    }
}

fn sniff(body: &[u8], url: &str) -> Result<Format, String> {
    let head = &body[..body.len().min(1024)];
    if head.starts_with(b"%PDF-") {
        return Ok(Format::Pdf);
    }
    let lower = head.to_ascii_lowercase();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if has(b"<html") || has(b"<!doctype html") || has(b"<body") {
        return Ok(Format::Html);
    }
    if head.contains(&0) {
        return Err(
            "the server sent binary data without a content type; orgcheck reads HTML, plain text, Markdown and PDF"
                .into(),
        );
    }
    let path = url.split(['?', '#']).next().unwrap_or(url).to_ascii_lowercase();
    Ok(if path.ends_with(".md") || path.ends_with(".markdown") {
        Format::Markdown
    } else {
        Format::Text
    })
}

static META_CHARSET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)"#).expect("static regex"));

/// Decodes text: BOM first, then the Content-Type charset, then `<meta charset>` (HTML), then detection.
pub fn decode(body: &[u8], content_type: Option<&str>, html: bool) -> (String, &'static Encoding) {
    let encoding = Encoding::for_bom(body)
        .map(|(e, _)| e)
        .or_else(|| {
            let ct = content_type?.to_ascii_lowercase();
            let label = ct.split(';').skip(1).find_map(|p| p.trim().strip_prefix("charset="))?;
            Encoding::for_label(label.trim_matches(['"', '\'']).as_bytes())
        })
        .or_else(|| {
            if !html {
                return None;
            }
            let head = &body[..body.len().min(4096)];
            META_CHARSET.captures(head).and_then(|c| Encoding::for_label(&c[1]))
        })
        .unwrap_or_else(|| {
            if std::str::from_utf8(body).is_ok() {
                return encoding_rs::UTF_8;
            }
            let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(body, true);
            detector.guess(None, chardetng::Utf8Detection::Allow)
        });
    // A page that declares UTF-16 in a meta tag but is ASCII-compatible is really UTF-8 (WHATWG rule).
    let encoding = if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        if Encoding::for_bom(body).is_some() {
            encoding
        } else {
            encoding_rs::UTF_8
        }
    } else {
        encoding
    };
    let (text, _, _) = encoding.decode(body);
    (text.into_owned(), encoding)
}

thread_local! {
    static QUIET_PANICS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into an error without printing it. PDF parsers are large and not
/// hardened against every malformed file; a broken PDF must be an error for that document, not a crash.
fn contain_panics<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET_PANICS.with(|q| q.set(true));
    let result = std::panic::catch_unwind(f);
    QUIET_PANICS.with(|q| q.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown error".into())
    })
}

pub fn pdf_text(body: &[u8]) -> Result<String, String> {
    let owned = body.to_vec();
    let text = contain_panics(move || pdf_extract::extract_text_from_mem(&owned))
        .map_err(|e| format!("the PDF could not be read ({e})"))?
        .map_err(|e| format!("the PDF could not be read ({e})"))?;
    if !text.chars().any(char::is_alphanumeric) {
        return Err("the PDF has no text layer (a scanned document?); orgcheck cannot read it".into());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(words: usize) -> String {
        "We may share aggregated data with partners. ".repeat(words)
    }

    #[test]
    fn charset_from_bom_header_meta_and_detection() {
        // "café ’quoted’" in Windows-1252.
        let cp1252 = b"caf\xe9 \x92quoted\x92 and some more French-looking text: d\xe9j\xe0 vu, na\xefve, \xe9t\xe9.";
        let (text, enc) = decode(cp1252, Some("text/plain; charset=windows-1252"), false);
        assert_eq!(enc.name(), "windows-1252");
        assert!(text.starts_with("café ’quoted’"));
        let (_, enc) = decode(cp1252, None, false);
        assert_eq!(enc.name(), "windows-1252", "detected");
        let meta = [
            b"<html><head><meta charset=\"windows-1252\"></head><body>".as_slice(),
            cp1252,
        ]
        .concat();
        assert_eq!(decode(&meta, Some("text/html"), true).1.name(), "windows-1252");
        let bom = [b"\xef\xbb\xbf".as_slice(), "é".as_bytes()].concat();
        assert_eq!(
            decode(&bom, Some("text/html; charset=iso-8859-1"), true),
            ("é".to_string(), encoding_rs::UTF_8)
        );
    }

    #[test]
    fn kinds_from_content_type_or_sniffing() {
        assert_eq!(classify(b"x", Some("text/html; charset=utf-8"), "u"), Ok(Format::Html));
        assert_eq!(classify(b"%PDF-1.4", None, "u"), Ok(Format::Pdf));
        assert_eq!(
            classify(b"<!DOCTYPE html>", Some("application/octet-stream"), "u"),
            Ok(Format::Html)
        );
        assert_eq!(classify(b"# T", None, "https://x/p.md"), Ok(Format::Markdown));
        assert!(
            classify(b"\x89PNG", Some("image/png"), "u")
                .unwrap_err()
                .contains("unsupported content type `image/png`")
        );
    }

    #[test]
    fn short_or_empty_results_are_errors() {
        let iso = Isolation::default();
        assert_eq!(
            extract(b"  \n", Some("text/html"), "u", &iso).unwrap_err(),
            "empty response body"
        );
        let err = extract(
            b"<html><body><p>Too short.</p></body></html>",
            Some("text/html"),
            "u",
            &iso,
        )
        .unwrap_err();
        assert!(err.starts_with("only 9 characters"), "{err}");
        let iso = Isolation::new(&["#policy".into()], &[]).unwrap();
        let page = format!("<html><body><main>{}</main></body></html>", policy(5));
        let err = extract(page.as_bytes(), Some("text/html"), "u", &iso).unwrap_err();
        assert_eq!(
            err,
            "selector `#policy` matched nothing — has the page structure changed?"
        );
    }

    #[test]
    fn plain_text_passes_through() {
        let body = policy(5);
        let out = extract(body.as_bytes(), Some("text/plain"), "u", &Isolation::default()).unwrap();
        assert_eq!(out.kind, Format::Text);
        assert_eq!(out.text, text::normalise(&body));
    }

    #[test]
    fn broken_pdf_is_an_error_not_a_panic() {
        let err = extract(
            b"%PDF-1.4\n1 0 obj garbage",
            Some("application/pdf"),
            "u",
            &Isolation::default(),
        )
        .unwrap_err();
        assert!(err.contains("PDF"), "{err}");
    }
}
