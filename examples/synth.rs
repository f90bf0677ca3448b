//! Generate a synthetic reports repository for benchmarks: N valid, realistic, bilingual
//! reports of 3-15 KB, deterministic from a seed, optionally with a git history of C commits
//! that create and then amend the reports (status changes, actions done, dates moved).
//!
//! ```sh
//! cargo run --release --example synth -- --reports 10000 --seed 7 --out /tmp/repo [--commits 4000]
//! ```
//!
//! Every report passes `candor check --today 2026-12-01` without a deny finding: severities
//! are computed with Candor's own impact function, deadlines are met, and texts are long
//! enough for the accountability rules. History is written with `git fast-import`, so
//! thousands of commits take seconds.

// A command-line tool: its messages go to standard error.
#![allow(clippy::print_stderr)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

use candor::config::Policy;
use candor::impact;
use candor::model::{Impact, Incident, Outage, Severity, Status, Text, UsersAffected};

/// A small deterministic generator (SplitMix64), so the output depends only on the seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const SERVICES: &[(&str, &str, &str, &str)] = &[
    (
        "national-eid",
        "agency-for-digital-identity",
        "National eID-login",
        "National eID login",
    ),
    (
        "eid-app",
        "agency-for-digital-identity",
        "eID-appen",
        "eID app",
    ),
    (
        "digital-post",
        "agency-for-public-digital-services",
        "Digital Post",
        "Digital Post",
    ),
    (
        "health-portal",
        "health-data-authority",
        "Sundhedsportalen",
        "Health portal",
    ),
    (
        "tax-portal",
        "tax-administration",
        "Skatteportalen",
        "Tax portal",
    ),
    (
        "business-portal",
        "business-authority",
        "Virksomhedsportalen",
        "Business portal",
    ),
    (
        "benefits",
        "payments-agency",
        "Ydelsesportalen",
        "Benefits portal",
    ),
    (
        "citizen-portal",
        "agency-for-public-digital-services",
        "Borgerportalen",
        "Citizen portal",
    ),
];

const ORGANISATIONS: &[(&str, &str, &str)] = &[
    (
        "agency-for-digital-identity",
        "Styrelsen for Digital Identitet",
        "Agency for Digital Identity",
    ),
    (
        "agency-for-public-digital-services",
        "Styrelsen for Offentlige Digitale Tjenester",
        "Agency for Public Digital Services",
    ),
    (
        "health-data-authority",
        "Sundhedsdatamyndigheden",
        "Health Data Authority",
    ),
    (
        "tax-administration",
        "Skatteforvaltningen",
        "Tax Administration",
    ),
    (
        "business-authority",
        "Erhvervsmyndigheden",
        "Business Authority",
    ),
    ("payments-agency", "Udbetalingsstyrelsen", "Payments Agency"),
];

const TRIGGERS: &[(&str, &str)] = &[
    (
        "Et udløbet certifikat i signeringstjenesten afviste alle login",
        "An expired certificate in the signing service rejected every login",
    ),
    (
        "En konfigurationsændring i lastbalanceringen sendte al trafik til ét datacenter",
        "A configuration change in the load balancer sent all traffic to one data centre",
    ),
    (
        "En firmwareopdatering af lagersystemet overskrev metadata",
        "A firmware update of the storage system overwrote metadata",
    ),
    (
        "En databaseforespørgsel fik en ny og langt langsommere plan efter en statistikopdatering",
        "A database query got a new and far slower plan after a statistics update",
    ),
    (
        "Leverandørens navneserver svarede ikke i 40 minutter",
        "The supplier's name server did not answer for 40 minutes",
    ),
    (
        "Et overbelastningsangreb fra tusindvis af kaprede enheder ramte login-tjenesten",
        "A denial-of-service attack from thousands of hijacked devices hit the login service",
    ),
    (
        "En operatør kørte en gendannelse mod produktion i stedet for testmiljøet",
        "An operator ran a restore against production instead of the test environment",
    ),
    (
        "Strømsvigt i det ene datacenter under et tordenvejr",
        "A power failure in one data centre during a thunderstorm",
    ),
];

const CAUSES: &[(&str, &str)] = &[
    (
        "Fejlbeskeder fra det automatiske job blev sendt til en postkasse, som ingen læste, og der var ingen overvågning af udløbsdatoer.",
        "Error messages from the automated job went to a mailbox nobody read, and expiry dates were not monitored.",
    ),
    (
        "Ændringen blev ikke testet med produktionens trafikmønster, og tilbagerulning krævede manuel godkendelse uden for arbejdstid.",
        "The change was not tested with production's traffic pattern, and rolling back required manual approval outside working hours.",
    ),
    (
        "Opdateringen blev rullet ud på alle systemer samtidig i stedet for ét ad gangen, så der ikke var et sundt system at falde tilbage på.",
        "The update was rolled out to every system at once instead of one at a time, so there was no healthy system to fall back on.",
    ),
    (
        "Ydelsestests kørte på en kopi med gamle data og fangede ikke, at tabellen var vokset 40 procent siden sidste test.",
        "Performance tests ran on a copy with old data and did not catch that the table had grown 40 percent since the last test.",
    ),
    (
        "Aftalen med leverandøren indeholdt ingen krav om redundans, og vores overvågning målte kun vores egne servere.",
        "The contract with the supplier had no redundancy requirement, and our monitoring only measured our own servers.",
    ),
    (
        "Filtreringen hos internetudbyderen krævede manuel aktivering, og beredskabets kontaktliste var forældet.",
        "Filtering at the internet provider required manual activation, and the contingency contact list was out of date.",
    ),
];

const CATEGORIES: &[&str] = &[
    "system-failure",
    "human-error",
    "malicious-action",
    "third-party-failure",
    "natural-phenomenon",
];

const SENTENCES: &[(&str, &str)] = &[
    (
        "Borgere kunne ikke logge ind og fik en fejlbesked.",
        "Citizens could not log in and got an error message.",
    ),
    (
        "Kundeservice modtog mange flere opkald end normalt.",
        "Customer service received many more calls than usual.",
    ),
    (
        "Tjenesten svarede meget langsomt for en del af brugerne.",
        "The service responded very slowly for some of the users.",
    ),
    (
        "Frister for indberetning blev forlænget med én dag.",
        "Filing deadlines were extended by one day.",
    ),
    (
        "Apoteker og lægevagter kunne fortsat bruge deres egne systemer.",
        "Pharmacies and out-of-hours doctors could still use their own systems.",
    ),
    (
        "Nye breve kom frem som normalt, men ældre breve kunne ikke åbnes.",
        "New letters arrived as usual, but older letters could not be opened.",
    ),
    (
        "Vi beklager de gener, hændelsen har givet.",
        "We apologise for the inconvenience the incident caused.",
    ),
    (
        "Hændelsen ramte især brugere, der loggede ind fra mobilen.",
        "The incident mostly affected users logging in from a phone.",
    ),
];

const ACTIONS: &[(&str, &str)] = &[
    (
        "Overvåg udløbsdatoen for alle certifikater med alarm 60, 30 og 7 dage før.",
        "Monitor the expiry date of every certificate, alerting 60, 30 and 7 days ahead.",
    ),
    (
        "Rul ændringer ud på ét datacenter ad gangen med automatisk tilbagerulning.",
        "Roll out changes one data centre at a time with automatic rollback.",
    ),
    (
        "Test gendannelse af alle lagerområder hvert kvartal og offentliggør resultatet.",
        "Test restoring every storage area each quarter and publish the result.",
    ),
    (
        "Indfør et aktivt reservecertifikat i signeringstjenesten.",
        "Introduce an active standby certificate in the signing service.",
    ),
    (
        "Stil krav om redundans i den næste kontrakt med leverandøren.",
        "Require redundancy in the next contract with the supplier.",
    ),
    (
        "Automatisér aktivering af filtrering ved unormal trafik.",
        "Automate activation of filtering on abnormal traffic.",
    ),
    (
        "Opdatér beredskabsplanen med procedurer uden for arbejdstid.",
        "Update the contingency plan with procedures outside working hours.",
    ),
];

const OWNERS: &[&str] = &[
    "Platform operations",
    "Security office",
    "Communications office",
    "Procurement office",
    "Architecture board",
    "Test team",
];

struct Options {
    reports: usize,
    seed: u64,
    out: PathBuf,
    commits: usize,
    /// Also write the same reports as a two-language Hugo site, for comparison.
    hugo: Option<PathBuf>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        reports: 1000,
        seed: 7,
        out: PathBuf::from("synthetic-repo"),
        commits: 0,
        hugo: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--reports" => {
                options.reports = value()?.parse().map_err(|e| format!("--reports: {e}"))?
            }
            "--seed" => options.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => options.out = PathBuf::from(value()?),
            "--commits" => {
                options.commits = value()?.parse().map_err(|e| format!("--commits: {e}"))?
            }
            "--hugo" => options.hugo = Some(PathBuf::from(value()?)),
            other => {
                return Err(format!(
                    "unknown argument {other}; use --reports N --seed S --out DIR [--commits C] [--hugo DIR]"
                ));
            }
        }
    }
    Ok(options)
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("synth: {message}");
            std::process::exit(2);
        }
    };
    if options.out.exists()
        && std::fs::read_dir(&options.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!(
            "synth: {} exists and is not empty; choose a new folder",
            options.out.display()
        );
        std::process::exit(2);
    }
    if let Err(error) = generate(&options) {
        eprintln!("synth: {error}");
        std::process::exit(1);
    }
}

fn generate(options: &Options) -> std::io::Result<()> {
    std::fs::create_dir_all(&options.out)?;
    std::fs::write(options.out.join("candor.yaml"), config_text())?;
    let mut random = Random(options.seed);
    let reports: Vec<(String, Vec<String>)> = (0..options.reports)
        .map(|index| {
            let seed = random.next();
            versions(index, seed)
        })
        .collect();
    if let Some(hugo) = &options.hugo {
        write_hugo_site(hugo, &reports)?;
    }
    if options.commits == 0 {
        for (path, versions) in &reports {
            let path = options.out.join(path);
            std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
            std::fs::write(path, versions.last().map(String::as_str).unwrap_or(""))?;
        }
        return Ok(());
    }
    write_history(options, &reports, &mut random)
}

/// The successive versions of one report: first published text, then amendments.
fn versions(index: usize, seed: u64) -> (String, Vec<String>) {
    let mut random = Random(seed);
    let start_day = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap_or_default()
        + Duration::days(((index as u64 * 3 + random.below(3)) % 3200) as i64);
    let offset = FixedOffset::east_opt(3600)
        .unwrap_or(FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()));
    let started = offset
        .from_local_datetime(
            &start_day
                .and_hms_opt(random.range(0, 22) as u32, random.range(0, 59) as u32, 0)
                .unwrap_or_default(),
        )
        .single()
        .unwrap_or_else(|| Utc::now().fixed_offset());
    let id = format!(
        "{}-synthetic-incident-{index:06}",
        start_day.format("%Y-%m-%d")
    );
    let path = format!("incidents/{}/{id}.yaml", start_day.format("%Y"));
    let first = render(&mut Random(seed), &id, started, 0);
    let second = render(&mut Random(seed), &id, started, 1);
    let third = render(&mut Random(seed), &id, started, 2);
    (path, vec![first, second, third])
}

/// One report. `revision` 0 is the first publication; later revisions mark actions done,
/// move a due date, and raise the users-affected estimate, as real amendments do.
fn render(random: &mut Random, id: &str, started: DateTime<FixedOffset>, revision: u32) -> String {
    let (service, organisation, _, _) = *random.pick(SERVICES);
    let detected = started + Duration::minutes(random.range(1, 30) as i64);
    let duration = Duration::minutes(random.range(15, 60 * 30) as i64);
    let resolved = detected + duration;
    let mut users = random.range(500, 2_500_000);
    if revision >= 2 {
        users += users / 10;
    }
    let outage = if random.below(3) == 0 {
        Outage::Full
    } else {
        Outage::Partial
    };
    let incident = skeleton(
        id,
        organisation,
        service,
        started,
        detected,
        resolved,
        users,
        outage,
    );
    let figures = impact::assess(&incident, &Policy::default(), Utc::now());
    let severity = figures.computed;

    let mut y = String::with_capacity(16 * 1024);
    let _ = writeln!(
        y,
        "# yaml-language-server: $schema=../../schema/incident.schema.json"
    );
    let _ = writeln!(y, "schema: 1\nid: {id}");
    let (trigger_da, trigger_en) = *random.pick(TRIGGERS);
    let _ = writeln!(
        y,
        "title: {{da: {}, en: {}}}",
        quote(&format!("Hændelse {id}")),
        quote(&format!("Incident {id}"))
    );
    let _ = writeln!(
        y,
        "language: da\nstatus: final\norganisation: {organisation}\nservices: [{service}]"
    );
    let _ = writeln!(y, "severity: {}", severity.as_str());
    let _ = writeln!(
        y,
        "started_at: {}\ndetected_at: {}\nresolved_at: {}",
        started.to_rfc3339(),
        detected.to_rfc3339(),
        resolved.to_rfc3339()
    );
    let paragraphs = random.range(1, 6);
    let _ = writeln!(y, "summary:\n  da: |");
    let mut english = String::new();
    for _ in 0..paragraphs {
        let mut da = String::new();
        let mut en = String::new();
        for _ in 0..random.range(2, 6) {
            let (d, e) = *random.pick(SENTENCES);
            da.push_str(d);
            da.push(' ');
            en.push_str(e);
            en.push(' ');
        }
        let _ = writeln!(y, "    {}\n", da.trim_end());
        let _ = writeln!(english, "    {}\n", en.trim_end());
    }
    let _ = write!(y, "  en: |\n{english}");
    let _ = writeln!(
        y,
        "impact:\n  users_affected: {{estimate: {users}, min: {}, max: {}, method: {{da: \"Mislykkede forsøg mod en normal dag.\", en: \"Failed attempts against a normal day.\"}}}}\n  outage: {}\n  regions: [DK]\n  data_compromised: false",
        users / 10 * 8,
        users / 10 * 12,
        if outage == Outage::Full {
            "full"
        } else {
            "partial"
        }
    );
    let _ = writeln!(y, "timeline:");
    let _ = writeln!(
        y,
        "  - at: {}\n    kind: detection\n    text: {{da: \"Overvågningen alarmerer.\", en: \"Monitoring alerts.\"}}",
        detected.to_rfc3339()
    );
    let statement = detected
        + Duration::minutes(random.range(5, 55).min(duration.num_minutes() as u64 / 2) as i64);
    let _ = writeln!(
        y,
        "  - at: {}\n    kind: public-statement\n    channel: Status page\n    severity_claimed: {}\n    text: {{da: \"Tjenesten er ramt af en fejl. Vi arbejder på sagen.\", en: \"The service is affected by a fault. We are working on it.\"}}",
        statement.to_rfc3339(),
        severity.as_str()
    );
    let events = random.range(1, 16);
    let step = (resolved - statement).num_minutes().max(events as i64 + 1) / (events as i64 + 1);
    for event in 0..events {
        let at = statement + Duration::minutes(step * (event as i64 + 1));
        let (d, e) = *random.pick(SENTENCES);
        let kind = *random.pick(&["mitigation", "escalation", "other"]);
        let _ = writeln!(
            y,
            "  - at: {}\n    kind: {kind}\n    text: {{da: {}, en: {}}}",
            at.min(resolved).to_rfc3339(),
            quote(d),
            quote(e)
        );
    }
    let _ = writeln!(
        y,
        "  - at: {}\n    kind: resolution\n    text: {{da: \"Tjenesten virker igen.\", en: \"The service works again.\"}}",
        resolved.to_rfc3339()
    );
    let (cause_da, cause_en) = *random.pick(CAUSES);
    let _ = writeln!(
        y,
        "root_cause:\n  status: confirmed\n  category: {}\n  trigger: {{da: {}, en: {}}}\n  description:\n    da: |\n      {}\n    en: |\n      {}",
        random.pick(CATEGORIES),
        quote(trigger_da),
        quote(trigger_en),
        cause_da,
        cause_en
    );
    let _ = writeln!(
        y,
        "contributing_factors:\n  - {{da: \"Beredskabsplanen var ikke opdateret.\", en: \"The contingency plan was out of date.\"}}"
    );
    let _ = writeln!(y, "actions:");
    let actions = random.range(1, 12);
    for number in 1..=actions {
        let (d, e) = *random.pick(ACTIONS);
        let kind = if number == 1 {
            "prevent"
        } else {
            *random.pick(&["prevent", "mitigate", "process"])
        };
        let mut due = resolved.date_naive() + Duration::days(random.range(30, 400) as i64);
        if revision >= 1 && number == 2 {
            due += Duration::days(90);
        }
        // Old promises are mostly kept; a few stay open and show as overdue.
        let old = due < NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
        let done = (revision >= 1 && number % 2 == 1) || (old && random.below(10) != 0);
        let _ = writeln!(
            y,
            "  - id: A{number}\n    type: {kind}\n    action: {{da: {}, en: {}}}\n    owner: {}\n    due: {due}\n    status: {}{}",
            quote(d),
            quote(e),
            random.pick(OWNERS),
            if done { "done" } else { "planned" },
            if done {
                format!("\n    evidence: https://changes.example.org/{id}/A{number}")
            } else {
                String::new()
            }
        );
    }
    let _ = writeln!(
        y,
        "lessons:\n  went_well:\n    - {{da: \"Vagten reagerede hurtigt.\", en: \"The on-call team reacted quickly.\"}}\n  went_wrong:\n    - {{da: \"Den første melding kom sent.\", en: \"The first statement came late.\"}}"
    );
    let _ = writeln!(
        y,
        "references:\n  - {{title: {{da: \"Driftsstatus\", en: \"Status page\"}}, url: \"https://status.example.org/{id}\"}}"
    );
    y
}

#[allow(clippy::too_many_arguments)]
fn skeleton(
    id: &str,
    organisation: &str,
    service: &str,
    started: DateTime<FixedOffset>,
    detected: DateTime<FixedOffset>,
    resolved: DateTime<FixedOffset>,
    users: u64,
    outage: Outage,
) -> Incident {
    Incident {
        schema: 1,
        id: id.into(),
        title: Text::Plain(id.into()),
        language: "da".into(),
        status: Status::Final,
        organisation: organisation.into(),
        services: vec![service.into()],
        severity: Severity::Minor,
        started_at: started,
        detected_at: detected,
        resolved_at: Some(resolved),
        summary: Text::Plain(String::new()),
        impact: Some(Impact {
            users_affected: Some(UsersAffected {
                estimate: users,
                min: None,
                max: None,
                method: None,
            }),
            outage,
            regions: Vec::new(),
            dependent_services: Vec::new(),
            financial_loss_eur: None,
            data_compromised: None,
            data: None,
            costs: None,
            cross_border: None,
            share: None,
            services: Vec::new(),
            description: None,
        }),
        timeline: Vec::new(),
        root_cause: None,
        contributing_factors: Vec::new(),
        actions: Vec::new(),
        lessons: None,
        supplier: None,
        withheld: Vec::new(),
        references: Vec::new(),
        waivers: Vec::new(),
        change_note: None,
        estimated: Vec::new(),
        source: None,
        classified_at: None,
        business_continuity_activated: None,
        notifications: Vec::new(),
    }
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn config_text() -> String {
    let mut y = String::from(
        "site:\n  title: {da: \"Syntetiske hændelser\", en: \"Synthetic incidents\"}\n  base_url: https://incidents.example.org/\n  languages: [da, en]\n  notice: {da: \"Syntetiske data til ydelsesmåling.\", en: \"Synthetic data for benchmarks.\"}\norganisations:\n",
    );
    for (key, da, en) in ORGANISATIONS {
        let _ = writeln!(
            y,
            "  {key}: {{name: {{da: {}, en: {}}}}}",
            quote(da),
            quote(en)
        );
    }
    y.push_str("services:\n");
    for (key, organisation, da, en) in SERVICES {
        let _ = writeln!(
            y,
            "  {key}: {{name: {{da: {}, en: {}}}, organisation: {organisation}, availability_target: 99.5}}",
            quote(da),
            quote(en)
        );
    }
    y.push_str("rules: {A015: allow}\n");
    y
}

/// Write the history with `git fast-import`: the reports are published in date order over
/// the first half of the commits, and amended over the second half.
fn write_history(
    options: &Options,
    reports: &[(String, Vec<String>)],
    random: &mut Random,
) -> std::io::Result<()> {
    let status = Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .arg(&options.out)
        .status()?;
    if !status.success() {
        return Err(std::io::Error::other("git init failed"));
    }
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by(|a, b| {
        reports[*a]
            .0
            .rsplit('/')
            .next()
            .cmp(&reports[*b].0.rsplit('/').next())
    });
    let publish_commits = (options.commits / 2).max(1);
    let amend_commits = options.commits.saturating_sub(publish_commits);
    let mut stream: Vec<u8> = Vec::new();
    let mut time = Utc
        .with_ymd_and_hms(2018, 1, 1, 12, 0, 0)
        .single()
        .unwrap_or_else(Utc::now)
        .timestamp();
    let config = config_text();
    let commit = |message: &str, files: &[(&str, &str)], stream: &mut Vec<u8>, time: &mut i64| {
        *time += 3600 * 7;
        let _ = write!(
            stream,
            "commit refs/heads/main\ncommitter Synthetic Agency <reports@example.org> {time} +0100\ndata {}\n{message}\n",
            message.len() + 1
        );
        for (path, content) in files {
            let _ = write!(
                stream,
                "M 100644 inline {path}\ndata {}\n{content}\n",
                content.len()
            );
        }
    };
    let chunk = reports.len().div_ceil(publish_commits);
    for (number, group) in order.chunks(chunk.max(1)).enumerate() {
        let mut files: Vec<(&str, &str)> = group
            .iter()
            .map(|i| (reports[*i].0.as_str(), reports[*i].1[0].as_str()))
            .collect();
        if number == 0 {
            files.push(("candor.yaml", config.as_str()));
        }
        commit(
            &format!("Publish {} reports", group.len()),
            &files,
            &mut stream,
            &mut time,
        );
    }
    for number in 0..amend_commits {
        let mut files = Vec::new();
        for _ in 0..random.range(1, 3) {
            let index = random.below(reports.len() as u64) as usize;
            let revision = if number * 2 < amend_commits { 1 } else { 2 };
            files.push((
                reports[index].0.as_str(),
                reports[index].1[revision].as_str(),
            ));
        }
        commit(
            &format!("Amend {} report(s): actions done, dates moved", files.len()),
            &files,
            &mut stream,
            &mut time,
        );
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(&options.out)
        .stdin(Stdio::piped())
        .spawn()?;
    if let Some(stdin) = child.stdin.as_mut() {
        stdin.write_all(&stream)?;
    }
    let status = child.wait()?;
    if !status.success() {
        return Err(std::io::Error::other("git fast-import failed"));
    }
    let status = Command::new("git")
        .args(["checkout", "-q", "-f", "main"])
        .current_dir(&options.out)
        .status()?;
    if !status.success() {
        return Err(std::io::Error::other("git checkout failed"));
    }
    Ok(())
}

/// The same reports as Markdown pages of a minimal two-language Hugo site: what a Hugo
/// build of the reports would be, for the benchmark's comparison.
fn write_hugo_site(root: &Path, reports: &[(String, Vec<String>)]) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("layouts/_default"))?;
    std::fs::write(
        root.join("hugo.toml"),
        "baseURL = 'https://incidents.example.org/'\ntitle = 'Incidents'\ndefaultContentLanguage = 'da'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap', 'robotsTXT']\n[languages.da]\ncontentDir = 'content/da'\nweight = 1\n[languages.en]\ncontentDir = 'content/en'\nweight = 2\n",
    )?;
    std::fs::write(
        root.join("layouts/_default/baseof.html"),
        "<!DOCTYPE html><html lang=\"{{ .Site.Language.Lang }}\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    )?;
    std::fs::write(
        root.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format \"2006-01-02\" }}</p>{{ .Content }}{{ end }}\n",
    )?;
    std::fs::write(
        root.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    )?;
    for (_, versions) in reports {
        let Some(text) = versions.last() else {
            continue;
        };
        let loaded = candor::load::load(text.as_bytes(), &candor::config::Limits::default());
        let Some(root_node) = loaded.root else {
            continue;
        };
        let Ok(incident) = serde_json::from_value::<Incident>(root_node.to_json()) else {
            continue;
        };
        for lang in ["da", "en"] {
            let pick = |t: &Text| t.resolve(lang, &incident.language).0.to_owned();
            let mut page = format!(
                "---\ntitle: {}\ndate: {}\n---\n\n## Summary\n\n{}\n\n## Timeline\n\n",
                quote(&pick(&incident.title)),
                incident.started_at.to_rfc3339(),
                pick(&incident.summary)
            );
            for event in &incident.timeline {
                let _ = writeln!(
                    page,
                    "- **{}** {}: {}",
                    event.at.to_rfc3339(),
                    event.kind.as_str(),
                    pick(&event.text)
                );
            }
            if let Some(cause) = &incident.root_cause {
                let _ = write!(
                    page,
                    "\n## Root cause\n\n{}\n\n{}\n",
                    cause.trigger.as_ref().map(pick).unwrap_or_default(),
                    cause.description.as_ref().map(pick).unwrap_or_default()
                );
            }
            page.push_str(
                "\n## Actions\n\n| Id | Action | Owner | Due | Status |\n|---|---|---|---|---|\n",
            );
            for action in &incident.actions {
                let _ = writeln!(
                    page,
                    "| {} | {} | {} | {} | {} |",
                    action.id,
                    pick(&action.action),
                    action.owner.as_ref().map(pick).unwrap_or_default(),
                    action.due.map(|d| d.to_string()).unwrap_or_default(),
                    action.status.as_str()
                );
            }
            let path = root.join(format!("content/{lang}/{}.md", incident.id));
            std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
            std::fs::write(path, page)?;
        }
    }
    Ok(())
}
