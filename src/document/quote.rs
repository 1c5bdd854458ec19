//! The sentences a declaration quotes, found again in each fetched version of a statement page.
//!
//! A provider's privacy hub is mostly navigation and reassurance; the declaration names the sentences
//! that matter (`quote`), and the comparison reads only the sentences that contain them. The match is on
//! words, ignoring case, punctuation and spacing, so that a re-flowed page or curly quotes do not lose
//! the quote, while a changed word does: then the quote is reported missing, which is news in itself.

use std::ops::Range;

/// The text the comparison reads, and the quotes that were not on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    /// The sentences holding the quotes, in page order, a blank line between passages; the whole page
    /// when no quote was found (or none was declared).
    pub text: String,
    /// The declared quotes not found, as declared.
    pub missing: Vec<String>,
}

/// Words of `text` with their byte ranges, lowercased and joined by single spaces, with a space at each
/// end so that a search for " a b " only matches whole words.
struct Words {
    joined: String,
    /// Per word: its start in `joined`, and its byte range in the text.
    spans: Vec<(usize, Range<usize>)>,
}

impl Words {
    fn of(text: &str) -> Words {
        let mut joined = String::with_capacity(text.len() + 2);
        joined.push(' ');
        let mut spans = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    spans.push((joined.len(), s..i));
                    joined.extend(text[s..i].chars().flat_map(char::to_lowercase));
                    joined.push(' ');
                    start = None;
                }
                _ => {}
            }
        }
        Words { joined, spans }
    }
}

/// Finds each quote in `page` and keeps the sentences that hold them.
pub fn select(page: &str, quotes: &[String]) -> Quoted {
    if quotes.is_empty() {
        return Quoted {
            text: page.to_string(),
            missing: Vec::new(),
        };
    }
    let words = Words::of(page);
    let mut found: Vec<Range<usize>> = Vec::new();
    let mut missing = Vec::new();
    for quote in quotes {
        match find(page, &words, quote) {
            Some(range) => found.push(range),
            None => missing.push(quote.clone()),
        }
    }
    if found.is_empty() {
        return Quoted {
            text: page.to_string(),
            missing,
        };
    }
    found.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in found {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let text = merged
        .iter()
        .map(|r| page[r.clone()].trim())
        .collect::<Vec<_>>()
        .join("\n\n");
    Quoted { text, missing }
}

/// The byte range of the sentences of `page` that hold `quote`, or `None`.
fn find(page: &str, words: &Words, quote: &str) -> Option<Range<usize>> {
    let needle = Words::of(quote);
    let n = needle.spans.len();
    if n == 0 {
        return None;
    }
    // `str::find` is linear in the page (two-way search), so a long page with many quotes stays cheap.
    let at = words.joined.find(&needle.joined)?;
    let first = words.spans.binary_search_by_key(&(at + 1), |(j, _)| *j).ok()?;
    let last = first + n - 1;
    let start = words.spans[first].1.start;
    let end = words.spans[last].1.end;
    Some(sentence_start(page, start)..sentence_end(page, end))
}

/// Closing quotation marks and brackets, which belong to the sentence they close.
const CLOSERS: &str = "\"'”’)]";

/// Whether a sentence ends at byte `i` of `text` (`i` indexes a `.`, `!` or `?`): whitespace or the
/// end follows, after any closers.
fn ends_sentence(text: &str, i: usize) -> bool {
    text[i + 1..]
        .trim_start_matches(|c| CLOSERS.contains(c))
        .chars()
        .next()
        .is_none_or(char::is_whitespace)
}

fn sentence_start(text: &str, from: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .find(|&(i, c)| c == '\n' || (matches!(c, '.' | '!' | '?') && ends_sentence(text, i)))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

fn sentence_end(text: &str, from: usize) -> usize {
    text[from..]
        .char_indices()
        .find(|&(i, c)| c == '\n' || (matches!(c, '.' | '!' | '?') && ends_sentence(text, from + i)))
        .map_or(text.len(), |(i, c)| {
            let end = from + i + if c == '\n' { 0 } else { c.len_utf8() };
            end + (text[end..].len() - text[end..].trim_start_matches(|c| CLOSERS.contains(c)).len())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Your privacy matters.\nWe want you to feel in control. We never sell your personal data to \
                        anyone. \
                        Read our policy for details.\nCookies help us improve the site.";

    fn quotes(q: &[&str]) -> Vec<String> {
        q.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keeps_the_whole_sentence_around_a_quote() {
        let q = select(PAGE, &quotes(&["never SELL your personal-data"]));
        assert_eq!(q.text, "We never sell your personal data to anyone.");
        assert!(q.missing.is_empty());
    }

    #[test]
    fn several_quotes_in_page_order_and_merged() {
        let q = select(
            PAGE,
            &quotes(&["Cookies help", "We never sell", "never sell your personal data"]),
        );
        assert_eq!(
            q.text,
            "We never sell your personal data to anyone.\n\nCookies help us improve the site."
        );
    }

    #[test]
    fn a_changed_word_is_missing_and_the_page_is_kept() {
        let q = select(PAGE, &quotes(&["We never rent your personal data"]));
        assert_eq!(q.missing, ["We never rent your personal data"]);
        assert_eq!(q.text, PAGE);
        let q = select(PAGE, &quotes(&["We never rent", "Cookies help"]));
        assert_eq!(q.missing, ["We never rent"]);
        assert_eq!(q.text, "Cookies help us improve the site.");
    }

    #[test]
    fn matches_whole_words_only() {
        // "sell" must not match inside "sellers"; "in control" must not match "in controlled".
        let q = select("Our sellers are in controlled areas.", &quotes(&["sell", "in control"]));
        assert_eq!(q.missing.len(), 2);
    }

    #[test]
    fn a_sentence_keeps_its_closing_quote_and_no_quote_keeps_the_page() {
        let q = select("He said “we never sell data.” Then he left.", &quotes(&["never sell"]));
        assert_eq!(q.text, "He said “we never sell data.”");
        let q = select("No quotes declared.", &[]);
        assert_eq!(q.text, "No quotes declared.");
    }
}
