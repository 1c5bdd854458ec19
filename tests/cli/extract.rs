//! `orgcheck extract`: documents, standard input, JSONL batches and bad input.

use crate::util::{assert_error, dir_with, fixture, orgcheck, run};
use serde_json::Value;

#[test]
fn html_table_snapshot() {
    let out = run(orgcheck().arg("extract").arg(fixture("policy.html")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("extract_html_table", out.stdout);
}

#[test]
fn html_json_drops_page_chrome() {
    let out = run(orgcheck()
        .arg("extract")
        .arg(fixture("policy.html"))
        .args(["--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["format"], "html");
    let texts: Vec<&str> = doc["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts[0], "Privacy policy");
    for chrome in [
        "We use cookies",
        "Accept all",
        "Shop",
        "window.analytics",
        "Terms",
        "Example Mobile Ltd",
    ] {
        assert!(!texts.iter().any(|t| t.contains(chrome)), "{chrome} leaked: {texts:?}");
    }
    assert!(
        texts.contains(&"work out your approximate location from the nearest cell site."),
        "{texts:?}"
    );
}

#[test]
fn markdown_jsonl_one_object_per_clause() {
    let out = run(orgcheck()
        .arg("extract")
        .arg(fixture("policy.md"))
        .args(["--format", "jsonl"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<Value> = out.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.len() >= 5);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["index"], i);
    }
    let denial = lines
        .iter()
        .find(|l| l["text"] == "We do not sell your data.")
        .expect("markup stripped");
    assert_eq!(denial["findings"][0]["polarity"], "negative");
    assert_eq!(denial["findings"][0]["tag"], "third-party-sharing");
    let no_opt_out = lines
        .iter()
        .find(|l| l["text"].as_str().unwrap().starts_with("There is no way"))
        .unwrap();
    assert_eq!(no_opt_out["findings"][0]["tag"], "opt-out");
    assert_eq!(no_opt_out["findings"][0]["polarity"], "negative");
    assert!(
        !out.stdout.contains("utm_source"),
        "link targets must not reach the text"
    );
}

#[test]
fn standard_input_is_read_with_dash_or_nothing() {
    for args in [
        &["extract", "-", "--format", "json"][..],
        &["extract", "--format", "json"][..],
    ] {
        let out = run(orgcheck()
            .args(args)
            .write_stdin("We may pass aggregated data to advertisers."));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let doc: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(doc["source"], "-");
        let tags: Vec<&str> = doc["clauses"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["tag"].as_str().unwrap())
            .collect();
        assert_eq!(tags, ["third-party-sharing", "aggregation"]);
    }
}

#[test]
fn input_format_overrides_sniffing() {
    let out = run(orgcheck()
        .args(["extract", "--input-format", "text", "--format", "json"])
        .write_stdin("<p>We share data with partners.</p>"));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["format"], "text");
    assert_eq!(doc["clauses"][0]["text"], "<p>We share data with partners.</p>");
}

#[test]
fn batch_jsonl_streams_records_in_order() {
    let out = run(orgcheck().arg("extract").arg(fixture("records.jsonl")).args([
        "--input-format",
        "jsonl",
        "--format",
        "jsonl",
    ]));
    assert_eq!(out.code, 2, "a malformed line makes the run fail at the end");
    assert!(
        out.stderr.contains("1 malformed line (first at line 3)"),
        "{}",
        out.stderr
    );
    let lines: Vec<Value> = out.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["id"], "a-1");
    assert_eq!(lines[1]["id"], 2);
    assert_eq!(lines[1]["findings"][0]["polarity"], "negative");
    assert_eq!(lines[2]["line"], 3);
    assert!(lines[2]["error"].as_str().unwrap().contains("not valid JSON"));
    assert_eq!(lines[3]["findings"].as_array().unwrap().len(), 0);
    assert_eq!(lines[4]["id"], serde_json::json!(["compound", 4]));
    let f = &lines[4]["findings"];
    assert_eq!(f[0]["tag"], "location");
    assert_eq!(f[1]["tag"], "opt-out");
    assert_eq!(f[1]["polarity"], "negative");
    for key in ["tag", "polarity", "rule", "clause", "start", "end"] {
        assert!(f[0].get(key).is_some(), "missing {key}");
    }
}

#[test]
fn batch_of_good_records_exits_zero() {
    let input = "{\"id\": 1, \"text\": \"We never sell data.\"}\n{\"id\": 2, \"text\": \"Nothing.\"}\n";
    let out = run(orgcheck()
        .args(["extract", "--input-format", "jsonl", "--format", "jsonl"])
        .write_stdin(input));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2);
}

#[test]
fn batch_needs_jsonl_output() {
    let out = run(orgcheck()
        .args(["extract", "--input-format", "jsonl", "--format", "json"])
        .write_stdin("{}"));
    assert_error(&out, &["add --format jsonl"]);
    let out = run(orgcheck()
        .args(["extract", "--input-format", "jsonl"])
        .write_stdin("{\"id\": 1, \"text\": \"x\"}"));
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "{\"id\":1,\"language\":null,\"findings\":[]}\n"),
        "records are written as JSON lines by default"
    );
}

#[test]
fn bad_documents_get_clear_errors() {
    let dir = dir_with(&[
        ("empty.txt", b"   \n\n"),
        ("script.html", b"<html><script>alert(1)</script></html>"),
        ("program.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00"),
    ]);
    let p = |n: &str| dir.path().join(n).display().to_string();
    // (argument, standard input, what the message must say)
    let cases: [(String, &[u8], &[&str]); 6] = [
        (p("empty.txt"), b"", &["empty.txt: empty document"]),
        (p("script.html"), b"", &["script.html: empty document", "HTML"]),
        (p("program.txt"), b"", &["program.txt: binary data, not a document"]),
        (p("missing.txt"), b"", &["missing.txt: cannot open"]),
        (p(""), b"", &["is a directory"]),
        ("-".into(), b"\xff\xfe", &["-: empty document"]),
    ];
    for (arg, stdin, needles) in cases {
        assert_error(&run(orgcheck().args(["extract", &arg]).write_stdin(stdin)), needles);
    }
}

#[test]
fn a_windows_1252_file_reads_like_the_fetched_page() {
    // "We don’t sell your data — café customers can opt out." with Windows-1252 quotes and dashes, and
    // no charset declared anywhere: the bytes alone must say what they are.
    let page = b"<html><body><main><p>We don\x92t sell your data \x97 caf\xe9 customers can opt out at any \
                 time.</p></main></body></html>";
    let dir = dir_with(&[
        ("policy.html", page),
        ("policy.txt", b"Caf\xe9 customers\x92 data is never sold."),
    ]);
    let out = run(orgcheck()
        .args(["extract", "--format", "json"])
        .arg(dir.path().join("policy.html")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        doc["clauses"][0]["text"],
        "We don’t sell your data — café customers can opt out at any time."
    );
    assert_eq!(doc["clauses"][0]["findings"][0]["polarity"], "negative");
    let out = run(orgcheck()
        .arg("extract")
        .arg("--all")
        .arg(dir.path().join("policy.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Café customers’ data is never sold."),
        "{}",
        out.stdout
    );
}

#[test]
fn hostile_html_is_refused_not_hung() {
    let deep = "<div>".repeat(100_000);
    assert_error(
        &run(orgcheck().args(["extract", "--input-format", "html"]).write_stdin(deep)),
        &["nests elements", "refused"],
    );
}

/// Inputs that made the old tagger quadratic or worse ('opt out ' × 8000 took minutes): each must be
/// tagged in time linear in its size. The time limit only stops a regression from hanging the suite;
/// the figures are measured by `bench/hostile.sh`, in release mode.
#[test]
fn hostile_text_is_tagged_in_linear_time() {
    let partners: String = (0..3000)
        .map(|i| format!("Partner{i} (opt out link, location data), "))
        .collect();
    let page = format!("<html><body><main><p>We share data with these partners: {partners}.</p></main></body></html>");
    for (name, input, format) in [
        ("opt out × 8000", "opt out ".repeat(8000), "text"),
        ("partner list", page, "html"),
        (
            "keywords",
            "share location opt out aggregate never ".repeat(5000),
            "text",
        ),
    ] {
        let out = run(orgcheck()
            .args(["extract", "--format", "jsonl", "--input-format", format])
            .timeout(std::time::Duration::from_secs(60))
            .write_stdin(input));
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert!(out.stdout.lines().count() > 1, "{name}: cut into bounded clauses");
        for line in out.stdout.lines() {
            let clause: Value = serde_json::from_str(line).unwrap();
            let text = clause["text"].as_str().unwrap();
            assert!(
                text.len() <= orgcheck::document::segment::MAX_CLAUSE,
                "{name}: {} bytes",
                text.len()
            );
        }
    }
}

#[test]
fn batch_threads_keep_input_order() {
    let mut input = String::new();
    for i in 0..1500 {
        input.push_str(&format!(
            "{{\"id\": {i}, \"text\": \"We never sell data. Record {i} may be shared with partners.\"}}\n"
        ));
    }
    let out = |threads: &str| {
        let o = crate::util::run(
            crate::util::orgcheck()
                .args([
                    "extract",
                    "-",
                    "--input-format",
                    "jsonl",
                    "--format",
                    "jsonl",
                    "--threads",
                    threads,
                ])
                .write_stdin(input.clone()),
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        o.stdout
    };
    let one = out("1");
    assert_eq!(one, out("2"));
    assert_eq!(one, out("7"));
    let ids: Vec<u64> = one
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (0..1500).collect::<Vec<_>>());
}

#[test]
fn denials_show_their_exceptions() {
    let text = "Customer records are never sold or handed on, except where a court orders it.";
    let out = run(orgcheck()
        .args(["extract", "-", "--color", "never"])
        .env("COLUMNS", "300")
        .write_stdin(text));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("[no sharing except legal]"), "{}", out.stdout);
    assert!(out.stdout.contains("legal: “except where a court"), "{}", out.stdout);
    assert!(out.stdout.contains("(the exception)"), "{}", out.stdout);
    let out = run(orgcheck().args(["extract", "-", "--format", "jsonl"]).write_stdin(text));
    let clause: Value = serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    let findings = clause["findings"].as_array().unwrap();
    let denial = findings.iter().find(|f| f["polarity"] == "negative").unwrap();
    assert_eq!(denial["cue"], "never");
    let exception = &denial["exceptions"][0];
    assert_eq!(exception["kind"], "legal");
    let (start, end) = (
        exception["start"].as_u64().unwrap() as usize,
        exception["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], "except where a court orders it");
    assert!(
        findings
            .iter()
            .any(|f| f["excepted"] == true && f["polarity"] == "positive")
    );
}

/// A page with almost no text gets a hint that fits what it is: selectors only for HTML.
#[test]
fn too_little_text_gets_a_hint_that_fits_the_page() {
    use crate::server::{Reply, Server};
    let server = Server::start(|req, _| match req.path.as_str() {
        "/shell.html" => Reply::ok(
            "text/html",
            "<html><body><div id=\"app\">Loading…</div><script src=\"/bundle.js\"></script></body></html>",
        ),
        _ => Reply::ok("text/plain", "Page moved."),
    });
    let out = run(orgcheck().args(["extract", &server.url("/shell.html")]));
    assert_error(&out, &["characters of text", "built by scripts", "--select"]);
    let out = run(orgcheck().args(["extract", &server.url("/moved.txt")]));
    assert_error(&out, &["characters of text", "almost no text", "error page"]);
    assert!(
        !out.stderr.contains("select"),
        "plain text has no selectors: {}",
        out.stderr
    );
}

/// A `.jsonl` file is a stream of records without `--input-format`, and its results are JSON lines
/// without `--format`; ids come back exactly as given, after a byte order mark.
#[test]
fn a_jsonl_file_is_read_as_records_by_its_name() {
    let dir = dir_with(&[(
        "corpus.jsonl",
        "\u{FEFF}{\"id\": 123456789012345678901234567890, \"text\": \"We may sell your data to advertisers.\"}\n\
         {\"id\": \"b\", \"text\": \"Nothing.\"}\n"
            .as_bytes(),
    )]);
    let out = run(orgcheck().arg("extract").arg(dir.path().join("corpus.jsonl")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines[0].starts_with("{\"id\":123456789012345678901234567890,"),
        "{}",
        lines[0]
    );
    let first: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["findings"][0]["tag"], "third-party-sharing");
    // Asked for a table, records still cannot be one.
    let out = run(orgcheck()
        .args(["extract", "--format", "table"])
        .arg(dir.path().join("corpus.jsonl")));
    assert_error(&out, &["add --format jsonl"]);
    // Told to read it as text, it is one document.
    let out = run(orgcheck()
        .args(["extract", "--input-format", "text", "--format", "json"])
        .arg(dir.path().join("corpus.jsonl")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("\"schema_version\""), "{}", out.stdout);
}

/// A user's rule may match a whole page: the table quotes a cut of the evidence, as compare does, so
/// laying it out stays quick; JSON keeps it whole.
#[test]
fn long_evidence_is_cut_in_the_table() {
    let rules =
        "[[rule]]\nid = \"everything\"\ntag = \"location\"\ndescription = \"x\"\npatterns = ['''we(?:\\s+share)+''']\n";
    let text = format!("we{}.", " share".repeat(20_000));
    let dir = dir_with(&[("r.toml", rules.as_bytes()), ("p.txt", text.as_bytes())]);
    let args = |format: &str| {
        run(orgcheck()
            .args(["extract", "--format", format, "--rules"])
            .arg(dir.path().join("r.toml"))
            .arg(dir.path().join("p.txt")))
    };
    let table = args("table");
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.len() < 3_000, "{} bytes of table", table.stdout.len());
    assert!(
        table.stdout.contains("everything") && table.stdout.contains('…'),
        "{}",
        table.stdout
    );
    let json: Value = serde_json::from_str(&args("json").stdout).unwrap();
    let whole = json["clauses"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "everything")
        .unwrap();
    assert!(
        whole["evidence"].as_str().unwrap().len() > 4_000,
        "{}",
        whole["evidence"]
    );
}

/// Random bytes served as `text/html` are not a policy, on any path: a page, a file, a record.
#[test]
fn binary_data_is_refused_whatever_it_claims_to_be() {
    use crate::server::{Reply, Server};
    // Bytes spread evenly over 0..=255, as random data is, but reproducible.
    let noise: Vec<u8> = (0..40_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let body = noise.clone();
    let server = Server::start(move |_, _| Reply::ok("text/html; charset=windows-1252", body.clone()));
    let out = run(orgcheck().args(["extract", &server.url("/p")]));
    assert_error(&out, &["binary data"]);
    let dir = dir_with(&[
        ("noise.html", &noise),
        (
            "stray.html",
            b"<p>We may share your data with advertisers \x01on an aggregated basis, and you can opt out at any time \
              in settings.</p>",
        ),
    ]);
    assert_error(
        &run(orgcheck().arg("extract").arg(dir.path().join("noise.html"))),
        &["binary data"],
    );
    let stray = run(orgcheck()
        .args(["extract", "--format", "json"])
        .arg(dir.path().join("stray.html")));
    assert_eq!(
        stray.code, 0,
        "one stray control byte is still a page: {}",
        stray.stderr
    );
    let records = "{\"id\": 1, \"text\": \"\\u0001\\u0002\\u0003\\ufffd\\ufffd\\u0004 ab\"}\n";
    let out = run(orgcheck()
        .args(["extract", "--input-format", "jsonl"])
        .write_stdin(records));
    assert_eq!(out.code, 2);
    assert!(out.stdout.contains("binary data, not a document"), "{}", out.stdout);
}

/// A local document has a size limit, as a download has: past it, a clear refusal, not a huge heap.
#[test]
fn a_local_document_over_the_limit_is_refused() {
    let big = "<p><span>We</span> <span>share</span></p>\n".repeat(300_000);
    assert!(big.len() > 8 << 20);
    let dir = dir_with(&[("big.html", big.as_bytes())]);
    let out = run(orgcheck().arg("extract").arg(dir.path().join("big.html")));
    assert_error(&out, &["big.html", "more than 8 MB", "JSONL record"]);
    let out = run(orgcheck().args(["extract", "-"]).write_stdin(big));
    assert_error(&out, &["more than 8 MB"]);
}

/// The table shows the first rows of a huge document and says how to get all of them.
#[test]
fn a_huge_table_is_cut_with_a_note() {
    let text = "We may share your data with advertisers.\n\n".repeat(2_500);
    let out = run(orgcheck().args(["extract", "--format", "table", "-"]).write_stdin(text));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("The first 2000 rows are shown, 500 more are not: --format json or jsonl"),
        "{}",
        &out.stdout[out.stdout.len().saturating_sub(400)..]
    );
    assert!(out.stdout.contains("2500 of 2500 clauses tagged."));
}

#[test]
fn each_text_is_read_in_its_language_and_an_unknown_one_is_named() {
    let read = |args: &[&str], text: &str| {
        run(orgcheck()
            .args(["extract", "--format", "json", "-"])
            .args(args)
            .write_stdin(text.to_string()))
    };
    let german =
        "Darüber hinaus geben wir keine Daten an Dritte weiter, es sei denn, wir sind gesetzlich dazu verpflichtet.";
    let out = read(&[], german);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        (doc["language"].as_str(), doc["read"].as_bool()),
        (Some("de"), Some(true))
    );
    let finding = &doc["clauses"][0]["findings"][0];
    assert_eq!(
        (finding["tag"].as_str(), finding["polarity"].as_str()),
        (Some("third-party-sharing"), Some("negative"))
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // `--lang en` reads it as English, which finds nothing.
    let doc: Value = serde_json::from_str(&read(&["--lang", "en"], german).stdout).unwrap();
    assert!(doc["clauses"][0]["findings"].as_array().unwrap().is_empty());

    let dutch = "Wij verkopen uw persoonsgegevens niet aan derden en delen ze niet met onze partners.";
    let out = read(&[], dutch);
    assert_eq!(out.code, 0);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        (doc["language"].as_str(), doc["read"].as_bool()),
        (Some("nl"), Some(false))
    );
    assert!(
        out.stderr
            .contains("orgcheck: - is in Dutch (nl); orgcheck has no Dutch rules, so nothing was read"),
        "{}",
        out.stderr
    );
    let table = run(orgcheck().args(["extract", "-"]).write_stdin(dutch)).stdout;
    assert!(table.contains("Not read: the text is in Dutch (nl)"), "{table}");

    let records = format!("{{\"id\": 1, \"text\": \"{dutch}\"}}\n{{\"id\": 2, \"text\": \"We sell your data.\"}}\n");
    let out = run(orgcheck()
        .args(["extract", "--input-format", "jsonl", "-"])
        .write_stdin(records));
    let lines: Vec<Value> = out.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(
        (lines[0]["language"].as_str(), lines[0]["read"].as_bool()),
        (Some("nl"), Some(false))
    );
    assert_eq!(
        (lines[1]["language"].as_str(), lines[1].get("read")),
        (Some("en"), None)
    );
}

#[test]
fn escape_sequences_in_a_text_are_shown_never_sent() {
    // Enough ordinary text around the escapes that the input is a document, not binary data.
    let hostile = format!(
        "{}We may pass your data to advertisers.\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e} Done.\n",
        "We keep your account records for six years after you leave, as the law asks of us.\n".repeat(12)
    );
    let hostile = hostile.as_str();
    for args in [
        &["extract", "-", "--format", "table", "--color", "always", "--all"][..],
        &["extract", "-", "--format", "table", "--color", "never", "--all"][..],
    ] {
        let out = run(orgcheck().args(args).write_stdin(hostile));
        assert_eq!(out.code, 0, "{}", out.stderr);
        for raw in ["\u{1b}]", "\u{7}", "\u{1b}[2J", "\u{202e}"] {
            assert!(!out.stdout.contains(raw), "{args:?}: {raw:?} in {}", out.stdout);
        }
        // Reading turns C0 controls into spaces; what is left to show, a bidi override, shows.
        assert!(out.stdout.contains("[U+202E]"), "{args:?}: {}", out.stdout);
    }
    // The same text as a change, in the formats a CI job posts.
    let dir = dir_with(&[
        ("old.txt", b"We keep your data safe.\n"),
        ("new.txt", hostile.as_bytes()),
    ]);
    for format in ["markdown", "github", "table"] {
        let out = run(orgcheck()
            .current_dir(dir.path())
            .args(["diff", "old.txt", "new.txt", "--format", format]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        for raw in ["\u{1b}", "\u{7}", "\u{202e}"] {
            assert!(!out.stdout.contains(raw), "{format}: {raw:?} in {}", out.stdout);
        }
    }
}
