//! Updates of the INBOUND item: the one a claim holds, and a conditional update that answers with
//! the item either way (as written, or as it was when the condition refused it).

use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};
use slamail_core::intake::ports::Fence;

use super::{CaseStore, CaseStoreError, InboundItem, condition_failed, decode, inbound_key};

/// What a conditional update of an inbound item found.
pub(super) enum Updated {
    /// The condition held: the item as written.
    Written(InboundItem),
    /// The condition refused: the item as it is, `None` when there is no item.
    Refused(Option<InboundItem>),
}

impl CaseStore {
    /// An update of the inbound item a claim holds; the caller adds its expressions.
    pub(super) fn update_inbound_item(&self, fence: &Fence) -> UpdateItemFluentBuilder {
        let (pk, sk) = inbound_key(fence);
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", pk)
            .key("sk", sk)
    }

    /// Sends `update` (of the inbound item under `pk`) asking for the item back either way.
    pub(super) async fn update_returning_item(
        &self,
        operation: &'static str,
        pk: &str,
        update: UpdateItemFluentBuilder,
    ) -> Result<Updated, CaseStoreError> {
        let result = update
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        let e = match result {
            Ok(out) => {
                let item = decode(pk, out.attributes.unwrap_or_default())?;
                return Ok(Updated::Written(item));
            }
            Err(e) => e,
        };
        if !condition_failed(&e) {
            return Err(self.err_sdk(operation, e));
        }
        // The refusal carries the item as it is: no second read.
        let old = e.as_service_error().and_then(|se| match se {
            UpdateItemError::ConditionalCheckFailedException(c) => c.item().cloned(),
            _ => None,
        });
        Ok(Updated::Refused(old.map(|i| decode(pk, i)).transpose()?))
    }
}
