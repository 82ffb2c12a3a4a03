//! The queue index read in pages (`CaseStore::queue_page`): soonest due first, every case once
//! across pages, only the asked policy's cases when two policies share a queue name, and a
//! listing that goes on from the `next` cursor of the previous page.

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::AttributeValue;
use slamail_aws::cases::{QueueCursor, QueuePage};

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_is_listed_in_pages_by_due_instant() {
    let env = env().await;
    // Seven requests from a designated Enterprise contact, an hour apart: seven open cases in
    // one queue, each with its own due instant.
    let mut opened = Vec::new();
    for hour in 0..7 {
        let message = mail(
            "alice@acme.example",
            "acme.example",
            &format!("{}@mail.acme.example", unique_name("page")),
            "",
            &format!("[Level 3] question {hour}"),
        );
        let at = format!("2026-11-24T{:02}:00:00.000Z", 15 + hour);
        opened.push(created(&env.deliver(&message, &at, "PASS").await));
    }
    let queue = QueueId::parse(&opened[0].queue).unwrap();
    assert!(opened.iter().all(|c| c.queue == opened[0].queue));
    let policy = PolicyId::parse(&opened[0].policy).unwrap();

    // Another policy's case under the same queue name, in the same index.
    let client = env.moto.dynamodb();
    let table = env.desk.cases.table().to_string();
    let mut other = client
        .get_item()
        .table_name(&table)
        .key(
            "pk",
            AttributeValue::S(format!("CASE#{}", opened[3].case_id)),
        )
        .key("sk", AttributeValue::S("CASE".into()))
        .send()
        .await
        .expect("get case item")
        .item
        .expect("the case item");
    other.insert(
        "pk".into(),
        AttributeValue::S("CASE#SCALR-2026-999999".into()),
    );
    other.insert(
        "case_id".into(),
        AttributeValue::S("SCALR-2026-999999".into()),
    );
    other.insert("policy".into(), AttributeValue::S("scalr".into()));
    client
        .put_item()
        .table_name(&table)
        .set_item(Some(other))
        .send()
        .await
        .expect("put the other policy's case");

    // Pages of three: 3 + 3 + 1, soonest due first, each case once, never the other policy's.
    let mut seen = Vec::new();
    let mut after: Option<QueueCursor> = None;
    let mut pages = 0;
    loop {
        let QueuePage { cases, next } = env
            .desk
            .cases
            .queue_page(&policy, &queue, None, 3, after.as_ref())
            .await
            .expect("a queue page");
        pages += 1;
        assert!(cases.len() <= 3);
        assert!(
            cases.iter().all(|c| c.policy == policy.as_str()),
            "{cases:?}"
        );
        seen.extend(cases);
        // The cursor goes to the caller as text and comes back parsed.
        match next {
            Some(cursor) => after = Some(QueueCursor::parse(&cursor.to_string()).unwrap()),
            None => break,
        }
        assert!(pages < 10, "the listing does not end");
    }
    // Each case once; cases due at the same instant may come in either order.
    let ids: Vec<_> = seen.iter().map(|c| c.case_id.clone()).collect();
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 7, "{ids:?}");
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>(),
        opened.iter().map(|c| &c.case_id).collect::<BTreeSet<_>>()
    );
    let dues: Vec<_> = seen.iter().map(|c| c.due_utc.clone()).collect();
    assert!(
        dues.windows(2).all(|w| w[0] <= w[1]),
        "soonest due first: {dues:?}"
    );
    assert!(
        dues.first() < dues.last(),
        "the cases have different due instants"
    );
    assert!((3..=4).contains(&pages), "{pages} pages");

    // `until` cuts the listing at a due instant: only the cases due by then.
    let cut = seen[2].due_utc.clone().expect("a due instant");
    let until = DateTime::parse_from_rfc3339(&cut)
        .unwrap()
        .with_timezone(&Utc);
    let due_by_then: BTreeSet<_> = opened
        .iter()
        .filter(|c| c.due_utc.as_deref() <= Some(cut.as_str()))
        .map(|c| c.case_id.clone())
        .collect();
    assert!((3..7).contains(&due_by_then.len()));
    let first = env
        .desk
        .cases
        .queue_page(&policy, &queue, Some(until), 100, None)
        .await
        .expect("a queue page");
    assert_eq!(
        first
            .cases
            .iter()
            .map(|c| c.case_id.clone())
            .collect::<BTreeSet<_>>(),
        due_by_then
    );
    assert!(first.next.is_none());
}

/// The same listing through the agents' HTTP API: `limit` and `after` in the query string, the
/// `next` of each page, and plain refusals of a bad position or size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_api_pages_with_next_and_after() {
    let env = env().await;
    let mut opened = BTreeSet::new();
    for hour in 0..3 {
        let message = mail(
            "alice@acme.example",
            "acme.example",
            &format!("{}@mail.acme.example", unique_name("api-page")),
            "",
            &format!("[Level 3] question {hour}"),
        );
        let at = format!("2026-11-25T{:02}:00:00.000Z", 17 + hour);
        opened.insert(created(&env.deliver(&message, &at, "PASS").await).case_id);
    }
    let get = |query: &str| {
        let mut params = std::collections::HashMap::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap();
            params.insert(k.to_string(), vec![v.to_string()]);
        }
        let req = serde_json::from_value::<aws_lambda_events::apigw::ApiGatewayV2httpRequest>(
            json!({
                "rawPath": "/queues/activestate/enterprise",
                "rawQueryString": query,
                "queryStringParameters": params.iter().map(|(k, v)| (k.clone(), v[0].clone()))
                    .collect::<std::collections::HashMap<_, _>>(),
                "isBase64Encoded": false,
                "requestContext": {"http": {"method": "GET", "path": "/queues/activestate/enterprise"},
                    "authorizer": {"jwt": {"claims": {"email": "sam@activestate.com",
                        "email_verified": "true", "cognito:groups": "[slamail-agents]"},
                        "scopes": null}}},
            }),
        )
        .expect("request");
        let desk = &env.desk;
        async move {
            let resp = slamail_agents::api::handle(
                desk,
                "slamail-agents",
                req,
                at("2026-11-25T12:00:00Z"),
            )
            .await;
            let body = match resp.body {
                Some(aws_lambda_events::encodings::Body::Text(t)) => {
                    serde_json::from_str::<serde_json::Value>(&t).expect("JSON")
                }
                other => panic!("{other:?}"),
            };
            (resp.status_code, body)
        }
    };
    let mut seen = BTreeSet::new();
    let mut query = "limit=2".to_string();
    for page in 0.. {
        assert!(page < 10, "the listing does not end");
        let (status, body) = get(&query).await;
        assert_eq!(status, 200, "{body}");
        let cases = body["cases"].as_array().expect("cases");
        assert!(cases.len() <= 2, "{body}");
        for c in cases {
            seen.insert(c["case_id"].as_str().expect("id").to_string());
        }
        match body["next"].as_str() {
            Some(next) => query = format!("limit=2&after={next}"),
            None => {
                assert!(body["next"].is_null(), "{body}");
                break;
            }
        }
    }
    let opened: BTreeSet<String> = opened.iter().map(|c| c.to_string()).collect();
    assert!(opened.is_subset(&seen), "{opened:?} not all in {seen:?}");

    for (query, words) in [
        ("after=yesterday", "not a queue position"),
        ("limit=0", "limit must be a number from 1 to 1000"),
        ("limit=5000", "limit must be a number from 1 to 1000"),
        ("limit=ten", "limit must be a number from 1 to 1000"),
    ] {
        let (status, body) = get(query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(
            body["error"].as_str().is_some_and(|e| e.contains(words)),
            "{query}: {body}"
        );
    }
}
