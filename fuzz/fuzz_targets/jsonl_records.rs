//! A JSONL batch of any bytes: one output line per non-blank input line, on one thread and on two
//! alike, and never a panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use orgcheck::RuleSet;
use orgcheck::stages::extract;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::default_rules().expect("default rules"));

fuzz_target!(|data: &[u8]| {
    let mut one = Vec::new();
    let stats = extract::batch_parallel(&RULES, data, &mut one, 1).expect("writing to memory");
    let mut two = Vec::new();
    extract::batch_parallel(&RULES, data, &mut two, 2).expect("writing to memory");
    assert!(one == two, "thread count changed the output");
    let lines = one.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(lines, stats.records + stats.errors);
});
