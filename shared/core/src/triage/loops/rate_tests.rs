use super::*;

fn addr(s: &str) -> EmailAddress {
    EmailAddress::parse(s).expect("address")
}

fn policy() -> PolicyId {
    PolicyId::parse("activestate").expect("policy id")
}

/// Every instant a counter admits, offering one reply at each of `offers` (milliseconds).
fn admitted(rate: &Rate, offers: &[i64]) -> Vec<i64> {
    let mut tat = None;
    let mut out = Vec::new();
    for &now in offers {
        if let Some(next) = admit(rate, tat, now) {
            tat = Some(next);
            out.push(now);
        }
    }
    out
}

/// The most admitted replies in any window of `len` milliseconds.
fn most_in_any_window(times: &[i64], len: i64) -> usize {
    (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|t| **t < times[i] + len)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn sub_address_tags_share_one_counter() {
    let limits = ReplyLimits::default();
    let keys = |a: &str| reply_rate_keys(&limits, &policy(), &addr(a), "m-1");
    let plain = keys("victim@example.com");
    for variant in [
        "victim+1@example.com",
        "Victim+anything@Example.COM",
        "victim+@example.com",
    ] {
        assert_eq!(keys(variant), plain, "{variant}");
    }
    assert_eq!(rate_address(&addr("+tag@example.com")), "+tag@example.com");
    assert_ne!(keys("other@example.com")[0], plain[0]);
    // The domain counter is shared by every address of the domain.
    let domain: Vec<_> = plain
        .iter()
        .filter(|k| k.scope == RateScope::Domain)
        .collect();
    assert_eq!(domain.len(), 2);
    assert!(domain[0].key.contains("#example.com#"));
    assert_eq!(
        keys("other@example.com")
            .into_iter()
            .filter(|k| k.scope == RateScope::Domain)
            .collect::<Vec<_>>(),
        domain.into_iter().cloned().collect::<Vec<_>>()
    );
}

#[test]
fn no_double_burst_across_a_window_boundary() {
    // The fixed-window counter this replaces let 5 through at 00:59 and 5 more at 01:00.
    let rate = Rate::new(5, RateWindow::Hour);
    let minute = 60_000;
    let offers: Vec<i64> = (0..10)
        .map(|i| 59 * minute + i * 1000)
        .chain((0..10).map(|i| 60 * minute + i * 1000))
        .collect();
    let got = admitted(&rate, &offers);
    assert_eq!(got.len(), rate.burst as usize, "{got:?}");
    assert!(most_in_any_window(&got, RateWindow::Hour.millis()) <= 5);
}

#[test]
fn never_more_than_the_count_in_any_window_wherever_it_starts() {
    // Offers at pseudo-random instants over four and a half days, densely enough to saturate every rate.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut t = 0i64;
    let offers: Vec<i64> = (0..20_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            t += (x % 40_000) as i64;
            t
        })
        .collect();
    for text in [
        "1 per hour",
        "5 per hour",
        "5 per hour, burst 5",
        "5 per hour, burst 1",
        "20 per day",
        "60 per hour",
        "300 per day, burst 300",
    ] {
        let rate = Rate::parse(text).expect("rate");
        let got = admitted(&rate, &offers);
        let most = most_in_any_window(&got, rate.window.millis());
        assert!(most <= rate.count as usize, "{text}: {most} in one window");
        // And the cap is not a trickle: it lets through about the sustained rate (count − burst + 1
        // per window; each reply waits up to one gap between offers past its slot).
        let windows = (t / rate.window.millis()) as usize;
        let sustained = (rate.count - rate.burst + 1) as usize;
        assert!(
            got.len() * 10 >= windows * sustained * 9,
            "{text}: only {} in {windows} windows",
            got.len()
        );
    }
}

#[test]
fn a_burst_goes_out_back_to_back() {
    let rate = Rate::parse("5 per hour, burst 4").expect("rate");
    assert_eq!(admitted(&rate, &[0; 10]).len(), 4);
    assert_eq!(
        admitted(&Rate::new(0, RateWindow::Day), &[0, 1, 2]).len(),
        0
    );
    assert_eq!(
        admitted(&Rate::new(1, RateWindow::Hour), &[0, 1, 2]).len(),
        1
    );
}

#[test]
fn the_policy_cap_is_sharded_without_exceeding_it() {
    let limits = ReplyLimits {
        per_policy: vec![
            Rate::new(3000, RateWindow::Hour),
            Rate::new(5, RateWindow::Day),
        ],
        ..ReplyLimits::default()
    };
    let mut shards = std::collections::BTreeMap::new();
    for i in 0..1000 {
        for k in reply_rate_keys(&limits, &policy(), &addr("a@b.example"), &format!("m-{i}")) {
            if k.scope == RateScope::Policy {
                shards.insert(k.key.clone(), k.rate);
                assert_eq!(k.hit().limit, k.limit.count);
            }
        }
    }
    let hourly: Vec<_> = shards
        .iter()
        .filter(|(k, _)| k.contains("#hour#"))
        .collect();
    assert_eq!(
        hourly.len(),
        POLICY_SHARDS as usize,
        "spread over every shard"
    );
    let total: u32 = hourly.iter().map(|(_, r)| r.count).sum();
    assert!((3000 - POLICY_SHARDS..=3000).contains(&total), "{total}");
    let daily: u32 = shards
        .iter()
        .filter(|(k, _)| k.contains("#day#"))
        .map(|(_, r)| r.count)
        .sum();
    assert!(daily <= 5, "{daily}");
}

#[test]
fn the_deployment_ceiling_lowers_per_address_caps_only() {
    let limits = ReplyLimits::default();
    let capped = RateLimits {
        per_hour: 1,
        per_day: 50,
    }
    .cap(&limits);
    assert_eq!(capped.per_address[0], Rate::new(1, RateWindow::Hour));
    assert_eq!(capped.per_address[1], limits.per_address[1]);
    assert_eq!(capped.per_domain, limits.per_domain);
    assert_eq!(RateLimits::default().cap(&limits), limits);
}
