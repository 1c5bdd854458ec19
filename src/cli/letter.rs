//! `orgcheck letter`: the customer's message to a provider, drafted from the comparison.

use clap::{Args, ValueEnum};
use orgcheck::base::visible::visible;
use orgcheck::campaign::letter;
use orgcheck::campaign::template::Law;
use orgcheck::inputs::providers;
use orgcheck::stages::compare;

use super::args::{DeclarationArgs, RulesArgs, SenderArgs, StoreArgs};
use super::{Context, Outcome, warn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LetterFormat {
    /// Plain text, ready to paste into an e-mail.
    Text,
    /// Markdown.
    Markdown,
    /// The letter's parts as JSON.
    Json,
    /// An RFC 5322 draft (.eml, UTF-8) to open in a mail program; needs --to.
    Eml,
}

/// The law a letter cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LawArg {
    /// The UK GDPR (providers in the United Kingdom).
    UkGdpr,
    /// The GDPR, Regulation (EU) 2016/679 (providers in the EU and the EEA).
    Gdpr,
}

impl From<LawArg> for Law {
    fn from(l: LawArg) -> Law {
        match l {
            LawArg::UkGdpr => Law::UkGdpr,
            LawArg::Gdpr => Law::Gdpr,
        }
    }
}

#[derive(Debug, Args)]
pub struct LetterArgs {
    /// The provider to write to (an id as in `orgcheck providers`).
    #[arg(value_name = "PROVIDER")]
    pub provider: String,
    #[command(flatten)]
    pub sender: SenderArgs,
    /// Where to send it, for --format eml [default: the provider's declared `contact`].
    #[arg(long, value_name = "ADDRESS")]
    pub to: Option<String>,
    #[arg(long, short, value_enum, default_value_t = LetterFormat::Text)]
    pub format: LetterFormat,
    /// The law to cite [default: by the provider's `country`: the UK GDPR for GB, the GDPR for the EU
    /// and the EEA].
    #[arg(long, value_enum)]
    pub law: Option<LawArg>,
    /// The letter's language: en, de or fr [default: the language of the provider's country where
    /// there is a letter in it, else en].
    #[arg(long, value_name = "LANG")]
    pub letter_lang: Option<String>,
    #[command(flatten)]
    pub declarations: DeclarationArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: LetterArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let sender = args.sender.details()?.sender().map_err(|missing| {
        anyhow::anyhow!("the letter needs your {missing}: give --{missing}, or `{missing} = \"…\"` in a --sender file")
    })?;
    let rules = args.rules.load()?;
    let provider = providers::one(providers::load(&args.declarations.source())?, &args.provider)?;
    let store = args.store.chosen().then(|| args.store.open());
    let (policy, fallback) = compare::policy_text(&provider, store.as_ref())?;
    let (statements, notes) = compare::statements(&provider, store.as_ref());
    for notice in fallback.into_iter().chain(notes) {
        warn(notice);
    }
    let choice = letter::Choice::for_provider(
        &provider.id,
        &provider.file,
        provider.country.as_deref(),
        args.law.map(Law::from),
        args.letter_lang.as_deref(),
    )?;
    let report = compare::compare_with(&rules, &provider, &policy, statements);
    // The letter quotes the policy: say when its words may no longer be the provider's.
    if matches!(
        report.policy_source.kind,
        compare::SourceKind::Bundled | compare::SourceKind::Snapshot
    ) {
        let dated = report
            .policy_source
            .snapshot_date
            .as_deref()
            .map(|d| format!(" of {d}"))
            .unwrap_or_default();
        warn(format!(
            "the policy clauses quoted come from the snapshot{dated} declared in {}, not from a current text; \
             to quote the policy as it stands, run `orgcheck fetch {id} --store DIR` and give `--store DIR`",
            provider.file,
            id = provider.id
        ));
    }
    let letter = letter::draft(&report, sender, choice);
    let out = match args.format {
        // The provider's name and policy quotes are strangers' text: shown, never obeyed.
        LetterFormat::Text => visible(&letter.text(), false).into_owned(),
        LetterFormat::Markdown => visible(&letter.markdown(), false).into_owned(),
        LetterFormat::Json => serde_json::to_string_pretty(&letter)? + "\n",
        LetterFormat::Eml => {
            let Some(to) = args
                .to
                .as_deref()
                .or(provider.contact.as_ref().map(|c| c.email.as_str()))
            else {
                anyhow::bail!(
                    "{} declares no privacy `contact` ({}); add --to ADDRESS, or a `contact` to the declaration",
                    provider.id,
                    provider.file
                );
            };
            letter.eml(to, jiff::Timestamp::now().as_second())?
        }
    };
    ctx.write(&out)?;
    Ok(Outcome::Ok)
}
