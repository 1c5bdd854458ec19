//! `orgcheck compare`: per provider, what it told customers against what its policy says.

use clap::{Args, ValueEnum};
use orgcheck::inputs::fetch::{self, Status};
use orgcheck::inputs::providers::Provider;
use orgcheck::output::{Output, OutputFormat};
use orgcheck::stages::compare::{self, CompareReport, Verdict};

use super::args::{FetchingArgs, ProviderArgs, RulesArgs, StoreArgs, formats};
use super::{Context, Outcome, warn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Contradiction,
    NarrowDenial,
    Omission,
    /// Any verdict or statement that changed since --baseline.
    Changed,
}

impl FailOn {
    fn verdict(self) -> Option<Verdict> {
        match self {
            FailOn::Contradiction => Some(Verdict::Contradiction),
            FailOn::NarrowDenial => Some(Verdict::NarrowDenial),
            FailOn::Omission => Some(Verdict::Omission),
            FailOn::Changed => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub providers: ProviderArgs,
    /// What to write on stdout: `table` to read in a terminal; `json` (with a `schema_version`), and
    /// `jsonl` where offered, for other tools; `markdown` and `html` for reports and issues.
    #[arg(long, short, default_value = "table", value_parser = formats(CompareReport::FORMATS))]
    pub format: OutputFormat,
    /// Exit with status 1 when any provider has one of these verdicts, or (`changed`, with --baseline)
    /// when anything changed since the baseline (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "VERDICT")]
    pub fail_on: Vec<FailOn>,
    /// The JSON of an earlier `compare --format json`: report the verdicts and statements that changed
    /// since (a new contradiction, a resolved one, a new statement).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Fetch the policies first (into --store, else $ORGCHECK_STORE, else ./.orgcheck), then compare.
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub fetching: FetchingArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: CompareArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    if args.fail_on.contains(&FailOn::Changed) && args.baseline.is_none() {
        anyhow::bail!(
            "--fail-on changed needs --baseline FILE: the JSON of an earlier `orgcheck compare --format json`"
        );
    }
    // Read before any fetching: a bad baseline should stop the run at once.
    let baseline = match &args.baseline {
        Some(path) => {
            let shown = path.display().to_string();
            let text =
                std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{shown}: cannot read the baseline: {e}"))?;
            Some((shown.clone(), compare::Baseline::parse(&shown, &text)?))
        }
        None => None,
    };
    let selected = args.providers.load()?;
    let rules = args.rules.load()?;
    let mut failed = 0;
    let store = (args.live || args.store.chosen()).then(|| args.store.open());
    if args.live
        && let Some(store) = &store
    {
        let policies: Vec<Provider> = selected.iter().map(Provider::compared_only).collect();
        let options = args.fetching.options(super::fetch::progress(ctx, false), None)?;
        let results = fetch::fetch_all(&policies, store, &options)?;
        if let Some(note) = fetch::browser_note(&results) {
            ctx.note(note);
        }
        for r in results {
            if r.status == Status::Failed {
                warn(format!(
                    "{}/{}: fetch failed: {}",
                    r.provider,
                    r.document,
                    r.reason.as_deref().unwrap_or("unknown reason")
                ));
                failed += 1;
            }
        }
    }
    let mut reports = Vec::new();
    for provider in &selected {
        match compare::policy_text(provider, store.as_ref()) {
            Ok((policy, fallback)) => {
                let (statements, notes) = compare::statements(provider, store.as_ref());
                for notice in fallback.into_iter().chain(notes) {
                    if notice.is_problem() {
                        warn(notice)
                    } else {
                        ctx.note(notice)
                    }
                }
                reports.push(compare::compare_with(&rules, provider, &policy, statements));
            }
            Err(e) => {
                warn(e);
                failed += 1;
            }
        }
    }
    let mut report = CompareReport::new(reports);
    if let Some((file, baseline)) = &baseline {
        report.changes = Some(compare::changes(file, baseline, &report));
    }
    ctx.write_report(&report, args.format, false)?;
    if failed > 0 {
        return Ok(Outcome::PartialFailure);
    }
    let changed = report.changes.as_ref().is_some_and(|c| !c.is_empty());
    Ok(Outcome::findings_if(args.fail_on.iter().any(|f| match f.verdict() {
        Some(v) => report.has(v),
        None => changed,
    })))
}
