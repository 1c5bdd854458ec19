//! Polarity you can trust: sentences written for this test, each with every tag and polarity the
//! default rules must report for it — no more, no fewer. `+` is a positive finding ("we share"), `-`
//! a negative one ("we never share"), `~` a permission that is the exception to a denial ("except *as
//! required by law*"); `[legal]` lists a denial's exception kinds.

use orgcheck::analysis::rules::ExceptionKind;
use orgcheck::{Polarity, RuleSet, Tag};

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
    // The contractions as often typed, without an apostrophe.
    (
        "We dont sell or profit from the information you share with us.",
        &["-sharing"],
    ),
    ("Our app doesnt share your details with advertisers.", &["-sharing"]),
    ("We didnt disclose your details to advertisers.", &["-sharing"]),
    ("We wouldnt sell your personal information.", &["-sharing"]),
    (
        "We couldnt share your data with partners even if we wanted to.",
        &["-sharing"],
    ),
    ("Your data shouldnt be shared with advertisers.", &["-sharing"]),
    ("Your personal information isnt sold to anyone.", &["-sharing"]),
    ("Customer lists arent sold to marketers.", &["-sharing"]),
    ("Your details wasnt shared with our partners.", &["-sharing"]),
    ("Customer records werent disclosed to advertisers.", &["-sharing"]),
    // A denial of a limit is a permission.
    (
        "Nothing in this Privacy Policy is intended to restrict our use or sharing of aggregated information.",
        &["+sharing", "+aggregation"],
    ),
    // A heading naming a topic and its contrary denies nothing.
    (
        "How we share (and do not share) information with advertisers: we share reports with advertisers.",
        &["+sharing"],
    ),
    ("There is no opt-out for this processing.", &["-opt-out"]),
    ("There is nothing to opt out of.", &["-opt-out"]),
    (
        "We no longer share customer data with marketing partners.",
        &["-sharing"],
    ),
    ("Neither we nor our partners sell your information.", &["-sharing"]),
    ("At no time will we sell your personal information.", &["-sharing"]),
    ("We will never pass your details on to third parties.", &["-sharing"]),
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
    // A denial with an exception is still a denial; the exception is reported with it, and what it
    // names, when it is a practice of its own, is an excepted permission (`~`).
    (
        "We will not share your data without your consent.",
        &["-sharing[consent]"],
    ),
    (
        "We will not share your data with third parties unless you ask us to.",
        &["-sharing[consent]"],
    ),
    (
        "We do not disclose personal information except as required by law.",
        &["-sharing[legal]", "~sharing"],
    ),
    (
        "Without your consent we will not share your information with advertisers.",
        &["-sharing[consent]"],
    ),
    (
        "We never share your information other than with our service providers.",
        &["-sharing[service-providers]"],
    ),
    (
        "Customer records are never sold or handed on, except where a court orders it.",
        &["-sharing[legal]", "~sharing"],
    ),
    (
        "We do not sell your data except to a buyer in the sale of our business.",
        &["-sharing[business-transfer]"],
    ),
    (
        "We never share your details with anyone apart from companies in our group.",
        &["-sharing[group-companies]"],
    ),
    (
        "We do not share your data except as described in this policy.",
        &["-sharing[other]"],
    ),
    (
        "Unless you have expressly authorised us to do so, we will not disclose your personal information to any \
         third party.",
        &["-sharing[consent]"],
    ),
    (
        "We do not share your data with third parties, with the exception of our payment processors.",
        &["-sharing[service-providers]"],
    ),
    (
        "Your information will never be sold or shared with third parties, unless required by law.",
        &["-sharing[legal]", "~sharing"],
    ),
    (
        "We do not sell your data except as required by law; but we share it with partners.",
        &["-sharing[legal]", "~sharing", "+sharing"],
    ),
    // A condition on a permission is not a denial.
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
    // The shapes of issue 12: coordinated auxiliaries, lists led by another verb, negative quantifiers,
    // negated frames, pronoun objects.
    (
        "We don't and won't ever sell your details to other companies.",
        &["-sharing"],
    ),
    (
        "We will never misuse, rent, trade or hand over your information to anyone.",
        &["-sharing"],
    ),
    ("None of your details are ever sold.", &["-sharing"]),
    ("No outside company ever receives your data.", &["-sharing"]),
    ("We are not in the business of trading customer data.", &["-sharing"]),
    ("Your data belongs to you; we will never trade it.", &["-sharing"]),
    ("We do not and will not sell your data to third parties.", &["-sharing"]),
    (
        "We have not and never will sell your personal information.",
        &["-sharing"],
    ),
    ("Nobody outside our company will receive your data.", &["-sharing"]),
    ("No third party receives your personal data from us.", &["-sharing"]),
    (
        "We can confirm that no personal information is passed to advertisers.",
        &["-sharing"],
    ),
    (
        "Under no circumstances will the collected data be sold or passed on to third parties.",
        &["-sharing"],
    ),
    (
        "At no point in time do we voluntarily give personal data to third party companies.",
        &["-sharing"],
    ),
    ("We share no personal data with advertisers.", &["-sharing"]),
    ("We sell none of your information to third parties.", &["-sharing"]),
    (
        "Selling your personal data to third parties is strictly prohibited.",
        &["-sharing"],
    ),
    (
        "We do not partner with advertisers, nor do we share information with third parties.",
        &["-sharing"],
    ),
    (
        "We will not, under any circumstances, sell your personal data.",
        &["-sharing"],
    ),
    ("It is not our policy to sell customer information.", &["-sharing"]),
    (
        "We never knowingly disclose personal data to advertisers.",
        &["-sharing"],
    ),
    (
        "We do not sell, trade or otherwise transfer to outside parties your personal information.",
        &["-sharing"],
    ),
    // Where a denial stops: a new clause, "which", "while".
    (
        "We do not knowingly collect data from children, and we share anonymised data with partners.",
        &["+sharing", "+aggregation"],
    ),
    (
        "No personal data is kept on our servers, which we share with partners.",
        &["+sharing"],
    ),
    (
        "We do not sell your data, and we share usage statistics with advertisers.",
        &["-sharing", "+sharing", "+aggregation"],
    ),
    (
        "Data that is not identifiable, and may be shared with partners, is kept for a year.",
        &["+sharing"],
    ),
    // More of each cue: contractions, "nor", "no longer", frames, adverbials, objects, post cues.
    ("We haven't shared your details with any advertiser.", &["-sharing"]),
    ("Our staff can't pass your data to third parties.", &["-sharing"]),
    (
        "We shouldn't and won't disclose your information to marketers.",
        &["-sharing"],
    ),
    ("We neither sell nor rent your personal information.", &["-sharing"]),
    ("In no event will we sell your personal data.", &["-sharing"]),
    ("We will never, ever sell your data to anyone.", &["-sharing"]),
    ("We pass nothing about you to third parties.", &["-sharing"]),
    ("We have no plans to sell your data to data brokers.", &["-sharing"]),
    ("Renting your information to marketers is forbidden.", &["-sharing"]),
    ("Your data is not sold to anyone.", &["-sharing"]),
    ("Your details will not be passed on to other companies.", &["-sharing"]),
    ("Your location is not tracked by our apps.", &["-location"]),
    ("We never collect GPS data from your phone.", &["-location"]),
    ("We don't store or use location-based information.", &["-location"]),
    ("No location data leaves your device.", &["-location"]),
    ("Opting out is not possible for network analytics.", &["-opt-out"]),
    ("We do not offer an opt-out for these messages.", &["-opt-out"]),
    ("We don't aggregate or anonymise data for sale.", &["-aggregation"]),
    // Denials with exceptions, more shapes.
    (
        "We do not share your data, except with service providers who help us run the service.",
        &["-sharing[service-providers]"],
    ),
    (
        "We will not disclose your details unless a court orders us to.",
        &["-sharing[legal]", "~sharing"],
    ),
    (
        "We don't sell your information other than to a successor in a merger.",
        &["-sharing[business-transfer]", "~sharing"],
    ),
    (
        "We never share your data without first obtaining your consent.",
        &["-sharing[consent]"],
    ),
    (
        "We do not pass your data to anyone save as required by law.",
        &["-sharing[legal]", "~sharing"],
    ),
    (
        "We do not share your data with third parties except with your consent or as required by law.",
        &["-sharing[legal,consent]", "~sharing"],
    ),
    (
        "No personal information will be released to third parties, except as required by law.",
        &["-sharing[legal]", "~sharing"],
    ),
    // Permissions that only look negative, or whose negation is elsewhere.
    (
        "We may share your data with partners unless you opt out.",
        &["+sharing", "+opt-out"],
    ),
    (
        "If you do not opt out, we will share your data with partners.",
        &["+sharing", "+opt-out"],
    ),
    // A disclaimer vouches for nothing: what follows it is no practice of any polarity (issue 32).
    ("We cannot guarantee that partners will not share your data.", &[]),
    // A denial limited to what breaks the document lets through whatever the document permits.
    (
        "We will not share your personal information in violation of this notice.",
        &["-sharing[other]"],
    ),
    (
        "Information that is not anonymised may be shared with our partners.",
        &["+sharing", "-aggregation"],
    ),
    ("There is no doubt that we share data with advertisers.", &["+sharing"]),
    // Every contraction, terminator, exception cue and break of the default rules.
    ("The app doesn't share your contacts with advertisers.", &["-sharing"]),
    ("We didn't sell customer data last year.", &["-sharing"]),
    ("We wouldn't pass your details to marketers.", &["-sharing"]),
    (
        "We couldn't sell your personal data even if we wanted to.",
        &["-sharing"],
    ),
    ("We shan't disclose your details to third parties.", &["-sharing"]),
    ("Your data isn't shared with advertisers.", &["-sharing"]),
    ("Your details aren't passed to other companies.", &["-sharing"]),
    ("The app wasn't sharing your data with advertisers.", &["-sharing"]),
    ("Your records weren't disclosed to any third party.", &["-sharing"]),
    ("Our company hasn't sold customer lists to data brokers.", &["-sharing"]),
    ("We hadn't shared any data with partners before.", &["-sharing"]),
    ("Staff mustn't disclose customer data to outsiders.", &["-sharing"]),
    ("We needn't share your data with anyone.", &["-sharing"]),
    (
        "We will share your data with partners, if not with advertisers too.",
        &["+sharing"],
    ),
    (
        "We do not sell your data, while our partners may share your data with advertisers.",
        &["-sharing", "+sharing"],
    ),
    (
        "We never sell your data whilst advertisers may receive your information.",
        &["-sharing", "+sharing"],
    ),
    (
        "We do not share your data with anyone, excepting our payment processors.",
        &["-sharing[service-providers]"],
    ),
    (
        "We do not disclose your information to third parties, only to our processors.",
        &["-sharing[service-providers]"],
    ),
    (
        "We do not sell your data, whereas our partners share it with advertisers.",
        &["-sharing", "+sharing"],
    ),
    (
        "We do not sell your data, though we share statistics with partners.",
        &["-sharing", "+sharing"],
    ),
    (
        "We do not sell your data, instead we pass it to partners.",
        &["-sharing", "+sharing"],
    ),
    (
        "We never sell your data, nevertheless we share it with affiliates.",
        &["-sharing", "+sharing"],
    ),
    (
        "We do not rent your data, nonetheless we disclose it to advertisers.",
        &["-sharing", "+sharing"],
    ),
    // A negator after the practice, and the negations that are not.
    ("We share data with partners at no cost to you.", &["+sharing"]),
    (
        "No matter where you live, we may share your data with partners.",
        &["+sharing"],
    ),
    (
        "We will share your data with the buyer no later than the date of sale.",
        &["+sharing"],
    ),
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
    ("We do not collect or use location data.", &["-location"]),
    ("We never track where you are.", &["-location"]),
    (
        "None of our apps will ever access or track location-based information from your device.",
        &["-location"],
    ),
    ("We don't use your GPS location for calls.", &["-location"]),
    ("Location data is never collected by our apps.", &["-location"]),
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
    // A denial reaches a verb coordinated by "or" after the first verb's object, and the items of a list
    // a colon opens.
    (
        "We don't store this on our servers or share it with third parties.",
        &["-sharing"],
    ),
    (
        "Acme will never: sell your personal information to third parties; rent your email address to marketers.",
        &["-sharing"],
    ),
    // Prohibitions, as a phrase or a negated permission.
    (
        "Our partners are prohibited from transferring your data to anyone else.",
        &["-sharing"],
    ),
    (
        "Vendors are contractually barred from selling the information to third parties.",
        &["-sharing"],
    ),
    (
        "Service providers are not permitted to share your information with third parties.",
        &["-sharing"],
    ),
    // A recipient with access, or denied it; the reader's own access is no sharing.
    (
        "Our service providers may have access to your personal information.",
        &["+sharing"],
    ),
    ("The other parties do not have access to your identity.", &["-sharing"]),
    ("You have access to your account at any time.", &[]),
    // A yes/no question asks; its answer states. A wh-question takes the practice for granted.
    ("Do we sell your personal data to third parties? Never.", &["-sharing"]),
    ("Will my details be passed to advertisers? No.", &["-sharing"]),
    ("Do we share your information with third parties?", &[]),
    ("Do we use your location? Yes, to show nearby stores.", &["+location"]),
    ("How do we share your information with partners?", &["+sharing"]),
    // Letting a recipient act, the recipient as the agent of a passive, data others can see.
    (
        "We allow select advertisers to place cookies on our pages.",
        &["+sharing"],
    ),
    ("Your order details are used by our service providers.", &["+sharing"]),
    (
        "Your profile information may be viewed by other members.",
        &["+sharing"],
    ),
    // A comma list of denied verbs closed by "or"; "not the policy of X to".
    (
        "We will not contact you, share your details with advertisers, or sell your data.",
        &["-sharing"],
    ),
    (
        "It is not the policy of Acme Books to sell customer lists.",
        &["-sharing"],
    ),
    // Interface text, not a statement: a link, a menu item, a lone word.
    ("Do Not Sell My Personal Information", &[]),
    ("Privacy Choices", &[]),
    ("GPS", &[]),
    // No practice at all.
    ("We sell mobile phones and accessories.", &[]),
    ("Please read this policy carefully.", &[]),
    ("Our offices are closed on public holidays.", &[]),
    ("See Disclosure of Your Information.", &[]),
];

/// What a finding is, as the labels above write it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Label {
    tag: Tag,
    polarity: Polarity,
    excepted: bool,
    exceptions: Vec<ExceptionKind>,
}

fn parse(label: &str) -> Label {
    let (sign, rest) = label.split_at(1);
    let (tag, exceptions) = match rest.split_once('[') {
        Some((tag, kinds)) => (
            tag,
            kinds
                .trim_end_matches(']')
                .split(',')
                .map(|k| {
                    ExceptionKind::ALL
                        .into_iter()
                        .find(|e| e.as_str() == k)
                        .unwrap_or_else(|| panic!("unknown exception kind {k}"))
                })
                .collect(),
        ),
        None => (rest, Vec::new()),
    };
    let tag = match tag {
        "sharing" => Tag::ThirdPartySharing,
        other => other.parse().unwrap_or_else(|e| panic!("{e}")),
    };
    Label {
        tag,
        polarity: if sign == "-" {
            Polarity::Negative
        } else {
            Polarity::Positive
        },
        excepted: sign == "~",
        exceptions,
    }
}

#[test]
fn the_polarity_set_is_large_enough() {
    assert!(CASES.len() >= 120, "{} sentences", CASES.len());
}

#[test]
fn every_sentence_gets_exactly_its_tags_and_polarities() {
    let rules = RuleSet::default_rules().unwrap();
    let mut failures = Vec::new();
    for (sentence, expected) in CASES {
        let mut want: Vec<Label> = expected.iter().map(|l| parse(l)).collect();
        let mut got: Vec<Label> = rules
            .findings(sentence)
            .iter()
            .map(|f| Label {
                tag: f.tag,
                polarity: f.polarity,
                excepted: f.excepted,
                exceptions: f.exception_kinds(),
            })
            .collect();
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

/// Every negation cue of the default rules, except plain filler, is exercised by some sentence above:
/// each of its words occurs in one, and each of its patterns matches one.
#[test]
fn every_cue_is_covered_by_a_sentence() {
    use orgcheck::analysis::rules::CueKind;
    let rules = RuleSet::default_rules().unwrap();
    let lower: Vec<String> = CASES.iter().map(|(s, _)| s.to_lowercase().replace('’', "'")).collect();
    let has_word = |w: &str| {
        lower.iter().any(|s| {
            s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == ';'))
                .any(|t| t == w || (w == ";" && t.contains(';')))
        })
    };
    let mut missing = Vec::new();
    for cue in rules
        .lexicon
        .cues
        .iter()
        .filter(|c| !matches!(c.kind, CueKind::Filler | CueKind::Auxiliary))
    {
        for w in cue.words.iter().filter(|w| !w.contains('*')) {
            if !has_word(w) {
                missing.push(format!("{}: word {w:?}", cue.id));
            }
        }
        // `object` and `post` patterns are matched after a practice word: covered when a sentence's
        // denial comes from the cue.
        let anchored = matches!(cue.kind, CueKind::Object | CueKind::Post);
        for p in cue.patterns.iter().filter(|_| !anchored) {
            if !CASES.iter().any(|(s, _)| p.is_match(s)) {
                missing.push(format!("{}: pattern {}", cue.id, p.as_str()));
            }
        }
        let index = rules.lexicon.cues.iter().position(|c| c.id == cue.id);
        if anchored
            && !CASES
                .iter()
                .any(|(s, _)| rules.tag_clause(s).iter().any(|h| h.negated_by == index))
        {
            missing.push(format!("{}: no denial through it", cue.id));
        }
    }
    assert!(missing.is_empty(), "no sentence for:\n{}", missing.join("\n"));
}
