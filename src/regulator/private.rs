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
    pub email: String,
    /// Telephone number.
    pub telephone: String,
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

/// Read a private-fields file, or say what is wrong and where (`line:column: message`).
pub fn parse(bytes: &[u8]) -> Result<PrivateFields, Vec<String>> {
    crate::load::parse_typed(
        bytes,
        "the private-fields file is empty; see README, \"Notifying regulators\"",
    )
}
