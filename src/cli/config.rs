//! `orgcheck.toml`: defaults for the flags a user would otherwise give to every command (their providers
//! directory, their store, their details for letters, their favourite format). Found at `--config FILE`
//! or `$ORGCHECK_CONFIG`, else `./orgcheck.toml`, else the user's config directory
//! (`$XDG_CONFIG_HOME/orgcheck/orgcheck.toml`, `~/.config/orgcheck/orgcheck.toml`, or
//! `%APPDATA%\orgcheck\orgcheck.toml`). A flag always wins, then an environment variable, then this file.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Context as _;
use orgcheck::base::error::{Error, Location, Problem, toml_problem};
use orgcheck::campaign::letter::SenderDetails;
use orgcheck::inputs::providers::is_email;
use orgcheck::output::OutputFormat;

/// The file's name in a directory.
pub const FILE_NAME: &str = "orgcheck.toml";

/// What the file may say; every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    providers: Option<PathBuf>,
    store: Option<PathBuf>,
    format: Option<String>,
    sender: Option<SenderDetails>,
}

/// The defaults in force, with relative paths made relative to the file's directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file they came from, if any.
    pub file: Option<PathBuf>,
    pub providers: Option<PathBuf>,
    pub store: Option<PathBuf>,
    pub format: Option<OutputFormat>,
    pub sender: SenderDetails,
}

static CONFIG: OnceLock<Config> = OnceLock::new();

/// The defaults in force: those [`init`] read, else none.
pub fn get() -> &'static Config {
    CONFIG.get_or_init(Config::default)
}

/// Reads the configuration the arguments point at, or finds one, and makes it the one [`get`] returns.
pub fn init(args: &[OsString]) -> anyhow::Result<&'static Config> {
    let config = match locate(args) {
        Some(path) => read(&path)?,
        None => Config::default(),
    };
    Ok(CONFIG.get_or_init(|| config))
}

/// `--config FILE` (or `--config=FILE`) anywhere before a `--`, else `$ORGCHECK_CONFIG`, else the first
/// file that exists of `./orgcheck.toml` and the user's config directory's. An explicitly named file must
/// exist; [`read`] says so when it does not.
fn locate(args: &[OsString]) -> Option<PathBuf> {
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            return iter.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    if let Some(path) = std::env::var_os("ORGCHECK_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let here = PathBuf::from(FILE_NAME);
    if here.is_file() {
        return Some(here);
    }
    user_config_dir()
        .map(|d| d.join("orgcheck").join(FILE_NAME))
        .filter(|p| p.is_file())
}

/// `$XDG_CONFIG_HOME`, else `~/.config` (Unix); `%APPDATA%` (Windows).
fn user_config_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(windows) {
        return var("APPDATA");
    }
    var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|h| h.join(".config")))
}

fn read(path: &Path) -> anyhow::Result<Config> {
    let bytes = std::fs::read(path).with_context(|| {
        format!(
            "{}: cannot read the configuration file (named by --config or $ORGCHECK_CONFIG, or found as \
             {FILE_NAME})",
            path.display()
        )
    })?;
    let shown = path.display().to_string();
    let text = orgcheck::base::error::decode_utf8(&shown, bytes)?;
    Ok(parse(path, &text)?)
}

/// Validates the file's text; every problem names the file, the line where it has one, and the key.
pub fn parse(path: &Path, text: &str) -> orgcheck::Result<Config> {
    let shown = path.display().to_string();
    let file: ConfigFile = toml::from_str(text).map_err(|e| Error::Invalid(vec![toml_problem(&shown, text, &e)]))?;
    let mut problems = Vec::new();
    let mut problem = |field: &str, message: String| {
        problems.push(Problem {
            location: Location::file(shown.clone()).with_field(field),
            message,
        })
    };
    let format = match &file.format {
        Some(name) => {
            let found = OutputFormat::ALL.into_iter().find(|f| f.as_str() == name);
            if found.is_none() {
                let known: Vec<&str> = OutputFormat::ALL.iter().map(|f| f.as_str()).collect();
                problem(
                    "format",
                    format!("unknown format `{name}`; known formats: {}", known.join(", ")),
                );
            }
            found
        }
        None => None,
    };
    let sender = file.sender.unwrap_or_default();
    if let Some(email) = &sender.email
        && !is_email(email)
    {
        problem("sender.email", format!("`{email}` is not an e-mail address"));
    }
    let base = path.parent().unwrap_or(Path::new(""));
    let under_base = |p: Option<PathBuf>| p.map(|p| if p.is_absolute() { p } else { base.join(p) });
    if file.providers.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
        problem(
            "providers",
            "an empty path; name your providers directory, or leave the key out".into(),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(Config {
        file: Some(path.to_path_buf()),
        providers: under_base(file.providers),
        store: under_base(file.store),
        format,
        sender,
    })
}

/// `cmd` with the configuration's defaults: its format where a command has that format (a command
/// without it keeps its own default).
pub fn with_defaults(mut cmd: clap::Command, config: &Config) -> clap::Command {
    let Some(format) = config.format else { return cmd };
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |sub| {
            let offers = sub.get_arguments().find(|a| a.get_id() == "format").is_some_and(|a| {
                a.get_possible_values()
                    .iter()
                    .any(|v| v.matches(format.as_str(), false))
            });
            if offers {
                sub.mut_arg("format", |a| a.default_value(format.as_str()))
            } else {
                sub
            }
        });
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_is_read_with_paths_beside_it() {
        let c = parse(
            Path::new("/home/jo/campaign/orgcheck.toml"),
            "providers = \"my-providers\"\nstore = \"/var/orgcheck\"\nformat = \"markdown\"\n\n[sender]\n\
             name = \"Jo\"\nemail = \"jo@example.org\"\n",
        )
        .unwrap();
        assert_eq!(c.providers, Some(PathBuf::from("/home/jo/campaign/my-providers")));
        assert_eq!(c.store, Some(PathBuf::from("/var/orgcheck")));
        assert_eq!(c.format, Some(OutputFormat::Markdown));
        assert_eq!(c.sender.name.as_deref(), Some("Jo"));
    }

    #[test]
    fn mistakes_name_the_file_the_line_and_the_key() {
        let path = Path::new("orgcheck.toml");
        let msg = parse(path, "format = \"pdf\"\n").unwrap_err().to_string();
        assert!(
            msg.contains("orgcheck.toml") && msg.contains("format") && msg.contains("markdown"),
            "{msg}"
        );
        let msg = parse(path, "store = \".orgcheck\"\nprovider = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("orgcheck.toml:2:") && msg.contains("provider"), "{msg}");
        let msg = parse(path, "[sender]\nemail = \"nobody\"\n").unwrap_err().to_string();
        assert!(
            msg.contains("sender.email") && msg.contains("not an e-mail address"),
            "{msg}"
        );
        let msg = parse(path, "store = 3\n").unwrap_err().to_string();
        assert!(msg.starts_with("orgcheck.toml:1:"), "{msg}");
    }

    #[test]
    fn the_config_is_named_by_flag_first() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            locate(&args(&["orgcheck", "compare", "--config", "a.toml"])),
            Some(PathBuf::from("a.toml"))
        );
        assert_eq!(
            locate(&args(&["orgcheck", "--config=b.toml", "compare"])),
            Some(PathBuf::from("b.toml"))
        );
    }
}
