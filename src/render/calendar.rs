//! The promised actions as an iCalendar file (RFC 5545): one all-day event per open action on
//! its due date, so committee staff can subscribe to what is coming due.
//!
//! Each event's UID is the report id and the action id at the site's host, so a calendar that
//! imports the file again updates its events instead of adding copies. Text is escaped and
//! lines are folded at 75 octets as the RFC requires; lines end in CRLF.

use std::io::Write;

use super::markdown;
use super::views::{Localizer, organisation_name};
use crate::model::ActionStatus;
use crate::site::Model;

/// Write the calendar of one language to `out`, one report's events at a time (at 100,000
/// reports the file is tens of megabytes).
pub(super) fn write_actions(
    model: &Model<'_>,
    l: &Localizer<'_>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let base = super::data::base_url(model.config);
    let host = base
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("candor.invalid")
        .to_owned();
    let stamp = model.today.format("%Y%m%dT%H%M%SZ").to_string();
    let site_title = l
        .text(
            &model.config.file.site.title,
            model.config.default_language(),
        )
        .text;
    let mut lines = String::new();
    let mut line = |text: &str| fold(&mut lines, text);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!(
        "PRODID:-//Candor//Candor {}//{}",
        env!("CARGO_PKG_VERSION"),
        l.lang.to_uppercase()
    ));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!(
        "X-WR-CALNAME:{}",
        escape(&format!("{site_title}: {}", l.t("calendar.name")))
    ));
    out.write_all(lines.as_bytes())?;
    for report in &model.reports {
        let mut lines = String::new();
        let mut line = |text: &str| fold(&mut lines, text);
        let incident = report.incident();
        let url = format!(
            "{}#actions",
            super::data::report_url(&base, l.lang, &incident.id)
        );
        let title = l.text(&incident.title, &incident.language).text;
        let organisation = organisation_name(model, &incident.organisation, l);
        for (action, record) in incident.actions.iter().zip(&report.actions) {
            let Some(due) = action.due else {
                continue;
            };
            if !matches!(
                action.status,
                ActionStatus::Planned | ActionStatus::InProgress
            ) {
                continue;
            }
            let what = markdown::to_plain(action.action.resolve(l.lang, &incident.language).0);
            let mut description = format!(
                "{title}\n{}",
                l.t(&format!("action_status.{}", action.status.as_str()))
            );
            if let Some(days) = record.days_overdue {
                description.push_str(&format!(
                    "\n{}",
                    l.strings
                        .count("promise.days_overdue", days.max(0) as usize)
                ));
            }
            if record.promise.postponements > 0 {
                description.push_str(&format!(
                    "\n{}",
                    l.strings
                        .count("promise.postponed", record.promise.postponements as usize)
                ));
            }
            line("BEGIN:VEVENT");
            line(&format!(
                "UID:{}.{}@{host}",
                incident.id,
                action.id.to_ascii_lowercase()
            ));
            line(&format!("DTSTAMP:{stamp}"));
            line(&format!("DTSTART;VALUE=DATE:{}", due.format("%Y%m%d")));
            if let Some(next) = due.succ_opt() {
                line(&format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
            }
            line(&format!(
                "SUMMARY:{}",
                escape(&format!("{} ({organisation}): {what}", action.id))
            ));
            line(&format!("DESCRIPTION:{}", escape(&description)));
            line(&format!("URL:{}", escape_uri(&url)));
            line("TRANSP:TRANSPARENT");
            line("END:VEVENT");
        }
        out.write_all(lines.as_bytes())?;
    }
    let mut lines = String::new();
    fold(&mut lines, "END:VCALENDAR");
    out.write_all(lines.as_bytes())?;
    Ok(())
}

/// Escape a TEXT value: backslash, semicolon, comma and line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value holds no line breaks or controls (the site's addresses never do; this keeps a
/// malformed one from breaking the file).
fn escape_uri(uri: &str) -> String {
    uri.chars().filter(|c| !c.is_control()).collect()
}

/// Append `line`, folded into lines of at most 75 octets (never inside a character), each
/// ending in CRLF; continuation lines start with a space.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let size = c.len_utf8();
        if width + size > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += size;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        let text = format!("SUMMARY:{}", "æ".repeat(60));
        fold(&mut out, &text);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical}",
                physical.len()
            );
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, text);
    }

    #[test]
    fn text_values_escape_the_separators() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
