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

    // Events, dated by their versions: sharing and location gained in 2025, the opt-out lost in 2026.
    let events: Vec<(u64, &str, &str, &str)> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["version"].as_u64().unwrap(),
                e["date"].as_str().unwrap(),
                e["tag"].as_str().unwrap(),
                e["change"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        events.contains(&(1, "2025-03-09T00:00:00Z", "third-party-sharing", "gained")),
        "{events:?}"
    );
    assert!(
        events.contains(&(1, "2025-03-09T00:00:00Z", "location", "gained")),
        "{events:?}"
    );
    assert!(
        events.contains(&(2, "2026-06-01T00:00:00Z", "opt-out", "lost")),
        "{events:?}"
    );
    let sharing = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["tag"] == "third-party-sharing")
        .unwrap();
    assert_eq!(sharing["practice"]["recipients"][0]["concept"], "advertisers");

    // The text forms list the events, not the diffs again; one row per version.
    let table = history(dir.path(), "table");
    assert!(
        table.contains("Events:\n  v2 2025-03-09  + third-party-sharing (positive): "),
        "{table}"
    );
    assert!(
        table.contains("  v3 2026-06-01  − opt-out (positive): (for marketing) — \"opt out\""),
        "{table}"
    );
    assert!(!table.contains("Clauses:"), "{table}");
    assert!(
        table.ends_with("3 versions; 3 events (practices gained or lost); 2 steps changed in meaning or page.\n"),
        "{table}"
    );
    let md = history(dir.path(), "markdown");
    assert!(
        md.contains("| Version | sharing | no sharing | opt-out | location |"),
        "{md}"
    );
    assert!(md.contains("| v3 2026-06-01 | ● 1 | ● 1 | · | ● 1 |"), "{md}");
    assert!(
        md.contains("### Events\n\n- **v2 2025-03-09**: + third-party-sharing (positive)"),
        "{md}"
    );
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

#[test]
fn an_imported_history_is_dated_by_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    // A Wayback-style page, a ToSBack-style crawl with its tags, and a Markdown file, imported newest
    // first.
    let files = [
        (
            "2016-12-01",
            "v3.md",
            "# Privacy Policy (December 2016)\n\nWe never sell your personal information.\n\nWe may share your location \
             with advertisers.\n\nWe may share data from your connected car with our partners.\n",
        ),
        (
            "2015-07-14",
            "v2.txt",
            "<h1>Privacy Policy (July 2015)</h1>\n<p>We never sell your personal information.</p>\n<ul>\n<li>We may share \
             your location with advertisers.</li>\n<li>You can opt out of marketing e-mails at any time.</li>\n</ul>\n",
        ),
        (
            "2013-05-30",
            "v1.html",
            "<html><body><nav><a href=/>Home</a></nav><main><h1>Privacy Policy (May 2013)</h1><p>We never sell your \
             personal information.</p><p>You can opt out of marketing e-mails at any time.</p></main></body></html>",
        ),
    ];
    for (date, name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = run(orgcheck()
            .args(["import", "acme/privacy-policy"])
            .arg(&path)
            .args(["--date", date, "--store"])
            .arg(&store));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stderr.contains("imported") && out.stdout.is_empty(),
            "{}",
            out.stderr
        );
    }
    let doc: Value = serde_json::from_str(&history(&store, "json")).unwrap();
    assert_eq!(
        doc["labels"],
        serde_json::json!(["2013-05-30", "2015-07-14", "2016-12-01"])
    );
    let events: Vec<(u64, String, String)> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["version"].as_u64().unwrap(),
                e["tag"].as_str().unwrap().to_string(),
                e["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(events.contains(&(1, "location".into(), "gained".into())), "{events:?}");
    let location_dates: Vec<&str> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["tag"] == "location")
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    assert_eq!(location_dates, ["2015-07-14T00:00:00Z"], "the title's date is no event");

    // A date in the future, or not a date, is refused, and nothing is written.
    let page = dir.path().join("v1.html");
    for (date, says) in [
        ("2999-01-01", "is in the future"),
        ("2015-02-30", "not a calendar date"),
    ] {
        let out = run(orgcheck()
            .args(["import", "acme/privacy-policy"])
            .arg(&page)
            .args(["--date", date, "--store"])
            .arg(&store));
        assert_error(&out, &[date, says]);
    }
    let out = run(orgcheck()
        .args(["import", "acme"])
        .arg(&page)
        .args(["--date", "2015-01-01"]));
    assert_error(&out, &["PROVIDER/DOCUMENT"]);
    assert_eq!(
        std::fs::read_dir(store.join("acme/privacy-policy.versions"))
            .unwrap()
            .count(),
        6,
        "three versions, two files each"
    );
}

#[test]
fn a_long_history_fits_a_1280_pixel_window() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..24 {
        let extra = if i >= 12 {
            "\n\nWe may share your location with advertisers.\n"
        } else {
            ""
        };
        let text = format!(
            "We never sell your personal information.\n\nWe keep records for {} months.{extra}\n",
            i + 1
        );
        store_version(
            dir.path(),
            "acme",
            "privacy-policy",
            &format!("20{:02}-01-01T00:00:00Z", i + 1),
            &text,
        );
    }
    let page = history(dir.path(), "html");
    let svg = &page[page.find("<svg").unwrap()..];
    let width: usize = svg["<svg".len()..]
        .split("width=\"")
        .nth(1)
        .and_then(|w| w.split('"').next())
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("{}", &svg[..200]));
    assert!(width <= 1100, "the timeline is {width} px wide");
    for v in ["v1<", "v24<"] {
        assert!(svg.contains(v), "{v}");
    }
    // The one event, at v13, is marked and linked.
    assert_eq!(svg.matches("<circle").count(), 2, "sharing and location gained at v13");
}

#[test]
fn a_damaged_old_version_is_left_out_with_what_to_do() {
    let dir = store();
    let versions = dir.path().join("acme/privacy-policy.versions");
    let first = std::fs::read_dir(&versions)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .min()
        .unwrap();
    std::fs::write(&first, "damaged").unwrap();
    let out = run(orgcheck()
        .args(["history", "acme", "--format", "json", "--store"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["versions"].as_array().unwrap().len(), 2, "the other versions stay");
    assert!(
        out.stderr.contains("left out of the history") && out.stderr.contains("remove both files"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&first.file_name().unwrap().to_string_lossy().to_string()),
        "{}",
        out.stderr
    );
}
