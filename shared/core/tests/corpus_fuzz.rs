//! No input bytes may panic the intake: random bytes, and corpus messages cut and corrupted.

use std::fs;
use std::path::PathBuf;

use proptest::prelude::*;
use slamail_core::ids::EmailAddress;
use slamail_core::message::InboundEmail;
use slamail_core::triage::auth::{
    authenticate, dkim_pass_domains, topmost_ses_authentication_results, verdicts_from_ses_headers,
};
use slamail_core::triage::loops::{is_bounce, reply_decision};

fn corpus_files() -> Vec<Vec<u8>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus");
    let mut files = Vec::new();
    for dir in ["mikel-mail", "cpython-email"] {
        let Ok(entries) = fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            if entry.path().is_file()
                && let Ok(bytes) = fs::read(entry.path())
            {
                files.push(bytes);
            }
        }
    }
    files.sort();
    files
}

fn triage_all(raw: &[u8]) {
    let email = InboundEmail::parse(raw);
    assert_eq!(email.size, raw.len());
    let verdicts = verdicts_from_ses_headers(&email);
    if let Some(ar) = topmost_ses_authentication_results(&email) {
        let _ = dkim_pass_domains(ar);
    }
    let auth = authenticate(
        email.sender_address(),
        &verdicts,
        topmost_ses_authentication_results(&email),
    );
    let _ = is_bounce(&email);
    let _ = reply_decision(&email, &verdicts, &auth, &|_: &EmailAddress| false);
    let _ = serde_json::to_string(&email);
}

/// Bytes that mail syntax gives meaning to, so random inputs hit the interesting paths.
fn mailish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let atoms = prop::sample::select(vec![
        &b"\r"[..],
        b"\n",
        b"\r\n",
        b"\r\n\r\n",
        b": ",
        b" ",
        b"\t",
        b"From: ",
        b"Subject: ",
        b"Authentication-Results: amazonses.com; ",
        b"dkim=pass header.i=@",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=b",
        b"Content-Type: message/rfc822",
        b"--b",
        b"=?utf-8?B?",
        b"=?koi8-r?Q?=F0",
        b"?=",
        b"<>",
        b"<a@b.c>",
        b"@",
        b"(",
        b")",
        b"\"",
        b"\\",
        b";",
        b"\xff\xfe",
        b"\x00",
        b"Return-Path: ",
    ]);
    prop::collection::vec(
        prop_oneof![
            atoms.prop_map(<[u8]>::to_vec),
            prop::collection::vec(any::<u8>(), 0..8)
        ],
        0..64,
    )
    .prop_map(|chunks| chunks.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..2048)) {
        triage_all(&raw);
    }

    #[test]
    fn mail_like_bytes_never_panic(raw in mailish_bytes()) {
        triage_all(&raw);
    }

    #[test]
    fn corrupted_corpus_never_panics(
        pick in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..16),
    ) {
        let files = corpus_files();
        prop_assume!(!files.is_empty());
        let mut raw = files[pick.index(files.len())].clone();
        let len = cut.index(raw.len() + 1);
        raw.truncate(len);
        if !raw.is_empty() {
            for (at, byte) in flips {
                let i = at.index(raw.len());
                raw[i] = byte;
            }
        }
        triage_all(&raw);
    }
}
