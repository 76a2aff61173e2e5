//! The tally stage: what the simulator counts, in typed cells, and how a run's results are read.
//!
//! The engine counts into these types and the outputs read them through accessors named in the
//! domain's words (`replication.tally(strategy, pricing).by_category(..)`,
//! `traffic.outbound()`); how the cells are laid out in memory is this module's business alone.
//! [`Charges`] is also a line of a bill, so a bill and a simulated tally add up the same way.

use crate::pricing::ledger::FreeTier;
use crate::pricing::ledger::deferred::{Corrections, Counted};
use crate::pricing::markets::MarketId;
use crate::pricing::money::Money;
use crate::pricing::{BillCategory, RateBook};
use crate::rules::{MessageKind, Outcome, Reason, TemplateCategory};
use crate::time::{Date, Month};

/// Charged units and what they cost: one line of a bill, one cell of a simulated tally.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Charges {
    /// Units billed at a rate (messages, or conversations under conversation models).
    pub charged: u64,
    /// What Meta charges for them.
    pub cost: Money,
}

impl Charges {
    /// Adds one unit charged `cost`.
    #[inline]
    pub(crate) fn charge(&mut self, cost: Money) {
        self.charged += 1;
        self.cost += cost;
    }

    /// Whether nothing was charged and nothing costs.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.charged == 0 && self.cost == Money::ZERO
    }
}

impl std::ops::AddAssign for Charges {
    fn add_assign(&mut self, other: Charges) {
        self.charged += other.charged;
        self.cost += other.cost;
    }
}

impl std::iter::Sum for Charges {
    fn sum<I: Iterator<Item = Charges>>(iter: I) -> Charges {
        iter.fold(Charges::default(), |mut a, b| {
            a += b;
            a
        })
    }
}

/// Marketing templates whose charge a reported price or a cap set (rule 29), beside what the
/// card would have charged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Capped {
    /// Charged marketing templates with a price or a cap.
    pub messages: u64,
    /// What Meta charged for them.
    pub cost: Money,
    /// What the rate card would have charged.
    pub card_cost: Money,
}

impl Capped {
    /// Counts one capped unit charged `cost` whose card rate is `card`.
    pub(crate) fn add(&mut self, cost: Money, card: Money) {
        self.messages += 1;
        self.cost += cost;
        self.card_cost += card;
    }
}

/// The kinds of message counted, in the order outputs list them.
pub const MESSAGE_KINDS: [MessageKind; 10] = [
    MessageKind::Inbound { entry_point: false },
    MessageKind::Inbound { entry_point: true },
    MessageKind::Template(TemplateCategory::Marketing),
    MessageKind::Template(TemplateCategory::Utility),
    MessageKind::Template(TemplateCategory::Authentication),
    MessageKind::FreeForm,
    MessageKind::Call,
    MessageKind::DirectSend(TemplateCategory::Utility),
    MessageKind::DirectSend(TemplateCategory::Authentication),
    MessageKind::Reaction,
];

/// The outcomes counted, in the order outputs list them.
pub const OUTCOMES: [Outcome; 5] =
    [Outcome::Received, Outcome::Delivered, Outcome::Blocked, Outcome::Suppressed, Outcome::Failed];

/// The name outputs give a kind of message.
#[must_use]
pub fn kind_name(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Inbound { entry_point: false } => "inbound",
        MessageKind::Inbound { entry_point: true } => "inbound_entry_point",
        MessageKind::Template(TemplateCategory::Marketing) => "marketing",
        MessageKind::Template(TemplateCategory::Utility) => "utility",
        MessageKind::Template(TemplateCategory::Authentication) => "authentication",
        MessageKind::FreeForm => "freeform",
        MessageKind::Call => "call",
        MessageKind::DirectSend(TemplateCategory::Marketing) => "direct_send_marketing",
        MessageKind::DirectSend(TemplateCategory::Utility) => "direct_send_utility",
        MessageKind::DirectSend(TemplateCategory::Authentication) => "direct_send_authentication",
        MessageKind::Reaction => "reaction",
    }
}

#[inline(always)]
fn kind_slot(kind: MessageKind) -> usize {
    match kind {
        MessageKind::Inbound { entry_point: false } => 0,
        MessageKind::Inbound { entry_point: true } => 1,
        MessageKind::Template(TemplateCategory::Marketing) => 2,
        MessageKind::Template(TemplateCategory::Utility) => 3,
        MessageKind::Template(TemplateCategory::Authentication) => 4,
        MessageKind::FreeForm => 5,
        MessageKind::Call => 6,
        // (Direct Send is utility or authentication; a marketing one is counted with utility.)
        MessageKind::DirectSend(TemplateCategory::Utility | TemplateCategory::Marketing) => 7,
        MessageKind::DirectSend(TemplateCategory::Authentication) => 8,
        MessageKind::Reaction => 9,
    }
}

#[inline(always)]
fn outcome_slot(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Received => 0,
        Outcome::Delivered => 1,
        Outcome::Blocked => 2,
        Outcome::Suppressed => 3,
        Outcome::Failed => 4,
    }
}

/// Messages counted by kind and outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindsAndOutcomes([[u64; OUTCOMES.len()]; MESSAGE_KINDS.len()]);

impl KindsAndOutcomes {
    /// Counts one message.
    #[inline(always)]
    pub(crate) fn count(&mut self, kind: MessageKind, outcome: Outcome) {
        self.0[kind_slot(kind)][outcome_slot(outcome)] += 1;
    }

    /// Messages of a kind with an outcome.
    #[must_use]
    pub fn get(&self, kind: MessageKind, outcome: Outcome) -> u64 {
        self.0[kind_slot(kind)][outcome_slot(outcome)]
    }

    /// Messages with an outcome, of every kind.
    #[must_use]
    pub fn outcome(&self, outcome: Outcome) -> u64 {
        self.0.iter().map(|row| row[outcome_slot(outcome)]).sum()
    }

    /// Messages from customers.
    #[must_use]
    pub fn inbound(&self) -> u64 {
        self.outcome(Outcome::Received)
    }

    /// Messages the business sent or tried to send, whatever became of them.
    #[must_use]
    pub fn outbound(&self) -> u64 {
        MESSAGE_KINDS.iter().filter(|k| k.is_outbound()).map(|k| self.0[kind_slot(*k)].iter().sum::<u64>()).sum()
    }

    /// Every message counted.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.0.iter().flatten().sum()
    }

    pub(crate) fn add(&mut self, other: &KindsAndOutcomes) {
        for (a, b) in self.0.iter_mut().flatten().zip(other.0.iter().flatten()) {
            *a += b;
        }
    }
}

/// One day's messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayTraffic {
    /// Messages from customers.
    pub inbound: u64,
    /// Messages the business tried to send (delivered, blocked, suppressed or failed).
    pub attempted: u64,
    /// Messages the business delivered.
    pub delivered: u64,
}

/// What one strategy's messages came to in one replication, under every pricing alike.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Every message by kind and outcome.
    pub messages: KindsAndOutcomes,
    /// Content the strategy chose not to send.
    pub dropped: u64,
    /// Content held (deferred or awaiting a reply) and sent later.
    pub held: u64,
    /// Content still held when the run ended (never sent).
    pub held_at_end: u64,
    /// Capped marketing templates sent (rule 29).
    pub capped_sent: u64,
    /// Capped marketing templates delivered.
    pub capped_delivered: u64,
    /// Per day of the run.
    pub daily: Vec<DayTraffic>,
}

impl Traffic {
    /// Content a strategy dropped, held and still held at the end, and messages counted per
    /// day: summed into the counts by kind and outcome and into each day's figures.
    pub(crate) fn new(dropped: u64, held: u64, held_at_end: u64, by_day: &[KindsAndOutcomes]) -> Traffic {
        let mut messages = KindsAndOutcomes::default();
        let daily = by_day
            .iter()
            .map(|day| {
                messages.add(day);
                let inbound = day.inbound();
                let delivered = day.outcome(Outcome::Delivered);
                DayTraffic { inbound, attempted: day.total() - inbound, delivered }
            })
            .collect();
        Traffic { messages, dropped, held, held_at_end, capped_sent: 0, capped_delivered: 0, daily }
    }

    /// Messages with an outcome, of every kind.
    #[must_use]
    pub fn outcome(&self, outcome: Outcome) -> u64 {
        self.messages.outcome(outcome)
    }

    /// Messages from customers.
    #[must_use]
    pub fn inbound(&self) -> u64 {
        self.messages.inbound()
    }

    /// Messages the business sent or tried to send.
    #[must_use]
    pub fn outbound(&self) -> u64 {
        self.messages.outbound()
    }
}

/// Where a charge is counted: the run's months, the markets reachable from the customers'
/// countries, and the run's days.
#[derive(Clone, Debug)]
pub struct Layout {
    first_month: Month,
    months: usize,
    /// Markets in name order; a market's slot is its place here.
    markets: Vec<MarketId>,
    /// The slot of each market id (`u16::MAX`: not reachable).
    slot_of: Vec<u16>,
    start: Date,
    days: usize,
}

/// A cell of a tally: (month, market slot, bill category).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cell(u32);

impl Layout {
    /// The layout of a run of `days` days from `start` whose customers are in `markets` (any
    /// order, repeats allowed).
    pub(crate) fn new(start: Date, days: u32, markets: impl IntoIterator<Item = MarketId>, book: &RateBook) -> Layout {
        let first_month = start.month();
        let last = Date(start.0 + days as i32 - 1).month();
        let mut reachable: Vec<MarketId> = Vec::new();
        for m in markets {
            if !reachable.contains(&m) {
                reachable.push(m);
            }
        }
        reachable.sort_by(|a, b| book.markets.name(*a).cmp(book.markets.name(*b)));
        let mut slot_of = vec![u16::MAX; book.markets.len()];
        for (i, m) in reachable.iter().enumerate() {
            slot_of[usize::from(m.0)] = i as u16;
        }
        Layout {
            first_month,
            months: (last.0 - first_month.0 + 1) as usize,
            markets: reachable,
            slot_of,
            start,
            days: days as usize,
        }
    }

    /// The markets charges may fall in, in name order (a market's slot is its index).
    #[must_use]
    pub fn markets(&self) -> &[MarketId] {
        &self.markets
    }

    /// How many calendar months the run touches.
    #[must_use]
    pub fn months(&self) -> usize {
        self.months
    }

    /// The calendar month of a month index of the run.
    #[must_use]
    pub fn month(&self, index: usize) -> Month {
        Month(self.first_month.0 + index as i32)
    }

    /// The month index of a date of the run.
    #[must_use]
    pub(crate) fn month_index(&self, date: Date) -> usize {
        (date.month().0 - self.first_month.0) as usize
    }

    /// How many days the run has.
    #[must_use]
    pub fn days(&self) -> usize {
        self.days
    }

    /// The date of a day of the run.
    #[must_use]
    pub fn date(&self, day: usize) -> Date {
        Date(self.start.0 + day as i32)
    }

    /// The slot of a reachable market.
    pub(crate) fn slot(&self, market: MarketId) -> usize {
        usize::from(self.slot_of.get(usize::from(market.0)).copied().unwrap_or(0)).min(self.markets.len() - 1)
    }

    /// The cell of (month index, market slot, category).
    #[inline]
    pub(crate) fn cell(&self, month: usize, slot: usize, category: BillCategory) -> Cell {
        Cell(((month * self.markets.len() + slot) * BillCategory::ALL.len() + category as usize) as u32)
    }

    fn cells(&self) -> usize {
        self.months * self.markets.len() * BillCategory::ALL.len()
    }
}

/// What one strategy cost under one pricing in one replication (or a chunk of its customers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricingTally {
    /// Per (month, market slot, category): see [`Layout::cell`].
    cells: Vec<Charges>,
    markets: usize,
    /// Per day, at list rates (before volume tiers).
    daily: Vec<Charges>,
    /// Messages per final reason, at [`Reason::index`].
    reasons: Vec<u64>,
    /// Conversations opened (charged or free), at the category's place in [`BillCategory::ALL`].
    conversations: [u64; BillCategory::ALL.len()],
    /// Capped marketing templates, beside the card (rule 29).
    capped: Capped,
}

impl PricingTally {
    pub(crate) fn new(layout: &Layout) -> PricingTally {
        PricingTally {
            cells: vec![Charges::default(); layout.cells()],
            markets: layout.markets.len(),
            daily: vec![Charges::default(); layout.days],
            reasons: vec![0; Reason::ALL.len()],
            conversations: [0; BillCategory::ALL.len()],
            capped: Capped::default(),
        }
    }

    pub(crate) fn add(&mut self, other: &PricingTally) {
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            *a += *b;
        }
        for (a, b) in self.daily.iter_mut().zip(&other.daily) {
            *a += *b;
        }
        for (a, b) in self.reasons.iter_mut().zip(&other.reasons) {
            *a += b;
        }
        for (a, b) in self.conversations.iter_mut().zip(&other.conversations) {
            *a += b;
        }
        self.capped.messages += other.capped.messages;
        self.capped.cost += other.capped.cost;
        self.capped.card_cost += other.capped.card_cost;
    }

    /// Counts a capped marketing template charged `cost`, whose card rate is `card` (rule 29).
    pub(crate) fn count_capped(&mut self, cost: Money, card: Money) {
        self.capped.add(cost, card);
    }

    /// Capped marketing templates: how many, what Meta charged, what the card would have.
    #[must_use]
    pub fn capped(&self) -> Capped {
        self.capped
    }

    /// Counts a message's final reason (until settlement changes it).
    #[inline(always)]
    pub(crate) fn count_reason(&mut self, reason: Reason) {
        self.reasons[reason.index()] += 1;
    }

    /// Counts a conversation opened.
    #[inline]
    pub(crate) fn count_conversation(&mut self, category: BillCategory) {
        self.conversations[category as usize] += 1;
    }

    /// A unit charged on `day` at `cost` into `cell` (the cost may be zero until settlement).
    pub(crate) fn charge(&mut self, cell: Cell, day: usize, cell_cost: Money, day_cost: Money) {
        let c = &mut self.cells[cell.0 as usize];
        c.charged += 1;
        c.cost += cell_cost;
        self.daily[day].charge(day_cost);
    }

    /// Meta's charges in total.
    #[must_use]
    pub fn cost(&self) -> Money {
        self.cells.iter().map(|c| c.cost).sum()
    }

    /// Units charged in total.
    #[must_use]
    pub fn charged(&self) -> u64 {
        self.cells.iter().map(|c| c.charged).sum()
    }

    /// The charges of (month index, market slot, category).
    #[must_use]
    pub fn charges(&self, month: usize, slot: usize, category: BillCategory) -> Charges {
        self.cells[(month * self.markets + slot) * BillCategory::ALL.len() + category as usize]
    }

    /// The charges of a category, over every month and market.
    #[must_use]
    pub fn by_category(&self, category: BillCategory) -> Charges {
        self.cells.chunks_exact(BillCategory::ALL.len()).map(|c| c[category as usize]).sum()
    }

    /// The charges in a market slot, over every month and category.
    #[must_use]
    pub fn by_market(&self, slot: usize) -> Charges {
        let per_month = self.markets * BillCategory::ALL.len();
        let at = slot * BillCategory::ALL.len();
        self.cells.chunks_exact(per_month).flat_map(|month| &month[at..at + BillCategory::ALL.len()]).copied().sum()
    }

    /// The charges of a day of the run, at list rates (before volume tiers).
    #[must_use]
    pub fn day(&self, day: usize) -> Charges {
        self.daily[day]
    }

    /// Messages whose final reason is `reason`.
    #[must_use]
    pub fn reason(&self, reason: Reason) -> u64 {
        self.reasons[reason.index()]
    }

    /// Conversations opened of a category (charged or free).
    #[must_use]
    pub fn conversations(&self, category: BillCategory) -> u64 {
        self.conversations[category as usize]
    }
}

impl Corrections for PricingTally {
    fn made_free(&mut self, unit: Counted, rate: Option<Money>, free_tier: FreeTier) {
        if let Some(rate) = rate {
            let cell = &mut self.cells[unit.cell as usize];
            cell.charged -= 1;
            cell.cost = cell.cost - rate;
            let day = &mut self.daily[unit.day as usize];
            day.charged -= 1;
            day.cost = day.cost - rate;
            if let Some(card) = unit.card {
                self.capped.messages -= 1;
                self.capped.cost = self.capped.cost - rate;
                self.capped.card_cost = self.capped.card_cost - card;
            }
        }
        self.reasons[usize::from(unit.reason)] -= 1;
        self.reasons[Reason::WithinFreeTier(free_tier).index()] += 1;
    }

    fn tier_cost(&mut self, cell: u32, cost: Money) {
        self.cells[cell as usize].cost += cost;
    }
}

impl Cell {
    /// The cell as the month ledger carries it.
    pub(crate) fn id(self) -> u32 {
        self.0
    }
}

/// One replication's results: a tally per (strategy, pricing) and the traffic per strategy.
#[derive(Clone, Debug)]
pub struct Replication {
    /// Per strategy, then per pricing.
    tallies: Vec<PricingTally>,
    pricings: usize,
    traffic: Vec<Traffic>,
}

impl Replication {
    /// Tallies strategy by strategy (each with one per pricing, in order) and each strategy's
    /// traffic.
    pub(crate) fn new(tallies: Vec<Vec<PricingTally>>, traffic: Vec<Traffic>) -> Replication {
        let pricings = tallies.first().map_or(0, Vec::len);
        Replication { tallies: tallies.into_iter().flatten().collect(), pricings, traffic }
    }

    /// What a strategy (by index in the scenario) cost under a pricing (by index).
    #[must_use]
    pub fn tally(&self, strategy: usize, pricing: usize) -> &PricingTally {
        &self.tallies[strategy * self.pricings + pricing]
    }

    /// A strategy's messages.
    #[must_use]
    pub fn traffic(&self, strategy: usize) -> &Traffic {
        &self.traffic[strategy]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_kind_and_outcome_add_up() {
        let mut m = KindsAndOutcomes::default();
        m.count(MessageKind::Inbound { entry_point: false }, Outcome::Received);
        m.count(MessageKind::Inbound { entry_point: true }, Outcome::Received);
        m.count(MessageKind::FreeForm, Outcome::Blocked);
        m.count(MessageKind::Template(TemplateCategory::Utility), Outcome::Delivered);
        m.count(MessageKind::Template(TemplateCategory::Utility), Outcome::Delivered);
        assert_eq!((m.inbound(), m.outbound(), m.total()), (2, 3, 5));
        assert_eq!(m.get(MessageKind::Template(TemplateCategory::Utility), Outcome::Delivered), 2);
        let t = Traffic::new(0, 0, 0, &[m, m]);
        assert_eq!(t.daily[1], DayTraffic { inbound: 2, attempted: 3, delivered: 2 });
        assert_eq!((t.inbound(), t.outbound(), t.outcome(Outcome::Blocked)), (4, 6, 2));
    }

    #[test]
    fn a_tally_is_read_by_month_market_and_category() {
        let book = RateBook::bundled().unwrap();
        let (india, brazil) = (book.markets.id("India").unwrap(), book.markets.id("Brazil").unwrap());
        let layout = Layout::new(Date::ymd(2026, 1, 20), 20, [india, brazil, india], &book);
        assert_eq!((layout.months(), layout.markets(), layout.days()), (2, &[brazil, india][..], 20));
        let mut t = PricingTally::new(&layout);
        let ut = BillCategory::Utility;
        t.charge(layout.cell(1, layout.slot(india), ut), 15, Money(3), Money(3));
        t.charge(layout.cell(0, layout.slot(brazil), ut), 0, Money(5), Money(5));
        t.charge(layout.cell(1, layout.slot(india), BillCategory::Marketing), 15, Money(7), Money(7));
        assert_eq!(t.charges(1, 1, ut), Charges { charged: 1, cost: Money(3) });
        assert_eq!(t.by_category(ut), Charges { charged: 2, cost: Money(8) });
        assert_eq!(t.by_market(1), Charges { charged: 2, cost: Money(10) });
        assert_eq!(t.by_market(0), Charges { charged: 1, cost: Money(5) });
        assert_eq!(t.day(15), Charges { charged: 2, cost: Money(10) });
        assert_eq!((t.cost(), t.charged()), (Money(15), 3));
        assert_eq!(layout.month(1).to_string(), "2026-02");
    }
}
