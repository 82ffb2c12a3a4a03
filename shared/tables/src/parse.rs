//! Reading the template: `AWS::DynamoDB::Table` resources into [`TableSpec`]s, with errors
//! that name the resource and field.

use serde_yaml::{Mapping, Value};

use crate::{
    AttributeKind, AttributeSpec, IndexSpec, KeySpec, ProjectionSpec, TableSpec, TablesError,
};

pub(crate) fn resources(template_yaml: &str) -> Result<Mapping, TablesError> {
    let template: Value = serde_yaml::from_str(template_yaml)?;
    match template.get("Resources") {
        Some(Value::Mapping(resources)) => Ok(resources.clone()),
        _ => Err(TablesError::NoResources),
    }
}

pub(crate) fn resource_type(resource: &Value) -> Option<&str> {
    resource.get("Type").and_then(Value::as_str)
}

pub(crate) fn lookup_table(
    resources: &Mapping,
    logical_id: &str,
) -> Result<TableSpec, TablesError> {
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

pub(crate) fn parse_table(logical_id: &str, resource: &Value) -> Result<TableSpec, TablesError> {
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
