//! Polarity you can trust: sentences written for this test, each with every tag and polarity the
//! default rules must report for it — no more, no fewer. `+` is a positive finding ("we share"), `-`
//! a negative one ("we never share").

use orgcheck::rules::{Polarity, RuleSet, Tag};

const CASES: &[(&str, &[&str])] = &[
    // Plain affirmations.
    (
        "We may share your personal information with our advertising partners.",
        &["+sharing"],
    ),
    ("We sell customer lists to data brokers.", &["+sharing"]),
    (
        "Your details may be disclosed to other companies in our group.",
        &["+sharing"],
    ),
    (
        "We pass aggregated usage data to third parties.",
        &["+sharing", "+aggregation"],
    ),
    (
        "We collect the location of your handset from nearby cell towers.",
        &["+location"],
    ),
    ("You can opt out of marketing emails at any time.", &["+opt-out"]),
    ("Statistics are only published in aggregate form.", &["+aggregation"]),
    ("We use GPS data to show nearby stores.", &["+location"]),
    // Plain denials.
    (
        "We do not share your personal information with third parties.",
        &["-sharing"],
    ),
    ("We never sell your data.", &["-sharing"]),
    ("We will not disclose your details to advertisers.", &["-sharing"]),
    ("We don't sell, rent or trade your personal information.", &["-sharing"]),
    ("Your personal information is never sold or rented.", &["-sharing"]),
    ("We do not collect your location.", &["-location"]),
    ("We don't use GPS to track you.", &["-location"]),
    ("There is no opt-out for this processing.", &["-opt-out"]),
    ("There is nothing to opt out of.", &["-opt-out"]),
    (
        "We no longer share customer data with marketing partners.",
        &["-sharing"],
    ),
    ("Neither we nor our partners sell your information.", &["-sharing"]),
    ("At no time will we sell your personal information.", &["-sharing"]),
    ("We will never pass your details on to third parties.", &["-sharing"]),
    ("Nobody outside our company will receive your data.", &[]),
    // Negation scoped to the practice.
    (
        "We do not sell your data but we share it with partners.",
        &["-sharing", "+sharing"],
    ),
    (
        "We never sell your data; however, we may share it with service providers.",
        &["-sharing", "+sharing"],
    ),
    (
        "We never share your location with advertisers.",
        &["-sharing", "+location"],
    ),
    (
        "Information that is not personally identifiable may be shared with partners.",
        &["+sharing", "+aggregation"],
    ),
    (
        "We do not identify you, although we share aggregated statistics with third parties.",
        &["+sharing", "+aggregation"],
    ),
    (
        "We do not currently offer an opt-out, but we share data with partners.",
        &["-opt-out", "+sharing"],
    ),
    // Conditions: a denial with a condition permits the practice.
    ("We will not share your data without your consent.", &["+sharing"]),
    (
        "We will not share your data with third parties unless you ask us to.",
        &["+sharing"],
    ),
    (
        "We do not disclose personal information except as required by law.",
        &["+sharing"],
    ),
    (
        "Without your consent we will not share your information with advertisers.",
        &["+sharing"],
    ),
    (
        "We never share your information other than with our service providers.",
        &["+sharing"],
    ),
    (
        "We will only share your data with partners if you agree.",
        &["+sharing"],
    ),
    // Phrases that look negative but are not.
    (
        "We share data with, but not limited to, our partners and affiliates.",
        &["+sharing"],
    ),
    (
        "We not only share your data with affiliates but also with advertisers.",
        &["+sharing"],
    ),
    (
        "Whether or not you are a customer, we may share your details with partners.",
        &["+sharing"],
    ),
    // Double negatives.
    ("It is not true that we never share data with partners.", &["+sharing"]),
    // Opt-out and choice.
    ("You cannot opt out of service messages.", &["-opt-out"]),
    ("Customers can't opt out of network analytics.", &["-opt-out"]),
    ("An opt-out is not available for this service.", &["-opt-out"]),
    ("You may withdraw your consent at any time.", &["+opt-out"]),
    (
        "You have the right to object to processing for direct marketing.",
        &["+opt-out"],
    ),
    ("To stop receiving text messages, reply STOP.", &["+opt-out"]),
    (
        "If you do not wish to receive our newsletter, write to us.",
        &["+opt-out"],
    ),
    ("You can unsubscribe using the link in every email.", &["+opt-out"]),
    ("You can disable cookies in your browser settings.", &["+opt-out"]),
    (
        "You can change your marketing preferences in your account.",
        &["+opt-out"],
    ),
    ("Customers have control over how their data is used.", &["+opt-out"]),
    ("We will not contact you if you opt out.", &["+opt-out"]),
    // Aggregation.
    ("The data is anonymised before analysis.", &["+aggregation"]),
    (
        "We use de-identified information to improve the network.",
        &["+aggregation"],
    ),
    ("We do not aggregate your data with other sources.", &["-aggregation"]),
    (
        "These reports describe large groups of customers, never individuals.",
        &["+aggregation"],
    ),
    ("Users can visit our site anonymously.", &[]),
    // Location.
    (
        "We may infer where you are from the cell site your phone uses.",
        &["+location"],
    ),
    ("Location-based services use your approximate position.", &["+location"]),
    ("We do not track your whereabouts.", &["-location"]),
    ("Our servers are kept in secure locations.", &[]),
    ("The revised policy will be posted at this location.", &[]),
    // Several tags in one clause.
    (
        "We may pass location data to advertisers on an aggregated basis.",
        &["+sharing", "+location", "+aggregation"],
    ),
    (
        "We never share your GPS location with third parties.",
        &["-sharing", "+location"],
    ),
    (
        "We do not sell your location data, and you can opt out of analytics.",
        &["-sharing", "+location", "+opt-out"],
    ),
    // No practice at all.
    ("We sell mobile phones and accessories.", &[]),
    ("Please read this policy carefully.", &[]),
    ("Our offices are closed on public holidays.", &[]),
    ("See Disclosure of Your Information.", &[]),
];

fn parse(label: &str) -> (Tag, Polarity) {
    let (sign, tag) = label.split_at(1);
    let polarity = if sign == "+" {
        Polarity::Positive
    } else {
        Polarity::Negative
    };
    let tag = match tag {
        "sharing" => Tag::ThirdPartySharing,
        other => other.parse().unwrap_or_else(|e| panic!("{e}")),
    };
    (tag, polarity)
}

#[test]
fn the_polarity_set_is_large_enough() {
    assert!(CASES.len() >= 60, "{} sentences", CASES.len());
}

#[test]
fn every_sentence_gets_exactly_its_tags_and_polarities() {
    let rules = RuleSet::default_rules().unwrap();
    let mut failures = Vec::new();
    for (sentence, expected) in CASES {
        let mut want: Vec<(Tag, Polarity)> = expected.iter().map(|l| parse(l)).collect();
        let mut got: Vec<(Tag, Polarity)> = rules.findings(sentence).iter().map(|f| (f.tag, f.polarity)).collect();
        want.sort();
        want.dedup();
        got.sort();
        got.dedup();
        if want != got {
            failures.push(format!("{sentence}\n    want {want:?}\n    got  {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} sentences wrong:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}
