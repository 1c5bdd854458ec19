//! `orgcheck history`: a stored document's versions, as a user runs it.

use crate::util::{assert_error, orgcheck, run, store_version};
use serde_json::Value;

const V1: &str = "We never sell your personal information.\n\nYou can opt out of marketing e-mails at any time.\n";
const V2: &str = "We never sell your personal information.\n\nWe may share your location with advertisers.\n\n\
                  You can opt out of marketing e-mails at any time.\n";
const V3: &str = "We never sell your personal information.\n\nWe may share your location with advertisers.\n";

fn store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (at, text) in [
        ("2024-01-05T00:00:00Z", V1),
        ("2025-03-09T00:00:00Z", V2),
        ("2026-06-01T00:00:00Z", V3),
    ] {
        store_version(dir.path(), "acme", "privacy-policy", at, text);
    }
    dir
}

fn history(store: &std::path::Path, format: &str) -> String {
    let out = run(orgcheck()
        .args(["history", "acme", "--format", format, "--store"])
        .arg(store));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn practices_come_and_go_with_the_versions() {
    let dir = store();
    let doc: Value = serde_json::from_str(&history(dir.path(), "json")).unwrap();
    assert_eq!(
        doc["labels"],
        serde_json::json!(["2024-01-05", "2025-03-09", "2026-06-01"])
    );
    let practice = |tag: &str, polarity: &str| {
        doc["practices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["tag"] == tag && p["polarity"] == polarity)
            .unwrap_or_else(|| panic!("{tag} {polarity}"))
            .clone()
    };
    assert_eq!(
        practice("third-party-sharing", "positive")["turns"],
        serde_json::json!([[1, "appeared"]])
    );
    assert_eq!(
        practice("opt-out", "positive")["turns"],
        serde_json::json!([[0, "appeared"], [2, "disappeared"]])
    );
    assert_eq!(
        practice("third-party-sharing", "negative")["turns"],
        serde_json::json!([[0, "appeared"]])
    );
    let steps: Vec<(u64, u64)> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["from"].as_u64().unwrap(), s["to"].as_u64().unwrap()))
        .collect();
    assert_eq!(steps, [(0, 1), (1, 2)]);

    let table = history(dir.path(), "table");
    assert!(
        table.contains("2024-01-05 → 2025-03-09:\n  third-party-sharing: +1 positive"),
        "{table}"
    );
    assert!(
        table.ends_with("3 versions; 2 steps changed the findings.\n"),
        "{table}"
    );
    let md = history(dir.path(), "markdown");
    assert!(
        md.contains("| Practice | 2024-01-05 | 2025-03-09 | 2026-06-01 |"),
        "{md}"
    );
    assert!(md.contains("| opt-out | ● 1 | ● 1 | · |"), "{md}");
}

#[test]
fn the_page_has_a_timeline_linked_to_the_changes() {
    let dir = store();
    let page = history(dir.path(), "html");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""),
        "{page}"
    );
    // Sharing appeared in v2: its marker links to the v1 → v2 step, which has its clause changes.
    assert!(page.contains("<a href=\"#step-0\"><circle"), "{page}");
    assert!(page.contains("<section id=\"step-0\">"), "{page}");
    assert!(
        page.contains("<ins>We may share your location with advertisers.</ins>"),
        "{page}"
    );
    assert!(!page.contains("<script"));
}

#[test]
fn history_needs_stored_versions() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(orgcheck().args(["history", "acme", "--store"]).arg(dir.path()));
    assert_error(&out, &["acme"]);
}
