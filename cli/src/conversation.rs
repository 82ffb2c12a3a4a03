//! Sample conversations (`samplemail/conversation/`): a script of mails and agents' actions,
//! run through the real intake and the agents' desk. The demo prints what happened; the
//! integration tests check every step against the script's expectations.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::json;
use slamail_agents::Desk;
use slamail_core::case::ReplyOutcome;
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::message::InboundEmail;
use slamail_core::policy::Policy;
use slamail_intake::{Intake, Outcome};

/// The script file of a sample conversation folder.
pub const SCRIPT: &str = "script.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub policy: String,
    pub agent: String,
    pub step: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub name: String,
    pub mail: Option<String>,
    pub action: Option<String>,
    pub reason: Option<String>,
    pub severity: Option<String>,
    pub text: Option<String>,
    pub at: DateTime<Utc>,
    pub expect: String,
    pub status: String,
    pub due: String,
}

/// What a step did, next to what the script expects.
#[derive(Debug, Clone)]
pub struct StepResult {
    pub name: String,
    pub expect: String,
    pub got: String,
    /// The case the step's outcome is about (a new case for `new-case`).
    pub case_id: Option<CaseId>,
    pub want_status: String,
    pub status: String,
    pub want_due: String,
    pub due: String,
}

impl StepResult {
    pub fn mismatches(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (what, want, got) in [
            ("outcome", &self.expect, &self.got),
            ("status", &self.want_status, &self.status),
            ("due", &self.want_due, &self.due),
        ] {
            if want != got {
                out.push(format!(
                    "{}: {what} is {got:?}, expected {want:?}",
                    self.name
                ));
            }
        }
        out
    }
}

pub fn read_script(dir: &Path) -> Result<Script, String> {
    let path = dir.join(SCRIPT);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// What the mails' placeholders stand for, learned as the conversation goes.
#[derive(Debug, Default, Clone)]
struct Vars {
    case: Option<CaseId>,
    auto_reply_id: Option<String>,
    auto_reply_ses_id: Option<String>,
}

fn render(dir: &Path, file: &str, vars: &Vars) -> Result<Vec<u8>, String> {
    let path: PathBuf = dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let fill = |v: &Option<String>, name: &str| {
        v.clone()
            .ok_or_else(|| format!("{file} uses {{{{{name}}}}} before the conversation has one"))
    };
    let mut out = text.clone();
    for (name, value) in [
        ("case", vars.case.as_ref().map(|c| c.to_string())),
        ("auto_reply_id", vars.auto_reply_id.clone()),
        ("auto_reply_ses_id", vars.auto_reply_ses_id.clone()),
    ] {
        let placeholder = format!("{{{{{name}}}}}");
        if out.contains(&placeholder) {
            out = out.replace(&placeholder, &fill(&value, name)?);
        }
    }
    Ok(out.replace("\r\n", "\n").replace('\n', "\r\n").into_bytes())
}

/// An SES receipt event for a stored mail: the policy's support addresses it names as
/// recipients, the verdicts passing.
fn ses_event(ses_id: &str, at: DateTime<Utc>, recipients: &[String]) -> serde_json::Value {
    let pass = json!({"status": "PASS"});
    let t = at.to_rfc3339_opts(SecondsFormat::Millis, true);
    json!({"Records": [{
        "eventSource": "aws:ses",
        "eventVersion": "1.0",
        "ses": {
            "mail": {"messageId": ses_id, "timestamp": t, "destination": recipients},
            "receipt": {
                "timestamp": t,
                "recipients": recipients,
                "spamVerdict": pass, "virusVerdict": pass, "spfVerdict": pass,
                "dkimVerdict": pass, "dmarcVerdict": pass
            }
        }
    }]})
}

fn due_words(case: &slamail_core::case::CaseRecord) -> String {
    case.due.clone().unwrap_or_else(|| "none".to_string())
}

/// Runs a conversation: every mail through `intake` (stored in its raw-mail bucket as SES would,
/// with SES ids `<id_prefix>-<n>`), every action through `desk`.
pub async fn run(
    intake: &Intake,
    desk: &Desk,
    policy: &Policy,
    dir: &Path,
    script: &Script,
    id_prefix: &str,
) -> Result<Vec<StepResult>, String> {
    let (bucket, prefix) = (&intake.config.raw_bucket, &intake.config.raw_prefix);
    let agent = EmailAddress::parse(&script.agent).map_err(|e| e.to_string())?;
    let mut vars = Vars::default();
    let mut results = Vec::new();
    for (n, step) in script.step.iter().enumerate() {
        let mut subject_case = vars.case.clone();
        let got = match (&step.mail, &step.action) {
            (Some(file), None) => {
                let bytes = render(dir, file, &vars)?;
                let email = InboundEmail::parse(&bytes);
                let mut recipients: Vec<String> = email
                    .recipients
                    .iter()
                    .filter(|a| policy.addresses.contains(a))
                    .map(|a| a.to_string())
                    .collect();
                if recipients.is_empty() {
                    recipients.push(policy.addresses[0].to_string());
                }
                let ses_id = format!("{id_prefix}-{n:02}");
                intake
                    .raw
                    .put(bucket, &format!("{prefix}{ses_id}"), bytes)
                    .await
                    .map_err(|e| e.to_string())?;
                let processed = intake
                    .handle_event(&ses_event(&ses_id, step.at, &recipients))
                    .await
                    .map_err(|e| format!("{}: {e}", step.name))?;
                let p = processed
                    .into_iter()
                    .next()
                    .ok_or_else(|| format!("{}: nothing processed", step.name))?;
                match p.outcome {
                    Outcome::Created { case } => {
                        let outcome = if case.refers_to.is_some() {
                            "new-case"
                        } else {
                            "created"
                        };
                        if vars.case.is_none() {
                            vars.case = Some(case.case_id.clone());
                            if let ReplyOutcome::Sent { message_ids, .. } = &case.reply {
                                vars.auto_reply_id = message_ids.first().cloned();
                                vars.auto_reply_ses_id = message_ids.get(1).cloned();
                            }
                        }
                        subject_case = Some(case.case_id.clone());
                        outcome.to_string()
                    }
                    Outcome::Threaded { kind, reopened, .. } => {
                        if reopened {
                            "reopened".to_string()
                        } else {
                            kind.as_str().to_string()
                        }
                    }
                    Outcome::Duplicate { .. } => "duplicate".to_string(),
                    Outcome::Appended { .. } => "bounce".to_string(),
                    Outcome::Unroutable { .. } => "unroutable".to_string(),
                }
            }
            (None, Some(action)) => {
                let case = vars
                    .case
                    .clone()
                    .ok_or_else(|| format!("{}: an action before any case", step.name))?;
                let reason = step.reason.clone().unwrap_or_default();
                let text = step.text.clone().unwrap_or_default();
                let r = match action.as_str() {
                    "wait" => desk.wait(&agent, &case, &reason, step.at).await,
                    "close" => desk.close(&agent, &case, &reason, step.at).await,
                    "reopen" => desk.reopen(&agent, &case, &reason, step.at).await,
                    "note" => desk.note(&agent, &case, &text, step.at).await,
                    "reply" => desk.reply(&agent, &case, &text, step.at).await,
                    "priority" => {
                        let sev = step.severity.clone().unwrap_or_default();
                        desk.priority(&agent, &case, &sev, &reason, step.at).await
                    }
                    other => return Err(format!("{}: unknown action {other:?}", step.name)),
                };
                match r {
                    Ok(_) => "done".to_string(),
                    Err(e) => format!("refused: {e}"),
                }
            }
            _ => return Err(format!("{}: a step is a mail or an action", step.name)),
        };
        let (status, due) = match &subject_case {
            Some(id) => match intake.cases.get_case(id).await.map_err(|e| e.to_string())? {
                Some(c) => (c.status.clone(), due_words(&c)),
                None => ("missing".to_string(), "none".to_string()),
            },
            None => ("no case".to_string(), "none".to_string()),
        };
        results.push(StepResult {
            name: step.name.clone(),
            expect: step.expect.clone(),
            got,
            case_id: subject_case,
            want_status: step.status.clone(),
            status,
            want_due: step.due.clone(),
            due,
        });
    }
    Ok(results)
}
