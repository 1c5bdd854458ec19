//! `orgcheck check`: the nightly CI pipeline, played against a local HTTP server.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::server::{Reply, Server};
use crate::util::{assert_error, orgcheck, run};
use serde_json::Value;

const VERSION_A: &str = "<p>Last updated: 3 March 2025</p>
<p>We collect your name, address and payment details when you join.</p>
<p>We use your information to run your account and to bill you.</p>
<p>We never sell your personal information.</p>
<p>We keep billing records for six years.</p>";

/// A: plus a sharing clause and a reworded retention clause.
const VERSION_B: &str = "<p>Last updated: 9 June 2025</p>
<p>We collect your name, address and payment details when you join.</p>
<p>We use your information to run your account and to bill you.</p>
<p>We never sell your personal information.</p>
<p>We may pass this data to advertisers on an aggregated basis.</p>
<p>We keep billing records for seven years.</p>";

fn page(policy: &str) -> Reply {
    Reply::ok(
        "text/html; charset=utf-8",
        format!(
            "<!doctype html><html><head><title>Privacy</title></head><body>\
             <nav><a href=\"/\">Home</a> <a href=\"/shop\">Shop</a></nav>\
             <div class=\"cookie-banner\">We use cookies. <button>Accept</button></div>\
             <main><h1>Privacy policy</h1>{policy}</main>\
             <footer>© Acme Mobile</footer></body></html>"
        ),
    )
}

/// What the server serves: 0 → A, 1 → B, 2 → A and B alternately (A first), 3 → B with a new date,
/// 4 → A reworded without a change in findings.
struct Site {
    server: Server,
    phase: Arc<AtomicUsize>,
}

impl Site {
    fn start() -> Site {
        let phase = Arc::new(AtomicUsize::new(0));
        let flips = Arc::new(AtomicUsize::new(0));
        let p = phase.clone();
        let server = Server::start(move |req, _| {
            if req.path != "/privacy" {
                return Reply::status(404, &[]);
            }
            match p.load(Ordering::SeqCst) {
                0 => page(VERSION_A),
                1 => page(VERSION_B),
                2 => page(if flips.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
                    VERSION_A
                } else {
                    VERSION_B
                }),
                3 => page(&VERSION_B.replace("9 June 2025", "1 July 2025")),
                _ => page(&VERSION_A.replace("six years", "seven years")),
            }
        });
        Site { server, phase }
    }

    /// A site, its provider declarations, and an empty store: what every pipeline test starts from.
    fn with_store() -> (Site, tempfile::TempDir, tempfile::TempDir) {
        let site = Site::start();
        let providers = site.providers();
        (site, providers, tempfile::tempdir().unwrap())
    }

    fn serve(&self, phase: usize) {
        self.phase.store(phase, Ordering::SeqCst);
    }

    fn providers(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("acme.toml"),
            format!(
                "name = \"Acme Mobile\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \"{}\"\n",
                self.server.url("/privacy")
            ),
        )
        .unwrap();
        dir
    }
}

fn check(providers: &Path, store: &Path, extra: &[&str]) -> (i32, Value, String) {
    let out = run(orgcheck()
        .args([
            "check",
            "--live",
            "--format",
            "json",
            "--retries",
            "0",
            "--only-providers",
        ])
        .arg(providers)
        .arg("--store")
        .arg(store)
        .args(extra));
    let doc = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}\n{}", out.stdout, out.stderr));
    (out.code, doc, out.stderr)
}

fn versions(store: &Path) -> usize {
    fs::read_dir(store.join("acme/privacy-policy.versions"))
        .map(|d| d.count() / 2)
        .unwrap_or(0)
}

#[test]
fn the_ci_pipeline_records_flags_confirms_and_distrusts() {
    let (site, providers, store) = Site::with_store();
    let (p, s) = (providers.path(), store.path());

    // 1. First run: version A is recorded. A first recording is not a change.
    let (code, doc, stderr) = check(p, s, &[]);
    assert_eq!(code, 0, "{stderr}\n{doc}");
    let d = &doc["documents"][0];
    assert_eq!(
        (d["provider"].as_str(), d["status"].as_str()),
        (Some("acme"), Some("new"))
    );
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["mode"], "live");
    assert_eq!(site.server.requests_to("/privacy").len(), 1);

    // 2. The page now serves B: fetched twice, both agree, flagged as changed with the clauses.
    site.serve(1);
    let (code, doc, stderr) = check(p, s, &[]);
    assert_eq!(code, 1, "{stderr}\n{doc}");
    let d = &doc["documents"][0];
    assert_eq!(d["status"], "changed");
    assert_eq!(
        site.server.requests_to("/privacy").len(),
        3,
        "a change is confirmed by a second fetch"
    );
    assert_eq!(d["url"], site.server.url("/privacy"));
    assert!(d["old"]["date"].is_string() && d["new"]["date"].is_string(), "{d}");
    assert_ne!(d["old"]["version"], d["new"]["version"]);
    let diff = &d["diff"];
    assert_eq!(diff["meaning_changed"], true);
    assert_eq!(
        (diff["counts"]["added"].as_u64(), diff["counts"]["changed"].as_u64()),
        (Some(1), Some(1))
    );
    let added = diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "added")
        .unwrap();
    assert_eq!(
        added["new"]["text"],
        "We may pass this data to advertisers on an aggregated basis."
    );
    let summary: Vec<(String, u64)> = diff["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["tag"].as_str().unwrap().to_string(), t["gained"].as_u64().unwrap()))
        .collect();
    assert!(summary.contains(&("third-party-sharing".into(), 1)), "{summary:?}");
    assert_eq!(doc["summary"]["changed"], 1);
    assert_eq!(doc["summary"]["meaning_changed"], 1);
    assert_eq!(versions(s), 2);

    // 3. B again: unchanged.
    let (code, doc, stderr) = check(p, s, &[]);
    assert_eq!(code, 0, "{stderr}\n{doc}");
    assert_eq!(doc["documents"][0]["status"], "unchanged");

    // 4. The page flips between A and B from one request to the next: unstable, nothing recorded.
    site.serve(2);
    let (code, doc, stderr) = check(p, s, &[]);
    assert_eq!(code, 0, "an unstable page is not a confirmed change: {stderr}\n{doc}");
    assert_eq!(doc["documents"][0]["status"], "unstable");
    assert!(stderr.contains("acme/privacy-policy: unstable"), "{stderr}");
    assert_eq!(versions(s), 2, "an unstable page records nothing");

    // 5. Only the "last updated" date moves: recorded, but unchanged (noise only).
    site.serve(3);
    let (code, doc, stderr) = check(p, s, &["--fail-on", "any"]);
    assert_eq!(code, 0, "{stderr}\n{doc}");
    assert_eq!(doc["documents"][0]["status"], "unchanged");
    assert_eq!(doc["documents"][0]["noise_only"], true);
}

/// `orgcheck check --live` on `providers` and `store`, writing `format`.
fn live_check(providers: &Path, store: &Path, format: &str) -> assert_cmd::Command {
    let mut cmd = orgcheck();
    cmd.args([
        "check",
        "--live",
        "--retries",
        "0",
        "--format",
        format,
        "--only-providers",
    ])
    .arg(providers)
    .arg("--store")
    .arg(store);
    cmd
}

#[test]
fn markdown_report_is_an_issue_body() {
    let (site, providers, store) = Site::with_store();
    let base = |format: &str| live_check(providers.path(), store.path(), format);
    assert_eq!(run(&mut base("table")).code, 0);
    site.serve(1);
    let out = run(&mut base("markdown"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let md = out.stdout;
    assert!(md.starts_with("## orgcheck: privacy policy check\n"), "{md}");
    assert!(md.contains("| [acme](http://127.0.0.1:"), "{md}");
    assert!(md.contains("| privacy-policy | **changed** |"), "{md}");
    assert!(md.contains("### acme / privacy-policy — changed in meaning"), "{md}");
    assert!(
        md.contains("- third-party-sharing: +1 positive (\"pass this data to advertisers\")"),
        "{md}"
    );
    assert!(
        md.contains("- **added** (clause 6): **We may pass this data to advertisers on an aggregated basis.**"),
        "{md}"
    );
    assert!(md.contains("for ~~six~~ **seven** years"), "{md}");

    // The same report as a page, from a store of its own (back to A and on to B again would be a
    // revert): the table, the changed document's section, words deleted and inserted.
    let (site, providers, store) = Site::with_store();
    let base = |format: &str| live_check(providers.path(), store.path(), format);
    assert_eq!(run(&mut base("table")).code, 0);
    site.serve(1);
    let out = run(&mut base("html"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let page = out.stdout;
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(
        page.contains("<span class=\"badge s-changed\">changed</span>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"#d-acme-privacy-policy\">privacy-policy</a>"),
        "{page}"
    );
    assert!(page.contains("<section id=\"d-acme-privacy-policy\">"), "{page}");
    assert!(
        page.contains("third-party-sharing: +1 positive (&quot;pass this data to advertisers&quot;)"),
        "{page}"
    );
    assert!(page.contains("<del>six</del> <ins>seven</ins>"), "{page}");
    assert!(
        page.contains("<ins>We may pass this data to advertisers on an aggregated basis.</ins>"),
        "{page}"
    );

    // Back to A: a return to the version stored first, reported as a revert with the clauses that
    // changed, and no change in meaning (what it says was said before).
    site.serve(0);
    let out = run(&mut base("table"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let text = out.stdout;
    assert!(text.contains("┆ privacy-policy ┆ changed ┆"), "{text}");
    assert!(text.contains("reverted to the version of"), "{text}");
    assert!(text.contains("Reverted: to the version of"), "{text}");
    assert!(!text.contains("Meaning changes:"), "{text}");
    assert!(text.contains("[-seven-]{+six+}"), "{text}");
    assert!(text.ends_with("1 document: 1 changed (1 reverted).\n"), "{text}");
    // On to B again: another revert, which `--fail-on meaning` lets pass.
    site.serve(1);
    let quiet = run(base("table").args(["--fail-on", "meaning"]));
    assert_eq!(quiet.code, 0, "a revert is no change in meaning: {}", quiet.stdout);
    assert!(
        quiet.stdout.ends_with("1 document: 1 changed (1 reverted).\n"),
        "{}",
        quiet.stdout
    );
}

#[test]
fn fail_on_meaning_ignores_rewording() {
    let (site, providers, store) = Site::with_store();
    let (p, s) = (providers.path(), store.path());
    assert_eq!(check(p, s, &[]).0, 0);
    site.serve(4);
    let (code, doc, stderr) = check(p, s, &["--fail-on", "meaning"]);
    assert_eq!(code, 0, "{stderr}\n{doc}");
    let d = &doc["documents"][0];
    assert_eq!(
        (d["status"].as_str(), d["diff"]["meaning_changed"].as_bool()),
        (Some("changed"), Some(false))
    );
    assert_eq!(doc["summary"]["meaning_changed"], 0);
}

#[test]
fn baseline_mode_compares_the_store_with_the_last_accepted_versions() {
    let (site, providers, store) = Site::with_store();
    let (p, s) = (providers.path(), store.path());
    let baseline_check = |extra: &[&str]| {
        let out = run(orgcheck()
            .args(["check", "--format", "json", "--only-providers"])
            .arg(p)
            .arg("--store")
            .arg(s)
            .args(extra));
        let doc: Value = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
        (out.code, doc, out.stderr)
    };
    // Nothing stored yet: an error with what to do, and no report.
    let (code, doc, stderr) = baseline_check(&[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("nothing stored") && stderr.contains("run `orgcheck fetch`"),
        "{stderr}"
    );
    assert_eq!(doc, Value::Null);

    let fetch = || {
        let out = run(orgcheck()
            .args(["fetch", "-q", "--retries", "0", "--only-providers"])
            .arg(p)
            .arg("--store")
            .arg(s));
        assert_eq!(out.code, 0, "{}", out.stderr);
    };
    fetch();
    let (code, doc, stderr) = baseline_check(&["--update-baseline"]);
    assert_eq!(
        (code, doc["documents"][0]["status"].as_str()),
        (0, Some("new")),
        "{stderr}"
    );
    assert!(
        stderr.contains("no baseline at") && stderr.contains("baseline written to"),
        "{stderr}"
    );
    let baseline: Value = serde_json::from_str(&fs::read_to_string(s.join("baseline.json")).unwrap()).unwrap();
    let entry = &baseline["documents"][0];
    assert_eq!(entry["provider"], "acme");
    assert_eq!(entry["normalised_sha256"].as_str().unwrap().len(), 64);
    assert!(
        entry["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["fingerprint"].as_str().unwrap().len() == 16)
    );

    assert_eq!(baseline_check(&[]).1["documents"][0]["status"], "unchanged");
    site.serve(1);
    fetch();
    let (code, doc, _) = baseline_check(&[]);
    assert_eq!((code, doc["documents"][0]["status"].as_str()), (1, Some("changed")));
    assert_eq!(doc["mode"], "baseline");
    assert_eq!(doc["documents"][0]["diff_basis"], "text");
    // Accepting the change makes the next check quiet.
    assert_eq!(baseline_check(&["--update-baseline", "-q"]).0, 1);
    assert_eq!(baseline_check(&[]).0, 0);

    // A damaged baseline is an error that names the file, and is left for the user to look at.
    fs::write(s.join("baseline.json"), "{ not json").unwrap();
    let out = run(orgcheck()
        .args(["check", "--only-providers"])
        .arg(p)
        .arg("--store")
        .arg(s));
    assert_error(&out, &["baseline.json", "--update-baseline"]);
    assert_eq!(fs::read_to_string(s.join("baseline.json")).unwrap(), "{ not json");
}

/// A damaged latest pair (a truncated `.json`, an interrupted pair) does not hide a change: it is
/// measured against the newest intact version, and the pair is repaired.
#[test]
fn a_damaged_latest_pair_does_not_hide_a_change() {
    for damage in ["truncated json", "text without its metadata"] {
        let (site, providers, store) = Site::with_store();
        let (p, s) = (providers.path(), store.path());
        assert_eq!(check(p, s, &[]).0, 0);
        let (txt, json) = (s.join("acme/privacy-policy.txt"), s.join("acme/privacy-policy.json"));
        match damage {
            "truncated json" => fs::write(&json, &fs::read(&json).unwrap()[..20]).unwrap(),
            _ => fs::write(&txt, "half of a new text").unwrap(),
        }
        site.serve(1);
        let (code, doc, stderr) = check(p, s, &[]);
        let d = &doc["documents"][0];
        assert_eq!(
            (code, d["status"].as_str()),
            (1, Some("changed")),
            "{damage}: {stderr}\n{doc}"
        );
        assert_eq!(
            doc["summary"]["meaning_changed"], 1,
            "{damage}: the sharing clause is a change in meaning"
        );
        // Repaired: the next run finds nothing new.
        assert_eq!(check(p, s, &[]).1["documents"][0]["status"], "unchanged", "{damage}");
    }
    // Nothing intact left at all: a failure that says so, never a quiet `new`.
    let (site, providers, store) = Site::with_store();
    let (p, s) = (providers.path(), store.path());
    assert_eq!(check(p, s, &[]).0, 0);
    for e in fs::read_dir(s.join("acme/privacy-policy.versions")).unwrap().flatten() {
        fs::write(e.path(), "damaged").unwrap();
    }
    fs::write(s.join("acme/privacy-policy.json"), "damaged").unwrap();
    site.serve(1);
    let (code, doc, stderr) = check(p, s, &[]);
    assert_eq!(
        (code, doc["documents"][0]["status"].as_str()),
        (2, Some("failed")),
        "{stderr}\n{doc}"
    );
    assert!(stderr.contains("no intact earlier version"), "{stderr}");
}

/// A page that differs on every request is `unstable`, with where it differs; after three runs in a
/// row it is `failed` (exit 2), so monitoring is never silently off. A stable run forgets the count.
#[test]
fn a_page_that_never_settles_becomes_a_failure() {
    let (site, providers, store) = Site::with_store();
    let (p, s) = (providers.path(), store.path());
    assert_eq!(check(p, s, &[]).0, 0);
    // Phase 2 alternates A and B, A first: the first run sees A (unchanged), then every run B and A.
    site.serve(2);
    assert_eq!(check(p, s, &[]).1["documents"][0]["status"], "unchanged");
    for run in 1..=3 {
        let (code, doc, stderr) = check(p, s, &[]);
        let d = &doc["documents"][0];
        let reason = d["reason"].as_str().unwrap_or_default();
        if run < 3 {
            assert_eq!(
                (code, d["status"].as_str()),
                (0, Some("unstable")),
                "run {run}: {stderr}"
            );
            assert!(reason.contains(&format!("run {run} in a row")), "{reason}");
            assert!(reason.contains("they differ at “"), "{reason}");
        } else {
            assert_eq!((code, d["status"].as_str()), (2, Some("failed")), "run {run}: {stderr}");
            assert!(
                reason.contains("unstable for 3 runs in a row") && reason.contains("`remove`"),
                "{reason}"
            );
        }
    }
    site.serve(1);
    assert_eq!(check(p, s, &[]).1["documents"][0]["status"], "changed");
    assert!(
        !s.join("acme/privacy-policy.unstable").exists(),
        "a recorded run forgets the count"
    );
}

/// `--update-baseline` writes into the store, so it waits for a run that holds the store's lock.
#[test]
fn updating_the_baseline_takes_the_store_lock() {
    let (_site, providers, store) = Site::with_store();
    let (p, s) = (providers.path(), store.path());
    let out = run(orgcheck()
        .args(["fetch", "-q", "--retries", "0", "--only-providers"])
        .arg(p)
        .arg("--store")
        .arg(s));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lock = fs::File::options().write(true).open(s.join(".lock")).unwrap();
    lock.lock().unwrap();
    let update = || {
        run(orgcheck()
            .args([
                "check",
                "-q",
                "--update-baseline",
                "--lock-timeout",
                "1",
                "--only-providers",
            ])
            .arg(p)
            .arg("--store")
            .arg(s))
    };
    let out = update();
    assert_error(&out, &["in use by another orgcheck run"]);
    assert!(!s.join("baseline.json").exists(), "nothing written without the lock");
    lock.unlock().unwrap();
    assert_eq!(update().code, 0);
    assert!(s.join("baseline.json").exists());
}

#[test]
fn a_failed_fetch_is_reported_and_exits_2() {
    let server = Server::start(|_, _| Reply::status(500, &[]));
    let providers = tempfile::tempdir().unwrap();
    fs::write(
        providers.path().join("down.toml"),
        format!(
            "name = \"Down\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \"{}\"\n",
            server.url("/p")
        ),
    )
    .unwrap();
    let store = tempfile::tempdir().unwrap();
    let (code, doc, stderr) = check(providers.path(), store.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(doc["documents"][0]["status"], "failed");
    assert!(
        stderr.contains("down/privacy-policy: failed: ") && stderr.contains("500"),
        "{stderr}"
    );
}

/// An empty store is said once, not as one failure per document.
#[test]
fn an_empty_store_is_one_line() {
    let store = tempfile::tempdir().unwrap();
    let out = run(orgcheck().args(["check", "--store"]).arg(store.path()));
    assert_error(&out, &["nothing stored for the 8 documents checked", "orgcheck fetch"]);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}
