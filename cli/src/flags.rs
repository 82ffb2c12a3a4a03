//! The CLI's flags standing in for a function's variables: the function's own config type reads
//! them, so a blank flag and a default mean what they mean in the Lambda.

use slamail_agents::AgentsConfig;
use slamail_agents::config::ConfigError;

/// The flags that stand in for the agents function's variables.
pub struct AgentsFlags<'a> {
    pub cases_table: &'a str,
    pub message_id_domain: &'a str,
    pub agents_group: Option<&'a str>,
    pub policies: Option<&'a str>,
    pub configuration_set: Option<&'a str>,
}

/// The agents function's configuration from the flags, read by its own config type (so blank
/// flags and defaults mean what they mean in the Lambda).
pub fn agents_config(f: AgentsFlags<'_>) -> Result<AgentsConfig, ConfigError> {
    AgentsConfig::from_env(|name| {
        match name {
            "CASES_TABLE" => Some(f.cases_table),
            "MESSAGE_ID_DOMAIN" => Some(f.message_id_domain),
            "AGENTS_GROUP" => f.agents_group,
            "POLICY_FILES" => f.policies,
            "SES_CONFIGURATION_SET" => f.configuration_set,
            _ => None,
        }
        .map(str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_reaches_its_variable() {
        let flags = AgentsFlags {
            cases_table: "cases",
            message_id_domain: "support.example.com",
            agents_group: Some("desk"),
            policies: Some("activestate"),
            configuration_set: Some("replies"),
        };
        let mut expected = AgentsConfig::new("cases", "support.example.com");
        expected.agents_group = "desk".into();
        expected.policy_files = Some("activestate".into());
        expected.configuration_set = Some("replies".into());
        assert_eq!(agents_config(flags), Ok(expected));
        let blank_domain = AgentsFlags {
            cases_table: "cases",
            message_id_domain: " ",
            agents_group: None,
            policies: None,
            configuration_set: None,
        };
        assert_eq!(
            agents_config(blank_domain),
            Err(ConfigError::Missing("MESSAGE_ID_DOMAIN"))
        );
    }
}
