//! Which rules read which language: a [`RuleSet`] built from the default English rules reads a German
//! or French text with its files plus that language's pack, built the first time such a text comes.

use std::sync::{Arc, OnceLock};

use crate::analysis::language::Language;
use crate::base::error::Result;

use super::{LANGUAGE_PACKS, RuleSet, RulesFile};

/// How a rule set chooses the rules for a text.
#[derive(Debug, Clone)]
pub(crate) struct Languages {
    /// The files the set was loaded from: a language's set is these and its pack.
    files: Vec<RulesFile>,
    /// Whether every text is read with the set itself, whatever its language: the set was built for
    /// one (`--lang`, a language's own set) or from the user's rules alone (`--replace-rules`).
    fixed: bool,
    /// Each pack's set, once built, by its index in [`LANGUAGE_PACKS`].
    sets: Arc<[OnceLock<Option<RuleSet>>]>,
}

/// Which rules read a language.
pub enum Reader<'r> {
    Rules(&'r RuleSet),
    /// orgcheck has no rules for the language: nothing is read.
    None,
}

impl Languages {
    pub(crate) fn new(files: &[RulesFile]) -> Languages {
        Languages {
            files: files.to_vec(),
            fixed: false,
            sets: LANGUAGE_PACKS.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    pub(crate) fn fixed() -> Languages {
        Languages {
            files: Vec::new(),
            fixed: true,
            sets: Arc::from([]),
        }
    }
}

impl RuleSet {
    /// This set, reading every text with itself whatever its language (`--lang`).
    pub fn fixed(mut self) -> RuleSet {
        self.languages = Languages::fixed();
        self
    }

    /// Whether every text is read with this set, whatever its language.
    pub fn is_fixed(&self) -> bool {
        self.languages.fixed
    }

    /// The rules that read `language` (`None`: unknown, read as the default's English).
    pub fn reader(&self, language: Option<Language>) -> Reader<'_> {
        let Some(language) = language.filter(|_| !self.languages.fixed) else {
            return Reader::Rules(self);
        };
        if language == Language::english() {
            return Reader::Rules(self);
        }
        let Some(file) = language.rules_file() else {
            return Reader::None;
        };
        let Some(at) = LANGUAGE_PACKS.iter().position(|p| p.name == file) else {
            return Reader::None;
        };
        let set = self.languages.sets[at].get_or_init(|| self.language_set(at).ok());
        match set {
            Some(set) => Reader::Rules(set),
            // The defaults and each pack load together (a unit test holds them to it); a user's
            // `--rules` file that clashes with a pack was refused when the rules were loaded.
            None => Reader::Rules(self),
        }
    }

    fn language_set(&self, at: usize) -> Result<RuleSet> {
        let pack = &LANGUAGE_PACKS[at];
        let mut files = self.languages.files.clone();
        files.push(RulesFile::new(pack.name, pack.source));
        Ok(RuleSet::load(&files)?.fixed())
    }

    /// Builds every language's set now, so that a clash between the user's rules and a pack is
    /// reported when the rules are loaded rather than met half-way through a run.
    pub(crate) fn check_languages(&self) -> Result<()> {
        if self.languages.fixed {
            return Ok(());
        }
        for (at, cell) in self.languages.sets.iter().enumerate() {
            if cell.get().is_none() {
                let set = self.language_set(at)?;
                let _ = cell.set(Some(set));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_read_english_and_build_each_pack_once() {
        let rules = RuleSet::default_rules().unwrap();
        assert!(matches!(rules.reader(Some(Language::english())), Reader::Rules(r) if std::ptr::eq(r, &rules)));
        assert!(matches!(rules.reader(None), Reader::Rules(r) if std::ptr::eq(r, &rules)));
        let de = Language::from_code("de").unwrap();
        let first = match rules.reader(Some(de)) {
            Reader::Rules(r) => r as *const RuleSet,
            Reader::None => panic!("German has rules"),
        };
        assert!(!std::ptr::eq(first, &rules));
        assert!(matches!(rules.reader(Some(de)), Reader::Rules(r) if std::ptr::eq(r, first)));
        assert!(matches!(rules.reader(Language::from_code("nl")), Reader::None));
        rules.check_languages().unwrap();
    }

    #[test]
    fn every_language_with_rules_names_an_embedded_pack() {
        for language in Language::all() {
            if let Some(file) = language.rules_file() {
                assert!(LANGUAGE_PACKS.iter().any(|p| p.name == file), "{language}: {file}");
            }
        }
    }

    #[test]
    fn a_fixed_set_reads_every_language_itself() {
        let rules = RuleSet::default_rules().unwrap().fixed();
        assert!(matches!(rules.reader(Language::from_code("it")), Reader::Rules(r) if std::ptr::eq(r, &rules)));
    }
}
