//! Provider declarations: one TOML file per provider (`providers/<id>.toml`), their validation, and the
//! bundled set embedded in the binary. The format is documented in `docs/providers.md`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::base::error::{Error, Result, decode_utf8};

mod declaration;
mod list;
mod scaffold;

pub(crate) use declaration::is_slug;
pub use declaration::{UrlError, check_url, is_email};
pub use list::ProviderList;
pub use scaffold::NewProvider;

use declaration::parse_provider;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// Where provider declarations come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderSource {
    /// The `providers/` directory embedded in the binary.
    Bundled,
    /// A directory on disk, alone.
    Dir(PathBuf),
    /// The bundled set with a directory's declarations added: one with a bundled provider's id replaces
    /// it.
    Overlay(PathBuf),
}

impl ProviderSource {
    /// How a file of this source is named in messages.
    fn display(&self, rel: &str) -> String {
        match self {
            ProviderSource::Bundled => format!("providers/{rel}"),
            ProviderSource::Dir(dir) | ProviderSource::Overlay(dir) => dir.join(rel).display().to_string(),
        }
    }

    /// The provider files: (file name, contents).
    fn files(&self) -> Result<Vec<(String, String)>> {
        match self {
            ProviderSource::Bundled => Ok(bundled::PROVIDER_FILES
                .iter()
                .filter(|(name, _)| name.ends_with(".toml") && !name.contains('/'))
                .map(|(n, c)| (n.to_string(), c.to_string()))
                .collect()),
            ProviderSource::Dir(dir) | ProviderSource::Overlay(dir) => {
                let entries = fs::read_dir(dir).map_err(|e| Error::ProvidersDir {
                    dir: dir.clone(),
                    error: e,
                })?;
                let mut files = Vec::new();
                for entry in entries {
                    let entry = entry.map_err(|e| Error::io(dir, e))?;
                    let path = entry.path();
                    if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                        inside(dir, &path)?;
                        let name = entry.file_name().to_string_lossy().into_owned();
                        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
                        files.push((name, decode_utf8(&path.display().to_string(), bytes)?));
                    }
                }
                files.sort();
                if files.is_empty() {
                    return Err(Error::NoProviderFiles { dir: dir.clone() });
                }
                Ok(files)
            }
        }
    }

    /// Reads a snapshot file named relative to the providers directory.
    fn snapshot(&self, rel: &str) -> Result<Option<String>> {
        match self {
            ProviderSource::Bundled => Ok(bundled::PROVIDER_FILES
                .iter()
                .find(|(n, _)| *n == rel)
                .map(|(_, c)| c.to_string())),
            ProviderSource::Dir(dir) | ProviderSource::Overlay(dir) => {
                let path = dir.join(rel);
                if path.exists() {
                    inside(dir, &path)?;
                }
                match fs::read(&path) {
                    Ok(bytes) => decode_utf8(&path.display().to_string(), bytes).map(Some),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(Error::io(path, e)),
                }
            }
        }
    }
}

/// Fails when `path` (which exists) resolves, through links, to a place outside `dir`: provider files
/// come from pull requests, and a link could make a report print any file the reader can read.
fn inside(dir: &Path, path: &Path) -> Result<()> {
    let resolved = fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let root = fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
    if resolved.starts_with(&root) {
        Ok(())
    } else {
        Err(Error::OutsideProviders {
            path: path.to_path_buf(),
            resolved,
            dir: root,
        })
    }
}

/// A provider, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// The file stem: `o2` for `o2.toml`.
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    /// `Some("none")` when the provider has not replied to customers: a state, not a statement.
    pub reply: Option<String>,
    /// Where customers write about their data (the privacy or data-protection office).
    pub contact: Option<Contact>,
    /// The policy documents, then the statement pages (`role` tells them apart).
    pub documents: Vec<Document>,
    pub statements: Vec<Statement>,
    pub notes: Vec<Note>,
    /// The file it was declared in, as shown in messages.
    pub file: String,
    /// Declared in the set built into orgcheck, not in a directory of the user's.
    pub bundled: bool,
}

/// The provider's privacy contact, declared with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Contact {
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What a fetched document is to the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A privacy policy (`[[documents]]`).
    #[default]
    Policy,
    /// A page where the provider tells customers what it does (`[[statements]]` with an `id`).
    Statement,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: String,
    pub role: Role,
    pub title: Option<String>,
    pub url: String,
    pub select: Vec<String>,
    pub remove: Vec<String>,
    /// The snapshot path, relative to the providers directory.
    pub snapshot: Option<String>,
    pub snapshot_date: Option<String>,
    pub snapshot_source: Option<String>,
    /// The snapshot's text, loaded during validation. For a statement page, its declared `text`.
    pub snapshot_text: Option<String>,
    /// For a statement page: the sentences that matter, looked up in each fetched version.
    pub quote: Vec<String>,
    /// `Some(true)`: always fetched in the browser; `Some(false)`: never; `None`: as `--render` says.
    pub render: Option<bool>,
    /// When rendered, the element whose text means the page is ready (a CSS selector).
    pub wait_for: Option<String>,
}

impl Document {
    /// A page given by its URL alone (`orgcheck extract URL`): no selectors, no snapshot.
    pub fn at(url: &str) -> Document {
        Document {
            id: String::new(),
            role: Role::Policy,
            title: None,
            url: url.to_string(),
            select: Vec::new(),
            remove: Vec::new(),
            snapshot: None,
            snapshot_date: None,
            snapshot_source: None,
            snapshot_text: None,
            quote: Vec::new(),
            render: None,
            wait_for: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Statement {
    /// What the provider told customers, quoted verbatim.
    pub text: String,
    /// Where it was published.
    pub source: String,
    /// When: YYYY, YYYY-MM or YYYY-MM-DD.
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Editorial remarks and other quotes that are not the provider's statement to customers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Note {
    pub kind: String,
    pub text: String,
    pub source: String,
}

/// Loads and validates every provider of `source`. All problems in all files are reported together.
pub fn load(source: &ProviderSource) -> Result<Vec<Provider>> {
    if let ProviderSource::Overlay(dir) = source {
        // An empty directory of your own adds nothing: `reply` copies a declaration into it.
        let own = match load(&ProviderSource::Dir(dir.clone())) {
            Err(Error::NoProviderFiles { .. }) => Vec::new(),
            other => other?,
        };
        let mut all: Vec<Provider> = load(&ProviderSource::Bundled)?
            .into_iter()
            .filter(|b| !own.iter().any(|p| p.id == b.id))
            .collect();
        all.extend(own);
        all.sort_by(|a, b| a.id.cmp(&b.id));
        return Ok(all);
    }
    let mut providers = Vec::new();
    let mut problems = Vec::new();
    for (file_name, contents) in source.files()? {
        match parse_provider(source, &file_name, &contents) {
            Ok(p) => providers.push(p),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        Ok(providers)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Validates one declaration, `file_name` in `source`, from `contents`: what `reply` runs on an edited
/// file before it replaces the original.
pub fn parse_file(source: &ProviderSource, file_name: &str, contents: &str) -> Result<Provider> {
    parse_provider(source, file_name, contents).map_err(Error::Invalid)
}

impl Provider {
    /// The document compared against customer statements: `privacy-policy` if declared, else the first
    /// policy document.
    pub fn policy_document(&self) -> &Document {
        let policies = || self.documents.iter().filter(|d| d.role == Role::Policy);
        policies()
            .find(|d| d.id == "privacy-policy")
            .or_else(|| policies().next())
            .expect("validation requires a [[documents]] entry")
    }

    /// The statement pages orgcheck fetches (`[[statements]]` with an `id`).
    pub fn statement_pages(&self) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(|d| d.role == Role::Statement)
    }

    /// The provider with only what a comparison reads: its policy document and its statement pages,
    /// which is what `compare --live` fetches.
    pub fn compared_only(&self) -> Provider {
        let policy = self.policy_document().id.clone();
        Provider {
            documents: self
                .documents
                .iter()
                .filter(|d| d.id == policy || d.role == Role::Statement)
                .cloned()
                .collect(),
            ..self.clone()
        }
    }
}

/// Copies a bundled provider's declaration (`<id>.toml`) and its snapshots (`<id>/…`) into `dir`, so that
/// it can be edited there: what `reply` records in, when the provider is one orgcheck ships. Files already
/// in `dir` are left as they are. Returns the files written.
pub fn copy_bundled(id: &str, dir: &Path) -> Result<Vec<PathBuf>> {
    let declaration = format!("{id}.toml");
    let prefix = format!("{id}/");
    let mut written = Vec::new();
    for (name, contents) in bundled::PROVIDER_FILES
        .iter()
        .filter(|(name, _)| *name == declaration || name.starts_with(&prefix))
    {
        let path = dir.join(name);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let mut file = match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => file,
            // Another run wrote it first: the same bytes, left as they are.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&path, e)),
        };
        std::io::Write::write_all(&mut file, contents.as_bytes()).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    if written.is_empty() && !dir.join(&declaration).exists() {
        return Err(Error::UnknownProvider {
            id: id.to_string(),
            known: load(&ProviderSource::Bundled)?
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(written)
}

/// The provider named `id`; an unknown id is an error that lists the known ones.
pub fn one(providers: Vec<Provider>, id: &str) -> Result<Provider> {
    let mut found = select(providers, &[id.to_string()])?;
    Ok(found.swap_remove(0))
}

/// Keeps the providers named in `ids` (all when empty), in the order given; an unknown id is an error.
pub fn select(providers: Vec<Provider>, ids: &[String]) -> Result<Vec<Provider>> {
    if ids.is_empty() {
        return Ok(providers);
    }
    // An id given twice is one provider: a report lists each once.
    let mut seen = std::collections::HashSet::new();
    ids.iter()
        .filter(|id| seen.insert(id.as_str()))
        .map(|id| {
            providers
                .iter()
                .find(|p| &p.id == id)
                .cloned()
                .ok_or_else(|| Error::UnknownProvider {
                    id: id.clone(),
                    known: providers.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", "),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_named_twice_is_selected_once_in_the_order_given() {
        let all = load(&ProviderSource::Bundled).unwrap();
        let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let picked = select(all, &ids(&["o2", "ee", "o2"])).unwrap();
        assert_eq!(picked.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["o2", "ee"]);
    }

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, contents) in files {
            let path = dir.path().join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, contents).unwrap();
        }
        dir
    }

    const GOOD: &str = "name = \"Acme\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \
                        \"https://acme.example/privacy\"\nsnapshot = \"acme/p.txt\"\n\
                        [[statements]]\ntext = \"We never sell data.\"\nsource = \"letter\"\ndate = \"2014-05\"\n";

    #[test]
    fn control_characters_and_line_breaks_in_one_line_fields_are_problems() {
        let hostile = GOOD
            .replace("name = \"Acme\"", "name = \"Acme\\u001b]0;pwned\\u0007\\u001b[2J\"")
            .replace(
                "source = \"letter\"",
                "source = \"letter\\r\\nBcc: attacker@evil.example\"",
            );
        let dir = dir_with(&[("acme.toml", &hostile), ("acme/p.txt", "We may share your data.")]);
        let err = load(&ProviderSource::Dir(dir.path().to_path_buf()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("name") && err.contains("U+001B"), "{err}");
        assert!(
            err.contains("statements[0].source") && err.contains("line break"),
            "{err}"
        );
        // A statement's text may hold paragraphs.
        let paragraphs = GOOD.replace("We never sell data.", "We never sell data.\\n\\nNor do we rent it.");
        let dir = dir_with(&[("acme.toml", &paragraphs), ("acme/p.txt", "We may share your data.")]);
        assert!(load(&ProviderSource::Dir(dir.path().to_path_buf())).is_ok());
    }

    #[test]
    fn bundled_providers_load() {
        let providers = load(&ProviderSource::Bundled).unwrap();
        let ids: Vec<_> = providers.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "ee",
                "giffgaff",
                "o2",
                "talktalk",
                "tesco-mobile",
                "three",
                "virgin-mobile",
                "vodafone"
            ]
        );
        for p in &providers {
            assert!(p.policy_document().snapshot_text.is_some(), "{} has no snapshot", p.id);
            assert_eq!(p.statements.is_empty(), p.reply.as_deref() == Some("none"), "{}", p.id);
        }
    }

    #[test]
    fn a_good_directory_loads() {
        let dir = dir_with(&[("acme.toml", GOOD), ("acme/p.txt", "We share data with partners.")]);
        let p = load(&ProviderSource::Dir(dir.path().into())).unwrap();
        assert_eq!(p[0].id, "acme");
        assert_eq!(p[0].statements[0].date, "2014-05");
    }

    fn problems(files: &[(&str, &str)]) -> String {
        let dir = dir_with(files);
        load(&ProviderSource::Dir(dir.path().into()))
            .unwrap_err()
            .to_string()
            .replace(&dir.path().display().to_string(), "DIR")
    }

    #[test]
    fn rendering_fields_are_checked() {
        let src = "name = \"Acme\"\n[[documents]]\nid = \"a\"\nurl = \"https://acme.example/a\"\nwait_for = \"main[\"\n\
                   [[documents]]\nid = \"b\"\nurl = \"https://acme.example/b\"\nrender = false\nwait_for = \"main\"\n\
                   [[statements]]\ntext = \"We never sell data.\"\nsource = \"letter\"\ndate = \"2014\"\nrender = \
                                            true\n";
        let msg = problems(&[("acme.toml", src)]);
        assert!(
            msg.contains("acme.toml:5: field `documents.wait_for`: `main[` is not a valid CSS selector"),
            "{msg}"
        );
        assert!(
            msg.contains("acme.toml:10: field `documents.wait_for`: `wait_for` is for a page rendered"),
            "{msg}"
        );
        assert!(
            msg.contains("acme.toml:15: field `statements.render`: only a fetched statement page"),
            "{msg}"
        );
        let good = "name = \"Acme\"\n[[documents]]\nid = \"a\"\nurl = \"https://acme.example/a\"\nrender = \
                    true\nwait_for = \"#policy\"\n\
                    [[statements]]\nid = \"hub\"\nurl = \"https://acme.example/hub\"\nrender = true\n";
        let dir = dir_with(&[("acme.toml", good)]);
        let acme = load(&ProviderSource::Dir(dir.path().into())).unwrap().remove(0);
        assert_eq!(acme.documents[0].render, Some(true));
        assert_eq!(acme.documents[0].wait_for.as_deref(), Some("#policy"));
        assert_eq!(
            (acme.documents[1].role, acme.documents[1].render),
            (Role::Statement, Some(true))
        );
    }

    #[test]
    fn missing_snapshot_names_file_line_and_field() {
        let msg = problems(&[("acme.toml", GOOD)]);
        assert!(
            msg.contains("DIR/acme.toml:5: field `documents.snapshot`: snapshot file `DIR/acme/p.txt` does not exist"),
            "{msg}"
        );
    }

    #[test]
    fn bad_url_duplicate_id_and_bad_date() {
        let src = "name = \"Acme\"\n[[documents]]\nid = \"p\"\nurl = \"ftp://acme.example/p\"\n[[documents]]\nid = \
                   \"p\"\nurl = \"not a url\"\n\
                   [[statements]]\ntext = \"x\"\nsource = \"y\"\ndate = \"May 2014\"\n";
        let msg = problems(&[("acme.toml", src)]);
        assert!(
            msg.contains("DIR/acme.toml:4: field `documents.url`: `ftp://acme.example/p` is a ftp URL"),
            "{msg}"
        );
        assert!(
            msg.contains("DIR/acme.toml:6: field `documents.id`: duplicate document id `p` (first at line 3)"),
            "{msg}"
        );
        assert!(
            msg.contains("DIR/acme.toml:7: field `documents.url`: `not a url` is not a valid URL"),
            "{msg}"
        );
        assert!(
            msg.contains("DIR/acme.toml:11: field `statements.date`: `May 2014` is not a date"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_and_missing_fields_name_the_line() {
        let msg = problems(&[(
            "acme.toml",
            "name = \"Acme\"\nwebsite = \"x\"\n[[documents]]\nid = \"p\"\nurl = \"https://a.example\"\n",
        )]);
        assert!(msg.contains("DIR/acme.toml:2:") && msg.contains("website"), "{msg}");
        let msg = problems(&[("acme.toml", "name = \"Acme\"\n[[documents]]\nid = \"p\"\n")]);
        assert!(
            msg.contains("DIR/acme.toml:2: field `url`: required but missing"),
            "{msg}"
        );
    }

    #[test]
    fn malformed_toml_and_non_utf8() {
        let msg = problems(&[("acme.toml", "name = \"Acme\n")]);
        assert!(msg.starts_with("DIR/acme.toml:1:"), "{msg}");
        let dir = dir_with(&[]);
        fs::write(dir.path().join("bad.toml"), b"name = \"\xff\"\n").unwrap();
        let msg = load(&ProviderSource::Dir(dir.path().into())).unwrap_err().to_string();
        assert!(msg.contains("bad.toml: not valid UTF-8"), "{msg}");
    }

    #[test]
    fn bad_selector_is_reported() {
        let src = "name = \"Acme\"\n[[documents]]\nid = \"p\"\nurl = \"https://a.example\"\nselect = [\"main[\"]\n";
        let msg = problems(&[("acme.toml", src)]);
        assert!(
            msg.contains("DIR/acme.toml:5: field `documents.select`: `main[` is not a valid CSS selector"),
            "{msg}"
        );
    }

    #[test]
    fn empty_directory_is_an_error() {
        let msg = problems(&[]);
        assert!(msg.contains("no provider files"), "{msg}");
    }

    #[test]
    fn select_keeps_order_and_rejects_unknown() {
        let all = load(&ProviderSource::Bundled).unwrap();
        let some = select(all.clone(), &["o2".into(), "ee".into()]).unwrap();
        assert_eq!(some.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["o2", "ee"]);
        let err = select(all, &["orange".into()]).unwrap_err().to_string();
        assert!(
            err.contains("unknown provider `orange`") && err.contains("vodafone"),
            "{err}"
        );
    }

    const PAGE: &str = "[[statements]]\nid = \"privacy-hub\"\ntitle = \"Privacy hub\"\nurl = \
                        \"https://acme.example/hub\"\n\
                        select = [\"main\"]\nquote = [\"We never  sell\\nyour data.\"]\n";

    #[test]
    fn a_statement_page_is_a_document_with_the_statement_role() {
        let src = format!("contact = \"dpo@acme.example\"\n{GOOD}{PAGE}");
        let dir = dir_with(&[("acme.toml", &src), ("acme/p.txt", "We share data with partners.")]);
        let p = &load(&ProviderSource::Dir(dir.path().into())).unwrap()[0];
        assert_eq!(p.contact.as_ref().unwrap().email, "dpo@acme.example");
        assert_eq!(p.statements.len(), 1);
        let page = p.statement_pages().next().unwrap();
        assert_eq!((page.id.as_str(), page.role), ("privacy-hub", Role::Statement));
        assert_eq!(page.quote, ["We never sell your data."]);
        assert_eq!(page.snapshot_text, None);
        assert_eq!(p.policy_document().id, "privacy-policy");
        let compared: Vec<_> = p.compared_only().documents.into_iter().map(|d| d.id).collect();
        assert_eq!(compared, ["privacy-policy", "privacy-hub"]);
    }

    #[test]
    fn statement_page_mistakes_name_the_line() {
        let src = "name = \"Acme\"\ncontact = \"dpo at acme\"\n[[documents]]\nid = \"p\"\nurl = \"https://a.example\"\n\
                   [[statements]]\nid = \"p\"\nurl = \"https://a.example/hub\"\ntext = \"We never sell data.\"\n\
                   [[statements]]\nid = \"hub\"\n\
                   [[statements]]\ntext = \"x\"\nsource = \"y\"\ndate = \"2014\"\nquote = [\"x\"]\n\
                   [[statements]]\nid = \"faq\"\nurl = \"https://a.example/faq\"\ndate = \"2020\"\n";
        let msg = problems(&[("acme.toml", src)]);
        for expected in [
            "DIR/acme.toml:2: field `contact`: `dpo at acme` is not an e-mail address",
            "DIR/acme.toml:7: field `statements.id`: duplicate id `p` (first at line 4)",
            "DIR/acme.toml:9: field `statements.date`: the page's recorded `text` needs the `date`",
            "DIR/acme.toml:11: field `statements.url`: a statement page with an `id` is fetched: give its `url`",
            "DIR/acme.toml:16: field `statements.quote`: only a fetched statement page has this field",
            "DIR/acme.toml:20: field `statements.date`: `date` dates the recorded `text`, which is missing",
        ] {
            assert!(msg.contains(expected), "{expected}\n---\n{msg}");
        }
        let msg = problems(&[(
            "acme.toml",
            "name = \"Acme\"\n[[documents]]\nid = \"p\"\nurl = \"https://a.example\"\n[[statements]]\nsource = \"a \
             letter\"\n",
        )]);
        assert!(
            msg.contains("DIR/acme.toml:6: field `statements.text`: required but missing"),
            "{msg}"
        );
    }

    #[test]
    fn a_directory_adds_to_the_bundled_set_and_replaces_by_id() {
        let acme = GOOD;
        let o2 = GOOD.replace("Acme", "My O2").replace("acme/p.txt", "o2/p.txt");
        let dir = dir_with(&[
            ("acme.toml", acme),
            ("acme/p.txt", "We may share your data."),
            ("o2.toml", &o2),
            ("o2/p.txt", "We may share your data."),
        ]);
        let all = load(&ProviderSource::Overlay(dir.path().into())).unwrap();
        let bundled = load(&ProviderSource::Bundled).unwrap();
        assert_eq!(all.len(), bundled.len() + 1);
        let find = |id: &str| all.iter().find(|p| p.id == id).unwrap();
        assert_eq!((find("o2").name.as_str(), find("o2").bundled), ("My O2", false));
        assert!(find("ee").bundled && !find("acme").bundled);
        assert!(all.windows(2).all(|w| w[0].id < w[1].id));
        let alone = load(&ProviderSource::Dir(dir.path().into())).unwrap();
        assert_eq!(alone.len(), 2);
    }

    #[test]
    fn a_bundled_declaration_is_copied_with_its_snapshots_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("o2")).unwrap();
        fs::write(dir.path().join("o2/privacy-policy-2014.txt"), "mine").unwrap();
        let written = copy_bundled("o2", dir.path()).unwrap();
        assert!(written.contains(&dir.path().join("o2.toml")), "{written:?}");
        assert_eq!(
            fs::read_to_string(dir.path().join("o2/privacy-policy-2014.txt")).unwrap(),
            "mine"
        );
        assert!(copy_bundled("o2", dir.path()).unwrap().is_empty());
        let msg = copy_bundled("nobody", dir.path()).unwrap_err().to_string();
        assert!(msg.contains("unknown provider `nobody`"), "{msg}");
    }
}
