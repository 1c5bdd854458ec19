//! Provider declarations and rule files of any text: loaded, or refused with problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgcheck::inputs::providers::{self, ProviderSource};
use orgcheck::{Combine, RuleSet, RulesFile};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = providers::parse_file(&ProviderSource::Bundled, "fuzz.toml", text);
    let extra = [RulesFile::new("fuzz.toml", text)];
    if let Ok(rules) = RuleSet::with_files(&extra, Combine::Replace) {
        let _ = rules.findings("We never sell your data, but we may share it with advertisers.");
    }
});
