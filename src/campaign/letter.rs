//! The customer's letter to a provider: a UK GDPR Article 15 request, questions on each practice that
//! cite the policy clause orgcheck found, and each discrepancy worded as a question. Built from a
//! comparison ([`crate::stages::compare::ProviderReport`]); the sender's details come from the caller, never
//! invented.

use serde::Serialize;

use crate::analysis::tag::{Polarity, Tag};
use crate::base::error::{Error, Location, Problem, Result, toml_problem};
use crate::base::report::SCHEMA_VERSION;
use crate::inputs::providers::is_email;
use crate::stages::compare::{ProviderReport, Side, Verdict};

/// How the letter's request begins: `reply` finds the letter by it when a reply quotes it whole.
pub const REQUEST_OPENING: &str = "Under Article 15 of the UK GDPR, please send me a copy of the personal data";

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
    pub subject: String,
    pub sender: Sender,
    /// The opening request, under Article 15.
    pub request: String,
    pub questions: Vec<Question>,
    pub closing: String,
}

/// The first policy clause of `tag` that permits it, else the first that mentions it.
fn policy_clause(p: &ProviderReport, tag: Tag) -> Option<&str> {
    let of_tag = || {
        p.findings
            .iter()
            .filter(move |f| f.side == Side::Policy && f.finding.tag == tag)
    };
    of_tag()
        .find(|f| f.finding.polarity == Polarity::Positive)
        .or_else(|| of_tag().next())
        .map(|f| f.finding.clause.as_str())
}

/// Drafts the letter for one provider's comparison.
pub fn draft(p: &ProviderReport, sender: Sender) -> Letter {
    let source = &p.policy_source;
    let dated = source
        .snapshot_date
        .as_deref()
        .or(source.retrieved_at.as_deref().and_then(|d| d.get(..10)))
        .map(|d| {
            if d.len() == 4 {
                format!(", as published in {d}")
            } else {
                format!(", as published on {d}")
            }
        })
        .unwrap_or_default();
    let policy_ref = format!("your privacy policy ({}{dated})", source.url);
    let mut questions = Vec::new();
    for tag in Tag::ALL {
        let detail = p.details.iter().find(|d| d.tag == tag);
        let discrepancy = detail
            .filter(|d| matches!(d.verdict, Verdict::Contradiction | Verdict::NarrowDenial))
            .and_then(|d| {
                // The clauses that decided the verdict, the pair its scope line quotes.
                let clause = |list: &[usize]| {
                    list.first()
                        .and_then(|&i| p.findings.get(i))
                        .map(|f| f.finding.clause.as_str())
                };
                Some((d.verdict, clause(&d.statement_evidence)?, clause(&d.policy_evidence)?))
            });
        let text = match (discrepancy, policy_clause(p, tag)) {
            (Some((verdict, said, policy)), _) => format!(
                "About {}: you have told customers “{said}”, while {policy_ref} says “{policy}” {}",
                tag.about().letter_topic,
                if verdict == Verdict::Contradiction {
                    "Which is right, and which applies to my data?"
                } else {
                    "Your statement answers a narrower question than your policy: does what the policy permits happen \
                     to my data, and if so, to whom has it been given and in what form?"
                }
            ),
            (None, Some(policy)) => format!(
                "About {}: {policy_ref} says “{policy}” Does this apply to my data, and if so, to whom has it been \
                 given, in what form, and since when?",
                tag.about().letter_topic
            ),
            (None, None) => format!("About {}: {}", tag.about().letter_topic, tag.about().letter_question),
        };
        questions.push(Question { tag, text });
    }
    let mut request = format!(
        "{REQUEST_OPENING} you hold about me, the purposes \
         for which you process it, and the recipients or categories of recipient to whom it has been disclosed, \
         including any disclosure in aggregated or \"anonymised\" form derived from my data. I would also like \
         answers to the questions below, which refer to {policy_ref}."
    );
    if let Some(account) = &sender.account {
        request.push_str(&format!(" My account is {account}."));
    }
    Letter {
        schema_version: SCHEMA_VERSION,
        provider: p.name.clone(),
        subject: format!("Subject access request and questions about my data ({})", p.name),
        request,
        questions,
        closing: "Please reply within one month, as Article 12(3) of the UK GDPR requires.".to_string(),
        sender,
    }
}

impl Letter {
    /// The letter as plain text, ready to paste into an e-mail.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Subject: {}\n\nDear {},\n\n{}\n\n",
            self.subject, self.provider, self.request
        );
        for (i, q) in self.questions.iter().enumerate() {
            out.push_str(&format!("{}. {}\n\n", i + 1, q.text));
        }
        out.push_str(&format!(
            "{}\n\nYours sincerely,\n{}\n{}\n",
            self.closing, self.sender.name, self.sender.email
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
            "## {}\n\nDear {},\n\n{}\n\n",
            md(&self.subject),
            md(&self.provider),
            crate::base::markdown::escape(&self.request, "\n")
        );
        for (i, q) in self.questions.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, md(&q.text)));
        }
        out.push_str(&format!(
            "\n{}\n\nYours sincerely,  \n{}  \n{}\n",
            crate::base::markdown::escape(&self.closing, "\n"),
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
    use crate::inputs::providers::{self, ProviderSource};
    use crate::stages::compare::{compare_provider, policy_text};

    fn letter(id: &str) -> Letter {
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
        draft(&compare_provider(&rules, &provider, &text), sender)
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
        assert!(
            sharing.contains(
                "your privacy policy (https://www.o2.co.uk/termsandconditions/privacy-policy, as \
                              published in 2014) says"
            ),
            "{sharing}"
        );
        assert!(
            sharing.ends_with("Which is right, and which applies to my data?"),
            "{sharing}"
        );
        let text = l.text();
        assert!(text.starts_with("Subject: Subject access request"), "{text}");
        assert!(text.contains("Article 15 of the UK GDPR") && text.contains("My account is 07700 900123."));
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
}
