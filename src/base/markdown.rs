//! Text from strangers made inert in Markdown: everything that would start emphasis, code, a link, an
//! image, a heading or HTML, and `|`, which would end a table cell. Entities are escaped too, so the
//! reader sees the text as it was written. Every Markdown orgcheck writes (reports, letters) uses it.

/// Escapes `text`, writing each line break as `line_break`.
pub fn escape(text: &str, line_break: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str(line_break),
            '\r' => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes text in running Markdown, on one line.
pub fn inline(text: &str) -> String {
    escape(text, " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_from_strangers_stays_text() {
        assert_eq!(
            inline("# Acme [x](javascript:alert(1)) <img src=x> ![t](http://t.example/p.gif)"),
            "\\# Acme \\[x\\](javascript:alert(1)) &lt;img src=x&gt; \\!\\[t\\](http://t.example/p.gif)"
        );
        assert_eq!(escape("one\r\ntwo", "  \n"), "one  \ntwo");
    }
}
