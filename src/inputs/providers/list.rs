//! The declared providers as `orgcheck providers` lists them.

use super::{Contact, Provider, Role};

/// The providers as `orgcheck providers` lists them.
#[derive(Debug, Clone, Copy)]
pub struct ProviderList<'a> {
    pub providers: &'a [Provider],
}

#[derive(serde::Serialize)]
struct ProviderListJson<'a> {
    schema_version: u32,
    providers: Vec<ProviderEntry<'a>>,
}

#[derive(serde::Serialize)]
struct ProviderEntry<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'a str>,
    replied: bool,
    statements: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<&'a Contact>,
    /// Policy documents and statement pages, told apart by `role`.
    documents: Vec<DocumentEntry<'a>>,
}

#[derive(serde::Serialize)]
struct DocumentEntry<'a> {
    id: &'a str,
    role: Role,
    url: &'a str,
    select: &'a [String],
    remove: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot_date: Option<&'a str>,
}

impl serde::Serialize for ProviderList<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let providers = self
            .providers
            .iter()
            .map(|p| ProviderEntry {
                id: &p.id,
                name: &p.name,
                country: p.country.as_deref(),
                replied: !p.statements.is_empty() || p.statement_pages().next().is_some(),
                statements: p.statements.len() + p.statement_pages().count(),
                contact: p.contact.as_ref(),
                documents: p
                    .documents
                    .iter()
                    .map(|d| DocumentEntry {
                        id: &d.id,
                        role: d.role,
                        url: &d.url,
                        select: &d.select,
                        remove: &d.remove,
                        snapshot: d.snapshot.as_deref(),
                        snapshot_date: d.snapshot_date.as_deref(),
                    })
                    .collect(),
            })
            .collect();
        ProviderListJson {
            schema_version: crate::base::report::SCHEMA_VERSION,
            providers,
        }
        .serialize(serializer)
    }
}
