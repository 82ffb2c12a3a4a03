//! `slamail watch` (a watch pass at a chosen instant: by default a dry run that prints the
//! warnings it would send) and `slamail report` (a month's attainment report).

use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use slamail_aws::cases::CaseStore;
use slamail_aws::notifier::Notifier;
use slamail_core::ids::OrgId;
use slamail_core::policy::PolicySet;
use slamail_core::report::{self, Month};
use slamail_watch::{Mode, NoSender, pass};

use crate::CliError;

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The instant of the pass (RFC 3339); default: now.
    #[arg(long)]
    pub at: Option<String>,
    /// Send the warnings and record them, as the deployed watch does (default: only print what
    /// would be sent, writing nothing).
    #[arg(long)]
    pub send: bool,
    #[arg(long, env = "CASES_TABLE", default_value = "slamail-cases")]
    pub cases_table: String,
    /// Policy files (comma-separated ids or paths); default: the built-in policies.
    #[arg(long, env = "POLICY_FILES")]
    pub policies: Option<String>,
    #[arg(long, env = "SES_CONFIGURATION_SET")]
    pub configuration_set: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The policy (a built-in id or a file).
    #[arg(long)]
    pub policy: String,
    /// Only this organisation.
    #[arg(long)]
    pub org: Option<String>,
    /// The month, YYYY-MM (the cases opened in it, in the policy's support zone).
    #[arg(long)]
    pub month: String,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Read the ledgers as of this instant (RFC 3339); default: now.
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long, env = "CASES_TABLE", default_value = "slamail-cases")]
    pub cases_table: String,
}

fn instant(flag: &str, raw: Option<&str>) -> Result<DateTime<Utc>, CliError> {
    raw.map(|t| {
        DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| CliError::Input(format!("{flag} must be an RFC 3339 instant")))
    })
    .transpose()
    .map(|t| t.unwrap_or_else(Utc::now))
}

fn runtime(e: impl std::fmt::Display) -> CliError {
    CliError::Runtime(e.to_string())
}

pub async fn run_watch(a: WatchArgs) -> Result<String, CliError> {
    let at = instant("--at", a.at.as_deref())?;
    let policies =
        PolicySet::from_list(a.policies.as_deref()).map_err(|e| CliError::Input(e.to_string()))?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = CaseStore::new(aws_sdk_dynamodb::Client::new(&aws), &a.cases_table);
    let outcome = if a.send {
        let notifier = Notifier::new(
            aws_sdk_sesv2::Client::new(&aws),
            aws_sdk_sns::Client::new(&aws),
            a.configuration_set.clone(),
        );
        pass(&store, &policies, &notifier, at, Mode::Send).await
    } else {
        pass(&store, &policies, &NoSender, at, Mode::DryRun).await
    }
    .map_err(runtime)?;
    if a.json {
        return serde_json::to_string_pretty(&outcome).map_err(runtime);
    }
    let verb = if a.send { "sent" } else { "would send" };
    let mut out = format!(
        "Watch pass at {} ({}): {} warning(s) {verb}; {} due case(s) read with {} index request(s)\n",
        at.format("%Y-%m-%d %H:%M UTC"),
        if a.send {
            "sending"
        } else {
            "dry run, nothing sent or recorded"
        },
        outcome.sent.len(),
        outcome.index_items,
        outcome.index_requests,
    );
    for w in &outcome.sent {
        out.push_str(&format!("  {}\n", w.line()));
    }
    for w in &outcome.superseded {
        out.push_str(&format!(
            "  {}  {} superseded by a later point (not sent)\n",
            w.case_id, w.point
        ));
    }
    for w in &outcome.no_targets {
        out.push_str(&format!(
            "  {}  {}: no notification target configured for {}\n",
            w.case_id, w.point, w.audience
        ));
    }
    for (w, e) in &outcome.failed {
        out.push_str(&format!(
            "  {}  {}: NOT sent ({e}); retried next pass\n",
            w.case_id, w.point
        ));
    }
    for e in &outcome.errors {
        out.push_str(&format!("  error: {e}\n"));
    }
    Ok(out.trim_end().to_string())
}

pub async fn run_report(a: ReportArgs) -> Result<String, CliError> {
    let policy =
        slamail_core::policy::load_named(&a.policy).map_err(|e| CliError::Input(e.to_string()))?;
    let month: Month = a
        .month
        .parse()
        .map_err(|e: report::MonthError| CliError::Input(e.to_string()))?;
    let org = a
        .org
        .as_deref()
        .map(|o| OrgId::parse(o).map_err(|e| CliError::Input(format!("--org: {e}"))))
        .transpose()?;
    let as_of = instant("--as-of", a.as_of.as_deref())?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = CaseStore::new(aws_sdk_dynamodb::Client::new(&aws), &a.cases_table);
    let key = report::month_key(&policy.id, month.first_day());
    let cases = store
        .report_cases(&key, org.as_ref().map(OrgId::as_str))
        .await
        .map_err(runtime)?;
    let r = report::compute(
        &policy,
        month,
        org.as_ref().map(OrgId::as_str),
        &cases,
        as_of,
    );
    Ok(match a.format {
        Format::Table => report::render::table(&r).trim_end().to_string(),
        Format::Csv => report::render::csv(&r).trim_end().to_string(),
        Format::Json => serde_json::to_string_pretty(&r).map_err(runtime)?,
    })
}
