//! Recording an action: read the case, apply the clock rules, append in one conditional write,
//! and again when another writer got there first.

use chrono::{DateTime, Utc};
use slamail_core::case::MessageItem;
use slamail_core::clock::{self, ClockEvent, Happening};
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::intake::ports::{Append, Appended, ReplySender};

use super::priority::reclassified_deadline;
use super::{Desk, DeskError, Done, store};

/// How often an action is retried when the case changed between its read and its write.
const MAX_CONFLICTS: usize = 3;

/// What one append adds besides clock entries.
#[derive(Default)]
pub(super) struct Extra {
    pub(super) message: Option<MessageItem>,
    pub(super) index_ids: Vec<String>,
    /// A reclassification: the case's deadline history gains its new due instant.
    pub(super) reclassified: bool,
}

impl<S: ReplySender + Sync> Desk<S> {
    /// Reads, applies `happening`, appends; again if the case changed meanwhile.
    pub(super) async fn record(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
        now: DateTime<Utc>,
        happening: Option<&Happening>,
        extra: Extra,
    ) -> Result<Done, DeskError> {
        let by = format!("agent:{agent}");
        for _ in 0..MAX_CONFLICTS {
            let (policy, conv) = self.load(agent, case_id).await?;
            let view = clock::evaluate(&conv.ledger, policy).map_err(|e| {
                DeskError::Invalid(format!("case {case_id} has no usable clock ledger: {e}"))
            })?;
            let events = match happening {
                Some(h) => clock::transition(policy, &view, h, now)?,
                None => Vec::new(),
            };
            let entries = clock::append(&conv.ledger, events, now, &by, &policy.version);
            let mut ledger = conv.ledger.clone();
            ledger.extend(entries.iter().cloned());
            let after = clock::evaluate(&ledger, policy)
                .map_err(|e| DeskError::Invalid(format!("case {case_id}: {e}")))?;
            let live = clock::live(policy, &after);
            // The reason as the ledger keeps it (one line, bounded by the clock's rule), never
            // the agent's raw text: the history lives on the case item, which has a size limit.
            let reason = entries.iter().find_map(|e| match &e.event {
                ClockEvent::Reclassify { reason, .. } => Some(reason.as_str()),
                _ => None,
            });
            let deadline = reason
                .filter(|_| extra.reclassified)
                .and_then(|reason| reclassified_deadline(policy, &conv.case, &after, reason, now));
            let appended = self
                .cases
                .append_to_case(&Append {
                    fence: None,
                    case_id,
                    expected_ledger_len: conv.case.ledger_len,
                    entries: &entries,
                    live: &live,
                    deadline: deadline.as_ref(),
                    message: extra.message.as_ref(),
                    index_ids: &extra.index_ids,
                    now,
                })
                .await
                .map_err(store)?;
            match appended {
                Appended::Written => {
                    let mut case = conv.case;
                    case.apply_live(&live);
                    case.ledger_len += entries.len() as u32;
                    if extra.message.is_some() {
                        case.message_count += 1;
                    }
                    case.deadlines.extend(deadline);
                    return Ok(Done {
                        case,
                        entries,
                        notice: None,
                    });
                }
                Appended::Conflict => continue,
                Appended::Duplicate { .. } => {
                    return Err(DeskError::Store(
                        "one of the message's ids is already recorded".into(),
                    ));
                }
            }
        }
        Err(DeskError::Busy(case_id.clone()))
    }
}
