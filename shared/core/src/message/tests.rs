//! Parsing whole messages: what [`InboundEmail::parse`] keeps, bounds and refuses.

use super::*;

#[test]
fn headers_keep_order_and_case_insensitive_lookup() {
    let e = InboundEmail::parse(
        b"Received: one\r\nReceived: two\r\nX-Thing: a\r\n  folded\r\nSUBJECT : hi\r\n\r\nbody",
    );
    let received: Vec<&str> = e.headers_named("RECEIVED").collect();
    assert_eq!(received, vec!["one", "two"]);
    assert_eq!(e.header("x-thing"), Some("a  folded"));
    assert_eq!(e.header("Subject"), Some("hi"));
    assert!(e.has_header("x-THING"));
    assert!(!e.has_header("x-other"));
}

#[test]
fn mbox_separator_and_junk_lines_are_skipped() {
    let e = InboundEmail::parse(
        b"From MAILER-DAEMON Fri Apr 06 16:46:09 2001\nFrom: a@example.com\nnot a header\nSubject: s\n\nbody",
    );
    let names: Vec<&str> = e.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["from", "subject"]);
}

#[test]
fn delivery_report_detection() {
    let report = |ct: &str| {
        InboundEmail::parse(format!("Content-Type: {ct}\r\n\r\nx").as_bytes()).is_delivery_report()
    };
    assert!(report(
        "multipart/report; report-type=delivery-status; boundary=x"
    ));
    assert!(report(
        "Multipart/Report (dsn); boundary=\"x\";\r\n report-type=\"delivery-status\""
    ));
    assert!(!report(
        "multipart/report; report-type=disposition-notification"
    ));
    assert!(!report("multipart/mixed; report-type=delivery-status"));
    assert!(!report("text/plain"));
}

#[test]
fn null_return_path() {
    let rp = |v: &str| {
        InboundEmail::parse(format!("Return-Path: {v}\r\n\r\nx").as_bytes()).has_null_return_path()
    };
    assert!(rp("<>"));
    assert!(rp("< >"));
    assert!(rp("<> (bounce)"));
    assert!(!rp("<a@example.com>"));
    assert!(!InboundEmail::parse(b"From: a@b.example\r\n\r\nx").has_null_return_path());
}

#[test]
fn body_excerpt_is_bounded() {
    let mut raw = b"From: a@example.com\r\n\r\n".to_vec();
    for i in 0..200 {
        raw.extend_from_slice(format!("line {i}\r\n").as_bytes());
    }
    let e = InboundEmail::parse(&raw);
    assert_eq!(e.body_excerpt.lines().count(), BODY_EXCERPT_LINES);
    let mut raw =
        b"From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".to_vec();
    raw.extend_from_slice("é".repeat(10_000).as_bytes());
    let e = InboundEmail::parse(&raw);
    assert!(e.body_excerpt.len() <= BODY_EXCERPT_BYTES);
    assert!(!e.body_excerpt.is_empty());
}

#[test]
fn text_plain_is_preferred_to_html() {
    let e = InboundEmail::parse(
        b"From: a@example.com\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n\
          --b\r\nContent-Type: text/html\r\n\r\n<p>html version</p>\r\n\
          --b\r\nContent-Type: text/plain\r\n\r\nplain version\r\n--b--\r\n",
    );
    assert!(
        e.body_excerpt.contains("plain version"),
        "{:?}",
        e.body_excerpt
    );
}

#[test]
fn attachments_are_counted() {
    let e = InboundEmail::parse(
        b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
          --b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
          --b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\
          Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n",
    );
    assert_eq!(e.attachment_count, 1);
}

#[test]
fn header_recipients_for_routing() {
    let e = InboundEmail::parse(
        b"From: a@b.example\r\nTo: \"Support, ActiveState\" <Support@ActiveState.com>, x@y.example\r\nCc: z@y.example\r\nSubject: s\r\n\r\nbody\r\n",
    );
    let got: Vec<&str> = e.recipients.iter().map(EmailAddress::as_str).collect();
    assert_eq!(
        got,
        ["support@activestate.com", "x@y.example", "z@y.example"]
    );
    let bcc_only =
        InboundEmail::parse(b"From: a@b.example\r\nTo: undisclosed-recipients:;\r\n\r\nx\r\n");
    assert!(bcc_only.recipients.is_empty());
}

#[test]
fn mailbox_name_and_raw() {
    let e =
        InboundEmail::parse(b"From: =?utf-8?Q?Jos=C3=A9_P=C3=A9rez?= <Jose@Example.COM>\r\n\r\nx");
    let from = e.from.as_ref().expect("from");
    assert_eq!(from.name.as_deref(), Some("José Pérez"));
    assert_eq!(
        from.address.as_ref().map(EmailAddress::as_str),
        Some("jose@example.com")
    );
    assert_eq!(
        from.raw,
        "=?utf-8?Q?Jos=C3=A9_P=C3=A9rez?= <Jose@Example.COM>"
    );
    assert_eq!(e.from_count, 1);
}

#[test]
fn bad_dates_are_none() {
    for d in [
        "Mon, 32 Jan 2026 10:00:00 +0000",
        "yesterday",
        "",
        "Tue, 24 Nov 2026 25:61:00 +9999",
    ] {
        let e = InboundEmail::parse(format!("From: a@b.example\r\nDate: {d}\r\n\r\nx").as_bytes());
        assert!(e.date.is_none(), "{d}");
    }
}

#[test]
fn delivery_reports_name_their_failed_recipients() {
    let dsn = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../samplemail/08-bounce-of-auto-reply.eml"
    ))
    .expect("sample 08");
    let e = InboundEmail::parse(&dsn);
    let failed: Vec<&str> = e
        .bounce_failed_recipients
        .iter()
        .map(EmailAddress::as_str)
        .collect();
    assert_eq!(failed, ["heidi@globex.example"]);

    // Delayed is not failed; several recipients; X-Failed-Recipients (Exim).
    let e = InboundEmail::parse(
        b"X-Failed-Recipients: x@exim.example, bad address\r\n\
          Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n\
          --b\r\nContent-Type: text/plain\r\n\r\nsorry\r\n\
          --b\r\nContent-Type: message/delivery-status\r\n\r\n\
          Reporting-MTA: dns; mx.example\r\n\r\n\
          Final-Recipient: rfc822; late@example.com\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n\
          Final-Recipient: RFC822;<Gone@Example.com>\r\nOriginal-Recipient: rfc822;alias@example.com\r\n\
          Action: failed (permanent)\r\nStatus: 5.1.1\r\n\r\n\
          --b--\r\n",
    );
    let failed: Vec<&str> = e
        .bounce_failed_recipients
        .iter()
        .map(EmailAddress::as_str)
        .collect();
    assert_eq!(
        failed,
        ["gone@example.com", "alias@example.com", "x@exim.example"]
    );
    assert!(
        InboundEmail::parse(
            b"From: a@b.example\r\n\r\nAction: failed\r\nFinal-Recipient: rfc822; x@y.example\r\n"
        )
        .bounce_failed_recipients
        .is_empty()
    );
}
