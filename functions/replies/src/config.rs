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
    use super::{ConfigError, DEFAULT_SEND_RATE, RepliesConfig};
    use slamail_aws::config::read_pairs;

    #[test]
    fn defaults_and_errors() {
        let read = |pairs| read_pairs(RepliesConfig::from_env, pairs);
        let blank_set = read(&[("CASES_TABLE", "cases"), ("SES_CONFIGURATION_SET", " ")]);
        assert_eq!(blank_set, Ok(RepliesConfig::new("cases")));
        assert_eq!(RepliesConfig::new("cases").rate(), DEFAULT_SEND_RATE);
        assert_eq!(read(&[]), Err(ConfigError::Missing("CASES_TABLE")));
        let shared = read(&[
            ("CASES_TABLE", "cases"),
            ("SES_CONFIGURATION_SET", "replies"),
            ("SEND_RATE_PER_SECOND", "14"),
            ("SENDER_INSTANCES", "2"),
        ])
        .expect("valid");
        assert_eq!(shared.rate(), 7.0);
        assert_eq!(shared.configuration_set.as_deref(), Some("replies"));
        let none = read(&[("CASES_TABLE", "cases"), ("SENDER_INSTANCES", "0")]);
        let message = "SENDER_INSTANCES=\"0\" is not a positive number";
        assert_eq!(none.map_err(|e| e.to_string()), Err(message.to_string()));
    }
}
