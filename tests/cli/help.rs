//! What `--help` and argument errors tell a user: every flag described, only the values that work.

use crate::util::{orgcheck, run};

const COMMANDS: [&str; 12] = [
    "compare",
    "fetch",
    "lint",
    "letter",
    "reply",
    "extract",
    "providers",
    "rules",
    "diff",
    "check",
    "history",
    "eval",
];

#[test]
fn every_format_flag_says_what_it_does() {
    for command in COMMANDS {
        let out = run(orgcheck().args([command, "--help"]));
        assert_eq!(out.code, 0, "{command}: {}", out.stderr);
        let lines: Vec<&str> = out.stdout.lines().collect();
        let Some(at) = lines
            .iter()
            .position(|l| l.trim_start().starts_with("-f, --format <FORMAT>"))
        else {
            continue;
        };
        // Short help puts the description on the flag's line, long help on the next.
        let same = lines[at].split("<FORMAT>").nth(1).unwrap_or("").trim();
        let next = if same.is_empty() { lines[at + 1].trim() } else { same };
        assert!(
            !next.is_empty() && !next.starts_with('['),
            "{command} --format has no description: {next:?}"
        );
    }
}

#[test]
fn input_formats_offered_are_the_ones_the_command_reads() {
    let help = run(orgcheck().args(["extract", "--help"])).stdout;
    assert!(
        help.contains("PDF") && help.contains("warc") && help.contains("jsonl"),
        "{help}"
    );
    let about = run(orgcheck().arg("--help")).stdout;
    let extract = about.lines().find(|l| l.trim_start().starts_with("extract")).unwrap();
    assert!(extract.contains("PDF"), "{extract}");
    for (command, refused, offered) in [
        (
            "diff",
            ["jsonl", "warc"],
            "[possible values: auto, text, markdown, html]",
        ),
        (
            "lint",
            ["warc", "warc"],
            "[possible values: auto, text, markdown, html, jsonl]",
        ),
    ] {
        let help = run(orgcheck().args([command, "--help"])).stdout;
        let section = &help[help.find("--input-format").unwrap()..];
        let section = &section[..section.find("--select").unwrap_or(section.len())];
        for value in refused {
            assert!(
                !section.contains(&format!("- {value}")),
                "{command} offers {value}: {section}"
            );
            let out = run(orgcheck().args([command, "--input-format", value, "x"]));
            assert_eq!(out.code, 2);
            assert!(out.stderr.contains(offered), "{command}: {}", out.stderr);
        }
    }
}

#[test]
fn completions_and_the_manual_page_generate() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(orgcheck().args(["completions", shell]));
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        for word in ["orgcheck", "compare", "--providers", "--input-format"] {
            assert!(out.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    let out = run(orgcheck().args(["completions", "tcsh"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("possible values"), "{}", out.stderr);

    let out = run(orgcheck().arg("man"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = &out.stdout;
    assert!(page.contains(".TH orgcheck 1"), "{page}");
    assert!(page.contains(".SH \"EXIT STATUS\""), "{page}");
    for command in &COMMANDS[..12] {
        assert!(
            page.contains(&format!(".SH \"ORGCHECK {}\"", command.to_uppercase())),
            "the manual lacks {command}"
        );
    }
    assert!(page.contains("\\-\\-providers"), "options are listed");
}

/// `help compare` is where a reader of a table looks up a verdict: every one is explained there, and
/// in the manual.
#[test]
fn help_compare_and_the_manual_explain_every_verdict() {
    let help = run(orgcheck().args(["help", "compare"])).stdout;
    let man = run(orgcheck().arg("man")).stdout.replace("\\-", "-");
    for verdict in [
        "contradiction",
        "narrow-denial",
        "omission",
        "consistent",
        "statement-only",
        "not-mentioned",
        "no-statement",
        "unreadable",
    ] {
        let explained = help
            .lines()
            .any(|l| l.trim_start().starts_with(verdict) && l.len() > verdict.len() + 20);
        assert!(explained, "help compare does not explain {verdict}:\n{help}");
        assert!(man.contains(verdict), "the manual lacks {verdict}");
    }
    assert!(help.contains("Examples:\n  orgcheck compare"), "{help}");
}
