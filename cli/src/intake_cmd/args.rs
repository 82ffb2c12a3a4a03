//! The flags of `slamail process` and `slamail demo`, and the intake they configure: the
//! resources come from the flags, everything else from the Lambda's own variables.

use std::path::PathBuf;

use clap::Args;
use slamail_intake::{Intake, IntakeConfig};

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

/// The intake on the configured AWS endpoint, as the Lambda would build it.
pub(super) async fn intake(res: &Resources) -> Result<Intake, CliError> {
    let config = config(res)?;
    let policies = slamail_core::policy::PolicySet::from_list(config.policy_files.as_deref())
        .map_err(|e| CliError::Input(e.to_string()))?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Ok(Intake::from_aws(&aws, config, policies))
}
