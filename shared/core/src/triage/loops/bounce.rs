//! Bounces: delivery status notifications and other reports from mail systems. Answering one
//! would send our reply to a robot, or back to a forged sender (backscatter).

use super::senders::is_mail_system;
use crate::ids::EmailAddress;
use crate::message::InboundEmail;

/// Why the message is a bounce (a delivery status notification or another report from a mail
/// system), or `None`.
pub fn is_bounce(email: &InboundEmail) -> Option<String> {
    if email.has_null_return_path() {
        return Some("the envelope sender is null (Return-Path: <>)".to_string());
    }
    if email.is_delivery_report() {
        return Some("it is a delivery status report (multipart/report)".to_string());
    }
    if email.has_delivery_status_part {
        return Some("it contains a delivery status part".to_string());
    }
    if email.has_header("x-failed-recipients") {
        return Some("it names failed recipients (X-Failed-Recipients)".to_string());
    }
    let from = email.from.as_ref().and_then(|m| m.address.as_ref());
    if let Some(a) = from.filter(|a| is_mail_system(a.local_part())) {
        return Some(format!("it comes from the mail system ({a})"));
    }
    let envelope = email
        .return_path
        .as_deref()
        .and_then(|rp| EmailAddress::parse(rp).ok());
    if let Some(a) = envelope.filter(|a| is_mail_system(a.local_part())) {
        return Some(format!("its envelope sender is the mail system ({a})"));
    }
    None
}
