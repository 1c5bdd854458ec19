//! Inputs: where texts come from and where they are kept. Provider declarations, HTTP downloads,
//! pages rendered in headless Chromium (kept off private addresses), the store of dated versions on disk, and the fetcher that
//! brings a declared document from the web into the store.

pub mod providers;
pub mod address;
pub mod http;
pub mod browser;
pub mod store;
pub mod import;
pub mod fetch;
