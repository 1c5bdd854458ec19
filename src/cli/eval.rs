//! `orgcheck eval`: the rules scored on annotated records, with thresholds for CI.

use std::path::PathBuf;

use clap::Args;
use orgcheck::document::ingest::Input;
use orgcheck::output::{Output, OutputFormat};
use orgcheck::stages::eval::{self, AccuracyThreshold, EvalReport, TagThreshold};

use super::args::{RulesArgs, formats};
use super::{Context, Outcome, warn};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Annotated records, one JSON object per line: {"id", "text", "labels": [tags], "negative": [tags]?},
    /// or checks {"id", "text", "kind": "expect"|"absent", "tag", "polarity"}; `-` for standard input.
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,
    /// What to write on stdout: `table` to read in a terminal; `json` (with a `schema_version`), and
    /// `jsonl` where offered, for other tools; `markdown` and `html` for reports and issues.
    #[arg(long, short, default_value = "table", value_parser = formats(EvalReport::FORMATS))]
    pub format: OutputFormat,
    /// List up to N false positives and N false negatives per tag, with the rule and words that fired,
    /// and up to N missed checks [default: no errors, 10 misses].
    #[arg(long, value_name = "N")]
    pub errors: Option<usize>,
    /// Exit with status 1 when a tag's F1 (positive class) is below this: `0.75` for every tag, `opt-out=0.6`
    /// for one (comma-separated or repeated; a tag's own threshold wins).
    #[arg(long, value_name = "[TAG=]F1", value_delimiter = ',')]
    pub min_f1: Vec<TagThreshold>,
    /// The same for the presence/absence-averaged F1.
    #[arg(long, value_name = "[TAG=]F1", value_delimiter = ',')]
    pub min_avg_f1: Vec<TagThreshold>,
    /// Exit with status 1 when the accuracy on check records is below this: `0.95` overall,
    /// `third-party-sharing:negative=0.93` for one group (`TAG:positive`, `TAG:negative`, `TAG:absent`).
    #[arg(long, value_name = "[GROUP=]ACCURACY", value_delimiter = ',')]
    pub min_accuracy: Vec<AccuracyThreshold>,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: EvalArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let rules = args.rules.load()?;
    let input = Input::local(&args.gold);
    let name = input.name();
    let gold = eval::read_gold(&name, input.open()?)?;
    let report = eval::evaluate(
        &rules,
        &name,
        &gold,
        args.errors.unwrap_or(0),
        args.errors.unwrap_or(10),
    );
    ctx.write_report(&report, args.format, false)?;
    let below = report.below(&args.min_f1, &args.min_avg_f1, &args.min_accuracy);
    for b in &below {
        warn(format!("below threshold: {b}"));
    }
    Ok(Outcome::findings_if(!below.is_empty()))
}
