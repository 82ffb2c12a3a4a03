//! The policies of a deployment: finding a policy by recipient, refusing shared addresses.

use super::*;

#[test]
fn policy_set_finds_policy_by_recipient() {
    let set = PolicySet::builtin().unwrap();
    let other = EmailAddress::parse("someone@example.com").unwrap();
    let ent = EmailAddress::parse("Enterprise-Support@ActiveState.com").unwrap();
    let (p, addr) = set.for_recipients([&other, &ent]).unwrap();
    assert_eq!(p.id.as_str(), "activestate");
    assert_eq!(addr, &ent);
    assert!(set.for_recipients([&other]).is_none());
    assert!(set.is_own_address(&EmailAddress::parse("support@scalr.com").unwrap()));
}

/// Issue 8 item 10: mail to two policies' addresses is governed by both, each once.
#[test]
fn every_policy_a_message_was_sent_to_governs_it_once() {
    let set = PolicySet::builtin().unwrap();
    let addr = |a: &str| EmailAddress::parse(a).unwrap();
    let (ent, support, scalr, other) = (
        addr("enterprise-support@activestate.com"),
        addr("support@activestate.com"),
        addr("support@scalr.com"),
        addr("someone@example.com"),
    );
    let found = set.all_for_recipients([&other, &ent, &scalr, &support]);
    let ids: Vec<_> = found
        .iter()
        .map(|(p, a)| (p.id.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("activestate", "enterprise-support@activestate.com"),
            ("scalr", "support@scalr.com")
        ]
    );
    assert!(set.all_for_recipients([&other]).is_empty());
}

#[test]
fn policy_set_rejects_shared_addresses() {
    let a = builtin("scalr").unwrap();
    let mut b = a.clone();
    b.id = PolicyId::parse("scalr2").unwrap();
    let err = PolicySet::new(vec![a, b]).unwrap_err();
    assert!(err.reason.contains("support@scalr.com"), "{err}");
}

#[test]
fn policy_list_of_a_deployment() {
    assert_eq!(PolicySet::from_list(None).unwrap().policies().len(), 3);
    assert_eq!(PolicySet::from_list(Some(" ")).unwrap().policies().len(), 3);
    let two = PolicySet::from_list(Some("scalr, alectrona")).unwrap();
    assert_eq!(two.policies().len(), 2);
    assert!(PolicySet::from_list(Some("no-such-policy")).is_err());
}
