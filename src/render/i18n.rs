//! The site's interface strings and the formatting of dates and numbers per language.
//!
//! Strings live in `templates/i18n/<lang>.yaml` (compiled in; a reports repository can
//! override a file by name). A language without its own file uses English strings; a key
//! missing from a language falls back to English, so a page is never left with a blank.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use serde_json::Value;

use crate::config::Limits;
use crate::load;

/// The interface strings of one language.
#[derive(Clone, Debug)]
pub(super) struct Strings {
    /// The language code.
    pub lang: String,
    /// Dotted keys (`nav.index`) to strings, English filled in for missing keys.
    flat: BTreeMap<String, String>,
    /// The same strings nested, for templates (`t.nav.index`).
    nested: Value,
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
        Ok(Strings {
            lang: lang.to_owned(),
            flat,
            nested,
        })
    }

    /// The string for `key`, or the key itself if no language has it.
    pub(super) fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.flat.get(key).map(String::as_str).unwrap_or(key)
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
        self.get("format.date")
            .replace("{day}", &date.day().to_string())
            .replace("{month}", self.get(&format!("month.{}", date.month())))
            .replace("{year}", &date.year().to_string())
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
}
