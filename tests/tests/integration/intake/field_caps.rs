//! Issue 8 item 3: attacker-sized fields. Every stored field taken from a message is capped
//! (`slamail_core::bounded::limits`), and Message-IDs are keyed by their SHA-256, so each
//! oversized field below still makes exactly one case and one auto-reply, against moto's own
//! DynamoDB limits (400 KB items, 2,048-byte partition keys). The full message stays in S3.

use slamail_core::bounded::limits;
use slamail_core::case::ReplyOutcome;
use slamail_intake::Outcome;
use slamail_tests::unique_name;

use super::{deliver, env, first_sent_scenario, with_fresh_id};

/// Sample 01 with one header line replaced.
pub(super) fn with_header(bytes: &[u8], name: &str, value: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let prefix = format!("{name}:");
    let mut out = String::new();
    let mut replaced = false;
    for line in text
        .split_inclusive("\r\n")
        .flat_map(|l| l.split_inclusive('\n'))
    {
        if !replaced && line.starts_with(&prefix) {
            out.push_str(&format!("{name}: {value}\r\n"));
            replaced = true;
        } else {
            out.push_str(line);
        }
    }
    assert!(replaced, "sample 01 has a {name} header");
    out.into_bytes()
}

/// `word` repeated to about `bytes`, legally folded (no line over 78 characters).
fn folded(word: &str, bytes: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    while out.len() < bytes {
        if line + word.len() + 1 > 70 {
            out.push_str("\r\n ");
            line = 1;
        }
        out.push_str(word);
        out.push(' ');
        line += word.len() + 1;
    }
    out.trim_end().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_oversized_field_still_makes_one_case_and_one_reply() {
    let env = env().await;
    let (bytes, event) = first_sent_scenario();
    let long_id = format!("{}@mail.acme.example", "m".repeat(3_000));
    let many_recipients = (0..6_000)
        .map(|i| format!("user{i}@acme.example"))
        .collect::<Vec<_>>()
        .join(",\r\n ");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "450 KB folded From display name",
            with_header(
                &bytes,
                "From",
                &format!("\"{}\" <alice@acme.example>", folded("Nguyen", 450_000)),
            ),
        ),
        (
            "450 KB folded Subject",
            with_header(
                &bytes,
                "Subject",
                &format!("[Level 1] {}", folded("failing", 450_000)),
            ),
        ),
        (
            "3 KB Message-ID",
            with_header(&bytes, "Message-ID", &format!("<{long_id}>")),
        ),
        (
            "6,000 Cc recipients",
            with_header(&bytes, "Cc", &many_recipients),
        ),
        (
            "400 KB References",
            with_header(
                &bytes,
                "Date",
                &format!(
                    "Mon, 30 Nov 2026 14:09:41 -0800\r\nReferences: {}",
                    folded("<r@acme.example>", 400_000)
                ),
            ),
        ),
    ];
    let mut failures = Vec::new();
    for (i, (name, message)) in cases.iter().enumerate() {
        // Each variant is a new message of its own: the same Message-ID from the same sender
        // would be a duplicate of the first.
        let own_id;
        let message = if name.contains("Message-ID") {
            message
        } else {
            own_id = with_header(
                message,
                "Message-ID",
                &format!("<field-cap-{i}@mail.acme.example>"),
            );
            &own_id
        };
        let ev = with_fresh_id(&event, &format!("{}-{i}", unique_name("big")));
        let processed = match deliver(&env, message, &ev).await {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let [p] = processed.as_slice() else {
            failures.push(format!("{name}: {} outcomes", processed.len()));
            continue;
        };
        let Outcome::Created { case } = &p.outcome else {
            failures.push(format!("{name}: {:?}", p.outcome));
            continue;
        };
        if !matches!(case.reply, ReplyOutcome::Sent { .. }) {
            failures.push(format!("{name}: reply {:?}", case.reply));
        }
        let sent = env.sent_for(case.case_id.as_str()).len();
        if sent != 1 {
            failures.push(format!("{name}: {sent} replies"));
        }
        let stored = env
            .intake
            .cases
            .get_case(&case.case_id)
            .await
            .expect("read")
            .expect("stored");
        let within = |what: &str, v: Option<&str>, max: usize| {
            let len = v.map_or(0, str::len);
            (len > max).then(|| format!("{name}: {what} stored with {len} bytes (cap {max})"))
        };
        failures.extend(within(
            "requester name",
            stored.requester_name.as_deref(),
            limits::DISPLAY_NAME,
        ));
        failures.extend(within(
            "subject",
            stored.subject.as_deref(),
            limits::SUBJECT,
        ));
        failures.extend(within(
            "message id",
            stored.message_id.as_deref(),
            limits::MESSAGE_ID,
        ));
        // The raw message is untouched in S3.
        let raw = env
            .moto
            .s3()
            .get_object()
            .bucket(&env.bucket)
            .key(&case.raw.key)
            .send()
            .await
            .expect("the raw message is in S3");
        if raw.content_length() != Some(message.len() as i64) {
            failures.push(format!("{name}: raw message changed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // A follow-up quoting the 3 KB Message-ID finds its case by the id's digest.
    let found = env
        .intake
        .cases
        .case_of_message_id(&format!("<{long_id}>"))
        .await
        .expect("lookup");
    assert!(found.is_some(), "the long Message-ID is indexed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_unroutable_recipients_are_recorded_with_a_capped_note() {
    let env = env().await;
    let (bytes, event) = first_sent_scenario();
    let many = (0..6_000)
        .map(|i| format!("user{i}@elsewhere.example"))
        .collect::<Vec<_>>()
        .join(",\r\n ");
    let message = with_header(&bytes, "To", &many);
    // No envelope recipients: the S3-triggered path takes them from the headers.
    let mut ev = with_fresh_id(&event, &unique_name("unroutable"));
    if let Some(r) = ev.pointer_mut("/Records/0/ses/receipt/recipients") {
        *r = serde_json::json!([]);
    }
    let message = with_header(&message, "Cc", "nobody@elsewhere.example");
    let processed = deliver(&env, &message, &ev).await.expect("recorded");
    let Outcome::Unroutable { note } = &processed[0].outcome else {
        panic!("{:?}", processed[0].outcome)
    };
    assert!(note.len() <= limits::NOTE, "{} bytes", note.len());
    let item = env
        .intake
        .cases
        .inbound(&super::ses_id_of(&ev))
        .await
        .expect("read")
        .expect("the inbound record");
    assert_eq!(item.state, slamail_aws::cases::InboundState::Unroutable);
}
