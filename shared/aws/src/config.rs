//! Reading a function's settings from its variables: one reader behind every function's typed
//! configuration, so "blank counts as unset", "required" and "a number with a default" mean the
//! same thing in every Lambda, and every refusal names the variable.

use std::str::FromStr;

/// A setting that cannot be used, named by its variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} must be set")]
    Missing(&'static str),
    #[error("{name}={value:?} is not a whole number")]
    NotANumber { name: &'static str, value: String },
    #[error("{name}={value:?} is not a positive number")]
    NotPositive { name: &'static str, value: String },
}

/// The variables a configuration is read from. `get` is `std::env::var` in a Lambda; the CLI puts
/// its flags in front of it and the tests pass a table.
pub struct Vars<G> {
    get: G,
}

impl<G: Fn(&str) -> Option<String>> Vars<G> {
    pub fn new(get: G) -> Self {
        Self { get }
    }

    /// The value of `name`; blank counts as unset (a template parameter left empty is "use the
    /// default", not an empty table name).
    pub fn get(&self, name: &str) -> Option<String> {
        (self.get)(name).filter(|v| !v.trim().is_empty())
    }

    /// The value of `name`, which must be set.
    pub fn required(&self, name: &'static str) -> Result<String, ConfigError> {
        self.get(name).ok_or(ConfigError::Missing(name))
    }

    /// The whole number in `name`, `default` when unset.
    pub fn number<T: FromStr>(&self, name: &'static str, default: T) -> Result<T, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(value) => value
                .trim()
                .parse()
                .map_err(|_| ConfigError::NotANumber { name, value }),
        }
    }

    /// The positive (possibly fractional) number in `name`, `default` when unset.
    pub fn positive(&self, name: &'static str, default: f64) -> Result<f64, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(value) => value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|r| r.is_finite() && *r > 0.0)
                .ok_or(ConfigError::NotPositive { name, value }),
        }
    }
}

/// A configuration read from fixed pairs, for the configurations' unit tests:
/// `read_pairs(FeedbackConfig::from_env, &[("CASES_TABLE", "cases")])`.
pub fn read_pairs<C>(
    from_env: impl FnOnce(Box<dyn Fn(&str) -> Option<String>>) -> Result<C, ConfigError>,
    pairs: &'static [(&'static str, &'static str)],
) -> Result<C, ConfigError> {
    from_env(Box::new(vars_of(pairs)))
}

/// A getter over fixed pairs, for the configurations' unit tests.
pub fn vars_of(
    pairs: &'static [(&'static str, &'static str)],
) -> impl Fn(&str) -> Option<String> + Clone {
    move |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_unset_and_every_error_names_its_variable() {
        let vars = Vars::new(vars_of(&[
            ("BLANK", "  "),
            ("SET", "x"),
            ("DAYS", " 9 "),
            ("WORDS", "lots"),
            ("RATE", "0.5"),
            ("ZERO", "0"),
        ]));
        assert_eq!(vars.get("BLANK"), None);
        assert_eq!(vars.get("SET").as_deref(), Some("x"));
        assert_eq!(vars.required("BLANK"), Err(ConfigError::Missing("BLANK")));
        assert_eq!(vars.required("SET").as_deref(), Ok("x"));
        assert_eq!(vars.number("DAYS", 7u32), Ok(9));
        assert_eq!(vars.number("UNSET", 7u32), Ok(7));
        assert_eq!(
            vars.number("WORDS", 7u32).unwrap_err().to_string(),
            "WORDS=\"lots\" is not a whole number"
        );
        assert_eq!(vars.positive("RATE", 14.0), Ok(0.5));
        assert_eq!(vars.positive("UNSET", 14.0), Ok(14.0));
        assert_eq!(
            vars.positive("ZERO", 14.0).unwrap_err().to_string(),
            "ZERO=\"0\" is not a positive number"
        );
        assert_eq!(
            ConfigError::Missing("CASES_TABLE").to_string(),
            "environment variable CASES_TABLE must be set"
        );
    }
}
