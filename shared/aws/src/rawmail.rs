//! The raw-mail bucket: SES stores every inbound message here before the intake runs. It is the
//! source of truth; slamail reads it and never deletes or rewrites it.

use aws_sdk_s3::Client;
use slamail_core::case::RawLocation;
use slamail_core::intake::ports::{PortError, RawMail};

use crate::sdk_error::{AwsFailure, Resource};

#[derive(Debug, thiserror::Error)]
pub enum RawMailError {
    #[error(
        "s3://{bucket}/{key} was not found (or access was denied: without s3:ListBucket S3 reports a missing key as AccessDenied; check the receipt rule's key prefix)"
    )]
    NotFound { bucket: String, key: String },
    #[error("reading s3://{bucket}/{key} failed: {message}")]
    S3 {
        bucket: String,
        key: String,
        message: String,
    },
    #[error("s3://{bucket}/{key} is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        bucket: String,
        key: String,
        size: u64,
        limit: u64,
    },
}

/// SES accepts inbound messages up to 40 MB; anything larger in the bucket was not put there by SES.
pub const MAX_MESSAGE_BYTES: u64 = 40 * 1024 * 1024 + 1024 * 1024;

#[derive(Clone)]
pub struct RawMailStore {
    client: Client,
}

impl RawMailStore {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// The message's bytes, exactly as stored (never decoded as text).
    pub async fn fetch(&self, bucket: &str, key: &str) -> Result<Vec<u8>, RawMailError> {
        let out = self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| {
                let missing = e.as_service_error().is_some_and(|se| se.is_no_such_key())
                    || e.raw_response()
                        .is_some_and(|r| r.status().as_u16() == 404 || r.status().as_u16() == 403);
                if missing {
                    RawMailError::NotFound {
                        bucket: bucket.to_string(),
                        key: key.to_string(),
                    }
                } else {
                    RawMailError::S3 {
                        bucket: bucket.to_string(),
                        key: key.to_string(),
                        message: AwsFailure::of(&e, Resource::Bucket).to_string(),
                    }
                }
            })?;
        let size = out.content_length().unwrap_or(0).max(0) as u64;
        if size > MAX_MESSAGE_BYTES {
            return Err(RawMailError::TooLarge {
                bucket: bucket.to_string(),
                key: key.to_string(),
                size,
                limit: MAX_MESSAGE_BYTES,
            });
        }
        let bytes = out.body.collect().await.map_err(|e| RawMailError::S3 {
            bucket: bucket.to_string(),
            key: key.to_string(),
            message: e.to_string(),
        })?;
        Ok(bytes.into_bytes().to_vec())
    }

    /// Stores a message (the demo and `slamail process` put local `.eml` files where SES would).
    pub async fn put(&self, bucket: &str, key: &str, bytes: Vec<u8>) -> Result<(), RawMailError> {
        self.client
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(bytes.into())
            .send()
            .await
            .map_err(|e| RawMailError::S3 {
                bucket: bucket.to_string(),
                key: key.to_string(),
                message: AwsFailure::of(&e, Resource::Bucket).to_string(),
            })?;
        Ok(())
    }
}

impl RawMail for RawMailStore {
    async fn fetch(&self, raw: &RawLocation) -> Result<Vec<u8>, PortError> {
        RawMailStore::fetch(self, &raw.bucket, &raw.key)
            .await
            .map_err(|e| PortError::new("raw-mail bucket", e))
    }
}
