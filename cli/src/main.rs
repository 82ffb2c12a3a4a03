//! `slamail`: the operator CLI. Thin: parses arguments, calls the same core and adapters the
//! Lambda functions use, prints text or `--json` for scripts.

mod policy_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: a flag, a file, a policy. Exit code 2.
    #[error("{0}")]
    Input(String),
    /// Something outside failed (AWS, the file system). Exit code 1.
    #[error("{0}")]
    Runtime(String),
}

#[derive(Debug, Parser)]
#[command(
    name = "slamail",
    version,
    about = "slamail: support-email intake with SLA deadlines"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check, show or list support policies.
    #[command(subcommand)]
    Policy(policy_cmd::PolicyCommand),
    /// Compute the deadline a policy promises for a tier, severity and received time.
    Deadline(policy_cmd::DeadlineArgs),
    /// The closed dates (holidays and closures) of a policy's calendar in a year.
    Holidays(policy_cmd::HolidaysArgs),
    /// The security-fix dates for a CVSS score from its date of public disclosure.
    Security(policy_cmd::SecurityArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Policy(cmd) => policy_cmd::run_policy(cmd),
        Command::Deadline(args) => policy_cmd::run_deadline(args),
        Command::Holidays(args) => policy_cmd::run_holidays(args),
        Command::Security(args) => policy_cmd::run_security(args),
    };
    match result {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(CliError::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(CliError::Runtime(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}
