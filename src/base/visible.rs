//! Text from strangers (a provider name in a pull request, a policy page, a mail) made safe to show:
//! control characters and bidirectional controls become visible code points (`[U+001B]`), so no input
//! can move a terminal's cursor, set its title, clear its screen or reorder what follows it. Line
//! breaks and tabs stay; so do the colour codes orgcheck itself writes.

use std::borrow::Cow;

/// Characters that reorder the text around them (bidirectional overrides and isolates, and the marks
/// that steer them).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character no output may carry raw: a C0 or C1 control other than a line break or a tab, DEL, or
/// a bidirectional control.
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// The colour codes orgcheck's own styles use (`output::table::Style`): only these survive in a
/// coloured terminal report; any other escape sequence is text from somewhere else.
const OWN_COLOURS: &[&str] = &[
    "0", "1", "2", "32", "33", "35", "36", "1;7", "1;31", "1;32", "1;33", "1;34", "1;35", "1;36", "1;37", "9;31",
];

/// `text` with every hidden character shown as its code point. With `colour`, orgcheck's own colour
/// codes are kept.
pub fn visible(text: &str, colour: bool) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && colour
            && let Some(len) = own_colour(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if is_hidden(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of one of orgcheck's own colour codes at the start of `text`, if there is one.
fn own_colour(text: &str) -> Option<usize> {
    let params = text.strip_prefix("\u{1b}[")?;
    let end = params.find('m').filter(|&e| e <= 8)?;
    OWN_COLOURS.contains(&&params[..end]).then_some(2 + end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_from_strangers_show_and_our_colours_stay() {
        let hostile = "Acme\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[8mhidden\u{0}\u{7f}\u{202e}txt";
        assert_eq!(
            visible(hostile, false),
            "Acme[U+001B]]0;pwned[U+0007][U+001B][2J[U+001B][8mhidden[U+0000][U+007F][U+202E]txt"
        );
        let ours = "\u{1b}[1;31mcontradiction\u{1b}[0m and \u{1b}[8mconcealed";
        assert_eq!(
            visible(ours, true),
            "\u{1b}[1;31mcontradiction\u{1b}[0m and [U+001B][8mconcealed"
        );
        // Without colour, even our own codes are text: nothing styled should be there.
        assert_eq!(visible("\u{1b}[1m", false), "[U+001B][1m");
        assert!(matches!(visible("line one\n\tline two", false), Cow::Borrowed(_)));
    }
}
