//! The fake cases as the inbound ledger: one claim per message and scope, leases, attempts.

use chrono::{DateTime, Utc};
use slamail_core::case::RawLocation;
use slamail_core::intake::ports::{
    Claim, Fence, InboundLedger, InboundState, Owned, PortError, ReplyState, Scope,
};

use super::{FakeCases, FakeInbound};

impl InboundLedger for FakeCases {
    async fn claim(
        &self,
        ses_message_id: &str,
        scope: &Scope,
        _raw: &RawLocation,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Claim, PortError> {
        let mut t = self.enter("claim")?;
        let order = t.inbound.len();
        let item = t
            .inbound
            .entry((ses_message_id.to_string(), scope.clone()))
            .or_insert(FakeInbound {
                order,
                state: InboundState::Processing,
                lease_until: 0,
                attempts: 0,
                case_id: None,
                reply_state: ReplyState::None,
                note: None,
            });
        // The adapter's condition: a message is claimable while processing with its lease over.
        let claimable =
            item.state == InboundState::Processing && item.lease_until < now.timestamp();
        if !claimable {
            return Ok(Claim::refused(item.state, item.case_id.clone()));
        }
        item.attempts += 1;
        item.lease_until = lease_until.timestamp();
        Ok(Claim::Owned(Owned {
            fence: Fence {
                ses_message_id: ses_message_id.to_string(),
                scope: scope.clone(),
                attempt: item.attempts,
            },
            case_id: item.case_id.clone(),
            reply_state: item.reply_state,
        }))
    }

    async fn release(
        &self,
        fence: &Fence,
        reply_not_sent: bool,
        _now: DateTime<Utc>,
    ) -> Result<(), PortError> {
        let mut t = self.enter("release")?;
        let item = t.fenced(fence)?;
        if item.state != InboundState::Processing {
            // Finished by a write whose answer was lost: nothing to release.
            return Ok(());
        }
        item.lease_until = 0;
        if reply_not_sent {
            item.reply_state = ReplyState::None;
        }
        Ok(())
    }

    async fn finish(
        &self,
        fence: &Fence,
        state: InboundState,
        note: Option<&str>,
        _now: DateTime<Utc>,
    ) -> Result<(), PortError> {
        let mut t = self.enter("finish")?;
        let item = t.fenced(fence)?;
        item.state = state;
        item.lease_until = 0;
        if let Some(n) = note {
            item.note = Some(n.to_string());
        }
        Ok(())
    }
}
