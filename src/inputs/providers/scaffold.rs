//! `orgcheck providers new`: a minimal declaration, with comments that say what to fill in, which passes
//! validation as written.

use crate::base::error::{Error, Location, Problem, Result};

use super::declaration::{check_url, is_slug};

/// What the new declaration says; what is not given gets a value that validates and is plainly to be
/// replaced (a URL at `<id>.example`, a reserved domain that never resolves).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewProvider {
    pub id: String,
    pub name: Option<String>,
    pub country: Option<String>,
    pub url: Option<String>,
}

impl NewProvider {
    /// The declaration's text, or every problem with what was given.
    pub fn declaration(&self) -> Result<String> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| {
            problems.push(Problem {
                location: Location::file("orgcheck providers new").with_field(field),
                message,
            })
        };
        if !is_slug(&self.id) {
            problem(
                "id",
                format!(
                    "`{}` is not a provider id: use lower-case letters, digits and hyphens (`acme-mobile`)",
                    self.id
                ),
            );
        }
        let country = self.country.as_deref().unwrap_or("GB").trim().to_ascii_uppercase();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            problem(
                "country",
                format!("`{country}` is not a two-letter ISO 3166 country code (GB, DE, FR…)"),
            );
        }
        let url = self
            .url
            .clone()
            .unwrap_or_else(|| format!("https://{}.example/privacy", self.id));
        if let Err(e) = check_url(&url) {
            problem("url", e.to_string());
        }
        let name = self.name.clone().unwrap_or_else(|| title_case(&self.id));
        if name.trim().is_empty() || name.chars().any(char::is_control) {
            problem(
                "name",
                "give the name customers know the provider by, on one line".into(),
            );
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let id = &self.id;
        let quoted = |s: &str| toml_edit::value(s).to_string().trim().to_string();
        let url_note = if self.url.is_none() {
            "  # replace with the policy's address"
        } else {
            ""
        };
        Ok(format!(
            "# {name}, declared for orgcheck. These keys are the minimum; docs/providers.md lists every key.\n\
             name = {name_q}\n\
             # The ISO 3166 country code: which law `orgcheck letter` cites, and in which language.\n\
             country = \"{country}\"\n\
             \n\
             # The privacy policy. `orgcheck fetch {id}` downloads it into the store, and `orgcheck compare\n\
             # --store` reads it there.\n\
             [[documents]]\n\
             id = \"privacy-policy\"\n\
             url = {url_q}{url_note}\n\
             # To compare without fetching, save the policy's text beside this file and name it:\n\
             # snapshot = \"{id}/privacy-policy.txt\"\n\
             # snapshot_date = \"YYYY-MM-DD\"\n\
             \n\
             # What {name} has told customers, word for word: one [[statements]] table each. `orgcheck reply`\n\
             # adds them from a reply to your letter.\n\
             # [[statements]]\n\
             # text = \"…\"\n\
             # source = \"where it was said: a reply to a customer, a web page\"\n\
             # date = \"YYYY-MM-DD\"\n",
            name_q = quoted(&name),
            url_q = quoted(&url),
        ))
    }
}

/// "acme-mobile" as "Acme Mobile".
fn title_case(id: &str) -> String {
    id.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|first| first.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::{ProviderSource, parse_file};
    use super::*;

    #[test]
    fn a_new_declaration_validates_as_written() {
        let text = NewProvider {
            id: "acme-mobile".into(),
            ..NewProvider::default()
        }
        .declaration()
        .unwrap();
        let p = parse_file(&ProviderSource::Bundled, "acme-mobile.toml", &text).unwrap();
        assert_eq!(
            (p.name.as_str(), p.country.as_deref(), p.policy_document().url.as_str()),
            ("Acme Mobile", Some("GB"), "https://acme-mobile.example/privacy")
        );
        assert!(
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .count()
                <= 6
        );

        let given = NewProvider {
            id: "bahn".into(),
            name: Some("Deutsche \"Bahn\"".into()),
            country: Some("de".into()),
            url: Some("https://www.bahn.de/datenschutz".into()),
        };
        let p = parse_file(&ProviderSource::Bundled, "bahn.toml", &given.declaration().unwrap()).unwrap();
        assert_eq!(
            (p.name.as_str(), p.country.as_deref()),
            ("Deutsche \"Bahn\"", Some("DE"))
        );
    }

    #[test]
    fn what_cannot_be_declared_is_refused_with_every_reason() {
        let msg = NewProvider {
            id: "Acme Mobile".into(),
            country: Some("Germany".into()),
            url: Some("ftp://acme.example".into()),
            ..NewProvider::default()
        }
        .declaration()
        .unwrap_err()
        .to_string();
        assert!(
            msg.contains("not a provider id") && msg.contains("ISO 3166") && msg.contains("ftp"),
            "{msg}"
        );
    }
}
