//! Rules across reports: report ids unique in the repository (S004) and recurring incidents
//! (A015). They work on [`Summary`] records, sorted and grouped, so they stay O(n log n) at
//! any repository size.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;

use crate::diag::{Arg, Finding, Message};
use crate::model::CauseCategory;

use super::{Code, Context, Emitter, Summary};

/// Findings that need every report: duplicate ids, recurrences, and publication from history.
pub(crate) fn check_repository(summaries: &[&Summary], context: &Context<'_>) -> Vec<Finding> {
    let mut findings = super::publication::check(summaries, context);

    // By id, in order of id, each id's reports in their order: a sort, not a map, as almost
    // every id is used once (a list for each would be thousands of allocations).
    let mut by_id: Vec<&Summary> = summaries.to_vec();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    for group in by_id
        .chunk_by(|a, b| a.id == b.id)
        .filter(|group| group.len() > 1)
    {
        let id = group[0].id.as_str();
        for summary in group.iter().filter(|s| context.wants(&s.file)) {
            let others: Vec<&str> = group
                .iter()
                .filter(|other| other.file != summary.file)
                .map(|other| other.file.as_str())
                .collect();
            let mut out = Emitter::new(&summary.file, None, context.levels);
            out.push(
                Code::S004,
                "/id",
                Some(summary.id_position),
                format!("the id `{id}` is also used by {}", others.join(", ")),
                "give each report its own id (and file name); keep the published one's id unchanged".into(),
            );
            findings.extend(out.into_findings());
        }
    }

    let window = Duration::days(i64::from(context.config.policy.recurrence_days));
    let mut by_service_cause: BTreeMap<(&str, CauseCategory), Vec<&Summary>> = BTreeMap::new();
    for summary in summaries
        .iter()
        .copied()
        .filter(|s| s.status.is_published())
    {
        if let Some((category, _)) = summary.cause {
            for service in &summary.services {
                by_service_cause
                    .entry((service.as_str(), category))
                    .or_default()
                    .push(summary);
            }
        }
    }
    let mut reported: BTreeSet<(&str, &str)> = BTreeSet::new();
    for ((service, category), mut group) in by_service_cause {
        group.sort_by(|a, b| a.started_at.cmp(&b.started_at).then(a.file.cmp(&b.file)));
        for pair in group.windows(2) {
            let (earlier, later) = (pair[0], pair[1]);
            if later.started_at - earlier.started_at > window
                || !context.wants(&later.file)
                || !reported.insert((later.file.as_str(), earlier.file.as_str()))
            {
                continue;
            }
            let days = (later.started_at - earlier.started_at).num_days();
            let mut out = Emitter::new(&later.file, None, context.levels);
            out.push(
                Code::A015,
                "/root_cause/category",
                later.cause.map(|(_, position)| position),
                Message::new("A015")
                    .with(
                        "service",
                        context
                            .config
                            .file
                            .services
                            .get(service)
                            .map(|s| s.name.to_name_arg(context.config.default_language()))
                            .unwrap_or_else(|| service.into()),
                    )
                    .with("category", Arg::Word("word.cause_category", category.as_str().to_owned()))
                    .with("days", Arg::Quantity("day", days))
                    .with("other", earlier.title.to_arg(&earlier.language)),
                format!(
                    "refer to `{}` under `references`, explain why its actions did not prevent this one, and add actions that address that",
                    earlier.id
                )
                .into(),
            );
            findings.extend(out.into_findings());
        }
    }
    findings
}
