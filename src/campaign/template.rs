//! The letter's words: one template per language (`letters/<lang>.toml`), and which law, authority and
//! language go with a provider's country (`letters/laws.toml`). Both are embedded in the binary and
//! checked by the tests below, so a template with a missing text or an unknown placeholder never ships.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::analysis::tag::Tag;

/// The data protection law a letter cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Law {
    /// The UK GDPR, for providers in the United Kingdom.
    UkGdpr,
    /// Regulation (EU) 2016/679, for providers in the EU and the EEA.
    Gdpr,
}

impl Law {
    pub const ALL: [Law; 2] = [Law::UkGdpr, Law::Gdpr];

    pub fn as_str(self) -> &'static str {
        match self {
            Law::UkGdpr => "uk-gdpr",
            Law::Gdpr => "gdpr",
        }
    }
}

/// What a country brings to a letter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub law: Law,
    /// The supervisory authority as it names itself, when one is competent for every provider.
    pub authority: Option<String>,
    /// The letter's language when none is asked for: a template's `language`.
    pub language: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Laws {
    countries: BTreeMap<String, Country>,
}

/// The words a law is cited by in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LawWords {
    /// In the request: "Article 15 of the UK GDPR".
    pub article_15: String,
    /// In a subject line: "Art. 15 DSGVO".
    pub article_15_short: String,
    /// In the closing: "Article 12(3) of the UK GDPR".
    pub article_12: String,
}

/// The words about one tag.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagWords {
    /// What the question is about, as it opens: "About my location data".
    pub topic: String,
    /// What to ask after a policy clause that permits the practice.
    pub followup: String,
    /// What to ask when the policy says nothing about it.
    pub question: String,
}

/// One language's letter. Every text is filled by [`fill`]; its placeholders are listed in
/// [`PLACEHOLDERS`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// ISO 639-1: "en".
    pub language: String,
    /// The language's own name: "Deutsch".
    pub name: String,
    pub subject: String,
    pub greeting: String,
    pub request: String,
    /// Words of `request` that identify the letter when a reply quotes it.
    pub marker: String,
    pub account: String,
    pub policy: String,
    pub published_year: String,
    pub published_day: String,
    pub contradiction: String,
    pub narrow: String,
    pub permits: String,
    pub denies: String,
    pub none: String,
    pub closing: String,
    pub complaint: String,
    pub complaint_unnamed: String,
    pub sign_off: String,
    pub law: BTreeMap<Law, LawWords>,
    pub tags: BTreeMap<String, TagWords>,
}

impl Template {
    pub fn law(&self, law: Law) -> &LawWords {
        &self.law[&law]
    }

    pub fn tag(&self, tag: Tag) -> &TagWords {
        &self.tags[tag.as_str()]
    }
}

/// The embedded templates, in the order `--letter-lang` lists them.
const TEMPLATE_FILES: [(&str, &str); 3] = [
    ("letters/en.toml", include_str!("../../letters/en.toml")),
    ("letters/de.toml", include_str!("../../letters/de.toml")),
    ("letters/fr.toml", include_str!("../../letters/fr.toml")),
];

static TEMPLATES: LazyLock<Vec<Template>> = LazyLock::new(|| {
    TEMPLATE_FILES
        .iter()
        .map(|(name, text)| toml::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
});

static COUNTRIES: LazyLock<BTreeMap<String, Country>> = LazyLock::new(|| {
    toml::from_str::<Laws>(include_str!("../../letters/laws.toml"))
        .unwrap_or_else(|e| panic!("letters/laws.toml: {e}"))
        .countries
});

/// The languages a letter can be written in ("en", "de", "fr").
pub fn languages() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|t| t.language.as_str())
}

/// The template of a language, by its ISO 639-1 code.
pub fn template(language: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.language.eq_ignore_ascii_case(language))
}

/// What a country brings to a letter; "UK" is read as GB, and case does not matter.
pub fn country(code: &str) -> Option<&'static Country> {
    let code = code.trim().to_ascii_uppercase();
    let code = if code == "UK" { "GB".to_string() } else { code };
    COUNTRIES.get(&code)
}

/// Every template's [`Template::marker`]: `orgcheck reply` knows the letter by them.
pub fn markers() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|t| t.marker.as_str())
}

/// The placeholders a template's texts may use.
pub const PLACEHOLDERS: [&str; 15] = [
    "provider",
    "article_15",
    "article_15_short",
    "article_12",
    "policy",
    "account",
    "url",
    "dated",
    "date",
    "topic",
    "said",
    "clause",
    "followup",
    "question",
    "authority",
];

/// `text` with each `{name}` replaced by its value in `values`, in one pass: a value is never read for
/// placeholders again, so policy words with braces in them come out as they are. A brace that opens no
/// known placeholder is kept.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            values
                .iter()
                .find(|(k, _)| *k == &after[..close])
                .map(|(_, v)| (close, v))
        });
        match value {
            Some((close, v)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The placeholders in a text.
    fn used(text: &str) -> Vec<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_template_has_every_text_with_the_placeholders_it_needs() {
        assert_eq!(languages().collect::<Vec<_>>(), ["en", "de", "fr"]);
        for t in TEMPLATES.iter() {
            let needs: [(&str, &str, &[&str]); 17] = [
                ("subject", &t.subject, &["provider"]),
                ("greeting", &t.greeting, &[]),
                ("request", &t.request, &["article_15", "policy"]),
                ("account", &t.account, &["account"]),
                ("policy", &t.policy, &["url", "dated"]),
                ("published_year", &t.published_year, &["date"]),
                ("published_day", &t.published_day, &["date"]),
                ("contradiction", &t.contradiction, &["topic", "said", "clause"]),
                ("narrow", &t.narrow, &["topic", "said", "clause", "followup"]),
                ("permits", &t.permits, &["topic", "clause", "followup"]),
                ("denies", &t.denies, &["topic", "clause"]),
                ("none", &t.none, &["topic", "question"]),
                ("closing", &t.closing, &["article_12"]),
                ("complaint", &t.complaint, &["authority"]),
                ("complaint_unnamed", &t.complaint_unnamed, &[]),
                ("sign_off", &t.sign_off, &[]),
                ("marker", &t.marker, &[]),
            ];
            for (field, text, required) in needs {
                let lang = &t.language;
                assert!(!text.trim().is_empty(), "{lang}: `{field}` is empty");
                for name in used(text) {
                    assert!(
                        PLACEHOLDERS.contains(&name),
                        "{lang}: `{field}` has an unknown {{{name}}}"
                    );
                }
                for name in required {
                    assert!(used(text).contains(name), "{lang}: `{field}` lacks {{{name}}}");
                }
            }
            assert!(
                t.request.contains(&t.marker),
                "{}: the marker is not in the request",
                t.language
            );
            assert!(Law::ALL.iter().all(|l| t.law.contains_key(l)), "{}", t.language);
            for tag in Tag::ALL {
                let words = t
                    .tags
                    .get(tag.as_str())
                    .unwrap_or_else(|| panic!("{}: no {tag}", t.language));
                assert!(words.followup.trim_end().ends_with('?'), "{}: {tag}", t.language);
                assert!(words.question.trim_end().ends_with('?'), "{}: {tag}", t.language);
            }
            assert_eq!(
                t.tags.len(),
                Tag::ALL.len(),
                "{}: a tag orgcheck does not have",
                t.language
            );
        }
        // No two languages share a marker: a reply is matched to its letter by it.
        let markers: std::collections::HashSet<&str> = markers().collect();
        assert_eq!(markers.len(), TEMPLATES.len());
    }

    #[test]
    fn countries_name_a_law_and_languages_that_have_templates() {
        assert_eq!(country("GB").unwrap().law, Law::UkGdpr);
        assert_eq!(country("uk").unwrap().law, Law::UkGdpr);
        assert_eq!(country("de").unwrap().law, Law::Gdpr);
        assert_eq!(country("DE").unwrap().authority, None);
        assert!(country("US").is_none() && country("CH").is_none());
        // The EU's 27 and the EEA's three.
        assert_eq!(COUNTRIES.values().filter(|c| c.law == Law::Gdpr).count(), 30);
        for (code, c) in COUNTRIES.iter() {
            assert!(
                code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()),
                "{code}"
            );
            if let Some(lang) = &c.language {
                assert!(template(lang).is_some(), "{code}: no template for {lang}");
            }
        }
    }

    #[test]
    fn placeholders_are_filled_once() {
        let out = fill("{a} and {b}, {c} {", &[("a", "{b}"), ("b", "B")]);
        assert_eq!(out, "{b} and B, {c} {");
        assert_eq!(fill("", &[]), "");
        assert_eq!(fill("ünï{a}côdé", &[("a", "—")]), "ünï—côdé");
    }
}
