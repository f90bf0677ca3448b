//! JSON Schema validation with positions and messages an author understands.
//!
//! Every violation in a document is reported (not only the first), translated from the
//! validator's vocabulary into the report author's: "`severty` is not a field; did you mean
//! `severity`?" rather than "additional properties are not allowed". Positions come from the
//! YAML tree; the id pattern is reported as S003, everything else as S002.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, Validator};
use serde_json::Value;

use crate::diag::{Code, Emitter, closest};
use crate::schema;

/// Which schema a document is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// An incident report.
    Incident,
    /// candor.yaml.
    Config,
}

/// Compiled validators for both schemas, built once per run.
pub struct SchemaValidator {
    incident: Validator,
    incident_schema: Value,
    config: Validator,
    config_schema: Value,
}

impl SchemaValidator {
    /// Compile both schemas, with format assertions on (timestamps, dates, links).
    pub fn new() -> anyhow::Result<SchemaValidator> {
        let incident_schema = schema::incident_schema();
        let config_schema = schema::config_schema();
        let compile = |schema: &Value| {
            jsonschema::options()
                .should_validate_formats(true)
                .build(schema)
                .map_err(|e| anyhow::anyhow!("the built-in schema does not compile: {e}"))
        };
        Ok(SchemaValidator {
            incident: compile(&incident_schema)?,
            config: compile(&config_schema)?,
            incident_schema,
            config_schema,
        })
    }

    /// Report every violation of `value` through `out` (whose tree gives the positions).
    /// Returns whether the document is valid.
    pub fn check(&self, kind: DocumentKind, value: &Value, out: &mut Emitter<'_>) -> bool {
        self.check_and_repair(kind, value, out).is_none()
    }

    /// Whether `value` is valid, without reporting anything.
    pub(crate) fn is_valid(&self, kind: DocumentKind, value: &Value) -> bool {
        self.validator(kind).0.is_valid(value)
    }

    fn validator(&self, kind: DocumentKind) -> (&Validator, &Value) {
        match kind {
            DocumentKind::Incident => (&self.incident, &self.incident_schema),
            DocumentKind::Config => (&self.config, &self.config_schema),
        }
    }

    /// Report every violation of `value` through `out`. `None` when the document is valid;
    /// otherwise what made it invalid, so a repair can remove it and the rules still run on
    /// the rest, reporting everything in one run.
    pub(crate) fn check_and_repair(
        &self,
        kind: DocumentKind,
        value: &Value,
        out: &mut Emitter<'_>,
    ) -> Option<Violations> {
        let (validator, schema) = self.validator(kind);
        // Nearly every report is valid: the fast yes/no pass spares collecting errors.
        if validator.is_valid(value) {
            return None;
        }
        let errors: Vec<_> = validator.iter_errors(value).collect();
        // A misspelled required field is one mistake: report the unknown key with its "did
        // you mean", not also the field it should have been.
        let mut misspelled: Vec<(String, String)> = Vec::new();
        let mut violations = Violations::default();
        for error in &errors {
            let pointer = error.instance_path().to_string();
            if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
                let allowed = allowed_properties(schema, &error.schema_path().to_string());
                let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
                for name in unexpected {
                    let suggestion = closest(name, &allowed).map(str::to_owned);
                    if let Some(best) = &suggestion {
                        misspelled.push((pointer.clone(), best.clone()));
                    }
                    violations.unknown.push(Unknown {
                        pointer: child_pointer(&pointer, name),
                        meant: suggestion.map(|best| child_pointer(&pointer, &best)),
                    });
                }
            } else if !matches!(error.kind(), ValidationErrorKind::Required { .. }) {
                violations.invalid.push(pointer.clone());
            }
        }
        for error in &errors {
            let pointer = error.instance_path().to_string();
            if let ValidationErrorKind::Required { property } = error.kind() {
                let name = property.as_str().unwrap_or_default();
                violations.missing.push(child_pointer(&pointer, name));
                if misspelled
                    .iter()
                    .any(|(parent, best)| *parent == pointer && best == name)
                {
                    continue;
                }
            }
            report(
                kind,
                schema,
                &pointer,
                &error.schema_path().to_string(),
                error.instance(),
                error.kind(),
                out,
            );
        }
        Some(violations)
    }
}

/// What made a document invalid, by JSON Pointer.
#[derive(Debug, Default)]
pub(crate) struct Violations {
    /// Keys that are not fields, with the field each most likely meant.
    pub unknown: Vec<Unknown>,
    /// Values of the wrong type, format or value.
    pub invalid: Vec<String>,
    /// Required fields that are missing.
    pub missing: Vec<String>,
}

/// A key that is not a field.
#[derive(Debug)]
pub(crate) struct Unknown {
    /// Where it is.
    pub pointer: String,
    /// The field it most likely meant, if one is close.
    pub meant: Option<String>,
}

impl Violations {
    /// `value` with the unknown keys and the invalid values removed, so what remains can be
    /// checked by the rules, and the pointers whose findings must then be dropped (what was
    /// removed, and the fields misspelled keys meant). `None` when the document cannot be
    /// repaired that way: a required field is missing, or a list item is invalid (removing
    /// it would shift the positions of the items after it).
    pub(crate) fn repair(&self, value: &Value) -> Option<(Value, Vec<String>)> {
        if !self.missing.is_empty() {
            return None;
        }
        let mut repaired = value.clone();
        let mut masked = Vec::new();
        for unknown in &self.unknown {
            remove(&mut repaired, &unknown.pointer)?;
            masked.push(unknown.pointer.clone());
            masked.extend(unknown.meant.clone());
        }
        for pointer in &self.invalid {
            remove(&mut repaired, pointer)?;
            masked.push(pointer.clone());
        }
        Some((repaired, masked))
    }
}

/// Remove the map entry at `pointer`; `None` if the pointer is the root or ends in a list index.
fn remove(value: &mut Value, pointer: &str) -> Option<()> {
    let (parent, key) = crate::diag::split_pointer(pointer)?;
    let parent = if parent.is_empty() {
        &mut *value
    } else {
        value.pointer_mut(parent)?
    };
    parent.as_object_mut()?.remove(&key).map(|_| ())
}

fn child_pointer(parent: &str, key: &str) -> String {
    format!("{parent}/{}", crate::diag::escape_token(key))
}

fn report(
    kind: DocumentKind,
    schema: &Value,
    pointer: &str,
    schema_path: &str,
    instance: &Value,
    error: &ValidationErrorKind,
    out: &mut Emitter<'_>,
) {
    let field = describe_field(pointer);
    match error {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_properties(schema, schema_path);
            let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
            for name in unexpected {
                let hint = match closest(name, &allowed) {
                    Some(best) => format!("; did you mean `{best}`?"),
                    None => String::new(),
                };
                let help = if let Some(best) = closest(name, &allowed) {
                    format!("rename it to `{best}`, or remove it")
                } else if allowed.is_empty() {
                    "remove it".to_owned()
                } else {
                    format!(
                        "remove it or rename it; the fields here are {}",
                        allowed
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let child = format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1"));
                out.at_key(
                    Code::S002,
                    &child,
                    format!("`{name}` is not a field{}{hint}", in_where(pointer)),
                    help,
                );
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let child = format!("{pointer}/{name}");
            let why = if name == "channel" {
                " (a public statement must say where it was made)"
            } else {
                ""
            };
            // At the key of the map that lacks it; for the top level, at its first key.
            let message = format!(
                "the required field `{name}` is missing{}{why}",
                in_where(pointer)
            );
            if pointer.is_empty() {
                out.anchored(
                    Code::S002,
                    &child,
                    pointer,
                    message,
                    required_help(kind, name),
                );
            } else {
                out.anchored_at_key(
                    Code::S002,
                    &child,
                    pointer,
                    message,
                    required_help(kind, name),
                );
            }
        }
        ValidationErrorKind::Type { kind: expected } => {
            out.at(
                Code::S002,
                pointer,
                format!(
                    "{field} should be {}, not {}",
                    type_name(expected),
                    describe_value(instance)
                ),
                type_help(expected),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let given = instance
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| describe_value(instance));
            let hint = closest(&given, &options)
                .map(|best| format!("; did you mean `{best}`?"))
                .unwrap_or_default();
            out.at(
                Code::S002,
                pointer,
                format!("`{given}` is not an allowed value for {field}{hint}"),
                format!(
                    "use one of {}",
                    options
                        .iter()
                        .map(|o| format!("`{o}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        ValidationErrorKind::Format { format } => {
            let given = instance.as_str().unwrap_or_default();
            if let Some((message, help)) = time_problem(format, given) {
                out.at(
                    Code::S002,
                    pointer,
                    format!("`{given}` in {field} {message}"),
                    help,
                );
                return;
            }
            let (what, help) = match format.as_str() {
                "date-time" => (
                    "a timestamp with an offset",
                    "write RFC 3339 with the offset, e.g. `2026-11-23T09:30:00+01:00` (`+02:00` in Danish summer time, `Z` for UTC)",
                ),
                "date" => (
                    "a date",
                    "write the date as `YYYY-MM-DD`, e.g. `2027-03-31`",
                ),
                "uri" => (
                    "a full link",
                    "write the whole address, starting with `https://`",
                ),
                _ => (
                    "in the expected format",
                    "see `candor schema` for the expected format",
                ),
            };
            out.at(
                Code::S002,
                pointer,
                format!("`{given}` in {field} is not {what}"),
                help,
            );
        }
        ValidationErrorKind::Pattern { .. }
        | ValidationErrorKind::MinLength { .. }
        | ValidationErrorKind::MaxLength { .. }
            if kind == DocumentKind::Incident && pointer == "/id" =>
        {
            out.at(
                Code::S003,
                pointer,
                format!(
                    "the id `{}` must be 3 to 80 lowercase letters, digits and hyphens, starting with a letter or a digit",
                    instance.as_str().unwrap_or_default()
                ),
                "use the date and a few words of the title, e.g. `2026-11-23-national-eid-login-outage`, and name the file the same",
            );
        }
        ValidationErrorKind::Pattern { pattern } => {
            let given = instance.as_str().unwrap_or_default();
            let help = if pattern.contains("[a-z]{2,3}") {
                "use a lowercase language code such as `da` or `en`".to_owned()
            } else if pattern.contains("[A-Z][0-9]{3}") {
                "use a rule code such as `A005` (see `candor rules`)".to_owned()
            } else {
                format!("it must match `{pattern}`")
            };
            out.at(
                Code::S002,
                pointer,
                format!("`{given}` is not a valid value for {field}"),
                help,
            );
        }
        ValidationErrorKind::PropertyNames { error } => {
            let key = error.instance().as_str().unwrap_or_default().to_owned();
            let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
            if pointer.ends_with("/services") || pointer.ends_with("/organisations") {
                out.at_key(
                    Code::S002,
                    &child,
                    format!("`{key}` cannot be a key in {field}"),
                    "use lowercase letters, digits and hyphens, e.g. `national-eid`; keys become page addresses",
                );
            } else {
                out.at_key(
                    Code::S002,
                    &child,
                    format!("`{key}` in {field} is not a language code"),
                    "use lowercase language codes such as `da` and `en` as keys",
                );
            }
        }
        ValidationErrorKind::AnyOf { .. } => {
            // The only anyOf in the schemas is Text: a string or a language map.
            let (message, help) = text_problem(instance);
            out.at(Code::S002, pointer, format!("{field} {message}"), help);
        }
        ValidationErrorKind::MinItems { limit } => {
            out.at(
                Code::S002,
                pointer,
                format!(
                    "{field} needs at least {limit} entr{}",
                    if *limit == 1 { "y" } else { "ies" }
                ),
                "add the missing entries",
            );
        }
        ValidationErrorKind::MinProperties { .. } => {
            out.at(
                Code::S002,
                pointer,
                format!("{field} is empty"),
                "write the text, as a string or as `{da: ..., en: ...}`",
            );
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => {
            out.at(
                Code::S002,
                pointer,
                format!(
                    "{field} is {}, below the minimum {limit}",
                    describe_value(instance)
                ),
                "use a number within the allowed range",
            );
        }
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            out.at(
                Code::S002,
                pointer,
                format!(
                    "{field} is {}, above the maximum {limit}",
                    describe_value(instance)
                ),
                "use a number within the allowed range",
            );
        }
        other => {
            out.at(
                Code::S002,
                pointer,
                format!("{field}: {}", plain_error(other, instance)),
                "see `candor schema` for what this field accepts",
            );
        }
    }
}

fn plain_error(kind: &ValidationErrorKind, instance: &Value) -> String {
    match kind {
        ValidationErrorKind::Constant { expected_value } => format!("must be {expected_value}"),
        ValidationErrorKind::MaxItems { limit } => format!("has more than {limit} entries"),
        ValidationErrorKind::MaxLength { limit } => format!("is longer than {limit} characters"),
        ValidationErrorKind::MinLength { limit } => format!("is shorter than {limit} characters"),
        ValidationErrorKind::UniqueItems => "lists the same entry twice".into(),
        _ => format!("{} is not allowed here", describe_value(instance)),
    }
}

/// The names of the properties the object schema at `schema_path`'s parent allows.
fn allowed_properties(schema: &Value, schema_path: &str) -> Vec<String> {
    let parent = schema_path
        .rsplit_once('/')
        .map_or("", |(parent, _)| parent);
    let object = schema.pointer(parent);
    let mut names: Vec<String> = object
        .and_then(|o| o.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// "`/actions/2/owner`" → "`actions[2].owner`"; the root → "the report".
fn describe_field(pointer: &str) -> String {
    if pointer.is_empty() {
        "the file".into()
    } else {
        format!("`{}`", crate::diag::pointer_to_field(pointer))
    }
}

fn in_where(pointer: &str) -> String {
    if pointer.is_empty() {
        String::new()
    } else {
        format!(" in `{}`", crate::diag::pointer_to_field(pointer))
    }
}

fn required_help(kind: DocumentKind, name: &str) -> String {
    let example = match (kind, name) {
        (DocumentKind::Incident, "schema") => "`schema: 1`",
        (DocumentKind::Incident, "started_at" | "detected_at" | "at") => {
            "`2026-11-23T09:30:00+01:00`"
        }
        (DocumentKind::Incident, "status") => "`draft`, `preliminary` or `final`",
        (DocumentKind::Incident, "severity") => "`minor`, `major` or `critical`",
        (DocumentKind::Incident, "services") => "`[national-eid]`",
        (DocumentKind::Incident, "outage") => "`full` or `partial`",
        _ => "",
    };
    if example.is_empty() {
        format!("add `{name}:`; `candor schema` describes every field")
    } else {
        format!("add `{name}:`, e.g. {example}")
    }
}

fn text_problem(instance: &Value) -> (String, String) {
    let help = "write a string, or a map of language codes to strings such as `{da: \"...\", en: \"...\"}`".to_owned();
    match instance {
        Value::Object(map) => {
            if let Some(key) = map.keys().find(|k| !is_language_code(k)) {
                return (
                    format!("uses `{key}` as a language code"),
                    "use lowercase language codes such as `da` and `en` as keys".into(),
                );
            }
            if let Some((key, value)) = map.iter().find(|(_, v)| !v.is_string()) {
                return (
                    format!("has {} for `{key}`, not text", describe_value(value)),
                    help,
                );
            }
            ("is an empty map".into(), help)
        }
        other => (
            format!("should be text, not {}", describe_value(other)),
            help,
        ),
    }
}

fn is_language_code(key: &str) -> bool {
    (2..=3).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_lowercase())
}

fn type_name(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => json_type_name(*t).into(),
        TypeKind::Multiple(set) => {
            let names: Vec<&str> = set
                .iter()
                .filter(|t| *t != JsonType::Null)
                .map(json_type_name)
                .collect();
            names.join(" or ")
        }
    }
}

fn json_type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "a list",
        JsonType::Boolean => "`true` or `false`",
        JsonType::Integer => "a whole number",
        JsonType::Null => "empty",
        JsonType::Number => "a number",
        JsonType::Object => "a map of fields",
        JsonType::String => "text",
    }
}

fn type_help(kind: &TypeKind) -> &'static str {
    let single = match kind {
        TypeKind::Single(t) => Some(*t),
        TypeKind::Multiple(set) => set.iter().find(|t| *t != JsonType::Null),
    };
    match single {
        Some(JsonType::Array) => "write a list: `[a, b]`, or one `- item` per line",
        Some(JsonType::Object) => "write the fields indented under this key",
        Some(JsonType::Integer | JsonType::Number) => {
            "write the number without quotes or units, e.g. `2100000`"
        }
        Some(JsonType::Boolean) => "write `true` or `false`",
        Some(JsonType::String) => {
            "write text; quote it if it looks like a number, a date or `yes`/`no`"
        }
        _ => "see `candor schema` for what this field accepts",
    }
}

/// What exactly is wrong with a timestamp or a date, when it is a common slip: a space for
/// the `T`, no offset, no seconds, a day that does not exist, day-first order.
fn time_problem(format: &str, given: &str) -> Option<(String, String)> {
    let parses = |text: &str| chrono::DateTime::parse_from_rfc3339(text).is_ok();
    let date_part = given.get(..10).unwrap_or(given);
    if let Some(problem) = date_problem(date_part) {
        return Some(problem);
    }
    if format != "date-time" {
        return None;
    }
    let with_t = given.replacen(' ', "T", 1);
    if given.get(10..11) == Some(" ") && parses(&with_t) {
        return Some((
            "has a space where the `T` between the date and the time belongs".into(),
            format!("write `{with_t}`"),
        ));
    }
    let repaired = given
        .get(10..11)
        .map_or(given.to_owned(), |_| with_t.clone());
    if parses(&format!("{repaired}+01:00")) {
        return Some((
            "has no UTC offset, so it could be any time zone".into(),
            format!(
                "add the offset: `{repaired}+01:00` in Danish winter time, `+02:00` in summer, `Z` for UTC"
            ),
        ));
    }
    // `09:30+01:00`: the seconds are left out.
    if let Some(time) = repaired.get(11..16)
        && let Some(rest) = repaired.get(16..)
    {
        let with_seconds = format!("{}{time}:00{rest}", &repaired[..11]);
        if parses(&with_seconds) {
            return Some(("has no seconds".into(), format!("write `{with_seconds}`")));
        }
        if parses(&format!("{with_seconds}+01:00")) {
            return Some((
                "has no seconds and no UTC offset".into(),
                format!(
                    "write `{with_seconds}+01:00` (`+02:00` in Danish summer time, `Z` for UTC)"
                ),
            ));
        }
    }
    None
}

/// A date that is the right shape but does not exist (`2026-02-30`), or in another order.
fn date_problem(date: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    if parts.len() != 3 || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let number = |p: &str| p.parse::<u32>().ok();
    let (year, month, day) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 {
        return Some((
            "puts the day first".into(),
            format!(
                "write the date as year-month-day: `{}-{:0>2}-{:0>2}`",
                parts[2], parts[1], parts[0]
            ),
        ));
    } else {
        return None;
    };
    let (y, m, d) = (number(year)? as i32, number(month)?, number(day)?);
    if chrono::NaiveDate::from_ymd_opt(y, m, d).is_none() {
        let month_name = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]
        .get(m.wrapping_sub(1) as usize);
        return Some((
            match month_name {
                Some(name) => format!("is not a real date: {name} {y} has no day {d}"),
                None => format!("is not a real date: there is no month {m}"),
            },
            "check the day and the month".into(),
        ));
    }
    if date.contains(['/', '.']) || month.len() != 2 || day.len() != 2 {
        return Some((
            "is not written as `YYYY-MM-DD`".into(),
            format!("write `{y:04}-{m:02}-{d:02}`"),
        ));
    }
    None
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::String(s) if s.eq_ignore_ascii_case(".inf") || s.eq_ignore_ascii_case("+.inf") => {
            "infinity (`.inf`), which no count or amount can be".into()
        }
        Value::String(s) if s.eq_ignore_ascii_case("-.inf") => {
            "minus infinity (`-.inf`), which no count or amount can be".into()
        }
        Value::String(s) if s.eq_ignore_ascii_case(".nan") => "\"not a number\" (`.nan`)".into(),
        Value::Null => "empty".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            let ellipsis = if s.chars().count() > 40 { "..." } else { "" };
            format!("the text \"{short}{ellipsis}\"")
        }
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a map".into(),
    }
}
