//! One stage's content for a regulator, as JSON or Markdown: what `candor export` prints.
//!
//! The content is read from the report, candor.yaml and, for fields that are never
//! published, the private-fields file. Every field the stage requires and the sources lack is
//! listed under `missing`; fields Candor does not keep are listed under `complete_by_hand`.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};
use serde_json::Value;

use super::classify::{Classification, classify};
use super::fields::{Input, Origin, catalogue};
use super::limits::due;
use super::private::PrivateFields;
use super::{Subject, regime_title, stage_title};
use crate::model::{Regime, Stage};

/// One field with its value.
#[derive(Clone, Debug)]
pub struct FieldValue {
    /// The regulation's number or name for it.
    pub number: &'static str,
    /// Its name.
    pub name: &'static str,
    /// The article that asks for it.
    pub basis: &'static str,
    /// Where Candor read it.
    pub origin: Origin,
    /// Where Candor read it, in words.
    pub taken_from: &'static str,
    /// Whether the stage requires it.
    pub required: bool,
    /// The value, if the sources hold it.
    pub value: Option<Value>,
}

impl Serialize for FieldValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("FieldValue", 6)?;
        s.serialize_field("name", self.name)?;
        s.serialize_field("basis", self.basis)?;
        s.serialize_field("required", &self.required)?;
        s.serialize_field("from", self.origin.as_str())?;
        s.serialize_field("taken_from", self.taken_from)?;
        s.serialize_field("value", &self.value)?;
        s.end()
    }
}

/// The stage's time limit applied to the report.
#[derive(Clone, Debug, Serialize)]
pub struct TimeLimitView {
    /// The limit in words.
    pub rule: &'static str,
    /// The article it comes from.
    pub basis: &'static str,
    /// What it counts from.
    pub counted_from: String,
    /// The latest moment to send it (RFC 3339), or null when not due yet.
    pub due: Option<String>,
    /// When the log says it was sent, if it was.
    pub sent: Option<String>,
    /// Whether it was sent in time; null when not sent or not due yet.
    pub on_time: Option<bool>,
}

/// One stage's content.
#[derive(Clone, Debug)]
pub struct Export {
    /// The regime.
    pub regime: Regime,
    /// The stage.
    pub stage: Stage,
    /// The report's id.
    pub report: String,
    /// The report's file, relative to the repository.
    pub file: String,
    /// The language of texts.
    pub language: String,
    /// The articles the stage rests on.
    pub basis: &'static str,
    /// The time limit.
    pub time_limit: TimeLimitView,
    /// Every field of the stage, in the regulation's order.
    pub fields: Vec<FieldValue>,
    /// Required fields the sources lack: `number name (where to write it)`.
    pub missing: Vec<String>,
    /// Fields Candor does not keep.
    pub complete_by_hand: Vec<String>,
    /// Whether a private-fields file was read.
    pub private_file_read: bool,
}

impl Export {
    /// Whether every required field is there.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

struct Fields<'a>(&'a [FieldValue]);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Written as a map keyed by field number, in the regulation's order.
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for field in self.0 {
            map.serialize_entry(field.number, field)?;
        }
        map.end()
    }
}

impl Serialize for Export {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Export", 12)?;
        s.serialize_field("regime", self.regime.as_str())?;
        s.serialize_field("stage", self.stage.as_str())?;
        s.serialize_field("report", &self.report)?;
        s.serialize_field("file", &self.file)?;
        s.serialize_field("language", &self.language)?;
        s.serialize_field("basis", self.basis)?;
        s.serialize_field("time_limit", &self.time_limit)?;
        s.serialize_field("fields", &Fields(&self.fields))?;
        s.serialize_field("missing", &self.missing)?;
        s.serialize_field("complete_by_hand", &self.complete_by_hand)?;
        s.serialize_field("private_file_read", &self.private_file_read)?;
        s.serialize_field(
            "notice",
            "Prepared by Candor from the report; Candor sends nothing and does not judge whether the regime applies.",
        )?;
        s.end()
    }
}

/// The articles a stage rests on.
pub fn stage_basis(regime: Regime, stage: Stage) -> &'static str {
    match (regime, stage) {
        (Regime::Nis2, Stage::EarlyWarning) => "Directive (EU) 2022/2555 Art. 23(4)(a)",
        (Regime::Nis2, Stage::Notification) => "Directive (EU) 2022/2555 Art. 23(4)(b)",
        (Regime::Nis2, _) => "Directive (EU) 2022/2555 Art. 23(4)(d)",
        (Regime::Dora, Stage::Initial) => {
            "Regulation (EU) 2022/2554 Art. 19(4)(a); Delegated Regulation (EU) 2025/301 Art. 1, 2 and 5; Implementing Regulation (EU) 2025/302 Annex I"
        }
        (Regime::Dora, Stage::Intermediate) => {
            "Regulation (EU) 2022/2554 Art. 19(4)(b); Delegated Regulation (EU) 2025/301 Art. 1, 3 and 5; Implementing Regulation (EU) 2025/302 Annex I"
        }
        (Regime::Dora, _) => {
            "Regulation (EU) 2022/2554 Art. 19(4)(c); Delegated Regulation (EU) 2025/301 Art. 1, 4 and 5; Implementing Regulation (EU) 2025/302 Annex I"
        }
    }
}

/// Put together `stage` of `regime` for the subject's report, in `language`.
pub fn export(
    subject: &Subject<'_>,
    file: &str,
    regime: Regime,
    stage: Stage,
    language: &str,
    private: Option<&PrivateFields>,
) -> Export {
    let classification: Classification = classify(subject, regime);
    let input = Input {
        subject,
        stage,
        language,
        private,
        classification: &classification,
    };
    let fields: Vec<FieldValue> = catalogue(regime)
        .iter()
        .filter(|f| f.in_stage(stage))
        .map(|f| FieldValue {
            number: f.number,
            name: f.name,
            basis: f.basis,
            origin: f.origin,
            taken_from: f.taken_from,
            required: f.required,
            value: (f.value)(&input),
        })
        .collect();
    let missing = fields
        .iter()
        .filter(|f| f.required && f.value.is_none())
        .map(|f| format!("{} {} ({})", f.number, f.name, f.taken_from))
        .collect();
    let complete_by_hand = fields
        .iter()
        .filter(|f| f.origin == Origin::ByHand)
        .map(|f| format!("{} {}", f.number, f.name))
        .collect();
    let limit = super::limits::limit(regime, stage);
    let due = due(subject, regime, stage);
    let sent = subject.first_sent(regime, stage);
    let time_limit = TimeLimitView {
        rule: limit.map(|l| l.rule).unwrap_or_default(),
        basis: limit.map(|l| l.basis).unwrap_or_default(),
        counted_from: due
            .as_ref()
            .map(|d| d.from.clone())
            .unwrap_or_else(|| "not due yet: the incident is still being handled".to_owned()),
        due: due.as_ref().map(|d| d.by.to_rfc3339()),
        sent: sent.map(|s| s.to_rfc3339()),
        on_time: match (&due, sent) {
            (Some(due), Some(sent)) => Some(sent <= due.by),
            _ => None,
        },
    };
    Export {
        regime,
        stage,
        report: subject.incident.id.clone(),
        file: file.to_owned(),
        language: language.to_owned(),
        basis: stage_basis(regime, stage),
        time_limit,
        fields,
        missing,
        complete_by_hand,
        private_file_read: private.is_some(),
    }
}

/// The export as Markdown, for a person to read and paste from.
pub fn to_markdown(export: &Export) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# {}: {} for `{}`\n\n",
        regime_title(export.regime),
        stage_title(export.stage),
        export.report
    ));
    out.push_str(&format!(
        "Prepared by Candor from `{}` (texts in `{}`). Candor sends nothing and does not judge whether the regime applies.\n\nBasis: {}.\n\n",
        export.file, export.language, export.basis
    ));
    let t = &export.time_limit;
    out.push_str(&format!("**Time limit:** {} ({}).", t.rule, t.basis));
    match (&t.due, &t.sent, t.on_time) {
        (Some(due), Some(sent), Some(on_time)) => out.push_str(&format!(
            " Due by {due}, counted from {}; sent {sent}: {}.\n\n",
            t.counted_from,
            if on_time { "in time" } else { "late" }
        )),
        (Some(due), _, _) => out.push_str(&format!(
            " Due by {due}, counted from {}; not sent yet.\n\n",
            t.counted_from
        )),
        _ => out.push_str(&format!(" {}.\n\n", t.counted_from)),
    }
    if export.missing.is_empty() {
        out.push_str("Every required field is filled.\n\n");
    } else {
        out.push_str(&format!(
            "**Missing ({}):** required fields the report, candor.yaml{} do not hold:\n\n",
            export.missing.len(),
            if export.private_file_read {
                " and the private file"
            } else {
                " (and no --private file)"
            }
        ));
        for missing in &export.missing {
            out.push_str(&format!("- {missing}\n"));
        }
        out.push('\n');
    }
    for field in export.fields.iter().filter(|f| f.origin != Origin::ByHand) {
        out.push_str(&format!("## {} {}\n\n", field.number, field.name));
        out.push_str(&format!(
            "*{}; from {}{}*\n\n",
            field.basis,
            field.taken_from,
            if field.required { "; required" } else { "" }
        ));
        match &field.value {
            Some(value) => {
                out.push_str(&markdown_value(value));
                out.push_str("\n\n");
            }
            None => out.push_str("(not given)\n\n"),
        }
    }
    if !export.complete_by_hand.is_empty() {
        out.push_str("## To complete by hand\n\nCandor does not keep these fields:\n\n");
        for field in &export.complete_by_hand {
            out.push_str(&format!("- {field}\n"));
        }
    }
    out
}

fn markdown_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) if items.is_empty() => "(none)".to_owned(),
        Value::Array(items) => items
            .iter()
            .filter(|item| !item.is_null())
            .map(|item| format!("- {}", inline(item)))
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("- {k}: {}", inline(v)))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::String(text) => text.replace('\n', " "),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", inline(v)))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Array(items) if items.is_empty() => "none".to_owned(),
        Value::Array(items) => items.iter().map(inline).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// A classification as Markdown.
pub fn classification_markdown(classification: &Classification, report: &str) -> String {
    let verdict = match (classification.regime, classification.reportable) {
        (Regime::Dora, Some(true)) => "**Major** by the report's numbers",
        (Regime::Dora, Some(false)) => "**Not major** by the report's numbers",
        (Regime::Nis2, Some(true)) => "**Significant** by the report's numbers",
        (Regime::Nis2, Some(false)) => "**Not significant** by the report's numbers",
        (_, None) => "**Not assessed**: no number in the report can decide it",
    };
    let mut out = format!(
        "# {}: classification of `{report}`\n\n{verdict}. Rule: {}.\n\n",
        regime_title(classification.regime),
        classification.rule
    );
    if let Some(at) = &classification.classified_at {
        out.push_str(&format!(
            "The report records that the organisation classified the incident at {at} (`classified_at`).\n\n"
        ));
    }
    out.push_str("| criterion | met | from the report | basis |\n|---|---|---|---|\n");
    for c in &classification.criteria {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            c.name.replace('|', "\\|"),
            match c.met {
                Some(true) => "yes",
                Some(false) => "no",
                None => "not assessed",
            },
            c.detail.replace('|', "\\|"),
            c.basis
        ));
    }
    if classification.could_change {
        out.push_str("\nThe criteria marked \"not assessed\" are not in the report's numbers and could make the incident reportable: assess them yourself.\n");
    } else if classification.not_assessed().next().is_some() {
        out.push_str("\nCriteria marked \"not assessed\" are not in the report's numbers: assess them yourself.\n");
    }
    out
}
