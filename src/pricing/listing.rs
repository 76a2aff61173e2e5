//! `wasim rates`: the bundled rate cards, the dates each applies, their markets and columns, and
//! what is known of their provenance; then the market mapping.

use super::{BUNDLED_CARDS, BUNDLED_MARKETS, RateBook, card_file_name};
use std::fmt::Write as _;

/// The rules that change on a date, besides the models' own dates, in date order.
const DATED_RULES: [(&str, &str); 9] = [
    ("conversation-2022 replaces template-2018 (auto)", "2022-02-01"),
    ("rule 5: entry-point windows last 72 h instead of 24 h", "2023-03-01"),
    ("category-2023 replaces conversation-2022 (auto)", "2023-06-01"),
    ("rule 16: service conversations are free", "2024-11-01"),
    ("rule 4: marketing templates to US numbers are not delivered (simulator)", "2025-04-01"),
    ("per-message-2025 replaces category-2023 (auto); rule 18's carried utility conversation", "2025-07-01"),
    ("rule 5: entry-point windows last 7 days (168 h)", "2026-09-28"),
    ("per-message-2026 replaces per-message-2025 (auto); rule 31's webhook fields change meaning", "2026-10-01"),
    ("rule 23: the latest end of a government or non-profit exemption", "2027-12-31"),
];

/// The listing of the bundled cards in `book` (the bundled book), as text.
#[must_use]
pub fn bundled_cards(book: &RateBook) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Bundled rate cards ({}); rates per conversation for conversation models, per delivered message otherwise.\n",
        book.currency()
    );
    for bundled in BUNDLED_CARDS {
        let Some((model, date)) = card_file_name(bundled.file) else { continue };
        let Some(id) = book.card_for(model, date) else { continue };
        let card = book.card(id);
        let until = book
            .cards()
            .filter(|c| c.model == model && c.effective > date)
            .map(|c| c.effective.to_string())
            .next()
            .map_or_else(|| "onwards".to_owned(), |d| format!("until the card of {d}"));
        let columns: Vec<&str> = card.columns().iter().map(|c| c.header()).collect();
        let _ = writeln!(out, "{}  {model}  from {date} {until}", bundled.file);
        let _ = writeln!(out, "    {} markets; columns: {}", card.markets().count(), columns.join(", "));
        let _ = writeln!(out, "    {}\n", bundled.notes);
    }
    let _ = writeln!(out, "template-2018: no bundled card; pass your own with --rates.");
    let _ = writeln!(out, "\nDated rules (at 00:00 in the business's time zone; docs/rules.md):");
    for (rule, date) in DATED_RULES {
        let _ = writeln!(out, "    {date}  {rule}");
    }
    let _ = writeln!(
        out,
        "Markets: rates/markets.csv maps {} ISO country codes to markets by date; unlisted countries are in `Other`.",
        BUNDLED_MARKETS.lines().count().saturating_sub(1)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_card_is_listed_with_its_dates() {
        let text = bundled_cards(&RateBook::bundled().unwrap());
        for card in BUNDLED_CARDS {
            assert!(text.contains(card.file), "{} missing", card.file);
        }
        assert!(text.contains(
            "per-message-2025_2025-07-01.csv  per-message-2025  from 2025-07-01 until the card of 2026-01-01"
        ));
        assert!(text.contains("per-message-2026_2026-10-01.csv  per-message-2026  from 2026-10-01 onwards"));
    }
}
