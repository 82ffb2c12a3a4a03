//! Transactions over the cases table: each action has a role, so a cancellation says which
//! condition refused; a cancellation by a conflicting concurrent transaction is retried.

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use slamail_core::ids::CaseId;
use slamail_core::intake::ports::Fence;

use super::write_items::build;
use super::{CaseStore, CaseStoreError, Item};

/// What each action of a transaction is, to read its cancellation reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Case,
    Ledger,
    Message,
    Inbound,
    MessageId,
    Undeliverable,
    Complained,
    Feedback,
    /// The reply's `n`-th rate counter.
    Rate(usize),
    Other,
}

/// Why a transaction was cancelled, by the role of each refused action, with the refused item
/// when DynamoDB returned it.
pub(super) type Refusals = Vec<(Role, Option<Item>)>;

/// One try of a transaction.
enum Outcome {
    Done(Option<Refusals>),
    /// Cancelled because another transaction held one of its items: nothing was decided.
    Conflict(String),
}

/// A pause of 10–40 ms × attempt before retrying a conflicting transaction, randomised so that
/// the transactions that collided do not collide again.
fn jitter(attempt: u32) -> std::time::Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let ms = 10 + u64::from(nanos % 30);
    std::time::Duration::from_millis(ms * u64::from(attempt))
}

impl CaseStore {
    /// Runs a transaction. `Ok(None)` when it committed, `Ok(Some(refusals))` when conditions
    /// cancelled it. A cancellation by a conflicting concurrent transaction on one of its items
    /// (two replies to one domain at once) is retried after a short random pause.
    pub(super) async fn transact(
        &self,
        operation: &'static str,
        actions: Vec<(Role, TransactWriteItem)>,
    ) -> Result<Option<Refusals>, CaseStoreError> {
        const ATTEMPTS: u32 = 6;
        let roles: Vec<Role> = actions.iter().map(|(r, _)| *r).collect();
        let items: Vec<TransactWriteItem> = actions.into_iter().map(|(_, a)| a).collect();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.transact_once(operation, &roles, items.clone()).await? {
                Outcome::Done(refusals) => return Ok(refusals),
                Outcome::Conflict(what) if attempt >= ATTEMPTS => {
                    return Err(self.err(
                        operation,
                        format!("cancelled by conflicting transactions {ATTEMPTS} times ({what})"),
                    ));
                }
                Outcome::Conflict(_) => {
                    tokio::time::sleep(jitter(attempt)).await;
                }
            }
        }
    }

    /// Runs a fenced write on an existing case: refused by the inbound item, the claim was
    /// taken over; refused by anything else, the case does not exist.
    pub(super) async fn transact_on_case(
        &self,
        operation: &'static str,
        actions: Vec<(Role, TransactWriteItem)>,
        fence: &Fence,
        case_id: &CaseId,
    ) -> Result<(), CaseStoreError> {
        match self.transact(operation, actions).await? {
            None => Ok(()),
            Some(refused) if refused.iter().any(|(r, _)| *r == Role::Inbound) => {
                Err(CaseStoreError::lost(fence))
            }
            Some(_) => Err(self.err(operation, format!("case {case_id} does not exist"))),
        }
    }

    async fn transact_once(
        &self,
        operation: &'static str,
        roles: &[Role],
        items: Vec<TransactWriteItem>,
    ) -> Result<Outcome, CaseStoreError> {
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        let e = match result {
            Ok(_) => return Ok(Outcome::Done(None)),
            Err(e) => e,
        };
        let reasons = e.as_service_error().and_then(|se| match se {
            TransactWriteItemsError::TransactionCanceledException(tce) => {
                Some(tce.cancellation_reasons().to_vec())
            }
            _ => None,
        });
        let Some(reasons) = reasons.filter(|r| r.len() == roles.len()) else {
            if e.as_service_error()
                .is_some_and(TransactWriteItemsError::is_transaction_in_progress_exception)
            {
                return Ok(Outcome::Conflict("transaction in progress".into()));
            }
            return Err(self.err_sdk(operation, e));
        };
        let mut refused = Vec::new();
        for (role, reason) in roles.iter().zip(reasons) {
            match reason.code() {
                None | Some("None") => {}
                Some("ConditionalCheckFailed") => refused.push((*role, reason.item().cloned())),
                Some("TransactionConflict") => {
                    return Ok(Outcome::Conflict(format!("on {role:?}")));
                }
                Some(other) => {
                    return Err(self.err(operation, format!("cancelled: {other} on {role:?}")));
                }
            }
        }
        Ok(Outcome::Done(Some(refused)))
    }

    pub(super) fn put(
        &self,
        item: Item,
        condition: Option<&str>,
    ) -> Result<TransactWriteItem, CaseStoreError> {
        let put = build(
            self,
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .set_condition_expression(condition.map(str::to_string))
                .build(),
        )?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
}
