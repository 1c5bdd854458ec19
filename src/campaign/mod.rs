//! The campaign loop: a customer's letter to a provider drafted from a comparison, in the words of a
//! template, and the provider's reply read, reduced to its own words, redacted and recorded as a
//! statement.

pub mod template;

pub mod letter;
pub mod reply;
