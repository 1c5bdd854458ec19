//! A finding's scope, as the diff compares it: the concepts of its practice (who does what to which
//! data, how identifiable, for whom and why), each read as grading reads it. Two findings with one tag
//! and polarity but another scope say different things: "we share it with our affiliates" and "we share
//! it with third parties for their own direct marketing" are both sharing, and the change between them is
//! the one a CI job most needs to see.

use serde::{Deserialize, Serialize};

use crate::analysis::ontology::{Actor, Dimension, Ontology, Practice};
use crate::analysis::tag::Tag;

/// One concept of a scope, with the words that named it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScopeTerm {
    /// The concept as grading reads it ("disclose" for "share", "aggregated" for "anonymised").
    pub concept: String,
    /// The words, as the clause has them ("our affiliates").
    pub text: String,
}

/// The concepts of a finding's practice, per dimension, in concept order; each concept once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scope {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ScopeTerm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiability: Vec<ScopeTerm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<ScopeTerm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<ScopeTerm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<ScopeTerm>,
    /// Who does it, when not the company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Actor>,
}

impl Scope {
    /// The scope of a practice. Terms found in an earlier sentence ("this data") are left out: they
    /// belong to that sentence, whose own findings show a change in them.
    pub fn of(practice: &Practice, ontology: &Ontology) -> Scope {
        let read = |dimension: Dimension| -> Vec<ScopeTerm> {
            let mut out: Vec<ScopeTerm> = Vec::new();
            for term in practice.of(dimension).iter().filter(|t| !t.antecedent) {
                let concept = match ontology.concept(&term.concept) {
                    Some(c) => ontology.concepts[ontology.graded(c)].id.clone(),
                    None => term.concept.clone(),
                };
                if !out.iter().any(|t| t.concept == concept) {
                    out.push(ScopeTerm {
                        concept,
                        text: term.text.clone(),
                    });
                }
            }
            out.sort_by(|a, b| a.concept.cmp(&b.concept));
            out
        };
        Scope {
            actions: read(Dimension::Action),
            identifiability: read(Dimension::Identifiability),
            data: read(Dimension::Data),
            recipients: read(Dimension::Recipient),
            purposes: read(Dimension::Purpose),
            actor: practice.actor,
        }
    }

    fn dimensions(&self) -> [(&'static str, &[ScopeTerm]); 5] {
        [
            ("actions", &self.actions),
            ("identifiability", &self.identifiability),
            ("data", &self.data),
            ("recipients", &self.recipients),
            ("purposes", &self.purposes),
        ]
    }

    /// Whether two findings of `tag` have the same scope: they name the same concepts, whatever their
    /// words ([`Scope::key_for`]).
    pub fn same_for(&self, tag: Tag, other: &Scope) -> bool {
        self.key_for(tag) == other.key_for(tag)
    }

    /// What [`Scope::same_for`] compares, as a key. Purposes are left out: a purpose is read from free
    /// phrasing ("to improve the service") that a typo or a reflow breaks, so a purpose alone would raise
    /// alarms a reader finds empty; it is shown when another part changed. An opt-out's scope is the data
    /// it covers: the parties around it ("opt out of *our partners'* targeted advertising", "of *our
    /// interest-based advertising partners'*") are how a sentence describes the choice, not what it lets
    /// you refuse.
    pub fn key_for(&self, tag: Tag) -> String {
        let dimensions: &[&str] = match tag {
            Tag::OptOut => &["data"],
            _ => &["actions", "identifiability", "data", "recipients"],
        };
        let mut key = format!("{:?}", self.actor);
        for (name, terms) in self.dimensions().iter().filter(|(name, _)| dimensions.contains(name)) {
            key.push_str(&format!(" {name}="));
            for t in terms.iter() {
                key.push_str(&t.concept);
                key.push(',');
            }
        }
        key
    }

    /// The practice in a few words: "sell location → advertisers (for marketing)"; the actor when not
    /// the company ("by the customer"). Empty when nothing was read.
    pub fn summary(&self) -> String {
        let ids = |terms: &[ScopeTerm]| terms.iter().map(|t| t.concept.as_str()).collect::<Vec<_>>().join(", ");
        let mut out: Vec<String> = [&self.actions, &self.identifiability, &self.data]
            .iter()
            .filter(|t| !t.is_empty())
            .map(|t| ids(t))
            .collect();
        if !self.recipients.is_empty() {
            out.push(format!("→ {}", ids(&self.recipients)));
        }
        if !self.purposes.is_empty() {
            out.push(format!("(for {})", ids(&self.purposes)));
        }
        match self.actor {
            Some(Actor::Customer) => out.push("by the customer".into()),
            Some(Actor::Other) => out.push("by another party".into()),
            None => {}
        }
        out.join(" ")
    }

    /// What differs from `old` to `self`, dimension by dimension: "recipients group-companies ("our
    /// affiliates") → third-parties ("third parties"); purposes + marketing ("direct marketing")".
    pub fn changes_from(&self, old: &Scope) -> Vec<String> {
        let mut out = Vec::new();
        let list = |terms: &[&ScopeTerm]| {
            terms
                .iter()
                .map(|t| format!("{} (\"{}\")", t.concept, t.text))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for ((name, old), (_, new)) in old.dimensions().iter().zip(self.dimensions().iter()) {
            let gone: Vec<&ScopeTerm> = old
                .iter()
                .filter(|t| !new.iter().any(|n| n.concept == t.concept))
                .collect();
            let came: Vec<&ScopeTerm> = new
                .iter()
                .filter(|t| !old.iter().any(|o| o.concept == t.concept))
                .collect();
            match (gone.is_empty(), came.is_empty()) {
                (true, true) => {}
                (false, false) => out.push(format!("{name} {} → {}", list(&gone), list(&came))),
                (true, false) => out.push(format!("{name} + {}", list(&came))),
                (false, true) => out.push(format!("{name} − {}", list(&gone))),
            }
        }
        if old.actor != self.actor {
            let who = |a: Option<Actor>| match a {
                None => "the company",
                Some(Actor::Customer) => "the customer",
                Some(Actor::Other) => "another party",
            };
            out.push(format!("by {} → {}", who(old.actor), who(self.actor)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(concept: &str, text: &str) -> ScopeTerm {
        ScopeTerm {
            concept: concept.into(),
            text: text.into(),
        }
    }

    #[test]
    fn scopes_compare_by_concept_not_by_words() {
        let a = Scope {
            recipients: vec![term("group-companies", "our affiliates")],
            ..Scope::default()
        };
        let b = Scope {
            recipients: vec![term("group-companies", "companies in our group")],
            ..Scope::default()
        };
        assert!(a.same_for(Tag::ThirdPartySharing, &b));
        let c = Scope {
            recipients: vec![term("third-parties", "third parties")],
            purposes: vec![term("marketing", "their own direct marketing")],
            ..Scope::default()
        };
        assert!(!a.same_for(Tag::ThirdPartySharing, &c));
        let with_purpose = Scope {
            purposes: vec![term("service", "to improve the service")],
            ..a.clone()
        };
        assert!(
            a.same_for(Tag::ThirdPartySharing, &with_purpose),
            "a purpose alone is no change in scope"
        );
        assert_eq!(
            c.changes_from(&a),
            [
                "recipients group-companies (\"our affiliates\") → third-parties (\"third parties\")",
                "purposes + marketing (\"their own direct marketing\")"
            ]
        );
    }

    #[test]
    fn a_summary_says_the_practice_in_a_few_words() {
        let s = Scope {
            actions: vec![term("sell", "sell")],
            data: vec![term("location", "location data")],
            recipients: vec![term("advertisers", "advertisers")],
            purposes: vec![term("marketing", "for marketing")],
            ..Scope::default()
        };
        assert_eq!(s.summary(), "sell location → advertisers (for marketing)");
        assert_eq!(Scope::default().summary(), "");
    }

    #[test]
    fn an_opt_out_is_scoped_by_the_data_it_covers() {
        let partners = Scope {
            recipients: vec![term("business-partners", "partners")],
            ..Scope::default()
        };
        let advertisers = Scope {
            recipients: vec![term("advertisers", "advertising partners")],
            ..Scope::default()
        };
        assert!(partners.same_for(Tag::OptOut, &advertisers));
        assert!(!partners.same_for(Tag::ThirdPartySharing, &advertisers));
        let location = Scope {
            data: vec![term("location", "location data")],
            ..partners.clone()
        };
        assert!(!partners.same_for(Tag::OptOut, &location));
    }

    #[test]
    fn the_actor_is_part_of_the_scope() {
        let a = Scope::default();
        let b = Scope {
            actor: Some(Actor::Customer),
            ..Scope::default()
        };
        assert!(!a.same_for(Tag::Location, &b));
        assert_eq!(b.changes_from(&a), ["by the company → the customer"]);
    }
}
