//! The built-in templates, compiled into the binary, and a repository's overrides.
//!
//! A reports repository can put a file with the same name under `templates/` (for example
//! `templates/report.html`, `templates/assets/style.css` or `templates/i18n/da.yaml`) to
//! replace the built-in one; new files there can be included by the overrides. A template
//! that does not compile stops the build with an error that names the file and the line.

use std::collections::BTreeMap;

use anyhow::Context as _;
use tera::Tera;

/// Every built-in file under `templates/`, by its name there.
pub(super) const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("year.html", include_str!("../../templates/year.html")),
    ("report.html", include_str!("../../templates/report.html")),
    ("service.html", include_str!("../../templates/service.html")),
    (
        "organisation.html",
        include_str!("../../templates/organisation.html"),
    ),
    (
        "directory.html",
        include_str!("../../templates/directory.html"),
    ),
    ("actions.html", include_str!("../../templates/actions.html")),
    ("rules.html", include_str!("../../templates/rules.html")),
    ("rule.html", include_str!("../../templates/rule.html")),
    ("about.html", include_str!("../../templates/about.html")),
    ("sources.html", include_str!("../../templates/sources.html")),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "redirect.html",
        include_str!("../../templates/redirect.html"),
    ),
    ("feed.xml", include_str!("../../templates/feed.xml")),
    (
        "compare_organisations.html",
        include_str!("../../templates/compare_organisations.html"),
    ),
    (
        "compare_services.html",
        include_str!("../../templates/compare_services.html"),
    ),
    ("trends.html", include_str!("../../templates/trends.html")),
    (
        "revision.html",
        include_str!("../../templates/revision.html"),
    ),
    (
        "organisation_year.html",
        include_str!("../../templates/organisation_year.html"),
    ),
    (
        "_record_table.html",
        include_str!("../../templates/_record_table.html"),
    ),
    (
        "_report_table.html",
        include_str!("../../templates/_report_table.html"),
    ),
    (
        "_action_table.html",
        include_str!("../../templates/_action_table.html"),
    ),
    ("_pager.html", include_str!("../../templates/_pager.html")),
    (
        "assets/style.css",
        include_str!("../../templates/assets/style.css"),
    ),
    (
        "assets/search.js",
        include_str!("../../templates/assets/search.js"),
    ),
    (
        "assets/sort.js",
        include_str!("../../templates/assets/sort.js"),
    ),
    ("i18n/en.yaml", include_str!("../../templates/i18n/en.yaml")),
    ("i18n/da.yaml", include_str!("../../templates/i18n/da.yaml")),
];

/// The template files of one build: the built-in ones with the repository's overrides.
#[derive(Clone, Debug)]
pub struct TemplateSet {
    files: BTreeMap<String, String>,
    /// Names the repository overrode or added, for the build summary.
    pub overridden: Vec<String>,
}

impl TemplateSet {
    /// The built-in files, then `overrides` (name under `templates/`, content) on top.
    pub fn new(overrides: Vec<(String, String)>) -> TemplateSet {
        let mut files: BTreeMap<String, String> = BUILT_IN
            .iter()
            .map(|(n, c)| ((*n).to_owned(), (*c).to_owned()))
            .collect();
        let mut overridden = Vec::new();
        for (name, content) in overrides {
            overridden.push(name.clone());
            files.insert(name, content);
        }
        TemplateSet { files, overridden }
    }

    /// A file's content.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// The SHA-256 of every file of the set (names and contents): a page rendered from other
    /// templates or strings has another key.
    pub fn fingerprint(&self) -> [u8; 32] {
        use sha2::Digest as _;
        let mut hasher = sha2::Sha256::new();
        for (name, content) in &self.files {
            for text in [name, content] {
                hasher.update((text.len() as u64).to_le_bytes());
                hasher.update(text.as_bytes());
            }
        }
        hasher.finalize().into()
    }

    /// Compile the HTML and XML templates, with autoescaping on for both.
    pub fn compile(&self) -> anyhow::Result<Tera> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        let templates: Vec<(&str, &str)> = self
            .files
            .iter()
            .filter(|(name, _)| name.ends_with(".html") || name.ends_with(".xml"))
            .map(|(name, content)| (name.as_str(), content.as_str()))
            .collect();
        tera.add_raw_templates(templates)
            .map_err(|error| anyhow::anyhow!(describe(&error)))
            .with_context(|| {
                if self.overridden.is_empty() {
                    "a built-in template does not compile".to_owned()
                } else {
                    format!(
                        "a template does not compile (overridden in templates/: {})",
                        self.overridden.join(", ")
                    )
                }
            })?;
        Ok(tera)
    }
}

/// Tera's HTML escaping (the same five characters and replacements), writing the runs
/// between them in one call each instead of one call per byte: text from reports is most
/// of every page, and escaping it byte by byte through a `dyn Write` was a tenth of a build.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (index, byte) in bytes.iter().enumerate() {
        let replacement: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..index])?;
        out.write_all(replacement)?;
        start = index + 1;
    }
    out.write_all(&bytes[start..])
}

/// A Tera error with its causes, which carry the template name, line and column.
pub(super) fn describe(error: &tera::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_teras_own() {
        for text in [
            "",
            "plain",
            "a & b <c> \"d\" 'e' / f",
            "<<&&>>",
            "æøå & 日本 <x>",
            "'",
        ] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            escape_html(text, &mut ours).unwrap();
            tera::escape_html(text, &mut teras).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(teras).unwrap()
            );
        }
        let mut out = Vec::new();
        escape_html("a<b>&'\"", &mut out).unwrap();
        assert_eq!(out, b"a&lt;b&gt;&amp;&#39;&quot;");
    }

    #[test]
    fn built_in_templates_compile() {
        TemplateSet::new(Vec::new()).compile().unwrap();
    }

    #[test]
    fn broken_override_names_the_template() {
        let set = TemplateSet::new(vec![(
            "report.html".into(),
            "{% extends \"base.html\" %}\n{% block main %}\n{{ oops \n{% endblock main %}".into(),
        )]);
        let error = format!("{:#}", set.compile().unwrap_err());
        assert!(error.contains("report.html"), "{error}");
    }
}
