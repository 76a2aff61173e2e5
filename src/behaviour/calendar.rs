//! The calendar of a run: each hour weighted by the customers' daily and weekly profile, for
//! drawing when something happens, and the agents' office hours, for when an answer can go out.

use super::alias::AliasTable;
use crate::scenario::{OfficeHours, Period};
use crate::time::{DAY, HOUR, SECOND, Time, UtcOffset};
use rand::Rng;

/// The run's hours, weighted by the profile, and the agents' hours, if they keep office hours.
#[derive(Clone, Debug)]
pub(crate) struct Calendar {
    start: Time,
    /// One outcome per hour of the run.
    hours: AliasTable,
    /// The agents' hours over the run, if they keep office hours.
    pub(crate) office: Option<OfficeDays>,
}

impl Calendar {
    /// The calendar of a run over `period`, with the relative weights of each local hour and
    /// weekday (Monday first), and the agents' office hours if they keep them.
    pub(crate) fn new(period: &Period, hourly: &[f64; 24], weekly: &[f64; 7], office: Option<OfficeHours>) -> Calendar {
        let Period { start, days, offset } = *period;
        let hours = days as usize * 24;
        let weights: Vec<f64> = (0..hours)
            .map(|k| {
                let day = start.0 + (k / 24) as i32;
                let weekday = (day + 3).rem_euclid(7) as usize; // 1970-01-01 was a Thursday.
                weekly[weekday] * hourly[k % 24]
            })
            .collect();
        // (A scenario's hours are validated: they open before they close, on some day.)
        let office = office
            .filter(|h| h.from < h.to && h.days.contains(&true))
            .map(|h| OfficeDays::new(start.start(offset), days, offset, h));
        Calendar { start: start.start(offset), hours: AliasTable::new(&weights), office }
    }

    /// A time drawn from the profile: an hour from the alias table, then a uniform instant
    /// within it from a second word.
    pub(crate) fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> Time {
        let hour = self.hours.draw(rng);
        let within = (u128::from(rng.next_u64()) * HOUR as u128) >> 64;
        self.start.plus(hour as i64 * HOUR + within as i64)
    }
}

/// The agents' working hours over the run and the week after it, day by day (local days), for
/// [`next_office_time`] without its arithmetic of weekdays.
#[derive(Clone, Debug)]
pub(crate) struct OfficeDays {
    /// Local midnight of the first day, as an instant.
    first: Time,
    /// Per day: opening and closing instants (both the next opening if the day is closed), and
    /// the next opening after closing.
    days: Vec<(Time, Time, Time)>,
    hours: OfficeHours,
    offset_secs: i64,
}

impl OfficeDays {
    fn new(first: Time, days: u32, offset: UtcOffset, hours: OfficeHours) -> OfficeDays {
        let offset_secs = i64::from(offset.0);
        let days = (0..i64::from(days) + 8)
            .map(|d| {
                let midnight = first.plus(d * DAY);
                let open = next_office_time(midnight, &hours, offset_secs);
                if open.0 - midnight.0 >= DAY {
                    return (open, open, open);
                }
                let close = Time(midnight.0 + hours.to * SECOND);
                (open, close, next_office_time(close, &hours, offset_secs))
            })
            .collect();
        OfficeDays { first, days, hours, offset_secs }
    }

    /// The next moment at or after `t` when agents work: the same as [`next_office_time`].
    #[inline]
    pub(crate) fn next(&self, t: Time) -> Time {
        let since = t.0.wrapping_sub(self.first.0);
        let day = (since as u64 / DAY as u64) as usize;
        match self.days.get(day) {
            Some(&(open, close, next)) if since >= 0 => {
                if t < open {
                    open
                } else if t < close {
                    t
                } else {
                    next
                }
            }
            _ => next_office_time(t, &self.hours, self.offset_secs),
        }
    }
}

/// The next moment at or after `t` when agents work (the reference for [`OfficeDays::next`]).
fn next_office_time(t: Time, hours: &OfficeHours, offset_secs: i64) -> Time {
    let local = t.0 + offset_secs * SECOND;
    let first = local.div_euclid(DAY);
    let mut in_day = local.rem_euclid(DAY);
    for day in first..first + 8 {
        let weekday = (day + 3).rem_euclid(7) as usize;
        if hours.days[weekday] {
            if in_day < hours.from * SECOND {
                return Time(day * DAY + hours.from * SECOND - offset_secs * SECOND);
            }
            if in_day < hours.to * SECOND {
                return Time(day * DAY + in_day - offset_secs * SECOND);
            }
        }
        in_day = 0;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::streams::{Purpose, stream};
    use crate::scenario::Scenario;

    /// The Kolmogorov–Smirnov distance between a sample and a continuous distribution function.
    fn ks_distance(mut draws: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
        draws.sort_by(f64::total_cmp);
        let n = draws.len() as f64;
        draws.iter().enumerate().fold(0.0, |d: f64, (i, x)| {
            let f = cdf(*x);
            d.max(f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
    }

    fn calendar_of(s: &Scenario) -> Calendar {
        let c = &s.customers;
        let office = c.support.as_ref().and_then(|x| x.office_hours);
        Calendar::new(&s.period, &c.visits.hourly, &c.visits.weekly, office)
    }

    #[test]
    fn the_calendar_follows_the_profile() {
        let text = "[run]\nstart = \"2026-01-05\"\ndays = 7\n[customers]\ncountries = { IN = 1.0 }\n[customers.visits]\nhourly = [0,0,0,0,0,0,0,0,0,1,1,1,1,1,1,1,1,1,3,3,0,0,0,0]\nweekly = [1,1,1,1,1,0,0]\n";
        let s = Scenario::parse(text, std::path::Path::new("t.toml")).unwrap();
        let c = calendar_of(&s);
        let mut rng = stream(3, 0, 0, Purpose::Visits, 0);
        let n = 30_000;
        let mut evening = 0;
        let mut per_hour = [0u64; 24];
        let mut within = Vec::with_capacity(n);
        for _ in 0..n {
            let t = c.draw(&mut rng);
            let local = (t.0 - s.period.start_time().0) / HOUR;
            let (day, hour) = (local / 24, local % 24);
            assert!(day < 5, "weekend drawn");
            assert!((9..20).contains(&hour), "hour {hour} drawn");
            evening += usize::from(hour >= 18);
            per_hour[hour as usize] += 1;
            within.push((t.0 - s.period.start_time().0).rem_euclid(HOUR) as f64 / HOUR as f64);
        }
        // Hours 18 and 19 weigh 6 of 15: 40%, within 4 standard errors (bound fixed in advance).
        let share = evening as f64 / n as f64;
        assert!((share - 0.4).abs() < 4.0 * (0.4f64 * 0.6 / n as f64).sqrt(), "{share}");
        // Every hour in its weight: chi-square over the 11 hours drawn, under its 0.1% critical
        // value for 10 degrees of freedom, 29.59 (fixed in advance).
        let chi2: f64 = (9..20)
            .map(|h| {
                let e = n as f64 * if h >= 18 { 3.0 } else { 1.0 } / 15.0;
                (per_hour[h] as f64 - e).powi(2) / e
            })
            .sum();
        assert!(chi2 < 29.59, "chi-square {chi2}");
        // Uniform within the hour: Kolmogorov–Smirnov distance under its 0.1% critical value.
        let d = ks_distance(within, |x| x.clamp(0.0, 1.0));
        assert!(d < 1.95 / (n as f64).sqrt(), "KS distance {d}");
    }

    #[test]
    fn the_office_days_table_agrees_with_the_office_hours() {
        // Every minute and a few odd instants from a day before the run to ten days after it,
        // in a zone off UTC by a non-whole hour, with hours from midnight and to midnight too.
        for (from, to, days) in [
            ("09:00", "21:00", r#"["mon", "tue", "wed", "thu", "fri", "sat"]"#),
            ("00:00", "24:00", r#"["sun"]"#),
            ("08:30", "17:45", r#"["tue", "fri"]"#),
        ] {
            let text = format!(
                "[run]\nstart = \"2026-01-01\"\ndays = 9\ntimezone = \"+05:30\"\n[customers]\ncountries = {{ IN = 1.0 }}\n[support]\nresponse = {{ kind = \"exponential\", mean = \"1h\" }}\noffice-hours = {{ from = \"{from}\", to = \"{to}\", days = {days} }}\n"
            );
            let s = Scenario::parse(&text, std::path::Path::new("t.toml")).unwrap();
            let hours = s.customers.support.as_ref().and_then(|x| x.office_hours).unwrap();
            let office = calendar_of(&s).office.unwrap();
            let offset = i64::from(s.period.offset.0);
            let first = s.period.start_time().0 - DAY;
            for i in 0..(20 * 24 * 60) {
                for t in [first + i * 60 * SECOND, first + i * 60 * SECOND + 7_919] {
                    let t = Time(t);
                    assert_eq!(office.next(t), next_office_time(t, &hours, offset), "{from}-{to}: {t:?}");
                }
            }
        }
    }

    #[test]
    fn office_hours_push_replies_to_the_next_opening() {
        let hours = OfficeHours { from: 9 * 3600, to: 18 * 3600, days: [true, true, true, true, true, false, false] };
        // 2026-01-02 is a Friday; 19:00 UTC is after closing, so Monday 09:00.
        let t = Time::parse_rfc3339("2026-01-02T19:00:00Z").unwrap();
        let next = next_office_time(t, &hours, 0);
        assert_eq!(next, Time::parse_rfc3339("2026-01-05T09:00:00Z").unwrap());
        let inside = Time::parse_rfc3339("2026-01-02T10:00:00Z").unwrap();
        assert_eq!(next_office_time(inside, &hours, 0), inside);
    }
}
