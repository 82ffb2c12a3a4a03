//! The state changes an agent makes with only a reason: wait, close, reopen.

use chrono::{DateTime, Utc};
use slamail_core::clock::Happening;
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::intake::ports::ReplySender;

use super::record::Extra;
use super::{Desk, DeskError, Done};

/// The state changes an agent makes with only a reason (`Happening::$variant { reason }`): one
/// method each, all recorded the same way.
macro_rules! state_changes {
    ($($(#[$doc:meta])* $name:ident => $variant:ident;)*) => {$(
        $(#[$doc])*
        pub async fn $name(
            &self,
            agent: &EmailAddress,
            case_id: &CaseId,
            reason: &str,
            now: DateTime<Utc>,
        ) -> Result<Done, DeskError> {
            let h = Happening::$variant {
                reason: reason.to_string(),
            };
            self.record(agent, case_id, now, Some(&h), Extra::default())
                .await
        }
    )*};
}

impl<S: ReplySender + Sync> Desk<S> {
    state_changes! {
        /// Waiting on the customer: the running target pauses until a verified customer message.
        wait => Wait;
        close => Close;
        reopen => Reopen;
    }
}
