//! Excerpts: long clauses cut to a readable length around the words that matter, for tables and
//! for the examples `eval` lists.

/// Cuts `text` to about `max` characters, keeping the byte range `keep` (the evidence) in view and
/// marking cuts with "…" at word boundaries.
pub fn cut_around(text: &str, keep: std::ops::Range<usize>, max: usize) -> String {
    let chars = text.chars().count();
    if chars <= max {
        return text.to_string();
    }
    let keep_start = text[..keep.start.min(text.len())].chars().count();
    let keep_len = text.get(keep.clone()).map_or(0, |s| s.chars().count());
    // Context before the evidence gets a third of what is left, after it the rest.
    let spare = max.saturating_sub(keep_len);
    let mut start = keep_start.saturating_sub(spare / 3);
    let mut end = (start + max).min(chars);
    if end == chars {
        start = chars.saturating_sub(max);
    }
    let as_vec: Vec<char> = text.chars().collect();
    // Move cuts to word boundaries.
    while start > 0 && start < keep_start && !as_vec[start - 1].is_whitespace() {
        start += 1;
    }
    while end < chars && end > keep_start + keep_len && !as_vec[end].is_whitespace() {
        end -= 1;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(as_vec[start..end].iter());
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    if end < chars {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_untouched() {
        assert_eq!(cut_around("We share data.", 3..8, 80), "We share data.");
    }

    #[test]
    fn long_text_keeps_the_evidence_in_view() {
        let text = "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor. We may pass \
                    Aggregated Data to third parties such as advertisers and content providers and business partners.";
        let start = text.find("pass").unwrap();
        let cut = cut_around(text, start..start + 30, 80);
        assert!(cut.contains("pass Aggregated Data to third"), "{cut}");
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.chars().count() <= 82, "{cut}");
    }

    #[test]
    fn multibyte_text_is_cut_on_char_boundaries() {
        let text = "“Données” ".repeat(30);
        let cut = cut_around(&text, 0..3, 20);
        assert!(cut.chars().count() <= 22);
    }
}
