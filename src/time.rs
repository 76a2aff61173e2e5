//! Instants, local dates and calendar months.
//!
//! Every dated rule (era switches, rate cards, market moves, month boundaries) falls at 00:00 in
//! the business's time zone, a fixed UTC offset. A message's *local date* is therefore the UTC
//! instant shifted by that offset and cut to whole days.

use chrono::{DateTime, Datelike, NaiveDate};
use std::fmt;

/// Nanoseconds in one second.
pub const SECOND: i64 = 1_000_000_000;
/// Nanoseconds in one hour.
pub const HOUR: i64 = 3_600 * SECOND;
/// Nanoseconds in one day.
pub const DAY: i64 = 24 * HOUR;

/// An instant: nanoseconds since 1970-01-01T00:00:00Z. Exact for any RFC 3339 time a log can hold
/// between the years 1678 and 2261, so ties and orderings are never lost to rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time(pub i64);

impl Time {
    /// The earliest representable instant; used as "never" for window ends.
    pub const NEVER: Time = Time(i64::MIN);

    /// This instant plus a duration in nanoseconds (saturating, so "never" stays in the past).
    #[must_use]
    pub fn plus(self, nanos: i64) -> Time {
        Time(self.0.saturating_add(nanos))
    }

    /// Parses an RFC 3339 time with an explicit offset, e.g. `2025-07-01T10:00:00+05:30`.
    ///
    /// # Errors
    /// A description of what was expected when the text is not such a time.
    pub fn parse_rfc3339(text: &str) -> Result<Time, String> {
        let parsed = DateTime::parse_from_rfc3339(text)
            .map_err(|e| format!("expected an RFC 3339 time with offset like 2025-07-01T10:00:00+05:30 ({e})"))?;
        parsed.timestamp_nanos_opt().map(Time).ok_or_else(|| "time is outside the years 1678 to 2261".to_owned())
    }

    /// From whole seconds since the epoch.
    #[must_use]
    pub const fn from_secs(secs: i64) -> Time {
        Time(secs * SECOND)
    }

    /// The local date of this instant in a zone with the given UTC offset.
    #[must_use]
    pub fn local_date(self, offset: UtcOffset) -> Date {
        let local = self.0 + i64::from(offset.0) * SECOND;
        Date(i32::try_from(local.div_euclid(DAY)).unwrap_or(i32::MAX))
    }

    /// Formats as RFC 3339 in the given offset, to the second (fractions only when present).
    #[must_use]
    pub fn display(self, offset: UtcOffset) -> String {
        let secs = self.0.div_euclid(SECOND) + i64::from(offset.0);
        let nanos = u32::try_from(self.0.rem_euclid(SECOND)).unwrap_or(0);
        let Some(dt) = DateTime::from_timestamp(secs, nanos) else {
            return format!("{}ns", self.0);
        };
        let base = dt.naive_utc().format("%Y-%m-%dT%H:%M:%S");
        let frac = if nanos == 0 {
            String::new()
        } else {
            let digits = format!("{nanos:09}");
            format!(".{}", digits.trim_end_matches('0'))
        };
        format!("{base}{frac}{offset}")
    }
}

/// A fixed offset from UTC, in seconds east of Greenwich.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct UtcOffset(pub i32);

impl UtcOffset {
    /// Parses `+HH:MM`, `-HH:MM`, `Z` or `UTC`.
    ///
    /// # Errors
    /// What was expected, when the text is not an offset.
    pub fn parse(text: &str) -> Result<UtcOffset, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
            return Ok(UtcOffset(0));
        }
        let bad = || format!("expected a UTC offset like +05:30 or -08:00, found `{text}`");
        let (sign, rest) = match t.as_bytes().first() {
            Some(b'+') => (1, &t[1..]),
            Some(b'-') => (-1, &t[1..]),
            _ => return Err(bad()),
        };
        let (h, m) = rest.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: i32 = h.parse().map_err(|_| bad())?;
        let m: i32 = m.parse().map_err(|_| bad())?;
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(UtcOffset(sign * (h * 3600 + m * 60)))
    }
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { '-' } else { '+' };
        let abs = self.0.abs();
        write!(f, "{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60)
    }
}

/// A calendar date: days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i32 = 719_163;

impl Date {
    /// A date before any message: a user's card without a date applies from it.
    pub const BEGINNING: Date = Date(i32::MIN / 2);

    /// The date of a year, month and day; `None` when no such day exists.
    #[must_use]
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date::from_naive)
    }

    /// Like [`Date::from_ymd`] for dates written in code.
    ///
    /// # Panics
    /// When the date does not exist: only ever called with literal, valid dates.
    #[must_use]
    pub fn ymd(year: i32, month: u32, day: u32) -> Date {
        Date::from_ymd(year, month, day).expect("a literal, valid date")
    }

    fn from_naive(d: NaiveDate) -> Date {
        Date(d.num_days_from_ce() - UNIX_EPOCH_FROM_CE)
    }

    fn naive(self) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(self.0.checked_add(UNIX_EPOCH_FROM_CE)?)
    }

    /// Parses `YYYY-MM-DD`.
    ///
    /// # Errors
    /// What was expected, when the text is not a date.
    pub fn parse(text: &str) -> Result<Date, String> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Date::from_naive)
            .map_err(|_| format!("expected a date like 2025-07-01, found `{text}`"))
    }

    /// The calendar month this date falls in.
    #[must_use]
    pub fn month(self) -> Month {
        match self.naive() {
            Some(d) => Month(d.year() * 12 + d.month0() as i32),
            None => Month(i32::MAX),
        }
    }

    /// The instant at which this date starts in a zone with the given offset.
    #[must_use]
    pub fn start(self, offset: UtcOffset) -> Time {
        Time(i64::from(self.0) * DAY - i64::from(offset.0) * SECOND)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.naive() {
            Some(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            None => write!(f, "day {}", self.0),
        }
    }
}

/// A calendar month, counted as `year * 12 + (month - 1)`; allowances and tiers reset on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    /// The calendar year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month of the year, 1 to 12.
    #[must_use]
    pub fn number(self) -> u32 {
        self.0.rem_euclid(12).unsigned_abs() + 1
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_date_follows_the_offset() {
        let t = Time::parse_rfc3339("2025-06-30T22:30:00Z").unwrap();
        assert_eq!(t.local_date(UtcOffset(0)), Date::ymd(2025, 6, 30));
        let ist = UtcOffset::parse("+05:30").unwrap();
        assert_eq!(t.local_date(ist), Date::ymd(2025, 7, 1));
        let pst = UtcOffset::parse("-08:00").unwrap();
        assert_eq!(t.local_date(pst), Date::ymd(2025, 6, 30));
    }

    #[test]
    fn months_and_display() {
        assert_eq!(Date::ymd(2024, 10, 31).month().to_string(), "2024-10");
        assert_eq!(Date::ymd(2024, 11, 1).month().to_string(), "2024-11");
        assert_eq!(Date::ymd(1969, 12, 31).to_string(), "1969-12-31");
        let t = Time::parse_rfc3339("2025-07-01T10:00:00.250+02:00").unwrap();
        assert_eq!(t.display(UtcOffset(7200)), "2025-07-01T10:00:00.25+02:00");
        assert_eq!(Date::ymd(2025, 7, 1).start(UtcOffset(7200)).display(UtcOffset(0)), "2025-06-30T22:00:00+00:00");
    }

    #[test]
    fn bad_times_and_offsets_are_errors() {
        assert!(Time::parse_rfc3339("2025-07-01 10:00").is_err());
        assert!(Time::parse_rfc3339("2025-07-01T10:00:00").is_err());
        assert!(Time::parse_rfc3339("2025-02-30T10:00:00Z").is_err());
        assert!(UtcOffset::parse("5:30").is_err());
        assert!(UtcOffset::parse("+24:00").is_err());
        assert_eq!(UtcOffset::parse("-08:00").unwrap().to_string(), "-08:00");
    }
}
