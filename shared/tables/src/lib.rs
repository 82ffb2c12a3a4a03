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
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex, Projection, ProjectionType, ScalarAttributeType, TableStatus,
    TimeToLiveSpecification,
};
use serde_yaml::{Mapping, Value};

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
        .map_err(|e| create_err(DisplayErrorContext(&e).to_string()))?;

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
                    DisplayErrorContext(&e)
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
                message: format!("describing the new table: {}", DisplayErrorContext(&e)),
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

// ------------------------------------------------------------------------- parsing

fn resources(template_yaml: &str) -> Result<Mapping, TablesError> {
    let template: Value = serde_yaml::from_str(template_yaml)?;
    match template.get("Resources") {
        Some(Value::Mapping(resources)) => Ok(resources.clone()),
        _ => Err(TablesError::NoResources),
    }
}

fn resource_type(resource: &Value) -> Option<&str> {
    resource.get("Type").and_then(Value::as_str)
}

fn lookup_table(resources: &Mapping, logical_id: &str) -> Result<TableSpec, TablesError> {
    let resource = resources
        .get(logical_id)
        .ok_or_else(|| TablesError::MissingResource(logical_id.to_string()))?;
    match resource_type(resource) {
        Some("AWS::DynamoDB::Table") => parse_table(logical_id, resource),
        other => Err(TablesError::NotATable {
            logical_id: logical_id.to_string(),
            found: other.unwrap_or("(no Type)").to_string(),
        }),
    }
}

/// Field accessors that report which resource and field is wrong.
struct Fields<'a> {
    logical_id: &'a str,
}

impl Fields<'_> {
    fn err(&self, field: &str, problem: impl Into<String>) -> TablesError {
        TablesError::Field {
            logical_id: self.logical_id.to_string(),
            field: field.to_string(),
            problem: problem.into(),
        }
    }

    fn literal<'v>(&self, field: &str, value: Option<&'v Value>) -> Result<&'v Value, TablesError> {
        match value {
            None | Some(Value::Null) => Err(self.err(field, "is missing")),
            Some(Value::Tagged(tagged)) => Err(self.err(
                field,
                format!(
                    "is the intrinsic function {}; only a literal value can be used here",
                    tagged.tag
                ),
            )),
            Some(Value::Mapping(m)) if m.keys().any(|k| k.as_str().is_some_and(is_intrinsic)) => {
                Err(self.err(
                    field,
                    "is an intrinsic function (Ref/Fn::*); only a literal value can be used here",
                ))
            }
            Some(v) => Ok(v),
        }
    }

    fn str<'v>(&self, field: &str, value: Option<&'v Value>) -> Result<&'v str, TablesError> {
        let v = self.literal(field, value)?;
        v.as_str()
            .ok_or_else(|| self.err(field, format!("must be a string, found {}", kind_of(v))))
    }

    fn seq<'v>(&self, field: &str, value: Option<&'v Value>) -> Result<&'v [Value], TablesError> {
        let v = self.literal(field, value)?;
        v.as_sequence()
            .map(Vec::as_slice)
            .ok_or_else(|| self.err(field, format!("must be a list, found {}", kind_of(v))))
    }

    fn map<'v>(&self, field: &str, value: Option<&'v Value>) -> Result<&'v Mapping, TablesError> {
        let v = self.literal(field, value)?;
        v.as_mapping()
            .ok_or_else(|| self.err(field, format!("must be a mapping, found {}", kind_of(v))))
    }

    fn bool(&self, field: &str, value: Option<&Value>) -> Result<bool, TablesError> {
        match self.literal(field, value)? {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
            v => Err(self.err(
                field,
                format!("must be true or false, found {}", kind_of(v)),
            )),
        }
    }

    fn key_schema(&self, field: &str, value: Option<&Value>) -> Result<KeySpec, TablesError> {
        let elements = self.seq(field, value)?;
        let mut hash = None;
        let mut range = None;
        for (i, element) in elements.iter().enumerate() {
            let at = format!("{field}[{i}]");
            let element = self.map(&at, Some(element))?;
            let name = self.str(&format!("{at}.AttributeName"), element.get("AttributeName"))?;
            let slot = match self.str(&format!("{at}.KeyType"), element.get("KeyType"))? {
                "HASH" => &mut hash,
                "RANGE" => &mut range,
                other => {
                    return Err(self.err(
                        &format!("{at}.KeyType"),
                        format!("must be HASH or RANGE, found {other:?}"),
                    ));
                }
            };
            if slot.replace(name.to_string()).is_some() {
                return Err(self.err(field, "has two keys of the same KeyType"));
            }
        }
        let hash = hash.ok_or_else(|| self.err(field, "has no HASH key"))?;
        Ok(KeySpec { hash, range })
    }

    fn projection(
        &self,
        field: &str,
        value: Option<&Value>,
    ) -> Result<ProjectionSpec, TablesError> {
        let projection = self.map(field, value)?;
        let kind_field = format!("{field}.ProjectionType");
        let kind = match projection.get("ProjectionType") {
            // CloudFormation's default projection type is KEYS_ONLY.
            None => "KEYS_ONLY",
            some => self.str(&kind_field, some)?,
        };
        match kind {
            "ALL" => Ok(ProjectionSpec::All),
            "KEYS_ONLY" => Ok(ProjectionSpec::KeysOnly),
            "INCLUDE" => {
                let attrs_field = format!("{field}.NonKeyAttributes");
                let attrs = self
                    .seq(&attrs_field, projection.get("NonKeyAttributes"))?
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        Ok(self
                            .str(&format!("{attrs_field}[{i}]"), Some(a))?
                            .to_string())
                    })
                    .collect::<Result<Vec<_>, TablesError>>()?;
                Ok(ProjectionSpec::Include(attrs))
            }
            other => Err(self.err(
                &kind_field,
                format!("must be ALL, KEYS_ONLY or INCLUDE, found {other:?}"),
            )),
        }
    }

    fn indexes(&self, field: &str, value: Option<&Value>) -> Result<Vec<IndexSpec>, TablesError> {
        if value.is_none() {
            return Ok(Vec::new());
        }
        self.seq(field, value)?
            .iter()
            .enumerate()
            .map(|(i, index)| {
                let at = format!("{field}[{i}]");
                let index = self.map(&at, Some(index))?;
                Ok(IndexSpec {
                    name: self
                        .str(&format!("{at}.IndexName"), index.get("IndexName"))?
                        .to_string(),
                    key: self.key_schema(&format!("{at}.KeySchema"), index.get("KeySchema"))?,
                    projection: self
                        .projection(&format!("{at}.Projection"), index.get("Projection"))?,
                })
            })
            .collect()
    }
}

fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key == "Condition" || key.starts_with("Fn::")
}

fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(t) => format!("the intrinsic function {}", t.tag),
    }
}

fn parse_table(logical_id: &str, resource: &Value) -> Result<TableSpec, TablesError> {
    let f = Fields { logical_id };
    let props = f.map("Properties", resource.get("Properties"))?;

    match props.get("BillingMode") {
        Some(mode) => {
            let mode = f.str("Properties.BillingMode", Some(mode))?;
            if mode != "PAY_PER_REQUEST" {
                return Err(f.err(
                    "Properties.BillingMode",
                    format!("only PAY_PER_REQUEST (on-demand) is supported, found {mode:?}"),
                ));
            }
        }
        None => {
            return Err(f.err(
                "Properties.BillingMode",
                "is missing (CloudFormation then means PROVISIONED); use PAY_PER_REQUEST",
            ));
        }
    }

    let attributes = f
        .seq(
            "Properties.AttributeDefinitions",
            props.get("AttributeDefinitions"),
        )?
        .iter()
        .enumerate()
        .map(|(i, def)| {
            let at = format!("Properties.AttributeDefinitions[{i}]");
            let def = f.map(&at, Some(def))?;
            let name = f.str(&format!("{at}.AttributeName"), def.get("AttributeName"))?;
            let kind = match f.str(&format!("{at}.AttributeType"), def.get("AttributeType"))? {
                "S" => AttributeKind::String,
                "N" => AttributeKind::Number,
                "B" => AttributeKind::Binary,
                other => {
                    return Err(f.err(
                        &format!("{at}.AttributeType"),
                        format!("must be S, N or B, found {other:?}"),
                    ));
                }
            };
            Ok(AttributeSpec {
                name: name.to_string(),
                kind,
            })
        })
        .collect::<Result<Vec<_>, TablesError>>()?;

    let key = f.key_schema("Properties.KeySchema", props.get("KeySchema"))?;
    let global_indexes = f.indexes(
        "Properties.GlobalSecondaryIndexes",
        props.get("GlobalSecondaryIndexes"),
    )?;
    let local_indexes = f.indexes(
        "Properties.LocalSecondaryIndexes",
        props.get("LocalSecondaryIndexes"),
    )?;

    let ttl_attribute = match props.get("TimeToLiveSpecification") {
        None => None,
        Some(ttl) => {
            let field = "Properties.TimeToLiveSpecification";
            let ttl = f.map(field, Some(ttl))?;
            let enabled = f.bool(&format!("{field}.Enabled"), ttl.get("Enabled"))?;
            let name = f.str(&format!("{field}.AttributeName"), ttl.get("AttributeName"))?;
            enabled.then(|| name.to_string())
        }
    };

    // DynamoDB rejects key attributes without a definition and definitions no key uses.
    let mut used: Vec<(&str, String)> = vec![(key.hash.as_str(), "Properties.KeySchema".into())];
    if let Some(range) = &key.range {
        used.push((range.as_str(), "Properties.KeySchema".into()));
    }
    for (kind, indexes) in [
        ("GlobalSecondaryIndexes", &global_indexes),
        ("LocalSecondaryIndexes", &local_indexes),
    ] {
        for index in indexes {
            let at = format!("Properties.{kind}[{}].KeySchema", index.name);
            used.push((index.key.hash.as_str(), at.clone()));
            if let Some(range) = &index.key.range {
                used.push((range.as_str(), at));
            }
        }
    }
    for (name, field) in &used {
        if !attributes.iter().any(|a| a.name == *name) {
            return Err(f.err(
                field,
                format!("key attribute {name:?} has no entry in AttributeDefinitions"),
            ));
        }
    }
    for attribute in &attributes {
        if !used.iter().any(|(name, _)| *name == attribute.name) {
            return Err(f.err(
                "Properties.AttributeDefinitions",
                format!(
                    "attribute {:?} is defined but no key or index uses it",
                    attribute.name
                ),
            ));
        }
    }

    Ok(TableSpec {
        logical_id: logical_id.to_string(),
        attributes,
        key,
        global_indexes,
        local_indexes,
        ttl_attribute,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(name: &str) -> AttributeSpec {
        AttributeSpec {
            name: name.into(),
            kind: AttributeKind::String,
        }
    }

    fn key(hash: &str, range: &str) -> KeySpec {
        KeySpec {
            hash: hash.into(),
            range: Some(range.into()),
        }
    }

    #[test]
    fn serde_yaml_reads_cloudformation_short_tags_as_tagged_values() {
        let template: Value = serde_yaml::from_str(TEMPLATE_YAML).unwrap();
        let alias = &template["Resources"]["DataKeyAlias"]["Properties"]["TargetKeyId"];
        let Value::Tagged(tagged) = alias else {
            panic!("expected a tagged value, got {alias:?}");
        };
        assert_eq!(tagged.tag, "!Ref");
        assert_eq!(tagged.value, Value::String("DataKey".into()));
    }

    #[test]
    fn the_template_declares_exactly_the_two_tables() {
        let ids: Vec<_> = table_specs(TEMPLATE_YAML)
            .unwrap()
            .into_iter()
            .map(|t| t.logical_id)
            .collect();
        assert_eq!(ids, ["DirectoryTable", "CasesTable"]);
    }

    #[test]
    fn directory_table_schema() {
        let spec = table_spec(TEMPLATE_YAML, "DirectoryTable").unwrap();
        assert_eq!(
            spec,
            TableSpec {
                logical_id: "DirectoryTable".into(),
                attributes: vec![s("pk"), s("sk"), s("email")],
                key: key("pk", "sk"),
                global_indexes: vec![IndexSpec {
                    name: "by-email".into(),
                    key: key("email", "pk"),
                    projection: ProjectionSpec::All,
                }],
                local_indexes: vec![],
                ttl_attribute: None,
            }
        );
    }

    #[test]
    fn cases_table_schema() {
        let spec = table_spec(TEMPLATE_YAML, "CasesTable").unwrap();
        assert_eq!(
            spec,
            TableSpec {
                logical_id: "CasesTable".into(),
                attributes: vec![s("pk"), s("sk"), s("queue"), s("due_utc")],
                key: key("pk", "sk"),
                global_indexes: vec![IndexSpec {
                    name: "by-queue-due".into(),
                    key: key("queue", "due_utc"),
                    projection: ProjectionSpec::All,
                }],
                local_indexes: vec![],
                ttl_attribute: Some("expires_at".into()),
            }
        );
    }

    #[test]
    fn template_path_points_at_the_embedded_template() {
        assert_eq!(
            std::fs::read_to_string(template_path()).unwrap(),
            TEMPLATE_YAML
        );
    }

    const MINIMAL: &str = r#"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${AWS::StackName}-t"
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: id, AttributeType: S }
        - { AttributeName: n, AttributeType: N }
      KeySchema:
        - { AttributeName: id, KeyType: HASH }
      GlobalSecondaryIndexes:
        - IndexName: by-n
          KeySchema:
            - { AttributeName: n, KeyType: HASH }
          Projection:
            ProjectionType: INCLUDE
            NonKeyAttributes: [a, b]
"#;

    #[test]
    fn parses_hash_only_keys_and_include_projections() {
        let spec = table_spec(MINIMAL, "T").unwrap();
        assert_eq!(
            spec.key,
            KeySpec {
                hash: "id".into(),
                range: None
            }
        );
        assert_eq!(spec.attributes[1].kind, AttributeKind::Number);
        assert_eq!(
            spec.global_indexes[0].projection,
            ProjectionSpec::Include(vec!["a".into(), "b".into()])
        );
    }

    fn field_error(yaml: &str) -> (String, String, String) {
        match table_spec(yaml, "T").unwrap_err() {
            TablesError::Field {
                logical_id,
                field,
                problem,
            } => (logical_id, field, problem),
            other => panic!("expected a field error, got {other}"),
        }
    }

    #[test]
    fn unknown_and_wrong_resources_are_named() {
        assert!(matches!(
            table_spec(MINIMAL, "Nope"),
            Err(TablesError::MissingResource(id)) if id == "Nope"
        ));
        let err = table_spec(MINIMAL, "Bucket").unwrap_err();
        assert_eq!(
            err.to_string(),
            "resource Bucket is of type AWS::S3::Bucket, not AWS::DynamoDB::Table"
        );
        assert!(matches!(
            table_spec("a: 1", "T"),
            Err(TablesError::NoResources)
        ));
    }

    #[test]
    fn an_intrinsic_where_a_literal_is_needed_is_reported() {
        let yaml = MINIMAL.replace(
            "BillingMode: PAY_PER_REQUEST",
            "BillingMode: !If [IsProd, PROVISIONED, PAY_PER_REQUEST]",
        );
        let (id, field, problem) = field_error(&yaml);
        assert_eq!(
            (id.as_str(), field.as_str()),
            ("T", "Properties.BillingMode")
        );
        assert!(problem.contains("!If"), "{problem}");

        let yaml = MINIMAL.replace("IndexName: by-n", "IndexName: { Ref: IndexParam }");
        let (_, field, _) = field_error(&yaml);
        assert_eq!(field, "Properties.GlobalSecondaryIndexes[0].IndexName");
    }

    #[test]
    fn bad_fields_are_reported_with_their_path() {
        let (_, field, problem) = field_error(&MINIMAL.replace(
            "KeyType: HASH }\n      Global",
            "KeyType: PRIMARY }\n      Global",
        ));
        assert_eq!(field, "Properties.KeySchema[0].KeyType");
        assert!(problem.contains("PRIMARY"), "{problem}");

        let (_, field, _) =
            field_error(&MINIMAL.replace("      BillingMode: PAY_PER_REQUEST\n", ""));
        assert_eq!(field, "Properties.BillingMode");

        let (_, field, problem) = field_error(&MINIMAL.replace(
            "AttributeName: n, AttributeType: N",
            "AttributeName: m, AttributeType: N",
        ));
        assert_eq!(field, "Properties.GlobalSecondaryIndexes[by-n].KeySchema");
        assert!(problem.contains("\"n\""), "{problem}");

        let (_, field, problem) =
            field_error(&MINIMAL.replace("ProjectionType: INCLUDE", "ProjectionType: SOME"));
        assert_eq!(
            field,
            "Properties.GlobalSecondaryIndexes[0].Projection.ProjectionType"
        );
        assert!(problem.contains("SOME"), "{problem}");

        let (_, field, _) = field_error(&MINIMAL.replace("AttributeType: N", "AttributeType: X"));
        assert_eq!(field, "Properties.AttributeDefinitions[1].AttributeType");
    }

    #[test]
    fn unused_attribute_definitions_are_rejected() {
        let yaml = MINIMAL.replace(
            "        - { AttributeName: n, AttributeType: N }\n",
            "        - { AttributeName: n, AttributeType: N }\n        - { AttributeName: x, AttributeType: S }\n",
        );
        let (_, field, problem) = field_error(&yaml);
        assert_eq!(field, "Properties.AttributeDefinitions");
        assert!(problem.contains("\"x\""), "{problem}");
    }
}
