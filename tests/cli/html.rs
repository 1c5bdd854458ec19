//! `--format html`: one self-contained page, safe with text written by strangers.

use crate::util::{dir_with, orgcheck, run};

fn compare_html(args: &[&str]) -> String {
    let out = run(orgcheck().args(["compare", "--format", "html"]).args(args));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn compare_html_snapshot() {
    insta::assert_snapshot!("compare_html", compare_html(&[]));
}

#[test]
fn the_page_is_self_contained_and_carries_the_comparison() {
    let page = compare_html(&[]);
    assert!(page.starts_with("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"));
    // Nothing to fetch and nothing to run: inline style only, no scripts, no external resources.
    for absent in ["<script", "<link", "<img", "<iframe", "src=", "@import", "url("] {
        assert!(!page.contains(absent), "{absent}");
    }
    assert!(page.contains("Content-Security-Policy"));
    for id in crate::util::PROVIDER_IDS.iter() {
        assert!(page.contains(&format!("<section id=\"p-{id}\">")), "{id}");
        assert!(
            page.contains(&format!("<a href=\"#p-{id}\">")),
            "{id}: the summary links to it"
        );
    }
    assert!(page.contains("<span class=\"badge v-narrow-denial\">narrow-denial</span>"));
    assert!(page.contains("denies: sell · customer data │ policy permits: provide · such aggregate information"));
    assert!(
        page.contains("<mark>sell customer data</mark>"),
        "evidence is highlighted"
    );
    assert!(page.contains("<a href=\"https://www.o2.co.uk/termsandconditions/privacy-policy\">"));
}

/// Statement and policy text from a hostile declaration comes out as inert text. Each needle would
/// appear raw if escaping were removed.
#[test]
fn hostile_text_is_inert() {
    let declaration = "name = \"Evil <b>Corp</b>\"\n[[documents]]\nid = \"privacy-policy\"\nurl = \
                       \"https://evil.example/privacy\"\n\
        snapshot = \"evil/p.txt\"\n[[statements]]\n\
        text = \"We never share your data. <script>alert(1)</script> </textarea><img src=x onerror=alert(2)>\"\n\
        source = \"letter <i>x</i>\"\ndate = \"2026\"\nurl = \"https://evil.example/l?a=<b>&c=\\\"x\"\n";
    let policy = "We may share your data with advertisers <script>alert(4)</script> (see <a \
                  href=\"javascript:alert(5)\">this</a>) and \u{202E}partners.\n";
    let dir = dir_with(&[("evil.toml", declaration.as_bytes()), ("evil/p.txt", policy.as_bytes())]);
    let out = run(orgcheck()
        .args(["compare", "--format", "html", "--only-providers"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = out.stdout;
    for raw in [
        "<script",
        "</textarea>",
        "<img",
        "<b>",
        "<i>",
        "href=\"javascript:",
        "\u{202E}",
    ] {
        assert!(!page.contains(raw), "{raw:?} came through raw");
    }
    for escaped in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;/textarea&gt;&lt;img src=x onerror=alert(2)&gt;",
        "Evil &lt;b&gt;Corp&lt;/b&gt;",
        "letter &lt;i&gt;x&lt;/i&gt;",
        "&lt;a href=&quot;javascript:alert(5)&quot;&gt;",
        "[U+202E]partners",
        "href=\"https://evil.example/l?a=&lt;b&gt;&amp;c=&quot;x\"",
    ] {
        assert!(page.contains(escaped), "{escaped:?} missing");
    }
    // Every link is to the page itself or over http(s).
    for href in page.split("href=\"").skip(1) {
        assert!(
            href.starts_with('#') || href.starts_with("https://") || href.starts_with("http://"),
            "{href}"
        );
    }
}

#[test]
fn html_is_refused_where_there_is_none() {
    let out = run(orgcheck().args(["providers", "--format", "html"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("html"), "{}", out.stderr);
}

/// `diff --format html`: the meaning summary and the words deleted and inserted, the text escaped.
#[test]
fn diff_html_shows_words_and_meaning() {
    let dir = dir_with(&[
        (
            "old.txt",
            b"We keep billing records for six years.\n\nWe never sell your personal information.\n",
        ),
        (
            "new.txt",
            b"We keep billing records for seven years.\n\nWe never sell your personal information.\n\n\
              We may pass this data to advertisers & \"partners\".\n",
        ),
    ]);
    let out = run(orgcheck()
        .arg("diff")
        .arg(dir.path().join("old.txt"))
        .arg(dir.path().join("new.txt"))
        .args(["--format", "html"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = out.stdout;
    assert!(page.contains("<h3>What changed in meaning</h3>"), "{page}");
    assert!(page.contains("<del>six</del> <ins>seven</ins>"), "{page}");
    assert!(
        page.contains("<ins>We may pass this data to advertisers &amp; &quot;partners&quot;.</ins>"),
        "{page}"
    );
    assert!(
        page.contains("We keep billing records for <del>six</del> <ins>seven</ins> years."),
        "{page}"
    );
}
