//! The one `tracing` setup of every slamail binary, so that a log line reads the same wherever
//! it comes from and the filter rules are the same everywhere.
//!
//! - [`init_lambda`]: JSON lines on stdout, each with its current span (the per-message span
//!   carries the SES message id). No timestamp of our own: Lambda stamps every line it ships to
//!   CloudWatch, and the JSON log format adds a second one.
//! - [`init_cli`]: readable text on stderr, so that a command's stdout stays its result (and
//!   `--json` output stays parseable).
//! - [`init_test`]: readable text through the test harness's capture, shown only for a failing
//!   test.
//!
//! The filter is `RUST_LOG` (`tracing_subscriber::EnvFilter` syntax); when it is unset or
//! invalid each setup uses its own default level. Message bodies are never logged, whatever the
//! level: no call site passes one.

use tracing_subscriber::EnvFilter;

/// What a Lambda logs when `RUST_LOG` is unset: one line per message and every problem.
pub const LAMBDA_DEFAULT: &str = "info";
/// What the CLI logs when `RUST_LOG` is unset: only problems, its output is the result.
pub const CLI_DEFAULT: &str = "warn";
/// What tests log when `RUST_LOG` is unset (shown for failing tests only).
pub const TEST_DEFAULT: &str = "info";

/// `RUST_LOG` if it is set and valid, else `default`. An invalid `RUST_LOG` is reported on
/// stderr instead of silently logging less than asked.
fn filter(default: &str) -> EnvFilter {
    let spec = std::env::var(EnvFilter::DEFAULT_ENV).ok();
    let (filter, problem) = choose_filter(spec.as_deref(), default);
    if let Some(problem) = problem {
        eprintln!("{problem}");
    }
    filter
}

/// The filter for a `RUST_LOG` value, and what is wrong with the value if it cannot be used.
fn choose_filter(spec: Option<&str>, default: &str) -> (EnvFilter, Option<String>) {
    match spec.map(str::trim).filter(|s| !s.is_empty()) {
        None => (EnvFilter::new(default), None),
        Some(spec) => match EnvFilter::try_new(spec) {
            Ok(filter) => (filter, None),
            Err(e) => (
                EnvFilter::new(default),
                Some(format!(
                    "RUST_LOG={spec:?} is not a valid log filter ({e}); logging at {default:?} instead"
                )),
            ),
        },
    }
}

/// JSON logs for a Lambda function. Call once, first thing in `main`; a second call (or a
/// subscriber already installed) is ignored.
pub fn init_lambda() {
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter(LAMBDA_DEFAULT))
        .with_current_span(true)
        .without_time()
        .try_init();
}

/// Text logs on stderr for the operator CLI.
pub fn init_cli() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter(CLI_DEFAULT))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// Text logs for tests, captured per test by libtest. Safe to call from every test: only the
/// first call installs the subscriber.
pub fn init_test() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter(TEST_DEFAULT))
        .with_test_writer()
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_log_wins_when_valid_and_the_default_applies_otherwise() {
        let (f, problem) = choose_filter(Some("slamail_intake=debug,warn"), LAMBDA_DEFAULT);
        assert_eq!(f.to_string(), "slamail_intake=debug,warn");
        assert!(problem.is_none());

        for unset in [None, Some(""), Some("  ")] {
            let (f, problem) = choose_filter(unset, CLI_DEFAULT);
            assert_eq!(f.to_string(), "warn");
            assert!(problem.is_none());
        }

        let (f, problem) = choose_filter(Some("slamail=notalevel"), LAMBDA_DEFAULT);
        assert_eq!(f.to_string(), "info");
        let problem = problem.expect("an invalid filter is reported");
        assert!(problem.contains("slamail=notalevel"), "{problem}");
    }

    #[test]
    fn every_setup_can_be_called_twice() {
        init_test();
        init_test();
        init_cli();
        init_lambda();
        tracing::info!("still logging");
    }
}
