//! Bounces and complaints of our auto-replies, as SES reports them: the sending events the reply
//! configuration set publishes to SNS ([`event`]), what each one does to the case and to further
//! replies ([`rules`]), and the port the feedback function writes through ([`ports`]).

pub mod event;
pub mod ports;
pub mod rules;

pub use event::{FeedbackError, FeedbackKind, SendingEvent, parse_sending_event};
pub use rules::{DEFAULT_UNDELIVERABLE_DAYS, FeedbackAction, action};
