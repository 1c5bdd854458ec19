//! The GitHub Action (`action.yml`) and its command line (`scripts/action-check.sh`), run with the real
//! binary on a local store: annotations on stdout, the Markdown report in the job summary, and the exit
//! status the fail-on levels ask for.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::store_version;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

const OLD: &str = "We never sell your personal information.\n\nWe keep billing records for six years.\n";
const NEW: &str = "We never sell your personal information.\n\nWe may share your location data with \
                   advertisers.\n\nWe keep billing records for six years.\n";
const REWORDED: &str = "We never sell your personal information.\n\nWe may share your location data with \
                        advertisers.\n\nWe keep our billing records for six years.\n";

struct Run {
    code: i32,
    stdout: String,
    summary: String,
}

/// Runs the action's script with `inputs` as the action passes them, on `providers` and `store`.
fn action(providers: &Path, store: &Path, inputs: &[(&str, &str)]) -> Run {
    let summary = store.join("step-summary.md");
    let _ = fs::remove_file(&summary);
    let mut cmd = Command::new("bash");
    cmd.arg(Path::new(ROOT).join("scripts/action-check.sh"))
        .env("ORGCHECK_BIN", env!("CARGO_BIN_EXE_orgcheck"))
        .env("INPUT_PROVIDERS", providers)
        .env("INPUT_STORE", store)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("ORGCHECK_STORE")
        .env("NO_COLOR", "1");
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        summary: fs::read_to_string(&summary).unwrap_or_default(),
    }
}

#[test]
fn the_action_runs_its_script_with_its_inputs_as_environment() {
    let yml = fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    let script = fs::read_to_string(Path::new(ROOT).join("scripts/action-check.sh")).unwrap();
    assert!(yml.contains("using: composite"));
    assert!(
        yml.contains("run: bash \"$ACTION_PATH/scripts/action-check.sh\""),
        "{yml}"
    );
    for input in ["providers", "store", "baseline", "fail-on", "live", "update-baseline"] {
        let var = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        assert!(yml.contains(&format!("  {input}:\n")), "action.yml declares {input}");
        assert!(
            yml.contains(&format!("{var}: ${{{{ inputs.{input} }}}}")),
            "action.yml passes {input} as {var}"
        );
        assert!(script.contains(&format!("${{{var}")), "the script reads {var}");
    }
    // No expression reaches a shell line as text, where a value could run code: inputs go through env.
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut run_indent = None;
    let mut shell_lines = 0;
    for line in yml.lines() {
        match run_indent {
            Some(i) if indent(line) > i && !line.trim().is_empty() => {}
            _ => run_indent = line.trim_start().starts_with("run:").then(|| indent(line)),
        }
        if run_indent.is_some() {
            shell_lines += 1;
            assert!(!line.contains("${{"), "{line}");
        }
    }
    assert!(shell_lines >= 3, "the run lines were found");
}

#[test]
fn the_action_annotates_a_change_and_fails_on_meaning_only() {
    let providers = tempfile::tempdir().unwrap();
    fs::write(
        providers.path().join("acme.toml"),
        "name = \"Acme Mobile\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \"https://acme.example/privacy\"\n",
    )
    .unwrap();
    let store = tempfile::tempdir().unwrap();
    let (p, s) = (providers.path(), store.path());
    store_version(s, "acme", "privacy-policy", "2026-01-01T00:00:00Z", OLD);
    // The first run records the baseline; nothing to report.
    let run = action(p, s, &[("INPUT_UPDATE_BASELINE", "true")]);
    assert!(s.join("baseline.json").exists(), "{}", run.stdout);
    assert_eq!(run.code, 0, "{}", run.stdout);

    store_version(s, "acme", "privacy-policy", "2026-02-01T00:00:00Z", NEW);
    let run = action(p, s, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let warning = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::warning title=orgcheck%3A acme/privacy-policy changed in meaning::"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(warning.contains("third-party-sharing: +1 positive"), "{warning}");
    assert!(
        run.stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("::notice title=orgcheck check::")
    );
    assert!(
        run.summary.starts_with("## orgcheck: privacy policy check") && run.summary.contains("changed in meaning"),
        "{}",
        run.summary
    );
    assert_eq!(action(p, s, &[("INPUT_FAIL_ON", "none")]).code, 0);
    assert_eq!(action(p, s, &[("INPUT_LIVE", "maybe")]).code, 2);

    // Accept the change; a rewording after it is a notice, not a failure on meaning, and fails `any`.
    action(p, s, &[("INPUT_UPDATE_BASELINE", "true"), ("INPUT_FAIL_ON", "none")]);
    store_version(s, "acme", "privacy-policy", "2026-03-01T00:00:00Z", REWORDED);
    let run = action(p, s, &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .starts_with("::notice title=orgcheck%3A acme/privacy-policy reworded::"),
        "{}",
        run.stdout
    );
    assert_eq!(action(p, s, &[("INPUT_FAIL_ON", "any")]).code, 1);
}
