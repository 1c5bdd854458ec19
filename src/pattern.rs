//! Patterns: how every regular expression in a rules file is compiled, and how a bad one is reported.

use regex::{Regex, RegexBuilder};
use toml::Spanned;

use crate::error::{Location, Problem, line_of};

/// A pattern the regex crate refuses, with the useful line of its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad regex: {0}; fix the pattern (Rust regex syntax: https://docs.rs/regex/latest/regex/#syntax)")]
pub struct BadPattern(pub(crate) String);

pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, BadPattern> {
    // A small lazy-DFA cache per pattern: every pattern has one per thread, and the default (megabytes
    // each) took batch tagging past 100 MB with two threads for a few per cent of speed.
    // A pattern with non-ASCII letters ("übermittlung") needs Unicode boundaries to match at all; curly
    // quotes and dashes do not.
    let pattern = if pattern.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) {
        pattern.to_string()
    } else {
        ascii_word_boundaries(pattern)
    };
    RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .dfa_size_limit(128 << 10)
        .build()
        .map_err(|e| regex_message(&e))
}

/// `pattern` with its word boundaries (`\b`, `\B`) made ASCII-only.
///
/// Unicode word boundaries stop the regex crate's lazy DFA at the first non-ASCII byte (a curly quote is
/// enough), and every search then falls back to the much slower PikeVM, where a profile of batch tagging
/// found 77% of the time. The default rules are English; the boundaries that matter sit between
/// ASCII letters and spaces or punctuation, where both kinds agree. Patterns with non-ASCII letters (other
/// languages) keep Unicode boundaries.
pub(crate) fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The useful line of a regex error ("unclosed group"), without the multi-line caret drawing.
pub(crate) fn regex_message(e: &regex::Error) -> BadPattern {
    let text = e.to_string();
    let reason = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| text.lines().last().unwrap_or("invalid").trim().to_string());
    BadPattern(reason)
}

/// Compiles a list of patterns from a rules file; each bad one becomes a problem naming its file, line
/// and field.
pub(crate) fn compile_patterns(
    list: &[Spanned<String>],
    field: &str,
    name: &str,
    source: &str,
    problems: &mut Vec<Problem>,
) -> Vec<Regex> {
    list.iter()
        .filter_map(|p| match compile_regex(p.get_ref()) {
            Ok(r) => Some(r),
            Err(msg) => {
                problems.push(Problem {
                    location: Location::at(name.to_string(), line_of(source, p.span().start)).with_field(field),
                    message: msg.to_string(),
                });
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_become_ascii_and_escapes_survive() {
        assert_eq!(ascii_word_boundaries(r"\bshare\B"), r"(?-u:\b)share(?-u:\B)");
        assert_eq!(ascii_word_boundaries(r"a\\b\s\.c\"), r"a\\b\s\.c\");
        let re = compile_regex(r"\bsold\b").unwrap();
        assert!(re.is_match("It’s never sold’ to anyone"));
        assert!(!re.is_match("unsold"));
    }
}
