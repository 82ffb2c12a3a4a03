//! The feedback consumer's configuration: one typed value for the Lambda `main` and the tests,
//! every default stated once.

use slamail_aws::config::Vars;
use slamail_core::feedback::DEFAULT_UNDELIVERABLE_DAYS;

pub use slamail_aws::config::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackConfig {
    /// `CASES_TABLE`.
    pub cases_table: String,
    /// `UNDELIVERABLE_DAYS`: how long a permanent bounce holds replies to the address.
    pub undeliverable_days: u32,
}

impl FeedbackConfig {
    /// The configuration for this table, everything else at its default.
    pub fn new(cases_table: impl Into<String>) -> Self {
        Self {
            cases_table: cases_table.into(),
            undeliverable_days: DEFAULT_UNDELIVERABLE_DAYS,
        }
    }

    /// Reads the configuration from variables (`get` is `std::env::var` in the Lambda). Blank
    /// values count as unset.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars::new(get);
        let mut config = Self::new(vars.required("CASES_TABLE")?);
        config.undeliverable_days =
            vars.number("UNDELIVERABLE_DAYS", DEFAULT_UNDELIVERABLE_DAYS)?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::{ConfigError, FeedbackConfig};
    use slamail_aws::config::read_pairs;

    #[test]
    fn defaults_and_errors() {
        let read = |pairs| read_pairs(FeedbackConfig::from_env, pairs);
        let blank_days = read(&[("CASES_TABLE", "cases"), ("UNDELIVERABLE_DAYS", " ")]);
        assert_eq!(blank_days, Ok(FeedbackConfig::new("cases")));
        assert_eq!(FeedbackConfig::new("cases").undeliverable_days, 7);
        let no_table = read(&[("CASES_TABLE", " ")]);
        assert_eq!(no_table, Err(ConfigError::Missing("CASES_TABLE")));
        let days = read(&[("CASES_TABLE", "cases"), ("UNDELIVERABLE_DAYS", "3")]);
        assert_eq!(days.map(|c| c.undeliverable_days), Ok(3));
        let words = read(&[("CASES_TABLE", "cases"), ("UNDELIVERABLE_DAYS", "a week")]);
        let message = "UNDELIVERABLE_DAYS=\"a week\" is not a whole number";
        assert_eq!(words.map_err(|e| e.to_string()), Err(message.to_string()));
    }
}
