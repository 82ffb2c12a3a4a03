//! Issue 8 item 4: a failed AWS call reads as one line at the CLI and in the Lambda's log: what
//! failed, on which table or bucket, and what to do. These are real failing calls against moto.

use slamail_aws::cases::CaseStore;
use slamail_aws::rawmail::RawMailStore;
use slamail_core::ids::CaseId;
use slamail_tests::{MotoServer, unique_name};

/// What every operator-facing error line must be: one short line, naming the resource, with the
/// service's code and a hint, and none of the SDK's internals.
fn assert_one_clear_line(text: &str, resource: &str, code: &str, hint: &str) {
    assert!(!text.contains('\n'), "one line: {text}");
    assert!(text.len() < 400, "{} characters: {text}", text.len());
    assert!(text.contains(resource), "names {resource}: {text}");
    assert!(text.contains(code), "carries {code}: {text}");
    assert!(text.contains(hint), "says what to do ({hint}): {text}");
    for internal in [
        "Extensions",
        "hyper",
        "SdkError",
        "ServiceError",
        "raw:",
        "Response {",
    ] {
        assert!(
            !text.contains(internal),
            "no SDK internals ({internal}): {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_table_is_one_line_naming_it() {
    let moto = MotoServer::shared();
    let table = unique_name("no-such-table");
    let store = CaseStore::new(moto.dynamodb(), &table);
    let case = CaseId::parse("AS-2026-000001").expect("case id");
    let e = store
        .get_case(&case)
        .await
        .expect_err("the table does not exist");
    assert_one_clear_line(
        &e.to_string(),
        &table,
        "ResourceNotFoundException",
        "check the table name",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_bucket_is_one_line_naming_it() {
    let moto = MotoServer::shared();
    let bucket = unique_name("no-such-bucket");
    let store = RawMailStore::new(moto.s3());
    let e = store
        .put(&bucket, "inbound/x", b"x".to_vec())
        .await
        .expect_err("the bucket does not exist");
    assert_one_clear_line(
        &e.to_string(),
        &bucket,
        "NoSuchBucket",
        "check the bucket name",
    );
}

/// The same line reaches the intake's error (what the Lambda logs and `slamail process` prints).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_intake_reports_a_missing_table_in_one_line() {
    let moto = MotoServer::shared();
    let table = unique_name("gone");
    let bucket = unique_name("raw");
    moto.s3()
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("bucket");
    let intake = slamail_intake::Intake::from_aws(
        moto.sdk_config(),
        slamail_intake::IntakeConfig::new(&bucket, "inbound/", &table, &table),
        slamail_core::policy::PolicySet::from_list(None).expect("policies"),
    );
    let (bytes, event) = super::first_sent_scenario();
    let id = unique_name("err");
    let event = super::with_fresh_id(&event, &id);
    intake
        .raw
        .put(&bucket, &format!("inbound/{id}"), bytes)
        .await
        .expect("stored");
    let e = intake
        .handle_event(&event)
        .await
        .expect_err("no table, no intake");
    assert_one_clear_line(
        &e.to_string(),
        &table,
        "ResourceNotFoundException",
        "check the table name",
    );
}
