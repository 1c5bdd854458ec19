//! orgcheck: compares what companies tell customers about their data with what their privacy
//! policies say.
//!
//! The library is in layers, one folder each, lowest first. A layer uses only the layers above it in
//! this list, and inside a layer a module uses only the modules listed before it in the layer's
//! `mod.rs` (a test checks both), so each part can be read, tested and changed knowing only what it
//! stands on.
//!
//! | layer | what it does |
//! | --- | --- |
//! | [`base`] | the error type, SHA-256 names, what every report carries, excerpts |
//! | [`document`] | markup to text; bytes to a document; clauses; quotes on a page; noise between versions |
//! | [`analysis`] | the tags; rules, cues and the ontology as data; what a negation covers; findings and practices |
//! | [`inputs`] | declarations, downloads, pages rendered in headless Chromium, dated versions on disk, the fetcher |
//! | [`stages`] | the work behind the commands that report on texts: extract, eval, compare, lint, diff, … |
//! | [`campaign`] | the letter to a provider and its reply, recorded as a statement |
//! | [`output`] | every report as a table, JSON, JSONL, Markdown or HTML |
//!
//! The `orgcheck` binary (`src/main.rs`, `src/cli/`) parses arguments and wires these together; the
//! library has no command-line types and prints nothing (clippy's `print_stdout` and `print_stderr`
//! lints hold it to that).
//!
//! Tagging a text with the default rules:
//!
//! ```
//! use orgcheck::{Polarity, RuleSet, Tag};
//!
//! let rules = RuleSet::default_rules()?;
//! let findings = rules.findings("We do not sell your data but we share it with partners.");
//! let sharing: Vec<Polarity> =
//!     findings.iter().filter(|f| f.tag == Tag::ThirdPartySharing).map(|f| f.polarity).collect();
//! assert_eq!(sharing, [Polarity::Negative, Polarity::Positive]);
//! assert_eq!(findings[0].evidence, "sell your data");
//! # Ok::<(), orgcheck::Error>(())
//! ```
//!
//! Comparing the bundled providers:
//!
//! ```
//! use orgcheck::inputs::providers::{load, ProviderSource};
//! use orgcheck::stages::compare::{compare_provider, policy_text, Verdict};
//! use orgcheck::{RuleSet, Tag};
//!
//! let rules = RuleSet::default_rules()?;
//! let o2 = load(&ProviderSource::Bundled)?.into_iter().find(|p| p.id == "o2").unwrap();
//! let (text, _) = policy_text(&o2, None)?;
//! let report = compare_provider(&rules, &o2, &text);
//! assert_eq!(report.verdicts.get(Tag::ThirdPartySharing), Verdict::Contradiction);
//! # Ok::<(), orgcheck::Error>(())
//! ```

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod base;
pub mod document;
pub mod analysis;
pub mod inputs;
pub mod stages;
pub mod campaign;
pub mod output;

// What most callers need, at the crate's root: the binary, the benchmarks and the fuzz targets use these.
pub use analysis::rules::{Combine, RuleSet, RulesFile};
pub use analysis::tag::{Polarity, Tag};
pub use analysis::{Finding, Practice};
pub use base::error::{Error, Result};
pub use document::ingest::{Input, Isolation, Origin};
pub use document::markup::InputFormat;
pub use document::noise::Normaliser;
pub use output::{Output, OutputFormat};

#[cfg(test)]
mod layering {
    use std::fs;
    use std::path::{Path, PathBuf};

    /// The layers, lowest first, as `lib.rs` declares them: each may use only those before it.
    const LAYERS: &[&str] = &["base", "document", "analysis", "inputs", "stages", "campaign", "output"];

    fn src() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
    }

    /// The modules a `mod.rs` declares, in order.
    fn declared(mod_rs: &Path) -> Vec<String> {
        let source = fs::read_to_string(mod_rs).unwrap_or_else(|e| panic!("{}: {e}", mod_rs.display()));
        source
            .lines()
            .filter_map(|l| {
                let l = l.trim_start();
                let l = l
                    .strip_prefix("pub ")
                    .or_else(|| l.strip_prefix("pub(crate) "))
                    .unwrap_or(l);
                l.strip_prefix("mod ")?.strip_suffix(';').map(str::to_string)
            })
            .collect()
    }

    /// Every `.rs` file under `dir`, sorted.
    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out.sort();
        out
    }

    /// The module path of a file under `src/`: `src/stages/compare/grade.rs` is `stages::compare::grade`.
    fn module_of(file: &Path) -> Vec<String> {
        let rel = file.strip_prefix(src()).unwrap().with_extension("");
        let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        parts
    }

    /// The absolute module paths a source file mentions (`crate::a::b`, and `super::` resolved from
    /// `module`), as their first two parts, doc comments included: a doc link upward is a sign the design
    /// leans the wrong way too.
    fn mentions(source: &str, module: &[String]) -> Vec<(String, Option<String>)> {
        let tests = source.find("\nmod tests {");
        let ident = |s: &str| -> Option<String> {
            let end = s
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(s.len());
            (end > 0).then(|| s[..end].to_string())
        };
        let mut out = Vec::new();
        for (i, _) in source.match_indices("crate::") {
            if source[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let rest = &source[i + "crate::".len()..];
            let Some(first) = ident(rest) else { continue };
            let second = rest[first.len()..].strip_prefix("::").and_then(ident);
            out.push((first, second));
        }
        for (i, _) in source.match_indices("super::") {
            if source[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            // Inside a file's `mod tests`, `super` is the file's own module.
            let mut base: Vec<String> = module.to_vec();
            if tests.is_some_and(|t| i > t) {
                base.push("tests".into());
            }
            let mut rest = &source[i..];
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            let Some(next) = ident(rest) else { continue };
            base.push(next);
            let second = rest[base.last().unwrap().len()..].strip_prefix("::").and_then(ident);
            if let Some(second) = second {
                base.push(second);
            }
            if !base.is_empty() {
                out.push((base[0].clone(), base.get(1).cloned()));
            }
        }
        out
    }

    #[test]
    fn layers_and_modules_use_only_what_is_below_them() {
        let lib = declared(&src().join("lib.rs"));
        assert_eq!(lib, LAYERS, "lib.rs declares the layers, lowest first");
        let mut wrong = Vec::new();
        for (rank, layer) in LAYERS.iter().enumerate() {
            let order = declared(&src().join(layer).join("mod.rs"));
            for file in files(&src().join(layer)) {
                let module = module_of(&file);
                let own = module.get(1).cloned();
                let own_rank = own.as_ref().and_then(|m| order.iter().position(|o| o == m));
                let source = fs::read_to_string(&file).unwrap();
                for (used_layer, used_module) in mentions(&source, &module) {
                    let Some(used_rank) = LAYERS.iter().position(|l| *l == used_layer) else {
                        if !["Error", "Result"].contains(&used_layer.as_str()) {
                            wrong.push(format!("{} uses {used_layer}, which is not a layer", file.display()));
                        }
                        continue;
                    };
                    let what = format!("{used_layer}::{}", used_module.clone().unwrap_or_default());
                    if used_rank > rank {
                        wrong.push(format!("{} uses {what}, a layer above its own", file.display()));
                    } else if used_rank == rank
                        && let (Some(own), Some(own_rank), Some(used)) = (&own, own_rank, &used_module)
                        && used != own
                        && order.iter().position(|o| o == used).is_some_and(|r| r > own_rank)
                    {
                        wrong.push(format!(
                            "{} uses {what}, listed after {own} in {layer}/mod.rs",
                            file.display()
                        ));
                    }
                }
            }
        }
        wrong.sort();
        wrong.dedup();
        assert!(wrong.is_empty(), "imports that run uphill:\n{}", wrong.join("\n"));
    }

    #[test]
    fn every_file_of_a_layer_is_declared_in_its_mod_rs() {
        for layer in LAYERS {
            let dir = src().join(layer);
            let order = declared(&dir.join("mod.rs"));
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                let module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
                if module && name != "mod" {
                    assert!(
                        order.contains(&name),
                        "{} is not declared in {layer}/mod.rs",
                        path.display()
                    );
                }
            }
        }
    }

    /// Every folder under `src/`, at any depth.
    fn folders(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for path in fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
        {
            out.extend(folders(&path));
            out.push(path);
        }
        out
    }

    #[test]
    fn every_folder_opens_with_a_module_comment() {
        for dir in folders(&src()) {
            let mod_rs = dir.join("mod.rs");
            let source = fs::read_to_string(&mod_rs).unwrap_or_else(|e| panic!("{}: {e}", mod_rs.display()));
            assert!(
                source.starts_with("//! "),
                "{} does not open with a //! comment",
                mod_rs.display()
            );
        }
    }

    /// A file that long is doing more than one job: split it along them (docs/architecture.md).
    const MAX_LINES: usize = 1_000;

    #[test]
    fn no_file_is_over_a_thousand_lines_and_few_sit_in_src() {
        let long: Vec<String> = files(&src())
            .into_iter()
            .filter_map(|f| {
                let lines = fs::read_to_string(&f).unwrap().lines().count();
                (lines > MAX_LINES).then(|| format!("{}: {lines} lines", f.display()))
            })
            .collect();
        assert!(long.is_empty(), "over {MAX_LINES} lines:\n{}", long.join("\n"));
        let top: Vec<PathBuf> = fs::read_dir(src())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        assert!(top.len() <= 4, "files directly in src/ belong in a layer: {top:?}");
    }
}
