//! The author's workflow: init, new, check --changed-since, serve, completions and man.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use crate::support::{GitRepo, candor, check_json, files_under};

fn init(dir: &std::path::Path) {
    let output = candor()
        .arg("init")
        .arg(dir)
        .args([
            "--organisation",
            "agency-x",
            "--organisation-name",
            "Agency X",
            "--service",
            "portal",
            "--service-name",
            "The Portal",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn init_creates_a_repository_that_passes_check_and_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("reports");
    init(&root);
    let files = files_under(&root)
        .into_iter()
        .filter(|f| !f.starts_with(".git/"))
        .collect::<Vec<_>>();
    assert_eq!(
        files,
        [
            ".github/workflows/candor.yml",
            ".gitignore",
            ".gitlab-ci.yml",
            "candor.yaml",
            "incidents/README.md",
            "schema/config.schema.json",
            "schema/incident.schema.json"
        ]
    );
    let config = std::fs::read_to_string(root.join("candor.yaml")).unwrap();
    assert!(
        config.contains("agency-x:\n    name: \"Agency X\""),
        "{config}"
    );
    let workflow = std::fs::read_to_string(root.join(".github/workflows/candor.yml")).unwrap();
    assert!(
        workflow.contains("candor check --format github")
            && workflow.contains("candor build --out site")
    );
    assert!(
        std::fs::read_to_string(root.join(".gitlab-ci.yml"))
            .unwrap()
            .contains("candor check")
    );
    assert!(root.join(".git").is_dir(), "a git repository is created");

    let (exit, findings) = check_json(&root, &[]);
    assert_eq!((exit, findings.len()), (0, 0), "{findings:#?}");
    let out = dir.path().join("site");
    let preview = candor()
        .current_dir(&root)
        .args(["build", "--worktree", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        preview.status.success(),
        "{}",
        String::from_utf8_lossy(&preview.stderr)
    );
    // After the first commit, the real build works too.
    let repo = git2::Repository::open(&root).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let signature = git2::Signature::now("Agency", "reports@example.org").unwrap();
    repo.commit(Some("HEAD"), &signature, &signature, "Start", &tree, &[])
        .unwrap();
    let built = candor()
        .current_dir(&root)
        .args(["build", "--out"])
        .arg(dir.path().join("site2"))
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );

    // Never twice, never overwriting.
    let again = candor().arg("init").arg(&root).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has a candor.yaml"));
    let other = dir.path().join("other");
    std::fs::create_dir_all(other.join(".github/workflows")).unwrap();
    std::fs::write(other.join(".github/workflows/candor.yml"), "mine").unwrap();
    let clash = candor().arg("init").arg(&other).output().unwrap();
    assert_eq!(clash.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(other.join(".github/workflows/candor.yml")).unwrap(),
        "mine"
    );
    assert!(
        !other.join("candor.yaml").exists(),
        "nothing is written when anything would be overwritten"
    );
}

#[test]
fn new_writes_a_draft_that_checks_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let run = || {
        candor()
            .current_dir(dir.path())
            .args([
                "new",
                "Ærø: Login fejlede for alle brugere",
                "--service",
                "portal",
                "--severity",
                "major",
                "--started",
                "2026-11-30T09:30:00+01:00",
            ])
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let path = dir
        .path()
        .join("incidents/2026/2026-11-30-aeroe-login-fejlede-for-alle-brugere.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema=../../schema/incident.schema.json\n")
    );
    for line in [
        "id: 2026-11-30-aeroe-login-fejlede-for-alle-brugere",
        "status: draft",
        "organisation: agency-x",
        "services: [portal]",
        "severity: major",
        "started_at: 2026-11-30T09:30:00+01:00",
        "# root_cause:",
        "# actions:",
    ] {
        assert!(text.contains(line), "missing {line} in\n{text}");
    }
    assert!(
        text.lines()
            .filter(|l| l.contains(':') && !l.trim_start().starts_with("- "))
            .all(|l| l.contains('#') || l.starts_with("  ") || l.starts_with("summary")),
        "every field has a comment:\n{text}"
    );
    let (exit, findings) = check_json(dir.path(), &[]);
    assert_eq!(exit, 0, "{findings:#?}");

    std::fs::write(&path, "my edits").unwrap();
    let second = run();
    assert_eq!(second.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&second.stderr).contains("never overwrites"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my edits");

    let unknown = candor()
        .current_dir(dir.path())
        .args(["new", "X", "--service", "nope"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("`nope` is not a service"));
}

const CONFIG: &str = "site:\n  title: Incidents\n  base_url: https://incidents.example.org/\n  languages: [en]\norganisations:\n  agency: {name: The Agency}\nservices:\n  login: {name: Login, organisation: agency}\n";

fn report(id: &str, day: u32, severity: &str) -> String {
    format!(
        "schema: 1\nid: {id}\ntitle: Login failed\nlanguage: en\nstatus: final\norganisation: agency\nservices: [login]\nseverity: {severity}\nstarted_at: 2026-05-{day:02}T09:00:00+02:00\ndetected_at: 2026-05-{day:02}T09:05:00+02:00\nresolved_at: 2026-05-{day:02}T09:40:00+02:00\nsummary: Nobody could log in.\nimpact:\n  users_affected: {{estimate: 1000}}\n  outage: partial\ntimeline:\n  - {{at: 2026-05-{day:02}T09:20:00+02:00, kind: public-statement, channel: Status page, text: Login is down.}}\nroot_cause:\n  status: confirmed\n  category: system-failure\n  trigger: An expired certificate on the login service.\n  description: The renewal job failed for weeks and nobody monitored its errors or the expiry date.\nactions:\n  - {{id: A1, type: prevent, action: Monitor expiry dates., owner: Operations, due: 2027-09-30, status: planned}}\n"
    )
}

#[test]
fn changed_since_reports_only_changed_files_but_sees_every_report() {
    let repo = GitRepo::new(CONFIG);
    repo.write(
        "incidents/2026/2026-05-01-a.yaml",
        &report("2026-05-01-a", 1, "minor"),
    );
    repo.write(
        "incidents/2026/2026-05-02-b.yaml",
        &report("2026-05-02-b", 2, "minor"),
    );
    repo.write(
        "incidents/2026/2026-05-03-c.yaml",
        &report("2026-05-03-c", 3, "minor"),
    );
    repo.write(
        "incidents/2026/2026-05-04-d.yaml",
        &report("2026-05-04-d", 4, "minor")
            .replace("severity: minor", "severity: minor\nunknown_field: 1"),
    );
    repo.write(
        "incidents/2025/2025-05-06-f.yaml",
        &report("2025-05-06-f", 6, "minor").replace("2026-05-06", "2025-05-06"),
    );
    repo.commit("Five reports, one broken", 1_778_000_000);

    // Nothing changed: the committed broken report is not reported.
    let (exit, findings) = check_json(repo.path(), &["--changed-since", "HEAD"]);
    assert_eq!((exit, findings.len()), (0, 0), "{findings:#?}");

    // Modify a, rename b, delete c, add e (untracked) that duplicates a's id.
    repo.write(
        "incidents/2026/2026-05-01-a.yaml",
        &report("2026-05-01-a", 1, "minor").replace("estimate: 1000", "estimate: 500000"),
    );
    std::fs::create_dir_all(repo.path().join("incidents/archive")).unwrap();
    std::fs::rename(
        repo.path().join("incidents/2026/2026-05-02-b.yaml"),
        repo.path().join("incidents/archive/2026-05-02-b.yaml"),
    )
    .unwrap();
    std::fs::remove_file(repo.path().join("incidents/2026/2026-05-03-c.yaml")).unwrap();
    repo.write(
        "incidents/2026/2026-05-05-e.yaml",
        &report("2026-05-05-e", 5, "minor").replace("id: 2026-05-05-e", "id: 2025-05-06-f"),
    );
    let (exit, findings) = check_json(repo.path(), &["--changed-since", "HEAD"]);
    assert_eq!(exit, 1);
    let files: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().all(|f| [
            "incidents/2026/2026-05-01-a.yaml",
            "incidents/2026/2026-05-05-e.yaml",
            "incidents/archive/2026-05-02-b.yaml"
        ]
        .contains(f)),
        "{files:?}"
    );
    let codes_for = |file: &str| -> Vec<&str> {
        findings
            .iter()
            .filter(|f| f["file"] == file)
            .map(|f| f["code"].as_str().unwrap())
            .collect()
    };
    assert!(
        codes_for("incidents/2026/2026-05-01-a.yaml").contains(&"A006"),
        "the modified report is checked"
    );
    let e = codes_for("incidents/2026/2026-05-05-e.yaml");
    assert!(
        e.contains(&"S004"),
        "the duplicate of an unchanged report is found: {e:?}"
    );
    assert!(e.contains(&"S003"), "{e:?}");
    assert!(
        repo.path().join(".git/candor/summaries.json").exists(),
        "unchanged reports are cached"
    );
    // The same answer from the cache.
    let (again_exit, again) = check_json(repo.path(), &["--changed-since", "HEAD"]);
    assert_eq!((again_exit, again), (exit, findings));

    // Files that cannot be read as reports are reported, not skipped silently: a new `.yml`,
    // and a report replaced by a symbolic link.
    repo.write(
        "incidents/2026/2026-05-07-g.yml",
        &report("2026-05-07-g", 7, "minor"),
    );
    #[cfg(unix)]
    {
        std::fs::remove_file(repo.path().join("incidents/2025/2025-05-06-f.yaml")).unwrap();
        std::os::unix::fs::symlink(
            repo.path().join("incidents/archive/2026-05-02-b.yaml"),
            repo.path().join("incidents/2025/2025-05-06-f.yaml"),
        )
        .unwrap();
    }
    let (_, findings) = check_json(repo.path(), &["--changed-since", "HEAD"]);
    let skipped: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["code"] == "S001")
        .map(|f| (f["file"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert!(
        skipped
            .iter()
            .any(|(file, message)| *file == "incidents/2026/2026-05-07-g.yml"
                && message.contains("`.yml`")),
        "{skipped:?}"
    );
    #[cfg(unix)]
    assert!(
        skipped.iter().any(
            |(file, message)| *file == "incidents/2025/2025-05-06-f.yaml"
                && message.contains("symbolic link")
        ),
        "{skipped:?}"
    );

    // A changed candor.yaml affects every report: all are checked.
    repo.write("candor.yaml", &format!("{CONFIG}rules: {{A016: allow}}\n"));
    let (_, all) = check_json(repo.path(), &["--changed-since", "HEAD"]);
    assert!(
        all.iter()
            .any(|f| f["file"] == "incidents/2026/2026-05-04-d.yaml"),
        "{all:#?}"
    );
}

#[test]
fn serve_answers_on_loopback_rebuilds_and_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("candor.yaml"), CONFIG).unwrap();
    std::fs::create_dir_all(dir.path().join("incidents/2026")).unwrap();
    let file = dir.path().join("incidents/2026/2026-05-01-a.yaml");
    std::fs::write(&file, report("2026-05-01-a", 1, "minor")).unwrap();
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("candor"))
        .current_dir(dir.path())
        .args(["serve", "--port", "0", "--today", "2026-12-01"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut address = None;
    let mut preview = None;
    let mut log = String::new();
    for _ in 0..40 {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        log.push_str(&line);
        if let Some(rest) = line.strip_prefix("preview folder: ") {
            preview = Some(std::path::PathBuf::from(rest.trim()));
        }
        if let Some(rest) = line.trim().strip_prefix("serving http://") {
            address = Some(
                rest.trim_end_matches(|c| c != '/')
                    .trim_end_matches('/')
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_owned(),
            );
            break;
        }
    }
    let address = address.unwrap_or_else(|| panic!("no address in {log}"));
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let preview = preview.unwrap_or_else(|| panic!("no preview folder in {log}"));
    assert!(preview.exists());
    let port = address.rsplit(':').next().unwrap().to_owned();
    let get_from = |host: &str, path: &str| -> (u16, String) {
        let mut stream = TcpStream::connect(&address).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        (status, response)
    };
    // DNS rebinding: a page from another site that points its name at 127.0.0.1 is refused,
    // and so is any other port or name.
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "localhost",
        "127.0.0.1:1",
    ] {
        assert_eq!(get_from(host, "/en/index.html").0, 421, "{host}");
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(get_from(&host, "/en/index.html").0, 200, "{host}");
    }
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&preview).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the preview folder is private");
    }
    // Slow clients holding connections open cannot take every thread: past the limit the
    // server answers 503 at once, and the held ones time out.
    let mut held: Vec<TcpStream> = (0..32)
        .map(|_| TcpStream::connect(&address).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // On a loaded machine the server may not have taken all 32 yet: a connection it still
    // serves is held too, and the next is tried, until one is refused.
    let mut refused = String::new();
    for _ in 0..10 {
        let mut extra = TcpStream::connect(&address).unwrap();
        extra
            .set_read_timeout(Some(Duration::from_secs(1)))
            .unwrap();
        refused.clear();
        let _ = extra.read_to_string(&mut refused);
        if !refused.is_empty() {
            break;
        }
        held.push(extra);
    }
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    let get = |path: &str| -> (u16, String) {
        let mut stream = TcpStream::connect(&address).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        (status, response)
    };
    let (status, page) = get("/en/reports/2026-05-01-a.html");
    assert_eq!(status, 200);
    assert!(page.contains("Login failed"));
    assert!(
        page.contains("/__candor/live.js"),
        "the page reloads itself"
    );
    assert_eq!(get("/../../etc/passwd").0, 404);
    let version = || -> u64 {
        let (_, response) = get("/__candor/version");
        response
            .rsplit("\r\n")
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let before = version();

    // Saved at once (as editors do, by renaming), so the server never sees half a file.
    let saved = dir.path().join("2026-05-01-a.yaml.tmp");
    std::fs::write(
        &saved,
        report("2026-05-01-a", 1, "minor")
            .replace("title: Login failed", "title: Login failed badly"),
    )
    .unwrap();
    std::fs::rename(&saved, &file).unwrap();
    let started = Instant::now();
    loop {
        if version() > before {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no rebuild after a change"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (_, page) = get("/en/reports/2026-05-01-a.html");
    assert!(page.contains("Login failed badly"));
    assert!(
        page.contains("candor-overlay"),
        "findings are shown on the page"
    );
    // The edited report's page was shown before the whole site was rebuilt.
    let mut after_edit = String::new();
    while !after_edit.contains("built ") {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        after_edit.push_str(&line);
    }
    let ahead = after_edit
        .find("showing 1 edited report ahead of the rebuild")
        .unwrap_or_else(|| panic!("not shown ahead: {after_edit}"));
    assert!(ahead < after_edit.find("built ").unwrap(), "{after_edit}");

    Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(!preview.exists(), "Ctrl-C leaves nothing behind");
}

#[test]
fn serve_cleans_up_on_sigterm_and_sighup() {
    for signal in ["-TERM", "-HUP"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("candor.yaml"), CONFIG).unwrap();
        std::fs::create_dir_all(dir.path().join("incidents/2026")).unwrap();
        std::fs::write(
            dir.path().join("incidents/2026/2026-05-01-a.yaml"),
            report("2026-05-01-a", 1, "minor"),
        )
        .unwrap();
        let mut child = Process::new(assert_cmd::cargo::cargo_bin("candor"))
            .current_dir(dir.path())
            .args(["serve", "--port", "0", "--today", "2026-12-01"])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut preview = None;
        for _ in 0..40 {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if let Some(rest) = line.strip_prefix("preview folder: ") {
                preview = Some(std::path::PathBuf::from(rest.trim()));
            }
            if line.contains("serving http://") {
                break;
            }
        }
        let preview = preview.unwrap();
        assert!(preview.exists());
        Process::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{signal}: {status:?}");
        assert!(!preview.exists(), "{signal} leaves nothing behind");
    }
}

#[test]
fn completions_and_man_page() {
    let output = candor().args(["completions", "bash"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("candor") && text.contains("changed-since") && text.contains("serve"));
    let output = candor().arg("man").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with(".ie") || text.starts_with(".TH"),
        "{}",
        &text[..80]
    );
    assert!(text.contains("candor"));
}

#[test]
fn the_plain_hook_refuses_a_broken_staged_report_even_when_the_file_on_disk_is_fixed() {
    let repo = GitRepo::new(CONFIG);
    let path = "incidents/2026/2026-05-01-a.yaml";
    repo.write(path, &report("2026-05-01-a", 1, "minor"));
    repo.commit("A report", 1_778_000_000);
    let hooks = repo.path().join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::copy(
        crate::support::project_root().join("hooks/pre-commit"),
        hooks.join("pre-commit"),
    )
    .unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_candor"))
        .parent()
        .unwrap()
        .to_owned();
    let path_var = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let git = |args: &[&str]| {
        Process::new("git")
            .current_dir(repo.path())
            .env("PATH", &path_var)
            .args([
                "-c",
                "user.name=Agency",
                "-c",
                "user.email=reports@example.org",
            ])
            .args(args)
            .output()
            .unwrap()
    };

    // Stage a final report whose root cause is unknown (A021, deny), then fix the file on
    // disk without staging the fix.
    let broken = report("2026-05-01-a", 1, "minor")
        .replace("status: confirmed", "status: under-investigation");
    repo.write(path, &broken);
    assert!(git(&["add", path]).status.success());
    repo.write(
        path,
        &report("2026-05-01-a", 1, "minor")
            .replace("Nobody could log in.", "Nobody could log in at all."),
    );
    let commit = git(&["commit", "-m", "Fix the cause"]);
    let said = String::from_utf8_lossy(&commit.stdout).into_owned()
        + &String::from_utf8_lossy(&commit.stderr);
    assert!(!commit.status.success(), "the commit went through: {said}");
    assert!(said.contains("A021"), "{said}");
    assert!(said.contains(path), "{said}");

    // Staging the fixed file lets the commit through; `commit -a` is checked the same way.
    assert!(git(&["add", path]).status.success());
    let commit = git(&["commit", "-m", "Fix the cause"]);
    assert!(
        commit.status.success(),
        "{}",
        String::from_utf8_lossy(&commit.stdout)
    );
    repo.write(path, &broken);
    let commit = git(&["commit", "-a", "-m", "Break it again"]);
    let said = String::from_utf8_lossy(&commit.stdout).into_owned()
        + &String::from_utf8_lossy(&commit.stderr);
    assert!(!commit.status.success(), "commit -a went through: {said}");
    assert!(said.contains("A021"), "{said}");
}

/// A YAML file `candor init` wrote, as JSON (read with Candor's own loader).
fn yaml_as_json(path: &std::path::Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap();
    let loaded = candor::load::load(&bytes, &candor::config::Limits::default());
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.root.unwrap().to_json()
}

#[test]
fn the_ci_files_init_writes_pin_everything_and_never_hold_back_the_site() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let github = yaml_as_json(&dir.path().join(".github/workflows/candor.yml"));
    let jobs = github["jobs"].as_object().unwrap();
    assert_eq!(github["permissions"], serde_json::json!({}));
    let mut uses = Vec::new();
    for (name, job) in jobs {
        assert!(
            job["permissions"].is_object(),
            "{name} names its permissions"
        );
        for step in job["steps"].as_array().unwrap() {
            if let Some(action) = step["uses"].as_str() {
                uses.push(action.to_owned());
                if action.starts_with("actions/checkout@") {
                    assert_eq!(step["with"]["persist-credentials"], false, "{name}");
                    assert_eq!(
                        job["permissions"]["contents"], "read",
                        "{name}: checkout needs contents: read in a private repository"
                    );
                }
            }
        }
    }
    for action in &uses {
        let (_, pin) = action.split_once('@').unwrap();
        assert!(
            pin.len() == 40 && pin.bytes().all(|b| b.is_ascii_hexdigit()),
            "{action} is not pinned by a full commit id"
        );
    }
    let setup = format!(
        "{}@{}",
        env!("CARGO_PKG_REPOSITORY").trim_start_matches("https://github.com/"),
        candor::COMMIT
    );
    assert!(uses.contains(&setup), "{uses:?}");
    let text = std::fs::read_to_string(dir.path().join(".github/workflows/candor.yml")).unwrap();
    assert!(text.contains(&format!("version: \"{}\"", env!("CARGO_PKG_VERSION"))));
    // Pull requests check their changed reports against the merge base.
    let changed = &jobs["changed-reports"];
    assert_eq!(changed["if"], "github.event_name == 'pull_request'");
    let commands: Vec<&str> = changed["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        commands
            .iter()
            .any(|c| c.contains("--changed-since \"$(git merge-base"))
    );
    // The full check runs on a schedule; the site is built and deployed without waiting for it.
    assert!(github["on"]["schedule"].is_array());
    assert!(
        jobs["build"].get("needs").is_none(),
        "the build never waits for the check"
    );
    assert_eq!(jobs["deploy"]["needs"], "build");
    assert_eq!(jobs["deploy"]["environment"]["name"], "github-pages");
    assert_eq!(jobs["deploy"]["permissions"]["pages"], "write");
    assert_eq!(jobs["deploy"]["permissions"]["id-token"], "write");
    assert!(jobs["build"]["steps"].as_array().unwrap().iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
    }));
    assert!(
        jobs["all-reports"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@")))
    );

    let gitlab = yaml_as_json(&dir.path().join(".gitlab-ci.yml"));
    assert_eq!(
        gitlab["default"]["image"],
        format!(
            "ghcr.io/{}:{}-ci",
            env!("CARGO_PKG_REPOSITORY").trim_start_matches("https://github.com/"),
            env!("CARGO_PKG_VERSION")
        ),
        "a pinned image, never :latest"
    );
    for job in ["changed-reports", "all-reports"] {
        let job = &gitlab[job];
        assert_eq!(job["stage"], "test");
        assert_eq!(
            job["artifacts"]["reports"]["codequality"],
            "gl-code-quality-report.json"
        );
        let script = job["script"].as_array().unwrap();
        assert!(script[0].as_str().unwrap().contains("--format codequality"));
    }
    assert!(
        gitlab["changed-reports"]["script"][1]
            .as_str()
            .unwrap()
            .contains("--changed-since \"$CI_MERGE_REQUEST_DIFF_BASE_SHA\"")
    );
    assert_eq!(gitlab["pages"]["needs"], serde_json::json!([]));
    assert_eq!(
        gitlab["pages"]["artifacts"]["paths"],
        serde_json::json!(["public"])
    );
    assert_eq!(gitlab["pages"]["script"][0], "candor build --out public");
    // Only GitLab's own keywords and the jobs at the top level.
    for key in gitlab.as_object().unwrap().keys() {
        assert!(
            [
                "variables",
                "default",
                "changed-reports",
                "all-reports",
                "pages"
            ]
            .contains(&key.as_str()),
            "{key}"
        );
    }
}

#[test]
fn version_names_the_commit() {
    let output = candor().arg("--version").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text.trim(),
        format!(
            "candor {} (commit {})",
            env!("CARGO_PKG_VERSION"),
            candor::COMMIT
        )
    );
    assert!(candor::COMMIT == "unknown" || candor::COMMIT.len() == 40);
}
