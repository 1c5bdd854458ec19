//! The library's error type. Every variant names the file (and line, where known) and says what to do next.

use std::fmt;
use std::path::PathBuf;

/// Where in an input a problem is: a file, optionally a line and a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: Option<usize>,
    pub field: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            line: None,
            field: None,
        }
    }

    pub fn at(file: impl Into<String>, line: usize) -> Self {
        Location {
            file: file.into(),
            line: Some(line),
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        Ok(())
    }
}

/// One problem found while validating a file; validation collects all of them before failing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Everything that can go wrong in the library. Each variant carries what a user needs to find the
/// problem (file, line, field, URL, store path) and its message says what to do about it. Messages
/// include the underlying error's text, so no variant also reports it as a `source` (which would
/// print it twice in a chain).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },

    #[error("{path}: cannot open: {error}")]
    Open { path: PathBuf, error: std::io::Error },

    #[error(
        "{name}: more than {limit_mb} MB, far more than a policy; orgcheck reads documents of up to {limit_mb} MB \
         (for a corpus, give one JSONL record per document)"
    )]
    TooLarge { name: String, limit_mb: usize },

    #[error("{path}: is a directory; give a file")]
    IsDirectory { path: PathBuf },

    #[error("no input: standard input is a terminal; give a FILE, or pipe the text in")]
    NoInput,

    #[error("{url}: a URL is fetched, not read as a file; give a file or `-` here")]
    UrlNotReadable { url: String },

    /// One or more problems in declaration, rule or data files; each names file, line and field.
    #[error("{}", join_problems(.0))]
    Invalid(Vec<Problem>),

    #[error(
        "{path}: not valid UTF-8 (first bad byte at offset {offset}); convert it first, e.g. `iconv -f WINDOWS-1252 \
         -t UTF-8`"
    )]
    NotUtf8 { path: String, offset: usize },

    /// A document (file, standard input or fetched page) that is not a readable policy.
    #[error("{name}: {error}")]
    Document {
        /// The file, `-` or the URL.
        name: String,
        error: IngestError,
    },

    #[error("{url}: {error}")]
    Http { url: String, error: HttpError },

    #[error("{0}")]
    HttpClient(HttpError),

    /// A page that gave no policy text: the download, the browser or the extraction failed.
    #[error("{url}: {reason}")]
    Fetch { url: String, reason: String },

    #[error("cannot start the network runtime: {0}")]
    Runtime(std::io::Error),

    #[error("{dir}: cannot read the providers directory: {error}; pass an existing directory with --providers")]
    ProvidersDir { dir: PathBuf, error: std::io::Error },

    #[error(
        "{path}: a link to {}, outside the providers directory {}; provider files and snapshots must be files inside \
         it (copy the file in instead)",
        .resolved.display(), .dir.display()
    )]
    OutsideProviders {
        path: PathBuf,
        resolved: PathBuf,
        dir: PathBuf,
    },

    #[error("{dir}: no provider files (*.toml) here; see docs/providers.md for the format")]
    NoProviderFiles { dir: PathBuf },

    #[error("unknown provider `{id}`; known providers: {known}")]
    UnknownProvider { id: String, known: String },

    #[error("{provider_file}: {problem}")]
    NoPolicyText {
        provider_file: String,
        problem: PolicyTextProblem,
    },

    #[error(
        "{root}: the store is in use by another orgcheck run (waited {waited_secs}s for {lock}); try again when it \
         has finished"
    )]
    StoreBusy {
        root: PathBuf,
        lock: PathBuf,
        waited_secs: u64,
    },

    #[error(
        "{path}: another `orgcheck reply` is recording a statement in it (waited {waited_secs}s for {lock}); try \
         again when it has finished, or give --lock-timeout more seconds"
    )]
    DeclarationBusy {
        path: PathBuf,
        lock: PathBuf,
        waited_secs: u64,
    },

    /// A stored file that cannot be trusted; the message says how to repair it.
    #[error("{path}: {problem}")]
    StoreCorrupt { path: PathBuf, problem: &'static str },

    #[error(
        "`{id}` is not a stored document: give PROVIDER or PROVIDER/DOCUMENT, ids made of a-z, 0-9 and - (as in the \
         provider files)"
    )]
    BadStoreId { id: String },

    #[error(
        "{path}: is a link; the store never follows links, so nothing was read or written there; replace it with the \
         directory or file itself"
    )]
    StoreLink { path: PathBuf },

    #[error(
        "{dir}: the newest stored version, {newest}, is in the future (now: {now}): a clock set wrong, or a store \
         copied from another machine; nothing was written. Check this machine's clock, then rename or remove \
         that version"
    )]
    FutureVersion { dir: PathBuf, newest: String, now: String },

    #[error("--date {date}: {problem}")]
    ImportDate { date: String, problem: String },

    #[error("{path}: unreadable store metadata ({reason}); delete it and run `orgcheck fetch` again")]
    StoreMetadata { path: PathBuf, reason: String },

    #[error("{}", if *.looks_like_file {
        format!("`{provider}` is a file, not a stored provider: to compare files, give two: `orgcheck diff OLD NEW`")
    } else {
        format!("{}: nothing stored for provider `{provider}`; run `orgcheck fetch` first, or give \
                 --store", .root.display())
    })]
    NothingStored {
        root: PathBuf,
        provider: String,
        /// The name is also a file: the user probably meant to compare files.
        looks_like_file: bool,
    },

    #[error("provider `{provider}` has several stored documents ({}); name one: \
             `{provider}/{}`", .documents.join(", "), .documents[0])]
    SeveralDocuments { provider: String, documents: Vec<String> },

    #[error("{root}: no versions stored for {provider}/{document}; run `orgcheck fetch` first")]
    NoVersions {
        root: PathBuf,
        provider: String,
        document: String,
    },

    #[error("{dir}: {problem}")]
    NoSuchVersion { dir: PathBuf, problem: String },

    #[error(
        "{provider}/{document}: version {version} is the first one stored, so there is nothing before it to compare \
         with; give --from"
    )]
    NoEarlierVersion {
        provider: String,
        document: String,
        version: String,
    },

    #[error("{path}: {problem}; write a new one with `orgcheck check --update-baseline`")]
    Baseline { path: PathBuf, problem: String },

    /// A reply that cannot be recorded as a statement; the message says why and what to do.
    #[error("{file}: {problem}")]
    Reply { file: String, problem: String },

    /// A declaration that cannot be edited in place. Nothing was written.
    #[error("{path}: {problem}; the file was not changed")]
    Declaration { path: PathBuf, problem: String },

    /// A bug: something orgcheck itself got wrong, never the input.
    #[error("{}", no_law_message(.provider, .file, .country.as_deref()))]
    NoLaw {
        provider: String,
        file: String,
        country: Option<String>,
    },

    #[error("--letter-lang {language}: no letter in that language; orgcheck writes {known}")]
    UnknownLetterLanguage { language: String, known: String },

    #[error("internal error: {0}; please report it")]
    Internal(String),
}

/// Why a provider has no policy text to compare.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyTextProblem {
    #[error(
        "document `{document}` has no snapshot, so there is no policy text to compare; declare `snapshot = \
         \"{provider}/{document}.txt\"`, or run `orgcheck fetch {provider}` with the same --providers and then \
           compare with `--store` (the store fetch wrote to: ./.orgcheck unless you gave one)"
    )]
    NoSnapshot { provider: String, document: String },
    #[error("the snapshot of document `{document}` has no text")]
    EmptySnapshot { document: String },
}

/// Why bytes could not be turned into policy text. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("empty response body")]
    EmptyBody,
    #[error("empty document: no text to tag (read as {format}); check the file, or pass --input-format")]
    NoText {
        /// The format it was read as, by name: "plain text", "HTML".
        format: &'static str,
    },
    #[error("only {chars} characters of text after extraction (minimum {min}); {}", short_hint(.selectors, *.html))]
    TooShort {
        chars: usize,
        min: usize,
        selectors: Vec<String>,
        /// The page was read as HTML, where selectors decide what is kept.
        html: bool,
    },
    #[error("unsupported content type `{0}`; orgcheck reads HTML, plain text, Markdown and PDF")]
    UnsupportedType(String),
    #[error("{}; orgcheck reads HTML, plain text, Markdown and PDF", if *.from_server {
        "the server sent binary data, not text"
    } else {
        "binary data, not a document"
    })]
    Binary { from_server: bool },
    #[error("selector {selectors} matched nothing — has the page structure changed?")]
    NoMatch { selectors: String },
    #[error(transparent)]
    Text(TextError),
    #[error("the PDF could not be read ({0})")]
    Pdf(String),
    #[error(
        "the PDF's compressed streams inflate to more than {limit_mb} MB (a decompression bomb, or far more than a \
         policy); it is refused"
    )]
    PdfInflatesTooMuch { limit_mb: u64 },
    #[error("the PDF holds more than {limit_mb} MB of text, far more than a policy; it is refused")]
    PdfTextTooLarge { limit_mb: usize },
    #[error("the PDF has no text layer (a scanned document?); orgcheck cannot read it")]
    NoTextLayer,
}

fn short_hint(selectors: &[String], html: bool) -> String {
    if !html {
        "the document itself has almost no text: is the URL right, or is it an error page?".to_string()
    } else if selectors.is_empty() {
        "open the page in a browser: if the policy is there, it is built by scripts (`orgcheck fetch` \
         renders such pages in Chromium: `render = true` in the provider file), behind a consent wall, or \
         hidden with the page chrome; name the element that holds it with `select` in the provider file \
         (`--select` for `orgcheck extract`)"
            .to_string()
    } else {
        format!("selector {selectors:?} — has the page structure changed?")
    }
}

/// Why markup could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// The `select` selectors matched no element.
    #[error("selector matched nothing")]
    NoMatch,
    /// Elements nest about `depth` deep, more than the `limit` a real page stays under.
    #[error("HTML nests elements about {depth} deep (limit {limit}); this is not a real page, so it is refused")]
    TooDeep { depth: usize, limit: usize },
    /// A PDF is binary: its text layer is read from the bytes, not from a string.
    #[error("a PDF is read from its bytes, not as text")]
    Pdf,
}

/// Why a download failed. Each says what happened in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    InvalidUrl(String),
    Timeout {
        attempts: u32,
    },
    Connect {
        reason: String,
        attempts: u32,
    },
    Status {
        status: u16,
        reason: String,
        attempts: u32,
    },
    TooManyRedirects {
        limit: usize,
    },
    RedirectScheme(String),
    /// A document from the web led to a private address (`--allow-private` lets it).
    PrivateAddress {
        host: String,
        address: String,
    },
    TooLarge {
        limit: u64,
        declared: Option<u64>,
    },
    Body {
        reason: String,
        attempts: u32,
    },
    Other(String),
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tries = |n: u32| {
            if n > 1 {
                format!(" (after {n} attempts)")
            } else {
                String::new()
            }
        };
        match self {
            HttpError::InvalidUrl(u) => write!(f, "`{u}` is not a valid http(s) URL"),
            HttpError::Timeout { attempts } => write!(
                f,
                "timed out{}; raise --timeout if the server is just slow",
                tries(*attempts)
            ),
            HttpError::Connect { reason, attempts } => write!(f, "could not connect: {reason}{}", tries(*attempts)),
            HttpError::Status {
                status,
                reason,
                attempts,
            } => {
                let retry = if *status == 429 || *status == 408 || *status >= 500 {
                    ""
                } else {
                    "; not retried"
                };
                write!(f, "HTTP {status} {reason}{}{retry}", tries(*attempts))
            }
            HttpError::TooManyRedirects { limit } => write!(f, "more than {limit} redirects (a redirect loop?)"),
            HttpError::RedirectScheme(u) => {
                write!(f, "redirected to `{u}`; only http and https redirects are followed")
            }
            HttpError::PrivateAddress { host, address } => write!(
                f,
                "led to `{host}`, at {address}, a private address (this machine, a private or link-local network); \
                 a document from the web is not let reach it. If you mean to fetch from your own network, pass \
                 --allow-private"
            ),
            HttpError::TooLarge {
                limit,
                declared: Some(d),
            } => {
                write!(
                    f,
                    "body of {d} bytes is over the {limit}-byte cap; raise --max-bytes if the page is really that large"
                )
            }
            HttpError::TooLarge { limit, declared: None } => {
                write!(
                    f,
                    "body grew past the {limit}-byte cap (after decompression); raise --max-bytes if the page is \
                     really that large"
                )
            }
            HttpError::Body { reason, attempts } => write!(
                f,
                "connection failed while reading the body: {reason}{}",
                tries(*attempts)
            ),
            HttpError::Other(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for HttpError {}

fn join_problems(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            error: source,
        }
    }

    pub fn invalid(location: Location, message: impl Into<String>) -> Self {
        Error::Invalid(vec![Problem {
            location,
            message: message.into(),
        }])
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Converts a byte offset into a 1-based line number.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Turns a TOML parse or deserialisation error into a problem with the file, line and (for missing or
/// unknown fields) the field it points at.
pub fn toml_problem(file: &str, source: &str, err: &toml::de::Error) -> Problem {
    let line = err.span().map(|span| line_of(source, span.start));
    // toml's message repeats the position and a source excerpt; the first line is the useful part.
    let message = err
        .message()
        .lines()
        .next()
        .unwrap_or("invalid TOML")
        .trim()
        .to_string();
    let field_named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    let location = Location {
        file: file.to_string(),
        line,
        field: None,
    };
    let (location, message) = if let Some(field) = field_named("missing field `") {
        (
            location.with_field(field.clone()),
            format!("required but missing; add `{field} = ...` to this table"),
        )
    } else if let Some(field) = field_named("unknown field `") {
        let expected = message
            .split_once(", ")
            .map_or(String::new(), |(_, rest)| format!(" ({rest})"));
        (
            location.with_field(field),
            format!("unknown field{expected}; check the spelling"),
        )
    } else if let Some((field, fix)) = message
        .starts_with("invalid type: ")
        .then(|| err.span().and_then(|span| type_fix(source, span, &message)))
        .flatten()
    {
        (location.with_field(field), fix)
    } else {
        (location, format!("{message}; fix the TOML there"))
    };
    Problem { location, message }
}

/// For a value of the wrong type (`date = 2025-04-02`, `name = 5`): the key it is given to and what to
/// write instead. TOML reads an unquoted date as a date, which serde then reports as "a map".
fn type_fix(source: &str, span: std::ops::Range<usize>, message: &str) -> Option<(String, String)> {
    let value = source.get(span.clone())?.trim();
    let before = source.get(..span.start)?;
    let line = before.rsplit('\n').next()?;
    let key = line.trim_end().strip_suffix('=')?.trim();
    let key = key.rsplit('.').next()?.trim().trim_matches('"').to_string();
    if key.is_empty() || value.contains('\n') {
        return None;
    }
    let wants_text = message.contains(", expected a string") || message.contains(", expected path string");
    let is_date =
        value.len() >= 7 && value.as_bytes()[..4].iter().all(u8::is_ascii_digit) && value.as_bytes()[4] == b'-';
    let fix = if wants_text && is_date {
        format!("`{value}` is a TOML date, and orgcheck reads dates as text: write `{key} = \"{value}\"`, quoted")
    } else if wants_text && !value.starts_with(['"', '\'', '[', '{']) {
        format!("must be text: write `{key} = \"{value}\"`, quoted")
    } else {
        let expected = message.split_once(", expected ").map_or("another type", |(_, e)| e);
        format!("`{value}` is not {expected}; write `{key} = ` with {expected}")
    };
    Some((key, fix))
}

/// Decodes bytes as UTF-8 or reports where the first bad byte is.
pub fn decode_utf8(path: &str, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        path: path.to_string(),
        offset: e.utf8_error().valid_up_to(),
    })
}

fn no_law_message(provider: &str, file: &str, country: Option<&str>) -> String {
    match country {
        Some(c) => format!(
            "{file}: {provider} declares country `{c}`, which is neither the United Kingdom nor in the EU or \
             the EEA, and orgcheck's letters cite the UK GDPR or the GDPR; give --law uk-gdpr or --law gdpr if \
             one of them applies to this provider"
        ),
        None => format!(
            "{file}: {provider} declares no `country`, so the law its letter cites is unknown; add \
             `country = \"GB\"` (or another ISO 3166 code) to the declaration, or give --law uk-gdpr or --law gdpr"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_errors_are_in_the_message_not_also_the_source() {
        use std::error::Error as _;
        let os = || std::io::Error::from_raw_os_error(13);
        let errors = [
            Error::io("f", os()),
            Error::Open {
                path: "f".into(),
                error: os(),
            },
            Error::Runtime(os()),
            Error::ProvidersDir {
                dir: "d".into(),
                error: os(),
            },
        ];
        for e in errors {
            // anyhow's `{:#}` appends every source; one here would print the OS error twice.
            assert!(e.source().is_none(), "{e}");
            assert!(e.to_string().contains(&os().to_string()), "{e}");
        }
    }

    #[test]
    fn line_numbers_are_one_based() {
        let text = "a\nb\nc";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 2), 2);
        assert_eq!(line_of(text, 4), 3);
        assert_eq!(line_of(text, 99), 3);
    }

    #[test]
    fn location_display_names_file_line_field() {
        let loc = Location::at("providers/o2.toml", 7).with_field("url");
        assert_eq!(loc.to_string(), "providers/o2.toml:7: field `url`");
    }

    #[test]
    fn toml_errors_name_the_field() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            name: String,
        }
        let src = "\nnmae = 1\n";
        let err = toml::from_str::<T>(src).unwrap_err();
        assert_eq!(
            toml_problem("f.toml", src, &err).to_string(),
            "f.toml:2: field `nmae`: unknown field (expected `name`); check the spelling"
        );
        let err = toml::from_str::<T>("").unwrap_err();
        assert_eq!(
            toml_problem("f.toml", "", &err).to_string(),
            "f.toml:1: field `name`: required but missing; add `name = ...` to this table"
        );
        let src = "# a comment\nname = 2025-04-02\n";
        let err = toml::from_str::<T>(src).unwrap_err();
        assert_eq!(
            toml_problem("f.toml", src, &err).to_string(),
            "f.toml:2: field `name`: `2025-04-02` is a TOML date, and orgcheck reads dates as text: write \
             `name = \"2025-04-02\"`, quoted"
        );
        let src = "name = 5\n";
        let err = toml::from_str::<T>(src).unwrap_err();
        assert_eq!(
            toml_problem("f.toml", src, &err).to_string(),
            "f.toml:1: field `name`: must be text: write `name = \"5\"`, quoted"
        );
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct N {
            n: u32,
        }
        let err = toml::from_str::<N>("n = \"x\"").unwrap_err();
        let shown = toml_problem("f.toml", "n = \"x\"", &err).to_string();
        assert!(shown.starts_with("f.toml:1: field `n`: `\"x\"` is not u32"), "{shown}");
        let err = toml::from_str::<T>("name = \"x").unwrap_err();
        assert!(
            toml_problem("f.toml", "name = \"x", &err)
                .to_string()
                .starts_with("f.toml:1: ")
        );
    }

    #[test]
    fn non_utf8_reports_offset() {
        let err = decode_utf8("x.txt", b"ab\xffc".to_vec()).unwrap_err();
        assert!(err.to_string().contains("offset 2"), "{err}");
    }
}
