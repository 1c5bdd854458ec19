//! What changed since an earlier comparison (`compare --baseline FILE`): verdicts that moved, providers
//! added or gone, statements new or withdrawn. The earlier run is read from its own JSON, so a CI job
//! keeps last night's `compare --format json` and compares tonight's with it.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::report::{CompareReport, Verdict};
use crate::analysis::tag::Tag;
use crate::base::error::{Error, Location, Result};

/// The parts of an earlier `compare --format json` that changes are measured against.
#[derive(Debug, Clone, Deserialize)]
pub struct Baseline {
    schema_version: u32,
    providers: Vec<BaselineProvider>,
}

#[derive(Debug, Clone, Deserialize)]
struct BaselineProvider {
    id: String,
    name: String,
    verdicts: BTreeMap<String, Verdict>,
    #[serde(default)]
    statements: Vec<BaselineStatement>,
}

#[derive(Debug, Clone, Deserialize)]
struct BaselineStatement {
    text: String,
}

/// The `schema_version`s of `compare` JSON a baseline may have: both write `verdicts` the same way.
const READABLE: [u32; 2] = [2, 3];

impl Baseline {
    /// Reads an earlier `compare --format json`; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Baseline> {
        let at = |line: Option<usize>, message: String| {
            let location = line.map_or_else(|| Location::file(file), |l| Location::at(file, l));
            Error::invalid(location, message)
        };
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| {
            at(
                Some(e.line()),
                format!("{e}; the baseline is the JSON of an earlier `orgcheck compare --format json`"),
            )
        })?;
        if !READABLE.contains(&baseline.schema_version) {
            return Err(at(
                None,
                format!(
                    "schema_version {} is not one this orgcheck reads as a baseline ({}); write a new one with \
                     `orgcheck compare --format json`",
                    baseline.schema_version,
                    READABLE.map(|v| v.to_string()).join(" or ")
                ),
            ));
        }
        Ok(baseline)
    }
}

/// How a verdict moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Movement {
    /// Now a contradiction, a narrow denial or an omission, and it was not that.
    New,
    /// Was a contradiction, a narrow denial or an omission, and is no longer any.
    Resolved,
    /// Another change (one finding verdict for another, or between verdicts that are not findings).
    Changed,
}

/// One verdict that is not what it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct VerdictChange {
    pub provider: String,
    pub name: String,
    pub tag: Tag,
    /// The verdict in the baseline; absent for a provider the baseline does not have.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Verdict>,
    /// The verdict now; absent for a provider no longer compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Verdict>,
    pub movement: Movement,
}

/// A statement in one comparison and not the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StatementChange {
    pub provider: String,
    pub name: String,
    /// True for a statement the baseline does not have; false for one it has and this run does not.
    pub added: bool,
    pub text: String,
}

/// Everything that changed since the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Changes {
    /// The baseline file, as given.
    pub baseline: String,
    pub verdicts: Vec<VerdictChange>,
    pub statements: Vec<StatementChange>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.verdicts.is_empty() && self.statements.is_empty()
    }
}

/// Whether a verdict is one a reader acts on.
fn is_finding(v: Verdict) -> bool {
    matches!(v, Verdict::Contradiction | Verdict::NarrowDenial | Verdict::Omission)
}

fn movement(before: Option<Verdict>, after: Option<Verdict>) -> Movement {
    match (before.is_some_and(is_finding), after.is_some_and(is_finding)) {
        (false, true) => Movement::New,
        (true, false) => Movement::Resolved,
        _ => Movement::Changed,
    }
}

/// What changed between `baseline` (read from `file`) and `now`, provider by provider in `now`'s order,
/// then the providers the baseline has and `now` has not.
pub fn changes(file: &str, baseline: &Baseline, now: &CompareReport) -> Changes {
    let mut verdicts = Vec::new();
    let mut statements = Vec::new();
    for p in &now.providers {
        let before = baseline.providers.iter().find(|b| b.id == p.id);
        for (tag, after) in p.verdicts.iter() {
            let was = before.and_then(|b| b.verdicts.get(tag.as_str()).copied());
            if was != Some(after) {
                verdicts.push(VerdictChange {
                    provider: p.id.clone(),
                    name: p.name.clone(),
                    tag,
                    before: was,
                    after: Some(after),
                    movement: movement(was, Some(after)),
                });
            }
        }
        let Some(before) = before else { continue };
        let old: HashSet<String> = before.statements.iter().map(|s| squeeze(&s.text)).collect();
        let new: HashSet<String> = p.statements.iter().map(|s| squeeze(&s.statement.text)).collect();
        for s in &p.statements {
            if !old.contains(&squeeze(&s.statement.text)) {
                statements.push(StatementChange {
                    provider: p.id.clone(),
                    name: p.name.clone(),
                    added: true,
                    text: s.statement.text.clone(),
                });
            }
        }
        for s in &before.statements {
            if !new.contains(&squeeze(&s.text)) {
                statements.push(StatementChange {
                    provider: p.id.clone(),
                    name: p.name.clone(),
                    added: false,
                    text: s.text.clone(),
                });
            }
        }
    }
    for b in baseline
        .providers
        .iter()
        .filter(|b| !now.providers.iter().any(|p| p.id == b.id))
    {
        for tag in Tag::ALL {
            if let Some(&was) = b.verdicts.get(tag.as_str()) {
                verdicts.push(VerdictChange {
                    provider: b.id.clone(),
                    name: b.name.clone(),
                    tag,
                    before: Some(was),
                    after: None,
                    movement: movement(Some(was), None),
                });
            }
        }
    }
    Changes {
        baseline: file.to_string(),
        verdicts,
        statements,
    }
}

/// A statement's words with runs of white space as one space: a re-wrapped reply is the same reply.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl VerdictChange {
    /// "O2 sharing: contradiction, was narrow-denial (new)".
    pub fn line(&self) -> String {
        let now = self.after.map_or("not compared", Verdict::as_str);
        let was = self.before.map_or("not in the baseline", Verdict::as_str);
        let how = match self.movement {
            Movement::New => " (new)",
            Movement::Resolved => " (resolved)",
            Movement::Changed => "",
        };
        format!("{} {}: {now}, was {was}{how}", self.name, self.tag.about().short)
    }
}

impl StatementChange {
    /// "Three: new statement “…”".
    pub fn line(&self) -> String {
        let what = if self.added {
            "new statement"
        } else {
            "statement no longer recorded"
        };
        format!(
            "{}: {what} “{}”",
            self.name,
            crate::base::snippet::cut_around(&self.text, 0..0, 160)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::RuleSet;
    use crate::inputs::providers::{self, ProviderSource};

    fn now() -> CompareReport {
        let rules = RuleSet::default_rules().unwrap();
        let list = providers::load(&ProviderSource::Bundled).unwrap();
        let reports = list
            .iter()
            .map(|p| {
                let (policy, _) = super::super::policy_text(p, None).unwrap();
                let (statements, _) = super::super::statements(p, None);
                super::super::compare_with(&rules, p, &policy, statements)
            })
            .collect();
        CompareReport::new(reports)
    }

    fn baseline_of(report: &CompareReport) -> serde_json::Value {
        serde_json::to_value(report).unwrap()
    }

    #[test]
    fn the_same_run_changes_nothing() {
        let now = now();
        let json = baseline_of(&now).to_string();
        let baseline = Baseline::parse("b.json", &json).unwrap();
        assert!(changes("b.json", &baseline, &now).is_empty());
    }

    #[test]
    fn a_resolved_contradiction_a_new_one_and_a_new_statement_are_told() {
        let now = now();
        let mut old = baseline_of(&now);
        let providers = old["providers"].as_array_mut().unwrap();
        let o2 = providers.iter_mut().find(|p| p["id"] == "o2").unwrap();
        // Last time O2's sharing read as consistent, and one of its statements was not yet recorded.
        o2["verdicts"]["third-party-sharing"] = "consistent".into();
        o2["statements"].as_array_mut().unwrap().pop();
        let ee = providers.iter_mut().find(|p| p["id"] == "ee").unwrap();
        ee["verdicts"]["aggregation"] = "contradiction".into();
        providers.push(serde_json::json!({"id": "gone", "name": "Gone Mobile", "verdicts": {"location": "omission"}}));
        let baseline = Baseline::parse("b.json", &old.to_string()).unwrap();
        let c = changes("b.json", &baseline, &now);
        let lines: Vec<String> = c.verdicts.iter().map(VerdictChange::line).collect();
        assert!(
            lines.contains(&"O2 sharing: contradiction, was consistent (new)".to_string()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"EE aggregation: consistent, was contradiction (resolved)".to_string()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"Gone Mobile location: not compared, was omission (resolved)".to_string()),
            "{lines:?}"
        );
        assert_eq!(c.statements.len(), 1, "{:?}", c.statements);
        assert!(c.statements[0].added && c.statements[0].provider == "o2");
    }

    #[test]
    fn a_baseline_that_is_not_one_says_what_to_give() {
        let err = Baseline::parse("b.json", "{\n  \"schema_version\": 3,\n  \"providers\": 7\n}").unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("b.json:3: ") && shown.contains("orgcheck compare --format json"),
            "{shown}"
        );
        let err = Baseline::parse("b.json", "{\"schema_version\": 1, \"providers\": []}").unwrap_err();
        assert!(err.to_string().contains("schema_version 1"), "{err}");
    }
}
