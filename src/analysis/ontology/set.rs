//! Sets of concepts as bits: the checks that run on every clause (does it have a term of a concept a
//! rule needs?) test a few words of bits instead of walking lists of concept indexes.

/// A set of concepts of one ontology, one bit per concept index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConceptSet(Vec<u64>);

impl ConceptSet {
    /// The empty set, for an ontology of `concepts` concepts.
    pub fn empty(concepts: usize) -> ConceptSet {
        ConceptSet(vec![0; concepts.div_ceil(64)])
    }

    /// The set of `members`, for an ontology of `concepts` concepts.
    pub fn of(concepts: usize, members: impl IntoIterator<Item = usize>) -> ConceptSet {
        let mut set = ConceptSet::empty(concepts);
        members.into_iter().for_each(|c| set.insert(c));
        set
    }

    /// Adds concept `c`; it must be below the size the set was made for.
    pub fn insert(&mut self, c: usize) {
        self.0[c / 64] |= 1 << (c % 64);
    }

    pub fn contains(&self, c: usize) -> bool {
        self.0.get(c / 64).is_some_and(|w| w & (1 << (c % 64)) != 0)
    }

    /// Whether the two sets share a concept.
    pub fn intersects(&self, other: &ConceptSet) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_meet_only_on_a_shared_concept_across_words_of_bits() {
        let a = ConceptSet::of(200, [3, 130]);
        let b = ConceptSet::of(200, [4, 131]);
        assert!(!a.intersects(&b));
        assert!(a.intersects(&ConceptSet::of(200, [130])));
        assert!(a.contains(130) && !a.contains(131) && !a.contains(500));
        assert!(!ConceptSet::empty(200).intersects(&a));
    }
}
