//! What the grammar words say about the words around a practice word: whether a term is denied, whether
//! a gap only joins two actions, who acts (the subject before the practice word, the agent after a
//! disclosing verb), and which words after it name a recipient the ontology does not know. The practice
//! reader ([`super::practice`]) asks these questions.

use std::ops::Range;

use aho_corasick::AhoCorasick;

use super::grammar::Grammar;
use super::practice::{Actor, Phrase, words_back};
use super::terms::words;

/// Words before the practice word looked at for a [`Grammar::restrictions`] word and its subject.
const RESTRICTION_WORDS: usize = 8;

/// Words after the practice word looked at for "by" and the party it names.
const AGENT_WORDS: usize = 8;

/// How far before the practice word a [`Grammar::customer_duty`] phrase is looked for, in bytes.
const DUTY_WINDOW: usize = 160;

/// Most words between the "to" of a consent and the practice word it is to: "consenting to *the
/// Website's* disclosure".
const CONSENT_OBJECT_WORDS: usize = 4;

/// Most words looked at after the practice word for a recipient the ontology does not know.
const RECIPIENT_WORDS: usize = 24;

impl Grammar {
    /// Whether one of the two words at the end of `before` comes before a verb.
    pub(super) fn after_verb_word(&self, before: &str) -> bool {
        words_back(before).take(2).any(|w| Grammar::has(&self.before_verb, w))
    }

    /// Whether one of the six words before the end of `before` denies: "*not* personally identify
    /// you", "*cannot* be linked back to an individual".
    pub(super) fn negated_before(&self, before: &str) -> bool {
        words_back(before).take(6).any(|w| Grammar::has(&self.denying, w))
    }

    /// Whether the practice word after `before` is the object of withheld consent: "without also
    /// consenting to *its* disclosure", "without having to consent to the Website's disclosure", "you may
    /// refuse to agree to the sale". The consent word is a verb ("consenting", or "consent" after "to" or a
    /// withholding word), not the noun of "without your consent to such disclosure", which excepts a
    /// denial; at most [`CONSENT_OBJECT_WORDS`] words stand between its "to" and the practice word.
    pub(crate) fn consent_withheld(&self, before: &str) -> bool {
        let words: Vec<&str> = words_back(before).take(CONSENT_OBJECT_WORDS + 5).collect();
        let Some(to) = words
            .iter()
            .take(CONSENT_OBJECT_WORDS + 1)
            .position(|w| w.eq_ignore_ascii_case("to"))
        else {
            return false;
        };
        let Some(consent) = words.get(to + 1).filter(|w| Grammar::has(&self.consenting, w)) else {
            return false;
        };
        let earlier = &words[(to + 2).min(words.len())..];
        let verb = consent.to_ascii_lowercase().ends_with("ing")
            || earlier
                .first()
                .is_some_and(|w| Grammar::has(&self.auxiliaries, w) || Grammar::has(&self.withholding, w));
        verb && earlier.iter().take(3).any(|w| Grammar::has(&self.withholding, w))
    }

    /// Whether the gap between two action words only joins them: "sell *or* pass on", "sold*, rented
    /// or* traded".
    pub(super) fn only_joins(&self, gap: &str) -> bool {
        gap.split(|c: char| c.is_whitespace() || c == ',' || c == '/')
            .filter(|w| !w.is_empty())
            .all(|w| Grammar::has(&self.conjunctions, w) || Grammar::has(&self.action_joiners, w))
    }

    pub(crate) fn is_pointer(&self, word: &str) -> bool {
        Grammar::has(&self.pointers, word)
    }

    /// The party after "by" within a few words of the practice word, when it is not the company: "disclosed
    /// *by third parties*" is another party's, "submitted *by you*" the customer's; "required by law" and
    /// "by us" name no other party.
    pub(super) fn agent(&self, after: &str) -> Option<Actor> {
        // The agent belongs to the practice word's own phrase: past a comma or a semicolon, a "by" is
        // another noun's ("a merger, acquisition *by another company*").
        let after = &after[..after.find([',', ';', ':', '(']).unwrap_or(after.len())];
        let words: Vec<&str> = after
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(AGENT_WORDS)
            .collect();
        let by = words.iter().position(|w| w.eq_ignore_ascii_case("by"))?;
        let described = |w: &str| {
            Grammar::has(&self.determiners, w)
                || Grammar::has(&self.recipient_qualifiers, w)
                || Grammar::has(&self.recipient_modifiers, w)
                || Grammar::has(&self.customer_possessive, w)
        };
        let head = words[by + 1..].iter().take(4).find(|w| !described(w))?;
        if Grammar::has(&self.customer, head) {
            Some(Actor::Customer)
        } else if Grammar::has(&self.other_subjects, head) || Grammar::has(&self.generic_recipients, head) {
            Some(Actor::Other)
        } else {
            None
        }
    }

    /// One automaton for every [`Grammar::customer_duty`] phrase: a practice's actor is asked for each
    /// practice, and searching the phrases one by one built a searcher per phrase each time. The phrases
    /// are lower-case; ignoring ASCII case, the automaton finds them in ASCII text as it is, and in other
    /// text once lower-cased, as `str::contains` found them in lower-cased text.
    pub(super) fn customer_duty_finder(&self) -> Option<AhoCorasick> {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&self.customer_duty)
            .ok()
    }

    /// The subject right before the practice word (past auxiliaries), or a phrase shortly before that
    /// makes it the customer's duty or choice. `before` opens the clause when `opens_clause`: with no
    /// subject at all and an imperative opener, the clause tells the reader what to do.
    /// `duty` finds the [`Grammar::customer_duty`] phrases at once ([`Grammar::customer_duty_finder`]).
    pub(super) fn actor(&self, before: &str, opens_clause: bool, duty: Option<&AhoCorasick>) -> Option<Actor> {
        let mut from = before.len().saturating_sub(DUTY_WINDOW);
        while !before.is_char_boundary(from) {
            from += 1;
        }
        let near = &before[from..];
        let has_duty = match duty {
            // Most text is ASCII, where ignoring ASCII case is lower-casing: no copy to lower-case.
            Some(finder) if near.is_ascii() => finder.is_match(near),
            Some(finder) => finder.is_match(&near.to_lowercase()),
            None => {
                let near = near.to_lowercase();
                self.customer_duty.iter().any(|p| near.contains(p.as_str()))
            }
        };
        if has_duty {
            return Some(Actor::Customer);
        }
        // A practice someone is not permitted, or prohibited from, is that party's: "the service provider
        // is not authorised to sell it", "partners are prohibited from transferring it". Unless the
        // company says it of itself ("we are not permitted to share it").
        let recent: Vec<&str> = words_back(before).take(RESTRICTION_WORDS).collect();
        if let Some(at) = recent.iter().position(|w| Grammar::has(&self.restrictions, w))
            && !recent[at..].iter().any(|w| Grammar::has(&self.first_person, w))
        {
            return Some(Actor::Other);
        }
        if let Some(actor) = self.clause_subject(before) {
            return actor;
        }
        let mut passive = false;
        let Some(subject) = words_back(before).take(6).find(|w| {
            passive |= Grammar::has(&self.passive, w);
            !Grammar::has(&self.auxiliaries, w)
        }) else {
            // "Do not share your password with anyone": nothing but auxiliaries from the clause's start.
            let first = before.split(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty());
            let all_auxiliaries = words_back(before).all(|w| Grammar::has(&self.auxiliaries, w));
            return (opens_clause
                && !passive
                && all_auxiliaries
                && first.is_some_and(|w| Grammar::has(&self.imperative_openers, w)))
            .then_some(Actor::Customer);
        };
        // In the passive the word before is what is done to, not who does it: "information about
        // *children* is never shared".
        if passive {
            return None;
        }
        if Grammar::has(&self.customer, subject) {
            Some(Actor::Customer)
        } else if Grammar::has(&self.other_subjects, subject) {
            Some(Actor::Other)
        } else {
            None
        }
    }

    /// The subject of the clause that ends at the practice word, for a language whose subject may follow
    /// the verb or an object (`clause_subjects`, German): between the clause's last comma, colon or
    /// semicolon and the practice word, the first `clause_subjects` pronoun ("Ihre Daten geben *wir*
    /// weiter", "Bitte geben *Sie* …"), or the head noun of the noun phrase that opens it ("*Unsere
    /// Partner* dürfen …", "dass *Kinder* …"). That head is its first capitalised word past articles,
    /// possessives and subordinators: such languages (German) capitalise their nouns and not the
    /// adjectives and attributes before them ("die von uns beauftragten *Dienstleister*"). `Some(None)`
    /// is the company; `None` when no subject was found (a passive, a noun phrase alone).
    fn clause_subject(&self, before: &str) -> Option<Option<Actor>> {
        if self.clause_subjects.is_empty() {
            return None;
        }
        let clause = &before[before.rfind([',', ';', ':']).map_or(0, |at| at + 1)..];
        let leading = |w: &str| {
            [
                &self.determiners,
                &self.pointers,
                &self.quantifiers,
                &self.recipient_modifiers,
                &self.customer_possessive,
                &self.condition_openers,
                &self.relative_pronouns,
            ]
            .iter()
            .any(|list| Grammar::has(list, w))
        };
        let mut opening = true;
        for (i, w) in clause
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .enumerate()
        {
            // An opening noun phrase may hold a pronoun that is no subject: "die von *uns* beauftragten
            // Dienstleister".
            if Grammar::has(&self.clause_subjects, w) {
                if Grammar::has(&self.first_person, w) {
                    return Some(None);
                }
                if Grammar::has(&self.customer, w) {
                    return Some(Some(Actor::Customer));
                }
            }
            if (opening || Grammar::has(&self.clause_subjects, w)) && Grammar::has(&self.other_subjects, w) {
                return Some(Some(Actor::Other));
            }
            // The head noun ends the opening phrase; a sentence's first word is capitalised whatever it is.
            let head = i > 0 && w.starts_with(char::is_uppercase);
            opening &= leading(w) || (!head && i > 0);
        }
        None
    }

    /// The first "to/with + noun phrase" in `range` of `text` ("to the wrong people"), up to four words
    /// after the determiner and before punctuation; "to the extent" is not a recipient.
    pub(super) fn unrecognised_recipient(&self, text: &str, range: Range<usize>) -> Option<Phrase> {
        let spans: Vec<Range<usize>> = words(&text[range.clone()])
            .take(RECIPIENT_WORDS)
            .map(|r| range.start + r.start..range.start + r.end)
            .collect();
        let word = |i: usize| &text[spans[i].clone()];
        // A capitalised name is a named organisation ("shared with NARA", "submitted to PayPal"): a
        // specific recipient, not everyone.
        let named = |w: &str| w.starts_with(|c: char| c.is_uppercase()) && !self.is_function_word(w);
        let at = (0..spans.len().saturating_sub(1)).find(|&i| {
            let determiner = Grammar::has(&self.determiners, word(i + 1));
            Grammar::has(&self.recipient_prepositions, word(i))
                && ((determiner && i + 2 < spans.len() && !Grammar::has(&self.not_recipients, word(i + 2)))
                    || Grammar::has(&self.generic_recipients, word(i + 1))
                    || named(word(i + 1)))
        })?;
        let mut end = (at + 2).min(spans.len() - 1);
        while end + 1 < spans.len().min(at + 6) && text[spans[end].end..spans[end + 1].start].trim().is_empty() {
            end += 1;
        }
        let (start, stop) = (spans[at].start, spans[end].end);
        Some(Phrase {
            text: text[start..stop].to_string(),
            start,
            end: stop,
        })
    }
}
