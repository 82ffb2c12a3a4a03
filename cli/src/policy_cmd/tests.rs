//! What the policy commands print.

use super::show::{band_words, target_table};
use super::*;

/// Issue 11, point 12: every column of `slamail policy show` is separated from the next,
/// however long its cells ("…response time2 business days" ran together).
#[test]
fn target_table_columns_never_touch() {
    for id in policy::builtin_ids() {
        let p = policy::builtin(id).unwrap();
        let table = target_table(&p);
        assert!(!table.contains("time2"), "{id}:\n{table}");
        let header = table.lines().next().unwrap();
        let starts: Vec<usize> = p
            .tiers
            .iter()
            .map(|t| header.find(t.id.as_str()).unwrap())
            .collect();
        for line in table.lines().skip(1) {
            for &start in starts.iter().skip(1) {
                let before = &line[..start.min(line.len())];
                assert!(
                    before.ends_with("  ") || line.len() <= start,
                    "{id}: {line:?}"
                );
            }
        }
    }
}

#[test]
fn guideline_bands_are_never_breached() {
    let p = policy::builtin("activestate").unwrap();
    let high = p.security_band(7.5).unwrap();
    assert_eq!(band_words(high, true), "target 3-6 months (guideline)");
    let shown = policy_text(&p);
    assert!(!shown.contains("breach"), "{shown}");
    assert!(shown.contains("Mitre Corporation"), "{shown}");
    let out = run_security(SecurityArgs {
        policy: "activestate".into(),
        cvss: 7.5,
        disclosed: "2026-11-30".into(),
        json: false,
    })
    .unwrap();
    assert!(!out.contains("breach"), "{out}");
    assert!(
        out.contains("target time to resolve 2027-02-28 to 2027-05-30"),
        "{out}"
    );
    assert!(out.contains("\"Date of Public Disclosure\" means the date the Mitre Corporation completes the vulnerability analysis"), "{out}");
}
