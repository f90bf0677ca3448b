//! Diagnostics: the vocabulary every stage shares to say what is wrong and where.
//!
//! This module is the leaf of the crate: the loader, the schema validator, the rules, the
//! printers and the site all use it, and it uses none of them. It owns the rule registry
//! ([`Code`], [`Rule`], [`RULES`]), rule levels ([`Level`], [`Levels`]), positions in a file
//! ([`Position`], [`Locate`]), JSON Pointer helpers, and the [`Finding`] every stage produces
//! through an [`Emitter`] instead of returning early.

mod codes;

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use codes::{Code, Family, RULES, Rule};

/// A 1-based line and column (columns count characters, as editors do).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Position {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in characters.
    pub column: u32,
}

impl Position {
    /// The start of a file.
    pub const START: Position = Position { line: 1, column: 1 };
}

/// A rule level: `deny` fails the check, `warn` is shown, `allow` turns the rule off.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// The rule is off.
    Allow,
    /// Shown, does not fail the check.
    Warn,
    /// Fails the check.
    Deny,
}

impl Level {
    /// The lowercase name used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// A finding's message as data: a key into the translation files (`finding.<key>` in
/// `templates/i18n/<lang>.yaml`) and its arguments, so the same finding reads as a sentence
/// in any language: English in the terminal by default, Danish on a Danish page.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// The template's key, e.g. `A005`.
    pub key: &'static str,
    /// The values the template's `{name}` placeholders stand for.
    pub args: Vec<(&'static str, Arg)>,
}

impl Message {
    /// A message with no arguments yet.
    pub fn new(key: &'static str) -> Message {
        Message {
            key,
            args: Vec::new(),
        }
    }

    /// Add an argument.
    pub fn with(mut self, name: &'static str, value: Arg) -> Message {
        self.args.push((name, value));
        self
    }

    /// The argument `name`, if given.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }
}

/// One value in a message, kept typed so each language can write it its own way.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// Shown as it is (an action id, a rule code).
    Plain(String),
    /// A whole number; a template written as `{one, other}` chooses its form by `count`.
    Count(i64),
    /// A number with this many decimals.
    Decimal(f64, usize),
    /// A calendar date.
    Date(NaiveDate),
    /// A moment, with the offset it was written with.
    Time(DateTime<FixedOffset>),
    /// A word from the translation files: group and key, e.g. `word.severity` and `major`.
    Word(&'static str, String),
    /// A text the author wrote, by language code, and the language of a plain string.
    Written(Vec<(String, String)>, String),
    /// A name from candor.yaml (a service, an organisation), by language code, and the
    /// language of a plain string; shown without quotes.
    Name(Vec<(String, String)>, String),
    /// A language, by code.
    Language(String),
    /// A length of time in minutes ("4 h 25 min").
    Duration(f64),
    /// A count of a unit from the translation files (`unit_count.<unit>`: "1 day", "3 days").
    Quantity(&'static str, i64),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Arg {
        Arg::Plain(text.to_owned())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Plain(text)
    }
}

/// What a finding says: a plain English sentence, or a message to be said in a language.
#[derive(Clone, Debug, PartialEq)]
pub enum Said {
    /// A sentence, in English (structure and time findings, which never reach a page).
    Plain(String),
    /// A message for the translation files.
    Message(Message),
}

impl From<String> for Said {
    fn from(text: String) -> Said {
        Said::Plain(text)
    }
}

impl From<&str> for Said {
    fn from(text: &str) -> Said {
        Said::Plain(text.to_owned())
    }
}

impl From<Message> for Said {
    fn from(message: Message) -> Said {
        Said::Message(message)
    }
}

/// One finding, in the documented JSON shape: one thing wrong with one place in one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Rule code, e.g. `A006`.
    pub code: Code,
    /// Rule name, e.g. `severity-understated`.
    pub name: &'static str,
    /// `deny` or `warn` (`allow` findings are never produced).
    pub level: Level,
    /// File relative to the repository root, with `/` separators.
    pub file: String,
    /// 1-based line, when the finding has a position.
    pub line: Option<u32>,
    /// 1-based column in characters, when the finding has a position.
    pub column: Option<u32>,
    /// JSON Pointer into the report (empty for the whole file).
    pub path: String,
    /// What is wrong, in the language of the run (English by default).
    pub message: String,
    /// How to fix it: most rules say it in fixed words, kept without a copy per finding (a
    /// large site has hundreds of thousands of findings).
    pub help: Cow<'static, str>,
    /// The message as data, for findings that can be said in every site language.
    #[serde(skip)]
    pub said: Option<Message>,
}

impl Finding {
    /// The finding's position, when it has one.
    pub fn position(&self) -> Option<Position> {
        Some(Position {
            line: self.line?,
            column: self.column?,
        })
    }

    /// The field path in the dotted form authors read (`actions[2].owner`).
    pub fn field(&self) -> String {
        pointer_to_field(&self.path)
    }

    /// Whether this finding fails a check.
    pub fn is_deny(&self) -> bool {
        self.level == Level::Deny
    }
}

/// `/actions/2/owner` → `actions[2].owner`.
pub fn pointer_to_field(pointer: &str) -> String {
    let mut field = String::new();
    for token in pointer_tokens(pointer) {
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            field.push('[');
            field.push_str(&token);
            field.push(']');
        } else {
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(&token);
        }
    }
    field
}

/// Split a JSON Pointer into its parent pointer and its last token (unescaped).
pub fn split_pointer(pointer: &str) -> Option<(&str, String)> {
    let slash = pointer.rfind('/')?;
    Some((&pointer[..slash], unescape_token(&pointer[slash + 1..])))
}

/// The tokens of a JSON Pointer, unescaped.
pub fn pointer_tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(unescape_token)
}

/// A map key as a JSON Pointer token (`~` and `/` escaped).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The order findings are printed in: by file, then position, then code.
pub fn compare(a: &Finding, b: &Finding) -> Ordering {
    a.file
        .cmp(&b.file)
        .then(a.line.unwrap_or(0).cmp(&b.line.unwrap_or(0)))
        .then(a.column.unwrap_or(0).cmp(&b.column.unwrap_or(0)))
        .then(a.code.cmp(&b.code))
        .then(a.path.cmp(&b.path))
        .then(a.message.cmp(&b.message))
}

/// Sort findings into their printed order and drop exact repeats.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(compare);
    findings.dedup();
}

/// Something that can say where a JSON Pointer's value or key is written: the loader's
/// positioned tree implements it, so findings get positions without this module knowing YAML.
pub trait Locate {
    /// Where the value at `pointer` starts; for a missing value, where its nearest existing
    /// ancestor starts.
    fn value_position(&self, pointer: &str) -> Position;
    /// Where the key of the entry at `pointer` starts, falling back to the value's position.
    fn key_position(&self, pointer: &str) -> Position;
}

/// Rule levels after candor.yaml's overrides.
#[derive(Clone, Debug, Default)]
pub struct Levels {
    overrides: HashMap<Code, Level>,
}

impl Levels {
    /// The levels from candor.yaml's `rules` map. Unknown codes and attempts to relax
    /// structure rules are ignored here; the configuration check reports them.
    pub fn from_overrides(overrides: &BTreeMap<String, Level>) -> Levels {
        let overrides = overrides
            .iter()
            .filter_map(|(code, level)| Code::parse(code).map(|c| (c, *level)))
            .filter(|(code, _)| code.is_configurable())
            .collect();
        Levels { overrides }
    }

    /// The level that applies to `code`.
    pub fn level(&self, code: Code) -> Level {
        self.overrides
            .get(&code)
            .copied()
            .unwrap_or(code.rule().default_level)
    }

    /// Whether candor.yaml changed the level of `code`.
    pub fn is_overridden(&self, code: Code) -> bool {
        self.overrides.contains_key(&code)
    }
}

/// Builds findings for one file: level from [`Levels`], position from the file's tree.
pub struct Emitter<'a> {
    file: &'a str,
    root: Option<&'a dyn Locate>,
    levels: &'a Levels,
    findings: Vec<Finding>,
}

impl<'a> Emitter<'a> {
    /// An emitter for `file`, whose tree (if it parsed) is `root`.
    pub fn new(file: &'a str, root: Option<&'a dyn Locate>, levels: &'a Levels) -> Emitter<'a> {
        Emitter {
            file,
            root,
            levels,
            findings: Vec::new(),
        }
    }

    /// A finding about the value at `pointer`.
    pub fn at(
        &mut self,
        code: Code,
        pointer: &str,
        message: impl Into<Said>,
        help: impl Into<Cow<'static, str>>,
    ) {
        let position = self.root.map(|root| root.value_position(pointer));
        self.push(code, pointer, position, message, help.into());
    }

    /// A finding about the key at `pointer` (an unknown field, say).
    pub fn at_key(
        &mut self,
        code: Code,
        pointer: &str,
        message: impl Into<Said>,
        help: impl Into<Cow<'static, str>>,
    ) {
        let position = self.root.map(|root| root.key_position(pointer));
        self.push(code, pointer, position, message, help.into());
    }

    /// A finding about `pointer` shown at the position of `anchor` (for a missing field, the
    /// field that makes it required).
    pub fn anchored(
        &mut self,
        code: Code,
        pointer: &str,
        anchor: &str,
        message: impl Into<Said>,
        help: impl Into<Cow<'static, str>>,
    ) {
        let position = self.root.map(|root| root.value_position(anchor));
        self.push(code, pointer, position, message, help.into());
    }

    /// A finding about `pointer` shown at the key of `anchor`.
    pub fn anchored_at_key(
        &mut self,
        code: Code,
        pointer: &str,
        anchor: &str,
        message: impl Into<Said>,
        help: impl Into<Cow<'static, str>>,
    ) {
        let position = self.root.map(|root| root.key_position(anchor));
        self.push(code, pointer, position, message, help.into());
    }

    /// A finding with an explicit position (or none). A message given as data is said in
    /// the run's language when the run ends; until then `message` holds its key.
    pub fn push(
        &mut self,
        code: Code,
        pointer: &str,
        position: Option<Position>,
        message: impl Into<Said>,
        help: Cow<'static, str>,
    ) {
        let level = self.levels.level(code);
        if level == Level::Allow {
            return;
        }
        let (message, said) = match message.into() {
            Said::Plain(text) => (text, None),
            Said::Message(mut said) => {
                // Kept until the run ends, by the hundred thousand on a large site.
                said.args.shrink_to_fit();
                (said.key.to_owned(), Some(said))
            }
        };
        self.findings.push(Finding {
            code,
            name: code.rule().name,
            level,
            file: self.file.to_owned(),
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
            path: pointer.to_owned(),
            message,
            help,
            said,
        });
    }

    /// Add findings made elsewhere for this file.
    pub fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.findings.extend(findings);
    }

    /// The level `code` has in this run.
    pub fn level(&self, code: Code) -> Level {
        self.levels.level(code)
    }

    /// The findings emitted so far.
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// "1 day", "2 days": `count` with `one` or `other`, as English counts them.
pub fn count(count: impl Into<i64>, one: &str, other: &str) -> String {
    let count = count.into();
    if count == 1 || count == -1 {
        format!("{count} {one}")
    } else {
        format!("{count} {other}")
    }
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    candidates
        .iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()),
                *c,
            )
        })
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn pointer_becomes_dotted_field() {
        assert_eq!(pointer_to_field("/actions/2/owner"), "actions[2].owner");
        assert_eq!(pointer_to_field("/title/da"), "title.da");
        assert_eq!(pointer_to_field(""), "");
    }

    #[test]
    fn codes_and_names_are_unique_and_in_order() {
        let codes: HashSet<_> = RULES.iter().map(|r| r.code_str).collect();
        let names: HashSet<_> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(codes.len(), RULES.len());
        assert_eq!(names.len(), RULES.len());
        for (index, rule) in RULES.iter().enumerate() {
            assert_eq!(
                rule.code as usize, index,
                "{} is out of order",
                rule.code_str
            );
            assert_eq!(format!("{:?}", rule.code), rule.code_str);
            assert!(
                rule.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{} is not kebab-case",
                rule.name
            );
        }
    }

    #[test]
    fn closest_suggests_typos_only() {
        assert_eq!(
            closest("severty", &["severity", "status"]),
            Some("severity")
        );
        assert_eq!(closest("zzz", &["severity", "status"]), None);
    }
}
