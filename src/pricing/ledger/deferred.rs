//! The month ledger settled after the fact, for the simulator: the same rules as [`Ledger`]
//! (free tiers, rules 10, 16 and 23; volume tiers, rule 21), the same money, without holding the
//! business's messages in time order.
//!
//! The simulator prices customers in parallel chunks, each customer's messages in time order but
//! the business's messages in no order at all. A unit a rule bills is taken here as it comes
//! ([`DeferredLedger::take`]); the caller counts it provisionally and, once every chunk has been
//! merged, [`DeferredLedger::settle`] corrects the caller's tallies to what the time-ordered
//! ledger would have charged:
//! - a free tier goes to the N earliest eligible units of its month across the business: each
//!   chunk keeps (a superset of) its N earliest, keyed by [`Order`]; merging keeps the N earliest
//!   overall whatever the merge order;
//! - a volume tier prices the n-th charged unit of its (month, market, group) by n: units are
//!   counted per (month, market, group, card, international, list rate, cell) and numbered at
//!   the end in that order, which is their time order within the month (a month's cards follow
//!   one another in time; under one card, authentication-international eligibility only ever
//!   starts, never stops, and markets are remapped only on the first of a month, so a market's
//!   domestic units come before its international ones; utility and authentication each have
//!   one list rate per card). template-2018's group mixes categories with different list rates,
//!   so its units keep their [`Order`] and are numbered in it.
//!
//! The property test below settles random unit streams both ways and compares the money.
//!
//! [`Ledger`]: super::Ledger

use super::{Billable, FreeTier, PriceCap};
use crate::pricing::markets::MarketId;
use crate::pricing::money::Money;
use crate::pricing::tiers::{TierGroup, TierTable};
use crate::pricing::{MissingRate, RateBook};
use crate::time::{Date, Time};
use std::collections::BTreeMap;

/// A unit's place in the business's time order: its time, then its customer, then the customer's
/// own message number (unique, so the N earliest of a month are well defined).
pub(crate) type Order = (Time, u64, u32);

/// Where the caller counted a unit, handed back when settlement changes its price. Opaque to the
/// ledger: the caller's tally cell, its day and the unit's reason before settlement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Counted {
    pub cell: u32,
    pub day: u32,
    pub reason: u8,
    /// The card's rate, when a reported price or a cap set the charge instead (rule 29).
    pub card: Option<Money>,
}

/// What the caller counts for a unit as it is taken, before settlement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Provisional {
    /// Charged at its list rate; a free tier may yet make it free.
    ListRate(Money),
    /// Charged, at a cost that volume tiers set at settlement (`list` meanwhile, for figures
    /// before tiers).
    Tiered {
        /// The card's list rate.
        list: Money,
    },
    /// Nothing: the unit is free under a government or non-profit exemption unless the free
    /// tier takes it first (rule 23); or the card has no rate for it, which is an error at
    /// settlement unless a free tier makes it free.
    Nothing,
}

/// The corrections settlement makes in the caller's tallies.
pub(crate) trait Corrections {
    /// A unit counted as [`Provisional::ListRate`] (`rate`) or [`Provisional::Nothing`] (`None`)
    /// is free under a monthly free tier.
    fn made_free(&mut self, unit: Counted, rate: Option<Money>, free_tier: FreeTier);
    /// Units counted as [`Provisional::Tiered`] in `cell` cost `cost` in all.
    fn tier_cost(&mut self, cell: u32, cost: Money);
}

/// A unit that a free tier may make free.
#[derive(Clone, Copy, Debug)]
struct FreeTierUnit {
    order: Order,
    /// What it was counted at (`None`: nothing, for lack of a rate or under an exemption).
    rate: Option<Money>,
    /// Free anyway, by a government or non-profit exemption (rule 23).
    exempt: bool,
    counted: Counted,
}

/// The N earliest units of one (month, free tier, business number), and how many lacked a rate.
///
/// Units are kept in a buffer of up to 2N, cut back to the N earliest when full; once cut, any
/// unit later than the latest kept one is turned away at once. Amortised constant time per unit
/// (a heap of N costs a sift of log N for most units of a busy month).
#[derive(Clone, Debug)]
struct Earliest {
    month: usize,
    free_tier: FreeTier,
    /// The business number whose free tier it is (0 for the business-wide ones; rule 27).
    number: u16,
    /// A superset of the N earliest offered so far (all of them while fewer than N).
    units: Vec<FreeTierUnit>,
    /// The latest order among N kept units, once there are N: later units cannot be among the N.
    bound: Option<Order>,
    gaps: u64,
    /// The first unit without a rate, for the error if it ends up charged.
    gap: Option<MissingRate>,
}

impl Earliest {
    /// Offers a unit: kept if it may be among the `size` earliest.
    fn offer(&mut self, unit: FreeTierUnit, size: usize) {
        if size == 0 || self.bound.is_some_and(|latest| unit.order > latest) {
            return;
        }
        self.units.push(unit);
        if self.units.len() >= size.saturating_mul(2) {
            self.cut(size);
        }
    }

    /// Keeps only the `size` earliest units (orders are unique, so they are well defined).
    fn cut(&mut self, size: usize) {
        if self.units.len() > size {
            self.units.select_nth_unstable_by_key(size, |u| u.order);
            self.units.truncate(size);
        }
        if self.units.len() == size {
            self.bound = self.units.iter().map(|u| u.order).max();
        }
    }
}

/// The numbering key of tiered units: (month, market, group, card date, international, list
/// rate, cell); see the module's notes for why this is their time order.
type TierKey = (usize, MarketId, TierGroup, Date, bool, Money, u32);

/// A template-2018 unit that volume bands number in time order.
#[derive(Clone, Copy, Debug)]
struct BandUnit {
    month: usize,
    market: MarketId,
    order: Order,
    rate: Money,
    cap: PriceCap,
    cell: u32,
}

/// The month ledger of one (strategy, pricing), taken in any order and settled at the end.
#[derive(Clone, Debug)]
pub(crate) struct DeferredLedger {
    /// The size of each monthly free tier (0: none).
    size: u64,
    earliest: Vec<Earliest>,
    tiers: BTreeMap<TierKey, u64>,
    bands: Vec<BandUnit>,
    /// The earliest charged unit without a rate, which fails the run.
    error: Option<(Time, u64, MissingRate)>,
}

impl DeferredLedger {
    /// A ledger whose free tiers each hold `size` units a month (0: none).
    pub(crate) fn new(size: u64) -> DeferredLedger {
        DeferredLedger { size, earliest: Vec::new(), tiers: BTreeMap::new(), bands: Vec::new(), error: None }
    }

    fn slot(&mut self, month: usize, free_tier: FreeTier, number: u16) -> &mut Earliest {
        let found =
            self.earliest.iter().position(|e| e.month == month && e.free_tier == free_tier && e.number == number);
        let i = match found {
            Some(i) => i,
            None => {
                let units = Vec::new();
                self.earliest.push(Earliest { month, free_tier, number, units, bound: None, gaps: 0, gap: None });
                self.earliest.len() - 1
            }
        };
        &mut self.earliest[i]
    }

    fn size(&self) -> usize {
        usize::try_from(self.size).unwrap_or(usize::MAX)
    }

    /// Takes one unit a rule bills in `month` (of the run), at `order` across the business, of
    /// a message sent with `cap`; says what the caller counts now. `counted` is where the
    /// caller counts it.
    pub(crate) fn take(
        &mut self,
        month: usize,
        bill: &Billable,
        cap: PriceCap,
        order: Order,
        counted: Counted,
        book: &RateBook,
    ) -> Provisional {
        // Rule 29: a reported price or a cap sets the charge; the card's rate is still needed.
        let charge = bill.rate.map(|list| cap.charge(list));
        // Rules 10, 16, 23: a unit a free tier may cover is counted at its charge until
        // settlement knows whether it was among the month's first N (per number for rule 23).
        if let Some(free_tier) = bill.free_tier
            && self.size > 0
        {
            let size = self.size();
            let e = self.slot(month, free_tier, bill.free_tier_number());
            // Rule 23: an exempt unit is free either way, the free tier first; it needs no rate.
            if bill.exempt {
                e.offer(FreeTierUnit { order, rate: None, exempt: true, counted }, size);
                return Provisional::Nothing;
            }
            if let Err(gap) = bill.rate {
                e.gaps += 1;
                if e.gap.is_none() {
                    e.gap = Some(book.missing_rate(gap, bill.model, bill.card, bill.market, bill.category));
                }
            }
            e.offer(FreeTierUnit { order, rate: charge.ok(), exempt: false, counted }, size);
            return charge.map_or(Provisional::Nothing, Provisional::ListRate);
        }
        if bill.exempt {
            return Provisional::Nothing;
        }
        let rate = match bill.rate {
            Ok(rate) => rate,
            Err(gap) => {
                let (t, customer, _) = order;
                if self.error.as_ref().is_none_or(|(et, ec, _)| (t, customer) < (*et, *ec)) {
                    let missing = book.missing_rate(gap, bill.model, bill.card, bill.market, bill.category);
                    self.error = Some((t, customer, missing));
                }
                return Provisional::Nothing;
            }
        };
        // Rule 21: without a tier table (the usual case) the list rate is the price.
        if book.tiers.is_empty() {
            return Provisional::ListRate(cap.charge(rate));
        }
        let Some(group) = bill.tier else { return Provisional::ListRate(cap.charge(rate)) };
        if group == TierGroup::Template {
            self.bands.push(BandUnit { month, market: bill.market, order, rate, cap, cell: counted.cell });
        } else {
            let international = bill.category == crate::pricing::BillCategory::AuthenticationInternational;
            let card = bill.card.map_or(Date(0), |id| book.card(id).effective);
            *self.tiers.entry((month, bill.market, group, card, international, rate, counted.cell)).or_insert(0) += 1;
        }
        Provisional::Tiered { list: rate }
    }

    /// Adds another chunk's units (chunks may be merged in any order).
    pub(crate) fn merge(&mut self, other: DeferredLedger) {
        let size = self.size();
        for e in other.earliest {
            let mine = self.slot(e.month, e.free_tier, e.number);
            mine.gaps += e.gaps;
            if mine.gap.is_none() {
                mine.gap = e.gap;
            }
            for unit in e.units {
                mine.offer(unit, size);
            }
        }
        for (k, n) in other.tiers {
            *self.tiers.entry(k).or_insert(0) += n;
        }
        self.bands.extend(other.bands);
        if let Some((t, c, m)) = other.error
            && self.error.as_ref().is_none_or(|(et, ec, _)| (t, c) < (*et, *ec))
        {
            self.error = Some((t, c, m));
        }
    }

    /// Settles the month ledger into the caller's tallies: frees the free tiers' units and
    /// prices the tiered ones.
    ///
    /// # Errors
    /// The earliest missing rate a charged unit needed.
    pub(crate) fn settle(mut self, tallies: &mut impl Corrections, tiers: &TierTable) -> Result<(), MissingRate> {
        if let Some((_, _, m)) = self.error.take() {
            return Err(m);
        }
        let size = self.size();
        for e in &mut self.earliest {
            let mut gaps = e.gaps;
            e.cut(size);
            for unit in e.units.drain(..) {
                if unit.rate.is_none() && !unit.exempt {
                    gaps -= 1;
                }
                tallies.made_free(unit.counted, unit.rate, e.free_tier);
            }
            if gaps > 0
                && let Some(missing) = e.gap.take()
            {
                return Err(missing);
            }
        }
        let mut current: Option<(usize, MarketId, TierGroup)> = None;
        let mut n: u64 = 0;
        for (&(month, market, group, _, international, rate, cell), &count) in &self.tiers {
            if current != Some((month, market, group)) {
                current = Some((month, market, group));
                n = 0;
            }
            let mut cost = Money::ZERO;
            for _ in 0..count {
                n += 1;
                cost += tiers.price(market, group, international, n, rate);
            }
            tallies.tier_cost(cell, cost);
        }
        self.bands.sort_unstable_by_key(|u| (u.month, u.market, u.order));
        for group in self.bands.chunk_by(|a, b| (a.month, a.market) == (b.month, b.market)) {
            for (n, unit) in (1..).zip(group) {
                let banded = tiers.price(unit.market, TierGroup::Template, false, n, unit.rate);
                tallies.tier_cost(unit.cell, unit.cap.charge(banded));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Ledger, Settled, Unit};
    use super::*;
    use crate::pricing::rate_card::RateGap;
    use crate::pricing::{BillCategory, Model};
    use crate::time::Month;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn unit(t: i64, customer: u64) -> FreeTierUnit {
        FreeTierUnit {
            order: (Time(t), customer, 1),
            rate: Some(Money(1)),
            exempt: false,
            counted: Counted { cell: 0, day: 0, reason: 0, card: None },
        }
    }

    fn earliest_orders(p: &DeferredLedger) -> Vec<Order> {
        let mut p = p.clone();
        let size = p.size();
        for e in &mut p.earliest {
            e.cut(size);
        }
        let mut orders: Vec<_> = p.earliest.iter().flat_map(|e| e.units.iter().map(|u| u.order)).collect();
        orders.sort_unstable();
        orders
    }

    /// Rules 10, 16, 23: the free tier goes to the N earliest units of the month across the
    /// business. Whatever the chunking and merge order, the kept units are the N earliest.
    #[test]
    fn merged_chunks_keep_the_n_earliest_whatever_the_order() {
        let n = 7;
        // A scrambled sequence of 60 distinct times (37 is coprime with 60).
        let units: Vec<FreeTierUnit> = (0..60).map(|i| unit((i * 37) % 60, (i % 5) as u64)).collect();
        let mut expected: Vec<_> = units.iter().map(|u| u.order).collect();
        expected.sort_unstable();
        expected.truncate(n);
        for chunk in [1, 4, 13, 60] {
            let mut parts: Vec<DeferredLedger> = units
                .chunks(chunk)
                .map(|c| {
                    let mut p = DeferredLedger::new(n as u64);
                    for u in c {
                        p.slot(0, FreeTier::FreeFormMessages, 0).offer(*u, n);
                    }
                    p
                })
                .collect();
            let mut forward = DeferredLedger::new(n as u64);
            for p in parts.clone() {
                forward.merge(p);
            }
            parts.reverse();
            let mut backward = DeferredLedger::new(n as u64);
            for p in parts {
                backward.merge(p);
            }
            assert_eq!(earliest_orders(&forward), expected, "chunks of {chunk}");
            assert_eq!(earliest_orders(&backward), expected, "chunks of {chunk}, reversed");
        }
    }

    /// Charged units and cost per cell, and messages per reason: what a tally keeps.
    #[derive(Debug, Default, PartialEq, Eq)]
    struct Cells {
        cells: HashMap<u32, (u64, Money)>,
        free: HashMap<u8, u64>,
    }

    impl Corrections for Cells {
        fn made_free(&mut self, unit: Counted, rate: Option<Money>, _: FreeTier) {
            if let Some(rate) = rate {
                let c = self.cells.entry(unit.cell).or_default();
                c.0 -= 1;
                c.1 = c.1 - rate;
            }
            *self.free.entry(unit.reason).or_default() += 1;
        }
        fn tier_cost(&mut self, cell: u32, cost: Money) {
            self.cells.entry(cell).or_default().1 += cost;
        }
    }

    /// One billable unit of a random stream, with what decides its price.
    #[derive(Clone, Debug)]
    struct Drawn {
        order: Order,
        month: usize,
        bill: Billable,
        cap: PriceCap,
    }

    /// A market and category, by index: (category, free tier, tier group, model).
    const KINDS: [(BillCategory, Option<FreeTier>, Option<TierGroup>, Model); 7] = [
        (BillCategory::Marketing, None, None, Model::PerMessage2025),
        (BillCategory::Service, Some(FreeTier::FreeFormMessages), None, Model::PerMessage2026),
        (BillCategory::Utility, None, Some(TierGroup::Utility), Model::PerMessage2026),
        (BillCategory::Authentication, None, Some(TierGroup::Authentication), Model::PerMessage2025),
        (BillCategory::AuthenticationInternational, None, Some(TierGroup::Authentication), Model::PerMessage2025),
        (BillCategory::Marketing, None, Some(TierGroup::Template), Model::Template2018),
        (BillCategory::Utility, None, Some(TierGroup::Template), Model::Template2018),
    ];

    fn rate_of(category: BillCategory, model: Model) -> Money {
        // Distinct list rates per category (and template-2018's differ from the others).
        let base = match category {
            BillCategory::Service => 3,
            BillCategory::Utility => 5,
            BillCategory::Authentication => 7,
            BillCategory::AuthenticationInternational => 11,
            _ => 13,
        };
        Money(base * if model == Model::Template2018 { 100 } else { 1 })
    }

    /// A stream of units in no particular order: per unit, a time in a two-month span, a
    /// customer, a market (of 2), a kind, whether the card lacks the rate, the business number
    /// (of 2), and for marketing a reported price or a cap. As the rules make them:
    /// authentication is international only on and after a day of the first month, free-form
    /// is exempt (rule 23) from hour 30 to hour 89.
    fn stream() -> impl Strategy<Value = Vec<Drawn>> {
        let unit =
            (0..120i64, 0..12u64, 0..2u16, 0..KINDS.len(), prop::bool::weighted(0.03), 0..2u16, 0..3u8, 1..20i128);
        prop::collection::vec(unit, 0..300).prop_map(|rows| {
            let mut seq = HashMap::new();
            rows.into_iter()
                .map(|(hour, customer, market, kind, gap, number, capped, price)| {
                    let (mut category, allowance, tier, model) = KINDS[kind];
                    let month = usize::from(hour >= 60);
                    // International from hour 20 (eligibility starts) in market 1 only.
                    if category == BillCategory::AuthenticationInternational && (hour < 20 || market == 0) {
                        category = BillCategory::Authentication;
                    }
                    if category == BillCategory::Authentication && hour >= 20 && market == 1 {
                        category = BillCategory::AuthenticationInternational;
                    }
                    let n = seq.entry(customer).or_insert(0u32);
                    *n += 1;
                    let rate = if gap { Err(RateGap::Empty) } else { Ok(rate_of(category, model)) };
                    let exempt = category == BillCategory::Service && (30..90).contains(&hour);
                    let bill = Billable {
                        model,
                        category,
                        unit: Unit::Message,
                        market: MarketId(market),
                        card: None,
                        rate,
                        free_tier: allowance,
                        tier,
                        number,
                        exempt,
                    };
                    let cap = match (category, capped) {
                        (BillCategory::Marketing, 1) => PriceCap::Reported(Money(price)),
                        (BillCategory::Marketing, 2) => PriceCap::AtMost(Money(price * 50)),
                        _ => PriceCap::None,
                    };
                    Drawn { order: (Time(hour * crate::time::HOUR), customer, *n), month, bill, cap }
                })
                .collect()
        })
    }

    fn cell_of(d: &Drawn) -> u32 {
        (d.month as u32 * 2 + u32::from(d.bill.market.0)) * 8 + d.bill.category as u32
    }

    /// A book with tiers from the 3rd charged unit (and for utility the 2nd) in both markets.
    fn book_with_tiers() -> RateBook {
        let mut book = RateBook::bundled().unwrap();
        let (a, b) = (book.markets.name(MarketId(0)).to_owned(), book.markets.name(MarketId(1)).to_owned());
        let mut csv = String::from("market,category,from,rate\n");
        for m in [&a, &b] {
            csv.push_str(&format!(
                "{m},utility,2,0.000000002\n{m},authentication,3,0.000000004\n{m},authentication_international,3,0.000000006\n{m},template,3,0.000000050\n{m},template,5,0.000000040\n"
            ));
        }
        book.tiers = TierTable::from_csv(&csv, "tiers.csv", &mut book.markets).unwrap();
        book
    }

    /// The time-ordered ledger over the stream: cells, free units per reason, or the first error.
    fn in_time_order(units: &[Drawn], size: u64, book: &RateBook) -> Result<Cells, RateGap> {
        let mut sorted = units.to_vec();
        sorted.sort_by_key(|d| d.order);
        let mut ledger = Ledger::new(size);
        let mut cells = Cells::default();
        for d in &sorted {
            match ledger.settle(Month(d.month as i32), &d.bill, d.cap, &book.tiers)? {
                Settled::Charged { cost, .. } => {
                    let c = cells.cells.entry(cell_of(d)).or_default();
                    c.0 += 1;
                    c.1 += cost;
                }
                Settled::WithinFreeTier(_) => *cells.free.entry(d.bill.category as u8).or_default() += 1,
                Settled::Exempt => {}
            }
        }
        cells.cells.retain(|_, c| *c != (0, Money::ZERO));
        Ok(cells)
    }

    /// The deferred ledger over the stream cut into chunks of customers, merged in `order`.
    fn deferred(units: &[Drawn], size: u64, book: &RateBook, chunks: u64, reverse: bool) -> Result<Cells, MissingRate> {
        let mut parts: Vec<(DeferredLedger, Cells)> =
            (0..chunks).map(|_| (DeferredLedger::new(size), Cells::default())).collect();
        for d in units {
            let (ledger, cells) = &mut parts[(d.order.1 % chunks) as usize];
            let counted = Counted { cell: cell_of(d), day: 0, reason: d.bill.category as u8, card: None };
            let c = cells.cells.entry(counted.cell).or_default();
            match ledger.take(d.month, &d.bill, d.cap, d.order, counted, book) {
                Provisional::ListRate(rate) => {
                    c.0 += 1;
                    c.1 += rate;
                }
                Provisional::Tiered { .. } => c.0 += 1,
                Provisional::Nothing => {}
            }
        }
        if reverse {
            parts.reverse();
        }
        let mut ledger = DeferredLedger::new(size);
        let mut cells = Cells::default();
        for (l, c) in parts {
            ledger.merge(l);
            for (k, (n, m)) in c.cells {
                let e = cells.cells.entry(k).or_default();
                e.0 += n;
                e.1 += m;
            }
        }
        ledger.settle(&mut cells, &book.tiers)?;
        cells.cells.retain(|_, c| *c != (0, Money::ZERO));
        Ok(cells)
    }

    proptest! {
        /// Rules 10, 16, 21, 23: settled after the fact, from chunks of customers merged in any
        /// order, the month ledger charges every cell exactly what the time-ordered ledger does,
        /// frees the same units, and fails exactly when it fails.
        #[test]
        fn deferred_settlement_gives_the_time_ordered_money(
            units in stream(),
            size in 0..6u64,
            chunks in 1..5u64,
            reverse in any::<bool>(),
        ) {
            let book = book_with_tiers();
            let want = in_time_order(&units, size, &book);
            let got = deferred(&units, size, &book, chunks, reverse);
            match (want, got) {
                (Ok(want), Ok(got)) => prop_assert_eq!(want, got),
                (Err(_), Err(_)) => {}
                (want, got) => prop_assert!(false, "time-ordered {:?}, deferred {:?}", want, got),
            }
        }
    }
}
