//! What every JSON document orgcheck writes carries: the schema version, the orgcheck version, UTC
//! times, and how a report names one version of a document.

use serde::Serialize;

/// Version of the JSON documents orgcheck writes; bumped on any incompatible change to a document.
/// Each kind of document carries its own: most are at 1.
pub const SCHEMA_VERSION: u32 = 1;

/// Version of `compare --format json`: 2 since the `narrow-denial` verdict and the scopes of `details`
/// (issue 13); 3 since `details` is an object keyed by tag, as `verdicts` is, not an array (issue 33).
/// docs/schema/README.md keeps the history.
pub const COMPARE_SCHEMA_VERSION: u32 = 3;

/// Version of `eval --format json`: 2 since a precision, recall or F1 with nothing to measure is null,
/// not 0, and the macro average leaves such a tag out.
pub const EVAL_SCHEMA_VERSION: u32 = 2;

/// The orgcheck version that writes a report, a store entry or a baseline.
pub const ORGCHECK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The current time as RFC 3339 in UTC, to the second: `2026-11-28T05:42:07Z`.
pub fn now_rfc3339() -> String {
    rfc3339(jiff::Timestamp::now())
}

/// A time as RFC 3339 in UTC, to the second.
pub fn rfc3339(t: jiff::Timestamp) -> String {
    // Whole seconds: store version ids are made from this string and must not carry fractions.
    jiff::Timestamp::from_second(t.as_second())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string()
}

/// One version of a document, as a report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct VersionInfo {
    /// The version id in the store, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When the version was fetched (RFC 3339), or the file it was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The file it was read from, for `orgcheck diff OLD NEW`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// SHA-256 of the stored (normalised) text.
    pub sha256: String,
    /// The language the text is in (ISO 639-1 code), where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl VersionInfo {
    /// A short label: the date (YYYY-MM-DD HH:MM) or the file name.
    pub fn label(&self) -> String {
        match (&self.file, &self.date, &self.version) {
            (Some(f), ..) => f.clone(),
            (None, Some(d), _) => d.get(..16).unwrap_or(d).replace('T', " "),
            (None, None, Some(v)) => v.clone(),
            _ => self.sha256.get(..12).unwrap_or("").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_whole_seconds_in_utc() {
        let at = |s: i64, ns: i32| rfc3339(jiff::Timestamp::new(s, ns).unwrap());
        assert_eq!(at(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(at(1_795_844_527, 999_000_000), "2026-11-28T05:42:07Z");
        assert_eq!(at(951_782_400, 0), "2000-02-29T00:00:00Z");
        assert_eq!(now_rfc3339().len(), "2026-11-28T05:42:07Z".len());
    }
}
