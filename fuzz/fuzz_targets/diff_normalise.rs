//! Two texts of any kind (split at the first NUL), diffed and normalised: never a panic, and a text
//! compared with itself has no change.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use orgcheck::stages::diff;
use orgcheck::{Normaliser, RuleSet};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::default_rules().expect("default rules"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (old, new) = text.split_once('\0').unwrap_or((&text, ""));
    let norm = Normaliser::default();
    let _ = diff::diff(&RULES, &norm, old, new);
    assert!(!diff::diff(&RULES, &norm, old, old).changed());
});
