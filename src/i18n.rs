//! The site's interface strings and the formatting of dates and numbers per language.
//!
//! Strings live in `templates/i18n/<lang>.yaml` (compiled in; a reports repository can
//! override a file by name). A language without its own file uses English strings; a key
//! missing from a language falls back to English, so a page is never left with a blank.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use serde_json::Value;

use crate::config::Limits;
use crate::diag::{Arg, Finding, Message, Rule};

/// A rule's summary and explanation in one language.
#[derive(Clone, Debug)]
pub(crate) struct RuleText {
    /// One line: when the rule fires.
    pub summary: String,
    /// What it checks.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
}
use crate::load;

/// A piece of a finding's message: text, and its language when it is not the page's.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct SaidPart {
    /// The text.
    pub text: String,
    /// Its language, when a report's own words in another language.
    pub lang: Option<String>,
}

/// The interface strings of one language.
#[derive(Clone, Debug)]
pub(super) struct Strings {
    /// The language code.
    pub lang: String,
    /// Dotted keys (`nav.index`) to strings, English filled in for missing keys.
    flat: BTreeMap<String, String>,
    /// The same strings nested, for templates (`t.nav.index`).
    nested: Value,
    /// `format.date` and the month names, looked up once: every page writes dozens of dates.
    date_format: String,
    months: Vec<String>,
}

impl Strings {
    /// Parse the strings of `lang` from YAML, with `fallback` (English) for missing keys.
    pub(super) fn parse(
        lang: &str,
        yaml: &str,
        fallback: Option<&Strings>,
    ) -> anyhow::Result<Strings> {
        let loaded = load::load(yaml.as_bytes(), &Limits::default());
        let Some(root) = loaded.root else {
            anyhow::bail!(
                "the translation file for `{lang}` is not valid YAML: {:?}",
                loaded.problems
            );
        };
        let mut nested = root.to_json();
        if let Some(fallback) = fallback {
            merge_missing(&mut nested, &fallback.nested);
        }
        let mut flat = BTreeMap::new();
        flatten("", &nested, &mut flat);
        let get = |key: &str| flat.get(key).cloned().unwrap_or_else(|| key.to_owned());
        let date_format = get("format.date");
        let months = (1..=12)
            .map(|month| get(&format!("month.{month}")))
            .collect();
        Ok(Strings {
            lang: lang.to_owned(),
            flat,
            nested,
            date_format,
            months,
        })
    }

    /// The string for `key`, or the key itself if no language has it.
    pub(super) fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.flat.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The built-in strings of `lang` (English for a language without its own file).
    pub(crate) fn built_in(lang: &str) -> anyhow::Result<Strings> {
        let english = Strings::parse("en", include_str!("../templates/i18n/en.yaml"), None)?;
        match lang {
            "en" => Ok(english),
            "da" => Strings::parse(
                "da",
                include_str!("../templates/i18n/da.yaml"),
                Some(&english),
            ),
            other => anyhow::bail!(
                "there are no built-in messages in `{other}`; the languages are `en` and `da` (a site can add its own in templates/i18n/)"
            ),
        }
    }

    /// Say every finding that carries its message as data in this language.
    pub(crate) fn say_all(&self, findings: &mut [Finding]) {
        for finding in findings {
            if let Some(said) = &finding.said {
                finding.message = self.say(said);
                // Kept until the run ends, by the hundred thousand on a large site.
                finding.message.shrink_to_fit();
            }
        }
    }

    /// A rule's summary and explanation in this language.
    pub(crate) fn rule_text(&self, rule: &Rule) -> RuleText {
        let get = |part: &str| {
            self.get(&format!("rule_text.{}.{part}", rule.code_str))
                .to_owned()
        };
        RuleText {
            summary: get("summary"),
            what: get("what"),
            why: get("why"),
            fix: get("fix"),
        }
    }

    /// A rule's explanation as Markdown, in fixed sections with headings in this language.
    pub(crate) fn rule_markdown(&self, rule: &Rule) -> String {
        let text = self.rule_text(rule);
        format!(
            "## {}\n\n{}\n\n## {}\n\n{}\n\n## {}\n\n```yaml\n{}\n```\n\n## {}\n\n{}\n",
            self.get("rule_page.what"),
            text.what,
            self.get("rule_page.why"),
            text.why,
            self.get("rule_page.example"),
            rule.example.trim_end(),
            self.get("rule_page.fix"),
            text.fix
        )
    }

    /// A finding's message in this language: the template `finding.<key>` with its
    /// arguments written the way this language writes them. A template may be a map of
    /// `one` and `other`, chosen by the argument `count`.
    pub(crate) fn say(&self, message: &Message) -> String {
        self.say_parts(message)
            .into_iter()
            .map(|part| part.text)
            .collect()
    }

    /// A finding's message in this language, in parts: a report's own words quoted in another
    /// language (a title, a name) are a part of their own with that language, so a page can
    /// mark them for screen readers. Each placeholder is filled once; text an argument brings
    /// is never read for placeholders.
    pub(crate) fn say_parts(&self, message: &Message) -> Vec<SaidPart> {
        let key = format!("finding.{}", message.key);
        let template = match message.arg("count") {
            Some(Arg::Count(count)) if self.flat.contains_key(&format!("{key}.one")) => {
                let form = if *count == 1 { "one" } else { "other" };
                self.get(&format!("{key}.{form}")).to_owned()
            }
            _ => self.get(&key).to_owned(),
        };
        let mut parts: Vec<SaidPart> = Vec::new();
        let mut push = |text: String, lang: Option<String>| match parts.last_mut() {
            Some(last) if last.lang.is_none() && lang.is_none() => last.text.push_str(&text),
            _ if text.is_empty() => {}
            _ => parts.push(SaidPart { text, lang }),
        };
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                let name = &after[..close];
                message
                    .args
                    .iter()
                    .find(|(arg_name, _)| *arg_name == name)
                    .map(|(_, value)| (close, value))
            });
            match value {
                Some((close, value)) => {
                    push(rest[..open].to_owned(), None);
                    for (text, lang) in self.arg_parts(value) {
                        push(text, lang);
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    push(rest[..=open].to_owned(), None);
                    rest = after;
                }
            }
        }
        push(rest.to_owned(), None);
        parts
    }

    /// One message argument, written in this language, in parts: a report's own words in
    /// another language are a part with that language (the quotation marks around them are
    /// this language's).
    fn arg_parts(&self, value: &Arg) -> Vec<(String, Option<String>)> {
        let other = |texts: &[(String, String)], default: &str| {
            let (lang, _) = self.pick_entry(texts, default)?;
            (*lang != self.lang).then(|| lang.clone())
        };
        match value {
            Arg::Written(texts, default) => {
                match (
                    other(texts, default),
                    self.get("format.quote").split_once("{text}"),
                ) {
                    (Some(lang), Some((before, after))) => vec![
                        (before.to_owned(), None),
                        (self.pick(texts, default).to_owned(), Some(lang)),
                        (after.to_owned(), None),
                    ],
                    _ => vec![(self.arg(value), None)],
                }
            }
            Arg::Name(texts, default) => vec![(self.arg(value), other(texts, default))],
            _ => vec![(self.arg(value), None)],
        }
    }

    /// One message argument, written in this language.
    fn arg(&self, value: &Arg) -> String {
        match value {
            Arg::Plain(text) => text.clone(),
            Arg::Count(count) => self.integer(*count as f64),
            Arg::Decimal(number, decimals) => self.decimal(*number, *decimals),
            Arg::Date(date) => self.date(*date),
            Arg::Time(time) => self.date_time(time),
            Arg::Word(group, key) => self.get(&format!("{group}.{key}")).to_owned(),
            Arg::Written(texts, default) => self
                .get("format.quote")
                .replace("{text}", self.pick(texts, default)),
            Arg::Name(texts, default) => self.pick(texts, default).to_owned(),
            Arg::Duration(minutes) => self.duration(*minutes),
            Arg::Quantity(unit, count) => self.count(
                &format!("unit_count.{unit}"),
                usize::try_from(*count).unwrap_or(0),
            ),
            Arg::Language(code) => {
                let key = format!("language_names.{code}");
                let name = self.get(&key);
                if name == key {
                    format!("`{code}`")
                } else {
                    format!("{name} ({code})")
                }
            }
        }
    }

    /// The text in this language, else in `default`, else any.
    fn pick<'t>(&self, texts: &'t [(String, String)], default: &str) -> &'t str {
        self.pick_entry(texts, default)
            .map(|(_, text)| text.trim())
            .unwrap_or_default()
    }

    /// The (language, text) that [`Strings::pick`] takes.
    fn pick_entry<'t>(
        &self,
        texts: &'t [(String, String)],
        default: &str,
    ) -> Option<&'t (String, String)> {
        texts
            .iter()
            .find(|(lang, _)| *lang == self.lang)
            .or_else(|| texts.iter().find(|(lang, _)| lang == default))
            .or_else(|| texts.first())
    }

    /// `key.one` or `key.other` by `count`, with `{count}` replaced: "1 report", "3 reports".
    /// Danish and English both use these two forms; a language with more can add its own
    /// keys and overrides.
    pub(crate) fn count(&self, key: &str, count: usize) -> String {
        let form = if count == 1 { "one" } else { "other" };
        self.get(&format!("{key}.{form}"))
            .replace("{count}", &count.to_string())
    }

    /// The strings nested, for templates.
    pub(super) fn nested(&self) -> &Value {
        &self.nested
    }

    /// `2026-03-02` as "2. marts 2026" or "2 March 2026".
    pub(super) fn date(&self, date: NaiveDate) -> String {
        let mut text = String::with_capacity(self.date_format.len() + 16);
        let mut rest = self.date_format.as_str();
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            let after = &rest[open..];
            // Writing to a String cannot fail.
            let placeholder_len = if after.starts_with("{day}") {
                let _ = write!(text, "{}", date.day());
                5
            } else if after.starts_with("{month}") {
                text.push_str(&self.months[date.month0() as usize]);
                7
            } else if after.starts_with("{year}") {
                let _ = write!(text, "{}", date.year());
                6
            } else {
                text.push('{');
                1
            };
            rest = &after[placeholder_len..];
        }
        text.push_str(rest);
        text
    }

    /// A timestamp as written in the report: date, time and UTC offset.
    pub(super) fn date_time(&self, time: &DateTime<FixedOffset>) -> String {
        format!("{} {}", self.date(time.date_naive()), self.time(time))
    }

    /// The time of day with the offset, e.g. "09:30 (UTC+01:00)".
    pub(super) fn time(&self, time: &DateTime<FixedOffset>) -> String {
        let offset = time.offset().local_minus_utc();
        let sign = if offset < 0 { '-' } else { '+' };
        let offset = offset.abs();
        format!(
            "{:02}{}{:02} (UTC{sign}{:02}:{:02})",
            time.hour(),
            self.get("format.time_separator"),
            time.minute(),
            offset / 3600,
            offset % 3600 / 60
        )
    }

    /// A whole number with the language's thousands separator.
    pub(super) fn integer(&self, value: f64) -> String {
        crate::impact::group_thousands(value).replace(',', self.get("format.thousands"))
    }

    /// A number with `decimals` decimals, in the language's notation.
    pub(super) fn decimal(&self, value: f64, decimals: usize) -> String {
        let text = format!("{value:.decimals$}");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let whole = self.integer(whole.parse::<f64>().unwrap_or(0.0));
        if fraction.is_empty() {
            whole
        } else {
            format!("{whole}{}{fraction}", self.get("format.decimal"))
        }
    }

    /// A duration in minutes as "4 h 25 min", "3 d 2 h" or "12 min".
    pub(super) fn duration(&self, minutes: f64) -> String {
        let minutes = minutes.round().max(0.0) as i64;
        let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
        let (d, h, m) = (
            self.get("unit.days"),
            self.get("unit.hours"),
            self.get("unit.minutes"),
        );
        match (days, hours, mins) {
            (0, 0, m_) => format!("{m_} {m}"),
            (0, h_, 0) => format!("{h_} {h}"),
            (0, h_, m_) => format!("{h_} {h} {m_} {m}"),
            (d_, 0, _) => format!("{d_} {d}"),
            (d_, h_, _) => format!("{d_} {d} {h_} {h}"),
        }
    }
}

fn merge_missing(target: &mut Value, fallback: &Value) {
    if let (Value::Object(target), Value::Object(fallback)) = (target, fallback) {
        for (key, value) in fallback {
            match target.get_mut(key) {
                Some(existing) => merge_missing(existing, value),
                None => {
                    target.insert(key.clone(), value.clone());
                }
            }
        }
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, child, out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        Value::Number(n) => {
            out.insert(prefix.to_owned(), n.to_string());
        }
        _ => {}
    }
}

/// A key that sorts names as readers of `lang` expect: letters without regard to case or
/// accents, and in Danish (`da`) with æ, ø and å after z (ä and ö with them, ü as y).
/// Ties are broken by the name itself, so the order is total.
pub(crate) fn collation_key(name: &str, lang: &str) -> (Vec<u32>, String) {
    let danish = lang == "da";
    let mut weights = Vec::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let base = match c {
            'à' | 'á' | 'â' | 'ã' | 'ā' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ō' => 'o',
            'ù' | 'ú' | 'û' | 'ū' => 'u',
            'ý' | 'ÿ' => 'y',
            'ä' if danish => 'æ',
            'ö' if danish => 'ø',
            'ü' if danish => 'y',
            'ä' => 'a',
            'å' if !danish => 'a',
            'ö' => 'o',
            'ø' if !danish => 'o',
            'ü' => 'u',
            other => other,
        };
        match base {
            'æ' if danish => weights.push(127),
            'ø' if danish => weights.push(128),
            'å' if danish => weights.push(129),
            'æ' => weights.extend([101, 105]),
            'a'..='z' => weights.push(101 + (base as u32 - 'a' as u32)),
            '0'..='9' => weights.push(10 + (base as u32 - '0' as u32)),
            c if c.is_whitespace() => weights.push(1),
            c if c.is_alphanumeric() => weights.push(1000 + c as u32),
            // Punctuation does not decide the order.
            _ => {}
        }
    }
    (weights, name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> Strings {
        Strings::parse(
            "en",
            "format: {date: '{day} {month} {year}', thousands: ',', decimal: '.', time_separator: ':'}\nmonth: {3: March}\nunit: {days: d, hours: h, minutes: min}\nonly: english\n",
            None,
        )
        .unwrap()
    }

    #[test]
    fn formats_and_fallback() {
        let en = english();
        let da = Strings::parse(
            "da",
            "format: {date: '{day}. {month} {year}', thousands: '.', decimal: ',', time_separator: '.'}\nmonth: {3: marts}\n",
            Some(&en),
        )
        .unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(en.date(date), "2 March 2026");
        assert_eq!(da.date(date), "2. marts 2026");
        assert_eq!(da.integer(2_100_000.0), "2.100.000");
        assert_eq!(da.decimal(99.875, 2), "99,88");
        assert_eq!(da.get("only"), "english");
        assert_eq!(en.duration(265.0), "4 h 25 min");
        assert_eq!(en.duration(5070.0), "3 d 12 h");
        let time = DateTime::parse_from_rfc3339("2026-03-02T09:30:00+01:00").unwrap();
        assert_eq!(da.time(&time), "09.30 (UTC+01:00)");
    }

    /// The raw (not merged) keys of a built-in translation file.
    fn own_keys(yaml: &str) -> std::collections::BTreeSet<String> {
        let root = load::load(yaml.as_bytes(), &Limits::default())
            .root
            .unwrap();
        let mut flat = BTreeMap::new();
        flatten("", &root.to_json(), &mut flat);
        flat.into_keys().collect()
    }

    #[test]
    fn danish_has_every_string_english_has() {
        let english = own_keys(include_str!("../templates/i18n/en.yaml"));
        let danish = own_keys(include_str!("../templates/i18n/da.yaml"));
        let missing: Vec<&String> = english.difference(&danish).collect();
        assert!(missing.is_empty(), "missing in da.yaml: {missing:?}");
        let extra: Vec<&String> = danish.difference(&english).collect();
        assert!(extra.is_empty(), "only in da.yaml: {extra:?}");
        for rule in crate::diag::RULES {
            for part in ["summary", "what", "why", "fix"] {
                let key = format!("rule_text.{}.{part}", rule.code_str);
                assert!(english.contains(&key), "{key}");
            }
        }
    }

    #[test]
    fn messages_are_said_in_each_language() {
        let message = Message::new("A005")
            .with("action", "A2".into())
            .with(
                "due",
                Arg::Date(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()),
            )
            .with(
                "status",
                Arg::Word("word.action_status_predicate", "in-progress".into()),
            );
        assert_eq!(
            Strings::built_in("en").unwrap().say(&message),
            "Action A2 was due on 30 September 2026 and is still in progress."
        );
        assert_eq!(
            Strings::built_in("da").unwrap().say(&message),
            "Tiltag A2 havde frist den 30. september 2026 og er stadig i gang."
        );
        let fields = |count| {
            Message::new("A016")
                .with("language", Arg::Language("en".into()))
                .with("fields", "title, summary".into())
                .with("count", Arg::Count(count))
        };
        let da = Strings::built_in("da").unwrap();
        assert_eq!(
            da.say(&fields(2)),
            "Ingen tekst på engelsk (en) for: title, summary (2 felter)."
        );
        assert_eq!(
            Strings::built_in("en").unwrap().say(&fields(1)),
            "No English (en) text for: title, summary."
        );
        assert!(Strings::built_in("xx").is_err());
    }

    #[test]
    fn words_quoted_from_a_report_in_another_language_are_a_part_of_their_own() {
        let message = Message::new("A015")
            .with("service", "Booking".into())
            .with("days", Arg::Quantity("days", 20))
            .with(
                "category",
                Arg::Word("root_cause_category", "third-party-failure".into()),
            )
            .with(
                "other",
                Arg::Written(
                    vec![("en".into(), "Booking was slow {days}".into())],
                    "en".into(),
                ),
            );
        let da = Strings::built_in("da").unwrap();
        let parts = da.say_parts(&message);
        let quoted: Vec<&SaidPart> = parts.iter().filter(|p| p.lang.is_some()).collect();
        assert_eq!(
            quoted,
            [&SaidPart {
                text: "Booking was slow {days}".into(),
                lang: Some("en".into())
            }]
        );
        // The Danish quotation marks stay Danish, around the English words; a placeholder in
        // a report's own words is left as written.
        let said = da.say(&message);
        assert!(said.ends_with("»Booking was slow {days}«."), "{said}");
        assert_eq!(
            parts.iter().map(|p| p.text.as_str()).collect::<String>(),
            said
        );
        // In the report's own language nothing is set apart.
        let en = Strings::built_in("en").unwrap();
        assert!(en.say_parts(&message).iter().all(|p| p.lang.is_none()));
    }

    #[test]
    fn danish_names_sort_with_ae_oe_aa_last_and_english_ignores_accents() {
        let names = [
            "Øresund", "Åben", "Zealand", "Ærø", "ark", "Éclair", "Ebbe", "Ødis", "Ärlig",
        ];
        let mut danish = names.to_vec();
        danish.sort_by_cached_key(|n| collation_key(n, "da"));
        assert_eq!(
            danish,
            [
                "ark", "Ebbe", "Éclair", "Zealand", "Ärlig", "Ærø", "Ødis", "Øresund", "Åben"
            ]
        );
        let mut english = names.to_vec();
        english.sort_by_cached_key(|n| collation_key(n, "en"));
        assert_eq!(
            english,
            [
                "Åben", "Ærø", "ark", "Ärlig", "Ebbe", "Éclair", "Ødis", "Øresund", "Zealand"
            ]
        );
    }
}
