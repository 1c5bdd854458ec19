//! Provider declarations: one TOML file per provider (`providers/<id>.toml`), their validation, and the
//! bundled set embedded in the binary. The format is documented in `docs/providers.md`.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::base::error::{Error, Location, Problem, Result, decode_utf8, line_of, toml_problem};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// Where provider declarations come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderSource {
    /// The `providers/` directory embedded in the binary.
    Bundled,
    /// A directory on disk.
    Dir(PathBuf),
}

impl ProviderSource {
    /// How a file of this source is named in messages.
    fn display(&self, rel: &str) -> String {
        match self {
            ProviderSource::Bundled => format!("providers/{rel}"),
            ProviderSource::Dir(dir) => dir.join(rel).display().to_string(),
        }
    }

    /// The provider files: (file name, contents).
    fn files(&self) -> Result<Vec<(String, String)>> {
        match self {
            ProviderSource::Bundled => Ok(bundled::PROVIDER_FILES
                .iter()
                .filter(|(name, _)| name.ends_with(".toml") && !name.contains('/'))
                .map(|(n, c)| (n.to_string(), c.to_string()))
                .collect()),
            ProviderSource::Dir(dir) => {
                let entries = fs::read_dir(dir).map_err(|e| Error::ProvidersDir {
                    dir: dir.clone(),
                    error: e,
                })?;
                let mut files = Vec::new();
                for entry in entries {
                    let entry = entry.map_err(|e| Error::io(dir, e))?;
                    let path = entry.path();
                    if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                        inside(dir, &path)?;
                        let name = entry.file_name().to_string_lossy().into_owned();
                        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
                        files.push((name, decode_utf8(&path.display().to_string(), bytes)?));
                    }
                }
                files.sort();
                if files.is_empty() {
                    return Err(Error::NoProviderFiles { dir: dir.clone() });
                }
                Ok(files)
            }
        }
    }

    /// Reads a snapshot file named relative to the providers directory.
    fn snapshot(&self, rel: &str) -> Result<Option<String>> {
        match self {
            ProviderSource::Bundled => Ok(bundled::PROVIDER_FILES
                .iter()
                .find(|(n, _)| *n == rel)
                .map(|(_, c)| c.to_string())),
            ProviderSource::Dir(dir) => {
                let path = dir.join(rel);
                if path.exists() {
                    inside(dir, &path)?;
                }
                match fs::read(&path) {
                    Ok(bytes) => decode_utf8(&path.display().to_string(), bytes).map(Some),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(Error::io(path, e)),
                }
            }
        }
    }
}

/// Fails when `path` (which exists) resolves, through links, to a place outside `dir`: provider files
/// come from pull requests, and a link could make a report print any file the reader can read.
fn inside(dir: &Path, path: &Path) -> Result<()> {
    let resolved = fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let root = fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
    if resolved.starts_with(&root) {
        Ok(())
    } else {
        Err(Error::OutsideProviders {
            path: path.to_path_buf(),
            resolved,
            dir: root,
        })
    }
}

/// A provider, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// The file stem: `o2` for `o2.toml`.
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    /// `Some("none")` when the provider has not replied to customers: a state, not a statement.
    pub reply: Option<String>,
    /// Where customers write about their data (the privacy or data-protection office).
    pub contact: Option<Contact>,
    /// The policy documents, then the statement pages (`role` tells them apart).
    pub documents: Vec<Document>,
    pub statements: Vec<Statement>,
    pub notes: Vec<Note>,
    /// The file it was declared in, as shown in messages.
    pub file: String,
}

/// The provider's privacy contact, declared with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Contact {
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What a fetched document is to the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A privacy policy (`[[documents]]`).
    #[default]
    Policy,
    /// A page where the provider tells customers what it does (`[[statements]]` with an `id`).
    Statement,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: String,
    pub role: Role,
    pub title: Option<String>,
    pub url: String,
    pub select: Vec<String>,
    pub remove: Vec<String>,
    /// The snapshot path, relative to the providers directory.
    pub snapshot: Option<String>,
    pub snapshot_date: Option<String>,
    pub snapshot_source: Option<String>,
    /// The snapshot's text, loaded during validation. For a statement page, its declared `text`.
    pub snapshot_text: Option<String>,
    /// For a statement page: the sentences that matter, looked up in each fetched version.
    pub quote: Vec<String>,
    /// `Some(true)`: always fetched in the browser; `Some(false)`: never; `None`: as `--render` says.
    pub render: Option<bool>,
    /// When rendered, the element whose text means the page is ready (a CSS selector).
    pub wait_for: Option<String>,
}

impl Document {
    /// A page given by its URL alone (`orgcheck extract URL`): no selectors, no snapshot.
    pub fn at(url: &str) -> Document {
        Document {
            id: String::new(),
            role: Role::Policy,
            title: None,
            url: url.to_string(),
            select: Vec::new(),
            remove: Vec::new(),
            snapshot: None,
            snapshot_date: None,
            snapshot_source: None,
            snapshot_text: None,
            quote: Vec::new(),
            render: None,
            wait_for: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Statement {
    /// What the provider told customers, quoted verbatim.
    pub text: String,
    /// Where it was published.
    pub source: String,
    /// When: YYYY, YYYY-MM or YYYY-MM-DD.
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Editorial remarks and other quotes that are not the provider's statement to customers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Note {
    pub kind: String,
    pub text: String,
    pub source: String,
}

// ---- the file format -------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderDef {
    name: Spanned<String>,
    country: Option<Spanned<String>>,
    reply: Option<Spanned<String>>,
    contact: Option<Spanned<String>>,
    contact_source: Option<String>,
    documents: Spanned<Vec<DocumentDef>>,
    #[serde(default)]
    statements: Vec<StatementDef>,
    #[serde(default)]
    notes: Vec<NoteDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentDef {
    id: Spanned<String>,
    title: Option<String>,
    url: Spanned<String>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    remove: Vec<Spanned<String>>,
    snapshot: Option<Spanned<String>>,
    snapshot_date: Option<Spanned<String>>,
    snapshot_source: Option<String>,
    render: Option<Spanned<bool>>,
    wait_for: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementDef {
    /// Given for a page orgcheck fetches; absent for a recorded statement.
    id: Option<Spanned<String>>,
    title: Option<String>,
    text: Option<Spanned<String>>,
    source: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    remove: Vec<Spanned<String>>,
    #[serde(default)]
    quote: Vec<Spanned<String>>,
    render: Option<Spanned<bool>>,
    wait_for: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteDef {
    kind: Spanned<String>,
    text: String,
    source: String,
}

pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A plain `local@domain.tld` address: what a mail program accepts in To.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let ok = |c: char| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c);
    !local.is_empty()
        && local.chars().all(ok)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

fn check_selectors(
    problem: &mut dyn FnMut(Location, String),
    at: &dyn Fn(std::ops::Range<usize>, &str) -> Location,
    select: &[Spanned<String>],
    remove: &[Spanned<String>],
    table: &str,
) {
    for (field, list) in [("select", select), ("remove", remove)] {
        for sel in list {
            if let Err(e) = scraper::Selector::parse(sel.get_ref()) {
                problem(
                    at(sel.span(), &format!("{table}.{field}")),
                    format!("`{}` is not a valid CSS selector ({e})", sel.get_ref()),
                );
            }
        }
    }
}

/// `wait_for` is a CSS selector, and only means something for a page that may be rendered.
fn check_rendering(
    problem: &mut dyn FnMut(Location, String),
    at: &dyn Fn(std::ops::Range<usize>, &str) -> Location,
    render: Option<&Spanned<bool>>,
    wait_for: Option<&Spanned<String>>,
    table: &str,
) {
    let Some(sel) = wait_for else { return };
    if let Err(e) = scraper::Selector::parse(sel.get_ref()) {
        problem(
            at(sel.span(), &format!("{table}.wait_for")),
            format!("`{}` is not a valid CSS selector ({e})", sel.get_ref()),
        );
    }
    if render.is_some_and(|r| !*r.get_ref()) {
        problem(
            at(sel.span(), &format!("{table}.wait_for")),
            "`wait_for` is for a page rendered in the browser, and this one has `render = false`; remove one of them"
                .into(),
        );
    }
}

fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.chars().all(|c| c.is_ascii_digit());
    let in_range = |p: &str, max: u32| p.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v));
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => digits(y, 4) && digits(m, 2) && in_range(m, 12) && digits(d, 2) && in_range(d, 31),
        _ => false,
    }
}

/// Why a declared URL cannot be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("`{url}` is a {scheme} URL; policy URLs must start with https:// or http://")]
    Scheme { url: String, scheme: String },
    #[error("`{url}` has no host name")]
    NoHost { url: String },
    #[error("`{url}` is not a valid URL ({reason}); write the full address, e.g. https://example.com/privacy")]
    Invalid { url: String, reason: String },
}

/// Checks that `url` is an absolute http(s) URL with a host.
pub fn check_url(url: &str) -> Result<(), UrlError> {
    match url::Url::parse(url) {
        Ok(u) if !matches!(u.scheme(), "http" | "https") => Err(UrlError::Scheme {
            url: url.to_string(),
            scheme: u.scheme().to_string(),
        }),
        Ok(u) if u.host_str().is_none_or(str::is_empty) => Err(UrlError::NoHost { url: url.to_string() }),
        Ok(_) => Ok(()),
        Err(e) => Err(UrlError::Invalid {
            url: url.to_string(),
            reason: e.to_string(),
        }),
    }
}

/// Loads and validates every provider of `source`. All problems in all files are reported together.
pub fn load(source: &ProviderSource) -> Result<Vec<Provider>> {
    let mut providers = Vec::new();
    let mut problems = Vec::new();
    for (file_name, contents) in source.files()? {
        match parse_provider(source, &file_name, &contents) {
            Ok(p) => providers.push(p),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        Ok(providers)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Validates one declaration, `file_name` in `source`, from `contents`: what `reply` runs on an edited
/// file before it replaces the original.
pub fn parse_file(source: &ProviderSource, file_name: &str, contents: &str) -> Result<Provider> {
    parse_provider(source, file_name, contents).map_err(Error::Invalid)
}

fn parse_provider(source: &ProviderSource, file_name: &str, contents: &str) -> Result<Provider, Vec<Problem>> {
    let file = source.display(file_name);
    let def: ProviderDef = toml::from_str(contents).map_err(|e| vec![toml_problem(&file, contents, &e)])?;
    let mut problems = Vec::new();
    let at = |span: std::ops::Range<usize>, field: &str| {
        Location::at(file.clone(), line_of(contents, span.start)).with_field(field)
    };
    let mut problem = |location: Location, message: String| problems.push(Problem { location, message });

    let id = file_name.trim_end_matches(".toml").to_string();
    if !is_slug(&id) {
        problem(
            Location::file(file.clone()),
            format!("the file name gives the provider id `{id}`, which must match [a-z0-9-]+; rename the file"),
        );
    }
    if def.name.get_ref().trim().is_empty() {
        problem(at(def.name.span(), "name"), "must not be empty".into());
    }
    if let Some(reply) = &def.reply {
        if reply.get_ref() != "none" {
            problem(
                at(reply.span(), "reply"),
                format!(
                    "`{}`: the only value is \"none\" (no reply yet); record replies as [[statements]]",
                    reply.get_ref()
                ),
            );
        } else if def.statements.iter().any(|s| s.id.is_none()) {
            problem(
                at(reply.span(), "reply"),
                "reply = \"none\" but statements are recorded; remove one of them".into(),
            );
        }
    }
    let contact = def.contact.map(|c| {
        if !is_email(c.get_ref()) {
            problem(
                at(c.span(), "contact"),
                format!(
                    "`{}` is not an e-mail address; write it as name@example.com",
                    c.get_ref()
                ),
            );
        }
        Contact {
            email: c.into_inner(),
            source: def.contact_source,
        }
    });
    if def.documents.get_ref().is_empty() {
        problem(
            at(def.documents.span(), "documents"),
            "declare at least one [[documents]] entry".into(),
        );
    }

    let mut documents = Vec::new();
    let mut seen_ids: Vec<(String, usize)> = Vec::new();
    for doc in def.documents.into_inner() {
        let doc_id = doc.id.get_ref().clone();
        if !is_slug(&doc_id) {
            problem(
                at(doc.id.span(), "documents.id"),
                format!("`{doc_id}` must match [a-z0-9-]+"),
            );
        }
        let line = line_of(contents, doc.id.span().start);
        if let Some((_, first)) = seen_ids.iter().find(|(s, _)| *s == doc_id) {
            problem(
                at(doc.id.span(), "documents.id"),
                format!(
                    "duplicate document id `{doc_id}` (first at line {first}); document ids must be unique in a file"
                ),
            );
        }
        seen_ids.push((doc_id.clone(), line));
        if let Err(msg) = check_url(doc.url.get_ref()) {
            problem(at(doc.url.span(), "documents.url"), msg.to_string());
        }
        check_selectors(&mut problem, &at, &doc.select, &doc.remove, "documents");
        check_rendering(
            &mut problem,
            &at,
            doc.render.as_ref(),
            doc.wait_for.as_ref(),
            "documents",
        );
        if let Some(date) = &doc.snapshot_date
            && !is_date(date.get_ref())
        {
            problem(
                at(date.span(), "documents.snapshot_date"),
                format!("`{}` is not a date; use YYYY, YYYY-MM or YYYY-MM-DD", date.get_ref()),
            );
        }
        let mut snapshot_text = None;
        if let Some(snap) = &doc.snapshot {
            let rel = snap.get_ref();
            if rel.is_empty() || Path::new(rel).is_absolute() || rel.split(['/', '\\']).any(|p| p == "..") {
                problem(
                    at(snap.span(), "documents.snapshot"),
                    format!("`{rel}` must be a path inside the providers directory, e.g. \"{id}/{doc_id}.txt\""),
                );
            } else {
                match source.snapshot(rel) {
                    Ok(Some(text)) if text.trim().is_empty() => problem(
                        at(snap.span(), "documents.snapshot"),
                        format!("snapshot file `{}` is empty", source.display(rel)),
                    ),
                    Ok(Some(text)) => snapshot_text = Some(text),
                    Ok(None) => problem(
                        at(snap.span(), "documents.snapshot"),
                        format!(
                            "snapshot file `{}` does not exist; create it or remove the field",
                            source.display(rel)
                        ),
                    ),
                    Err(e) => problem(at(snap.span(), "documents.snapshot"), e.to_string()),
                }
            }
        }
        documents.push(Document {
            id: doc_id,
            role: Role::Policy,
            title: doc.title,
            url: doc.url.into_inner(),
            select: doc.select.into_iter().map(Spanned::into_inner).collect(),
            remove: doc.remove.into_iter().map(Spanned::into_inner).collect(),
            snapshot: doc.snapshot.map(Spanned::into_inner),
            snapshot_date: doc.snapshot_date.map(Spanned::into_inner),
            snapshot_source: doc.snapshot_source,
            snapshot_text,
            quote: Vec::new(),
            render: doc.render.map(Spanned::into_inner),
            wait_for: doc.wait_for.map(Spanned::into_inner),
        });
    }

    let mut statements = Vec::new();
    for st in def.statements {
        let date_ok = |problem: &mut dyn FnMut(Location, String), date: &Spanned<String>| {
            if !is_date(date.get_ref()) {
                problem(
                    at(date.span(), "statements.date"),
                    format!("`{}` is not a date; use YYYY, YYYY-MM or YYYY-MM-DD", date.get_ref()),
                );
            }
        };
        if let Some(url) = &st.url
            && let Err(msg) = check_url(url.get_ref())
        {
            problem(at(url.span(), "statements.url"), msg.to_string());
        }
        if let Some(page_id) = st.id {
            // A page orgcheck fetches: stored and checked like a policy document.
            let doc_id = page_id.get_ref().clone();
            if !is_slug(&doc_id) {
                problem(
                    at(page_id.span(), "statements.id"),
                    format!("`{doc_id}` must match [a-z0-9-]+"),
                );
            }
            if let Some((_, first)) = seen_ids.iter().find(|(s, _)| *s == doc_id) {
                problem(
                    at(page_id.span(), "statements.id"),
                    format!(
                        "duplicate id `{doc_id}` (first at line {first}); documents and statement pages share one set of ids"
                    ),
                );
            }
            seen_ids.push((doc_id.clone(), line_of(contents, page_id.span().start)));
            let Some(url) = st.url else {
                problem(
                    at(page_id.span(), "statements.url"),
                    "a statement page with an `id` is fetched: give its `url`".into(),
                );
                continue;
            };
            check_selectors(&mut problem, &at, &st.select, &st.remove, "statements");
            check_rendering(
                &mut problem,
                &at,
                st.render.as_ref(),
                st.wait_for.as_ref(),
                "statements",
            );
            for q in &st.quote {
                if q.get_ref().split_whitespace().next().is_none() {
                    problem(at(q.span(), "statements.quote"), "must not be empty".into());
                }
            }
            let fallback = st
                .text
                .as_ref()
                .map(|t| crate::document::markup::normalise(t.get_ref()).trim_end().to_string());
            if let Some(text) = &st.text {
                if text.get_ref().trim().is_empty() {
                    problem(at(text.span(), "statements.text"), "must not be empty".into());
                }
                match &st.date {
                    Some(date) => date_ok(&mut problem, date),
                    None => problem(
                        at(text.span(), "statements.date"),
                        "the page's recorded `text` needs the `date` it was published".into(),
                    ),
                }
            } else if let Some(date) = &st.date {
                problem(
                    at(date.span(), "statements.date"),
                    "`date` dates the recorded `text`, which is missing; add the text or remove the date".into(),
                );
            }
            documents.push(Document {
                id: doc_id,
                role: Role::Statement,
                title: st.title,
                url: url.into_inner(),
                select: st.select.into_iter().map(Spanned::into_inner).collect(),
                remove: st.remove.into_iter().map(Spanned::into_inner).collect(),
                snapshot: None,
                snapshot_date: st.date.map(Spanned::into_inner),
                snapshot_source: st.source.map(Spanned::into_inner),
                snapshot_text: fallback,
                quote: st
                    .quote
                    .into_iter()
                    .map(|q| q.into_inner().split_whitespace().collect::<Vec<_>>().join(" "))
                    .collect(),
                render: st.render.map(Spanned::into_inner),
                wait_for: st.wait_for.map(Spanned::into_inner),
            });
            continue;
        }
        // A recorded statement: quoted once, from a letter, a reply or an article.
        let fetch_only = [
            ("statements.select", st.select.first().map(Spanned::span)),
            ("statements.remove", st.remove.first().map(Spanned::span)),
            ("statements.quote", st.quote.first().map(Spanned::span)),
            ("statements.render", st.render.as_ref().map(Spanned::span)),
            ("statements.wait_for", st.wait_for.as_ref().map(Spanned::span)),
        ];
        for (field, span) in fetch_only {
            if let Some(span) = span {
                problem(
                    at(span, field),
                    "only a fetched statement page has this field; give the page an `id` and a `url`".into(),
                );
            }
        }
        let text_span = st.text.as_ref().map(Spanned::span);
        let Some(text) = st.text else {
            let span = st
                .source
                .as_ref()
                .or(st.date.as_ref())
                .or(st.url.as_ref())
                .map_or(0..0, Spanned::span);
            problem(
                at(span, "statements.text"),
                "required but missing: quote what the provider said, or give an `id` and `url` for a page to fetch"
                    .into(),
            );
            continue;
        };
        if text.get_ref().trim().is_empty() {
            problem(at(text.span(), "statements.text"), "must not be empty".into());
        }
        let span = text_span.unwrap_or(0..0);
        let source = match st.source {
            Some(s) if s.get_ref().trim().is_empty() => {
                problem(
                    at(s.span(), "statements.source"),
                    "say where the statement was published".into(),
                );
                String::new()
            }
            Some(s) => s.into_inner(),
            None => {
                problem(
                    at(span.clone(), "statements.source"),
                    "required but missing: say where the statement was published".into(),
                );
                String::new()
            }
        };
        let date = match st.date {
            Some(d) => {
                date_ok(&mut problem, &d);
                d.into_inner()
            }
            None => {
                problem(
                    at(span, "statements.date"),
                    "required but missing: YYYY, YYYY-MM or YYYY-MM-DD".into(),
                );
                String::new()
            }
        };
        statements.push(Statement {
            // Stored normalised, so that finding spans index the text reports show.
            text: crate::document::markup::normalise(text.get_ref())
                .trim_end()
                .to_string(),
            source,
            date,
            url: st.url.map(Spanned::into_inner),
        });
    }

    let mut notes = Vec::new();
    for note in def.notes {
        if !matches!(note.kind.get_ref().as_str(), "editorial" | "quote") {
            problem(
                at(note.kind.span(), "notes.kind"),
                format!("`{}` must be \"editorial\" or \"quote\"", note.kind.get_ref()),
            );
        }
        notes.push(Note {
            kind: note.kind.into_inner(),
            text: note.text.trim().to_string(),
            source: note.source,
        });
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Provider {
        id,
        name: def.name.into_inner(),
        country: def.country.map(Spanned::into_inner),
        reply: def.reply.map(Spanned::into_inner),
        contact,
        documents,
        statements,
        notes,
        file,
    })
}

impl Provider {
    /// The document compared against customer statements: `privacy-policy` if declared, else the first
    /// policy document.
    pub fn policy_document(&self) -> &Document {
        let policies = || self.documents.iter().filter(|d| d.role == Role::Policy);
        policies()
            .find(|d| d.id == "privacy-policy")
            .or_else(|| policies().next())
            .expect("validation requires a [[documents]] entry")
    }

    /// The statement pages orgcheck fetches (`[[statements]]` with an `id`).
    pub fn statement_pages(&self) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(|d| d.role == Role::Statement)
    }

    /// The provider with only what a comparison reads: its policy document and its statement pages,
    /// which is what `compare --live` fetches.
    pub fn compared_only(&self) -> Provider {
        let policy = self.policy_document().id.clone();
        Provider {
            documents: self
                .documents
                .iter()
                .filter(|d| d.id == policy || d.role == Role::Statement)
                .cloned()
                .collect(),
            ..self.clone()
        }
    }
}

/// The providers as `orgcheck providers` lists them.
#[derive(Debug, Clone, Copy)]
pub struct ProviderList<'a> {
    pub providers: &'a [Provider],
}

#[derive(serde::Serialize)]
struct ProviderListJson<'a> {
    schema_version: u32,
    providers: Vec<ProviderEntry<'a>>,
}

#[derive(serde::Serialize)]
struct ProviderEntry<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'a str>,
    replied: bool,
    statements: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<&'a Contact>,
    /// Policy documents and statement pages, told apart by `role`.
    documents: Vec<DocumentEntry<'a>>,
}

#[derive(serde::Serialize)]
struct DocumentEntry<'a> {
    id: &'a str,
    role: Role,
    url: &'a str,
    select: &'a [String],
    remove: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot_date: Option<&'a str>,
}

impl serde::Serialize for ProviderList<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let providers = self
            .providers
            .iter()
            .map(|p| ProviderEntry {
                id: &p.id,
                name: &p.name,
                country: p.country.as_deref(),
                replied: !p.statements.is_empty() || p.statement_pages().next().is_some(),
                statements: p.statements.len() + p.statement_pages().count(),
                contact: p.contact.as_ref(),
                documents: p
                    .documents
                    .iter()
                    .map(|d| DocumentEntry {
                        id: &d.id,
                        role: d.role,
                        url: &d.url,
                        select: &d.select,
                        remove: &d.remove,
                        snapshot: d.snapshot.as_deref(),
                        snapshot_date: d.snapshot_date.as_deref(),
                    })
                    .collect(),
            })
            .collect();
        ProviderListJson {
            schema_version: crate::base::report::SCHEMA_VERSION,
            providers,
        }
        .serialize(serializer)
    }
}

/// The provider named `id`; an unknown id is an error that lists the known ones.
pub fn one(providers: Vec<Provider>, id: &str) -> Result<Provider> {
    let mut found = select(providers, &[id.to_string()])?;
    Ok(found.swap_remove(0))
}

/// Keeps the providers named in `ids` (all when empty), in the order given; an unknown id is an error.
pub fn select(providers: Vec<Provider>, ids: &[String]) -> Result<Vec<Provider>> {
    if ids.is_empty() {
        return Ok(providers);
    }
    // An id given twice is one provider: a report lists each once.
    let mut seen = std::collections::HashSet::new();
    ids.iter()
        .filter(|id| seen.insert(id.as_str()))
        .map(|id| {
            providers
                .iter()
                .find(|p| &p.id == id)
                .cloned()
                .ok_or_else(|| Error::UnknownProvider {
                    id: id.clone(),
                    known: providers.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", "),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_named_twice_is_selected_once_in_the_order_given() {
        let all = load(&ProviderSource::Bundled).unwrap();
        let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let picked = select(all, &ids(&["o2", "ee", "o2"])).unwrap();
        assert_eq!(picked.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["o2", "ee"]);
    }

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, contents) in files {
            let path = dir.path().join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, contents).unwrap();
        }
        dir
    }

    const GOOD: &str = "name = \"Acme\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \"https://acme.example/privacy\"\nsnapshot = \"acme/p.txt\"\n\
                        [[statements]]\ntext = \"We never sell data.\"\nsource = \"letter\"\ndate = \"2014-05\"\n";

    #[test]
    fn bundled_providers_load() {
        let providers = load(&ProviderSource::Bundled).unwrap();
        let ids: Vec<_> = providers.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "ee",
                "giffgaff",
                "o2",
                "talktalk",
                "tesco-mobile",
                "three",
                "virgin-mobile",
                "vodafone"
            ]
        );
        for p in &providers {
            assert!(p.policy_document().snapshot_text.is_some(), "{} has no snapshot", p.id);
            assert_eq!(p.statements.is_empty(), p.reply.as_deref() == Some("none"), "{}", p.id);
        }
    }

    #[test]
    fn a_good_directory_loads() {
        let dir = dir_with(&[("acme.toml", GOOD), ("acme/p.txt", "We share data with partners.")]);
        let p = load(&ProviderSource::Dir(dir.path().into())).unwrap();
        assert_eq!(p[0].id, "acme");
        assert_eq!(p[0].statements[0].date, "2014-05");
    }

    fn problems(files: &[(&str, &str)]) -> String {
        let dir = dir_with(files);
        load(&ProviderSource::Dir(dir.path().into()))
            .unwrap_err()
            .to_string()
            .replace(&dir.path().display().to_string(), "DIR")
    }

    #[test]
    fn rendering_fields_are_checked() {
        let src = "name = \"Acme\"\n[[documents]]\nid = \"a\"\nurl = \"https://acme.example/a\"\nwait_for = \"main[\"\n\
                   [[documents]]\nid = \"b\"\nurl = \"https://acme.example/b\"\nrender = false\nwait_for = \"main\"\n\
                   [[statements]]\ntext = \"We never sell data.\"\nsource = \"letter\"\ndate = \"2014\"\nrender = true\n";
        let msg = problems(&[("acme.toml", src)]);
        assert!(
            msg.contains("acme.toml:5: field `documents.wait_for`: `main[` is not a valid CSS selector"),
            "{msg}"
        );
        assert!(
            msg.contains("acme.toml:10: field `documents.wait_for`: `wait_for` is for a page rendered"),
            "{msg}"
        );
        assert!(
            msg.contains("acme.toml:15: field `statements.render`: only a fetched statement page"),
            "{msg}"
        );
        let good = "name = \"Acme\"\n[[documents]]\nid = \"a\"\nurl = \"https://acme.example/a\"\nrender = true\nwait_for = \"#policy\"\n\
                    [[statements]]\nid = \"hub\"\nurl = \"https://acme.example/hub\"\nrender = true\n";
        let dir = dir_with(&[("acme.toml", good)]);
        let acme = load(&ProviderSource::Dir(dir.path().into())).unwrap().remove(0);
        assert_eq!(acme.documents[0].render, Some(true));
        assert_eq!(acme.documents[0].wait_for.as_deref(), Some("#policy"));
        assert_eq!(
            (acme.documents[1].role, acme.documents[1].render),
            (Role::Statement, Some(true))
        );
    }

    #[test]
    fn missing_snapshot_names_file_line_and_field() {
        let msg = problems(&[("acme.toml", GOOD)]);
        assert!(
            msg.contains("DIR/acme.toml:5: field `documents.snapshot`: snapshot file `DIR/acme/p.txt` does not exist"),
            "{msg}"
        );
    }

    #[test]
    fn bad_url_duplicate_id_and_bad_date() {
        let src = "name = \"Acme\"\n[[documents]]\nid = \"p\"\nurl = \"ftp://acme.example/p\"\n[[documents]]\nid = \"p\"\nurl = \"not a url\"\n\
                   [[statements]]\ntext = \"x\"\nsource = \"y\"\ndate = \"May 2014\"\n";
        let msg = problems(&[("acme.toml", src)]);
        assert!(
            msg.contains("DIR/acme.toml:4: field `documents.url`: `ftp://acme.example/p` is a ftp URL"),
            "{msg}"
        );
        assert!(
            msg.contains("DIR/acme.toml:6: field `documents.id`: duplicate document id `p` (first at line 3)"),
            "{msg}"
        );
        assert!(
            msg.contains("DIR/acme.toml:7: field `documents.url`: `not a url` is not a valid URL"),
            "{msg}"
        );
        assert!(
            msg.contains("DIR/acme.toml:11: field `statements.date`: `May 2014` is not a date"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_and_missing_fields_name_the_line() {
        let msg = problems(&[(
            "acme.toml",
            "name = \"Acme\"\nwebsite = \"x\"\n[[documents]]\nid = \"p\"\nurl = \"https://a.example\"\n",
        )]);
        assert!(msg.contains("DIR/acme.toml:2:") && msg.contains("website"), "{msg}");
        let msg = problems(&[("acme.toml", "name = \"Acme\"\n[[documents]]\nid = \"p\"\n")]);
        assert!(
            msg.contains("DIR/acme.toml:2: field `url`: required but missing"),
            "{msg}"
        );
    }

    #[test]
    fn malformed_toml_and_non_utf8() {
        let msg = problems(&[("acme.toml", "name = \"Acme\n")]);
        assert!(msg.starts_with("DIR/acme.toml:1:"), "{msg}");
        let dir = dir_with(&[]);
        fs::write(dir.path().join("bad.toml"), b"name = \"\xff\"\n").unwrap();
        let msg = load(&ProviderSource::Dir(dir.path().into())).unwrap_err().to_string();
        assert!(msg.contains("bad.toml: not valid UTF-8"), "{msg}");
    }

    #[test]
    fn bad_selector_is_reported() {
        let src = "name = \"Acme\"\n[[documents]]\nid = \"p\"\nurl = \"https://a.example\"\nselect = [\"main[\"]\n";
        let msg = problems(&[("acme.toml", src)]);
        assert!(
            msg.contains("DIR/acme.toml:5: field `documents.select`: `main[` is not a valid CSS selector"),
            "{msg}"
        );
    }

    #[test]
    fn empty_directory_is_an_error() {
        let msg = problems(&[]);
        assert!(msg.contains("no provider files"), "{msg}");
    }

    #[test]
    fn select_keeps_order_and_rejects_unknown() {
        let all = load(&ProviderSource::Bundled).unwrap();
        let some = select(all.clone(), &["o2".into(), "ee".into()]).unwrap();
        assert_eq!(some.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["o2", "ee"]);
        let err = select(all, &["orange".into()]).unwrap_err().to_string();
        assert!(
            err.contains("unknown provider `orange`") && err.contains("vodafone"),
            "{err}"
        );
    }

    const PAGE: &str = "[[statements]]\nid = \"privacy-hub\"\ntitle = \"Privacy hub\"\nurl = \"https://acme.example/hub\"\n\
                        select = [\"main\"]\nquote = [\"We never  sell\\nyour data.\"]\n";

    #[test]
    fn a_statement_page_is_a_document_with_the_statement_role() {
        let src = format!("contact = \"dpo@acme.example\"\n{GOOD}{PAGE}");
        let dir = dir_with(&[("acme.toml", &src), ("acme/p.txt", "We share data with partners.")]);
        let p = &load(&ProviderSource::Dir(dir.path().into())).unwrap()[0];
        assert_eq!(p.contact.as_ref().unwrap().email, "dpo@acme.example");
        assert_eq!(p.statements.len(), 1);
        let page = p.statement_pages().next().unwrap();
        assert_eq!((page.id.as_str(), page.role), ("privacy-hub", Role::Statement));
        assert_eq!(page.quote, ["We never sell your data."]);
        assert_eq!(page.snapshot_text, None);
        assert_eq!(p.policy_document().id, "privacy-policy");
        let compared: Vec<_> = p.compared_only().documents.into_iter().map(|d| d.id).collect();
        assert_eq!(compared, ["privacy-policy", "privacy-hub"]);
    }

    #[test]
    fn statement_page_mistakes_name_the_line() {
        let src = "name = \"Acme\"\ncontact = \"dpo at acme\"\n[[documents]]\nid = \"p\"\nurl = \"https://a.example\"\n\
                   [[statements]]\nid = \"p\"\nurl = \"https://a.example/hub\"\ntext = \"We never sell data.\"\n\
                   [[statements]]\nid = \"hub\"\n\
                   [[statements]]\ntext = \"x\"\nsource = \"y\"\ndate = \"2014\"\nquote = [\"x\"]\n\
                   [[statements]]\nid = \"faq\"\nurl = \"https://a.example/faq\"\ndate = \"2020\"\n";
        let msg = problems(&[("acme.toml", src)]);
        for expected in [
            "DIR/acme.toml:2: field `contact`: `dpo at acme` is not an e-mail address",
            "DIR/acme.toml:7: field `statements.id`: duplicate id `p` (first at line 4)",
            "DIR/acme.toml:9: field `statements.date`: the page's recorded `text` needs the `date`",
            "DIR/acme.toml:11: field `statements.url`: a statement page with an `id` is fetched: give its `url`",
            "DIR/acme.toml:16: field `statements.quote`: only a fetched statement page has this field",
            "DIR/acme.toml:20: field `statements.date`: `date` dates the recorded `text`, which is missing",
        ] {
            assert!(msg.contains(expected), "{expected}\n---\n{msg}");
        }
        let msg = problems(&[(
            "acme.toml",
            "name = \"Acme\"\n[[documents]]\nid = \"p\"\nurl = \"https://a.example\"\n[[statements]]\nsource = \"a letter\"\n",
        )]);
        assert!(
            msg.contains("DIR/acme.toml:6: field `statements.text`: required but missing"),
            "{msg}"
        );
    }

    #[test]
    fn dates() {
        assert!(is_date("2014") && is_date("2014-06") && is_date("2014-06-30"));
        assert!(!is_date("2014-13") && !is_date("14") && !is_date("2014-06-32") && !is_date("June"));
    }
}
