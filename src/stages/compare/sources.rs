//! Where a provider's texts come from: its policy (the latest stored version, else the bundled
//! snapshot) and what it told customers (recorded statements, and statement pages as stored or as
//! declared), with the reason whenever something stands in for what was asked for. `compare`, `lint`
//! and `letter` all read a provider through here.

use std::fmt;
use std::path::PathBuf;

use crate::analysis::language::{self, Language};
use crate::base::error::{Error, PolicyTextProblem, Result};
use crate::base::hash::sha256_hex;
use crate::document::markup;
use crate::inputs::providers::{Provider, Statement};
use crate::inputs::store::Store;

use super::report::{ComparedStatement, PolicySource, SourceKind};

/// The policy text to compare and where it came from.
#[derive(Debug, Clone)]
pub struct PolicyText {
    pub kind: SourceKind,
    pub text: String,
    pub retrieved_at: Option<String>,
}

/// Whose snapshot a provider's declared text is: orgcheck's, or the user's.
fn snapshot_kind(provider: &Provider) -> SourceKind {
    if provider.bundled {
        SourceKind::Bundled
    } else {
        SourceKind::Snapshot
    }
}

/// The snapshot a fallback uses, in words.
fn whose(bundled: bool) -> &'static str {
    if bundled {
        "the bundled snapshot"
    } else {
        "the snapshot in its declaration"
    }
}

/// Why the declared snapshot stands in for a stored text.
#[derive(Debug)]
pub enum Fallback {
    /// The store holds nothing for the document (an information, not a problem).
    NotStored {
        provider: String,
        document: String,
        store: PathBuf,
        /// The snapshot is orgcheck's (else the user's own).
        bundled: bool,
    },
    /// The store holds a version that cannot be read (a problem to fix).
    Unreadable {
        provider: String,
        error: Error,
        bundled: bool,
    },
    /// A statement page that is neither stored nor has a declared text: left out of the comparison.
    PageNotFetched {
        provider: String,
        document: String,
        store: Option<PathBuf>,
    },
    /// A declared quote is not on the stored page: the provider may have changed what it says.
    QuoteMissing {
        provider: String,
        document: String,
        url: String,
        quote: String,
        retrieved_at: String,
        /// No quote was found, so the whole page was compared.
        whole_page: bool,
    },
}

impl Fallback {
    /// Whether it needs fixing (a warning), rather than being an information (a note).
    pub fn is_problem(&self) -> bool {
        matches!(self, Fallback::Unreadable { .. } | Fallback::QuoteMissing { .. })
    }
}

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fallback::NotStored {
                provider,
                document,
                store,
                bundled,
            } => write!(
                f,
                "{provider}/{document}: not in the store {}; using {}",
                store.display(),
                whose(*bundled)
            ),
            Fallback::Unreadable {
                provider,
                error,
                bundled,
            } => write!(f, "{error}; using {} for {provider}", whose(*bundled)),
            Fallback::PageNotFetched {
                provider,
                document,
                store,
            } => match store {
                Some(store) => write!(
                    f,
                    "{provider}/{document}: statement page not in the store {} and no recorded text; left out (run \
                     `orgcheck fetch {provider}`)",
                    store.display()
                ),
                None => write!(
                    f,
                    "{provider}/{document}: statement page has no recorded text; left out (fetch it and compare with \
                     --store or --live)"
                ),
            },
            Fallback::QuoteMissing {
                provider,
                document,
                url,
                quote,
                retrieved_at,
                whole_page,
            } => write!(
                f,
                "{provider}/{document}: the quote “{quote}” is not on {url} as retrieved {retrieved_at}; {}",
                if *whole_page {
                    "no declared quote was found, so the whole page is compared"
                } else {
                    "the comparison reads the quotes that were found"
                }
            ),
        }
    }
}

/// The text a provider is compared against: the latest stored text when a store is given and holds
/// one, else the bundled snapshot, with the reason it was used instead.
pub fn policy_text(provider: &Provider, store: Option<&Store>) -> Result<(PolicyText, Option<Fallback>)> {
    let doc = provider.policy_document();
    let mut fallback = None;
    if let Some(store) = store {
        match store.latest(&provider.id, &doc.id) {
            Ok(Some(stored)) => {
                let policy = PolicyText {
                    kind: SourceKind::Store,
                    text: stored.text,
                    retrieved_at: Some(stored.meta.fetched_at),
                };
                return Ok((policy, None));
            }
            Ok(None) => {
                fallback = Some(Fallback::NotStored {
                    provider: provider.id.clone(),
                    document: doc.id.clone(),
                    store: store.root().to_path_buf(),
                    bundled: provider.bundled,
                })
            }
            Err(e) if doc.snapshot_text.is_some() => {
                fallback = Some(Fallback::Unreadable {
                    provider: provider.id.clone(),
                    error: e,
                    bundled: provider.bundled,
                })
            }
            Err(e) => return Err(e),
        }
    }
    let no_text = |problem| Error::NoPolicyText {
        provider_file: provider.file.clone(),
        problem,
    };
    let Some(text) = &doc.snapshot_text else {
        return Err(no_text(PolicyTextProblem::NoSnapshot {
            provider: provider.id.clone(),
            document: doc.id.clone(),
        }));
    };
    if !text.chars().any(char::is_alphanumeric) {
        return Err(no_text(PolicyTextProblem::EmptySnapshot {
            document: doc.id.clone(),
        }));
    }
    let policy = PolicyText {
        kind: snapshot_kind(provider),
        text: text.clone(),
        retrieved_at: None,
    };
    Ok((policy, fallback))
}

/// What the provider told customers, as compared: the recorded statements, then each statement page's
/// latest stored text (only the sentences its `quote`s name, when it declares some), else the text
/// recorded in its declaration. Pages with neither are left out, with the reason.
pub fn statements(provider: &Provider, store: Option<&Store>) -> (Vec<ComparedStatement>, Vec<Fallback>) {
    let mut out: Vec<ComparedStatement> = provider
        .statements
        .iter()
        .map(|s| ComparedStatement {
            statement: s.clone(),
            statement_source: None,
        })
        .collect();
    let mut notes = Vec::new();
    for page in provider.statement_pages() {
        let title = page.title.as_deref().unwrap_or("Statement page");
        let source = |how: String| match &page.snapshot_source {
            Some(s) => format!("{s} ({how})"),
            None => format!("{}: {title}, {} ({how})", provider.name, page.url),
        };
        if let Some(store) = store {
            match store.latest(&provider.id, &page.id) {
                Ok(Some(stored)) => {
                    let quoted = crate::document::quote::select(&markup::normalise(&stored.text), &page.quote);
                    let whole_page = quoted.missing.len() == page.quote.len() && !page.quote.is_empty();
                    for quote in quoted.missing {
                        notes.push(Fallback::QuoteMissing {
                            provider: provider.id.clone(),
                            document: page.id.clone(),
                            url: page.url.clone(),
                            quote,
                            retrieved_at: stored.meta.fetched_at.clone(),
                            whole_page,
                        });
                    }
                    let date = stored
                        .meta
                        .fetched_at
                        .get(..10)
                        .unwrap_or(&stored.meta.fetched_at)
                        .to_string();
                    let text = quoted.text.trim_end().to_string();
                    out.push(ComparedStatement {
                        statement_source: Some(PolicySource {
                            kind: SourceKind::Store,
                            document: page.id.clone(),
                            url: page.url.clone(),
                            sha256: sha256_hex(&text),
                            retrieved_at: Some(stored.meta.fetched_at.clone()),
                            snapshot_date: None,
                            snapshot_source: None,
                            language: language_of(&text),
                            read: language_of(&text).is_none_or(Language::has_rules),
                        }),
                        statement: Statement {
                            text,
                            source: source(format!("fetched {date}")),
                            date,
                            url: Some(page.url.clone()),
                        },
                    });
                    continue;
                }
                Ok(None) if page.snapshot_text.is_some() => notes.push(Fallback::NotStored {
                    provider: provider.id.clone(),
                    document: page.id.clone(),
                    store: store.root().to_path_buf(),
                    bundled: provider.bundled,
                }),
                Ok(None) => {}
                Err(error) => notes.push(Fallback::Unreadable {
                    provider: provider.id.clone(),
                    error,
                    bundled: provider.bundled,
                }),
            }
        }
        match (&page.snapshot_text, &page.snapshot_date) {
            (Some(text), Some(date)) => out.push(ComparedStatement {
                statement_source: Some(PolicySource {
                    kind: snapshot_kind(provider),
                    document: page.id.clone(),
                    url: page.url.clone(),
                    sha256: sha256_hex(text),
                    retrieved_at: None,
                    snapshot_date: Some(date.clone()),
                    snapshot_source: page.snapshot_source.clone(),
                    language: language_of(text),
                    read: language_of(text).is_none_or(Language::has_rules),
                }),
                statement: Statement {
                    text: text.clone(),
                    source: source(format!("as recorded, {date}")),
                    date: date.clone(),
                    url: Some(page.url.clone()),
                },
            }),
            _ => notes.push(Fallback::PageNotFetched {
                provider: provider.id.clone(),
                document: page.id.clone(),
                store: store.map(|s| s.root().to_path_buf()),
            }),
        }
    }
    (out, notes)
}

/// The language a statement page's text is in.
fn language_of(text: &str) -> Option<Language> {
    language::detect(text).language
}
