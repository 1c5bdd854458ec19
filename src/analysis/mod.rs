//! Analysis: what a text says about the practices orgcheck tags. The tags themselves, the rules as
//! data (`rules/default.toml`, the `--lang` packs, `--rules` files), the ontology a practice is read
//! with (`rules/ontology.toml`), what a negation reaches, and the tagger that turns clauses into
//! findings.

pub mod tag;
pub mod language;
pub(crate) mod pattern;
pub(crate) mod ontology;
pub mod rules;
pub(crate) mod polarity;
pub(crate) mod statement;
pub(crate) mod tagger;

// What findings carry, for the reports that quote them.
pub use ontology::{Actor, Dimension, Phrase, Practice, Term};
pub use tagger::{Exception, Finding, Part, Reading};
