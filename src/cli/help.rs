//! What `--help` and the manual add to the argument definitions: each command's examples, the
//! verdicts and tags `compare` prints, the gold formats `eval` reads, and a `--format` description
//! that names only the formats the command writes.

use clap::Command;
use orgcheck::analysis::tag::Tag;
use orgcheck::output::OutputFormat;
use orgcheck::stages::compare::Verdict;

/// Each command's examples: the command line, then what it does.
const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "compare",
        &[
            (
                "orgcheck compare",
                "every provider: the bundled 2014 snapshots and replies, offline",
            ),
            (
                "orgcheck compare o2 ee --format html > report.html",
                "two providers, as one page to publish",
            ),
            (
                "orgcheck compare --providers my-providers --live --fail-on contradiction",
                "your providers too, fetched first; exit 1 on a contradiction",
            ),
        ],
    ),
    (
        "fetch",
        &[
            ("orgcheck fetch", "every declared policy, into ./.orgcheck"),
            (
                "orgcheck fetch o2 --store ~/policies --render never",
                "one provider, without a browser",
            ),
        ],
    ),
    (
        "lint",
        &[
            (
                "orgcheck lint o2",
                "a provider's policy: its stored text, else its snapshot",
            ),
            (
                "orgcheck lint policy.html --select main",
                "a saved page, only its main element",
            ),
            (
                "orgcheck lint https://example.com/privacy --fail-on contradiction",
                "a page on the web, for CI",
            ),
        ],
    ),
    (
        "letter",
        &[
            (
                "orgcheck letter o2 --name 'Ada Lovelace' --email ada@example.org",
                "a subject access request to O2, with questions from its policy",
            ),
            (
                "orgcheck letter acme --providers my-providers --letter-lang de",
                "your provider, in German (the law follows its country)",
            ),
            (
                "orgcheck letter o2 --format json",
                "the letter's parts, for a mail merge",
            ),
        ],
    ),
    (
        "reply",
        &[
            (
                "orgcheck reply o2 reply.eml --dry-run",
                "show what would be recorded, change nothing",
            ),
            (
                "orgcheck reply o2 reply.eml --providers my-providers",
                "record it in my-providers/o2.toml (a copy of the bundled declaration)",
            ),
            (
                "orgcheck reply acme letter.txt --date 2026-03 --source 'Letter from Acme'",
                "a reply that came on paper",
            ),
        ],
    ),
    (
        "extract",
        &[
            ("orgcheck extract policy.html", "the tagged clauses of a saved page"),
            (
                "orgcheck extract https://example.com/privacy --format json",
                "a page on the web, as JSON",
            ),
            (
                "orgcheck extract --input-format jsonl < policies.jsonl > findings.jsonl",
                "a corpus: one {\"id\", \"text\"} record per line in, one record of findings per line out",
            ),
        ],
    ),
    (
        "providers",
        &[
            ("orgcheck providers", "the bundled providers and their documents"),
            (
                "orgcheck providers new acme --name 'Acme Mobile' --country DE --url https://acme.example/privacy",
                "start a declaration of your own, in ./providers",
            ),
            (
                "orgcheck providers --providers my-providers --check",
                "validate your declarations",
            ),
        ],
    ),
    (
        "rules",
        &[
            ("orgcheck rules", "the active rules, by tag"),
            (
                "orgcheck rules --rules my-rules.toml --format json",
                "with your rules added",
            ),
        ],
    ),
    (
        "diff",
        &[
            (
                "orgcheck diff old.html new.html",
                "two versions of a policy, clause by clause",
            ),
            ("orgcheck diff o2", "the last two stored versions of O2's policy"),
            (
                "orgcheck diff o2/policy --from 2025-01 --fail-on meaning",
                "since January 2025; exit 1 if its meaning changed",
            ),
        ],
    ),
    (
        "check",
        &[
            (
                "orgcheck check --live --fail-on meaning",
                "fetch, then exit 1 if a policy changed in meaning",
            ),
            (
                "orgcheck check --update-baseline",
                "accept the store's latest versions as the new baseline",
            ),
            (
                "orgcheck check --live --format github",
                "annotations for a GitHub Actions job",
            ),
        ],
    ),
    (
        "history",
        &[
            (
                "orgcheck history o2",
                "when each practice appeared or went, version by version",
            ),
            ("orgcheck history o2/policy --format markdown", "the same, for an issue"),
        ],
    ),
    (
        "import",
        &[(
            "orgcheck import o2/policy capture.html --date 2019-06-01 --source https://web.archive.org/web/2019/https://www.o2.co.uk/privacy",
            "an archived version, stored under the date it was captured",
        )],
    ),
    (
        "eval",
        &[
            ("orgcheck eval --gold gold.jsonl", "precision, recall and F1 per tag"),
            (
                "orgcheck eval --gold checks.jsonl --min-accuracy 0.9 --errors 5",
                "a CI gate that lists what it missed",
            ),
        ],
    ),
    (
        "completions",
        &[(
            "orgcheck completions bash > ~/.local/share/bash-completion/completions/orgcheck",
            "tab completion for bash",
        )],
    ),
    (
        "man",
        &[("orgcheck man > orgcheck.1 && man ./orgcheck.1", "the manual page")],
    ),
];

/// The two record shapes `eval --gold` reads, each with an example line.
const GOLD_FORMATS: &str = "\
Gold records, one JSON object per line, of either shape:
  Labelled texts: \"labels\" lists the tags the text has; \"negative\" (optional) lists the tags it
  has as a denial (\"we do not sell\"). Scored as precision, recall and F1 per tag.
    {\"id\": \"p1#3\", \"text\": \"We never sell your data.\", \"labels\": [\"third-party-sharing\"], \"negative\": [\"third-party-sharing\"]}
  Checks: \"kind\" is \"expect\" (the text has the tag with that polarity) or \"absent\" (it has not).
  Scored as accuracy per tag and polarity (--min-accuracy).
    {\"id\": \"c7\", \"text\": \"We may share location with advertisers.\", \"kind\": \"expect\", \"tag\": \"location\", \"polarity\": \"positive\"}";

/// Adds the examples, the glossaries and the format lists to every command.
pub fn decorate(mut command: Command) -> Command {
    let names: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        command = command.mut_subcommand(&name, |sub| {
            let mut after = String::new();
            match name.as_str() {
                "compare" => after.push_str(&glossary()),
                "eval" => after.push_str(GOLD_FORMATS),
                _ => {}
            }
            if let Some((_, examples)) = EXAMPLES.iter().find(|(n, _)| *n == name) {
                if !after.is_empty() {
                    after.push_str("\n\n");
                }
                after.push_str("Examples:\n");
                for (line, what) in *examples {
                    after.push_str(&format!("  {line}\n      {what}\n"));
                }
            }
            let sub = if after.is_empty() {
                sub
            } else {
                sub.after_help(after.trim_end().to_string())
            };
            formats_help(sub)
        });
    }
    command
}

/// The verdicts and the tags, for `help compare` and the manual.
pub fn glossary() -> String {
    let mut out = String::from("Verdicts, one per provider and tag:\n");
    let wide = Verdict::ALL.iter().map(|v| v.as_str().len()).max().unwrap_or(0) + 4;
    for v in Verdict::ALL {
        let indent = " ".repeat(wide);
        let text = textwrap::fill(
            v.meaning(),
            textwrap::Options::new(100)
                .initial_indent(&indent)
                .subsequent_indent(&indent),
        );
        out.push_str(&format!("  {:<w$}{}\n", v.as_str(), &text[wide..], w = wide - 2));
    }
    let tags: Vec<String> = (Tag::ALL.iter())
        .map(|t| match t.about().short {
            short if short == t.as_str() => short.to_string(),
            short => format!("{} ([{short}] in tables)", t.as_str()),
        })
        .collect();
    out.push_str(&format!(
        "\nTags: {}. [tag] marks a clause that says the company does it, [no tag] one that says it does not.",
        tags.join(", ")
    ));
    out
}

/// A command's `--format` help names the formats it writes, and only those.
fn formats_help(sub: Command) -> Command {
    let Some(arg) = sub.get_arguments().find(|a| a.get_id() == "format") else {
        return sub;
    };
    let generic = arg
        .get_help()
        .is_some_and(|h| h.to_string().starts_with("What to write on stdout"));
    if !generic {
        return sub;
    }
    let offered: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter_map(|v| OutputFormat::ALL.into_iter().find(|f| f.as_str() == v.get_name()))
        .map(|f| {
            let what = match f {
                OutputFormat::Table => "to read in a terminal",
                OutputFormat::Json => "one document with `schema_version`, for other tools",
                OutputFormat::Jsonl => "one JSON record per line",
                OutputFormat::Markdown => "for an issue or a report",
                OutputFormat::Html => "one page to publish",
                OutputFormat::Github => "annotations for GitHub Actions",
            };
            format!("`{}` ({what})", f.as_str())
        })
        .collect();
    let help = format!("What to write on stdout: {}", offered.join(", "));
    sub.mut_arg("format", |a| a.help(help))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_example_parses_as_its_command() {
        let command = decorate(super::super::Cli::command());
        for (name, examples) in EXAMPLES {
            assert!(command.find_subcommand(name).is_some(), "no command {name}");
            for (line, _) in *examples {
                let line = line
                    .split(" > ")
                    .next()
                    .unwrap_or(line)
                    .split(" < ")
                    .next()
                    .unwrap_or(line);
                let line = line.split(" && ").next().unwrap_or(line);
                let words = shell_words(line);
                let result = command.clone().try_get_matches_from(&words);
                assert!(
                    result.is_ok(),
                    "{line}: {}",
                    result.err().map(|e| e.to_string()).unwrap_or_default()
                );
            }
        }
    }

    /// Splits on spaces, keeping single-quoted words whole: the examples need no more.
    fn shell_words(line: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '\'' => quoted = !quoted,
                ' ' if !quoted => {
                    if !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                }
                c => word.push(c),
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
        words
    }

    #[test]
    fn every_command_has_examples() {
        let command = decorate(super::super::Cli::command());
        for sub in command
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            let after = sub.get_after_help().map(|h| h.to_string()).unwrap_or_default();
            assert!(after.contains("Examples:\n  orgcheck "), "{}: {after}", sub.get_name());
        }
    }

    #[test]
    fn the_glossary_explains_every_verdict_and_tag() {
        let text = glossary();
        for v in Verdict::ALL {
            assert!(text.contains(v.as_str()) && text.contains(&v.meaning()[..20]), "{v:?}");
        }
        for t in Tag::ALL {
            assert!(text.contains(t.as_str()), "{t:?}");
        }
    }

    #[test]
    fn format_help_names_only_the_formats_offered() {
        let command = decorate(super::super::Cli::command());
        let eval = command.find_subcommand("eval").unwrap();
        let help = eval
            .get_arguments()
            .find(|a| a.get_id() == "format")
            .unwrap()
            .get_help()
            .unwrap()
            .to_string();
        assert!(help.contains("`table`") && help.contains("`json`"), "{help}");
        assert!(
            !help.contains("html") && !help.contains("markdown") && !help.contains("jsonl"),
            "{help}"
        );
    }
}
