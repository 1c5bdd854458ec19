//! Helpers shared by the integration tests: run the real binary with a fixed environment.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use assert_cmd::Command;
use orgcheck::inputs::providers::{self, ProviderSource};
use orgcheck::inputs::store::{Meta, Store};

/// The bundled providers' ids, in the order orgcheck lists them: from the library, so the list is
/// written once (in `providers/`).
pub static PROVIDER_IDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    providers::load(&ProviderSource::Bundled)
        .expect("the bundled providers load")
        .into_iter()
        .map(|p| p.id)
        .collect()
});

/// The orgcheck binary with a deterministic environment: no colour, a fixed table width.
pub fn orgcheck() -> Command {
    let mut cmd = Command::cargo_bin("orgcheck").expect("binary built");
    cmd.env_remove("NO_COLOR")
        .env("COLUMNS", "120")
        .env_remove("ORGCHECK_STORE")
        .env_remove("ORGCHECK_SENDER")
        .env_remove("ORGCHECK_PROVIDERS")
        // No user's orgcheck.toml either: tests read only the configuration they write.
        .env_remove("ORGCHECK_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent/orgcheck-tests/config")
        // No test starts a browser unless it says so (`render.rs`): the same on every machine.
        .env("ORGCHECK_CHROMIUM", "/nonexistent/orgcheck-tests/chromium");
    cmd
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A temporary directory with the given files written into it.
pub fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, contents) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, contents).expect("write fixture");
    }
    dir
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("run orgcheck");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Asserts a run failed with status 2 and a prefixed message containing every `needles` item.
pub fn assert_error(out: &Output, needles: &[&str]) {
    assert_eq!(
        out.code, 2,
        "expected exit 2\nstdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    assert!(
        out.stderr.starts_with("orgcheck: "),
        "stderr lacks prefix: {}",
        out.stderr
    );
    for n in needles {
        assert!(out.stderr.contains(n), "stderr lacks {n:?}: {}", out.stderr);
    }
    assert!(!out.stderr.contains("panicked"), "panic: {}", out.stderr);
}

/// Records `text` as a version of `provider/document` in the store at `root`, fetched at `at`
/// (RFC 3339), through the store's own code, as `orgcheck fetch` would.
pub fn store_version(root: &Path, provider: &str, document: &str, at: &str, text: &str) {
    let url = format!("https://{provider}.example/{document}");
    let meta = Meta {
        url: url.clone(),
        final_url: url,
        status: 200,
        etag: None,
        last_modified: None,
        content_type: Some("text/plain".into()),
        kind: "text".into(),
        charset: Some("UTF-8".into()),
        fetched_at: at.into(),
        raw_sha256: "00".into(),
        text_sha256: String::new(),
        orgcheck_version: "test".into(),
        declaration_sha256: "d".into(),
        version: String::new(),
        rendered: None,
        language: None,
        imported: None,
    };
    Store::new(root)
        .record(provider, document, meta, text)
        .expect("a test store takes the version");
}

/// Checks `doc` against the published schema docs/schema/`name`.
pub fn assert_matches_schema(name: &str, doc: &serde_json::Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema").join(name);
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let (mut schemas, mut compiler) = (boon::Schemas::new(), boon::Compiler::new());
    compiler.add_resource(name, schema).unwrap();
    let id = compiler.compile(name, &mut schemas).unwrap();
    if let Err(e) = schemas.validate(doc, id) {
        panic!("{name}: the JSON does not match its schema: {e:#}");
    }
}

/// Every file under `dir` (but the store's lock) with its bytes: to show that a failure changed nothing.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != ".lock" {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// A copy of the bundled providers directory, to edit.
pub fn providers_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("providers");
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        fs::create_dir_all(dir.path().join(&rel)).unwrap();
        for e in fs::read_dir(src.join(&rel)).unwrap().flatten() {
            let rel = rel.join(e.file_name());
            if e.path().is_dir() {
                stack.push(rel);
            } else {
                fs::copy(e.path(), dir.path().join(&rel)).unwrap();
            }
        }
    }
    dir
}
