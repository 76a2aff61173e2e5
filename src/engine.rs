//! The engine: every customer on its own small agenda of events, every strategy over the same
//! customer (common random numbers), every pricing model over the same traffic in one pass, and
//! the business's month ledger settled after the fact, exactly. Customers are spread over the
//! cores with rayon in fixed-size chunks; chunk results hold only tallies (flat in customers) and
//! are combined with exact integer arithmetic, so the output is identical for any thread count.
//!
//! What happens to customers, and how they react, comes from [`crate::behaviour`]; what the
//! business sends, from [`crate::strategy`]. One implementation of the rules: each message goes
//! once through [`crate::rules::Windows::observe`] (delivery does not depend on the model) and
//! once per pricing through [`crate::rules::Conversations`]' pricing, as
//! [`crate::rules::Customer::decide`] does for a log. The month ledger (rules 10, 16, 21, 23),
//! which needs the whole business in time order, is settled by
//! [`crate::pricing::ledger::deferred::DeferredLedger`], held to the same money as `bill`'s.
//! Counts go into [`crate::tally`].

mod agenda;

use crate::behaviour::{ContentKeys, Happenings, Population, Reactions, Sent};
use crate::event::{Answered, Event, What};
use crate::pricing::ledger::deferred::{Counted, DeferredLedger, Provisional};
use crate::pricing::ledger::{Billable, PriceCap};
use crate::pricing::markets::{Country, MarketId};
use crate::pricing::money::Money;
use crate::pricing::{MissingRate, Model, Pricing};
use crate::rules::{
    Context, Conversations, Message, MessageKind, Outcome, Reason, Settings, Status, TemplateCategory, Windows,
    marketing_limit_applies,
};
use crate::scenario::{MAX_PRICINGS, NamedStrategy, Scenario};
use crate::strategy::{Content, Route};
use crate::tally::{KindsAndOutcomes, Layout, PricingTally, Replication, Service, Traffic};
use crate::time::{Date, Time};
use agenda::Agenda;
use rayon::prelude::*;

/// Customers per work unit (fixed, so results never depend on the thread count).
pub const CHUNK: u64 = 2048;

/// One message of a traced customer, as a log would hold it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceRow {
    /// When it was delivered (an inbound message: received).
    pub time: Time,
    /// The customer's number in the run.
    pub customer: u64,
    /// The message's number within the customer (ties at one instant keep this order).
    pub seq: u32,
    /// Inbound, template or free-form.
    pub kind: MessageKind,
    /// Delivered or failed (blocked free-form is written as delivered: billing re-derives it).
    pub status: Status,
    /// The country of the customer's number.
    pub country: Country,
    /// The business number the customer is on (rule 27), numbered from 0.
    pub number: u16,
    /// The price Meta charged a capped marketing template (rule 29).
    pub price: Option<Money>,
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

/// Everything a work unit reads.
struct Plan<'a> {
    s: &'a Scenario,
    population: Population<'a>,
    layout: Layout,
    settings: Vec<Settings>,
    /// The model each pricing applies on each day of the run (what `auto` switches to).
    models: Vec<[Model; MAX_PRICINGS]>,
    /// What a message's local day decides, per country of the mix (in the scenario's order) and
    /// day of the run: `days[country * layout.days() + day]`.
    days: Vec<DayInfo>,
    countries: Vec<Country>,
    /// The run's first and last instants (local midnights).
    start: Time,
    end: Time,
    /// Some campaign is capped in some market (rule 29).
    capped: bool,
    trace: u64,
}

impl<'a> Plan<'a> {
    fn new(s: &'a Scenario, trace: u64) -> Plan<'a> {
        let (period, book) = (&s.period, &s.business.book);
        let population = Population::new(&s.customers, period, s.run.seed, &s.business.numbers);
        let capped = population.reactions().any_caps();
        let countries: Vec<Country> = population.countries().collect();
        let dates: Vec<Date> = (0..period.days).map(|d| period.date(d)).collect();
        let markets = dates.iter().flat_map(|date| countries.iter().map(|c| book.markets.market_of(*c, *date)));
        let layout = Layout::new(period.start, period.days, markets.collect::<Vec<_>>(), book)
            .with_warm_up(s.run.warm_up_days as usize);
        let days = countries
            .iter()
            .flat_map(|country| dates.iter().map(move |date| (*country, *date)))
            .map(|(country, date)| {
                let market = book.markets.market_of(country, date);
                let month = layout.month_index(date) as u16;
                DayInfo { date, month, market, slot: layout.slot(market) as u16 }
            })
            .collect();
        let models = dates
            .iter()
            .map(|date| {
                let mut models = [Model::PerMessage2025; MAX_PRICINGS];
                for (pi, p) in s.pricings.iter().enumerate() {
                    models[pi] = p.model_on(*date);
                }
                models
            })
            .collect();
        let settings = s.pricings.iter().map(|p| s.settings(*p)).collect();
        Plan {
            s,
            population,
            layout,
            settings,
            models,
            days,
            countries,
            start: period.start_time(),
            end: period.end_time(),
            capped,
            trace,
        }
    }

    /// The day of the run of an instant within it.
    fn day_of(&self, t: Time) -> usize {
        // Instants within the run only: the offset from the first local midnight is not negative.
        let since = u64::try_from(t.0 - self.start.0).unwrap_or(0);
        ((since / crate::time::DAY as u64) as usize).min(self.layout.days() - 1)
    }

    /// The day table of a country of the mix (every customer's country is one of the mix).
    fn days_of(&self, country: Country) -> &[DayInfo] {
        let row = self.countries.iter().position(|c| *c == country).unwrap_or(0);
        let days = self.layout.days();
        &self.days[row * days..(row + 1) * days]
    }
}

/// What one strategy's messages added up to, over some customers of one replication.
#[derive(Clone, Debug)]
struct StrategyPartial {
    /// Per pricing: the tally, and the month ledger still to settle into it.
    pricings: Vec<(PricingTally, DeferredLedger)>,
    dropped: u64,
    held: u64,
    held_at_end: u64,
    /// Capped marketing templates sent, and delivered (rule 29).
    capped_sent: u64,
    capped_delivered: u64,
    /// Messages per day by kind and outcome (the traffic's counts are summed from them).
    by_day: Vec<KindsAndOutcomes>,
    /// What became of the support answers owed.
    service: Service,
    trace: Vec<TraceRow>,
}

/// The result of simulating some customers of one replication, per strategy.
#[derive(Clone, Debug)]
struct Partial {
    strategies: Vec<StrategyPartial>,
    customers: u64,
}

impl Partial {
    fn new(plan: &Plan<'_>) -> Partial {
        let strategy = || StrategyPartial {
            pricings: plan
                .s
                .pricings
                .iter()
                .map(|_| (PricingTally::new(&plan.layout), DeferredLedger::new(plan.s.business.free_tier)))
                .collect(),
            dropped: 0,
            held: 0,
            held_at_end: 0,
            capped_sent: 0,
            capped_delivered: 0,
            by_day: vec![KindsAndOutcomes::default(); plan.layout.days()],
            service: Service::default(),
            trace: Vec::new(),
        };
        Partial { strategies: plan.s.strategies.iter().map(|_| strategy()).collect(), customers: 0 }
    }

    fn merge(mut self, other: Partial) -> Partial {
        for (a, b) in self.strategies.iter_mut().zip(other.strategies) {
            for ((tally, ledger), (other_tally, other_ledger)) in a.pricings.iter_mut().zip(b.pricings) {
                tally.add(&other_tally);
                ledger.merge(other_ledger);
            }
            a.dropped += b.dropped;
            a.held += b.held;
            a.held_at_end += b.held_at_end;
            a.capped_sent += b.capped_sent;
            a.capped_delivered += b.capped_delivered;
            for (x, y) in a.by_day.iter_mut().zip(&b.by_day) {
                x.add(y);
            }
            a.service.add(&b.service);
            a.trace.extend(b.trace);
        }
        self.customers += other.customers;
        self
    }
}

/// What a run found: each replication's tallies and traffic, and the traced messages.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// Replications in order.
    pub replications: Vec<Replication>,
    /// Messages processed (all strategies, all replications).
    pub events: u64,
    /// Traced messages per strategy (replication 0, first customers), in log order.
    pub trace: Vec<Vec<TraceRow>>,
    /// Where the tallies count charges: months, markets, days.
    pub layout: Layout,
    /// When the scenario asked for a precision: what was asked and what the run reached.
    pub precision: Option<Precision>,
}

/// How precise a run's means came out, against the target it was run to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Precision {
    /// The target: the largest relative half-width of a mean's 95% interval allowed.
    pub target: f64,
    /// The largest relative half-width the run ended with.
    pub achieved: f64,
    /// Whether the target was met (else the run stopped at its most replications).
    pub reached: bool,
    /// The batches of replications run.
    pub batches: u32,
}

impl RunResult {
    /// What a strategy cost under a pricing in a replication (indices in the scenario's order).
    #[must_use]
    pub fn tally(&self, replication: usize, strategy: usize, pricing: usize) -> &PricingTally {
        self.replications[replication].tally(strategy, pricing)
    }

    /// A strategy's exact total under a pricing, replication by replication.
    #[must_use]
    pub fn totals(&self, strategy: usize, pricing: usize) -> Vec<Money> {
        self.replications.iter().map(|rep| rep.tally(strategy, pricing).cost()).collect()
    }
}

/// Why a run cannot complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// A rate that a rule needs is missing from the card in force (rule 25).
    #[error(transparent)]
    MissingRate(#[from] MissingRate),
}

/// Runs a scenario: its replications of its customers, the first `trace` customers of
/// replication 0 logged. `progress` is called with the number of customers just finished.
///
/// # Errors
/// A rate that a rule needs and the card leaves empty (naming market, category and card).
pub fn run(s: &Scenario, trace: u64, progress: &(dyn Fn(u64) + Sync)) -> Result<RunResult, RunError> {
    run_replications(s, 0..s.run.replications, trace, progress)
}

/// Adds replications to a run until it has `upto` (each replication depends only on the seed and
/// its number, so a run extended to N replications is the run of N replications).
///
/// # Errors
/// As [`run`].
pub(crate) fn run_more(
    s: &Scenario,
    r: &mut RunResult,
    upto: u32,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), RunError> {
    let from = u32::try_from(r.replications.len()).unwrap_or(u32::MAX);
    let more = run_replications(s, from..upto.max(from), 0, progress)?;
    r.replications.extend(more.replications);
    r.events += more.events;
    Ok(())
}

/// Runs replications `reps` of a scenario (the trace only from replication 0, if among them).
fn run_replications(
    s: &Scenario,
    reps: std::ops::Range<u32>,
    trace: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, RunError> {
    let plan = Plan::new(s, trace);
    let customers = s.customers.count;
    let chunks = customers.div_ceil(CHUNK);
    let first = reps.start;
    let reps: Vec<(Replication, u64, Vec<Vec<TraceRow>>)> = reps
        .into_par_iter()
        .map(|r| {
            let partial = (0..chunks)
                .into_par_iter()
                .map(|c| {
                    let p = simulate_chunk(&plan, r, c * CHUNK, ((c + 1) * CHUNK).min(customers));
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
        if i == 0 && first == 0 {
            traces = tr;
        }
        replications.push(rep);
    }
    for t in &mut traces {
        t.sort_by_key(|row| (row.time, row.kind.is_outbound(), row.customer, row.seq));
    }
    Ok(RunResult { replications, events, trace: traces, layout: plan.layout, precision: None })
}

/// Applies the month ledger to a replication's combined partial.
fn settle(plan: &Plan<'_>, p: Partial) -> Result<(Replication, u64, Vec<Vec<TraceRow>>), RunError> {
    let (mut tallies, mut traffic, mut trace, mut events) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for strategy in p.strategies {
        let mut settled = Vec::with_capacity(strategy.pricings.len());
        for (mut tally, ledger) in strategy.pricings {
            ledger.settle(&mut tally, &plan.s.business.book.tiers)?;
            settled.push(tally);
        }
        tallies.push(settled);
        let counts = (strategy.dropped, strategy.held, strategy.held_at_end);
        let mut t = Traffic::new(counts, &strategy.by_day, plan.layout.warm_up(), strategy.service);
        (t.capped_sent, t.capped_delivered) = (strategy.capped_sent, strategy.capped_delivered);
        events += t.messages.total();
        traffic.push(t);
        trace.push(strategy.trace);
    }
    Ok((Replication::new(tallies, traffic), events, trace))
}

/// Content a strategy holds back.
#[derive(Clone, Copy, Debug)]
struct Held {
    id: u64,
    content: Content,
    campaign: Option<u16>,
    /// It was due after the warm-up: it counts in the figures.
    counted: bool,
}

/// Per-worker buffers, reused across customers (the hot loop allocates nothing per event).
#[derive(Default)]
struct Scratch {
    happenings: Happenings,
    scheduled: Vec<Event>,
    held: Vec<Held>,
}

fn simulate_chunk(plan: &Plan<'_>, replication: u32, from: u64, to: u64) -> Partial {
    let mut out = Partial::new(plan);
    let mut scratch = Scratch::default();
    let reactions = plan.population.reactions();
    for customer in from..to {
        let profile = plan.population.generate(replication, customer, &mut scratch.happenings);
        let Scratch { happenings, scheduled, held } = &mut scratch;
        let happenings: &Happenings = happenings;
        let keys = ContentKeys::new(profile.key);
        // Rule 4: whether the per-user marketing limit applies to the customer's number.
        let limited = marketing_limit_applies(profile.country);
        for (named, out) in plan.s.strategies.iter().zip(&mut out.strategies) {
            held.clear();
            let mut sim = CustomerSim {
                agenda: Agenda::new(happenings.sorted(), scheduled),
                happenings,
                held: &mut *held,
                out,
                plan,
                reactions,
                customer,
                strategy: named,
                entry_points: !named.ignores_entry_points,
                country: profile.country,
                number: profile.number,
                limited,
                opted_in: profile.opted_in,
                windows: Windows::default(),
                conversations: [Conversations::default(); MAX_PRICINGS],
                seq: 0,
                awaiting_reply: false,
                owed: false,
                answered: false,
                tracing: replication == 0 && customer < plan.trace,
                days: plan.days_of(profile.country),
                keys,
            };
            sim.run();
        }
        out.customers += 1;
    }
    out
}

/// One customer under one strategy.
struct CustomerSim<'a> {
    agenda: Agenda<'a>,
    /// The customer's planned events (when each support answer was asked for).
    happenings: &'a Happenings,
    /// Content held back.
    held: &'a mut Vec<Held>,
    /// The strategy's tallies.
    out: &'a mut StrategyPartial,
    plan: &'a Plan<'a>,
    reactions: &'a Reactions,
    customer: u64,
    strategy: &'a NamedStrategy,
    /// The rules see the customer's entry points (a what-if variant may ignore them).
    entry_points: bool,
    country: Country,
    /// The business number the customer is on (rule 27).
    number: u16,
    /// Rule 4: the per-user marketing limit applies to the customer's number.
    limited: bool,
    opted_in: bool,
    windows: Windows,
    conversations: [Conversations; MAX_PRICINGS],
    /// Messages so far (the number of the next one, less one).
    seq: u32,
    /// A re-engagement template is out, awaiting the customer's reply.
    awaiting_reply: bool,
    /// The customer is owed a support answer (due within the figures' days).
    owed: bool,
    /// The customer received at least one of them.
    answered: bool,
    tracing: bool,
    /// The day table of the customer's country.
    days: &'a [DayInfo],
    keys: ContentKeys,
}

impl CustomerSim<'_> {
    fn run(&mut self) {
        // One call site per kind of event, so that each handler is inlined here once.
        while let Some(e) = self.agenda.next() {
            if e.time >= self.plan.end {
                continue;
            }
            match e.what {
                What::Inbound { entry_point, answers } => {
                    let entry_point = entry_point && self.entry_points;
                    self.inbound(e.time, MessageKind::Inbound { entry_point }, answers);
                }
                What::Call => self.inbound(e.time, MessageKind::Call, None),
                What::Content { content, urgent, id, campaign } => self.content(e.time, content, urgent, id, campaign),
                What::Timeout { id } => self.timeout(e.time, id),
            }
        }
        self.out.held_at_end += self.held.len() as u64;
        let service = &mut self.out.service;
        service.held_at_end += self.held.iter().filter(|h| h.content.is_answer() && h.counted).count() as u64;
        if self.owed {
            service.customers_owed += 1;
            service.customers_unanswered += u64::from(!self.answered);
        }
    }

    /// Whether something due at `t` counts in the figures (it falls after the warm-up).
    #[inline(always)]
    fn counts(&self, t: Time) -> bool {
        self.plan.layout.warm_up() == 0 || self.plan.layout.counts(self.plan.day_of(t))
    }

    /// Counts what became of a support answer asked for in content `id`, due at a time that
    /// counts: delivered at `t` (on time or late), or not.
    fn answer(&mut self, t: Time, id: u64, on_time: bool, outcome: Outcome) {
        let service = &mut self.out.service;
        match outcome {
            Outcome::Delivered => {
                if on_time {
                    service.on_time += 1;
                } else {
                    service.late += 1;
                }
                self.answered = true;
                let asked = self.happenings.asked(id).unwrap_or(t);
                let secs = u64::try_from((t.0 - asked.0) / crate::time::SECOND).unwrap_or(0);
                service.answer_times.count(secs);
            }
            Outcome::Blocked => service.blocked += 1,
            Outcome::Received | Outcome::Suppressed | Outcome::Failed => service.undelivered += 1,
        }
    }

    /// An inbound message or call; `answers`: the content it replies to.
    #[inline(always)]
    fn inbound(&mut self, t: Time, kind: MessageKind, answers: Option<Answered>) {
        self.process(t, kind, Status::Delivered, PriceCap::None);
        // Held content goes out free-form inside the window this message opened.
        if !self.held.is_empty() {
            let held = std::mem::take(self.held);
            for h in &held {
                let outcome = self.deliver(t, MessageKind::FreeForm, Some(h.content), h.id, h.campaign);
                if h.content.is_answer() && h.counted {
                    self.answer(t, h.id, false, outcome);
                }
            }
            *self.held = held;
            self.held.clear();
        }
        self.awaiting_reply = false;
        if let Some(Answered { id: parent, campaign: Some(c) }) = answers {
            for (at, id) in self.reactions.follow_ups(&self.keys, c, parent, t) {
                let follow_up = What::Content { content: Content::Marketing, urgent: false, id, campaign: None };
                self.agenda.schedule(at, follow_up);
            }
        }
    }

    #[inline(always)]
    fn content(&mut self, t: Time, content: Content, urgent: bool, id: u64, campaign: Option<u16>) {
        let open = self.windows.service_window_open(t);
        let counted = self.counts(t);
        let support = content.is_answer() && counted;
        self.owed |= support;
        match self.strategy.route(content, urgent, open) {
            Route::Send(kind) => {
                let outcome = self.deliver(t, kind, Some(content), id, campaign);
                if support {
                    self.answer(t, id, open, outcome);
                }
            }
            Route::Hold { wait, reengage } => {
                self.held.push(Held { id, content, campaign, counted });
                self.out.held += u64::from(counted);
                self.agenda.schedule(t.plus(wait), What::Timeout { id });
                if let Some(category) = reengage
                    && !self.awaiting_reply
                {
                    self.awaiting_reply = true;
                    let outcome = self.deliver(t, MessageKind::Template(category), None, id, None);
                    if outcome == Outcome::Delivered && counted {
                        self.out.service.reengagements_sent += 1;
                    }
                }
            }
            Route::Drop => {
                self.out.dropped += u64::from(counted);
                self.out.service.dropped += u64::from(support);
            }
        }
    }

    fn timeout(&mut self, t: Time, id: u64) {
        let Some(pos) = self.held.iter().position(|h| h.id == id) else { return };
        let h = self.held.remove(pos);
        if self.held.is_empty() {
            self.awaiting_reply = false;
        }
        let support = h.content.is_answer() && h.counted;
        match self.strategy.on_timeout(h.content) {
            Route::Send(kind) => {
                let outcome = self.deliver(t, kind, Some(h.content), h.id, h.campaign);
                if support {
                    self.answer(t, h.id, false, outcome);
                }
            }
            Route::Hold { .. } | Route::Drop => {
                self.out.dropped += u64::from(h.counted);
                self.out.service.dropped += u64::from(support);
            }
        }
    }

    /// Sends one outbound message; `content`: what it carries (`None`: a re-engagement template
    /// sent for content `id`). Returns what became of it.
    #[inline(always)]
    fn deliver(
        &mut self,
        t: Time,
        kind: MessageKind,
        content: Option<Content>,
        id: u64,
        campaign: Option<u16>,
    ) -> Outcome {
        let reactions = self.reactions;
        // Delivery failures: the same draw for the same content under every strategy.
        let mut failed = reactions.deliveries_can_fail()
            && reactions.delivery_fails(&self.keys, id, content.is_none(), kind, self.limited);
        // Rule 29: a campaign's marketing template capped in the customer's market reaches the
        // customer with the curve's share, at its price.
        let mut cap = PriceCap::None;
        if self.plan.capped
            && let (Some(c), MessageKind::Template(TemplateCategory::Marketing)) = (campaign, kind)
            && content == Some(Content::Marketing)
            && let Some(capped) = reactions.capped(c, self.days[self.plan.day_of(t)].market)
        {
            cap = PriceCap::Reported(capped.price);
            failed |= reactions.unreached(&self.keys, id, capped);
            self.out.capped_sent += 1;
            self.out.capped_delivered += u64::from(!failed);
        }
        let status = if failed { Status::Failed } else { Status::Delivered };
        let outcome = self.process(t, kind, status, cap);
        if outcome != Outcome::Delivered {
            return outcome;
        }
        // The customer's reply to what was said: the same draw whatever form it took.
        let sent = match (content, kind) {
            (Some(c), _) => Sent::Content(c),
            (None, MessageKind::Template(c)) => Sent::ReEngagement(c),
            (None, _) => return outcome,
        };
        if let Some(delay) = reactions.reply_delay(&self.keys, id, sent) {
            let campaign = if content == Some(Content::Marketing) { campaign } else { None };
            let reply = What::Inbound { entry_point: false, answers: Some(Answered { id, campaign }) };
            let at = t.plus(delay);
            if matches!(sent, Sent::ReEngagement(_)) && at < self.plan.end && self.counts(t) {
                self.out.service.reengagements_replied += 1;
            }
            self.agenda.schedule(at, reply);
        }
        outcome
    }

    /// One message through the rules, under every pricing; tallies it.
    #[inline(always)]
    fn process(&mut self, t: Time, kind: MessageKind, status: Status, cap: PriceCap) -> Outcome {
        let plan = self.plan;
        let message =
            Message { time: t, kind, status, country: self.country, opted_in: self.opted_in, number: self.number, cap };
        let out = &mut *self.out;
        let day = plan.day_of(t);
        let DayInfo { date, month, market, slot } = self.days[day];
        let (month, slot) = (usize::from(month), usize::from(slot));
        let delivery = self.windows.observe(&message, &plan.settings[0], date);
        self.seq += 1;
        out.by_day[day].count(kind, delivery.outcome);
        if self.tracing && delivery.outcome != Outcome::Suppressed {
            out.trace.push(TraceRow {
                time: t,
                customer: self.customer,
                seq: self.seq,
                kind,
                status: if delivery.outcome == Outcome::Failed { Status::Failed } else { Status::Delivered },
                country: self.country,
                number: self.number,
                price: match cap {
                    PriceCap::Reported(p) => Some(p),
                    _ => None,
                },
            });
        }
        // An inbound message is free under every model, opens and bills nothing: its reason is
        // counted under every pricing without the pricing rules (inlined where the message is
        // made, this is the whole inbound path).
        if !kind.is_outbound() {
            let reason = crate::rules::inbound_reason(&delivery, kind);
            for (tally, _) in &mut out.pricings {
                tally.count_reason(day, reason);
            }
            return delivery.outcome;
        }
        let pricings = plan.settings.iter().zip(&plan.models[day]).zip(&mut self.conversations);
        for (((settings, &model), conversations), (tally, ledger)) in pricings.zip(out.pricings.iter_mut()) {
            let cx = Context { settings, book: &plan.s.business.book, date, market };
            let priced = conversations.price(&message, &delivery, model, settings.pricing == Pricing::Auto, &cx);
            tally.count_reason(day, priced.reason);
            if let Some(category) = priced.opened {
                tally.count_conversation(day, category);
            }
            if let Some(bill) = priced.bill {
                let order = (t, self.customer, self.seq);
                charge(plan, order, (day, month, slot), priced.reason, (&bill, cap), tally, ledger);
            }
        }
        delivery.outcome
    }
}

/// Counts one billed unit into the tally, as the month ledger says for now (the ledger corrects
/// it at settlement). Out of line: only charged messages come here.
#[inline(never)]
fn charge(
    plan: &Plan<'_>,
    order: (Time, u64, u32),
    (day, month, slot): (usize, usize, usize),
    reason: Reason,
    (bill, cap): (&Billable, PriceCap),
    tally: &mut PricingTally,
    ledger: &mut DeferredLedger,
) {
    let cell = plan.layout.cell(day, month, slot, bill.category);
    // Rule 29: a capped unit's card rate, for the figures beside what Meta charged.
    let card = if cap.is_some() { bill.rate.ok() } else { None };
    let counted = Counted { cell: cell.id(), day: day as u32, reason: reason.index() as u8, card };
    match ledger.take(month, bill, cap, order, counted, &plan.s.business.book) {
        Provisional::ListRate(cost) => {
            tally.charge(cell, day, cost, cost);
            if let Some(card) = card {
                tally.count_capped(cost, card);
            }
        }
        Provisional::Tiered { list } => tally.charge(cell, day, Money::ZERO, list),
        Provisional::Nothing => {}
    }
}
