//! Flag groups that several commands share, flattened into each with `#[command(flatten)]`, and the
//! parsers that turn flag values into library types.

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};
use orgcheck::campaign::letter::SenderDetails;
use orgcheck::document::ingest::Isolation;
use orgcheck::document::markup;
use orgcheck::document::noise::{Noise, Normaliser};
use orgcheck::inputs::address::AddressRule;
use orgcheck::inputs::browser::BrowserOptions;
use orgcheck::inputs::fetch::{FetchOptions, Progress, RenderMode};
use orgcheck::inputs::http::HttpOptions;
use orgcheck::inputs::providers::{self, Provider, ProviderSource};
use orgcheck::inputs::store::{self, Store};
use orgcheck::output::OutputFormat;
use orgcheck::{Combine, RuleSet, RulesFile};

/// `--format` for a report that is written in `formats` (the report's [`orgcheck::output::Output::FORMATS`]).
pub fn formats(formats: &'static [OutputFormat]) -> impl TypedValueParser<Value = OutputFormat> {
    PossibleValuesParser::new(formats.iter().map(|f| PossibleValue::new(f.as_str()))).map(|name| {
        OutputFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == name)
            .expect("clap only passes the possible values")
    })
}

/// `--no-normalise`: the kinds of noise, each with its description as help.
fn noise_kinds() -> impl TypedValueParser<Value = Noise> {
    PossibleValuesParser::new(Noise::ALL.map(|n| PossibleValue::new(n.as_str()).help(n.description())))
        .map(|name| name.parse::<Noise>().expect("clap only passes the possible values"))
}

/// Who writes: `--name`, `--email`, `--address`, `--account`, and `--sender FILE` for the rest.
#[derive(Debug, Clone, Args)]
pub struct SenderArgs {
    /// Your name, as the provider knows it.
    #[arg(long)]
    pub name: Option<String>,
    /// Your e-mail address, for the reply.
    #[arg(long)]
    pub email: Option<String>,
    /// Your postal address, if you want it in the letter.
    #[arg(long)]
    pub address: Option<String>,
    /// Your account or phone number with the provider.
    #[arg(long)]
    pub account: Option<String>,
    /// A TOML file with name, email, address and account; the flags win over it [default:
    /// $ORGCHECK_SENDER].
    #[arg(long, value_name = "FILE")]
    pub sender: Option<PathBuf>,
}

impl SenderArgs {
    pub fn details(&self) -> anyhow::Result<SenderDetails> {
        let flags = SenderDetails {
            name: self.name.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            account: self.account.clone(),
        };
        if let Some(email) = &flags.email
            && !providers::is_email(email)
        {
            bail!("--email `{email}` is not an e-mail address");
        }
        let Some(path) = self
            .sender
            .clone()
            .or_else(|| std::env::var_os("ORGCHECK_SENDER").map(PathBuf::from))
        else {
            return Ok(flags.or(super::config::get().sender.clone()));
        };
        let bytes = fs::read(&path).with_context(|| format!("{}: cannot read the sender file", path.display()))?;
        let name = path.display().to_string();
        let file = SenderDetails::parse(&name, &orgcheck::base::error::decode_utf8(&name, bytes)?)?;
        Ok(flags.or(file).or(super::config::get().sender.clone()))
    }
}

/// `--store`.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The store directory [default: $ORGCHECK_STORE, else `store` in orgcheck.toml, else ./.orgcheck].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
}

impl StoreArgs {
    pub fn open(&self) -> Store {
        let env = std::env::var_os("ORGCHECK_STORE").is_some_and(|v| !v.is_empty());
        let configured = (!env).then(|| super::config::get().store.clone()).flatten();
        Store::new(store::default_root(self.store.as_deref().or(configured.as_deref())))
    }

    /// Whether a store was asked for, by the flag or in orgcheck.toml: the commands that read the
    /// bundled snapshots unless told otherwise read it instead.
    pub fn chosen(&self) -> bool {
        self.store.is_some() || super::config::get().store.is_some()
    }
}

/// `--providers DIR` and `--only-providers DIR`.
#[derive(Debug, Clone, Args)]
pub struct DeclarationArgs {
    /// Your provider declarations, added to the bundled ones; one with a bundled provider's id replaces
    /// it [default: $ORGCHECK_PROVIDERS, else `providers` in orgcheck.toml].
    #[arg(long = "providers", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Use only the declarations in DIR, without the bundled ones.
    #[arg(long = "only-providers", value_name = "DIR", conflicts_with = "dir")]
    pub only: Option<PathBuf>,
}

impl DeclarationArgs {
    pub fn source(&self) -> ProviderSource {
        if let Some(only) = &self.only {
            return ProviderSource::Dir(only.clone());
        }
        your_providers(self.dir.clone()).map_or(ProviderSource::Bundled, ProviderSource::Overlay)
    }
}

/// Your declarations directory: the flag, else $ORGCHECK_PROVIDERS, else `providers` in orgcheck.toml.
pub fn your_providers(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| {
        std::env::var_os("ORGCHECK_PROVIDERS")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .or_else(|| super::config::get().providers.clone())
}

/// The providers a command works on: ids, and where their declarations are.
#[derive(Debug, Clone, Args)]
pub struct ProviderArgs {
    /// Providers (ids as in `orgcheck providers`), in this order; all when none given.
    #[arg(value_name = "PROVIDER")]
    pub ids: Vec<String>,
    #[command(flatten)]
    pub declarations: DeclarationArgs,
}

impl ProviderArgs {
    pub fn load(&self) -> orgcheck::Result<Vec<Provider>> {
        providers::select(providers::load(&self.declarations.source())?, &self.ids)
    }
}

/// `--rules FILE` and `--replace-rules`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Rules")]
pub struct RulesArgs {
    /// Extra rules file (TOML, see docs/rules.md); repeatable. Added to the defaults unless --replace-rules.
    #[arg(long = "rules", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Use only the --rules files, not the default rules.
    #[arg(long, requires = "files")]
    pub replace_rules: bool,
    /// Read every text as this language, whatever its own (en, de, fr, es, it; comma-separated or repeated).
    /// Without it, each text's language is detected, line by line, and read with its rules.
    #[arg(long, value_name = "LANG", value_delimiter = ',', value_parser = language_code)]
    pub lang: Vec<String>,
}

fn language_code(code: &str) -> Result<String, String> {
    let code = code.trim().to_ascii_lowercase();
    match code == "en" || orgcheck::analysis::rules::language_pack(&code).is_some() {
        true => Ok(code),
        false => Err(format!(
            "no rules for `{code}`; embedded languages: en, {} (or write your own, docs/rules.md)",
            orgcheck::analysis::rules::LANGUAGE_PACKS
                .iter()
                .map(|pack| pack.code)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

impl RulesArgs {
    pub fn load(&self) -> anyhow::Result<RuleSet> {
        let mut extra: Vec<RulesFile> = self
            .lang
            .iter()
            .filter_map(|code| orgcheck::analysis::rules::language_pack(code))
            .collect();
        for path in &self.files {
            let bytes = fs::read(path).with_context(|| format!("{}: cannot read rules file", path.display()))?;
            let name = path.display().to_string();
            let source = orgcheck::base::error::decode_utf8(&name, bytes)?;
            extra.push(RulesFile::new(name, source));
        }
        let combine = if self.replace_rules {
            Combine::Replace
        } else {
            Combine::Add
        };
        let rules = RuleSet::with_files(&extra, combine)?;
        Ok(match self.lang.is_empty() {
            true => rules,
            false => rules.fixed(),
        })
    }
}

/// Network options for every command that downloads.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Fetching")]
pub struct HttpArgs {
    /// Seconds allowed for a whole request, body included (more than 0, at most 86400).
    #[arg(long, value_name = "SECS", default_value_t = 30.0, value_parser = seconds)]
    pub timeout: f64,
    /// Seconds allowed to connect (more than 0, at most 86400).
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = seconds)]
    pub connect_timeout: f64,
    /// Retries after a timeout, a dropped connection, 408, 429 or 5xx (with exponential backoff; at most 10).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,
    /// The first backoff between retries, doubled each time (at most 600000, ten minutes).
    #[arg(long, value_name = "MS", default_value_t = 500, value_parser = clap::value_parser!(u64).range(0..=600_000))]
    pub backoff_ms: u64,
    /// The longest Retry-After honoured, in seconds; longer requests are cut to this (at most 86400).
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub max_retry_after: u64,
    /// The largest body accepted, in bytes, after decompression (at least 1, at most 4294967296).
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = 10 * 1024 * 1024,
        value_parser = clap::value_parser!(u64).range(1..=1 << 32)
    )]
    pub max_bytes: u64,
    /// Let a document from the web lead to private addresses, by a redirect, its name's DNS or (when
    /// rendered) its scripts: this machine, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, link-local (the
    /// cloud metadata service) and unique-local IPv6. A URL declared on such an address is fetched
    /// without it.
    #[arg(long)]
    pub allow_private: bool,
}

/// A number of seconds for a timeout: more than 0 (a request cannot finish in no time) and at most a day.
fn seconds(v: &str) -> Result<f64, String> {
    match v.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(s),
        Ok(_) => Err(format!(
            "{v} is not allowed: give a number of seconds more than 0 and at most 86400 (one day)"
        )),
        Err(_) => Err(format!("{v} is not a number of seconds")),
    }
}

impl HttpArgs {
    pub fn options(&self) -> anyhow::Result<HttpOptions> {
        Ok(HttpOptions {
            connect_timeout: Duration::from_secs_f64(self.connect_timeout),
            timeout: Duration::from_secs_f64(self.timeout),
            retries: self.retries,
            backoff: Duration::from_millis(self.backoff_ms),
            max_retry_after: Duration::from_secs(self.max_retry_after),
            max_bytes: self.max_bytes,
            addresses: self.addresses(),
        })
    }

    pub fn addresses(&self) -> AddressRule {
        AddressRule {
            allow_private: self.allow_private,
            public: test_public_addresses(),
        }
    }
}

/// How a command that fetches into the store behaves.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Fetching")]
pub struct FetchingArgs {
    /// Documents fetched at once (at most 2 at a time from one host).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Seconds to wait for another run that holds the store's lock (at most 86400).
    #[arg(long, value_name = "SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub lock_timeout: u64,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub rendering: RenderArgs,
    /// Pages rendered at once, each in its own browser context (at most 16).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub render_pages: u8,
}

/// When and how pages are rendered in a browser, for every command that downloads.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Fetching")]
pub struct RenderArgs {
    /// When to fetch a page in headless Chromium ($ORGCHECK_CHROMIUM, else `chromium` on PATH): `auto`
    /// for pages declared `render = true` and pages whose plain fetch looks script-built, too short, or
    /// refused (403), keeping the plain fetch when no browser is installed; `always` for every page not
    /// declared `render = false`; `never`.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub render: RenderWhen,
    /// Seconds a page may take to settle in the browser (more than 0, at most 86400).
    #[arg(long, value_name = "SECS", default_value_t = 30.0, value_parser = seconds)]
    pub render_timeout: f64,
}

impl RenderArgs {
    pub fn mode(&self) -> RenderMode {
        match self.render {
            RenderWhen::Auto => RenderMode::Auto,
            RenderWhen::Always => RenderMode::Always,
            RenderWhen::Never => RenderMode::Never,
        }
    }

    pub fn browser(&self, addresses: AddressRule) -> BrowserOptions {
        BrowserOptions {
            executable: std::env::var_os("ORGCHECK_CHROMIUM")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            timeout: Duration::from_secs_f64(self.render_timeout),
            addresses,
            ..BrowserOptions::default()
        }
    }
}

/// Addresses counted as on the internet, from `$ORGCHECK_TEST_PUBLIC_ADDRESSES` (comma-separated), for
/// the tests only: they have nothing but loopback to serve pages from, and a page on 127.0.0.2 counted
/// as public shows that it cannot reach 127.0.0.1. Pages from the web may reach a listed address, so it
/// is not offered to users.
fn test_public_addresses() -> Vec<std::net::IpAddr> {
    let list = std::env::var("ORGCHECK_TEST_PUBLIC_ADDRESSES").unwrap_or_default();
    list.split(',').filter_map(|a| a.trim().parse().ok()).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderWhen {
    Auto,
    Always,
    Never,
}

impl FetchingArgs {
    pub fn options(&self, progress: Arc<dyn Progress>, confirm: Option<Normaliser>) -> anyhow::Result<FetchOptions> {
        Ok(FetchOptions {
            progress,
            concurrency: self.concurrency.into(),
            http: self.http.options()?,
            lock_wait: Duration::from_secs(self.lock_timeout),
            confirm,
            render: self.rendering.mode(),
            browser: BrowserOptions {
                pages: self.render_pages.into(),
                ..self.rendering.browser(self.http.addresses())
            },
            ..FetchOptions::default()
        })
    }
}

/// Which edits count as noise.
#[derive(Debug, Clone, Args)]
pub struct NoiseArgs {
    /// Count these edits as changes after all (comma-separated; see docs/ci.md).
    #[arg(long, value_delimiter = ',', value_name = "NOISE", value_parser = noise_kinds())]
    pub no_normalise: Vec<Noise>,
    /// Count every edit as a change: no normaliser at all.
    #[arg(long, conflicts_with = "no_normalise")]
    pub strict: bool,
}

impl NoiseArgs {
    pub fn normaliser(&self) -> Normaliser {
        if self.strict {
            Normaliser::none()
        } else {
            Normaliser::without(&self.no_normalise)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// Decide by file extension, then by content.
    Auto,
    Text,
    Markdown,
    Html,
    /// One {"id": ..., "text": "..."} record per line; writes one result line per record.
    Jsonl,
    /// A web archive (WARC, gzip-compressed or not): one result line per HTML, text or PDF response.
    Warc,
}

/// A parser for `--input-format` that offers only `allowed`: a command that reads whole documents does
/// not list `jsonl` or `warc` only to refuse them.
pub fn input_formats(allowed: &'static [&'static str]) -> impl TypedValueParser<Value = InputFormatArg> {
    PossibleValuesParser::new(
        InputFormatArg::value_variants()
            .iter()
            .filter_map(ValueEnum::to_possible_value)
            .filter(|v| allowed.contains(&v.get_name())),
    )
    .map(|s| InputFormatArg::from_str(&s, true).expect("a listed value"))
}

/// How to read a document: its format, and the part of an HTML page that is the policy.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// How to read the input: `auto` goes by the file's extension, the server's Content-Type and the
    /// bytes themselves (PDF is always recognised by its bytes).
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto, value_name = "FORMAT")]
    pub input_format: InputFormatArg,
    /// HTML: CSS selectors that isolate the policy on the page (repeatable); without any, the page's
    /// main content is found by a heuristic.
    #[arg(long, value_name = "CSS")]
    pub select: Vec<String>,
    /// HTML: CSS selectors to drop from the page (repeatable).
    #[arg(long, value_name = "CSS")]
    pub remove: Vec<String>,
}

impl InputArgs {
    /// The document format `--input-format` forces, if any (`jsonl` is a stream of records, not a
    /// document format; the command that accepts it handles it first).
    pub fn format(&self) -> Option<markup::InputFormat> {
        match self.input_format {
            InputFormatArg::Auto | InputFormatArg::Jsonl | InputFormatArg::Warc => None,
            InputFormatArg::Text => Some(markup::InputFormat::Text),
            InputFormatArg::Markdown => Some(markup::InputFormat::Markdown),
            InputFormatArg::Html => Some(markup::InputFormat::Html),
        }
    }

    pub fn isolation(&self) -> anyhow::Result<Isolation> {
        Ok(Isolation::new(&self.select, &self.remove)?)
    }
}
