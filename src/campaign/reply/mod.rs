//! A provider's reply, recorded as a statement: read the message (`mail.rs`: `.eml`, plain text or
//! HTML), keep only the provider's own words (`own_words.rs`), remove what identifies the customer
//! (`redact.rs`), and add it to the provider's declaration in place (`record.rs`).
//!
//! Each step reports what it took out ([`Dropped`], [`Redaction`]), so that a campaign can check a
//! statement before it publishes it.

mod mail;
mod own_words;
mod record;
mod redact;

use serde::Serialize;

use crate::analysis::rules::RuleSet;
use crate::analysis::tag::{Polarity, Tag};
use crate::base::error::{Error, Result};
use crate::inputs::providers::{Provider, Statement};

pub use mail::{InputKind, Mailbox, Message, read};
pub use own_words::{DropKind, Dropped, OwnWords, own_words};
pub use record::{Edit, record};
pub use redact::{Customer, RedactKind, Redaction, redact};

/// What the person recording gives beside the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Where the reply was published, instead of the one built from its headers.
    pub source: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD, instead of the Date header's.
    pub date: Option<String>,
}

/// A reply ready to record: the statement and what was taken out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub statement: Statement,
    pub dropped: Vec<Dropped>,
    pub redactions: Vec<Redaction>,
    /// The From address's domain when it is none of the provider's declared domains: the reply may be
    /// from someone else ("O2 Support <o2support@gmail.com>"), or filed under the wrong provider.
    pub foreign_sender: Option<String>,
}

/// The provider's domains, from its declaration only (its contact address and its documents' hosts):
/// its e-mail addresses there are kept in a statement. A reply's From header is not trusted to add one,
/// since anyone can write "O2 Support" in front of a gmail.com address.
pub fn provider_domains(provider: &Provider) -> Vec<String> {
    let mut domains: Vec<String> = Vec::new();
    if let Some(c) = &provider.contact
        && let Some((_, d)) = c.email.rsplit_once('@')
    {
        domains.push(d.to_ascii_lowercase());
    }
    for d in &provider.documents {
        if let Some(host) = url::Url::parse(&d.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
        {
            domains.push(host.trim_start_matches("www.").to_ascii_lowercase());
        }
    }
    domains.sort();
    domains.dedup();
    domains
}

/// The longest statement recorded, in characters: a reply is a letter; a whole policy pasted into one
/// would swamp the declaration and the reports.
pub const MAX_STATEMENT_CHARS: usize = 20_000;

/// Turns a message into the statement to record.
pub fn prepare(
    name: &str,
    provider: &Provider,
    message: &Message,
    customer: &Customer,
    overrides: &Overrides,
) -> Result<Prepared> {
    let problem = |problem: String| Error::Reply {
        file: name.to_string(),
        problem,
    };
    let mut customer = customer.clone();
    let keep = provider_domains(provider);
    let related = |d: &str| {
        keep.iter()
            .any(|k| d == k || d.ends_with(&format!(".{k}")) || k.ends_with(&format!(".{d}")))
    };
    let foreign_sender = message.from.as_ref().and_then(Mailbox::domain).filter(|d| !related(d));
    for r in &message.recipients {
        if r.domain().is_some_and(|d| keep.contains(&d)) {
            continue;
        }
        customer.names.extend(r.name.clone());
        customer.emails.extend(r.address.clone());
    }
    if let Some(from) = message.from.as_ref().and_then(|f| f.address.as_deref())
        && customer.emails.iter().any(|e| e.eq_ignore_ascii_case(from))
    {
        return Err(problem(format!(
            "this message is from you ({from}), not from {}; save the provider's reply instead",
            provider.name
        )));
    }
    let own = own_words(&message.body);
    if !own.text.chars().any(char::is_alphanumeric) {
        return Err(problem(
            "no words of the provider's own are left once quoted text, greeting, signature and footers are dropped; \
             nothing recorded"
                .into(),
        ));
    }
    let chars = own.text.chars().count();
    if chars > MAX_STATEMENT_CHARS {
        return Err(problem(format!(
            "the provider's own words run to {chars} characters, more than a statement holds ({MAX_STATEMENT_CHARS}): \
             this is a document, not a reply; nothing recorded. Record the part that answers you, saved as a .txt \
             file, with --source and --date"
        )));
    }
    let (text, mut redactions) = redact(&own.text, &customer, &keep);
    let date = match (&overrides.date, &message.date) {
        (Some(d), _) | (None, Some(d)) => d.clone(),
        (None, None) => {
            return Err(problem(format!(
                "{} has no Date header to date the statement; add --date YYYY-MM-DD",
                describe_kind(message.kind)
            )));
        }
    };
    let source = match &overrides.source {
        Some(s) => s.clone(),
        None => {
            let Some(from) = &message.from else {
                return Err(problem(format!(
                    "{} has no From header to say who sent it; add --source \"…\" (who wrote, to whom, how)",
                    describe_kind(message.kind)
                )));
            };
            let who = match (&from.name, &from.address) {
                (Some(n), Some(a)) => format!("{n} <{a}>"),
                (Some(n), None) => n.clone(),
                (None, Some(a)) => a.clone(),
                (None, None) => provider.name.clone(),
            };
            let subject = message.subject.as_ref().map(|s| {
                let (s, r) = redact(s, &customer, &keep);
                redactions.extend(r);
                format!(", subject “{s}”")
            });
            format!(
                "E-mail reply from {who} to a customer, {date}{}",
                subject.unwrap_or_default()
            )
        }
    };
    // A one-line field: the From name and Subject of a hostile mail may carry control characters and
    // line breaks, which a declaration refuses.
    let source: String = source
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|&c| !crate::base::visible::is_bidi_control(c))
        .collect();
    let source = source.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Prepared {
        statement: Statement {
            text,
            source,
            date,
            url: None,
        },
        dropped: own.dropped,
        redactions,
        foreign_sender,
    })
}

fn describe_kind(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Eml => "the message",
        InputKind::Text => "a plain-text reply",
        InputKind::Html => "an HTML reply",
    }
}

/// A practice the recorded statement was tagged with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Found {
    pub tag: Tag,
    pub polarity: Polarity,
    pub evidence: String,
}

/// What `orgcheck reply --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ReplyReport {
    pub schema_version: u32,
    pub provider: String,
    /// The declaration edited (or, with `written: false`, that would be).
    pub file: String,
    pub written: bool,
    /// `reply = "none"` was taken out of the declaration.
    pub removed_no_reply: bool,
    pub statement: Statement,
    /// Empty when the reply says nothing orgcheck can tag (an acknowledgement, say).
    pub findings: Vec<Found>,
    pub dropped: Vec<Dropped>,
    /// What was removed, by kind; the removed text itself is never written out.
    pub redactions: Vec<Redaction>,
    /// The TOML added to the declaration.
    pub toml: String,
}

impl ReplyReport {
    pub fn new(provider: &Provider, prepared: Prepared, edit: &Edit, written: bool, rules: &RuleSet) -> Self {
        let findings = rules
            .findings(&prepared.statement.text)
            .into_iter()
            .map(|f| Found {
                tag: f.tag,
                polarity: f.polarity,
                evidence: f.evidence,
            })
            .collect();
        ReplyReport {
            schema_version: crate::base::report::SCHEMA_VERSION,
            provider: provider.id.clone(),
            file: edit.path.display().to_string(),
            written,
            removed_no_reply: edit.removed_no_reply,
            statement: prepared.statement,
            findings,
            dropped: prepared.dropped,
            redactions: prepared.redactions,
            toml: edit.added.clone(),
        }
    }
}
