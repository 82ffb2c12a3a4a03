//! How every directory change is written: read, decide with the core's rules, write one
//! transaction whose conditions restate what was read; if a condition fails, read again and
//! decide again ([`Directory::retrying`], the one retry loop). The caller's own standing is one
//! of those conditions.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, Put, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use slamail_core::directory::{Action, Actor, AuditAction, AuditEntry, Role, Standing, authorize};
use slamail_core::ids::{EmailAddress, OrgId};

use super::Directory;
use super::error::{DirectoryStoreError, build_err, storage};
use super::items::{AuditItem, ORG_SK, key, member_sk, n, org_pk, rfc3339, s, to_item};

/// How often a change is re-read and retried after losing a race before giving up with
/// [`DirectoryStoreError::Conflict`]. A lost race usually resolves on the first re-read (the
/// rules then explain the refusal); more attempts only help against transient conflicts.
const ATTEMPTS: u32 = 4;

/// What one attempt decided.
pub(super) enum Step<T> {
    /// Nothing to write (already so): the answer.
    Finished(T),
    /// Write these items in one transaction; if it commits, the answer is `T`.
    Write(Vec<TransactWriteItem>, T),
}

/// The caller of a change, as the directory says at the moment of the attempt.
pub(super) struct Caller {
    pub standing: Standing,
    actor: Actor,
    org: OrgId,
    /// A customer's address; operators have no record to pin.
    email: Option<EmailAddress>,
}

impl Caller {
    pub fn email(&self) -> Option<&EmailAddress> {
        self.email.as_ref()
    }

    /// Whether `who` is the caller (so the write on `who` must itself pin the caller's role).
    pub fn is(&self, who: &EmailAddress) -> bool {
        self.email.as_ref() == Some(who)
    }
}

impl Directory {
    /// Runs `attempt` until its transaction commits, it finishes without one, or it fails; a
    /// cancelled transaction is retried with jittered backoff, up to [`ATTEMPTS`] times.
    pub(super) async fn retrying<T, F, Fut>(
        &self,
        org: &OrgId,
        mut attempt: F,
    ) -> Result<T, DirectoryStoreError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Step<T>, DirectoryStoreError>>,
    {
        for n in 0..ATTEMPTS {
            match attempt().await? {
                Step::Finished(v) => return Ok(v),
                Step::Write(items, v) => {
                    if self.transact(items).await? {
                        return Ok(v);
                    }
                }
            }
            if n + 1 < ATTEMPTS {
                backoff(n).await;
            }
        }
        Err(DirectoryStoreError::Conflict(format!("organisation {org}")))
    }

    /// The caller's standing now, authorized for `action`. A customer's standing is read from
    /// their own record; [`Self::caller_check`] makes the write depend on it still holding.
    pub(super) async fn caller(
        &self,
        actor: &Actor,
        org: &OrgId,
        action: Action,
    ) -> Result<Caller, DirectoryStoreError> {
        let (own, email) = match actor {
            Actor::Operator(_) => (None, None),
            Actor::User(e) => (self.member(org, e).await?, Some(e.clone())),
        };
        let standing = Standing::of_actor(actor, own.as_ref());
        authorize(standing, action)?;
        Ok(Caller {
            standing,
            actor: actor.clone(),
            org: org.clone(),
            email,
        })
    }

    /// What closes every change `caller` makes to `target`'s member item: the audit entry, and
    /// the condition that the caller is still an administrator ([`Self::caller_check`]).
    pub(super) fn audited(
        &self,
        caller: &Caller,
        action: AuditAction,
        target: &EmailAddress,
        change: (Option<serde_json::Value>, Option<serde_json::Value>),
        at: DateTime<Utc>,
    ) -> Result<Vec<TransactWriteItem>, DirectoryStoreError> {
        let audit = self.audit_put(&caller.actor, action, &caller.org, Some(target), change, at)?;
        let mut items = vec![audit];
        items.extend(self.caller_check(caller, &caller.org, &[target])?);
        Ok(items)
    }

    /// The condition that the customer calling is still an administrator of `org`: every
    /// write a customer may ask for is an administrator's. `None` for operators, and when the
    /// transaction writes the caller's own item (that write pins the role itself: one
    /// transaction may not touch an item twice).
    pub(super) fn caller_check(
        &self,
        caller: &Caller,
        org: &OrgId,
        written: &[&EmailAddress],
    ) -> Result<Option<TransactWriteItem>, DirectoryStoreError> {
        match caller.email() {
            Some(e) if !written.contains(&e) => self.admin_check(org, e).map(Some),
            _ => Ok(None),
        }
    }

    /// A condition that `email` is an administrator of `org`.
    pub(super) fn admin_check(
        &self,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<TransactWriteItem, DirectoryStoreError> {
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(org_pk(org), member_sk(email))))
            .condition_expression("#role = :admin")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":admin", s(Role::Admin.as_str()))
            .build()
            .map_err(build_err)?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }

    pub(super) fn release_slot(
        &self,
        org: &OrgId,
        now: DateTime<Utc>,
    ) -> Result<TransactWriteItem, DirectoryStoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(org_pk(org), ORG_SK.into())))
            .update_expression("SET #count = #count - :one, #updated = :now")
            .condition_expression("attribute_exists(pk) AND #count > :zero")
            .expression_attribute_names("#count", "designated_count")
            .expression_attribute_names("#updated", "updated_at")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":now", s(&rfc3339(now)))
            .build()
            .map_err(build_err)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// The audit entry of a change, as a put in its transaction.
    pub(super) fn audit_put(
        &self,
        actor: &Actor,
        action: AuditAction,
        org: &OrgId,
        target: Option<&EmailAddress>,
        (before, after): (Option<serde_json::Value>, Option<serde_json::Value>),
        at: DateTime<Utc>,
    ) -> Result<TransactWriteItem, DirectoryStoreError> {
        let entry = AuditEntry {
            at,
            actor: actor.to_string(),
            action,
            org: org.clone(),
            target: target.cloned(),
            before,
            after,
        };
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(&AuditItem::new(&entry, unique()))?))
            .build()
            .map_err(build_err)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Writes `items` atomically: `true` when committed, `false` when a condition failed or
    /// another transaction got in the way (re-read and decide again).
    async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<bool, DirectoryStoreError> {
        let e = match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => return Ok(true),
            Err(e) => e,
        };
        match e.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                let reasons: Vec<&str> = c
                    .cancellation_reasons()
                    .iter()
                    .filter_map(|r| r.code())
                    .collect();
                tracing::debug!(?reasons, "directory transaction cancelled");
                // Conditions restate the rules; ValidationError and the like do not.
                let benign = |code: &&str| {
                    matches!(
                        *code,
                        "None" | "ConditionalCheckFailed" | "TransactionConflict"
                    )
                };
                if reasons.iter().all(benign) {
                    Ok(false)
                } else {
                    Err(DirectoryStoreError::Storage(format!(
                        "transaction cancelled: {}",
                        reasons.join(", ")
                    )))
                }
            }
            Some(TransactWriteItemsError::TransactionInProgressException(_)) => Ok(false),
            _ => Err(storage(e)),
        }
    }
}

/// The record as audit JSON.
pub(super) fn to_json<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
    Some(serde_json::to_value(v).unwrap_or(serde_json::Value::Null))
}

async fn backoff(attempt: u32) {
    // Spreads retrying racers apart; jitter avoids them colliding again in lockstep.
    let ms = 10u64 * (1 << attempt.min(4)) + unique() % 20;
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// A process-unique, unpredictable-enough 64-bit value for audit sort keys and jitter.
fn unique() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_i64(Utc::now().timestamp_nanos_opt().unwrap_or_default());
    h.finish()
}
