//! Memory bounds: how much heap `reply` and `compare` take for their input, counted by a global
//! allocator that records the peak. Its own test binary, so that no other test's allocations count; the
//! tests take turns through `MEASURE`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use orgcheck::analysis::rules::RuleSet;
use orgcheck::campaign::reply::{self, Customer, InputKind, Overrides};
use orgcheck::inputs::providers::{self, ProviderSource};
use orgcheck::output::{self, OutputFormat};
use orgcheck::stages::compare::{self, CompareReport};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static MEASURE: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let now = CURRENT.fetch_add(grown, Ordering::Relaxed) + grown;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most heap `f` holds at once beyond what was held when it started.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

/// Fails unless `peak` is at most `times` the `input`; says the figure either way (`--nocapture`).
fn within(what: &str, peak: usize, input: usize, times: usize) {
    let ratio = peak as f64 / input as f64;
    eprintln!("{what}: {ratio:.1}× its input");
    assert!(
        peak <= times * input,
        "{what}: {peak} bytes held for {input} of input ({ratio:.1}×, more than {times}×)"
    );
}

/// Prose in `words_per_line` words per line, with a practice now and then, to `bytes` long.
fn prose(bytes: usize, words_per_line: usize, practice_every: usize) -> String {
    const WORDS: &[&str] = &[
        "account",
        "holders",
        "in",
        "each",
        "region",
        "receive",
        "the",
        "service",
        "described",
        "here",
        "under",
        "these",
        "terms",
        "which",
        "apply",
        "whenever",
        "you",
        "visit",
        "our",
        "stores",
        "or",
        "call",
    ];
    const PRACTICES: &[&str] = &[
        "We may share your location data with advertisers.",
        "We never sell your personal data.",
        "We may pass aggregated data to third parties.",
        "You can opt out of marketing at any time.",
    ];
    let mut out = String::with_capacity(bytes + 100);
    let (mut w, mut line) = (0usize, 0usize);
    while out.len() < bytes {
        for _ in 0..words_per_line {
            out.push_str(WORDS[w % WORDS.len()]);
            out.push(' ');
            w = w.wrapping_mul(7).wrapping_add(3);
        }
        out.push_str(".\n");
        line += 1;
        if line % practice_every == 0 {
            out.push_str(PRACTICES[line / practice_every % PRACTICES.len()]);
            out.push_str("\n\n");
        }
    }
    out
}

#[test]
fn reply_holds_at_most_ten_times_its_input() {
    let _turn = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    let provider = providers::one(providers::load(&ProviderSource::Bundled).unwrap(), "o2").unwrap();
    let overrides = Overrides {
        source: Some("a test".into()),
        date: Some("2025-06-01".into()),
    };
    // Megabytes of one-word lines were the worst shape: a list of lines is bigger than the lines.
    for (what, body) in [
        ("one-word lines", "data\n".repeat(800_000)),
        ("prose", prose(4 << 20, 14, 1_000_000)),
        (
            "a quoted thread",
            format!(
                "We never sell your data.\n\n{}",
                prose(4 << 20, 14, 7).replace('\n', "\n> ")
            ),
        ),
    ] {
        let ((), peak) = peak_during(|| {
            let message = reply::read("reply.txt", body.as_bytes(), InputKind::Text).unwrap();
            let _ = reply::prepare("reply.txt", &provider, &message, &Customer::default(), &overrides);
        });
        within(what, peak, body.len(), 10);
    }
}

#[test]
fn an_html_report_holds_a_few_times_its_policy() {
    let _turn = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    // A long policy in which a practice comes every few sentences, as in real ones.
    let policy = prose(4 << 20, 16, 6);
    std::fs::create_dir(dir.path().join("big")).unwrap();
    std::fs::write(dir.path().join("big/policy.txt"), &policy).unwrap();
    std::fs::write(
        dir.path().join("big.toml"),
        "name = \"Big\"\ncountry = \"GB\"\n\n[[documents]]\nid = \"privacy-policy\"\ntitle = \"Privacy policy\"\n\
         url = \"https://big.example/privacy\"\nsnapshot = \"big/policy.txt\"\nsnapshot_date = \"2025\"\n\
         snapshot_source = \"a test\"\n\n[[statements]]\ntext = \"We never sell your data.\"\nsource = \"a test\"\n\
         date = \"2025\"\n",
    )
    .unwrap();
    let rules = RuleSet::default_rules().unwrap();
    let source = ProviderSource::Dir(dir.path().to_path_buf());
    let (html, peak) = peak_during(|| {
        let provider = providers::one(providers::load(&source).unwrap(), "big").unwrap();
        let (text, _) = compare::policy_text(&provider, None).unwrap();
        let (statements, _) = compare::statements(&provider, None);
        let report = CompareReport::new(vec![compare::compare_with(&rules, &provider, &text, statements)]);
        let mut html = Vec::new();
        output::write(&report, OutputFormat::Html, &output::Options::default(), &mut html).unwrap();
        html
    });
    assert!(html.len() > 1000, "the report was written");
    within("an HTML report", peak, policy.len(), 9);
}
