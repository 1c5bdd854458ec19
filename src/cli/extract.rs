//! `orgcheck extract`: tags one document (a file, standard input or a URL) clause by clause, or a
//! JSONL stream of records.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;
use orgcheck::document::ingest::Input;
use orgcheck::output::{Output, OutputFormat};
use orgcheck::stages::extract::{self, ExtractReport};

use super::args::{HttpArgs, InputArgs, InputFormatArg, RenderArgs, RulesArgs, formats};
use super::{Context, Outcome, warn};

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The document to tag: a file, an http(s) URL to fetch, or `-` (or nothing) for standard input.
    #[arg(value_name = "FILE|URL")]
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub read: InputArgs,
    /// What to write on stdout: `table` to read in a terminal; `json` (with a `schema_version`) or
    /// `jsonl` for other tools; `markdown` and `html` for reports [default: table; jsonl for records
    /// and web archives].
    #[arg(long, short, value_parser = formats(ExtractReport::FORMATS))]
    pub format: Option<OutputFormat>,
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
    #[command(flatten)]
    pub rendering: RenderArgs,
}

pub fn run(args: ExtractArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let input = args.input.as_deref().map_or(Input::Stdin, Input::parse);
    // With `auto`, a file's name says when it is a stream of records or a web archive.
    let named = |ends: &[&str]| match &input {
        Input::File(p) if args.read.input_format == InputFormatArg::Auto => {
            let name = p.to_string_lossy().to_ascii_lowercase();
            ends.iter().any(|e| name.ends_with(e))
        }
        _ => false,
    };
    let records = args.read.input_format == InputFormatArg::Jsonl || named(&[".jsonl", ".ndjson"]);
    let warc = args.read.input_format == InputFormatArg::Warc || named(&[".warc", ".warc.gz"]);
    let format = args.format.unwrap_or(if records || warc {
        OutputFormat::Jsonl
    } else {
        OutputFormat::Table
    });
    let rules = args.rules.load()?;
    let doc = match &input {
        Input::Url(_) if records || warc => {
            bail!("--input-format jsonl and warc read a file or standard input, not a URL; download it first")
        }
        _ if warc => return warc_batch(&args, format, &input, &rules, ctx),
        Input::Url(url) => super::fetch::one_page(ctx, url, &args.http, &args.read.isolation()?, &args.rendering)?,
        _ if records => return batch(&args, format, &input, &rules, ctx),
        _ => input.read_document(args.read.format(), &args.read.isolation()?)?,
    };
    if doc.tags_stripped {
        ctx.note(format!(
            "{}: plain text holding HTML tags (a crawl or a saved page): read without its tags, block tags as \
             breaks; --input-format html reads it as a page, --input-format text keeps the tags",
            doc.source
        ));
    }
    let report = extract::extract(&rules, &doc);
    if let Some(note) = report.unread() {
        warn(note);
    }
    ctx.write_report(&report, format, args.all)?;
    Ok(Outcome::Ok)
}

/// Record streams write one JSON line per record, and nothing else.
fn require_jsonl(format: OutputFormat, input: &str) -> anyhow::Result<()> {
    if format != OutputFormat::Jsonl {
        bail!("--input-format {input} writes one JSON line per record: add --format jsonl");
    }
    Ok(())
}

/// `--input-format warc`: one result line per response record, in file order.
fn warc_batch(
    args: &ExtractArgs,
    format: OutputFormat,
    input: &Input,
    rules: &orgcheck::RuleSet,
    ctx: &mut Context<'_>,
) -> anyhow::Result<Outcome> {
    use std::io::BufRead;
    require_jsonl(format, "warc")?;
    let name = input.name();
    let mut reader = std::io::BufReader::new(input.open()?);
    // Common Crawl and the Wayback Machine gzip each record on its own; a multi-member decoder reads
    // them as one stream.
    let gzip = reader
        .fill_buf()
        .with_context(|| format!("{name}: cannot read"))?
        .starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead> = if gzip {
        Box::new(std::io::BufReader::new(flate2::read::MultiGzDecoder::new(reader)))
    } else {
        Box::new(reader)
    };
    let stats = extract::warc_batch(rules, reader, ctx.out, args.http.max_bytes)
        .with_context(|| format!("{name}: reading WARC records"))?;
    let skipped: Vec<String> = stats.skipped.iter().map(|(why, n)| format!("{n} {why}")).collect();
    ctx.note(format!(
        "{name}: {} response record{} tagged, {} failed{}",
        stats.tagged,
        if stats.tagged == 1 { "" } else { "s" },
        stats.failed,
        if skipped.is_empty() {
            String::new()
        } else {
            format!("; left out: {}", skipped.join(", "))
        }
    ));
    if let Some(stop) = &stats.stopped {
        warn(format!("{name}: {stop}; the records before it were tagged"));
    }
    if stats.failed > 0 {
        return Ok(Outcome::PartialFailure);
    }
    Ok(Outcome::Ok)
}

/// `--input-format jsonl`: one result line per record, in input order, on `--threads` threads.
fn batch(
    args: &ExtractArgs,
    format: OutputFormat,
    input: &Input,
    rules: &orgcheck::RuleSet,
    ctx: &mut Context<'_>,
) -> anyhow::Result<Outcome> {
    require_jsonl(format, "jsonl")?;
    let name = input.name();
    let reader = input.open()?;
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let stats =
        extract::batch_parallel(rules, reader, ctx.out, threads).with_context(|| format!("{name}: reading records"))?;
    if stats.unread > 0 {
        warn(format!(
            "{name}: {} of {} records {} in a language orgcheck has no rules for, so not read (\"read\": false)",
            stats.unread,
            stats.records,
            if stats.unread == 1 { "is" } else { "are" }
        ));
    }
    if stats.errors == 0 {
        return Ok(Outcome::Ok);
    }
    warn(format!(
        "{name}: {} malformed line{} (first at line {}); each is an {{\"line\", \"error\"}} record in the output",
        stats.errors,
        if stats.errors == 1 { "" } else { "s" },
        stats.first_error.unwrap_or(0)
    ));
    Ok(Outcome::PartialFailure)
}
