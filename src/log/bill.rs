//! Billing a message log: every row through one customer's rules, then the month ledger, in
//! time order, into a bill. A time-sorted log streams in memory proportional to its customers;
//! an unsorted one is read whole and sorted.

use super::ids::{CustomerIds, IdBatch};
use super::{LogError, LogReader, LogShape, Row, Unmodelled};
use crate::hash::FastMap;
use crate::pricing::fees::ProviderFees;
use crate::pricing::ledger::{Ledger, Settled};
use crate::pricing::markets::MarketId;
use crate::pricing::money::Money;
use crate::pricing::{BillCategory, MissingRate, Model, RateBook};
use crate::rules::{Customer, Decision, Message, MessageKind, Outcome, Reason, Settings};
use crate::tally::{Capped, Charges};
use crate::time::{Month, Time};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;

/// What a log is billed under: the rules' settings, the monthly free tiers and the provider's fees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BillOptions {
    /// The business's settings for the rules.
    pub settings: Settings,
    /// The size of each monthly free tier (rules 10, 16, 23); 0 switches them off.
    pub free_tier: u64,
    /// A provider's fees, reported apart from Meta's charges (rule 26).
    pub fees: ProviderFees,
}

/// A message's final price: the decision, then the month ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Priced {
    /// The customer's rules' decision.
    pub decision: Decision,
    /// The final reason (an allowance may have made a billable unit free).
    pub reason: Reason,
    /// Whether a rule billed it at a rate (a rate of 0 is still a charge).
    pub charged: bool,
    /// Meta's charge for it.
    pub cost: Money,
    /// Its place in a volume-tier count, if tiered.
    pub tier_count: Option<u64>,
    /// What the rate card would have charged, when a reported price or a cap set the charge
    /// (rule 29).
    pub card_cost: Option<Money>,
}

impl Priced {
    /// The category it is billed (or would be billed) under.
    #[must_use]
    pub fn category(&self) -> Option<BillCategory> {
        self.decision.bill.map(|b| b.category)
    }
}

/// Why a log cannot be billed.
#[derive(Debug, thiserror::Error)]
pub enum BillError {
    /// A malformed log.
    #[error(transparent)]
    Log(#[from] LogError),
    /// A rate a rule needs is missing (rule 25).
    #[error("line {line} (row {row}): {rate}")]
    MissingRate {
        /// The line in the file.
        line: u64,
        /// The data row.
        row: u64,
        /// The rate, naming the market, category and card.
        rate: MissingRate,
    },
    /// The log could not be read.
    #[error(transparent)]
    Read(std::io::Error),
    /// The decisions could not be written.
    #[error("cannot write the decisions")]
    Decisions(#[source] std::io::Error),
}

/// Where decisions go as they are made (a CSV file, an explanation), in priced order.
pub trait DecisionSink {
    /// Pricing starts, on a log of this shape; it may start over (a log turned out unsorted),
    /// and then everything received so far is to be forgotten.
    ///
    /// # Errors
    /// I/O errors.
    fn start(&mut self, shape: LogShape) -> std::io::Result<()>;
    /// One priced message of `customer`, through business `number` when the log names numbers.
    ///
    /// # Errors
    /// I/O errors.
    fn decision(&mut self, customer: &str, number: Option<&str>, row: &Row, priced: &Priced) -> std::io::Result<()>;
    /// Whether the sink keeps decisions at all; billing skips one that does not.
    fn wants_decisions(&self) -> bool {
        true
    }
}

/// A sink that keeps nothing.
pub struct NoDecisions;

impl DecisionSink for NoDecisions {
    fn start(&mut self, _: LogShape) -> std::io::Result<()> {
        Ok(())
    }
    fn decision(&mut self, _: &str, _: Option<&str>, _: &Row, _: &Priced) -> std::io::Result<()> {
        Ok(())
    }
    fn wants_decisions(&self) -> bool {
        false
    }
}

/// The messages priced for one reason under one model, and what they cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReasonTotal {
    /// How many messages were priced for the reason.
    pub messages: u64,
    /// What they cost.
    pub cost: Money,
}

/// Counts of messages by what became of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct MessageCounts {
    /// Inbound messages.
    pub inbound: u64,
    /// Outbound messages, whatever became of them.
    pub outbound: u64,
    /// Outbound messages delivered.
    pub delivered: u64,
    /// Free-form outside the customer service window (131047).
    pub blocked: u64,
    /// Templates to customers without opt-in.
    pub suppressed: u64,
    /// Sent, not delivered.
    pub failed: u64,
    /// Inbound calls, counted among the inbound rows too (rule 1).
    pub calls: u64,
    /// Rows of categories the rules do not price (rule 30), counted apart from all the others.
    pub unmodelled: u64,
}

/// A bill: Meta's charges by model, month, market and category; every message by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bill {
    /// Messages by what became of them.
    pub messages: MessageCounts,
    /// Charged units and cost per (model, month, market, category).
    pub lines: BTreeMap<(Model, Month, MarketId, BillCategory), Charges>,
    /// Messages per (model, reason), with what they cost.
    pub reasons: BTreeMap<(Model, Reason), ReasonTotal>,
    /// Conversations opened (charged or free) per (model, category).
    pub conversations: BTreeMap<(Model, BillCategory), u64>,
    /// Customers in the log.
    pub customers: u64,
    /// Business numbers in the log (1 without a `business_number` column).
    pub numbers: u64,
    /// Rows of unmodelled categories, per category (rule 30).
    pub unmodelled: BTreeMap<Unmodelled, u64>,
    /// Marketing templates charged at a reported price or a cap (rule 29).
    pub capped: Capped,
}

/// A bill's running sums while billing: hash maps with a fast hasher, sorted into a [`Bill`]'s
/// ordered maps once at the end rather than searched in them for every message.
#[derive(Default)]
struct Totals {
    messages: MessageCounts,
    lines: FastMap<(Model, Month, MarketId, BillCategory), Charges>,
    reasons: FastMap<(Model, Reason), ReasonTotal>,
    conversations: FastMap<(Model, BillCategory), u64>,
    capped: Capped,
}

impl Totals {
    fn add(&mut self, priced: &Priced, kind: MessageKind) {
        let d = &priced.decision;
        let m = &mut self.messages;
        match d.outcome {
            Outcome::Received => {
                m.inbound += 1;
                m.calls += u64::from(kind == MessageKind::Call);
            }
            Outcome::Delivered => {
                m.outbound += 1;
                m.delivered += 1;
            }
            Outcome::Blocked => {
                m.outbound += 1;
                m.blocked += 1;
            }
            Outcome::Suppressed => {
                m.outbound += 1;
                m.suppressed += 1;
            }
            Outcome::Failed => {
                m.outbound += 1;
                m.failed += 1;
            }
        }
        let by_reason = self.reasons.entry((d.model, priced.reason)).or_default();
        by_reason.messages += 1;
        by_reason.cost += priced.cost;
        if let Some(category) = d.opened.conversation {
            *self.conversations.entry((d.model, category)).or_default() += 1;
        }
        if priced.charged
            && let Some(bill) = d.bill
        {
            self.lines.entry((d.model, d.date.month(), d.market, bill.category)).or_default().charge(priced.cost);
            if let Some(card) = priced.card_cost {
                self.capped.add(priced.cost, card);
            }
        }
    }

    fn bill(&self, customers: u64) -> Bill {
        Bill {
            messages: self.messages,
            lines: self.lines.iter().map(|(k, v)| (*k, *v)).collect(),
            reasons: self.reasons.iter().map(|(k, v)| (*k, *v)).collect(),
            conversations: self.conversations.iter().map(|(k, v)| (*k, *v)).collect(),
            customers,
            numbers: 1,
            unmodelled: BTreeMap::new(),
            capped: self.capped,
        }
    }
}

impl Bill {
    /// Meta's charges in total.
    #[must_use]
    pub fn total_cost(&self) -> Money {
        self.lines.values().map(|l| l.cost).sum()
    }

    /// Charged units per category, over every model.
    #[must_use]
    pub fn charged_by_category(&self) -> BTreeMap<BillCategory, Charges> {
        let mut out: BTreeMap<BillCategory, Charges> = BTreeMap::new();
        for ((_, _, _, category), line) in &self.lines {
            *out.entry(*category).or_default() += *line;
        }
        out
    }

    /// Provider fees: per message, then the markup on Meta's charges.
    #[must_use]
    pub fn provider_fees(&self, fees: &ProviderFees) -> (Money, Money, Money) {
        let outbound = fees.per_outbound * self.messages.delivered;
        // Rule 1: a call is not a message and takes no per-message fee.
        let inbound = fees.per_inbound * (self.messages.inbound - self.messages.calls);
        let markup = self.total_cost().percent(fees.markup_percent);
        (outbound, inbound, markup)
    }

    /// The bill as one JSON object.
    #[must_use]
    pub fn to_json(&self, book: &RateBook, options: &BillOptions) -> Value {
        let (out_fee, in_fee, markup) = self.provider_fees(&options.fees);
        let by_category = self.charged_by_category();
        let mut charged = Map::new();
        let mut cost_by_category = Map::new();
        let mut conversations = Map::new();
        for category in BillCategory::ALL {
            let line = by_category.get(&category).copied().unwrap_or_default();
            charged.insert(category.id().into(), json!(line.charged));
            cost_by_category.insert(category.id().into(), json!(line.cost.to_string()));
            let opened: u64 = self.conversations.iter().filter(|((_, c), _)| *c == category).map(|(_, n)| n).sum();
            conversations.insert(category.id().into(), json!(opened));
        }
        let mut by_model = Map::new();
        for model in self.models() {
            let lines = self.lines.iter().filter(|((m, ..), _)| *m == model);
            let cost: Money = lines.clone().map(|(_, l)| l.cost).sum();
            let count: u64 = lines.map(|(_, l)| l.charged).sum();
            by_model.insert(model.id().into(), json!({ "total_cost": cost.to_string(), "charged": count }));
        }
        let lines: Vec<Value> = self
            .lines
            .iter()
            .map(|((model, month, market, category), line)| {
                json!({
                    "pricing_model": model.id(),
                    "month": month.to_string(),
                    "market": book.markets.name(*market),
                    "category": category.id(),
                    "unit": if model.bills_conversations() { "conversation" } else { "message" },
                    "charged": line.charged,
                    "cost": line.cost.to_string(),
                })
            })
            .collect();
        let reasons: Vec<Value> = self
            .reasons
            .iter()
            .map(|((model, reason), line)| {
                json!({
                    "pricing_model": model.id(),
                    "reason": reason.text(),
                    "charged": reason.is_charge(),
                    "messages": line.messages,
                    "cost": line.cost.to_string(),
                })
            })
            .collect();
        json!({
            "pricing": options.settings.pricing.id(),
            "currency": book.currency(),
            "timezone": options.settings.offset.to_string(),
            "total_cost": self.total_cost().to_string(),
            "provider_fees": (out_fee + in_fee + markup).to_string(),
            "provider_fee_parts": {
                "outbound": out_fee.to_string(),
                "inbound": in_fee.to_string(),
                "markup": markup.to_string(),
            },
            "customers": self.customers,
            "business_numbers": self.numbers,
            "messages": self.messages,
            "unmodelled": self.unmodelled.iter().map(|(u, n)| (u.id().to_owned(), json!(n))).collect::<Map<_, _>>(),
            "max_price": {
                "messages": self.capped.messages,
                "cost": self.capped.cost.to_string(),
                "card_cost": self.capped.card_cost.to_string(),
            },
            "charged": charged,
            "cost_by_category": cost_by_category,
            "conversations": conversations,
            "by_pricing_model": by_model,
            "lines": lines,
            "reasons": reasons,
        })
    }

    fn models(&self) -> Vec<Model> {
        let mut models: Vec<Model> = self.reasons.keys().map(|(m, _)| *m).collect();
        models.dedup();
        models
    }

    /// The bill as text for a terminal.
    #[must_use]
    pub fn to_text(&self, book: &RateBook, options: &BillOptions) -> String {
        let currency = book.currency();
        let m = &self.messages;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Pricing {} (time zone {}), {} customer{}",
            options.settings.pricing,
            options.settings.offset,
            self.customers,
            if self.customers == 1 { "" } else { "s" }
        );
        let _ = writeln!(
            s,
            "Messages: {} inbound, {} outbound: {} delivered, {} blocked, {} suppressed, {} failed",
            m.inbound, m.outbound, m.delivered, m.blocked, m.suppressed, m.failed
        );
        if m.calls > 0 {
            let _ =
                writeln!(s, "Calls: {} of the inbound rows are calls (never charged; they open the window)", m.calls);
        }
        if self.numbers > 1 {
            let _ = writeln!(s, "Business numbers: {}", self.numbers);
        }
        if m.unmodelled > 0 {
            // Rule 30: counted and listed, never priced.
            let parts: Vec<String> = self.unmodelled.iter().map(|(u, n)| format!("{} {n}", u.id())).collect();
            let _ = writeln!(
                s,
                "Unmodelled: {} rows not priced and not counted above ({})",
                m.unmodelled,
                parts.join(", ")
            );
        }
        let (out_fee, in_fee, markup) = self.provider_fees(&options.fees);
        let _ = writeln!(s, "Meta charges: {currency} {}", self.total_cost());
        if self.capped.messages > 0 {
            // Rule 29: what Meta charged capped marketing templates, beside the card.
            let c = &self.capped;
            let _ = writeln!(
                s,
                "Marketing max price: {} templates charged {currency} {} (the card: {currency} {})",
                c.messages, c.cost, c.card_cost
            );
        }
        if out_fee + in_fee + markup != Money::ZERO {
            let _ = writeln!(
                s,
                "Provider fees: {currency} {} (outbound {}, inbound {}, markup {})",
                out_fee + in_fee + markup,
                out_fee,
                in_fee,
                markup
            );
        }
        if !self.lines.is_empty() {
            let _ = writeln!(s, "\nCharged, by pricing model, month, market and category");
            let _ = writeln!(
                s,
                "{:<18} {:<8} {:<32} {:<29} {:>9} {:>14}",
                "model", "month", "market", "category", "charged", "cost"
            );
            for ((model, month, market, category), line) in &self.lines {
                let _ = writeln!(
                    s,
                    "{:<18} {:<8} {:<32} {:<29} {:>9} {:>14}",
                    model.id(),
                    month.to_string(),
                    book.markets.name(*market),
                    category.id(),
                    line.charged,
                    line.cost.to_string()
                );
            }
        }
        let _ = writeln!(s, "\nEvery message, by reason");
        let _ = writeln!(s, "{:<18} {:>9} {:>14}  reason", "model", "messages", "cost");
        for ((model, reason), line) in &self.reasons {
            let _ =
                writeln!(s, "{:<18} {:>9} {:>14}  {}", model.id(), line.messages, line.cost.to_string(), reason.text());
        }
        if !self.conversations.is_empty() {
            let _ = writeln!(s, "\nConversations opened (charged or free)");
            for ((model, category), n) in &self.conversations {
                let _ = writeln!(s, "{:<18} {:<29} {:>9}", model.id(), category.id(), n);
            }
        }
        s
    }
}

/// Prices messages one by one, in time order across the business.
pub struct Biller<'a> {
    book: &'a RateBook,
    options: BillOptions,
    /// One state per (business number, customer) pair (rule 27).
    states: Vec<Customer>,
    /// The state of each (number, customer) pair, when the log names business numbers; without,
    /// a customer's state is at its own index.
    pairs: Option<FastMap<(u16, u32), u32>>,
    /// Customers seen (the highest index, plus one).
    customers: u32,
    ledger: Ledger,
    totals: Totals,
}

impl<'a> Biller<'a> {
    /// A biller with no customers yet.
    #[must_use]
    pub fn new(book: &'a RateBook, options: BillOptions) -> Biller<'a> {
        Biller {
            book,
            options,
            states: Vec::new(),
            pairs: None,
            customers: 0,
            ledger: Ledger::new(options.free_tier),
            totals: Totals::default(),
        }
    }

    /// A biller of a log that names business numbers: each (number, customer) pair has its own
    /// windows, entry points and conversations (rule 27).
    #[must_use]
    pub fn with_numbers(mut self) -> Biller<'a> {
        self.pairs = Some(FastMap::default());
        self
    }

    /// The state of customer `customer` at business number `number`.
    fn state(&mut self, customer: u32, number: u16) -> usize {
        self.customers = self.customers.max(customer + 1);
        let i = match &mut self.pairs {
            None => customer as usize,
            Some(pairs) => {
                let next = pairs.len() as u32;
                *pairs.entry((number, customer)).or_insert(next) as usize
            }
        };
        if i >= self.states.len() {
            self.states.resize(i + 1, Customer::default());
        }
        i
    }

    /// Prices one message of customer `index` (customers are numbered from 0 as they appear).
    ///
    /// # Errors
    /// A rate a rule needs is missing (the message names market, category and card).
    pub fn price(&mut self, customer: u32, message: &Message) -> Result<Priced, MissingRate> {
        let i = self.state(customer, message.number);
        let decision = self.states[i].decide(message, &self.options.settings, self.book);
        let mut priced = Priced {
            decision,
            reason: decision.reason,
            charged: false,
            cost: Money::ZERO,
            tier_count: None,
            card_cost: None,
        };
        if let Some(bill) = decision.bill {
            match self.ledger.settle(decision.date.month(), &bill, message.cap, &self.book.tiers) {
                Ok(Settled::Charged { cost, tier_count, card_rate }) => {
                    priced.charged = true;
                    priced.cost = cost;
                    priced.tier_count = tier_count;
                    priced.card_cost = card_rate;
                }
                Ok(Settled::WithinFreeTier(a)) => priced.reason = Reason::WithinFreeTier(a),
                Ok(Settled::Exempt) => priced.reason = Reason::ServiceExempt,
                Err(gap) => return Err(self.book.missing_rate(gap, bill.model, bill.card, bill.market, bill.category)),
            }
        }
        self.totals.add(&priced, message.kind);
        Ok(priced)
    }

    /// Reads the state of the given customers ahead of pricing their messages. The reads do not
    /// depend on one another, so the memory system serves them together; pricing then finds
    /// them in cache. Only speed depends on it.
    fn warm(&self, customers: impl Iterator<Item = u32>) {
        if self.pairs.is_some() {
            return;
        }
        for customer in customers.filter_map(|i| self.states.get(i as usize)) {
            // A whole copy reads every cache line the state spans.
            std::hint::black_box(*customer);
        }
    }

    /// The bill so far.
    #[must_use]
    pub fn bill(&self) -> Bill {
        self.totals.bill(u64::from(self.customers))
    }
}

/// Bills a log. `open` opens the log; it is called a second time only when the log turns out not
/// to be sorted by time, to read it whole and sort it.
///
/// # Errors
/// The first malformed row, a missing rate a rule needs, or an I/O error.
pub fn bill_log<R: Read>(
    open: impl Fn() -> std::io::Result<R>,
    book: &RateBook,
    options: &BillOptions,
    sink: &mut dyn DecisionSink,
) -> Result<Bill, BillError> {
    match bill_streaming(open().map_err(BillError::Read)?, book, options, sink)? {
        Some(bill) => Ok(bill),
        None => bill_sorted_in_memory(open().map_err(BillError::Read)?, book, options, sink),
    }
}

fn to_message(row: &Row) -> Message {
    Message {
        time: row.time,
        kind: row.kind,
        status: row.status,
        country: row.country,
        opted_in: true,
        number: row.number,
        cap: row.cap,
    }
}

/// A biller for a log of `reader`'s shape, with the sink told that pricing starts.
fn start<'a, R: Read>(
    reader: &LogReader<R>,
    book: &'a RateBook,
    options: &BillOptions,
    sink: &mut dyn DecisionSink,
) -> Result<Biller<'a>, BillError> {
    sink.start(reader.shape()).map_err(BillError::Decisions)?;
    let biller = Biller::new(book, *options);
    Ok(if reader.shape().business_numbers { biller.with_numbers() } else { biller })
}

/// The bill at the end of the log: the biller's, with what only the reader knows (rules 27, 30).
fn finish<R: Read>(biller: &Biller<'_>, reader: &LogReader<R>) -> Bill {
    let mut bill = biller.bill();
    bill.numbers = reader.numbers().len().max(1) as u64;
    bill.unmodelled = reader.unmodelled().collect();
    bill.messages.unmodelled = bill.unmodelled.values().sum();
    bill
}

/// The business numbers' names, when the log has them.
fn names<R: Read>(reader: &LogReader<R>) -> Option<&[String]> {
    reader.shape().business_numbers.then(|| reader.numbers())
}

fn price_row(
    biller: &mut Biller<'_>,
    ids: &CustomerIds,
    numbers: Option<&[String]>,
    row: &Row,
    sink: &mut dyn DecisionSink,
) -> Result<(), BillError> {
    let priced = biller.price(row.customer, &to_message(row)).map_err(|rate| BillError::MissingRate {
        line: row.line,
        row: row.row,
        rate,
    })?;
    if !sink.wants_decisions() {
        return Ok(());
    }
    let number = numbers.and_then(|names| names.get(usize::from(row.number))).map(String::as_str);
    sink.decision(ids.name(row.customer), number, row, &priced).map_err(BillError::Decisions)
}

/// Rows are numbered and priced in batches of about this many, so that the customer ids and
/// states of a batch are fetched from memory together ([`CustomerIds::index_batch`],
/// [`Biller::warm`]): on logs of many customers that, not arithmetic, bounds the speed.
const BATCH: usize = 1024;

/// Rows read but not yet priced, in file order. Until they are numbered (`rows[numbered..]`), a
/// row's `customer` is its id's place in `ids`.
#[derive(Default)]
struct Unpriced {
    rows: Vec<Row>,
    numbered: usize,
    ids: IdBatch,
    numbers: Vec<u32>,
}

impl Unpriced {
    /// Numbers the customers of every pending row, then prices the first `count` rows (whole
    /// instants) in priced order: inbound before outbound, then file order.
    fn price(
        &mut self,
        count: usize,
        ids: &mut CustomerIds,
        numbers: Option<&[String]>,
        biller: &mut Biller<'_>,
        sink: &mut dyn DecisionSink,
    ) -> Result<(), BillError> {
        number_rows(&mut self.rows[self.numbered..], ids, &mut self.ids, &mut self.numbers);
        let batch = &mut self.rows[..count];
        // Rows are in time order already: only an instant's own rows may need reordering.
        for instant in batch.chunk_by_mut(|a, b| a.time == b.time) {
            if instant.len() > 1 {
                instant.sort_unstable_by_key(Row::priced_order);
            }
        }
        biller.warm(batch.iter().map(|r| r.customer));
        for row in batch.iter() {
            price_row(biller, ids, numbers, row, sink)?;
        }
        self.rows.drain(..count);
        self.numbered = self.rows.len();
        Ok(())
    }
}

/// Streams a time-sorted log; `None` when a row goes back in time.
///
/// Rows of one instant wait until the next instant begins (inbound goes before outbound), and
/// instants wait to fill a batch. A row that goes back in time or fails to read first has every
/// earlier instant priced, as if each had been priced the moment the next began: so the first
/// error reported is the same as row-by-row streaming would report.
fn bill_streaming<R: Read>(
    input: R,
    book: &RateBook,
    options: &BillOptions,
    sink: &mut dyn DecisionSink,
) -> Result<Option<Bill>, BillError> {
    let mut reader = LogReader::new(input)?;
    let mut ids = CustomerIds::default();
    let mut biller = start(&reader, book, options, sink)?;
    let mut pending = Unpriced::default();
    let mut current = Time::NEVER;
    loop {
        let row = match reader.next_row(&mut |id| pending.ids.push(id)) {
            Ok(Some(row)) => row,
            Ok(None) => {
                pending.price(pending.rows.len(), &mut ids, names(&reader), &mut biller, sink)?;
                return Ok(Some(finish(&biller, &reader)));
            }
            Err(e) => {
                let earlier = pending.rows.partition_point(|r| r.time < current);
                pending.price(earlier, &mut ids, names(&reader), &mut biller, sink)?;
                return Err(e.into());
            }
        };
        if row.time < current {
            let earlier = pending.rows.partition_point(|r| r.time < current);
            pending.price(earlier, &mut ids, names(&reader), &mut biller, sink)?;
            return Ok(None);
        }
        let new_instant = row.time > current;
        current = row.time;
        pending.rows.push(row);
        if new_instant && pending.rows.len() > BATCH {
            pending.price(pending.rows.len() - 1, &mut ids, names(&reader), &mut biller, sink)?;
        }
    }
}

fn bill_sorted_in_memory<R: Read>(
    input: R,
    book: &RateBook,
    options: &BillOptions,
    sink: &mut dyn DecisionSink,
) -> Result<Bill, BillError> {
    let mut reader = LogReader::new(input)?;
    let mut ids = CustomerIds::default();
    let (mut batch, mut numbers) = (IdBatch::default(), Vec::new());
    let mut rows = Vec::new();
    let mut numbered = 0;
    while let Some(row) = reader.next_row(&mut |id| batch.push(id))? {
        rows.push(row);
        if rows.len() - numbered >= BATCH {
            number_rows(&mut rows[numbered..], &mut ids, &mut batch, &mut numbers);
            numbered = rows.len();
        }
    }
    number_rows(&mut rows[numbered..], &mut ids, &mut batch, &mut numbers);
    // Keys are unique (they end in the row number), so an unstable sort gives the one order, in
    // place, without the half-size buffer a stable sort allocates.
    rows.sort_unstable_by_key(Row::priced_order);
    let mut biller = start(&reader, book, options, sink)?;
    for chunk in rows.chunks(BATCH) {
        biller.warm(chunk.iter().map(|r| r.customer));
        for row in chunk {
            price_row(&mut biller, &ids, names(&reader), row, sink)?;
        }
    }
    Ok(finish(&biller, &reader))
}

/// Gives rows read with their id's place in `batch` their customer's number instead.
fn number_rows(rows: &mut [Row], ids: &mut CustomerIds, batch: &mut IdBatch, numbers: &mut Vec<u32>) {
    ids.index_batch(batch, numbers);
    for row in rows {
        row.customer = numbers[row.customer as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::Pricing;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// Every decision a sink receives: customer, data row, reason and cost.
    #[derive(Debug, Default)]
    struct Recorded(Vec<(String, u64, Reason, Money)>);

    impl DecisionSink for Recorded {
        fn start(&mut self, _: LogShape) -> std::io::Result<()> {
            self.0.clear();
            Ok(())
        }
        fn decision(&mut self, customer: &str, _: Option<&str>, row: &Row, priced: &Priced) -> std::io::Result<()> {
            self.0.push((customer.to_owned(), row.row, priced.reason, priced.cost));
            Ok(())
        }
    }

    /// The reference: every row read, numbered one by one, sorted into priced order (time,
    /// inbound first, file order) and priced one at a time.
    fn bill_one_by_one(text: &str, book: &RateBook, options: &BillOptions) -> Result<(Bill, Recorded), BillError> {
        let mut reader = LogReader::new(text.as_bytes())?;
        let mut numbers: HashMap<String, u32> = HashMap::new();
        let mut names = Vec::new();
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row(&mut |id| {
            let next = u32::try_from(numbers.len()).unwrap();
            *numbers.entry(id.to_owned()).or_insert_with(|| {
                names.push(id.to_owned());
                next
            })
        })? {
            rows.push(row);
        }
        rows.sort_by_key(Row::priced_order);
        let mut biller = Biller::new(book, *options);
        let mut recorded = Recorded::default();
        for row in &rows {
            let priced = biller.price(row.customer, &to_message(row)).map_err(|rate| BillError::MissingRate {
                line: row.line,
                row: row.row,
                rate,
            })?;
            recorded.decision(&names[row.customer as usize], None, row, &priced).unwrap();
        }
        Ok((biller.bill(), recorded))
    }

    fn bill_text(text: &str, book: &RateBook, options: &BillOptions) -> Result<(Bill, Recorded), BillError> {
        let mut recorded = Recorded::default();
        let open = || Ok(text.as_bytes());
        bill_log(open, book, options, &mut recorded).map(|bill| (bill, recorded))
    }

    fn options(pricing: Model, allowance: u64) -> BillOptions {
        BillOptions {
            settings: Settings::new(Pricing::Fixed(pricing)),
            free_tier: allowance,
            fees: ProviderFees::default(),
        }
    }

    const KINDS: [&str; 6] = [
        "in,message,",
        "in,entry_point,",
        "out,template,marketing",
        "out,template,utility",
        "out,template,authentication",
        "out,freeform,",
    ];

    /// A log of `rows` as (second, customer, kind, failed), in the given order, from `start`.
    fn log_text(start: &str, rows: &[(u32, u8, usize, bool)]) -> String {
        let base = Time::parse_rfc3339(start).unwrap();
        let mut text = String::from("time,customer,direction,type,category,country,status\n");
        for (second, customer, kind, failed) in rows {
            let time = base.plus(i64::from(*second) * crate::time::SECOND * 600);
            let country = ["BR", "NG", "AR"][usize::from(*customer) % 3];
            let status = if *failed && KINDS[*kind].starts_with("out") { "failed" } else { "delivered" };
            text.push_str(&format!(
                "{},cust-{customer},{},{country},{status}\n",
                time.display(crate::time::UtcOffset(0)),
                KINDS[*kind]
            ));
        }
        text
    }

    fn row_strategy() -> impl Strategy<Value = Vec<(u32, u8, usize, bool)>> {
        prop::collection::vec((0..1000u32, 0..150u8, 0..KINDS.len(), prop::bool::weighted(0.05)), 0..2600)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Streaming a sorted log in batches prices exactly as pricing it row by row would:
        /// the same bill, the same decisions in the same order, across batch boundaries and with
        /// many messages at the same instant (allowances make the order across customers count).
        #[test]
        fn batched_streaming_prices_like_one_by_one(mut rows in row_strategy()) {
            rows.sort_by_key(|r| r.0);
            let book = RateBook::bundled().unwrap();
            for (start, model) in [
                ("2024-03-01T00:00:00Z", Model::Category2023),
                ("2025-09-01T00:00:00Z", Model::PerMessage2025),
                ("2022-06-01T00:00:00Z", Model::Conversation2022),
            ] {
                let text = log_text(start, &rows);
                let options = options(model, 5);
                let got = bill_text(&text, &book, &options);
                let want = bill_one_by_one(&text, &book, &options);
                match (got, want) {
                    (Ok((bill, decisions)), Ok((ref_bill, ref_decisions))) => {
                        prop_assert_eq!(bill, ref_bill);
                        prop_assert_eq!(decisions.0, ref_decisions.0);
                    }
                    (got, want) => prop_assert!(false, "unexpected errors: {:?} vs {:?}", got.err(), want.err()),
                }
            }
        }

        /// An unsorted log (read whole and sorted) prices as row by row in priced order.
        #[test]
        fn unsorted_logs_price_like_one_by_one(rows in row_strategy()) {
            let book = RateBook::bundled().unwrap();
            let text = log_text("2024-03-01T00:00:00Z", &rows);
            let options = options(Model::Category2023, 5);
            let (bill, decisions) = bill_text(&text, &book, &options).unwrap();
            let (ref_bill, ref_decisions) = bill_one_by_one(&text, &book, &options).unwrap();
            prop_assert_eq!(bill, ref_bill);
            prop_assert_eq!(decisions.0, ref_decisions.0);
        }
    }

    /// Rows of `n` customers, one message a minute, each customer writing in then getting a reply.
    fn busy_log(n: usize) -> String {
        let mut text = String::from("time,customer,direction,type,category,country\n");
        for i in 0..n {
            let t = Time::parse_rfc3339("2023-07-01T00:00:00Z")
                .unwrap()
                .plus(i64::try_from(i).unwrap() * 60 * crate::time::SECOND);
            text.push_str(&format!("{},c{},in,message,,BR\n", t.display(crate::time::UtcOffset(0)), i % 97));
        }
        text
    }

    #[test]
    fn a_missing_rate_before_a_bad_row_is_reported_first() {
        // Rule: a rate a rule needs and the card leaves empty is an error (Chile has no utility
        // rate on the 2023-06-01 category-2023 card); it comes before the later malformed row.
        let book = RateBook::bundled().unwrap();
        let mut text = busy_log(10);
        text.push_str("2023-07-01T00:10:00Z,chile,out,template,utility,CL\n");
        text.push_str(
            &busy_log(20).lines().skip(1).map(|l| l.replace("2023-07-01T", "2023-07-02T") + "\n").collect::<String>(),
        );
        text.push_str("2023-07-03T00:00:00Z,x,sideways,message,,BR\n");
        let e = bill_text(&text, &book, &options(Model::Category2023, 0)).unwrap_err();
        assert!(matches!(e, BillError::MissingRate { row: 11, .. }), "{e}");
    }

    #[test]
    fn a_bad_row_at_the_same_instant_as_a_missing_rate_is_reported_first() {
        // Row by row, an instant is priced when the next one begins: a malformed row in the same
        // instant is read (and reported) before the instant's missing rate is found.
        let book = RateBook::bundled().unwrap();
        let mut text = busy_log(10);
        text.push_str("2023-07-01T00:10:00Z,chile,out,template,utility,CL\n");
        text.push_str("2023-07-01T00:10:00Z,x,sideways,message,,BR\n");
        let e = bill_text(&text, &book, &options(Model::Category2023, 0)).unwrap_err();
        assert!(matches!(e, BillError::Log(LogError { row: 12, column: Some("direction"), .. })), "{e}");
    }

    #[test]
    fn a_log_going_back_in_time_after_many_batches_bills_as_sorted() {
        let book = RateBook::bundled().unwrap();
        let sorted = busy_log(2000);
        let mut lines: Vec<&str> = sorted.lines().collect();
        let last = lines.pop().unwrap();
        lines.insert(1500, last);
        let unsorted = lines.join("\n") + "\n";
        let options = options(Model::Category2023, 3);
        let (a, _) = bill_text(&sorted, &book, &options).unwrap();
        let (b, decisions) = bill_text(&unsorted, &book, &options).unwrap();
        assert_eq!(a, b);
        assert_eq!(decisions.0.len(), 2000, "the sink restarts: each message once");
        assert_eq!(a.messages.inbound, 2000);
        assert_eq!(a.customers, 97);
    }
}
