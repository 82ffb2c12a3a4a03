//! Conversations: which case a message belongs to, and who may speak in it.
//!
//! One concept per file: [`threading`] (the Message-IDs and the subject tag a message points at),
//! [`participants`] (who a sender is to a case: requester, addressed, colleague, staff or
//! stranger) and [`follow_up`] (what a message that threads into a case is, and whether it
//! reopens it, joins it or starts a new case). The clock effects are in [`crate::clock`].

pub mod follow_up;
pub mod participants;
pub mod threading;

pub use follow_up::{FollowUpKind, Placement, place};
pub use participants::{Participants, Standing, standing};
pub use threading::{subject_tag, thread_ids};
