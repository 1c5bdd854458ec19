//! The provider's own words: a reply without the customer's message quoted below it, the greeting,
//! the signature and the legal footer, each dropped part counted so a campaign can check it.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::document::markup;

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
    // English, and the greetings of the German and French letters and of replies to them.
    Regex::new(concat!(
        r"(?i)^(dear|hello|hi|hey|good (morning|afternoon|evening)|sehr geehrte[rs]?|liebe[rs]?|guten tag|",
        r"hallo|madame|monsieur|bonjour|cher|chère)\b[^.!?]{0,80}[,!:]?$"
    ))
    .expect("static regex")
});
static SIGN_OFF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(((kind|best|warm|warmest|many|with (best|kind))\s+)?(regards|wishes|thanks)( again)?|",
        r"(yours\s+)?(sincerely|faithfully|truly)|thank you( again)?|cheers|best)[,.!]?$",
    ))
    .expect("static regex")
});
static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(registered in (england|scotland|wales|northern ireland)|registered office|",
        r"registered (company )?number|company (registration )?(number|no\b)|this (e-?mail|message|",
        r"communication)( and any (attachments?|files)( transmitted with it)?)? (is|are|may be|",
        r"contains?) (strictly )?(confidential|privileged)|if you (are not|",
        r"have received this).{0,60}(intended recipient|in error)|please consider the environment|",
        r"vat (registration )?(number|no\b))",
    ))
    .expect("static regex")
});

/// Whether line `i` starts an earlier message that the reply carries below it.
fn starts_earlier_message(lines: &[&str], i: usize) -> bool {
    let l = lines[i].trim();
    if ON_WROTE.is_match(l) || SEPARATOR.is_match(l) {
        return true;
    }
    // "On Tue, 1 Dec 2026 at 10:02, A. Customer" / "<a@example.org> wrote:" on two lines.
    // `get`, not slicing: the third byte may fall inside a character ("A £5 fee", "1 – with").
    if l.len() > 3
        && l.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("on "))
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
    quotes_letter(l)
}

/// Whether a line is the request of an orgcheck letter, in any of its languages.
fn quotes_letter(line: &str) -> bool {
    crate::campaign::template::markers().any(|m| line.contains(m))
}

/// Keeps the provider's own words of a reply body: drops quoted earlier messages (below the reply or
/// as `>` lines), the greeting, the signature and legal footers.
pub fn own_words(body: &str) -> OwnWords {
    // Copied only when it has carriage returns: a reply may be megabytes of short lines.
    let body: std::borrow::Cow<str> = match body.contains('\r') {
        true => body.replace("\r\n", "\n").replace('\r', "\n").into(),
        false => body.into(),
    };
    // Counted first: grown by doubling, the list of a reply of short lines would take twice its room.
    let mut lines: Vec<&str> = Vec::with_capacity(body.lines().count());
    lines.extend(body.lines());
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
    if end < lines.len() && lines[..end].iter().any(|l| quotes_letter(l)) {
        end = lines.len();
    }
    // A letter quoted whole begins above its request: at "Subject:" or "Dear …".
    if lines.get(end).is_some_and(|l| quotes_letter(l)) {
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

    let mut kept = Paragraphs::default();
    let mut seen_content = false;
    let mut greeting_done = false;
    for (i, line) in lines[..end].iter().enumerate() {
        let t = line.trim();
        if t.starts_with('>') {
            drop(DropKind::QuotedMessage, 1);
            continue;
        }
        if t.is_empty() {
            kept.end_paragraph(&mut drop);
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
    kept.end_paragraph(&mut drop);
    std::mem::drop(lines);
    let mut text = markup::normalise(&std::mem::take(&mut kept.text));
    text.truncate(text.trim_end().len());
    let lead = text.len() - text.trim_start().len();
    text.drain(..lead);
    OwnWords { text, dropped }
}

/// The kept lines, gathered paragraph by paragraph; a paragraph that is a legal footer is dropped whole.
#[derive(Default)]
struct Paragraphs {
    text: String,
    /// Where the paragraph being gathered starts in `text`, and its lines so far.
    start: usize,
    lines: usize,
    /// The paragraph's length as one line of trimmed words.
    joined: usize,
}

impl Paragraphs {
    /// Footers are short: a longer paragraph is not looked at as one.
    const FOOTER_MAX: usize = 800;

    fn push(&mut self, line: &str) {
        if self.lines == 0 {
            if !self.text.is_empty() {
                self.text.push_str("\n\n");
            }
            self.start = self.text.len();
        } else {
            self.text.push('\n');
            self.joined += 1;
        }
        self.joined += line.trim().len();
        self.lines += 1;
        self.text.push_str(line.trim_end());
    }

    fn end_paragraph(&mut self, drop: &mut impl FnMut(DropKind, usize)) {
        let lines = std::mem::take(&mut self.lines);
        if lines == 0 || std::mem::take(&mut self.joined) > Self::FOOTER_MAX {
            return;
        }
        let paragraph = &self.text[self.start..];
        let one_line = paragraph.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        if FOOTER.is_match(&one_line) {
            drop(DropKind::LegalFooter, lines);
            // The paragraph and the break before it.
            let from = self.text[..self.start].trim_end_matches('\n').len();
            self.text.truncate(from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_whose_third_byte_is_inside_a_character_is_read_not_a_panic() {
        let body = "We never sell your data.\nA £5 fee applies to paper copies.\n1 – with our partners\n";
        let own = own_words(body);
        assert!(own.text.contains("A £5 fee applies"), "{}", own.text);
        assert!(own.text.contains("1 – with our partners"), "{}", own.text);
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
                    ________________________________\nFrom: Jane Doe <jane@example.org>\nSent: 1 December 2026\n\
                    To: DPO\nSubject: My data\n\nHello";
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
            "We do not sell data.\n\nSubject: Subject access request\n\nDear O2,\n\n{}, the purposes …\n\nYours \
             sincerely,\nJane",
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
    fn finds_a_german_or_french_letter_quoted_whole() {
        for request in [
            "gemäß Art. 15 DSGVO bitte ich Sie um Bestätigung, ob Sie mich betreffende personenbezogene Daten \
             verarbeiten …",
            "En application de l'article 15 du RGPD, je vous prie de me confirmer si vous traitez des données à \
             caractère personnel me concernant …",
        ] {
            let body = format!("Wir verkaufen keine Daten.\n\nSehr geehrte Damen und Herren,\n\n{request}\n\nGrüße");
            let own = own_words(&body);
            assert_eq!(own.text, "Wir verkaufen keine Daten.", "{request}");
        }
    }

    #[test]
    fn a_thank_you_before_any_content_is_not_a_sign_off() {
        let own = own_words("Thanks,\nWe share aggregated data with partners.\nRegards");
        assert_eq!(own.text, "Thanks,\nWe share aggregated data with partners.");
    }

    #[test]
    fn a_one_word_sign_off_ends_the_reply() {
        let own = own_words("We never sell data.\nBest,\nSam");
        assert_eq!(own.text, "We never sell data.");
    }
}
