//! What a clause mentions without stating it as a practice: what follows a disclaimer ("we cannot
//! guarantee that your information will never be disclosed") is a possibility the company will not vouch
//! for, and the object of withheld consent ("without also consenting to its disclosure") a choice left
//! to someone else. Neither gets a finding of any polarity.

use std::ops::Range;

use super::select::Candidate;
use crate::analysis::polarity::Scopes;
use crate::analysis::rules::RuleSet;

impl RuleSet {
    /// Drops the candidates of `clause` that its words do not state as a practice.
    pub(super) fn drop_unstated(&self, clause: &str, scopes: &Scopes, candidates: &mut Vec<Candidate>) {
        let mut disclaimers = None;
        candidates.retain(|c| {
            let part = scopes.part(c.trigger.start);
            let before = clause.get(part.start..c.trigger.start.max(part.start)).unwrap_or("");
            !self.ontology.grammar.consent_withheld(before)
                && !self.disclaimed(clause, part, c.trigger.start, &mut disclaimers)
        });
    }

    /// Whether a [`crate::analysis::ontology::Grammar::disclaimers`] phrase stands in `part` of `clause`
    /// before `at`. `found` keeps, for an ASCII clause, where every phrase occurs in it, found once for all
    /// its candidates: lower-casing ASCII keeps offsets, so a phrase in the lower-cased part before `at`
    /// is an occurrence within it. Other clauses lower-case that part itself, as Unicode may change lengths.
    fn disclaimed(&self, clause: &str, part: Range<usize>, at: usize, found: &mut Option<Vec<Range<usize>>>) -> bool {
        let phrases = &self.ontology.grammar.disclaimers;
        let Some(before) = clause.get(part.start..at.max(part.start)) else {
            return false;
        };
        if phrases.is_empty() {
            return false;
        }
        match &self.disclaimer_finder {
            Some(finder) if clause.is_ascii() => {
                let spans =
                    found.get_or_insert_with(|| (finder.find_overlapping_iter(clause)).map(|m| m.range()).collect());
                spans.iter().any(|s| s.start >= part.start && s.end <= at)
            }
            _ => {
                let before = before.to_lowercase();
                phrases.iter().any(|p| before.contains(p.as_str()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use crate::analysis::rules::RuleSet;
    use crate::analysis::tag::{Polarity, Tag};

    static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::default_rules().expect("default rules"));

    fn tags(text: &str) -> Vec<(Tag, Polarity)> {
        let mut v: Vec<_> = RULES.findings(text).into_iter().map(|f| (f.tag, f.polarity)).collect();
        v.sort();
        v.dedup();
        v
    }

    use Polarity::{Negative as N, Positive as P};
    use Tag::ThirdPartySharing as Share;

    #[test]
    fn the_object_of_withheld_consent_is_no_practice() {
        let sharing = |text: &str| tags(text).into_iter().filter(|(t, _)| *t == Share).collect::<Vec<_>>();
        for text in [
            "A parent may agree to the collection and use of a child's information without consenting to its \
             disclosure to third parties.",
            "Parents can allow us to collect their child's details without having to consent to the disclosure \
             of those details to outside companies.",
            "You may refuse to agree to the sale of your personal information to data brokers.",
            "Members can decline to consent to the sharing of their profile with advertisers.",
        ] {
            assert_eq!(sharing(text), [], "{text}");
        }
        // A noun "consent" excepts a denial; consent given is the company's permission; a practice that
        // only follows a refusal is still one.
        for (text, expected) in [
            (
                "We will not share your data with third parties without your consent to such disclosure.",
                N,
            ),
            ("You consent to the disclosure of your data to our partners.", P),
            (
                "If you refuse to consent, we will still share your data with our payment processor.",
                P,
            ),
        ] {
            assert_eq!(sharing(text), [(Share, expected)], "{text}");
        }
    }
}
