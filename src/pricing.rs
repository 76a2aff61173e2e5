//! Pricing: the five pricing models, rate cards chosen by date, markets, volume tiers, money and
//! the business's month ledger. Pure data and arithmetic: no I/O, no clock.

mod errors;
pub mod fees;
pub mod ledger;
pub mod listing;
pub mod markets;
pub mod money;
pub mod rate_card;
pub mod tiers;

use crate::time::Date;
use markets::{MarketId, Markets};
use money::Money;
use rate_card::{CardId, Column, RateCard, RateGap};
use std::fmt;
use tiers::TierTable;

pub use errors::{MissingRate, TableError};

/// A pricing model of the WhatsApp Business Platform, named by its id in rules.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Model {
    /// Per delivered template, free inside the customer service window (until 2022-01-31).
    Template2018,
    /// 24-hour user- or business-initiated conversations (2022-02-01 → 2023-05-31).
    Conversation2022,
    /// 24-hour conversations per category (2023-06-01 → 2025-06-30).
    Category2023,
    /// Per delivered template (2025-07-01 → 2026-09-30).
    PerMessage2025,
    /// Per delivered template or free-form message (2026-10-01 →).
    PerMessage2026,
}

impl Model {
    /// Every model, oldest first.
    pub const ALL: [Model; 5] = [
        Model::Template2018,
        Model::Conversation2022,
        Model::Category2023,
        Model::PerMessage2025,
        Model::PerMessage2026,
    ];

    /// The id used on the command line, in scenarios and in outputs.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Model::Template2018 => "template-2018",
            Model::Conversation2022 => "conversation-2022",
            Model::Category2023 => "category-2023",
            Model::PerMessage2025 => "per-message-2025",
            Model::PerMessage2026 => "per-message-2026",
        }
    }

    /// The model named by an id.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.id() == id)
    }

    /// The first local date on which Meta applied this model (`None`: since the beginning).
    #[must_use]
    pub fn in_force_from(self) -> Option<Date> {
        match self {
            Model::Template2018 => None,
            Model::Conversation2022 => Some(Date::ymd(2022, 2, 1)),
            Model::Category2023 => Some(Date::ymd(2023, 6, 1)),
            Model::PerMessage2025 => Some(Date::ymd(2025, 7, 1)),
            Model::PerMessage2026 => Some(Date::ymd(2026, 10, 1)),
        }
    }

    /// The model in force on a local date (what `auto` applies).
    #[must_use]
    pub fn in_force_on(date: Date) -> Model {
        Model::ALL
            .into_iter()
            .rev()
            .find(|m| m.in_force_from().is_none_or(|from| from <= date))
            .unwrap_or(Model::Template2018)
    }

    /// Whether the model bills conversations rather than messages.
    #[must_use]
    pub fn bills_conversations(self) -> bool {
        matches!(self, Model::Conversation2022 | Model::Category2023)
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The pricing a bill or run applies: one model throughout, or `auto`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pricing {
    /// One model applied to every message, whatever its date.
    Fixed(Model),
    /// The model in force at each message's delivery date, switching mid-log.
    Auto,
}

impl Pricing {
    /// Parses `auto` or a model id.
    ///
    /// # Errors
    /// The list of valid ids, when the text is none of them.
    pub fn parse(text: &str) -> Result<Pricing, String> {
        let t = text.trim();
        if t == "auto" {
            return Ok(Pricing::Auto);
        }
        Model::from_id(t).map(Pricing::Fixed).ok_or_else(|| {
            let ids: Vec<&str> = Model::ALL.iter().map(|m| m.id()).collect();
            format!("unknown pricing `{text}`; expected auto or one of {}", ids.join(", "))
        })
    }

    /// The model that prices a message delivered on `date`.
    #[must_use]
    pub fn model_on(self, date: Date) -> Model {
        match self {
            Pricing::Fixed(m) => m,
            Pricing::Auto => Model::in_force_on(date),
        }
    }

    /// The id: `auto` or the model's.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Pricing::Fixed(m) => m.id(),
            Pricing::Auto => "auto",
        }
    }
}

impl fmt::Display for Pricing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The category a charge or an opened conversation is reported under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BillCategory {
    /// Marketing template or conversation.
    Marketing,
    /// Utility template or conversation.
    Utility,
    /// Authentication template or conversation at the domestic rate.
    Authentication,
    /// Authentication at the international rate (rule 24).
    AuthenticationInternational,
    /// Service conversation, or free-form message under per-message-2026.
    Service,
    /// conversation-2022: user-initiated conversation.
    UserInitiated,
    /// conversation-2022: business-initiated conversation.
    BusinessInitiated,
    /// Free entry-point conversation (conversation models).
    EntryPoint,
}

impl BillCategory {
    /// Every category, in report order.
    pub const ALL: [BillCategory; 8] = [
        BillCategory::Marketing,
        BillCategory::Utility,
        BillCategory::Authentication,
        BillCategory::AuthenticationInternational,
        BillCategory::Service,
        BillCategory::UserInitiated,
        BillCategory::BusinessInitiated,
        BillCategory::EntryPoint,
    ];

    /// The name used in outputs.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            BillCategory::Marketing => "marketing",
            BillCategory::Utility => "utility",
            BillCategory::Authentication => "authentication",
            BillCategory::AuthenticationInternational => "authentication_international",
            BillCategory::Service => "service",
            BillCategory::UserInitiated => "user_initiated",
            BillCategory::BusinessInitiated => "business_initiated",
            BillCategory::EntryPoint => "entry_point",
        }
    }

    /// The name a reader sees (charts, report).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            BillCategory::Marketing => "Marketing",
            BillCategory::Utility => "Utility",
            BillCategory::Authentication => "Authentication",
            BillCategory::AuthenticationInternational => "Authentication (international)",
            BillCategory::Service => "Service",
            BillCategory::UserInitiated => "User-initiated",
            BillCategory::BusinessInitiated => "Business-initiated",
            BillCategory::EntryPoint => "Entry point",
        }
    }

    /// The rate-card column that prices this category.
    #[must_use]
    pub fn column(self) -> Column {
        match self {
            BillCategory::Marketing => Column::Marketing,
            BillCategory::Utility => Column::Utility,
            BillCategory::Authentication => Column::Authentication,
            BillCategory::AuthenticationInternational => Column::AuthenticationInternational,
            BillCategory::Service | BillCategory::EntryPoint => Column::Service,
            BillCategory::UserInitiated => Column::UserInitiated,
            BillCategory::BusinessInitiated => Column::BusinessInitiated,
        }
    }
}

impl fmt::Display for BillCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A card bundled with wasim: its file, text and what is known of its provenance.
#[derive(Clone, Copy, Debug)]
pub struct BundledCard {
    /// The file name under `rates/`: `<model>_<effective date>.csv`.
    pub file: &'static str,
    /// The card in Meta's CSV layout.
    pub text: &'static str,
    /// How far the figures can be trusted, and what is missing.
    pub notes: &'static str,
}

/// The cards bundled with wasim (the repository's `rates/`), with their provenance.
pub const BUNDLED_CARDS: [BundledCard; 6] = [
    BundledCard {
        file: "conversation-2022_2022-02-01.csv",
        text: include_str!("../rates/conversation-2022_2022-02-01.csv"),
        notes: "4 markets only (Argentina, Brazil, Chile, Nigeria), business- and user-initiated rates; secondary source, low confidence.",
    },
    BundledCard {
        file: "category-2023_2023-06-01.csv",
        text: include_str!("../rates/category-2023_2023-06-01.csv"),
        notes: "Secondary copies of Meta's card, consistent with Meta's change log. Chile utility/service unknown (empty); India authentication did not exist before 2024-07-01 (see the 2024-10-01 card); utility cuts of 2024-08-01 are only in the next card.",
    },
    BundledCard {
        file: "category-2023_2024-10-01.csv",
        text: include_str!("../rates/category-2023_2024-10-01.csv"),
        notes: "Secondary (an open-source calculator), consistent with Meta's log. Service column carried from the 2023 card; service conversations are free from 2024-11-01 by rule, not by card. Authentication changes of 2025-02-01 are not in it.",
    },
    BundledCard {
        file: "per-message-2025_2025-07-01.csv",
        text: include_str!("../rates/per-message-2025_2025-07-01.csv"),
        notes: "Partly direct, partly reconstructed by undoing Meta's documented Oct-2025/Jan-2026 changes. North America utility/authentication 0.0040 and Saudi Arabia utility/authentication 0.0115 are inferred.",
    },
    BundledCard {
        file: "per-message-2025_2026-01-01.csv",
        text: include_str!("../rates/per-message-2025_2026-01-01.csv"),
        notes: "Secondary copy headed \"rates effective January 1, 2026\"; matches Meta's change log. The Apr-2026 and Jul-2026 changes are not in it: the six markets made standalone on 2026-07-01 have no rate until the 2026-10-01 card (a message there is an error until you pass a card).",
    },
    BundledCard {
        file: "per-message-2026_2026-10-01.csv",
        text: include_str!("../rates/per-message-2026_2026-10-01.csv"),
        notes: "Secondary copy of Meta's Oct-2026 card; Service equals Utility everywhere. Authentication-international carried from the Jan-2026 card (inferred); India's is left empty (raised to an unknown value). Peru and South Africa utility uncertain.",
    },
];

/// The bundled country-to-market mapping.
pub const BUNDLED_MARKETS: &str = include_str!("../rates/markets.csv");

/// Splits a card file name `<model>_<YYYY-MM-DD>.csv` into model and effective date.
#[must_use]
pub fn card_file_name(name: &str) -> Option<(Model, Date)> {
    let stem = name.rsplit(['/', '\\']).next()?.strip_suffix(".csv")?;
    let (model, date) = stem.split_once('_')?;
    Some((Model::from_id(model)?, Date::parse(date).ok()?))
}

/// A file the user gave wasim, already read (pricing does no I/O): a rate card or a tier table.
#[derive(Clone, Copy, Debug)]
pub struct UserFile<'a> {
    /// Its name as the user gave it: it dates a card named `<model>_<YYYY-MM-DD>.csv`, and
    /// messages about the file name it.
    pub name: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// Why the user's files do not make a rate book; each caller says which file in its own terms.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UserFilesError {
    /// A card not named `<model>_<YYYY-MM-DD>.csv`, and no fixed model to say what it prices.
    #[error("{name}: a card not named <model>_<YYYY-MM-DD>.csv needs one fixed pricing model")]
    Unnamed {
        /// Its place among the cards.
        index: usize,
        /// Its name.
        name: String,
    },
    /// A malformed card, or one in another currency than the rest.
    #[error("{error}")]
    Card {
        /// Its place among the cards.
        index: usize,
        /// What is wrong, located in the file.
        error: TableError,
    },
    /// A malformed tier table, or one naming a market that no card in use lists.
    #[error(transparent)]
    Tiers(TableError),
    /// The bundled data are malformed (a test guards against it).
    #[error(transparent)]
    Bundled(TableError),
}

/// Every rate card in use, the market mapping and the tier table: all that prices a message.
#[derive(Clone, Debug)]
pub struct RateBook {
    /// Market names and the country mapping.
    pub markets: Markets,
    cards: Vec<RateCard>,
    /// Card ids per model with their effective dates (kept here so that finding the card in
    /// force touches no card), oldest first.
    by_model: [Vec<(Date, CardId)>; 5],
    /// The user's volume tiers (empty by default).
    pub tiers: TierTable,
}

impl RateBook {
    /// The bundled mapping and cards, no tiers.
    ///
    /// # Errors
    /// Only if the bundled data were malformed (a test guards against that).
    pub fn bundled() -> Result<RateBook, TableError> {
        let mut book = RateBook {
            markets: Markets::from_csv(BUNDLED_MARKETS)?,
            cards: Vec::new(),
            by_model: Default::default(),
            tiers: TierTable::default(),
        };
        for card in BUNDLED_CARDS {
            let (model, date) =
                card_file_name(card.file).ok_or_else(|| TableError::file(card.file, "a bundled card misnamed"))?;
            book.add_card_csv(card.text, model, date, "bundled")?;
        }
        Ok(book)
    }

    /// The bundled book with the user's own cards, in order, then the user's tier table: what
    /// `wasim bill` and a scenario price with.
    ///
    /// A card named `<model>_<YYYY-MM-DD>.csv` adds that model's card from that date (or replaces
    /// the card of the same model and date). A card with any other name prices `unnamed`, the
    /// one fixed model of the bill: it replaces every card, since under one model only that
    /// model's cards are in use (and the others no longer constrain its currency); without a
    /// fixed model such a card is refused. The tier table is then checked against the cards in
    /// use ([`RateBook::set_tiers`]).
    ///
    /// # Errors
    /// The first file that cannot be used, and why.
    pub fn with_user_files(
        cards: &[UserFile<'_>],
        unnamed: Option<Model>,
        tiers: Option<UserFile<'_>>,
    ) -> Result<RateBook, UserFilesError> {
        let mut book = RateBook::bundled().map_err(UserFilesError::Bundled)?;
        for (index, card) in cards.iter().enumerate() {
            let added = match (card_file_name(card.name), unnamed) {
                (Some((model, date)), _) => book.add_card_csv(card.text, model, date, card.name),
                (None, Some(model)) => {
                    for other in Model::ALL {
                        book.clear_model(other);
                    }
                    book.add_card_csv(card.text, model, Date::BEGINNING, card.name)
                }
                (None, None) => return Err(UserFilesError::Unnamed { index, name: card.name.to_owned() }),
            };
            added.map_err(|error| UserFilesError::Card { index, error })?;
        }
        if let Some(file) = tiers {
            let table = TierTable::from_csv(file.text, file.name, &mut book.markets).map_err(UserFilesError::Tiers)?;
            book.set_tiers(table, file.name).map_err(UserFilesError::Tiers)?;
        }
        Ok(book)
    }

    /// Adds a card; a card of the same model and date replaces the earlier one.
    ///
    /// # Errors
    /// The first problem, located by line and column, or a currency mismatch.
    pub fn add_card_csv(
        &mut self,
        text: &str,
        model: Model,
        effective: Date,
        source: &str,
    ) -> Result<CardId, TableError> {
        let card = RateCard::from_csv(text, model, effective, source, &mut self.markets)?;
        if let Some(other) = self.cards().find(|c| c.model != model || c.effective != effective)
            && other.currency != card.currency
        {
            return Err(TableError::file(
                source,
                format!(
                    "currency {} differs from {} on the other cards; use one currency throughout",
                    card.currency, other.currency
                ),
            ));
        }
        let ids = &mut self.by_model[model.index()];
        if let Some(&(_, existing)) = ids.iter().find(|(date, _)| *date == effective) {
            self.cards[usize::from(existing.0)] = card;
            return Ok(existing);
        }
        let id = CardId(u16::try_from(self.cards.len()).map_err(|_| TableError::file(source, "too many rate cards"))?);
        self.cards.push(card);
        ids.push((effective, id));
        ids.sort_by_key(|(date, _)| *date);
        Ok(id)
    }

    /// Sets the user's tier table, after checking that every market it names is on some rate
    /// card in use (a misspelt market would otherwise silently keep the list rate).
    ///
    /// # Errors
    /// The first market no card lists.
    pub fn set_tiers(&mut self, tiers: TierTable, source: &str) -> Result<(), TableError> {
        for market in tiers.markets() {
            if !self.cards().any(|card| card.markets().any(|m| m == market)) {
                return Err(TableError::file(
                    source,
                    format!(
                        "market `{}` is on no rate card in use; check its spelling against `wasim rates` and the cards",
                        self.markets.name(market)
                    ),
                ));
            }
        }
        self.tiers = tiers;
        Ok(())
    }

    /// Drops every card of a model (before the user's own card replaces them).
    pub fn clear_model(&mut self, model: Model) {
        self.by_model[model.index()].clear();
    }

    /// The card that prices `model` on `date`: the latest effective on or before it, or the
    /// model's earliest card for dates before all of them.
    #[must_use]
    pub fn card_for(&self, model: Model, date: Date) -> Option<CardId> {
        let ids = &self.by_model[model.index()];
        ids.iter().rev().find(|(from, _)| *from <= date).or_else(|| ids.first()).map(|(_, id)| *id)
    }

    /// A card by id.
    #[must_use]
    pub fn card(&self, id: CardId) -> &RateCard {
        &self.cards[usize::from(id.0)]
    }

    /// Every card in use, per model and date.
    pub fn cards(&self) -> impl Iterator<Item = &RateCard> + '_ {
        self.by_model.iter().flatten().map(|(_, id)| self.card(*id))
    }

    /// The currency of the cards (USD for the bundled ones).
    #[must_use]
    pub fn currency(&self) -> &str {
        self.cards.first().map_or("USD", |c| c.currency.as_str())
    }

    /// The list rate of `category` for `market` under `model` on `date`, with the card used.
    /// template-2018 cards may give one `Template` column for every category.
    ///
    /// # Errors
    /// Why the rate is missing; the caller decides whether a rule needed it.
    #[inline(always)]
    pub fn rate(
        &self,
        model: Model,
        date: Date,
        market: MarketId,
        category: BillCategory,
    ) -> (Option<CardId>, Result<Money, RateGap>) {
        let Some(id) = self.card_for(model, date) else {
            return (None, Err(RateGap::NoCard));
        };
        let card = self.card(id);
        let column = category.column();
        let is_template = matches!(column, Column::Marketing | Column::Utility | Column::Authentication);
        let rate = if model == Model::Template2018
            && is_template
            && !card.has_column(column)
            && card.has_column(Column::Template)
        {
            card.rate(market, Column::Template)
        } else {
            card.rate(market, column)
        };
        (Some(id), rate)
    }

    /// The error of a missing rate a rule needs, naming market, category and card.
    #[must_use]
    pub fn missing_rate(
        &self,
        gap: RateGap,
        model: Model,
        card: Option<CardId>,
        market: MarketId,
        category: BillCategory,
    ) -> MissingRate {
        let card = card.map(|id| (self.card(id).name(), self.card(id).source.clone()));
        MissingRate { gap, model, card, market: self.markets.name(market).to_owned(), category }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_data_loads() {
        let book = RateBook::bundled().unwrap();
        assert_eq!(book.cards().count(), 6);
        assert_eq!(book.currency(), "USD");
    }

    #[test]
    fn auto_follows_the_eras() {
        let on = |y, m, d| Model::in_force_on(Date::ymd(y, m, d));
        assert_eq!(on(2022, 1, 31), Model::Template2018);
        assert_eq!(on(2022, 2, 1), Model::Conversation2022);
        assert_eq!(on(2023, 5, 31), Model::Conversation2022);
        assert_eq!(on(2023, 6, 1), Model::Category2023);
        assert_eq!(on(2025, 6, 30), Model::Category2023);
        assert_eq!(on(2025, 7, 1), Model::PerMessage2025);
        assert_eq!(on(2026, 9, 30), Model::PerMessage2025);
        assert_eq!(on(2026, 10, 1), Model::PerMessage2026);
    }

    #[test]
    fn cards_are_chosen_by_date_with_earliest_and_latest_outside() {
        let book = RateBook::bundled().unwrap();
        let card = |m, y, mo, d| book.card(book.card_for(m, Date::ymd(y, mo, d)).unwrap()).effective.to_string();
        assert_eq!(card(Model::PerMessage2025, 2025, 12, 31), "2025-07-01");
        assert_eq!(card(Model::PerMessage2025, 2026, 1, 1), "2026-01-01");
        assert_eq!(card(Model::PerMessage2025, 2024, 1, 1), "2025-07-01");
        assert_eq!(card(Model::Category2023, 2024, 9, 30), "2023-06-01");
        assert_eq!(card(Model::Category2023, 2026, 1, 1), "2024-10-01");
        assert!(book.card_for(Model::Template2018, Date::ymd(2020, 1, 1)).is_none());
    }

    #[test]
    fn empty_cells_and_unlisted_markets_are_gaps_not_zero() {
        let book = RateBook::bundled().unwrap();
        let chile = book.markets.id("Chile").unwrap();
        let (_, r) = book.rate(Model::Category2023, Date::ymd(2023, 7, 1), chile, BillCategory::Utility);
        assert_eq!(r, Err(RateGap::Empty));
        let india = book.markets.id("India").unwrap();
        let (_, r) = book.rate(Model::Conversation2022, Date::ymd(2022, 7, 1), india, BillCategory::UserInitiated);
        assert_eq!(r, Err(RateGap::MarketNotListed));
        let hk = book.markets.id("Hong Kong").unwrap();
        let (_, r) = book.rate(Model::PerMessage2025, Date::ymd(2026, 8, 1), hk, BillCategory::Marketing);
        assert_eq!(r, Err(RateGap::MarketNotListed));
    }

    #[test]
    fn user_files_add_or_replace_cards_then_tiers_are_checked_against_them() {
        const CARD: &str = "Market,Currency,Marketing,Utility,Authentication,Authentication-International,Service\nIndia,USD,0.9,0.5,0.5,,0\n";
        let india = |book: &RateBook| book.markets.id("India").unwrap();
        let utility = |book: &RateBook, model, date| book.rate(model, date, india(book), BillCategory::Utility).1;
        let jan = Date::ymd(2026, 1, 1);
        // A dated name adds a card from its date.
        let named = UserFile { name: "cards/per-message-2025_2026-03-01.csv", text: CARD };
        let book = RateBook::with_user_files(&[named], None, None).unwrap();
        assert_eq!(book.cards().count(), 7);
        assert_eq!(utility(&book, Model::PerMessage2025, Date::ymd(2026, 3, 1)), Ok(Money::parse("0.5").unwrap()));
        assert_ne!(utility(&book, Model::PerMessage2025, jan), Ok(Money::parse("0.5").unwrap()));
        // Any other name replaces every card, for the one fixed model; without one it is refused.
        let mine = UserFile { name: "mine.csv", text: CARD };
        let book = RateBook::with_user_files(&[mine], Some(Model::PerMessage2025), None).unwrap();
        assert_eq!(book.cards().count(), 1);
        assert_eq!(utility(&book, Model::PerMessage2025, jan), Ok(Money::parse("0.5").unwrap()));
        assert_eq!(
            RateBook::with_user_files(&[named, mine], None, None).unwrap_err(),
            UserFilesError::Unnamed { index: 1, name: "mine.csv".into() }
        );
        let bad = UserFile { name: "per-message-2025_2026-03-01.csv", text: "Market\n" };
        assert!(matches!(
            RateBook::with_user_files(&[named, bad], None, None),
            Err(UserFilesError::Card { index: 1, .. })
        ));
        // Tiers: a market on some card is fine; a misspelt one is refused.
        let tiers = |text| UserFile { name: "tiers.csv", text };
        assert!(
            RateBook::with_user_files(&[], None, Some(tiers("market,category,from,rate\nIndia,utility,2,0.001\n")))
                .is_ok()
        );
        let e = RateBook::with_user_files(&[], None, Some(tiers("market,category,from,rate\nIndai,utility,2,0.001\n")));
        assert!(
            matches!(&e, Err(UserFilesError::Tiers(m)) if m.to_string().starts_with("tiers.csv: market `Indai`")),
            "{e:?}"
        );
    }

    #[test]
    fn card_file_names() {
        assert_eq!(
            card_file_name("x/per-message-2025_2026-01-01.csv"),
            Some((Model::PerMessage2025, Date::ymd(2026, 1, 1)))
        );
        assert_eq!(card_file_name("my-card.csv"), None);
    }
}
