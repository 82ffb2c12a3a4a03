//! The DynamoDB tables declared in infra/template.yaml, created in moto, and the harness.

use aws_sdk_dynamodb::types::{BillingMode, KeyType, ProjectionType, TimeToLiveStatus};
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use slamail_tables::{TablesError, create_tables_from_template, template_path};
use slamail_tests::{MotoServer, unique_name};

/// (attribute, key type) pairs of a key schema.
fn keys(schema: &[aws_sdk_dynamodb::types::KeySchemaElement]) -> Vec<(String, KeyType)> {
    schema
        .iter()
        .map(|k| (k.attribute_name().to_string(), k.key_type().clone()))
        .collect()
}

fn hash_range(hash: &str, range: &str) -> Vec<(String, KeyType)> {
    vec![
        (hash.to_string(), KeyType::Hash),
        (range.to_string(), KeyType::Range),
    ]
}

#[tokio::test]
async fn tables_from_the_template_have_the_declared_keys_and_indexes() {
    let moto = MotoServer::shared();
    let client = moto.dynamodb();
    let directory = unique_name("dir");
    let cases = unique_name("cases");

    create_tables_from_template(
        &client,
        template_path(),
        &[("DirectoryTable", &directory), ("CasesTable", &cases)],
    )
    .await
    .unwrap();

    let table = client
        .describe_table()
        .table_name(&directory)
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(keys(table.key_schema()), hash_range("pk", "sk"));
    assert_eq!(
        table.billing_mode_summary().and_then(|b| b.billing_mode()),
        Some(&BillingMode::PayPerRequest)
    );
    let gsis = table.global_secondary_indexes();
    assert_eq!(gsis.len(), 1);
    assert_eq!(gsis[0].index_name(), Some("by-email"));
    assert_eq!(keys(gsis[0].key_schema()), hash_range("email", "pk"));
    assert_eq!(
        gsis[0].projection().and_then(|p| p.projection_type()),
        Some(&ProjectionType::All)
    );

    let table = client
        .describe_table()
        .table_name(&cases)
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(keys(table.key_schema()), hash_range("pk", "sk"));
    let gsis = table.global_secondary_indexes();
    assert_eq!(gsis.len(), 3);
    assert_eq!(gsis[0].index_name(), Some("by-queue-due"));
    assert_eq!(keys(gsis[0].key_schema()), hash_range("queue", "due_utc"));
    assert_eq!(
        gsis[0].projection().and_then(|p| p.projection_type()),
        Some(&ProjectionType::All)
    );
    // The SLA watch's due work and the attainment reports' months (docs/watch.md): keys only.
    for (gsi, (name, hash, range)) in gsis[1..].iter().zip([
        ("by-next-warning", "watch_shard", "next_warning_utc"),
        ("by-report-month", "report_month", "report_org"),
    ]) {
        assert_eq!(gsi.index_name(), Some(name));
        assert_eq!(keys(gsi.key_schema()), hash_range(hash, range));
        assert_eq!(
            gsi.projection().and_then(|p| p.projection_type()),
            Some(&ProjectionType::KeysOnly)
        );
    }

    let ttl = client
        .describe_time_to_live()
        .table_name(&cases)
        .send()
        .await
        .unwrap()
        .time_to_live_description
        .unwrap();
    assert_eq!(ttl.attribute_name(), Some("expires_at"));
    assert_eq!(ttl.time_to_live_status(), Some(&TimeToLiveStatus::Enabled));
}

#[tokio::test]
async fn creating_an_existing_table_names_the_table_and_resource() {
    let moto = MotoServer::shared();
    let client = moto.dynamodb();
    let name = unique_name("dup");
    let pairs = [("DirectoryTable", name.as_str())];
    create_tables_from_template(&client, template_path(), &pairs)
        .await
        .unwrap();
    let err = create_tables_from_template(&client, template_path(), &pairs)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TablesError::Create { logical_id, table_name, .. }
            if logical_id == "DirectoryTable" && table_name == &name),
        "{err}"
    );
}

#[tokio::test]
async fn a_resource_that_is_not_a_table_is_rejected_before_anything_is_created() {
    let moto = MotoServer::shared();
    let client = moto.dynamodb();
    let name = unique_name("never");
    let err = create_tables_from_template(
        &client,
        template_path(),
        &[("CasesTable", &name), ("RawMailBucket", "x")],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, TablesError::NotATable { .. }), "{err}");
    let tables = client.list_tables().send().await.unwrap();
    assert!(!tables.table_names().contains(&name));
}

#[tokio::test]
async fn a_dedicated_server_records_sent_mail_resets_and_stops_on_drop() {
    let moto = MotoServer::start().unwrap();
    let ses = moto.sesv2();
    assert!(moto.sent_emails().unwrap().is_empty());
    ses.create_email_identity()
        .email_identity("support.example.com")
        .send()
        .await
        .unwrap();
    let mime = "From: help@support.example.com\r\nTo: customer@example.org\r\n\
                Subject: [AS-1] Re: hi\r\nAuto-Submitted: auto-replied\r\n\r\nHello\r\n";
    ses.send_email()
        .from_email_address("help@support.example.com")
        .destination(
            Destination::builder()
                .to_addresses("customer@example.org")
                .build(),
        )
        .content(
            EmailContent::builder()
                .raw(
                    RawMessage::builder()
                        .data(Blob::new(mime.as_bytes()))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(moto.sent_emails().unwrap(), [mime]);
    let sent = moto.sent_messages().unwrap();
    assert_eq!(sent[0].source, "help@support.example.com");
    assert!(
        sent[0]
            .destinations
            .contains(&"customer@example.org".to_string())
    );

    moto.reset().unwrap();
    assert!(moto.sent_emails().unwrap().is_empty());

    let endpoint = moto.endpoint().to_string();
    let port = moto.port();
    drop(moto);
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "moto still answers on {endpoint} after drop"
    );
}

// ------------------------------------------------------------------ test layout

/// Integration tests are one binary, so a run starts one moto server: a test file directly in
/// `tests/tests/` would be a binary of its own (and its own server), and a file in the
/// integration folder without a `mod` line in its `main.rs` would never run.
#[test]
fn one_test_binary() {
    let tests = slamail_tests::repo_root().join("tests/tests");
    let rs_files = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let loose = rs_files(&tests);
    assert!(
        loose.is_empty(),
        "tests/tests/{{{}}}.rs would each be a test binary with its own moto server: move them \
         into tests/tests/integration/ and declare them in its main.rs",
        loose.join(",")
    );
    let folder = tests.join("integration");
    let main = std::fs::read_to_string(folder.join("main.rs")).unwrap();
    let undeclared: Vec<_> = rs_files(&folder)
        .into_iter()
        .filter(|m| m != "main" && !main.lines().any(|l| l.trim() == format!("mod {m};")))
        .collect();
    assert!(
        undeclared.is_empty(),
        "tests/tests/integration/{{{}}}.rs never run: add `mod <name>;` to main.rs",
        undeclared.join(",")
    );
}

// ------------------------------------------------------------- key policy scope

mod key_policy {
    use std::collections::BTreeSet;

    use serde_yaml::Value;

    const ACCOUNT_ARN: &str = "${AWS::Partition}:{service}:${AWS::Region}:${AWS::AccountId}";

    fn template() -> Value {
        serde_yaml::from_str(slamail_tables::TEMPLATE_YAML).expect("template.yaml is YAML")
    }

    /// The string of a `!Sub "..."` (or `Fn::Sub`) without variables map, or a literal.
    fn sub_or_literal(v: &Value) -> Option<&str> {
        match v {
            Value::String(s) => Some(s),
            Value::Tagged(t) if t.tag == "!Sub" => t.value.as_str(),
            Value::Mapping(m) => m.get("Fn::Sub").and_then(Value::as_str),
            _ => None,
        }
    }

    fn arn(service: &str, rest: &str) -> String {
        format!("arn:{}:{rest}", ACCOUNT_ARN.replace("{service}", service))
    }

    fn resource<'a>(t: &'a Value, id: &str) -> &'a Value {
        &t["Resources"][id]
    }

    /// ARNs the template's own SES resources have: the receipt rule and the configuration set.
    fn ses_resource_arns(t: &Value) -> BTreeSet<String> {
        let rule_set = sub_or_literal(&resource(t, "ReceiptRuleSet")["Properties"]["RuleSetName"])
            .expect("ReceiptRuleSet has a RuleSetName");
        let rule = sub_or_literal(&resource(t, "SupportReceiptRule")["Properties"]["Rule"]["Name"])
            .expect("SupportReceiptRule has a Name");
        let config_set =
            sub_or_literal(&resource(t, "ReplyConfigurationSet")["Properties"]["Name"])
                .expect("ReplyConfigurationSet has a Name");
        BTreeSet::from([
            arn(
                "ses",
                &format!("receipt-rule-set/{rule_set}:receipt-rule/{rule}"),
            ),
            arn("ses", &format!("configuration-set/{config_set}")),
        ])
    }

    /// `log-group:<name>` ARNs of every log group the template declares.
    fn log_group_arns(t: &Value) -> BTreeSet<String> {
        t["Resources"]
            .as_mapping()
            .expect("Resources")
            .iter()
            .filter(|(_, r)| r["Type"].as_str() == Some("AWS::Logs::LogGroup"))
            .map(|(id, r)| {
                let name = sub_or_literal(&r["Properties"]["LogGroupName"])
                    .unwrap_or_else(|| panic!("log group {id:?} needs a LogGroupName"));
                arn("logs", &format!("log-group:{name}"))
            })
            .collect()
    }

    /// The data key's policy statements granting `service` (matched on the principal text).
    fn statements_for(t: &Value, service: &str) -> Vec<Value> {
        resource(t, "DataKey")["Properties"]["KeyPolicy"]["Statement"]
            .as_sequence()
            .expect("DataKey has a key policy")
            .iter()
            .filter(|s| {
                sub_or_literal(&s["Principal"]["Service"]).is_some_and(|p| p.starts_with(service))
            })
            .cloned()
            .collect()
    }

    /// Values a statement's condition gives `key` under an exact operator; panics on a `*Like`
    /// operator or a wildcard, which would let other resources of the account match.
    fn exact_condition_values(statement: &Value, key: &str) -> BTreeSet<String> {
        let sid = statement["Sid"].as_str().unwrap_or("(no Sid)");
        let mut values = BTreeSet::new();
        for (operator, keys) in statement["Condition"].as_mapping().into_iter().flatten() {
            let operator = operator.as_str().unwrap_or_default();
            let Some(v) = keys.get(key) else { continue };
            assert!(
                operator == "StringEquals" || operator == "ArnEquals",
                "{sid}: {key} under {operator} matches more than this stack's resources; use \
                 StringEquals or ArnEquals with exact ARNs"
            );
            let list = match v {
                Value::Sequence(items) => items.iter().collect(),
                single => vec![single],
            };
            for item in list {
                let text = sub_or_literal(item)
                    .unwrap_or_else(|| panic!("{sid}: {key} value {item:?} is not a string"));
                assert!(!text.contains('*'), "{sid}: {key} {text:?} has a wildcard");
                values.insert(text.to_string());
            }
        }
        values
    }

    #[test]
    fn ses_may_use_the_key_only_for_this_stacks_receipt_rule_and_configuration_set() {
        let t = template();
        let expected = ses_resource_arns(&t);
        let statements = statements_for(&t, "ses.amazonaws.com");
        assert!(!statements.is_empty(), "SES needs the key for raw mail");
        let mut granted = BTreeSet::new();
        for s in &statements {
            let arns = exact_condition_values(s, "aws:SourceArn");
            assert!(
                !arns.is_empty(),
                "{}: SES may use the key for any SES resource of the account; add an \
                 aws:SourceArn condition naming this stack's resources",
                s["Sid"].as_str().unwrap_or("(no Sid)")
            );
            let unknown: Vec<_> = arns.difference(&expected).collect();
            assert!(
                unknown.is_empty(),
                "not this stack's SES resources: {unknown:?}"
            );
            granted.extend(arns);
        }
        assert_eq!(granted, expected, "every SES resource that needs the key");
    }

    #[test]
    fn cloudwatch_logs_may_use_the_key_only_for_this_stacks_log_groups() {
        let t = template();
        let expected = log_group_arns(&t);
        assert_eq!(
            expected.len(),
            7,
            "intake, contacts, agents, watch, API access, feedback and replies logs"
        );
        let statements = statements_for(&t, "logs.");
        assert_eq!(statements.len(), 1);
        let granted = exact_condition_values(&statements[0], "kms:EncryptionContext:aws:logs:arn");
        assert_eq!(granted, expected);
    }

    #[test]
    fn the_checks_reject_the_wide_statements() {
        let wide: Value = serde_yaml::from_str(
            r#"
Sid: AnySesResource
Principal: { Service: ses.amazonaws.com }
Condition:
  StringEquals: { aws:SourceAccount: !Ref AWS::AccountId }
"#,
        )
        .unwrap();
        assert!(exact_condition_values(&wide, "aws:SourceArn").is_empty());

        let any_log_group: Value = serde_yaml::from_str(
            r#"
Sid: AnyLogGroup
Condition:
  ArnLike:
    kms:EncryptionContext:aws:logs:arn: !Sub "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"
"#,
        )
        .unwrap();
        let verdict = std::panic::catch_unwind(|| {
            exact_condition_values(&any_log_group, "kms:EncryptionContext:aws:logs:arn")
        });
        assert!(verdict.is_err(), "ArnLike with a wildcard must be refused");
    }
}

// ------------------------------------------------------- the console's CloudFront

/// CloudFront in front of the HTTP API: every API path the console calls reaches the API with
/// its query string (`GET /orgs/{org}/report?month=` answers 400 without it) and its
/// Authorization header, and nothing is cached beyond the 1-second key CloudFront requires for
/// forwarding Authorization.
mod console_distribution {
    use serde_yaml::Value;

    fn template() -> Value {
        serde_yaml::from_str(slamail_tables::TEMPLATE_YAML).expect("template.yaml is YAML")
    }

    /// CloudFront's path patterns: `*` is any run of characters, `?` one character.
    fn matches(pattern: &[u8], path: &[u8]) -> bool {
        match (pattern.first(), path.first()) {
            (None, None) => true,
            (Some(b'*'), _) => {
                matches(&pattern[1..], path) || (!path.is_empty() && matches(pattern, &path[1..]))
            }
            (Some(b'?'), Some(_)) => matches(&pattern[1..], &path[1..]),
            (Some(p), Some(c)) if p == c => matches(&pattern[1..], &path[1..]),
            _ => false,
        }
    }

    /// The resource a `!Ref X` names.
    fn referenced<'a>(t: &'a Value, v: &Value) -> &'a Value {
        let id = match v {
            Value::Tagged(tag) if tag.tag == "!Ref" => tag.value.as_str(),
            Value::Mapping(m) => m.get("Ref").and_then(Value::as_str),
            _ => None,
        }
        .unwrap_or_else(|| panic!("not a !Ref: {v:?}"));
        &t["Resources"][id]["Properties"]
    }

    #[test]
    fn api_paths_reach_the_api_with_their_query_strings_and_nothing_cached() {
        assert!(matches(b"/orgs*", b"/orgs/acme/report"));
        assert!(!matches(b"/cases/*", b"/cases"));
        let t = template();
        let config = &t["Resources"]["ConsoleDistribution"]["Properties"]["DistributionConfig"];
        let behaviours = config["CacheBehaviors"].as_sequence().expect("behaviours");
        // The paths the pages call (console.js, agents.js), as CloudFront sees them.
        for path in [
            "/me",
            "/orgs/acme/report",
            "/orgs/acme/members",
            "/cases/AS-2026-000001/reply",
            "/queues/activestate/enterprise",
        ] {
            let b = behaviours
                .iter()
                .find(|b| {
                    matches(
                        b["PathPattern"].as_str().unwrap().as_bytes(),
                        path.as_bytes(),
                    )
                })
                .unwrap_or_else(|| panic!("{path} would be served from the console bucket"));
            assert_eq!(b["TargetOriginId"].as_str(), Some("contacts-api"), "{path}");
            let cache = &referenced(&t, &b["CachePolicyId"])["CachePolicyConfig"];
            assert_eq!(cache["DefaultTTL"].as_i64(), Some(0), "{path}");
            assert!(cache["MaxTTL"].as_i64().unwrap() <= 1, "{path}");
            let key = &cache["ParametersInCacheKeyAndForwardedToOrigin"];
            assert_eq!(
                key["HeadersConfig"]["Headers"][0].as_str(),
                Some("Authorization"),
                "{path}"
            );
            // In the key: one query's answer is never another's, and the API gets it.
            assert_eq!(
                key["QueryStringsConfig"]["QueryStringBehavior"].as_str(),
                Some("all"),
                "{path}: the query string must reach the API"
            );
            let origin = &referenced(&t, &b["OriginRequestPolicyId"])["OriginRequestPolicyConfig"];
            assert_eq!(
                origin["QueryStringsConfig"]["QueryStringBehavior"].as_str(),
                Some("all"),
                "{path}"
            );
        }
    }
}

// ------------------------------------------------------- the functions' settings

/// Each function's settings, as its Lambda reads them, against the template: every setting a
/// function's configuration reads and the template gives to any function is given to this one
/// too, with the same value. Otherwise two functions that apply one rule (the undeliverable
/// hold, the policies in force, the Message-ID domain) could run with different values.
mod function_settings {
    use std::cell::RefCell;
    use std::collections::{BTreeMap, BTreeSet};

    use serde_yaml::Value;

    fn template() -> Value {
        serde_yaml::from_str(slamail_tables::TEMPLATE_YAML).expect("template.yaml is YAML")
    }

    /// A variable's value as written in the template, e.g. `!Ref SupportPolicies` or `"7"`.
    fn written(v: &Value) -> String {
        match v {
            Value::Tagged(tag) => format!("{} {}", tag.tag, written(&tag.value)),
            Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        }
    }

    /// The value a deployed function sees: literals as written, a parameter's default, or a
    /// placeholder for a resource name.
    fn deployed(t: &Value, v: &Value) -> String {
        match v {
            Value::Tagged(tag) if tag.tag == "!Ref" => {
                let name = tag.value.as_str().unwrap_or_default();
                match &t["Parameters"][name]["Default"] {
                    Value::Null => format!("resource-{name}"),
                    d => written(d),
                }
            }
            Value::Tagged(_) => "resource".to_string(),
            other => written(other),
        }
    }

    /// Binary name → (written, deployed) value of each environment variable.
    fn environments(t: &Value) -> BTreeMap<String, BTreeMap<String, (String, String)>> {
        let mut out = BTreeMap::new();
        for (_, resource) in t["Resources"].as_mapping().expect("resources") {
            let Some(binary) = resource["Metadata"]["BuildProperties"]["Binary"].as_str() else {
                continue;
            };
            let vars = resource["Properties"]["Environment"]["Variables"]
                .as_mapping()
                .cloned()
                .unwrap_or_default();
            let env = vars
                .iter()
                .map(|(k, v)| {
                    let name = k.as_str().unwrap_or_default().to_string();
                    (name, (written(v), deployed(t, v)))
                })
                .collect();
            out.insert(binary.to_string(), env);
        }
        out
    }

    type Reader = fn(&dyn Fn(&str) -> Option<String>) -> Result<(), String>;

    /// Each function's own configuration reader, as its `main` calls it.
    fn readers() -> Vec<(&'static str, Reader)> {
        fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<(), String> {
            r.map(|_| ()).map_err(|e| e.to_string())
        }
        vec![
            ("intake", |g| ok(slamail_intake::IntakeConfig::from_env(g))),
            ("replies", |g| {
                ok(slamail_replies::RepliesConfig::from_env(g))
            }),
            ("feedback", |g| {
                ok(slamail_feedback::FeedbackConfig::from_env(g))
            }),
            ("contacts", |g| {
                ok(slamail_contacts::ContactsConfig::from_env(g))
            }),
            ("agents", |g| ok(slamail_agents::AgentsConfig::from_env(g))),
            ("watch", |g| ok(slamail_watch::WatchConfig::from_env(g))),
        ]
    }

    /// The names `reader` asks for, given `env` as the function's environment.
    fn reads(
        reader: Reader,
        env: &BTreeMap<String, (String, String)>,
    ) -> (BTreeSet<String>, Result<(), String>) {
        let asked = RefCell::new(BTreeSet::new());
        let outcome = reader(&|name: &str| {
            asked.borrow_mut().insert(name.to_string());
            env.get(name).map(|(_, value)| value.clone())
        });
        (asked.into_inner(), outcome)
    }

    #[test]
    fn every_function_reads_the_settings_the_template_gives_the_others_with_one_value() {
        let t = template();
        let envs = environments(&t);
        let readers = readers();
        assert_eq!(
            envs.keys().map(String::as_str).collect::<BTreeSet<_>>(),
            readers.iter().map(|(b, _)| *b).collect::<BTreeSet<_>>(),
            "a configuration reader for each function of the template"
        );
        // Every value the template gives a variable, over all functions.
        let mut values: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for env in envs.values() {
            for (name, (written, _)) in env {
                values.entry(name).or_default().insert(written);
            }
        }
        let mut problems = Vec::new();
        for (name, set) in &values {
            if set.len() > 1 {
                problems.push(format!(
                    "{name} has several values in the template: {set:?}"
                ));
            }
        }
        for (binary, reader) in readers {
            let env = &envs[binary];
            let (asked, outcome) = reads(reader, env);
            if let Err(e) = outcome {
                problems.push(format!(
                    "{binary}: the template's settings are refused: {e}"
                ));
            }
            for name in asked {
                if values.contains_key(name.as_str()) && !env.contains_key(&name) {
                    problems.push(format!(
                        "{binary} reads {name}, which the template sets on other functions \
                         ({:?}) but not on {binary}: it would run with its default",
                        values[name.as_str()]
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
