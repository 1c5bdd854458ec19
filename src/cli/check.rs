//! `orgcheck check`: for CI — which policies changed since the baseline (or since the last fetch,
//! with `--live`), and whether in meaning.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use orgcheck::inputs::fetch;
use orgcheck::output::{Output, OutputFormat};
use orgcheck::stages::check::{self, Baseline, CheckReport, CheckStatus, Mode};

use super::args::{FetchingArgs, NoiseArgs, ProviderArgs, RulesArgs, StoreArgs, formats};
use super::diff::{ChangeFailOn, Seen};
use super::{Context, Outcome, warn};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub providers: ProviderArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Fetch every document first and compare it with the version stored before; a change is
    /// fetched twice and reported only when both fetches agree.
    #[arg(long)]
    pub live: bool,
    /// Without --live: the baseline to compare the store's latest versions with [default: STORE/baseline.json].
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// After checking, record the store's latest versions as the new baseline.
    #[arg(long)]
    pub update_baseline: bool,
    /// Exit with status 1 when a document changed (`any`), changed in meaning (`meaning`), or its page
    /// was replaced, reverted or changed language; comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "any", value_name = "WHEN")]
    pub fail_on: Vec<ChangeFailOn>,
    /// What to write on stdout: `table` to read in a terminal; `json` (with a `schema_version`), and
    /// `jsonl` where offered, for other tools; `markdown` and `html` for reports and issues; `github`
    /// for GitHub Actions annotations.
    #[arg(long, short, default_value = "table", value_parser = formats(CheckReport::FORMATS))]
    pub format: OutputFormat,
    /// List every change in the table, not only the first changes without findings.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub fetching: FetchingArgs,
    #[command(flatten)]
    pub noise: NoiseArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: CheckArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let selected = args.providers.load()?;
    let rules = args.rules.load()?;
    let norm = args.noise.normaliser();
    let store = args.store.open();
    let baseline_path = args.baseline.clone().unwrap_or_else(|| Baseline::default_path(&store));
    let (mode, documents) = if args.live {
        let progress = super::fetch::progress(ctx, args.format == OutputFormat::Json);
        let options = args.fetching.options(progress, Some(norm.clone()))?;
        let results = fetch::fetch_all(&selected, &store, &options)?;
        if let Some(note) = fetch::browser_note(&results) {
            ctx.note(note);
        }
        (Mode::Live, check::check_live(&rules, &norm, &store, &results))
    } else {
        // An empty store is one problem, not one failure per document.
        let stored = selected.iter().any(|p| {
            p.documents
                .iter()
                .any(|d| !matches!(store.latest(&p.id, &d.id), Ok(None)))
        });
        if !stored {
            let n: usize = selected.iter().map(|p| p.documents.len()).sum();
            anyhow::bail!(
                "{}: nothing stored for the {n} document{} checked; run `orgcheck fetch` first, or `orgcheck check \
                 --live` to fetch and check at once",
                store.root().display(),
                if n == 1 { "" } else { "s" }
            );
        }
        let baseline = Baseline::load(&baseline_path)?;
        if baseline.is_none() {
            ctx.note(format!(
                "no baseline at {}: every stored document counts as new; record one with --update-baseline",
                baseline_path.display()
            ));
        }
        let documents = check::check_baseline(&rules, &norm, &store, &selected, baseline.as_ref());
        (Mode::Baseline, documents)
    };
    for d in &documents {
        if matches!(d.status, CheckStatus::Failed | CheckStatus::Unstable) {
            warn(format!(
                "{}/{}: {}: {} ({})",
                d.provider,
                d.document,
                d.status.as_str(),
                d.reason.as_deref().unwrap_or("unknown reason"),
                d.url
            ));
        }
    }
    let baseline = (mode == Mode::Baseline).then_some(baseline_path.as_path());
    let report = CheckReport::new(mode, &store, baseline, &norm, documents);
    ctx.write_report(&report, args.format, args.all)?;
    if args.update_baseline {
        let wait = Duration::from_secs(args.fetching.lock_timeout);
        Baseline::update(&rules, &norm, &store, &selected, &baseline_path, wait)?;
        ctx.note(format!("baseline written to {}", baseline_path.display()));
    }
    if report.summary.failed > 0 {
        return Ok(Outcome::PartialFailure);
    }
    let s = &report.summary;
    let seen = Seen {
        changed: s.changed > 0,
        meaning: s.meaning_changed > 0,
        replaced: s.replaced > 0,
        reverted: s.reverted > 0,
        language: s.language_changed > 0,
    };
    Ok(ChangeFailOn::outcome(&args.fail_on, seen))
}
