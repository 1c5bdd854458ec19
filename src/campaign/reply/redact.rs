//! Redaction: what identifies the customer (names, e-mail addresses, telephone, account and
//! reference numbers, the postal address) replaced by placeholders, while the provider's own
//! addresses stay.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// What is known of the customer: from the reply's recipients and from the sender details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Customer {
    pub names: Vec<String>,
    pub emails: Vec<String>,
    /// Postal address, whole or in lines; each part is removed where it appears.
    pub addresses: Vec<String>,
    /// Account, phone or reference numbers the customer gave.
    pub accounts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RedactKind {
    Name,
    Email,
    Address,
    Phone,
    Account,
}

impl RedactKind {
    /// What stands in the recorded text for what was removed.
    pub fn placeholder(self) -> &'static str {
        match self {
            RedactKind::Name => "[customer's name]",
            RedactKind::Email => "[e-mail address]",
            RedactKind::Address => "[customer's address]",
            RedactKind::Phone => "[phone number]",
            RedactKind::Account => "[account or reference number]",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            RedactKind::Name => "name",
            RedactKind::Email => "e-mail address",
            RedactKind::Address => "postal address",
            RedactKind::Phone => "phone number",
            RedactKind::Account => "account or reference number",
        }
    }
}

/// One thing removed, with the text it replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Redaction {
    pub kind: RedactKind,
    /// The removed text, for the person recording (it is never stored).
    #[serde(skip)]
    pub text: String,
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+\b").expect("static regex"));
/// Runs of 10 to 15 digits with the separators phone numbers are written with.
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\+|\b)\d(?:[ ().-]{0,2}\d){9,14}\b").expect("static regex"));
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(account|acct|reference|ref|case|ticket|order|customer|membership|complaint|request)(\s+(number|",
        r"no\.?|id|#))?\s*[:#.]?\s*([a-z0-9][a-z0-9/-]{2,}[a-z0-9])",
    ))
    .expect("static regex")
});
static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b[a-z0-9][a-z0-9/-]*[a-z0-9]\b").expect("static regex"));
/// Dates and legislation numbers ("2016/679") are not references.
static NOT_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,4}[/-]\d{1,2}([/-]\d{1,4})?|\d{4}/\d{1,4}|\d{4}-\d{4})$").expect("static regex")
});

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A UK or international mobile number: the customer's, never a provider's helpline.
fn is_mobile(d: &str) -> bool {
    (d.len() == 11 && d.starts_with("07"))
        || (d.len() == 12 && d.starts_with("447"))
        || (d.len() == 14 && d.starts_with("00447"))
}

/// A literal, found case-insensitively, allowing any spacing or dashes between the characters of a
/// number ("07700 900123" is also "07700900123").
fn literal_pattern(s: &str) -> Option<String> {
    let s = s.trim();
    if s.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
        return None;
    }
    let numeric = digits(s).len() * 2 >= s.chars().filter(|c| !c.is_whitespace()).count();
    let body = if numeric {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| regex::escape(&c.to_string()))
            .collect::<Vec<_>>()
            .join(r"[\s.-]?")
    } else {
        s.split_whitespace().map(regex::escape).collect::<Vec<_>>().join(r"\s+")
    };
    let edge = |c: Option<char>| {
        if c.is_some_and(char::is_alphanumeric) {
            r"\b"
        } else {
            ""
        }
    };
    Some(format!("{}{body}{}", edge(s.chars().next()), edge(s.chars().last())))
}

/// Removes what identifies the customer from `text`: their name, e-mail and postal addresses, mobile
/// numbers, and anything that looks like an account or reference number. E-mail addresses at
/// `keep_domains` (the provider's) and landline or freephone numbers (the provider's helplines) stay.
pub fn redact(text: &str, customer: &Customer, keep_domains: &[String]) -> (String, Vec<Redaction>) {
    // (range, kind, known): a known detail (one the customer gave) is removed even where it looks like
    // a helpline number.
    let mut spans: Vec<(Range<usize>, RedactKind, bool)> = Vec::new();
    let mut protected: Vec<Range<usize>> = Vec::new();

    let mut literals: Vec<(String, RedactKind)> = Vec::new();
    for name in &customer.names {
        literals.push((name.clone(), RedactKind::Name));
        // "Ms Doe": the surname after a title, capitalised as written. Alone it is left, since
        // surnames are often words ("Customer Services").
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.len() > 1
            && let Some(last) = words.last().filter(|w| w.chars().count() >= 2)
            && let Ok(re) = Regex::new(&format!(
                r"\b(Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+{}\b",
                regex::escape(last)
            ))
        {
            spans.extend(re.find_iter(text).map(|m| (m.range(), RedactKind::Name, true)));
        }
    }
    for email in &customer.emails {
        literals.push((email.clone(), RedactKind::Email));
    }
    for address in &customer.addresses {
        literals.push((address.clone(), RedactKind::Address));
        for part in address.split([',', '\n', ';']) {
            literals.push((part.to_string(), RedactKind::Address));
        }
    }
    for account in &customer.accounts {
        literals.push((account.clone(), RedactKind::Account));
    }
    for (literal, kind) in &literals {
        if let Some(pattern) = literal_pattern(literal)
            && let Ok(re) = Regex::new(&format!("(?i){pattern}"))
        {
            spans.extend(re.find_iter(text).map(|m| (m.range(), *kind, true)));
        }
    }

    for m in EMAIL.find_iter(text) {
        let domain = m.as_str().rsplit_once('@').map_or("", |(_, d)| d).to_ascii_lowercase();
        let kept = keep_domains
            .iter()
            .any(|k| domain == *k || domain.ends_with(&format!(".{k}")) || k.ends_with(&format!(".{domain}")));
        if kept {
            protected.push(m.range());
        } else {
            spans.push((m.range(), RedactKind::Email, false));
        }
    }
    for m in PHONE.find_iter(text) {
        if is_mobile(&digits(m.as_str())) {
            spans.push((m.range(), RedactKind::Phone, false));
        } else if digits(m.as_str()).starts_with('0') || m.as_str().starts_with('+') {
            protected.push(m.range());
        }
    }
    for c in LABELLED.captures_iter(text) {
        let value = c.get(4).expect("group 4 always matches");
        if value.as_str().chars().any(|c| c.is_ascii_digit()) {
            spans.push((value.range(), RedactKind::Account, false));
        }
    }
    for m in TOKEN.find_iter(text) {
        let t = m.as_str();
        let d = digits(t).len();
        let letters = t.chars().filter(char::is_ascii_alphabetic).count();
        let looks_like = d >= 6 || (d >= 4 && letters > 0 && t.len() >= 6);
        let money = text[..m.start()].ends_with(['£', '$', '€']);
        if looks_like && !money && !NOT_REFERENCE.is_match(t) {
            spans.push((m.range(), RedactKind::Account, false));
        }
    }

    // Longest first, so that an address wins over the postcode inside it; protected numbers stay.
    spans.retain(|(r, kind, known)| {
        *known || *kind != RedactKind::Account || !protected.iter().any(|p| p.start <= r.start && r.end <= p.end)
    });
    spans.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut out = String::with_capacity(text.len());
    let mut redactions = Vec::new();
    let mut at = 0;
    for (range, kind, _) in spans {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(kind.placeholder());
        redactions.push(Redaction {
            kind,
            text: text[range.clone()].to_string(),
        });
        at = range.end;
    }
    out.push_str(&text[at..]);
    (out, redactions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer() -> Customer {
        Customer {
            names: vec!["Jane Doe".into()],
            emails: vec!["jane@example.org".into()],
            addresses: vec!["1 High Street, Anytown, AB1 2CD".into()],
            accounts: vec!["07700 900123".into()],
        }
    }

    #[test]
    fn removes_the_customers_details_and_keeps_the_providers() {
        let text = "Dear Jane Doe, Ms Doe of 1 High Street, Anytown AB1 2CD: your number 07700900123 and your \
                    other mobile +44 7700 900456 are noted under case CAS-88213. Your account 123456789 is \
                    closed. Write to DPO@o2.com or jane@example.org, or call 0800 902 0202. Under Regulation \
                    (EU) 2016/679 we reply by 2026-12-31. The fee is £10000.";
        let (out, removed) = redact(text, &customer(), &["o2.com".into()]);
        for gone in [
            "Jane",
            "Doe",
            "High Street",
            "Anytown",
            "AB1 2CD",
            "07700900123",
            "7700 900456",
            "CAS-88213",
            "123456789",
            "jane@example.org",
        ] {
            assert!(!out.contains(gone), "{gone} left in: {out}");
        }
        for kept in ["DPO@o2.com", "0800 902 0202", "2016/679", "2026-12-31", "£10000"] {
            assert!(out.contains(kept), "{kept} removed: {out}");
        }
        let kinds: std::collections::BTreeSet<RedactKind> = removed.iter().map(|r| r.kind).collect();
        assert_eq!(kinds.len(), 5, "{removed:?}");
        assert!(
            out.contains("[customer's name]") && out.contains("[account or reference number]"),
            "{out}"
        );
    }

    #[test]
    fn a_surname_goes_after_a_title_and_a_given_landline_goes_everywhere() {
        let c = Customer {
            names: vec!["Jane Customer".into()],
            accounts: vec!["01632 960123".into()],
            ..Customer::default()
        };
        let text = "Ms Customer, our Customer Services team noted 01632960123; call us on 01632 960999.";
        let (out, _) = redact(text, &c, &[]);
        assert_eq!(
            out,
            "[customer's name], our Customer Services team noted [account or reference number]; call us on 01632 \
             960999."
        );
    }

    #[test]
    fn redaction_leaves_a_reply_without_details_alone() {
        let text = "We never sell your personal data. Article 15 requests are answered within one month.";
        assert_eq!(redact(text, &customer(), &[]).0, text);
    }
}
