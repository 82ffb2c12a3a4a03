//! One line for a failed AWS call: what the service said (its error code and message) or why
//! there was no answer, and what an operator can do about it. The SDK's own `Display` is either
//! a bare "service error" or, through `DisplayErrorContext`, several hundred characters of
//! connector internals; neither tells an operator what to do. Every adapter error that carries
//! an SDK failure renders it through [`AwsFailure`], so the CLI and the Lambda logs say the same.

use std::error::Error as StdError;
use std::fmt;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

/// The longest service message or cause kept, in characters: enough for any AWS message, short
/// enough for one log line (a message can quote input back).
const MAX_DETAIL_CHARS: usize = 240;

/// What kind of resource a call was made on, for the hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Table,
    Bucket,
    EmailIdentity,
}

/// Why a call failed, reduced to what an operator needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFailure {
    /// The service's error code (`ResourceNotFoundException`), or what went wrong on the way
    /// (`timeout`, `connection`, `unreadable response`, `request not built`).
    pub code: String,
    /// The service's message, or the root cause.
    pub message: String,
    pub hint: &'static str,
}

impl fmt::Display for AwsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}; {}", self.code, self.hint)
        } else {
            write!(f, "{}: {}; {}", self.code, self.message, self.hint)
        }
    }
}

impl AwsFailure {
    /// Describes a failed call on a resource of kind `resource`.
    pub fn of<E>(e: &SdkError<E, HttpResponse>, resource: Resource) -> Self
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let (code, message) = match e {
            SdkError::ServiceError(se) => {
                let err = se.err();
                let code = err.code().map(str::to_string).unwrap_or_else(|| {
                    // Some failures (an S3 HEAD, a bare 5xx) carry no code: the status is it.
                    format!("HTTP {}", se.raw().status().as_u16())
                });
                (code, err.message().unwrap_or_default().to_string())
            }
            SdkError::TimeoutError(_) => ("timeout".to_string(), root_cause(e)),
            SdkError::DispatchFailure(d) if d.is_timeout() => {
                ("timeout".to_string(), root_cause(e))
            }
            SdkError::DispatchFailure(_) => ("connection".to_string(), root_cause(e)),
            SdkError::ResponseError(_) => ("unreadable response".to_string(), root_cause(e)),
            SdkError::ConstructionFailure(_) => ("request not built".to_string(), root_cause(e)),
            _ => ("failure".to_string(), root_cause(e)),
        };
        let hint = hint(&code, resource);
        AwsFailure {
            code,
            message: clip(&message),
            hint,
        }
    }
}

/// The innermost error's message: the one that says what happened ("Connection refused").
fn root_cause(e: &(dyn StdError + 'static)) -> String {
    let mut last: &(dyn StdError + 'static) = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// One line of at most [`MAX_DETAIL_CHARS`] characters.
fn clip(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(MAX_DETAIL_CHARS) {
        Some((at, _)) => format!("{}…", &flat[..at]),
        None => flat,
    }
}

fn hint(code: &str, resource: Resource) -> &'static str {
    use Resource::*;
    match (code, resource) {
        ("ResourceNotFoundException", Table) => {
            "check the table name (CASES_TABLE / DIRECTORY_TABLE, or --cases-table / --directory-table), the region, and that the stack is deployed"
        }
        ("NoSuchBucket", _) | ("HTTP 404", Bucket) => {
            "check the bucket name (RAW_MAIL_BUCKET or --bucket) and the region"
        }
        ("NoSuchKey", _) => {
            "check the key prefix (RAW_MAIL_PREFIX or --prefix) against the receipt rule's"
        }
        ("AccessDeniedException" | "AccessDenied" | "UnrecognizedClientException", _)
        | ("HTTP 403", _) => {
            "check the credentials and that the role's policy allows this action on the resource"
        }
        (
            "MessageRejected" | "MailFromDomainNotVerifiedException" | "NotFoundException",
            EmailIdentity,
        ) => {
            "check that the sending identity is verified in SES in this region (and the account is out of the sandbox)"
        }
        ("timeout" | "connection", _) => {
            "check the endpoint and network (AWS_ENDPOINT_URL, AWS_REGION); a retry may succeed"
        }
        ("ValidationException", Table) => {
            "the request does not fit the table's schema or limits; see the message"
        }
        (c, _)
            if c.contains("Throttl")
                || c == "ProvisionedThroughputExceededException"
                || c == "TooManyRequestsException"
                || c == "SlowDown"
                || c == "RequestLimitExceeded" =>
        {
            "the service is throttling; a retry later succeeds (raise the limit if it persists)"
        }
        (c, _)
            if c.starts_with("HTTP 5")
                || c.contains("InternalServer")
                || c == "InternalError"
                || c == "InternalFailure"
                || c == "ServiceUnavailable" =>
        {
            "a fault on the service's side; a retry later may succeed"
        }
        _ => "see the message; a retry does not help unless the cause is fixed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_one_bounded_line() {
        let long = format!("a\nb {}", "x".repeat(1000));
        let c = clip(&long);
        assert!(!c.contains('\n'));
        assert_eq!(c.chars().count(), MAX_DETAIL_CHARS + 1);
    }

    #[test]
    fn failures_read_as_code_message_and_hint() {
        let f = AwsFailure {
            code: "ResourceNotFoundException".into(),
            message: "Requested resource not found".into(),
            hint: hint("ResourceNotFoundException", Resource::Table),
        };
        assert!(
            f.to_string().starts_with(
                "ResourceNotFoundException: Requested resource not found; check the table name"
            ),
            "{f}"
        );
        assert!(hint("ThrottlingException", Resource::Table).contains("retry"));
        assert!(hint("HTTP 503", Resource::Bucket).contains("retry"));
    }
}
