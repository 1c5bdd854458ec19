//! `orgcheck compare`, run as a user runs it.

use crate::util::{assert_error, dir_with, orgcheck, run};
use serde_json::Value;

fn compare_json(args: &[&str]) -> Value {
    let out = run(orgcheck().arg("compare").args(args).args(["--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("valid JSON")
}

fn provider<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no provider {id}"))
}

#[test]
fn table_snapshot() {
    let out = run(orgcheck().arg("compare"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    insta::assert_snapshot!("compare_table", out.stdout);
}

#[test]
fn json_snapshot() {
    let out = run(orgcheck().args(["compare", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("compare_json", out.stdout);
}

#[test]
fn markdown_snapshot() {
    let out = run(orgcheck().args(["compare", "--format", "markdown"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("compare_markdown", out.stdout);
}

#[test]
fn eight_providers_with_all_four_verdicts() {
    let doc = compare_json(&[]);
    assert_eq!(doc["schema_version"], 3);
    let providers = doc["providers"].as_array().unwrap();
    let ids: Vec<&str> = providers.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, *crate::util::PROVIDER_IDS);
    for p in providers {
        let verdicts = p["verdicts"].as_object().unwrap();
        let mut keys: Vec<&str> = verdicts.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["aggregation", "location", "opt-out", "third-party-sharing"]);
        assert_eq!(p["policy_source"]["kind"], "bundled");
        assert_eq!(p["policy_source"]["sha256"].as_str().unwrap().len(), 64);
        assert!(p["policy_source"]["url"].as_str().unwrap().starts_with("http"));
    }
}

/// The article's contradictions: each provider denies sharing in its reply while its policy permits an
/// overlapping practice (Virgin Mobile's narrower denial is tested on its own).
#[test]
fn sharing_contradictions_come_with_their_evidence() {
    let doc = compare_json(&[]);
    let expected = [
        (
            "o2",
            "Customers’ personal information is never sold or disclosed.",
            "We may pass this data to the third parties",
        ),
        (
            "tesco-mobile",
            "Tesco Mobile does not sell or pass on any customer data",
            "We will share your details among Tesco companies",
        ),
    ];
    for (id, said, policy) in expected {
        let p = provider(&doc, id);
        assert_eq!(p["verdicts"]["third-party-sharing"], "contradiction", "{id}");
        let detail = &p["details"]["third-party-sharing"];
        let findings = p["findings"].as_array().unwrap();
        let clauses = |key: &str| -> Vec<String> {
            detail[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    findings[i.as_u64().unwrap() as usize]["clause"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect()
        };
        assert!(
            clauses("statement_evidence").iter().any(|c| c.contains(said)),
            "{id}: {:?}",
            clauses("statement_evidence")
        );
        assert!(
            clauses("policy_evidence").iter().any(|c| c.contains(policy)),
            "{id}: {:?}",
            clauses("policy_evidence")
        );
        for i in detail["statement_evidence"].as_array().unwrap() {
            let f = &findings[i.as_u64().unwrap() as usize];
            assert_eq!(
                (f["side"].as_str(), f["polarity"].as_str()),
                (Some("statement"), Some("negative"))
            );
        }
        assert!(
            detail["reason"]
                .as_str()
                .unwrap()
                .contains("denies third-party-sharing"),
            "{detail}"
        );
    }
    for id in ["ee", "three", "vodafone"] {
        assert_ne!(
            provider(&doc, id)["verdicts"]["third-party-sharing"],
            "contradiction",
            "{id}"
        );
    }
}

#[test]
fn no_reply_is_a_state_not_a_statement() {
    let doc = compare_json(&["giffgaff", "talktalk"]);
    for p in doc["providers"].as_array().unwrap() {
        assert_eq!(p["statements"].as_array().unwrap().len(), 0);
        assert!(p["findings"].as_array().unwrap().iter().all(|f| f["side"] == "policy"));
        for v in p["verdicts"].as_object().unwrap().values() {
            assert_eq!(v, "no-statement");
        }
    }
}

#[test]
fn editorial_notes_are_never_tagged_as_provider_text() {
    let doc = compare_json(&["vodafone"]);
    let p = provider(&doc, "vodafone");
    assert!(
        p["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["text"].as_str().unwrap().starts_with("There was no mention"))
    );
    for f in p["findings"].as_array().unwrap() {
        assert!(!f["clause"].as_str().unwrap().contains("There was no mention"), "{f}");
    }
}

#[test]
fn finding_spans_index_the_normalised_text() {
    let doc = compare_json(&["o2"]);
    let p = provider(&doc, "o2");
    for f in p["findings"].as_array().unwrap() {
        let (start, end) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        let clause = f["clause"].as_str().unwrap();
        assert_eq!(end - start, clause.len());
        assert!(clause.contains(f["evidence"].as_str().unwrap()));
        if f["side"] == "statement" {
            let idx = f["statement"].as_u64().unwrap() as usize;
            let text = p["statements"][idx]["text"].as_str().unwrap();
            assert_eq!(&text[start..end], clause);
        }
    }
}

#[test]
fn selected_providers_keep_the_order_given() {
    let doc = compare_json(&["vodafone", "ee"]);
    let ids: Vec<&str> = doc["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["vodafone", "ee"]);
}

#[test]
fn unknown_provider_is_an_error_listing_known_ones() {
    let out = run(orgcheck().args(["compare", "orange"]));
    assert_error(&out, &["unknown provider `orange`", "o2"]);
    assert!(out.stdout.is_empty());
}

#[test]
fn fail_on_sets_exit_status_one() {
    let out = run(orgcheck().args(["compare", "--fail-on", "contradiction"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("contradiction"));
    let out = run(orgcheck().args(["compare", "ee", "--fail-on", "contradiction,omission"]));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let out = run(orgcheck().args(["compare", "vodafone", "--fail-on", "omission"]));
    assert_eq!(out.code, 1);
    let out = run(orgcheck().args(["compare", "--fail-on", "nonsense"]));
    assert_eq!(out.code, 2);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let out = run(orgcheck().args(["compare", "o2", "--color", "always"]));
    assert!(out.stdout.contains("\x1b[1;31mcontradiction\x1b[0m"), "{}", out.stdout);
    // Not a terminal: auto means no colour.
    let out = run(orgcheck().args(["compare", "o2"]));
    assert!(!out.stdout.contains('\x1b'));
    let out = run(orgcheck().args(["compare", "o2", "--color", "never"]));
    assert!(!out.stdout.contains('\x1b'));
    let out = run(orgcheck().args(["compare", "o2", "--format", "json", "--color", "always"]));
    assert!(!out.stdout.contains('\x1b'));
}

#[test]
fn table_fits_the_width() {
    for width in ["120", "160"] {
        let out = run(orgcheck().args(["compare"]).env("COLUMNS", width));
        let max = out
            .stdout
            .lines()
            .filter(|l| l.starts_with(['┌', '│', '╞', '└']))
            .map(|l| l.chars().count())
            .max()
            .unwrap();
        assert!(max <= width.parse().unwrap(), "width {width}: line of {max}");
        assert!(
            out.stdout.contains("┆ sharing contradiction "),
            "width {width}: a verdict on one line"
        );
        // Piped, the lines under the table stay whole (for grep and scripts); a terminal gets them
        // wrapped between words (`render::tests`).
        assert!(
            out.stdout
                .contains("8 providers: 2 contradictions (O2, Tesco Mobile), 1 narrow denial (Virgin Mobile)")
        );
    }
}

/// Below 120 columns a table's text columns are too narrow to read (eight providers took 300 lines at
/// 80): each provider is a block of its own, its clauses at full width.
#[test]
fn a_narrow_terminal_gets_one_block_per_provider() {
    for width in [60usize, 80, 100] {
        let out = run(orgcheck().args(["compare"]).env("COLUMNS", width.to_string()));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stdout.contains('┆'), "width {width}: a table");
        let blocks: Vec<&str> = out.stdout.split("\n\n").next().unwrap().lines().collect();
        for line in &blocks {
            assert!(line.chars().count() <= width, "width {width}: {line:?}");
        }
        assert_eq!(
            blocks.iter().filter(|l| l.starts_with("── ")).count(),
            8,
            "width {width}"
        );
        // A verdict is never split from its tag, so "opt-out statement-only" cannot read as two.
        let o2 = blocks.iter().position(|l| l.starts_with("── O2 ")).unwrap();
        let verdicts = blocks[o2 + 1..]
            .iter()
            .take_while(|l| !l.starts_with("What "))
            .copied()
            .collect::<Vec<_>>();
        for pair in [
            "aggregation consistent",
            "sharing contradiction",
            "opt-out statement-only",
            "location omission",
        ] {
            assert!(
                verdicts.iter().any(|l| l.contains(pair)),
                "width {width}: {pair} in {verdicts:?}"
            );
        }
        if width == 80 {
            let lines = out.stdout.lines().count();
            assert!(lines <= 150, "{lines} lines at 80 columns");
        }
        assert!(
            out.stdout.contains("Tags: [sharing] is third-party-sharing"),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn closed_pipe_exits_quietly() {
    let bin = assert_cmd::cargo::cargo_bin("orgcheck");
    let script = format!(
        "set -o pipefail; '{}' compare --format json | head -c 10 >/dev/null",
        bin.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "status {:?}, stderr {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn other_providers_directory_and_missing_snapshot() {
    let good = "name = \"Acme\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \
                \"https://acme.example/privacy\"\nsnapshot = \"acme/p.txt\"\n\
                [[statements]]\ntext = \"We never share your data with third parties.\"\nsource = \"letter\"\ndate = \
                                         \"2020\"\n";
    let nosnap = "name = \"Bare\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \"https://bare.example/privacy\"\n";
    let dir = dir_with(&[
        ("acme.toml", good.as_bytes()),
        ("acme/p.txt", b"We may share your data with advertisers."),
        ("bare.toml", nosnap.as_bytes()),
    ]);
    let out = run(orgcheck()
        .args(["compare", "--format", "json", "--only-providers"])
        .arg(dir.path()));
    // Acme is compared; Bare has no policy text: reported, exit 2, the rest still printed.
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("bare.toml: document `privacy-policy` has no snapshot"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("orgcheck fetch bare` with the same --providers") && out.stderr.contains("--store"),
        "{}",
        out.stderr
    );
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["providers"].as_array().unwrap().len(), 1);
    assert_eq!(doc["providers"][0]["verdicts"]["third-party-sharing"], "contradiction");
}

#[test]
fn stored_texts_are_compared_and_missing_ones_fall_back_with_a_note() {
    let store = tempfile::tempdir().unwrap();
    let at = "2026-11-01T00:00:00Z";
    crate::util::store_version(
        store.path(),
        "o2",
        "privacy-policy",
        at,
        "We never share your data with anyone.\n",
    );
    let s = store.path().to_str().unwrap();
    let compare = |extra: &[&str]| {
        let out = run(orgcheck()
            .args(["compare", "o2", "vodafone", "--format", "json", "--store", s])
            .args(extra));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let doc: Value = serde_json::from_str(&out.stdout).unwrap();
        (doc, out.stderr)
    };
    let (doc, stderr) = compare(&[]);
    let o2 = provider(&doc, "o2");
    assert_eq!(o2["policy_source"]["kind"], "store");
    assert_eq!(o2["policy_source"]["retrieved_at"], at);
    // "never sold or disclosed" against "we never share": no contradiction any more.
    assert_eq!(o2["verdicts"]["third-party-sharing"], "consistent");
    assert_eq!(provider(&doc, "vodafone")["policy_source"]["kind"], "bundled");
    assert_eq!(
        stderr.trim_end(),
        format!("orgcheck: vodafone/privacy-policy: not in the store {s}; using the bundled snapshot")
    );
    // The note is information: -q drops it.
    assert_eq!(compare(&["-q"]).1, "");
    // A damaged stored text is a problem to fix: said even with -q, and the snapshot stands in.
    std::fs::write(store.path().join("o2/privacy-policy.txt"), "tampered").unwrap();
    let (doc, stderr) = compare(&["-q"]);
    assert_eq!(provider(&doc, "o2")["policy_source"]["kind"], "bundled");
    assert!(
        stderr.contains("does not match its metadata") && stderr.contains("using the bundled snapshot for o2"),
        "{stderr}"
    );
}

/// A provider declaration with one policy snapshot (`NAME/p.txt`) and one statement.
fn declaration(name: &str, statement: &str) -> String {
    format!(
        "name = \"{name}\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \
         \"https://{name}.example/privacy\"\nsnapshot = \"{name}/p.txt\"\n\
         [[statements]]\ntext = \"{statement}\"\nsource = \"letter\"\ndate = \"2020\"\n"
    )
}

const ENGLISH_DENIAL: &str = "We never share your data with third parties.";

/// Exceptions on both sides: a statement that excepts processors against a policy that shares with
/// processors is consistent; a policy that only denies "except as required by law" permits that.
#[test]
fn exceptions_are_weighed_and_shown() {
    let acme = declaration(
        "acme",
        "We never share your data except with service providers acting on our behalf.",
    );
    let bolt = declaration("bolt", "We never share your data with anyone.");
    let dir = dir_with(&[
        ("acme.toml", acme.as_bytes()),
        (
            "acme/p.txt",
            b"We share your details with service providers who process them on our behalf.",
        ),
        ("bolt.toml", bolt.as_bytes()),
        (
            "bolt/p.txt",
            b"We do not disclose personal information to third parties except as required by law.",
        ),
    ]);
    let args = |format: &str| {
        let mut cmd = orgcheck();
        cmd.args(["compare", "--format", format, "--only-providers"])
            .arg(dir.path());
        let out = run(&mut cmd);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let doc: Value = serde_json::from_str(&args("json")).unwrap();
    let acme = provider(&doc, "acme");
    assert_eq!(acme["verdicts"]["third-party-sharing"], "consistent");
    let said = &acme["findings"][0];
    assert_eq!(
        (said["side"].as_str(), said["polarity"].as_str()),
        (Some("statement"), Some("negative"))
    );
    assert_eq!(said["exceptions"][0]["kind"], "service-providers");
    let bolt = provider(&doc, "bolt");
    assert_eq!(bolt["verdicts"]["third-party-sharing"], "contradiction");
    let reason = bolt["details"]["third-party-sharing"]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("permits it as an exception, legal (“except as required by law”"),
        "{reason}"
    );
    insta::assert_snapshot!("compare_exceptions_table", args("table"));
    insta::assert_snapshot!("compare_exceptions_markdown", args("markdown"));
}

/// Fetched text and provider files are written by strangers: in a Markdown report (an issue body), they
/// must not close or open folds, add images, links or emphasis, or break a table row.
#[test]
fn markdown_reports_escape_hostile_text() {
    let declaration = "name = 'Acme **Bold** </details>'\n[[documents]]\nid = \"privacy-policy\"\n\
        url = \"https://acme.example/privacy|policy?a=(1)\"\nsnapshot = \"acme/p.txt\"\n[[statements]]\n\
        text = 'We never share your data with third parties. </details><details><summary>ok</summary> **HIDDEN** \
        [click](http://evil.example) <img src=x onerror=alert(1)> a|b &lt;b&gt; `code`'\n\
        source = \"letter\"\ndate = \"2020\"\n";
    let policy =
        "We may share your data with advertisers. </details> **FAKE** [more](http://evil.example/2) |x| # head";
    let dir = dir_with(&[("acme.toml", declaration.as_bytes()), ("acme/p.txt", policy.as_bytes())]);
    let out = run(orgcheck()
        .args(["compare", "--format", "markdown", "--only-providers"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = &out.stdout;
    assert!(md.contains("Contradictions"), "the reasons quote both texts: {md}");
    for raw in [
        "</details>",
        "<details>",
        "<summary>",
        "<img",
        "**HIDDEN**",
        "**FAKE**",
        "**Bold**",
        "`code`",
        "&lt;b&gt;",
    ] {
        assert!(!md.contains(raw), "{raw:?} left as markup in:\n{md}");
    }
    // The only link is the policy's own, its target whole.
    let links: Vec<usize> = md
        .match_indices("](")
        .map(|(i, _)| i)
        .filter(|&i| !md[..i].ends_with('\\'))
        .collect();
    assert_eq!(links.len(), 1, "{md}");
    assert!(
        md.contains("[policy](https://acme.example/privacy%7Cpolicy?a=%281%29)"),
        "{md}"
    );
    for row in md.lines().filter(|l| l.starts_with("| **")) {
        let pipes = row
            .char_indices()
            .filter(|&(i, c)| c == '|' && !row[..i].ends_with('\\'))
            .count();
        assert_eq!(pipes, 5, "a row of four cells: {row}");
    }
}

/// A policy in a language orgcheck has no rules for is unreadable, tag by tag, never silent; a German
/// policy is read with the German rules, with no flag.
#[test]
fn a_policy_orgcheck_cannot_read_is_unreadable_and_a_german_one_is_read() {
    let dir = dir_with(&[
        ("polder.toml", declaration("polder", ENGLISH_DENIAL).as_bytes()),
        (
            "polder/p.txt",
            "Uw persoonsgegevens kunnen worden gedeeld met onze commerciële partners en met \
             adverteerders. U kunt op elk moment bezwaar maken tegen de verwerking van uw gegevens."
                .as_bytes(),
        ),
        ("berg.toml", declaration("berg", ENGLISH_DENIAL).as_bytes()),
        (
            "berg/p.txt",
            "Wir geben Ihre Daten an unsere Werbepartner weiter. Sie können der Nutzung Ihrer Daten \
             jederzeit widersprechen."
                .as_bytes(),
        ),
    ]);
    let out = run(orgcheck()
        .args(["compare", "--format", "json", "--only-providers"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let polder = provider(&doc, "polder");
    assert_eq!(polder["policy_source"]["language"], "nl");
    assert_eq!(polder["policy_source"]["read"], false);
    for (tag, verdict) in polder["verdicts"].as_object().unwrap() {
        assert_eq!(verdict, "unreadable", "{tag}");
    }
    let reason = polder["details"]["aggregation"]["reason"].as_str().unwrap();
    assert!(reason.contains("the policy is in Dutch (nl)"), "{reason}");
    let berg = provider(&doc, "berg");
    assert_eq!(berg["policy_source"]["language"], "de");
    assert_eq!(berg["verdicts"]["third-party-sharing"], "contradiction");
    assert_eq!(berg["verdicts"]["opt-out"], "omission");
    let table = run(orgcheck().args(["compare", "--only-providers"]).arg(dir.path())).stdout;
    assert!(table.contains("unreadable"), "{table}");
    // The cell wraps at the table's width; the words are there.
    assert!(
        table.contains("Not read: the policy") && table.contains("Dutch"),
        "{table}"
    );
    assert!(table.contains("1 not read (polder)"), "{table}");
    let markdown = run(orgcheck()
        .args(["compare", "--format", "markdown", "--only-providers"])
        .arg(dir.path()))
    .stdout;
    assert!(
        markdown.contains("_Not read: the policy is in Dutch (nl)"),
        "{markdown}"
    );
}

/// German on both sides is graded as English is: a denial of selling against a permission to pass on is
/// a narrow denial, a denial of passing on is a contradiction.
#[test]
fn german_statements_are_graded_against_german_policies() {
    let policy = "Wir geben Ihre Daten an unsere Werbepartner weiter.".as_bytes();
    let dir = dir_with(&[
        (
            "kauf.toml",
            declaration("kauf", "Wir verkaufen Ihre Daten nicht.").as_bytes(),
        ),
        ("kauf/p.txt", policy),
        (
            "teil.toml",
            declaration("teil", "Wir geben Ihre Daten nicht an Dritte weiter.").as_bytes(),
        ),
        ("teil/p.txt", policy),
    ]);
    let out = run(orgcheck()
        .args(["compare", "--format", "json", "--only-providers"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        provider(&doc, "kauf")["verdicts"]["third-party-sharing"],
        "narrow-denial"
    );
    assert_eq!(
        provider(&doc, "teil")["verdicts"]["third-party-sharing"],
        "contradiction"
    );
}

/// `--baseline` reads an earlier run's JSON and says what moved; `--fail-on changed` makes a CI job fail
/// on it, and on nothing else.
#[test]
fn changes_since_a_baseline_are_reported_and_can_fail_a_job() {
    let mut doc = compare_json(&[]);
    let dir = tempfile::tempdir().unwrap();
    let same = dir.path().join("same.json");
    std::fs::write(&same, doc.to_string()).unwrap();
    let out = run(orgcheck()
        .args(["compare", "--fail-on", "changed", "--baseline"])
        .arg(&same));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Nothing changed since "), "{}", out.stdout);

    // Last time O2's sharing read as consistent and Tesco Mobile had one statement fewer.
    let providers = doc["providers"].as_array_mut().unwrap();
    let o2 = providers.iter_mut().find(|p| p["id"] == "o2").unwrap();
    o2["verdicts"]["third-party-sharing"] = "consistent".into();
    let tesco = providers.iter_mut().find(|p| p["id"] == "tesco-mobile").unwrap();
    tesco["statements"].as_array_mut().unwrap().pop();
    let older = dir.path().join("older.json");
    std::fs::write(&older, doc.to_string()).unwrap();
    let out = run(orgcheck().args(["compare", "--baseline"]).arg(&older));
    assert_eq!(
        out.code, 0,
        "without --fail-on changed, a change is no failure: {}",
        out.stderr
    );
    assert!(
        out.stdout.contains("O2 sharing: contradiction, was consistent (new)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Tesco Mobile: new statement “"), "{}", out.stdout);
    let out = run(orgcheck()
        .args(["compare", "--fail-on", "changed", "--format", "json", "--baseline"])
        .arg(&older));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let now: Value = serde_json::from_str(&out.stdout).unwrap();
    let change = &now["changes"]["verdicts"][0];
    assert_eq!(change["provider"], "o2");
    assert_eq!(change["movement"], "new");
    assert_eq!(change["before"], "consistent");
    let out = run(orgcheck()
        .args(["compare", "--format", "markdown", "--baseline"])
        .arg(&older));
    assert!(out.stdout.contains("### Since "), "{}", out.stdout);
}

#[test]
fn a_bad_baseline_or_a_missing_one_is_an_error() {
    let out = run(orgcheck().args(["compare", "--fail-on", "changed"]));
    assert_error(&out, &["--fail-on changed needs --baseline FILE"]);
    let dir = dir_with(&[("b.json", b"{\n  \"schema_version\": 3,\n  \"providers\": {}\n}\n")]);
    let out = run(orgcheck()
        .args(["compare", "--baseline"])
        .arg(dir.path().join("b.json")));
    assert_error(&out, &["b.json:3:", "orgcheck compare --format json"]);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let out = run(orgcheck()
        .args(["compare", "--baseline"])
        .arg(dir.path().join("none.json")));
    assert_error(&out, &["none.json: cannot read the baseline"]);
}
