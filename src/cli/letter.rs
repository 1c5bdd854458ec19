//! `orgcheck letter`: the customer's message to a provider, drafted from the comparison.

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use orgcheck::compare;
use orgcheck::letter::{self, Sender};
use orgcheck::providers;

use super::args::{DeclarationArgs, RulesArgs, StoreArgs};
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

#[derive(Debug, Args)]
pub struct LetterArgs {
    /// The provider to write to (an id as in `orgcheck providers`).
    #[arg(value_name = "PROVIDER")]
    pub provider: String,
    /// Your name, as the provider knows it.
    #[arg(long)]
    pub name: String,
    /// Your e-mail address, for the reply.
    #[arg(long)]
    pub email: String,
    /// Your postal address, if you want it in the letter.
    #[arg(long)]
    pub address: Option<String>,
    /// Your account or phone number with the provider.
    #[arg(long)]
    pub account: Option<String>,
    /// The provider's privacy contact, for --format eml.
    #[arg(long, value_name = "ADDRESS")]
    pub to: Option<String>,
    #[arg(long, short, value_enum, default_value_t = LetterFormat::Text)]
    pub format: LetterFormat,
    #[command(flatten)]
    pub declarations: DeclarationArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: LetterArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let rules = args.rules.load()?;
    let provider = providers::select(
        providers::load(&args.declarations.source())?,
        std::slice::from_ref(&args.provider),
    )?
    .pop()
    .with_context(|| format!("{}: no such provider", args.provider))?;
    let store = args.store.store.is_some().then(|| args.store.open());
    let (policy, fallback) = compare::policy_text(&provider, store.as_ref())?;
    if let Some(f) = fallback {
        warn(f);
    }
    let report = compare::compare_provider(&rules, &provider, &policy);
    let sender = Sender {
        name: args.name,
        email: args.email,
        address: args.address,
        account: args.account,
    };
    let letter = letter::draft(&report, sender);
    let out = match args.format {
        LetterFormat::Text => letter.text(),
        LetterFormat::Markdown => letter.markdown(),
        LetterFormat::Json => serde_json::to_string_pretty(&letter)? + "\n",
        LetterFormat::Eml => {
            let Some(to) = &args.to else {
                anyhow::bail!("--format eml needs the provider's address: add --to ADDRESS");
            };
            letter.eml(to, jiff::Timestamp::now().as_second())?
        }
    };
    ctx.write(&out)?;
    Ok(Outcome::Ok)
}
