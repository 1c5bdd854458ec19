//! `cargo bench`: each pipeline stage on real policy documents.
//!
//! The inputs are the real documents in `../shared/data` (or `$ORGCHECK_BENCH_DATA`), read where they
//! are: they are not part of the repository. Without them the benches run on the bundled 2014 excerpts
//! under `providers/`, which are small, and say so on stderr.
//!
//! `cargo test` runs every benchmark once as a test, always on the bundled excerpts, so that it stays
//! quick and needs nothing outside the repository.
//!
//! Run one group with `cargo bench -- tagging`; see `docs/performance.md` for figures.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use divan::Bencher;
use divan::counter::BytesCount;
use orgcheck::document::markup::to_text;
use orgcheck::stages::diff::diff;
use orgcheck::{InputFormat, Normaliser, RuleSet};

fn main() {
    eprintln!("orgcheck bench: inputs from {}", INPUTS.origin);
    divan::main();
}

/// One named input: a text (or HTML page) and, for diffs, its later version.
struct Input {
    name: String,
    old: String,
    new: String,
}

struct Inputs {
    origin: String,
    /// Whole policies as normalised text, as the tagger sees them.
    texts: Vec<Input>,
    /// Raw pages, as the fetcher receives them.
    pages: Vec<Input>,
    /// Pairs of versions of one policy.
    pairs: Vec<Input>,
    /// JSONL records `{"id","text"}`, one paragraph each, as `extract --input-format jsonl` reads them.
    jsonl: String,
}

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::default_rules().expect("the default rules compile"));
static INPUTS: LazyLock<Inputs> = LazyLock::new(load);

fn data_dir() -> PathBuf {
    std::env::var_os("ORGCHECK_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("bench input {}: {e}", path.display()))
}

/// A document as normalised text, converted the way `orgcheck extract` converts it.
fn text_of(path: &Path) -> String {
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("md") => InputFormat::Markdown,
        Some("html") => InputFormat::Html,
        _ => InputFormat::Text,
    };
    to_text(&read(path), format).unwrap_or_else(|e| panic!("bench input {}: {e}", path.display()))
}

fn input(name: &str, old: String, new: String) -> Input {
    Input {
        name: name.to_string(),
        old,
        new,
    }
}

fn jsonl(paragraphs: impl Iterator<Item = String>, bytes: usize) -> String {
    let paragraphs: Vec<String> = paragraphs.filter(|p| p.trim().len() > 40).collect();
    let mut out = String::new();
    for (id, text) in paragraphs.iter().cycle().enumerate() {
        if out.len() >= bytes {
            break;
        }
        out.push_str(&serde_json::json!({ "id": id, "text": text }).to_string());
        out.push('\n');
    }
    out
}

fn load() -> Inputs {
    let data = data_dir();
    // cargo passes `--bench` to a benchmark run, and not to a test run.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    if !benchmarking {
        bundled()
    } else if data.join("policies").is_dir() {
        real(&data)
    } else {
        eprintln!(
            "orgcheck bench: {} not found; benchmarking the small bundled excerpts instead (set ORGCHECK_BENCH_DATA)",
            data.display()
        );
        bundled()
    }
}

fn real(data: &Path) -> Inputs {
    let p = data.join("policies");
    let doc = |rel: &str| text_of(&p.join(rel));
    let o2_2014 = doc("o2-uk/citp-historical/o2.co.uk_privacy-policy_2014-06-30.md");
    let o2_2017 = doc("o2-uk/citp-historical/o2.co.uk_privacy-policy_2017-06-30.md");
    let ee_2013 = doc("ee/citp-historical/ee.co.uk_privacy-policy_2013-05-30.md");
    let ee_2015 = doc("ee/citp-historical/ee.co.uk_privacy-policy_2015-12-27.md");
    let tos_a = doc("o2-uk/tosback2/privacy-policy_2012-10-04.txt");
    let tos_b = doc("o2-uk/tosback2/privacy-policy_2012-10-10.txt");

    let mut every: Vec<PathBuf> = walk(&p);
    every.retain(|f| matches!(f.extension().and_then(|e| e.to_str()), Some("md" | "txt" | "html")));
    every.sort();
    let corpus: String = every.iter().map(|f| text_of(f)).collect::<Vec<_>>().join("\n\n");

    let opp115 = read(&data.join("opp115-dev.jsonl"));
    let records = opp115
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string));

    Inputs {
        origin: data.display().to_string(),
        texts: vec![
            input("o2-2014 (12 KB)", o2_2014.clone(), String::new()),
            input("ee-2013 (80 KB)", ee_2013.clone(), String::new()),
            input(&format!("all {} documents", every.len()), corpus, String::new()),
        ],
        pages: vec![input(
            "o2-2012 page (66 KB)",
            read(&p.join("o2-uk/tosback2-data-raw/o2privacypolicy_raw_2012-10.html")),
            String::new(),
        )],
        pairs: vec![
            input("o2 2014→2017 (rewrite)", o2_2014, o2_2017),
            input("ee 2013→2015 (rewrite, largest)", ee_2013, ee_2015),
            input("o2 2012-10-04→10-10 (markup noise)", tos_a, tos_b),
        ],
        jsonl: jsonl(records, 1_000_000),
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The bundled excerpts: every provider's snapshot, and a page with typical chrome around them.
fn bundled() -> Inputs {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("providers");
    let mut files: Vec<PathBuf> = walk(&dir)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let texts: Vec<String> = files.iter().map(|f| text_of(f)).collect();
    let all = texts.join("\n\n");
    let body: String = texts
        .iter()
        .map(|t| format!("<section><p>{t}</p></section>\n"))
        .collect();
    let page = format!(
        "<!doctype html><html><head><title>Privacy</title><script>var x = 1;</script></head><body>\
         <nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/shop\">Shop</a></li></ul></nav>\
         <main><h1>Privacy policy</h1>{body}</main><footer>© Example Ltd. Cookies. Sitemap.</footer></body></html>"
    );
    let edited = all.replacen("We may", "We will never", 1);
    Inputs {
        origin: dir.display().to_string(),
        texts: vec![input("bundled excerpts", all.clone(), String::new())],
        pages: vec![input("bundled excerpts in a page", page, String::new())],
        pairs: vec![input("bundled excerpts, one edit", all.clone(), edited)],
        jsonl: jsonl(texts.into_iter().cycle().take(64), 100_000),
    }
}

fn names(list: &'static [Input]) -> Vec<&'static str> {
    list.iter().map(|i| i.name.as_str()).collect()
}

fn find<'a>(list: &'a [Input], name: &str) -> &'a Input {
    list.iter().find(|i| i.name == name).expect("a listed input")
}

/// Compiling the default rules: the fixed start-up cost of every command that tags.
#[divan::bench(sample_count = 20)]
fn compile_rules() -> RuleSet {
    RuleSet::default_rules().expect("the default rules compile")
}

/// Splitting a policy into clauses.
#[divan::bench(args = names(&INPUTS.texts))]
fn segmentation(bencher: Bencher, name: &str) {
    let text = &find(&INPUTS.texts, name).old;
    bencher
        .counter(BytesCount::of_str(text))
        .bench(|| orgcheck::document::segment::clauses(divan::black_box(text)));
}

/// Segmentation, rule matching and polarity: everything `extract` does to a document's text.
#[divan::bench(args = names(&INPUTS.texts))]
fn tagging(bencher: Bencher, name: &str) {
    let text = &find(&INPUTS.texts, name).old;
    let rules = &*RULES;
    bencher
        .counter(BytesCount::of_str(text))
        .bench(|| rules.tag_text(divan::black_box(text)));
}

/// Finding the language of every line: what reading a text adds to tagging it (docs/performance.md
/// holds it to 5% of `tagging` on the same texts).
#[divan::bench(args = names(&INPUTS.texts))]
fn language_detection(bencher: Bencher, name: &str) {
    let text = &find(&INPUTS.texts, name).old;
    bencher
        .counter(BytesCount::of_str(text))
        .bench(|| orgcheck::analysis::language::detect(divan::black_box(text)));
}

/// `extract --input-format jsonl` on one thread: parsing records, tagging, writing JSON.
#[divan::bench(sample_count = 10)]
fn tagging_jsonl_batch(bencher: Bencher) {
    let input = &INPUTS.jsonl;
    let rules = &*RULES;
    bencher.counter(BytesCount::of_str(input)).bench(|| {
        let mut out = Vec::with_capacity(input.len());
        orgcheck::stages::extract::batch(rules, Cursor::new(input.as_bytes()), &mut out).expect("in-memory batch");
        out
    });
}

/// A fetched page to policy text: parsing the HTML, finding the main content, dropping the chrome.
#[divan::bench(args = names(&INPUTS.pages))]
fn html_to_text(bencher: Bencher, name: &str) {
    let page = &find(&INPUTS.pages, name).old;
    bencher
        .counter(BytesCount::of_str(page))
        .bench(|| to_text(divan::black_box(page), InputFormat::Html).expect("the page converts"));
}

/// Two versions of a policy aligned clause by clause, with the noise normalisers on.
#[divan::bench(args = names(&INPUTS.pairs))]
fn diff_versions(bencher: Bencher, name: &str) {
    let pair = find(&INPUTS.pairs, name);
    let (rules, norm) = (&*RULES, Normaliser::all());
    bencher
        .counter(BytesCount::new(pair.old.len() + pair.new.len()))
        .bench(|| diff(rules, &norm, divan::black_box(&pair.old), divan::black_box(&pair.new)));
}

/// Inputs built to be hard for a tagger (issue 12), at two sizes each, so that a run shows how time
/// grows: double the input should take about double the time. Small sizes when run as a test.
static HOSTILE: LazyLock<Vec<Input>> = LazyLock::new(|| {
    let scale = if std::env::args().any(|a| a == "--bench") {
        1
    } else {
        20
    };
    let repeat = |unit: &str, bytes: usize| unit.repeat(bytes / unit.len() + 1)[..bytes].to_string();
    let words = "we do not share your personal data with third parties advertisers or partners and you can opt \
                 out of location tracking aggregated anonymised statistics never sell ";
    let partners = |n: usize| -> String {
        (0..n)
            .map(|i| format!("Partner{i} (opt out link, location data)"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    for (label, factor) in [("", 1), (" ×2", 2)] {
        out.push(input(
            &format!("sentence without full stops{label}"),
            repeat(words, 550_000 * factor / scale),
            String::new(),
        ));
        out.push(input(
            &format!("'opt out ' × 8000{label}"),
            "opt out ".repeat(8000 * factor / scale),
            String::new(),
        ));
        out.push(input(
            &format!("1500 partners in one paragraph{label}"),
            format!(
                "We share data with these partners: {}.",
                partners(1500 * factor / scale)
            ),
            String::new(),
        ));
        out.push(input(
            &format!("1 MB of keywords{label}"),
            repeat("opt out location share aggregate never ", 1_000_000 * factor / scale),
            String::new(),
        ));
    }
    out
});

/// Tagging the hostile inputs.
#[divan::bench(args = names(&HOSTILE), sample_count = 5)]
fn tagging_hostile(bencher: Bencher, name: &str) {
    let text = &find(&HOSTILE, name).old;
    let rules = &*RULES;
    bencher
        .counter(BytesCount::of_str(text))
        .bench(|| rules.tag_text(divan::black_box(text)));
}
