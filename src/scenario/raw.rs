//! The scenario file exactly as written: serde structs mirroring the TOML, strict (unknown keys
//! are errors), every field documented with its default. `docs/scenario.md` is the user's version.

use serde::Deserialize;
use std::collections::BTreeMap;

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
    pub strategy: Vec<RawStrategy>,
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
    pub detail_pricing: Option<String>,
}

/// `[run]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRun {
    /// First local date, `"YYYY-MM-DD"` (quoted).
    pub start: String,
    /// Length in days (default 30 when neither days nor months is given).
    pub days: Option<u32>,
    /// Length in calendar months (instead of days).
    pub months: Option<u32>,
    /// The business's time zone as a UTC offset, `"+05:30"`. Default `"+00:00"`.
    #[serde(default = "utc")]
    pub timezone: String,
    /// Pricing models to compare: `auto` and/or model ids. Default `["auto"]`.
    #[serde(default = "auto")]
    pub pricing: Vec<String>,
    /// Independent replications. Default 10.
    #[serde(default = "ten")]
    pub replications: u32,
    /// Root seed. Default 1.
    #[serde(default = "one")]
    pub seed: u64,
}

fn utc() -> String {
    "+00:00".into()
}
fn auto() -> Vec<String> {
    vec!["auto".into()]
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
fn zero_money() -> String {
    "0".into()
}
fn share_one() -> f64 {
    1.0
}
fn marketing() -> String {
    "marketing".into()
}
fn zero_duration() -> String {
    "0s".into()
}

/// `[business]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawBusiness {
    /// Country of the business's own number (ISO code), for authentication-international.
    pub country: Option<String>,
    /// Date from which the business is eligible for authentication-international rates.
    pub auth_international_from: Option<String>,
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
        }
    }
}

/// `[business.fees]`: a provider's fees, reported apart from Meta's charges.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawFees {
    /// Per delivered outbound message, a decimal string. Default "0".
    #[serde(default = "zero_money")]
    pub per_outbound: String,
    /// Per inbound message. Default "0".
    #[serde(default = "zero_money")]
    pub per_inbound: String,
    /// Markup on Meta's charges, in percent. Default "0".
    #[serde(default = "zero_money")]
    pub markup_percent: String,
}

impl Default for RawFees {
    fn default() -> RawFees {
        RawFees { per_outbound: zero_money(), per_inbound: zero_money(), markup_percent: zero_money() }
    }
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
    RawDist::Fixed { value: "1m".into() }
}
fn two_minutes() -> RawDist {
    RawDist::Fixed { value: "2m".into() }
}
fn reply_delay() -> RawDist {
    RawDist::Lognormal { median: "10m".into(), sigma: 1.0 }
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
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RawDist {
    /// Always `value`.
    Fixed {
        /// The duration.
        value: String,
    },
    /// Exponential with `mean`.
    Exponential {
        /// The mean.
        mean: String,
    },
    /// Lognormal with `median` and log-scale `sigma`.
    Lognormal {
        /// The median.
        median: String,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// Uniform on [min, max].
    Uniform {
        /// Lowest.
        min: String,
        /// Highest.
        max: String,
    },
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
    #[serde(default = "marketing")]
    pub category: String,
    /// First send, local `"YYYY-MM-DDTHH:MM"`.
    pub first: String,
    /// Repeat every (e.g. `"7d"`); default once.
    pub every: Option<String>,
    /// At most this many sends.
    pub count: Option<u32>,
    /// Share of customers in each send's audience. Default 1.
    #[serde(default = "share_one")]
    pub audience: f64,
    /// Sends spread uniformly over this long. Default 0s.
    #[serde(default = "zero_duration")]
    pub spread: String,
    /// Follow-up messages to a customer who replies. Default 0.
    #[serde(default)]
    pub follow_ups: u32,
    /// Delay of each follow-up after the reply. Default fixed 2m.
    #[serde(default = "two_minutes")]
    pub follow_up_delay: RawDist,
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
    #[serde(default = "zero_duration")]
    pub after: String,
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
}

/// `[support.office-hours]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawOfficeHours {
    /// Opening, local `"HH:MM"`.
    pub from: String,
    /// Closing, local `"HH:MM"`.
    pub to: String,
    /// Open days. Default Monday to Friday.
    #[serde(default = "weekdays")]
    pub days: Vec<String>,
}

fn weekdays() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"].iter().map(|d| (*d).to_owned()).collect()
}

fn template() -> String {
    "template".into()
}

/// `[[strategy]]`: how the business chooses between template and free-form, and when to send.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", rename_all_fields = "kebab-case", deny_unknown_fields)]
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
        template: Option<String>,
        /// How long to wait for the reply.
        wait: String,
        /// `"template"` (send the content as templates) or `"drop"`. Default template.
        #[serde(default = "template")]
        if_no_reply: String,
    },
    /// Non-urgent utility waits for the customer's next window, up to `max-wait`.
    DeferUtility {
        /// Name in outputs.
        name: String,
        /// Longest wait before sending a utility template anyway.
        max_wait: String,
    },
}
