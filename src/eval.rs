//! `orgcheck eval`: how well the rules tag an annotated data set.
//!
//! Gold records are `{"id", "text", "labels": [tags present]}`, optionally with `"negative": [tags the
//! text denies]`. A tag counts as predicted for a record when any finding of that tag is reported, of
//! either polarity: annotated corpora such as OPP-115 label what a passage is *about*, denials included.

use std::collections::HashMap;
use std::io::BufRead;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::report::{ORGCHECK_VERSION, SCHEMA_VERSION};
use crate::rules::{Polarity, RuleSet, Tag};
use crate::tagger::Finding;

/// One annotated record.
#[derive(Debug, Clone)]
pub struct GoldRecord {
    pub id: String,
    pub text: String,
    pub labels: Vec<Tag>,
    /// Tags the text denies, when the data set says (`None` when the record has no `negative` field).
    pub negative: Option<Vec<Tag>>,
    /// Line in the gold file, from 1.
    pub line: usize,
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
        let labels =
            tags("labels")?.ok_or_else(|| bad("missing `labels` (a list of tag names, may be empty)".into()))?;
        out.push(GoldRecord {
            id,
            text: text.clone(),
            labels,
            negative: tags("negative")?,
            line: line_no,
        });
    }
    if out.is_empty() {
        return Err(Error::invalid(
            Location::file(name),
            "no records: expected one {\"id\", \"text\", \"labels\"} object per line",
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
    /// Of the positive class ("the tag is present").
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// F1 of the negative class ("the tag is absent").
    pub f1_absent: f64,
    /// Mean of `f1` and `f1_absent`: the convention of Polisis (Harkous et al., 2018).
    pub f1_avg: f64,
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
    pub precision: f64,
    pub recall: f64,
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

#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Averages {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub f1_avg: f64,
}

/// The document `orgcheck eval --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EvalReport {
    pub schema_version: u32,
    pub orgcheck_version: String,
    pub gold: String,
    pub records: usize,
    pub tags: Vec<TagScore>,
    /// Counts summed over the tags, then scored.
    pub micro: Averages,
    /// Scores averaged over the tags.
    #[serde(rename = "macro")]
    pub macro_: Averages,
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
    Tag(#[from] crate::rules::UnknownTag),
    #[error("`{0}`: expected a number between 0 and 1")]
    NotUnit(String),
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
    /// The scores below their thresholds, one line each: `opt-out: F1 0.6410 < 0.75`.
    pub fn below(&self, min_f1: &[TagThreshold], min_avg_f1: &[TagThreshold]) -> Vec<String> {
        let mut below = Vec::new();
        for t in &self.tags {
            if let Some(min) = TagThreshold::for_tag(min_f1, t.tag)
                && t.f1 < min
            {
                below.push(format!("{}: F1 {:.4} < {min}", t.tag, t.f1));
            }
            if let Some(min) = TagThreshold::for_tag(min_avg_f1, t.tag)
                && t.f1_avg < min
            {
                below.push(format!("{}: averaged F1 {:.4} < {min}", t.tag, t.f1_avg));
            }
        }
        below
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

/// Rounds to four decimals, so reports and JSON stay readable and stable.
fn r4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn score(tag: Tag, tp: usize, fp: usize, fn_: usize, tn: usize) -> TagScore {
    let (precision, recall) = (ratio(tp, tp + fp), ratio(tp, tp + fn_));
    let f1_present = f1(precision, recall);
    let f1_absent = f1(ratio(tn, tn + fn_), ratio(tn, tn + fp));
    TagScore {
        tag,
        support: tp + fn_,
        tp,
        fp,
        fn_,
        tn,
        precision: r4(precision),
        recall: r4(recall),
        f1: r4(f1_present),
        f1_absent: r4(f1_absent),
        f1_avg: r4((f1_present + f1_absent) / 2.0),
    }
}

/// Longest text shown in an error example.
const EXAMPLE_MAX: usize = 300;

/// Tags every record and scores the predictions; `errors` examples per tag and kind.
pub fn evaluate(rules: &RuleSet, gold_name: &str, gold: &[GoldRecord], errors: usize) -> EvalReport {
    let predictions: Vec<Vec<Finding>> = gold.iter().map(|g| rules.findings(&g.text)).collect();
    let mut tags = Vec::new();
    let mut polarity = Vec::new();
    let mut examples = Vec::new();
    for tag in Tag::ALL {
        let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
        let mut fps: Vec<(&GoldRecord, &Finding)> = Vec::new();
        let mut fns: Vec<&GoldRecord> = Vec::new();
        for (g, findings) in gold.iter().zip(&predictions) {
            let hit = findings.iter().find(|f| f.tag == tag);
            match (g.labels.contains(&tag), hit) {
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
            text: crate::snippet::cut_around(&g.text, 0..0, EXAMPLE_MAX),
        }));
        let judged: Vec<(&GoldRecord, &Vec<Finding>)> = gold
            .iter()
            .zip(&predictions)
            .filter(|(g, _)| g.negative.is_some())
            .collect();
        if !judged.is_empty() {
            let denies = |g: &GoldRecord| g.negative.as_ref().is_some_and(|n| n.contains(&tag));
            let found_neg = |f: &Vec<Finding>| f.iter().any(|f| f.tag == tag && f.polarity == Polarity::Negative);
            let support = judged.iter().filter(|(g, _)| denies(g)).count();
            let found = judged.iter().filter(|(g, f)| denies(g) && found_neg(f)).count();
            let false_denials = judged.iter().filter(|(g, f)| !denies(g) && found_neg(f)).count();
            if support + false_denials > 0 {
                polarity.push(PolarityScore {
                    tag,
                    support,
                    found,
                    false_denials,
                    precision: r4(ratio(found, found + false_denials)),
                    recall: r4(ratio(found, support)),
                });
            }
        }
    }
    let sum = |f: fn(&TagScore) -> usize| tags.iter().map(f).sum::<usize>();
    let micro = score(
        Tag::Aggregation,
        sum(|t| t.tp),
        sum(|t| t.fp),
        sum(|t| t.fn_),
        sum(|t| t.tn),
    );
    let mean = |f: fn(&TagScore) -> f64| r4(tags.iter().map(f).sum::<f64>() / tags.len() as f64);
    EvalReport {
        schema_version: SCHEMA_VERSION,
        orgcheck_version: ORGCHECK_VERSION.to_string(),
        gold: gold_name.to_string(),
        records: gold.len(),
        micro: Averages {
            precision: micro.precision,
            recall: micro.recall,
            f1: micro.f1,
            f1_avg: micro.f1_avg,
        },
        macro_: Averages {
            precision: mean(|t| t.precision),
            recall: mean(|t| t.recall),
            f1: mean(|t| t.f1),
            f1_avg: mean(|t| t.f1_avg),
        },
        tags,
        polarity,
        errors: examples,
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
                    text: crate::snippet::cut_around(&f.clause, keep, EXAMPLE_MAX),
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

    const GOLD: &str = r#"{"id": "a", "text": "We may share your data with advertisers.", "labels": ["third-party-sharing"]}
{"id": "b", "text": "We never sell your data.", "labels": ["third-party-sharing"], "negative": ["third-party-sharing"]}
{"id": 3, "text": "Our offices are in London.", "labels": []}

{"id": "d", "text": "Contact us by post.", "labels": ["opt-out"], "negative": []}
{"id": "e", "text": "We use GPS to find your phone.", "labels": []}
"#;

    #[test]
    fn scores_follow_the_definitions() {
        let rules = RuleSet::default_rules().unwrap();
        let gold = read_gold("g.jsonl", GOLD.as_bytes()).unwrap();
        assert_eq!(gold.len(), 5);
        assert_eq!(gold[2].id, "3");
        assert_eq!(gold[3].line, 5);
        let report = evaluate(&rules, "g.jsonl", &gold, 5);
        let sharing = report.tags.iter().find(|t| t.tag == Tag::ThirdPartySharing).unwrap();
        assert_eq!(
            (sharing.support, sharing.tp, sharing.fp, sharing.fn_, sharing.tn),
            (2, 2, 0, 0, 3)
        );
        assert_eq!((sharing.f1, sharing.f1_absent, sharing.f1_avg), (1.0, 1.0, 1.0));
        let opt = report.tags.iter().find(|t| t.tag == Tag::OptOut).unwrap();
        assert_eq!((opt.tp, opt.fn_, opt.recall, opt.f1), (0, 1, 0.0, 0.0));
        // Location: one false positive (e), no support: precision 0, absent-class F1 = 2·(3/3·3/4)/(1+3/4).
        let loc = report.tags.iter().find(|t| t.tag == Tag::Location).unwrap();
        assert_eq!((loc.fp, loc.tn), (1, 4));
        assert_eq!(loc.f1_absent, r4(2.0 * 0.8 / 1.8));
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
        assert_eq!(report.micro.f1, r4(f1(ratio(2, 3), ratio(2, 3))));
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
        ] {
            let input = format!("{{\"id\": 0, \"text\": \"ok\", \"labels\": []}}\n{line}\n");
            let err = read_gold("g.jsonl", input.as_bytes()).unwrap_err().to_string();
            assert!(err.starts_with("g.jsonl:2: ") && err.contains(needle), "{err}");
        }
        let err = read_gold("g.jsonl", "\n\n".as_bytes()).unwrap_err().to_string();
        assert!(err.contains("no records"), "{err}");
    }
}
