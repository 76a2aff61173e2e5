//! Billing a message log: every row through one customer's rules, then the month ledger, in
//! time order, into a bill. A time-sorted log streams in memory proportional to its customers;
//! an unsorted one is read whole and sorted.

use super::ids::CustomerIds;
use super::{LogError, LogReader, Row};
use crate::hash::FastMap;
use crate::pricing::ledger::{Ledger, Settled, Unit};
use crate::pricing::markets::MarketId;
use crate::pricing::money::Money;
use crate::pricing::{BillCategory, Model, RateBook};
use crate::rules::{Customer, Decision, Message, Outcome, Reason, Settings};
use crate::time::{Month, Time};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;

/// Optional fees of a business solution provider, reported apart from Meta's charges (rule 26).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProviderFees {
    /// Per delivered outbound message.
    pub per_outbound: Money,
    /// Per inbound message.
    pub per_inbound: Money,
    /// Percentage added to Meta's charges (e.g. 10 for 10%).
    pub markup_percent: Money,
}

/// How to bill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BillOptions {
    /// The business's settings for the rules.
    pub settings: Settings,
    /// Size of each monthly free tier or allowance (rules 10, 16, 23); 0 switches them off.
    pub allowance: u64,
    /// Provider fees.
    pub fees: ProviderFees,
}

/// A message's final price: the decision, then the month ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Priced {
    /// The customer's rules' decision.
    pub decision: Decision,
    /// The final reason (an allowance may have made a billable unit free).
    pub reason: Reason,
    /// Billed at a rate.
    pub charged: bool,
    /// Meta's charge for it.
    pub cost: Money,
    /// Its place in a volume-tier count, if tiered.
    pub tier_count: Option<u64>,
}

impl Priced {
    /// The category it is billed (or would be billed) under.
    #[must_use]
    pub fn category(&self) -> Option<BillCategory> {
        self.decision.bill.map(|b| b.category)
    }
}

/// A charge that no rule can price: the card has no rate a rule needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BillError {
    /// A malformed log.
    #[error(transparent)]
    Log(#[from] LogError),
    /// A rate a rule needs is missing.
    #[error("line {line} (row {row}): {message}")]
    MissingRate {
        /// The line in the file.
        line: u64,
        /// The data row.
        row: u64,
        /// Names the market, category and card.
        message: String,
    },
    /// Reading failed.
    #[error("{0}")]
    Io(String),
}

/// Where decisions go as they are made (a CSV file, an explanation), in priced order.
pub trait DecisionSink {
    /// One priced message.
    ///
    /// # Errors
    /// I/O errors.
    fn decision(&mut self, customer: &str, row: &Row, priced: &Priced) -> std::io::Result<()>;
    /// The log turned out unsorted: forget everything received so far, pricing starts over.
    ///
    /// # Errors
    /// I/O errors.
    fn restart(&mut self) -> std::io::Result<()>;
    /// Whether the sink keeps decisions at all; billing skips one that does not.
    fn wants_decisions(&self) -> bool {
        true
    }
}

/// A sink that keeps nothing.
pub struct NoDecisions;

impl DecisionSink for NoDecisions {
    fn decision(&mut self, _: &str, _: &Row, _: &Priced) -> std::io::Result<()> {
        Ok(())
    }
    fn restart(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn wants_decisions(&self) -> bool {
        false
    }
}

/// Totals of one (model, month, market, category).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Line {
    /// Charged units (messages, or conversations under conversation models).
    pub charged: u64,
    /// Meta's charges.
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
}

/// A bill: Meta's charges by model, month, market and category; every message by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bill {
    /// Messages by fate.
    pub messages: MessageCounts,
    /// Charged units and cost per (model, month, market, category).
    pub lines: BTreeMap<(Model, Month, MarketId, BillCategory), Line>,
    /// Messages per (model, reason), with what they cost.
    pub reasons: BTreeMap<(Model, Reason), Line>,
    /// Conversations opened (charged or free) per (model, category).
    pub conversations: BTreeMap<(Model, BillCategory), u64>,
    /// Customers in the log.
    pub customers: u64,
}

/// A bill's running sums while billing: hash maps with a fast hasher, sorted into a [`Bill`]'s
/// ordered maps once at the end rather than searched in them for every message.
#[derive(Default)]
struct Tally {
    messages: MessageCounts,
    lines: FastMap<(Model, Month, MarketId, BillCategory), Line>,
    reasons: FastMap<(Model, Reason), Line>,
    conversations: FastMap<(Model, BillCategory), u64>,
}

impl Tally {
    fn add(&mut self, priced: &Priced) {
        let d = &priced.decision;
        let m = &mut self.messages;
        match d.outcome {
            Outcome::Received => m.inbound += 1,
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
        by_reason.charged += 1;
        by_reason.cost += priced.cost;
        if let Some(category) = d.opened.conversation {
            *self.conversations.entry((d.model, category)).or_default() += 1;
        }
        if priced.charged
            && let Some(bill) = d.bill
        {
            let line = self.lines.entry((d.model, d.date.month(), d.market, bill.category)).or_default();
            line.charged += 1;
            line.cost += priced.cost;
        }
    }

    fn bill(&self, customers: u64) -> Bill {
        Bill {
            messages: self.messages,
            lines: self.lines.iter().map(|(k, v)| (*k, *v)).collect(),
            reasons: self.reasons.iter().map(|(k, v)| (*k, *v)).collect(),
            conversations: self.conversations.iter().map(|(k, v)| (*k, *v)).collect(),
            customers,
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
    pub fn charged_by_category(&self) -> BTreeMap<BillCategory, Line> {
        let mut out = BTreeMap::new();
        for ((_, _, _, category), line) in &self.lines {
            let e: &mut Line = out.entry(*category).or_default();
            e.charged += line.charged;
            e.cost += line.cost;
        }
        out
    }

    /// Provider fees: per message, then the markup on Meta's charges.
    #[must_use]
    pub fn provider_fees(&self, fees: &ProviderFees) -> (Money, Money, Money) {
        let outbound = fees.per_outbound * self.messages.delivered;
        let inbound = fees.per_inbound * self.messages.inbound;
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
                    "messages": line.charged,
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
            "messages": self.messages,
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
            "Pricing {} (time zone {}), {} customers",
            options.settings.pricing, options.settings.offset, self.customers
        );
        let _ = writeln!(
            s,
            "Messages: {} inbound, {} outbound: {} delivered, {} blocked, {} suppressed, {} failed",
            m.inbound, m.outbound, m.delivered, m.blocked, m.suppressed, m.failed
        );
        let (out_fee, in_fee, markup) = self.provider_fees(&options.fees);
        let _ = writeln!(s, "Meta charges: {currency} {}", self.total_cost());
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
                writeln!(s, "{:<18} {:>9} {:>14}  {}", model.id(), line.charged, line.cost.to_string(), reason.text());
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
    customers: Vec<Customer>,
    ledger: Ledger,
    tally: Tally,
}

impl<'a> Biller<'a> {
    /// A biller with no customers yet.
    #[must_use]
    pub fn new(book: &'a RateBook, options: BillOptions) -> Biller<'a> {
        Biller { book, options, customers: Vec::new(), ledger: Ledger::new(options.allowance), tally: Tally::default() }
    }

    /// Prices one message of customer `index` (customers are numbered from 0 as they appear).
    ///
    /// # Errors
    /// A rate a rule needs is missing (the message names market, category and card).
    pub fn price(&mut self, customer: u32, message: &Message) -> Result<Priced, String> {
        let i = customer as usize;
        if i >= self.customers.len() {
            self.customers.resize(i + 1, Customer::default());
        }
        let decision = self.customers[i].decide(message, &self.options.settings, self.book);
        let mut priced =
            Priced { decision, reason: decision.reason, charged: false, cost: Money::ZERO, tier_count: None };
        if let Some(bill) = decision.bill {
            match self.ledger.settle(decision.date.month(), &bill, &self.book.tiers) {
                Ok(Settled::Charged { cost, tier_count }) => {
                    priced.charged = true;
                    priced.cost = cost;
                    priced.tier_count = tier_count;
                }
                Ok(Settled::FreeByAllowance(a)) => priced.reason = Reason::FreeByAllowance(a),
                Err(gap) => return Err(self.book.describe_gap(gap, bill.model, bill.card, bill.market, bill.category)),
            }
        }
        self.tally.add(&priced);
        Ok(priced)
    }

    /// The bill so far.
    #[must_use]
    pub fn bill(&self) -> Bill {
        self.tally.bill(self.customers.len() as u64)
    }
}

/// The unit a conversation model's bill counts, for display.
#[must_use]
pub fn unit_of(model: Model) -> Unit {
    if model.bills_conversations() { Unit::Conversation } else { Unit::Message }
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
    let io = |e: std::io::Error| BillError::Io(e.to_string());
    match bill_streaming(open().map_err(io)?, book, options, sink)? {
        Some(bill) => Ok(bill),
        None => {
            sink.restart().map_err(io)?;
            bill_sorted_in_memory(open().map_err(io)?, book, options, sink)
        }
    }
}

fn to_message(row: &Row) -> Message {
    Message { time: row.time, kind: row.kind, status: row.status, country: row.country, opted_in: true }
}

fn price_row(
    biller: &mut Biller<'_>,
    ids: &CustomerIds,
    row: &Row,
    sink: &mut dyn DecisionSink,
) -> Result<(), BillError> {
    let priced = biller.price(row.customer, &to_message(row)).map_err(|message| BillError::MissingRate {
        line: row.line,
        row: row.row,
        message,
    })?;
    if !sink.wants_decisions() {
        return Ok(());
    }
    sink.decision(ids.name(row.customer), row, &priced).map_err(|e| BillError::Io(e.to_string()))
}

/// Streams a time-sorted log; `None` when a row goes back in time.
fn bill_streaming<R: Read>(
    input: R,
    book: &RateBook,
    options: &BillOptions,
    sink: &mut dyn DecisionSink,
) -> Result<Option<Bill>, BillError> {
    let mut reader = LogReader::new(input)?;
    let mut ids = CustomerIds::default();
    let mut biller = Biller::new(book, *options);
    // Rows of the same instant wait here: inbound goes before outbound, then file order.
    let mut same_instant: Vec<Row> = Vec::new();
    let mut flush = |group: &mut Vec<Row>, biller: &mut Biller<'_>, ids: &CustomerIds| -> Result<(), BillError> {
        group.sort_by_key(Row::priced_order);
        for row in group.iter() {
            price_row(biller, ids, row, sink)?;
        }
        group.clear();
        Ok(())
    };
    let mut current = Time::NEVER;
    while let Some(row) = reader.next_row(&mut |id| ids.index_of(id))? {
        if row.time < current {
            return Ok(None);
        }
        if row.time > current {
            flush(&mut same_instant, &mut biller, &ids)?;
            current = row.time;
        }
        same_instant.push(row);
    }
    flush(&mut same_instant, &mut biller, &ids)?;
    Ok(Some(biller.bill()))
}

fn bill_sorted_in_memory<R: Read>(
    input: R,
    book: &RateBook,
    options: &BillOptions,
    sink: &mut dyn DecisionSink,
) -> Result<Bill, BillError> {
    let mut reader = LogReader::new(input)?;
    let mut ids = CustomerIds::default();
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row(&mut |id| ids.index_of(id))? {
        rows.push(row);
    }
    rows.sort_by_key(Row::priced_order);
    let mut biller = Biller::new(book, *options);
    for row in &rows {
        price_row(&mut biller, &ids, row, sink)?;
    }
    Ok(biller.bill())
}
