//! The lexicon: negation cues (`[[negation]]`) and exception classes (`[[exception]]`) as compiled,
//! with the lookups polarity needs for every word of a clause.

use std::fmt;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::analysis::pattern::regex_message;
use crate::base::error::{Error, Location, Problem, Result};

/// What a negation cue does; see docs/rules.md, "Polarity".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CueKind {
    /// Denies the practice word it precedes, through filler: "we do *not* share", "*at no time* will we".
    Pre,
    /// Denies every practice word after it up to the end of its scope: "*none of* your details are ever
    /// sold", "*under no circumstances* will the data be sold".
    Forward,
    /// Right after the practice word, denies it by denying its object: "we share *no* data".
    Object,
    /// After the practice, denies it: "selling your data *is prohibited*", "an opt-out *is not available*".
    Post,
    /// Looks like a negation and negates nothing: "*not only*", "*not limited to*", "*no later than*".
    Pseudo,
    /// Words a denial reaches through: auxiliaries' neighbours, adverbs, verbs of a list, frames such as
    /// "in the business of".
    Filler,
    /// Filler that cannot continue a list: "identifiable, and *may* be shared" ends the list there.
    Auxiliary,
    /// Ends a negation's scope: "which", "while".
    Terminator,
    /// Starts a new clause (", and we"): ends a negation's scope, and rule patterns do not cross it.
    Clause,
    /// Ends a negation's scope and starts an exception to the denial: "except", "unless", "without your
    /// consent". The denial stands; the exception is reported with it.
    Exception,
    /// Cuts the clause: negation, exceptions and rule patterns never cross it ("but", "however", ";").
    Break,
}

impl CueKind {
    pub const ALL: [CueKind; 11] = [
        CueKind::Pre,
        CueKind::Forward,
        CueKind::Object,
        CueKind::Post,
        CueKind::Pseudo,
        CueKind::Filler,
        CueKind::Auxiliary,
        CueKind::Terminator,
        CueKind::Clause,
        CueKind::Exception,
        CueKind::Break,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CueKind::Pre => "pre",
            CueKind::Forward => "forward",
            CueKind::Object => "object",
            CueKind::Post => "post",
            CueKind::Pseudo => "pseudo",
            CueKind::Filler => "filler",
            CueKind::Auxiliary => "auxiliary",
            CueKind::Terminator => "terminator",
            CueKind::Clause => "clause",
            CueKind::Exception => "exception",
            CueKind::Break => "break",
        }
    }

    /// The kinds whose phrases mark a clause's words, in the order the marks are applied: a later kind
    /// overrides an earlier one where both match ("not limited to" is pseudo although "not" is a negator,
    /// "without your consent" an exception although "without" is one).
    pub const MARK_ORDER: [CueKind; 9] = [
        CueKind::Filler,
        CueKind::Auxiliary,
        CueKind::Pre,
        CueKind::Forward,
        CueKind::Terminator,
        CueKind::Clause,
        CueKind::Exception,
        CueKind::Break,
        CueKind::Pseudo,
    ];

    /// Kinds whose patterns are matched right after a practice word rather than over the clause.
    pub fn is_anchored(self) -> bool {
        matches!(self, CueKind::Object | CueKind::Post)
    }
}

/// One negation cue as declared in a rules file (`[[negation]]`).
#[derive(Debug, Clone)]
pub struct Cue {
    pub id: String,
    pub kind: CueKind,
    pub description: String,
    /// Single words, matched case-insensitively against whole tokens; `*ly` matches words ending in "ly"
    /// and `n'*` words starting with "n'", each with a stem of at least three letters.
    pub words: Vec<String>,
    pub patterns: Vec<Regex>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    pub origin: String,
}

/// What an exception to a denial lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExceptionKind {
    /// Processors, contractors and suppliers acting on the company's behalf.
    ServiceProviders,
    /// Affiliates, subsidiaries and other companies of the same group.
    GroupCompanies,
    /// What the law, a court or an authority requires.
    Legal,
    /// What the law permits, which is more than it requires: "where we are *permitted* to do so by law".
    Lawful,
    /// Preventing or detecting fraud and crime, and the identity and credit checks that serve it.
    CrimePrevention,
    /// What the customer agrees to or asks for.
    Consent,
    /// A buyer or successor in a merger, acquisition or sale of the business.
    BusinessTransfer,
    /// Anything else ("except as described in this policy").
    Other,
}

impl ExceptionKind {
    pub const ALL: [ExceptionKind; 8] = [
        ExceptionKind::ServiceProviders,
        ExceptionKind::GroupCompanies,
        ExceptionKind::Legal,
        ExceptionKind::Lawful,
        ExceptionKind::CrimePrevention,
        ExceptionKind::Consent,
        ExceptionKind::BusinessTransfer,
        ExceptionKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionKind::ServiceProviders => "service-providers",
            ExceptionKind::GroupCompanies => "group-companies",
            ExceptionKind::Legal => "legal",
            ExceptionKind::Lawful => "lawful",
            ExceptionKind::CrimePrevention => "crime-prevention",
            ExceptionKind::Consent => "consent",
            ExceptionKind::BusinessTransfer => "business-transfer",
            ExceptionKind::Other => "other",
        }
    }
}

impl ExceptionKind {
    /// Whether a denial's exception of this kind lets through a practice of kind `practice`. What the
    /// law permits takes in what it requires and the prevention of fraud and crime, which it permits
    /// without requiring ("where we are required or permitted to do so by law" against "details may be
    /// passed to fraud prevention agencies"); "unless the law requires it" does not reach as far.
    pub fn covers(self, practice: ExceptionKind) -> bool {
        self == practice
            || (self == ExceptionKind::Lawful
                && matches!(practice, ExceptionKind::Legal | ExceptionKind::CrimePrevention))
    }
}

impl fmt::Display for ExceptionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an exception's words are classified (`[[exception]]`).
#[derive(Debug, Clone)]
pub struct ExceptionRule {
    pub id: String,
    pub kind: ExceptionKind,
    pub description: String,
    pub patterns: Vec<Regex>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    pub origin: String,
}

/// The negation cues and exception classes of all loaded files, with the lookups the tagger needs.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub cues: Vec<Cue>,
    pub exceptions: Vec<ExceptionRule>,
    /// Whole-word cues: the lower-cased word and the index of its cue.
    /// Fx-hashed: looked up for every word of every clause with a finding, and its keys are the rules'.
    pub(crate) words: rustc_hash::FxHashMap<String, usize>,
    /// `*suffix` and `prefix*` cues.
    pub(crate) suffixes: Vec<(String, usize)>,
    pub(crate) prefixes: Vec<(String, usize)>,
    /// The phrase cues matched over a whole clause (all kinds but `object` and `post`), in the order
    /// their marks are applied, as (cue index, pattern).
    pub(crate) phrases: Vec<(usize, Regex)>,
    /// All of `phrases` at once: one pass over a clause says which of them can match at all.
    pub(crate) phrase_set: regex::RegexSet,
}

impl Lexicon {
    /// The exception kinds whose patterns match `text`, in order; empty when none does.
    pub fn exception_kinds(&self, text: &str) -> Vec<ExceptionKind> {
        let mut kinds: Vec<ExceptionKind> = self
            .exceptions
            .iter()
            .filter(|e| e.patterns.iter().any(|re| re.is_match(text)))
            .map(|e| e.kind)
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// The cue a token (already lower-cased, `’` as `'`) is, if any.
    pub(crate) fn word(&self, token: &str) -> Option<usize> {
        // An affix needs a stem of three bytes or more: "*ly" is "currently" but not "only".
        let long_enough = |affix: &str| token.len() >= affix.len() + 3;
        self.words.get(token).copied().or_else(|| {
            let suffix = self
                .suffixes
                .iter()
                .find(|(s, _)| long_enough(s) && token.ends_with(s.as_str()));
            let prefix = || {
                self.prefixes
                    .iter()
                    .find(|(p, _)| long_enough(p) && token.starts_with(p.as_str()))
            };
            suffix.or_else(prefix).map(|&(_, i)| i)
        })
    }
}

impl Lexicon {
    /// Indexes the cues' words. A word given by two cues is an error: its meaning would depend on
    /// which file was loaded first.
    pub(super) fn new(cues: Vec<Cue>, exceptions: Vec<ExceptionRule>) -> Result<Lexicon> {
        let mut words: rustc_hash::FxHashMap<String, usize> = Default::default();
        let (mut suffixes, mut prefixes) = (Vec::new(), Vec::new());
        let mut problems = Vec::new();
        for (i, cue) in cues.iter().enumerate() {
            for w in &cue.words {
                if let Some(suffix) = w.strip_prefix('*') {
                    suffixes.push((suffix.to_string(), i));
                } else if let Some(prefix) = w.strip_suffix('*') {
                    prefixes.push((prefix.to_string(), i));
                } else if let Some(&other) = words.get(w) {
                    problems.push(Problem {
                        location: Location::file(cue.origin.clone()).with_field("words"),
                        message: format!(
                            "the word `{w}` is in negation cue `{}` and in `{}` ({}); keep it in one",
                            cue.id, cues[other].id, cues[other].origin
                        ),
                    });
                } else {
                    words.insert(w.clone(), i);
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let mut phrases: Vec<(usize, Regex)> = Vec::new();
        for kind in CueKind::MARK_ORDER {
            for (i, cue) in cues.iter().enumerate().filter(|(_, c)| c.kind == kind) {
                phrases.extend(cue.patterns.iter().map(|re| (i, re.clone())));
            }
        }
        let phrase_set = regex::RegexSetBuilder::new(phrases.iter().map(|(_, re)| re.as_str()))
            .case_insensitive(true)
            .build()
            .map_err(|e| Error::invalid(Location::file("negation cues"), regex_message(&e).to_string()))?;
        Ok(Lexicon {
            cues,
            exceptions,
            words,
            suffixes,
            prefixes,
            phrases,
            phrase_set,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ExceptionKind::*;

    #[test]
    fn what_the_law_permits_reaches_further_than_what_it_requires() {
        assert!(Lawful.covers(Legal));
        assert!(Lawful.covers(CrimePrevention));
        assert!(Lawful.covers(Lawful));
        assert!(!Legal.covers(CrimePrevention));
        assert!(!Legal.covers(Lawful));
        assert!(!Lawful.covers(Consent));
        assert!(Consent.covers(Consent));
    }
}
