//! `orgcheck providers`: the declared providers, or a validation of their declarations.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use orgcheck::inputs::providers::{self, NewProvider, ProviderList, ProviderSource};
use orgcheck::output::{Output, OutputFormat};

use super::args::{DeclarationArgs, formats};
use super::{Context, Outcome};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ProvidersArgs {
    #[command(subcommand)]
    pub action: Option<ProvidersAction>,
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

#[derive(Debug, Subcommand)]
pub enum ProvidersAction {
    /// Write a minimal, commented declaration for a provider of your own, ready to fill in.
    New(NewArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The provider's id: lower-case letters, digits and hyphens; the file is ID.toml.
    #[arg(value_name = "ID")]
    pub id: String,
    /// The name customers know it by [default: the id, capitalised].
    #[arg(long)]
    pub name: Option<String>,
    /// Its ISO 3166 country code: which law and language its letters use [default: GB].
    #[arg(long)]
    pub country: Option<String>,
    /// Its privacy policy's address [default: https://ID.example/privacy, to replace].
    #[arg(long)]
    pub url: Option<String>,
    /// The directory to write it in [default: $ORGCHECK_PROVIDERS, else `providers` in orgcheck.toml,
    /// else ./providers]; made if missing.
    #[arg(long = "providers", value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(args: ProvidersArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    if let Some(ProvidersAction::New(new)) = args.action {
        return scaffold(new, ctx);
    }
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
        ProviderSource::Overlay(d) => format!("bundled providers and {}", d.display()),
    };
    let n = |k: usize, one: &str| format!("{k} {one}{}", if k == 1 { "" } else { "s" });
    writeln!(
        ctx.out,
        "{place}: ok: {}, {}, {}",
        n(list.len(), "provider"),
        n(documents, "document"),
        n(statements, "statement")
    )?;
    Ok(Outcome::Ok)
}

fn scaffold(args: NewArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let text = NewProvider {
        id: args.id.clone(),
        name: args.name,
        country: args.country,
        url: args.url.clone(),
    }
    .declaration()?;
    let dir = super::args::your_providers(args.dir).unwrap_or_else(|| PathBuf::from("providers"));
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot make the directory", dir.display()))?;
    let path = dir.join(format!("{}.toml", args.id));
    // Never over a declaration that is there: it may hold recorded replies.
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            anyhow::bail!("{}: already declared; edit it, or choose another id", path.display())
        }
        Err(e) => return Err(e).with_context(|| format!("{}: cannot write", path.display())),
    };
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    let url_step = if args.url.is_none() {
        "set its `url` to the policy's address, then "
    } else {
        ""
    };
    ctx.note(format!(
        "wrote {}; {url_step}`orgcheck fetch {id} --providers {dir}` and `orgcheck compare {id} --providers {dir} \
         --store .orgcheck` compare it",
        path.display(),
        id = args.id,
        dir = dir.display()
    ));
    writeln!(ctx.out, "{}", path.display())?;
    Ok(Outcome::Ok)
}
