//! Rate cards: Meta's CSV layout, one card per pricing model and effective date.

use super::Model;
use super::errors::TableError;
use super::markets::{MarketId, Markets};
use super::money::Money;
use crate::time::Date;
use std::fmt;

/// A column of a rate card: what a rate is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// Marketing template or conversation.
    Marketing,
    /// Utility template or conversation.
    Utility,
    /// Authentication template or conversation.
    Authentication,
    /// Authentication to a number outside the business's own market (rule 24).
    AuthenticationInternational,
    /// Service conversation, or free-form message under per-message-2026.
    Service,
    /// conversation-2022: business-initiated conversation.
    BusinessInitiated,
    /// conversation-2022: user-initiated conversation.
    UserInitiated,
    /// template-2018: any delivered template (a user card may give one rate for all).
    Template,
}

impl Column {
    const ALL: [Column; 8] = [
        Column::Marketing,
        Column::Utility,
        Column::Authentication,
        Column::AuthenticationInternational,
        Column::Service,
        Column::BusinessInitiated,
        Column::UserInitiated,
        Column::Template,
    ];

    /// The header of this column in Meta's CSV layout.
    #[must_use]
    pub fn header(self) -> &'static str {
        match self {
            Column::Marketing => "Marketing",
            Column::Utility => "Utility",
            Column::Authentication => "Authentication",
            Column::AuthenticationInternational => "Authentication-International",
            Column::Service => "Service",
            Column::BusinessInitiated => "Business-Initiated",
            Column::UserInitiated => "User-Initiated",
            Column::Template => "Template",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header())
    }
}

/// Why a rate could not be had from a card; becomes an error only if a rule needs the rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateGap {
    /// The model has no card at all (template-2018 ships none).
    NoCard,
    /// The card does not list the market.
    MarketNotListed,
    /// The card lists the market but leaves this cell (or the whole column) empty.
    Empty,
}

/// Index of a card in its [`super::RateBook`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CardId(pub u16);

/// One rate card: the rates of one pricing model from one effective date.
#[derive(Clone, Debug)]
pub struct RateCard {
    /// The pricing model whose units these rates price.
    pub model: Model,
    /// The first local date on which the card applies.
    pub effective: Date,
    /// Where it came from: `bundled` or the user's file name.
    pub source: String,
    /// The currency of every rate on it.
    pub currency: String,
    /// Rates per market id; `None` where the card does not list the market.
    rates: Vec<Option<[Option<Money>; 8]>>,
    columns: Vec<Column>,
}

impl RateCard {
    /// Reads a card in Meta's layout `Market,Currency,<column>...`; markets are interned into
    /// `markets`. Columns may come in any order; unknown headers are errors.
    ///
    /// # Errors
    /// A message naming the line and column of the first problem.
    pub fn from_csv(
        text: &str,
        model: Model,
        effective: Date,
        source: &str,
        markets: &mut Markets,
    ) -> Result<RateCard, TableError> {
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| TableError::file(source, e.to_string()))?.clone();
        let mut market_col = None;
        let mut currency_col = None;
        let mut rate_cols: Vec<(usize, Column)> = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            match h {
                "Market" => market_col = Some(i),
                "Currency" => currency_col = Some(i),
                _ => match Column::ALL.iter().find(|c| c.header().eq_ignore_ascii_case(h)) {
                    Some(c) => rate_cols.push((i, *c)),
                    None => {
                        let known: Vec<&str> = Column::ALL.iter().map(|c| c.header()).collect();
                        return Err(TableError::line(
                            source,
                            1,
                            format!(
                                "unknown column `{h}`; expected Market, Currency and rate columns among {}",
                                known.join(", ")
                            ),
                        ));
                    }
                },
            }
        }
        let market_col = market_col.ok_or_else(|| TableError::line(source, 1, "missing column `Market`"))?;
        if rate_cols.is_empty() {
            return Err(TableError::line(source, 1, "no rate columns"));
        }
        let mut card = RateCard {
            model,
            effective,
            source: source.to_owned(),
            currency: String::new(),
            rates: Vec::new(),
            columns: rate_cols.iter().map(|(_, c)| *c).collect(),
        };
        for record in reader.records() {
            let record = record.map_err(|e| TableError::file(source, e.to_string()))?;
            let line = record.position().map_or(0, csv::Position::line);
            let name = record.get(market_col).unwrap_or("");
            if name.is_empty() {
                return Err(TableError::cell(source, line, "Market", "empty market name"));
            }
            if let Some(c) = currency_col {
                let currency = record.get(c).unwrap_or("").to_owned();
                if card.currency.is_empty() {
                    card.currency = currency;
                } else if card.currency != currency {
                    return Err(TableError::cell(
                        source,
                        line,
                        "Currency",
                        format!("`{currency}` differs from `{}`; a card has one currency", card.currency),
                    ));
                }
            }
            let id = markets.intern(name);
            let mut row = [None; 8];
            for (i, column) in &rate_cols {
                let cell = record.get(*i).unwrap_or("");
                if !cell.is_empty() {
                    let rate = Money::parse(cell).map_err(|e| TableError::cell(source, line, column.header(), e))?;
                    row[column.index()] = Some(rate);
                }
            }
            let slot = usize::from(id.0);
            if card.rates.len() <= slot {
                card.rates.resize(slot + 1, None);
            }
            if card.rates[slot].is_some() {
                return Err(TableError::cell(source, line, "Market", format!("market `{name}` listed twice")));
            }
            card.rates[slot] = Some(row);
        }
        if card.currency.is_empty() {
            card.currency = "USD".to_owned();
        }
        Ok(card)
    }

    /// The rate in `column` for `market`.
    ///
    /// # Errors
    /// Why there is none: market not listed, or cell empty.
    pub fn rate(&self, market: MarketId, column: Column) -> Result<Money, RateGap> {
        let row = self.rates.get(usize::from(market.0)).and_then(Option::as_ref).ok_or(RateGap::MarketNotListed)?;
        row[column.index()].ok_or(RateGap::Empty)
    }

    /// Whether the card has a column at all (template-2018 cards may have `Template` only).
    #[must_use]
    pub fn has_column(&self, column: Column) -> bool {
        self.columns.contains(&column)
    }

    /// The markets this card lists.
    pub fn markets(&self) -> impl Iterator<Item = MarketId> + '_ {
        self.rates
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_some())
            .map(|(i, _)| MarketId(u16::try_from(i).unwrap_or(u16::MAX)))
    }

    /// The card's rate columns in file order.
    #[must_use]
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// A short name: `category-2023 2023-06-01`.
    #[must_use]
    pub fn name(&self) -> String {
        if self.effective == Date::BEGINNING {
            format!("{} (all dates)", self.model.id())
        } else {
            format!("{} {}", self.model.id(), self.effective)
        }
    }
}
