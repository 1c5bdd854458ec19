//! Recording: the statement added to the provider's declaration with `toml_edit`, so comments and
//! layout outside it stay byte for byte; the edited file is validated as a declaration before it
//! replaces the original, atomically.

use std::path::{Path, PathBuf};

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
pub fn record(dir: &Path, provider: &Provider, statement: &Statement, comment: &str, write: bool) -> Result<Edit> {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
    let file_name = format!("{}.toml", provider.id);
    let path = dir.join(&file_name);
    let declaration = |problem: String| Error::Declaration {
        path: path.clone(),
        problem,
    };
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let before = crate::base::error::decode_utf8(&path.display().to_string(), bytes)?;
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
    let source = ProviderSource::Dir(dir.to_path_buf());
    let edited = providers::parse_file(&source, &file_name, &after)
        .map_err(|e| declaration(format!("the edited declaration would not be valid ({e})")))?;
    if edited.statements.len() != provider.statements.len() + 1
        || edited.statements.last().map(|s| s.text.as_str()) != Some(markup::normalise(&statement.text).trim_end())
    {
        return Err(Error::Internal(format!(
            "{}: the edited declaration does not hold the new statement as the last one",
            path.display()
        )));
    }
    let added = added_lines(&before, &after, removed_no_reply);
    if write {
        crate::inputs::store::write_atomic(&path, after.as_bytes())?;
    }
    Ok(Edit {
        path,
        before,
        after,
        added,
        removed_no_reply,
    })
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
