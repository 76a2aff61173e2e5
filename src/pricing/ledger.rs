//! The business's month ledger: what no single customer's history can decide. Free tiers and
//! free tiers go to the first units of each calendar month across the whole business, in order
//! of opening (rules 10, 16, 23); volume tiers price the n-th charged message of a month in a
//! market and category (rule 21). [`Ledger`] settles units in time order, as `wasim bill` prices a
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

/// What a rule bills, before the month ledger: the category, the list rate, and whether an
/// free tier or a volume tier may still change the price.
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
}

/// The final price of a billable unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// Billed at a rate (the rate may be a tier's).
    Charged {
        /// What Meta charges for it.
        cost: Money,
        /// Its place in the month's volume-tier count, if tiered.
        tier_count: Option<u64>,
    },
    /// Free within a monthly free tier.
    WithinFreeTier(FreeTier),
}

/// The month ledger of one business.
#[derive(Clone, Debug)]
pub struct Ledger {
    /// The size of each monthly free tier (0: none).
    free_tier: u64,
    used: FastMap<(Month, FreeTier), u64>,
    tier_counts: FastMap<(Month, MarketId, TierGroup), u64>,
}

impl Ledger {
    /// A ledger whose free tiers each hold `free_tier` units a month (0: none).
    #[must_use]
    pub fn new(free_tier: u64) -> Ledger {
        Ledger { free_tier, used: FastMap::default(), tier_counts: FastMap::default() }
    }

    /// Settles one billable unit of `month`. Call in time order across the whole business.
    ///
    /// # Errors
    /// The rate gap, when the unit is charged and the card has no rate for it.
    pub fn settle(&mut self, month: Month, bill: &Billable, tiers: &TierTable) -> Result<Settled, RateGap> {
        if let Some(free_tier) = bill.free_tier {
            let used = self.used.entry((month, free_tier)).or_insert(0);
            if *used < self.free_tier {
                *used += 1;
                return Ok(Settled::WithinFreeTier(free_tier));
            }
        }
        let list = bill.rate?;
        let Some(group) = bill.tier else {
            return Ok(Settled::Charged { cost: list, tier_count: None });
        };
        let n = self.tier_counts.entry((month, bill.market, group)).or_insert(0);
        *n += 1;
        let international = bill.category == BillCategory::AuthenticationInternational;
        let cost = tiers.price(bill.market, group, international, *n, list);
        Ok(Settled::Charged { cost, tier_count: Some(*n) })
    }
}
