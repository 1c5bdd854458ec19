//! `extract --input-format warc`: web archives written for these tests (tests/fixtures/warc), plain and
//! gzip-per-record, with records to leave out, encoded bodies and a truncated last record.

use serde_json::Value;

use crate::util::{fixture, orgcheck, run};

fn lines(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn response_records_are_tagged_with_their_uri_and_date() {
    let out = run(orgcheck()
        .args(["extract", "--input-format", "warc", "--format", "jsonl"])
        .arg(fixture("warc/crawl.warc")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let records = lines(&out.stdout);
    let ids: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r["id"]["uri"].as_str().unwrap(), r["id"]["date"].as_str().unwrap()))
        .collect();
    // The HTML page, the Windows-1252 text, and the chunked, gzip-encoded page; not the warcinfo and
    // request records, the PNG or the 404.
    assert_eq!(
        ids,
        [
            ("https://a.example/privacy", "2024-03-01T12:00:00Z"),
            ("https://b.example/notice.txt", "2024-03-02T08:30:00Z"),
            ("https://c.example/privacy", "2024-03-03T09:00:00Z"),
        ]
    );
    assert!(
        out.stderr.contains(
            "3 response records tagged, 0 failed; left out: 1 warcinfo record, 1 request record, 1 \
                             image/png, 1 HTTP status 404"
        ),
        "{}",
        out.stderr
    );
    let tags = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{}:{}", f["tag"].as_str().unwrap(), f["polarity"].as_str().unwrap()))
            .collect()
    };
    // The main content only: the script's "we sell everything" never reaches the text.
    assert_eq!(tags(&records[0]), tags(&records[2]), "the encoded copy reads the same");
    assert!(
        tags(&records[0]).contains(&"third-party-sharing:negative".to_string()),
        "{:?}",
        tags(&records[0])
    );
    assert!(!records[0].to_string().contains("sell everything"), "{}", records[0]);
    let clause = records[1]["findings"][0]["clause"].as_str().unwrap();
    assert!(clause.contains("location data"), "{clause}");
    assert!(clause.contains("app’s map"), "Windows-1252 is decoded: {}", records[1]);
}

#[test]
fn gzip_per_record_and_a_truncated_last_record() {
    let out = run(orgcheck()
        .args(["extract", "--input-format", "warc", "--format", "jsonl"])
        .arg(fixture("warc/crawl-truncated.warc.gz")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let records = lines(&out.stdout);
    assert_eq!(records.len(), 4, "three tagged, then the error line");
    assert_eq!(records[0]["id"]["uri"], "https://a.example/privacy");
    assert_eq!(records[3]["record"], 8);
    let error = records[3]["error"].as_str().unwrap();
    assert!(
        error.contains("record 8 (https://d.example/privacy) is truncated"),
        "{error}"
    );
    assert!(
        out.stderr.contains("the records before it were tagged"),
        "{}",
        out.stderr
    );
    // Gzip undone, the same lines as the plain file for the records both hold.
    let plain = run(orgcheck()
        .args(["extract", "--input-format", "warc", "--format", "jsonl"])
        .arg(fixture("warc/crawl.warc")));
    assert_eq!(lines(&plain.stdout)[..], records[..3]);
}

#[test]
fn warc_input_is_refused_where_it_does_not_fit() {
    let warc = fixture("warc/crawl.warc");
    let out = run(orgcheck()
        .args(["extract", "--input-format", "warc", "--format", "table"])
        .arg(&warc));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("add --format jsonl"), "{}", out.stderr);
    let out = run(orgcheck().args([
        "extract",
        "--input-format",
        "warc",
        "--format",
        "jsonl",
        "https://a.example/x.warc",
    ]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not a URL"), "{}", out.stderr);
    let out = run(orgcheck().args(["lint", "--input-format", "warc"]).arg(&warc));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("[possible values: auto, text, markdown, html, jsonl]"),
        "lint does not offer warc: {}",
        out.stderr
    );
    let out = run(orgcheck()
        .args(["extract", "--input-format", "warc", "--format", "jsonl"])
        .arg(fixture("policy.html")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.contains("expected a `WARC/1.x` line"), "{}", out.stdout);
}
