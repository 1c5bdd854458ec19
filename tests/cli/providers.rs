//! `orgcheck providers` and `orgcheck rules`, and every kind of bad declaration.

use crate::util::{assert_error, dir_with, orgcheck, run};
use serde_json::Value;

#[test]
fn lists_bundled_providers() {
    let out = run(orgcheck().arg("providers"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("providers_table", out.stdout);
    let out = run(orgcheck().args(["providers", "--format", "json"]));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["providers"].as_array().unwrap().len(), 8);
    assert_eq!(
        doc["providers"][0]["documents"][0]["snapshot"],
        "ee/privacy-policy-2014.txt"
    );
}

#[test]
fn check_passes_on_bundled_and_repository_providers() {
    let out = run(orgcheck().args(["providers", "--check"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "bundled providers: ok: 8 providers, 8 documents, 6 statements\n"
    );
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/providers");
    let out = run(orgcheck().args(["providers", "--check", dir]));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

const DOC: &str = "[[documents]]\nid = \"privacy-policy\"\nurl = \"https://acme.example/privacy\"\n";

fn check(files: &[(&str, &[u8])]) -> (crate::util::Output, String) {
    let dir = dir_with(files);
    let out = run(orgcheck().args(["providers", "--check"]).arg(dir.path()));
    let shown = dir.path().display().to_string();
    (out, shown)
}

#[test]
fn malformed_toml_names_file_and_line() {
    let (out, dir) = check(&[("acme.toml", b"name = \"Acme\"\n[[documents]\nid = 1\n")]);
    assert_error(&out, &[&format!("{dir}/acme.toml:2:")]);
}

#[test]
fn unknown_field_names_the_field_and_line() {
    let src = format!("name = \"Acme\"\n{DOC}snapshoot = \"x.txt\"\n");
    let (out, dir) = check(&[("acme.toml", src.as_bytes())]);
    assert_error(
        &out,
        &[
            &format!("{dir}/acme.toml:5: field `snapshoot`: unknown field"),
            "`snapshot`",
        ],
    );
}

/// TOML reads an unquoted date as a date, which serde reports as "a map": the message names the field and
/// shows the line to write.
#[test]
fn an_unquoted_date_names_the_field_and_the_fix() {
    let src =
        format!("name = \"Acme\"\n{DOC}\n[[statements]]\ntext = \"We never sell your data.\"\ndate = 2025-04-02\n");
    let (out, dir) = check(&[("acme.toml", src.as_bytes())]);
    assert_error(
        &out,
        &[
            &format!("{dir}/acme.toml:"),
            "field `date`",
            "write `date = \"2025-04-02\"`, quoted",
        ],
    );
    assert!(!out.stderr.contains("map"), "{}", out.stderr);
}

#[test]
fn missing_field_is_named() {
    let (out, dir) = check(&[("acme.toml", b"[[documents]]\nid = \"p\"\nurl = \"https://a.example\"\n")]);
    assert_error(
        &out,
        &[&format!("{dir}/acme.toml:1: field `name`: required but missing")],
    );
}

#[test]
fn duplicate_document_id() {
    let src = format!("name = \"Acme\"\n{DOC}{DOC}");
    let (out, dir) = check(&[("acme.toml", src.as_bytes())]);
    assert_error(
        &out,
        &[&format!(
            "{dir}/acme.toml:6: field `documents.id`: duplicate document id `privacy-policy` (first at line 3)"
        )],
    );
}

#[test]
fn bad_urls() {
    for (url, msg) in [
        ("ftp://acme.example/p", "is a ftp URL"),
        ("acme.example/privacy", "is not a valid URL"),
        ("https://", ""),
    ] {
        let src = format!("name = \"Acme\"\n[[documents]]\nid = \"p\"\nurl = \"{url}\"\n");
        let (out, dir) = check(&[("acme.toml", src.as_bytes())]);
        assert_error(&out, &[&format!("{dir}/acme.toml:4: field `documents.url`"), msg]);
    }
}

#[test]
fn missing_snapshot_file() {
    let src = format!("name = \"Acme\"\n{DOC}snapshot = \"acme/policy.txt\"\n");
    let (out, dir) = check(&[("acme.toml", src.as_bytes())]);
    assert_error(
        &out,
        &[&format!(
            "{dir}/acme.toml:5: field `documents.snapshot`: snapshot file `{dir}/acme/policy.txt` does not exist"
        )],
    );
}

#[test]
fn snapshot_outside_the_directory_is_refused() {
    let src = format!("name = \"Acme\"\n{DOC}snapshot = \"../../etc/passwd\"\n");
    let (out, _) = check(&[("acme.toml", src.as_bytes())]);
    assert_error(&out, &["must be a path inside the providers directory"]);
}

#[test]
fn non_utf8_declaration_and_snapshot() {
    let (out, dir) = check(&[("acme.toml", b"name = \"Acm\xe9\"\n")]);
    assert_error(&out, &[&format!("{dir}/acme.toml: not valid UTF-8")]);
    let src = format!("name = \"Acme\"\n{DOC}snapshot = \"acme/p.txt\"\n");
    let (out, _) = check(&[("acme.toml", src.as_bytes()), ("acme/p.txt", b"caf\xe9")]);
    assert_error(&out, &["acme/p.txt: not valid UTF-8"]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let bad_url = "name = \"B\"\n[[documents]]\nid = \"p\"\nurl = \"mailto:x@y.z\"\n";
    let bad_date = format!("name = \"C\"\n{DOC}[[statements]]\ntext = \"t\"\nsource = \"s\"\ndate = \"yesterday\"\n");
    let (out, dir) = check(&[("b.toml", bad_url.as_bytes()), ("c.toml", bad_date.as_bytes())]);
    assert_error(
        &out,
        &[
            &format!("{dir}/b.toml:4: field `documents.url`"),
            &format!("{dir}/c.toml:8: field `statements.date`"),
        ],
    );
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    assert!(out.stderr.lines().all(|l| l.starts_with("orgcheck: ")));
}

#[test]
fn missing_or_empty_directory() {
    let out = run(orgcheck().args(["providers", "--check", "/nonexistent/orgcheck-providers"]));
    assert_error(
        &out,
        &["/nonexistent/orgcheck-providers: cannot read the providers directory"],
    );
    let dir = dir_with(&[]);
    let out = run(orgcheck().args(["compare", "--only-providers"]).arg(dir.path()));
    assert_error(&out, &["no provider files (*.toml)"]);
    // Beside the bundled set, an empty directory adds nothing, and a missing one is a mistake.
    let out = run(orgcheck()
        .args(["providers", "--format", "json", "--providers"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(orgcheck().args(["compare", "--providers", "/nonexistent/orgcheck-providers"]));
    assert_error(
        &out,
        &["/nonexistent/orgcheck-providers: cannot read the providers directory"],
    );
}

#[test]
fn rules_list_and_json() {
    let out = run(orgcheck().args(["rules", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let rules = doc["rules"].as_array().unwrap();
    for tag in ["aggregation", "third-party-sharing", "opt-out", "location"] {
        assert!(rules.iter().any(|r| r["tag"] == tag), "{tag}");
    }
    // Patterns are shown as written: Rust regex syntax, or a name of ontology concepts expanded at load.
    let names =
        regex::Regex::new(r"\{(?:action|identifiability|data|recipient|purpose|grammar)(?::[a-z_,!-]+)?\}").unwrap();
    for r in rules {
        for p in r["patterns"].as_array().unwrap() {
            let written = names.replace_all(p.as_str().unwrap(), "concept");
            regex::Regex::new(&written).expect("patterns are Rust regex syntax");
        }
    }
    let location = rules.iter().find(|r| r["id"] == "location-data").unwrap();
    assert_eq!(location["patterns"][0], "{data:location}");
    let out = run(orgcheck().arg("rules"));
    assert!(out.stdout.contains("location-data"));
}

fn rule(id: &str, tag: &str, pattern: &str) -> String {
    format!("[[rule]]\nid = \"{id}\"\ntag = \"{tag}\"\ndescription = \"test rule\"\npatterns = ['''{pattern}''']\n")
}

#[test]
fn extra_rules_add_or_replace() {
    let dir = dir_with(&[("mine.toml", rule("postcode", "location", r"\bpostcode\b").as_bytes())]);
    let file = dir.path().join("mine.toml");
    let text = "We use your postcode. We sell your data.";
    let out = run(orgcheck()
        .args(["extract", "--format", "json", "--rules"])
        .arg(&file)
        .write_stdin(text));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["clauses"][0]["findings"][0]["rule"], "postcode");
    assert_eq!(doc["clauses"][1]["findings"].as_array().unwrap().len(), 1);
    let out = run(orgcheck()
        .args(["extract", "--format", "json", "--replace-rules", "--rules"])
        .arg(&file)
        .write_stdin(text));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        doc["clauses"][1]["findings"].as_array().unwrap().len(),
        0,
        "defaults replaced"
    );
}

#[test]
fn a_users_sequence_rule_tags_with_the_ontologys_terms() {
    let src = "version = 2\n[[rule]]\nid = \"handed-to\"\ntag = \"third-party-sharing\"\n\
               description = \"Data handed to a recipient\"\n\
               sequences = [\"{data} …4 <handed> to {grammar:determiners}* {recipient}\"]\n\
               examples = [\"Your details are handed to the publisher.\"]\n\
               counter_examples = [\"Your details are handed to you.\"]\n";
    let dir = dir_with(&[("mine.toml", src.as_bytes())]);
    let out = run(orgcheck()
        .args(["extract", "--format", "json", "--replace-rules", "--rules"])
        .arg(dir.path().join("mine.toml"))
        .arg("-")
        .write_stdin("Your details are never handed to any advertiser."));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let finding = &doc["clauses"][0]["findings"][0];
    assert_eq!(finding["rule"], "handed-to");
    assert_eq!(finding["polarity"], "negative", "the denial reaches the marked step");
    assert_eq!(finding["evidence"], "Your details are never handed to any advertiser");
}

#[test]
fn invalid_rules_are_clear_errors() {
    let cases = [
        (
            rule("broken", "location", "(unclosed"),
            "mine.toml:5: field `patterns`: bad regex: unclosed group",
        ),
        (
            rule("psychic", "telepathy", "x"),
            "mine.toml:3: field `tag`: unknown tag `telepathy`",
        ),
        (
            rule("location-data", "location", "x"),
            "mine.toml:2: field `id`: duplicate rule id `location-data` (first defined in rules/default.toml)",
        ),
        (
            "[[rule]]\nid = \"x\"\n".to_string(),
            "mine.toml:1: field `tag`: required but missing",
        ),
        ("[[rule]\n".to_string(), "mine.toml:1:"),
        (
            "[[rule]]\nid = \"seq\"\ntag = \"location\"\ndescription = \"d\"\nsequences = [\"to,with {recipient}\"]\n"
                .to_string(),
            "mine.toml:5: field `sequences`: `to,with`: a word step is letters and digits",
        ),
        (
            "[[rule]]\nid = \"seq\"\ntag = \"location\"\ndescription = \"d\"\nsequences = [\"{recipient:sell}\"]\n"
                .to_string(),
            "`{recipient:sell}`: the ontology has no recipient concept `sell` (`sell` is a action concept",
        ),
        (
            "[[rule]]\nid = \"none\"\ntag = \"location\"\ndescription = \"d\"\n".to_string(),
            "mine.toml:2: field `patterns`: a rule needs at least one pattern or sequence",
        ),
    ];
    for (src, needle) in cases {
        let dir = dir_with(&[("mine.toml", src.as_bytes())]);
        let out = run(orgcheck()
            .args(["compare", "--rules"])
            .arg(dir.path().join("mine.toml")));
        assert_error(&out, &[needle]);
    }
    let out = run(orgcheck().args(["rules", "--rules", "/nonexistent/rules.toml"]));
    assert_error(&out, &["/nonexistent/rules.toml: cannot read rules file"]);
}

#[test]
fn help_and_version() {
    let out = run(orgcheck().arg("--help"));
    assert_eq!(out.code, 0);
    for cmd in ["compare", "extract", "providers", "rules"] {
        assert!(out.stdout.contains(cmd));
    }
    let out = run(orgcheck().arg("--version"));
    assert_eq!(out.stdout, format!("orgcheck {}\n", env!("CARGO_PKG_VERSION")));
    let out = run(orgcheck().arg("--bogus"));
    assert_eq!(out.code, 2);
}

/// Provider files come from pull requests: a snapshot, or a provider file, that is a link out of the
/// providers directory is refused, and what it points to is never printed. Links inside it are fine.
#[cfg(unix)]
#[test]
fn links_out_of_the_providers_directory_are_refused() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "SECRET: we share everything with everyone, the whole of it.").unwrap();
    let declaration = "name = \"Acme\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \
                       \"https://acme.example/p\"\nsnapshot = \"acme/p.txt\"\n";
    let dir = dir_with(&[("acme.toml", declaration.as_bytes())]);
    std::fs::create_dir(dir.path().join("acme")).unwrap();
    symlink(&secret, dir.path().join("acme/p.txt")).unwrap();
    for args in [&["compare", "--format", "json"][..], &["providers", "--check"]] {
        let out = run(orgcheck().args(args).arg("--providers").arg(dir.path()));
        assert_ne!(out.code, 0, "{args:?}");
        assert!(
            out.stderr.contains("outside the providers directory"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            !out.stdout.contains("SECRET") && !out.stderr.contains("SECRET"),
            "{}",
            out.stdout
        );
    }

    // A provider file that is itself a link out.
    let other = dir_with(&[]);
    std::fs::write(outside.path().join("evil.toml"), declaration).unwrap();
    symlink(outside.path().join("evil.toml"), other.path().join("evil.toml")).unwrap();
    let out = run(orgcheck().args(["compare", "--providers"]).arg(other.path()));
    assert_error(&out, &["evil.toml", "outside the providers directory"]);

    // A link to a file inside the directory is an ordinary snapshot.
    std::fs::remove_file(dir.path().join("acme/p.txt")).unwrap();
    std::fs::write(
        dir.path().join("acme/real.txt"),
        "We may share your data with advertisers.",
    )
    .unwrap();
    symlink("real.txt", dir.path().join("acme/p.txt")).unwrap();
    let out = run(orgcheck()
        .args(["compare", "--format", "json", "--providers"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// A user's rules that can never fire, or that break their own examples, are refused at load time with
/// the file and the rule named.
#[test]
fn rules_that_cannot_keep_their_word_are_refused() {
    let rule = |patterns: &str, examples: &str, counter: &str| {
        format!(
            "[[rule]]\nid = \"mine\"\ntag = \"location\"\ndescription = \"x\"\npatterns = [{patterns}]\nexamples = \
             [{examples}]\ncounter_examples = [{counter}]\n"
        )
    };
    let empty_pattern = rule("''", "", "");
    let bad_example = rule(
        "'''\\bgeofenc\\w*'''",
        "\"We use geofencing.\", \"We track your phone.\"",
        "",
    );
    let bad_counter = rule(
        "'''\\bgeofenc\\w*'''",
        "\"We use geofencing.\"",
        "\"No geofences here.\"",
    );
    let good = rule("'''\\bgeofenc\\w*'''", "\"We use geofencing.\"", "\"We use fences.\"");
    let dir = dir_with(&[
        ("empty-pattern.toml", empty_pattern.as_bytes()),
        ("bad-example.toml", bad_example.as_bytes()),
        ("bad-counter.toml", bad_counter.as_bytes()),
        ("good.toml", good.as_bytes()),
        ("nothing.toml", b"# nothing yet\n"),
    ]);
    let with = |file: &str, replace: bool| {
        let mut cmd = orgcheck();
        cmd.args(["rules", "--format", "json", "--rules"])
            .arg(dir.path().join(file));
        if replace {
            cmd.arg("--replace-rules");
        }
        run(&mut cmd)
    };
    assert_error(
        &with("empty-pattern.toml", false),
        &["empty-pattern.toml:5", "matches only the empty string"],
    );
    assert_error(
        &with("bad-example.toml", false),
        &[
            "bad-example.toml",
            "rule `mine` examples",
            "\"We track your phone.\" is not tagged location",
        ],
    );
    assert_error(
        &with("bad-counter.toml", false),
        &[
            "rule `mine` counter_examples",
            "\"No geofences here.\" is tagged by the rule",
        ],
    );
    assert_error(&with("nothing.toml", false), &["nothing.toml", "defines nothing"]);
    assert_error(&with("nothing.toml", true), &["nothing.toml", "defines nothing"]);
    let out = with("good.toml", true);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["rules"].as_array().unwrap().len(), 1);
}

#[test]
fn your_providers_join_the_bundled_ones_and_a_new_one_is_valid_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine");
    let out = run(orgcheck().args(["providers", "new", "acme", "--providers"]).arg(&mine));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim_end(), mine.join("acme.toml").display().to_string());
    assert!(out.stderr.contains("set its `url`"), "{}", out.stderr);
    let out = run(orgcheck().args(["providers", "--check"]).arg(&mine));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.ends_with("ok: 1 provider, 1 document, 0 statements\n"),
        "{}",
        out.stdout
    );
    // Written once: a second `new` never overwrites it.
    let again = run(orgcheck().args(["providers", "new", "acme", "--providers"]).arg(&mine));
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already declared"), "{}", again.stderr);

    // A directory holding only acme still compares o2, from the bundled set; --only-providers does not.
    let out = run(orgcheck()
        .args(["compare", "o2", "--format", "json", "--providers"])
        .arg(&mine));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["providers"][0]["id"], "o2");
    let out = run(orgcheck()
        .args(["providers", "--format", "json", "--providers"])
        .arg(&mine));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["providers"].as_array().unwrap().len(), 9);
    let out = run(orgcheck().args(["compare", "o2", "--only-providers"]).arg(&mine));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown provider `o2`; known providers: acme"),
        "{}",
        out.stderr
    );
    let out = run(orgcheck().arg("providers").env("ORGCHECK_PROVIDERS", &mine));
    assert!(out.stdout.contains("acme"), "{}", out.stdout);

    // An id of the bundled set is replaced, and its snapshot is labelled as yours.
    let o2 = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/providers/o2.toml")).unwrap();
    std::fs::write(
        mine.join("o2.toml"),
        o2.replacen("name = \"O2\"", "name = \"O2 UK\"", 1),
    )
    .unwrap();
    std::fs::create_dir_all(mine.join("o2")).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/providers/o2/privacy-policy-2014.txt"),
        mine.join("o2/privacy-policy-2014.txt"),
    )
    .unwrap();
    let out = run(orgcheck()
        .args(["compare", "o2", "--format", "json", "--providers"])
        .arg(&mine));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["providers"][0]["name"], "O2 UK");
    assert_eq!(doc["providers"][0]["policy_source"]["kind"], "snapshot");
    let out = run(orgcheck().args(["compare", "o2", "--providers"]).arg(&mine));
    assert!(
        out.stdout.contains("snapshot 2014") && !out.stdout.contains("bundled 2014"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_config_file_gives_the_defaults_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine");
    let out = run(orgcheck().args(["providers", "new", "acme", "--providers"]).arg(&mine));
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::write(
        dir.path().join("orgcheck.toml"),
        "providers = \"mine\"\nformat = \"markdown\"\n\n[sender]\nname = \"Jo Bloggs\"\nemail = \"jo@example.org\"\n",
    )
    .unwrap();
    // Found in the working directory; paths in it are read from where it is.
    let out = run(orgcheck().arg("compare").arg("o2").current_dir(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("| Provider |"), "{}", out.stdout);
    let out = run(orgcheck()
        .args(["compare", "o2", "--format", "json"])
        .current_dir(dir.path()));
    assert!(out.stdout.starts_with('{'), "{}", out.stdout);
    let out = run(orgcheck()
        .args(["providers", "--format", "json"])
        .current_dir(dir.path()));
    assert!(out.stdout.contains("\"acme\""), "{}", out.stdout);
    let out = run(orgcheck().args(["letter", "o2"]).current_dir(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Jo Bloggs"), "{}", out.stdout);
    // Named with --config from anywhere; the format default shows in help.
    let config = dir.path().join("orgcheck.toml");
    let out = run(orgcheck().args(["compare", "--help", "--config"]).arg(&config));
    assert!(out.stdout.contains("[default: markdown]"), "{}", out.stdout);
    // A mistake names the file, the line and the key, and stops before anything runs.
    std::fs::write(&config, "format = \"markdown\"\nprovider = \"mine\"\n").unwrap();
    let out = run(orgcheck().args(["compare", "o2"]).current_dir(dir.path()));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("orgcheck.toml:2:") && out.stderr.contains("provider"),
        "{}",
        out.stderr
    );
    let out = run(orgcheck().args(["compare", "o2", "--config", "/nonexistent/orgcheck.toml"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot read the configuration file"),
        "{}",
        out.stderr
    );
}
