//! `orgcheck eval` on a small gold file written for this test.

use crate::util::{assert_error, dir_with, fixture, orgcheck, run};
use serde_json::Value;

fn gold() -> String {
    fixture("eval/gold.jsonl").display().to_string()
}

#[test]
fn json_scores_every_tag() {
    let out = run(orgcheck().args(["eval", "--gold", &gold(), "--format", "json", "--errors", "2"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["schema_version"], 2);
    assert_eq!(doc["records"], 8);
    let tag = |name: &str| {
        doc["tags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["tag"] == name)
            .unwrap()
            .clone()
    };
    let sharing = tag("third-party-sharing");
    assert_eq!(
        (
            sharing["support"].as_u64(),
            sharing["tp"].as_u64(),
            sharing["fp"].as_u64()
        ),
        (Some(2), Some(2), Some(0))
    );
    assert_eq!(sharing["f1"], 1.0);
    // "Write to the Data Protection Officer" is an opt-out the rules do not see: a false negative.
    let opt = tag("opt-out");
    assert_eq!((opt["tp"].as_u64(), opt["fn"].as_u64()), (Some(1), Some(1)));
    assert_eq!(opt["recall"], 0.5);
    // GPS for emergency calls: a location finding the gold file does not have.
    let loc = tag("location");
    assert_eq!((loc["tp"].as_u64(), loc["fp"].as_u64()), (Some(1), Some(1)));
    let errors = doc["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["kind"] == "false-positive" && e["id"] == "p2#3" && e["evidence"] == "GPS")
    );
    assert!(
        errors
            .iter()
            .any(|e| e["kind"] == "false-negative" && e["id"] == "p2#2" && e["line"] == 7)
    );
    // Denials, for the records that say what they deny.
    let denials = &doc["polarity"][0];
    assert_eq!(denials["tag"], "third-party-sharing");
    assert_eq!(
        (denials["support"].as_u64(), denials["found"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(doc["macro"]["f1"].as_f64().unwrap() > 0.0);
}

#[test]
fn table_explains_the_averaged_f1() {
    let out = run(orgcheck().args(["eval", "--gold", &gold(), "--errors", "1"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("8 records from "), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("F1 avg is the mean of the F1 for present and for absent")
    );
    assert!(out.stdout.contains("│ third-party-sharing ┆ 2 "), "{}", out.stdout);
    assert!(out.stdout.contains("no rule fired"), "{}", out.stdout);
}

#[test]
fn a_figure_with_nothing_to_measure_is_not_zero() {
    // Only sharing is labelled and only sharing is found: the other tags have no precision, recall or F1.
    let dir = dir_with(&[(
        "g.jsonl",
        b"{\"id\": \"a\", \"text\": \"We share your data with advertisers.\", \"labels\": [\"third-party-sharing\"]}\n\
          {\"id\": \"b\", \"text\": \"Our offices are in London.\", \"labels\": []}\n",
    )]);
    let gold = dir.path().join("g.jsonl").display().to_string();
    let out = run(orgcheck().args(["eval", "--gold", &gold, "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let tags = doc["tags"].as_array().unwrap();
    let location = tags.iter().find(|t| t["tag"] == "location").unwrap();
    assert!(location["precision"].is_null() && location["recall"].is_null() && location["f1"].is_null());
    assert_eq!(location["f1_absent"], 1.0);
    assert!(location["f1_avg"].is_null());
    // The macro average is sharing's alone, not pulled towards 0 by the tags with nothing to measure.
    assert_eq!(doc["macro"]["f1"], 1.0);
    let table = run(orgcheck().args(["eval", "--gold", &gold]));
    let row = table.stdout.lines().find(|l| l.contains("│ location")).unwrap();
    assert!(row.contains("—") && !row.contains("0.000"), "{row}");
    // A threshold on such a figure fails rather than passing on nothing.
    let gate = run(orgcheck().args(["eval", "--gold", &gold, "--min-f1", "location=0.5"]));
    assert_eq!(gate.code, 1);
    assert!(gate.stderr.contains("location: F1 not measured"), "{}", gate.stderr);
}

#[test]
fn thresholds_set_the_exit_status() {
    let code = |args: &[&str]| {
        run(orgcheck()
            .args(["eval", "--gold", &gold(), "--format", "json"])
            .args(args))
        .code
    };
    assert_eq!(code(&["--min-f1", "0.5"]), 0);
    assert_eq!(code(&["--min-f1", "0.9"]), 1);
    // A tag's own threshold wins over the general one.
    assert_eq!(code(&["--min-f1", "0.9,opt-out=0.6,location=0.6"]), 0);
    assert_eq!(code(&["--min-avg-f1", "third-party-sharing=1.0"]), 0);
    let out = run(orgcheck().args(["eval", "--gold", &gold(), "--min-avg-f1", "location=0.99"]));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("orgcheck: below threshold: location: averaged F1"),
        "{}",
        out.stderr
    );
    let bad = run(orgcheck().args(["eval", "--gold", &gold(), "--min-f1", "sharing=0.5"]));
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("unknown tag `sharing`"), "{}", bad.stderr);
}

#[test]
fn bad_gold_files_are_named_errors() {
    let dir = dir_with(&[
        (
            "bad.jsonl",
            b"{\"id\": 1, \"text\": \"x\", \"labels\": []}\n{\"id\": 2, \"text\": \"y\"}\n",
        ),
        ("empty.jsonl", b"\n"),
    ]);
    let out = run(orgcheck().args(["eval", "--gold"]).arg(dir.path().join("bad.jsonl")));
    assert_error(&out, &["bad.jsonl:2", "missing `labels`"]);
    let out = run(orgcheck().args(["eval", "--gold"]).arg(dir.path().join("empty.jsonl")));
    assert_error(&out, &["empty.jsonl", "no records"]);
    assert_error(
        &run(orgcheck().args(["eval", "--gold", "/no/such.jsonl"])),
        &["/no/such.jsonl"],
    );
}

#[test]
fn gold_from_standard_input() {
    let out = run(orgcheck()
        .args(["eval", "--gold", "-", "--format", "json"])
        .write_stdin(std::fs::read(fixture("eval/gold.jsonl")).unwrap()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["gold"], "-");
}

fn checks() -> String {
    fixture("eval/checks.jsonl").display().to_string()
}

#[test]
fn check_records_are_scored_as_accuracy_and_gated() {
    let json = |args: &[&str]| {
        let out = run(orgcheck()
            .args(["eval", "--gold", &checks(), "--format", "json"])
            .args(args));
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str::<Value>(&out.stdout).unwrap()
    };
    // orgcheck has no Dutch rules: the Dutch denial is missed, and marked as not English.
    let doc = json(&[]);
    assert_eq!(doc["accuracy"], 0.8);
    assert_eq!(doc["accuracy_english"], 1.0);
    assert!(doc.get("tags").unwrap().as_array().unwrap().is_empty());
    let miss = &doc["misses"][0];
    assert_eq!(
        (miss["id"].as_str(), miss["english"].as_bool()),
        (Some("deny-nl"), Some(false))
    );
    // A German denial is read with the German rules without being asked; read as English, it is missed.
    let german = r#"{"id": "de", "text": "Diese Daten werden nicht an Dritte weitergegeben.", "kind": "expect", "tag": "third-party-sharing", "polarity": "negative"}"#;
    for (args, accuracy) in [(&[][..], 1.0), (&["--lang", "en"][..], 0.0)] {
        let out = run(orgcheck()
            .args(["eval", "--gold", "-", "--format", "json"])
            .args(args)
            .write_stdin(german));
        let doc: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(doc["accuracy"], accuracy, "{args:?}");
    }

    let code = |args: &[&str]| run(orgcheck().args(["eval", "--gold", &checks()]).args(args)).code;
    assert_eq!(code(&["--min-accuracy", "0.8"]), 0);
    assert_eq!(code(&["--min-accuracy", "third-party-sharing:negative=0.9"]), 1);
    let out = run(orgcheck().args(["eval", "--gold", &checks(), "--min-accuracy", "0.9"]));
    assert!(
        out.stderr.contains("orgcheck: below threshold: accuracy 0.8000 < 0.9"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("not English"), "{}", out.stdout);
    for (args, needle) in [
        (["--min-accuracy", "opt-out:no=0.5"], "expected TAG:positive"),
        (
            ["--lang", "xx"],
            "no rules for `xx`; embedded languages: en, de, fr, es, it",
        ),
    ] {
        let bad = run(orgcheck().args(["eval", "--gold", &checks()]).args(args));
        assert_eq!(bad.code, 2);
        assert!(bad.stderr.contains(needle), "{}", bad.stderr);
    }
    // F1 thresholds on a file without labels measure nothing: that fails rather than passes.
    assert_eq!(code(&["--min-f1", "0.5"]), 1);
}

/// orgcheck's own German, French, Spanish and Italian sentences (docs/rules.md, "Languages") are read
/// right with no flag: the practices, and the counter-examples that must not be tagged. The one miss
/// left is named: a short Italian sentence whose three function words French and Spanish share, so its
/// language is not told (in a document, the lines around it decide).
#[test]
fn the_sentences_of_each_language_are_read_right_without_a_flag() {
    let files = [
        "de",
        "de-unseen",
        "de-absent",
        "fr",
        "fr-unseen",
        "fr-absent",
        "probe",
        "es",
        "es-unseen",
        "es-absent",
        "it",
        "it-unseen",
        "it-absent",
    ];
    for name in files {
        let gold = fixture(&format!("lang/{name}.jsonl"));
        let out = run(orgcheck().args(["eval", "--format", "json", "--gold"]).arg(&gold));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let doc: Value = serde_json::from_str(&out.stdout).unwrap();
        // A report with no misses has no `misses` list.
        let misses: Vec<&str> = (doc["misses"].as_array().into_iter().flatten())
            .map(|m| m["id"].as_str().unwrap())
            .collect();
        let expected: &[&str] = if name == "it" { &["it-9"] } else { &[] };
        assert_eq!(misses, expected, "{name}: {}", doc["misses"]);
    }
}
