//! Why a calendar definition was rejected, in words meant for the person editing a policy: the
//! policy loader prefixes them with the file, the line and the calendar's name.

/// Why a calendar definition was rejected. Messages are meant for the person editing a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{text}: expected an opening interval such as 08:00-17:00")]
    IntervalSyntax { text: String },
    #[error("{text}: not a time of day (HH:MM, from 00:00 to 24:00)")]
    TimeOfDay { text: String },
    #[error("{interval}: the end is before the start")]
    EndBeforeStart { interval: String },
    #[error("{interval}: the interval is empty (it ends when it starts)")]
    EmptyInterval { interval: String },
    #[error("{interval}: a day ends at 24:00")]
    PastEndOfDay { interval: String },
    #[error("{weekday}: {interval} is listed twice")]
    DuplicateInterval { weekday: String, interval: String },
    #[error("{weekday}: {first} overlaps {second}")]
    OverlappingIntervals {
        weekday: String,
        first: String,
        second: String,
    },
    #[error("{text}: unknown holiday rule (the known rule is \"us-federal\")")]
    UnknownHolidayRule { text: String },
}
