//! `orgcheck eval`: how well the rules tag an annotated data set.
//!
//! Two kinds of gold record, which may be mixed in one file:
//! - labelled: `{"id", "text", "labels": [tags present]}`, optionally with `"negative": [tags the text
//!   denies]`. A tag counts as predicted when any finding of that tag is reported, of either polarity:
//!   annotated corpora such as OPP-115 label what a passage is *about*, denials included. Scored per tag
//!   (precision, recall, F1).
//! - checks: `{"id", "text", "kind": "expect", "tag", "polarity"}` needs a finding of that tag and
//!   polarity; `{"kind": "absent", "tag"}` needs no finding of that tag. Scored as accuracy per group
//!   (`third-party-sharing:negative`, `location:absent`), with the misses.

use std::collections::HashMap;
use std::io::BufRead;

use serde::Serialize;
use serde_json::Value;

use crate::analysis::rules::RuleSet;
use crate::analysis::tag::{Polarity, Tag};
use crate::analysis::tagger::Finding;
use crate::base::error::{Error, Location, Result};
use crate::base::report::{EVAL_SCHEMA_VERSION, ORGCHECK_VERSION};

/// What a gold record asks of the rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Expectation {
    /// The tags the text is about, and the tags it denies when the data set says (`negative`).
    Labels {
        labels: Vec<Tag>,
        negative: Option<Vec<Tag>>,
    },
    /// A finding of this tag and polarity must be reported (`"kind": "expect"`).
    Expect { tag: Tag, polarity: Polarity },
    /// No finding of this tag may be reported (`"kind": "absent"`).
    Absent { tag: Tag },
}

/// One annotated record.
#[derive(Debug, Clone)]
pub struct GoldRecord {
    pub id: String,
    pub text: String,
    pub expect: Expectation,
    /// Line in the gold file, from 1.
    pub line: usize,
}

impl GoldRecord {
    fn labels(&self) -> Option<&[Tag]> {
        match &self.expect {
            Expectation::Labels { labels, .. } => Some(labels),
            _ => None,
        }
    }
}

/// Reads gold records, one JSON object per line; blank lines are skipped. A malformed line is an error
/// naming the file and line.
pub fn read_gold(name: &str, input: impl BufRead) -> Result<Vec<GoldRecord>> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line_no = i + 1;
        let bad = |message: String| Error::invalid(Location::at(name, line_no), message);
        let line = line.map_err(|e| bad(format!("cannot read: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(&line).map_err(|e| bad(format!("not valid JSON: {e}")))?;
        let id = match value.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(v @ Value::Number(_)) => v.to_string(),
            _ => return Err(bad("missing `id` (a string or number)".into())),
        };
        let Some(Value::String(text)) = value.get("text") else {
            return Err(bad("missing `text` (a string)".into()));
        };
        let tags = |field: &str| -> Result<Option<Vec<Tag>>> {
            match value.get(field) {
                None => Ok(None),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .ok_or_else(|| bad(format!("`{field}` must be a list of tag names")))?
                            .parse::<Tag>()
                            .map_err(|e| bad(format!("`{field}`: {e}")))
                    })
                    .collect::<Result<Vec<Tag>>>()
                    .map(Some),
                Some(_) => Err(bad(format!("`{field}` must be a list of tag names"))),
            }
        };
        let tag = || -> Result<Tag> {
            match value.get("tag") {
                Some(Value::String(t)) => t.parse::<Tag>().map_err(|e| bad(format!("`tag`: {e}"))),
                _ => Err(bad("a record with `kind` needs `tag` (a tag name)".into())),
            }
        };
        let expect = match value.get("kind") {
            None => Expectation::Labels {
                labels: tags("labels")?.ok_or_else(|| {
                    bad(
                        "missing `labels` (a list of tag names, may be empty) or `kind` (\"expect\" or \"absent\")"
                            .into(),
                    )
                })?,
                negative: tags("negative")?,
            },
            Some(Value::String(k)) if k == "expect" => Expectation::Expect {
                tag: tag()?,
                polarity: match value.get("polarity").and_then(Value::as_str) {
                    Some("positive") => Polarity::Positive,
                    Some("negative") => Polarity::Negative,
                    _ => {
                        return Err(bad(
                            "an `expect` record needs `polarity`: \"positive\" or \"negative\"".into()
                        ));
                    }
                },
            },
            Some(Value::String(k)) if k == "absent" => Expectation::Absent { tag: tag()? },
            Some(other) => return Err(bad(format!("`kind` must be \"expect\" or \"absent\", not {other}"))),
        };
        out.push(GoldRecord {
            id,
            text: text.clone(),
            expect,
            line: line_no,
        });
    }
    if out.is_empty() {
        return Err(Error::invalid(
            Location::file(name),
            "no records: expected one {\"id\", \"text\", \"labels\"} or {\"id\", \"text\", \"kind\", \"tag\"} object \
             per line",
        ));
    }
    Ok(out)
}

/// Scores of one tag.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TagScore {
    pub tag: Tag,
    /// Records labelled with the tag.
    pub support: usize,
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub tn: usize,
    /// Of the positive class ("the tag is present"); null when the tag was found in no record, so there
    /// is nothing to be precise about.
    pub precision: Option<f64>,
    /// Null when no record has the tag.
    pub recall: Option<f64>,
    /// Null when no record has the tag and none was tagged with it: nothing to score. With support and
    /// no finding it is 0.
    pub f1: Option<f64>,
    /// F1 of the negative class ("the tag is absent"); null when every record has the tag and every one
    /// was tagged with it.
    pub f1_absent: Option<f64>,
    /// Mean of `f1` and `f1_absent`: the convention of Polisis (Harkous et al., 2018); null when either is.
    pub f1_avg: Option<f64>,
}

/// How well denials are recognised, for records that say which tags they deny.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PolarityScore {
    pub tag: Tag,
    /// Records that deny the tag.
    pub support: usize,
    /// Of those, records with a negative finding of the tag.
    pub found: usize,
    /// Records with a negative finding of the tag that do not deny it.
    pub false_denials: usize,
    /// Null when no record had a negative finding of the tag.
    pub precision: Option<f64>,
    /// Null when no record denies the tag.
    pub recall: Option<f64>,
}

/// A record the rules got wrong for one tag.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ErrorExample {
    pub tag: Tag,
    /// `false-positive` or `false-negative`.
    pub kind: String,
    pub id: String,
    pub line: usize,
    /// For a false positive: the rule that fired, the words it matched and the polarity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polarity: Option<Polarity>,
    /// The clause the rule fired in (false positive) or the record's text (false negative), cut.
    pub text: String,
}

/// Accuracy on one group of check records: `third-party-sharing:negative`, `location:absent`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CheckScore {
    /// The group's name, as `--min-accuracy` takes it.
    pub group: String,
    pub tag: Tag,
    /// The polarity an `expect` record needs; absent for `absent` records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polarity: Option<Polarity>,
    pub records: usize,
    pub passed: usize,
    pub accuracy: f64,
}

/// A finding reported for a missed check record, of the record's tag.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FoundFinding {
    pub polarity: Polarity,
    pub rule: String,
    pub evidence: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
}

/// A check record the rules got wrong.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Miss {
    pub group: String,
    pub tag: Tag,
    pub id: String,
    pub line: usize,
    /// False when the text is not in English, which the default rules do not read (`--lang` adds
    /// other languages).
    pub english: bool,
    /// The findings of the record's tag that were reported: the wrong polarity, or any for `absent`.
    pub found: Vec<FoundFinding>,
    /// The record's text, cut.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Averages {
    /// Micro: over the summed counts; macro: the mean over the tags where the figure is defined (a tag no
    /// record has and none was tagged with does not pull the mean to 0). Null when no tag has one.
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
    pub f1_avg: Option<f64>,
}

/// The document `orgcheck eval --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EvalReport {
    pub schema_version: u32,
    pub orgcheck_version: String,
    pub gold: String,
    pub records: usize,
    /// Per tag, over the labelled records; empty when there are none.
    pub tags: Vec<TagScore>,
    /// Counts summed over the tags, then scored; present with labelled records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub micro: Option<Averages>,
    /// Scores averaged over the tags; present with labelled records.
    #[serde(rename = "macro", skip_serializing_if = "Option::is_none")]
    pub macro_: Option<Averages>,
    /// Share of check records (`kind`) passed; present when there are some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accuracy: Option<f64>,
    /// The same over the check records in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accuracy_english: Option<f64>,
    /// Accuracy per group of check records.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckScore>,
    /// Check records missed, the most instructive first: English before other languages, a misread
    /// (a finding of the tag with the wrong polarity, or one that should be absent) before nothing found,
    /// short before long.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misses: Vec<Miss>,
    /// Present when the gold records carry `negative`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub polarity: Vec<PolarityScore>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorExample>,
}

/// `[TAG=]F1`, for `--min-f1` and `--min-avg-f1`: a threshold for one tag, or for every tag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TagThreshold {
    /// `None`: every tag without a threshold of its own.
    pub tag: Option<Tag>,
    pub min: f64,
}

/// A threshold that does not read as `[TAG=]F1`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    #[error(transparent)]
    Tag(#[from] crate::analysis::tag::UnknownTag),
    #[error("`{0}`: expected a number between 0 and 1")]
    NotUnit(String),
    #[error("`{0}`: expected TAG:positive, TAG:negative or TAG:absent")]
    Group(String),
}

impl std::str::FromStr for TagThreshold {
    type Err = ThresholdError;
    fn from_str(s: &str) -> Result<Self, ThresholdError> {
        let unit = |s: &str| match s.parse::<f64>() {
            Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
            _ => Err(ThresholdError::NotUnit(s.to_string())),
        };
        Ok(match s.split_once('=') {
            Some((tag, min)) => TagThreshold {
                tag: Some(tag.trim().parse()?),
                min: unit(min.trim())?,
            },
            None => TagThreshold {
                tag: None,
                min: unit(s.trim())?,
            },
        })
    }
}

/// `[GROUP=]ACCURACY`, for `--min-accuracy`: overall, or for one group of check records
/// (`third-party-sharing:negative`, `location:absent`).
#[derive(Debug, Clone, PartialEq)]
pub struct AccuracyThreshold {
    /// `None`: the accuracy over all check records.
    pub group: Option<String>,
    pub min: f64,
}

impl std::str::FromStr for AccuracyThreshold {
    type Err = ThresholdError;
    fn from_str(s: &str) -> Result<Self, ThresholdError> {
        let unit = |s: &str| match s.trim().parse::<f64>() {
            Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
            _ => Err(ThresholdError::NotUnit(s.to_string())),
        };
        let Some((group, min)) = s.split_once('=') else {
            return Ok(AccuracyThreshold {
                group: None,
                min: unit(s)?,
            });
        };
        let group = group.trim();
        let (tag, which) = group
            .split_once(':')
            .ok_or_else(|| ThresholdError::Group(group.to_string()))?;
        tag.parse::<Tag>()?;
        if !matches!(which, "positive" | "negative" | "absent") {
            return Err(ThresholdError::Group(group.to_string()));
        }
        Ok(AccuracyThreshold {
            group: Some(group.to_string()),
            min: unit(min)?,
        })
    }
}

impl TagThreshold {
    /// The threshold for `tag` from a list: its own if given (the last one), else the general one.
    pub fn for_tag(list: &[TagThreshold], tag: Tag) -> Option<f64> {
        list.iter()
            .rev()
            .find(|t| t.tag == Some(tag))
            .or_else(|| list.iter().rev().find(|t| t.tag.is_none()))
            .map(|t| t.min)
    }
}

impl EvalReport {
    /// The scores below their thresholds, one line each: `opt-out: F1 0.6410 < 0.75`. A threshold on
    /// scores the records do not have is reported too: a gate that measures nothing must not pass.
    pub fn below(
        &self,
        min_f1: &[TagThreshold],
        min_avg_f1: &[TagThreshold],
        min_accuracy: &[AccuracyThreshold],
    ) -> Vec<String> {
        let mut below = Vec::new();
        if self.tags.is_empty() && !(min_f1.is_empty() && min_avg_f1.is_empty()) {
            below.push("F1 thresholds given, but no record has `labels`".to_string());
        }
        for t in min_accuracy {
            let (name, accuracy) = match &t.group {
                None => ("accuracy".to_string(), self.accuracy),
                Some(g) => (
                    format!("{g}: accuracy"),
                    self.checks.iter().find(|c| &c.group == g).map(|c| c.accuracy),
                ),
            };
            match accuracy {
                Some(a) if a < t.min => below.push(format!("{name} {a:.4} < {}", t.min)),
                Some(_) => {}
                None => below.push(format!("{name}: no check records to measure")),
            }
        }
        for t in &self.tags {
            // A threshold on a figure the data cannot give fails, as one on a check group with no records
            // does: a gate that passes on nothing measured would hide that the data lacks the tag.
            for (thresholds, name, value) in [(min_f1, "F1", t.f1), (min_avg_f1, "averaged F1", t.f1_avg)] {
                match (TagThreshold::for_tag(thresholds, t.tag), value) {
                    (Some(min), Some(v)) if v < min => below.push(format!("{}: {name} {v:.4} < {min}", t.tag)),
                    (Some(_), None) => below.push(format!(
                        "{}: {name} not measured (no record has the tag and none was tagged with it)",
                        t.tag
                    )),
                    _ => {}
                }
            }
        }
        below
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// `a / b`, or none when `b` is 0: a figure with nothing to measure is not 0.
fn defined_ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

/// Rounds to four decimals, so reports and JSON stay readable and stable.
fn r4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Precision, recall and the F1s of a confusion matrix, unrounded; none where there is nothing to measure.
struct Rates {
    precision: Option<f64>,
    recall: Option<f64>,
    f1: Option<f64>,
    f1_absent: Option<f64>,
}

impl Rates {
    fn of(tp: usize, fp: usize, fn_: usize, tn: usize) -> Rates {
        // An F1 is 2·tp / (2·tp + fp + fn): defined when any record is in its class or was put there,
        // and 0 when precision is undefined but records were missed.
        let f1_of =
            |tp: usize, fp: usize, fn_: usize| (tp + fp + fn_ > 0).then(|| f1(ratio(tp, tp + fp), ratio(tp, tp + fn_)));
        Rates {
            precision: defined_ratio(tp, tp + fp),
            recall: defined_ratio(tp, tp + fn_),
            f1: f1_of(tp, fp, fn_),
            f1_absent: f1_of(tn, fn_, fp),
        }
    }

    fn f1_avg(&self) -> Option<f64> {
        Some((self.f1? + self.f1_absent?) / 2.0)
    }
}

fn score(tag: Tag, tp: usize, fp: usize, fn_: usize, tn: usize) -> TagScore {
    let rates = Rates::of(tp, fp, fn_, tn);
    TagScore {
        tag,
        support: tp + fn_,
        tp,
        fp,
        fn_,
        tn,
        precision: rates.precision.map(r4),
        recall: rates.recall.map(r4),
        f1: rates.f1.map(r4),
        f1_absent: rates.f1_absent.map(r4),
        f1_avg: rates.f1_avg().map(r4),
    }
}

/// Longest text shown in an error example.
const EXAMPLE_MAX: usize = 300;

/// Tags every record and scores the predictions; `errors` examples per tag and kind for labelled records,
/// and up to `misses` missed check records.
pub fn evaluate(rules: &RuleSet, gold_name: &str, gold: &[GoldRecord], errors: usize, misses: usize) -> EvalReport {
    let predictions: Vec<Vec<Finding>> = gold.iter().map(|g| rules.findings(&g.text)).collect();
    let labelled: Vec<(&GoldRecord, &Vec<Finding>)> = gold
        .iter()
        .zip(&predictions)
        .filter(|(g, _)| g.labels().is_some())
        .collect();
    let mut tags = Vec::new();
    let mut polarity = Vec::new();
    let mut examples = Vec::new();
    for tag in Tag::ALL.into_iter().filter(|_| !labelled.is_empty()) {
        let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
        let mut fps: Vec<(&GoldRecord, &Finding)> = Vec::new();
        let mut fns: Vec<&GoldRecord> = Vec::new();
        for &(g, findings) in &labelled {
            let hit = findings.iter().find(|f| f.tag == tag);
            match (g.labels().is_some_and(|l| l.contains(&tag)), hit) {
                (true, Some(_)) => tp += 1,
                (true, None) => {
                    fn_ += 1;
                    fns.push(g);
                }
                (false, Some(f)) => {
                    fp += 1;
                    fps.push((g, f));
                }
                (false, None) => tn += 1,
            }
        }
        tags.push(score(tag, tp, fp, fn_, tn));
        examples.extend(pick_false_positives(tag, &fps, errors));
        // Short misses first: they are the quickest to read and the likeliest to show a missing pattern.
        fns.sort_by_key(|g| (g.text.len(), g.line));
        examples.extend(fns.iter().take(errors).map(|g| ErrorExample {
            tag,
            kind: "false-negative".into(),
            id: g.id.clone(),
            line: g.line,
            rule: None,
            evidence: None,
            polarity: None,
            text: crate::base::snippet::cut_around(&g.text, 0..0, EXAMPLE_MAX),
        }));
        let denied = |g: &GoldRecord| match &g.expect {
            Expectation::Labels { negative: Some(n), .. } => Some(n.contains(&tag)),
            _ => None,
        };
        let judged: Vec<(bool, &Vec<Finding>)> = labelled
            .iter()
            .filter_map(|&(g, f)| denied(g).map(|d| (d, f)))
            .collect();
        if !judged.is_empty() {
            let found_neg = |f: &Vec<Finding>| f.iter().any(|f| f.tag == tag && f.polarity == Polarity::Negative);
            let support = judged.iter().filter(|(d, _)| *d).count();
            let found = judged.iter().filter(|(d, f)| *d && found_neg(f)).count();
            let false_denials = judged.iter().filter(|(d, f)| !*d && found_neg(f)).count();
            if support + false_denials > 0 {
                polarity.push(PolarityScore {
                    tag,
                    support,
                    found,
                    false_denials,
                    precision: defined_ratio(found, found + false_denials).map(r4),
                    recall: defined_ratio(found, support).map(r4),
                });
            }
        }
    }
    let (micro, macro_) = if tags.is_empty() {
        (None, None)
    } else {
        let sum = |f: fn(&TagScore) -> usize| tags.iter().map(f).sum::<usize>();
        let micro = Rates::of(sum(|t| t.tp), sum(|t| t.fp), sum(|t| t.fn_), sum(|t| t.tn));
        let mean = |f: fn(&TagScore) -> Option<f64>| {
            let defined: Vec<f64> = tags.iter().filter_map(f).collect();
            (!defined.is_empty()).then(|| r4(defined.iter().sum::<f64>() / defined.len() as f64))
        };
        (
            Some(Averages {
                precision: micro.precision.map(r4),
                recall: micro.recall.map(r4),
                f1: micro.f1.map(r4),
                f1_avg: micro.f1_avg().map(r4),
            }),
            Some(Averages {
                precision: mean(|t| t.precision),
                recall: mean(|t| t.recall),
                f1: mean(|t| t.f1),
                f1_avg: mean(|t| t.f1_avg),
            }),
        )
    };
    let checked = score_checks(gold, &predictions, misses);
    EvalReport {
        schema_version: EVAL_SCHEMA_VERSION,
        orgcheck_version: ORGCHECK_VERSION.to_string(),
        gold: gold_name.to_string(),
        records: gold.len(),
        micro,
        macro_,
        tags,
        accuracy: checked.accuracy,
        accuracy_english: checked.accuracy_english,
        checks: checked.groups,
        misses: checked.misses,
        polarity,
        errors: examples,
    }
}

struct Checked {
    accuracy: Option<f64>,
    accuracy_english: Option<f64>,
    groups: Vec<CheckScore>,
    misses: Vec<Miss>,
}

/// Scores the check records (`kind`), group by group.
fn score_checks(gold: &[GoldRecord], predictions: &[Vec<Finding>], misses: usize) -> Checked {
    let mut groups: Vec<CheckScore> = Vec::new();
    let mut missed: Vec<(bool, bool, usize, Miss)> = Vec::new();
    let (mut total, mut passed, mut total_en, mut passed_en) = (0, 0, 0, 0);
    for (g, findings) in gold.iter().zip(predictions) {
        let (tag, want, group) = match &g.expect {
            Expectation::Labels { .. } => continue,
            Expectation::Expect { tag, polarity } => (*tag, Some(*polarity), format!("{tag}:{}", polarity.as_str())),
            Expectation::Absent { tag } => (*tag, None, format!("{tag}:absent")),
        };
        let of_tag: Vec<&Finding> = findings.iter().filter(|f| f.tag == tag).collect();
        let ok = match want {
            Some(p) => of_tag.iter().any(|f| f.polarity == p),
            None => of_tag.is_empty(),
        };
        // A record is English unless its words say it is in another language (a short one may say nothing).
        let english = crate::analysis::language::detect(&g.text)
            .language
            .is_none_or(|l| l == crate::analysis::language::Language::english());
        total += 1;
        passed += usize::from(ok);
        if english {
            total_en += 1;
            passed_en += usize::from(ok);
        }
        let at = match groups.iter().position(|c| c.group == group) {
            Some(i) => i,
            None => {
                groups.push(CheckScore {
                    group: group.clone(),
                    tag,
                    polarity: want,
                    records: 0,
                    passed: 0,
                    accuracy: 0.0,
                });
                groups.len() - 1
            }
        };
        groups[at].records += 1;
        groups[at].passed += usize::from(ok);
        if !ok {
            let found: Vec<FoundFinding> = of_tag
                .iter()
                .map(|f| FoundFinding {
                    polarity: f.polarity,
                    rule: f.rule.clone(),
                    evidence: f.evidence.clone(),
                    cue: f.cue.clone(),
                })
                .collect();
            let misread = !found.is_empty();
            missed.push((
                !english,
                !misread,
                g.text.len(),
                Miss {
                    group,
                    tag,
                    id: g.id.clone(),
                    line: g.line,
                    english,
                    found,
                    text: crate::base::snippet::cut_around(&g.text, 0..0, EXAMPLE_MAX),
                },
            ));
        }
    }
    for c in &mut groups {
        c.accuracy = r4(ratio(c.passed, c.records));
    }
    groups.sort_by_key(|c| (c.tag, c.polarity.is_none(), c.polarity));
    missed.sort_by_key(|(foreign, found_nothing, len, m)| (*foreign, *found_nothing, *len, m.line));
    Checked {
        accuracy: (total > 0).then(|| r4(ratio(passed, total))),
        accuracy_english: (total_en > 0).then(|| r4(ratio(passed_en, total_en))),
        groups,
        misses: missed.into_iter().take(misses).map(|(_, _, _, m)| m).collect(),
    }
}

/// The most instructive false positives: one per rule in turn, the rules with the most false positives
/// first, so a rule author sees every rule that misfires before seeing one rule twice.
fn pick_false_positives(tag: Tag, fps: &[(&GoldRecord, &Finding)], n: usize) -> Vec<ErrorExample> {
    let mut by_rule: HashMap<&str, Vec<(&GoldRecord, &Finding)>> = HashMap::new();
    for &(g, f) in fps {
        by_rule.entry(f.rule.as_str()).or_default().push((g, f));
    }
    let mut rules: Vec<(&str, Vec<(&GoldRecord, &Finding)>)> = by_rule.into_iter().collect();
    rules.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (_, list) in &mut rules {
        list.sort_by_key(|(g, f)| (f.clause.len(), g.line));
    }
    let mut out = Vec::new();
    let mut round = 0;
    while out.len() < n && rules.iter().any(|(_, l)| l.len() > round) {
        for (_, list) in &rules {
            if out.len() == n {
                break;
            }
            if let Some((g, f)) = list.get(round) {
                let keep = f.clause.find(&f.evidence).map_or(0..0, |s| s..s + f.evidence.len());
                out.push(ErrorExample {
                    tag,
                    kind: "false-positive".into(),
                    id: g.id.clone(),
                    line: g.line,
                    rule: Some(f.rule.clone()),
                    evidence: Some(f.evidence.clone()),
                    polarity: Some(f.polarity),
                    text: crate::base::snippet::cut_around(&f.clause, keep, EXAMPLE_MAX),
                });
            }
        }
        round += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLD: &str = concat!(
        r#"{"id": "a", "text": "We may share your data with advertisers.", "#,
        r#""labels": ["third-party-sharing"]}"#,
        "\n",
        r#"{"id": "b", "text": "We never sell your data.", "labels": ["third-party-sharing"], "#,
        r#""negative": ["third-party-sharing"]}"#,
        "\n",
        r#"{"id": 3, "text": "Our offices are in London.", "labels": []}"#,
        "\n",
        r#""#,
        "\n",
        r#"{"id": "d", "text": "Contact us by post.", "labels": ["opt-out"], "negative": []}"#,
        "\n",
        r#"{"id": "e", "text": "We use GPS to find your phone.", "labels": []}"#,
        "\n",
    );

    #[test]
    fn scores_follow_the_definitions() {
        let rules = RuleSet::default_rules().unwrap();
        let gold = read_gold("g.jsonl", GOLD.as_bytes()).unwrap();
        assert_eq!(gold.len(), 5);
        assert_eq!(gold[2].id, "3");
        assert_eq!(gold[3].line, 5);
        let report = evaluate(&rules, "g.jsonl", &gold, 5, 5);
        let sharing = report.tags.iter().find(|t| t.tag == Tag::ThirdPartySharing).unwrap();
        assert_eq!(
            (sharing.support, sharing.tp, sharing.fp, sharing.fn_, sharing.tn),
            (2, 2, 0, 0, 3)
        );
        assert_eq!(
            (sharing.f1, sharing.f1_absent, sharing.f1_avg),
            (Some(1.0), Some(1.0), Some(1.0))
        );
        // Opt-out: one record has it, none was tagged: recall and F1 are 0, precision has nothing to measure.
        let opt = report.tags.iter().find(|t| t.tag == Tag::OptOut).unwrap();
        assert_eq!(
            (opt.tp, opt.fn_, opt.precision, opt.recall, opt.f1),
            (0, 1, None, Some(0.0), Some(0.0))
        );
        // Location: one false positive (e), no support: precision 0, recall undefined, F1 0, absent-class
        // F1 = 2·(3/3·3/4)/(1+3/4).
        let loc = report.tags.iter().find(|t| t.tag == Tag::Location).unwrap();
        assert_eq!((loc.fp, loc.tn), (1, 4));
        assert_eq!((loc.precision, loc.recall, loc.f1), (Some(0.0), None, Some(0.0)));
        assert_eq!(loc.f1_absent, Some(r4(2.0 * 0.8 / 1.8)));
        let fp = report.errors.iter().find(|e| e.tag == Tag::Location).unwrap();
        assert_eq!(
            (fp.kind.as_str(), fp.id.as_str(), fp.evidence.as_deref()),
            ("false-positive", "e", Some("GPS"))
        );
        let fnx = report.errors.iter().find(|e| e.tag == Tag::OptOut).unwrap();
        assert_eq!((fnx.kind.as_str(), fnx.line), ("false-negative", 5));
        // Polarity: "b" denies sharing and is found; "d" judges and denies nothing.
        let pol = report
            .polarity
            .iter()
            .find(|p| p.tag == Tag::ThirdPartySharing)
            .unwrap();
        assert_eq!((pol.support, pol.found, pol.false_denials), (1, 1, 0));
        assert_eq!(report.micro.unwrap().f1, Some(r4(f1(ratio(2, 3), ratio(2, 3)))));
        assert!(report.checks.is_empty() && report.accuracy.is_none());
    }

    const CHECKS: &str = concat!(
        r#"{"id": "n1", "text": "We do not sell your data.", "kind": "expect", "#,
        r#""tag": "third-party-sharing", "polarity": "negative"}"#,
        "\n",
        r#"{"id": "n2", "text": "We sell your data to brokers.", "kind": "expect", "#,
        r#""tag": "third-party-sharing", "polarity": "negative"}"#,
        "\n",
        r#"{"id": "n3", "#,
        r#""text": "Deze gegevens worden nooit aan derden verkocht, in geen geval en om geen enkele reden.", "#,
        r#""kind": "expect", "tag": "third-party-sharing", "polarity": "negative"}"#,
        "\n",
        r#"{"id": "p1", "text": "We may share your data with partners.", "kind": "expect", "#,
        r#""tag": "third-party-sharing", "polarity": "positive"}"#,
        "\n",
        r#"{"id": "a1", "text": "The courts of London decide disputes.", "kind": "absent", "#,
        r#""tag": "location", "polarity": null}"#,
        "\n",
        r#"{"id": "a2", "text": "We use your GPS location.", "kind": "absent", "tag": "location"}"#,
        "\n",
    );

    #[test]
    fn checks_are_scored_by_group_with_the_misses_that_teach_most() {
        let rules = RuleSet::default_rules().unwrap();
        let gold = read_gold("c.jsonl", CHECKS.as_bytes()).unwrap();
        let report = evaluate(&rules, "c.jsonl", &gold, 0, 10);
        assert!(report.tags.is_empty() && report.micro.is_none());
        assert_eq!(report.accuracy, Some(r4(3.0 / 6.0)));
        assert_eq!(report.accuracy_english, Some(r4(3.0 / 5.0)));
        let group = |name: &str| report.checks.iter().find(|c| c.group == name).unwrap();
        assert_eq!(
            (
                group("third-party-sharing:negative").records,
                group("third-party-sharing:negative").passed
            ),
            (3, 1)
        );
        assert_eq!(group("location:absent").accuracy, 0.5);
        // The misread English records first (a positive where a denial was expected, a location where none
        // should be), shortest first; the Dutch record, which orgcheck has no rules to read, last.
        let order: Vec<&str> = report.misses.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(order, ["a2", "n2", "n3"]);
        assert!(!report.misses[2].english);
        assert_eq!(report.misses[1].found[0].polarity, Polarity::Positive);
        let accuracy = |s: &str| s.parse::<AccuracyThreshold>().unwrap();
        assert_eq!(
            report.below(
                &[],
                &[],
                &[accuracy("0.5"), accuracy("third-party-sharing:negative=0.9")]
            ),
            ["third-party-sharing:negative: accuracy 0.3333 < 0.9"]
        );
        assert_eq!(
            report.below(&[], &[], &[accuracy("opt-out:positive=0.1")]),
            ["opt-out:positive: accuracy: no check records to measure"]
        );
        assert!("sharing:negative=0.9".parse::<AccuracyThreshold>().is_err());
        assert!("third-party-sharing:maybe=0.9".parse::<AccuracyThreshold>().is_err());
        assert!("third-party-sharing=0.9".parse::<AccuracyThreshold>().is_err());
    }

    #[test]
    fn bad_gold_lines_name_the_line() {
        for (line, needle) in [
            ("{\"id\": 1, \"text\": \"x\"}", "missing `labels`"),
            (
                "{\"id\": 1, \"text\": \"x\", \"labels\": [\"sharing\"]}",
                "unknown tag `sharing`",
            ),
            ("{\"text\": \"x\", \"labels\": []}", "missing `id`"),
            ("[1]", "missing `id`"),
            ("nope", "not valid JSON"),
            (
                "{\"id\": 1, \"text\": \"x\", \"labels\": [], \"negative\": \"opt-out\"}",
                "`negative` must be",
            ),
            (
                "{\"id\": 1, \"text\": \"x\", \"kind\": \"expect\", \"tag\": \"location\"}",
                "needs `polarity`",
            ),
            ("{\"id\": 1, \"text\": \"x\", \"kind\": \"absent\"}", "needs `tag`"),
            (
                "{\"id\": 1, \"text\": \"x\", \"kind\": \"maybe\", \"tag\": \"location\"}",
                "`kind` must be",
            ),
        ] {
            let input = format!("{{\"id\": 0, \"text\": \"ok\", \"labels\": []}}\n{line}\n");
            let err = read_gold("g.jsonl", input.as_bytes()).unwrap_err().to_string();
            assert!(err.starts_with("g.jsonl:2: ") && err.contains(needle), "{err}");
        }
        let err = read_gold("g.jsonl", "\n\n".as_bytes()).unwrap_err().to_string();
        assert!(err.contains("no records"), "{err}");
    }
}
