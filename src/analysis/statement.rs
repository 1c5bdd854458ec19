//! Statements: whether a clause states a practice at all. A cross-reference ("See Disclosure of Your
//! Information;") names a section, interface text ("Do Not Sell My Personal Information") is a link or a
//! button, and a yes/no question ("Do we sell your data to third parties?") asks; its answer states.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::ontology::{Grammar, words};

/// A short clause that only points to another part of the document ("See Disclosure of Your
/// Information;"): it names a section, it does not state a practice.
static CROSS_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?i:please\s+)?(?i:see|refer\s+to|read)\s+(?i:also\s+)?(?i:(?:the|our)\s+)?(?i:section\s+[0-9.]+\s*)?",
        r#"["“‘']?(?:[A-Z0-9][^.;:!?]{0,80})?["”’']?\s*[.;:,]?$"#,
    ))
    .expect("static regex")
});

/// Whether a clause is a cross-reference and nothing more.
pub(crate) fn is_cross_reference(clause: &str) -> bool {
    clause.split_whitespace().nth(12).is_none() && CROSS_REFERENCE.is_match(clause.trim())
}

/// Most words of a line that is read as interface text.
const INTERFACE_WORDS: usize = 8;

/// Whether a clause is interface text, not a statement: a link, a button or a menu item ("Do Not Sell
/// My Personal Information", "Privacy Choices"), or a lone word ("GPS"). It is short, has no closing
/// punctuation, and is one word, or every word is capitalised but the small ones a title leaves, or it
/// speaks in the reader's voice with no subject ("Meine Daten nicht verkaufen", "Ne pas vendre mes
/// informations personnelles": languages that do not capitalise titles word by word).
pub(crate) fn is_interface_text(clause: &str, g: &Grammar) -> bool {
    let line = clause.trim();
    if line.is_empty() || line.ends_with(['.', '!', '?', ';', ':', ',', ')']) || line.contains(['\n']) {
        return false;
    }
    let words: Vec<&str> = line
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .collect();
    let capital = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
    match words.len() {
        0 => false,
        1 => true,
        n if n > INTERFACE_WORDS => false,
        _ => {
            let title = words
                .iter()
                .all(|w| capital(w) || Grammar::has(&g.title_small_words, w))
                && words.iter().filter(|w| capital(w)).count() >= 2;
            let subject = |w: &&str| {
                [&g.first_person, &g.customer, &g.clause_subjects]
                    .iter()
                    .any(|list| Grammar::has(list, w))
            };
            title || (words.iter().any(|w| Grammar::has(&g.reader_possessives, w)) && !words.iter().any(subject))
        }
    }
}

/// What the clause after a yes/no question does with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// "No." or "Never." (the answer word's span in the next clause): the question's practice is denied.
    /// `bare` when the answer is nothing more ("Never."), so the two read as one clause.
    No { word: Range<usize>, bare: bool },
    /// "Yes, …": the question's practice is confirmed.
    Yes,
    /// Any other answer, or none: the question states nothing, and the answer speaks for itself.
    Other,
}

/// The most words of a bare answer ("No, never.").
const BARE_ANSWER_WORDS: usize = 3;

/// Whether `clause` is a yes/no question: a question mark at its end and a `question_openers` word
/// first ("Do we…?", "Will my details be…?"). A wh-question ("How do we share it?") is not one: it takes
/// the practice for granted.
pub(crate) fn is_yes_no_question(clause: &str, g: &Grammar) -> bool {
    let line = clause.trim();
    if !line.ends_with('?') {
        return false;
    }
    let mut spans = words(line);
    let mut first = spans.next().map(|s| &line[s]);
    // An FAQ's "Q: Do we…?".
    if first.is_some_and(|w| w.eq_ignore_ascii_case("q")) {
        first = spans.next().map(|s| &line[s]);
    }
    first.is_some_and(|w| Grammar::has(&g.question_openers, w))
}

/// How `next`, the clause after a yes/no question, answers it: its first word is a `no_answers` or
/// `yes_answers` word with nothing but punctuation after it ("No.", "Never, under any circumstances.",
/// "Yes, with…"); "No personal data is sold" is a statement of its own, not an answer.
pub(crate) fn answer(next: Option<&str>, g: &Grammar) -> Answer {
    let Some(next) = next else { return Answer::Other };
    let mut spans = words(next);
    let Some(first) = spans.next() else {
        return Answer::Other;
    };
    let rest = &next[first.end..];
    let alone = rest.trim_start().is_empty() || rest.starts_with([',', '.', '!', ';', ':', '—', '–']);
    if !alone {
        return Answer::Other;
    }
    let word = &next[first.clone()];
    if Grammar::has(&g.no_answers, word) {
        Answer::No {
            word: first,
            bare: spans.count() < BARE_ANSWER_WORDS,
        }
    } else if Grammar::has(&g.yes_answers, word) {
        Answer::Yes
    } else {
        Answer::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::{Combine, RuleSet};

    #[test]
    fn interface_text_is_no_statement() {
        let rules = RuleSet::default_rules().unwrap();
        let g = &rules.ontology.grammar;
        for line in [
            "Do Not Sell My Personal Information",
            "Privacy Choices",
            "GPS",
            "How We Share Your Data",
            "Do not sell my personal information",
        ] {
            assert!(is_interface_text(line, g), "{line}");
        }
        for line in [
            "We do not sell your personal information.",
            "You can ask us not to sell my data",
            "Location data",
            "We Never Sell Your Data To Anyone Else Ever Again Under Any Circumstances",
        ] {
            assert!(!is_interface_text(line, g), "{line}");
        }
    }

    #[test]
    fn interface_text_in_the_readers_voice_in_other_languages() {
        for (code, lines, statements) in [
            (
                "de",
                ["Meine Daten nicht verkaufen", "Verkauf meiner Daten widersprechen"],
                [
                    "Meine Daten werden nicht verkauft.",
                    "Wir geben meine Daten nicht weiter",
                ],
            ),
            (
                "es",
                ["No vender mi información personal", "Mis preferencias de privacidad"],
                ["No vendemos su información personal.", "Usted puede ver mis datos"],
            ),
            (
                "it",
                ["Non vendere i miei dati personali", "Le mie preferenze sulla privacy"],
                ["Non vendiamo i suoi dati personali.", "Lei può vedere i miei dati"],
            ),
            (
                "fr",
                ["Ne pas vendre mes informations personnelles", "Gérer mes préférences"],
                [
                    "Ne pas vendre mes informations personnelles.",
                    "Nous ne vendons pas mes données",
                ],
            ),
        ] {
            let pack = crate::analysis::rules::language_pack(code).unwrap();
            let set = RuleSet::with_files(&[pack], Combine::Add).unwrap();
            let g = &set.ontology.grammar;
            for line in lines {
                assert!(is_interface_text(line, g), "{line}");
            }
            for line in statements {
                assert!(!is_interface_text(line, g), "{line}");
            }
        }
    }

    #[test]
    fn yes_no_questions_and_their_answers() {
        let rules = RuleSet::default_rules().unwrap();
        let g = &rules.ontology.grammar;
        for q in [
            "Do we sell your data to third parties?",
            "Q: Will my details be shared?",
            " Is it sold? ",
        ] {
            assert!(is_yes_no_question(q, g), "{q}");
        }
        for q in [
            "How do we share your data?",
            "Who do we share it with?",
            "We sell your data to third parties.",
            "Do we sell your data to third parties",
        ] {
            assert!(!is_yes_no_question(q, g), "{q}");
        }
        assert_eq!(answer(Some("Never."), g), Answer::No { word: 0..5, bare: true });
        assert_eq!(
            answer(Some("No, never, under any circumstances."), g),
            Answer::No {
                word: 0..2,
                bare: false
            }
        );
        assert_eq!(answer(Some("Yes, with our partners."), g), Answer::Yes);
        assert_eq!(answer(Some("No personal data is sold."), g), Answer::Other);
        assert_eq!(answer(Some("We share it with partners."), g), Answer::Other);
        assert_eq!(answer(None, g), Answer::Other);
    }
}
