//! The `orgcheck` binary: parse arguments, run, map the outcome to an exit code.
//! 0 ok, 1 findings a flag asked to fail on, 2 errors.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use cli::{Cli, Outcome, OutputFailed};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The configuration's defaults go into the parser, so that help shows them and flags beat them.
    let config = match cli::config::init(&args) {
        Ok(config) => config,
        Err(err) => return report(&err),
    };
    let parsed = cli::help::decorate(cli::config::with_defaults(Cli::command(), config))
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(cli) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Ok(Outcome::PartialFailure) => ExitCode::from(2),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => report(&err),
    }
}

/// Prints an error on stderr, each line prefixed, and gives the exit code of errors.
fn report(err: &anyhow::Error) -> ExitCode {
    let mut stderr = io::stderr().lock();
    let message = match OutputFailed::find(err) {
        Some(failed) => failed.to_string(),
        None => format!("{err:#}"),
    };
    // Multi-problem errors carry one problem per line; each gets the prefix.
    // Errors quote file names, URLs and declarations: their control characters are shown.
    for line in message.lines() {
        let _ = writeln!(stderr, "orgcheck: {}", orgcheck::base::visible::visible(line, false));
    }
    ExitCode::from(2)
}

/// A closed pipe (`orgcheck compare | head -1`) is the reader's choice, not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
