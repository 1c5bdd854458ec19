//! `orgcheck fetch`: downloads every declared document into the store; and the progress bar that
//! every command which fetches shows on a terminal.

use std::io::{self, IsTerminal};
use std::sync::Arc;

use clap::Args;
use orgcheck::inputs::fetch::{self, FetchReport, NoProgress, Progress};
use orgcheck::output::{Output, OutputFormat};

use orgcheck::document::ingest::Isolation;

use super::args::{FetchingArgs, HttpArgs, ProviderArgs, RenderArgs, StoreArgs, formats};
use super::{Context, Outcome, warn};

#[derive(Debug, Args)]
pub struct FetchArgs {
    #[command(flatten)]
    pub providers: ProviderArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    /// `table`: a summary on stderr; `json`: the summary as JSON on stdout.
    #[arg(long, short, default_value = "table", value_parser = formats(FetchReport::FORMATS))]
    pub format: OutputFormat,
    #[command(flatten)]
    pub fetching: FetchingArgs,
}

pub fn run(args: FetchArgs, ctx: &mut Context<'_>) -> anyhow::Result<Outcome> {
    let selected = args.providers.load()?;
    let store = args.store.open();
    let json = args.format == OutputFormat::Json;
    let options = args.fetching.options(progress(ctx, json), None)?;
    let results = fetch::fetch_all(&selected, &store, &options)?;
    if let Some(note) = fetch::browser_note(&results) {
        ctx.note(note);
    }
    let report = FetchReport::new(&store, &results);
    if json {
        ctx.write_report(&report, OutputFormat::Json, false)?;
    } else {
        // The table is a log of what happened, so it goes where logs go.
        for line in report.lines(ctx.quiet) {
            warn(line);
        }
    }
    Ok(if report.failed() > 0 {
        Outcome::PartialFailure
    } else {
        Outcome::Ok
    })
}

/// One URL for `extract URL` and `lint URL`, nothing stored; notes on stderr where redirects led and
/// whether the page was rendered.
pub fn one_page(
    ctx: &Context<'_>,
    url: &str,
    http: &HttpArgs,
    isolation: &Isolation,
    rendering: &RenderArgs,
) -> anyhow::Result<orgcheck::document::ingest::Document> {
    let (fetched, doc, how) = fetch::fetch_url(
        url,
        &http.options()?,
        isolation,
        rendering.mode(),
        &rendering.browser(http.addresses()),
    )?;
    if fetched.final_url != *url {
        ctx.note(format!("{url}: redirected to {}", fetched.final_url));
    }
    match how {
        Some(fetch::Rendering {
            why,
            browser: Some(browser),
            ..
        }) => ctx.note(format!("{url}: rendered in {browser} ({why})")),
        Some(fetch::Rendering {
            why,
            unavailable: Some(missing),
            ..
        }) => ctx.note(format!(
            "{url}: the page seems to need a browser ({why}), so only its plain text was read: {missing}"
        )),
        _ => {}
    }
    Ok(doc)
}

/// A progress bar on stderr, only on a terminal, and never with -q or when stdout carries JSON.
pub fn progress(ctx: &Context<'_>, json: bool) -> Arc<dyn Progress> {
    if ctx.quiet || json || !io::stderr().is_terminal() {
        return Arc::new(NoProgress);
    }
    Arc::new(Bar(indicatif::ProgressBar::hidden()))
}

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn start(&self, total: usize) {
        self.0.set_length(total as u64);
        self.0.set_style(
            indicatif::ProgressStyle::with_template("orgcheck: fetching {bar:30} {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        self.0.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        // Drawn from the start and redrawn while slow servers answer, not only when a document ends.
        self.0.set_message("connecting…");
        self.0.enable_steady_tick(std::time::Duration::from_millis(250));
    }

    fn begin(&self, provider: &str, document: &str) {
        self.0.set_message(format!("{provider}/{document}…"));
    }

    fn done(&self, provider: &str, document: &str) {
        self.0.set_message(format!("{provider}/{document} done"));
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
