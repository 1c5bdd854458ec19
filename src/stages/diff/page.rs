//! Changes of page rather than of policy: a capture of another document ("page replaced": an error page,
//! a login wall, a different page at the same address) and a version that returns to one seen before
//! ("reverted": a CDN or an A/B test serving an older copy). Neither is a change in what the company says,
//! and each has its own `--fail-on` level.

use serde::Serialize;

/// Sizes this many times apart are different documents unless the smaller one's clauses are mostly in
/// the larger (a summary that grew into a full policy keeps its sentences; an error page has none).
const REPLACED_RATIO: f64 = 10.0;
const REPLACED_RATIO_MAX_KEPT: f64 = 0.5;
/// Sizes this many times apart, sharing less than [`REPLACED_MAX_KEPT`] of the smaller one's clauses,
/// are different documents too.
const REPLACED_RATIO_DISJOINT: f64 = 3.0;
const REPLACED_MAX_KEPT: f64 = 0.1;

/// The new version is another document than the old one.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PageReplaced {
    /// Characters of text in each version.
    pub old_chars: usize,
    pub new_chars: usize,
    /// The share of the smaller version's clauses found in the other (same, reworded or moved), 0 to 1.
    pub kept: f32,
}

impl PageReplaced {
    /// Whether two versions of these sizes, keeping `kept` clauses of the smaller one's `smaller`, are two
    /// documents rather than two versions of one.
    pub fn judge(old_chars: usize, new_chars: usize, kept: usize, smaller: usize) -> Option<PageReplaced> {
        let (lo, hi) = (old_chars.min(new_chars).max(1) as f64, old_chars.max(new_chars) as f64);
        let share = if smaller == 0 {
            0.0
        } else {
            kept as f64 / smaller as f64
        };
        let ratio = hi / lo;
        let replaced = (ratio >= REPLACED_RATIO && share < REPLACED_RATIO_MAX_KEPT)
            || (ratio >= REPLACED_RATIO_DISJOINT && share < REPLACED_MAX_KEPT);
        replaced.then(|| PageReplaced {
            old_chars,
            new_chars,
            kept: (share * 100.0).round() as f32 / 100.0,
        })
    }

    /// "page replaced: 48,210 → 1,304 characters, 2% of clauses in common".
    pub fn line(&self) -> String {
        format!(
            "page replaced: {} → {} characters of text, {:.0}% of the shorter one's clauses in common; another \
             document was captured, so its findings are not compared",
            thousands(self.old_chars),
            thousands(self.new_chars),
            self.kept * 100.0
        )
    }
}

/// The new version is, noise aside, one stored before the old one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Reverted {
    /// The earlier version's id.
    pub version: String,
    /// Its date, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

impl Reverted {
    /// "reverted to the version of 2017-08-13".
    pub fn line(&self) -> String {
        let of = match &self.date {
            Some(d) => d.get(..10).unwrap_or(d).to_string(),
            None => self.version.clone(),
        };
        format!(
            "reverted to the version of {of} ({}); its findings are those of that version",
            self.version
        )
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_document_is_told_from_a_rewrite() {
        // An error page in place of a policy.
        assert!(PageReplaced::judge(48_000, 1_300, 1, 10).is_some());
        // A rewrite of similar size that shares little is still a version of the policy.
        assert!(PageReplaced::judge(40_000, 38_000, 0, 200).is_none());
        // A policy that tripled and kept most of its clauses grew; it was not replaced. Nor was a summary
        // that became a full policy twenty times its size around the same sentences.
        assert!(PageReplaced::judge(10_000, 31_000, 80, 100).is_none());
        assert!(PageReplaced::judge(2_000, 40_000, 12, 15).is_none());
        assert!(PageReplaced::judge(10_000, 31_000, 5, 100).is_some());
        assert_eq!(thousands(48_210), "48,210");
        assert_eq!(thousands(999), "999");
    }
}
