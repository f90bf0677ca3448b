//! `candor serve`: a live preview for authors.
//!
//! Builds the working tree into a temporary folder, serves it on 127.0.0.1 only, watches the
//! reports, `candor.yaml` and `templates/` for changes, rebuilds, and tells open pages to
//! reload. Findings are printed in the terminal and shown in an overlay on every page. The
//! server only reads files inside the built site; the temporary folder is removed on Ctrl-C.
//!
//! When only reports changed, their own pages are rendered first, in memory, and shown at
//! once; the rebuild of the whole site (which keeps every page whose inputs did not change)
//! follows and replaces them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use crate::build::{self, BuildOptions};
use crate::diag::Finding;
use crate::source::{self, Source, WorkTree};

/// What the server shows at a given moment.
#[derive(Debug, Default)]
struct State {
    /// Bumped after every build, so pages know to reload.
    version: u64,
    /// The findings overlay, as safe HTML (empty when there is nothing to show).
    overlay: String,
    /// Pages of edited reports rendered ahead of a rebuild, by path in the site, each with
    /// the number of the edit it shows; a rebuild removes those of the edits it read.
    ahead: HashMap<String, (u64, Vec<u8>)>,
    /// How many times pages were rendered ahead.
    edits: u64,
}

/// How to serve.
pub struct ServeOptions {
    /// The reports repository.
    pub tree: WorkTree,
    /// The port on 127.0.0.1.
    pub port: u16,
    /// "Now" for the rules; `None` means the start of each build's UTC day.
    pub today: Option<DateTime<Utc>>,
}

/// Serve until `stop` is set. `log` receives lines for the terminal (builds and findings).
pub fn serve(
    options: ServeOptions,
    stop: Arc<AtomicBool>,
    log: &(dyn Fn(&str) + Sync),
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", options.port)).with_context(|| {
        format!(
            "cannot listen on 127.0.0.1:{}; is another server using it? Try --port",
            options.port
        )
    })?;
    let address = listener.local_addr()?;
    let workspace = tempfile::Builder::new()
        .prefix("candor-serve-")
        .tempdir()
        .context("cannot create a temporary folder for the preview")?;
    // The preview holds findings that quote drafts: only this user may read it.
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(workspace.path(), std::fs::Permissions::from_mode(0o700))
            .context("cannot make the preview folder private")?;
    }
    let site = workspace.path().join("site");
    let state = Arc::new(Mutex::new(State::default()));
    let port = address.port();
    let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));

    log(&format!("preview folder: {}", workspace.path().display()));
    // The files as they are before the first build reads them: an edit saved while it runs,
    // or just after, is then a change the watch below sees, never part of what it starts from.
    let mut fingerprint = watched_files(options.tree.root());
    let known = rebuild(&options, &site, &state, log);
    log(&format!("serving http://{address}/ (Ctrl-C to stop)"));

    {
        let site = site.clone();
        let state = Arc::clone(&state);
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(mut stream) = stream {
                    // A bounded number of connections at once, so slow clients cannot take
                    // every thread; the rest are told to come back.
                    if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                        open.fetch_sub(1, Ordering::SeqCst);
                        let _ = respond(
                            &mut stream,
                            503,
                            "text/plain; charset=utf-8",
                            b"busy",
                            false,
                        );
                        continue;
                    }
                    let site = site.clone();
                    let state = Arc::clone(&state);
                    let open = Arc::clone(&open);
                    std::thread::spawn(move || {
                        let _ = handle(stream, &site, &state, port);
                        open.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            }
        });
    }

    // Rebuilds run on their own thread, so an edit made while one runs is still shown at once.
    let builder = Builder {
        requested: Mutex::new(false),
        wake: Condvar::new(),
        known: Mutex::new(known),
    };
    // Pages shown ahead have threads of their own: in the pool a running rebuild keeps busy,
    // they would wait for the rebuild's work to run out.
    let ahead_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|index| format!("candor-ahead-{index}"))
        .build()
        .context("cannot start the preview's threads")?;
    std::thread::scope(|scope| {
        scope.spawn(|| build_when_asked(&options, &site, &state, &builder, &stop, log));
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(200));
            let now = watched_files(options.tree.root());
            if now == fingerprint {
                continue;
            }
            let edited = edited_reports(&options.tree, &fingerprint, &now);
            fingerprint = now;
            if let Some(edited) = edited
                && let Ok(known) = builder.known.lock()
            {
                ahead_pool.install(|| show_ahead(&options, &edited, &known, &state, log));
            }
            log("change detected, rebuilding");
            builder.ask();
        }
        builder.wake.notify_all();
    });
    drop(workspace);
    Ok(())
}

/// Rebuilds asked for, and what the last one read.
struct Builder {
    /// Whether a change came since the running (or last) rebuild began.
    requested: Mutex<bool>,
    wake: Condvar,
    /// The summaries of the reports as the last rebuild read them, by path.
    known: Mutex<HashMap<String, crate::rules::Summary>>,
}

impl Builder {
    /// Ask for a rebuild (one more after the running one, if one runs).
    fn ask(&self) {
        if let Ok(mut requested) = self.requested.lock() {
            *requested = true;
        }
        self.wake.notify_all();
    }
}

/// Rebuild whenever asked, until `stop` is set.
fn build_when_asked(
    options: &ServeOptions,
    site: &Path,
    state: &Mutex<State>,
    builder: &Builder,
    stop: &AtomicBool,
    log: &(dyn Fn(&str) + Sync),
) {
    loop {
        {
            let Ok(mut requested) = builder.requested.lock() else {
                return;
            };
            while !*requested {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                requested = match builder
                    .wake
                    .wait_timeout(requested, Duration::from_millis(300))
                {
                    Ok((requested, _)) => requested,
                    Err(_) => return,
                };
            }
            *requested = false;
        }
        let known = rebuild(options, site, state, log);
        if let Ok(mut last) = builder.known.lock() {
            *last = known;
        }
    }
}

/// The most edited reports whose pages are rendered ahead of a rebuild; more (a branch
/// switched, say) wait for the rebuild.
const MAX_AHEAD: usize = 20;

/// The report files (relative paths) changed or added between two looks at the watched files,
/// when nothing else changed (no file removed, neither candor.yaml nor a template): then their
/// pages can be shown ahead of the rebuild.
fn edited_reports(
    tree: &WorkTree,
    before: &BTreeMap<PathBuf, (u64, Option<SystemTime>)>,
    after: &BTreeMap<PathBuf, (u64, Option<SystemTime>)>,
) -> Option<HashSet<String>> {
    if before.keys().any(|path| !after.contains_key(path)) {
        return None;
    }
    let mut edited = HashSet::new();
    for (path, seen) in after {
        if before.get(path) == Some(seen) {
            continue;
        }
        let relative = tree.relative(path)?;
        let report = relative.starts_with(&format!("{}/", source::INCIDENTS_DIR))
            && source::is_report_name(&relative);
        if !report || edited.len() == MAX_AHEAD {
            return None;
        }
        edited.insert(relative);
    }
    (!edited.is_empty()).then_some(edited)
}

/// "Now" for a build: `--today`, or the start of the current UTC day.
fn today(options: &ServeOptions) -> DateTime<Utc> {
    options
        .today
        .unwrap_or_else(|| crate::today_from(Some(Utc::now().date_naive()), Utc::now()))
}

/// Render the pages of the `edited` reports in memory and serve them at once, checked against
/// the other reports as the last build read them (`known`).
fn show_ahead(
    options: &ServeOptions,
    edited: &HashSet<String>,
    known: &HashMap<String, crate::rules::Summary>,
    state: &Mutex<State>,
    log: &(dyn Fn(&str) + Sync),
) {
    if known.is_empty() {
        return;
    }
    let started = std::time::Instant::now();
    let others = known
        .iter()
        .filter(|(file, _)| !edited.contains(*file))
        .map(|(file, summary)| (file.clone(), summary.clone()))
        .collect();
    let source = Source::Work(options.tree.clone(), None);
    let Ok(Some(pages)) = build::render_ahead(&source, edited, others, today(options)) else {
        return;
    };
    log(&format!(
        "showing {} ahead of the rebuild ({} ms)",
        crate::diag::count(edited.len() as i64, "edited report", "edited reports"),
        started.elapsed().as_millis()
    ));
    if let Ok(mut state) = state.lock() {
        state.edits += 1;
        let edit = state.edits;
        state
            .ahead
            .extend(pages.into_iter().map(|(path, page)| (path, (edit, page))));
        state.version += 1;
    }
}

/// Build the site; returns the summaries of its reports for the next edit.
fn rebuild(
    options: &ServeOptions,
    site: &Path,
    state: &Mutex<State>,
    log: &(dyn Fn(&str) + Sync),
) -> HashMap<String, crate::rules::Summary> {
    let today = today(options);
    let source = Source::Work(options.tree.clone(), None);
    // The edits shown ahead so far are on disk: this build reads them.
    let edits_read = state.lock().map(|s| s.edits).unwrap_or_default();
    let build = BuildOptions {
        out: site.to_path_buf(),
        today,
        strict: false,
        incremental: true,
        keep_summaries: true,
    };
    let mut summaries = HashMap::new();
    let overlay = match build::build(&source, &build, &build::Silent) {
        Ok(mut outcome) => {
            summaries = std::mem::take(&mut outcome.summaries);
            let shown: Vec<&Finding> = if outcome.written() {
                outcome
                    .findings
                    .iter()
                    .chain(&outcome.unpublished_findings)
                    .collect()
            } else {
                outcome.blocking.iter().collect()
            };
            if outcome.written() {
                log(&format!(
                    "built {}; {}",
                    crate::diag::count(outcome.published as i64, "report", "reports"),
                    crate::diag::count(shown.len() as i64, "finding", "findings")
                ));
            } else {
                log(&format!(
                    "not rebuilt: {} make a report untrustworthy; the previous preview stays",
                    crate::diag::count(shown.len() as i64, "finding", "findings")
                ));
            }
            for finding in &shown {
                log(&format!(
                    "  {} {} {}:{}: {}",
                    finding.level.as_str(),
                    finding.code,
                    finding.file,
                    finding.line.map(|l| l.to_string()).unwrap_or_default(),
                    finding.message
                ));
            }
            overlay_html(&shown, !outcome.written())
        }
        Err(error) => {
            log(&format!("build failed: {error:#}"));
            format!(
                "<div id=\"candor-overlay\" role=\"alert\"><p><strong>Build failed</strong></p><pre>{}</pre></div>",
                escape(&format!("{error:#}"))
            )
        }
    };
    if let Ok(mut state) = state.lock() {
        state.version += 1;
        state.overlay = overlay;
        state.ahead.retain(|_, (edit, _)| *edit > edits_read);
    }
    summaries
}

/// The findings overlay: report text is escaped, never interpreted.
fn overlay_html(findings: &[&Finding], refused: bool) -> String {
    if findings.is_empty() {
        return String::new();
    }
    let mut html = String::from("<div id=\"candor-overlay\" role=\"status\"><p><strong>");
    html.push_str(if refused {
        "Not rebuilt: these findings make a report untrustworthy"
    } else {
        "Findings"
    });
    html.push_str("</strong> <button type=\"button\" onclick=\"this.parentNode.parentNode.remove()\">Hide</button></p><ul>");
    for finding in findings.iter().take(200) {
        html.push_str(&format!(
            "<li><code>{}</code> {}:{} {}</li>",
            escape(finding.code.as_str()),
            escape(&finding.file),
            finding.line.map(|l| l.to_string()).unwrap_or_default(),
            escape(&finding.message)
        ));
    }
    html.push_str("</ul></div>");
    html
}

const LIVE_SCRIPT: &str = r#"(function () {
  var current = null;
  function poll() {
    fetch('/__candor/version', { cache: 'no-store' })
      .then(function (r) { return r.text(); })
      .then(function (v) { if (current === null) { current = v; } else if (v !== current) { location.reload(); } })
      .catch(function () {})
      .finally(function () { setTimeout(poll, 250); });
  }
  poll();
}());
"#;

const OVERLAY_STYLE: &str = "<style>#candor-overlay{position:fixed;right:1rem;bottom:1rem;max-width:40rem;max-height:50vh;overflow:auto;background:#fff;color:#1b1b1b;border:3px solid #8a1c1c;padding:.5rem 1rem;z-index:1000;font:14px/1.4 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.3)}#candor-overlay ul{padding-left:1.2rem;margin:.3rem 0}</style>";

/// Connections served at once.
const MAX_CONNECTIONS: usize = 32;
/// The longest a client may take to send its request line and headers.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);

fn handle(
    mut stream: TcpStream,
    site: &Path,
    state: &Mutex<State>,
    port: u16,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let started = std::time::Instant::now();
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.by_ref().take(8192).read_line(&mut request_line)?;
    let mut host = None;
    for _ in 0..100 {
        if started.elapsed() > REQUEST_DEADLINE {
            return Ok(());
        }
        let mut header = String::new();
        if reader.by_ref().take(8192).read_line(&mut header)? == 0
            || header == "\r\n"
            || header == "\n"
        {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("host")
        {
            host = Some(value.trim().to_ascii_lowercase());
        }
    }
    // Only this machine's own names: a page elsewhere that rebinds its DNS name to 127.0.0.1
    // must not read the preview (findings quote drafts).
    if !host.as_deref().is_some_and(|h| is_loopback_host(h, port)) {
        return respond(
            &mut stream,
            421,
            "text/plain; charset=utf-8",
            b"this preview answers only to localhost, 127.0.0.1 and [::1]",
            false,
        );
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD",
            method == "HEAD",
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let head = method == "HEAD";
    match path {
        "/__candor/version" => {
            let version = state.lock().map(|s| s.version).unwrap_or_default();
            return respond(
                &mut stream,
                200,
                "text/plain; charset=utf-8",
                version.to_string().as_bytes(),
                head,
            );
        }
        "/__candor/live.js" => {
            return respond(
                &mut stream,
                200,
                "text/javascript; charset=utf-8",
                LIVE_SCRIPT.as_bytes(),
                head,
            );
        }
        _ => {}
    }
    let not_found = |stream: &mut TcpStream| {
        respond(stream, 404, "text/plain; charset=utf-8", b"not found", head)
    };
    let Some(file) = resolve(site, path) else {
        return not_found(&mut stream);
    };
    let ahead = file
        .strip_prefix(site)
        .ok()
        .and_then(|relative| relative.to_str())
        .and_then(|relative| Some(state.lock().ok()?.ahead.get(relative)?.1.clone()));
    let (status, file) = if ahead.is_some() || file.is_file() {
        (200, file)
    } else {
        (404, site.join("404.html"))
    };
    let Some(mut body) = ahead.or_else(|| std::fs::read(&file).ok()) else {
        return not_found(&mut stream);
    };
    let content_type = content_type(&file);
    if content_type.starts_with("text/html") {
        let overlay = state.lock().map(|s| s.overlay.clone()).unwrap_or_default();
        let injection =
            format!("{OVERLAY_STYLE}{overlay}<script src=\"/__candor/live.js\"></script></body>");
        let text = String::from_utf8_lossy(&body).replacen("</body>", &injection, 1);
        body = text.into_bytes();
    }
    respond(&mut stream, status, content_type, &body, head)
}

/// Whether a `Host` header names this machine on the preview's port.
fn is_loopback_host(host: &str, port: u16) -> bool {
    ["localhost", "127.0.0.1", "[::1]"]
        .iter()
        .any(|name| host == format!("{name}:{port}"))
}

/// The file a URL path names inside `site`, refusing anything that could leave it.
fn resolve(site: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let mut file = site.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    Some(file)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    (!decoded.contains('\0')).then_some(decoded)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/atom+xml",
        Some("csv") => "text/csv; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        503 => "Service Unavailable",
        _ => "Error",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Every watched file with its size and modification time; any change means a rebuild.
fn watched_files(root: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    let mut files = BTreeMap::new();
    let mut pending = vec![
        root.join(source::INCIDENTS_DIR),
        root.join(source::TEMPLATES_DIR),
    ];
    if let Ok(metadata) = std::fs::metadata(root.join(source::CONFIG_FILE)) {
        files.insert(
            root.join(source::CONFIG_FILE),
            (metadata.len(), metadata.modified().ok()),
        );
    }
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(metadata) = entry.metadata() else {
                continue;
            };
            if metadata.is_dir() {
                pending.push(entry.path());
            } else {
                files.insert(entry.path(), (metadata.len(), metadata.modified().ok()));
            }
        }
    }
    files
}

fn escape(text: &str) -> String {
    crate::render::svg::escape(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_site() {
        let site = Path::new("/srv/site");
        assert_eq!(
            resolve(site, "/da/index.html"),
            Some(PathBuf::from("/srv/site/da/index.html"))
        );
        assert_eq!(resolve(site, "/../etc/passwd"), None);
        assert_eq!(resolve(site, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(site, "/a/%00"), None);
    }

    #[test]
    fn an_edit_saved_as_the_preview_starts_is_shown() {
        use std::io::{Read as _, Write as _};
        let repo = crate::testing::example_repository();
        let report = repo
            .path()
            .join("incidents/2025/2025-11-03-national-eid-ddos-degradation.yaml");
        let text = std::fs::read_to_string(&report).unwrap();
        let edited = text.replace(
            "en: \"National eID: slow login",
            "en: \"Edited-as-the-preview-started National eID: slow login",
        );
        assert_ne!(text, edited);
        let options = ServeOptions {
            tree: WorkTree::open(repo.path()).unwrap(),
            port: 0,
            today: Some(crate::today_from(
                Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
                Utc::now(),
            )),
        };
        let stop = Arc::new(AtomicBool::new(false));
        let address = Mutex::new(None);
        // The edit is saved the moment the server says it serves: after its first build and
        // before it has looked at anything since.
        let log = |line: &str| {
            if let Some(rest) = line.strip_prefix("serving http://") {
                std::fs::write(&report, &edited).unwrap();
                let served = rest.split('/').next().unwrap().to_owned();
                *address.lock().unwrap() = Some(served);
            }
        };
        let page = "/en/reports/2025-11-03-national-eid-ddos-degradation.html";
        let shown = std::thread::scope(|scope| {
            let server = scope.spawn(|| serve(options, Arc::clone(&stop), &log));
            let started = std::time::Instant::now();
            let mut shown = false;
            while !shown && !server.is_finished() && started.elapsed() < Duration::from_secs(60) {
                std::thread::sleep(Duration::from_millis(100));
                let Some(served) = address.lock().unwrap().clone() else {
                    continue;
                };
                let Ok(mut stream) = std::net::TcpStream::connect(&served) else {
                    continue;
                };
                let request =
                    format!("GET {page} HTTP/1.1\r\nHost: {served}\r\nConnection: close\r\n\r\n");
                let mut response = String::new();
                if stream.write_all(request.as_bytes()).is_ok()
                    && stream.read_to_string(&mut response).is_ok()
                {
                    shown = response.contains("Edited-as-the-preview-started");
                }
            }
            stop.store(true, Ordering::SeqCst);
            // The accepting thread stops at its next connection.
            if let Some(served) = address.lock().unwrap().clone() {
                let _ = std::net::TcpStream::connect(served);
            }
            server.join().unwrap().unwrap();
            shown
        });
        assert!(shown, "the edit saved as the preview started never showed");
    }

    #[test]
    fn overlay_escapes_report_text() {
        let finding = Finding {
            code: crate::diag::Code::A006,
            name: "severity-understated",
            level: crate::diag::Level::Deny,
            file: "incidents/<x>.yaml".into(),
            line: Some(3),
            column: Some(1),
            path: "/severity".into(),
            message: "<script>alert(1)</script>".into(),
            help: "".into(),
            said: None,
        };
        let html = overlay_html(&[&finding], false);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
    }
}
