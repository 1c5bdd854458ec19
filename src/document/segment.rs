//! Clause segmentation: splits normalised text into sentences and list items, each with its byte span.
//!
//! The text is expected to be normalised (see [`crate::document::markup::normalise`]): `\n` line ends, single spaces.
//! Blocks are separated by blank lines, list markers and headings; hard-wrapped lines inside a block are
//! joined. Sentences end at `.`, `!` or `?` followed by white space and an upper-case letter, digit,
//! quote or bracket, unless the word before the full stop is a known abbreviation ("e.g.", "Ltd.").

use std::sync::LazyLock;

use regex::Regex;

/// One clause: a sentence or list item, with its byte span in the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clause<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    /// The clause's start counted in characters (Unicode scalar values), for readers whose strings
    /// index by character (Python's `text[start:end]`).
    pub char_start: usize,
}

impl Clause<'_> {
    /// The clause's end counted in characters.
    pub fn char_end(&self) -> usize {
        self.char_start + self.text.chars().count()
    }
}

static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[•·▪◦●‣∙○■□➢►–—*+-]|\(?[0-9]{1,3}[.)]|\(?[a-z][.)]|\([ivx]{1,5}\)|[ivx]{1,5}\.)[ \t]+")
        .expect("static regex")
});

/// Words that end with a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "eg", "ie", "etc", "cf", "vs", "viz", "mr", "mrs", "ms", "dr", "prof", "st", "ltd", "inc", "co",
    "corp", "plc", "llc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig",
    "approx", "incl", "art", "sec", "para", "u.s", "u.k", "e.u", "a.m", "p.m", "tel", "ref", "dept",
];

/// Splits `text` into clauses. Spans index into `text`; clause text never includes a list marker or
/// surrounding white space, and a clause always contains a letter or digit.
pub fn clauses(text: &str) -> Vec<Clause<'_>> {
    let mut out = Vec::new();
    for (start, end) in blocks(text) {
        split_sentences(text, start, end, &mut out);
    }
    // Clauses come in text order: one sweep counts the characters before each.
    let (mut byte, mut chars) = (0, 0);
    for c in &mut out {
        chars += text.get(byte..c.start).map_or(0, |gap| gap.chars().count());
        byte = c.start;
        c.char_start = chars;
    }
    out
}

/// Byte ranges of blocks: paragraphs, list items and headings, without their list markers.
fn blocks(text: &str) -> Vec<(usize, usize)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut prev_line: &str = "";
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        let indent = content.len() - trimmed.len();
        if trimmed.trim().is_empty() {
            blocks.extend(current.take());
            prev_line = "";
            continue;
        }
        let mut body_start = line_start + indent;
        let marker = LIST_MARKER.find(trimmed).map(|m| m.end());
        if let Some(len) = marker {
            body_start += len;
        }
        let line_end = line_start + content.trim_end().len();
        // A marker with nothing after it ("• ") leaves an empty body.
        let body_start = body_start.min(line_end);
        let starts_block = marker.is_some() || current.is_none() || ends_block(prev_line, trimmed);
        if starts_block {
            blocks.extend(current.take());
            current = Some((body_start, line_end));
        } else if let Some(block) = current.as_mut() {
            block.1 = line_end;
        }
        prev_line = content.trim();
    }
    blocks.extend(current);
    blocks
}

/// Whether a line break after `prev` ends the block: after a full stop, a colon, or a short heading.
fn ends_block(prev: &str, next: &str) -> bool {
    let Some(last) = prev.chars().last() else { return true };
    if matches!(last, '.' | '!' | '?' | ':' | ';') {
        return true;
    }
    // Hard-wrapped prose rarely breaks before 50 characters; a short line followed by a capital is a heading.
    let next_upper = next
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    prev.chars().count() < 50 && next_upper && !matches!(last, ',' | '-' | '–' | '(' | '&')
}

fn split_sentences<'a>(text: &'a str, start: usize, end: usize, out: &mut Vec<Clause<'a>>) {
    let block = &text[start..end];
    let bytes = block.as_bytes();
    let mut sentence_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?') {
            // Include closing quotes and brackets in the sentence.
            let mut j = i + 1;
            while j < bytes.len() {
                let rest = &block[j..];
                let Some(c) = rest.chars().next() else { break };
                if matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»') {
                    j += c.len_utf8();
                } else {
                    break;
                }
            }
            let ws_end = j + block[j..].len() - block[j..].trim_start().len();
            if ws_end > j
                && ws_end < bytes.len()
                && starts_sentence(&block[ws_end..])
                && !(b == b'.' && is_abbreviation(&block[sentence_start..i], &block[ws_end..]))
            {
                push_clause(text, start + sentence_start, start + j, out);
                sentence_start = ws_end;
                i = ws_end;
                continue;
            }
        }
        i += 1;
    }
    push_clause(text, start + sentence_start, end, out);
}

fn starts_sentence(rest: &str) -> bool {
    rest.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\'' | '“' | '‘' | '(' | '['))
}

fn is_abbreviation(before: &str, after: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    if word.is_empty() {
        return false;
    }
    // A single capital before a full stop is an initial ("J. Smith").
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_uppercase()
    {
        return true;
    }
    let lower = word.to_lowercase();
    // "No. 5", but "There is no. Then…" ends a sentence.
    if matches!(lower.as_str(), "no" | "nos") {
        return after.starts_with(|c: char| c.is_ascii_digit());
    }
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Longest clause, in bytes. Real sentences stay far below it (the longest tagged sentence in the real
/// policies is under 1.8 KB); past it a "sentence" is a list or a page without full stops, and cutting it
/// keeps tagging time proportional to the text whatever the rules.
pub const MAX_CLAUSE: usize = 4096;

fn push_clause<'a>(text: &'a str, start: usize, end: usize, out: &mut Vec<Clause<'a>>) {
    let mut start = start;
    while end - start > MAX_CLAUSE {
        let cut = cut_point(&text[start..end]);
        push_trimmed(text, start, start + cut, out);
        start += cut;
    }
    push_trimmed(text, start, end, out);
}

/// Where to cut an over-long clause: after the last `;` or `,` in the second half of the first
/// [`MAX_CLAUSE`] bytes, else at the last space there, else at a character boundary.
fn cut_point(clause: &str) -> usize {
    let floor = |mut i: usize| {
        while !clause.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let limit = floor(MAX_CLAUSE);
    let half = floor(limit / 2);
    let window = &clause[half..limit];
    // Just after the separator, which may be more than one byte (a no-break space).
    let after = |(i, c): (usize, char)| half + i + c.len_utf8();
    let last = |is: fn(char) -> bool| window.char_indices().rev().find(|&(_, c)| is(c)).map(after);
    last(|c| c == ';' || c == ',')
        .or_else(|| last(char::is_whitespace))
        .unwrap_or(limit)
}

fn push_trimmed<'a>(text: &'a str, start: usize, end: usize, out: &mut Vec<Clause<'a>>) {
    let raw = &text[start..end];
    let lead = raw.len() - raw.trim_start().len();
    let trimmed = raw.trim();
    if trimmed.chars().any(char::is_alphanumeric) {
        let s = start + lead;
        out.push(Clause {
            text: trimmed,
            start: s,
            end: s + trimmed.len(),
            char_start: 0,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_offsets_index_the_text_as_a_list_of_characters() {
        let text = "Données « personnelles » : nous ne les vendons pas.\n\n– We never sell them. Ünd so.";
        let chars: Vec<char> = text.chars().collect();
        let found = clauses(text);
        assert!(found.len() >= 3, "{found:?}");
        for c in found {
            let by_char: String = chars[c.char_start..c.char_end()].iter().collect();
            assert_eq!(by_char, c.text, "{c:?}");
        }
    }

    #[test]
    fn long_clauses_are_cut_at_character_boundaries_whatever_the_text() {
        // Two-byte letters at odd offsets and no-break spaces (two bytes) as the only separators.
        for text in [
            "Ó".repeat(5000),
            format!("x{}", "Ó".repeat(5000)),
            format!("x{}", "ÓÓÓ\u{a0}".repeat(2000)),
            format!("xx{}", "ab\u{3000}".repeat(3000)),
        ] {
            let clauses = clauses(&text);
            assert!(!clauses.is_empty());
            for c in &clauses {
                assert!(c.text.len() <= MAX_CLAUSE, "{}", c.text.len());
                assert_eq!(&text[c.start..c.end], c.text);
            }
        }
    }

    fn texts(text: &str) -> Vec<&str> {
        clauses(text).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn splits_sentences() {
        assert_eq!(
            texts("We share data. We sell it! Do we? Yes."),
            ["We share data.", "We sell it!", "Do we?", "Yes."]
        );
    }

    #[test]
    fn spans_index_the_text() {
        let text = "Intro line here.\n\n• first item. Second sentence.\n• second item";
        for c in clauses(text) {
            assert_eq!(&text[c.start..c.end], c.text);
        }
        assert_eq!(
            texts(text),
            ["Intro line here.", "first item.", "Second sentence.", "second item"]
        );
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            texts(
                "We share with Tesco companies (e.g. Tesco Personal Finance) and Acme Ltd. Group. J. Smith agreed. \
                 See No. 5 below."
            ),
            [
                "We share with Tesco companies (e.g. Tesco Personal Finance) and Acme Ltd. Group.",
                "J. Smith agreed.",
                "See No. 5 below."
            ]
        );
    }

    #[test]
    fn lowercase_after_full_stop_continues() {
        assert_eq!(
            texts("Version 2.1 applies. see below."),
            ["Version 2.1 applies. see below."]
        );
    }

    #[test]
    fn list_markers_are_items_and_stripped() {
        let text = "We may:\n- share data\n* sell data\n1. rent data\n(a) trade data\n• pass data";
        assert_eq!(
            texts(text),
            [
                "We may:",
                "share data",
                "sell data",
                "rent data",
                "trade data",
                "pass data"
            ]
        );
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let text = "We may pass this data to the third parties mentioned above and we may\nuse this information to \
                    provide offers.";
        assert_eq!(clauses(text).len(), 1);
    }

    #[test]
    fn headings_stand_alone() {
        let text = "How we share data\nWe share data with partners when you agree.";
        assert_eq!(
            texts(text),
            ["How we share data", "We share data with partners when you agree."]
        );
    }

    #[test]
    fn closing_quotes_stay_with_sentence() {
        assert_eq!(texts("He said “no.” Then he left."), ["He said “no.”", "Then he left."]);
    }

    #[test]
    fn empty_and_punctuation_only_give_nothing() {
        assert!(clauses("").is_empty());
        assert!(clauses("\n\n  ---  \n\n• \n").is_empty());
    }

    #[test]
    fn multibyte_text_does_not_panic() {
        let text = "Données partagées. Ünïcödé ✓ — “quoted” … end?";
        for c in clauses(text) {
            assert_eq!(&text[c.start..c.end], c.text);
        }
    }

    #[test]
    fn over_long_clauses_are_cut_at_a_comma_or_space() {
        let list: String = (0..2000).map(|i| format!("Partner{i} (opt out link), ")).collect();
        let cs = clauses(&list);
        assert!(cs.len() > 1);
        for c in &cs {
            assert!(c.text.len() <= MAX_CLAUSE, "{}", c.text.len());
            assert_eq!(&list[c.start..c.end], c.text);
            assert!(
                c.text.ends_with(',') || c == cs.last().unwrap(),
                "{:?}",
                &c.text[c.text.len() - 20..]
            );
        }
        let joined: usize = cs.iter().map(|c| c.text.len()).sum();
        assert!(joined + cs.len() >= list.trim().len());
        // No comma, no space: cut at a character boundary, never inside a character.
        let wall = "é".repeat(5000);
        let cs = clauses(&wall);
        assert!(cs.len() == 3 && cs.iter().all(|c| c.text.len() <= MAX_CLAUSE));
    }
}
