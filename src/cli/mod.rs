//! The `orgcheck` command line: the top-level parser, the command list and the dispatch. Each command
//! lives in its own file, its flags beside the code that runs it; the flag groups several commands
//! share are in [`args`]. Commands only wire library calls together: decisions belong to the library.

mod args;
mod check;
pub mod config;
mod compare;
mod letter;
mod lint;
mod diff;
mod eval;
mod extract;
mod fetch;
pub mod help;
mod history;
mod import;
mod providers;
mod reply;
mod rules;
mod shell;

use std::io::{self, BufWriter, IsTerminal, Write};

use clap::{Parser, Subcommand, ValueEnum};
use orgcheck::output::{self, Output, OutputFormat};

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

    /// Defaults for your providers directory, store, sender details and format [default:
    /// $ORGCHECK_CONFIG, else ./orgcheck.toml, else orgcheck/orgcheck.toml in your config directory].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare each provider's statements to customers with its privacy policy.
    ///
    /// The policy texts are the bundled snapshots; with --store (or --live, which fetches first) they are
    /// the latest texts in the store, and a provider with nothing stored falls back to its snapshot, with
    /// a note on stderr.
    Compare(compare::CompareArgs),
    /// Download every declared policy into the store, keeping dated versions.
    Fetch(fetch::FetchArgs),
    /// Find clauses of one document that disagree: a denial and a permission whose scopes overlap.
    Lint(lint::LintArgs),
    /// Draft your letter to a provider: a subject access request, with questions citing its policy.
    Letter(letter::LetterArgs),
    /// Record a provider's reply (.eml, text or HTML) as a statement in its declaration, without the
    /// quoted letter, signature or your details.
    Reply(reply::ReplyArgs),
    /// Tag a document (text, Markdown, HTML or PDF: a file, a URL or standard input), a JSONL stream of
    /// records, or a web archive (WARC).
    Extract(extract::ExtractArgs),
    /// List the declared providers, or validate declarations with --check.
    Providers(providers::ProvidersArgs),
    /// List the active tagging rules and their patterns.
    Rules(rules::RulesCmdArgs),
    /// Compare two versions of a policy clause by clause: two files, or stored versions of a document.
    Diff(diff::DiffArgs),
    /// Report which policies changed, and whether in meaning: for CI (exit 1 on change).
    Check(check::CheckArgs),
    /// A stored document's versions: when each practice appeared or disappeared, and the changes that did it.
    History(history::HistoryArgs),
    /// Add an archived version of a policy (Wayback Machine, Open Terms Archive, ToSBack) to the store,
    /// under the date the archive captured it.
    Import(import::ImportArgs),
    /// Measure the tagging rules on an annotated data set: precision, recall and F1 per tag.
    Eval(eval::EvalArgs),
    /// Write a completion script for a shell (bash, zsh, fish, powershell, elvish) to stdout.
    Completions(shell::CompletionsArgs),
    /// Write the manual page (roff) to stdout: `orgcheck man > orgcheck.1; man ./orgcheck.1`.
    Man(shell::ManArgs),
}

/// `--color auto|always|never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour stdout: `always`, or `auto` when stdout is a terminal and `NO_COLOR` is unset.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
            }
        }
    }
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

impl Outcome {
    /// `Findings` when `fail` holds, else `Ok`.
    fn findings_if(fail: bool) -> Outcome {
        if fail { Outcome::Findings } else { Outcome::Ok }
    }
}

/// What every command is given: where its data goes and how the user wants it.
pub struct Context<'a> {
    out: &'a mut dyn Write,
    color: bool,
    quiet: bool,
}

impl Context<'_> {
    /// Writes a report to stdout in `format`, tables fitted to the terminal.
    fn write_report<R: Output>(&mut self, report: &R, format: OutputFormat, all: bool) -> io::Result<()> {
        let options = output::Options {
            color: self.color,
            width: table_width(),
            all,
            wrap: io::stdout().is_terminal(),
        };
        output::write(report, format, &options, self.out)
    }

    /// Writes data to stdout as it is.
    fn write(&mut self, data: &str) -> io::Result<()> {
        self.out.write_all(data.as_bytes())
    }

    /// A note on stderr, unless `-q`.
    fn note(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            warn(message);
        }
    }
}

/// Prints a message on stderr with the `orgcheck:` prefix.
pub fn warn(message: impl std::fmt::Display) {
    // Messages quote file names, provider names and URLs: their control characters are shown, not sent.
    let message = message.to_string();
    let _ = writeln!(
        io::stderr().lock(),
        "orgcheck: {}",
        orgcheck::base::visible::visible(&message, false)
    );
}

/// How wide a table may be: the terminal's width, else `COLUMNS`, else 120.
fn table_width() -> u16 {
    if io::stdout().is_terminal()
        && let Some(w) = comfy_table::Table::new().width()
    {
        return w;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(120)
}

/// A write to stdout that failed (a full disk, a closed terminal). It is reported as such, whatever
/// the command was doing: "-: reading records: No space left on device" would blame the input.
#[derive(Debug)]
pub struct OutputFailed(io::Error);

impl std::fmt::Display for OutputFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "standard output: cannot write: {}", self.0)
    }
}

impl std::error::Error for OutputFailed {}

impl OutputFailed {
    /// The failed stdout write somewhere in `err`'s chain, if that is what went wrong.
    pub fn find(err: &anyhow::Error) -> Option<&OutputFailed> {
        err.chain().find_map(|e| {
            e.downcast_ref::<io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<OutputFailed>())
        })
    }
}

/// Stdout, with its errors marked as [`OutputFailed`]. The error kind is kept, so a closed pipe is
/// still recognised and an interrupted write still retried.
struct Stdout<W>(W);

impl<W: Write> Write for Stdout<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(mark_output)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(mark_output)
    }
}

fn mark_output(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), OutputFailed(e))
}

/// Runs a parsed command, writing data to stdout.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(Stdout(stdout.lock()));
    let mut ctx = Context {
        out: &mut out,
        color: cli.color.enabled(),
        quiet: cli.quiet,
    };
    let outcome = match cli.command {
        Command::Compare(args) => compare::run(args, &mut ctx)?,
        Command::Fetch(args) => fetch::run(args, &mut ctx)?,
        Command::Lint(args) => lint::run(args, &mut ctx)?,
        Command::Letter(args) => letter::run(args, &mut ctx)?,
        Command::Reply(args) => reply::run(args, &mut ctx)?,
        Command::Extract(args) => extract::run(args, &mut ctx)?,
        Command::Providers(args) => providers::run(args, &mut ctx)?,
        Command::Rules(args) => rules::run(args, &mut ctx)?,
        Command::Diff(args) => diff::run(args, &mut ctx)?,
        Command::Check(args) => check::run(args, &mut ctx)?,
        Command::History(args) => history::run(args, &mut ctx)?,
        Command::Import(args) => import::run(args, &mut ctx)?,
        Command::Eval(args) => eval::run(args, &mut ctx)?,
        Command::Completions(args) => shell::completions(args, &mut ctx)?,
        Command::Man(args) => shell::man(args, &mut ctx)?,
    };
    out.flush()?;
    Ok(outcome)
}
