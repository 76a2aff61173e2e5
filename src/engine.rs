//! The engine: every customer on its own small event queue, every strategy over the same
//! customer (common random numbers), every pricing model over the same traffic in one pass, and
//! the business's month ledger settled after the fact, exactly. Customers are spread over the
//! cores with rayon in fixed-size chunks; chunk results hold only tallies (flat in customers) and
//! are combined with exact integer arithmetic, so the output is identical for any thread count.
//!
//! One implementation of the rules: each message goes once through
//! [`crate::rules::Windows::observe`] (delivery does not depend on the model) and once per pricing
//! through [`crate::rules::Conversations`]' pricing, as [`crate::rules::Customer::decide`] does.
//!
//! The month ledger (rules 10, 16, 21, 23), which needs the whole business in time order, is
//! settled exactly without sorting the business's messages:
//! - allowances go to the N earliest eligible units of each month: each chunk keeps (a superset
//!   of) its N earliest, keyed by (time, customer, sequence); merging keeps the N earliest overall
//!   whatever the merge order;
//! - volume tiers price the n-th charged message by n alone: charged counts are tallied per
//!   (month, market, tier group, international, card) and priced graduated at the end, domestic
//!   before international (eligibility only ever starts within a month) and older card first.

mod ledger;

use crate::behaviour::{self, Calendar, Happening, Happenings, Purpose, PurposeKey};
use crate::pricing::markets::MarketId;
use crate::pricing::money::Money;
use crate::pricing::{BillCategory, Pricing};
use crate::rules::{
    Context, Conversations, Message, MessageKind, Outcome, Reason, Settings, Status, TemplateCategory, Windows,
};
use crate::scenario::{MAX_PRICINGS, Scenario};
use crate::strategy::{Content, Route};
use crate::time::{Date, Time};
use ledger::{AllowanceUnit, LedgerPending};
use rayon::prelude::*;
use std::cmp::Ordering;

/// Customers per work unit (fixed, so results never depend on the thread count).
pub const CHUNK: u64 = 2048;
/// Message kinds counted in [`Traffic`]: inbound, entry-point inbound, marketing, utility,
/// authentication template, free-form.
pub const KINDS: [&str; 6] = ["inbound", "inbound_entry_point", "marketing", "utility", "authentication", "freeform"];
/// Outcomes counted in [`Traffic`], as [`Outcome`] orders them.
pub const OUTCOMES: [Outcome; 5] =
    [Outcome::Received, Outcome::Delivered, Outcome::Blocked, Outcome::Suppressed, Outcome::Failed];

fn kind_index(kind: MessageKind) -> usize {
    match kind {
        MessageKind::Inbound { entry_point: false } => 0,
        MessageKind::Inbound { entry_point: true } => 1,
        MessageKind::Template(TemplateCategory::Marketing) => 2,
        MessageKind::Template(TemplateCategory::Utility) => 3,
        MessageKind::Template(TemplateCategory::Authentication) => 4,
        MessageKind::FreeForm => 5,
    }
}

fn outcome_index(o: Outcome) -> usize {
    match o {
        Outcome::Received => 0,
        Outcome::Delivered => 1,
        Outcome::Blocked => 2,
        Outcome::Suppressed => 3,
        Outcome::Failed => 4,
    }
}

/// Charged units and their cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    /// Charged units (messages, or conversations under conversation models).
    pub charged: u64,
    /// Meta's charges.
    pub cost: Money,
}

impl Cell {
    fn add(&mut self, other: &Cell) {
        self.charged += other.charged;
        self.cost += other.cost;
    }
}

/// What one strategy under one pricing cost in one replication (or one chunk of it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Charged units and cost per (month, market slot, bill category).
    pub cells: Vec<Cell>,
    /// Charged units and cost per day (cost before volume-tier discounts).
    pub daily: Vec<Cell>,
    /// Messages per final reason ([`Reason::index`]).
    pub reasons: Vec<u64>,
    /// Conversations opened per bill category (conversation models).
    pub conversations: [u64; 8],
}

impl Tally {
    fn new(layout: &Layout) -> Tally {
        Tally {
            cells: vec![Cell::default(); layout.cells()],
            daily: vec![Cell::default(); layout.days],
            reasons: vec![0; Reason::ALL.len()],
            conversations: [0; 8],
        }
    }

    fn add(&mut self, other: &Tally) {
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            a.add(b);
        }
        for (a, b) in self.daily.iter_mut().zip(&other.daily) {
            a.add(b);
        }
        for (a, b) in self.reasons.iter_mut().zip(&other.reasons) {
            *a += b;
        }
        for (a, b) in self.conversations.iter_mut().zip(&other.conversations) {
            *a += b;
        }
    }

    /// Meta's charges in total.
    #[must_use]
    pub fn cost(&self) -> Money {
        self.cells.iter().map(|c| c.cost).sum()
    }

    /// Charged units in total.
    #[must_use]
    pub fn charged(&self) -> u64 {
        self.cells.iter().map(|c| c.charged).sum()
    }
}

/// Messages of one strategy by kind and outcome (the same under every pricing).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Counts per ([`KINDS`], [`OUTCOMES`]).
    pub counts: [[u64; 5]; 6],
    /// Content the strategy chose not to send.
    pub dropped: u64,
    /// Content held (deferred or awaiting a reply) and sent later.
    pub held: u64,
    /// Content still held when the run ended (never sent).
    pub held_at_end: u64,
    /// Per day: inbound messages, outbound attempts, outbound delivered.
    pub daily: Vec<[u64; 3]>,
}

impl Traffic {
    fn new(days: usize) -> Traffic {
        Traffic { daily: vec![[0; 3]; days], ..Traffic::default() }
    }

    fn add(&mut self, o: &Traffic) {
        for (a, b) in self.counts.iter_mut().flatten().zip(o.counts.iter().flatten()) {
            *a += b;
        }
        self.dropped += o.dropped;
        self.held += o.held;
        self.held_at_end += o.held_at_end;
        for (a, b) in self.daily.iter_mut().zip(&o.daily) {
            for k in 0..3 {
                a[k] += b[k];
            }
        }
    }

    /// Adds messages counted per (day, kind, outcome): to the counts by kind and outcome, and to
    /// each day's inbound messages, outbound attempts and deliveries.
    fn count(&mut self, by_day: &[[[u64; 5]; 6]]) {
        for (day, counts) in self.daily.iter_mut().zip(by_day) {
            for (kind, row) in counts.iter().enumerate() {
                for (o, n) in row.iter().enumerate() {
                    self.counts[kind][o] += n;
                    match OUTCOMES[o] {
                        Outcome::Received => day[0] += n,
                        Outcome::Delivered => {
                            day[1] += n;
                            day[2] += n;
                        }
                        _ => day[1] += n,
                    }
                }
            }
        }
    }

    /// Messages of an outcome, over every kind.
    #[must_use]
    pub fn outcome(&self, o: Outcome) -> u64 {
        self.counts.iter().map(|row| row[outcome_index(o)]).sum()
    }
}

/// One message of a traced customer, as a log would hold it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceRow {
    /// Delivery time.
    pub time: Time,
    /// Customer index.
    pub customer: u64,
    /// Order within the customer.
    pub seq: u32,
    /// What.
    pub kind: MessageKind,
    /// Delivered or failed (blocked free-form is written as delivered: billing re-derives it).
    pub status: Status,
    /// Country of the number.
    pub country: crate::pricing::markets::Country,
}

/// Index layout of the tallies: months of the run, markets reachable from the country mix, days.
#[derive(Clone, Debug)]
pub struct Layout {
    /// First month of the run.
    pub first_month: crate::time::Month,
    /// Months of the run.
    pub months: usize,
    /// Market of each slot.
    pub markets: Vec<MarketId>,
    /// Slot of each market id (`u16::MAX`: unreachable).
    slot_of: Vec<u16>,
    /// Days of the run.
    pub days: usize,
    /// First day.
    pub start: Date,
    /// Month index of each day of the run.
    month_of_day: Vec<u16>,
}

impl Layout {
    fn new(s: &Scenario) -> Layout {
        let first_month = s.period.start.month();
        let last = Date(s.period.start.0 + s.period.days as i32 - 1).month();
        let mut markets: Vec<MarketId> = Vec::new();
        for d in 0..s.period.days {
            let date = Date(s.period.start.0 + d as i32);
            for (c, _) in &s.customers.countries {
                let m = s.business.book.markets.market_of(*c, date);
                if !markets.contains(&m) {
                    markets.push(m);
                }
            }
        }
        markets.sort_by(|a, b| s.business.book.markets.name(*a).cmp(s.business.book.markets.name(*b)));
        let mut slot_of = vec![u16::MAX; s.business.book.markets.len()];
        for (i, m) in markets.iter().enumerate() {
            slot_of[usize::from(m.0)] = i as u16;
        }
        let month_of_day =
            (0..s.period.days).map(|d| (Date(s.period.start.0 + d as i32).month().0 - first_month.0) as u16).collect();
        Layout {
            month_of_day,
            first_month,
            months: (last.0 - first_month.0 + 1) as usize,
            markets,
            slot_of,
            days: s.period.days as usize,
            start: s.period.start,
        }
    }

    fn cells(&self) -> usize {
        self.months * self.markets.len() * 8
    }

    /// The cell index of (month, market, category).
    #[must_use]
    pub fn cell(&self, month: usize, market: usize, category: BillCategory) -> usize {
        (month * self.markets.len() + market) * 8 + category as usize
    }

    fn slot(&self, market: MarketId) -> usize {
        usize::from(self.slot_of.get(usize::from(market.0)).copied().unwrap_or(0)).min(self.markets.len() - 1)
    }
}

/// Everything a work unit reads.
struct Plan<'a> {
    s: &'a Scenario,
    calendar: Calendar,
    layout: Layout,
    settings: Vec<Settings>,
    /// The model each pricing applies on each day of the run (what `auto` switches to).
    models: Vec<[crate::pricing::Model; MAX_PRICINGS]>,
    /// What a message's local day decides, per country of the mix (in the scenario's order) and
    /// day of the run: `days[country * layout.days + day]`.
    days: Vec<DayInfo>,
    /// The run's first instant (local midnight).
    start: Time,
    /// Whether deliveries can fail (a failure rate or a marketing limit): only then is a
    /// delivery's draw made.
    delivery_draws: bool,
    trace: u64,
}

impl Plan<'_> {
    /// The day of the run of an instant within it.
    fn day_of(&self, t: Time) -> usize {
        // Instants within the run only: the offset from the first local midnight is not negative.
        let since = u64::try_from(t.0 - self.start.0).unwrap_or(0);
        ((since / crate::time::DAY as u64) as usize).min(self.layout.days - 1)
    }

    /// The day table of a country of the mix (every customer's country is one of the mix).
    fn days_of(&self, country: crate::pricing::markets::Country) -> &[DayInfo] {
        let row = self.s.customers.countries.iter().position(|(c, _)| *c == country).unwrap_or(0);
        &self.days[row * self.layout.days..(row + 1) * self.layout.days]
    }
}

/// What a message's local day decides for a customer's country: the date, the month of the run,
/// the market (mappings change by date) and its tally slot.
#[derive(Clone, Copy, Debug)]
struct DayInfo {
    date: Date,
    month: u16,
    market: MarketId,
    slot: u16,
}

/// The result of simulating some customers of one replication.
#[derive(Clone, Debug)]
struct Partial {
    /// Per strategy.
    strategies: Vec<StrategyPartial>,
    customers: u64,
}

/// What one strategy's messages added up to, over some customers.
#[derive(Clone, Debug)]
struct StrategyPartial {
    /// Per pricing.
    pricings: Vec<(Tally, LedgerPending)>,
    /// `dropped`, `held`, `held_at_end`; the counts come from `by_day`.
    traffic: Traffic,
    /// Messages per (day, kind, outcome), one count per message; `traffic`'s counts and daily
    /// totals are summed from it when the replication is settled.
    by_day: Vec<[[u64; 5]; 6]>,
    trace: Vec<TraceRow>,
}

impl Partial {
    fn new(plan: &Plan<'_>) -> Partial {
        let np = plan.s.pricings.len();
        let strategy = || StrategyPartial {
            pricings: (0..np)
                .map(|_| (Tally::new(&plan.layout), LedgerPending::new(plan.s.business.free_tier)))
                .collect(),
            traffic: Traffic::new(plan.layout.days),
            by_day: vec![[[0; 5]; 6]; plan.layout.days],
            trace: Vec::new(),
        };
        Partial { strategies: plan.s.strategies.iter().map(|_| strategy()).collect(), customers: 0 }
    }

    fn merge(mut self, other: Partial) -> Partial {
        for (a, b) in self.strategies.iter_mut().zip(other.strategies) {
            for ((tally, pending), (other_tally, other_pending)) in a.pricings.iter_mut().zip(b.pricings) {
                tally.add(&other_tally);
                pending.merge(other_pending);
            }
            a.traffic.add(&b.traffic);
            for (x, y) in a.by_day.iter_mut().zip(&b.by_day) {
                for (x, y) in x.iter_mut().flatten().zip(y.iter().flatten()) {
                    *x += y;
                }
            }
            a.trace.extend(b.trace);
        }
        self.customers += other.customers;
        self
    }
}

/// One replication's results.
#[derive(Clone, Debug)]
pub struct Replication {
    /// Per (strategy, pricing): `tallies[s * pricings + p]`, ledger settled.
    pub tallies: Vec<Tally>,
    /// Per strategy.
    pub traffic: Vec<Traffic>,
}

/// A whole run.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// Replications in order.
    pub replications: Vec<Replication>,
    /// Messages processed (all strategies, all replications).
    pub events: u64,
    /// Traced messages per strategy (replication 0, first customers), in log order.
    pub trace: Vec<Vec<TraceRow>>,
    /// The tallies' layout.
    pub layout: Layout,
}

/// A run that cannot complete: a rate a rule needs is missing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RunError(pub String);

/// Runs a scenario: `replications` replications of its customers, `trace` first customers of
/// replication 0 logged. `progress` is called with the number of customers just finished.
///
/// # Errors
/// A rate that a rule needs and the card leaves empty (naming market, category and card).
pub fn run(s: &Scenario, trace: u64, progress: &(dyn Fn(u64) + Sync)) -> Result<RunResult, RunError> {
    let layout = Layout::new(s);
    let plan = Plan {
        s,
        calendar: Calendar::new(s),
        settings: s
            .pricings
            .iter()
            .map(|p| Settings {
                pricing: *p,
                offset: s.period.offset,
                primary_country: s.business.country,
                auth_international_from: s.business.auth_international_from,
                us_marketing_pause: s.business.us_marketing_pause,
            })
            .collect(),
        days: s
            .customers
            .countries
            .iter()
            .flat_map(|(country, _)| (0..s.period.days).map(move |d| (*country, d)))
            .map(|(country, d)| {
                let date = Date(s.period.start.0 + d as i32);
                let market = s.business.book.markets.market_of(country, date);
                DayInfo { date, month: layout.month_of_day[d as usize], market, slot: layout.slot(market) as u16 }
            })
            .collect(),
        start: s.period.start_time(),
        delivery_draws: s.customers.failures.rate > 0.0 || s.customers.failures.marketing_limit > 0.0,
        models: (0..s.period.days)
            .map(|d| {
                let date = Date(s.period.start.0 + d as i32);
                let mut models = [crate::pricing::Model::PerMessage2025; MAX_PRICINGS];
                for (pi, p) in s.pricings.iter().enumerate() {
                    models[pi] = p.model_on(date);
                }
                models
            })
            .collect(),
        layout,
        trace,
    };
    let chunks = s.customers.count.div_ceil(CHUNK);
    let reps: Vec<(Replication, u64, Vec<Vec<TraceRow>>)> = (0..s.run.replications)
        .into_par_iter()
        .map(|r| {
            let partial = (0..chunks)
                .into_par_iter()
                .map(|c| {
                    let p = simulate_chunk(&plan, r, c * CHUNK, ((c + 1) * CHUNK).min(s.customers.count));
                    progress(p.customers);
                    p
                })
                .reduce(|| Partial::new(&plan), Partial::merge);
            settle(&plan, partial)
        })
        .collect::<Result<_, RunError>>()?;
    let mut events = 0;
    let mut replications = Vec::with_capacity(reps.len());
    let mut traces = Vec::new();
    for (i, (rep, ev, tr)) in reps.into_iter().enumerate() {
        events += ev;
        if i == 0 {
            traces = tr;
        }
        replications.push(rep);
    }
    for t in &mut traces {
        t.sort_by_key(|row| (row.time, row.kind.is_outbound(), row.customer, row.seq));
    }
    Ok(RunResult { replications, events, trace: traces, layout: plan.layout })
}

/// Applies the month ledger to a replication's combined partial.
fn settle(plan: &Plan<'_>, p: Partial) -> Result<(Replication, u64, Vec<Vec<TraceRow>>), RunError> {
    let (mut tallies, mut traffic, mut trace, mut events) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for strategy in p.strategies {
        for (mut tally, mut pending) in strategy.pricings {
            pending.settle(&mut tally, &plan.s.business.book).map_err(RunError)?;
            tallies.push(tally);
        }
        // Every message is counted once by kind and outcome.
        let mut strategy_traffic = strategy.traffic;
        strategy_traffic.count(&strategy.by_day);
        events += strategy_traffic.counts.iter().flatten().sum::<u64>();
        traffic.push(strategy_traffic);
        trace.push(strategy.trace);
    }
    Ok((Replication { tallies, traffic }, events, trace))
}

/// Something a customer's queue holds: a reply on its way, a follow-up, a timeout.
#[derive(Clone, Copy, Debug)]
struct Pending {
    time: Time,
    order: u8,
    seq: u64,
    what: PendingKind,
}

#[derive(Clone, Copy, Debug)]
enum PendingKind {
    /// The customer's reply to content `id` (of campaign `campaign`).
    Reply { id: u64, campaign: Option<u16> },
    /// Business content due now (a follow-up).
    Content { content: Content, id: u64 },
    /// Held content `id` waited long enough.
    Timeout { id: u64 },
}

impl PartialEq for Pending {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Pending {
    /// Reversed, so that the queue's greatest element is the earliest: time, inbound first, then
    /// sequence.
    fn cmp(&self, o: &Self) -> Ordering {
        (o.time, o.order, o.seq).cmp(&(self.time, self.order, self.seq))
    }
}

/// The next thing to handle in a customer's run.
#[derive(Clone, Copy, Debug)]
enum Event {
    Inbound { entry_point: bool, reply: Option<(u64, Option<u16>)> },
    Content { content: Content, urgent: bool, id: u64, campaign: Option<u16> },
    Timeout { id: u64 },
}

/// Content a strategy holds back.
#[derive(Clone, Copy, Debug)]
struct Held {
    id: u64,
    content: Content,
    campaign: Option<u16>,
}

/// Per-worker buffers, reused across customers (the hot loop allocates nothing per event).
#[derive(Default)]
struct Scratch {
    exo: Happenings,
    /// A customer's pending events, sorted so that the last is the earliest (a customer has few
    /// pending at once: a sorted vector beats a heap).
    queue: Vec<Pending>,
    held: Vec<Held>,
}

/// Exogenous sequence numbers are below this; queued ones above.
const QUEUED: u64 = 1 << 32;
/// Follow-up ids live above this.
const FOLLOW_UP_ID: u64 = 1 << 48;

fn simulate_chunk(plan: &Plan<'_>, replication: u32, from: u64, to: u64) -> Partial {
    let mut out = Partial::new(plan);
    let mut scratch = Scratch::default();
    for customer in from..to {
        let profile = behaviour::generate(plan.s, &plan.calendar, replication, customer, &mut scratch.exo);
        let Scratch { exo, queue, held } = &mut scratch;
        let keys = ContentKeys::new(profile.key);
        for (named, out) in plan.s.strategies.iter().zip(&mut out.strategies) {
            queue.clear();
            held.clear();
            let mut sim = CustomerSim {
                queue: &mut *queue,
                held: &mut *held,
                out,
                plan,
                customer,
                strategy: named.strategy,
                country: profile.country,
                opted_in: profile.opted_in,
                windows: Windows::default(),
                conversations: [Conversations::default(); MAX_PRICINGS],
                seq: 0,
                queued: QUEUED,
                awaiting_reply: false,
                tracing: replication == 0 && customer < plan.trace,
                days: plan.days_of(profile.country),
                keys,
            };
            sim.run(exo.sorted());
        }
        out.customers += 1;
    }
    out
}

/// One customer under one strategy.
struct CustomerSim<'a> {
    /// Pending events, sorted so that the last is the earliest.
    queue: &'a mut Vec<Pending>,
    /// Content held back.
    held: &'a mut Vec<Held>,
    /// The strategy's tallies.
    out: &'a mut StrategyPartial,
    plan: &'a Plan<'a>,
    customer: u64,
    strategy: crate::strategy::Strategy,
    country: crate::pricing::markets::Country,
    opted_in: bool,
    windows: Windows,
    conversations: [Conversations; MAX_PRICINGS],
    seq: u32,
    queued: u64,
    awaiting_reply: bool,
    tracing: bool,
    /// The day table of the customer's country.
    days: &'a [DayInfo],
    keys: ContentKeys,
}

/// A customer's stream keys for the draws made per piece of content (keyed by its id), the
/// purpose's half mixed once per customer.
#[derive(Clone, Copy, Debug)]
struct ContentKeys {
    reply: PurposeKey,
    re_engage_reply: PurposeKey,
    delivery: PurposeKey,
    follow_up: PurposeKey,
}

impl ContentKeys {
    fn new(key: behaviour::CustomerKey) -> ContentKeys {
        ContentKeys {
            reply: key.purpose(Purpose::Reply),
            re_engage_reply: key.purpose(Purpose::ReEngageReply),
            delivery: key.purpose(Purpose::Delivery),
            follow_up: key.purpose(Purpose::FollowUp),
        }
    }
}

impl CustomerSim<'_> {
    fn run(&mut self, exo: &[behaviour::Exogenous]) {
        let end = self.plan.s.period.end_time();
        let mut i = 0;
        loop {
            let next = exo.get(i).copied();
            let take_exo = match (next, self.queue.last()) {
                (Some(e), Some(q)) => {
                    let (t, o, s) = e.order();
                    (t, o, u64::from(s)) < (q.time, q.order, q.seq)
                }
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            // What happens next, from the happenings or the queue; one call site per kind of
            // event, so that each handler is inlined here once.
            let (t, event) = if take_exo {
                let Some(e) = next else { break };
                i += 1;
                let event = match e.what {
                    Happening::Inbound { entry_point } => Event::Inbound { entry_point, reply: None },
                    Happening::Content { content, urgent, id, campaign } => {
                        Event::Content { content, urgent, id, campaign }
                    }
                };
                (e.time, event)
            } else {
                let Some(q) = self.queue.pop() else { break };
                let event = match q.what {
                    PendingKind::Reply { id, campaign } => {
                        Event::Inbound { entry_point: false, reply: Some((id, campaign)) }
                    }
                    PendingKind::Content { content, id } => {
                        Event::Content { content, urgent: false, id, campaign: None }
                    }
                    PendingKind::Timeout { id } => Event::Timeout { id },
                };
                (q.time, event)
            };
            if t >= end {
                continue;
            }
            match event {
                Event::Inbound { entry_point, reply } => self.inbound(t, entry_point, reply),
                Event::Content { content, urgent, id, campaign } => self.content(t, content, urgent, id, campaign),
                Event::Timeout { id } => self.timeout(t, id),
            }
        }
        self.out.traffic.held_at_end += self.held.len() as u64;
    }

    fn push(&mut self, time: Time, order: u8, what: PendingKind) {
        self.queued += 1;
        let p = Pending { time, order, seq: self.queued, what };
        let at = self.queue.partition_point(|x| *x < p);
        self.queue.insert(at, p);
    }

    /// An inbound message; `reply`: it answers content (of a campaign, maybe).
    #[inline(always)]
    fn inbound(&mut self, t: Time, entry_point: bool, reply: Option<(u64, Option<u16>)>) {
        self.process(t, MessageKind::Inbound { entry_point }, Status::Delivered);
        // Held content goes out free-form inside the window this message opened.
        if !self.held.is_empty() {
            let held = std::mem::take(self.held);
            for h in &held {
                self.deliver(t, MessageKind::FreeForm, Some(h.content), h.id, h.campaign);
            }
            *self.held = held;
            self.held.clear();
        }
        self.awaiting_reply = false;
        if let Some((parent, Some(c))) = reply {
            let Some(campaign) = self.plan.s.customers.campaigns.get(usize::from(c)) else { return };
            let mut rng = self.keys.follow_up.stream(parent);
            let mut at = t;
            for j in 0..campaign.follow_ups {
                at = at.plus(behaviour::sample(campaign.follow_up_delay, &mut rng).max(1));
                let id = FOLLOW_UP_ID | (parent << 4) | u64::from(j);
                self.push(at, 1, PendingKind::Content { content: Content::Marketing, id });
            }
        }
    }

    #[inline(always)]
    fn content(&mut self, t: Time, content: Content, urgent: bool, id: u64, campaign: Option<u16>) {
        let open = self.windows.service_window_open(t);
        match self.strategy.route(content, urgent, open) {
            Route::Send(kind) => self.deliver(t, kind, Some(content), id, campaign),
            Route::Hold { wait, reengage } => {
                self.held.push(Held { id, content, campaign });
                self.out.traffic.held += 1;
                self.push(t.plus(wait), 1, PendingKind::Timeout { id });
                if let Some(category) = reengage
                    && !self.awaiting_reply
                {
                    self.awaiting_reply = true;
                    self.deliver(t, MessageKind::Template(category), None, id, None);
                }
            }
            Route::Drop => self.out.traffic.dropped += 1,
        }
    }

    fn timeout(&mut self, t: Time, id: u64) {
        let Some(pos) = self.held.iter().position(|h| h.id == id) else { return };
        let h = self.held.remove(pos);
        if self.held.is_empty() {
            self.awaiting_reply = false;
        }
        match self.strategy.on_timeout(h.content) {
            Route::Send(kind) => self.deliver(t, kind, Some(h.content), h.id, h.campaign),
            Route::Hold { .. } | Route::Drop => self.out.traffic.dropped += 1,
        }
    }

    /// Sends one outbound message; `content`: what it carries (`None`: a re-engagement template).
    #[inline(always)]
    fn deliver(&mut self, t: Time, kind: MessageKind, content: Option<Content>, id: u64, campaign: Option<u16>) {
        let s = self.plan.s;
        // Delivery failures: the same draw for the same content under every strategy.
        let mut failed = false;
        if self.plan.delivery_draws {
            let salt = if content.is_none() { 1 << 63 } else { 0 };
            let key = self.keys.delivery.key(id ^ salt);
            failed = behaviour::unit(key) < s.customers.failures.rate;
            if kind == MessageKind::Template(TemplateCategory::Marketing) && s.customers.failures.marketing_limit > 0.0
            {
                failed |= behaviour::unit(behaviour::mix(key)) < s.customers.failures.marketing_limit;
            }
        }
        let status = if failed { Status::Failed } else { Status::Delivered };
        let outcome = self.process(t, kind, status);
        if outcome != Outcome::Delivered {
            return;
        }
        // The customer's reply to what was said: the same draw whatever form it took.
        let (keys, category) = match content {
            Some(Content::Support) => return,
            Some(c) => (self.keys.reply, c.category()),
            None => match kind {
                MessageKind::Template(c) => (self.keys.re_engage_reply, c),
                _ => return,
            },
        };
        let behaviour = s.customers.replies[category as usize];
        if behaviour.probability <= 0.0 {
            return;
        }
        // Whether to reply comes straight from the stream's key; the delay from its generator.
        if behaviour::unit(keys.key(id)) < behaviour.probability {
            let mut rng = keys.stream(id);
            let delay = behaviour::sample(behaviour.delay, &mut rng).max(1);
            let campaign = if content == Some(Content::Marketing) { campaign } else { None };
            self.push(t.plus(delay), 0, PendingKind::Reply { id, campaign });
        }
    }

    /// One message through the rules, under every pricing; tallies it.
    #[inline(always)]
    fn process(&mut self, t: Time, kind: MessageKind, status: Status) -> Outcome {
        let plan = self.plan;
        let s = plan.s;
        let message = Message { time: t, kind, status, country: self.country, opted_in: self.opted_in };
        let out = &mut *self.out;
        let day = plan.day_of(t);
        let DayInfo { date, month, market, slot } = self.days[day];
        let (month, slot) = (usize::from(month), usize::from(slot));
        let delivery = self.windows.observe(&message, &plan.settings[0], date);
        self.seq += 1;
        out.by_day[day][kind_index(kind)][outcome_index(delivery.outcome)] += 1;
        if self.tracing && delivery.outcome != Outcome::Suppressed {
            out.trace.push(TraceRow {
                time: t,
                customer: self.customer,
                seq: self.seq,
                kind,
                status: if delivery.outcome == Outcome::Failed { Status::Failed } else { Status::Delivered },
                country: self.country,
            });
        }
        // An inbound message is free under every model, opens and bills nothing: its reason is
        // counted under every pricing without the pricing rules (inlined where the message is
        // made, this is the whole inbound path).
        if let MessageKind::Inbound { entry_point } = kind {
            let reason = crate::rules::inbound_reason(&delivery, entry_point).index();
            for (tally, _) in &mut out.pricings {
                tally.reasons[reason] += 1;
            }
            return delivery.outcome;
        }
        let pricings = plan.settings.iter().zip(&plan.models[day]).zip(&mut self.conversations);
        for (((settings, &model), conversations), (tally, pending)) in pricings.zip(out.pricings.iter_mut()) {
            let cx = Context { settings, book: &s.business.book, date, market };
            let priced = conversations.price(&message, &delivery, model, settings.pricing == Pricing::Auto, &cx);
            tally.reasons[priced.reason.index()] += 1;
            if let Some(category) = priced.opened {
                tally.conversations[category as usize] += 1;
            }
            if let Some(bill) = priced.bill {
                charge(
                    plan,
                    t,
                    self.customer,
                    self.seq,
                    (day, month, slot, market),
                    priced.reason,
                    &bill,
                    tally,
                    pending,
                );
            }
        }
        delivery.outcome
    }
}

/// Tallies one billed unit: its list rate into the cells and days, or into the month ledger's
/// pending allowances and tiers. Out of line: only charged messages come here.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn charge(
    plan: &Plan<'_>,
    t: Time,
    customer: u64,
    seq: u32,
    (day, month, slot, market): (usize, usize, usize, MarketId),
    reason: Reason,
    bill: &crate::pricing::ledger::Billable,
    tally: &mut Tally,
    pending: &mut LedgerPending,
) {
    let s = plan.s;
    let cell = plan.layout.cell(month, slot, bill.category);
    if let Some(allowance) = bill.allowance
        && s.business.free_tier > 0
    {
        let unit = AllowanceUnit {
            key: (t, customer, seq),
            rate: bill.rate.ok(),
            cell: cell as u32,
            day: day as u32,
            reason: reason.index() as u8,
        };
        if let Ok(rate) = bill.rate {
            tally.cells[cell].charged += 1;
            tally.cells[cell].cost += rate;
            tally.daily[day].charged += 1;
            tally.daily[day].cost += rate;
        } else {
            pending.note_gap(&s.business.book, bill, month, allowance);
        }
        pending.allowance(month, allowance, unit);
        return;
    }
    let rate = match bill.rate {
        Ok(rate) => rate,
        Err(gap) => {
            pending.error(t, customer, || {
                s.business.book.describe_gap(gap, bill.model, bill.card, bill.market, bill.category)
            });
            return;
        }
    };
    tally.cells[cell].charged += 1;
    tally.daily[day].charged += 1;
    tally.daily[day].cost += rate;
    // Tiers first: without a tier table (the usual case) the branch always goes the same way.
    if !s.business.book.tiers.is_empty()
        && let Some(group) = bill.tier
    {
        let international = bill.category == BillCategory::AuthenticationInternational;
        let card = bill.card.map_or(Date(0), |id| s.business.book.card(id).effective);
        pending.tiered(month, market, group, international, card, rate, cell);
    } else {
        tally.cells[cell].cost += rate;
    }
}
