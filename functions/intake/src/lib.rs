//! The intake: one inbound support email → one case (or a message appended to its case) and at
//! most one auto-reply. The handler is an ordinary async function over the intake's ports
//! ([`slamail_core::intake::ports`]), so the Lambda `main`, the CLI's `slamail process` and the
//! tests run the very same steps against AWS, and the fast tests against in-memory `fakes`
//! (feature `fakes`: enabled by the tests only, so none of it ships in the Lambda).
//!
//! The steps are in [`steps`]: `claim → load → route → triage → attach or open → reply → finish`,
//! each a function over the [`Ports`].

pub mod config;
pub mod events;
#[cfg(feature = "fakes")]
pub mod fakes;
pub mod ports;
pub mod steps;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_aws::mailer::Mailer;
use slamail_aws::rawmail::RawMailStore;
use slamail_aws::reply_queue::SqsReplyQueue;
use slamail_core::case::CaseRecord;
use slamail_core::conversation::FollowUpKind;
use slamail_core::ids::CaseId;
use slamail_core::intake::lease::DEFAULT_TIMEOUT_SECS;
use slamail_core::intake::ports::{Clock, PortError, SystemClock};
use slamail_core::policy::PolicySet;
use tracing::{Instrument, error, info, info_span};

pub use config::IntakeConfig;
pub use events::{Job, Parsed, parse_event};
pub use ports::Ports;

/// Everything the handler needs, built once per container. The type parameters are the ports;
/// the defaults are the AWS adapters.
pub struct Intake<
    C = CaseStore,
    D = Directory,
    R = RawMailStore,
    S = Mailer,
    K = SystemClock,
    Q = SqsReplyQueue,
> {
    pub config: IntakeConfig,
    pub policies: PolicySet,
    /// The inbound ledger and the cases (one table in AWS).
    pub cases: C,
    pub directory: D,
    pub raw: R,
    pub mailer: S,
    pub clock: K,
    /// Where replies SES throttles wait for the paced sender; `None` (the CLI, some tests): a
    /// throttled reply fails the invocation and Lambda's retry sends it.
    pub reply_queue: Option<Q>,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("message {0} is being processed by another invocation; retry later")]
    Busy(String),
    #[error("message {ses_message_id}: {source}")]
    Port {
        ses_message_id: String,
        #[source]
        source: PortError,
    },
    #[error(
        "message {ses_message_id}: the auto-reply could not be sent now ({message}); the case is recorded and a retry sends the reply"
    )]
    ReplyDeferred {
        ses_message_id: String,
        message: String,
    },
    #[error("deadline computation failed for message {ses_message_id}: {message}")]
    Deadline {
        ses_message_id: String,
        message: String,
    },
    #[error(transparent)]
    Event(#[from] events::EventError),
}

/// What happened to one message.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// A new case (finished by this delivery, or by a retry of it).
    Created { case: Box<CaseRecord> },
    /// A message about an existing case (a bounce of one of its replies) was appended to it.
    Appended { case_id: CaseId, note: String },
    /// A follow-up joined its case (no auto-reply): what it was, whether it reopened the case,
    /// and the clock entries it appended.
    Threaded {
        case_id: CaseId,
        kind: FollowUpKind,
        reopened: bool,
        clock: Vec<&'static str>,
    },
    /// Already processed by an earlier delivery (the same SES id, or the same Message-ID from
    /// the same sender under another SES id): nothing was done.
    Duplicate { case_id: Option<CaseId> },
    /// Sent to no address any policy governs: recorded on its inbound item, no case.
    Unroutable { note: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct Processed {
    pub ses_message_id: String,
    pub outcome: Outcome,
    /// The auto-reply exactly as sent by this invocation (MIME text), if one was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_raw: Option<String>,
}

// What each port must do is stated once, on `Ports`; here the ports are reached through
// `self.ports()`, which sees them with those bounds.
impl<C, D, R, S, K, Q> Intake<C, D, R, S, K, Q>
where
    Self: Ports,
{
    /// Handles one event with the default time budget (the CLI and tests: no Lambda deadline).
    pub async fn handle_event(
        &self,
        event: &serde_json::Value,
    ) -> Result<Vec<Processed>, IntakeError> {
        let deadline = self.ports().clock.now() + TimeDelta::seconds(DEFAULT_TIMEOUT_SECS);
        self.handle_event_until(event, deadline).await
    }

    /// Handles one Lambda event (SES receipt, S3 object-created, or a dead-letter redrive of
    /// either) for an invocation that must end by `deadline`. Fails when any message of it could
    /// not be processed, so that Lambda retries the event (processed messages are skipped the
    /// second time) and finally hands it to the dead-letter queue.
    pub async fn handle_event_until(
        &self,
        event: &serde_json::Value,
        deadline: DateTime<Utc>,
    ) -> Result<Vec<Processed>, IntakeError> {
        let jobs = match parse_event(event, &self.config.raw_bucket, &self.config.raw_prefix)? {
            Parsed::Jobs(jobs) => jobs,
            Parsed::Ignored(why) => {
                info!(reason = %why, "event ignored");
                return Ok(Vec::new());
            }
        };
        let mut done = Vec::with_capacity(jobs.len());
        let mut first_error = None;
        for job in jobs {
            let span = info_span!("message", ses_message_id = %job.ses_message_id);
            match self.process_until(&job, deadline).instrument(span).await {
                Ok(p) => done.extend(p),
                Err(e) => {
                    error!(ses_message_id = %job.ses_message_id, error = %e, "message not processed");
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    /// Processes one message exactly once per policy, with the default time budget.
    pub async fn process(&self, job: &Job) -> Result<Vec<Processed>, IntakeError> {
        let deadline = self.ports().clock.now() + TimeDelta::seconds(DEFAULT_TIMEOUT_SECS);
        self.process_until(job, deadline).await
    }

    /// Processes one message, for an invocation that must end by `deadline` (see
    /// [`steps`] for what that is).
    pub async fn process_until(
        &self,
        job: &Job,
        deadline: DateTime<Utc>,
    ) -> Result<Vec<Processed>, IntakeError> {
        steps::process(self, job, deadline).await
    }
}

impl Intake {
    /// Builds the AWS adapters from one AWS configuration.
    pub fn from_aws(
        aws: &aws_config::SdkConfig,
        config: IntakeConfig,
        policies: PolicySet,
    ) -> Self {
        let s3_config = aws_sdk_s3::config::Builder::from(aws)
            .force_path_style(true)
            .build();
        let dynamo = aws_sdk_dynamodb::Client::new(aws);
        Self {
            cases: CaseStore::new(dynamo.clone(), &config.cases_table),
            raw: RawMailStore::new(aws_sdk_s3::Client::from_conf(s3_config)),
            mailer: Mailer::from_sdk(aws, config.configuration_set.clone()),
            directory: Directory::new(dynamo, &config.directory_table),
            clock: SystemClock,
            reply_queue: config
                .reply_queue_url
                .as_ref()
                .map(|url| SqsReplyQueue::new(aws_sdk_sqs::Client::new(aws), url)),
            config,
            policies,
        }
    }
}
