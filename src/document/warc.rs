//! Web archives: the records of a WARC file (ISO 28500, as Common Crawl and the Wayback Machine serve
//! them), read one at a time, and the HTTP response each `response` record holds.
//!
//! The reader streams: one record's block is in memory at a time, and a block larger than the limit is
//! skipped unread rather than held. Gzip, one member per record (`.warc.gz`), is undone by the caller
//! with a multi-member decoder before the bytes reach [`Records`].

use std::io::{self, BufRead, Read};

/// The WARC headers of a record and its block (for a `response`, the HTTP response as received).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1 for the file's first record.
    pub number: usize,
    pub headers: Vec<(String, String)>,
    /// `None` when the block was larger than the limit and was skipped.
    pub block: Option<Vec<u8>>,
    pub length: u64,
}

impl Record {
    /// A WARC header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why the rest of a file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WarcError {
    #[error("record {number}: {problem}")]
    Malformed { number: usize, problem: String },
    #[error("record {number}{} is truncated: the file ends {missing} bytes before its Content-Length \
             says", .uri.as_ref().map(|u| format!(" ({u})")).unwrap_or_default())]
    Truncated {
        number: usize,
        uri: Option<String>,
        missing: u64,
    },
    #[error("record {number}: {error}")]
    Io { number: usize, error: String },
}

/// The records of a WARC stream, in order. After an error the iterator ends.
pub struct Records<R> {
    input: R,
    number: usize,
    max_block: u64,
    done: bool,
}

/// The longest header line read: a longer one is not WARC.
const MAX_LINE: usize = 64 << 10;
/// The most header lines in one record.
const MAX_HEADERS: usize = 512;

impl<R: BufRead> Records<R> {
    /// Reads records from `input`; blocks longer than `max_block` bytes are skipped, not read.
    pub fn new(input: R, max_block: u64) -> Records<R> {
        Records {
            input,
            number: 0,
            max_block,
            done: false,
        }
    }

    /// One line without its line end, at most [`MAX_LINE`] bytes; `None` at the end of the input.
    fn line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        let n = (&mut self.input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        if buf.len() > MAX_LINE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a header line longer than 64 KB",
            ));
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        Ok(Some(buf))
    }

    fn next_record(&mut self) -> Result<Option<Record>, WarcError> {
        let number = self.number + 1;
        let io_error = |e: io::Error| WarcError::Io {
            number,
            error: e.to_string(),
        };
        let malformed = |problem: String| WarcError::Malformed { number, problem };
        // Blank lines separate records.
        let version = loop {
            match self.line().map_err(io_error)? {
                None => return Ok(None),
                Some(l) if l.iter().all(u8::is_ascii_whitespace) => continue,
                Some(l) => break l,
            }
        };
        if !version.starts_with(b"WARC/") {
            return Err(malformed(format!(
                "expected a `WARC/1.x` line, found `{}`; is this a WARC file (gzip is undone first)?",
                String::from_utf8_lossy(&version[..version.len().min(40)])
            )));
        }
        self.number = number;
        let mut headers = Vec::new();
        loop {
            let Some(line) = self.line().map_err(io_error)? else {
                return Err(WarcError::Truncated {
                    number,
                    uri: None,
                    missing: 0,
                });
            };
            if line.is_empty() {
                break;
            }
            if headers.len() == MAX_HEADERS {
                return Err(malformed("more than 512 header lines".into()));
            }
            let line = String::from_utf8_lossy(&line).into_owned();
            match line.split_once(':') {
                Some((k, v)) => headers.push((k.trim().to_string(), v.trim().to_string())),
                None => return Err(malformed(format!("`{line}` is not a header line"))),
            }
        }
        let length: u64 = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
            // Digits only: `u64::from_str` takes a sign ("+123"), which the WARC grammar does not.
            .filter(|(_, v)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|(_, v)| v.parse().ok())
            .ok_or_else(|| malformed("no valid Content-Length header".into()))?;
        let uri = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("WARC-Target-URI"))
            .map(|(_, v)| v.clone());
        let block = if length <= self.max_block {
            let mut block = Vec::with_capacity(length as usize);
            let read = (&mut self.input)
                .take(length)
                .read_to_end(&mut block)
                .map_err(io_error)?;
            if (read as u64) < length {
                return Err(WarcError::Truncated {
                    number,
                    uri,
                    missing: length - read as u64,
                });
            }
            Some(block)
        } else {
            let skipped = io::copy(&mut (&mut self.input).take(length), &mut io::sink()).map_err(io_error)?;
            if skipped < length {
                return Err(WarcError::Truncated {
                    number,
                    uri,
                    missing: length - skipped,
                });
            }
            None
        };
        Ok(Some(Record {
            number,
            headers,
            block,
            length,
        }))
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<Record, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.next_record().transpose();
        if !matches!(next, Some(Ok(_))) {
            self.done = true;
        }
        next
    }
}

/// The HTTP response of a `response` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    /// The body, with chunked transfer and gzip or deflate content encoding undone.
    pub body: Vec<u8>,
}

/// Why a `response` record's block is not an HTTP response orgcheck can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    #[error("no end to the HTTP headers")]
    NoHeaderEnd,
    #[error("`{0}` is not an HTTP status line")]
    StatusLine(String),
    #[error("content encoding `{0}` is not supported")]
    Encoding(String),
    #[error("cannot decompress the body: {0}")]
    Decompress(String),
    #[error("the body is larger than {0} bytes once decompressed")]
    TooLarge(u64),
    #[error("a chunk size line without an end")]
    ChunkLine,
    #[error("`{0}` is not a chunk size")]
    ChunkSize(String),
    #[error("the last chunk is cut short")]
    ChunkCut,
}

/// Reads the HTTP response in a record's block.
pub fn response(block: &[u8], max_body: u64) -> Result<Response, ResponseError> {
    let end = block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| block.windows(2).position(|w| w == b"\n\n").map(|i| (i, i + 2)))
        .ok_or(ResponseError::NoHeaderEnd)?;
    let head = String::from_utf8_lossy(&block[..end.0]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|_| status_line.starts_with("HTTP/"))
        .ok_or_else(|| ResponseError::StatusLine(status_line.chars().take(40).collect()))?;
    let header = |name: &str| {
        head.lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    };
    let mut body = block[end.1..].to_vec();
    if header("Transfer-Encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        body = dechunk(&body)?;
    }
    match header("Content-Encoding").map(|e| e.to_ascii_lowercase()).as_deref() {
        None | Some("identity") | Some("") => {}
        Some("gzip" | "x-gzip") => body = inflate(flate2::read::MultiGzDecoder::new(&body[..]), max_body)?,
        Some("deflate") => body = inflate(flate2::read::ZlibDecoder::new(&body[..]), max_body)?,
        Some(other) => return Err(ResponseError::Encoding(other.to_string())),
    }
    Ok(Response {
        status,
        content_type: header("Content-Type"),
        body,
    })
}

fn inflate(reader: impl Read, max: u64) -> Result<Vec<u8>, ResponseError> {
    let mut out = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| ResponseError::Decompress(e.to_string()))?;
    if out.len() as u64 > max {
        return Err(ResponseError::TooLarge(max));
    }
    Ok(out)
}

/// Undoes HTTP/1.1 chunked transfer coding.
fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, ResponseError> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let eol = data.iter().position(|b| *b == b'\n').ok_or(ResponseError::ChunkLine)?;
        let size_line = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| ResponseError::ChunkSize(size_line.trim().to_string()))?;
        data = &data[eol + 1..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size {
            return Err(ResponseError::ChunkCut);
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size..];
        data = data
            .strip_prefix(b"\r\n")
            .or_else(|| data.strip_prefix(b"\n"))
            .unwrap_or(data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: \
             2024-03-01T12:00:00Z\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    #[test]
    fn a_signed_content_length_is_malformed() {
        let body = b"HTTP/1.1 200 OK\r\n\r\nhello";
        let text = String::from_utf8(record("response", "https://a.example/privacy", body)).unwrap();
        let line = format!("Content-Length: {}", body.len());
        for length in [format!("+{}", body.len()), "-0".into(), " ".into(), "0x18".into()] {
            let length = length.as_str();
            let bad = text.replacen(&line, &format!("Content-Length: {length}"), 1);
            assert_ne!(bad, text, "the test record has the length it replaces");
            let first = Records::new(bad.as_bytes(), 1 << 20).next().expect("a result");
            let err = first.expect_err(length).to_string();
            assert!(err.contains("Content-Length"), "{length}: {err}");
        }
    }

    #[test]
    fn reads_records_and_their_responses() {
        let body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>We never sell data.</p>";
        let mut file = record("warcinfo", "", b"software: test\r\n");
        file.extend(record("response", "https://a.example/privacy", body));
        let records: Vec<Record> = Records::new(&file[..], 1 << 20).map(Result::unwrap).collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].header("warc-target-uri"), Some("https://a.example/privacy"));
        let r = response(records[1].block.as_ref().unwrap(), 1 << 20).unwrap();
        assert_eq!(
            (r.status, r.content_type.as_deref()),
            (200, Some("text/html; charset=utf-8"))
        );
        assert_eq!(r.body, b"<p>We never sell data.</p>");
    }

    #[test]
    fn a_truncated_record_ends_the_file_with_an_error() {
        let mut file = record("response", "https://a.example/", b"HTTP/1.1 200 OK\r\n\r\nhello");
        file.extend(&record("response", "https://b.example/", b"HTTP/1.1 200 OK\r\n\r\nhello world")[..60]);
        let out: Vec<_> = Records::new(&file[..], 1 << 20).collect();
        assert!(out[0].is_ok());
        assert!(matches!(out[1], Err(WarcError::Truncated { number: 2, .. })), "{out:?}");
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn a_large_block_is_skipped_and_garbage_is_refused() {
        let file = record("response", "https://a.example/", &[b'x'; 1000]);
        let r = Records::new(&file[..], 100).next().unwrap().unwrap();
        assert_eq!((r.block, r.length), (None, 1000));
        let err = Records::new(&b"<html>not warc</html>"[..], 100)
            .next()
            .unwrap()
            .unwrap_err();
        assert!(err.to_string().contains("expected a `WARC/1.x` line"), "{err}");
    }

    #[test]
    fn chunked_and_gzip_bodies_are_undone() {
        let r = response(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
            1 << 20,
        )
        .unwrap();
        assert_eq!(r.body, b"hello world");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, b"compressed policy").unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend(gz.finish().unwrap());
        assert_eq!(response(&block, 1 << 20).unwrap().body, b"compressed policy");
        assert!(response(b"garbage", 10).is_err());
    }
}
