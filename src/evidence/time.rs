//! Timestamps as the AWS CLI prints them: ISO 8601 strings by default
//! (`2026-03-09T17:08:32+00:00`, with or without fractions, `Z` or an offset), epoch seconds
//! as numbers in some setups (`cli_timestamp_format = none`, SDK dumps).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

const SECONDS_PER_DAY: i64 = 86_400;

/// An instant, in seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub epoch_seconds: i64,
}

impl Timestamp {
    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM|±HHMM]` (a space may replace `T`).
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        let date = text.get(..10)?;
        let days = days_from_date(date)?;
        let rest = text.get(10..)?;
        if rest.is_empty() {
            return Some(Timestamp {
                epoch_seconds: days * SECONDS_PER_DAY,
            });
        }
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let clock = rest.get(..8)?;
        let seconds = seconds_of_clock(clock)?;
        let mut zone = rest.get(8..)?;
        if let Some(fraction) = zone.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            zone = fraction.get(digits..)?;
        }
        let offset = offset_seconds(zone)?;
        Some(Timestamp {
            epoch_seconds: days * SECONDS_PER_DAY + seconds - offset,
        })
    }

    /// The day it falls on (UTC), counted from 1970-01-01.
    pub fn day(self) -> i64 {
        self.epoch_seconds.div_euclid(SECONDS_PER_DAY)
    }

    /// Whole days from `today` (a day number, [`Timestamp::day`]) to this instant's day.
    pub fn days_after(self, today: i64) -> i64 {
        self.day() - today
    }

    /// `YYYY-MM-DD` (UTC).
    pub fn date(self) -> String {
        let (y, m, d) = date_from_days(self.day());
        format!("{y:04}-{m:02}-{d:02}")
    }
}

fn number(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_from_date(date: &str) -> Option<i64> {
    let bytes = date.as_bytes();
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let year = number(date.get(..4)?)?;
    let month = number(date.get(5..7)?)?;
    let day = number(date.get(8..10)?)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn seconds_of_clock(clock: &str) -> Option<i64> {
    let bytes = clock.as_bytes();
    if bytes.get(2) != Some(&b':') || bytes.get(5) != Some(&b':') {
        return None;
    }
    let h = number(clock.get(..2)?)?;
    let m = number(clock.get(3..5)?)?;
    let s = number(clock.get(6..8)?)?;
    (h < 24 && m < 60 && s < 61).then_some(h * 3600 + m * 60 + s)
}

/// `Z`, `+00:00`, `-0500`, or nothing (UTC).
fn offset_seconds(zone: &str) -> Option<i64> {
    if zone.is_empty() || zone.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone.get(1..)?.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 {
        return None;
    }
    let h = number(digits.get(..2)?)?;
    let m = number(digits.get(2..)?)?;
    (h < 24 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn date_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an ISO 8601 timestamp (2026-03-09T17:08:32+00:00) or epoch seconds")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Timestamp::parse(v).ok_or_else(|| {
            E::custom(format!(
                "`{v}` is not an ISO 8601 timestamp (like 2026-03-09T17:08:32+00:00)"
            ))
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        Ok(Timestamp { epoch_seconds: v })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        i64::try_from(v)
            .map(|epoch_seconds| Timestamp { epoch_seconds })
            .map_err(|_| E::custom(format!("{v} is out of range for epoch seconds")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
        if v.is_finite() && v.abs() < 1e15 {
            Ok(Timestamp {
                epoch_seconds: v.floor() as i64,
            })
        } else {
            Err(E::custom(format!("{v} is out of range for epoch seconds")))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_cli_formats_parse_to_the_same_instant() {
        let utc = Timestamp::parse("2026-03-09T17:08:32+00:00").unwrap();
        assert_eq!(utc.epoch_seconds, 1_773_076_112);
        for same in [
            "2026-03-09T17:08:32Z",
            "2026-03-09T17:08:32.481000+00:00",
            "2026-03-09T19:08:32+02:00",
            "2026-03-09T12:08:32-0500",
            "2026-03-09 17:08:32",
        ] {
            assert_eq!(Timestamp::parse(same), Some(utc), "{same}");
        }
        let epoch: Timestamp = serde_json::from_str("1773076112.481").unwrap();
        assert_eq!(epoch, utc);
        let integer: Timestamp = serde_json::from_str("1773076112").unwrap();
        assert_eq!(integer, utc);
    }

    #[test]
    fn dates_and_day_counts() {
        let t = Timestamp::parse("2024-02-29").unwrap();
        assert_eq!(t.date(), "2024-02-29");
        assert_eq!(Timestamp::parse("1970-01-01").unwrap().day(), 0);
        let next_year = Timestamp::parse("2025-03-01T00:00:00Z").unwrap();
        assert_eq!(next_year.days_after(t.day()), 366);
        assert_eq!(Timestamp { epoch_seconds: -1 }.date(), "1969-12-31");
    }

    #[test]
    fn malformed_timestamps_are_rejected() {
        for bad in [
            "",
            "2026-13-01",
            "2026-02-30",
            "09/03/2026",
            "2026-03-09T25:00:00Z",
            "2026-03-09T17:08:32+5",
            "2026-03-09T17:08:32.Z",
            "yesterday",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
        let error = serde_json::from_str::<Timestamp>("\"soon\"").unwrap_err();
        assert!(error.to_string().contains("`soon` is not an ISO 8601"));
    }
}
