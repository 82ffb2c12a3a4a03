use serde_yaml::Value;

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
            attributes: vec![
                s("pk"),
                s("sk"),
                s("queue"),
                s("due_utc"),
                s("watch_shard"),
                s("next_warning_utc"),
                s("report_month"),
                s("report_org"),
            ],
            key: key("pk", "sk"),
            global_indexes: vec![
                IndexSpec {
                    name: "by-queue-due".into(),
                    key: key("queue", "due_utc"),
                    projection: ProjectionSpec::All,
                },
                // The SLA watch's due work and the attainment reports' months (docs/watch.md).
                IndexSpec {
                    name: "by-next-warning".into(),
                    key: key("watch_shard", "next_warning_utc"),
                    projection: ProjectionSpec::KeysOnly,
                },
                IndexSpec {
                    name: "by-report-month".into(),
                    key: key("report_month", "report_org"),
                    projection: ProjectionSpec::KeysOnly,
                },
            ],
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

    let (_, field, _) = field_error(&MINIMAL.replace("      BillingMode: PAY_PER_REQUEST\n", ""));
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
