//! The `orgcheck` command line: argument definitions and the command implementations that wire the
//! pipeline stages together. `main.rs` only parses, calls [`run`] and maps the outcome to an exit code.

use std::fs;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::compare::{self, CompareReport, PolicyText, SCHEMA_VERSION, SourceKind, Verdict};
use crate::extract::{self, Document};
use crate::output::{self, ColorChoice, markdown, table};
use crate::providers::{self, Provider, ProviderSource};
use crate::rules::{Combine, RuleSet};
use crate::text::Format;

const ABOUT: &str = "Compare what companies tell customers about their data with what their privacy policies say.";

#[derive(Debug, Parser)]
#[command(name = "orgcheck", version, about = ABOUT, long_about = None)]
pub struct Cli {
    /// When to colour output: auto colours a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare each provider's statements to customers with its privacy policy.
    Compare(CompareArgs),
    /// Tag a document (text, Markdown or HTML) or a JSONL stream of records.
    Extract(ExtractArgs),
    /// List the declared providers, or validate declarations with --check.
    Providers(ProvidersArgs),
    /// List the active tagging rules and their patterns.
    Rules(RulesCmdArgs),
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
    /// The document to tag; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub input: Option<PathBuf>,
    #[arg(long, short, value_enum, default_value_t = ExtractFormat::Table)]
    pub format: ExtractFormat,
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Show untagged clauses in the table too.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub rules: RulesArgs,
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
    let outcome = match cli.command {
        Command::Compare(args) => compare_cmd(args, style, &mut out)?,
        Command::Extract(args) => extract_cmd(args, style, &mut out)?,
        Command::Providers(args) => providers_cmd(args, style, &mut out)?,
        Command::Rules(args) => rules_cmd(args, style, &mut out)?,
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

fn compare_cmd(args: CompareArgs, style: table::Style, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let all = providers::load(&provider_source(&args.providers_dir))?;
    let selected = providers::select(all, &args.providers)?;
    let rules = load_rules(&args.rules)?;
    let mut reports = Vec::new();
    let mut failed = 0;
    for provider in &selected {
        match policy_text(provider) {
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

/// The policy text a provider is compared against: its bundled snapshot.
fn policy_text(provider: &Provider) -> Result<PolicyText, String> {
    let doc = provider.policy_document();
    let Some(text) = &doc.snapshot_text else {
        return Err(format!(
            "document `{}` has no snapshot, so there is no policy text to compare; declare `snapshot = \"{}/{}.txt\"`",
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

fn read_input(input: &Option<PathBuf>) -> anyhow::Result<(String, Option<PathBuf>, Box<dyn io::BufRead>)> {
    match input {
        None if io::stdin().is_terminal() => bail!("no input: give a FILE, or pipe text into `orgcheck extract -`"),
        None => Ok(("-".into(), None, Box::new(io::BufReader::new(io::stdin())))),
        Some(p) if p == Path::new("-") => Ok(("-".into(), None, Box::new(io::BufReader::new(io::stdin())))),
        Some(p) => {
            let name = p.display().to_string();
            if (name.starts_with("http://") || name.starts_with("https://")) && !p.exists() {
                bail!(
                    "{name}: looks like a URL; extract reads files: save the page first (e.g. `curl -o page.html '{name}'`)"
                );
            }
            let file = fs::File::open(p).with_context(|| format!("{name}: cannot open"))?;
            if file.metadata().is_ok_and(|m| m.is_dir()) {
                bail!("{name}: is a directory; give a file");
            }
            Ok((name, Some(p.clone()), Box::new(io::BufReader::new(file))))
        }
    }
}

fn extract_cmd(args: ExtractArgs, style: table::Style, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let rules = load_rules(&args.rules)?;
    let (name, path, mut reader) = read_input(&args.input)?;
    if args.input_format == InputFormat::Jsonl {
        if args.format != ExtractFormat::Jsonl {
            bail!("--input-format jsonl writes one JSON line per record: add --format jsonl");
        }
        let stats = extract::batch(&rules, reader, out).with_context(|| format!("{name}: reading records"))?;
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
    let doc = Document::from_bytes(&name, path.as_deref(), bytes, format)?;
    let report = extract::extract(&rules, &doc);
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
