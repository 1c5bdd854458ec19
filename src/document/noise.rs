//! Noise: the edits between two versions of a policy that do not change what it says — white space,
//! punctuation, section numbers, "last updated" dates, tracking parameters, leftover markup. A
//! [`Normaliser`] takes the noise out of a clause (its comparison key) or of a whole text (its hash), so
//! that the diff and the fetcher's change confirmation agree on what counts as a change.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};

use crate::base::hash::sha256_hex;
use crate::document::segment;

/// A kind of edit that does not count as a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Noise {
    /// Runs of white space, line breaks, and clauses split or joined differently.
    Whitespace,
    /// Punctuation and symbols: quotes, dashes, commas, full stops.
    Punctuation,
    /// Section numbers ("4.2.1 Sharing") and cross-references to them ("see section 7").
    Numbering,
    /// The dates in "last updated", "effective from", "archived on" and similar lines.
    LastUpdated,
    /// Tracking parameters in link query strings (utm_*, gclid, fbclid, …).
    Tracking,
    /// HTML tags and entities left in plain text by a crawler (`<li>`, `<br>`, `&amp;`).
    Markup,
}

impl Noise {
    pub const ALL: [Noise; 6] = [
        Noise::Whitespace,
        Noise::Punctuation,
        Noise::Numbering,
        Noise::LastUpdated,
        Noise::Tracking,
        Noise::Markup,
    ];

    /// What the normaliser treats as noise, in a sentence (the CLI's help shows it).
    pub fn description(self) -> &'static str {
        match self {
            Noise::Whitespace => "Runs of white space, line breaks, and clauses split or joined differently",
            Noise::Punctuation => "Punctuation and symbols: quotes, dashes, commas, full stops",
            Noise::Numbering => "Section numbers (\"4.2.1 Sharing\") and cross-references to them (\"see section 7\")",
            Noise::LastUpdated => {
                "The dates in \"last updated\", \"effective from\", \"archived on\" and similar lines, in titles \
                 (\"Privacy Policy – June 2015\"), and copyright years"
            }
            Noise::Tracking => "Tracking parameters in link query strings (utm_*, gclid, fbclid, …)",
            Noise::Markup => "HTML tags and entities left in plain text by a crawler (`<li>`, `<br>`, `&amp;`)",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Noise::Whitespace => "whitespace",
            Noise::Punctuation => "punctuation",
            Noise::Numbering => "numbering",
            Noise::LastUpdated => "last-updated",
            Noise::Tracking => "tracking",
            Noise::Markup => "markup",
        }
    }
}

/// A name that is not one of [`Noise::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind of noise `{0}`; known: {known}", known = Noise::ALL.map(Noise::as_str).join(", "))]
pub struct UnknownNoise(pub String);

impl std::str::FromStr for Noise {
    type Err = UnknownNoise;
    fn from_str(s: &str) -> Result<Self, UnknownNoise> {
        Noise::ALL
            .into_iter()
            .find(|n| n.as_str() == s)
            .ok_or_else(|| UnknownNoise(s.to_string()))
    }
}

impl fmt::Display for Noise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set of noise normalisers in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normaliser {
    on: Vec<Noise>,
}

impl Default for Normaliser {
    fn default() -> Self {
        Normaliser::all()
    }
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(?:https?://|www\.)[^\s<>"'()\[\]]+"#).expect("static regex"));
static SECTION_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:(?:section|clause|article|part|paragraph)\s+)?(?:\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)]|\(?[a-z]\)|",
        r"\([ivx]{1,5}\))\s+",
    ))
    .expect("static regex")
});
static SECTION_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(sections?|clauses?|paragraphs?|parts?|articles?)\s+\d{1,3}(?:\.\d{1,3})*(?:\s*\([a-z0-9]{1,3}\))?",
    )
    .expect("static regex")
});
static UPDATED_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:last\s+(?:updated|modified|revised|reviewed|amended|changed)|updated\s*(?:on|:)|",
        r"effective\s+(?:date|from|as\s+of|on)|date\s+of\s+(?:last\s+)?(?:update|revision)|publication\s+date|",
        r"published\s*(?:on|:)|version\s+date|valid\s+from|in\s+force\s+from|(?:archived|captured|retrieved|",
        r"crawled)\s+(?:on|at))\b",
    ))
    .expect("static regex")
});
/// A copyright line's years ("© 2016 T-Mobile", "Copyright 2012-2015"): they move every January.
static COPYRIGHT_YEARS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:©|\(c\)|\bcopyright)\s*(?:©\s*)?\d{4}(?:\s*[-–]\s*\d{4})?").expect("static regex")
});
/// The most words of a clause read as a title ("Privacy Policy – June 2015"), whose date is its edition.
const TITLE_WORDS: usize = 12;

/// Whether a clause reads as a title or a heading: short, with no closing punctuation.
fn is_title_like(clause: &str) -> bool {
    let t = clause.trim();
    !t.ends_with(['.', '!', '?', ';', ':']) && t.split_whitespace().nth(TITLE_WORDS).is_none()
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    const MONTH: &str = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?";
    Regex::new(&format!(
        concat!(
            r"(?i)\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}}|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|",
            r"th)?,?\s+\d{{4}}|{MONTH}\s+\d{{4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})\b",
        ),
        MONTH = MONTH,
    ))
    .expect("static regex")
});

/// Query parameters that identify a campaign or a click, not a page.
const TRACKING_PARAMS: &[&str] = &[
    "gclid",
    "gclsrc",
    "dclid",
    "fbclid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ref_src",
    "trk",
    "cmpid",
    "icid",
    "s_cid",
    "vero_id",
    "oly_anon_id",
    "oly_enc_id",
];

fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || TRACKING_PARAMS.contains(&name.as_str())
}

/// `url` without tracking parameters (and without a `?` left empty by their removal).
fn strip_tracking(url: &str) -> Cow<'_, str> {
    let Some((base, rest)) = url.split_once('?') else {
        return Cow::Borrowed(url);
    };
    let (query, fragment) = match rest.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (rest, None),
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !is_tracking_param(p.split('=').next().unwrap_or("")))
        .collect();
    let mut out = base.to_string();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Cow::Owned(out)
}

impl Normaliser {
    /// Every normaliser on: the default.
    pub fn all() -> Normaliser {
        Normaliser {
            on: Noise::ALL.to_vec(),
        }
    }

    /// Every normaliser off: any edit to a clause's text is a change.
    pub fn none() -> Normaliser {
        Normaliser { on: Vec::new() }
    }

    /// Every normaliser except those in `off`.
    pub fn without(off: &[Noise]) -> Normaliser {
        Normaliser {
            on: Noise::ALL.into_iter().filter(|n| !off.contains(n)).collect(),
        }
    }

    pub fn is_on(&self, noise: Noise) -> bool {
        self.on.contains(&noise)
    }

    /// The normalisers in force, in a fixed order.
    pub fn enabled(&self) -> Vec<Noise> {
        Noise::ALL.into_iter().filter(|n| self.is_on(*n)).collect()
    }

    /// The text as it is segmented: with the markup normaliser, HTML tags left in the text become line
    /// breaks (block tags) or nothing (inline tags), and common entities are decoded.
    pub fn prepare<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.is_on(Noise::Markup) {
            return Cow::Borrowed(text);
        }
        crate::document::markup::strip_leftover_tags(text)
    }

    /// A clause's comparison key: its text with the noise taken out. Two clauses whose keys are equal
    /// say the same thing; an empty key is a clause with nothing to compare (a lone "•" or "—").
    pub fn key(&self, clause: &str) -> String {
        let mut s: Cow<'_, str> = Cow::Borrowed(clause);
        if self.is_on(Noise::Tracking) && s.contains('?') {
            s = Cow::Owned(
                URL.replace_all(&s, |c: &Captures| strip_tracking(&c[0]).into_owned())
                    .into_owned(),
            );
        }
        if self.is_on(Noise::Numbering) {
            if let Some(m) = SECTION_NUMBER.find(&s) {
                s = Cow::Owned(s[m.end()..].to_string());
            }
            if SECTION_REF.is_match(&s) {
                s = Cow::Owned(SECTION_REF.replace_all(&s, "$1 #").into_owned());
            }
        }
        if self.is_on(Noise::LastUpdated) {
            if UPDATED_CUE.is_match(&s) || (is_title_like(&s) && DATE.is_match(&s)) {
                s = Cow::Owned(DATE.replace_all(&s, "DATE").into_owned());
            }
            if COPYRIGHT_YEARS.is_match(&s) {
                s = Cow::Owned(COPYRIGHT_YEARS.replace_all(&s, "© YEAR").into_owned());
            }
        }
        if self.is_on(Noise::Punctuation) {
            // A space, not nothing: "www.o2.co.uk" and a crawler's "www.\no2.\nco.\nuk" are the same words.
            s = Cow::Owned(
                s.chars()
                    .map(|c| {
                        if c.is_alphanumeric() || c.is_whitespace() {
                            c
                        } else {
                            ' '
                        }
                    })
                    .collect(),
            );
        }
        if self.is_on(Noise::Whitespace) {
            s = Cow::Owned(s.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        s.into_owned()
    }

    /// The clause keys of a text, in order, without empty ones.
    pub fn keys(&self, text: &str) -> Vec<String> {
        let prepared = self.prepare(text);
        segment::clauses(&prepared)
            .iter()
            .map(|c| self.key(c.text))
            .filter(|k| !k.is_empty())
            .collect()
    }

    /// SHA-256 of the text with the noise taken out: equal for two versions exactly when they differ
    /// only by noise.
    pub fn document_hash(&self, text: &str) -> String {
        // Joined by a space when clause breaks are noise, so a clause split differently hashes the same.
        let sep = if self.is_on(Noise::Whitespace) { " " } else { "\n" };
        sha256_hex(self.keys(text).join(sep))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_updated_dates_numbering_and_tracking_are_noise() {
        let norm = Normaliser::all();
        assert_eq!(
            norm.key("Last updated: 3 May 2013."),
            norm.key("Last updated: 14 June 2014.")
        );
        assert_eq!(
            norm.key("This policy was last updated on May 3, 2013"),
            norm.key("This policy was last updated on June 14, 2014")
        );
        // A date in a clause about something else is content.
        assert_ne!(
            norm.key("We delete data on 3 May 2013."),
            norm.key("We delete data on 14 June 2014.")
        );
        // A title's edition date and a copyright year are not.
        assert_eq!(
            norm.key("T-Mobile Privacy Statement (June 2015)"),
            norm.key("T-Mobile Privacy Statement (March 2017)")
        );
        assert_eq!(
            norm.key("© 2015 T-Mobile USA, Inc. All rights reserved."),
            norm.key("© 2012-2016 T-Mobile USA, Inc. All rights reserved.")
        );
        assert_ne!(
            norm.key("Privacy Statement for customers since June 2015 only, and their families and friends"),
            norm.key("Privacy Statement for customers since March 2017 only, and their families and friends")
        );
        assert_eq!(
            norm.key("4.2 Sharing with partners"),
            norm.key("5.1 Sharing with partners")
        );
        assert_eq!(
            norm.key("as set out in section 7.1 above"),
            norm.key("as set out in section 9 above")
        );
        assert_eq!(
            norm.key("See https://example.com/privacy?utm_source=mail&id=4&fbclid=xyz#top for details"),
            norm.key("See https://example.com/privacy?id=4#top for details")
        );
        assert_ne!(
            norm.key("See https://example.com/privacy?id=4"),
            norm.key("See https://example.com/privacy?id=5")
        );
        assert_eq!(strip_tracking("https://a.example/?utm_source=x"), "https://a.example/");
        let strict = Normaliser::without(&[Noise::LastUpdated, Noise::Numbering, Noise::Tracking]);
        assert_ne!(
            strict.key("Last updated: 3 May 2013."),
            strict.key("Last updated: 14 June 2014.")
        );
        assert_ne!(strict.key("4.2 Sharing"), strict.key("5.1 Sharing"));
        assert_ne!(strict.key("© 2015 T-Mobile"), strict.key("© 2016 T-Mobile"));
    }
}
