//! Graded verdicts: statement/policy pairs written for this test, in which the sharing verdict turns on
//! one part of the practice at a time (action, identifiability, data, recipient, purpose, exception),
//! run through `orgcheck compare` as a user runs it; then the bundled comparison read this way, the
//! JSON checked against the published schema, and `orgcheck lint`.

use std::path::Path;

use crate::util::{dir_with, orgcheck, run};
use serde_json::Value;

/// (statement, policy, sharing verdict, the parts a narrow denial differs in).
const PAIRS: &[(&str, &str, &str, &[&str])] = &[
    // The same practice on both sides.
    (
        "We never share your personal information with advertisers.",
        "We may share your personal information with advertisers.",
        "contradiction",
        &[],
    ),
    // Action: selling is one way of disclosing; denying it leaves sharing open.
    (
        "We never sell your personal information to advertisers.",
        "We may share your personal information with advertisers.",
        "narrow-denial",
        &["action"],
    ),
    (
        "We never share your personal information with advertisers.",
        "We may sell your personal information to advertisers.",
        "contradiction",
        &[],
    ),
    // Identifiability: personal against aggregated.
    (
        "We never share your personal information with advertisers.",
        "We may share aggregated statistics with advertisers.",
        "narrow-denial",
        &["identifiability"],
    ),
    // Data: one kind against another.
    (
        "We never share your location data with advertisers.",
        "We may share your browsing history with advertisers.",
        "narrow-denial",
        &["data"],
    ),
    // Recipient: advertisers are third parties; group companies are not.
    (
        "We never share your personal information with third parties.",
        "We may share your personal information with advertisers.",
        "contradiction",
        &[],
    ),
    (
        "We never share your personal information with advertisers.",
        "We may share your personal information with our affiliates.",
        "narrow-denial",
        &["recipient"],
    ),
    (
        "We never share your personal information with third parties.",
        "We may share your personal information with our affiliates.",
        "narrow-denial",
        &["recipient"],
    ),
    (
        "We never share your personal information with anyone.",
        "We may share your personal information with our affiliates.",
        "contradiction",
        &[],
    ),
    // Purpose: a denial for one purpose leaves the others open.
    (
        "We never share your personal information with advertisers for marketing.",
        "We may share your personal information with advertisers.",
        "narrow-denial",
        &["purpose"],
    ),
    // Exception: what the denial excepts is no contradiction, what it does not except is.
    (
        "We never share your personal information except with service providers.",
        "We may share your personal information with service providers.",
        "consistent",
        &[],
    ),
    (
        "We never share your personal information except as required by law.",
        "We may share your personal information with service providers.",
        "contradiction",
        &[],
    ),
    // A recipient the ontology does not know is not everyone.
    (
        "We never share your personal information with the wrong people.",
        "We may share your personal information with advertisers.",
        "narrow-denial",
        &["recipient"],
    ),
    // Statements that deny one thing and admit another: a denial the policy overlaps whole is still
    // contradicted; a narrower one is left to the admission.
    (
        "We never share your personal information with third parties. We may share aggregated statistics with \
         partners.",
        "We may share your personal information with advertisers.",
        "contradiction",
        &[],
    ),
    (
        "We never sell your personal information. We may share aggregated statistics with partners.",
        "We may share aggregated statistics with advertisers.",
        "consistent",
        &[],
    ),
    // The customer's practice is not the company's.
    (
        "You should never share your password with anyone.",
        "We may share your personal information with advertisers.",
        "omission",
        &[],
    ),
];

fn declarations() -> tempfile::TempDir {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, (statement, policy, _, _)) in PAIRS.iter().enumerate() {
        files.push((
            format!("p{i}.toml"),
            format!(
                "name = \"Pair {i}\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \"https://p{i}.example/privacy\"\n\
                 snapshot = \"p{i}/p.txt\"\n[[statements]]\ntext = \"{statement}\"\nsource = \"letter\"\ndate = \
                              \"2026\"\n"
            )
            .into_bytes(),
        ));
        files.push((format!("p{i}/p.txt"), policy.as_bytes().to_vec()));
    }
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (n.as_str(), c.as_slice())).collect();
    dir_with(&refs)
}

fn compare(dir: &Path, format: &str) -> String {
    let out = run(orgcheck()
        .args(["compare", "--format", format, "--only-providers"])
        .arg(dir));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

fn sharing(p: &Value) -> &Value {
    &p["details"]["third-party-sharing"]
}

#[test]
fn each_grade_turns_on_one_part_of_the_practice() {
    let dir = declarations();
    let doc: Value = serde_json::from_str(&compare(dir.path(), "json")).unwrap();
    let mut wrong = Vec::new();
    for (i, (statement, policy, want, differs)) in PAIRS.iter().enumerate() {
        let p = doc["providers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == format!("p{i}"))
            .unwrap();
        let detail = sharing(p);
        let got = detail["verdict"].as_str().unwrap();
        let got_differs: Vec<&str> = detail["scope"]["differs_in"]
            .as_array()
            .map(|a| a.iter().map(|d| d.as_str().unwrap()).collect())
            .unwrap_or_default();
        if got != *want || got_differs != *differs {
            wrong.push(format!(
                "{statement} / {policy}\n    want {want} {differs:?}, got {got} {got_differs:?}: {}",
                detail["reason"]
            ));
        }
        // A graded verdict names the two scopes side by side, with the words that decided it.
        if matches!(*want, "contradiction" | "narrow-denial") {
            let line = detail["scope"]["line"].as_str().unwrap();
            assert!(
                line.starts_with("denies: ") && line.contains(" │ policy permits: "),
                "{line}"
            );
        } else {
            assert!(detail["scope"].is_null(), "{i}: {}", detail["scope"]);
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} pairs graded wrong:\n{}",
        wrong.len(),
        PAIRS.len(),
        wrong.join("\n")
    );
}

#[test]
fn fail_on_narrow_denial_exits_1() {
    let dir = declarations();
    let out = run(orgcheck()
        .args(["compare", "--fail-on", "narrow-denial", "--only-providers"])
        .arg(dir.path()));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let out = run(orgcheck()
        .args(["compare", "p0", "--fail-on", "narrow-denial", "--only-providers"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "a contradiction is not a narrow denial: {}", out.stderr);
}

fn bundled() -> Value {
    let out = run(orgcheck().args(["compare", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

fn bundled_provider<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
}

/// The article's three replies, graded: O2's flat contradiction, Virgin Mobile's narrow denial, Tesco
/// Mobile's contradiction only through processors acting on its behalf; EE and Three as before.
#[test]
fn the_bundled_comparison_is_graded_as_the_article_reads_it() {
    let doc = bundled();
    let verdict = |id: &str| sharing(bundled_provider(&doc, id)).clone();

    let o2 = verdict("o2");
    assert_eq!(o2["verdict"], "contradiction");
    let line = o2["scope"]["line"].as_str().unwrap();
    for words in [
        "sold or disclosed",
        "personal information",
        "pass",
        "this data",
        "personalised",
        "third parties",
    ] {
        assert!(line.contains(words), "{words}: {line}");
    }

    let virgin = verdict("virgin-mobile");
    assert_eq!(virgin["verdict"], "narrow-denial");
    assert_eq!(
        virgin["scope"]["differs_in"],
        serde_json::json!(["action", "identifiability"])
    );
    let line = virgin["scope"]["line"].as_str().unwrap();
    assert!(
        line.starts_with("denies: sell · customer data │ policy permits: provide · such aggregate information"),
        "{line}"
    );
    assert!(line.ends_with("→ content partners, advertisers"), "{line}");

    let tesco = verdict("tesco-mobile");
    assert_eq!(tesco["verdict"], "contradiction");
    let overlap: Vec<&str> = tesco["scope"]["overlap"]["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["concept"].as_str().unwrap())
        .collect();
    assert_eq!(overlap, ["service-providers"], "only processors overlap");
    let reason = tesco["reason"].as_str().unwrap();
    assert!(
        reason.contains("→ businesses that process this information on our behalf")
            && reason.contains("the denial does not reach Tesco companies"),
        "{reason}"
    );

    assert_eq!(verdict("ee")["verdict"], "consistent");
    assert_eq!(verdict("three")["verdict"], "statement-only");
}

/// The scope lines a reader can quote sit under the table and in the Markdown list.
#[test]
fn scope_lines_are_in_the_table_and_the_markdown() {
    let out = run(orgcheck().arg("compare"));
    assert!(out.stdout.contains(
        "Virgin Mobile sharing: narrow-denial\n  denies: sell · customer data │ policy permits: provide · such \
         aggregate information"
    ));
    assert!(out.stdout.contains("1 narrow denial (Virgin Mobile)"), "{}", out.stdout);
    let out = run(orgcheck().args(["compare", "--format", "markdown"]));
    assert!(out.stdout.contains("### Contradictions, narrow denials and omissions"));
    assert!(
        out.stdout.contains(
            "- **Virgin Mobile**, third-party-sharing — narrow-denial: The statement denies less than the \
                       policy permits"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("  - denies: sell · customer data │ policy permits: provide")
    );
}

/// `compare --format json`, on the bundled data and on the graded pairs, validates against
/// docs/schema/compare.schema.json.
#[test]
fn compare_json_validates_against_the_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema/compare.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("compare.schema.json", schema).unwrap();
    let id = compiler.compile("compare.schema.json", &mut schemas).unwrap();
    let dir = declarations();
    for doc in [bundled(), serde_json::from_str(&compare(dir.path(), "json")).unwrap()] {
        assert_eq!(doc["schema_version"], 3);
        if let Err(e) = schemas.validate(&doc, id) {
            panic!("compare JSON does not match its schema: {e:#}");
        }
    }
    // Findings carry their practices in `extract` too.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema/extract.schema.json");
    let extract_schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    compiler.add_resource("extract.schema.json", extract_schema).unwrap();
    let extract_id = compiler.compile("extract.schema.json", &mut schemas).unwrap();
    let out = run(orgcheck()
        .args(["extract", "--format", "json"])
        .arg(dir.path().join("p0/p.txt")));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(!doc["clauses"][0]["findings"][0]["practice"].is_null());
    if let Err(e) = schemas.validate(&doc, extract_id) {
        panic!("extract JSON does not match its schema: {e:#}");
    }
    // The check can fail: a verdict the schema does not know is refused.
    let mut bad = bundled();
    bad["providers"][0]["verdicts"]["aggregation"] = Value::from("maybe");
    assert!(schemas.validate(&bad, id).is_err());
}

/// `orgcheck lint`: pairs of one document that disagree, in every format, with --fail-on.
#[test]
fn lint_finds_a_policy_that_disagrees_with_itself() {
    let dir = dir_with(&[(
        "policy.txt",
        b"We never share your personal information with third parties.\n\n\
          We may share your personal information with advertisers.\n\n\
          We do not sell your personal information.\n",
    )]);
    let file = dir.path().join("policy.txt");
    let out = run(orgcheck().arg("lint").arg(&file).args(["--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema/lint.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    let (mut schemas, mut compiler) = (boon::Schemas::new(), boon::Compiler::new());
    compiler.add_resource("lint.schema.json", schema).unwrap();
    let id = compiler.compile("lint.schema.json", &mut schemas).unwrap();
    if let Err(e) = schemas.validate(&doc, id) {
        panic!("lint JSON does not match its schema: {e:#}");
    }
    let pairs = doc["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(pairs[0]["grade"], "contradiction");
    assert_eq!(
        pairs[0]["scope"]["line"],
        "denies: share · your personal information → third parties │ permits: share · your personal information → \
         advertisers"
    );
    // "We do not sell" is narrower than sharing: listed only with --narrow.
    let out = run(orgcheck().arg("lint").arg(&file).args(["--narrow", "--format", "json"]));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let grades: Vec<&str> = doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["grade"].as_str().unwrap())
        .collect();
    assert_eq!(grades, ["contradiction", "narrow-denial"]);

    let out = run(orgcheck().arg("lint").arg(&file));
    assert!(
        out.stdout.contains("1 contradiction among 2 denials and 1 permission."),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("The document denies"), "{}", out.stdout);
    let out = run(orgcheck().arg("lint").arg(&file).args(["--format", "markdown"]));
    assert!(out.stdout.starts_with("## Lint: "), "{}", out.stdout);
    assert!(out.stdout.contains(
        "- **third-party-sharing** — denies: share · your personal information → third parties — “We never share"
    ));
    let out = run(orgcheck().arg("lint").arg(&file).args(["--format", "html"]));
    assert!(out.stdout.starts_with("<!DOCTYPE html>"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("<span class=\"badge v-contradiction\">contradiction</span>")
    );
    assert!(
        out.stdout
            .contains("<mark>share your personal information with third parties</mark>"),
        "{}",
        out.stdout
    );
    let out = run(orgcheck().arg("lint").arg(&file).args(["--format", "jsonl"]));
    assert_eq!(out.stdout.lines().count(), 1);

    let out = run(orgcheck().arg("lint").arg(&file).args(["--fail-on", "contradiction"]));
    assert_eq!(out.code, 1);
    // A bundled provider by id: its snapshot is short and agrees with itself.
    let out = run(orgcheck().args(["lint", "o2"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("o2/privacy-policy: 0 contradictions"),
        "{}",
        out.stdout
    );
}

#[test]
fn lint_refuses_what_it_cannot_read() {
    let out = run(orgcheck().args(["lint", "no-such-provider"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("orgcheck: "), "{}", out.stderr);
    assert!(out.stderr.contains("no-such-provider"), "{}", out.stderr);
    let out = run(orgcheck()
        .args(["lint", "--input-format", "jsonl", "-"])
        .write_stdin("{}"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("add --format jsonl"), "{}", out.stderr);
}

#[test]
fn lint_batch_says_how_many_documents_had_a_pair() {
    let records = "{\"id\": \"a\", \"text\": \"We never share your personal information with third parties. We may \
                   share your personal information with advertisers.\"}\n\
                   {\"id\": \"b\", \"text\": \"We may share your personal information with advertisers.\"}\n\
                   {\"id\": \"c\", \"text\": \"Nothing about data here at all.\"}\n";
    let out = run(orgcheck()
        .args(["lint", "--input-format", "jsonl", "--format", "jsonl", "-"])
        .write_stdin(records));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 3);
    assert!(
        out.stderr.contains("1 of 3 documents with a pair, 2 with none"),
        "{}",
        out.stderr
    );
}

/// A rules file extends the ontology: a new kind of recipient under a default one changes the grade.
#[test]
fn a_rules_file_extends_the_ontology() {
    let declaration = "name = \"Acme\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \
                       \"https://acme.example/privacy\"\n\
                       snapshot = \"acme/p.txt\"\n[[statements]]\ntext = \"We never share your personal information \
                                    with advertisers.\"\n\
                       source = \"letter\"\ndate = \"2026\"\n";
    let dir = dir_with(&[
        ("acme.toml", declaration.as_bytes()),
        ("acme/p.txt", b"We may share your personal information with ad brokers."),
    ]);
    let rules_dir = dir_with(&[
        (
            "brokers.toml",
            b"version = 2\n[[concept]]\nid = \"ad-brokers\"\ndimension = \"recipient\"\nparent = \"advertisers\"\n\
              description = \"Brokers of advertising data\"\nterms = [\"ad brokers\", \"ad broker\"]\n\
              examples = [\"with ad brokers\"]\ncounter_examples = [\"with partners\"]\n",
        ),
        (
            "bad.toml",
            b"version = 2\n[[concept]]\nid = \"x\"\ndimension = \"recipient\"\nparent = \"nobody\"\ndescription = \
              \"d\"\nterms = [\"x\"]\n",
        ),
    ]);
    let verdict = |extra: &[&str]| {
        let out = run(orgcheck()
            .args(["compare", "--format", "json", "--only-providers"])
            .arg(dir.path())
            .args(extra));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let doc: Value = serde_json::from_str(&out.stdout).unwrap();
        sharing(&doc["providers"][0])["verdict"].as_str().unwrap().to_string()
    };
    // Unknown to the default ontology, "ad brokers" are some recipient, not advertisers.
    assert_eq!(verdict(&[]), "narrow-denial");
    let rules = rules_dir.path().join("brokers.toml");
    assert_eq!(verdict(&["--rules", rules.to_str().unwrap()]), "contradiction");
    let out = run(orgcheck().args(["rules", "--format", "json", "--rules"]).arg(&rules));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let broker = doc["concepts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ad-brokers")
        .unwrap();
    assert_eq!(broker["parent"], "advertisers");
    let out = run(orgcheck()
        .args(["compare", "--rules"])
        .arg(rules_dir.path().join("bad.toml")));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("bad.toml:5: field `parent`: unknown parent concept `nobody`"),
        "{}",
        out.stderr
    );
}
