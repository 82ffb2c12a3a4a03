//! `slamail console`: the web console for organisation administrators and for agents.
//!
//! - `slamail console serve` runs it locally: the pages and the real contacts and agents API
//!   handlers against whatever AWS endpoint is configured (the emulator), with a development
//!   sign-in.
//! - `slamail console build` writes the deployable static site (OIDC sign-in only) for the
//!   private S3 bucket behind CloudFront that `infra/template.yaml` defines.
//!
//! The pages themselves are `console/` (plain HTML, CSS and one small script). See
//! `docs/console.md`.

pub mod server;
pub mod site;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};
use slamail_agents::Desk;
use slamail_agents::api::DEFAULT_AGENTS_GROUP;
use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_contacts::ContactsConfig;
use slamail_core::policy::PolicySet;
use slamail_intake::config::DEFAULT_MESSAGE_ID_DOMAIN;

use crate::flags::{AgentsFlags, agents_config};

pub use server::{AgentsApi, ConsoleContext, LocalConsole, start};
pub use site::{OidcConfig, content_security_policy};

/// Why a console command failed; exit codes as the other commands (2 input, 1 runtime).
#[derive(Debug, thiserror::Error)]
pub enum ConsoleCliError {
    #[error("{0}")]
    Input(String),
    #[error("{0}")]
    Runtime(String),
}

/// `slamail console …`
#[derive(Debug, Args)]
pub struct ConsoleArgs {
    #[command(subcommand)]
    pub command: ConsoleCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConsoleCommand {
    /// Serve the console, the contacts and the agents API locally (development sign-in, loopback only)
    /// against the configured AWS endpoint, e.g. the emulator of scripts/demo.sh.
    Serve(ServeArgs),
    /// Write the deployable console (static files, config.json, policies.json) to a folder,
    /// to be copied to the stack's console bucket.
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen; loopback addresses only. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8480")]
    pub listen: SocketAddr,
    /// The directory table.
    #[arg(long, env = "DIRECTORY_TABLE", default_value = "slamail-directory")]
    pub table: String,
    /// Policy files (comma-separated ids or paths); default: the built-in policies.
    #[arg(long, env = "POLICY_FILES")]
    pub policies: Option<String>,
    /// The identity-provider group of operators (as the contacts function's OPERATORS_GROUP).
    #[arg(long, env = "OPERATORS_GROUP")]
    pub operators_group: Option<String>,
    /// The cases table the agents' pages work on.
    #[arg(long, env = "CASES_TABLE", default_value = "slamail-cases")]
    pub cases_table: String,
    /// The group whose members use the agents API (as the agents function's AGENTS_GROUP).
    #[arg(long, env = "AGENTS_GROUP", default_value = DEFAULT_AGENTS_GROUP)]
    pub agents_group: String,
    /// The domain of our Message-IDs in agents' replies (the reply-from domain when deployed).
    #[arg(long, env = "MESSAGE_ID_DOMAIN", default_value = DEFAULT_MESSAGE_ID_DOMAIN)]
    pub message_id_domain: String,
    /// The SES configuration set agents' replies are sent with.
    #[arg(long, env = "SES_CONFIGURATION_SET")]
    pub configuration_set: Option<String>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The folder to write (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// The OIDC client id (an audience of the API's JWT authorizer).
    #[arg(long)]
    pub client_id: String,
    /// The identity provider's authorization endpoint.
    #[arg(long)]
    pub authorization_endpoint: String,
    /// The identity provider's token endpoint.
    #[arg(long)]
    pub token_endpoint: String,
    /// Scopes asked for; the ID token must carry `email` and `email_verified`.
    #[arg(long, default_value = "openid email")]
    pub scope: String,
    /// Policy files (comma-separated ids or paths); default: the built-in policies.
    #[arg(long, env = "POLICY_FILES")]
    pub policies: Option<String>,
    /// The group whose members the pages offer the agents' pages to (the stack's AgentsGroup).
    #[arg(long, default_value = DEFAULT_AGENTS_GROUP)]
    pub agents_group: String,
}

fn policies(list: Option<&str>) -> Result<PolicySet, ConsoleCliError> {
    PolicySet::from_list(list).map_err(|e| ConsoleCliError::Input(e.to_string()))
}

pub async fn run_console(args: ConsoleArgs) -> Result<String, ConsoleCliError> {
    match args.command {
        ConsoleCommand::Build(b) => {
            let config = OidcConfig {
                client_id: b.client_id,
                authorization_endpoint: b.authorization_endpoint,
                token_endpoint: b.token_endpoint,
                scope: b.scope,
                agents_group: b.agents_group,
            }
            .validated()
            .map_err(|e| ConsoleCliError::Input(e.to_string()))?;
            let written = site::write_site(&b.out, &config, &policies(b.policies.as_deref())?)
                .map_err(|e| ConsoleCliError::Runtime(e.to_string()))?;
            Ok(format!(
                "wrote {} files to {}; copy them to the console bucket (see docs/console.md)",
                written.len(),
                b.out.display()
            ))
        }
        ConsoleCommand::Serve(s) => serve(s).await,
    }
}

async fn serve(s: ServeArgs) -> Result<String, ConsoleCliError> {
    if !s.listen.ip().is_loopback() {
        return Err(ConsoleCliError::Input(format!(
            "--listen {}: the local console has a development sign-in and listens on loopback only",
            s.listen
        )));
    }
    // The flags stand in for the contacts function's variables, read by its own config type.
    let config = ContactsConfig::from_env(|name| match name {
        "DIRECTORY_TABLE" => Some(s.table.clone()),
        "POLICY_FILES" => s.policies.clone(),
        "OPERATORS_GROUP" => s.operators_group.clone(),
        _ => None,
    })
    .map_err(|e| ConsoleCliError::Input(e.to_string()))?;
    let policies = config
        .policies()
        .map_err(|e| ConsoleCliError::Input(e.to_string()))?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let directory = Directory::new(aws_sdk_dynamodb::Client::new(&sdk), config.directory_table);
    let settings = config.settings;
    // The agents' pages run the agents function's desk, configured from the flags as above.
    let agents = agents_config(AgentsFlags {
        cases_table: &s.cases_table,
        message_id_domain: &s.message_id_domain,
        agents_group: Some(&s.agents_group),
        policies: s.policies.as_deref(),
        configuration_set: s.configuration_set.as_deref(),
    })
    .map_err(|e| ConsoleCliError::Input(e.to_string()))?;
    let desk = Desk::from_aws(&sdk, &agents, policies.clone());
    let listener = tokio::net::TcpListener::bind(s.listen)
        .await
        .map_err(|e| ConsoleCliError::Runtime(format!("cannot listen on {}: {e}", s.listen)))?;
    let ctx = Arc::new(
        ConsoleContext::new(directory, policies, settings)
            .with_reports(CaseStore::new(
                aws_sdk_dynamodb::Client::new(&sdk),
                &agents.cases_table,
            ))
            .with_agents(AgentsApi::new(desk, agents.agents_group.clone())),
    );
    let console = start(listener, ctx).await.map_err(ConsoleCliError::Input)?;
    println!(
        "slamail console: {} (DEVELOPMENT SIGN-IN — not for production; Ctrl-C to stop)",
        console.url()
    );
    println!(
        "  agents' queue: {}#/agents (sign in with the group {})",
        console.url(),
        s.agents_group
    );
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| ConsoleCliError::Runtime(format!("cannot wait for Ctrl-C: {e}")))?;
    console.stop().await;
    Ok("console stopped".to_string())
}
