//! Documents: from bytes to clauses. Markup (HTML, Markdown, plain text) becomes normalised text that
//! keeps its structure; ingestion decides what some bytes are and turns them into a document, whether
//! they come from a file, standard input, a fetched page or a web-archive record; segmentation splits
//! text into clauses with byte spans. Also here: a declaration's quotes found again on a page, and the
//! edits between two versions that do not count (noise).

pub mod markup;
pub mod ingest;
pub(crate) mod warc;
pub mod segment;
pub(crate) mod quote;
pub mod noise;
