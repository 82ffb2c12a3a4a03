//! How many auto-replies a policy sends: per recipient (sub-address tags removed), per recipient
//! domain, and in total from the policy, each as "at most N per window". The counting rule that
//! enforces them is [`crate::triage::loops::rate`].

use std::fmt;

use serde::Serialize;

/// The window a reply cap counts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RateWindow {
    Hour,
    Day,
}

impl RateWindow {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }

    pub fn millis(self) -> i64 {
        match self {
            Self::Hour => 3_600_000,
            Self::Day => 86_400_000,
        }
    }
}

/// "At most `count` replies in any `window`", sliding (there is no boundary at which the count
/// starts again), of which at most `burst` may go out back to back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rate {
    pub count: u32,
    pub window: RateWindow,
    pub burst: u32,
}

impl Rate {
    /// `count` per `window` with the default burst: half the count, rounded up, so that someone
    /// opening a few cases in a row hears back on each, and the rest spreads over the window.
    pub fn new(count: u32, window: RateWindow) -> Self {
        Self {
            count,
            window,
            burst: count.div_ceil(2),
        }
    }

    /// `count` per `window` with an explicit burst (1..=count).
    pub fn with_burst(count: u32, window: RateWindow, burst: u32) -> Result<Self, String> {
        if count == 0 {
            return Ok(Self {
                count,
                window,
                burst: 0,
            });
        }
        if burst == 0 || burst > count {
            return Err(format!(
                "burst {burst} must be between 1 and the count ({count})"
            ));
        }
        Ok(Self {
            count,
            window,
            burst,
        })
    }

    /// Parses `"5 per hour"` or `"20 per day, burst 10"`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "{text:?} is not a reply limit; write it as \"5 per hour\" or \"20 per day, burst 10\""
            )
        };
        let (main, burst) = match text.split_once(',') {
            Some((m, b)) => (m, Some(b)),
            None => (text, None),
        };
        let words: Vec<&str> = main.split_whitespace().collect();
        let [count, "per", window] = words.as_slice() else {
            return Err(bad());
        };
        let count: u32 = count.parse().map_err(|_| bad())?;
        let window = match window.to_ascii_lowercase().as_str() {
            "hour" => RateWindow::Hour,
            "day" => RateWindow::Day,
            _ => return Err(bad()),
        };
        match burst {
            None => Ok(Self::new(count, window)),
            Some(b) => {
                let words: Vec<&str> = b.split_whitespace().collect();
                let ["burst", n] = words.as_slice() else {
                    return Err(bad());
                };
                let n: u32 = n.parse().map_err(|_| bad())?;
                Self::with_burst(count, window, n)
            }
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} per {}, burst {}",
            self.count,
            self.window.as_str(),
            self.burst
        )
    }
}

/// A policy's reply caps. Every cap applies: a reply goes out only if each one allows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyLimits {
    /// Per recipient, counted on the address without its sub-address tag (`a+x@` is `a@`).
    pub per_address: Vec<Rate>,
    /// Per recipient domain.
    pub per_domain: Vec<Rate>,
    /// All replies of the policy together.
    pub per_policy: Vec<Rate>,
}

impl Default for ReplyLimits {
    /// Per address 5 an hour, all 5 back to back, and 20 a day: a person opening several cases in
    /// a row still hears back on each (as under the fixed hourly window this replaced), a robot we
    /// failed to recognise gets at most 20 messages a day from us. Per domain
    /// 60 an hour and 300 a day: a whole company writing at once during an outage is answered,
    /// a domain that forges its way past the per-address caps with many addresses is not.
    /// Per policy 3000 an hour: above any real support desk's peak, well under SES's quota
    /// (a backstop against a flood from many domains, which would cost the sending reputation).
    fn default() -> Self {
        Self {
            per_address: vec![
                Rate {
                    count: 5,
                    window: RateWindow::Hour,
                    burst: 5,
                },
                Rate::new(20, RateWindow::Day),
            ],
            per_domain: vec![
                Rate::new(60, RateWindow::Hour),
                Rate::new(300, RateWindow::Day),
            ],
            per_policy: vec![Rate::new(3000, RateWindow::Hour)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_limits_and_refuses_nonsense() {
        assert_eq!(
            Rate::parse("5 per hour"),
            Ok(Rate {
                count: 5,
                window: RateWindow::Hour,
                burst: 3
            })
        );
        assert_eq!(
            Rate::parse("20 per Day, burst 10"),
            Ok(Rate {
                count: 20,
                window: RateWindow::Day,
                burst: 10
            })
        );
        assert_eq!(Rate::parse("0 per day").map(|r| r.burst), Ok(0));
        for bad in ["5/hour", "five per hour", "5 per week", "5 per hour, 3", ""] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
        assert!(
            Rate::parse("5 per hour, burst 6")
                .unwrap_err()
                .contains("between 1 and the count")
        );
        assert_eq!(
            Rate::parse("5 per hour").unwrap().to_string(),
            "5 per hour, burst 3"
        );
    }
}
