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

mod answer_times;
pub use answer_times::AnswerTimes;

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
    /// What became of the support answers the strategy owed its customers.
    pub service: Service,
}

impl Traffic {
    /// Content a strategy dropped, held and still held at the end, messages counted per day
    /// (summed into the counts by kind and outcome and into each day's figures, the days of the
    /// warm-up left out of the counts) and the service it gave.
    pub(crate) fn new(
        (dropped, held, held_at_end): (u64, u64, u64),
        by_day: &[KindsAndOutcomes],
        warm_up: usize,
        service: Service,
    ) -> Traffic {
        let mut messages = KindsAndOutcomes::default();
        let daily = by_day
            .iter()
            .enumerate()
            .map(|(d, day)| {
                if d >= warm_up {
                    messages.add(day);
                }
                let inbound = day.inbound();
                let delivered = day.outcome(Outcome::Delivered);
                DayTraffic { inbound, attempted: day.total() - inbound, delivered }
            })
            .collect();
        Traffic { messages, dropped, held, held_at_end, capped_sent: 0, capped_delivered: 0, daily, service }
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

/// What became of the support answers a strategy owed (an agent's answer to a customer's visit,
/// due within the run), and of its re-engagement templates. An answer is **on time** when it is
/// delivered when it is due, inside the customer service window (the 24 hours after the
/// customer's last message), so it can go free-form; **late** when it is delivered after that
/// window closed (as a template when due, or later, held until the customer wrote again).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    /// Answers delivered on time.
    pub on_time: u64,
    /// Answers delivered late.
    pub late: u64,
    /// Answers sent free-form outside the window and blocked (131047).
    pub blocked: u64,
    /// Answers the strategy dropped.
    pub dropped: u64,
    /// Answers sent as templates that were not delivered: suppressed (the customer did not opt
    /// in to templates) or failed.
    pub undelivered: u64,
    /// Answers still held when the run ended.
    pub held_at_end: u64,
    /// Customers owed at least one answer.
    pub customers_owed: u64,
    /// Customers owed answers who received none of them.
    pub customers_unanswered: u64,
    /// Re-engagement templates delivered.
    pub reengagements_sent: u64,
    /// Re-engagement templates the customer replied to within the run.
    pub reengagements_replied: u64,
    /// Seconds from the customer's first message of the visit to each delivered answer.
    pub answer_times: AnswerTimes,
}

impl Service {
    /// Answers owed: every answer due within the run, whatever became of it.
    #[must_use]
    pub fn owed(&self) -> u64 {
        self.on_time + self.late + self.blocked + self.dropped + self.undelivered + self.held_at_end
    }

    pub(crate) fn add(&mut self, o: &Service) {
        self.on_time += o.on_time;
        self.late += o.late;
        self.blocked += o.blocked;
        self.dropped += o.dropped;
        self.undelivered += o.undelivered;
        self.held_at_end += o.held_at_end;
        self.customers_owed += o.customers_owed;
        self.customers_unanswered += o.customers_unanswered;
        self.reengagements_sent += o.reengagements_sent;
        self.reengagements_replied += o.reengagements_replied;
        self.answer_times.add(&o.answer_times);
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
    /// The first days of the run, simulated but left out of every figure (windows start closed
    /// at the run's first instant); their charges go to cells of their own.
    warm_up: usize,
    /// The first cell that counts in the figures: after the warm-up's, if any.
    reported_from: usize,
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
            warm_up: 0,
            reported_from: 0,
        }
    }

    /// The same layout with the first `days` days a warm-up, left out of the figures.
    #[must_use]
    pub(crate) fn with_warm_up(mut self, days: usize) -> Layout {
        self.warm_up = days.min(self.days.saturating_sub(1));
        self.reported_from = if self.warm_up > 0 { self.cells() } else { 0 };
        self
    }

    /// The days of warm-up at the start of the run (none: 0).
    #[must_use]
    pub fn warm_up(&self) -> usize {
        self.warm_up
    }

    /// Whether a day of the run counts in the figures (it is past the warm-up).
    #[inline(always)]
    #[must_use]
    pub fn counts(&self, day: usize) -> bool {
        day >= self.warm_up
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

    /// The cell of (month index, market slot, category) for a charge on `day`: a cell of the
    /// warm-up's own for a day of it. The warm-up's cells come first, as its days do (the month
    /// ledger prices a month's tiers in the order of the cells).
    #[inline]
    pub(crate) fn cell(&self, day: usize, month: usize, slot: usize, category: BillCategory) -> Cell {
        let base = if self.counts(day) { self.reported_from } else { 0 };
        Cell((base + (month * self.markets.len() + slot) * BillCategory::ALL.len() + category as usize) as u32)
    }

    fn cells(&self) -> usize {
        self.months * self.markets.len() * BillCategory::ALL.len()
    }
}

/// What one strategy cost under one pricing in one replication (or a chunk of its customers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricingTally {
    /// Per (month, market slot, category): see [`Layout::cell`]; then, with a warm-up, the same
    /// again for the warm-up's charges.
    cells: Vec<Charges>,
    /// The first cell that counts in the figures (the warm-up's come before).
    reported: usize,
    /// Days of warm-up.
    warm_up: usize,
    /// Messages per final reason and conversations opened during the warm-up, apart.
    warm_reasons: Vec<u64>,
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
        let warm = if layout.warm_up > 0 { 2 } else { 1 };
        PricingTally {
            cells: vec![Charges::default(); layout.cells() * warm],
            reported: layout.reported_from,
            warm_up: layout.warm_up,
            warm_reasons: vec![0; if layout.warm_up > 0 { Reason::ALL.len() } else { 0 }],
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
        for (a, b) in self.warm_reasons.iter_mut().zip(&other.warm_reasons) {
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

    /// Counts the final reason of a message on `day` (until settlement changes it).
    #[inline(always)]
    pub(crate) fn count_reason(&mut self, day: usize, reason: Reason) {
        if day < self.warm_up {
            self.count_warm_reason(reason);
        } else {
            self.reasons[reason.index()] += 1;
        }
    }

    /// A reason counted during the warm-up: out of the hot path.
    #[cold]
    #[inline(never)]
    fn count_warm_reason(&mut self, reason: Reason) {
        self.warm_reasons[reason.index()] += 1;
    }

    /// The reason counts a message on `day` goes to: the warm-up's own during it.
    #[inline(always)]
    fn reasons_of(&mut self, day: usize) -> &mut [u64] {
        if day < self.warm_up { &mut self.warm_reasons } else { &mut self.reasons }
    }

    /// Counts a conversation opened on `day` (those of the warm-up are not counted).
    #[inline]
    pub(crate) fn count_conversation(&mut self, day: usize, category: BillCategory) {
        if day >= self.warm_up {
            self.conversations[category as usize] += 1;
        }
    }

    /// A unit charged on `day` at `cost` into `cell` (the cost may be zero until settlement).
    pub(crate) fn charge(&mut self, cell: Cell, day: usize, cell_cost: Money, day_cost: Money) {
        let c = &mut self.cells[cell.0 as usize];
        c.charged += 1;
        c.cost += cell_cost;
        self.daily[day].charge(day_cost);
    }

    /// The cells that count in the figures (the warm-up's left out).
    fn reported(&self) -> &[Charges] {
        &self.cells[self.reported..]
    }

    /// Meta's charges in total.
    #[must_use]
    pub fn cost(&self) -> Money {
        self.reported().iter().map(|c| c.cost).sum()
    }

    /// Units charged in total.
    #[must_use]
    pub fn charged(&self) -> u64 {
        self.reported().iter().map(|c| c.charged).sum()
    }

    /// The charges of a month of the run (every market and category).
    #[must_use]
    pub fn month(&self, month: usize) -> Charges {
        let per_month = self.markets * BillCategory::ALL.len();
        self.reported()[month * per_month..(month + 1) * per_month].iter().copied().sum()
    }

    /// The charges of (month index, market slot, category).
    #[must_use]
    pub fn charges(&self, month: usize, slot: usize, category: BillCategory) -> Charges {
        self.reported()[(month * self.markets + slot) * BillCategory::ALL.len() + category as usize]
    }

    /// The charges of a category, over every month and market.
    #[must_use]
    pub fn by_category(&self, category: BillCategory) -> Charges {
        self.reported().chunks_exact(BillCategory::ALL.len()).map(|c| c[category as usize]).sum()
    }

    /// The charges in a market slot, over every month and category.
    #[must_use]
    pub fn by_market(&self, slot: usize) -> Charges {
        let per_month = self.markets * BillCategory::ALL.len();
        let at = slot * BillCategory::ALL.len();
        self.reported()
            .chunks_exact(per_month)
            .flat_map(|month| &month[at..at + BillCategory::ALL.len()])
            .copied()
            .sum()
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
        let reasons = self.reasons_of(unit.day as usize);
        reasons[usize::from(unit.reason)] -= 1;
        reasons[Reason::WithinFreeTier(free_tier).index()] += 1;
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
        let t = Traffic::new((0, 0, 0), &[m, m], 0, Service::default());
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
        t.charge(layout.cell(15, 1, layout.slot(india), ut), 15, Money(3), Money(3));
        t.charge(layout.cell(0, 0, layout.slot(brazil), ut), 0, Money(5), Money(5));
        t.charge(layout.cell(15, 1, layout.slot(india), BillCategory::Marketing), 15, Money(7), Money(7));
        assert_eq!(t.charges(1, 1, ut), Charges { charged: 1, cost: Money(3) });
        assert_eq!(t.by_category(ut), Charges { charged: 2, cost: Money(8) });
        assert_eq!(t.by_market(1), Charges { charged: 2, cost: Money(10) });
        assert_eq!(t.by_market(0), Charges { charged: 1, cost: Money(5) });
        assert_eq!(t.day(15), Charges { charged: 2, cost: Money(10) });
        assert_eq!((t.cost(), t.charged()), (Money(15), 3));
        assert_eq!(layout.month(1).to_string(), "2026-02");
    }
}
