//! The contacts admin API end to end: API Gateway HTTP API (payload 2.0) events with JWT claims,
//! through `handle`, against the directory in moto. Starts from the sample directory.

use crate::support;

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use aws_lambda_events::encodings::Body;
use serde_json::{Value, json};
use slamail_aws::directory::Directory;
use slamail_cli::directory::{import, read_import};
use slamail_contacts::{Settings, handle};
use slamail_core::directory::Actor;
use slamail_core::policy::PolicySet;
use slamail_tables::{TEMPLATE_YAML, create_tables_from_yaml};
use slamail_tests::{MotoServer, unique_name};

struct Api {
    dir: Directory,
    policies: PolicySet,
    settings: Settings,
}

/// Who calls: an address, whether the identity provider verified it, and groups.
#[derive(Clone, Copy)]
enum Who<'a> {
    Nobody,
    User(&'a str),
    Unverified(&'a str),
    Operator(&'a str),
}

async fn api() -> Api {
    api_on(MotoServer::shared().dynamodb()).await
}

async fn api_on(client: aws_sdk_dynamodb::Client) -> Api {
    let table = unique_name("directory");
    create_tables_from_yaml(
        &client,
        TEMPLATE_YAML,
        &[("DirectoryTable", table.as_str())],
    )
    .await
    .expect("directory table");
    let dir = Directory::new(client, table);
    let policies = PolicySet::builtin().unwrap();
    let file = read_import(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../samplemail/directory.toml"),
    )
    .unwrap();
    let report = import(&dir, &policies, &Actor::Operator("seed".into()), &file).await;
    assert!(report.errors.is_empty(), "{}", report.text());
    Api {
        dir,
        policies,
        settings: Settings::default(),
    }
}

fn event(who: Who<'_>, method: &str, path: &str, body: Option<Value>) -> ApiGatewayV2httpRequest {
    let claims = match who {
        Who::Nobody => None,
        Who::User(e) => Some(json!({ "sub": "u-1", "email": e, "email_verified": "true" })),
        Who::Unverified(e) => Some(json!({ "sub": "u-2", "email": e, "email_verified": "false" })),
        Who::Operator(e) => Some(json!({
            "sub": "o-1", "email": e, "email_verified": "true",
            "cognito:groups": "[support slamail-operators]",
        })),
    };
    let mut ctx = json!({
        "accountId": "123456789012",
        "apiId": "api",
        "domainName": "contacts.example",
        "http": { "method": method, "path": path, "protocol": "HTTP/1.1",
                  "sourceIp": "192.0.2.1", "userAgent": "test" },
        "requestId": "req-1",
        "routeKey": "$default",
        "stage": "$default",
        "time": "23/Nov/2026:13:00:00 +0000",
        "timeEpoch": 1_795_438_800_000i64,
    });
    if let Some(c) = claims {
        ctx["authorizer"] = json!({ "jwt": { "claims": c, "scopes": null } });
    }
    let mut raw = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": { "content-type": "application/json" },
        "requestContext": ctx,
        "isBase64Encoded": false,
    });
    if let Some(b) = body {
        raw["body"] = json!(b.to_string());
    }
    serde_json::from_value(raw).expect("a valid API Gateway v2 event")
}

impl Api {
    async fn call(
        &self,
        who: Who<'_>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (i64, Value) {
        let resp = handle(
            &self.dir,
            &self.policies,
            &self.settings,
            event(who, method, path, body),
        )
        .await;
        let body = match resp.body {
            Some(Body::Text(t)) => serde_json::from_str(&t).expect("a JSON body"),
            other => panic!("unexpected body {other:?}"),
        };
        (resp.status_code, body)
    }
}

const ALICE: &str = "alice@acme.example"; // acme admin, designated
const BOB: &str = "bob@acme.example"; // acme member, designated
const CAROL: &str = "carol@acme.example"; // acme member, not designated
const DAVE: &str = "dave@globex.example"; // globex admin
const OPS: &str = "oncall@vendor.example";

#[tokio::test]
async fn identity_comes_only_from_verified_jwt_claims() {
    let api = api().await;
    let (s, b) = api
        .call(Who::Nobody, "GET", "/orgs/acme/contacts", None)
        .await;
    assert_eq!((s, b["code"].as_str()), (401, Some("no-identity")));
    let (s, b) = api
        .call(Who::Unverified(ALICE), "GET", "/orgs/acme/contacts", None)
        .await;
    assert_eq!((s, b["code"].as_str()), (403, Some("email-not-verified")));
    // Case and brackets in the claim do not matter: addresses are normalised.
    let (s, _) = api
        .call(
            Who::User("<ALICE@Acme.Example>"),
            "GET",
            "/orgs/acme/contacts",
            None,
        )
        .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn the_authorization_matrix() {
    let api = api().await;
    let acme_contacts = "/orgs/acme/contacts";
    let designate_carol = "/orgs/acme/contacts/carol%40acme.example";
    // A member (even a designated one) may neither list nor designate.
    for who in [BOB, CAROL] {
        let (s, b) = api.call(Who::User(who), "GET", acme_contacts, None).await;
        assert_eq!((s, b["code"].as_str()), (403, Some("forbidden")), "{who}");
        let (s, _) = api.call(Who::User(who), "PUT", designate_carol, None).await;
        assert_eq!(s, 403, "{who}");
        let (s, _) = api
            .call(Who::User(who), "GET", "/orgs/acme/members", None)
            .await;
        assert_eq!(s, 403, "{who}");
    }
    // The administrator of another organisation is an outsider here.
    let (s, _) = api.call(Who::User(DAVE), "GET", acme_contacts, None).await;
    assert_eq!(s, 403);
    let (s, _) = api
        .call(Who::User(DAVE), "PUT", designate_carol, None)
        .await;
    assert_eq!(s, 403);
    let (s, _) = api
        .call(
            Who::User(DAVE),
            "DELETE",
            "/orgs/acme/contacts/alice%40acme.example",
            None,
        )
        .await;
    assert_eq!(s, 403);
    // A third party in the organisation cannot act, and cannot be designated.
    let (s, _) = api
        .call(
            Who::User(ALICE),
            "POST",
            "/orgs/acme/members",
            Some(json!({ "email": "tp@reseller.example", "name": "Tess", "role": "third-party" })),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = api
        .call(
            Who::User("tp@reseller.example"),
            "PUT",
            designate_carol,
            None,
        )
        .await;
    assert_eq!(s, 403);
    // Free a slot first, so that only eligibility is in question.
    let (s, _) = api
        .call(
            Who::User(ALICE),
            "DELETE",
            "/orgs/acme/contacts/bob%40acme.example",
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = api
        .call(
            Who::User(ALICE),
            "PUT",
            "/orgs/acme/contacts/tp%40reseller.example",
            None,
        )
        .await;
    assert_eq!((s, b["code"].as_str()), (409, Some("not-eligible")));
    // Admins cannot add outsiders as full members, nor vouch for addresses.
    let (s, _) = api
        .call(
            Who::User(ALICE),
            "POST",
            "/orgs/acme/members",
            Some(json!({ "email": "mallory@evil.example", "name": "M" })),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = api
        .call(
            Who::User(ALICE),
            "POST",
            "/orgs/acme/members",
            Some(json!({ "email": "new@acme.example", "name": "N", "verified": true })),
        )
        .await;
    assert_eq!(s, 403);
    // The admin designates a verified, named member of their own organisation.
    let (s, b) = api
        .call(Who::User(ALICE), "PUT", designate_carol, None)
        .await;
    assert_eq!((s, b["designated"].as_bool()), (200, Some(true)));
    // Commercial terms belong to operators.
    let (s, _) = api
        .call(
            Who::User(ALICE),
            "PATCH",
            "/orgs/acme",
            Some(json!({ "extra_contacts": 9 })),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = api
        .call(
            Who::User(ALICE),
            "POST",
            "/orgs",
            Some(json!({ "id": "mine", "name": "Mine", "policy": "activestate", "tier": "enterprise" })),
        )
        .await;
    assert_eq!(s, 403);
    // Operators may do everything.
    let (s, b) = api
        .call(
            Who::Operator(OPS),
            "POST",
            "/orgs",
            Some(
                json!({ "id": "umbrella", "name": "Umbrella", "policy": "activestate",
                         "tier": "Team Organization", "domains": ["umbrella.example"] }),
            ),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["tier"], "team");
    assert_eq!(b["contacts"]["limit"], 1);
    let (s, _) = api
        .call(
            Who::Operator(OPS),
            "POST",
            "/orgs/umbrella/members",
            Some(json!({ "email": "wes@umbrella.example", "name": "Wes", "role": "admin", "verified": true })),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = api
        .call(
            Who::Operator(OPS),
            "PUT",
            "/orgs/umbrella/contacts/wes%40umbrella.example",
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = api
        .call(Who::Operator(OPS), "GET", acme_contacts, None)
        .await;
    assert_eq!(s, 200);
    assert_eq!(b["contacts"].as_array().unwrap().len(), 3);
    let (s, b) = api
        .call(
            Who::Operator(OPS),
            "POST",
            "/orgs",
            Some(json!({ "id": "umbrella", "name": "U",
                  "policy": "activestate", "tier": "team" })),
        )
        .await;
    assert_eq!((s, b["code"].as_str()), (409, Some("org-exists")));
}

#[tokio::test]
async fn designated_contacts_are_not_disclosed() {
    let api = api().await;
    // Only acme's admin (and operators) see acme's contacts.
    let (s, b) = api
        .call(Who::User(ALICE), "GET", "/orgs/acme/contacts", None)
        .await;
    assert_eq!(s, 200);
    let listed: Vec<&str> = b["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["email"].as_str())
        .collect();
    assert_eq!(listed, [ALICE, BOB, "grace@contractor.example"]);
    assert_eq!(
        (b["used"].as_u64(), b["limit"].as_u64()),
        (Some(3), Some(3))
    );
    // A member learns only about themselves.
    let (s, b) = api
        .call(Who::User(BOB), "GET", "/orgs/acme/members/me", None)
        .await;
    assert_eq!((s, b["designated"].as_bool()), (200, Some(true)));
    assert!(b.get("contacts").is_none());
    let (s, b) = api
        .call(Who::User(CAROL), "GET", "/orgs/acme/members/me", None)
        .await;
    assert_eq!((s, b["designated"].as_bool()), (200, Some(false)));
    let (s, b) = api
        .call(Who::User("grace@contractor.example"), "GET", "/me", None)
        .await;
    assert_eq!(s, 200);
    assert_eq!(b["memberships"].as_array().unwrap().len(), 2);
    // An outsider cannot tell an existing organisation from a missing one.
    let (s1, b1) = api
        .call(Who::User(DAVE), "GET", "/orgs/acme/members/me", None)
        .await;
    let (s2, b2) = api
        .call(Who::User(DAVE), "GET", "/orgs/no-such-org/contacts", None)
        .await;
    assert_eq!((s1, s2), (403, 403));
    assert_eq!(b1["code"], b2["code"]);
    // Operators do get a 404 for a missing organisation.
    let (s, b) = api
        .call(Who::Operator(OPS), "GET", "/orgs/no-such-org", None)
        .await;
    assert_eq!((s, b["code"].as_str()), (404, Some("unknown-org")));
}

#[tokio::test]
async fn signing_in_verifies_a_member_and_everything_is_audited() {
    let api = api().await;
    let hank = "hank@acme.example";
    let (s, b) = api
        .call(
            Who::User(ALICE),
            "POST",
            "/orgs/acme/members",
            Some(json!({ "email": "Hank@ACME.example", "name": "Hank Wu" })),
        )
        .await;
    assert_eq!((s, b["verified"].as_bool()), (201, Some(false)));
    let (s, _) = api
        .call(
            Who::User(ALICE),
            "DELETE",
            "/orgs/acme/contacts/bob%40acme.example",
            None,
        )
        .await;
    assert_eq!(s, 200);
    let path = "/orgs/acme/contacts/hank%40acme.example";
    let (s, b) = api.call(Who::User(ALICE), "PUT", path, None).await;
    assert_eq!((s, b["code"].as_str()), (409, Some("not-eligible")), "{b}");
    // Hank signs in with his verified address and asks about himself.
    let (s, b) = api
        .call(Who::User(hank), "GET", "/orgs/acme/members/me", None)
        .await;
    assert_eq!((s, b["verified"].as_bool()), (200, Some(true)));
    let (s, _) = api.call(Who::User(ALICE), "PUT", path, None).await;
    assert_eq!(s, 200);
    let (s, b) = api
        .call(Who::User(ALICE), "GET", "/orgs/acme/audit", None)
        .await;
    assert_eq!(s, 200);
    let entries = b["entries"].as_array().unwrap();
    let tail: Vec<(&str, &str)> = entries
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        tail,
        [
            ("member.add", "user:alice@acme.example"),
            ("contact.remove", "user:alice@acme.example"),
            ("member.verify", "user:hank@acme.example"),
            ("contact.designate", "user:alice@acme.example"),
        ]
    );
    let last = entries.last().unwrap();
    assert_eq!(last["target"], hank);
    assert_eq!(last["before"]["designated"], false);
    assert_eq!(last["after"]["designated"], true);
    // Members cannot read the audit trail.
    let (s, _) = api
        .call(Who::User(hank), "GET", "/orgs/acme/audit", None)
        .await;
    assert_eq!(s, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_racing_for_the_last_slot() {
    // One request at a time, like DynamoDB's per-request atomicity (see `support`).
    let api = api_on(support::serial_dynamodb()).await;
    // A second admin for acme, and two candidates; acme is at 3 of 3, so free one slot.
    for (email, role) in [
        ("zoe@acme.example", "admin"),
        ("c1@acme.example", "member"),
        ("c2@acme.example", "member"),
    ] {
        let (s, _) = api
            .call(
                Who::Operator(OPS),
                "POST",
                "/orgs/acme/members",
                Some(json!({ "email": email, "name": email, "role": role, "verified": true })),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (s, _) = api
        .call(
            Who::User(ALICE),
            "DELETE",
            "/orgs/acme/contacts/bob%40acme.example",
            None,
        )
        .await;
    assert_eq!(s, 200);
    let ((s1, b1), (s2, b2)) = tokio::join!(
        api.call(
            Who::User(ALICE),
            "PUT",
            "/orgs/acme/contacts/c1%40acme.example",
            None
        ),
        api.call(
            Who::User("zoe@acme.example"),
            "PUT",
            "/orgs/acme/contacts/c2%40acme.example",
            None
        ),
    );
    let mut statuses = [s1, s2];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{b1} {b2}");
    let loser = if s1 == 409 { b1 } else { b2 };
    assert_eq!(loser["code"], "limit-reached");
    assert!(
        loser["error"]
            .as_str()
            .unwrap()
            .contains("limit reached (3 of 3)"),
        "{loser}"
    );
}

#[tokio::test]
async fn downgrades_over_http_and_input_errors() {
    let api = api().await;
    // acme has 3 designations on enterprise + 1 extra: dropping the extra is refused.
    let (s, b) = api
        .call(
            Who::Operator(OPS),
            "PATCH",
            "/orgs/acme",
            Some(json!({ "extra_contacts": 0 })),
        )
        .await;
    assert_eq!((s, b["code"].as_str()), (409, Some("over-limit")), "{b}");
    let (s, b) = api
        .call(
            Who::Operator(OPS),
            "PATCH",
            "/orgs/globex",
            Some(json!({ "tier": "enterprise" })),
        )
        .await;
    assert_eq!((s, b["contacts"]["limit"].as_u64()), (200, Some(2)));
    let (s, b) = api.call(Who::User(DAVE), "GET", "/me", None).await;
    assert_eq!(
        (s, b["memberships"][0]["tier"].as_str()),
        (200, Some("enterprise"))
    );

    let cases = [
        ("GET", "/orgs/Not_Valid!/contacts", None, 400, "bad-request"),
        (
            "PUT",
            "/orgs/acme/contacts/not-an-email",
            None,
            400,
            "bad-request",
        ),
        (
            "POST",
            "/orgs/acme/members",
            Some(json!({ "email": "x@acme.example", "bogus": 1 })),
            400,
            "bad-request",
        ),
        ("POST", "/orgs/acme/members", None, 400, "bad-request"),
        (
            "PATCH",
            "/orgs/acme",
            Some(json!({ "tier": "platinum" })),
            400,
            "invalid",
        ),
        ("PATCH", "/orgs/acme", Some(json!({})), 400, "bad-request"),
        ("GET", "/nowhere", None, 404, "no-route"),
        (
            "POST",
            "/orgs/acme/contacts",
            None,
            405,
            "method-not-allowed",
        ),
        (
            "DELETE",
            "/orgs/acme/members/nobody%40acme.example",
            None,
            404,
            "not-a-member",
        ),
        (
            "DELETE",
            "/orgs/acme/contacts/carol%40acme.example",
            None,
            409,
            "not-designated",
        ),
        (
            "PUT",
            "/orgs/acme/contacts/alice%40acme.example",
            None,
            409,
            "already-designated",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let (s, b) = api.call(Who::Operator(OPS), method, path, body).await;
        assert_eq!(
            (s, b["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {b}"
        );
        assert!(b["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    // A base64 body (API Gateway sends one for some content types) is decoded.
    let mut req = event(Who::Operator(OPS), "POST", "/orgs/acme/members", None);
    req.body = Some("eyJlbWFpbCI6ICJiNjRAYWNtZS5leGFtcGxlIiwgIm5hbWUiOiAiQiJ9".into());
    req.is_base64_encoded = true;
    let resp = handle(&api.dir, &api.policies, &api.settings, req).await;
    assert_eq!(resp.status_code, 201);
}

#[tokio::test]
async fn an_admin_designates_themselves_and_manages_members() {
    let api = api().await;
    let ann = "ann@initrode.example";
    let (s, _) = api
        .call(
            Who::Operator(OPS),
            "POST",
            "/orgs",
            Some(
                json!({ "id": "initrode", "name": "Initrode", "policy": "scalr",
                         "tier": "business", "domains": ["initrode.example"] }),
            ),
        )
        .await;
    assert_eq!(s, 201);
    // Verified domains are shown, and no API call sets them (operators verify through the CLI
    // or an import file): an administrator cannot verify their own domain.
    let (s, b) = api
        .call(Who::Operator(OPS), "GET", "/orgs/initrode", None)
        .await;
    assert_eq!((s, &b["verified_domains"]), (200, &json!([])), "{b}");
    for who in [Who::Operator(OPS), Who::User("ann@initrode.example")] {
        let (s, _) = api
            .call(
                who,
                "PATCH",
                "/orgs/initrode",
                Some(json!({ "verified_domains": ["initrode.example"] })),
            )
            .await;
        assert!(s == 400 || s == 403, "{s}");
    }
    // The operator adds the admin without vouching for the address.
    let (s, b) = api
        .call(
            Who::Operator(OPS),
            "POST",
            "/orgs/initrode/members",
            Some(json!({ "email": ann, "name": "Ann", "role": "admin" })),
        )
        .await;
    assert_eq!((s, b["verified"].as_bool()), (201, Some(false)));
    // Her own signed-in call verifies her, so she may designate herself.
    let (s, b) = api
        .call(
            Who::User(ann),
            "PUT",
            "/orgs/initrode/contacts/ann%40initrode.example",
            None,
        )
        .await;
    assert_eq!((s, b["designated"].as_bool()), (200, Some(true)), "{b}");
    // She renames a member and makes them an admin; she cannot vouch for addresses.
    let (s, _) = api
        .call(
            Who::User(ann),
            "POST",
            "/orgs/initrode/members",
            Some(json!({ "email": "ben@initrode.example" })),
        )
        .await;
    assert_eq!(s, 201);
    let ben = "/orgs/initrode/members/ben%40initrode.example";
    let (s, b) = api
        .call(
            Who::User(ann),
            "PATCH",
            ben,
            Some(json!({ "name": "Ben Ito", "role": "admin" })),
        )
        .await;
    assert_eq!(
        (s, b["name"].as_str(), b["role"].as_str()),
        (200, Some("Ben Ito"), Some("admin"))
    );
    let (s, _) = api
        .call(
            Who::User(ann),
            "PATCH",
            ben,
            Some(json!({ "verified": true })),
        )
        .await;
    assert_eq!(s, 403);
    // A designated contact cannot be turned into a third party.
    let (s, b) = api
        .call(
            Who::User(ann),
            "PATCH",
            "/orgs/initrode/members/ann%40initrode.example",
            Some(json!({ "role": "third-party" })),
        )
        .await;
    assert_eq!((s, b["code"].as_str()), (400, Some("invalid")));
    // Removing a designated member frees the slot.
    let (s, _) = api
        .call(
            Who::User(ann),
            "DELETE",
            "/orgs/initrode/members/ann%40initrode.example",
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = api
        .call(Who::Operator(OPS), "GET", "/orgs/initrode", None)
        .await;
    assert_eq!(
        (
            s,
            b["contacts"]["used"].as_u64(),
            b["contacts"]["limit"].as_u64()
        ),
        (200, Some(0), Some(3))
    );
}

#[tokio::test]
async fn role_changes_and_the_last_admin_over_http() {
    let api = api().await;
    // alice adds an outsider as a third party (allowed), then tries to promote them.
    let (s, _) = api
        .call(
            Who::User(ALICE),
            "POST",
            "/orgs/acme/members",
            Some(json!({ "email": "x@gmail.example", "name": "X", "role": "third-party" })),
        )
        .await;
    assert_eq!(s, 201);
    let x = "/orgs/acme/members/x%40gmail.example";
    for role in ["member", "admin"] {
        let (s, b) = api
            .call(Who::User(ALICE), "PATCH", x, Some(json!({ "role": role })))
            .await;
        assert_eq!((s, b["code"].as_str()), (403, Some("forbidden")), "{b}");
    }
    // alice is acme's only administrator: she can neither leave nor step down.
    let me = "/orgs/acme/members/alice%40acme.example";
    let (s, b) = api.call(Who::User(ALICE), "DELETE", me, None).await;
    assert_eq!((s, b["code"].as_str()), (409, Some("last-admin")), "{b}");
    let (s, b) = api
        .call(
            Who::User(ALICE),
            "PATCH",
            me,
            Some(json!({ "role": "member" })),
        )
        .await;
    assert_eq!((s, b["code"].as_str()), (409, Some("last-admin")), "{b}");
    assert!(
        b["error"].as_str().unwrap().contains("administrator"),
        "{b}"
    );
}

/// Issue 11 item 10 over HTTP: operators set, show and remove an organisation's support term;
/// its admin sees it and cannot change it; a term that ends before it starts is refused.
#[tokio::test]
async fn the_support_term_over_http() {
    let api = api().await;
    let term = json!({ "start": "2026-01-01", "end": "2026-12-31" });
    let (s, b) = api
        .call(
            Who::Operator(OPS),
            "PATCH",
            "/orgs/globex",
            Some(json!({ "support_term": term })),
        )
        .await;
    assert_eq!((s, &b["support_term"]), (200, &term), "{b}");
    let (s, b) = api.call(Who::User(DAVE), "GET", "/orgs/globex", None).await;
    assert_eq!(
        (s, &b["support_term"]),
        (200, &term),
        "the admin sees it: {b}"
    );

    // Commercial terms belong to operators.
    let (s, b) = api
        .call(
            Who::User(DAVE),
            "PATCH",
            "/orgs/globex",
            Some(json!({ "support_term": { "start": "2026-01-01", "end": "2030-12-31" } })),
        )
        .await;
    assert_eq!(s, 403, "{b}");
    // Refused with the reason, and nothing changes.
    for bad in [
        json!({ "start": "2026-12-31", "end": "2026-01-01" }),
        json!({ "start": "next monday", "end": "2026-01-01" }),
    ] {
        let (s, b) = api
            .call(
                Who::Operator(OPS),
                "PATCH",
                "/orgs/globex",
                Some(json!({ "support_term": bad })),
            )
            .await;
        assert_eq!(s, 400, "{bad}: {b}");
        assert!(
            b["error"]
                .as_str()
                .is_some_and(|e| e.contains("support term") || e.contains("not a date")),
            "{b}"
        );
    }
    let (_, b) = api.call(Who::User(DAVE), "GET", "/orgs/globex", None).await;
    assert_eq!(b["support_term"], term, "{b}");

    // `null` removes it.
    let (s, b) = api
        .call(
            Who::Operator(OPS),
            "PATCH",
            "/orgs/globex",
            Some(json!({ "support_term": null })),
        )
        .await;
    assert_eq!((s, &b["support_term"]), (200, &Value::Null), "{b}");
}
