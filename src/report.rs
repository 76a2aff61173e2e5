//! Reports people can read: the charts and the one-page HTML report of a run.
//!
//! The renderer reads plain data ([`ReportData`]): what a run found, per strategy and pricing
//! model, already reduced to statistics. It knows nothing of the engine, so it can be tested
//! alone and fed from a run, a sweep or a saved `summary.json`. It renders in memory
//! ([`charts::render_all`], then [`html::render`]); the caller writes the files with the run's
//! others, so a run's directory appears whole or not at all.
//!
//! Chart values are `f64`: they are statistics (means, percentiles) for drawing, never summed
//! into money. Where the caller has an exact decimal (a mean of exact totals, a percentile that
//! is one replication's exact total), it travels beside the float in an [`Amount`] and the
//! tables print it as given.

pub mod charts;
pub mod html;
#[cfg(test)]
mod sample;
#[cfg(test)]
mod tests;

use crate::pricing::BillCategory;
use crate::rules::Reason;
use serde::Serialize;

/// Everything the charts and the report show about one run.
#[derive(Clone, Debug, Serialize)]
pub struct ReportData {
    /// The scenario's `name`: the page's title.
    pub scenario: String,
    /// The question the scenario asks: its header comment, as plain text.
    pub question: String,
    /// The currency of every amount (e.g. `USD`).
    pub currency: String,
    /// The root seed of the run: with the scenario, all a reader needs to reproduce the numbers.
    pub seed: u64,
    /// How many replications the statistics are over.
    pub replications: u32,
    /// The first simulated local date, `YYYY-MM-DD`.
    pub start: String,
    /// How many days were simulated.
    pub days: u32,
    /// The pricing models compared, as given in the scenario (`auto` or a model id), in order.
    pub pricing_models: Vec<String>,
    /// The rate cards the run priced with, and where they came from.
    pub rate_cards: Vec<RateCardNote>,
    /// The strategies compared, in the scenario's order (this order fixes their colours).
    pub strategies: Vec<String>,
    /// Cost per (strategy, pricing model).
    pub costs: Vec<StrategyCost>,
    /// Paid and free messages per (strategy, pricing model).
    pub messages: Vec<MessageSplit>,
    /// The pricing model of the detailed views: spend over time, distributions and markets.
    pub detail_pricing: String,
    /// Daily cost per strategy under [`ReportData::detail_pricing`].
    pub daily: Vec<DailyCost>,
    /// Total cost of every replication per strategy under [`ReportData::detail_pricing`].
    pub distributions: Vec<CostDistribution>,
    /// The percentile a budget is set at (e.g. 90 for P90: the total not exceeded in 90% of
    /// replications).
    pub budget_percentile: f64,
    /// Mean cost per market and strategy under [`ReportData::detail_pricing`].
    pub markets: Vec<MarketCost>,
    /// Dates within the simulated period where the prices of [`ReportData::detail_pricing`]
    /// change: a model switch under `auto`, a new rate card, a rule's date (e.g. 2024-11-01).
    pub markers: Vec<Marker>,
    /// What the run compares, as the scenario declares it: `strategies`, `pricing`, `markets`,
    /// `what-if` or `budget` (the page's tables and charts lead with what answers it).
    pub compare: String,
    /// What the run compares, in words.
    pub asks: String,
    /// The answer: sentences, the headline first (summary.json's `answer`).
    pub answer: Vec<String>,
    /// What the run is too small or too imprecise to say (summary.json's `warnings`).
    pub warnings: Vec<String>,
    /// The pricing the pricing chart's percentages compare with (the question's `from`, else
    /// the first listed).
    pub pricing_base: String,
    /// Days at the start simulated but left out of every figure.
    pub warm_up_days: u32,
    /// How many customers were simulated (for the cost per customer).
    pub customers: u64,
    /// How the replications were chosen, when a precision was asked for, in words.
    pub precision: Option<String>,
    /// The service each strategy gave its customers.
    pub service: Vec<ServiceRow>,
    /// Cost per calendar month, per strategy and pricing.
    pub months: Vec<MonthCost>,
}

/// What became of one strategy's support answers, as means per replication.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceRow {
    /// The strategy, named as in [`ReportData::strategies`].
    pub strategy: String,
    /// Answers owed (due within the figures' days).
    pub owed: f64,
    /// Delivered when due, inside the customer service window.
    pub on_time: f64,
    /// Delivered after the window closed.
    pub late: f64,
    /// Sent free-form outside the window and blocked (131047).
    pub blocked: f64,
    /// Dropped by the strategy.
    pub dropped: f64,
    /// Sent as templates, not delivered (suppressed or failed), or still held at the end.
    pub undelivered: f64,
    /// Customers owed an answer.
    pub customers_owed: f64,
    /// Customers owed answers who received none.
    pub customers_unanswered: f64,
    /// Re-engagement templates delivered.
    pub reengagements_sent: f64,
    /// Re-engagement templates replied to.
    pub reengagements_replied: f64,
    /// Median seconds from the customer's first message to a delivered answer.
    pub median_answer_seconds: Option<f64>,
}

/// The cost of one calendar month for one strategy under one pricing.
#[derive(Clone, Debug, Serialize)]
pub struct MonthCost {
    /// The strategy.
    pub strategy: String,
    /// The pricing model.
    pub pricing: String,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// How many of its days the figures cover.
    pub days: u32,
    /// How many days the month has.
    pub month_days: u32,
    /// Mean cost.
    pub mean: f64,
    /// 95% confidence interval of the mean, when there is one.
    pub ci: Option<(f64, f64)>,
}

/// A rate card used by the run.
#[derive(Clone, Debug, Serialize)]
pub struct RateCardNote {
    /// The pricing model whose card it is.
    pub model: String,
    /// The first date the card applies, `YYYY-MM-DD`.
    pub effective: String,
    /// Where it came from: `bundled` or the user's file.
    pub source: String,
    /// Where its rates were published and when (a bundled card's notes), for the assumptions.
    pub note: String,
}

/// An amount of money: a float for charts and, where known, its exact decimal for tables.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Amount {
    /// The amount as a float: what the charts draw, and what a table prints when there is no
    /// exact decimal.
    pub value: f64,
    /// The exact decimal (e.g. `1234.567`), when the caller has one.
    pub exact: Option<String>,
}

impl Amount {
    /// An amount known only as a float (a statistic).
    #[must_use]
    pub fn float(value: f64) -> Amount {
        Amount { value, exact: None }
    }

    /// An amount summed exactly: the tables print its decimal, every digit.
    #[cfg(test)]
    pub fn exact(money: crate::pricing::money::Money) -> Amount {
        Amount { value: money.as_f64(), exact: Some(money.to_string()) }
    }
}

/// Cost of one strategy under one pricing model, across replications.
#[derive(Clone, Debug, Serialize)]
pub struct StrategyCost {
    /// The strategy, named as in [`ReportData::strategies`].
    pub strategy: String,
    /// The pricing model (`auto` or a model id).
    pub pricing: String,
    /// Mean cost per replication by category; categories with no cost may be left out.
    pub by_category: Vec<CategoryCost>,
    /// The total per replication.
    pub total: TotalCost,
    /// Mean units charged per replication.
    pub charged: f64,
    /// Mean business messages delivered per replication.
    pub delivered: f64,
}

/// Mean cost of one category.
#[derive(Clone, Debug, Serialize)]
pub struct CategoryCost {
    /// What was charged: the bill's own category, so the report and the bill never disagree
    /// on what a charge was for.
    pub category: BillCategory,
    /// Mean cost per replication.
    pub mean: Amount,
}

/// Statistics of the total cost per replication.
#[derive(Clone, Debug, Serialize)]
pub struct TotalCost {
    /// Mean across replications: the figure strategies are compared by.
    pub mean: Amount,
    /// The 95% confidence interval of the mean; none below two replications.
    pub ci: Option<(f64, f64)>,
    /// Median across replications.
    pub p50: Amount,
    /// 90th percentile across replications.
    pub p90: Amount,
    /// 95th percentile across replications.
    pub p95: Amount,
}

/// Why a delivered business message was free.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FreeReason {
    /// Inside the customer service window (rules 6 and 19).
    ServiceWindow,
    /// Inside a free entry-point window or conversation, or the reply that opens it (rules 11, 15, 20).
    EntryPoint,
    /// Inside an open conversation (rules 9, 13, 14, 18).
    OpenConversation,
    /// Within a monthly free tier or allowance (rules 10, 16, 23).
    FreeTier,
    /// Free-form messages are not charged under this model (rules 6 and 19).
    FreeForm,
    /// Service conversations are free from 2024-11-01 (rule 16).
    ServiceConversation,
    /// Reactions are never charged (rule 23).
    Reaction,
    /// A government or non-profit business's service messages beyond the free tier (rule 23).
    Exempt,
}

impl FreeReason {
    /// Every reason, in the order charts stack them.
    pub const ALL: [FreeReason; 8] = [
        FreeReason::ServiceWindow,
        FreeReason::EntryPoint,
        FreeReason::OpenConversation,
        FreeReason::FreeTier,
        FreeReason::FreeForm,
        FreeReason::ServiceConversation,
        FreeReason::Reaction,
        FreeReason::Exempt,
    ];

    /// The reason in a reader's words, as the chart's legend and the table's tooltip show it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            FreeReason::ServiceWindow => "Free: inside the customer service window",
            FreeReason::EntryPoint => "Free: entry point (ad or Page button)",
            FreeReason::OpenConversation => "Free: inside an open conversation",
            FreeReason::FreeTier => "Free: monthly allowance or free tier",
            FreeReason::FreeForm => "Free: free-form not charged",
            FreeReason::ServiceConversation => "Free: service conversation (from 2024-11-01)",
            FreeReason::Reaction => "Free: reaction",
            FreeReason::Exempt => "Free: government or non-profit exemption",
        }
    }

    /// A short name for table headers.
    #[must_use]
    pub fn short(self) -> &'static str {
        match self {
            FreeReason::ServiceWindow => "Service window",
            FreeReason::EntryPoint => "Entry point",
            FreeReason::OpenConversation => "Open conversation",
            FreeReason::FreeTier => "Allowance",
            FreeReason::FreeForm => "Free-form",
            FreeReason::ServiceConversation => "Service conversation",
            FreeReason::Reaction => "Reaction",
            FreeReason::Exempt => "Exemption",
        }
    }
}

/// Where a message falls in the paid/free split of delivered business messages (the messages
/// chart and table), read from the reason the rules gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaidOrFree {
    /// A delivered business message charged at a rate (whatever the rate's value).
    Paid,
    /// A delivered business message that cost nothing, and why.
    Free(FreeReason),
    /// Not a delivered business message (inbound, blocked, suppressed, failed): left out of the
    /// split, which counts what the business sent and Meta delivered.
    NotCounted,
}

impl PaidOrFree {
    /// How a message with this final reason counts in the split.
    #[must_use]
    pub fn of(reason: Reason) -> PaidOrFree {
        use Reason as R;
        match reason {
            R::Inbound
            | R::InboundEntryPoint
            | R::InboundEntryPointWhileOpen
            | R::Blocked
            | R::Suppressed
            | R::UsMarketingPaused
            | R::Failed
            | R::InboundCall => PaidOrFree::NotCounted,
            R::Reaction => PaidOrFree::Free(FreeReason::Reaction),
            R::ServiceExempt => PaidOrFree::Free(FreeReason::Exempt),
            R::FreeInsideServiceWindow | R::UtilityInsideServiceWindow => PaidOrFree::Free(FreeReason::ServiceWindow),
            R::FreeFormNotCharged => PaidOrFree::Free(FreeReason::FreeForm),
            R::OpensEntryPointConversation
            | R::InsideEntryPointConversation
            | R::OpensEntryPointWindow
            | R::InsideEntryPointWindow => PaidOrFree::Free(FreeReason::EntryPoint),
            R::InsideOpenConversation
            | R::InsideSameCategoryConversation
            | R::FreeFormInsideOpenConversation
            | R::InsideCarriedUtilityConversation => PaidOrFree::Free(FreeReason::OpenConversation),
            R::ServiceConversationFree => PaidOrFree::Free(FreeReason::ServiceConversation),
            R::WithinFreeTier(_) => PaidOrFree::Free(FreeReason::FreeTier),
            R::ChargedTemplate
            | R::OpensUserInitiated
            | R::OpensBusinessInitiated
            | R::OpensCategoryConversation
            | R::OpensAuthenticationInternationalConversation
            | R::OpensServiceConversation
            | R::ChargedMarketing
            | R::ChargedAuthentication
            | R::ChargedAuthenticationInternational
            | R::ChargedUtilityOutsideWindow
            | R::ChargedUtility
            | R::ChargedFreeForm => PaidOrFree::Paid,
        }
    }
}

/// Delivered business messages of one strategy under one pricing model: mean per replication.
#[derive(Clone, Debug, Serialize)]
pub struct MessageSplit {
    /// The strategy, named as in [`ReportData::strategies`].
    pub strategy: String,
    /// The pricing model (`auto` or a model id).
    pub pricing: String,
    /// Messages charged at a rate (whatever the rate's value).
    pub paid: f64,
    /// Free messages by reason.
    pub free: Vec<FreeCount>,
}

/// Free messages of one reason.
#[derive(Clone, Debug, Serialize)]
pub struct FreeCount {
    /// Why they were free.
    pub reason: FreeReason,
    /// Mean count per replication.
    pub count: f64,
}

/// Daily cost of one strategy across replications.
#[derive(Clone, Debug, Serialize)]
pub struct DailyCost {
    /// The strategy, named as in [`ReportData::strategies`].
    pub strategy: String,
    /// One entry per simulated day, in date order.
    pub days: Vec<DayCost>,
}

/// Cost of one day across replications.
#[derive(Clone, Debug, Serialize)]
pub struct DayCost {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// Mean cost that day.
    pub mean: f64,
    /// 5th percentile across replications.
    pub p5: f64,
    /// 95th percentile across replications.
    pub p95: f64,
}

/// The total cost of every replication of one strategy.
#[derive(Clone, Debug, Serialize)]
pub struct CostDistribution {
    /// The strategy, named as in [`ReportData::strategies`].
    pub strategy: String,
    /// One total per replication.
    pub totals: Vec<f64>,
    /// The budget: a 95% upper confidence bound on the total at
    /// [`ReportData::budget_percentile`] when the replications are enough, else that percentile.
    pub budget: Amount,
    /// Whether [`CostDistribution::budget`] is the upper bound.
    pub budget_is_bound: bool,
    /// The percentile of the totals itself.
    pub estimate: f64,
    /// Its distribution-free 95% interval, when the replications are enough.
    pub estimate_ci: Option<(f64, f64)>,
}

/// Mean cost of one strategy in one market.
#[derive(Clone, Debug, Serialize)]
pub struct MarketCost {
    /// The market (e.g. `IN`, or a rate card's region name).
    pub market: String,
    /// The strategy, named as in [`ReportData::strategies`].
    pub strategy: String,
    /// Mean cost per replication.
    pub mean: Amount,
}

/// A date where something that sets prices changes.
#[derive(Clone, Debug, Serialize)]
pub struct Marker {
    /// The first local date of the change, `YYYY-MM-DD`.
    pub date: String,
    /// What changes (e.g. `per-message-2025 starts`).
    pub label: String,
}

/// Why the charts could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A chart could not be drawn.
    #[error("cannot draw chart `{chart}`: {message}")]
    Chart {
        /// The chart's file stem.
        chart: &'static str,
        /// What went wrong, as text: the drawing backend's or the PNG encoder's error, or a
        /// panic of the chart's drawing thread.
        message: String,
    },
    /// The embedded font could not be loaded.
    #[error("cannot load the embedded font")]
    Font,
}

/// An amount as a reader sees it in a table: rounded as every money figure is (an exact
/// decimal, e.g. a percentile that is one replication's total, is rounded like a mean; the
/// exact figures are in summary.json and the CSVs).
#[must_use]
pub fn amount_text(a: &Amount) -> String {
    money_text(a.value)
}

/// A duration in seconds as a reader says it: `45 s`, `12 min`, `4 h 05 min`, `2 d 3 h`.
#[must_use]
pub fn duration_text(secs: f64) -> String {
    if !secs.is_finite() {
        return "n/a".to_owned();
    }
    let s = secs.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", (s + 30) / 60),
        3600..86_400 => format!("{} h {:02} min", s / 3600, (s % 3600 + 30) / 60 % 60),
        _ => format!("{} d {} h", s / 86_400, (s % 86_400 + 1800) / 3600 % 24),
    }
}

/// A float amount rounded for reading: two decimals with thousands separators, four below 1.
#[must_use]
pub fn money_text(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    // `+ 0.0` turns -0 (an empty float sum) into 0.
    let v = v + 0.0;
    let decimals = if v.abs() < 1.0 && v != 0.0 { 4 } else { 2 };
    group_thousands(&format!("{v:.decimals$}"))
}

/// A count rounded for reading, with thousands separators.
#[must_use]
pub fn count_text(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let v = v + 0.0;
    let decimals = if v.abs() < 10.0 && v.fract() != 0.0 { 1 } else { 0 };
    group_thousands(&format!("{v:.decimals$}"))
}

/// Inserts `,` between groups of three digits of a formatted number's whole part.
fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (whole, frac) = rest.split_once('.').map_or((rest, None), |(w, f)| (w, Some(f)));
    let mut out = String::with_capacity(s.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}
