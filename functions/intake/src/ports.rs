//! The ports one intake runs over, bound in one place. The steps are functions over any
//! `P: Ports`, so the list of what each port must do is written here once rather than on every
//! block of steps; [`Intake`] is the one implementation, over the AWS adapters or the fakes.

use slamail_core::intake::ports as port;
use slamail_core::intake::reply_queue::ReplyQueue;
use slamail_core::policy::PolicySet;

use crate::{Intake, IntakeConfig};

/// What the steps reach through: the configuration, the policies and the six ports.
pub trait Ports {
    /// The inbound ledger and the cases (one table in AWS).
    type Cases: port::InboundLedger + port::Cases + Sync;
    type Directory: port::Memberships + Sync;
    type Raw: port::RawMail + Sync;
    type Mailer: port::ReplySender + Sync;
    type Clock: port::Clock;
    type Queue: ReplyQueue + Sync;

    fn config(&self) -> &IntakeConfig;
    fn policies(&self) -> &PolicySet;
    fn cases(&self) -> &Self::Cases;
    fn directory(&self) -> &Self::Directory;
    fn raw(&self) -> &Self::Raw;
    fn mailer(&self) -> &Self::Mailer;
    fn clock(&self) -> &Self::Clock;
    /// `None`: a throttled reply fails the invocation (see [`Intake::reply_queue`]).
    fn reply_queue(&self) -> Option<&Self::Queue>;
}

impl<C, D, R, S, K, Q> Ports for Intake<C, D, R, S, K, Q>
where
    C: port::InboundLedger + port::Cases + Sync,
    D: port::Memberships + Sync,
    R: port::RawMail + Sync,
    S: port::ReplySender + Sync,
    K: port::Clock,
    Q: ReplyQueue + Sync,
{
    type Cases = C;
    type Directory = D;
    type Raw = R;
    type Mailer = S;
    type Clock = K;
    type Queue = Q;

    fn config(&self) -> &IntakeConfig {
        &self.config
    }

    fn policies(&self) -> &PolicySet {
        &self.policies
    }

    fn cases(&self) -> &C {
        &self.cases
    }

    fn directory(&self) -> &D {
        &self.directory
    }

    fn raw(&self) -> &R {
        &self.raw
    }

    fn mailer(&self) -> &S {
        &self.mailer
    }

    fn clock(&self) -> &K {
        &self.clock
    }

    fn reply_queue(&self) -> Option<&Q> {
        self.reply_queue.as_ref()
    }
}
