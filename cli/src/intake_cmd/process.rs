//! Running messages through the intake: a local `.eml` is stored in the bucket where SES's S3
//! action would put it, then processed from an SES receipt event or as the S3-triggered path
//! processes it; a stored message is processed again by its SES message id.

use std::path::Path;

use slamail_intake::{Intake, Job, Processed};

use super::args::{ProcessArgs, Resources, intake};
use super::print::describe;
use crate::CliError;

pub(super) fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

pub(super) fn read_json(path: &Path) -> Result<serde_json::Value, CliError> {
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

/// The message stored under `id` where the receipt rule's S3 action puts it, without the
/// verdicts and receipt time an SES event would give.
fn job(res: &Resources, id: String, recipients: &[String]) -> Job {
    Job {
        key: format!("{}{id}", res.prefix),
        ses_message_id: id,
        bucket: res.bucket.clone(),
        recipients: recipients.to_vec(),
        verdicts: None,
        received: None,
    }
}

async fn process_job(intake: &Intake, job: &Job) -> Result<Vec<Processed>, CliError> {
    intake
        .process(job)
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))
}

/// Stores a message where the SES S3 action would and processes it with the SES event.
pub(super) async fn process_event(
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
        let job = job(&a.resources, id.clone(), &a.recipients);
        results.extend(process_job(&intake, &job).await?);
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
                let job = job(&a.resources, local_message_id(&bytes), &a.recipients);
                intake
                    .raw
                    .put(&job.bucket, &job.key, bytes)
                    .await
                    .map_err(|e| CliError::Runtime(e.to_string()))?;
                results.extend(process_job(&intake, &job).await?);
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
