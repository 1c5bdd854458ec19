//! `orgcheck completions SHELL` and `orgcheck man`: what a packaged command-line tool ships, generated
//! from the same definitions as `--help`, so they never drift from it.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, Context, Outcome};

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. Install, e.g., for bash:
    /// `orgcheck completions bash > ~/.local/share/bash-completion/completions/orgcheck`;
    /// for zsh, a file named `_orgcheck` in a directory of `$fpath`; for fish,
    /// `~/.config/fish/completions/orgcheck.fish`.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {}

pub fn completions(args: CompletionsArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let mut command = super::help::decorate(Cli::command());
    clap_complete::generate(args.shell, &mut command, "orgcheck", ctx.out);
    Ok(Outcome::Ok)
}

/// Writes the manual page (roff) of `orgcheck` and, after it, one section per command.
pub fn man(_args: ManArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let command = super::help::decorate(Cli::command());
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    page.extend_from_slice(
        b".SH \"EXIT STATUS\"\n.TP\n0\nDone; nothing a flag asked to fail on.\n.TP\n1\nFindings or changes that \
          a flag asked to fail on (\\fB\\-\\-fail\\-on\\fR).\n.TP\n2\nAn error, or some documents failed; the \
          message on stderr says what to do.\n",
    );
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("orgcheck {}", sub.get_name());
        writeln!(page, ".SH \"{}\"", name.to_uppercase())?;
        let has_more = sub.get_after_help().is_some();
        let sub = sub.clone().bin_name(name.clone()).display_name(name);
        let man = clap_mangen::Man::new(sub);
        man.render_synopsis_section(&mut page)?;
        man.render_description_section(&mut page)?;
        man.render_options_section(&mut page)?;
        if has_more {
            // The examples and glossaries belong to the command's own section, not to a new one.
            let mut extra = Vec::new();
            man.render_extra_section(&mut extra)?;
            let extra = String::from_utf8_lossy(&extra).replacen(".SH EXTRA", ".SS \"More\"", 1);
            page.extend_from_slice(extra.as_bytes());
        }
    }
    ctx.out.write_all(&page)?;
    Ok(Outcome::Ok)
}
