//! `orgcheck letter`: the customer's draft, from the bundled comparison.

use crate::util::{orgcheck, providers_copy, run};

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
    crate::util::assert_matches_schema("letter.schema.json", &doc);
}

#[test]
fn the_sender_is_never_invented() {
    let out = run(orgcheck().args(["letter", "o2"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("needs your name: give --name"), "{}", out.stderr);
    let out = run(orgcheck().args(["letter", "o2", "--name", "A"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("needs your email: give --email"), "{}", out.stderr);
    let out = run(orgcheck().args(["letter", "o2", "--name", "A", "--email", "not-an-address"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is not an e-mail address"), "{}", out.stderr);
}

#[test]
fn an_eml_draft_needs_an_address_and_is_a_mail() {
    let base = [
        "letter",
        "three",
        "--name",
        "A. Customer",
        "--email",
        "a@example.org",
        "--format",
        "eml",
    ];
    let out = run(orgcheck().args(base));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("three declares no privacy `contact`") && out.stderr.contains("add --to ADDRESS"),
        "{}",
        out.stderr
    );
    let out = run(orgcheck().args(base).args(["--to", "privacy@three.example"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("To: <privacy@three.example>\r\n"), "{}", out.stdout);
    assert!(out.stdout.contains("MIME-Version: 1.0\r\n"), "{}", out.stdout);
}

#[test]
fn the_eml_draft_goes_to_the_declared_contact_and_the_sender_file_fills_in() {
    let dir = tempfile::tempdir().unwrap();
    let sender = dir.path().join("me.toml");
    std::fs::write(
        &sender,
        "name = \"A. Customer\"\nemail = \"a@example.org\"\naccount = \"07700 900123\"\n",
    )
    .unwrap();
    let out = run(orgcheck()
        .args(["letter", "o2", "--format", "eml", "--sender"])
        .arg(&sender));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("To: <DPO@o2.com>\r\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("From: \"A. Customer\" <a@example.org>\r\n"),
        "{}",
        out.stdout
    );
    let out = run(orgcheck().args(["letter", "o2"]).env("ORGCHECK_SENDER", &sender));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("My account is 07700 900123."), "{}", out.stdout);
    let out = run(orgcheck()
        .args(["letter", "o2", "--name", "B. Other"])
        .env("ORGCHECK_SENDER", &sender));
    assert!(
        out.stdout.ends_with("Yours sincerely,\nB. Other\na@example.org\n"),
        "{}",
        out.stdout
    );
    std::fs::write(&sender, "name = \"A\"\nemail = [\n").unwrap();
    let out = run(orgcheck().args(["letter", "o2", "--sender"]).arg(&sender));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("me.toml:2"), "{}", out.stderr);
}

#[test]
fn a_provider_name_cannot_put_markup_or_headers_into_the_letter() {
    let providers = providers_copy();
    let path = providers.path().join("o2.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    let hostile = "O2 [click](javascript:alert(1)) <img src=https://t.example/p.gif> # ![x](https://t.example/x)";
    std::fs::write(
        &path,
        toml.replacen("name = \"O2\"", &format!("name = \"{hostile}\""), 1),
    )
    .unwrap();
    let out = run(orgcheck()
        .args([
            "letter",
            "o2",
            "--name",
            "A",
            "--email",
            "a@example.org",
            "--format",
            "markdown",
            "--providers",
        ])
        .arg(providers.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for live in ["[click](", "<img", "![x]("] {
        assert!(!out.stdout.contains(live), "{live} is live: {}", out.stdout);
    }
    assert!(
        out.stdout.contains("\\[click\\](javascript:alert(1)) &lt;img"),
        "{}",
        out.stdout
    );

    // A line break in the name is refused before any letter is written.
    std::fs::write(
        &path,
        toml.replacen("name = \"O2\"", "name = \"O2\\r\\nBcc: attacker@evil.example\"", 1),
    )
    .unwrap();
    let out = run(orgcheck()
        .args(["letter", "o2", "--name", "A", "--email", "a@example.org", "--providers"])
        .arg(providers.path()));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(!out.stdout.contains("Bcc:"), "{}", out.stdout);
    assert!(out.stderr.contains("line break"), "{}", out.stderr);
}

#[test]
fn a_provider_in_germany_gets_the_gdpr_in_german_and_the_snapshot_is_named() {
    let providers = providers_copy();
    let path = providers.path().join("o2.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, toml.replacen("country = \"GB\"", "country = \"DE\"", 1)).unwrap();
    let letter = |extra: &[&str]| {
        run(orgcheck()
            .args(["letter", "o2", "--name", "A", "--email", "a@example.org"])
            .args(extra)
            .arg("--providers")
            .arg(providers.path()))
    };
    let out = letter(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("Art. 15 der Datenschutz-Grundverordnung (EU) 2016/679 (DSGVO)"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("UK GDPR"), "{}", out.stdout);
    assert!(out.stdout.contains("Mit freundlichen Grüßen"), "{}", out.stdout);
    // The clauses quoted are a 2014 snapshot's: said on stderr, with the way to a current text.
    assert!(
        out.stderr
            .contains("the policy clauses quoted come from the snapshot of 2014 declared in")
            && out.stderr.contains("orgcheck fetch o2 --store DIR"),
        "{}",
        out.stderr
    );
    let out = letter(&["--letter-lang", "en"]);
    assert!(
        out.stdout
            .contains("Under Article 15 of the General Data Protection Regulation (EU) 2016/679"),
        "{}",
        out.stdout
    );
    let out = letter(&["--letter-lang", "fr", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        (doc["language"].as_str(), doc["law"].as_str()),
        (Some("fr"), Some("gdpr"))
    );
    crate::util::assert_matches_schema("letter.schema.json", &doc);
    let out = letter(&["--letter-lang", "es"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("orgcheck writes en, de, fr"), "{}", out.stderr);

    // A country with neither law needs --law.
    std::fs::write(&path, toml.replacen("country = \"GB\"", "country = \"CH\"", 1)).unwrap();
    let out = letter(&[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("`CH`") && out.stderr.contains("--law"),
        "{}",
        out.stderr
    );
    let out = letter(&["--law", "gdpr"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("competent supervisory authority"), "{}", out.stdout);
}
