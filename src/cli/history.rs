//! `orgcheck history`: a stored document's versions, and when each practice appeared or disappeared.

use clap::Args;
use orgcheck::output::{Output, OutputFormat};
use orgcheck::stages::history::{self, HistoryReport};

use super::args::{NoiseArgs, RulesArgs, StoreArgs, formats};
use super::{Context, Outcome, warn};

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The stored document: PROVIDER, or PROVIDER/DOCUMENT when the provider has several.
    #[arg(value_name = "PROVIDER[/DOCUMENT]")]
    pub target: String,
    #[command(flatten)]
    pub store: StoreArgs,
    /// What to write on stdout: `table` to read in a terminal; `json` (with a `schema_version`), and
    /// `jsonl` where offered, for other tools; `markdown` and `html` for reports and issues.
    #[arg(long, short, default_value = "table", value_parser = formats(HistoryReport::FORMATS))]
    pub format: OutputFormat,
    #[command(flatten)]
    pub noise: NoiseArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: HistoryArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let rules = args.rules.load()?;
    let report = history::history(&args.store.open(), &args.target, &rules, &args.noise.normaliser())?;
    for problem in &report.unreadable {
        warn(format!("left out of the history: {problem}"));
    }
    ctx.write_report(&report, args.format, false)?;
    Ok(Outcome::Ok)
}
