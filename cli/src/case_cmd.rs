//! `slamail case …` and `slamail queue`: the agents' desk from a terminal, against whatever
//! endpoint the AWS configuration names. The acting agent is `--agent` (or `SLAMAIL_AGENT`),
//! who must be staff of the case's policy, exactly as over the HTTP API.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use slamail_agents::{Desk, DeskError, timeline};
use slamail_aws::cases::QueueCursor;
use slamail_cli::flags::{AgentsFlags, agents_config};
use slamail_core::ids::{CaseId, EmailAddress, PolicyId, QueueId};
use slamail_core::policy::PolicySet;
use slamail_intake::config::DEFAULT_MESSAGE_ID_DOMAIN;

use crate::CliError;

#[derive(Debug, Clone, Args)]
pub struct DeskArgs {
    /// The agent acting: staff of the case's policy.
    #[arg(long, env = "SLAMAIL_AGENT")]
    pub agent: String,
    /// The cases table.
    #[arg(long, env = "CASES_TABLE", default_value = "slamail-cases")]
    pub cases_table: String,
    /// Policy files (comma-separated ids or paths); default: the built-in policies.
    #[arg(long, env = "POLICY_FILES")]
    pub policies: Option<String>,
    /// The domain of our Message-IDs (the reply-from domain when deployed).
    #[arg(long, env = "MESSAGE_ID_DOMAIN", default_value = DEFAULT_MESSAGE_ID_DOMAIN)]
    pub message_id_domain: String,
    /// The SES configuration set mail is sent with.
    #[arg(long, env = "SES_CONFIGURATION_SET")]
    pub configuration_set: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CaseArgs {
    #[command(subcommand)]
    pub command: CaseCommand,
    #[command(flatten)]
    pub desk: DeskArgs,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// The case, what is due from us, and its timeline (messages and clock entries).
    Show { case: String },
    /// The clock from its ledger: business intervals counted, closed days skipped, pauses,
    /// and how each due instant follows.
    Explain { case: String },
    /// Mail a public answer to the requester (threaded, from the support address): the
    /// response the clock waits for.
    Reply {
        case: String,
        #[arg(long)]
        text: String,
    },
    /// An internal note: recorded, never mailed, no effect on the clock.
    Note {
        case: String,
        #[arg(long)]
        text: String,
    },
    /// Reclassify the priority (with a reason); the requester is told the new target and why.
    Priority {
        case: String,
        severity: String,
        #[arg(long)]
        reason: String,
    },
    /// Waiting on the customer: the running target pauses until their next verified message.
    Wait {
        case: String,
        #[arg(long)]
        reason: String,
    },
    Close {
        case: String,
        #[arg(long)]
        reason: String,
    },
    /// Reopen a closed case: a new first-response cycle.
    Reopen {
        case: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct QueueArgs {
    /// The policy whose queue it is.
    pub policy: String,
    pub queue: String,
    /// Only cases due by this instant (RFC 3339).
    #[arg(long)]
    pub until: Option<String>,
    /// Cases per page (1–1000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub limit: u16,
    /// Go on after this position: the `more:` line of the previous page.
    #[arg(long)]
    pub after: Option<String>,
    #[command(flatten)]
    pub desk: DeskArgs,
}

async fn desk(a: &DeskArgs) -> Result<(Desk, EmailAddress), CliError> {
    let agent =
        EmailAddress::parse(&a.agent).map_err(|e| CliError::Input(format!("--agent: {e}")))?;
    let config = agents_config(AgentsFlags {
        cases_table: &a.cases_table,
        message_id_domain: &a.message_id_domain,
        agents_group: None,
        policies: a.policies.as_deref(),
        configuration_set: a.configuration_set.as_deref(),
    })
    .map_err(|e| CliError::Input(e.to_string()))?;
    let policies = PolicySet::from_list(config.policy_files.as_deref())
        .map_err(|e| CliError::Input(e.to_string()))?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Ok((Desk::from_aws(&aws, &config, policies), agent))
}

fn err(e: DeskError) -> CliError {
    match e {
        DeskError::Store(_) | DeskError::Send(_) | DeskError::Busy(_) => {
            CliError::Runtime(e.to_string())
        }
        _ => CliError::Input(e.to_string()),
    }
}

fn case_id(raw: &str) -> Result<CaseId, CliError> {
    CaseId::parse(raw).map_err(|e| CliError::Input(e.to_string()))
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(v).map_err(|e| CliError::Runtime(e.to_string()))
}

pub async fn run_case(a: CaseArgs) -> Result<String, CliError> {
    let (desk, agent) = desk(&a.desk).await?;
    let now = Utc::now();
    let done = match &a.command {
        CaseCommand::Show { case } => {
            let id = case_id(case)?;
            let shown = desk.show(&agent, &id).await.map_err(err)?;
            if a.desk.json {
                return json(&shown);
            }
            let policy = PolicyId::parse(&shown.case.policy)
                .ok()
                .and_then(|p| desk.policies.get(&p))
                .ok_or_else(|| {
                    CliError::Input(format!("policy {} is not loaded", shown.case.policy))
                })?;
            return Ok(timeline::render(policy, &shown, now));
        }
        CaseCommand::Explain { case } => {
            return desk
                .explain(&agent, &case_id(case)?, now)
                .await
                .map_err(err);
        }
        CaseCommand::Reply { case, text } => desk.reply(&agent, &case_id(case)?, text, now).await,
        CaseCommand::Note { case, text } => desk.note(&agent, &case_id(case)?, text, now).await,
        CaseCommand::Priority {
            case,
            severity,
            reason,
        } => {
            desk.priority(&agent, &case_id(case)?, severity, reason, now)
                .await
        }
        CaseCommand::Wait { case, reason } => desk.wait(&agent, &case_id(case)?, reason, now).await,
        CaseCommand::Close { case, reason } => {
            desk.close(&agent, &case_id(case)?, reason, now).await
        }
        CaseCommand::Reopen { case, reason } => {
            desk.reopen(&agent, &case_id(case)?, reason, now).await
        }
    }
    .map_err(err)?;
    if a.desk.json {
        return json(&done);
    }
    let mut out = timeline::summary(&done.case);
    for e in &done.entries {
        out.push_str(&format!("  clock #{}: {}\n", e.seq, e.event.name()));
    }
    if let Some(n) = &done.notice {
        out.push_str(&format!("  notice: {n}\n"));
    }
    Ok(out.trim_end().to_string())
}

pub async fn run_queue(a: QueueArgs) -> Result<String, CliError> {
    let (desk, agent) = desk(&a.desk).await?;
    let policy = PolicyId::parse(&a.policy).map_err(|e| CliError::Input(e.to_string()))?;
    let queue = QueueId::parse(&a.queue).map_err(|e| CliError::Input(e.to_string()))?;
    let until = a
        .until
        .as_deref()
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| CliError::Input("--until must be an RFC 3339 instant".into()))
        })
        .transpose()?;
    let after = a
        .after
        .as_deref()
        .map(QueueCursor::parse)
        .transpose()
        .map_err(|e| CliError::Input(format!("--after: {e}")))?;
    let page = desk
        .queue(
            &agent,
            &policy,
            &queue,
            until,
            usize::from(a.limit),
            after.as_ref(),
        )
        .await
        .map_err(err)?;
    let next = page.next.map(|c| c.to_string());
    if a.desk.json {
        return json(&serde_json::json!({ "cases": page.cases, "next": next }));
    }
    if page.cases.is_empty() {
        return Ok(format!("nothing is due in {policy}/{queue}"));
    }
    let mut lines: Vec<String> = page
        .cases
        .iter()
        .map(|c| {
            format!(
                "{}  due {}  {}  {} / {}  {}",
                c.case_id,
                c.due.as_deref().unwrap_or("-"),
                c.due_metric.map_or("", |m| m.as_str()),
                c.tier,
                c.severity,
                c.requester.as_deref().unwrap_or("(no requester)")
            )
        })
        .collect();
    if let Some(next) = next {
        lines.push(format!("more cases: run again with --after {next}"));
    }
    Ok(lines.join("\n"))
}
