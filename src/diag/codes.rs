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
    A023,
    A024,
    A025,
    A026,
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

    /// The rules on regulator notifications (A025, A026): shown on a public page only where
    /// the organisation publishes its notifications.
    pub fn is_regulator_rule(self) -> bool {
        matches!(self, Code::A025 | Code::A026)
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
                | Code::A024
                | Code::A025
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
    /// A failing example (YAML). The rule's summary and explanation (what it checks, why it
    /// matters, how to fix it) are in the translation files, under `rule_text.<code>`.
    pub example: &'static str,
}

macro_rules! rules {
    ($( $code:ident $name:literal $level:ident {
        example: $example:literal $(,)?
    } )*) => {
        /// Every rule, in code order.
        pub static RULES: &[Rule] = &[
            $( Rule {
                code: Code::$code,
                code_str: stringify!($code),
                name: $name,
                default_level: Level::$level,
                example: $example,
            }, )*
        ];
    };
}

rules! {
    S001 "yaml-syntax" Deny {
        example: "title: Login failed\nsummary: Citizens could not log in: the service was down\n#                                  ^ a second `: ` in an unquoted text",
    }
    S002 "schema-violation" Deny {
        example: "severty: critical        # not a field; did you mean `severity`?\nstarted_at: 2026-11-23   # a date, but a timestamp with offset is required",
    }
    S003 "id-mismatch" Deny {
        example: "# incidents/2026/2026-11-23-eid-outage.yaml\nid: 2026-11-23-national-eid-outage",
    }
    S004 "duplicate-id" Deny {
        example: "actions:\n  - id: A1\n    ...\n  - id: A1   # second A1",
    }
    S005 "unknown-reference" Deny {
        example: "services: [national-id]   # candor.yaml defines national-eid",
    }
    S006 "unsupported-schema" Deny {
        example: "schema: 2",
    }
    S007 "file-too-large" Deny {
        example: "# incidents/2026/x.yaml is 40 MB: a log file was pasted into the summary",
    }
    T001 "time-order" Deny {
        example: "started_at: 2026-11-23T09:30:00+01:00\ndetected_at: 2026-11-23T08:34:00+01:00   # before the start",
    }
    T002 "event-before-start" Warn {
        example: "started_at: 2026-11-23T09:30:00+01:00\ntimeline:\n  - at: 2026-11-23T09:10:00+01:00\n    kind: detection",
    }
    T003 "future-time" Deny {
        example: "resolved_at: 2027-11-23T13:55:00+01:00   # typed 2027 for 2026",
    }
    A001 "missing-root-cause" Deny {
        example: "status: final\n# no root_cause",
    }
    A002 "vague-root-cause" Deny {
        example: "root_cause:\n  status: confirmed\n  category: system-failure\n  trigger: Teknisk fejl\n  description: Mindre driftsforstyrrelser",
    }
    A003 "no-preventive-action" Deny {
        example: "status: final\nactions:\n  - {id: A1, type: mitigate, ...}",
    }
    A004 "action-unowned" Deny {
        example: "actions:\n  - id: A1\n    type: prevent\n    action: Add a second certificate\n    status: planned",
    }
    A005 "action-overdue" Warn {
        example: "due: 2026-03-31\nstatus: in-progress   # checked in November",
    }
    A006 "severity-understated" Deny {
        example: "severity: minor\nimpact:\n  users_affected: {estimate: 2100000}\n  outage: full\n# 4 hours 25 minutes down: computed critical",
    }
    A007 "impact-unquantified" Deny {
        example: "status: preliminary\nimpact:\n  outage: full   # no users_affected",
    }
    A008 "final-report-overdue" Deny {
        example: "status: preliminary\nresolved_at: 2026-09-01T12:00:00+02:00   # checked in November",
    }
    A009 "preliminary-overdue" Deny {
        example: "status: draft\ndetected_at: 2026-11-20T08:00:00+01:00   # checked on 2026-11-23",
    }
    A010 "statement-understated" Warn {
        example: "- at: 2026-11-23T10:05:00+01:00\n  kind: public-statement\n  channel: Status page\n  severity_claimed: minor\n  text: Mindre driftsforstyrrelser",
    }
    A011 "no-public-statement" Warn {
        example: "severity: critical\ntimeline:\n  - {at: ..., kind: detection, text: ...}",
    }
    A012 "late-first-statement" Warn {
        example: "detected_at: 2026-11-23T09:34:00+01:00\n- at: 2026-11-23T11:50:00+01:00\n  kind: public-statement",
    }
    A013 "cause-unknown-no-update" Deny {
        example: "root_cause:\n  status: under-investigation\n  category: system-failure",
    }
    A014 "dropped-without-reason" Deny {
        example: "- id: A3\n  status: dropped",
    }
    A015 "recurring-incident" Warn {
        example: "# 2026-03-02 national-eid, third-party-failure\n# 2026-06-14 national-eid, third-party-failure",
    }
    A016 "missing-translation" Warn {
        example: "language: da\nsite languages: [da, en]\ntitle: Login med national eID fejlede",
    }
    A017 "withheld-without-basis" Deny {
        example: "withheld:\n  - what: Names of the affected subcontractors",
    }
    A018 "done-without-evidence" Warn {
        example: "- id: A1\n  status: done",
    }
    A019 "preliminary-published-late" Warn {
        example: "detected_at: 2026-03-02T09:34:00+01:00   # deadline 24 hours later\n# first committed with `status: preliminary` on 2026-03-05",
    }
    A020 "final-published-late" Warn {
        example: "resolved_at: 2026-03-02T13:55:00+01:00   # final report due 30 days later\n# first committed with `status: final` on 2026-11-26, 269 days after resolution",
    }
    A021 "final-cause-unknown" Deny {
        example: "status: final\nroot_cause:\n  status: under-investigation\n  category: system-failure\n  trigger: Under undersøgelse",
    }
    A022 "placeholder-text" Deny {
        example: "status: preliminary\nsummary: \"TODO: skriv resumé\"",
    }
    A023 "unverified-import" Deny {
        example: "status: preliminary\nsource:\n  format: statuspage\n  id: 2yb2tvwny50l\n  retrieved_at: 2026-04-03T09:00:00Z\n  unverified: [/detected_at, /severity]",
    }
    A024 "promised-update-missed" Warn {
        example: "timeline:\n  - at: 2026-03-31T13:56:00Z\n    kind: public-statement\n    channel: Status page\n    text: We will provide an update by 14:30 UTC.\n    next_update_at: 2026-03-31T14:30:00Z\n  - at: 2026-03-31T15:10:00Z\n    kind: public-statement\n    channel: Status page\n    text: This incident has been resolved.",
    }
    A025 "notification-late" Deny {
        example: "# candor.yaml: organisations.bank-a.regimes: [dora]\ndetected_at: 2026-03-02T08:00:00+01:00\nclassified_at: 2026-03-02T09:00:00+01:00   # initial notification due 13:00\nnotifications:\n  - regime: dora\n    stage: initial\n    at: 2026-03-02T15:30:00+01:00\n    authority: Finanstilsynet",
    }
    A026 "notification-content-missing" Warn {
        example: "# candor.yaml: organisations.bank-a.regimes: [dora]\nnotifications:\n  - regime: dora\n    stage: initial\n    at: 2026-03-02T11:00:00+01:00\n    authority: Finanstilsynet\n# but no classified_at and no business_continuity_activated",
    }
    W001 "waiver-without-reason" Deny {
        example: "waivers:\n  - rule: A005",
    }
    W002 "unused-waiver" Warn {
        example: "waivers:\n  - rule: A005\n    reason: Supplier delay\n# but no action is overdue any more",
    }
    W003 "expired-waiver" Deny {
        example: "waivers:\n  - rule: A005\n    reason: Supplier delivery slipped\n    until: 2026-06-30",
    }
}
