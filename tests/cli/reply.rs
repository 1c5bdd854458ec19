//! `orgcheck reply`: each MIME shape of the fixtures in tests/fixtures/replies, the round trip from
//! `letter` to `reply` to `compare`, redaction, and edits that must not lose anything.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{assert_matches_schema, fixture, orgcheck, providers_copy, run};

fn reply_json(providers: &Path, file: &Path, extra: &[&str]) -> (Value, String) {
    let out = run(orgcheck()
        .args(["reply", "o2"])
        .arg(file)
        .arg("--providers")
        .arg(providers)
        .args(["--dry-run", "--format", "json"])
        .args(extra));
    assert_eq!(out.code, 0, "{}", out.stderr);
    (serde_json::from_str(&out.stdout).unwrap(), out.stderr)
}

const SHARE: &str = "We may share aggregated and anonymised information";

#[test]
fn every_mime_shape_gives_the_providers_words_and_nothing_else() {
    let providers = providers_copy();
    let before = fs::read(providers.path().join("o2.toml")).unwrap();
    for name in ["multipart-qp.eml", "base64.eml", "html-only.eml", "windows-1252.eml"] {
        let (report, stderr) = reply_json(providers.path(), &fixture(&format!("replies/{name}")), &[]);
        let text = report["statement"]["text"].as_str().unwrap();
        assert!(text.contains(SHARE), "{name}: {text}");
        assert!(
            text.contains("customers’ personal information") || text.contains("customers' personal information"),
            "{name}: {text}"
        );
        for gone in [
            "Dear",
            "Kind regards",
            "Sam Taylor",
            "wrote:",
            "Do you sell my data",
            "Registered",
            "confidential",
        ] {
            assert!(!text.contains(gone), "{name}: `{gone}` left in {text}");
        }
        assert_eq!(report["statement"]["date"], "2026-12-01", "{name}");
        assert_eq!(
            report["statement"]["source"],
            "E-mail reply from Example Mobile Privacy <privacy@examplemobile.example> to a customer, 2026-12-01, \
             subject “RE: Your data [ref [account or reference number]]”",
            "{name}"
        );
        assert_eq!(report["written"], false);
        let tags: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["tag"].as_str().unwrap())
            .collect();
        assert!(
            tags.contains(&"third-party-sharing") && tags.contains(&"aggregation"),
            "{name}: {tags:?}"
        );
        assert!(stderr.contains("dropped the signature"), "{name}: {stderr}");
        assert!(stderr.contains("dry run"), "{name}: {stderr}");
        assert_eq!(report["schema_version"], 1);
        assert_matches_schema("reply.schema.json", &report);
    }
    // The Windows-1252 bytes are decoded, not replaced.
    let (report, _) = reply_json(providers.path(), &fixture("replies/windows-1252.eml"), &[]);
    let text = report["statement"]["text"].as_str().unwrap();
    assert!(text.contains("We don’t sell") && text.contains("(£0)"), "{text}");
    assert_eq!(
        fs::read(providers.path().join("o2.toml")).unwrap(),
        before,
        "--dry-run writes nothing"
    );
}

#[test]
fn plain_text_and_html_replies_need_a_source_and_a_date() {
    let providers = providers_copy();
    for name in ["reply.txt", "reply.html"] {
        let out = run(orgcheck()
            .args(["reply", "o2"])
            .arg(fixture(&format!("replies/{name}")))
            .arg("--providers")
            .arg(providers.path())
            .arg("--dry-run"));
        assert_eq!(out.code, 2, "{name}");
        assert!(
            out.stderr.contains(&format!("{name}: ")) && out.stderr.contains("add --date"),
            "{}",
            out.stderr
        );
        let (report, _) = reply_json(
            providers.path(),
            &fixture(&format!("replies/{name}")),
            &[
                "--date",
                "2026-11",
                "--source",
                "Letter from the Privacy Office to a customer",
            ],
        );
        assert_eq!(report["statement"]["date"], "2026-11");
        assert_eq!(
            report["statement"]["source"],
            "Letter from the Privacy Office to a customer"
        );
        assert!(
            report["statement"]["text"].as_str().unwrap().contains("We don"),
            "{report}"
        );
    }
}

#[test]
fn an_acknowledgement_is_recorded_with_a_warning() {
    let providers = providers_copy();
    let out = run(orgcheck()
        .args(["reply", "o2"])
        .arg(fixture("replies/acknowledgement.eml"))
        .arg("--providers")
        .arg(providers.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("no practice found"), "{}", out.stderr);
    let toml = fs::read_to_string(providers.path().join("o2.toml")).unwrap();
    assert!(toml.contains("Your request has been received"), "{toml}");
    assert!(!toml.contains("CAS-448812"), "{toml}");
}

/// The round trip: the letter orgcheck drafts, a reply that quotes it whole, `reply`, then `compare`.
#[test]
fn letter_then_reply_then_compare() {
    let providers = providers_copy();
    let sender = providers.path().join("../sender.toml");
    fs::write(
        &sender,
        "name = \"Jane Customer\"\nemail = \"jane.customer@example.org\"\naccount = \"07700 900123\"\n\
         address = \"12 Acacia Avenue, Anytown, AT1 2BC\"\n",
    )
    .unwrap();
    let letter = run(orgcheck()
        .args(["letter", "o2", "--providers"])
        .arg(providers.path())
        .arg("--sender")
        .arg(&sender));
    assert_eq!(letter.code, 0, "{}", letter.stderr);
    // The fixture is O2's reply quoting the customer's whole letter below an Outlook header block; the
    // letter it quotes is replaced with the one orgcheck drafts now.
    let body = letter.stdout.split_once("\n\n").unwrap().1.replace('\n', "\r\n");
    let fixture = fs::read_to_string(fixture("replies/o2-reply.eml")).unwrap();
    let quoted_header = "Subject: Subject access request and questions about my data (O2)\r\n\r\n";
    let at = fixture.rfind(quoted_header).expect("the fixture quotes the letter") + quoted_header.len();
    let eml = providers.path().join("../reply.eml");
    fs::write(&eml, format!("{}{body}", &fixture[..at])).unwrap();

    let before = fs::read_to_string(providers.path().join("o2.toml")).unwrap();
    let out = run(orgcheck()
        .args(["reply", "o2"])
        .arg(&eml)
        .arg("--providers")
        .arg(providers.path())
        .arg("--sender")
        .arg(&sender));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let added = out.stdout;
    let after = fs::read_to_string(providers.path().join("o2.toml")).unwrap();

    // Byte-identical outside the added statement.
    let at = after.find(&added).expect("the added block is in the file");
    assert_eq!(format!("{}{}", &after[..at], &after[at + added.len()..]), before);
    assert!(added.contains("[[statements]]") && added.contains("# Recorded by `orgcheck reply` from reply.eml"));

    // Redacted: the customer's name, e-mail and postal address, phone and account and reference
    // numbers; the provider's own address and helpline stay.
    for gone in [
        "Jane",
        "Ms Customer",
        "jane.customer@example.org",
        "07700 900123",
        "07700 900456",
        "Acacia",
        "AT1 2BC",
        "SAR-2026-118822",
    ] {
        assert!(!added.contains(gone), "`{gone}` stored:\n{added}");
    }
    assert!(
        added.contains("DPO@o2.com") && added.contains("0800 902 0202"),
        "{added}"
    );
    assert!(
        added.contains("[customer's address]") && added.contains("[account or reference number]"),
        "{added}"
    );
    // Nothing of the quoted letter.
    assert!(
        !added.contains("Article 15") && !added.contains("Yours sincerely"),
        "{added}"
    );
    for removed in [
        "postal address",
        "account or reference number “SAR-2026-118822” (2 places)",
    ] {
        assert!(
            out.stderr.contains(&format!("removed {removed}")),
            "{removed}: {}",
            out.stderr
        );
    }
    assert!(
        out.stderr.contains("dropped the quoted earlier message"),
        "{}",
        out.stderr
    );

    // The next comparison reads it.
    let out = run(orgcheck()
        .args(["compare", "o2", "--format", "json", "--providers"])
        .arg(providers.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let p = &report["providers"][0];
    let statements = p["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[1]["date"], "2026-12-01");
    assert!(
        statements[1]["text"]
            .as_str()
            .unwrap()
            .starts_with("Thank you for your request"),
        "{}",
        statements[1]
    );
    let from_reply: Vec<&Value> = p["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["side"] == "statement" && f["statement"] == 1)
        .collect();
    assert!(from_reply.iter().any(|f| f["tag"] == "aggregation"), "{from_reply:?}");
    assert!(
        from_reply
            .iter()
            .any(|f| f["tag"] == "opt-out" && f["polarity"] == "positive"),
        "{from_reply:?}"
    );
    // The reply admits aggregated sharing, but the 2014 denial that personal information is ever
    // disclosed is still contradicted by the policy.
    assert_eq!(
        p["verdicts"]["third-party-sharing"], "contradiction",
        "{}",
        p["details"]
    );
}

#[test]
fn a_provider_without_a_reply_loses_reply_none() {
    let providers = providers_copy();
    let before = fs::read_to_string(providers.path().join("giffgaff.toml")).unwrap();
    assert!(before.contains("reply = \"none\""));
    let out = run(orgcheck()
        .args(["reply", "giffgaff"])
        .arg(fixture("replies/base64.eml"))
        .arg("--providers")
        .arg(providers.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("removed `reply = \"none\"`"), "{}", out.stderr);
    let after = fs::read_to_string(providers.path().join("giffgaff.toml")).unwrap();
    assert!(
        !after.contains("reply = \"none\"") && after.contains("[[statements]]"),
        "{after}"
    );
    let out = run(orgcheck().args(["providers", "--check"]).arg(providers.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn bad_input_changes_nothing_and_says_why() {
    let providers = providers_copy();
    let file = providers.path().join("o2.toml");
    let before = fs::read(&file).unwrap();
    let empty = providers.path().join("../empty.eml");
    fs::write(&empty, "").unwrap();
    let quoted_only = providers.path().join("../quoted.txt");
    fs::write(&quoted_only, "> We never sell data.\n> Or do we?\n").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![empty.display().to_string()], "empty file"),
        (
            vec![
                quoted_only.display().to_string(),
                "--date".into(),
                "2026".into(),
                "--source".into(),
                "x".into(),
            ],
            "no words of the provider's own",
        ),
        (vec!["missing.eml".into()], "missing.eml: cannot open"),
        (
            vec![
                fixture("replies/base64.eml").display().to_string(),
                "--email".into(),
                "privacy@examplemobile.example".into(),
            ],
            "this message is from you",
        ),
        (
            vec![
                fixture("replies/base64.eml").display().to_string(),
                "--date".into(),
                "1 Dec".into(),
            ],
            "is not a date",
        ),
    ];
    for (args, expected) in cases {
        let out = run(orgcheck()
            .args(["reply", "o2"])
            .args(&args)
            .arg("--providers")
            .arg(providers.path()));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
    }
    let out = run(orgcheck()
        .args(["reply", "orange"])
        .arg(fixture("replies/base64.eml"))
        .arg("--providers")
        .arg(providers.path()));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("unknown provider `orange`"), "{}", out.stderr);
    // A declaration whose statements cannot take a [[statements]] table is left alone.
    let inline = "name = \"O2\"\nstatements = []\n\n[[documents]]\nid = \"p\"\nurl = \"https://o2.example/p\"\n";
    fs::write(&file, inline).unwrap();
    let out = run(orgcheck()
        .args(["reply", "o2"])
        .arg(fixture("replies/base64.eml"))
        .arg("--providers")
        .arg(providers.path()));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("the file was not changed"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), inline);
    fs::write(&file, &before).unwrap();
    // Without a providers directory there is nothing to edit.
    let out = run(orgcheck()
        .args(["reply", "o2"])
        .arg(fixture("replies/base64.eml"))
        .current_dir(std::env::temp_dir()));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--providers"), "{}", out.stderr);
}

#[test]
fn control_characters_in_a_subject_never_reach_the_source() {
    let providers = providers_copy();
    let mail = fs::read_to_string(fixture("replies/base64.eml")).unwrap();
    // An encoded word that decodes to ESC, BEL and a line break with a header after it.
    let hostile = mail.replace(
        "Subject: RE: Your data [ref CAS-448812]",
        "Subject: =?utf-8?Q?RE=3A_Your_data=1B]0;pwned=07=0D=0ABcc:_attacker@evil.example?=",
    );
    assert_ne!(hostile, mail);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.eml");
    fs::write(&file, hostile).unwrap();
    let (report, _) = reply_json(providers.path(), &file, &[]);
    let source = report["statement"]["source"].as_str().unwrap();
    assert!(!source.chars().any(char::is_control), "{source:?}");
    assert!(source.contains("]0;pwned Bcc: "), "kept as text on one line: {source}");
}

#[test]
fn ten_replies_recorded_at_once_all_land() {
    let providers = providers_copy();
    let count = |p: &Path| {
        fs::read_to_string(p.join("o2.toml"))
            .unwrap()
            .matches("[[statements]]")
            .count()
    };
    let before = count(providers.path());
    let files = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..10)
        .map(|i| {
            let file = files.path().join(format!("reply-{i}.txt"));
            fs::write(
                &file,
                format!("We never sell your personal data to anyone (reply number {i}).\n"),
            )
            .unwrap();
            std::process::Command::new(env!("CARGO_BIN_EXE_orgcheck"))
                .args(["reply", "o2"])
                .arg(&file)
                .arg("--providers")
                .arg(providers.path())
                .args([
                    "--source",
                    &format!("Letter {i} to a customer"),
                    "--date",
                    "2026-12-01",
                    "-q",
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut landed = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => landed += 1,
            Some(2) => assert!(stderr.contains("another `orgcheck reply`"), "a loud failure: {stderr}"),
            other => panic!("exit {other:?}: {stderr}"),
        }
        assert!(!stderr.contains("internal error"), "{stderr}");
    }
    assert_eq!(landed, 10, "with the default wait, every reply lands");
    assert_eq!(count(providers.path()), before + landed, "nothing lost");
}

#[test]
fn a_file_name_with_control_characters_is_recorded_by_its_code_points() {
    let providers = providers_copy();
    let out = record_text(
        providers.path(),
        "reply\u{1b}[2J\u{7f}.txt",
        "We never sell your personal data to anyone.\n",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let toml = fs::read_to_string(providers.path().join("o2.toml")).unwrap();
    assert!(toml.contains("from reply[U+001B][2J[U+007F].txt on"), "{toml}");
}

#[test]
fn a_crlf_declaration_with_a_bom_keeps_both() {
    let providers = providers_copy();
    let path = providers.path().join("o2.toml");
    let lf = fs::read_to_string(&path).unwrap();
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    fs::write(&path, &crlf).unwrap();
    let out = record_text(
        providers.path(),
        "reply.txt",
        "We never sell your personal data to anyone.\n",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let after = fs::read_to_string(&path).unwrap();
    assert!(after.starts_with('\u{feff}'), "the BOM is kept");
    assert!(
        after.starts_with(&crlf),
        "everything before the new statement is byte for byte"
    );
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count(), "no bare LF");
    assert!(after.contains("We never sell your personal data to anyone."), "{after}");
}

#[test]
fn a_from_header_at_another_domain_is_not_trusted() {
    let providers = providers_copy();
    // "O2 Support" at gmail.com: the customer's own gmail address in the body must still go.
    let gmail = "From: \"O2 Support\" <o2support@gmail.com>\r\nTo: \"Jane Customer\" <jane.customer@gmail.com>\r\n\
                 Date: Tue, 01 Dec 2026 14:03:00 +0000\r\nSubject: Your data\r\nContent-Type: text/plain; \
                 charset=utf-8\r\n\r\nWe never sell your personal data to anyone. We have noted \
                 jane.customer@gmail.com as your contact address.\r\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gmail.eml");
    fs::write(&file, gmail).unwrap();
    let (report, stderr) = reply_json(providers.path(), &file, &[]);
    assert!(
        stderr.contains("gmail.com, which is none of O2's declared domains"),
        "{stderr}"
    );
    let text = report["statement"]["text"].as_str().unwrap();
    assert!(text.contains("We never sell your personal data"), "{text}");
    assert!(!text.contains("@gmail.com"), "{text}");
    let out = run(orgcheck()
        .args(["reply", "o2"])
        .arg(&file)
        .arg("--providers")
        .arg(providers.path())
        .arg("--strict"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("nothing recorded"), "{}", out.stderr);
}

#[test]
fn a_reply_longer_than_a_statement_holds_is_refused() {
    let providers = providers_copy();
    let before = fs::read(providers.path().join("o2.toml")).unwrap();
    let sentence = "We never sell your personal data to anyone, and we keep it safe. ";
    let out = record_text(
        providers.path(),
        "long.txt",
        &sentence.repeat(25_000 / sentence.len() + 1),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("more than a statement holds (20000)"),
        "{}",
        out.stderr
    );
    assert_eq!(
        fs::read(providers.path().join("o2.toml")).unwrap(),
        before,
        "nothing written"
    );
}

/// Records `text`, saved as a plain-text reply named `name`, in the o2 declaration in `providers`.
fn record_text(providers: &Path, name: &str, text: &str) -> crate::util::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    fs::write(&file, text).unwrap();
    run(orgcheck()
        .args(["reply", "o2"])
        .arg(&file)
        .arg("--providers")
        .arg(providers)
        .args(["--source", "Letter to a customer", "--date", "2026-12-01"]))
}

#[test]
fn every_seed_of_the_reply_fuzzer_is_recorded_or_refused_never_a_panic() {
    // The seeds hold the inputs that once made `reply` panic ("A £5 fee", "1 – with", binary base64) and
    // their kin; their first byte picks the input format, as the fuzz target reads them.
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/reply_message");
    let providers = providers_copy();
    let before = fs::read(providers.path().join("o2.toml")).unwrap();
    let mut tried = 0;
    for entry in fs::read_dir(&seeds).unwrap().flatten() {
        let bytes = fs::read(entry.path()).unwrap();
        let Some((&pick, body)) = bytes.split_first() else {
            continue;
        };
        let format = ["eml", "text", "html"][usize::from(pick) % 3];
        let file = providers.path().join("reply.in");
        fs::write(&file, body).unwrap();
        let out = orgcheck()
            .args(["reply", "o2"])
            .arg(&file)
            .arg("--providers")
            .arg(providers.path())
            .args(["--input-format", format, "--date", "2025-06-01", "--name", "Jane Doe"])
            .args(["--email", "jane@example.org", "--dry-run", "--format", "json"])
            .args(if format == "eml" {
                &[][..]
            } else {
                &["--source", "a reply by post"][..]
            })
            .output()
            .unwrap();
        let name = entry.file_name();
        let code = out.status.code();
        assert!(matches!(code, Some(0 | 2)), "{name:?}: exit {code:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("internal error"),
            "{name:?}: {stderr}"
        );
        assert!(
            !out.stdout.iter().chain(&out.stderr).any(|&b| b == 0x1b || b == 0),
            "{name:?}: a raw control character was printed"
        );
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("jane@example.org"),
            "{name:?}"
        );
        tried += 1;
    }
    assert!(tried >= 10, "the seeds are there ({tried})");
    assert_eq!(
        fs::read(providers.path().join("o2.toml")).unwrap(),
        before,
        "a dry run changes nothing"
    );
}

#[test]
fn a_reply_from_a_bundled_provider_is_recorded_in_a_copy_of_its_declaration() {
    let dir = tempfile::tempdir().unwrap();
    // The directory need not exist yet: the first reply makes it.
    let mine = dir.path().join("mine");
    let reply = |extra: &[&str]| {
        run(orgcheck()
            .args(["reply", "o2"])
            .arg(fixture("replies/base64.eml"))
            .arg("--providers")
            .arg(&mine)
            .args(extra))
    };
    // A dry run copies nothing.
    let out = reply(&["--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("dry run: nothing changed"), "{}", out.stderr);
    assert!(!mine.exists());
    let out = reply(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("copied orgcheck's declaration of o2 into"),
        "{}",
        out.stderr
    );
    let declaration = fs::read_to_string(mine.join("o2.toml")).unwrap();
    assert!(declaration.contains("Recorded by `orgcheck reply`"), "{declaration}");
    assert!(mine.join("o2/privacy-policy-2014.txt").is_file());
    // The copy is now the one compared, with the reply as a statement beside the bundled ones.
    let out = run(orgcheck()
        .args(["compare", "o2", "--format", "json", "--providers"])
        .arg(&mine));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let statements = doc["providers"][0]["statements"].as_array().unwrap().len();
    let out = run(orgcheck().args(["compare", "o2", "--format", "json"]));
    let bundled: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        statements,
        bundled["providers"][0]["statements"].as_array().unwrap().len() + 1
    );
}
