//! The paced sender's configuration: one typed value for the Lambda `main` and the tests, every
//! default stated once.

use slamail_aws::config::Vars;

pub use slamail_aws::config::ConfigError;

/// The account's SES sending rate, unless configured (`SEND_RATE_PER_SECOND`, shared by
/// `SENDER_INSTANCES` invocations at once).
pub const DEFAULT_SEND_RATE: f64 = 14.0;

#[derive(Debug, Clone, PartialEq)]
pub struct RepliesConfig {
    /// `CASES_TABLE`.
    pub cases_table: String,
    /// `SES_CONFIGURATION_SET`, if any.
    pub configuration_set: Option<String>,
    /// `SEND_RATE_PER_SECOND`: the account's SES rate, sends a second.
    pub send_rate: f64,
    /// `SENDER_INSTANCES`: how many invocations share that rate at once (the event source's
    /// `MaximumConcurrency`).
    pub sender_instances: f64,
}

impl RepliesConfig {
    /// The configuration for this table, everything else at its default.
    pub fn new(cases_table: impl Into<String>) -> Self {
        Self {
            cases_table: cases_table.into(),
            configuration_set: None,
            send_rate: DEFAULT_SEND_RATE,
            sender_instances: 1.0,
        }
    }

    /// Reads the configuration from variables (`get` is `std::env::var` in the Lambda). Blank
    /// values count as unset.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars::new(get);
        let mut config = Self::new(vars.required("CASES_TABLE")?);
        config.configuration_set = vars.get("SES_CONFIGURATION_SET");
        config.send_rate = vars.positive("SEND_RATE_PER_SECOND", DEFAULT_SEND_RATE)?;
        config.sender_instances = vars.positive("SENDER_INSTANCES", 1.0)?;
        Ok(config)
    }

    /// This invocation's share of the account's rate, sends a second.
    pub fn rate(&self) -> f64 {
        self.send_rate / self.sender_instances
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slamail_aws::config::vars_of as vars;

    #[test]
    fn defaults_and_errors() {
        let c = RepliesConfig::from_env(vars(&[
            ("CASES_TABLE", "cases"),
            ("SES_CONFIGURATION_SET", " "),
        ]))
        .expect("valid");
        assert_eq!(c, RepliesConfig::new("cases"));
        assert_eq!(c.rate(), DEFAULT_SEND_RATE);
        assert_eq!(
            RepliesConfig::from_env(vars(&[])),
            Err(ConfigError::Missing("CASES_TABLE"))
        );
        let c = RepliesConfig::from_env(vars(&[
            ("CASES_TABLE", "cases"),
            ("SES_CONFIGURATION_SET", "replies"),
            ("SEND_RATE_PER_SECOND", "14"),
            ("SENDER_INSTANCES", "2"),
        ]))
        .expect("valid");
        assert_eq!(c.rate(), 7.0);
        assert_eq!(c.configuration_set.as_deref(), Some("replies"));
        assert_eq!(
            RepliesConfig::from_env(vars(
                &[("CASES_TABLE", "cases"), ("SENDER_INSTANCES", "0"),]
            ))
            .unwrap_err()
            .to_string(),
            "SENDER_INSTANCES=\"0\" is not a positive number"
        );
    }
}
