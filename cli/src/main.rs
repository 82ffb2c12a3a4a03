//! `slamail`: the operator CLI. Thin: parses arguments, calls the same core and adapters the
//! Lambda functions use, prints text or `--json` for scripts.

mod case_cmd;
mod intake_cmd;
mod policy_cmd;
mod watch_cmd;

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

impl From<slamail_cli::console::ConsoleCliError> for CliError {
    fn from(e: slamail_cli::console::ConsoleCliError) -> Self {
        match e {
            slamail_cli::console::ConsoleCliError::Input(m) => Self::Input(m),
            slamail_cli::console::ConsoleCliError::Runtime(m) => Self::Runtime(m),
        }
    }
}

impl From<slamail_cli::directory::DirectoryCliError> for CliError {
    fn from(e: slamail_cli::directory::DirectoryCliError) -> Self {
        match e {
            slamail_cli::directory::DirectoryCliError::Input(m) => Self::Input(m),
            slamail_cli::directory::DirectoryCliError::Runtime(m) => Self::Runtime(m),
        }
    }
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
    /// Process local .eml files (or re-process a stored message) through the real intake
    /// handler, against the configured AWS endpoint.
    Process(intake_cmd::ProcessArgs),
    /// Organisations: create, update, show, list (operators).
    Org(slamail_cli::directory::OrgArgs),
    /// Members of an organisation: add, remove, list.
    Member(slamail_cli::directory::MemberArgs),
    /// Designated contacts: designate, remove, list.
    Contact(slamail_cli::directory::ContactArgs),
    /// The whole directory: import organisations, members and designations from a file.
    Directory(slamail_cli::directory::DirectoryArgs),
    /// The local demo: sample mail in, cases and auto-replies out (needs AWS_ENDPOINT_URL;
    /// scripts/demo.sh starts the emulator and runs this).
    Demo(intake_cmd::DemoArgs),
    /// A case, as an agent: show, explain, reply, note, priority, wait, close, reopen.
    Case(case_cmd::CaseArgs),
    /// A queue's open cases by the next instant due from us.
    Queue(case_cmd::QueueArgs),
    /// A pass of the SLA watch at an instant: the warnings it would send (or, with --send, sends).
    Watch(watch_cmd::WatchArgs),
    /// A month's SLA attainment report per organisation and severity, from the clock ledgers.
    Report(watch_cmd::ReportArgs),
    /// The web console: serve it locally against the emulator (development sign-in), or
    /// build the deployable site.
    Console(slamail_cli::console::ConsoleArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    slamail_aws::telemetry::init_cli();
    let result = match cli.command {
        Command::Policy(cmd) => policy_cmd::run_policy(cmd),
        Command::Deadline(args) => policy_cmd::run_deadline(args),
        Command::Holidays(args) => policy_cmd::run_holidays(args),
        Command::Security(args) => policy_cmd::run_security(args),
        Command::Process(args) => intake_cmd::run_process(args).await,
        Command::Demo(args) => intake_cmd::run_demo(args).await,
        Command::Case(args) => case_cmd::run_case(args).await,
        Command::Queue(args) => case_cmd::run_queue(args).await,
        Command::Watch(args) => watch_cmd::run_watch(args).await,
        Command::Report(args) => watch_cmd::run_report(args).await,
        Command::Org(args) => slamail_cli::directory::run_org(args)
            .await
            .map_err(CliError::from),
        Command::Member(args) => slamail_cli::directory::run_member(args)
            .await
            .map_err(CliError::from),
        Command::Contact(args) => slamail_cli::directory::run_contact(args)
            .await
            .map_err(CliError::from),
        Command::Console(args) => slamail_cli::console::run_console(args)
            .await
            .map_err(CliError::from),
        Command::Directory(args) => slamail_cli::directory::run_directory(args)
            .await
            .map_err(CliError::from),
    };
    match result {
        Ok(out) => print_out(&out),
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

/// Writes the output; a reader that stops early (`slamail … | head`) closes the pipe, which is
/// not an error of ours: `println!` would panic there.
fn print_out(out: &str) -> ExitCode {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{out}").and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}
