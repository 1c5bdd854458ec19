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
    /// An IBAN, a card number or a sort code.
    BankDetails,
    /// A date of birth or a National Insurance number.
    Identity,
    /// An IP address or a device's IMEI.
    Device,
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
            RedactKind::BankDetails => "[bank or card details]",
            RedactKind::Identity => "[date of birth or ID number]",
            RedactKind::Device => "[IP address or device ID]",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            RedactKind::Name => "name",
            RedactKind::Email => "e-mail address",
            RedactKind::Address => "postal address",
            RedactKind::Phone => "phone number",
            RedactKind::Account => "account or reference number",
            RedactKind::BankDetails => "bank or card details",
            RedactKind::Identity => "date of birth or ID number",
            RedactKind::Device => "IP address or device ID",
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

/// An IBAN in any spacing: a country code, two check digits, then 11 to 30 letters or digits.
static IBAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}\b").expect("static regex"));
/// A card number: 13 to 19 digits in any spacing (kept only when its Luhn check holds).
static CARD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d(?:[ -]?\d){12,18}\b").expect("static regex"));
/// A UK sort code: three pairs of digits.
static SORT_CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d{2}[- ]\d{2}[- ]\d{2}\b").expect("static regex"));
/// A National Insurance number ("QQ 12 34 56 C").
static NI_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b").expect("static regex")
});
/// A date after words that say it is a birth date.
static BIRTH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:date\s+of\s+birth|d\.?o\.?b\.?|born(?:\s+on)?|birthday)\s*(?:is|of|:|-)?\s*",
        r"(\d{1,2}(?:st|nd|rd|th)?[\s/.-]+(?:\d{1,2}|[a-z]{3,9})[\s/.-]+\d{2,4}|[a-z]{3,9}\s+\d{1,2},?\s+\d{4}|",
        r"\d{4}-\d{2}-\d{2})",
    ))
    .expect("static regex")
});
/// An IPv4 address, or an IPv6 one: five groups or more, or a `::` among groups (a time, "09:12:00", has
/// three and none).
static IP_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b|",
        r"(?i)\b(?:[0-9a-f]{1,4}:){4,7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:)+:(?:[0-9a-f]{1,4}:?)*",
    ))
    .expect("static regex")
});
/// An IMEI: 15 digits in any spacing, or 14 to 16 after the word.
static IMEI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bIMEI\b[\s:#.-]*(?:number\s*)?(\d(?:[ -]?\d){13,15})\b|\b\d(?:[ -]?\d){14}\b")
        .expect("static regex")
});
/// A UK postcode.
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b").expect("static regex")
});
/// A house number and street ("12 High Street", "4a Mill Lane").
static STREET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b\d{1,4}[a-zA-Z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|",
        r"Way|Court|Ct|Place|Pl|Gardens|Crescent|Terrace|Grove|Park|Hill|Square|Row|Mews|View|Walk)\b\.?",
    ))
    .expect("static regex")
});

/// The Luhn check card numbers and IMEIs carry.
fn luhn(d: &str) -> bool {
    let sum: u32 = d
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let n = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = n * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                n
            }
        })
        .sum();
    !d.is_empty() && sum.is_multiple_of(10)
}

/// The ways a name is written besides in full: the given name alone ("Jane, your request…"), the
/// surname after a title or an initial ("Mrs J. Doe", "J Doe", "J.Doe"), and surname first ("DOE,
/// Jane"). Each a regex; a surname alone is left, since surnames are often words ("Customer Services").
fn name_forms(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return Vec::new();
    };
    let mut forms = Vec::new();
    if first.chars().count() >= 2 {
        forms.push(format!(r"\b{}\b", regex::escape(first)));
    }
    if words.len() > 1 && last.chars().count() >= 2 {
        let surname = regex::escape(last);
        let initial = first
            .chars()
            .next()
            .map(|c| regex::escape(&c.to_string()))
            .unwrap_or_default();
        let title = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+";
        forms.push(format!(r"\b{title}(?:{initial}\.?\s*)?{surname}\b"));
        forms.push(format!(r"\b{initial}\.?\s*{surname}\b"));
        forms.push(format!(
            r"(?i)\b{surname},\s*(?:{}|{initial}\.?)(?:\b|\s)",
            regex::escape(first)
        ));
        forms.push(format!(r"\b{}\b", regex::escape(&last.to_uppercase())));
    }
    forms
}

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
        for form in name_forms(name) {
            if let Ok(re) = Regex::new(&form) {
                spans.extend(re.find_iter(text).map(|m| (m.range(), RedactKind::Name, true)));
            }
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
    // Bank details, identity numbers, devices and a postal address, whoever's they might be: a statement
    // loses nothing by losing them.
    let known = |spans: &mut Vec<(Range<usize>, RedactKind, bool)>, re: &Regex, kind: RedactKind| {
        for c in re.captures_iter(text) {
            let m = c.get(1).or_else(|| c.get(0)).expect("a match");
            spans.push((m.range(), kind, true));
        }
    };
    known(&mut spans, &IBAN, RedactKind::BankDetails);
    known(&mut spans, &SORT_CODE, RedactKind::BankDetails);
    known(&mut spans, &NI_NUMBER, RedactKind::Identity);
    known(&mut spans, &BIRTH_DATE, RedactKind::Identity);
    known(&mut spans, &IP_ADDRESS, RedactKind::Device);
    known(&mut spans, &POSTCODE, RedactKind::Address);
    known(&mut spans, &STREET, RedactKind::Address);
    for c in IMEI.captures_iter(text) {
        let m = c.get(1).or_else(|| c.get(0)).expect("a match");
        if c.get(1).is_some() || luhn(&digits(m.as_str())) {
            spans.push((m.range(), RedactKind::Device, true));
        }
    }
    for m in CARD.find_iter(text) {
        let d = digits(m.as_str());
        if luhn(&d) && !d.starts_with('0') {
            spans.push((m.range(), RedactKind::BankDetails, true));
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
    fn every_form_of_the_name_and_every_kind_of_detail_goes() {
        let c = Customer {
            names: vec!["Jane Doe".into()],
            ..Customer::default()
        };
        let text = "Jane, your request of 09:12:00. Mrs J. Doe, J Doe and J.Doe, DOE, Jane: IBAN GB82 WEST 1234 5698 7654 32, \
                    card 4111 1111 1111 1111, sort code 12-34-56, date of birth 14/03/1985, NI number QQ 12 34 56 C, \
                    IP 192.168.10.24 and 2001:db8:85a3::8a2e:370:7334, IMEI 35-209900-176148-1, at 12 High Street, \
                    Anytown SW1A 1AA. Our Customer Services team will reply.";
        let (out, removed) = redact(text, &c, &[]);
        for gone in [
            "Jane",
            "Doe",
            "DOE",
            "GB82",
            "5698",
            "4111",
            "12-34-56",
            "1985",
            "QQ 12",
            "192.168",
            "2001:db8",
            "176148",
            "High Street",
            "SW1A",
        ] {
            assert!(!out.contains(gone), "{gone} left in: {out}");
        }
        assert!(
            out.contains("Customer Services team") && out.contains("09:12:00"),
            "{out}"
        );
        let kinds: std::collections::BTreeSet<RedactKind> = removed.iter().map(|r| r.kind).collect();
        for kind in [
            RedactKind::BankDetails,
            RedactKind::Identity,
            RedactKind::Device,
            RedactKind::Address,
        ] {
            assert!(kinds.contains(&kind), "{kind:?}: {removed:?}");
        }
    }

    #[test]
    fn redaction_leaves_a_reply_without_details_alone() {
        let text = "We never sell your personal data. Article 15 requests are answered within one month.";
        assert_eq!(redact(text, &customer(), &[]).0, text);
    }
}
