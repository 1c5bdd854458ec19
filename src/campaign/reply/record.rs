//! Recording: the statement added to the provider's declaration with `toml_edit`, so comments and
//! layout outside it stay byte for byte; the edited file is validated as a declaration before it
//! replaces the original, atomically.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::base::error::{Error, Result};
use crate::document::markup;
use crate::inputs::providers::{self, Provider, ProviderSource, Statement};

/// The declaration before and after the edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
    /// The lines added, as they appear in `after`.
    pub added: String,
    /// `reply = "none"` was removed: the provider has now replied.
    pub removed_no_reply: bool,
}

/// Adds `statement` to the declaration of `provider` in `dir`, keeping everything else byte for byte.
/// The edited text is validated as a declaration before anything is written; with `write`, it then
/// replaces the file atomically.
///
/// Writing holds a lock on the declaration (`.<provider>.toml.lock` beside it) from reading to the write,
/// waiting up to `lock_wait` for another run: two replies recorded at once both land.
pub fn record(
    dir: &Path,
    provider: &Provider,
    statement: &Statement,
    comment: &str,
    write: bool,
    lock_wait: Duration,
) -> Result<Edit> {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
    let file_name = format!("{}.toml", provider.id);
    let path = dir.join(&file_name);
    let declaration = |problem: String| Error::Declaration {
        path: path.clone(),
        problem,
    };
    let _lock = match write {
        true => Some(lock(dir, &file_name, &path, lock_wait)?),
        false => None,
    };
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let found = crate::base::error::decode_utf8(&path.display().to_string(), bytes)?;
    // The file is edited with LF line ends and no byte-order mark, and written back as it was found: with
    // CRLF when most of its lines end so, and with its BOM.
    let bom = found.starts_with('\u{feff}');
    let crlf = found.matches("\r\n").count() * 2 > found.matches('\n').count();
    let before = found.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    // Read again under the lock: another run may have added a statement since `provider` was loaded.
    let source = ProviderSource::Dir(dir.to_path_buf());
    let current = providers::parse_file(&source, &file_name, &before)
        .map_err(|e| declaration(format!("not a valid declaration ({e}); fix it, then record the reply")))?;
    let mut doc: DocumentMut = before
        .parse()
        .map_err(|e: toml_edit::TomlError| declaration(e.to_string()))?;
    let removed_no_reply = doc.get("reply").and_then(Item::as_str) == Some("none");
    if removed_no_reply {
        doc.remove("reply");
    }
    let mut table = Table::new();
    // A trailing line end puts the closing quotes on their own line.
    table.insert("text", value(format!("{}\n", statement.text)));
    table.insert("source", value(statement.source.as_str()));
    table.insert("date", value(statement.date.as_str()));
    let comment: String = comment.lines().map(|l| format!("# {l}\n")).collect();
    table.decor_mut().set_prefix(format!("\n{comment}"));
    match doc.get_mut("statements") {
        Some(Item::ArrayOfTables(list)) => list.push(table),
        Some(_) => {
            return Err(declaration(
                "`statements` is not written as [[statements]] tables, so orgcheck cannot add one safely; rewrite it \
                 as [[statements]]"
                    .into(),
            ));
        }
        None => {
            let mut list = ArrayOfTables::new();
            list.push(table);
            doc.insert("statements", Item::ArrayOfTables(list));
        }
    }
    let mut after = doc.to_string();
    if !after.ends_with('\n') {
        after.push('\n');
    }
    let edited = providers::parse_file(&source, &file_name, &after)
        .map_err(|e| declaration(format!("the edited declaration would not be valid ({e})")))?;
    if edited.statements.len() != current.statements.len() + 1
        || edited.statements.last().map(|s| s.text.as_str()) != Some(markup::normalise(&statement.text).trim_end())
    {
        return Err(Error::Internal(format!(
            "{}: the edited declaration does not hold the new statement as the last one",
            path.display()
        )));
    }
    let added = added_lines(&before, &after, removed_no_reply);
    if write {
        let mut out = String::with_capacity(after.len() + after.len() / 20 + 3);
        if bom {
            out.push('\u{feff}');
        }
        match crlf {
            true => out.push_str(&after.replace('\n', "\r\n")),
            false => out.push_str(&after),
        }
        crate::inputs::store::write_atomic(&path, out.as_bytes())?;
    }
    Ok(Edit {
        path,
        before,
        after,
        added,
        removed_no_reply,
    })
}

/// Takes the lock on a declaration, waiting up to `wait` for another run to release it.
fn lock(dir: &Path, file_name: &str, path: &Path, wait: Duration) -> Result<File> {
    let lock_path = dir.join(format!(".{file_name}.lock"));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(&lock_path, e))?;
    match crate::base::lock::lock_within(&file, wait) {
        Ok(true) => Ok(file),
        Ok(false) => Err(Error::DeclarationBusy {
            path: path.to_path_buf(),
            lock: lock_path,
            waited_secs: wait.as_secs(),
        }),
        Err(e) => Err(Error::io(&lock_path, e)),
    }
}

/// The text `after` has that `before` does not, when `after` is `before` with one block inserted.
fn added_lines(before: &str, after: &str, removed_no_reply: bool) -> String {
    if removed_no_reply {
        // The removed line shifts everything; the new table is the last [[statements]] block.
        return after
            .rfind("[[statements]]")
            .map(|i| after[after[..i].rfind("\n\n").map_or(i, |j| j + 1)..].to_string())
            .unwrap_or_default();
    }
    let prefix = before.bytes().zip(after.bytes()).take_while(|(a, b)| a == b).count();
    let suffix = before[prefix..]
        .bytes()
        .rev()
        .zip(after[prefix..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    after[prefix..after.len() - suffix].to_string()
}
