//! Graduated volume tiers (rule 21): the n-th charged message of a month in a market and category
//! is priced at the rate of the tier containing n. Meta publishes tiers only to each business, so
//! the table is the user's own CSV: `market,category,from,rate`, where `from` is the 1-based
//! number of the first message of the month priced at `rate`; messages before the lowest `from`
//! pay the card's list rate.

use super::errors::TableError;
use super::markets::{MarketId, Markets};
use super::money::Money;
use std::collections::HashMap;

/// Which monthly count a charged message advances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TierGroup {
    /// Utility templates (per-message models).
    Utility,
    /// Authentication templates, international ones included (they count together).
    Authentication,
    /// template-2018 volume bands: every charged template.
    Template,
}

/// Whose rate a tier row gives: the domestic or the international authentication rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum RateKind {
    Utility,
    Authentication,
    AuthenticationInternational,
    Template,
}

/// The user's tier table.
#[derive(Clone, Debug, Default)]
pub struct TierTable {
    /// Tiers per (market, rate kind), sorted by `from`.
    tiers: HashMap<(MarketId, RateKind), Vec<(u64, Money)>>,
}

impl TierTable {
    /// Reads a tier table; market names are interned into `markets`.
    ///
    /// # Errors
    /// A message naming the line and column of the first problem.
    pub fn from_csv(text: &str, source: &str, markets: &mut Markets) -> Result<TierTable, TableError> {
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| TableError::file(source, e.to_string()))?.clone();
        let col = |name: &str| {
            headers.iter().position(|h| h.eq_ignore_ascii_case(name)).ok_or_else(|| {
                TableError::line(source, 1, format!("missing column `{name}` (expected market,category,from,rate)"))
            })
        };
        let (market, category, from, rate) = (col("market")?, col("category")?, col("from")?, col("rate")?);
        if let Some(h) =
            headers.iter().find(|h| !["market", "category", "from", "rate"].iter().any(|k| h.eq_ignore_ascii_case(k)))
        {
            return Err(TableError::line(
                source,
                1,
                format!("unknown column `{h}` (expected market,category,from,rate)"),
            ));
        }
        let mut table = TierTable::default();
        for record in reader.records() {
            let record = record.map_err(|e| TableError::file(source, e.to_string()))?;
            let line = record.position().map_or(0, csv::Position::line);
            let field = |i: usize| record.get(i).unwrap_or("");
            let at = |what: &str, e: String| TableError::cell(source, line, what, e);
            let name = field(market);
            if name.is_empty() {
                return Err(at("market", "empty market name".to_owned()));
            }
            let kind = match field(category).to_ascii_lowercase().as_str() {
                "utility" => RateKind::Utility,
                "authentication" => RateKind::Authentication,
                "authentication_international" | "authentication-international" => {
                    RateKind::AuthenticationInternational
                }
                "template" => RateKind::Template,
                other => {
                    return Err(at(
                        "category",
                        format!(
                            "expected utility, authentication, authentication_international or template, found `{other}`"
                        ),
                    ));
                }
            };
            let first: u64 =
                field(from).parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    at("from", format!("expected a whole number of at least 1, found `{}`", field(from)))
                })?;
            let price = Money::parse(field(rate)).map_err(|e| at("rate", e))?;
            let rows = table.tiers.entry((markets.intern(name), kind)).or_default();
            if rows.iter().any(|(f, _)| *f == first) {
                return Err(at("from", format!("tier from {first} given twice for {name}")));
            }
            rows.push((first, price));
            rows.sort_unstable_by_key(|(f, _)| *f);
        }
        Ok(table)
    }

    /// The markets the table names, for checking them against the rate cards.
    pub fn markets(&self) -> impl Iterator<Item = MarketId> + '_ {
        self.tiers.keys().map(|(m, _)| *m)
    }

    /// Whether the table has no tiers.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tiers.is_empty()
    }

    /// The price of the `n`-th charged message of its month (1-based), given its list rate.
    /// `international` says the message takes the authentication-international rate.
    #[must_use]
    pub fn price(&self, market: MarketId, group: TierGroup, international: bool, n: u64, list: Money) -> Money {
        let kind = match (group, international) {
            (TierGroup::Utility, _) => RateKind::Utility,
            (TierGroup::Authentication, false) => RateKind::Authentication,
            (TierGroup::Authentication, true) => RateKind::AuthenticationInternational,
            (TierGroup::Template, _) => RateKind::Template,
        };
        self.tiers
            .get(&(market, kind))
            .and_then(|rows| rows.iter().rev().find(|(from, _)| *from <= n))
            .map_or(list, |(_, rate)| *rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graduated_not_retroactive() {
        let mut markets = Markets::from_csv("iso2,country,calling_code,market,valid_from,valid_until\n").unwrap();
        let t = TierTable::from_csv(
            "market,category,from,rate\nIndia,authentication,4,0.0010\nIndia,authentication,6,0.0008\n",
            "tiers.csv",
            &mut markets,
        )
        .unwrap();
        let india = markets.id("India").unwrap();
        let list = Money::parse("0.0014").unwrap();
        let prices: Vec<Money> = (1..=7).map(|n| t.price(india, TierGroup::Authentication, false, n, list)).collect();
        let expected: Vec<Money> = ["0.0014", "0.0014", "0.0014", "0.0010", "0.0010", "0.0008", "0.0008"]
            .iter()
            .map(|r| Money::parse(r).unwrap())
            .collect();
        assert_eq!(prices, expected);
        assert_eq!(t.price(india, TierGroup::Utility, false, 100, list), list);
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let mut markets = Markets::from_csv("iso2,country,calling_code,market,valid_from,valid_until\n").unwrap();
        let e = TierTable::from_csv("market,category,from,rate\nIndia,marketing,4,0.1\n", "t.csv", &mut markets)
            .unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("category")), "{e}");
        assert!(e.to_string().starts_with("t.csv, line 2, column `category`: expected utility"), "{e}");
        let e =
            TierTable::from_csv("market,category,from,rate\nIndia,utility,0,0.1\n", "t.csv", &mut markets).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("from"), "{e}");
    }
}
