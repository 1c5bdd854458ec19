//! `orgcheck import`: adds an archived version of a policy (Wayback Machine, Open Terms Archive,
//! ToSBack) to the store under the date the archive captured it.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use clap::Args;
use orgcheck::inputs::import::{self, ImportRequest};
use orgcheck::inputs::store::Imported;

use super::args::{InputArgs, StoreArgs, input_formats};
use super::{Context, Outcome};

#[derive(Debug, Args)]
#[command(mut_arg("input_format", |a| a.value_parser(input_formats(&["auto", "text", "markdown", "html"]))))]
pub struct ImportArgs {
    /// The stored document to add the version to: PROVIDER/DOCUMENT.
    #[arg(value_name = "PROVIDER/DOCUMENT")]
    pub target: String,
    /// The archived file: text, Markdown, HTML or PDF.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The day the archive captured the text (YYYY-MM-DD), not today: the version is filed under it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: String,
    /// The archive's address for the text (a Wayback Machine snapshot URL), kept in the version's
    /// metadata.
    #[arg(long, value_name = "URL")]
    pub source: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub read: InputArgs,
    /// Seconds to wait for another run that holds the store's lock (at most 86400).
    #[arg(long, default_value_t = 5, value_name = "SECS", value_parser = clap::value_parser!(u64).range(..=86400))]
    pub lock_timeout: u64,
}

pub fn run(args: ImportArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let Some((provider, document)) = args.target.split_once('/') else {
        bail!(
            "`{}`: name the stored document as PROVIDER/DOCUMENT (for example o2/privacy-policy)",
            args.target
        );
    };
    let store = args.store.open();
    let isolation = args.read.isolation()?;
    let request = ImportRequest {
        provider,
        document,
        file: &args.file,
        date: &args.date,
        source: args.source.as_deref(),
        format: args.read.format(),
        isolation: &isolation,
        lock_wait: Duration::from_secs(args.lock_timeout),
    };
    let outcome = import::import(&store, &request)?;
    let language = outcome
        .language
        .as_deref()
        .map(|l| format!(", {l}"))
        .unwrap_or_default();
    match outcome.imported {
        Imported::Added { version, latest } => ctx.note(format!(
            "imported {} as {provider}/{document} version {version} ({}; {} characters{language}){}",
            args.file.display(),
            args.date,
            outcome.chars,
            if latest {
                ", now the latest"
            } else {
                ", before the latest"
            }
        )),
        Imported::Same { version } => ctx.note(format!(
            "{}: the same text as {provider}/{document} version {version}, stored before {}; nothing added",
            args.file.display(),
            args.date
        )),
    }
    Ok(Outcome::Ok)
}
