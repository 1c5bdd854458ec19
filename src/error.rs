//! The library's error type. Every variant names the file (and line, where known) and says what to do next.

use std::fmt;
use std::path::PathBuf;

/// Where in an input a problem is: a file, optionally a line and a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: Option<usize>,
    pub field: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            line: None,
            field: None,
        }
    }

    pub fn at(file: impl Into<String>, line: usize) -> Self {
        Location {
            file: file.into(),
            line: Some(line),
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        Ok(())
    }
}

/// One problem found while validating a file; validation collects all of them before failing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// One or more problems in declaration or rule files; each names file, line and field.
    #[error("{}", join_problems(.0))]
    Invalid(Vec<Problem>),

    #[error(
        "{path}: not valid UTF-8 (first bad byte at offset {offset}); convert it first, e.g. `iconv -f WINDOWS-1252 -t UTF-8`"
    )]
    NotUtf8 { path: String, offset: usize },

    #[error("{path}: {message}")]
    Input { path: String, message: String },

    #[error("unknown provider `{id}`; known providers: {known}")]
    UnknownProvider { id: String, known: String },
}

fn join_problems(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn invalid(location: Location, message: impl Into<String>) -> Self {
        Error::Invalid(vec![Problem {
            location,
            message: message.into(),
        }])
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Converts a byte offset into a 1-based line number.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Turns a TOML parse or deserialisation error into a problem with the file, line and (for missing or
/// unknown fields) the field it points at.
pub fn toml_problem(file: &str, source: &str, err: &toml::de::Error) -> Problem {
    let line = err.span().map(|span| line_of(source, span.start));
    // toml's message repeats the position and a source excerpt; the first line is the useful part.
    let message = err
        .message()
        .lines()
        .next()
        .unwrap_or("invalid TOML")
        .trim()
        .to_string();
    let field_named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    let location = Location {
        file: file.to_string(),
        line,
        field: None,
    };
    let (location, message) = if let Some(field) = field_named("missing field `") {
        (
            location.with_field(field.clone()),
            format!("required but missing; add `{field} = ...` to this table"),
        )
    } else if let Some(field) = field_named("unknown field `") {
        let expected = message
            .split_once(", ")
            .map_or(String::new(), |(_, rest)| format!(" ({rest})"));
        (
            location.with_field(field),
            format!("unknown field{expected}; check the spelling"),
        )
    } else {
        (location, format!("{message}; fix the TOML there"))
    };
    Problem { location, message }
}

/// Decodes bytes as UTF-8 or reports where the first bad byte is.
pub fn decode_utf8(path: &str, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        path: path.to_string(),
        offset: e.utf8_error().valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_are_one_based() {
        let text = "a\nb\nc";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 2), 2);
        assert_eq!(line_of(text, 4), 3);
        assert_eq!(line_of(text, 99), 3);
    }

    #[test]
    fn location_display_names_file_line_field() {
        let loc = Location::at("providers/o2.toml", 7).with_field("url");
        assert_eq!(loc.to_string(), "providers/o2.toml:7: field `url`");
    }

    #[test]
    fn toml_errors_name_the_field() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            name: String,
        }
        let src = "\nnmae = 1\n";
        let err = toml::from_str::<T>(src).unwrap_err();
        assert_eq!(
            toml_problem("f.toml", src, &err).to_string(),
            "f.toml:2: field `nmae`: unknown field (expected `name`); check the spelling"
        );
        let err = toml::from_str::<T>("").unwrap_err();
        assert_eq!(
            toml_problem("f.toml", "", &err).to_string(),
            "f.toml:1: field `name`: required but missing; add `name = ...` to this table"
        );
        let err = toml::from_str::<T>("name = \"x").unwrap_err();
        assert!(
            toml_problem("f.toml", "name = \"x", &err)
                .to_string()
                .starts_with("f.toml:1: ")
        );
    }

    #[test]
    fn non_utf8_reports_offset() {
        let err = decode_utf8("x.txt", b"ab\xffc".to_vec()).unwrap_err();
        assert!(err.to_string().contains("offset 2"), "{err}");
    }
}
