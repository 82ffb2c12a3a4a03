//! The one-request-at-a-time moto server, for the concurrency tests (see
//! `MotoServer::start_serial` for why). It is the shared server every test uses.

use slamail_tests::MotoServer;

/// A DynamoDB client of the one-request-at-a-time moto.
pub fn serial_dynamodb() -> aws_sdk_dynamodb::Client {
    MotoServer::shared_serial().dynamodb()
}

/// The tables (from the template), raw-mail bucket and SES identities a test's intake needs,
/// under unique names: the moto server is shared by every test.
#[derive(Debug, Clone)]
pub struct Stack {
    pub cases: String,
    pub directory: String,
    pub bucket: String,
}

/// Creates a [`Stack`]; `dynamodb` creates the tables (moto directly, or through a proxy) and
/// the reply domain of every policy in `policies` becomes an SES identity.
pub async fn provision(
    moto: &MotoServer,
    dynamodb: &aws_sdk_dynamodb::Client,
    policies: &slamail_core::policy::PolicySet,
) -> Stack {
    let stack = Stack {
        cases: slamail_tests::unique_name("cases"),
        directory: slamail_tests::unique_name("dir"),
        bucket: slamail_tests::unique_name("raw"),
    };
    slamail_tables::create_tables_from_template(
        dynamodb,
        slamail_tables::template_path(),
        &[
            ("CasesTable", &stack.cases),
            ("DirectoryTable", &stack.directory),
        ],
    )
    .await
    .expect("tables from the template");
    moto.s3()
        .create_bucket()
        .bucket(&stack.bucket)
        .send()
        .await
        .expect("bucket");
    let ses = moto.sesv2();
    for p in policies.policies() {
        // Identities are account-wide in moto; creating one twice is refused, which is fine.
        let _ = ses
            .create_email_identity()
            .email_identity(p.reply_from.domain())
            .send()
            .await;
    }
    stack
}

/// The intake's configuration for a [`Stack`]. Replies are told apart by their Message-ID
/// domain, one per test (moto's sent mail is shared); `tag` starts it.
pub fn intake_config(stack: &Stack, tag: &str) -> slamail_intake::IntakeConfig {
    slamail_intake::IntakeConfig {
        message_id_domain: format!("{}.test", slamail_tests::unique_name(tag)),
        ..slamail_intake::IntakeConfig::new(
            &stack.bucket,
            "inbound/",
            &stack.cases,
            &stack.directory,
        )
    }
}

/// Imports `samplemail/directory.toml` through the intake's directory, as an operator would.
pub async fn import_sample_directory(intake: &slamail_intake::Intake) {
    let plan = slamail_cli::directory::read_import(
        &slamail_tests::repo_root().join("samplemail/directory.toml"),
    )
    .expect("sample directory file");
    slamail_cli::directory::import(
        &intake.directory,
        &intake.policies,
        &slamail_core::directory::Actor::Operator("test".to_string()),
        &plan,
    )
    .await
    .into_result()
    .expect("sample directory");
}

/// Delivers raw mail to `intake` as SES would at `at` (RFC 3339): the message put where the
/// receipt rule's S3 action writes it, the envelope naming the support addresses the mail was
/// sent to, every verdict passing but DMARC's, which is `dmarc`.
pub async fn deliver(
    intake: &slamail_intake::Intake,
    bucket: &str,
    bytes: &[u8],
    at: &str,
    dmarc: &str,
) -> slamail_intake::Processed {
    let id = slamail_tests::unique_name("ses");
    intake
        .raw
        .put(bucket, &format!("inbound/{id}"), bytes.to_vec())
        .await
        .expect("put raw");
    let email = slamail_core::message::InboundEmail::parse(bytes);
    let recipients: Vec<String> = email
        .recipients
        .iter()
        .filter(|a| intake.policies.is_own_address(a))
        .map(|a| a.to_string())
        .collect();
    let recipients: Vec<&str> = recipients.iter().map(String::as_str).collect();
    let event = slamail_intake::fakes::SesEvent::new(&id, &recipients)
        .dmarc(dmarc)
        .at(at)
        .to_json();
    intake
        .handle_event(&event)
        .await
        .expect("processed")
        .remove(0)
}
