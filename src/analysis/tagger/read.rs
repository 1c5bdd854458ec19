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
            // A part without hits has no findings, and its definitions would name nothing.
            if let Some(rules) = part.rules.filter(|_| part.tagged.iter().any(|t| !t.hits.is_empty())) {
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
    use crate::analysis::ontology::Actor;
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
    fn a_dutch_text_is_not_read_and_says_so() {
        let rules = RuleSet::default_rules().unwrap();
        let text = "Wij verkopen uw persoonsgegevens niet aan derden en delen ze niet met onze partners.";
        let reading = rules.read(text);
        assert_eq!(reading.language.map(Language::code), Some("nl"));
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

    // Who acts, in German, French and Spanish: the reading of src/analysis/ontology/phrases.rs with each pack's
    // grammar words.

    /// Asserts that every sharing finding of `text`, read in its own language, is `actor`'s (`None`: the
    /// company's), and that there is one.
    fn acts(rules: &RuleSet, text: &str, actor: Option<Actor>) {
        let found: Vec<(Option<Actor>, Polarity)> = (rules.read(text).into_findings().into_iter())
            .filter(|f| f.tag == Tag::ThirdPartySharing)
            .map(|f| (f.practice.actor, f.polarity))
            .collect();
        assert!(
            !found.is_empty() && found.iter().all(|f| f.0 == actor),
            "{text}: {found:?}"
        );
    }

    #[test]
    fn who_acts_in_german_is_read_wherever_the_subject_stands() {
        let rules = RuleSet::default_rules().unwrap();
        for text in [
            "Wir geben Ihre Daten nicht an Dritte weiter.",
            "Ihre Bestelldaten geben wir an den beauftragten Versanddienstleister weiter.",
            "Die Daten unserer Nutzer geben wir grundsätzlich nicht an Dritte weiter.",
            "Sofern Sie eingewilligt haben, übermitteln wir Ihre Standortdaten an unsere Werbepartner.",
            "Ihre personenbezogenen Daten werden nicht an Dritte verkauft.",
        ] {
            acts(&rules, text, None);
        }
        // The subject noun opens the clause, past articles, possessives and attributes.
        for text in [
            "Unsere Partner dürfen Ihre Daten nicht an Dritte verkaufen.",
            "Die von uns eingesetzten Dienstleister dürfen Ihre Daten nicht an Dritte weitergeben.",
            "Kinder können Fotos und Informationen an andere Dritte weitergeben.",
        ] {
            acts(&rules, text, Some(Actor::Other));
        }
        // "Sie" after the verb is an instruction to the reader; "wenn Sie nicht möchten", their choice.
        for text in [
            "Bitte geben Sie Ihr Passwort niemals an Dritte weiter.",
            "Geben Sie Ihre Zugangsdaten nicht an Dritte weiter.",
            "Wenn Sie nicht möchten, dass wir Ihre Daten an Partner weitergeben, schreiben Sie uns.",
        ] {
            acts(&rules, text, Some(Actor::Customer));
        }
    }

    #[test]
    fn who_acts_in_french_is_read_before_the_verb() {
        let rules = RuleSet::default_rules().unwrap();
        for text in [
            "Nous ne vendons pas vos données à des tiers.",
            "Vos données ne sont jamais transmises à des tiers.",
            "Orange ne communique pas vos données de localisation à des annonceurs.",
        ] {
            acts(&rules, text, None);
        }
        for text in [
            "Les enfants peuvent partager des informations avec d'autres utilisateurs.",
            "Les annonceurs peuvent partager ces données avec leurs propres partenaires.",
        ] {
            acts(&rules, text, Some(Actor::Other));
        }
        acts(
            &rules,
            "Veuillez ne pas communiquer vos données bancaires à des tiers.",
            Some(Actor::Customer),
        );
    }

    #[test]
    fn who_acts_in_spanish_and_italian_is_read_before_the_verb_or_from_its_ending() {
        let rules = RuleSet::default_rules().unwrap();
        // (the company's: no subject pronoun, the verb's ending says who acts; another party's; the
        // reader's)
        let cases = [
            (
                [
                    "No vendemos sus datos personales a terceros.",
                    "Telefónica podrá ceder sus datos a empresas del Grupo para fines comerciales.",
                    "Sus datos de navegación se comparten con redes publicitarias.",
                ],
                [
                    "Los niños pueden compartir información con otros usuarios.",
                    "Nuestros proveedores no están autorizados a vender sus datos.",
                ],
                "Usted es responsable de no compartir sus datos de acceso con terceros.",
            ),
            (
                [
                    "Non vendiamo i suoi dati personali a terzi.",
                    "I suoi dati di navigazione sono condivisi con reti pubblicitarie.",
                    "Possiamo condividere i suoi dati con i nostri partner commerciali.",
                ],
                [
                    "I bambini possono condividere informazioni con altri utenti.",
                    "I nostri fornitori non sono autorizzati a vendere i suoi dati.",
                ],
                "Lei è responsabile di non comunicare i suoi dati di accesso a terzi.",
            ),
        ];
        for (company, others, reader) in cases {
            for text in company {
                acts(&rules, text, None);
            }
            for text in others {
                acts(&rules, text, Some(Actor::Other));
            }
            acts(&rules, reader, Some(Actor::Customer));
        }
    }

    #[test]
    fn a_prohibition_in_french_denies_another_partys_practice() {
        let rules = RuleSet::default_rules().unwrap();
        for text in [
            "Nos partenaires ne sont pas autorisés à vendre vos données à des tiers.",
            "Il est interdit à nos prestataires de transmettre vos données à des tiers.",
            "Nos sous-traitants ne sont pas habilités à communiquer vos données.",
        ] {
            acts(&rules, text, Some(Actor::Other));
            let polarities: Vec<Polarity> = (rules.read(text).into_findings().into_iter())
                .filter(|f| f.tag == Tag::ThirdPartySharing)
                .map(|f| f.polarity)
                .collect();
            assert!(
                polarities.iter().all(|&p| p == Polarity::Negative),
                "{text}: {polarities:?}"
            );
        }
    }

    #[test]
    fn disclaimers_in_german_and_french_state_no_practice() {
        let rules = RuleSet::default_rules().unwrap();
        let sharing = |text: &str| {
            (rules.read(text).into_findings().into_iter())
                .filter(|f| f.tag == Tag::ThirdPartySharing)
                .count()
        };
        for text in [
            "Wir können nicht garantieren, dass Ihre Daten niemals an Dritte weitergegeben werden.",
            "Wir können nicht ausschließen, dass Daten bei der Übertragung an Dritte gelangen oder an Dritte weitergegeben werden.",
            "Nous ne pouvons pas garantir que vos données ne seront jamais communiquées à des tiers.",
            "Il n'existe aucune garantie que vos données ne seront pas transmises à des tiers.",
        ] {
            assert_eq!(sharing(text), 0, "{text}");
        }
        // Without the disclaimer, the same denial stands.
        acts(&rules, "Ihre Daten werden niemals an Dritte weitergegeben.", None);
    }
}
