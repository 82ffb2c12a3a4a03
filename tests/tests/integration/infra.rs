//! The DynamoDB tables declared in infra/template.yaml, created in moto, and the harness.

use aws_sdk_dynamodb::types::{BillingMode, KeyType, ProjectionType, TimeToLiveStatus};
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use slamail_tables::{TablesError, create_tables_from_template, template_path};
use slamail_tests::{MotoServer, unique_name};

/// (attribute, key type) pairs of a key schema.
fn keys(schema: &[aws_sdk_dynamodb::types::KeySchemaElement]) -> Vec<(String, KeyType)> {
    schema
        .iter()
        .map(|k| (k.attribute_name().to_string(), k.key_type().clone()))
        .collect()
}

fn hash_range(hash: &str, range: &str) -> Vec<(String, KeyType)> {
    vec![
        (hash.to_string(), KeyType::Hash),
        (range.to_string(), KeyType::Range),
    ]
}

#[tokio::test]
async fn tables_from_the_template_have_the_declared_keys_and_indexes() {
    let moto = MotoServer::shared();
    let client = moto.dynamodb();
    let directory = unique_name("dir");
    let cases = unique_name("cases");

    create_tables_from_template(
        &client,
        template_path(),
        &[("DirectoryTable", &directory), ("CasesTable", &cases)],
    )
    .await
    .unwrap();

    let table = client
        .describe_table()
        .table_name(&directory)
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(keys(table.key_schema()), hash_range("pk", "sk"));
    assert_eq!(
        table.billing_mode_summary().and_then(|b| b.billing_mode()),
        Some(&BillingMode::PayPerRequest)
    );
    let gsis = table.global_secondary_indexes();
    assert_eq!(gsis.len(), 1);
    assert_eq!(gsis[0].index_name(), Some("by-email"));
    assert_eq!(keys(gsis[0].key_schema()), hash_range("email", "pk"));
    assert_eq!(
        gsis[0].projection().and_then(|p| p.projection_type()),
        Some(&ProjectionType::All)
    );

    let table = client
        .describe_table()
        .table_name(&cases)
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(keys(table.key_schema()), hash_range("pk", "sk"));
    let gsis = table.global_secondary_indexes();
    assert_eq!(gsis.len(), 1);
    assert_eq!(gsis[0].index_name(), Some("by-queue-due"));
    assert_eq!(keys(gsis[0].key_schema()), hash_range("queue", "due_utc"));
    assert_eq!(
        gsis[0].projection().and_then(|p| p.projection_type()),
        Some(&ProjectionType::All)
    );

    let ttl = client
        .describe_time_to_live()
        .table_name(&cases)
        .send()
        .await
        .unwrap()
        .time_to_live_description
        .unwrap();
    assert_eq!(ttl.attribute_name(), Some("expires_at"));
    assert_eq!(ttl.time_to_live_status(), Some(&TimeToLiveStatus::Enabled));
}

#[tokio::test]
async fn creating_an_existing_table_names_the_table_and_resource() {
    let moto = MotoServer::shared();
    let client = moto.dynamodb();
    let name = unique_name("dup");
    let pairs = [("DirectoryTable", name.as_str())];
    create_tables_from_template(&client, template_path(), &pairs)
        .await
        .unwrap();
    let err = create_tables_from_template(&client, template_path(), &pairs)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TablesError::Create { logical_id, table_name, .. }
            if logical_id == "DirectoryTable" && table_name == &name),
        "{err}"
    );
}

#[tokio::test]
async fn a_resource_that_is_not_a_table_is_rejected_before_anything_is_created() {
    let moto = MotoServer::shared();
    let client = moto.dynamodb();
    let name = unique_name("never");
    let err = create_tables_from_template(
        &client,
        template_path(),
        &[("CasesTable", &name), ("RawMailBucket", "x")],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, TablesError::NotATable { .. }), "{err}");
    let tables = client.list_tables().send().await.unwrap();
    assert!(!tables.table_names().contains(&name));
}

#[tokio::test]
async fn a_dedicated_server_records_sent_mail_resets_and_stops_on_drop() {
    let moto = MotoServer::start().unwrap();
    let ses = moto.sesv2();
    assert!(moto.sent_emails().unwrap().is_empty());
    ses.create_email_identity()
        .email_identity("support.example.com")
        .send()
        .await
        .unwrap();
    let mime = "From: help@support.example.com\r\nTo: customer@example.org\r\n\
                Subject: [AS-1] Re: hi\r\nAuto-Submitted: auto-replied\r\n\r\nHello\r\n";
    ses.send_email()
        .from_email_address("help@support.example.com")
        .destination(
            Destination::builder()
                .to_addresses("customer@example.org")
                .build(),
        )
        .content(
            EmailContent::builder()
                .raw(
                    RawMessage::builder()
                        .data(Blob::new(mime.as_bytes()))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(moto.sent_emails().unwrap(), [mime]);
    let sent = moto.sent_messages().unwrap();
    assert_eq!(sent[0].source, "help@support.example.com");
    assert!(
        sent[0]
            .destinations
            .contains(&"customer@example.org".to_string())
    );

    moto.reset().unwrap();
    assert!(moto.sent_emails().unwrap().is_empty());

    let endpoint = moto.endpoint().to_string();
    let port = moto.port();
    drop(moto);
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "moto still answers on {endpoint} after drop"
    );
}
