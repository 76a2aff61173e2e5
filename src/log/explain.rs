//! `wasim explain`: each customer's timeline, message by message, with the windows open at that
//! moment, what the message opened, what it cost and why.

use super::bill::{DecisionSink, Priced};
use super::{LogShape, Row};
use crate::pricing::RateBook;
use crate::pricing::money::Money;
use crate::rules::Outcome;
use crate::time::{Time, UtcOffset};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Collects every decision per customer, in priced order.
#[derive(Default)]
pub struct Timelines {
    order: Vec<String>,
    by_customer: HashMap<String, Vec<(Row, Priced, Option<String>)>>,
}

impl DecisionSink for Timelines {
    fn start(&mut self, _: LogShape) -> std::io::Result<()> {
        *self = Timelines::default();
        Ok(())
    }

    fn decision(&mut self, customer: &str, number: Option<&str>, row: &Row, priced: &Priced) -> std::io::Result<()> {
        if !self.by_customer.contains_key(customer) {
            self.order.push(customer.to_owned());
        }
        let number = number.map(str::to_owned);
        self.by_customer.entry(customer.to_owned()).or_default().push((*row, *priced, number));
        Ok(())
    }
}

impl Timelines {
    /// Renders every customer's timeline, customers in order of first appearance.
    #[must_use]
    pub fn render(&self, book: &RateBook, offset: UtcOffset) -> String {
        let currency = book.currency();
        let mut s = String::new();
        for customer in &self.order {
            let entries = &self.by_customer[customer];
            let _ = writeln!(s, "Customer {customer}");
            let mut total = Money::ZERO;
            for (row, p, number) in entries {
                let d = &p.decision;
                total += p.cost;
                let cost = match (p.charged, p.card_cost) {
                    // Rule 29: a reported price or a cap set the charge; the card's rate beside it.
                    (true, Some(card)) => format!("{currency} {} (the card: {card})", p.cost),
                    (true, None) => format!("{currency} {}", p.cost),
                    (false, _) => "free".to_owned(),
                };
                let fate = match d.outcome {
                    Outcome::Received | Outcome::Delivered => String::new(),
                    other => format!(" [{}]", other.id()),
                };
                // Rule 27: windows and conversations are per business number, so say which.
                let via = number.as_ref().map(|n| format!(", number {n}")).unwrap_or_default();
                let _ = writeln!(
                    s,
                    "  {}  {}{fate}  ({}, {}{via}, line {})",
                    row.time.display(offset),
                    row,
                    d.model,
                    book.markets.name(d.market),
                    row.line
                );
                let text = p.reason.text();
                let why = text.strip_prefix("charged: ").or_else(|| text.strip_prefix("free: "));
                let _ = match why {
                    Some(why) => writeln!(s, "      {cost}: {why}"),
                    None => writeln!(s, "      {text}"),
                };
                let opened = opened_text(p, offset);
                if !opened.is_empty() {
                    let _ = writeln!(s, "      opened: {opened}");
                }
                let _ = writeln!(s, "      open now: {}", open_text(p, row.time, offset));
            }
            let _ = writeln!(s, "  total for {customer}: {currency} {total}\n");
        }
        s
    }
}

fn until(t: Time, offset: UtcOffset) -> String {
    t.display(offset)
}

fn opened_text(p: &Priced, offset: UtcOffset) -> String {
    let d = &p.decision;
    let mut parts = Vec::new();
    if d.opened.service_window {
        parts.push(format!("customer service window until {}", until(d.windows.service_until, offset)));
    }
    if d.opened.entry_point_armed {
        parts.push("entry point armed: a delivered reply within 24 h opens the entry-point window".to_owned());
    }
    if d.opened.entry_point_window {
        parts.push(format!("entry-point window until {}", until(d.windows.entry_point_until, offset)));
    }
    if let Some(c) = d.opened.conversation {
        parts.push(format!("{} conversation", c.id()));
    }
    parts.join("; ")
}

fn open_text(p: &Priced, t: Time, offset: UtcOffset) -> String {
    let d = &p.decision;
    let mut parts = Vec::new();
    if d.windows.service_window_open(t) {
        parts.push(format!("customer service window until {}", until(d.windows.service_until, offset)));
    }
    if d.windows.entry_point_window_open(t) {
        parts.push(format!("entry-point window until {}", until(d.windows.entry_point_until, offset)));
    }
    if d.windows.entry_point_armed.is_some() {
        parts.push("entry point armed".to_owned());
    }
    for (category, end) in d.conversations.open_at(t) {
        parts.push(format!("{} conversation until {}", category.id(), until(end, offset)));
    }
    if parts.is_empty() { "nothing".to_owned() } else { parts.join("; ") }
}
