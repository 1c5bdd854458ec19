//! Which language a text is in, line by line (`rules/languages.toml`).
//!
//! Each line of a text is put to a vote of function words: it is in the language whose words it uses
//! most, when it uses at least [`MIN_VOTES`] of them, at least twice as many as of any other
//! language's, and at least one word in [`DENSITY`]. Function words are in every sentence, whatever its
//! subject, so the vote decides short policy sentences that trigram detectors misread (measured in
//! docs/rules.md, "Languages"); it costs a hash lookup per short word, for at most [`MAX_WORDS`] words
//! a line, and a line stops once it has clearly decided. A line the vote cannot decide (a heading, a
//! list of data kinds) is in the language of the line before it. A text no line of which decides, if it
//! is long enough, is put to whatlang, a trigram detector of 69 languages, trusted only when it says it
//! is sure, so a policy in a language the table lacks is named rather than read as English; otherwise
//! the text's language is unknown.

use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::Deserialize;

/// Fewest function words of one language that decide a line.
pub const MIN_VOTES: u16 = 2;
/// Words of a line the vote looks at: a long paragraph has decided well before.
pub const MAX_WORDS: usize = 60;
/// One word in this many, at least, is a function word of a text's language.
const DENSITY: usize = 8;
/// Bytes of an undecided text whatlang is shown.
const WHATLANG_SAMPLE: usize = 2048;
/// Fewest bytes of text whatlang is asked about: on shorter English fragments (a title, an address)
/// it was sure and wrong (docs/rules.md, "Languages").
const WHATLANG_LEAST: usize = 200;
/// Where whatlang's languages start among [`Language`] numbers; below are the table's.
const WHATLANG_BASE: u8 = 64;
/// The longest function word, in bytes: longer words are not looked up.
const MAX_WORD_BYTES: usize = 16;

/// The embedded list of languages.
pub const LANGUAGES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/languages.toml"));

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    language: Vec<Profile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    code: String,
    name: String,
    /// ISO 639-3, the code whatlang knows the language by.
    iso639_3: String,
    #[serde(default)]
    rules: Option<String>,
    words: Vec<String>,
}

/// The languages and their words, read once.
struct Table {
    profiles: Vec<Profile>,
    /// Each function word, by its [`key`], and the languages (a bit each) it belongs to.
    words: FxHashMap<u128, u32>,
    /// For each lower-case ASCII first byte, the lengths (a bit each) of the function words it starts:
    /// most words of a text are ruled out by it without hashing them.
    starts: [u32; 128],
}

impl Table {
    /// Whether some function word starts with `first` (lower-cased ASCII) and has `len` bytes.
    #[inline]
    fn may_be_word(&self, first: u8, len: usize) -> bool {
        !first.is_ascii() || self.starts[usize::from(first.to_ascii_lowercase())] & (1 << len) != 0
    }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The embedded file is checked by a unit test; were it ever unreadable, nothing is detected and
        // every text is read with the default rules, as before languages were detected.
        let profiles = toml::from_str::<File>(LANGUAGES)
            .map(|f| f.language)
            .unwrap_or_default();
        let profiles: Vec<Profile> = profiles.into_iter().take(32).collect();
        let mut words: FxHashMap<u128, u32> = FxHashMap::default();
        let mut starts = [0u32; 128];
        for (i, p) in profiles.iter().enumerate() {
            for w in &p.words {
                let w = w.to_lowercase();
                if let Some(&first) = w.as_bytes().first().filter(|b| b.is_ascii())
                    && w.len() <= MAX_WORD_BYTES
                {
                    starts[usize::from(first)] |= 1 << w.len();
                }
                if let Some(k) = key(w.as_bytes()) {
                    *words.entry(k).or_default() |= 1 << i;
                }
            }
        }
        Table {
            profiles,
            words,
            starts,
        }
    })
}

/// A language orgcheck recognises: one of `rules/languages.toml`, or one whatlang knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language(u8);

/// Where a language is described.
enum Entry {
    Table(&'static Profile),
    Whatlang(whatlang::Lang),
}

impl Language {
    fn entry(self) -> Entry {
        match self.0.checked_sub(WHATLANG_BASE) {
            None => Entry::Table(&table().profiles[self.0 as usize]),
            Some(i) => Entry::Whatlang(whatlang::Lang::all()[i as usize]),
        }
    }

    /// Its code: ISO 639-1 (`de`) for the languages of `rules/languages.toml`, ISO 639-3 (`pol`) for
    /// the others.
    pub fn code(self) -> &'static str {
        match self.entry() {
            Entry::Table(p) => &p.code,
            Entry::Whatlang(l) => l.code(),
        }
    }

    /// Its English name: `German`.
    pub fn name(self) -> &'static str {
        match self.entry() {
            Entry::Table(p) => &p.name,
            Entry::Whatlang(l) => l.eng_name(),
        }
    }

    /// The embedded rules file it is read with (`rules/lang/de.toml`); `None` for English, which the
    /// default rules read, and for a language orgcheck has no rules for.
    pub fn rules_file(self) -> Option<&'static str> {
        match self.entry() {
            Entry::Table(p) => p.rules.as_deref(),
            Entry::Whatlang(_) => None,
        }
    }

    /// Whether orgcheck has rules for it.
    pub fn has_rules(self) -> bool {
        self == Language::english() || self.rules_file().is_some()
    }

    /// The language of the default rules.
    pub fn english() -> Language {
        Language::from_code("en").unwrap_or(Language(0))
    }

    /// The language with this code (ISO 639-1 for the table's languages, else ISO 639-3).
    pub fn from_code(code: &str) -> Option<Language> {
        let t = table();
        if let Some(at) = t.profiles.iter().position(|p| p.code.eq_ignore_ascii_case(code)) {
            return Some(Language(at as u8));
        }
        let lang = whatlang::Lang::from_code(code.to_ascii_lowercase())?;
        Some(from_whatlang(t, lang))
    }

    /// Every language orgcheck recognises, in the file's order.
    pub fn all() -> impl Iterator<Item = Language> {
        (0..table().profiles.len()).map(|i| Language(i as u8))
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Language, D::Error> {
        let code = String::deserialize(d)?;
        Language::from_code(&code).ok_or_else(|| serde::de::Error::custom(format!("unknown language `{code}`")))
    }
}

impl schemars::JsonSchema for Language {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Language".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "the language: ISO 639-1 for en, de, fr, es, it, nl, pt; ISO 639-3 (pol) for the others"
        })
    }
}

/// A stretch of a text in one language: whole lines, end to end with its neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub range: Range<usize>,
    /// `None` when the language is unknown.
    pub language: Option<Language>,
}

/// What [`detect`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The language most of the text is in; `None` when unknown.
    pub language: Option<Language>,
    /// The text in runs of one language, covering it from start to end (none for an empty text).
    pub runs: Vec<Run>,
}

/// Votes per language (a slot per bit of the table's word masks).
type Votes = [u16; 32];

/// Counts the function words of the first [`MAX_WORDS`] words of `line`; returns how many words it
/// looked at.
fn votes(t: &Table, line: &str, into: &mut Votes) -> usize {
    let bytes = line.as_bytes();
    let (mut seen, mut i) = (0, 0);
    let mut buf = [0u8; MAX_WORD_BYTES];
    while i < bytes.len() && seen < MAX_WORDS {
        while i < bytes.len() && !token_at(line, i) {
            i += 1;
        }
        let start = i;
        // A hyphen joins a compound ("E-Mail", "opt-out"), whose parts are no function words; a dot,
        // slash or at sign inside a token makes it a domain, URL or address ("www.example.com",
        // "imedia.cz"), whose parts ("com") would vote for a language the text is not in.
        let (mut joined, mut upper, mut ascii) = (false, false, true);
        while i < bytes.len() && token_at(line, i) {
            let class = ASCII_CLASS.get(usize::from(bytes[i])).copied().unwrap_or(0);
            joined |= class & JOINER != 0;
            upper |= class & UPPER != 0;
            ascii &= bytes[i].is_ascii();
            i += 1;
        }
        if start == i {
            break;
        }
        let mut word = &line[start..i];
        if joined {
            word = word.trim_matches(['.', '-', '/']);
            if word.is_empty() || word.contains(['.', '/', '@', '_', '-']) {
                seen += usize::from(!word.is_empty());
                continue;
            }
        }
        seen += 1;
        if word.len() > MAX_WORD_BYTES || word.len() < 2 || !t.may_be_word(word.as_bytes()[0], word.len()) {
            continue;
        }
        let k = if ascii && !upper {
            key(word.as_bytes())
        } else if ascii {
            let b = &mut buf[..word.len()];
            b.copy_from_slice(word.as_bytes());
            b.make_ascii_lowercase();
            key(b)
        } else if word.chars().any(char::is_uppercase) {
            key(word.to_lowercase().as_bytes())
        } else {
            key(word.as_bytes())
        };
        let mask = k.and_then(|k| t.words.get(&k));
        if let Some(&mask) = mask {
            add(mask, into);
            // A line that has made up its mind need not be read to its end.
            if decided_early(&into[..t.profiles.len()], seen) {
                break;
            }
        }
    }
    seen
}

/// A word of at most [`MAX_WORD_BYTES`] bytes as one number, its bytes in order: hashing and comparing
/// it is a few instructions, where a string's are a loop and a `memcmp`. Words hold no zero byte, so
/// the padding cannot make two words one.
fn key(word: &[u8]) -> Option<u128> {
    let mut bytes = [0u8; 16];
    bytes.get_mut(..word.len())?.copy_from_slice(word);
    Some(u128::from_le_bytes(bytes))
}

/// Bits of [`ASCII_CLASS`]: a byte of a token; a joiner of compounds, domains and addresses; a capital.
const TOKEN: u8 = 1;
const JOINER: u8 = 2;
const UPPER: u8 = 4;

/// What each ASCII byte is to a token, looked up once per byte: the vote's scan over a text is a good
/// part of its cost.
static ASCII_CLASS: [u8; 128] = {
    let mut classes = [0u8; 128];
    let mut b = 0u8;
    while b < 128 {
        classes[b as usize] = if b.is_ascii_uppercase() {
            TOKEN | UPPER
        } else if b.is_ascii_alphanumeric() {
            TOKEN
        } else if matches!(b, b'-' | b'.' | b'/' | b'@' | b'_') {
            TOKEN | JOINER
        } else {
            0
        };
        b += 1;
    }
    classes
};

/// Whether the byte at `i` belongs to a token: a letter or digit, or a joiner of compounds, domains and
/// addresses. Only non-ASCII bytes are decoded.
#[inline]
fn token_at(line: &str, i: usize) -> bool {
    let b = line.as_bytes()[i];
    if let Some(&class) = ASCII_CLASS.get(usize::from(b)) {
        return class & TOKEN != 0;
    }
    // A byte inside a character goes with the character.
    let mut start = i;
    while !line.is_char_boundary(start) {
        start -= 1;
    }
    // Curly quotes, dashes and spaces of the General Punctuation block are common in policies, and no
    // letter is among them: Unicode's table need not be searched for them.
    line[start..]
        .chars()
        .next()
        .is_some_and(|c| !('\u{2000}'..='\u{206f}').contains(&c) && c.is_alphanumeric())
}

/// Votes that no further word of a line could overturn in practice: eight for one language, four
/// times those of any other, and dense enough.
fn decided_early(v: &[u16], seen: usize) -> bool {
    let (mut top, mut second) = (0u16, 0u16);
    for &n in v.iter() {
        if n > top {
            (second, top) = (top, n);
        } else if n > second {
            second = n;
        }
    }
    top >= 8 && top >= second.saturating_mul(4) && usize::from(top) * DENSITY >= seen
}

fn add(mut mask: u32, into: &mut Votes) {
    while mask != 0 {
        let i = mask.trailing_zeros() as usize;
        into[i] = into[i].saturating_add(1);
        mask &= mask - 1;
    }
}

/// The language the votes decide: the most votes, at least `least` of them, at least twice those of the
/// runner-up, and at least one word in [`DENSITY`] of the `words` looked at. Text in a language the
/// table lacks shares a few short words with one it has (Czech "na" and "se" are Portuguese and
/// Spanish words), but far fewer than a text in that language uses.
fn decide(v: &[u16], least: u16, words: usize) -> Option<Language> {
    let (mut top, mut second, mut at) = (0u16, 0u16, 0usize);
    for (i, &n) in v.iter().enumerate() {
        if n > top {
            (second, top, at) = (top, n, i);
        } else if n > second {
            second = n;
        }
    }
    let dense = usize::from(top) * DENSITY >= words;
    (dense && top >= least && top >= second.saturating_mul(2).max(1) && top > second).then_some(Language(at as u8))
}

/// The language of one block of text (a line, a sentence), by its function words alone; `None` when
/// they do not decide it.
pub fn vote(block: &str) -> Option<Language> {
    let t = table();
    let mut v = [0; 32];
    let words = votes(t, block, &mut v);
    decide(&v[..t.profiles.len()], MIN_VOTES, words)
}

/// The language of every line of `text`, and of the text as a whole.
pub fn detect(text: &str) -> Detection {
    let t = table();
    // Only the table's languages have votes: the slots past them stay empty.
    let n = t.profiles.len();
    let mut lines: Vec<(Range<usize>, Option<Language>)> = Vec::new();
    let (mut pooled, mut pooled_words) = ([0u16; 32], 0);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let mut v: Votes = [0; 32];
        let words = votes(t, line, &mut v);
        let v = &v[..n];
        for (p, &k) in pooled.iter_mut().zip(v) {
            *p = p.saturating_add(k);
        }
        pooled_words += words;
        lines.push((start..start + line.len(), decide(v, MIN_VOTES, words)));
        start += line.len();
    }
    // The text's language: the one most of its decided bytes are in.
    let mut bytes: FxHashMap<Language, usize> = FxHashMap::default();
    for (range, language) in &lines {
        if let Some(l) = language {
            *bytes.entry(*l).or_default() += range.len();
        }
    }
    let language = match bytes.into_iter().max_by_key(|&(l, n)| (n, std::cmp::Reverse(l))) {
        Some((l, _)) => Some(l),
        None => decide(&pooled[..n], MIN_VOTES, pooled_words).or_else(|| by_trigrams(t, text)),
    };
    // An undecided line is in the language of the decided line before it (the first ones, of the first
    // decided line; with none decided, of the text).
    let mut current = lines.iter().find_map(|(_, l)| *l).or(language);
    let mut runs: Vec<Run> = Vec::new();
    for (range, decided) in lines {
        if decided.is_some() {
            current = decided;
        }
        match runs.last_mut() {
            Some(run) if run.language == current => run.range.end = range.end,
            _ => runs.push(Run {
                range,
                language: current,
            }),
        }
    }
    Detection { language, runs }
}

/// whatlang's answer for a text the vote left undecided, when the text is long enough and whatlang
/// is sure. It knows 69 languages, so a policy in a language the table lacks is named, not read as
/// English.
fn by_trigrams(t: &Table, text: &str) -> Option<Language> {
    let mut end = text.len().min(WHATLANG_SAMPLE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = text[..end].trim();
    if sample.len() < WHATLANG_LEAST {
        return None;
    }
    let info = whatlang::detect(sample).filter(whatlang::Info::is_reliable)?;
    Some(from_whatlang(t, info.lang()))
}

/// The table's language whatlang's is, else whatlang's own.
fn from_whatlang(t: &Table, lang: whatlang::Lang) -> Language {
    if let Some(at) = t.profiles.iter().position(|p| p.iso639_3 == lang.code()) {
        return Language(at as u8);
    }
    let i = whatlang::Lang::all().iter().position(|l| *l == lang).unwrap_or(0);
    Language(WHATLANG_BASE + i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Option<&'static str> {
        vote(text).map(Language::code)
    }

    #[test]
    fn the_embedded_list_reads_and_every_word_is_lower_case() {
        let file: File = toml::from_str(LANGUAGES).expect("rules/languages.toml reads");
        assert!(file.language.len() >= 7 && file.language.len() <= 32);
        for p in &file.language {
            assert!(
                whatlang::Lang::from_code(&p.iso639_3).is_some(),
                "{}: whatlang code",
                p.code
            );
            for w in &p.words {
                assert_eq!(w, &w.to_lowercase(), "{}: {w}", p.code);
                assert!((2..=MAX_WORD_BYTES).contains(&w.len()), "{}: {w}", p.code);
            }
        }
        assert_eq!(Language::english().code(), "en");
    }

    #[test]
    fn sentences_of_each_language_are_told_apart() {
        let cases = [
            ("en", "We never sell the data of our customers to anyone."),
            ("en", "You can object to this use at any time."),
            ("de", "Darüber hinaus geben wir keine Daten an Dritte weiter."),
            ("de", "Sie können der Nutzung Ihrer Daten jederzeit widersprechen."),
            ("fr", "Vous pouvez vous opposer à ce traitement à tout moment."),
            ("fr", "Nous ne vendons jamais vos données à des tiers."),
            ("es", "No vendemos sus datos personales a terceros."),
            (
                "it",
                "Non vendiamo i tuoi dati personali a terzi e non li condividiamo.",
            ),
            ("nl", "Wij verkopen uw gegevens niet aan derden."),
            ("pt", "Não vendemos os seus dados pessoais a terceiros."),
        ];
        for (want, text) in cases {
            assert_eq!(code(text), Some(want), "{text}");
        }
    }

    #[test]
    fn words_of_no_language_or_too_few_decide_nothing() {
        for text in [
            "Datenschutz",
            "Privacy",
            "Cookies",
            "12.3.2024",
            "",
            "   ",
            // Domain names are no Portuguese "com", initials no Portuguese "o".
            "Společnost neshromažďuje a nesdílí informace o koncových uživatelích na našich stránkách, i na \
             stránkách našich partnerů, se kterými jsme propojeni, bez předchozího souhlasu.",
            "www.example.com www.another.com www.third.com, imedia.cz",
            "J. A. Smith, O. Jones and E. Brown",
        ] {
            assert_eq!(code(text), None, "{text:?}");
        }
    }

    #[test]
    fn an_english_banner_on_a_german_page_is_its_own_run() {
        let text = "Datenschutzerklärung\n\
                    Wir geben Ihre Daten nicht an Dritte weiter, es sei denn, Sie haben eingewilligt.\n\
                    Standortdaten\n\
                    Ihre Standortdaten werden nur mit Ihrer Einwilligung verarbeitet.\n\
                    We use cookies to improve your experience on this website.\n";
        let d = detect(text);
        assert_eq!(d.language.map(Language::code), Some("de"));
        let runs: Vec<(&str, Option<&str>)> = d
            .runs
            .iter()
            .map(|r| (&text[r.range.clone()], r.language.map(Language::code)))
            .collect();
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert!(runs[0].0.starts_with("Datenschutzerklärung") && runs[0].1 == Some("de"));
        assert!(runs[1].0.starts_with("We use cookies") && runs[1].1 == Some("en"));
        assert_eq!(d.runs.last().map(|r| r.range.end), Some(text.len()));
    }

    #[test]
    fn a_text_the_vote_leaves_open_goes_to_the_trigrams_or_stays_unknown() {
        assert_eq!(detect("").language, None);
        assert!(detect("").runs.is_empty());
        assert_eq!(detect("§ 4 — 12/2024").language, None);
        // No function word of the table's languages, and a language the table lacks.
        let polish = "Administratorem Twoich danych osobowych jest spółka, która przetwarza je wyłącznie \
                      w celu realizacji umowy. Masz prawo dostępu do treści swoich danych oraz prawo \
                      sprzeciwu wobec przetwarzania ich w celach marketingowych.";
        let d = detect(polish);
        assert_eq!(
            d.language.map(|l| (l.code(), l.name(), l.has_rules())),
            Some(("pol", "Polish", false))
        );
        assert_eq!(Language::from_code("pol"), d.language);
        // Too short for whatlang to be trusted with.
        assert_eq!(detect("Acura Honda Powersports HRCA Clubhouse").language, None);
    }

    proptest::proptest! {
        /// Any text, whatever its characters, is covered end to end by its runs, and nothing panics.
        #[test]
        fn every_text_is_covered_by_its_runs(text in "(?s).{0,300}") {
            let d = detect(&text);
            let mut at = 0;
            for run in &d.runs {
                proptest::prop_assert_eq!(run.range.start, at);
                proptest::prop_assert!(text.is_char_boundary(run.range.end));
                at = run.range.end;
            }
            proptest::prop_assert_eq!(at, text.len());
            let _ = vote(&text);
        }
    }

    #[test]
    fn the_vote_looks_at_a_bounded_number_of_words() {
        let long = format!("{} und die der das", "x ".repeat(MAX_WORDS));
        assert_eq!(code(&long), None);
    }
}
