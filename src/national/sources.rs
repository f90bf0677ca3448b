//! The sources file of a national site (`candor.national.yaml`): the site, the national
//! floor (policy and rule levels no source may relax), and each source repository pinned to
//! a commit.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::{PolicyFile, SiteFile};
use crate::diag::Level;
use crate::load;

/// The sources file.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Candor national sources file")]
pub struct NationalFile {
    /// The national site: title, address, languages (as in candor.yaml).
    pub site: SiteFile,
    /// The national floor: deadlines and severity thresholds no source may relax. Where a
    /// source's own candor.yaml is stricter, its own value stands.
    #[serde(default)]
    pub policy: PolicyFile,
    /// Rule levels no source may relax, e.g. `{A010: deny}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rules: BTreeMap<String, Level>,
    /// The source repositories.
    #[schemars(length(min = 1))]
    pub sources: Vec<SourceEntry>,
}

/// One source repository.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    /// The source's name, the namespace of its keys: lowercase letters and digits, words
    /// joined by single hyphens (`adi`, `tax-agency`).
    #[schemars(regex(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"), length(max = 40))]
    pub name: String,
    /// Where to fetch it: a local path (relative to the sources file), `file://` or
    /// `https://`.
    #[schemars(length(min = 1))]
    pub git: String,
    /// The commit to read, as a full 40-digit id (a branch or tag name only with
    /// `--allow-moving-revisions`).
    #[schemars(length(min = 1))]
    pub revision: String,
    /// Services of this source that depend on another source's services, e.g.
    /// `{portal: [adi/national-eid]}`: the other's outages count against this one's
    /// availability as users experienced it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub depends_on: BTreeMap<String, Vec<String>>,
}

/// Whether `name` is a valid source name.
pub(crate) fn is_source_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Refuse addresses Candor does not fetch, and addresses with a user name or password (the
/// address is published on the sources page and in the manifest).
fn check_address(git: &str) -> Result<(), String> {
    let scheme = git.split_once("://").map(|(scheme, _)| scheme);
    match scheme {
        Some("https") => {
            let authority = git["https://".len()..]
                .split('/')
                .next()
                .unwrap_or_default();
            if authority.contains('@') {
                return Err(format!(
                    "`{git}` holds a user name or password, which would be published with the address; give the credentials to git (a credential helper), not to the sources file"
                ));
            }
            Ok(())
        }
        Some("file") => Ok(()),
        Some(other) => Err(format!(
            "`{other}://` addresses are not fetched; use https://, file:// or a local path"
        )),
        None if git.contains('@')
            && git.split('/').next().is_some_and(|head| head.contains(':')) =>
        {
            Err(format!(
                "`{git}` is an ssh address, which is not fetched; use https://, file:// or a local path"
            ))
        }
        None => Ok(()),
    }
}

/// Whether `revision` is a full commit id.
pub(crate) fn is_commit_id(revision: &str) -> bool {
    revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Read a sources file, or say what is wrong with it and where (`line:column: message`).
pub fn parse(bytes: &[u8]) -> Result<NationalFile, Vec<String>> {
    let (file, root): (NationalFile, _) =
        load::parse_typed_tree(bytes, "the file is empty; see `candor schema --national`")?;
    let mut problems: Vec<String> = Vec::new();
    // The site, policy and rules must pass every check candor.yaml's do (language codes,
    // addresses, thresholds), at their places in this file.
    let json = root.to_json();
    let probe = serde_json::json!({
        "site": json["site"],
        "policy": json.get("policy").cloned().unwrap_or_else(|| serde_json::json!({})),
        "rules": json.get("rules").cloned().unwrap_or_else(|| serde_json::json!({})),
        "organisations": {},
        "services": {},
    });
    match crate::validate::SchemaValidator::new() {
        Ok(validator) => {
            let bytes = serde_json::to_vec(&probe).unwrap_or_default();
            let loaded = crate::check::load_config(&bytes, &validator);
            for finding in loaded.findings.iter().filter(|f| f.is_deny()) {
                let position = root.position_of(&finding.path);
                problems.push(format!(
                    "{}:{}: {} ({})",
                    position.line,
                    position.column,
                    finding.message.trim_end_matches('.'),
                    finding.path
                ));
            }
        }
        Err(error) => problems.push(format!("cannot check the site settings: {error:#}")),
    }
    for code in file.rules.keys() {
        if !crate::diag::RULES.iter().any(|rule| rule.code_str == code) {
            let position = root.position_of(&format!("/rules/{code}"));
            problems.push(format!(
                "{}:{}: `{code}` is not a rule code; `candor rules` lists them",
                position.line, position.column
            ));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (index, source) in file.sources.iter().enumerate() {
        let position = root.position_of(&format!("/sources/{index}/name"));
        let at = format!("{}:{}", position.line, position.column);
        if !is_source_name(&source.name) {
            problems.push(format!(
                "{at}: `{}` is not a source name: lowercase letters and digits, words joined by single hyphens",
                source.name
            ));
        }
        if let Err(problem) = check_address(&source.git) {
            let position = root.position_of(&format!("/sources/{index}/git"));
            problems.push(format!("{}:{}: {problem}", position.line, position.column));
        }
        if !seen.insert(source.name.clone()) {
            problems.push(format!(
                "{at}: the source name `{}` is used twice",
                source.name
            ));
        }
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems)
    }
}

/// A serde path (`sources[2].name`) as a JSON pointer (`/sources/2/name`).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_revisions() {
        assert!(is_source_name("adi") && is_source_name("tax-agency-2"));
        for bad in ["", "Adi", "a--b", "-a", "a-", "a/b", "a_b"] {
            assert!(!is_source_name(bad), "{bad}");
        }
        assert!(is_commit_id("3f2a000000000000000000000000000000000000"));
        assert!(!is_commit_id("main") && !is_commit_id("3f2a"));
    }

    #[test]
    fn problems_name_their_place() {
        let text = b"site: {title: T, base_url: https://x.example/, languages: [en]}\nsources:\n  - {name: Adi, git: ../a, revision: main}\n  - {name: b, git: ../b, revison: x}\n";
        let problems = parse(text).unwrap_err();
        assert!(problems[0].starts_with("4:"), "{problems:?}");
        assert!(problems[0].contains("revison"), "{problems:?}");
    }
}
