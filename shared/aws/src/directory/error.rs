//! What can go wrong in the directory adapter: the rules refuse, or storage fails.

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use slamail_core::directory::DirectoryError;
use thiserror::Error;

use crate::sdk_error::{AwsFailure, Resource};

/// A directory operation's failure. [`Refused`](Self::Refused) carries the core's reason and is
/// the caller's to fix; the others are the storage's, and the edges report them as such.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DirectoryStoreError {
    #[error(transparent)]
    Refused(#[from] DirectoryError),
    /// Lost the race several times running: retried with jitter and still contended.
    #[error("conflicting change to {0}; read it again and retry")]
    Conflict(String),
    #[error("directory item {key} is unreadable: {why}")]
    Corrupt { key: String, why: String },
    #[error("directory storage failed: {0}")]
    Storage(String),
}

impl DirectoryStoreError {
    /// The stable code of the refusal, or of the storage failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Refused(e) => e.code(),
            Self::Conflict(_) => "conflict",
            Self::Corrupt { .. } => "corrupt",
            Self::Storage(_) => "storage",
        }
    }

    /// The rules' refusal, if that is what this is.
    pub fn refusal(&self) -> Option<&DirectoryError> {
        match self {
            Self::Refused(e) => Some(e),
            _ => None,
        }
    }
}

impl PartialEq<DirectoryError> for DirectoryStoreError {
    fn eq(&self, other: &DirectoryError) -> bool {
        self.refusal() == Some(other)
    }
}

pub(super) fn storage<E>(e: SdkError<E, HttpResponse>) -> DirectoryStoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    DirectoryStoreError::Storage(AwsFailure::of(&e, Resource::Table).to_string())
}

pub(super) fn build_err(e: aws_sdk_dynamodb::error::BuildError) -> DirectoryStoreError {
    DirectoryStoreError::Storage(format!("request could not be built: {e}"))
}
