//! Waivers: a report accepts an accountability finding with a public reason, optionally until
//! a date. A waiver without a reason (W001) or past its date (W003) does not apply; a waiver
//! that covers nothing is reported (W002) so it cannot silently accept a future finding.

use crate::diag::{Arg, Message};
use chrono::NaiveDate;

use crate::diag::Finding;
use crate::diag::Position;
use crate::load::Node;
use crate::model::{Incident, Text};

use super::{Code, Context, Emitter};

/// One waiver as the rules need it, kept after the report is dropped.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct WaiverRecord {
    /// Index in `waivers`.
    pub index: usize,
    /// The rule code as written.
    pub rule: String,
    /// Whether a non-blank reason is given.
    pub has_reason: bool,
    /// The last day it applies.
    pub until: Option<NaiveDate>,
    /// Where the waiver starts.
    pub position: Position,
    /// Where `until` is written (or the waiver starts).
    pub until_position: Position,
}

impl WaiverRecord {
    /// The waivers of `incident`, with positions from its tree.
    pub fn of(incident: &Incident, root: &Node) -> Vec<WaiverRecord> {
        incident
            .waivers
            .iter()
            .enumerate()
            .map(|(index, waiver)| WaiverRecord {
                index,
                rule: waiver.rule.clone(),
                has_reason: waiver.reason.as_ref().is_some_and(|reason| match reason {
                    Text::Plain(s) => !s.trim().is_empty(),
                    Text::Localized(map) => map.values().any(|s| !s.trim().is_empty()),
                }),
                until: waiver.until,
                position: root.position_of(&format!("/waivers/{index}")),
                until_position: root.position_of(&format!("/waivers/{index}/until")),
            })
            .collect()
    }
}

/// Split one file's findings into those that stand and those a waiver covers, and add the
/// waiver findings (W001-W003).
pub(crate) fn apply_waivers(
    file: &str,
    findings: Vec<Finding>,
    waivers: &[WaiverRecord],
    context: &Context<'_>,
) -> (Vec<Finding>, Vec<Finding>) {
    let mut out = Emitter::new(file, None, context.levels);
    let mut standing = findings;
    let mut waived = Vec::new();
    let today = context.today_date();
    for waiver in waivers {
        let pointer = format!("/waivers/{}", waiver.index);
        if !waiver.has_reason {
            out.push(
                Code::W001,
                &format!("{pointer}/reason"),
                Some(waiver.position),
                Message::new("W001").with("rule", waiver.rule.as_str().into()),
                "add `reason:` explaining, for the public, why the finding is accepted".into(),
            );
            continue;
        }
        if let Some(until) = waiver.until
            && until < today
        {
            out.push(
                Code::W003,
                &format!("{pointer}/until"),
                Some(waiver.until_position),
                Message::new("W003")
                    .with("rule", waiver.rule.as_str().into())
                    .with("until", Arg::Date(until)),
                "resolve the finding, or renew the waiver with a new `until` date and an updated reason".into(),
            );
            continue;
        }
        let code = match Code::parse(&waiver.rule) {
            Some(code) if code.is_waivable() => code,
            other => {
                let key = match other {
                    Some(code) if code.family() == crate::diag::Family::Accountability => {
                        "W002_never_waived"
                    }
                    Some(_) => "W002_not_accountability",
                    None => "W002_not_a_rule",
                };
                out.push(
                    Code::W002,
                    &format!("{pointer}/rule"),
                    Some(waiver.position),
                    Message::new(key).with("rule", waiver.rule.as_str().into()),
                    "remove the waiver, or correct the rule code (see `candor rules`)".into(),
                );
                continue;
            }
        };
        let (covered, rest): (Vec<Finding>, Vec<Finding>) =
            standing.into_iter().partition(|f| f.code == code);
        standing = rest;
        if covered.is_empty() && !waived.iter().any(|f: &Finding| f.code == code) {
            out.push(
                Code::W002,
                &format!("{pointer}/rule"),
                Some(waiver.position),
                Message::new("W002").with("rule", code.as_str().into()),
                "remove the waiver; it would otherwise accept a future finding nobody has reviewed"
                    .into(),
            );
        }
        waived.extend(covered);
    }
    standing.extend(out.into_findings());
    (standing, waived)
}
