//! The declaration format: the TOML tables of a provider file as written, and their validation into a
//! [`Provider`], step by step ([`Reader`]), every problem of a file named with its line and field and
//! reported together.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::base::error::{Location, Problem, line_of, toml_problem};
use crate::document::markup;

use super::{Contact, Document, Note, Provider, ProviderSource, Role, Statement};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProviderDef {
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
pub(super) struct DocumentDef {
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
pub(super) struct StatementDef {
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
pub(super) struct NoteDef {
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

/// The problem of a field that must be a date.
fn not_a_date(date: &str) -> String {
    format!("`{date}` is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
}

/// Validates one declaration, `file_name` in `source`, from `contents`.
pub(super) fn parse_provider(
    source: &ProviderSource,
    file_name: &str,
    contents: &str,
) -> Result<Provider, Vec<Problem>> {
    let file = source.display(file_name);
    let def: ProviderDef = toml::from_str(contents).map_err(|e| vec![toml_problem(&file, contents, &e)])?;
    let mut r = Reader {
        source,
        file,
        contents,
        id: file_name.trim_end_matches(".toml").to_string(),
        problems: Vec::new(),
        ids: Vec::new(),
    };
    r.provider_id();
    if let Ok(table) = contents.parse::<toml::Table>() {
        r.control_characters(&table, "");
    }
    let contact = r.header(&def);
    if def.documents.get_ref().is_empty() {
        r.problem(
            def.documents.span(),
            "documents",
            "declare at least one [[documents]] entry".into(),
        );
    }
    let mut documents: Vec<Document> = def.documents.into_inner().into_iter().map(|d| r.document(d)).collect();
    let mut statements = Vec::new();
    for st in def.statements {
        if let Some(url) = &st.url
            && let Err(msg) = check_url(url.get_ref())
        {
            r.problem(url.span(), "statements.url", msg.to_string());
        }
        match st.id.clone() {
            Some(id) => documents.extend(r.statement_page(id, st)),
            None => statements.extend(r.recorded_statement(st)),
        }
    }
    let notes = def.notes.into_iter().map(|n| r.note(n)).collect();
    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    Ok(Provider {
        id: r.id,
        name: def.name.into_inner(),
        country: def.country.map(Spanned::into_inner),
        reply: def.reply.map(Spanned::into_inner),
        contact,
        documents,
        statements,
        notes,
        file: r.file,
        bundled: *source == ProviderSource::Bundled,
    })
}

/// One declaration being read: where it is, what is wrong with it so far, and the document and
/// statement-page ids it has declared (with their lines).
struct Reader<'a> {
    source: &'a ProviderSource,
    /// The file as messages name it.
    file: String,
    contents: &'a str,
    /// The provider id, from the file name.
    id: String,
    problems: Vec<Problem>,
    ids: Vec<(String, usize)>,
}

impl Reader<'_> {
    fn at(&self, span: std::ops::Range<usize>, field: &str) -> Location {
        Location::at(self.file.clone(), line_of(self.contents, span.start)).with_field(field)
    }

    fn problem(&mut self, span: std::ops::Range<usize>, field: &str, message: String) {
        let location = self.at(span, field);
        self.problems.push(Problem { location, message });
    }

    /// Every text value, at any depth: no control character but a tab, and a line break only where a
    /// value is text a reader writes in paragraphs (a statement's `text`, a `quote`). A provider name
    /// holding ESC would reach a terminal; one holding CR/LF would add lines to a letter's header.
    fn control_characters(&mut self, table: &toml::Table, path: &str) {
        for (key, value) in table {
            let field = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            self.control_characters_in(value, &field, key);
        }
    }

    fn control_characters_in(&mut self, value: &toml::Value, field: &str, key: &str) {
        match value {
            toml::Value::String(text) => {
                let paragraphs = matches!(key, "text" | "quote");
                if let Some(c) = text
                    .chars()
                    .find(|&c| c.is_control() && c != '\t' && !(paragraphs && (c == '\n' || c == '\r')))
                {
                    let what = match c {
                        '\n' | '\r' => "a line break, which a one-line field cannot hold".to_string(),
                        c => format!("the control character U+{:04X}", c as u32),
                    };
                    self.problems.push(Problem {
                        location: Location::file(self.file.clone()).with_field(field),
                        message: format!("holds {what}; remove it (a pasted text can carry invisible ones)"),
                    });
                }
            }
            toml::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.control_characters_in(item, &format!("{field}[{i}]"), key);
                }
            }
            toml::Value::Table(table) => self.control_characters(table, field),
            _ => {}
        }
    }

    /// The file name gives the provider id.
    fn provider_id(&mut self) {
        if !is_slug(&self.id) {
            self.problems.push(Problem {
                location: Location::file(self.file.clone()),
                message: format!(
                    "the file name gives the provider id `{}`, which must match [a-z0-9-]+; rename the file",
                    self.id
                ),
            });
        }
    }

    /// The provider's name, reply state and contact.
    fn header(&mut self, def: &ProviderDef) -> Option<Contact> {
        if def.name.get_ref().trim().is_empty() {
            self.problem(def.name.span(), "name", "must not be empty".into());
        }
        if let Some(reply) = &def.reply {
            if reply.get_ref() != "none" {
                let message = format!(
                    "`{}`: the only value is \"none\" (no reply yet); record replies as [[statements]]",
                    reply.get_ref()
                );
                self.problem(reply.span(), "reply", message);
            } else if def.statements.iter().any(|s| s.id.is_none()) {
                let message = "reply = \"none\" but statements are recorded; remove one of them".into();
                self.problem(reply.span(), "reply", message);
            }
        }
        def.contact.as_ref().map(|c| {
            if !is_email(c.get_ref()) {
                let message = format!(
                    "`{}` is not an e-mail address; write it as name@example.com",
                    c.get_ref()
                );
                self.problem(c.span(), "contact", message);
            }
            Contact {
                email: c.get_ref().clone(),
                source: def.contact_source.clone(),
            }
        })
    }

    /// A document or statement-page id: a slug, and not declared before in the file. `what` names the
    /// ids it must differ from in the message.
    fn claim_id(&mut self, id: &Spanned<String>, field: &str, duplicate: impl Fn(&str, usize) -> String) {
        let text = id.get_ref();
        if !is_slug(text) {
            self.problem(id.span(), field, format!("`{text}` must match [a-z0-9-]+"));
        }
        if let Some(&(_, first)) = self.ids.iter().find(|(s, _)| s == text) {
            self.problem(id.span(), field, duplicate(text, first));
        }
        self.ids.push((text.clone(), line_of(self.contents, id.span().start)));
    }

    /// `select` and `remove` are CSS selectors.
    fn selectors(&mut self, select: &[Spanned<String>], remove: &[Spanned<String>], table: &str) {
        for (field, list) in [("select", select), ("remove", remove)] {
            for sel in list {
                if let Err(e) = scraper::Selector::parse(sel.get_ref()) {
                    let message = format!("`{}` is not a valid CSS selector ({e})", sel.get_ref());
                    self.problem(sel.span(), &format!("{table}.{field}"), message);
                }
            }
        }
    }

    /// `wait_for` is a CSS selector, and only means something for a page that may be rendered.
    fn rendering(&mut self, render: Option<&Spanned<bool>>, wait_for: Option<&Spanned<String>>, table: &str) {
        let Some(sel) = wait_for else { return };
        let field = format!("{table}.wait_for");
        if let Err(e) = scraper::Selector::parse(sel.get_ref()) {
            let message = format!("`{}` is not a valid CSS selector ({e})", sel.get_ref());
            self.problem(sel.span(), &field, message);
        }
        if render.is_some_and(|r| !*r.get_ref()) {
            let message = "`wait_for` is for a page rendered in the browser, and this one has `render = false`; \
                           remove one of them"
                .into();
            self.problem(sel.span(), &field, message);
        }
    }

    fn date(&mut self, date: &Spanned<String>, field: &str) {
        if !is_date(date.get_ref()) {
            self.problem(date.span(), field, not_a_date(date.get_ref()));
        }
    }

    /// A `[[documents]]` entry: a policy, with its snapshot read.
    fn document(&mut self, doc: DocumentDef) -> Document {
        let doc_id = doc.id.get_ref().clone();
        self.claim_id(&doc.id, "documents.id", |id, first| {
            format!("duplicate document id `{id}` (first at line {first}); document ids must be unique in a file")
        });
        if let Err(msg) = check_url(doc.url.get_ref()) {
            self.problem(doc.url.span(), "documents.url", msg.to_string());
        }
        self.selectors(&doc.select, &doc.remove, "documents");
        self.rendering(doc.render.as_ref(), doc.wait_for.as_ref(), "documents");
        if let Some(date) = &doc.snapshot_date {
            self.date(date, "documents.snapshot_date");
        }
        let snapshot_text = doc.snapshot.as_ref().and_then(|snap| self.snapshot(snap, &doc_id));
        Document {
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
        }
    }

    /// The text of a document's snapshot, a file inside the providers directory.
    fn snapshot(&mut self, snap: &Spanned<String>, doc_id: &str) -> Option<String> {
        let rel = snap.get_ref();
        let field = "documents.snapshot";
        if rel.is_empty() || Path::new(rel).is_absolute() || rel.split(['/', '\\']).any(|p| p == "..") {
            let message = format!(
                "`{rel}` must be a path inside the providers directory, e.g. \"{}/{doc_id}.txt\"",
                self.id
            );
            self.problem(snap.span(), field, message);
            return None;
        }
        let shown = self.source.display(rel);
        match self.source.snapshot(rel) {
            Ok(Some(text)) if text.trim().is_empty() => {
                self.problem(snap.span(), field, format!("snapshot file `{shown}` is empty"));
                None
            }
            Ok(Some(text)) => Some(text),
            Ok(None) => {
                let message = format!("snapshot file `{shown}` does not exist; create it or remove the field");
                self.problem(snap.span(), field, message);
                None
            }
            Err(e) => {
                self.problem(snap.span(), field, e.to_string());
                None
            }
        }
    }

    /// A `[[statements]]` entry with an `id`: a page orgcheck fetches, stored and checked like a policy
    /// document. Its recorded `text`, if any, stands in until it is fetched.
    fn statement_page(&mut self, page_id: Spanned<String>, st: StatementDef) -> Option<Document> {
        self.claim_id(&page_id, "statements.id", |id, first| {
            format!("duplicate id `{id}` (first at line {first}); documents and statement pages share one set of ids")
        });
        let Some(url) = st.url else {
            let message = "a statement page with an `id` is fetched: give its `url`".into();
            self.problem(page_id.span(), "statements.url", message);
            return None;
        };
        self.selectors(&st.select, &st.remove, "statements");
        self.rendering(st.render.as_ref(), st.wait_for.as_ref(), "statements");
        for q in &st.quote {
            if q.get_ref().split_whitespace().next().is_none() {
                self.problem(q.span(), "statements.quote", "must not be empty".into());
            }
        }
        let fallback = st
            .text
            .as_ref()
            .map(|t| markup::normalise(t.get_ref()).trim_end().to_string());
        if let Some(text) = &st.text {
            if text.get_ref().trim().is_empty() {
                self.problem(text.span(), "statements.text", "must not be empty".into());
            }
            match &st.date {
                Some(date) => self.date(date, "statements.date"),
                None => {
                    let message = "the page's recorded `text` needs the `date` it was published".into();
                    self.problem(text.span(), "statements.date", message);
                }
            }
        } else if let Some(date) = &st.date {
            let message = "`date` dates the recorded `text`, which is missing; add the text or remove the date".into();
            self.problem(date.span(), "statements.date", message);
        }
        Some(Document {
            id: page_id.into_inner(),
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
        })
    }

    /// A `[[statements]]` entry without an `id`: a statement quoted once, from a letter, a reply or an
    /// article.
    fn recorded_statement(&mut self, st: StatementDef) -> Option<Statement> {
        let fetch_only = [
            ("statements.select", st.select.first().map(Spanned::span)),
            ("statements.remove", st.remove.first().map(Spanned::span)),
            ("statements.quote", st.quote.first().map(Spanned::span)),
            ("statements.render", st.render.as_ref().map(Spanned::span)),
            ("statements.wait_for", st.wait_for.as_ref().map(Spanned::span)),
        ];
        for (field, span) in fetch_only {
            if let Some(span) = span {
                let message = "only a fetched statement page has this field; give the page an `id` and a `url`".into();
                self.problem(span, field, message);
            }
        }
        let Some(text) = st.text else {
            let span = st
                .source
                .as_ref()
                .or(st.date.as_ref())
                .or(st.url.as_ref())
                .map_or(0..0, Spanned::span);
            let message =
                "required but missing: quote what the provider said, or give an `id` and `url` for a page to fetch"
                    .into();
            self.problem(span, "statements.text", message);
            return None;
        };
        if text.get_ref().trim().is_empty() {
            self.problem(text.span(), "statements.text", "must not be empty".into());
        }
        let span = text.span();
        let source = match st.source {
            Some(s) if s.get_ref().trim().is_empty() => {
                self.problem(
                    s.span(),
                    "statements.source",
                    "say where the statement was published".into(),
                );
                String::new()
            }
            Some(s) => s.into_inner(),
            None => {
                let message = "required but missing: say where the statement was published".into();
                self.problem(span.clone(), "statements.source", message);
                String::new()
            }
        };
        let date = match st.date {
            Some(d) => {
                self.date(&d, "statements.date");
                d.into_inner()
            }
            None => {
                let message = "required but missing: YYYY, YYYY-MM or YYYY-MM-DD".into();
                self.problem(span, "statements.date", message);
                String::new()
            }
        };
        Some(Statement {
            // Stored normalised, so that finding spans index the text reports show.
            text: markup::normalise(text.get_ref()).trim_end().to_string(),
            source,
            date,
            url: st.url.map(Spanned::into_inner),
        })
    }

    /// A `[[notes]]` entry: an editorial remark or a quote that is not the provider's statement.
    fn note(&mut self, note: NoteDef) -> Note {
        if !matches!(note.kind.get_ref().as_str(), "editorial" | "quote") {
            let message = format!("`{}` must be \"editorial\" or \"quote\"", note.kind.get_ref());
            self.problem(note.kind.span(), "notes.kind", message);
        }
        Note {
            kind: note.kind.into_inner(),
            text: note.text.trim().to_string(),
            source: note.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_date("2014") && is_date("2014-06") && is_date("2014-06-30"));
        assert!(!is_date("2014-13") && !is_date("14") && !is_date("2014-06-32") && !is_date("June"));
    }
}
