//! Values a scenario writes as strings (durations, dates, money, pricing ids, clock times, ...),
//! parsed while the TOML is deserialized. A bad one is then an error of the TOML deserializer,
//! which knows the value's span: it is located for free, and says what was expected and what
//! was found.

use crate::pricing::markets::Country;
use crate::pricing::money::Money;
use crate::pricing::{BillCategory, Pricing};
use crate::rules::TemplateCategory;
use crate::strategy::NoReply;
use crate::time::{DAY, Date, HOUR, SECOND, Time, UtcOffset};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Unexpected, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A value written as a TOML string and read by its own parser.
pub(super) trait Parse: Sized {
    /// What a valid value looks like, completing "expected ...": `a date like 2025-07-01`.
    const EXPECTED: &'static str;
    /// The value, or a message saying what was expected and what was found.
    fn parse(text: &str) -> Result<Self, String>;
}

/// The usual message for a string that does not parse.
fn expected<T: Parse>(text: &str) -> String {
    format!("expected {}, found \"{text}\"", T::EXPECTED)
}

struct ParseVisitor<T>(PhantomData<T>);

impl<'de, T: Parse> Visitor<'de> for ParseVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        T::parse(text).map_err(E::custom)
    }

    /// A bare TOML date or time (`start = 2026-01-01`) reaches serde as a map; say to quote it.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        match toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map)) {
            Ok(bare) => Err(de::Error::custom(format!(
                "expected {}, found {bare} without quotes (dates and times are written in quotes: \"{bare}\")",
                T::EXPECTED
            ))),
            Err(_) => Err(de::Error::invalid_type(Unexpected::Map, &self)),
        }
    }
}

/// A field written as a string, read with its [`Parse`] (`#[serde(deserialize_with = "text")]`).
pub(super) fn text<'de, D: Deserializer<'de>, T: Parse>(d: D) -> Result<T, D::Error> {
    d.deserialize_str(ParseVisitor(PhantomData))
}

/// [`text`] for an optional field (with `#[serde(default)]`: absent is `None`).
pub(super) fn some_text<'de, D: Deserializer<'de>, T: Parse>(d: D) -> Result<Option<T>, D::Error> {
    text(d).map(Some)
}

/// [`text`] for each element of a list.
pub(super) fn texts<'de, D: Deserializer<'de>, T: Parse>(d: D) -> Result<Vec<T>, D::Error> {
    struct Item<T>(T);
    impl<'de, T: Parse> Deserialize<'de> for Item<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            text(d).map(Item)
        }
    }
    Vec::<Item<T>>::deserialize(d).map(|items| items.into_iter().map(|Item(t)| t).collect())
}

/// A table of string values by key, each read with its [`Parse`] (`max-price = { Brazil = "0.05" }`).
pub(super) fn text_map<'de, D: Deserializer<'de>, T: Parse>(
    d: D,
) -> Result<std::collections::BTreeMap<String, T>, D::Error> {
    struct Item<T>(T);
    impl<'de, T: Parse> Deserialize<'de> for Item<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            text(d).map(Item)
        }
    }
    std::collections::BTreeMap::<String, Item<T>>::deserialize(d)
        .map(|items| items.into_iter().map(|(k, Item(t))| (k, t)).collect())
}

/// Values of the scenario's own types deserialize through their [`Parse`] directly.
macro_rules! deserialize_by_parse {
    ($($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                text(d)
            }
        }
    )*};
}
deserialize_by_parse!(Duration, LocalDateTime, ClockTime, Weekday);

/// What a scenario's question compares (`[question] compare`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// The strategies, under each pricing.
    Strategies,
    /// A change from one pricing to another.
    Pricing,
    /// The markets the customers are in.
    Markets,
    /// Strategies with and without something (variants the scenario defines).
    WhatIf,
    /// Only what to budget.
    Budget,
}

impl Compare {
    const ALL: [Compare; 5] =
        [Compare::Strategies, Compare::Pricing, Compare::Markets, Compare::WhatIf, Compare::Budget];

    /// The name a scenario writes.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Compare::Strategies => "strategies",
            Compare::Pricing => "pricing",
            Compare::Markets => "markets",
            Compare::WhatIf => "what-if",
            Compare::Budget => "budget",
        }
    }
}

impl Parse for Compare {
    const EXPECTED: &'static str = "strategies, pricing, markets, what-if or budget";
    fn parse(text: &str) -> Result<Compare, String> {
        variant(text, &Compare::ALL, Compare::id)
    }
}

/// Whether the rules see a strategy's customers' entry points (`entry-points`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EntryPoints {
    /// As they are (the default).
    #[default]
    Use,
    /// As ordinary messages: no free entry-point window (a what-if variant).
    Ignore,
}

impl Parse for EntryPoints {
    const EXPECTED: &'static str = "\"use\" or \"ignore\"";
    fn parse(text: &str) -> Result<EntryPoints, String> {
        match text {
            "use" => Ok(EntryPoints::Use),
            "ignore" => Ok(EntryPoints::Ignore),
            _ => Err(expected::<Self>(text)),
        }
    }
}

/// A share written as a percentage, `"1%"` or `"0.5%"`; as a fraction (0.01).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Percent(pub f64);

impl Parse for Percent {
    const EXPECTED: &'static str = "a percentage above 0 like \"1%\"";
    fn parse(text: &str) -> Result<Percent, String> {
        let number = text.trim().strip_suffix('%').ok_or_else(|| expected::<Self>(text))?;
        match number.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 && v <= 100.0 => Ok(Percent(v / 100.0)),
            _ => Err(expected::<Self>(text)),
        }
    }
}

impl Parse for BillCategory {
    const EXPECTED: &'static str = "a category like authentication or authentication_international";
    fn parse(text: &str) -> Result<BillCategory, String> {
        let ids: Vec<&str> = BillCategory::ALL.iter().map(|c| c.id()).collect();
        BillCategory::ALL
            .into_iter()
            .find(|c| c.id() == text || c.id().replace('_', "-") == text)
            .ok_or_else(|| format!("expected one of {}, found \"{text}\"", ids.join(", ")))
    }
}

/// The variant named `text`, or serde's own words for an unknown one (for the kinds of tagged
/// tables, read as plain values so that they keep their span; see `raw::DistFields`).
pub(super) fn variant<T: Copy>(text: &str, variants: &[T], name: fn(T) -> &'static str) -> Result<T, String> {
    if let Some(v) = variants.iter().find(|v| name(**v) == text) {
        return Ok(*v);
    }
    let names: Vec<String> = variants.iter().map(|v| format!("`{}`", name(*v))).collect();
    Err(match names.as_slice() {
        [one] => format!("unknown variant `{text}`, expected {one}"),
        [a, b] => format!("unknown variant `{text}`, expected {a} or {b}"),
        _ => format!("unknown variant `{text}`, expected one of {}", names.join(", ")),
    })
}

impl Parse for Date {
    const EXPECTED: &'static str = "a date like 2025-07-01";
    fn parse(text: &str) -> Result<Date, String> {
        Date::parse(text)
    }
}

impl Parse for UtcOffset {
    const EXPECTED: &'static str = "a UTC offset like +05:30 or -08:00";
    fn parse(text: &str) -> Result<UtcOffset, String> {
        UtcOffset::parse(text)
    }
}

impl Parse for Pricing {
    const EXPECTED: &'static str = "a pricing id like auto or per-message-2025";
    fn parse(text: &str) -> Result<Pricing, String> {
        Pricing::parse(text)
    }
}

impl Parse for Money {
    const EXPECTED: &'static str = "a non-negative decimal in quotes like \"0.0132\"";
    fn parse(text: &str) -> Result<Money, String> {
        Money::parse(text)
    }
}

impl Parse for Country {
    const EXPECTED: &'static str = "an ISO 3166-1 alpha-2 country code like IN or BR";
    fn parse(text: &str) -> Result<Country, String> {
        Country::parse(text)
    }
}

impl Parse for TemplateCategory {
    const EXPECTED: &'static str = "marketing, utility or authentication";
    fn parse(text: &str) -> Result<TemplateCategory, String> {
        TemplateCategory::from_id(text).ok_or_else(|| expected::<Self>(text))
    }
}

impl Parse for NoReply {
    const EXPECTED: &'static str = "\"template\" or \"drop\"";
    fn parse(text: &str) -> Result<NoReply, String> {
        match text {
            "template" => Ok(NoReply::Template),
            "drop" => Ok(NoReply::Drop),
            _ => Err(expected::<Self>(text)),
        }
    }
}

/// A non-negative duration, written `90s`, `30m`, `2h`, `1.5d`, `1w` or `0`; in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub i64);

impl Parse for Duration {
    const EXPECTED: &'static str = "a duration like 90s, 30m, 2h, 1.5d or 1w";
    fn parse(text: &str) -> Result<Duration, String> {
        parse_duration(text).map(Duration).ok_or_else(|| expected::<Self>(text))
    }
}

impl fmt::Display for Duration {
    /// In the largest unit that divides it (`36h`, `90s`); messages quote durations back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = [(7 * DAY, "w"), (DAY, "d"), (HOUR, "h"), (60 * SECOND, "m"), (SECOND, "s")];
        match units.iter().find(|(scale, _)| self.0 != 0 && self.0 % scale == 0) {
            Some((scale, unit)) => write!(f, "{}{unit}", self.0 / scale),
            None if self.0 == 0 => f.write_str("0s"),
            None => write!(f, "{}s", self.0 as f64 / SECOND as f64),
        }
    }
}

/// Parses `90s`, `30m`, `2h`, `1.5d`, `1w`, `0`: a non-negative duration in nanoseconds.
#[must_use]
pub fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim();
    if t == "0" {
        return Some(0);
    }
    let split = t.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = t.split_at(split);
    let value: f64 = number.trim().parse().ok()?;
    let scale = match unit {
        "s" => SECOND,
        "m" | "min" => 60 * SECOND,
        "h" => HOUR,
        "d" => DAY,
        "w" => 7 * DAY,
        _ => return None,
    };
    let nanos = value * scale as f64;
    (value.is_finite() && value >= 0.0 && nanos < 3.0e18).then_some(nanos.round() as i64)
}

/// A moment written `YYYY-MM-DDTHH:MM[:SS]` in the business's zone, or RFC 3339 with an offset;
/// the zone is known only once `run.timezone` is, hence [`LocalDateTime::at`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalDateTime {
    /// With its own offset: an instant.
    Zoned(Time),
    /// A local date and time of day.
    Local {
        /// The local date.
        date: Date,
        /// Seconds after local midnight.
        seconds: i64,
    },
}

impl LocalDateTime {
    /// The instant, in a zone with this offset.
    #[must_use]
    pub fn at(self, offset: UtcOffset) -> Time {
        match self {
            LocalDateTime::Zoned(t) => t,
            LocalDateTime::Local { date, seconds } => date.start(offset).plus(seconds * SECOND),
        }
    }
}

impl Parse for LocalDateTime {
    const EXPECTED: &'static str = "a local date-time like \"2026-01-05T10:00\" (or with an offset)";
    fn parse(text: &str) -> Result<LocalDateTime, String> {
        if let Ok(t) = Time::parse_rfc3339(text) {
            return Ok(LocalDateTime::Zoned(t));
        }
        let local = || -> Option<LocalDateTime> {
            let t = text.trim().replace(' ', "T");
            let (date, clock) = t.split_once('T')?;
            let date = Date::parse(date).ok()?;
            let mut parts = clock.split(':');
            let h: i64 = parts.next()?.parse().ok()?;
            let m: i64 = parts.next().unwrap_or("0").parse().ok()?;
            let s: i64 = parts.next().unwrap_or("0").parse().ok()?;
            let valid = parts.next().is_none() && (0..24).contains(&h) && (0..60).contains(&m) && (0..60).contains(&s);
            valid.then_some(LocalDateTime::Local { date, seconds: h * 3600 + m * 60 + s })
        };
        local().ok_or_else(|| expected::<Self>(text))
    }
}

/// A local time of day `HH:MM`, from `00:00` to `24:00`; in seconds after midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(pub i64);

impl Parse for ClockTime {
    const EXPECTED: &'static str = "a local time like \"09:00\"";
    fn parse(text: &str) -> Result<ClockTime, String> {
        let bad = || expected::<Self>(text);
        let (hh, mm) = text.split_once(':').ok_or_else(bad)?;
        let hh: i64 = hh.parse().map_err(|_| bad())?;
        let mm: i64 = mm.parse().map_err(|_| bad())?;
        if !(0..=24).contains(&hh) || !(0..60).contains(&mm) || hh * 60 + mm > 24 * 60 {
            return Err(bad());
        }
        Ok(ClockTime(hh * 3600 + mm * 60))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 3600, self.0 % 3600 / 60)
    }
}

/// A day of the week, `mon` to `sun` in any case; Monday is 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weekday(pub usize);

impl Weekday {
    const NAMES: [&'static str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
}

impl Parse for Weekday {
    const EXPECTED: &'static str = "one of mon, tue, wed, thu, fri, sat, sun";
    fn parse(text: &str) -> Result<Weekday, String> {
        Weekday::NAMES
            .iter()
            .position(|n| text.eq_ignore_ascii_case(n))
            .map(Weekday)
            .ok_or_else(|| expected::<Self>(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Some(90 * SECOND));
        assert_eq!(parse_duration("1.5h"), Some(90 * 60 * SECOND));
        assert_eq!(parse_duration("2d"), Some(2 * DAY));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("-1h"), None);
        assert_eq!(parse_duration("3 parsecs"), None);
        assert_eq!(Duration(36 * HOUR).to_string(), "36h");
        assert_eq!(Duration(1_500_000_000).to_string(), "1.5s");
        assert_eq!(Duration(0).to_string(), "0s");
    }

    #[test]
    fn local_date_times_take_the_zone_later() {
        let t = LocalDateTime::parse("2026-01-05T10:30").unwrap();
        let offset = UtcOffset(5 * 3600 + 1800);
        assert_eq!(t.at(offset), Date::ymd(2026, 1, 5).start(offset).plus((10 * 3600 + 1800) * SECOND));
        let zoned = LocalDateTime::parse("2026-01-05T10:30:00Z").unwrap();
        assert_eq!(zoned.at(offset), Date::ymd(2026, 1, 5).start(UtcOffset(0)).plus((10 * 3600 + 1800) * SECOND));
        assert!(LocalDateTime::parse("2026-01-05T24:00").is_err());
    }

    #[test]
    fn clock_times_and_weekdays() {
        assert_eq!(ClockTime::parse("24:00"), Ok(ClockTime(24 * 3600)));
        assert_eq!(ClockTime::parse("24:01"), Err("expected a local time like \"09:00\", found \"24:01\"".to_owned()));
        assert_eq!(ClockTime(9 * 3600).to_string(), "09:00");
        assert_eq!(Weekday::parse("Sun"), Ok(Weekday(6)));
        assert!(Weekday::parse("sunday").is_err());
    }
}
