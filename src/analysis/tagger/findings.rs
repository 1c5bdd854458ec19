//! Findings from tagged clauses: each hit with its clause, evidence and exceptions, and its practice
//! completed from the text around it (what "this data" points to, the names the text defines).

use super::{Exception, Finding, TaggedClause};
use crate::analysis::ontology::Definitions;
use crate::analysis::rules::RuleSet;

impl RuleSet {
    /// Flat findings for `text`, in text order, each run read in its language ([`RuleSet::read`]).
    pub fn findings(&self, text: &str) -> Vec<Finding> {
        if !self.is_fixed() {
            return self.read(text).into_findings();
        }
        let tagged = self.tag_text(text);
        let definitions = self.definitions(&tagged);
        (0..tagged.len())
            .flat_map(|i| self.to_findings(&tagged, i, &definitions))
            .collect()
    }

    /// The names the tagged clauses of one text define as data that identifies no one
    /// ([`Definitions`]), for [`RuleSet::to_findings`].
    pub fn definitions(&self, tagged: &[TaggedClause<'_>]) -> Definitions {
        self.ontology.definitions(tagged.iter().map(|t| t.clause.text))
    }

    /// Findings of the `i`th tagged clause. The clause before it is where "this data" in a practice
    /// points to when its own words do not say; `definitions` are the text's ([`RuleSet::definitions`]).
    pub fn to_findings(&self, tagged: &[TaggedClause<'_>], i: usize, definitions: &Definitions) -> Vec<Finding> {
        let tc = &tagged[i];
        let base = tc.clause.start;
        let previous = i.checked_sub(1).map(|p| &tagged[p].clause);
        tc.hits
            .iter()
            .map(|h| Finding {
                tag: h.tag,
                polarity: h.polarity,
                rule: self.rules[h.rule].id.clone(),
                clause: tc.clause.text.to_string(),
                start: tc.clause.start,
                end: tc.clause.end,
                char_start: tc.clause.char_start,
                char_end: tc.clause.char_end(),
                evidence: tc.clause.text[h.span.clone()].to_string(),
                cue: h.cue.clone(),
                exceptions: h
                    .exceptions
                    .iter()
                    .map(|e| Exception {
                        kind: e.kind,
                        text: tc.clause.text[e.span.clone()].to_string(),
                        start: base + e.span.start,
                        end: base + e.span.end,
                    })
                    .collect(),
                excepted: h.excepted,
                practice: {
                    let mut practice = h.practice.shifted(base);
                    if let Some(prev) = previous {
                        self.ontology.resolve_antecedent(&mut practice, prev.text, prev.start);
                    }
                    self.ontology
                        .apply_definitions(definitions, &mut practice, tc.clause.text, base);
                    practice
                },
            })
            .collect()
    }
}
