//! The scenario file exactly as written: serde structs mirroring the TOML, strict (unknown keys
//! are errors), every field documented with its default. `docs/scenario.md` is the user's version.
//! Values written as strings are typed here (`raw/values.rs`), so a bad one is an error of the TOML
//! deserializer, located at its span; what is left to the validator is ranges and cross-checks.

mod values;

use crate::pricing::markets::Country;
use crate::pricing::money::Money;
use crate::pricing::{BillCategory, Pricing};
use crate::rules::TemplateCategory;
use crate::strategy::NoReply;
use crate::time::{Date, SECOND, UtcOffset};
use serde::Deserialize;
use std::collections::BTreeMap;
pub use values::{ClockTime, Compare, Duration, EntryPoints, LocalDateTime, Percent, Weekday};
use values::{Parse, some_text, text, text_map, texts, variant};

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawScenario {
    /// Name of the scenario; outputs go to `output/<name>/`. Default: the file's stem.
    pub name: Option<String>,
    /// The question the scenario answers (shown in reports).
    pub description: Option<String>,
    /// When, how long, which pricing, how many runs.
    pub run: RawRun,
    /// The business's own settings.
    #[serde(default)]
    pub business: RawBusiness,
    /// Who the customers are and how they behave.
    pub customers: RawCustomers,
    /// Click-to-WhatsApp ads.
    pub ads: Option<RawAds>,
    /// Campaigns (`[[campaign]]`).
    #[serde(default)]
    pub campaign: Vec<RawCampaign>,
    /// Orders and their notifications.
    pub orders: Option<RawOrders>,
    /// Logins needing a one-time code.
    pub logins: Option<RawLogins>,
    /// Support replies to customers' visits.
    pub support: Option<RawSupport>,
    /// Strategies to compare (`[[strategy]]`). Default: one `window-check`.
    #[serde(default)]
    pub strategy: Vec<RawStrategyEntry>,
    /// Reach curves of capped marketing templates (rule 29), per market name (`[reach.Brazil]`).
    #[serde(default)]
    pub reach: BTreeMap<String, RawReach>,
    /// What the run compares, so that the report answers the scenario's own question.
    /// Default: the strategies when there are several, else the budget.
    pub question: Option<RawQuestion>,
    /// What the report shows.
    #[serde(default)]
    pub report: RawReport,
}

/// `[report]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawReport {
    /// The percentile a budget is set at (e.g. 90: the total not exceeded in 90% of
    /// replications), 1 to 100. Default 90.
    pub budget_percentile: Option<f64>,
    /// The pricing of the detailed views (spend over time, distributions, markets, the answer):
    /// one of `run.pricing`. Default: the first listed.
    #[serde(default, deserialize_with = "some_text")]
    pub detail_pricing: Option<Pricing>,
}

/// `[run]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRun {
    /// First local date, `"YYYY-MM-DD"` (quoted).
    #[serde(deserialize_with = "text")]
    pub start: Date,
    /// Length in days (default 30 when neither days nor months is given).
    pub days: Option<u32>,
    /// Length in calendar months (instead of days).
    pub months: Option<u32>,
    /// The business's time zone as a UTC offset, `"+05:30"`. Default `"+00:00"`.
    #[serde(default, deserialize_with = "text")]
    pub timezone: UtcOffset,
    /// Pricing models to compare: `auto` and/or model ids. Default `["auto"]`.
    #[serde(default = "auto", deserialize_with = "texts")]
    pub pricing: Vec<Pricing>,
    /// Independent replications. Default 10.
    #[serde(default = "ten")]
    pub replications: u32,
    /// Root seed. Default 1.
    #[serde(default = "one")]
    pub seed: u64,
    /// Whole days at the start simulated but left out of every figure (windows and
    /// conversations all start closed at the first instant), e.g. `"7d"`. Default none.
    #[serde(default)]
    pub warm_up: Duration,
    /// Add replications in batches until the 95% interval of every strategy's mean total under
    /// every pricing is within this share of the mean, e.g. `"1%"`. Default: the replications
    /// as given.
    #[serde(default, deserialize_with = "some_text")]
    pub precision: Option<Percent>,
    /// The most replications `precision` may run. Default 1000.
    #[serde(default = "thousand_u32")]
    pub max_replications: u32,
}

fn thousand_u32() -> u32 {
    1000
}

/// `[question]`: what the run compares; the report's answer, tables and charts follow it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawQuestion {
    /// `strategies`, `pricing`, `markets`, `what-if` or `budget`.
    #[serde(deserialize_with = "text")]
    pub compare: Compare,
    /// `pricing`: the pricing the change is from (one of `run.pricing`).
    #[serde(default, deserialize_with = "some_text")]
    pub from: Option<Pricing>,
    /// `pricing`: the pricing the change is to (one of `run.pricing`).
    #[serde(default, deserialize_with = "some_text")]
    pub to: Option<Pricing>,
    /// `pricing`: the change in words, e.g. "the 2026-10-01 switch". `what-if`: what the
    /// variants take away, e.g. "entry-point windows".
    pub about: Option<String>,
    /// `what-if`: the strategies as they are.
    #[serde(default)]
    pub with: Vec<String>,
    /// `what-if`: the variants without what `about` names, one per strategy of `with`.
    #[serde(default)]
    pub without: Vec<String>,
    /// `markets`: the categories whose cost is split by market (default: every category).
    #[serde(default, deserialize_with = "texts")]
    pub categories: Vec<BillCategory>,
    /// A service floor: the most customers a strategy may leave unanswered, as a share of those
    /// owed an answer (e.g. 0.01). "Cheapest" then means the cheapest that meets it.
    pub max_unanswered: Option<f64>,
}

fn auto() -> Vec<Pricing> {
    vec![Pricing::Auto]
}
fn ten() -> u32 {
    10
}
fn one() -> u64 {
    1
}
fn thousand() -> u64 {
    1000
}
fn yes() -> bool {
    true
}
fn share_one() -> f64 {
    1.0
}
fn marketing() -> TemplateCategory {
    TemplateCategory::Marketing
}

/// `[business]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawBusiness {
    /// Country of the business's own number (ISO code), for authentication-international.
    #[serde(default, deserialize_with = "some_text")]
    pub country: Option<Country>,
    /// Date from which the business is eligible for authentication-international rates.
    #[serde(default, deserialize_with = "some_text")]
    pub auth_international_from: Option<Date>,
    /// Monthly free tier / allowance (rules 10, 16, 23). Default 1000; 0 switches it off.
    #[serde(default = "thousand")]
    pub free_tier: u64,
    /// Rule 4: marketing templates to US numbers fail from 2025-04-01. Default true.
    #[serde(default = "yes")]
    pub us_marketing_pause: bool,
    /// Probability that a marketing template hits the per-user marketing limit (131049). Default 0.
    #[serde(default)]
    pub marketing_limit: f64,
    /// Probability that any outbound message fails. Default 0.
    #[serde(default)]
    pub failure_rate: f64,
    /// Your own rate cards, `<model>_<YYYY-MM-DD>.csv`, relative to the scenario file.
    #[serde(default)]
    pub rates: Vec<String>,
    /// Volume-tier table (CSV `market,category,from,rate`), relative to the scenario file.
    pub tiers: Option<String>,
    /// Provider fees.
    #[serde(default)]
    pub fees: RawFees,
    /// Business phone numbers (rule 27): how many (`2`), or the share of customers on each
    /// (`[0.7, 0.3]`). Default one.
    pub numbers: Option<RawNumbers>,
    /// Rule 5: the length of an entry-point window in hours, for every date. Default: rule 5's
    /// dated table (24 h, 72 h, 7 days).
    pub entry_point_hours: Option<u32>,
    /// Rule 23: the last date of a government or non-profit exemption. Default none.
    #[serde(default, deserialize_with = "some_text")]
    pub service_exempt_until: Option<Date>,
}

/// `business.numbers`: a count, or the share of customers on each number.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "a number of business numbers, like 2, or their shares, like [0.7, 0.3]")]
pub enum RawNumbers {
    /// How many, each with an equal share.
    Count(u32),
    /// The share of customers on each (normalised).
    Shares(Vec<f64>),
}

impl Default for RawBusiness {
    fn default() -> RawBusiness {
        RawBusiness {
            country: None,
            auth_international_from: None,
            free_tier: thousand(),
            us_marketing_pause: true,
            marketing_limit: 0.0,
            failure_rate: 0.0,
            rates: Vec::new(),
            tiers: None,
            fees: RawFees::default(),
            numbers: None,
            entry_point_hours: None,
            service_exempt_until: None,
        }
    }
}

/// `[business.fees]`: a provider's fees, reported apart from Meta's charges.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawFees {
    /// Per delivered outbound message, a decimal string. Default "0".
    #[serde(default, deserialize_with = "text")]
    pub per_outbound: Money,
    /// Per inbound message. Default "0".
    #[serde(default, deserialize_with = "text")]
    pub per_inbound: Money,
    /// Markup on Meta's charges, in percent. Default "0".
    #[serde(default, deserialize_with = "text")]
    pub markup_percent: Money,
}

/// `[customers]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCustomers {
    /// Number of customers. Default 1000.
    #[serde(default = "thousand")]
    pub count: u64,
    /// Country mix: ISO code = share (normalised).
    #[serde(default)]
    pub countries: BTreeMap<String, f64>,
    /// Share opted in to templates. Default 1.
    #[serde(default = "share_one")]
    pub opted_in: f64,
    /// Heterogeneity: each customer's activity is gamma(shape) with mean 1. Default: all alike.
    pub activity_shape: Option<f64>,
    /// Unprompted visits.
    #[serde(default)]
    pub visits: RawVisits,
    /// Replies to the business's messages, by category.
    #[serde(default)]
    pub replies: RawReplies,
    /// Inbound calls (rule 1).
    pub calls: Option<RawCalls>,
}

/// `[customers.calls]`: the customer calls the business; a call opens the customer service
/// window like a message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCalls {
    /// Mean calls per customer per day (times from the visits' daily and weekly profile).
    pub per_day: f64,
}

/// `[reach.<market>]`: how capped marketing templates fare in a market (rule 29).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawReach {
    /// Points of the curve, by increasing cap; linear between them, flat beyond.
    pub points: Vec<RawReachPoint>,
}

/// One point of a reach curve.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawReachPoint {
    /// The cap, in the cards' currency.
    #[serde(deserialize_with = "text")]
    pub cap: Money,
    /// The share of capped messages delivered at that cap.
    pub delivered: f64,
    /// The mean price Meta charges a delivered one (at most the cap).
    #[serde(deserialize_with = "text")]
    pub price: Money,
}

/// `[customers.visits]`: the customer writes first.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawVisits {
    /// Mean visits per customer per day. Default 0.
    #[serde(default)]
    pub per_day: f64,
    /// 24 relative weights of the local hours. Default: flat.
    pub hourly: Option<Vec<f64>>,
    /// 7 relative weights of the weekdays, Monday first. Default: flat.
    pub weekly: Option<Vec<f64>>,
    /// Mean messages per visit (at least 1). Default 1.
    #[serde(default = "share_one")]
    pub messages: f64,
    /// Time between a visit's messages. Default fixed 1m.
    #[serde(default = "one_minute")]
    pub gap: RawDist,
    /// Share of visits that start through a Click-to-WhatsApp ad or Page button. Default 0.
    #[serde(default)]
    pub entry_point_share: f64,
}

fn one_minute() -> RawDist {
    RawDist::Fixed { value: Duration(60 * SECOND) }
}
fn two_minutes() -> RawDist {
    RawDist::Fixed { value: Duration(120 * SECOND) }
}
fn reply_delay() -> RawDist {
    RawDist::Lognormal { median: Duration(600 * SECOND), sigma: 1.0 }
}

impl Default for RawVisits {
    fn default() -> RawVisits {
        RawVisits { per_day: 0.0, hourly: None, weekly: None, messages: 1.0, gap: one_minute(), entry_point_share: 0.0 }
    }
}

/// `[customers.replies]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawReplies {
    /// Replies to marketing messages.
    #[serde(default)]
    pub marketing: RawReply,
    /// Replies to utility messages.
    #[serde(default)]
    pub utility: RawReply,
    /// Replies to authentication messages.
    #[serde(default)]
    pub authentication: RawReply,
}

/// How a customer answers one category.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawReply {
    /// Probability of a reply. Default 0.
    #[serde(default)]
    pub probability: f64,
    /// Delay from delivery to reply. Default lognormal, median 10m, sigma 1.
    #[serde(default = "reply_delay")]
    pub delay: RawDist,
}

impl Default for RawReply {
    fn default() -> RawReply {
        RawReply { probability: 0.0, delay: reply_delay() }
    }
}

/// A distribution of durations: `{ kind = "lognormal", median = "10m", sigma = 1.0 }`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(try_from = "DistFields")]
pub enum RawDist {
    /// Always `value`.
    Fixed {
        /// The duration.
        value: Duration,
    },
    /// Exponential with `mean`.
    Exponential {
        /// The mean.
        mean: Duration,
    },
    /// Lognormal with `median` and log-scale `sigma`.
    Lognormal {
        /// The median.
        median: Duration,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// Uniform on [min, max].
    Uniform {
        /// Lowest.
        min: Duration,
        /// Highest.
        max: Duration,
    },
}

/// The kinds of [`RawDist`].
#[derive(Clone, Copy, Debug)]
enum DistKind {
    Fixed,
    Exponential,
    Lognormal,
    Uniform,
}

impl DistKind {
    const ALL: [DistKind; 4] = [DistKind::Fixed, DistKind::Exponential, DistKind::Lognormal, DistKind::Uniform];

    fn name(self) -> &'static str {
        match self {
            DistKind::Fixed => "fixed",
            DistKind::Exponential => "exponential",
            DistKind::Lognormal => "lognormal",
            DistKind::Uniform => "uniform",
        }
    }
}

impl Parse for DistKind {
    const EXPECTED: &'static str = "a distribution kind";
    fn parse(text: &str) -> Result<DistKind, String> {
        variant(text, &DistKind::ALL, DistKind::name)
    }
}

/// Every kind's fields, read flat. serde's internally tagged enums buffer a variant's fields
/// before reading them, which loses the span of a bad one; read flat, each field is typed by the
/// TOML deserializer itself, then [`RawDist::try_from`] checks that they fit the kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a distribution like { kind = \"fixed\", value = \"1m\" }")]
struct DistFields {
    #[serde(deserialize_with = "text")]
    kind: DistKind,
    value: Option<Duration>,
    mean: Option<Duration>,
    median: Option<Duration>,
    sigma: Option<f64>,
    min: Option<Duration>,
    max: Option<Duration>,
}

impl TryFrom<DistFields> for RawDist {
    type Error = String;

    fn try_from(f: DistFields) -> Result<RawDist, String> {
        let given = [
            ("value", f.value.is_some()),
            ("mean", f.mean.is_some()),
            ("median", f.median.is_some()),
            ("sigma", f.sigma.is_some()),
            ("min", f.min.is_some()),
            ("max", f.max.is_some()),
        ];
        let (fields, dist): (&[&str], _) = match f.kind {
            DistKind::Fixed => (&["value"], f.value.map(|value| RawDist::Fixed { value })),
            DistKind::Exponential => (&["mean"], f.mean.map(|mean| RawDist::Exponential { mean })),
            DistKind::Lognormal => (
                &["median", "sigma"],
                f.median.zip(f.sigma).map(|(median, sigma)| RawDist::Lognormal { median, sigma }),
            ),
            DistKind::Uniform => (&["min", "max"], f.min.zip(f.max).map(|(min, max)| RawDist::Uniform { min, max })),
        };
        no_other_fields(f.kind.name(), fields, &given)?;
        dist.ok_or_else(|| missing_field(fields, &given))
    }
}

/// Refuses a field that was given but that the kind does not have, in serde's words.
fn no_other_fields(kind: &str, fields: &[&str], given: &[(&str, bool)]) -> Result<(), String> {
    match given.iter().find(|(name, set)| *set && !fields.contains(name)) {
        Some((extra, _)) => {
            let names: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
            Err(format!("unknown field `{extra}` for kind `{kind}`, expected {}", names.join(" and ")))
        }
        None => Ok(()),
    }
}

/// Names the first required field that was not given, in serde's words.
fn missing_field(required: &[&str], given: &[(&str, bool)]) -> String {
    let is_given = |f: &&str| given.iter().any(|(name, set)| name == f && *set);
    format!("missing field `{}`", required.iter().find(|f| !is_given(f)).unwrap_or(&"kind"))
}

/// `[ads]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawAds {
    /// Click-to-WhatsApp ad clicks per day across the business; each starts an entry-point visit.
    pub clicks_per_day: f64,
}

/// `[[campaign]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCampaign {
    /// Its name.
    pub name: String,
    /// Template category. Default marketing.
    #[serde(default = "marketing", deserialize_with = "text")]
    pub category: TemplateCategory,
    /// First send, local `"YYYY-MM-DDTHH:MM"` (or RFC 3339 with an offset).
    pub first: LocalDateTime,
    /// Repeat every (e.g. `"7d"`); default once.
    pub every: Option<Duration>,
    /// At most this many sends.
    pub count: Option<u32>,
    /// Share of customers in each send's audience. Default 1.
    #[serde(default = "share_one")]
    pub audience: f64,
    /// Sends spread uniformly over this long. Default 0s.
    #[serde(default)]
    pub spread: Duration,
    /// Follow-up messages to a customer who replies, at most 16. Default 0.
    #[serde(default)]
    pub follow_ups: u32,
    /// Delay of each follow-up after the reply. Default fixed 2m.
    #[serde(default = "two_minutes")]
    pub follow_up_delay: RawDist,
    /// Rule 29: the cap per market (named as the cards name it) of its marketing templates, sent
    /// through the Marketing Messages API. Default: no cap.
    #[serde(default, deserialize_with = "text_map")]
    pub max_price: BTreeMap<String, Money>,
}

/// `[orders]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawOrders {
    /// Mean orders per customer per day.
    pub per_day: f64,
    /// Utility notifications of each order.
    pub notifications: Vec<RawNotification>,
}

/// One notification.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawNotification {
    /// Delay after the order. Default 0s.
    #[serde(default)]
    pub after: Duration,
    /// Must go out at once (never deferred). Default false.
    #[serde(default)]
    pub urgent: bool,
}

/// `[logins]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLogins {
    /// Mean logins (one authentication code each) per customer per day.
    pub per_day: f64,
}

/// `[support]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSupport {
    /// Mean agent replies per visit. Default 1.
    #[serde(default = "share_one")]
    pub replies_per_visit: f64,
    /// Agent response time. Default lognormal, median 10m, sigma 1.
    #[serde(default = "reply_delay")]
    pub response: RawDist,
    /// Office hours; replies wait for them.
    pub office_hours: Option<RawOfficeHours>,
    /// Share of answers that are reactions to the customer's message (rule 23). Default 0.
    #[serde(default)]
    pub reactions: f64,
}

/// `[support.office-hours]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawOfficeHours {
    /// Opening, local `"HH:MM"`.
    pub from: ClockTime,
    /// Closing, local `"HH:MM"`.
    pub to: ClockTime,
    /// Open days. Default Monday to Friday.
    #[serde(default = "weekdays")]
    pub days: Vec<Weekday>,
}

fn weekdays() -> Vec<Weekday> {
    (0..5).map(Weekday).collect()
}

/// `[[strategy]]`: its logic, whether utility templates go by Direct Send (rule 28), and what the
/// rules see of the customers' entry points under it.
#[derive(Debug, Deserialize)]
#[serde(try_from = "StrategyFields")]
pub struct RawStrategyEntry {
    /// The strategy's kind and its parameters.
    pub logic: RawStrategy,
    /// Send utility content that would go as a template by Direct Send instead. Default false.
    pub direct_send: bool,
    /// `"use"` (default) or `"ignore"`: a what-if variant under which the customers' messages
    /// through ads and Page buttons open no free entry-point window.
    pub entry_points: EntryPoints,
}

/// How the business chooses between template and free-form, and when to send.
#[derive(Debug)]
pub enum RawStrategy {
    /// Free-form when the customer service window is open, a template otherwise.
    WindowCheck {
        /// Name in outputs.
        name: String,
    },
    /// Templates for everything the business starts; support answers free-form in the window.
    AlwaysTemplate {
        /// Name in outputs.
        name: String,
    },
    /// Support answers always free-form (blocked outside the window); the rest as templates.
    FreeFormFirst {
        /// Name in outputs.
        name: String,
    },
    /// Like window-check, but support answers outside the window are dropped.
    DropLateSupport {
        /// Name in outputs.
        name: String,
    },
    /// Window closed: one re-engagement template; content free-form after the customer replies.
    ReEngage {
        /// Name in outputs.
        name: String,
        /// Category of the re-engagement template. Default: the held content's own category.
        template: Option<TemplateCategory>,
        /// How long to wait for the reply.
        wait: Duration,
        /// `"template"` (send the content as templates) or `"drop"`. Default template.
        if_no_reply: NoReply,
    },
    /// Non-urgent utility waits for the customer's next window, up to `max-wait`.
    DeferUtility {
        /// Name in outputs.
        name: String,
        /// Longest wait before sending a utility template anyway.
        max_wait: Duration,
    },
}

/// The kinds of [`RawStrategy`].
#[derive(Clone, Copy, Debug)]
enum StrategyKind {
    WindowCheck,
    AlwaysTemplate,
    FreeFormFirst,
    DropLateSupport,
    ReEngage,
    DeferUtility,
}

impl StrategyKind {
    const ALL: [StrategyKind; 6] = [
        StrategyKind::WindowCheck,
        StrategyKind::AlwaysTemplate,
        StrategyKind::FreeFormFirst,
        StrategyKind::DropLateSupport,
        StrategyKind::ReEngage,
        StrategyKind::DeferUtility,
    ];

    fn name(self) -> &'static str {
        match self {
            StrategyKind::WindowCheck => "window-check",
            StrategyKind::AlwaysTemplate => "always-template",
            StrategyKind::FreeFormFirst => "free-form-first",
            StrategyKind::DropLateSupport => "drop-late-support",
            StrategyKind::ReEngage => "re-engage",
            StrategyKind::DeferUtility => "defer-utility",
        }
    }
}

impl Parse for StrategyKind {
    const EXPECTED: &'static str = "a strategy kind";
    fn parse(text: &str) -> Result<StrategyKind, String> {
        variant(text, &StrategyKind::ALL, StrategyKind::name)
    }
}

/// Every kind's fields, read flat for the reason given at [`DistFields`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", expecting = "a strategy with a name and a kind")]
struct StrategyFields {
    name: String,
    #[serde(deserialize_with = "text")]
    kind: StrategyKind,
    #[serde(default, deserialize_with = "text")]
    entry_points: EntryPoints,
    #[serde(default, deserialize_with = "some_text")]
    template: Option<TemplateCategory>,
    wait: Option<Duration>,
    #[serde(default, deserialize_with = "some_text")]
    if_no_reply: Option<NoReply>,
    max_wait: Option<Duration>,
    #[serde(default)]
    direct_send: bool,
}

impl TryFrom<StrategyFields> for RawStrategyEntry {
    type Error = String;

    fn try_from(f: StrategyFields) -> Result<RawStrategyEntry, String> {
        let (direct_send, entry_points) = (f.direct_send, f.entry_points);
        let logic = RawStrategy::try_from(f)?;
        Ok(RawStrategyEntry { logic, direct_send, entry_points })
    }
}

impl TryFrom<StrategyFields> for RawStrategy {
    type Error = String;

    fn try_from(f: StrategyFields) -> Result<RawStrategy, String> {
        let given = [
            ("name", true),
            ("template", f.template.is_some()),
            ("wait", f.wait.is_some()),
            ("if-no-reply", f.if_no_reply.is_some()),
            ("max-wait", f.max_wait.is_some()),
        ];
        let name = f.name;
        // The kind's fields, those it requires, and the strategy if they are given.
        let (fields, required, strategy): (&[&str], &[&str], _) = match f.kind {
            StrategyKind::WindowCheck => (&["name"], &[], Some(RawStrategy::WindowCheck { name })),
            StrategyKind::AlwaysTemplate => (&["name"], &[], Some(RawStrategy::AlwaysTemplate { name })),
            StrategyKind::FreeFormFirst => (&["name"], &[], Some(RawStrategy::FreeFormFirst { name })),
            StrategyKind::DropLateSupport => (&["name"], &[], Some(RawStrategy::DropLateSupport { name })),
            StrategyKind::ReEngage => (
                &["name", "template", "wait", "if-no-reply"],
                &["wait"],
                f.wait.map(|wait| RawStrategy::ReEngage {
                    name,
                    template: f.template,
                    wait,
                    if_no_reply: f.if_no_reply.unwrap_or(NoReply::Template),
                }),
            ),
            StrategyKind::DeferUtility => (
                &["name", "max-wait"],
                &["max-wait"],
                f.max_wait.map(|max_wait| RawStrategy::DeferUtility { name, max_wait }),
            ),
        };
        no_other_fields(f.kind.name(), fields, &given)?;
        strategy.ok_or_else(|| missing_field(required, &given))
    }
}
