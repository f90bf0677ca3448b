//! The table of every rule: code, name, default level, summary and explanation.
//!
//! This is the one place a rule is declared. `candor explain`, `candor rules`, the SARIF rule
//! metadata, the README table and the site's rule pages all read it.

use serde::{Serialize, Serializer};

use super::Level;

/// A rule code. The order of the variants is the order of [`RULES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)]
pub enum Code {
    S001,
    S002,
    S003,
    S004,
    S005,
    S006,
    S007,
    T001,
    T002,
    T003,
    A001,
    A002,
    A003,
    A004,
    A005,
    A006,
    A007,
    A008,
    A009,
    A010,
    A011,
    A012,
    A013,
    A014,
    A015,
    A016,
    A017,
    A018,
    A019,
    A020,
    A021,
    A022,
    W001,
    W002,
    W003,
}

/// The families of rules, by the first letter of the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// S: the file's structure. Data with a structure finding cannot be trusted.
    Structure,
    /// T: timestamps. Data with a time finding cannot be trusted.
    Time,
    /// A: accountability: what a report must say and what the organisation must do.
    Accountability,
    /// W: waivers.
    Waiver,
}

impl Code {
    /// The rule this code names.
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    /// The code as written, e.g. `A006`.
    pub fn as_str(self) -> &'static str {
        self.rule().code_str
    }

    /// The code for a string such as `a006` or `A006`.
    pub fn parse(text: &str) -> Option<Code> {
        RULES
            .iter()
            .find(|rule| rule.code_str.eq_ignore_ascii_case(text.trim()))
            .map(|rule| rule.code)
    }

    /// The family, from the code's letter.
    pub fn family(self) -> Family {
        match self.as_str().as_bytes()[0] {
            b'S' => Family::Structure,
            b'T' => Family::Time,
            b'W' => Family::Waiver,
            _ => Family::Accountability,
        }
    }

    /// Whether a report may accept this rule's findings with a waiver. Only accountability
    /// findings can be accepted; structure, time and waiver findings decide whether the data
    /// can be trusted at all. A final report without a known cause (A021) and placeholder
    /// text in a published report (A022) cannot be accepted either: they would publish a
    /// report that says nothing.
    pub fn is_waivable(self) -> bool {
        self.family() == Family::Accountability && !self.is_always_deny()
    }

    /// Whether `candor.yaml` may change this rule's level. Structure rules, A021 and A022
    /// stay deny.
    pub fn is_configurable(self) -> bool {
        self.family() != Family::Structure && !self.is_always_deny()
    }

    /// The accountability rules that no configuration or waiver can relax.
    fn is_always_deny(self) -> bool {
        matches!(self, Code::A021 | Code::A022)
    }

    /// Deadline and conduct rules, shown on report pages as "accountability notes".
    pub fn is_accountability_note(self) -> bool {
        matches!(
            self,
            Code::A005
                | Code::A008
                | Code::A009
                | Code::A010
                | Code::A011
                | Code::A012
                | Code::A013
                | Code::A019
                | Code::A020
        )
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's declaration.
#[derive(Debug)]
pub struct Rule {
    /// The code as an enum.
    pub code: Code,
    /// The code as written.
    pub code_str: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// Level when candor.yaml does not override it.
    pub default_level: Level,
    /// One line: when the rule fires.
    pub summary: &'static str,
    /// What it checks.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A failing example (YAML).
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

impl Rule {
    /// The explanation as Markdown, in the fixed sections.
    pub fn explanation_markdown(&self) -> String {
        format!(
            "## What it checks\n\n{}\n\n## Why it matters\n\n{}\n\n## Example\n\n```yaml\n{}\n```\n\n## How to fix\n\n{}\n",
            self.what,
            self.why,
            self.example.trim_end(),
            self.fix
        )
    }
}

macro_rules! rules {
    ($( $code:ident $name:literal $level:ident {
        summary: $summary:literal,
        what: $what:literal,
        why: $why:literal,
        example: $example:literal,
        fix: $fix:literal $(,)?
    } )*) => {
        /// Every rule, in code order.
        pub static RULES: &[Rule] = &[
            $( Rule {
                code: Code::$code,
                code_str: stringify!($code),
                name: $name,
                default_level: Level::$level,
                summary: $summary,
                what: $what,
                why: $why,
                example: $example,
                fix: $fix,
            }, )*
        ];
    };
}

rules! {
    S001 "yaml-syntax" Deny {
        summary: "the file is not valid YAML",
        what: "That the file is UTF-8 text, holds one YAML document, and parses: indentation, quotes and colons are right, no key appears twice in a map, and nesting and aliases stay within the limits in candor.yaml.",
        why: "A file that does not parse cannot be checked or published. Duplicate keys are worse: readers and tools disagree on which value counts.",
        example: "title: Login failed\nsummary: Citizens could not log in: the service was down\n#                                  ^ a second `: ` in an unquoted text",
        fix: "Fix the text at the line and column shown. Quote texts that contain `: ` or start with a special character, indent with spaces, and keep each key once.",
    }
    S002 "schema-violation" Deny {
        summary: "a field is missing, unknown, of the wrong type, or has a value not allowed",
        what: "Every field against the JSON Schema of the report format (and of candor.yaml): required fields, types, allowed values, formats of timestamps, dates and links. Every violation is reported, not only the first.",
        why: "Unknown fields are usually typos, and a typo silently drops information: `severty: critical` would leave the report without a severity.",
        example: "severty: critical        # not a field; did you mean `severity`?\nstarted_at: 2026-11-23   # a date, but a timestamp with offset is required",
        fix: "Use the field names and values the message lists. Timestamps are RFC 3339 with an offset (`2026-11-23T09:30:00+01:00`), dates are `YYYY-MM-DD`. Editors that know the schema (see the README) show these errors as you type.",
    }
    S003 "id-mismatch" Deny {
        summary: "the id differs from the file name, or breaks the id pattern",
        what: "That `id` uses only lowercase letters, digits and hyphens, is 3 to 80 characters long, and equals the file name without `.yaml`.",
        why: "The id is the report's permanent address on the site and in open data. If it can differ from the file name, two people can edit what they think are different reports.",
        example: "# incidents/2026/2026-11-23-eid-outage.yaml\nid: 2026-11-23-national-eid-outage",
        fix: "Rename the file or change the id so they match. Once a report is published, keep its id: links to it depend on it.",
    }
    S004 "duplicate-id" Deny {
        summary: "two files share an id, or two actions in one report share an id",
        what: "That report ids are unique across the repository and action ids are unique within a report.",
        why: "Two reports with one id would overwrite each other's page; two actions with one id make it impossible to tell which promise was kept.",
        example: "actions:\n  - id: A1\n    ...\n  - id: A1   # second A1",
        fix: "Give each report and each action its own id. Never reuse the id of a published action for a different promise.",
    }
    S005 "unknown-reference" Deny {
        summary: "an organisation or service key is not in candor.yaml",
        what: "That `organisation` and every entry of `services` are keys defined in candor.yaml, and that candor.yaml's own references (a service's organisation, `depends_on`) exist.",
        why: "Service pages and organisation track records are built from these keys. A misspelt key would hide the incident from the service's record.",
        example: "services: [national-id]   # candor.yaml defines national-eid",
        fix: "Use a key listed in candor.yaml (the message suggests the closest one), or add the organisation or service to candor.yaml.",
    }
    S006 "unsupported-schema" Deny {
        summary: "`schema` is not a supported version",
        what: "That `schema` is a version of the report format this release of Candor understands (1).",
        why: "A report written for another version may mean something different by the same fields; checking it as version 1 would give wrong answers.",
        example: "schema: 2",
        fix: "Write `schema: 1`, or upgrade Candor if the report was written for a newer version.",
    }
    S007 "file-too-large" Deny {
        summary: "a file is over the size limit",
        what: "That a report file is no larger than `limits.max_file_bytes` in candor.yaml (1 MiB by default).",
        why: "A real report is a few kilobytes. A huge file is an accident or an attempt to slow down every check and build that reads it.",
        example: "# incidents/2026/x.yaml is 40 MB: a log file was pasted into the summary",
        fix: "Keep logs and data out of the report; link to them under `references`. Raise the limit in candor.yaml only if a real report needs it.",
    }
    T001 "time-order" Deny {
        summary: "not started_at <= detected_at <= resolved_at, or the timeline is not chronological",
        what: "That the incident started before it was detected and was detected before it was resolved, and that timeline events are listed in time order.",
        why: "Durations, user-hours and the computed severity are derived from these times. Out-of-order times are typos that change the public numbers.",
        example: "started_at: 2026-11-23T09:30:00+01:00\ndetected_at: 2026-11-23T08:34:00+01:00   # before the start",
        fix: "Correct the timestamp, including its offset (`+01:00` in winter, `+02:00` in summer in Denmark), and list timeline events oldest first.",
    }
    T002 "event-before-start" Warn {
        summary: "a timeline event is earlier than started_at",
        what: "That no timeline event happened before the incident started.",
        why: "An event before the start usually means `started_at` is too late, which understates the duration and the user-hours.",
        example: "started_at: 2026-11-23T09:30:00+01:00\ntimeline:\n  - at: 2026-11-23T09:10:00+01:00\n    kind: detection",
        fix: "Move `started_at` back to when users were first affected, or correct the event's time.",
    }
    T003 "future-time" Deny {
        summary: "a timestamp is later than today",
        what: "That no timestamp (start, detection, resolution, timeline) lies after the check's today (`--today`, or the current time).",
        why: "An incident cannot be resolved in the future. A future time is a typo in the year, month or offset.",
        example: "resolved_at: 2027-11-23T13:55:00+01:00   # typed 2027 for 2026",
        fix: "Correct the timestamp. Promised dates belong in actions' `due` and in `next_update_due`, which may be in the future.",
    }
    A001 "missing-root-cause" Deny {
        summary: "a final report has no root_cause",
        what: "That a report with `status: final` has a `root_cause` section.",
        why: "A final report without a cause tells the public nothing about whether it will happen again. It is the most common way post-mortems avoid accountability.",
        example: "status: final\n# no root_cause",
        fix: "Add `root_cause` with `status`, `category`, `trigger` and `description`. If the cause is not known yet, the report is not final: keep it preliminary with `status: under-investigation` and a `next_update_due` date.",
    }
    A002 "vague-root-cause" Deny {
        summary: "the root cause is a placeholder or too short to explain anything",
        what: "That a confirmed or suspected root cause's `trigger` and `description`, in every language, are more than a stock phrase such as \"technical glitch\", \"minor operational disturbances\", \"human error\", \"under investigation\", \"teknisk fejl\" or \"driftsforstyrrelse\", and long enough to explain something (a trigger of at least three words, a description of at least eight).",
        why: "\"A technical error\" is not a cause. Citizens, parliament and supervisors need to know what failed and why it could, to judge whether the preventive actions fit.",
        example: "root_cause:\n  status: confirmed\n  category: system-failure\n  trigger: Teknisk fejl\n  description: Mindre driftsforstyrrelser",
        fix: "Name the concrete trigger (what changed or failed) and explain in the description why it could bring the service down: the missing safeguard, test or capacity.",
    }
    A003 "no-preventive-action" Deny {
        summary: "a final report has no action of type prevent",
        what: "That a final report lists at least one action with `type: prevent`.",
        why: "Mitigation limits the damage of the next incident; only prevention stops it. A final report that prevents nothing invites a repeat.",
        example: "status: final\nactions:\n  - {id: A1, type: mitigate, ...}",
        fix: "Add the change that stops this cause from recurring, as an action with `type: prevent`, an owner and a due date.",
    }
    A004 "action-unowned" Deny {
        summary: "an action lacks an owner or a due date",
        what: "That every action has a non-empty `owner` (a unit) and a `due` date.",
        why: "A promise without an owner or a date cannot be followed up, and the actions ledger cannot show whether it was kept.",
        example: "actions:\n  - id: A1\n    type: prevent\n    action: Add a second certificate\n    status: planned",
        fix: "Add `owner:` with the responsible unit (not a person's name) and `due:` with a date.",
    }
    A005 "action-overdue" Warn {
        summary: "an action is not done or dropped after its due date",
        what: "That no planned or in-progress action is past its `due` date.",
        why: "Overdue promises are shown in public: the point of publishing actions is that people can see whether they were kept.",
        example: "due: 2026-03-31\nstatus: in-progress   # checked in November",
        fix: "Finish the action and set `status: done` with `evidence`, or set a new `due` date (the change is visible in the report's history), or drop it with a `reason`.",
    }
    A006 "severity-understated" Deny {
        summary: "the declared severity is below the severity computed from impact",
        what: "That `severity` is at least the severity computed from the impact: user-hours (users affected times hours until resolution) and minutes of full outage, against the thresholds in candor.yaml (built in: critical at 1,000,000 user-hours or 240 minutes down; major at 10,000 user-hours, 20 minutes down or 100,000 users).",
        why: "Calling a nationwide outage \"minor\" is how incidents disappear from view. The severity decides who must be told and how fast.",
        example: "severity: minor\nimpact:\n  users_affected: {estimate: 2100000}\n  outage: full\n# 4 hours 25 minutes down: computed critical",
        fix: "Declare the computed severity. If the impact figures are wrong, correct them and say how they were measured in `users_affected.method`.",
    }
    A007 "impact-unquantified" Deny {
        summary: "a preliminary or final report has no users_affected estimate, or a final report no resolved_at",
        what: "That a published report estimates how many people were affected, and that a final report says when the incident was resolved.",
        why: "Without numbers the severity cannot be checked and the incident cannot be compared with others. An estimate with a range is better than none.",
        example: "status: preliminary\nimpact:\n  outage: full   # no users_affected",
        fix: "Add `impact.users_affected.estimate` (with `min`, `max` and `method` if you can), and `resolved_at` before marking the report final.",
    }
    A008 "final-report-overdue" Deny {
        summary: "the report is not final, and today is past resolved_at + final_days",
        what: "That a resolved incident gets its final report within `policy.deadlines.final_days` (30 by default) of `resolved_at`.",
        why: "Preliminary reports are where explanations get lost. The deadline makes the final account arrive while it still matters.",
        example: "status: preliminary\nresolved_at: 2026-09-01T12:00:00+02:00   # checked in November",
        fix: "Finish the report and set `status: final`. If the cause is still under investigation, say so publicly with a `next_update_due` date; the finding stays visible until the report is final.",
    }
    A009 "preliminary-overdue" Deny {
        summary: "the report is still a draft, and today is past detected_at + preliminary_hours",
        what: "That a draft becomes at least a preliminary report within `policy.deadlines.preliminary_hours` (24 by default) of detection.",
        why: "The public should not wait for the full investigation to learn what happened and who was affected.",
        example: "status: draft\ndetected_at: 2026-11-20T08:00:00+01:00   # checked on 2026-11-23",
        fix: "Publish what is known as `status: preliminary`, with the impact estimate and a root cause marked `under-investigation`.",
    }
    A010 "statement-understated" Warn {
        summary: "a public statement claimed a lower severity than the computed one",
        what: "That no public statement in the timeline has a `severity_claimed` below the severity computed from impact.",
        why: "\"Minor operational disturbances\" during a nationwide outage misleads the people who needed to know. Keeping the record lets readers see what they were told next to what was true.",
        example: "- at: 2026-11-23T10:05:00+01:00\n  kind: public-statement\n  channel: Status page\n  severity_claimed: minor\n  text: Mindre driftsforstyrrelser",
        fix: "Nothing can change what was said; keep the statement as it was. Explain in the report why the first assessment was wrong, and add an action that improves how incidents are classified. A waiver with a public reason records that this was reviewed.",
    }
    A011 "no-public-statement" Warn {
        summary: "a major or critical incident has no public statement in its timeline",
        what: "That a major or critical incident (declared or computed) has at least one `public-statement` event in its timeline.",
        why: "People affected by a major outage need to hear from the organisation while it happens, not only afterwards.",
        example: "severity: critical\ntimeline:\n  - {at: ..., kind: detection, text: ...}",
        fix: "Record the statements that were made (status page, press, social media) as `public-statement` events with their channel. If none was made, say so in the report and add a process action.",
    }
    A012 "late-first-statement" Warn {
        summary: "the first public statement came after first_statement_minutes",
        what: "That for a major or critical incident, the first public statement came within `policy.deadlines.first_statement_minutes` (60 by default) of detection.",
        why: "When a national service is down, people try again and again, call support, and miss deadlines. Early word saves them that.",
        example: "detected_at: 2026-11-23T09:34:00+01:00\n- at: 2026-11-23T11:50:00+01:00\n  kind: public-statement",
        fix: "Keep the real time in the timeline. Add a process action to speed up the first statement, such as pre-approved status-page texts.",
    }
    A013 "cause-unknown-no-update" Deny {
        summary: "the root cause is under investigation with no next_update_due, or that date has passed",
        what: "That a root cause marked `under-investigation` promises the date of the next update in `next_update_due`, and that the date has not passed.",
        why: "\"Under investigation\" must not become a permanent state. A date makes the follow-up visible.",
        example: "root_cause:\n  status: under-investigation\n  category: system-failure",
        fix: "Add `next_update_due: YYYY-MM-DD`. When it passes, publish the update: confirm the cause, or set a new date.",
    }
    A014 "dropped-without-reason" Deny {
        summary: "an action is dropped without a reason",
        what: "That every action with `status: dropped` gives a `reason`.",
        why: "Quietly dropping a promised action is how the same incident happens again. The reason is published next to it.",
        example: "- id: A3\n  status: dropped",
        fix: "Add `reason:` saying why the action was dropped and what, if anything, replaces it.",
    }
    A015 "recurring-incident" Warn {
        summary: "another incident on the same service had the same root cause category within recurrence_days",
        what: "That no earlier incident on one of the same services had the same root cause category within `policy.recurrence_days` (180 by default) before this one started.",
        why: "A recurrence suggests the earlier preventive actions did not work. Readers and supervisors should see the two together.",
        example: "# 2026-03-02 national-eid, third-party-failure\n# 2026-06-14 national-eid, third-party-failure",
        fix: "Refer to the earlier report under `references`, explain why its actions did not prevent this one, and add actions that address that. A waiver with a public reason can record that the incidents are unrelated.",
    }
    A016 "missing-translation" Warn {
        summary: "a text field lacks one of the site languages",
        what: "That every text field is written in every site language from candor.yaml, either as a map (`{da: ..., en: ...}`) or, for a plain string, in the report's `language` plus the others.",
        why: "A public site in two languages should tell the same story in both. Readers of a missing language see the text in another language, marked as such.",
        example: "language: da\nsite languages: [da, en]\ntitle: Login med national eID fejlede",
        fix: "Write the field as a map with one entry per site language: `title: {da: \"...\", en: \"...\"}`.",
    }
    A017 "withheld-without-basis" Deny {
        summary: "a withheld item has no legal basis",
        what: "That every entry in `withheld` names the legal basis for not publishing it.",
        why: "Secrecy needs a legal ground that readers can check. \"Security reasons\" alone is not one.",
        example: "withheld:\n  - what: Names of the affected subcontractors",
        fix: "Add `legal_basis:` with the provision that allows withholding it, and `disclose_by:` if it will be published later.",
    }
    A018 "done-without-evidence" Warn {
        summary: "an action is done with no evidence link",
        what: "That every action with `status: done` links to `evidence`.",
        why: "\"Done\" is a claim. A link to a change record, test report or audit lets readers verify it.",
        example: "- id: A1\n  status: done",
        fix: "Add `evidence:` with a link to what shows the action was carried out.",
    }
    A019 "preliminary-published-late" Warn {
        summary: "the report was first published later than the preliminary deadline",
        what: "When the report was first published (the first commit, on the history of the checked revision, in which its status was `preliminary` or `final`), measured against `detected_at` plus `policy.deadlines.preliminary_hours`. It needs the repository's git history; without it the rule cannot tell and stays silent.",
        why: "A009 (preliminary-overdue) stops firing the moment a report is published, so without this rule a late first report would leave no trace. A past lateness cannot be fixed, but it must never disappear from the public record: the report page states it permanently.",
        example: "detected_at: 2026-03-02T09:34:00+01:00   # deadline 24 hours later\n# first committed with `status: preliminary` on 2026-03-05",
        fix: "The lateness itself cannot be undone. Say in the report why it came late, and what will make the next one timely; if the organisation accepts the finding, add a waiver with that reason, which is published next to the report.",
    }
    A020 "final-published-late" Warn {
        summary: "the report was first published as final later than the final deadline",
        what: "When the report first became final (the first commit, on the history of the checked revision, in which its status was `final`), measured against `resolved_at` plus `policy.deadlines.final_days`. It needs the repository's git history.",
        why: "A008 (final-report-overdue) stops firing once the report is final, so a final report that came months late would otherwise look as timely as one that came on time.",
        example: "resolved_at: 2026-03-02T13:55:00+01:00   # final report due 30 days later\n# first committed with `status: final` on 2026-11-26, 269 days after resolution",
        fix: "The lateness itself cannot be undone. Explain the delay in the report; if the organisation accepts the finding, add a waiver with the reason, which is published next to the report.",
    }
    A021 "final-cause-unknown" Deny {
        summary: "a final report's root cause is not confirmed or suspected",
        what: "That a report with `status: final` has a root cause whose `status` is `confirmed` or `suspected`, not `under-investigation`.",
        why: "A final report is the complete account. One whose cause is still \"under investigation\" passes every other rule while explaining nothing, and citizens read it as closed. It cannot be waived or relaxed in candor.yaml.",
        example: "status: final\nroot_cause:\n  status: under-investigation\n  category: system-failure\n  trigger: Under undersøgelse",
        fix: "Keep the report `preliminary` until the cause is known, with `next_update_due` saying when the next update comes; or, if the most likely cause is known, mark it `suspected` and explain it.",
    }
    A022 "placeholder-text" Deny {
        summary: "a text of a preliminary or final report is a placeholder",
        what: "Every text of a published (preliminary or final) report, in every language, and every action's owner: TODO, FIXME, XXX, TBD, lorem ipsum, the prompts `candor new` writes (\"Write what happened here.\"), and their Danish equivalents (\"udfyldes\", \"skriv her\", ...). Drafts may hold them.",
        why: "A placeholder that reaches the public site tells citizens nothing and shows the report was published unfinished. It cannot be waived or relaxed in candor.yaml.",
        example: "status: preliminary\nsummary: \"TODO: skriv resumé\"",
        fix: "Write the real text, or keep the report a draft until it is written.",
    }
    W001 "waiver-without-reason" Deny {
        summary: "a waiver has an empty reason",
        what: "That every waiver gives a reason. A waiver without one does not apply.",
        why: "A waiver is published next to the report. Accepting a finding without saying why is not accountability.",
        example: "waivers:\n  - rule: A005",
        fix: "Add `reason:` explaining why the finding is accepted, in words the public can judge.",
    }
    W002 "unused-waiver" Warn {
        summary: "a waiver matches no finding",
        what: "That each waiver covers a finding that the report actually has (and names an accountability rule; structure, time and waiver rules cannot be waived).",
        why: "A stale waiver would silently accept a future finding that nobody has reviewed.",
        example: "waivers:\n  - rule: A005\n    reason: Supplier delay\n# but no action is overdue any more",
        fix: "Remove the waiver.",
    }
    W003 "expired-waiver" Deny {
        summary: "a waiver's until date has passed; the finding it covered is back",
        what: "That no waiver is past its `until` date. An expired waiver no longer applies.",
        why: "Waivers are meant to be temporary. The date forces a new look at the finding.",
        example: "waivers:\n  - rule: A005\n    reason: Supplier delivery slipped\n    until: 2026-06-30",
        fix: "Resolve the finding, or renew the waiver with a new `until` date and an updated reason.",
    }
}
