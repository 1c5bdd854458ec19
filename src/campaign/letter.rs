//! The customer's letter to a provider: a subject access request under the law of the provider's country
//! (the UK GDPR, or the GDPR in the EU and the EEA), questions on each practice that cite the policy clause
//! orgcheck found, and each discrepancy worded as a question, in English, German or French
//! ([`super::template`]). Built from a comparison ([`crate::stages::compare::ProviderReport`]); the sender's
//! details come from the caller, never invented.

use serde::Serialize;

use crate::analysis::tag::{Polarity, Tag};
use crate::base::error::{Error, Location, Problem, Result, toml_problem};
use crate::base::report::SCHEMA_VERSION;
use crate::inputs::providers::is_email;
use crate::stages::compare::{ProviderReport, Side, Verdict};

use super::template::{self, Law, Template, fill};

/// How the English letter's request begins under the UK GDPR.
pub const REQUEST_OPENING: &str = "Under Article 15 of the UK GDPR, please send me a copy of the personal data";

/// The law, language and authority of a letter.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    pub law: Law,
    pub template: &'static Template,
    /// The supervisory authority the closing names; `None`: "the competent supervisory authority".
    pub authority: Option<&'static str>,
}

impl Choice {
    /// The law from `law`, else the provider's `country`; the language from `language`, else the
    /// country's where a template exists, else English. The authority is the country's when its law is
    /// the one cited.
    pub fn for_provider(
        provider: &str,
        file: &str,
        country: Option<&str>,
        law: Option<Law>,
        language: Option<&str>,
    ) -> Result<Choice> {
        let of_country = country.and_then(template::country);
        let law = law.or(of_country.map(|c| c.law)).ok_or_else(|| Error::NoLaw {
            provider: provider.to_string(),
            file: file.to_string(),
            country: country.map(str::to_string),
        })?;
        let template = match language {
            Some(lang) => template::template(lang).ok_or_else(|| Error::UnknownLetterLanguage {
                language: lang.to_string(),
                known: template::languages().collect::<Vec<_>>().join(", "),
            })?,
            None => of_country
                .and_then(|c| c.language.as_deref())
                .and_then(template::template)
                .or_else(|| template::template("en"))
                .ok_or_else(|| Error::Internal("no English letter template".into()))?,
        };
        let authority = of_country.filter(|c| c.law == law).and_then(|c| c.authority.as_deref());
        Ok(Choice {
            law,
            template,
            authority,
        })
    }
}

/// Who writes: only what the customer gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Sender {
    pub name: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The account or phone number the provider knows the customer by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// The sender's details as given, from flags or a `--sender` file (TOML with the same four keys); the
/// flags win. Nothing is filled in that the customer did not give.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SenderDetails {
    pub name: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub account: Option<String>,
}

impl SenderDetails {
    /// Reads a sender file; `file` names it in messages.
    pub fn parse(file: &str, contents: &str) -> Result<SenderDetails> {
        let details: SenderDetails =
            toml::from_str(contents).map_err(|e| Error::Invalid(vec![toml_problem(file, contents, &e)]))?;
        if let Some(email) = &details.email
            && !is_email(email)
        {
            return Err(Error::Invalid(vec![Problem {
                location: Location::file(file).with_field("email"),
                message: format!("`{email}` is not an e-mail address"),
            }]));
        }
        Ok(details)
    }

    /// These details, with `other`'s where these have none.
    pub fn or(self, other: SenderDetails) -> SenderDetails {
        SenderDetails {
            name: self.name.or(other.name),
            email: self.email.or(other.email),
            address: self.address.or(other.address),
            account: self.account.or(other.account),
        }
    }

    /// The sender, or the first missing required detail.
    pub fn sender(self) -> std::result::Result<Sender, MissingDetail> {
        let present = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let name = present(self.name).ok_or(MissingDetail::Name)?;
        let email = present(self.email).ok_or(MissingDetail::Email)?;
        Ok(Sender {
            name,
            email,
            address: present(self.address),
            account: present(self.account),
        })
    }
}

/// A detail a letter cannot be sent without; it displays as its flag and field name (`name`, `email`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MissingDetail {
    #[error("name")]
    Name,
    #[error("email")]
    Email,
}

/// One question of the letter, with the policy words it cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Question {
    pub tag: Tag,
    pub text: String,
}

/// What `orgcheck letter --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Letter {
    pub schema_version: u32,
    pub provider: String,
    /// The language it is written in (ISO 639-1).
    pub language: String,
    /// The law it cites.
    pub law: Law,
    pub subject: String,
    pub sender: Sender,
    /// "Dear O2,"
    pub greeting: String,
    /// The opening request, under Article 15.
    pub request: String,
    pub questions: Vec<Question>,
    /// The time limit of Article 12(3), and the authority the customer may complain to.
    pub closing: String,
    /// "Yours sincerely,"
    pub sign_off: String,
}

/// The first policy clause of `tag` that permits it, else the first that denies it, with its polarity.
fn policy_clause(p: &ProviderReport, tag: Tag) -> Option<(Polarity, &str)> {
    let of_tag = || {
        p.findings
            .iter()
            .filter(move |f| f.side == Side::Policy && f.finding.tag == tag)
    };
    of_tag()
        .find(|f| f.finding.polarity == Polarity::Positive)
        .or_else(|| of_tag().next())
        .map(|f| (f.finding.polarity, f.finding.clause.as_str()))
}

/// Drafts the letter for one provider's comparison.
pub fn draft(p: &ProviderReport, sender: Sender, choice: Choice) -> Letter {
    let t = choice.template;
    let law = t.law(choice.law);
    let source = &p.policy_source;
    let dated = source
        .snapshot_date
        .as_deref()
        .or(source.retrieved_at.as_deref().and_then(|d| d.get(..10)))
        .map(|d| {
            let form = if d.len() == 4 {
                &t.published_year
            } else {
                &t.published_day
            };
            fill(form, &[("date", d)])
        })
        .unwrap_or_default();
    let policy_ref = fill(&t.policy, &[("url", &source.url), ("dated", &dated)]);
    let mut questions = Vec::new();
    for tag in Tag::ALL {
        let words = t.tag(tag);
        let detail = p.details.get(tag);
        let discrepancy = matches!(detail.verdict, Verdict::Contradiction | Verdict::NarrowDenial)
            .then_some(detail)
            .and_then(|d| {
                // The clauses that decided the verdict, the pair its scope line quotes.
                let clause = |list: &[usize]| {
                    list.first()
                        .and_then(|&i| p.findings.get(i))
                        .map(|f| f.finding.clause.as_str())
                };
                Some((d.verdict, clause(&d.statement_evidence)?, clause(&d.policy_evidence)?))
            });
        let values = |said: &str, clause: &str| -> Vec<(&str, String)> {
            vec![
                ("topic", words.topic.clone()),
                ("said", said.to_string()),
                ("clause", clause.to_string()),
                ("followup", words.followup.clone()),
                ("question", words.question.clone()),
            ]
        };
        let (form, values) = match (discrepancy, policy_clause(p, tag)) {
            (Some((Verdict::Contradiction, said, policy)), _) => (&t.contradiction, values(said, policy)),
            (Some((_, said, policy)), _) => (&t.narrow, values(said, policy)),
            (None, Some((Polarity::Positive, policy))) => (&t.permits, values("", policy)),
            (None, Some((Polarity::Negative, policy))) => (&t.denies, values("", policy)),
            (None, None) => (&t.none, values("", "")),
        };
        let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        questions.push(Question {
            tag,
            text: fill(form, &values),
        });
    }
    let mut request = fill(&t.request, &[("article_15", &law.article_15), ("policy", &policy_ref)]);
    if let Some(account) = &sender.account {
        request.push(' ');
        request.push_str(&fill(&t.account, &[("account", account)]));
    }
    let complaint = match choice.authority {
        Some(authority) => fill(&t.complaint, &[("authority", authority)]),
        None => t.complaint_unnamed.clone(),
    };
    Letter {
        schema_version: SCHEMA_VERSION,
        provider: p.name.clone(),
        language: t.language.clone(),
        law: choice.law,
        subject: fill(
            &t.subject,
            &[("provider", &p.name), ("article_15_short", &law.article_15_short)],
        ),
        greeting: fill(&t.greeting, &[("provider", &p.name)]),
        request,
        questions,
        closing: format!("{} {complaint}", fill(&t.closing, &[("article_12", &law.article_12)])),
        sign_off: t.sign_off.clone(),
        sender,
    }
}

impl Letter {
    /// The letter as plain text, ready to paste into an e-mail.
    pub fn text(&self) -> String {
        let mut out = format!("Subject: {}\n\n{}\n\n{}\n\n", self.subject, self.greeting, self.request);
        for (i, q) in self.questions.iter().enumerate() {
            out.push_str(&format!("{}. {}\n\n", i + 1, q.text));
        }
        out.push_str(&format!(
            "{}\n\n{}\n{}\n{}\n",
            self.closing, self.sign_off, self.sender.name, self.sender.email
        ));
        if let Some(address) = &self.sender.address {
            out.push_str(&format!("{address}\n"));
        }
        out
    }
}

impl Letter {
    /// The letter in Markdown: the subject as a heading, the questions as a numbered list.
    pub fn markdown(&self) -> String {
        // The provider's name and the policy's words are strangers' text: escaped as every report's is.
        let md = crate::base::markdown::inline;
        let mut out = format!(
            "## {}\n\n{}\n\n{}\n\n",
            md(&self.subject),
            md(&self.greeting),
            crate::base::markdown::escape(&self.request, "\n")
        );
        for (i, q) in self.questions.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, md(&q.text)));
        }
        out.push_str(&format!(
            "\n{}\n\n{}  \n{}  \n{}\n",
            crate::base::markdown::escape(&self.closing, "\n"),
            md(&self.sign_off),
            md(&self.sender.name),
            md(&self.sender.email)
        ));
        out
    }
}

impl Letter {
    /// The letter as an RFC 5322 draft (`.eml`), UTF-8, from the sender to `to`, to open in a mail
    /// program and send. `date` is RFC 2822 date-time seconds since the epoch.
    pub fn eml(&self, to: &str, date: i64) -> std::io::Result<String> {
        let message = mail_builder::MessageBuilder::new()
            .from((self.sender.name.as_str(), self.sender.email.as_str()))
            .to(to)
            .subject(self.subject.as_str())
            .date(date)
            .message_id(format!(
                "orgcheck.{date}@{}",
                self.sender.email.rsplit('@').next().unwrap_or("localhost")
            ))
            .text_body(self.text_body());
        message.write_to_string().map_err(std::io::Error::other)
    }

    /// The body without the subject line.
    fn text_body(&self) -> String {
        let text = self.text();
        text.split_once("\n\n")
            .map_or(text.clone(), |(_, body)| body.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::RuleSet;
    use crate::campaign::template::Law;
    use crate::inputs::providers::{self, ProviderSource};
    use crate::stages::compare::{compare_provider, policy_text};

    fn letter(id: &str) -> Letter {
        letter_in(id, None, None)
    }

    fn letter_in(id: &str, country: Option<&str>, language: Option<&str>) -> Letter {
        let rules = RuleSet::default_rules().unwrap();
        let provider = providers::load(&ProviderSource::Bundled)
            .unwrap()
            .into_iter()
            .find(|p| p.id == id)
            .unwrap();
        let (text, _) = policy_text(&provider, None).unwrap();
        let sender = Sender {
            name: "A. Customer".into(),
            email: "a@example.org".into(),
            address: None,
            account: Some("07700 900123".into()),
        };
        let country = country.or(provider.country.as_deref());
        let choice = Choice::for_provider(&provider.id, &provider.file, country, None, language).unwrap();
        draft(&compare_provider(&rules, &provider, &text), sender, choice)
    }

    fn sharing_question(l: &Letter) -> &str {
        &l.questions
            .iter()
            .find(|q| q.tag.about().short == "sharing")
            .unwrap()
            .text
    }

    #[test]
    fn the_letter_cites_the_policy_and_asks_about_the_discrepancy() {
        let l = letter("o2");
        let sharing = sharing_question(&l);
        assert!(sharing.contains("you have told customers “"), "{sharing}");
        assert!(sharing.contains("” Your privacy policy, however, says “"), "{sharing}");
        // The policy is named, with its date, once: in the request.
        assert!(
            l.request.contains(
                "your privacy policy (https://www.o2.co.uk/termsandconditions/privacy-policy, as \
                 published in 2014)"
            ),
            "{}",
            l.request
        );
        assert_eq!(l.text().matches("as published in 2014").count(), 1);
        assert!(
            sharing.ends_with("Which is right, and which applies to my data?"),
            "{sharing}"
        );
        let text = l.text();
        assert!(text.starts_with("Subject: Subject access request"), "{text}");
        assert!(text.contains("Article 15 of the UK GDPR") && text.contains("My account is 07700 900123."));
        assert!(l.request.starts_with(REQUEST_OPENING), "{}", l.request);
        assert!(
            l.closing
                .ends_with("complain to the supervisory authority (Information Commissioner's Office, ICO)."),
            "{}",
            l.closing
        );
        assert!(
            text.ends_with("Yours sincerely,\nA. Customer\na@example.org\n"),
            "{text}"
        );
    }

    #[test]
    fn the_eml_draft_is_rfc_5322_utf_8() {
        let eml = letter("o2").eml("privacy@o2.example", 1_700_000_000).unwrap();
        assert!(eml.contains("From: \"A. Customer\" <a@example.org>\r\n"), "{eml}");
        assert!(eml.contains("To: <privacy@o2.example>\r\n"), "{eml}");
        assert!(eml.contains("Subject: Subject access request"), "{eml}");
        assert!(eml.contains("Content-Type: text/plain; charset=\"utf-8\""), "{eml}");
        assert!(eml.contains("Date: "), "{eml}");
        assert!(!eml.contains("Subject: Subject access request and questions about my data (O2)\r\n\r\nSubject:"));
    }

    #[test]
    fn sender_details_come_from_flags_then_the_file_and_are_never_invented() {
        let file = SenderDetails::parse(
            "me.toml",
            "name = \"A. Customer\"\nemail = \"a@example.org\"\naccount = \"123\"\n",
        )
        .unwrap();
        let flags = SenderDetails {
            account: Some("456".into()),
            ..SenderDetails::default()
        };
        let sender = flags.or(file).sender().unwrap();
        assert_eq!(
            (sender.name.as_str(), sender.account.as_deref()),
            ("A. Customer", Some("456"))
        );
        assert_eq!(sender.address, None);
        assert_eq!(SenderDetails::default().sender(), Err(MissingDetail::Name));
        let msg = SenderDetails::parse("me.toml", "name = 1\n").unwrap_err().to_string();
        assert!(msg.starts_with("me.toml:1:"), "{msg}");
        let msg = SenderDetails::parse("me.toml", "email = \"nobody\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("me.toml") && msg.contains("not an e-mail address"),
            "{msg}"
        );
        let msg = SenderDetails::parse("me.toml", "phone = \"1\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("phone"), "{msg}");
    }

    #[test]
    fn a_narrow_denial_is_asked_as_one() {
        let l = letter("virgin-mobile");
        let sharing = sharing_question(&l);
        assert!(
            sharing.contains("answers a narrower question than your policy"),
            "{sharing}"
        );
    }

    #[test]
    fn a_provider_in_the_eu_gets_the_gdpr_and_its_own_language() {
        let de = letter_in("o2", Some("DE"), None);
        assert_eq!((de.law, de.language.as_str()), (Law::Gdpr, "de"));
        let text = de.text();
        assert!(!text.contains("UK GDPR"), "{text}");
        assert!(
            text.contains("Art. 15 der Datenschutz-Grundverordnung (EU) 2016/679 (DSGVO)"),
            "{text}"
        );
        assert!(
            text.starts_with("Subject: Auskunftsersuchen nach Art. 15 DSGVO"),
            "{text}"
        );
        assert!(text.contains("Sehr geehrte Damen und Herren,\n"), "{text}");
        assert!(text.contains("Art. 12 Abs. 3 DSGVO"), "{text}");
        // Germany has more than one authority; the letter names none it cannot be sure of.
        assert!(text.contains("zuständigen Datenschutz-Aufsichtsbehörde"), "{text}");
        assert!(text.contains("\nMit freundlichen Grüßen\nA. Customer\n"), "{text}");

        let fr = letter_in("o2", Some("FR"), None);
        assert_eq!((fr.law, fr.language.as_str()), (Law::Gdpr, "fr"));
        assert!(
            fr.closing
                .contains("(Commission nationale de l'informatique et des libertés, CNIL)")
        );
        assert!(fr.text().contains("l'article 15 du règlement (UE) 2016/679"));

        // Asked for in English, an Irish provider's letter cites the GDPR and names its authority.
        let ie = letter_in("o2", Some("IE"), Some("en"));
        assert!(
            ie.request
                .starts_with("Under Article 15 of the General Data Protection Regulation (EU) 2016/679")
        );
        assert!(ie.closing.contains("(Data Protection Commission)"), "{}", ie.closing);

        // German for a UK provider keeps the UK GDPR.
        let uk_de = letter_in("o2", None, Some("de"));
        assert_eq!(uk_de.law, Law::UkGdpr);
        assert!(uk_de.text().contains("Art. 15 UK GDPR"));
    }

    #[test]
    fn a_country_without_either_law_or_an_unknown_language_is_a_clear_error() {
        let msg = Choice::for_provider("acme", "acme.toml", Some("CH"), None, None)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("acme.toml") && msg.contains("`CH`") && msg.contains("--law"),
            "{msg}"
        );
        let msg = Choice::for_provider("acme", "acme.toml", None, None, None)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("declares no `country`") && msg.contains("--law"), "{msg}");
        let swiss = Choice::for_provider("acme", "acme.toml", Some("CH"), Some(Law::Gdpr), None).unwrap();
        assert_eq!(
            (swiss.law, swiss.template.language.as_str(), swiss.authority),
            (Law::Gdpr, "en", None)
        );
        let msg = Choice::for_provider("acme", "acme.toml", Some("GB"), None, Some("es"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("--letter-lang es") && msg.contains("en, de, fr"), "{msg}");
    }

    #[test]
    fn each_question_fits_what_the_policy_says() {
        let rules = RuleSet::default_rules().unwrap();
        let provider = providers::load(&ProviderSource::Bundled)
            .unwrap()
            .into_iter()
            .find(|p| p.id == "o2")
            .unwrap();
        let policy = crate::stages::compare::PolicyText {
            kind: crate::stages::compare::SourceKind::Store,
            text: "You can opt out of marketing messages at any time by replying STOP.\n\n\
                   We never share your personal information with anyone."
                .into(),
            retrieved_at: Some("2026-11-02T10:00:00Z".into()),
        };
        let report = crate::stages::compare::compare_with(&rules, &provider, &policy, Vec::new());
        let sender = Sender {
            name: "A. Customer".into(),
            email: "a@example.org".into(),
            address: None,
            account: None,
        };
        let choice = Choice::for_provider("o2", "o2.toml", Some("GB"), None, None).unwrap();
        let l = draft(&report, sender, choice);
        let question = |tag: Tag| l.questions.iter().find(|q| q.tag == tag).unwrap().text.as_str();
        // An opt-out clause: how to opt out and what it covers, not to whom the data was given.
        let opt_out = question(Tag::OptOut);
        assert!(
            opt_out.contains("your privacy policy says “You can opt out"),
            "{opt_out}"
        );
        assert!(
            opt_out.contains("How do I opt out") && !opt_out.contains("to whom"),
            "{opt_out}"
        );
        // A denial: asked to confirm it, not whether it happened.
        let sharing = question(Tag::ThirdPartySharing);
        assert!(
            sharing.contains("“We never share your personal information with anyone.”"),
            "{sharing}"
        );
        assert!(sharing.ends_with("holds for my data without exception."), "{sharing}");
        // Nothing found: the general question.
        assert_eq!(
            question(Tag::Aggregation),
            "About aggregated or \"anonymised\" data about customers (analytics, insight products): Do you create \
             aggregated or anonymised data from mine, and if so, who receives it?"
        );
        // A stored text is dated by when it was fetched.
        assert!(l.request.contains("as published on 2026-11-02"), "{}", l.request);
    }
}
