//! Practices: who does what to which data, for whom and why, read from the terms of a clause around
//! a finding's practice word. Reading takes named steps ([`Reader`]): the action and the actions joined
//! to it, the other parts, what identifiability the data has, who acts, and a recipient the ontology
//! does not know. The small words each step relies on are the [`Grammar`]'s.

use std::ops::Range;

use serde::Serialize;

use super::grammar::Grammar;
use super::{Dimension, Found, MAX_TERMS, Ontology};

/// Words of a text that name a concept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Term {
    /// The concept's id ("advertisers").
    pub concept: String,
    /// The words ("content partners and advertisers" has two terms).
    pub text: String,
    /// Byte offset in the normalised text.
    pub start: usize,
    /// Byte offset of the end in the normalised text.
    pub end: usize,
    /// The words are what "this data" or "such information" refers to, in the sentence before or
    /// earlier in the same one, not in the practice's own words.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub antecedent: bool,
}

/// Words of a text, with their offsets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Phrase {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A practice read structurally: who does what to which data, for whom and why. Every part quotes its
/// words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Practice {
    /// What is done: `sell`, `disclose`, `collect`, `use`, `retain`. The practice word first, then any
    /// joined to it ("sell *or pass on*", "never sold *or disclosed*").
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub actions: Vec<Term>,
    /// How identifiable the data is: `identifiable`, `pseudonymous`, `aggregated`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub identifiability: Vec<Term>,
    /// Which data: `location`, `communications`, `usage`, `contact-details`, `financial`, `device`, or
    /// `data` when no kind is named.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub data: Vec<Term>,
    /// To whom: `third-parties`, `advertisers`, `business-partners`, `group-companies`, `service-providers`…
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub recipients: Vec<Term>,
    /// Why, where stated: `marketing`, `research`, `service`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub purposes: Vec<Term>,
    /// Words after the practice that name a recipient the ontology does not know ("to *the wrong
    /// people*"), when no known recipient is named: a denial of them is not a denial to everyone.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unrecognised_recipient: Option<Phrase>,
    /// Words after a denial's data that name the one channel it comes from ("information *we may
    /// collect in web beacons*"): the denial is about that channel's data only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub data_source: Option<Phrase>,
    /// Who does it, when not the company (or unstated): `customer` for "*you* do not disclose them to
    /// anyone" and for what the customer may ask for or suppose ("*if you prefer that* we do not
    /// share"); `other` for another party ("*they* may not share that information").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub actor: Option<Actor>,
    /// The data is named only by a pointer ("this data") whose referent is not in the practice's part;
    /// the sentence before is looked at for it.
    #[serde(skip)]
    pub(crate) needs_antecedent: bool,
}

impl Practice {
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
            && self.unrecognised_recipient.is_none()
            && self.identifiability.is_empty()
            && self.data.is_empty()
            && self.recipients.is_empty()
            && self.purposes.is_empty()
    }

    /// The same practice with every offset moved by `by` (from a clause into its text).
    pub fn shifted(&self, by: usize) -> Practice {
        let shift = |t: &Term| Term {
            start: t.start + by,
            end: t.end + by,
            ..t.clone()
        };
        let all = |list: &[Term]| list.iter().map(shift).collect();
        Practice {
            actions: all(&self.actions),
            identifiability: all(&self.identifiability),
            data: all(&self.data),
            recipients: all(&self.recipients),
            purposes: all(&self.purposes),
            unrecognised_recipient: self.unrecognised_recipient.as_ref().map(|p| Phrase {
                start: p.start + by,
                end: p.end + by,
                ..p.clone()
            }),
            data_source: self.data_source.as_ref().map(|p| Phrase {
                start: p.start + by,
                end: p.end + by,
                ..p.clone()
            }),
            actor: self.actor,
            needs_antecedent: self.needs_antecedent,
        }
    }

    /// The terms of one dimension.
    pub fn of(&self, dimension: Dimension) -> &[Term] {
        match dimension {
            Dimension::Action => &self.actions,
            Dimension::Identifiability => &self.identifiability,
            Dimension::Data => &self.data,
            Dimension::Recipient => &self.recipients,
            Dimension::Purpose => &self.purposes,
        }
    }

    pub fn of_mut(&mut self, dimension: Dimension) -> &mut Vec<Term> {
        match dimension {
            Dimension::Action => &mut self.actions,
            Dimension::Identifiability => &mut self.identifiability,
            Dimension::Data => &mut self.data,
            Dimension::Recipient => &mut self.recipients,
            Dimension::Purpose => &mut self.purposes,
        }
    }
}

/// Who a practice is by, when not the company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Actor {
    /// The customer: "*you* do not disclose them", "*if you prefer that* we do not share".
    Customer,
    /// Another party: "*they* may not share that information", "*the operators* … may disclose".
    Other,
}

/// Where a practice is read: a clause, the practice word in it, the part of the clause the practice
/// is in, and the spans a denial makes exceptions of. Offsets are into `text`.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    pub text: &'a str,
    /// The practice word ("share", "location").
    pub trigger: &'a Range<usize>,
    /// The part of the clause the practice word is in (between clause cues).
    pub scope: &'a Range<usize>,
    /// A denial's exceptions: their terms are not the denial's.
    pub excluded: &'a [Range<usize>],
    /// The finding denies the practice.
    pub denial: bool,
}

/// The identifiability concept data "about you" has ("*your* profile"), when the ontology has it.
pub(super) const IDENTIFIABLE: &str = "identifiable";
/// Data about a group of people other than the customers at large: it must qualify a data noun.
const PARTICULAR_PEOPLE: &str = "particular-people";

/// The last word of `text`, if `text` ends with one (after spacing).
pub(crate) fn last_word(text: &str) -> Option<&str> {
    text.trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .filter(|w| !w.is_empty())
}

/// The words of `text` from its end backwards.
pub(super) fn words_back(text: &str) -> impl Iterator<Item = &str> {
    text.rsplit(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

impl Ontology {
    /// The practice of a finding at `site`, from the terms of its scope.
    pub fn practice(&self, site: Site<'_>) -> Practice {
        let terms = self.terms(&site.text[site.scope.clone()]);
        self.practice_of(&terms, site)
    }

    /// [`Ontology::practice`] from the terms of the site's scope already found (offsets into the
    /// scope), so that the findings of one part share one search.
    pub fn practice_of(&self, terms: &[Found], site: Site<'_>) -> Practice {
        let mut reader = Reader {
            o: self,
            g: &self.grammar,
            site,
            terms,
            window: site.scope.clone(),
            practice: Practice::default(),
        };
        reader.actions();
        reader.parts();
        reader.identifiability();
        reader.only_qualifying_groups();
        self.drop_general(&mut reader.practice);
        let opens_clause = site.text[..site.scope.start].trim().is_empty();
        reader.practice.actor = self.grammar.actor(
            &site.text[site.scope.start..site.trigger.start],
            opens_clause,
            self.duty_finder.as_ref(),
        );
        // "the disclosure of your information *by third parties*", "details are sold *by the operators*": a
        // disclosure whose agent is named after it is that party's. (The agent of "received" or "used" may
        // be the company's recipient, so only disclosing counts.)
        if reader.practice.actor.is_none() && self.discloses(&reader.practice) {
            let after = site.text.get(site.trigger.end..site.scope.end).unwrap_or("");
            reader.practice.actor = self.grammar.agent(after);
        }
        reader.recipients();
        let mut practice = reader.practice;
        // Terms are pushed one by one, so each list holds room for four; a policy made of nothing but
        // practices keeps hundreds of thousands of them until its findings are built.
        for d in Dimension::ALL {
            practice.of_mut(d).shrink_to_fit();
        }
        practice
    }
}

/// One practice being read: the steps of [`Ontology::practice_of`], in order.
struct Reader<'a> {
    o: &'a Ontology,
    g: &'a Grammar,
    site: Site<'a>,
    /// The terms of the scope, offsets into the scope.
    terms: &'a [Found],
    /// The stretch of the scope that is this practice's: the scope, less what another practice's verb
    /// starts.
    window: Range<usize>,
    practice: Practice,
}

impl Reader<'_> {
    /// A term's range in the text.
    fn abs(&self, r: &Range<usize>) -> Range<usize> {
        self.site.scope.start + r.start..self.site.scope.start + r.end
    }

    fn term(&self, f: &Found) -> Term {
        let at = self.abs(&f.at);
        Term {
            concept: self.o.concepts[f.concept].id.clone(),
            text: self.site.text[at.clone()].to_string(),
            start: at.start,
            end: at.end,
            antecedent: false,
        }
    }

    /// Whether a term lies inside one of the denial's exceptions.
    fn excluded(&self, r: &Range<usize>) -> bool {
        let at = self.abs(r);
        self.site
            .excluded
            .iter()
            .any(|e| e.start <= at.start && at.end <= e.end)
    }

    /// The action at the practice word, and those joined to it on either side; another action not
    /// joined to it starts another practice and ends this one's window.
    fn actions(&mut self) {
        let trigger = self.site.trigger;
        let at_trigger = |r: &Range<usize>| {
            let a = self.abs(r);
            a.start < trigger.end && trigger.start < a.end
        };
        // An action word inside a term of another dimension is a noun there ("your *use* of our
        // services", "businesses that *process* … on our behalf"), not another practice; so is one
        // that no verb word leads ("our *sales*, customers"). Terms are in start order: one pass, with
        // the furthest end of the other dimensions' terms so far.
        let mut actions: Vec<&Found> = Vec::new();
        let mut other_end = 0;
        for t in self.terms {
            if self.o.concepts[t.concept].dimension != Dimension::Action {
                other_end = other_end.max(t.at.end);
            } else if at_trigger(&t.at) || other_end < t.at.end {
                actions.push(t);
            }
        }
        // Where the practice word is not an action ("your *location*", "*opt out*"), the action is the
        // nearest one in the part: "we collect your location", "location data is kept".
        let distance = |r: &Range<usize>| {
            let a = self.abs(r);
            if a.end <= trigger.start {
                trigger.start - a.end
            } else {
                a.start.saturating_sub(trigger.end)
            }
        };
        let at = actions
            .iter()
            .position(|t| at_trigger(&t.at))
            .or_else(|| (0..actions.len()).min_by_key(|&i| distance(&actions[i].at)));
        let Some(at) = at else { return };
        let text = self.site.text;
        let joined = |i: usize, j: usize| {
            self.g
                .only_joins(&text[self.abs(&actions[i].at).end..self.abs(&actions[j].at).start])
        };
        let mut from = at;
        while from > 0 && joined(from - 1, from) {
            from -= 1;
        }
        let mut to = at;
        while to + 1 < actions.len() && joined(to, to + 1) {
            to += 1;
        }
        // "pass this data to the third parties *and we may use* this information to provide you with …
        // communications": a verb not joined to this one is another practice.
        let verb = |r: &Range<usize>| self.g.after_verb_word(&text[..self.abs(r).start]);
        let start = actions[..from]
            .iter()
            .rev()
            .find(|t| verb(&t.at))
            .map(|t| self.abs(&t.at).end);
        let end = actions[to + 1..]
            .iter()
            .find(|t| verb(&t.at))
            .map(|t| self.abs(&t.at).start);
        let mut list = vec![self.term(actions[at])];
        for t in actions[from..=to]
            .iter()
            .filter(|t| self.abs(&t.at) != self.abs(&actions[at].at))
        {
            if list.len() < MAX_TERMS {
                list.push(self.term(t));
            }
        }
        self.window.start = start.unwrap_or(self.window.start);
        self.window.end = end.unwrap_or(self.window.end);
        self.practice.actions = list;
    }

    /// The identifiability, data, recipients and purposes in the window. Those after the practice word
    /// are its own ("we share *your location* with *advertisers*"); only when none follows are those
    /// before it taken ("*your location* may be shared").
    fn parts(&mut self) {
        let trigger = self.site.trigger;
        for dimension in [
            Dimension::Identifiability,
            Dimension::Data,
            Dimension::Recipient,
            Dimension::Purpose,
        ] {
            let of_dimension = |f: &&Found| self.o.concepts[f.concept].dimension == dimension && !self.excluded(&f.at);
            let mut of: Vec<&Found> = self
                .terms
                .iter()
                .filter(of_dimension)
                .filter(|f| {
                    let at = self.abs(&f.at);
                    self.window.start <= at.start && at.end <= self.window.end
                })
                .collect();
            if dimension == Dimension::Identifiability && !of.iter().any(|f| self.abs(&f.at).end > trigger.start) {
                // "share information *that could be used to identify an individual*": a relative clause
                // right after the window says what the data is, before any earlier part of the sentence.
                let relative: Vec<&Found> = self
                    .terms
                    .iter()
                    .filter(of_dimension)
                    .filter(|f| self.in_relative_clause(&f.at))
                    .collect();
                if !relative.is_empty() {
                    of = relative;
                }
            }
            if of.is_empty() && matches!(dimension, Dimension::Identifiability | Dimension::Data) {
                // A passive's subject may sit before an earlier verb of the sentence ("*Addresses* you
                // provide … may be saved …, and will not be shared"), an object after a later one
                // ("will not share … or authorize any third party to use *your email address*").
                of = self
                    .terms
                    .iter()
                    .filter(of_dimension)
                    .filter(|f| self.abs(&f.at).end <= self.window.start)
                    .collect();
                if of.is_empty() {
                    of = self
                        .terms
                        .iter()
                        .filter(of_dimension)
                        .filter(|f| self.abs(&f.at).start >= self.window.end)
                        .take(MAX_TERMS)
                        .collect();
                }
            }
            let after = of.iter().any(|f| self.abs(&f.at).end > trigger.start);
            let mut list = std::mem::take(self.practice.of_mut(dimension));
            // One term per concept, and a way of saying a concept ("anonymised" for "aggregated") is
            // that concept: "anonymous, aggregated data" is one kind of data.
            let mut kinds: Vec<Option<usize>> = list
                .iter()
                .map(|t| self.o.concept(&t.concept).map(|c| self.o.graded(c)))
                .collect();
            for f in of.iter().filter(|f| (self.abs(&f.at).end > trigger.start) == after) {
                let kind = Some(self.o.graded(f.concept));
                if list.len() < MAX_TERMS && !kinds.contains(&kind) {
                    list.push(self.term(f));
                    kinds.push(kind);
                }
            }
            *self.practice.of_mut(dimension) = list;
            if dimension == Dimension::Data && after && self.only_pointers() {
                self.pointed_to(&of);
            }
        }
    }

    /// Keeps a group of people as the data ("information *of patients*") only where it follows another
    /// data term: "*of our employees*" after anything else is a recipient or a party ("any *of our
    /// employees*"), not whose data it is.
    fn only_qualifying_groups(&mut self) {
        let text = self.site.text;
        let data = &self.practice.data;
        let follows_data = |t: &Term| {
            data.iter()
                .any(|d| d.end <= t.start && !d.antecedent && text[d.end..t.start].trim().is_empty())
        };
        let keep: Vec<bool> = data
            .iter()
            .map(|t| t.concept != PARTICULAR_PEOPLE || (!t.antecedent && follows_data(t)))
            .collect();
        let mut k = keep.iter();
        self.practice.data.retain(|_| *k.next().unwrap_or(&true));
    }

    /// Whether `at` lies in a relative clause on the practice word's object ("share information *that
    /// could be used to identify an individual*"): a relative pronoun among the first words after the
    /// practice word, and no stop between.
    fn in_relative_clause(&self, at: &Range<usize>) -> bool {
        let at = self.abs(at);
        let (text, trigger) = (self.site.text, self.site.trigger);
        if at.start < trigger.end || at.start > text.len() {
            return false;
        }
        let between = &text[trigger.end..at.start];
        let words: Vec<&str> = between
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let opener = words.iter().take(4).any(|w| Grammar::has(&self.g.relative_pronouns, w));
        opener && !between.contains([';', ':', '.', '(', ',']) && words.len() <= 12
    }

    /// Whether every data term is a general one ("data") right after a pointer ("this", "such").
    fn only_pointers(&self) -> bool {
        let data = &self.practice.data;
        !data.is_empty()
            && data.iter().all(|t| {
                let general = self
                    .o
                    .concept(&t.concept)
                    .is_some_and(|c| self.o.concepts[c].parent.is_none());
                let before = self.site.text[..t.start].trim_end();
                let last = words_back(before).next().unwrap_or("");
                // "such *aggregate* information": the pointer may sit before an identifiability word.
                general && (self.g.is_pointer(last) || words_back(before).nth(1).is_some_and(|w| self.g.is_pointer(w)))
            })
    }

    /// "may pass *this data*": what it points to is named before the practice word, or in the sentence
    /// before (then [`Ontology::resolve_antecedent`] finds it).
    fn pointed_to(&mut self, of: &[&Found]) {
        let trigger = self.site.trigger;
        let before: Vec<Term> = of
            .iter()
            .filter(|f| self.abs(&f.at).end <= trigger.start && self.o.concepts[f.concept].parent.is_some())
            .map(|f| Term {
                antecedent: true,
                ..self.term(f)
            })
            .collect();
        if before.is_empty() {
            self.practice.needs_antecedent = true;
        }
        for t in before {
            let data = &mut self.practice.data;
            if data.len() < MAX_TERMS && !data.iter().any(|d| d.concept == t.concept) {
                data.push(t);
            }
        }
    }

    /// What the data is, not what it is denied to be, and data about the reader as identifiable.
    fn identifiability(&mut self) {
        let (text, trigger, denial) = (self.site.text, self.site.trigger, self.site.denial);
        // "cannot be linked back to *an individual*", "does not *identify you*": identifiability denied
        // of the data is not what the data is. A denial's own negation comes before its verb; only one
        // between the verb and the term denies the term ("we do not sell *customer data*" keeps it).
        let (g, o) = (self.g, self.o);
        let identifiable = o.concept(IDENTIFIABLE);
        let is_identifiable =
            |concept: &str| identifiable.is_some_and(|i| o.concept(concept).is_some_and(|c| o.subsumes(i, c)));
        let negated = |t: &Term| {
            let from = if denial { trigger.end.min(t.start) } else { 0 };
            !t.antecedent && is_identifiable(&t.concept) && g.negated_before(&text[from..t.start])
        };
        // A term right after a denied one is part of what is denied: "not in a manner that would identify
        // you *personally*".
        let mut denied_end = None;
        self.practice.identifiability.retain(|t| {
            let follows = denied_end
                .is_some_and(|end: usize| end <= t.start && text[end..t.start].split_whitespace().count() <= 1);
            let drop = negated(t) || (follows && is_identifiable(&t.concept));
            if drop {
                denied_end = Some(t.end);
            }
            !drop
        });
        // "*your* profile", "*your* location": data about the reader is identifiable.
        if self.practice.identifiability.is_empty()
            && let Some(t) = self.practice.data.iter().find(|t| {
                !t.antecedent && last_word(&text[..t.start]).is_some_and(|w| Grammar::has(&g.customer_possessive, w))
            })
        {
            let start = text[..t.start].trim_end().len() - last_word(&text[..t.start]).map_or(0, str::len);
            let term = Term {
                concept: IDENTIFIABLE.to_string(),
                text: text[start..t.end].to_string(),
                start,
                end: t.end,
                antecedent: false,
            };
            self.practice.identifiability.push(term);
        }
    }

    /// "*these* third parties" are ones named before, not third parties at large; and with no known
    /// recipient, "to *the wrong people*" is kept as words.
    fn recipients(&mut self) {
        let text = self.site.text;
        let practice = &mut self.practice;
        if let Some(i) = practice
            .recipients
            .iter()
            .position(|t| last_word(&text[..t.start]).is_some_and(|w| self.g.is_pointer(w)))
        {
            let t = practice.recipients.remove(i);
            let before = &text[..t.start];
            let pointer = last_word(before).unwrap_or("");
            let start = t.start - (before.len() - before.trim_end().len()) - pointer.len();
            practice.unrecognised_recipient = Some(Phrase {
                text: text[start..t.end].to_string(),
                start,
                end: t.end,
            });
        }
        if practice.recipients.is_empty() && practice.unrecognised_recipient.is_none() {
            let trigger = self.site.trigger;
            practice.unrecognised_recipient = self
                .g
                .unrecognised_recipient(text, trigger.end..self.window.end.max(trigger.end));
        }
    }
}

impl Ontology {
    /// Takes what the sentence before names for a practice whose data is only "this data": its kinds of
    /// data and, when the practice names none, its identifiability. `previous` is that sentence and
    /// `base` its offset.
    pub fn resolve_antecedent(&self, practice: &mut Practice, previous: &str, base: usize) {
        if !practice.needs_antecedent {
            return;
        }
        practice.needs_antecedent = false;
        let want_identifiability = practice.identifiability.is_empty();
        for f in self.terms(previous) {
            let concept = &self.concepts[f.concept];
            let wanted = match concept.dimension {
                Dimension::Data => concept.parent.is_some() && concept.id != PARTICULAR_PEOPLE,
                Dimension::Identifiability => want_identifiability,
                _ => false,
            };
            let list = practice.of_mut(concept.dimension);
            if wanted && list.len() < MAX_TERMS && !list.iter().any(|t| t.concept == concept.id) {
                list.push(Term {
                    concept: concept.id.clone(),
                    text: previous[f.at.clone()].to_string(),
                    start: base + f.at.start,
                    end: base + f.at.end,
                    antecedent: true,
                });
            }
        }
    }

    /// Whether the practice's action is a disclosure (`disclose` or a concept under it: share, sell).
    fn discloses(&self, practice: &Practice) -> bool {
        let Some(disclose) = self.concept("disclose") else {
            return false;
        };
        practice
            .actions
            .iter()
            .filter_map(|t| self.concept(&t.concept))
            .any(|c| self.subsumes(disclose, c))
    }

    /// A general concept says nothing a more specific one in the same list does not ("data" beside
    /// "location data", "third parties" beside "advertisers"), unless it is the pointer the specific
    /// ones resolve ("this data").
    fn drop_general(&self, practice: &mut Practice) {
        for dimension in [
            Dimension::Identifiability,
            Dimension::Data,
            Dimension::Recipient,
            Dimension::Purpose,
        ] {
            let list = practice.of_mut(dimension);
            let ids: Vec<Option<usize>> = list.iter().map(|t| self.concept(&t.concept)).collect();
            let general = |i: usize| {
                !list[i].antecedent
                    && !list.iter().any(|t| t.antecedent)
                    && ids.iter().enumerate().any(|(j, other)| {
                        j != i && matches!((ids[i], *other), (Some(g), Some(o)) if g != o && self.subsumes(g, o))
                    })
            };
            let keep: Vec<bool> = (0..list.len()).map(|i| !general(i)).collect();
            let mut k = keep.iter();
            list.retain(|_| *k.next().unwrap_or(&true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::ontology;
    use super::*;

    fn site<'a>(
        text: &'a str,
        trigger: &'a Range<usize>,
        scope: &'a Range<usize>,
        excluded: &'a [Range<usize>],
        denial: bool,
    ) -> Site<'a> {
        Site {
            text,
            trigger,
            scope,
            excluded,
            denial,
        }
    }

    fn practice(text: &str) -> Practice {
        let trigger = text.find("provide").map_or(0..0, |at| at..at + 7);
        ontology().practice(site(text, &trigger, &(0..text.len()), &[], false))
    }

    fn concepts(terms: &[Term]) -> Vec<&str> {
        terms.iter().map(|t| t.concept.as_str()).collect()
    }

    #[test]
    fn a_practice_names_its_parts_with_their_words() {
        let text = "We may provide such aggregate information to third parties, for example, content partners and \
                    advertisers.";
        let p = practice(text);
        let action = &p.actions[0];
        assert_eq!((action.concept.as_str(), action.text.as_str()), ("disclose", "provide"));
        assert_eq!(&text[action.start..action.end], "provide");
        assert_eq!(concepts(&p.identifiability), ["aggregated"]);
        // "third parties" says less than the two kinds named after it.
        assert_eq!(concepts(&p.recipients), ["content-providers", "advertisers"]);
        let p = practice("businesses that process this information on our behalf");
        assert_eq!(concepts(&p.recipients), ["service-providers"]);
        let p = practice("We provide your calling, browsing and location data for marketing.");
        assert_eq!(concepts(&p.data), ["communications", "usage", "location"]);
        assert_eq!(concepts(&p.purposes), ["marketing"]);
    }

    #[test]
    fn terms_in_an_exception_are_not_recipients_of_the_denial() {
        let text = "We do not provide your data to anyone except service providers.";
        let at = text.find("except").unwrap();
        let p = ontology().practice(site(
            text,
            &(10..17),
            &(0..text.len()),
            std::slice::from_ref(&(at..text.len() - 1)),
            true,
        ));
        assert_eq!(concepts(&p.recipients), ["anyone"]);
    }

    /// The practice of the finding whose practice word is `word` in `text`.
    fn practice_at(text: &str, word: &str, denial: bool) -> Practice {
        let at = text.find(word).unwrap();
        ontology().practice(site(text, &(at..at + word.len()), &(0..text.len()), &[], denial))
    }

    fn texts(terms: &[Term]) -> Vec<&str> {
        terms.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn joined_actions_belong_to_one_practice_and_a_new_verb_starts_another() {
        let p = practice_at("Tesco Mobile does not sell or pass on any customer data.", "sell", true);
        assert_eq!(texts(&p.actions), ["sell", "pass on"]);
        let p = practice_at("We never sell, rent or trade your details.", "sell", true);
        assert_eq!(texts(&p.actions), ["sell", "rent", "trade"]);
        let text = "We may pass this data to the third parties mentioned above and we may use this \
                    information to provide you with targeted offers or commercial communications.";
        let p = practice_at(text, "pass", false);
        assert_eq!(texts(&p.actions), ["pass"]);
        assert_eq!(
            concepts(&p.data),
            ["data"],
            "\"commercial communications\" belong to the next practice"
        );
        assert!(p.needs_antecedent, "\"this data\" points back");
        // A noun is not a new practice: "our sales" does not end the one before it.
        let p = practice_at(
            "to provide aggregated statistics about our sales, customers to third parties",
            "provide",
            false,
        );
        assert_eq!(concepts(&p.recipients), ["third-parties"]);
    }

    #[test]
    fn pointers_take_what_they_point_to() {
        let o = ontology();
        let text =
            "We analyse your calling and location data on a personalised basis, and may provide such data to partners.";
        let p = practice_at(text, "provide", false);
        let antecedents: Vec<&str> = p
            .data
            .iter()
            .filter(|t| t.antecedent)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(antecedents, ["calling", "location data"]);
        let mut p = practice_at("We may pass this data to advertisers.", "pass", false);
        assert!(p.needs_antecedent);
        let before = "We record your location on an aggregated basis.";
        o.resolve_antecedent(&mut p, before, 100);
        let location = p.data.iter().find(|t| t.concept == "location").unwrap();
        assert!(
            location.antecedent && location.start == 100 + before.find("location").unwrap(),
            "{location:?}"
        );
        assert_eq!(concepts(&p.identifiability), ["aggregated"]);
    }

    #[test]
    fn recipients_the_ontology_does_not_know_are_kept_as_words() {
        let p = practice_at(
            "we do not disclose your information to the wrong people.",
            "disclose",
            true,
        );
        assert!(p.recipients.is_empty());
        assert_eq!(p.unrecognised_recipient.unwrap().text, "to the wrong people");
        let p = practice_at("We will not transfer information to competitors.", "transfer", true);
        assert_eq!(p.unrecognised_recipient.unwrap().text, "to competitors");
        let p = practice_at(
            "we will not share information with these third parties which identifies you.",
            "share",
            true,
        );
        assert!(p.recipients.is_empty(), "{:?}", p.recipients);
        assert_eq!(p.unrecognised_recipient.unwrap().text, "these third parties");
        let p = practice_at("We do not share your data to the extent the law allows.", "share", true);
        assert!(p.unrecognised_recipient.is_none());
    }

    #[test]
    fn who_acts_is_read_from_the_subject() {
        let actor = |text: &str, word: &str| practice_at(text, word, true).actor;
        assert_eq!(
            actor("You should never share your password with anyone.", "share"),
            Some(Actor::Customer)
        );
        assert_eq!(
            actor(
                "You're responsible for keeping your account secure and not sharing it with others.",
                "sharing"
            ),
            Some(Actor::Customer)
        );
        assert_eq!(
            actor(
                "If you prefer that we do not share this information, write to us.",
                "share"
            ),
            Some(Actor::Customer)
        );
        // The duty phrases are found whatever the case, in ASCII text and in text with curly apostrophes.
        assert_eq!(
            actor("YOU’RE RESPONSIBLE for keeping it safe and not sharing it.", "sharing"),
            Some(Actor::Customer)
        );
        assert_eq!(
            actor("You Are Responsible for keeping it safe and not sharing it.", "sharing"),
            Some(Actor::Customer)
        );
        assert_eq!(
            actor("They may not share that information with anyone.", "share"),
            Some(Actor::Other)
        );
        assert_eq!(
            actor("Children can share information with other parties.", "share"),
            Some(Actor::Other)
        );
        assert_eq!(
            actor("Members may disclose their data to other companies.", "disclose"),
            Some(Actor::Other)
        );
        // A passive's subject is the data, whatever it is about.
        assert_eq!(actor("Information about children is never shared.", "shared"), None);
        assert_eq!(actor("We will never share your data.", "share"), None);
        assert_eq!(actor("Your data will not be shared.", "shared"), None);
        // An instruction to the reader, and a request the reader may make.
        assert_eq!(
            actor("Do not share your password with anyone.", "share"),
            Some(Actor::Customer)
        );
        assert_eq!(
            actor("You may ask that we not share your details with partners.", "share"),
            Some(Actor::Customer)
        );
        // Only an opening "do" or "please" makes an instruction: a clause after "but" is the company's.
        assert_eq!(actor("We collect data but do not share it with anyone.", "share"), None);
        // A disclosure with its agent after it is the agent's; a "by" past a comma is another noun's.
        assert_eq!(
            actor(
                "Rules differ for the disclosure of your information by third parties.",
                "disclosure"
            ),
            Some(Actor::Other)
        );
        assert_eq!(
            actor("Your data may be disclosed by us to partners.", "disclosed"),
            None
        );
        assert_eq!(actor("We may disclose data when required by law.", "disclose"), None);
        assert_eq!(
            actor(
                "In a sale, merger or acquisition by another company, data may be transferred.",
                "sale"
            ),
            None
        );
    }

    #[test]
    fn a_way_of_saying_a_concept_counts_as_that_concept_once() {
        // "anonymised" is a way of saying "aggregated": one kind of data, quoted by its first term.
        let p = practice("We may provide anonymised and aggregated data to partners.");
        assert_eq!(texts(&p.identifiability), ["anonymised"]);
        let p = practice("We may provide aggregated statistics to partners.");
        assert_eq!(texts(&p.identifiability), ["aggregated"]);
    }

    #[test]
    fn identifiability_is_what_the_data_is_not_what_it_is_denied_to_be() {
        let p = practice_at(
            "Anonymous information that cannot be linked back to an individual may be made available to partners.",
            "made available",
            false,
        );
        assert_eq!(concepts(&p.identifiability), ["anonymised"]);
        // A denial's own negation is before its verb: the data keeps its words.
        let p = practice_at("Virgin Media does not sell customer data.", "sell", true);
        assert_eq!(concepts(&p.identifiability), ["identifiable"]);
        // Data about the reader is identifiable.
        let p = practice_at("We do not share your profile with other third parties.", "share", true);
        assert_eq!(texts(&p.identifiability), ["your profile"]);
    }
}
