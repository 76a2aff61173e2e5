//! What can go wrong in pricing: a table the user gave (a rate card, a tier table, the market
//! mapping) that cannot be read, located in its file; and a rate a rule needs that the card in
//! force does not give (rule 25).

use super::rate_card::RateGap;
use super::{BillCategory, Model};
use std::fmt;

/// A problem in a rate card, a tier table or the market mapping, located in its file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct TableError {
    /// The file as the user named it (`market mapping` for the bundled mapping).
    pub file: String,
    /// The line in the file (the header is line 1), when one is at fault.
    pub line: Option<u64>,
    /// The column, when one is at fault.
    pub column: Option<String>,
    /// What was expected and what was found.
    pub message: String,
}

impl TableError {
    /// A problem with the file as a whole.
    pub(crate) fn file(file: &str, message: impl Into<String>) -> TableError {
        TableError { file: file.to_owned(), line: None, column: None, message: message.into() }
    }

    /// A problem on one line.
    pub(crate) fn line(file: &str, line: u64, message: impl Into<String>) -> TableError {
        TableError { file: file.to_owned(), line: Some(line), column: None, message: message.into() }
    }

    /// A problem in one cell.
    pub(crate) fn cell(file: &str, line: u64, column: &str, message: impl Into<String>) -> TableError {
        TableError { file: file.to_owned(), line: Some(line), column: Some(column.to_owned()), message: message.into() }
    }

    fn describe(&self) -> String {
        let mut place = self.file.clone();
        if let Some(line) = self.line {
            place.push_str(&format!(", line {line}"));
        }
        if let Some(column) = &self.column {
            place.push_str(&format!(", column `{column}`"));
        }
        format!("{place}: {}", self.message)
    }
}

/// A rate that a rule needs and the card in force does not give: an empty cell, a market the
/// card does not list, or no card at all for the model (rule 25: an error, never a silent 0).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct MissingRate {
    /// Why there is no rate.
    pub gap: RateGap,
    /// The model whose rule needs it.
    pub model: Model,
    /// The card in force, by name and source, if the model has one.
    pub card: Option<(String, String)>,
    /// The customer's market.
    pub market: String,
    /// The category a rule bills.
    pub category: BillCategory,
}

impl MissingRate {
    fn describe(&self) -> String {
        let MissingRate { gap, model, card, market, category } = self;
        match (gap, card) {
            (RateGap::NoCard, _) | (_, None) => format!(
                "no rate card for {model}{}: pass one with --rates (market {market}, category {category})",
                if *model == Model::Template2018 { " (wasim bundles none for it)" } else { "" }
            ),
            (RateGap::MarketNotListed, Some((name, source))) => {
                format!("rate card {name} ({source}) does not list market {market}; needed for category {category}")
            }
            (RateGap::Empty, Some((name, source))) => {
                format!("rate card {name} ({source}) has no {category} rate for market {market} (the cell is empty)")
            }
        }
    }
}

impl fmt::Display for RateGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RateGap::NoCard => "no card",
            RateGap::MarketNotListed => "market not listed",
            RateGap::Empty => "empty cell",
        })
    }
}
