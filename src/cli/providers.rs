//! `orgcheck providers`: the declared providers, or a validation of their declarations.

use std::path::PathBuf;

use clap::Args;
use orgcheck::inputs::providers::{self, ProviderList, ProviderSource};
use orgcheck::output::{Output, OutputFormat};

use super::args::{DeclarationArgs, formats};
use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct ProvidersArgs {
    #[command(flatten)]
    pub declarations: DeclarationArgs,
    /// Validate the declarations in DIR (or the --providers/bundled set) and report every problem.
    #[arg(long, value_name = "DIR", num_args = 0..=1)]
    pub check: Option<Option<PathBuf>>,
    /// What to write on stdout: `table` to read in a terminal; `json` (with a `schema_version`), and
    /// `jsonl` where offered, for other tools; `markdown` and `html` for reports and issues.
    #[arg(long, short, default_value = "table", value_parser = formats(ProviderList::FORMATS))]
    pub format: OutputFormat,
}

pub fn run(args: ProvidersArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let Some(check_dir) = &args.check else {
        let list = providers::load(&args.declarations.source())?;
        ctx.write_report(&ProviderList { providers: &list }, args.format, false)?;
        return Ok(Outcome::Ok);
    };
    let source = match check_dir {
        Some(dir) => ProviderSource::Dir(dir.clone()),
        None => args.declarations.source(),
    };
    let list = providers::load(&source)?;
    let pages: usize = list.iter().map(|p| p.statement_pages().count()).sum();
    let documents: usize = list.iter().map(|p| p.documents.len()).sum::<usize>() - pages;
    let statements: usize = list.iter().map(|p| p.statements.len()).sum::<usize>() + pages;
    let place = match &source {
        ProviderSource::Bundled => "bundled providers".to_string(),
        ProviderSource::Dir(d) => d.display().to_string(),
    };
    writeln!(
        ctx.out,
        "{place}: ok: {} providers, {documents} documents, {statements} statements",
        list.len()
    )?;
    Ok(Outcome::Ok)
}
