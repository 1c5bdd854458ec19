//! Bytes of any kind as a provider's reply (the first byte picks: `0` e-mail, `1` plain text, `2` HTML,
//! as the seeds in `fuzz/seeds/reply_message` are written), read and prepared as a statement for O2:
//! never a panic, and the customer's e-mail address never in what would be recorded.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use orgcheck::campaign::reply::{self, Customer, InputKind, Overrides};
use orgcheck::inputs::providers::{self, Provider, ProviderSource};

static O2: LazyLock<Provider> = LazyLock::new(|| {
    let bundled = providers::load(&ProviderSource::Bundled).expect("bundled declarations");
    providers::one(bundled, "o2").expect("o2 is bundled")
});

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let kind = [InputKind::Eml, InputKind::Text, InputKind::Html][usize::from(pick) % 3];
    let Ok(message) = reply::read("fuzz", bytes, kind) else {
        return;
    };
    let customer = Customer {
        names: vec!["Jane Doe".into()],
        emails: vec!["jane@example.org".into()],
        ..Customer::default()
    };
    let overrides = Overrides {
        source: None,
        date: Some("2025-06-01".into()),
    };
    if let Ok(prepared) = reply::prepare("fuzz", &O2, &message, &customer, &overrides) {
        assert!(!prepared.statement.text.contains("jane@example.org"));
        assert!(!prepared.statement.source.chars().any(char::is_control));
    }
});
