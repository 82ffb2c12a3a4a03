//! Weekday names, written once: the full names that error messages and auto-replies print, and
//! the three-letter keys a policy file's `hours` table uses are both derived from them.

use chrono::Weekday;

/// The days of the week from Monday, the order [`super::WeeklyHours`] indexes them in.
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

const NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// "Monday" … "Sunday".
pub fn weekday_name(day: Weekday) -> &'static str {
    NAMES[weekday_index(day)]
}

/// The weekday a policy file's `hours` key names: `mon` … `sun`, lower-case as the format writes
/// them.
pub fn weekday_from_key(key: &str) -> Option<Weekday> {
    WEEK.into_iter()
        .find(|day| weekday_name(*day)[..3].to_ascii_lowercase() == key)
}

/// Monday is 0, Sunday 6.
pub(super) fn weekday_index(weekday: Weekday) -> usize {
    weekday.num_days_from_monday() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keys_follow_the_week() {
        let names: Vec<&str> = WEEK.iter().map(|d| weekday_name(*d)).collect();
        assert_eq!(
            names.join(" "),
            "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
        );
        for (key, day) in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .into_iter()
            .zip(WEEK)
        {
            assert_eq!(weekday_from_key(key), Some(day), "{key}");
            assert_eq!(
                weekday_index(day),
                WEEK.iter().position(|d| *d == day).unwrap()
            );
        }
        for key in ["Mon", "MON", "monday", "mo", "", "weekdays"] {
            assert_eq!(weekday_from_key(key), None, "{key}");
        }
    }
}
