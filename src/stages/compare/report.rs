//! What `orgcheck compare` reports: a verdict per provider and tag, the findings on each side, and
//! for a contradiction or a narrow denial the two practices side by side.

use serde::Serialize;

use crate::analysis::language::Language;
use crate::analysis::ontology::{Dimension, Practice};
use crate::analysis::rules::ExceptionKind;
use crate::analysis::tag::Tag;
use crate::analysis::tagger::Finding;
use crate::base::report::{COMPARE_SCHEMA_VERSION, ORGCHECK_VERSION};
use crate::inputs::providers::{Note, Statement};

/// One verdict per provider and tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The statement denies what the policy permits, or asserts what the policy denies: the two
    /// practices' scopes overlap on every part (action, data, recipients, purpose).
    Contradiction,
    /// The statement denies something narrower than, or beside, what the policy permits ("does not
    /// sell customer data" against "may provide aggregate information to advertisers"): true as far as
    /// it goes, and silent on what the policy allows.
    NarrowDenial,
    /// The policy permits it; the customer statement does not mention it.
    Omission,
    /// Statement and policy agree.
    Consistent,
    /// The statement mentions it; the policy is silent.
    StatementOnly,
    /// Neither mentions it.
    NotMentioned,
    /// No customer statement is recorded for the provider.
    NoStatement,
    /// The policy, or a statement, is in a language orgcheck has no rules for: it was not read, so
    /// nothing is said about the tag (never `not-mentioned` or `omission`).
    Unreadable,
}

impl Verdict {
    /// Every verdict, from the gravest to the least.
    pub const ALL: [Verdict; 8] = [
        Verdict::Contradiction,
        Verdict::NarrowDenial,
        Verdict::Omission,
        Verdict::Consistent,
        Verdict::StatementOnly,
        Verdict::NotMentioned,
        Verdict::NoStatement,
        Verdict::Unreadable,
    ];

    /// What the verdict says, in one sentence for a glossary (`orgcheck help compare`, the manual).
    pub fn meaning(self) -> &'static str {
        match self {
            Verdict::Contradiction => {
                "The statement denies what the policy permits (or asserts what the policy denies), and the two \
                 overlap in every part: what is done, to which data, for whom and why."
            }
            Verdict::NarrowDenial => {
                "The statement denies something narrower than what the policy permits (\"we do not sell\" \
                 against \"we may provide aggregate data to advertisers\"): true as far as it goes, and silent \
                 on the rest."
            }
            Verdict::Omission => "The policy permits it; the statement does not mention it.",
            Verdict::Consistent => "Statement and policy agree.",
            Verdict::StatementOnly => "The statement mentions it; the policy, as read, does not.",
            Verdict::NotMentioned => "Neither the statement nor the policy mentions it.",
            Verdict::NoStatement => "No statement from the provider is recorded: nothing to compare the policy with.",
            Verdict::Unreadable => {
                "A text is in a language orgcheck has no rules for: it was not read, and nothing is said \
                 (never taken for silence)."
            }
        }
    }

    /// The verdict in a few words, for the legend under a table.
    pub fn gloss(self) -> &'static str {
        match self {
            Verdict::Contradiction => "denies what the policy permits",
            Verdict::NarrowDenial => "denies less than the policy permits",
            Verdict::Omission => "the policy permits, the statement is silent",
            Verdict::Consistent => "both agree",
            Verdict::StatementOnly => "the policy is silent",
            Verdict::NotMentioned => "neither says",
            Verdict::NoStatement => "no reply recorded",
            Verdict::Unreadable => "a text orgcheck has no rules for",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Contradiction => "contradiction",
            Verdict::NarrowDenial => "narrow-denial",
            Verdict::Omission => "omission",
            Verdict::Consistent => "consistent",
            Verdict::StatementOnly => "statement-only",
            Verdict::NotMentioned => "not-mentioned",
            Verdict::NoStatement => "no-statement",
            Verdict::Unreadable => "unreadable",
        }
    }
}

/// One verdict per tag, indexed by tag; written as an object with one field per tag, in
/// [`Tag::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdicts([Verdict; Tag::ALL.len()]);

impl Verdicts {
    /// The verdict of each tag, from a function of the tag.
    pub fn from_fn(mut verdict: impl FnMut(Tag) -> Verdict) -> Verdicts {
        Verdicts(Tag::ALL.map(&mut verdict))
    }

    pub fn get(&self, tag: Tag) -> Verdict {
        self.0[tag.index()]
    }

    /// Each tag with its verdict, in [`Tag::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Tag, Verdict)> + '_ {
        Tag::ALL.into_iter().map(|t| (t, self.get(t)))
    }
}

impl Serialize for Verdicts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        per_tag(serializer, self.iter())
    }
}

impl schemars::JsonSchema for Verdicts {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Verdicts".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        per_tag_schema::<Verdict>(generator, "One verdict per tag.")
    }
}

/// Writes one entry per tag, keyed by the tag's name.
fn per_tag<S: serde::Serializer, T: Serialize>(
    serializer: S,
    entries: impl Iterator<Item = (Tag, T)>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(Tag::ALL.len()))?;
    for (tag, value) in entries {
        map.serialize_entry(tag.as_str(), &value)?;
    }
    map.end()
}

/// The schema of an object with one `T` per tag, every tag required.
fn per_tag_schema<T: schemars::JsonSchema>(
    generator: &mut schemars::SchemaGenerator,
    description: &str,
) -> schemars::Schema {
    let item = serde_json::Value::from(generator.subschema_for::<T>());
    let properties: serde_json::Map<String, serde_json::Value> = Tag::ALL
        .iter()
        .map(|t| (t.as_str().to_string(), item.clone()))
        .collect();
    schemars::json_schema!({
        "description": description,
        "type": "object",
        "properties": properties,
        "required": Tag::ALL.map(Tag::as_str),
    })
}

/// Why each tag got its verdict: one [`VerdictDetail`] per tag, in [`Tag::ALL`] order; written as an
/// object keyed by tag, as [`Verdicts`] is (`jq '.details["third-party-sharing"]'`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details(Vec<VerdictDetail>);

impl Details {
    /// The detail of each tag, from a function of the tag.
    pub fn from_fn(detail: impl FnMut(Tag) -> VerdictDetail) -> Details {
        Details(Tag::ALL.into_iter().map(detail).collect())
    }

    pub fn get(&self, tag: Tag) -> &VerdictDetail {
        &self.0[tag.index()]
    }

    /// Each tag's detail, in [`Tag::ALL`] order.
    pub fn iter(&self) -> std::slice::Iter<'_, VerdictDetail> {
        self.0.iter()
    }

    /// The verdicts the details give.
    pub fn verdicts(&self) -> Verdicts {
        Verdicts::from_fn(|tag| self.get(tag).verdict)
    }
}

impl<'a> IntoIterator for &'a Details {
    type Item = &'a VerdictDetail;
    type IntoIter = std::slice::Iter<'a, VerdictDetail>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        per_tag(serializer, self.0.iter().map(|d| (d.tag, d)))
    }
}

impl schemars::JsonSchema for Details {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Details".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        per_tag_schema::<VerdictDetail>(
            generator,
            "Why each tag got its verdict, keyed by tag as `verdicts` is (since schema_version 3; an array before).",
        )
    }
}

/// Which text a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Statement,
    Policy,
}

/// A finding and the side it is on. For statements, `statement` is the index into `statements` and the
/// span is into that statement's normalised text; for the policy the span is into the policy text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SidedFinding {
    pub side: Side,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<usize>,
    #[serde(flatten)]
    pub finding: Finding,
}

/// Where the policy text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// The snapshot declared with a bundled provider.
    Bundled,
    /// The snapshot declared with a provider of the user's own (`--providers`).
    Snapshot,
    /// The latest version in a local store written by `orgcheck fetch`.
    Store,
    /// Fetched during this run.
    Live,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PolicySource {
    pub kind: SourceKind,
    /// The document id within the provider declaration.
    pub document: String,
    /// The document's canonical URL.
    pub url: String,
    /// SHA-256 (hex) of the normalised policy text that was tagged.
    pub sha256: String,
    /// When the text was retrieved (RFC 3339), where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrieved_at: Option<String>,
    /// Date of the bundled snapshot's text, where declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_date: Option<String>,
    /// Provenance of the bundled snapshot, where declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_source: Option<String>,
    /// The language most of the policy text is in (ISO 639-1); null when it could not be told.
    pub language: Option<Language>,
    /// False when orgcheck has no rules for that language: the policy was not read, and every verdict
    /// is `unreadable`.
    pub read: bool,
}

/// Why a tag got its verdict, with the findings that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct VerdictDetail {
    pub tag: Tag,
    pub verdict: Verdict,
    /// One sentence a reader can check against the evidence.
    pub reason: String,
    /// Indices into `findings` of the statement findings that decided the verdict.
    pub statement_evidence: Vec<usize>,
    /// Indices into `findings` of the policy findings that decided the verdict.
    pub policy_evidence: Vec<usize>,
    /// For a contradiction or a narrow denial: the denied and the permitted practice side by side, and
    /// where they overlap or differ.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scope: Option<ScopeComparison>,
}

/// A practice as one side of a comparison: what is done to which data, for whom and why, with the
/// exceptions of a denial. Every term quotes its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Scope {
    /// Index into `findings` of the finding the practice is read from.
    pub finding: usize,
    #[serde(flatten)]
    pub practice: Practice,
    /// The kinds of exception a denial makes ("except as required by law" is `legal`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub exceptions: Vec<ExceptionKind>,
    /// The practice in one line: "sell · customer data", "provide · aggregate information →
    /// advertisers".
    pub line: String,
}

/// A denial and a permission of the same tag compared part by part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ScopeComparison {
    /// The side whose text denies: the statement, or for an assertion the policy denies, the policy.
    pub denied_by: Side,
    /// The practice denied.
    pub denies: Scope,
    /// The practice permitted.
    pub permits: Scope,
    /// The parts on which what is permitted falls outside what is denied ("action": sell against
    /// provide). Empty for a contradiction.
    pub differs_in: Vec<Dimension>,
    /// For a contradiction: the permitted terms the denial covers, the overlap a reader can quote
    /// ("businesses that process this information on our behalf").
    #[serde(skip_serializing_if = "Practice::is_empty", default)]
    pub overlap: Practice,
    /// One line to quote: "denies: sell · customer data │ policy permits: provide · aggregate
    /// information → advertisers, content partners".
    pub line: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ProviderReport {
    pub id: String,
    pub name: String,
    pub policy_source: PolicySource,
    /// What the provider told customers; empty when it has not replied.
    pub statements: Vec<ComparedStatement>,
    /// Editorial remarks from the source, never provider text.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<Note>,
    pub findings: Vec<SidedFinding>,
    pub verdicts: Verdicts,
    pub details: Details,
}

/// A statement as compared: what the provider said and, for a statement page, which text was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ComparedStatement {
    #[serde(flatten)]
    pub statement: Statement,
    /// For a statement page (`[[statements]]` with an `id`): the stored version or the declared text
    /// that was read. Absent for a recorded statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_source: Option<PolicySource>,
}

/// The document `orgcheck compare --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CompareReport {
    pub schema_version: u32,
    /// The orgcheck version that wrote the report.
    pub orgcheck_version: String,
    pub providers: Vec<ProviderReport>,
    /// With `--baseline FILE`: what changed since that earlier comparison.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub changes: Option<super::Changes>,
}

impl CompareReport {
    pub fn new(providers: Vec<ProviderReport>) -> Self {
        CompareReport {
            schema_version: COMPARE_SCHEMA_VERSION,
            orgcheck_version: ORGCHECK_VERSION.to_string(),
            providers,
            changes: None,
        }
    }

    /// Whether any provider has a verdict of this kind.
    pub fn has(&self, verdict: Verdict) -> bool {
        self.providers
            .iter()
            .any(|p| p.verdicts.iter().any(|(_, v)| v == verdict))
    }
}
