//! Text extraction: turns plain text, Markdown or HTML into normalised plain text that keeps structure —
//! headings, paragraphs and list items each on their own lines — so segmentation sees real clauses.

use std::borrow::Cow;
use std::sync::LazyLock;

use std::collections::{HashMap, HashSet};

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::Regex;
use scraper::{Html, Node, Selector};
use serde::Serialize;

use crate::base::error::TextError;

/// The kind of document a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    Text,
    Markdown,
    Html,
    /// Binary: the ingest stage reads its text layer from the bytes, never as a string.
    Pdf,
}

impl InputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Markdown => "markdown",
            InputFormat::Html => "html",
            InputFormat::Pdf => "pdf",
        }
    }

    /// The format as a message names it: "plain text", "Markdown".
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Text => "plain text",
            InputFormat::Markdown => "Markdown",
            InputFormat::Html => "HTML",
            InputFormat::Pdf => "PDF",
        }
    }
}

/// Deepest element nesting accepted in HTML. Real pages stay under a few hundred; the HTML parser's
/// time grows with the square of the depth, so a hostile page nested 200,000 deep would take minutes.
pub const MAX_HTML_DEPTH: usize = 5_000;

/// Refuses markup nested deeper than [`MAX_HTML_DEPTH`] before anything parses it.
fn check_depth(html: &str) -> Result<(), TextError> {
    let depth = html_depth(html);
    if depth > MAX_HTML_DEPTH {
        Err(TextError::TooDeep {
            depth,
            limit: MAX_HTML_DEPTH,
        })
    } else {
        Ok(())
    }
}

/// Converts `content` of the given format to normalised text. Fails for HTML nested deeper than
/// [`MAX_HTML_DEPTH`], and for PDF, which is binary.
pub fn to_text(content: &str, format: InputFormat) -> Result<String, TextError> {
    Ok(match format {
        InputFormat::Text => normalise(content),
        InputFormat::Markdown => normalise(&markdown_to_text_checked(content)?),
        // The page's main content, as the fetcher takes it when no selector is declared.
        InputFormat::Html => normalise(&html_to_text_selected(content, &[], &[])?),
        InputFormat::Pdf => return Err(TextError::Pdf),
    })
}

/// [`markdown_to_text`] behind the depth guard: Markdown may embed HTML.
pub fn markdown_to_text_checked(md: &str) -> Result<String, TextError> {
    check_depth(md)?;
    Ok(markdown_to_text(md))
}

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>").expect("static regex"));

/// Elements that have no end tag, or whose end tag is usually implied, and so do not nest.
const NON_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp",
];

/// An estimate of the deepest element nesting, from the tags alone, without parsing.
pub fn html_depth(html: &str) -> usize {
    let mut depth: usize = 0;
    let mut max = 0;
    for caps in TAG.captures_iter(html) {
        let name = caps[2].to_ascii_lowercase();
        if NON_NESTING.contains(&name.as_str()) || !caps[3].is_empty() {
            continue;
        }
        if caps[1].is_empty() {
            depth += 1;
            max = max.max(depth);
        } else {
            depth = depth.saturating_sub(1);
        }
    }
    max
}

/// Normalises white space: `\n` line ends, Unicode spaces as plain spaces, no zero-width characters,
/// single spaces inside lines, trimmed lines, at most one blank line in a row, one final newline.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    let text = text.trim_start_matches('\u{feff}');
    for raw_line in text.split('\n') {
        let raw_line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let mut line = String::with_capacity(raw_line.len());
        let mut pending_space = false;
        for c in raw_line.chars() {
            match c {
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {}
                c if c.is_whitespace() || c.is_control() => pending_space = true,
                c => {
                    if pending_space && !line.is_empty() {
                        line.push(' ');
                    }
                    pending_space = false;
                    line.push(c);
                }
            }
        }
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(&line);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Accumulates text with block structure: paragraph breaks and line breaks are requested, not written,
/// so that nested blocks do not pile up blank lines.
#[derive(Default)]
struct Builder {
    out: String,
    pending: Break,
}

#[derive(Default, Clone, Copy, PartialEq, PartialOrd)]
enum Break {
    #[default]
    None,
    Space,
    Line,
    Paragraph,
}

impl Builder {
    fn request(&mut self, b: Break) {
        if b > self.pending {
            self.pending = b;
        }
    }

    fn push(&mut self, text: &str) {
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.request(Break::Space);
            }
            if word.is_empty() {
                continue;
            }
            if !self.out.is_empty() {
                match self.pending {
                    Break::None => {}
                    Break::Space => self.out.push(' '),
                    Break::Line => self.out.push('\n'),
                    Break::Paragraph => self.out.push_str("\n\n"),
                }
            }
            self.pending = Break::None;
            self.out.push_str(word);
        }
    }

    /// Starts a list item on its own line.
    fn bullet(&mut self) {
        self.request(Break::Line);
        self.push("•");
        self.request(Break::Space);
    }
}

/// Elements whose content is never policy text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "footer", "header", "iframe", "form", "button", "select",
    "head", "title", "aside", "dialog", "object", "canvas", "map", "audio", "video",
];

const PARAGRAPH: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "ul",
    "ol",
    "dl",
    "hr",
    "figure",
    "address",
    "details",
    "fieldset",
];

const LINE: &[&str] = &[
    "div",
    "br",
    "tr",
    "dt",
    "dd",
    "summary",
    "caption",
    "figcaption",
    "legend",
    "center",
];

/// Whether an element is chrome by its role, class or id: cookie banners, menus, breadcrumbs.
fn is_chrome(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    if matches!(
        el.attr("role"),
        Some("navigation" | "banner" | "contentinfo" | "dialog" | "alertdialog" | "search")
    ) {
        return true;
    }
    let names = [el.attr("class").unwrap_or(""), el.attr("id").unwrap_or("")];
    names.iter().any(|n| {
        let n = n.to_ascii_lowercase();
        [
            "cookie",
            "consent-banner",
            "breadcrumb",
            "skip-link",
            "skiplink",
            "navbar",
            "site-header",
            "site-footer",
        ]
        .iter()
        .any(|k| n.contains(k))
    })
}

/// Block-level tags left in plain text: each becomes a paragraph break.
static BLOCK_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)<\s*/?\s*(?:p|li|ul|ol|br|div|h[1-6]|tr|td|th|table|dl|dt|dd|section|article|blockquote|",
        r"hr)\b[^<>]{0,300}>",
    ))
    .expect("static regex")
});
static ANY_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*\b[^<>]{0,300}>|<!--.{0,2000}?-->").expect("static regex")
});
static ENTITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"&(amp|lt|gt|quot|apos|nbsp|#39|#160)[;.]").expect("static regex"));

/// Plain text with HTML tags left in by a crawler or a copy-paste (ToSBack's crawls, saved archives):
/// block tags become paragraph breaks, other tags go, and common entities are decoded. A text without
/// tags or entities is returned as it is.
pub fn strip_leftover_tags(text: &str) -> Cow<'_, str> {
    if !(ANY_TAG.is_match(text) || ENTITY.is_match(text)) {
        return Cow::Borrowed(text);
    }
    let blocks = BLOCK_TAG.replace_all(text, "\n\n");
    let inline = ANY_TAG.replace_all(&blocks, "");
    let decoded = ENTITY.replace_all(&inline, |c: &regex::Captures| match &c[1] {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" | "#39" => "'",
        _ => " ",
    });
    Cow::Owned(normalise(&decoded))
}

/// The fewest block tags a text file needs before its markup is read as markup.
const MARKUP_MIN_BLOCK_TAGS: usize = 3;

/// Whether a text file is markup-shaped: at least a few block tags, on at least a quarter of its
/// non-empty lines. Such a text's tags are structure, not words; a policy that quotes one tag is not.
pub fn looks_like_markup(text: &str) -> bool {
    let (mut lines, mut tagged, mut blocks) = (0usize, 0usize, 0usize);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        lines += 1;
        let here = BLOCK_TAG.find_iter(line).count();
        if here > 0 {
            tagged += 1;
            blocks += here;
        }
    }
    blocks >= MARKUP_MIN_BLOCK_TAGS && tagged * 4 >= lines
}

/// Whether a text has words: a separator ("|", "»") between links is no text of its own.
fn has_words(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// The fewest items a list of nothing but links needs to be read as a menu: a lone link may be a
/// policy's own instruction ("Opt out of interest-based ads"), a list of them is navigation.
const LINK_LIST_MIN_ITEMS: usize = 2;

/// Whether an `<ul>` or `<ol>` is a list of links and nothing else (a menu, footer links, a table of
/// contents): every item has words, all of them inside `<a>`. Such a list states nothing.
fn is_link_list(list: NodeRef<'_, Node>) -> bool {
    let mut items = 0;
    for item in list.children() {
        match item.value() {
            Node::Element(el) if el.name() == "li" => {
                let (mut linked, mut plain) = (false, false);
                for node in item.descendants() {
                    let Node::Text(t) = node.value() else { continue };
                    if !has_words(t) {
                        continue;
                    }
                    let in_link = node
                        .ancestors()
                        .take_while(|a| a.id() != item.id())
                        .any(|a| matches!(a.value(), Node::Element(e) if e.name() == "a"));
                    if in_link {
                        linked = true;
                    } else {
                        plain = true;
                    }
                }
                if plain || !linked {
                    return false;
                }
                items += 1;
            }
            Node::Text(t) if has_words(t) => return false,
            _ => {}
        }
    }
    items >= LINK_LIST_MIN_ITEMS
}

/// HTML to structured text. Iterative, so that deeply nested hostile markup cannot overflow the stack.
pub fn html_to_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    flatten(std::iter::once(doc.tree.root()), &HashSet::new())
}

/// HTML to structured text, keeping only what the `select` selectors match (or, with none, the main
/// content found by [`main_content`]) and dropping what `remove` matches. Fails when `select` matches
/// nothing, or when the markup is nested absurdly deep.
pub fn html_to_text_selected(html: &str, select: &[Selector], remove: &[Selector]) -> Result<String, TextError> {
    check_depth(html)?;
    let doc = Html::parse_document(html);
    let removed: HashSet<NodeId> = remove.iter().flat_map(|s| doc.select(s).map(|e| e.id())).collect();
    let roots: Vec<NodeRef<'_, Node>> = if select.is_empty() {
        vec![main_content(&doc)]
    } else {
        let matched: HashSet<NodeId> = select.iter().flat_map(|s| doc.select(s).map(|e| e.id())).collect();
        if matched.is_empty() {
            return Err(TextError::NoMatch);
        }
        // Document order, and no element inside another selected one (its text is already there).
        doc.tree
            .root()
            .descendants()
            .filter(|n| matched.contains(&n.id()) && !n.ancestors().any(|a| matched.contains(&a.id())))
            .collect()
    };
    Ok(flatten(roots.into_iter(), &removed))
}

/// The element most likely to hold a page's main text: `<main>`, else `[role=main]`, else the
/// `<article>` with the most text, else the densest block (see [`densest_block`]), else the document.
pub fn main_content(doc: &Html) -> NodeRef<'_, Node> {
    static CANDIDATES: LazyLock<[Selector; 3]> =
        LazyLock::new(|| ["main", "[role=main]", "article"].map(|s| Selector::parse(s).expect("static selector")));
    for selector in CANDIDATES.iter() {
        let best = doc
            .select(selector)
            .max_by_key(|e| e.text().map(|t| t.trim().len()).sum::<usize>());
        if let Some(el) = best
            && el.text().any(|t| !t.trim().is_empty())
        {
            return *el;
        }
    }
    static BODY: LazyLock<Selector> = LazyLock::new(|| Selector::parse("body").expect("static selector"));
    let start = doc.select(&BODY).next().map_or(doc.tree.root(), |e| *e);
    densest_block(start)
}

/// Walks down from `start` while one child holds at least 80% of the prose: text outside links,
/// menus, scripts and page chrome. Old pages without `<main>` wrap the policy in some `<div>` between
/// menus made of links; this finds the smallest element that still holds nearly all of it.
pub fn densest_block(start: NodeRef<'_, Node>) -> NodeRef<'_, Node> {
    let mut prose: HashMap<NodeId, usize> = HashMap::new();
    for node in start.descendants() {
        let Node::Text(t) = node.value() else { continue };
        let len = t.trim().chars().count();
        if len == 0 {
            continue;
        }
        let excluded = node
            .ancestors()
            .take_while(|a| a.id() != start.id())
            .any(|a| match a.value() {
                Node::Element(el) => el.name() == "a" || SKIPPED.contains(&el.name()) || is_chrome(el),
                _ => false,
            });
        if excluded {
            continue;
        }
        for a in node.ancestors() {
            *prose.entry(a.id()).or_default() += len;
            if a.id() == start.id() {
                break;
            }
        }
    }
    let mut current = start;
    loop {
        let total = prose.get(&current.id()).copied().unwrap_or(0);
        let heaviest = current
            .children()
            .filter(|c| matches!(c.value(), Node::Element(_)))
            .max_by_key(|c| prose.get(&c.id()).copied().unwrap_or(0));
        match heaviest {
            Some(child) if total > 0 && prose.get(&child.id()).copied().unwrap_or(0) * 10 >= total * 8 => {
                current = child
            }
            _ => return current,
        }
    }
}

/// The subtrees under `roots` as text, one block a line, skipping chrome and the nodes in `skip`.
fn flatten<'a>(roots: impl Iterator<Item = NodeRef<'a, Node>>, skip: &HashSet<NodeId>) -> String {
    let mut b = Builder::default();
    for root in roots {
        b.request(Break::Paragraph);
        let mut skip_depth = 0usize;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => match node.value() {
                    Node::Element(el) => {
                        let name = el.name();
                        if skip_depth > 0
                            || SKIPPED.contains(&name)
                            || is_chrome(el)
                            || skip.contains(&node.id())
                            || (matches!(name, "ul" | "ol") && is_link_list(node))
                        {
                            skip_depth += 1;
                            continue;
                        }
                        open_block(&mut b, name);
                    }
                    Node::Text(t) if skip_depth == 0 => b.push(t),
                    _ => {}
                },
                Edge::Close(node) => {
                    if let Node::Element(el) = node.value() {
                        if skip_depth > 0 {
                            skip_depth -= 1;
                            continue;
                        }
                        close_block(&mut b, el.name());
                    }
                }
            }
        }
    }
    b.out
}

fn open_block(b: &mut Builder, name: &str) {
    if name == "li" {
        b.bullet();
    } else if PARAGRAPH.contains(&name) {
        b.request(Break::Paragraph);
    } else if LINE.contains(&name) {
        b.request(Break::Line);
    } else if matches!(name, "td" | "th") {
        b.request(Break::Space);
    }
}

fn close_block(b: &mut Builder, name: &str) {
    if PARAGRAPH.contains(&name) {
        b.request(Break::Paragraph);
    } else if LINE.contains(&name) || name == "li" {
        b.request(Break::Line);
    }
}

/// A Markdown list being read: where its text starts, and whether every item so far is only links.
struct ListFrame {
    start: usize,
    pending: Break,
    items: usize,
    all_links: bool,
    item_linked: bool,
    item_plain: bool,
}

impl Default for ListFrame {
    fn default() -> ListFrame {
        ListFrame {
            start: 0,
            pending: Break::None,
            items: 0,
            all_links: true,
            item_linked: false,
            item_plain: false,
        }
    }
}

/// Markdown to structured text: markup, link targets and images dropped, list items as bullets, and
/// lists of nothing but links (menus, footer links, tables of contents) left out.
pub fn markdown_to_text(md: &str) -> String {
    let mut b = Builder::default();
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut in_image = 0usize;
    let mut in_link = 0usize;
    // The lists open around the current event, to drop one that is nothing but links (a menu).
    let mut lists: Vec<ListFrame> = Vec::new();
    for event in parser {
        match &event {
            Event::Start(Tag::Link { .. }) => in_link += 1,
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 && has_words(t) => {
                for l in &mut lists {
                    match in_link > 0 {
                        true => l.item_linked = true,
                        false => l.item_plain = true,
                    }
                }
            }
            Event::Start(Tag::List(_)) => lists.push(ListFrame {
                start: b.out.len(),
                pending: b.pending,
                ..ListFrame::default()
            }),
            Event::End(TagEnd::Item) => {
                if let Some(l) = lists.last_mut() {
                    l.items += 1;
                    l.all_links &= l.item_linked && !l.item_plain;
                    (l.item_linked, l.item_plain) = (false, false);
                }
            }
            Event::End(TagEnd::List(_)) => {
                if let Some(l) = lists.pop()
                    && l.all_links
                    && l.items >= LINK_LIST_MIN_ITEMS
                {
                    b.out.truncate(l.start);
                    b.pending = l.pending;
                    // The words of a dropped inner list made its outer item look linked.
                    if let Some(outer) = lists.last_mut() {
                        outer.item_linked = true;
                    }
                }
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            _ if in_image > 0 => {}
            Event::Start(Tag::Item) => b.bullet(),
            Event::Start(
                Tag::Paragraph | Tag::Heading { .. } | Tag::BlockQuote(_) | Tag::CodeBlock(_) | Tag::Table(_),
            )
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::BlockQuote(_) | TagEnd::CodeBlock | TagEnd::Table,
            ) => b.request(Break::Paragraph),
            Event::Start(Tag::TableRow | Tag::TableHead) | Event::End(TagEnd::Item) | Event::HardBreak => {
                b.request(Break::Line)
            }
            Event::Rule => b.request(Break::Paragraph),
            Event::Start(Tag::TableCell) | Event::SoftBreak => b.request(Break::Space),
            Event::Text(t) | Event::Code(t) => b.push(&t),
            Event::Html(h) | Event::InlineHtml(h) => {
                // Inline tags (<br>, <b>) carry no words; block HTML inside Markdown does.
                if h.trim_start().starts_with("<br") {
                    b.request(Break::Line);
                } else if !h.trim_start().starts_with('<') || h.contains("</p>") || h.contains("</li>") {
                    b.push(&html_to_text(&h));
                }
            }
            _ => {}
        }
    }
    // Emphasis markers that CommonMark leaves as literal text ("**Heading **", common in pages
    // converted to Markdown) are markup, not words.
    b.out.replace("**", "").replace("__", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_collapses_space_and_blank_lines() {
        let raw = "\u{feff}  Hello\u{a0}\u{a0}world \r\n\r\n\r\n\tSecond\u{200b} line  \n\n";
        assert_eq!(normalise(raw), "Hello world\n\nSecond line\n");
        assert_eq!(normalise("  \n \n"), "");
    }

    #[test]
    fn html_keeps_structure_and_drops_chrome() {
        let html = r#"<!doctype html><html><head><title>T</title><style>p{}</style></head><body>
            <nav><a href="/">Home</a></nav><div class="cookie-banner">We use cookies</div>
            <main><h1>Privacy policy</h1><p>We may <b>share</b> data
            with partners.</p><ul><li>to carry out research</li><li>to sell nothing</li></ul>
            <script>var x = "We sell data";</script></main><footer>© 2014</footer></body></html>"#;
        let text = to_text(html, InputFormat::Html).unwrap();
        assert_eq!(
            text,
            "Privacy policy\n\nWe may share data with partners.\n\n• to carry out research\n• to sell nothing\n"
        );
    }

    fn sel(list: &[&str]) -> Vec<Selector> {
        list.iter().map(|s| Selector::parse(s).unwrap()).collect()
    }

    const PAGE: &str = r#"<html><body><nav>Menu</nav><div id="promo">Buy now</div>
        <div class="policy"><h2>Sharing</h2><p>We share data.</p><div class="policy"><p>Nested.</p></div>
        <aside class="note">Side note</aside><p class="legal">Legal line.</p></div>
        <main><p>Main text.</p></main></body></html>"#;

    #[test]
    fn select_and_remove() {
        let text = html_to_text_selected(PAGE, &sel(&[".policy"]), &sel(&[".legal"])).unwrap();
        assert_eq!(normalise(&text), "Sharing\n\nWe share data.\n\nNested.\n");
        let err = html_to_text_selected(PAGE, &sel(&["#missing"]), &[]).unwrap_err();
        assert_eq!(err, TextError::NoMatch);
    }

    #[test]
    fn main_content_heuristic() {
        assert_eq!(
            normalise(&html_to_text_selected(PAGE, &[], &[]).unwrap()),
            "Main text.\n"
        );
        let no_main = "<html><body><nav>Menu</nav><article>Short.</article><article>The longer article \
                       text.</article><footer>F</footer></body></html>";
        assert_eq!(
            normalise(&html_to_text_selected(no_main, &[], &[]).unwrap()),
            "The longer article text.\n"
        );
        let plain = "<html><body><header>H</header><p>Body text.</p></body></html>";
        assert_eq!(
            normalise(&html_to_text_selected(plain, &[], &[]).unwrap()),
            "Body text.\n"
        );
    }

    #[test]
    fn deeply_nested_html_does_not_overflow() {
        let html = "<div>".repeat(5_000) + "deep text" + &"</div>".repeat(5_000);
        assert!(to_text(&html, InputFormat::Html).unwrap().contains("deep text"));
    }

    #[test]
    fn hostile_nesting_is_refused_quickly() {
        let html = "<div>".repeat(200_000) + "x";
        let err = to_text(&html, InputFormat::Html).unwrap_err();
        assert!(err.to_string().contains("200000 deep"), "{err}");
        // Unclosed paragraphs and list items are ordinary HTML, not nesting.
        assert!(html_depth(&"<p>para<li>item<br>".repeat(10_000)) < 2);
    }

    #[test]
    fn markup_shaped_text_is_told_from_a_policy_that_quotes_a_tag() {
        let crawl =
            "<p>We collect your name.</p>\n<ul>\n<li>We share it with partners.\n</li>\n<li>We keep it.</li>\n</ul>\n";
        assert!(looks_like_markup(crawl));
        assert_eq!(
            strip_leftover_tags(crawl),
            "We collect your name.\n\nWe share it with partners.\n\nWe keep it.\n"
        );
        let prose = "Our site uses the <br> tag in its footer.\nWe collect your name.\nWe keep it.\nWe share it.\n";
        assert!(!looks_like_markup(prose));
        assert!(matches!(strip_leftover_tags("No tags here."), Cow::Borrowed(_)));
    }

    #[test]
    fn lists_of_nothing_but_links_are_menus() {
        let md = "Intro.\n\n* [Home](/)\n* [GPS](/gps)\n* [Do Not Sell My Personal Information](/dns)\n\nWe may share \
                  your location.\n\n- [Opt out](/o) of marketing at any time\n- [Cookies](/c)\n\nEnd.\n\n- [Alone](/a)\n";
        assert_eq!(
            to_text(md, InputFormat::Markdown).unwrap(),
            "Intro.\n\nWe may share your location.\n\n• Opt out of marketing at any time\n• Cookies\n\nEnd.\n\n• Alone\n"
        );
        let html = "<p>Intro.</p><ul><li><a href=/>Home</a></li><li> | <a href=/gps>GPS</a></li></ul><p>We may \
                    share your location.</p><ul><li><a href=/o>Opt out</a> of marketing</li><li><a href=/c>Cookies</a>\
                    </li></ul>";
        assert_eq!(
            to_text(html, InputFormat::Html).unwrap(),
            "Intro.\n\nWe may share your location.\n\n• Opt out of marketing\n• Cookies\n"
        );
    }

    #[test]
    fn markdown_drops_markup_and_links() {
        let md = "# Privacy\n\nWe **may** share [data](https://x.example/?utm=1) with partners.\n\n- item one\n- item \
                  two\n\n![logo](logo.png)\n\n**Contact us **\n";
        assert_eq!(
            to_text(md, InputFormat::Markdown).unwrap(),
            "Privacy\n\nWe may share data with partners.\n\n• item one\n• item two\n\nContact us\n"
        );
    }
}
