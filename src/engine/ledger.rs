//! The month ledger, settled after the fact from per-chunk tallies (see the engine's notes):
//! exactly what [`crate::pricing::ledger::Ledger`] gives when settling the whole business in
//! time order, without holding the business's messages.

use super::Tally;
use crate::pricing::RateBook;
use crate::pricing::ledger::{Allowance, Billable};
use crate::pricing::markets::MarketId;
use crate::pricing::money::Money;
use crate::pricing::tiers::TierGroup;
use crate::rules::Reason;
use crate::time::{Date, Time};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A unit that a monthly allowance may make free.
#[derive(Clone, Copy, Debug)]
pub(super) struct AllowanceUnit {
    /// Order of opening across the business: time, customer, the customer's message number.
    pub key: (Time, u64, u32),
    /// Its list rate (`None`: the card has none; an error only if it ends up charged).
    pub rate: Option<Money>,
    /// Its tally cell.
    pub cell: u32,
    /// Its day.
    pub day: u32,
    /// Its reason's index, before the allowance.
    pub reason: u8,
}

impl PartialEq for AllowanceUnit {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}
impl Eq for AllowanceUnit {}
impl PartialOrd for AllowanceUnit {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for AllowanceUnit {
    fn cmp(&self, o: &Self) -> Ordering {
        self.key.cmp(&o.key)
    }
}

/// The N earliest units of one (month, allowance), and how many lacked a rate.
///
/// Units are kept in a buffer of up to 2N, cut back to the N earliest when full; once cut, any
/// unit later than the latest kept one is turned away at once. Amortised constant time per unit
/// (a heap of N costs a sift of log N for most units of a busy month).
#[derive(Clone, Debug)]
struct Earliest {
    month: usize,
    allowance: Allowance,
    /// A superset of the N earliest offered so far (all of them while fewer than N).
    units: Vec<AllowanceUnit>,
    /// The latest key among N kept units, once there are N: later units cannot be among the N.
    bound: Option<(Time, u64, u32)>,
    gaps: u64,
    gap_message: Option<String>,
}

impl Earliest {
    /// Offers a unit: kept if it may be among the `size` earliest.
    fn offer(&mut self, unit: AllowanceUnit, size: usize) {
        if size == 0 || self.bound.is_some_and(|latest| unit.key > latest) {
            return;
        }
        self.units.push(unit);
        if self.units.len() >= size.saturating_mul(2) {
            self.cut(size);
        }
    }

    /// Keeps only the `size` earliest units (keys are unique, so they are well defined).
    fn cut(&mut self, size: usize) {
        if self.units.len() > size {
            self.units.select_nth_unstable(size);
            self.units.truncate(size);
        }
        if self.units.len() == size {
            self.bound = self.units.iter().map(|u| u.key).max();
        }
    }
}

/// Key of a tier count: (month, market, group, international, card date, list rate, cell).
type TierKey = (usize, MarketId, TierGroup, bool, Date, Money, u32);

/// What a chunk leaves for the ledger of one (strategy, pricing).
#[derive(Clone, Debug)]
pub(super) struct LedgerPending {
    size: u64,
    earliest: Vec<Earliest>,
    tiers: BTreeMap<TierKey, u64>,
    error: Option<(Time, u64, String)>,
}

impl LedgerPending {
    pub fn new(size: u64) -> LedgerPending {
        LedgerPending { size, earliest: Vec::new(), tiers: BTreeMap::new(), error: None }
    }

    fn slot(&mut self, month: usize, allowance: Allowance) -> &mut Earliest {
        let i = match self.earliest.iter().position(|e| e.month == month && e.allowance == allowance) {
            Some(i) => i,
            None => {
                self.earliest.push(Earliest {
                    month,
                    allowance,
                    units: Vec::new(),
                    bound: None,
                    gaps: 0,
                    gap_message: None,
                });
                self.earliest.len() - 1
            }
        };
        &mut self.earliest[i]
    }

    /// A unit eligible for `allowance` in `month`.
    pub fn allowance(&mut self, month: usize, allowance: Allowance, unit: AllowanceUnit) {
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        self.slot(month, allowance).offer(unit, size);
    }

    /// An allowance unit without a rate: an error unless the allowance makes it free.
    pub fn note_gap(&mut self, book: &RateBook, bill: &Billable, month: usize, allowance: Allowance) {
        let e = self.slot(month, allowance);
        e.gaps += 1;
        if e.gap_message.is_none()
            && let Err(gap) = bill.rate
        {
            e.gap_message = Some(book.describe_gap(gap, bill.model, bill.card, bill.market, bill.category));
        }
    }

    /// A charged unit that volume tiers price.
    #[allow(clippy::too_many_arguments)]
    pub fn tiered(
        &mut self,
        month: usize,
        market: MarketId,
        group: TierGroup,
        international: bool,
        card: Date,
        rate: Money,
        cell: usize,
    ) {
        *self.tiers.entry((month, market, group, international, card, rate, cell as u32)).or_insert(0) += 1;
    }

    /// A charged unit without a rate: the run fails; the earliest such unit names the problem.
    pub fn error(&mut self, t: Time, customer: u64, message: impl FnOnce() -> String) {
        if self.error.as_ref().is_none_or(|(et, ec, _)| (t, customer) < (*et, *ec)) {
            self.error = Some((t, customer, message()));
        }
    }

    pub fn merge(&mut self, other: LedgerPending) {
        for e in other.earliest {
            let size = usize::try_from(self.size).unwrap_or(usize::MAX);
            let mine = self.slot(e.month, e.allowance);
            mine.gaps += e.gaps;
            if mine.gap_message.is_none() {
                mine.gap_message = e.gap_message;
            }
            for unit in e.units {
                mine.offer(unit, size);
            }
        }
        for (k, n) in other.tiers {
            *self.tiers.entry(k).or_insert(0) += n;
        }
        if let Some((t, c, m)) = other.error {
            self.error(t, c, || m);
        }
    }

    /// Makes the allowances' units free and prices the tiered units, in `tally`.
    ///
    /// # Errors
    /// A missing rate a charged unit needed.
    pub fn settle(&mut self, tally: &mut Tally, book: &RateBook) -> Result<(), String> {
        if let Some((_, _, m)) = self.error.take() {
            return Err(m);
        }
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        for e in &mut self.earliest {
            let free = Reason::FreeByAllowance(e.allowance).index();
            let mut gaps = e.gaps;
            e.cut(size);
            for unit in e.units.drain(..) {
                match unit.rate {
                    Some(rate) => {
                        let cell = &mut tally.cells[unit.cell as usize];
                        cell.charged -= 1;
                        cell.cost = cell.cost - rate;
                        let day = &mut tally.daily[unit.day as usize];
                        day.charged -= 1;
                        day.cost = day.cost - rate;
                    }
                    None => gaps -= 1,
                }
                tally.reasons[usize::from(unit.reason)] -= 1;
                tally.reasons[free] += 1;
            }
            if gaps > 0 {
                return Err(e.gap_message.take().unwrap_or_else(|| "a rate is missing".to_owned()));
            }
        }
        let mut current: Option<(usize, MarketId, TierGroup)> = None;
        let mut n: u64 = 0;
        for (&(month, market, group, international, _, rate, cell), &count) in &self.tiers {
            if current != Some((month, market, group)) {
                current = Some((month, market, group));
                n = 0;
            }
            let mut cost = Money::ZERO;
            for _ in 0..count {
                n += 1;
                cost += book.tiers.price(market, group, international, n, rate);
            }
            tally.cells[cell as usize].cost += cost;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(t: i64, customer: u64) -> AllowanceUnit {
        AllowanceUnit { key: (Time(t), customer, 1), rate: Some(Money(1)), cell: 0, day: 0, reason: 0 }
    }

    fn earliest_keys(p: &LedgerPending) -> Vec<(Time, u64, u32)> {
        let mut p = p.clone();
        for e in &mut p.earliest {
            e.cut(usize::try_from(p.size).unwrap_or(usize::MAX));
        }
        let mut keys: Vec<_> = p.earliest.iter().flat_map(|e| e.units.iter().map(|u| u.key)).collect();
        keys.sort_unstable();
        keys
    }

    /// Rules 10, 16, 23: the allowance goes to the N earliest units of the month across the
    /// business. Whatever the chunking and merge order, the kept units are the N earliest.
    #[test]
    fn merged_heaps_keep_the_n_earliest_whatever_the_order() {
        let n = 7;
        // A scrambled sequence of 60 distinct times (37 is coprime with 60).
        let units: Vec<AllowanceUnit> = (0..60).map(|i| unit((i * 37) % 60, (i % 5) as u64)).collect();
        let mut expected: Vec<_> = units.iter().map(|u| u.key).collect();
        expected.sort_unstable();
        expected.truncate(n);
        for chunk in [1, 4, 13, 60] {
            let mut parts: Vec<LedgerPending> = units
                .chunks(chunk)
                .map(|c| {
                    let mut p = LedgerPending::new(n as u64);
                    for u in c {
                        p.allowance(0, Allowance::FreeFormMessages, *u);
                    }
                    p
                })
                .collect();
            let mut forward = LedgerPending::new(n as u64);
            for p in parts.clone() {
                forward.merge(p);
            }
            parts.reverse();
            let mut backward = LedgerPending::new(n as u64);
            for p in parts {
                backward.merge(p);
            }
            assert_eq!(earliest_keys(&forward), expected, "chunks of {chunk}");
            assert_eq!(earliest_keys(&backward), expected, "chunks of {chunk}, reversed");
        }
    }
}
