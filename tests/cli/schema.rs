//! The published JSON Schemas in docs/schema/ must match the types orgcheck serialises.
//! Regenerate them with `ORGCHECK_UPDATE_SCHEMA=1 cargo test --test cli schema`.

use std::fs;
use std::path::Path;

use orgcheck::campaign::letter::Letter;
use orgcheck::campaign::reply::ReplyReport;
use orgcheck::stages::check::CheckReport;
use orgcheck::stages::compare::CompareReport;
use orgcheck::stages::diff::DiffReport;
use orgcheck::stages::eval::EvalReport;
use orgcheck::stages::extract::{ExtractReport, RecordLine};
use orgcheck::stages::history::HistoryReport;
use orgcheck::stages::lint::{LintRecordLine, LintReport};

use crate::util::{orgcheck, run};

fn check(name: &str, schema: schemars::Schema) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema").join(name);
    let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("ORGCHECK_UPDATE_SCHEMA").is_some() {
        fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date with the code: run `ORGCHECK_UPDATE_SCHEMA=1 cargo test --test cli schema` and commit it",
        path.display()
    );
}

/// The `required` fields of the schema's root (`def` empty) or of one of its definitions.
fn required(schema: &serde_json::Value, def: &str) -> Vec<String> {
    let node = if def.is_empty() { schema } else { &schema["$defs"][def] };
    node["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn compare_schema_is_current() {
    check("compare.schema.json", schemars::schema_for!(CompareReport));
}

#[test]
fn extract_schema_is_current() {
    check("extract.schema.json", schemars::schema_for!(ExtractReport));
}

#[test]
fn history_schema_is_current() {
    check("history.schema.json", schemars::schema_for!(HistoryReport));
}

#[test]
fn letter_schema_is_current() {
    check("letter.schema.json", schemars::schema_for!(Letter));
}

#[test]
fn reply_schema_is_current() {
    check("reply.schema.json", schemars::schema_for!(ReplyReport));
}

#[test]
fn lint_schema_is_current() {
    check("lint.schema.json", schemars::schema_for!(LintReport));
}

#[test]
fn diff_schema_is_current() {
    check("diff.schema.json", schemars::schema_for!(DiffReport));
}

#[test]
fn check_schema_is_current() {
    check("check.schema.json", schemars::schema_for!(CheckReport));
}

#[test]
fn eval_schema_is_current() {
    check("eval.schema.json", schemars::schema_for!(EvalReport));
}

#[test]
fn extract_records_schema_is_current() {
    check(
        "extract-records.schema.json",
        schemars::schema_for!(RecordLine<'static>),
    );
}

#[test]
fn lint_records_schema_is_current() {
    check("lint-records.schema.json", schemars::schema_for!(LintRecordLine));
}

/// Every line of `out` is valid against the published schema `name`; returns the lines.
fn lines_valid(name: &str, out: &str) -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema").join(name);
    let schema: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource(name, schema).unwrap();
    let id = compiler.compile(name, &mut schemas).unwrap();
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for line in &lines {
        if let Err(e) = schemas.validate(line, id) {
            panic!("{line} does not match {name}: {e:#}");
        }
    }
    lines
}

/// The batch lines (findings and errors alike) match their schemas, and a schema is strict enough to
/// refuse a line that is neither.
#[test]
fn batch_and_error_records_match_their_schemas() {
    let records = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records.jsonl");
    let out = run(orgcheck().args(["extract", "--input-format", "jsonl"]).arg(&records));
    let lines = lines_valid("extract-records.schema.json", &out.stdout);
    assert!(lines.iter().any(|l| l.get("findings").is_some()), "{}", out.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l.get("line") == Some(&3.into()) && l.get("error").is_some())
    );
    let warc = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/warc/crawl.warc");
    let out = run(orgcheck().args(["extract", "--input-format", "warc"]).arg(&warc));
    let lines = lines_valid("extract-records.schema.json", &out.stdout);
    assert!(lines.iter().any(|l| l["id"].get("uri").is_some()), "{}", out.stdout);
    let out = run(orgcheck()
        .args(["lint", "--input-format", "jsonl", "--format", "jsonl"])
        .arg(&records));
    let lines = lines_valid("lint-records.schema.json", &out.stdout);
    assert!(lines.iter().any(|l| l.get("pairs").is_some()) && lines.iter().any(|l| l.get("error").is_some()));

    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema/extract-records.schema.json"))
            .unwrap(),
    )
    .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("r.json", schema).unwrap();
    let id = compiler.compile("r.json", &mut schemas).unwrap();
    assert!(schemas.validate(&serde_json::json!({"line": "three"}), id).is_err());
}

#[test]
fn check_schema_carries_what_a_bot_needs() {
    let schema = serde_json::to_value(schemars::schema_for!(CheckReport)).unwrap();
    let required = |def: &str| required(&schema, def);
    assert!(required("").contains(&"schema_version".to_string()));
    for field in ["provider", "document", "url", "status"] {
        assert!(required("DocCheck").contains(&field.to_string()), "{field}");
    }
    for field in ["meaning_changed", "summary", "counts", "changes"] {
        assert!(required("DiffBody").contains(&field.to_string()), "{field}");
    }
    let statuses = &schema["$defs"]["CheckStatus"];
    let text = statuses.to_string();
    for s in ["new", "unchanged", "changed", "unstable", "failed"] {
        assert!(text.contains(&format!("\"{s}\"")), "{s}: {text}");
    }
}

#[test]
fn compare_schema_requires_the_documented_fields() {
    let schema = serde_json::to_value(schemars::schema_for!(CompareReport)).unwrap();
    let required = |def: &str| required(&schema, def);
    assert!(required("").contains(&"schema_version".to_string()));
    for field in ["id", "name", "policy_source", "findings", "verdicts"] {
        assert!(required("ProviderReport").contains(&field.to_string()), "{field}");
    }
    for field in ["kind", "url", "sha256"] {
        assert!(required("PolicySource").contains(&field.to_string()), "{field}");
    }
    for field in ["aggregation", "third-party-sharing", "opt-out", "location"] {
        assert!(required("Verdicts").contains(&field.to_string()), "{field}");
    }
}
