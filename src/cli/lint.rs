//! `orgcheck lint`: the policy against itself, pairs of clauses in one document that disagree.

use std::path::Path;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use orgcheck::document::ingest::Input;
use orgcheck::inputs::providers;
use orgcheck::output::{Output, OutputFormat};
use orgcheck::stages::compare::{self, Verdict};
use orgcheck::stages::lint::{self, LintReport};

use super::args::{
    DeclarationArgs, HttpArgs, InputArgs, InputFormatArg, RenderArgs, RulesArgs, StoreArgs, formats, input_formats,
};
use super::{Context, Outcome, warn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFailOn {
    Contradiction,
    NarrowDenial,
}

impl LintFailOn {
    fn grade(self) -> Verdict {
        match self {
            LintFailOn::Contradiction => Verdict::Contradiction,
            LintFailOn::NarrowDenial => Verdict::NarrowDenial,
        }
    }
}

#[derive(Debug, Args)]
#[command(mut_arg("input_format", |a| a.value_parser(input_formats(&["auto", "text", "markdown", "html", "jsonl"]))))]
pub struct LintArgs {
    /// The document: a file, an http(s) URL, a provider id (its policy: the bundled snapshot, or with
    /// --store the latest stored text), or `-` (or nothing) for standard input. An existing file wins
    /// over a provider of the same name.
    #[arg(value_name = "FILE|URL|PROVIDER")]
    pub input: Option<String>,
    #[command(flatten)]
    pub read: InputArgs,
    /// What to write on stdout: `table` to read in a terminal; `json` (with a `schema_version`), and
    /// `jsonl` where offered, for other tools; `markdown` and `html` for reports and issues.
    #[arg(long, short, default_value = "table", value_parser = formats(LintReport::FORMATS))]
    pub format: OutputFormat,
    /// Also list pairs where the denial is only narrower than, or beside, the permission ("we do not
    /// sell" and "we share"): usually not a problem, but what the policy leaves open.
    #[arg(long)]
    pub narrow: bool,
    /// Exit with status 1 when a pair has one of these grades (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "GRADE")]
    pub fail_on: Vec<LintFailOn>,
    #[command(flatten)]
    pub declarations: DeclarationArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub rendering: RenderArgs,
}

pub fn run(args: LintArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let rules = args.rules.load()?;
    let arg = args.input.as_deref().unwrap_or("-");
    let input = Input::parse(Path::new(arg));
    if args.read.input_format == InputFormatArg::Jsonl {
        if matches!(input, Input::Url(_)) {
            bail!("--input-format jsonl reads records from a file or standard input, not a URL");
        }
        if args.format != OutputFormat::Jsonl {
            bail!("--input-format jsonl writes one JSON line per record: add --format jsonl");
        }
        let name = input.name();
        let lint::LintBatchStats {
            batch: stats,
            with_pairs,
        } = lint::batch(&rules, input.open()?, &mut *ctx.out, args.narrow)
            .with_context(|| format!("{name}: reading records"))?;
        let documents = stats.records;
        ctx.note(format!(
            "{name}: {with_pairs} of {documents} document{} with a pair, {} with none",
            if documents == 1 { "" } else { "s" },
            documents - with_pairs
        ));
        if stats.errors > 0 {
            warn(format!(
                "{name}: {} malformed line{} (first at line {}); each is an {{\"line\", \"error\"}} record in the \
                 output",
                stats.errors,
                if stats.errors == 1 { "" } else { "s" },
                stats.first_error.unwrap_or(0)
            ));
            return Ok(Outcome::PartialFailure);
        }
        return Ok(Outcome::Ok);
    }
    let (source, text) = match &input {
        Input::Url(url) => {
            let doc = super::fetch::one_page(ctx, url, &args.http, &args.read.isolation()?, &args.rendering)?;
            (doc.source, doc.text)
        }
        Input::File(path) if !path.exists() && is_provider_id(arg) => {
            let provider = providers::one(providers::load(&args.declarations.source())?, arg)?;
            let store = args.store.chosen().then(|| args.store.open());
            let (policy, fallback) = compare::policy_text(&provider, store.as_ref())?;
            match fallback {
                Some(problem) if problem.is_problem() => warn(problem),
                Some(note) => ctx.note(note),
                None => {}
            }
            let doc = provider.policy_document();
            (
                format!("{}/{}", provider.id, doc.id),
                orgcheck::document::markup::normalise(&policy.text),
            )
        }
        _ => {
            let doc = input.read_document(args.read.format(), &args.read.isolation()?)?;
            (doc.source, doc.text)
        }
    };
    let report = lint::lint(&rules, &source, &text, args.narrow);
    if report.truncated {
        warn(format!(
            "{source}: stopped after {} comparisons of distinct practices; some pairs were not graded",
            report.comparisons
        ));
    }
    ctx.write_report(&report, args.format, false)?;
    Ok(Outcome::findings_if(args.fail_on.iter().any(|f| report.has(f.grade()))))
}

/// A provider id as declarations spell them: lower-case letters, digits and hyphens.
fn is_provider_id(arg: &str) -> bool {
    !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
