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
        if let Some(time) = parse_common_rfc3339(text.as_bytes()) {
            return Ok(time);
        }
        // Anything else (another separator, leap seconds, long fractions, odd offsets, errors)
        // is left to chrono, which decides what RFC 3339 allows.
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

/// The common shape of a log's times, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, parsed without
/// chrono (a log holds millions of them). `None` unless every field is in range, the fraction has
/// 1 to 9 digits and the year lies in 1678..=2261; the caller then asks chrono, so what is
/// accepted, and the instant it denotes, is exactly what chrono's RFC 3339 parser gives.
fn parse_common_rfc3339(b: &[u8]) -> Option<Time> {
    fn number(b: &[u8]) -> Option<i64> {
        b.iter().try_fold(0i64, |n, c| c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0')))
    }
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = number(&b[0..4])?;
    let month = number(&b[5..7])?;
    let day = number(&b[8..10])?;
    let hour = number(&b[11..13])?;
    let minute = number(&b[14..16])?;
    let second = number(&b[17..19])?;
    if !(1678..=2261).contains(&year)
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut rest = &b[19..];
    let mut nanos = 0;
    if let [b'.', fraction @ ..] = rest {
        let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        nanos = number(&fraction[..digits])? * 10i64.pow(9 - u32::try_from(digits).ok()?);
        rest = &fraction[digits..];
    }
    let offset = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h, m) = (number(&[*h1, *h2])?, number(&[*m1, *m2])?);
            if h > 23 || m > 59 {
                return None;
            }
            let east = h * 3600 + m * 60;
            if *sign == b'-' { -east } else { east }
        }
        _ => return None,
    };
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(Time(secs * SECOND + nanos))
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The year and month (1 to 12) of a day counted from 1970-01-01 (Hinnant's `civil_from_days`).
fn year_month_from_days(days: i64) -> (i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month)
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
        // Billing asks this of every message: plain arithmetic inside ±100,000 years (well
        // within chrono's range), chrono's calendar beyond.
        if self.0.unsigned_abs() < 36_500_000 {
            let (year, month) = year_month_from_days(i64::from(self.0));
            if let Ok(m) = i32::try_from(year * 12 + month - 1) {
                return Month(m);
            }
        }
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
    use proptest::strategy::Strategy as _;

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

    /// What chrono's RFC 3339 parser makes of a text, in nanoseconds (`None`: rejected).
    fn chrono_nanos(text: &str) -> Option<i64> {
        DateTime::parse_from_rfc3339(text).ok().and_then(|d| d.timestamp_nanos_opt())
    }

    fn agrees_with_chrono(text: &str) {
        let fast = parse_common_rfc3339(text.as_bytes()).map(|t| t.0);
        let expected = chrono_nanos(text);
        assert!(fast.is_none() || fast == expected, "fast path {fast:?}, chrono {expected:?} for `{text}`");
        assert_eq!(Time::parse_rfc3339(text).ok().map(|t| t.0), expected, "for `{text}`");
    }

    #[test]
    fn times_parse_exactly_as_chrono_parses_them() {
        let cases = [
            "2025-07-01T10:00:00Z",
            "2025-07-01T10:00:00+05:30",
            "2025-07-01T10:00:00-08:00",
            "2025-07-01T10:00:00+00:00",
            "2025-07-01T10:00:00-00:00",
            "2025-07-01T10:00:00+23:59",
            "2025-07-01T10:00:00-23:59",
            "2025-07-01T10:00:00+24:00",
            "2025-07-01T10:00:00+05:60",
            "2025-07-01T10:00:00.5Z",
            "2025-07-01T10:00:00.123456789+01:00",
            "2025-07-01T10:00:00.1234567891Z",
            "2025-07-01T10:00:00.000000000001Z",
            "2025-07-01T10:00:00.Z",
            "2025-07-01T23:59:59.999999999-12:00",
            "2025-07-01T23:59:60Z",
            "2016-12-31T23:59:60Z",
            "2025-07-01T24:00:00Z",
            "2025-07-01T10:60:00Z",
            "2025-07-01t10:00:00z",
            "2025-07-01 10:00:00Z",
            "2025-07-01T10:00:00",
            "2025-07-01T10:00Z",
            "2025-07-01T10:00:00+0530",
            "2025-07-01T10:00:00+05",
            "2025-07-01T10:00:00 +05:30",
            "2025-07-01T10:00:00Z ",
            "2025-7-01T10:00:00Z",
            "2025-00-01T10:00:00Z",
            "2025-13-01T10:00:00Z",
            "2025-02-29T10:00:00Z",
            "2024-02-29T10:00:00Z",
            "2100-02-29T10:00:00Z",
            "2000-02-29T10:00:00Z",
            "2025-04-31T10:00:00Z",
            "2025-12-31T23:59:59Z",
            "2025-01-00T10:00:00Z",
            "1677-09-21T00:12:43.145224192Z",
            "1677-09-21T00:12:43.145224191Z",
            "1678-01-01T00:00:00+23:59",
            "2262-04-11T23:47:16.854775807Z",
            "2262-04-11T23:47:16.854775808Z",
            "2261-12-31T23:59:59-23:59",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "+2025-07-01T10:00:00Z",
            "２０２５-07-01T10:00:00Z",
            "2025-07-01T10:00:00+05:3٠",
            "",
            "Z",
        ];
        for text in cases {
            agrees_with_chrono(text);
        }
    }

    #[test]
    fn every_day_of_three_centuries_parses_as_chrono_does() {
        let mut day = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2200, 12, 31).unwrap();
        while day <= end {
            agrees_with_chrono(&format!("{}T13:07:59.25-03:30", day.format("%Y-%m-%d")));
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn months_agree_with_chrono() {
        let by_chrono = |d: Date| d.naive().map(|n| Month(n.year() * 12 + n.month0() as i32));
        for days in (-800_000..800_000).step_by(13).chain([-1, 0, 1, 59, 60, 36_499_999, -36_499_999]) {
            assert_eq!(Some(Date(days).month()), by_chrono(Date(days)), "day {days}");
        }
        assert_eq!(Date(i32::MAX).month(), Month(i32::MAX));
    }

    #[test]
    fn the_common_shapes_take_the_fast_path() {
        for text in ["2025-07-01T10:00:00Z", "2025-07-01T10:00:00.25+05:30", "1969-12-31T23:59:59.000000001-08:00"] {
            let fast = parse_common_rfc3339(text.as_bytes()).map(|t| t.0);
            assert!(fast.is_some(), "`{text}` should not need chrono");
            assert_eq!(fast, chrono_nanos(text));
        }
        assert_eq!(Time::parse_rfc3339("1970-01-01T05:30:00.5+05:30"), Ok(Time(SECOND / 2)));
    }

    proptest::proptest! {
        /// Texts shaped like a log's times, with every field free to be out of range or
        /// malformed, are accepted or rejected, and valued, exactly as chrono does.
        #[test]
        fn near_rfc3339_texts_parse_as_chrono_does(
            year in proptest::prop_oneof![1600..2300i64, 0..10_000i64],
            month in 0..14i64,
            day in 0..33i64,
            hour in 0..26i64,
            minute in 0..62i64,
            second in 0..62i64,
            separators in proptest::sample::select(vec!["--T::", "--t::", "-- ::", "/-T::", "--T:.", "--T::"]),
            fraction in proptest::option::of("[0-9]{0,12}"),
            offset in proptest::prop_oneof![
                proptest::strategy::Just("Z".to_owned()),
                proptest::strategy::Just("z".to_owned()),
                proptest::strategy::Just(String::new()),
                (proptest::sample::select(vec!['+', '-']), 0..26u32, 0..62u32).prop_map(|(s, h, m)| format!("{s}{h:02}:{m:02}")),
                (0..2400u32).prop_map(|hm| format!("+{hm:04}")),
            ],
            width in 1..3usize,
        ) {
            let sep: Vec<char> = separators.chars().collect();
            let frac = fraction.map(|f| format!(".{f}")).unwrap_or_default();
            let text = format!(
                "{year:04}{}{month:0width$}{}{day:02}{}{hour:02}{}{minute:02}{}{second:02}{frac}{offset}",
                sep[0], sep[1], sep[2], sep[3], sep[4]
            );
            agrees_with_chrono(&text);
        }
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
