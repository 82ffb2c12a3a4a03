//! Properties over random instants, half of them near a clock change.

use super::reference::{reference_add_days, reference_add_minutes, reference_duration};
use super::*;

fn calendars() -> Vec<BusinessCalendar> {
    vec![
        activestate(),
        alectrona(),
        split_london(),
        night_shift(),
        BusinessCalendar::always_open(LA),
    ]
}

/// Calendars closed at every wall time a clock change touches; for these the business-days clock
/// is monotone. (Where open hours include a skipped or repeated wall time, carrying the wall time
/// to another day cannot be: 01:30 PDT comes before 01:10 PST but lands after it.)
fn dst_free(index: usize) -> bool {
    index < 3
}

/// Instants from 2024 to 2028 UTC, half of them within three days of a US or EU clock change.
fn instants() -> impl Strategy<Value = DateTime<Utc>> {
    let changes = [
        "2024-03-10T10:00:00Z",
        "2024-03-31T01:00:00Z",
        "2024-10-27T01:00:00Z",
        "2024-11-03T09:00:00Z",
        "2025-03-09T10:00:00Z",
        "2025-11-02T09:00:00Z",
        "2026-03-08T10:00:00Z",
        "2026-03-29T01:00:00Z",
        "2026-10-25T01:00:00Z",
        "2026-11-01T09:00:00Z",
        "2027-03-14T10:00:00Z",
        "2027-11-07T09:00:00Z",
    ]
    .map(|text| {
        DateTime::parse_from_rfc3339(text)
            .expect("test literal")
            .timestamp()
    });
    let base = 1_704_067_200_i64; // 2024-01-01T00:00:00Z
    prop_oneof![
        (0..4 * 365 * 86_400_i64).prop_map(move |s| base + s),
        (0..changes.len(), -3 * 86_400..3 * 86_400_i64).prop_map(move |(i, s)| changes[i] + s),
    ]
    .prop_flat_map(|s| (Just(s), 0..1_000_000_000_u32))
    .prop_map(|(s, nanos)| DateTime::from_timestamp(s, nanos).expect("in range"))
}

/// A calendar of [`calendars`], an instant received, and how much later a second receipt comes.
fn receipts() -> impl Strategy<Value = (usize, DateTime<Utc>, i64)> {
    (0..5_usize, instants(), 0..(10 * 86_400_i64))
}

/// The clock's next opening after `received` and the deadline `add` gives, checked for what
/// every deadline owes: it is open and not before the next opening, and a receipt `later_by`
/// seconds later (when given: the clock is monotone there) gets no earlier deadline.
fn checked_deadline(
    cal: &BusinessCalendar,
    received: DateTime<Utc>,
    add: impl Fn(DateTime<Utc>) -> Option<DateTime<Utc>>,
    later_by: Option<i64>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), TestCaseError> {
    let start = cal.next_opening(received).expect("opens");
    let deadline = add(received).expect("deadline");
    prop_assert!(deadline >= start);
    prop_assert!(cal.is_open(deadline), "{} not open", deadline);
    if let Some(later_by) = later_by {
        let later_deadline = add(received + TimeDelta::seconds(later_by)).expect("deadline");
        prop_assert!(later_deadline >= deadline);
    }
    Ok((start, deadline))
}

proptest! {
    // Failures are kept as named unit tests (see `zero_days_at_a_repeated_hour`) rather than in a
    // regressions file outside this module.
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn business_minutes_properties(
        (cal_index, received, later_by) in receipts(),
        minutes in prop_oneof![0..600_u32, 0..200_000_u32],
    ) {
        let cal = &calendars()[cal_index];
        let add = |t| cal.add_business_minutes(t, minutes);
        let (start, deadline) = checked_deadline(cal, received, add, Some(later_by))?;
        prop_assert!(start >= received);
        prop_assert!(cal.is_open(start));
        prop_assert_eq!(
            cal.business_duration_between(start, deadline),
            TimeDelta::minutes(i64::from(minutes))
        );
        if minutes > 0 {
            prop_assert!(deadline > start);
        }
        if cal_index == 4 {
            // The always-open calendar is the 24x7 clock.
            prop_assert_eq!(deadline, add_elapsed(received, minutes));
        }
    }

    #[test]
    fn business_days_properties(
        (cal_index, received, later_by) in receipts(),
        days in prop_oneof![0..5_u32, 0..400_u32],
    ) {
        let cal = &calendars()[cal_index];
        let add = |t| cal.add_business_days(t, days);
        let later_by = dst_free(cal_index).then_some(later_by);
        let (_, deadline) = checked_deadline(cal, received, add, later_by)?;
        prop_assert_eq!(deadline, reference_add_days(cal, received, days).expect("deadline"));
    }

    #[test]
    fn duration_matches_reference(
        cal_index in 0..5_usize,
        a in instants(),
        span in 0..(120 * 86_400_i64),
    ) {
        let cal = &calendars()[cal_index];
        let b = a + TimeDelta::seconds(span);
        prop_assert_eq!(cal.business_duration_between(a, b), reference_duration(cal, a, b));
    }

    #[test]
    fn is_open_agrees_with_next_opening(cal_index in 0..5_usize, t in instants()) {
        let cal = &calendars()[cal_index];
        let next = cal.next_opening(t).expect("opens");
        prop_assert_eq!(cal.is_open(t), next == t);
        prop_assert!(cal.is_open(next));
        // Nothing between t and the next opening is open.
        if next > t {
            prop_assert_eq!(cal.business_duration_between(t, next), TimeDelta::zero());
        }
    }

    #[test]
    fn minutes_agree_with_reference_walk(
        cal_index in 0..5_usize,
        received in instants(),
        minutes in 0..300_000_u32,
    ) {
        let cal = &calendars()[cal_index];
        prop_assert_eq!(
            cal.add_business_minutes(received, minutes),
            reference_add_minutes(cal, received, minutes)
        );
    }
}
