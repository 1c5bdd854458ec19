//! Importing an archived version: a policy text saved by the Wayback Machine, Open Terms Archive or
//! ToSBack, added to the store under the date the archive captured it. It goes through the same
//! ingestion as a fetched page (charset, HTML isolation, PDF), so `history` reads an imported history
//! as it would a fetched one, dated by when each text was in force rather than by when it was imported.

use std::path::Path;
use std::time::Duration;

use crate::base::error::{Error, Result};
use crate::base::hash::sha256_hex;
use crate::base::report::{ORGCHECK_VERSION, now_rfc3339};
use crate::document::ingest::{Input, Isolation};
use crate::document::markup::InputFormat;
use crate::inputs::store::{Imported, ImportedFrom, Meta, Store};

/// What to import and how to read it.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub provider: &'a str,
    pub document: &'a str,
    pub file: &'a Path,
    /// The day the archive captured the text (YYYY-MM-DD).
    pub date: &'a str,
    /// The archive's address for it, kept in the version's metadata.
    pub source: Option<&'a str>,
    /// The format to read the file as, when not detected.
    pub format: Option<InputFormat>,
    pub isolation: &'a Isolation,
    /// How long to wait for another run's store lock.
    pub lock_wait: Duration,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub imported: Imported,
    /// Characters of text read.
    pub chars: usize,
    /// The text's language, where it could be told.
    pub language: Option<String>,
}

/// The date as a version time (`2013-05-30T00:00:00Z`), refusing one that is not a calendar date or is
/// after `today`.
pub fn version_time(date: &str, today: jiff::civil::Date) -> Result<String> {
    let bad = |problem: &str| Error::ImportDate {
        date: date.to_string(),
        problem: problem.to_string(),
    };
    if date.len() != 10 {
        return Err(bad("use the day the archive captured the text, as YYYY-MM-DD"));
    }
    let day: jiff::civil::Date = date.parse().map_err(|_| bad("not a calendar date; use YYYY-MM-DD"))?;
    if day > today {
        return Err(bad(&format!(
            "is in the future (today is {today}); an archived version has a date that has passed"
        )));
    }
    Ok(format!("{day}T00:00:00Z"))
}

/// Reads the file, and adds its text to the store under the date, holding the store's lock.
pub fn import(store: &Store, request: &ImportRequest<'_>) -> Result<ImportOutcome> {
    let today = jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::now()).date();
    let fetched_at = version_time(request.date, today)?;
    let input = Input::local(request.file);
    let raw = std::fs::read(request.file).map_err(|e| Error::io(request.file, e))?;
    let doc = input.read_document(request.format, request.isolation)?;
    let language = crate::analysis::language::detect(&doc.text)
        .language
        .map(|l| l.code().to_string());
    let file = request.file.display().to_string();
    let address = request.source.map(str::to_string).unwrap_or_else(|| file.clone());
    let meta = Meta {
        url: address.clone(),
        final_url: address,
        status: 0,
        etag: None,
        last_modified: None,
        content_type: None,
        kind: doc.format.as_str().to_string(),
        charset: doc.charset.map(str::to_string),
        fetched_at,
        raw_sha256: sha256_hex(&raw),
        text_sha256: String::new(),
        orgcheck_version: ORGCHECK_VERSION.to_string(),
        // No declaration selected this text: a later fetch sends no validators from it.
        declaration_sha256: String::new(),
        version: String::new(),
        rendered: None,
        language: language.clone(),
        imported: Some(ImportedFrom {
            file,
            source: request.source.map(str::to_string),
            imported_at: now_rfc3339(),
        }),
    };
    let _lock = store.lock(request.lock_wait)?;
    let imported = store.import(request.provider, request.document, meta, &doc.text)?;
    Ok(ImportOutcome {
        imported,
        chars: doc.text.chars().count(),
        language,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_days_that_have_passed() {
        let today: jiff::civil::Date = "2026-12-06".parse().unwrap();
        assert_eq!(version_time("2013-05-30", today).unwrap(), "2013-05-30T00:00:00Z");
        assert_eq!(version_time("2026-12-06", today).unwrap(), "2026-12-06T00:00:00Z");
        for (bad, says) in [
            ("2026-12-07", "in the future"),
            ("2013-02-30", "not a calendar date"),
            ("2013-5-30", "YYYY-MM-DD"),
            ("30/05/2013", "YYYY-MM-DD"),
        ] {
            let err = version_time(bad, today).unwrap_err().to_string();
            assert!(err.contains(says) && err.contains(bad), "{bad}: {err}");
        }
    }

    #[test]
    fn versions_are_kept_in_date_order_whatever_order_they_come_in() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("store"));
        let iso = Isolation::default();
        let files = [
            ("2015-07-14", "We may share your location data with advertisers.\n"),
            ("2012-03-01", "We never sell your personal information.\n"),
            ("2013-05-30", "We never sell your personal information to anyone.\n"),
            // The same text as the version before it in date order adds nothing.
            ("2013-06-01", "We never sell your personal information to anyone.\n"),
        ];
        let mut outcomes = Vec::new();
        for (i, (date, text)) in files.iter().enumerate() {
            let file = dir.path().join(format!("v{i}.txt"));
            std::fs::write(&file, text).unwrap();
            let request = ImportRequest {
                provider: "acme",
                document: "privacy-policy",
                file: &file,
                date,
                source: Some("https://web.archive.org/web/2015/https://acme.example/privacy"),
                format: None,
                isolation: &iso,
                lock_wait: Duration::ZERO,
            };
            outcomes.push(import(&store, &request).unwrap().imported);
        }
        assert_eq!(
            outcomes[0],
            Imported::Added {
                version: "2015-07-14T000000Z".into(),
                latest: true
            }
        );
        assert_eq!(
            outcomes[1],
            Imported::Added {
                version: "2012-03-01T000000Z".into(),
                latest: false
            }
        );
        assert!(matches!(&outcomes[3], Imported::Same { version } if version == "2013-05-30T000000Z"));
        let ids = store.versions("acme", "privacy-policy").unwrap();
        assert_eq!(ids, ["2012-03-01T000000Z", "2013-05-30T000000Z", "2015-07-14T000000Z"]);
        let latest = store.latest("acme", "privacy-policy").unwrap().unwrap();
        assert_eq!(latest.meta.version, "2015-07-14T000000Z");
        let meta = store.version("acme", "privacy-policy", &ids[0]).unwrap().unwrap().meta;
        assert_eq!(meta.fetched_at, "2012-03-01T00:00:00Z");
        assert_eq!(meta.status, 0);
        assert!(
            meta.imported
                .unwrap()
                .source
                .unwrap()
                .starts_with("https://web.archive.org/")
        );
    }
}
