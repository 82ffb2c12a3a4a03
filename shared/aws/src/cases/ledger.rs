//! The INBOUND items as the intake's [`InboundLedger`]: claim, release, finish.

use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use chrono::{DateTime, Utc};
use slamail_core::case::RawLocation;
use slamail_core::intake::ports::{Claim, Fence, InboundLedger, Owned, PortError, Scope};

use super::inbound::Updated;
use super::{
    CaseStore, CaseStoreError, InboundState, ReplyState, condition_failed, inbound_pk, inbound_sk,
    n, s, stamp,
};

impl CaseStore {
    async fn claim_item(
        &self,
        ses_id: &str,
        scope: &Scope,
        raw: &RawLocation,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Claim, CaseStoreError> {
        let pk = inbound_pk(ses_id);
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&pk))
            .key("sk", s(inbound_sk(scope)));
        let policy = match scope {
            Scope::Policy(p) => {
                req = req.expression_attribute_values(":policy", s(p.as_str()));
                ", policy = :policy"
            }
            Scope::Unroutable => "",
        };
        let update = req
            .update_expression(format!(
                "SET lease_until = :lease, attempts = if_not_exists(attempts, :zero) + :one, \
                 ses_message_id = :id, #state = if_not_exists(#state, :processing), \
                 reply_state = if_not_exists(reply_state, :none), #bucket = :bucket, #key = :key, \
                 updated_at = :now{policy}"
            ))
            // Unroutable and done are final; a live lease belongs to another invocation.
            .condition_expression(
                "attribute_not_exists(pk) OR (#state = :processing AND lease_until < :epoch)",
            )
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#key", "key")
            .expression_attribute_names("#bucket", "bucket")
            .expression_attribute_values(":lease", n(lease_until.timestamp()))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":id", s(ses_id))
            .expression_attribute_values(":processing", s(InboundState::Processing.as_str()))
            .expression_attribute_values(":none", s(ReplyState::None.as_str()))
            .expression_attribute_values(":bucket", s(&raw.bucket))
            .expression_attribute_values(":key", s(&raw.key))
            .expression_attribute_values(":now", s(stamp(now)))
            .expression_attribute_values(":epoch", n(now.timestamp()));
        let item = match self
            .update_returning_item("UpdateItem (claim)", &pk, update)
            .await?
        {
            Updated::Written(item) => {
                return Ok(Claim::Owned(Owned {
                    fence: Fence {
                        ses_message_id: ses_id.to_string(),
                        scope: scope.clone(),
                        attempt: item.attempts,
                    },
                    case_id: item.case_id,
                    reply_state: item.reply_state,
                }));
            }
            Updated::Refused(Some(item)) => item,
            Updated::Refused(None) => self
                .inbound_for(ses_id, scope)
                .await?
                .ok_or_else(|| self.err("GetItem (claim)", "the claimed item vanished"))?,
        };
        Ok(Claim::refused(item.state, item.case_id))
    }

    /// An update of the inbound item held by `fence`, with the names and values every fenced
    /// write uses (`#state`, `:attempt`, `:now`, `:zero`); the caller adds its condition.
    fn fenced_update(&self, fence: &Fence, now: DateTime<Utc>) -> UpdateItemFluentBuilder {
        self.update_inbound_item(fence)
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":attempt", n(fence.attempt))
            .expression_attribute_values(":now", s(stamp(now)))
            .expression_attribute_values(":zero", n(0))
    }

    /// Ends the claim now; with `reply_not_sent`, a `sending` reply goes back to `none`.
    async fn release_item(
        &self,
        fence: &Fence,
        reply_not_sent: bool,
        now: DateTime<Utc>,
    ) -> Result<(), CaseStoreError> {
        // A finished message stays as it is: a write that committed without an answer may have
        // finished it, and its reply state is then final.
        let mut req = self
            .fenced_update(fence, now)
            .condition_expression("attempts = :attempt AND #state = :processing")
            .expression_attribute_values(":processing", s(InboundState::Processing.as_str()));
        req = if reply_not_sent {
            req.update_expression("SET lease_until = :zero, updated_at = :now, reply_state = :none")
                .expression_attribute_values(":none", s(ReplyState::None.as_str()))
        } else {
            req.update_expression("SET lease_until = :zero, updated_at = :now")
        };
        match req.send().await {
            Ok(_) => Ok(()),
            // Finished by the write whose answer was lost, or taken over: nothing to release.
            Err(e) if condition_failed(&e) => Ok(()),
            Err(e) => Err(self.err_sdk("UpdateItem (release)", e)),
        }
    }

    async fn finish_item(
        &self,
        fence: &Fence,
        state: InboundState,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), CaseStoreError> {
        let mut req = self
            .fenced_update(fence, now)
            .condition_expression("attempts = :attempt")
            .expression_attribute_values(":s", s(state.as_str()));
        req = match note {
            Some(text) => req
                .update_expression(
                    "SET #state = :s, updated_at = :now, lease_until = :zero, note = :note",
                )
                .expression_attribute_values(":note", s(text)),
            None => {
                req.update_expression("SET #state = :s, updated_at = :now, lease_until = :zero")
            }
        };
        match req.send().await {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Err(CaseStoreError::lost(fence)),
            Err(e) => Err(self.err_sdk("UpdateItem (finish)", e)),
        }
    }
}

impl InboundLedger for CaseStore {
    async fn claim(
        &self,
        ses_message_id: &str,
        scope: &Scope,
        raw: &RawLocation,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Claim, PortError> {
        Ok(self
            .claim_item(ses_message_id, scope, raw, now, lease_until)
            .await?)
    }

    async fn release(
        &self,
        fence: &Fence,
        reply_not_sent: bool,
        now: DateTime<Utc>,
    ) -> Result<(), PortError> {
        Ok(self.release_item(fence, reply_not_sent, now).await?)
    }

    async fn finish(
        &self,
        fence: &Fence,
        state: InboundState,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), PortError> {
        Ok(self.finish_item(fence, state, note, now).await?)
    }
}
