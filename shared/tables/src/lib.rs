//! DynamoDB tables from the SAM template, for tests and the local demo.
//!
//! This crate is tooling: the CLI's `demo` and the integration tests depend on it, no Lambda
//! function does, so the YAML walker and the embedded template never ship in a deployment
//! package (`cargo tree -p slamail-intake` does not list it).
//!
//! `infra/template.yaml` is the single source of truth for the table schemas: local runs
//! and tests create their tables from it, so code and infrastructure cannot drift apart.
//! This module reads the template's `AWS::DynamoDB::Table` resources (attribute
//! definitions, key schema, global and local secondary indexes with their projections,
//! on-demand billing, TTL attribute) and creates them against whatever endpoint the
//! DynamoDB client is configured for (moto in tests), under names the caller chooses
//! per logical id so that parallel tests do not collide:
//!
//! ```no_run
//! # async fn demo(client: &aws_sdk_dynamodb::Client) -> Result<(), slamail_tables::TablesError> {
//! use slamail_tables::{TEMPLATE_YAML, create_tables_from_yaml};
//! create_tables_from_yaml(
//!     client,
//!     TEMPLATE_YAML,
//!     &[("DirectoryTable", "dir-test-1"), ("CasesTable", "cases-test-1")],
//! )
//! .await?;
//! # Ok(()) }
//! ```
//!
//! Only the schema is reproduced. Encryption, point-in-time recovery, deletion protection
//! and the CloudFormation `TableName` are deployment concerns and are ignored. The YAML may
//! use CloudFormation short tags (`!Ref`, `!GetAtt`, `!Sub`, `!If`, ...) anywhere: serde_yaml
//! reads them as tagged values. A field this module needs must be a literal, though; an
//! intrinsic function there is reported as an error naming the resource and field.

use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex, Projection, ProjectionType, ScalarAttributeType, TableStatus,
    TimeToLiveSpecification,
};
use slamail_aws::sdk_error::{AwsFailure, Resource};

mod parse;

use parse::{lookup_table, parse_table, resource_type, resources};

/// The repository's `infra/template.yaml`, embedded at build time (for tests: a binary run
/// outside a checkout reads the template from a path it is given instead).
pub const TEMPLATE_YAML: &str = include_str!("../../../infra/template.yaml");

/// Path of the repository's `infra/template.yaml` (from this crate's source location; only
/// meaningful inside a checkout, i.e. for tests).
pub fn template_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra/template.yaml")
}

/// How long [`create_table`] waits for a new table to become `ACTIVE`.
const ACTIVE_TIMEOUT: Duration = Duration::from_secs(120);

/// Something wrong with the template, or with creating a table from it.
#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    #[error("cannot read template {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("template is not valid YAML: {0}")]
    Yaml(#[from] serde_yaml::Error),
    #[error("template has no `Resources` mapping")]
    NoResources,
    #[error("resource {0} is not in the template")]
    MissingResource(String),
    #[error("resource {logical_id} is of type {found}, not AWS::DynamoDB::Table")]
    NotATable { logical_id: String, found: String },
    #[error("resource {logical_id}, field {field}: {problem}")]
    Field {
        logical_id: String,
        field: String,
        problem: String,
    },
    #[error("creating table {table_name} (resource {logical_id}): {message}")]
    Create {
        logical_id: String,
        table_name: String,
        message: String,
    },
    #[error("table {table_name} (resource {logical_id}) is not ACTIVE after {waited:?}")]
    NotActive {
        logical_id: String,
        table_name: String,
        waited: Duration,
    },
}

/// Scalar type of a key attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeKind {
    /// `S`
    String,
    /// `N`
    Number,
    /// `B`
    Binary,
}

/// One entry of `AttributeDefinitions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeSpec {
    pub name: String,
    pub kind: AttributeKind,
}

/// A key schema: partition (`HASH`) key and optional sort (`RANGE`) key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySpec {
    pub hash: String,
    pub range: Option<String>,
}

/// Which attributes an index projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectionSpec {
    All,
    KeysOnly,
    Include(Vec<String>),
}

/// A global or local secondary index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSpec {
    pub name: String,
    pub key: KeySpec,
    pub projection: ProjectionSpec,
}

/// The schema of one `AWS::DynamoDB::Table` resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    pub logical_id: String,
    pub attributes: Vec<AttributeSpec>,
    pub key: KeySpec,
    pub global_indexes: Vec<IndexSpec>,
    pub local_indexes: Vec<IndexSpec>,
    /// `TimeToLiveSpecification.AttributeName` when TTL is enabled.
    pub ttl_attribute: Option<String>,
}

/// Every `AWS::DynamoDB::Table` in the template, in template order.
pub fn table_specs(template_yaml: &str) -> Result<Vec<TableSpec>, TablesError> {
    let resources = resources(template_yaml)?;
    let mut specs = Vec::new();
    for (id, resource) in &resources {
        let Some(id) = id.as_str() else { continue };
        if resource_type(resource) == Some("AWS::DynamoDB::Table") {
            specs.push(parse_table(id, resource)?);
        }
    }
    Ok(specs)
}

/// The table declared under `logical_id`.
pub fn table_spec(template_yaml: &str, logical_id: &str) -> Result<TableSpec, TablesError> {
    let resources = resources(template_yaml)?;
    lookup_table(&resources, logical_id)
}

/// Reads the template at `path` and creates the tables it declares; see
/// [`create_tables_from_yaml`].
pub async fn create_tables_from_template(
    client: &Client,
    path: impl AsRef<Path>,
    names: &[(&str, &str)],
) -> Result<(), TablesError> {
    let path = path.as_ref();
    let yaml = std::fs::read_to_string(path).map_err(|source| TablesError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    create_tables_from_yaml(client, &yaml, names).await
}

/// Creates one table per `(logical id, table name)` pair from the template's definition of
/// that logical id, waits until each is `ACTIVE` and enables its TTL. Every pair is checked
/// against the template before anything is created.
pub async fn create_tables_from_yaml(
    client: &Client,
    template_yaml: &str,
    names: &[(&str, &str)],
) -> Result<(), TablesError> {
    let resources = resources(template_yaml)?;
    let specs = names
        .iter()
        .map(|(id, name)| Ok((lookup_table(&resources, id)?, *name)))
        .collect::<Result<Vec<_>, TablesError>>()?;
    for (spec, name) in &specs {
        create_table(client, spec, name).await?;
    }
    Ok(())
}

/// Creates `table_name` with the schema of `spec` (on-demand billing), waits until it is
/// `ACTIVE`, then enables TTL if the spec has a TTL attribute.
pub async fn create_table(
    client: &Client,
    spec: &TableSpec,
    table_name: &str,
) -> Result<(), TablesError> {
    let create_err = |message: String| TablesError::Create {
        logical_id: spec.logical_id.clone(),
        table_name: table_name.to_string(),
        message,
    };
    let build_err = |e: aws_sdk_dynamodb::error::BuildError| create_err(e.to_string());

    let mut request = client
        .create_table()
        .table_name(table_name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(key_schema(&spec.key).map_err(build_err)?));
    for attribute in &spec.attributes {
        let kind = match attribute.kind {
            AttributeKind::String => ScalarAttributeType::S,
            AttributeKind::Number => ScalarAttributeType::N,
            AttributeKind::Binary => ScalarAttributeType::B,
        };
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(&attribute.name)
                .attribute_type(kind)
                .build()
                .map_err(build_err)?,
        );
    }
    for index in &spec.global_indexes {
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(&index.name)
                .set_key_schema(Some(key_schema(&index.key).map_err(build_err)?))
                .projection(projection(&index.projection))
                .build()
                .map_err(build_err)?,
        );
    }
    for index in &spec.local_indexes {
        request = request.local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name(&index.name)
                .set_key_schema(Some(key_schema(&index.key).map_err(build_err)?))
                .projection(projection(&index.projection))
                .build()
                .map_err(build_err)?,
        );
    }
    request
        .send()
        .await
        .map_err(|e| create_err(AwsFailure::of(&e, Resource::Table).to_string()))?;

    wait_active(client, spec, table_name).await?;

    if let Some(attribute) = &spec.ttl_attribute {
        client
            .update_time_to_live()
            .table_name(table_name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(attribute)
                    .enabled(true)
                    .build()
                    .map_err(build_err)?,
            )
            .send()
            .await
            .map_err(|e| {
                create_err(format!(
                    "enabling TTL on {attribute}: {}",
                    AwsFailure::of(&e, Resource::Table)
                ))
            })?;
    }
    Ok(())
}

async fn wait_active(
    client: &Client,
    spec: &TableSpec,
    table_name: &str,
) -> Result<(), TablesError> {
    let started = std::time::Instant::now();
    let mut delay = Duration::from_millis(50);
    loop {
        let described = client
            .describe_table()
            .table_name(table_name)
            .send()
            .await
            .map_err(|e| TablesError::Create {
                logical_id: spec.logical_id.clone(),
                table_name: table_name.to_string(),
                message: format!(
                    "describing the new table: {}",
                    AwsFailure::of(&e, Resource::Table)
                ),
            })?;
        if described.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
            return Ok(());
        }
        if started.elapsed() >= ACTIVE_TIMEOUT {
            return Err(TablesError::NotActive {
                logical_id: spec.logical_id.clone(),
                table_name: table_name.to_string(),
                waited: started.elapsed(),
            });
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}

fn key_schema(key: &KeySpec) -> Result<Vec<KeySchemaElement>, aws_sdk_dynamodb::error::BuildError> {
    let mut elements = vec![
        KeySchemaElement::builder()
            .attribute_name(&key.hash)
            .key_type(KeyType::Hash)
            .build()?,
    ];
    if let Some(range) = &key.range {
        elements.push(
            KeySchemaElement::builder()
                .attribute_name(range)
                .key_type(KeyType::Range)
                .build()?,
        );
    }
    Ok(elements)
}

fn projection(spec: &ProjectionSpec) -> Projection {
    match spec {
        ProjectionSpec::All => Projection::builder()
            .projection_type(ProjectionType::All)
            .build(),
        ProjectionSpec::KeysOnly => Projection::builder()
            .projection_type(ProjectionType::KeysOnly)
            .build(),
        ProjectionSpec::Include(attributes) => Projection::builder()
            .projection_type(ProjectionType::Include)
            .set_non_key_attributes(Some(attributes.clone()))
            .build(),
    }
}

#[cfg(test)]
mod tests;
