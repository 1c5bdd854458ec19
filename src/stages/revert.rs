//! Whether a stored version returns to an earlier one: the same text, noise aside, as a version stored
//! before the one it is compared with. A CDN that serves a stale copy, or an A/B test that alternates two
//! pages, raises an alert on every flip; a revert says so instead.

use crate::base::error::Result;
use crate::document::noise::Normaliser;
use crate::inputs::store::Store;
use crate::stages::diff::{DiffBody, Reverted};

/// Most earlier versions read to find the one a version returns to, newest first: a revert is to a
/// recent version, and this bounds the work.
const MAX_EARLIER: usize = 500;

/// Two versions of one stored document being compared.
#[derive(Debug, Clone, Copy)]
pub struct Compared<'a> {
    pub provider: &'a str,
    pub document: &'a str,
    /// The older version's id.
    pub old_id: &'a str,
    pub old_text: &'a str,
    pub new_text: &'a str,
}

/// The newest version stored before the old one whose text, noise aside, is the new one's, unless the
/// old one's own text is that too. Reads at most [`MAX_EARLIER`] earlier versions, newest first.
pub fn find(store: &Store, pair: Compared<'_>, norm: &Normaliser) -> Result<Option<Reverted>> {
    let Compared {
        provider,
        document,
        old_id,
        old_text,
        new_text,
    } = pair;
    let target = norm.document_hash(new_text);
    if norm.document_hash(old_text) == target {
        return Ok(None);
    }
    let ids = store.versions(provider, document)?;
    let Some(pos) = ids.iter().position(|id| id == old_id) else {
        return Ok(None);
    };
    for id in ids[..pos].iter().rev().take(MAX_EARLIER) {
        let Some(stored) = store.version(provider, document, id)? else {
            continue;
        };
        if norm.document_hash(&stored.text) == target {
            return Ok(Some(Reverted {
                version: id.clone(),
                date: Some(stored.meta.fetched_at.clone()),
            }));
        }
    }
    Ok(None)
}

/// Among versions whose noise-free hashes are `hashes` (oldest first), the newest one before `old` that
/// `new` returns to, unless `old` is the same text too. For a whole history, hashed once.
pub fn earlier_same(hashes: &[String], old: usize, new: usize) -> Option<usize> {
    if hashes[old] == hashes[new] {
        return None;
    }
    (0..old).rev().take(MAX_EARLIER).find(|&i| hashes[i] == hashes[new])
}

/// Marks `body` as a revert when the new version returns to an earlier one. A store that cannot be read
/// leaves the diff as it is: the revert is a courtesy, the diff stands on its own.
pub fn mark(body: &mut DiffBody, store: &Store, pair: Compared<'_>, norm: &Normaliser) {
    if body.changed()
        && body.language_change.is_none()
        && let Ok(Some(to)) = find(store, pair, norm)
    {
        body.revert(to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::RuleSet;
    use crate::inputs::store::Meta;
    use crate::stages::diff;

    fn meta(at: &str) -> Meta {
        crate::inputs::store::test_meta(at)
    }

    #[test]
    fn a_version_that_returns_to_an_earlier_one_is_a_revert() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let a = "We never sell your personal information.\n\nWe keep records for six years.\n";
        let b = "We may sell your personal information to advertisers.\n\nWe keep records for six years.\n";
        // The third version is the first again, with a space of difference.
        let texts = [a, b, &a.replace("six years", "six  years")];
        for (i, t) in texts.iter().enumerate() {
            store
                .record(
                    "acme",
                    "privacy-policy",
                    meta(&format!("2017-0{}-13T00:00:00Z", i + 1)),
                    t,
                )
                .unwrap();
        }
        let ids = store.versions("acme", "privacy-policy").unwrap();
        let norm = Normaliser::all();
        let rules = RuleSet::default_rules().unwrap();
        let pair = Compared {
            provider: "acme",
            document: "privacy-policy",
            old_id: &ids[1],
            old_text: texts[1],
            new_text: texts[2],
        };
        let mut body = diff::diff(&rules, &norm, texts[1], texts[2]);
        assert!(body.meaning_changed);
        mark(&mut body, &store, pair, &norm);
        let to = body.reverted_to.as_ref().expect("a revert");
        assert_eq!(to.version, ids[0]);
        assert!(
            to.line().starts_with("reverted to the version of 2017-01-13"),
            "{}",
            to.line()
        );
        assert!(!body.meaning_changed && body.summary.is_empty() && body.changed());
        // The second version against the first is no revert: nothing came before the first.
        let pair = Compared {
            old_id: &ids[0],
            old_text: texts[0],
            new_text: texts[1],
            ..pair
        };
        assert_eq!(find(&store, pair, &norm).unwrap(), None);
        let hashes: Vec<String> = texts.iter().map(|t| norm.document_hash(t)).collect();
        assert_eq!(earlier_same(&hashes, 1, 2), Some(0));
        assert_eq!(earlier_same(&hashes, 0, 1), None);
    }
}
