//! The local console server: the console's pages, and the real contacts and agents API
//! handlers called in-process, on 127.0.0.1 only.
//!
//! Sign-in is the **development sign-in** ([`dev_sign_in`]); `/api/<path>` calls the API
//! handlers as API Gateway would ([`api`]); every answer carries the deployed console's
//! headers ([`response`]).
//!
//! Routes: `/`, the static files ([`super::site`]), `/config.json`, `/policies.json`,
//! `POST /dev/sign-in`, `POST /dev/sign-out`, and `/api/<path>`.

mod api;
mod dev_sign_in;
mod response;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use hyper::body::Incoming;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use slamail_agents::Desk;
use slamail_agents::api::{DEFAULT_AGENTS_GROUP, DEFAULT_QUEUE_PAGE};
use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_contacts::Settings;
use slamail_core::policy::PolicySet;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::site;
use dev_sign_in::Sessions;
use response::{Resp, error, json_response, respond};

/// What the local server needs: the directory and policies the contacts handler uses, the
/// cases table its attainment reports read, and the agents' desk when it serves the agents API
/// too.
pub struct ConsoleContext {
    pub directory: Directory,
    pub policies: PolicySet,
    pub settings: Settings,
    /// The cases table of `GET /orgs/{org}/report` (as the contacts function's `CASES_TABLE`);
    /// without it the route answers 503 as the function does.
    pub reports: Option<CaseStore>,
    pub agents: Option<AgentsApi>,
    sessions: Sessions,
}

/// The agents API of the local console: the desk, the identity-provider group its callers
/// must be in (as the function's `AGENTS_GROUP`), and the clock it acts at.
pub struct AgentsApi {
    pub desk: Desk,
    pub group: String,
    /// The instant each call is handled at: the system clock, or a fixed one in tests.
    pub now: Box<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    /// Cases per queue page the pages ask for (`config.json`'s `queue_page`).
    pub queue_page: usize,
}

impl AgentsApi {
    /// The agents API on the system clock.
    pub fn new(desk: Desk, group: impl Into<String>) -> Self {
        Self {
            desk,
            group: group.into(),
            now: Box::new(Utc::now),
            queue_page: DEFAULT_QUEUE_PAGE,
        }
    }
}

impl ConsoleContext {
    pub fn new(directory: Directory, policies: PolicySet, settings: Settings) -> Self {
        Self {
            directory,
            policies,
            settings,
            reports: None,
            agents: None,
            sessions: Sessions::default(),
        }
    }

    /// Serves the organisations' attainment reports from this cases table.
    pub fn with_reports(mut self, cases: CaseStore) -> Self {
        self.reports = Some(cases);
        self
    }

    /// Serves the agents API (`/api/cases…`, `/api/queues…`) as well.
    pub fn with_agents(mut self, agents: AgentsApi) -> Self {
        self.agents = Some(agents);
        self
    }

    /// The group whose members the pages offer the agents' pages to.
    fn queue_page(&self) -> usize {
        self.agents
            .as_ref()
            .map_or(DEFAULT_QUEUE_PAGE, |a| a.queue_page)
    }

    fn agents_group(&self) -> &str {
        self.agents
            .as_ref()
            .map_or(DEFAULT_AGENTS_GROUP, |a| a.group.as_str())
    }
}

/// A running local console; stops when dropped or on [`LocalConsole::stop`].
pub struct LocalConsole {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl LocalConsole {
    /// The address to open in a browser.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for LocalConsole {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Serves the console on `listener` until the returned handle is stopped or dropped. Refuses
/// any address but loopback: the development sign-in lets anyone be anyone.
pub async fn start(
    listener: TcpListener,
    ctx: Arc<ConsoleContext>,
) -> Result<LocalConsole, String> {
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    if !addr.ip().is_loopback() {
        return Err(format!(
            "the local console serves a development sign-in and listens on loopback only, not {addr}"
        ));
    }
    let (tx, mut rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        loop {
            let stream = tokio::select! {
                _ = &mut rx => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        continue;
                    }
                },
            };
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let ctx = ctx.clone();
                    async move { Ok::<_, Infallible>(serve(&ctx, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(LocalConsole {
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// The routes; `/api/…` goes to [`api::call`].
async fn serve(ctx: &ConsoleContext, req: Request<Incoming>) -> Resp {
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    if let Some(rest) = path.strip_prefix("/api/") {
        let rest = format!("/{rest}");
        let query = req.uri().query().unwrap_or("").to_string();
        return api::call(ctx, req, &rest, &query).await;
    }
    match (&method, path.as_str()) {
        (&Method::GET, "/config.json") => json_response(
            StatusCode::OK,
            &site::development_config(ctx.agents_group(), ctx.queue_page()),
        ),
        (&Method::GET, "/policies.json") => {
            json_response(StatusCode::OK, &site::policies_json(&ctx.policies))
        }
        (&Method::POST, "/dev/sign-in") => ctx.sessions.sign_in(req).await,
        (&Method::POST, "/dev/sign-out") => ctx.sessions.sign_out(&req),
        (&Method::GET, p) => match site::asset(p) {
            Some(a) => respond(StatusCode::OK, a.content_type, a.body),
            None => error(StatusCode::NOT_FOUND, "not-found", "no such page"),
        },
        _ => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "this method is not allowed here",
        ),
    }
}
