//! The `orgcheck` command line: argument definitions and the command implementations that wire the
//! pipeline stages together. `main.rs` only parses, calls [`run`] and maps the outcome to an exit code.

use std::fs;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::check::{self, Baseline, CheckReport, CheckStatus, Mode};
use crate::compare::{self, CompareReport, PolicyText, SCHEMA_VERSION, SourceKind, Verdict};
use crate::content::Isolation;
use crate::diff::{self, DiffBody, DiffReport, Noise, Normaliser, VersionInfo};
use crate::extract::{self, Document};
use crate::fetch::{self, FetchOptions};
use crate::http::HttpOptions;
use crate::output::{self, ColorChoice, markdown, table};
use crate::providers::{self, Provider, ProviderSource};
use crate::rules::{Combine, RuleSet, Tag};
use crate::store::{self, Store};
use crate::text::Format;

const ABOUT: &str = "Compare what companies tell customers about their data with what their privacy policies say.";

#[derive(Debug, Parser)]
#[command(name = "orgcheck", version, about = ABOUT, long_about = None, args_override_self = true)]
pub struct Cli {
    /// When to colour output: auto colours a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print no progress and no per-document lines on stderr, only errors and failures.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare each provider's statements to customers with its privacy policy.
    Compare(CompareArgs),
    /// Download every declared policy into the store, keeping dated versions.
    Fetch(FetchArgs),
    /// Tag a document (text, Markdown or HTML) or a JSONL stream of records.
    Extract(ExtractArgs),
    /// List the declared providers, or validate declarations with --check.
    Providers(ProvidersArgs),
    /// List the active tagging rules and their patterns.
    Rules(RulesCmdArgs),
    /// Compare two versions of a policy clause by clause: two files, or stored versions of a document.
    Diff(DiffArgs),
    /// Report which policies changed, and whether in meaning: for CI (exit 1 on change).
    Check(CheckArgs),
    /// Measure the tagging rules on an annotated data set: precision, recall and F1 per tag.
    Eval(EvalArgs),
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Extra rules file (TOML, see docs/rules.md); repeatable. Added to the defaults unless --replace-rules.
    #[arg(long = "rules", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Use only the --rules files, not the default rules.
    #[arg(long, requires = "files")]
    pub replace_rules: bool,
}

/// Network options shared by every command that downloads.
#[derive(Debug, Clone, Args)]
pub struct HttpArgs {
    /// Seconds allowed for a whole request, body included.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Seconds allowed to connect.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Retries after a timeout, a dropped connection, 408, 429 or 5xx (with exponential backoff).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// The first backoff between retries, doubled each time.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    pub backoff_ms: u64,
    /// The longest Retry-After honoured, in seconds; longer requests are cut to this.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub max_retry_after: u64,
    /// The largest body accepted, in bytes, after decompression.
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_bytes: u64,
}

impl HttpArgs {
    fn options(&self) -> anyhow::Result<HttpOptions> {
        let secs = |v: f64, flag: &str| -> anyhow::Result<Duration> {
            if v.is_finite() && v > 0.0 && v < 86_400.0 {
                Ok(Duration::from_secs_f64(v))
            } else {
                bail!("--{flag} must be a number of seconds between 0 and 86400, not {v}")
            }
        };
        Ok(HttpOptions {
            connect_timeout: secs(self.connect_timeout, "connect-timeout")?,
            timeout: secs(self.timeout, "timeout")?,
            retries: self.retries.min(10),
            backoff: Duration::from_millis(self.backoff_ms),
            max_retry_after: Duration::from_secs(self.max_retry_after),
            max_bytes: self.max_bytes,
        })
    }
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Providers to fetch (ids as in `orgcheck providers`); all when none given.
    #[arg(value_name = "PROVIDER")]
    pub providers: Vec<String>,
    /// The store directory [default: $ORGCHECK_STORE, else ./.orgcheck].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Provider declarations directory instead of the bundled one.
    #[arg(long = "providers", value_name = "DIR")]
    pub providers_dir: Option<PathBuf>,
    /// Documents fetched at once (at most 2 at a time from one host).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// `table`: a summary on stderr; `json`: the summary as JSON on stdout.
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Seconds to wait for another run that holds the store's lock.
    #[arg(long, value_name = "SECS", default_value_t = 5)]
    pub lock_timeout: u64,
    #[command(flatten)]
    pub http: HttpArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Contradiction,
    Omission,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Providers to compare (ids as in `orgcheck providers`); all when none given.
    #[arg(value_name = "PROVIDER")]
    pub providers: Vec<String>,
    #[arg(long, short, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,
    /// Provider declarations directory instead of the bundled one.
    #[arg(long = "providers", value_name = "DIR")]
    pub providers_dir: Option<PathBuf>,
    /// Exit with status 1 when any provider has one of these verdicts (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "VERDICT")]
    pub fail_on: Vec<FailOn>,
    /// Compare against the latest texts in this store (see `orgcheck fetch`), falling back to the
    /// bundled snapshots with a note.
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Fetch the policies first (into --store, else $ORGCHECK_STORE, else ./.orgcheck), then compare.
    #[arg(long)]
    pub live: bool,
    /// Documents fetched at once with --live.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub http: HttpArgs,
}

/// When a change makes the exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChangeFailOn {
    /// Any clause added, removed, reworded or moved (noise aside).
    Any,
    /// Only changes that gain or lose findings.
    Meaning,
    /// Never: exit 0 whatever changed.
    None,
}

/// Which edits count as noise.
#[derive(Debug, Clone, Args)]
pub struct NoiseArgs {
    /// Count these edits as changes after all (comma-separated; see docs/ci.md).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "NOISE")]
    pub no_normalise: Vec<Noise>,
    /// Count every edit as a change: no normaliser at all.
    #[arg(long, conflicts_with = "no_normalise")]
    pub strict: bool,
}

impl NoiseArgs {
    fn normaliser(&self) -> Normaliser {
        if self.strict {
            Normaliser::none()
        } else {
            Normaliser::without(&self.no_normalise)
        }
    }
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Two files (`-` for standard input), or one PROVIDER[/DOCUMENT] whose stored versions to compare.
    #[arg(value_name = "OLD NEW | PROVIDER[/DOCUMENT]", num_args = 1..=2, required = true)]
    pub targets: Vec<String>,
    /// The store directory [default: $ORGCHECK_STORE, else ./.orgcheck].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// The older stored version: an id, a unique prefix of one (a date), `previous` or `latest~N`
    /// [default: the one before --to].
    #[arg(long, value_name = "VERSION")]
    pub from: Option<String>,
    /// The newer stored version [default: latest].
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    #[arg(long, short, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,
    /// Exit with status 1 when the versions differ (`any`) or differ in findings (`meaning`).
    #[arg(long, value_enum, default_value_t = ChangeFailOn::None, value_name = "WHEN")]
    pub fail_on: ChangeFailOn,
    /// List every change in the table, not only the first changes without findings.
    #[arg(long)]
    pub all: bool,
    /// How to read the files.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// HTML files: CSS selectors that isolate the policy (repeatable).
    #[arg(long, value_name = "CSS")]
    pub select: Vec<String>,
    /// HTML files: CSS selectors to drop (repeatable).
    #[arg(long, value_name = "CSS")]
    pub remove: Vec<String>,
    #[command(flatten)]
    pub noise: NoiseArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Providers to check (ids as in `orgcheck providers`); all when none given.
    #[arg(value_name = "PROVIDER")]
    pub providers: Vec<String>,
    /// The store directory [default: $ORGCHECK_STORE, else ./.orgcheck].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Provider declarations directory instead of the bundled one.
    #[arg(long = "providers", value_name = "DIR")]
    pub providers_dir: Option<PathBuf>,
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
    /// Exit with status 1 when a document changed (`any`) or changed in findings (`meaning`).
    #[arg(long, value_enum, default_value_t = ChangeFailOn::Any, value_name = "WHEN")]
    pub fail_on: ChangeFailOn,
    #[arg(long, short, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,
    /// List every change in the table, not only the first changes without findings.
    #[arg(long)]
    pub all: bool,
    /// Documents fetched at once with --live.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Seconds to wait for another run that holds the store's lock.
    #[arg(long, value_name = "SECS", default_value_t = 5)]
    pub lock_timeout: u64,
    #[command(flatten)]
    pub noise: NoiseArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub http: HttpArgs,
}

/// `[TAG=]F1`, for `--min-f1` and `--min-avg-f1`: a threshold for one tag, or for every tag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TagThreshold {
    /// `None`: every tag without a threshold of its own.
    pub tag: Option<Tag>,
    pub min: f64,
}

impl TagThreshold {
    /// The threshold for `tag` from a list: its own if given, else the general one.
    fn for_tag(list: &[TagThreshold], tag: Tag) -> Option<f64> {
        list.iter()
            .rev()
            .find(|t| t.tag == Some(tag))
            .or_else(|| list.iter().rev().find(|t| t.tag.is_none()))
            .map(|t| t.min)
    }
}

fn parse_threshold(s: &str) -> Result<TagThreshold, String> {
    match s.split_once('=') {
        Some((tag, min)) => Ok(TagThreshold {
            tag: Some(tag.trim().parse()?),
            min: parse_unit(min.trim())?,
        }),
        None => Ok(TagThreshold {
            tag: None,
            min: parse_unit(s.trim())?,
        }),
    }
}

fn parse_unit(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}`: expected a number between 0 and 1")),
    }
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Annotated records, one JSON object per line: {"id", "text", "labels": [tags], "negative": [tags]?};
    /// `-` for standard input.
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// List up to N false positives and N false negatives per tag, with the rule and words that fired.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub errors: usize,
    /// Exit with status 1 when a tag's F1 (positive class) is below this: `0.75` for every tag, `opt-out=0.6`
    /// for one (comma-separated or repeated; a tag's own threshold wins).
    #[arg(long, value_name = "[TAG=]F1", value_delimiter = ',', value_parser = parse_threshold)]
    pub min_f1: Vec<TagThreshold>,
    /// The same for the presence/absence-averaged F1.
    #[arg(long, value_name = "[TAG=]F1", value_delimiter = ',', value_parser = parse_threshold)]
    pub min_avg_f1: Vec<TagThreshold>,
    #[command(flatten)]
    pub rules: RulesArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    Table,
    Json,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Decide by file extension, then by content.
    Auto,
    Text,
    Markdown,
    Html,
    /// One {"id": ..., "text": "..."} record per line; writes one result line per record.
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The document to tag: a file, an http(s) URL to fetch, or `-` (or nothing) for standard input.
    #[arg(value_name = "FILE|URL")]
    pub input: Option<PathBuf>,
    /// HTML: CSS selectors that isolate the policy on the page (repeatable); without any, the page's
    /// main content is found by a heuristic.
    #[arg(long, value_name = "CSS")]
    pub select: Vec<String>,
    /// HTML: CSS selectors to drop from the page (repeatable).
    #[arg(long, value_name = "CSS")]
    pub remove: Vec<String>,
    #[arg(long, short, value_enum, default_value_t = ExtractFormat::Table)]
    pub format: ExtractFormat,
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Show untagged clauses in the table too.
    #[arg(long)]
    pub all: bool,
    /// Worker threads for `--input-format jsonl` [default: the number of cores]; output keeps input order.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub http: HttpArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ProvidersArgs {
    /// Provider declarations directory instead of the bundled one.
    #[arg(long = "providers", value_name = "DIR")]
    pub providers_dir: Option<PathBuf>,
    /// Validate the declarations in DIR (or the --providers/bundled set) and report every problem.
    #[arg(long, value_name = "DIR", num_args = 0..=1)]
    pub check: Option<Option<PathBuf>>,
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct RulesCmdArgs {
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    #[command(flatten)]
    pub rules: RulesArgs,
}

/// How a successful run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1: findings that a flag asked to fail on.
    Findings,
    /// Exit 2: some items failed; the rest were processed and already reported.
    PartialFailure,
}

/// Prints a message on stderr with the `orgcheck:` prefix.
pub fn warn(message: impl std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "orgcheck: {message}");
}

/// Runs a parsed command, writing data to stdout.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let style = table::Style {
        color: cli.color.enabled(),
    };
    let quiet = cli.quiet;
    let outcome = match cli.command {
        Command::Compare(args) => compare_cmd(args, style, quiet, &mut out)?,
        Command::Fetch(args) => fetch_cmd(args, quiet, &mut out)?,
        Command::Extract(args) => extract_cmd(args, style, quiet, &mut out)?,
        Command::Providers(args) => providers_cmd(args, style, &mut out)?,
        Command::Rules(args) => rules_cmd(args, style, &mut out)?,
        Command::Diff(args) => diff_cmd(args, style, &mut out)?,
        Command::Check(args) => check_cmd(args, style, quiet, &mut out)?,
        Command::Eval(args) => eval_cmd(args, style, &mut out)?,
    };
    out.flush()?;
    Ok(outcome)
}

fn load_rules(args: &RulesArgs) -> anyhow::Result<RuleSet> {
    let mut extra = Vec::new();
    for path in &args.files {
        let bytes = fs::read(path).with_context(|| format!("{}: cannot read rules file", path.display()))?;
        let name = path.display().to_string();
        extra.push((name.clone(), crate::error::decode_utf8(&name, bytes)?));
    }
    let combine = if args.replace_rules {
        Combine::Replace
    } else {
        Combine::Add
    };
    Ok(RuleSet::with_files(&extra, combine)?)
}

fn provider_source(dir: &Option<PathBuf>) -> ProviderSource {
    dir.as_ref()
        .map_or(ProviderSource::Bundled, |d| ProviderSource::Dir(d.clone()))
}

fn compare_cmd(args: CompareArgs, style: table::Style, quiet: bool, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let all = providers::load(&provider_source(&args.providers_dir))?;
    let selected = providers::select(all, &args.providers)?;
    let rules = load_rules(&args.rules)?;
    let mut failed = 0;
    let store = if args.live || args.store.is_some() {
        Some(Store::new(store::default_root(args.store.as_deref())))
    } else {
        None
    };
    if args.live {
        let store = store.as_ref().expect("set with --live");
        // Only the compared documents are fetched.
        let docs: Vec<Provider> = selected
            .iter()
            .map(|p| Provider {
                documents: vec![p.policy_document().clone()],
                ..p.clone()
            })
            .collect();
        let options = FetchOptions {
            progress: progress_visible(quiet, false),
            concurrency: args.concurrency.into(),
            http: args.http.options()?,
            ..FetchOptions::default()
        };
        for r in fetch::fetch_all(&docs, store, &options)? {
            if r.status == fetch::Status::Failed {
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
        match policy_text(provider, store.as_ref(), quiet) {
            Ok(policy) => reports.push(compare::compare_provider(&rules, provider, &policy)),
            Err(message) => {
                warn(format!("{}: {message}", provider.file));
                failed += 1;
            }
        }
    }
    let report = CompareReport::new(reports);
    match args.format {
        CompareFormat::Table => out.write_all(table::compare(&report, output::table_width(), style).as_bytes())?,
        CompareFormat::Json => output::write_json(out, &report)?,
        CompareFormat::Markdown => out.write_all(markdown::compare(&report).as_bytes())?,
    }
    if failed > 0 {
        return Ok(Outcome::PartialFailure);
    }
    let fail = args.fail_on.iter().any(|f| {
        report.has(match f {
            FailOn::Contradiction => Verdict::Contradiction,
            FailOn::Omission => Verdict::Omission,
        })
    });
    Ok(if fail { Outcome::Findings } else { Outcome::Ok })
}

/// The policy text a provider is compared against: the latest stored text when a store is given and
/// holds one, else the bundled snapshot (with a note when a store was asked for).
fn policy_text(provider: &Provider, store: Option<&Store>, quiet: bool) -> Result<PolicyText, String> {
    let doc = provider.policy_document();
    if let Some(store) = store {
        match store.latest(&provider.id, &doc.id) {
            Ok(Some(stored)) => {
                return Ok(PolicyText {
                    kind: SourceKind::Store,
                    text: stored.text,
                    retrieved_at: Some(stored.meta.fetched_at),
                });
            }
            Ok(None) if doc.snapshot_text.is_some() && !quiet => warn(format!(
                "{}/{}: not in the store {}; using the bundled snapshot",
                provider.id,
                doc.id,
                store.root().display()
            )),
            Err(e) if doc.snapshot_text.is_some() => {
                warn(format!("{e}; using the bundled snapshot for {}", provider.id))
            }
            Err(e) => return Err(e.to_string()),
            Ok(None) => {}
        }
    }
    let Some(text) = &doc.snapshot_text else {
        return Err(format!(
            "document `{}` has no snapshot, so there is no policy text to compare; declare `snapshot = \"{}/{}.txt\"` or run `orgcheck fetch`",
            doc.id, provider.id, doc.id
        ));
    };
    if !text.chars().any(char::is_alphanumeric) {
        return Err(format!("the snapshot of document `{}` has no text", doc.id));
    }
    Ok(PolicyText {
        kind: SourceKind::Bundled,
        text: text.clone(),
        retrieved_at: None,
    })
}

/// Progress bars only on a terminal, and never with -q or when stdout carries JSON for a pipe.
fn progress_visible(quiet: bool, json: bool) -> bool {
    !quiet && !json && io::stderr().is_terminal()
}

#[derive(Serialize)]
struct FetchReport<'a> {
    schema_version: u32,
    store: String,
    results: &'a [fetch::DocResult],
}

fn fetch_cmd(args: FetchArgs, quiet: bool, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let all = providers::load(&provider_source(&args.providers_dir))?;
    let selected = providers::select(all, &args.providers)?;
    let store = Store::new(store::default_root(args.store.as_deref()));
    let json = args.format == ListFormat::Json;
    let options = FetchOptions {
        progress: progress_visible(quiet, json),
        concurrency: args.concurrency.into(),
        http: args.http.options()?,
        lock_wait: Duration::from_secs(args.lock_timeout),
        ..FetchOptions::default()
    };
    let results = fetch::fetch_all(&selected, &store, &options)?;
    let failed = results.iter().filter(|r| r.status == fetch::Status::Failed).count();
    if json {
        output::write_json(
            out,
            &FetchReport {
                schema_version: SCHEMA_VERSION,
                store: store.root().display().to_string(),
                results: &results,
            },
        )?;
    } else {
        for r in &results {
            let name = format!("{}/{}", r.provider, r.document);
            match r.status {
                fetch::Status::Failed => warn(format!(
                    "{name}: failed: {} ({})",
                    r.reason.as_deref().unwrap_or("unknown reason"),
                    r.url
                )),
                status if !quiet => {
                    let detail = match (r.chars, &r.version) {
                        (Some(chars), Some(v)) => format!(" ({chars} characters, version {v})"),
                        _ => String::new(),
                    };
                    warn(format!("{name}: {}{detail}", status.as_str()));
                }
                _ => {}
            }
        }
        if !quiet || failed > 0 {
            let count = |s: fetch::Status| results.iter().filter(|r| r.status == s).count();
            warn(format!(
                "{} documents into {}: {} new, {} changed, {} unchanged, {} failed",
                results.len(),
                store.root().display(),
                count(fetch::Status::New),
                count(fetch::Status::Changed),
                count(fetch::Status::Unchanged),
                failed
            ));
        }
    }
    Ok(if failed > 0 {
        Outcome::PartialFailure
    } else {
        Outcome::Ok
    })
}

fn read_input(input: &Option<PathBuf>) -> anyhow::Result<(String, Option<PathBuf>, Box<dyn io::BufRead + Send>)> {
    match input {
        None if io::stdin().is_terminal() => bail!("no input: give a FILE, or pipe text into `orgcheck extract -`"),
        None => Ok(("-".into(), None, Box::new(io::BufReader::new(io::stdin())))),
        Some(p) if p == Path::new("-") => Ok(("-".into(), None, Box::new(io::BufReader::new(io::stdin())))),
        Some(p) => {
            let name = p.display().to_string();
            let file = fs::File::open(p).with_context(|| format!("{name}: cannot open"))?;
            if file.metadata().is_ok_and(|m| m.is_dir()) {
                bail!("{name}: is a directory; give a file");
            }
            Ok((name, Some(p.clone()), Box::new(io::BufReader::new(file))))
        }
    }
}

fn is_url(input: &Option<PathBuf>) -> Option<String> {
    let text = input.as_ref()?.to_str()?;
    (text.starts_with("http://") || text.starts_with("https://")).then(|| text.to_string())
}

fn extract_cmd(args: ExtractArgs, style: table::Style, quiet: bool, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    if let Some(url) = is_url(&args.input) {
        if args.input_format == InputFormat::Jsonl {
            bail!("--input-format jsonl reads records from a file or standard input, not a URL");
        }
        let rules = load_rules(&args.rules)?;
        let isolation = Isolation::new(&args.select, &args.remove).map_err(|e| anyhow::anyhow!(e))?;
        let (fetched, extracted) =
            fetch::fetch_url(&url, &args.http.options()?, &isolation).map_err(|e| anyhow::anyhow!("{url}: {e}"))?;
        if !quiet && fetched.final_url != url {
            warn(format!("{url}: redirected to {}", fetched.final_url));
        }
        let doc = Document::from_text(&url, extracted.kind, extracted.text)?;
        return write_extract(&args, &rules, &doc, style, out);
    }
    let rules = load_rules(&args.rules)?;
    let (name, path, mut reader) = read_input(&args.input)?;
    if args.input_format == InputFormat::Jsonl {
        if args.format != ExtractFormat::Jsonl {
            bail!("--input-format jsonl writes one JSON line per record: add --format jsonl");
        }
        let threads = args.threads.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            usize::from,
        );
        let stats = extract::batch_parallel(&rules, reader, out, threads)
            .with_context(|| format!("{name}: reading records"))?;
        if stats.errors > 0 {
            warn(format!(
                "{name}: {} malformed line{} (first at line {}); each is an {{\"line\", \"error\"}} record in the output",
                stats.errors,
                if stats.errors == 1 { "" } else { "s" },
                stats.first_error.unwrap_or(0)
            ));
            return Ok(Outcome::PartialFailure);
        }
        return Ok(Outcome::Ok);
    }
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .with_context(|| format!("{name}: cannot read"))?;
    let format = match args.input_format {
        InputFormat::Auto | InputFormat::Jsonl => None,
        InputFormat::Text => Some(Format::Text),
        InputFormat::Markdown => Some(Format::Markdown),
        InputFormat::Html => Some(Format::Html),
    };
    let isolation = Isolation::new(&args.select, &args.remove).map_err(|e| anyhow::anyhow!(e))?;
    let doc = Document::from_bytes(&name, path.as_deref(), bytes, format, &isolation)?;
    write_extract(&args, &rules, &doc, style, out)
}

fn write_extract(
    args: &ExtractArgs,
    rules: &RuleSet,
    doc: &Document,
    style: table::Style,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let report = extract::extract(rules, doc);
    match args.format {
        ExtractFormat::Json => output::write_json(out, &report)?,
        ExtractFormat::Jsonl => {
            for clause in &report.clauses {
                serde_json::to_writer(&mut *out, clause).map_err(io::Error::from)?;
                out.write_all(b"\n")?;
            }
        }
        ExtractFormat::Table => {
            let rows: Vec<_> = report
                .clauses
                .iter()
                .map(|c| (c.index, c.text.as_str(), c.findings.clone()))
                .collect();
            out.write_all(table::extract(&rows, output::table_width(), style, args.all).as_bytes())?;
        }
    }
    Ok(Outcome::Ok)
}

#[derive(Serialize)]
struct ProviderList<'a> {
    schema_version: u32,
    providers: Vec<ProviderEntry<'a>>,
}

#[derive(Serialize)]
struct ProviderEntry<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'a str>,
    replied: bool,
    statements: usize,
    documents: Vec<DocumentEntry<'a>>,
}

#[derive(Serialize)]
struct DocumentEntry<'a> {
    id: &'a str,
    url: &'a str,
    select: &'a [String],
    remove: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot_date: Option<&'a str>,
}

fn providers_cmd(args: ProvidersArgs, style: table::Style, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    if let Some(check_dir) = &args.check {
        let source = provider_source(&check_dir.clone().or(args.providers_dir.clone()));
        let list = providers::load(&source)?;
        let documents: usize = list.iter().map(|p| p.documents.len()).sum();
        let statements: usize = list.iter().map(|p| p.statements.len()).sum();
        let place = match &source {
            ProviderSource::Bundled => "bundled providers".to_string(),
            ProviderSource::Dir(d) => d.display().to_string(),
        };
        writeln!(
            out,
            "{place}: ok: {} providers, {documents} documents, {statements} statements",
            list.len()
        )?;
        return Ok(Outcome::Ok);
    }
    let list = providers::load(&provider_source(&args.providers_dir))?;
    match args.format {
        ListFormat::Table => out.write_all(table::providers(&list, output::table_width(), style).as_bytes())?,
        ListFormat::Json => {
            let providers = list
                .iter()
                .map(|p| ProviderEntry {
                    id: &p.id,
                    name: &p.name,
                    country: p.country.as_deref(),
                    replied: !p.statements.is_empty(),
                    statements: p.statements.len(),
                    documents: p
                        .documents
                        .iter()
                        .map(|d| DocumentEntry {
                            id: &d.id,
                            url: &d.url,
                            select: &d.select,
                            remove: &d.remove,
                            snapshot: d.snapshot.as_deref(),
                            snapshot_date: d.snapshot_date.as_deref(),
                        })
                        .collect(),
                })
                .collect();
            output::write_json(
                out,
                &ProviderList {
                    schema_version: SCHEMA_VERSION,
                    providers,
                },
            )?;
        }
    }
    Ok(Outcome::Ok)
}

#[derive(Serialize)]
struct RuleList<'a> {
    schema_version: u32,
    rules: Vec<RuleEntry<'a>>,
}

#[derive(Serialize)]
struct RuleEntry<'a> {
    id: &'a str,
    tag: crate::rules::Tag,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    polarity: Option<crate::rules::Polarity>,
    /// Rust regex syntax, matched case-insensitively.
    patterns: &'a [String],
    exclude: Vec<&'a str>,
    origin: &'a str,
}

fn rules_cmd(args: RulesCmdArgs, style: table::Style, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let rules = load_rules(&args.rules)?;
    match args.format {
        ListFormat::Json => {
            let list = rules
                .rules
                .iter()
                .map(|r| RuleEntry {
                    id: &r.id,
                    tag: r.tag,
                    description: &r.description,
                    polarity: r.polarity,
                    patterns: &r.patterns,
                    exclude: r.exclude.iter().map(regex::Regex::as_str).collect(),
                    origin: &r.origin,
                })
                .collect();
            output::write_json(
                out,
                &RuleList {
                    schema_version: SCHEMA_VERSION,
                    rules: list,
                },
            )?;
        }
        ListFormat::Table => out.write_all(table::rules(&rules, output::table_width(), style).as_bytes())?,
    }
    Ok(Outcome::Ok)
}

fn change_outcome(fail_on: ChangeFailOn, changed: bool, meaning: bool) -> Outcome {
    let fail = match fail_on {
        ChangeFailOn::Any => changed,
        ChangeFailOn::Meaning => meaning,
        ChangeFailOn::None => false,
    };
    if fail { Outcome::Findings } else { Outcome::Ok }
}

/// Reads one side of `orgcheck diff OLD NEW` into normalised text.
fn diff_file(target: &str, args: &DiffArgs) -> anyhow::Result<(VersionInfo, String)> {
    let input = Some(PathBuf::from(target));
    let (name, path, mut reader) = read_input(&input)?;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .with_context(|| format!("{name}: cannot read"))?;
    let format = match args.input_format {
        InputFormat::Auto => None,
        InputFormat::Text => Some(Format::Text),
        InputFormat::Markdown => Some(Format::Markdown),
        InputFormat::Html => Some(Format::Html),
        InputFormat::Jsonl => bail!("--input-format jsonl is for `orgcheck extract`; diff reads whole documents"),
    };
    let isolation = Isolation::new(&args.select, &args.remove).map_err(|e| anyhow::anyhow!(e))?;
    let doc = Document::from_bytes(&name, path.as_deref(), bytes, format, &isolation)?;
    let info = VersionInfo {
        version: None,
        date: None,
        file: Some(name),
        sha256: compare::sha256_hex(&doc.text),
    };
    Ok((info, doc.text))
}

/// Finds `PROVIDER[/DOCUMENT]` in the store and the two versions to compare.
fn diff_stored(target: &str, args: &DiffArgs) -> anyhow::Result<(String, store::Stored, store::Stored)> {
    let store = Store::new(store::default_root(args.store.as_deref()));
    let (provider, document) = match target.split_once('/') {
        Some((p, d)) => (p.to_string(), d.to_string()),
        None => {
            let docs = store.documents(target)?;
            match docs.as_slice() {
                [one] => (target.to_string(), one.clone()),
                [] => {
                    let hint = if Path::new(target).exists() {
                        "; to compare files, give two: `orgcheck diff OLD NEW`"
                    } else {
                        "; run `orgcheck fetch` first, or give --store"
                    };
                    bail!(
                        "{}: nothing stored for provider `{target}`{hint}",
                        store.root().display()
                    )
                }
                many => bail!(
                    "provider `{target}` has several stored documents ({}); name one: `{target}/{}`",
                    many.join(", "),
                    many[0]
                ),
            }
        }
    };
    let ids = store.versions(&provider, &document)?;
    if ids.is_empty() {
        bail!(
            "{}: no versions stored for {provider}/{document}; run `orgcheck fetch` first",
            store.root().display()
        );
    }
    let to = store.resolve_version(&provider, &document, args.to.as_deref().unwrap_or("latest"))?;
    let from = match &args.from {
        Some(spec) => store.resolve_version(&provider, &document, spec)?,
        None => {
            let pos = ids.iter().position(|id| *id == to).unwrap_or(0);
            match pos.checked_sub(1) {
                Some(p) => ids[p].clone(),
                None => bail!(
                    "{provider}/{document}: version {to} is the first one stored, so there is nothing before it to compare with; give --from"
                ),
            }
        }
    };
    let read = |id: &str| -> anyhow::Result<store::Stored> {
        store
            .version(&provider, &document, id)?
            .ok_or_else(|| anyhow::anyhow!("{provider}/{document}: version {id} has no metadata in the store"))
    };
    Ok((format!("{provider}/{document}"), read(&from)?, read(&to)?))
}

fn diff_cmd(args: DiffArgs, style: table::Style, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let rules = load_rules(&args.rules)?;
    let norm = args.noise.normaliser();
    let (title, old, new, old_text, new_text) = if let [a, b] = args.targets.as_slice() {
        if args.from.is_some() || args.to.is_some() {
            bail!("--from and --to pick stored versions; they do not apply to two files");
        }
        if a == "-" && b == "-" {
            bail!("only one of OLD and NEW can be standard input");
        }
        let (old, old_text) = diff_file(a, &args)?;
        let (new, new_text) = diff_file(b, &args)?;
        (format!("{a} → {b}"), old, new, old_text, new_text)
    } else {
        let (title, old, new) = diff_stored(&args.targets[0], &args)?;
        (title, VersionInfo::of(&old), VersionInfo::of(&new), old.text, new.text)
    };
    let body: DiffBody = diff::diff(&rules, &norm, &old_text, &new_text);
    let outcome = change_outcome(args.fail_on, body.changed(), body.meaning_changed);
    match args.format {
        CompareFormat::Table => {
            out.write_all(table::diff(&title, &old, &new, &body, output::table_width(), style, args.all).as_bytes())?
        }
        CompareFormat::Markdown => out.write_all(markdown::diff(&title, &old, &new, &body).as_bytes())?,
        CompareFormat::Json => output::write_json(out, &DiffReport::new(title, old, new, &norm, body))?,
    }
    Ok(outcome)
}

fn check_cmd(args: CheckArgs, style: table::Style, quiet: bool, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let all = providers::load(&provider_source(&args.providers_dir))?;
    let selected = providers::select(all, &args.providers)?;
    let rules = load_rules(&args.rules)?;
    let norm = args.noise.normaliser();
    let store = Store::new(store::default_root(args.store.as_deref()));
    let baseline_path = args
        .baseline
        .clone()
        .unwrap_or_else(|| store.root().join("baseline.json"));
    let json = args.format == CompareFormat::Json;
    let (mode, documents) = if args.live {
        let options = FetchOptions {
            progress: progress_visible(quiet, json),
            concurrency: args.concurrency.into(),
            http: args.http.options()?,
            lock_wait: Duration::from_secs(args.lock_timeout),
            confirm: Some(norm.clone()),
            ..FetchOptions::default()
        };
        let results = fetch::fetch_all(&selected, &store, &options)?;
        (Mode::Live, check::check_live(&rules, &norm, &store, &results))
    } else {
        let baseline = Baseline::load(&baseline_path)?;
        if baseline.is_none() && !quiet {
            warn(format!(
                "no baseline at {}: every stored document counts as new; record one with --update-baseline",
                baseline_path.display()
            ));
        }
        (
            Mode::Baseline,
            check::check_baseline(&rules, &norm, &store, &selected, baseline.as_ref()),
        )
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
    let report = CheckReport::new(
        mode,
        &store,
        (mode == Mode::Baseline).then_some(baseline_path.as_path()),
        &norm,
        documents,
    );
    match args.format {
        CompareFormat::Table => {
            out.write_all(table::check(&report, output::table_width(), style, args.all).as_bytes())?
        }
        CompareFormat::Markdown => out.write_all(markdown::check(&report).as_bytes())?,
        CompareFormat::Json => output::write_json(out, &report)?,
    }
    if args.update_baseline {
        let previous = Baseline::load(&baseline_path).ok().flatten();
        Baseline::from_store(&rules, &norm, &store, &selected, previous.as_ref())?.write(&baseline_path)?;
        if !quiet {
            warn(format!("baseline written to {}", baseline_path.display()));
        }
    }
    if report.summary.failed > 0 {
        return Ok(Outcome::PartialFailure);
    }
    Ok(change_outcome(
        args.fail_on,
        report.summary.changed > 0,
        report.summary.meaning_changed > 0,
    ))
}

fn eval_cmd(args: EvalArgs, style: table::Style, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let rules = load_rules(&args.rules)?;
    let input = Some(args.gold.clone());
    let (name, _, reader) = read_input(&input)?;
    let gold = crate::eval::read_gold(&name, reader)?;
    let report = crate::eval::evaluate(&rules, &name, &gold, args.errors);
    match args.format {
        ListFormat::Table => out.write_all(table::eval(&report, output::table_width(), style).as_bytes())?,
        ListFormat::Json => output::write_json(out, &report)?,
    }
    let mut below = Vec::new();
    for t in &report.tags {
        if let Some(min) = TagThreshold::for_tag(&args.min_f1, t.tag)
            && t.f1 < min
        {
            below.push(format!("{}: F1 {:.4} < {min}", t.tag, t.f1));
        }
        if let Some(min) = TagThreshold::for_tag(&args.min_avg_f1, t.tag)
            && t.f1_avg < min
        {
            below.push(format!("{}: averaged F1 {:.4} < {min}", t.tag, t.f1_avg));
        }
    }
    if below.is_empty() {
        return Ok(Outcome::Ok);
    }
    for b in below {
        warn(format!("below threshold: {b}"));
    }
    Ok(Outcome::Findings)
}
