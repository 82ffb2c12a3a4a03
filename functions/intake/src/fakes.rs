//! In-memory implementations of the intake's ports, with the same conditions as the AWS adapters
//! (claims and leases, attempt fencing, all-or-nothing case writes, reply caps, held addresses),
//! so scenario tests run in milliseconds without the emulator. Each records the calls made to it
//! and can be told to fail the next call of an operation.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, SecondsFormat, Utc};
use slamail_core::bounded::MessageIdKey;
use slamail_core::case::{CaseRecord, MessageItem, RawLocation, ReplyOutcome};
use slamail_core::clock::LedgerEntry;
use slamail_core::directory::{Organisation, domain_membership};
use slamail_core::ids::{CaseId, CasePrefix, EmailAddress};
use slamail_core::intake::case_numbers::{CASE_NUMBER_SHARDS, case_number};
use slamail_core::intake::ports::{
    Append, Appended, Attachment, Cases, Claim, Clock, Conversation, Fence, Hold, InboundLedger,
    InboundState, Memberships, NewCase, Opened, Owned, PortError, RawMail, ReplySender, ReplyState,
    Scope, SendError, SentReply,
};
use slamail_core::policy::PolicySet;
use slamail_core::triage::Membership;
use slamail_core::triage::loops::BouncedReply;
use slamail_core::triage::loops::rate::admit;

use crate::{Intake, IntakeConfig};

mod delivery;
mod feedback;
mod queue;
mod scenario;

pub use delivery::{SesEvent, instant, test_config};
pub use queue::FakeReplyQueue;
pub use scenario::{Scenario, Scenarios};

/// The intake over fakes.
pub type FakeIntake =
    Intake<FakeCases, FakeDirectory, FakeRawMail, FakeMailer, FakeClock, FakeReplyQueue>;

impl FakeIntake {
    pub fn fake(config: IntakeConfig, policies: PolicySet, now: DateTime<Utc>) -> Self {
        Self {
            config,
            policies,
            cases: FakeCases::default(),
            directory: FakeDirectory::default(),
            raw: FakeRawMail::default(),
            mailer: FakeMailer::default(),
            clock: FakeClock::new(now),
            reply_queue: None,
        }
    }

    /// The same, with a reply queue for throttled replies (as deployed).
    pub fn fake_with_queue(config: IntakeConfig, policies: PolicySet, now: DateTime<Utc>) -> Self {
        Self::fake(config, policies, now).with_queue()
    }
}

/// Calls made and failures armed, shared by every fake.
#[derive(Debug, Default)]
struct Calls {
    made: Mutex<Vec<&'static str>>,
    failing: Mutex<Vec<&'static str>>,
}

impl Calls {
    /// Records a call; `Err` when a failure was armed for it (used up).
    fn call(&self, port: &'static str, op: &'static str) -> Result<(), PortError> {
        lock(&self.made).push(op);
        let mut failing = lock(&self.failing);
        match failing.iter().position(|f| *f == op) {
            Some(i) => {
                failing.remove(i);
                Err(PortError::new(port, format!("{op} failed (injected)")))
            }
            None => Ok(()),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A test that panicked while holding the lock already failed; its data is still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Debug, Clone)]
pub struct FakeInbound {
    /// Creation order among all inbound items.
    pub order: usize,
    pub state: InboundState,
    pub lease_until: i64,
    pub attempts: u32,
    pub case_id: Option<CaseId>,
    pub reply_state: ReplyState,
    pub note: Option<String>,
}

#[derive(Debug, Default)]
struct Tables {
    /// By (SES message id, scope): one claim per policy a message falls under.
    inbound: HashMap<(String, Scope), FakeInbound>,
    cases: HashMap<CaseId, CaseRecord>,
    messages: HashMap<CaseId, Vec<MessageItem>>,
    /// By the digest of the Message-ID, as the table keys them.
    message_ids: HashMap<MessageIdKey, CaseId>,
    /// The sender recorded with an inbound Message-ID (duplicates are told by it).
    message_id_from: HashMap<MessageIdKey, String>,
    ledgers: HashMap<CaseId, Vec<LedgerEntry>>,
    counters: HashMap<String, u64>,
    /// Rate counter key → its `tat` (epoch milliseconds).
    rates: HashMap<String, i64>,
    /// Address → (case, at, until epoch seconds).
    undeliverable: HashMap<EmailAddress, (CaseId, String, i64)>,
    /// Address → (case, at) of a complaint (never expires).
    complained: HashMap<EmailAddress, (CaseId, String)>,
    /// Feedback ids recorded.
    feedback: std::collections::HashSet<String>,
}

impl Tables {
    fn fenced(&mut self, fence: &Fence) -> Result<&mut FakeInbound, PortError> {
        self.inbound
            .get_mut(&(fence.ses_message_id.clone(), fence.scope.clone()))
            .filter(|i| i.attempts == fence.attempt)
            .ok_or_else(|| PortError::new("cases", "this invocation's claim was taken over"))
    }
}

/// The inbound ledger and the cases, in memory.
#[derive(Debug, Default)]
pub struct FakeCases {
    tables: Mutex<Tables>,
    calls: Calls,
}

impl FakeCases {
    /// The port calls made so far, by operation name (`claim`, `open`, …).
    pub fn calls(&self) -> Vec<&'static str> {
        lock(&self.calls.made).clone()
    }

    pub fn clear_calls(&self) {
        lock(&self.calls.made).clear();
    }

    /// The next call of `op` fails.
    pub fn fail_next(&self, op: &'static str) {
        lock(&self.calls.failing).push(op);
    }

    /// The inbound item of a message under its first scope (its only one for mail to one policy).
    pub fn inbound(&self, ses_message_id: &str) -> Option<FakeInbound> {
        let t = lock(&self.tables);
        let mut items: Vec<_> = t
            .inbound
            .iter()
            .filter(|((id, _), _)| id == ses_message_id)
            .map(|(_, item)| item.clone())
            .collect();
        items.sort_by_key(|i| i.order);
        items.into_iter().next()
    }

    pub fn inbound_for(&self, ses_message_id: &str, scope: &Scope) -> Option<FakeInbound> {
        lock(&self.tables)
            .inbound
            .get(&(ses_message_id.to_string(), scope.clone()))
            .cloned()
    }

    /// Every case stored.
    pub fn cases(&self) -> Vec<CaseRecord> {
        lock(&self.tables).cases.values().cloned().collect()
    }

    pub fn stored_case(&self, id: &CaseId) -> Option<CaseRecord> {
        lock(&self.tables).cases.get(id).cloned()
    }

    pub fn messages(&self, id: &CaseId) -> Vec<MessageItem> {
        lock(&self.tables)
            .messages
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    pub fn ledger(&self, id: &CaseId) -> Vec<LedgerEntry> {
        lock(&self.tables)
            .ledgers
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    /// Stores a case as if an earlier invocation had opened it (e.g. to occupy a case id).
    pub fn insert_case(&self, case: CaseRecord) {
        lock(&self.tables).cases.insert(case.case_id.clone(), case);
    }

    pub fn case_count(&self) -> usize {
        lock(&self.tables).cases.len()
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl InboundLedger for FakeCases {
    async fn claim(
        &self,
        ses_message_id: &str,
        scope: &Scope,
        _raw: &RawLocation,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Claim, PortError> {
        self.calls.call("cases", "claim")?;
        let mut t = lock(&self.tables);
        let order = t.inbound.len();
        let item = t
            .inbound
            .entry((ses_message_id.to_string(), scope.clone()))
            .or_insert(FakeInbound {
                order,
                state: InboundState::Processing,
                lease_until: 0,
                attempts: 0,
                case_id: None,
                reply_state: ReplyState::None,
                note: None,
            });
        match item.state {
            InboundState::Done | InboundState::Unroutable => {
                return Ok(Claim::Done {
                    case_id: item.case_id.clone(),
                });
            }
            InboundState::Processing if item.lease_until >= now.timestamp() => {
                return Ok(Claim::Busy);
            }
            InboundState::Processing => {}
        }
        item.attempts += 1;
        item.lease_until = lease_until.timestamp();
        Ok(Claim::Owned(Owned {
            fence: Fence {
                ses_message_id: ses_message_id.to_string(),
                scope: scope.clone(),
                attempt: item.attempts,
            },
            case_id: item.case_id.clone(),
            reply_state: item.reply_state,
        }))
    }

    async fn release(
        &self,
        fence: &Fence,
        reply_not_sent: bool,
        _now: DateTime<Utc>,
    ) -> Result<(), PortError> {
        self.calls.call("cases", "release")?;
        let mut t = lock(&self.tables);
        let item = t.fenced(fence)?;
        if item.state != InboundState::Processing {
            // Finished by a write whose answer was lost: nothing to release.
            return Ok(());
        }
        item.lease_until = 0;
        if reply_not_sent {
            item.reply_state = ReplyState::None;
        }
        Ok(())
    }

    async fn finish(
        &self,
        fence: &Fence,
        state: InboundState,
        note: Option<&str>,
        _now: DateTime<Utc>,
    ) -> Result<(), PortError> {
        self.calls.call("cases", "finish")?;
        let mut t = lock(&self.tables);
        let item = t.fenced(fence)?;
        item.state = state;
        item.lease_until = 0;
        if let Some(n) = note {
            item.note = Some(n.to_string());
        }
        Ok(())
    }
}

impl Cases for FakeCases {
    async fn next_case_id(&self, prefix: &CasePrefix, year: i32) -> Result<CaseId, PortError> {
        self.calls.call("cases", "next_case_id")?;
        let mut t = lock(&self.tables);
        // The shards are drawn in turn, so tests see every shard's numbers.
        let drawn: u64 = t.counters.values().sum();
        let shard = drawn % CASE_NUMBER_SHARDS;
        let n = t
            .counters
            .entry(format!("{prefix}#{year}#{shard}"))
            .or_insert(0);
        *n += 1;
        Ok(CaseId::new(prefix, year, case_number(shard, *n)))
    }

    async fn open(&self, new: &NewCase<'_>) -> Result<Opened, PortError> {
        self.calls.call("cases", "open")?;
        let mut t = lock(&self.tables);
        let item = t.fenced(new.fence)?;
        if item.case_id.is_some() {
            return Err(PortError::new("cases", "the message already has a case"));
        }
        let case = new.case;
        if t.cases.contains_key(&case.case_id) {
            return Ok(Opened::CaseIdTaken);
        }
        // A duplicate is the same sender's Message-ID under the same policy (a message sent to
        // two policies' addresses is one case under each), as the table decides it.
        if let Some(key) = &case.message_id_key
            && let Some(owner) = t.message_ids.get(key)
            && t.message_id_from.get(key).map(String::as_str) == case.requester.as_deref()
            && case.requester.is_some()
            && t.cases.get(owner).is_none_or(|c| c.policy == case.policy)
        {
            return Ok(Opened::Duplicate {
                case_id: Some(owner.clone()),
            });
        }
        if let Some(r) = &new.reply {
            if let Some((case_id, at)) = t.complained.get(&r.to) {
                return Ok(Opened::Held(Hold::Complained(BouncedReply {
                    case_id: Some(case_id.clone()),
                    at: Some(at.clone()),
                })));
            }
            if let Some((case_id, at, until)) = t.undeliverable.get(&r.to)
                && *until > new.now.timestamp()
            {
                return Ok(Opened::Held(Hold::Undeliverable(BouncedReply {
                    case_id: Some(case_id.clone()),
                    at: Some(at.clone()),
                })));
            }
            let now_ms = new.now.timestamp_millis();
            let mut taken = Vec::new();
            for key in &r.rates {
                match admit(&key.rate, t.rates.get(&key.key).copied(), now_ms) {
                    Some(tat) => taken.push((key.key.clone(), tat)),
                    None => return Ok(Opened::Held(Hold::RateLimited(key.hit()))),
                }
            }
            t.rates.extend(taken);
        }
        t.cases.insert(case.case_id.clone(), case.clone());
        t.messages
            .entry(case.case_id.clone())
            .or_default()
            .push(new.message.clone());
        if let Some(key) = &case.message_id_key
            && !t.message_ids.contains_key(key)
        {
            t.message_ids.insert(key.clone(), case.case_id.clone());
            if let Some(r) = &case.requester {
                t.message_id_from.insert(key.clone(), r.clone());
            }
        }
        t.ledgers.insert(case.case_id.clone(), new.ledger.to_vec());
        let item = t.fenced(new.fence)?;
        item.case_id = Some(case.case_id.clone());
        match new.reply {
            Some(_) => item.reply_state = ReplyState::Sending,
            None => {
                item.reply_state = ReplyState::of(&case.reply);
                item.state = InboundState::Done;
                item.lease_until = 0;
            }
        }
        Ok(Opened::Written)
    }

    async fn resume_reply(&self, fence: &Fence) -> Result<bool, PortError> {
        self.calls.call("cases", "resume_reply")?;
        let mut t = lock(&self.tables);
        let item = t.fenced(fence)?;
        if item.reply_state == ReplyState::None && item.case_id.is_some() {
            item.reply_state = ReplyState::Sending;
            return Ok(true);
        }
        Ok(false)
    }

    async fn record_reply(
        &self,
        fence: &Fence,
        case_id: &CaseId,
        outcome: &ReplyOutcome,
        _now: DateTime<Utc>,
    ) -> Result<(), PortError> {
        self.calls.call("cases", "record_reply")?;
        let mut t = lock(&self.tables);
        t.fenced(fence)?;
        let case = t
            .cases
            .get_mut(case_id)
            .ok_or_else(|| PortError::new("cases", format!("case {case_id} does not exist")))?;
        case.reply = outcome.clone();
        if let ReplyOutcome::Sent { message_ids, .. } = outcome {
            for mid in message_ids {
                t.message_ids.insert(MessageIdKey::of(mid), case_id.clone());
            }
        }
        let item = t.fenced(fence)?;
        item.reply_state = ReplyState::of(outcome);
        item.state = InboundState::Done;
        item.lease_until = 0;
        Ok(())
    }

    async fn case_of_message_id(&self, message_id: &str) -> Result<Option<CaseId>, PortError> {
        self.calls.call("cases", "case_of_message_id")?;
        Ok(lock(&self.tables)
            .message_ids
            .get(&MessageIdKey::of(message_id))
            .cloned())
    }

    async fn case(&self, id: &CaseId) -> Result<Option<CaseRecord>, PortError> {
        self.calls.call("cases", "case")?;
        Ok(lock(&self.tables).cases.get(id).cloned())
    }

    async fn cases_of_message_ids(
        &self,
        message_ids: &[String],
    ) -> Result<Vec<(String, CaseId)>, PortError> {
        self.calls.call("cases", "cases_of_message_ids")?;
        let t = lock(&self.tables);
        Ok(message_ids
            .iter()
            .filter_map(|m| {
                t.message_ids
                    .get(&MessageIdKey::of(m))
                    .map(|c| (m.clone(), c.clone()))
            })
            .collect())
    }

    async fn conversation(&self, id: &CaseId) -> Result<Option<Conversation>, PortError> {
        self.calls.call("cases", "conversation")?;
        let t = lock(&self.tables);
        Ok(t.cases.get(id).map(|case| Conversation {
            case: case.clone(),
            ledger: t.ledgers.get(id).cloned().unwrap_or_default(),
        }))
    }

    async fn append(&self, a: &Append<'_>) -> Result<Appended, PortError> {
        self.calls.call("cases", "append")?;
        let mut t = lock(&self.tables);
        if let Some(fence) = a.fence {
            t.fenced(fence)?;
        }
        let Some(case) = t.cases.get(a.case_id) else {
            return Ok(Appended::Conflict);
        };
        if case.ledger_len != a.expected_ledger_len {
            return Ok(Appended::Conflict);
        }
        let sender = a
            .message
            .and_then(|m| m.from.as_ref())
            .map(|f| f.to_string());
        let mut index = Vec::new();
        for id in a.index_ids {
            let key = MessageIdKey::of(id);
            match t.message_ids.get(&key) {
                Some(owner) if a.fence.is_some() => {
                    if sender.is_some() && t.message_id_from.get(&key) == sender.as_ref() {
                        return Ok(Appended::Duplicate {
                            case_id: Some(owner.clone()),
                        });
                    }
                }
                Some(_) => return Err(PortError::new("cases", "an outbound id is taken")),
                None => index.push(key),
            }
        }
        for key in index {
            t.message_ids.insert(key.clone(), a.case_id.clone());
            if let (Some(f), true) = (&sender, a.fence.is_some()) {
                t.message_id_from.insert(key, f.clone());
            }
        }
        let new_len = a.expected_ledger_len + a.entries.len() as u32;
        if let Some(case) = t.cases.get_mut(a.case_id) {
            case.apply_live(a.live);
            case.ledger_len = new_len;
            if let Some(d) = a.deadline {
                case.deadlines.push(d.clone());
            }
            if a.message.is_some() {
                case.message_count += 1;
            }
        }
        t.ledgers
            .entry(a.case_id.clone())
            .or_default()
            .extend(a.entries.iter().cloned());
        if let Some(m) = a.message {
            t.messages
                .entry(a.case_id.clone())
                .or_default()
                .push(m.clone());
        }
        if let Some(fence) = a.fence {
            let item = t.fenced(fence)?;
            item.case_id = Some(a.case_id.clone());
            item.state = InboundState::Done;
            item.reply_state = ReplyState::Suppressed;
            item.lease_until = 0;
        }
        Ok(Appended::Written)
    }

    async fn attach(&self, a: &Attachment<'_>) -> Result<(), PortError> {
        self.calls.call("cases", "attach")?;
        let mut t = lock(&self.tables);
        t.fenced(a.fence)?;
        let case = t
            .cases
            .get_mut(a.case_id)
            .ok_or_else(|| PortError::new("cases", format!("case {} does not exist", a.case_id)))?;
        case.message_count += 1;
        t.messages
            .entry(a.case_id.clone())
            .or_default()
            .push(a.message.clone());
        if let Some((address, until)) = a.hold {
            t.undeliverable.insert(
                address.clone(),
                (a.case_id.clone(), stamp(a.now), until.timestamp()),
            );
        }
        let item = t.fenced(a.fence)?;
        item.state = InboundState::Done;
        item.reply_state = ReplyState::Suppressed;
        item.lease_until = 0;
        item.note = Some(a.note.to_string());
        Ok(())
    }
}

/// The directory: memberships by address, and organisations (for their verified domains).
#[derive(Debug, Default)]
pub struct FakeDirectory {
    members: Mutex<HashMap<EmailAddress, Vec<Membership>>>,
    orgs: Mutex<Vec<Organisation>>,
    calls: Calls,
}

impl FakeDirectory {
    pub fn add(&self, address: EmailAddress, membership: Membership) {
        lock(&self.members)
            .entry(address)
            .or_default()
            .push(membership);
    }

    /// An organisation whose verified domains the domain lookup answers from.
    pub fn add_org(&self, org: Organisation) {
        lock(&self.orgs).push(org);
    }

    pub fn calls(&self) -> Vec<&'static str> {
        lock(&self.calls.made).clone()
    }
}

impl Memberships for FakeDirectory {
    async fn memberships_of(&self, sender: &EmailAddress) -> Result<Vec<Membership>, PortError> {
        self.calls.call("directory", "memberships_of")?;
        Ok(lock(&self.members).get(sender).cloned().unwrap_or_default())
    }

    async fn domain_memberships_of(
        &self,
        sender: &EmailAddress,
    ) -> Result<Vec<Membership>, PortError> {
        self.calls.call("directory", "domain_memberships_of")?;
        Ok(lock(&self.orgs)
            .iter()
            .filter_map(|o| domain_membership(o, sender))
            .collect())
    }
}

/// The raw-mail bucket.
#[derive(Debug, Default)]
pub struct FakeRawMail {
    objects: Mutex<HashMap<(String, String), Vec<u8>>>,
    calls: Calls,
}

impl FakeRawMail {
    pub fn put(&self, raw: &RawLocation, bytes: Vec<u8>) {
        lock(&self.objects).insert((raw.bucket.clone(), raw.key.clone()), bytes);
    }

    pub fn fail_next_fetch(&self) {
        lock(&self.calls.failing).push("fetch");
    }

    pub fn calls(&self) -> Vec<&'static str> {
        lock(&self.calls.made).clone()
    }
}

impl RawMail for FakeRawMail {
    async fn fetch(&self, raw: &RawLocation) -> Result<Vec<u8>, PortError> {
        self.calls.call("raw-mail bucket", "fetch")?;
        lock(&self.objects)
            .get(&(raw.bucket.clone(), raw.key.clone()))
            .cloned()
            .ok_or_else(|| {
                PortError::new(
                    "raw-mail bucket",
                    format!("s3://{}/{} was not found", raw.bucket, raw.key),
                )
            })
    }
}

/// One reply the fake mailer accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    pub ses_message_id: String,
    pub from: EmailAddress,
    pub to: EmailAddress,
    pub raw: String,
}

/// SES: accepts every reply (numbering them), unless told to fail the next one.
#[derive(Debug, Default)]
pub struct FakeMailer {
    sent: Mutex<Vec<SentMail>>,
    failures: Mutex<Vec<SendError>>,
}

impl FakeMailer {
    pub fn sent(&self) -> Vec<SentMail> {
        lock(&self.sent).clone()
    }

    /// The next send fails with `error`. A [`SendError::Unknown`] still "sends" the message (the
    /// answer was lost, not the message).
    pub fn fail_next(&self, error: SendError) {
        lock(&self.failures).push(error);
    }
}

impl ReplySender for FakeMailer {
    async fn send(
        &self,
        from: &EmailAddress,
        to: &EmailAddress,
        raw: Vec<u8>,
    ) -> Result<SentReply, SendError> {
        let failure = {
            let mut f = lock(&self.failures);
            (!f.is_empty()).then(|| f.remove(0))
        };
        let mut sent = lock(&self.sent);
        let id = format!("fake-{:06}", sent.len() + 1);
        if matches!(failure, None | Some(SendError::Unknown(_))) {
            sent.push(SentMail {
                ses_message_id: id.clone(),
                from: from.clone(),
                to: to.clone(),
                raw: String::from_utf8_lossy(&raw).into_owned(),
            });
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(SentReply {
                message_ids: vec![format!("{id}@email.amazonses.com")],
                ses_message_id: id,
            }),
        }
    }
}

/// A clock the test sets.
#[derive(Debug)]
pub struct FakeClock(Mutex<DateTime<Utc>>);

impl FakeClock {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self(Mutex::new(now))
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *lock(&self.0) = now;
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        *lock(&self.0)
    }
}
