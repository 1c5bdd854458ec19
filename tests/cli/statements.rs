//! Fetched statement pages (`[[statements]]` with an `id`): stored, checked and compared like policies,
//! against a local HTTP server whose pages the tests change and break.

use std::fs;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::server::{Reply, Server};
use crate::util::{orgcheck, run, snapshot};

const POLICY: &str = "This policy explains how Acme uses your information. We may sell your personal data to \
                      advertisers. \
                      You can opt out of marketing at any time.";

const HUB_2026: &str = "<p>Your data, your choice.</p>\
    <p>We want you to feel in control. We never sell your personal data. Read our policy to find out more.</p>";

/// A page as a provider's privacy hub looks: navigation, a cookie banner, the text in `<main>`.
fn page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Hub</title></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/shop\">Shop</a></nav>\
         <div class=\"cookie\">We use cookies and never sell them.</div>\
         <main>{body}</main><footer>© Acme 2026</footer></body></html>"
    )
}

/// The hub page's body, or `None` to answer 500.
type Hub = Arc<Mutex<Option<String>>>;

fn server(hub: Hub) -> Server {
    Server::start(move |req, _| match req.path.as_str() {
        "/privacy" => Reply::ok("text/html; charset=utf-8", page(&format!("<p>{POLICY}</p>"))),
        "/hub" => match hub.lock().unwrap().as_deref() {
            Some(body) => Reply::ok("text/html; charset=utf-8", page(body)),
            None => Reply::status(500, &[]),
        },
        _ => Reply::status(404, &[]),
    })
}

/// A providers directory with Acme: its policy and its privacy hub, whose declared text (from a 2014
/// letter) stands in until the page is fetched.
fn providers(server: &Server) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("acme")).unwrap();
    fs::write(dir.path().join("acme/privacy.txt"), POLICY).unwrap();
    fs::write(
        dir.path().join("acme.toml"),
        format!(
            "name = \"Acme\"\n\n[[documents]]\nid = \"privacy-policy\"\nurl = \"{}\"\nselect = [\"main\"]\nsnapshot = \
             \"acme/privacy.txt\"\n\n\
             [[statements]]\nid = \"privacy-hub\"\ntitle = \"Your data, your choice\"\nurl = \"{}\"\nselect = \
                                    [\"main\"]\n\
             quote = [\"We never sell your personal data\"]\n\
             text = \"Customers' data is never shared with advertisers.\"\ndate = \"2014-06\"\nsource = \"Acme's \
                      privacy hub, as quoted in a 2014 campaign\"\n",
            server.url("/privacy"),
            server.url("/hub")
        ),
    )
    .unwrap();
    dir
}

fn orgcheck_in(args: &[&str], providers: &Path, store: &Path) -> crate::util::Output {
    run(orgcheck()
        .args(args)
        .args(["--retries", "0"])
        .arg("--only-providers")
        .arg(providers)
        .arg("--store")
        .arg(store))
}

fn compare_json(providers: &Path, store: &Path) -> (Value, String) {
    let out = orgcheck_in(&["compare", "--format", "json"], providers, store);
    assert_eq!(out.code, 0, "{}", out.stderr);
    (serde_json::from_str(&out.stdout).unwrap(), out.stderr)
}

fn page_statement(report: &Value) -> &Value {
    let statements = report["providers"][0]["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "{statements:?}");
    &statements[0]
}

#[test]
fn a_statement_page_is_fetched_stored_compared_and_checked() {
    let hub: Hub = Arc::new(Mutex::new(Some(HUB_2026.to_string())));
    let server = server(hub.clone());
    let providers = providers(&server);
    let store = tempfile::tempdir().unwrap();

    // Not fetched yet: the declared text stands in, with a note.
    let (report, stderr) = compare_json(providers.path(), store.path());
    assert!(stderr.contains("acme/privacy-hub: not in the store"), "{stderr}");
    let st = page_statement(&report);
    assert_eq!(st["statement_source"]["kind"], "snapshot");
    assert_eq!(st["statement_source"]["snapshot_date"], "2014-06");
    assert_eq!(st["text"], "Customers' data is never shared with advertisers.");

    // New: both documents are stored; the statement is the quoted sentence, dated by the fetch.
    let out = orgcheck_in(&["fetch", "--format", "json"], providers.path(), store.path());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let fetched: Value = serde_json::from_str(&out.stdout).unwrap();
    let roles: Vec<(&str, &str, &str)> = fetched["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["document"].as_str().unwrap(),
                r["role"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [("privacy-policy", "policy", "new"), ("privacy-hub", "statement", "new")]
    );
    let (report, stderr) = compare_json(providers.path(), store.path());
    assert!(!stderr.contains("privacy-hub"), "{stderr}");
    let st = page_statement(&report);
    assert_eq!(st["text"], "We never sell your personal data.");
    assert_eq!(st["statement_source"]["kind"], "store");
    assert_eq!(st["statement_source"]["document"], "privacy-hub");
    let retrieved = st["statement_source"]["retrieved_at"].as_str().unwrap();
    assert_eq!(st["date"], &retrieved[..10]);
    assert!(
        st["source"]
            .as_str()
            .unwrap()
            .contains(&format!("fetched {}", &retrieved[..10])),
        "{st}"
    );
    assert_eq!(
        report["providers"][0]["verdicts"]["third-party-sharing"], "contradiction",
        "{report}"
    );
    let table = orgcheck_in(&["compare"], providers.path(), store.path());
    assert!(table.stdout.contains("From privacy-hub, fetched"), "{}", table.stdout);
    let baseline = orgcheck_in(&["check", "--update-baseline"], providers.path(), store.path());
    assert_eq!(baseline.code, 0, "new is not a change: {}", baseline.stderr);

    // Changed: the hub drops the sentence. `check --live` flags it as a statement page that changed
    // in meaning, and `compare` warns that the quote is gone and reads the whole page.
    *hub.lock().unwrap() = Some(
        "<p>Your data, your choice.</p><p>We want you to feel in control. We may share your personal data with \
         carefully chosen partners. Read our policy to find out more.</p>"
            .into(),
    );
    let out = orgcheck_in(&["check", "--live", "--format", "json"], providers.path(), store.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let check: Value = serde_json::from_str(&out.stdout).unwrap();
    let doc = check["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["document"] == "privacy-hub")
        .unwrap();
    assert_eq!(
        (doc["role"].as_str(), doc["status"].as_str()),
        (Some("statement"), Some("changed"))
    );
    assert_eq!(doc["diff"]["meaning_changed"], true, "{doc}");
    let table = orgcheck_in(&["check"], providers.path(), store.path());
    assert!(
        table.stdout.contains("privacy-hub (statement page)"),
        "{}",
        table.stdout
    );
    let (report, stderr) = compare_json(providers.path(), store.path());
    assert!(
        stderr.contains("the quote “We never sell your personal data” is not on")
            && stderr.contains("the whole page is compared"),
        "{stderr}"
    );
    let st = page_statement(&report);
    assert!(
        st["text"]
            .as_str()
            .unwrap()
            .contains("We may share your personal data with carefully chosen partners.")
    );

    // Failed: the server breaks; the fetch fails alone, the stored versions stay, compare still works.
    let before = snapshot(store.path());
    *hub.lock().unwrap() = None;
    let out = orgcheck_in(&["fetch"], providers.path(), store.path());
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("privacy-hub") && out.stderr.contains("500"),
        "{}",
        out.stderr
    );
    assert_eq!(snapshot(store.path()), before, "a failed fetch changes nothing stored");
    let (report, _) = compare_json(providers.path(), store.path());
    assert_eq!(page_statement(&report)["statement_source"]["kind"], "store");
}

#[test]
fn compare_live_fetches_the_statement_pages_too() {
    let hub: Hub = Arc::new(Mutex::new(Some(HUB_2026.to_string())));
    let server = server(hub);
    let providers = providers(&server);
    let store = tempfile::tempdir().unwrap();
    let out = orgcheck_in(
        &["compare", "--live", "--format", "json"],
        providers.path(),
        store.path(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(page_statement(&report)["statement_source"]["kind"], "store");
    assert_eq!(server.requests_to("/hub").len(), 1);
    assert_eq!(server.requests_to("/privacy").len(), 1);
}

#[test]
fn a_page_with_no_text_and_nothing_stored_is_left_out_with_the_reason() {
    let hub: Hub = Arc::new(Mutex::new(None));
    let server = server(hub);
    let providers = providers(&server);
    let file = providers.path().join("acme.toml");
    let src = fs::read_to_string(&file).unwrap();
    let src: String = src
        .lines()
        .filter(|l| !l.starts_with("text =") && !l.starts_with("date ="))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&file, src).unwrap();
    let store = tempfile::tempdir().unwrap();
    let (report, stderr) = compare_json(providers.path(), store.path());
    assert!(
        stderr.contains("acme/privacy-hub: statement page not in the store") && stderr.contains("orgcheck fetch acme"),
        "{stderr}"
    );
    assert!(report["providers"][0]["statements"].as_array().unwrap().is_empty());
    assert_eq!(
        report["providers"][0]["verdicts"]["third-party-sharing"],
        "no-statement"
    );
}
