//! `orgcheck reply`: records a provider's reply as a statement in its declaration.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use orgcheck::campaign::reply::{self, Customer, InputKind, Overrides, ReplyReport};
use orgcheck::inputs::providers::{self, ProviderSource};

use super::args::{RulesArgs, SenderArgs};
use super::{Context, Outcome, warn};

/// Larger than any reply; a bound, so that a wrong file fails at once instead of being parsed.
const MAX_REPLY_BYTES: usize = 20 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReplyInputFormat {
    /// An e-mail message as saved by a mail program (RFC 5322, MIME).
    Eml,
    /// Plain text.
    Text,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReplyFormat {
    /// The TOML added to the declaration.
    Toml,
    /// What was recorded, dropped and removed, as JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct ReplyArgs {
    /// The provider that replied (an id as in `orgcheck providers`).
    #[arg(value_name = "PROVIDER")]
    pub provider: String,
    /// The reply: an .eml file, plain text or HTML; `-` for standard input.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// What FILE holds [default: by extension, else by its first lines].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<ReplyInputFormat>,
    /// Your provider declarations, where the statement is recorded; a bundled provider's declaration is
    /// copied there first [default: $ORGCHECK_PROVIDERS, else `providers` in orgcheck.toml, else
    /// ./providers].
    #[arg(long = "providers", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Show what would be added, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse a reply whose From address is at none of the provider's declared domains (its contact
    /// address and its documents' hosts), instead of warning.
    #[arg(long)]
    pub strict: bool,
    /// Seconds to wait for another `reply` recording a statement in the same declaration (at most
    /// 86400).
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(..=86400))]
    pub lock_timeout: u64,
    /// Where the reply was published, instead of the one made from its From, Date and Subject.
    #[arg(long, value_name = "TEXT")]
    pub source: Option<String>,
    /// When it was sent (YYYY, YYYY-MM or YYYY-MM-DD), instead of its Date header.
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub date: Option<String>,
    /// Your details, so that they are removed wherever the reply repeats them.
    #[command(flatten)]
    pub sender: SenderArgs,
    #[arg(long, short, value_enum, default_value_t = ReplyFormat::Toml)]
    pub format: ReplyFormat,
    #[command(flatten)]
    pub rules: RulesArgs,
}

fn date(s: &str) -> Result<String, String> {
    let ok = match s.len() {
        4 => format!("{s}-01-01"),
        7 => format!("{s}-01"),
        _ => s.to_string(),
    };
    ok.parse::<jiff::civil::Date>()
        .map(|_| s.to_string())
        .map_err(|_| format!("`{s}` is not a date; use YYYY, YYYY-MM or YYYY-MM-DD"))
}

pub fn run(args: ReplyArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let rules = args.rules.load()?;
    let named = super::args::your_providers(args.dir.clone());
    let dir = named.clone().unwrap_or_else(|| PathBuf::from("providers"));
    // Your first reply to a bundled provider may come before the directory you named exists: it is made
    // then. An unnamed ./providers is never made behind your back.
    let source = match (dir.exists(), named.is_some()) {
        (true, _) => ProviderSource::Overlay(dir.clone()),
        (false, true) => ProviderSource::Bundled,
        (false, false) => anyhow::bail!(
            "no providers directory: ./providers does not exist; give --providers DIR (made if missing), where \
             the reply is recorded"
        ),
    };
    let mut provider = providers::one(providers::load(&source)?, &args.provider)?;
    // A provider orgcheck ships is recorded in a copy of its declaration in your directory; a dry run
    // copies it to a scratch directory instead, and so changes nothing of yours.
    let scratch = (provider.bundled && args.dry_run)
        .then(tempfile::tempdir)
        .transpose()
        .context("cannot make a scratch directory for the dry run")?;
    let dir = scratch.as_ref().map_or(dir, |s| s.path().to_path_buf());
    if provider.bundled {
        providers::copy_bundled(&provider.id, &dir)?;
        provider = providers::one(providers::load(&ProviderSource::Dir(dir.clone()))?, &args.provider)?;
        if scratch.is_none() {
            ctx.note(format!(
                "copied orgcheck's declaration of {} into {}, where the reply is recorded",
                provider.id,
                dir.display()
            ));
        }
    }
    let details = args.sender.details()?;

    let (name, bytes) = read_input(&args.file)?;
    let kind = match args.input_format {
        Some(ReplyInputFormat::Eml) => InputKind::Eml,
        Some(ReplyInputFormat::Text) => InputKind::Text,
        Some(ReplyInputFormat::Html) => InputKind::Html,
        None => InputKind::detect(&name, &bytes),
    };
    let message = reply::read(&name, &bytes, kind)?;
    let customer = Customer {
        names: details.name.into_iter().collect(),
        emails: details.email.into_iter().collect(),
        addresses: details.address.into_iter().collect(),
        accounts: details.account.into_iter().collect(),
    };
    let overrides = Overrides {
        source: args.source,
        date: args.date,
    };
    let prepared = reply::prepare(&name, &provider, &message, &customer, &overrides)?;
    if let Some(domain) = &prepared.foreign_sender {
        let what = format!(
            "{name}: the reply is from {domain}, which is none of {}'s declared domains (its contact and policy \
             addresses)",
            provider.name
        );
        if args.strict {
            anyhow::bail!("{what}; nothing recorded (without --strict it is recorded with this warning)");
        }
        warn(format!(
            "{what}: check it is the provider's reply, and that it belongs to {}; addresses at {domain} were \
             removed as the customer's",
            provider.id
        ));
    }

    let base = std::path::Path::new(&name)
        .file_name()
        .map_or(name.clone(), |n| n.to_string_lossy().into_owned());
    // The file name goes into a TOML comment, which cannot hold control characters: shown, not copied.
    let base = orgcheck::base::visible::visible(&base, false).into_owned();
    let today = jiff::Timestamp::now().to_string();
    let mut comment = format!("Recorded by `orgcheck reply` from {base} on {}.", &today[..10]);
    if !prepared.redactions.is_empty() {
        comment.push_str(&format!(" Removed: {}.", counted(&prepared.redactions)));
    }
    let wait = std::time::Duration::from_secs(args.lock_timeout);
    let edit = reply::record(&dir, &provider, &prepared.statement, &comment, !args.dry_run, wait)?;

    let report = ReplyReport::new(&provider, prepared, &edit, !args.dry_run, &rules);
    for d in &report.dropped {
        ctx.note(format!(
            "dropped the {} ({} line{})",
            d.kind.describe(),
            d.lines,
            if d.lines == 1 { "" } else { "s" }
        ));
    }
    let mut removed: Vec<(&reply::Redaction, usize)> = Vec::new();
    for r in &report.redactions {
        match removed.iter_mut().find(|(seen, _)| *seen == r) {
            Some((_, n)) => *n += 1,
            None => removed.push((r, 1)),
        }
    }
    for (r, n) in removed {
        let places = if n > 1 { format!(" ({n} places)") } else { String::new() };
        ctx.note(format!("removed {} “{}”{places}", r.kind.describe(), r.text));
    }
    if report.findings.is_empty() {
        warn(format!(
            "no practice found in {name}: it says nothing orgcheck can tag about data (an acknowledgement?); \
             it is recorded all the same, and compares as saying nothing"
        ));
    }
    if edit.removed_no_reply {
        ctx.note(format!(
            "{}: removed `reply = \"none\"`, since {} has now replied",
            edit.path.display(),
            provider.name
        ));
    }
    if scratch.is_some() {
        ctx.note(format!(
            "dry run: nothing changed; without --dry-run, orgcheck's declaration of {} is copied into your \
             providers directory and the statement added there",
            provider.id
        ));
    } else if args.dry_run {
        ctx.note(format!("dry run: {} not changed", edit.path.display()));
    } else {
        ctx.note(format!(
            "added the statement to {}; `orgcheck compare --providers {}` uses it",
            edit.path.display(),
            dir.display()
        ));
    }
    match args.format {
        ReplyFormat::Toml => ctx.write(&report.toml)?,
        ReplyFormat::Json => ctx.write(&(serde_json::to_string_pretty(&report)? + "\n"))?,
    }
    Ok(Outcome::Ok)
}

/// "1 name, 2 e-mail addresses".
fn counted(redactions: &[reply::Redaction]) -> String {
    let mut kinds: Vec<(reply::RedactKind, usize)> = Vec::new();
    for r in redactions {
        match kinds.iter_mut().find(|(k, _)| *k == r.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((r.kind, 1)),
        }
    }
    kinds.sort();
    kinds
        .iter()
        .map(|(k, n)| {
            let what = k.describe();
            if *n == 1 {
                format!("1 {what}")
            } else if what.ends_with("address") {
                format!("{n} {what}es")
            } else {
                format!("{n} {what}s")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_input(file: &str) -> anyhow::Result<(String, Vec<u8>)> {
    let mut bytes = Vec::new();
    if file == "-" {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            anyhow::bail!(orgcheck::Error::NoInput);
        }
        stdin
            .lock()
            .take(MAX_REPLY_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .context("standard input: cannot read")?;
    } else {
        let path = PathBuf::from(file);
        if path.is_dir() {
            anyhow::bail!(orgcheck::Error::IsDirectory { path });
        }
        std::fs::File::open(&path)
            .map_err(|error| orgcheck::Error::Open {
                path: path.clone(),
                error,
            })?
            .take(MAX_REPLY_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("{file}: cannot read"))?;
    }
    if bytes.len() > MAX_REPLY_BYTES {
        anyhow::bail!(
            "{file}: larger than {} MB, which no reply is; give the saved message itself",
            MAX_REPLY_BYTES >> 20
        );
    }
    Ok((file.to_string(), bytes))
}
