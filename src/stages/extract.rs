//! `orgcheck extract`: tags one document (text, Markdown or HTML) or a JSONL stream of records.

use std::io::{self, BufRead, Write};

use serde::Deserialize;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::analysis::language::Language;
use crate::analysis::rules::RuleSet;
use crate::analysis::tagger::Finding;
use crate::base::hash::sha256_hex;
use crate::base::report::SCHEMA_VERSION;
use crate::document::ingest::Document;
use crate::document::markup::InputFormat;

/// One clause and its findings, as `extract --format json|jsonl` prints it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClauseRecord {
    /// Position of the clause in the document, from 0 (tables number clauses from 1).
    pub index: usize,
    /// Byte offset (UTF-8) of the clause in the normalised text.
    pub start: usize,
    /// Byte offset (UTF-8) of the clause's end.
    pub end: usize,
    /// Character offset (Unicode scalar values, as Python's `str` indexes) of the clause.
    pub char_start: usize,
    /// Character offset of the clause's end: `text[char_start:char_end]` in Python.
    pub char_end: usize,
    pub text: String,
    /// The language the clause was read as; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    pub findings: Vec<Finding>,
}

/// The document `extract --format json` prints.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ExtractReport {
    pub schema_version: u32,
    pub source: String,
    pub format: InputFormat,
    /// SHA-256 (hex) of the normalised text the spans index into.
    pub sha256: String,
    /// The language most of the text is in (ISO 639-1); null when it could not be told.
    pub language: Option<Language>,
    /// Every language the text is in, in order of first appearance (a bilingual page has two).
    pub languages: Vec<Language>,
    /// False when orgcheck has no rules for the text's language: nothing was read, and no finding is
    /// not the same as a text that says nothing.
    pub read: bool,
    pub clauses: Vec<ClauseRecord>,
}

/// Tags a document clause by clause.
pub fn extract(rules: &RuleSet, doc: &Document) -> ExtractReport {
    let reading = rules.read(&doc.text);
    let mut clauses = Vec::new();
    for part in &reading.parts {
        let definitions = part.rules.map(|r| r.definitions(&part.tagged)).unwrap_or_default();
        for (i, tc) in part.tagged.iter().enumerate() {
            clauses.push(ClauseRecord {
                index: clauses.len(),
                start: tc.clause.start,
                end: tc.clause.end,
                char_start: tc.clause.char_start,
                char_end: tc.clause.char_end(),
                text: tc.clause.text.to_string(),
                language: part.language,
                findings: part
                    .rules
                    .map(|r| r.to_findings(&part.tagged, i, &definitions))
                    .unwrap_or_default(),
            });
        }
    }
    ExtractReport {
        schema_version: SCHEMA_VERSION,
        source: doc.source.clone(),
        format: doc.format,
        sha256: sha256_hex(&doc.text),
        language: reading.language,
        languages: reading.languages(),
        read: reading.read(),
        clauses,
    }
}

impl ExtractReport {
    /// What to tell the user when the text was not read: its language has no rules.
    pub fn unread(&self) -> Option<String> {
        if self.read {
            return None;
        }
        let language = self.language?;
        let read: Vec<&str> = (self.languages.iter())
            .filter(|l| l.has_rules() && **l != language)
            .map(|l| l.name())
            .collect();
        Some(match read.is_empty() {
            true => unread_note(&self.source, language),
            false => format!(
                "{} is mostly in {} ({}), which orgcheck has no rules for; only its {} part was read",
                self.source,
                language.name(),
                language.code(),
                read.join(" and ")
            ),
        })
    }
}

/// "policy.txt is in Dutch (nl); orgcheck has no Dutch rules, so nothing was read".
pub fn unread_note(source: &str, language: Language) -> String {
    let name = language.name();
    format!(
        "{source} is in {name} ({code}); orgcheck has no {name} rules, so nothing was read (it is not a text \
         that says nothing)",
        code = language.code()
    )
}

/// Counts from a batch run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchStats {
    pub records: usize,
    pub errors: usize,
    /// Line number of the first malformed line.
    pub first_error: Option<usize>,
    /// Records in a language orgcheck has no rules for: written with `"read": false`.
    pub unread: usize,
}

/// One line `extract --input-format jsonl` or `--input-format warc` writes: a record's findings, or
/// why the record could not be read. Published as docs/schema/extract-records.schema.json.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RecordLine<'a> {
    Findings(BatchOut<'a>),
    Error(BatchError),
    Capture(WarcOut<'a>),
    CaptureError(WarcFailed<'a>),
}

/// A record of `extract --input-format jsonl` and its findings, in input order.
#[derive(Serialize, schemars::JsonSchema)]
pub struct BatchOut<'a> {
    /// The record's `id`, exactly as given (any JSON value: a 30-digit number stays 30 digits).
    #[schemars(with = "serde_json::Value")]
    id: &'a RawValue,
    /// The language most of the text is in (ISO 639-1); null when it could not be told.
    language: Option<Language>,
    /// Written only when false: the record's language has no rules, so nothing was read.
    #[serde(skip_serializing_if = "is_true")]
    #[schemars(default = "default_true")]
    read: bool,
    /// Offsets index into the record's `text` as given.
    findings: Vec<Finding>,
}

fn default_true() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

impl<'a> BatchOut<'a> {
    fn new(rules: &RuleSet, id: &'a RawValue, text: &str) -> BatchOut<'a> {
        let reading = rules.read(text);
        BatchOut {
            id,
            language: reading.language,
            read: reading.read(),
            findings: reading.into_findings(),
        }
    }
}

/// A line of the input that is not a record orgcheck can read; the lines after it go on.
#[derive(Serialize, schemars::JsonSchema)]
pub struct BatchError {
    /// The line's number in the input, from 1.
    line: usize,
    /// What is wrong with it ("missing field `text`", "not valid JSON: …").
    error: String,
}

/// Reads `{"id": ..., "text": "..."}` records, one per line, and writes one result line per record in
/// input order. Spans index into each record's `text` as given. A malformed line becomes
/// `{"line": N, "error": "..."}` and the rest continue. Blank lines are skipped.
pub fn batch(rules: &RuleSet, input: impl BufRead, output: impl Write) -> io::Result<BatchStats> {
    let unread = std::cell::Cell::new(0);
    let mut buf = Vec::new();
    let mut stats = for_each_record(input, output, |id, text, out| {
        let record = BatchOut::new(rules, id, &text);
        unread.set(unread.get() + usize::from(!record.read));
        write_json(&mut buf, out, &record)
    })?;
    stats.unread = unread.get();
    Ok(stats)
}

/// Reads records one per line and, for each well-formed one, lets `each` write its result line (without
/// the newline); a malformed line becomes an error record. For commands that read `--input-format
/// jsonl` one record at a time.
pub(crate) fn for_each_record(
    mut input: impl BufRead,
    mut output: impl Write,
    mut each: impl FnMut(&RawValue, String, &mut dyn Write) -> io::Result<()>,
) -> io::Result<BatchStats> {
    let mut stats = BatchStats::default();
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let Some(line) = read_record(&mut input, &mut buf)? else {
            break;
        };
        line_no += 1;
        record_line(line, line_no, &mut output, &mut stats, &mut each)?;
    }
    output.flush()?;
    Ok(stats)
}

/// The longest record line read, in bytes. A policy is well under a megabyte; a longer line is read
/// through without being kept and becomes an error record, so one bad line cannot exhaust memory.
pub const MAX_RECORD: usize = 8 << 20;

/// One line of a batch: its bytes, or how long it was when it is over [`MAX_RECORD`].
#[derive(Debug)]
enum Line<'a> {
    Bytes(&'a [u8]),
    TooLong(usize),
}

/// Reads one line into `buf` (emptied first), keeping at most [`MAX_RECORD`] bytes of it; `None` at the
/// end of the input.
fn read_record<'b>(input: &mut impl BufRead, buf: &'b mut Vec<u8>) -> io::Result<Option<Line<'b>>> {
    buf.clear();
    let mut total = 0;
    loop {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if total + take <= MAX_RECORD {
            buf.extend_from_slice(&available[..take]);
        } else {
            buf.clear();
        }
        total += take;
        input.consume(take);
        if done {
            break;
        }
    }
    Ok(match total {
        0 => None,
        n if n > MAX_RECORD => Some(Line::TooLong(n)),
        _ => Some(Line::Bytes(buf)),
    })
}

/// Tags one input line and writes its result line, through `buf` (see [`write_json`]); blank lines write
/// nothing.
fn tag_line(
    rules: &RuleSet,
    line: Line<'_>,
    line_no: usize,
    output: &mut impl Write,
    stats: &mut BatchStats,
    buf: &mut Vec<u8>,
) -> io::Result<()> {
    let unread = std::cell::Cell::new(0);
    record_line(line, line_no, output, stats, &mut |id, text, out| {
        let record = BatchOut::new(rules, id, &text);
        unread.set(unread.get() + usize::from(!record.read));
        write_json(buf, out, &record)
    })?;
    stats.unread += unread.get();
    Ok(())
}

/// Writes `value` as JSON to `out` in one call, through `buf` (cleared first): serde_json writes token
/// by token, and through a `dyn Write` every token was a call into the writer.
fn write_json(buf: &mut Vec<u8>, out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    buf.clear();
    serde_json::to_writer(&mut *buf, value).map_err(io::Error::from)?;
    out.write_all(buf)
}

/// One input line: its result line from `each`, or an error record; blank lines write nothing.
fn record_line(
    line: Line<'_>,
    line_no: usize,
    output: &mut impl Write,
    stats: &mut BatchStats,
    each: &mut impl FnMut(&RawValue, String, &mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let line = match line {
        Line::Bytes(line) if line.iter().all(u8::is_ascii_whitespace) => return Ok(()),
        Line::Bytes(line) => line,
        Line::TooLong(n) => {
            let error = RecordError::TooLong(n).to_string();
            serde_json::to_writer(&mut *output, &BatchError { line: line_no, error }).map_err(io::Error::from)?;
            stats.errors += 1;
            stats.first_error.get_or_insert(line_no);
            return output.write_all(b"\n");
        }
    };
    // A UTF-8 byte order mark, which some editors and exporters put at the start of a file.
    let line = match line_no {
        1 => line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line),
        _ => line,
    };
    match parse_record(line) {
        Ok((id, text)) => {
            each(id, text, output)?;
            stats.records += 1;
        }
        Err(error) => {
            let error = error.to_string();
            serde_json::to_writer(&mut *output, &BatchError { line: line_no, error }).map_err(io::Error::from)?;
            stats.errors += 1;
            stats.first_error.get_or_insert(line_no);
        }
    }
    output.write_all(b"\n")
}

/// The id of a web-archive record in the output: its target URI and capture date.
#[derive(Serialize, schemars::JsonSchema)]
pub struct WarcId<'a> {
    /// WARC-Target-URI.
    uri: Option<&'a str>,
    /// WARC-Date.
    date: Option<&'a str>,
}

/// A page captured in a WARC file and its findings (`extract --input-format warc`).
#[derive(Serialize, schemars::JsonSchema)]
pub struct WarcOut<'a> {
    id: WarcId<'a>,
    /// The language most of the page is in (ISO 639-1); null when it could not be told.
    language: Option<Language>,
    /// Written only when false: the page's language has no rules, so nothing was read.
    #[serde(skip_serializing_if = "is_true")]
    #[schemars(default = "default_true")]
    read: bool,
    /// Offsets index into the page's normalised text.
    findings: Vec<Finding>,
}

/// A WARC record that could not be tagged (an undecodable body, a page too large).
#[derive(Serialize, schemars::JsonSchema)]
pub struct WarcFailed<'a> {
    /// The record's position in the file, from 1.
    record: usize,
    id: WarcId<'a>,
    error: String,
}

/// What `extract --input-format warc` did with a file's records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarcStats {
    /// Response records tagged: one output line each.
    pub tagged: usize,
    /// Records that could not be tagged: one error line each (`{"record", "id", "error"}`).
    pub failed: usize,
    /// Records left out, by reason ("warcinfo record", "HTTP status 404", "image/png"), with counts.
    pub skipped: Vec<(String, usize)>,
    /// Why the file could not be read to its end (a truncated record), if so.
    pub stopped: Option<crate::document::warc::WarcError>,
}

impl WarcStats {
    fn skip(&mut self, why: String) {
        match self.skipped.iter_mut().find(|(w, _)| *w == why) {
            Some((_, n)) => *n += 1,
            None => self.skipped.push((why, 1)),
        }
    }
}

/// The media types a policy can be read from.
const DOCUMENT_TYPES: &[&str] = &[
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
    "application/pdf",
    "application/x-pdf",
];

/// Tags the response records of a WARC stream (gzip already undone), one JSONL line per record, with
/// the record's target URI and date as its id. Each payload is read as `fetch` reads a page: its
/// Content-Type, charset and main content, or the text of a PDF. Records that are not responses, or not
/// 2xx, or not HTML, text or PDF, are left out and counted; a payload that cannot be read becomes an
/// error line. Blocks larger than `max_bytes` are skipped unread.
pub fn warc_batch(
    rules: &RuleSet,
    input: impl BufRead,
    output: &mut dyn Write,
    max_bytes: u64,
) -> io::Result<WarcStats> {
    let mut stats = WarcStats::default();
    for record in crate::document::warc::Records::new(input, max_bytes) {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let number = match &e {
                    crate::document::warc::WarcError::Malformed { number, .. }
                    | crate::document::warc::WarcError::Truncated { number, .. }
                    | crate::document::warc::WarcError::Io { number, .. } => *number,
                };
                let id = WarcId { uri: None, date: None };
                serde_json::to_writer(
                    &mut *output,
                    &WarcFailed {
                        record: number,
                        id,
                        error: e.to_string(),
                    },
                )?;
                output.write_all(b"\n")?;
                stats.failed += 1;
                stats.stopped = Some(e);
                break;
            }
        };
        let kind = record.header("WARC-Type").unwrap_or("untyped").to_ascii_lowercase();
        if kind != "response" {
            stats.skip(format!("{kind} record"));
            continue;
        }
        let id = WarcId {
            uri: record.header("WARC-Target-URI"),
            date: record.header("WARC-Date"),
        };
        let fail = |output: &mut dyn Write, stats: &mut WarcStats, error: String| -> io::Result<()> {
            let line = WarcFailed {
                record: record.number,
                id: WarcId {
                    uri: id.uri,
                    date: id.date,
                },
                error,
            };
            serde_json::to_writer(&mut *output, &line)?;
            stats.failed += 1;
            output.write_all(b"\n")
        };
        let Some(block) = &record.block else {
            fail(
                output,
                &mut stats,
                format!(
                    "the record is {} bytes, more than --max-bytes ({max_bytes}); skipped unread",
                    record.length
                ),
            )?;
            continue;
        };
        let response = match crate::document::warc::response(block, max_bytes) {
            Ok(r) => r,
            Err(e) => {
                fail(output, &mut stats, e.to_string())?;
                continue;
            }
        };
        if !(200..300).contains(&response.status) {
            stats.skip(format!("HTTP status {}", response.status));
            continue;
        }
        let mime = response
            .content_type
            .as_deref()
            .map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        if let Some(m) = mime.as_deref().filter(|m| !m.is_empty() && !DOCUMENT_TYPES.contains(m)) {
            stats.skip(m.to_string());
            continue;
        }
        let url = id.uri.unwrap_or("");
        let origin = crate::document::ingest::Origin::Page {
            url,
            content_type: response.content_type.as_deref(),
        };
        match crate::document::ingest::document(
            url,
            &response.body,
            origin,
            None,
            &crate::document::ingest::Isolation::default(),
        ) {
            Ok(doc) => {
                let reading = rules.read(&doc.text);
                let out = WarcOut {
                    id,
                    language: reading.language,
                    read: reading.read(),
                    findings: reading.into_findings(),
                };
                serde_json::to_writer(&mut *output, &out)?;
                output.write_all(b"\n")?;
                stats.tagged += 1;
            }
            Err(e) => fail(output, &mut stats, e.to_string())?,
        }
    }
    output.flush()?;
    Ok(stats)
}

/// Lines handed to a worker at once: enough to keep the hand-over cheap, few enough to keep memory flat.
const CHUNK_LINES: usize = 256;
/// A chunk also ends once it holds this many bytes, so that chunks of whole documents (one policy of
/// 50 KB per line) keep memory as flat as chunks of paragraphs.
const CHUNK_BYTES: usize = 64 << 10;

/// [`batch`] on `threads` worker threads. Output is identical, in input order; memory stays bounded
/// (a few chunks per thread in flight) whatever the input size.
pub fn batch_parallel(
    rules: &RuleSet,
    input: impl BufRead + Send,
    output: &mut dyn Write,
    threads: usize,
) -> io::Result<BatchStats> {
    if threads <= 1 {
        return batch(rules, input, output);
    }
    use std::collections::BTreeMap;
    use std::sync::mpsc::{Receiver, sync_channel};
    use std::sync::{Arc, Mutex};

    struct Chunk {
        seq: usize,
        first_line: usize,
        /// Each line's bytes, or `Err(length)` for one over [`MAX_RECORD`].
        lines: Vec<Result<Vec<u8>, usize>>,
    }
    let (work_tx, work_rx) = sync_channel::<Chunk>(threads * 2);
    let work_rx: Arc<Mutex<Receiver<Chunk>>> = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = sync_channel::<(usize, Vec<u8>, BatchStats)>(threads * 2);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> io::Result<()> {
            let mut input = input;
            let (mut seq, mut line_no) = (0, 0);
            loop {
                let first_line = line_no + 1;
                let mut lines = Vec::with_capacity(CHUNK_LINES);
                let (mut bytes, mut last) = (0, false);
                let mut buf = Vec::new();
                while lines.len() < CHUNK_LINES && bytes < CHUNK_BYTES {
                    match read_record(&mut input, &mut buf)? {
                        None => {
                            last = true;
                            break;
                        }
                        Some(Line::Bytes(b)) => {
                            bytes += b.len();
                            lines.push(Ok(b.to_vec()));
                        }
                        Some(Line::TooLong(n)) => lines.push(Err(n)),
                    }
                    line_no += 1;
                }
                if lines.is_empty() {
                    return Ok(());
                }
                // A closed channel means the writer stopped (a closed pipe): stop reading quietly.
                if work_tx.send(Chunk { seq, first_line, lines }).is_err() || last {
                    return Ok(());
                }
                seq += 1;
            }
        });
        for _ in 0..threads {
            let (work_rx, done_tx) = (work_rx.clone(), done_tx.clone());
            scope.spawn(move || {
                loop {
                    let chunk = match work_rx.lock().map(|rx| rx.recv()) {
                        Ok(Ok(c)) => c,
                        _ => return,
                    };
                    let mut out = Vec::new();
                    let mut stats = BatchStats::default();
                    let mut buf = Vec::new();
                    for (i, line) in chunk.lines.iter().enumerate() {
                        let line = match line {
                            Ok(bytes) => Line::Bytes(bytes),
                            Err(n) => Line::TooLong(*n),
                        };
                        // Writing to a Vec cannot fail.
                        let _ = tag_line(rules, line, chunk.first_line + i, &mut out, &mut stats, &mut buf);
                    }
                    if done_tx.send((chunk.seq, out, stats)).is_err() {
                        return;
                    }
                }
            });
        }
        // Only the workers hold these now: when they stop, a reader blocked on a full queue is released.
        drop(done_tx);
        drop(work_rx);
        let mut total = BatchStats::default();
        let mut pending: BTreeMap<usize, (Vec<u8>, BatchStats)> = BTreeMap::new();
        let mut next = 0;
        let written = (|| -> io::Result<()> {
            for (seq, bytes, stats) in done_rx.iter() {
                pending.insert(seq, (bytes, stats));
                while let Some((bytes, stats)) = pending.remove(&next) {
                    output.write_all(&bytes)?;
                    total.records += stats.records;
                    total.errors += stats.errors;
                    total.unread += stats.unread;
                    if total.first_error.is_none() {
                        total.first_error = stats.first_error;
                    }
                    next += 1;
                }
            }
            output.flush()
        })();
        // Unblock the reader and the workers before the scope joins them.
        drop(done_rx);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the input reader panicked")));
        written?;
        read?;
        Ok(total)
    })
}

/// Why a line of a JSONL batch is not a record; written into the output as that line's `error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("not valid UTF-8 (byte {0})")]
    NotUtf8(usize),
    #[error("not valid JSON: {0}")]
    NotJson(String),
    #[error("expected an object {{\"id\": ..., \"text\": \"...\"}}")]
    NotObject,
    #[error("missing field `{0}`")]
    Missing(&'static str),
    #[error("field `text` must be a string")]
    TextNotString,
    #[error("the line is {0} bytes, more than the {max} MB a record may have; it was skipped", max = MAX_RECORD >> 20)]
    TooLong(usize),
    #[error("field `text` is mostly control characters or U+FFFD: binary data, not a document")]
    NotText,
    /// A key given twice (`"text"`), which other readers resolve differently: refused, not guessed.
    #[error("not a record: {0}")]
    Invalid(String),
}

/// A record as written: the id kept as its exact JSON text (a 30-digit number stays 30 digits), and
/// any other fields ignored.
#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    text: Option<&'a RawValue>,
}

/// A field that is there, `null` included (an `Option` alone would read `"id": null` as missing).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

fn parse_record(line: &[u8]) -> Result<(&RawValue, String), RecordError> {
    let line = std::str::from_utf8(line).map_err(|e| RecordError::NotUtf8(e.valid_up_to()))?;
    if !line.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(line) {
            Ok(_) => RecordError::NotObject,
            Err(e) => RecordError::NotJson(e.to_string()),
        });
    }
    let record: Record = serde_json::from_str(line).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => RecordError::Invalid(e.to_string()),
        _ => RecordError::NotJson(e.to_string()),
    })?;
    let id = record.id.ok_or(RecordError::Missing("id"))?;
    let text = record.text.ok_or(RecordError::Missing("text"))?;
    match serde_json::from_str::<String>(text.get()) {
        Ok(text) if crate::document::ingest::mostly_not_text(&text) => Err(RecordError::NotText),
        Ok(text) => Ok((id, text)),
        Err(_) => Err(RecordError::TextNotString),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn doc(text: &str) -> Document {
        Document {
            source: "p.txt".into(),
            format: InputFormat::Text,
            charset: None,
            tags_stripped: false,
            text: text.into(),
        }
    }

    #[test]
    fn a_text_not_read_says_so_and_says_which_part_was() {
        let rules = RuleSet::default_rules().unwrap();
        let dutch = "Wij verkopen uw persoonsgegevens niet aan derden en delen ze niet met onze partners.\n\
                     U kunt op elk moment bezwaar maken tegen het gebruik van uw gegevens voor marketing.\n";
        let report = extract(&rules, &doc(dutch));
        assert!(!report.read);
        assert_eq!(
            report.unread().as_deref(),
            Some(
                "p.txt is in Dutch (nl); orgcheck has no Dutch rules, so nothing was read (it is not a text \
                 that says nothing)"
            )
        );
        let mixed = format!("{dutch}We share your location with advertisers.\n");
        let report = extract(&rules, &doc(&mixed));
        let note = report.unread().unwrap();
        assert!(
            note.contains("mostly in Dutch (nl)") && note.ends_with("only its English part was read"),
            "{note}"
        );
        assert!(
            extract(&rules, &doc("We sell your data to brokers."))
                .unread()
                .is_none()
        );
    }

    #[test]
    fn batch_keeps_order_and_reports_bad_lines() {
        let rules = RuleSet::default_rules().unwrap();
        let input = "{\"id\": 1, \"text\": \"We never sell your data.\"}\nnot \
                     json\n\n{\"id\": \"b\", \"text\": \"Nothing here.\"}\n{\"id\": 3}\n{\"id\": 4, \"text\": \
                                \"\\u00e9 \\ud83d\\ude00 GPS\"}";
        let mut out = Vec::new();
        let stats = batch(&rules, input.as_bytes(), &mut out).unwrap();
        assert_eq!(
            stats,
            BatchStats {
                records: 3,
                errors: 2,
                first_error: Some(2),
                unread: 0,
            }
        );
        let lines: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0]["id"], 1);
        assert_eq!(lines[0]["findings"][0]["polarity"], "negative");
        assert_eq!(lines[1]["line"], 2);
        assert!(lines[1]["error"].as_str().unwrap().starts_with("not valid JSON"));
        assert_eq!(lines[2]["id"], "b");
        assert_eq!(lines[2]["findings"].as_array().unwrap().len(), 0);
        assert_eq!(
            lines[3],
            serde_json::json!({"line": 5, "error": "missing field `text`"})
        );
        assert_eq!(lines[4]["findings"][0]["tag"], "location");
    }

    #[test]
    fn records_keep_their_ids_exactly_and_refuse_duplicate_keys() {
        let rules = RuleSet::default_rules().unwrap();
        let input = "\u{FEFF}{\"id\": 123456789012345678901234567890, \"text\": \"We sell data.\"}\n\
                     {\"id\": 1.50, \"text\": \"x\", \"text\": \"y\"}\n\
                     {\"id\": null, \"text\": \"x\", \"lang\": \"en\"}\n\
                     {\"id\": {\"uri\": \"https://a.example/\\u00e9\"}, \"text\": 7}\n\
                     [1, 2]\n";
        let mut out = Vec::new();
        let stats = batch(&rules, input.as_bytes(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0].starts_with("{\"id\":123456789012345678901234567890,"),
            "a byte order mark is skipped and the id kept digit for digit: {}",
            lines[0]
        );
        assert!(lines[1].contains("duplicate field `text`"), "{}", lines[1]);
        assert!(lines[2].starts_with("{\"id\":null,"), "{}", lines[2]);
        assert!(lines[3].contains("field `text` must be a string"), "{}", lines[3]);
        assert!(lines[4].contains("expected an object"), "{}", lines[4]);
        assert_eq!((stats.records, stats.errors), (2, 3));
    }

    #[test]
    fn a_line_over_the_record_limit_is_skipped_unkept_and_the_batch_goes_on() {
        let rules = RuleSet::default_rules().unwrap();
        let huge = format!(
            "{{\"id\": 2, \"text\": \"{}\"}}",
            "We sell data. ".repeat(MAX_RECORD / 14 + 10)
        );
        let input = format!("{{\"id\": 1, \"text\": \"We sell data.\"}}\n{huge}\n{{\"id\": 3, \"text\": \"x\"}}\n");
        for threads in [1, 2] {
            let mut out = Vec::new();
            let stats = batch_parallel(&rules, input.as_bytes(), &mut out, threads).unwrap();
            let out = String::from_utf8(out).unwrap();
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines.len(), 3, "{threads} threads");
            assert!(lines[0].starts_with("{\"id\":1,"));
            assert!(
                lines[1].starts_with("{\"line\":2,") && lines[1].contains("more than the 8 MB"),
                "{}",
                lines[1]
            );
            assert!(lines[2].starts_with("{\"id\":3,"));
            assert_eq!((stats.records, stats.errors, stats.first_error), (2, 1, Some(2)));
        }
    }

    #[test]
    fn parallel_batch_output_is_identical_and_in_order() {
        let rules = RuleSet::default_rules().unwrap();
        let mut input = String::new();
        for i in 0..2000 {
            match i % 7 {
                0 => input.push_str("not json\n"),
                1 => input.push('\n'),
                _ => input.push_str(&format!(
                    "{{\"id\": {i}, \"text\": \"We never sell data {i}. We may share it with partners.\"}}\n"
                )),
            }
        }
        let mut one = Vec::new();
        let s1 = batch(&rules, input.as_bytes(), &mut one).unwrap();
        for threads in [2, 3, 8] {
            let mut many = Vec::new();
            let sn = batch_parallel(&rules, input.as_bytes(), &mut many, threads).unwrap();
            assert_eq!(sn, s1, "{threads} threads");
            assert!(many == one, "{threads} threads: output differs");
        }
        assert_eq!(s1.first_error, Some(1));
    }

    #[test]
    fn batch_spans_index_the_given_text() {
        let rules = RuleSet::default_rules().unwrap();
        let text = "Intro.  Double  spaced.\r\n\r\n• We may pass Aggregated Data to third parties.";
        let input = serde_json::json!({"id": 0, "text": text}).to_string();
        let mut out = Vec::new();
        batch(&rules, input.as_bytes(), &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        for f in v["findings"].as_array().unwrap() {
            let (s, e) = (
                f["start"].as_u64().unwrap() as usize,
                f["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[s..e], f["clause"].as_str().unwrap());
        }
    }
}
