//! The intake: one inbound support email → one case (or a message appended to its case) and at
//! most one auto-reply. The handler is an ordinary async function so the Lambda `main`, the CLI's
//! `slamail process` and the tests all run the very same code.

pub mod events;

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use serde::Serialize;
use slamail_aws::cases::{CaseStore, CaseStoreError, Claim, InboundState, MessageItem};
use slamail_aws::directory::Directory;
use slamail_aws::mailer::Mailer;
use slamail_aws::rawmail::{RawMailError, RawMailStore};
use slamail_core::case::{CaseRecord, RawLocation, ReplyOutcome};
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::message::InboundEmail;
use slamail_core::policy::{Policy, PolicySet};
use slamail_core::reply::render_reply;
use slamail_core::triage::auth::verdicts_from_ses_headers;
use slamail_core::triage::decide::{Decision, decide, sender_of};
use slamail_core::triage::loops::{RateLimits, ReplyDecision, SuppressReason};
use tracing::{Instrument, error, info, info_span, warn};

pub use events::{Job, Parsed, parse_event};

/// Configuration read once at cold start.
#[derive(Debug, Clone)]
pub struct IntakeConfig {
    pub raw_bucket: String,
    pub raw_prefix: String,
    /// The domain of the Message-ID we put on replies (SES replaces it; it still must be valid).
    pub message_id_domain: String,
    pub rate_limits: RateLimits,
    /// Seconds a claim on a message lasts; must exceed the function timeout.
    pub lease_secs: i64,
    /// Days no auto-reply goes to an address after a reply to it bounced.
    pub undeliverable_days: i64,
}

/// Everything the handler needs, built once per container.
pub struct Intake {
    pub config: IntakeConfig,
    pub policies: PolicySet,
    pub cases: CaseStore,
    pub raw: RawMailStore,
    pub mailer: Mailer,
    pub directory: Directory,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("message {0} is being processed by another invocation; retry later")]
    Busy(String),
    #[error(transparent)]
    Store(#[from] CaseStoreError),
    #[error(transparent)]
    RawMail(#[from] RawMailError),
    #[error("directory lookup failed: {0}")]
    Directory(String),
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
    /// A new case.
    Created { case: Box<CaseRecord> },
    /// A message about an existing case (a bounce of one of its replies) was appended to it.
    Appended { case_id: String, note: String },
    /// Already processed by an earlier delivery: nothing was done.
    Duplicate { case_id: Option<String> },
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

fn now() -> DateTime<Utc> {
    Utc::now()
}

impl Intake {
    /// Handles one Lambda event (SES receipt or S3 object-created). Fails when any message of it
    /// could not be processed, so that Lambda retries the event (processed messages are skipped
    /// the second time) and finally hands it to the dead-letter queue.
    pub async fn handle_event(
        &self,
        event: &serde_json::Value,
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
            match self.process(&job).instrument(span).await {
                Ok(p) => done.push(p),
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

    /// Processes one message exactly once.
    pub async fn process(&self, job: &Job) -> Result<Processed, IntakeError> {
        let started = now();
        let inbound = match self
            .cases
            .claim(
                &job.ses_message_id,
                &job.bucket,
                &job.key,
                started,
                self.config.lease_secs,
            )
            .await?
        {
            Claim::Owned(item) => item,
            Claim::Done(item) => {
                info!("duplicate delivery of a processed message: skipped");
                return Ok(Processed {
                    ses_message_id: job.ses_message_id.clone(),
                    outcome: Outcome::Duplicate {
                        case_id: item.case_id,
                    },
                    reply_raw: None,
                });
            }
            Claim::Busy(_) => return Err(IntakeError::Busy(job.ses_message_id.clone())),
        };

        let bytes = self.raw.fetch(&job.bucket, &job.key).await?;
        let email = InboundEmail::parse(&bytes);
        let verdicts = job
            .verdicts
            .clone()
            .unwrap_or_else(|| verdicts_from_ses_headers(&email));
        let received = job.received.unwrap_or(started);

        let recipients = self.recipients(job, &email);
        let Some((policy, support_address)) = self.policies.for_recipients(recipients.iter())
        else {
            let note = format!(
                "no policy governs the recipients [{}]",
                recipients
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            warn!(%note, "unroutable message");
            self.cases
                .finish(
                    &job.ses_message_id,
                    InboundState::Unroutable,
                    Some(&note),
                    now(),
                )
                .await?;
            return Ok(Processed {
                ses_message_id: job.ses_message_id.clone(),
                outcome: Outcome::Unroutable { note },
                reply_raw: None,
            });
        };

        let memberships = match sender_of(&email) {
            Some(sender) => self
                .directory
                .memberships_of(sender)
                .await
                .map_err(|e| IntakeError::Directory(e.to_string()))?,
            None => Vec::new(),
        };
        let decision = decide(
            policy,
            &self.policies,
            &email,
            &verdicts,
            &memberships,
            received,
        )
        .map_err(|e| IntakeError::Deadline {
            ses_message_id: job.ses_message_id.clone(),
            message: e.to_string(),
        })?;
        info!(
            policy = %policy.id,
            tier = %decision.tier.tier,
            tier_reason = decision.tier.reason.as_str(),
            severity = %decision.severity.assigned,
            queue = %decision.queue,
            due = ?decision.deadline.due,
            "triaged"
        );

        let message = MessageItem {
            direction: "inbound".to_string(),
            ses_message_id: job.ses_message_id.clone(),
            message_id: email.message_id.clone(),
            from: decision.sender.as_ref().map(|s| s.to_string()),
            to: vec![support_address.to_string()],
            subject: email.subject.clone(),
            at: received.to_rfc3339_opts(SecondsFormat::Millis, true),
            bucket: Some(job.bucket.clone()),
            key: Some(job.key.clone()),
            note: email.parse_problem.clone(),
        };

        // A bounce of one of our replies belongs to that reply's case.
        if let ReplyDecision::Suppressed(SuppressReason::Bounce(why)) = &decision.reply
            && let Some(original) = &email.bounce_original_message_id
            && let Some(case_id) = self.cases.case_of_message_id(original).await?
        {
            self.cases.append_message(&case_id, &message).await?;
            self.hold_replies_after_bounce(&case_id, original).await?;
            let note = format!("bounce ({why}) of a message of case {case_id}");
            self.cases
                .finish(&job.ses_message_id, InboundState::Done, Some(&note), now())
                .await?;
            info!(%case_id, "bounce attached to its case");
            return Ok(Processed {
                ses_message_id: job.ses_message_id.clone(),
                outcome: Outcome::Appended { case_id, note },
                reply_raw: None,
            });
        }

        let case_id = match &inbound.case_id {
            Some(id) => id.clone(),
            None => {
                let year = received.with_timezone(&decision.deadline.zone).year();
                let fresh = self.cases.next_case_id(&policy.case_prefix, year).await?;
                self.cases.bind_case_id(&job.ses_message_id, &fresh).await?
            }
        };
        let case_id = CaseId::parse(&case_id).map_err(|e| {
            IntakeError::Store(CaseStoreError::Corrupt {
                key: format!("INBOUND#{}", job.ses_message_id),
                message: e.to_string(),
            })
        })?;
        let mut case = CaseRecord::open(
            case_id.clone(),
            policy,
            &email,
            &decision,
            slamail_core::case::Received {
                ses_message_id: &job.ses_message_id,
                support_address: support_address.as_str(),
                raw: RawLocation {
                    bucket: job.bucket.clone(),
                    key: job.key.clone(),
                },
                received,
                now: now(),
                verdicts: &verdicts,
            },
        );
        if self.cases.create_case(&case, &message).await? {
            info!(case_id = %case_id, "case created");
        }

        let mut reply_raw = None;
        if let Some((outcome, raw)) = self
            .reply(
                policy,
                &case_id,
                &email,
                &decision,
                &job.ses_message_id,
                support_address,
            )
            .await?
        {
            case.reply = outcome;
            reply_raw = raw;
        } else if let Some(stored) = self.cases.get_case(case_id.as_str()).await? {
            case.reply = stored.reply;
        }
        self.cases
            .finish(&job.ses_message_id, InboundState::Done, None, now())
            .await?;
        Ok(Processed {
            ses_message_id: job.ses_message_id.clone(),
            outcome: Outcome::Created {
                case: Box::new(case),
            },
            reply_raw,
        })
    }

    /// Envelope recipients, or on the S3 path (no envelope) the message's own To/Cc.
    fn recipients(&self, job: &Job, email: &InboundEmail) -> Vec<EmailAddress> {
        if !job.recipients.is_empty() {
            return job
                .recipients
                .iter()
                .filter_map(|r| EmailAddress::parse(r).ok())
                .collect();
        }
        email.recipients.clone()
    }

    /// Sends the auto-reply if the decision allows it and no earlier attempt started one.
    /// Returns the recorded outcome, or `None` when nothing was done this time.
    async fn reply(
        &self,
        policy: &Policy,
        case_id: &CaseId,
        email: &InboundEmail,
        decision: &Decision,
        ses_message_id: &str,
        support_address: &EmailAddress,
    ) -> Result<Option<(ReplyOutcome, Option<String>)>, IntakeError> {
        if !matches!(decision.reply, ReplyDecision::Allowed) {
            return Ok(None);
        }
        let Some(to) = decision.sender.as_ref() else {
            return Ok(None);
        };
        if !self.cases.begin_reply(ses_message_id).await? {
            info!("an earlier attempt already started the auto-reply: not sending again");
            return Ok(None);
        }
        let limits = self.config.rate_limits;
        let held = match self.cases.undeliverable(to, now()).await? {
            Some(why) => Some(SuppressReason::Undeliverable(why)),
            None => self
                .cases
                .take_reply_quota(to, now(), limits.per_hour, limits.per_day)
                .await?
                .map(SuppressReason::RateLimited),
        };
        if let Some(reason) = held {
            let outcome = ReplyOutcome::Suppressed {
                code: reason.code().to_string(),
                reason: reason.words(),
            };
            self.cases
                .record_reply(ses_message_id, case_id.as_str(), &outcome)
                .await?;
            return Ok(Some((outcome, None)));
        }
        let (outcome, raw) = match self
            .render_and_send(policy, case_id, email, decision, support_address)
            .await
        {
            Ok((outcome, raw)) => (outcome, Some(raw)),
            Err(message) => {
                // The case is recorded, and a retry could send twice: record the failure instead.
                error!(error = %message, "auto-reply failed");
                (ReplyOutcome::Failed { error: message }, None)
            }
        };
        self.cases
            .record_reply(ses_message_id, case_id.as_str(), &outcome)
            .await?;
        Ok(Some((outcome, raw)))
    }

    /// When the bounced message is one of our auto-replies, its recipient (the case's
    /// requester) gets no further auto-replies for a while: bounces cost SES reputation.
    async fn hold_replies_after_bounce(
        &self,
        case_id: &str,
        bounced_message_id: &str,
    ) -> Result<(), IntakeError> {
        let Some(case) = self.cases.get_case(case_id).await? else {
            return Ok(());
        };
        let ours = matches!(&case.reply, ReplyOutcome::Sent { message_ids, .. }
            if message_ids.iter().any(|m| m.eq_ignore_ascii_case(bounced_message_id)));
        if let (true, Some(requester)) = (ours, &case.requester) {
            let at = now();
            let until = at + chrono::TimeDelta::days(self.config.undeliverable_days);
            self.cases
                .mark_undeliverable(requester, case_id, at, until)
                .await?;
            warn!(%case_id, "an auto-reply bounced: replies to its requester are held");
        }
        Ok(())
    }

    async fn render_and_send(
        &self,
        policy: &Policy,
        case_id: &CaseId,
        email: &InboundEmail,
        decision: &Decision,
        support_address: &EmailAddress,
    ) -> Result<(ReplyOutcome, String), String> {
        let at = now();
        let mut input = decision
            .reply_input(policy, case_id, email, at, &self.config.message_id_domain)
            .ok_or_else(|| {
                format!(
                    "no reply can be rendered: sender {:?}, tier {}, severity {} under policy {}",
                    decision.sender, decision.tier.tier, decision.severity.assigned, policy.id
                )
            })?;
        // Mail to enterprise-support@ is answered from enterprise-support@.
        input.support_address = Some(support_address);
        let rendered = render_reply(&input).map_err(|e| e.to_string())?;
        // The rendered message is 7-bit ASCII by construction.
        let text = String::from_utf8_lossy(&rendered.raw).into_owned();
        let ses_id = self
            .mailer
            .send_raw(rendered.from.as_str(), rendered.to.as_str(), rendered.raw)
            .await
            .map_err(|e| e.to_string())?;
        info!(reply_ses_message_id = %ses_id, "auto-reply sent");
        Ok((
            ReplyOutcome::Sent {
                message_ids: self.mailer.message_id_forms(&ses_id),
                ses_message_id: ses_id,
                at: at.to_rfc3339_opts(SecondsFormat::Secs, true),
            },
            text,
        ))
    }
}

impl Intake {
    /// Builds the adapters from one AWS configuration.
    pub fn from_aws(
        aws: &aws_config::SdkConfig,
        config: IntakeConfig,
        policies: PolicySet,
        cases_table: &str,
        directory_table: &str,
        configuration_set: Option<String>,
    ) -> Self {
        let s3_config = aws_sdk_s3::config::Builder::from(aws)
            .force_path_style(true)
            .build();
        let region = aws
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".to_string());
        let dynamo = aws_sdk_dynamodb::Client::new(aws);
        Self {
            config,
            policies,
            cases: CaseStore::new(dynamo.clone(), cases_table),
            raw: RawMailStore::new(aws_sdk_s3::Client::from_conf(s3_config)),
            mailer: Mailer::new(aws_sdk_sesv2::Client::new(aws), region, configuration_set),
            directory: Directory::new(dynamo, directory_table),
        }
    }
}
