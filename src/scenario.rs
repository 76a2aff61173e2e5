//! Scenarios: what a product manager or analyst writes to ask "what will WhatsApp messaging cost
//! us, and which way of sending is cheapest?". Two layers: [`raw`] mirrors the TOML file exactly
//! (strict: unknown keys are errors; every field documented and defaulted; values typed as they
//! are read), and [`Scenario`] is the validated domain form, in parts that the engine and the
//! behaviour take separately. Every error names the file, the line and column, the TOML path,
//! what was expected and what was found (`docs/scenario.md` documents each field).
//!
//! The text is parsed once (`document.rs`); type errors come from the TOML deserializer with the
//! value's span, and the validator's own errors are located by their TOML path in the same tree.

mod document;
pub mod raw;

use crate::pricing::fees::ProviderFees;
use crate::pricing::markets::{Country, MarketId};
use crate::pricing::money::Money;
use crate::pricing::rate_card::RateGap;
use crate::pricing::{BillCategory, Pricing, RateBook, UserFile, UserFilesError, card_file_name};
use crate::rules::{MessageKind, Settings, TemplateCategory};
use crate::strategy::{Content, Route, Strategy};
use crate::time::{DAY, Date, HOUR, Time, UtcOffset};
use document::Document;
use raw::Duration;
use serde::Deserialize as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Most pricings one run compares (the engine keeps a fixed-size array of them per message).
pub const MAX_PRICINGS: usize = 6;
/// Most strategies one run compares.
pub const MAX_STRATEGIES: usize = 8;
/// Most business phone numbers one scenario spreads its customers over.
pub const MAX_NUMBERS: u32 = 100;
/// Most follow-ups the business sends to one reply (the engine numbers them in four bits).
pub const MAX_FOLLOW_UPS: u32 = 16;

/// A scenario that cannot be read or is not valid.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario file cannot be read (its cause follows in the error's chain).
    #[error("{file}: cannot read")]
    Read {
        /// The scenario file.
        file: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Malformed TOML or an invalid value, located in the file.
    #[error("{file}:{line}:{column}: {path}{sep}{message}", sep = if path.is_empty() { "" } else { ": " })]
    Invalid {
        /// The scenario file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The TOML path of the field at fault, e.g. `customers.countries.XX` (may be empty).
        path: String,
        /// What was expected and what was found (one line).
        message: String,
    },
}

/// A distribution of a duration (delays, gaps, response times), in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dist {
    /// Always the same.
    Fixed(f64),
    /// Exponential with this mean.
    Exponential(f64),
    /// Lognormal with this median and log-scale standard deviation `sigma`.
    LogNormal {
        /// The median.
        median: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Uniform between two values.
    Uniform(f64, f64),
}

impl Dist {
    /// The mean, in nanoseconds.
    #[must_use]
    pub fn mean(self) -> f64 {
        match self {
            Dist::Fixed(v) => v,
            Dist::Exponential(m) => m,
            Dist::LogNormal { median, sigma } => median * (sigma * sigma / 2.0).exp(),
            Dist::Uniform(a, b) => f64::midpoint(a, b),
        }
    }
}

/// How a customer answers a message of one category.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReplyBehaviour {
    /// Probability of a reply.
    pub probability: f64,
    /// Delay from delivery to the reply.
    pub delay: Dist,
}

/// Unprompted visits: the customer writes to the business.
#[derive(Clone, Debug, PartialEq)]
pub struct Visits {
    /// Mean visits per customer per day (before heterogeneity).
    pub per_day: f64,
    /// Relative weight of each local hour (24, normalised).
    pub hourly: [f64; 24],
    /// Relative weight of each weekday, Monday first (7, normalised to mean 1).
    pub weekly: [f64; 7],
    /// Mean inbound messages per visit (at least 1).
    pub messages: f64,
    /// Time between the messages of a visit.
    pub gap: Dist,
    /// Share of visits that start through a Click-to-WhatsApp ad or Page button.
    pub entry_point_share: f64,
}

/// A marketing (or other) campaign sent to a share of the customers.
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    /// Its name.
    pub name: String,
    /// The template category of its messages.
    pub category: TemplateCategory,
    /// Send times within the run.
    pub sends: Vec<Time>,
    /// Share of customers in each send's audience.
    pub audience: f64,
    /// Sends are spread uniformly over this many nanoseconds after each send time.
    pub spread: i64,
    /// Messages the business sends to a customer who replies.
    pub follow_ups: u32,
    /// Delay of each follow-up after the reply.
    pub follow_up_delay: Dist,
    /// Its price cap per market (rule 29): its marketing templates are sent through the
    /// Marketing Messages API with this cap to customers in the market.
    pub caps: Vec<(MarketId, Money)>,
}

/// How capped marketing templates fare in one market (rule 29): at a few caps, the share
/// delivered and the mean price charged, linear between the points and flat beyond them.
#[derive(Clone, Debug, PartialEq)]
pub struct ReachCurve {
    /// The market.
    pub market: MarketId,
    /// (cap, delivered share, mean price), by increasing cap.
    pub points: Vec<(Money, f64, Money)>,
}

impl ReachCurve {
    /// The delivered share and the mean price at `cap`.
    #[must_use]
    pub fn at(&self, cap: Money) -> (f64, Money) {
        let Some(&(c0, d0, p0)) = self.points.first() else { return (1.0, cap) };
        if cap <= c0 {
            return (d0, p0);
        }
        for pair in self.points.windows(2) {
            let ((a, da, pa), (b, db, pb)) = (pair[0], pair[1]);
            if cap <= b {
                // Linear in the cap, the price exact to the billionth (rounded down).
                let (span, into) = ((b - a).0, (cap - a).0);
                let share = da + (db - da) * (into as f64 / span as f64);
                let price = pa + Money((pb - pa).0 * into / span);
                return (share, price);
            }
        }
        let &(_, d, p) = self.points.last().unwrap_or(&(c0, d0, p0));
        (d, p)
    }
}

/// One notification of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Nanoseconds after the order.
    pub after: i64,
    /// Must go out at once (never deferred).
    pub urgent: bool,
}

/// Orders and their utility notifications.
#[derive(Clone, Debug, PartialEq)]
pub struct Orders {
    /// Mean orders per customer per day.
    pub per_day: f64,
    /// The notifications of each order.
    pub notifications: Vec<Notification>,
}

/// Office hours during which support agents answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfficeHours {
    /// Opening, seconds after local midnight.
    pub from: i64,
    /// Closing, seconds after local midnight.
    pub to: i64,
    /// Open weekdays, Monday first.
    pub days: [bool; 7],
}

/// Support replies to customers' visits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Support {
    /// Mean replies per visit.
    pub replies_per_visit: f64,
    /// Agent response time, from the visit's first message (or the previous reply).
    pub response: Dist,
    /// Agents answer only in office hours; a reply due outside waits for the next opening.
    pub office_hours: Option<OfficeHours>,
    /// Share of answers that are reactions to the customer's message (rule 23).
    pub reactions: f64,
}

/// One strategy to compare, with its name.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedStrategy {
    /// The name in outputs.
    pub name: String,
    /// Its logic.
    pub strategy: Strategy,
    /// Utility content that would go as a template goes by Direct Send instead (rule 28).
    pub direct_send: bool,
    /// A what-if variant: the rules see the customers' messages through ads and Page buttons
    /// as ordinary ones, so they open no free entry-point window.
    pub ignores_entry_points: bool,
}

impl NamedStrategy {
    /// What to do with `content` now ([`Strategy::route`]), a utility template sent by Direct
    /// Send when the strategy says so.
    #[inline(always)]
    #[must_use]
    pub fn route(&self, content: Content, urgent: bool, window_open: bool) -> Route {
        self.by_direct_send(self.strategy.route(content, urgent, window_open))
    }

    /// What to do with held content whose wait ran out ([`Strategy::on_timeout`]).
    #[must_use]
    pub fn on_timeout(&self, content: Content) -> Route {
        self.by_direct_send(self.strategy.on_timeout(content))
    }

    #[inline(always)]
    fn by_direct_send(&self, route: Route) -> Route {
        match route {
            Route::Send(MessageKind::Template(TemplateCategory::Utility)) if self.direct_send => {
                Route::Send(MessageKind::DirectSend(TemplateCategory::Utility))
            }
            other => other,
        }
    }
}

/// What a run compares: the question its report answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Compare {
    /// Which strategy is cheapest, under each pricing.
    Strategies,
    /// What a change of pricing costs each strategy: from one of the run's pricings (by index)
    /// to another, with the change in words.
    Pricing {
        /// Index in [`Scenario::pricings`] of the pricing before the change.
        from: usize,
        /// Index of the pricing after it.
        to: usize,
        /// The change in words (e.g. "the 2026-10-01 switch").
        about: String,
    },
    /// What the customers in each market cost, and the share outside the business's own.
    Markets {
        /// The categories counted (all when empty).
        categories: Vec<BillCategory>,
    },
    /// What something is worth: each strategy against its variant without it (by index).
    WhatIf {
        /// What the variants take away, in words (e.g. "entry-point windows").
        about: String,
        /// (strategy as it is, its variant).
        pairs: Vec<(usize, usize)>,
    },
    /// Only what to budget.
    Budget,
}

/// The question a scenario declares (`[question]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// What is compared.
    pub compare: Compare,
    /// The most customers a strategy may leave unanswered, as a share of those owed an answer:
    /// "cheapest" then means the cheapest that meets it.
    pub max_unanswered: Option<f64>,
}

/// The simulated days, in the business's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// First simulated local date.
    pub start: Date,
    /// Number of simulated days.
    pub days: u32,
    /// The business's time zone: days, months and every dated rule fall at its midnight.
    pub offset: UtcOffset,
}

impl Period {
    /// The local date of a day of the run (0: the first).
    #[must_use]
    pub fn date(&self, day: u32) -> Date {
        Date(self.start.0 + i32::try_from(day).unwrap_or(i32::MAX))
    }

    /// The first instant of the run.
    #[must_use]
    pub fn start_time(&self) -> Time {
        self.start.start(self.offset)
    }

    /// The instant the run ends (exclusive).
    #[must_use]
    pub fn end_time(&self) -> Time {
        self.date(self.days).start(self.offset)
    }
}

/// How many times the run is repeated, and from which seed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunSettings {
    /// Replications (independent runs) for the uncertainty; with a precision, the first batch.
    pub replications: u32,
    /// Root seed.
    pub seed: u64,
    /// Days at the start left out of every figure.
    pub warm_up_days: u32,
    /// Replications are added until every strategy's mean total under every pricing is known
    /// within this share of itself (the 95% interval's half-width), up to
    /// [`RunSettings::max_replications`].
    pub precision: Option<f64>,
    /// The most replications a precision target may take.
    pub max_replications: u32,
}

/// What the business is to Meta: what its messages are priced with, and by whom.
#[derive(Clone, Debug)]
pub struct Business {
    /// The country of the business's own number: authentication to another market may take the
    /// authentication-international rate (rule 24).
    pub country: Option<Country>,
    /// Eligibility date for authentication-international rates.
    pub auth_international_from: Option<Date>,
    /// Monthly free tier / allowance size (rules 10, 16, 23).
    pub free_tier: u64,
    /// Rule 4's US marketing pause.
    pub us_marketing_pause: bool,
    /// Provider fees.
    pub fees: ProviderFees,
    /// Rate cards, markets and tiers.
    pub book: RateBook,
    /// The user's card files, for the manifest.
    pub card_files: Vec<String>,
    /// Its phone numbers (rule 27): cumulative shares of customers, the last 1.
    pub numbers: Vec<f64>,
    /// Rule 5: the length of an entry-point window in hours for every date (`None`: dated).
    pub entry_point_hours: Option<u32>,
    /// Rule 23: the last date of a government or non-profit exemption.
    pub service_exempt_until: Option<Date>,
}

/// How often deliveries to customers fail. Written under `[business]`, but a matter of the
/// customers' behaviour, so kept with them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DeliveryFailures {
    /// Probability that any outbound message fails.
    pub rate: f64,
    /// Probability that a marketing template hits the per-user marketing limit (131049).
    pub marketing_limit: f64,
}

/// Who the customers are and what happens between them and the business: everything the
/// behaviour draws from.
#[derive(Clone, Debug)]
pub struct Customers {
    /// Number of customers.
    pub count: u64,
    /// Country mix: cumulative shares (last is 1).
    pub countries: Vec<(Country, f64)>,
    /// Share of customers opted in to templates.
    pub opted_in: f64,
    /// Gamma shape of each customer's activity multiplier (mean 1); `None`: all alike.
    pub activity_shape: Option<f64>,
    /// Unprompted visits.
    pub visits: Visits,
    /// Replies to marketing, utility and authentication messages.
    pub replies: [ReplyBehaviour; 3],
    /// Click-to-WhatsApp ad clicks per day across the business.
    pub ad_clicks_per_day: f64,
    /// Campaigns.
    pub campaigns: Vec<Campaign>,
    /// Orders.
    pub orders: Option<Orders>,
    /// Logins needing an authentication code, per customer per day.
    pub logins_per_day: f64,
    /// Support replies.
    pub support: Option<Support>,
    /// Deliveries that fail.
    pub failures: DeliveryFailures,
    /// Inbound calls per customer per day (rule 1).
    pub calls_per_day: f64,
    /// Reach curves of capped marketing templates, per market (rule 29).
    pub reach: Vec<ReachCurve>,
}

/// What the report shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReportSettings {
    /// The percentile the report sets a budget at (90: the total not exceeded in 90% of
    /// replications).
    pub budget_percentile: f64,
    /// Index in [`Scenario::pricings`] of the pricing of the report's detailed views.
    pub detail_pricing: usize,
}

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Its name (outputs go to `output/<name>/`).
    pub name: String,
    /// What it asks, for reports.
    pub description: String,
    /// The file it came from.
    pub file: PathBuf,
    /// The TOML text (copied into the output; hashed in the manifest).
    pub text: String,
    /// The simulated days.
    pub period: Period,
    /// Replications and seed.
    pub run: RunSettings,
    /// Pricings to compare.
    pub pricings: Vec<Pricing>,
    /// The business's pricing settings, cards and fees.
    pub business: Business,
    /// The customers and their behaviour.
    pub customers: Customers,
    /// Strategies to compare.
    pub strategies: Vec<NamedStrategy>,
    /// What the report shows.
    pub report: ReportSettings,
    /// What the run compares.
    pub question: Question,
}

impl Scenario {
    /// The settings the rules price a message with under one pricing.
    #[must_use]
    pub fn settings(&self, pricing: Pricing) -> Settings {
        Settings {
            pricing,
            offset: self.period.offset,
            primary_country: self.business.country,
            auth_international_from: self.business.auth_international_from,
            us_marketing_pause: self.business.us_marketing_pause,
            entry_point_hours: self.business.entry_point_hours,
            service_exempt_until: self.business.service_exempt_until,
        }
    }

    /// Reads and validates a scenario file.
    ///
    /// # Errors
    /// The first problem, located in the file.
    pub fn load(path: &Path) -> Result<Scenario> {
        let file = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| ScenarioError::Read { file: file.clone(), source })?;
        Scenario::parse(&text, path)
    }

    /// Validates scenario text read from `path` (files it names are relative to its folder).
    ///
    /// # Errors
    /// The first problem, located in the text.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario> {
        let file = path.display().to_string();
        let doc = Document::parse(text).map_err(|e| {
            let (line, column) = document::line_col(text, e.span().map_or(0, |s| s.start));
            ScenarioError::Invalid {
                file: file.clone(),
                line,
                column,
                path: String::new(),
                message: one_line(e.message()),
            }
        })?;
        let v = Validator { doc: &doc, text, path, file };
        let raw = raw::RawScenario::deserialize(doc.deserializer()).map_err(|e| v.located(&e))?;
        v.scenario(raw)
    }
}

/// A message on one line, whatever the text it quotes.
fn one_line(message: &str) -> String {
    message.trim().replace(['\r', '\n'], " ")
}

type Result<T> = std::result::Result<T, ScenarioError>;

/// Turns the raw layer into domain types: one method per TOML table, each error located by its
/// TOML path in the document.
struct Validator<'a> {
    doc: &'a Document<'a>,
    text: &'a str,
    path: &'a Path,
    file: String,
}

impl Validator<'_> {
    fn scenario(&self, raw: raw::RawScenario) -> Result<Scenario> {
        let name = self.name(raw.name)?;
        let (period, run, pricings) = self.run(&raw.run)?;
        let (business, failures) = self.business(&raw.business)?;
        let people = self.customers(&raw.customers, &business.book, &pricings, period)?;
        let reach = self.reach(&raw.reach, &business.book)?;
        let customers = Customers {
            ad_clicks_per_day: raw.ads.as_ref().map_or(Ok(0.0), |a| self.ads(a))?,
            campaigns: raw
                .campaign
                .iter()
                .enumerate()
                .map(|(i, k)| self.campaign(i, k, period, &business.book, &reach))
                .collect::<Result<_>>()?,
            orders: raw.orders.as_ref().map(|o| self.orders(o)).transpose()?,
            logins_per_day: raw.logins.as_ref().map_or(Ok(0.0), |l| self.logins(l))?,
            support: raw.support.as_ref().map(|s| self.support(s)).transpose()?,
            failures,
            reach,
            ..people
        };
        let strategies = self.strategies(&raw.strategy)?;
        let report = self.report(&raw.report, &pricings)?;
        let question = self.question(raw.question.as_ref(), &pricings, &strategies)?;
        Ok(Scenario {
            name,
            description: raw.description.unwrap_or_default(),
            file: self.path.to_path_buf(),
            text: self.text.to_owned(),
            period,
            run,
            pricings,
            business,
            customers,
            strategies,
            report,
            question,
        })
    }

    /// An error at a TOML path.
    fn err(&self, path: &str, message: impl AsRef<str>) -> ScenarioError {
        let (line, column) = self.doc.line_col(self.doc.span_of(path).start);
        ScenarioError::Invalid {
            file: self.file.clone(),
            line,
            column,
            path: path.to_owned(),
            message: one_line(message.as_ref()),
        }
    }

    /// A deserialization error, at its span.
    fn located(&self, e: &toml::de::Error) -> ScenarioError {
        let span = e.span().unwrap_or(0..0);
        let (line, column) = self.doc.line_col(span.start);
        let mut message = one_line(e.message());
        if message.contains("invalid type: map, expected a string") {
            message.push_str(" (write dates and times in quotes, e.g. start = \"2026-01-01\")");
        }
        ScenarioError::Invalid { file: self.file.clone(), line, column, path: self.doc.path_of(span), message }
    }

    fn share(&self, path: &str, v: f64) -> Result<f64> {
        if v.is_finite() && (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(self.err(path, format!("expected a share between 0 and 1, found {v}")))
        }
    }

    fn rate(&self, path: &str, v: f64) -> Result<f64> {
        if v.is_finite() && (0.0..=1000.0).contains(&v) {
            Ok(v)
        } else {
            Err(self.err(path, format!("expected a number between 0 and 1000, found {v}")))
        }
    }

    fn dist(&self, path: &str, d: &raw::RawDist) -> Result<Dist> {
        let positive = |field: &str, v: Duration| {
            if v.0 > 0 {
                Ok(v.0 as f64)
            } else {
                Err(self.err(&format!("{path}.{field}"), format!("expected a positive {field}, found \"{v}\"")))
            }
        };
        Ok(match *d {
            raw::RawDist::Fixed { value } => Dist::Fixed(value.0 as f64),
            raw::RawDist::Exponential { mean } => Dist::Exponential(positive("mean", mean)?),
            raw::RawDist::Lognormal { median, sigma } => {
                let median = positive("median", median)?;
                if !(sigma.is_finite() && (0.0..=5.0).contains(&sigma)) {
                    return Err(
                        self.err(&format!("{path}.sigma"), format!("expected sigma between 0 and 5, found {sigma}"))
                    );
                }
                Dist::LogNormal { median, sigma }
            }
            raw::RawDist::Uniform { min, max } => {
                if max < min {
                    return Err(
                        self.err(&format!("{path}.max"), format!("expected max >= min ({min}), found \"{max}\""))
                    );
                }
                Dist::Uniform(min.0 as f64, max.0 as f64)
            }
        })
    }

    fn weights<const N: usize>(&self, path: &str, given: Option<&Vec<f64>>) -> Result<[f64; N]> {
        let Some(values) = given else { return Ok([1.0; N]) };
        if values.len() != N {
            return Err(self.err(path, format!("expected {N} weights, found {}", values.len())));
        }
        let mut out = [0.0; N];
        for (i, v) in values.iter().enumerate() {
            out[i] = self.rate(&format!("{path}[{i}]"), *v)?;
        }
        let sum: f64 = out.iter().sum();
        if sum <= 0.0 {
            return Err(self.err(path, "expected at least one positive weight, found all zero"));
        }
        for v in &mut out {
            *v *= N as f64 / sum;
        }
        Ok(out)
    }

    /// The text of a file the scenario names (at TOML path `at`), relative to its folder.
    fn read(&self, at: &str, name: &str) -> Result<String> {
        let p = Path::new(name);
        let full = if p.is_absolute() { p.to_path_buf() } else { self.path.parent().unwrap_or(Path::new(".")).join(p) };
        std::fs::read_to_string(&full).map_err(|e| self.err(at, format!("cannot read {}: {e}", full.display())))
    }

    /// The top-level `name`: the file's stem by default.
    fn name(&self, name: Option<String>) -> Result<String> {
        let name = name.unwrap_or_else(|| {
            self.path.file_stem().map_or_else(|| "scenario".to_owned(), |s| s.to_string_lossy().into_owned())
        });
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(self.err("name", format!("expected a name usable as a folder name, found \"{name}\"")));
        }
        Ok(name)
    }

    /// `[run]`.
    fn run(&self, r: &raw::RawRun) -> Result<(Period, RunSettings, Vec<Pricing>)> {
        let start = r.start;
        if !(Date::ymd(1970, 1, 1)..=Date::ymd(2200, 12, 31)).contains(&start) {
            return Err(
                self.err("run.start", format!("expected a date between 1970-01-01 and 2200-12-31, found \"{start}\""))
            );
        }
        let period = Period { start, days: self.days(r)?, offset: r.timezone };
        let pricings = self.pricings(&r.pricing)?;
        if r.replications == 0 || r.replications > 100_000 {
            return Err(self.err("run.replications", format!("expected 1 to 100000, found {}", r.replications)));
        }
        if r.warm_up.0 % DAY != 0 || r.warm_up.0 / DAY >= i64::from(period.days) {
            return Err(self.err(
                "run.warm-up",
                format!("expected whole days shorter than the run ({} days), found \"{}\"", period.days, r.warm_up),
            ));
        }
        if r.max_replications < r.replications || r.max_replications > 100_000 {
            return Err(self.err(
                "run.max-replications",
                format!("expected {} (run.replications) to 100000, found {}", r.replications, r.max_replications),
            ));
        }
        let run = RunSettings {
            replications: r.replications,
            seed: r.seed,
            warm_up_days: (r.warm_up.0 / DAY) as u32,
            precision: r.precision.map(|p| p.0),
            max_replications: r.max_replications,
        };
        Ok((period, run, pricings))
    }

    /// `run.days` or `run.months`: the number of days from `run.start`.
    fn days(&self, r: &raw::RawRun) -> Result<u32> {
        let days = match (r.days, r.months) {
            (Some(_), Some(_)) => return Err(self.err("run.months", "expected either days or months, found both")),
            (Some(d), None) => d,
            (None, Some(m)) => {
                let end =
                    add_months(r.start, m).ok_or_else(|| self.err("run.months", format!("months {m} is too far")))?;
                u32::try_from(end.0 - r.start.0).unwrap_or(0)
            }
            (None, None) => 30,
        };
        if !(1..=3660).contains(&days) {
            return Err(self.err(
                if r.days.is_some() { "run.days" } else { "run.months" },
                format!("expected a run of 1 day to 10 years, found {days} days"),
            ));
        }
        Ok(days)
    }

    /// `run.pricing`: each pricing once, at least one, at most [`MAX_PRICINGS`].
    fn pricings(&self, given: &[Pricing]) -> Result<Vec<Pricing>> {
        let mut pricings = Vec::new();
        for (i, pricing) in given.iter().enumerate() {
            if pricings.contains(pricing) {
                return Err(self.err(
                    &format!("run.pricing[{i}]"),
                    format!("expected each pricing once, found \"{pricing}\" twice"),
                ));
            }
            pricings.push(*pricing);
        }
        if pricings.is_empty() {
            return Err(self.err("run.pricing", "expected at least one pricing id, found an empty list"));
        }
        if pricings.len() > MAX_PRICINGS {
            return Err(self.err("run.pricing", format!("expected at most {MAX_PRICINGS} pricings")));
        }
        Ok(pricings)
    }

    /// `[business]`, with `[business.fees]`, `rates` and `tiers`; and the delivery failures
    /// written there.
    fn business(&self, b: &raw::RawBusiness) -> Result<(Business, DeliveryFailures)> {
        if b.auth_international_from.is_some() && b.country.is_none() {
            return Err(self.err(
                "business.auth-international-from",
                "expected business.country as well: international means outside the business's own market",
            ));
        }
        if let Some(hours) = b.entry_point_hours
            && !(1..=8760).contains(&hours)
        {
            return Err(self.err(
                "business.entry-point-hours",
                format!("expected an entry-point window of 1 to 8760 hours, found {hours}"),
            ));
        }
        // Rule 23: Meta grants the exemption until 2027-12-31 at the latest.
        if let Some(last) = b.service_exempt_until
            && last > Date::ymd(2027, 12, 31)
        {
            return Err(self.err(
                "business.service-exempt-until",
                format!("expected a date up to 2027-12-31 (the exemption's latest end), found \"{last}\""),
            ));
        }
        let business = Business {
            country: b.country,
            auth_international_from: b.auth_international_from,
            free_tier: b.free_tier,
            us_marketing_pause: b.us_marketing_pause,
            fees: Self::fees(&b.fees),
            book: self.rate_book(&b.rates, b.tiers.as_deref())?,
            card_files: b.rates.clone(),
            numbers: self.numbers(b.numbers.as_ref())?,
            entry_point_hours: b.entry_point_hours,
            service_exempt_until: b.service_exempt_until,
        };
        let failures = DeliveryFailures {
            rate: self.share("business.failure-rate", b.failure_rate)?,
            marketing_limit: self.share("business.marketing-limit", b.marketing_limit)?,
        };
        Ok((business, failures))
    }

    /// `business.numbers`: cumulative shares of customers per number (rule 27), the last 1.
    fn numbers(&self, n: Option<&raw::RawNumbers>) -> Result<Vec<f64>> {
        let shares = match n {
            None => vec![1.0],
            Some(raw::RawNumbers::Count(count)) if (1..=MAX_NUMBERS).contains(count) => vec![1.0; *count as usize],
            Some(raw::RawNumbers::Count(count)) => {
                return Err(self
                    .err("business.numbers", format!("expected 1 to {MAX_NUMBERS} business numbers, found {count}")));
            }
            Some(raw::RawNumbers::Shares(shares)) => {
                if shares.is_empty() || shares.len() > MAX_NUMBERS as usize {
                    return Err(self.err(
                        "business.numbers",
                        format!("expected the shares of 1 to {MAX_NUMBERS} business numbers, found {}", shares.len()),
                    ));
                }
                for (i, share) in shares.iter().enumerate() {
                    self.rate(&format!("business.numbers[{i}]"), *share)?;
                }
                shares.clone()
            }
        };
        let total: f64 = shares.iter().sum();
        if total <= 0.0 {
            return Err(self.err("business.numbers", "expected at least one positive share, found all zero"));
        }
        let mut cumulative = 0.0;
        Ok(shares
            .iter()
            .map(|share| {
                cumulative += share / total;
                cumulative
            })
            .collect())
    }

    /// `[reach.<market>]`: each market named as the cards name it, its points by increasing cap,
    /// each delivered share a share and each price at most its cap.
    fn reach(&self, given: &BTreeMap<String, raw::RawReach>, book: &RateBook) -> Result<Vec<ReachCurve>> {
        let mut curves = Vec::new();
        for (name, curve) in given {
            let at = format!("reach.{name}");
            let market = self.market(&at, name, book)?;
            if curve.points.is_empty() {
                return Err(self.err(&format!("{at}.points"), "expected at least one point"));
            }
            let mut points: Vec<(Money, f64, Money)> = Vec::new();
            for (i, p) in curve.points.iter().enumerate() {
                let here = |field: &str| format!("{at}.points[{i}].{field}");
                if let Some(&(previous, _, _)) = points.last()
                    && p.cap <= previous
                {
                    return Err(self.err(
                        &here("cap"),
                        format!("expected caps in increasing order, found {} after {previous}", p.cap),
                    ));
                }
                let delivered = self.share(&here("delivered"), p.delivered)?;
                if p.price > p.cap {
                    return Err(self.err(
                        &here("price"),
                        format!("expected a price of at most the cap {}, found {}", p.cap, p.price),
                    ));
                }
                points.push((p.cap, delivered, p.price));
            }
            curves.push(ReachCurve { market, points });
        }
        Ok(curves)
    }

    /// A market named as the rate cards name it (`Brazil`, `Rest of Latin America`).
    fn market(&self, at: &str, name: &str, book: &RateBook) -> Result<MarketId> {
        book.markets.id(name).filter(|m| book.cards().any(|card| card.markets().any(|x| x == *m))).ok_or_else(|| {
            self.err(at, format!("expected a market as the rate cards name it (see `wasim rates`), found \"{name}\""))
        })
    }

    /// `[business.fees]`: decimal strings, already exact and non-negative.
    fn fees(f: &raw::RawFees) -> ProviderFees {
        ProviderFees { per_outbound: f.per_outbound, per_inbound: f.per_inbound, markup_percent: f.markup_percent }
    }

    /// `business.rates` and `business.tiers`: the bundled book with the user's cards and tier
    /// table, built as `wasim bill` builds it, except that every card must be named
    /// `<model>_<YYYY-MM-DD>.csv`: a scenario may compare several pricings, so no one model says
    /// what an unnamed card prices.
    fn rate_book(&self, rates: &[String], tiers: Option<&str>) -> Result<RateBook> {
        let at = |i: usize| format!("business.rates[{i}]");
        let unnamed = |i: usize, name: &str| {
            self.err(&at(i), format!("expected a card file named <model>_<YYYY-MM-DD>.csv, found \"{name}\""))
        };
        let mut texts = Vec::new();
        for (i, name) in rates.iter().enumerate() {
            // Named first: a misnamed card is wrong whether or not it can be read.
            if card_file_name(name).is_none() {
                return Err(unnamed(i, name));
            }
            texts.push(self.read(&at(i), name)?);
        }
        let tiers = tiers.map(|name| Ok::<_, ScenarioError>((name, self.read("business.tiers", name)?))).transpose()?;
        let cards: Vec<UserFile<'_>> = rates.iter().zip(&texts).map(|(name, text)| UserFile { name, text }).collect();
        RateBook::with_user_files(&cards, None, tiers.as_ref().map(|(name, text)| UserFile { name, text })).map_err(
            |e| match e {
                UserFilesError::Unnamed { index, name } => unnamed(index, &name),
                UserFilesError::Card { index, error } => self.err(&at(index), error.to_string()),
                UserFilesError::Tiers(error) => self.err("business.tiers", error.to_string()),
                UserFilesError::Bundled(error) => self.err("", error.to_string()),
            },
        )
    }

    /// `[customers]`, with `countries`, `[customers.visits]` and `[customers.replies]`. What
    /// other tables say about the customers (ads, campaigns, orders, logins, support, failures)
    /// is left empty here for [`Validator::scenario`] to add.
    fn customers(
        &self,
        c: &raw::RawCustomers,
        book: &RateBook,
        pricings: &[Pricing],
        period: Period,
    ) -> Result<Customers> {
        if c.count == 0 || c.count > u64::from(u32::MAX) {
            return Err(self.err("customers.count", format!("expected 1 to 4294967295 customers, found {}", c.count)));
        }
        let countries = self.countries(&c.countries, book, pricings, period)?;
        let opted_in = self.share("customers.opted-in", c.opted_in)?;
        let activity_shape = match c.activity_shape {
            None => None,
            Some(s) if s.is_finite() && s > 0.0 => Some(s),
            Some(s) => {
                return Err(self.err("customers.activity-shape", format!("expected a positive gamma shape, found {s}")));
            }
        };
        Ok(Customers {
            count: c.count,
            countries,
            opted_in,
            activity_shape,
            visits: self.visits(&c.visits)?,
            replies: self.replies(&c.replies)?,
            ad_clicks_per_day: 0.0,
            campaigns: Vec::new(),
            orders: None,
            logins_per_day: 0.0,
            support: None,
            failures: DeliveryFailures::default(),
            calls_per_day: match &c.calls {
                Some(calls) => self.rate("customers.calls.per-day", calls.per_day)?,
                None => 0.0,
            },
            reach: Vec::new(),
        })
    }

    /// `customers.countries`: the mix as cumulative shares, every market priced on every day.
    fn countries(
        &self,
        given: &BTreeMap<String, f64>,
        book: &RateBook,
        pricings: &[Pricing],
        period: Period,
    ) -> Result<Vec<(Country, f64)>> {
        if given.is_empty() {
            return Err(
                self.err("customers.countries", "expected at least one country with a share, e.g. { IN = 1.0 }")
            );
        }
        let mut countries = Vec::new();
        let mut total = 0.0;
        for (code, share) in given {
            let at = format!("customers.countries.{code}");
            let country = Country::parse(code).map_err(|e| self.err(&at, e))?;
            total += self.rate(&at, *share)?;
            countries.push((country, total));
        }
        if total <= 0.0 {
            return Err(self.err("customers.countries", "expected positive shares, found all zero"));
        }
        for ((country, cum), code) in countries.iter_mut().zip(given.keys()) {
            *cum /= total;
            self.check_market(code, *country, book, pricings, period)?;
        }
        Ok(countries)
    }

    /// Every card in force must list the market of every country in the mix, on every day of the
    /// run, under every pricing: better said now than after an hour of simulation.
    fn check_market(
        &self,
        code: &str,
        country: Country,
        book: &RateBook,
        pricings: &[Pricing],
        period: Period,
    ) -> Result<()> {
        for day in 0..period.days {
            let date = period.date(day);
            let market = book.markets.market_of(country, date);
            for pricing in pricings {
                let model = pricing.model_on(date);
                let (card, rate) = book.rate(model, date, market, BillCategory::Marketing);
                if let Err(gap @ (RateGap::MarketNotListed | RateGap::NoCard)) = rate {
                    return Err(self.err(
                        &format!("customers.countries.{code}"),
                        format!(
                            "{} on {date} under pricing {pricing}; pass your own card with business.rates or drop {code}",
                            book.missing_rate(gap, model, card, market, BillCategory::Marketing)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// `[customers.visits]`.
    fn visits(&self, v: &raw::RawVisits) -> Result<Visits> {
        if !(v.messages.is_finite() && v.messages >= 1.0) {
            return Err(
                self.err("customers.visits.messages", format!("expected a mean of at least 1, found {}", v.messages))
            );
        }
        Ok(Visits {
            per_day: self.rate("customers.visits.per-day", v.per_day)?,
            hourly: self.weights("customers.visits.hourly", v.hourly.as_ref())?,
            weekly: self.weights("customers.visits.weekly", v.weekly.as_ref())?,
            messages: v.messages,
            gap: self.dist("customers.visits.gap", &v.gap)?,
            entry_point_share: self.share("customers.visits.entry-point-share", v.entry_point_share)?,
        })
    }

    /// `[customers.replies]`: marketing, utility, authentication, in [`TemplateCategory`] order.
    fn replies(&self, r: &raw::RawReplies) -> Result<[ReplyBehaviour; 3]> {
        let reply = |category: TemplateCategory, r: &raw::RawReply| -> Result<ReplyBehaviour> {
            let at = |field: &str| format!("customers.replies.{}.{field}", category.id());
            Ok(ReplyBehaviour {
                probability: self.share(&at("probability"), r.probability)?,
                delay: self.dist(&at("delay"), &r.delay)?,
            })
        };
        Ok([
            reply(TemplateCategory::Marketing, &r.marketing)?,
            reply(TemplateCategory::Utility, &r.utility)?,
            reply(TemplateCategory::Authentication, &r.authentication)?,
        ])
    }

    /// `[ads]`: clicks per day.
    fn ads(&self, a: &raw::RawAds) -> Result<f64> {
        if a.clicks_per_day.is_finite() && (0.0..=1.0e9).contains(&a.clicks_per_day) {
            Ok(a.clicks_per_day)
        } else {
            Err(self
                .err("ads.clicks-per-day", format!("expected a number between 0 and 1e9, found {}", a.clicks_per_day)))
        }
    }

    /// One `[[campaign]]`, its sends those that fall within the run.
    fn campaign(
        &self,
        i: usize,
        k: &raw::RawCampaign,
        period: Period,
        book: &RateBook,
        reach: &[ReachCurve],
    ) -> Result<Campaign> {
        let at = |f: &str| format!("campaign[{i}].{f}");
        if let Some(every) = k.every
            && every.0 < HOUR
        {
            return Err(self.err(&at("every"), format!("expected at least 1h between sends, found \"{every}\"")));
        }
        let (run_start, run_end) = (period.start_time(), period.end_time());
        let mut sends = Vec::new();
        let mut t = k.first.at(period.offset);
        while t < run_end && sends.len() < k.count.unwrap_or(u32::MAX) as usize {
            if t >= run_start {
                sends.push(t);
            }
            match k.every {
                Some(d) => t = t.plus(d.0),
                None => break,
            }
        }
        let audience = self.share(&at("audience"), k.audience)?;
        if k.follow_ups > MAX_FOLLOW_UPS {
            return Err(self.err(
                &at("follow-ups"),
                format!("expected at most {MAX_FOLLOW_UPS} follow-ups per reply, found {}", k.follow_ups),
            ));
        }
        // Rule 29: a cap per market, for marketing templates, each market with its reach curve.
        let mut caps = Vec::new();
        for (name, cap) in &k.max_price {
            let here = format!("{}.{name}", at("max-price"));
            if k.category != TemplateCategory::Marketing {
                return Err(self.err(
                    &here,
                    format!(
                        "a max price applies to marketing templates only (rule 29), not to a {} campaign",
                        k.category.id()
                    ),
                ));
            }
            let market = self.market(&here, name, book)?;
            if !reach.iter().any(|r| r.market == market) {
                return Err(self.err(
                    &here,
                    format!("expected a reach curve for {name} as well ([reach.\"{name}\"]): how many capped messages are delivered, at what price"),
                ));
            }
            caps.push((market, *cap));
        }
        Ok(Campaign {
            name: k.name.clone(),
            category: k.category,
            sends,
            audience,
            spread: k.spread.0,
            follow_ups: k.follow_ups,
            follow_up_delay: self.dist(&at("follow-up-delay"), &k.follow_up_delay)?,
            caps,
        })
    }

    /// `[orders]`.
    fn orders(&self, o: &raw::RawOrders) -> Result<Orders> {
        if o.notifications.len() > 100 {
            return Err(self.err(
                "orders.notifications",
                format!("expected at most 100 notifications per order, found {}", o.notifications.len()),
            ));
        }
        if o.notifications.is_empty() {
            return Err(self.err("orders.notifications", "expected at least one notification per order"));
        }
        let notifications =
            o.notifications.iter().map(|n| Notification { after: n.after.0, urgent: n.urgent }).collect();
        Ok(Orders { per_day: self.rate("orders.per-day", o.per_day)?, notifications })
    }

    /// `[logins]`: logins per customer per day.
    fn logins(&self, l: &raw::RawLogins) -> Result<f64> {
        self.rate("logins.per-day", l.per_day)
    }

    /// `[support]`, with `[support.office-hours]`.
    fn support(&self, s: &raw::RawSupport) -> Result<Support> {
        Ok(Support {
            replies_per_visit: self.rate("support.replies-per-visit", s.replies_per_visit)?,
            response: self.dist("support.response", &s.response)?,
            office_hours: s.office_hours.as_ref().map(|h| self.office_hours(h)).transpose()?,
            reactions: self.share("support.reactions", s.reactions)?,
        })
    }

    /// `[support.office-hours]`.
    fn office_hours(&self, h: &raw::RawOfficeHours) -> Result<OfficeHours> {
        if h.to <= h.from {
            return Err(self.err(
                "support.office-hours.to",
                format!("expected a closing time after {}, found \"{}\"", h.from, h.to),
            ));
        }
        let mut days = [false; 7];
        for d in &h.days {
            days[d.0] = true;
        }
        if !days.contains(&true) {
            return Err(self.err("support.office-hours.days", "expected at least one open day"));
        }
        Ok(OfficeHours { from: h.from.0, to: h.to.0, days })
    }

    /// Every `[[strategy]]`: unique names; one `window-check` if none.
    fn strategies(&self, raw: &[raw::RawStrategyEntry]) -> Result<Vec<NamedStrategy>> {
        let mut strategies: Vec<NamedStrategy> = Vec::new();
        for (i, s) in raw.iter().enumerate() {
            let named = self.strategy(i, s)?;
            if strategies.iter().any(|o| o.name == named.name) {
                return Err(self.err(
                    &format!("strategy[{i}].name"),
                    format!("expected unique names, found \"{}\" twice", named.name),
                ));
            }
            strategies.push(named);
        }
        if strategies.is_empty() {
            strategies.push(NamedStrategy {
                name: "window-check".into(),
                strategy: Strategy::WindowCheck,
                direct_send: false,
                ignores_entry_points: false,
            });
        }
        if strategies.len() > MAX_STRATEGIES {
            return Err(self.err("strategy", format!("expected at most {MAX_STRATEGIES} strategies")));
        }
        Ok(strategies)
    }

    /// One `[[strategy]]`.
    fn strategy(&self, i: usize, entry: &raw::RawStrategyEntry) -> Result<NamedStrategy> {
        let (name, strategy) = match &entry.logic {
            raw::RawStrategy::WindowCheck { name } => (name, Strategy::WindowCheck),
            raw::RawStrategy::AlwaysTemplate { name } => (name, Strategy::AlwaysTemplate),
            raw::RawStrategy::FreeFormFirst { name } => (name, Strategy::FreeFormFirst),
            raw::RawStrategy::DropLateSupport { name } => (name, Strategy::DropLateSupport),
            raw::RawStrategy::ReEngage { name, template, wait, if_no_reply } => {
                (name, Strategy::ReEngage { template: *template, wait: wait.0, if_no_reply: *if_no_reply })
            }
            raw::RawStrategy::DeferUtility { name, max_wait } => {
                (name, Strategy::DeferUtility { max_wait: max_wait.0 })
            }
        };
        if name.is_empty() || name.contains([',', '"', '/', '\\', '\n']) {
            return Err(self.err(
                &format!("strategy[{i}].name"),
                format!("expected a name without commas, quotes or slashes, found \"{name}\""),
            ));
        }
        let ignores_entry_points = entry.entry_points == raw::EntryPoints::Ignore;
        Ok(NamedStrategy { name: name.clone(), strategy, direct_send: entry.direct_send, ignores_entry_points })
    }

    /// `[question]`: what the run compares; by default the strategies when there are several,
    /// else the budget.
    fn question(
        &self,
        q: Option<&raw::RawQuestion>,
        pricings: &[Pricing],
        strategies: &[NamedStrategy],
    ) -> Result<Question> {
        let Some(q) = q else {
            let compare = if strategies.len() > 1 { Compare::Strategies } else { Compare::Budget };
            return Ok(Question { compare, max_unanswered: None });
        };
        let max_unanswered = q.max_unanswered.map(|v| self.share("question.max-unanswered", v)).transpose()?;
        let unused = |field: &str, given: bool| -> Result<()> {
            if given {
                return Err(self.err(
                    &format!("question.{field}"),
                    format!("unknown field `{field}` for compare = \"{}\"", q.compare.id()),
                ));
            }
            Ok(())
        };
        let pricing = |field: &str, p: Option<Pricing>| -> Result<usize> {
            let ids: Vec<&str> = pricings.iter().map(|x| x.id()).collect();
            let p = p.ok_or_else(|| {
                self.err("question", format!("missing field `{field}`: one of run.pricing ({})", ids.join(", ")))
            })?;
            pricings.iter().position(|x| *x == p).ok_or_else(|| {
                self.err(
                    &format!("question.{field}"),
                    format!("expected one of run.pricing ({}), found \"{p}\"", ids.join(", ")),
                )
            })
        };
        let strategy = |field: &str, i: usize, name: &str| -> Result<usize> {
            strategies.iter().position(|s| s.name == name).ok_or_else(|| {
                let names: Vec<&str> = strategies.iter().map(|s| s.name.as_str()).collect();
                self.err(
                    &format!("question.{field}[{i}]"),
                    format!("expected a strategy's name ({}), found \"{name}\"", names.join(", ")),
                )
            })
        };
        let compare = match q.compare {
            raw::Compare::Strategies | raw::Compare::Budget => {
                unused("from", q.from.is_some())?;
                unused("to", q.to.is_some())?;
                unused("about", q.about.is_some())?;
                unused("with", !q.with.is_empty())?;
                unused("without", !q.without.is_empty())?;
                unused("categories", !q.categories.is_empty())?;
                if q.compare == raw::Compare::Budget { Compare::Budget } else { Compare::Strategies }
            }
            raw::Compare::Pricing => {
                unused("with", !q.with.is_empty())?;
                unused("without", !q.without.is_empty())?;
                unused("categories", !q.categories.is_empty())?;
                let (from, to) = (pricing("from", q.from)?, pricing("to", q.to)?);
                if from == to {
                    return Err(self.err(
                        "question.to",
                        format!("expected a pricing other than from, found \"{}\"", pricings[to]),
                    ));
                }
                let about = q
                    .about
                    .clone()
                    .unwrap_or_else(|| format!("the change from {} to {}", pricings[from], pricings[to]));
                Compare::Pricing { from, to, about }
            }
            raw::Compare::Markets => {
                unused("from", q.from.is_some())?;
                unused("to", q.to.is_some())?;
                unused("about", q.about.is_some())?;
                unused("with", !q.with.is_empty())?;
                unused("without", !q.without.is_empty())?;
                Compare::Markets { categories: q.categories.clone() }
            }
            raw::Compare::WhatIf => {
                unused("from", q.from.is_some())?;
                unused("to", q.to.is_some())?;
                unused("categories", !q.categories.is_empty())?;
                if q.with.is_empty() || q.with.len() != q.without.len() {
                    return Err(self.err(
                        "question.without",
                        format!(
                            "expected one variant per strategy of question.with ({}), found {}",
                            q.with.len(),
                            q.without.len()
                        ),
                    ));
                }
                let mut pairs = Vec::new();
                for (i, (a, b)) in q.with.iter().zip(&q.without).enumerate() {
                    let (a, b) = (strategy("with", i, a)?, strategy("without", i, b)?);
                    if a == b {
                        return Err(self.err(
                            &format!("question.without[{i}]"),
                            format!("expected a strategy other than \"{}\"", strategies[a].name),
                        ));
                    }
                    pairs.push((a, b));
                }
                let about = q.about.clone().ok_or_else(|| {
                    self.err(
                        "question",
                        "missing field `about`: what the variants leave out, e.g. \"entry-point windows\"",
                    )
                })?;
                Compare::WhatIf { about, pairs }
            }
        };
        Ok(Question { compare, max_unanswered })
    }

    /// `[report]`.
    fn report(&self, r: &raw::RawReport, pricings: &[Pricing]) -> Result<ReportSettings> {
        let budget_percentile = r.budget_percentile.unwrap_or(90.0);
        if !(budget_percentile.is_finite() && (1.0..=100.0).contains(&budget_percentile)) {
            return Err(self.err(
                "report.budget-percentile",
                format!("expected a percentile from 1 to 100, found {budget_percentile}"),
            ));
        }
        let detail_pricing = match r.detail_pricing {
            None => 0,
            Some(p) => pricings.iter().position(|x| *x == p).ok_or_else(|| {
                let ids: Vec<&str> = pricings.iter().map(|x| x.id()).collect();
                self.err(
                    "report.detail-pricing",
                    format!("expected one of run.pricing ({}), found \"{p}\"", ids.join(", ")),
                )
            })?,
        };
        Ok(ReportSettings { budget_percentile, detail_pricing })
    }
}

/// The date `months` calendar months after `date` (same day of month, clamped).
fn add_months(date: Date, months: u32) -> Option<Date> {
    let m = date.month();
    let target = m.0.checked_add(i32::try_from(months).ok()?)?;
    let (y, mo) = (target.div_euclid(12), target.rem_euclid(12) as u32 + 1);
    let day = date_day(date);
    (0..4).find_map(|back| Date::from_ymd(y, mo, day.saturating_sub(back).max(1)))
}

fn date_day(date: Date) -> u32 {
    let text = date.to_string();
    text.get(8..10).and_then(|d| d.parse().ok()).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> std::result::Result<Scenario, String> {
        Scenario::parse(text, Path::new("test.toml")).map_err(|e| e.to_string())
    }

    const MINIMAL: &str = "[run]\nstart = \"2026-01-01\"\n[customers]\ncountries = { IN = 1.0 }\n";

    #[test]
    fn a_short_scenario_is_enough() {
        let s = parse(MINIMAL).unwrap();
        assert_eq!(s.period.days, 30);
        assert_eq!(s.pricings, vec![Pricing::Auto]);
        assert_eq!(s.strategies.len(), 1);
        assert_eq!(s.name, "test");
    }

    #[test]
    fn a_market_missing_from_the_card_in_force_is_named() {
        // Hong Kong is its own market from 2026-07-01; the bundled per-message-2025 cards end before.
        let text = "[run]\nstart = \"2026-06-25\"\ndays = 10\npricing = [\"per-message-2025\"]\n[customers]\ncountries = { IN = 0.5, HK = 0.5 }\n";
        let e = parse(text).unwrap_err();
        assert!(e.starts_with("test.toml:6:"), "{e}");
        assert!(e.contains("customers.countries.HK") && e.contains("Hong Kong") && e.contains("2026-07-01"), "{e}");
    }

    #[test]
    fn type_errors_name_the_field() {
        let e =
            parse("[run]\nstart = \"2026-01-01\"\ndays = \"30\"\n[customers]\ncountries = { IN = 1.0 }\n").unwrap_err();
        assert!(e.starts_with("test.toml:3:8: run.days: invalid type: string \"30\", expected u32"), "{e}");
        let e = parse("[run]\nstart = 2026-01-01\n[customers]\ncountries = { IN = 1.0 }\n").unwrap_err();
        assert!(e.starts_with("test.toml:2:9: run.start:") && e.contains("quotes"), "{e}");
        let text = "[run]\nstart = \"2026-01-01\"\n[customers]\ncountries = { IN = 1.0 }\n[[strategy]]\nname = \"a\"\nkind = \"window-chek\"\n";
        let e = parse(text).unwrap_err();
        assert!(e.starts_with("test.toml:7:8: strategy[0].kind: unknown variant `window-chek`"), "{e}");
    }

    proptest::proptest! {
        /// User input never panics: any edit of a valid scenario is accepted or located.
        #[test]
        fn edited_scenarios_never_panic(at in 0usize..400, insert in "[\\PC\\n\\[\\]=\"{}.,é€]{0,12}", cut in 0usize..6) {
            let base = "[run]\nstart = \"2026-01-01\"\ndays = 3\n[customers]\ncount = 5\ncountries = { IN = 1.0, BR = 2 }\n[customers.visits]\nper-day = 0.5\ngap = { kind = \"lognormal\", median = \"1m\", sigma = 1.0 }\n[[strategy]]\nname = \"é\"\nkind = \"defer-utility\"\nmax-wait = \"1d\"\n";
            let mut at = at.min(base.len());
            while !base.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + cut).min(base.len());
            while !base.is_char_boundary(end) {
                end += 1;
            }
            let text = format!("{}{}{}", &base[..at], insert, &base[end..]);
            if let Err(e) = Scenario::parse(&text, Path::new("fuzz.toml")) {
                let e = e.to_string();
                proptest::prop_assert!(e.starts_with("fuzz.toml:"), "{}", e);
                proptest::prop_assert_eq!(e.lines().count(), 1, "{}", e);
            }
        }
    }

    #[test]
    fn the_parts_of_a_scenario() {
        let text = "[run]\nstart = \"2026-01-30\"\ndays = 3\ntimezone = \"+05:30\"\npricing = [\"auto\", \"per-message-2026\"]\n[business]\ncountry = \"BR\"\nfailure-rate = 0.25\n[customers]\ncountries = { IN = 1.0 }\n";
        let s = parse(text).unwrap();
        let offset = UtcOffset(5 * 3600 + 1800);
        assert_eq!(s.period, Period { start: Date::ymd(2026, 1, 30), days: 3, offset });
        assert_eq!(s.period.date(2), Date::ymd(2026, 2, 1));
        assert_eq!(s.period.start_time(), Date::ymd(2026, 1, 30).start(offset));
        assert_eq!(s.period.end_time(), Date::ymd(2026, 2, 2).start(offset));
        assert_eq!(s.customers.failures, DeliveryFailures { rate: 0.25, marketing_limit: 0.0 });
        let settings = s.settings(Pricing::Fixed(crate::pricing::Model::PerMessage2026));
        assert_eq!(settings.offset, offset);
        assert_eq!(settings.primary_country, Country::parse("BR").ok());
        assert!(settings.us_marketing_pause);
        assert_eq!(s.report, ReportSettings { budget_percentile: 90.0, detail_pricing: 0 });
    }

    #[test]
    fn values_are_typed_as_they_are_read_and_located_where_they_are_written() {
        let strategy = |body: &str| parse(&format!("{MINIMAL}[[strategy]]\nname = \"a\"\n{body}\n")).unwrap_err();
        // A duration of the wrong type, inside a tagged table: at the value, not at the table.
        let e = strategy("kind = \"defer-utility\"\nmax-wait = 3");
        assert_eq!(
            e,
            "test.toml:8:12: strategy[0].max-wait: invalid type: integer `3`, expected a duration like 90s, 30m, 2h, 1.5d or 1w"
        );
        let e = strategy("kind = \"re-engage\"\nwait = \"1d\"\nif-no-reply = \"maybe\"");
        assert_eq!(e, "test.toml:9:15: strategy[0].if-no-reply: expected \"template\" or \"drop\", found \"maybe\"");
        let e = strategy("kind = \"window-check\"\nwait = \"1d\"");
        assert!(e.starts_with("test.toml:5:1: strategy[0]: unknown field `wait` for kind `window-check`"), "{e}");
        // The second of two tables is the one named.
        let text = format!(
            "{MINIMAL}[[strategy]]\nname = \"a\"\nkind = \"window-check\"\n[[strategy]]\nname = \"b\"\nkind = \"defer-utility\"\nmax-wait = \"soon\"\n"
        );
        assert!(parse(&text).unwrap_err().starts_with("test.toml:11:12: strategy[1].max-wait: expected a duration"));
        let gap = |dist: &str| parse(&format!("{MINIMAL}[customers.visits]\ngap = {dist}\n")).unwrap_err();
        assert_eq!(
            gap("{ kind = \"uniform\", min = \"1h\", max = \"30m\" }"),
            "test.toml:6:45: customers.visits.gap.max: expected max >= min (1h), found \"30m\""
        );
        assert_eq!(
            gap("{ kind = \"lognormal\", median = \"1m\" }"),
            "test.toml:6:7: customers.visits.gap: missing field `sigma`"
        );
        assert!(
            gap("{ kind = \"gamma\" }")
                .starts_with("test.toml:6:16: customers.visits.gap.kind: unknown variant `gamma`")
        );
        // A quoted string may hold a line break; the message stays on one line.
        assert_eq!(gap("{ kind = \"fixed\", value = \"\"\"1m\nx\"\"\" }").lines().count(), 1);
        // A bare time says how to write it.
        let e =
            parse(&format!("{MINIMAL}[support]\noffice-hours = {{ from = 09:00:00, to = \"18:00\" }}\n")).unwrap_err();
        assert!(
            e.starts_with("test.toml:6:25: support.office-hours.from: expected a local time")
                && e.contains("\"09:00:00\""),
            "{e}"
        );
        // An error of the document as a whole names no table.
        assert_eq!(parse("[run]\nstart = \"2026-01-01\"\n").unwrap_err(), "test.toml:1:1: missing field `customers`");
    }

    #[test]
    fn follow_ups_beyond_the_maximum_are_refused() {
        let campaign = |n: u32| {
            parse(&format!("{MINIMAL}[[campaign]]\nname = \"c\"\nfirst = \"2026-01-02T10:00\"\nfollow-ups = {n}\n"))
        };
        assert_eq!(campaign(MAX_FOLLOW_UPS).unwrap().customers.campaigns[0].follow_ups, MAX_FOLLOW_UPS);
        assert_eq!(
            campaign(17).unwrap_err(),
            "test.toml:8:14: campaign[0].follow-ups: expected at most 16 follow-ups per reply, found 17"
        );
    }

    #[test]
    fn months_run_to_the_same_day() {
        let s = parse(&MINIMAL.replace("[run]\n", "[run]\nmonths = 2\n")).unwrap();
        assert_eq!(s.period.days, 31 + 28);
    }

    #[test]
    fn unknown_keys_are_located() {
        let e = parse(&format!("{MINIMAL}colour = 3\n")).unwrap_err();
        assert!(e.starts_with("test.toml:5:1:"), "{e}");
        assert!(e.contains("colour"), "{e}");
        let e = parse(
            "[run]\nstart = \"2026-01-01\"\n[customers]\ncountries = { IN = 1.0 }\n[customers.visits]\nper-dya = 1\n",
        )
        .unwrap_err();
        assert!(e.starts_with("test.toml:6:1:") && e.contains("per-dya"), "{e}");
    }

    #[test]
    fn invalid_values_name_path_expected_and_found() {
        let e = parse("[run]\nstart = \"2026-01-01\"\n[customers]\ncountries = { IN = 0.5, XYZ = 0.5 }\n").unwrap_err();
        assert!(e.starts_with("test.toml:4:"), "{e}");
        assert!(e.contains("customers.countries.XYZ") && e.contains("expected") && e.contains("XYZ"), "{e}");
        let e = parse(&MINIMAL.replace("2026-01-01", "2026-13-01")).unwrap_err();
        assert!(e.starts_with("test.toml:2:9: run.start: expected a date"), "{e}");
        let e = parse(&format!("{MINIMAL}[[strategy]]\nname = \"a\"\nkind = \"defer-utility\"\nmax-wait = \"soon\"\n"))
            .unwrap_err();
        assert!(e.starts_with("test.toml:8:12: strategy[0].max-wait: expected a duration"), "{e}");
        assert!(e.contains("found \"soon\""), "{e}");
    }
}
