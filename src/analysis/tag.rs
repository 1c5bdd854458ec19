//! The practices orgcheck tags, and everything the rest of orgcheck knows about each of them: its
//! names, its colour in a table, and how findings of it are read. Adding a tag is a variant here with
//! its arm in [`Tag::about`], rules in `rules/default.toml` (a unit test wants at least one per tag), its
//! words in each letter template (`letters/*.toml`; a unit test wants them), and the tag in the annotated
//! data `eval` scores; the verdicts, tables and lint follow from this module.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The practices orgcheck tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Tag {
    /// Aggregated, anonymised, de-identified or statistical data.
    Aggregation,
    /// Sharing, disclosing, passing, selling or providing data to others.
    ThirdPartySharing,
    /// Choice and control: opt-out, opt-in, consent, objection, withdrawal.
    OptOut,
    /// Location data: cell site, GPS, where a device or person is.
    Location,
}

/// A colour a tag is shown in on a terminal (always bold): the terminal's own colours, so that a new
/// tag picks one without touching the output code. Red is left for contradictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Green,
    Yellow,
    Blue,
    Magenta,
    Cyan,
    White,
}

/// What orgcheck knows about one tag, beside its rules.
#[derive(Debug)]
pub struct About {
    /// The tag's name in rules files, JSON and flags: `third-party-sharing`.
    pub label: &'static str,
    /// The name in tables and reports, where the context says it is a tag: `sharing`.
    pub short: &'static str,
    pub colour: Colour,
    /// Whether `lint` pairs a denial of this tag with a permission of it in the same document.
    pub linted: bool,
    /// Whether only the company's own practice counts: "you do not disclose your password" and "they
    /// may not share it" are the customer's or another party's practice, not a statement about the
    /// company's.
    pub company_practice_only: bool,
}

impl Tag {
    /// Every tag, in the order reports list them.
    pub const ALL: [Tag; 4] = [Tag::Aggregation, Tag::ThirdPartySharing, Tag::OptOut, Tag::Location];

    /// Everything about the tag in one place.
    pub const fn about(self) -> &'static About {
        match self {
            Tag::Aggregation => &About {
                label: "aggregation",
                short: "aggregation",
                colour: Colour::Blue,
                linted: true,
                company_practice_only: true,
            },
            Tag::ThirdPartySharing => &About {
                label: "third-party-sharing",
                short: "sharing",
                colour: Colour::Magenta,
                linted: true,
                company_practice_only: true,
            },
            Tag::OptOut => &About {
                label: "opt-out",
                short: "opt-out",
                colour: Colour::Cyan,
                // Opt-out denials and permissions are about different choices far more often than not
                // ("you are not opting out of newsletters" beside "you may opt out of marketing
                // e-mails"), and a practice does not say which choice.
                linted: false,
                // Opting out is the customer's by nature.
                company_practice_only: false,
            },
            Tag::Location => &About {
                label: "location",
                short: "location",
                colour: Colour::Green,
                linted: true,
                company_practice_only: true,
            },
        }
    }

    pub fn as_str(self) -> &'static str {
        self.about().label
    }

    /// The tag's place in [`Tag::ALL`], for tables indexed by tag.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of [`Tag::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tag `{0}`; known tags: {known}", known = Tag::ALL.map(Tag::as_str).join(", "))]
pub struct UnknownTag(pub String);

impl FromStr for Tag {
    type Err = UnknownTag;
    fn from_str(s: &str) -> Result<Self, UnknownTag> {
        Tag::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownTag(s.to_string()))
    }
}

/// Whether a finding affirms a practice ("we may share") or denies it ("we never share").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    Positive,
    Negative,
}

impl Polarity {
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Negative => "negative",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_is_at_its_index_and_named_as_serde_names_it() {
        for (i, tag) in Tag::ALL.into_iter().enumerate() {
            assert_eq!(tag.index(), i);
            assert_eq!(serde_json::to_value(tag).unwrap(), tag.as_str());
            assert_eq!(tag.as_str().parse::<Tag>(), Ok(tag));
        }
        assert_eq!(
            "telepathy".parse::<Tag>().unwrap_err().to_string(),
            "unknown tag `telepathy`; known tags: aggregation, third-party-sharing, opt-out, location"
        );
    }

    #[test]
    fn every_tag_has_its_own_words_and_colour() {
        let fields: [fn(&About) -> String; 3] = [|a| a.label.into(), |a| a.short.into(), |a| format!("{:?}", a.colour)];
        for field in fields {
            let values: std::collections::HashSet<String> = Tag::ALL.map(|t| field(t.about())).into();
            assert_eq!(values.len(), Tag::ALL.len(), "two tags share {values:?}");
            assert!(!values.contains(""));
        }
    }
}
