//! Ingestion: one path from bytes to policy text, whether they come from a file, standard input or a
//! fetched page. It decides what the bytes are (the Content-Type a server sent, else the file or URL
//! extension, else the bytes themselves), decodes the charset (BOM, then the Content-Type charset, then
//! `<meta charset>`, then detection), isolates the policy on an HTML page, reads PDF, normalises the
//! text, and refuses what is not a policy. A Windows-1252 file therefore reads exactly like the same
//! page fetched from a server.

use std::cell::Cell;
use std::fs;
use std::io::{self, BufRead, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Once};

use encoding_rs::Encoding;
use regex::bytes::Regex;
use scraper::Selector;

use crate::base::error::{Error, IngestError, Result, TextError};
use crate::document::markup::{self, InputFormat};

/// Text shorter than this, from a fetched page, is not a policy: a selector or the page changed, or
/// the page is built by JavaScript. A file or standard input is what the user chose to give, so any
/// text counts there.
pub const MIN_PAGE_CHARS: usize = 100;

/// Where the bytes come from, which decides the hints used and the checks made.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    /// A local file: its extension hints at the format.
    File(&'a Path),
    /// Standard input: only the bytes say what it is.
    Stdin,
    /// A fetched page: the Content-Type decides, and the URL's path hints.
    Page {
        url: &'a str,
        content_type: Option<&'a str>,
    },
}

impl Origin<'_> {
    fn content_type(&self) -> Option<&str> {
        match self {
            Origin::Page { content_type, .. } => *content_type,
            _ => None,
        }
    }

    /// The extension of the file, or of the URL's path.
    fn extension(&self) -> Option<String> {
        let ext = match self {
            Origin::File(path) => path.extension()?.to_str()?.to_string(),
            Origin::Stdin => return None,
            Origin::Page { url, .. } => {
                let path = url.split(['?', '#']).next().unwrap_or(url);
                let last = path.rsplit('/').next().unwrap_or(path);
                last.rsplit_once('.')?.1.to_string()
            }
        };
        Some(ext.to_ascii_lowercase())
    }

    fn is_page(&self) -> bool {
        matches!(self, Origin::Page { .. })
    }
}

/// Which part of a page is the policy.
#[derive(Debug, Clone, Default)]
pub struct Isolation {
    pub select: Vec<Selector>,
    pub remove: Vec<Selector>,
    /// The selectors as written, for messages.
    pub select_source: Vec<String>,
}

/// A selector that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{selector}` is not a valid CSS selector ({reason})")]
pub struct BadSelector {
    pub selector: String,
    pub reason: String,
}

impl Isolation {
    /// Compiles the `select` and `remove` selectors.
    pub fn new(select: &[String], remove: &[String]) -> Result<Isolation, BadSelector> {
        let parse = |list: &[String]| -> Result<Vec<Selector>, BadSelector> {
            list.iter()
                .map(|s| {
                    Selector::parse(s).map_err(|e| BadSelector {
                        selector: s.clone(),
                        reason: e.to_string(),
                    })
                })
                .collect()
        };
        Ok(Isolation {
            select: parse(select)?,
            remove: parse(remove)?,
            select_source: select.to_vec(),
        })
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

/// A document read and ready to tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The file name, `-` for standard input, or the URL.
    pub source: String,
    pub format: InputFormat,
    /// The charset the bytes were decoded from (not for PDF).
    pub charset: Option<&'static str>,
    /// Normalised text; finding spans index into it.
    pub text: String,
    /// A text file that was markup-shaped (a crawl that kept its `<p>` and `<li>`): its tags were taken
    /// out and its block tags read as breaks.
    pub tags_stripped: bool,
}

/// Turns bytes into a document. `format` overrides detection (`--input-format`); `isolation` picks the
/// policy out of an HTML page (without selectors, the main-content heuristic does).
pub fn document(
    source: &str,
    bytes: &[u8],
    origin: Origin<'_>,
    format: Option<InputFormat>,
    isolation: &Isolation,
) -> Result<Document, IngestError> {
    if origin.is_page() && bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::EmptyBody);
    }
    let forced = format.is_some();
    let format = match format {
        Some(f) => f,
        None => detect(bytes, &origin)?,
    };
    let mut tags_stripped = false;
    if matches!(format, InputFormat::Text | InputFormat::Markdown | InputFormat::Html) && is_binary(bytes) {
        return Err(IngestError::Binary {
            from_server: origin.is_page(),
        });
    }
    let (text, charset) = if format == InputFormat::Pdf {
        (pdf_text(bytes)?, None)
    } else {
        let (decoded, encoding) = decode(bytes, origin.content_type(), format == InputFormat::Html);
        let text = match format {
            InputFormat::Html => markup::html_to_text_selected(&decoded, &isolation.select, &isolation.remove)
                .map_err(|e| match e {
                    TextError::NoMatch => IngestError::NoMatch {
                        selectors: isolation.describe(),
                    },
                    other => IngestError::Text(other),
                })?,
            InputFormat::Markdown => markup::markdown_to_text_checked(&decoded).map_err(IngestError::Text)?,
            // A text file that is mostly markup, whatever its name says, is read without its tags; an
            // explicit `--input-format text` keeps them.
            InputFormat::Text if !forced && markup::looks_like_markup(&decoded) => {
                tags_stripped = true;
                markup::strip_leftover_tags(&decoded).into_owned()
            }
            _ => decoded,
        };
        (text, Some(encoding.name()))
    };
    if mostly_not_text(&text) {
        return Err(IngestError::Binary {
            from_server: origin.is_page(),
        });
    }
    let text = markup::normalise(&text);
    if origin.is_page() {
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        if chars < MIN_PAGE_CHARS {
            return Err(IngestError::TooShort {
                chars,
                min: MIN_PAGE_CHARS,
                selectors: isolation.select_source.clone(),
                html: format == InputFormat::Html,
            });
        }
    }
    if !text.chars().any(char::is_alphanumeric) {
        return Err(IngestError::NoText { format: format.name() });
    }
    Ok(Document {
        source: source.to_string(),
        format,
        charset,
        text,
        tags_stripped,
    })
}

fn mime(content_type: Option<&str>) -> Option<String> {
    content_type
        .map(|ct| ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty())
}

/// Decides what the bytes are: the Content-Type when a server sent a useful one, else the extension,
/// else the bytes themselves.
pub fn detect(bytes: &[u8], origin: &Origin<'_>) -> Result<InputFormat, IngestError> {
    match mime(origin.content_type()).as_deref() {
        Some("text/html" | "application/xhtml+xml") => return Ok(InputFormat::Html),
        Some("text/plain") => return Ok(InputFormat::Text),
        Some("text/markdown" | "text/x-markdown") => return Ok(InputFormat::Markdown),
        Some("application/pdf" | "application/x-pdf") => return Ok(InputFormat::Pdf),
        None | Some("application/octet-stream" | "binary/octet-stream") => {}
        Some(other) => return Err(IngestError::UnsupportedType(other.to_string())),
    }
    // A PDF is a PDF whatever it is called.
    if bytes.starts_with(b"%PDF-") {
        return Ok(InputFormat::Pdf);
    }
    let by_extension = match origin.extension().as_deref() {
        Some("pdf") => Some(InputFormat::Pdf),
        Some("html" | "htm" | "xhtml") => Some(InputFormat::Html),
        Some("md" | "markdown" | "mdown") => Some(InputFormat::Markdown),
        Some("txt" | "text") => Some(InputFormat::Text),
        _ => None,
    };
    if let Some(format) = by_extension {
        return Ok(format);
    }
    Ok(sniff(bytes))
}

/// The format from the first bytes: HTML, Markdown or plain text.
fn sniff(bytes: &[u8]) -> InputFormat {
    let head = &bytes[..bytes.len().min(2048)];
    let lower = head.to_ascii_lowercase();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    let start = {
        let without_bom = lower.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&lower);
        let skip = without_bom.iter().take_while(|b| b.is_ascii_whitespace()).count();
        &without_bom[skip..]
    };
    let html = has(b"<html")
        || has(b"<!doctype html")
        || has(b"<body")
        || (start.starts_with(b"<") && [&b"<div"[..], b"<p>", b"<p ", b"<h1"].iter().any(|t| has(t)));
    if html {
        return InputFormat::Html;
    }
    let text = String::from_utf8_lossy(head);
    let markdownish = text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("# ") || l.starts_with("## ") || l.starts_with("### ") || (l.contains("](") && l.contains('['))
    });
    if markdownish {
        InputFormat::Markdown
    } else {
        InputFormat::Text
    }
}

/// Zero bytes in the first kilobytes mean binary data, unless a UTF-16 BOM says it is text (UTF-16 is
/// full of them).
/// Whether bytes that should be text are binary data: a NUL, or more than 1% control bytes, in the
/// first 64 KB (UTF-16 with its byte order mark excepted). Text in any charset has almost none: tabs,
/// line breaks, form feeds and the escapes of ISO-2022 are not counted. Random bytes have about 10%,
/// and served as `text/html` they would otherwise decode (as windows-1252) into a "policy".
fn is_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 << 10)];
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return false;
    }
    let control = |&b: &u8| matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F);
    head.contains(&0) || head.iter().filter(|b| control(b)).count() * 100 > head.len()
}

/// Whether a text is mostly not text: more than a tenth of its characters are control characters
/// (other than tabs, line breaks and form feeds) or U+FFFD, the mark of bytes that did not decode.
pub(crate) fn mostly_not_text(text: &str) -> bool {
    // Every record passes here; most are ASCII, whose bytes are its characters and are counted apart.
    if text.is_ascii() {
        let bad = (text.bytes())
            .filter(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
            .count();
        return bad * 10 > text.len();
    }
    let (mut bad, mut all) = (0usize, 0usize);
    for c in text.chars() {
        all += 1;
        if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) {
            bad += 1;
        }
    }
    bad * 10 > all
}

/// A page with less text than this may be a shell that scripts fill in.
const SHELL_MAX_CHARS: usize = 1000;

static SCRIPT_OPEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<script\b[^>]*>").expect("static regex"));
static SCRIPT_CLOSE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)</script\s*>").expect("static regex"));
static NOSCRIPT_JS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<noscript\b[^>]*>[^<]{0,400}?(?:<[^>]{0,200}>[^<]{0,400}?){0,8}javascript").expect("static regex")
});

/// Whether an HTML page looks built by scripts, so that a browser would see more than its bytes show:
/// little text, and either a `<noscript>` that asks for JavaScript or far more script than text. Says
/// what it saw ("a page that asks for JavaScript"), for the fetch's status line.
pub fn script_built(html: &[u8], doc: &Document) -> Option<&'static str> {
    if doc.format != InputFormat::Html {
        return None;
    }
    let chars = doc.text.chars().count();
    if chars >= SHELL_MAX_CHARS {
        return None;
    }
    if NOSCRIPT_JS.is_match(html) {
        return Some("a page that asks for JavaScript");
    }
    // Script bytes, counted in one pass from each opening tag to its closing one.
    let mut script = 0usize;
    let mut at = 0;
    while let Some(open) = SCRIPT_OPEN.find_at(html, at) {
        let close = SCRIPT_CLOSE.find_at(html, open.end());
        let end = close.map_or(html.len(), |c| c.start());
        script += end - open.end();
        at = close.map_or(html.len(), |c| c.end());
    }
    (script >= 20 * chars.max(50)).then_some("mostly script, little text")
}

static META_CHARSET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)"#).expect("static regex"));

/// Decodes text: BOM first, then the Content-Type charset, then `<meta charset>` (HTML), then UTF-8 if
/// the bytes are valid UTF-8, then detection.
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
    let encoding = if (encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE)
        && Encoding::for_bom(body).is_none()
    {
        encoding_rs::UTF_8
    } else {
        encoding
    };
    let (text, _, _) = encoding.decode(body);
    (text.into_owned(), encoding)
}

thread_local! {
    static QUIET_PANICS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into an error that carries the panic's message, without printing it. PDF
/// parsers are large and not hardened against every malformed file; a broken PDF must be an error for
/// that document, not a crash.
fn contain_panics<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Result<T, IngestError> {
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
        IngestError::Pdf(
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown error".into()),
        )
    })
}

/// The text layer of a PDF.
pub fn pdf_text(body: &[u8]) -> Result<String, IngestError> {
    check_inflated_size(body, MAX_PDF_INFLATED)?;
    let owned = body.to_vec();
    let text = contain_panics(move || pdf_extract::extract_text_from_mem(&owned))?
        .map_err(|e| IngestError::Pdf(e.to_string()))?;
    if text.len() > MAX_PDF_TEXT {
        return Err(IngestError::PdfTextTooLarge {
            limit_mb: MAX_PDF_TEXT >> 20,
        });
    }
    if !text.chars().any(char::is_alphanumeric) {
        return Err(IngestError::NoTextLayer);
    }
    Ok(text)
}

/// The most bytes all the streams of one PDF may inflate to. The PDF reader holds what it inflates in
/// memory, so a 1.5 MB file whose one stream inflates to 1.5 GB of spaces took 3 GB; the longest real
/// policy PDFs inflate to a few megabytes.
pub const MAX_PDF_INFLATED: u64 = 64 << 20;
/// The most text taken from one PDF.
pub const MAX_PDF_TEXT: usize = 16 << 20;

/// Fails when the Flate streams of a PDF inflate to more than `limit` bytes in all. Each `stream` is
/// inflated into a small buffer that is thrown away, counting, and the count stops at the limit: the
/// check takes time linear in the file plus the limit, and no memory to speak of. Streams that are not
/// zlib data (other filters, or none) stop at their first bytes.
fn check_inflated_size(body: &[u8], limit: u64) -> Result<(), IngestError> {
    let mut total = 0u64;
    let mut scratch = vec![0u8; 64 << 10];
    let mut from = 0;
    while let Some(found) = memchr::memmem::find(&body[from..], b"stream") {
        let keyword = from + found;
        from = keyword + b"stream".len();
        if body[..keyword].ends_with(b"end") {
            continue;
        }
        let data = match &body[from..] {
            [b'\r', b'\n', ..] => from + 2,
            [b'\n' | b'\r', ..] => from + 1,
            _ => continue,
        };
        let mut inflate = flate2::Decompress::new(true);
        loop {
            let before = (inflate.total_in(), inflate.total_out());
            let input = &body[data + before.0 as usize..];
            let status = inflate.decompress(input, &mut scratch, flate2::FlushDecompress::None);
            total += inflate.total_out() - before.1;
            if total > limit {
                return Err(IngestError::PdfInflatesTooMuch { limit_mb: limit >> 20 });
            }
            match status {
                Ok(flate2::Status::Ok) if (inflate.total_in(), inflate.total_out()) != before => {}
                _ => break,
            }
        }
        from = data + inflate.total_in() as usize;
    }
    Ok(())
}

/// The largest local document read (a file or standard input), like `--max-bytes` for a download: an
/// HTML page is held as a tree about twenty-five times its size: 42 MB of tiny spans took 853 MB, and
/// 8 MB of them take about 205 MB.
pub const MAX_DOCUMENT: usize = 8 << 20;

/// A document named on the command line: a file, `-` for standard input, or an http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
    Url(String),
}

impl Input {
    /// Reads a command-line argument: `-` is standard input, `http://` or `https://` a URL.
    pub fn parse(arg: &Path) -> Input {
        match arg.to_str() {
            Some("-") => Input::Stdin,
            Some(s) if s.starts_with("http://") || s.starts_with("https://") => Input::Url(s.to_string()),
            _ => Input::File(arg.to_path_buf()),
        }
    }

    /// Reads an argument that names a local document: `-` is standard input, anything else a file,
    /// even a name that looks like a URL (`diff` and `eval` read local files only).
    pub fn local(arg: &Path) -> Input {
        match Input::parse(arg) {
            Input::Url(_) => Input::File(arg.to_path_buf()),
            other => other,
        }
    }

    /// How messages name it.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => p.display().to_string(),
            Input::Url(u) => u.clone(),
        }
    }

    /// Opens a file or standard input for reading; a URL is fetched instead (see `fetch::fetch_url`).
    pub fn open(&self) -> Result<Box<dyn BufRead + Send>> {
        match self {
            Input::Stdin if io::stdin().is_terminal() => Err(Error::NoInput),
            Input::Stdin => Ok(Box::new(io::BufReader::new(io::stdin()))),
            Input::File(path) => {
                let file = fs::File::open(path).map_err(|e| Error::Open {
                    path: path.clone(),
                    error: e,
                })?;
                if file.metadata().is_ok_and(|m| m.is_dir()) {
                    return Err(Error::IsDirectory { path: path.clone() });
                }
                Ok(Box::new(io::BufReader::new(file)))
            }
            Input::Url(url) => Err(Error::UrlNotReadable { url: url.clone() }),
        }
    }

    /// Reads a whole file or standard input and turns it into a document.
    pub fn read_document(&self, format: Option<InputFormat>, isolation: &Isolation) -> Result<Document> {
        let mut reader = self.open()?;
        let origin = match self {
            Input::File(path) => Origin::File(path),
            // `open` refused a URL already: its origin is the server's response.
            Input::Stdin | Input::Url(_) => Origin::Stdin,
        };
        let name = self.name();
        let mut bytes = Vec::new();
        (&mut reader)
            .take(MAX_DOCUMENT as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(&name, e))?;
        if bytes.len() > MAX_DOCUMENT {
            return Err(Error::TooLarge {
                name,
                limit_mb: MAX_DOCUMENT >> 20,
            });
        }
        document(&name, &bytes, origin, format, isolation).map_err(|error| Error::Document { name, error })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_more_than_a_tenth_control_characters_is_not_text_ascii_or_not() {
        let controls = "\x01\x02\x7f";
        // 3 of 30 characters is a tenth, not more; 3 of 29 is more.
        assert!(!mostly_not_text(&format!("{controls}{}", "a".repeat(27))));
        assert!(mostly_not_text(&format!("{controls}{}", "a".repeat(26))));
        assert!(!mostly_not_text(&format!("{controls}{}", "é".repeat(27))));
        assert!(mostly_not_text(&format!("{controls}{}", "é".repeat(26))));
        assert!(mostly_not_text(&format!("\u{FFFD}\u{85}{}", "a".repeat(10))));
        assert!(!mostly_not_text("tabs\tand\nlines\r\n\x0cstay text"));
    }

    #[test]
    fn script_built_pages_are_told_from_short_ones() {
        let doc = |html: &str| {
            let origin = Origin::Page {
                url: "https://a.example/p",
                content_type: Some("text/html"),
            };
            (
                html.to_string(),
                document("p", html.as_bytes(), origin, None, &Isolation::default()),
            )
        };
        let prose = "We may share aggregated data about how you use our network with partners. ".repeat(3);
        let bundle = format!("<script>{}</script>", "var a=1;".repeat(2000));
        let shell = format!("<html><body><h1>Privacy</h1><p>{prose}</p><div id=root></div>{bundle}</body></html>");
        let asks = format!(
            "<html><body><p>{prose}</p><noscript><div class=x><b>Please enable JavaScript</b> to view this \
             page.</div></noscript></body></html>"
        );
        let plain = format!("<html><body><p>{prose}</p><script src=/a.js></script></body></html>");
        let long = format!("<html><body><p>{}</p>{bundle}</body></html>", prose.repeat(6));
        for (html, want) in [
            (shell, Some("mostly script, little text")),
            (asks, Some("a page that asks for JavaScript")),
            (plain, None),
            (long, None),
        ] {
            let (html, doc) = doc(&html);
            assert_eq!(script_built(html.as_bytes(), &doc.unwrap()), want, "{html:.80}");
        }
    }

    /// A PDF-shaped file whose one stream inflates to `size` bytes of spaces.
    fn pdf_with_stream_of(size: usize) -> Vec<u8> {
        use std::io::Write as _;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        let chunk = vec![b' '; 1 << 16];
        for _ in 0..size / chunk.len() {
            z.write_all(&chunk).unwrap();
        }
        let data = z.finish().unwrap();
        let mut pdf = b"%PDF-1.4\n1 0 obj << /Length ".to_vec();
        pdf.extend(format!("{} /Filter /FlateDecode >>\nstream\r\n", data.len()).bytes());
        pdf.extend(&data);
        pdf.extend(b"\nendstream\nendobj\n%%EOF\n");
        pdf
    }

    #[test]
    fn pdf_streams_that_inflate_past_the_limit_are_refused_before_reading() {
        let bomb = pdf_with_stream_of(4 << 20);
        assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
        assert_eq!(
            check_inflated_size(&bomb, 1 << 20),
            Err(IngestError::PdfInflatesTooMuch { limit_mb: 1 })
        );
        assert_eq!(check_inflated_size(&bomb, 8 << 20), Ok(()));
        let truncated = &bomb[..bomb.len() / 2];
        assert_eq!(
            check_inflated_size(truncated, 8 << 20),
            Ok(()),
            "a cut stream just ends"
        );
        assert_eq!(check_inflated_size(b"stream\nnot zlib\nendstream", 1), Ok(()));
        // Through the whole reader, with the real limit.
        let big = pdf_with_stream_of((MAX_PDF_INFLATED as usize) + (1 << 20));
        assert!(matches!(pdf_text(&big), Err(IngestError::PdfInflatesTooMuch { .. })));
    }

    fn policy(words: usize) -> String {
        "We may share aggregated data with partners. ".repeat(words)
    }

    fn page(body: &[u8], content_type: &str) -> Result<Document, IngestError> {
        let origin = Origin::Page {
            url: "https://x.example/p",
            content_type: Some(content_type),
        };
        document("u", body, origin, None, &Isolation::default())
    }

    fn file(name: &str, body: &[u8]) -> Result<Document, IngestError> {
        document(name, body, Origin::File(Path::new(name)), None, &Isolation::default())
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
    fn a_cp1252_file_reads_like_the_fetched_page() {
        let body = [
            b"<html><body><main><h1>Privacy</h1><p>We don\x92t sell your data. Caf\xe9 customers\x97all of \
              them\x97may opt out at any time.</p>"
                .as_slice(),
            policy(3).as_bytes(),
            b"</main></body></html>",
        ]
        .concat();
        let fetched = page(&body, "text/html").unwrap();
        let local = file("policy.html", &body).unwrap();
        assert_eq!(local.text, fetched.text);
        assert_eq!(local.charset, Some("windows-1252"));
        assert!(
            local
                .text
                .contains("We don’t sell your data. Café customers—all of them—may")
        );
    }

    #[test]
    fn kinds_from_content_type_extension_or_sniffing() {
        let url = |u: &'static str, ct: Option<&'static str>| Origin::Page {
            url: u,
            content_type: ct,
        };
        assert_eq!(
            detect(b"x", &url("u", Some("text/html; charset=utf-8"))),
            Ok(InputFormat::Html)
        );
        assert_eq!(detect(b"%PDF-1.4", &url("u", None)), Ok(InputFormat::Pdf));
        assert_eq!(
            detect(b"<!DOCTYPE html>", &url("u", Some("application/octet-stream"))),
            Ok(InputFormat::Html)
        );
        assert_eq!(
            detect(b"T", &url("https://x/p.md?v=1", None)),
            Ok(InputFormat::Markdown)
        );
        assert_eq!(
            detect(b"\x89PNG", &url("u", Some("image/png"))),
            Err(IngestError::UnsupportedType("image/png".into()))
        );
        let f = |name: &'static str| Origin::File(Path::new(name));
        assert_eq!(detect(b"plain", &f("a.HTML")), Ok(InputFormat::Html));
        assert_eq!(detect(b"<html>", &f("a.md")), Ok(InputFormat::Markdown));
        assert_eq!(detect(b"%PDF-1.7", &f("a.txt")), Ok(InputFormat::Pdf));
        assert_eq!(
            detect(b"<!DOCTYPE html><p>x</p>", &Origin::Stdin),
            Ok(InputFormat::Html)
        );
        assert_eq!(detect(b"# Title\n\ntext", &Origin::Stdin), Ok(InputFormat::Markdown));
        assert_eq!(detect(b"We share data.", &Origin::Stdin), Ok(InputFormat::Text));
        assert_eq!(detect(b"\xff\xfeW\x00e\x00", &Origin::Stdin), Ok(InputFormat::Text));
    }

    #[test]
    fn short_or_empty_results_are_errors() {
        assert_eq!(page(b"  \n", "text/html"), Err(IngestError::EmptyBody));
        let err = page(b"<html><body><p>Too short.</p></body></html>", "text/html").unwrap_err();
        assert!(err.to_string().starts_with("only 9 characters"), "{err}");
        let iso = Isolation::new(&["#policy".into()], &[]).unwrap();
        let body = format!("<html><body><main>{}</main></body></html>", policy(5));
        let origin = Origin::Page {
            url: "u",
            content_type: Some("text/html"),
        };
        let err = document("u", body.as_bytes(), origin, None, &iso).unwrap_err();
        assert_eq!(
            err.to_string(),
            "selector `#policy` matched nothing — has the page structure changed?"
        );
        // A short file is what the user gave; an empty one is not a document.
        assert_eq!(
            file("s.txt", b"We never sell data.").unwrap().text,
            "We never sell data.\n"
        );
        let err = file("e.txt", b"  \n\n ").unwrap_err().to_string();
        assert!(err.starts_with("empty document"), "{err}");
        let err = document(
            "e.html",
            b"<html><script>x()</script></html>",
            Origin::Stdin,
            Some(InputFormat::Html),
            &Isolation::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("empty document"), "{err}");
    }

    #[test]
    fn binary_data_is_refused_whatever_its_name() {
        let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00 We share data.";
        for name in ["a.bin", "a.txt", "a"] {
            assert_eq!(
                file(name, elf),
                Err(IngestError::Binary { from_server: false }),
                "{name}"
            );
        }
        assert_eq!(page(elf, "text/plain"), Err(IngestError::Binary { from_server: true }));
        // UTF-16 with its BOM is text, zero bytes and all.
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("We never sell your data.".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(file("u.txt", &utf16).unwrap().text, "We never sell your data.\n");
    }

    #[test]
    fn plain_text_passes_through() {
        let body = policy(5);
        let out = page(body.as_bytes(), "text/plain").unwrap();
        assert_eq!(out.format, InputFormat::Text);
        assert_eq!(out.text, markup::normalise(&body));
    }

    #[test]
    fn broken_pdf_is_an_error_not_a_panic() {
        let err = page(b"%PDF-1.4\n1 0 obj garbage", "application/pdf").unwrap_err();
        assert!(err.to_string().contains("PDF"), "{err}");
    }

    #[test]
    fn inputs_from_arguments() {
        assert_eq!(Input::parse(Path::new("-")), Input::Stdin);
        assert_eq!(
            Input::parse(Path::new("https://x.example/p")),
            Input::Url("https://x.example/p".into())
        );
        assert_eq!(Input::parse(Path::new("p.html")), Input::File("p.html".into()));
        assert_eq!(
            Input::local(Path::new("https://x.example/p")),
            Input::File("https://x.example/p".into())
        );
        assert_eq!(Input::local(Path::new("-")), Input::Stdin);
        let err = Input::File("/no/such/file".into()).open().err().unwrap().to_string();
        assert!(err.starts_with("/no/such/file: cannot open:"), "{err}");
        let err = Input::File("src".into()).open().err().unwrap().to_string();
        assert_eq!(err, "src: is a directory; give a file");
    }
}
