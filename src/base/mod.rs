//! Foundations: what every other layer stands on and nothing here stands on another layer. The one
//! error type, SHA-256 names for texts, the fields every JSON report carries, and excerpts of long
//! clauses, and text from strangers made safe to show.

pub mod error;
pub mod hash;
pub mod lock;
pub mod markdown;
pub mod report;
pub(crate) mod snippet;
pub mod visible;
