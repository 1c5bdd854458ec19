//! `orgcheck diff`: two versions of a policy, clause by clause — two files, or two stored versions.

use std::path::Path;

use anyhow::bail;
use clap::{Args, ValueEnum};
use orgcheck::base::hash::sha256_hex;
use orgcheck::base::report::VersionInfo;
use orgcheck::document::ingest::{Document, Input};
use orgcheck::output::{Output, OutputFormat};
use orgcheck::stages::diff::{self, DiffReport};
use orgcheck::stages::revert;

use super::args::{InputArgs, NoiseArgs, RulesArgs, StoreArgs, formats, input_formats};
use super::{Context, Outcome};

/// When a change makes the exit status 1 (comma-separated; any one that happened fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChangeFailOn {
    /// Any clause added, removed, reworded or moved (noise aside), page changes included.
    Any,
    /// Only changes in meaning: findings gained or lost, or a practice whose scope changed, in the same
    /// document and language.
    Meaning,
    /// A capture of another document (an error page, another page at the address).
    Replaced,
    /// A version that returns to one stored before.
    Reverted,
    /// A page that changed language.
    Language,
    /// Never: exit 0 whatever changed.
    None,
}

/// What kinds of change a run saw.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seen {
    pub changed: bool,
    pub meaning: bool,
    pub replaced: bool,
    pub reverted: bool,
    pub language: bool,
}

impl Seen {
    pub fn of(body: &orgcheck::stages::diff::DiffBody) -> Seen {
        Seen {
            changed: body.changed(),
            meaning: body.meaning_changed,
            replaced: body.replaced.is_some(),
            reverted: body.reverted_to.is_some(),
            language: body.language_change.is_some(),
        }
    }
}

impl ChangeFailOn {
    /// The outcome of a run that saw `seen`, failing on any of `levels`.
    pub fn outcome(levels: &[ChangeFailOn], seen: Seen) -> Outcome {
        Outcome::findings_if(levels.iter().any(|level| match level {
            ChangeFailOn::Any => seen.changed,
            ChangeFailOn::Meaning => seen.meaning,
            ChangeFailOn::Replaced => seen.replaced,
            ChangeFailOn::Reverted => seen.reverted,
            ChangeFailOn::Language => seen.language,
            ChangeFailOn::None => false,
        }))
    }
}

#[derive(Debug, Args)]
#[command(mut_arg("input_format", |a| a.value_parser(input_formats(&["auto", "text", "markdown", "html"]))))]
pub struct DiffArgs {
    /// Two files (`-` for standard input), or one PROVIDER[/DOCUMENT] whose stored versions to compare.
    #[arg(value_name = "OLD NEW | PROVIDER[/DOCUMENT]", num_args = 1..=2, required = true)]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// The older stored version: an id, a unique prefix of one (a date), `previous` or `latest~N`
    /// [default: the one before --to].
    #[arg(long, value_name = "VERSION")]
    pub from: Option<String>,
    /// The newer stored version [default: latest].
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// What to write on stdout: `table` to read in a terminal; `json` (with a `schema_version`), and
    /// `jsonl` where offered, for other tools; `markdown` and `html` for reports and issues; `github`
    /// for GitHub Actions annotations.
    #[arg(long, short, default_value = "table", value_parser = formats(DiffReport::FORMATS))]
    pub format: OutputFormat,
    /// Exit with status 1 when the versions differ (`any`), differ in meaning (`meaning`), or the page
    /// was replaced, reverted or changed language; comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "none", value_name = "WHEN")]
    pub fail_on: Vec<ChangeFailOn>,
    /// List every change in the table, not only the first changes without findings.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub read: InputArgs,
    #[command(flatten)]
    pub noise: NoiseArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
}

pub fn run(args: DiffArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let rules = args.rules.load()?;
    let norm = args.noise.normaliser();
    // The store and the pair's `provider/document` and old version, for stored versions.
    let mut stored = None;
    let (title, old, new, old_text, new_text) = if let [a, b] = args.targets.as_slice() {
        if args.from.is_some() || args.to.is_some() {
            bail!("--from and --to pick stored versions; they do not apply to two files");
        }
        if a == "-" && b == "-" {
            bail!("only one of OLD and NEW can be standard input");
        }
        let old = read_file(a, &args)?;
        let new = read_file(b, &args)?;
        (format!("{a} → {b}"), info(&old), info(&new), old.text, new.text)
    } else {
        let store = args.store.open();
        let pair = store.version_pair(&args.targets[0], args.from.as_deref(), args.to.as_deref())?;
        let (old, new) = (VersionInfo::from(&pair.old), VersionInfo::from(&pair.new));
        stored = Some((store, pair.title.clone(), pair.old.meta.version.clone()));
        (pair.title, old, new, pair.old.text, pair.new.text)
    };
    let mut body = diff::diff(&rules, &norm, &old_text, &new_text);
    if let Some((store, title, old_id)) = &stored
        && let Some((provider, document)) = title.split_once('/')
    {
        let pair = revert::Compared {
            provider,
            document,
            old_id,
            old_text: &old_text,
            new_text: &new_text,
        };
        revert::mark(&mut body, store, pair, &norm);
    }
    let outcome = ChangeFailOn::outcome(&args.fail_on, Seen::of(&body));
    ctx.write_report(&DiffReport::new(title, old, new, &norm, body), args.format, args.all)?;
    Ok(outcome)
}

/// Reads one side of `orgcheck diff OLD NEW`.
fn read_file(target: &str, args: &DiffArgs) -> anyhow::Result<Document> {
    let input = Input::local(Path::new(target));
    Ok(input.read_document(args.read.format(), &args.read.isolation()?)?)
}

fn info(doc: &Document) -> VersionInfo {
    VersionInfo {
        version: None,
        date: None,
        file: Some(doc.source.clone()),
        sha256: sha256_hex(&doc.text),
        language: orgcheck::analysis::language::detect(&doc.text)
            .language
            .map(|l| l.code().to_string()),
    }
}
