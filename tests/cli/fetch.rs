//! `orgcheck fetch` and the store, against a local HTTP server: the eight providers' pages, every fault,
//! and interrupted runs.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::server::{Reply, Server};
use crate::util::{orgcheck, run, snapshot};
use serde_json::Value;

use crate::util::PROVIDER_IDS as IDS;

/// A page that looks like a provider's: navigation, a cookie banner, the policy, a footer.
fn provider_page(name: &str, policy: &str, in_div: bool) -> String {
    let mut body = String::new();
    let mut in_list = false;
    for line in policy.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(item) = line.strip_prefix("• ") {
            if !in_list {
                body.push_str("<ul>\n");
                in_list = true;
            }
            body.push_str(&format!("  <li>{item}</li>\n"));
        } else {
            if in_list {
                body.push_str("</ul>\n");
                in_list = false;
            }
            body.push_str(&format!("<p>{line}</p>\n"));
        }
    }
    if in_list {
        body.push_str("</ul>\n");
    }
    let policy_block = format!(
        "<h1>{name} privacy policy</h1>\n{body}<p>Contact our privacy team if you have any questions about this \
         notice or how to read it.</p>"
    );
    let wrapped = if in_div {
        format!(
            "<div class=\"policy-content\"><a class=\"print-link\" href=\"#\">Print this page</a>{policy_block}</div>"
        )
    } else {
        format!("<main>{policy_block}</main>")
    };
    format!(
        concat!(
            r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title>"#,
            r#"<script>var tracking = "we sell everything";</script></head>
<body><header class="site-header"><a href="/">{name}</a></header>
<nav><ul><li><a href="/shop">Shop</a></li><li><a href="/help">Help and support</a></li></ul></nav>
<div id="cookie-consent" class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
{wrapped}
<footer><p>© {name} 2026. Registered in England.</p></footer></body></html>"#
        ),
        name = name,
        wrapped = wrapped,
    )
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled declarations, pointed at `server`; every other provider isolates its policy with `select`.
fn local_providers(server: &Server) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (i, id) in IDS.iter().enumerate() {
        let src = fs::read_to_string(manifest().join(format!("providers/{id}.toml"))).unwrap();
        let mut out = String::new();
        for line in src.lines() {
            if line.starts_with("url = ") {
                out.push_str(&format!("url = \"{}\"\n", server.url(&format!("/{id}/privacy"))));
                if i % 2 == 1 {
                    out.push_str("select = [\"div.policy-content\"]\nremove = [\".print-link\"]\n");
                }
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        fs::write(dir.path().join(format!("{id}.toml")), out).unwrap();
        let snap = manifest().join(format!("providers/{id}"));
        fs::create_dir_all(dir.path().join(id)).unwrap();
        for f in fs::read_dir(snap).unwrap().flatten() {
            fs::copy(f.path(), dir.path().join(id).join(f.file_name())).unwrap();
        }
    }
    dir
}

/// A server for the eight providers whose pages carry an ETag and honour If-None-Match.
/// `edits` appends text to a provider's policy, to make it change.
fn provider_server(edits: Arc<Mutex<BTreeMap<String, String>>>) -> Server {
    Server::start(move |req, _| {
        let id = req
            .path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("")
            .to_string();
        let Some(index) = IDS.iter().position(|p| *p == id) else {
            return Reply::status(404, &[]);
        };
        let mut policy =
            fs::read_to_string(manifest().join(format!("providers/{id}/privacy-policy-2014.txt"))).unwrap();
        if let Some(extra) = edits.lock().unwrap().get(&id) {
            policy.push_str(&format!("\n{extra}\n"));
        }
        let page = provider_page(&id, &policy, index % 2 == 1);
        let etag = format!(
            "\"{:x}\"",
            page.len() * 31 + page.bytes().map(usize::from).sum::<usize>()
        );
        if req.header("if-none-match") == Some(etag.as_str()) {
            return Reply::status(304, &[("ETag", &etag)]);
        }
        Reply::ok("text/html; charset=utf-8", page).with_header("ETag", &etag)
    })
}

/// `orgcheck <args> --providers P --store S`.
fn fetch_run(args: &[&str], providers: &Path, store: &Path) -> crate::util::Output {
    run(orgcheck()
        .args(args)
        .arg("--only-providers")
        .arg(providers)
        .arg("--store")
        .arg(store))
}

fn fetch_json(providers: &Path, store: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "fetch",
        "--format",
        "json",
        "--retries",
        "2",
        "--backoff-ms",
        "20",
        "--timeout",
        "2",
    ];
    args.extend_from_slice(extra);
    let out = fetch_run(&args, providers, store);
    let doc =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("bad JSON ({e}): {}\n{}", out.stdout, out.stderr));
    (out.code, doc, out.stderr)
}

fn statuses(doc: &Value) -> BTreeMap<String, String> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["provider"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn fetch_fills_the_store_then_asks_conditionally_then_records_changes() {
    let edits: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let server = provider_server(edits.clone());
    let providers = local_providers(&server);
    let store = tempfile::tempdir().unwrap();

    let (code, doc, stderr) = fetch_json(providers.path(), store.path(), &[]);
    assert_eq!(code, 0, "{stderr}\n{doc}");
    assert!(statuses(&doc).values().all(|s| s == "new"), "{doc}");
    for id in IDS.iter() {
        let text = fs::read_to_string(store.path().join(format!("{id}/privacy-policy.txt"))).unwrap();
        for chrome in [
            "Shop",
            "cookies",
            "Registered in England",
            "Print this page",
            "we sell everything",
        ] {
            assert!(!text.contains(chrome), "{id}: page chrome {chrome:?} in {text}");
        }
        assert!(text.contains("privacy policy"), "{id}: {text}");
        let meta: Value =
            serde_json::from_str(&fs::read_to_string(store.path().join(format!("{id}/privacy-policy.json"))).unwrap())
                .unwrap();
        for key in [
            "url",
            "final_url",
            "status",
            "etag",
            "fetched_at",
            "raw_sha256",
            "text_sha256",
            "orgcheck_version",
            "declaration_sha256",
        ] {
            assert!(meta.get(key).is_some(), "{id}: metadata lacks {key}: {meta}");
        }
    }
    let first = snapshot(store.path());

    // Second run: conditional requests, 304s, nothing written.
    let (code, doc, _) = fetch_json(providers.path(), store.path(), &[]);
    assert_eq!(code, 0);
    assert!(statuses(&doc).values().all(|s| s == "unchanged"), "{doc}");
    for id in IDS.iter() {
        let reqs = server.requests_to(&format!("/{id}/privacy"));
        assert_eq!(reqs.len(), 2);
        assert!(
            reqs[1].header("if-none-match").is_some(),
            "{id}: no conditional request"
        );
        assert!(
            reqs[1].header("user-agent").unwrap().starts_with("orgcheck/"),
            "honest user agent"
        );
    }
    assert_eq!(snapshot(store.path()), first, "an unchanged run writes nothing");

    // A changed page makes a new version; the old one stays in the history.
    edits.lock().unwrap().insert(
        "o2".into(),
        "We may also sell your location data to data brokers.".into(),
    );
    let (code, doc, _) = fetch_json(providers.path(), store.path(), &[]);
    assert_eq!(code, 0);
    let s = statuses(&doc);
    assert_eq!(s["o2"], "changed");
    assert_eq!(s.values().filter(|v| *v == "unchanged").count(), 7);
    let versions: Vec<_> = fs::read_dir(store.path().join("o2/privacy-policy.versions"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(versions.len(), 4, "two versions, each .txt and .json");
    assert!(
        fs::read_to_string(store.path().join("o2/privacy-policy.txt"))
            .unwrap()
            .contains("data brokers")
    );

    // compare uses the stored texts.
    let out = fetch_run(&["compare", "--format", "json"], providers.path(), store.path());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    for p in report["providers"].as_array().unwrap() {
        assert_eq!(p["policy_source"]["kind"], "store", "{}", p["id"]);
        assert!(p["policy_source"]["retrieved_at"].as_str().unwrap().ends_with('Z'));
    }
    let o2 = report["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "o2")
        .unwrap();
    assert_eq!(o2["verdicts"]["third-party-sharing"], "contradiction");
    assert!(
        o2["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["clause"].as_str().unwrap().contains("data brokers"))
    );
}

#[test]
fn compare_falls_back_to_the_bundled_snapshot_with_a_note() {
    let store = tempfile::tempdir().unwrap();
    let out = run(orgcheck()
        .args(["compare", "o2", "--format", "json", "--store"])
        .arg(store.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("o2/privacy-policy: not in the store"),
        "{}",
        out.stderr
    );
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["providers"][0]["policy_source"]["kind"], "bundled");
}

#[test]
fn compare_live_fetches_first() {
    let server = provider_server(Arc::default());
    let providers = local_providers(&server);
    let store = tempfile::tempdir().unwrap();
    let out = fetch_run(
        &["compare", "virgin-mobile", "--live", "--format", "json"],
        providers.path(),
        store.path(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["providers"][0]["policy_source"]["kind"], "store");
    assert_eq!(
        report["providers"][0]["verdicts"]["third-party-sharing"],
        "narrow-denial"
    );
    assert_eq!(server.requests().len(), 1, "only the compared provider is fetched");
}

#[test]
fn extract_fetches_a_url() {
    let policy = fs::read_to_string(manifest().join("providers/o2/privacy-policy-2014.txt")).unwrap();
    let page = provider_page("O2", &policy, true);
    let server = Server::start(move |_, _| Reply::ok("text/html", page.clone()));
    let out = run(orgcheck()
        .args([
            "extract",
            "--format",
            "json",
            "--select",
            "div.policy-content",
            "--remove",
            ".print-link",
        ])
        .arg(server.url("/privacy")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["source"], server.url("/privacy"));
    assert_eq!(doc["format"], "html");
    assert_eq!(doc["clauses"][0]["text"], "O2 privacy policy");
    assert!(!out.stdout.contains("Print this page"));
    let out = run(orgcheck()
        .args(["extract", "--retries", "0"])
        .arg(server.url("/x"))
        .args(["--select", "#nothing"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("selector `#nothing` matched nothing"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_document_from_the_web_cannot_lead_to_private_addresses() {
    // The network inside: 127.0.0.1. The site on the web: 127.0.0.2, which this test counts as public.
    let inside = Server::start(|_, _| {
        let page = "<main><p>INTRANET-MARKER: the build server's configuration, which no policy fetch should ever \
                    copy into the store, print on a terminal or quote in a report.</p></main>";
        Reply::ok("text/html", page)
    });
    let (by_address, by_name) = (
        inside.url("/secret"),
        format!("http://localhost:{}/secret", inside.addr.port()),
    );
    let web = Server::start_on("127.0.0.2", move |req, _| match req.path.as_str() {
        "/to-address" => Reply::status(302, &[("Location", by_address.as_str())]),
        "/to-name" => Reply::status(302, &[("Location", by_name.as_str())]),
        _ => Reply::status(404, &[]),
    });
    let extract = |path: &str, extra: &[&str]| {
        run(orgcheck()
            .env("ORGCHECK_TEST_PUBLIC_ADDRESSES", "127.0.0.2")
            .args(["extract", "--format", "json", "--render", "never", "--retries", "0"])
            .arg(web.url(path))
            .args(extra))
    };
    for (path, host) in [("/to-address", "127.0.0.1"), ("/to-name", "localhost")] {
        let out = extract(path, &[]);
        assert_eq!(out.code, 2, "{path}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("led to `{host}`")) && out.stderr.contains("--allow-private"),
            "{path}: {}",
            out.stderr
        );
        assert!(!out.stdout.contains("INTRANET-MARKER"));
    }
    assert!(inside.requests().is_empty(), "{:?}", inside.requests());
    // Allowed, the same redirects arrive: the refusal above is the rule's doing.
    for path in ["/to-address", "/to-name"] {
        let out = extract(path, &["--allow-private"]);
        assert_eq!(out.code, 0, "{path}: {}", out.stderr);
        assert!(out.stdout.contains("INTRANET-MARKER"), "{path}");
    }
    // A URL declared on a private address is fetched as it is.
    let out = run(orgcheck()
        .args(["extract", "--render", "never"])
        .arg(inside.url("/secret")));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// A PDF with one line of text in Helvetica, with a correct cross-reference table.
fn pdf_with_text(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> \
         >>"
        .to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Each fault with the words its failure must contain; `None` means the fetch must succeed.
const FAULTS: &[(&str, Option<&str>)] = &[
    ("slow", Some("timed out")),
    ("flaky", None),
    ("throttled", None),
    ("loop", Some("more than 10 redirects")),
    (
        "file-redirect",
        Some("redirected to `file:///etc/passwd`; only http and https redirects are followed"),
    ),
    ("huge", Some("over the 10485760-byte cap")),
    ("bomb", Some("grew past the 10485760-byte cap (after decompression)")),
    ("cp1252", None),
    ("pdf", None),
    ("scan", Some("the PDF has no text layer")),
    ("image", Some("unsupported content type `image/png`")),
    (
        "no-match",
        Some("selector `#policy-text` matched nothing — has the page structure changed?"),
    ),
    ("empty", Some("empty response body")),
    ("cut", Some("connection failed while reading the body")),
    ("gone", Some("HTTP 404 Not Found; not retried")),
];

const POLICY: &str = "We may share aggregated statistics about how our network is used with our business partners. \
                      We never sell your personal information. You can opt out of marketing at any time.";

fn fault_server(faulty: Arc<AtomicUsize>) -> Server {
    let good_page = format!("<html><body><main><div id=\"policy-text\"><p>{POLICY}</p></div></main></body></html>");
    // 16 MiB of spaces, about 16 KiB compressed: over the 10 MiB cap only once decompressed.
    let bomb = gzip(&vec![b' '; 16 * 1024 * 1024]);
    Server::start(move |req, seen| {
        let name = req.path.trim_start_matches('/');
        if faulty.load(Ordering::SeqCst) == 0 || name == "ok" {
            return Reply::ok("text/html; charset=utf-8", good_page.clone());
        }
        // Requests to this path before the faults were switched on do not count.
        let seen = seen.saturating_sub(faulty.load(Ordering::SeqCst) - 1);
        match name {
            "slow" => Reply::ok("text/html", good_page.clone()).delayed(Duration::from_secs(4)),
            "flaky" if seen == 0 => Reply::status(500, &[]),
            "throttled" if seen == 0 => Reply::status(429, &[("Retry-After", "1")]),
            "flaky" | "throttled" => Reply::ok(
                "text/html",
                good_page.replace("business partners", "partners and advertisers"),
            ),
            "loop" => Reply::status(302, &[("Location", "/loop-b")]),
            "loop-b" => Reply::status(302, &[("Location", "/loop")]),
            "file-redirect" => Reply::status(302, &[("Location", "file:///etc/passwd")]),
            "huge" => Reply::ok("text/html", vec![b'a'; 20 * 1024 * 1024]),
            "bomb" => Reply::ok("text/html", bomb.clone()).with_header("Content-Encoding", "gzip"),
            "cp1252" => {
                let mut body = b"<html><body><main><p>We don\x92t sell your data \x96 but we share it with partners, \
                                 caf\xe9s and advertisers. "
                    .to_vec();
                body.extend_from_slice(POLICY.as_bytes());
                body.extend_from_slice(b"</p></main></body></html>");
                Reply::ok("text/html", body)
            }
            "pdf" => Reply::ok(
                "application/pdf",
                pdf_with_text(&format!("{POLICY} This is the PDF edition.")),
            ),
            "scan" => Reply::ok("application/pdf", pdf_with_text("")),
            "image" => Reply::ok("image/png", b"\x89PNG\r\n\x1a\nnot really".to_vec()),
            "no-match" => Reply::ok(
                "text/html",
                "<html><body><main><p>Redesigned page.</p></main></body></html>",
            ),
            "empty" => Reply::ok("text/html", ""),
            "cut" => crate::server::Reply::CloseMidBody {
                declared: 5000,
                partial: b"<html><body><p>We may".to_vec(),
            },
            "gone" => Reply::status(404, &[]),
            _ => Reply::status(404, &[]),
        }
    })
}

fn fault_providers(server: &Server) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, _) in FAULTS.iter().chain([("ok", None)].iter()) {
        let select = if *name == "no-match" {
            "select = [\"#policy-text\"]\n"
        } else {
            ""
        };
        let toml = format!(
            "name = \"{name}\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \"{}\"\n{select}",
            server.url(&format!("/{name}"))
        );
        fs::write(dir.path().join(format!("{name}.toml")), toml).unwrap();
    }
    dir
}

#[test]
fn every_fault_fails_alone_and_leaves_the_store_untouched() {
    let faulty = Arc::new(AtomicUsize::new(0));
    let server = fault_server(faulty.clone());
    let providers = fault_providers(&server);
    let store = tempfile::tempdir().unwrap();
    let (code, doc, stderr) = fetch_json(providers.path(), store.path(), &[]);
    assert_eq!(code, 0, "all pages are good at first: {stderr}\n{doc}");
    let before = snapshot(store.path());

    // Switch the faults on; remember how many requests each path had before.
    faulty.store(2, Ordering::SeqCst);
    let started = std::time::Instant::now();
    let (code, doc, stderr) = fetch_json(
        providers.path(),
        store.path(),
        &["--timeout", "1", "--max-retry-after", "2"],
    );
    assert_eq!(code, 2, "a failure makes the run exit 2: {stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "faults must not stall the run"
    );
    let results: BTreeMap<String, Value> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["provider"].as_str().unwrap().to_string(), r.clone()))
        .collect();
    assert_eq!(results["ok"]["status"], "unchanged");
    let after = snapshot(store.path());
    for (name, expected) in FAULTS {
        let r = &results[*name];
        let prefix = PathBuf::from(name);
        let changed: Vec<_> = after
            .keys()
            .filter(|k| k.starts_with(&prefix) && before.get(*k) != after.get(*k))
            .collect();
        match expected {
            Some(words) => {
                assert_eq!(r["status"], "failed", "{name}: {r}");
                let reason = r["reason"].as_str().unwrap();
                assert!(reason.contains(words), "{name}: {reason:?} lacks {words:?}");
                assert!(changed.is_empty(), "{name}: a failure changed the store: {changed:?}");
                assert_eq!(
                    after.keys().filter(|k| k.starts_with(&prefix)).count(),
                    before.keys().filter(|k| k.starts_with(&prefix)).count()
                );
            }
            None => assert_eq!(r["status"], "changed", "{name}: {r}"),
        }
    }
    // Retries: the flaky page was asked twice, the 404 once, the throttled page after its Retry-After.
    assert_eq!(server.requests_to("/flaky").len(), 3, "1 good + 500 + retry");
    assert_eq!(server.requests_to("/gone").len(), 2, "1 good + one 404, not retried");
    let throttled = server.requests_to("/throttled");
    assert!(
        throttled[2].at - throttled[1].at >= Duration::from_millis(950),
        "Retry-After honoured"
    );
    // Decoding: Windows-1252 without a charset header, and a PDF.
    let cp = fs::read_to_string(store.path().join("cp1252/privacy-policy.txt")).unwrap();
    assert!(
        cp.contains("We don’t sell your data – but we share it with partners, cafés"),
        "{cp}"
    );
    let meta: Value =
        serde_json::from_str(&fs::read_to_string(store.path().join("pdf/privacy-policy.json")).unwrap()).unwrap();
    assert_eq!(meta["kind"], "pdf");
    let pdf = fs::read_to_string(store.path().join("pdf/privacy-policy.txt")).unwrap();
    assert!(
        pdf.contains("We never sell your personal information.") && pdf.contains("PDF edition"),
        "{pdf}"
    );
    // The human summary names each failure too.
    let out = fetch_run(
        &["fetch", "--retries", "0", "--timeout", "1"],
        providers.path(),
        store.path(),
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("orgcheck: image/privacy-policy: failed: unsupported content type `image/png`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("failed\n") || out.stderr.lines().last().unwrap().contains("failed"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_second_run_waits_for_the_lock_then_fails_clearly() {
    let server = Server::start(|_, _| Reply::ok("text/plain", POLICY).delayed(Duration::from_secs(3)));
    let providers = tempfile::tempdir().unwrap();
    fs::write(
        providers.path().join("slow.toml"),
        format!(
            "name = \"Slow\"\n[[documents]]\nid = \"p\"\nurl = \"{}\"\n",
            server.url("/p")
        ),
    )
    .unwrap();
    let store = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("orgcheck");
    let mut first = std::process::Command::new(&bin)
        .args(["fetch", "-q", "--only-providers"])
        .arg(providers.path())
        .arg("--store")
        .arg(store.path())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let out = fetch_run(&["fetch", "--lock-timeout", "1"], providers.path(), store.path());
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("the store is in use by another orgcheck run (waited 1s"),
        "{}",
        out.stderr
    );
    assert!(first.wait().unwrap().success());
}

/// Numbers outside what a flag can mean are refused with the flag's range, exit 2, before anything runs:
/// never a panic (`--lock-timeout 18446744073709551615` overflowed the clock).
#[test]
fn numeric_flags_out_of_range_are_refused_clearly() {
    let providers = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    for (flag, value, says) in [
        ("--lock-timeout", "18446744073709551615", "not in 0..=86400"),
        ("--timeout", "0", "more than 0 and at most 86400"),
        ("--connect-timeout", "inf", "more than 0 and at most 86400"),
        ("--timeout", "soon", "not a number of seconds"),
        ("--retries", "1000", "not in 0..=10"),
        ("--backoff-ms", "18446744073709551615", "not in 0..=600000"),
        ("--max-retry-after", "99999999999", "not in 0..=86400"),
        ("--max-bytes", "0", "not in 1..=4294967296"),
        ("--concurrency", "0", "not in 1..=256"),
    ] {
        let out = fetch_run(&["fetch", flag, value], providers.path(), store.path());
        assert_eq!(out.code, 2, "{flag} {value}: {}", out.stderr);
        assert!(
            out.stderr.contains(flag) && out.stderr.contains(says),
            "{flag} {value}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}

/// Kills fetch runs at different moments; every stored file must be whole, and a final run repairs all.
#[test]
fn an_interrupted_run_leaves_no_partial_file() {
    let round = Arc::new(AtomicUsize::new(0));
    let r2 = round.clone();
    let server = Server::start(move |req, _| {
        let text = format!(
            "{POLICY} Round {} of the policy for {}.",
            r2.load(Ordering::SeqCst),
            req.path
        );
        Reply::ok("text/plain", text.repeat(200)).delayed(Duration::from_millis(15))
    });
    let providers = tempfile::tempdir().unwrap();
    for i in 0..24 {
        let toml = format!(
            "name = \"P{i}\"\n[[documents]]\nid = \"policy\"\nurl = \"{}\"\n",
            server.url(&format!("/p{i}"))
        );
        fs::write(providers.path().join(format!("p{i}.toml")), toml).unwrap();
    }
    let store = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("orgcheck");
    for kill_after in [40u64, 80, 120, 160, 200, 240, 300] {
        round.fetch_add(1, Ordering::SeqCst);
        let mut child = std::process::Command::new(&bin)
            .args(["fetch", "-q", "--only-providers"])
            .arg(providers.path())
            .arg("--store")
            .arg(store.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(kill_after));
        let _ = child.kill();
        let _ = child.wait();
        check_whole(store.path());
    }
    round.fetch_add(1, Ordering::SeqCst);
    let (code, doc, stderr) = fetch_json(providers.path(), store.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(statuses(&doc).values().all(|s| s == "changed" || s == "new"), "{doc}");
    check_whole(store.path());
    // After a complete run every latest pair agrees and no temporary file is left.
    for i in 0..24 {
        let meta: Value =
            serde_json::from_str(&fs::read_to_string(store.path().join(format!("p{i}/policy.json"))).unwrap()).unwrap();
        let text = fs::read(store.path().join(format!("p{i}/policy.txt"))).unwrap();
        assert_eq!(meta["text_sha256"], sha256(&text));
    }
    assert!(
        snapshot(store.path())
            .keys()
            .all(|k| !k.to_string_lossy().ends_with(".tmp"))
    );
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Every stored file is whole: metadata parses, each version's text matches its metadata, and the
/// latest text is one of the stored versions. Temporary files may remain after a kill.
fn check_whole(store: &Path) {
    for (path, bytes) in snapshot(store) {
        let name = path.to_string_lossy().to_string();
        if name.ends_with(".tmp") {
            continue;
        }
        if name.ends_with(".json") {
            let meta: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: partial JSON ({e})"));
            if name.contains(".versions/") {
                let txt = fs::read(store.join(path.with_extension("txt")))
                    .unwrap_or_else(|_| panic!("{name}: no text beside it"));
                assert_eq!(meta["text_sha256"], sha256(&txt), "{name}: version text does not match");
            }
        } else if name.ends_with(".txt") && !name.contains(".versions/") {
            let versions = store.join(path.with_extension("versions"));
            let known: Vec<String> = fs::read_dir(&versions)
                .unwrap()
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
                .map(|e| sha256(&fs::read(e.path()).unwrap()))
                .collect();
            assert!(
                known.contains(&sha256(&bytes)),
                "{name}: latest text is not a whole stored version"
            );
        }
    }
}

/// Requests being answered now, and the most ever at once.
#[derive(Clone, Default)]
struct InFlight {
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

/// A server (one host) that answers after `delay`, counting its requests in `counter`.
fn counting_server(delay: Duration, counter: &InFlight) -> Server {
    let counter = counter.clone();
    Server::start(move |request, _| {
        let n = counter.now.fetch_add(1, Ordering::SeqCst) + 1;
        counter.most.fetch_max(n, Ordering::SeqCst);
        std::thread::sleep(delay);
        counter.now.fetch_sub(1, Ordering::SeqCst);
        Reply::ok("text/plain", format!("{POLICY}\n\nDocument {}.", request.path))
    })
}

/// 12 documents over 3 hosts, fetched with `--concurrency concurrency`.
fn fetch_from_three_hosts(concurrency: &str, counters: &[InFlight; 3]) -> Vec<Server> {
    let servers: Vec<Server> = counters
        .iter()
        .map(|c| counting_server(Duration::from_millis(150), c))
        .collect();
    let providers = tempfile::tempdir().unwrap();
    for i in 0..12 {
        fs::write(
            providers.path().join(format!("p{i}.toml")),
            format!(
                "name = \"P{i}\"\n[[documents]]\nid = \"p\"\nurl = \"{}\"\n",
                servers[i % 3].url(&format!("/doc/{i}"))
            ),
        )
        .unwrap();
    }
    let store = tempfile::tempdir().unwrap();
    let out = fetch_run(
        &["fetch", "-q", "--concurrency", concurrency],
        providers.path(),
        store.path(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    servers
}

#[test]
fn requests_stay_within_the_per_host_and_global_limits() {
    // Every host allows 2 at a time, so only 6 of the 16 global slots can be used.
    let per_host: [InFlight; 3] = Default::default();
    let servers = fetch_from_three_hosts("16", &per_host);
    for (server, counter) in servers.iter().zip(&per_host) {
        assert_eq!(server.requests().len(), 4);
        assert_eq!(
            counter.most.load(Ordering::SeqCst),
            2,
            "at most 2 requests at once to one host"
        );
    }
    // With 2 global slots, no more than 2 requests are in flight across all hosts together.
    let shared = InFlight::default();
    fetch_from_three_hosts("2", &[shared.clone(), shared.clone(), shared.clone()]);
    assert_eq!(
        shared.most.load(Ordering::SeqCst),
        2,
        "at most --concurrency requests at once"
    );
}
