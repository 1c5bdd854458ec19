//! Reading a whole text: its language found line by line ([`crate::analysis::language`]), and each run of
//! one language tagged with that language's rules, or left unread when orgcheck has none.

use crate::analysis::language::{self, Language};
use crate::analysis::rules::{Reader, RuleSet};
use crate::document::segment::Clause;

use super::{Finding, TaggedClause};

/// A run of a text in one language and its tagged clauses (spans index into the whole text).
#[derive(Debug)]
pub struct Part<'r, 'a> {
    pub language: Option<Language>,
    /// The rules that read it; `None` when orgcheck has no rules for its language.
    pub rules: Option<&'r RuleSet>,
    pub tagged: Vec<TaggedClause<'a>>,
}

/// A text as orgcheck read it.
#[derive(Debug)]
pub struct Reading<'r, 'a> {
    /// The language most of the text is in; `None` when unknown (it is then read as English).
    pub language: Option<Language>,
    pub parts: Vec<Part<'r, 'a>>,
}

impl Reading<'_, '_> {
    /// Whether orgcheck could read the text: false when its main language has no rules.
    pub fn read(&self) -> bool {
        let main = self.parts.iter().filter(|p| p.language == self.language);
        main.clone().next().is_none() || main.into_iter().any(|p| p.rules.is_some())
    }

    /// Every finding, in text order, letting go of each part's hits once its findings are built: a
    /// text that is nothing but practices then holds one copy of them, not two.
    pub fn into_findings(self) -> Vec<Finding> {
        let mut out = Vec::with_capacity(self.hits());
        for part in self.parts {
            if let Some(rules) = part.rules {
                let definitions = rules.definitions(&part.tagged);
                out.extend((0..part.tagged.len()).flat_map(|i| rules.to_findings(&part.tagged, i, &definitions)));
            }
        }
        out
    }

    fn hits(&self) -> usize {
        let tagged = self.parts.iter().filter(|p| p.rules.is_some()).flat_map(|p| &p.tagged);
        tagged.map(|t| t.hits.len()).sum()
    }

    /// The languages the text is in, each once, in order of first appearance.
    pub fn languages(&self) -> Vec<Language> {
        let mut seen = Vec::new();
        for l in self.parts.iter().filter_map(|p| p.language) {
            if !seen.contains(&l) {
                seen.push(l);
            }
        }
        seen
    }
}

impl RuleSet {
    /// Reads `text`: finds its language, line by line, and tags each run with its language's rules.
    /// A set made for one language (`--lang`) reads every run itself.
    pub fn read<'r, 'a>(&'r self, text: &'a str) -> Reading<'r, 'a> {
        let detection = language::detect(text);
        let mut parts = Vec::with_capacity(detection.runs.len());
        // Runs come in text order: one sweep counts the characters before each.
        let (mut byte, mut chars) = (0, 0);
        for run in detection.runs {
            chars += text.get(byte..run.range.start).map_or(0, |gap| gap.chars().count());
            byte = run.range.start;
            let at = (run.range.start, chars);
            let rules = match self.reader(run.language) {
                Reader::Rules(r) => Some(r),
                Reader::None => None,
            };
            let tagged = match rules {
                Some(r) => r.tag_text_at(text, run.range, chars),
                None => (crate::document::segment::clauses(&text[run.range.clone()]).into_iter())
                    .map(|c| TaggedClause {
                        clause: shifted(c, at),
                        hits: Vec::new(),
                    })
                    .collect(),
            };
            parts.push(Part {
                language: run.language,
                rules,
                tagged,
            });
        }
        Reading {
            language: detection.language,
            parts,
        }
    }

    /// Tags the part `range` of `text`, which has `chars` characters before it; clause offsets index
    /// into the whole text.
    pub(crate) fn tag_text_at<'a>(
        &self,
        text: &'a str,
        range: std::ops::Range<usize>,
        chars: usize,
    ) -> Vec<TaggedClause<'a>> {
        let start = range.start;
        let mut tagged = self.tag_text(&text[range]);
        if start > 0 {
            for tc in &mut tagged {
                tc.clause = shifted(tc.clause, (start, chars));
            }
        }
        tagged
    }
}

/// A clause of a part moved to the part's place in the whole text: `by` bytes and characters.
fn shifted(c: Clause<'_>, (bytes, chars): (usize, usize)) -> Clause<'_> {
    Clause {
        text: c.text,
        start: c.start + bytes,
        end: c.end + bytes,
        char_start: c.char_start + chars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tag::{Polarity, Tag};

    #[test]
    fn a_german_text_is_read_with_the_german_rules_without_being_told() {
        let rules = RuleSet::default_rules().unwrap();
        let text = "Wir geben Ihre Daten nicht an Dritte weiter.";
        let reading = rules.read(text);
        assert_eq!(reading.language.map(Language::code), Some("de"));
        assert!(reading.read());
        let f = reading.into_findings();
        assert!(
            f.iter()
                .any(|f| f.tag == Tag::ThirdPartySharing && f.polarity == Polarity::Negative),
            "{f:?}"
        );
    }

    #[test]
    fn an_italian_text_is_not_read_and_says_so() {
        let rules = RuleSet::default_rules().unwrap();
        let text = "Non vendiamo i tuoi dati personali a terzi e non li condividiamo con i partner.";
        let reading = rules.read(text);
        assert_eq!(reading.language.map(Language::code), Some("it"));
        assert!(!reading.read());
        assert_eq!(reading.parts[0].tagged.len(), 1);
        assert!(reading.into_findings().is_empty());
    }

    #[test]
    fn each_run_is_read_in_its_language_and_spans_index_the_whole_text() {
        let rules = RuleSet::default_rules().unwrap();
        let text = "Wir verkaufen Ihre Daten nicht an Dritte.\nWe share your location with advertisers.\n";
        let reading = rules.read(text);
        assert_eq!(reading.languages().len(), 2);
        let f = reading.into_findings();
        let location = f
            .iter()
            .find(|f| f.tag == Tag::Location)
            .expect("the English line is read");
        assert_eq!(&text[location.start..location.end], location.clause);
        assert!(location.start > 0);
    }

    #[test]
    fn character_offsets_count_what_comes_before_each_run() {
        let rules = RuleSet::default_rules().unwrap();
        // Umlauts and a no-break space make bytes and characters differ before the English run.
        let text = "Wir verkaufen Ihre Daten nicht an Dritte, für Sie gilt\u{a0}das Gesetz über den Datenschutz.\n\
                    Über Änderungen informieren wir Sie schriftlich und rechtzeitig.\n\
                    We share your location with advertisers.\n";
        let chars: Vec<char> = text.chars().collect();
        let f = rules.read(text).into_findings();
        assert!(f.iter().any(|f| f.tag == Tag::Location), "{f:?}");
        for finding in &f {
            let by_char: String = chars[finding.char_start..finding.char_end].iter().collect();
            assert_eq!(by_char, finding.clause);
            assert!(finding.char_start < finding.start || finding.start == 0);
        }
    }
}
