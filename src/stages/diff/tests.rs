//! The clause diff's tests: alignment, meaning changes, noise, languages.

use super::*;

fn rules() -> RuleSet {
    RuleSet::default_rules().unwrap()
}

fn run(old: &str, new: &str) -> DiffBody {
    diff(&rules(), &Normaliser::all(), old, new)
}

const BASE: &str = "We collect your name and address.\n\nWe use cookies to run the website.\n\nYou can contact us \
                    by post.\n\nWe keep records for six years.\n";

#[test]
fn identical_texts_have_no_changes() {
    let d = run(BASE, BASE);
    assert!(!d.changed() && !d.meaning_changed);
    assert_eq!(d.counts.unchanged, 4);
}

#[test]
fn a_new_sharing_clause_is_a_meaning_change() {
    let new = BASE.replace(
        "You can contact",
        "We may pass this data to advertisers on an aggregated basis.\n\nYou can contact",
    );
    let d = run(BASE, &new);
    assert_eq!(d.counts.added, 1);
    assert_eq!(d.changes[0].kind, ChangeKind::Added);
    let line: Vec<String> = d.summary.iter().map(TagDelta::line).collect();
    assert!(
        line.iter()
            .any(|l| l.starts_with("third-party-sharing: +1 positive (\"pass this data")),
        "{line:?}"
    );
    assert!(d.meaning_changed);
}

#[test]
fn a_reworded_clause_is_changed_with_a_word_diff() {
    let new = BASE.replace("We keep records for six years.", "We keep records for seven years.");
    let d = run(BASE, &new);
    assert_eq!(d.changes.len(), 1, "{:?}", d.changes);
    let c = &d.changes[0];
    assert_eq!(c.kind, ChangeKind::Changed);
    assert!(!d.meaning_changed);
    let deleted: Vec<&str> = c
        .words
        .iter()
        .filter(|w| w.op == WordOp::Delete)
        .map(|w| w.text.as_str())
        .collect();
    let inserted: Vec<&str> = c
        .words
        .iter()
        .filter(|w| w.op == WordOp::Insert)
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!((deleted, inserted), (vec!["six"], vec!["seven"]));
}

#[test]
fn removing_an_opt_out_loses_a_finding() {
    let old = format!("{BASE}\nYou can opt out of marketing at any time.\n");
    let d = run(&old, BASE);
    assert_eq!(d.changes[0].kind, ChangeKind::Removed);
    assert_eq!(d.summary[0].tag, Tag::OptOut);
    assert_eq!((d.summary[0].gained, d.summary[0].lost), (0, 1));
    assert!(
        d.summary[0].line().starts_with("opt-out: -1 positive"),
        "{}",
        d.summary[0].line()
    );
}

#[test]
fn negating_a_clause_swaps_polarity() {
    let old = format!("{BASE}\nWe share your data with partners.\n");
    let new = format!("{BASE}\nWe never share your data with partners.\n");
    let d = run(&old, &new);
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].kind, ChangeKind::Changed);
    let lines: Vec<String> = d.summary.iter().map(TagDelta::line).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains("-1 positive") && lines[1].contains("+1 negative"),
        "{lines:?}"
    );
}

#[test]
fn a_denial_that_excepts_something_else_is_a_meaning_change() {
    let old = format!("{BASE}\nWe do not share your data with anyone except with service providers.\n");
    let new = format!("{BASE}\nWe do not share your data with anyone except with our affiliates.\n");
    let d = run(&old, &new);
    assert!(d.meaning_changed);
    let lines: Vec<String> = d.summary.iter().map(TagDelta::line).collect();
    assert_eq!(
        lines,
        [
            "third-party-sharing: +1 negative (\"share your data with anyone\" except group-companies); -1 \
             negative (\"share your data with anyone\" except service-providers)"
        ]
    );
}

#[test]
fn a_moved_clause_is_moved_not_removed_and_added() {
    let new = "We keep records for six years.\n\nWe collect your name and address.\n\nWe use cookies to run the \
               website.\n\nYou can contact us by post.\n";
    let d = run(BASE, new);
    assert_eq!(d.changes.len(), 1, "{:?}", d.changes);
    assert_eq!(d.changes[0].kind, ChangeKind::Moved);
    assert_eq!(d.changes[0].old.as_ref().unwrap().index, 3);
    assert_eq!(d.changes[0].new.as_ref().unwrap().index, 0);
}

#[test]
fn noise_is_not_change() {
    let new = "We  collect your name and address\n\n\nWe use cookies to run the website!\n\nYou can contact us by \
               post.\n\nWe keep records for six years.\n";
    let d = run(BASE, new);
    assert!(!d.changed(), "{:?}", d.changes);
    assert_eq!(d.counts.noise, 2);
    // With the normalisers off, the same edit is two changed clauses.
    let strict = diff(&rules(), &Normaliser::none(), BASE, new);
    assert_eq!(strict.counts.changed, 2, "{:?}", strict.changes);
}

#[test]
fn clauses_split_differently_are_noise() {
    let old = "Intro text here.\n\nWe collect your name. We collect your address.\n\nEnd of policy.\n";
    let new = "Intro text here.\n\nWe collect your name.\n\nWe collect your address.\n\nEnd of policy.\n";
    assert!(!run(old, new).changed());
    // Joined into one clause by markup that went away.
    let old = "Intro text here.\n\nOur address is:\n\nData Controller\n\nArlington Business Centre\n";
    let new = "Intro text here.\n\nOur address is: Data Controller Arlington Business Centre\n";
    assert!(!run(old, new).changed(), "{:?}", run(old, new).changes);
}

#[test]
fn an_inserted_negation_is_never_taken_for_a_reflow() {
    let old = "Intro text here.\n\nYour personal information may be shared with partners for marketing.\n\nEnd of \
               the policy text.\n";
    let new = "Intro text here.\n\nYour personal information may not be shared with partners for \
               marketing.\n\nEnd of the policy text.\n";
    let d = run(old, new);
    assert_eq!(
        (d.changes.len(), d.changes[0].kind),
        (1, ChangeKind::Changed),
        "{:?}",
        d.changes
    );
    assert!(d.meaning_changed);
    // The same edit while the surrounding clauses are re-split.
    let new = "Intro text here. Your personal information may not be shared with partners for marketing. End of \
               the policy text.\n";
    let d = run(old, new);
    assert!(d.meaning_changed, "{:?}", d.changes);
    let lines: Vec<String> = d.summary.iter().map(TagDelta::line).collect();
    assert!(lines.iter().any(|l| l.contains("-1 positive")), "{lines:?}");
}

#[test]
fn markup_left_in_text_is_read_as_breaks() {
    let norm = Normaliser::all();
    let prepared = norm.prepare("Our address is:<br>Data Controller</li>\n<li>Suite N &amp; Co</li>");
    assert_eq!(prepared, "Our address is:\n\nData Controller\n\nSuite N & Co\n");
    assert_eq!(Normaliser::none().prepare("a<br>b"), "a<br>b");
    let old = "Intro text here.\n\n<ul>\n<li>We collect your name.</li>\n<li>We collect your address.</li></ul>\n";
    let new = "Intro text here.\n\nWe collect your name.<br> We collect your address.\n";
    assert!(!run(old, new).changed(), "{:?}", run(old, new).changes);
}

#[test]
fn a_page_served_in_another_language_is_a_capture_change_not_a_meaning_change() {
    let es = "Política de privacidad\nPodemos compartir sus datos de ubicación con nuestros socios \
              publicitarios.\nUsted puede oponerse a este uso en cualquier momento.\n";
    let en = "Privacy policy\nWe may share your location data with our advertising partners.\nYou can \
              object to this use at any time.\n";
    let d = run(es, en);
    let change = d.language_change.expect("the languages differ");
    assert_eq!((change.from.code(), change.to.code()), ("es", "en"));
    assert!(d.changed() && !d.meaning_changed && d.summary.is_empty());
    assert!(change.line().starts_with("the page changed language: es → en"));
    // The next pair in one language is compared as ever.
    let d = run(
        en,
        &en.replace("advertising partners", "advertising partners and data brokers"),
    );
    assert!(d.language_change.is_none());
}

#[test]
fn a_german_policy_that_starts_passing_on_answers_changes_in_meaning() {
    let old = "Datenschutzhinweise\nWir nutzen Ihre Antworten aus Kundenumfragen, um unsere Produkte zu \
               verbessern.\nSie können der Nutzung jederzeit widersprechen.\n";
    let new = "Datenschutzhinweise\nWir nutzen Ihre Antworten aus Kundenumfragen, um unsere Produkte zu \
               verbessern.\nIhre Antworten geben wir dazu an ein Marktforschungsinstitut weiter.\nSie können \
               der Nutzung jederzeit widersprechen.\n";
    let d = run(old, new);
    assert!(d.language_change.is_none());
    assert!(d.meaning_changed);
    let sharing = d
        .summary
        .iter()
        .find(|s| s.tag == Tag::ThirdPartySharing)
        .expect("sharing gained");
    assert_eq!((sharing.gained, sharing.lost), (1, 0));
}

#[test]
fn a_typo_fix_is_a_change_without_meaning_change() {
    let old = format!("{BASE}\nWe may share aggregated information with our partners to improve the the service.\n");
    let new = format!("{BASE}\nWe may share aggregated information with our partners to improve the service.\n");
    let d = run(&old, &new);
    assert_eq!((d.counts.changed, d.changes.len()), (1, 1));
    assert!(!d.meaning_changed);
    assert!(d.changes[0].similarity.unwrap() > 0.9);
}

#[test]
fn a_reworded_clause_far_away_is_changed_and_moved() {
    let old = "Alpha one two three.\n\nBeta clause here now.\n\nGamma clause here too.\n\nWe will retain the \
               records of your calls for twelve months in our secure systems.\n";
    let new = "We will retain the records of your calls for twelve months in our secure data centres.\n\nAlpha \
               one two three.\n\nBeta clause here now.\n\nGamma clause here too.\n";
    let d = run(old, new);
    assert_eq!(d.changes.len(), 1, "{:?}", d.changes);
    assert!(d.changes[0].moved && d.changes[0].kind == ChangeKind::Changed);
}

#[test]
fn document_hash_ignores_noise_only() {
    let norm = Normaliser::all();
    assert_eq!(
        norm.document_hash("We share data. We keep it.\n"),
        norm.document_hash("We share data.\n\nWe keep it!\n")
    );
    assert_ne!(
        norm.document_hash("We share data.\n"),
        norm.document_hash("We sell data.\n")
    );
    assert_eq!(fingerprint("x").len(), 16);
}

#[test]
fn large_unrelated_runs_stay_fast_and_complete() {
    let old: String = (0..800)
        .map(|i| format!("Old clause number {i} says thing {}.\n\n", i * 7))
        .collect();
    let new: String = (0..800)
        .map(|i| format!("Fresh sentence {i} about topic {}.\n\n", i * 3))
        .collect();
    let d = run(&old, &new);
    assert_eq!(d.counts.added + d.counts.changed + d.counts.moved, 800);
    assert_eq!(d.counts.removed + d.counts.changed + d.counts.moved, 800);
}

#[test]
fn a_summary_cut_while_the_full_text_repeats_it_is_no_change_in_meaning() {
    let full = "We may share your location data with advertisers.\n\nWe never sell your personal information.\n";
    let old = format!(
        "Privacy highlights\n\nWe share your location data with advertisers.\n\nWe will never sell your personal \
         information.\n\n{BASE}\n{full}"
    );
    let new = format!("{BASE}\n{full}");
    let d = run(&old, &new);
    assert_eq!(d.counts.removed, 3, "{:?}", d.changes);
    assert!(!d.meaning_changed, "{:?}", d.summary);
    let kept: usize = d.changes.iter().map(|c| c.still_stated.len()).sum();
    assert!(
        kept >= 2,
        "the cut findings are listed as still stated: {:?}",
        d.changes
    );
    // Cut the full text's denial too, and the loss is real.
    let new = format!("{BASE}\nWe may share your location data with advertisers.\n");
    let d = run(&old, &new);
    assert!(d.meaning_changed);
    assert!(
        d.summary
            .iter()
            .all(|s| s.tag == Tag::ThirdPartySharing && s.polarity == Polarity::Negative && s.lost == 2),
        "{:?}",
        d.summary
    );
}

#[test]
fn a_reworded_clause_that_changes_its_recipients_is_a_scope_change() {
    let old = format!("{BASE}\nWe may share your personal information with our affiliates.\n");
    let new =
        format!("{BASE}\nWe may share your personal information with third parties for their own direct marketing.\n");
    let d = run(&old, &new);
    assert!(d.meaning_changed, "{:?}", d.changes);
    assert_eq!(d.scope_changes.len(), 1, "{:?}", d.scope_changes);
    let line = d.scope_changes[0].line();
    assert!(
        line.starts_with("third-party-sharing (positive): recipients group-companies (\"affiliates\") → third-parties"),
        "{line}"
    );
    assert!(line.contains("purposes + marketing"), "{line}");
    // Other words for the same recipients are no change.
    let same = format!("{BASE}\nWe may share your personal information with companies in our group.\n");
    let d = run(&old, &same);
    assert!(!d.meaning_changed && d.scope_changes.is_empty(), "{:?}", d.summary);
}

#[test]
fn what_children_or_customers_may_share_is_no_practice_of_the_company() {
    let new = format!("{BASE}\nChildren can share information with other parties through our forums.\n");
    let d = run(BASE, &new);
    assert_eq!(d.counts.added, 1);
    assert!(!d.meaning_changed, "{:?}", d.summary);
}
