//! `orgcheck rules`: the active tagging rules and their patterns.

use clap::Args;
use orgcheck::analysis::rules::RuleList;
use orgcheck::output::{Output, OutputFormat};

use super::args::{RulesArgs, formats};
use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct RulesCmdArgs {
    /// What to write on stdout: `table` to read in a terminal; `json` (with a `schema_version`), and
    /// `jsonl` where offered, for other tools; `markdown` and `html` for reports and issues.
    #[arg(long, short, default_value = "table", value_parser = formats(RuleList::FORMATS))]
    pub format: OutputFormat,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: RulesCmdArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let rules = args.rules.load()?;
    ctx.write_report(&RuleList { rules: &rules }, args.format, false)?;
    Ok(Outcome::Ok)
}
