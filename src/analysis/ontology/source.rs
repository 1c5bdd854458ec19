//! Where a denial's data comes from, when the denial names one channel of it: "we do not share
//! personally identifiable information *we may collect in web beacons*", "addresses *you provide in the
//! share feature* … will not be shared". Such a denial speaks of that channel's data only; a permission
//! that does not name the same channel is about other data (grading reads it as narrower data).
//!
//! The channel is read right after the data's words: an optional relative pronoun and subject, an action
//! word, then a preposition of source ("in", "through", "via") and its noun phrase. A noun phrase that is
//! the whole service ("through our website", "from you"), a manner or a case ("in connection with")
//! narrows nothing.

use super::terms::words;
use super::{Dimension, Grammar, Ontology, Phrase, Practice};

/// How far after the data the action word may stand, and how long the channel's phrase may run, in
/// words.
const LEAD_WORDS: usize = 5;
const CHANNEL_WORDS: usize = 6;

impl Ontology {
    /// Reads the channel of a practice's data in `clause` (the text its offsets are in).
    pub fn read_data_source(&self, practice: &mut Practice, clause: &str) {
        let g = &self.grammar;
        let Some(end) = practice.data.iter().map(|t| t.end).max() else {
            return;
        };
        if end > clause.len() || !clause.is_char_boundary(end) {
            return;
        }
        let rest = &clause[end..];
        let rest = &rest[..rest.find([',', ';', ':', '.', '(', ')']).unwrap_or(rest.len())];
        let words: Vec<(usize, &str)> = words(rest)
            .take(LEAD_WORDS + CHANNEL_WORDS)
            .map(|r| (r.start, &rest[r]))
            .collect();
        // Only these words are read: a long clause costs no more than a short one.
        let rest = &rest[..words.last().map_or(0, |(at, w)| at + w.len())];
        let is = |i: usize, list: &[String]| words.get(i).is_some_and(|(_, w)| Grammar::has(list, w));
        let mut i = 0;
        if is(i, &g.relative_pronouns) {
            i += 1;
        }
        if is(i, &g.first_person) || is(i, &g.customer) {
            i += 1;
        }
        while i < LEAD_WORDS && (is(i, &g.auxiliaries) || is(i, &g.before_verb) || is(i, &g.passive)) {
            i += 1;
        }
        let Some(&(verb_at, _)) = words.get(i) else { return };
        // The preposition after the verb is one word to compare, the verb a look-up of terms: asked first,
        // it rules out most practices.
        if !is(i + 1, &g.source_prepositions) {
            return;
        }
        let action = self
            .terms(&rest[verb_at..])
            .first()
            .is_some_and(|f| f.at.start == 0 && self.concepts[f.concept].dimension == Dimension::Action);
        if !action {
            return;
        }
        i += 1;
        // The channel's noun phrase: to its end, or to a word that starts something else (a recipient
        // preposition, a conjunction, a verb's auxiliary, a relative clause, a subject).
        let ends_phrase = |w: &str| {
            [
                &g.recipient_prepositions,
                &g.conjunctions,
                &g.auxiliaries,
                &g.before_verb,
                &g.passive,
                &g.relative_pronouns,
                &g.first_person,
                &g.customer,
                &g.prepositions,
            ]
            .iter()
            .any(|list| Grammar::has(list, w))
        };
        let np: Vec<(usize, &str)> = words[i + 1..]
            .iter()
            .copied()
            .take_while(|(_, w)| !ends_phrase(w))
            .take(CHANNEL_WORDS)
            .collect();
        let Some(&(head_at, head)) = np.last() else { return };
        // Its head, or its first word past the determiners ("in *aggregate* form"), may say it is none.
        let first = np
            .iter()
            .map(|(_, w)| *w)
            .find(|w| !g.is_function_word(w))
            .unwrap_or(head);
        let whole = Grammar::has(&g.not_channels, head)
            || Grammar::has(&g.not_channels, first)
            || Grammar::has(&g.customer, head)
            || Grammar::has(&g.first_person, head)
            || g.is_function_word(head);
        if whole {
            return;
        }
        let from = end + verb_at;
        let to = end + head_at + head.len();
        practice.data_source = Some(Phrase {
            text: clause[from..to].to_string(),
            start: from,
            end: to,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::ontology;

    fn source(clause: &str) -> Option<String> {
        let o = ontology();
        let found = o.terms(clause);
        let at = ["share", "sell", "disclose"]
            .iter()
            .find_map(|w| clause.find(w))
            .expect("a practice word");
        let site = super::super::Site {
            text: clause,
            trigger: &(at..at + 5),
            scope: &(0..clause.len()),
            excluded: &[],
            denial: true,
        };
        let mut practice = o.practice_of(&found, site);
        o.read_data_source(&mut practice, clause);
        practice.data_source.map(|p| p.text)
    }

    #[test]
    fn a_channel_after_the_data_is_read() {
        assert_eq!(
            source("We do not share personal information we may collect in web beacons with advertisers."),
            Some("collect in web beacons".to_string())
        );
        assert_eq!(
            source("We never sell information collected through the prize draw entry form."),
            Some("collected through the prize draw entry form".to_string())
        );
        assert_eq!(
            source("We do not disclose the data that you submit via the feedback tool to anyone."),
            Some("submit via the feedback tool".to_string())
        );
        assert_eq!(
            source("Personal information collected from our donation pages is never shared."),
            Some("collected from our donation pages".to_string())
        );
        assert_eq!(
            source("Addresses you provide in the share feature may be saved, and will not be shared."),
            Some("provide in the share feature".to_string())
        );
    }

    #[test]
    fn the_whole_service_or_the_reader_is_no_channel() {
        assert_eq!(
            source("We do not sell information we collect through our website."),
            None
        );
        assert_eq!(
            source("We never disclose data obtained from our customers or other sources."),
            None
        );
        assert_eq!(
            source("We do not share the information we collect from you with advertisers."),
            None
        );
        assert_eq!(source("We never share your data with advertisers."), None);
        assert_eq!(source("We do not sell personal data collected by us."), None);
        // A manner or a case is no channel.
        assert_eq!(
            source("We do not share information provided in connection with an order."),
            None
        );
        assert_eq!(
            source("We never share data we collect in the following circumstances."),
            None
        );
        // A recipient after the data is no channel.
        assert_eq!(source("We do not share your information with third parties."), None);
    }
}
