//! `slamail demo`: the emulator set up as the stack would be (tables from the SAM template, the
//! raw-mail bucket, SES identities of the policies' reply domains), the sample directory
//! imported, every sample message processed, and the sample conversation played through the
//! intake and the agents' desk.

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;
use slamail_core::case::ReplyOutcome;
use slamail_intake::{Intake, Outcome};

use super::args::{DemoArgs, intake};
use super::print::{outcomes_table, truncate};
use super::process::{process_event, read, read_json};
use crate::CliError;

#[derive(Debug, Deserialize)]
struct Scenarios {
    scenario: Vec<Scenario>,
}

#[derive(Debug, Deserialize)]
struct Scenario {
    name: String,
    eml: String,
    event: String,
}

/// The demo: sets up the emulator's tables, bucket and SES identities, imports the sample
/// directory, processes every sample message and prints what became of each.
pub async fn run_demo(a: DemoArgs) -> Result<String, CliError> {
    if std::env::var("AWS_ENDPOINT_URL").map_or(true, |v| v.trim().is_empty()) {
        return Err(CliError::Input(
            "the demo creates tables and sends mail: it only runs against a local emulator; set AWS_ENDPOINT_URL (scripts/demo.sh does)".to_string(),
        ));
    }
    let intake = provision(&a).await?;
    let imported = import_directory(&intake, &a.samples).await?;

    let scenarios_path = a.samples.join("scenarios.toml");
    let scenarios: Scenarios = toml::from_str(
        &std::fs::read_to_string(&scenarios_path)
            .map_err(|e| CliError::Input(format!("{}: {e}", scenarios_path.display())))?,
    )
    .map_err(|e| CliError::Input(format!("{}: {e}", scenarios_path.display())))?;

    let mut rows = Vec::new();
    let mut shown_reply = None;
    for s in &scenarios.scenario {
        let bytes = read(&a.samples.join(&s.eml))?;
        let event = read_json(&a.samples.join(&s.event))?;
        let processed = process_event(&intake, bytes, &event).await?;
        for p in processed {
            if shown_reply.is_none()
                && let Outcome::Created { case } = &p.outcome
                && matches!(case.reply, ReplyOutcome::Sent { .. })
            {
                shown_reply = p.reply_raw.clone();
            }
            rows.push((s.name.clone(), p));
        }
    }

    let mut out = String::new();
    let _ = writeln!(out, "Directory: {imported}\n");
    outcomes_table(&mut out, &rows);
    if let Some(raw) = shown_reply {
        let _ = writeln!(out, "\nOne auto-reply, as sent:\n{}\n{raw}", "-".repeat(72));
    }
    conversation(&intake, &a.samples.join("conversation"), &mut out).await?;
    Ok(out.trim_end().to_string())
}

/// The emulator set up as the stack would be: the template's tables, the raw-mail bucket, and
/// an SES identity for each policy's reply domain; the intake on it.
async fn provision(a: &DemoArgs) -> Result<Intake, CliError> {
    let res = &a.resources;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let dynamo = aws_sdk_dynamodb::Client::new(&aws);
    slamail_tables::create_tables_from_template(
        &dynamo,
        &a.template,
        &[
            ("CasesTable", res.cases_table.as_str()),
            ("DirectoryTable", res.directory_table.as_str()),
        ],
    )
    .await
    .map_err(|e| match e {
        slamail_tables::TablesError::Read { .. } => CliError::Input(format!(
            "{e}; run from the repository root or pass --template <path of infra/template.yaml>"
        )),
        e => CliError::Runtime(e.to_string()),
    })?;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&aws)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket()
        .bucket(&res.bucket)
        .send()
        .await
        .map_err(|e| {
            CliError::Runtime(format!(
                "creating bucket {}: {}",
                res.bucket,
                slamail_aws::sdk_error::AwsFailure::of(
                    &e,
                    slamail_aws::sdk_error::Resource::Bucket
                )
            ))
        })?;
    let intake = intake(res).await?;
    let ses = aws_sdk_sesv2::Client::new(&aws);
    for policy in intake.policies.policies() {
        ses.create_email_identity()
            .email_identity(policy.reply_from.domain())
            .send()
            .await
            .map_err(|e| {
                CliError::Runtime(format!(
                    "creating SES identity {}: {}",
                    policy.reply_from.domain(),
                    slamail_aws::sdk_error::AwsFailure::of(
                        &e,
                        slamail_aws::sdk_error::Resource::EmailIdentity
                    )
                ))
            })?;
    }
    Ok(intake)
}

/// Imports the sample directory; its report's last line.
async fn import_directory(intake: &Intake, samples: &Path) -> Result<String, CliError> {
    let directory_file = samples.join("directory.toml");
    let plan = slamail_cli::directory::read_import(&directory_file)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let report = slamail_cli::directory::import(
        &intake.directory,
        &intake.policies,
        &slamail_core::directory::Actor::Operator("demo".to_string()),
        &plan,
    )
    .await;
    Ok(report
        .into_result()
        .map_err(|e| CliError::Runtime(e.to_string()))?
        .lines()
        .last()
        .unwrap_or_default()
        .to_string())
}

/// The sample conversation: every step's outcome, then the case's timeline and `explain`.
async fn conversation(intake: &Intake, dir: &Path, out: &mut String) -> Result<(), CliError> {
    let script = slamail_cli::conversation::read_script(dir).map_err(CliError::Input)?;
    let policy = slamail_core::ids::PolicyId::parse(&script.policy)
        .ok()
        .and_then(|p| intake.policies.get(&p))
        .cloned()
        .ok_or_else(|| CliError::Input(format!("policy {} is not loaded", script.policy)))?;
    let desk = slamail_agents::Desk {
        cases: intake.cases.clone(),
        mailer: intake.mailer.clone(),
        policies: intake.policies.clone(),
        message_id_domain: intake.config.message_id_domain.clone(),
    };
    let results =
        slamail_cli::conversation::run(intake, &desk, &policy, dir, &script, "demo-conversation")
            .await
            .map_err(CliError::Runtime)?;
    let _ = writeln!(
        out,
        "\n{}\nA conversation ({}): mails through the intake, agents' actions through the desk\n",
        "=".repeat(72),
        dir.display()
    );
    let _ = writeln!(
        out,
        "{:<66} {:<13} {:<8} next due from us",
        "step", "outcome", "status"
    );
    let mut problems = Vec::new();
    for r in &results {
        let _ = writeln!(
            out,
            "{:<66} {:<13} {:<8} {}",
            truncate(&r.name, 66),
            r.got,
            r.status,
            r.due
        );
        problems.extend(r.mismatches());
    }
    if !problems.is_empty() {
        let _ = writeln!(out, "\nNOT AS SCRIPTED:\n  {}", problems.join("\n  "));
    }
    let Some(case_id) = results.first().and_then(|r| r.case_id.clone()) else {
        return Ok(());
    };
    let agent = slamail_core::ids::EmailAddress::parse(&script.agent)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let last = script
        .step
        .last()
        .map(|s| s.at)
        .unwrap_or_else(chrono::Utc::now);
    let shown = desk
        .show(&agent, &case_id)
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    let _ = writeln!(
        out,
        "\n$ slamail case show {case_id}\n{}",
        slamail_agents::timeline::render(&policy, &shown, last)
    );
    let explain = desk
        .explain(&agent, &case_id, last)
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    let _ = writeln!(out, "$ slamail case explain {case_id}\n{explain}");
    Ok(())
}
