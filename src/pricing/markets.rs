//! Pricing markets and the mapping from a phone number's country to its market, by date.

use super::errors::TableError;
use crate::time::Date;
use std::collections::HashMap;
use std::fmt;

/// A country of a phone number: ISO 3166-1 alpha-2, stored as a number for table look-ups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country(u16);

/// The number of possible two-letter codes.
const COUNTRY_CODES: usize = 26 * 26;

impl Country {
    /// The United States (rule 4's marketing pause).
    pub const US: Country = Country::of(*b"US");

    /// The country of an upper-case two-letter code written in code.
    #[must_use]
    pub const fn of(code: [u8; 2]) -> Country {
        Country((code[0] - b'A') as u16 * 26 + (code[1] - b'A') as u16)
    }

    /// Parses a two-letter code, in either case (`in`, `IN`).
    ///
    /// # Errors
    /// What was expected, when the text is not two ASCII letters.
    pub fn parse(text: &str) -> Result<Country, String> {
        match text.trim().as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                let a = u16::from(a.to_ascii_uppercase() - b'A');
                let b = u16::from(b.to_ascii_uppercase() - b'A');
                Ok(Country(a * 26 + b))
            }
            _ => Err(format!("expected an ISO 3166-1 alpha-2 country code like IN or BR, found `{text}`")),
        }
    }

    fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = char::from(b'A' + (self.0 / 26) as u8);
        let b = char::from(b'A' + (self.0 % 26) as u8);
        write!(f, "{a}{b}")
    }
}

/// A pricing market (e.g. `India`, `Rest of Africa`, `Other`), interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MarketId(pub u16);

/// One dated line of the mapping: `country` belongs to `market` on `[from, until]`.
#[derive(Clone, Copy, Debug)]
struct Period {
    from: Option<Date>,
    until: Option<Date>,
    market: MarketId,
}

/// The market names and the country-to-market mapping (`markets.csv`).
#[derive(Clone, Debug)]
pub struct Markets {
    names: Vec<String>,
    ids: HashMap<String, MarketId>,
    by_country: Vec<Vec<Period>>,
    other: MarketId,
}

/// How errors name the mapping's file.
const MAPPING: &str = "market mapping";

/// The market a country not listed in the mapping belongs to.
pub const OTHER: &str = "Other";

impl Markets {
    /// Reads the mapping from CSV with columns `iso2,country,calling_code,market,valid_from,valid_until`.
    ///
    /// # Errors
    /// A message naming the line and column when the file is malformed or two periods overlap.
    pub fn from_csv(text: &str) -> Result<Markets, TableError> {
        let mut markets = Markets {
            names: Vec::new(),
            ids: HashMap::new(),
            by_country: vec![Vec::new(); COUNTRY_CODES],
            other: MarketId(0),
        };
        markets.other = markets.intern(OTHER);
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| TableError::file(MAPPING, e.to_string()))?.clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| TableError::file(MAPPING, format!("missing column `{name}`")))
        };
        let (iso, market, from, until) = (col("iso2")?, col("market")?, col("valid_from")?, col("valid_until")?);
        for record in reader.records() {
            let record = record.map_err(|e| TableError::file(MAPPING, e.to_string()))?;
            let line = record.position().map_or(0, csv::Position::line);
            let field = |i: usize| record.get(i).unwrap_or("");
            let at = |what: &str, e: String| TableError::cell(MAPPING, line, what, e);
            let country = Country::parse(field(iso)).map_err(|e| at("iso2", e))?;
            let date = |i: usize, what: &str| -> Result<Option<Date>, TableError> {
                let v = field(i);
                if v.is_empty() { Ok(None) } else { Date::parse(v).map(Some).map_err(|e| at(what, e)) }
            };
            let period = Period {
                from: date(from, "valid_from")?,
                until: date(until, "valid_until")?,
                market: markets.intern(field(market)),
            };
            let periods = &mut markets.by_country[country.index()];
            if periods.iter().any(|p| overlaps(p, &period)) {
                return Err(at("valid_from", format!("{country} is mapped twice on overlapping dates")));
            }
            periods.push(period);
        }
        Ok(markets)
    }

    /// The id of a market name, adding it if new (rate cards may name markets the mapping does not).
    pub fn intern(&mut self, name: &str) -> MarketId {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = MarketId(u16::try_from(self.names.len()).unwrap_or(u16::MAX));
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }

    /// The id of a known market name.
    #[must_use]
    pub fn id(&self, name: &str) -> Option<MarketId> {
        self.ids.get(name).copied()
    }

    /// The name of a market.
    #[must_use]
    pub fn name(&self, id: MarketId) -> &str {
        self.names.get(usize::from(id.0)).map_or("?", String::as_str)
    }

    /// How many markets are known (mapping and cards together).
    #[must_use]
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no market is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The market of a phone number's country on a date; `Other` when the mapping has no line for it.
    #[must_use]
    pub fn market_of(&self, country: Country, date: Date) -> MarketId {
        for p in &self.by_country[country.index()] {
            if p.from.is_none_or(|f| f <= date) && p.until.is_none_or(|u| date <= u) {
                return p.market;
            }
        }
        self.other
    }

    /// Dates on which some country changes market (for reports' markers).
    #[must_use]
    pub fn change_dates(&self) -> Vec<Date> {
        let mut dates: Vec<Date> = self.by_country.iter().flatten().filter_map(|p| p.from).collect();
        dates.sort_unstable();
        dates.dedup();
        dates
    }
}

fn overlaps(a: &Period, b: &Period) -> bool {
    let starts_before_b_ends = match (a.from, b.until) {
        (Some(af), Some(bu)) => af <= bu,
        _ => true,
    };
    let b_starts_before_a_ends = match (b.from, a.until) {
        (Some(bf), Some(au)) => bf <= au,
        _ => true,
    };
    starts_before_b_ends && b_starts_before_a_ends
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPING: &str = "iso2,country,calling_code,market,valid_from,valid_until
IN,India,91,India,,
HK,Hong Kong,852,Rest of Asia Pacific,,2026-06-30
HK,Hong Kong,852,Hong Kong,2026-07-01,
";

    #[test]
    fn maps_by_date_and_falls_back_to_other() {
        let m = Markets::from_csv(MAPPING).unwrap();
        let hk = Country::parse("hk").unwrap();
        assert_eq!(m.name(m.market_of(hk, Date::ymd(2026, 6, 30))), "Rest of Asia Pacific");
        assert_eq!(m.name(m.market_of(hk, Date::ymd(2026, 7, 1))), "Hong Kong");
        let zz = Country::parse("ZZ").unwrap();
        assert_eq!(m.name(m.market_of(zz, Date::ymd(2026, 7, 1))), "Other");
        assert_eq!(hk.to_string(), "HK");
    }

    #[test]
    fn rejects_bad_codes_and_overlaps() {
        assert!(Country::parse("IND").is_err());
        assert!(Country::parse("1N").is_err());
        let overlapping = "iso2,country,calling_code,market,valid_from,valid_until\nIN,India,91,India,,\nIN,India,91,Other,2025-01-01,\n";
        assert!(Markets::from_csv(overlapping).unwrap_err().to_string().contains("overlapping"));
    }
}
