//! `slamail process` and `slamail demo`: the intake handler run by hand, against whatever
//! endpoint the AWS configuration names (`AWS_ENDPOINT_URL` for the local emulator).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;
use slamail_core::case::{CaseRecord, ReplyOutcome};
use slamail_intake::{Intake, IntakeConfig, Job, Outcome, Processed};

use crate::CliError;

/// Where the intake's resources are: the same names the Lambda reads from its environment.
#[derive(Debug, Clone, Args)]
pub struct Resources {
    /// The cases table.
    #[arg(long, env = "CASES_TABLE", default_value = "slamail-cases")]
    pub cases_table: String,
    /// The directory table.
    #[arg(long, env = "DIRECTORY_TABLE", default_value = "slamail-directory")]
    pub directory_table: String,
    /// The raw-mail bucket SES writes to.
    #[arg(long, env = "RAW_MAIL_BUCKET", default_value = "slamail-raw-mail")]
    pub bucket: String,
    /// The key prefix of the receipt rule's S3 action.
    #[arg(long, env = "RAW_MAIL_PREFIX", default_value = "inbound/")]
    pub prefix: String,
    /// Policy files (comma-separated ids or paths); default: the built-in policies.
    #[arg(long, env = "POLICY_FILES")]
    pub policies: Option<String>,
    /// The SES configuration set replies are sent with.
    #[arg(long, env = "SES_CONFIGURATION_SET")]
    pub configuration_set: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProcessArgs {
    /// `.eml` files to process: each is stored in the bucket as SES would, then processed.
    pub files: Vec<PathBuf>,
    /// An SES receipt event for the file (verdicts, envelope recipients, SES message id).
    /// Without one, verdicts come from the message's own X-SES-* and Authentication-Results
    /// headers, as on the S3-triggered path.
    #[arg(long)]
    pub event: Option<PathBuf>,
    /// Re-process a message already in the bucket, by SES message id (an already processed
    /// message is reported as a duplicate: processing is idempotent).
    #[arg(long, conflicts_with_all = ["files", "event"])]
    pub stored: Option<String>,
    /// Envelope recipients, when no event gives them (default: the message's To and Cc).
    #[arg(long = "to")]
    pub recipients: Vec<String>,
    #[command(flatten)]
    pub resources: Resources,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder of sample messages with its scenarios.toml and directory.toml.
    #[arg(long, default_value = "samplemail")]
    pub samples: PathBuf,
    /// The SAM template whose DynamoDB tables the demo creates (the repository's
    /// infra/template.yaml; relative paths are from the current directory).
    #[arg(long, default_value = "infra/template.yaml")]
    pub template: PathBuf,
    #[command(flatten)]
    pub resources: Resources,
}

/// The intake's configuration: these flags for the resources, the Lambda's variables (and their
/// defaults) for everything else.
fn config(res: &Resources) -> Result<IntakeConfig, CliError> {
    IntakeConfig::from_env(|name| match name {
        "CASES_TABLE" => Some(res.cases_table.clone()),
        "DIRECTORY_TABLE" => Some(res.directory_table.clone()),
        "RAW_MAIL_BUCKET" => Some(res.bucket.clone()),
        "RAW_MAIL_PREFIX" => Some(res.prefix.clone()),
        "POLICY_FILES" => res.policies.clone(),
        "SES_CONFIGURATION_SET" => res.configuration_set.clone(),
        other => std::env::var(other).ok(),
    })
    .map_err(|e| CliError::Input(e.to_string()))
}

async fn intake(res: &Resources) -> Result<Intake, CliError> {
    let config = config(res)?;
    let policies = slamail_core::policy::PolicySet::from_list(config.policy_files.as_deref())
        .map_err(|e| CliError::Input(e.to_string()))?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Ok(Intake::from_aws(&aws, config, policies))
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

fn read_json(path: &Path) -> Result<serde_json::Value, CliError> {
    serde_json::from_slice(&read(path)?)
        .map_err(|e| CliError::Input(format!("{}: not JSON: {e}", path.display())))
}

/// A stable SES-like message id for a local file: the same file gets the same id, so
/// processing it twice is recognised as a duplicate.
fn local_message_id(bytes: &[u8]) -> String {
    // FNV-1a: a dependency-free stable hash; collisions only matter for local files.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("local-{h:016x}")
}

/// Stores a message where the SES S3 action would and processes it with the SES event.
async fn process_event(
    intake: &Intake,
    bytes: Vec<u8>,
    event: &serde_json::Value,
) -> Result<Vec<Processed>, CliError> {
    let slamail_intake::Parsed::Jobs(jobs) =
        slamail_intake::parse_event(event, &intake.config.raw_bucket, &intake.config.raw_prefix)
            .map_err(|e| CliError::Input(e.to_string()))?
    else {
        return Ok(Vec::new());
    };
    for job in &jobs {
        intake
            .raw
            .put(&job.bucket, &job.key, bytes.clone())
            .await
            .map_err(|e| CliError::Runtime(e.to_string()))?;
    }
    intake
        .handle_event(event)
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))
}

pub async fn run_process(a: ProcessArgs) -> Result<String, CliError> {
    let intake = intake(&a.resources).await?;
    let mut results = Vec::new();
    if let Some(id) = &a.stored {
        let job = Job {
            ses_message_id: id.clone(),
            bucket: a.resources.bucket.clone(),
            key: format!("{}{id}", a.resources.prefix),
            recipients: a.recipients.clone(),
            verdicts: None,
            received: None,
        };
        results.extend(
            intake
                .process(&job)
                .await
                .map_err(|e| CliError::Runtime(e.to_string()))?,
        );
    }
    if a.stored.is_none() && a.files.is_empty() {
        return Err(CliError::Input(
            "give .eml files to process, or --stored <ses message id>".to_string(),
        ));
    }
    for file in &a.files {
        let bytes = read(file)?;
        match &a.event {
            Some(event) => {
                results.extend(process_event(&intake, bytes, &read_json(event)?).await?);
            }
            None => {
                let id = local_message_id(&bytes);
                let job = Job {
                    key: format!("{}{id}", a.resources.prefix),
                    ses_message_id: id,
                    bucket: a.resources.bucket.clone(),
                    recipients: a.recipients.clone(),
                    verdicts: None,
                    received: None,
                };
                intake
                    .raw
                    .put(&job.bucket, &job.key, bytes)
                    .await
                    .map_err(|e| CliError::Runtime(e.to_string()))?;
                results.extend(
                    intake
                        .process(&job)
                        .await
                        .map_err(|e| CliError::Runtime(e.to_string()))?,
                );
            }
        }
    }
    if a.json {
        return serde_json::to_string_pretty(&results)
            .map_err(|e| CliError::Runtime(e.to_string()));
    }
    Ok(results
        .iter()
        .map(describe)
        .collect::<Vec<_>>()
        .join("\n\n"))
}

fn reply_words(reply: &ReplyOutcome) -> String {
    match reply {
        ReplyOutcome::Pending => "pending (outcome unknown)".to_string(),
        ReplyOutcome::Sent { ses_message_id, .. } => format!("sent ({ses_message_id})"),
        ReplyOutcome::Suppressed { code, .. } => format!("not sent: {code}"),
        ReplyOutcome::Failed { error } => format!("FAILED: {error}"),
        ReplyOutcome::Unknown { note } => format!("UNKNOWN: {note}"),
        ReplyOutcome::Queued { .. } => {
            "queued (SES throttled; the paced sender sends it)".to_string()
        }
    }
}

fn describe(p: &Processed) -> String {
    match &p.outcome {
        Outcome::Created { case } => {
            let c: &CaseRecord = case;
            let mut out = String::new();
            let _ = writeln!(out, "{}  (SES message {})", c.case_id, p.ses_message_id);
            let _ = writeln!(
                out,
                "  from:     {}",
                c.requester.as_deref().unwrap_or("(no sender address)")
            );
            let _ = writeln!(
                out,
                "  subject:  {}",
                c.subject.as_deref().unwrap_or("(none)")
            );
            let _ = writeln!(out, "  tier:     {} ({})", c.tier, c.tier_reason_words);
            let _ = writeln!(
                out,
                "  severity: {}{}",
                c.severity,
                c.severity_clamped
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
            let _ = writeln!(
                out,
                "  deadline: {}{}",
                c.target,
                c.due
                    .as_deref()
                    .map(|d| format!(", due {d}"))
                    .unwrap_or_default()
            );
            let _ = writeln!(out, "  queue:    {}", c.queue);
            let _ = write!(out, "  reply:    {}", reply_words(&c.reply));
            out
        }
        Outcome::Appended { case_id, note } => {
            format!("{} appended to {case_id}: {note}", p.ses_message_id)
        }
        Outcome::Threaded {
            case_id,
            kind,
            reopened,
            clock,
        } => format!(
            "{} joined {case_id}: {}{}{}",
            p.ses_message_id,
            kind.words(),
            if *reopened { ", reopened the case" } else { "" },
            if clock.is_empty() {
                String::new()
            } else {
                format!(" (clock: {})", clock.join(", "))
            }
        ),
        Outcome::Duplicate { case_id } => format!(
            "{}: already processed{}",
            p.ses_message_id,
            case_id
                .as_ref()
                .map(|c| format!(" (case {c})"))
                .unwrap_or_default()
        ),
        Outcome::Unroutable { note } => format!("{}: not a case: {note}", p.ses_message_id),
    }
}

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
    let directory_file = a.samples.join("directory.toml");
    let plan = slamail_cli::directory::read_import(&directory_file)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let report = slamail_cli::directory::import(
        &intake.directory,
        &intake.policies,
        &slamail_core::directory::Actor::Operator("demo".to_string()),
        &plan,
    )
    .await;
    let imported = report
        .into_result()
        .map_err(|e| CliError::Runtime(e.to_string()))?
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();

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
    let _ = writeln!(
        out,
        "{:<30} {:<17} {:<11} {:<24} {:<9} {:<27} {:<18} auto-reply",
        "message", "case", "tier", "reason", "severity", "deadline", "queue"
    );
    for (name, p) in &rows {
        match &p.outcome {
            Outcome::Created { case: c } => {
                let _ = writeln!(
                    out,
                    "{:<30} {:<17} {:<11} {:<24} {:<9} {:<27} {:<18} {}",
                    truncate(name, 30),
                    c.case_id.as_str(),
                    c.tier,
                    c.tier_reason,
                    format!(
                        "{}{}",
                        c.severity,
                        if c.severity_clamped.is_some() {
                            "*"
                        } else {
                            ""
                        }
                    ),
                    c.due.as_deref().unwrap_or("none"),
                    c.queue,
                    match &c.reply {
                        // The SES id is in the case; the table stays readable.
                        ReplyOutcome::Sent { .. } => "sent".to_string(),
                        other => reply_words(other),
                    }
                );
            }
            other => {
                let _ = writeln!(
                    out,
                    "{:<30} {}",
                    truncate(name, 30),
                    describe(&Processed {
                        ses_message_id: p.ses_message_id.clone(),
                        outcome: other.clone(),
                        reply_raw: None,
                    })
                );
            }
        }
    }
    let _ = writeln!(out, "\n* severity clamped to what the tier covers");
    if let Some(raw) = shown_reply {
        let _ = writeln!(out, "\nOne auto-reply, as sent:\n{}\n{raw}", "-".repeat(72));
    }
    conversation(&intake, &a.samples.join("conversation"), &mut out).await?;
    Ok(out.trim_end().to_string())
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

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}
