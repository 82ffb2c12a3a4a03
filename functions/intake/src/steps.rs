//! The intake's steps, in order: `load → route → (per policy) claim → triage → attach or open →
//! reply → finish`. Each is a small function over the ports; the rules they apply live in
//! `slamail-core` ([`slamail_core::intake::steps`], [`slamail_core::triage`]). The message is
//! loaded before anything is claimed because the policies it falls under (one case each) are
//! only known from its recipients.
//!
//! Failure handling: any error after a claim releases it at once, so Lambda's retry (about a
//! minute later) takes over instead of finding the message leased. The reply is `sending` only
//! between the case write and the answer from SES; a retry that finds it there records that
//! the reply's fate is unknown (it is never sent twice).

use chrono::{DateTime, Datelike, SecondsFormat, TimeDelta, Utc};
use slamail_core::case::{CaseRecord, MessageItem, RawLocation, Received, ReplyOutcome};
use slamail_core::clock;
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::intake::lease::lease_until;
use slamail_core::intake::ports::{
    Attachment, Cases, Claim, Clock, Fence, InboundLedger, InboundState, Memberships, NewCase,
    Opened, Owned, PortError, RawMail, ReplyRequest, ReplySender, ReplyState, Scope, SendError,
};
use slamail_core::intake::reply_queue::{
    QueuedReply, ReplyQueue, first_delay_seconds, queued_note,
};
use slamail_core::intake::steps as rules;
use slamail_core::message::InboundEmail;
use slamail_core::policy::Policy;
use slamail_core::reply::render_reply;
use slamail_core::triage::auth::verdicts_from_ses_headers;
use slamail_core::triage::decide::{Decision, decide, sender_of};
use slamail_core::triage::loops::{ReplyDecision, SuppressReason, reply_rate_keys};
use slamail_core::triage::tier::needs_domain_lookup;
use slamail_core::triage::{Membership, Verdicts};
use tracing::{info, warn};

use crate::threading::{Incoming, Threading};
use crate::{Intake, IntakeError, Job, Outcome, Processed};

/// How many times a case id found taken is drawn again before the invocation fails.
const MAX_ID_REDRAWS: u32 = 3;

/// What this invocation did to the reply, so a failure can be released truthfully.
#[derive(Debug, Default)]
struct Progress {
    /// The reply was handed to SES without a definite refusal: it may have gone out.
    maybe_sent: bool,
}

/// The message, parsed, with what the event said about it.
struct Loaded {
    email: InboundEmail,
    verdicts: Verdicts,
    received: DateTime<Utc>,
}

/// Where a message arrived and what is recorded about it.
struct Arrival<'a> {
    support: &'a EmailAddress,
    raw: &'a RawLocation,
    /// What the directory knows about the sender: the requester's organisations.
    memberships: &'a [Membership],
    /// The closed case a late reply to which opens this one.
    refers_to: Option<CaseId>,
}

/// Where a message arrived, before anything is known about it.
struct Destination<'a> {
    support: &'a EmailAddress,
    raw: &'a RawLocation,
}

/// A reply ready to go.
struct Rendered {
    from: EmailAddress,
    to: EmailAddress,
    raw: Vec<u8>,
    /// Our own Message-ID: SES may replace it, and answers may reference either.
    message_id: String,
    at: DateTime<Utc>,
}

impl<C, D, R, S, K, Q> Intake<C, D, R, S, K, Q>
where
    C: InboundLedger + Cases + Sync,
    D: Memberships + Sync,
    R: RawMail + Sync,
    S: ReplySender + Sync,
    K: Clock,
    Q: ReplyQueue + Sync,
{
    pub(crate) fn port(&self, job: &Job) -> impl Fn(PortError) -> IntakeError + '_ {
        let id = job.ses_message_id.clone();
        move |source| IntakeError::Port {
            ses_message_id: id.clone(),
            source,
        }
    }

    /// Processes one message, for an invocation that must end by `deadline`: one case (and at
    /// most one auto-reply) under each policy whose support address it was sent to, each exactly
    /// once however often the message is delivered. A failure under one policy does not stop the
    /// others; the first is returned so that Lambda retries the message, and the retry skips
    /// what is done.
    pub async fn process_until(
        &self,
        job: &Job,
        deadline: DateTime<Utc>,
    ) -> Result<Vec<Processed>, IntakeError> {
        let raw = RawLocation {
            bucket: job.bucket.clone(),
            key: job.key.clone(),
        };
        let loaded = self.load(job, &raw).await?;
        let routes = self.route(job, &loaded.email);
        if routes.is_empty() {
            let owned = match self.claim(job, &Scope::Unroutable, &raw, deadline).await? {
                Ok(owned) => owned,
                Err(skipped) => return Ok(vec![skipped]),
            };
            let result = self
                .finish_unroutable(job, &owned.fence, &loaded.email)
                .await;
            self.release_after(&result, &owned, &Progress::default())
                .await;
            return result.map(|p| vec![p]);
        }
        // One directory lookup for the sender, whichever policies govern the message.
        let mut memberships = None;
        let mut done = Vec::with_capacity(routes.len());
        let mut first_error = None;
        for (policy, support) in routes {
            let scope = Scope::Policy(policy.id.clone());
            let result = match self.claim(job, &scope, &raw, deadline).await {
                Ok(Ok(owned)) => {
                    let at = Destination {
                        support: &support,
                        raw: &raw,
                    };
                    let mut progress = Progress::default();
                    let result = self
                        .run(
                            job,
                            &owned,
                            policy,
                            &loaded,
                            at,
                            &mut memberships,
                            &mut progress,
                        )
                        .await;
                    self.release_after(&result, &owned, &progress).await;
                    result
                }
                Ok(Err(skipped)) => Ok(skipped),
                Err(e) => Err(e),
            };
            match result {
                Ok(p) => done.push(p),
                Err(e) => {
                    warn!(policy = %policy.id, error = %e, "message not processed under this policy");
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    /// Gives up a claim whose work failed, so that the retry can take over at once.
    async fn release_after(
        &self,
        result: &Result<Processed, IntakeError>,
        owned: &Owned,
        progress: &Progress,
    ) {
        if result.is_ok() {
            return;
        }
        // Unless the reply may have reached SES, the retry must be free to send it (even when
        // this attempt's case write committed without an answer and left the reply `sending`).
        let not_sent = !progress.maybe_sent;
        if let Err(e) = self
            .cases
            .release(&owned.fence, not_sent, self.clock.now())
            .await
        {
            // The lease still ends by itself, before Lambda's first retry.
            warn!(error = %e, "could not release the claim after a failure");
        }
    }

    /// Step 1: claim the message for a scope, or say why there is nothing to do.
    async fn claim(
        &self,
        job: &Job,
        scope: &Scope,
        raw: &RawLocation,
        deadline: DateTime<Utc>,
    ) -> Result<Result<Owned, Processed>, IntakeError> {
        let now = self.clock.now();
        let claim = self
            .cases
            .claim(&job.ses_message_id, scope, raw, now, lease_until(deadline))
            .await
            .map_err(self.port(job))?;
        match claim {
            Claim::Owned(owned) => Ok(Ok(owned)),
            Claim::Done { case_id } => {
                info!(%scope, "duplicate delivery of a processed message: skipped");
                Ok(Err(processed(job, Outcome::Duplicate { case_id }, None)))
            }
            Claim::Busy => Err(IntakeError::Busy(job.ses_message_id.clone())),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn run(
        &self,
        job: &Job,
        owned: &Owned,
        policy: &Policy,
        loaded: &Loaded,
        at: Destination<'_>,
        memberships: &mut Option<Vec<Membership>>,
        progress: &mut Progress,
    ) -> Result<Processed, IntakeError> {
        if owned.reply_state == ReplyState::Sending {
            return self.settle_unrecorded_reply(job, owned).await;
        }
        let decision = self.triage(job, policy, loaded, memberships).await?;
        let memberships: &[Membership] = memberships.as_deref().unwrap_or_default();
        let message = rules::inbound_message(
            &job.ses_message_id,
            &loaded.email,
            &decision,
            at.support,
            at.raw,
            loaded.received,
        );
        if let Some(done) = self
            .attach(job, &owned.fence, &loaded.email, &decision, &message)
            .await?
        {
            return Ok(done);
        }
        match &owned.case_id {
            None => {
                let incoming = Incoming {
                    email: &loaded.email,
                    decision: &decision,
                    memberships,
                    message: &message,
                    received: loaded.received,
                };
                let refers_to = match self.thread(job, &owned.fence, policy, &incoming).await? {
                    Threading::Finished(done) => return Ok(done),
                    Threading::Open { refers_to } => refers_to,
                };
                let arrival = Arrival {
                    support: at.support,
                    raw: at.raw,
                    memberships,
                    refers_to,
                };
                self.open(
                    job, owned, policy, loaded, &decision, arrival, &message, progress,
                )
                .await
            }
            Some(case_id) => {
                self.resume(
                    job, owned, case_id, policy, loaded, &decision, at.support, progress,
                )
                .await
            }
        }
    }

    /// Step 2: fetch and parse the message (parsing never fails: problems are recorded).
    async fn load(&self, job: &Job, raw: &RawLocation) -> Result<Loaded, IntakeError> {
        let bytes = self.raw.fetch(raw).await.map_err(self.port(job))?;
        let email = InboundEmail::parse(&bytes);
        let verdicts = job
            .verdicts
            .clone()
            .unwrap_or_else(|| verdicts_from_ses_headers(&email));
        Ok(Loaded {
            received: job.received.unwrap_or_else(|| self.clock.now()),
            email,
            verdicts,
        })
    }

    /// Step 3: the policies that govern the message, by the addresses it was sent to.
    fn route(&self, job: &Job, email: &InboundEmail) -> Vec<(&Policy, EmailAddress)> {
        let recipients = rules::recipients(&job.recipients, email);
        self.policies
            .all_for_recipients(recipients.iter())
            .into_iter()
            .map(|(policy, address)| (policy, address.clone()))
            .collect()
    }

    async fn finish_unroutable(
        &self,
        job: &Job,
        fence: &Fence,
        email: &InboundEmail,
    ) -> Result<Processed, IntakeError> {
        let note = rules::unroutable_note(&rules::recipients(&job.recipients, email));
        warn!(%note, "unroutable message");
        self.cases
            .finish(
                fence,
                InboundState::Unroutable,
                Some(note.as_str()),
                self.clock.now(),
            )
            .await
            .map_err(self.port(job))?;
        Ok(processed(
            job,
            Outcome::Unroutable {
                note: note.into_string(),
            },
            None,
        ))
    }

    /// Step 4: who sent it, in which tier, how severe, by when, and may we answer.
    async fn triage(
        &self,
        job: &Job,
        policy: &Policy,
        loaded: &Loaded,
        known: &mut Option<Vec<Membership>>,
    ) -> Result<Decision, IntakeError> {
        if known.is_none() {
            let found = match sender_of(&loaded.email) {
                Some(sender) => self
                    .directory
                    .memberships_of(sender)
                    .await
                    .map_err(self.port(job))?,
                None => Vec::new(),
            };
            *known = Some(found);
        }
        let memberships = known.get_or_insert_with(Vec::new);
        // The second request only when the domains can decide (organisation-members, and
        // nobody under this policy lists the sender), and once per message.
        if let Some(sender) = sender_of(&loaded.email)
            && needs_domain_lookup(policy, memberships)
            && !memberships.iter().any(|m| m.by_domain)
        {
            let by_domain = self
                .directory
                .domain_memberships_of(sender)
                .await
                .map_err(self.port(job))?;
            memberships.extend(by_domain);
        }
        let memberships: &[Membership] = memberships;
        let decision = decide(
            policy,
            &self.policies,
            &loaded.email,
            &loaded.verdicts,
            memberships,
            loaded.received,
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
        Ok(decision)
    }

    /// Step 5a: a delivery report citing one of our replies joins that reply's case as a report
    /// (and, when it names the reply's recipient as failed, holds further replies to them). A
    /// report citing any other Message-ID opens its own case like any message.
    async fn attach(
        &self,
        job: &Job,
        fence: &Fence,
        email: &InboundEmail,
        decision: &Decision,
        message: &MessageItem,
    ) -> Result<Option<Processed>, IntakeError> {
        let (ReplyDecision::Suppressed(SuppressReason::Bounce(why)), Some(original)) =
            (&decision.reply, &email.bounce_original_message_id)
        else {
            return Ok(None);
        };
        let Some(case_id) = self
            .cases
            .case_of_message_id(original)
            .await
            .map_err(self.port(job))?
        else {
            return Ok(None);
        };
        let Some(case) = self.cases.case(&case_id).await.map_err(self.port(job))? else {
            return Ok(None);
        };
        let Some(link) = rules::delivery_report_link(&case, original, email) else {
            // It cites a Message-ID that is not one of ours: it opens its own case instead.
            info!(%case_id, "a report citing a message that is not ours: not attached");
            return Ok(None);
        };
        let now = self.clock.now();
        let until = now + TimeDelta::days(i64::from(self.config.undeliverable_days));
        let note = rules::bounce_note(why, &case);
        let report = rules::delivery_report_message(message, &note);
        self.cases
            .attach(&Attachment {
                fence,
                case_id: &case_id,
                message: &report,
                hold: link.hold.as_ref().map(|a| (a, until)),
                note: &note,
                now,
            })
            .await
            .map_err(self.port(job))?;
        if link.hold.is_some() {
            warn!(%case_id, "an auto-reply bounced: replies to its requester are held");
        }
        info!(%case_id, "bounce attached to its case");
        Ok(Some(processed(
            job,
            Outcome::Appended {
                case_id,
                note: note.into_string(),
            },
            None,
        )))
    }

    /// Step 5b: open the case. One write opens it, binds it to the message and either starts the
    /// reply or finishes the message; a held reply is recorded as suppressed instead.
    #[allow(clippy::too_many_arguments)]
    async fn open(
        &self,
        job: &Job,
        owned: &Owned,
        policy: &Policy,
        loaded: &Loaded,
        decision: &Decision,
        at: Arrival<'_>,
        message: &MessageItem,
        progress: &mut Progress,
    ) -> Result<Processed, IntakeError> {
        let year = loaded
            .received
            .with_timezone(&decision.deadline.zone)
            .year();
        let ledger = clock::append(
            &[],
            vec![clock::opening_of(policy, decision)],
            loaded.received,
            "intake",
            &policy.version,
        );
        // The SLA watch's first look at the case, from the same reading of the ledger as every
        // later write.
        let next_warning_utc = clock::evaluate(&ledger, policy)
            .ok()
            .and_then(|view| clock::live(policy, &view).next_warning_utc);
        let mut case = self
            .new_case(job, policy, loaded, decision, &at, year)
            .await?;
        watch_first_look(&mut case, &next_warning_utc);
        let mut rendered = self.render_for(policy, &mut case, loaded, decision, at.support);
        let mut redraws = 0;
        let opened = loop {
            let new = NewCase {
                fence: &owned.fence,
                case: &case,
                message,
                ledger: &ledger,
                reply: rendered
                    .as_ref()
                    .map(|r| self.reply_request(job, policy, r)),
                now: self.clock.now(),
            };
            let opened = self.cases.open(&new).await.map_err(self.port(job))?;
            if opened != Opened::CaseIdTaken {
                break opened;
            }
            if redraws == MAX_ID_REDRAWS {
                return Err(IntakeError::Port {
                    ses_message_id: job.ses_message_id.clone(),
                    source: PortError::new(
                        "cases table",
                        format!("{} case ids in a row were taken already", redraws + 1),
                    ),
                });
            }
            redraws += 1;
            warn!(case_id = %case.case_id, "case id already taken: drawing another");
            case = self
                .new_case(job, policy, loaded, decision, &at, year)
                .await?;
            watch_first_look(&mut case, &next_warning_utc);
            rendered = self.render_for(policy, &mut case, loaded, decision, at.support);
        };
        if let Opened::Duplicate { case_id } = opened {
            return self.finish_duplicate(job, &owned.fence, case_id).await;
        }
        if let Opened::Held(hold) = opened {
            info!(?hold, "auto-reply held");
            let mut held_case = case.clone();
            held_case.reply = rules::held(hold);
            let new = NewCase {
                fence: &owned.fence,
                case: &held_case,
                message,
                ledger: &ledger,
                reply: None,
                now: self.clock.now(),
            };
            match self.cases.open(&new).await.map_err(self.port(job))? {
                Opened::Written => {}
                Opened::Duplicate { case_id } => {
                    return self.finish_duplicate(job, &owned.fence, case_id).await;
                }
                again => {
                    return Err(IntakeError::Port {
                        ses_message_id: job.ses_message_id.clone(),
                        source: PortError::new(
                            "cases table",
                            format!("a case without a reply was not written ({again:?})"),
                        ),
                    });
                }
            }
            info!(case_id = %held_case.case_id, "case created");
            return Ok(created(job, held_case, None));
        }
        info!(case_id = %case.case_id, "case created");
        let Some(rendered) = rendered else {
            return Ok(created(job, case, None));
        };
        let (outcome, text) = self
            .send(job, owned, &case.case_id, rendered, progress)
            .await?;
        self.cases
            .record_reply(&owned.fence, &case.case_id, &outcome, self.clock.now())
            .await
            .map_err(self.port(job))?;
        case.reply = outcome;
        Ok(created(job, case, text))
    }

    /// The reply for a new case, if one is allowed; a reply that cannot be rendered is recorded
    /// on the case as failed.
    fn render_for(
        &self,
        policy: &Policy,
        case: &mut CaseRecord,
        loaded: &Loaded,
        decision: &Decision,
        support: &EmailAddress,
    ) -> Option<Rendered> {
        if !decision.reply.is_allowed() {
            return None;
        }
        match self.render(policy, &case.case_id, &loaded.email, decision, support) {
            Ok(r) => Some(r),
            Err(error) => {
                warn!(%error, "auto-reply not rendered");
                case.reply = ReplyOutcome::Failed { error };
                None
            }
        }
    }

    /// The reply's recipient and every cap it must pass.
    fn reply_request(&self, job: &Job, policy: &Policy, rendered: &Rendered) -> ReplyRequest {
        ReplyRequest {
            to: rendered.to.clone(),
            rates: reply_rate_keys(
                &self.config.rate_limits.cap(&policy.reply_limits),
                &policy.id,
                &rendered.to,
                &job.ses_message_id,
            ),
        }
    }

    /// A case record for the message under a freshly drawn id, with what the directory and the
    /// threading said about it.
    async fn new_case(
        &self,
        job: &Job,
        policy: &Policy,
        loaded: &Loaded,
        decision: &Decision,
        at: &Arrival<'_>,
        year: i32,
    ) -> Result<CaseRecord, IntakeError> {
        let case_id = self
            .cases
            .next_case_id(&policy.case_prefix, year)
            .await
            .map_err(self.port(job))?;
        let mut case = CaseRecord::open(
            case_id,
            policy,
            &loaded.email,
            decision,
            Received {
                ses_message_id: &job.ses_message_id,
                support_address: at.support.as_str(),
                raw: at.raw.clone(),
                received: loaded.received,
                now: self.clock.now(),
                verdicts: &loaded.verdicts,
            },
        );
        case.requester_orgs = at
            .memberships
            .iter()
            .filter(|m| m.policy == policy.id)
            .map(|m| m.org.clone())
            .collect();
        case.refers_to = at.refers_to.clone();
        Ok(case)
    }

    /// Step 5b on a retry: the case was opened by an earlier attempt. The reply goes out if a
    /// definite failure put it back to `none`; otherwise the message is only finished.
    #[allow(clippy::too_many_arguments)]
    async fn resume(
        &self,
        job: &Job,
        owned: &Owned,
        case_id: &CaseId,
        policy: &Policy,
        loaded: &Loaded,
        decision: &Decision,
        support: &EmailAddress,
        progress: &mut Progress,
    ) -> Result<Processed, IntakeError> {
        let mut case = self.stored_case(job, case_id).await?;
        let resumed = decision.reply.is_allowed()
            && owned.reply_state == ReplyState::None
            && self
                .cases
                .resume_reply(&owned.fence)
                .await
                .map_err(self.port(job))?;
        let (outcome, text) = if resumed {
            match self.render(policy, case_id, &loaded.email, decision, support) {
                Ok(rendered) => self.send(job, owned, case_id, rendered, progress).await?,
                Err(error) => (ReplyOutcome::Failed { error }, None),
            }
        } else if matches!(case.reply, ReplyOutcome::Pending) {
            // Deferred by an earlier attempt and not resumed now: say why, never leave it pending.
            let outcome = match &decision.reply {
                ReplyDecision::Suppressed(reason) => rules::suppressed(reason),
                ReplyDecision::Allowed => rules::unrecorded_reply(),
            };
            (outcome, None)
        } else {
            (case.reply.clone(), None)
        };
        self.cases
            .record_reply(&owned.fence, case_id, &outcome, self.clock.now())
            .await
            .map_err(self.port(job))?;
        case.reply = outcome;
        Ok(created(job, case, text))
    }

    /// Step 6: hand the reply to SES. A refusal for now (throttling) is retried a few times after
    /// short pauses, then the reply goes to the reply queue for the paced sender (recorded as
    /// queued); without a queue it fails the invocation (the claim is released with the reply
    /// back at `none`, and Lambda's retry sends it). Anything else is an outcome to record.
    async fn send(
        &self,
        job: &Job,
        owned: &Owned,
        case_id: &CaseId,
        rendered: Rendered,
        progress: &mut Progress,
    ) -> Result<(ReplyOutcome, Option<String>), IntakeError> {
        // The rendered message is 7-bit ASCII by construction.
        let text = String::from_utf8_lossy(&rendered.raw).into_owned();
        let mut retries = 0;
        loop {
            progress.maybe_sent = true;
            let result = self
                .mailer
                .send(&rendered.from, &rendered.to, rendered.raw.clone())
                .await;
            match result {
                Ok(sent) => {
                    info!(reply_ses_message_id = %sent.ses_message_id, "auto-reply sent");
                    let mut message_ids = vec![rendered.message_id];
                    message_ids.extend(sent.message_ids);
                    return Ok((
                        ReplyOutcome::Sent {
                            ses_message_id: sent.ses_message_id,
                            message_ids,
                            at: rendered.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                        },
                        Some(text),
                    ));
                }
                Err(SendError::Unavailable(message)) => {
                    progress.maybe_sent = false;
                    let Some(queue) = &self.reply_queue else {
                        return Err(IntakeError::ReplyDeferred {
                            ses_message_id: job.ses_message_id.clone(),
                            message,
                        });
                    };
                    if retries < self.config.send_retries {
                        retries += 1;
                        tokio::time::sleep(self.config.send_retry_pause * retries).await;
                        continue;
                    }
                    let queued = QueuedReply {
                        ses_message_id: job.ses_message_id.clone(),
                        scope: owned.fence.scope.clone(),
                        case_id: case_id.clone(),
                        message_id: rendered.message_id.clone(),
                        from: rendered.from.clone(),
                        to: rendered.to.clone(),
                        raw: text,
                    };
                    let spread = self.clock.now().timestamp_subsec_nanos();
                    queue
                        .enqueue(
                            &queued,
                            first_delay_seconds(u64::from(spread), self.config.reply_queue_spread),
                        )
                        .await
                        .map_err(self.port(job))?;
                    warn!(%message, "auto-reply throttled: queued for the paced sender");
                    return Ok((
                        ReplyOutcome::Queued {
                            note: queued_note(&message),
                        },
                        None,
                    ));
                }
                Err(SendError::Rejected(error)) => {
                    warn!(%error, "auto-reply refused");
                    return Ok((ReplyOutcome::Failed { error }, None));
                }
                Err(SendError::Unknown(error)) => {
                    warn!(%error, "auto-reply sent without an answer");
                    return Ok((rules::unanswered_send(&error), None));
                }
            }
        }
    }

    /// A retry found the reply `sending`: an earlier attempt stopped between SES and the record.
    /// It is recorded as unknown, visibly, and the message is finished.
    async fn settle_unrecorded_reply(
        &self,
        job: &Job,
        owned: &Owned,
    ) -> Result<Processed, IntakeError> {
        let Some(case_id) = &owned.case_id else {
            // `sending` is only ever entered together with binding a case.
            return Err(IntakeError::Port {
                ses_message_id: job.ses_message_id.clone(),
                source: PortError::new("inbound ledger", "the reply is `sending` without a case"),
            });
        };
        let mut case = self.stored_case(job, case_id).await?;
        let outcome = rules::unrecorded_reply();
        warn!(%case_id, "an earlier attempt did not record the auto-reply's outcome: recorded as unknown");
        self.cases
            .record_reply(&owned.fence, case_id, &outcome, self.clock.now())
            .await
            .map_err(self.port(job))?;
        case.reply = outcome;
        Ok(created(job, case, None))
    }

    async fn stored_case(&self, job: &Job, case_id: &CaseId) -> Result<CaseRecord, IntakeError> {
        self.cases
            .case(case_id)
            .await
            .map_err(self.port(job))?
            .ok_or_else(|| IntakeError::Port {
                ses_message_id: job.ses_message_id.clone(),
                source: PortError::new(
                    "cases table",
                    format!("the message is bound to case {case_id}, which does not exist"),
                ),
            })
    }

    fn render(
        &self,
        policy: &Policy,
        case_id: &CaseId,
        email: &InboundEmail,
        decision: &Decision,
        support: &EmailAddress,
    ) -> Result<Rendered, String> {
        let at = self.clock.now();
        let mut input = decision
            .reply_input(policy, case_id, email, at, &self.config.message_id_domain)
            .ok_or_else(|| {
                format!(
                    "no reply can be rendered: sender {:?}, tier {}, severity {} under policy {}",
                    decision.sender, decision.tier.tier, decision.severity.assigned, policy.id
                )
            })?;
        // Mail to enterprise-support@ is answered from enterprise-support@.
        input.support_address = Some(support);
        let rendered = render_reply(&input).map_err(|e| e.to_string())?;
        Ok(Rendered {
            from: rendered.from,
            to: rendered.to,
            raw: rendered.raw,
            message_id: rendered.message_id,
            at,
        })
    }
}

fn processed(job: &Job, outcome: Outcome, reply_raw: Option<String>) -> Processed {
    Processed {
        ses_message_id: job.ses_message_id.clone(),
        outcome,
        reply_raw,
    }
}

fn created(job: &Job, case: CaseRecord, reply_raw: Option<String>) -> Processed {
    processed(
        job,
        Outcome::Created {
            case: Box::new(case),
        },
        reply_raw,
    )
}

/// Puts a new case under the SLA watch's index when its opening ledger has a warning point.
fn watch_first_look(case: &mut CaseRecord, next_warning_utc: &Option<String>) {
    case.next_warning_utc = next_warning_utc.clone();
    case.watch_shard = next_warning_utc
        .as_ref()
        .map(|_| slamail_core::watch::shard_of(&case.case_id));
}
