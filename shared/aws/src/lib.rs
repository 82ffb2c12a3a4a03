//! AWS adapters for slamail: DynamoDB directory and case store, S3 raw mail, SESv2 mailer.
//!
//! [`tables`] creates the DynamoDB tables declared in `infra/template.yaml`, so local
//! runs and tests use exactly the deployed schema.

pub mod directory;
pub mod tables;
