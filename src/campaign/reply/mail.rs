//! Reading a reply: an `.eml` message (headers, MIME parts, transfer encodings and charsets, by
//! `mail-parser`), or plain text or HTML pasted from a mail program, into its headers and body text.

use serde::Serialize;

use crate::base::error::{Error, Result, TextError};
use crate::document::markup;

/// Why a reply cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    #[error("empty file: no reply to record")]
    Empty,
    #[error(
        "not an e-mail message (no headers or body found); save the message as .eml from your mail program, \
         or pass --input-format text"
    )]
    NotAMessage,
    #[error("the message has no text or HTML body to record")]
    NoBody,
    #[error("{0}")]
    Html(TextError),
    #[error(
        "the body decodes to East Asian characters, each made of two ASCII letters: plain text under a wrong \
         charset label (UTF-16), so its words cannot be trusted and nothing was recorded; copy the body into a \
         .txt file and record that with --source and --date"
    )]
    Mislabelled,
}

/// The share of characters above which a body is read as plain ASCII text mislabelled UTF-16.
const MISLABELLED_SHARE: f64 = 0.8;

/// Whether `text` is what ASCII text becomes when read as UTF-16: nearly every character a code point
/// whose two bytes are both printable ASCII ("We" → U+5765). Real Chinese or Japanese text has about a
/// third of its characters so made.
fn mislabelled_utf16(text: &str) -> bool {
    let printable = |b: u32| (0x20..=0x7e).contains(&b);
    let (mut all, mut pairs) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        all += 1;
        let n = c as u32;
        if n > 0xff && n <= 0xffff && printable(n >> 8) && printable(n & 0xff) {
            pairs += 1;
        }
    }
    all >= 8 && pairs as f64 >= MISLABELLED_SHARE * all as f64
}

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
    pub(super) fn domain(&self) -> Option<String> {
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
    let problem = |problem: MailError| Error::Reply {
        file: name.to_string(),
        problem: problem.to_string(),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(problem(MailError::Empty));
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

fn html_body(html: &str) -> std::result::Result<String, MailError> {
    let body = scraper::Selector::parse("body").expect("static selector");
    markup::html_to_text_selected(html, &[body], &[]).map_err(MailError::Html)
}

fn read_eml(bytes: &[u8]) -> std::result::Result<Message, MailError> {
    use mail_parser::{MessageParser, PartType};
    let parsed = MessageParser::default().parse(bytes).ok_or(MailError::NotAMessage)?;
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
            None => return Err(MailError::NoBody),
        },
    };
    if mislabelled_utf16(&body) {
        return Err(MailError::Mislabelled);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_under_a_utf16_label_is_refused_and_real_cjk_is_not() {
        let mail = "From: privacy@acme.example\r\nSubject: Re\r\nContent-Type: text/plain; charset=utf-16\r\n\r\n\
                    We never sell your personal data to anyone at all.\r\n";
        assert!(matches!(read_eml(mail.as_bytes()), Err(MailError::Mislabelled)));
        assert!(!mislabelled_utf16(
            "我们绝不会出售您的个人数据给任何第三方公司或者广告商。"
        ));
        assert!(!mislabelled_utf16("個人情報を第三者に販売することはありません。"));
        assert!(mislabelled_utf16(
            &"We never sell".encode_utf16().map(|_| '\u{5765}').collect::<String>()
        ));
    }

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
}
