//! The integration tests, in one test binary: a module per command, each running the real `orgcheck`
//! binary as a user would (`util` has the helpers, `server` a local HTTP server on 127.0.0.1), plus
//! the library-level suites that need a whole data set: polarity sentences and JSON Schemas.

mod server;
mod util;
mod warc;

mod action;
mod check;
mod compare;
mod diff;
mod errors;
mod eval;
mod extract;
mod fetch;
mod grades;
mod history;
mod letter;
mod help;
mod html;
mod polarity;
mod providers;
mod render;
mod reply;
mod schema;
mod statements;
