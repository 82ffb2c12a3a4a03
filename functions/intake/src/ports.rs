//! The ports one intake runs over, bound in one place. The steps are functions over any
//! `P: Ports`, so what each port must do is written here once rather than on every block of
//! steps; [`Intake`] is the one implementation, over the AWS adapters or the fakes.

use slamail_core::intake::ports as port;
use slamail_core::intake::reply_queue::ReplyQueue;

use crate::Intake;

/// An intake whose ports do what the steps ask of them.
pub trait Ports {
    /// The inbound ledger and the cases (one table in AWS).
    type Cases: port::InboundLedger + port::Cases + Sync;
    type Directory: port::Memberships + Sync;
    type Raw: port::RawMail + Sync;
    type Mailer: port::ReplySender + Sync;
    type Clock: port::Clock;
    type Queue: ReplyQueue + Sync;

    /// The intake itself, its ports typed by the bounds above: what the steps read them from.
    fn ports(&self) -> &Over<Self>;
}

/// The intake over the ports of `P`.
pub type Over<P> = Intake<
    <P as Ports>::Cases,
    <P as Ports>::Directory,
    <P as Ports>::Raw,
    <P as Ports>::Mailer,
    <P as Ports>::Clock,
    <P as Ports>::Queue,
>;

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

    fn ports(&self) -> &Self {
        self
    }
}
