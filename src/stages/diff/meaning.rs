//! What a diff's changes mean: the net findings gained and lost over the whole document (a finding cut
//! in one place and still said in another is neither), the reworded clauses whose practice changed
//! scope, and the per-tag summary.

use std::collections::HashSet;

use super::{Change, ChangeKind, ClauseFinding, DeltaEvidence, ScopeChange, TagDelta};
use crate::analysis::tag::{Polarity, Tag};

/// Moves each gained finding the old version already said somewhere, and each lost finding the new
/// version still says somewhere, out of `gained` and `lost`: what a document says is the set of its
/// practices, wherever they stand.
/// Two findings say the same thing when `key` gives both the same key; the keys of each side are
/// hashed once, so this is linear in the findings.
pub(crate) fn net(
    changes: &mut [Change],
    old: &[ClauseFinding],
    new: &[ClauseFinding],
    key: fn(&ClauseFinding) -> String,
) {
    let keys = |all: &[ClauseFinding]| all.iter().map(key).collect::<HashSet<String>>();
    let (old_keys, new_keys) = (keys(old), keys(new));
    for c in changes.iter_mut() {
        let (kept, lost): (Vec<_>, Vec<_>) = std::mem::take(&mut c.lost)
            .into_iter()
            .partition(|f| new_keys.contains(&key(f)));
        c.lost = lost;
        c.still_stated = kept;
        let (already, gained): (Vec<_>, Vec<_>) = std::mem::take(&mut c.gained)
            .into_iter()
            .partition(|f| old_keys.contains(&key(f)));
        c.gained = gained;
        c.already_stated = already;
    }
}

/// A finding of a change: (index into `changes`, gained (else lost), index into that list).
pub(super) type FindingAt = (usize, bool, usize);

/// In each reworded clause, a lost and a gained finding of one tag and polarity are one finding whose
/// scope changed. Also the findings so paired, which the summary leaves to the scope change.
pub(super) fn scope_changes(changes: &[Change]) -> (Vec<ScopeChange>, HashSet<FindingAt>) {
    let mut out = Vec::new();
    let mut paired = HashSet::new();
    for (i, c) in changes.iter().enumerate() {
        if c.kind != ChangeKind::Changed {
            continue;
        }
        let mut used = vec![false; c.gained.len()];
        for (li, l) in c.lost.iter().enumerate() {
            let Some(k) = (0..c.gained.len())
                .find(|&k| !used[k] && c.gained[k].tag == l.tag && c.gained[k].polarity == l.polarity)
            else {
                continue;
            };
            let g = &c.gained[k];
            let changes = g.scope.changes_from(&l.scope);
            if changes.is_empty() {
                // Only the exceptions differ, and the summary says so.
                continue;
            }
            used[k] = true;
            paired.insert((i, true, k));
            paired.insert((i, false, li));
            // Two findings of one clause that changed alike are one change of scope.
            if out.iter().any(|s: &ScopeChange| {
                s.change == i && s.tag == l.tag && s.polarity == l.polarity && s.changes == changes
            }) {
                continue;
            }
            out.push(ScopeChange {
                change: i,
                tag: l.tag,
                polarity: l.polarity,
                old_evidence: l.evidence.clone(),
                new_evidence: g.evidence.clone(),
                old: l.scope.clone(),
                new: g.scope.clone(),
                changes,
            });
        }
    }
    (out, paired)
}

/// Gains and losses per tag and polarity, in tag order, positive first, from the changes' net
/// findings.
pub fn summarise(changes: &[Change]) -> Vec<TagDelta> {
    summarise_except(changes, &HashSet::new())
}

/// [`summarise`], leaving out the findings in `skip`.
pub(super) fn summarise_except(changes: &[Change], skip: &HashSet<FindingAt>) -> Vec<TagDelta> {
    let mut out = Vec::new();
    for tag in Tag::ALL {
        for polarity in [Polarity::Positive, Polarity::Negative] {
            let mut evidence = Vec::new();
            let (mut gained, mut lost) = (0, 0);
            for (sign, list) in [("+", 0), ("-", 1)] {
                for (i, c) in changes.iter().enumerate() {
                    let findings = if list == 0 { &c.gained } else { &c.lost };
                    let found = (findings.iter().enumerate())
                        .filter(|&(k, f)| f.tag == tag && f.polarity == polarity && !skip.contains(&(i, list == 0, k)))
                        .map(|(_, f)| f);
                    for f in found {
                        if list == 0 {
                            gained += 1;
                        } else {
                            lost += 1;
                        }
                        evidence.push(DeltaEvidence {
                            sign: sign.to_string(),
                            change: i,
                            evidence: f.evidence.clone(),
                            exceptions: f.exceptions.clone(),
                        });
                    }
                }
            }
            if gained + lost > 0 {
                out.push(TagDelta {
                    tag,
                    polarity,
                    gained,
                    lost,
                    evidence,
                });
            }
        }
    }
    out
}
