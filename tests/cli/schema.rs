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
use orgcheck::stages::extract::ExtractReport;
use orgcheck::stages::history::HistoryReport;
use orgcheck::stages::lint::LintReport;

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
