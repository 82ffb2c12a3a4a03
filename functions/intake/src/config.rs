//! The intake's configuration: one typed value for the Lambda `main`, the CLI and the tests, every
//! default stated here once.

use slamail_aws::config::Vars;
use slamail_core::triage::loops::RateLimits;

pub use slamail_aws::config::ConfigError;
pub use slamail_core::feedback::DEFAULT_UNDELIVERABLE_DAYS;

/// The domain of the Message-ID put on replies when none is configured (SES replaces the
/// Message-ID; ours must still be valid, and `.invalid` can never be someone else's).
pub const DEFAULT_MESSAGE_ID_DOMAIN: &str = "slamail.invalid";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeConfig {
    /// The raw-mail bucket SES writes to (`RAW_MAIL_BUCKET`).
    pub raw_bucket: String,
    /// The receipt rule's S3 key prefix (`RAW_MAIL_PREFIX`, default empty).
    pub raw_prefix: String,
    /// `CASES_TABLE`.
    pub cases_table: String,
    /// `DIRECTORY_TABLE`.
    pub directory_table: String,
    /// `SES_CONFIGURATION_SET`, if any.
    pub configuration_set: Option<String>,
    /// `POLICY_FILES`: comma-separated built-in ids or paths; `None` is every built-in policy.
    pub policy_files: Option<String>,
    /// `MESSAGE_ID_DOMAIN`.
    pub message_id_domain: String,
    /// `REPLY_LIMIT_PER_HOUR`, `REPLY_LIMIT_PER_DAY`: a ceiling on every policy's per-address caps
    /// (the caps themselves are in the policy files).
    pub rate_limits: RateLimits,
    /// `UNDELIVERABLE_DAYS`.
    pub undeliverable_days: u32,
    /// `REPLY_QUEUE_URL`: where throttled replies wait for the paced sender (none: a throttled
    /// reply fails the invocation and Lambda's retry sends it).
    pub reply_queue_url: Option<String>,
    /// How many times a throttled send is retried in the invocation before the reply is queued,
    /// and the pause before the first retry (doubled, then tripled …).
    pub send_retries: u32,
    pub send_retry_pause: std::time::Duration,
    /// Seconds over which queued replies are first offered to the sender (default 60).
    pub reply_queue_spread: u32,
}

impl IntakeConfig {
    /// The configuration for these resources, everything else at its default.
    pub fn new(
        raw_bucket: impl Into<String>,
        raw_prefix: impl Into<String>,
        cases_table: impl Into<String>,
        directory_table: impl Into<String>,
    ) -> Self {
        Self {
            raw_bucket: raw_bucket.into(),
            raw_prefix: raw_prefix.into(),
            cases_table: cases_table.into(),
            directory_table: directory_table.into(),
            configuration_set: None,
            policy_files: None,
            message_id_domain: DEFAULT_MESSAGE_ID_DOMAIN.to_string(),
            rate_limits: RateLimits::default(),
            undeliverable_days: DEFAULT_UNDELIVERABLE_DAYS,
            reply_queue_url: None,
            send_retries: 2,
            send_retry_pause: std::time::Duration::from_millis(200),
            reply_queue_spread: 60,
        }
    }

    /// Reads the configuration from variables (`get` is `std::env::var` in the Lambda; the CLI
    /// puts its flags in front). Blank values count as unset.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars::new(get);
        let defaults = RateLimits::default();
        let mut config = Self::new(
            vars.required("RAW_MAIL_BUCKET")?,
            vars.get("RAW_MAIL_PREFIX").unwrap_or_default(),
            vars.required("CASES_TABLE")?,
            vars.required("DIRECTORY_TABLE")?,
        );
        config.configuration_set = vars.get("SES_CONFIGURATION_SET");
        config.policy_files = vars.get("POLICY_FILES");
        if let Some(domain) = vars.get("MESSAGE_ID_DOMAIN") {
            config.message_id_domain = domain;
        }
        config.rate_limits = RateLimits {
            per_hour: vars.number("REPLY_LIMIT_PER_HOUR", defaults.per_hour)?,
            per_day: vars.number("REPLY_LIMIT_PER_DAY", defaults.per_day)?,
        };
        config.undeliverable_days =
            vars.number("UNDELIVERABLE_DAYS", DEFAULT_UNDELIVERABLE_DAYS)?;
        config.reply_queue_url = vars.get("REPLY_QUEUE_URL");
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slamail_aws::config::vars_of as vars;

    #[test]
    fn defaults_and_errors() {
        let c = IntakeConfig::from_env(vars(&[
            ("RAW_MAIL_BUCKET", "raw"),
            ("CASES_TABLE", "cases"),
            ("DIRECTORY_TABLE", "dir"),
            ("SES_CONFIGURATION_SET", " "),
        ]))
        .expect("valid");
        assert_eq!(c, IntakeConfig::new("raw", "", "cases", "dir"));
        assert_eq!(c.message_id_domain, DEFAULT_MESSAGE_ID_DOMAIN);
        assert_eq!(
            IntakeConfig::from_env(vars(&[("RAW_MAIL_BUCKET", "raw")])),
            Err(ConfigError::Missing("CASES_TABLE"))
        );
        let e = IntakeConfig::from_env(vars(&[
            ("RAW_MAIL_BUCKET", "raw"),
            ("CASES_TABLE", "cases"),
            ("DIRECTORY_TABLE", "dir"),
            ("REPLY_LIMIT_PER_DAY", "lots"),
        ]))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "REPLY_LIMIT_PER_DAY=\"lots\" is not a whole number"
        );
        let q = IntakeConfig::from_env(vars(&[
            ("RAW_MAIL_BUCKET", "raw"),
            ("CASES_TABLE", "cases"),
            ("DIRECTORY_TABLE", "dir"),
            (
                "REPLY_QUEUE_URL",
                "https://sqs.us-east-1.amazonaws.com/1/replies",
            ),
        ]))
        .expect("valid");
        assert_eq!(
            q.reply_queue_url.as_deref(),
            Some("https://sqs.us-east-1.amazonaws.com/1/replies")
        );
        assert_eq!(c.reply_queue_url, None, "no queue unless configured");
    }
}
