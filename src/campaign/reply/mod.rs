//! A provider's reply, recorded as a statement: read the message (`.eml`, plain text or HTML), keep
//! only the provider's own words, remove what identifies the customer, and add it to the provider's
//! declaration in place.
//!
//! Each step reports what it took out ([`Dropped`], [`Redaction`]), so that a campaign can check a
//! statement before it publishes it. The declaration is edited with `toml_edit`, so comments and layout
//! outside the added statement stay byte for byte; the edited file is validated before it replaces the
//! original, and is written atomically.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::base::error::{Error, Result};
use crate::document::markup;
use crate::inputs::providers::{self, Provider, ProviderSource, Statement};

/// What a reply file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// An RFC 5322 message, as a mail program saves it.
    Eml,
    /// Plain text, pasted from a mail program or a letter.
    Text,
    Html,
}

impl InputKind {
    /// The kind by file extension, else by the first bytes: headers (`From:` …), markup, or text.
    pub fn detect(name: &str, bytes: &[u8]) -> InputKind {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".eml") || lower.ends_with(".msg") {
            return InputKind::Eml;
        }
        if lower.ends_with(".html") || lower.ends_with(".htm") {
            return InputKind::Html;
        }
        if lower.ends_with(".txt") {
            return InputKind::Text;
        }
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        let start = head.trim_start_matches('\u{feff}').trim_start();
        if start.starts_with('<') {
            return InputKind::Html;
        }
        let header = |l: &str| {
            l.split_once(':')
                .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        };
        let headers: Vec<&str> = start.lines().take_while(|l| !l.trim().is_empty()).collect();
        let named = |n: &str| {
            headers
                .iter()
                .any(|l| l.len() > n.len() && l[..n.len()].eq_ignore_ascii_case(n))
        };
        if !headers.is_empty()
            && headers.iter().all(|l| header(l) || l.starts_with([' ', '\t']))
            && (named("from:") || named("date:"))
        {
            InputKind::Eml
        } else {
            InputKind::Text
        }
    }
}

/// A name and address from a header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Mailbox {
    fn domain(&self) -> Option<String> {
        Some(self.address.as_ref()?.rsplit_once('@')?.1.to_ascii_lowercase())
    }
}

/// A reply as read: its headers where it has them, and its body as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: InputKind,
    pub from: Option<Mailbox>,
    /// To and Cc: the customer, usually.
    pub recipients: Vec<Mailbox>,
    /// The Date header's calendar date, YYYY-MM-DD.
    pub date: Option<String>,
    pub subject: Option<String>,
    /// The body as text: the plain-text part, else the HTML part rendered to text.
    pub body: String,
    /// The body came from an HTML part.
    pub from_html: bool,
}

/// Reads a reply; `name` names it in messages.
pub fn read(name: &str, bytes: &[u8], kind: InputKind) -> Result<Message> {
    let problem = |problem: String| Error::Reply {
        file: name.to_string(),
        problem,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(problem("empty file: no reply to record".into()));
    }
    let message = match kind {
        InputKind::Eml => read_eml(bytes).map_err(problem)?,
        InputKind::Text | InputKind::Html => {
            let html = kind == InputKind::Html;
            let (decoded, _) = crate::document::ingest::decode(bytes, None, html);
            let body = if html {
                html_body(&decoded).map_err(problem)?
            } else {
                decoded
            };
            Message {
                kind,
                from: None,
                recipients: Vec::new(),
                date: None,
                subject: None,
                body,
                from_html: html,
            }
        }
    };
    Ok(message)
}

fn html_body(html: &str) -> std::result::Result<String, String> {
    let body = scraper::Selector::parse("body").expect("static selector");
    markup::html_to_text_selected(html, &[body], &[]).map_err(|e| e.to_string())
}

fn read_eml(bytes: &[u8]) -> std::result::Result<Message, String> {
    use mail_parser::{MessageParser, PartType};
    let parsed = MessageParser::default()
        .parse(bytes)
        .ok_or("not an e-mail message (no headers or body found); save the message as .eml from your mail program, or pass --input-format text")?;
    let mailbox = |a: &mail_parser::Addr<'_>| Mailbox {
        name: a.name().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        address: a.address().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
    };
    let from = parsed.from().and_then(|a| a.first()).map(mailbox);
    let recipients = parsed
        .to()
        .into_iter()
        .chain(parsed.cc())
        .flat_map(|a| a.iter())
        .map(mailbox)
        .collect();
    let date = parsed
        .date()
        .filter(|d| d.year > 0 && (1..=12).contains(&d.month) && (1..=31).contains(&d.day))
        .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day));
    let subject = parsed.subject().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (body, from_html) = match parsed.text_part(0).map(|p| &p.body) {
        Some(PartType::Text(t)) => (t.to_string(), false),
        Some(PartType::Html(h)) => (html_body(h)?, true),
        _ => match parsed.body_html(0) {
            Some(h) => (html_body(&h)?, true),
            None => return Err("the message has no text or HTML body to record".into()),
        },
    };
    Ok(Message {
        kind: InputKind::Eml,
        from,
        recipients,
        date,
        subject,
        body,
        from_html,
    })
}

// ---- the provider's own words ---------------------------------------------------------------------

/// What was dropped from a reply as not the provider's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DropKind {
    /// "Dear Ms Doe,": it names the customer and says nothing.
    Greeting,
    /// The customer's message below the reply, or `>` lines.
    QuotedMessage,
    /// From the sign-off ("Kind regards") or the `-- ` line on.
    Signature,
    /// Confidentiality notices, registered-office lines.
    LegalFooter,
}

impl DropKind {
    pub fn describe(self) -> &'static str {
        match self {
            DropKind::Greeting => "greeting",
            DropKind::QuotedMessage => "quoted earlier message",
            DropKind::Signature => "signature",
            DropKind::LegalFooter => "legal footer",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Dropped {
    pub kind: DropKind,
    /// Lines dropped.
    pub lines: usize,
}

/// The provider's own words, and what was dropped to get them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnWords {
    pub text: String,
    pub dropped: Vec<Dropped>,
}

static ON_WROTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^on\b.{0,300}\bwrote:?\s*$").expect("static regex"));
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(-{2,}\s*(original message|forwarded message)\s*-{2,}|begin forwarded message:?)$")
        .expect("static regex")
});
static HEADER_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\*?(from|sent|date|to|cc|subject)\*?:\s").expect("static regex"));
static GREETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(dear|hello|hi|hey|good (morning|afternoon|evening))\b[^.!?]{0,80}[,!:]?$").expect("static regex")
});
static SIGN_OFF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(((kind|best|warm|warmest|many|with (best|kind))\s+)?(regards|wishes|thanks)( again)?|(yours\s+)?(sincerely|faithfully|truly)|thank you( again)?|cheers|best)[,.!]?$",
    )
    .expect("static regex")
});
static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(registered in (england|scotland|wales|northern ireland)|registered office|registered (company )?number|company (registration )?(number|no\b)|this (e-?mail|message|communication)( and any (attachments?|files)( transmitted with it)?)? (is|are|may be|contains?) (strictly )?(confidential|privileged)|if you (are not|have received this).{0,60}(intended recipient|in error)|please consider the environment|vat (registration )?(number|no\b))",
    )
    .expect("static regex")
});

/// Whether line `i` starts an earlier message that the reply carries below it.
fn starts_earlier_message(lines: &[&str], i: usize) -> bool {
    let l = lines[i].trim();
    if ON_WROTE.is_match(l) || SEPARATOR.is_match(l) {
        return true;
    }
    // "On Tue, 1 Dec 2026 at 10:02, A. Customer" / "<a@example.org> wrote:" on two lines.
    if l.len() > 3
        && l[..3].eq_ignore_ascii_case("on ")
        && lines.get(i + 1).is_some_and(|n| {
            let n = n.trim_end();
            n.len() <= 300 && (n.ends_with("wrote:") || n.ends_with("wrote"))
        })
    {
        return true;
    }
    let next_header = |from: usize| {
        lines[from..]
            .iter()
            .take(6)
            .filter(|l| HEADER_LINE.is_match(l.trim()))
            .count()
            >= 2
    };
    // An Outlook block ("From: … Sent: … To: … Subject: …"), with or without a rule above it.
    if l.chars().count() >= 8 && l.chars().all(|c| c == '_' || c == '-') {
        return next_header(i + 1);
    }
    if HEADER_LINE.is_match(l) && l.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("from:")) {
        return next_header(i);
    }
    // The customer's letter quoted whole, without `>` marks.
    l.contains(crate::campaign::letter::REQUEST_OPENING)
}

/// Keeps the provider's own words of a reply body: drops quoted earlier messages (below the reply or
/// as `>` lines), the greeting, the signature and legal footers.
pub fn own_words(body: &str) -> OwnWords {
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = body.lines().collect();
    let mut dropped = Vec::new();
    let mut drop = |kind: DropKind, lines: usize| {
        if lines == 0 {
            return;
        }
        match dropped.iter_mut().find(|d: &&mut Dropped| d.kind == kind) {
            Some(d) => d.lines += lines,
            None => dropped.push(Dropped { kind, lines }),
        }
    };

    let mut end = (0..lines.len())
        .find(|&i| starts_earlier_message(&lines, i))
        .unwrap_or(lines.len());
    if end < lines.len()
        && lines[..end]
            .iter()
            .any(|l| l.contains(crate::campaign::letter::REQUEST_OPENING))
    {
        end = lines.len();
    }
    // A letter quoted whole begins above its request: at "Subject:" or "Dear …".
    if lines
        .get(end)
        .is_some_and(|l| l.contains(crate::campaign::letter::REQUEST_OPENING))
    {
        while end > 0 {
            let above = lines[end - 1].trim();
            if above.is_empty() || GREETING.is_match(above) || above.starts_with("Subject:") {
                end -= 1;
            } else {
                break;
            }
        }
    }
    drop(
        DropKind::QuotedMessage,
        lines[end..].iter().filter(|l| !l.trim().is_empty()).count(),
    );

    let mut kept: Vec<&str> = Vec::new();
    let mut seen_content = false;
    let mut greeting_done = false;
    for (i, line) in lines[..end].iter().enumerate() {
        let t = line.trim();
        if t.starts_with('>') {
            drop(DropKind::QuotedMessage, 1);
            continue;
        }
        if t.is_empty() {
            kept.push("");
            continue;
        }
        if !greeting_done {
            greeting_done = true;
            if GREETING.is_match(t) {
                drop(DropKind::Greeting, 1);
                continue;
            }
        }
        if t == "--" || line.trim_start() == "-- " || (seen_content && SIGN_OFF.is_match(t)) {
            drop(
                DropKind::Signature,
                lines[i..end].iter().filter(|l| !l.trim().is_empty()).count(),
            );
            break;
        }
        seen_content = true;
        kept.push(line);
    }

    // Legal footers are whole paragraphs.
    let mut paragraphs: Vec<String> = Vec::new();
    for para in kept.split(|l| l.trim().is_empty()).filter(|p| !p.is_empty()) {
        let joined = para.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        if joined.len() <= 800 && FOOTER.is_match(&joined) {
            drop(DropKind::LegalFooter, para.len());
            continue;
        }
        paragraphs.push(para.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n"));
    }
    OwnWords {
        text: markup::normalise(&paragraphs.join("\n\n")).trim().to_string(),
        dropped,
    }
}

// ---- redaction ------------------------------------------------------------------------------------

/// What is known of the customer: from the reply's recipients and from the sender details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Customer {
    pub names: Vec<String>,
    pub emails: Vec<String>,
    /// Postal address, whole or in lines; each part is removed where it appears.
    pub addresses: Vec<String>,
    /// Account, phone or reference numbers the customer gave.
    pub accounts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RedactKind {
    Name,
    Email,
    Address,
    Phone,
    Account,
}

impl RedactKind {
    /// What stands in the recorded text for what was removed.
    pub fn placeholder(self) -> &'static str {
        match self {
            RedactKind::Name => "[customer's name]",
            RedactKind::Email => "[e-mail address]",
            RedactKind::Address => "[customer's address]",
            RedactKind::Phone => "[phone number]",
            RedactKind::Account => "[account or reference number]",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            RedactKind::Name => "name",
            RedactKind::Email => "e-mail address",
            RedactKind::Address => "postal address",
            RedactKind::Phone => "phone number",
            RedactKind::Account => "account or reference number",
        }
    }
}

/// One thing removed, with the text it replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Redaction {
    pub kind: RedactKind,
    /// The removed text, for the person recording (it is never stored).
    #[serde(skip)]
    pub text: String,
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+\b").expect("static regex"));
/// Runs of 10 to 15 digits with the separators phone numbers are written with.
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\+|\b)\d(?:[ ().-]{0,2}\d){9,14}\b").expect("static regex"));
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(account|acct|reference|ref|case|ticket|order|customer|membership|complaint|request)(\s+(number|no\.?|id|#))?\s*[:#.]?\s*([a-z0-9][a-z0-9/-]{2,}[a-z0-9])",
    )
    .expect("static regex")
});
static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b[a-z0-9][a-z0-9/-]*[a-z0-9]\b").expect("static regex"));
/// Dates and legislation numbers ("2016/679") are not references.
static NOT_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,4}[/-]\d{1,2}([/-]\d{1,4})?|\d{4}/\d{1,4}|\d{4}-\d{4})$").expect("static regex")
});

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A UK or international mobile number: the customer's, never a provider's helpline.
fn is_mobile(d: &str) -> bool {
    (d.len() == 11 && d.starts_with("07"))
        || (d.len() == 12 && d.starts_with("447"))
        || (d.len() == 14 && d.starts_with("00447"))
}

/// A literal, found case-insensitively, allowing any spacing or dashes between the characters of a
/// number ("07700 900123" is also "07700900123").
fn literal_pattern(s: &str) -> Option<String> {
    let s = s.trim();
    if s.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
        return None;
    }
    let numeric = digits(s).len() * 2 >= s.chars().filter(|c| !c.is_whitespace()).count();
    let body = if numeric {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| regex::escape(&c.to_string()))
            .collect::<Vec<_>>()
            .join(r"[\s.-]?")
    } else {
        s.split_whitespace().map(regex::escape).collect::<Vec<_>>().join(r"\s+")
    };
    let edge = |c: Option<char>| {
        if c.is_some_and(char::is_alphanumeric) {
            r"\b"
        } else {
            ""
        }
    };
    Some(format!("{}{body}{}", edge(s.chars().next()), edge(s.chars().last())))
}

/// Removes what identifies the customer from `text`: their name, e-mail and postal addresses, mobile
/// numbers, and anything that looks like an account or reference number. E-mail addresses at
/// `keep_domains` (the provider's) and landline or freephone numbers (the provider's helplines) stay.
pub fn redact(text: &str, customer: &Customer, keep_domains: &[String]) -> (String, Vec<Redaction>) {
    // (range, kind, known): a known detail (one the customer gave) is removed even where it looks like
    // a helpline number.
    let mut spans: Vec<(Range<usize>, RedactKind, bool)> = Vec::new();
    let mut protected: Vec<Range<usize>> = Vec::new();

    let mut literals: Vec<(String, RedactKind)> = Vec::new();
    for name in &customer.names {
        literals.push((name.clone(), RedactKind::Name));
        // "Ms Doe": the surname after a title, capitalised as written. Alone it is left, since
        // surnames are often words ("Customer Services").
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.len() > 1
            && let Some(last) = words.last().filter(|w| w.chars().count() >= 2)
            && let Ok(re) = Regex::new(&format!(
                r"\b(Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+{}\b",
                regex::escape(last)
            ))
        {
            spans.extend(re.find_iter(text).map(|m| (m.range(), RedactKind::Name, true)));
        }
    }
    for email in &customer.emails {
        literals.push((email.clone(), RedactKind::Email));
    }
    for address in &customer.addresses {
        literals.push((address.clone(), RedactKind::Address));
        for part in address.split([',', '\n', ';']) {
            literals.push((part.to_string(), RedactKind::Address));
        }
    }
    for account in &customer.accounts {
        literals.push((account.clone(), RedactKind::Account));
    }
    for (literal, kind) in &literals {
        if let Some(pattern) = literal_pattern(literal)
            && let Ok(re) = Regex::new(&format!("(?i){pattern}"))
        {
            spans.extend(re.find_iter(text).map(|m| (m.range(), *kind, true)));
        }
    }

    for m in EMAIL.find_iter(text) {
        let domain = m.as_str().rsplit_once('@').map_or("", |(_, d)| d).to_ascii_lowercase();
        let kept = keep_domains
            .iter()
            .any(|k| domain == *k || domain.ends_with(&format!(".{k}")) || k.ends_with(&format!(".{domain}")));
        if kept {
            protected.push(m.range());
        } else {
            spans.push((m.range(), RedactKind::Email, false));
        }
    }
    for m in PHONE.find_iter(text) {
        if is_mobile(&digits(m.as_str())) {
            spans.push((m.range(), RedactKind::Phone, false));
        } else if digits(m.as_str()).starts_with('0') || m.as_str().starts_with('+') {
            protected.push(m.range());
        }
    }
    for c in LABELLED.captures_iter(text) {
        let value = c.get(4).expect("group 4 always matches");
        if value.as_str().chars().any(|c| c.is_ascii_digit()) {
            spans.push((value.range(), RedactKind::Account, false));
        }
    }
    for m in TOKEN.find_iter(text) {
        let t = m.as_str();
        let d = digits(t).len();
        let letters = t.chars().filter(char::is_ascii_alphabetic).count();
        let looks_like = d >= 6 || (d >= 4 && letters > 0 && t.len() >= 6);
        let money = text[..m.start()].ends_with(['£', '$', '€']);
        if looks_like && !money && !NOT_REFERENCE.is_match(t) {
            spans.push((m.range(), RedactKind::Account, false));
        }
    }

    // Longest first, so that an address wins over the postcode inside it; protected numbers stay.
    spans.retain(|(r, kind, known)| {
        *known || *kind != RedactKind::Account || !protected.iter().any(|p| p.start <= r.start && r.end <= p.end)
    });
    spans.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut out = String::with_capacity(text.len());
    let mut redactions = Vec::new();
    let mut at = 0;
    for (range, kind, _) in spans {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(kind.placeholder());
        redactions.push(Redaction {
            kind,
            text: text[range.clone()].to_string(),
        });
        at = range.end;
    }
    out.push_str(&text[at..]);
    (out, redactions)
}

// ---- recording ------------------------------------------------------------------------------------

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
}

/// The provider's domains: its e-mail addresses there are kept in a statement.
pub fn provider_domains(provider: &Provider, message: &Message) -> Vec<String> {
    let mut domains: Vec<String> = message.from.iter().filter_map(Mailbox::domain).collect();
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
    let keep = provider_domains(provider, message);
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
            "no words of the provider's own are left once quoted text, greeting, signature and footers are dropped; nothing recorded"
                .into(),
        ));
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
    Ok(Prepared {
        statement: Statement {
            text,
            source,
            date,
            url: None,
        },
        dropped: own.dropped,
        redactions,
    })
}

fn describe_kind(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Eml => "the message",
        InputKind::Text => "a plain-text reply",
        InputKind::Html => "an HTML reply",
    }
}

/// The declaration before and after the edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
    /// The lines added, as they appear in `after`.
    pub added: String,
    /// `reply = "none"` was removed: the provider has now replied.
    pub removed_no_reply: bool,
}

/// Adds `statement` to the declaration of `provider` in `dir`, keeping everything else byte for byte.
/// The edited text is validated as a declaration before anything is written; with `write`, it then
/// replaces the file atomically.
pub fn record(dir: &Path, provider: &Provider, statement: &Statement, comment: &str, write: bool) -> Result<Edit> {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
    let file_name = format!("{}.toml", provider.id);
    let path = dir.join(&file_name);
    let declaration = |problem: String| Error::Declaration {
        path: path.clone(),
        problem,
    };
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let before = crate::base::error::decode_utf8(&path.display().to_string(), bytes)?;
    let mut doc: DocumentMut = before
        .parse()
        .map_err(|e: toml_edit::TomlError| declaration(e.to_string()))?;
    let removed_no_reply = doc.get("reply").and_then(Item::as_str) == Some("none");
    if removed_no_reply {
        doc.remove("reply");
    }
    let mut table = Table::new();
    // A trailing line end puts the closing quotes on their own line.
    table.insert("text", value(format!("{}\n", statement.text)));
    table.insert("source", value(statement.source.as_str()));
    table.insert("date", value(statement.date.as_str()));
    let comment: String = comment.lines().map(|l| format!("# {l}\n")).collect();
    table.decor_mut().set_prefix(format!("\n{comment}"));
    match doc.get_mut("statements") {
        Some(Item::ArrayOfTables(list)) => list.push(table),
        Some(_) => {
            return Err(declaration(
                "`statements` is not written as [[statements]] tables, so orgcheck cannot add one safely; rewrite it as [[statements]]"
                    .into(),
            ));
        }
        None => {
            let mut list = ArrayOfTables::new();
            list.push(table);
            doc.insert("statements", Item::ArrayOfTables(list));
        }
    }
    let mut after = doc.to_string();
    if !after.ends_with('\n') {
        after.push('\n');
    }
    let source = ProviderSource::Dir(dir.to_path_buf());
    let edited = providers::parse_file(&source, &file_name, &after)
        .map_err(|e| declaration(format!("the edited declaration would not be valid ({e})")))?;
    if edited.statements.len() != provider.statements.len() + 1
        || edited.statements.last().map(|s| s.text.as_str()) != Some(markup::normalise(&statement.text).trim_end())
    {
        return Err(Error::Internal(format!(
            "{}: the edited declaration does not hold the new statement as the last one",
            path.display()
        )));
    }
    let added = added_lines(&before, &after, removed_no_reply);
    if write {
        crate::inputs::store::write_atomic(&path, after.as_bytes())?;
    }
    Ok(Edit {
        path,
        before,
        after,
        added,
        removed_no_reply,
    })
}

/// The text `after` has that `before` does not, when `after` is `before` with one block inserted.
fn added_lines(before: &str, after: &str, removed_no_reply: bool) -> String {
    if removed_no_reply {
        // The removed line shifts everything; the new table is the last [[statements]] block.
        return after
            .rfind("[[statements]]")
            .map(|i| after[after[..i].rfind("\n\n").map_or(i, |j| j + 1)..].to_string())
            .unwrap_or_default();
    }
    let prefix = before.bytes().zip(after.bytes()).take_while(|(a, b)| a == b).count();
    let suffix = before[prefix..]
        .bytes()
        .rev()
        .zip(after[prefix..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    after[prefix..after.len() - suffix].to_string()
}

/// A practice the recorded statement was tagged with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Found {
    pub tag: crate::analysis::tag::Tag,
    pub polarity: crate::analysis::tag::Polarity,
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
    pub fn new(
        provider: &Provider,
        prepared: Prepared,
        edit: &Edit,
        written: bool,
        rules: &crate::analysis::rules::RuleSet,
    ) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_kind_by_name_then_content() {
        assert_eq!(InputKind::detect("r.eml", b"hello"), InputKind::Eml);
        assert_eq!(InputKind::detect("r.HTM", b"x"), InputKind::Html);
        assert_eq!(
            InputKind::detect("-", b"From: a@b.example\nSubject: x\n\nbody"),
            InputKind::Eml
        );
        assert_eq!(InputKind::detect("-", b"  <html><p>x</p>"), InputKind::Html);
        assert_eq!(InputKind::detect("-", b"Note: we never sell data.\n"), InputKind::Text);
    }

    #[test]
    fn keeps_only_the_providers_words() {
        let body = "Dear Ms Doe,\n\nThank you for your e-mail.\n\nWe never sell your personal data.\n\n\
                    Kind regards,\nSam\nPrivacy Team\n\nThis email and any attachments are confidential.\n\n\
                    On 1 Dec 2026, at 10:02, Jane Doe <jane@example.org> wrote:\n> Do you sell my data?\n";
        let own = own_words(body);
        assert_eq!(
            own.text,
            "Thank you for your e-mail.\n\nWe never sell your personal data."
        );
        let kinds: Vec<(DropKind, usize)> = own.dropped.iter().map(|d| (d.kind, d.lines)).collect();
        assert_eq!(
            kinds,
            [
                (DropKind::QuotedMessage, 2),
                (DropKind::Greeting, 1),
                (DropKind::Signature, 4)
            ]
        );
    }

    #[test]
    fn drops_interleaved_quotes_outlook_blocks_and_footers() {
        let body = "> Do you sell my data?\nNo, we do not sell customer data.\n\n\
                    Telefonica UK Limited. Registered in England no. 1743099. Registered office: 260 Bath Road.\n\n\
                    ________________________________\nFrom: Jane Doe <jane@example.org>\nSent: 1 December 2026\nTo: DPO\nSubject: My data\n\nHello";
        let own = own_words(body);
        assert_eq!(own.text, "No, we do not sell customer data.");
        assert!(own.dropped.iter().any(|d| d.kind == DropKind::LegalFooter));
        assert_eq!(
            own.dropped[0],
            Dropped {
                kind: DropKind::QuotedMessage,
                lines: 7
            }
        );
    }

    #[test]
    fn finds_the_letter_quoted_whole_without_marks() {
        let body = format!(
            "We do not sell data.\n\nSubject: Subject access request\n\nDear O2,\n\n{}, the purposes …\n\nYours sincerely,\nJane",
            crate::campaign::letter::REQUEST_OPENING
        );
        let own = own_words(&body);
        assert_eq!(own.text, "We do not sell data.");
        assert_eq!(
            own.dropped,
            [Dropped {
                kind: DropKind::QuotedMessage,
                lines: 5
            }]
        );
    }

    #[test]
    fn a_thank_you_before_any_content_is_not_a_sign_off() {
        let own = own_words("Thanks,\nWe share aggregated data with partners.\nRegards");
        assert_eq!(own.text, "Thanks,\nWe share aggregated data with partners.");
    }

    fn customer() -> Customer {
        Customer {
            names: vec!["Jane Doe".into()],
            emails: vec!["jane@example.org".into()],
            addresses: vec!["1 High Street, Anytown, AB1 2CD".into()],
            accounts: vec!["07700 900123".into()],
        }
    }

    #[test]
    fn removes_the_customers_details_and_keeps_the_providers() {
        let text = "Dear Jane Doe, Ms Doe of 1 High Street, Anytown AB1 2CD: your number 07700900123 and your \
                    other mobile +44 7700 900456 are noted under case CAS-88213. Your account 123456789 is \
                    closed. Write to DPO@o2.com or jane@example.org, or call 0800 902 0202. Under Regulation \
                    (EU) 2016/679 we reply by 2026-12-31. The fee is £10000.";
        let (out, removed) = redact(text, &customer(), &["o2.com".into()]);
        for gone in [
            "Jane",
            "Doe",
            "High Street",
            "Anytown",
            "AB1 2CD",
            "07700900123",
            "7700 900456",
            "CAS-88213",
            "123456789",
            "jane@example.org",
        ] {
            assert!(!out.contains(gone), "{gone} left in: {out}");
        }
        for kept in ["DPO@o2.com", "0800 902 0202", "2016/679", "2026-12-31", "£10000"] {
            assert!(out.contains(kept), "{kept} removed: {out}");
        }
        let kinds: std::collections::BTreeSet<RedactKind> = removed.iter().map(|r| r.kind).collect();
        assert_eq!(kinds.len(), 5, "{removed:?}");
        assert!(
            out.contains("[customer's name]") && out.contains("[account or reference number]"),
            "{out}"
        );
    }

    #[test]
    fn a_surname_goes_after_a_title_and_a_given_landline_goes_everywhere() {
        let c = Customer {
            names: vec!["Jane Customer".into()],
            accounts: vec!["01632 960123".into()],
            ..Customer::default()
        };
        let text = "Ms Customer, our Customer Services team noted 01632960123; call us on 01632 960999.";
        let (out, _) = redact(text, &c, &[]);
        assert_eq!(
            out,
            "[customer's name], our Customer Services team noted [account or reference number]; call us on 01632 960999."
        );
        let own = own_words("We never sell data.\nBest,\nSam");
        assert_eq!(own.text, "We never sell data.");
    }

    #[test]
    fn redaction_leaves_a_reply_without_details_alone() {
        let text = "We never sell your personal data. Article 15 requests are answered within one month.";
        assert_eq!(redact(text, &customer(), &[]).0, text);
    }
}
