//! `slamail holidays`: the closed days a policy's calendars apply in a year.

use chrono::Datelike;
use clap::Args;
use serde_json::json;

use crate::CliError;

use super::*;

#[derive(Debug, Args)]
pub struct HolidaysArgs {
    #[arg(long)]
    pub policy: String,
    #[arg(long)]
    pub year: i32,
    /// Which calendar of the policy (default: the policy's support calendar).
    #[arg(long)]
    pub calendar: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run_holidays(a: HolidaysArgs) -> Result<String, CliError> {
    let p = load(&a.policy)?;
    if !(1..=9999).contains(&a.year) {
        return Err(CliError::Input(format!(
            "--year {} is out of range (1 to 9999)",
            a.year
        )));
    }
    let cal = match &a.calendar {
        None => p.support_calendar(),
        Some(name) => slamail_core::ids::CalendarId::parse(name)
            .ok()
            .and_then(|id| p.calendar(&id))
            .ok_or_else(|| CliError::Input(format!("policy {} has no calendar {name:?}", p.id)))?,
    };
    let dates = cal.closed_dates(a.year);
    if a.json {
        let list: Vec<String> = dates
            .iter()
            .map(|d| d.date.format("%Y-%m-%d").to_string())
            .collect();
        return Ok(to_json(&json!(list)));
    }
    if dates.is_empty() {
        return Ok(format!("{}: no closed dates in {}", p.id, a.year));
    }
    Ok(dates
        .iter()
        .map(|d| {
            format!(
                "{} {}  {}",
                d.date.format("%Y-%m-%d"),
                d.date.weekday(),
                d.name
            )
        })
        .collect::<Vec<_>>()
        .join("\n"))
}
