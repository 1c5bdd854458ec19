//! orgcheck: compares what companies tell customers about their data with what their privacy
//! policies say.
//!
//! The pipeline, one module per stage:
//! [`providers`] (declarations) → [`text`] (HTML/Markdown to text) → [`segment`] (clauses) →
//! [`rules`] + [`tagger`] (tags and polarity) → [`compare`] (verdicts) → [`output`] (table, JSON, Markdown).
//! [`cli`] wires them into the `orgcheck` commands.

pub mod cli;
pub mod compare;
pub mod error;
pub mod extract;
pub mod output;
pub mod providers;
pub mod rules;
pub mod segment;
pub mod tagger;
pub mod text;

pub use error::{Error, Result};
