//! The incident report, schema version 1: what an agency writes in `incidents/<id>.yaml`.
//!
//! These types are the single source of truth for the file format. The JSON Schema in
//! `schema/incident.schema.json` is generated from them (the doc comment on each field becomes
//! the description an editor shows while the author types), and a report that passed schema
//! validation is deserialised into them for the rules and the site. Shapes only live here;
//! what a preliminary or final report must additionally carry is decided by the rules.

use chrono::{DateTime, FixedOffset, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The only schema version this release understands.
pub const SCHEMA_VERSION: u64 = 1;

/// Pattern every report id must match: lowercase ASCII letters, digits and hyphens, starting
/// with a letter or a digit (so an id never reads as a command-line option such as `-rf`).
pub const ID_PATTERN: &str = "^[a-z0-9][a-z0-9-]{2,79}$";

/// Names Windows reserves for devices, with or without an extension: a file or page named
/// after one cannot be checked out or opened there, so no id or key may be one.
pub const RESERVED_NAMES: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Whether `name` is one of the names Windows reserves.
pub fn is_reserved_name(name: &str) -> bool {
    RESERVED_NAMES.contains(&name)
}

/// A text shown to readers: a string in the report's `language`, or one string per language.
///
/// Markdown fields use the same shape; whether a field is markdown is said in its description.
// `untagged` for writing only; reading is hand-written (`TextVisitor`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Text {
    /// One string, written in the report's `language` (or, in candor.yaml, used for every language).
    Plain(String),
    /// One string per language code, such as `{da: "...", en: "..."}`.
    Localized(LanguageMap),
}

/// Strings by language code, sorted by code, in one allocation.
///
/// A report holds dozens of texts with two or three languages each, and a build holds every
/// report, so the compact form matters: a list of string pairs took a buffer for the list
/// and one for each code and text (about 130 bytes more for two languages). `packed` holds
/// the entries one after another, each as its code's and its text's length in bytes (in
/// [`push_number`]'s form, ASCII, so what follows starts on a character boundary), then the
/// code and the text. The empty string is the empty map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LanguageMap {
    packed: Box<str>,
}

/// Write `number` as ASCII digits of 6 bits, the lowest first, each but the last marked with
/// the bit 0x40: a length under 64 takes one byte.
fn push_number(packed: &mut String, mut number: usize) {
    loop {
        let digit = (number & 0x3F) as u8;
        number >>= 6;
        if number == 0 {
            packed.push(char::from(digit));
            return;
        }
        packed.push(char::from(digit | 0x40));
    }
}

/// How many bytes [`push_number`] writes for `number`.
fn number_size(number: usize) -> usize {
    let bits = usize::BITS - number.leading_zeros();
    (bits as usize).div_ceil(6).max(1)
}

/// Read a number [`push_number`] wrote at `*at` in `bytes`, moving `*at` past it.
fn read_number(bytes: &[u8], at: &mut usize) -> Option<usize> {
    let mut number = 0usize;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(*at)?;
        *at += 1;
        number |= usize::from(byte & 0x3F).checked_shl(shift)?;
        if byte & 0x40 == 0 {
            return Some(number);
        }
        shift += 6;
    }
}

impl LanguageMap {
    /// The string for `language`.
    pub fn get(&self, language: &str) -> Option<&str> {
        let (_, text) = self
            .entries()
            .find(|(code, _)| code.as_bytes() == language.as_bytes())?;
        self.packed.get(text)
    }

    /// Every (language, string) pair, sorted by language.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries()
            .map_while(|(code, text)| Some((code, self.packed.get(text)?)))
    }

    /// Each entry's code and where its text lies in `packed` (cut out only when asked for: each
    /// cut checks its ends). Only `from_iter` packs: every length read is there and ends on a
    /// boundary, and reading stops at the first that would not.
    fn entries(&self) -> impl Iterator<Item = (&str, std::ops::Range<usize>)> {
        let packed: &str = &self.packed;
        let mut at = 0;
        std::iter::from_fn(move || {
            let bytes = packed.as_bytes();
            let code_length = read_number(bytes, &mut at)?;
            let text_length = read_number(bytes, &mut at)?;
            let code = packed.get(at..at + code_length)?;
            let text = at + code_length..at + code_length + text_length;
            at = text.end;
            Some((code, text))
        })
    }

    /// Every string.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(_, text)| text)
    }
}

impl FromIterator<(String, String)> for LanguageMap {
    /// Sorted by code; of a code given twice, the last counts (as in a map).
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        let mut entries: Vec<(String, String)> = iter.into_iter().collect();
        entries.reverse();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        let size: usize = entries
            .iter()
            .map(|(code, text)| {
                number_size(code.len()) + number_size(text.len()) + code.len() + text.len()
            })
            .sum();
        let mut packed = String::with_capacity(size);
        for (code, text) in &entries {
            push_number(&mut packed, code.len());
            push_number(&mut packed, text.len());
            packed.push_str(code);
            packed.push_str(text);
        }
        LanguageMap {
            packed: packed.into_boxed_str(),
        }
    }
}

impl Serialize for LanguageMap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.iter().count()))?;
        for (code, text) in self.iter() {
            map.serialize_entry(code, text)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for LanguageMap {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(LanguageMapVisitor)
    }
}

/// Reads a [`LanguageMap`] straight from the data's map.
struct LanguageMapVisitor;

impl<'de> serde::de::Visitor<'de> for LanguageMapVisitor {
    type Value = LanguageMap;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a map of texts by language code")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<LanguageMap, A::Error> {
        // A report's texts have two or three languages; the hint only sizes the first buffer.
        let mut entries: Vec<(String, String)> =
            Vec::with_capacity(map.size_hint().unwrap_or(2).min(8));
        while let Some(entry) = map.next_entry::<String, String>()? {
            entries.push(entry);
        }
        Ok(entries.into_iter().collect())
    }
}

/// Reads a [`Text`], a string or a map, straight from the data: an untagged enum would first
/// copy every text into serde's buffer to try each shape in turn, and reports hold dozens of
/// texts.
struct TextVisitor;

impl<'de> serde::de::Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a text, or a map of texts by language code")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Text, E> {
        Ok(Text::Plain(text.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Text, E> {
        Ok(Text::Plain(text))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Text, A::Error> {
        LanguageMapVisitor.visit_map(map).map(Text::Localized)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

impl Text {
    /// The text as a message argument, quoted in the reader's language.
    pub fn to_arg(&self, default_language: &str) -> crate::diag::Arg {
        crate::diag::Arg::Written(
            self.owned_variants(default_language),
            default_language.to_owned(),
        )
    }

    /// The text as a name in a message (a service's, say), unquoted.
    pub fn to_name_arg(&self, default_language: &str) -> crate::diag::Arg {
        crate::diag::Arg::Name(
            self.owned_variants(default_language),
            default_language.to_owned(),
        )
    }

    fn owned_variants(&self, default_language: &str) -> Vec<(String, String)> {
        self.variants(default_language)
            .into_iter()
            .map(|(lang, text)| (lang.to_owned(), text.to_owned()))
            .collect()
    }

    /// The text in `language`, if the author wrote it in that language.
    ///
    /// A plain string counts as written in `default_language` (the report's `language`).
    pub fn in_language(&self, language: &str, default_language: &str) -> Option<&str> {
        match self {
            Text::Plain(text) => (language == default_language).then_some(text.as_str()),
            Text::Localized(texts) => texts.get(language),
        }
    }

    /// The text in `language`, falling back to `default_language` and then to any language.
    ///
    /// Returns the text and the language it is actually written in, so a page can mark a
    /// fallback with the right `lang` attribute.
    pub fn resolve<'a>(
        &'a self,
        language: &'a str,
        default_language: &'a str,
    ) -> (&'a str, &'a str) {
        match self {
            Text::Plain(text) => (text.as_str(), default_language),
            Text::Localized(texts) => {
                if let Some(text) = texts.get(language) {
                    return (text, language);
                }
                if let Some(text) = texts.get(default_language) {
                    return (text, default_language);
                }
                texts
                    .iter()
                    .next()
                    .map(|(lang, text)| (text, lang))
                    .unwrap_or(("", default_language))
            }
        }
    }

    /// Every (language, text) pair the author wrote.
    pub fn variants<'a>(&'a self, default_language: &'a str) -> Vec<(&'a str, &'a str)> {
        match self {
            Text::Plain(text) => vec![(default_language, text.as_str())],
            Text::Localized(texts) => texts.iter().collect(),
        }
    }
}

impl JsonSchema for Text {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A text for readers: a string in the report's `language`, or a map of language codes to strings such as `{da: \"...\", en: \"...\"}`.",
            "anyOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "propertyNames": {"pattern": "^[a-z]{2,3}$"},
                    "additionalProperties": {"type": "string"},
                    "minProperties": 1
                }
            ]
        })
    }
}

/// Where a report is in its life.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Being written; never published.
    Draft,
    /// Published early, while facts are still being established.
    Preliminary,
    /// The complete account: root cause, impact and preventive actions.
    Final,
}

/// How serious an incident was. Ordered: minor < major < critical.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Limited impact.
    Minor,
    /// Significant impact on many users or for a long time.
    Major,
    /// Nationwide or prolonged loss of an essential service.
    Critical,
}

impl Severity {
    /// The severity written as `text`, if it is one.
    pub fn parse(text: &str) -> Option<Severity> {
        [Severity::Minor, Severity::Major, Severity::Critical]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// The lowercase name used in files and on the site.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }
}

impl Status {
    /// The lowercase name used in files and on the site.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Preliminary => "preliminary",
            Status::Final => "final",
        }
    }

    /// The status written as `text`, if it is one.
    pub fn parse(text: &str) -> Option<Status> {
        [Status::Draft, Status::Preliminary, Status::Final]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// Whether a report with this status is public: anything but a draft.
    pub fn is_published(self) -> bool {
        self != Status::Draft
    }
}

/// An incident report, schema version 1.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Candor incident report")]
pub struct Incident {
    /// Version of this file format. Write `1`.
    pub schema: u64,
    /// Stable identifier of the report, equal to the file name without `.yaml`: lowercase
    /// letters, digits and hyphens, 3 to 80 characters, starting with a letter or a digit,
    /// usually `<date>-<short-title>`.
    #[schemars(regex(pattern = "^[a-z0-9][a-z0-9-]{2,79}$"))]
    pub id: String,
    /// Headline of the report, in plain words a citizen understands.
    pub title: Text,
    /// Language code of every plain-string text in this report, such as `da` or `en`.
    #[schemars(regex(pattern = "^[a-z]{2,3}$"))]
    pub language: String,
    /// `draft` (never published), `preliminary` (early facts) or `final` (the complete account).
    pub status: Status,
    /// Key of the responsible organisation, as listed under `organisations` in candor.yaml.
    pub organisation: String,
    /// Keys of the affected services, as listed under `services` in candor.yaml.
    #[schemars(length(min = 1))]
    pub services: Vec<String>,
    /// The severity you declare: `minor`, `major` or `critical`. It is checked against the
    /// severity computed from the measured impact.
    pub severity: Severity,
    /// When the incident began (RFC 3339 with offset, e.g. `2026-11-23T09:30:00+01:00`).
    pub started_at: DateTime<FixedOffset>,
    /// When the organisation first knew of it (RFC 3339 with offset).
    pub detected_at: DateTime<FixedOffset>,
    /// When service was fully restored (RFC 3339 with offset). Leave out while ongoing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<FixedOffset>>,
    /// Markdown. For citizens: what happened and what it meant for them, in plain language.
    pub summary: Text,
    /// Who and what was affected, and how much.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
    /// What happened when, in chronological order: detection, escalation, public statements,
    /// mitigation and resolution.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEvent>,
    /// Why it happened. Required in a final report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<RootCause>,
    /// Conditions that made the incident possible, worse or longer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributing_factors: Vec<Text>,
    /// What will be done so it does not happen again, each with an owner and a due date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// What went well, what went wrong, and where the organisation got lucky.
    // Boxed, as are `supplier` and `source`: a build holds every report, and most reports
    // leave these out (a site build sets the lessons aside), so the three take 8 bytes each
    // when absent, not 232 together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lessons: Option<Box<Lessons>>,
    /// The supplier operating the service, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<Box<Supplier>>,
    /// What this report does not publish, and the legal basis for withholding it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<Withheld>,
    /// Public sources: earlier statements, press releases, supervisory reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// Rule findings this report accepts, each with a public reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<Waiver>,
    /// For readers: what this revision of the report changed and why (a text). The revision
    /// history shows it next to the commit that changed it; without one, the history says
    /// which key fields changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_note: Option<Text>,
    /// JSON pointers (e.g. `/detected_at`, `/impact/users_affected/estimate`) of the
    /// timestamps and numbers in this report that are estimates. The site marks each as an
    /// estimate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub estimated: Vec<String>,
    /// Where an imported report came from (`candor import` writes it). Its `unverified` list
    /// names every field the import guessed; a preliminary or final report may not keep any
    /// (rule A023).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Box<ImportSource>>,
    /// When the incident was classified as significant (NIS2) or major (DORA), RFC 3339 with
    /// offset. DORA's initial notification is due 4 hours after it (RTS 2025/301 Art. 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classified_at: Option<DateTime<FixedOffset>>,
    /// Whether a business continuity plan was activated (DORA, ITS 2025/302 field 2.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_continuity_activated: Option<bool>,
    /// A log of what was sent to regulators, and when: one entry per stage sent. Rule A025
    /// checks each stage against its time limit; A026 checks the report holds what the stage
    /// needs. The public page shows the log only where the organisation opts in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<Notification>,
}

/// One notification sent to a regulator.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("allOf" = [
    {
        "if": {"properties": {"regime": {"const": "nis2"}}, "required": ["regime"]},
        "then": {"properties": {"stage": {"enum": ["early-warning", "notification", "final"]}}}
    },
    {
        "if": {"properties": {"regime": {"const": "dora"}}, "required": ["regime"]},
        "then": {"properties": {"stage": {"enum": ["initial", "intermediate", "final"]}}}
    }
]))]
pub struct Notification {
    /// `nis2` or `dora`.
    pub regime: Regime,
    /// The stage sent: `early-warning`, `notification` or `final` under NIS2; `initial`,
    /// `intermediate` or `final` under DORA.
    pub stage: Stage,
    /// When it was sent (RFC 3339 with offset).
    pub at: DateTime<FixedOffset>,
    /// The reference the authority gave it, if any (DORA field 3.1 asks for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub reference: Option<String>,
    /// The authority it was sent to, e.g. `CFCS` or `Finanstilsynet`.
    #[schemars(length(min = 1, max = 200))]
    pub authority: String,
}

/// A notification regime.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Regime {
    /// Directive (EU) 2022/2555, Article 23.
    Nis2,
    /// Regulation (EU) 2022/2554, Article 19.
    Dora,
}

impl Regime {
    /// The lowercase name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Nis2 => "nis2",
            Regime::Dora => "dora",
        }
    }

    /// The stages of this regime, in the order they are due.
    pub fn stages(self) -> &'static [Stage] {
        match self {
            Regime::Nis2 => &[Stage::EarlyWarning, Stage::Notification, Stage::Final],
            Regime::Dora => &[Stage::Initial, Stage::Intermediate, Stage::Final],
        }
    }
}

/// A stage of a regulator notification.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// NIS2: within 24 hours of becoming aware.
    EarlyWarning,
    /// NIS2: the incident notification, within 72 hours of becoming aware.
    Notification,
    /// DORA: the initial notification.
    Initial,
    /// DORA: the intermediate report.
    Intermediate,
    /// Both: the final report.
    Final,
}

impl Stage {
    /// The kebab-case name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::EarlyWarning => "early-warning",
            Stage::Notification => "notification",
            Stage::Initial => "initial",
            Stage::Intermediate => "intermediate",
            Stage::Final => "final",
        }
    }
}

/// Where an imported report came from, and what the import guessed.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportSource {
    /// The format it was imported from: `statuspage`, `gcp`, `stactus` or `cstate`.
    pub format: ImportFormat,
    /// The incident's identifier in the source; a second import of the same id is skipped.
    #[schemars(length(min = 1))]
    pub id: String,
    /// The incident's public address in the source, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub url: Option<String>,
    /// When the source was fetched (RFC 3339 with offset): `candor import` writes the input
    /// file's modification time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrieved_at: Option<DateTime<FixedOffset>>,
    /// Ids of further source records merged into this report (`--merge-window`): the
    /// same event, published by the source as several incidents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
    /// JSON pointers of every field the import guessed rather than read, such as
    /// `/detected_at` (sources publish their first update, not when the problem was
    /// detected). Remove a pointer once a person has checked the field.
    #[serde(default)]
    pub unverified: Vec<String>,
}

/// A format `candor import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ImportFormat {
    /// Atlassian Statuspage, public API v2 (`incidents.json`).
    Statuspage,
    /// Google Cloud status (`incidents.json`).
    Gcp,
    /// stactus incident files (`version: incident/v1`).
    Stactus,
    /// cState (Hugo) incident Markdown files.
    Cstate,
}

impl ImportFormat {
    /// The name as written in a report and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::Statuspage => "statuspage",
            ImportFormat::Gcp => "gcp",
            ImportFormat::Stactus => "stactus",
            ImportFormat::Cstate => "cstate",
        }
    }
}

/// Who and what was affected, and how much.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    /// How many people were affected: an estimate with its range and how it was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_affected: Option<UsersAffected>,
    /// `full` when the service was completely unavailable, `partial` when it was degraded.
    pub outage: Outage,
    /// Where people were affected, as country or region codes such as `DK` or `DK-84`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Other services that failed because this one did, in plain words (e.g. `Netbank logins`),
    /// each a text: a string, or `{da: ..., en: ...}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependent_services: Vec<Text>,
    /// Direct financial loss in euro, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub financial_loss_eur: Option<f64>,
    /// Whether the confidentiality, integrity or authenticity of data was affected. Kept for
    /// older reports; `data` says which of them, and availability too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_compromised: Option<bool>,
    /// Which properties of data the incident affected: availability, authenticity, integrity,
    /// confidentiality (DORA RTS 2024/1772 Art. 5; NIS2 2024/2690 Art. 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<DataImpact>,
    /// Costs and losses in euro (DORA RTS 2024/1772 Art. 7, ITS 2025/302 fields 4.13 and 4.14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Costs>,
    /// Other EU member states affected, as two-letter codes such as `SE` or `DE`; write `[]`
    /// when you have checked that there were none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(regex(pattern = "^[A-Z]{2}$")))]
    pub cross_border: Option<Vec<String>>,
    /// Impact measured as a share rather than a head count, e.g. 12 % of logins failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Share>,
    /// Per-service windows, when the report's services were hit for different times or in
    /// different ways. Availability on the site uses them for the services they name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceImpact>,
    /// Markdown. The impact in words: who could not do what, for how long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

/// Which properties of data an incident affected; leave a property out when not yet known.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataImpact {
    /// Data could not be reached or used when needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<bool>,
    /// The source of data could not be trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticity: Option<bool>,
    /// Data was altered or lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<bool>,
    /// Data was seen by someone not entitled to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<bool>,
}

impl DataImpact {
    /// The properties marked as affected, by name.
    pub fn affected(&self) -> Vec<&'static str> {
        [
            ("availability", self.availability),
            ("authenticity", self.authenticity),
            ("integrity", self.integrity),
            ("confidentiality", self.confidentiality),
        ]
        .into_iter()
        .filter(|(_, value)| *value == Some(true))
        .map(|(name, _)| name)
        .collect()
    }
}

/// Costs and losses of an incident, in euro.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// Direct costs and losses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub direct_eur: Option<f64>,
    /// Indirect costs and losses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub indirect_eur: Option<f64>,
    /// What was recovered (insurance, refunds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub recovered_eur: Option<f64>,
}

/// Impact as a share of something, e.g. `{value_percent: 12, of: logins}`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// The share in percent, 0 to 100.
    #[schemars(range(min = 0, max = 100))]
    pub value_percent: f64,
    /// What it is a share of, e.g. `login attempts` (a text: a string, or `{da: ..., en: ...}`).
    pub of: Text,
}

/// One service's own outage window within an incident.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceImpact {
    /// Key of the service, one of the report's `services`.
    pub service: String,
    /// When this service's outage began (RFC 3339 with offset).
    pub from: DateTime<FixedOffset>,
    /// When this service was restored (RFC 3339 with offset). Leave out while it is still out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DateTime<FixedOffset>>,
    /// `full` when this service was completely unavailable, `partial` when it was degraded.
    pub outage: Outage,
}

/// How many people were affected.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsersAffected {
    /// Best estimate of the number of people affected.
    pub estimate: u64,
    /// Lowest plausible number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// Highest plausible number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
    /// How the number was measured, e.g. `Failed logins vs. a normal Monday`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Text>,
}

/// Whether the service was down or degraded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outage {
    /// Completely unavailable.
    Full,
    /// Available but degraded: slow, failing for some users, or missing functions.
    Partial,
}

/// One moment in the incident.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend(
    "if" = {"properties": {"kind": {"const": "public-statement"}}, "required": ["kind"]},
    "then" = {"required": ["channel"]}
))]
pub struct TimelineEvent {
    /// When it happened (RFC 3339 with offset).
    pub at: DateTime<FixedOffset>,
    /// `detection`, `escalation`, `public-statement`, `mitigation`, `resolution` or `other`.
    pub kind: EventKind,
    /// For a public statement: where it was said, e.g. `Status page` or `Press release` (a
    /// text: a string, or `{da: ..., en: ...}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Text>,
    /// For a public statement: a link to it, if it is still online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub url: Option<String>,
    /// For a public statement: how the incident was classified to the public at that moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_claimed: Option<Severity>,
    /// For a public statement: when it promised the next update (RFC 3339 with offset). Rule
    /// A024 notes a promise with no later statement by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update_at: Option<DateTime<FixedOffset>>,
    /// What happened, or for a public statement what was said (quote it).
    pub text: Text,
}

/// What kind of moment a timeline event is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// The problem was noticed.
    Detection,
    /// More people or a higher level were called in.
    Escalation,
    /// Something was said to the public.
    PublicStatement,
    /// A step that reduced the impact.
    Mitigation,
    /// Service was restored.
    Resolution,
    /// Anything else worth knowing.
    Other,
}

impl EventKind {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Detection => "detection",
            EventKind::Escalation => "escalation",
            EventKind::PublicStatement => "public-statement",
            EventKind::Mitigation => "mitigation",
            EventKind::Resolution => "resolution",
            EventKind::Other => "other",
        }
    }
}

/// Why the incident happened.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RootCause {
    /// `confirmed`, `suspected` or `under-investigation`.
    pub status: CauseStatus,
    /// `system-failure`, `human-error`, `malicious-action`, `third-party-failure` or
    /// `natural-phenomenon` (the categories of EU incident reporting).
    pub category: CauseCategory,
    /// What set it off, concretely (e.g. `An expired signing certificate on the login service`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Text>,
    /// Markdown. Why it could happen: the underlying cause, not only the trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// While under investigation: the date by which the next update will be published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update_due: Option<NaiveDate>,
    /// The day the root cause was addressed (DORA, ITS 2025/302 field 4.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addressed_on: Option<NaiveDate>,
}

/// How certain the root cause is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CauseStatus {
    /// Established and verified.
    Confirmed,
    /// The most likely explanation, not yet verified.
    Suspected,
    /// Not known yet.
    UnderInvestigation,
}

/// The category of root cause, as used in EU incident reporting.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum CauseCategory {
    /// Hardware, software or configuration failed.
    SystemFailure,
    /// A mistake by staff.
    HumanError,
    /// An attack.
    MaliciousAction,
    /// A supplier or another service failed.
    ThirdPartyFailure,
    /// Weather, fire, flood and the like.
    NaturalPhenomenon,
}

impl CauseCategory {
    /// The category written as `text`, if it is one.
    pub fn parse(text: &str) -> Option<CauseCategory> {
        [
            CauseCategory::SystemFailure,
            CauseCategory::HumanError,
            CauseCategory::MaliciousAction,
            CauseCategory::ThirdPartyFailure,
            CauseCategory::NaturalPhenomenon,
        ]
        .into_iter()
        .find(|c| c.as_str() == text)
    }

    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            CauseCategory::SystemFailure => "system-failure",
            CauseCategory::HumanError => "human-error",
            CauseCategory::MaliciousAction => "malicious-action",
            CauseCategory::ThirdPartyFailure => "third-party-failure",
            CauseCategory::NaturalPhenomenon => "natural-phenomenon",
        }
    }
}

impl CauseStatus {
    /// The status written as `text`, if it is one.
    pub fn parse(text: &str) -> Option<CauseStatus> {
        [
            CauseStatus::Confirmed,
            CauseStatus::Suspected,
            CauseStatus::UnderInvestigation,
        ]
        .into_iter()
        .find(|c| c.as_str() == text)
    }

    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            CauseStatus::Confirmed => "confirmed",
            CauseStatus::Suspected => "suspected",
            CauseStatus::UnderInvestigation => "under-investigation",
        }
    }
}

/// A promised action.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Short identifier, unique within the report, e.g. `A1`.
    pub id: Box<str>,
    /// `mitigate` (limit the damage), `prevent` (stop a repeat) or `process` (change how you work).
    #[serde(rename = "type")]
    pub kind: ActionType,
    /// What will be done.
    pub action: Text,
    /// The unit responsible (a team or office, not a person), as a text: a string, or
    /// `{da: ..., en: ...}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Text>,
    /// The date by which it will be done (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// `planned`, `in-progress`, `done` or `dropped`.
    pub status: ActionStatus,
    /// A link showing the action was done (a change record, a report, an audit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub evidence: Option<Box<str>>,
    /// The date the action was completed (`YYYY-MM-DD`), when `status` is `done`. Without it,
    /// the site takes the date of the first commit that marked the action done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    /// Why the action was dropped. Required when `status` is `dropped`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Box<Text>>,
}

/// What an action is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ActionType {
    /// Limit the damage of this or a similar incident.
    Mitigate,
    /// Stop it from happening again.
    Prevent,
    /// Change how the organisation works.
    Process,
}

impl ActionType {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionType::Mitigate => "mitigate",
            ActionType::Prevent => "prevent",
            ActionType::Process => "process",
        }
    }
}

/// Where a promised action stands.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    /// Not started.
    Planned,
    /// Under way.
    InProgress,
    /// Finished; link the evidence.
    Done,
    /// Abandoned; give the reason.
    Dropped,
}

impl ActionStatus {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::InProgress => "in-progress",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }

    /// The status written as `text`, if it is one.
    pub fn parse(text: &str) -> Option<ActionStatus> {
        [
            ActionStatus::Planned,
            ActionStatus::InProgress,
            ActionStatus::Done,
            ActionStatus::Dropped,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// Whether the action still has to be carried out.
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Planned | ActionStatus::InProgress)
    }
}

impl Action {
    /// Whether the action is still open after its due date: on `today`, the due date has
    /// passed and the action is neither done nor dropped. The one definition of "overdue"
    /// that the rules (A005), the pages and the open data share.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.days_overdue(today).is_some()
    }

    /// Whole days since the due date, for an overdue action; `None` otherwise.
    pub fn days_overdue(&self, today: NaiveDate) -> Option<i64> {
        let due = self.due?;
        (self.status.is_open() && due < today).then(|| (today - due).num_days())
    }
}

/// What the organisation learned.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lessons {
    /// What worked and should be kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub went_well: Vec<Text>,
    /// What failed or was slow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub went_wrong: Vec<Text>,
    /// Where it could have been worse and was not, by luck rather than design.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub got_lucky: Vec<Text>,
}

/// The supplier operating the service.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Supplier {
    /// The supplier's legal name.
    pub name: String,
    /// The availability the contract requires, in percent (e.g. `99.9`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub contract_availability: Option<f64>,
}

/// Something the report does not publish.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Withheld {
    /// What is withheld, described without revealing it.
    pub what: Text,
    /// The law or provision that allows withholding it (e.g. a section of the access to
    /// public administration files act).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<Text>,
    /// The date by which it will be disclosed, if one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclose_by: Option<NaiveDate>,
}

/// A public source.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// What the source is.
    pub title: Text,
    /// Where it can be read.
    #[schemars(url)]
    pub url: String,
}

/// An accepted rule finding.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The rule code, e.g. `A005`.
    #[schemars(regex(pattern = "^[A-Z][0-9]{3}$"))]
    pub rule: String,
    /// Why the finding is accepted. Published next to the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
    /// The last day the waiver applies (`YYYY-MM-DD`); after it, the finding is back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl Incident {
    /// Whether the report is public (anything but a draft).
    pub fn is_published(&self) -> bool {
        self.status.is_published()
    }

    /// Every text field with its JSON Pointer, in file order.
    pub fn text_fields(&self) -> Vec<(String, &Text)> {
        let mut fields: Vec<(String, &Text)> = vec![
            ("/title".into(), &self.title),
            ("/summary".into(), &self.summary),
        ];
        if let Some(impact) = &self.impact {
            if let Some(method) = impact
                .users_affected
                .as_ref()
                .and_then(|u| u.method.as_ref())
            {
                fields.push(("/impact/users_affected/method".into(), method));
            }
            for (i, service) in impact.dependent_services.iter().enumerate() {
                fields.push((format!("/impact/dependent_services/{i}"), service));
            }
            if let Some(share) = &impact.share {
                fields.push(("/impact/share/of".into(), &share.of));
            }
            if let Some(description) = &impact.description {
                fields.push(("/impact/description".into(), description));
            }
        }
        for (i, event) in self.timeline.iter().enumerate() {
            if let Some(channel) = &event.channel {
                fields.push((format!("/timeline/{i}/channel"), channel));
            }
            fields.push((format!("/timeline/{i}/text"), &event.text));
        }
        if let Some(cause) = &self.root_cause {
            if let Some(trigger) = &cause.trigger {
                fields.push(("/root_cause/trigger".into(), trigger));
            }
            if let Some(description) = &cause.description {
                fields.push(("/root_cause/description".into(), description));
            }
        }
        for (i, factor) in self.contributing_factors.iter().enumerate() {
            fields.push((format!("/contributing_factors/{i}"), factor));
        }
        for (i, action) in self.actions.iter().enumerate() {
            fields.push((format!("/actions/{i}/action"), &action.action));
            if let Some(owner) = &action.owner {
                fields.push((format!("/actions/{i}/owner"), owner));
            }
            if let Some(reason) = &action.reason {
                fields.push((format!("/actions/{i}/reason"), reason));
            }
        }
        if let Some(lessons) = &self.lessons {
            for (name, list) in [
                ("went_well", &lessons.went_well),
                ("went_wrong", &lessons.went_wrong),
                ("got_lucky", &lessons.got_lucky),
            ] {
                for (i, text) in list.iter().enumerate() {
                    fields.push((format!("/lessons/{name}/{i}"), text));
                }
            }
        }
        for (i, item) in self.withheld.iter().enumerate() {
            fields.push((format!("/withheld/{i}/what"), &item.what));
            if let Some(basis) = &item.legal_basis {
                fields.push((format!("/withheld/{i}/legal_basis"), basis));
            }
        }
        for (i, reference) in self.references.iter().enumerate() {
            fields.push((format!("/references/{i}/title"), &reference.title));
        }
        for (i, waiver) in self.waivers.iter().enumerate() {
            if let Some(reason) = &waiver.reason {
                fields.push((format!("/waivers/{i}/reason"), reason));
            }
        }
        if let Some(note) = &self.change_note {
            fields.push(("/change_note".into(), note));
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::{LanguageMap, Text, number_size, push_number, read_number};

    #[test]
    fn a_text_is_read_as_a_string_or_a_map_sorted_by_language() {
        let plain: Text = serde_json::from_str(r#""Login failed""#).unwrap();
        assert_eq!(plain, Text::Plain("Login failed".into()));
        let localized: Text =
            serde_json::from_str(r#"{"en": "Login failed", "da": "Login fejlede"}"#).unwrap();
        let expected: LanguageMap = [("da", "Login fejlede"), ("en", "Login failed")]
            .into_iter()
            .map(|(code, text)| (code.to_owned(), text.to_owned()))
            .collect();
        assert_eq!(localized, Text::Localized(expected));
        // Of a language given twice, the last counts, as in any map.
        let twice: LanguageMap =
            serde_json::from_str(r#"{"en": "first", "da": "x", "en": "last"}"#).unwrap();
        assert_eq!(twice.get("en"), Some("last"));
        assert_eq!(twice.iter().count(), 2);
        // A number is neither shape; a string is not a language map.
        let error = serde_json::from_str::<Text>("42").unwrap_err().to_string();
        assert!(
            error.contains("a text, or a map of texts by language code"),
            "{error}"
        );
        assert!(serde_json::from_str::<LanguageMap>(r#""da""#).is_err());
        assert!(serde_json::from_str::<Text>(r#"{"da": 1}"#).is_err());
    }

    #[test]
    fn a_language_map_gives_back_every_text_whatever_it_holds() {
        // Lengths of one, two and three 6-bit digits, multi-byte characters, and bytes a
        // length's digits are made of (0x00 to 0x7f).
        let long = "ø".repeat(40) + &"x".repeat(5000);
        let repeated = "Æblegrød på ;tværs, ".repeat(4);
        let texts = [
            ("en", "3,4;5 ; and , as a writer may put them \u{0}\u{7f}"),
            ("da", repeated.as_str()),
            ("kl", ""),
            ("", "a code left empty"),
            ("sma", long.as_str()),
        ];
        let map: LanguageMap = texts
            .iter()
            .map(|(code, text)| (code.to_string(), text.to_string()))
            .collect();
        let mut sorted = texts.to_vec();
        sorted.sort();
        assert_eq!(map.iter().collect::<Vec<_>>(), sorted);
        for (code, text) in texts {
            assert_eq!(map.get(code), Some(text), "{code}");
        }
        assert_eq!(map.get("fr"), None);
        assert_eq!(map.values().count(), 5);
        let json = serde_json::to_string(&map).unwrap();
        assert_eq!(serde_json::from_str::<LanguageMap>(&json).unwrap(), map);

        // Numbers of every width read back, and take the room reserved for them.
        for number in [0, 1, 63, 64, 4095, 4096, 262_143, 262_144, usize::MAX] {
            let mut packed = String::new();
            push_number(&mut packed, number);
            assert!(packed.is_ascii());
            assert_eq!(packed.len(), number_size(number), "{number}");
            assert_eq!(read_number(packed.as_bytes(), &mut 0), Some(number));
        }

        let empty: LanguageMap = std::iter::empty().collect();
        assert_eq!(empty, LanguageMap::default());
        assert_eq!(empty.iter().count(), 0);
        assert_eq!(empty.get(""), None);
        assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
    }
}
