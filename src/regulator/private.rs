//! The non-published fields of a regulator notification: a separate YAML file, given to
//! `candor export --private FILE`, that the site build never reads.
//!
//! Indicators of compromise, the attacker's techniques and the people the authority may call
//! belong in a notification and never on a public page. Keeping them out of the report file
//! keeps them out of the repository's history as well; the export warns when the file lies
//! inside the repository where git would track it.

use serde::Deserialize;

/// The file given to `--private`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateFields {
    /// The id of the report these fields belong to; when given, an export of another report
    /// refuses the file, so one incident's indicators never go out with another's.
    #[serde(default)]
    pub report: Option<String>,
    /// The primary contact person (DORA fields 1.7 to 1.9).
    #[serde(default)]
    pub primary_contact: Option<Contact>,
    /// The second contact person (DORA fields 1.10 to 1.12).
    #[serde(default)]
    pub second_contact: Option<Contact>,
    /// The ultimate parent undertaking (DORA fields 1.13 and 1.14).
    #[serde(default)]
    pub parent: Option<Parent>,
    /// Indicators of compromise (NIS2 Art. 23(4)(b); DORA field 3.35).
    #[serde(default)]
    pub indicators_of_compromise: Vec<String>,
    /// Threats and techniques used by the threat actor (DORA field 3.25).
    #[serde(default)]
    pub threats_and_techniques: Vec<String>,
    /// Affected infrastructure components supporting business processes (DORA field 3.29).
    #[serde(default)]
    pub affected_infrastructure: Option<String>,
    /// Information relevant for resolution authorities (DORA field 4.11).
    #[serde(default)]
    pub resolution_authorities: Option<String>,
}

/// A contact person.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Telephone number.
    #[serde(default)]
    pub telephone: Option<String>,
}

/// The ultimate parent undertaking.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parent {
    /// Name.
    pub name: String,
    /// Legal Entity Identifier.
    #[serde(default)]
    pub lei: Option<String>,
}

/// The largest private-fields file read: it holds a few names and indicators.
pub const MAX_BYTES: u64 = 1024 * 1024;

/// Read the private-fields file at `path`: a regular file (a link to one is followed) of at
/// most [`MAX_BYTES`], read no further than that, so a device or a pipe cannot exhaust memory
/// or hang the export.
pub fn read(path: &std::path::Path) -> anyhow::Result<PrivateFields> {
    use anyhow::{Context as _, bail};
    use std::io::Read as _;
    let shown = path.display();
    let metadata = std::fs::metadata(path)
        .with_context(|| format!("cannot read the private-fields file {shown}"))?;
    if !metadata.is_file() {
        bail!("{shown} is not a regular file; give the YAML file with the private fields");
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .with_context(|| format!("cannot read the private-fields file {shown}"))?
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read the private-fields file {shown}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        bail!(
            "{shown} is larger than {MAX_BYTES} bytes; a private-fields file holds a few names and indicators, not logs"
        );
    }
    parse(&bytes)
        .map_err(|problems| anyhow::anyhow!("{shown} cannot be read:\n  {}", problems.join("\n  ")))
}

/// Read a private-fields file's content, or say what is wrong and where
/// (`line:column: message`).
pub fn parse(bytes: &[u8]) -> Result<PrivateFields, Vec<String>> {
    crate::load::parse_typed(
        bytes,
        "the file holds no fields; give any of report, primary_contact, second_contact, parent, indicators_of_compromise, threats_and_techniques, affected_infrastructure, resolution_authorities (README, \"Notifying regulators\")",
    )
}
