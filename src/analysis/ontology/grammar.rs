//! The small words a practice is read by: which words come before a verb, which stand between a
//! subject and its verb, which point back to data already named, which lead a recipient. They are
//! data, the `[grammar]` table of `rules/ontology.toml`, so that a language pack (`--lang`) or a
//! `--rules` file can give its own language's words beside them. Lists from several files are joined;
//! a list no file gives is the default one.

use serde::Deserialize;
use toml::Spanned;

use crate::base::error::{Location, Problem, line_of};

/// What a list holds, for its validation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// One word: letters and digits only, as the words of a text are split.
    Word,
    /// Words as they are written in a text, spaces and apostrophes included, found anywhere in the
    /// words they are looked for in.
    Phrase,
}

macro_rules! grammar {
    ($($(#[doc = $doc:literal])* $name:ident: $entry:ident,)*) => {
        /// The `[grammar]` table as written.
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct GrammarDef {
            $(#[serde(default)] $name: Option<Vec<Spanned<String>>>,)*
        }

        /// The word lists, lower-cased. Words are matched as whole words of a text, ignoring case;
        /// phrases are found in the lower-cased words before a practice.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Grammar {
            $($(#[doc = $doc])* pub $name: Vec<String>,)*
        }

        impl Grammar {
            /// Each list by its name in the `[grammar]` table.
            pub fn lists(&self) -> Vec<(&'static str, &[String])> {
                vec![$((stringify!($name), self.$name.as_slice()),)*]
            }

            /// Adds the lists of one file's table; a word already listed is not repeated.
            pub(crate) fn add(&mut self, def: GrammarDef, file: &str, source: &str, problems: &mut Vec<Problem>) {
                $(if let Some(list) = def.$name {
                    add(&mut self.$name, list, Entry::$entry, stringify!($name), file, source, problems);
                })*
            }

            /// Drops `words` from every list: English words that mean something else in a pack's language
            /// (Italian "i" is "the", not the first person).
            pub(crate) fn drop_words(&mut self, words: &[String]) {
                $(self.$name.retain(|w| !words.iter().any(|f| f.eq_ignore_ascii_case(w)));)*
            }

            /// Takes `defaults`' list for every list that is still empty.
            pub(crate) fn or(mut self, defaults: &Grammar) -> Grammar {
                $(if self.$name.is_empty() {
                    self.$name = defaults.$name.clone();
                })*
                self
            }
        }
    };
}

grammar! {
    /// Words that come before a verb ("we *may* use", "*to* provide"): an action word after one of them
    /// starts a practice, where one after "our" ("our *sales*") is a noun.
    before_verb: Word,
    /// Words between a subject and its verb: "you *do not* disclose", "you *should never* share".
    auxiliaries: Word,
    /// Phrases that make what follows the customer's doing ("*you are responsible for* keeping … and
    /// not sharing it"), or what the customer may ask for or suppose, not what the company does ("*if
    /// you prefer that* we do not share this information").
    customer_duty: Phrase,
    /// Words that, opening a clause with no subject before the practice, make it an instruction to the
    /// reader: "*Do not* share your password", "*Please* never disclose your PIN".
    imperative_openers: Word,
    /// The customer as a subject: "*you* do not disclose them".
    customer: Word,
    /// The company speaking of itself: "*we* are not permitted to share it".
    first_person: Word,
    /// Words that restrict what a party may do: a practice under one is that party's ("the provider is
    /// not *authorised* to sell it", "partners are *prohibited* from transferring it").
    restrictions: Word,
    /// The customer's own: "*your* profile" is data about the reader, so identifiable.
    customer_possessive: Word,
    /// The reader speaking of their own ("Do not sell *my* personal information", "*Meine* Daten nicht
    /// verkaufen"): a short line without closing punctuation that has one and no subject is a link or a
    /// button in the reader's voice, not the company's statement.
    reader_possessives: Word,
    /// Pronouns that are a clause's subject wherever they stand before the practice word, for a language
    /// that may put a verb or an object first and sets every subordinate clause off by commas (German:
    /// "Ihre Daten geben *wir* nicht weiter", "Bitte geben *Sie* Ihr Passwort nicht weiter"). Each is also
    /// in `first_person`, `customer` or `other_subjects`, which says whose practice it is. English gives
    /// none: its subject stands right before the verb.
    clause_subjects: Word,
    /// Subjects that are another party, not the company: "*they* may not share", "*operators* … may
    /// use", "*children* can share". The word before a passive is never one: it is what is done to.
    other_subjects: Word,
    /// What another party does with a tracking technology on the company's pages: advertisers may
    /// "*place*" cookies, cookies "*set*" by an ad network (sequence rules name it).
    tracking_verbs: Word,
    /// How the company lets another party act: "we *allow* advertisers to place cookies" (sequence rules
    /// name it).
    permitting: Word,
    /// How data reaches other people without being sent, after a passive: "can be *viewed* by other
    /// users", "is *available* to everyone" (sequence rules name it).
    exposed: Word,
    /// Verbs that join data to what it becomes, as "be" does: "your posts *become* available to
    /// everyone" (sequence rules name it).
    copulas: Word,
    /// Forms of "be" (and "get") that make a participle after them passive: data "*is* shared", "*may be*
    /// provided", "*gets* passed on".
    passive: Word,
    /// Prepositions that lead a recipient: "*to* the wrong people", "*with* companies that advertise".
    recipient_prepositions: Word,
    /// Words that start a noun phrase after such a preposition ("to *the* wrong people"); "to provide"
    /// is a verb, "to you" the data subject.
    determiners: Word,
    /// Nouns after a preposition that are not a recipient however they continue: "to *the extent* the
    /// law allows".
    not_recipients: Word,
    /// Words that make a plain noun of `generic_recipients` another organisation: "*other reputable*
    /// companies", "*that* business", "*carefully screened* companies". An article or "our" alone does not:
    /// "the Company" is how many policies name themselves.
    recipient_qualifiers: Word,
    /// Plain nouns for a recipient that only a following description makes specific: "with
    /// *companies* that advertise on our websites".
    generic_recipients: Word,
    /// Words that may stand between "to" or "with" and a recipient, besides the determiners: "to *our
    /// reputable* partners", "with *participating* dealers", "to *both* the site and".
    recipient_modifiers: Word,
    /// Words that deny what follows them: "*not* personally identify you", "*cannot* be linked back".
    denying: Word,
    /// Words that open a yes/no question ("*Do* we sell your data?", "*Will* my details be shared?"): such
    /// a question states no practice; its answer does. A wh-question ("How do we share it?") takes the
    /// practice for granted and keeps its findings.
    question_openers: Word,
    /// A whole answer that denies the question before it: "*No.*", "*Never.*".
    no_answers: Word,
    /// A whole answer that confirms it: "*Yes*, with our partners."
    yes_answers: Word,
    /// Where data is moved or kept rather than to whom it goes: "transferred *to servers* in the US",
    /// "stored in *other countries*" (a move is not a disclosure to a recipient).
    places: Phrase,
    /// Words that make a disclosure or an access a failure or a crime, not a practice: "*unauthorised*
    /// access, disclosure or modification", "*hackers* could gain access".
    security_failures: Word,
    /// Words that open a relative clause after a noun: "the information *that* we collect". A subject
    /// right after data, or after one of these after data, is the relative clause's, not a new subject
    /// of the sentence: a sequence's gap runs across the "we" of "share the information we collect with
    /// vendors" but not across the "you" of "provide you with information". After a plain recipient noun
    /// they open the description that makes it a recipient: "to companies *that* provide services".
    relative_pronouns: Word,
    /// Prepositions: a "we" or "you" right after one is its object, not a subject ("information from and
    /// *about you*"), so a sequence's gap runs across it.
    prepositions: Word,
    /// Objects that stand for any data: "we pass *nothing* about you to third parties" (sequence rules
    /// name it).
    indefinite_objects: Word,
    /// What an ad network serves on the company's pages: "the *ads* on this site are delivered by our
    /// advertising partners" (sequence rules name it).
    adverts: Word,
    /// A party coming by data without collecting it: "no third party *gets* your data" (sequence rules
    /// name it).
    getting: Word,
    /// The verb of a split "make … available": "we may *make* your information available to certain
    /// third parties" (sequence rules name it).
    making: Word,
    /// Verbs of taking another party on, the party their object: "we *use* third-party processors", "we
    /// *hire* contractors" (sequence rules name it).
    engaging: Word,
    /// Verbs of working together, the party after "with": "we *work* with analytics providers" (sequence
    /// rules name it).
    working: Word,
    /// What a party is let do to data besides collecting or using it: "allow third parties to *see* your
    /// profile" (sequence rules name it).
    reaching: Word,
    /// Heads after a word for another party that make it describe a thing, not name a recipient: "a
    /// third-party *website*", "externally *linked* sites" (rules' excludes name it).
    described_things: Word,
    /// Words that point back to data or recipients already named: "*this* data", "*such*
    /// information", "*these* third parties".
    pointers: Word,
    /// Words that join two terms into one list: "customer *or* anonymised data", "sell *and* rent".
    conjunctions: Word,
    /// Besides the conjunctions, words that join two action words into one practice: "neither sold
    /// *nor* rented", "sold or *otherwise* disclosed".
    action_joiners: Word,
    /// Words a title leaves in lower case, for telling a heading run into a sentence.
    title_small_words: Word,
    /// Words that open a condition: "*If* you do not enable the service, … we will not collect".
    condition_openers: Word,
    /// Phrases of a clause about the document or the law, not a practice: "this *policy describes* …
    /// when we might disclose", "California *Civil Code* Section 1798.83".
    about_the_document: Phrase,
    /// Phrases by which the company declines to vouch for what follows: "we *cannot guarantee* that your
    /// data will never be disclosed", "there is *no guarantee* that it will not be shared". What follows
    /// in the part is a possibility, not a practice, so it gets no finding.
    disclaimers: Phrase,
    /// Verbs of consenting, whose object may be a practice: "without also *consenting* to its disclosure",
    /// "refuse to *agree* to the sharing".
    consenting: Word,
    /// Words that withhold the consent after them: "*without* having to consent to the disclosure", "you
    /// may *refuse* to consent to its sale". A practice that is the object of withheld consent is a choice
    /// left to someone, not what the company does, so it gets no finding.
    withholding: Word,
    /// Verbs that define a name among a clause's first words: "“Usage Information” *means* information
    /// that does not identify you", "all insights shared *are* anonymised".
    definition_verbs: Word,
    /// Words that quantify a noun phrase rather than name it: "*all* insights shared are anonymised".
    quantifiers: Word,
    /// Nouns for data of any kind: a name made of them alone ("the information") is not one a document
    /// can define, since it would reach every practice.
    general_nouns: Word,
    /// Prepositions that say where a denial's data comes from: "information we collect *in* web beacons",
    /// "addresses you provide *through* the share feature".
    source_prepositions: Word,
    /// Heads of a noun phrase after a source preposition that name no one channel of data: the whole
    /// service ("information we collect through our *website*"), a manner or a case ("in *connection*
    /// with", "in the *aggregate*").
    not_channels: Word,
}

#[allow(clippy::too_many_arguments)]
fn add(
    list: &mut Vec<String>,
    entries: Vec<Spanned<String>>,
    kind: Entry,
    name: &str,
    file: &str,
    source: &str,
    problems: &mut Vec<Problem>,
) {
    for entry in entries {
        let at = || Location::at(file.to_string(), line_of(source, entry.span().start)).with_field(name);
        let text = entry.get_ref().trim().to_lowercase();
        let one_word = text.chars().all(char::is_alphanumeric);
        if text.is_empty() || (kind == Entry::Word && !one_word) {
            problems.push(Problem {
                location: at(),
                message: match kind {
                    Entry::Word => format!(
                        "`{}` is not one word of letters or digits (texts are split into words at any other \
                         character)",
                        entry.get_ref()
                    ),
                    Entry::Phrase => "an empty phrase would be found everywhere".to_string(),
                },
            });
        } else if !list.contains(&text) {
            list.push(text);
        }
    }
}

/// Lists a language may leave empty: they are not taken from the defaults when no file gives a word.
const MAY_BE_EMPTY: &[&str] = &["clause_subjects"];

impl Grammar {
    /// Whether a list is still empty that the defaults must fill.
    pub(crate) fn missing_lists(&self) -> bool {
        self.lists()
            .iter()
            .any(|(name, list)| list.is_empty() && !MAY_BE_EMPTY.contains(name))
    }

    /// Whether `word` is a function word of the grammar (a pointer, determiner, auxiliary, pronoun or
    /// preposition), not a name even when capitalised at the start of a sentence.
    pub(crate) fn is_function_word(&self, word: &str) -> bool {
        [
            &self.pointers,
            &self.determiners,
            &self.auxiliaries,
            &self.before_verb,
            &self.customer,
            &self.customer_possessive,
            &self.other_subjects,
            &self.recipient_prepositions,
            &self.conjunctions,
            &self.recipient_modifiers,
        ]
        .iter()
        .any(|list| Grammar::has(list, word))
    }

    /// Whether `word` is in `list`, ignoring case.
    pub(crate) fn has(list: &[String], word: &str) -> bool {
        list.iter().any(|w| word.eq_ignore_ascii_case(w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(source: &str) -> (Grammar, Vec<Problem>) {
        #[derive(Deserialize)]
        struct File {
            grammar: GrammarDef,
        }
        let file: File = toml::from_str(source).unwrap();
        let (mut grammar, mut problems) = (Grammar::default(), Vec::new());
        grammar.add(file.grammar, "g.toml", source, &mut problems);
        (grammar, problems)
    }

    #[test]
    fn lists_are_joined_lower_cased_and_filled_from_the_defaults() {
        let (mut g, problems) = read("[grammar]\npointers = ['This', 'such']\n");
        assert!(problems.is_empty());
        let (more, _) = read("[grammar]\npointers = ['diese', 'such']\n");
        g.add(
            GrammarDef {
                pointers: Some(more.pointers.into_iter().map(|w| Spanned::new(0..0, w)).collect()),
                ..Default::default()
            },
            "h.toml",
            "",
            &mut Vec::new(),
        );
        assert_eq!(g.pointers, ["this", "such", "diese"]);
        let defaults = Grammar {
            auxiliaries: vec!["do".into()],
            pointers: vec!["that".into()],
            ..Default::default()
        };
        let g = g.or(&defaults);
        assert_eq!(g.auxiliaries, ["do"], "an empty list takes the default");
        assert_eq!(
            g.pointers,
            ["this", "such", "diese"],
            "a given list keeps its own words"
        );
    }

    #[test]
    fn only_the_lists_a_language_may_leave_empty_may_stay_empty() {
        let (g, _) = read("[grammar]\npointers = ['this']\n");
        assert!(g.missing_lists());
        let mut full = Grammar::default();
        for (name, _) in Grammar::default().lists() {
            let def: GrammarDef = toml::from_str(&format!("{name} = ['w']\n")).unwrap();
            full.add(def, "g.toml", "", &mut Vec::new());
        }
        assert!(!full.missing_lists());
        full.clause_subjects.clear();
        assert!(!full.missing_lists(), "English gives no clause_subjects");
        full.pointers.clear();
        assert!(full.missing_lists());
    }

    #[test]
    fn bad_entries_are_named_with_file_line_and_list() {
        let (_, problems) = read("[grammar]\npointers = [\n  'this',\n  'such a',\n]\ncustomer_duty = ['']\n");
        let mut messages: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}", p.location, p.message))
            .collect();
        messages.sort();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with("g.toml:4: field `pointers`: `such a` is not one word"),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("g.toml:6: field `customer_duty`: an empty phrase"),
            "{messages:?}"
        );
        let unknown = toml::from_str::<GrammarDef>("pronouns = ['we']\n")
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("pronouns"), "{unknown}");
    }
}
