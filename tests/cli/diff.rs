//! `orgcheck diff`: two files, or stored versions, clause by clause.

use std::fs;

use crate::util::{assert_error, fixture, orgcheck, run};
use serde_json::Value;

fn v1() -> String {
    fixture("diff/policy-v1.md").display().to_string()
}

fn v2() -> String {
    fixture("diff/policy-v2.md").display().to_string()
}

/// Runs `orgcheck diff` from the fixtures directory so reports name the files briefly.
fn diff(args: &[&str]) -> crate::util::Output {
    run(orgcheck().current_dir(fixture("diff")).arg("diff").args(args))
}

#[test]
fn table_puts_meaning_changes_on_top() {
    let out = diff(&["policy-v1.md", "policy-v2.md"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("diff_table", out.stdout);
    let meaning = out.stdout.find("Meaning changes:").unwrap();
    let table = out.stdout.find("┌").unwrap();
    assert!(meaning < table);
    assert!(
        out.stdout
            .contains("third-party-sharing: +1 positive (\"pass this data to advertisers\")")
    );
    assert!(out.stdout.contains("opt-out: -1 positive (\"opt out\")"));
    // Noise: the date line, the renumbered heading and the tracking parameters are not changes.
    assert!(!out.stdout.contains("June"), "{}", out.stdout);
    assert!(!out.stdout.contains("Keeping your data"), "{}", out.stdout);
}

#[test]
fn markdown_report() {
    let out = diff(&["policy-v1.md", "policy-v2.md", "--format", "markdown"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("diff_markdown", out.stdout);
}

#[test]
fn json_report_carries_changes_and_summary() {
    let out = diff(&["policy-v1.md", "policy-v2.md", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["meaning_changed"], true);
    assert_eq!(doc["counts"]["added"], 1);
    assert_eq!(doc["counts"]["removed"], 1);
    assert_eq!(doc["counts"]["changed"], 2);
    let kinds: Vec<&str> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["changed", "removed", "added", "changed"]);
    let seven = &doc["changes"][3];
    assert_eq!(seven["words"][1], serde_json::json!({"op": "delete", "text": "six"}));
    assert_eq!(seven["words"][2], serde_json::json!({"op": "insert", "text": "seven"}));
    let sharing = doc["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["tag"] == "third-party-sharing")
        .unwrap();
    assert_eq!(
        (sharing["gained"].as_u64(), sharing["lost"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(doc["normalisers"].as_array().unwrap().len(), 6);
}

#[test]
fn fail_on_decides_the_exit_status() {
    assert_eq!(diff(&["policy-v1.md", "policy-v2.md", "--fail-on", "any"]).code, 1);
    assert_eq!(diff(&["policy-v1.md", "policy-v2.md", "--fail-on", "meaning"]).code, 1);
    assert_eq!(diff(&["policy-v1.md", "policy-v1.md", "--fail-on", "any"]).code, 0);
    // A typo fix: a change, but not in meaning.
    let dir = crate::util::dir_with(&[
        (
            "a.txt",
            b"We may share aggregated statistics with partners.\n\nWe keep the the records.\n",
        ),
        (
            "b.txt",
            b"We may share aggregated statistics with partners.\n\nWe keep the records.\n",
        ),
    ]);
    let pair = [dir.path().join("a.txt"), dir.path().join("b.txt")];
    let code = |fail_on: &str| run(orgcheck().arg("diff").args(&pair).args(["--fail-on", fail_on])).code;
    assert_eq!((code("any"), code("meaning"), code("none")), (1, 0, 0));
}

#[test]
fn a_change_of_language_fails_only_on_any_change() {
    let dir = crate::util::dir_with(&[
        (
            "es.txt",
            "Podemos compartir sus datos de ubicación con nuestros socios publicitarios.\n\nUsted puede \
             oponerse a este uso en cualquier momento.\n"
                .as_bytes(),
        ),
        (
            "en.txt",
            b"We may share your location data with our advertising partners.\n\nYou can object to this use at \
              any time.\n",
        ),
    ]);
    let pair = [dir.path().join("es.txt"), dir.path().join("en.txt")];
    let out = |fail_on: &str| run(orgcheck().arg("diff").args(&pair).args(["--fail-on", fail_on]));
    assert_eq!((out("any").code, out("meaning").code), (1, 0));
    let table = out("none").stdout;
    assert!(table.contains("the page changed language: es → en"), "{table}");
    assert!(!table.contains("Meaning changes"), "{table}");
    let json = run(orgcheck().arg("diff").args(&pair).args(["--format", "json"]));
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["language_change"], serde_json::json!({"from": "es", "to": "en"}));
    assert_eq!(
        (doc["meaning_changed"].as_bool(), doc["new"]["language"].as_str()),
        (Some(false), Some("en"))
    );
}

#[test]
fn normalisers_can_be_switched_off() {
    let out = diff(&[
        "policy-v1.md",
        "policy-v2.md",
        "--format",
        "json",
        "--no-normalise",
        "last-updated,numbering",
    ]);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["counts"]["changed"], 4, "{}", out.stdout);
    let strict = diff(&["policy-v1.md", "policy-v2.md", "--format", "json", "--strict"]);
    let doc: Value = serde_json::from_str(&strict.stdout).unwrap();
    assert_eq!(doc["normalisers"], serde_json::json!([]));
    assert!(doc["counts"]["changed"].as_u64().unwrap() >= 4);
}

#[test]
fn stored_versions_by_default_the_latest_two() {
    let store = tempfile::tempdir().unwrap();
    for (at, file) in [
        ("2026-01-01T00:00:00Z", "policy-v1.md"),
        ("2026-02-01T00:00:00Z", "policy-v2.md"),
    ] {
        let text = fs::read_to_string(fixture(&format!("diff/{file}"))).unwrap();
        let text =
            orgcheck::document::markup::to_text(&text, orgcheck::document::markup::InputFormat::Markdown).unwrap();
        crate::util::store_version(store.path(), "acme", "privacy-policy", at, &text);
    }
    let s = store.path().to_str().unwrap();
    let out = run(orgcheck().args(["diff", "acme", "--store", s]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("acme/privacy-policy: 2026-01-01 00:00 → 2026-02-01 00:00"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("+1 positive (\"pass this data to advertisers\")"));
    // Explicit versions, by prefix and by position; the same version twice is no change.
    let out = run(orgcheck().args([
        "diff",
        "acme/privacy-policy",
        "--store",
        s,
        "--from",
        "2026-02",
        "--to",
        "latest",
    ]));
    assert!(out.stdout.contains("No change in meaning"), "{}", out.stdout);
    let out = run(orgcheck().args(["diff", "acme", "--store", s, "--from", "2025"]));
    assert_error(&out, &["no version `2025`", "2026-01-01T000000Z, 2026-02-01T000000Z"]);
    let out = run(orgcheck().args(["diff", "acme", "--store", s, "--to", "previous"]));
    assert_error(&out, &["first one stored", "--from"]);
}

#[test]
fn bad_targets_are_explained() {
    let store = tempfile::tempdir().unwrap();
    let s = store.path().to_str().unwrap();
    assert_error(
        &run(orgcheck().args(["diff", "nobody", "--store", s])),
        &["nothing stored for provider `nobody`"],
    );
    let out = run(orgcheck()
        .current_dir(fixture("diff"))
        .args(["diff", "policy-v1.md", "--store", s]));
    assert_error(&out, &["give two: `orgcheck diff OLD NEW`"]);
    assert_error(&run(orgcheck().args(["diff", "-", "-"])), &["only one of OLD and NEW"]);
    assert_error(
        &run(orgcheck().args(["diff", &v1(), "/no/such/file"])),
        &["/no/such/file"],
    );
    assert_error(
        &run(orgcheck().args(["diff", &v1(), &v2(), "--from", "x"])),
        &["--from and --to"],
    );
    let dir = crate::util::dir_with(&[("bad.txt", b"\x00\x01\x02bad\x00"), ("empty.txt", b"  \n")]);
    let bad = dir.path().join("bad.txt");
    assert_error(
        &run(orgcheck().arg("diff").arg(&bad).arg(v2())),
        &["bad.txt: binary data, not a document"],
    );
    let empty = dir.path().join("empty.txt");
    assert_error(
        &run(orgcheck().arg("diff").arg(v1()).arg(&empty)),
        &["empty.txt", "empty document"],
    );
}

/// Ids typed on the command line, and links inside a store (a store can come from a pull request),
/// never make diff read outside the store, nor fetch write outside it.
#[cfg(unix)]
#[test]
fn the_store_is_never_left_through_ids_or_links() {
    let store = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let s = store.path().to_str().unwrap();
    for (at, text) in [
        ("2026-01-01T00:00:00Z", "SECRET one."),
        ("2026-02-01T00:00:00Z", "SECRET two."),
    ] {
        crate::util::store_version(outside.path(), "x", "y", at, text);
    }
    let escape = format!("acme/../../{}/x/y", outside.path().display());
    for target in [escape.as_str(), "acme/../x", "ACME", "acme/y.json"] {
        let out = run(orgcheck().args(["diff", target, "--store", s]));
        assert_error(&out, &["is not a stored document", "PROVIDER/DOCUMENT"]);
        assert!(!out.stdout.contains("SECRET"), "{}", out.stdout);
    }
    // A provider folder that is a link out of the store is neither read nor written through.
    std::os::unix::fs::symlink(outside.path().join("x"), store.path().join("x")).unwrap();
    let out = run(orgcheck().args(["diff", "x/y", "--store", s]));
    assert_error(&out, &["is a link", "never follows links"]);
    assert!(!out.stdout.contains("SECRET"), "{}", out.stdout);
    let before = crate::util::snapshot(outside.path());
    let server = crate::server::Server::start(|_, _| {
        crate::server::Reply::ok(
            "text/plain",
            "We may share your personal information with carefully selected advertising partners, who use it to show \
             you offers they choose.",
        )
    });
    let declaration = format!(
        "name = \"X\"\n[[documents]]\nid = \"y\"\nurl = \"{}\"\n",
        server.url("/p")
    );
    let providers = crate::util::dir_with(&[("x.toml", declaration.as_bytes())]);
    let out = run(orgcheck()
        .args(["fetch", "--retries", "0", "--only-providers"])
        .arg(providers.path())
        .args(["--store", s]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("is a link"), "{}", out.stderr);
    assert_eq!(server.requests().len(), 1, "the page was fetched; the store refused it");
    assert_eq!(
        crate::util::snapshot(outside.path()),
        before,
        "nothing written through the link"
    );
    // A stored file that is a link is not read either.
    crate::util::store_version(
        store.path(),
        "acme",
        "privacy-policy",
        "2026-01-01T00:00:00Z",
        "We share data.",
    );
    crate::util::store_version(
        store.path(),
        "acme",
        "privacy-policy",
        "2026-02-01T00:00:00Z",
        "We sell data.",
    );
    let versions = store.path().join("acme/privacy-policy.versions");
    let latest = versions.join("2026-02-01T000000Z.txt");
    std::fs::remove_file(&latest).unwrap();
    std::os::unix::fs::symlink(outside.path().join("x/y.txt"), &latest).unwrap();
    assert_error(&run(orgcheck().args(["diff", "acme", "--store", s])), &["is a link"]);
}

#[test]
fn standard_input_can_be_one_side() {
    let out = run(orgcheck()
        .args(["diff", "-", &v2(), "--format", "json"])
        .write_stdin(fs::read(fixture("diff/policy-v1.md")).unwrap()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["old"]["file"], "-");
    assert_eq!(doc["counts"]["added"], 1);
}

/// A long policy of `n` numbered clauses, worded by `seed`, with a clause every tenth that shares
/// `data` with advertisers.
fn long_policy(n: usize, seed: &str, data: &str) -> String {
    (0..n)
        .map(|i| match i % 10 {
            0 => format!("We may share your {data} (item {i}) with our advertising partners.\n\n"),
            _ => {
                format!("Clause {i} of the {seed} edition explains how we look after account records of kind {i}.\n\n")
            }
        })
        .collect()
}

#[test]
fn a_full_rewrite_fits_a_github_comment_with_its_net_change_first() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.txt"), dir.path().join("new.txt"));
    fs::write(&old, long_policy(1400, "spring", "email address")).unwrap();
    fs::write(&new, long_policy(1400, "autumn", "location data")).unwrap();
    let out = run(orgcheck()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "markdown"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.len() <= 60_000, "{} bytes", out.stdout.len());
    let meaning = out.stdout.find("What changed in meaning").expect("the net change");
    let first_change = out.stdout.find("Clauses that changed the findings").expect("changes");
    assert!(meaning < first_change);
    assert!(
        out.stdout.contains("more change") && out.stdout.contains("see the JSON report"),
        "{}",
        &out.stdout[out.stdout.len() - 500..]
    );
}

#[test]
fn github_format_writes_one_escaped_annotation() {
    let out = diff(&["policy-v1.md", "policy-v2.md", "--format", "github"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert!(
        out.stdout
            .starts_with("::warning title=orgcheck%3A policy-v1.md → policy-v2.md changed in meaning::"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("%0A"), "lines are escaped: {}", out.stdout);
}

#[test]
fn a_replaced_page_is_not_a_change_in_meaning_and_has_its_own_level() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.txt"), dir.path().join("new.txt"));
    fs::write(&old, long_policy(200, "spring", "email address")).unwrap();
    fs::write(
        &new,
        "Sorry, this page is temporarily unavailable. Please try again later.\n",
    )
    .unwrap();
    let json = run(orgcheck().arg("diff").arg(&old).arg(&new).args(["--format", "json"]));
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["meaning_changed"], false);
    assert!(doc["replaced"]["old_chars"].as_u64().unwrap() > 10 * doc["replaced"]["new_chars"].as_u64().unwrap());
    assert_eq!(doc["summary"].as_array().unwrap().len(), 0);
    let table = run(orgcheck()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--fail-on", "meaning"]));
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("Page replaced:"), "{}", table.stdout);
    let fail = run(orgcheck()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--fail-on", "meaning,replaced"]));
    assert_eq!(fail.code, 1);
}

#[test]
fn a_stored_version_that_returns_to_an_earlier_one_is_a_revert() {
    let store = tempfile::tempdir().unwrap();
    let a = "We never sell your personal information.\n\nWe keep records for six years.\n";
    let b = "We may sell your personal information to advertisers.\n\nWe keep records for six years.\n";
    for (at, text) in [
        ("2017-08-13T00:00:00Z", a),
        ("2017-09-01T00:00:00Z", b),
        ("2017-09-02T00:00:00Z", a),
    ] {
        crate::util::store_version(store.path(), "acme", "privacy-policy", at, text);
    }
    let s = store.path().to_str().unwrap();
    let out = run(orgcheck().args(["diff", "acme", "--store", s, "--fail-on", "meaning"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Reverted: to the version of 2017-08-13"),
        "{}",
        out.stdout
    );
    let out = run(orgcheck().args(["diff", "acme", "--store", s, "--fail-on", "reverted"]));
    assert_eq!(out.code, 1);
    // The step before it is a change in meaning as ever.
    let out = run(orgcheck().args(["diff", "acme", "--store", s, "--to", "latest~1", "--fail-on", "meaning"]));
    assert_eq!(out.code, 1, "{}", out.stdout);
}
