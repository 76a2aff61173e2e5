//! wasim: a discrete-event simulator and exact biller of WhatsApp Business Platform messaging.
//!
//! The rules ([`rules`]) and pricing ([`pricing`]) are pure functions over plain data: one
//! customer's state takes one message and returns a decision; the business's month ledger then
//! applies allowances and volume tiers. [`log`] reads message logs and bills them with that same
//! core.

pub mod behaviour;
pub mod engine;
pub mod event;
mod hash;
pub mod log;
pub mod output;
pub mod pricing;
pub mod report;
pub mod rules;
pub mod run_output;
pub mod scenario;
pub mod stats;
pub mod strategy;
pub mod tally;
pub mod time;

pub use log::bill::{Bill, BillOptions, Biller, bill_log};
pub use pricing::fees::ProviderFees;
pub use pricing::{Model, Pricing, RateBook};
pub use rules::{Customer, Decision, Message, MessageKind, Settings, TemplateCategory};
