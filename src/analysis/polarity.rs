//! Polarity: which practice words a negation reaches, and the exceptions a denial makes.
//!
//! The cues are data (the `[[negation]]` and `[[exception]]` tables of `rules/default.toml`; see
//! docs/rules.md, "Polarity"). [`Scopes::new`] reads a clause once, left to right, and records for
//! every token the negation a practice word starting there would be under; the tagger then looks each
//! match up by position. Nothing is rescanned per match, so a clause costs time linear in its length
//! (plus a bounded look after each practice word for `object` and `post` cues).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::ontology::Grammar;
use crate::analysis::rules::{CueKind, ExceptionKind, Lexicon};

/// Words and the punctuation that matters for scope: `,` `/` `&` `;` `:`.
/// A letter or digit outside ASCII (`\p{L}`, `\p{N}`).
static WORD_CHAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\p{L}\p{N}]$").expect("static regex"));

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{2000}'..='\u{206F}').contains(&c) {
        // General Punctuation (curly quotes, dashes, spaces) has no letter or digit, and is the commonest
        // non-ASCII text in a policy: no regex for it.
        false
    } else {
        WORD_CHAR.is_match(c.encode_utf8(&mut [0; 4]))
    }
}

/// The tokens of a clause: words (letters and digits, joined by `-`, `'` or `’` inside: "third-party",
/// "don't") and the punctuation that separates list elements (`, / & ; :`); everything else separates.
/// One pass over the bytes, ASCII read from a table; tokenising is done for every clause with a finding.
pub(crate) fn tokens(clause: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = clause.as_bytes();
    let n = bytes.len();
    // What the character at a byte offset is, and its length: ASCII from the table, the rest decoded.
    let class_at = move |i: usize| match BYTE_CLASS[usize::from(bytes[i])] {
        Class::Outside => clause[i..].chars().next().map_or((Class::Other, 1), |c| {
            let class = match c {
                '’' => Class::Joiner,
                c if is_word_char(c) => Class::Word,
                _ => Class::Other,
            };
            (class, c.len_utf8())
        }),
        class => (class, 1),
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < n {
            let (class, len) = class_at(at);
            let start = at;
            at += len;
            match class {
                Class::List => return Some(start..at),
                Class::Word => {}
                _ => continue,
            }
            loop {
                while at < n {
                    let (class, len) = class_at(at);
                    if class != Class::Word {
                        break;
                    }
                    at += len;
                }
                // A joiner counts only with a letter or digit after it.
                if at < n {
                    let (class, len) = class_at(at);
                    if class == Class::Joiner && at + len < n && class_at(at + len).0 == Class::Word {
                        at += len;
                        continue;
                    }
                }
                return Some(start..at);
            }
        }
        None
    })
}

/// What a character is to [`tokens`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A letter or digit.
    Word,
    /// `, / & ; :`: a token of its own.
    List,
    /// `-`, `'`, `’`: joins two words it stands between.
    Joiner,
    /// Anything else: separates.
    Other,
    /// A byte of a character outside ASCII, which is decoded to be classed.
    Outside,
}

/// [`Class`] of each byte; [`Class::Outside`] for bytes outside ASCII.
static BYTE_CLASS: [Class; 256] = {
    let mut table = [Class::Outside; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = match byte {
            b',' | b'/' | b'&' | b';' | b':' => Class::List,
            b'-' | b'\'' => Class::Joiner,
            _ if byte.is_ascii_alphanumeric() => Class::Word,
            _ => Class::Other,
        };
        b += 1;
    }
    table
};

/// How far after a practice word `object` and `post` cues are looked for, in bytes.
const OBJECT_WINDOW: usize = 48;
const POST_WINDOW: usize = 160;
/// Most exceptions reported for one denial; the rest of a long list adds nothing a reader can use.
pub const MAX_EXCEPTIONS: usize = 8;

/// The negation that decided a finding: which cue, and the words it matched in the clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Index into [`Lexicon::cues`].
    pub cue: usize,
    /// Byte range of the cue's words in the clause.
    pub span: Range<usize>,
}

/// An exception to a denial, with its byte range in the clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionSpan {
    pub kind: ExceptionKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A word with no negation role: it ends a chain unless it is an element of a list.
    Plain,
    /// `,` `/` `&` "or" "and": joins the elements of a list.
    Coordinator,
    Cue {
        kind: CueKind,
        cue: usize,
        matched: usize,
    },
}

#[derive(Debug, Clone)]
struct Token {
    range: Range<usize>,
    role: Role,
}

/// What a clause's negations and exceptions cover. Built once per clause.
#[derive(Debug)]
pub struct Scopes<'c> {
    clause: &'c str,
    tokens: Vec<Token>,
    /// Byte ranges of the cue matches tokens point to (`Role::Cue::matched`).
    matches: Vec<Range<usize>>,
    /// Per token: the negation a practice word starting at that token is under.
    negation: Vec<Option<(usize, usize)>>,
    /// Byte ranges of the parts, the stretches between breaks: exceptions belong to the denials of their part.
    parts: Vec<Range<usize>>,
    /// Byte ranges of the segments, the stretches between breaks, new clauses and exception cues: rule
    /// patterns match within one segment, so a practice's words never cross a new clause.
    segments: Vec<Range<usize>>,
    /// Exceptions: the part each is in and its byte range.
    exceptions: Vec<(usize, Range<usize>)>,
}

fn is_coordinator(word: &str) -> bool {
    matches!(word, "," | "/" | "&" | "or" | "and")
}

/// "or" and "nor": after a denied verb's own words, they carry the denial on to the next verb.
fn reopens(word: &str) -> bool {
    word.eq_ignore_ascii_case("or") || word.eq_ignore_ascii_case("nor")
}

impl<'c> Scopes<'c> {
    /// Reads `clause` with the cues of `lex`; `grammar` tells which words go on an exception's list past
    /// a semicolon.
    pub fn new(clause: &'c str, lex: &Lexicon, grammar: &Grammar) -> Scopes<'c> {
        let mut matches: Vec<Range<usize>> = Vec::new();
        // An ASCII word is lower-cased here without allocating; a longer one is lowered on the heap.
        let mut ascii = [0u8; 32];
        // A token is at least one byte and a separator: sized once rather than grown word by word.
        let mut tokens: Vec<Token> = Vec::with_capacity(clause.len() / 4 + 4);
        tokens.extend(self::tokens(clause).map(|range| {
            let raw = &clause[range.clone()];
            // Most words are ASCII: look them up without allocating.
            let lowered;
            let word = if !raw.is_ascii() {
                lowered = raw.to_lowercase().replace('’', "'");
                lowered.as_str()
            } else if raw.bytes().any(|b| b.is_ascii_uppercase()) {
                match ascii.get_mut(..raw.len()) {
                    Some(buffer) => {
                        buffer.copy_from_slice(raw.as_bytes());
                        buffer.make_ascii_lowercase();
                        std::str::from_utf8(buffer).unwrap_or(raw)
                    }
                    None => {
                        lowered = raw.to_ascii_lowercase();
                        lowered.as_str()
                    }
                }
            } else {
                raw
            };
            let role = match lex.word(word) {
                Some(cue) => {
                    matches.push(range.clone());
                    Role::Cue {
                        kind: lex.cues[cue].kind,
                        cue,
                        matched: matches.len() - 1,
                    }
                }
                None if is_coordinator(word) => Role::Coordinator,
                None => Role::Plain,
            };
            Token { range, role }
        }));
        // Phrase cues override the words they cover, in `CueKind::MARK_ORDER`. One pass of the set says
        // which phrases occur; only those are searched for.
        for index in lex.phrase_set.matches(clause).iter() {
            let (cue, re) = &lex.phrases[index];
            let (cue, kind) = (*cue, lex.cues[*cue].kind);
            let group = re.capture_names().position(|n| n == Some("t"));
            for caps in re.captures_iter(clause) {
                let whole = caps.get(0).expect("group 0 always matches");
                let range = group.and_then(|g| caps.get(g)).unwrap_or(whole).range();
                if range.is_empty() {
                    continue;
                }
                matches.push(range.clone());
                let matched = matches.len() - 1;
                let first = tokens.partition_point(|t| t.range.end <= range.start);
                for t in tokens[first..].iter_mut().take_while(|t| t.range.start < range.end) {
                    t.role = Role::Cue { kind, cue, matched };
                }
            }
        }

        let n = tokens.len();
        // Whether an "or" or "nor" follows before the part or the clause ends: then a comma after a denied
        // verb's words is a list of verbs ("we will not contact you, share your details, or sell them").
        let mut or_ahead = vec![false; n];
        let mut ahead = false;
        for i in (0..n).rev() {
            or_ahead[i] = ahead;
            let word = &clause[tokens[i].range.clone()];
            match tokens[i].role {
                Role::Coordinator if reopens(word) => ahead = true,
                Role::Cue {
                    kind: CueKind::Break | CueKind::Clause | CueKind::Terminator | CueKind::Exception,
                    ..
                } => ahead = false,
                _ => {}
            }
        }
        let mut negation = vec![None; n];
        let mut parts = Vec::new();
        let mut exceptions: Vec<(usize, Range<usize>)> = Vec::new();
        let mut part_start = 0;
        // The negation carried along the current chain of filler, and a forward negation's scope.
        let mut chain: Option<(usize, usize)> = None;
        let mut forward: Option<(usize, usize)> = None;
        // After a list element and its coordinator: an auxiliary next means the list has ended.
        let mut in_list = false;
        // The negation of a chain that a plain word ended ("we do not *store* this on our servers"): an
        // "or" later in the part denies what follows it too ("… or share it with third parties").
        let mut reopen: Option<(usize, usize)> = None;
        // A negation that a colon follows ("we will never: sell…; rent…"): it denies the items of the list
        // the colon opens, across the `;` between them, to the end of the clause.
        let mut listed: Option<(usize, usize)> = None;
        // The exception being read: its cue match and where it started.
        let mut open: Option<(usize, usize)> = None;
        let mut last_end = 0;
        let mut segments = Vec::new();
        let mut segment_start = 0;
        let mut last_cut: Option<usize> = None;
        // Whether a negation cue has been read in the current part. An exception cue cuts a segment only
        // after one: "we do not share data *except with* partners" keeps the exception out of the denied
        // match, while in "we share data *only with* our card processor" the words after the cue are the
        // recipient of the permission itself.
        let mut denied_in_part = false;
        for i in 0..n {
            negation[i] = chain.or(forward).or(listed);
            let role = tokens[i].role;
            let text = &clause[tokens[i].range.clone()];
            let next_is_coordinator = tokens.get(i + 1).is_some_and(|t| t.role == Role::Coordinator);
            let start = tokens[i].range.start;
            let here = parts.len();
            let mut close = |open: &mut Option<(usize, usize)>, at: usize| {
                if let Some((_, from)) = open.take()
                    && at > from
                {
                    exceptions.push((here, from..at));
                }
            };
            // A new clause or an exception cue starts a segment at its first word.
            if let Role::Cue { kind, matched, .. } = role
                && (kind == CueKind::Clause || (kind == CueKind::Exception && denied_in_part))
                && last_cut != Some(matched)
            {
                last_cut = Some(matched);
                if start > segment_start {
                    segments.push(segment_start..start);
                }
                segment_start = start;
            }
            match role {
                Role::Coordinator => {
                    if chain.is_none() && (reopens(text) || (text == "," && or_ahead[i])) {
                        chain = reopen;
                        // The words before were the denied verb's own ("ask *for* or track"), not a list
                        // of terms that an auxiliary would end.
                        if chain.is_some() {
                            in_list = false;
                        }
                    }
                }
                Role::Plain if text == ":" && chain.is_some() => {
                    listed = chain;
                }
                Role::Plain => {
                    if next_is_coordinator {
                        in_list = true;
                    } else {
                        if chain.is_some() {
                            reopen = chain;
                        }
                        chain = None;
                        in_list = false;
                    }
                }
                Role::Cue { kind, cue, matched } => match kind {
                    CueKind::Pre => {
                        denied_in_part = true;
                        chain = Some((cue, matched));
                        reopen = None;
                        in_list = false;
                        close(&mut open, last_end);
                    }
                    CueKind::Forward => {
                        denied_in_part = true;
                        forward = Some((cue, matched));
                        reopen = None;
                        close(&mut open, last_end);
                    }
                    CueKind::Filler | CueKind::Pseudo | CueKind::Object | CueKind::Post => {}
                    CueKind::Auxiliary => {
                        if in_list {
                            chain = None;
                        }
                        in_list = false;
                    }
                    CueKind::Terminator | CueKind::Clause => {
                        chain = None;
                        forward = None;
                        reopen = None;
                        listed = None;
                        in_list = false;
                        close(&mut open, last_end);
                    }
                    CueKind::Exception => {
                        chain = None;
                        forward = None;
                        reopen = None;
                        listed = None;
                        in_list = false;
                        if open.is_none_or(|(m, _)| m != matched) {
                            close(&mut open, last_end);
                            open = Some((matched, start));
                        }
                    }
                    // An exception's list goes on past a semicolon: "except where you agree*;* where the law
                    // requires it*;* to companies who provide a service to us". A semicolon before another
                    // condition, recipient or list word is the list's, not the end of the denial's part.
                    CueKind::Break
                        if text == ";"
                            && open.is_some()
                            && tokens
                                .get(i + 1)
                                .is_some_and(|t| continues_exception(grammar, &clause[t.range.clone()])) => {}
                    CueKind::Break => {
                        chain = None;
                        forward = None;
                        reopen = None;
                        // The items of a list a denial opened are cut by `;`, not taken out of it.
                        if text != ";" {
                            listed = None;
                        }
                        in_list = false;
                        close(&mut open, last_end);
                        denied_in_part = false;
                        parts.push(part_start..start);
                        part_start = tokens[i].range.end;
                        if start > segment_start {
                            segments.push(segment_start..start);
                        }
                        segment_start = tokens[i].range.end;
                    }
                },
            }
            last_end = tokens[i].range.end;
        }
        if let Some((_, from)) = open.take()
            && last_end > from
        {
            exceptions.push((parts.len(), from..last_end));
        }
        parts.push(part_start..clause.len());
        if clause.len() > segment_start || segments.is_empty() {
            segments.push(segment_start..clause.len());
        }
        Scopes {
            clause,
            tokens,
            matches,
            negation,
            parts,
            segments,
            exceptions,
        }
    }

    /// The stretches of the clause where rule patterns are matched. Never empty.
    pub fn segments(&self) -> &[Range<usize>] {
        &self.segments
    }

    /// The index of the token at or after byte `at`.
    fn token_at(&self, at: usize) -> usize {
        self.tokens.partition_point(|t| t.range.end <= at)
    }

    /// The part byte `at` is in.
    pub fn part_of(&self, at: usize) -> usize {
        self.parts.partition_point(|p| p.end < at).min(self.parts.len() - 1)
    }

    /// The byte range of the part byte `at` is in.
    pub fn part(&self, at: usize) -> Range<usize> {
        self.parts[self.part_of(at)].clone()
    }

    /// Whether byte `at` lies inside an exception ("except *as required by law*").
    pub fn in_exception(&self, at: usize) -> bool {
        let i = self.exceptions.partition_point(|(_, r)| r.end <= at);
        self.exceptions.get(i).is_some_and(|(_, r)| r.start <= at)
    }

    /// Decides whether the practice word at `trigger`, in a match that ends at `end`, is denied, and by
    /// which cue. `object` cues are looked for right after the practice word, `post` cues right after the
    /// match ("selling your data to third parties *is prohibited*").
    pub fn negation(&self, trigger: &Range<usize>, end: usize, lex: &Lexicon) -> Option<Decision> {
        let i = self.token_at(trigger.start);
        if let Some(&Some((cue, matched))) = self.negation.get(i) {
            return Some(Decision {
                cue,
                span: self.matches[matched].clone(),
            });
        }
        let part_end = self.parts[self.part_of(trigger.start)].end;
        let window = |from: usize, len: usize| {
            let mut to = (from + len).min(part_end).max(from);
            while !self.clause.is_char_boundary(to) {
                to -= 1;
            }
            (from, &self.clause[from..to])
        };
        let end = end.clamp(trigger.end, self.clause.len());
        for (kind, from, len) in [
            (CueKind::Object, trigger.end, OBJECT_WINDOW),
            (CueKind::Post, end, POST_WINDOW),
        ] {
            let (from, after) = window(from, len);
            for (cue, c) in lex.cues.iter().enumerate().filter(|(_, c)| c.kind == kind) {
                if let Some(caps) = c.patterns.iter().find_map(|re| re.captures(after)) {
                    // The `t` group marks the cue's own words; without one the match is trimmed.
                    let m = caps
                        .name("t")
                        .unwrap_or_else(|| caps.get(0).expect("group 0 always matches"));
                    let words = &after[m.range()];
                    let lead = words.len() - words.trim_start().len();
                    return Some(Decision {
                        cue,
                        span: from + m.start() + lead..from + m.start() + words.trim_end().len(),
                    });
                }
            }
        }
        None
    }

    /// The exceptions of the part byte `at` is in, classified, at most [`MAX_EXCEPTIONS`].
    pub fn exceptions(&self, at: usize, lex: &Lexicon) -> Vec<ExceptionSpan> {
        let part = self.part_of(at);
        let mut out = Vec::new();
        for (_, span) in self.exceptions.iter().filter(|(p, _)| *p == part) {
            let mut kinds = lex.exception_kinds(&self.clause[span.clone()]);
            if kinds.is_empty() {
                kinds.push(ExceptionKind::Other);
            }
            for kind in kinds {
                if out.len() < MAX_EXCEPTIONS {
                    out.push(ExceptionSpan {
                        kind,
                        span: span.clone(),
                    });
                }
            }
        }
        out
    }
}

/// Whether a word after a semicolon carries an open exception's list on: a condition opener ("where",
/// "unless"), a recipient preposition ("to") or a conjunction ("or").
fn continues_exception(g: &Grammar, word: &str) -> bool {
    [&g.condition_openers, &g.recipient_prepositions, &g.conjunctions]
        .iter()
        .any(|list| Grammar::has(list, word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::RuleSet;

    static RULES_FOR_TESTS: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::default_rules().unwrap());

    fn lex() -> &'static Lexicon {
        &RULES_FOR_TESTS.lexicon
    }

    fn negated(clause: &str, word: &str) -> Option<String> {
        let scopes = Scopes::new(clause, lex(), &RULES_FOR_TESTS.ontology.grammar);
        let at = clause.find(word).unwrap();
        scopes
            .negation(&(at..at + word.len()), at + word.len(), lex())
            .map(|d| clause[d.span].to_string())
    }

    #[test]
    fn chains_lists_and_coordinated_auxiliaries() {
        assert_eq!(negated("We do not share your data.", "share").as_deref(), Some("not"));
        assert_eq!(
            negated("We don't and won't ever sell your details.", "sell").as_deref(),
            Some("won't")
        );
        assert_eq!(
            negated("We will never misuse, rent, trade or hand over your data.", "trade").as_deref(),
            Some("never")
        );
        assert_eq!(
            negated("Data that is not identifiable, and may be shared.", "shared"),
            None
        );
        assert_eq!(negated("We never share your location.", "location"), None);
    }

    #[test]
    fn or_carries_a_denial_past_the_first_verbs_object_and_a_colon_opens_a_denied_list() {
        let clause = "We don't store this on our servers or share it with third parties.";
        assert_eq!(negated(clause, "share").as_deref(), Some("don't"));
        // "and" does not: "we do not sell your data and share it" is read as it stands elsewhere.
        assert_eq!(
            negated("We don't store this on our servers and share it.", "share"),
            None
        );
        // A new negation or a new clause ends it.
        assert_eq!(
            negated("We do not sell your data, and we may store it or share it.", "share"),
            None
        );
        let list = "We will never: sell your data to advertisers; rent your e-mail address to brokers.";
        assert_eq!(negated(list, "rent").as_deref(), Some("never"));
        assert_eq!(
            negated("We will never sell your data; we rent your address to brokers.", "rent"),
            None,
            "without the colon, `;` ends the denial"
        );
    }

    #[test]
    fn forward_scope_ends_at_a_terminator() {
        assert_eq!(
            negated("None of your details are ever sold.", "sold").as_deref(),
            Some("None of")
        );
        assert_eq!(
            negated("No partner reads it, which we share with others.", "share"),
            None
        );
    }

    #[test]
    fn tokens_are_the_words_and_list_punctuation_the_regex_would_find() {
        // The definition `tokens` implements by hand.
        let reference = Regex::new(r"[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*|[,/&;:]").unwrap();
        let texts = [
            "We don't share third-party data, or sell it; ever: A/B & C.",
            "customer’s data -- well-known -x- x- -x 'quoted' it's",
            "Übermittlung an Dritte, ΣΟΦΊΑ ΣΟΦΙΑΣ, naïve café, 2024-05-01, Ⅻ items",
            // A combining mark is Alphabetic in Unicode but not a letter (\p{L}): it separates words.
            "a\u{0345}b ͅ x\u{0301}y 中文字 ١٢٣",
            "",
            " ",
            "--",
            "a-",
            "-a",
            "a’’b",
            "a'-b",
            "ends with joiner'",
        ];
        for text in texts {
            let want: Vec<Range<usize>> = reference.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(tokens(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn tokens_agree_with_the_regex_on_any_text(text in "[a-zA-Z0-9 ,;:/&'’‘“”—–…-]{0,30}|\\PC{0,30}") {
            let reference = Regex::new(r"[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*|[,/&;:]").unwrap();
            let want: Vec<Range<usize>> = reference.find_iter(&text).map(|m| m.range()).collect();
            proptest::prop_assert_eq!(tokens(&text).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn breaks_cut_parts_and_exceptions_are_spans() {
        let clause = "We do not sell your data except as required by law; we share it with partners.";
        let scopes = Scopes::new(clause, lex(), &RULES_FOR_TESTS.ontology.grammar);
        assert_eq!(scopes.parts.len(), 2);
        let segments: Vec<&str> = scopes.segments().iter().map(|r| &clause[r.clone()]).collect();
        assert_eq!(
            segments,
            [
                "We do not sell your data ",
                "except as required by law",
                " we share it with partners."
            ]
        );
        assert!(scopes.in_exception(clause.find("required").unwrap()));
        assert!(!scopes.in_exception(clause.find("partners").unwrap()));
        let ex = scopes.exceptions(0, lex());
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0].kind, ExceptionKind::Legal);
        assert_eq!(&clause[ex[0].span.clone()], "except as required by law");
        assert_eq!(scopes.part_of(clause.find("partners").unwrap()), 1);
    }

    #[test]
    fn an_exception_cue_cuts_a_segment_only_after_a_denial() {
        let segments = |clause: &'static str| -> Vec<&'static str> {
            let scopes = Scopes::new(clause, lex(), &RULES_FOR_TESTS.ontology.grammar);
            scopes.segments().iter().map(|r| &clause[r.clone()]).collect()
        };
        // The words after "only with" name the permission's recipient.
        assert_eq!(
            segments("We share your data only with our card processor."),
            ["We share your data only with our card processor."]
        );
        assert_eq!(
            segments("We do not share your data except with our card processor."),
            ["We do not share your data ", "except with our card processor."]
        );
        // A denial in an earlier part does not count.
        assert_eq!(
            segments("We do not sell it; we share it only with partners."),
            ["We do not sell it", " we share it only with partners."]
        );
    }

    #[test]
    fn or_reopens_a_denial_after_a_verb_and_its_preposition() {
        assert_eq!(
            negated("We do not ask for or track your location.", "location").as_deref(),
            Some("not")
        );
        assert_eq!(
            negated("We do not ask you for, access or track any location data.", "location").as_deref(),
            Some("not")
        );
    }

    #[test]
    fn a_comma_list_of_verbs_ending_in_or_stays_denied() {
        let clause = "We will not contact you, share your details with advertisers, or sell your data.";
        assert_eq!(negated(clause, "share").as_deref(), Some("not"));
        assert_eq!(negated(clause, "sell").as_deref(), Some("not"));
        // Without a closing "or" the comma ends the denial; a new subject ends it in any case.
        assert_eq!(
            negated("We do not sell your data, share it with partners and keep it.", "share"),
            None
        );
        assert_eq!(
            negated(
                "We do not sell your data, we share it with partners or affiliates.",
                "share"
            ),
            None
        );
        assert_eq!(
            negated(
                "We do not sell your data, and we share it with partners or affiliates.",
                "share"
            ),
            None
        );
        assert_eq!(
            negated(
                "We do not sell your data; share it with partners or affiliates.",
                "share"
            ),
            None
        );
    }

    #[test]
    fn object_and_post_cues_look_after_the_word() {
        assert_eq!(
            negated("We share no data with advertisers.", "share").as_deref(),
            Some("no")
        );
        assert_eq!(
            negated(
                "Selling your data to third parties is prohibited.",
                "Selling your data to third parties"
            )
            .as_deref(),
            Some("is prohibited")
        );
        assert_eq!(negated("We share data with partners at no cost.", "share"), None);
    }
}
