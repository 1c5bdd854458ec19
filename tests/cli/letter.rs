//! `orgcheck letter`: the customer's draft, from the bundled comparison.

use crate::util::{orgcheck, run};

#[test]
fn the_draft_asks_about_each_practice_and_the_discrepancy() {
    let out = run(orgcheck().args(["letter", "o2", "--name", "A. Customer", "--email", "a@example.org"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.stdout;
    assert!(
        text.starts_with("Subject: Subject access request and questions about my data (O2)\n"),
        "{text}"
    );
    assert!(text.contains("Under Article 15 of the UK GDPR"), "{text}");
    assert!(
        text.contains("you have told customers “Customers’ personal information is never sold or disclosed.”"),
        "{text}"
    );
    assert!(
        text.ends_with("Yours sincerely,\nA. Customer\na@example.org\n"),
        "{text}"
    );
    let out = run(orgcheck().args([
        "letter",
        "o2",
        "--name",
        "A",
        "--email",
        "a@example.org",
        "--format",
        "json",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["questions"].as_array().unwrap().len(), 4);
}

#[test]
fn the_sender_is_never_invented() {
    let out = run(orgcheck().args(["letter", "o2"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--name") && out.stderr.contains("--email"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_eml_draft_needs_an_address_and_is_a_mail() {
    let base = [
        "letter",
        "o2",
        "--name",
        "A. Customer",
        "--email",
        "a@example.org",
        "--format",
        "eml",
    ];
    let out = run(orgcheck().args(base));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("add --to ADDRESS"), "{}", out.stderr);
    let out = run(orgcheck().args(base).args(["--to", "privacy@o2.example"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("To: <privacy@o2.example>\r\n"), "{}", out.stdout);
    assert!(out.stdout.contains("MIME-Version: 1.0\r\n"), "{}", out.stdout);
}
