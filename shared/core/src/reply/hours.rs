//! Support hours in words, as the auto-reply quotes them: "Monday to Friday, 08:00–17:00
//! (America/Los_Angeles), excluding US federal holidays".

use crate::calendar::{BusinessCalendar, HolidayRule, Interval, WEEK, weekday_name};

/// "Monday to Friday, 08:00–17:00 (America/Los_Angeles), excluding US federal holidays", or
/// "24 hours a day, 7 days a week". One-off closures are not listed: they are announced, not
/// repeated in every reply.
pub fn support_hours(calendar: &BusinessCalendar) -> String {
    let hours = calendar.hours();
    let zone = calendar.zone();
    let days: Vec<&[Interval]> = WEEK.iter().map(|d| hours.day(*d)).collect();
    let whole_day = |iv: &[Interval]| {
        iv.len() == 1 && iv[0].start_minute() == 0 && iv[0].end_minute() >= 24 * 60
    };
    if days.iter().all(|d| whole_day(d)) {
        return format!("24 hours a day, 7 days a week ({zone})");
    }
    // Consecutive days with the same hours read as one range: "Monday to Friday".
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (i, day) in days.iter().enumerate() {
        if day.is_empty() {
            continue;
        }
        match groups.last_mut() {
            Some((_, last)) if *last + 1 == i && days[*last] == *day => *last = i,
            _ => groups.push((i, i)),
        }
    }
    if groups.is_empty() {
        return format!("none are set ({zone})");
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|&(first, last)| {
            let range = match last - first {
                0 => weekday_name(WEEK[first]).to_string(),
                1 => format!(
                    "{} and {}",
                    weekday_name(WEEK[first]),
                    weekday_name(WEEK[last])
                ),
                _ => format!(
                    "{} to {}",
                    weekday_name(WEEK[first]),
                    weekday_name(WEEK[last])
                ),
            };
            let spans: Vec<String> = days[first]
                .iter()
                .map(|iv| format!("{}–{}", clock(iv.start_minute()), clock(iv.end_minute())))
                .collect();
            format!("{range}, {}", spans.join(" and "))
        })
        .collect();
    let closed: Vec<&str> = calendar
        .rules()
        .iter()
        .map(|r| match r {
            HolidayRule::UsFederal => "US federal holidays",
        })
        .collect();
    if closed.is_empty() {
        format!("{} ({zone})", parts.join("; "))
    } else {
        format!(
            "{} ({zone}), excluding {}",
            parts.join("; "),
            closed.join(" and ")
        )
    }
}

fn clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;

    use super::*;

    #[test]
    fn support_hours_wording() {
        use crate::calendar::WeeklyHours;
        let iv = |a, b| Interval::new(a, b).unwrap();
        let always = || vec![iv(0, 1440)];
        let cal = BusinessCalendar::new(
            Tz::UTC,
            WeeklyHours::new([
                always(),
                always(),
                always(),
                always(),
                always(),
                always(),
                always(),
            ])
            .unwrap(),
            vec![],
            vec![],
        );
        assert_eq!(support_hours(&cal), "24 hours a day, 7 days a week (UTC)");
        let day = || vec![iv(540, 720), iv(780, 1020)];
        let cal = BusinessCalendar::new(
            Tz::Europe__Berlin,
            WeeklyHours::new([
                day(),
                day(),
                day(),
                vec![],
                day(),
                vec![iv(600, 840)],
                vec![],
            ])
            .unwrap(),
            vec![],
            vec![],
        );
        assert_eq!(
            support_hours(&cal),
            "Monday to Wednesday, 09:00–12:00 and 13:00–17:00; Friday, 09:00–12:00 and \
             13:00–17:00; Saturday, 10:00–14:00 (Europe/Berlin)"
        );
        let cal = BusinessCalendar::new(
            Tz::UTC,
            WeeklyHours::new([vec![], vec![], vec![], vec![], vec![], always(), always()]).unwrap(),
            vec![],
            vec![],
        );
        assert_eq!(
            support_hours(&cal),
            "Saturday and Sunday, 00:00–24:00 (UTC)"
        );
    }
}
