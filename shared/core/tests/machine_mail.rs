//! Machine mail never gets an auto-reply (issue 8, item 7), and people still do.
//!
//! The corpus is `tests/fixtures/machine-mail/`: real bounces, feedback reports and auto-replies
//! from public sources, and constructed variants no public file covers; every file is labelled in
//! its README with why it is machine mail. Each one is judged as if it came from the strongest
//! possible sender (every verdict PASS, the From verified), so only the machine-mail rules stand
//! between it and a reply. The human side is every sample scenario that expects a reply, plus
//! near-misses whose subjects or addresses merely mention what the rules look for.

use std::fs;
use std::path::{Path, PathBuf};

use slamail_core::ids::EmailAddress;
use slamail_core::message::InboundEmail;
use slamail_core::policy::PolicySet;
use slamail_core::triage::auth::{
    authenticate, topmost_ses_authentication_results, verdicts_from_ses_headers,
};
use slamail_core::triage::loops::{ReplyDecision, reply_decision};
use slamail_core::triage::{Authenticity, Verdicts};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus_root() -> PathBuf {
    repo().join("tests/fixtures/machine-mail")
}

/// Every machine message of the corpus: (path relative to the corpus root, bytes).
fn corpus() -> Vec<(String, Vec<u8>)> {
    messages(|folder| folder != "licences" && folder != "human")
}

/// The messages of the corpus folders `pick` accepts.
fn messages(pick: impl Fn(&str) -> bool) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let root = corpus_root();
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .expect("machine-mail corpus")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| pick(&n.to_string_lossy())))
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("corpus folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml" || x == "txt"))
            .collect();
        files.sort();
        for f in files {
            let name = f
                .strip_prefix(&root)
                .expect("under the root")
                .to_string_lossy()
                .into_owned();
            out.push((name, fs::read(&f).expect("corpus file")));
        }
    }
    out
}

fn strongest_sender() -> Authenticity {
    Authenticity::Verified {
        how: "assumed for the corpus: only the machine-mail rules may stop the reply".into(),
    }
}

fn decision(email: &InboundEmail, own: &dyn Fn(&EmailAddress) -> bool) -> ReplyDecision {
    reply_decision(email, &Verdicts::all_pass(), &strongest_sender(), own)
}

#[test]
fn no_machine_mail_of_the_corpus_gets_an_auto_reply() {
    let files = corpus();
    assert!(files.len() >= 150, "only {} corpus messages", files.len());
    let policies = PolicySet::from_list(None).expect("built-in policies");
    let own = |a: &EmailAddress| policies.is_own_address(a);
    let answered: Vec<String> = files
        .iter()
        .filter(|(_, bytes)| decision(&InboundEmail::parse(bytes), &own).is_allowed())
        .map(|(name, bytes)| {
            let e = InboundEmail::parse(bytes);
            format!(
                "{name}: From {:?}, Subject {:?}",
                e.from.and_then(|m| m.address).map(|a| a.to_string()),
                e.subject
            )
        })
        .collect();
    assert!(
        answered.is_empty(),
        "{} of {} machine messages would be answered:\n{}",
        answered.len(),
        files.len(),
        answered.join("\n")
    );
}

#[test]
fn every_corpus_file_is_labelled_in_the_readme() {
    let readme = fs::read_to_string(corpus_root().join("README.md")).expect("README");
    let missing: Vec<String> = messages(|folder| folder != "licences")
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| !readme.contains(&format!("`{name}`")))
        .collect();
    assert!(missing.is_empty(), "not in the README table: {missing:?}");
}

/// The sample scenarios that expect a reply: people, and they must still get one.
#[test]
fn the_human_samples_are_still_answered() {
    #[derive(serde::Deserialize)]
    struct Scenarios {
        scenario: Vec<Scenario>,
    }
    #[derive(serde::Deserialize)]
    struct Scenario {
        eml: String,
        reply: String,
    }
    let text = fs::read_to_string(repo().join("samplemail/scenarios.toml")).expect("scenarios");
    let scenarios: Scenarios = toml::from_str(&text).expect("scenarios parse");
    let policies = PolicySet::from_list(None).expect("built-in policies");
    let own = |a: &EmailAddress| policies.is_own_address(a);
    let mut human = 0;
    for s in scenarios.scenario.iter().filter(|s| s.reply == "sent") {
        let bytes = fs::read(repo().join("samplemail").join(&s.eml)).expect("sample");
        let email = InboundEmail::parse(&bytes);
        let verdicts = verdicts_from_ses_headers(&email);
        let auth = authenticate(
            email.sender_address(),
            &verdicts,
            topmost_ses_authentication_results(&email),
        );
        let d = reply_decision(&email, &verdicts, &auth, &own);
        assert!(d.is_allowed(), "{}: {d:?}", s.eml);
        human += 1;
    }
    assert!(human >= 10, "{human} human samples");
}

/// People whose subjects or addresses mention what the rules look for. The subject rules anchor
/// at the very start of the subject: a reply or forward ("Re:", "Fwd:", "AW:"…) is a person
/// answering, whatever follows.
#[test]
fn near_misses_from_people_are_still_answered() {
    let subjects = [
        "Re: auto reply not working",
        "Fwd: Automatic reply: Builds fail",
        "AW: Abwesenheitsnotiz: Build",
        "auto reply not working",
        "Autoreply rules in our Exchange tenant",
        "Out of office hours outage in production",
        "Our out of office notices loop with your tool",
        "Question about the vacation policy for support staff",
        "Undeliverable messages in our queue after the upgrade",
        "Delivery status notifications are missing",
        "Returned mail from your mail server",
        "failure notice handling in the SDK",
        "Automatic replies: how do I disable them?",
        "Réponse automatique du serveur de build",
    ];
    let policies = PolicySet::from_list(None).expect("built-in policies");
    let own = |a: &EmailAddress| policies.is_own_address(a);
    for subject in subjects {
        let raw = format!(
            "From: Jane Doe <jane@customer.example>\r\nTo: support@activestate.com\r\n\
             Subject: {subject}\r\nMessage-ID: <1@customer.example>\r\n\r\nHello\r\n"
        );
        let d = decision(&InboundEmail::parse(raw.as_bytes()), &own);
        assert!(d.is_allowed(), "{subject:?}: {d:?}");
    }
    for from in [
        "jane.admin@customer.example",
        "administrator@customer.example",
        "owner@customer.example",
        "request@customer.example",
        "bounces.team@customer.example",
        "ops@customer.example",
    ] {
        let raw = format!(
            "From: {from}\r\nTo: support@activestate.com\r\nSubject: help\r\n\r\nHello\r\n"
        );
        let d = decision(&InboundEmail::parse(raw.as_bytes()), &own);
        assert!(d.is_allowed(), "{from}: {d:?}");
    }
    // A real person's reply kept among flufl.bounce's bounces as a negative case.
    let human = messages(|folder| folder == "human");
    assert!(!human.is_empty());
    for (name, bytes) in human {
        let d = decision(&InboundEmail::parse(&bytes), &own);
        assert!(d.is_allowed(), "{name}: {d:?}");
    }
    // A multipart message from a person, with an attachment, is not a report.
    let mixed = "From: jane@customer.example\r\nTo: support@activestate.com\r\nSubject: logs\r\n\
                 Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
                 see attached\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y.example\r\n\
                 Subject: fwd\r\n\r\nforwarded\r\n--b--\r\n";
    let d = decision(&InboundEmail::parse(mixed.as_bytes()), &own);
    assert!(d.is_allowed(), "{d:?}");
}
