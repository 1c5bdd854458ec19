//! How a failure is reported, whatever the command: once, naming what failed, with exit status 2.

use crate::util::{assert_error, dir_with, orgcheck, run};

/// An operating-system error reaches the user once: "f/x: cannot open: Not a directory (os error
/// 20)", never followed by the same text again from the error's source chain.
#[test]
fn operating_system_errors_are_printed_once() {
    let dir = dir_with(&[(
        "prov/acme.toml",
        b"name = \"Acme\"\n[[documents]]\nid = \"privacy\"\nurl = \"http://127.0.0.1:9/p\"\n",
    )]);
    // `f` is a file, so every path under it fails with ENOTDIR, on every platform run as any user.
    std::fs::write(dir.path().join("f"), "").unwrap();
    let cases: &[&[&str]] = &[
        &["extract", "f/x"],
        &["extract", "--input-format", "jsonl", "f/x"],
        &["extract", "f/x.warc"],
        &["lint", "f/x"],
        &["diff", "f/x", "f/y"],
        &["compare", "--only-providers", "f/x"],
        &["compare", "--rules", "f/x"],
        &["letter", "o2", "--sender", "f/x"],
        &["reply", "acme", "f/x", "--providers", "prov", "--dry-run"],
        &["history", "o2", "--store", "f/x"],
        &["fetch", "--store", "f/x", "--only-providers", "prov"],
        &["check", "--store", "f/x", "--only-providers", "prov"],
    ];
    let os_error = std::io::Error::from_raw_os_error(20).to_string();
    for args in cases {
        let out = run(orgcheck().current_dir(dir.path()).args(*args));
        assert_error(&out, &["f/x", &os_error]);
        assert_eq!(
            out.stderr.matches(&os_error).count(),
            1,
            "`orgcheck {}` printed the OS error more than once:\n{}",
            args.join(" "),
            out.stderr
        );
    }
}

/// A full disk on stdout is named as such, not blamed on the input the command was reading.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_stdout_is_named() {
    let dir = dir_with(&[(
        "batch.jsonl",
        b"{\"id\": 1, \"text\": \"We may share your data with advertisers.\"}\n",
    )]);
    let cases: &[&[&str]] = &[
        &["compare"],
        &["compare", "--format", "json"],
        &["extract", "batch.jsonl"],
        &["rules"],
    ];
    let full = std::io::Error::from_raw_os_error(28).to_string();
    for args in cases {
        let dev_full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("orgcheck"))
            .current_dir(dir.path())
            .args(*args)
            .env_remove("ORGCHECK_STORE")
            .stdout(dev_full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "`orgcheck {}`: {stderr}", args.join(" "));
        assert_eq!(
            stderr,
            format!("orgcheck: standard output: cannot write: {full}\n"),
            "`orgcheck {}`",
            args.join(" ")
        );
    }
}
