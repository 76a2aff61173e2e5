//! The business's month ledger: what no single customer's history can decide. Free tiers go to
//! the first units of each calendar month, in order of opening: across the whole business for
//! rules 10 and 16, per business number for rule 23 (rule 27); volume tiers price the n-th
//! charged message of a month in a market and category, across the business (rule 21). A
//! government or non-profit exemption makes free-form beyond the free tier free (rule 23), and a
//! marketing template's reported price or cap replaces its list rate (rule 29). [`Ledger`] settles units in time order, as `wasim bill` prices a
//! log; the simulator, which prices customers in parallel, settles the same rules after the fact
//! with [`deferred::DeferredLedger`], which a property test holds to the same money.

pub(crate) mod deferred;

use super::markets::MarketId;
use super::money::Money;
use super::rate_card::{CardId, RateGap};
use super::tiers::{TierGroup, TierTable};
use super::{BillCategory, Model};
use crate::hash::FastMap;
use crate::time::Month;

/// A monthly free tier a unit may be free under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FreeTier {
    /// conversation-2022: the first N conversations of the month (rule 10).
    Conversations,
    /// category-2023 until 2024-10-31: the first N service conversations of the month (rule 16).
    ServiceConversations,
    /// per-message-2026: the first N free-form messages of the month per business number (rule 23).
    FreeFormMessages,
}

/// Whether a bill is per message or per conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// A delivered message.
    Message,
    /// A conversation, billed when it opens.
    Conversation,
}

/// What a marketing template sent through the Marketing Messages API cost (rule 29): the price
/// Meta reported for it, or the cap it was sent with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PriceCap {
    /// Neither: the card's rate.
    #[default]
    None,
    /// The price Meta reported: the charge, whatever the card and the cap say.
    Reported(Money),
    /// A cap without a reported price: the lower of the cap and the card's rate.
    AtMost(Money),
}

impl PriceCap {
    /// What a unit with card rate `list` is charged.
    #[must_use]
    pub fn charge(self, list: Money) -> Money {
        match self {
            PriceCap::None => list,
            PriceCap::Reported(price) => price,
            PriceCap::AtMost(cap) => cap.min(list),
        }
    }

    /// Whether a price or a cap was given.
    #[must_use]
    pub fn is_some(self) -> bool {
        self != PriceCap::None
    }
}

/// What a rule bills, before the month ledger: the category, the list rate, and whether a
/// free tier, an exemption or a volume tier may still change the price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Billable {
    /// The model whose rule bills it.
    pub model: Model,
    /// The category it is reported and priced under.
    pub category: BillCategory,
    /// Message or conversation.
    pub unit: Unit,
    /// The customer's market at delivery.
    pub market: MarketId,
    /// The card in force, if any.
    pub card: Option<CardId>,
    /// The card's list rate, or why it has none (an error only if the unit ends up charged).
    pub rate: Result<Money, RateGap>,
    /// The monthly free tier that may make it free.
    pub free_tier: Option<FreeTier>,
    /// The volume-tier count it advances, if charged.
    pub tier: Option<TierGroup>,
    /// The business number it went through (rule 27: rule 23's free tier is per number).
    pub number: u16,
    /// Free beyond the free tier under a government or non-profit exemption (rule 23).
    pub exempt: bool,
}

impl Billable {
    /// The number whose free tier counts this unit: its own for rule 23, the business's (0)
    /// for rules 10 and 16 (rule 27).
    #[must_use]
    pub fn free_tier_number(&self) -> u16 {
        if self.free_tier == Some(FreeTier::FreeFormMessages) { self.number } else { 0 }
    }
}

/// The final price of a billable unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// Billed at a rate (the rate may be a tier's, a reported price or a cap).
    Charged {
        /// What Meta charges for it.
        cost: Money,
        /// Its place in the month's volume-tier count, if tiered.
        tier_count: Option<u64>,
        /// The card's rate, when a reported price or a cap set the charge instead (rule 29).
        card_rate: Option<Money>,
    },
    /// Free within a monthly free tier.
    WithinFreeTier(FreeTier),
    /// Free beyond the free tier under a government or non-profit exemption (rule 23).
    Exempt,
}

/// The month ledger of one business.
#[derive(Clone, Debug)]
pub struct Ledger {
    /// The size of each monthly free tier (0: none).
    free_tier: u64,
    /// Units used per (month, free tier, business number; 0 for the business-wide tiers).
    used: FastMap<(Month, FreeTier, u16), u64>,
    tier_counts: FastMap<(Month, MarketId, TierGroup), u64>,
}

impl Ledger {
    /// A ledger whose free tiers each hold `free_tier` units a month (0: none).
    #[must_use]
    pub fn new(free_tier: u64) -> Ledger {
        Ledger { free_tier, used: FastMap::default(), tier_counts: FastMap::default() }
    }

    /// Settles one billable unit of `month`, of a message sent with `cap`. Call in time order
    /// across the whole business.
    ///
    /// # Errors
    /// The rate gap, when the unit is charged and the card has no rate for it (rule 29: a capped
    /// or reported price still needs the card's rate).
    pub fn settle(
        &mut self,
        month: Month,
        bill: &Billable,
        cap: PriceCap,
        tiers: &TierTable,
    ) -> Result<Settled, RateGap> {
        if let Some(free_tier) = bill.free_tier {
            let used = self.used.entry((month, free_tier, bill.free_tier_number())).or_insert(0);
            if *used < self.free_tier {
                *used += 1;
                return Ok(Settled::WithinFreeTier(free_tier));
            }
        }
        // Rule 23: the exemption covers what is beyond the free tier, and needs no rate.
        if bill.exempt {
            return Ok(Settled::Exempt);
        }
        let list = bill.rate?;
        // Rule 21: the n-th charged unit of its month, market and group takes its tier's rate.
        let (card, tier_count) = match bill.tier {
            Some(group) => {
                let n = self.tier_counts.entry((month, bill.market, group)).or_insert(0);
                *n += 1;
                let international = bill.category == BillCategory::AuthenticationInternational;
                (tiers.price(bill.market, group, international, *n, list), Some(*n))
            }
            None => (list, None),
        };
        // Rule 29: a reported price is the charge; a cap charges at most itself.
        let card_rate = cap.is_some().then_some(card);
        Ok(Settled::Charged { cost: cap.charge(card), tier_count, card_rate })
    }
}
