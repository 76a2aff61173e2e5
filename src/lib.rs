//! wasim: a discrete-event simulator and exact biller of WhatsApp Business Platform messaging.
//!
//! The library does what the `wasim` command line does, and the command line is a thin layer
//! over exactly these items:
//!
//! - **Simulate**: [`Scenario::load`] reads and validates a scenario; [`run`] simulates it into a
//!   [`RunResult`], read per replication, strategy and pricing ([`RunResult::tally`],
//!   [`Replication::traffic`]); [`run_files`] turns a run into its output files (`summary.json`,
//!   the CSVs, charts and `report.html`), [`write_dir`] writes them atomically and
//!   [`summary_table`] is the one-screen summary.
//! - **Bill**: [`bill_log`] prices a message log with a [`RateBook`] (the bundled cards, with the
//!   user's own through [`RateBook::with_user_files`]) and [`BillOptions`] into a [`Bill`]; every
//!   decision goes to a [`DecisionSink`]: [`NoDecisions`], [`DecisionsCsv`] (the decisions file)
//!   or [`Timelines`] (`wasim explain`).
//! - The values they speak in: [`Pricing`] and [`Model`], [`Settings`], [`Money`], [`Country`],
//!   [`Date`], [`Time`], [`UtcOffset`], and what became of a message ([`Outcome`]) and why it
//!   cost what it cost ([`Reason`]).
//!
//! Types reached through these (a decision's fields, an error's cause) are not named here.
//! Everything else is private to the crate. `docs/architecture.md` says how data flows through
//! the modules (scenario → behaviour → engine → rules and pricing → tally → outputs) and where
//! each kind of change goes.

mod answer;
mod behaviour;
mod engine;
mod event;
mod hash;
mod log;
mod output;
mod precision;
mod pricing;
mod report;
mod rules;
mod run_output;
mod scenario;
mod stats;
mod strategy;
mod tally;
mod time;

// Simulating a scenario.
pub use engine::{Precision, RunError, RunResult};
pub use output::write_dir;
pub use precision::run;
pub use run_output::{RunInfo, render as run_files, table as summary_table};
pub use scenario::{Scenario, ScenarioError};
pub use tally::{PricingTally, Replication, Traffic};

// Billing a message log.
pub use log::bill::{Bill, BillError, BillOptions, DecisionSink, NoDecisions, Priced, bill_log};
pub use log::decisions::DecisionsCsv;
pub use log::explain::Timelines;
pub use log::{LogShape, Row};

// Prices and the values rules speak in.
pub use pricing::fees::ProviderFees;
pub use pricing::listing::bundled_cards;
pub use pricing::markets::Country;
pub use pricing::money::Money;
pub use pricing::{Model, Pricing, RateBook, UserFile, UserFilesError};
pub use rules::{Outcome, Reason, Settings};
pub use time::{Date, Time, UtcOffset};
