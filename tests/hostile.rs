//! Hostile YAML ends in a finding with a position, quickly, never a hang or a crash.
//! (The binary runs with a timeout; a hang fails the test.)

use crate::support::{check_json, fixture_config, repository};

fn single_finding(name: &str, bytes: &[u8]) -> serde_json::Value {
    let repo = repository(&fixture_config(), &[(name, bytes)]);
    let (exit, findings) = check_json(repo.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings.into_iter().next().unwrap()
}

#[test]
fn alias_bomb() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let finding = single_finding("alias-bomb.yaml", text.as_bytes());
    assert_eq!(finding["code"], "S001");
    assert!(finding["message"].as_str().unwrap().contains("aliases"));
    assert!(finding["line"].as_u64().unwrap() <= 5);
}

#[test]
fn deep_nesting() {
    let depth = 20_000;
    let text = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let finding = single_finding("deep.yaml", text.as_bytes());
    assert_eq!(finding["code"], "S001");
    assert_eq!(finding["line"], 1);

    let block: String = (0..300)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    let finding = single_finding("deep-block.yaml", block.as_bytes());
    assert_eq!(finding["code"], "S001");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("nested more than 64 levels")
    );
    assert_eq!(finding["line"], 65);
}

#[test]
fn two_mebibyte_file() {
    let text = format!("schema: 1\nsummary: \"{}\"\n", "x".repeat(2 * 1024 * 1024));
    let finding = single_finding("huge.yaml", text.as_bytes());
    assert_eq!(finding["code"], "S007");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("1048576 bytes")
    );
}

#[test]
fn invalid_utf8() {
    let finding = single_finding("latin1.yaml", b"schema: 1\ntitle: caf\xe9\n");
    assert_eq!(finding["code"], "S001");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(2), Some(11))
    );
    assert!(finding["message"].as_str().unwrap().contains("not UTF-8"));
}

#[test]
fn empty_binary_and_odd_documents() {
    for (name, bytes, expected) in [
        ("empty.yaml", &b""[..], "the file is empty"),
        (
            "comments.yaml",
            &b"# only a comment\n"[..],
            "the file is empty",
        ),
        ("list.yaml", &b"- a\n- b\n"[..], "must be a map"),
        (
            "two.yaml",
            &b"a: 1\n---\nb: 2\n"[..],
            "more than one YAML document",
        ),
        ("syntax.yaml", &b"a: [1, 2\nb: \"x\n"[..], "is never closed"),
        ("binary.yaml", &b"\x00\x01\x02\xff\xfe"[..], "not UTF-8"),
        ("tabs.yaml", &b"a:\n\t- b\n"[..], "indented with a tab"),
        ("dup.yaml", &b"schema: 1\nschema: 1\n"[..], "appears twice"),
    ] {
        let repo = repository(&fixture_config(), &[(name, bytes)]);
        let (exit, findings) = check_json(repo.path(), &[]);
        assert_eq!(exit, 1, "{name}");
        assert!(
            findings
                .iter()
                .any(|f| f["message"].as_str().unwrap().contains(expected)
                    && f["line"].as_u64().is_some()),
            "{name}: {findings:#?}"
        );
    }
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let good = std::fs::read(crate::support::fixture(
        "rules/A005-action-overdue/fail/a005-fail.yaml",
    ))
    .unwrap();
    let repo = repository(
        &fixture_config(),
        &[("a005-fail.yaml", &good[..]), ("bad.yaml", &b"a: ["[..])],
    );
    let (_, findings) = check_json(repo.path(), &[]);
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["A005", "S001"]);
}

#[test]
fn control_characters_are_findings_at_their_text_and_never_published() {
    let template = std::fs::read_to_string(crate::support::fixture(
        "rules/A001-missing-root-cause/pass/a001-pass.yaml",
    ))
    .unwrap();
    for (name, title) in [
        ("escaped", "title: \"Login\\u0001 failed\"\n"),
        ("vertical-tab", "title: \"Login\u{b} failed\"\n"),
        ("noncharacter", "title: \"Login \u{fffe} failed\"\n"),
    ] {
        let text = template
            .replace("id: a001-pass", &format!("id: {name}"))
            .lines()
            .map(|l| {
                if l.starts_with("title:") {
                    title.trim_end().to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let repo = repository(
            &fixture_config(),
            &[(&format!("{name}.yaml"), text.as_bytes())],
        );
        let (exit, findings) = check_json(repo.path(), &[]);
        assert_eq!(exit, 1, "{name}");
        let finding = findings
            .iter()
            .find(|f| f["code"] == "S001")
            .unwrap_or_else(|| panic!("{name}: {findings:#?}"));
        assert!(
            finding["message"]
                .as_str()
                .unwrap()
                .contains("control character U+"),
            "{finding}"
        );
        assert_eq!(finding["line"], 3, "{name}: at the title");
        // The build refuses the report, so the character never reaches a page or the feed.
        let out = tempfile::tempdir().unwrap();
        let output = crate::support::candor()
            .args(["build", "--worktree", "--today", "2026-12-01", "--repo"])
            .arg(repo.path())
            .arg("--out")
            .arg(out.path().join("site"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{name}");
    }
}
